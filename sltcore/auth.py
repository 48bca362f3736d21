"""Who is acting, and what they may do: enforced in sltcore, not only hidden in the UI.

Roles: admin (everything: settings, accounts' communities, archive and restore, the audit log,
full ID numbers), coordinator (reads everything; writes records, events, volunteers and teams
of their own communities; no reference or system tables), viewer (the leaders: read only).

`check_write` is asked by the store on every row written; `require` by the services for the
actions that are more than writing a row (archiving by hand, restoring, reading the audit
log, ...); pages ask `can` so they never show a control the role cannot use. What personal
data each role may see is `sltcore.privacy`.
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


SYSTEM = Actor("system", "admin", display_name="系统")

# Actions beyond writing rows of one's scope, and who may do them.
ACTIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    # action: (roles, what it is in Chinese, in English)
    "write": (("admin", "coordinator"), "修改数据", "change data"),
    "archive": (("admin",), "归档", "archive rows"),
    "restore": (("admin",), "恢复已归档或已取消的数据", "restore archived or cancelled data"),
    "audit": (("admin",), "查看操作日志", "read the audit log"),
    "settings": (("admin",), "修改设置", "change the settings"),
    "accounts": (("admin",), "管理账号", "manage accounts"),
    "reference": (("admin",), "修改基础资料", "change reference tables"),
    "reveal": (("admin", "coordinator"), "查看完整号码", "see full numbers"),
    "export_full": (("admin",), "导出完整身份证号和手机号", "export full ID and phone numbers"),
}


def can(actor: Actor, action: str) -> bool:
    """Whether the role may do `action` at all (a coordinator's scope is checked per row)."""
    return actor.role in ACTIONS[action][0]


def require(actor: Actor, action: str) -> None:
    """Raise PermissionDenied, naming the action, when the role may not do it."""
    if can(actor, action):
        return
    _, zh, en = ACTIONS[action]
    if actor.role == "viewer":
        raise PermissionDenied(f"只读账号不能{zh}。", f"A read-only account cannot {en}.")
    raise PermissionDenied(f"只有管理员可以{zh}。", f"Only an administrator can {en}.")


def in_scope(actor: Actor, community_id: object) -> bool:
    """A row of this community is the actor's to write (admin: every row)."""
    if actor.role == "admin":
        return True
    return actor.role == "coordinator" and community_id in actor.communities


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
    the community of the team, volunteer, beneficiary or shift they belong to. A service
    record must also belong to an event of their communities. `lookup` answers
    `community_of(table, ids)`.
    """
    if t.key == AUDIT_TABLE:
        raise PermissionDenied(
            "操作日志由系统自动记录，不能直接修改。", "The audit log is write-only."
        )
    if actor.role == "admin":
        return
    if t.key == "preferences":  # everyone keeps their own (the language), a viewer too
        if all(r.get("username") == actor.username for r in rows):
            return
        raise PermissionDenied(
            "只能修改自己的个人偏好。", "You can only change your own preferences."
        )
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
