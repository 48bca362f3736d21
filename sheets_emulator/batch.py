"""spreadsheets.batchUpdate: the structural requests gspread sends (sheets, dimensions, cells).

Each handler takes the spreadsheet, the request's position for error messages ("requests[0]
.addSheet") and its arguments, and returns the reply. ``state.Workbook.batch_update`` runs
them inside one snapshot, so a failing request leaves the spreadsheet untouched, as Google
does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .model import (
    DEFAULT_COLS,
    DEFAULT_ROWS,
    JSON,
    ApiError,
    Box,
    Cell,
    Sheet,
    Spreadsheet,
    evaluate_formula,
    grid_error,
    invalid,
    parse_input,
)

DIMENSIONS = ("ROWS", "COLUMNS")

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


class BatchRequests:
    """Handlers for the batchUpdate request kinds the emulator implements."""

    def __init__(self, new_sheet_id: Callable[[Spreadsheet], int]) -> None:
        self.new_sheet_id = new_sheet_id

    def _sheet_for(self, ss: Spreadsheet, where: str, sheet_id: Any) -> Sheet:
        sheet = ss.by_id(sheet_id if sheet_id is not None else 0)
        if sheet is None:
            raise invalid(f"Invalid {where}: No grid with id: {sheet_id}")
        return sheet

    def apply(self, ss: Spreadsheet, i: int, kind: str, args: JSON) -> JSON:
        """Run request ``i`` of kind ``kind``; unknown kinds answer 501 UNIMPLEMENTED."""
        where = f"requests[{i}].{kind}"
        handler = getattr(self, f"_req_{kind}", None)
        if handler is not None:
            try:
                return handler(ss, where, args)
            except (TypeError, ValueError, AttributeError) as exc:  # malformed arguments
                raise invalid(f"Invalid {where}: {exc}") from None
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
            sheet_id = self.new_sheet_id(ss)
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
            raise grid_error(self._dimension_box(sheet, rows, start, end))
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
                + grid_error(self._dimension_box(sheet, rows, start, end)).message
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
        # fields naming the format replace it (with nothing: formats are not emulated)
        keep_format = not (fields == "*" or "userEnteredFormat" in fields)
        for i, row in enumerate(rows):
            for j, data in enumerate(row.get("values") or []):
                if c0 + j >= sheet.col_count:
                    raise invalid(
                        f"Invalid {where}: Attempting to write column: {c0 + j}, beyond the last"
                        f" requested column of: {sheet.col_count - 1}"
                    )
                if values_too:
                    cell = self._cell_from_data(data or {}, where)
                    sheet.put(r0 + i, c0 + j, cell, keep_format)

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
            raise grid_error(Box(sheet, r0, c0, r0 + len(rows) - 1, c0))
        self._write_row_data(sheet, where, r0, c0, rows, fields)
        return {}
