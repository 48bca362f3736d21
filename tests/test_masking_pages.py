"""No page shows a full ID or phone number to an account that does not need it.

One volunteer and one beneficiary of 北三里, with known full numbers, appear on every page
(a team, an event with a record, a redemption, a pairing, a duty shift). A read-only account
and the coordinator of another community open each page; everything the page renders (text,
tables, options, metrics) must hold none of the full numbers. The masked forms show instead
where a page lists the person.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import clock
from sltcore.auth import SYSTEM, Actor
from sltcore.identity import make_id_number
from sltcore.services import pairings, rosters, timebank
from sltcore.store.local import LocalStore
from tests.helpers import community, plain, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
MOBILE = "13912345678"
ID_NUMBER = make_id_number("110105", dt.date(1970, 5, 6), 41, "F")
BEN_PHONE = "13687654321"
BEN_ID = make_id_number("110105", dt.date(1940, 2, 3), 17, "M")
FULL = (MOBILE, ID_NUMBER, BEN_PHONE, BEN_ID, ID_NUMBER[6:14] + ID_NUMBER[14:])


@pytest.fixture
def desk(app_env):
    s = LocalStore(app_env)
    mine, other = community(s, "北三里"), community(s, "东三里")
    day = clock.today() - dt.timedelta(days=3)
    v = volunteer(s, mine["id"], name="王秀英", mobile=MOBILE, id_number=ID_NUMBER,
                  birth_date=dt.date(1970, 5, 6), sex="F")  # fmt: skip
    ev = s.append("events", [{"title": "敬老慰问", "date": day, "community_id": mine["id"],
                              "category": "care"}], SYSTEM)[0]  # fmt: skip
    s.append("service_records", [record_row(v, 6, day=day, event_id=ev["id"])], SYSTEM)
    team = {"name": "北三里治安队", "community_id": mine["id"], "category": "security",
            "leader_id": v["id"]}  # fmt: skip
    team = s.append("teams", [team], SYSTEM)[0]
    s.append("team_members", [{"team_id": team["id"], "volunteer_id": v["id"]}], SYSTEM)
    item = s.append("redemption_items", [{"name": "理发", "kind": "service", "points": 1}],
                    SYSTEM)[0]  # fmt: skip
    timebank.redeem(s, SYSTEM, v["id"], item["id"], 1, day)
    ben = s.append("beneficiaries", [{"name": "李淑珍", "kind": "elder_alone",
                                      "community_id": mine["id"], "phone": BEN_PHONE,
                                      "id_number": BEN_ID, "address": "北三里5号楼201"}],
                   SYSTEM)[0]  # fmt: skip
    pair = s.append("pairings", [{"volunteer_id": v["id"], "beneficiary_id": ben["id"],
                                  "kind": "elder", "started_on": dt.date(2026, 1, 1)}],
                    SYSTEM)[0]  # fmt: skip
    pairings.record_visit(s, SYSTEM, pair["id"], day, 1.0)
    period = s.append("roster_periods", [{"name": "冬季值守", "key_period": "other",
                                          "start_date": day, "end_date": day + dt.timedelta(7)}],
                      SYSTEM)[0]  # fmt: skip
    shift = s.append("roster_shifts", [{"period_id": period["id"], "post": "门岗",
                                        "community_id": mine["id"], "date": day,
                                        "start_time": dt.time(8), "end_time": dt.time(12)}],
                     SYSTEM)[0]  # fmt: skip
    rosters.assign(s, SYSTEM, shift["id"], [v["id"]])
    yield {"v": v, "ev": ev, "team": team, "other": other["id"]}
    s.close()


def _everything(at: AppTest) -> str:
    """All an AppTest run rendered, as one text: bodies, labels, options, tables, metrics."""
    parts: list[str] = []
    for kind in ("title", "subheader", "header", "markdown", "caption", "info", "success",
                 "warning", "error", "text", "metric", "toast"):  # fmt: skip
        for e in getattr(at, kind):
            parts.append(str(getattr(e, "value", "")))
            parts.append(str(getattr(e, "label", "")))
    for kind in ("selectbox", "multiselect", "radio"):
        for e in getattr(at, kind):
            parts += [str(e.label), *map(str, e.options)]
    for e in (*at.button, *at.checkbox, *at.expander, *at.tabs):
        parts.append(str(e.label))
    for df in at.dataframe:
        parts.append(df.value.to_csv())
    for t in at.table:
        parts.append(t.value.to_csv())
    return "\n".join(parts)


PAGES = [
    ("app_pages/volunteers.py", {"vol": "v"}),
    ("app_pages/volunteers.py", None),
    ("app_pages/teams.py", {"team": "team"}),
    ("app_pages/teams.py", None),
    ("app_pages/events.py", {"event": "ev"}),
    ("app_pages/timebank.py", None),
    ("app_pages/pairings.py", None),
    ("app_pages/rosters.py", None),
    ("app_pages/stars.py", None),
    ("app_pages/reports.py", None),
    ("app_pages/dashboard.py", None),
    ("app_pages/health.py", None),
    ("app_pages/tables.py", None),
    ("app_pages/record.py", None),
    ("app_pages/donations.py", None),
]


@pytest.mark.parametrize("role", ["viewer", "coordinator of another community"])
@pytest.mark.parametrize(("page", "query"), PAGES, ids=[f"{p[10:-3]}{'-item' if q else ''}"
                                                        for p, q in PAGES])  # fmt: skip
def test_no_page_shows_a_full_number_to_those_who_do_not_need_it(desk, role, page, query):
    actor = (
        Actor("leader", "viewer", display_name="街道领导")
        if role == "viewer"
        else Actor("dsl", "coordinator", communities=(desk["other"],), display_name="东三里协调员")
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    at.session_state["actor"] = actor
    at.run()
    if page == "app_pages/record.py" and role == "viewer":  # not in a viewer's navigation
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
        return
    if query:
        at.query_params.update({k: desk[v]["id"] for k, v in query.items()})
    at.switch_page(page).run()
    assert not at.exception, at.exception
    seen = plain(_everything(at))
    for number in FULL:
        assert number not in seen, (page, role, number)
    if query == {"vol": "v"}:
        assert "139****5678" in seen, "the profile shows the mobile masked"
