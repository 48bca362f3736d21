"""The workbook model: cells, sheets, spreadsheets, and how values go in and come out.

Pure data plus the value rules (RAW vs USER_ENTERED parsing, FORMATTED/UNFORMATTED/FORMULA
rendering, Google's error shape), with no locking and no HTTP; ``state.Workbook`` owns the
lock and the API operations.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from .a1 import format_range
from .dates import NumberFormat, format_serial, parse_date

Scalar = str | int | float | bool

JSON = dict[str, Any]

CELL_LIMIT = 10_000_000  # Google's per-spreadsheet cell limit
DEFAULT_ROWS = 1000
DEFAULT_COLS = 26

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


class ApiError(Exception):
    """An error answered with Google's JSON error body."""

    def __init__(self, code: int, message: str, status: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_NAMES.get(code, "UNKNOWN")

    def body(self) -> JSON:
        """Google's shape: {"error": {"code", "message", "status"}}."""
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def invalid(message: str) -> ApiError:
    """400 INVALID_ARGUMENT, Google's answer to nearly every bad request."""
    return ApiError(400, message)


def not_found() -> ApiError:
    """404 for an unknown spreadsheet id, worded as Google does."""
    return ApiError(404, "Requested entity was not found.")


@dataclass(frozen=True)
class Cell:
    """One stored cell. ``formula`` is set only for USER_ENTERED "=..." input.

    ``value`` is the literal (RAW or parsed USER_ENTERED) value, or for a formula the result of
    a simple arithmetic evaluation, None when the emulator cannot evaluate it. ``fmt`` is the
    number format a typed date gave the cell (a date is its serial number in ``value``).
    """

    value: Scalar | None = None
    formula: str | None = None
    fmt: NumberFormat | None = None

    @property
    def is_formula(self) -> bool:
        """True when the cell holds a formula (what "no value becomes a formula" tests check)."""
        return self.formula is not None


EMPTY = Cell()

_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_ARITH: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _eval_arith(node: ast.AST) -> float:
    if isinstance(node, ast.Expression):
        return _eval_arith(node.body)
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        return _ARITH[type(node.op)](_eval_arith(node.left), _eval_arith(node.right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in _ARITH:
        return _ARITH[type(node.op)](_eval_arith(node.operand))
    raise ValueError("not simple arithmetic")


def evaluate_formula(formula: str) -> Scalar | None:
    """Evaluate "=1+1"-style arithmetic; anything else (functions, references) gives None."""
    expr = formula[1:].strip()
    if not expr or len(expr) > 200:
        return None
    try:
        return normalize_number(_eval_arith(ast.parse(expr, mode="eval")))
    except (ValueError, SyntaxError, ZeroDivisionError, TypeError, OverflowError):
        return None


def normalize_number(value: float) -> int | float:
    """1.0 -> 1: Google's JSON never writes a trailing ".0"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def format_number(value: int | float) -> str:
    """FORMATTED_VALUE of a number under the default automatic format (1 -> "1", 1.5 -> "1.5")."""
    value = normalize_number(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return "#NUM!"
    text = format(value, ".15g")
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    return text


def parse_input(value: Any, user_entered: bool, where: str, locale: str = "en_US") -> Cell | None:
    """One input value -> a Cell, None for "clear this cell".

    RAW keeps every value literally (a string "=1+1" stays that string). USER_ENTERED parses
    like typing into the UI: "=..." becomes a formula, numeric text a number, TRUE/FALSE a
    boolean, a date (see ``dates``) its serial number with a date format, and a leading
    apostrophe forces text. JSON null is handled by the caller (skip).
    """
    if isinstance(value, bool):
        return Cell(value)
    if isinstance(value, int | float):
        return Cell(normalize_number(value))
    if not isinstance(value, str):
        kind = "struct_value" if isinstance(value, dict) else "list_value"
        raise invalid(f"Invalid {where}: {kind}")
    if value == "":
        return None
    if user_entered:
        if value.startswith("=") and len(value) > 1:
            return Cell(evaluate_formula(value), formula=value)
        if value.startswith("'"):
            return Cell(value[1:]) if len(value) > 1 else None
        stripped = value.strip()
        if _NUMBER.fullmatch(stripped):
            return Cell(normalize_number(float(stripped)))
        if stripped.upper() in ("TRUE", "FALSE"):
            return Cell(stripped.upper() == "TRUE")
        typed_date = parse_date(stripped, locale)
        if typed_date is not None:
            return Cell(typed_date[0], fmt=typed_date[1])
    return Cell(value)


def render(cell: Cell, option: str, date_option: str = "SERIAL_NUMBER") -> Scalar:
    """A stored cell as Google returns it for valueRenderOption ``option``.

    ``date_option`` (dateTimeRenderOption) matters only for cells with a date format and only
    when ``option`` is not FORMATTED_VALUE: SERIAL_NUMBER gives the number, FORMATTED_STRING
    the date as shown.
    """
    if option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = cell.value
    if value is None:
        return cell.formula or ""
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if option == "FORMATTED_VALUE" else value
    if isinstance(value, int | float):
        fmt = cell.fmt
        shown = option == "FORMATTED_VALUE" or date_option == "FORMATTED_STRING"
        if fmt is not None and fmt.is_date and shown:
            return format_serial(value, fmt.pattern)
        if option == "FORMATTED_VALUE":
            return format_number(value)
    return value


@dataclass
class Sheet:
    """One tab: grid size plus sparse rows of cells (rows/cols beyond the data are empty)."""

    sheet_id: int
    title: str
    index: int
    row_count: int = DEFAULT_ROWS
    col_count: int = DEFAULT_COLS
    frozen_rows: int = 0
    frozen_cols: int = 0
    hidden: bool = False
    rows: list[list[Cell | None]] = field(default_factory=list)

    def clone(self) -> Sheet:
        """Copy sharing the immutable Cells: cheap snapshot for atomic batch requests."""
        return replace(self, rows=[list(row) for row in self.rows])

    def properties(self) -> JSON:
        """SheetProperties as Google returns them (optional fields only when set)."""
        grid: JSON = {"rowCount": self.row_count, "columnCount": self.col_count}
        if self.frozen_rows:
            grid["frozenRowCount"] = self.frozen_rows
        if self.frozen_cols:
            grid["frozenColumnCount"] = self.frozen_cols
        props: JSON = {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": grid,
        }
        if self.hidden:
            props["hidden"] = True
        return props

    def get(self, row: int, col: int) -> Cell | None:
        """Cell at 0-based (row, col), None when empty."""
        if row < len(self.rows):
            cells = self.rows[row]
            if col < len(cells):
                return cells[col]
        return None

    def put(self, row: int, col: int, cell: Cell | None, keep_format: bool = True) -> None:
        """Store (or clear, with None) one cell, keeping rows trimmed.

        A value written without a format of its own keeps the cell's number format, as in
        Google where formats are separate from values (a number written into a date cell
        still shows as a date). Clearing drops the format too (Google keeps it).
        """
        if cell is None:
            if row < len(self.rows) and col < len(self.rows[row]):
                self.rows[row][col] = None
                self._trim(row)
            return
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        old = cells[col]
        if keep_format and old is not None and old.fmt is not None and cell.fmt is None:
            cell = replace(cell, fmt=old.fmt)
        cells[col] = cell

    def _trim(self, row: int) -> None:
        cells = self.rows[row]
        while cells and cells[-1] is None:
            cells.pop()
        while self.rows and not self.rows[-1]:
            self.rows.pop()

    def has_data(self, row: int, c0: int, c1: int) -> bool:
        """Any non-empty cell in ``row`` between columns c0..c1 (inclusive, may be out of grid)."""
        if row < 0 or row >= len(self.rows):
            return False
        cells = self.rows[row]
        return any(c is not None for c in cells[max(c0, 0) : c1 + 1])

    def col_has_data(self, col: int, r0: int, r1: int) -> bool:
        """Any non-empty cell in ``col`` between rows r0..r1."""
        if col < 0:
            return False
        return any(
            col < len(cells) and cells[col] is not None for cells in self.rows[max(r0, 0) : r1 + 1]
        )

    def clear(self, r0: int, c0: int, r1: int, c1: int) -> None:
        """Empty every cell in the box."""
        for r in range(r0, min(r1, len(self.rows) - 1) + 1):
            cells = self.rows[r]
            for c in range(c0, min(c1, len(cells) - 1) + 1):
                cells[c] = None
        for r in range(min(r1, len(self.rows) - 1), r0 - 1, -1):
            if r < len(self.rows):
                self._trim(r)

    def insert_rows(self, start: int, count: int) -> None:
        """Shift rows at ``start`` and below down; the grid grows."""
        if start < len(self.rows):
            self.rows[start:start] = [[] for _ in range(count)]
        self.row_count += count

    def delete_rows(self, start: int, end: int) -> None:
        """Remove rows [start, end); the grid shrinks."""
        del self.rows[start:end]
        self.row_count -= end - start
        while self.rows and not self.rows[-1]:
            self.rows.pop()

    def insert_cols(self, start: int, count: int) -> None:
        """Shift columns at ``start`` and right of it; the grid widens."""
        for cells in self.rows:
            if start < len(cells):
                cells[start:start] = [None] * count
        self.col_count += count

    def delete_cols(self, start: int, end: int) -> None:
        """Remove columns [start, end); the grid narrows."""
        for r, cells in enumerate(self.rows):
            del cells[start:end]
            self.rows[r] = cells
        self.col_count -= end - start
        for r in range(len(self.rows) - 1, -1, -1):
            if r < len(self.rows):
                self._trim(r)

    def resize(self, rows: int | None = None, cols: int | None = None) -> None:
        """Set the grid size, dropping data outside it as Google does."""
        if rows is not None:
            del self.rows[rows:]
            self.row_count = rows
        if cols is not None:
            for cells in self.rows:
                del cells[cols:]
            self.col_count = cols
        for r in range(len(self.rows) - 1, -1, -1):
            if r < len(self.rows):
                self._trim(r)


@dataclass
class Spreadsheet:
    """A workbook: properties plus ordered sheets."""

    spreadsheet_id: str
    title: str
    sheets: list[Sheet]
    locale: str = "en_US"
    time_zone: str = "Etc/GMT"
    created: str = ""
    modified: str = ""

    def clone(self) -> Spreadsheet:
        """Snapshot used to make batch requests all-or-nothing."""
        return replace(self, sheets=[s.clone() for s in self.sheets])

    def restore(self, snapshot: Spreadsheet) -> None:
        """Roll back to ``snapshot`` (in place, so references to self stay valid)."""
        self.__dict__.update(snapshot.__dict__)

    def reindex(self) -> None:
        """Keep ``index`` equal to list position after adds, moves and deletes."""
        for i, sheet in enumerate(self.sheets):
            sheet.index = i

    def by_title(self, title: str) -> Sheet | None:
        """Exact title first, then case-insensitive (Google's titles are unique that way)."""
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        folded = title.casefold()
        for sheet in self.sheets:
            if sheet.title.casefold() == folded:
                return sheet
        return None

    def by_id(self, sheet_id: Any) -> Sheet | None:
        """Sheet with this sheetId; None if absent."""
        for sheet in self.sheets:
            if sheet.sheet_id == sheet_id:
                return sheet
        return None

    def first_visible(self) -> Sheet:
        """What an A1 range without a sheet name refers to."""
        return next((s for s in self.sheets if not s.hidden), self.sheets[0])

    def cell_count(self) -> int:
        """Grid cells across all sheets, checked against Google's 10M limit."""
        return sum(s.row_count * s.col_count for s in self.sheets)

    def metadata(self) -> JSON:
        """The spreadsheets.get body without grid data (``griddata`` adds ranges and data)."""
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
            },
            "sheets": [{"properties": sheet.properties()} for sheet in self.sheets],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


@dataclass(frozen=True)
class Box:
    """A resolved range: a sheet and an inclusive 0-based box inside (or at) its grid."""

    sheet: Sheet
    r0: int
    c0: int
    r1: int
    c1: int

    def a1(self) -> str:
        """Normalised A1 text, e.g. "Sheet1!A1:Z1000"."""
        return format_range(self.sheet.title, self.r0, self.c0, self.r1, self.c1)


def grid_error(box: Box) -> ApiError:
    """Google's 400 for a range outside the sheet's grid."""
    sheet = box.sheet
    return invalid(
        f"Range ({box.a1()}) exceeds grid limits. Max rows: {sheet.row_count},"
        f" max columns: {sheet.col_count}"
    )


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"
