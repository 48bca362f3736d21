"""Between the desk's rows and a sheet's cells: A1 names, cell values, grid data, one tab.

Values go out as `userEnteredValue` with `stringValue`, `numberValue` or `boolValue` (never
`formulaValue`), so text that starts with `=` stays text, as with `valueInputOption=RAW`:
no value a person typed becomes a formula (OWASP ASVS 1.2.10).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sltcore.codec import to_text
from sltcore.schema import Field, Table

JSON = dict[str, Any]
Row = dict[str, Any]
_KEY_RE = re.compile(r"/spreadsheets/d/([a-zA-Z0-9-_]+)")


def spreadsheet_key(url_or_key: str) -> str:
    m = _KEY_RE.search(url_or_key)
    return m.group(1) if m else url_or_key.strip()


def quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def to_cell(f: Field, value: Any) -> Any:
    """The JSON value of a field: numbers stay numbers, the rest is canonical text."""
    if value is None or value == ():
        return ""
    if f.type in ("int", "number"):
        return value
    if f.type == "bool":
        return bool(value)
    return to_text(f, value)


def cell_data(value: Any) -> JSON:
    """A CellData that writes `value` literally; `{}` (with fields=userEnteredValue) clears."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def row_data(values: Iterable[Any]) -> JSON:
    return {"values": [cell_data(v) for v in values]}


def cell_value(cell: Mapping[str, Any]) -> Any:
    """What `UNFORMATTED_VALUE` + `SERIAL_NUMBER` would return for one CellData."""
    eff = cell.get("effectiveValue") or {}
    for key in ("stringValue", "numberValue", "boolValue"):
        if key in eff:
            return eff[key]
    if "errorValue" in eff:
        return cell.get("formattedValue", "#ERROR!")
    return ""


def grid_rows(spreadsheet: Mapping[str, Any]) -> dict[str, dict[int, list[Any]]]:
    """title -> {1-based row number: values} from a Spreadsheet resource with grid data."""
    out: dict[str, dict[int, list[Any]]] = {}
    for sheet in spreadsheet.get("sheets", []):
        title = sheet.get("properties", {}).get("title", "")
        rows = out.setdefault(title, {})
        for grid in sheet.get("data", []) or []:
            r0 = int(grid.get("startRow", 0))
            c0 = int(grid.get("startColumn", 0))
            for i, rd in enumerate(grid.get("rowData", []) or []):
                values = [cell_value(c or {}) for c in (rd or {}).get("values", []) or []]
                if c0:
                    have = rows.get(r0 + i + 1, [])
                    values = (have + [""] * c0)[:c0] + values
                while values and values[-1] == "":
                    values.pop()
                rows[r0 + i + 1] = values
    return out


@dataclass
class Tab:
    """One table's tab as last read: where each row is, and its parsed rows."""

    table: Table
    title: str
    sheet_id: int
    headers: list[str]
    col_of: dict[str, int]  # field key -> 0-based column
    rows: dict[str, Row] = field(default_factory=dict)  # id -> canonical row (incl. archived)
    row_no: dict[str, int] = field(default_factory=dict)  # id -> sheet row (1-based)
    last_row: int = 1  # the last row holding anything (the header is row 1)
    last_values: list[Any] = field(default_factory=list)  # what that row held, to spot shifts

    @property
    def width(self) -> int:
        return max([len(self.headers), *(c + 1 for c in self.col_of.values())])

    @property
    def last_column(self) -> str:
        return column_letter(self.width - 1)

    def values_for(self, row: Row) -> list[Any]:
        out: list[Any] = [""] * self.width
        for f in self.table.fields:
            out[self.col_of[f.key]] = to_cell(f, row.get(f.key))
        return out

    def runs(self, keys: Sequence[str]) -> list[tuple[int, int]]:
        """Contiguous runs of these fields' columns (start, end inclusive)."""
        cols = sorted(self.col_of[k] for k in keys)
        runs: list[tuple[int, int]] = []
        for c in cols:
            if runs and runs[-1][1] == c - 1:
                runs[-1] = (runs[-1][0], c)
            else:
                runs.append((c, c))
        return runs

    def same_last_row(self, values: Sequence[Any]) -> bool:
        """Is `values` (read now at `last_row`) still the row we knew there? By its id when it
        has one (its other cells may have changed since), else cell by cell."""
        i = self.col_of.get("id")
        known = self.last_values[i] if i is not None and i < len(self.last_values) else ""
        if str(known).strip():
            now = values[i] if i is not None and i < len(values) else ""
            return str(now).strip() == str(known).strip()
        return same_values(values, self.last_values)

    def row_range(self, first: int, last: int | None = None) -> str:
        end = "" if last is None else str(last)
        return f"{quote_title(self.title)}!A{first}:{self.last_column}{end}"


def same_values(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Two rows of cells hold the same (numbers and their text compare equal)."""

    def norm(v: Any) -> str:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    a2, b2 = [norm(v) for v in a], [norm(v) for v in b]
    while a2 and a2[-1] == "":
        a2.pop()
    while b2 and b2[-1] == "":
        b2.pop()
    return a2 == b2
