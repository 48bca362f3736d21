"""结对: the month rule at its edges, visits as linked service records, and the page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from sltcore.services import hours, pairings
from sltcore.store.local import LocalStore
from tests.helpers import TxSpy, community, plain, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/pairings.py"
D = dt.date


def _desk(store):
    com = community(store)
    vol = volunteer(store, com["id"], name="王秀英")
    ben = store.append(
        "beneficiaries",
        [{"name": "李淑珍", "kind": "elder_alone", "community_id": com["id"],
          "phone": "010-64161234", "address": "幸福一村5号楼3单元201"}],
        SYSTEM,
    )[0]  # fmt: skip
    return com, vol, ben


def _pair(store, vol, ben, started: dt.date, agreed: int = 2, **kw) -> dict:
    row = {
        "volunteer_id": vol["id"],
        "beneficiary_id": ben["id"],
        "kind": "elder",
        "started_on": started,
        "visits_per_month": agreed,
        **kw,
    }
    return store.append("pairings", [row], SYSTEM)[0]


def _visit(store, vol, pair, day: dt.date, **kw) -> None:
    store.append(
        "service_records", [record_row(vol, 1.0, day, pairing_id=pair["id"], **kw)], SYSTEM
    )


def _row(store, pair, today: dt.date) -> dict:
    df = pairings.status(store.read_all(), today).set_index("id")
    return df.loc[pair["id"]].to_dict()


@pytest.mark.parametrize(
    ("today", "month"),
    [(D(2026, 12, 1), (D(2026, 11, 1), D(2026, 11, 30))),
     (D(2026, 3, 31), (D(2026, 2, 1), D(2026, 2, 28))),
     (D(2024, 3, 1), (D(2024, 2, 1), D(2024, 2, 29))),
     (D(2026, 1, 15), (D(2025, 12, 1), D(2025, 12, 31)))],
)  # fmt: skip
def test_the_month_owed_is_the_last_complete_one(today, month) -> None:
    assert pairings.previous_month(today) == month


def test_visits_at_month_edges(store) -> None:
    _, vol, ben = _desk(store)
    pair = _pair(store, vol, ben, D(2026, 1, 10), agreed=2)
    _visit(store, vol, pair, D(2026, 9, 30))  # September: not October's
    _visit(store, vol, pair, D(2026, 10, 1))
    _visit(store, vol, pair, D(2026, 10, 31))
    _visit(store, vol, pair, D(2026, 11, 1))  # November's
    nov1 = _row(store, pair, D(2026, 11, 1))
    assert (nov1["last_month"], nov1["this_month"], nov1["behind"]) == (2, 1, False)
    oct31 = _row(store, pair, D(2026, 10, 31))  # September owed: one visit of two
    assert (oct31["last_month"], oct31["behind"], oct31["shortfall"]) == (1, True, 1)


def test_a_month_is_owed_only_when_the_pairing_ran_all_of_it(store) -> None:
    _, vol, ben = _desk(store)
    on_first = _pair(store, vol, ben, D(2026, 10, 1), agreed=1)
    on_second = _pair(store, vol, ben, D(2026, 10, 2), agreed=1)
    ended = _pair(store, vol, ben, D(2026, 1, 1), agreed=1, ended_on=D(2026, 10, 30))
    done = _pair(store, vol, ben, D(2026, 1, 1), agreed=1, status="ended")
    today = D(2026, 11, 1)
    assert _row(store, on_first, today)["behind"] is True
    assert _row(store, on_second, today)["behind"] is False
    assert _row(store, ended, today)["behind"] is False
    assert _row(store, done, today)["behind"] is False


def test_unconfirmed_and_archived_visits_do_not_count(store) -> None:
    _, vol, ben = _desk(store)
    pair = _pair(store, vol, ben, D(2026, 1, 1), agreed=1)
    _visit(store, vol, pair, D(2026, 10, 5), confirmed=False)
    assert _row(store, pair, D(2026, 11, 1))["behind"] is True


def test_behind_is_oldest_first(store) -> None:
    _, vol, ben = _desk(store)
    never = _pair(store, vol, ben, D(2026, 1, 1), agreed=1)
    recent = _pair(store, vol, ben, D(2026, 1, 1), agreed=1)
    old = _pair(store, vol, ben, D(2026, 1, 1), agreed=1)
    kept = _pair(store, vol, ben, D(2026, 1, 1), agreed=1)
    _visit(store, vol, recent, D(2026, 11, 1))
    _visit(store, vol, old, D(2026, 8, 3))
    _visit(store, vol, kept, D(2026, 10, 3))
    order = list(pairings.behind(store.read_all(), D(2026, 11, 2))["id"])
    assert order == [never["id"], old["id"], recent["id"]]


def test_record_visit_is_one_linked_countable_record(store) -> None:
    com, vol, ben = _desk(store)
    pair = _pair(store, vol, ben, D(2026, 1, 1))
    spy = TxSpy(store, reruns=1)
    [rec] = pairings.record_visit(spy, SYSTEM, pair["id"], D(2026, 11, 20), 1.5, "陪伴聊天")
    assert spy.transactions == [[("append", "service_records")]]
    assert rec["pairing_id"] == pair["id"] and rec["community_id"] == com["id"]
    assert hours.countable(store.read_all())["hours"].sum() == 1.5


def test_record_visit_refusals_name_the_pairing(store) -> None:
    _, vol, ben = _desk(store)
    pair = _pair(store, vol, ben, D(2026, 6, 1), ended_on=D(2026, 10, 31))
    with pytest.raises(pairings.Refused) as err:
        pairings.record_visit(store, SYSTEM, pair["id"], D(2026, 5, 31), 1.0)
    assert "走访日期：2026-05-31早于王秀英—李淑珍的结对日期2026-06-01" in err.value.zh
    with pytest.raises(pairings.Refused) as err:
        pairings.record_visit(store, SYSTEM, pair["id"], D(2026, 11, 1), 1.0)
    assert "晚于王秀英—李淑珍的结对结束日期2026-10-31" in err.value.zh
    store.update("pairings", pair["id"], {"status": "ended"}, 1, SYSTEM)
    with pytest.raises(pairings.Refused) as err:
        pairings.record_visit(store, SYSTEM, pair["id"], D(2026, 7, 1), 1.0)
    assert "结对：王秀英—李淑珍的结对已结束" in err.value.zh
    assert len(store.read_all()["service_records"]) == 0, "no refused visit was stored"


# --- a team's pairing: the members who went, one visit a day (both backends) -------------


def _team_desk(store):
    com, contact, ben = _desk(store)
    a = volunteer(store, com["id"], name="张建国")
    b = volunteer(store, com["id"], name="刘芳")
    late = volunteer(store, com["id"], name="陈晨")
    outsider = volunteer(store, com["id"], name="赵磊")
    team = store.append(
        "teams", [{"name": "银龄关爱队", "community_id": com["id"], "category": "care"}], SYSTEM
    )[0]
    store.append(
        "team_members",
        [{"team_id": team["id"], "volunteer_id": v["id"], "joined_on": D(2026, 1, 1)}
         for v in (contact, a, b)]
        + [{"team_id": team["id"], "volunteer_id": late["id"], "joined_on": D(2026, 11, 25)}],
        SYSTEM,
    )  # fmt: skip
    pair = store.append(
        "pairings",
        [{"team_id": team["id"], "beneficiary_id": ben["id"], "kind": "elder",
          "started_on": D(2026, 1, 1), "visits_per_month": 2}],
        SYSTEM,
    )[0]  # fmt: skip
    return {"team": team, "pair": pair, "a": a, "b": b, "late": late, "out": outsider,
            "ben": ben}  # fmt: skip


def test_a_team_visit_credits_each_member_who_went_and_counts_once(contract_store) -> None:
    s = contract_store
    d = _team_desk(s)
    went = [d["a"]["id"], d["b"]["id"]]
    recs = pairings.record_visit(s, SYSTEM, d["pair"]["id"], D(2026, 11, 20), 1.5, None, went)
    assert sorted(r["volunteer_id"] for r in recs) == sorted(went)
    assert {r["pairing_id"] for r in recs} == {d["pair"]["id"]}
    frames = s.read_all()
    assert hours.countable(frames)["hours"].sum() == 3.0, "each member's hours count"
    row = pairings.status(frames, D(2026, 11, 28)).set_index("id").loc[d["pair"]["id"]]
    assert row["this_month"] == 1, "two members going together is one visit"
    assert row["team"] == "银龄关爱队" and row["volunteer"] == ""


@pytest.mark.parametrize(
    ("who", "day", "words"),
    [
        ([], D(2026, 11, 20), "走访人员：请选择银龄关爱队参加这次走访的队员"),
        (["out"], D(2026, 11, 20), "走访人员：赵磊在2026-11-20不是银龄关爱队的队员"),
        (["late"], D(2026, 11, 20), "陈晨在2026-11-20不是银龄关爱队的队员"),
    ],
)
def test_a_team_visit_refuses_who_did_not_belong(contract_store, who, day, words) -> None:
    s = contract_store
    d = _team_desk(s)
    with pytest.raises(pairings.Refused) as err:
        pairings.record_visit(s, SYSTEM, d["pair"]["id"], day, 1.0, None, [d[k]["id"] for k in who])
    assert words in err.value.zh
    assert s.read_all()["service_records"].empty, "nothing of a refused visit is stored"


def test_the_same_visit_is_not_recorded_twice(contract_store) -> None:
    s = contract_store
    d = _team_desk(s)
    pid = d["pair"]["id"]
    pairings.record_visit(s, SYSTEM, pid, D(2026, 11, 20), 1.0, None, [d["a"]["id"]])
    with pytest.raises(pairings.Refused) as err:
        pairings.record_visit(
            s, SYSTEM, pid, D(2026, 11, 20), 1.0, None, [d["b"]["id"], d["a"]["id"]]
        )
    assert "已记录过张建国在2026-11-20对李淑珍的走访，不能重复记录" in err.value.zh
    assert len(s.read_all()["service_records"]) == 1, (
        "the second visit stored nothing, not even 刘芳's"
    )
    pairings.record_visit(s, SYSTEM, pid, D(2026, 11, 20), 1.0, None, [d["b"]["id"]])
    assert len(s.read_all()["service_records"]) == 2, "a member who was not yet recorded can be"


def test_a_persons_pairing_credits_only_its_volunteer(store) -> None:
    _, vol, ben = _desk(store)
    other = volunteer(store, vol["community_id"], name="周敏")
    pair = _pair(store, vol, ben, D(2026, 1, 1))
    with pytest.raises(pairings.Refused) as err:
        pairings.record_visit(store, SYSTEM, pair["id"], D(2026, 11, 2), 1.0, None, [other["id"]])
    assert "王秀英—李淑珍是个人结对，只能记录结对志愿者本人的走访" in err.value.zh


def test_a_pairing_needs_a_volunteer_or_a_team(store) -> None:
    from sltcore.errors import ValidationError

    _, _, ben = _desk(store)
    with pytest.raises(ValidationError) as err:
        store.append(
            "pairings",
            [{"beneficiary_id": ben["id"], "kind": "elder", "started_on": D(2026, 1, 1)}],
            SYSTEM,
        )
    assert "第1行，志愿者：须选择结对的志愿者或结对队伍" in err.value.zh
    assert store.read_all()["pairings"].empty


def test_beneficiaries_are_masked_and_a_viewer_sees_the_surname(store) -> None:
    _desk(store)
    frames = store.read_all()
    admin = pairings.beneficiaries(frames, SYSTEM).iloc[0]
    assert admin["name"] == "李淑珍" and "1234" in admin["phone"] and "6416" not in admin["phone"]
    assert admin["address"] != "幸福一村5号楼3单元201"
    viewer = pairings.beneficiaries(frames, Actor("leader", "viewer")).iloc[0]
    assert viewer["name"] == "李**"


# --- the page ---------------------------------------------------------------------------


def open_page(actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _tab(at, label):
    return next(t for t in at.tabs if t.label == label)


def test_page_on_an_empty_store(app_env) -> None:
    at = open_page()
    assert at.title[0].value == "结对帮扶"
    assert any(b.label == "载入示例数据" for b in at.button)


def test_page_on_sample_data(app_env, demo_db) -> None:
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert [t.label for t in at.tabs] == ["待走访", "全部结对", "记录走访", "服务对象"]
    assert "2026年10月有" in at.warning[0].value
    late = _tab(at, "待走访").dataframe[0].value
    assert len(late) > 0 and (late["上月欠走访"] > 0).all()
    assert late["最近走访"].dropna().is_monotonic_increasing
    assert len(_tab(at, "全部结对").dataframe[0].value) == 60
    bens = _tab(at, "服务对象").dataframe[0].value
    assert bens["联系电话"].str.contains(r"\*").all()


def test_page_records_a_visit_and_shows_a_refusal(app_env) -> None:
    store = LocalStore(app_env)
    _, vol, ben = _desk(store)
    _pair(store, vol, ben, D(2026, 11, 10), agreed=1)
    at = open_page()
    assert "所有结对都按约定走访了" in at.success[0].value
    tab = _tab(at, "记录走访")
    tab.date_input(key="pair.visit.0.date").set_value(D(2026, 11, 2)).run()
    _tab(at, "记录走访").button(key="pair.visit.go").click().run()
    assert "走访日期：2026-11-02早于王秀英—李淑珍的结对日期2026-11-10" in at.error[0].value.replace(
        "\\", ""
    )
    _tab(at, "记录走访").date_input(key="pair.visit.0.date").set_value(D(2026, 11, 20)).run()
    _tab(at, "记录走访").button(key="pair.visit.go").click().run()
    assert not at.error
    assert at.toast[0].value == "已记录王秀英对李淑珍的走访（2026年11月20日，1小时）。"
    assert _tab(at, "全部结对").dataframe[0].value["本月已走访"].tolist() == [1]
    store.close()


def test_viewer_sees_masked_names_and_no_add_forms(app_env) -> None:
    store = LocalStore(app_env)
    _, vol, ben = _desk(store)
    _pair(store, vol, ben, D(2026, 1, 10), agreed=1)
    at = open_page(Actor("leader", "viewer"))
    assert _tab(at, "待走访").dataframe[0].value["服务对象"].tolist() == ["李**"]
    assert not at.expander
    assert [t.label for t in at.tabs] == ["待走访", "全部结对", "服务对象"], "no visit form"
    assert "pair.visit.go" not in [b.key for b in at.button]
    store.close()


def test_page_records_a_team_visit_with_the_members_who_went(app_env) -> None:
    store = LocalStore(app_env)
    d = _team_desk(store)
    at = open_page()
    tab = _tab(at, "记录走访")
    tab.date_input(key="pair.visit.0.date").set_value(D(2026, 11, 20)).run()
    key = f"pair.visit.0.{d['pair']['id']}.members"
    members = _tab(at, "记录走访").multiselect(key=key)
    assert d["late"]["id"] not in members.options and d["out"]["id"] not in members.options
    _tab(at, "记录走访").button(key="pair.visit.go").click().run()
    assert "请选择银龄关爱队参加这次走访的队员" in plain(at.error[0].value)
    ms = _tab(at, "记录走访").multiselect(key=key)
    ms.select(d["a"]["id"]).select(d["b"]["id"]).run()
    _tab(at, "记录走访").button(key="pair.visit.go").click().run()
    assert not at.error
    toast = at.toast[0].value
    assert (
        toast.startswith("已记录") and "张建国" in toast and "刘芳" in toast and "李淑珍" in toast
    )
    recs = store.read_all()["service_records"]
    assert sorted(recs["volunteer_id"]) == sorted([d["a"]["id"], d["b"]["id"]])
    store.close()


def _in_edit(at, kind: str, table_key: str, field: str):
    """The edit form's input for `field` (the add form above has the same labels)."""
    return next(
        w
        for w in at.get(kind)
        if (w.key or "").startswith(f"pair.edit.{table_key}.") and f".{field}" in w.key
    )


def test_a_coordinator_ends_a_pairing_and_corrects_a_beneficiarys_phone(app_env) -> None:
    store = LocalStore(app_env)
    com, vol, ben = _desk(store)
    other = community(store, "东三里")
    elsewhere = store.append(
        "beneficiaries",
        [{"name": "赵大爷", "kind": "elder_alone", "community_id": other["id"]}],
        SYSTEM,
    )[0]
    pair = _pair(store, vol, ben, D(2026, 1, 10), agreed=1)
    elsewhere_pair = _pair(store, vol, elsewhere, D(2026, 1, 10), agreed=1)
    coord = Actor("bsl", "coordinator", communities=(com["id"],), display_name="协调员")
    at = open_page(coord)
    tab = _tab(at, "全部结对")
    pick = tab.selectbox(key="pair.edit.pairings.pick")
    assert pick.options == ["王秀英 结对 李淑珍"], "only the pairings of their own communities"
    pick.set_value(pair["id"]).run()
    # values typed into a form stay pending until it is submitted: no run in between
    _in_edit(at, "selectbox", "pairings", "status").set_value("ended")
    _in_edit(at, "date_input", "pairings", "ended_on").set_value(D(2026, 11, 15))
    [b for b in _tab(at, "全部结对").button if b.label == "保存"][-1].click().run()  # the edit
    assert not at.error, [e.value for e in at.error]
    stored = store.get("pairings", pair["id"])
    assert (stored["status"], stored["ended_on"]) == ("ended", D(2026, 11, 15))
    assert at.toast[0].value == "已保存：王秀英 结对 李淑珍。"
    assert "pair.visit.go" not in [b.key for b in _tab(at, "记录走访").button], (
        "the ended pairing is not offered, nor the other community's"
    )
    with pytest.raises(PermissionDenied):
        pairings.record_visit(store, coord, elsewhere_pair["id"], D(2026, 11, 20), 1.0)

    tab = _tab(at, "服务对象")
    pick = tab.selectbox(key="pair.edit.beneficiaries.pick")
    assert pick.options == ["李淑珍"], "only their own communities' beneficiaries"
    pick.set_value(ben["id"]).run()
    phone = _in_edit(at, "text_input", "beneficiaries", "phone")
    assert phone.value in ("", None) and "1234" in (phone.placeholder or ""), "masked, not shown"
    phone.input("13611112222")
    [b for b in _tab(at, "服务对象").button if b.label == "保存"][-1].click().run()
    assert store.get("beneficiaries", ben["id"])["phone"] == "13611112222"
    assert store.get("beneficiaries", ben["id"])["address"] == "幸福一村5号楼3单元201", "kept"
    store.close()
