"""值守排班 Duty rosters: periods (the seed's holiday and major-event patrols), shifts (date,
start, end, post, community, people needed), assignments of volunteers, attendance.

Rules:

- A shift whose end time is not after its start time ends the next day (22:00-02:00 is a
  4-hour night patrol), so two shifts overlap when their intervals, taken that way, do.
- A volunteer is never assigned to two overlapping shifts (live assignments that are not
  marked absent or swapped); the refusal names the person and the other shift. Assigning
  is ONE transaction, and the volunteer's other assignments are read inside it.
- Marking attendance after a shift is ONE transaction: each assigned volunteer present
  gets a service record of the shift's length (on the shift's date, in its community),
  linked from the assignment (`record_id`); an absent one is marked absent and kept. Marking
  again creates nothing twice: a present volunteer whose record is live keeps it, and one
  now marked absent has their record archived.
- Coverage: per post and day, people assigned (not absent or swapped) against needed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from sltcore import clock
from sltcore.auth import Actor
from sltcore.errors import DeskError, NotFoundError
from sltcore.refs import titles
from sltcore.store.base import Row, Store
from sltcore.store.transaction import Transaction

Frames = Mapping[str, pd.DataFrame]
NOT_COUNTED = ("absent", "swapped")  # assignments that hold no place on the shift


class Refused(DeskError):
    """A roster action that breaks a rule; the message names the person and the shift."""


def _time(value: dt.time | str) -> dt.time:
    """A stored time (frames carry it as "HH:MM" text) as a `datetime.time`."""
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def interval(
    day: dt.date, start: dt.time | str, end: dt.time | str
) -> tuple[dt.datetime, dt.datetime]:
    """The shift as [start, end): an end not after the start is on the next day."""
    a = dt.datetime.combine(day, _time(start))
    b = dt.datetime.combine(day, _time(end))
    if b <= a:
        b += dt.timedelta(days=1)
    return a, b


def overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    """Half-open intervals: a shift ending at 08:00 and one starting at 08:00 do not overlap."""
    return a[0] < b[1] and b[0] < a[1]


def shift_hours(shift: Mapping) -> float:
    a, b = interval(_date(shift["date"]), shift["start_time"], shift["end_time"])
    return round((b - a).total_seconds() / 3600, 2)


def _date(value: object) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value  # type: ignore[return-value]


def describe(shift: Mapping) -> str:
    """`10月1日 22:00-02:00（次日） 商圈夜间巡逻`: how a message names a shift."""
    day = _date(shift["date"])
    a, b = _time(shift["start_time"]), _time(shift["end_time"])
    night = "（次日）" if interval(day, a, b)[1].date() > day else ""
    return f"{day.month}月{day.day}日 {a:%H:%M}-{b:%H:%M}{night} {shift['post']}"


@dataclass(frozen=True)
class Attendance:
    created: int  # new service records
    archived: int  # records of people now marked absent
    present: int
    absent: int


def _clash(tx: Transaction, shift: Row, vol: Row) -> str | None:
    """'on' if the volunteer already holds a place on this shift, the overlapping shift's
    description if another of their shifts overlaps it, else None."""
    mine = interval(shift["date"], shift["start_time"], shift["end_time"])
    for asg in tx.select("roster_assignments", volunteer_id=vol["id"]):
        if asg["status"] in NOT_COUNTED:
            continue
        if asg["shift_id"] == shift["id"]:
            return "on"
        other = tx.get("roster_shifts", asg["shift_id"])
        if other is None or other["archived"]:
            continue
        if overlaps(mine, interval(other["date"], other["start_time"], other["end_time"])):
            return describe(other)
    return None


def _live(tx: Transaction, table_key: str, row_id: str) -> Row:
    row = tx.get(table_key, row_id)
    if row is None or row["archived"]:
        raise NotFoundError(table_key, row_id)
    return row


def assign(store: Store, actor: Actor, shift_id: str, volunteer_ids: Collection[str]) -> list[Row]:
    """Put volunteers on a shift, all or none; already assigned ones are skipped."""

    def fn(tx: Transaction) -> list[Row]:
        shift = _live(tx, "roster_shifts", shift_id)
        problems_zh, problems_en, new = [], [], []
        for vid in dict.fromkeys(volunteer_ids):
            vol = _live(tx, "volunteers", vid)
            clash = _clash(tx, shift, vol)
            if clash is None:
                new.append({"shift_id": shift_id, "volunteer_id": vid, "status": "assigned"})
            elif clash != "on":
                problems_zh.append(f"{vol['name']}已排在{clash}，时间重叠")
                problems_en.append(f"{vol['name']} is already on {clash}")
        if problems_zh:
            raise Refused(
                f"排班：{describe(shift)}未保存。" + "；".join(problems_zh) + "。",
                f"Assignment to {describe(shift)} not saved: " + "; ".join(problems_en) + ".",
            )
        return tx.append("roster_assignments", new)

    return store.transact(actor, fn)


def _not_yet_marked(asg: Row, shift: Row, vol: Row | None) -> None:
    """A place whose attendance is marked is changed in the attendance tab, not here."""
    name = vol["name"] if vol else asg["volunteer_id"]
    if asg["status"] == "swapped":
        raise Refused(
            f"排班：{name}在{describe(shift)}的班已经调给别人了。",
            f"Assignment: {name}'s place on {describe(shift)} was already swapped.",
        )
    if asg["status"] in ("on_duty", "absent"):
        raise Refused(
            f"排班：{name}在{describe(shift)}已登记考勤，不能移出或调班；"
            "如登记有误，请在“登记到岗”中更正。",
            f"Assignment: attendance for {name} on {describe(shift)} is marked; "
            "correct it under Attendance instead.",
        )


def unassign(store: Store, actor: Actor, assignment_id: str) -> Row:
    """Take someone off a shift before it is marked (a mistaken entry, a cancellation): the
    assignment is archived, so their place is open again. One transaction."""

    def fn(tx: Transaction) -> Row:
        asg = _live(tx, "roster_assignments", assignment_id)
        shift = _live(tx, "roster_shifts", asg["shift_id"])
        _not_yet_marked(asg, shift, tx.get("volunteers", asg["volunteer_id"]))
        return tx.archive("roster_assignments", assignment_id, asg["version"])

    return store.transact(actor, fn)


def swap(store: Store, actor: Actor, assignment_id: str, volunteer_id: str) -> tuple[Row, Row]:
    """调班: someone else takes a place. The old assignment is kept as `swapped` (the roster
    shows who was replaced by whom) and the new volunteer is checked for overlaps like any
    assignment. One transaction: (the old assignment, the new one)."""

    def fn(tx: Transaction) -> tuple[Row, Row]:
        asg = _live(tx, "roster_assignments", assignment_id)
        shift = _live(tx, "roster_shifts", asg["shift_id"])
        old_vol = tx.get("volunteers", asg["volunteer_id"])
        _not_yet_marked(asg, shift, old_vol)
        vol = _live(tx, "volunteers", volunteer_id)
        clash = _clash(tx, shift, vol)
        if clash == "on":
            raise Refused(
                f"调班：{vol['name']}已经在{describe(shift)}的排班里了。",
                f"Swap: {vol['name']} is already on {describe(shift)}.",
            )
        if clash is not None:
            raise Refused(
                f"调班：{describe(shift)}未保存。{vol['name']}已排在{clash}，时间重叠。",
                f"Swap to {describe(shift)} not saved: {vol['name']} is already on {clash}.",
            )
        was = old_vol["name"] if old_vol else asg["volunteer_id"]
        old = tx.update(
            "roster_assignments",
            assignment_id,
            {"status": "swapped", "notes": f"由{vol['name']}替班"},
            asg["version"],
        )
        new = tx.append(
            "roster_assignments",
            [{"shift_id": shift["id"], "volunteer_id": volunteer_id, "status": "assigned",
              "notes": f"替{was}"}],
        )[0]  # fmt: skip
        return old, new

    return store.transact(actor, fn)


def mark_attendance(
    store: Store, actor: Actor, shift_id: str, present_ids: Collection[str]
) -> Attendance:
    """Everyone assigned to the shift is present (in `present_ids`) or absent: one transaction
    that writes the records of those present, and nothing twice when marked again."""
    present_set = set(present_ids)

    def fn(tx: Transaction) -> Attendance:
        shift = tx.get("roster_shifts", shift_id)
        if shift is None or shift["archived"]:
            raise NotFoundError("roster_shifts", shift_id)
        if shift["date"] > clock.today():
            raise Refused(
                f"考勤：{describe(shift)}还没到，不能登记到岗。",
                f"Attendance: {describe(shift)} has not happened yet.",
            )
        assignments = [
            a
            for a in tx.select("roster_assignments", shift_id=shift_id)
            if a["status"] != "swapped"
        ]
        unknown = present_set - {a["volunteer_id"] for a in assignments}
        if unknown:
            raise Refused(
                f"考勤：有 {len(unknown)} 人不在{describe(shift)}的排班里，请先排班。",
                f"Attendance: {len(unknown)} people are not assigned to {describe(shift)}.",
            )
        post = shift["post"]
        new_records, to_link, updates, to_archive = [], [], {}, {}
        for a in assignments:
            rec = tx.get("service_records", a["record_id"]) if a.get("record_id") else None
            live = rec is not None and not rec["archived"]
            if a["volunteer_id"] in present_set:
                if live:
                    if a["status"] != "on_duty":
                        updates[a["id"]] = ({"status": "on_duty"}, a["version"])
                    continue
                new_records.append(
                    {
                        "volunteer_id": a["volunteer_id"],
                        "date": shift["date"],
                        "hours": shift_hours(shift),
                        "community_id": shift["community_id"],
                        "place": post,
                        "content": f"值守：{post}",
                        "recorder": actor.display_name or actor.username,
                    }
                )
                to_link.append(a)
            else:
                if live:
                    to_archive[rec["id"]] = rec["version"]
                if a["status"] != "absent" or live:
                    updates[a["id"]] = ({"status": "absent", "record_id": None}, a["version"])
        saved = tx.append("service_records", new_records)
        for a, rec in zip(to_link, saved, strict=True):
            updates[a["id"]] = ({"status": "on_duty", "record_id": rec["id"]}, a["version"])
        if to_archive:
            tx.set_archived("service_records", to_archive, True)
        tx.update_many("roster_assignments", updates)
        present = sum(1 for a in assignments if a["volunteer_id"] in present_set)
        return Attendance(len(saved), len(to_archive), present, len(assignments) - present)

    return store.transact(actor, fn)


# --- views over the frames ----------------------------------------------------------------


def current_period(frames: Frames, today: dt.date | None = None) -> str | None:
    """The period running today, else the next one, else the latest: its id."""
    today = today or clock.today()
    p = frames["roster_periods"]
    if p.empty:
        return None
    starts, ends = p["start_date"].dt.date, p["end_date"].dt.date
    running = p[(starts <= today) & (ends >= today)]
    if len(running):
        return str(running.sort_values("start_date")["id"].iloc[0])
    coming = p[starts > today]
    if len(coming):
        return str(coming.sort_values("start_date")["id"].iloc[0])
    return str(p.sort_values("end_date")["id"].iloc[-1])


def shifts(frames: Frames, period_id: str) -> pd.DataFrame:
    """The period's shifts by date and start, with the names assigned and the filled count."""
    s = frames["roster_shifts"]
    s = s[s["period_id"] == period_id].sort_values(["date", "start_time", "post"], kind="stable")
    a = frames["roster_assignments"]
    a = a[a["shift_id"].isin(set(s["id"])) & ~a["status"].isin(NOT_COUNTED)]
    names = titles(dict(frames), "volunteers")
    people = a.groupby("shift_id")["volunteer_id"].apply(
        lambda ids: "、".join(names.get(i, i) for i in ids)
    )
    out = pd.DataFrame(
        {
            "id": s["id"],
            "date": s["date"].dt.date,
            "time": [
                describe({"date": d.date(), "start_time": st, "end_time": en, "post": ""})
                .split(" ", 1)[1]
                .strip()
                for d, st, en in zip(s["date"], s["start_time"], s["end_time"], strict=True)
            ],
            "post": s["post"],
            "community": s["community_id"].map(titles(dict(frames), "communities")),
            "needed": s["slots"].fillna(1).astype(int),
            "filled": s["id"].map(a.groupby("shift_id").size()).fillna(0).astype(int),
            "people": s["id"].map(people).fillna(""),
        }
    )
    return out.reset_index(drop=True)


def coverage(frames: Frames, period_id: str) -> pd.DataFrame:
    """Long form: one row per post and day with filled, needed and their ratio (capped at 1)."""
    df = shifts(frames, period_id)
    if df.empty:
        return pd.DataFrame(columns=["post", "date", "filled", "needed", "ratio", "gap"])
    g = df.groupby(["post", "date"], as_index=False)[["filled", "needed"]].sum()
    g["ratio"] = (g["filled"] / g["needed"]).clip(upper=1.0).round(2)
    g["gap"] = (g["needed"] - g["filled"]).clip(lower=0)
    return g


def attendance_sheet(frames: Frames, shift_id: str) -> pd.DataFrame:
    """The people on a shift (not swapped): name, status, whether a live record exists."""
    a = frames["roster_assignments"]
    a = a[(a["shift_id"] == shift_id) & (a["status"] != "swapped")]
    names = titles(dict(frames), "volunteers")
    recs = set(frames["service_records"]["id"])
    return pd.DataFrame(
        {
            "volunteer_id": a["volunteer_id"],
            "name": a["volunteer_id"].map(lambda i: names.get(i, i)),
            "status": a["status"],
            "recorded": a["record_id"].isin(recs),
        }
    ).reset_index(drop=True)


def period_coverage(frames: Frames, today: dt.date | None = None) -> dict | None:
    """For the dashboard: the current period's name, people assigned and needed (each post-day
    counted up to what it needs), and the post-days still short."""
    pid = current_period(frames, today)
    if pid is None:
        return None
    cov = coverage(frames, pid)
    name = frames["roster_periods"].set_index("id").loc[pid, "name"]
    filled = int(cov["filled"].clip(upper=cov["needed"]).sum()) if len(cov) else 0
    return {
        "name": str(name),
        "filled": filled,
        "needed": int(cov["needed"].sum()) if len(cov) else 0,
        "short": int((cov["gap"] > 0).sum()) if len(cov) else 0,
    }
