"""值守排班 in a real browser: marking today's shift's attendance writes the records once."""

from __future__ import annotations

import pytest

from sltcore import clock, demo
from sltcore.services import rosters
from sltcore.store.local import LocalStore
from tests.browser.test_daily_flows import open_desk, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def sample_data(server) -> LocalStore:
    store = LocalStore(server.db)
    if demo.store_is_empty(store):
        demo.load_demo(store, volunteers=300, records=3000)
    yield store
    store.close()


def test_marking_a_shifts_attendance(server, page, shoot, sample_data):
    frames = sample_data.read_all()
    period = rosters.current_period(frames)
    shifts = rosters.shifts(frames, period)
    latest = shifts[shifts["date"] <= clock.today()].iloc[::-1]
    sid = latest["id"].iloc[0]  # the page offers the latest shift first
    sheet = rosters.attendance_sheet(frames, sid)
    assert len(sheet) >= 1 and not sheet["recorded"].any()
    records_before = len(frames["service_records"])
    open_desk(page, server, "/rosters")
    shoot(page, "rosters-coverage")
    page.get_by_role("tab", name="登记到岗", exact=True).click()
    panel = page.get_by_role("tabpanel", name="登记到岗")
    first = sheet["name"].iloc[0]
    panel.get_by_text(first, exact=False).first.wait_for()
    if len(sheet) > 1:  # the last one did not come: untick them
        panel.get_by_text(sheet["name"].iloc[-1], exact=False).first.click()
        settle(page)
    shoot(page, "rosters-attendance")
    panel.get_by_role("button", name="保存到岗情况").click()
    settle(page)
    toast = page.get_by_test_id("stToast")
    toast.wait_for()
    present = max(len(sheet) - 1, 1)
    assert f"到岗 {present} 人" in toast.inner_text()
    shoot(page, "rosters-attendance-saved")
    after = sample_data.read_all()
    assert len(after["service_records"]) == records_before + present
    # saving again from the refreshed form records nobody twice
    panel.get_by_role("button", name="保存到岗情况").click()
    settle(page)
    assert len(sample_data.read_all()["service_records"]) == records_before + present
