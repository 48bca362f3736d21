"""Recording an event's attendance (记录活动): the checks, the one transaction, and its undo.

An entry (a new event, if one is typed in, and everyone's service record) is ONE
`store.transact`, so it is saved entirely or not at all: a refused record leaves no event
behind. Before the transaction the rules are checked here against the frames already read, so
a refusal names the person; the store checks them again, authoritatively, inside the
transaction against the data as it is then (another session may have written meanwhile), and
its problems are translated back to names too. Undo archives exactly the rows that were saved,
at the versions they were saved with, in one transaction as well.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pypinyin import Style, lazy_pinyin

from sltcore import clock, i18n
from sltcore.auth import Actor
from sltcore.codec import row_from_frame
from sltcore.errors import DeskError, NotFoundError, ValidationError
from sltcore.identity import ascii_digits
from sltcore.privacy import mask
from sltcore.refs import titles
from sltcore.schema import table
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction
from sltcore.validation import MAX_HOURS_PER_DAY, clean_row


@dataclass(frozen=True)
class Refusal:
    """One reason the entry was refused, naming the person when it is about one."""

    name: str | None
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        body = self.zh if lang == "zh" else self.en
        if not self.name:
            return body
        return f"{self.name}：{body}" if lang == "zh" else f"{self.name}: {body}"


class AttendanceRefused(DeskError):
    """Nothing was written; `refusals` says who and why."""

    def __init__(self, refusals: Sequence[Refusal]) -> None:
        self.refusals = list(refusals)
        super().__init__(
            "\n".join(f"- {r.message('zh')}" for r in self.refusals),
            "\n".join(f"- {r.message('en')}" for r in self.refusals),
        )


@dataclass(frozen=True)
class Saved:
    """What one entry wrote: enough to report it and to undo exactly it."""

    event_id: str
    event_title: str
    event_created: bool
    event_version: int
    record_versions: dict[str, int] = field(default_factory=dict)
    total_hours: float = 0.0

    @property
    def count(self) -> int:
        return len(self.record_versions)


def _refusal(name: str | None, key: str, **kw: Any) -> Refusal:
    def text(lang: str) -> str:
        values = {
            k: (i18n.fmt_date(v, lang) if isinstance(v, dt.date) else v) for k, v in kw.items()
        }
        values = {
            k: (i18n.fmt_number(v, lang, 2) if isinstance(v, float) else v)
            for k, v in values.items()
        }
        return i18n.t(key, lang, **values)

    return Refusal(name, text("zh"), text("en"))


# --- who can be picked ---------------------------------------------------------------------


def team_names_by_volunteer(frames: Mapping[str, pd.DataFrame]) -> pd.Series:
    """volunteer_id -> '队伍甲、队伍乙' (live memberships of live teams)."""
    tm, teams = frames["team_members"], frames["teams"]
    if tm.empty or teams.empty:
        return pd.Series(dtype="string")
    names = tm["team_id"].map(teams.set_index("id")["name"])
    joined = pd.DataFrame({"v": tm["volunteer_id"], "n": names}).dropna()
    return joined.groupby("v")["n"].agg("、".join)


def attendee_options(
    frames: Mapping[str, pd.DataFrame], ids: Sequence[str] | None = None
) -> dict[str, str]:
    """volunteer id -> `张三 · 138****5678 · 幸福一村 · 幸福一村治安维护志愿服务队`, by name.

    The label shows what tells two people apart (masked phone, community, teams). With `ids`
    only those volunteers (live ones) are labelled, in that order.
    """
    vols = frames["volunteers"]
    if vols.empty:
        return {}
    if ids is not None:
        vols = vols.set_index("id", drop=False).reindex(list(ids)).dropna(subset=["id"])
    community = vols["community_id"].map(titles(frames, "communities")).astype("string")
    teams = vols["id"].map(team_names_by_volunteer(frames)).astype("string")
    label = (
        vols["name"].fillna("")
        + " · "
        + vols["mobile"].map(lambda v: mask("phone", v)).fillna("")
        + (" · " + community).fillna("")
        + (" · " + teams).fillna("")
    )
    order = range(len(vols)) if ids is not None else vols["name"].fillna("").argsort(kind="stable")
    return dict(zip(vols["id"].to_numpy()[order], label.to_numpy()[order], strict=True))


@functools.lru_cache(maxsize=100_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name: 王秀英 -> ("wangxiuying", "wxy"). Cached per name,
    since pypinyin costs about 0.1 ms a name and a register is searched on every keystroke."""
    full = "".join(lazy_pinyin(name, errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full, initials


_ID_SUFFIX = re.compile(r"\d{4,17}[0-9Xx]?|\d{3,17}[Xx]")


def search(
    frames: Mapping[str, pd.DataFrame],
    query: str,
    active_only: bool = True,
    id_digits: bool = False,
) -> list[str]:
    """Volunteer ids matching part of a name, its pinyin or initials (wxy finds 王秀英), a
    phone suffix, part of a team's name, and, when `id_digits` (the account may see full ID
    numbers), the last digits of an ID number.

    Sorted by name. `active_only` leaves out paused and departed volunteers, who are not
    offered for new service records.
    """
    q = ascii_digits(query).strip()
    vols = frames["volunteers"]
    if not q or vols.empty:
        return []
    mask = vols["name"].str.contains(q, regex=False, na=False)
    if q.isdigit():
        mask |= vols["mobile"].str.endswith(q, na=False)
    if id_digits and _ID_SUFFIX.fullmatch(q):
        mask |= vols["id_number"].str.upper().str.endswith(q.upper(), na=False)
    if q.isascii() and q.isalpha():
        keys = vols["name"].fillna("").map(pinyin_keys)
        low = q.lower()
        mask |= keys.map(lambda k: low in k[0] or k[1].startswith(low)).astype(bool)
    teams = frames["teams"]
    hit_teams = teams.loc[teams["name"].str.contains(q, regex=False, na=False), "id"]
    if len(hit_teams):
        tm = frames["team_members"]
        mask |= vols["id"].isin(tm.loc[tm["team_id"].isin(hit_teams), "volunteer_id"])
    if active_only:
        mask &= vols["status"].fillna("active") == "active"
    return vols.loc[mask].sort_values("name", kind="stable")["id"].tolist()


# --- the rules, checked before writing -----------------------------------------------------


def check(
    frames: Mapping[str, pd.DataFrame],
    event: Mapping[str, Any],
    attendees: Sequence[tuple[str, float | None]],
    names: Mapping[str, str],
    archived: set[str],
    today: dt.date | None = None,
) -> list[Refusal]:
    """Every reason this entry cannot be saved, each naming the person it is about.

    `event` holds canonical values (`date`, `status`, and `id` for a stored event); `names`
    maps every attendee id to a name; `archived` are attendees whose record is archived.
    """
    today = today or clock.today()
    out: list[Refusal] = []
    day = event.get("date")
    if not attendees:
        out.append(_refusal(None, "record.rule.no_attendees"))
    if isinstance(day, dt.date) and day > today:
        # Only service that happened can be counted (管理办法 art. 14: actual service time).
        out.append(_refusal(None, "record.rule.future", date=day))
    if event.get("status") == "cancelled":
        out.append(_refusal(None, "record.rule.cancelled"))
    counts = Counter(v for v, _ in attendees)
    rec = frames["service_records"]
    same_day = pd.Series(dtype=float)
    if isinstance(day, dt.date) and not rec.empty:
        on_day = rec[rec["date"].dt.date == day]
        same_day = on_day.groupby("volunteer_id")["hours"].sum()
    earlier = pd.Series(dtype=float)
    if event.get("id") and not rec.empty:
        earlier = rec[rec["event_id"] == event["id"]].groupby("volunteer_id")["hours"].sum()
    reported: set[str] = set()
    for vid, hours in attendees:
        name = names.get(vid) or vid
        if vid not in names:
            out.append(_refusal(vid, "record.rule.unknown"))
            continue
        if vid in archived:
            out.append(_refusal(name, "record.rule.archived"))
        if counts[vid] > 1 and vid not in reported:
            reported.add(vid)
            out.append(_refusal(name, "record.rule.twice_list"))
        if vid in earlier.index:
            out.append(_refusal(name, "record.rule.already", hours=float(earlier[vid])))
        if hours is None or pd.isna(hours):
            out.append(_refusal(name, "record.rule.hours_missing"))
            continue
        if hours <= 0:
            out.append(_refusal(name, "record.rule.hours_positive", hours=float(hours)))
            continue
        before = float(same_day.get(vid, 0.0))
        if before + hours > MAX_HOURS_PER_DAY + 1e-9 and isinstance(day, dt.date):
            # At most 24 hours a person a day, counting what is already recorded.
            out.append(
                _refusal(
                    name,
                    "record.rule.day_limit",
                    date=day,
                    before=before,
                    hours=float(hours),
                    total=before + float(hours),
                )
            )
    return out


def _names_and_archived(
    store: Store, frames: Mapping[str, pd.DataFrame], ids: Sequence[str]
) -> tuple[dict[str, str], set[str]]:
    vols = frames["volunteers"]
    live = dict(zip(vols["id"], vols["name"].fillna(""), strict=True)) if not vols.empty else {}
    names = {v: live[v] for v in ids if v in live}
    archived: set[str] = set()
    for vid in set(ids) - set(names):
        row = store.get("volunteers", vid)  # archived since the list was read, or never existed
        if row is not None:
            names[vid] = row.get("name") or vid
            if row.get("archived"):
                archived.add(vid)
    return names, archived


def _named_store_problems(err: ValidationError, names: Sequence[str]) -> list[Refusal]:
    """The store's own refusal (another session wrote in between), rewritten with names."""
    out = []
    t = table("service_records")
    for p in err.problems:
        who = names[p.row - 1] if p.row and 0 < p.row <= len(names) else None
        label_zh = t.field(p.field).zh if p.field and t.has(p.field) else ""
        label_en = t.field(p.field).en if p.field and t.has(p.field) else ""
        out.append(
            Refusal(
                who,
                f"{label_zh}：{p.zh}" if label_zh else p.zh,
                f"{label_en}: {p.en}" if label_en else p.en,
            )
        )
    return out


# --- the write and its undo ----------------------------------------------------------------


def event_row(frames: Mapping[str, pd.DataFrame], event_id: str) -> dict[str, Any]:
    """The stored event as canonical values (raises NotFoundError when it is gone)."""
    ev = frames["events"]
    hit = ev[ev["id"] == event_id]
    if hit.empty:
        raise NotFoundError("events", event_id)
    return row_from_frame(table("events"), hit.iloc[0].to_dict())


def _new_event_fields(new_event: Mapping[str, Any]) -> tuple[dict[str, Any], list[Refusal]]:
    """The typed event's fields, checked like the store will, as refusals naming the field."""
    raw = {"status": "done", **dict(new_event)}
    if isinstance(raw.get("date"), pd.Timestamp):
        raw["date"] = raw["date"].date()
    t = table("events")
    row, problems = clean_row(t, raw, None)
    out = []
    for p in problems:
        f = t.field(p.field) if p.field and t.has(p.field) else None
        out.append(Refusal(None, f"{f.zh}：{p.zh}" if f else p.zh,
                           f"{f.en}: {p.en}" if f else p.en))  # fmt: skip
    event = {k: v for k, v in raw.items() if k in t.keys} if problems else row
    return event, out


def _same_key(event: Mapping[str, Any]) -> tuple[str, Any, Any]:
    return (str(event.get("title") or "").strip(), event.get("date"), event.get("community_id"))


def duplicates_of(frames: Mapping[str, pd.DataFrame], event: Mapping[str, Any]) -> list[str]:
    """Live, not cancelled events with the same title, date and community as `event`: saving
    a second one would credit the same people twice for one activity."""
    ev = frames["events"]
    if ev.empty or not _same_key(event)[0]:
        return []
    title, day, community = _same_key(event)
    hit = ev[
        (ev["title"].fillna("").str.strip() == title)
        & (ev["date"].dt.date == day)
        & (ev["community_id"] == community)
        & (ev["status"] != "cancelled")
    ]
    return hit["id"].tolist()


def _same_events(tx: Transaction, event: Mapping[str, Any]) -> list[str]:
    title, day, community = _same_key(event)
    return [
        e["id"]
        for e in tx.select("events", date=day, community_id=community)
        if str(e.get("title") or "").strip() == title and e.get("status") != "cancelled"
    ]


def over_duration(
    event: Mapping[str, Any], attendees: Sequence[tuple[str, float | None]]
) -> tuple[float | None, list[tuple[str, float]]]:
    """The event's duration and who is given more hours than it lasted (travel is not
    service time: 《中国注册志愿者管理办法》 art. 14), for the user to confirm."""
    from sltcore.services.events import duration_hours

    duration = duration_hours(event.get("start_time"), event.get("end_time"))
    if not duration:
        return None, []
    return duration, [(v, float(h)) for v, h in attendees if h and h > duration + 1e-9]


def confirmations(
    frames: Mapping[str, pd.DataFrame],
    event: Mapping[str, Any],
    attendees: Sequence[tuple[str, float | None]],
    names: Mapping[str, str],
    is_new: bool,
) -> list[str]:
    """What the user must confirm before this (valid) entry is saved."""
    out = []
    if is_new and duplicates_of(frames, event):
        out.append("duplicate")
    if over_duration(event, attendees)[1]:
        out.append("over_duration")
    return out


class NeedsConfirmation(DeskError):
    """Valid, but it looks like a mistake; nothing was written. `kinds` are what to confirm:
    "duplicate" (an event like this exists: `duplicate_ids`), "over_duration" (`over`:
    (name, hours) above the event's `duration`)."""

    def __init__(
        self,
        frames: Mapping[str, pd.DataFrame],
        event: Mapping[str, Any],
        attendees: Sequence[tuple[str, float | None]],
        names: Mapping[str, str],
        is_new: bool,
        duplicate_ids: Sequence[str] | None = None,
    ) -> None:
        self.duplicate_ids = list(
            duplicate_ids if duplicate_ids is not None else
            (duplicates_of(frames, event) if is_new else [])
        )  # fmt: skip
        self.duration, over = over_duration(event, attendees)
        self.over = [(names.get(v, v), h) for v, h in over]
        self.kinds = (["duplicate"] if self.duplicate_ids else []) + (
            ["over_duration"] if self.over else []
        )
        super().__init__(self._text("zh", event), self._text("en", event))

    def _text(self, lang: str, event: Mapping[str, Any]) -> str:
        lines = []
        if self.duplicate_ids:
            day = event.get("date")
            when = i18n.fmt_date(day, lang) if isinstance(day, dt.date) else ""
            lines.append(i18n.t("record.confirm.duplicate", lang, date=when,
                                title=str(event.get("title") or "")))  # fmt: skip
        if self.over:
            who = ("、" if lang == "zh" else ", ").join(
                f"{n} {i18n.fmt_hours(h, lang)}" for n, h in self.over
            )
            lines.append(i18n.t("record.confirm.over", lang, people=who,
                                duration=i18n.fmt_hours(self.duration or 0, lang)))  # fmt: skip
        return "\n\n".join(lines)


def record(
    store: Store,
    frames: Mapping[str, pd.DataFrame],
    attendees: Sequence[tuple[str, float | None]],
    actor: Actor,
    *,
    event_id: str | None = None,
    new_event: Mapping[str, Any] | None = None,
    service_object: str | None = None,
    content: str | None = None,
    recorder: str | None = None,
    today: dt.date | None = None,
    confirmed: Collection[str] = (),
) -> Saved:
    """Save one event's attendance; raises AttendanceRefused (nothing written) on any rule.

    Either `event_id` (a stored event) or `new_event` (its fields, created here) is given;
    neither is a refusal like any other ("choose an event"), reported with all the others.
    An entry that is valid but looks wrong raises NeedsConfirmation, nothing written, until
    the user confirms it (`confirmed` holds "duplicate" and/or "over_duration").
    `frames` serve the friendly check that names people; the write is one transaction that
    creates the new event (if any) and appends every record, so a record the store refuses
    leaves no event behind. A stored event is read inside the transaction: the records copy
    its date and community as they are then, and a cancelled one is refused.
    """
    if event_id is not None and new_event is not None:
        raise ValueError("give at most one of event_id and new_event")
    refusals: list[Refusal] = []
    if event_id is not None:
        event = event_row(frames, event_id)
    elif new_event is not None:
        event, found = _new_event_fields(new_event)
        refusals += found
    else:
        event = {}
        refusals.append(_refusal(None, "record.pick_event"))
    ids = [v for v, _ in attendees]
    names, archived = _names_and_archived(store, frames, ids)
    refusals += check(frames, event, attendees, names, archived, today)
    if refusals:  # every problem of the form at once, not one round at a time
        raise AttendanceRefused(refusals)
    questions = set(confirmations(frames, event, attendees, names, new_event is not None))
    if questions - set(confirmed):
        raise NeedsConfirmation(frames, event, attendees, names, new_event is not None)
    recorded_by = recorder or actor.display_name or actor.username

    def write(tx: Transaction) -> tuple[Row, bool, list[Row]]:
        if new_event is not None:
            if "duplicate" not in confirmed and (same := _same_events(tx, event)):
                # Created by someone else since the form was read: ask again, with that event.
                raise NeedsConfirmation(frames, event, attendees, names, True, same)
            ev = tx.append("events", [event])[0]
        else:
            ev = tx.get("events", str(event_id))
            if ev is None or ev.get("archived"):  # archived since the form was read
                raise NotFoundError("events", str(event_id))
            if ev.get("status") == "cancelled":  # cancelled since the form was read
                raise AttendanceRefused([_refusal(None, "record.rule.cancelled")])
        rows = [
            {
                "volunteer_id": vid,
                "event_id": ev["id"],
                "date": ev["date"],
                "hours": float(hours or 0),
                "community_id": ev.get("community_id"),
                "place": ev.get("location"),
                "service_object": service_object or ev.get("service_object"),
                "content": content or ev.get("content") or ev.get("title"),
                "person_in_charge": ev.get("person_in_charge"),
                "recorder": recorded_by,
                "confirmed": True,
            }
            for vid, hours in attendees
        ]
        return ev, new_event is not None, tx.append("service_records", rows)

    try:
        ev, created, stored = store.transact(actor, write)
    except ValidationError as err:
        if not any(p.table == "service_records" for p in err.problems):
            raise  # the new event's own fields: the form names them
        raise AttendanceRefused(_named_store_problems(err, [names.get(v, v) for v in ids])) from err
    return Saved(
        event_id=str(ev["id"]),
        event_title=str(ev.get("title") or ""),
        event_created=created,
        event_version=int(ev["version"]) if created else 0,
        record_versions={r["id"]: int(r["version"]) for r in stored},
        total_hours=float(sum(r["hours"] for r in stored)),
    )


def undo(store: Store, saved: Saved, actor: Actor) -> int:
    """Archive exactly the records `saved` wrote, and the event if it made one, in one
    transaction: a record someone changed since (ConflictError) leaves everything as it was.

    An event made by the entry is archived with its records unless others have recorded
    attendance at it since: their records stay counted, so the event they belong to stays.
    """

    def write(tx: Transaction) -> int:
        rows = tx.set_archived("service_records", saved.record_versions, True)
        if saved.event_created and not tx.select("service_records", event_id=saved.event_id):
            tx.archive("events", saved.event_id, saved.event_version)
        return len(rows)

    return store.transact(actor, write)


# --- correcting one person's record afterwards ---------------------------------------------


def correct(
    store: Store,
    record_id: str,
    expected_version: int,
    actor: Actor,
    *,
    hours: float | None,
    content: str | None,
) -> dict[str, Any]:
    """Correct one person's hours or service content; the store validates it (hours > 0, at
    most 24 a day counting the person's other records) and refuses a record someone else
    changed since it was read (ConflictError), so nobody's correction is overwritten."""
    changes = {"hours": hours, "content": (content or "").strip() or None}
    return store.transact(
        actor, lambda tx: tx.update("service_records", record_id, changes, expected_version)
    )


def remove(store: Store, record_id: str, expected_version: int, actor: Actor) -> dict[str, Any]:
    """Archive one person's record (kept in the history, no longer counted)."""
    return store.transact(
        actor, lambda tx: tx.archive("service_records", record_id, expected_version)
    )
