"""Benchmark: prints the figures the README's Performance section quotes.

Run from the project root: `python -m bench.run` (or `python bench/run.py`). Noisy machines:
read medians and ratios, not single timings.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SLT_TODAY", "2026-11-29")

SECTIONS = ("local_store", "gsheets", "dashboard", "imports")


def main() -> int:
    p = argparse.ArgumentParser(description="Sanlitun volunteer desk benchmark")
    p.add_argument("--only", choices=SECTIONS, action="append", help="run only these sections")
    p.add_argument("--records", type=int, default=100_000, help="large data set size")
    args = p.parse_args()
    from bench import quiet_streamlit

    quiet_streamlit()
    for name in args.only or SECTIONS:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError:
            print(f"== {name}: not available ==")
            continue
        module.run(args.records)
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
