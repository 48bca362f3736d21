"""Text people typed is shown as typed on every page, in PDFs and workbooks; names refuse
direction-override and zero-width characters; full-width digits are stored as ASCII."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from markdown_it import MarkdownIt
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.errors import ValidationError
from sltcore.exports import certificate
from sltcore.services import rows, volunteers
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = "app.py"
EVIL = "![](http://evil.example/x.png)<b>粗</b>[点我](http://evil.example)**星**"
RENDER = MarkdownIt("commonmark")


@pytest.fixture
def desk(app_env):
    s = LocalStore(app_env)
    com = community(s, "北三里")
    v = volunteer(s, com["id"], name=EVIL[:50], mobile="13800005678")
    ev = s.append("events", [{"title": EVIL, "date": dt.date(2026, 11, 20),
                              "community_id": com["id"], "category": "care",
                              "location": "<i>礼堂</i>"}], SYSTEM)[0]  # fmt: skip
    s.append("service_records", [record_row(v, 2, day=dt.date(2026, 11, 20),
                                            event_id=ev["id"])], SYSTEM)  # fmt: skip
    team = s.append("teams", [{"name": EVIL[:50], "community_id": com["id"],
                               "category": "care"}], SYSTEM)[0]  # fmt: skip
    s.append("team_members", [{"team_id": team["id"], "volunteer_id": v["id"]}], SYSTEM)
    _programmes(s, com, v, team)
    yield {"s": s, "v": v, "ev": ev, "team": team}
    s.close()


def _programmes(s, com, v, team) -> None:
    """Typed markup in every programme: an item, a beneficiary and a team's pairing with a
    visit, a duty period and post, an organisation and its donation."""
    from sltcore.services import pairings, rosters, timebank

    item = s.append("redemption_items", [{"name": EVIL[:50], "kind": "goods", "points": 1}],
                    SYSTEM)[0]  # fmt: skip
    timebank.redeem(s, SYSTEM, v["id"], item["id"], 1, dt.date(2026, 11, 21))
    ben = {"name": EVIL[:50], "kind": "elder_alone", "community_id": com["id"], "needs": EVIL}
    ben = s.append("beneficiaries", [ben], SYSTEM)[0]
    pair = s.append("pairings", [{"team_id": team["id"], "beneficiary_id": ben["id"],
                                  "kind": "elder", "started_on": dt.date(2026, 1, 1)}],
                    SYSTEM)[0]  # fmt: skip
    pairings.record_visit(s, SYSTEM, pair["id"], dt.date(2026, 11, 22), 1.0, EVIL, [v["id"]])
    today = dt.date.today()
    period = s.append("roster_periods", [{"name": EVIL[:50], "key_period": "other",
                                          "start_date": today - dt.timedelta(days=3),
                                          "end_date": today + dt.timedelta(days=3)}],
                      SYSTEM)[0]  # fmt: skip
    shift = s.append("roster_shifts", [{"period_id": period["id"], "post": EVIL[:50],
                                        "community_id": com["id"], "date": today,
                                        "start_time": dt.time(8), "end_time": dt.time(12)}],
                     SYSTEM)[0]  # fmt: skip
    rosters.assign(s, SYSTEM, shift["id"], [v["id"]])
    org = s.append("organisations", [{"name": EVIL[:50], "kind": "company",
                                      "care_alliance": True, "contact": EVIL[:20]}],
                   SYSTEM)[0]  # fmt: skip
    s.append("donations", [{"organisation_id": org["id"], "date": dt.date(2026, 11, 1),
                            "kind": "goods", "amount": 100, "description": EVIL,
                            "recipient": EVIL[:50], "purpose": EVIL}], SYSTEM)  # fmt: skip


def _markdown_bodies(at: AppTest) -> list[str]:
    """Every text Streamlit renders as Markdown: titles, captions, markdown, alerts, labels."""
    out = [e.value for e in (*at.title, *at.caption, *at.markdown, *at.info, *at.success,
                             *at.warning, *at.error, *at.subheader)]  # fmt: skip
    out += [e.label for e in (*at.button, *at.expander, *at.metric) if e.label]
    return out


def _check(at: AppTest, where: str) -> None:
    assert not at.exception, (where, at.exception)
    for body in _markdown_bodies(at):
        html = RENDER.renderInline(body)
        assert "<img" not in html and "<a " not in html, (where, body)
        assert "<strong>星</strong>" not in html and "<b>" not in html and "<i>" not in html, (
            where,
            body,
        )


@pytest.mark.parametrize(
    ("page", "param", "key"),
    [
        ("app_pages/volunteers.py", "vol", "v"),
        ("app_pages/events.py", "event", "ev"),
        ("app_pages/teams.py", "team", "team"),
        ("app_pages/volunteers.py", None, None),
        ("app_pages/events.py", None, None),
        ("app_pages/record.py", "event", "ev"),
        ("app_pages/tables.py", None, None),
        ("app_pages/timebank.py", None, None),
        ("app_pages/pairings.py", None, None),
        ("app_pages/rosters.py", None, None),
        ("app_pages/donations.py", None, None),
        ("app_pages/dashboard.py", None, None),
        ("app_pages/stars.py", None, None),
        ("app_pages/reports.py", None, None),
        ("app_pages/health.py", None, None),
        ("app_pages/home.py", None, None),
        ("app_pages/admin.py", None, None),
        ("app_pages/audit.py", None, None),
    ],
)
def test_a_name_and_title_holding_markup_show_as_typed(desk, page, param, key):
    at = AppTest.from_file(str(__import__("tests.conftest").conftest.ROOT / APP),
                           default_timeout=60)  # fmt: skip
    at.run()
    if param:
        at.query_params[param] = desk[key]["id"]
    at.switch_page(page).run()
    _check(at, page)
    if param and page != "app_pages/record.py":  # the item's own page: its title
        html = RENDER.renderInline(at.title[0].value).replace("\u2060", "")  # invisible
        assert "![](http://evil.example/x.png)" in html.replace("&lt;", "<").replace("&gt;", ">")


def test_the_certificate_pdf_prints_the_name_as_typed(desk):
    row = {"number": "SLT-2026-0001", "hours": 2.0, "issuer": "<b>街道</b>",
           "issued_on": dt.date(2026, 11, 29), "period_from": dt.date(2026, 1, 1),
           "period_to": dt.date(2026, 11, 29)}  # fmt: skip
    pdf = certificate.render_pdf(row, desk["v"])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "![](http://evil.example/x.png)" in text.replace(" ", "")
    assert "<b>街道</b>" in text.replace(" ", "")


def test_names_refuse_direction_overrides_and_zero_width_characters(store):
    com = community(store)
    for bad in ("王\u202e芳", "王\u200b芳", "\u2066王芳\u2069"):
        with pytest.raises(ValidationError) as info:
            volunteer(store, com["id"], name=bad)
        assert "姓名" in info.value.message("zh") and "零宽" in info.value.message("zh")


def test_full_width_digits_are_stored_as_ascii_so_duplicates_are_seen(store):
    com = community(store)
    first = volunteer(store, com["id"], mobile="13900001234")
    typed = {"name": "重复", "sex": "F", "mobile": "１３９００００１２３４",
             "membership": "resident", "community_id": com["id"],
             "registered_on": dt.date(2026, 1, 5)}  # fmt: skip
    frames = store.read_all()
    dups = volunteers.find_duplicates(frames, typed["mobile"], None)
    assert [d.volunteer_id for d in dups] == [first["id"]]
    saved = rows.create(store, "volunteers", typed, SYSTEM)
    assert saved["mobile"] == "13900001234"
    found = volunteers.filter_volunteers(store.read_all(), "１２３４")
    assert len(found) == 2, "a full-width phone suffix finds both"


def test_the_roster_pdf_and_workbook_print_typed_text_as_typed(desk):
    from sltcore.exports import roster

    frames = desk["s"].read_all()
    period = frames["roster_periods"].iloc[0]["id"]
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(roster.pdf(frames, period))).pages
    )
    assert EVIL[:50].replace(" ", "") in text.replace(" ", "").replace("\n", "")
    cells = [
        c.value
        for ws in openpyxl.load_workbook(io.BytesIO(roster.xlsx(frames, period)))
        for row in ws.iter_rows()
        for c in row
    ]
    assert any(isinstance(v, str) and EVIL[:50] in v for v in cells)
