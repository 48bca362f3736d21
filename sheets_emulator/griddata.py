"""The Spreadsheet resource with grid data: spreadsheets.get and batchUpdate's updatedSpreadsheet.

Documented (spreadsheets.get): with ``ranges`` only the parts of the spreadsheet that
intersect them are returned, so only sheets a range falls on appear, each with one GridData
per range in its ``data``; without ranges every sheet appears with one GridData for the whole
grid. GridData carries ``startRow``/``startColumn`` (zero-based; Google's JSON leaves out
zeros) and ``rowData``; CellData carries ``userEnteredValue``, ``effectiveValue`` and
``formattedValue``. Not documented, and done here as values.get does (recorded): trailing
empty rows and trailing empty cells of a row are left out, an empty row inside the data is
``{}``, an empty cell ``{}``, and a range with no data has no ``rowData`` at all.
``rowMetadata``/``columnMetadata`` (pixel sizes) and ``effectiveFormat`` are not emulated.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import JSON, Box, Cell, Scalar, Sheet, Spreadsheet, render


def _extended(value: Scalar | None) -> JSON:
    """An ExtendedValue holding a literal."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": "" if value is None else value}


def cell_data(cell: Cell | None) -> JSON:
    """CellData for one cell; ``{}`` for an empty one."""
    if cell is None:
        return {}
    entered = {"formulaValue": cell.formula} if cell.formula is not None else _extended(cell.value)
    entry: JSON = {"userEnteredValue": entered}
    if cell.value is not None:
        entry["effectiveValue"] = _extended(cell.value)
    entry["formattedValue"] = render(cell, "FORMATTED_VALUE")
    if cell.fmt is not None:
        entry["userEnteredFormat"] = {"numberFormat": cell.fmt.to_json()}
    return entry


def grid_data(box: Box) -> JSON:
    """GridData for one resolved range, trailing empty rows and cells left out."""
    sheet = box.sheet
    rows: list[JSON] = []
    for r in range(box.r0, min(box.r1, len(sheet.rows) - 1) + 1):
        cells = sheet.rows[r][box.c0 : box.c1 + 1]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append({"values": [cell_data(c) for c in cells]} if cells else {})
    while rows and not rows[-1]:
        rows.pop()
    data: JSON = {}
    if box.r0:
        data["startRow"] = box.r0
    if box.c0:
        data["startColumn"] = box.c0
    if rows:
        data["rowData"] = rows
    return data


def whole(sheet: Sheet) -> Box:
    """The sheet's whole grid."""
    return Box(sheet, 0, 0, max(sheet.row_count - 1, 0), max(sheet.col_count - 1, 0))


def spreadsheet_resource(
    ss: Spreadsheet, boxes: Sequence[Box] | None, include_grid_data: bool
) -> JSON:
    """The Spreadsheet resource: all sheets, or (``boxes`` given) those the ranges fall on."""
    body = ss.metadata()
    sheets = []
    for sheet in ss.sheets:
        mine = [whole(sheet)] if boxes is None else [b for b in boxes if b.sheet is sheet]
        if not mine:
            continue
        entry: JSON = {"properties": sheet.properties()}
        if include_grid_data:
            entry["data"] = [grid_data(b) for b in mine]
        sheets.append(entry)
    body["sheets"] = sheets
    return body
