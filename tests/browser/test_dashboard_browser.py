"""The dashboard in a real browser on the sample data: it renders, and its screenshot is kept.

Uses the shared `server`, `page` and `shoot` fixtures (tests/browser/conftest.py): a real
`streamlit run app.py` driven through Debian's chromium. The screenshot is saved as
artifacts/screenshots/dashboard.png and copied to docs/screenshots/dashboard.png, which the
README shows.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sltcore import demo
from sltcore.store.local import LocalStore

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS_COPY = ROOT / "docs" / "screenshots" / "dashboard.png"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART_MARKS = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
CHARTS_EXPECTED = 7  # the sample data fills at least 7 of the 9 charts
WIDTH = 1440


def test_dashboard_on_sample_data(server, page, shoot) -> None:
    store = LocalStore(server.db)
    if demo.store_is_empty(store):
        demo.load_demo(store)  # the same data as the first-run button loads
    store.close()

    page.set_viewport_size({"width": WIDTH, "height": 1200})
    page.goto(server.url + "/")
    page.get_by_role("heading", name="志愿服务概览").wait_for(timeout=60_000)
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length >= n",
        arg=[CHART_MARKS, CHARTS_EXPECTED],
        timeout=60_000,
    )
    assert page.locator('[data-testid="stMetric"]').count() == 6
    assert page.locator('[data-testid="stException"]').count() == 0
    for title in ("各社区服务时长", "近24个月服务时长（按社区）", "公益英雄榜：服务时长前10名"):
        assert page.get_by_text(title, exact=True).count() >= 1, title
    assert page.get_by_text("在册志愿者", exact=True).count() >= 1

    # Streamlit scrolls inside its main block, so a "full page" shot would stop at the window:
    # grow the window to the content first, so one picture holds the whole dashboard.
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"] *')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": WIDTH, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(1500)  # the charts re-lay themselves out to the new width
    shot = shoot(page, "dashboard")
    assert shot.stat().st_size > 50_000
    DOCS_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, DOCS_COPY)
