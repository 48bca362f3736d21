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


SYSTEM = Actor("system", "admin", display_name="系统")


def check_write(actor: Actor, t: Table, rows: list[Mapping[str, Any]]) -> None:
    """Raise PermissionDenied when `actor` may not write these rows of `t`."""
    if t.key == AUDIT_TABLE:
        raise PermissionDenied(
            "操作日志由系统自动记录，不能直接修改。", "The audit log is write-only."
        )
    if actor.role == "admin":
        return
    if actor.role != "coordinator":
        raise PermissionDenied("只读账号不能修改数据。", "A read-only account cannot change data.")
    if t.kind != "domain":
        raise PermissionDenied(
            f"只有管理员可以修改“{t.zh}”。", f"Only an administrator can change {t.en}."
        )
    if t.community_field:
        for row in rows:
            community = row.get(t.community_field)
            if community and community not in actor.communities:
                raise PermissionDenied(
                    "只能修改自己负责的社区的数据。",
                    "You can only change your own communities' data.",
                )
