"""`python -m bench.run` prints its figures without Streamlit's bare-mode warnings (issue 12,
item 16: dozens of "missing ScriptRunContext" lines buried them)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_the_dashboard_bench_prints_figures_and_no_bare_mode_warnings(tmp_path) -> None:
    env = {**os.environ, "SLT_TODAY": "2026-11-29", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--only", "dashboard", "--records", "2000"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "== Dashboard at 1k and 2k service records" in done.stdout
    assert "page, cached rerun, median (s)" in done.stdout
    assert "ScriptRunContext" not in done.stderr + done.stdout
    assert "Session state does not function" not in done.stderr + done.stdout
