"""概览: the leaders' dashboard and the app's default page.

Key figures against the previous period and nine charts, for a period and some communities.
The store is read and joined once per data revision (`filters.prepared`, shared, not copied); the
small aggregates are cached per revision and filters (`_aggregates`), so a rerun with cached
filters costs the same at 1,000 or 100,000 service records.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from sltcore import i18n
from sltcore.services import analytics, organisations, pairings, rosters, timebank
from sltcore.store import Store
from sltcore.ui import attempt, charts, filters, lang, tr
from sltcore.ui.text import md

CACHE_TTL_SECONDS = filters.CACHE_TTL_SECONDS
LAYOUT = (
    ("by_community", "per_1000"),
    ("monthly",),
    ("category", "programme"),
    ("active_share", "stars"),
    ("top", "registrations"),
)
EMPTY_TEXT = {
    "per_1000": "dash.empty.population",
    "stars": "dash.empty.stars",
    "registrations": "dash.empty.registrations",
    "active_share": "dash.empty.volunteers",
}


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _aggregates(
    _store: Store,
    key: str,
    revision: str,
    period_key: str,
    _period: analytics.Period,
    communities: tuple[str, ...],
) -> dict[str, pd.DataFrame]:
    return analytics.dashboard(filters.prepared(_store, key, revision), _period, list(communities))


def _dates(period: analytics.Period, language: str) -> str:
    join = tr("dash.range_join")
    return join.join(
        tr("dash.range_text", start=i18n.fmt_date(s, language), end=i18n.fmt_date(e, language))
        for s, e in period.ranges
    )


def _number(value: float, digits: int, language: str) -> str:
    return "—" if value is None or math.isnan(value) else i18n.fmt_number(value, language, digits)


def _figures(df: pd.DataFrame, language: str) -> None:
    """Six st.metric cards; the delta is the change in per cent (absolute when the previous
    period had none), the previous value is in the help tooltip. The cards sit in a wrapping
    row: six abreast on an office screen, two abreast on a phone (not one card a row)."""
    cards = st.container(horizontal=True, gap="small", key="dash_figures")
    for row in df.itertuples(index=False):
        digits = 1 if row.figure in ("hours", "hours_per_active") else 0
        value = _number(row.value, digits, language)
        delta: str | int | None = None
        if not math.isnan(row.change):
            sign = "-" if row.change < 0 else "+"
            if row.change == 0:
                delta = 0
            elif not math.isnan(row.change_pct):
                delta = f"{sign}{abs(row.change_pct):.1%}"
            else:
                delta = f"{sign}{_number(abs(row.change), digits, language)}"
        help_text = (
            tr(f"dash.fig.{row.figure}.help")
            + "\n\n"
            + tr("dash.metric.previous", value=_number(row.previous, digits, language))
        )
        cards.metric(
            tr(f"dash.metric.{row.figure}"),
            value,
            delta=delta,
            help=help_text,
            border=True,
            width="stretch",
        )


def _chart(name: str, df: pd.DataFrame, language: str) -> None:
    caption = tr(f"dash.chart.{name}.caption")
    if name == "stars":
        below = int(df.loc[df["level"] == 0, "volunteers"].sum())
        caption = tr("dash.chart.stars.caption", below=i18n.fmt_number(below, language, 0))
    if charts.is_empty(name, df):
        st.markdown(f"**{tr(f'dash.chart.{name}')}**")
        st.info(tr(EMPTY_TEXT.get(name, "dash.empty.chart")), icon=":material/inbox:")
    else:
        st.altair_chart(charts.build(name, df, language), alt=caption)
    st.caption(caption)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def _programmes(_store: Store, key: str, revision: str, today: object) -> dict:
    """The programmes' figures, once per data revision (they follow no period filter)."""
    frames = filters.frames(_store, key, revision)
    return {
        "points": timebank.monthly(frames).tail(12),
        "visits": pairings.visits_against_agreed(frames, today),
        "roster": rosters.period_coverage(frames, today),
        "donations": organisations.by_year(frames),
    }


def _programmes_section(store: Store, key: str, revision: str, today: object) -> None:
    """Time bank, pairings, duty roster and donations: what the office's own programmes do."""
    data = attempt(lambda: _programmes(store, key, revision, today))
    if data is None:
        return
    st.subheader(tr("dashp.title"))
    v, r = data["visits"], data["roster"]
    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(f"{tr('dashp.visits')}\n\n### " + tr(
            "dashp.visits.value", done=v["last_visits"], agreed=v["last_agreed"]
        ))  # fmt: skip
        st.caption(
            tr("dashp.visits.help", this=v["this_visits"], this_agreed=v["this_agreed"],
               behind=v["behind"])
        )  # fmt: skip
    with right, st.container(border=True):
        if r is None:
            st.markdown(f"{tr('dashp.roster')}\n\n### —")
            st.caption(tr("dashp.roster.none"))
        else:
            value = tr("dashp.roster.value", filled=r["filled"], needed=r["needed"])
            st.markdown(f"{tr('dashp.roster')}\n\n### {value}")
            st.caption(tr("dashp.roster.help", name=md(r["name"]), short=r["short"]))
    a, b = st.columns(2)
    with a, st.container(border=True):
        st.markdown(f"**{tr('dashp.points')}**")
        pts = data["points"]
        if pts.empty:
            st.info(tr("dashp.points.none"), icon=":material/info:")
        else:
            st.altair_chart(charts.points_chart(pts, lang()))
    with b, st.container(border=True):
        st.markdown(f"**{tr('dashp.donations')}**")
        don = data["donations"]
        if don.empty:
            st.info(tr("dashp.donations.none"), icon=":material/info:")
        else:
            st.altair_chart(charts.donations_chart(don, lang()))


def main() -> None:
    language = lang()
    store, key, revision, options, today = filters.open_leaders_page("dash.title", "dash.intro")
    period, chosen = filters.period_filter(options, today, analytics.DEFAULT_PERIOD, "dash")
    data = attempt(
        lambda: _aggregates(store, key, revision, period.key, period, tuple(sorted(chosen)))
    )
    if data is None:
        st.stop()
    st.markdown(
        tr(
            "dash.showing",
            what=tr(f"dash.compare.{period.kind}.this", days=period.days),
            period=_dates(period, language),
            before=tr(f"dash.compare.{period.kind}.before", days=period.days),
            previous=_dates(period.previous(), language),
        )
    )
    _figures(data["figures"], language)
    waiting = data["unconfirmed"].iloc[0]
    if waiting["records"]:
        st.caption(
            tr(
                "dash.unconfirmed",
                hours=i18n.fmt_hours(float(waiting["hours"]), language),
                count=int(waiting["records"]),
            )
        )
    if charts.is_empty("by_community", data["by_community"]):
        st.info(tr("dash.empty.period"), icon=":material/inbox:")
    for row in LAYOUT:
        for col, name in zip(st.columns(len(row)), row, strict=True):
            with col, st.container(border=True):
                _chart(name, data[name], language)
    _programmes_section(store, key, revision, today)


main()
