"""Who is acting, and what they may write: enforced in the store, not only hidden in the UI.

Roles: admin (everything), coordinator (rows of their own communities, no reference or system
tables), viewer (the leaders: read only). Sign-in itself arrives later; every write already
takes an `Actor`, so adding it changes no call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sltcore.errors import PermissionDenied
from sltcore.schema import AUDIT_TABLE, Table


@dataclass(frozen=True)
class Actor:
    username: str
    role: str = "admin"
    communities: tuple[str, ...] = ()  # community ids a coordinator may edit
    display_name: str = ""

    @property
    def can_see_pii(self) -> bool:
        return self.role in ("admin", "coordinator")


def can_see_full_ids(actor: Actor) -> bool:
    """Full ID numbers are for administrators only (《志愿服务记录办法》: personal data is kept
    confidential); everyone else sees them masked and cannot search by them."""
    return actor.role == "admin"


SYSTEM = Actor("system", "admin", display_name="系统")


def _deny_scope() -> PermissionDenied:
    return PermissionDenied(
        "只能修改自己负责的社区的数据。", "You can only change your own communities' data."
    )


def check_write(
    actor: Actor, t: Table, rows: list[Mapping[str, Any]], lookup: Any | None = None
) -> None:
    """Raise PermissionDenied when `actor` may not write these rows of `t`.

    A coordinator's scope is their communities: a row's own community field, or for rows
    without one (team members, time-bank entries, pairings, certificates, shift assignments)
    the community of the team, volunteer or shift they belong to. A service record must also
    belong to an event of their communities. `lookup` answers `community_of(table, ids)`.
    """
    if t.key == AUDIT_TABLE:
        raise PermissionDenied(
            "操作日志由系统自动记录，不能直接修改。", "The audit log is write-only."
        )
    if actor.role == "admin":
        return
    if actor.role != "coordinator":
        raise PermissionDenied("只读账号不能修改数据。", "A read-only account cannot change data.")
    if t.kind != "domain" or not (t.community_field or t.scope_via):
        raise PermissionDenied(
            f"只有管理员可以修改“{t.zh}”。", f"Only an administrator can change {t.en}."
        )
    mine = set(actor.communities)
    for row in rows:
        if t.community_field and row.get(t.community_field) not in mine:
            raise _deny_scope()
    vias = [(t.scope_via, t.field(t.scope_via).ref)] if t.scope_via else []
    if t.key == "service_records":
        vias.append(("event_id", "events"))
    for field_key, ref in vias:
        ids = {str(r[field_key]) for r in rows if r.get(field_key)}
        if not ids:
            continue
        if lookup is None:
            raise _deny_scope()
        owners = lookup.community_of(ref, ids)
        if any(owners.get(i) not in mine for i in ids):
            raise _deny_scope()
