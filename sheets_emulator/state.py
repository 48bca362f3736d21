"""The emulator's state and the Sheets API v4 operations on it.

Plain Python, independent of HTTP, so the semantics (A1 resolution, append's table detection,
RAW vs USER_ENTERED, trimming) can be tested directly and the server stays a thin router.
Every public operation takes the workbook lock, so one instance is safe under
ThreadingHTTPServer. The data model is in ``model``, batchUpdate requests in ``batch``.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from .a1 import A1Error, ParsedRange, col_to_letters, parse_range
from .batch import BatchRequests
from .griddata import spreadsheet_resource
from .model import (
    CELL_LIMIT,
    DEFAULT_COLS,
    DEFAULT_ROWS,
    EMPTY,
    JSON,
    Box,
    Cell,
    Scalar,
    Sheet,
    Spreadsheet,
    grid_error,
    invalid,
    not_found,
    now,
    parse_input,
    render,
)

VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
DIMENSIONS = ("ROWS", "COLUMNS")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
INSERT_OPTIONS = ("OVERWRITE", "INSERT_ROWS")


def _enum(
    params: dict[str, str], name: str, snake: str, allowed: Sequence[str], default: str
) -> str:
    """Validate an enum query/body parameter with Google's error wording."""
    value = str(params.get(name) or default)
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
        self._requests = BatchRequests(self._new_sheet_id)

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
        locale: str = "en_US",
    ) -> str:
        """Create a spreadsheet; the first sheet gets sheetId 0 like a new Google Sheet.

        ``locale`` (e.g. "zh_CN") decides which typed dates USER_ENTERED recognises.
        """
        with self.lock:
            sid = spreadsheet_id or self._new_id()
            if sid in self.spreadsheets:
                raise ValueError(f"spreadsheet {sid!r} already exists")
            sheets = [sheets] if isinstance(sheets, str) else list(sheets)
            if not sheets:
                raise ValueError("a spreadsheet needs at least one sheet")
            if len({t.casefold() for t in sheets}) != len(sheets):
                raise ValueError(f"duplicate sheet titles in {sheets!r}")
            stamp = now()
            ss = Spreadsheet(sid, title, [], locale=locale, created=stamp, modified=stamp)
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
        ss.modified = now()

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

    def resolve_read(self, ss: Spreadsheet, text: str) -> Box:
        """Range for reading/clearing: the end is clipped to the grid, the start must be in it."""
        sheet, parsed = self._parse(ss, text)
        box = self._requested(sheet, parsed)
        if box.r0 >= sheet.row_count or box.c0 >= sheet.col_count:
            raise grid_error(box)
        return Box(
            sheet,
            box.r0,
            box.c0,
            min(box.r1, sheet.row_count - 1),
            min(box.c1, sheet.col_count - 1),
        )

    # ----- values -----

    @staticmethod
    def read_box(
        box: Box, render_option: str, major: str, date_option: str = "SERIAL_NUMBER"
    ) -> list[list[Scalar]]:
        """Values in the box, trailing empty cells and rows trimmed, as Google does."""
        sheet = box.sheet
        if major == "ROWS":
            out: list[list[Scalar]] = []
            for r in range(box.r0, min(box.r1, len(sheet.rows) - 1) + 1):
                cells = sheet.rows[r][box.c0 : box.c1 + 1]
                while cells and cells[-1] is None:
                    cells.pop()
                out.append([render(c, render_option, date_option) if c else "" for c in cells])
        else:
            out = []
            last = min(box.r1, len(sheet.rows) - 1)
            for c in range(box.c0, box.c1 + 1):
                column = [sheet.get(r, c) for r in range(box.r0, last + 1)]
                while column and column[-1] is None:
                    column.pop()
                out.append([render(x, render_option, date_option) if x else "" for x in column])
        while out and not out[-1]:
            out.pop()
        return out

    def _value_range(self, box: Box, params: dict[str, str]) -> JSON:
        """A ValueRange for GET/batchGet, honouring the render and dimension options."""
        option = _enum(
            params, "valueRenderOption", "value_render_option", VALUE_RENDER, "FORMATTED_VALUE"
        )
        date_option = _enum(
            params,
            "dateTimeRenderOption",
            "date_time_render_option",
            DATETIME_RENDER,
            "SERIAL_NUMBER",
        )
        major = _enum(params, "majorDimension", "major_dimension", DIMENSIONS, "ROWS")
        return self._render_range(box, option, major, date_option)

    def _render_range(self, box: Box, option: str, major: str, date_option: str) -> JSON:
        body: JSON = {"range": box.a1(), "majorDimension": major}
        values = self.read_box(box, option, major, date_option)
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
        self,
        ss: Spreadsheet,
        sheet: Sheet,
        r0: int,
        c0: int,
        rows: list[list[Any]],
        user_entered: bool,
    ) -> int:
        """Write a block at (r0, c0); JSON null leaves a cell as it is. Returns cells written."""
        written = 0
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if value is None:
                    continue
                cell = parse_input(value, user_entered, f"values[{i}][{j}]", ss.locale)
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
            raise grid_error(requested)
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
            raise grid_error(requested)
        written = self._write(ss, sheet, box.r0, box.c0, rows, input_option == "USER_ENTERED")
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
            date_option = _enum(
                params,
                "responseDateTimeRenderOption",
                "response_date_time_render_option",
                DATETIME_RENDER,
                "SERIAL_NUMBER",
            )
            result["updatedData"] = self._render_range(box, option, "ROWS", date_option)
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
                written = self._write(ss, sheet, r0, c0, rows, option == "USER_ENTERED")
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

    def _resource(self, ss: Spreadsheet, ranges: Any, include_grid_data: bool) -> JSON:
        """The Spreadsheet resource, limited to ``ranges`` when there are any."""
        if isinstance(ranges, str):
            ranges = [ranges]
        if not isinstance(ranges, list) or not all(isinstance(r, str) for r in ranges):
            raise invalid("Invalid ranges: expected a list of A1 ranges")
        boxes = [self.resolve_read(ss, text) for text in ranges] if ranges else None
        return spreadsheet_resource(ss, boxes, include_grid_data)

    def metadata(
        self, spreadsheet_id: str, params: dict[str, str], ranges: Sequence[str] = ()
    ) -> JSON:
        """GET /v4/spreadsheets/{id}?ranges=...&includeGridData=..."""
        with self.lock:
            ss = self.get(spreadsheet_id)
            include = _bool(params.get("includeGridData", False))
            return self._resource(ss, list(ranges), include)

    def create_from_api(self, body: JSON) -> JSON:
        """POST /v4/spreadsheets (spreadsheets.create)."""
        with self.lock:
            ss_props = body.get("properties") or {}
            title = ss_props.get("title") or "Untitled spreadsheet"
            sheet_specs = [s.get("properties", {}) for s in body.get("sheets") or []] or [{}]
            titles = [p.get("title") or f"Sheet{i + 1}" for i, p in enumerate(sheet_specs)]
            sid = self.create(title, titles, locale=ss_props.get("locale") or "en_US")
            ss = self.spreadsheets[sid]
            ss.time_zone = ss_props.get("timeZone") or ss.time_zone
            for sheet, props in zip(ss.sheets, sheet_specs, strict=True):
                grid = props.get("gridProperties") or {}
                sheet.resize(
                    grid.get("rowCount", sheet.row_count), grid.get("columnCount", sheet.col_count)
                )
                if "sheetId" in props:
                    sheet.sheet_id = props["sheetId"]
            return ss.metadata()

    def batch_update(self, spreadsheet_id: str, body: JSON) -> JSON:
        """POST /v4/spreadsheets/{id}:batchUpdate: all requests apply, or none.

        With includeSpreadsheetInResponse the answer carries ``updatedSpreadsheet``: the
        spreadsheet after the requests, limited to responseRanges (resolved after the
        requests, so a sheet the batch added can be named) and with grid data when
        responseIncludeGridData is true. A responseRange that does not resolve fails the
        whole batch, like any failing request.
        """
        with self.lock:
            ss = self.get(spreadsheet_id)
            requests = body.get("requests") or []
            replies: list[JSON] = []
            updated = None
            with self._atomic(ss):
                for i, request in enumerate(requests):
                    if not isinstance(request, dict) or len(request) != 1:
                        raise invalid(
                            f"Invalid requests[{i}]: exactly one kind of request is required"
                        )
                    ((kind, args),) = request.items()
                    replies.append(self._requests.apply(ss, i, kind, args or {}))
                if _bool(body.get("includeSpreadsheetInResponse", False)):
                    include = _bool(body.get("responseIncludeGridData", False))
                    updated = self._resource(ss, body.get("responseRanges") or [], include)
            out: JSON = {"spreadsheetId": spreadsheet_id, "replies": replies}
            if updated is not None:
                out["updatedSpreadsheet"] = updated
            return out

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
            ss = self.get(spreadsheet_id)
            self._write(ss, sheet, start_row - 1, start_col - 1, rows, user_entered)
