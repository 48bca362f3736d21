"""Teams (队伍): the overview with this year's hours, members, and member changes.

A team's hours are the service hours recorded at events the team organised (`events.team_id`),
so an hour is never counted twice when a volunteer belongs to two teams; which hours count is
`sltcore.services.hours`, the same rule as everywhere. Removing a member
archives the membership row (never deleted), with the leaving date kept on it.

Each member change is ONE transaction (the team row and the membership rows together, all or
nothing), and who is a member and who leads is read inside it, as it is then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from sltcore import clock
from sltcore.auth import Actor
from sltcore.errors import DeskError, NotFoundError
from sltcore.privacy import mask
from sltcore.refs import choice_map, label_column, titles
from sltcore.services import hours
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction

Frames = Mapping[str, pd.DataFrame]


def hours_by_team(frames: Frames, year: int) -> pd.DataFrame:
    """team_id -> `hours` that count (`sltcore.services.hours`) and `events` in `year`, through the
    events each team organised, and the `unconfirmed` hours still waiting for the organiser."""
    ev = frames["events"]
    counted, pending = hours.split(frames)
    if ev.empty or (counted.empty and pending.empty):
        empty = pd.Series(dtype=float)
        return pd.DataFrame(
            {"hours": empty, "events": pd.Series(dtype="int64"), "unconfirmed": empty}
        )
    team_by_event = ev.set_index("id")["team_id"]

    def by_team(rec: pd.DataFrame) -> DataFrameGroupBy:
        rec = rec[rec["date"].dt.year == year]
        out = pd.DataFrame(
            {
                "team_id": rec["event_id"].map(team_by_event),
                "hours": rec["hours"],
                "event": rec["event_id"],
            }
        )
        return out.dropna(subset=["team_id"]).groupby("team_id")

    done, waiting = by_team(counted), by_team(pending)
    return pd.DataFrame(
        {
            "hours": done["hours"].sum(),
            "events": done["event"].nunique(),
            "unconfirmed": waiting["hours"].sum(),
        }
    ).fillna({"hours": 0.0, "events": 0, "unconfirmed": 0.0})


def overview(frames: Frames, lang: str, today: dt.date | None = None) -> pd.DataFrame:
    """Every live team: community, category, members, leader, hours and events this year."""
    today = today or clock.today()
    teams = frames["teams"]
    sums = hours_by_team(frames, today.year)
    members = frames["team_members"].groupby("team_id")["volunteer_id"].nunique()
    out = pd.DataFrame(
        {
            "id": teams["id"],
            "name": teams["name"],
            "community": label_column(teams["community_id"], titles(frames, "communities")),
            "category": label_column(teams["category"], choice_map("teams", "category", lang)),
            "leader": label_column(teams["leader_id"], titles(frames, "volunteers")),
            "members": teams["id"].map(members).fillna(0).astype("int64"),
            "hours_year": teams["id"].map(sums["hours"]).fillna(0.0),
            "unconfirmed_year": teams["id"].map(sums["unconfirmed"]).fillna(0.0),
            "events_year": teams["id"].map(sums["events"]).fillna(0).astype("int64"),
            "community_id": teams["community_id"],
            "category_key": teams["category"],
        }
    )
    return out.sort_values(["community", "name"], kind="stable").reset_index(drop=True)


def members(frames: Frames, team_id: str, lang: str) -> pd.DataFrame:
    """The team's live members: membership id and version, name, masked phone, role."""
    tm = frames["team_members"]
    tm = tm[tm["team_id"] == team_id]
    vols = frames["volunteers"].set_index("id")
    out = pd.DataFrame(
        {
            "member_id": tm["id"],
            "version": tm["version"],
            "volunteer_id": tm["volunteer_id"],
            "name": tm["volunteer_id"]
            .map(vols["name"])
            .astype("string")
            .fillna(tm["volunteer_id"]),
            "mobile": tm["volunteer_id"].map(vols["mobile"]).map(lambda v: mask("phone", v)),
            "role_key": tm["role"],
            "role": label_column(tm["role"], choice_map("team_members", "role", lang)),
            "joined_on": tm["joined_on"].dt.date,
        }
    )
    order = {"leader": 0, "deputy": 1, "member": 2}
    return (
        out.assign(_o=out["role_key"].map(order).fillna(3))
        .sort_values(["_o", "name"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )


def add_members(
    store: Store,
    frames: Frames,
    team_id: str,
    volunteer_ids: Iterable[str],
    actor: Actor,
    today: dt.date | None = None,
) -> list[Row]:
    """Add volunteers to a team in one transaction; those already in it are skipped.

    Who is already a member is read inside the transaction (`frames` decide nothing), so a
    volunteer someone else added meanwhile is not added twice.
    """
    wanted = list(dict.fromkeys(volunteer_ids))
    day = today or clock.today()

    def write(tx: Transaction) -> list[Row]:
        have = {r["volunteer_id"] for r in tx.select("team_members", team_id=team_id)}
        rows = [
            {"team_id": team_id, "volunteer_id": v, "role": "member", "joined_on": day}
            for v in wanted
            if v not in have
        ]
        return tx.append("team_members", rows)

    return store.transact(actor, write)


def remove_member(
    store: Store, frames: Frames, member_id: str, actor: Actor, today: dt.date | None = None
) -> Row:
    """Record the leaving date and archive the membership (it stays in the history); a
    leader who leaves also stops being the team's leader, so the team never names a leader
    who is not a member. One transaction: all three changes or none. The membership and the
    team's leader are read inside it (`frames` decide nothing). Raises NotFoundError when the
    membership is gone (someone removed the member already)."""
    day = today or clock.today()

    def write(tx: Transaction) -> Row:
        member = tx.get("team_members", member_id)
        if member is None or member.get("archived"):
            raise NotFoundError("team_members", member_id)
        team = tx.get("teams", member["team_id"])
        if team is not None and team.get("leader_id") == member["volunteer_id"]:
            tx.update("teams", team["id"], {"leader_id": None}, int(team["version"]))
        row = tx.update("team_members", member_id, {"left_on": day}, int(member["version"]))
        return tx.archive("team_members", member_id, int(row["version"]))

    return store.transact(actor, write)


def set_leader(store: Store, frames: Frames, team_id: str, volunteer_id: str, actor: Actor) -> None:
    """Make a member the leader: the team's `leader_id` and the members' roles follow (the old
    leader, or leaders, back to member), in one transaction. Membership and the current
    leader are read inside it (`frames` decide nothing); only a live member can lead."""

    def write(tx: Transaction) -> None:
        team = tx.get("teams", team_id)
        if team is None or team.get("archived"):
            raise NotFoundError("teams", team_id)
        members = tx.select("team_members", team_id=team_id)
        mine = [m for m in members if m["volunteer_id"] == volunteer_id]
        if not mine:
            raise DeskError("只有本队队员才能担任队长。", "Only a member of the team can lead it.")
        tx.update("teams", team_id, {"leader_id": volunteer_id}, int(team["version"]))
        roles: dict[str, tuple[dict[str, Any], int]] = {
            m["id"]: ({"role": "member"}, int(m["version"]))
            for m in members
            if m["role"] == "leader" and m["volunteer_id"] != volunteer_id
        }
        me = mine[0]
        if me["role"] != "leader":
            roles[me["id"]] = ({"role": "leader"}, int(me["version"]))
        if roles:
            tx.update_many("team_members", roles)

    store.transact(actor, write)


def edit(
    store: Store,
    team_id: str,
    changes: Mapping[str, Any],
    expected_version: int,
    actor: Actor,
) -> Row:
    """The team's own details, at the version the form was drawn with (ConflictError when
    someone saved it meanwhile). Not its leader: `set_leader` keeps that and the members'
    roles in step, so a `leader_id` here is a mistake of the caller."""
    if "leader_id" in changes:
        raise ValueError("the leader changes through set_leader")
    return store.transact(actor, lambda tx: tx.update("teams", team_id, changes, expected_version))
