"""结对 Pairings: those behind their agreed visits (oldest first), every pairing with this
month's progress, recording a visit, and the beneficiaries (masked). Rules:
`sltcore.services.pairings`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n, privacy
from sltcore.codec import row_from_frame
from sltcore.refs import titles
from sltcore.schema import table
from sltcore.services import pairings, rows
from sltcore.ui import after_write, current_actor, get_store, lang, tr
from sltcore.ui.forms import record_form
from sltcore.ui.kit import (
    flash,
    form_attempt,
    is_empty,
    load_frames,
    open_edit,
    show_flashes,
    table_view,
)
from sltcore.ui.shell import first_run
from sltcore.ui.text import md

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
today = clock.today()
show_flashes()


def _pair_columns(*extra: str) -> dict[str, Any]:
    cols: dict[str, Any] = {
        "volunteer": tr("pair.col.volunteer"),
        "team": tr("pair.col.team"),
        "beneficiary": tr("pair.col.beneficiary"),
        "kind": tr("pair.col.kind"),
        "community": tr("pair.col.community"),
        "agreed": st.column_config.NumberColumn(tr("pair.col.agreed"), format="%d"),
        "last_month": st.column_config.NumberColumn(tr("pair.col.last_month"), format="%d"),
        "this_month": st.column_config.NumberColumn(tr("pair.col.this_month"), format="%d"),
        "last_visit": st.column_config.DateColumn(tr("pair.col.last_visit"), format="YYYY-MM-DD"),
    }
    for key in extra:
        cols[key] = st.column_config.NumberColumn(tr(f"pair.col.{key}"), format="%d")
    return cols


def _shown(df: pd.DataFrame) -> pd.DataFrame:
    if privacy.sees_personal_data(actor):
        return df
    return df.assign(beneficiary=df["beneficiary"].map(pairings.mask_name))


def _add_form(table_key: str, label: str, done: str) -> None:
    if not auth.can(actor, "write"):
        return
    with st.expander(tr(label), icon=":material/add:"):
        gen_key = f"pair.add.{table_key}.gen"
        values = record_form(
            table(table_key),
            form_key=f"pair.add.{table_key}.{st.session_state.get(gen_key, 0)}",
            lang=lg,
            frames=frames,
        )
        if values is not None:
            saved = form_attempt(lambda: rows.create(store, table_key, values, actor))
            if saved is not None:
                after_write()
                st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1
                flash(tr(done))
                st.rerun()


def _edit_form(table_key: str, labels: dict[str, str], label: str, done: str) -> None:
    """Change (or end) one row of `table_key` that the account may write: `labels` maps the
    rows offered (already limited to the account's communities) to what they are called."""
    if not auth.can(actor, "write") or not labels:
        return
    with st.expander(tr(label), icon=":material/edit:"):
        chosen = st.selectbox(
            tr("pair.edit.pick"),
            list(labels),
            format_func=labels.get,
            index=None,
            placeholder=tr("forms.choose"),
            key=f"pair.edit.{table_key}.pick",
        )
        if not chosen:
            return
        t = table(table_key)
        df = frames[table_key]
        row = row_from_frame(t, df[df["id"] == chosen].iloc[0].to_dict())
        edit = open_edit(f"pair.edit.{table_key}.{chosen}", t, row)
        values = record_form(t, form_key=edit.key, lang=lg, frames=frames, values=edit.shown)
        if values is not None:
            saved = form_attempt(
                lambda: rows.edit(store, table_key, chosen, values, edit.seen, actor)
            )
            if saved is not None:
                after_write()
                edit.redraw()
                flash(tr(done, name=md(labels[chosen])))
                st.rerun()
        edit.notice()


def _mine(community_of: pd.Series) -> pd.Series:
    """Rows of the account's communities (an administrator: all)."""
    return community_of.map(lambda c: auth.in_scope(actor, c)).astype(bool)


def behind_tab() -> None:
    first, _ = pairings.previous_month(today)
    month = tr("pair.month", year=first.year, month=first.month)
    late = pairings.behind(frames, today, lg)
    if late.empty:
        st.success(tr("pair.behind.none", month=month), icon=":material/check_circle:")
        return
    st.warning(tr("pair.behind.count", month=month, count=len(late)), icon=":material/schedule:")
    table_view(_shown(late), _pair_columns("shortfall"), key="pair.behind.table")


def all_tab(df: pd.DataFrame) -> None:
    if df.empty:
        st.info(tr("pair.none"), icon=":material/inbox:")
    else:
        cols = _pair_columns()
        cols["active"] = st.column_config.CheckboxColumn(tr("pair.col.active"))
        table_view(_shown(df), cols, key="pair.all.table")
    _add_form("pairings", "pair.add", "pair.added")
    bens = frames["beneficiaries"].set_index("id")["community_id"]
    editable = df[_mine(df["beneficiary_id"].map(bens))]
    _edit_form(
        "pairings",
        {
            r["id"]: tr("pair.edit.pair.label", pairer=_pairer(r), beneficiary=r["beneficiary"])
            for r in editable.to_dict("records")
        },
        "pair.edit",
        "pair.edited",
    )


def _pairer(row: dict) -> str:
    """Who is paired: the team (with its contact, if named) or the volunteer."""
    if row["team"] and row["volunteer"]:
        return tr("pair.visit.team_contact", team=row["team"], volunteer=row["volunteer"])
    return row["team"] or row["volunteer"]


def visit_tab(df: pd.DataFrame) -> None:
    bens = frames["beneficiaries"].set_index("id")["community_id"]
    live = df[df["active"] & _mine(df["beneficiary_id"].map(bens))]
    if live.empty:
        st.info(tr("pair.visit.none"), icon=":material/inbox:")
        return
    shown = {r["id"]: r for r in _shown(live).to_dict("records")}
    labels = {
        pid: tr(
            "pair.visit.pair.label",
            volunteer=_pairer(r),
            beneficiary=r["beneficiary"],
            community=r["community"],
        )
        for pid, r in shown.items()
    }
    gen = st.session_state.get("pair.visit.gen", 0)
    pid = st.selectbox(
        tr("pair.visit.pair"), list(labels), format_func=labels.get, key=f"pair.visit.{gen}.pair"
    )
    c = st.columns(2)
    day = c[0].date_input(
        tr("pair.visit.date"), today, max_value=today, key=f"pair.visit.{gen}.date"
    )
    served = c[1].number_input(
        tr("pair.visit.hours"), 0.5, 24.0, 1.0, step=0.5, key=f"pair.visit.{gen}.hours"
    )
    pair = frames["pairings"].set_index("id").loc[pid]
    went: list[str] | None = None
    names = titles(dict(frames), "volunteers")
    if pd.notna(pair["team_id"]):
        members = pairings.team_members_on(frames, pair["team_id"], day)
        contact = [pair["volunteer_id"]] if pd.notna(pair["volunteer_id"]) else []
        options = list(dict.fromkeys(contact + sorted(members, key=lambda v: names.get(v, v))))
        went = st.multiselect(
            tr("pair.visit.members"),
            options,
            default=[v for v in contact if v in options],
            format_func=lambda v: names.get(v, v),
            placeholder=tr("pair.visit.members.placeholder"),
            key=f"pair.visit.{gen}.{pid}.members",
        )
        if not options:
            st.caption(tr("pair.visit.members.none", team=md(shown[pid]["team"])))
    content = st.text_input(tr("pair.visit.content"), key=f"pair.visit.{gen}.content")
    if st.button(tr("pair.visit.submit"), type="primary", key="pair.visit.go"):
        saved = form_attempt(
            lambda: pairings.record_visit(store, actor, pid, day, float(served), content, went)
        )
        if saved is not None:
            after_write()
            st.session_state["pair.visit.gen"] = gen + 1
            flash(
                tr(
                    "pair.visit.done",
                    volunteer=md("、".join(names.get(r["volunteer_id"], "") for r in saved)),
                    beneficiary=md(shown[pid]["beneficiary"]),
                    date=i18n.fmt_date(day, lg),
                    hours=i18n.fmt_number(served, lg),
                )
            )
            st.rerun()


def beneficiaries_tab() -> None:
    df = pairings.beneficiaries(frames, actor, lg)
    st.caption(tr("pair.ben.masked"))
    if df.empty:
        st.info(tr("pair.ben.none"), icon=":material/inbox:")
    else:
        table_view(
            df,
            {
                "name": tr("pair.ben.col.name"),
                "kind": tr("pair.ben.col.kind"),
                "community": tr("pair.col.community"),
                "phone": tr("pair.ben.col.phone"),
                "address": tr("pair.ben.col.address"),
                "needs": tr("pair.ben.col.needs"),
                "pairings": st.column_config.NumberColumn(tr("pair.ben.col.pairings"), format="%d"),
            },
            key="pair.ben.table",
        )
    _add_form("beneficiaries", "pair.ben.add", "pair.ben.added")
    b = frames["beneficiaries"]
    b = b[_mine(b["community_id"])]
    _edit_form(
        "beneficiaries",
        dict(zip(b["id"], b["name"].astype(str), strict=True)),
        "pair.ben.edit",
        "pair.ben.edited",
    )


st.title(tr("pair.title"))
if is_empty(frames) and first_run(store):
    st.stop()
st.caption(tr("pair.intro"))
everything = pairings.status(frames, today, lg)
# A read-only account (the leaders) gets no tab it could not use.
names = ["behind", "all", "visit", "beneficiaries"] if auth.can(actor, "write") else [
    "behind", "all", "beneficiaries"
]  # fmt: skip
tabs = dict(zip(names, st.tabs([tr(f"pair.tab.{n}") for n in names]), strict=True))
with tabs["behind"]:
    behind_tab()
with tabs["all"]:
    all_tab(everything)
if "visit" in tabs:
    with tabs["visit"]:
        visit_tab(everything)
with tabs["beneficiaries"]:
    beneficiaries_tab()
