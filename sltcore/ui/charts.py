"""Altair charts of the dashboard, built only from the small frames of `sltcore.services.analytics`.

Each community keeps one colour in every chart (a leader learns "orange is 幸福二村" once);
charts that are not about communities use neutral colours so they are never mistaken for one.
Titles, axes and tooltips come from the text catalog, Chinese first. A chart's data is the
aggregated frame cut to the columns it draws: at most a few hundred rows, whatever the number
of service records.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import altair as alt
import pandas as pd

from sltcore import i18n
from sltcore.schema import CATEGORY, COMMUNITY_NAMES, PROGRAMME_KIND, Field
from sltcore.services import analytics

MAX_ROWS = 1000
# Tableau 10, readable on white and distinct for common colour-vision deficiencies.
COMMUNITY_COLOURS: dict[str, str] = dict(
    zip(
        COMMUNITY_NAMES,
        ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b07aa1", "#d4a72c"),
        strict=True,
    )
)
EXTRA_COLOURS = ("#9c755f", "#8c8c8c", "#ff9da7", "#5f6b7a")  # communities added later
NEUTRAL = "#5f7f99"  # charts not about communities
STAR = "#e0a100"
HEIGHT = 240  # plot area of vertical-bar charts; axes and legend come on top of it
# Legend columns by the plot's own width (px): a phone (390 px) gets three, a half-width chart
# on an office screen four, a full-width one all seven communities in one row.
LEGEND_STEPS = ((320, 3), (500, 4))
ROW_HEIGHT = 26  # per bar of a horizontal-bar chart, so every label stays readable
# Width follows the page, height is the plot area's own (Streamlit's default "fit" would
# squeeze the plot to make room for axes and legends).
AUTOSIZE = alt.AutoSizeParams(type="fit-x", contains="padding")

_CATEGORY_FIELD = Field("category", "服务类别", "Service category", "choice", choices=CATEGORY)
_KIND_FIELD = Field("kind", "类型", "Kind", "choice", choices=PROGRAMME_KIND)


def community_colour(name: str, others: Sequence[str] = ()) -> str:
    """The fixed colour of a community; communities beyond the seven share a small palette."""
    if name in COMMUNITY_COLOURS:
        return COMMUNITY_COLOURS[name]
    extras = sorted(n for n in others if n not in COMMUNITY_COLOURS)
    index = extras.index(name) if name in extras else len(extras)
    return EXTRA_COLOURS[index % len(EXTRA_COLOURS)]


def community_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale over the communities present, each in its fixed colour and order."""
    present = list(dict.fromkeys(n for n in names if isinstance(n, str)))
    order = {n: i for i, n in enumerate(COMMUNITY_NAMES)}
    present.sort(key=lambda n: (order.get(n, len(order)), n))
    return alt.Scale(domain=present, range=[community_colour(n, present) for n in present])


def _t(key: str, lang: str, **kw: object) -> str:
    return i18n.t(key, lang, **kw)


def level_label(level: int, lang: str = "zh") -> str:
    """一星 … 五星 (1 star … 5 stars)."""
    if level == 1:
        return _t("dash.level.1", lang)
    return _t("dash.level", lang, n="零一二三四五"[level] if lang == "zh" else level)


def _base(df: pd.DataFrame, title: str) -> alt.Chart:
    if len(df) > MAX_ROWS:  # a programming error: charts take aggregates, never raw records
        raise ValueError(f"chart data has {len(df)} rows; aggregate first")
    return alt.Chart(
        df.reset_index(drop=True), title=alt.Title(title, anchor="start"), autosize=AUTOSIZE
    )


def _rows_height(n: int) -> int:
    return max(3, n) * ROW_HEIGHT


def legend_columns(wide: int) -> alt.ExprRef:
    """Legend columns that fit the chart's own width (`LEGEND_STEPS`, at most `wide`), so
    every community is listed whatever the screen."""
    expr = str(wide)
    for below, columns in reversed(LEGEND_STEPS):
        if columns < wide:
            expr = f"width < {below} ? {columns} : {expr}"
    return alt.ExprRef(expr=expr)


def _community_colour(df: pd.DataFrame, lang: str, columns: int = 4) -> alt.Color:
    return alt.Color(
        "community:N",
        scale=community_scale(df["community"].tolist()),
        legend=alt.Legend(
            title=None,
            orient="bottom",
            columns=legend_columns(columns),
            symbolType="square",
            labelLimit=0,
        ),
    )


def _count_axis(title: str) -> alt.Axis:
    """An axis of people or records: whole-number ticks only (never "0.5 人")."""
    return alt.Axis(title=title, tickMinStep=1, format="d")


def _community_axis() -> alt.Axis:
    """Community names on the vertical axis, one bar's height each: every name always shows."""
    return alt.Axis(title=None, labelOverlap=False, labelLimit=0)


def _hours_tooltip(lang: str, field: str = "hours") -> alt.Tooltip:
    return alt.Tooltip(f"{field}:Q", title=_t("dash.axis.hours", lang), format=",.1f")


# --- one builder per chart ------------------------------------------------------------------


def hours_by_community_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    data = df[["community", "hours", "records", "volunteers"]]
    return (
        _base(data, _t("dash.chart.by_community", lang))
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", title=_t("dash.axis.hours", lang)),
            y=alt.Y("community:N", sort="-x", axis=_community_axis()),
            color=_community_colour(data, lang).legend(None),
            tooltip=[
                alt.Tooltip("community:N", title=_t("dash.axis.community", lang)),
                _hours_tooltip(lang),
                alt.Tooltip("records:Q", title=_t("dash.axis.records", lang), format=","),
                alt.Tooltip("volunteers:Q", title=_t("dash.axis.active", lang), format=","),
            ],
        )
        .properties(height=_rows_height(len(data)))
    )


def _fixed_order(names: pd.Series) -> list[int]:
    order = {n: i for i, n in enumerate(COMMUNITY_NAMES)}
    return [order.get(n, len(order)) for n in names]


def _monthly_stacked(
    df: pd.DataFrame,
    value: str,
    axis_key: str,
    title: str,
    lang: str,
    columns: int,
    counts: bool = False,
) -> alt.Chart:
    data = df[["month", "community", value]].assign(stack=lambda d: _fixed_order(d["community"]))
    return (
        _base(data, title)
        .mark_bar()
        .encode(
            x=alt.X("month:O", title=_t("dash.axis.month", lang), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y(
                f"sum({value}):Q",
                axis=_count_axis(_t(axis_key, lang))
                if counts
                else alt.Axis(title=_t(axis_key, lang)),
            ),
            color=_community_colour(data, lang, columns),
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("month:O", title=_t("dash.axis.month", lang)),
                alt.Tooltip("community:N", title=_t("dash.axis.community", lang)),
                alt.Tooltip(
                    f"{value}:Q", title=_t(axis_key, lang), format=",d" if counts else ",.1f"
                ),
            ],
        )
        .properties(height=HEIGHT)
    )


def monthly_hours_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    title = _t("dash.chart.monthly", lang)
    return _monthly_stacked(df, "hours", "dash.axis.hours", title, lang, len(COMMUNITY_NAMES))


def registrations_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    title = _t("dash.chart.registrations", lang)
    return _monthly_stacked(
        df, "registrations", "dash.axis.registrations", title, lang, len(COMMUNITY_NAMES), True
    )


def category_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    data = df[["category", "hours", "records"]].copy()
    data["label"] = [
        _t("dash.no_category", lang)
        if k == analytics.NO_CATEGORY
        else _CATEGORY_FIELD.choice_label(k, lang)
        for k in data["category"]
    ]
    data = data.drop(columns="category")
    return (
        _base(data, _t("dash.chart.category", lang))
        .mark_bar(color=NEUTRAL)
        .encode(
            x=alt.X("hours:Q", title=_t("dash.axis.hours", lang)),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("label:N", title=_t("dash.axis.category", lang)),
                _hours_tooltip(lang),
                alt.Tooltip("records:Q", title=_t("dash.axis.records", lang), format=","),
            ],
        )
        .properties(height=_rows_height(len(data)))
    )


def per_1000_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    data = df.loc[df["per_1000"].notna(), ["community", "per_1000", "hours", "population"]]
    return (
        _base(data, _t("dash.chart.per_1000", lang))
        .mark_bar()
        .encode(
            x=alt.X("per_1000:Q", title=_t("dash.axis.per_1000", lang)),
            y=alt.Y("community:N", sort="-x", axis=_community_axis()),
            color=_community_colour(data, lang).legend(None),
            tooltip=[
                alt.Tooltip("community:N", title=_t("dash.axis.community", lang)),
                alt.Tooltip("per_1000:Q", title=_t("dash.axis.per_1000", lang), format=",.1f"),
                _hours_tooltip(lang),
                alt.Tooltip("population:Q", title=_t("dash.axis.population", lang), format=","),
            ],
        )
        .properties(height=_rows_height(len(data)))
    )


def active_share_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    data = df.loc[df["share"].notna(), ["community", "share", "active", "registered"]]
    return (
        _base(data, _t("dash.chart.active_share", lang))
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title=_t("dash.axis.share", lang),
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y("community:N", sort="-x", axis=_community_axis()),
            color=_community_colour(data, lang).legend(None),
            tooltip=[
                alt.Tooltip("community:N", title=_t("dash.axis.community", lang)),
                alt.Tooltip("share:Q", title=_t("dash.axis.share", lang), format=".1%"),
                alt.Tooltip("active:Q", title=_t("dash.axis.active", lang), format=","),
                alt.Tooltip("registered:Q", title=_t("dash.axis.registered", lang), format=","),
            ],
        )
        .properties(height=_rows_height(len(data)))
    )


def star_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    """Levels one to five (those below one star are told in the caption instead)."""
    data = df.loc[df["level"] >= 1, ["level", "volunteers", "threshold"]].copy()
    data["label"] = [level_label(int(n), lang) for n in data["level"]]
    order = data["label"].tolist()
    return (
        _base(data, _t("dash.chart.stars", lang))
        .mark_bar(color=STAR)
        .encode(
            x=alt.X(
                "label:N",
                sort=order,
                title=_t("dash.axis.level", lang),
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("volunteers:Q", axis=_count_axis(_t("dash.axis.volunteers", lang))),
            tooltip=[
                alt.Tooltip("label:N", title=_t("dash.axis.level", lang)),
                alt.Tooltip("volunteers:Q", title=_t("dash.axis.volunteers", lang), format=","),
                alt.Tooltip("threshold:Q", title=_t("dash.axis.hours", lang), format=","),
            ],
        )
        .properties(height=HEIGHT)
    )


def top_volunteers_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    data = df[["rank", "name", "community", "hours", "records"]].copy()
    data["label"] = [f"{r}. {n}" for r, n in zip(data["rank"], data["name"], strict=True)]
    order = data["label"].tolist()
    return (
        _base(data, _t("dash.chart.top", lang))
        .mark_bar()
        .encode(
            x=alt.X("hours:Q", title=_t("dash.axis.hours", lang)),
            y=alt.Y("label:N", sort=order, axis=alt.Axis(title=None, labelOverlap=False)),
            color=_community_colour(data, lang),
            tooltip=[
                alt.Tooltip("rank:Q", title=_t("dash.axis.rank", lang)),
                alt.Tooltip("name:N", title=_t("dash.axis.name", lang)),
                alt.Tooltip("community:N", title=_t("dash.axis.community", lang)),
                _hours_tooltip(lang),
                alt.Tooltip("records:Q", title=_t("dash.axis.records", lang), format=","),
            ],
        )
        .properties(height=_rows_height(len(data)))
    )


def programme_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    """Programmes with hours in the period (the frame also lists those without)."""
    data = df.loc[df["hours"] > 0, ["programme_id", "programme", "kind", "hours", "records"]]
    data["label"] = [
        _t("dash.no_programme", lang) if pid == analytics.NO_PROGRAMME else name
        for pid, name in zip(data["programme_id"], data["programme"], strict=True)
    ]
    data["kind_label"] = [
        _KIND_FIELD.choice_label(k, lang) if isinstance(k, str) else "" for k in data["kind"]
    ]
    data = data.drop(columns=["programme_id", "programme", "kind"])
    return (
        _base(data, _t("dash.chart.programme", lang))
        .mark_bar(color=NEUTRAL)
        .encode(
            x=alt.X("hours:Q", title=_t("dash.axis.hours", lang)),
            y=alt.Y("label:N", sort="-x", title=None),
            tooltip=[
                alt.Tooltip("label:N", title=_t("dash.axis.programme", lang)),
                alt.Tooltip("kind_label:N", title=_t("dash.axis.kind", lang)),
                _hours_tooltip(lang),
                alt.Tooltip("records:Q", title=_t("dash.axis.records", lang), format=","),
            ],
        )
        .properties(height=_rows_height(len(data)))
    )


# --- what the dashboard shows, in order --------------------------------------------------


def _no_hours(df: pd.DataFrame) -> bool:
    return df.empty or float(df["hours"].sum()) <= 0


CHARTS: dict[str, tuple[Callable[[pd.DataFrame, str], alt.Chart], Callable[[pd.DataFrame], bool]]]
CHARTS = {
    "by_community": (hours_by_community_chart, _no_hours),
    "monthly": (monthly_hours_chart, _no_hours),
    "category": (category_chart, _no_hours),
    "programme": (programme_chart, _no_hours),
    "per_1000": (per_1000_chart, lambda d: _no_hours(d) or d["per_1000"].notna().sum() == 0),
    "active_share": (active_share_chart, lambda d: d.empty or int(d["registered"].sum()) == 0),
    "stars": (star_chart, lambda d: int(d.loc[d["level"] >= 1, "volunteers"].sum()) == 0),
    "top": (top_volunteers_chart, _no_hours),
    "registrations": (registrations_chart, lambda d: d.empty or int(d["registrations"].sum()) == 0),
}


def is_empty(name: str, df: pd.DataFrame) -> bool:
    """True when chart `name` would have nothing to draw: show an empty state instead."""
    return CHARTS[name][1](df)


def build(name: str, df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    return CHARTS[name][0](df, lang)


def chart_rows(chart: alt.Chart) -> int:
    """Rows of data a chart carries (what is sent to the browser)."""
    data = chart.data
    return len(data) if isinstance(data, pd.DataFrame) else 0


# --- the dashboard's programmes section ---------------------------------------------------


def _two_series(
    df: pd.DataFrame, x: str, series: dict[str, str], lang: str, x_title: str, y_title: str
) -> alt.Chart:
    """Grouped bars of two columns of `df` per `x`, every title and tooltip in `lang`."""
    long = df.melt(id_vars=[x], value_vars=list(series), var_name="series", value_name="value")
    long["series"] = long["series"].map(series)
    return (
        alt.Chart(long, height=240)
        .mark_bar()
        .encode(
            x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("series:N", sort=list(series.values())),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "series:N", title=None, sort=list(series.values()),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip(f"{x}:O", title=x_title),
                alt.Tooltip("series:N", title=y_title),
                alt.Tooltip("value:Q", title=y_title, format=",.1f"),
            ],
        )
    )  # fmt: skip


def points_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    """Time-bank points earned and redeemed per month (`timebank.monthly`)."""
    data = df.assign(month=df["month"].dt.strftime("%Y-%m"))
    series = {
        "earned": _t("dashp.points.earned", lang),
        "redeemed": _t("dashp.points.redeemed", lang),
    }
    return _two_series(
        data, "month", series, lang, _t("dashp.points.month", lang), _t("dashp.points.unit", lang)
    )


def donations_chart(df: pd.DataFrame, lang: str = "zh") -> alt.Chart:
    """Donations per year, cash and in kind (`organisations.by_year`)."""
    data = df.assign(year=df["year"].astype(str))
    series = {
        "cash": _t("dashp.donations.cash", lang),
        "in_kind": _t("dashp.donations.in_kind", lang),
    }
    return _two_series(
        data,
        "year",
        series,
        lang,
        _t("dashp.donations.year", lang),
        _t("dashp.donations.unit", lang),
    )
