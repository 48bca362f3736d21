"""Volunteers (志愿者): the searchable list, one person's profile, duplicate phone/ID numbers.

Vectorised pandas so the list stays fast at thousands of volunteers; identity and phone numbers
leave this module masked (`sltcore.privacy`, the one rule; a full number is shown only through
`privacy.reveal`, which logs it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sltcore import clock, identity, privacy
from sltcore.codec import row_from_frame
from sltcore.refs import choice_map, label_column, titles
from sltcore.schema import table
from sltcore.services import hours
from sltcore.services.attendance import team_names_by_volunteer
from sltcore.services.stars import (
    YEARLY_MINIMUM_HOURS,
    StarProgress,
    minimum_applies,
    star_level,
    star_progress,
)

Frames = Mapping[str, pd.DataFrame]


def hours_by_volunteer(frames: Frames, year: int) -> pd.DataFrame:
    """volunteer_id -> hours that count (`sltcore.services.hours`), `total` and in `year`, and the
    `unconfirmed` hours waiting for the organiser (counted nowhere)."""
    counted, pending = hours.split(frames)
    if counted.empty and pending.empty:
        empty = pd.Series(dtype=float)
        return pd.DataFrame({"total": empty, "year": empty, "unconfirmed": empty})
    total = counted.groupby("volunteer_id")["hours"].sum()
    this_year = counted[counted["date"].dt.year == year].groupby("volunteer_id")["hours"].sum()
    waiting = pending.groupby("volunteer_id")["hours"].sum()
    return pd.DataFrame({"total": total, "year": this_year, "unconfirmed": waiting}).fillna(0.0)


def filter_volunteers(
    frames: Frames,
    query: str = "",
    community_id: str | None = None,
    membership: str | None = None,
    team_id: str | None = None,
    status: str | None = None,
) -> pd.DataFrame:
    """The live volunteers matching every filter given.

    `query` matches part of the name, or, when it is digits, the end of the mobile number
    (a phone suffix) or of the Volunteer Beijing number.
    """
    vols = frames["volunteers"]
    mask = pd.Series(True, index=vols.index)
    q = identity.ascii_digits(query).strip()  # digits typed full-width find the same
    if q:
        hit = vols["name"].str.contains(q, regex=False, na=False)
        if q.isdigit():
            hit |= vols["mobile"].str.endswith(q, na=False)
            hit |= vols["bv_number"].str.endswith(q, na=False)
        mask &= hit
    for column, value in (
        ("community_id", community_id),
        ("membership", membership),
        ("status", status),
    ):
        if value:
            mask &= vols[column] == value
    if team_id:
        tm = frames["team_members"]
        mask &= vols["id"].isin(tm.loc[tm["team_id"] == team_id, "volunteer_id"])
    return vols[mask]


def listing(
    frames: Frames, vols: pd.DataFrame, lang: str, today: dt.date | None = None
) -> pd.DataFrame:
    """What the list shows for `vols`: labels, masked phone, teams, hours and stars."""
    today = today or clock.today()
    sums = hours_by_volunteer(frames, today.year)
    total = vols["id"].map(sums["total"]).fillna(0.0)
    out = pd.DataFrame(
        {
            "id": vols["id"],
            "name": vols["name"],
            "sex": label_column(vols["sex"], choice_map("volunteers", "sex", lang)),
            "mobile": vols["mobile"].map(lambda v: privacy.mask("phone", v)),
            "community": label_column(vols["community_id"], titles(frames, "communities")),
            "membership": label_column(
                vols["membership"], choice_map("volunteers", "membership", lang)
            ),
            "teams": vols["id"].map(team_names_by_volunteer(frames)).astype("string").fillna(""),
            "status": label_column(vols["status"], choice_map("volunteers", "status", lang)),
            "hours_year": vols["id"].map(sums["year"]).fillna(0.0),
            "hours_total": total,
            "stars": total.map(star_level).astype("int64"),
        }
    )
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Profile:
    """One volunteer as the profile shows them; `volunteer` is the canonical row."""

    volunteer: dict[str, Any]
    hours_year: float  # hours that count (`sltcore.services.hours`), in `year`
    hours_total: float  # hours that count, all years
    progress: StarProgress
    year: int
    events: pd.DataFrame  # date, title, hours, community, content, confirmed (newest first)
    teams: pd.DataFrame  # team_id, member_id, name, role
    hours_unconfirmed: float = 0.0  # waiting for the organiser: shown apart, counted nowhere
    records_unconfirmed: int = 0

    @property
    def minimum_applies(self) -> bool:
        """The 20 hours are not asked in the year of registration (`stars.minimum_applies`)."""
        return minimum_applies(self.volunteer.get("registered_on"), self.year)

    @property
    def minimum_met(self) -> bool:
        # 《中国注册志愿者管理办法》 art. 11: at least 20 hours of service a year.
        return self.hours_year + 1e-9 >= YEARLY_MINIMUM_HOURS

    @property
    def hours_to_minimum(self) -> float:
        return max(0.0, YEARLY_MINIMUM_HOURS - self.hours_year)


def profile(
    frames: Frames, volunteer_id: str, lang: str, today: dt.date | None = None
) -> Profile | None:
    """The profile of a live volunteer, or None when there is no such live volunteer."""
    today = today or clock.today()
    vols = frames["volunteers"]
    hit = vols[vols["id"] == volunteer_id]
    if hit.empty:
        return None
    row = row_from_frame(table("volunteers"), hit.iloc[0].to_dict())
    counted, pending = hours.split(frames)
    counted = counted[counted["volunteer_id"] == volunteer_id]
    pending = pending[pending["volunteer_id"] == volunteer_id]
    total = float(counted["hours"].sum())
    year = float(counted.loc[counted["date"].dt.year == today.year, "hours"].sum())
    rec = frames["service_records"]
    rec = rec[rec["volunteer_id"] == volunteer_id]
    ev_titles = titles(frames, "events")
    events = pd.DataFrame(
        {
            "date": rec["date"].dt.date,
            "title": label_column(rec["event_id"], ev_titles).where(
                rec["event_id"].notna(), rec["content"].fillna("")
            ),
            "hours": rec["hours"],
            "community": label_column(rec["community_id"], titles(frames, "communities")),
            "content": rec["content"].fillna(""),
            "confirmed": hours.confirmed(rec),
        }
    ).sort_values("date", ascending=False, kind="stable")
    tm = frames["team_members"]
    tm = tm[tm["volunteer_id"] == volunteer_id]
    teams = pd.DataFrame(
        {
            "team_id": tm["team_id"],
            "member_id": tm["id"],
            "name": label_column(tm["team_id"], titles(frames, "teams")),
            "role": label_column(tm["role"], choice_map("team_members", "role", lang)),
        }
    )
    return Profile(
        volunteer=row,
        hours_year=year,
        hours_total=total,
        progress=star_progress(total),
        year=today.year,
        events=events.reset_index(drop=True),
        teams=teams.reset_index(drop=True),
        hours_unconfirmed=float(pending["hours"].sum()),
        records_unconfirmed=len(pending),
    )


def masked_profile_fields(row: Mapping[str, Any]) -> dict[str, str]:
    """The identity fields as a profile shows them (`sltcore.privacy`)."""
    t = table("volunteers")
    return {
        k: privacy.shown(t, row, k) or ""
        for k in ("id_number", "mobile", "guardian_mobile", "address")
    }


@dataclass(frozen=True)
class Duplicate:
    """Another live volunteer already has this phone or ID number."""

    field: str  # "mobile" or "id_number"
    volunteer_id: str
    name: str


def find_duplicates(
    frames: Frames,
    mobile: str | None,
    id_number: str | None,
    exclude_id: str | None = None,
) -> list[Duplicate]:
    """Who else has this mobile or ID number (the form warns and links to them)."""
    vols = frames["volunteers"]
    if exclude_id:
        vols = vols[vols["id"] != exclude_id]
    out: list[Duplicate] = []
    for key, value, norm in (
        ("id_number", id_number, identity.normalise_id),
        ("mobile", mobile, identity.normalise_phone),
    ):
        if not value or not str(value).strip():
            continue
        hit = vols[vols[key] == norm(str(value))]
        out.extend(Duplicate(key, r["id"], r["name"]) for r in hit.to_dict("records"))
    return out
