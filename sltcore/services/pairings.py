"""结对 Pairings: a volunteer or a team paired with a beneficiary, with an agreed number of
visits a month. A visit is a service record linked to the pairing (`service_records.pairing_id`)
for each volunteer who went (a team's visit names the members who went), so its hours count
like any other (`sltcore.services.hours`).

Which pairings are behind, the rule of the list the office works from:

- a visit is a day with at least one countable record of the pairing: three members of a team
  going together make one visit, not three;
- the agreement is per calendar month, and a month is owed only when the pairing ran for all
  of it: it started on or before the month's first day and had not ended before its last;
- a pairing is *behind* when, in the last complete month, it had fewer countable visits than
  agreed (the month in progress is shown as progress, never as a debt: on the 3rd nobody is
  late yet);
- the list is ordered oldest first: never visited, then by the date of the last visit.

Beneficiaries are personal data: lists show the phone and address masked, and a read-only
account (the leaders) sees the beneficiary's name masked too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd

from sltcore import auth, clock, privacy
from sltcore.auth import Actor
from sltcore.errors import DeskError, NotFoundError, PermissionDenied
from sltcore.identity import mask_address, mask_phone
from sltcore.privacy import mask_name  # the one rule; pages call it pairings.mask_name
from sltcore.refs import choice_map, label_column, titles
from sltcore.services import hours
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction

Frames = Mapping[str, pd.DataFrame]


class Refused(DeskError):
    """A visit that breaks a pairing rule; the message names the field and the pairing."""


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> tuple[dt.date, dt.date]:
    """(first, last) day of the calendar month before `day`'s."""
    last = month_start(day) - dt.timedelta(days=1)
    return last.replace(day=1), last


def owes_month(
    started_on: dt.date, ended_on: dt.date | None, first: dt.date, last: dt.date
) -> bool:
    """Whether a pairing ran the whole month [first, last], so its agreement applies."""
    return started_on <= first and (ended_on is None or ended_on >= last)


def _day(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


def status(frames: Frames, today: dt.date | None = None, lang: str = "zh") -> pd.DataFrame:
    """Every live pairing with its agreement, last month's and this month's visits, the last
    visit, and whether it is behind (the rule in the module docstring)."""
    today = today or clock.today()
    pairs = frames["pairings"]
    cols = [
        "id", "volunteer", "team", "beneficiary_id", "beneficiary", "kind", "community",
        "agreed", "last_month", "this_month", "last_visit", "behind", "shortfall", "active",
        "volunteer_id",
    ]  # fmt: skip
    if pairs.empty:
        return pd.DataFrame(columns=cols)
    visits = hours.countable(frames)
    visits = visits[visits["pairing_id"].notna()] if "pairing_id" in visits else visits.iloc[:0]
    first, last = previous_month(today)
    dates = visits["date"].dt.date
    prev = visits[(dates >= first) & (dates <= last)].groupby("pairing_id")["date"].nunique()
    now = visits[dates >= month_start(today)].groupby("pairing_id")["date"].nunique()
    latest = visits.groupby("pairing_id")["date"].max()
    bens = frames["beneficiaries"].set_index("id")
    out = pd.DataFrame(
        {
            "id": pairs["id"],
            "volunteer_id": pairs["volunteer_id"],
            "volunteer": label_column(pairs["volunteer_id"], titles(dict(frames), "volunteers")),
            "team": label_column(pairs["team_id"], titles(dict(frames), "teams")),
            "beneficiary_id": pairs["beneficiary_id"],
            "beneficiary": pairs["beneficiary_id"].map(bens["name"]).fillna(""),
            "kind": label_column(pairs["kind"], choice_map("pairings", "kind", lang)),
            "community": label_column(
                pairs["beneficiary_id"].map(bens["community_id"]),
                titles(dict(frames), "communities"),
            ),
            "agreed": pairs["visits_per_month"].fillna(1).astype(int),
            "last_month": pairs["id"].map(prev).fillna(0).astype(int),
            "this_month": pairs["id"].map(now).fillna(0).astype(int),
            "last_visit": pd.to_datetime(pairs["id"].map(latest.to_dict())).dt.date,
        }
    )
    active = pairs["status"].fillna("active") == "active"
    owed = [
        bool(a) and owes_month(_day(s), _day(e), first, last)
        for a, s, e in zip(active, pairs["started_on"], pairs["ended_on"], strict=True)
    ]
    out["active"] = active.to_numpy()
    out["behind"] = pd.Series(owed, index=out.index) & (out["last_month"] < out["agreed"])
    out["shortfall"] = (out["agreed"] - out["last_month"]).where(out["behind"], 0).astype(int)
    return out[cols]


def behind(frames: Frames, today: dt.date | None = None, lang: str = "zh") -> pd.DataFrame:
    """The pairings behind their agreed visits, oldest first: never visited, then by the last
    visit's date, then by the larger shortfall."""
    df = status(frames, today, lang)
    df = df[df["behind"]].copy()
    df["_never"] = df["last_visit"].isna()
    df["_last"] = pd.to_datetime(df["last_visit"])
    df = df.sort_values(["_never", "_last", "shortfall"], ascending=[False, True, False])
    return df.drop(columns=["_never", "_last"]).reset_index(drop=True)


def beneficiaries(frames: Frames, actor: Actor, lang: str = "zh") -> pd.DataFrame:
    """Beneficiaries as a list may show them: phone and address masked for everyone, the name
    masked for a read-only account; with their live pairings counted."""
    b = frames["beneficiaries"]
    pairs = frames["pairings"]
    live = pairs[pairs["status"].fillna("active") == "active"].groupby("beneficiary_id").size()
    names = b["name"] if privacy.sees_personal_data(actor) else b["name"].map(mask_name)
    return pd.DataFrame(
        {
            "id": b["id"],
            "name": names,
            "kind": label_column(b["kind"], choice_map("beneficiaries", "kind", lang)),
            "community": label_column(b["community_id"], titles(dict(frames), "communities")),
            "phone": b["phone"].map(mask_phone, na_action="ignore").astype(object).fillna(""),
            "address": b["address"].map(mask_address, na_action="ignore").astype(object).fillna(""),
            "needs": b["needs"].fillna(""),
            "pairings": b["id"].map(live).fillna(0).astype(int),
        }
    ).reset_index(drop=True)


def team_members_on(frames: Frames, team_id: str, day: dt.date) -> list[str]:
    """The volunteers who were members of the team on `day` (joined by then, not yet left)."""
    tm = frames["team_members"]
    tm = tm[tm["team_id"] == team_id]
    keep = [
        (_day(j) is None or _day(j) <= day) and (_day(e) is None or _day(e) >= day)
        for j, e in zip(tm["joined_on"], tm["left_on"], strict=True)
    ]
    return tm.loc[pd.Series(keep, index=tm.index, dtype=bool), "volunteer_id"].tolist()


def record_visit(
    store: Store,
    actor: Actor,
    pairing_id: str,
    day: dt.date,
    hours_served: float,
    content: str | None = None,
    volunteer_ids: list[str] | None = None,
) -> list[Row]:
    """One visit: a service record for each volunteer who went, linked to the pairing, in the
    beneficiary's community; ONE transaction, the pairing and the team read inside it.

    A person's pairing is visited by its volunteer. A team's visit names the members who went
    (default: the pairing's contact volunteer, if any); each must be in the team on that day.
    The same volunteer's visit to the same pairing on the same day is refused as a double entry.
    """

    def fn(tx: Transaction) -> list[Row]:
        pair = tx.get("pairings", pairing_id)
        if pair is None or pair["archived"]:
            raise NotFoundError("pairings", pairing_id)
        ben = tx.get("beneficiaries", pair["beneficiary_id"])
        if ben is None or ben["archived"]:
            raise NotFoundError("beneficiaries", pair["beneficiary_id"])
        if not auth.in_scope(actor, ben["community_id"]):  # a pairing is its beneficiary's
            raise PermissionDenied(
                "只能为自己负责的社区的服务对象记录走访。",
                "You can only record visits to beneficiaries of your own communities.",
            )
        team = tx.get("teams", pair["team_id"]) if pair.get("team_id") else None
        vol = tx.get("volunteers", pair["volunteer_id"]) if pair.get("volunteer_id") else None
        pairer = vol["name"] if vol else team["name"] if team else pair["volunteer_id"]
        who = f"{pairer}—{ben['name']}"
        if (pair.get("status") or "active") != "active":
            raise Refused(
                f"结对：{who}的结对已结束，不能再记录走访。",
                f"Pairing: the pairing {who} has ended; no more visits can be recorded.",
            )
        if day < pair["started_on"]:
            raise Refused(
                f"走访日期：{day:%Y-%m-%d}早于{who}的结对日期{pair['started_on']:%Y-%m-%d}。",
                f"Visit date: {day:%Y-%m-%d} is before the pairing {who} started.",
            )
        if pair.get("ended_on") and day > pair["ended_on"]:
            raise Refused(
                f"走访日期：{day:%Y-%m-%d}晚于{who}的结对结束日期{pair['ended_on']:%Y-%m-%d}。",
                f"Visit date: {day:%Y-%m-%d} is after the pairing {who} ended.",
            )
        went = _who_went(tx, pair, team, who, day, volunteer_ids)
        names = {v: (tx.get("volunteers", v) or {}).get("name", v) for v in went}
        twice = [
            names[r["volunteer_id"]]
            for r in tx.select("service_records", pairing_id=pairing_id, date=day)
            if r["volunteer_id"] in went
        ]
        if twice:
            raise Refused(
                f"走访人员：已记录过{'、'.join(twice)}在{day:%Y-%m-%d}对{ben['name']}的走访，"
                "不能重复记录。",
                f"Visitors: the visit of {', '.join(twice)} to {ben['name']} on "
                f"{day:%Y-%m-%d} is already recorded.",
            )
        base = {
            "date": day,
            "hours": hours_served,
            "community_id": ben["community_id"],
            "service_object": "结对帮扶对象",
            "content": content or "结对走访",
            "recorder": actor.display_name or actor.username,
            "pairing_id": pairing_id,
        }
        return tx.append("service_records", [{**base, "volunteer_id": v} for v in went])

    return store.transact(actor, fn)


def _who_went(
    tx: Transaction,
    pair: Row,
    team: Row | None,
    who: str,
    day: dt.date,
    volunteer_ids: list[str] | None,
) -> list[str]:
    """The volunteers a visit credits, checked against the pairing (and its team on `day`)."""
    if team is None:
        if volunteer_ids and list(volunteer_ids) != [pair["volunteer_id"]]:
            raise Refused(
                f"走访人员：{who}是个人结对，只能记录结对志愿者本人的走访。",
                f"Visitors: {who} is a person's pairing; only its volunteer's visit is recorded.",
            )
        return [pair["volunteer_id"]]
    went = list(
        dict.fromkeys(volunteer_ids or ([pair["volunteer_id"]] if pair.get("volunteer_id") else []))
    )
    if not went:
        raise Refused(
            f"走访人员：请选择{team['name']}参加这次走访的队员。",
            f"Visitors: choose the members of {team['name']} who went.",
        )
    members = {
        r["volunteer_id"]
        for r in tx.select("team_members", team_id=team["id"])
        if (r.get("joined_on") is None or r["joined_on"] <= day)
        and (r.get("left_on") is None or r["left_on"] >= day)
    }
    outsiders = [v for v in went if v not in members and v != pair.get("volunteer_id")]
    if outsiders:
        names = "、".join((tx.get("volunteers", v) or {}).get("name", v) for v in outsiders)
        raise Refused(
            f"走访人员：{names}在{day:%Y-%m-%d}不是{team['name']}的队员。",
            f"Visitors: {names} was not a member of {team['name']} on {day:%Y-%m-%d}.",
        )
    return went


def visits_against_agreed(frames: Frames, today: dt.date | None = None) -> dict[str, int]:
    """For the dashboard: visits made and agreed, last month (pairings that owed it) and this
    month so far (every active pairing), and how many pairings are behind."""
    df = status(frames, today)
    if df.empty:
        return {"last_visits": 0, "last_agreed": 0, "this_visits": 0, "this_agreed": 0,
                "behind": 0}  # fmt: skip
    today = today or clock.today()
    first, last = previous_month(today)
    pairs = frames["pairings"].set_index("id")
    owed = [
        bool(a) and owes_month(_day(pairs.loc[i, "started_on"]), _day(pairs.loc[i, "ended_on"]),
                               first, last)
        for i, a in zip(df["id"], df["active"], strict=True)
    ]  # fmt: skip
    owed_df = df[pd.Series(owed, index=df.index)]
    active = df[df["active"]]
    return {
        "last_visits": int(owed_df["last_month"].clip(upper=owed_df["agreed"]).sum()),
        "last_agreed": int(owed_df["agreed"].sum()),
        "this_visits": int(active["this_month"].sum()),
        "this_agreed": int(active["agreed"].sum()),
        "behind": int(df["behind"].sum()),
    }
