"""The leaders' pages through the app's entry point (AppTest on app.py, so navigation, the
sidebar and the language switch run too): the dashboard on an empty store, the sample data and
100,000 records, over a grid of filters; the star and report pages on the sample data.

The figures a page shows are checked against `sltcore.services.analytics` run directly on the same
store's frames. Speed is not checked here: bench/dashboard.py prints those figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sltcore import i18n
from sltcore.auth import SYSTEM
from sltcore.services import analytics as A
from sltcore.store.local import LocalStore

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
DASHBOARD = "app_pages/dashboard.py"
STARS = "app_pages/stars.py"
REPORTS = "app_pages/reports.py"
CHARTS = 9
TODAY = dt.date(2026, 11, 29)  # pinned by tests/conftest.py
D = dt.date
# The period each filter button stands for on TODAY, worked out by hand.
PERIODS: dict[str, tuple[tuple[dt.date, dt.date], ...]] = {
    "last_30_days": ((D(2026, 10, 31), D(2026, 11, 29)),),  # the default
    "this_month": ((D(2026, 11, 1), D(2026, 11, 29)),),
    "last_month": ((D(2026, 10, 1), D(2026, 10, 31)),),
    "this_quarter": ((D(2026, 10, 1), D(2026, 11, 29)),),
    "this_year": ((D(2026, 1, 1), D(2026, 11, 29)),),
    "service_months": ((D(2026, 3, 1), D(2026, 3, 31)),),  # December has not begun
    "custom": ((D(2026, 11, 1), D(2026, 11, 29)),),  # the default range: this month so far
}
COMMUNITY_IDS = [f"com-{i}" for i in range(1, 8)]  # the sample data's community ids
LABELS = {i18n.t(f"dash.metric.{f}", "zh"): f for f in A.FIGURES}
DECIMALS = {"hours", "hours_per_active"}  # shown with one decimal; the rest are whole numbers
BIG = {"volunteers": 5_000, "records": 100_000}


# --- helpers -------------------------------------------------------------------------------


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _open(page: str = DASHBOARD, timeout: float = 120) -> AppTest:
    """The app as a user opens it (the default page), then `page` through the navigation."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    _ok(at)
    at.switch_page(page).run()
    _ok(at)
    return at


def _programme_chart(chart) -> bool:
    """The programmes section's own charts (points a month, donations a year), which follow
    no period filter: tests/test_programmes_dashboard.py checks them."""
    spec = json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)
    return any(w in spec for w in ("兑换", "物资折价", "Redeemed", "In kind"))


def _chart_count(at: AppTest) -> int:
    return sum(1 for c in at.get("vega_lite_chart") if not _programme_chart(c))


def _empty_states(at: AppTest) -> int:
    """Charts replaced by an empty state (not counting the note that the period is empty)."""
    return sum(
        1 for i in at.info if "inbox" in str(i.proto.icon) and "还没有服务记录" not in i.value
    )


def _chart_bytes(at: AppTest) -> int:
    return sum(e.proto.ByteSize() for e in at.get("vega_lite_chart"))


def _number(text: str) -> float:
    return math.nan if text.strip() == "—" else float(text.replace(",", ""))


def _shown_figures(at: AppTest) -> dict[str, tuple[float, float]]:
    """The metric cards as numbers: figure -> (value, previous period's value in the tooltip)."""
    out = {}
    for m in at.metric:
        previous = m.help.rsplit("上期：", 1)[1]
        out[LABELS[m.label]] = (_number(m.value), _number(previous))
    return out


def _assert_figures(
    at: AppTest, frames: dict[str, pd.DataFrame], period: A.Period, chosen: list[str]
) -> None:
    """The six cards show what analytics computes on the store's frames for that filter."""
    expected = A.key_figures(frames, period, chosen).set_index("figure")
    shown = _shown_figures(at)
    assert list(shown) == list(A.FIGURES), shown
    for figure, pair in shown.items():
        tolerance = 0.05 if figure in DECIMALS else 0  # rounding to what the card shows
        for got, column in zip(pair, ("value", "previous"), strict=True):
            want = float(expected.loc[figure, column])
            where = (period.key, chosen, figure, column, got, want)
            if math.isnan(want):
                assert math.isnan(got), where
            else:
                assert abs(got - want) <= tolerance + 1e-9, where


def _assert_showing(at: AppTest, ranges: tuple[tuple[dt.date, dt.date], ...]) -> None:
    """The line above the figures names the period's dates, and what they are compared with."""
    text = "、".join(f"{i18n.fmt_date(s, 'zh')}至{i18n.fmt_date(e, 'zh')}" for s, e in ranges)
    showing = [m.value for m in at.markdown if "比较：卡片下方的百分比" in m.value]
    assert showing and f"**（{text}）与**" in showing[0], (showing, text)


def _period(kind: str) -> A.Period:
    period = A.make_period(kind, TODAY)
    assert period.ranges == PERIODS[kind]
    return period


def _frames(path: Path) -> dict[str, pd.DataFrame]:
    s = LocalStore(path)
    try:
        return s.read_all()
    finally:
        s.close()


class CountingStore:
    """The app's real store, counting the full reads (`read_all`) made through it."""

    def __init__(self, inner: LocalStore) -> None:
        self._inner = inner
        self.read_all_calls = 0

    def __getattr__(self, name: str):
        return getattr(self._inner, name)

    def read_all(self, include_archived: bool = False) -> dict[str, pd.DataFrame]:
        self.read_all_calls += 1
        return self._inner.read_all(include_archived)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[CountingStore]]:
    """Every store the app opens is a CountingStore; the list holds them."""
    import sltcore.ui as ui

    opened: list[CountingStore] = []
    real = ui.open_store

    def open_counted(*args, **kwargs) -> CountingStore:
        opened.append(CountingStore(real(*args, **kwargs)))
        return opened[-1]

    monkeypatch.setattr(ui, "open_store", open_counted)
    ui._store.clear()  # no store opened by an earlier test is reused
    yield opened
    ui._store.clear()


def _reads(opened: list[CountingStore]) -> int:
    assert len(opened) == 1, "one store per process and configuration"
    return opened[0].read_all_calls


@pytest.fixture
def sample_app(app_env: Path, demo_db: Path) -> Path:
    shutil.copy(demo_db, app_env)
    return app_env


@pytest.fixture
def sample_frames(sample_app: Path) -> dict[str, pd.DataFrame]:
    return _frames(sample_app)


# --- empty store and the app's shell -------------------------------------------------------


def test_empty_store_shows_the_first_run_screen(app_env):
    at = _open()
    assert any("数据库还是空的" in i.value for i in at.info)
    assert not at.metric and _chart_count(at) == 0


def test_reference_data_only_shows_empty_states(app_env):
    from sltcore import demo

    s = LocalStore(app_env)
    demo.load_reference(s)
    s.close()
    at = _open()
    assert not any("数据库还是空的" in i.value for i in at.info)
    assert [m.value for m in at.metric] == ["0", "0", "0", "0", "—", "0"]
    assert _chart_count(at) == 0
    assert _empty_states(at) == CHARTS
    assert any("还没有服务记录" in i.value for i in at.info)


def test_the_app_opens_on_the_dashboard_with_its_sidebar(sample_app):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    _ok(at)
    assert at.title[0].value == "志愿服务概览"
    assert at.sidebar.markdown[0].value == "### 三里屯街道志愿服务工作台"
    assert at.sidebar.button_group(key="lang_switch").value == "zh"
    assert "当前账号：管理员（管理员）" in [c.value for c in at.sidebar.caption]


def test_switching_the_language_in_the_sidebar(sample_app):
    at = _open()
    at.sidebar.button_group(key="lang_switch").set_value("en").run()
    _ok(at)
    assert at.session_state["lang"] == "en"
    assert at.title[0].value == "Volunteer service at a glance"
    assert [m.label for m in at.metric] == [
        "Registered", "Active", "Hours", "Events", "Hours / active", "New",
    ]  # fmt: skip
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in at.sidebar.markdown[0].value)
    at.sidebar.button_group(key="lang_switch").set_value("zh").run()
    _ok(at)
    assert at.title[0].value == "志愿服务概览"


# --- the sample data -----------------------------------------------------------------------


def test_sample_data_renders_figures_and_charts(sample_app, sample_frames):
    at = _open()
    assert at.title[0].value == "志愿服务概览"
    labels = [m.label for m in at.metric]
    assert labels == ["在册志愿者", "参与志愿者", "服务小时数", "活动场次", "人均小时数", "新注册"]
    _assert_showing(at, PERIODS["last_30_days"])  # the default period
    _assert_figures(at, sample_frames, _period("last_30_days"), [])
    assert _shown_figures(at)["hours"][0] > 0  # the sample data has service in the period
    assert _chart_count(at) + _empty_states(at) == CHARTS
    assert _chart_count(at) >= 7
    captions = " ".join(c.value for c in at.caption)
    assert "每个社区在所选时间段内" in captions and "志愿服务月" in captions
    assert _chart_bytes(at) < 200_000


def test_filter_grid(sample_app, sample_frames):
    at = _open()
    assert at.multiselect(key="dash_communities").options[:2] == ["幸福一村", "幸福二村"]
    community_sets = ([], COMMUNITY_IDS[:1], COMMUNITY_IDS[2:5])
    for kind, chosen in itertools.product(PERIODS, community_sets):
        at.button_group(key="dash_period").set_value(kind)
        at.multiselect(key="dash_communities").set_value(chosen)
        at.run()
        _ok(at)
        assert _chart_count(at) + _empty_states(at) == CHARTS, (kind, chosen)
        _assert_showing(at, PERIODS[kind])
        _assert_figures(at, sample_frames, _period(kind), chosen)

    # A custom range, first and last day included.
    at.button_group(key="dash_period").set_value("custom").run()
    at.date_input(key="dash_range").set_value((D(2026, 3, 1), D(2026, 3, 5))).run()
    _ok(at)
    custom = ((D(2026, 3, 1), D(2026, 3, 5)),)
    _assert_showing(at, custom)
    _assert_figures(at, sample_frames, A.period_custom(*custom[0]), COMMUNITY_IDS[2:5])

    # The service months of the oldest year: March and December, both whole.
    at.button_group(key="dash_period").set_value("service_months").run()
    years = at.selectbox(key="dash_year").options
    assert years[0] == "2026" and len(years) >= 2
    oldest = int(years[-1])
    at.selectbox(key="dash_year").set_value(oldest).run()
    _ok(at)
    _assert_showing(
        at, ((D(oldest, 3, 1), D(oldest, 3, 31)), (D(oldest, 12, 1), D(oldest, 12, 31)))
    )
    period = A.period_service_months(oldest, TODAY)
    _assert_figures(at, sample_frames, period, COMMUNITY_IDS[2:5])


def test_reruns_and_other_pages_reuse_one_read_per_data_revision(sample_app, counted):
    """Why a cached rerun costs the same at 1,000 or 100,000 records: the store is read once
    per revision, whatever the reruns, filters, sessions or leaders' pages."""
    at = _open()
    assert _reads(counted) == 1
    for _ in range(3):
        at.run()
    at.button_group(key="dash_period").set_value("this_year").run()
    at.multiselect(key="dash_communities").set_value(COMMUNITY_IDS[:2]).run()
    _ok(at)
    assert _reads(counted) == 1
    other = _open(STARS)  # another session, another leaders' page
    assert other.title[0].value == "星级志愿者"
    assert _reads(counted) == 1

    # A write changes the revision: the next rerun reads once more and shows the new data.
    counted[0].append("communities", [{"name": "新社区", "population": 100}], SYSTEM)
    at.run()
    _ok(at)
    assert _reads(counted) == 2
    assert "新社区" in at.multiselect(key="dash_communities").options
    at.run()
    assert _reads(counted) == 2


# --- star and report pages -----------------------------------------------------------------


def test_star_page_counts_are_the_star_list(sample_app, sample_frames):
    at = _open(STARS)
    for kind in ("this_year", "last_month"):
        if kind != "this_year":  # this year is the page's default
            at.button_group(key="stars_period").set_value(kind).run()
            _ok(at)
        expected = A.star_list(sample_frames, _period(kind))
        levels = expected["level"].value_counts()
        assert [m.label for m in at.metric] == ["一星", "二星", "三星", "四星", "五星"]
        assert [_number(m.value) for m in at.metric] == [levels.get(n, 0) for n in range(1, 6)]
        assert [t.label for t in at.tabs] == [
            f"全部（{len(expected)}）",
            f"本期晋级（{int(expected['crossed'].sum())}）",
            f"即将晋级（{int(expected['near_next'].sum())}）",
            f"今年不足20小时（{int(expected['below_minimum'].sum())}）",
        ], kind
        assert len(at.dataframe[0].value) == len(expected)


def test_report_page_builds_the_monthly_workbook_and_the_star_list(sample_app, sample_frames):
    at = _open(REPORTS)
    at.button(key="reports_build").click().run()
    _ok(at)
    name, workbook = at.session_state["reports_monthly_file"]
    assert name == "monthly-2026-10.xlsx"  # last month is the default
    assert workbook[:2] == b"PK"  # an .xlsx is a zip
    at.button(key="reports_stars_build").click().run()
    _ok(at)
    stem, files = at.session_state["reports_stars_files"]
    assert stem == "20260101-20261129"
    expected = A.star_list(sample_frames, _period("this_year"))
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert len(rows) == 1 + int((expected["level"] >= 1).sum())  # the starred ones
    rows = list(csv.reader(io.StringIO(files["hours_csv"].decode("utf-8-sig"))))
    assert len(rows) == 1 + len(expected)  # everyone, in a separate file
    assert files["xlsx"][:2] == b"PK" and files["hours_xlsx"][:2] == b"PK"


def test_certificate_from_the_reports_page(sample_app):
    at = _open(REPORTS)
    at.selectbox(key="cert_volunteer").set_value("vol-00001")
    next(b for b in at.button if b.label == "出具证明").click().run()
    _ok(at)
    assert not at.error
    number, pdf = at.session_state["cert_last"]
    assert number == "SLT-2026-0001" and pdf.startswith(b"%PDF")
    assert "SLT-2026-0001" in at.dataframe[0].value.iloc[:, 0].tolist()


def test_an_unreachable_backend_is_a_message_not_a_traceback(sample_app, monkeypatch):
    from sltcore.errors import BackendUnavailable

    def down(self):
        raise BackendUnavailable()

    monkeypatch.setattr(LocalStore, "revision", down)
    for page in (DASHBOARD, STARS, REPORTS):
        at = _open(page)
        assert at.error, page
        assert not at.metric and not at.tabs, page
        assert at.sidebar.markdown[0].value == "### 三里屯街道志愿服务工作台"  # still navigable


# --- 100,000 records -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    """100,000 service records (the sample data generator), built once, and its frames."""
    from sltcore import demo

    path = tmp_path_factory.mktemp("big") / "100k.db"
    s = LocalStore(path)
    demo.load_demo(s, **BIG)
    s._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    frames = s.read_all()
    s.close()
    recs = frames["service_records"]
    assert int(recs["event_id"].notna().sum()) == BIG["records"]  # visits, duties on top
    return path, frames


@pytest.mark.slow
def test_100k_records_filter_grid(app_env, big_db, monkeypatch, counted):
    """At 100,000 records every cell of a small filter grid renders, shows the figures
    analytics computes, sends under 200 KB of chart data, and the store is read once."""
    path, frames = big_db
    monkeypatch.setenv("SLT_DB", str(path))
    at = _open(timeout=300)
    cells = [("this_month", [])]  # the page's default
    cells += itertools.product(
        ("last_month", "service_months", "this_year"), ([], ["com-2", "com-5"])
    )
    for kind, chosen in cells:
        at.button_group(key="dash_period").set_value(kind)
        at.multiselect(key="dash_communities").set_value(chosen)
        at.run()
        _ok(at)
        _assert_showing(at, PERIODS[kind])
        _assert_figures(at, frames, _period(kind), chosen)
        assert _shown_figures(at)["hours"][0] > 0, (kind, chosen)
        assert _chart_count(at) == CHARTS and _empty_states(at) == 0, (kind, chosen)
        assert _chart_bytes(at) < 200_000, (kind, chosen)
    assert _reads(counted) == 1
