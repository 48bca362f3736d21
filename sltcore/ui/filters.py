"""What the leaders' pages share: the joined data per revision, and the period filter.

The store is read and joined once per data revision (`prepared`, shared by every session and
never mutated), so a rerun with cached filters costs the same at 1,000 or 100,000 records.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from sltcore import clock, config
from sltcore.services import analytics
from sltcore.store import Store
from sltcore.ui import attempt, get_store, tr
from sltcore.ui.shell import first_run

CACHE_TTL_SECONDS = 600


def store_key(store: Store) -> str:
    return store.backend + "|" + config.fingerprint()


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=2, show_spinner=False)
def frames(_store: Store, key: str, revision: str) -> dict[str, pd.DataFrame]:
    """All tables, read once per data revision and shared, never copied or mutated: at 100k
    records a copy per rerun would cost a second. Reports build their files from these."""
    return _store.read_all()


@st.cache_resource(ttl=CACHE_TTL_SECONDS, max_entries=2, show_spinner=False)
def prepared(_store: Store, key: str, revision: str) -> analytics.Prepared:
    """The join every dashboard aggregate needs, once per data revision (never mutated)."""
    return analytics.prepare(frames(_store, key, revision))


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def options(_store: Store, key: str, revision: str, today: dt.date) -> dict:
    p = prepared(_store, key, revision)
    return {
        "communities": analytics.community_options(p),
        "years": analytics.data_years(p, today),
        "empty": p.empty and p.communities.empty,
    }


def period_filter(
    opts: dict, today: dt.date, default: str, prefix: str
) -> tuple[analytics.Period, list[str]]:
    """Period buttons, then communities and the period's detail (year or date range)."""
    # The period buttons get a row of their own so they never clip, whatever the page width.
    kind = st.segmented_control(
        tr("dash.period"),
        analytics.PERIOD_KINDS,
        format_func=lambda k: tr(f"dash.period.{k}"),
        help=tr("dash.period.help"),
        default=default,
        required=True,
        key=f"{prefix}_period",
    )
    kind = kind or default
    right, middle = st.columns([3, 2], vertical_alignment="bottom")  # communities, then detail
    year = start = end = None
    if kind == "service_months":
        year = middle.selectbox(tr("dash.year"), opts["years"], key=f"{prefix}_year")
    elif kind == "custom":
        picked = middle.date_input(
            tr("dash.range"),
            value=(today.replace(day=1), today),
            max_value=today,
            format="YYYY-MM-DD",
            key=f"{prefix}_range",
        )
        picked = tuple(picked) if isinstance(picked, list | tuple) else (picked,)
        start = picked[0] if picked else None
        end = picked[1] if len(picked) > 1 else start
    names = dict(opts["communities"])
    chosen = right.multiselect(
        tr("dash.communities"),
        list(names),
        format_func=lambda cid: names.get(cid, cid),
        placeholder=tr("dash.communities.all"),
        key=f"{prefix}_communities",
    )
    return analytics.make_period(kind, today, start, end, year), chosen


def open_leaders_page(title_key: str, intro_key: str) -> tuple[Store, str, str, dict, dt.date]:
    """Title, intro and the cached options of a leaders' page; the first-run screen on an
    empty store, and a message instead of a trace when the backend is unreachable."""
    store = get_store()
    today = clock.today()
    key = store_key(store)
    revision = attempt(store.revision)
    opts = None if revision is None else attempt(lambda: options(store, key, revision, today))
    if opts is None:
        st.stop()
    st.title(tr(title_key))  # also above the first-run screen: every page says where one is
    if opts["empty"] and first_run(store):
        st.stop()
    st.caption(tr(intro_key))
    return store, key, revision, opts, today
