"""Recording an event's attendance: one transaction, each refusal names the person, undo is
exact."""

from __future__ import annotations

import datetime as dt

import pytest

from sltcore.auth import SYSTEM
from sltcore.errors import BackendUnavailable, ConflictError, NotFoundError
from sltcore.services import attendance, events
from sltcore.services.attendance import AttendanceRefused
from sltcore.services.events import duration_hours
from sltcore.store import archive
from tests.helpers import TxSpy, community, dump, record_row, volunteer

DAY = dt.date(2026, 11, 28)  # today is pinned to 2026-11-29 by conftest


@pytest.fixture
def world(store):
    com = community(store)
    team = store.append(
        "teams", [{"name": "幸福一村绿色环保志愿服务队", "category": "green"}], SYSTEM
    )[0]
    people = [
        volunteer(store, com["id"], name="王秀英", mobile="13800005678"),
        volunteer(store, com["id"], name="李强", mobile="13900001234"),
        volunteer(store, com["id"], name="张伟", mobile="13700004321"),
        volunteer(store, com["id"], name="王伟", mobile="13600009999", status="paused"),
    ]
    store.append(
        "team_members",
        [{"team_id": team["id"], "volunteer_id": people[1]["id"], "role": "member"}],
        SYSTEM,
    )
    event = store.append(
        "events",
        [
            {
                "title": "垃圾分类宣传",
                "date": DAY,
                "start_time": dt.time(9, 0),
                "end_time": dt.time(11, 30),
                "community_id": com["id"],
                "category": "green",
                "location": "幸福一村广场",
                "content": "宣传垃圾分类",
            }
        ],
        SYSTEM,
    )[0]
    return {"store": store, "com": com, "team": team, "people": people, "event": event}


def _counts(store) -> tuple[int, int]:
    f = store.read_all()
    return len(f["service_records"]), len(f["events"])


def test_duration_is_the_default_hours():
    assert duration_hours("09:00", "11:30") == 2.5
    assert duration_hours(dt.time(14, 0), dt.time(15, 10)) == 1.25  # quarter hours
    assert duration_hours("09:00", None) is None
    assert duration_hours("09:00", "09:00") is None  # equal times: no duration


def test_an_overnight_event_ends_the_next_day():
    """A 22:00-06:00 night patrol is 8 hours, not refused and not negative."""
    assert duration_hours("22:00", "06:00") == 8.0
    assert duration_hours(dt.time(23, 30), dt.time(0, 15)) == 0.75
    assert duration_hours("11:00", "09:00") == 22.0
    assert events.ends_next_day("22:00", "06:00") and not events.ends_next_day("06:00", "22:00")
    assert events.time_range("22:00", "06:00", "zh") == "22:00–次日06:00"
    assert events.time_range(dt.time(22), dt.time(6), "en") == "22:00–06:00 (next day)"
    assert events.time_range("09:00", "11:30", "zh") == "09:00–11:30"


def test_options_label_carries_name_phone_suffix_community_and_team(world):
    opts = attendance.attendee_options(world["store"].read_all())
    li = opts[world["people"][1]["id"]]
    assert "李强" in li and "1234" in li and "幸福一村" in li and "绿色环保" in li
    assert "13900001234" not in li  # masked
    only = attendance.attendee_options(world["store"].read_all(), [world["people"][2]["id"]])
    assert list(only) == [world["people"][2]["id"]]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("王", {"王秀英"}),
        ("5678", {"王秀英"}),
        ("绿色环保", {"李强"}),
        ("", set()),
        ("9999", set()),
    ],
)
def test_search_by_name_phone_suffix_or_team(world, query, names):
    frames = world["store"].read_all()
    found = attendance.search(frames, query)
    by_id = dict(zip(frames["volunteers"]["id"], frames["volunteers"]["name"], strict=True))
    assert {by_id[v] for v in found} == names  # 王伟 (…9999) is paused: not offered


def test_search_can_include_paused_volunteers(world):
    frames = world["store"].read_all()
    names = dict(zip(frames["volunteers"]["id"], frames["volunteers"]["name"], strict=True))
    assert [names[v] for v in attendance.search(frames, "王", active_only=False)] == [
        "王伟",
        "王秀英",
    ]


def test_happy_path_writes_all_records_in_one_transaction(world):
    spy = TxSpy(world["store"])
    a, b, c = (p["id"] for p in world["people"][:3])
    saved = attendance.record(
        spy,
        spy.read_all(),
        [(a, 2.5), (b, 2.0), (c, 1.5)],
        SYSTEM,
        event_id=world["event"]["id"],
        service_object="社区居民",
    )
    assert spy.transactions == [[("append", "service_records")]]
    assert saved.count == 3 and saved.total_hours == 6.0 and not saved.event_created
    rec = world["store"].read_all()["service_records"]
    assert dict(zip(rec["volunteer_id"], rec["hours"], strict=True)) == {a: 2.5, b: 2.0, c: 1.5}
    assert set(rec["date"].dt.date) == {DAY}
    assert set(rec["place"]) == {"幸福一村广场"} and set(rec["service_object"]) == {"社区居民"}
    assert set(rec["content"]) == {"宣传垃圾分类"}  # the event's content by default


def test_new_event_inline_then_undo_archives_exactly_those_rows(world):
    store = world["store"]
    other = store.append("service_records", [record_row(world["people"][2], 3.0)], SYSTEM)[0]
    spy = TxSpy(store)
    a, b = world["people"][0]["id"], world["people"][1]["id"]
    new = {
        "title": "亮马河清洁",
        "date": DAY,
        "start_time": dt.time(14, 0),
        "end_time": dt.time(16, 0),
        "community_id": world["com"]["id"],
        "category": "green",
    }
    saved = attendance.record(spy, spy.read_all(), [(a, 2.0), (b, 2.0)], SYSTEM, new_event=new)
    assert spy.transactions == [[("append", "events"), ("append", "service_records")]]
    assert saved.event_created and saved.count == 2
    assert _counts(store) == (3, 2)

    assert attendance.undo(spy, saved, SYSTEM) == 2
    assert spy.transactions[1] == [("set_archived", "service_records"), ("archive", "events")]
    every = store.read("service_records", include_archived=True).set_index("id")
    assert set(every.index[every["archived"]]) == set(saved.record_versions)
    assert not every.loc[other["id"], "archived"]
    assert _counts(store) == (1, 1)


def _refused(world, attendees, **kw) -> str:
    store = world["store"]
    before = _counts(store)
    kw.setdefault("event_id", world["event"]["id"])
    with pytest.raises(AttendanceRefused) as err:
        attendance.record(store, store.read_all(), attendees, SYSTEM, **kw)
    assert _counts(store) == before, "a refusal stores nothing"
    return err.value.message("zh")


def test_refused_hours_not_positive_names_the_person(world):
    a, b = world["people"][0]["id"], world["people"][1]["id"]
    msg = _refused(world, [(a, 0.0), (b, 2.0)])
    assert "王秀英" in msg and "大于0" in msg and "李强" not in msg
    assert "李强" in _refused(world, [(a, 2.0), (b, -1.0)])
    assert "请填写服务时长" in _refused(world, [(a, None)])


def test_refused_over_24_hours_a_day_counting_earlier_records(world):
    store = world["store"]
    a = world["people"][0]
    store.append("service_records", [record_row(a, 20.0, DAY)], SYSTEM)
    msg = _refused(world, [(a["id"], 5.0)])
    assert "王秀英" in msg and "20" in msg and "25" in msg and "24小时" in msg
    # 4 more hours is exactly 24: allowed (longer than the 2.5-hour event: confirmed)
    attendance.record(store, store.read_all(), [(a["id"], 4.0)], SYSTEM,
                      event_id=world["event"]["id"], confirmed=("over_duration",))  # fmt: skip


def test_refused_future_date_creates_no_event(world):
    a = world["people"][0]["id"]
    new = {
        "title": "明天的活动",
        "date": dt.date(2026, 11, 30),
        "community_id": world["com"]["id"],
        "category": "green",
    }
    msg = _refused(world, [(a, 2.0)], event_id=None, new_event=new)
    assert "晚于今天" in msg and "2026年11月30日" in msg


def test_refused_same_volunteer_twice_for_one_event(world):
    store = world["store"]
    a, b = world["people"][0]["id"], world["people"][1]["id"]
    attendance.record(store, store.read_all(), [(a, 2.0)], SYSTEM, event_id=world["event"]["id"])
    msg = _refused(world, [(b, 2.0), (a, 2.0)])
    assert "王秀英" in msg and "已有这次活动的服务记录" in msg and "李强" not in msg
    assert "出现了两次" in _refused(world, [(b, 2.0), (b, 1.0)])


def test_refused_archived_volunteer_even_with_a_stale_list(world):
    store = world["store"]
    frames = store.read_all()  # read before the archive: the form still offers her
    a = world["people"][0]
    archive(store, "volunteers", a["id"], a["version"], SYSTEM)
    before = _counts(store)
    with pytest.raises(AttendanceRefused) as err:
        attendance.record(store, frames, [(a["id"], 2.0)], SYSTEM, event_id=world["event"]["id"])
    assert "王秀英" in err.value.message("zh") and "已归档" in err.value.message("zh")
    assert "archived" in err.value.message("en")
    assert _counts(store) == before


def test_refused_cancelled_event_and_no_attendees(world):
    store = world["store"]
    ev = world["event"]
    store.update("events", ev["id"], {"status": "cancelled"}, ev["version"], SYSTEM)
    assert "已取消" in _refused(world, [(world["people"][0]["id"], 2.0)])
    assert "至少选择" in _refused(world, [])


def test_store_refusal_after_a_race_is_named_and_leaves_no_event(world):
    """Another session recorded 23 h between our read and our write: the store refuses the
    records, and the event typed in for this entry is not stored either (one transaction)."""
    store = world["store"]
    a = world["people"][0]
    frames = store.read_all()
    store.append("service_records", [record_row(a, 23.0, DAY)], SYSTEM)
    before = dump(store)
    new = {
        "title": "补录活动",
        "date": DAY,
        "community_id": world["com"]["id"],
        "category": "green",
    }
    with pytest.raises(AttendanceRefused) as err:
        attendance.record(store, frames, [(a["id"], 2.0)], SYSTEM, new_event=new)
    assert "王秀英" in err.value.message("zh") and "24" in err.value.message("zh")
    assert dump(store) == before, "no event, not even an archived one, and no audit row"
    every = store.read("events", include_archived=True)
    assert "补录活动" not in set(every["title"])


def test_a_failed_record_write_leaves_no_event(world):
    """The records' write is the entry's last: when it fails the new event goes with it."""
    store = world["store"]
    before = dump(store)
    spy = TxSpy(
        store,
        fail_on=("append", "service_records"),
        error=lambda t: BackendUnavailable("网络中断", "network down"),
    )
    new = {"title": "亮马河清洁", "date": DAY, "community_id": world["com"]["id"],
           "category": "green"}  # fmt: skip
    with pytest.raises(BackendUnavailable):
        attendance.record(
            spy, spy.read_all(), [(world["people"][0]["id"], 2.0)], SYSTEM, new_event=new
        )
    assert spy.calls == [("append", "events"), ("append", "service_records")]
    assert dump(store) == before


def test_records_copy_the_event_as_it_is_when_saved(world):
    """The event's date moved after the form was read: the records carry the new date."""
    store = world["store"]
    frames = store.read_all()
    ev = world["event"]
    moved = dt.date(2026, 11, 20)
    store.update("events", ev["id"], {"date": moved}, ev["version"], SYSTEM)
    attendance.record(store, frames, [(world["people"][0]["id"], 2.0)], SYSTEM, event_id=ev["id"])
    assert set(store.read("service_records")["date"].dt.date) == {moved}


def test_an_event_cancelled_or_archived_meanwhile_is_refused(world):
    """The event is read inside the transaction, not trusted from the form's frames."""
    store = world["store"]
    frames = store.read_all()
    ev = world["event"]
    who = [(world["people"][0]["id"], 2.0)]
    cancelled = store.update("events", ev["id"], {"status": "cancelled"}, ev["version"], SYSTEM)
    with pytest.raises(AttendanceRefused) as err:
        attendance.record(store, frames, who, SYSTEM, event_id=ev["id"])
    assert "已取消" in err.value.message("zh")
    store.set_archived("events", {ev["id"]: cancelled["version"]}, True, SYSTEM)
    with pytest.raises(NotFoundError):
        attendance.record(store, frames, who, SYSTEM, event_id=ev["id"])
    assert len(store.read("service_records", include_archived=True)) == 0


def test_undo_is_all_or_nothing(world):
    """Someone edited the event the entry created: its archive (undo's last write) is refused
    as stale, and the records stay live too."""
    store = world["store"]
    a = world["people"][0]["id"]
    new = {"title": "亮马河清洁", "date": DAY, "community_id": world["com"]["id"],
           "category": "green"}  # fmt: skip
    saved = attendance.record(store, store.read_all(), [(a, 2.0)], SYSTEM, new_event=new)
    store.update("events", saved.event_id, {"location": "亮马河"}, saved.event_version, SYSTEM)
    before = dump(store)
    spy = TxSpy(store)
    with pytest.raises(ConflictError):
        attendance.undo(spy, saved, SYSTEM)
    assert spy.calls == [("set_archived", "service_records"), ("archive", "events")]
    assert dump(store) == before
    assert _counts(store) == (1, 2)


def test_undo_keeps_an_event_others_recorded_at_since(world):
    store = world["store"]
    a, b = world["people"][0]["id"], world["people"][1]["id"]
    new = {"title": "亮马河清洁", "date": DAY, "community_id": world["com"]["id"],
           "category": "green"}  # fmt: skip
    saved = attendance.record(store, store.read_all(), [(a, 2.0)], SYSTEM, new_event=new)
    attendance.record(store, store.read_all(), [(b, 2.0)], SYSTEM, event_id=saved.event_id)
    assert attendance.undo(store, saved, SYSTEM) == 1
    assert not store.get("events", saved.event_id)["archived"], "李强's record still counts"
    assert list(store.read("service_records")["volunteer_id"]) == [b]


def test_an_entry_run_again_by_the_backend_is_stored_once(world):
    """The Sheets backend may run the action again on fresher data: the entry reads and writes
    only through the transaction, so a re-run stores it once, with the same result."""
    store = world["store"]
    spy = TxSpy(store, reruns=2)
    new = {"title": "亮马河清洁", "date": DAY, "community_id": world["com"]["id"],
           "category": "green"}  # fmt: skip
    a, b = world["people"][0]["id"], world["people"][1]["id"]
    saved = attendance.record(spy, spy.read_all(), [(a, 2.0), (b, 1.5)], SYSTEM, new_event=new)
    assert saved.count == 2 and saved.total_hours == 3.5
    assert _counts(store) == (2, 2)
    assert set(store.read("service_records")["event_id"]) == {saved.event_id}
    assert attendance.undo(spy, saved, SYSTEM) == 2 and _counts(store) == (0, 1)


def test_correct_and_remove_refuse_a_stale_version(world):
    store = world["store"]
    a = world["people"][0]["id"]
    saved = attendance.record(
        store, store.read_all(), [(a, 2.0)], SYSTEM, event_id=world["event"]["id"]
    )
    ((rid, version),) = saved.record_versions.items()
    fixed = attendance.correct(store, rid, version, SYSTEM, hours=2.5, content=" 搬运物资 ")
    assert fixed["hours"] == 2.5 and fixed["content"] == "搬运物资"
    before = dump(store)
    with pytest.raises(ConflictError):
        attendance.correct(store, rid, version, SYSTEM, hours=3.0, content=None)
    with pytest.raises(ConflictError):
        attendance.remove(store, rid, version, SYSTEM)
    assert dump(store) == before
    assert attendance.remove(store, rid, fixed["version"], SYSTEM)["archived"]


def test_refusal_messages_exist_in_english(world):
    a = world["people"][0]["id"]
    store = world["store"]
    with pytest.raises(AttendanceRefused) as err:
        attendance.record(
            store, store.read_all(), [(a, 0.0)], SYSTEM, event_id=world["event"]["id"]
        )
    assert err.value.message("en").startswith("- 王秀英: hours must be more than 0")


def test_a_duplicate_new_event_is_asked_about_inside_the_transaction_too(world):
    """Another session created the same event after this form was read: still asked."""
    store = world["store"]
    a = world["people"][0]["id"]
    frames = store.read_all()  # read before the other session's event exists
    same = {"title": "楼道清理", "date": DAY, "community_id": world["com"]["id"],
            "category": "green", "status": "done"}  # fmt: skip
    store.append("events", [same], SYSTEM)
    with pytest.raises(attendance.NeedsConfirmation) as info:
        attendance.record(store, frames, [(a, 1.0)], SYSTEM, new_event=same)
    assert info.value.kinds == ["duplicate"] and len(info.value.duplicate_ids) == 1
    assert len(store.read("events")) == 2 and store.read("service_records").empty
    attendance.record(store, frames, [(a, 1.0)], SYSTEM, new_event=same,
                      confirmed=("duplicate",))  # fmt: skip
    assert len(store.read("events")) == 3


def test_a_cancelled_event_of_the_same_name_is_no_duplicate(world):
    store = world["store"]
    same = {"title": "楼道清理", "date": DAY, "community_id": world["com"]["id"],
            "category": "green", "status": "cancelled"}  # fmt: skip
    store.append("events", [same], SYSTEM)
    frames = store.read_all()
    assert attendance.duplicates_of(frames, {**same, "status": "done"}) == []
