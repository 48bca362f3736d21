"""Local store figures: append cost at 1k vs 100k records, cold load at 100k, peak memory."""

from __future__ import annotations

import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sltcore import demo
from sltcore.auth import Actor
from sltcore.store.local import LocalStore

APPENDS = 60
COLD_RUNS = 5
_COLD = """
import resource, sys, time
t0 = time.perf_counter()
from sltcore.store.local import LocalStore
t1 = time.perf_counter()
frames = LocalStore(sys.argv[1]).read_all()
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(t2 - t1, rss, sum(len(f) for f in frames.values()))
"""


def build(path: Path, records: int) -> LocalStore:
    store = LocalStore(path)
    demo.load_demo(store, volunteers=max(200, records // 20), records=records, seed=1)
    return store


def median_append(store: LocalStore) -> float:
    """Median seconds to append one service record (a fresh volunteer-day each time)."""
    vols = store.read_all()["volunteers"]["id"].tolist()
    com = store.read_all()["communities"]["id"].iloc[0]
    actor = Actor("bench")
    times = []
    for i in range(APPENDS):
        row = {
            "volunteer_id": vols[i % len(vols)],
            "date": dt.date(2020, 1, 1) + dt.timedelta(days=i),
            "hours": 1.5,
            "community_id": com,
        }
        t0 = time.perf_counter()
        store.append("service_records", [row], actor)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def cold_load(path: Path) -> tuple[float, float, int]:
    """Median seconds to read every table in a fresh process, and its peak RSS in MiB."""
    runs = []
    for _ in range(COLD_RUNS):
        out = subprocess.run(
            [sys.executable, "-c", _COLD, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        secs, rss, rows = out.stdout.split()
        runs.append((float(secs), int(rss) / 1024, int(rows)))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[0][2]


def run(large: int = 100_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as d:
        small_store = build(Path(d) / "1k.db", 1000)
        t0 = time.perf_counter()
        big_store = build(Path(d) / "100k.db", large)
        build_secs = time.perf_counter() - t0
        a_small = median_append(small_store)
        a_big = median_append(big_store)
        load, rss, rows = cold_load(big_store.path)
    figures = {
        "append_1k_ms": a_small * 1000,
        "append_100k_ms": a_big * 1000,
        "append_ratio": a_big / a_small,
        "cold_load_100k_s": load,
        "cold_load_peak_rss_mib": rss,
        "rows_loaded": rows,
        "demo_build_100k_s": build_secs,
    }
    print("== local store (SQLite) ==")
    print(f"median append of 1 service record at 1k records:   {figures['append_1k_ms']:.2f} ms")
    print(
        f"median append of 1 service record at {large // 1000}k records: "
        f"{figures['append_100k_ms']:.2f} ms"
    )
    print(f"ratio 100k / 1k: {figures['append_ratio']:.2f}  (target <= 1.5)")
    print(
        f"cold load of all tables at {large // 1000}k records ({rows} rows), median of "
        f"{COLD_RUNS}: {load:.2f} s  (target < 2 s)"
    )
    print(f"peak memory of that process: {rss:.0f} MiB")
    print(f"(building the {large // 1000}k sample took {build_secs:.1f} s)")
    return figures
