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
"""

from typing import Any

from .a1 import A1Error, ParsedRange, format_range, parse_range
from .faults import FaultConfig, LoggedRequest
from .server import SheetsEmulator
from .state import ApiError, Cell, Workbook

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
