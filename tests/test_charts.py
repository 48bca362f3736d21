"""Charts: built from the aggregates only, one colour per community, Chinese text, small data."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from sltcore.schema import COMMUNITY_NAMES
from sltcore.services import analytics as A
from sltcore.ui import charts
from tests.test_analytics import TODAY, build_fixed


@pytest.fixture(scope="module")
def aggregates(tmp_path_factory: pytest.TempPathFactory):
    s, _ = build_fixed(tmp_path_factory.mktemp("charts") / "fixed.db")
    frames = s.read_all()
    s.close()
    return A.dashboard(frames, A.make_period("this_year", TODAY))


def _spec(chart) -> dict:
    return chart.to_dict()


def _texts(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False)


def _dataset(spec: dict) -> list[dict]:
    """The one inline data set of a chart spec (what Streamlit sends to the browser)."""
    (rows,) = spec["datasets"].values()
    return rows


def _colour_map(spec: dict) -> dict[str, str]:
    scale = spec["encoding"]["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


@pytest.mark.parametrize("name", list(charts.CHARTS))
def test_every_chart_builds_with_chinese_title_axes_and_tooltips(aggregates, name):
    df = aggregates[name]
    spec = _spec(charts.build(name, df, "zh"))
    assert spec["title"]["text"] == charts.i18n.t(f"dash.chart.{name}", "zh")
    tooltips = spec["encoding"]["tooltip"]
    assert tooltips and all(any("\u4e00" <= ch <= "\u9fff" for ch in t["title"]) for t in tooltips)
    english = _spec(charts.build(name, df, "en"))
    assert english["title"]["text"] == charts.i18n.t(f"dash.chart.{name}", "en")
    assert all(
        not any("\u4e00" <= ch <= "\u9fff" for ch in t["title"])
        for t in english["encoding"]["tooltip"]
    )


def test_each_community_keeps_its_colour_in_every_chart(aggregates):
    seen: dict[str, set[str]] = {}
    for name in ("by_community", "monthly", "per_1000", "active_share", "top", "registrations"):
        df = aggregates[name]
        assert not charts.is_empty(name, df), name  # this year's data draws every chart
        for community, colour in _colour_map(_spec(charts.build(name, df))).items():
            seen.setdefault(community, set()).add(colour)
    assert set(seen) == {"幸福一村", "幸福二村", "北三里"}
    for community, colours in seen.items():
        assert colours == {charts.COMMUNITY_COLOURS[community]}


def test_the_seven_communities_have_seven_distinct_colours():
    assert set(charts.COMMUNITY_COLOURS) == set(COMMUNITY_NAMES)
    assert len(set(charts.COMMUNITY_COLOURS.values())) == 7
    assert charts.NEUTRAL not in charts.COMMUNITY_COLOURS.values()
    assert charts.community_colour("新社区", ["新社区"]) not in charts.COMMUNITY_COLOURS.values()


def test_labels_for_categories_programmes_and_stars(aggregates):
    spec = _texts(_spec(charts.build("category", aggregates["category"])))
    assert "未关联活动" in spec and "亲情关怀" in spec
    spec = _texts(_spec(charts.build("programme", aggregates["programme"])))
    assert "未归入品牌或项目" in spec and "助老结对" in spec
    stars = pd.DataFrame(
        {"level": range(6), "volunteers": [5, 4, 3, 2, 1, 0], "threshold": [0, 100, 300, 600,
                                                                          1000, 1500]}
    )  # fmt: skip
    spec = _spec(charts.build("stars", stars))
    bars = _dataset(spec)  # level 0 is told in the caption, not drawn
    assert [(r["label"], r["volunteers"]) for r in bars] == [
        ("一星", 4), ("二星", 3), ("三星", 2), ("四星", 1), ("五星", 0),
    ]  # fmt: skip
    assert spec["encoding"]["x"]["field"] == "label"
    assert spec["encoding"]["y"]["field"] == "volunteers"


def test_empty_aggregates_are_reported_empty_not_drawn(aggregates):
    empty = A.dashboard({}, A.make_period("this_month", TODAY))
    for name in charts.CHARTS:
        assert charts.is_empty(name, empty[name]), name
        assert not charts.is_empty(name, aggregates[name]), name  # this year has data


def test_chart_data_stays_small_whatever_the_record_count():
    """200,000 generated records in 7 communities: every chart carries under 1,000 rows."""
    rng = np.random.default_rng(7)
    n, vols = 200_000, 5_000
    coms = pd.DataFrame({"id": [f"com-{i}" for i in range(7)], "name": list(COMMUNITY_NAMES),
                         "population": 8000, "archived": False})  # fmt: skip
    volunteers = pd.DataFrame(
        {
            "id": [f"vol-{i}" for i in range(vols)],
            "name": [f"志愿者{i}" for i in range(vols)],
            "community_id": rng.choice(coms["id"], vols),
            "registered_on": pd.to_datetime("2015-01-01")
            + pd.to_timedelta(rng.integers(0, 4000, vols), unit="D"),
            "status": "active",
            "membership": "resident",
            "archived": False,
        }
    )
    records = pd.DataFrame(
        {
            "volunteer_id": rng.choice(volunteers["id"], n),
            "date": pd.to_datetime("2024-12-01")
            + pd.to_timedelta(rng.integers(0, 729, n), unit="D"),
            "hours": rng.choice([1.0, 2.0, 3.5], n),
            "community_id": rng.choice(coms["id"], n),
            "event_id": None,
            "confirmed": True,
            "archived": False,
        }
    )
    frames = {"communities": coms, "volunteers": volunteers, "service_records": records}
    period = A.make_period("this_year", dt.date(2026, 11, 29))
    data = A.dashboard(frames, period)
    in_period = int(period.mask(records["date"]).sum())
    assert in_period > 50_000  # the charts below summarise many records, not a few
    assert int(data["by_community"]["records"].sum()) == in_period
    for name in charts.CHARTS:
        chart = charts.build(name, data[name])
        spec = chart.to_dict()
        sent = _dataset(spec)  # the rows the browser receives
        assert 0 < len(sent) == charts.chart_rows(chart) < charts.MAX_ROWS, name
        assert len(json.dumps(spec)) < 40_000, name


def test_raw_records_are_refused():
    too_many = pd.DataFrame(
        {"community": ["幸福一村"] * 1001, "hours": 1.0, "records": 1, "volunteers": 1}
    )
    with pytest.raises(ValueError):
        charts.hours_by_community_chart(too_many)
