"""记录活动 through AppTest: happy path, every refusal (named, nothing stored, form kept), undo."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.store import archive
from sltcore.store.local import LocalStore
from tests.helpers import community, plain, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/record.py"
DAY = dt.date(2026, 11, 28)
K = "record.0."  # widget keys of the first entry of a session


def open_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def desk(app_env):
    """Three volunteers and an event of yesterday 09:00-11:30, in the app's database."""
    store = LocalStore(app_env)
    com = community(store)
    people = [
        volunteer(store, com["id"], name=n, mobile=m)
        for n, m in (("王秀英", "13800005678"), ("李强", "13900001234"), ("张伟", "13700004321"))
    ]
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
            }
        ],
        SYSTEM,
    )[0]
    yield {"store": store, "com": com, "people": people, "event": event}
    store.close()


def records(store: LocalStore, include_archived: bool = False):
    return store.read("service_records", include_archived=include_archived)


def pick_people(at: AppTest, query: str, ids: list[str]) -> None:
    at.text_input(key=f"{K}people.q").input(query).run()
    at.multiselect(key=f"{K}people.ids").set_value(ids).run()


def fill_existing(at: AppTest, desk: dict, ids: list[str]) -> None:
    at.selectbox(key=f"{K}event").set_value(desk["event"]["id"]).run()
    pick_people(at, "1", ids)  # every test phone number holds a 1


def submit(at: AppTest) -> None:
    at.button(key=f"{K}submit").click().run()
    assert not at.exception, at.exception


def test_renders_on_an_empty_store_with_the_welcome(app_env):
    at = open_page()
    assert at.title[0].value == "记录活动"
    assert any("欢迎使用" in i.value for i in at.info)


def test_renders_on_sample_data(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert not at.error
    assert [s.value for s in at.subheader][:3] == ["① 活动", "② 参加的志愿者", "③ 服务时长和内容"]
    assert len(at.selectbox(key=f"{K}event").options) > 10


def test_search_by_phone_suffix_offers_the_person(desk):
    at = open_page()
    at.text_input(key=f"{K}people.q").input("5678").run()
    options = at.multiselect(key=f"{K}people.ids").options
    assert len(options) == 1 and options[0].startswith("王秀英 · 138****5678")


def test_happy_path_stores_the_rows_with_the_right_hours(desk):
    a, b, c = (p["id"] for p in desk["people"])
    at = open_page()
    fill_existing(at, desk, [a, b, c])
    assert at.number_input(key=f"{K}h.{a}").value == 2.5  # the event's length by default
    at.number_input(key=f"{K}h.{c}").set_value(1.5).run()
    at.text_input(key=f"{K}object").input("社区居民").run()
    submit(at)
    rec = records(desk["store"])
    assert dict(zip(rec["volunteer_id"], rec["hours"], strict=True)) == {a: 2.5, b: 2.5, c: 1.5}
    assert set(rec["event_id"]) == {desk["event"]["id"]} and set(rec["date"].dt.date) == {DAY}
    assert set(rec["service_object"]) == {"社区居民"}
    assert "已保存 3 条服务记录，共 6.5 小时" in [t.value for t in at.toast]
    assert any("刚刚保存：垃圾分类宣传，3 人" in s.value for s in at.success)
    # the form is cleared for the next entry
    assert at.session_state["record.gen"] == 1
    assert at.multiselect(key="record.1.people.ids").value == []


def test_undo_archives_exactly_the_saved_rows(desk):
    store = desk["store"]
    a, b, _c = (p["id"] for p in desk["people"])
    earlier = store.append("service_records", [record_row(desk["people"][2], 3.0)], SYSTEM)[0]
    at = open_page()
    fill_existing(at, desk, [a, b])
    submit(at)
    saved = set(records(store)["id"]) - {earlier["id"]}
    assert len(saved) == 2
    at.button(key="record.undo").click().run()
    every = records(store, include_archived=True).set_index("id")
    assert set(every.index[every["archived"]]) == saved
    assert not every.loc[earlier["id"], "archived"]
    assert "已撤销：2 条记录已归档" in [t.value for t in at.toast]
    assert not any("刚刚保存" in s.value for s in at.success)


def test_new_event_inline(desk):
    a = desk["people"][0]["id"]
    at = open_page()
    at.radio(key=f"{K}mode").set_value("new").run()
    at.text_input(key=f"{K}new.title").input("亮马河清洁").run()
    at.date_input(key=f"{K}new.date").set_value(DAY).run()
    at.time_input(key=f"{K}new.start_time").set_value(dt.time(14, 0)).run()
    at.time_input(key=f"{K}new.end_time").set_value(dt.time(17, 0)).run()
    at.selectbox(key=f"{K}new.community_id").set_value(desk["com"]["id"]).run()
    at.selectbox(key=f"{K}new.category").set_value("green").run()
    pick_people(at, "王", [a])
    assert at.number_input(key=f"{K}h.{a}").value == 3.0
    submit(at)
    ev = desk["store"].read("events").set_index("title")
    assert ev.loc["亮马河清洁", "start_time"] == "14:00"
    rec = records(desk["store"])
    assert list(rec["hours"]) == [3.0] and list(rec["event_id"]) == [ev.loc["亮马河清洁", "id"]]


def test_an_overnight_event_defaults_to_its_hours_across_midnight(desk):
    """A 22:00-06:00 night patrol ends the next day: 8 hours each, not no default at all."""
    a, b = desk["people"][0]["id"], desk["people"][1]["id"]
    night = desk["store"].append(
        "events",
        [
            {
                "title": "夜间治安巡逻",
                "date": DAY - dt.timedelta(days=1),
                "start_time": dt.time(22, 0),
                "end_time": dt.time(6, 0),
                "community_id": desk["com"]["id"],
                "category": "security",
            }
        ],
        SYSTEM,
    )[0]
    at = open_page()
    at.selectbox(key=f"{K}event").set_value(night["id"]).run()
    assert "22:00–次日06:00" in plain(" ".join(c.value for c in at.caption))
    assert any("活动时长 8 小时" in c.value for c in at.caption)
    pick_people(at, "1", [a, b])
    assert at.number_input(key=f"{K}h.{a}").value == 8.0
    submit(at)
    assert list(records(desk["store"])["hours"]) == [8.0, 8.0]


def test_a_new_overnight_event_inline(desk):
    a = desk["people"][0]["id"]
    at = open_page()
    at.radio(key=f"{K}mode").set_value("new").run()
    at.text_input(key=f"{K}new.title").input("通宵值守").run()
    at.date_input(key=f"{K}new.date").set_value(DAY - dt.timedelta(days=1)).run()
    at.time_input(key=f"{K}new.start_time").set_value(dt.time(22, 0)).run()
    at.time_input(key=f"{K}new.end_time").set_value(dt.time(6, 0)).run()
    at.selectbox(key=f"{K}new.community_id").set_value(desk["com"]["id"]).run()
    at.selectbox(key=f"{K}new.category").set_value("security").run()
    pick_people(at, "王", [a])
    assert at.number_input(key=f"{K}h.{a}").value == 8.0
    submit(at)
    assert not at.error and list(records(desk["store"])["hours"]) == [8.0]


def refused(at: AppTest, store: LocalStore, *needles: str) -> str:
    """Submit, expect a refusal naming the person and the rule, and that nothing was stored."""
    before = (len(records(store)), len(store.read("events")))
    submit(at)
    assert at.error, "expected a refusal"
    text = at.error[0].value
    for needle in needles:
        assert needle in text, text
    assert (len(records(store)), len(store.read("events"))) == before, "nothing stored"
    return text


def kept(at: AppTest, ids: list[str], content: str) -> None:
    """After a refusal the form still holds everything typed."""
    assert at.multiselect(key=f"{K}people.ids").value == ids
    assert at.text_area(key=f"{K}content").value == content
    assert at.session_state["record.gen"] == 0


def test_refused_hours_not_positive(desk):
    a, b = desk["people"][0]["id"], desk["people"][1]["id"]
    at = open_page()
    fill_existing(at, desk, [a, b])
    at.number_input(key=f"{K}h.{b}").set_value(0.0).run()
    at.text_area(key=f"{K}content").input("清扫楼道").run()
    text = refused(at, desk["store"], "李强", "服务时长须大于0")
    assert "王秀英" not in text
    kept(at, [a, b], "清扫楼道")
    assert at.number_input(key=f"{K}h.{b}").value == 0.0


def test_refused_more_than_24_hours_a_day_counting_earlier_records(desk):
    store = desk["store"]
    a = desk["people"][0]
    store.append("service_records", [record_row(a, 20.0, DAY)], SYSTEM)
    at = open_page()
    fill_existing(at, desk, [a["id"]])
    at.number_input(key=f"{K}h.{a['id']}").set_value(5.0).run()
    at.text_area(key=f"{K}content").input("值守").run()
    refused(at, store, "王秀英", "已记录20小时", "共25小时", "24小时")
    kept(at, [a["id"]], "值守")


def test_refused_future_date(desk):
    a = desk["people"][0]["id"]
    at = open_page()
    at.radio(key=f"{K}mode").set_value("new").run()
    at.text_input(key=f"{K}new.title").input("下周的活动").run()
    at.date_input(key=f"{K}new.date").set_value(dt.date(2026, 12, 1)).run()
    at.selectbox(key=f"{K}new.community_id").set_value(desk["com"]["id"]).run()
    at.selectbox(key=f"{K}new.category").set_value("care").run()
    pick_people(at, "王", [a])
    at.number_input(key=f"{K}h.{a}").set_value(2.0).run()
    at.text_area(key=f"{K}content").input("探望").run()
    refused(at, desk["store"], "2026年12月1日", "晚于今天")
    kept(at, [a], "探望")
    assert at.text_input(key=f"{K}new.title").value == "下周的活动"


def test_refused_same_volunteer_twice_for_one_event(desk):
    store = desk["store"]
    a, b = desk["people"][0], desk["people"][1]
    store.append("service_records", [record_row(a, 2.0, DAY, event_id=desk["event"]["id"])], SYSTEM)
    at = open_page()
    fill_existing(at, desk, [a["id"], b["id"]])
    at.text_area(key=f"{K}content").input("宣传").run()
    text = refused(at, store, "王秀英", "已有这次活动的服务记录")
    assert "李强" not in text
    kept(at, [a["id"], b["id"]], "宣传")


def test_refused_archived_volunteer(desk):
    store = desk["store"]
    a = desk["people"][0]
    at = open_page()
    fill_existing(at, desk, [a["id"]])
    at.text_area(key=f"{K}content").input("宣传").run()
    archive(store, "volunteers", a["id"], a["version"], SYSTEM)  # meanwhile, elsewhere
    at.run()
    assert any("王秀英 · 已归档" in o for o in at.multiselect(key=f"{K}people.ids").options)
    refused(at, store, "王秀英", "已归档")
    kept(at, [a["id"]], "宣传")


def test_no_event_chosen_says_what_to_do(desk):
    at = open_page()
    pick_people(at, "王", [desk["people"][0]["id"]])
    submit(at)
    assert "请先在 ① 中选择一个活动" in at.error[0].value
    assert len(records(desk["store"])) == 0


def test_deep_link_preselects_event_and_person(desk):
    a = desk["people"][1]["id"]
    at = open_page({"event": desk["event"]["id"], "vol": a})
    assert at.selectbox(key=f"{K}event").value == desk["event"]["id"]
    assert at.multiselect(key=f"{K}people.ids").value == [a]


def test_english(desk):
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page(PAGE).run()
    assert at.title[0].value == "Record activity"
    assert at.button(key=f"{K}submit").label == "Save records"


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/record.py",
        "app_pages/events.py",
        "app_pages/volunteers.py",
        "app_pages/teams.py",
        "app_pages/tables.py",
    ],
)
def test_an_unreachable_store_is_a_message_not_a_traceback(desk, monkeypatch, page):
    from sltcore.errors import BackendUnavailable

    def down(self, include_archived=False):
        raise BackendUnavailable()

    monkeypatch.setattr(LocalStore, "read_all", down)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert any("暂时无法连接数据表" in e.value for e in at.error)


def test_a_coordinator_sees_only_their_communities(desk):
    from sltcore.auth import Actor

    other = community(desk["store"], "北三里")
    desk["store"].append(
        "events",
        [{"title": "北三里巡逻", "date": DAY, "community_id": other["id"], "category": "security"}],
        SYSTEM,
    )
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor("coord1", "coordinator", (desk["com"]["id"],), "协调员")
    at.run()
    at.switch_page(PAGE).run()
    assert at.selectbox(key=f"{K}event").options == ["2026年11月28日 · 垃圾分类宣传 · 幸福一村"]
    at.radio(key=f"{K}mode").set_value("new").run()
    assert at.selectbox(key=f"{K}new.community_id").options == ["幸福一村"]


# --- what looks like a mistake is asked about; every problem at once (issue: browser fixes) ---


def _new_event_form(at: AppTest, desk: dict, title: str) -> None:
    at.radio(key=f"{K}mode").set_value("new").run()
    at.text_input(key=f"{K}new.title").input(title).run()
    at.date_input(key=f"{K}new.date").set_value(DAY).run()
    at.selectbox(key=f"{K}new.community_id").set_value(desk["com"]["id"]).run()
    at.selectbox(key=f"{K}new.category").set_value("green").run()


def test_a_new_event_like_an_existing_one_asks_and_can_use_the_existing(desk):
    a = desk["people"][0]["id"]
    at = open_page()
    _new_event_form(at, desk, "垃圾分类宣传")  # same title, day and community as desk's event
    pick_people(at, "王", [a])
    at.number_input(key=f"{K}h.{a}").set_value(2.0).run()
    submit(at)
    assert "已有一个同名、同社区的活动“垃圾分类宣传”" in plain(at.warning[0].value)
    assert len(desk["store"].read("events")) == 1 and len(records(desk["store"])) == 0
    at.button(key=f"{K}confirm.existing").click().run()
    assert at.radio(key=f"{K}mode").value == "existing"
    assert at.selectbox(key=f"{K}event").value == desk["event"]["id"]
    pick_people(at, "王", [a])
    submit(at)
    rec = records(desk["store"])
    assert list(rec["event_id"]) == [desk["event"]["id"]], "credited once, at the existing event"
    assert len(desk["store"].read("events")) == 1


def test_a_new_event_like_an_existing_one_can_still_be_saved_when_confirmed(desk):
    a = desk["people"][0]["id"]
    at = open_page()
    _new_event_form(at, desk, "垃圾分类宣传")
    pick_people(at, "王", [a])
    at.number_input(key=f"{K}h.{a}").set_value(2.0).run()
    submit(at)
    at.button(key=f"{K}confirm.save").click().run()
    assert not at.exception
    assert len(desk["store"].read("events")) == 2 and len(records(desk["store"])) == 1


def test_hours_above_the_event_duration_need_a_confirmation_naming_them(desk):
    a, b = desk["people"][0]["id"], desk["people"][1]["id"]
    at = open_page()
    fill_existing(at, desk, [a, b])  # 09:00-11:30: 2.5 hours
    at.number_input(key=f"{K}h.{a}").set_value(20.0).run()
    submit(at)
    text = plain(at.warning[0].value)
    assert "王秀英 20 小时" in text and "2.5 小时" in text and "李强" not in text
    assert len(records(desk["store"])) == 0
    at.button(key=f"{K}confirm.save").click().run()
    rec = records(desk["store"]).set_index("volunteer_id")
    assert rec.loc[a, "hours"] == 20.0 and rec.loc[b, "hours"] == 2.5


def test_every_problem_of_the_form_is_shown_at_once(desk):
    a = desk["people"][0]["id"]
    at = open_page()
    at.radio(key=f"{K}mode").set_value("new").run()  # no title, no community, no category
    pick_people(at, "王", [a])
    at.number_input(key=f"{K}h.{a}").set_value(None).run()
    submit(at)
    text = plain(at.error[0].value)
    for words in ("活动名称：必填", "社区：必填", "服务类别：必填", "王秀英：请填写服务时长"):
        assert words in text, (words, text)
    assert len(desk["store"].read("events")) == 1 and len(records(desk["store"])) == 0


def test_no_event_and_no_people_are_reported_together(desk):
    at = open_page()
    submit(at)
    text = plain(at.error[0].value)
    assert "请先在 ① 中选择一个活动" in text and "请至少选择一名参加的志愿者" in text


def test_a_name_typed_as_markdown_shows_literally_in_a_refusal(desk):
    store = desk["store"]
    odd = volunteer(store, desk["com"]["id"], name="![x](http://evil.example/x.png)")
    at = open_page()
    at.selectbox(key=f"{K}event").set_value(desk["event"]["id"]).run()
    at.text_input(key=f"{K}people.q").input("evil").run()
    at.multiselect(key=f"{K}people.ids").set_value([odd["id"]]).run()
    at.number_input(key=f"{K}h.{odd['id']}").set_value(-1.0).run()
    submit(at)
    assert "\\!\\[x\\]\\(http\\:" in at.error[0].value, "escaped: rendered as typed, not an image"


def test_enter_adds_the_one_person_found_by_pinyin_initials(desk):
    at = open_page()
    at.text_input(key=f"{K}people.q").input("wxy").run()  # 王秀英
    assert at.multiselect(key=f"{K}people.ids").value == [desk["people"][0]["id"]]
    assert at.text_input(key=f"{K}people.q").value == "", "the box is ready for the next name"
    at.text_input(key=f"{K}people.q").input("liqiang").run()  # 李强, by full pinyin
    assert at.multiselect(key=f"{K}people.ids").value == [p["id"] for p in desk["people"][:2]]


def test_several_matches_are_one_click_each(desk):
    at = open_page()
    at.text_input(key=f"{K}people.q").input("an").run()  # wANg, qiANg, zhANg: three hits
    assert at.multiselect(key=f"{K}people.ids").value == []
    pills = at.get("button_group")[0]
    pills.set_value([desk["people"][2]["id"]]).run()
    assert at.multiselect(key=f"{K}people.ids").value == [desk["people"][2]["id"]]


def test_id_digits_find_people_only_for_an_admin(desk):
    from sltcore.services import attendance

    frames = desk["store"].read_all()
    person = desk["people"][1]
    tail = person["id_number"][-6:]
    assert attendance.search(frames, tail, id_digits=True) == [person["id"]]
    assert attendance.search(frames, tail, id_digits=False) == []
