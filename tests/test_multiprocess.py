"""Several app processes on one store: the rules hold across real OS processes.

Each worker is a spawned process with its own store object whose cache is read before the
first write of any trial, so every write after the first is made on a stale cache. Both
backends run the same scenarios: the SQLite file and the (emulated) Google Sheet, reached
through gspread's real HTTP requests.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest

from sltcore import demo
from sltcore.auth import SYSTEM
from sltcore.services import health, timebank
from tests.conftest import make_gsheets_store
from tests.helpers import volunteer
from tests.workers import Spec, keep_saving, lockstep, open_spec

CTX = mp.get_context("spawn")
TRIALS = 6


@pytest.fixture(params=["local", "gsheets"])
def spec(request: pytest.FixtureRequest, tmp_path: Path) -> Spec:
    """A fresh shared store with the reference data, as a spec child processes can open."""
    if request.param == "local":
        spec: Spec = ("local", str(tmp_path / "shared.db"), "")
    else:
        emu = request.getfixturevalue("sheets_emulator")
        emu.clear_faults()
        spec = ("gsheets", emu.host, make_gsheets_store(emu).spreadsheet_id)
    store = open_spec(spec)
    demo.load_reference(store)
    return spec


def run_workers(spec: Spec, plans: list[list[tuple[str, dict]]], sequential: bool) -> dict:
    """Start one process per plan; returns {trial: [(role, status, detail), ...]}."""
    barrier = CTX.Barrier(len(plans))
    results = CTX.Queue()
    procs = [
        CTX.Process(target=lockstep, args=(spec, role, plan, sequential, barrier, results))
        for role, plan in enumerate(plans)
    ]
    for p in procs:
        p.start()
    out: dict = {}
    done = 0
    deadline = time.monotonic() + 240
    while done < len(procs):
        n, role, status, detail = results.get(timeout=max(1, deadline - time.monotonic()))
        if n == "crash":
            for p in procs:
                p.kill()
            pytest.fail(f"worker {role} crashed:\n{detail}")
        if n == "done":
            done += 1
            continue
        out.setdefault(n, []).append((role, status, detail))
    for p in procs:
        p.join(timeout=30)
    return out


def _setup(spec: Spec, volunteers: int = 1, events: int = 0) -> tuple[list[dict], list[dict]]:
    store = open_spec(spec)
    com = store.read_all()["communities"]["id"].iloc[0]
    vols = [volunteer(store, com) for _ in range(volunteers)]
    day = dt.date(2026, 6, 1)
    evs = store.append(
        "events",
        [{"title": f"活动{i}", "date": day, "community_id": com, "status": "done",
          "category": "security"}
         for i in range(events)],
        SYSTEM,
    ) if events else []  # fmt: skip
    return vols, evs


def _exactly_one_ok(results: dict, words: tuple[str, ...]) -> None:
    assert len(results) == TRIALS
    for n, outcomes in results.items():
        statuses = Counter(s for _, s, _ in outcomes)
        assert statuses == {"ok": 1, "refused": len(outcomes) - 1}, (n, outcomes)
        for _, status, detail in outcomes:
            if status == "refused":
                assert any(w in detail for w in words), detail


@pytest.mark.parametrize("sequential", [False, True], ids=["at-once", "stale-cache"])
def test_same_volunteer_on_the_same_event_from_two_processes(spec, sequential) -> None:
    vols, evs = _setup(spec, volunteers=TRIALS, events=TRIALS)
    plan = [("attend", {"volunteer": v["id"], "event": e["id"], "hours": 2.0})
            for v, e in zip(vols, evs, strict=True)]  # fmt: skip
    results = run_workers(spec, [plan, plan], sequential)
    _exactly_one_ok(results, ("已记录", "已有", "重复", "already"))
    recs = open_spec(spec).read_all()["service_records"]
    assert len(recs) == TRIALS
    assert not recs.duplicated(["volunteer_id", "event_id"]).any()


@pytest.mark.parametrize("sequential", [False, True], ids=["at-once", "stale-cache"])
def test_fifteen_plus_fifteen_hours_on_one_day_via_two_events(spec, sequential) -> None:
    vols, evs = _setup(spec, volunteers=TRIALS, events=2 * TRIALS)
    plans = [
        [("attend", {"volunteer": v["id"], "event": evs[2 * i + role]["id"], "hours": 15.0})
         for i, v in enumerate(vols)]
        for role in (0, 1)
    ]  # fmt: skip
    results = run_workers(spec, plans, sequential)
    _exactly_one_ok(results, ("24",))
    recs = open_spec(spec).read_all()["service_records"]
    per_day = recs.groupby(["volunteer_id", "date"])["hours"].sum()
    assert per_day.max() <= 24 and len(recs) == TRIALS


@pytest.mark.parametrize("sequential", [False, True], ids=["at-once", "stale-cache"])
def test_the_same_unique_name_from_two_processes(spec, sequential) -> None:
    plan = [("unique", {"name": f"新社区{i}"}) for i in range(TRIALS)]
    results = run_workers(spec, [plan, plan], sequential)
    _exactly_one_ok(results, ("已存在", "已被", "重复"))
    names = open_spec(spec).read_all()["communities"]["name"]
    assert names.is_unique


@pytest.mark.parametrize("sequential", [False, True], ids=["at-once", "stale-cache"])
def test_two_updates_at_one_version(spec, sequential) -> None:
    vols, _ = _setup(spec, volunteers=TRIALS)
    plans = [[("update", {"volunteer": v["id"], "notes": f"role{role}"}) for v in vols]
             for role in (0, 1)]  # fmt: skip
    results = run_workers(spec, plans, sequential)
    _exactly_one_ok(results, ("已被别人修改",))
    stored = open_spec(spec).read_all()["volunteers"].set_index("id")
    for n, outcomes in results.items():
        winner = next(role for role, s, _ in outcomes if s == "ok")
        row = stored.loc[vols[n]["id"]]
        assert row["notes"] == f"role{winner}" and row["version"] == 2, "no lost update"


def _with_points(spec: Spec, people: int, points: float) -> tuple[list[dict], dict]:
    """`people` volunteers with `points` each (one confirmed record), and a 6-point item."""
    vols, _ = _setup(spec, volunteers=people)
    store = open_spec(spec)
    store.append(
        "service_records",
        [{"volunteer_id": v["id"], "date": dt.date(2026, 6, 1), "hours": points,
          "community_id": v["community_id"]} for v in vols],
        SYSTEM,
    )  # fmt: skip
    item = store.append("redemption_items", [{"name": "家电维修", "kind": "service",
                                              "points": 6}], SYSTEM)[0]  # fmt: skip
    return vols, item


@pytest.mark.parametrize("sequential", [False, True], ids=["at-once", "stale-cache"])
def test_two_redemptions_against_one_balance(spec, sequential) -> None:
    vols, item = _with_points(spec, TRIALS, 10.0)
    plan = [("redeem", {"volunteer": v["id"], "item": item["id"]}) for v in vols]
    results = run_workers(spec, [plan, plan], sequential)
    _exactly_one_ok(results, ("积分不足",))
    frames = open_spec(spec).read_all()
    bal = timebank.balances(frames)
    assert (bal["balance"] == 4.0).all(), bal
    assert len(frames["timebank_transactions"]) == TRIALS


def test_three_processes_spending_one_balance_never_overdraw(spec) -> None:
    vols, item = _with_points(spec, 1, 20.0)  # three 6-point redemptions fit, a fourth not
    plan = [("redeem", {"volunteer": vols[0]["id"], "item": item["id"]}) for _ in range(3)]
    results = run_workers(spec, [plan, plan, plan], sequential=False)
    statuses = Counter(s for outs in results.values() for _, s, _ in outs)
    assert statuses == {"ok": 3, "refused": 6}, results
    bal = timebank.balances(open_spec(spec).read_all())
    assert float(bal["balance"].iloc[0]) == 2.0


def test_certificates_issued_at_once_get_distinct_numbers(spec) -> None:
    vols, _ = _setup(spec, volunteers=1)
    plan = [("certificate", {"volunteer": vols[0]["id"]}) for _ in range(TRIALS)]
    results = run_workers(spec, [plan, plan, plan], sequential=False)
    numbers = [d for outs in results.values() for _, s, d in outs if s == "ok"]
    assert len(numbers) == 3 * TRIALS, results
    assert len(set(numbers)) == len(numbers), Counter(numbers).most_common(3)
    register = open_spec(spec).read_all()["certificates"]["number"]
    assert register.is_unique and len(register) == 3 * TRIALS


# --- SIGKILL during multi-table saves -------------------------------------------------------


def _no_half_actions(spec: Spec) -> None:
    store = open_spec(spec)
    frames = store.read_all(include_archived=True)
    ev, rec = frames["events"], frames["service_records"]
    mine = ev[ev["title"].str.startswith("巡逻")]
    assert len(mine) > 0, "the killed workers saved something"
    live = rec[~rec["archived"]].groupby("event_id").size()
    every = rec.groupby("event_id").size()
    for e in mine.to_dict("records"):
        assert every.get(e["id"], 0) == 5, f"event {e['title']} lost its records"
        expected = 0 if e["status"] == "cancelled" else 5
        assert live.get(e["id"], 0) == expected, f"{e['title']}: cancelled by half"
    audit = store.read("audit_log")
    created = set(audit.loc[audit["action"] == "create", "row_id"])
    assert set(mine["id"]) <= created and set(rec["id"]) <= created, "a row without audit"
    findings = [
        f
        for f in health.check(store)
        if f.kind in ("credited_twice", "records_archived", "held_without_records")
    ]
    assert findings == []


def test_sigkill_at_random_points_leaves_no_half_action(spec) -> None:
    vols, _ = _setup(spec, volunteers=8)
    com = vols[0]["community_id"]
    rng = random.Random(7)
    ids = [v["id"] for v in vols]
    for round_ in range(4):
        procs = [
            CTX.Process(target=keep_saving, args=(spec, ids, com, round_ * 10 + k))
            for k in range(2)
        ]  # fmt: skip
        for p in procs:
            p.start()
        time.sleep(2.5 + rng.uniform(0.0, 2.0))  # imports take ~2 s; then saves run
        for p in procs:
            os.kill(p.pid, signal.SIGKILL)
        for p in procs:
            p.join(timeout=10)
    _no_half_actions(spec)
    # A lease left by a killed process is taken over once it expires (2 s in these workers).
    started = time.monotonic()
    after = open_spec(spec, lease_ttl=2.0)
    after.append("communities", [{"name": "杀后社区"}], SYSTEM)
    assert time.monotonic() - started < 30
