"""History: the audit log's filters, the 操作日志 page (administrators only) and the 修改记录
expander of a volunteer's and an event's page. Changes are made through the services by named
accounts on different days, then read back as a person reads them: who, what, before, after,
personal numbers masked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from sltcore.services import events, history, rows
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
OLD_MOBILE, NEW_MOBILE = "13800005678", "13900001234"
D = dt.date


@pytest.fixture
def world(app_env, monkeypatch):
    """An administrator (张丽) changes 王秀英's mobile on 8 October and the event's title on
    20 November; a coordinator (王芳) adds a note to 李强 on 25 November. Today is 29 November."""
    s = LocalStore(app_env)
    north = community(s, "北三里")
    wang = volunteer(s, north["id"], name="王秀英", mobile=OLD_MOBILE)
    li = volunteer(s, north["id"], name="李强", mobile="13700002468")
    ev = s.append(
        "events",
        [{"title": "垃圾分类宣传", "date": D(2026, 3, 5), "community_id": north["id"],
          "category": "green"}],
        SYSTEM,
    )[0]  # fmt: skip
    rec = s.append("service_records", [record_row(wang, 2.0, event_id=ev["id"])], SYSTEM)[0]
    admin = Actor("zhangli", "admin", display_name="张丽")
    coord = Actor("wangfang", "coordinator", (north["id"],), "王芳")

    monkeypatch.setenv("SLT_TODAY", "2026-10-08")
    rows.edit(s, "volunteers", wang["id"], {"mobile": NEW_MOBILE}, wang["version"], admin)
    monkeypatch.setenv("SLT_TODAY", "2026-11-20")
    events.update_event(s, s.read_all(), ev["id"], {"title": "垃圾分类入户宣传"},
                        ev["version"], admin, D(2026, 11, 20))  # fmt: skip
    monkeypatch.setenv("SLT_TODAY", "2026-11-25")
    rows.edit(s, "volunteers", li["id"], {"notes": "可参加夜间巡逻"}, li["version"], coord)
    monkeypatch.setenv("SLT_TODAY", "2026-11-29")
    yield {"s": s, "wang": wang, "li": li, "ev": ev, "rec": rec, "admin": admin, "coord": coord}
    s.close()


def _updates(df: pd.DataFrame) -> list[tuple]:
    """(who, table, row, action) of each audit row, oldest first."""
    return list(zip(df["actor"], df["table_name"], df["row_id"], df["action"], strict=True))


# --- the service: filter_log, changes, row_history ----------------------------------------


def test_each_filter_narrows_the_log(world):
    w = world
    log = history.audit_log(w["s"], w["admin"])
    assert history.people(log) == ["system", "wangfang", "zhangli"]
    wang, li, ev = w["wang"]["id"], w["li"]["id"], w["ev"]["id"]

    by_admin = history.filter_log(log, person="zhangli")
    assert _updates(by_admin) == [
        ("zhangli", "volunteers", wang, "update"),
        ("zhangli", "events", ev, "update"),
    ]
    assert set(history.filter_log(log, table_key="events")["row_id"]) == {ev}
    assert len(history.filter_log(log, table_key="events")) == 2  # created, then retitled
    assert _updates(history.filter_log(log, person="zhangli", table_key="events")) == [
        ("zhangli", "events", ev, "update")
    ]
    about_wang = history.filter_log(log, row_id=f"  {wang} ")
    assert list(about_wang["action"]) == ["create", "update"]
    assert set(about_wang["row_id"]) == {wang}
    assert history.filter_log(log, row_id=wang[:-1]).empty, "an id matches exactly"

    # dates include both ends
    assert _updates(history.filter_log(log, start=D(2026, 10, 8), end=D(2026, 10, 8))) == [
        ("zhangli", "volunteers", wang, "update")
    ]
    assert len(history.filter_log(log, start=D(2026, 10, 8), end=D(2026, 11, 25))) == 3
    assert history.filter_log(log, start=D(2026, 10, 9), end=D(2026, 11, 19)).empty
    recent = history.filter_log(log, start=D(2026, 11, 21))  # the set-up (today) and 王芳
    assert set(recent["actor"]) == {"system", "wangfang"}
    assert ("wangfang", "volunteers", li, "update") in _updates(recent)
    assert len(recent) == len(log) - 2
    assert len(history.filter_log(log)) == len(log), "no filter: everything"


def test_changes_show_field_before_and_after_with_the_phone_masked(world):
    w = world
    log = history.audit_log(w["s"], w["admin"])
    shown = history.changes(history.filter_log(log, person="zhangli"), "zh", w["s"].read_all())
    assert shown[["actor", "action", "table", "record", "field", "before", "after"]].to_dict(
        "records"
    ) == [  # newest first
        {"actor": "zhangli", "action": "修改", "table": "活动", "record": "垃圾分类入户宣传",
         "field": "活动名称", "before": "垃圾分类宣传", "after": "垃圾分类入户宣传"},
        {"actor": "zhangli", "action": "修改", "table": "志愿者", "record": "王秀英",
         "field": "手机号", "before": "138****5678", "after": "139****1234"},
    ]  # fmt: skip
    everything = shown.to_string()
    assert OLD_MOBILE not in everything and NEW_MOBILE not in everything
    named = history.changes(
        history.filter_log(log, person="zhangli"), "zh", names={"zhangli": "张丽"}
    )
    assert set(named["actor"]) == {"张丽"}


def test_an_events_history_holds_its_attendance_and_no_one_elses(world):
    w = world
    past = history.row_history(w["s"], "events", w["ev"]["id"], "zh", w["s"].read_all())
    assert set(past["row_id"]) == {w["ev"]["id"], w["rec"]["id"]}
    assert "王秀英 · 2026-03-05" in set(past["record"]), "the service record, named"
    assert list(past.loc[past["field"] == "活动名称", "after"]) == ["垃圾分类入户宣传"]
    vol = history.row_history(w["s"], "volunteers", w["li"]["id"], "zh")
    assert list(vol["actor"]) == ["wangfang", "system"]
    assert list(vol["after"]) == ["可参加夜间巡逻", ""]


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_only_an_administrator_reads_the_whole_log(world, role):
    actor = world["coord"] if role == "coordinator" else Actor("leader", "viewer")
    with pytest.raises(PermissionDenied):
        history.audit_log(world["s"], actor)


# --- the 操作日志 page ---------------------------------------------------------------------


def open_app(actor: Actor, page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    at.session_state["actor"] = actor
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _shown(at: AppTest) -> pd.DataFrame:
    return at.main.dataframe[0].value


def _count(at: AppTest) -> str:
    return next(c.value for c in at.main.caption if c.value.startswith("共 "))


def _period(at: AppTest, start: D, end: D) -> AppTest:
    at.date_input(key="audit.period").set_value((start, end)).run()
    assert not at.exception, at.exception
    return at


def test_the_audit_page_by_default_shows_the_last_30_days(world):
    at = open_app(world["admin"], "app_pages/audit.py")
    assert at.title[0].value == "操作日志"
    assert at.date_input(key="audit.period").value == (D(2026, 10, 30), D(2026, 11, 29))
    df = _shown(at)
    assert list(df.columns) == ["时间", "操作人", "操作", "数据表", "记录", "字段", "修改前",
                                "修改后", "记录编号"]  # fmt: skip
    updates = df[df["操作"] == "修改"]
    assert list(zip(updates["操作人"], updates["字段"], strict=True)) == [
        ("wangfang", "备注"),
        ("zhangli", "活动名称"),
    ], "the October change is older than 30 days"


def test_the_person_filter(world):
    at = _period(open_app(world["admin"], "app_pages/audit.py"), D(2026, 10, 1), D(2026, 11, 29))
    box = at.selectbox(key="audit.person")
    assert box.options == ["全部", "system", "wangfang", "zhangli"]
    box.set_value("zhangli").run()
    df = _shown(at)
    assert _count(at) == "共 2 次操作"
    assert set(df["操作人"]) == {"zhangli"}
    assert df[["记录", "字段", "修改前", "修改后"]].values.tolist() == [
        ["垃圾分类入户宣传", "活动名称", "垃圾分类宣传", "垃圾分类入户宣传"],
        ["王秀英", "手机号", "138****5678", "139****1234"],
    ]
    page = str(at._tree)
    assert OLD_MOBILE not in page and NEW_MOBILE not in page, "never the full number"


def test_the_table_filter(world):
    at = open_app(world["admin"], "app_pages/audit.py")
    at.selectbox(key="audit.table.zh").set_value("events").run()
    df = _shown(at)
    assert set(df["数据表"]) == {"活动"}
    assert df[["操作人", "操作", "字段"]].values.tolist() == [
        ["zhangli", "修改", "活动名称"],
        ["system", "新增", ""],
    ]


def test_the_record_filter_by_name_and_by_id(world):
    at = _period(open_app(world["admin"], "app_pages/audit.py"), D(2026, 10, 1), D(2026, 11, 29))
    at.text_input(key="audit.record").input("王秀英").run()
    df = _shown(at)
    # the person, and her service record (named after her); nobody else
    assert set(df["记录编号"]) == {world["wang"]["id"], world["rec"]["id"]}
    assert "李强" not in set(df["记录"])
    assert ["手机号", "138****5678", "139****1234"] in df[
        ["字段", "修改前", "修改后"]
    ].values.tolist()
    at.text_input(key="audit.record").input(world["li"]["id"]).run()
    df = _shown(at)
    assert set(df["记录"]) == {"李强"}
    assert df[["操作人", "字段", "修改后"]].values.tolist()[0] == [
        "wangfang",
        "备注",
        "可参加夜间巡逻",
    ]


def test_a_record_link_opens_the_log_on_that_record(world):
    at = open_app(world["admin"], "app_pages/audit.py", {"row": world["ev"]["id"]})
    assert at.text_input(key="audit.record").value == world["ev"]["id"]
    assert set(_shown(at)["记录编号"]) == {world["ev"]["id"]}


def test_the_date_filter(world):
    at = _period(open_app(world["admin"], "app_pages/audit.py"), D(2026, 10, 8), D(2026, 10, 8))
    df = _shown(at)
    assert _count(at) == "共 1 次操作"
    assert df[["操作人", "记录", "字段"]].values.tolist() == [["zhangli", "王秀英", "手机号"]]
    _period(at, D(2026, 10, 9), D(2026, 11, 19))
    assert _count(at) == "共 0 次操作"
    assert [i.value for i in at.main.info] == ["没有符合条件的操作记录。"]
    assert not at.main.dataframe


# --- 修改记录 on the volunteer's and the event's page -----------------------------------------


def _history(at: AppTest) -> pd.DataFrame:
    box = next(e for e in at.expander if e.label == "修改记录")
    return box.dataframe[0].value


def test_a_volunteers_page_shows_who_changed_which_field(world):
    at = open_app(world["admin"], "app_pages/volunteers.py", {"vol": world["wang"]["id"]})
    df = _history(at)
    assert list(df.columns) == ["时间", "操作人", "操作", "记录", "字段", "修改前", "修改后"]
    assert df[["操作人", "操作", "字段", "修改前", "修改后"]].values.tolist()[0] == [
        "zhangli", "修改", "手机号", "138****5678", "139****1234",
    ]  # fmt: skip
    assert df["时间"].iloc[0].date() == D(2026, 10, 8)
    box = str(next(e for e in at.expander if e.label == "修改记录"))
    assert OLD_MOBILE not in box and NEW_MOBILE not in box


def test_a_coordinators_change_shows_on_the_page_for_a_viewer_too(world):
    at = open_app(Actor("leader", "viewer"), "app_pages/volunteers.py", {"vol": world["li"]["id"]})
    df = _history(at)
    assert df[["操作人", "字段", "修改前", "修改后"]].values.tolist()[0] == [
        "wangfang",
        "备注",
        "",
        "可参加夜间巡逻",
    ]


def test_an_events_page_shows_the_title_change_and_its_attendance(world):
    at = open_app(world["admin"], "app_pages/events.py", {"event": world["ev"]["id"]})
    df = _history(at)
    assert df[["操作人", "操作", "字段", "修改前", "修改后"]].values.tolist()[0] == [
        "zhangli", "修改", "活动名称", "垃圾分类宣传", "垃圾分类入户宣传",
    ]  # fmt: skip
    assert "王秀英 · 2026-03-05" in set(df["记录"]), "the service record's creation"


# --- who may open the audit page ------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_the_audit_page_is_not_in_a_coordinators_or_viewers_navigation(world, role):
    actor = world["coord"] if role == "coordinator" else Actor("leader", "viewer")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = actor
    at.run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("app_pages/audit.py")
    admin = AppTest.from_file(APP, default_timeout=60)
    admin.session_state["actor"] = world["admin"]
    admin.run()
    admin.switch_page("app_pages/audit.py").run()  # the same app has it for an administrator
    assert admin.title[0].value == "操作日志"


@pytest.mark.parametrize("role", ["coordinator", "viewer"])
def test_the_audit_page_itself_refuses_a_coordinator_or_viewer(world, role):
    """Run on its own (not through the navigation), the page still shows nothing of the log."""
    actor = world["coord"] if role == "coordinator" else Actor("leader", "viewer")
    at = AppTest.from_file(str(Path(APP).parent / "app_pages" / "audit.py"), default_timeout=60)
    at.session_state["actor"] = actor
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["只有管理员可以打开这一页。"]
    assert not at.dataframe and not at.selectbox and not at.text_input
