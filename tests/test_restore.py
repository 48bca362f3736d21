"""Restore: cancel an event, then restore it: the same records, hours and totals as before;
only the records its cancellation archived come back; any archived row restorable."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from sltcore.auth import SYSTEM, Actor
from sltcore.services import analytics, attendance, events, rows
from sltcore.services.volunteers import hours_by_volunteer
from sltcore.store.local import LocalStore

ADMIN = Actor("admin", "admin", display_name="管理员")


@pytest.fixture
def store(demo_db, tmp_path):
    path = tmp_path / "restore.db"
    shutil.copy(demo_db, path)
    s = LocalStore(path)
    yield s
    s.close()


def _totals(s):
    frames = s.read_all()
    return (
        events.totals_by_event(frames).sort_index(),
        hours_by_volunteer(frames, 2026).sort_index(),
        analytics.dashboard(analytics.prepare(frames), analytics.make_period("this_year",
                            pd.Timestamp("2026-11-29").date()))["figures"],
    )  # fmt: skip


def test_cancel_then_restore_gives_back_the_same_records_hours_and_totals(store):
    frames = store.read_all()
    busiest = frames["service_records"]["event_id"].value_counts().index[0]
    rec = frames["service_records"]
    # One record of the event was archived before, for its own reason: it stays archived.
    earlier = rec[rec["event_id"] == busiest].iloc[0]
    attendance.remove(store, earlier["id"], int(earlier["version"]), SYSTEM)
    before_ids = set(store.read("service_records").query("event_id == @busiest")["id"])
    before = _totals(store)
    ev = store.get("events", busiest)
    done = events.cancel(store, {}, busiest, ev["version"], ADMIN)
    assert done.records_archived == len(before_ids) > 1
    cancelled = _totals(store)[0]
    assert busiest not in cancelled.index, "a cancelled event's hours count nowhere"
    ev = store.get("events", busiest)
    back = events.restore_cancelled(store, busiest, ev["version"], ADMIN)
    assert back.records_restored == len(before_ids)
    assert store.get("events", busiest)["status"] == "done"
    after_ids = set(store.read("service_records").query("event_id == @busiest")["id"])
    assert after_ids == before_ids, "exactly the records the cancellation archived"
    assert store.get("service_records", earlier["id"])["archived"] is True
    for a, b in zip(before, _totals(store), strict=True):
        pd.testing.assert_frame_equal(a, b)
    log = store.read("audit_log")
    restores = log[(log["action"] == "restore") & (log["table_name"] == "service_records")]
    assert restores["action_id"].nunique() == 1, "the restore is one action"


def test_setting_a_cancelled_event_back_to_done_in_its_form_restores_its_records(store):
    frames = store.read_all()
    busiest = frames["service_records"]["event_id"].value_counts().index[0]
    n = int((frames["service_records"]["event_id"] == busiest).sum())
    ev = store.get("events", busiest)
    events.cancel(store, {}, busiest, ev["version"], ADMIN)
    ev = store.get("events", busiest)
    done = events.update_event(store, {}, busiest, {"status": "planned"}, ev["version"], ADMIN)
    assert done.records_restored == n and done.event["status"] == "planned"


@pytest.mark.parametrize("table_key", rows.RESTORABLE)
def test_any_archived_row_is_restored_by_an_admin_as_one_action(store, table_key):
    if table_key == "certificates":
        v = store.read("volunteers").iloc[0]
        store.append("certificates", [{"number": "SLT-2026-9999", "volunteer_id": v["id"],
                     "issued_on": pd.Timestamp("2026-11-01").date(), "hours": 2,
                     "issuer": "街道"}], SYSTEM)  # fmt: skip
    if table_key == "preferences":  # the sample data holds none: someone picks a language
        store.append("preferences", [{"username": "admin", "lang": "en"}], SYSTEM)
    row = store.read(table_key).iloc[-1]
    gone = rows.archive(store, table_key, row["id"], int(row["version"]), ADMIN)
    assert row["id"] in set(rows.archived(store, ADMIN, table_key)["id"])
    back = rows.restore(store, table_key, row["id"], gone["version"], ADMIN)
    assert back["archived"] is False
    log = store.read("audit_log")
    last = log[log["row_id"] == row["id"]].iloc[-1]
    assert last["action"] == "restore" and last["actor"] == "admin"
