"""公益储蓄 (the time bank): points earned by service, spent on redemption items.

Two ledgers, never mixed:

- **Hours** (star levels, certificates, reports) are the countable service records of
  `sltcore.services.hours`. Nothing here changes them: a redemption spends points, not hours.
- **Points** of one volunteer = earned - redeemed +/- adjustments, where
  - *earned* is derived, never stored: every countable service record earns its hours times
    the rate in the setting `timebank.rate` (1 hour = 1 point by default). A record that stops
    counting (archived, unconfirmed) stops earning; the ledger then shows a lower balance,
    possibly below zero if the points were already spent, and the balance list flags it;
  - *redeemed* are the `redeem` rows of `timebank_transactions` (negative points);
  - *adjustments* are `adjust` rows (either sign) and `deposit` rows (points carried over from
    the office's 公益银行 books of 2010, positive), both entered by an administrator with a
    reason.

A redemption item's `stock` is what its provider supplied in total; what is left is that less
the units of its live redemptions, so no row is rewritten on a redemption and a coordinator
(who may not edit the item catalogue) can still redeem. Empty stock means unlimited.

A redemption that would take the balance below zero, or more units than are left, is refused;
an administrator may override it with a reason, which is stored on the row. Each redemption
and adjustment is ONE `store.transact`, and the balance and the units left are read inside
it, from the data as it is then, so two sessions spending the same points cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sltcore import clock, i18n
from sltcore.auth import Actor
from sltcore.errors import DeskError, NotFoundError
from sltcore.refs import choice_map, label_column, titles
from sltcore.schema import table
from sltcore.services import hours
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction

Frames = Mapping[str, pd.DataFrame]
RATE_KEY = "timebank.rate"
DEFAULT_RATE = 1.0
TX = "timebank_transactions"


class Refused(DeskError):
    """A time-bank action that breaks a rule; the message names the person and the item."""


# --- the rate ---------------------------------------------------------------------------


def parse_rate(value: Any) -> float:
    """The setting's text as points per hour; empty or unreadable -> the default, 1."""
    try:
        rate = float(str(value).strip())
    except (TypeError, ValueError):
        return DEFAULT_RATE
    return rate if rate >= 0 and rate == rate else DEFAULT_RATE


def rate(frames: Frames) -> float:
    settings = frames.get("settings")
    if settings is None or settings.empty:
        return DEFAULT_RATE
    hit = settings.loc[settings["key"] == RATE_KEY, "value"]
    return parse_rate(hit.iloc[0]) if len(hit) else DEFAULT_RATE


def points_of(hours_value: float, points_per_hour: float) -> float:
    return round(float(hours_value) * points_per_hour, 2)


# --- the arithmetic, on plain values (what the transaction and the pages both use) ------------


def balance_of(earned: float, entries: Sequence[float]) -> float:
    """earned + every entry (redemptions negative, adjustments either sign)."""
    return round(float(earned) + sum(float(p) for p in entries), 2)


def _tx_frame(frames: Frames) -> pd.DataFrame:
    df = frames.get(TX)
    if df is None:
        return pd.DataFrame(columns=table(TX).keys)
    return df


def earned_by_volunteer(frames: Frames) -> pd.Series:
    """volunteer id -> points earned from countable service records."""
    recs = hours.countable(frames)
    if recs.empty:
        return pd.Series(dtype=float)
    return (recs.groupby("volunteer_id")["hours"].sum().astype(float) * rate(frames)).round(2)


def balances(frames: Frames, lang: str = "zh") -> pd.DataFrame:
    """Every live volunteer: earned, redeemed (positive), adjusted, balance; by name."""
    vols = frames["volunteers"]
    cols = ["id", "name", "community", "earned", "redeemed", "adjusted", "balance"]
    if vols.empty:
        return pd.DataFrame(columns=cols)
    txs = _tx_frame(frames)
    pts = txs["points"].astype(float) if len(txs) else pd.Series(dtype=float)
    redeemed = (-pts[txs["kind"] == "redeem"]).groupby(txs["volunteer_id"]).sum()
    adjusted = pts[txs["kind"] != "redeem"].groupby(txs["volunteer_id"]).sum()
    earned = earned_by_volunteer(frames)
    out = pd.DataFrame(
        {
            "id": vols["id"],
            "name": vols["name"],
            "community": label_column(vols["community_id"], titles(dict(frames), "communities")),
            "earned": vols["id"].map(earned).fillna(0.0).astype(float),
            "redeemed": vols["id"].map(redeemed).fillna(0.0).astype(float),
            "adjusted": vols["id"].map(adjusted).fillna(0.0).astype(float),
        }
    )
    out["balance"] = (out["earned"] - out["redeemed"] + out["adjusted"]).round(2)
    return out.sort_values(["name", "id"], kind="stable").reset_index(drop=True)[cols]


def search(frames: Frames, table_df: pd.DataFrame, query: str) -> pd.DataFrame:
    """Rows of `balances` whose volunteer's name holds `query`, or whose mobile ends with it."""
    q = query.strip()
    if not q:
        return table_df
    vols = frames["volunteers"]
    mask = vols["name"].str.contains(q, regex=False, na=False)
    if q.isdigit():
        mask |= vols["mobile"].str.endswith(q, na=False)
    return table_df[table_df["id"].isin(set(vols.loc[mask, "id"]))]


def leaderboard(frames: Frames, year: int | None = None, top: int = 20) -> pd.DataFrame:
    """The volunteers who earned most points (in `year`, or ever), with their balance now."""
    recs = hours.countable(frames)
    if year is not None and len(recs):
        recs = recs[recs["date"].dt.year == year]
    bal = balances(frames).set_index("id")
    if recs.empty or bal.empty:
        return pd.DataFrame(columns=["rank", "name", "community", "earned", "balance"])
    earned = (recs.groupby("volunteer_id")["hours"].sum() * rate(frames)).round(2)
    earned = earned[earned.index.isin(bal.index)]
    earned = earned.sort_values(ascending=False, kind="stable").head(top)
    out = pd.DataFrame(
        {
            "rank": range(1, len(earned) + 1),
            "name": bal.loc[earned.index, "name"].to_numpy(),
            "community": bal.loc[earned.index, "community"].to_numpy(),
            "earned": earned.to_numpy(),
            "balance": bal.loc[earned.index, "balance"].to_numpy(),
        }
    )
    return out


def ledger(frames: Frames, volunteer_id: str, lang: str = "zh") -> pd.DataFrame:
    """One volunteer's entries, oldest first, with the running balance: each countable record
    (what it earned), each redemption and adjustment."""
    recs = hours.countable(frames)
    recs = recs[recs["volunteer_id"] == volunteer_id]
    per_hour = rate(frames)
    event_titles = titles(dict(frames), "events")
    earned_text = "服务记录" if lang == "zh" else "Service"
    lines = [
        {
            "date": r["date"].date() if hasattr(r["date"], "date") else r["date"],
            "kind": "earn",
            "what": f"{earned_text} · "
            + (event_titles.get(str(r["event_id"]), "") or str(r.get("content") or "")),
            "hours": float(r["hours"]),
            "points": points_of(r["hours"], per_hour),
            "reason": "",
            "order": 0,
        }
        for r in recs.to_dict("records")
    ]
    txs = _tx_frame(frames)
    txs = txs[txs["volunteer_id"] == volunteer_id]
    kinds = choice_map(TX, "kind", lang)
    items = titles(dict(frames), "redemption_items")
    for r in txs.to_dict("records"):
        what = kinds.get(r["kind"], str(r["kind"]))
        if r["kind"] == "redeem" and isinstance(r.get("item_id"), str):
            qty = r.get("quantity")
            qty = int(qty) if qty == qty and qty is not None else 1
            what += f" · {items.get(r['item_id'], r['item_id'])} × {qty}"
        reason = " ".join(
            str(v) for v in (r.get("override_reason"), r.get("notes")) if isinstance(v, str) and v
        )
        lines.append(
            {
                "date": r["date"].date() if hasattr(r["date"], "date") else r["date"],
                "kind": r["kind"],
                "what": what,
                "hours": None,
                "points": float(r["points"]),
                "reason": reason,
                "order": 1,
            }
        )
    cols = ["date", "kind", "what", "hours", "points", "balance", "reason"]
    if not lines:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(lines).sort_values(["date", "order"], kind="stable")
    out["balance"] = out["points"].cumsum().round(2)
    return out.reset_index(drop=True)[cols]


def catalogue(frames: Frames) -> pd.DataFrame:
    """Every live item: provider, points, supplied, redeemed units, units left (None: no limit)."""
    items = frames["redemption_items"]
    cols = ["id", "name", "kind", "provider", "points", "stock", "redeemed", "left", "active"]
    if items.empty:
        return pd.DataFrame(columns=cols)
    txs = _tx_frame(frames)
    red = txs[txs["kind"] == "redeem"]
    qty = red["quantity"].astype(float).fillna(1.0) if len(red) else pd.Series(dtype=float)
    used = qty.groupby(red["item_id"]).sum() if len(red) else pd.Series(dtype=float)
    providers = titles(dict(frames), "organisations")
    out = pd.DataFrame(
        {
            "id": items["id"],
            "name": items["name"],
            "kind": items["kind"],
            "provider": items["provider_id"].map(providers).astype(object),
            "points": items["points"].astype(float),
            "stock": items["stock"],
            "redeemed": items["id"].map(used).fillna(0).astype(int),
            "active": items["active"].astype(object).where(items["active"].notna(), True),
        }
    )
    out["provider"] = out["provider"].fillna("街道志愿服务分中心")
    left = [
        None if pd.isna(s) else max(int(s) - int(u), 0)
        for s, u in zip(out["stock"], out["redeemed"], strict=True)
    ]
    out["left"] = pd.array(left, dtype="Int64")  # <NA>: no limit
    return out.sort_values(["points", "name"], kind="stable").reset_index(drop=True)[cols]


# --- inside the transaction: the balance and the units left, as they are now -------------


def _frame(table_key: str, rows: list[Row]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=table(table_key).keys)


def balance_in(tx: Transaction, volunteer: Row) -> float:
    """The volunteer's balance from the transaction's reads (the same rule as `balances`)."""
    settings = tx.select("settings", key=RATE_KEY)
    per_hour = parse_rate(settings[0]["value"]) if settings else DEFAULT_RATE
    recs = _frame("service_records", tx.select("service_records", volunteer_id=volunteer["id"]))
    counted = hours.countable(
        {"service_records": recs, "volunteers": _frame("volunteers", [volunteer])}
    )
    earned = points_of(counted["hours"].astype(float).sum(), per_hour) if len(counted) else 0.0
    entries = [r["points"] for r in tx.select(TX, volunteer_id=volunteer["id"])]
    return balance_of(earned, entries)


def left_in(tx: Transaction, item: Row) -> int | None:
    """Units of `item` not yet redeemed (None: unlimited), from the transaction's reads."""
    if item.get("stock") is None:
        return None
    used = sum(
        int(r.get("quantity") or 1) for r in tx.select(TX, item_id=item["id"], kind="redeem")
    )
    return max(int(item["stock"]) - used, 0)


@dataclass(frozen=True)
class Entry:
    """A saved ledger row, the balance it left, and whether a rule was overridden for it."""

    row: Row
    balance_after: float
    overridden: bool


def _fmt(points: float) -> str:
    return i18n.fmt_number(points, "zh", digits=2)


def _override_allowed(actor: Actor, reason: str | None) -> str:
    reason = (reason or "").strip()
    if actor.role != "admin":
        raise Refused(
            "只有管理员可以强制兑换（超出余额或剩余数量）。",
            "Only an administrator can override a redemption (beyond the balance or stock).",
        )
    if not reason:
        raise Refused(
            "强制兑换理由：请填写为什么超出余额或剩余数量仍要兑换。",
            "Override reason: say why this redemption goes beyond the balance or stock.",
        )
    return reason


def redeem(
    store: Store,
    actor: Actor,
    volunteer_id: str,
    item_id: str,
    quantity: int = 1,
    day: dt.date | None = None,
    override_reason: str | None = None,
    notes: str | None = None,
) -> Entry:
    """Spend points on `quantity` units of an item: one transaction, checked inside it.

    Refused (`Refused`, naming the person and the item) when the volunteer's balance or the
    item's units left do not cover it, unless an administrator overrides: `override_reason`
    not None asks for the override, and it must then hold a reason.
    """
    day = day or clock.today()
    if not isinstance(quantity, int) or quantity < 1:
        raise Refused("兑换份数：至少为 1 份。", "Quantity: at least 1.")

    def fn(tx: Transaction) -> Entry:
        vol = tx.get("volunteers", volunteer_id)
        if vol is None or vol["archived"]:
            raise NotFoundError("volunteers", volunteer_id)
        item = tx.get("redemption_items", item_id)
        if item is None or item["archived"]:
            raise NotFoundError("redemption_items", item_id)
        name, item_name = vol["name"], item["name"]
        if item.get("active") is False:
            raise Refused(
                f"兑换项目：“{item_name}”已停止兑换。", f"Item: “{item_name}” is not available."
            )
        cost = round(float(item["points"]) * quantity, 2)
        balance = balance_in(tx, vol)
        left = left_in(tx, item)
        problems_zh, problems_en = [], []
        if balance - cost < 0:
            problems_zh.append(
                f"积分不足：{name}的余额为 {_fmt(balance)} 分，兑换“{item_name}”× {quantity} "
                f"需要 {_fmt(cost)} 分。"
            )
            problems_en.append(
                f"Not enough points: {name} has {_fmt(balance)}; {quantity} × “{item_name}” "
                f"costs {_fmt(cost)}."
            )
        if left is not None and quantity > left:
            problems_zh.append(
                f"剩余数量不足：“{item_name}”还剩 {left} 份，本次要兑换 {quantity} 份。"
            )
            problems_en.append(f"Not enough left: {left} of “{item_name}”, {quantity} asked for.")
        reason = None
        if problems_zh:
            if override_reason is None:  # not asked for; "" asks without a reason
                hint_zh = "管理员可勾选“强制兑换”并填写理由。" if actor.role == "admin" else ""
                hint_en = " An administrator may override with a reason." if hint_zh else ""
                raise Refused("".join(problems_zh) + hint_zh, " ".join(problems_en) + hint_en)
            reason = _override_allowed(actor, override_reason)
        row = tx.append(
            TX,
            [
                {
                    "volunteer_id": volunteer_id,
                    "date": day,
                    "kind": "redeem",
                    "points": -cost,
                    "item_id": item_id,
                    "quantity": quantity,
                    "override_reason": reason,
                    "notes": notes or None,
                }
            ],
        )[0]
        return Entry(row, round(balance - cost, 2), reason is not None)

    return store.transact(actor, fn)


def cancel_redemption(store: Store, actor: Actor, entry_id: str, reason: str) -> Entry:
    """Undo a redemption (entered by mistake, or the goods came back): ONE transaction that
    archives the row, so its points return to the balance and its units to the item's stock,
    with the reason in the audit log. The row stays in the archive; nothing is deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("撤销理由：请填写为什么撤销这次兑换。", "Reason: say why it is undone.")

    def fn(tx: Transaction) -> Entry:
        row = tx.get(TX, entry_id)
        if row is None or row["kind"] != "redeem":
            raise NotFoundError(TX, entry_id)
        vol = tx.get("volunteers", row["volunteer_id"])
        name = vol["name"] if vol else row["volunteer_id"]
        if row["archived"]:
            raise Refused(
                f"兑换：{name}在{row['date']:%Y-%m-%d}的这次兑换已经撤销过了。",
                f"Redemption: {name}'s redemption of {row['date']:%Y-%m-%d} is already undone.",
            )
        tx.archive(TX, entry_id, row["version"])
        tx.note(TX, entry_id, "cancel", {"reason": reason})
        balance = balance_in(tx, vol) if vol else 0.0
        return Entry(tx.get(TX, entry_id), balance, False)

    return store.transact(actor, fn)


def adjust(
    store: Store,
    actor: Actor,
    volunteer_id: str,
    points: float,
    reason: str,
    day: dt.date | None = None,
    kind: str = "adjust",
    allow_negative: bool = False,
) -> Entry:
    """An administrator's entry: `adjust` (either sign) or `deposit` (carried over, positive),
    with its reason. One that would take the balance below zero needs `allow_negative`."""
    day = day or clock.today()
    if actor.role != "admin":
        raise Refused("只有管理员可以调整积分。", "Only an administrator can adjust points.")
    if kind not in ("adjust", "deposit"):
        raise ValueError(kind)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("备注：请填写调整积分的理由。", "Notes: give the reason for the adjustment.")
    try:
        points = round(float(points), 2)
    except (TypeError, ValueError):
        raise Refused("积分：请填写数字。", "Points: type a number.") from None
    if points == 0 or points != points:
        raise Refused("积分：调整的积分不能为 0。", "Points: an adjustment cannot be 0.")
    if kind == "deposit" and points < 0:
        raise Refused(
            "积分：旧账结转只能是正数；扣减请用“调整”。",
            "Points: a carry-over is positive; use an adjustment to deduct.",
        )

    def fn(tx: Transaction) -> Entry:
        vol = tx.get("volunteers", volunteer_id)
        if vol is None or vol["archived"]:
            raise NotFoundError("volunteers", volunteer_id)
        balance = balance_in(tx, vol)
        if balance + points < 0 and not allow_negative:
            raise Refused(
                f"积分：{vol['name']}的余额为 {_fmt(balance)} 分，扣减 {_fmt(-points)} 分后"
                "将为负数。确需如此请勾选“允许余额为负”。",
                f"Points: {vol['name']} has {_fmt(balance)}; deducting {_fmt(-points)} would go "
                "below zero. Tick “allow a negative balance” if that is intended.",
            )
        negative = balance + points < 0
        row = tx.append(
            TX,
            [
                {
                    "volunteer_id": volunteer_id,
                    "date": day,
                    "kind": kind,
                    "points": points,
                    "override_reason": "允许余额为负" if negative else None,
                    "notes": reason,
                }
            ],
        )[0]
        return Entry(row, balance_of(balance, [points]), negative)

    return store.transact(actor, fn)


def monthly(frames: Frames) -> pd.DataFrame:
    """Points earned and redeemed per month (`month` as a month-start timestamp)."""
    recs = hours.countable(frames)
    per_hour = rate(frames)
    earned = (
        (recs.groupby(recs["date"].dt.to_period("M"))["hours"].sum() * per_hour)
        if len(recs)
        else pd.Series(dtype=float)
    )
    txs = _tx_frame(frames)
    red = txs[txs["kind"] == "redeem"] if len(txs) else txs
    redeemed = (
        (-red["points"].astype(float)).groupby(red["date"].dt.to_period("M")).sum()
        if len(red)
        else pd.Series(dtype=float)
    )
    months = sorted(set(earned.index) | set(redeemed.index))
    return pd.DataFrame(
        {
            "month": [m.to_timestamp() for m in months],
            "earned": [round(float(earned.get(m, 0.0)), 2) for m in months],
            "redeemed": [round(float(redeemed.get(m, 0.0)), 2) for m in months],
        }
    )
