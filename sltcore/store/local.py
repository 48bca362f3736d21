"""The embedded default: one SQLite file, no set-up, safe for many sessions and processes.

WAL lets readers run beside a writer; every write is one `BEGIN IMMEDIATE` transaction that
validates against the data it is about to change, writes the rows and their audit rows, and
bumps the revision counter, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from sltcore.auth import Actor
from sltcore.codec import frame, from_sql, to_sql
from sltcore.schema import AUDIT_TABLE, TABLES, Field, Table, table
from sltcore.store.base import Row
from sltcore.store.transaction import Action, T, Transaction, TransactionalWrites

DEFAULT_PATH = Path("data") / "sanlitun.db"
_SQL_TYPES = {"int": "INTEGER", "bool": "INTEGER", "number": "REAL"}
_INDEXES = {
    "service_records": [("volunteer_id", "date"), ("event_id",), ("date",)],
    "team_members": [("team_id",), ("volunteer_id",)],
    "audit_log": [("row_id",)],
    "timebank_transactions": [("volunteer_id",)],
    "roster_assignments": [("shift_id",)],
}
_CHUNK = 500


def default_path() -> Path:
    return Path(os.environ.get("SLT_DB") or DEFAULT_PATH)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqlLookup:
    """Validation's questions answered by SQL inside the write transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def _in(self, sql: str, values: Sequence[Any], extra: Sequence[Any] = ()) -> list[tuple]:
        out: list[tuple] = []
        values = list(values)
        for i in range(0, len(values), _CHUNK):
            part = values[i : i + _CHUNK]
            marks = ",".join("?" * len(part))
            out.extend(self.conn.execute(sql.format(marks=marks), [*part, *extra]).fetchall())
        return out

    def ref_status(self, table_key: str, ids: set[str]) -> dict[str, bool]:
        rows = self._in(f"SELECT id, archived FROM {_q(table_key)} WHERE id IN ({{marks}})", ids)
        return {r[0]: bool(r[1]) for r in rows}

    def day_hours(self, pairs: set[tuple[str, dt.date]], exclude: set[str]) -> dict:
        out = {}
        excl = list(exclude) or [""]
        marks = ",".join("?" * len(excl))
        sql = (
            "SELECT COALESCE(SUM(hours), 0) FROM service_records WHERE volunteer_id = ? "
            f"AND date = ? AND archived = 0 AND id NOT IN ({marks})"
        )
        for vol, day in pairs:
            out[(vol, day)] = self.conn.execute(sql, [vol, day.isoformat(), *excl]).fetchone()[0]
        return out

    def attended(self, pairs: set[tuple[str, str]], exclude: set[str]) -> set[tuple[str, str]]:
        events = {e for _, e in pairs}
        rows = self._in(
            "SELECT volunteer_id, event_id, id FROM service_records "
            "WHERE archived = 0 AND event_id IN ({marks})",
            events,
        )
        return {(v, e) for v, e, rid in rows if (v, e) in pairs and rid not in exclude}

    def taken(self, table_key: str, field: str, values: set, exclude: set[str]) -> set:
        f = table(table_key).field(field)
        sql_values = {to_sql(f, v): v for v in values}
        rows = self._in(
            f"SELECT {_q(field)}, id FROM {_q(table_key)} WHERE archived = 0 "
            f"AND {_q(field)} IN ({{marks}})",
            list(sql_values),
        )
        return {sql_values[v] for v, rid in rows if rid not in exclude}

    def community_of(self, table_key: str, ids: set[str]) -> dict[str, str | None]:
        field = table(table_key).community_field
        if field is None:
            return dict.fromkeys(ids)
        rows = self._in(f"SELECT id, {_q(field)} FROM {_q(table_key)} WHERE id IN ({{marks}})", ids)
        return {r[0]: r[1] for r in rows}


class SqlTransaction(Transaction):
    """A transaction on the open SQLite connection: every statement runs inside it."""

    def __init__(self, store: LocalStore, conn: sqlite3.Connection, actor: Actor) -> None:
        super().__init__(actor)
        self.store, self.conn = store, conn
        self._lookup = SqlLookup(conn)

    @property
    def lookup(self) -> SqlLookup:
        return self._lookup

    def get(self, table_key: str, row_id: str) -> Row | None:
        return self.store._get(self.conn, table(table_key), row_id)

    def select(self, table_key: str, include_archived: bool = False, **equals: Any) -> list[Row]:
        t = table(table_key)
        where = [] if include_archived else ["archived = 0"]
        values = []
        for key, value in equals.items():
            where.append(f"{_q(key)} = ?")
            values.append(to_sql(t.field(key), value))
        cols = ", ".join(_q(k) for k in t.keys)
        sql = f"SELECT {cols} FROM {_q(t.key)}"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self.conn.execute(sql + " ORDER BY rowid", values).fetchall()
        return [{f.key: from_sql(f, v) for f, v in zip(t.fields, r, strict=True)} for r in rows]

    def _insert(self, t: Table, rows: list[Row]) -> None:
        self.store._insert(self.conn, t, rows)

    def _replace(self, t: Table, old: Row, new: Row) -> None:
        self.store._replace(self.conn, t, new)


class LocalStore(TransactionalWrites):
    """SQLite-backed Store. One connection per thread; the file may be shared by processes."""

    backend = "local"

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._migrate()

    # --- connections and schema ---------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA busy_timeout = 60000")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = OFF")
            self._local.conn = conn
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("UPDATE _meta SET revision = revision + 1")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _migrate(self) -> None:
        """Create missing tables, columns and indexes; never drop what is there."""
        conn = self._conn()
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS _meta (revision INTEGER NOT NULL)")
            if conn.execute("SELECT COUNT(*) FROM _meta").fetchone()[0] == 0:
                conn.execute("INSERT INTO _meta VALUES (0)")
            for t in TABLES:
                cols = ", ".join(self._coldef(f) for f in t.fields)
                conn.execute(f"CREATE TABLE IF NOT EXISTS {_q(t.key)} ({cols})")
                have = {r[1] for r in conn.execute(f"PRAGMA table_info({_q(t.key)})")}
                for f in t.fields:
                    if f.key not in have:
                        conn.execute(f"ALTER TABLE {_q(t.key)} ADD COLUMN {self._coldef(f)}")
                for idx in _INDEXES.get(t.key, []):
                    name = f"ix_{t.key}_{'_'.join(idx)}"
                    cols = ", ".join(map(_q, idx))
                    conn.execute(f"CREATE INDEX IF NOT EXISTS {_q(name)} ON {_q(t.key)} ({cols})")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _coldef(f: Field) -> str:
        if f.key == "id":
            return '"id" TEXT PRIMARY KEY'
        return f"{_q(f.key)} {_SQL_TYPES.get(f.type, 'TEXT')}"

    # --- reads --------------------------------------------------------------------------

    def _select(self, conn: sqlite3.Connection, t: Table, include_archived: bool) -> pd.DataFrame:
        cols = ", ".join(_q(k) for k in t.keys)
        where = "" if include_archived else " WHERE archived = 0"
        rows = conn.execute(f"SELECT {cols} FROM {_q(t.key)}{where} ORDER BY rowid").fetchall()
        columns = dict(zip(t.keys, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
        return frame(t, columns or {k: [] for k in t.keys})

    def read_all(self, include_archived: bool = False) -> dict[str, pd.DataFrame]:
        conn = self._conn()
        conn.execute("BEGIN")  # one snapshot for all tables
        try:
            return {
                t.key: self._select(conn, t, include_archived)
                for t in TABLES
                if t.key != AUDIT_TABLE
            }
        finally:
            conn.execute("COMMIT")

    def read(self, table_key: str, include_archived: bool = False) -> pd.DataFrame:
        return self._select(self._conn(), table(table_key), include_archived)

    def _get(self, conn: sqlite3.Connection, t: Table, row_id: str) -> Row | None:
        cols = ", ".join(_q(k) for k in t.keys)
        r = conn.execute(f"SELECT {cols} FROM {_q(t.key)} WHERE id = ?", [row_id]).fetchone()
        if r is None:
            return None
        return {f.key: from_sql(f, v) for f, v in zip(t.fields, r, strict=True)}

    def get(self, table_key: str, row_id: str) -> Row | None:
        return self._get(self._conn(), table(table_key), row_id)

    def audit_for(self, row_ids: set[str]) -> pd.DataFrame:
        """The audit rows about these rows (by the row_id index), oldest first: a profile's
        history without reading the whole log."""
        t = table(AUDIT_TABLE)
        cols = ", ".join(_q(k) for k in t.keys)
        ids = sorted(row_ids)
        rows: list[tuple] = []
        conn = self._conn()
        for i in range(0, len(ids), _CHUNK):
            part = ids[i : i + _CHUNK]
            marks = ", ".join("?" * len(part))
            rows += conn.execute(
                f"SELECT rowid, {cols} FROM {_q(t.key)} WHERE row_id IN ({marks})", part
            ).fetchall()
        rows = [r[1:] for r in sorted(rows)]  # in the order they were written
        columns = dict(zip(t.keys, map(list, zip(*rows, strict=True)), strict=True)) if rows else {}
        return frame(t, columns or {k: [] for k in t.keys})

    def revision(self) -> str:
        return str(self._conn().execute("SELECT revision FROM _meta").fetchone()[0])

    def describe(self) -> dict[str, str]:
        return {"backend": "local", "where": str(self.path.resolve())}

    def count(self, table_key: str, include_archived: bool = False) -> int:
        where = "" if include_archived else " WHERE archived = 0"
        return self._conn().execute(f"SELECT COUNT(*) FROM {_q(table_key)}{where}").fetchone()[0]

    # --- writes -------------------------------------------------------------------------

    def _insert(self, conn: sqlite3.Connection, t: Table, rows: list[Row]) -> None:
        if not rows:
            return
        cols = ", ".join(_q(k) for k in t.keys)
        marks = ", ".join("?" * len(t.fields))
        conn.executemany(
            f"INSERT INTO {_q(t.key)} ({cols}) VALUES ({marks})",
            [[to_sql(f, r.get(f.key)) for f in t.fields] for r in rows],
        )

    def _replace(self, conn: sqlite3.Connection, t: Table, row: Row) -> None:
        sets = ", ".join(f"{_q(f.key)} = ?" for f in t.fields if f.key != "id")
        values = [to_sql(f, row.get(f.key)) for f in t.fields if f.key != "id"]
        conn.execute(f"UPDATE {_q(t.key)} SET {sets} WHERE id = ?", [*values, row["id"]])

    def transact(self, actor: Actor, fn: Action[T]) -> T:
        """`fn(tx)` inside one `BEGIN IMMEDIATE` transaction: it reads and validates against
        the data as committed now, and a failure (or a killed process) leaves nothing."""
        if getattr(self._local, "in_tx", False):
            raise RuntimeError("transactions do not nest: pass the open tx instead")
        self._local.in_tx = True
        try:
            with self._write() as conn:
                return fn(SqlTransaction(self, conn, actor))
        finally:
            self._local.in_tx = False

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
