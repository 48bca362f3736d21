"""The dashboard's first view is meaningful on any day of the month, and says what it compares
(issue 12, item 7): on 2 December, "本月" was two days against 1-2 November."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import i18n
from sltcore.services import analytics as A
from sltcore.store.local import LocalStore

APP = str(Path(__file__).resolve().parents[1] / "app.py")
D = dt.date


def test_the_last_30_days_compare_with_the_30_before():
    period = A.make_period(A.DEFAULT_PERIOD, D(2026, 12, 2))
    assert period.ranges == ((D(2026, 11, 3), D(2026, 12, 2)),)
    assert period.previous().ranges == ((D(2026, 10, 4), D(2026, 11, 2)),)
    assert period.days == period.previous().days == 30


@pytest.fixture
def second_of_december(app_env, demo_db, monkeypatch):
    """The sample data (service up to 29 November) opened on 2 December."""
    shutil.copy(demo_db, app_env)
    monkeypatch.setenv("SLT_TODAY", "2026-12-02")
    store = LocalStore(app_env)
    yield store.read_all()
    store.close()


def test_on_the_second_of_a_month_the_first_view_is_a_full_month(second_of_december):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.button_group(key="dash_period").value == "last_30_days"
    shown = [m.value for m in at.markdown if "比较" in m.value]
    assert shown == [
        "**近30天**（2026年11月3日至2026年12月2日）与**之前30天**（2026年10月4日至2026年11月2日）"
        "比较：卡片下方的百分比就是这两段时间的变化。"
    ]
    period = A.make_period("last_30_days", D(2026, 12, 2))
    hours = A.key_figures(second_of_december, period).set_index("figure").loc["hours"]
    assert hours["value"] > 100 and hours["previous"] > 100  # both sides a month of service
    metric = next(m for m in at.metric if m.label == "服务小时数")
    assert metric.value == i18n.fmt_number(hours["value"], "zh", 1)
