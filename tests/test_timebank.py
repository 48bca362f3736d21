"""公益储蓄: balances, redemptions, adjustments and their refusals, against a real store."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import NotFoundError, PermissionDenied
from sltcore.services import analytics, hours, timebank
from sltcore.store.local import LocalStore
from tests.helpers import TxSpy, community, dump, record_row, volunteer

ADMIN = Actor("admin", "admin", display_name="管理员")
DAY = dt.date(2026, 3, 5)


@pytest.fixture
def bank(contract_store):
    store = contract_store  # every rule on both backends
    com = community(store)
    coord = Actor("c1", "coordinator", communities=(com["id"],), display_name="协调员")
    vol = volunteer(store, com["id"], name="王秀英")
    item, unlimited = store.append(
        "redemption_items",
        [
            {"name": "理发服务", "kind": "service", "points": 5, "stock": 2},
            {"name": "图书", "kind": "goods", "points": 8},
        ],
        SYSTEM,
    )
    return {"store": store, "com": com, "vol": vol, "item": item, "free": unlimited, "coord": coord}


@contextlib.contextmanager
def refused(words: str):
    """The action is refused with a Chinese message containing `words`."""
    with pytest.raises(timebank.Refused) as err:
        yield
    assert words in err.value.zh, err.value.zh


def _balance(store, vid: str) -> float:
    b = timebank.balances(store.read_all()).set_index("id")
    return float(b.loc[vid, "balance"])


def test_points_follow_countable_records_at_the_rate(bank) -> None:
    store, vol = bank["store"], bank["vol"]
    store.append(
        "service_records",
        [
            record_row(vol, 3.0, DAY),
            record_row(vol, 2.0, DAY + dt.timedelta(days=1), confirmed=False),
        ],
        SYSTEM,
    )
    assert _balance(store, vol["id"]) == 3.0  # the unconfirmed record earns nothing
    store.append("settings", [{"key": timebank.RATE_KEY, "value": "1.5"}], SYSTEM)
    assert _balance(store, vol["id"]) == 4.5
    led = timebank.ledger(store.read_all(), vol["id"])
    assert list(led["points"]) == [4.5] and list(led["balance"]) == [4.5]


@pytest.mark.parametrize("text", ["", "abc", "-2", None])
def test_an_unreadable_rate_is_one_point_an_hour(text) -> None:
    assert timebank.parse_rate(text) == 1.0


def test_redemption_spends_points_and_a_unit_but_no_hours(bank) -> None:
    store, vol, item = bank["store"], bank["vol"], bank["item"]
    store.append("service_records", [record_row(vol, 12.0, DAY)], SYSTEM)
    hours_before = hours.countable(store.read_all())["hours"].sum()
    done = timebank.redeem(store, bank["coord"], vol["id"], item["id"], 2, DAY)
    assert done.balance_after == 2.0 and not done.overridden
    frames = store.read_all()
    assert _balance(store, vol["id"]) == 2.0
    assert hours.countable(frames)["hours"].sum() == hours_before == 12.0
    # the star list reads the hours ledger only
    period = analytics.period_this_year(dt.date(2026, 11, 29))
    stars = analytics.star_list(frames, period).set_index("volunteer_id")
    assert float(stars.loc[vol["id"], "hours_total"]) == 12.0
    cat = timebank.catalogue(frames).set_index("id")
    assert cat.loc[item["id"], "redeemed"] == 2 and cat.loc[item["id"], "left"] == 0


def test_overdraw_is_refused_naming_person_item_and_points(bank) -> None:
    store, vol, item = bank["store"], bank["vol"], bank["item"]
    store.append("service_records", [record_row(vol, 4.0, DAY)], SYSTEM)
    before = dump(store)
    with pytest.raises(timebank.Refused) as err:
        timebank.redeem(store, ADMIN, vol["id"], item["id"], 1, DAY)
    assert "积分不足" in err.value.zh and "王秀英" in err.value.zh and "理发服务" in err.value.zh
    assert "4 分" in err.value.zh and "5 分" in err.value.zh
    assert "管理员可勾选" in err.value.zh
    assert dump(store) == before


def test_stock_is_refused_and_unlimited_items_are_not(bank) -> None:
    store, vol, item, free = bank["store"], bank["vol"], bank["item"], bank["free"]
    store.append("service_records", [record_row(vol, 24.0, DAY)], SYSTEM)
    with refused("还剩 2 份，本次要兑换 3 份"):
        timebank.redeem(store, ADMIN, vol["id"], item["id"], 3, DAY)
    timebank.redeem(store, ADMIN, vol["id"], free["id"], 2, DAY)  # no stock: unlimited
    assert _balance(store, vol["id"]) == 8.0


def test_admin_override_needs_a_reason_and_is_kept(bank) -> None:
    store, vol, item = bank["store"], bank["vol"], bank["item"]
    with refused("强制兑换理由"):
        timebank.redeem(store, ADMIN, vol["id"], item["id"], 1, DAY, override_reason=" ")
    with refused("只有管理员可以强制兑换"):
        timebank.redeem(store, bank["coord"], vol["id"], item["id"], 1, DAY, override_reason="x")
    done = timebank.redeem(store, ADMIN, vol["id"], item["id"], 1, DAY, override_reason="慰问")
    assert done.overridden and done.balance_after == -5.0
    assert done.row["override_reason"] == "慰问"
    bal = timebank.balances(store.read_all())
    assert float(bal.loc[bal["id"] == vol["id"], "balance"].iloc[0]) == -5.0


def test_inactive_item_unknown_volunteer_and_bad_quantity(bank) -> None:
    store, vol, item = bank["store"], bank["vol"], bank["item"]
    store.update("redemption_items", item["id"], {"active": False}, 1, SYSTEM)
    with refused("“理发服务”已停止兑换"):
        timebank.redeem(store, ADMIN, vol["id"], item["id"], 1, DAY, override_reason="x")
    with pytest.raises(NotFoundError):
        timebank.redeem(store, ADMIN, "vol-nope", bank["free"]["id"], 1, DAY)
    with refused("兑换份数"):
        timebank.redeem(store, ADMIN, vol["id"], bank["free"]["id"], 0, DAY)


def test_a_viewer_cannot_redeem_and_a_coordinator_only_in_their_communities(bank) -> None:
    store, vol, free = bank["store"], bank["vol"], bank["free"]
    store.append("service_records", [record_row(vol, 20.0, DAY)], SYSTEM)
    with pytest.raises(PermissionDenied):
        timebank.redeem(store, Actor("leader", "viewer"), vol["id"], free["id"], 1, DAY)
    other = Actor("c2", "coordinator", communities=("com-elsewhere",))
    with pytest.raises(PermissionDenied):
        timebank.redeem(store, other, vol["id"], free["id"], 1, DAY)


def test_a_redemption_undone_gives_back_its_points_and_its_units(bank) -> None:
    store, vol, item = bank["store"], bank["vol"], bank["item"]
    store.append("service_records", [record_row(vol, 12.0, DAY)], SYSTEM)
    done = timebank.redeem(store, bank["coord"], vol["id"], item["id"], 2, DAY)
    with refused("撤销理由：请填写"):
        timebank.cancel_redemption(store, bank["coord"], done.row["id"], " ")
    other = Actor("c2", "coordinator", communities=("com-elsewhere",))
    for who in (other, Actor("leader", "viewer")):
        with pytest.raises(PermissionDenied):
            timebank.cancel_redemption(store, who, done.row["id"], "登记错了")
    assert _balance(store, vol["id"]) == 2.0, "nothing undone by a refused request"
    undone = timebank.cancel_redemption(store, bank["coord"], done.row["id"], "登记错了")
    assert undone.balance_after == 12.0 and _balance(store, vol["id"]) == 12.0
    frames = store.read_all()
    cat = timebank.catalogue(frames).set_index("id")
    assert cat.loc[item["id"], "redeemed"] == 0 and cat.loc[item["id"], "left"] == 2
    assert [k for k in timebank.ledger(frames, vol["id"])["kind"]] == ["earn"]
    log = store.read("audit_log")
    mine = log[log["row_id"] == done.row["id"]]
    assert set(mine["action"]) >= {"archive", "cancel"} and "登记错了" in mine["changes"].str.cat()
    assert mine[mine["action"] == "cancel"]["actor"].tolist() == ["c1"]
    with refused("这次兑换已经撤销过了"):
        timebank.cancel_redemption(store, bank["coord"], done.row["id"], "再撤一次")
    adj = timebank.adjust(store, ADMIN, vol["id"], 3, "补录")
    with pytest.raises(NotFoundError):
        timebank.cancel_redemption(store, ADMIN, adj.row["id"], "不是兑换")


def test_adjustments_are_admin_only_with_a_reason(bank) -> None:
    store, vol = bank["store"], bank["vol"]
    with refused("只有管理员"):
        timebank.adjust(store, bank["coord"], vol["id"], 5, "结转", DAY)
    with refused("备注：请填写"):
        timebank.adjust(store, ADMIN, vol["id"], 5, "", DAY)
    with refused("旧账结转只能是正数"):
        timebank.adjust(store, ADMIN, vol["id"], -5, "x", DAY, kind="deposit")
    with refused("不能为 0"):
        timebank.adjust(store, ADMIN, vol["id"], 0, "x", DAY)
    timebank.adjust(store, ADMIN, vol["id"], 10, "原公益银行结转", DAY, kind="deposit")
    with refused("余额为 10 分，扣减 12 分后将为负数"):
        timebank.adjust(store, ADMIN, vol["id"], -12, "更正", DAY)
    done = timebank.adjust(store, ADMIN, vol["id"], -12, "更正", DAY, allow_negative=True)
    assert done.balance_after == -2.0 and done.overridden


def test_an_undone_record_takes_its_points_back(bank) -> None:
    store, vol, free = bank["store"], bank["vol"], bank["free"]
    rec = store.append("service_records", [record_row(vol, 10.0, DAY)], SYSTEM)[0]
    timebank.redeem(store, ADMIN, vol["id"], free["id"], 1, DAY)
    store.set_archived("service_records", {rec["id"]: rec["version"]}, True, SYSTEM)
    assert _balance(store, vol["id"]) == -8.0  # flagged on the page, never hidden


def test_redeem_is_one_transaction_and_safe_to_rerun(bank) -> None:
    store, vol, item = bank["store"], bank["vol"], bank["item"]
    store.append("service_records", [record_row(vol, 10.0, DAY)], SYSTEM)
    spy = TxSpy(store, reruns=2)
    timebank.redeem(spy, ADMIN, vol["id"], item["id"], 1, DAY)
    assert spy.transactions == [[("append", "timebank_transactions")]]
    assert len(store.read_all()["timebank_transactions"]) == 1


def test_leaderboard_and_months(demo_store) -> None:
    frames = demo_store.read_all()
    board = timebank.leaderboard(frames, top=10)
    assert len(board) == 10 and board["earned"].is_monotonic_decreasing
    earned = timebank.earned_by_volunteer(frames)
    assert board["earned"].iloc[0] == earned.max()
    months = timebank.monthly(frames)
    assert months["earned"].sum() == pytest.approx(earned.sum())
    red = frames["timebank_transactions"]
    assert months["redeemed"].sum() == pytest.approx(
        -red.loc[red["kind"] == "redeem", "points"].sum()
    )
    assert (timebank.balances(frames)["balance"] >= 0).all()  # the sample data never overdraws


# --- any sequence of records, redemptions and adjustments ------------------------------------

STEP = st.one_of(
    st.tuples(st.just("record"), st.sampled_from([0.5, 1.0, 2.0, 4.0, 8.0]), st.booleans()),
    st.tuples(st.just("redeem"), st.sampled_from(["item", "free"]), st.integers(1, 3)),
    st.tuples(st.just("adjust"), st.integers(-20, 20), st.booleans()),
    st.tuples(st.just("override"), st.sampled_from(["item", "free"]), st.integers(1, 3)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(STEP, max_size=12))
def test_balance_is_the_ledger_sum_and_never_negative_unless_overridden(steps) -> None:
    with tempfile.TemporaryDirectory() as d:
        store = LocalStore(Path(d) / "h.db")
        try:
            com = community(store)
            vol = volunteer(store, com["id"])
            items = dict(
                zip(
                    ("item", "free"),
                    store.append(
                        "redemption_items",
                        [
                            {"name": "理发", "kind": "service", "points": 5, "stock": 4},
                            {"name": "图书", "kind": "goods", "points": 3},
                        ],
                        SYSTEM,
                    ),
                    strict=True,
                )
            )
            overridden = False
            for n, step in enumerate(steps):
                day = DAY + dt.timedelta(days=n)
                if step[0] == "record":
                    store.append(
                        "service_records",
                        [record_row(vol, step[1], day, confirmed=step[2])],
                        SYSTEM,
                    )
                elif step[0] in ("redeem", "override"):
                    reason = "特批" if step[0] == "override" else None
                    try:
                        done = timebank.redeem(
                            store,
                            ADMIN,
                            vol["id"],
                            items[step[1]]["id"],
                            step[2],
                            day,
                            override_reason=reason,
                        )
                        overridden |= done.overridden
                    except timebank.Refused:
                        assert reason is None
                elif step[1] != 0:
                    try:
                        done = timebank.adjust(
                            store, ADMIN, vol["id"], step[1], "更正", day, allow_negative=step[2]
                        )
                        overridden |= done.overridden
                    except timebank.Refused:
                        assert not step[2]
                frames = store.read_all()
                led = timebank.ledger(frames, vol["id"])
                bal = _balance(store, vol["id"])
                assert bal == pytest.approx(float(led["points"].sum()) if len(led) else 0.0)
                if len(led):
                    assert bal == pytest.approx(float(led["balance"].iloc[-1]))
                if not overridden:
                    assert bal >= 0
                cat = timebank.catalogue(frames).set_index("id")
                if not overridden:
                    assert cat.loc[items["item"]["id"], "redeemed"] <= 4
        finally:
            store.close()
