"""Events (活动): durations, the filtered list with attendance totals, one event's attendance.

Pure pandas over `Store.read_all()` frames; the only write here is cancelling, which keeps the
event and its records (nothing is deleted) and marks the status.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from sltcore import i18n
from sltcore.auth import Actor
from sltcore.identity import mask_phone
from sltcore.refs import choice_map, label_column, titles
from sltcore.store.base import Row, Store


def _as_time(value: Any) -> dt.time | None:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str) and ":" in value:
        hh, mm = value.split(":")[:2]
        return dt.time(int(hh), int(mm))
    return None


def duration_hours(start: Any, end: Any) -> float | None:
    """Hours from start to end ('HH:MM' or time), rounded to the quarter hour.

    The default hours of everyone who attended: actual service time (art. 14 of the 2013
    registration rules), which the coordinator can change per person.
    """
    a, b = _as_time(start), _as_time(end)
    if a is None or b is None:
        return None
    minutes = (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
    if minutes <= 0:
        return None
    return round(minutes / 15) / 4


def event_label(row: Any, community_names: dict[str, str], lang: str) -> str:
    """`2026年11月28日 · 治安巡逻 · 幸福一村` for select boxes."""
    day = row["date"]
    day = day.date() if hasattr(day, "date") else day
    community = community_names.get(str(row.get("community_id")), "")
    parts = [i18n.fmt_date(day, lang) if pd.notna(day) else "", str(row["title"])]
    if community:
        parts.append(community)
    return " · ".join(p for p in parts if p)


def totals_by_event(records: pd.DataFrame) -> pd.DataFrame:
    """event_id -> attendees, hours (live records only)."""
    if records.empty:
        return pd.DataFrame(
            {"attendees": pd.Series(dtype="int64"), "hours": pd.Series(dtype=float)}
        )
    grouped = records.dropna(subset=["event_id"]).groupby("event_id")
    return pd.DataFrame(
        {"attendees": grouped["volunteer_id"].nunique(), "hours": grouped["hours"].sum()}
    )


def listing(frames: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """Every live event with labels and its attendance totals, newest first."""
    ev = frames["events"]
    sums = totals_by_event(frames["service_records"])
    out = pd.DataFrame(
        {
            "id": ev["id"],
            "date": ev["date"].dt.date,
            "title": ev["title"],
            "time": (ev["start_time"].fillna("") + "–" + ev["end_time"].fillna("")).str.strip("–"),
            "community": label_column(ev["community_id"], titles(frames, "communities")),
            "location": ev["location"].fillna(""),
            "programme": label_column(ev["programme_id"], titles(frames, "programmes")),
            "team": label_column(ev["team_id"], titles(frames, "teams")),
            "category": label_column(ev["category"], choice_map("events", "category", lang)),
            "status_label": label_column(ev["status"], choice_map("events", "status", lang)),
            "community_id": ev["community_id"],
            "programme_id": ev["programme_id"],
            "team_id": ev["team_id"],
            "status": ev["status"],
        }
    )
    out["attendees"] = out["id"].map(sums["attendees"]).fillna(0).astype("int64")
    out["hours"] = out["id"].map(sums["hours"]).fillna(0.0).astype(float)
    return out.sort_values(["date", "title"], ascending=[False, True]).reset_index(drop=True)


def filter_events(
    df: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
    community_id: str | None = None,
    programme_id: str | None = None,
    team_id: str | None = None,
    status: str | None = None,
    text: str = "",
) -> pd.DataFrame:
    """The rows of `listing()` that pass every filter given (None = no filter)."""
    mask = pd.Series(True, index=df.index)
    if start is not None:
        mask &= df["date"] >= start
    if end is not None:
        mask &= df["date"] <= end
    for column, value in (
        ("community_id", community_id),
        ("programme_id", programme_id),
        ("team_id", team_id),
        ("status", status),
    ):
        if value:
            mask &= df[column] == value
    if text.strip():
        mask &= df["title"].str.contains(text.strip(), regex=False, na=False) | df[
            "location"
        ].str.contains(text.strip(), regex=False, na=False)
    return df[mask]


RECENT_DAYS = 92  # the record form offers about a quarter of events; older ones via their page


def recordable(
    frames: dict[str, pd.DataFrame],
    today: dt.date,
    lang: str,
    days_back: int = RECENT_DAYS,
    include: str | None = None,
) -> dict[str, str]:
    """id -> label of events one may record attendance for: not cancelled, recent.

    Past and today's events first (newest on top), then planned ones, so the usual choice, an
    event that just happened, is at the top of the list. `include` adds one older event (the
    one a coordinator came from, "record hours for this event").
    """
    ev = frames["events"]
    if ev.empty:
        return {}
    day = ev["date"].dt.date
    keep = (ev["status"] != "cancelled") & (
        (day >= today - dt.timedelta(days=days_back)) | (ev["id"] == include)
    )
    ev = ev[keep].assign(_day=day[keep], _future=day[keep] > today)
    ev = pd.concat(
        [
            ev[~ev["_future"]].sort_values("_day", ascending=False),
            ev[ev["_future"]].sort_values("_day"),
        ]
    )
    dates = {d: i18n.fmt_date(d, lang) for d in ev["_day"].unique()}  # babel once per day
    community = ev["community_id"].map(titles(frames, "communities")).astype("string")
    label = ev["_day"].map(dates) + " · " + ev["title"].fillna("") + (" · " + community).fillna("")
    return dict(zip(ev["id"], label, strict=True))


def attendance(frames: dict[str, pd.DataFrame], event_id: str) -> pd.DataFrame:
    """One event's live service records with the volunteer's name and masked phone."""
    rec = frames["service_records"]
    rec = rec[rec["event_id"] == event_id]
    vols = frames["volunteers"].set_index("id")
    names = vols["name"] if not vols.empty else pd.Series(dtype="string")
    phones = vols["mobile"].map(mask_phone) if not vols.empty else pd.Series(dtype="string")
    return pd.DataFrame(
        {
            "record_id": rec["id"],
            "volunteer_id": rec["volunteer_id"],
            "name": rec["volunteer_id"].map(names).astype("string").fillna(rec["volunteer_id"]),
            "mobile": rec["volunteer_id"].map(phones).astype("string").fillna(""),
            "hours": rec["hours"],
            "content": rec["content"].fillna(""),
            "recorder": rec["recorder"].fillna(""),
        }
    ).reset_index(drop=True)


def cancel(store: Store, event_id: str, expected_version: int, actor: Actor) -> Row:
    """Mark an event cancelled; its records stay (archive them separately if wrong)."""
    return store.update("events", event_id, {"status": "cancelled"}, expected_version, actor)
