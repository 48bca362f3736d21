"""Files the office sends upward: the monthly workbook and the star-volunteer list.

Every text cell is written with `write_string`, never as a formula, so a name typed as `=1+1`
stays the text `=1+1` in Excel, WPS and LibreOffice; the CSV export, which those programs do
evaluate, prefixes a `'` to any cell starting with = + - @ (or their full-width forms), tab or
CR (OWASP ASVS 1.2.10; `sltcore.exports.cells`, the one helper every export uses). Numbers
come from `sltcore.services.analytics`, so the workbook and the dashboard always agree.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sltcore import clock, i18n
from sltcore.exports.cells import csv_safe
from sltcore.schema import CATEGORY, MEMBERSHIP, Field
from sltcore.schema import table as schema_table
from sltcore.services import analytics, stars
from sltcore.services.hours import countable

_CATEGORY = Field("category", "", "", "choice", choices=CATEGORY)
_MEMBERSHIP = Field("membership", "", "", "choice", choices=MEMBERSHIP)
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
Progress = Callable[[str, float], Any] | None
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "in_memory": True,
}


def _t(key: str, lang: str, **kw: object) -> str:
    return i18n.t(key, lang, **kw)


def _category(key: object, lang: str) -> str:
    if key == analytics.NO_CATEGORY or not isinstance(key, str):
        return _t("dash.no_category", lang)
    return _CATEGORY.choice_label(key, lang)


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet name (Excel: 31 characters, none of []:*?/\\)."""
    base = _SHEET_BAD.sub("_", name).strip("'") or "Sheet"
    base = base[:31]
    out, n = base, 2
    while out.casefold() in taken:
        suffix = f"({n})"
        out, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(out.casefold())
    return out


class _Writer:
    """Typed cell writes: text is always a string cell, numbers numbers, dates dates."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.head = wb.add_format(
            {"bold": True, "bg_color": "#dfe7ef", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.text = wb.add_format({"border": 1, "valign": "top"})
        self.num = wb.add_format({"border": 1, "num_format": "#,##0.0"})
        self.int = wb.add_format({"border": 1, "num_format": "#,##0"})
        self.pct = wb.add_format({"border": 1, "num_format": "0.0%"})
        self.date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
        self.note = wb.add_format({"italic": True, "font_color": "#555555"})

    def cell(self, ws: Worksheet, row: int, col: int, value: object, fmt: str = "text") -> None:
        style = getattr(self, fmt)
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
            ws.write_blank(row, col, None, style)
        elif fmt == "date" and isinstance(value, dt.date | pd.Timestamp):
            ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), style)
        elif fmt in ("num", "int", "pct") and isinstance(value, numbers.Real):
            ws.write_number(row, col, float(value), style)
        else:
            ws.write_string(row, col, str(value), style)

    def table(
        self,
        ws: Worksheet,
        row: int,
        col: int,
        headers: list[str],
        rows: list[list[object]],
        formats: list[str],
    ) -> int:
        """Write a header row and rows; returns the next free row."""
        for j, h in enumerate(headers):
            ws.write_string(row, col + j, h, self.head)
        for i, values in enumerate(rows, start=1):
            for j, (value, fmt) in enumerate(zip(values, formats, strict=True)):
                self.cell(ws, row + i, col + j, value, fmt)
        return row + len(rows) + 2


# --- the monthly workbook ------------------------------------------------------------------


def _figure_rows(fig: pd.DataFrame, lang: str) -> list[list[object]]:
    return [
        [_t(f"dash.fig.{r.figure}", lang), r.value, r.previous, r.change, r.change_pct]
        for r in fig.itertuples(index=False)
    ]


def _daily(p: analytics.Prepared, period: analytics.Period, chosen: list[str] | None):
    recs = p.records[period.mask(p.records["date"])]
    if chosen:
        recs = recs[recs["community_id"].isin(chosen)]
    days = pd.date_range(period.start, period.end, freq="D")
    hours = recs.groupby(recs["date"].dt.normalize())["hours"].sum()
    return [[d.date(), float(hours.get(d, 0.0))] for d in days]


def _column_chart(
    wb,
    ws_name: str,
    title: str,
    cats: tuple,
    vals: tuple,
    lang: str,
    kind: str = "column",
    colour: str = "#4e79a7",
):
    chart = wb.add_chart({"type": kind})
    chart.add_series(
        {
            "name": _t("dash.axis.hours", lang),
            "categories": [ws_name, *cats],
            "values": [ws_name, *vals],
            "fill": {"color": colour} if kind != "line" else None,
            "line": {"color": colour},
        }
    )
    chart.set_title({"name": title, "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"name": _t("dash.axis.hours", lang), "major_gridlines": {"visible": True}})
    chart.set_size({"width": 620, "height": 300})
    return chart


def _records_sheet(
    w: _Writer,
    ws: Worksheet,
    frames: Mapping[str, pd.DataFrame],
    period: analytics.Period,
    lang: str,
) -> int:
    """The month's service records: exactly the rows the totals are made of (the hours that
    count, `sltcore.services.hours.countable`), without ID numbers or phone numbers."""
    vols = analytics.live_frame(frames, "volunteers").set_index("id")
    recs = countable(frames)
    recs = recs[period.mask(recs["date"])].sort_values(["date", "community_id"])
    evs = analytics.live_frame(frames, "events").set_index("id")
    coms = analytics.live_frame(frames, "communities").set_index("id")["name"]
    t = schema_table("service_records")

    def text(values: object) -> list[object]:
        return [v if isinstance(v, str) else None for v in values]

    category = evs["category"].reindex(recs["event_id"])
    columns = [  # header, cell format, values, width
        (t.field("date").label(lang), "date", list(recs["date"]), 11),
        (t.field("community_id").label(lang), "text",
         text(coms.reindex(recs["community_id"])), 10),
        (t.field("volunteer_id").label(lang), "text",
         text(vols["name"].reindex(recs["volunteer_id"])), 10),
        (_t("reports.wb.volunteer_no", lang), "text",
         text(vols["bv_number"].reindex(recs["volunteer_id"])), 14),
        (_t("reports.wb.event", lang), "text", text(evs["title"].reindex(recs["event_id"])), 18),
        (_t("dash.axis.category", lang), "text",
         [_category(c, lang) if isinstance(c, str) else None for c in category], 10),
        (t.field("hours").label(lang), "num", list(recs["hours"]), 8),
    ] + [
        (t.field(k).label(lang), "text", text(recs[k]), width)
        for k, width in (("place", 16), ("service_object", 12), ("content", 30),
                         ("person_in_charge", 10), ("recorder", 10))
    ]  # fmt: skip
    rows = [list(values) for values in zip(*(c[2] for c in columns), strict=True)]
    w.table(ws, 0, 0, [c[0] for c in columns], rows, [c[1] for c in columns])
    for j, column in enumerate(columns):
        ws.set_column(j, j, column[3])
    ws.freeze_panes(1, 0)
    if rows:
        ws.autofilter(0, 0, len(rows), len(columns) - 1)
    return len(rows)


def _summary_block(
    w: _Writer,
    ws: Worksheet,
    ws_name: str,
    p: analytics.Prepared,
    period: analytics.Period,
    chosen: list[str] | None,
    lang: str,
    title: str,
    generated: str,
    per_community: bool,
) -> None:
    wb = w.wb
    ws.write_string(0, 0, title, w.title)
    ws.write_string(1, 0, generated, w.note)
    fig = analytics.key_figures(p, period, chosen)
    headers = [
        _t("reports.wb.figure", lang),
        _t("reports.wb.this_month", lang),
        _t("reports.wb.previous", lang),
        _t("reports.wb.change", lang),
        _t("reports.wb.change_pct", lang),
    ]
    row = w.table(ws, 3, 0, headers, _figure_rows(fig, lang), ["text", "num", "num", "num", "pct"])
    waiting = analytics.unconfirmed_hours(p, period, chosen).iloc[0]
    if waiting["records"]:
        hours = i18n.fmt_number(float(waiting["hours"]), lang)
        ws.write_string(row - 1, 0, _t("reports.wb.unconfirmed", lang, hours=hours,
                                       count=int(waiting["records"])), w.note)  # fmt: skip
        row += 1
    charts_at = []
    if per_community:
        by = analytics.hours_by_community(p, period, chosen)
        per = analytics.hours_per_1000_residents(p, period, chosen).set_index("community_id")
        share = analytics.active_share(p, period, chosen).set_index("community_id")
        ws.write_string(row, 0, _t("reports.wb.by_community", lang), w.head)
        row += 1
        first = row + 1
        headers = [
            _t("dash.axis.community", lang),
            _t("dash.axis.hours", lang),
            _t("dash.axis.records", lang),
            _t("dash.axis.active", lang),
            _t("dash.axis.population", lang),
            _t("dash.axis.per_1000", lang),
            _t("dash.axis.registered", lang),
            _t("dash.axis.share", lang),
        ]
        rows = [
            [
                r.community,
                r.hours,
                r.records,
                r.volunteers,
                per["population"].get(r.community_id),
                per["per_1000"].get(r.community_id),
                share["registered"].get(r.community_id),
                share["share"].get(r.community_id),
            ]
            for r in by.itertuples(index=False)
        ]
        row = w.table(
            ws, row, 0, headers, rows, ["text", "num", "int", "int", "int", "num", "int", "pct"]
        )
        if rows:
            charts_at.append(
                _column_chart(
                    wb,
                    ws_name,
                    _t("dash.chart.by_community", lang),
                    (first, 0, first + len(rows) - 1, 0),
                    (first, 1, first + len(rows) - 1, 1),
                    lang,
                )
            )
    cat = analytics.hours_by_category(p, period, chosen)
    ws.write_string(row, 0, _t("reports.wb.by_category", lang), w.head)
    row += 1
    first = row + 1
    rows = [[_category(r.category, lang), r.hours, r.records] for r in cat.itertuples(index=False)]
    row = w.table(
        ws,
        row,
        0,
        [
            _t("dash.axis.category", lang),
            _t("dash.axis.hours", lang),
            _t("dash.axis.records", lang),
        ],
        rows,
        ["text", "num", "int"],
    )
    charts_at.append(
        _column_chart(
            wb,
            ws_name,
            _t("dash.chart.category", lang),
            (first, 0, first + len(rows) - 1, 0),
            (first, 1, first + len(rows) - 1, 1),
            lang,
            kind="bar",
            colour="#5f7f99",
        )
    )
    top = analytics.top_volunteers(p, period, chosen)
    ws.write_string(row, 0, _t("reports.wb.top", lang), w.head)
    row += 1
    rows = [[r.rank, r.name, r.community, r.hours, r.records] for r in top.itertuples(index=False)]
    row = w.table(
        ws,
        row,
        0,
        [
            _t("dash.axis.rank", lang),
            _t("dash.axis.name", lang),
            _t("dash.axis.community", lang),
            _t("dash.axis.hours", lang),
            _t("dash.axis.records", lang),
        ],
        rows,
        ["int", "text", "text", "num", "int"],
    )
    daily = _daily(p, period, chosen)
    ws.write_string(row, 0, _t("reports.wb.daily", lang), w.head)
    row += 1
    first = row + 1
    row = w.table(
        ws,
        row,
        0,
        [_t("reports.wb.day", lang), _t("dash.axis.hours", lang)],
        daily,
        ["date", "num"],
    )
    charts_at.append(
        _column_chart(
            wb,
            ws_name,
            _t("reports.wb.daily", lang),
            (first, 0, first + len(daily) - 1, 0),
            (first, 1, first + len(daily) - 1, 1),
            lang,
            kind="line",
            colour="#e15759",
        )
    )
    for i, chart in enumerate(charts_at):
        ws.insert_chart(3 + i * 16, 10, chart)
    ws.set_column(0, 0, 22)
    ws.set_column(1, 8, 12)


def monthly_report(
    frames: Mapping[str, pd.DataFrame],
    year: int,
    month: int,
    lang: str = "zh",
    progress: Progress = None,
) -> bytes:
    """The month's workbook: summary, one sheet per community, the service-record list.

    `progress(step_text, fraction)` is called as the work goes on (the page shows it).
    """

    def step(key: str, fraction: float) -> None:
        if progress is not None:
            progress(_t(key, lang), fraction)

    period = analytics.period_month(year, month)
    label = _t("reports.month_label", lang, year=year, month=month)
    generated = _t("reports.wb.generated", lang, time=i18n.fmt_datetime(clock.now(), lang))
    step("reports.step.aggregate", 0.1)
    p = analytics.prepare(frames)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    wb.set_properties(
        {
            "title": _t("reports.wb.title", lang, month=label),
            "author": _t("cert.default.issuer", lang),
        }
    )
    w = _Writer(wb)
    taken: set[str] = set()
    name = sheet_name(_t("reports.sheet.summary", lang), taken)
    ws = wb.add_worksheet(name)
    _summary_block(
        w,
        ws,
        name,
        p,
        period,
        None,
        lang,
        _t("reports.wb.title", lang, month=label),
        generated,
        per_community=True,
    )
    options = analytics.community_options(p)
    for i, (cid, cname) in enumerate(options):
        step("reports.step.aggregate", 0.1 + 0.6 * i / max(1, len(options)))
        name = sheet_name(cname, taken)
        ws = wb.add_worksheet(name)
        _summary_block(
            w,
            ws,
            name,
            p,
            period,
            [cid],
            lang,
            _t("reports.wb.community_title", lang, community=cname, month=label),
            generated,
            per_community=False,
        )
    step("reports.step.write", 0.75)
    ws = wb.add_worksheet(sheet_name(_t("reports.sheet.records", lang), taken))
    if _records_sheet(w, ws, frames, period, lang) == 0:
        ws.write_string(2, 0, _t("reports.wb.no_records", lang), w.note)
    wb.close()
    step("reports.step.write", 1.0)
    return buf.getvalue()


# --- the star list, and the hours of every volunteer ---------------------------------------

STAR_COLUMNS = (
    "name",
    "community",
    "membership",
    "hours_total",
    "level",
    "stars",
    "next_threshold",
    "hours_to_next",
    "hours_period",
    "hours_year",
    "crossed",
    "near_next",
    "below_minimum",
)
# Every volunteer on the books: what each has served (stars included, unconfirmed apart).
HOURS_COLUMNS = (
    "name",
    "community",
    "membership",
    "hours_total",
    "stars",
    "hours_period",
    "hours_year",
    "below_minimum",
    "hours_unconfirmed",
)
_FORMATS = {
    "name": "text",
    "community": "text",
    "membership": "text",
    "hours_total": "num",
    "level": "int",
    "stars": "text",
    "next_threshold": "num",
    "hours_to_next": "num",
    "hours_period": "num",
    "hours_year": "num",
    "crossed": "text",
    "near_next": "text",
    "below_minimum": "text",
    "hours_unconfirmed": "num",
}


def starred(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of `analytics.star_list` with at least one star: what the star list holds."""
    return df[df["level"] >= 1]


def _cell(r: Any, column: str, lang: str) -> object:
    value = getattr(r, column) if column != "stars" else None
    if column == "membership":
        return _MEMBERSHIP.choice_label(value, lang)
    if column == "stars":
        return stars.stars_text(int(r.level))
    if column == "level":
        return int(value)
    if column in ("crossed", "near_next", "below_minimum"):
        return _t("stars.yes", lang) if value else ""
    if _FORMATS[column] == "num":
        return None if pd.isna(value) else float(value)
    return value


def _table_rows(
    df: pd.DataFrame, columns: tuple[str, ...], lang: str
) -> tuple[list[str], list[list[object]]]:
    headers = [_t(f"stars.col.{c}", lang) for c in columns]
    rows = [[_cell(r, c, lang) for c in columns] for r in df.itertuples(index=False)]
    return headers, rows


def star_rows(df: pd.DataFrame, lang: str = "zh") -> tuple[list[str], list[list[object]]]:
    """Headers and rows of the star list (starred volunteers only) in the reader's language."""
    return _table_rows(starred(df), STAR_COLUMNS, lang)


def hours_rows(df: pd.DataFrame, lang: str = "zh") -> tuple[list[str], list[list[object]]]:
    """Headers and rows of the hours list: every volunteer of `df`, with or without a star."""
    return _table_rows(df, HOURS_COLUMNS, lang)


def _xlsx(
    headers: list[str], rows: list[list[object]], formats: list[str], sheet: str, title: str
) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    w = _Writer(wb)
    ws = wb.add_worksheet(sheet_name(sheet, set()))
    start = 0
    if title:
        ws.write_string(0, 0, title, w.title)
        start = 2
    w.table(ws, start, 0, headers, rows, formats)
    ws.freeze_panes(start + 1, 0)
    ws.set_column(0, 2, 12)
    ws.set_column(3, len(headers) - 1, 11)
    if rows:
        ws.autofilter(start, 0, start + len(rows), len(headers) - 1)
    wb.close()
    return buf.getvalue()


def _csv(headers: list[str], rows: list[list[object]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads the Chinese), every text cell formula-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow(
            [
                ""
                if v is None
                else (
                    f"{v:g}" if isinstance(v, float) else v if isinstance(v, int) else csv_safe(v)
                )
                for v in row
            ]
        )
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def star_list_xlsx(df: pd.DataFrame, lang: str = "zh", title: str = "") -> bytes:
    """The star list: the volunteers of `df` with at least one star."""
    headers, rows = star_rows(df, lang)
    formats = [_FORMATS[c] for c in STAR_COLUMNS]
    return _xlsx(headers, rows, formats, _t("stars.sheet", lang), title)


def star_list_csv(df: pd.DataFrame, lang: str = "zh") -> bytes:
    return _csv(*star_rows(df, lang))


def hours_list_xlsx(df: pd.DataFrame, lang: str = "zh", title: str = "") -> bytes:
    """Every volunteer of `df` with their hours (a separate file from the star list)."""
    headers, rows = hours_rows(df, lang)
    formats = [_FORMATS[c] for c in HOURS_COLUMNS]
    return _xlsx(headers, rows, formats, _t("stars.hours.sheet", lang), title)


def hours_list_csv(df: pd.DataFrame, lang: str = "zh") -> bytes:
    return _csv(*hours_rows(df, lang))
