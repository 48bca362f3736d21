"""Issue 12 in a real browser, on an office screen (1400 px) and a phone (390 px): the leaders'
glance (items 7-9) and the language kept in the address (item 11).

Uses the shared `server`, `browser` and `shoot` fixtures (tests/browser/conftest.py): a real
`streamlit run app.py` on the sample data, driven through Debian's chromium. Every screenshot
lands in artifacts/screenshots/ as `glance-<what>-<width>.png`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sltcore import demo
from sltcore.store.local import LocalStore

pytestmark = pytest.mark.browser

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
WIDTHS = (1400, 390)
TAB_TITLES = {
    "/dashboard": "概览 · 三里屯志愿服务工作台",
    "/record": "记录活动 · 三里屯志愿服务工作台",
    "/events": "活动 · 三里屯志愿服务工作台",
    "/volunteers": "志愿者 · 三里屯志愿服务工作台",
    "/teams": "队伍 · 三里屯志愿服务工作台",
    "/stars": "星级志愿者 · 三里屯志愿服务工作台",
    "/reports": "报表 · 三里屯志愿服务工作台",
    "/tables": "基础资料 · 三里屯志愿服务工作台",
    "/overview": "数据总览 · 三里屯志愿服务工作台",
}


@pytest.fixture(scope="module")
def sample(server) -> None:
    store = LocalStore(server.db)
    if demo.store_is_empty(store):
        demo.load_demo(store)
    store.close()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return request.param


@pytest.fixture
def page(browser, width) -> Iterator:
    """A new session (browser context) at `width`, a phone's height on a phone, in zh-CN."""
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 600 else 1000},
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        is_mobile=width < 600,
        has_touch=width < 600,
    )
    context.set_default_timeout(30_000)
    pg = context.new_page()
    yield pg
    context.close()


def settle(page, timeout: float = 60_000) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)


def open_path(page, server, path: str) -> None:
    page.goto(server.url + path)
    page.wait_for_selector('[data-testid="stMain"]', timeout=60_000)
    settle(page)


def open_sidebar(page) -> None:
    """On a phone the sidebar starts closed: open it as a person would."""
    switch = page.get_by_test_id("stSidebar").get_by_text("语言 Language")
    if switch.is_visible():
        box = switch.bounding_box()
        if box and box["x"] >= 0:
            return
    page.get_by_test_id("stExpandSidebarButton").click()
    switch.wait_for(state="visible")
    page.wait_for_timeout(400)  # the sidebar slides in


# --- item 9: every page its own address and tab title ---------------------------------------


def test_dashboard_answers_at_its_own_address(server, sample, page, width, shoot):
    open_path(page, server, "/dashboard")
    page.get_by_role("heading", name="志愿服务概览").wait_for()
    assert page.get_by_text("Page not found").count() == 0
    assert page.title() == TAB_TITLES["/dashboard"]
    shoot(page, f"glance-dashboard-address-{width}")

    open_path(page, server, "/")  # the root opens the same page, at its own address
    page.get_by_role("heading", name="志愿服务概览").wait_for()
    assert page.url.rstrip("/").endswith("/dashboard"), page.url


@pytest.mark.parametrize("width", [1400], indirect=True, ids=["1400px"])
def test_every_page_has_its_own_tab_title(server, sample, page, width):
    seen = {}
    for path, title in TAB_TITLES.items():
        open_path(page, server, path)
        page.wait_for_function("t => document.title === t", arg=title)
        seen[path] = page.title()
    assert seen == TAB_TITLES


# --- item 11: the language survives a reload, a new tab and a bookmark ----------------------


def test_english_stays_through_reload_new_tab_and_navigation(server, sample, page, width, shoot):
    open_path(page, server, "/teams")
    page.get_by_role("heading", name="队伍", exact=True).wait_for()
    open_sidebar(page)
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    settle(page)
    page.get_by_role("heading", name="Teams", exact=True).wait_for()
    assert "lang=en" in page.url, page.url

    page.reload()
    settle(page)
    page.get_by_role("heading", name="Teams", exact=True).wait_for()

    bookmark = page.url
    tab = page.context.new_page()  # a new tab of the same address
    tab.goto(bookmark)
    settle(tab)
    tab.get_by_role("heading", name="Teams", exact=True).wait_for()
    tab.close()

    open_sidebar(page)
    nav = page.get_by_test_id("stSidebarNav")
    nav.get_by_role("link", name="Volunteers", exact=True).click()
    settle(page)
    page.get_by_role("heading", name="Volunteers", exact=True).wait_for()
    page.wait_for_function("() => location.search.includes('lang=en')")
    page.reload()
    settle(page)
    page.get_by_role("heading", name="Volunteers", exact=True).wait_for()
    shoot(page, f"glance-english-after-reload-{width}")

    open_sidebar(page)
    page.get_by_test_id("stSidebar").get_by_role("radio", name="中文").click()
    settle(page)
    page.get_by_role("heading", name="志愿者", exact=True).wait_for()
    assert "lang=" not in page.url
