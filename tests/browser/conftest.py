"""A real `streamlit run app.py` and Debian's chromium, driven by Playwright for Python.

One server per test module (Streamlit takes a few seconds to start), on a fresh SQLite file,
with today pinned; screenshots go to artifacts/screenshots/ where CI keeps them. Without
/usr/bin/chromium the tests skip locally but fail under CI (CI=true): they never skip silently
there.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = "2026-11-29"
SHOTS = ROOT / "artifacts" / "screenshots"
START_TIMEOUT = 60.0


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI: {message}")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    db: Path
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def _wait_until_serving(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"streamlit did not serve within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`streamlit run app.py` on a free port and a fresh, empty database."""
    _require_chromium()
    work = tmp_path_factory.mktemp("browser")
    port = _free_port()
    env = {
        **os.environ,
        "SLT_DB": str(work / "desk.db"),
        "SLT_TODAY": TODAY,
        "SLT_BACKEND": "local",
        "PYTHONUNBUFFERED": "1",
    }
    log = work / "streamlit.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    srv = Server(f"http://127.0.0.1:{port}", work / "desk.db", process, log)
    try:
        _wait_until_serving(srv)
        yield srv
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS.parent / f"streamlit-{port}.log").write_bytes(log.read_bytes())


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (a new Streamlit session) at office-screen size, in zh-CN."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture
def shoot():
    """`shoot(page, name)` saves a full-page screenshot as artifacts/screenshots/<name>.png."""

    def _shoot(page, name: str) -> Path:
        # Streamlit scrolls inside its main pane, not the document: grow the window to the
        # pane's height for the picture, from the top, then restore it.
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        size = page.viewport_size
        height = page.evaluate(
            """() => { const m = document.querySelector('[data-testid="stMain"]');
                       if (m) m.scrollTo(0, 0); return m ? m.scrollHeight : 0; }"""
        )
        page.set_viewport_size({"width": size["width"], "height": min(max(height, 600), 5000)})
        page.wait_for_timeout(400)
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(size)
        return path

    return _shoot


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, keep a picture of what the browser showed (for CI)."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and page is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", item.name)
        with contextlib.suppress(Exception):
            page.screenshot(path=str(SHOTS / f"FAILED-{name}.png"), full_page=True)
