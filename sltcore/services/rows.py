"""Create, edit, archive and restore one row of any schema table: each one transaction.

The forms generated from the schema (基础资料, and the plain add/edit/archive of volunteers,
teams and events) write through here rather than through the store's single-table calls, so
every user action a page runs is one `store.transact`: validated (permissions, rules, unique
keys) against the data as it is when the transaction runs, with its audit row, all or
nothing. Actions that write more than one row (an event's records, a team's leader) have their
own service (`attendance`, `events`, `teams`, `certificate`).

Nothing is deleted (DESIGN.md): archiving keeps the row and its history; a restored row must
again obey the rules a new one does (unique keys, 24 hours a day).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sltcore.auth import Actor
from sltcore.store.base import Row, Store


def create(store: Store, table_key: str, values: Mapping[str, Any], actor: Actor) -> Row:
    """Add one row; returns it with its id and version (ValidationError names each field)."""
    return store.transact(actor, lambda tx: tx.append(table_key, [values])[0])


def edit(
    store: Store,
    table_key: str,
    row_id: str,
    changes: Mapping[str, Any],
    expected_version: int,
    actor: Actor,
) -> Row:
    """Change one row at the version the form was drawn with: a row someone else saved
    meanwhile is refused (ConflictError), never overwritten."""
    return store.transact(actor, lambda tx: tx.update(table_key, row_id, changes, expected_version))


def archive(store: Store, table_key: str, row_id: str, expected_version: int, actor: Actor) -> Row:
    """Archive one row (kept, with its history; no longer listed or offered)."""
    return store.transact(actor, lambda tx: tx.archive(table_key, row_id, expected_version))


def restore(store: Store, table_key: str, row_id: str, expected_version: int, actor: Actor) -> Row:
    """Bring an archived row back, if it still obeys the rules (e.g. its name is not taken)."""
    return store.transact(
        actor, lambda tx: tx.set_archived(table_key, {row_id: expected_version}, False)[0]
    )
