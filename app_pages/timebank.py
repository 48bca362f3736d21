"""公益储蓄 Time bank: balances with search and one volunteer's ledger, the redemption form,
the item catalogue, a leaderboard, and (administrators) adjustments. Every rule is in
`sltcore.services.timebank`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n
from sltcore.refs import choice_map, titles
from sltcore.schema import table
from sltcore.services import attendance, hours, rows, timebank
from sltcore.ui import after_write, current_actor, get_store, lang, tr
from sltcore.ui.forms import record_form
from sltcore.ui.kit import flash, form_attempt, is_empty, load_frames, show_flashes, table_view
from sltcore.ui.shell import first_run
from sltcore.ui.text import md

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
today = clock.today()
show_flashes()
PICK_LIMIT = 200


def pts(value: float) -> str:
    return i18n.fmt_number(value, lg, digits=2)


def _money_cols(*keys: str) -> dict[str, Any]:
    return {k: st.column_config.NumberColumn(tr(f"tb.col.{k}"), format="%.2f") for k in keys}


def find_volunteer(key: str, label: str) -> str | None:
    """A search box and a choice among its matches (never the whole register)."""
    query = st.text_input(tr("tb.search"), placeholder=tr("tb.search.placeholder"), key=f"{key}.q")
    ids = attendance.search(frames, query, active_only=False)[:PICK_LIMIT] if query else []
    if not ids:
        st.caption(tr("tb.redeem.who.none") if not query.strip() else tr("picker.none"))
        return None
    options = attendance.attendee_options(frames, ids)
    return st.selectbox(
        label, list(options), format_func=lambda v: options.get(v, v), key=f"{key}.pick"
    )


def balances_tab(balances) -> None:
    query = st.text_input(tr("tb.search"), placeholder=tr("tb.search.placeholder"), key="tb.bal.q")
    shown = timebank.search(frames, balances, query).reset_index(drop=True)
    st.caption(tr("tb.count", count=len(shown)))
    negative = int((shown["balance"] < 0).sum())
    if negative:
        st.warning(tr("tb.negative", count=negative), icon=":material/warning:")
    cols = {"name": tr("tb.col.name"), "community": tr("tb.col.community")}
    cols.update(_money_cols("earned", "redeemed", "adjusted", "balance"))
    table_view(shown, cols, download=f"timebank-{today:%Y%m%d}", key="tb.bal.table")
    if shown.empty:
        return
    options = dict(zip(shown["id"].head(PICK_LIMIT), shown["name"].head(PICK_LIMIT), strict=True))
    vid = st.selectbox(
        tr("tb.ledger.pick"), list(options), format_func=options.get, key="tb.ledger.pick"
    )
    if vid:
        ledger_of(vid, options[vid], balances)


def ledger_of(vid: str, name: str, balances) -> None:
    st.subheader(tr("tb.ledger.title", name=md(name)))
    row = balances.loc[balances["id"] == vid].iloc[0]
    counted = hours.countable(frames)
    a, b = st.columns(2)
    a.metric(tr("tb.ledger.balance"), pts(row["balance"]))
    b.metric(
        tr("tb.ledger.hours"),
        i18n.fmt_hours(float(counted.loc[counted["volunteer_id"] == vid, "hours"].sum()), lg),
    )
    led = timebank.ledger(frames, vid, lg)
    if led.empty:
        st.info(tr("tb.ledger.empty"), icon=":material/inbox:")
        return
    table_view(
        led.iloc[::-1],
        {
            "date": st.column_config.DateColumn(tr("tb.col.date"), format="YYYY-MM-DD"),
            "what": tr("tb.col.what"),
            "hours": st.column_config.NumberColumn(tr("tb.col.hours"), format="%.1f"),
            "points": st.column_config.NumberColumn(tr("tb.col.points"), format="%+.2f"),
            "balance": st.column_config.NumberColumn(tr("tb.col.running"), format="%.2f"),
            "reason": tr("tb.col.reason"),
        },
        download=f"ledger-{vid}",
        key="tb.ledger.table",
    )
    undo_redemption(vid, name)


def undo_redemption(vid: str, name: str) -> None:
    """A redemption entered by mistake (or given back) is undone with a reason; the rule and
    who may are `timebank.cancel_redemption`'s."""
    vol = frames["volunteers"].set_index("id").loc[vid]
    if not auth.in_scope(actor, vol["community_id"]):
        return
    txs = frames["timebank_transactions"]
    done = txs[(txs["volunteer_id"] == vid) & (txs["kind"] == "redeem")]
    if done.empty:
        return
    items = titles(dict(frames), "redemption_items")
    labels = {
        r["id"]: tr(
            "tb.undo.label",
            date=i18n.fmt_date(r["date"].date(), lg),
            item=items.get(r["item_id"], r["item_id"]),
            qty=int(r["quantity"]) if pd.notna(r["quantity"]) else 1,
            points=pts(-float(r["points"])),
        )
        for r in done.sort_values("date", ascending=False).to_dict("records")
    }
    with st.expander(tr("tb.undo"), icon=":material/undo:"):
        st.caption(tr("tb.undo.help"))
        entry = st.selectbox(
            tr("tb.undo.pick"), list(labels), format_func=labels.get, key=f"tb.undo.{vid}.pick"
        )
        reason = st.text_input(
            tr("tb.undo.reason"),
            placeholder=tr("tb.undo.reason.placeholder"),
            key=f"tb.undo.{vid}.why",
        )
        if st.button(tr("tb.undo.go"), icon=":material/undo:", key=f"tb.undo.{vid}.go"):
            undone = form_attempt(lambda: timebank.cancel_redemption(store, actor, entry, reason))
            if undone is not None:
                after_write()
                st.session_state.pop(f"tb.undo.{vid}.why", None)
                flash(tr("tb.undo.done", name=md(name), balance=pts(undone.balance_after)))
                st.rerun()


def _item_label(item: dict) -> str:
    left = (
        tr("tb.redeem.unlimited")
        if pd.isna(item["left"])
        else tr("tb.redeem.left", left=int(item["left"]))
    )
    return tr("tb.redeem.item.label", name=item["name"], points=pts(item["points"]), left=left)


def redeem_tab(balances, items) -> None:
    if not auth.can(actor, "write"):  # the leaders read balances and ledgers only
        st.caption(tr("common.readonly"))
        return
    # a new set of keys after each save: the form starts empty, so one click redeems once
    gen = st.session_state.get("tb.redeem.gen", 0)
    vid = find_volunteer(f"tb.redeem.{gen}", tr("tb.redeem.who"))
    offered = items[items["active"].astype(bool)]
    if offered.empty:
        st.info(tr("tb.redeem.no_items"), icon=":material/inbox:")
        return
    by_id = {r["id"]: r for r in offered.to_dict("records")}
    item_id = st.selectbox(
        tr("tb.redeem.item"), list(by_id), format_func=lambda i: _item_label(by_id[i]),
        key=f"tb.redeem.{gen}.item",
    )  # fmt: skip
    c = st.columns(2)
    quantity = int(
        c[0].number_input(tr("tb.redeem.quantity"), 1, 100, 1, key=f"tb.redeem.{gen}.qty")
    )
    day = c[1].date_input(tr("tb.redeem.date"), today, max_value=today, key=f"tb.redeem.{gen}.date")
    notes = st.text_input(tr("tb.redeem.notes"), key=f"tb.redeem.{gen}.notes")
    reason = None
    if vid:
        row = balances.loc[balances["id"] == vid].iloc[0]
        cost = float(by_id[item_id]["points"]) * quantity
        after = float(row["balance"]) - cost
        st.markdown(
            tr(
                "tb.redeem.preview",
                name=md(row["name"]),
                balance=pts(row["balance"]),
                cost=pts(cost),
                after=pts(after),
            )
        )
        if after < 0:
            st.caption(tr("tb.redeem.short"))
    override = actor.role == "admin" and st.checkbox(
        tr("tb.redeem.override"), key=f"tb.redeem.{gen}.force"
    )
    if override:
        reason = st.text_input(tr("tb.redeem.reason"), key=f"tb.redeem.{gen}.reason")
    if st.button(tr("tb.redeem.submit"), type="primary", key="tb.redeem.go", disabled=not vid):
        done = form_attempt(
            lambda: timebank.redeem(
                store, actor, vid, item_id, quantity, day, override_reason=reason, notes=notes
            )
        )
        if done is not None:
            after_write()
            st.session_state["tb.redeem.gen"] = gen + 1
            name = balances.loc[balances["id"] == vid, "name"].iloc[0]
            key = "tb.redeem.done_override" if done.overridden else "tb.redeem.done"
            flash(
                tr(
                    key,
                    name=md(name),
                    item=md(by_id[item_id]["name"]),
                    quantity=quantity,
                    balance=pts(done.balance_after),
                )
            )
            st.rerun()


def items_tab(items) -> None:
    if items.empty:
        st.info(tr("tb.items.empty"), icon=":material/inbox:")
    else:
        view = items.assign(
            kind=items["kind"].map(choice_map("redemption_items", "kind", lg)),
            active=items["active"].map({True: "✓", False: ""}),
        )
        table_view(
            view,
            {
                "name": tr("tb.col.item"),
                "kind": tr("tb.col.kind"),
                "provider": tr("tb.col.provider"),
                "points": st.column_config.NumberColumn(tr("tb.col.item_points"), format="%.2f"),
                "stock": st.column_config.NumberColumn(tr("tb.col.stock"), format="%d"),
                "redeemed": st.column_config.NumberColumn(tr("tb.col.item_redeemed"), format="%d"),
                "left": st.column_config.NumberColumn(tr("tb.col.left"), format="%d"),
                "active": tr("tb.col.active"),
            },
            download="redemption-items",
            key="tb.items.table",
        )
    if actor.role != "admin":
        return
    with st.expander(tr("tb.items.add"), icon=":material/add:", expanded=items.empty):
        form_key = f"tb.items.add.{st.session_state.get('tb.items.gen', 0)}"
        values = record_form(
            table("redemption_items"),
            form_key=form_key,
            lang=lg,
            frames=frames,
            submit_label=tr("tb.items.save"),
        )
        if values is not None:
            saved = form_attempt(lambda: rows.create(store, "redemption_items", values, actor))
            if saved is not None:
                after_write()
                st.session_state["tb.items.gen"] = st.session_state.get("tb.items.gen", 0) + 1
                flash(tr("tb.items.added", name=md(saved["name"])))
                st.rerun()


def board_tab() -> None:
    recs = hours.countable(frames)
    years = sorted({int(y) for y in recs["date"].dt.year.dropna()}, reverse=True)
    choice = st.selectbox(
        tr("tb.board.year"), [None, *years],
        format_func=lambda y: tr("tb.board.all") if y is None else tr("tb.board.year_n", year=y),
        key="tb.board.year",
    )  # fmt: skip
    board = timebank.leaderboard(frames, choice)
    if board.empty:
        st.info(tr("tb.board.empty"), icon=":material/inbox:")
        return
    cols: dict[str, Any] = {
        "rank": st.column_config.NumberColumn(tr("tb.col.rank"), format="%d"),
        "name": tr("tb.col.name"),
        "community": tr("tb.col.community"),
    }
    cols.update(_money_cols("earned", "balance"))
    table_view(board, cols, key="tb.board.table")


def adjust_tab(balances) -> None:
    st.caption(tr("tb.adjust.intro"))
    vid = find_volunteer("tb.adjust", tr("tb.redeem.who"))
    kinds = choice_map("timebank_transactions", "kind", lg)
    kind = st.radio(
        tr("tb.adjust.kind"), ["adjust", "deposit"], format_func=kinds.get, horizontal=True,
        key="tb.adjust.kind",
    )  # fmt: skip
    points = st.number_input(tr("tb.adjust.points"), value=0.0, step=1.0, key="tb.adjust.points")
    reason = st.text_input(tr("tb.adjust.reason"), key="tb.adjust.reason")
    negative = st.checkbox(tr("tb.adjust.negative"), key="tb.adjust.negative")
    if st.button(tr("tb.adjust.submit"), type="primary", key="tb.adjust.go", disabled=not vid):
        saved = form_attempt(
            lambda: timebank.adjust(
                store, actor, vid, points, reason, today, kind=kind, allow_negative=negative
            )
        )
        if saved is not None:
            after_write()
            name = balances.loc[balances["id"] == vid, "name"].iloc[0]
            flash(
                tr(
                    "tb.adjust.done",
                    name=md(name),
                    points=pts(points),
                    balance=pts(saved.balance_after),
                )
            )
            st.rerun()


st.title(tr("tb.title"))
if is_empty(frames) and first_run(store):
    st.stop()
st.caption(tr("tb.intro", rate=pts(timebank.rate(frames))))
balances = timebank.balances(frames, lg)
items = timebank.catalogue(frames)
names = ["balances", "redeem", "items", "board"] + (["adjust"] if actor.role == "admin" else [])
tabs = dict(zip(names, st.tabs([tr(f"tb.tab.{n}") for n in names]), strict=True))
with tabs["balances"]:
    balances_tab(balances)
with tabs["redeem"]:
    redeem_tab(balances, items)
with tabs["items"]:
    items_tab(items)
with tabs["board"]:
    board_tab()
if "adjust" in tabs:
    with tabs["adjust"]:
        adjust_tab(balances)
