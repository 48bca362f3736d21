"""活动 through AppTest (list, filters, an event's attendance, create, edit, cancel) and the
events service against hand counts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import events
from sltcore.auth import SYSTEM
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/events.py"
DAY = dt.date(2026, 11, 20)
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")


def open_page(query: dict | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def desk(app_env):
    store = LocalStore(app_env)
    com = community(store)
    north = community(store, "北三里")
    a = volunteer(store, com["id"], name="王秀英", mobile="13800005678")
    b = volunteer(store, com["id"], name="李强", mobile="13900001234")
    ev = store.append(
        "events",
        [
            {
                "title": "垃圾分类宣传",
                "date": DAY,
                "community_id": com["id"],
                "category": "green",
                "start_time": dt.time(9, 0),
                "end_time": dt.time(11, 0),
            },
            {"title": "治安巡逻", "date": DAY, "community_id": north["id"], "category": "security"},
            {
                "title": "元旦联欢",
                "date": dt.date(2026, 12, 30),
                "community_id": com["id"],
                "category": "culture",
                "status": "planned",
            },
        ],
        SYSTEM,
    )
    store.append(
        "service_records",
        [
            record_row(a, 2.0, DAY, event_id=ev[0]["id"]),
            record_row(b, 1.5, DAY, event_id=ev[0]["id"]),
        ],
        SYSTEM,
    )
    yield {"store": store, "com": com, "north": north, "events": ev}
    store.close()


def test_listing_totals_and_filters(desk):
    frames = desk["store"].read_all()
    df = events.listing(frames, "zh").set_index("title")
    assert df.loc["垃圾分类宣传", "attendees"] == 2 and df.loc["垃圾分类宣传", "hours"] == 3.5
    assert df.loc["治安巡逻", "hours"] == 0.0
    assert df.loc["元旦联欢", "status_label"] == "计划中"
    listing = events.listing(frames, "zh")
    north = events.filter_events(listing, community_id=desk["north"]["id"])
    assert list(north["title"]) == ["治安巡逻"]
    assert list(events.filter_events(listing, status="planned")["title"]) == ["元旦联欢"]
    assert list(events.filter_events(listing, end=dt.date(2026, 11, 29), text="宣传")["title"]) == [
        "垃圾分类宣传"
    ]


def test_recordable_puts_past_events_first_and_leaves_out_cancelled(desk):
    store = desk["store"]
    ev = desk["events"][1]
    store.update("events", ev["id"], {"status": "cancelled"}, ev["version"], SYSTEM)
    labels = list(events.recordable(store.read_all(), dt.date(2026, 11, 29), "zh").values())
    assert labels == [
        "2026年11月20日 · 垃圾分类宣传 · 幸福一村",
        "2026年12月30日 · 元旦联欢 · 幸福一村",
    ]


def test_recordable_offers_recent_events_and_the_one_asked_for(desk):
    store = desk["store"]
    old = store.append(
        "events",
        [
            {
                "title": "去年的活动",
                "date": dt.date(2025, 6, 1),
                "community_id": desk["com"]["id"],
                "category": "care",
            }
        ],
        SYSTEM,
    )[0]
    frames = store.read_all()
    assert old["id"] not in events.recordable(frames, dt.date(2026, 11, 29), "zh")
    assert old["id"] in events.recordable(frames, dt.date(2026, 11, 29), "zh", include=old["id"])


def test_renders_on_an_empty_store(app_env):
    at = open_page()
    assert at.title[0].value == "活动"
    assert any("欢迎使用" in i.value for i in at.info)


def test_renders_on_sample_data(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert not at.error
    table = at.dataframe[0].value
    assert list(table.columns)[:3] == ["日期", "活动名称", "社区"] and len(table) > 10
    at.selectbox(key="events.status").set_value("planned").run()
    assert set(at.dataframe[0].value["状态"]) == {"计划中"}


def test_event_page_shows_attendance_and_total_hours_masked(desk):
    at = open_page({"event": desk["events"][0]["id"]})
    assert at.title[0].value == "垃圾分类宣传"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["参加人数"] == "2 人" and metrics["总服务时长"] == "3.5 小时"
    table = at.dataframe[0].value
    assert set(table["姓名"]) == {"王秀英", "李强"}
    assert not FULL_MOBILE.search(table.to_string()) and "138****5678" in set(table["手机号"])


def test_create_edit_and_cancel(desk):
    store = desk["store"]
    at = open_page()
    # inside a st.form values are sent with the submit: set them all, then click
    at.text_input(key="events.add.0.title").input("敬老院慰问")
    at.date_input(key="events.add.0.date").set_value(dt.date(2026, 11, 25))
    at.selectbox(key="events.add.0.community_id").set_value(desk["com"]["id"])
    at.selectbox(key="events.add.0.category").set_value("care")
    next(b for b in at.button if b.label == "新建活动").click().run()
    assert not at.exception and not at.error
    created = store.read("events").set_index("title").loc["敬老院慰问"]
    assert at.query_params["event"] == created["id"]
    assert at.title[0].value == "敬老院慰问"

    at.text_input(key=f"events.edit.{created['id']}.1.location").input("幸福一村活动室")
    next(b for b in at.button if b.label == "保存").click().run()
    assert store.get("events", created["id"])["location"] == "幸福一村活动室"

    at.button(key="events.cancel").click().run()
    assert store.get("events", created["id"])["status"] == "cancelled"
    assert "活动已取消" in [t.value for t in at.toast]


def test_create_refusal_keeps_the_form(desk):
    at = open_page()
    at.text_input(key="events.add.0.location").input("社区广场")
    next(b for b in at.button if b.label == "新建活动").click().run()
    error = at.error[0].value
    assert "活动名称" in error and "必填" in error and "第1行" not in error
    assert at.text_input(key="events.add.0.location").value == "社区广场"
    assert len(desk["store"].read("events")) == 3


def test_unknown_event_says_so(desk):
    at = open_page({"event": "evt-nothing"})
    assert "找不到这个活动" in at.warning[0].value


def test_english(desk):
    at = open_page(lang="en")
    assert at.title[0].value == "Events"
    assert list(at.dataframe[0].value.columns)[:2] == ["Date", "Title"]
