"""Analytics against numbers worked out by hand on a small fixed data set.

The data set (today is 2026-11-29, pinned by tests/conftest.py): communities A 幸福一村 (8,000
residents), B 幸福二村 (4,000), C 北三里 (population unknown). Records that must never count:
r8 (its volunteer v6 is archived), r9 (not confirmed by the organiser), r10 (archived itself).
`build_fixed` is also used by the chart, report and certificate tests.

This month = 1-29 November 2026; the previous period = 1-29 October 2026.
Counted November records: r1 3.0 (v1, A), r3 1.5 (v2, A), r4 4.0 (v3, B), r7 2.0 (v4, B),
n1-n4 4 x 22.0 (v3, B) -> 98.5 hours, 4 active volunteers, events e1 and e2 (e4 cancelled).
October 1-29: r6 1.0 (Oct 1, first day) and r5 2.5 (Oct 29, last day); r2 (Oct 31) is outside.
v1's cumulative hours: 4 x 23 in 2025 + 1 + 2.5 + 2 = 97.5 before November, 100.5 after r1.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest

from sltcore.auth import SYSTEM
from sltcore.services import analytics as A
from sltcore.store.local import LocalStore
from tests.helpers import volunteer_row

D = dt.date
TODAY = D(2026, 11, 29)


def build_fixed(path: Path) -> tuple[LocalStore, dict[str, str]]:
    """The store and a name -> id map (A, B, C, P1, P2, v1..v6, e1..e5, r1..r11)."""
    s = LocalStore(path)
    ids: dict[str, str] = {}

    def add(table: str, rows: list[tuple[str, dict]]) -> None:
        stored = s.append(table, [r for _, r in rows], SYSTEM)
        ids.update({name: row["id"] for (name, _), row in zip(rows, stored, strict=True)})

    add("communities", [
        ("A", {"name": "幸福一村", "population": 8000}),
        ("B", {"name": "幸福二村", "population": 4000}),
        ("C", {"name": "北三里"}),
    ])  # fmt: skip
    add("programmes", [
        ("P1", {"name": "维护稳定", "kind": "brand", "category": "security"}),
        ("P2", {"name": "助老结对", "kind": "project", "category": "care"}),
    ])  # fmt: skip
    a, b, c = ids["A"], ids["B"], ids["C"]
    add("volunteers", [
        ("v1", volunteer_row(a, name="甲一", registered_on=D(2020, 1, 1), bv_number="BV0001")),
        ("v2", volunteer_row(a, name="乙二", registered_on=D(2026, 10, 15))),
        ("v3", volunteer_row(b, name="丙三", registered_on=D(2026, 11, 1))),
        ("v4", volunteer_row(b, name="=1+1", registered_on=D(2026, 11, 29), status="paused")),
        ("v5", volunteer_row(c, name="戊五", registered_on=D(2019, 5, 5), status="left")),
        ("v6", volunteer_row(a, name="己六", registered_on=D(2021, 1, 1))),
    ])  # fmt: skip

    def event(day: dt.date, com: str, category: str, status: str = "done", **kw) -> dict:
        return {"title": f"活动{day:%m%d}", "date": day, "community_id": com,
                "category": category, "status": status, **kw}  # fmt: skip

    add("events", [
        ("e1", event(D(2026, 11, 1), a, "security", programme_id=ids["P1"])),
        ("e2", event(D(2026, 11, 29), b, "care", programme_id=ids["P2"])),
        ("e3", event(D(2026, 10, 31), a, "green")),
        ("e4", event(D(2026, 11, 15), b, "culture", status="cancelled")),
        ("e5", event(D(2026, 10, 1), a, "culture", status="planned")),
    ])  # fmt: skip

    def rec(v: str, day: dt.date, hours: float, com: str, e: str | None = None, **kw) -> dict:
        row = {"volunteer_id": ids[v], "date": day, "hours": hours, "community_id": com, **kw}
        if e:
            row["event_id"] = ids[e]
        return row

    add("service_records", [
        ("r1", rec("v1", D(2026, 11, 1), 3.0, a, "e1")),
        ("r2", rec("v1", D(2026, 10, 31), 2.0, a, "e3")),
        ("r3", rec("v2", D(2026, 11, 1), 1.5, a, "e1")),
        ("r4", rec("v3", D(2026, 11, 29), 4.0, b, "e2", content="=1+1")),
        ("r5", rec("v1", D(2026, 10, 29), 2.5, a)),
        ("r6", rec("v1", D(2026, 10, 1), 1.0, a, "e5")),
        ("r7", rec("v4", D(2026, 11, 29), 2.0, b, "e2", place="@SUM(A1)")),
        ("r8", rec("v6", D(2026, 11, 10), 5.0, a)),
        ("r9", rec("v1", D(2026, 11, 10), 6.0, a, confirmed=False)),
        ("r10", rec("v2", D(2026, 11, 20), 2.0, a)),
        ("r11", rec("v5", D(2026, 3, 5), 3.0, c)),
        *[(f"h{i}", rec("v1", day, 23.0, a)) for i, day in enumerate(
            (D(2025, 1, 10), D(2025, 3, 5), D(2025, 6, 1), D(2025, 12, 5)), start=1)],
        *[(f"n{i}", rec("v3", D(2026, 11, 1 + i), 22.0, b)) for i in range(1, 5)],
    ])  # fmt: skip
    s.set_archived("service_records", {ids["r10"]: 1}, True, SYSTEM)
    s.set_archived("volunteers", {ids["v6"]: 1}, True, SYSTEM)
    return s, ids


@pytest.fixture(scope="module")
def fixed(tmp_path_factory: pytest.TempPathFactory):
    s, ids = build_fixed(tmp_path_factory.mktemp("fixed") / "fixed.db")
    yield s, ids, s.read_all()
    s.close()


@pytest.fixture(scope="module")
def frames(fixed):
    return fixed[2]


@pytest.fixture(scope="module")
def ids(fixed):
    return fixed[1]


def this_month() -> A.Period:
    return A.make_period("this_month", TODAY)


def figures(df: pd.DataFrame) -> dict[str, tuple[float, float]]:
    return {r.figure: (r.value, r.previous) for r in df.itertuples()}


# --- periods -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "today", "ranges", "previous"),
    [
        ("this_month", D(2026, 11, 29), [(D(2026, 11, 1), D(2026, 11, 29))],
         [(D(2026, 10, 1), D(2026, 10, 29))]),
        ("this_month", D(2026, 2, 28), [(D(2026, 2, 1), D(2026, 2, 28))],
         [(D(2026, 1, 1), D(2026, 1, 31))]),
        ("this_month", D(2026, 3, 31), [(D(2026, 3, 1), D(2026, 3, 31))],
         [(D(2026, 2, 1), D(2026, 2, 28))]),
        ("last_month", D(2026, 1, 15), [(D(2025, 12, 1), D(2025, 12, 31))],
         [(D(2025, 11, 1), D(2025, 11, 30))]),
        ("this_quarter", D(2026, 11, 29), [(D(2026, 10, 1), D(2026, 11, 29))],
         [(D(2026, 7, 1), D(2026, 8, 29))]),
        ("this_year", D(2026, 11, 29), [(D(2026, 1, 1), D(2026, 11, 29))],
         [(D(2025, 1, 1), D(2025, 11, 29))]),
        ("service_months", D(2026, 11, 29), [(D(2026, 3, 1), D(2026, 3, 31))],
         [(D(2025, 3, 1), D(2025, 3, 31))]),
        ("service_months", D(2026, 12, 20),
         [(D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 12, 1), D(2026, 12, 20))],
         [(D(2025, 3, 1), D(2025, 3, 31)), (D(2025, 12, 1), D(2025, 12, 20))]),
        ("service_months", D(2026, 2, 10),
         [(D(2025, 3, 1), D(2025, 3, 31)), (D(2025, 12, 1), D(2025, 12, 31))],
         [(D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 12, 1), D(2024, 12, 31))]),
    ],
)  # fmt: skip
def test_periods_and_their_previous_period(kind, today, ranges, previous):
    p = A.make_period(kind, today)
    assert list(p.ranges) == ranges
    assert list(p.previous().ranges) == previous


def test_custom_period_steps_back_by_its_own_length():
    p = A.period_custom(D(2026, 11, 10), D(2026, 11, 19))
    assert p.days == 10
    assert p.previous().ranges == ((D(2026, 10, 31), D(2026, 11, 9)),)
    assert A.period_custom(D(2026, 11, 19), D(2026, 11, 10)).ranges == p.ranges
    one_day = A.period_custom(D(2026, 3, 1), D(2026, 3, 1))
    assert one_day.previous().ranges == ((D(2026, 2, 28), D(2026, 2, 28)),)


def test_period_mask_includes_first_and_last_day_whatever_the_time():
    p = A.period_custom(D(2026, 11, 1), D(2026, 11, 29))
    stamps = pd.Series(
        pd.to_datetime(
            ["2026-10-31 23:59:59", "2026-11-01 00:00:00", "2026-11-29 23:59:59",
             "2026-11-30 00:00:00", None]
        )
    )  # fmt: skip
    assert p.mask(stamps).tolist() == [False, True, True, False, False]


def test_service_months_not_begun_is_an_error():
    with pytest.raises(ValueError):
        A.period_service_months(2027, TODAY)


# --- key figures ---------------------------------------------------------------------------


def test_key_figures_this_month(frames):
    df = A.key_figures(frames, this_month())
    assert list(df["figure"]) == list(A.FIGURES)
    f = figures(df)
    assert f["registered"] == (4, 2)  # v1-v4 (v5 left, v6 archived); Oct 29: v1, v2
    assert f["active"] == (4, 1)
    assert f["hours"] == (98.5, 3.5)
    assert f["events"] == (2, 1)  # e1, e2 (e4 cancelled); Oct: e5 (planned, Oct 1)
    assert f["hours_per_active"][0] == pytest.approx(98.5 / 4, abs=0.01)
    assert f["hours_per_active"][1] == 3.5
    assert f["new_registrations"] == (2, 1)  # v3 (Nov 1), v4 (Nov 29); v2 (Oct 15)
    hours = df.set_index("figure").loc["hours"]
    assert hours["change"] == 95.0
    assert hours["change_pct"] == pytest.approx(95 / 3.5, abs=1e-4)


def test_key_figures_last_month_and_an_empty_previous_period(frames):
    f = A.key_figures(frames, A.make_period("last_month", TODAY)).set_index("figure")
    assert f.loc["hours", "value"] == 5.5  # r2 (Oct 31, last day) + r5 + r6 (Oct 1)
    assert f.loc["hours", "previous"] == 0
    assert math.isnan(f.loc["hours", "change_pct"])  # no percentage against zero
    assert f.loc["active", "value"] == 1
    assert f.loc["events", "value"] == 2  # e3 (Oct 31), e5 (Oct 1)
    assert math.isnan(f.loc["hours_per_active", "previous"])


def test_key_figures_for_one_community(frames, ids):
    f = figures(A.key_figures(frames, this_month(), [ids["B"]]))
    assert f["hours"] == (94.0, 0.0)
    assert f["active"] == (2, 0)
    assert f["events"] == (1, 0)
    assert f["registered"] == (2, 0)
    assert f["new_registrations"] == (2, 0)


def test_archived_rows_never_count_even_when_frames_carry_them(fixed):
    s, _, frames = fixed
    with_archived = s.read_all(include_archived=True)
    assert with_archived["service_records"]["archived"].any()  # r10
    assert with_archived["volunteers"]["archived"].any()  # v6, and r8 through v6
    for period in (this_month(), A.make_period("this_year", TODAY)):
        a = A.dashboard(frames, period)
        b = A.dashboard(with_archived, period)
        for key in a:
            pd.testing.assert_frame_equal(a[key], b[key], check_dtype=False)
    assert figures(A.key_figures(with_archived, this_month()))["hours"][0] == 98.5


def test_a_record_at_the_end_of_a_day_counts_on_that_day(frames):
    shifted = dict(frames)
    recs = frames["service_records"].copy()
    recs["date"] = recs["date"] + pd.Timedelta(hours=23, minutes=59)
    shifted["service_records"] = recs
    assert figures(A.key_figures(shifted, this_month()))["hours"] == (98.5, 3.5)


# --- chart aggregations --------------------------------------------------------------------


def test_hours_by_community(frames):
    df = A.hours_by_community(frames, this_month())
    assert df[["community", "hours", "records", "volunteers"]].values.tolist() == [
        ["幸福二村", 94.0, 6, 2],
        ["幸福一村", 4.5, 2, 2],
        ["北三里", 0.0, 0, 0],
    ]


def test_monthly_hours_over_24_months(frames, ids):
    df = A.monthly_hours(frames, TODAY)
    assert len(df) == 24 * 3
    assert df["month"].iloc[0] == "2024-12" and df["month"].iloc[-1] == "2026-11"
    assert df["hours"].sum() == 199.0  # every counted record of the data set
    cell = df.set_index(["month", "community"])["hours"]
    assert cell["2025-01", "幸福一村"] == 23.0
    assert cell["2026-03", "北三里"] == 3.0
    assert cell["2026-10", "幸福一村"] == 5.5
    assert cell["2026-11", "幸福一村"] == 4.5
    assert cell["2026-11", "幸福二村"] == 94.0
    only_b = A.monthly_hours(frames, TODAY, [ids["B"]])
    assert set(only_b["community"]) == {"幸福二村"} and only_b["hours"].sum() == 94.0


def test_hours_by_category(frames):
    df = A.hours_by_category(frames, this_month())
    assert df[["category", "hours", "records"]].values.tolist() == [
        [A.NO_CATEGORY, 88.0, 4],
        ["care", 6.0, 2],
        ["security", 4.5, 2],
        ["culture", 0.0, 0],
        ["welfare", 0.0, 0],
        ["health", 0.0, 0],
        ["green", 0.0, 0],
    ]


def test_hours_by_programme(frames):
    df = A.hours_by_programme(frames, this_month())
    assert df[["programme", "hours", "records"]].head(3).values.tolist() == [
        [None, 88.0, 4],
        ["助老结对", 6.0, 2],
        ["维护稳定", 4.5, 2],
    ]
    assert df["programme_id"].iloc[0] == A.NO_PROGRAMME


def test_hours_per_1000_residents(frames):
    df = A.hours_per_1000_residents(frames, this_month())
    assert df["community"].tolist() == ["幸福二村", "幸福一村", "北三里"]
    assert df["per_1000"].iloc[0] == 23.5  # 94 / 4,000 x 1,000
    assert df["per_1000"].iloc[1] == 0.56  # 4.5 / 8,000 x 1,000 = 0.5625
    assert math.isnan(df["per_1000"].iloc[2])  # population unknown


def test_active_share(frames):
    df = A.active_share(frames, A.make_period("last_month", TODAY)).set_index("community")
    assert df.loc["幸福一村", ["registered", "active"]].tolist() == [2, 1]  # v1, v2; v1 served
    assert df.loc["幸福一村", "share"] == 0.5
    assert df.loc["幸福二村", "registered"] == 0  # v3 registered on Nov 1
    assert math.isnan(df.loc["幸福二村", "share"])
    now = A.active_share(frames, this_month()).set_index("community")
    assert now.loc["幸福二村", "share"] == 1.0
    assert now.loc["北三里", "registered"] == 0  # v5 has left


def test_star_distribution(frames):
    df = A.star_distribution(frames, this_month())
    assert df["volunteers"].tolist() == [3, 1, 0, 0, 0, 0]  # v1 has 100.5 h
    before = A.star_distribution(frames, A.make_period("last_month", TODAY))
    assert before["volunteers"].tolist() == [2, 0, 0, 0, 0, 0]  # v1 97.5 h, v2 0 h


def test_top_volunteers(frames):
    df = A.top_volunteers(frames, this_month())
    assert df[["rank", "name", "hours", "records"]].values.tolist() == [
        [1, "丙三", 92.0, 5],
        [2, "甲一", 3.0, 1],
        [3, "=1+1", 2.0, 1],
        [4, "乙二", 1.5, 1],
    ]
    assert len(A.top_volunteers(frames, this_month(), n=2)) == 2


def test_registrations_over_time(frames):
    df = A.registrations_over_time(frames, TODAY)
    assert len(df) == 72 and df["registrations"].sum() == 3
    cell = df.set_index(["month", "community"])["registrations"]
    assert cell["2026-10", "幸福一村"] == 1
    assert cell["2026-11", "幸福二村"] == 2


def test_service_months_figures(frames):
    f = figures(A.key_figures(frames, A.make_period("service_months", TODAY)))
    assert f["hours"] == (3.0, 23.0)  # r11 (2026-03-05); h2 (2025-03-05)


# --- star list -----------------------------------------------------------------------------


def test_star_list(frames):
    df = A.star_list(frames, this_month()).set_index("name")
    assert list(df.index) == ["甲一", "丙三", "=1+1", "乙二"]  # most hours first
    v1 = df.loc["甲一"]
    assert (v1["hours_total"], v1["level"], v1["next_threshold"], v1["hours_to_next"]) == (
        100.5, 1, 300.0, 199.5,
    )  # fmt: skip
    assert v1["crossed"] and not v1["near_next"]
    assert v1["hours_period"] == 3.0 and v1["hours_year"] == 8.5 and v1["below_minimum"]
    v3 = df.loc["丙三"]
    assert v3["hours_total"] == 92.0 and v3["near_next"] and not v3["crossed"]
    assert not v3["below_minimum"]
    assert not df.loc["=1+1", "below_minimum"]  # paused: the yearly minimum does not apply
    assert not df.loc["乙二", "below_minimum"]  # registered in October 2026: asked from 2027
    last = A.star_list(frames, A.make_period("last_month", TODAY)).set_index("name")
    assert last.loc["甲一", "near_next"] and not last.loc["甲一", "crossed"]  # 97.5 h


# --- the whole dashboard -------------------------------------------------------------------


def test_dashboard_frames_are_sized_by_communities_and_months_not_records(frames):
    """Each aggregate has one row per community, month, category, level or programme (or at
    most ten volunteers), so its size never grows with the number of records."""
    big = A.dashboard(frames, A.make_period("this_year", TODAY))
    rows = {key: len(df) for key, df in big.items()}
    assert rows == {
        "figures": 6,
        "by_community": 3,
        "monthly": 24 * 3,
        "category": 7,  # six categories and "no event"
        "per_1000": 3,
        "active_share": 3,
        "stars": 6,  # levels 0-5
        "top": 5,  # v1-v5, everyone with counted hours this year (v5: r11 in March)
        "registrations": 24 * 3,
        "programme": 3,  # P1, P2 and "none"
        "unconfirmed": 1,  # one line: records, hours and volunteers awaiting confirmation
    }


def test_dashboard_on_empty_data(frames):
    empty = A.dashboard({}, this_month())
    values = empty["figures"].set_index("figure")["value"]
    assert values.drop("hours_per_active").tolist() == [0, 0, 0, 0, 0]
    assert math.isnan(values["hours_per_active"])  # no active volunteer: no average
    assert empty["monthly"].empty and empty["top"].empty
    assert A.prepare({}).empty
    assert not A.prepare(frames).empty


def test_options(frames, ids):
    assert A.community_options(frames) == [(ids["A"], "幸福一村"), (ids["B"], "幸福二村"),
                                           (ids["C"], "北三里")]  # fmt: skip
    assert A.data_years(frames, TODAY) == [2026, 2025]
