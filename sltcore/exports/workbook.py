"""The whole store as one workbook, one table as CSV: what people take away, and the backup.

`export_workbook` writes a sheet per table (every row, archived ones and the audit log
included), headed by the fields' labels in Chinese (or English), then a sheet "导出说明"
saying what the file is. Values are typed cells: dates are dates, numbers numbers, yes/no
booleans; references are the rows' ids; choices are their labels. Read back by
`sltcore.services.restore`, such a workbook gives the same data again, so it is the portable
backup and the way from the local store to a Google Sheet and back.

Personal data: ID numbers are masked (`110105********1234`) unless an administrator asks for
them (`unmasked=True`; refused for anyone else, here, not only hidden in a page); an account
that may not see personal data (the leaders' read-only role) also gets phones and addresses
masked, and password digests are only in an administrator's unmasked backup. Text cells are
formula-safe (`sltcore.exports.cells`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from typing import Any

import xlsxwriter

from sltcore import clock, i18n, identity, privacy
from sltcore.auth import Actor
from sltcore.codec import frame_rows, to_text
from sltcore.errors import DeskError, PermissionDenied
from sltcore.exports.cells import csv_safe, looks_like_formula
from sltcore.exports.report import WORKBOOK_OPTIONS, sheet_name
from sltcore.schema import TABLES, Field, Table, table
from sltcore.store.base import Row, Store

FORMAT = "sanlitun-desk-workbook"
FORMAT_VERSION = 1
META_SHEET = {"zh": "导出说明", "en": "About this file"}
EXCEL_CELL_LIMIT = 32_767  # characters in one Excel cell
SECRET_FIELDS = {("accounts", "password_hash")}
Progress = Callable[[float, str], Any] | None


def masks_for(actor: Actor, unmasked: bool) -> set[str]:
    """Which kinds of personal data an export by `actor` masks (see the module docstring)."""
    if unmasked:
        if actor.role != "admin":
            raise PermissionDenied(
                "只有管理员可以导出完整的身份证号；其他账号导出的文件中身份证号已打码。",
                "Only an administrator can export full ID numbers; other accounts get them masked.",
            )
        return set()
    return privacy.export_masks(actor)


_MASK = {"id_number": identity.mask_id, "phone": identity.mask_phone,
         "address": identity.mask_address}  # fmt: skip


def _rows(store: Store, t: Table) -> list[Row]:
    return frame_rows(t, store.read(t.key, include_archived=True))


def _shown(t: Table, f: Field, value: Any, masks: set[str], lang: str) -> Any:
    """The value as the file holds it (None for an empty cell)."""
    if value is None or value == ():
        return None
    if (t.key, f.key) in SECRET_FIELDS and masks:
        return None
    if f.pii in masks:
        return _MASK[f.pii or ""](value)
    if f.type == "choice":
        return f.choice_label(value, lang)
    if f.type in ("int", "number", "bool", "date"):
        return value
    return to_text(f, value)


def _too_long(t: Table, f: Field, row: Row, lang: str) -> DeskError:
    return DeskError(
        f"{t.zh} {row.get('id')} 的“{f.zh}”超过 Excel 单元格的上限（{EXCEL_CELL_LIMIT}字），"
        "无法写入工作簿：请改用 CSV 导出这张表",
        f"{t.en} {row.get('id')}: “{f.en}” is longer than an Excel cell holds "
        f"({EXCEL_CELL_LIMIT} characters): export this table as CSV instead",
    )


def export_workbook(
    store: Store,
    actor: Actor,
    *,
    lang: str = "zh",
    unmasked: bool = False,
    tables: Iterable[str] | None = None,
    progress: Progress = None,
) -> bytes:
    """Every table (or `tables`) as one xlsx workbook; see the module docstring."""
    masks = masks_for(actor, unmasked)
    chosen = [table(k) for k in tables] if tables is not None else list(TABLES)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    head = wb.add_format({"bold": True, "bg_color": "#dfe7ef", "border": 1, "text_wrap": True})
    text = wb.add_format({})
    quoted = wb.add_format({"quote_prefix": True})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    taken: set[str] = {META_SHEET[lang].casefold()}
    counts: list[tuple[str, Table, int]] = []
    for n, t in enumerate(chosen):
        if progress is not None:
            progress(n / len(chosen), t.label(lang))
        rows = _rows(store, t)
        name = sheet_name(t.label(lang), taken)
        ws = wb.add_worksheet(name)
        for j, f in enumerate(t.fields):
            ws.write_string(0, j, f.label(lang), head)
            ws.set_column(j, j, 12 if f.type != "longtext" else 30)
        for i, row in enumerate(rows, start=1):
            for j, f in enumerate(t.fields):
                value = _shown(t, f, row.get(f.key), masks, lang)
                if value is None:
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(i, j, value)
                elif isinstance(value, int | float):
                    ws.write_number(i, j, value)
                elif isinstance(value, dt.date):
                    ws.write_datetime(i, j, dt.datetime.combine(value, dt.time()), date)
                else:
                    if len(value) > EXCEL_CELL_LIMIT:
                        raise _too_long(t, f, row, lang)
                    ws.write_string(i, j, value, quoted if looks_like_formula(value) else text)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(rows), 1), len(t.fields) - 1)
        counts.append((name, t, len(rows)))
    _meta_sheet(wb, store, actor, lang, masks, counts, head)
    wb.close()
    if progress is not None:
        progress(1.0, "")
    return buf.getvalue()


def _meta_sheet(
    wb: xlsxwriter.Workbook,
    store: Store,
    actor: Actor,
    lang: str,
    masks: set[str],
    counts: list[tuple[str, Table, int]],
    head: Any,
) -> None:
    zh = lang == "zh"
    ws = wb.add_worksheet(META_SHEET[lang])
    masked = (
        ("身份证号已打码" if zh else "ID numbers masked")
        if masks
        else ("完整（含身份证号，可用于恢复）" if zh else "complete (full ID numbers; restorable)")
    )
    info = [
        ("format", FORMAT, "文件格式" if zh else "Format"),
        ("version", FORMAT_VERSION, "格式版本" if zh else "Format version"),
        ("exported_at", f"{clock.now():%Y-%m-%d %H:%M:%S}", "导出时间" if zh else "Exported at"),
        ("exported_by", actor.username, "导出人" if zh else "Exported by"),
        ("backend", store.backend, "数据存储" if zh else "Storage"),
        ("masked", ",".join(sorted(masks)), masked),
        ("lang", lang, "表头语言" if zh else "Header language"),
    ]  # fmt: skip
    ws.write_row(0, 0, ["key", "value", "说明" if zh else "What"], head)
    for i, (key, value, what) in enumerate(info, start=1):
        ws.write_string(i, 0, key)
        ws.write(i, 1, value)
        ws.write_string(i, 2, what)
    row = len(info) + 2
    ws.write_row(row, 0, ["sheet", "table", "rows"], head)
    for i, (name, t, n) in enumerate(counts, start=row + 1):
        ws.write_string(i, 0, name)
        ws.write_string(i, 1, t.key)
        ws.write_number(i, 2, n)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 40)


def export_csv(
    store: Store, actor: Actor, table_key: str, *, lang: str = "zh", unmasked: bool = False
) -> bytes:
    """One table as CSV with a UTF-8 BOM (so Excel shows the Chinese), every text cell and
    header formula-safe; numbers stay numbers (a negative number is not a formula)."""
    masks = masks_for(actor, unmasked)
    t = table(table_key)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(f.label(lang)) for f in t.fields])
    yes, no = i18n.t("io.yes", lang), i18n.t("io.no", lang)
    for row in _rows(store, t):
        cells: list[Any] = []
        for f in t.fields:
            value = _shown(t, f, row.get(f.key), masks, lang)
            if value is None:
                cells.append("")
            elif isinstance(value, bool):
                cells.append(yes if value else no)
            elif isinstance(value, int | float):
                cells.append(to_text(f, value) if f.type == "number" else str(value))
            elif isinstance(value, dt.date):
                cells.append(value.isoformat())
            else:
                cells.append(csv_safe(value))
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template(table_key: str, lang: str = "zh") -> bytes:
    """An empty workbook for people to fill in: the table's field labels as the header, a
    line saying which are required, the choices offered as drop-down lists."""
    t = table(table_key)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    head = wb.add_format({"bold": True, "bg_color": "#dfe7ef", "border": 1})
    note = wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True})
    textcol = wb.add_format({"num_format": "@"})  # typed as text: an ID keeps its 18 digits
    ws = wb.add_worksheet(sheet_name(t.label(lang), set()))
    for j, f in enumerate(t.user_fields):
        ws.write_string(0, j, f.label(lang) + (" *" if f.required else ""), head)
        hint = _template_hint(f, lang)
        ws.write_string(1, j, hint, note)
        fmt = textcol if f.type in ("text", "ref") else None
        ws.set_column(j, j, max(12, min(30, len(hint))), fmt)
        if f.type == "choice":
            labels = [c.zh if lang == "zh" else c.en for c in f.choices]
            ws.data_validation(2, j, 1000, j, {"validate": "list", "source": labels})
    ws.freeze_panes(2, 0)
    wb.close()
    return buf.getvalue()


def _template_hint(f: Field, lang: str) -> str:
    zh = lang == "zh"
    parts = [("必填" if zh else "required") if f.required else ("选填" if zh else "optional")]
    if f.type == "date":
        parts.append("如 2026-03-05" if zh else "e.g. 2026-03-05")
    elif f.type == "ref":
        other = table(f.ref or "")
        parts.append(f"填{other.zh}名称" if zh else f"the {other.en} name")
    elif f.type == "choice":
        parts.append("从下拉列表选" if zh else "pick from the list")
    elif f.fmt == "id_number":
        parts.append("18位，文本格式" if zh else "18 characters, as text")
    return "，".join(parts) if zh else ", ".join(parts)
