"""Sign-in, roles and typed text in a real browser (chromium, headless, loopback only).

One server with accounts configured (a real secrets file, argon2 hashes) on a small data set
whose volunteer's name and event's title hold Markdown, HTML and links. Every request the
browser makes is recorded: none may go to another host.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from sltcore.auth import SYSTEM
from sltcore.store.local import LocalStore
from tests.auth_helpers import PASSWORD, write_secrets
from tests.browser.conftest import ROOT, TODAY, Server, _free_port, _require_chromium
from tests.browser.conftest import _wait_until_serving as wait_until_serving
from tests.helpers import community, record_row, volunteer

pytestmark = pytest.mark.browser

EVIL_NAME = "![](http://evil.example/x.png)<b>王</b>[点我](http://evil.example)"
EVIL_TITLE = "**慰问**<img src=http://evil.example/y.png>[报名](http://evil.example/z)"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    _require_chromium()
    work = tmp_path_factory.mktemp("auth-browser")
    db = work / "desk.db"
    s = LocalStore(db)
    com = community(s, "北三里")
    v = volunteer(s, com["id"], name=EVIL_NAME, mobile="13800005678")
    ev_row = {"title": EVIL_TITLE, "date": dt.date(2026, 11, 20), "community_id": com["id"],
              "category": "care"}  # fmt: skip
    ev = s.append("events", [ev_row], SYSTEM)[0]
    s.append("service_records", [record_row(v, 2, day=dt.date(2026, 11, 20),
                                            event_id=ev["id"])], SYSTEM)  # fmt: skip
    s.close()
    secrets = write_secrets(work / "secrets.toml", {"wang": ["北三里"]})
    port = _free_port()
    env = {**os.environ, "SLT_DB": str(db), "SLT_TODAY": TODAY, "SLT_BACKEND": "local",
           "SLT_SECRETS": str(secrets), "PYTHONUNBUFFERED": "1"}  # fmt: skip
    log = work / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    srv = Server(f"http://127.0.0.1:{port}", db, process, log)
    try:
        wait_until_serving(srv)
        yield {"server": srv, "vol": v, "event": ev}
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def watched(page):
    """The page, with every request's host recorded."""
    hosts: list[str] = []
    page.on("request", lambda r: hosts.append(urlparse(r.url).hostname or ""))
    page.hosts = hosts
    return page


def settle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=30_000)


def sign_in(page, server, user: str, path: str = "/") -> None:
    page.goto(server.url + path)
    page.get_by_label("用户名").wait_for(timeout=60_000)
    settle(page)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_test_id("stSidebarNav").wait_for(timeout=30_000)
    settle(page)


def test_an_unsigned_visitor_sees_only_the_sign_in_page(desk, watched, shoot):
    server = desk["server"]
    for path in ("/", "/volunteers", f"/events?event={desk['event']['id']}", "/admin"):
        watched.goto(server.url + path)
        watched.get_by_label("用户名").wait_for(timeout=60_000)
        settle(watched)
        body = watched.inner_text("body")
        assert "登录三里屯街道志愿服务工作台" in body, path
        assert "王" not in body.replace("登录三里屯街道志愿服务工作台", ""), path
        assert "慰问" not in body and "北三里" not in body and "138" not in body, path
        assert watched.get_by_test_id("stSidebarNav").count() == 0, path
    shoot(watched, "auth-signin")
    assert set(watched.hosts) <= {"127.0.0.1"}, set(watched.hosts)


def test_a_viewer_sees_no_edit_control(desk, watched, shoot):
    server = desk["server"]
    # A bookmark opened before signing in: sign-in leads there (a reload is a new session).
    sign_in(watched, server, "leader", f"/volunteers?vol={desk['vol']['id']}")
    nav = watched.get_by_test_id("stSidebarNav").inner_text()
    assert "记录活动" not in nav and "操作日志" not in nav and "志愿者" in nav
    body = watched.inner_text("body")
    for control in ("修改信息", "归档", "显示完整号码", "登记新志愿者"):
        assert control not in body, control
    assert "13800005678" not in body and "138****5678" in body
    shoot(watched, "auth-viewer-profile")
    sign_in(watched, server, "leader", f"/events?event={desk['event']['id']}")
    body = watched.inner_text("body")
    for control in ("修改活动信息", "取消这次活动", "更正个人记录", "为本活动记录"):
        assert control not in body, control
    assert set(watched.hosts) <= {"127.0.0.1"}, set(watched.hosts)


@pytest.mark.parametrize(
    "path",
    ["/volunteers?vol={vol}", "/events?event={event}", "/volunteers", "/events", "/record",
     "/dashboard", "/stars", "/audit"],
)  # fmt: skip
def test_typed_markup_shows_literally_with_no_request_elsewhere(desk, watched, shoot, path):
    server = desk["server"]
    sign_in(watched, server, "admin", path.format(vol=desk["vol"]["id"], event=desk["event"]["id"]))
    watched.get_by_test_id("stHeading").first.wait_for(timeout=60_000)
    settle(watched)
    main = watched.get_by_test_id("stMain")
    leaks = main.locator("a[href*='evil.example'], img[src*='evil.example']")
    assert leaks.count() == 0, [leaks.nth(i).evaluate("e => e.parentElement.outerHTML")
                                for i in range(leaks.count())]  # fmt: skip
    assert main.locator("b, strong").filter(has_text="王").count() == 0
    seen = main.inner_text().replace("\u2060", "")  # md()'s invisible joiners show nothing
    if "vol=" in path:
        assert EVIL_NAME in seen
    if "event=" in path:
        assert EVIL_TITLE in seen
    name = path.strip("/").split("?")[0] + ("-item" if "?" in path else "")
    shoot(watched, f"auth-typed-{name}")
    assert set(watched.hosts) <= {"127.0.0.1"}, set(watched.hosts)


def _sweep_tooltips(page, chart) -> list[tuple[str, str]]:
    """Move the mouse over a grid of the chart and collect each tooltip shown: (text, html)."""
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = chart.bounding_box()
    seen: list[tuple[str, str]] = []
    for fy in [i / 14 for i in range(1, 14)]:
        for fx in [i / 16 for i in range(1, 16)]:
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            tip = page.locator("#vg-tooltip-element.visible")
            if tip.count():
                got = (tip.inner_text(), tip.inner_html())
                if got not in seen:
                    seen.append(got)
    return seen


def test_chart_tooltips_show_a_typed_name_as_text(desk, watched, shoot):
    """Tooltips are HTML built by the chart library: a volunteer's name holding markup must
    arrive there as text (vega-tooltip escapes it), never as an image or a link."""
    sign_in(watched, desk["server"], "admin", "/dashboard")
    watched.get_by_test_id("stVegaLiteChart").first.wait_for(timeout=60_000)
    settle(watched)
    tips: list[tuple[str, str]] = []
    charts = watched.get_by_test_id("stVegaLiteChart")
    for i in range(charts.count()):
        tips += _sweep_tooltips(watched, charts.nth(i))
    named = [(t, h) for t, h in tips if "evil.example" in t]
    assert named, f"no tooltip showed the typed name; saw {[t for t, _ in tips][:5]}"
    for text, html in named:
        assert EVIL_NAME in text.replace("\n", "")
        assert "<img" not in html and "<a " not in html and "<b>" not in html, html
        assert "&lt;b&gt;" in html or "&lt;b>" in html, html
    shoot(watched, "auth-typed-tooltip")
    assert set(watched.hosts) <= {"127.0.0.1"}, set(watched.hosts)
