"""One user action = one transaction: the unit of work every write goes through.

A service hands the store one function (`store.transact(actor, fn)`, as datasette's
`execute_write_fn`); the store opens a transaction, reads the data as it is *now* (never a
cache another process may have outdated), runs `fn(tx)`, and commits everything `fn` wrote,
with its audit rows, as one unit: one `BEGIN IMMEDIATE` on SQLite, one atomic
`spreadsheets.batchUpdate` on Google Sheets. If `fn` raises, nothing is written.

`fn` may be run more than once (the Sheets backend re-runs it when another process wrote in
between), so it must only read and write through `tx` and have no other side effects.

What a write means (validation, permissions, ids, versions, audit rows) is decided once here;
a backend supplies only the storage primitives below.
"""

from __future__ import annotations

import datetime as dt
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from sltcore.auth import Actor
from sltcore.errors import NotFoundError, PermissionDenied, Problem, ValidationError
from sltcore.schema import AUDIT_TABLE, Table, table
from sltcore.store.base import Row, audit_row, prepare_append, prepare_archive, prepare_updates
from sltcore.validation import Lookup

T = TypeVar("T")
Action = Callable[["Transaction"], T]


class Transaction(ABC):
    """What `fn` sees: reads of the current data, and the writes it collects."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.writes = 0  # rows written (data and audit), so an empty action costs nothing
        self.action_id = f"act-{secrets.token_hex(8)}"  # on every audit row of this action

    # --- storage primitives a backend supplies ----------------------------------------------

    @property
    @abstractmethod
    def lookup(self) -> Lookup:
        """Validation's questions, answered from the data as this transaction sees it."""

    @abstractmethod
    def get(self, table_key: str, row_id: str) -> Row | None:
        """The row as it is now (archived rows too), or None."""

    @abstractmethod
    def select(self, table_key: str, include_archived: bool = False, **equals: Any) -> list[Row]:
        """Rows whose fields equal the given canonical values, in storage order."""

    @abstractmethod
    def _insert(self, t: Table, rows: list[Row]) -> None: ...

    @abstractmethod
    def _replace(self, t: Table, old: Row, new: Row) -> None: ...

    # --- the writes, the same on every backend ----------------------------------------------

    def _audit(self, audits: list[Row]) -> None:
        for a in audits:
            a["action_id"] = self.action_id
        if audits:
            self._insert(table(AUDIT_TABLE), audits)
            self.writes += len(audits)

    def append(self, table_key: str, rows: Sequence[Mapping[str, Any]]) -> list[Row]:
        """Validated new rows, all or none; returns them with ids and versions."""
        if not rows:
            return []
        t = table(table_key)
        stored, audits = prepare_append(t, rows, self.actor, self.lookup)
        self._insert(t, stored)
        self.writes += len(stored)
        self._audit(audits)
        return stored

    def _current(self, t: Table, row_id: str) -> Row:
        row = self.get(t.key, row_id)
        if row is None:
            raise NotFoundError(t.key, row_id)
        return row

    def update_many(
        self, table_key: str, updates: Mapping[str, tuple[Mapping[str, Any], int]]
    ) -> list[Row]:
        """{id: (changes, expected version)}: validated together, all or none."""
        if not updates:
            return []
        t = table(table_key)
        items = [(self._current(t, rid), ch, exp) for rid, (ch, exp) in updates.items()]
        done = prepare_updates(t, items, self.actor, self.lookup)
        audits = []
        for (old, _, _), (new, audit) in zip(items, done, strict=True):
            if audit is not None:
                self._replace(t, old, new)
                self.writes += 1
                audits.append(audit)
        self._audit(audits)
        return [new for new, _ in done]

    def update(
        self, table_key: str, row_id: str, changes: Mapping[str, Any], expected_version: int
    ) -> Row:
        return self.update_many(table_key, {row_id: (changes, expected_version)})[0]

    def set_archived(
        self, table_key: str, versions: Mapping[str, int], archived: bool
    ) -> list[Row]:
        """Archive (or restore) rows, each at its expected version."""
        t = table(table_key)
        out, audits = [], []
        for row_id, expected in versions.items():
            old = self._current(t, row_id)
            new, audit = prepare_archive(t, old, expected, archived, self.actor, self.lookup)
            self._replace(t, old, new)
            self.writes += 1
            out.append(new)
            audits.append(audit)
        self._audit(audits)
        return out

    def archive(self, table_key: str, row_id: str, expected_version: int) -> Row:
        return self.set_archived(table_key, {row_id: expected_version}, True)[0]

    def note(self, table_key: str, row_id: str, action: str, detail: Mapping[str, Any]) -> None:
        """An audit row for something done to a row without changing it (a full number
        shown: `reveal`), in this action."""
        self._audit([audit_row(table(table_key), row_id, action, self.actor, detail)])

    # --- restoring a backup: a separate path that daily work never takes --------------------

    def restore_rows(self, table_key: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Write rows exactly as a backup holds them (`sltcore.services.restore`): their ids,
        versions, times, authors and archived flags, audit rows included, and no new audit row
        per row (the audit log is itself restored; `record_restore` notes the restore once).

        Only an administrator; every row must carry its system fields and an id not stored
        yet. Rows are NOT checked against today's rules: a backup holds what was stored, and
        refusing a row a hand edit once made invalid would lose it (`python -m sltcore check`
        lists such rows afterwards). Returns the number of rows written."""
        if self.actor.role != "admin":
            raise PermissionDenied(
                "只有管理员可以从备份恢复数据。", "Only an administrator can restore a backup."
            )
        t = table(table_key)
        problems: list[Problem] = []
        out: list[Row] = []
        seen: set[str] = set()
        for n, raw in enumerate(rows, start=1):
            row = {f.key: raw.get(f.key) for f in t.fields}
            rid = row["id"]
            if not isinstance(rid, str) or not rid.strip():
                problems.append(Problem(t.key, n, "id", "没有编号", "has no id"))
                continue
            if rid in seen:
                problems.append(Problem(t.key, n, "id", f"编号{rid}重复", f"id {rid} repeats"))
            seen.add(rid)
            if not isinstance(row["version"], int) or row["version"] < 1:
                problems.append(Problem(t.key, n, "version", "版本应为正整数",
                                        "the version must be a positive whole number"))  # fmt: skip
            for key in ("created_at", "updated_at"):
                if not isinstance(row[key], dt.datetime):
                    problems.append(Problem(t.key, n, key, "缺少时间", "the time is missing"))
            row["archived"] = bool(row["archived"])
            out.append(row)
        stored = self.lookup.ref_status(t.key, seen) if seen else {}
        for n, row in enumerate(out, start=1):
            if row["id"] in stored:
                problems.append(Problem(t.key, n, "id", f"编号{row['id']}已存在",
                                        f"id {row['id']} is already stored"))  # fmt: skip
        if problems:
            raise ValidationError(problems)
        self._insert(t, out)
        self.writes += len(out)
        return len(out)

    def record_restore(self, source: str, counts: Mapping[str, int]) -> None:
        """One audit row saying who restored what from which file (its `changes`)."""
        changes = {"restored_from": source, "rows": dict(counts)}
        audit = audit_row(table(AUDIT_TABLE), source, "restore", self.actor, changes)
        self._audit([audit])


class TransactionalWrites:
    """The Store's single-table writes, each one transaction (backends supply `transact`)."""

    def transact(self, actor: Actor, fn: Action[T]) -> T:  # pragma: no cover - per backend
        raise NotImplementedError

    def append(self, table_key: str, rows: Sequence[Mapping[str, Any]], actor: Actor) -> list[Row]:
        if not rows:
            return []
        return self.transact(actor, lambda tx: tx.append(table_key, rows))

    def update_many(
        self,
        table_key: str,
        updates: Mapping[str, tuple[Mapping[str, Any], int]],
        actor: Actor,
    ) -> list[Row]:
        if not updates:
            return []
        return self.transact(actor, lambda tx: tx.update_many(table_key, updates))

    def update(
        self,
        table_key: str,
        row_id: str,
        changes: Mapping[str, Any],
        expected_version: int,
        actor: Actor,
    ) -> Row:
        return self.transact(
            actor, lambda tx: tx.update(table_key, row_id, changes, expected_version)
        )

    def set_archived(
        self, table_key: str, versions: Mapping[str, int], archived: bool, actor: Actor
    ) -> list[Row]:
        if not versions:
            return []
        return self.transact(actor, lambda tx: tx.set_archived(table_key, versions, archived))
