"""Events (活动): durations, the filtered list with attendance totals, one event's attendance,
and the changes to an event that its service records must follow.

A service record copies its event's date and community when it is written, and every count
(dashboard, stars, certificates) reads the records, not the event. So editing an event's date
or community moves its live records with it, and cancelling archives them; nothing is deleted.
Each such change is ONE transaction (the event and its records together, all or nothing), and
which records follow is decided inside it from the data as it is then, so a record someone
added after the page was read follows too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sltcore import auth, clock, i18n
from sltcore.auth import Actor
from sltcore.errors import ConflictError, DeskError, NotFoundError, ValidationError
from sltcore.privacy import mask
from sltcore.refs import choice_map, label_column, titles
from sltcore.schema import SYSTEM_KEYS, table
from sltcore.services import hours
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction
from sltcore.validation import clean_row

CARRIED = ("date", "community_id")  # what a service record copies from its event


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
    registration rules), which the coordinator can change per person. An end before the start
    is the next day (a 22:00-06:00 night patrol is 8 hours); equal times give no duration.
    """
    a, b = _as_time(start), _as_time(end)
    if a is None or b is None:
        return None
    minutes = (b.hour * 60 + b.minute) - (a.hour * 60 + a.minute)
    if minutes == 0:
        return None
    if minutes < 0:
        minutes += 24 * 60
    return round(minutes / 15) / 4


def ends_next_day(start: Any, end: Any) -> bool:
    """The event runs past midnight (its end time is before its start time)."""
    a, b = _as_time(start), _as_time(end)
    return a is not None and b is not None and b < a


def time_range(start: Any, end: Any, lang: str) -> str:
    """`22:00–次日06:00` ('HH:MM' or time); '' when either is missing."""
    a, b = _as_time(start), _as_time(end)
    if a is None or b is None:
        return ""
    until = f"{b:%H:%M}"
    if b < a:
        until = i18n.t("events.next_day", lang, time=until)
    return f"{a:%H:%M}–{until}"


def totals_by_event(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """event_id -> attendees (live volunteers with a live record), the hours that count
    (`sltcore.services.hours`), and the `unconfirmed` hours still waiting for the organiser."""
    counted, pending = hours.split(frames)
    if counted.empty and pending.empty:
        empty = pd.Series(dtype=float)
        return pd.DataFrame(
            {"attendees": pd.Series(dtype="int64"), "hours": empty, "unconfirmed": empty}
        )
    people = pd.concat([counted, pending]).dropna(subset=["event_id"])
    return pd.DataFrame(
        {
            "attendees": people.groupby("event_id")["volunteer_id"].nunique(),
            "hours": counted.dropna(subset=["event_id"]).groupby("event_id")["hours"].sum(),
            "unconfirmed": pending.dropna(subset=["event_id"]).groupby("event_id")["hours"].sum(),
        }
    ).fillna({"attendees": 0, "hours": 0.0, "unconfirmed": 0.0})


def listing(frames: dict[str, pd.DataFrame], lang: str) -> pd.DataFrame:
    """Every live event with labels and its attendance totals, newest first."""
    ev = frames["events"]
    sums = totals_by_event(frames)
    start, end = ev["start_time"].fillna(""), ev["end_time"].fillna("")
    next_day = (start != "") & (end != "") & (end < start)  # 'HH:MM' sorts as text
    end = end.mask(next_day, end.map(i18n.t("events.next_day", lang, time="{}").format))
    out = pd.DataFrame(
        {
            "id": ev["id"],
            "date": ev["date"].dt.date,
            "title": ev["title"],
            "time": (start + "–" + end).str.strip("–"),
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


STATUS_ORDER = ("done", "planned", "cancelled")


def status_counts(df: pd.DataFrame, today: dt.date) -> dict[str, int]:
    """How many rows of `listing()` have each status, and how many lie after `today` (the
    dashboard counts done and planned events up to today: this is what tells them apart)."""
    counts = df["status"].value_counts()
    out = {k: int(counts.get(k, 0)) for k in STATUS_ORDER}
    out["after_today"] = int((df["date"] > today).sum())
    return out


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
    if ev.empty:  # only older or cancelled events
        return {}
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


def attendance(frames: Mapping[str, pd.DataFrame], event_id: str) -> pd.DataFrame:
    """One event's live service records with the volunteer's name and masked phone, each
    record's version (to correct or archive it), and whether the organiser confirmed it (an
    unconfirmed record's hours do not count yet, `sltcore.services.hours`)."""
    rec = frames["service_records"]
    rec = rec[rec["event_id"] == event_id]
    vols = frames["volunteers"].set_index("id")
    names = vols["name"] if not vols.empty else pd.Series(dtype="string")
    phones = vols["mobile"].map(lambda v: mask("phone", v)) if not vols.empty else names
    return pd.DataFrame(
        {
            "record_id": rec["id"],
            "version": rec["version"].astype("int64"),
            "volunteer_id": rec["volunteer_id"],
            "name": rec["volunteer_id"].map(names).astype("string").fillna(rec["volunteer_id"]),
            "mobile": rec["volunteer_id"].map(phones).astype("string").fillna(""),
            "hours": rec["hours"],
            "content": rec["content"].fillna(""),
            "recorder": rec["recorder"].fillna(""),
            "confirmed": hours.confirmed(rec),
        }
    ).reset_index(drop=True)


@dataclass(frozen=True)
class EventChange:
    """What an event change wrote: the event, and how many of its records followed it."""

    event: Row
    records_moved: int = 0
    records_archived: int = 0
    records_restored: int = 0


class EventChangeRefused(DeskError):
    """The event's records could not follow the change, so nothing was written."""


def _live_records(frames: Mapping[str, pd.DataFrame], event_id: str) -> pd.DataFrame:
    rec = frames["service_records"]
    return rec[rec["event_id"] == event_id]


def records_count(frames: Mapping[str, pd.DataFrame], event_id: str) -> tuple[int, float]:
    """How many live records an event has and their hours (what a change or cancel touches)."""
    rec = _live_records(frames, event_id)
    return len(rec), float(rec["hours"].sum()) if len(rec) else 0.0


def _current(tx: Transaction, event_id: str, expected_version: int) -> Row:
    """The stored event as the transaction sees it; refused (nothing written) when it is gone
    or someone changed it since the form was drawn."""
    current = tx.get("events", event_id)
    if current is None or current.get("archived"):
        raise NotFoundError("events", event_id)
    if int(current["version"]) != int(expected_version):
        raise ConflictError("events", event_id, int(expected_version), int(current["version"]))
    return current


def _refused(key: str, lines: Sequence[tuple[str, str]] = (), **kw: Any) -> EventChangeRefused:
    """A refusal in both languages: the sentence for `key`, then one line per problem."""

    def text(lang: str) -> str:
        values = {k: i18n.fmt_date(v, lang) if isinstance(v, dt.date) else v for k, v in kw.items()}
        return i18n.t(key, lang, **values)

    zh, en = text("zh"), text("en")
    if lines:
        zh += "\n\n" + "\n".join(f"- {z}" for z, _ in lines)
        en += "\n\n" + "\n".join(f"- {e}" for _, e in lines)
    return EventChangeRefused(zh, en)


def _named(err: ValidationError, names: Sequence[str]) -> list[tuple[str, str]]:
    """The store's problems with a batch of records, (zh, en) each, naming the person."""
    out: list[tuple[str, str]] = []
    for p in err.problems:
        at = p.row if p.row is not None else (1 if len(names) == 1 else None)
        who = names[at - 1] if at and 0 < at <= len(names) else ""
        t = table(p.table)
        field = t.field(p.field) if p.field and t.has(p.field) else None
        zh = f"{field.zh}：{p.zh}" if field else p.zh
        en = f"{field.en}: {p.en}" if field else p.en
        out.append((f"{who}：{zh}" if who else zh, f"{who}: {en}" if who else en))
    return out


def _names(tx: Transaction, records: Sequence[Row]) -> list[str]:
    """The volunteers' names of `records`, in order, to name them in a refusal."""
    out = []
    for r in records:
        vol = tx.get("volunteers", r["volunteer_id"]) or {}
        out.append(str(vol.get("name") or r["volunteer_id"]))
    return out


def update_event(
    store: Store,
    frames: Mapping[str, pd.DataFrame],
    event_id: str,
    changes: Mapping[str, Any],
    expected_version: int,
    actor: Actor,
    today: dt.date | None = None,
) -> EventChange:
    """Change an event; its live service records follow a new date or community, and are
    archived when the change cancels it. Raises, with nothing written, when the records cannot
    follow (e.g. a date after today for an event that has records: only service that happened
    counts, 管理办法第十四条), when the event changed since `expected_version`, or when a
    record is refused (24 hours a day, permissions...), naming the person.

    One transaction: the event and every record, all or nothing. `frames` (what the page
    showed) decide nothing here: the records are selected inside the transaction, so those
    added since the page was read follow too.
    """
    today = today or clock.today()
    et = table("events")
    reopening = changes.get("status") not in (None, "cancelled")
    stored = store.get("events", event_id) if reopening else None
    was_cancelled = stored is not None and stored.get("status") == "cancelled"
    if was_cancelled:
        auth.require(actor, "restore")  # setting a cancelled event back is a restore
    # Which records the cancellation archived is read from the audit log before the action;
    # each is checked again inside it.
    cancelled = cancelled_records(store, event_id) if was_cancelled else []

    def write(tx: Transaction) -> EventChange:
        current = _current(tx, event_id, expected_version)
        merged = {f.key: current.get(f.key) for f in et.user_fields}
        merged.update({k: v for k, v in changes.items() if k not in SYSTEM_KEYS})
        new, problems = clean_row(et, merged, None)
        if problems:
            raise ValidationError(problems)
        if new.get("status") == "cancelled" and current.get("status") != "cancelled":
            return _cancel(tx, current, changes)
        restored = 0
        if current.get("status") == "cancelled" and new.get("status") != "cancelled":
            auth.require(actor, "restore")  # decided on the event as it is now
            if not was_cancelled:  # cancelled since it was read: its records were not looked up
                raise ConflictError("events", event_id, expected_version, current["version"])
            restored = _restore_records(tx, event_id, cancelled)
        moved = {k: new.get(k) for k in CARRIED if new.get(k) != current.get(k)}
        rec = tx.select("service_records", event_id=event_id) if moved else []
        if rec:
            day = moved.get("date")
            if isinstance(day, dt.date) and day > today:
                raise _refused("events.change.future", count=len(rec), date=day)
            try:
                tx.update_many(
                    "service_records", {r["id"]: (moved, int(r["version"])) for r in rec}
                )
            except ValidationError as err:
                lines = _named(err, _names(tx, rec))
                raise _refused("events.change.refused", lines, count=len(rec)) from err
        event = tx.update("events", event_id, changes, expected_version)
        return EventChange(event, records_moved=len(rec), records_restored=restored)

    return store.transact(actor, write)


def cancelled_records(store: Store, event_id: str) -> list[str]:
    """The service records the event's last cancellation archived: the audit rows of one
    action share an `action_id`, so they are exactly the records archived by the action that
    set the status to cancelled (not records archived before, for another reason)."""
    from sltcore.services import history

    rec = store.read("service_records", include_archived=True)
    ids = set(rec.loc[rec["event_id"] == event_id, "id"])
    log = history.audit_for(store, {event_id, *ids})
    if log.empty:
        return []
    cancels = [
        r.action_id
        for r in log.itertuples(index=False)
        if r.row_id == event_id and r.action == "update" and _sets_cancelled(r.changes)
    ]
    if not cancels or not cancels[-1]:
        return []
    hit = log[
        (log["action_id"] == cancels[-1])
        & (log["table_name"] == "service_records")
        & (log["action"] == "archive")
    ]
    return list(dict.fromkeys(hit["row_id"]))


def _sets_cancelled(changes: object) -> bool:
    import json

    try:
        detail = json.loads(changes) if isinstance(changes, str) else {}
    except ValueError:
        return False
    pair = detail.get("status") if isinstance(detail, dict) else None
    return isinstance(pair, list) and len(pair) == 2 and pair[1] == "cancelled"


def _restore_records(tx: Transaction, event_id: str, record_ids: Sequence[str]) -> int:
    """Bring back, inside the caller's transaction, those of `record_ids` that are still
    archived and still belong to the event (each checked again: 24 hours a day...)."""
    versions = {}
    for rid in record_ids:
        row = tx.get("service_records", rid)
        if row is not None and row.get("archived") and row.get("event_id") == event_id:
            versions[rid] = int(row["version"])
    if not versions:
        return 0
    try:
        return len(tx.set_archived("service_records", versions, False))
    except ValidationError as err:
        lines = _named(err, _names(tx, [tx.get("service_records", r) or {} for r in versions]))
        raise _refused("events.restore.refused", lines, count=len(versions)) from err


def restore_cancelled(
    store: Store, event_id: str, expected_version: int, actor: Actor, status: str = "done"
) -> EventChange:
    """Undo a cancellation (administrators): the event gets `status` back and exactly the
    records its cancellation archived are restored, in one transaction; the same records,
    hours and totals as before it was cancelled."""
    if status == "cancelled":
        raise ValueError("restore to a status other than cancelled")
    return update_event(store, {}, event_id, {"status": status}, expected_version, actor)


def _cancel(tx: Transaction, current: Row, changes: Mapping[str, Any]) -> EventChange:
    """Archive the event's live records and mark it cancelled, inside the caller's
    transaction: the records are those live now, not those a page listed earlier."""
    rec = tx.select("service_records", event_id=current["id"])
    versions = {r["id"]: int(r["version"]) for r in rec}
    archived = tx.set_archived("service_records", versions, True) if versions else []
    event = tx.update(
        "events", current["id"], {**changes, "status": "cancelled"}, int(current["version"])
    )
    return EventChange(event, records_archived=len(archived))


def cancel(
    store: Store,
    frames: Mapping[str, pd.DataFrame],
    event_id: str,
    expected_version: int,
    actor: Actor,
) -> EventChange:
    """Cancel an event: it stays, marked cancelled, and its live service records are archived
    so they no longer count (dashboard, stars, certificates). Nothing is deleted.

    One transaction; the records archived are those live when it runs (`frames` decide
    nothing), so a record added after the page was read does not stay counted under a
    cancelled event.
    """
    return store.transact(
        actor, lambda tx: _cancel(tx, _current(tx, event_id, expected_version), {})
    )
