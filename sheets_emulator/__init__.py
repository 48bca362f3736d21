"""Stateful Google Sheets API v4 emulator, so gspread's real HTTP traffic can be tested offline.

    from sheets_emulator import SheetsEmulator
    from sheets_emulator.client import gspread_client

    with SheetsEmulator() as emu:              # 127.0.0.1, free port, served from a thread
        sid = emu.create_spreadsheet("desk")   # "Sheet1", sheetId 0, 1000x26 like Google
        gc = gspread_client(emu.host)          # a real gspread.Client, no credentials
        gc.open_by_key(sid).sheet1.append_rows([["a", 1]], value_input_option="RAW")

Offline demo: ``python -m sheets_emulator --port 8085 --spreadsheet ID`` and
``SHEETS_EMULATOR_HOST=127.0.0.1:8085``. Only the standard library is used here; ``client``
(gspread + requests) is imported lazily.

Where Google's behaviour is not in the recordings, the emulator follows the best public
evidence; these are the deliberate limits (check the real API before relying on exact texts):

- append's "table": the block around the last value inside the range, grown over touching
  cells (diagonals too) and not clipped to the range; writes start below it at its first
  column. This reproduces the recorded gap case (gspread issue #537); Google's exact rule is
  unpublished.
- Grid edges: values.update/batchUpdate outside the grid answer 400 "exceeds grid limits";
  reads and clears clip the end of a range to the grid (the start must be inside); append
  grows the grid (rows, and columns when a row is wider).
- USER_ENTERED parses "=" formulas, plain numbers, TRUE/FALSE, a leading apostrophe and
  dates (``dates``: 2013-03-05 and 2013/3/5 anywhere, 2013年3月5日 in zh/ja locales, 3/5/2013
  in en_US, each with an optional 14:30[:15]); a date is stored as its serial number with a
  DATE/DATE_TIME format and shown in the layout it was typed in (Google's parser and its
  automatic formats are unpublished). Percentages, currency and thousands separators stay
  text. Only +-*/ arithmetic of literals is evaluated; other formulas render as their own
  text (Google computes them).
- Numbers render as plain decimals (up to 15 significant digits, "1E+20" when large), dates
  through their format; dateTimeRenderOption applies to date cells as documented. A value
  written into a date cell keeps its format; clearing a cell drops it (Google keeps it).
- Grid data (spreadsheets.get with ranges/includeGridData, batchUpdate's updatedSpreadsheet,
  see ``griddata``): trailing empty rows and cells are trimmed as values.get does, zero
  startRow/startColumn are left out; no rowMetadata/columnMetadata/effectiveFormat.
- Sheet titles made of letters/digits/underscore (CJK included, e.g. 志愿者) come back
  unquoted in ranges; with spaces, punctuation or emoji they are quoted (recorded).
- Error texts not in the recordings follow Google's wording seen in public reports; others
  are the emulator's own. Formatting-only batchUpdate requests are accepted as no-ops; other
  unimplemented kinds answer 501 UNIMPLEMENTED (Google never does) so a gap is loud.
- Not emulated: named and protected ranges, developer metadata, ``fields`` masks, formats
  other than a typed date's,
  Drive beyond files create/get/list-by-name/delete for spreadsheets.
"""

from typing import Any

from .a1 import A1Error, ParsedRange, format_range, parse_range
from .faults import FaultConfig, LoggedRequest
from .model import ApiError, Cell
from .server import SheetsEmulator
from .state import Workbook

ENV_VAR = "SHEETS_EMULATOR_HOST"

__all__ = [
    "ENV_VAR",
    "A1Error",
    "ApiError",
    "Cell",
    "FaultConfig",
    "LoggedRequest",
    "ParsedRange",
    "SheetsEmulator",
    "Workbook",
    "format_range",
    "gspread_client",
    "parse_range",
]


def __getattr__(name: str) -> Any:
    # gspread_client needs gspread/requests; keep `import sheets_emulator` stdlib-only.
    if name == "gspread_client":
        from .client import gspread_client

        return gspread_client
    raise AttributeError(name)
