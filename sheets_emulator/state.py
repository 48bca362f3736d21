"""The emulator's workbook model and the Sheets API v4 operations on it.

Everything here is plain Python, independent of HTTP, so the semantics (A1 resolution,
append's table detection, RAW vs USER_ENTERED, trimming) can be unit-tested directly and the
server stays a thin router. Every public operation takes the workbook lock, so one instance is
safe under ThreadingHTTPServer.
"""

from __future__ import annotations

import ast
import math
import operator
import random
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from .a1 import A1Error, ParsedRange, col_to_letters, format_range, parse_range

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

VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
DIMENSIONS = ("ROWS", "COLUMNS")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
INSERT_OPTIONS = ("OVERWRITE", "INSERT_ROWS")

# Formatting-only batchUpdate requests: accepted and ignored (the emulator keeps no formats).
FORMAT_ONLY_REQUESTS = frozenset(
    {
        "repeatCell",
        "updateBorders",
        "mergeCells",
        "unmergeCells",
        "autoResizeDimensions",
        "updateDimensionProperties",
        "setDataValidation",
        "setBasicFilter",
        "clearBasicFilter",
        "addConditionalFormatRule",
    }
)


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
    a simple arithmetic evaluation, None when the emulator cannot evaluate it.
    """

    value: Scalar | None = None
    formula: str | None = None

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


def parse_input(value: Any, user_entered: bool, where: str) -> Cell | None:
    """One input value -> a Cell, None for "clear this cell".

    RAW keeps every value literally (a string "=1+1" stays that string). USER_ENTERED parses
    like typing into the UI: "=..." becomes a formula, numeric text a number, TRUE/FALSE a
    boolean, and a leading apostrophe forces text. JSON null is handled by the caller (skip).
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
    return Cell(value)


def render(cell: Cell, option: str) -> Scalar:
    """A stored cell as Google returns it for valueRenderOption ``option``."""
    if option == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = cell.value
    if value is None:
        return cell.formula or ""
    if option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int | float):
            return format_number(value)
    return value


def _user_entered_value(cell: Cell) -> JSON:
    """ExtendedValue for includeGridData responses."""
    if cell.formula is not None:
        return {"formulaValue": cell.formula}
    return _extended(cell.value)


def _extended(value: Scalar | None) -> JSON:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": "" if value is None else value}


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

    def put(self, row: int, col: int, cell: Cell | None) -> None:
        """Store (or clear, with None) one cell, keeping rows trimmed."""
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

    def metadata(self, include_grid_data: bool = False) -> JSON:
        """The spreadsheets.get body."""
        sheets = []
        for sheet in self.sheets:
            entry: JSON = {"properties": sheet.properties()}
            if include_grid_data:
                entry["data"] = [_grid_data(sheet)]
            sheets.append(entry)
        return {
            "spreadsheetId": self.spreadsheet_id,
            "properties": {
                "title": self.title,
                "locale": self.locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": self.time_zone,
            },
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.spreadsheet_id}/edit",
        }


def _grid_data(sheet: Sheet) -> JSON:
    row_data = []
    for cells in sheet.rows:
        values = []
        for cell in cells:
            if cell is None:
                values.append({})
                continue
            entry: JSON = {"userEnteredValue": _user_entered_value(cell)}
            if cell.value is not None:
                entry["effectiveValue"] = _extended(cell.value)
            entry["formattedValue"] = render(cell, "FORMATTED_VALUE")
            values.append(entry)
        row_data.append({"values": values} if values else {})
    return {"rowData": row_data} if row_data else {}


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


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + "000Z"


def _enum(
    params: dict[str, str], name: str, snake: str, allowed: Sequence[str], default: str
) -> str:
    """Validate an enum query/body parameter with Google's error wording."""
    value = params.get(name) or default
    if value.endswith("_UNSPECIFIED"):
        return default
    if value not in allowed:
        type_name = {
            "value_render_option": "ValueRenderOption",
            "date_time_render_option": "DateTimeRenderOption",
            "major_dimension": "Dimension",
            "value_input_option": "ValueInputOption",
            "insert_data_option": "InsertDataOption",
            "response_value_render_option": "ValueRenderOption",
            "response_date_time_render_option": "DateTimeRenderOption",
        }[snake]
        raise invalid(
            f"Invalid value at '{snake}' (type.googleapis.com/google.apps.sheets.v4.{type_name}),"
            f' "{value}"'
        )
    return value


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1")


def _input_option(params: dict[str, str]) -> str:
    if not params.get("valueInputOption"):
        raise invalid("'valueInputOption' is required but not specified")
    return _enum(params, "valueInputOption", "value_input_option", INPUT_OPTIONS, "RAW")


class Workbook:
    """All spreadsheets held by one emulator, and the API operations on them."""

    def __init__(self, seed: int = 0, auto_create: bool = False) -> None:
        self.lock = threading.RLock()
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.auto_create = auto_create
        self._rng = random.Random(seed)

    # ----- administration (Python API) -----

    def _new_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        while True:
            sid = "1" + "".join(self._rng.choice(alphabet) for _ in range(43))
            if sid not in self.spreadsheets:
                return sid

    def _new_sheet_id(self, ss: Spreadsheet) -> int:
        while True:
            sheet_id = self._rng.randrange(1, 2**31)
            if ss.by_id(sheet_id) is None:
                return sheet_id

    def create(
        self,
        title: str = "Untitled spreadsheet",
        sheets: Sequence[str] = ("Sheet1",),
        spreadsheet_id: str | None = None,
        rows: int = DEFAULT_ROWS,
        cols: int = DEFAULT_COLS,
    ) -> str:
        """Create a spreadsheet; the first sheet gets sheetId 0 like a new Google Sheet."""
        with self.lock:
            sid = spreadsheet_id or self._new_id()
            if sid in self.spreadsheets:
                raise ValueError(f"spreadsheet {sid!r} already exists")
            if not sheets:
                raise ValueError("a spreadsheet needs at least one sheet")
            now = _now()
            ss = Spreadsheet(sid, title, [], created=now, modified=now)
            for i, sheet_title in enumerate(sheets):
                sheet_id = 0 if i == 0 else self._new_sheet_id(ss)
                ss.sheets.append(Sheet(sheet_id, sheet_title, i, rows, cols))
            self.spreadsheets[sid] = ss
            return sid

    def delete(self, spreadsheet_id: str) -> None:
        """Forget a spreadsheet (Drive delete)."""
        with self.lock:
            if self.spreadsheets.pop(spreadsheet_id, None) is None:
                raise not_found()

    def reset(self) -> None:
        """Drop every spreadsheet."""
        with self.lock:
            self.spreadsheets.clear()

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        """Spreadsheet by id, 404 (or created on the fly with ``auto_create``)."""
        ss = self.spreadsheets.get(spreadsheet_id)
        if ss is None:
            if not self.auto_create:
                raise not_found()
            self.create("Untitled spreadsheet", spreadsheet_id=spreadsheet_id)
            ss = self.spreadsheets[spreadsheet_id]
        return ss

    def sheet(self, spreadsheet_id: str, title: str) -> Sheet:
        """Sheet by title for the Python accessors (KeyError when absent)."""
        with self.lock:
            sheet = self.get(spreadsheet_id).by_title(title)
            if sheet is None:
                raise KeyError(title)
            return sheet

    @contextmanager
    def _atomic(self, ss: Spreadsheet) -> Iterator[None]:
        snapshot = ss.clone()
        try:
            yield
        except BaseException:
            ss.restore(snapshot)
            raise
        if ss.cell_count() > CELL_LIMIT:
            ss.restore(snapshot)
            raise invalid(
                "This action would increase the number of cells in the workbook above the"
                f" limit of {CELL_LIMIT} cells."
            )
        ss.modified = _now()

    # ----- range resolution -----

    def _parse(self, ss: Spreadsheet, text: str) -> tuple[Sheet, ParsedRange]:
        try:
            parsed = parse_range(text)
        except A1Error:
            raise invalid(f"Unable to parse range: {text}") from None
        if parsed.sheet is None:
            return ss.first_visible(), parsed
        sheet = ss.by_title(parsed.sheet)
        if sheet is None:
            raise invalid(f"Unable to parse range: {text}")
        return sheet, parsed

    @staticmethod
    def _requested(sheet: Sheet, parsed: ParsedRange) -> Box:
        """The range as asked, unbounded ends at the grid edge, not yet checked against it."""
        r1 = parsed.end_row if parsed.end_row is not None else sheet.row_count - 1
        c1 = parsed.end_col if parsed.end_col is not None else sheet.col_count - 1
        return Box(sheet, parsed.start_row, parsed.start_col, max(r1, 0), max(c1, 0))

    @staticmethod
    def _grid_error(box: Box) -> ApiError:
        sheet = box.sheet
        return invalid(
            f"Range ({box.a1()}) exceeds grid limits. Max rows: {sheet.row_count},"
            f" max columns: {sheet.col_count}"
        )

    def resolve_read(self, ss: Spreadsheet, text: str) -> Box:
        """Range for reading/clearing: the end is clipped to the grid, the start must be in it."""
        sheet, parsed = self._parse(ss, text)
        box = self._requested(sheet, parsed)
        if box.r0 >= sheet.row_count or box.c0 >= sheet.col_count:
            raise self._grid_error(box)
        return Box(
            sheet,
            box.r0,
            box.c0,
            min(box.r1, sheet.row_count - 1),
            min(box.c1, sheet.col_count - 1),
        )

    # ----- values -----

    @staticmethod
    def read_box(box: Box, render_option: str, major: str) -> list[list[Scalar]]:
        """Values in the box, trailing empty cells and rows trimmed, as Google does."""
        sheet = box.sheet
        if major == "ROWS":
            out: list[list[Scalar]] = []
            for r in range(box.r0, min(box.r1, len(sheet.rows) - 1) + 1):
                cells = sheet.rows[r][box.c0 : box.c1 + 1]
                while cells and cells[-1] is None:
                    cells.pop()
                out.append([render(c, render_option) if c else "" for c in cells])
        else:
            out = []
            last = min(box.r1, len(sheet.rows) - 1)
            for c in range(box.c0, box.c1 + 1):
                column = [sheet.get(r, c) for r in range(box.r0, last + 1)]
                while column and column[-1] is None:
                    column.pop()
                out.append([render(x, render_option) if x else "" for x in column])
        while out and not out[-1]:
            out.pop()
        return out

    def _value_range(self, box: Box, params: dict[str, str]) -> JSON:
        """A ValueRange for GET/batchGet, honouring the render and dimension options."""
        option = _enum(
            params, "valueRenderOption", "value_render_option", VALUE_RENDER, "FORMATTED_VALUE"
        )
        _enum(
            params,
            "dateTimeRenderOption",
            "date_time_render_option",
            DATETIME_RENDER,
            "SERIAL_NUMBER",
        )
        major = _enum(params, "majorDimension", "major_dimension", DIMENSIONS, "ROWS")
        return self._render_range(box, option, major)

    def _render_range(self, box: Box, option: str, major: str) -> JSON:
        body: JSON = {"range": box.a1(), "majorDimension": major}
        values = self.read_box(box, option, major)
        if values:
            body["values"] = values
        return body

    def values_get(self, spreadsheet_id: str, range_text: str, params: dict[str, str]) -> JSON:
        """GET .../values/{range}."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            return self._value_range(self.resolve_read(ss, range_text), params)

    def values_batch_get(
        self, spreadsheet_id: str, ranges: Sequence[str], params: dict[str, str]
    ) -> JSON:
        """GET .../values:batchGet?ranges=...&ranges=..."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            body: JSON = {"spreadsheetId": spreadsheet_id}
            if ranges:
                boxes = [self.resolve_read(ss, text) for text in ranges]
                body["valueRanges"] = [self._value_range(box, params) for box in boxes]
            return body

    @staticmethod
    def _shape(values: Any, major: str) -> list[list[Any]]:
        if values is None:
            return []
        if not isinstance(values, list) or any(not isinstance(row, list) for row in values):
            raise invalid("Invalid values: expected a list of lists")
        if major == "COLUMNS":
            height = max((len(col) for col in values), default=0)
            return [[col[r] if r < len(col) else None for col in values] for r in range(height)]
        return values

    def _write(
        self, sheet: Sheet, r0: int, c0: int, rows: list[list[Any]], user_entered: bool
    ) -> int:
        """Write a block at (r0, c0); JSON null leaves a cell as it is. Returns cells written."""
        written = 0
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                cell = parse_input(value, user_entered, f"values[{i}][{j}]")
                sheet.put(r0 + i, c0 + j, cell)
                written += 1
        return written

    def _update_one(
        self, ss: Spreadsheet, range_text: str, body: JSON, input_option: str
    ) -> tuple[JSON, Box | None]:
        major = _enum(body, "majorDimension", "major_dimension", DIMENSIONS, "ROWS")
        sheet, parsed = self._parse(ss, range_text)
        requested = self._requested(sheet, parsed)
        rows = self._shape(body.get("values"), major)
        if body.get("range") and body["range"] != range_text:
            other = self._parse(ss, body["range"])
            if other[0] is not sheet or self._requested(*other) != requested:
                raise invalid(
                    f"Requested entity range [{requested.a1()}] does not match the range in"
                    f" the request body [{body['range']}]"
                )
        if requested.r0 >= sheet.row_count or requested.c0 >= sheet.col_count:
            raise self._grid_error(requested)
        result: JSON = {"spreadsheetId": ss.spreadsheet_id}
        height = len(rows)
        width = max((len(row) for row in rows), default=0)
        if not height or not width:
            result["updatedRange"] = requested.a1()
            return result, None
        if not parsed.single_cell:
            if requested.r0 + height - 1 > requested.r1:
                raise invalid(
                    f"Requested writing within range [{requested.a1()}], but tried writing to"
                    f" row [{requested.r0 + height}]"
                )
            if requested.c0 + width - 1 > requested.c1:
                raise invalid(
                    f"Requested writing within range [{requested.a1()}], but tried writing to"
                    f" column [{col_to_letters(requested.c0 + width - 1)}]"
                )
        box = Box(
            sheet, requested.r0, requested.c0, requested.r0 + height - 1, requested.c0 + width - 1
        )
        if box.r1 >= sheet.row_count or box.c1 >= sheet.col_count:
            raise self._grid_error(requested)
        written = self._write(sheet, box.r0, box.c0, rows, input_option == "USER_ENTERED")
        result.update(
            updatedRange=box.a1(), updatedRows=height, updatedColumns=width, updatedCells=written
        )
        return result, box

    def _with_data(self, result: JSON, box: Box | None, params: dict[str, str]) -> JSON:
        """Add ``updatedData`` when includeValuesInResponse asks for it."""
        if box is not None and _bool(params.get("includeValuesInResponse", False)):
            option = _enum(
                params,
                "responseValueRenderOption",
                "response_value_render_option",
                VALUE_RENDER,
                "FORMATTED_VALUE",
            )
            result["updatedData"] = self._render_range(box, option, "ROWS")
        return result

    def values_update(
        self, spreadsheet_id: str, range_text: str, params: dict[str, str], body: JSON
    ) -> JSON:
        """PUT .../values/{range}?valueInputOption=..."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            option = _input_option(params)
            with self._atomic(ss):
                result, box = self._update_one(ss, range_text, body, option)
            return self._with_data(result, box, params)

    def values_batch_update(self, spreadsheet_id: str, body: JSON) -> JSON:
        """POST .../values:batchUpdate: all ranges or none."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            params = {k: v for k, v in body.items() if isinstance(v, str | bool)}
            option = _input_option(params)
            responses, boxes = [], []
            with self._atomic(ss):
                for item in body.get("data") or []:
                    if not item.get("range"):
                        raise invalid("Invalid data[0]: range is required")
                    result, box = self._update_one(ss, item["range"], item, option)
                    responses.append(result)
                    boxes.append(box)
            out: JSON = {"spreadsheetId": spreadsheet_id}
            if not responses:
                return out
            rows, cols, sheets = set(), set(), set()
            for box in boxes:
                if box is None:
                    continue
                sid = box.sheet.sheet_id
                sheets.add(sid)
                rows.update((sid, r) for r in range(box.r0, box.r1 + 1))
                cols.update((sid, c) for c in range(box.c0, box.c1 + 1))
            out.update(
                totalUpdatedRows=len(rows),
                totalUpdatedColumns=len(cols),
                totalUpdatedCells=sum(r.get("updatedCells", 0) for r in responses),
                totalUpdatedSheets=len(sheets),
                responses=[
                    self._with_data(r, b, body) for r, b in zip(responses, boxes, strict=True)
                ],
            )
            return out

    @staticmethod
    def find_table(box: Box) -> Box | None:
        """Google's append "table": the block of data around the last value in the range.

        Reproduces the recorded behaviour: with ``A1, '', C1`` in row 1 an append to the whole
        sheet finds table ``C1`` and writes at C2 (gspread issue #537). The block grows from the
        last non-empty cell while any neighbouring cell (diagonals included) holds data.
        """
        sheet = box.sheet
        last = None
        for r in range(min(box.r1, len(sheet.rows) - 1), box.r0 - 1, -1):
            cells = sheet.rows[r]
            for c in range(min(box.c1, len(cells) - 1), box.c0 - 1, -1):
                if cells[c] is not None:
                    last = (r, c)
                    break
            if last:
                break
        if last is None:
            return None
        r0 = r1 = last[0]
        c0 = c1 = last[1]
        changed = True
        while changed:
            changed = False
            while sheet.has_data(r1 + 1, c0 - 1, c1 + 1):
                r1 += 1
                changed = True
            while r0 > 0 and sheet.has_data(r0 - 1, c0 - 1, c1 + 1):
                r0 -= 1
                changed = True
            while sheet.col_has_data(c1 + 1, r0 - 1, r1 + 1):
                c1 += 1
                changed = True
            while c0 > 0 and sheet.col_has_data(c0 - 1, r0 - 1, r1 + 1):
                c0 -= 1
                changed = True
        return Box(sheet, r0, c0, r1, c1)

    def values_append(
        self, spreadsheet_id: str, range_text: str, params: dict[str, str], body: JSON
    ) -> JSON:
        """POST .../values/{range}:append: write after the table found in the range."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            option = _input_option(params)
            insert = _enum(
                params, "insertDataOption", "insert_data_option", INSERT_OPTIONS, "OVERWRITE"
            )
            major = _enum(body, "majorDimension", "major_dimension", DIMENSIONS, "ROWS")
            search = self.resolve_read(ss, range_text)
            sheet = search.sheet
            rows = self._shape(body.get("values"), major)
            table = self.find_table(search)
            out: JSON = {"spreadsheetId": spreadsheet_id}
            if table is not None:
                out["tableRange"] = table.a1()
                r0, c0 = table.r1 + 1, table.c0
            else:
                r0, c0 = search.r0, search.c0
            height = len(rows)
            width = max((len(row) for row in rows), default=0)
            if not height or not width:
                out["updates"] = {"spreadsheetId": spreadsheet_id}
                return out
            with self._atomic(ss):
                if insert == "INSERT_ROWS":
                    sheet.insert_rows(min(r0, sheet.row_count), height)
                elif r0 + height > sheet.row_count:
                    sheet.row_count = r0 + height
                if c0 + width > sheet.col_count:
                    sheet.col_count = c0 + width
                written = self._write(sheet, r0, c0, rows, option == "USER_ENTERED")
            box = Box(sheet, r0, c0, r0 + height - 1, c0 + width - 1)
            updates: JSON = {
                "spreadsheetId": spreadsheet_id,
                "updatedRange": box.a1(),
                "updatedRows": height,
                "updatedColumns": width,
                "updatedCells": written,
            }
            out["updates"] = self._with_data(updates, box, params)
            return out

    def values_clear(self, spreadsheet_id: str, range_text: str) -> JSON:
        """POST .../values/{range}:clear."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            box = self.resolve_read(ss, range_text)
            with self._atomic(ss):
                box.sheet.clear(box.r0, box.c0, box.r1, box.c1)
            return {"spreadsheetId": spreadsheet_id, "clearedRange": box.a1()}

    def values_batch_clear(self, spreadsheet_id: str, body: JSON) -> JSON:
        """POST .../values:batchClear."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            boxes = [self.resolve_read(ss, text) for text in body.get("ranges") or []]
            with self._atomic(ss):
                for box in boxes:
                    box.sheet.clear(box.r0, box.c0, box.r1, box.c1)
            return {"spreadsheetId": spreadsheet_id, "clearedRanges": [b.a1() for b in boxes]}

    # ----- spreadsheets.get / create / batchUpdate -----

    def metadata(self, spreadsheet_id: str, params: dict[str, str]) -> JSON:
        """GET /v4/spreadsheets/{id}."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            return ss.metadata(_bool(params.get("includeGridData", False)))

    def create_from_api(self, body: JSON) -> JSON:
        """POST /v4/spreadsheets (spreadsheets.create)."""
        with self.lock:
            title = (body.get("properties") or {}).get("title") or "Untitled spreadsheet"
            sheet_specs = [s.get("properties", {}) for s in body.get("sheets") or []] or [{}]
            titles = [p.get("title") or f"Sheet{i + 1}" for i, p in enumerate(sheet_specs)]
            sid = self.create(title, titles)
            ss = self.spreadsheets[sid]
            for sheet, props in zip(ss.sheets, sheet_specs, strict=True):
                grid = props.get("gridProperties") or {}
                sheet.resize(
                    grid.get("rowCount", sheet.row_count), grid.get("columnCount", sheet.col_count)
                )
                if "sheetId" in props:
                    sheet.sheet_id = props["sheetId"]
            return ss.metadata()

    def batch_update(self, spreadsheet_id: str, body: JSON) -> JSON:
        """POST /v4/spreadsheets/{id}:batchUpdate: all requests apply, or none."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            requests = body.get("requests") or []
            replies: list[JSON] = []
            with self._atomic(ss):
                for i, request in enumerate(requests):
                    if not isinstance(request, dict) or len(request) != 1:
                        raise invalid(
                            f"Invalid requests[{i}]: exactly one kind of request is required"
                        )
                    ((kind, args),) = request.items()
                    replies.append(self._apply(ss, i, kind, args or {}))
            out: JSON = {"spreadsheetId": spreadsheet_id, "replies": replies}
            if _bool(body.get("includeSpreadsheetInResponse", False)):
                out["updatedSpreadsheet"] = ss.metadata()
            return out

    def _sheet_for(self, ss: Spreadsheet, where: str, sheet_id: Any) -> Sheet:
        sheet = ss.by_id(sheet_id if sheet_id is not None else 0)
        if sheet is None:
            raise invalid(f"Invalid {where}: No grid with id: {sheet_id}")
        return sheet

    def _apply(self, ss: Spreadsheet, i: int, kind: str, args: JSON) -> JSON:
        where = f"requests[{i}].{kind}"
        handler = getattr(self, f"_req_{kind}", None)
        if handler is not None:
            return handler(ss, where, args)
        if kind in FORMAT_ONLY_REQUESTS:
            rng = args.get("range") or args.get("cell", {}).get("range") or {}
            if isinstance(rng, dict) and "sheetId" in rng:
                self._sheet_for(ss, where, rng["sheetId"])
            return {}
        raise ApiError(501, f"Invalid requests[{i}]: the emulator does not implement '{kind}'")

    def _check_title(
        self, ss: Spreadsheet, where: str, title: Any, exclude: Sheet | None = None
    ) -> str:
        if not isinstance(title, str) or not title.strip():
            raise invalid(f"Invalid {where}: Sheet title must not be empty.")
        other = ss.by_title(title)
        if (
            other is not None
            and other is not exclude
            and other.title.casefold() == title.casefold()
        ):
            raise invalid(
                f'Invalid {where}: A sheet with the name "{title}" already exists.'
                " Please enter another name."
            )
        return title

    def _req_addSheet(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        props = args.get("properties") or {}
        title = props.get("title")
        if title is None:
            n = len(ss.sheets) + 1
            while ss.by_title(f"Sheet{n}") is not None:
                n += 1
            title = f"Sheet{n}"
        self._check_title(ss, where, title)
        sheet_id = props.get("sheetId")
        if sheet_id is None:
            sheet_id = self._new_sheet_id(ss)
        elif ss.by_id(sheet_id) is not None:
            raise invalid(f"Invalid {where}: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties") or {}
        rows = int(grid.get("rowCount", DEFAULT_ROWS))
        cols = int(grid.get("columnCount", DEFAULT_COLS))
        if rows < 1 or cols < 1:
            raise invalid(f"Invalid {where}: A sheet must have at least one row and one column.")
        sheet = Sheet(
            sheet_id,
            title,
            0,
            rows,
            cols,
            frozen_rows=int(grid.get("frozenRowCount", 0)),
            frozen_cols=int(grid.get("frozenColumnCount", 0)),
            hidden=bool(props.get("hidden", False)),
        )
        index = props.get("index")
        position = len(ss.sheets) if index is None else max(0, min(int(index), len(ss.sheets)))
        ss.sheets.insert(position, sheet)
        ss.reindex()
        return {"addSheet": {"properties": sheet.properties()}}

    def _req_deleteSheet(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        sheet = self._sheet_for(ss, where, args.get("sheetId"))
        if len(ss.sheets) == 1:
            raise invalid(f"Invalid {where}: You can't remove all the sheets in a document.")
        ss.sheets.remove(sheet)
        ss.reindex()
        return {}

    def _req_updateSheetProperties(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        props = args.get("properties") or {}
        sheet = self._sheet_for(ss, where, props.get("sheetId"))
        fields = [f.strip().replace("/", ".") for f in str(args.get("fields") or "").split(",")]
        fields = [f for f in fields if f]
        if not fields:
            raise invalid(f"Invalid {where}: At least one field must be updated.")
        grid = props.get("gridProperties") or {}

        def wanted(path: str) -> bool:
            return any(f == "*" or path == f or path.startswith(f + ".") for f in fields)

        if wanted("title"):
            sheet.title = self._check_title(ss, where, props.get("title"), exclude=sheet)
        if wanted("hidden"):
            sheet.hidden = bool(props.get("hidden", False))
            if all(s.hidden for s in ss.sheets):
                raise invalid(f"Invalid {where}: You can't hide all the sheets in a document.")
        if wanted("gridProperties.rowCount") and "rowCount" in grid:
            if int(grid["rowCount"]) < 1:
                raise invalid(f"Invalid {where}: Sheet must have at least one row.")
            sheet.resize(rows=int(grid["rowCount"]))
        if wanted("gridProperties.columnCount") and "columnCount" in grid:
            if int(grid["columnCount"]) < 1:
                raise invalid(f"Invalid {where}: Sheet must have at least one column.")
            sheet.resize(cols=int(grid["columnCount"]))
        if wanted("gridProperties.frozenRowCount"):
            sheet.frozen_rows = int(grid.get("frozenRowCount", 0))
        if wanted("gridProperties.frozenColumnCount"):
            sheet.frozen_cols = int(grid.get("frozenColumnCount", 0))
        if wanted("index") and "index" in props:
            ss.sheets.remove(sheet)
            ss.sheets.insert(max(0, min(int(props["index"]), len(ss.sheets))), sheet)
            ss.reindex()
        return {}

    def _req_updateSpreadsheetProperties(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        props = args.get("properties") or {}
        fields = str(args.get("fields") or "")
        if "title" in fields or fields == "*":
            ss.title = props.get("title") or ss.title
        if "locale" in fields or fields == "*":
            ss.locale = props.get("locale") or ss.locale
        if "timeZone" in fields or fields == "*":
            ss.time_zone = props.get("timeZone") or ss.time_zone
        return {}

    def _dimension(self, ss: Spreadsheet, where: str, rng: JSON) -> tuple[Sheet, bool, int, int]:
        sheet = self._sheet_for(ss, where, rng.get("sheetId"))
        dimension = rng.get("dimension")
        if dimension not in DIMENSIONS:
            raise invalid(f"Invalid {where}: dimension must be ROWS or COLUMNS")
        start = int(rng.get("startIndex", 0))
        end = int(rng.get("endIndex", start))
        if start < 0 or end <= start:
            raise invalid(f"Invalid {where}: startIndex must be less than endIndex")
        return sheet, dimension == "ROWS", start, end

    def _req_appendDimension(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        sheet = self._sheet_for(ss, where, args.get("sheetId"))
        length = int(args.get("length", 0))
        if length < 1:
            raise invalid(f"Invalid {where}: length must be positive")
        if args.get("dimension") == "ROWS":
            sheet.row_count += length
        elif args.get("dimension") == "COLUMNS":
            sheet.col_count += length
        else:
            raise invalid(f"Invalid {where}: dimension must be ROWS or COLUMNS")
        return {}

    def _req_insertDimension(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        sheet, rows, start, end = self._dimension(ss, where, args.get("range") or {})
        limit = sheet.row_count if rows else sheet.col_count
        if start > limit:
            raise self._grid_error(self._dimension_box(sheet, rows, start, end))
        if rows:
            sheet.insert_rows(start, end - start)
        else:
            sheet.insert_cols(start, end - start)
        return {}

    @staticmethod
    def _dimension_box(sheet: Sheet, rows: bool, start: int, end: int) -> Box:
        if rows:
            return Box(sheet, start, 0, end - 1, sheet.col_count - 1)
        return Box(sheet, 0, start, sheet.row_count - 1, end - 1)

    def _req_deleteDimension(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        sheet, rows, start, end = self._dimension(ss, where, args.get("range") or {})
        limit = sheet.row_count if rows else sheet.col_count
        if end > limit:
            raise invalid(
                f"Invalid {where}: "
                + self._grid_error(self._dimension_box(sheet, rows, start, end)).message
            )
        if start == 0 and end == limit:
            what = "rows" if rows else "columns"
            raise invalid(f"Invalid {where}: You can't delete all the {what} on the sheet.")
        if rows:
            sheet.delete_rows(start, end)
        else:
            sheet.delete_cols(start, end)
        return {}

    @staticmethod
    def _cell_from_data(data: JSON, where: str) -> Cell | None:
        value = data.get("userEnteredValue")
        if not value:
            return None
        if "formulaValue" in value:
            return Cell(evaluate_formula(value["formulaValue"]), formula=value["formulaValue"])
        for key in ("stringValue", "numberValue", "boolValue"):
            if key in value:
                return parse_input(value[key], False, where) if value[key] != "" else None
        raise invalid(f"Invalid {where}: unsupported userEnteredValue {sorted(value)}")

    def _write_row_data(
        self, sheet: Sheet, where: str, r0: int, c0: int, rows: list[JSON], fields: str
    ) -> None:
        values_too = fields == "*" or "userEnteredValue" in fields
        for i, row in enumerate(rows):
            for j, data in enumerate(row.get("values") or []):
                if c0 + j >= sheet.col_count:
                    raise invalid(
                        f"Invalid {where}: Attempting to write column: {c0 + j}, beyond the last"
                        f" requested column of: {sheet.col_count - 1}"
                    )
                if values_too:
                    sheet.put(r0 + i, c0 + j, self._cell_from_data(data or {}, where))

    def _req_appendCells(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        sheet = self._sheet_for(ss, where, args.get("sheetId"))
        rows = args.get("rows") or []
        r0 = len(sheet.rows)
        if r0 + len(rows) > sheet.row_count:
            sheet.row_count = r0 + len(rows)
        self._write_row_data(sheet, where, r0, 0, rows, str(args.get("fields") or ""))
        return {}

    def _req_updateCells(self, ss: Spreadsheet, where: str, args: JSON) -> JSON:
        rows = args.get("rows") or []
        fields = str(args.get("fields") or "")
        if "start" in args:
            start = args["start"] or {}
            sheet = self._sheet_for(ss, where, start.get("sheetId"))
            r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        else:
            rng = args.get("range") or {}
            sheet = self._sheet_for(ss, where, rng.get("sheetId"))
            r0, c0 = int(rng.get("startRowIndex", 0)), int(rng.get("startColumnIndex", 0))
            r1 = int(rng.get("endRowIndex", sheet.row_count)) - 1
            c1 = int(rng.get("endColumnIndex", sheet.col_count)) - 1
            if fields == "*" or "userEnteredValue" in fields:
                sheet.clear(r0, c0, r1, c1)
        if r0 + len(rows) > sheet.row_count:
            raise self._grid_error(Box(sheet, r0, c0, r0 + len(rows) - 1, c0))
        self._write_row_data(sheet, where, r0, c0, rows, fields)
        return {}

    # ----- Python accessors -----

    def cell(self, spreadsheet_id: str, title: str, row: int, col: int) -> Cell:
        """Cell at 1-based (row, col), like gspread's ``Worksheet.cell``; EMPTY when blank."""
        with self.lock:
            return self.sheet(spreadsheet_id, title).get(row - 1, col - 1) or EMPTY

    def raw_values(self, spreadsheet_id: str, title: str) -> list[list[Scalar | None]]:
        """Stored values (formulas as their text), trailing blanks trimmed, None for gaps."""
        with self.lock:
            sheet = self.sheet(spreadsheet_id, title)
            return [
                [
                    None if c is None else (c.formula if c.formula is not None else c.value)
                    for c in row
                ]
                for row in sheet.rows
            ]

    def set_values(
        self,
        spreadsheet_id: str,
        title: str,
        rows: Sequence[Sequence[Any]],
        start_row: int = 1,
        start_col: int = 1,
        user_entered: bool = False,
    ) -> None:
        """Seed cells directly (no HTTP, not logged), e.g. a hand-edited sheet; grid grows."""
        with self.lock:
            sheet = self.sheet(spreadsheet_id, title)
            rows = [list(row) for row in rows]
            height = start_row - 1 + len(rows)
            width = start_col - 1 + max((len(r) for r in rows), default=0)
            sheet.row_count = max(sheet.row_count, height)
            sheet.col_count = max(sheet.col_count, width)
            self._write(sheet, start_row - 1, start_col - 1, rows, user_entered)
