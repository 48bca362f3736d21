"""Small builders of valid rows, so each test states only what it is about."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sltcore.auth import SYSTEM
from sltcore.identity import make_id_number
from sltcore.store.base import Store

_seq = itertools.count(1)


def community(store: Store, name: str = "幸福一村", **kw: Any) -> dict:
    return store.append("communities", [{"name": name, "population": 8000, **kw}], SYSTEM)[0]


def volunteer_row(community_id: str, **kw: Any) -> dict:
    n = next(_seq)
    birth = kw.pop("birth_date", dt.date(1980, 1, 1) + dt.timedelta(days=n))
    sex = kw.pop("sex", "F")
    idn = kw.pop("id_number", None) or make_id_number("110105", birth, n, sex)
    row = {
        "name": f"测试{n}",
        "sex": sex,
        "birth_date": birth,
        "id_number": idn,
        "mobile": f"139{n:08d}",
        "community_id": community_id,
        "membership": "resident",
        "registered_on": dt.date(2020, 3, 5),
    }
    row.update(kw)
    return row


def volunteer(store: Store, community_id: str, **kw: Any) -> dict:
    return store.append("volunteers", [volunteer_row(community_id, **kw)], SYSTEM)[0]


def record_row(vol: dict, hours: float = 2.0, day: dt.date = dt.date(2026, 3, 5), **kw) -> dict:
    return {
        "volunteer_id": vol["id"],
        "date": day,
        "hours": hours,
        "community_id": vol["community_id"],
        **kw,
    }
