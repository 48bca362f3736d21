"""Beijing time for every 'today' and 'now' the desk uses.

`SLT_TODAY=YYYY-MM-DD` pins today (tests, reproducible demos); the office works in Asia/Shanghai
whatever the server's own zone is.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    pinned = os.environ.get("SLT_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.datetime.now(BEIJING).date()


def now() -> dt.datetime:
    """Naive Beijing wall-clock time, to the second (what people read in the sheet)."""
    current = dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)
    pinned = os.environ.get("SLT_TODAY")
    if pinned:
        return dt.datetime.combine(dt.date.fromisoformat(pinned), current.time())
    return current
