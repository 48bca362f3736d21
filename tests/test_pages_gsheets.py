"""The daily pages on the Google Sheets backend (through the local Sheets emulator).

The pages only talk to sltcore, so the same AppTest flows must work whichever store is behind.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import demo
from sltcore.auth import SYSTEM
from tests.conftest import make_gsheets_store
from tests.helpers import community, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
K = "record.0."
DAY = dt.date(2026, 11, 28)


@pytest.fixture
def sheet_app(sheets_emulator, tmp_path, monkeypatch):
    """The app pointed at a fresh emulated spreadsheet; yields a store on the same sheet."""
    store = make_gsheets_store(sheets_emulator)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.gsheets]\nspreadsheet = "{store.spreadsheet_id}"\n')
    monkeypatch.setenv("SLT_BACKEND", "gsheets")
    monkeypatch.setenv("SLT_SECRETS", str(secrets))
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", sheets_emulator.host)
    monkeypatch.setenv("SLT_DB", str(tmp_path / "unused.db"))  # keeps the cached store apart
    monkeypatch.chdir(Path(APP).parent)
    yield store


def open_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("page", "rows"),
    [
        ("app_pages/events.py", None),
        ("app_pages/volunteers.py", 40),
        ("app_pages/teams.py", 30),
        ("app_pages/tables.py", 7),
        ("app_pages/record.py", None),
    ],
)
def test_pages_render_on_a_sheet_with_sample_data(sheet_app, page, rows):
    """The data shown can only come from the sheet: the local database file stays empty."""
    if demo.store_is_empty(sheet_app):
        demo.load_demo(sheet_app, volunteers=40, records=200)
    at = open_page(page)
    assert not at.error
    if page == "app_pages/record.py":
        assert len(at.selectbox(key=f"{K}event").options) > 5
    elif rows is None:
        assert len(at.dataframe[0].value) > 5
    else:
        assert len(at.dataframe[0].value) == rows


def test_record_activity_on_a_sheet(sheet_app):
    store = sheet_app
    com = community(store)
    people = [volunteer(store, com["id"], name=n) for n in ("王秀英", "李强", "张伟")]
    event = store.append(
        "events",
        [
            {
                "title": "垃圾分类宣传",
                "date": DAY,
                "start_time": dt.time(9, 0),
                "end_time": dt.time(10, 30),
                "community_id": com["id"],
                "category": "green",
            }
        ],
        SYSTEM,
    )[0]
    at = open_page("app_pages/record.py")
    at.selectbox(key=f"{K}event").set_value(event["id"]).run()
    at.text_input(key=f"{K}people.q").input("1").run()
    at.multiselect(key=f"{K}people.ids").set_value([p["id"] for p in people]).run()
    at.button(key=f"{K}submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store.reload()  # this test's own store keeps its last read for a while
    rec = store.read("service_records")
    assert sorted(rec["hours"]) == [1.5, 1.5, 1.5] and set(rec["event_id"]) == {event["id"]}
    at.button(key="record.undo").click().run()
    store.reload()
    assert store.read("service_records").empty


def test_event_changes_carry_over_to_records_on_a_sheet(sheet_app):
    """The event page's edit and cancel, and one person's correction, on the sheet backend."""
    store = sheet_app
    com, north = community(store), community(store, "北三里")
    people = [volunteer(store, com["id"], name=n) for n in ("王秀英", "李强")]
    event = store.append(
        "events",
        [{"title": "清洁", "date": DAY, "community_id": com["id"], "category": "green"}],
        SYSTEM,
    )[0]
    store.append(
        "service_records",
        [
            {"volunteer_id": p["id"], "event_id": event["id"], "date": DAY, "hours": 2.0}
            | {"community_id": com["id"]}
            for p in people
        ],
        SYSTEM,
    )
    at = open_page("app_pages/events.py", {"event": event["id"]})
    at.selectbox(key=f"events.edit.{event['id']}.1.community_id").set_value(north["id"])
    at.date_input(key=f"events.edit.{event['id']}.1.date").set_value(DAY - dt.timedelta(days=2))
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    store.reload()
    rec = store.read("service_records")
    assert set(rec["community_id"]) == {north["id"]}
    assert set(rec["date"].dt.date) == {DAY - dt.timedelta(days=2)}

    target = rec.iloc[0]
    at.selectbox(key=f"events.fix.{event['id']}").set_value(target["id"]).run()
    at.number_input(key=f"events.fix.{target['id']}.0.hours").set_value(3.0)
    next(b for b in at.button if b.label == "保存" and "fix" in str(b.proto.id)).click().run()
    assert not at.error, [e.value for e in at.error]
    store.reload()
    assert store.get("service_records", target["id"])["hours"] == 3.0

    at.button(key="events.cancel").click().run()
    assert "活动已取消，2 条服务记录已归档" in [t.value for t in at.toast]
    store.reload()
    assert store.read("service_records").empty
    assert store.get("events", event["id"])["status"] == "cancelled"
