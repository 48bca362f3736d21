"""Small builders of valid rows, so each test states only what it is about."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import re
import sqlite3
from typing import Any

from sltcore.auth import SYSTEM, Actor
from sltcore.identity import make_id_number
from sltcore.store.base import Store

_seq = itertools.count(1)


def community(store: Store, name: str = "幸福一村", **kw: Any) -> dict:
    return store.append("communities", [{"name": name, "population": 8000, **kw}], SYSTEM)[0]


def volunteer_row(community_id: str, **kw: Any) -> dict:
    n = next(_seq)
    birth = kw.pop("birth_date", dt.date(1980, 1, 1) + dt.timedelta(days=n))
    sex = kw.pop("sex", "F")
    idn = kw.pop("id_number", None) or make_id_number("110105", birth, n, sex)
    row = {
        "name": f"测试{n}",
        "sex": sex,
        "birth_date": birth,
        "id_number": idn,
        "mobile": f"139{n:08d}",
        "community_id": community_id,
        "membership": "resident",
        "registered_on": dt.date(2020, 3, 5),
    }
    row.update(kw)
    return row


def volunteer(store: Store, community_id: str, **kw: Any) -> dict:
    return store.append("volunteers", [volunteer_row(community_id, **kw)], SYSTEM)[0]


def record_row(vol: dict, hours: float = 2.0, day: dt.date = dt.date(2026, 3, 5), **kw) -> dict:
    return {
        "volunteer_id": vol["id"],
        "date": day,
        "hours": hours,
        "community_id": vol["community_id"],
        **kw,
    }


class TxSpy:
    """The store, noting each `transact` and the writes made through its `tx`, as a list (one
    per transaction) of (method, table). `fail_on=(method, table)` makes that write fail, once,
    with `error(table_key)` after the transaction's earlier writes went through: a test breaks
    the last step of an action and checks that the whole action left nothing.

    `reruns=n` runs every action n extra times on a transaction that is then rolled back, as
    the Sheets backend does when another process wrote in between: an action that reads and
    writes only through `tx` gives the same result and stores it once."""

    def __init__(self, store, fail_on=None, error=None, reruns=0):
        self._store = store
        self.transactions: list[list[tuple[str, str]]] = []
        self.fail_on = fail_on
        self._error = error
        self.reruns = reruns

    def __getattr__(self, name):
        return getattr(self._store, name)

    @property
    def calls(self) -> list[tuple[str, str]]:
        """Every write of every transaction, in order."""
        return [call for tx in self.transactions for call in tx]

    def transact(self, actor, fn):
        for _ in range(self.reruns):
            with contextlib.suppress(_Rerun):
                self._store.transact(actor, lambda tx: _rollback(fn(_SpiedTx(tx, self, None))))
        writes: list[tuple[str, str]] = []
        self.transactions.append(writes)

        def run(tx):
            writes.clear()  # the Sheets backend runs an action again under its lease:
            return fn(_SpiedTx(tx, self, writes))  # what counts is the run that committed

        return self._store.transact(actor, run)


class _Rerun(Exception):
    pass


def _rollback(_result):
    raise _Rerun


class _SpiedTx:
    def __init__(self, tx, spy: TxSpy, writes: list[tuple[str, str]] | None):
        self._tx, self._spy, self._writes = tx, spy, writes  # None: a run rolled back

    def __getattr__(self, name):
        return getattr(self._tx, name)

    def _note(self, method: str, table_key: str) -> None:
        if self._writes is None:
            return
        self._writes.append((method, table_key))
        if self._spy.fail_on == (method, table_key):
            self._spy.fail_on = None
            raise self._spy._error(table_key)

    def append(self, table_key, *args):
        self._note("append", table_key)
        return self._tx.append(table_key, *args)

    def update(self, table_key, *args):
        self._note("update", table_key)
        return self._tx.update(table_key, *args)

    def update_many(self, table_key, *args):
        self._note("update_many", table_key)
        return self._tx.update_many(table_key, *args)

    def set_archived(self, table_key, *args):
        self._note("set_archived", table_key)
        return self._tx.set_archived(table_key, *args)

    def archive(self, table_key, *args):
        self._note("archive", table_key)
        return self._tx.archive(table_key, *args)


def dump(store) -> list[str]:
    """Every row of every table, archived rows and the audit log included, as stored: equal
    before and after an action means the action stored nothing at all. Local: the SQLite
    file's dump. Google Sheets: the spreadsheet read again from the API, not the cache."""
    if not hasattr(store, "path"):
        store.reload()
        frames = {**store.read_all(include_archived=True), "audit_log": store.read("audit_log")}
        return [f"{k}:{frames[k].to_json(orient='records', date_format='iso')}" for k in frames]
    conn = sqlite3.connect(store.path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


# --- edit forms when another session saved the same row ---------------------------------------

OTHER = Actor("other", "admin", display_name="另一位同事")  # another session, another person


def stale_notices(at) -> list[str]:
    return [w.value for w in at.warning if "载入最新内容" in w.value]


def save_button(at):
    return next(b for b in at.button if b.label == "保存")


def plain(text: str) -> str:
    """What a reader sees of Markdown: backslash escapes and invisible joiners removed."""
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "")
