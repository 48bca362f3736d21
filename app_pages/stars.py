"""星级志愿者: cumulative hours and star level of every volunteer, with the three lists leaders
ask about (reached a level this period, close to the next one, under 20 hours this year).

Stars by cumulative hours (《中国注册志愿者管理办法》第十六条); 20 hours a year (第十一条).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore import i18n
from sltcore.exports import report
from sltcore.schema import MEMBERSHIP, Field
from sltcore.services import analytics, stars
from sltcore.store import Store
from sltcore.ui import attempt, charts, filters, lang, tr

CACHE_TTL_SECONDS = filters.CACHE_TTL_SECONDS
_MEMBERSHIP = Field("membership", "", "", "choice", choices=MEMBERSHIP)
SHOWN = (
    "name",
    "community",
    "membership",
    "hours_total",
    "stars",
    "hours_to_next",
    "hours_period",
    "hours_year",
)


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=32, show_spinner=False)
def _star_list(
    _store: Store,
    key: str,
    revision: str,
    period_key: str,
    _period: analytics.Period,
    communities: tuple[str, ...],
) -> pd.DataFrame:
    return analytics.star_list(filters.prepared(_store, key, revision), _period, list(communities))


def _table(df: pd.DataFrame, language: str, key: str) -> None:
    if df.empty:
        st.info(tr("stars.empty"), icon=":material/inbox:")
        return
    view = df.assign(
        membership=[_MEMBERSHIP.choice_label(m, language) for m in df["membership"]],
        stars=[stars.stars_text(int(n)) for n in df["level"]],
    )[list(SHOWN)]
    hours = {"format": "%.1f"}
    st.dataframe(
        view,
        hide_index=True,
        key=key,
        column_config={
            "name": st.column_config.TextColumn(tr("stars.col.name")),
            "community": st.column_config.TextColumn(tr("stars.col.community")),
            "membership": st.column_config.TextColumn(tr("stars.col.membership")),
            "hours_total": st.column_config.NumberColumn(tr("stars.col.hours_total"), **hours),
            "stars": st.column_config.TextColumn(tr("stars.col.level")),
            "hours_to_next": st.column_config.NumberColumn(tr("stars.col.hours_to_next"), **hours),
            "hours_period": st.column_config.NumberColumn(tr("stars.col.hours_period"), **hours),
            "hours_year": st.column_config.NumberColumn(tr("stars.col.hours_year"), **hours),
        },
    )


def main() -> None:
    language = lang()
    store, key, revision, options, today = filters.open_leaders_page("stars.title", "stars.intro")
    period, chosen = filters.period_filter(options, today, "this_year", "stars")
    df = attempt(
        lambda: _star_list(store, key, revision, period.key, period, tuple(sorted(chosen)))
    )
    if df is None:
        st.stop()
    dates = tr("dash.range_join").join(
        tr("dash.range_text", start=i18n.fmt_date(s, language), end=i18n.fmt_date(e, language))
        for s, e in period.ranges
    )
    st.caption(f"{tr('reports.stars.period')}：{dates}")
    waiting = df[df["hours_unconfirmed"] > 0]
    if not waiting.empty:
        st.caption(
            tr(
                "stars.unconfirmed",
                people=len(waiting),
                hours=i18n.fmt_hours(float(waiting["hours_unconfirmed"].sum()), language),
            )
        )

    counts = df["level"].value_counts()
    for col, level in zip(st.columns(5), range(1, 6), strict=True):
        col.metric(
            charts.level_label(level, language),
            i18n.fmt_number(int(counts.get(level, 0)), language),
        )

    crossed, near, below = df[df["crossed"]], df[df["near_next"]], df[df["below_minimum"]]
    tabs = st.tabs(
        [
            tr("stars.tab.all", n=len(df)),
            tr("stars.tab.crossed", n=len(crossed)),
            tr("stars.tab.near", n=len(near)),
            tr("stars.tab.below", n=len(below)),
        ]
    )
    with tabs[0]:
        _table(df, language, "stars_all")
    with tabs[1]:
        st.caption(tr("stars.help.crossed"))
        _table(crossed, language, "stars_crossed")
    with tabs[2]:
        st.caption(tr("stars.help.near"))
        _table(near, language, "stars_near")
    with tabs[3]:
        st.caption(tr("stars.help.below", year=period.end.year))
        _table(below, language, "stars_below")

    st.subheader(tr("stars.export"))
    st.caption(tr("stars.export.help"))
    stem = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    title = f"{tr('stars.title')}（{dates}）"
    n_starred = i18n.fmt_number(len(report.starred(df)), language, 0)
    left, right = st.columns(2)
    left.download_button(
        tr("stars.export.xlsx", n=n_starred),
        data=lambda: report.star_list_xlsx(df, language, title),
        file_name=f"star-volunteers-{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="stars_xlsx",
    )
    right.download_button(
        tr("stars.export.csv", n=n_starred),
        data=lambda: report.star_list_csv(df, language),
        file_name=f"star-volunteers-{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="stars_csv",
    )
    st.subheader(tr("stars.hours.export"))
    st.caption(tr("stars.hours.help"))
    n_all = i18n.fmt_number(len(df), language, 0)
    hours_title = f"{tr('stars.hours.title')}（{dates}）"
    left, right = st.columns(2)
    left.download_button(
        tr("stars.hours.xlsx", n=n_all),
        data=lambda: report.hours_list_xlsx(df, language, hours_title),
        file_name=f"volunteer-hours-{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="hours_xlsx",
    )
    right.download_button(
        tr("stars.hours.csv", n=n_all),
        data=lambda: report.hours_list_csv(df, language),
        file_name=f"volunteer-hours-{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="hours_csv",
    )


main()
