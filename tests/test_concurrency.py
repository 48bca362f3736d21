"""Many sessions and processes writing one SQLite file at once lose and duplicate nothing."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import threading
from pathlib import Path

from sltcore.auth import Actor
from sltcore.errors import ValidationError
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

THREADS, PROCESSES, BATCHES, BATCH = 8, 2, 10, 5


def _writer(path: str, name: str, vol: dict, offset: int) -> None:
    s = LocalStore(path)
    actor = Actor(name)
    for b in range(BATCHES):
        rows = [
            record_row(
                vol, 0.5, day=dt.date(2025, 1, 1) + dt.timedelta(days=offset + b * BATCH + i)
            )
            for i in range(BATCH)
        ]
        s.append("service_records", rows, actor)
    s.close()


def test_threads_and_processes_append_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    s = LocalStore(path)
    v = volunteer(s, community(s)["id"])
    span = BATCHES * BATCH
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(path), f"proc{i}", v, (THREADS + i) * span))
             for i in range(PROCESSES)]  # fmt: skip
    threads = [threading.Thread(target=_writer, args=(str(path), f"t{i}", v, i * span))
               for i in range(THREADS)]  # fmt: skip
    for w in [*procs, *threads]:
        w.start()
    for w in [*procs, *threads]:
        w.join(timeout=120)
    assert all(p.exitcode == 0 for p in procs)
    recs = s.read_all()["service_records"]
    expected = (THREADS + PROCESSES) * span
    assert len(recs) == expected, "no row lost"
    assert recs["id"].is_unique and recs["date"].is_unique, "no row duplicated"
    assert set(recs["created_by"]) == {f"t{i}" for i in range(THREADS)} | {"proc0", "proc1"}
    audit = s.read("audit_log")
    assert (audit["table_name"] == "service_records").sum() == expected


def test_concurrent_writers_cannot_together_exceed_24_hours(tmp_path: Path) -> None:
    s = LocalStore(tmp_path / "day.db")
    v = volunteer(s, community(s)["id"])
    outcomes: list[str] = []
    lock = threading.Lock()

    def add() -> None:
        mine = LocalStore(s.path)
        try:
            mine.append("service_records", [record_row(v, 5)], Actor("racer"))
            result = "ok"
        except ValidationError:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=add) for _ in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("ok") == 4 and outcomes.count("refused") == 4
    assert s.read_all()["service_records"]["hours"].sum() == 20
