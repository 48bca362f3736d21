"""结对: the month rule at its edges, visits as linked service records, and the page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.services import hours, pairings
from sltcore.store.local import LocalStore
from tests.helpers import TxSpy, community, record_row, volunteer

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
    rec = pairings.record_visit(spy, SYSTEM, pair["id"], D(2026, 11, 20), 1.5, "陪伴聊天")
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
    store.close()
