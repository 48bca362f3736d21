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

import pandas as pd

from sltcore import auth
from sltcore.auth import Actor
from sltcore.schema import AUDIT_TABLE, TABLES, table
from sltcore.store.base import Row, Store

# What an administrator can restore: every table people's work lives in (not the log itself).
RESTORABLE = tuple(t.key for t in TABLES if t.key != AUDIT_TABLE)


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
    """Archive one row (kept, with its history; no longer listed or offered): administrators
    only (PermissionDenied otherwise). The daily actions that archive as part of what they do
    (cancelling an event, undoing an entry, removing a member) have their own services."""
    auth.require(actor, "archive")
    return store.transact(actor, lambda tx: tx.archive(table_key, row_id, expected_version))


def restore(store: Store, table_key: str, row_id: str, expected_version: int, actor: Actor) -> Row:
    """Bring an archived row of any table back (administrators), as one action, if it still
    obeys the rules a new row does (its name is not taken, 24 hours a day...)."""
    auth.require(actor, "restore")
    table(table_key)  # an unknown table is a programming error
    return store.transact(
        actor, lambda tx: tx.set_archived(table_key, {row_id: expected_version}, False)[0]
    )


def archived(store: Store, actor: Actor, table_key: str) -> pd.DataFrame:
    """The archived rows of a table, newest change first: what an administrator may restore."""
    auth.require(actor, "restore")
    every = store.read(table_key, include_archived=True)
    gone = every[every["archived"].astype(bool)]
    return gone.sort_values("updated_at", ascending=False, kind="stable").reset_index(drop=True)


def labels(frames: Mapping[str, pd.DataFrame], table_key: str, df: pd.DataFrame) -> dict[str, str]:
    """id -> what a person recognises the row by (a name, a title; a record as volunteer,
    event and date), references resolved through the live rows of `frames`."""
    from sltcore.refs import titles

    t = table(table_key)
    keys = [t.title_field] + [
        k
        for k in ("volunteer_id", "event_id", "team_id", "date")
        if t.has(k) and k != t.title_field
    ]
    refs = {k: titles(dict(frames), t.field(k).ref or "") for k in keys if t.field(k).ref}
    out = {}
    for row in df.to_dict("records"):
        bits = []
        for k in keys:
            value = row.get(k)
            if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
                continue
            if k in refs:
                value = refs[k].get(str(value), value)
            elif isinstance(value, pd.Timestamp):
                value = f"{value:%Y-%m-%d}"
            bits.append(str(value))
        out[str(row["id"])] = " · ".join(bits) or str(row["id"])
    return out
