"""What only the Google Sheets backend has to prove: request budget, hand edits, faults.

Every test goes through gspread's real HTTP requests to the in-repo Sheets API emulator.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest

from sltcore import demo
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import ConflictError, DeskError, ValidationError
from sltcore.services import health
from sltcore.store import open_store
from sltcore.store.gsheets import GSheetsStore
from tests.conftest import make_gsheets_store
from tests.helpers import community, record_row, volunteer, volunteer_row


def kinds(emu, store: GSheetsStore) -> Counter:
    return Counter(r.kind for r in emu.requests if r.spreadsheet_id == store.spreadsheet_id)


def appends_to(emu, store: GSheetsStore, tab: str) -> int:
    return sum(
        1
        for r in emu.requests
        if r.spreadsheet_id == store.spreadsheet_id
        and r.kind == "values.append"
        and (r.range or "").strip("'").startswith(tab)
    )


@pytest.fixture
def emu(sheets_emulator):
    sheets_emulator.clear_faults()
    yield sheets_emulator
    sheets_emulator.clear_faults()


@pytest.fixture
def gstore(emu) -> GSheetsStore:
    s = make_gsheets_store(emu)
    demo.load_reference(s)
    return s


def fresh(emu, s: GSheetsStore) -> GSheetsStore:
    """Another session's view of the same spreadsheet: a new store, nothing cached."""
    from sheets_emulator.client import gspread_client

    return GSheetsStore(
        gspread_client(emu.host).http_client, s.spreadsheet_id, retry=s.retry, lease_ttl=s.lease_ttl
    )


# --- request budget -----------------------------------------------------------------------


def test_cold_load_is_one_metadata_get_and_one_batch_get(emu, gstore) -> None:
    other = fresh(emu, gstore)
    emu.reset_requests()
    frames = other.read_all()
    assert len(frames["communities"]) == 7
    assert kinds(emu, other) == Counter({"spreadsheets.get": 1, "values.batchGet": 1})


def test_cached_rerun_costs_no_request(emu, gstore) -> None:
    gstore.read_all()
    emu.reset_requests()
    for _ in range(5):
        gstore.revision()
        gstore.read_all()
        gstore.get("communities", "com-1")
    assert kinds(emu, gstore) == Counter()


def _batches(emu, store: GSheetsStore) -> list[dict]:
    mine = [r for r in emu.requests if r.spreadsheet_id == store.spreadsheet_id]
    return [r.body for r in mine if r.kind == "spreadsheets.batchUpdate"]


def test_a_save_is_the_lease_with_a_fresh_read_then_one_atomic_commit(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    vols = gstore.append("volunteers", [volunteer_row(c) for _ in range(30)], SYSTEM)
    emu.reset_requests()
    gstore.append("service_records", [record_row(v, 2) for v in vols], SYSTEM)
    assert kinds(emu, gstore) == Counter({"spreadsheets.batchUpdate": 2}), "two requests"
    take, commit = _batches(emu, gstore)
    assert [next(iter(r)) for r in take["requests"]] == ["addSheet", "updateCells"]
    assert take["includeSpreadsheetInResponse"] and take["responseIncludeGridData"]
    assert any(r.startswith("'service_records'!") for r in take["responseRanges"])
    kinds_ = [next(iter(r)) for r in commit["requests"]]
    assert kinds_ == ["appendCells", "appendCells", "appendCells", "updateCells", "deleteSheet"]
    data, audit = commit["requests"][0]["appendCells"], commit["requests"][1]["appendCells"]
    assert len(data["rows"]) == 30 and len(audit["rows"]) == 30, "rows and audit rows together"
    assert (
        commit["requests"][-1]["deleteSheet"]["sheetId"]
        == (take["requests"][0]["addSheet"]["properties"]["sheetId"])
    ), "the commit releases the lease it holds"
    assert len(gstore.read_all()["service_records"]) == 30
    assert sum(kinds(emu, gstore).values()) == 2, "the cache was updated in place"
    assert len(fresh(emu, gstore).read_all()["service_records"]) == 30


def test_an_update_is_two_requests_and_writes_only_changed_cells(emu, gstore) -> None:
    c = gstore.read_all()["communities"].iloc[0]
    emu.reset_requests()
    gstore.update("communities", c["id"], {"population": 9999}, int(c["version"]), SYSTEM)
    assert kinds(emu, gstore) == Counter({"spreadsheets.batchUpdate": 2})
    take, commit = _batches(emu, gstore)
    row_range = [r for r in take["responseRanges"] if r.startswith("'communities'!A2:")]
    assert row_range, "the row to change is read fresh under the lease"
    cells = [r["updateCells"] for r in commit["requests"] if "updateCells" in r]
    widths = [len(u["rows"][0]["values"]) for u in cells]
    assert sum(widths) < 12, "system fields and the population, not the whole row"
    assert fresh(emu, gstore).get("communities", c["id"])["population"] == 9999


def test_save_cost_does_not_grow_with_the_table(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    v = volunteer(gstore, c)
    gstore.append("service_records", [record_row(v, 0.5, day=dt.date(2024, 1, 1) +
                  dt.timedelta(days=i)) for i in range(400)], SYSTEM)  # fmt: skip
    emu.reset_requests()
    gstore.append("service_records", [record_row(v, 1, day=dt.date(2026, 1, 1))], SYSTEM)
    assert sum(kinds(emu, gstore).values()) == 2
    take = _batches(emu, gstore)[0]
    tail = next(r for r in take["responseRanges"] if r.startswith("'service_records'!"))
    assert tail.startswith("'service_records'!A401:"), "from the last known row down"


def test_another_process_write_is_seen_under_the_lease(emu, gstore) -> None:
    """A stale copy never decides a rule: the journal and the tails bring it up to date."""
    c = gstore.read_all()["communities"]["id"].iloc[0]
    v = volunteer(gstore, c)
    other = fresh(emu, gstore)
    other.read_all()
    gstore.append("service_records", [record_row(v, 20)], SYSTEM)  # other's copy is now stale
    gstore.update("volunteers", v["id"], {"notes": "改过"}, 1, SYSTEM)
    with pytest.raises(ValidationError) as info:
        other.append("service_records", [record_row(v, 5)], SYSTEM)
    assert "24" in info.value.message("zh")
    with pytest.raises(ConflictError):
        other.update("volunteers", v["id"], {"notes": "覆盖"}, 1, SYSTEM)
    assert other.get("volunteers", v["id"])["notes"] == "改过", "the in-place change arrived"


# --- nothing typed becomes a formula --------------------------------------------------------

FORMULAS = ['=IMPORTXML("http://x","//a")', "+1", "-1", "@a", "＝1", "=1+1"]


def test_formula_text_is_stored_literally_in_the_sheet(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    vols = gstore.append("volunteers", [volunteer_row(c, notes=f) for f in FORMULAS], SYSTEM)
    values = emu.values(gstore.spreadsheet_id, "volunteers")
    header = values[0]
    col = header.index("notes") + 1
    for i, _ in enumerate(vols):
        row_no = 2 + i
        cell = emu.cell(gstore.spreadsheet_id, "volunteers", row_no, col)
        assert not cell.is_formula
        assert cell.value == FORMULAS[i]
    back = fresh(emu, gstore).read_all()["volunteers"]
    assert list(back["notes"]) == FORMULAS
    for r in range(1, len(values) + 1):
        for cidx in range(1, len(header) + 1):
            assert not emu.cell(gstore.spreadsheet_id, "volunteers", r, cidx).is_formula


# --- hand-edited sheets ---------------------------------------------------------------------


def test_reading_tolerates_a_hand_edited_sheet(emu) -> None:
    from sheets_emulator.client import gspread_client

    # A Chinese office's sheet: typed dates become serial numbers, as Google stores them.
    sid = emu.create_spreadsheet("手工表格", locale="zh_CN")
    s = GSheetsStore(gspread_client(emu.host).http_client, sid)
    s.read_all()  # creates the tabs with their headers
    # A person rebuilt the communities tab: labels as headers, other order, an extra column,
    # numbers as text, blank rows.
    emu.set_values(sid, "communities", [
        ["社区名称 ", "编号", "Resident population", "备注（手工）", "version", "archived",
         "面积（平方公里）"],
        ["幸福一村", "com-1", "8,000", "老街坊", "1", "FALSE", "0.42"],
        [],
        ["", "", "", "", "", "", ""],
        ["北三里", "com-3", 7900, "", 2, False, ""],
    ], user_entered=False)  # fmt: skip
    emu.set_values(sid, "volunteers", [
        ["id", "name", "sex", "mobile", "community_id", "membership", "registered_on", "version"],
        ["vol-1", "王芳", "女", "13800138000", "com-1", "居民志愿者", "2013年3月5日", 1],
        ["vol-2", "李强", "男", 13900139000, "com-3", "youth", "2013/3/5", 1],
        ["vol-3", "张伟", "M", "13700137000", "com-3", "youth", 41338, 1],
        ["vol-4", "赵敏", "F", "13600136000", "com-1", "youth", "2013-03-05", 1],
        ["", "手工添加", "F", "13500135000", "com-1", "youth", "2020-01-01", ""],
        ["vol-5", "钱多", "F", "13400134000", "com-1", "youth", "三月五日", 1],
        ["vol-1", "王芳", "女", "13800138000", "com-1", "居民志愿者", "2013年3月5日", 1],
    ], user_entered=True)  # typed into the sheet by a person  # fmt: skip
    assert emu.cell(sid, "volunteers", 2, 7).value == 41338, "the sheet holds a serial date"
    s2 = fresh(emu, s)
    frames = s2.read_all()
    com = frames["communities"].set_index("id")
    assert com.loc["com-1", "name"] == "幸福一村" and com.loc["com-1", "population"] == 8000
    assert com.loc["com-3", "version"] == 2 and com.loc["com-1", "area_km2"] == 0.42
    vols = frames["volunteers"].set_index("id")
    assert list(vols.index) == ["vol-1", "vol-2", "vol-3", "vol-4", "vol-5"]
    assert set(vols.loc[["vol-1", "vol-2", "vol-3", "vol-4"], "registered_on"].dt.date) == {
        dt.date(2013, 3, 5)
    }
    assert vols.loc["vol-2", "mobile"] == "13900139000" and vols.loc["vol-1", "sex"] == "F"
    found = [p.message("zh") for p in s2.read_problems()]
    assert any("第6行" in m and "没有编号" in m for m in found), found
    assert any("第7行" in m and "注册日期" in m and "无法读取" in m for m in found), found
    assert any("vol-1重复出现" in m for m in found), found
    # The data-health check shows them too, and a later update keeps the extra column.
    report = [f.message("zh") for f in health.check(s2)]
    assert any("没有编号" in m for m in report) and any("重复出现" in m for m in report)
    s2.update("communities", "com-1", {"population": 8100}, 1, SYSTEM)
    row = emu.values(sid, "communities")[1]
    assert row[3] == "老街坊", "a column added by hand is never erased"
    assert fresh(emu, s).get("communities", "com-1")["population"] == 8100


def test_missing_columns_are_added_without_reordering(emu) -> None:
    s = make_gsheets_store(emu)
    sid = s.spreadsheet_id
    emu.set_values(sid, "Sheet1", [["x"]])
    from sheets_emulator.client import gspread_client

    gc = gspread_client(emu.host)
    gc.open_by_key(sid).add_worksheet("programmes", rows=10, cols=3)
    emu.set_values(sid, "programmes", [["kind", "我的列", "name"], ["brand", "keep", "维护稳定"]])
    s.read_all()
    header = emu.values(sid, "programmes")[0]
    assert header[:3] == ["kind", "我的列", "name"]
    assert set(header[3:]) == {f for f in __import__("sltcore").schema.table("programmes").keys
                               if f not in ("kind", "name")}  # fmt: skip
    assert emu.values(sid, "programmes")[1][:3] == ["brand", "keep", "维护稳定"]


def test_a_row_changed_by_hand_is_a_conflict(emu, gstore) -> None:
    c = gstore.read_all()["communities"].iloc[0]
    sid = gstore.spreadsheet_id
    values = emu.values(sid, "communities")
    vcol = values[0].index("version")
    emu.set_values(sid, "communities", [[2]], start_row=2, start_col=vcol + 1)
    with pytest.raises(ConflictError):
        gstore.update("communities", c["id"], {"population": 1}, 1, SYSTEM)


# --- faults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [11, 23, 37, 41])
def test_writes_under_30_percent_faults_land_once_or_fail_clearly(emu, gstore, seed) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    vols = gstore.append("volunteers", [volunteer_row(c) for _ in range(40)], SYSTEM)
    emu.set_faults(error_rate=0.3, error_statuses=(429, 500, 503), after_apply_rate=0.15,
                   after_apply_status=500, seed=seed)  # fmt: skip
    landed = []
    for i, v in enumerate(vols):
        try:
            landed += gstore.append("service_records", [record_row(v, 1 + i % 3)], SYSTEM)
        except DeskError as err:
            assert err.message("zh")
    updated, refused = [], []
    for v in vols[:10]:
        current = gstore.get("volunteers", v["id"])
        try:
            gstore.update("volunteers", v["id"], {"notes": "ok"}, current["version"], SYSTEM)
            updated.append(v["id"])
        except DeskError:
            refused.append(v["id"])
    emu.clear_faults()
    after = fresh(emu, gstore)
    notes = after.read_all()["volunteers"].set_index("id")["notes"]
    assert all(notes[i] == "ok" for i in updated), "every reported update is in the sheet"
    assert all(notes[i] != "ok" for i in refused), "no update reported as failed landed"
    recs = after.read_all()["service_records"]
    assert sorted(recs["id"]) == sorted(r["id"] for r in landed), "nothing lost, nothing extra"
    assert recs["id"].is_unique, "nothing doubled"
    assert not [p for p in after.read_problems() if "重复" in p.zh]
    faulted = [r for r in emu.requests if r.spreadsheet_id == gstore.spreadsheet_id and r.fault]
    assert len(faulted) > 10, "the faults really happened"


def test_quota_exhaustion_reaches_the_user_as_a_message(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    emu.set_faults(error_rate=1.0, error_statuses=(429,))
    with pytest.raises(DeskError) as info:
        gstore.append("volunteers", [volunteer_row(c)], SYSTEM)
    assert "每分钟约60次" in info.value.message("zh")
    emu.clear_faults()
    assert len(fresh(emu, gstore).read_all()["volunteers"]) == 0


def test_a_deleted_sheet_is_reported(emu) -> None:
    s = make_gsheets_store(emu)
    emu.delete_spreadsheet(s.spreadsheet_id)
    with pytest.raises(DeskError) as info:
        s.read_all()
    assert "找不到这个 Google 表格" in info.value.message("zh")


def test_lost_answer_to_an_append_does_not_double_it(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    emu.fail_next(1, status=500, after_apply=True, kind="values.append")
    stored = gstore.append("volunteers", [volunteer_row(c)], SYSTEM)
    vols = fresh(emu, gstore).read_all()["volunteers"]
    assert list(vols["id"]) == [stored[0]["id"]]
    assert sum(1 for row in emu.values(gstore.spreadsheet_id, "volunteers")
               if row and row[0] == stored[0]["id"]) == 1  # fmt: skip


# --- concurrency and configuration ----------------------------------------------------------


def test_threads_appending_to_one_tab(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    v = volunteer(gstore, c)
    other = fresh(emu, gstore)
    errors: list[BaseException] = []

    def work(store: GSheetsStore, k: int) -> None:
        try:
            for j in range(5):
                day = dt.date(2025, 1, 1) + dt.timedelta(days=k * 10 + j)
                store.append("service_records", [record_row(v, 1, day=day)], Actor(f"t{k}"))
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=work, args=(gstore if k % 2 else other, k))
               for k in range(6)]  # fmt: skip
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    recs = fresh(emu, gstore).read_all()["service_records"]
    assert len(recs) == 30 and recs["id"].is_unique and recs["date"].is_unique


def test_open_store_uses_the_sheet_from_secrets_and_the_emulator(emu, tmp_path, monkeypatch):
    sid = emu.create_spreadsheet("desk")
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.gsheets]\nspreadsheet = "https://docs.google.com/'
                       f'spreadsheets/d/{sid}/edit"\n', encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("SLT_SECRETS", str(secrets))
    monkeypatch.setenv("SHEETS_EMULATOR_HOST", emu.host)
    monkeypatch.delenv("SLT_BACKEND", raising=False)
    s = open_store()
    assert s.backend == "gsheets" and s.spreadsheet_id == sid
    c = community(s)
    assert fresh(emu, s).get("communities", c["id"])["name"] == "幸福一村"
    monkeypatch.setenv("SLT_BACKEND", "local")
    monkeypatch.setenv("SLT_DB", str(tmp_path / "x.db"))
    assert open_store().backend == "local"


def test_an_update_leaves_cells_edited_by_hand_alone(emu, gstore) -> None:
    c = gstore.read_all()["communities"].iloc[0]
    sid = gstore.spreadsheet_id
    header = emu.values(sid, "communities")[0]
    row_no = 1 + [r[header.index("id")] for r in emu.values(sid, "communities")].index(c["id"])
    # Someone types an address straight into the sheet; the app then changes the population.
    emu.set_values(sid, "communities", [["手工填写的地址"]], start_row=row_no,
                   start_col=header.index("address") + 1)  # fmt: skip
    gstore.update("communities", c["id"], {"population": 7777}, int(c["version"]), SYSTEM)
    after = fresh(emu, gstore).get("communities", c["id"])
    assert after["population"] == 7777 and after["address"] == "手工填写的地址"


def test_a_refused_commit_writes_nothing_not_even_audit_rows(emu, gstore) -> None:
    c = gstore.read_all()["communities"]["id"].iloc[0]
    v = gstore.append("volunteers", [volunteer_row(c)], SYSTEM)[0]
    emu.fail_next(1, status=400, kind="spreadsheets.batchUpdate")
    with pytest.raises(DeskError):
        gstore.update("volunteers", v["id"], {"notes": "核对过"}, 1, SYSTEM)
    after = fresh(emu, gstore)
    assert after.get("volunteers", v["id"])["notes"] is None
    audit = after.read("audit_log")
    assert list(audit.loc[audit["row_id"] == v["id"], "action"]) == ["create"]


def test_a_malformed_secrets_file_is_a_message_naming_it(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "secrets.toml"
    bad.write_text('[connections.gsheets]\nspreadsheet = "abc\n', encoding="utf-8")
    monkeypatch.setenv("SLT_SECRETS", str(bad))
    monkeypatch.delenv("SLT_BACKEND", raising=False)  # SLT_BACKEND=local never reads it
    with pytest.raises(DeskError) as info:
        open_store()
    assert str(bad) in info.value.message("zh") and "格式有误" in info.value.message("zh")


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (403, "添加为编辑者"),
        (401, "密钥无效"),
        (404, "找不到这个 Google 表格"),
        (400, "拒绝了请求"),
    ],
)
def test_refusals_become_messages_that_say_what_to_do(emu, status, words) -> None:
    s = make_gsheets_store(emu, account_email="desk@example.iam.gserviceaccount.com")
    emu.fail_next(1, status=status)
    with pytest.raises(DeskError) as info:
        s.read_all()
    message = info.value.message("zh")
    assert words in message
    if status == 403:
        assert "desk@example.iam.gserviceaccount.com" in message
    assert sum(1 for r in emu.requests if r.spreadsheet_id == s.spreadsheet_id) == 1, (
        "a refusal is not retried"
    )
