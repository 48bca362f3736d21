"""The Store contract, and the write logic both backends share.

A backend supplies storage (a SQLite file, a Google Sheet); what a write means (validation,
permissions, ids, versions, audit rows) is decided here once, in pure functions, so the two
cannot drift apart.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import pandas as pd

from sltcore import clock, privacy
from sltcore.auth import Actor, check_write, require
from sltcore.codec import to_text
from sltcore.errors import ConflictError, Problem, ValidationError
from sltcore.schema import AUDIT_ACTION, AUDIT_TABLE, SYSTEM_KEYS, Field, Table, table
from sltcore.validation import Lookup, clean_row, context_problems

Row = dict[str, Any]
T = TypeVar("T")


@runtime_checkable
class Store(Protocol):
    """Repository over all tables. Rows are dicts of canonical values (see `sltcore.codec`)."""

    backend: str  # "local" or "gsheets"

    def read_all(self, include_archived: bool = False) -> dict[str, pd.DataFrame]:
        """Every table as a typed frame, read at once (the audit log is read on its own)."""
        ...

    def read(self, table_key: str, include_archived: bool = False) -> pd.DataFrame: ...

    def get(self, table_key: str, row_id: str) -> Row | None: ...

    def append(self, table_key: str, rows: Sequence[Mapping[str, Any]], actor: Actor) -> list[Row]:
        """All rows or none; returns the stored rows with their ids and versions."""
        ...

    def update(
        self,
        table_key: str,
        row_id: str,
        changes: Mapping[str, Any],
        expected_version: int,
        actor: Actor,
    ) -> Row:
        """Raises ConflictError when the stored version is not `expected_version`."""
        ...

    def update_many(
        self,
        table_key: str,
        updates: Mapping[str, tuple[Mapping[str, Any], int]],
        actor: Actor,
    ) -> list[Row]:
        """{id: (changes, expected version)}: all or none, validated together."""
        ...

    def set_archived(
        self, table_key: str, versions: Mapping[str, int], archived: bool, actor: Actor
    ) -> list[Row]:
        """Archive (or restore) several rows at once, each at its expected version."""
        ...

    def transact(self, actor: Actor, fn: Callable[[Any], T]) -> T:
        """Run `fn(tx)` as ONE transaction against the current data (see transaction.py)."""
        ...

    def revision(self) -> str:
        """Changes whenever any data changes: a cheap cache key."""
        ...

    def describe(self) -> dict[str, str]:
        """What the sidebar shows about the backend (kind, where, status)."""
        ...


def archive(store: Store, table_key: str, row_id: str, expected_version: int, actor: Actor) -> Row:
    return store.set_archived(table_key, {row_id: expected_version}, True, actor)[0]


def new_id(t: Table) -> str:
    return f"{t.id_prefix}-{secrets.token_hex(8)}"


def audit_row(t: Table, row_id: str, action: str, actor: Actor, changes: Mapping[str, Any]) -> Row:
    """One audit row; `changes` is {field: [before, after]} (masked), or what else the action
    records (`reveal`: the fields shown)."""
    if action not in {c.key for c in AUDIT_ACTION}:  # a sheet would read it back as empty
        raise ValueError(f"unknown audit action {action!r}")
    return _audit(t, row_id, action, actor, changes)


def _audit(t: Table, row_id: str, action: str, actor: Actor, changes: Mapping[str, Any]) -> Row:
    now = clock.now()
    return {
        "id": new_id(table(AUDIT_TABLE)),
        "created_at": now,
        "created_by": actor.username,
        "updated_at": now,
        "updated_by": actor.username,
        "version": 1,
        "archived": False,
        "table_name": t.key,
        "row_id": row_id,
        "action": action,
        "actor": actor.username,
        "at": now,
        "changes": json.dumps(changes, ensure_ascii=False) if changes else None,
    }


def prepare_append(
    t: Table, rows: Sequence[Mapping[str, Any]], actor: Actor, lookup: Lookup
) -> tuple[list[Row], list[Row]]:
    """Validated rows with system fields, and their audit rows; raises on any bad row."""
    check_write(actor, t, [])  # table-level permission before any detail
    cleaned: list[tuple[int | None, Row]] = []
    problems: list[Problem] = []
    given_ids: dict[str, int] = {}
    for n, raw in enumerate(rows, start=1):
        row, found = clean_row(t, {k: v for k, v in raw.items() if k not in SYSTEM_KEYS}, n)
        problems.extend(found)
        rid = raw.get("id")
        if rid:
            rid = str(rid)
            if rid in given_ids:
                problems.append(Problem(t.key, n, "id", "编号与本批其他行重复", "duplicate id"))
            given_ids[rid] = n
            row["id"] = rid
        cleaned.append((n, row))
    if problems:
        raise ValidationError(problems)
    if given_ids:
        for rid in lookup.ref_status(t.key, set(given_ids)):
            problems.append(
                Problem(t.key, given_ids[rid], "id", f"编号{rid}已存在", f"id {rid} exists")
            )
    check_write(actor, t, [r for _, r in cleaned], lookup)
    problems.extend(context_problems(t, cleaned, lookup))
    if problems:
        raise ValidationError(problems)
    now = clock.now()
    out: list[Row] = []
    audits: list[Row] = []
    for _, row in cleaned:
        rid = row.pop("id", None) or new_id(t)
        full = {
            "id": rid,
            "created_at": now,
            "created_by": actor.username,
            "updated_at": now,
            "updated_by": actor.username,
            "version": 1,
            "archived": False,
            **row,
        }
        out.append(full)
        if t.key != AUDIT_TABLE:
            audits.append(_audit(t, rid, "create", actor, {}))
    return out, audits


def _check_version(t: Table, current: Row, expected: int) -> None:
    if int(current["version"]) != int(expected):
        raise ConflictError(t.key, current["id"], int(expected), int(current["version"]))


def _audit_text(f: Field, value: Any) -> str:
    """The audit log keeps who changed what, but never a full ID or phone number."""
    text = to_text(f, value)
    return privacy.mask(f.pii, text) if f.pii and text else text


def prepare_updates(
    t: Table,
    items: Sequence[tuple[Row, Mapping[str, Any], int]],
    actor: Actor,
    lookup: Lookup,
) -> list[tuple[Row, Row | None]]:
    """(current row, changes, expected version) -> (new full row, audit row or None), for a
    batch that is validated together: the batch's new values count, its old ones do not."""
    checked: list[tuple[Row, Row, dict[str, list[str]]]] = []
    problems: list[Problem] = []
    for n, (current, changes, expected) in enumerate(items, start=1):
        _check_version(t, current, expected)
        user = {k: v for k, v in changes.items() if k not in SYSTEM_KEYS}
        merged_raw = {f.key: current.get(f.key) for f in t.user_fields}
        merged_raw.update(user)
        row, found = clean_row(t, merged_raw, n if len(items) > 1 else None)
        problems.extend(found)
        diff = {
            k: [_audit_text(t.field(k), current.get(k)), _audit_text(t.field(k), row[k])]
            for k in row
            if row[k] != current.get(k)
            and not (row[k] in (None, ()) and current.get(k) in (None, ()))
        }
        checked.append((current, row, diff))
    if problems:
        raise ValidationError(problems)
    check_write(actor, t, [r for c, r, _ in checked] + [c for c, _, _ in checked], lookup)
    moving = [(i + 1 if len(items) > 1 else None, r) for i, (_, r, d) in enumerate(checked) if d]
    if moving:
        changed = set().union(*(d for _, _, d in checked))
        ids = {c["id"] for c, _, d in checked if d}
        problems = context_problems(t, moving, lookup, exclude=ids, changed=changed)
        if problems:
            raise ValidationError(problems)
    now = clock.now()
    out: list[tuple[Row, Row | None]] = []
    for current, row, diff in checked:
        if not diff:
            out.append((current, None))
            continue
        new = {
            **current,
            **row,
            "updated_at": now,
            "updated_by": actor.username,
            "version": int(current["version"]) + 1,
        }
        out.append((new, _audit(t, current["id"], "update", actor, diff)))
    return out


def prepare_archive(
    t: Table,
    current: Row,
    expected_version: int,
    archived: bool,
    actor: Actor,
    lookup: Lookup,
) -> tuple[Row, Row]:
    _check_version(t, current, expected_version)
    if not archived:
        require(actor, "restore")  # bringing a row back is an administrator's decision
    check_write(actor, t, [current], lookup)
    if not archived and current.get("archived"):
        # A restored row must obey the rules a new one does (unique keys, 24 hours a day...).
        live = {f.key: current.get(f.key) for f in t.user_fields}
        problems = context_problems(t, [(None, live)], lookup, exclude={current["id"]})
        if problems:
            raise ValidationError(problems)
    now = clock.now()
    new = {
        **current,
        "archived": archived,
        "updated_at": now,
        "updated_by": actor.username,
        "version": int(current["version"]) + 1,
    }
    action = "archive" if archived else "restore"
    return new, _audit(t, current["id"], action, actor, {})
