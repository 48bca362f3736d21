"""Star levels and the yearly minimum, from the regulations.

《中国注册志愿者管理办法》(2013) art. 16: 100 / 300 / 600 / 1000 / 1500 cumulative service hours
make one to five stars; art. 11: a registered volunteer serves at least 20 hours a year.
Stars count service hours only: redeeming time-bank points never lowers them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

THRESHOLDS: tuple[float, ...] = (100.0, 300.0, 600.0, 1000.0, 1500.0)
YEARLY_MINIMUM_HOURS = 20.0


def minimum_applies(registered_on: dt.date | None, year: int) -> bool:
    """Whether the 20 hours of `year` are asked of a volunteer registered on `registered_on`.

    Not in the year of registration: someone who registers on 29 November has not had a year
    to serve, and is not told on day one that 20 hours are missing. From the next calendar
    year on, every year counts (an unknown registration date counts as long ago).
    """
    return registered_on is None or registered_on.year < year


def star_level(total_hours: float) -> int:
    """0 to 5 stars for cumulative hours."""
    return sum(1 for threshold in THRESHOLDS if total_hours + 1e-9 >= threshold)


@dataclass(frozen=True)
class StarProgress:
    level: int
    hours: float
    next_threshold: float | None  # None at five stars
    hours_to_next: float | None
    fraction: float  # progress from this level's threshold to the next, 0..1


def star_progress(total_hours: float) -> StarProgress:
    level = star_level(total_hours)
    if level >= len(THRESHOLDS):
        return StarProgress(level, total_hours, None, None, 1.0)
    low = THRESHOLDS[level - 1] if level else 0.0
    high = THRESHOLDS[level]
    fraction = min(1.0, max(0.0, (total_hours - low) / (high - low)))
    return StarProgress(level, total_hours, high, max(0.0, high - total_hours), fraction)


def stars_text(level: int) -> str:
    return "★" * level + "☆" * (len(THRESHOLDS) - level)
