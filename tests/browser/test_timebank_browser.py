"""公益储蓄 in a real browser: a coordinator's redemption from search to the new balance."""

from __future__ import annotations

import pytest

from sltcore import demo, i18n
from sltcore.services import timebank
from sltcore.store.local import LocalStore
from tests.browser.test_daily_flows import choose, open_desk, settle

pytestmark = pytest.mark.browser


@pytest.fixture
def sample_data(server) -> LocalStore:
    store = LocalStore(server.db)
    if demo.store_is_empty(store):
        demo.load_demo(store, volunteers=300, records=3000)
    yield store
    store.close()


def test_a_redemption_from_search_to_balance(server, page, shoot, sample_data):
    frames = sample_data.read_all()
    bal = timebank.balances(frames)
    names = bal["name"].value_counts()
    rich = bal[(bal["balance"] >= 20) & bal["name"].map(names).eq(1)].iloc[0]
    open_desk(page, server, "/timebank")
    page.get_by_role("tab", name="兑换", exact=True).click()
    panel = page.get_by_role("tabpanel", name="兑换")
    panel.get_by_role("textbox", name="查找志愿者").fill(rich["name"])
    panel.get_by_role("textbox", name="查找志愿者").press("Enter")
    settle(page)
    choose(page, "兑换项目", "理发服务 · 5 分/份 · 剩余")
    preview = panel.get_by_text("当前余额")
    preview.wait_for()
    after_text = i18n.fmt_number(rich["balance"] - 5, "zh", digits=2)
    assert f"兑换后余额 {after_text} 分" in preview.inner_text()
    shoot(page, "timebank-redeem-form")
    panel.get_by_role("button", name="确认兑换").click()
    settle(page)
    toast = page.get_by_test_id("stToast")
    toast.wait_for()
    assert f"已为{rich['name']}兑换“理发服务”× 1" in toast.inner_text()
    shoot(page, "timebank-redeemed")
    after = timebank.balances(sample_data.read_all()).set_index("id")
    assert float(after.loc[rich["id"], "balance"]) == pytest.approx(rich["balance"] - 5)
