"""The smaller things of issue 12, item 14: the first-run screen has a heading and an honest
loading text, numbers carry thousands separators, dates read 2026-01-01 on screen and 2026年1月1日
on the certificate, a volunteer registered today is not told 20 hours are missing, and the
data overview shows every table's whole name."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
import streamlit
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from sltcore import demo
from sltcore.auth import SYSTEM
from sltcore.exports import certificate
from sltcore.services import analytics, volunteers
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TODAY = dt.date(2026, 11, 29)  # pinned by tests/conftest.py


def _open(page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if page:
        if query:
            at.query_params.update(query)
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _columns(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.dataframe[index].proto.columns)


@pytest.fixture
def sample(app_env, demo_db) -> Path:
    shutil.copy(demo_db, app_env)
    return app_env


# --- the first-run screen ---------------------------------------------------------------------


@pytest.mark.parametrize("page", [None, "app_pages/stars.py"])
def test_the_first_run_screen_has_a_heading(app_env, page):
    at = _open(page)
    assert any("数据库还是空的" in i.value for i in at.info)
    assert [t.value for t in at.title] == ["志愿服务概览" if page is None else "星级志愿者"]


def test_the_loading_text_says_what_is_loaded_and_no_half_minute(app_env, monkeypatch):
    labels: list[str] = []
    real = streamlit.status

    def noted(label, *args, **kwargs):
        labels.append(label)
        return real(label, *args, **kwargs)

    monkeypatch.setattr(streamlit, "status", noted)
    at = _open()
    at.button(key="load_demo").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert labels == [
        "正在生成示例数据（1,200 名志愿者、12,000 条活动服务记录，另有结对走访和值守），"
        "几秒钟就好……"
    ]
    recs = LocalStore(app_env).read("service_records")
    assert int(recs["event_id"].notna().sum()) == 12_000


# --- numbers and dates as people read them ---------------------------------------------------


def test_populations_and_counts_have_thousands_separators(sample):
    at = _open("app_pages/tables.py")  # communities come first
    columns = _columns(at)
    for label in ("常住人口", "流动人口"):
        assert columns[label]["type_config"]["format"] == "localized", label
    at = _open("app_pages/home.py")
    assert _columns(at)["记录数"]["type_config"]["format"] == "localized"


def test_the_data_overview_shows_whole_table_names_and_every_row(sample):
    at = _open("app_pages/home.py")
    assert _columns(at)["数据表"]["width"] == "medium"  # "公益储蓄流水" was cut
    assert "公益储蓄流水" in at.dataframe[0].value["数据表"].tolist()


def test_certificate_dates_read_the_same_as_everywhere(sample):
    at = _open("app_pages/reports.py")
    assert {d.key: d.proto.format for d in at.date_input} == {
        "cert_from": "YYYY-MM-DD",
        "cert_to": "YYYY-MM-DD",
    }
    at.selectbox(key="cert_volunteer").set_value("vol-00001")
    next(b for b in at.button if b.label == "出具证明").click().run()
    assert not at.exception
    register = _columns(at)
    assert register["出具日期"]["type_config"]["format"] == "YYYY-MM-DD"
    _, pdf = at.session_state["cert_last"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert "2026年1月1日至2026年11月29日" in text and "2026/01/01" not in text


def test_the_dashboard_custom_range_reads_2026_01_01(sample):
    at = _open()
    at.button_group(key="dash_period").set_value("custom").run()
    assert [d.proto.format for d in at.date_input] == ["YYYY-MM-DD"]


# --- the 20 hours a year, not asked in the year of registration ------------------------------


@pytest.fixture
def newcomer(app_env):
    store = LocalStore(app_env)
    com = community(store)
    new = volunteer(store, com["id"], name="新来的", registered_on=TODAY)
    old = volunteer(store, com["id"], name="老队员", registered_on=dt.date(2020, 3, 5))
    store.append("service_records", [record_row(old, 2.0, dt.date(2026, 11, 1))], SYSTEM)
    yield store, new, old
    store.close()


def test_a_volunteer_registered_today_is_not_told_hours_are_missing(newcomer):
    store, new, old = newcomer
    frames = store.read_all()
    assert not volunteers.profile(frames, new["id"], "zh", TODAY).minimum_applies
    assert volunteers.profile(frames, old["id"], "zh", TODAY).minimum_applies
    below = analytics.star_list(frames, analytics.period_this_year(TODAY)).set_index("name")
    assert not below.loc["新来的", "below_minimum"] and below.loc["老队员", "below_minimum"]

    at = _open("app_pages/volunteers.py", {"vol": new["id"]})
    assert not [w.value for w in at.warning if "20小时" in w.value]
    note = next(i.value for i in at.info if "新注册" in i.value)
    assert "2026年11月29日新注册" in note and "从2027年起计算" in note

    at = _open("app_pages/volunteers.py", {"vol": old["id"]})
    assert any("还差18 小时" in w.value for w in at.warning)


def test_certificate_service_period_on_the_pdf(app_env):
    store = LocalStore(app_env)
    demo.load_reference(store)
    com = store.read("communities").iloc[0]["id"]
    v = volunteer(store, com)
    store.append("service_records", [record_row(v, 3.0, dt.date(2026, 1, 1))], SYSTEM)
    row = certificate.issue(store, SYSTEM, v["id"], dt.date(2026, 1, 1), TODAY, "三里屯街道")
    pdf = certificate.render_pdf(row, store.get("volunteers", v["id"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert f"出具日期：{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text
    store.close()
