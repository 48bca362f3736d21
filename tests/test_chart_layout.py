"""Chart layout that holds on any screen (issue 12, item 8): every community name always shows,
counts have whole-number ticks, and community legends fit a phone."""

from __future__ import annotations

import re

import pytest

from sltcore.services import analytics as A
from sltcore.ui import charts
from tests.test_analytics import TODAY, build_fixed

COMMUNITY_AXIS_CHARTS = ("by_community", "per_1000", "active_share")
COUNT_AXES = {"stars": "y", "registrations": "y"}  # people, never "0.5 人"
LEGEND_CHARTS = ("monthly", "registrations", "top")


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    s, _ = build_fixed(tmp_path_factory.mktemp("layout") / "fixed.db")
    frames = s.read_all()
    s.close()
    data = A.dashboard(frames, A.make_period("this_year", TODAY))
    return {name: charts.build(name, data[name], "zh").to_dict() for name in charts.CHARTS}


def _columns_at(expr: str, width: int) -> int:
    """Evaluate a legend's `width < a ? b : (…)` expression for a plot `width`."""
    for below, columns in re.findall(r"width < (\d+) \? (\d+)", expr):
        if width < int(below):
            return int(columns)
    return int(expr.rsplit(":", 1)[-1])


@pytest.mark.parametrize("name", COMMUNITY_AXIS_CHARTS)
def test_community_names_are_on_the_vertical_axis_one_row_each(specs, name):
    """Horizontal bars: each name gets a bar's height, so none is dropped for lack of room
    (on the 今年 view vertical bars lost 3 of 7 names)."""
    enc = specs[name]["encoding"]
    assert enc["y"]["field"] == "community" and enc["x"]["type"] == "quantitative"
    assert enc["y"]["axis"]["labelOverlap"] is False
    (rows,) = specs[name]["datasets"].values()
    assert specs[name]["height"] == charts.ROW_HEIGHT * max(3, len(rows))


@pytest.mark.parametrize(("name", "channel"), COUNT_AXES.items())
def test_counts_have_whole_number_ticks(specs, name, channel):
    axis = specs[name]["encoding"][channel]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == "d"


@pytest.mark.parametrize("name", LEGEND_CHARTS)
def test_community_legends_fit_a_phone(specs, name):
    legend = specs[name]["encoding"]["color"]["legend"]
    expr = legend["columns"]["expr"]
    assert _columns_at(expr, 266) == 3  # the plot width of a chart on a 390 px phone
    assert _columns_at(expr, 400) <= 4  # half an office screen
    assert legend["labelLimit"] == 0  # names are never cut
    if name == "monthly":
        assert _columns_at(expr, 900) == 7  # a full-width chart: all seven in one row
