"""``python -m sheets_emulator``: run the emulator for offline demos (Ctrl-C stops it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .server import LOOPBACK, SheetsEmulator


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, pre-create spreadsheets, serve until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m sheets_emulator",
        description="Stateful Google Sheets API v4 emulator (plain HTTP, loopback only).",
    )
    parser.add_argument("--port", type=int, default=8085, help="port (0 = any free port)")
    parser.add_argument("--bind", default="127.0.0.1", choices=LOOPBACK, help="loopback address")
    parser.add_argument(
        "--spreadsheet",
        action="append",
        default=[],
        metavar="ID",
        help="pre-create a spreadsheet with this id (repeatable)",
    )
    parser.add_argument(
        "--title", default="Sanlitun volunteer desk", help="title for --spreadsheet"
    )
    parser.add_argument(
        "--sheet",
        action="append",
        default=[],
        metavar="TITLE",
        help="sheet titles for --spreadsheet (default: Sheet1; repeatable)",
    )
    parser.add_argument(
        "--auto-create",
        action="store_true",
        help="create any unknown spreadsheet id on first use instead of answering 404",
    )
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)

    emulator = SheetsEmulator(
        args.port, args.bind, auto_create=args.auto_create, verbose=args.verbose
    ).bind()
    for sid in args.spreadsheet:
        emulator.create_spreadsheet(args.title, args.sheet or ["Sheet1"], spreadsheet_id=sid)
    print(f"Sheets API emulator listening on {emulator.url}", flush=True)
    print(f"  export SHEETS_EMULATOR_HOST={emulator.host}", flush=True)
    for sid in args.spreadsheet:
        print(f"  spreadsheet {sid}", flush=True)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
