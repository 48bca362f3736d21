"""Role x action: each service allowed or refused by sltcore for each role, and each page
showing exactly the controls the role can use. Real SQLite files, AppTest for pages."""

from __future__ import annotations

import datetime as dt

import pytest

from sltcore import privacy
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from sltcore.services import accounts as account_service
from sltcore.services import attendance, events, history, rosters, rows, teams
from sltcore.store.local import LocalStore
from sltcore.ui.signin import throttle
from tests.auth_helpers import open_app, sign_in, write_secrets
from tests.helpers import community, record_row, volunteer

ROLES = ("admin", "coordinator", "coordinator_elsewhere", "viewer")


@pytest.fixture
def world(app_env, tmp_path, monkeypatch):
    s = LocalStore(app_env)
    north, east = community(s, "北三里"), community(s, "东三里")
    vol = volunteer(s, north["id"], name="王秀英", mobile="13800005678")
    team_row = {"name": "北三里巡逻队", "community_id": north["id"], "category": "security"}
    team = s.append("teams", [team_row], SYSTEM)[0]
    ev_row = {"title": "巡逻", "date": dt.date(2026, 3, 5), "community_id": north["id"],
              "category": "security"}  # fmt: skip
    ev = s.append("events", [ev_row], SYSTEM)[0]
    s.append("service_records", [record_row(vol, 2, event_id=ev["id"])], SYSTEM)
    actors = {
        "admin": Actor("admin", "admin", display_name="管理员"),
        "coordinator": Actor("wang", "coordinator", (north["id"],), "王"),
        "coordinator_elsewhere": Actor("li", "coordinator", (east["id"],), "李"),
        "viewer": Actor("leader", "viewer", display_name="领导"),
    }
    secrets = write_secrets(tmp_path / "secrets.toml", {"wang": ["北三里"], "li": ["东三里"]})
    monkeypatch.setenv("SLT_SECRETS", str(secrets))
    throttle.clear()
    yield {"s": s, "north": north, "vol": vol, "team": team, "ev": ev, "actors": actors}
    s.close()


def _fresh(w, table_key, row_id):
    return w["s"].get(table_key, row_id)


def _archived_volunteer(w):
    v = volunteer(w["s"], w["north"]["id"], name="归档者", mobile="13700001111")
    return rows.archive(w["s"], "volunteers", v["id"], v["version"], SYSTEM)


ACTIONS = {
    # action: (function of (world, actor), roles allowed)
    "create_volunteer": (
        lambda w, a: rows.create(
            w["s"],
            "volunteers",
            {
                "name": "新人",
                "sex": "F",
                "mobile": "13900009999",
                "membership": "resident",
                "community_id": w["north"]["id"],
                "registered_on": dt.date(2026, 1, 5),
            },
            a,
        ),
        {"admin", "coordinator"},
    ),
    "edit_event": (
        lambda w, a: rows.edit(
            w["s"],
            "events",
            w["ev"]["id"],
            {"location": "北门"},
            _fresh(w, "events", w["ev"]["id"])["version"],
            a,
        ),
        {"admin", "coordinator"},
    ),
    "record_attendance": (
        lambda w, a: attendance.record(
            w["s"],
            w["s"].read_all(),
            [(w["vol"]["id"], 1.0)],
            a,
            new_event={
                "title": "读书会",
                "date": dt.date(2026, 3, 6),
                "community_id": w["north"]["id"],
                "category": "culture",
            },
        ),
        {"admin", "coordinator"},
    ),
    "cancel_event": (
        lambda w, a: events.cancel(
            w["s"], {}, w["ev"]["id"], _fresh(w, "events", w["ev"]["id"])["version"], a
        ),
        {"admin", "coordinator"},
    ),
    "add_team_member": (
        lambda w, a: teams.add_members(w["s"], {}, w["team"]["id"], [w["vol"]["id"]], a),
        {"admin", "coordinator"},
    ),
    "archive_volunteer": (
        lambda w, a: rows.archive(
            w["s"],
            "volunteers",
            w["vol"]["id"],
            _fresh(w, "volunteers", w["vol"]["id"])["version"],
            a,
        ),
        {"admin"},
    ),
    "restore_volunteer": (
        lambda w, a: (lambda v: rows.restore(w["s"], "volunteers", v["id"], v["version"], a))(
            _archived_volunteer(w)
        ),
        {"admin"},
    ),
    "change_reference": (
        lambda w, a: rows.edit(
            w["s"],
            "communities",
            w["north"]["id"],
            {"population": 9000},
            _fresh(w, "communities", w["north"]["id"])["version"],
            a,
        ),
        {"admin"},
    ),
    "read_audit_log": (lambda w, a: history.audit_log(w["s"], a), {"admin"}),
    "reveal_phone": (
        lambda w, a: privacy.reveal(w["s"], a, "volunteers", w["vol"]["id"], ["mobile"]),
        {"admin", "coordinator"},
    ),
    "reveal_id_number": (
        lambda w, a: privacy.reveal(w["s"], a, "volunteers", w["vol"]["id"], ["id_number"]),
        {"admin"},
    ),
    "export_full_numbers": (
        lambda w, a: privacy.export_frame(
            w["s"], a, "volunteers", w["s"].read("volunteers"), full=True
        ),
        {"admin"},
    ),
    "assign_communities": (
        lambda w, a: account_service.set_communities(
            w["s"], a, __import__("sltcore.accounts").accounts.load()["wang"], [w["north"]["id"]]
        ),
        {"admin"},
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_service_allows_or_refuses_each_role(world, action, role):
    fn, allowed = ACTIONS[action]
    actor = world["actors"][role]
    if role in allowed:
        assert fn(world, actor) is not None or action == "add_team_member"
        return
    before = world["s"].revision()
    with pytest.raises(PermissionDenied):
        fn(world, actor)
    if action != "restore_volunteer":  # that one archived its own row first, as an admin
        assert world["s"].revision() == before, "a refusal writes nothing, not even a log row"


def test_restoring_a_cancelled_event_is_an_administrators_decision(world):
    s, ev = world["s"], world["ev"]
    events.cancel(s, {}, ev["id"], ev["version"], world["actors"]["coordinator"])
    version = _fresh(world, "events", ev["id"])["version"]
    for role in ("coordinator", "viewer"):
        with pytest.raises(PermissionDenied):
            events.restore_cancelled(s, ev["id"], version, world["actors"][role])
        with pytest.raises(PermissionDenied):  # setting it back to held is the same restore
            events.update_event(s, {}, ev["id"], {"status": "done"}, version,
                                world["actors"][role])  # fmt: skip
    done = events.restore_cancelled(s, ev["id"], version, world["actors"]["admin"])
    assert done.records_restored == 1


# --- pages --------------------------------------------------------------------------------

NAV = {
    "admin": {"记录活动", "活动", "志愿者", "队伍", "概览", "星级志愿者", "报表", "基础资料",
              "数据总览", "操作日志", "账号与恢复"},
    "wang": {"记录活动", "活动", "志愿者", "队伍", "概览", "星级志愿者", "报表", "基础资料",
             "数据总览"},
    "leader": {"活动", "志愿者", "队伍", "概览", "星级志愿者", "报表", "基础资料", "数据总览"},
}  # fmt: skip


@pytest.mark.parametrize("user", list(NAV))
def test_each_role_has_only_its_pages(world, user):
    at = sign_in(open_app(), user)
    assert not at.exception
    names = {"app_pages/record.py": "记录活动", "app_pages/audit.py": "操作日志",
             "app_pages/admin.py": "账号与恢复"}  # fmt: skip
    for path, title in names.items():
        if title in NAV[user]:
            at.switch_page(path).run()
            assert not at.exception and at.title[0].value.startswith(title[:2]), path
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(path)


def _controls(at) -> set[str]:
    """The labels of every button, expander and form on the page."""
    labels = {b.label for b in at.button} | {e.label for e in at.expander}
    return {label for label in labels if label}


WRITE = ("登记新志愿者", "修改信息", "归档（", "显示完整号码")


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("admin", {"修改信息", "归档（", "显示完整号码"}),
        ("wang", {"修改信息", "显示完整号码"}),
        ("li", set()),  # another community's volunteer: read only, numbers masked
        ("leader", set()),
    ],
)
def test_volunteer_profile_shows_only_usable_controls(world, user, expected):
    at = sign_in(open_app(), user)
    at.query_params["vol"] = world["vol"]["id"]
    at.switch_page("app_pages/volunteers.py").run()
    assert not at.exception
    shown = {c for c in _controls(at) for w in WRITE if w in c}
    assert {w for w in WRITE if any(w in c for c in shown)} == expected
    assert "13800005678" not in str(at._tree)


@pytest.mark.parametrize(
    ("user", "can_edit"), [("admin", True), ("wang", True), ("li", False), ("leader", False)]
)
def test_event_page_shows_edit_and_cancel_only_to_those_who_may(world, user, can_edit):
    at = sign_in(open_app(), user)
    at.query_params["event"] = world["ev"]["id"]
    at.switch_page("app_pages/events.py").run()
    assert not at.exception
    labels = _controls(at)
    assert ("修改活动信息" in labels) is can_edit, labels
    assert (any("取消" in label for label in labels)) is can_edit, labels
    assert (any("更正" in label for label in labels)) is can_edit, labels


def _programmes(w) -> None:
    """What makes the programme pages draw their forms: an item to redeem, a running duty
    period with a past shift the volunteer is on (attendance to mark)."""
    s = w["s"]
    s.append("redemption_items", [{"name": "理发服务", "kind": "service", "points": 5}], SYSTEM)
    period = s.append(
        "roster_periods",
        [{"name": "冬季值守", "key_period": "other", "start_date": dt.date(2026, 11, 1),
          "end_date": dt.date(2026, 11, 30)}],
        SYSTEM,
    )[0]  # fmt: skip
    shift = s.append(
        "roster_shifts",
        [{"period_id": period["id"], "post": "门岗", "community_id": w["north"]["id"],
          "date": dt.date(2026, 11, 28), "start_time": dt.time(8), "end_time": dt.time(12),
          "slots": 2}],
        SYSTEM,
    )[0]  # fmt: skip
    rosters.assign(s, SYSTEM, shift["id"], [w["vol"]["id"]])


PROGRAMME_PAGES = ("app_pages/timebank.py", "app_pages/rosters.py", "app_pages/donations.py")
# Every control on these pages that writes, by the label it carries.
PROGRAMME_WRITES = {
    "app_pages/timebank.py": {"确认兑换"},
    "app_pages/rosters.py": {"保存排班", "保存到岗情况", "保存"},
    "app_pages/donations.py": {"保存捐赠", "保存"},
}


@pytest.mark.parametrize("user", ["leader"])
def test_a_viewer_sees_no_add_forms_on_the_lists(world, user):
    _programmes(world)
    at = sign_in(open_app(), user)
    for path in ("app_pages/volunteers.py", "app_pages/events.py", "app_pages/teams.py",
                 "app_pages/tables.py", *PROGRAMME_PAGES):  # fmt: skip
        at.switch_page(path).run()
        assert not at.exception
        assert not [e for e in at.expander if "新增" in e.label or "修改" in e.label], path
        assert not [e for e in at.expander if "添加" in e.label or "新建" in e.label], path
        assert not [b for b in at.button if "归档" in b.label or "恢复" in b.label], path
        if path in PROGRAMME_PAGES:  # no button, no form's submit button: nothing to click
            assert [b.label for b in at.main.button] == [], path


def test_a_viewer_reads_the_time_bank_and_the_rosters_with_a_note_instead_of_forms(world):
    _programmes(world)
    at = sign_in(open_app(), "leader")
    at.switch_page("app_pages/timebank.py").run()
    redeem = next(t for t in at.tabs if t.label == "兑换")
    assert [c.value for c in redeem.caption] == ["只读账号：可以查看，不能修改。"]
    assert not redeem.text_input and not redeem.selectbox
    at.switch_page("app_pages/rosters.py").run()
    shifts = next(t for t in at.tabs if t.label == "班次与排班")
    assert list(shifts.dataframe[0].value["值守人员"]) == ["王秀英"], "the roster is shown"
    assert "只读账号：可以查看，不能修改。" in [c.value for c in shifts.caption]
    came = next(t for t in at.tabs if t.label == "登记到岗")
    assert not came.checkbox, "nothing to tick"
    sheet = came.dataframe[0].value
    assert list(sheet.columns) == ["姓名", "到岗情况", "已记服务时长"]
    assert list(sheet["姓名"]) == ["王秀英"]


@pytest.mark.parametrize(("user", "path"), [(u, p) for u in ("admin", "wang")
                                            for p in PROGRAMME_PAGES[:2]])  # fmt: skip
def test_those_who_write_get_the_programme_forms(world, user, path):
    """The same data as the viewer's test: the controls the viewer lacks are there to lack."""
    _programmes(world)
    at = sign_in(open_app(), user)
    at.switch_page(path).run()
    assert not at.exception
    labels = {b.label for b in at.main.button}
    assert PROGRAMME_WRITES[path] <= labels, labels


def test_the_roster_services_refuse_a_viewer(world):
    _programmes(world)
    s, viewer = world["s"], world["actors"]["viewer"]
    shift = s.read("roster_shifts")["id"].iloc[0]
    other = volunteer(s, world["north"]["id"], name="李强")
    before = s.revision()
    with pytest.raises(PermissionDenied):
        rosters.assign(s, viewer, shift, [other["id"]])
    with pytest.raises(PermissionDenied):
        rosters.mark_attendance(s, viewer, shift, [world["vol"]["id"]])
    assert s.revision() == before, "nothing written, not even a log row"


def test_an_administrator_gets_the_donation_forms(world):
    at = sign_in(open_app(), "admin")
    at.switch_page("app_pages/donations.py").run()
    assert PROGRAMME_WRITES["app_pages/donations.py"] <= {b.label for b in at.main.button}
