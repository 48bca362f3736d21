"""What is masked for whom: the ONE rule every page, export, PDF and the audit log asks.

《志愿服务记录办法》 keeps volunteers' personal data confidential. Personal numbers (ID, phone,
address: the fields with `pii` in the schema) are shown masked everywhere: lists, profiles,
exports, certificates, the audit log. A full number is shown only when someone allowed to see
it asks for it, and that request is itself logged (`reveal`, one audit row per person, one
transaction):

| role        | ID number | phone, address                 |
| ----------- | --------- | ------------------------------ |
| admin       | on request | on request                    |
| coordinator | never     | on request, own communities only |
| viewer      | never     | never                          |

Exports (`sltcore.exports.workbook`) ask `export_masks` row by row: ID numbers masked, phones
and addresses masked unless `may_see` allows them for that row's community, beneficiaries'
names by surname only for whoever does not `sees_personal_data` (as the pairings page shows
them). Only an administrator may ask for a file with everything in full (`unmasked`); each such
file is logged as one audit row `export` naming the file, its tables and their row counts
(`log_export`, one transaction, before the file is made).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from sltcore import auth
from sltcore.auth import Actor
from sltcore.errors import NotFoundError, PermissionDenied
from sltcore.identity import mask_address, mask_id, mask_phone
from sltcore.schema import AUDIT_TABLE, Field, Pii, Table, table

if TYPE_CHECKING:  # the store's write path asks `mask` too: no import cycle at run time
    from sltcore.store.base import Store
    from sltcore.store.transaction import Transaction

MASKS = {"id_number": mask_id, "phone": mask_phone, "address": mask_address}
PII_KINDS: tuple[Pii, ...] = ("id_number", "phone", "address")


def mask(pii: Pii, value: Any) -> Any:
    """`value` as lists and exports show it to everyone: masked (blank stays blank)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return value
    text = str(value)
    return MASKS[pii](text) if text else text


def may_see(actor: Actor, pii: Pii, community_id: Any) -> bool:
    """THE rule: may `actor` see the full `pii` number of a person of `community_id`?"""
    if actor.role == "admin":
        return True
    if actor.role == "coordinator":
        return pii != "id_number" and community_id in actor.communities
    return False


def sees_personal_data(actor: Actor) -> bool:
    """Staff (admin, coordinator) work with people's names and, where `may_see` allows, their
    numbers; the leaders' read-only account sees beneficiaries by surname only."""
    return actor.role in ("admin", "coordinator")


# Names of people who are personal data themselves: a read-only account sees them by surname.
PERSON_NAMES = {("beneficiaries", "name")}


def mask_name(name: object) -> str:
    """王秀英 -> 王**: what a read-only account sees of a beneficiary."""
    text = "" if name is None or name != name else str(name)
    return text[:1] + "*" * max(len(text) - 1, 0)


def export_masks(actor: Actor, t: Table, community_id: Any) -> dict[str, Callable[[Any], Any]]:
    """How a file exported by `actor` without full numbers shows a row of `t` whose community
    is `community_id`: field key -> the function that masks it (other fields as stored).

    ID numbers always (full ones only in an administrator's unmasked export, `log_export`);
    phones and addresses unless `may_see` allows them (an administrator: all; a coordinator:
    their communities' people; the read-only account: none); beneficiaries' names by surname
    (`mask_name`) for whoever does not `sees_personal_data`, as the pairings page shows them."""
    out: dict[str, Callable[[Any], Any]] = {}
    for f in t.fields:
        if f.pii and (f.pii == "id_number" or not may_see(actor, f.pii, community_id)):
            out[f.key] = lambda v, p=f.pii: mask(p, v)
        elif (t.key, f.key) in PERSON_NAMES and not sees_personal_data(actor):
            out[f.key] = mask_name
    return out


def masked_kinds(t: Table, masks: Mapping[str, Any]) -> set[str]:
    """The kinds of data `masks` (an `export_masks` answer for `t`) hide: pii kinds, "name"."""
    return {t.field(k).pii or "name" for k in masks}


def log_export(store: Store, actor: Actor, source: str, counts: Mapping[str, int]) -> None:
    """One audit row `export` for a file with full numbers: the row's actor is who exported,
    its row id the file, its changes the tables and their row counts. Only an administrator
    (PermissionDenied otherwise, nothing logged); one transaction, before the file is made."""
    auth.require(actor, "export_full")
    detail = {"unmasked": True, "tables": list(counts), "rows": dict(counts)}
    store.transact(actor, lambda tx: tx.note(AUDIT_TABLE, source, "export", detail))


def community_of(t: Table, row: Mapping[str, Any]) -> Any:
    return row.get(t.community_field) if t.community_field else None


def revealable(actor: Actor, t: Table, row: Mapping[str, Any]) -> list[str]:
    """The fields of `row` whose full value `actor` may ask to see (non-empty ones)."""
    where = community_of(t, row)
    return [
        f.key for f in t.user_fields if f.pii and row.get(f.key) and may_see(actor, f.pii, where)
    ]


def shown(t: Table, row: Mapping[str, Any], key: str) -> Any:
    """The value a page shows for one field of `row` (masked when it is personal data)."""
    f = t.field(key)
    return mask(f.pii, row.get(key)) if f.pii else row.get(key)


def mask_frame(df: pd.DataFrame, t: Table) -> pd.DataFrame:
    """Every personal column of `df` (a frame of `t`) masked: how lists show them."""
    out = df.copy()
    for f in t.fields:
        if f.pii and f.key in out.columns:
            out[f.key] = out[f.key].map(lambda v, p=f.pii: mask(p, v))
    return out


def _log_reveals(
    tx: Transaction, t: Table, rows: Sequence[Mapping[str, Any]], fields: Sequence[str], why: str
) -> None:
    for row in rows:
        tx.note(t.key, str(row["id"]), "reveal", {"fields": list(fields), "why": why})


def reveal(
    store: Store, actor: Actor, table_key: str, row_id: str, fields: Iterable[str]
) -> dict[str, Any]:
    """The full values of `fields` of one row, for someone allowed to see them; the request is
    logged (an audit row `reveal` naming the fields) in one transaction, and refused
    (PermissionDenied, nothing logged) for a field the rule keeps from `actor`."""
    t = table(table_key)
    wanted = list(dict.fromkeys(fields))
    for key in wanted:
        if not t.field(key).pii:
            raise ValueError(f"{table_key}.{key} is not personal data")

    def write(tx: Transaction) -> dict[str, Any]:
        row = tx.get(table_key, row_id)
        if row is None:
            raise NotFoundError(table_key, row_id)
        where = community_of(t, row)
        for key in wanted:
            if not may_see(actor, t.field(key).pii, where):  # type: ignore[arg-type]
                raise _denied(actor, t.field(key))
        _log_reveals(tx, t, [row], wanted, "view")
        return {k: row.get(k) for k in wanted}

    return store.transact(actor, write)


def _denied(actor: Actor, f: Field) -> PermissionDenied:
    if actor.role == "coordinator" and f.pii != "id_number":
        return PermissionDenied(
            f"只能查看自己负责的社区居民的完整{f.zh}。",
            f"You can only see the full {f.en.lower()} of your own communities' people.",
        )
    return PermissionDenied(
        f"当前账号不能查看完整的{f.zh}。", f"Your account cannot see the full {f.en.lower()}."
    )


def export_frame(
    store: Store | None,
    actor: Actor,
    table_key: str,
    df: pd.DataFrame,
    full: bool = False,
) -> pd.DataFrame:
    """`df` (rows of `table_key` with their ids) as an export holds it: personal columns
    masked, unless an administrator asks for `full` numbers, which logs one `reveal` row per
    person exported, in one transaction, before the file is made (PermissionDenied for anyone
    else, nothing logged)."""
    t = table(table_key)
    if not full:
        return mask_frame(df, t)
    auth.require(actor, "export_full")
    if store is None:
        raise ValueError("a full export is logged: give the store")
    fields = [f.key for f in t.fields if f.pii and f.key in df.columns]
    rows = df[["id"]].to_dict("records")
    store.transact(actor, lambda tx: _log_reveals(tx, t, rows, fields, "export"))
    return df.copy()


def reveal_fields(changes: str | None) -> list[str]:
    """The fields a `reveal` audit row names (for the history pages)."""
    try:
        data = json.loads(changes or "{}")
    except ValueError:
        return []
    return list(data.get("fields", [])) if isinstance(data, dict) else []
