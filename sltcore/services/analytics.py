"""The numbers leaders look at: pure pandas from the frames of `store.read_all()`.

Every function takes those frames (or a `Prepared` made from them once), a `Period` and the
selected community ids, and returns a small aggregated frame: tens or hundreds of rows whatever
the number of records, so charts, the monthly workbook and the star list never see raw records.

Counting rules, applied once in `prepare`:
- which service hours count is `sltcore.services.hours.countable`, the rule every page and
  export uses
  (live, confirmed by the organiser, of a live volunteer); unconfirmed ones are kept apart in
  `Prepared.unconfirmed`;
- archived rows never count (read_all leaves them out; frames that still carry an `archived`
  column are filtered again here);
- hours, active volunteers and events belong to the community where the service happened
  (the record's or event's community); registrations, shares of volunteers and star levels to
  the volunteer's home community.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sltcore.codec import empty_frame
from sltcore.schema import CATEGORY, COMMUNITY_NAMES, table
from sltcore.services import stars
from sltcore.services.hours import split as split_countable

PERIOD_KINDS = (
    "last_30_days",
    "this_month",
    "last_month",
    "this_quarter",
    "this_year",
    "service_months",
    "custom",
)
DEFAULT_PERIOD = "last_30_days"  # as meaningful on the 2nd of a month as on the 29th
ROLLING_DAYS = 30
FIGURES = ("registered", "active", "hours", "events", "hours_per_active", "new_registrations")
SERVICE_MONTHS = (3, 12)  # 学雷锋日 (March 5) and December: the two volunteer-service months
NO_CATEGORY = "none"  # records without a linked event
NO_PROGRAMME = "none"  # records whose event belongs to no programme
OTHER_COMMUNITY = "其他"  # a record's community that is no longer a live community
MONTHS_SHOWN = 24
TOP_N = 10
NEAR_FRACTION = 0.10  # "within 10% of the next star threshold"

Frames = Mapping[str, pd.DataFrame]
Communities = Sequence[str] | None

# --- periods -------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _is_month_end(d: dt.date) -> bool:
    return d.day == calendar.monthrange(d.year, d.month)[1]


def shift_months(d: dt.date, months: int, keep_month_end: bool = False) -> dt.date:
    """`d` moved by whole months; the day is clamped, or kept at month end when asked."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, last if keep_month_end else min(d.day, last))


@dataclass(frozen=True)
class Period:
    """Inclusive date ranges (first and last day both count) and how to find the one before.

    Calendar periods step back by whole months (a month, a quarter, a year; the service months
    a year), so 1-29 November compares with 1-29 October and the whole of February with the
    whole of January. A custom range steps back by its own number of days.
    """

    kind: str
    ranges: tuple[tuple[dt.date, dt.date], ...]
    step_months: int = 0

    def __post_init__(self) -> None:
        if not self.ranges:
            raise ValueError("a period needs at least one date range")
        for start, end in self.ranges:
            if end < start:
                raise ValueError(f"period ends before it starts: {start} > {end}")

    @property
    def start(self) -> dt.date:
        return self.ranges[0][0]

    @property
    def end(self) -> dt.date:
        return self.ranges[-1][1]

    @property
    def days(self) -> int:
        return sum((e - s).days + 1 for s, e in self.ranges)

    @property
    def key(self) -> str:
        """A short stable text for cache keys and file names."""
        return self.kind + ":" + ",".join(f"{s:%Y%m%d}-{e:%Y%m%d}" for s, e in self.ranges)

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        if self.step_months:
            k = -self.step_months
            ranges = tuple(
                (shift_months(s, k), shift_months(e, k, keep_month_end=_is_month_end(e)))
                for s, e in self.ranges
            )
        else:
            n = dt.timedelta(days=self.days)
            ranges = tuple((s - n, e - n) for s, e in self.ranges)
        return replace(self, ranges=ranges)

    def contains(self, day: dt.date) -> bool:
        return any(s <= day <= e for s, e in self.ranges)

    def mask(self, dates: pd.Series) -> pd.Series:
        """True for timestamps on any day of the period, whatever their time of day."""
        out = pd.Series(False, index=dates.index)
        for s, e in self.ranges:
            lo, hi = pd.Timestamp(s), pd.Timestamp(e + dt.timedelta(days=1))
            out |= (dates >= lo) & (dates < hi)
        return out


def period_last_days(today: dt.date, days: int = ROLLING_DAYS) -> Period:
    """The last `days` days up to today, compared with the `days` days just before."""
    return Period("last_30_days", ((today - dt.timedelta(days=days - 1), today),), 0)


def period_this_month(today: dt.date) -> Period:
    """The first of this month up to today (nothing after today has happened yet)."""
    return Period("this_month", ((today.replace(day=1), today),), 1)


def period_last_month(today: dt.date) -> Period:
    first = shift_months(today.replace(day=1), -1)
    return Period("last_month", ((first, _month_end(first.year, first.month)),), 1)


def period_this_quarter(today: dt.date) -> Period:
    first = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return Period("this_quarter", ((first, today),), 3)


def period_this_year(today: dt.date) -> Period:
    return Period("this_year", ((dt.date(today.year, 1, 1), today),), 12)


def default_service_year(today: dt.date) -> int:
    """The latest year whose March service month has begun."""
    return today.year if today.month >= SERVICE_MONTHS[0] else today.year - 1


def period_service_months(year: int, today: dt.date) -> Period:
    """March and December of `year`, each up to today; a month not begun yet is left out."""
    ranges = tuple(
        (dt.date(year, m, 1), min(_month_end(year, m), today))
        for m in SERVICE_MONTHS
        if dt.date(year, m, 1) <= today
    )
    if not ranges:
        raise ValueError(f"no service month of {year} has begun by {today}")
    return Period("service_months", ranges, 12)


def period_custom(start: dt.date, end: dt.date) -> Period:
    if end < start:
        start, end = end, start
    return Period("custom", ((start, end),), 0)


def period_month(year: int, month: int) -> Period:
    """One whole calendar month (the monthly report)."""
    return Period("month", ((dt.date(year, month, 1), _month_end(year, month)),), 1)


def make_period(
    kind: str,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
    year: int | None = None,
) -> Period:
    """The period a page's filter names."""
    match kind:
        case "last_30_days":
            return period_last_days(today)
        case "this_month":
            return period_this_month(today)
        case "last_month":
            return period_last_month(today)
        case "this_quarter":
            return period_this_quarter(today)
        case "this_year":
            return period_this_year(today)
        case "service_months":
            return period_service_months(year or default_service_year(today), today)
        case "custom":
            return period_custom(start or today.replace(day=1), end or today)
    raise ValueError(f"unknown period kind {kind!r}")


# --- preparing the frames once -------------------------------------------------------------


def live_frame(frames: Frames, key: str) -> pd.DataFrame:
    """The live rows of table `key` (also when the frames still carry archived rows)."""
    df = frames.get(key)
    if df is None:
        return empty_frame(table(key))
    if "archived" in df.columns:
        df = df[~df["archived"].fillna(False).astype(bool)]
    return df


def _ids(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), None)


@dataclass
class Prepared:
    """Live rows joined once, so a dashboard's many aggregations share the work."""

    records: pd.DataFrame  # volunteer_id, date, hours, community_id, category, programme_id
    volunteers: pd.DataFrame  # id, name, community_id, registered_on, status, membership
    events: pd.DataFrame  # id, date, community_id, status, category, programme_id
    communities: pd.DataFrame  # id, name, population (ordered: the 7 in seed order first)
    programmes: pd.DataFrame  # id, name, kind
    names: dict[str, str] = field(default_factory=dict)  # community id -> name
    # live records of live volunteers the organiser has not confirmed: they count for nothing,
    # pages name them apart (volunteer_id, date, hours, community_id)
    unconfirmed: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def empty(self) -> bool:
        return self.volunteers.empty and self.records.empty


def prepare(frames: Frames) -> Prepared:
    """Live, confirmed, typed rows with the joins every aggregation needs."""
    coms = live_frame(frames, "communities")
    order = {name: i for i, name in enumerate(COMMUNITY_NAMES)}
    communities = pd.DataFrame(
        {
            "id": _ids(coms["id"]),
            "name": coms["name"].astype(object),
            "population": pd.to_numeric(coms["population"], errors="coerce").astype("float64"),
        }
    )
    communities["_order"] = communities["name"].map(order).fillna(len(order))
    communities = (
        communities.sort_values(["_order", "name"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )
    names = dict(zip(communities["id"], communities["name"], strict=True))

    vols = live_frame(frames, "volunteers")
    volunteers = pd.DataFrame(
        {
            "id": _ids(vols["id"]),
            "name": vols["name"].astype(object),
            "community_id": _ids(vols["community_id"]),
            "registered_on": vols["registered_on"],
            "status": vols["status"].astype(object),
            "membership": vols["membership"].astype(object),
        }
    ).reset_index(drop=True)

    progs = live_frame(frames, "programmes")
    programmes = pd.DataFrame(
        {
            "id": _ids(progs["id"]),
            "name": progs["name"].astype(object),
            "kind": progs["kind"].astype(object),
        }
    ).reset_index(drop=True)

    evs = live_frame(frames, "events")
    events = pd.DataFrame(
        {
            "id": _ids(evs["id"]),
            "date": evs["date"],
            "community_id": _ids(evs["community_id"]),
            "status": evs["status"].astype(object),
            "category": evs["category"].astype(object),
            "programme_id": _ids(evs["programme_id"]),
        }
    ).reset_index(drop=True)

    recs, pending = split_countable(frames)  # the one rule of which hours count
    event_ids = _ids(recs["event_id"])
    category = event_ids.map(dict(zip(events["id"], events["category"], strict=True)))
    programme = event_ids.map(dict(zip(events["id"], events["programme_id"], strict=True)))
    records = pd.DataFrame(
        {
            "volunteer_id": _ids(recs["volunteer_id"]),
            "date": recs["date"].astype("datetime64[us]"),
            "hours": recs["hours"].astype("float64"),
            "community_id": _ids(recs["community_id"]),
            "category": category.where(category.notna(), NO_CATEGORY),
            "programme_id": programme.where(programme.notna(), NO_PROGRAMME),
        }
    ).reset_index(drop=True)
    unconfirmed = pd.DataFrame(
        {
            "volunteer_id": _ids(pending["volunteer_id"]),
            "date": pending["date"].astype("datetime64[us]"),
            "hours": pending["hours"].astype("float64"),
            "community_id": _ids(pending["community_id"]),
        }
    ).reset_index(drop=True)
    return Prepared(records, volunteers, events, communities, programmes, names, unconfirmed)


def _prep(data: Frames | Prepared) -> Prepared:
    return data if isinstance(data, Prepared) else prepare(data)


def _selected(communities: Communities) -> set[str] | None:
    return set(communities) if communities else None


def _in(values: pd.Series, chosen: set[str] | None) -> pd.Series:
    if chosen is None:
        return pd.Series(True, index=values.index)
    return values.isin(chosen)


def _community_rows(p: Prepared, chosen: set[str] | None) -> pd.DataFrame:
    """The live communities in the filter, in their fixed order."""
    out = p.communities[["id", "name", "population"]]
    if chosen is not None:
        out = out[out["id"].isin(chosen)]
    return out.rename(columns={"id": "community_id", "name": "community"}).reset_index(drop=True)


def _community_name(p: Prepared, cid: object) -> str:
    return p.names.get(cid, OTHER_COMMUNITY) if isinstance(cid, str) else OTHER_COMMUNITY


def _period_records(p: Prepared, period: Period, chosen: set[str] | None) -> pd.DataFrame:
    r = p.records
    return r[period.mask(r["date"]) & _in(r["community_id"], chosen)]


def _registered_by(p: Prepared, day: dt.date, chosen: set[str] | None) -> pd.DataFrame:
    """Volunteers registered on or before `day` who have not left (home community filter)."""
    v = p.volunteers
    on = v["registered_on"]
    registered = on.isna() | (on < pd.Timestamp(day + dt.timedelta(days=1)))
    return v[registered & (v["status"] != "left") & _in(v["community_id"], chosen)]


def _hours_until(p: Prepared, day: dt.date) -> pd.Series:
    """Cumulative hours per volunteer up to and including `day` (all communities)."""
    r = p.records
    done = r[r["date"] < pd.Timestamp(day + dt.timedelta(days=1))]
    return done.groupby("volunteer_id", sort=False)["hours"].sum()


def _attach(base: pd.DataFrame, key: str, agg: pd.DataFrame) -> pd.DataFrame:
    """`base` with `agg`'s columns looked up by `base[key]` (a left join that also works when
    either side is empty and the key dtypes differ)."""
    out = base.copy()
    for col in agg.columns:
        out[col] = out[key].map(agg[col]) if len(agg) else np.nan
    return out


def _round(df: pd.DataFrame, cols: Iterable[str], digits: int = 2) -> pd.DataFrame:
    for c in cols:
        df[c] = df[c].astype("float64").round(digits)
    return df


# --- key figures ---------------------------------------------------------------------------


def _figures(p: Prepared, period: Period, chosen: set[str] | None) -> dict[str, float]:
    recs = _period_records(p, period, chosen)
    hours = float(recs["hours"].sum())
    active = int(recs["volunteer_id"].nunique())
    v = p.volunteers
    new = int((period.mask(v["registered_on"]) & _in(v["community_id"], chosen)).sum())
    e = p.events
    events = int(
        (
            period.mask(e["date"]) & (e["status"] != "cancelled") & _in(e["community_id"], chosen)
        ).sum()
    )
    return {
        "registered": float(len(_registered_by(p, period.end, chosen))),
        "active": float(active),
        "hours": round(hours, 2),
        "events": float(events),
        "hours_per_active": round(hours / active, 2) if active else np.nan,
        "new_registrations": float(new),
    }


def key_figures(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """The six key figures, the same figures for the previous period, and the change.

    registered: on the books at the period's end (not left); active: served at least once in
    the period; events: not cancelled; hours per active volunteer: NaN when nobody served;
    change_pct: NaN when the previous value is 0.
    """
    p = _prep(data)
    chosen = _selected(communities)
    now = _figures(p, period, chosen)
    before = _figures(p, period.previous(), chosen)
    rows = []
    for key in FIGURES:
        value, prev = now[key], before[key]
        change = value - prev if not (np.isnan(value) or np.isnan(prev)) else np.nan
        pct = change / prev if prev and not np.isnan(change) else np.nan
        rows.append(
            {"figure": key, "value": value, "previous": prev, "change": change, "change_pct": pct}
        )
    return _round(pd.DataFrame(rows), ["value", "previous", "change"]).assign(
        change_pct=lambda d: d["change_pct"].round(4)
    )


# --- charts' aggregations ------------------------------------------------------------------


def hours_by_community(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Hours, records and active volunteers per community, most hours first (zeros kept)."""
    p = _prep(data)
    chosen = _selected(communities)
    recs = _period_records(p, period, chosen)
    agg = recs.groupby("community_id", sort=False).agg(
        hours=("hours", "sum"), records=("hours", "size"), volunteers=("volunteer_id", "nunique")
    )
    base = _community_rows(p, chosen)[["community_id", "community"]]
    extra = [c for c in agg.index if c not in set(base["community_id"])]
    if extra:
        base = pd.concat(
            [
                base,
                pd.DataFrame(
                    {"community_id": extra, "community": [_community_name(p, c) for c in extra]}
                ),
            ],
            ignore_index=True,
        )
    out = _attach(base, "community_id", agg)
    out[["hours", "records", "volunteers"]] = out[["hours", "records", "volunteers"]].fillna(0)
    out = out.astype({"records": "int64", "volunteers": "int64"})
    out = out.sort_values("hours", ascending=False, kind="stable").reset_index(drop=True)
    return _round(out, ["hours"])


def _month_index(dates: pd.Series) -> pd.Series:
    return dates.dt.year * 12 + dates.dt.month - 1


def _month_grid(end: dt.date, months: int) -> pd.DataFrame:
    last = end.year * 12 + end.month - 1
    idx = list(range(last - months + 1, last + 1))
    return pd.DataFrame({"_m": idx, "month": [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in idx]})


def _by_month_and_community(
    p: Prepared,
    dates: pd.Series,
    coms: pd.Series,
    values: pd.Series,
    end: dt.date,
    months: int,
    chosen: set[str] | None,
    name: str,
) -> pd.DataFrame:
    grid = _month_grid(end, months)
    m = _month_index(dates)
    keep = m.between(grid["_m"].iloc[0], grid["_m"].iloc[-1]) & _in(coms, chosen)
    agg = (
        pd.DataFrame({"_m": m[keep], "community_id": coms[keep], name: values[keep]})
        .groupby(["_m", "community_id"], sort=False)[name]
        .sum()
        .reset_index()
    )
    base = _community_rows(p, chosen)[["community_id", "community"]]
    extra = sorted(set(agg["community_id"]) - set(base["community_id"]))
    if extra:
        base = pd.concat(
            [
                base,
                pd.DataFrame(
                    {"community_id": extra, "community": [_community_name(p, c) for c in extra]}
                ),
            ],
            ignore_index=True,
        )
    full = grid.merge(base, how="cross")
    cells = dict(zip(zip(agg["_m"], agg["community_id"], strict=True), agg[name], strict=True))
    full[name] = [cells.get(k, 0) for k in zip(full["_m"], full["community_id"], strict=True)]
    return full.drop(columns="_m").reset_index(drop=True)


def monthly_hours(
    data: Frames | Prepared,
    end: dt.date,
    communities: Communities = None,
    months: int = MONTHS_SHOWN,
) -> pd.DataFrame:
    """Hours per month and community for the `months` months up to `end`'s month (zeros kept)."""
    p = _prep(data)
    r = p.records
    out = _by_month_and_community(
        p, r["date"], r["community_id"], r["hours"], end, months, _selected(communities), "hours"
    )
    return _round(out, ["hours"])


def registrations_over_time(
    data: Frames | Prepared,
    end: dt.date,
    communities: Communities = None,
    months: int = MONTHS_SHOWN,
) -> pd.DataFrame:
    """New registrations per month and home community over the `months` months up to `end`."""
    p = _prep(data)
    v = p.volunteers
    ones = pd.Series(1, index=v.index, dtype="int64")
    out = _by_month_and_community(
        p,
        v["registered_on"],
        v["community_id"],
        ones,
        end,
        months,
        _selected(communities),
        "registrations",
    )
    return out.astype({"registrations": "int64"})


def hours_by_category(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Hours per service category of the linked event; all six categories are listed."""
    p = _prep(data)
    recs = _period_records(p, period, _selected(communities))
    agg = recs.groupby("category", sort=False).agg(
        hours=("hours", "sum"), records=("hours", "size")
    )
    keys = [c.key for c in CATEGORY]
    if NO_CATEGORY in agg.index or any(k not in keys for k in agg.index):
        keys += [k for k in agg.index if k not in keys]
    out = _attach(pd.DataFrame({"category": keys}), "category", agg)
    out[["hours", "records"]] = out[["hours", "records"]].fillna(0)
    out = out.astype({"records": "int64"})
    out = out.sort_values("hours", ascending=False, kind="stable").reset_index(drop=True)
    return _round(out, ["hours"])


def hours_per_1000_residents(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Hours per 1,000 residents (communities.population); NaN where the population is unknown."""
    p = _prep(data)
    chosen = _selected(communities)
    recs = _period_records(p, period, chosen)
    hours = recs.groupby("community_id", sort=False)["hours"].sum()
    out = _community_rows(p, chosen)
    out["hours"] = out["community_id"].map(hours).fillna(0.0).astype("float64")
    pop = out["population"].where(out["population"] > 0)
    out["per_1000"] = out["hours"] / pop * 1000
    out = out.sort_values("per_1000", ascending=False, kind="stable", na_position="last")
    return _round(out.reset_index(drop=True), ["hours", "per_1000"])


def active_share(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Per home community: volunteers on the books at the period's end, how many served in it.

    Only volunteers counted as registered can count as active, so the share never exceeds 1.
    """
    p = _prep(data)
    chosen = _selected(communities)
    reg = _registered_by(p, period.end, chosen)
    served = set(p.records.loc[period.mask(p.records["date"]), "volunteer_id"])
    reg = reg.assign(active=reg["id"].isin(served))
    agg = reg.groupby("community_id", sort=False).agg(
        registered=("id", "size"), active=("active", "sum")
    )
    out = _community_rows(p, chosen)[["community_id", "community"]]
    out = _attach(out, "community_id", agg)
    out[["registered", "active"]] = out[["registered", "active"]].fillna(0).astype("int64")
    out["share"] = (out["active"] / out["registered"].where(out["registered"] > 0)).round(4)
    return out.sort_values("share", ascending=False, kind="stable", na_position="last").reset_index(
        drop=True
    )


def star_distribution(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Volunteers at each star level 0-5 by cumulative hours up to the period's end."""
    p = _prep(data)
    reg = _registered_by(p, period.end, _selected(communities))
    total = reg["id"].map(_hours_until(p, period.end)).fillna(0.0)
    levels = _levels(total)
    counts = levels.value_counts()
    out = pd.DataFrame({"level": range(len(stars.THRESHOLDS) + 1)})
    out["volunteers"] = out["level"].map(counts).fillna(0).astype("int64")
    out["threshold"] = [0.0, *stars.THRESHOLDS]
    return out


def _levels(hours: pd.Series) -> pd.Series:
    """`stars.star_level` for a whole column at once."""
    thresholds = np.asarray(stars.THRESHOLDS)
    values = hours.to_numpy(dtype="float64") + 1e-9
    return pd.Series(np.searchsorted(thresholds, values, side="right"), index=hours.index)


def top_volunteers(
    data: Frames | Prepared, period: Period, communities: Communities = None, n: int = TOP_N
) -> pd.DataFrame:
    """The period's `n` volunteers with most hours (ties: more records, then name)."""
    p = _prep(data)
    recs = _period_records(p, period, _selected(communities))
    agg = recs.groupby("volunteer_id", sort=False).agg(
        hours=("hours", "sum"), records=("hours", "size")
    )
    v = p.volunteers.set_index("id")
    agg["name"] = v["name"].reindex(agg.index).to_numpy()
    agg["community_id"] = v["community_id"].reindex(agg.index).to_numpy()
    agg = (
        agg.reset_index()
        .sort_values(
            ["hours", "records", "name", "volunteer_id"],
            ascending=[False, False, True, True],
            kind="stable",
        )
        .head(n)
    )
    agg["community"] = [_community_name(p, c) for c in agg["community_id"]]
    agg.insert(0, "rank", range(1, len(agg) + 1))
    cols = ["rank", "volunteer_id", "name", "community_id", "community", "hours", "records"]
    return _round(agg[cols].reset_index(drop=True), ["hours"])


def hours_by_programme(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Hours per brand programme or project of the linked event; "none" for the rest."""
    p = _prep(data)
    recs = _period_records(p, period, _selected(communities))
    agg = recs.groupby("programme_id", sort=False).agg(
        hours=("hours", "sum"), records=("hours", "size")
    )
    progs = p.programmes.rename(columns={"id": "programme_id", "name": "programme"})
    out = _attach(progs, "programme_id", agg)
    rest = [k for k in agg.index if k not in set(progs["programme_id"])]
    if rest:
        other = agg.loc[rest].sum()
        out = pd.concat(
            [
                out,
                pd.DataFrame(
                    [
                        {
                            "programme_id": NO_PROGRAMME,
                            "programme": None,
                            "kind": None,
                            "hours": other["hours"],
                            "records": other["records"],
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
    out[["hours", "records"]] = out[["hours", "records"]].fillna(0)
    out = out.astype({"records": "int64"})
    out = out.sort_values("hours", ascending=False, kind="stable").reset_index(drop=True)
    return _round(out, ["hours"])


def unconfirmed_hours(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """One row: the records, hours and volunteers of the period still waiting for the
    organiser's confirmation (counted in none of the figures; pages name them apart)."""
    p = _prep(data)
    u = p.unconfirmed
    if u.empty:
        return pd.DataFrame({"records": [0], "hours": [0.0], "volunteers": [0]})
    u = u[period.mask(u["date"]) & _in(u["community_id"], _selected(communities))]
    return pd.DataFrame(
        {
            "records": [len(u)],
            "hours": [round(float(u["hours"].sum()), 2)],
            "volunteers": [int(u["volunteer_id"].nunique())],
        }
    )


# --- star volunteers -----------------------------------------------------------------------


def star_list(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> pd.DataFrame:
    """Every volunteer on the books at the period's end, with their stars and flags.

    hours_total: cumulative hours up to the period's end (stars count service hours only; the
    time bank is a separate ledger, art. 16). crossed: reached a higher level during one of
    the period's date ranges. near_next: within 10% of the next threshold. hours_year: hours
    in the calendar year of the period's end, up to that day; below_minimum: an active
    (在册) volunteer under the 20 hours a year of art. 11, not asked in the year of
    registration (`stars.minimum_applies`); hours_unconfirmed: hours up to the
    period's end still waiting for the organiser (in none of the other columns).
    """
    p = _prep(data)
    reg = _registered_by(p, period.end, _selected(communities))
    out = pd.DataFrame(
        {
            "volunteer_id": reg["id"].to_numpy(),
            "name": reg["name"].to_numpy(),
            "community_id": reg["community_id"].to_numpy(),
            "membership": reg["membership"].to_numpy(),
            "status": reg["status"].to_numpy(),
        }
    )
    out["community"] = [_community_name(p, c) for c in out["community_id"]]
    ids = out["volunteer_id"]
    out["hours_total"] = ids.map(_hours_until(p, period.end)).fillna(0.0)
    out["level"] = _levels(out["hours_total"])
    thresholds = [*stars.THRESHOLDS, np.nan]
    out["next_threshold"] = out["level"].map(lambda lv: thresholds[lv]).astype("float64")
    out["hours_to_next"] = (out["next_threshold"] - out["hours_total"]).clip(lower=0)
    recs = p.records
    out["hours_period"] = ids.map(
        recs[period.mask(recs["date"])].groupby("volunteer_id")["hours"].sum()
    ).fillna(0.0)
    crossed = pd.Series(False, index=out.index)
    for start, end in period.ranges:
        before = _levels(ids.map(_hours_until(p, start - dt.timedelta(days=1))).fillna(0.0))
        after = _levels(ids.map(_hours_until(p, end)).fillna(0.0))
        crossed |= after > before
    out["crossed"] = crossed
    out["near_next"] = out["next_threshold"].notna() & (
        out["hours_total"] + 1e-9 >= out["next_threshold"] * (1 - NEAR_FRACTION)
    )
    year = period_custom(dt.date(period.end.year, 1, 1), period.end)
    out["hours_year"] = ids.map(
        recs[year.mask(recs["date"])].groupby("volunteer_id")["hours"].sum()
    ).fillna(0.0)
    registered = pd.Series(reg["registered_on"].to_numpy(), index=out.index)
    new_this_year = registered.dt.year == period.end.year  # not asked yet: stars.minimum_applies
    out["below_minimum"] = (
        (out["status"] == "active")
        & ~new_this_year.fillna(False).astype(bool)
        & (out["hours_year"] + 1e-9 < stars.YEARLY_MINIMUM_HOURS)
    )
    u = p.unconfirmed
    if u.empty:
        out["hours_unconfirmed"] = 0.0
    else:
        waiting = u[u["date"] < pd.Timestamp(period.end + dt.timedelta(days=1))]
        out["hours_unconfirmed"] = ids.map(waiting.groupby("volunteer_id")["hours"].sum()).fillna(
            0.0
        )
    out = out.sort_values(["hours_total", "name", "volunteer_id"], ascending=[False, True, True])
    out = out.reset_index(drop=True)
    return _round(
        out,
        [
            "hours_total",
            "next_threshold",
            "hours_to_next",
            "hours_period",
            "hours_year",
            "hours_unconfirmed",
        ],
    )


# --- everything the dashboard shows, in one pass ------------------------------------------


def dashboard(
    data: Frames | Prepared, period: Period, communities: Communities = None
) -> dict[str, pd.DataFrame]:
    """All the dashboard's aggregates (each a small frame) from one preparation of the data."""
    p = _prep(data)
    return {
        "figures": key_figures(p, period, communities),
        "by_community": hours_by_community(p, period, communities),
        "monthly": monthly_hours(p, period.end, communities),
        "category": hours_by_category(p, period, communities),
        "per_1000": hours_per_1000_residents(p, period, communities),
        "active_share": active_share(p, period, communities),
        "stars": star_distribution(p, period, communities),
        "top": top_volunteers(p, period, communities),
        "registrations": registrations_over_time(p, period.end, communities),
        "programme": hours_by_programme(p, period, communities),
        "unconfirmed": unconfirmed_hours(p, period, communities),
    }


def community_options(data: Frames | Prepared) -> list[tuple[str, str]]:
    """(id, name) of the live communities in their fixed order, for filters."""
    p = _prep(data)
    return list(zip(p.communities["id"], p.communities["name"], strict=True))


def data_years(data: Frames | Prepared, today: dt.date) -> list[int]:
    """Years with service records (newest first), for the service-month filter."""
    p = _prep(data)
    years = set(p.records["date"].dt.year.dropna().astype(int)) | {default_service_year(today)}
    return sorted((y for y in years if y <= default_service_year(today)), reverse=True)
