"""队伍 through AppTest, and the teams service against hand counts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.errors import BackendUnavailable, DeskError, NotFoundError
from sltcore.services import teams
from sltcore.store.local import LocalStore
from tests.helpers import (
    OTHER,
    TxSpy,
    community,
    dump,
    record_row,
    save_button,
    stale_notices,
    volunteer,
)

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/teams.py"


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
    people = [volunteer(store, com["id"], name=n) for n in ("王秀英", "李强", "张伟")]
    green, care = store.append(
        "teams",
        [
            {"name": "绿色环保队", "category": "green", "community_id": com["id"]},
            {"name": "亲情关怀队", "category": "care", "community_id": com["id"]},
        ],
        SYSTEM,
    )
    store.append(
        "team_members",
        [
            {"team_id": green["id"], "volunteer_id": people[0]["id"], "role": "leader"},
            {"team_id": green["id"], "volunteer_id": people[1]["id"], "role": "member"},
        ],
        SYSTEM,
    )
    store.update("teams", green["id"], {"leader_id": people[0]["id"]}, 1, SYSTEM)
    ev = store.append(
        "events",
        [
            {
                "title": "清洁",
                "date": dt.date(2026, 4, 1),
                "community_id": com["id"],
                "category": "green",
                "team_id": green["id"],
            },
            {
                "title": "去年清洁",
                "date": dt.date(2025, 4, 1),
                "community_id": com["id"],
                "category": "green",
                "team_id": green["id"],
            },
        ],
        SYSTEM,
    )
    store.append(
        "service_records",
        [
            record_row(people[0], 2.0, dt.date(2026, 4, 1), event_id=ev[0]["id"]),
            record_row(people[2], 3.5, dt.date(2026, 4, 1), event_id=ev[0]["id"]),  # a non-member
            record_row(people[1], 9.0, dt.date(2025, 4, 1), event_id=ev[1]["id"]),
        ],  # last year
        SYSTEM,
    )
    yield {"store": store, "com": com, "people": people, "green": green, "care": care}
    store.close()


def test_overview_counts_this_years_hours_of_the_teams_events(desk):
    df = teams.overview(desk["store"].read_all(), "zh").set_index("name")
    assert df.loc["绿色环保队", "hours_year"] == 5.5 and df.loc["绿色环保队", "events_year"] == 1
    assert df.loc["绿色环保队", "members"] == 2 and df.loc["绿色环保队", "leader"] == "王秀英"
    assert (
        df.loc["亲情关怀队", "hours_year"] == 0.0 and df.loc["亲情关怀队", "category"] == "亲情关怀"
    )


def test_member_changes(desk):
    store, green = desk["store"], desk["green"]
    a, b, c = (p["id"] for p in desk["people"])
    added = teams.add_members(store, store.read_all(), green["id"], [b, c, c], SYSTEM)
    assert [r["volunteer_id"] for r in added] == [c], "existing members are skipped"
    teams.set_leader(store, store.read_all(), green["id"], c, SYSTEM)
    m = teams.members(store.read_all(), green["id"], "zh").set_index("volunteer_id")
    assert m.loc[c, "role"] == "队长" and m.loc[a, "role"] == "队员"
    assert store.get("teams", green["id"])["leader_id"] == c
    teams.remove_member(store, store.read_all(), m.loc[c, "member_id"], SYSTEM)
    left = store.get("team_members", m.loc[c, "member_id"])
    assert left["archived"] and left["left_on"] == dt.date(2026, 11, 29)
    assert store.get("teams", green["id"])["leader_id"] is None


def _network_down(table_key: str) -> BackendUnavailable:
    return BackendUnavailable("网络中断", "network down")


def consistent(store, team_id: str) -> None:
    """The team's leader, if any, is a live member of it."""
    leader = store.get("teams", team_id)["leader_id"]
    members = teams.members(store.read_all(), team_id, "zh").set_index("volunteer_id")
    assert leader is None or leader in members.index, "the team names a leader who left"


def test_set_leader_changes_every_role_in_one_transaction(desk):
    store, green = desk["store"], desk["green"]
    a, b, c = (p["id"] for p in desk["people"])
    teams.add_members(store, store.read_all(), green["id"], [c], SYSTEM)
    m = teams.members(store.read_all(), green["id"], "zh").set_index("volunteer_id")
    store.update("team_members", m.loc[b, "member_id"], {"role": "leader"}, 1, SYSTEM)  # 2 leaders
    spy = TxSpy(store)
    teams.set_leader(spy, store.read_all(), green["id"], c, SYSTEM)
    assert spy.transactions == [[("update", "teams"), ("update_many", "team_members")]]
    roles = teams.members(store.read_all(), green["id"], "zh").set_index("volunteer_id")
    assert dict(roles["role_key"]) == {a: "member", b: "member", c: "leader"}
    assert store.get("teams", green["id"])["leader_id"] == c


def test_set_leader_is_all_or_nothing(desk):
    """The roles are the last write: when it fails, the team's new leader_id goes too."""
    store, green = desk["store"], desk["green"]
    a, b, _ = (p["id"] for p in desk["people"])
    before = dump(store)
    spy = TxSpy(store, fail_on=("update_many", "team_members"), error=_network_down)
    with pytest.raises(BackendUnavailable):
        teams.set_leader(spy, store.read_all(), green["id"], b, SYSTEM)
    assert spy.calls == [("update", "teams"), ("update_many", "team_members")]
    assert dump(store) == before
    consistent(store, green["id"])
    assert store.get("teams", green["id"])["leader_id"] == a


def test_set_leader_reads_the_members_as_they_are_now(desk):
    """Frames read before 李强 left: the transaction sees that he is no longer a member."""
    store, green = desk["store"], desk["green"]
    b = desk["people"][1]["id"]
    frames = store.read_all()
    member_id = teams.members(frames, green["id"], "zh").set_index("volunteer_id").loc[b]
    teams.remove_member(store, frames, member_id["member_id"], SYSTEM)
    before = dump(store)
    with pytest.raises(DeskError, match="Only a member"):
        teams.set_leader(store, frames, green["id"], b, SYSTEM)
    assert dump(store) == before


def test_remove_the_leader_clears_the_team_in_the_same_transaction(desk):
    store, green = desk["store"], desk["green"]
    a = desk["people"][0]["id"]
    member_id = (
        teams.members(store.read_all(), green["id"], "zh")
        .set_index("volunteer_id")
        .loc[a, "member_id"]
    )
    spy = TxSpy(store)
    teams.remove_member(spy, store.read_all(), member_id, SYSTEM)
    assert spy.transactions == [
        [("update", "teams"), ("update", "team_members"), ("archive", "team_members")]
    ]
    consistent(store, green["id"])
    assert store.get("teams", green["id"])["leader_id"] is None
    left = store.get("team_members", member_id)
    assert left["archived"] and left["left_on"] == dt.date(2026, 11, 29)


def test_remove_the_leader_is_all_or_nothing(desk):
    """The archive is the last write: when it fails, neither the leaving date nor the team's
    cleared leader is stored, nor any audit row."""
    store, green = desk["store"], desk["green"]
    a = desk["people"][0]["id"]
    member_id = (
        teams.members(store.read_all(), green["id"], "zh")
        .set_index("volunteer_id")
        .loc[a, "member_id"]
    )
    before = dump(store)
    spy = TxSpy(store, fail_on=("archive", "team_members"), error=_network_down)
    with pytest.raises(BackendUnavailable):
        teams.remove_member(spy, store.read_all(), member_id, SYSTEM)
    assert dump(store) == before
    assert store.get("teams", green["id"])["leader_id"] == a
    assert store.get("team_members", member_id)["left_on"] is None
    teams.remove_member(store, store.read_all(), member_id, SYSTEM)  # the page's button again
    left = store.get("team_members", member_id)
    assert left["archived"] and left["left_on"] == dt.date(2026, 11, 29)
    assert store.get("teams", green["id"])["leader_id"] is None
    with pytest.raises(NotFoundError):  # removed already: nothing more is written
        teams.remove_member(store, store.read_all(), member_id, SYSTEM)


def test_the_leader_is_read_inside_the_transaction(desk):
    """李强 became leader after the page read its frames: his leaving clears the team's
    leader_id even though the frames named 王秀英."""
    store, green = desk["store"], desk["green"]
    b = desk["people"][1]["id"]
    frames = store.read_all()
    member_id = teams.members(frames, green["id"], "zh").set_index("volunteer_id").loc[b]
    teams.set_leader(store, store.read_all(), green["id"], b, SYSTEM)
    teams.remove_member(store, frames, member_id["member_id"], SYSTEM)
    assert store.get("teams", green["id"])["leader_id"] is None
    consistent(store, green["id"])


def test_add_members_skips_those_added_meanwhile(desk):
    store, green = desk["store"], desk["green"]
    c = desk["people"][2]["id"]
    frames = store.read_all()  # the page's picker still offers 张伟
    teams.add_members(store, store.read_all(), green["id"], [c], OTHER)  # another session
    assert teams.add_members(store, frames, green["id"], [c], SYSTEM) == []
    tm = store.read("team_members")
    assert list(tm.loc[tm["team_id"] == green["id"], "volunteer_id"]).count(c) == 1


def test_team_edit_leaves_the_leader_to_set_leader(desk):
    store, green = desk["store"], desk["green"]
    row = store.get("teams", green["id"])
    with pytest.raises(ValueError):
        teams.edit(store, green["id"], {"leader_id": None}, row["version"], SYSTEM)
    saved = teams.edit(store, green["id"], {"name": "绿色环保志愿服务队"}, row["version"], SYSTEM)
    assert saved["name"] == "绿色环保志愿服务队" and saved["leader_id"] == row["leader_id"]


def test_renders_on_an_empty_store(app_env):
    at = open_page()
    assert at.title[0].value == "队伍"
    assert any("欢迎使用" in i.value for i in at.info)


def test_renders_on_sample_data(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert not at.error
    table = at.dataframe[0].value
    assert len(table) == 30 and list(table.columns)[:3] == ["队伍名称", "社区", "服务类别"]
    at.selectbox(key="teams.category").set_value("care").run()
    assert set(at.dataframe[0].value["服务类别"]) == {"亲情关怀"}


def test_team_page_members_add_leader_remove(desk):
    store, green = desk["store"], desk["green"]
    c = desk["people"][2]["id"]
    at = open_page({"team": green["id"]})
    assert at.title[0].value == "绿色环保队"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["队员"] == "2 人" and metrics["2026年服务时长"] == "5.5 小时"
    assert list(at.dataframe[0].value["姓名"]) == ["王秀英", "李强"]

    at.text_input(key=f"teams.new.{green['id']}.0.q").input("张").run()
    at.multiselect(key=f"teams.new.{green['id']}.0.ids").set_value([c]).run()
    at.button(key="teams.add_members").click().run()
    assert "已加入 1 人" in [t.value for t in at.toast]
    assert len(teams.members(store.read_all(), green["id"], "zh")) == 3

    at.selectbox(key=f"teams.who.{green['id']}").set_value(c).run()
    at.button(key="teams.leader").click().run()
    assert store.get("teams", green["id"])["leader_id"] == c
    at.selectbox(key=f"teams.who.{green['id']}").set_value(c).run()
    at.button(key="teams.remove").click().run()
    assert not at.error
    assert c not in set(teams.members(store.read_all(), green["id"], "zh")["volunteer_id"])


def test_create_a_team(desk):
    at = open_page()
    at.text_input(key="teams.add.0.name").input("健康养生队")
    at.selectbox(key="teams.add.0.category").set_value("health")
    next(b for b in at.button if b.label == "新建队伍").click().run()
    assert not at.error and at.title[0].value == "健康养生队"


def test_english(desk):
    at = open_page(lang="en")
    assert at.title[0].value == "Teams"
    assert "Hours this year" in at.dataframe[0].value.columns


# --- the team's edit form, and when someone else saved the team meanwhile -------------------


def test_edit_a_team_the_leader_is_set_with_the_members(desk):
    store, green = desk["store"], desk["green"]
    at = open_page({"team": green["id"]})
    form = f"teams.edit.{green['id']}.1"  # keyed on the team, not its version (2 here)
    assert at.text_input(key=f"{form}.name").value == "绿色环保队"
    assert f"{form}.name" in at.session_state and f"{form}.leader_id" not in at.session_state
    at.text_input(key=f"{form}.name").input("绿色环保志愿服务队")
    save_button(at).click().run()
    assert not at.exception and not at.error
    saved = store.get("teams", green["id"])
    assert saved["name"] == "绿色环保志愿服务队" and saved["leader_id"] == desk["people"][0]["id"]
    assert at.title[0].value == "绿色环保志愿服务队"
    assert "已修改：绿色环保志愿服务队" in [t.value for t in at.toast]


def test_a_team_saved_elsewhere_meanwhile_is_a_conflict_and_the_typing_stays(desk):
    store, green = desk["store"], desk["green"]
    at = open_page({"team": green["id"]})
    form = f"teams.edit.{green['id']}"
    at.text_area(key=f"{form}.1.description").input("每周六清理绿地")
    store.update("teams", green["id"], {"description": "每月一次"}, 2, OTHER)  # another session
    save_button(at).click().run()
    assert not at.exception
    assert "已被别人修改" in at.error[0].value and "请刷新后重新修改" in at.error[0].value
    assert store.get("teams", green["id"])["description"] == "每月一次"  # not overwritten
    assert at.text_area(key=f"{form}.1.description").value == "每周六清理绿地"  # typing kept
    assert "那次修改了：简介" in stale_notices(at)[0]

    at.button(key=f"{form}.reload").click().run()  # 载入最新内容
    assert not at.error and not stale_notices(at)
    assert at.text_area(key=f"{form}.2.description").value == "每月一次"
    at.text_area(key=f"{form}.2.description").input("每月一次，每周六清理绿地")
    save_button(at).click().run()
    assert not at.exception and not at.error
    saved = store.get("teams", green["id"])
    assert saved["description"] == "每月一次，每周六清理绿地" and saved["version"] == 4


def test_changing_the_leader_on_the_page_leaves_no_notice_on_the_edit_form(desk):
    store, green = desk["store"], desk["green"]
    second = desk["people"][1]["id"]
    at = open_page({"team": green["id"]})
    at.selectbox(key=f"teams.who.{green['id']}").set_value(second).run()
    at.button(key="teams.leader").click().run()
    assert store.get("teams", green["id"])["leader_id"] == second
    assert not stale_notices(at)
    at.text_input(key=f"teams.edit.{green['id']}.2.name").input("绿色环保志愿服务队")
    save_button(at).click().run()
    assert not at.error
    assert store.get("teams", green["id"])["name"] == "绿色环保志愿服务队"
