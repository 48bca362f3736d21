"""操作日志 Audit log (administrators): who changed what and when, with the values before and
after, filtered by person, table, record and date. Personal numbers appear masked."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from sltcore import auth, clock, config, i18n
from sltcore.schema import AUDIT_TABLE, TABLES, table
from sltcore.services import history
from sltcore.store import Store
from sltcore.ui import attempt, current_actor, get_store, lang, tr
from sltcore.ui.kit import load_frames, query_id, table_view

SHOWN_MAX = 2000

actor = current_actor()
lg = lang()
st.title(tr("audit.title"))
if not auth.can(actor, "audit"):
    st.error(tr("audit.denied"), icon=":material/lock:")
    st.stop()
st.caption(tr("audit.intro"))
store = get_store()
frames = load_frames()


@st.cache_data(ttl=300, max_entries=2, show_spinner=False)
def _log(_store: Store, key: str, revision: str) -> pd.DataFrame:
    return history.audit_log(_store, actor)


log = attempt(lambda: _log(store, config.fingerprint(), store.revision()))
if log is None:
    st.stop()
today = clock.today()
c = st.columns([1, 1, 2, 2])
people = history.people(log)
with c[0]:
    person = st.selectbox(
        tr("audit.person"),
        ["", *people],
        format_func=lambda p: tr("common.all") if p == "" else p,
        key="audit.person",
    )
tables_shown = [t.key for t in TABLES if t.key != AUDIT_TABLE]
with c[1]:
    table_key = st.selectbox(
        tr("audit.table"),
        ["", *tables_shown],
        format_func=lambda k: tr("common.all") if k == "" else table(k).label(lg),
        key=f"audit.table.{lg}",
    )
record = c[2].text_input(
    tr("audit.record"),
    value=query_id("row") or "",
    placeholder=tr("audit.record.placeholder"),
    key="audit.record",
)
first = log["at"].min().date() if not log.empty else today
period = c[3].date_input(
    tr("audit.period"),
    value=(max(first, today - dt.timedelta(days=30)), today),
    format="YYYY-MM-DD",
    key="audit.period",
)
start = period[0] if len(period) > 0 else None
end = period[1] if len(period) > 1 else start

found = history.filter_log(log, person or None, table_key or None, None, start, end)
text = record.strip()
if text:  # an id, or part of the name the 记录 column shows
    named = found["row_id"].map(history.record_titles(frames, found)).fillna("")
    found = found[(found["row_id"] == text) | named.str.contains(text, regex=False)]
rows = history.changes(found.tail(SHOWN_MAX), lg, frames)
st.caption(
    tr("audit.count", count=i18n.fmt_number(len(found), lg, 0))
    + (tr("audit.limited", shown=SHOWN_MAX) if len(found) > SHOWN_MAX else "")
)
if rows.empty:
    st.info(tr("audit.none"), icon=":material/info:")
else:
    table_view(
        rows,
        {
            "at": st.column_config.DatetimeColumn(tr("audit.col.at"), format="YYYY-MM-DD HH:mm"),
            "actor": tr("audit.col.actor"),
            "action": tr("audit.col.action"),
            "table": tr("audit.col.table"),
            "record": tr("audit.col.record"),
            "field": tr("audit.col.field"),
            "before": tr("audit.col.before"),
            "after": tr("audit.col.after"),
            "row_id": tr("audit.col.row_id"),
        },
        download=f"audit-{today:%Y%m%d}",
        key="audit.table_view",
    )
