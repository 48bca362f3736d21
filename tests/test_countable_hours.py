"""One rule for the hours that count (issue 12, item 1): a volunteer with 3 confirmed and 5
unconfirmed hours shows the same 3 hours on every page and in every export, and the 5 hours
apart, labelled.

《中国注册志愿者管理办法》(2013) 第十四条: service time is the actual time confirmed by the
organiser. The rule itself lives in `sltcore.services.hours`; this test reads what a user reads.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.exports import certificate, report
from sltcore.services import analytics, events, hours, teams, volunteers
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TODAY = dt.date(2026, 11, 29)  # pinned by tests/conftest.py
CONFIRMED, UNCONFIRMED = 3.0, 5.0


@pytest.fixture
def desk(app_env):
    """王秀英 served twice in November 2026 at events of her team: 3 h the organiser confirmed
    and 5 h still waiting for confirmation. 李强 has 2 confirmed hours."""
    store = LocalStore(app_env)
    com = community(store)
    wang = volunteer(store, com["id"], name="王秀英", registered_on=dt.date(2020, 3, 5))
    li = volunteer(store, com["id"], name="李强", registered_on=dt.date(2020, 3, 5))
    team = store.append(
        "teams", [{"name": "亲情关怀队", "category": "care", "community_id": com["id"]}], SYSTEM
    )[0]
    store.append(
        "team_members",
        [{"team_id": team["id"], "volunteer_id": v["id"], "role": "member"} for v in (wang, li)],
        SYSTEM,
    )
    ev1, ev2 = store.append(
        "events",
        [
            {"title": "探望老人", "date": dt.date(2026, 11, 10), "community_id": com["id"],
             "category": "care", "team_id": team["id"], "status": "done"},
            {"title": "陪老人聊天", "date": dt.date(2026, 11, 20), "community_id": com["id"],
             "category": "care", "team_id": team["id"], "status": "done"},
        ],
        SYSTEM,
    )  # fmt: skip
    store.append(
        "service_records",
        [
            record_row(wang, CONFIRMED, ev1["date"], event_id=ev1["id"], confirmed=True),
            record_row(wang, UNCONFIRMED, ev2["date"], event_id=ev2["id"], confirmed=False),
            record_row(li, 2.0, ev1["date"], event_id=ev1["id"]),
        ],
        SYSTEM,
    )
    yield {"store": store, "wang": wang, "li": li, "team": team, "events": (ev1, ev2)}
    store.close()


def _open(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_rule(desk):
    frames = desk["store"].read_all()
    counted, pending = hours.split(frames)
    assert sorted(counted["hours"]) == [2.0, CONFIRMED]
    assert list(pending["hours"]) == [UNCONFIRMED]
    assert list(hours.countable(frames)["id"]) == list(counted["id"])
    assert list(hours.unconfirmed(frames)["id"]) == list(pending["id"])


def test_services_count_the_same_hours(desk):
    frames = desk["store"].read_all()
    wang = desk["wang"]["id"]
    p = volunteers.profile(frames, wang, "zh", TODAY)
    assert (p.hours_total, p.hours_year) == (CONFIRMED, CONFIRMED)
    assert (p.hours_unconfirmed, p.records_unconfirmed) == (UNCONFIRMED, 1)
    assert dict(zip(p.events["hours"], p.events["confirmed"], strict=True)) == {
        CONFIRMED: True,
        UNCONFIRMED: False,
    }
    shown = volunteers.listing(frames, frames["volunteers"], "zh", TODAY).set_index("id")
    assert shown.loc[wang, "hours_total"] == CONFIRMED == shown.loc[wang, "hours_year"]

    team = teams.overview(frames, "zh", TODAY).set_index("id").loc[desk["team"]["id"]]
    assert team["hours_year"] == CONFIRMED + 2.0 and team["unconfirmed_year"] == UNCONFIRMED

    listed = events.listing(frames, "zh").set_index("id")
    ev1, ev2 = desk["events"]
    assert listed.loc[ev1["id"], "hours"] == CONFIRMED + 2.0
    assert listed.loc[ev2["id"], "hours"] == 0.0 and listed.loc[ev2["id"], "attendees"] == 1

    period = analytics.period_this_month(TODAY)
    stars = analytics.star_list(frames, period).set_index("volunteer_id")
    assert stars.loc[wang, "hours_total"] == CONFIRMED == stars.loc[wang, "hours_period"]
    assert stars.loc[wang, "hours_unconfirmed"] == UNCONFIRMED
    figures = analytics.key_figures(frames, period).set_index("figure")
    assert figures.loc["hours", "value"] == CONFIRMED + 2.0
    waiting = analytics.unconfirmed_hours(frames, period).iloc[0]
    assert (waiting["records"], waiting["hours"]) == (1, UNCONFIRMED)


def test_exports_and_the_certificate_count_the_same_hours(desk):
    frames = desk["store"].read_all()
    wang = desk["wang"]
    wb = openpyxl.load_workbook(io.BytesIO(report.monthly_report(frames, 2026, 11)))
    rows = list(wb["服务记录"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[2], r[6]) for r in rows) == [("李强", 2.0), ("王秀英", CONFIRMED)]
    summary = [r for r in wb["汇总"].iter_rows(values_only=True) if r[0]]
    assert ("服务时长（小时）", CONFIRMED + 2.0) in [(r[0], r[1]) for r in summary]
    assert any("另有 5 小时（1 条服务记录）尚待组织方确认" in str(r[0]) for r in summary)

    row = certificate.issue(
        desk["store"], SYSTEM, wang["id"], dt.date(2026, 1, 1), TODAY, "三里屯街道", data=frames
    )
    assert row["hours"] == CONFIRMED
    pdf = certificate.render_pdf(row, desk["store"].get("volunteers", wang["id"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "3 小时" in text.replace("\n", "") and "8 小时" not in text


def test_pages_show_the_same_hours_and_the_unconfirmed_apart(desk):
    wang = desk["wang"]["id"]
    at = _open("app_pages/volunteers.py", {"vol": wang})
    assert _metric(at, "累计服务时长") == "3 小时"
    assert _metric(at, "2026年服务时长") == "3 小时"
    note = next(i.value for i in at.info if "待组织方确认" in i.value)
    assert "另有 5 小时（1 条记录）尚待组织方确认" in note

    at = _open("app_pages/teams.py", {"team": desk["team"]["id"]})
    assert _metric(at, "2026年服务时长") == "5 小时"  # 王秀英 3 h + 李强 2 h
    assert any("另有 5 小时尚待组织方确认" in i.value for i in at.info)

    at = _open("app_pages/stars.py")
    table = at.dataframe[0].value.set_index("name")
    assert table.loc["王秀英", "hours_total"] == CONFIRMED
    assert any("1 名志愿者共 5 小时尚待组织方确认" in c.value for c in at.caption)

    at = _open("app_pages/dashboard.py")
    assert _metric(at, "服务小时数") == "5"  # this month: 3 + 2 confirmed hours
    assert any("另有 5 小时（1 条服务记录）尚待组织方确认" in c.value for c in at.caption)

    ev2 = desk["events"][1]["id"]
    at = _open("app_pages/events.py", {"event": ev2})
    assert _metric(at, "总服务时长") == "0 小时"
    assert any("另有 5 小时（1 条记录）尚待组织方确认" in i.value for i in at.info)
