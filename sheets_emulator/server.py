"""HTTP front of the emulator: routes Sheets API v4 URLs to ``state.Workbook``.

Plain HTTP on loopback only, no auth (any Authorization header is ignored). Besides the Sheets
endpoints gspread uses, a minimal Drive v3 ``files`` surface (create/get/list/delete) lets
``gspread.Client.create``/``open``/``del_spreadsheet`` work offline, and ``/_emulator/...``
admin endpoints expose faults, the request log and spreadsheet creation to other processes.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .faults import FaultConfig, FaultInjector, LoggedRequest, RequestLog, fault_body
from .model import JSON, ApiError, Cell, invalid
from .state import Workbook

LOOPBACK = ("127.0.0.1", "localhost", "::1")
_SHEETS_MIME = "application/vnd.google-apps.spreadsheet"

Handler = Callable[["SheetsEmulator", "_Call"], "tuple[int, JSON | None]"]


class _Call:
    """One decoded request handed to a route."""

    def __init__(self, match: re.Match[str], query: dict[str, list[str]], body: JSON) -> None:
        self.match = match
        self.query = query
        self.body = body

    @property
    def spreadsheet_id(self) -> str:
        return unquote(self.match.group("sid"))

    @property
    def range(self) -> str:
        return unquote(self.match.group("range"))

    def params(self) -> dict[str, str]:
        """Single-valued query parameters (last one wins)."""
        return {k: v[-1] for k, v in self.query.items() if v}


def _ok(body: JSON) -> tuple[int, JSON]:
    return 200, body


_SID = r"(?P<sid>[^/:?]+)"
_RANGE = r"(?P<range>[^?]+?)"
# (method, regex on the raw path, kind, is_write, handler)
_ROUTES: list[tuple[str, re.Pattern[str], str, bool, Handler]] = [
    (
        "GET",
        re.compile(rf"/v4/spreadsheets/{_SID}"),
        "spreadsheets.get",
        False,
        lambda e, c: _ok(
            e.workbook.metadata(c.spreadsheet_id, c.params(), c.query.get("ranges", []))
        ),
    ),
    (
        "POST",
        re.compile(r"/v4/spreadsheets"),
        "spreadsheets.create",
        True,
        lambda e, c: _ok(e.workbook.create_from_api(c.body)),
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_SID}:batchUpdate"),
        "spreadsheets.batchUpdate",
        True,
        lambda e, c: _ok(e.workbook.batch_update(c.spreadsheet_id, c.body)),
    ),
    (
        "GET",
        re.compile(rf"/v4/spreadsheets/{_SID}/values:batchGet"),
        "values.batchGet",
        False,
        lambda e, c: _ok(
            e.workbook.values_batch_get(c.spreadsheet_id, c.query.get("ranges", []), c.params())
        ),
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_SID}/values:batchUpdate"),
        "values.batchUpdate",
        True,
        lambda e, c: _ok(e.workbook.values_batch_update(c.spreadsheet_id, c.body)),
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_SID}/values:batchClear"),
        "values.batchClear",
        True,
        lambda e, c: _ok(e.workbook.values_batch_clear(c.spreadsheet_id, c.body)),
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_SID}/values/{_RANGE}:append"),
        "values.append",
        True,
        lambda e, c: _ok(e.workbook.values_append(c.spreadsheet_id, c.range, c.params(), c.body)),
    ),
    (
        "POST",
        re.compile(rf"/v4/spreadsheets/{_SID}/values/{_RANGE}:clear"),
        "values.clear",
        True,
        lambda e, c: _ok(e.workbook.values_clear(c.spreadsheet_id, c.range)),
    ),
    (
        "GET",
        re.compile(rf"/v4/spreadsheets/{_SID}/values/{_RANGE}"),
        "values.get",
        False,
        lambda e, c: _ok(e.workbook.values_get(c.spreadsheet_id, c.range, c.params())),
    ),
    (
        "PUT",
        re.compile(rf"/v4/spreadsheets/{_SID}/values/{_RANGE}"),
        "values.update",
        True,
        lambda e, c: _ok(e.workbook.values_update(c.spreadsheet_id, c.range, c.params(), c.body)),
    ),
    (
        "POST",
        re.compile(r"/drive/v3/files"),
        "drive.files.create",
        True,
        lambda e, c: e._drive_create(c),
    ),
    (
        "GET",
        re.compile(r"/drive/v3/files"),
        "drive.files.list",
        False,
        lambda e, c: e._drive_list(c),
    ),
    (
        "GET",
        re.compile(rf"/drive/v3/files/{_SID}"),
        "drive.files.get",
        False,
        lambda e, c: e._drive_get(c),
    ),
    (
        "DELETE",
        re.compile(rf"/drive/v3/files/{_SID}"),
        "drive.files.delete",
        True,
        lambda e, c: e._drive_delete(c),
    ),
]


def _route(method: str, path: str) -> tuple[str, bool, Handler, re.Match[str]] | None:
    for route_method, pattern, kind, is_write, handler in _ROUTES:
        if route_method == method:
            match = pattern.fullmatch(path)
            if match:
                return kind, is_write, handler, match
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: SheetsEmulator) -> None:
        self.emulator = emulator
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Drop idle keep-alive connections so handler threads end with the server."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.emulator.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, status: int, body: JSON | None) -> None:
        data = b"" if body is None else json.dumps(body, indent=2, ensure_ascii=False).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)

    def _read_body(self) -> JSON:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            raw = self._read_chunked()
        else:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise invalid(f"Invalid JSON payload received. {exc}") from None
        if not isinstance(body, dict):
            raise invalid("Invalid JSON payload received. Expected an object.")
        return body

    def _read_chunked(self) -> bytes:
        parts = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        url = urlsplit(self.path)
        path = url.path
        query = parse_qs(url.query, keep_blank_values=True)
        if path.startswith("/_emulator/"):
            try:
                status, body = emulator._admin(self.command, path, self._read_body())
            except ApiError as err:
                status, body = err.code, err.body()
            self._send(status, body)
            return
        found = _route(self.command, path)
        kind = found[0] if found else "unknown"
        is_write = found[1] if found else False
        sid = rng = None
        if found:
            groups = found[3].groupdict()
            sid = unquote(groups["sid"]) if groups.get("sid") else None
            rng = unquote(groups["range"]) if groups.get("range") else None
        fault = emulator.faults.decide(kind, is_write) if found else None
        delay = emulator.faults.latency()
        if delay:
            time.sleep(delay)
        fault_tag = None
        body_in: Any = None
        try:
            body_in = self._read_body()
            if found is None:
                raise ApiError(404, f"Method not found: {self.command} {path}")
            if fault is not None and not fault.after_apply:
                fault_tag = "before"
                status, body = fault.status, fault_body(fault.status, is_write)
            else:
                status, body = found[2](emulator, _Call(found[3], query, body_in))
                if fault is not None:
                    fault_tag = "after_apply"
                    status, body = fault.status, fault_body(fault.status, is_write)
        except ApiError as err:
            status, body = err.code, err.body()
        except Exception as exc:  # an emulator bug must still answer, and say so
            status, body = 500, ApiError(500, f"Emulator error: {exc!r}").body()
        emulator.log.add(
            LoggedRequest(self.command, path, query, status, kind, sid, rng, fault_tag, body_in)
        )
        self._send(status, body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _dispatch


class SheetsEmulator:
    """A stateful Google Sheets API v4 emulator on 127.0.0.1, served from a thread.

    >>> with SheetsEmulator() as emu:
    ...     sid = emu.create_spreadsheet("t")
    ...     client = gspread_client(emu.host)  # from sheets_emulator.client

    ``host`` is what ``SHEETS_EMULATOR_HOST`` should be set to.
    """

    def __init__(
        self,
        port: int = 0,
        bind: str = "127.0.0.1",
        *,
        auto_create: bool = False,
        seed: int = 0,
        verbose: bool = False,
    ) -> None:
        if bind not in LOOPBACK:
            raise ValueError(
                f"the emulator only binds loopback ({', '.join(LOOPBACK)}), not {bind!r}"
            )
        self.workbook = Workbook(seed=seed, auto_create=auto_create)
        self.faults = FaultInjector()
        self.log = RequestLog()
        self.verbose = verbose
        self._bind = bind
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ----- lifecycle -----

    def start(self) -> SheetsEmulator:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        self._server = _Server((self._bind, self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        """Serve in the calling thread (the CLI); Ctrl-C raises KeyboardInterrupt."""
        if self._server is None:
            self._server = _Server((self._bind, self._port), self)
        try:
            self._server.serve_forever()
        finally:
            self._server.close_connections()
            self._server.server_close()
            self._server = None

    def bind(self) -> SheetsEmulator:
        """Bind without serving yet (the CLI binds first to print the real port)."""
        if self._server is None:
            self._server = _Server((self._bind, self._port), self)
        return self

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (a free one when constructed with port=0)."""
        if self._server is None:
            raise RuntimeError("emulator is not running")
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        """The value for SHEETS_EMULATOR_HOST, e.g. "127.0.0.1:54321"."""
        host = f"[{self._bind}]" if ":" in self._bind else self._bind
        return f"{host}:{self.port}"

    @property
    def url(self) -> str:
        """Base URL, e.g. "http://127.0.0.1:54321"."""
        return f"http://{self.host}"

    # ----- spreadsheets -----

    def create_spreadsheet(
        self,
        title: str = "Untitled spreadsheet",
        sheets: Sequence[str] = ("Sheet1",),
        *,
        spreadsheet_id: str | None = None,
        rows: int = 1000,
        cols: int = 26,
        locale: str = "en_US",
    ) -> str:
        """New spreadsheet like a fresh Google Sheet (first sheetId 0, 1000x26); returns its id.

        ``locale`` ("en_US", "zh_CN", ...) decides which typed dates USER_ENTERED recognises.
        """
        return self.workbook.create(title, sheets, spreadsheet_id, rows, cols, locale)

    def delete_spreadsheet(self, spreadsheet_id: str) -> None:
        """Remove a spreadsheet; later requests for it get 404."""
        self.workbook.delete(spreadsheet_id)

    def spreadsheet_ids(self) -> list[str]:
        """Ids of all spreadsheets held."""
        with self.workbook.lock:
            return list(self.workbook.spreadsheets)

    def reset(self) -> None:
        """Drop all spreadsheets, faults and the request log."""
        self.workbook.reset()
        self.faults.clear()
        self.log.clear()

    def metadata(self, spreadsheet_id: str) -> JSON:
        """What GET /v4/spreadsheets/{id} would answer (not logged)."""
        return self.workbook.metadata(spreadsheet_id, {})

    def sheet_titles(self, spreadsheet_id: str) -> list[str]:
        """The titles of a spreadsheet's sheets, in order (not logged)."""
        return [s["properties"]["title"] for s in self.metadata(spreadsheet_id)["sheets"]]

    def cell(self, spreadsheet_id: str, title: str, row: int, col: int) -> Cell:
        """Stored cell at 1-based (row, col): ``.value``, ``.formula``, ``.is_formula``."""
        return self.workbook.cell(spreadsheet_id, title, row, col)

    def values(self, spreadsheet_id: str, title: str) -> list[list[Any]]:
        """Stored values of a sheet (formula text for formulas, None for gaps), not logged."""
        return self.workbook.raw_values(spreadsheet_id, title)

    def set_values(
        self,
        spreadsheet_id: str,
        title: str,
        rows: Sequence[Sequence[Any]],
        *,
        start_row: int = 1,
        start_col: int = 1,
        user_entered: bool = False,
    ) -> None:
        """Seed a sheet directly (as if a person typed it), growing the grid if needed."""
        self.workbook.set_values(spreadsheet_id, title, rows, start_row, start_col, user_entered)

    # ----- faults and log -----

    def set_faults(self, **settings: Any) -> FaultConfig:
        """Random faults: error_rate, error_statuses, after_apply_rate, after_apply_status,
        latency, kinds, seed (see ``FaultConfig``). Replaces previous random settings."""
        return self.faults.configure(**settings)

    def fail_next(
        self,
        count: int = 1,
        status: int = 500,
        *,
        after_apply: bool = False,
        kind: str | None = None,
    ) -> None:
        """Answer the next ``count`` requests (of ``kind``) with ``status``, exactly."""
        self.faults.fail_next(count, status, after_apply, kind)

    def clear_faults(self) -> None:
        """Back to a healthy, instant server."""
        self.faults.clear()

    @property
    def requests(self) -> list[LoggedRequest]:
        """The API request log, oldest first (admin requests excluded)."""
        return self.log.all()

    def reset_requests(self) -> None:
        """Empty the request log (call after test setup, before the code under test)."""
        self.log.clear()

    def count_requests(self, kind: str | None = None, method: str | None = None) -> int:
        """Logged requests of ``kind`` (e.g. "values.batchGet") and/or HTTP ``method``."""
        return self.log.count(kind, method)

    def request_kinds(self) -> list[str]:
        """Kinds of logged requests in order: a compact way to assert a request budget."""
        return self.log.kinds()

    # ----- admin HTTP (/_emulator/...) -----

    def _admin(self, method: str, path: str, body: JSON) -> tuple[int, JSON | None]:
        if path == "/_emulator/health" and method == "GET":
            return 200, {"ok": True, "spreadsheets": len(self.spreadsheet_ids())}
        if path == "/_emulator/faults":
            if method == "GET":
                return 200, self.faults.describe()
            if method in ("POST", "PUT"):
                try:
                    self.faults.configure(**body)
                except (TypeError, ValueError) as exc:
                    raise invalid(f"Invalid fault settings: {exc}") from None
                return 200, self.faults.describe()
            if method == "DELETE":
                self.faults.clear()
                return 200, self.faults.describe()
        if path == "/_emulator/faults/fail_next" and method == "POST":
            try:
                self.faults.fail_next(
                    int(body.get("count", 1)),
                    int(body.get("status", 500)),
                    bool(body.get("after_apply", False)),
                    body.get("kind"),
                )
            except (TypeError, ValueError) as exc:
                raise invalid(f"Invalid fail_next settings: {exc}") from None
            return 200, self.faults.describe()
        if path == "/_emulator/requests":
            if method == "GET":
                return 200, {"requests": [asdict(r) for r in self.log.all()]}
            if method == "DELETE":
                self.log.clear()
                return 200, {"requests": []}
        if path == "/_emulator/spreadsheets" and method == "POST":
            try:
                sid = self.create_spreadsheet(
                    body.get("title", "Untitled spreadsheet"),
                    body.get("sheets", ["Sheet1"]),
                    spreadsheet_id=body.get("spreadsheetId"),
                    rows=int(body.get("rows", 1000)),
                    cols=int(body.get("cols", 26)),
                    locale=str(body.get("locale", "en_US")),
                )
            except ValueError as exc:
                raise invalid(str(exc)) from None
            return 200, {"spreadsheetId": sid}
        if path == "/_emulator/reset" and method == "POST":
            self.reset()
            return 200, {"ok": True}
        raise ApiError(404, f"Unknown emulator admin endpoint: {method} {path}")

    # ----- minimal Drive v3 files -----

    def _drive_file(self, sid: str, fields: str | None = None) -> JSON:
        ss = self.workbook.get(sid)
        data = {
            "kind": "drive#file",
            "id": sid,
            "name": ss.title,
            "mimeType": _SHEETS_MIME,
            "createdTime": ss.created,
            "modifiedTime": ss.modified,
        }
        if fields:
            wanted = {f.strip() for f in fields.split(",")}
            data = {k: v for k, v in data.items() if k in wanted}
        return data

    def _drive_create(self, call: _Call) -> tuple[int, JSON]:
        if call.body.get("mimeType") != _SHEETS_MIME:
            raise ApiError(501, "The emulator's Drive API only creates Google Sheets files.")
        sid = self.create_spreadsheet(call.body.get("name") or "Untitled spreadsheet")
        return 200, self._drive_file(sid, "kind,id,name,mimeType")

    def _drive_get(self, call: _Call) -> tuple[int, JSON]:
        with self.workbook.lock:
            if call.spreadsheet_id not in self.workbook.spreadsheets:
                raise ApiError(404, f"File not found: {call.spreadsheet_id}.")
            return 200, self._drive_file(call.spreadsheet_id, call.params().get("fields"))

    def _drive_delete(self, call: _Call) -> tuple[int, None]:
        try:
            self.workbook.delete(call.spreadsheet_id)
        except ApiError:
            raise ApiError(404, f"File not found: {call.spreadsheet_id}.") from None
        return 204, None

    def _drive_list(self, call: _Call) -> tuple[int, JSON]:
        name = re.search(r'name\s*=\s*"((?:[^"\\]|\\.)*)"', call.params().get("q", ""))
        with self.workbook.lock:
            files = [
                self._drive_file(sid, "id,name,createdTime,modifiedTime")
                for sid, ss in self.workbook.spreadsheets.items()
                if name is None or ss.title == name.group(1)
            ]
        return 200, {"kind": "drive#fileList", "files": files}
