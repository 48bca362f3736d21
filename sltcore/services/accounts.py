"""Accounts in the desk: the acting account of a signed-in person, the communities an
administrator assigns, switching an account off, and each person's language.

The secrets file says who may sign in and with which role (`sltcore.accounts`). An
administrator can change an account's communities, or switch it off, in the desk: that is a
row of the `accounts` table (audited like any write) and wins over the file. Each person's
language is a row of `preferences`, which everyone may write for themselves only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from sltcore import auth
from sltcore.accounts import Account
from sltcore.auth import Actor
from sltcore.errors import DeskError
from sltcore.i18n import LANGS
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction

Frames = Mapping[str, pd.DataFrame]


def _row(frames: Frames, table_key: str, username: str) -> dict[str, Any] | None:
    df = frames.get(table_key)
    if df is None or df.empty:
        return None
    hit = df[df["username"] == username]
    return hit.iloc[0].to_dict() if len(hit) else None


def _by_name(frames: Frames) -> dict[str, str]:
    com = frames["communities"]
    return dict(zip(com["name"], com["id"], strict=True)) if not com.empty else {}


def community_ids(account: Account, frames: Frames) -> tuple[str, ...]:
    """The communities the account is responsible for (ids of live communities): the
    administrator's choice in the desk when there is one, else the secrets file's names."""
    row = _row(frames, "accounts", account.username)
    chosen = row.get("communities") if row else None
    live = set(frames["communities"]["id"])
    if isinstance(chosen, tuple | list) and len(chosen):
        return tuple(c for c in chosen if c in live)
    names = _by_name(frames)
    return tuple(names[n] for n in account.communities if n in names)


def assigned_in_desk(account: Account, frames: Frames) -> bool:
    """An administrator chose the account's communities in the desk (the file's are unused)."""
    row = _row(frames, "accounts", account.username)
    return bool(row and row.get("communities"))


def unknown_communities(account: Account, frames: Frames) -> list[str]:
    """Names in the secrets file that no community of the store has (when they are used)."""
    if assigned_in_desk(account, frames):
        return []
    known = _by_name(frames)
    return [n for n in account.communities if n not in known]


def is_active(account: Account, frames: Frames) -> bool:
    row = _row(frames, "accounts", account.username)
    return not row or row.get("active") is not False


def disabled(accounts: Iterable[Account], frames: Frames) -> set[str]:
    return {a.username for a in accounts if not is_active(a, frames)}


def actor_for(account: Account, frames: Frames) -> Actor:
    """The acting account of a signed-in person, with the ids of their communities."""
    ids = community_ids(account, frames) if account.role == "coordinator" else ()
    return Actor(account.username, account.role, ids, account.display_name or account.username)


def _upsert(tx: Transaction, table_key: str, username: str, values: Mapping[str, Any]) -> Row:
    have = tx.select(table_key, username=username)
    if have:
        return tx.update(table_key, have[0]["id"], values, int(have[0]["version"]))
    return tx.append(table_key, [{"username": username, **values}])[0]


def set_communities(store: Store, actor: Actor, account: Account, ids: Iterable[str]) -> Row:
    """An administrator assigns the account's communities (ids of live communities)."""
    auth.require(actor, "accounts")
    chosen = tuple(dict.fromkeys(i for i in ids if i))
    if account.role == "coordinator" and not chosen:
        raise DeskError(
            "社区协调员至少要负责一个社区。", "A coordinator needs at least one community."
        )

    def write(tx: Transaction) -> Row:
        known = {c["id"] for c in tx.select("communities")}
        missing = [n for n in chosen if n not in known]
        if missing:
            raise DeskError(
                f"负责社区：找不到社区“{'、'.join(missing)}”（可能已归档）。",
                f"Communities: no live community “{', '.join(missing)}”.",
            )
        return _upsert(tx, "accounts", account.username, _account_values(account, chosen))

    return store.transact(actor, write)


def _account_values(account: Account, communities: tuple[str, ...]) -> dict[str, Any]:
    return {
        "display_name": account.display_name or account.username,
        "role": account.role,
        "communities": communities,
    }


def set_active(store: Store, actor: Actor, account: Account, active: bool) -> Row:
    """An administrator switches an account off (it can no longer sign in) or on again."""
    auth.require(actor, "accounts")
    if not active and account.username == actor.username:
        raise DeskError("不能停用自己正在使用的账号。", "You cannot switch off your own account.")

    def write(tx: Transaction) -> Row:
        have = tx.select("accounts", username=account.username)
        kept = tuple(have[0].get("communities") or ()) if have else ()
        values = {**_account_values(account, kept), "active": active}
        return _upsert(tx, "accounts", account.username, values)

    return store.transact(actor, write)


def language(frames: Frames, username: str) -> str | None:
    """The language the person chose last time, if any."""
    row = _row(frames, "preferences", username)
    chosen = row.get("lang") if row else None
    return chosen if chosen in LANGS else None


def set_language(store: Store, actor: Actor, lang: str) -> Row:
    """Keep the person's language for their next sign-in (anyone, for themselves)."""
    if lang not in LANGS:
        raise ValueError(lang)
    return store.transact(actor, lambda tx: _upsert(tx, "preferences", actor.username,
                                                    {"lang": lang}))  # fmt: skip
