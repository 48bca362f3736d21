"""数据总览: what is in the store, table by table; on an empty store, the first-run screen."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore.schema import TABLES
from sltcore.ui import get_store, lang, tables, tr
from sltcore.ui.shell import first_run

st.title(tr("nav.home"))
store = get_store()
if not first_run(store):
    frames = tables()
    counts = pd.DataFrame(
        [
            {tr("home.table"): t.label(lang()), tr("home.rows"): len(frames[t.key])}
            for t in TABLES
            if t.key in frames
        ]
    )
    st.subheader(tr("home.counts"))
    # Every table's whole name and every row at once (no inner scrolling), counts with
    # thousands separators in the reader's locale.
    st.dataframe(
        counts,
        hide_index=True,
        width="content",
        height="content",
        column_config={
            tr("home.table"): st.column_config.TextColumn(width="medium"),
            tr("home.rows"): st.column_config.NumberColumn(format="localized"),
        },
    )
