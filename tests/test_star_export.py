"""The star list export lists the starred volunteers; every volunteer's hours are a separate,
labelled download (issue 12, item 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.exports import report
from sltcore.services import analytics
from sltcore.store.local import LocalStore
from tests.helpers import record_row

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TODAY = dt.date(2026, 11, 29)  # pinned by tests/conftest.py


@pytest.fixture
def sample(app_env, demo_db):
    """The small sample data set, where three long-serving volunteers reach one star."""
    shutil.copy(demo_db, app_env)
    store = LocalStore(app_env)
    vols = store.read("volunteers")
    veterans = vols[vols["registered_on"] < "2020-01-01"].head(3)
    store.append(
        "service_records",
        [
            record_row(v, 10.0, dt.date(2024, 1, day))
            for v in veterans.to_dict("records")
            for day in range(1, 12)
        ],
        SYSTEM,
    )
    frames = store.read_all()
    store.close()
    return frames


@pytest.fixture
def downloads(monkeypatch):
    """file name -> what a download button would send (its deferred callable)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return made


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_star_files_hold_the_starred_volunteers_only(sample):
    df = analytics.star_list(sample, analytics.period_this_year(TODAY))
    starred = df[df["level"] >= 1]
    assert 0 < len(starred) < len(df)  # the sample has both
    rows = _csv(report.star_list_csv(df))
    assert len(rows) - 1 == len(starred)
    assert all("★" in r[5] for r in rows[1:])
    ws = openpyxl.load_workbook(io.BytesIO(report.star_list_xlsx(df, title="星级志愿者"))).active
    names = [r[0] for r in ws.iter_rows(min_row=4, values_only=True)]
    assert names == list(starred["name"])

    everyone = _csv(report.hours_list_csv(df))
    assert everyone[0] == [
        "姓名", "社区", "志愿者类别", "累计服务时长", "星级（图示）", "本期服务时长",
        "今年服务时长", "今年不足20小时", "待确认时长（未计入）",
    ]  # fmt: skip
    assert len(everyone) - 1 == len(df)
    ws = openpyxl.load_workbook(io.BytesIO(report.hours_list_xlsx(df, title="服务时长"))).active
    assert ws.title == "志愿者服务时长" and ws.max_row == 2 + 1 + len(df)


def test_the_star_page_offers_both_files_labelled(sample, downloads):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/stars.py").run()
    assert not at.exception, [e.value for e in at.exception]
    df = analytics.star_list(sample, analytics.period_this_year(TODAY))
    n_star, n_all = int((df["level"] >= 1).sum()), len(df)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        f"下载星级名单 Excel（{n_star}人）",
        f"下载星级名单 CSV（{n_star}人）",
        f"下载服务时长 Excel（{n_all:,}人）",
        f"下载服务时长 CSV（{n_all:,}人）",
    ]
    star_csv = downloads["star-volunteers-20260101-20261129.csv"]()
    assert len(_csv(star_csv)) - 1 == n_star
    hours_csv = downloads["volunteer-hours-20260101-20261129.csv"]()
    assert len(_csv(hours_csv)) - 1 == n_all
