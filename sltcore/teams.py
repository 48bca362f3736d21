"""Teams (队伍): the overview with this year's hours, members, and member changes.

A team's hours are the service hours recorded at events the team organised (`events.team_id`),
so an hour is never counted twice when a volunteer belongs to two teams; which hours count is
`sltcore.hours`, the same rule as everywhere. Removing a member
archives the membership row (never deleted), with the leaving date kept on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from sltcore import clock, hours
from sltcore.auth import Actor
from sltcore.errors import DeskError, NotFoundError
from sltcore.identity import mask_phone
from sltcore.refs import choice_map, label_column, titles
from sltcore.store.base import Row, Store, archive

Frames = Mapping[str, pd.DataFrame]


def hours_by_team(frames: Frames, year: int) -> pd.DataFrame:
    """team_id -> `hours` that count (`sltcore.hours`) and `events` in `year`, through the
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
            "mobile": tm["volunteer_id"].map(vols["mobile"]).map(mask_phone, na_action="ignore"),
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
    """Add volunteers to a team in one write; those already in it are skipped."""
    tm = frames["team_members"]
    have = set(tm.loc[tm["team_id"] == team_id, "volunteer_id"])
    new = [v for v in dict.fromkeys(volunteer_ids) if v not in have]
    if not new:
        return []
    day = today or clock.today()
    rows = [
        {"team_id": team_id, "volunteer_id": v, "role": "member", "joined_on": day} for v in new
    ]
    return store.append("team_members", rows, actor)


def remove_member(
    store: Store, frames: Frames, member_id: str, actor: Actor, today: dt.date | None = None
) -> Row:
    """Record the leaving date, then archive the membership (it stays in the history).

    A leader who leaves also stops being the team's leader. One store call per change, in an
    order where a failure part-way leaves data that removing again completes:
    1. teams: a leaving leader's team loses its `leader_id` first, so the team never names a
       leader who is no longer a member;
    2. team_members: the leaving date; 3. team_members: the archive.
    Not atomic (the store has no transaction across tables, nor one call that both changes a
    field and archives): after 1 the member is still listed, role "leader", under a team with
    no leader; after 2 a live member carries a leaving date. Both show on the team's page and
    "移出本队" again finishes the job (1 and 2 are then no-ops).
    """
    tm = frames["team_members"]
    hit = tm[tm["id"] == member_id]
    if hit.empty:
        raise NotFoundError("team_members", member_id)
    member = hit.iloc[0]
    teams = frames["teams"]
    team = teams[teams["id"] == member["team_id"]]
    if not team.empty and team.iloc[0]["leader_id"] == member["volunteer_id"]:
        store.update(
            "teams", member["team_id"], {"leader_id": None}, int(team.iloc[0]["version"]), actor
        )
    row = store.update(
        "team_members",
        member_id,
        {"left_on": today or clock.today()},
        int(member["version"]),
        actor,
    )
    return archive(store, "team_members", member_id, int(row["version"]), actor)


def set_leader(store: Store, frames: Frames, team_id: str, volunteer_id: str, actor: Actor) -> None:
    """Make a member the leader: the team's `leader_id` and the members' roles follow.

    Two store calls, one per table: the team's `leader_id`, then every role change (the old
    leader back to member, the new one to leader) in ONE `update_many`, all or none. Not
    atomic across the two tables: if the roles fail after the team changed, the team names
    the new leader while the roles are the old ones; the member is not yet shown as leader,
    so "设为队长" stays available and pressing it again completes (the team's write is then
    a no-op).
    """
    tm = frames["team_members"]
    tm = tm[tm["team_id"] == team_id]
    mine = tm[tm["volunteer_id"] == volunteer_id]
    if mine.empty:
        raise DeskError("只有本队队员才能担任队长。", "Only a member of the team can lead it.")
    teams = frames["teams"]
    hit = teams[teams["id"] == team_id]
    if hit.empty:
        raise NotFoundError("teams", team_id)
    team = hit.iloc[0]
    store.update("teams", team_id, {"leader_id": volunteer_id}, int(team["version"]), actor)
    roles: dict[str, tuple[dict[str, str], int]] = {
        r["id"]: ({"role": "member"}, int(r["version"]))
        for r in tm[(tm["role"] == "leader") & (tm["volunteer_id"] != volunteer_id)].to_dict(
            "records"
        )
    }
    me = mine.iloc[0]
    if me["role"] != "leader":
        roles[me["id"]] = ({"role": "leader"}, int(me["version"]))
    if roles:
        store.update_many("team_members", roles, actor)
