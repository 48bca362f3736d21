"""The daily flows in a real browser: first run, recording an event, switching language.

The module shares one server, so the tests run in file order on one database: the first run
loads the sample data the later flows use (each later flow also loads it if run alone).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from sltcore import clock, demo
from sltcore.identity import mask_phone
from sltcore.services import events, volunteers
from sltcore.store.local import LocalStore

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
README_SHOT = ROOT / "docs" / "screenshots" / "record.png"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def settle(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the run an interaction started."""
    page.wait_for_timeout(250)
    page.wait_for_selector(IDLE, timeout=timeout)


def open_desk(page, server, path: str = "/") -> None:
    page.goto(server.url + path)
    page.wait_for_selector('[data-testid="stSidebar"]', timeout=60_000)
    settle(page, 60_000)


def go(page, nav_label: str) -> None:
    """Click a page in the sidebar navigation, as a coordinator does."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=nav_label, exact=True).click()
    settle(page)


def choose(page, label: str, option: str) -> None:
    """Pick `option` in the select box labelled `label` (typing filters the list)."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).first.click()
    settle(page)


def find_and_add(page, person: dict) -> None:
    """The one box: a phone suffix and Enter add the one person found; if several match,
    their one-click button adds them."""
    search = page.get_by_label("查找志愿者")
    search.fill(person["mobile"][-4:])
    search.press("Enter")
    settle(page)
    label = f"{person['name']} · {mask_phone(person['mobile'])}"
    pill = page.get_by_role("button", name=re.compile("^" + re.escape(label)))
    if pill.count():
        pill.first.click()
        settle(page)
    page.get_by_test_id("stMultiSelect").get_by_text(label).first.wait_for()


def type_time(page, label: str, hh: str, mm: str) -> None:
    page.get_by_role("spinbutton", name=f"小时, {label}").type(hh)
    page.get_by_role("spinbutton", name=f"分钟, {label}").type(mm)
    page.keyboard.press("Tab")
    settle(page)


@pytest.fixture
def sample_data(server) -> LocalStore:
    """The sample data set in the server's database (loaded here if the first test did not)."""
    store = LocalStore(server.db)
    if demo.store_is_empty(store):
        demo.load_demo(store)
    yield store
    store.close()


def test_first_run_loads_the_sample_data(server, page, shoot):
    open_desk(page, server)
    page.get_by_text("欢迎使用！数据库还是空的").wait_for()
    shoot(page, "first-run")
    page.get_by_role("button", name="载入示例数据").click()
    page.get_by_text("欢迎使用！数据库还是空的").wait_for(state="detached", timeout=120_000)
    settle(page, 120_000)
    assert page.get_by_text("载入示例数据").count() == 0
    shoot(page, "first-run-loaded")
    store = LocalStore(server.db)
    try:
        frames = store.read_all()
    finally:
        store.close()
    at_events = int(frames["service_records"]["event_id"].notna().sum())
    assert len(frames["volunteers"]) == 1200 and at_events == 12000


def _three_volunteers(store: LocalStore) -> list[dict]:
    """Three active volunteers of one community with no record today, and a unique phone end."""
    frames = store.read_all()
    vols = frames["volunteers"]
    busy = set(frames["service_records"].query("date == '2026-11-29'")["volunteer_id"])
    suffix_count = vols["mobile"].str[-4:].value_counts()
    ok = vols[
        (vols["status"] == "active")
        & ~vols["id"].isin(busy)
        & vols["mobile"].str[-4:].map(suffix_count).eq(1)
    ]
    community = ok["community_id"].mode()[0]
    return ok[ok["community_id"] == community].head(3).to_dict("records")


def test_record_an_event_with_three_attendees_then_see_the_hours(server, page, shoot, sample_data):
    people = _three_volunteers(sample_data)
    first = people[0]
    before = volunteers.profile(sample_data.read_all(), first["id"], "zh").hours_year
    community = sample_data.get("communities", first["community_id"])["name"]

    open_desk(page, server)
    go(page, "记录活动")
    page.get_by_text("新建活动", exact=True).click()
    settle(page)
    page.get_by_label("活动名称 *").fill("楼道清扫与垃圾分类宣传")
    page.get_by_label("地点").fill(f"{community}社区3号楼")
    settle(page)
    type_time(page, "开始时间", "09", "00")
    type_time(page, "结束时间", "11", "30")
    choose(page, "社区 *", community)
    choose(page, "服务类别 *", "绿色环保")
    page.get_by_text("活动时长 2.5 小时").wait_for()

    for person in people:
        find_and_add(page, person)
    for person in people:  # each defaults to the event's length
        assert page.get_by_label(f"{person['name']} 的时长（小时）").input_value() == "2.5"
    hours = page.get_by_label(f"{people[2]['name']} 的时长（小时）")
    hours.fill("2")
    hours.press("Enter")
    settle(page)
    page.get_by_label("服务内容").fill("清扫楼道，宣传垃圾分类")
    page.get_by_label("服务内容").press("Tab")  # commit, as leaving the box does
    settle(page)
    page.get_by_text("共 3 人，合计 7 小时").wait_for()
    shot = shoot(page, "record")
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, README_SHOT)  # the README shows this one

    page.get_by_role("button", name="保存记录").click()
    settle(page)
    page.get_by_text("刚刚保存：楼道清扫与垃圾分类宣传，3 人，共 7 小时").wait_for()
    shoot(page, "record-saved")
    assert page.get_by_label("查找志愿者").input_value() == "", "the form is cleared"

    page.goto(f"{server.url}/volunteers?vol={first['id']}")
    settle(page)
    metric = page.get_by_test_id("stMetric").filter(has_text="2026年服务时长")
    expected = f"{before + 2.5:g} 小时"
    assert expected in metric.inner_text(), (metric.inner_text(), expected)
    event_cell = page.locator('[data-testid^="glide-cell"]', has_text="楼道清扫与垃圾分类宣传")
    event_cell.first.wait_for(state="attached")  # canvas grid: cells exist, hidden
    assert mask_phone(first["mobile"]) in page.content()
    assert first["mobile"] not in page.content(), "the full phone number never reaches the page"
    shoot(page, "profile")


def test_english_switch_changes_the_labels(server, page, shoot, sample_data):
    open_desk(page, server)
    go(page, "记录活动")
    page.get_by_role("heading", name="记录活动").wait_for()
    page.get_by_text("新建活动", exact=True).click()
    settle(page)
    choose(page, "服务类别 *", "绿色环保")
    page.get_by_test_id("stSidebar").get_by_role("radio", name="English").click()
    settle(page)
    page.get_by_role("heading", name="Record activity").wait_for()
    # what was chosen stays chosen, now shown in English
    assert page.get_by_role("radio", name="Create a new event").is_checked()
    category = page.get_by_test_id("stSelectbox").filter(has_text="Service category")
    assert "Environment" in category.inner_html()
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_role("link", name="Volunteers", exact=True).count() == 1
    assert page.get_by_role("button", name="Save records").count() == 1
    shoot(page, "record-en")
    go(page, "Volunteers")
    page.get_by_role("heading", name="Volunteers").wait_for()
    shoot(page, "volunteers-en")


def test_a_refusal_names_the_person_and_keeps_the_form(server, page, shoot, sample_data):
    frames = sample_data.read_all()
    event_id, label = next(iter(events.recordable(frames, clock.today(), "zh").items()))
    rec = frames["service_records"]
    vols = frames["volunteers"].set_index("id")
    suffixes = vols["mobile"].str[-4:].value_counts()
    attended = [
        v
        for v in rec.loc[rec["event_id"] == event_id, "volunteer_id"]
        if vols.loc[v, "status"] == "active" and suffixes[vols.loc[v, "mobile"][-4:]] == 1
    ]
    person = vols.loc[attended[0]]

    open_desk(page, server)
    go(page, "记录活动")
    choose(page, "选择活动", label)
    find_and_add(page, person)
    page.get_by_label("服务内容").fill("补录")
    page.get_by_label("服务内容").press("Tab")
    settle(page)
    before = len(sample_data.read("service_records"))
    page.get_by_role("button", name="保存记录").click()
    settle(page)
    alert = page.get_by_test_id("stAlert").filter(has_text="没有保存")
    text = alert.inner_text()
    assert person["name"] in text and "已有这次活动的服务记录" in text, text
    assert page.get_by_label("服务内容").input_value() == "补录", "the form keeps what was typed"
    assert len(sample_data.read("service_records")) == before
    shoot(page, "record-refused")


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/events", "活动"), ("/volunteers", "志愿者"), ("/teams", "队伍"), ("/tables", "基础资料")],
)
def test_daily_pages_render_in_chinese(server, page, shoot, sample_data, path, heading):
    open_desk(page, server)
    page.goto(server.url + path)
    settle(page)
    page.get_by_role("heading", name=heading, exact=True).wait_for()
    assert page.get_by_test_id("stException").count() == 0
    shoot(page, path.strip("/"))


def _event_with_records(store: LocalStore) -> tuple[str, str]:
    """A past, live event with at least two records: (id, title)."""
    frames = store.read_all()
    counts = frames["service_records"].groupby("event_id").size()
    ev = frames["events"].set_index("id")
    ok = [
        e
        for e in counts[counts >= 2].index
        if e in ev.index and ev.loc[e, "status"] != "cancelled" and ev.loc[e, "date"].year == 2026
    ]
    return ok[-1], str(ev.loc[ok[-1], "title"])


def test_correct_one_record_and_see_what_cancelling_would_archive(server, page, shoot, sample_data):
    event_id, title = _event_with_records(sample_data)
    open_desk(page, server)
    page.goto(f"{server.url}/events?event={event_id}")
    settle(page)
    page.get_by_role("heading", name=title).wait_for()
    fix = page.get_by_test_id("stExpander").filter(has_text="更正个人记录")
    fix.get_by_text("更正个人记录").click()
    settle(page)
    fix.get_by_role("combobox", name="选择要更正的记录").click()
    option = page.get_by_role("option").first
    name = option.inner_text().split(" · ")[0]
    option.click()
    settle(page)
    fix.get_by_role("spinbutton", name="服务时长（小时）").fill("1.5")
    fix.get_by_role("textbox", name="服务内容").fill("更正：提前离开")
    fix.get_by_role("button", name="保存").click()
    settle(page)
    page.get_by_text(f"已更正 {name} 的记录").wait_for()
    rec = sample_data.read("service_records")
    mine = rec[(rec["event_id"] == event_id) & (rec["content"] == "更正：提前离开")]
    assert list(mine["hours"]) == [1.5]

    cancel = page.get_by_test_id("stExpander").filter(has_text="取消这次活动")
    cancel.get_by_text("取消这次活动").click()
    settle(page)
    n = int((rec["event_id"] == event_id).sum())
    cancel.get_by_text(f"这次活动的 {n} 条服务记录").wait_for()
    assert cancel.get_by_role("button", name=f"确认取消，并归档 {n} 条服务记录").count() == 1
    shoot(page, "event-correct-and-cancel")


def test_reveal_the_full_phone_number_on_the_profile(server, page, shoot, sample_data):
    person = sample_data.read("volunteers").iloc[0]
    open_desk(page, server)
    page.goto(f"{server.url}/volunteers?vol={person['id']}")
    settle(page)
    assert person["mobile"] not in page.content(), "hidden until asked for"
    page.get_by_role("button", name="显示完整号码").click()
    settle(page)
    page.get_by_text(person["mobile"]).wait_for()
    shoot(page, "profile-reveal")
    log = sample_data.read("audit_log")
    assert (log[log["row_id"] == person["id"]]["action"] == "reveal").any(), "it is logged"


def test_the_volunteer_list_downloads_a_formula_safe_csv(server, page, shoot, sample_data):
    from sltcore.auth import SYSTEM
    from tests.helpers import volunteer_row

    com = sample_data.read("communities").iloc[0]["id"]
    row = volunteer_row(com, name='=HYPERLINK("http://x.cn")', mobile="13999990001")
    sample_data.append("volunteers", [row], SYSTEM)
    open_desk(page, server)
    go(page, "志愿者")
    page.get_by_label("查找").fill("HYPERLINK")
    page.get_by_label("查找").press("Enter")
    settle(page)
    grid = page.get_by_test_id("stDataFrame").first
    grid.hover()
    assert page.get_by_role("button", name="Download as CSV").count() == 0, "built-in one off"
    with page.expect_download() as info:
        page.get_by_role("button", name="下载表格（CSV）").click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("姓名,")
    assert "'=HYPERLINK(" in text and "139****0001" in text and "13999990001" not in text
    shoot(page, "volunteers-download")
