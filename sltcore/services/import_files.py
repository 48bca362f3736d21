"""Reading the office's spreadsheet files into grids of cells, whatever program wrote them.

`.xlsx` and `.xls` (Excel, WPS) are read by python-calamine: numbers arrive as floats, dates as
`datetime.date`/`datetime`, a formula as the value it last computed (nothing is ever run).
Merged cells hold their value in the top-left cell only; a cell merged DOWN a column (a
community written once beside all its people) is filled into every row it covers, and each
such block is noted so the report can say so. `.csv` files arrive in UTF-8, UTF-8 with a BOM,
UTF-16 (Excel's "Unicode text") or GBK/GB18030 (what Chinese Excel writes by default): the
encoding is found from the bytes, never assumed.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from sltcore.errors import DeskError
from sltcore.exports.cells import csv_unsafe

MAX_BYTES = 50 * 1024 * 1024  # an office file is a few MB; this refuses a mistaken upload
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportFileError(DeskError):
    """The file as a whole cannot be read (not a spreadsheet, unknown encoding, damaged)."""


@dataclass
class Merged:
    """A merged block, 0-based and inclusive."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass
class Sheet:
    """One worksheet: `rows[i]` is the file's row i + 1, every row as wide as the widest."""

    name: str
    rows: list[list[Any]]
    merged: list[Merged] = field(default_factory=list)
    hidden: bool = False

    def own(self, i: int) -> list[Any]:
        """Row i's cells, without the values a merged block filled into it from above."""
        out = list(self.rows[i])
        for m in self.merged:
            if m.first_row < i <= m.last_row and m.first_col < len(out):
                out[m.first_col] = None
        return out

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass
class SourceFile:
    name: str
    kind: str  # "xlsx", "xls" or "csv"
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only: the encoding the bytes were read in

    def sheet(self, name: str | None) -> Sheet:
        if name is None:
            return self.sheets[0]
        for s in self.sheets:
            if s.name == name:
                return s
        names = "、".join(s.name for s in self.sheets)
        raise ImportFileError(
            f"文件中没有名为“{name}”的工作表（有：{names}）",
            f"the file has no sheet named “{name}” (it has: {names})",
        )


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def kind_of(data: bytes, filename: str) -> str:
    """xlsx, xls or csv, from the bytes first (a file renamed by hand), then the name."""
    if data.startswith(_XLSX_MAGIC):
        return "xlsx"
    if data.startswith(_XLS_MAGIC):
        return "xls"
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".xlsx", ".xls", ".xlsm", ".et"):
        raise ImportFileError(
            f"“{filename}”不是有效的 Excel 文件（可能已损坏，或是改了扩展名的其他文件）",
            f"“{filename}” is not a valid Excel file (damaged, or another file renamed)",
        )
    return "csv"


def read_file(data: bytes, filename: str) -> SourceFile:
    """Every worksheet of an xlsx/xls file (visible ones first), or the one sheet of a CSV."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"文件太大（{len(data) // 1024 // 1024} MB），最多 {MAX_BYTES // 1024 // 1024} MB",
            f"the file is too large ({len(data) // 1024 // 1024} MB; at most "
            f"{MAX_BYTES // 1024 // 1024} MB)",
        )
    if not data.strip():
        raise ImportFileError("文件是空的", "the file is empty")
    kind = kind_of(data, filename)
    if kind == "csv":
        return _read_csv(data, filename)
    return _read_workbook(data, filename, kind)


def _cell(value: Any) -> Any:
    """A calamine value as the desk reads it: text, float, bool, date, datetime or time."""
    if value is None or value == "":
        return None
    if isinstance(value, str | bool | int | float | dt.date | dt.time):
        return value
    if isinstance(value, dt.timedelta):  # a duration cell: as a fraction of a day
        return value.total_seconds() / 86400
    return str(value)


def _read_workbook(data: bytes, filename: str, kind: str) -> SourceFile:
    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as err:
        raise ImportFileError(
            f"无法读取“{filename}”：{err}。如果文件有密码，请先去掉密码再导入",
            f"cannot read “{filename}”: {err}. If it has a password, remove it first",
        ) from None
    sheets: list[Sheet] = []
    for meta in wb.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        try:
            sh = wb.get_sheet_by_name(meta.name)
            grid = [[_cell(v) for v in row] for row in sh.to_python(skip_empty_area=False)]
            ranges = sh.merged_cell_ranges or []
        except (CalamineError, ValueError) as err:
            raise ImportFileError(
                f"工作表“{meta.name}”无法读取：{err}", f"sheet “{meta.name}” cannot be read: {err}"
            ) from None
        merged = [Merged(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
        sheets.append(
            Sheet(
                meta.name,
                _fill_down(grid, merged),
                merged,
                meta.visible != SheetVisibleEnum.Visible,
            )
        )
    if not sheets:
        raise ImportFileError("文件中没有工作表", "the file has no worksheet")
    sheets.sort(key=lambda s: s.hidden)
    return SourceFile(filename, kind, sheets)


def _fill_down(grid: list[list[Any]], merged: list[Merged]) -> list[list[Any]]:
    """Square the grid, and give every row of a block merged down a column its value (in the
    block's first column: a value merged ACROSS columns stays in the first one only)."""
    width = max((len(r) for r in grid), default=0)
    for m in merged:
        width = max(width, m.last_col + 1)
    height = max([len(grid), *(m.last_row + 1 for m in merged)]) if merged else len(grid)
    rows = [list(r) + [None] * (width - len(r)) for r in grid]
    rows += [[None] * width for _ in range(height - len(rows))]
    for m in merged:
        value = rows[m.first_row][m.first_col]
        for r in range(m.first_row + 1, m.last_row + 1):
            rows[r][m.first_col] = value
    return rows


# --- CSV -------------------------------------------------------------------------------------


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of CSV bytes: a BOM decides; else UTF-8 if it is valid; else
    GB18030, the superset of GBK that Chinese Excel and WPS write."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GBK/GB18030"
    except UnicodeDecodeError:
        raise ImportFileError(
            "无法识别文件的文字编码（不是 UTF-8，也不是 GBK）：请在 Excel 中“另存为”xlsx 后再导入",
            "the file's text encoding is neither UTF-8 nor GBK: save it as .xlsx in Excel "
            "and import that",
        ) from None


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        return "\t" if sample.count("\t") > sample.count(",") else ","


def _read_csv(data: bytes, filename: str) -> SourceFile:
    text, encoding = decode(data)
    if "\x00" in text:
        raise ImportFileError(
            f"“{filename}”看起来不是表格文件（含有二进制内容）",
            f"“{filename}” does not look like a spreadsheet (binary content)",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        grid = [[csv_unsafe(c) if c.strip() else None for c in row] for row in reader]
    except csv.Error as err:
        raise ImportFileError(
            f"CSV 文件格式有误：{err}", f"the CSV file is malformed: {err}"
        ) from None
    name = PurePath(filename).stem or "CSV"
    return SourceFile(filename, "csv", [Sheet(name, _fill_down(grid, []))], encoding)
