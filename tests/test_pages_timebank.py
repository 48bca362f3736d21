"""公益储蓄 through AppTest: empty store, sample data, a redemption, and every refusal shown."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from sltcore.services import timebank
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/timebank.py"


def open_page(actor: Actor | None = None, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def desk(app_env):
    store = LocalStore(app_env)
    com = community(store)
    wang = volunteer(store, com["id"], name="王秀英", mobile="13900001111")
    li = volunteer(store, com["id"], name="李强")
    store.append("service_records", [record_row(wang, 12.0, dt.date(2026, 3, 5))], SYSTEM)
    haircut, books = store.append(
        "redemption_items",
        [
            {"name": "理发服务", "kind": "service", "points": 5, "stock": 1},
            {"name": "图书", "kind": "goods", "points": 8},
        ],
        SYSTEM,
    )
    yield {"store": store, "com": com, "wang": wang, "li": li, "haircut": haircut, "books": books}
    store.close()


def _tab(at: AppTest, label: str):
    return next(t for t in at.tabs if t.label == label)


def _redeem(at: AppTest, who: str, item_label_part: str, quantity: int = 1) -> AppTest:
    tab = _tab(at, "兑换")
    tab.text_input(key="tb.redeem.0.q").input(who).run()
    tab = _tab(at, "兑换")
    box = tab.selectbox(key="tb.redeem.0.item")
    box.select(next(o for o in box.options if item_label_part in o)).run()
    _tab(at, "兑换").number_input(key="tb.redeem.0.qty").set_value(quantity).run()
    return at


def _go(at: AppTest) -> AppTest:
    _tab(at, "兑换").button(key="tb.redeem.go").click().run()
    assert not at.exception, at.exception
    return at


def _errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


def test_empty_store_offers_the_sample_data(app_env) -> None:
    at = open_page()
    assert at.title[0].value == "公益储蓄"
    assert any(b.label == "载入示例数据" for b in at.button)


def test_sample_data_shows_every_tab_with_content(app_env, demo_db) -> None:
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert [t.label for t in at.tabs] == ["积分余额", "兑换", "兑换项目", "积分排行", "调整积分"]
    balances = _tab(at, "积分余额").dataframe[0].value
    assert list(balances.columns) == ["姓名", "社区", "服务存入", "已兑换", "结转与调整", "余额"]
    assert len(balances) == 300 and (balances["已兑换"] > 0).any()
    ledger = _tab(at, "积分余额").dataframe[1].value
    assert list(ledger.columns) == ["日期", "摘要", "服务时长", "积分", "结余", "理由/备注"]
    items = _tab(at, "兑换项目").dataframe[0].value
    assert len(items) == 6 and "提供单位" in items.columns and (items["已兑换份数"] > 0).any()
    board = _tab(at, "积分排行").dataframe[0].value
    assert len(board) == 20 and board["服务存入"].is_monotonic_decreasing
    overdrawn = [
        w for w in at.warning if w.icon != ":material/lock_open:"
    ]  # not the open-desk banner
    assert not overdrawn, "the sample data never overdraws"


def test_search_and_ledger(desk) -> None:
    at = open_page()
    _tab(at, "积分余额").text_input(key="tb.bal.q").input("1111").run()
    shown = _tab(at, "积分余额").dataframe[0].value
    assert list(shown["姓名"]) == ["王秀英"] and list(shown["余额"]) == [12.0]
    assert any(s.value == "王秀英的积分明细" for s in at.subheader)
    assert [m.value for m in at.metric][:2] == ["12", "12 小时"]


def test_a_redemption_is_saved_and_named(desk) -> None:
    at = _redeem(open_page(), "王秀英", "理发服务")
    assert "兑换后余额 **7** 分" in "\n".join(m.value for m in at.markdown)
    _go(at)
    assert not at.error
    assert [t.value for t in at.toast] == ["已为王秀英兑换“理发服务”× 1，余额 7 分。"]
    redo = _tab(at, "兑换")
    assert redo.text_input(key="tb.redeem.1.q").value == "", "the form starts afresh"
    assert redo.button(key="tb.redeem.go").disabled
    tx = desk["store"].read_all()["timebank_transactions"]
    assert list(tx["points"]) == [-5.0] and list(tx["quantity"]) == [1]


def test_a_redemption_is_undone_from_the_ledger_with_a_reason(desk) -> None:
    store = desk["store"]
    timebank.redeem(
        store, SYSTEM, desk["wang"]["id"], desk["haircut"]["id"], 1, dt.date(2026, 3, 6)
    )
    coord = Actor("c1", "coordinator", communities=(desk["com"]["id"],), display_name="协调员")
    at = open_page(coord)
    tab = _tab(at, "积分余额")
    tab.text_input(key="tb.bal.q").input("1111").run()
    pick = _tab(at, "积分余额").selectbox(key=f"tb.undo.{desk['wang']['id']}.pick")
    assert pick.options == ["2026年3月6日 · 理发服务 × 1 · 5 分"]
    _tab(at, "积分余额").button(key=f"tb.undo.{desk['wang']['id']}.go").click().run()
    assert "撤销理由：请填写为什么撤销这次兑换" in _errors(at)
    assert len(store.read_all()["timebank_transactions"]) == 1, "nothing undone without a reason"
    _tab(at, "积分余额").text_input(key=f"tb.undo.{desk['wang']['id']}.why").input(
        "登记错了人"
    ).run()
    _tab(at, "积分余额").button(key=f"tb.undo.{desk['wang']['id']}.go").click().run()
    assert [t.value for t in at.toast] == ["已撤销王秀英的一次兑换，余额 12 分。"]
    assert store.read_all()["timebank_transactions"].empty
    assert list(_tab(at, "积分余额").dataframe[0].value["余额"]) == [12.0]
    assert not [e for e in at.expander if e.label == "撤销一次兑换"], "nothing left to undo"
    viewer = open_page(Actor("leader", "viewer"))
    assert not [e for e in viewer.expander if e.label == "撤销一次兑换"]


def test_overdraw_is_refused_with_its_message(desk) -> None:
    at = _redeem(open_page(), "王秀英", "图书", quantity=2)
    assert any("余额不够" in c.value for c in at.caption)
    _go(at)
    assert "积分不足：王秀英的余额为 12 分，兑换“图书”× 2 需要 16 分。" in _errors(at)
    assert len(desk["store"].read_all()["timebank_transactions"]) == 0


def test_stock_is_refused_with_its_message(desk) -> None:
    at = _redeem(open_page(), "王秀英", "理发服务", quantity=2)
    _go(at)
    assert "剩余数量不足：“理发服务”还剩 1 份，本次要兑换 2 份。" in _errors(at)


def test_override_without_reason_is_refused_then_saved_with_it(desk) -> None:
    at = _redeem(open_page(), "王秀英", "图书", quantity=2)
    _tab(at, "兑换").checkbox(key="tb.redeem.0.force").check().run()
    _go(at)
    assert "强制兑换理由：请填写" in _errors(at)
    _tab(at, "兑换").text_input(key="tb.redeem.0.reason").input("重阳节慰问").run()
    _go(at)
    assert [t.value for t in at.toast] == ["已强制兑换：王秀英“图书”× 2，余额 -4 分。"]
    row = desk["store"].read_all()["timebank_transactions"].iloc[0]
    assert row["override_reason"] == "重阳节慰问"


def test_a_coordinator_sees_no_override_and_a_viewer_no_redemption_form(desk) -> None:
    coord = Actor("c1", "coordinator", communities=(desk["com"]["id"],), display_name="协调员")
    at = _redeem(open_page(coord), "王秀英", "图书", quantity=2)
    assert [t.label for t in at.tabs] == ["积分余额", "兑换", "兑换项目", "积分排行"]
    assert not _tab(at, "兑换").checkbox
    assert _tab(at, "兑换").button(key="tb.redeem.go").label == "确认兑换"
    viewer = open_page(Actor("leader", "viewer"))
    assert [t.label for t in viewer.tabs] == ["积分余额", "兑换", "兑换项目", "积分排行"]
    tab = _tab(viewer, "兑换")
    assert [c.value for c in tab.caption] == ["只读账号：可以查看，不能修改。"]
    assert not tab.button and not tab.text_input and not tab.selectbox and not tab.number_input
    assert not viewer.main.button, "no button anywhere on the page"
    shown = _tab(viewer, "积分余额").dataframe[0].value
    assert set(shown["姓名"]) == {"王秀英", "李强"}, "the balances are read as before"


def test_the_redemption_service_refuses_a_viewer(desk) -> None:
    """The page hides the form; sltcore refuses too, and writes nothing."""
    store = desk["store"]
    before = store.revision()
    with pytest.raises(PermissionDenied) as refused:
        timebank.redeem(
            store, Actor("leader", "viewer"), desk["wang"]["id"], desk["haircut"]["id"], 1,
            dt.date(2026, 11, 1),
        )  # fmt: skip
    assert refused.value.message("zh") == "只读账号不能修改数据。"
    assert store.revision() == before
    assert store.read_all()["timebank_transactions"].empty


def test_adjustment_refusals_and_save(desk) -> None:
    at = open_page()
    tab = _tab(at, "调整积分")
    tab.text_input(key="tb.adjust.q").input("李强").run()
    _tab(at, "调整积分").number_input(key="tb.adjust.points").set_value(-3.0).run()
    _tab(at, "调整积分").button(key="tb.adjust.go").click().run()
    assert "请填写调整积分的理由" in _errors(at)
    _tab(at, "调整积分").text_input(key="tb.adjust.reason").input("更正").run()
    _tab(at, "调整积分").button(key="tb.adjust.go").click().run()
    assert "李强的余额为 0 分，扣减 3 分后将为负数" in _errors(at)
    _tab(at, "调整积分").number_input(key="tb.adjust.points").set_value(10.0).run()
    _tab(at, "调整积分").button(key="tb.adjust.go").click().run()
    assert [t.value for t in at.toast] == ["已为李强记入 10 分，余额 10 分。"]


def test_english(desk) -> None:
    at = open_page(lang="en")
    assert at.title[0].value == "Time bank"
    assert [t.label for t in at.tabs][:2] == ["Balances", "Redeem"]
