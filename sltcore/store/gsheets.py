"""The shared Google Sheet as a Store, through gspread 6's HTTP client.

Why it looks like this:
- The Sheets API allows about 60 requests a minute per user, so the whole spreadsheet is held
  in memory: a cold load is one metadata GET plus one `values:batchGet`; reruns cost nothing;
  our own writes update the snapshot in place instead of re-reading.
- People edit the sheet by hand. Rows are found by their `id` (never by row number), headers
  may be keys or labels in any order, extra columns are kept and never written, and rows that
  cannot be read are reported (`read_problems`, shown by `python -m sltcore check`).
- Every value is sent with `valueInputOption=RAW`, so nothing anyone typed becomes a formula.
- 429 and 5xx are retried with exponential backoff and jitter, bounded in time. A write whose
  answer was lost (5xx, timeout) is checked against the sheet before it is retried, so a
  retried append never lands twice; duplicate ids that got in anyway are collapsed on read.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pandas as pd
import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sltcore.auth import Actor
from sltcore.codec import ParseError, frame, parse_value, to_text
from sltcore.errors import BackendUnavailable, DeskError, NotFoundError, Problem
from sltcore.schema import (
    AUDIT_TABLE,
    SYSTEM_KEYS,
    TABLES,
    Field,
    Table,
    header_aliases,
    normalise_header,
    table,
)
from sltcore.store.base import (
    Row,
    SingleUpdate,
    prepare_append,
    prepare_archive,
    prepare_updates,
)

T = TypeVar("T")
log = logging.getLogger("sltcore.store.gsheets")
_KEY_RE = re.compile(r"/spreadsheets/d/([a-zA-Z0-9-_]+)")
_ROW_RE = re.compile(r"![A-Z]+(\d+)")
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
WRITE_PARAMS = {"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}


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
    """The JSON value sent for a field: numbers stay numbers, the rest is canonical text."""
    if value is None or value == ():
        return ""
    if f.type in ("int", "number"):
        return value
    if f.type == "bool":
        return bool(value)
    return to_text(f, value)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by `max_elapsed` seconds."""

    base: float = 0.5
    factor: float = 2.0
    cap: float = 8.0
    max_elapsed: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delays(self) -> Any:
        attempt = 0
        while True:
            yield random.uniform(0, min(self.cap, self.base * self.factor**attempt))
            attempt += 1


class _Ambiguous(Exception):
    """The request may or may not have been applied (5xx, timeout, dropped connection)."""


@dataclass
class _Tab:
    table: Table
    title: str
    headers: list[str]
    col_of: dict[str, int]  # field key -> 0-based column
    rows: dict[str, Row] = field(default_factory=dict)  # id -> canonical row (incl. archived)
    row_no: dict[str, int] = field(default_factory=dict)  # id -> sheet row (1-based)
    last_row: int = 1

    @property
    def width(self) -> int:
        return max([len(self.headers), *(c + 1 for c in self.col_of.values())])

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


class _SnapshotLookup:
    """Validation's questions answered from the in-memory copy of the sheet."""

    def __init__(self, store: GSheetsStore) -> None:
        self.tabs = store._tabs

    def _live(self, table_key: str) -> list[Row]:
        return [r for r in self.tabs[table_key].rows.values() if not r.get("archived")]

    def ref_status(self, table_key: str, ids: set[str]) -> dict[str, bool]:
        rows = self.tabs[table_key].rows
        return {i: bool(rows[i].get("archived")) for i in ids if i in rows}

    def day_hours(self, pairs: set[tuple[str, dt.date]], exclude: set[str]) -> dict:
        out: dict[tuple[str, dt.date], float] = dict.fromkeys(pairs, 0.0)
        for r in self._live("service_records"):
            key = (r.get("volunteer_id"), r.get("date"))
            if key in out and r["id"] not in exclude:
                out[key] += float(r.get("hours") or 0)
        return out

    def attended(self, pairs: set[tuple[str, str]], exclude: set[str]) -> set[tuple[str, str]]:
        return {
            (r.get("volunteer_id"), r.get("event_id"))
            for r in self._live("service_records")
            if (r.get("volunteer_id"), r.get("event_id")) in pairs and r["id"] not in exclude
        }

    def taken(self, table_key: str, field: str, values: set, exclude: set[str]) -> set:
        return {
            r.get(field)
            for r in self._live(table_key)
            if r.get(field) in values and r["id"] not in exclude
        }

    def community_of(self, table_key: str, ids: set[str]) -> dict[str, str | None]:
        field = table(table_key).community_field
        rows = self.tabs[table_key].rows
        return {i: (rows[i].get(field) if field else None) for i in ids if i in rows}


class GSheetsStore(SingleUpdate):
    """Store on one Google spreadsheet: one tab per table, header row = field keys."""

    backend = "gsheets"

    def __init__(
        self,
        http: HTTPClient,
        spreadsheet_id: str,
        *,
        ttl: float = 60.0,
        retry: RetryPolicy | None = None,
        account_email: str = "",
        where: str = "",
    ) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_key(spreadsheet_id)
        self.ttl = ttl
        self.retry = retry or RetryPolicy()
        self.account_email = account_email
        self.where = where or f"Google Sheets {self.spreadsheet_id}"
        self._lock = threading.RLock()
        self._tabs: dict[str, _Tab] = {}
        self._problems: list[Problem] = []
        self._loaded_at: float | None = None
        self._generation = 0
        self._pending_audit: list[Row] = []

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> GSheetsStore:
        """From `[connections.gsheets]`; `SHEETS_EMULATOR_HOST` sends traffic to the emulator.

        A half-filled section is refused before any request, naming the missing fields in
        both languages and how to fall back to the local store (`sltcore.config`).
        """
        import gspread

        from sltcore import config as settings
        from sltcore.store.google_hosts import emulator_client

        host = settings.emulator_host()
        missing = settings.gsheets_missing(config, emulator=host is not None)
        if missing:
            raise settings.gsheets_missing_error(missing)
        sheet = str(config["spreadsheet"]).strip()
        if host:
            client = emulator_client(host)
            where = f"Sheets emulator {host}"
        else:
            info = {k: v for k, v in config.items() if k not in ("spreadsheet", "type_")}
            try:
                client = gspread.service_account_from_dict(info)
            except (ValueError, KeyError, TypeError):
                raise settings.bad_key_error() from None
            where = "Google Sheets"
        client.http_client.set_timeout(30)
        return cls(
            client.http_client,
            sheet,
            account_email=str(config.get("client_email", "")),
            where=where,
        )

    # --- requests with retries ------------------------------------------------------------

    def _error(self, err: APIError) -> DeskError:
        status = err.response.status_code
        if status == 404:
            return DeskError(
                "找不到这个 Google 表格：可能已被删除，或 secrets.toml 里的链接有误。",
                "The Google Sheet was not found: deleted, or a wrong link in secrets.toml.",
            )
        if status == 403:
            who = self.account_email or "服务账号"
            return DeskError(
                f"没有权限访问这个表格：请在表格的“共享”中把 {who} 添加为编辑者。",
                "No access to the sheet: share it with "
                f"{self.account_email or 'the service account'} as an editor.",
            )
        if status == 401:
            return DeskError(
                "服务账号密钥无效或已被停用，请在 secrets.toml 中更新密钥。",
                "The service-account key is invalid or disabled; update it in secrets.toml.",
            )
        if status == 429:
            return BackendUnavailable(
                "Google 表格请求过于频繁（每分钟约60次的限额），请等一分钟再保存；"
                "已填写的内容仍保留在表单中。",
                "Google Sheets' quota (about 60 requests a minute) is used up; wait a minute "
                "and save again. What you typed is kept.",
            )
        if status >= 500:
            return BackendUnavailable()
        return DeskError(
            f"Google 表格拒绝了请求：{err.error.get('message', status)}",
            f"Google Sheets refused the request: {err.error.get('message', status)}",
        )

    def _call(self, fn: Callable[[], T], verify: Callable[[], T | None] | None = None) -> T:
        """Run one request, retrying 429/5xx; for writes, `verify` says if it already landed."""
        started = time.monotonic()
        delays = self.retry.delays()
        while True:
            try:
                return fn()
            except APIError as err:
                status = err.response.status_code
                if status != 429 and status < 500:
                    raise self._error(err) from None
                final = self._error(err)
                ambiguous = status >= 500
            except (requests.ConnectionError, requests.Timeout):
                final = BackendUnavailable(
                    "无法连接 Google 表格（网络不通；中国大陆无法直接访问 Google，"
                    "可改用本地数据库）。已填写的内容仍保留在表单中。",
                    "Cannot reach Google Sheets (network down; Google is not reachable from "
                    "mainland China: use the local store). What you typed is kept.",
                )
                ambiguous = True
            while True:
                delay = next(delays)
                if time.monotonic() - started + delay > self.retry.max_elapsed:
                    if ambiguous and verify is not None:
                        raise BackendUnavailable(
                            "保存时与 Google 表格的连接中断，无法确认是否已保存：请刷新后查看，"
                            "再决定是否重新提交。",
                            "The connection broke while saving and it is unknown whether the "
                            "save landed: refresh and check before submitting again.",
                        )
                    raise final
                self.retry.sleep(delay)
                if not ambiguous or verify is None:
                    break
                try:
                    landed = verify()
                except (APIError, requests.RequestException, DeskError):
                    continue  # could not tell yet: ask again, never resend blindly
                if landed is not None:
                    return landed
                break  # it did not land: send again

    # --- loading the snapshot -------------------------------------------------------------

    def _fresh(self) -> None:
        with self._lock:
            if self._loaded_at is None or time.monotonic() - self._loaded_at > self.ttl:
                self._load()

    def reload(self) -> None:
        """Read the whole sheet again (the app's refresh button)."""
        with self._lock:
            self._load()

    def _load(self) -> None:
        meta = self._call(
            lambda: self.http.fetch_sheet_metadata(
                self.spreadsheet_id, params={"includeGridData": "false"}
            )
        )
        sheets = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
        titles = self._match_titles(sheets)
        ranges = [
            quote_title(titles[t.key]) + ("!1:1" if t.key == AUDIT_TABLE else "")
            for t in TABLES
            if t.key in titles
        ]
        got: dict[str, list[list[Any]]] = {}
        if ranges:
            resp = self._call(
                lambda: self.http.values_batch_get(self.spreadsheet_id, ranges, dict(READ_PARAMS))
            )
            present = [t.key for t in TABLES if t.key in titles]
            for key, vr in zip(present, resp.get("valueRanges", []), strict=True):
                got[key] = vr.get("values", [])
        self._ensure_layout(sheets, titles, got)
        self._problems = []
        self._tabs = {}
        for t in TABLES:
            values = got.get(t.key, [])
            self._tabs[t.key] = self._parse_tab(t, titles[t.key], values)
        self._loaded_at = time.monotonic()
        self._generation += 1

    @staticmethod
    def _match_titles(sheets: Mapping[str, Any]) -> dict[str, str]:
        """Table key -> tab title; a tab may be named by key or by either label."""
        by_norm = {normalise_header(title): title for title in sheets}
        out = {}
        for t in TABLES:
            for alias in (t.key, t.zh, t.en):
                if normalise_header(alias) in by_norm:
                    out[t.key] = by_norm[normalise_header(alias)]
                    break
        return out

    def _ensure_layout(
        self, sheets: dict[str, Any], titles: dict[str, str], got: dict[str, list[list[Any]]]
    ) -> None:
        """Add missing tabs and header columns; never reorder or erase what people added."""
        requests_: list[dict[str, Any]] = []
        header_writes: list[dict[str, Any]] = []
        for t in TABLES:
            if t.key not in titles:
                titles[t.key] = t.key
                requests_.append({"addSheet": {"properties": {
                    "title": t.key,
                    "gridProperties": {"rowCount": 1000, "columnCount": max(26, len(t.fields))},
                }}})  # fmt: skip
                got[t.key] = [list(t.keys)]
                header_writes.append({"range": f"{quote_title(t.key)}!A1", "values": [t.keys]})
                continue
            values = got.setdefault(t.key, [])
            header = [str(h) for h in values[0]] if values else []
            aliases = header_aliases(t)
            have = {aliases.get(normalise_header(h)) for h in header if h.strip()}
            missing = [f.key for f in t.fields if f.key not in have]
            if not missing:
                continue
            last = max((i for i, h in enumerate(header) if str(h).strip()), default=-1)
            start = last + 1
            need = start + len(missing)
            props = sheets[titles[t.key]]
            columns = props.get("gridProperties", {}).get("columnCount", 26)
            if need > columns:
                requests_.append({"appendDimension": {
                    "sheetId": props["sheetId"], "dimension": "COLUMNS", "length": need - columns,
                }})  # fmt: skip
            header_writes.append({
                "range": f"{quote_title(titles[t.key])}!{column_letter(start)}1",
                "values": [missing],
            })  # fmt: skip
            new_header = header[:start] + [""] * (start - len(header[:start])) + missing
            if values:
                values[0] = new_header
            else:
                values.append(new_header)
        if requests_:
            self._call(lambda: self.http.batch_update(self.spreadsheet_id, {"requests": requests_}))
        if header_writes:
            body = {"valueInputOption": "RAW", "data": header_writes}
            self._call(lambda: self.http.values_batch_update(self.spreadsheet_id, body))

    def _parse_tab(self, t: Table, title: str, values: list[list[Any]]) -> _Tab:
        header = [str(h) for h in values[0]] if values else list(t.keys)
        aliases = header_aliases(t)
        col_of: dict[str, int] = {}
        for i, h in enumerate(header):
            key = aliases.get(normalise_header(h)) if h.strip() else None
            if key and key not in col_of:
                col_of[key] = i
        tab = _Tab(t, title, header, col_of, last_row=max(1, len(values)))
        for offset, raw in enumerate(values[1:], start=2):
            if not any(str(v).strip() for v in raw):
                continue  # a blank row
            self._parse_row(tab, raw, offset)
        return tab

    def _parse_row(self, tab: _Tab, raw: list[Any], row_no: int) -> None:
        t = tab.table

        def cell(key: str) -> Any:
            i = tab.col_of.get(key)
            return raw[i] if i is not None and i < len(raw) else None

        def problem(field: str | None, zh: str, en: str) -> None:
            self._problems.append(Problem(t.key, row_no, field, zh, en))

        rid = cell("id")
        if rid is None or not str(rid).strip():
            problem("id", "这一行没有编号，工作台无法识别（新数据请通过工作台录入）",
                    "this row has no id; enter new data through the desk")  # fmt: skip
            return
        row: Row = {}
        for f in t.fields:
            try:
                row[f.key] = parse_value(f, cell(f.key))
            except ParseError as err:
                row[f.key] = None
                problem(f.key, f"无法读取：{err.zh}", f"cannot be read: {err.en}")
            except (ValueError, TypeError, OverflowError):
                row[f.key] = None
                problem(f.key, "无法读取这个值", "this value cannot be read")
        row["id"] = str(rid).strip()
        if row.get("version") is None:
            row["version"] = 1
        row["archived"] = bool(row.get("archived"))
        existing = tab.rows.get(row["id"])
        if existing is not None:
            problem(
                "id",
                f"编号{row['id']}重复出现（可能是重试造成的重复追加），已按一行处理",
                f"id {row['id']} appears twice (a retried append?); read as one row",
            )
            if int(existing["version"]) >= int(row["version"]):
                return
        tab.rows[row["id"]] = row
        tab.row_no[row["id"]] = row_no

    # --- reads ----------------------------------------------------------------------------

    def _frame(self, tab: _Tab, include_archived: bool) -> pd.DataFrame:
        rows = [r for r in tab.rows.values() if include_archived or not r.get("archived")]
        return frame(tab.table, {f.key: [r.get(f.key) for r in rows] for f in tab.table.fields})

    def read_all(self, include_archived: bool = False) -> dict[str, pd.DataFrame]:
        with self._lock:
            self._fresh()
            return {
                key: self._frame(tab, include_archived)
                for key, tab in self._tabs.items()
                if key != AUDIT_TABLE
            }

    def read(self, table_key: str, include_archived: bool = False) -> pd.DataFrame:
        with self._lock:
            self._fresh()
            if table_key == AUDIT_TABLE:
                tab = self._tabs[AUDIT_TABLE]
                values = self._call(
                    lambda: self.http.values_get(
                        self.spreadsheet_id, quote_title(tab.title), dict(READ_PARAMS)
                    )
                ).get("values", [])
                kept = self._problems
                try:
                    return self._frame(self._parse_tab(tab.table, tab.title, values), True)
                finally:
                    self._problems = kept
            return self._frame(self._tabs[table_key], include_archived)

    def get(self, table_key: str, row_id: str) -> Row | None:
        with self._lock:
            self._fresh()
            row = self._tabs[table_key].rows.get(row_id)
            return dict(row) if row is not None else None

    def read_problems(self) -> list[Problem]:
        with self._lock:
            self._fresh()
            return list(self._problems)

    def revision(self) -> str:
        with self._lock:
            self._fresh()
            return f"g{self._generation}"

    def describe(self) -> dict[str, str]:
        return {"backend": "gsheets", "where": self.where}

    # --- writes ---------------------------------------------------------------------------

    def _append_rows(self, tab: _Tab, rows: list[Row]) -> None:
        """One `values:append`; on a lost answer, look for our ids before trying again."""
        ids = [r["id"] for r in rows]
        body = {"values": [tab.values_for(r) for r in rows]}
        rng = f"{quote_title(tab.title)}!A1"

        def send() -> int:
            resp = self.http.values_append(self.spreadsheet_id, rng, dict(WRITE_PARAMS), body)
            m = _ROW_RE.search(resp.get("updates", {}).get("updatedRange", ""))
            return int(m.group(1)) if m else tab.last_row + 1

        def landed() -> int | None:
            found = self._id_column(tab)
            if ids[0] in found:
                return found.index(ids[0]) + 1
            return None

        first = self._call(send, verify=landed)
        for i, r in enumerate(rows):
            tab.rows[r["id"]] = r
            tab.row_no[r["id"]] = first + i
        tab.last_row = max(tab.last_row, first + len(rows) - 1)

    def _id_column(self, tab: _Tab) -> list[Any]:
        rng = self._column_range(tab, "id")
        resp = self.http.values_get(self.spreadsheet_id, rng, dict(READ_PARAMS))
        return [r[0] if r else "" for r in resp.get("values", [])]

    def _column_range(self, tab: _Tab, key: str) -> str:
        letter = column_letter(tab.col_of[key])
        return f"{quote_title(tab.title)}!{letter}:{letter}"

    def _locate(self, tab: _Tab, ids: Sequence[str]) -> dict[str, tuple[int, int | None]]:
        """id -> (sheet row, stored version), read fresh: one batchGet of two columns."""
        ranges = [self._column_range(tab, "id"), self._column_range(tab, "version")]
        resp = self._call(
            lambda: self.http.values_batch_get(self.spreadsheet_id, ranges, dict(READ_PARAMS))
        )
        id_col, ver_col = (vr.get("values", []) for vr in resp["valueRanges"])
        wanted = set(ids)
        out: dict[str, tuple[int, int | None]] = {}
        for i, cell in enumerate(id_col):
            rid = str(cell[0]).strip() if cell else ""
            if rid in wanted:
                raw = ver_col[i][0] if i < len(ver_col) and ver_col[i] else None
                try:
                    version = int(float(raw)) if raw not in (None, "") else 1
                except (TypeError, ValueError):
                    version = None
                best = out.get(rid)
                if best is None or (version or 0) > (best[1] or 0):
                    out[rid] = (i + 1, version)
        return out

    def _write_rows(self, tab: _Tab, rows: Sequence[tuple[int, Row, Sequence[str]]]) -> None:
        """One `values:batchUpdate` writing, in each row, only the fields that changed and the
        system fields: cells someone edited by hand, and extra columns, are left alone."""
        data = []
        for row_no, row, keys in rows:
            values = tab.values_for(row)
            for start, end in tab.runs([*SYSTEM_KEYS, *(k for k in keys if k not in SYSTEM_KEYS)]):
                first, last = column_letter(start), column_letter(end)
                rng = f"{quote_title(tab.title)}!{first}{row_no}:{last}{row_no}"
                data.append({"range": rng, "values": [values[start : end + 1]]})
        body = {"valueInputOption": "RAW", "data": data}

        def landed() -> bool | None:
            where = self._locate(tab, [r["id"] for _, r, _ in rows])
            ok = all(where.get(r["id"], (0, None))[1] == r["version"] for _, r, _ in rows)
            return True if ok else None

        self._call(lambda: self.http.values_batch_update(self.spreadsheet_id, body), landed)
        for row_no, row, _ in rows:
            tab.rows[row["id"]] = row
            tab.row_no[row["id"]] = row_no

    def _current(self, tab: _Tab, row_id: str, where: dict[str, tuple[int, int | None]]) -> Row:
        if row_id not in where:
            raise NotFoundError(tab.table.key, row_id)
        version = where[row_id][1]
        cached = tab.rows.get(row_id)
        if cached is None or cached.get("version") != version:
            self._load()  # someone changed it by hand or from another session: re-read
            tab = self._tabs[tab.table.key]
            cached = tab.rows.get(row_id)
            if cached is None:
                raise NotFoundError(tab.table.key, row_id)
        return dict(cached)

    def append(self, table_key: str, rows: Sequence[Mapping[str, Any]], actor: Actor) -> list[Row]:
        t = table(table_key)
        if not rows:
            return []
        with self._lock:
            self._fresh()
            stored, audits = prepare_append(t, rows, actor, _SnapshotLookup(self))
            self._append_rows(self._tabs[t.key], stored)
            self._audit(audits)
            self._generation += 1
        return stored

    def _audit(self, audits: list[Row]) -> None:
        # A second append: Sheets has no transaction across tabs. The data row is written
        # first; if this append still fails after the retries, the save has landed and is
        # reported as saved, and the audit rows wait here to go out with the next write.
        rows = self._pending_audit + audits
        if not rows:
            return
        try:
            self._append_rows(self._tabs[AUDIT_TABLE], rows)
        except DeskError:
            log.warning("audit rows kept for the next write: %d", len(rows))
            self._pending_audit = rows
            return
        self._pending_audit = []

    def update_many(
        self,
        table_key: str,
        updates: Mapping[str, tuple[Mapping[str, Any], int]],
        actor: Actor,
    ) -> list[Row]:
        t = table(table_key)
        if not updates:
            return []
        with self._lock:
            self._fresh()
            where = self._locate(self._tabs[t.key], list(updates))
            items = []
            for row_id, (changes, expected) in updates.items():
                current = self._current(self._tabs[t.key], row_id, where)
                items.append((current, changes, expected))
            done = prepare_updates(t, items, actor, _SnapshotLookup(self))
            writes = [
                (where[new["id"]][0], new, [k for k in t.keys if new.get(k) != cur.get(k)])
                for (cur, _, _), (new, audit) in zip(items, done, strict=True)
                if audit is not None
            ]
            if writes:
                self._write_rows(self._tabs[t.key], writes)
                self._audit([audit for _, audit in done if audit is not None])
                self._generation += 1
        return [new for new, _ in done]

    def set_archived(
        self, table_key: str, versions: Mapping[str, int], archived: bool, actor: Actor
    ) -> list[Row]:
        t = table(table_key)
        with self._lock:
            self._fresh()
            where = self._locate(self._tabs[t.key], list(versions))
            out, audits, writes = [], [], []
            for row_id, expected in versions.items():
                current = self._current(self._tabs[t.key], row_id, where)
                new, audit = prepare_archive(
                    t, current, expected, archived, actor, _SnapshotLookup(self)
                )
                out.append(new)
                audits.append(audit)
                writes.append((where[row_id][0], new, ["archived"]))
            self._write_rows(self._tabs[t.key], writes)
            self._audit(audits)
            self._generation += 1
        return out
