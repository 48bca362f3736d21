"""The Sheets backend's transactions under faults: whole or absent, never half, never twice.

Through gspread's real HTTP requests to the in-repo emulator, with its fault switches: 429 and
5xx before a request is applied, and "applied but the answer lost" after.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sltcore import demo
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import BackendUnavailable, DeskError, LeaseBusy, OutcomeUnknown
from sltcore.schema import TABLES
from sltcore.services import attendance, events
from sltcore.store.gsheets import LEASE_TITLE, GSheetsStore, RetryPolicy
from tests.conftest import make_gsheets_store
from tests.helpers import volunteer_row


@pytest.fixture
def emu(sheets_emulator):
    sheets_emulator.clear_faults()
    yield sheets_emulator
    sheets_emulator.clear_faults()


def other(emu, s: GSheetsStore, **kw) -> GSheetsStore:
    from sheets_emulator.client import gspread_client

    kw.setdefault("retry", s.retry)
    kw.setdefault("lease_ttl", s.lease_ttl)
    return GSheetsStore(gspread_client(emu.host).http_client, s.spreadsheet_id, **kw)


def _new_event(n: int, com: str) -> dict:
    return {"title": f"故障{n}", "date": dt.date(2026, 5, 1 + n % 20), "community_id": com,
            "category": "security", "status": "done"}  # fmt: skip


@pytest.mark.parametrize("seed", [3, 17])
def test_multi_table_actions_under_faults_land_whole_or_not_at_all(emu, seed) -> None:
    s = make_gsheets_store(emu)
    demo.load_reference(s)
    com = s.read_all()["communities"]["id"].iloc[0]
    vols = [v["id"] for v in s.append("volunteers", [volunteer_row(com) for _ in range(12)],
                                      SYSTEM)]  # fmt: skip
    emu.set_faults(error_rate=0.3, error_statuses=(429, 500, 503), after_apply_rate=0.3,
                   after_apply_status=500, seed=seed)  # fmt: skip
    said: dict[str, str] = {}  # event title -> what the user was told
    unknown: dict[str, str] = {}
    for n in range(16):
        frames = s.read_all()
        who = vols[(n * 3) % 12 :][:3]
        title = _new_event(n, com)["title"]
        try:
            attendance.record(s, frames, [(v, 1.0) for v in who], SYSTEM,
                              new_event=_new_event(n, com))  # fmt: skip
            said[title] = "saved"
        except OutcomeUnknown as err:
            unknown[title] = err.token
            assert "不会只存一半" in err.message("zh")
        except DeskError as err:
            assert err.message("zh"), "a refusal is a message"
            said[title] = "not saved"
    emu.clear_faults()
    for title, token in unknown.items():
        said[title] = "saved" if s.outcome(token) else "not saved"
    after = other(emu, s)
    frames = after.read_all(include_archived=True)
    ev, rec = frames["events"], frames["service_records"]
    for title, what in said.items():
        mine = ev[ev["title"] == title]
        if what == "saved":
            assert len(mine) == 1, f"{title} saved once"
            assert (rec["event_id"] == mine["id"].iloc[0]).sum() == 3, f"{title} whole"
        else:
            assert mine.empty, f"{title} reported as not saved, and not there"
    assert rec["id"].is_unique and ev["id"].is_unique
    audit = after.read("audit_log")
    assert set(rec["id"]) | set(ev["id"]) <= set(audit["row_id"]), "no row without its audit"
    assert sum(1 for w in said.values() if w == "saved") >= 4, "the faults let some through"
    faulted = [r for r in emu.requests if r.spreadsheet_id == s.spreadsheet_id and r.fault]
    assert len(faulted) > 15


def test_cancel_under_lost_answers_is_whole(emu) -> None:
    s = make_gsheets_store(emu)
    demo.load_reference(s)
    com = s.read_all()["communities"]["id"].iloc[0]
    vols = [v["id"] for v in s.append("volunteers", [volunteer_row(com) for _ in range(4)],
                                      SYSTEM)]  # fmt: skip
    saved = attendance.record(s, s.read_all(), [(v, 2.0) for v in vols], SYSTEM,
                              new_event=_new_event(1, com))  # fmt: skip
    emu.fail_next(2, status=500, after_apply=True, kind="spreadsheets.batchUpdate")
    events.cancel(s, s.read_all(), saved.event_id, 1, SYSTEM)
    frames = other(emu, s).read_all(include_archived=True)
    ev = frames["events"].set_index("id").loc[saved.event_id]
    rec = frames["service_records"]
    assert ev["status"] == "cancelled" and int(ev["version"]) == 2, "applied exactly once"
    assert rec["archived"].all() and (rec["version"] == 2).all()


def test_a_lost_answer_to_the_first_setup_does_not_stop_the_app(emu) -> None:
    sid = emu.create_spreadsheet("new desk")
    emu.fail_next(1, status=500, after_apply=True, kind="spreadsheets.batchUpdate")
    from sheets_emulator.client import gspread_client

    s = GSheetsStore(gspread_client(emu.host).http_client, sid,
                     retry=RetryPolicy(base=0.005, cap=0.05, max_elapsed=5))  # fmt: skip
    frames = s.read_all()  # the retried addSheet met "already exists": read again, go on
    assert set(frames) == {t.key for t in TABLES} - {"audit_log"}
    titles = emu.sheet_titles(sid)
    assert sorted(titles) == sorted({t.key for t in TABLES} | {"_journal", "Sheet1"})


def test_two_first_connections_at_once_set_up_one_layout(emu) -> None:
    from sheets_emulator.client import gspread_client

    sid = emu.create_spreadsheet("race")
    stores = [GSheetsStore(gspread_client(emu.host).http_client, sid) for _ in range(3)]
    errors: list[BaseException] = []

    def connect(st: GSheetsStore) -> None:
        try:
            st.read_all()
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=connect, args=(st,)) for st in stores]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    titles = emu.sheet_titles(sid)
    assert len(titles) == len(set(titles)) == len(TABLES) + 2


def _plant_lease(emu, s: GSheetsStore, expires_in: float) -> None:
    """A lease left by a process that died (or is still working), as the sheet would hold it."""
    now = time.time()
    emu.workbook.batch_update(s.spreadsheet_id, {"requests": [
        {"addSheet": {"properties": {"sheetId": 4242, "title": LEASE_TITLE, "hidden": True,
                                     "gridProperties": {"rowCount": 1, "columnCount": 4}}}},
        {"updateCells": {"start": {"sheetId": 4242, "rowIndex": 0, "columnIndex": 0},
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "dead"}},
                                              {"userEnteredValue": {"stringValue": "host:1"}},
                                              {"userEnteredValue": {"numberValue": now}},
                                              {"userEnteredValue": {"numberValue":
                                                                    now + expires_in}}]}],
                         "fields": "userEnteredValue"}},
    ]})  # fmt: skip


def test_a_dead_holders_lease_is_taken_over_after_it_expires(emu) -> None:
    s = make_gsheets_store(emu)
    demo.load_reference(s)
    _plant_lease(emu, s, expires_in=1.5)
    started = time.monotonic()
    s.append("communities", [{"name": "接管后"}], SYSTEM)
    waited = time.monotonic() - started
    assert waited >= 1.0, "it waited for the lease to expire"
    assert "接管后" in set(other(emu, s).read_all()["communities"]["name"])
    assert LEASE_TITLE not in emu.sheet_titles(s.spreadsheet_id), "and released it"


def test_a_lease_held_too_long_is_a_message_and_nothing_is_written(emu) -> None:
    s = make_gsheets_store(emu)
    demo.load_reference(s)
    busy = other(emu, s, lease_wait=1.0)
    busy.read_all()
    _plant_lease(emu, s, expires_in=60)
    with pytest.raises(LeaseBusy) as info:
        busy.append("communities", [{"name": "等不到"}], SYSTEM)
    assert "其他同事正在保存" in info.value.message("zh")
    assert "等不到" not in set(other(emu, s).read_all()["communities"]["name"])


def test_a_refused_action_releases_the_lease(emu) -> None:
    s = make_gsheets_store(emu)
    demo.load_reference(s)
    name = s.read_all()["communities"]["name"].iloc[0]
    with pytest.raises(DeskError):
        s.append("communities", [{"name": name}], SYSTEM)  # unique name: refused
    assert LEASE_TITLE not in emu.sheet_titles(s.spreadsheet_id)
    started = time.monotonic()
    other(emu, s, lease_wait=5.0).append("communities", [{"name": "下一位"}], Actor("b"))
    assert time.monotonic() - started < 2.0, "the next writer did not wait for an expiry"


# --- Google's token errors --------------------------------------------------------------------


class _TokenRefuser(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        why = "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
        body = json.dumps({"error": "invalid_grant", "error_description": why})
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


def _key_info(token_uri: str) -> dict:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    return {
        "spreadsheet": "1abcDEF",
        "type": "service_account",
        "project_id": "desk-test",
        "private_key_id": "0" * 40,
        "private_key": pem,
        "client_email": "desk@desk-test.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": token_uri,
    }


@pytest.mark.parametrize("case", ["clock skew or revoked key", "no network"])
def test_token_errors_are_the_unreachable_message(case, monkeypatch) -> None:
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    server = HTTPServer(("127.0.0.1", 0), _TokenRefuser)
    port = server.server_address[1]
    if case == "no network":
        server.server_close()  # nothing listens there any more
    else:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        s = GSheetsStore.from_config(_key_info(f"http://127.0.0.1:{port}/token"))
        s.retry = RetryPolicy(base=0.01, cap=0.05, max_elapsed=0.5)
        with pytest.raises(BackendUnavailable) as info:
            s.read_all()
    finally:
        if case != "no network":
            server.shutdown()
    zh = info.value.message("zh")
    assert "无法连接 Google 表格" in zh and "SLT_BACKEND=local" in zh
    assert "Traceback" not in zh


# --- the user is told which ------------------------------------------------------------------


def _sidebar_check(host: str, sid: str) -> None:
    import streamlit as st

    from sheets_emulator.client import gspread_client
    from sltcore.store.gsheets import GSheetsStore
    from sltcore.ui.shell import outcome_check

    store = GSheetsStore(gspread_client(host).http_client, sid)
    outcome_check(store)
    st.write(f"pending={len(st.session_state.get('unknown_outcomes', []))}")


@pytest.mark.parametrize("landed", [True, False])
def test_the_sidebar_says_whether_an_unconfirmed_save_landed(emu, landed) -> None:
    from streamlit.testing.v1 import AppTest

    s = make_gsheets_store(emu)
    demo.load_reference(s)
    journal = emu.values(s.spreadsheet_id, "_journal")
    token = str(journal[-1][1]) if landed else "0123456789abcdef"
    at = AppTest.from_function(_sidebar_check, args=(emu.host, s.spreadsheet_id))
    at.session_state["unknown_outcomes"] = [token]
    at.run()
    assert "尚未确认" in at.warning[0].value
    at.button(key="outcome_check").click().run()
    assert not at.exception
    if landed:
        assert "已完整保存" in at.success[0].value
    else:
        assert "没有保存任何内容" in at.info[0].value
    assert at.markdown[-1].value == "pending=0"
