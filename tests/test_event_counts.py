"""The events page and the dashboard say which statuses their event counts include, so the
two numbers can be reconciled (issue 12, item 6)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.store.local import LocalStore
from tests.helpers import community

APP = str(Path(__file__).resolve().parents[1] / "app.py")
D = dt.date


@pytest.fixture
def desk(app_env):
    """This year: two done events, one planned that already took place, one cancelled, and one
    planned after today (29 November 2026)."""
    store = LocalStore(app_env)
    com = community(store)
    store.append(
        "events",
        [
            {"title": title, "date": day, "status": status, "community_id": com["id"],
             "category": "green"}
            for title, day, status in (
                ("楼道清扫", D(2026, 11, 20), "done"),
                ("垃圾分类宣传", D(2026, 10, 8), "done"),
                ("社区义诊", D(2026, 11, 25), "planned"),
                ("亮马河清洁", D(2026, 11, 21), "cancelled"),
                ("元旦联欢", D(2026, 12, 30), "planned"),
            )
        ],
        SYSTEM,
    )  # fmt: skip
    yield store
    store.close()


def _open(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_each_count_names_the_statuses_it_includes(desk):
    at = _open("app_pages/events.py")
    caption = next(c.value for c in at.caption if c.value.startswith("共 "))
    assert caption.startswith("共 5 个活动（已完成 2、计划中 2、已取消 1），")
    assert "其中 1 个在今天以后" in caption and "截至今天、未取消的活动" in caption

    at = _open("app_pages/dashboard.py")
    at.button_group(key="dash_period").set_value("this_year").run()
    events = next(m for m in at.metric if m.label == "活动场次")
    assert events.value == "3"  # 5 listed, less the cancelled one, less the one after today
    assert "已完成或计划中" in events.help and "不含已取消的" in events.help
