"""The whole store as one workbook, one table as CSV: what people take away, and the backup.

`export_workbook` writes a sheet per table (every row, archived ones and the audit log
included), headed by the fields' labels in Chinese (or English), then a sheet "导出说明"
saying what the file is. Values are typed cells: dates are dates, numbers numbers, yes/no
booleans; references are the rows' ids; choices are their labels. Read back by
`sltcore.services.restore`, such a workbook gives the same data again, so it is the portable
backup and the way from the local store to a Google Sheet and back.

Who gets what is decided here, not only in a page:

- Tables: the audit log, the accounts and everyone's preferences go only to an account that
  may read the audit log (`auth.can(actor, "audit")`: the administrators); the others get
  workbooks without those sheets (`exportable`), and asking for one of them alone (a CSV, or
  a workbook of only such tables) is refused.
- Personal data, row by row (`sltcore.privacy.export_masks`): ID numbers masked
  (`110105********1234`); phones and addresses masked unless `privacy.may_see` allows them for
  the row's community (its community field, else that of the row its `scope_via` names); a
  read-only account sees beneficiaries by surname. Password digests are only in an
  administrator's unmasked backup.
- Everything in full (`unmasked=True`) only for an administrator (refused for anyone else),
  and each such file leaves one audit row `export` (`privacy.log_export`), written before the
  file is made, so a backup holds its own note.

Text cells are formula-safe (`sltcore.exports.cells`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import xlsxwriter

from sltcore import auth, clock, i18n, privacy
from sltcore.auth import Actor
from sltcore.codec import frame_rows, to_text
from sltcore.errors import DeskError, PermissionDenied
from sltcore.exports.cells import csv_safe, looks_like_formula
from sltcore.exports.report import WORKBOOK_OPTIONS, sheet_name
from sltcore.schema import AUDIT_TABLE, TABLES, Field, Table, table
from sltcore.store.base import Row, Store

FORMAT = "sanlitun-desk-workbook"
FORMAT_VERSION = 1
META_SHEET = {"zh": "导出说明", "en": "About this file"}
EXCEL_CELL_LIMIT = 32_767  # characters in one Excel cell
SECRET_FIELDS = {("accounts", "password_hash")}
Progress = Callable[[float, str], Any] | None


# Tables only an account that may read the audit log exports (the others never see them).
AUDIT_READERS_ONLY = (AUDIT_TABLE, "accounts", "preferences")


def exportable(actor: Actor) -> list[Table]:
    """The tables `actor` may export: all of them for whoever may read the audit log; for the
    others all but the audit log, the accounts and everyone's preferences."""
    if auth.can(actor, "audit"):
        return list(TABLES)
    return [t for t in TABLES if t.key not in AUDIT_READERS_ONLY]


def _check_table(actor: Actor, t: Table) -> None:
    if t.key in AUDIT_READERS_ONLY and not auth.can(actor, "audit"):
        raise PermissionDenied(
            f"只有可以查看操作日志的管理员才能导出“{t.zh}”。",
            f"Only an administrator, who may read the audit log, can export {t.en}.",
        )


def _check_unmasked(actor: Actor, unmasked: bool) -> None:
    if unmasked and not auth.can(actor, "export_full"):
        raise PermissionDenied(
            "只有管理员可以导出完整的身份证号；其他账号导出的文件中身份证号已打码。",
            "Only an administrator can export full ID numbers; other accounts get them masked.",
        )


def _blank(_value: Any) -> None:
    return None


class _Masks:
    """What each row of an export masks (see the module docstring), and which kinds of data
    the file ended up masking (for its "导出说明" sheet)."""

    def __init__(self, store: Store, actor: Actor, unmasked: bool) -> None:
        self.store, self.actor, self.unmasked = store, actor, unmasked
        self.kinds: set[str] = set() if unmasked else {"id_number"}
        self._by_community: dict[tuple[str, Any], dict[str, Callable[[Any], Any]]] = {}
        self._communities: dict[str, dict[str, Any]] = {}

    def of(self, t: Table, row: Row) -> Mapping[str, Callable[[Any], Any]]:
        if self.unmasked:
            return {}
        key = (t.key, self.community(t, row))
        if key not in self._by_community:
            masks = privacy.export_masks(self.actor, t, key[1])
            self.kinds |= privacy.masked_kinds(t, masks)
            masks.update({f: _blank for tk, f in SECRET_FIELDS if tk == t.key})
            self._by_community[key] = masks
        return self._by_community[key]

    def community(self, t: Table, row: Row) -> Any:
        """The row's community: its community field, else that of the row `scope_via` names
        (a certificate's volunteer, a team member's team ...); None for the others."""
        if t.community_field:
            return row.get(t.community_field)
        if t.scope_via:
            return self._community_of(t.field(t.scope_via).ref or "").get(row.get(t.scope_via))
        return None

    def _community_of(self, key: str) -> dict[str, Any]:
        if key not in self._communities:
            t = table(key)
            self._communities[key] = {r["id"]: self.community(t, r) for r in _rows(self.store, t)}
        return self._communities[key]


def _rows(store: Store, t: Table) -> list[Row]:
    return frame_rows(t, store.read(t.key, include_archived=True))


def _gather(
    store: Store, actor: Actor, chosen: list[Table], unmasked: bool, source: str
) -> dict[str, list[Row]]:
    """The rows of each chosen table; for a file with everything in full, the audit row
    saying so is written first (so a backup's audit log holds its own note)."""
    for t in chosen:
        _check_table(actor, t)
    rows = {t.key: _rows(store, t) for t in chosen}
    if unmasked:
        privacy.log_export(store, actor, source, {k: len(v) for k, v in rows.items()})
        if AUDIT_TABLE in rows:
            rows[AUDIT_TABLE] = _rows(store, table(AUDIT_TABLE))
    return rows


def _shown(f: Field, value: Any, mask: Callable[[Any], Any] | None, lang: str) -> Any:
    """The value as the file holds it (None for an empty cell)."""
    if value is None or value == ():
        return None
    if mask is not None:
        return mask(value)
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
    file_name: str = "",
) -> bytes:
    """Every table `actor` may export (or `tables`) as one xlsx workbook; see the module
    docstring. `file_name` names the file in the audit row of an unmasked export."""
    _check_unmasked(actor, unmasked)
    allowed = exportable(actor)
    asked = [table(k) for k in tables] if tables is not None else allowed
    chosen = [t for t in asked if t in allowed]  # without the sheets `actor` may not have
    if asked and not chosen:
        _check_table(actor, asked[0])  # only tables they may not have: refused, not emptied
    data = _gather(store, actor, chosen, unmasked, file_name or "workbook.xlsx")
    masker = _Masks(store, actor, unmasked)
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
        rows = data[t.key]
        name = sheet_name(t.label(lang), taken)
        ws = wb.add_worksheet(name)
        for j, f in enumerate(t.fields):
            ws.write_string(0, j, f.label(lang), head)
            ws.set_column(j, j, 12 if f.type != "longtext" else 30)
        for i, row in enumerate(rows, start=1):
            masks = masker.of(t, row)
            for j, f in enumerate(t.fields):
                value = _shown(f, row.get(f.key), masks.get(f.key), lang)
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
    _meta_sheet(wb, store, actor, lang, masker.kinds, counts, head)
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
    store: Store,
    actor: Actor,
    table_key: str,
    *,
    lang: str = "zh",
    unmasked: bool = False,
    file_name: str = "",
) -> bytes:
    """One table as CSV with a UTF-8 BOM (so Excel shows the Chinese), every text cell and
    header formula-safe; numbers stay numbers (a negative number is not a formula). Masked
    and refused as the workbook is (see the module docstring)."""
    _check_unmasked(actor, unmasked)
    t = table(table_key)
    rows = _gather(store, actor, [t], unmasked, file_name or f"{table_key}.csv")[t.key]
    masker = _Masks(store, actor, unmasked)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(f.label(lang)) for f in t.fields])
    yes, no = i18n.t("io.yes", lang), i18n.t("io.no", lang)
    for row in rows:
        cells: list[Any] = []
        masks = masker.of(t, row)
        for f in t.fields:
            value = _shown(f, row.get(f.key), masks.get(f.key), lang)
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
