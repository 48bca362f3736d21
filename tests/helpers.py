"""Small builders of valid rows, so each test states only what it is about."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sltcore.auth import SYSTEM, Actor
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


class WriteSpy:
    """The store, noting each write as (method, table); `fail_on` makes that write fail once
    with `error(table_key)`, so a test can break one step of a multi-write operation."""

    def __init__(self, store, fail_on=None, error=None):
        self._store = store
        self.calls: list[tuple[str, str]] = []
        self.fail_on = fail_on
        self._error = error

    def __getattr__(self, name):
        return getattr(self._store, name)

    def _note(self, method: str, table_key: str) -> None:
        self.calls.append((method, table_key))
        if self.fail_on == (method, table_key):
            self.fail_on = None  # fail once: a compensation or a retry goes through
            raise self._error(table_key)

    def append(self, table_key, *args):
        self._note("append", table_key)
        return self._store.append(table_key, *args)

    def update(self, table_key, *args):
        self._note("update", table_key)
        return self._store.update(table_key, *args)

    def update_many(self, table_key, *args):
        self._note("update_many", table_key)
        return self._store.update_many(table_key, *args)

    def set_archived(self, table_key, *args):
        self._note("set_archived", table_key)
        return self._store.set_archived(table_key, *args)


# --- edit forms when another session saved the same row ---------------------------------------

OTHER = Actor("other", "admin", display_name="另一位同事")  # another session, another person


def stale_notices(at) -> list[str]:
    return [w.value for w in at.warning if "载入最新内容" in w.value]


def save_button(at):
    return next(b for b in at.button if b.label == "保存")
