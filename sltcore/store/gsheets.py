"""The shared Google Sheet as a Store, through gspread 6's HTTP client.

Why it looks like this:
- The Sheets API allows about 60 requests a minute per user, so the whole spreadsheet is held
  in memory for display: a cold load is one metadata GET plus one `values:batchGet`, reruns
  cost nothing. A *write* never trusts that copy.
- One user action is one transaction (`transact`), in two requests:
  1. take the write lease: `addSheet` of a hidden tab with the fixed title `_lease` (Google
     refuses a second sheet of that name, so only one process at a time gets it), and in the
     same request read back, after applying it (`includeSpreadsheetInResponse` with
     `responseRanges`), what changed since our copy: the new entries of the `_journal` tab
     (one per committed action, naming the rows it changed in place), each tab's rows below
     the last one we know, and the rows the action is about to change;
  2. run the action against the copy made current that way, then ONE `batchUpdate` with its
     `appendCells` and `updateCells` across tabs, its audit rows, its journal entry and the
     `deleteSheet` of our lease. Google applies a batchUpdate all or nothing, and a lease that
     expired and was broken by another process makes our `deleteSheet` (so the whole commit)
     fail: nothing is ever written without holding the lease.
  A lease left by a killed process is broken after it expires: `deleteSheet` of its sheetId and
  a new `addSheet` in one request (a second breaker's delete fails).
- A commit whose answer was lost is looked up in the journal (our entry is the one right
  after the journal position we read under the lease) before anything is sent again; if that
  cannot be told in time, `OutcomeUnknown` carries a token that `outcome()` resolves later.
- People edit the sheet by hand. Rows are found by their `id` (never by row number alone:
  a row's position is checked before it is written), headers may be keys or labels in any
  order, extra columns are kept and never written, and rows that cannot be read are reported
  (`read_problems`, shown by `python -m sltcore check`).
- Values are written as `userEnteredValue` string/number/bool, never formulas.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import random
import secrets
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from gspread.http_client import HTTPClient

from sltcore.auth import Actor
from sltcore.codec import ParseError, frame, parse_value
from sltcore.errors import BackendUnavailable, DeskError, LeaseBusy, OutcomeUnknown, Problem
from sltcore.schema import (
    AUDIT_TABLE,
    SYSTEM_KEYS,
    TABLES,
    Table,
    header_aliases,
    normalise_header,
    table,
)
from sltcore.store.base import Row
from sltcore.store.sheets_cells import (
    Tab,
    column_letter,
    grid_rows,
    quote_title,
    row_data,
    spreadsheet_key,
    to_cell,
)
from sltcore.store.sheets_http import Refused, RetryPolicy, Transient, call, send
from sltcore.store.transaction import Action, T, Transaction, TransactionalWrites

__all__ = ["GSheetsStore", "RetryPolicy", "column_letter", "quote_title", "to_cell"]

log = logging.getLogger("sltcore.store.gsheets")
READ_PARAMS = {
    "valueRenderOption": "UNFORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "majorDimension": "ROWS",
}
LEASE_TITLE = "_lease"
JOURNAL_TITLE = "_journal"
_RERUNS = 6  # an action re-run after its lease was lost, at most
_ROW_FETCH_LIMIT = 200  # more rows changed elsewhere than this: read everything again
_CHANGED_LIMIT = 40_000  # a journal cell holds 50,000 characters; past this, "everything"


class _SnapshotLookup:
    """Validation's questions answered from rows as a transaction sees them."""

    def __init__(self, rows_of: Callable[[str], Mapping[str, Row]]) -> None:
        self.rows_of = rows_of

    def _live(self, table_key: str) -> list[Row]:
        return [r for r in self.rows_of(table_key).values() if not r.get("archived")]

    def ref_status(self, table_key: str, ids: set[str]) -> dict[str, bool]:
        rows = self.rows_of(table_key)
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
        rows = self.rows_of(table_key)
        return {i: (rows[i].get(field) if field else None) for i in ids if i in rows}


class SheetsTransaction(Transaction):
    """The action's view: the store's rows with its own writes on top (copied on write)."""

    def __init__(self, store: GSheetsStore, actor: Actor) -> None:
        super().__init__(actor)
        self.store = store
        self.own: dict[str, dict[str, Row]] = {}
        self.appended: dict[str, list[str]] = {}  # table -> new ids, in order
        self.changed: dict[str, dict[str, set[str]]] = {}  # table -> stored id -> keys
        self.audits: list[Row] = []
        self._lookup = _SnapshotLookup(self.rows_of)

    def rows_of(self, table_key: str) -> Mapping[str, Row]:
        if table_key in self.own:
            return self.own[table_key]
        return self.store._tabs[table_key].rows

    @property
    def lookup(self) -> _SnapshotLookup:
        return self._lookup

    def get(self, table_key: str, row_id: str) -> Row | None:
        row = self.rows_of(table_key).get(row_id)
        return dict(row) if row is not None else None

    def select(self, table_key: str, include_archived: bool = False, **equals: Any) -> list[Row]:
        return [
            dict(r)
            for r in self.rows_of(table_key).values()
            if (include_archived or not r.get("archived"))
            and all(r.get(k) == v for k, v in equals.items())
        ]

    def _mine(self, table_key: str) -> dict[str, Row]:
        if table_key not in self.own:
            self.own[table_key] = dict(self.store._tabs[table_key].rows)
        return self.own[table_key]

    def _insert(self, t: Table, rows: list[Row]) -> None:
        if t.key == AUDIT_TABLE:
            self.audits.extend(rows)
            return
        mine = self._mine(t.key)
        for r in rows:
            mine[r["id"]] = r
            self.appended.setdefault(t.key, []).append(r["id"])

    def _replace(self, t: Table, old: Row, new: Row) -> None:
        self._mine(t.key)[new["id"]] = new
        if new["id"] in self.appended.get(t.key, ()):
            return  # appended by this action: the append carries the final row
        keys = self.changed.setdefault(t.key, {}).setdefault(new["id"], set())
        keys.update(k for k in t.keys if new.get(k) != old.get(k))

    def touched(self) -> set[tuple[str, str]]:
        """Stored rows this action rewrites: their position is checked before writing."""
        return {(t, rid) for t, by_id in self.changed.items() for rid in by_id}


@dataclass(frozen=True)
class _Lease:
    sheet_id: int
    token: str


class _LeaseLost(Exception):
    """Our lease expired and another process broke it: nothing of ours was applied."""


_ALL = object()  # "every row is fresh": returned after a full read under the lease


class GSheetsStore(TransactionalWrites):
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
        lease_ttl: float = 20.0,
        lease_wait: float = 45.0,
    ) -> None:
        self.http = http
        self.spreadsheet_id = spreadsheet_key(spreadsheet_id)
        self.ttl = ttl
        self.retry = retry or RetryPolicy()
        self.account_email = account_email
        self.where = where or f"Google Sheets {self.spreadsheet_id}"
        self.lease_ttl = lease_ttl  # a holder that died is overtaken after this many seconds
        self.lease_wait = lease_wait  # how long a writer waits for a busy lease
        self._lock = threading.RLock()
        self._tabs: dict[str, Tab] = {}
        self._problems: list[Problem] = []
        self._loaded_at: float | None = None
        self._generation = 0
        self._seq = 0  # journal entries known to this copy
        self._journal_id = 0
        # What contention cost this process (the benchmark prints it): lease waits, actions
        # run again after a lost lease, full reads under the lease.
        self.stats: Counter[str] = Counter()

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

    def _call(self, fn: Callable[[], T], verify: Callable[[], T | None] | None = None) -> T:
        return call(fn, self.retry, verify, self.account_email)

    # --- loading the copy -----------------------------------------------------------------

    def _fresh(self) -> None:
        with self._lock:
            if self._loaded_at is None or time.monotonic() - self._loaded_at > self.ttl:
                self._load()

    def reload(self) -> None:
        """Read the whole sheet again (the app's refresh button)."""
        with self._lock:
            self._load()

    def _load(self) -> None:
        self.stats["full_reads"] += 1
        self._load_all()

    def _load_all(self) -> None:
        """Metadata + one batchGet; on a first connect, add what is missing and read again.

        Setting up is idempotent: if another process added a tab first, or the answer to our
        own `addSheet` was lost, the refusal ("already exists") just means read again.
        """
        for _ in range(5):
            meta = self._call(
                lambda: self.http.fetch_sheet_metadata(
                    self.spreadsheet_id, params={"includeGridData": "false"}
                )
            )
            sheets = {s["properties"]["title"]: s["properties"] for s in meta.get("sheets", [])}
            titles = self._match_titles(sheets)
            present = [t for t in TABLES if t.key in titles]
            ranges = [
                quote_title(titles[t.key]) + ("!1:1" if t.key == AUDIT_TABLE else "")
                for t in present
            ]
            if JOURNAL_TITLE in sheets:
                ranges.append(quote_title(JOURNAL_TITLE) + "!A1:B1")
            got: dict[str, list[list[Any]]] = {}
            journal: list[list[Any]] = []
            if ranges:
                resp = self._call(
                    lambda r=ranges: self.http.values_batch_get(
                        self.spreadsheet_id, r, dict(READ_PARAMS)
                    )
                )
                vrs = resp.get("valueRanges", [])
                for t, vr in zip(present, vrs, strict=False):
                    got[t.key] = vr.get("values", [])
                if JOURNAL_TITLE in sheets and len(vrs) > len(present):
                    journal = vrs[len(present)].get("values", [])
            layout = self._layout_requests(sheets, titles, got)
            if layout:
                try:
                    self._call(
                        lambda b={"requests": layout}: self.http.batch_update(
                            self.spreadsheet_id, b
                        )
                    )
                except Refused as err:
                    if "already exists" not in err.reason:
                        raise
                continue  # read again what is there now
            self._problems = []
            self._tabs = {
                t.key: self._parse_tab(t, titles[t.key], sheets[titles[t.key]], got[t.key])
                for t in TABLES
            }
            self._journal_id = int(sheets[JOURNAL_TITLE]["sheetId"])
            self._seq = _int(journal[0][1]) if journal and len(journal[0]) > 1 else 0
            self._loaded_at = time.monotonic()
            self._generation += 1
            return
        raise BackendUnavailable()

    @staticmethod
    def _match_titles(sheets: Mapping[str, Any]) -> dict[str, str]:
        """Table key -> tab title; a tab may be named by key or by either label."""
        by_norm = {normalise_header(title): title for title in sheets if not title.startswith("_")}
        out = {}
        for t in TABLES:
            for alias in (t.key, t.zh, t.en):
                if normalise_header(alias) in by_norm:
                    out[t.key] = by_norm[normalise_header(alias)]
                    break
        return out

    @staticmethod
    def _layout_requests(
        sheets: dict[str, Any], titles: dict[str, str], got: dict[str, list[list[Any]]]
    ) -> list[dict[str, Any]]:
        """Missing tabs and header columns, as one batch; never reorder or erase what people
        added. A new tab and its header arrive together, so no one sees a tab without one."""
        out: list[dict[str, Any]] = []

        def new_tab(title: str, header: list[Any], hidden: bool = False) -> None:
            sid = random.randint(10**8, 2 * 10**9)
            out.append({"addSheet": {"properties": {
                "sheetId": sid, "title": title, "hidden": hidden,
                "gridProperties": {"rowCount": 1000 if not hidden else 2,
                                   "columnCount": max(26 if not hidden else 6, len(header))},
            }}})  # fmt: skip
            out.append(_update_cells(sid, 0, 0, header))

        for t in TABLES:
            if t.key not in titles:
                new_tab(t.key, list(t.keys))
                continue
            values = got.get(t.key, [])
            header = [str(h) for h in values[0]] if values else []
            aliases = header_aliases(t)
            have = {aliases.get(normalise_header(h)) for h in header if h.strip()}
            missing = [f.key for f in t.fields if f.key not in have]
            if not missing:
                continue
            start = max((i for i, h in enumerate(header) if h.strip()), default=-1) + 1
            props = sheets[titles[t.key]]
            columns = props.get("gridProperties", {}).get("columnCount", 26)
            if start + len(missing) > columns:
                out.append({"appendDimension": {
                    "sheetId": props["sheetId"], "dimension": "COLUMNS",
                    "length": start + len(missing) - columns,
                }})  # fmt: skip
            out.append(_update_cells(props["sheetId"], 0, start, missing))
        if JOURNAL_TITLE not in sheets:
            new_tab(JOURNAL_TITLE, ["counter", 0, "token", "at", "actor", "changed"], True)
        return out

    def _parse_tab(
        self, t: Table, title: str, props: Mapping[str, Any], values: list[list[Any]]
    ) -> Tab:
        header = [str(h) for h in values[0]] if values else list(t.keys)
        aliases = header_aliases(t)
        col_of: dict[str, int] = {}
        for i, h in enumerate(header):
            key = aliases.get(normalise_header(h)) if h.strip() else None
            if key and key not in col_of:
                col_of[key] = i
        tab = Tab(t, title, int(props["sheetId"]), header, col_of)
        tab.last_row = max(1, len(values))
        tab.last_values = list(values[-1]) if values else []
        for offset, raw in enumerate(values[1:], start=2):
            self._take_row(tab, raw, offset, fresh=False)
        return tab

    def _parse_row(self, tab: Tab, raw: Sequence[Any], row_no: int) -> Row | None:
        """One sheet row as a canonical row (None for a blank or id-less one, reported)."""
        t = tab.table
        if not any(str(v).strip() for v in raw):
            return None  # a blank row

        def cell(key: str) -> Any:
            i = tab.col_of.get(key)
            return raw[i] if i is not None and i < len(raw) else None

        def problem(field: str | None, zh: str, en: str) -> None:
            self._problems.append(Problem(t.key, row_no, field, zh, en))

        rid = cell("id")
        if rid is None or not str(rid).strip():
            problem("id", "这一行没有编号，工作台无法识别（新数据请通过工作台录入）",
                    "this row has no id; enter new data through the desk")  # fmt: skip
            return None
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
        return row

    def _take_row(self, tab: Tab, raw: Sequence[Any], row_no: int, fresh: bool) -> str | None:
        """Put one sheet row into the copy; `fresh` rows replace what we had for their id."""
        row = self._parse_row(tab, raw, row_no)
        if row is None:
            return None
        existing = tab.rows.get(row["id"])
        if existing is not None and tab.row_no.get(row["id"]) != row_no:
            self._problems.append(Problem(
                tab.table.key, row_no, "id",
                f"编号{row['id']}重复出现（可能是重试造成的重复追加），已按一行处理",
                f"id {row['id']} appears twice (a retried append?); read as one row",
            ))  # fmt: skip
            if not fresh and int(existing["version"]) >= int(row["version"]):
                return row["id"]
        tab.rows[row["id"]] = row
        tab.row_no[row["id"]] = row_no
        return row["id"]

    # --- reads ----------------------------------------------------------------------------

    def _frame(self, tab: Tab, include_archived: bool) -> pd.DataFrame:
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
                    props = {"sheetId": tab.sheet_id}
                    return self._frame(self._parse_tab(tab.table, tab.title, props, values), True)
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

    # --- one action, one transaction ------------------------------------------------------

    def transact(self, actor: Actor, fn: Action[T]) -> T:
        """Run `fn(tx)` under the write lease against the current sheet; commit it in one
        batchUpdate. `fn` may run more than once (see the module docstring)."""
        with self._lock:
            self._fresh()
            for _ in range(_RERUNS):
                lease, fresh = self._acquire(self._speculate(actor, fn))
                committed = False
                try:
                    verified = self._catch_up(fresh)
                    tx = SheetsTransaction(self, actor)
                    result = fn(tx)
                    if verified is not _ALL and not self._verify(tx.touched() - verified):
                        self._load()  # rows moved by hand: read everything, run again
                        tx = SheetsTransaction(self, actor)
                        result = fn(tx)
                    if tx.writes == 0:
                        return result
                    self._commit(lease, tx)
                    committed = True
                    self._merge(tx)
                    return result
                except _LeaseLost:
                    self.stats["reruns"] += 1
                    log.info("write lease lost before the commit; running the action again")
                    continue
                finally:
                    if not committed:
                        self._release(lease)
            raise LeaseBusy()

    def _speculate(self, actor: Actor, fn: Action[Any]) -> set[tuple[str, str]]:
        """Which stored rows the action will rewrite, guessed from our copy, so the lease
        request reads them fresh at no extra cost."""
        tx = SheetsTransaction(self, actor)
        with contextlib.suppress(Exception):  # the real run, on current data, decides
            fn(tx)
        return {(t, rid) for t, rid in tx.touched() if rid in self._tabs[t].row_no}

    def _lease_ranges(self, rows: set[tuple[str, str]]) -> list[str]:
        """What the lease request reads back: new journal entries, every tab from its last
        known row down, and the rows the action will rewrite."""
        ranges = [f"{quote_title(JOURNAL_TITLE)}!A{self._seq + 1}:F"]
        for key, tab in self._tabs.items():
            if key != AUDIT_TABLE:
                ranges.append(tab.row_range(tab.last_row))
        for key, rid in sorted(rows):
            tab = self._tabs[key]
            n = tab.row_no[rid]
            ranges.append(tab.row_range(n, n))
        return ranges

    def _acquire(
        self, rows: set[tuple[str, str]]
    ) -> tuple[_Lease, tuple[dict[str, dict[int, list[Any]]], set[tuple[str, str]]]]:
        """Take the lease and read, in the same request, what changed since our copy."""
        ranges = self._lease_ranges(rows)
        token = secrets.token_hex(8)
        started = time.monotonic()
        deadline = started + self.lease_wait
        pause = 0.05
        while True:
            lease = _Lease(random.randint(10**8, 2 * 10**9), token)
            try:
                resp = send(lambda ls=lease: self._take(ls, ranges), self.account_email)
                return lease, (grid_rows(resp.get("updatedSpreadsheet", {})), rows)
            except Refused as err:
                if "already exists" not in err.reason:
                    raise
            except Transient as err:
                # Quota or network trouble is bounded like any request, not like a busy lease.
                if time.monotonic() - started > self.retry.max_elapsed:
                    raise err.final from None
            # Someone holds it, or our own answer was lost: look at who.
            self.stats["lease_waits"] += 1
            held = self._holder(ranges)
            if held is not None:
                holder_id, holder_token, expires, grid = held
                if holder_token == token:
                    return _Lease(holder_id, token), (grid, rows)
                if expires < time.time():
                    log.warning("breaking an expired write lease held by another process")
                    try:
                        resp = send(
                            lambda ls=lease, old=holder_id: self._take(ls, ranges, old),
                            self.account_email,
                        )
                        return lease, (grid_rows(resp.get("updatedSpreadsheet", {})), rows)
                    except (Refused, Transient):
                        pass  # another writer was quicker, or we'll see our own lease next
            if time.monotonic() > deadline:
                raise LeaseBusy()
            time.sleep(random.uniform(pause / 2, pause))
            pause = min(pause * 2, 1.0)

    def _take(self, lease: _Lease, ranges: list[str], break_id: int | None = None) -> Any:
        now = time.time()
        holder = f"{socket.gethostname()}:{os.getpid()}"
        requests_: list[dict[str, Any]] = []
        if break_id is not None:
            requests_.append({"deleteSheet": {"sheetId": break_id}})
        requests_ += [
            {
                "addSheet": {
                    "properties": {
                        "sheetId": lease.sheet_id,
                        "title": LEASE_TITLE,
                        "hidden": True,
                        "gridProperties": {"rowCount": 1, "columnCount": 4},
                    }
                }
            },
            _update_cells(lease.sheet_id, 0, 0, [lease.token, holder, now, now + self.lease_ttl]),
        ]
        body = {
            "requests": requests_,
            "includeSpreadsheetInResponse": True,
            "responseRanges": ranges,
            "responseIncludeGridData": True,
        }
        return self.http.batch_update(self.spreadsheet_id, body)

    def _holder(
        self, ranges: list[str]
    ) -> tuple[int, str, float, dict[str, dict[int, list[Any]]]] | None:
        """(sheetId, token, expiry, grid of `ranges`) of the current lease; None if none."""
        params = {"ranges": [f"{quote_title(LEASE_TITLE)}!A1:D1", *ranges],
                  "includeGridData": "true"}  # fmt: skip
        try:
            meta = send(
                lambda: self.http.fetch_sheet_metadata(self.spreadsheet_id, params=params),
                self.account_email,
            )
        except (Refused, Transient):
            return None  # released meanwhile ("unable to parse range"), or a hiccup
        sheet_id = next(
            (
                int(s["properties"]["sheetId"])
                for s in meta.get("sheets", [])
                if s["properties"]["title"] == LEASE_TITLE
            ),
            None,
        )
        grid = grid_rows(meta)
        cells = grid.get(LEASE_TITLE, {}).get(1, [])
        if sheet_id is None:
            return None
        token = str(cells[0]) if cells else ""
        expires = float(cells[3]) if len(cells) > 3 and cells[3] != "" else 0.0
        return sheet_id, token, expires, grid

    def _release(self, lease: _Lease) -> None:
        """Give the lease back after an action that wrote nothing (best effort: it expires)."""
        body = {"requests": [{"deleteSheet": {"sheetId": lease.sheet_id}}]}
        quick = RetryPolicy(self.retry.base, self.retry.factor, self.retry.cap,
                            min(self.retry.max_elapsed, 5.0), self.retry.sleep)  # fmt: skip
        with contextlib.suppress(DeskError):  # "No grid with id": it is gone already
            call(lambda: self.http.batch_update(self.spreadsheet_id, body), quick,
                 verify=lambda: True, account_email=self.account_email)  # fmt: skip

    def _catch_up(
        self, fresh: tuple[dict[str, dict[int, list[Any]]], set[tuple[str, str]]]
    ) -> set[tuple[str, str]] | object:
        """Bring our copy up to the sheet as read under the lease. Returns the rows now known
        fresh, or _ALL after reading everything again (rows moved by hand, many changes)."""
        grid, wanted = fresh
        verified: set[tuple[str, str]] = set()
        for key, tab in self._tabs.items():
            if key == AUDIT_TABLE:
                continue
            rows = grid.get(tab.title, {})
            if tab.last_row > 1 and not tab.same_last_row(rows.get(tab.last_row, [])):
                self._load()  # the rows above our last one moved: positions are unknown
                return _ALL
            for n in sorted(r for r in rows if r > tab.last_row):
                rid = self._take_row(tab, rows[n], n, fresh=True)
                if rows[n]:
                    tab.last_row, tab.last_values = n, rows[n]
                if rid is not None:
                    verified.add((key, rid))
        for key, rid in wanted:
            tab = self._tabs[key]
            n = tab.row_no.get(rid)
            raw = grid.get(tab.title, {}).get(n or 0, [])
            if self._take_row(tab, raw, n or 0, fresh=True) != rid:
                self._load()
                return _ALL
            verified.add((key, rid))
        journal = grid.get(JOURNAL_TITLE, {})
        stale: set[tuple[str, str]] = set()
        for n in sorted(r for r in journal if r > self._seq + 1):
            entry = journal[n]
            if len(entry) < 2 or not str(entry[1]).strip():
                continue
            self._seq = max(self._seq, _int(entry[0]))
            changed = str(entry[5]) if len(entry) > 5 else ""
            if changed == "*":
                self._load()
                return _ALL
            for key, ids in (json.loads(changed) if changed else {}).items():
                tab = self._tabs.get(key)
                if tab is not None:
                    stale |= {(key, i) for i in ids if i in tab.row_no}
        stale -= verified
        if len(stale) > _ROW_FETCH_LIMIT or not self._verify(stale):
            self._load()
            return _ALL
        if stale:
            self._generation += 1
        return verified | stale

    def _verify(self, rows: set[tuple[str, str]]) -> bool:
        """Read these rows fresh (one batchGet); False when one is no longer where we had it."""
        if not rows:
            return True
        order = sorted(rows)
        ranges = [self._tabs[k].row_range(self._tabs[k].row_no[i], self._tabs[k].row_no[i])
                  for k, i in order]  # fmt: skip
        resp = self._call(
            lambda: self.http.values_batch_get(self.spreadsheet_id, ranges, dict(READ_PARAMS))
        )
        for (key, rid), vr in zip(order, resp.get("valueRanges", []), strict=True):
            tab = self._tabs[key]
            raw = (vr.get("values") or [[]])[0]
            if self._take_row(tab, raw, tab.row_no[rid], fresh=True) != rid:
                return False
        return True

    def _commit_requests(self, lease: _Lease, tx: SheetsTransaction) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for key, ids in tx.appended.items():
            tab = self._tabs[key]
            rows = [row_data(tab.values_for(tx.own[key][i])) for i in ids]
            out.append({"appendCells": {"sheetId": tab.sheet_id, "rows": rows,
                                        "fields": "userEnteredValue"}})  # fmt: skip
        if tx.audits:
            tab = self._tabs[AUDIT_TABLE]
            rows = [row_data(tab.values_for(a)) for a in tx.audits]
            out.append({"appendCells": {"sheetId": tab.sheet_id, "rows": rows,
                                        "fields": "userEnteredValue"}})  # fmt: skip
        for key, by_id in tx.changed.items():
            tab = self._tabs[key]
            for rid, keys in by_id.items():
                values = tab.values_for(tx.own[key][rid])
                wanted = [*SYSTEM_KEYS, *(k for k in keys if k not in SYSTEM_KEYS)]
                for start, end in tab.runs(wanted):
                    out.append(_update_cells(
                        tab.sheet_id, tab.row_no[rid] - 1, start, values[start : end + 1]
                    ))  # fmt: skip
        changed = json.dumps(
            {k: sorted(v) for k, v in tx.changed.items()}, ensure_ascii=False, sort_keys=True
        )
        if len(changed) > _CHANGED_LIMIT:
            changed = "*"
        entry = [self._seq + 1, lease.token, dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                 tx.actor.username, "", changed]  # fmt: skip
        out.append({"appendCells": {"sheetId": self._journal_id, "rows": [row_data(entry)],
                                    "fields": "userEnteredValue"}})  # fmt: skip
        out.append(_update_cells(self._journal_id, 0, 1, [self._seq + 1]))
        out.append({"deleteSheet": {"sheetId": lease.sheet_id}})
        return out

    def _commit(self, lease: _Lease, tx: SheetsTransaction) -> None:
        """Send the action as one batchUpdate; never twice, never half."""
        body = {"requests": self._commit_requests(lease, tx)}
        started = time.monotonic()
        delays = self.retry.delays()
        unsure = False  # an attempt may have landed
        while True:
            try:
                send(lambda: self.http.batch_update(self.spreadsheet_id, body), self.account_email)
                return
            except Refused as err:
                if "No grid with id" not in err.reason:
                    raise
                if unsure and self._landed(lease.token) is True:
                    return  # an earlier attempt landed (and so removed the lease)
                raise _LeaseLost() from None
            except Transient as err:
                unsure = unsure or err.applied_maybe
                final = err.final
            while True:
                delay = next(delays)
                if time.monotonic() - started + delay > self.retry.max_elapsed:
                    if unsure:
                        raise OutcomeUnknown(lease.token)
                    raise final
                self.retry.sleep(delay)
                if not unsure:
                    break
                landed = self._landed(lease.token)
                if landed is True:
                    return
                if landed is False:
                    break  # it did not land: send again (it fails whole if the lease is gone)

    def _landed(self, token: str) -> bool | None:
        """Did the commit with this token land? Its journal entry would be the next one."""
        # From the last entry we know (a row that exists: a range starting below the grid is
        # refused) to the end; ours, if it landed, is the row after it.
        rng = f"{quote_title(JOURNAL_TITLE)}!A{self._seq + 1}:B"
        try:
            resp = send(
                lambda: self.http.values_get(self.spreadsheet_id, rng, dict(READ_PARAMS)),
                self.account_email,
            )
        except (Transient, DeskError):
            return None
        values = resp.get("values") or []
        cells = values[1] if len(values) > 1 else []
        return len(cells) > 1 and str(cells[1]) == token

    def outcome(self, token: str) -> bool:
        """Whether the action of an `OutcomeUnknown` landed (it landed whole, or not at all)."""
        rng = f"{quote_title(JOURNAL_TITLE)}!B:B"
        resp = self._call(lambda: self.http.values_get(self.spreadsheet_id, rng, dict(READ_PARAMS)))
        found = any(row and str(row[0]) == token for row in resp.get("values", []))
        with self._lock:
            self._loaded_at = None  # the next read sees whatever landed
        return found

    def _merge(self, tx: SheetsTransaction) -> None:
        """Our copy after the commit: the action's rows where the sheet now has them."""
        for key, rows in tx.own.items():
            tab = self._tabs[key]
            tab.rows = rows
            for rid in tx.appended.get(key, []):
                tab.last_row += 1
                tab.row_no[rid] = tab.last_row
                tab.last_values = tab.values_for(rows[rid])
        self._seq += 1
        self._generation += 1


def _update_cells(sheet_id: int, row: int, col: int, values: Sequence[Any]) -> dict[str, Any]:
    """updateCells of one row of literal values from (row, col), 0-based."""
    return {"updateCells": {
        "start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col},
        "rows": [row_data(values)], "fields": "userEnteredValue",
    }}  # fmt: skip


def _int(value: Any) -> int:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return 0
