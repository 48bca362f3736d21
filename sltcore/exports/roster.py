"""A duty period's roster: a PDF with one A4 page per day (to pin up at the post), and an xlsx
with one row per shift. Both in Chinese, from `sltcore.services.rosters.shifts`."""

from __future__ import annotations

import io
from collections.abc import Mapping
from xml.sax.saxutils import escape

import pandas as pd
import xlsxwriter
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sltcore.exports.certificate import _font
from sltcore.exports.report import WORKBOOK_OPTIONS
from sltcore.services import rosters

HEAD = ("时间", "岗位", "社区", "需要", "已排", "值守人员（签到）")


def _title(frames: Mapping[str, pd.DataFrame], period_id: str) -> str:
    p = frames["roster_periods"].set_index("id")
    return str(p.loc[period_id, "name"]) if period_id in p.index else period_id


def pdf(frames: Mapping[str, pd.DataFrame], period_id: str) -> bytes:
    """One A4 page per day of the period that has shifts; each a table of that day's shifts
    with room to sign."""
    font = _font()
    title_style = ParagraphStyle("t", fontName=font, fontSize=16, leading=22)
    cell = ParagraphStyle("c", fontName=font, fontSize=10, leading=14)
    df = rosters.shifts(frames, period_id)
    name = _title(frames, period_id)
    story: list = []
    for n, (day, rows) in enumerate(df.groupby("date", sort=True)):
        if n:
            story.append(PageBreak())
        story.append(
            Paragraph(escape(f"{name} · {day.year}年{day.month}月{day.day}日 值守表"), title_style)
        )
        story.append(Spacer(1, 6 * mm))
        data = [[Paragraph(h, cell) for h in HEAD]]
        for r in rows.to_dict("records"):
            data.append(
                [
                    Paragraph(escape(r["time"]), cell),
                    Paragraph(escape(str(r["post"])), cell),
                    Paragraph(escape(str(r["community"] or "")), cell),
                    str(r["needed"]),
                    str(r["filled"]),
                    Paragraph(escape(r["people"] or ""), cell),
                ]
            )
        table = Table(data, colWidths=[30 * mm, 32 * mm, 24 * mm, 12 * mm, 12 * mm, 70 * mm])
        table.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("ROWPADDING", (0, 1), (-1, -1), 6),
                ]
            )
        )
        story.append(table)
    if not story:
        story.append(Paragraph(escape(f"{name}：还没有班次。"), title_style))
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
        bottomMargin=15 * mm, title=name,
    ).build(story)  # fmt: skip
    return buf.getvalue()


def xlsx(frames: Mapping[str, pd.DataFrame], period_id: str) -> bytes:
    """One row per shift: date, time, post, community, needed, assigned, names."""
    df = rosters.shifts(frames, period_id)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    ws = wb.add_worksheet("排班")
    head = wb.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE"})
    text = wb.add_format({"border": 1})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ws.write(0, 0, _title(frames, period_id), wb.add_format({"bold": True, "font_size": 14}))
    for c, h in enumerate(("日期", *HEAD[:5], "值守人员")):
        ws.write(2, c, h, head)
    for i, r in enumerate(df.to_dict("records"), start=3):
        ws.write_datetime(i, 0, pd.Timestamp(r["date"]).to_pydatetime(), date)
        ws.write_string(i, 1, r["time"], text)
        ws.write_string(i, 2, str(r["post"]), text)
        ws.write_string(i, 3, str(r["community"] or ""), text)
        ws.write_number(i, 4, int(r["needed"]), text)
        ws.write_number(i, 5, int(r["filled"]), text)
        ws.write_string(i, 6, r["people"] or "", text)
    ws.set_column(0, 0, 12)
    ws.set_column(1, 3, 16)
    ws.set_column(6, 6, 40)
    wb.close()
    return buf.getvalue()
