"""捐赠 Organisations and donations: by organisation (with the volunteers they send), by year,
the care alliance's roster, and recording a donation. Rules: `sltcore.services.organisations`."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from sltcore.schema import table
from sltcore.services import organisations, rows
from sltcore.ui import after_write, current_actor, get_store, lang, tr
from sltcore.ui.forms import record_form
from sltcore.ui.kit import flash, form_attempt, is_empty, load_frames, show_flashes, table_view
from sltcore.ui.shell import first_run

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
show_flashes()


def _yuan(*keys: str) -> dict[str, Any]:
    return {k: st.column_config.NumberColumn(tr(f"don.col.{k}"), format="%.2f") for k in keys}


def orgs_tab() -> None:
    df = organisations.by_organisation(frames, lg)
    if df.empty:
        st.info(tr("don.orgs.none"), icon=":material/inbox:")
    else:
        cols: dict[str, Any] = {
            "name": tr("don.col.name"),
            "kind": tr("don.col.kind"),
            "community": tr("don.col.community"),
            "alliance": st.column_config.CheckboxColumn(tr("don.col.alliance")),
            "volunteers": st.column_config.NumberColumn(tr("don.col.volunteers"), format="%d"),
            "donations": st.column_config.NumberColumn(tr("don.col.donations"), format="%d"),
        }
        cols.update(_yuan("cash", "in_kind", "total"))
        table_view(df, cols, download="organisations", key="don.orgs")
        sent_section(df)
    if actor.role != "admin":
        return
    with st.expander(tr("don.org.add"), icon=":material/add:", expanded=df.empty):
        gen = st.session_state.get("don.org.gen", 0)
        values = record_form(
            table("organisations"), form_key=f"don.org.{gen}", lang=lg, frames=frames
        )
        if values is not None and form_attempt(
            lambda: rows.create(store, "organisations", values, actor)
        ):
            after_write()
            st.session_state["don.org.gen"] = gen + 1
            flash(tr("don.org.added"))
            st.rerun()


def sent_section(orgs: pd.DataFrame) -> None:
    """The volunteers one organisation sends, by name."""
    sending = orgs[orgs["volunteers"] > 0]
    st.subheader(tr("don.sent.title"))
    if sending.empty:
        st.caption(tr("don.sent.none"))
        return
    labels = {
        r["id"]: tr("don.sent.label", name=r["name"], count=r["volunteers"])
        for r in sending.to_dict("records")
    }
    org = st.selectbox(tr("don.sent.pick"), list(labels), format_func=labels.get, key="don.sent")
    table_view(
        organisations.sent_by(frames, org, lg),
        {
            "name": tr("don.sent.col.name"),
            "community": tr("don.col.community"),
            "status": tr("don.sent.col.status"),
            "hours": st.column_config.NumberColumn(tr("don.sent.col.hours"), format="%.1f"),
            "last_service": st.column_config.DateColumn(
                tr("don.sent.col.last"), format="YYYY-MM-DD"
            ),
        },
        download="volunteers-sent",
        key="don.sent.table",
    )


def years_tab() -> None:
    df = organisations.by_year(frames)
    if df.empty:
        st.info(tr("don.years.none"), icon=":material/inbox:")
        return
    cols: dict[str, Any] = {
        "year": st.column_config.NumberColumn(tr("don.col.year"), format="%d"),
        "donations": st.column_config.NumberColumn(tr("don.col.donations"), format="%d"),
    }
    cols.update(_yuan("cash", "in_kind", "total"))
    table_view(df, cols, download="donations-by-year", key="don.years")


def alliance_tab() -> None:
    df = organisations.alliance(frames, lg)
    if df.empty:
        st.info(tr("don.alliance.none"), icon=":material/inbox:")
        return
    st.caption(tr("don.alliance.count", count=len(df)))
    cols: dict[str, Any] = {
        "name": tr("don.col.name"),
        "kind": tr("don.col.kind"),
        "community": tr("don.col.community"),
        "since": st.column_config.DateColumn(tr("don.col.since"), format="YYYY-MM-DD"),
        "contact": tr("don.col.contact"),
        "volunteers": st.column_config.NumberColumn(tr("don.col.volunteers"), format="%d"),
    }
    cols.update(_yuan("total"))
    table_view(df, cols, download="care-alliance", key="don.alliance")


def record_tab() -> None:
    if actor.role != "admin":  # donations belong to no community: the office records them
        st.info(tr("don.readonly"), icon=":material/lock:")
        return
    gen = st.session_state.get("don.gen", 0)
    values = record_form(
        table("donations"), form_key=f"don.add.{gen}", lang=lg, frames=frames,
        submit_label=tr("don.save"),
    )  # fmt: skip
    if values is not None and form_attempt(lambda: organisations.record(store, actor, values)):
        after_write()
        st.session_state["don.gen"] = gen + 1
        flash(tr("don.saved"))
        st.rerun()


st.title(tr("don.title"))
if is_empty(frames) and first_run(store):
    st.stop()
st.caption(tr("don.intro"))
names = ["orgs", "years", "alliance", "record"]
tabs = dict(zip(names, st.tabs([tr(f"don.tab.{n}") for n in names]), strict=True))
with tabs["orgs"]:
    orgs_tab()
with tabs["years"]:
    years_tab()
with tabs["alliance"]:
    alliance_tab()
with tabs["record"]:
    record_tab()
