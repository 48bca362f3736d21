"""The dashboard page (AppTest): empty store, sample data, 100,000 records, a grid of filters.

Also the star and report pages on the sample data, since they share its filters and caches.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGE = "app_pages/dashboard.py"
CHARTS = 9
PERIODS = ("this_month", "last_month", "this_quarter", "this_year", "service_months", "custom")


def _run(page: str = PAGE, timeout: float = 120) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _chart_count(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def _empty_states(at: AppTest) -> int:
    """Charts replaced by an empty state (not counting the note that the period is empty)."""
    return sum(
        1 for i in at.info if "inbox" in str(i.proto.icon) and "还没有服务记录" not in i.value
    )


def _chart_bytes(at: AppTest) -> int:
    return sum(e.proto.ByteSize() for e in at.get("vega_lite_chart"))


@pytest.fixture
def sample_app(app_env: Path, demo_db: Path) -> Path:
    shutil.copy(demo_db, app_env)
    return app_env


def test_empty_store_shows_the_first_run_screen(app_env):
    at = _run()
    assert any("数据库还是空的" in i.value for i in at.info)
    assert not at.metric and _chart_count(at) == 0


def test_reference_data_only_shows_empty_states(app_env):
    from sltcore import demo
    from sltcore.store.local import LocalStore

    s = LocalStore(app_env)
    demo.load_reference(s)
    s.close()
    at = _run()
    assert [m.value for m in at.metric] == ["0", "0", "0", "0", "—", "0"]
    assert _chart_count(at) == 0
    assert _empty_states(at) == CHARTS
    assert any("还没有服务记录" in i.value for i in at.info)


def test_sample_data_renders_figures_and_charts(sample_app):
    at = _run()
    assert at.title[0].value == "志愿服务概览"
    labels = [m.label for m in at.metric]
    assert labels == ["在册志愿者", "参与志愿者", "服务小时数", "活动场次", "人均小时数", "新注册"]
    assert all(m.value not in ("", "—") for m in at.metric)
    assert _chart_count(at) + _empty_states(at) == CHARTS
    assert _chart_count(at) >= 7
    captions = " ".join(c.value for c in at.caption)
    assert "每个社区在所选时间段内" in captions and "志愿服务月" in captions
    assert _chart_bytes(at) < 200_000


def test_filter_grid(sample_app):
    at = _run()
    assert at.multiselect(key="dash_communities").options[:2] == ["幸福一村", "幸福二村"]
    ids = [f"com-{i}" for i in range(1, 8)]  # the sample data's community ids
    community_sets = ([], ids[:1], ids[2:5])
    for kind, chosen in itertools.product(PERIODS, community_sets):
        at.button_group(key="dash_period").set_value(kind)
        at.multiselect(key="dash_communities").set_value(chosen)
        at.run()
        assert not at.exception, (kind, chosen, [e.value for e in at.exception])
        assert len(at.metric) == 6, (kind, chosen)
        assert _chart_count(at) + _empty_states(at) == CHARTS, (kind, chosen)
        if kind == "custom":
            at.date_input(key="dash_range").set_value((dt.date(2026, 3, 1), dt.date(2026, 3, 5)))
            at.run()
            assert not at.exception
            assert "2026年3月1日至2026年3月5日" in " ".join(c.value for c in at.caption)
        if kind == "service_months":
            years = at.selectbox(key="dash_year").options
            at.selectbox(key="dash_year").set_value(years[-1]).run()
            assert not at.exception


def test_english(sample_app):
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=120)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Volunteer service at a glance"
    assert at.metric[0].label == "Registered"


def test_star_and_report_pages_render(sample_app):
    at = _run("app_pages/stars.py")
    assert [m.label for m in at.metric][:2] == ["一星", "二星"]
    assert len(at.tabs) == 4
    at.button_group(key="stars_period").set_value("last_month").run()
    assert not at.exception
    at = _run("app_pages/reports.py")
    at.button(key="reports_build").click().run()
    assert not at.exception
    assert at.session_state["reports_monthly_file"][0].startswith("monthly-")
    at.button(key="reports_stars_build").click().run()
    assert not at.exception and "reports_stars_files" in at.session_state


def test_certificate_from_the_reports_page(sample_app):
    at = _run("app_pages/reports.py")
    at.selectbox(key="cert_volunteer").set_value("vol-00001")
    next(b for b in at.button if b.label == "出具证明").click().run()
    assert not at.exception and not at.error
    number, pdf = at.session_state["cert_last"]
    assert number == "SLT-2026-0001" and pdf.startswith(b"%PDF")
    assert "SLT-2026-0001" in at.dataframe[0].value.iloc[:, 0].tolist()


@pytest.mark.slow
def test_100k_records_cached_rerun_costs_what_it_costs_at_1k(app_env, tmp_path, monkeypatch):
    """The dashboard at 100,000 service records: renders, sends under 200 KB of chart data,
    and a rerun with cached filters takes about as long as at 1,000 records."""
    from sltcore import demo
    from sltcore.store.local import LocalStore

    timings = {}
    for size, volunteers, records in (("1k", 200, 1_000), ("100k", 10_000, 100_000)):
        path = tmp_path / f"{size}.db"
        s = LocalStore(path)
        demo.load_demo(s, volunteers=volunteers, records=records)
        s.close()
        monkeypatch.setenv("SLT_DB", str(path))
        at = _run()
        assert _chart_count(at) >= 7
        assert _chart_bytes(at) < 200_000
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - start)
        assert not at.exception
        timings[size] = sorted(runs)[len(runs) // 2]
    assert timings["100k"] <= 1.5 * timings["1k"] + 0.02, timings


def test_an_unreachable_backend_is_a_message_not_a_traceback(sample_app, monkeypatch):
    from sltcore.errors import BackendUnavailable
    from sltcore.store.local import LocalStore

    def down(self):
        raise BackendUnavailable()

    monkeypatch.setattr(LocalStore, "revision", down)
    for page in (PAGE, "app_pages/stars.py"):
        at = _run(page)
        assert at.error and not at.metric
