"""Spreadsheets as the office keeps them, generated for the import tests (nothing stored).

Each builder reproduces a quirk of real files: title rows above the header (merged across the
columns), Chinese header synonyms, a community merged down its rows, dates as text, serial
numbers or `1985年3月`, ID and phone numbers typed as numbers, blank rows, a totals row and a
note under the table, several sheets, notes that look like formulas, CSV in UTF-8, UTF-8 with
a BOM, GBK and GB18030, and .xls (converted by LibreOffice).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from sltcore.identity import make_id_number

HEADER = ["序号", "姓名", "性别", "出生年月", "身份证号码", "联系电话", "所属社区", "志愿者类型",
          "备注"]  # fmt: skip
_seq = iter(range(1, 10**6))


@dataclass
class Person:
    name: str
    sex: str = "女"
    birth: dt.date = dt.date(1985, 3, 5)
    community: str = "幸福一村"
    membership: str = "居民志愿者"
    notes: str | None = None
    mobile: str = ""
    id_number: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = next(_seq)
        if not self.mobile:
            self.mobile = f"137{n:08d}"
        while not self.id_number or self.id_number.endswith(("X", "000")):
            # a check character X cannot be typed as a number: keep every fixture's IDs digits;
            # and an import takes an ID ending in 000 for one Excel cut to 15 digits
            self.id_number = make_id_number(
                "110105", self.birth, n, "F" if self.sex == "女" else "M"
            )
            n = next(_seq)


def people(n: int, community: str = "幸福一村") -> list[Person]:
    names = [
        "王芳",
        "李强",
        "张伟",
        "刘洋",
        "陈静",
        "杨帆",
        "赵敏",
        "黄磊",
        "周杰",
        "吴霞",
        "徐丽",
        "孙浩",
    ]
    return [
        Person(f"{names[i % len(names)]}{i // len(names) or ''}",
               sex="女" if i % 2 == 0 else "男",
               birth=dt.date(1950 + i % 50, 1 + i % 12, 1 + i % 28), community=community)
        for i in range(n)
    ]  # fmt: skip


def excel_number(id_number: str) -> int:
    """What a number cell keeps of an 18-digit ID number: its first 15 significant digits,
    rounded as Excel rounds them, then zeros (110105198503054321 -> 110105198503054000)."""
    return int(Decimal(id_number).quantize(Decimal("1E3"), rounding=ROUND_HALF_UP))


def office_row(i: int, p: Person, birth: str = "date", numbers: bool = False) -> list[Any]:
    """A register line as the office types it. `birth`: date | text | serial | month;
    `numbers`: ID and phone typed into number cells (what Excel does by default)."""
    value: Any
    if birth == "date":
        value = p.birth
    elif birth == "text":
        value = f"{p.birth.year}年{p.birth.month}月{p.birth.day}日"
    elif birth == "serial":
        value = (p.birth - dt.date(1899, 12, 30)).days
    else:
        value = f"{p.birth.year}年{p.birth.month}月"
    idn: Any = float(excel_number(p.id_number)) if numbers else p.id_number
    mobile: Any = int(p.mobile) if numbers else p.mobile
    return [i, p.name, p.sex, value, idn, mobile, p.community, p.membership, p.notes]


def _title(ws: Worksheet, lines: Sequence[str], width: int) -> None:
    for n, text in enumerate(lines, start=1):
        ws.cell(n, 1, text)
        ws.merge_cells(start_row=n, start_column=1, end_row=n, end_column=width)


def _text_cell(ws: Worksheet, row: int, col: int, value: str) -> None:
    """A cell holding text that looks like a formula (Excel's `'=...`), not a formula."""
    cell = ws.cell(row, col, value)
    cell.data_type = "s"


def register_xlsx(
    persons: Sequence[Person],
    *,
    title: Sequence[str] = ("三里屯街道志愿者登记表", "填报单位：社区居委会"),
    header: Sequence[str] = HEADER,
    birth: str = "date",
    numbers: bool = False,
    blank_after: Sequence[int] = (),
    totals: bool = True,
    footer: str | None = "制表人：张红  审核人：李明",
    merge_community: bool = False,
    sheet: str = "志愿者名单",
    extra_sheets: Sequence[tuple[str, list[list[Any]]]] = (),
) -> bytes:
    """The office's volunteer register (see the module docstring)."""
    wb = openpyxl.Workbook()
    for name, rows in extra_sheets:
        other = wb.create_sheet(name)
        for r in rows:
            other.append(r)
    ws = wb.active
    ws.title = sheet
    wb.move_sheet(ws, offset=len(extra_sheets))
    _title(ws, title, len(header))
    ws.append(list(header))
    first = ws.max_row + 1
    for i, p in enumerate(persons, start=1):
        row = office_row(i, p, birth, numbers)
        ws.append(row[: len(header)])
        if p.notes and p.notes.startswith(("=", "+", "-", "@")):
            _text_cell(ws, ws.max_row, header.index("备注") + 1, p.notes)
        if i in blank_after:
            ws.append([])
    last = ws.max_row
    if merge_community:
        col = header.index("所属社区") + 1
        for r in range(first + 1, last + 1):
            ws.cell(r, col).value = None
        ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
    if totals:
        ws.append([None, "合计", None, None, None, None, None, None, f"{len(persons)}人"])
        ws.cell(ws.max_row, 1, f"=COUNTA(B{first}:B{last})")  # a real formula, no cached value
    if footer:
        ws.append([])
        ws.append([footer])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_xlsx(rows: Sequence[Sequence[Any]], title: str | None = None, sheet: str = "Sheet1"):
    """A plain sheet: an optional merged title row, then `rows` (the first is the header)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        _title(ws, [title], len(rows[0]))
    for r in rows:
        ws.append(list(r))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # typed as text (Excel's '=...), not a formula
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def register_csv(
    persons: Sequence[Person], encoding: str, delimiter: str = ",", lost_digits: bool = False
) -> bytes:
    """The register saved as CSV: `utf-8`, `utf-8-sig` (with a BOM), `gbk` or `gb18030`.
    `lost_digits`: the ID numbers were typed into number cells shown with every digit (format
    "0"), so the CSV holds what Excel kept of them as text: 15 digits and 000."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(HEADER)
    for i, p in enumerate(persons, start=1):
        row = office_row(i, p, "text")
        if lost_digits:
            row[HEADER.index("身份证号码")] = str(excel_number(p.id_number))
        w.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding)


def to_xls(xlsx: bytes, tmp: Path | None = None) -> bytes:
    """The same workbook saved as Excel 97-2003 .xls, by LibreOffice."""
    if shutil.which("soffice") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice is not installed; .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    with tempfile.TemporaryDirectory(dir=tmp) as d:
        src = Path(d) / "register.xlsx"
        src.write_bytes(xlsx)
        done = subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{d}/lo-profile", "--headless",
             "--convert-to", "xls", str(src), "--outdir", d],
            capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return (Path(d) / "register.xls").read_bytes()
