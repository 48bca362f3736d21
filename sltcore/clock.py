"""Beijing time for every 'today' and 'now' the desk uses.

`SLT_TODAY=YYYY-MM-DD` pins today (tests, reproducible demos); the office works in Asia/Shanghai
whatever the server's own zone is.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sltcore import config

BEIJING = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    pinned = config.pinned_today()
    return pinned if pinned is not None else dt.datetime.now(BEIJING).date()


def now() -> dt.datetime:
    """Naive Beijing wall-clock time, to the second (what people read in the sheet)."""
    current = dt.datetime.now(BEIJING).replace(tzinfo=None, microsecond=0)
    pinned = config.pinned_today()
    return dt.datetime.combine(pinned, current.time()) if pinned is not None else current
