"""Issue 12 in a real browser, on an office screen (1400 px) and a phone (390 px): the leaders'
glance (items 7-9) and the language kept in the address (item 11).

Uses the shared `server`, `browser` and `shoot` fixtures (tests/browser/conftest.py): a real
`streamlit run app.py` on the sample data, driven through Debian's chromium. Every screenshot
lands in artifacts/screenshots/ as `glance-<what>-<width>.png`.
"""

from __future__ import annotations

import re
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


# --- items 7 and 8: the leaders' glance on an office screen and on a phone -------------------

CHART_TEXTS = """(title) => {
  const chart = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
    .find(c => c.textContent.includes(title));
  if (!chart) return null;
  const svg = chart.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const shown = (sel) => [...svg.querySelectorAll(sel)].filter(t => {
    const r = t.getBoundingClientRect();
    return r.width > 0 && getComputedStyle(t).opacity !== '0'
      && t.getAttribute('opacity') !== '0' && r.left >= box.left - 1 && r.right <= box.right + 1;
  }).map(t => t.textContent);
  return {legend: shown('.role-legend-label text'), axis: shown('.role-axis-label text')};
}"""
COMMUNITIES = ["幸福一村", "幸福二村", "北三里", "东三里", "中三里", "中纺里", "白家庄西里"]


def wait_for_charts(page, at_least: int = 7) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=\"stVegaLiteChart\"] svg').length >= n",
        arg=at_least,
        timeout=60_000,
    )
    page.wait_for_timeout(800)  # the charts lay themselves out to their width


def chart_texts(page, title: str) -> dict:
    texts = page.evaluate(CHART_TEXTS, title)
    assert texts is not None, f"no chart titled {title}"
    return texts


def cards_per_row(page) -> list[int]:
    tops = [round(m.bounding_box()["y"]) for m in page.get_by_test_id("stMetric").all()]
    return [tops.count(t) for t in sorted(set(tops))]


def test_first_view_says_what_it_compares(server, sample, page, width, shoot):
    open_path(page, server, "/dashboard")
    wait_for_charts(page)
    assert page.get_by_test_id("stMain").get_by_role("radio", name="近30天").is_checked()
    line = page.get_by_text("与之前30天").first.inner_text()
    assert "近30天（2026年10月31日至2026年11月29日）与之前30天" in line.replace("\n", ""), line
    assert "（2026年10月1日至2026年10月30日）" in line
    shoot(page, f"glance-dashboard-{width}")


def test_every_community_label_shows_and_legends_fit(server, sample, page, width, shoot):
    open_path(page, server, "/dashboard")
    # 今年: the view where 3 of the 7 names went missing
    page.get_by_test_id("stMain").get_by_role("radio", name="今年").click()
    settle(page)
    wait_for_charts(page)
    for title in ("在册志愿者参与率", "每千名常住人口服务时长", "各社区服务时长"):
        axis = chart_texts(page, title)["axis"]
        assert sorted(set(axis) & set(COMMUNITIES)) == sorted(COMMUNITIES), (title, axis)
    for title in ("近24个月服务时长（按社区）", "近24个月新注册志愿者"):
        legend = chart_texts(page, title)["legend"]
        assert sorted(legend) == sorted(COMMUNITIES), (title, legend)
    rows = cards_per_row(page)
    assert sum(rows) == 6
    assert rows == [6] if width >= 1000 else max(rows) >= 2, rows  # never one card a row
    shoot(page, f"glance-this-year-{width}")


def test_one_community_has_whole_number_counts(server, sample, page, width, shoot):
    open_path(page, server, "/dashboard")
    box = page.get_by_role("combobox", name="社区")
    box.click()
    page.get_by_role("option", name="中纺里").click()
    page.keyboard.press("Escape")
    settle(page)
    wait_for_charts(page, 6)
    for title in ("星级志愿者分布", "近24个月新注册志愿者"):
        ticks = [t for t in chart_texts(page, title)["axis"] if re.fullmatch(r"[\d.,]+", t)]
        assert ticks and all("." not in t for t in ticks), (title, ticks)
    shoot(page, f"glance-one-community-{width}")


def test_one_box_finds_and_adds_volunteers(server, sample, page, width, shoot) -> None:
    """Item 10: Enter adds the one person found (a unique phone suffix), and pinyin initials
    offer several as one-click buttons, on an office screen and on a phone."""
    from sltcore.identity import mask_phone
    from sltcore.services.attendance import pinyin_keys

    store = LocalStore(server.db)
    vols = store.read_all()["volunteers"]
    store.close()
    vols = vols[vols["status"].fillna("active") == "active"]
    suffix = vols["mobile"].str[-4:]
    unique = vols[~suffix.duplicated(keep=False)].iloc[0]
    initials = vols["name"].map(lambda n: pinyin_keys(n)[1])
    common = initials.value_counts()
    several = next(q for q in common[(common > 1) & (common <= 8)].index
                   if 1 < sum(q in pinyin_keys(n)[0] or pinyin_keys(n)[1].startswith(q)
                              for n in vols["name"]) <= 12)  # fmt: skip
    open_path(page, server, "/record")
    search = page.get_by_label("查找志愿者")
    search.fill(unique["mobile"][-4:])
    search.press("Enter")
    settle(page)
    label = f"{unique['name']} · {mask_phone(unique['mobile'])}"
    page.get_by_test_id("stMultiSelect").get_by_text(label).first.wait_for()
    assert search.input_value() == "", "the box is ready for the next person"
    search.fill(several)
    search.press("Enter")
    settle(page)
    pills = page.get_by_test_id("stButtonGroup").get_by_role("button")
    assert pills.count() > 1, "several matches: one button each"
    picked = pills.first.inner_text().split(" · ")[0]
    keys = pinyin_keys(picked)
    assert keys[1].startswith(several) or several in keys[0], (picked, several)
    pills.first.click()
    settle(page)
    page.get_by_test_id("stMultiSelect").get_by_text(picked).first.wait_for()
    shoot(page, f"glance-finder-{width}")
