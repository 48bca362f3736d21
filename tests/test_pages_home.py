"""数据总览 and the first-run screen, through Streamlit's AppTest."""

from __future__ import annotations

import sqlite3

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

TIMEOUT = 120


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page("app_pages/home.py")
    at.run()
    return at


def test_empty_store_offers_the_sample_data_and_loads_it(app_env) -> None:
    at = _app()
    assert not at.exception
    assert "欢迎使用！数据库还是空的" in at.info[0].value
    load = next(b for b in at.button if b.label == "载入示例数据")
    load.click()
    at.run()
    assert not at.exception
    con = sqlite3.connect(app_env)
    assert con.execute("SELECT COUNT(*) FROM volunteers").fetchone()[0] == 1200
    at_events = "SELECT COUNT(*) FROM service_records WHERE event_id IS NOT NULL"
    assert con.execute(at_events).fetchone()[0] == 12000  # visits and duties on top
    records = con.execute("SELECT COUNT(*) FROM service_records").fetchone()[0]
    table = at.dataframe[0].value
    counts = dict(zip(table["数据表"], table["记录数"], strict=True))
    assert counts["志愿者"] == 1200 and counts["服务记录"] == records and counts["社区"] == 7


def test_reference_only_start(app_env) -> None:
    at = _app()
    next(b for b in at.button if b.label == "只建立社区和品牌等基础资料").click()
    at.run()
    con = sqlite3.connect(app_env)
    assert con.execute("SELECT COUNT(*) FROM communities").fetchone()[0] == 7
    assert con.execute("SELECT COUNT(*) FROM volunteers").fetchone()[0] == 0


def test_english_labels(app_env) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("app_pages/home.py")
    at.run()
    assert "Welcome! The database is empty" in at.info[0].value
    assert any(b.label == "Load sample data" for b in at.button)
