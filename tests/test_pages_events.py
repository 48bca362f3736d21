"""活动 through AppTest (list, filters, an event's attendance, create, edit, cancel) and the
events service against hand counts."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import ConflictError
from sltcore.services import events
from sltcore.store.local import LocalStore
from tests.helpers import OTHER, TxSpy, community, dump, record_row, stale_notices, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/events.py"
DAY = dt.date(2026, 11, 20)
FULL_MOBILE = re.compile(r"1[3-9]\d{9}")


def open_page(query: dict | None = None, lang: str = "zh", actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
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


# --- an event's records follow its date and community; cancelling archives them ----------


def _conflict(table_key: str) -> ConflictError:
    return ConflictError(table_key, "x", 1, 2)


def live_records(store, event_id):
    rec = store.read("service_records")
    return rec[rec["event_id"] == event_id]


def test_a_new_date_and_community_carry_over_to_the_records_in_one_transaction(desk):
    store, ev = desk["store"], desk["events"][0]
    spy = TxSpy(store)
    new_day = dt.date(2026, 11, 18)
    done = events.update_event(
        spy,
        store.read_all(),
        ev["id"],
        {"date": new_day, "community_id": desk["north"]["id"], "location": "北三里"},
        ev["version"],
        SYSTEM,
    )
    assert done.records_moved == 2 and done.event["date"] == new_day
    assert spy.transactions == [[("update_many", "service_records"), ("update", "events")]]
    rec = live_records(store, ev["id"])
    assert set(rec["date"].dt.date) == {new_day}
    assert set(rec["community_id"]) == {desk["north"]["id"]}
    # what the dashboard counts per community follows too
    frames = store.read_all()
    north = frames["service_records"]["community_id"] == desk["north"]["id"]
    assert frames["service_records"].loc[north, "hours"].sum() == 3.5


def test_other_changes_leave_the_records_alone(desk):
    store, ev = desk["store"], desk["events"][0]
    spy = TxSpy(store)
    events.update_event(
        spy, store.read_all(), ev["id"], {"location": "活动室"}, ev["version"], SYSTEM
    )
    assert spy.transactions == [[("update", "events")]]
    assert set(live_records(store, ev["id"])["version"]) == {1}


def test_a_future_date_is_refused_before_anything_is_written(desk):
    store, ev = desk["store"], desk["events"][0]
    before = dump(store)
    spy = TxSpy(store)
    with pytest.raises(events.EventChangeRefused) as err:
        events.update_event(
            spy, store.read_all(), ev["id"], {"date": dt.date(2026, 12, 5)}, ev["version"], SYSTEM
        )
    assert "2 条服务记录" in err.value.message("zh") and "今天以后" in err.value.message("zh")
    assert "2 service records" in err.value.message("en")
    assert spy.calls == []
    assert dump(store) == before
    assert store.get("events", ev["id"])["date"] == DAY
    assert set(live_records(store, ev["id"])["date"].dt.date) == {DAY}


def test_a_refused_record_refuses_the_whole_change_naming_the_person(desk):
    """王秀英 already has 23 hours on the new day: with this event's 2 that is over 24."""
    store, ev = desk["store"], desk["events"][0]
    wang = store.read("volunteers").set_index("name").loc["王秀英"]
    other = dt.date(2026, 11, 10)
    store.append(
        "service_records",
        [record_row({"id": wang["id"], "community_id": desk["com"]["id"]}, 23.0, other)],
        SYSTEM,
    )
    before = dump(store)
    with pytest.raises(events.EventChangeRefused) as err:
        events.update_event(
            store, store.read_all(), ev["id"], {"date": other}, ev["version"], SYSTEM
        )
    assert dump(store) == before
    text = err.value.message("zh")
    assert "王秀英" in text and "李强" not in text and "没有改动" in text
    assert store.get("events", ev["id"])["date"] == DAY
    assert set(live_records(store, ev["id"])["date"].dt.date) == {DAY}


def test_when_the_event_write_fails_the_records_do_not_move(desk):
    """The event's own write is the change's last: when it fails, the records it moved in the
    same transaction are not stored either, nor any audit row."""
    store, ev = desk["store"], desk["events"][0]
    before = dump(store)
    spy = TxSpy(store, fail_on=("update", "events"), error=_conflict)
    with pytest.raises(Exception, match="changed this row"):
        events.update_event(
            spy, store.read_all(), ev["id"], {"date": dt.date(2026, 11, 18)}, ev["version"], SYSTEM
        )
    assert spy.calls == [("update_many", "service_records"), ("update", "events")]
    assert dump(store) == before
    assert set(live_records(store, ev["id"])["date"].dt.date) == {DAY}
    assert store.get("events", ev["id"])["date"] == DAY


def test_a_stale_event_is_refused_before_its_records_move(desk):
    store, ev = desk["store"], desk["events"][0]
    store.update("events", ev["id"], {"location": "别人改的"}, ev["version"], SYSTEM)
    before = dump(store)
    spy = TxSpy(store)
    with pytest.raises(ConflictError, match="changed this row"):
        events.update_event(
            spy, store.read_all(), ev["id"], {"date": dt.date(2026, 11, 18)}, ev["version"], SYSTEM
        )
    assert spy.calls == []
    assert dump(store) == before


def test_records_added_after_the_page_was_read_follow_a_new_date(desk):
    store, ev = desk["store"], desk["events"][0]
    frames = store.read_all()  # what the page showed: 2 records
    zhang = volunteer(store, desk["com"]["id"], name="张伟")  # recorded in another session:
    store.append("service_records", [record_row(zhang, 1.0, DAY, event_id=ev["id"])], SYSTEM)
    new_day = dt.date(2026, 11, 18)
    done = events.update_event(store, frames, ev["id"], {"date": new_day}, ev["version"], SYSTEM)
    assert done.records_moved == 3
    assert set(live_records(store, ev["id"])["date"].dt.date) == {new_day}


def test_cancelling_archives_the_records_in_one_transaction(desk):
    store, ev = desk["store"], desk["events"][0]
    spy = TxSpy(store)
    done = events.cancel(spy, store.read_all(), ev["id"], ev["version"], SYSTEM)
    assert done.records_archived == 2 and done.event["status"] == "cancelled"
    assert spy.transactions == [[("set_archived", "service_records"), ("update", "events")]]
    assert live_records(store, ev["id"]).empty
    every = store.read("service_records", include_archived=True)
    assert every.loc[every["event_id"] == ev["id"], "archived"].all(), "archived, not deleted"


def test_cancelling_archives_records_added_after_the_page_was_read(desk):
    """The records are selected inside the transaction: one recorded in another session after
    the page read its frames does not stay counted under a cancelled event."""
    store, ev = desk["store"], desk["events"][0]
    frames = store.read_all()
    zhang = volunteer(store, desk["com"]["id"], name="张伟")  # recorded in another session:
    late = store.append(
        "service_records", [record_row(zhang, 1.0, DAY, event_id=ev["id"])], SYSTEM
    )[0]
    assert events.records_count(frames, ev["id"])[0] == 2
    done = events.cancel(store, frames, ev["id"], ev["version"], SYSTEM)
    assert done.records_archived == 3
    assert live_records(store, ev["id"]).empty
    assert store.get("service_records", late["id"])["archived"]


def test_cancelling_through_the_status_field_archives_too(desk):
    store, ev = desk["store"], desk["events"][0]
    done = events.update_event(
        store, store.read_all(), ev["id"], {"status": "cancelled"}, ev["version"], SYSTEM
    )
    assert done.records_archived == 2 and live_records(store, ev["id"]).empty


def test_a_failed_cancel_archives_nothing(desk):
    """Marking the event cancelled is the last write: when it fails, the records archived in
    the same transaction stay live, and no audit row is left."""
    store, ev = desk["store"], desk["events"][0]
    before = dump(store)
    spy = TxSpy(store, fail_on=("update", "events"), error=_conflict)
    with pytest.raises(Exception, match="changed this row"):
        events.cancel(spy, store.read_all(), ev["id"], ev["version"], SYSTEM)
    assert spy.calls == [("set_archived", "service_records"), ("update", "events")]
    assert dump(store) == before
    assert len(live_records(store, ev["id"])) == 2
    assert store.get("events", ev["id"])["status"] == "done"


def test_a_cancel_of_a_stale_event_is_refused(desk):
    store, ev = desk["store"], desk["events"][0]
    store.update("events", ev["id"], {"location": "别人改的"}, ev["version"], SYSTEM)
    before = dump(store)
    with pytest.raises(ConflictError):
        events.cancel(store, store.read_all(), ev["id"], ev["version"], SYSTEM)
    assert dump(store) == before


def test_page_edit_moves_the_records_and_says_so(desk):
    store, ev = desk["store"], desk["events"][0]
    at = open_page({"event": ev["id"]})
    assert "2 条服务记录" in " ".join(c.value for c in at.caption)
    at.date_input(key=f"events.edit.{ev['id']}.1.date").set_value(dt.date(2026, 11, 18))
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error
    assert "活动已修改，2 条服务记录已随之更新" in [t.value for t in at.toast]
    assert set(live_records(store, ev["id"])["date"].dt.date) == {dt.date(2026, 11, 18)}


def test_page_refuses_a_future_date_for_an_event_with_records(desk):
    store, ev = desk["store"], desk["events"][0]
    at = open_page({"event": ev["id"]})
    at.date_input(key=f"events.edit.{ev['id']}.1.date").set_value(dt.date(2026, 12, 5))
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert "今天以后" in at.error[0].value
    assert store.get("events", ev["id"])["version"] == 1


def test_page_cancel_tells_how_many_records_are_archived(desk):
    store, ev = desk["store"], desk["events"][0]
    at = open_page({"event": ev["id"]})
    warning = next(w.value for w in at.warning if "取消后" in w.value)
    assert "2 条服务记录（共 3.5 小时）将被归档" in warning
    assert at.button(key="events.cancel").label == "确认取消，并归档 2 条服务记录"
    at.button(key="events.cancel").click().run()
    assert "活动已取消，2 条服务记录已归档" in [t.value for t in at.toast]
    assert live_records(store, ev["id"]).empty
    assert store.get("events", ev["id"])["status"] == "cancelled"


def test_english_cancel_confirmation(desk):
    at = open_page({"event": desk["events"][0]["id"]}, lang="en")
    assert at.button(key="events.cancel").label == "Cancel it and archive its 2 records"


# --- correcting one person's record on the event's page -----------------------------------


def fix(at: AppTest, desk: dict, name: str) -> dict:
    rec = live_records(desk["store"], desk["events"][0]["id"])
    vols = desk["store"].read("volunteers").set_index("id")["name"]
    row = rec[rec["volunteer_id"].map(vols) == name].iloc[0].to_dict()
    at.selectbox(key=f"events.fix.{desk['events'][0]['id']}").set_value(row["id"]).run()
    return row


def test_a_coordinator_corrects_one_persons_hours_and_content(desk):
    store = desk["store"]
    coord = Actor("coord", "coordinator", (desk["com"]["id"],), "协调员")
    at = open_page({"event": desk["events"][0]["id"]}, actor=coord)
    row = fix(at, desk, "李强")
    prefix = f"events.fix.{row['id']}.0."
    assert at.number_input(key=prefix + "hours").value == 1.5
    at.number_input(key=prefix + "hours").set_value(2.5)
    at.text_area(key=prefix + "content").input("分发宣传单")
    next(b for b in at.button if b.label == "保存" and "fix" in str(b.proto.id)).click().run()
    assert not at.exception and not at.error
    saved = store.get("service_records", row["id"])
    assert saved["hours"] == 2.5 and saved["content"] == "分发宣传单"
    assert saved["updated_by"] == "coord"
    assert "已更正 李强 的记录" in [t.value for t in at.toast]
    assert {m.label: m.value for m in at.metric}["总服务时长"] == "4.5 小时"


def test_a_correction_is_validated(desk):
    at = open_page({"event": desk["events"][0]["id"]})
    row = fix(at, desk, "李强")
    at.number_input(key=f"events.fix.{row['id']}.0.hours").set_value(0.0)
    next(b for b in at.button if b.label == "保存" and "fix" in str(b.proto.id)).click().run()
    assert "服务时长" in at.error[0].value and "大于0" in at.error[0].value
    assert desk["store"].get("service_records", row["id"])["hours"] == 1.5


def test_a_correction_of_a_record_someone_else_changed_is_refused(desk):
    store = desk["store"]
    at = open_page({"event": desk["events"][0]["id"]})
    row = fix(at, desk, "李强")
    store.update("service_records", row["id"], {"hours": 3.0}, 1, SYSTEM)  # another session
    at.number_input(key=f"events.fix.{row['id']}.0.hours").set_value(2.0)
    next(b for b in at.button if b.label == "保存" and "fix" in str(b.proto.id)).click().run()
    assert not at.exception
    assert "已被别人修改" in at.error[0].value
    assert store.get("service_records", row["id"])["hours"] == 3.0
    at.run()  # the form now shows the record as stored, to correct again
    assert at.number_input(key=f"events.fix.{row['id']}.1.hours").value == 3.0


def test_archiving_a_record_someone_else_changed_is_refused(desk):
    store = desk["store"]
    at = open_page({"event": desk["events"][0]["id"]})
    row = fix(at, desk, "李强")
    ask = f"events.fix.ask.{row['id']}"
    at.button(key=f"{ask}.btn").click().run()
    store.update("service_records", row["id"], {"hours": 3.0}, 1, SYSTEM)  # another session
    at.button(key=f"{ask}.yes").click().run()
    assert "已被别人修改" in at.error[0].value
    assert store.get("service_records", row["id"])["archived"] is False


def test_archiving_one_record_asks_first(desk):
    store = desk["store"]
    at = open_page({"event": desk["events"][0]["id"]})
    row = fix(at, desk, "王秀英")
    ask = f"events.fix.ask.{row['id']}"
    at.button(key=f"{ask}.btn").click().run()
    assert "确定要归档 王秀英 的这条记录（2 小时）吗" in at.warning[0].value
    assert store.get("service_records", row["id"])["archived"] is False, "not before confirming"
    at.button(key=f"{ask}.no").click().run()
    assert store.get("service_records", row["id"])["archived"] is False
    at.button(key=f"{ask}.btn").click().run()
    at.button(key=f"{ask}.yes").click().run()
    assert store.get("service_records", row["id"])["archived"] is True
    assert "已归档 王秀英 的记录" in [t.value for t in at.toast]
    assert list(at.dataframe[0].value["姓名"]) == ["李强"]


def test_an_overnight_event_is_listed_as_ending_the_next_day(desk):
    store = desk["store"]
    store.append(
        "events",
        [
            {
                "title": "夜间巡逻",
                "date": DAY,
                "start_time": dt.time(22, 0),
                "end_time": dt.time(6, 0),
                "community_id": desk["com"]["id"],
                "category": "security",
            }
        ],
        SYSTEM,
    )
    frames = store.read_all()
    assert events.listing(frames, "zh").set_index("title").loc["夜间巡逻", "time"] == (
        "22:00–次日06:00"
    )
    assert events.listing(frames, "en").set_index("title").loc["垃圾分类宣传", "time"] == (
        "09:00–11:00"
    )


# --- the event's edit form when someone else saved the event meanwhile ----------------------


def test_an_event_saved_elsewhere_meanwhile_is_a_conflict_and_the_typing_stays(desk):
    store, ev = desk["store"], desk["events"][0]
    at = open_page({"event": ev["id"]})
    form = f"events.edit.{ev['id']}"
    at.text_input(key=f"{form}.1.location").input("幸福一村活动室")
    store.update("events", ev["id"], {"location": "社区广场"}, 1, OTHER)  # another session
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    error = at.error[0].value
    assert "这条记录" in error and "已被别人修改" in error and "请刷新后重新修改" in error
    saved = store.get("events", ev["id"])
    assert saved["location"] == "社区广场" and saved["updated_by"] == "other"  # not overwritten
    assert at.text_input(key=f"{form}.1.location").value == "幸福一村活动室"  # typing kept
    assert "那次修改了：地点" in stale_notices(at)[0]

    # saving again without loading the latest is refused again; the typing still stays
    next(b for b in at.button if b.label == "保存").click().run()
    assert "已被别人修改" in at.error[0].value
    assert store.get("events", ev["id"])["location"] == "社区广场"
    assert at.text_input(key=f"{form}.1.location").value == "幸福一村活动室"

    at.button(key=f"{form}.reload").click().run()  # 载入最新内容
    assert not at.error and not stale_notices(at)
    assert at.text_input(key=f"{form}.2.location").value == "社区广场"
    at.text_input(key=f"{form}.2.location").input("幸福一村活动室")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error
    saved = store.get("events", ev["id"])
    assert saved["location"] == "幸福一村活动室" and saved["version"] == 3
    assert "活动已修改" in [t.value for t in at.toast]
    assert at.text_input(key=f"{form}.3.location").value == "幸福一村活动室"
    assert not stale_notices(at)


def test_cancelling_on_the_page_redraws_the_edit_form_without_a_notice(desk):
    store, ev = desk["store"], desk["events"][1]
    at = open_page({"event": ev["id"]})
    at.button(key="events.cancel").click().run()
    assert store.get("events", ev["id"])["status"] == "cancelled"
    assert not stale_notices(at)
    assert at.selectbox(key=f"events.edit.{ev['id']}.2.status").value == "cancelled"
