"""基础资料 Reference tables, driven by the schema: list, search, add, edit, archive, restore.

Nothing here names a field: columns and form inputs come from `schema.py`, so a field added
there appears on this page with no change to it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n
from sltcore.codec import row_from_frame
from sltcore.refs import display_frame
from sltcore.schema import REFERENCE_TABLES, table
from sltcore.services import rows
from sltcore.ui import after_write, attempt, current_actor, get_store, lang, masked, tr
from sltcore.ui.forms import lang_key, record_form
from sltcore.ui.kit import (
    csv_button,
    flash,
    form_attempt,
    load_frames,
    open_edit,
    show_flashes,
)
from sltcore.ui.text import md

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
show_flashes()

st.title(tr("tables.title"))
st.caption(tr("tables.intro"))
asked = (st.query_params.get("table"), st.query_params.get("row"))  # ?table=&row= (数据体检)
if asked[0] in REFERENCE_TABLES and st.session_state.get("tables.asked") != asked:
    st.session_state["tables.asked"] = asked
    st.session_state[lang_key("tables.which", lg)] = asked[0]
    st.session_state["tables.open_row"] = asked[1]
key = st.radio(
    tr("tables.table"),
    list(REFERENCE_TABLES),
    format_func=lambda k: table(k).label(lg),
    horizontal=True,
    key=lang_key("tables.which", lg),
)
t = table(key)
df = frames[key]
open_row = st.session_state.pop("tables.open_row", None)
if open_row and open_row in set(df["id"]):
    st.session_state[f"tables.pick.{key}"] = open_row


def _title(row: dict) -> str:
    """What the row is called, as Markdown that shows it as typed."""
    return md(row.get(t.title_field) or row.get("id"))


def _search(df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any shown column contains `text` (labels, so a community's name matches)."""
    if not text.strip():
        return df
    shown = display_frame(frames, key, masked(df, t), lg).astype("string").fillna("")
    hit = shown.apply(lambda col: col.str.contains(text.strip(), regex=False, case=False)).any(
        axis=1
    )
    return df[hit]


text = st.text_input(
    tr("tables.search"), placeholder=tr("tables.search.placeholder"), key=f"tables.q.{key}"
)
found = _search(df, text)
st.caption(tr("tables.count", count=i18n.fmt_number(len(found), lg, 0)))
if found.empty:
    st.info(tr("tables.none"), icon=":material/info:")
else:
    shown = display_frame(frames, key, masked(found, t), lg)
    numbers = {  # populations and other numbers with thousands separators (9,800)
        f.label(lg): st.column_config.NumberColumn(format="localized")
        for f in t.user_fields
        if f.type in ("int", "number")
    }
    st.dataframe(shown, hide_index=True, width="stretch", placeholder="", column_config=numbers)
    csv_button(shown, f"{key}-{clock.today():%Y%m%d}", key=f"tables.csv.{key}")

if not auth.can(actor, "reference"):  # coordinators and leaders read these tables only
    st.stop()
gen = st.session_state.get("tables.gen", 0)
with st.expander(tr("tables.add", table=t.label(lg)), icon=":material/add:", expanded=df.empty):
    values = record_form(
        t,
        form_key=f"tables.add.{key}.{gen}",
        lang=lg,
        frames=frames,
        submit_label=tr("tables.add", table=t.label(lg)),
    )
    if values is not None:
        added = form_attempt(lambda: rows.create(store, key, values, actor))
        if added:
            after_write()
            st.session_state["tables.gen"] = gen + 1
            flash(tr("tables.added", title=_title(added)))
            st.rerun()

if not df.empty:
    with st.expander(tr("tables.edit"), icon=":material/edit:", expanded=bool(open_row)):
        titles = {r["id"]: _title(r) for r in df.to_dict("records")}
        chosen = st.selectbox(
            tr("tables.pick"),
            list(titles),
            format_func=titles.get,
            index=None,
            placeholder=tr("forms.choose"),
            key=f"tables.pick.{key}",
        )
        if chosen:
            row = row_from_frame(t, df[df["id"] == chosen].iloc[0].to_dict())
            edit = open_edit(f"tables.edit.{chosen}", t, row)
            values = record_form(t, form_key=edit.key, lang=lg, frames=frames, values=edit.shown)
            if values is not None:
                saved = form_attempt(
                    lambda: rows.edit(store, key, chosen, values, edit.seen, actor)
                )
                if saved is not None:
                    after_write()
                    edit.redraw()
                    flash(tr("tables.updated", title=_title(saved)))
                    st.rerun()
            edit.notice()
            st.caption(tr("tables.archive.help"))
            if st.button(
                tr("tables.archive"), icon=":material/archive:", key=f"tables.archive.{chosen}"
            ):
                done = attempt(lambda: rows.archive(store, key, chosen, row["version"], actor))
                if done is not None:
                    after_write()
                    flash(tr("tables.archived", title=_title(row)), icon=":material/archive:")
                    st.rerun()

if st.toggle(tr("tables.show_archived"), key=f"tables.archived.{key}"):
    every = attempt(lambda: store.read(key, include_archived=True))
    gone = every[every["archived"]] if every is not None else pd.DataFrame()
    if gone.empty:
        st.caption(tr("tables.archived.none"))
    for r in gone.to_dict("records"):
        a, b = st.columns([4, 1])
        a.write(_title(r))
        if b.button(tr("tables.restore"), key=f"tables.restore.{r['id']}"):
            done = attempt(lambda r=r: rows.restore(store, key, r["id"], int(r["version"]), actor))
            if done is not None:
                after_write()
                flash(tr("tables.restored", title=_title(r)), icon=":material/restore:")
                st.rerun()
