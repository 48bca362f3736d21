"""Dashboard figures at 1k and at 100k service records: analytics time, cold and cached rerun of
the page (AppTest on app.py, which opens on the dashboard: navigation, sidebar and page, as a
user gets them), and the bytes of chart data sent to the browser per page view.

Targets (issue 5): cached rerun at 100k within 1.5x of the cached rerun at 1k; chart data
under 200 KB per page view at 100k.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
RERUNS = 10
ANALYTICS_RUNS = 5


def _build(path: Path, records: int) -> None:
    from sltcore import demo
    from sltcore.store.local import LocalStore

    store = LocalStore(path)
    demo.load_demo(store, volunteers=max(200, records // 10), records=records, seed=5)
    store.close()


def _analytics_seconds(path: Path) -> tuple[float, float]:
    """(read_all, prepare + every dashboard aggregate) medians, in seconds."""
    from sltcore import clock
    from sltcore.services import analytics
    from sltcore.store.local import LocalStore

    store = LocalStore(path)
    period = analytics.make_period("this_year", clock.today())
    reads, aggs = [], []
    for _ in range(ANALYTICS_RUNS):
        t0 = time.perf_counter()
        frames = store.read_all()
        t1 = time.perf_counter()
        analytics.dashboard(analytics.prepare(frames), period)
        aggs.append(time.perf_counter() - t1)
        reads.append(t1 - t0)
    store.close()
    return statistics.median(reads), statistics.median(aggs)


def _page(path: Path) -> dict[str, float]:
    from streamlit.testing.v1 import AppTest

    from sltcore import i18n

    os.environ["SLT_DB"] = str(path)
    os.environ["SLT_BACKEND"] = "local"
    at = AppTest.from_file(str(APP), default_timeout=300)
    t0 = time.perf_counter()
    at.run()  # the dashboard is the app's default page
    cold = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])
    if not at.title or at.title[0].value != i18n.t("dash.title", "zh"):
        raise RuntimeError("the app did not open on the dashboard")
    reruns = []
    for _ in range(RERUNS):
        t0 = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - t0)
    charts = at.get("vega_lite_chart")
    return {
        "cold": cold,
        "cached": statistics.median(reruns),
        "charts": len(charts),
        "chart_bytes": sum(c.proto.ByteSize() for c in charts),
        "chart_data_bytes": sum(d.ByteSize() for c in charts for d in c.proto.datasets),
    }


def run(records: int = 100_000) -> dict[str, float]:
    """Print and return the figures; `records` is the large size (1k is always measured)."""
    os.environ.setdefault("SLT_TODAY", "2026-11-29")
    from sltcore import clock

    old_cwd = Path.cwd()
    os.chdir(ROOT)
    out: dict[str, float] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in (1_000, records):
                path = Path(tmp) / f"dash-{size}.db"
                t0 = time.perf_counter()
                _build(path, size)
                built = time.perf_counter() - t0
                read, agg = _analytics_seconds(path)
                page = _page(path)
                key = f"{size // 1000}k"
                out.update({f"{key}_{k}": v for k, v in page.items()})
                out[f"{key}_read_all"], out[f"{key}_analytics"] = read, agg
                out[f"{key}_build"] = built
    finally:
        os.chdir(old_cwd)
    small, large = "1k", f"{records // 1000}k"
    ratio = out[f"{large}_cached"] / out[f"{small}_cached"]
    out["cached_ratio"] = ratio
    print(
        f"== Dashboard at {small} and {large} service records (today {clock.today()}; analytics: "
        "this year; page: AppTest on app.py, default filters) =="
    )
    print(f"{'':34}{small:>12}{large:>12}")
    rows = (
        ("read_all (s)", "read_all", "{:.3f}"),
        ("analytics: prepare + aggregates (s)", "analytics", "{:.3f}"),
        ("page, cold run (s)", "cold", "{:.3f}"),
        ("page, cached rerun, median (s)", "cached", "{:.3f}"),
        ("charts drawn", "charts", "{:.0f}"),
        ("chart specs + data per view (KB)", "chart_bytes", "{:.1f}"),
        ("  of which data (KB)", "chart_data_bytes", "{:.1f}"),
    )
    for label, key, fmt in rows:
        a, b = out[f"{small}_{key}"], out[f"{large}_{key}"]
        if "bytes" in key:
            a, b = a / 1024, b / 1024
        print(f"{label:34}{fmt.format(a):>12}{fmt.format(b):>12}")
    target = "OK" if ratio <= 1.5 else "MISSED"
    kb = out[f"{large}_chart_bytes"] / 1024
    print(f"cached rerun {large} / {small}: {ratio:.2f}x (target <= 1.5x: {target})")
    print(f"chart bytes per view at {large}: {kb:.1f} KB (target < 200 KB: "
          f"{'OK' if kb < 200 else 'MISSED'})")  # fmt: skip
    return out


if __name__ == "__main__":
    run()
