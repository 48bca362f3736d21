"""志愿服务记录证明: the certificate PDF and its numbered register.

民政部《关于规范志愿服务记录证明工作的指导意见》(民发〔2015〕149号) asks that a certificate show
the volunteer's name, ID type and number, volunteer number, service hours and content, the
issuing unit, its person in charge, the officer and contact details, and carry a number from
a register, so it can be checked. The ID number is masked (《志愿服务记录办法》: personal data is
kept confidential). Hours are confirmed service time only, travel excluded (管理办法第十四条).

The PDF uses reportlab's built-in CID font STSong-Light: the Chinese renders with no font file
on the server, and PDF readers supply the glyphs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from sltcore import clock, i18n
from sltcore.auth import Actor
from sltcore.errors import DeskError
from sltcore.privacy import mask
from sltcore.schema import CATEGORY, Field, table
from sltcore.services import analytics
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction

FONT = "STSong-Light"
PREFIX = "SLT"
_NUMBER = re.compile(rf"^{PREFIX}-(\d{{4}})-(\d+)$")
_CATEGORY = Field("category", "", "", "choice", choices=CATEGORY)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def format_number(year: int, seq: int) -> str:
    """`SLT-2026-0001`: the year of issue and a running number within it."""
    return f"{PREFIX}-{year:04d}-{seq:04d}"


def next_number(tx: Transaction, year: int) -> str:
    """The next free number of `year` in the register as the transaction sees it, counting
    archived certificates too (a number is never issued twice)."""
    highest = 0
    for row in tx.select("certificates", include_archived=True):
        m = _NUMBER.match(str(row.get("number") or ""))
        if m and int(m[1]) == year:
            highest = max(highest, int(m[2]))
    return format_number(year, highest + 1)


@dataclass(frozen=True)
class ServiceSummary:
    hours: float
    records: int
    content: str  # service categories with their counts, e.g. 治安维护12次、亲情关怀3次


def service_summary(
    data: Mapping[str, pd.DataFrame] | analytics.Prepared,
    volunteer_id: str,
    start: dt.date,
    end: dt.date,
) -> ServiceSummary:
    """Confirmed hours of one volunteer between two days (both included), all communities."""
    p = data if isinstance(data, analytics.Prepared) else analytics.prepare(data)
    period = analytics.period_custom(start, end)
    recs = p.records[(p.records["volunteer_id"] == volunteer_id) & period.mask(p.records["date"])]
    counts = recs["category"].value_counts()
    parts = []
    for key, n in counts.items():
        label = "其他" if key == analytics.NO_CATEGORY else _CATEGORY.choice_label(key, "zh")
        parts.append(f"{label}{int(n)}次")
    hours = round(float(recs["hours"].sum()), 2)
    return ServiceSummary(hours, len(recs), "、".join(parts) + ("志愿服务" if parts else ""))


def issue(
    store: Store,
    actor: Actor,
    volunteer_id: str,
    start: dt.date,
    end: dt.date,
    issuer: str,
    issuer_head: str = "",
    officer: str = "",
    contact_phone: str = "",
    data: Mapping[str, pd.DataFrame] | analytics.Prepared | None = None,
    issued_on: dt.date | None = None,
) -> dict[str, Any]:
    """Register a certificate under the next free number and return the stored row.

    One transaction: the number is computed inside it from the register as it is then, and
    the row is written in the same transaction, so two sessions (or processes) issuing at once
    get different numbers. The hours are the confirmed hours of `data` (what the page showed
    and the officer checked), or of the store as read now when no `data` is given.
    """
    volunteer = store.get("volunteers", volunteer_id)
    if volunteer is None or volunteer.get("archived"):
        raise DeskError("找不到这位志愿者。", "The volunteer does not exist.")
    summary = service_summary(
        data if data is not None else store.read_all(), volunteer_id, start, end
    )
    day = issued_on or clock.today()
    row = {
        "volunteer_id": volunteer_id,
        "issued_on": day,
        "hours": summary.hours,
        "period_from": min(start, end),
        "period_to": max(start, end),
        "content": summary.content or None,
        "issuer": issuer,
        "issuer_head": issuer_head or None,
        "officer": officer or None,
        "contact_phone": contact_phone or None,
    }

    def write(tx: Transaction) -> Row:
        return tx.append("certificates", [{**row, "number": next_number(tx, day.year)}])[0]

    return store.transact(actor, write)


def _volunteer_number(volunteer: Mapping[str, Any]) -> str:
    return str(volunteer.get("bv_number") or volunteer.get("id") or "")


def render_pdf(
    certificate: Mapping[str, Any], volunteer: Mapping[str, Any], full_id: bool = False
) -> bytes:
    """The printable A4 certificate (always Chinese: it is an official document).

    The ID number is masked (`sltcore.privacy`) unless `full_id`: an administrator asked for
    it through `privacy.reveal`, which checked and logged that. Every text, typed or not, is
    escaped for reportlab's Paragraph markup, so a name reads as typed."""
    font = _font()
    zh = "zh"

    def t(key: str, **kw: object) -> str:
        return i18n.t(key, zh, **kw)

    def date(value: object) -> str:
        if isinstance(value, pd.Timestamp):
            value = value.date()
        return i18n.fmt_date(value, zh) if isinstance(value, dt.date) else ""

    base = ParagraphStyle("base", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=base, fontSize=10.5, alignment=TA_RIGHT)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=14, textColor=colors.grey)
    body = ParagraphStyle("body", parent=base, firstLineIndent=24, leading=24)

    def para(text: object, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(escape("" if text is None else str(text)), style)

    name = str(volunteer.get("name") or "")
    id_number = volunteer.get("id_number")
    masked = (id_number if full_id else mask("id_number", id_number)) if id_number else "（未登记）"
    hours = i18n.fmt_number(float(certificate.get("hours") or 0), zh, 2)
    start, end = date(certificate.get("period_from")), date(certificate.get("period_to"))
    issuer = str(certificate.get("issuer") or "")
    number = str(certificate.get("number") or "")
    rows = [
        (t("cert.pdf.name"), name),
        (t("cert.pdf.id_type"), t("cert.pdf.id_type.value")),
        (t("cert.pdf.id_number"), masked),
        (t("cert.pdf.volunteer_no"), _volunteer_number(volunteer)),
        (t("cert.pdf.period"), t("dash.range_text", start=start, end=end)),
        (t("cert.pdf.hours"), f"{hours} 小时"),
        (t("cert.pdf.content"), certificate.get("content") or ""),
    ]
    grid = Table(
        [[para(k), para(v)] for k, v in rows],
        colWidths=[38 * mm, 122 * mm],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        ),
    )
    signature = [
        (t("cert.pdf.issuer"), issuer),
        (t("cert.pdf.issuer_head"), certificate.get("issuer_head") or ""),
        (t("cert.pdf.officer"), certificate.get("officer") or ""),
        (t("cert.pdf.contact"), certificate.get("contact_phone") or ""),
        (t("cert.pdf.date"), date(certificate.get("issued_on"))),
    ]
    sign = Table(
        [[para(f"{k}："), para(v)] for k, v in signature],
        colWidths=[44 * mm, 72 * mm],
        hAlign="RIGHT",
        style=TableStyle([("TOPPADDING", (0, 0), (-1, -1), 2)]),
    )
    story = [
        para(f"{t('cert.pdf.number')}：{number}", right),
        Spacer(1, 6 * mm),
        para(t("cert.pdf.heading"), title),
        Spacer(1, 10 * mm),
        grid,
        Spacer(1, 8 * mm),
        para(t("cert.pdf.body", name=name, start=start, end=end, issuer=issuer, hours=hours), body),
        Spacer(1, 14 * mm),
        sign,
        Spacer(1, 16 * mm),
        para(t("cert.pdf.basis"), small),
        para(t("cert.pdf.verify"), small),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{t('cert.pdf.heading')} {number}",
        author=issuer,
        subject=t("cert.pdf.heading"),
    )
    doc.build(story)
    return buf.getvalue()


def register_frame(data: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The register for display: number, volunteer, date, hours, issuer; newest first."""
    certs = analytics.live_frame(data, "certificates")
    vols = analytics.live_frame(data, "volunteers").set_index("id")["name"]
    out = pd.DataFrame(
        {
            "id": certs["id"].astype(object),
            "number": certs["number"].astype(object),
            "volunteer_id": certs["volunteer_id"].astype(object),
            "name": vols.reindex(certs["volunteer_id"]).to_numpy(),
            "issued_on": certs["issued_on"],
            "hours": certs["hours"],
            "period_from": certs["period_from"],
            "period_to": certs["period_to"],
            "issuer": certs["issuer"].astype(object),
        }
    )
    return out.sort_values(["issued_on", "number"], ascending=False).reset_index(drop=True)


def table_for_display(register: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """The register with column labels from the schema, dates as dates."""
    t = table("certificates")

    def label(key: str) -> str:
        return t.field(key).label(lang)

    return pd.DataFrame(
        {
            label("number"): register["number"],
            label("volunteer_id"): register["name"],
            label("issued_on"): register["issued_on"].dt.date,
            label("hours"): register["hours"],
            label("period_from"): register["period_from"].dt.date,
            label("period_to"): register["period_to"].dt.date,
            label("issuer"): register["issuer"],
        }
    )
