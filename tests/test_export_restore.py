"""Export (workbook, CSV), restore from the workbook, and the dated backup of the local store."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import sqlite3
import subprocess
import threading

import openpyxl
import pytest

from sltcore import demo
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from sltcore.exports import backup, workbook
from sltcore.exports.cells import FORMULA_START
from sltcore.schema import AUDIT_TABLE, TABLES, table
from sltcore.services import accounts, restore, timebank
from sltcore.store.local import LocalStore
from tests.conftest import make_gsheets_store

COORD = Actor("coord1", "coordinator", ("com-1",))
LEADER = Actor("leader", "viewer")
TRICKY = ["=1+1", "+86 本人", "-2", "@SUM(A1)", "＝1", "＋1", "－1", "＠a", "\t=1", "0012", "TRUE",
          "1e5", " 前后空格 ", "第一行\n第二行", "😀" * 3, "'引号"]  # fmt: skip


def fill(store) -> None:
    """Sample data with what a round trip must keep: archived rows, edited rows (versions > 1),
    text that looks like formulas or numbers, tags, times, and every table written."""
    data = demo.generate(volunteers=40, records=240, seed=7, until=dt.date(2026, 11, 29))
    for key in demo.LOAD_ORDER:
        if data.get(key):
            store.append(key, data[key], SYSTEM)
    vols = store.read("volunteers")
    for i, text in enumerate(TRICKY):
        rid, version = vols["id"].iloc[i], int(vols["version"].iloc[i])
        changes = {"notes": text, "skills": ("急救", "手语")}
        store.update("volunteers", rid, changes, version, SYSTEM)
    events = store.read("events")
    store.set_archived("events", {events["id"].iloc[0]: int(events["version"].iloc[0])}, True,
                       SYSTEM)  # fmt: skip
    store.append("certificates", [{"number": "=CERT-1", "volunteer_id": vols["id"].iloc[0],
                                   "issued_on": dt.date(2026, 1, 5), "hours": 12.5,
                                   "issuer": "三里屯街道"}], SYSTEM)  # fmt: skip
    accounts.set_language(store, SYSTEM, "en")  # a preferences row
    timebank.adjust(store, SYSTEM, vols["id"].iloc[1], -2.5, "多记的积分", dt.date(2026, 11, 2))
    last = vols.iloc[-1]  # archived: not one of the TRICKY rows the export tests read
    store.set_archived("volunteers", {last["id"]: int(last["version"])}, True, SYSTEM)
    recs = store.read("service_records")
    rec = recs.iloc[-1]
    store.set_archived("service_records", {rec["id"]: int(rec["version"])}, True, SYSTEM)


ARCHIVED_IN_FILL = ("volunteers", "events", "service_records")


def every_table_has_rows(rows: dict[str, list[dict]]) -> None:
    """What the round trips compare is not empty: every table has rows, archived ones among
    them where `fill` archived some, and the time bank an adjustment (so an empty or a
    live-only table cannot pass the comparison by having nothing to compare)."""
    empty = [t.key for t in TABLES if not rows[t.key]]
    assert not empty, f"tables without rows: {empty}"
    for key in ARCHIVED_IN_FILL:
        assert any(r["archived"] for r in rows[key]), f"{key}: no archived row"
    assert any(r["kind"] == "adjust" for r in rows["timebank_transactions"])
    assert [r["lang"] for r in rows["preferences"]] == ["en"]


def compare(a, b, restored_from: str) -> None:
    """Every row of every table equal, field by field; b has one audit row more: the restore."""
    ra, rb = restore.stored_rows(a), restore.stored_rows(b)
    every_table_has_rows(ra)
    for t in TABLES:
        rows_a = {r["id"]: r for r in ra[t.key]}
        rows_b = {r["id"]: r for r in rb[t.key]}
        if t.key == AUDIT_TABLE:
            extra = [r for i, r in rows_b.items() if i not in rows_a]
            assert len(extra) == 1 and extra[0]["action"] == "restore", extra
            assert extra[0]["row_id"] == restored_from
            rows_b = {i: r for i, r in rows_b.items() if i in rows_a}
        assert rows_a.keys() == rows_b.keys(), t.key
        for rid, row in rows_a.items():
            diff = {k: (v, rows_b[rid][k]) for k, v in row.items() if rows_b[rid][k] != v}
            assert not diff, (t.key, rid, diff)


@pytest.fixture
def filled(store):
    fill(store)
    return store


# --- the workbook and the CSV ---------------------------------------------------------------


def test_a_sheet_per_table_in_chinese_or_english(filled):
    wb = openpyxl.load_workbook(io.BytesIO(workbook.export_workbook(filled, SYSTEM)))
    assert wb.sheetnames == [t.zh for t in TABLES] + ["导出说明"]
    head = [c.value for c in wb["志愿者"][1]]
    assert head[:4] == ["编号", "创建时间", "创建人", "修改时间"]
    assert head[4:8] == ["修改人", "版本", "已归档", "姓名"]
    assert wb["志愿者"].max_row == 41 and wb["活动"]["G2"].value is True  # archived included
    en = openpyxl.load_workbook(io.BytesIO(workbook.export_workbook(filled, SYSTEM, lang="en")))
    assert en.sheetnames[:2] == ["Communities", "Volunteers"]
    assert en.sheetnames[-1] == "About this file"
    assert [c.value for c in en["Volunteers"][1]][7:10] == ["Name", "Sex", "Birth date"]
    assert en["Volunteers"]["I2"].value in ("Male", "Female")


def test_id_numbers_are_masked_unless_an_admin_asks(filled):
    full = filled.read("volunteers")["id_number"].iloc[0]

    def ids(actor, unmasked=False):
        data = workbook.export_workbook(filled, actor, tables=["volunteers", "accounts"],
                                        unmasked=unmasked)  # fmt: skip
        ws = openpyxl.load_workbook(io.BytesIO(data))["志愿者"]
        col = [c.value for c in ws[1]].index("身份证号") + 1
        return ws.cell(2, col).value, ws.cell(2, col + 1).value

    masked = full[:6] + "********" + full[-4:]
    assert ids(SYSTEM) == (masked, filled.read("volunteers")["mobile"].iloc[0])
    assert ids(COORD)[0] == masked
    assert ids(LEADER)[1].count("*") == 4, "a read-only account gets phones masked too"
    assert ids(SYSTEM, unmasked=True)[0] == full
    for actor in (COORD, LEADER):
        with pytest.raises(PermissionDenied):
            workbook.export_workbook(filled, actor, unmasked=True)
        with pytest.raises(PermissionDenied):
            workbook.export_csv(filled, actor, "volunteers", unmasked=True)


def test_every_text_cell_is_safe_from_formulas(filled):
    data = workbook.export_workbook(filled, SYSTEM, tables=["volunteers", "certificates"])
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["志愿者"]
    notes = [c.value for c in ws[1]].index("备注") + 1
    cells = {ws.cell(r, notes).value: ws.cell(r, notes) for r in range(2, ws.max_row + 1)}
    for text in TRICKY:
        cell = cells[text]
        assert cell.data_type == "s", text
        assert cell.quotePrefix == text.startswith(FORMULA_START), text
    number = [c.value for c in wb["服务记录证明登记"][1]].index("证明编号") + 1
    assert wb["服务记录证明登记"].cell(2, number).quotePrefix
    rows = list(csv.reader(io.StringIO(workbook.export_csv(filled, SYSTEM, "volunteers")
                                       .decode("utf-8-sig"))))  # fmt: skip
    col = rows[0].index("备注")
    shown = {r[col] for r in rows[1:]}
    for text in TRICKY:
        expect = "'" + text if text.startswith(FORMULA_START) else text
        assert expect in shown, text


def test_csv_has_a_bom_labels_and_numbers_as_numbers(filled):
    raw = workbook.export_csv(filled, SYSTEM, "timebank_transactions")
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][7:10] == ["志愿者", "日期", "类型"]
    points = [r[10] for r in rows[1:]]
    assert any(p.startswith("-") for p in points), "a redemption is negative, not a formula"
    kinds = {c.zh for c in table("timebank_transactions").field("kind").choices}
    assert {r[9] for r in rows[1:]} <= kinds, "the kind's Chinese label, as the schema says"
    en = list(csv.reader(io.StringIO(workbook.export_csv(filled, SYSTEM, "volunteers", lang="en")
                                     .decode("utf-8-sig"))))  # fmt: skip
    assert en[0][7] == "Name" and en[1][6] in ("Yes", "No")


def test_libreoffice_opens_the_export_and_keeps_text_as_text(filled, tmp_path):
    if shutil.which("soffice") is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice is not installed; .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    src = tmp_path / "export.xlsx"
    src.write_bytes(workbook.export_workbook(filled, SYSTEM, tables=["volunteers"]))
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
         "false,1", str(src), "--outdir", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = next((tmp_path / "out").glob("*.csv")).read_text("utf-8").splitlines()
    notes = {line.rsplit(",", 1)[-1] for line in lines}  # the last column: 备注
    assert {"=1+1", "@SUM(A1)", "＝1", "-2", "+86 本人"} <= notes, "not computed"


def test_a_template_to_fill_in():
    wb = openpyxl.load_workbook(io.BytesIO(workbook.template("volunteers")))
    ws = wb.active
    assert ws["A1"].value == "姓名 *" and ws["B1"].value == "性别 *"
    assert "18位" in ws["D2"].value and ws.data_validations.dataValidation


# --- restore: the same data again -------------------------------------------------------------


def test_round_trip_every_table_local(filled, tmp_path):
    data = workbook.export_workbook(filled, SYSTEM, unmasked=True)
    target = LocalStore(tmp_path / "restored.db")
    written = restore.restore(target, restore.read_backup(data, "备份.xlsx"), SYSTEM)
    assert written["volunteers"] == 40 and written["certificates"] == 1
    compare(filled, target, "备份.xlsx")
    target.close()


def test_round_trip_every_table_on_the_sheet(sheets_emulator):
    emu = sheets_emulator
    emu.clear_faults()
    source = make_gsheets_store(emu)
    fill(source)
    data = workbook.export_workbook(source, SYSTEM, unmasked=True)
    target = make_gsheets_store(emu)
    restore.restore(target, restore.read_backup(data, "sheet.xlsx"), SYSTEM)
    compare(source, target, "sheet.xlsx")
    target.reload()  # and as read back from the sheet itself, not our copy
    compare(source, target, "sheet.xlsx")


def test_local_to_sheets_and_back_row_by_row(filled, sheets_emulator, tmp_path):
    emu = sheets_emulator
    emu.clear_faults()
    to_sheet = workbook.export_workbook(filled, SYSTEM, unmasked=True)
    sheet = make_gsheets_store(emu)
    restore.restore(sheet, restore.read_backup(to_sheet, "local.xlsx"), SYSTEM)
    sheet.reload()
    back = workbook.export_workbook(sheet, SYSTEM, unmasked=True, file_name="sheet.xlsx")
    local = LocalStore(tmp_path / "back.db")
    restore.restore(local, restore.read_backup(back, "sheet.xlsx"), SYSTEM)
    ra, rb = restore.stored_rows(filled), restore.stored_rows(local)
    every_table_has_rows(ra)
    for t in TABLES:
        a = {r["id"]: r for r in ra[t.key]}
        b = {r["id"]: r for r in rb[t.key]}
        if t.key == AUDIT_TABLE:  # the two restores noted themselves, and the full export
            notes = [r for i, r in b.items() if i not in a]  # from the sheet (in its file)
            assert {(r["action"], r["row_id"]) for r in notes} == {
                ("restore", "local.xlsx"),
                ("export", "sheet.xlsx"),
                ("restore", "sheet.xlsx"),
            }
            b = {i: r for i, r in b.items() if i in a}
        assert list(a) == list(b), f"{t.key}: the same rows in the same order"
        for rid in a:
            assert a[rid] == b[rid], (t.key, rid)
    local.close()


def test_a_large_restore_into_a_sheet_goes_in_chunks_and_resumes(sheets_emulator, filled,
                                                                monkeypatch):  # fmt: skip
    emu = sheets_emulator
    emu.clear_faults()
    data = restore.read_backup(workbook.export_workbook(filled, SYSTEM, unmasked=True), "b.xlsx")
    monkeypatch.setattr(restore, "SHEETS_CHUNK_BYTES", 120_000)
    target = make_gsheets_store(emu)
    plan = restore._plan(data, set(), restore.SHEETS_CHUNK_BYTES)
    with_records = [c for c in plan if any(k == "service_records" for k, _ in c)]
    assert len(plan) > 3 and len(with_records) >= 2
    fail_at = next(rows[0]["id"] for k, rows in with_records[1] if k == "service_records")
    real = restore.Transaction.restore_rows

    def flaky(self, table_key, rows):
        if any(r["id"] == fail_at for r in rows):  # the second chunk of records
            raise ConnectionError("the network went away")
        return real(self, table_key, rows)

    monkeypatch.setattr(restore.Transaction, "restore_rows", flaky)
    with pytest.raises(ConnectionError):
        restore.restore(target, data, SYSTEM)
    part = restore.stored_rows(target)
    assert 0 < len(part["service_records"]) < 240, "stopped half-way, whole chunks only"
    monkeypatch.setattr(restore.Transaction, "restore_rows", real)
    restore.restore(target, data, SYSTEM)  # the same again: continues
    compare(filled, target, "b.xlsx")


def test_restore_refuses_what_would_lose_or_mix_data(filled, tmp_path):
    masked = workbook.export_workbook(filled, SYSTEM)
    with pytest.raises(restore.RestoreError) as err:
        restore.read_backup(masked, "masked.xlsx")
    assert "身份证号已打码" in err.value.zh
    full = workbook.export_workbook(filled, SYSTEM, unmasked=True)
    backup_ = restore.read_backup(full, "full.xlsx")
    with pytest.raises(restore.RestoreError) as err:
        restore.restore(filled, backup_, SYSTEM)
    assert "只能恢复到空的数据库" in err.value.zh
    empty = LocalStore(tmp_path / "empty.db")
    with pytest.raises(PermissionDenied):
        restore.restore(empty, backup_, COORD)
    wb = openpyxl.load_workbook(io.BytesIO(full))
    wb["志愿者"]["F3"] = "第二版"  # a version that is no number, typed by hand
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(restore.RestoreError) as err:
        restore.read_backup(buf.getvalue(), "edited.xlsx")
    assert "第3行，F列“志愿者·版本”" in err.value.zh
    plain = openpyxl.Workbook()
    plain.active.append(["姓名"])
    buf = io.BytesIO()
    plain.save(buf)
    with pytest.raises(restore.RestoreError) as err:
        restore.read_backup(buf.getvalue(), "plain.xlsx")
    assert "请用“导入”" in err.value.zh
    assert restore.stored_rows(empty)["volunteers"] == []
    empty.close()


# --- backup -------------------------------------------------------------------------------------


def test_backup_is_a_consistent_copy_while_the_app_writes(demo_store, tmp_path):
    vols = demo_store.read("volunteers")
    before = len(demo_store.read("service_records", include_archived=True))
    stop = threading.Event()
    written = []

    def writer():
        writer_store = LocalStore(demo_store.path)
        i = 0
        while not stop.is_set():
            row = {"volunteer_id": vols["id"].iloc[i % len(vols)], "hours": 0.5,
                   "date": dt.date(2019, 1, 1) + dt.timedelta(days=i),
                   "community_id": vols["community_id"].iloc[i % len(vols)]}  # fmt: skip
            writer_store.append("service_records", [row], SYSTEM)
            written.append(i)
            i += 1
        writer_store.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            threading.Event().wait(0.01)
        path = backup.backup(demo_store, tmp_path / "backups")
    finally:
        stop.set()
        thread.join()
    assert backup.NAME_RE.match(path.name) and path.suffix == ".db"
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    records = copy.execute("SELECT COUNT(*) FROM service_records").fetchone()[0]
    audited = copy.execute(
        "SELECT COUNT(*) FROM audit_log WHERE table_name = 'service_records'"
    ).fetchone()[0]
    assert records == audited, "each record with its audit row: whole transactions only"
    assert before < records < before + len(written) + 1
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_backup_keeps_the_newest_n(store, tmp_path, monkeypatch):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    (folder / "sanlitun-20200101-000000.db.partial").write_text("half")
    made = [backup.backup(store, folder, keep=3) for _ in range(5)]
    left = backup.backups(folder)
    assert left == made[-3:]
    assert (folder / "notes.txt").exists(), "only files it named are ever deleted"
    with pytest.raises(PermissionDenied):
        backup.backup(store, folder, actor=COORD)


def test_a_sheet_is_backed_up_as_a_complete_workbook(sheets_emulator, tmp_path):
    sheets_emulator.clear_faults()
    sheet = make_gsheets_store(sheets_emulator)
    demo.load_reference(sheet)
    path = backup.backup(sheet, tmp_path)
    assert path.suffix == ".xlsx"
    data = restore.read_backup(path.read_bytes(), path.name)
    assert data.counts["communities"] == 7


def test_an_exported_csv_imports_into_another_desk_as_typed(filled, tmp_path):
    """The CSV's formula guard (a leading ') is taken off again on import: `=1+1` typed into a
    note arrives as `=1+1` in the other desk, not as `'=1+1`."""
    from sltcore.services import imports
    from sltcore.services.import_files import read_file

    data = workbook.export_csv(filled, SYSTEM, "volunteers", unmasked=True)
    other = LocalStore(tmp_path / "other.db")
    demo.load_reference(other)  # the same communities (com-1 ... com-7)
    organisations = filled.read("organisations", include_archived=True)
    other.append("organisations", restore.stored_rows(filled)["organisations"], SYSTEM)
    assert len(other.read("organisations")) == len(organisations)
    prepared = imports.prepare(read_file(data, "志愿者.csv"), imports.Settings("volunteers"))
    assert {c.header for c in prepared.columns if c.target is None} >= {"编号", "创建时间", "版本"}
    result = imports.run(other, prepared, SYSTEM)
    assert result.imported == 40, imports.report_text(result)
    mine = filled.read("volunteers").set_index("id_number")
    theirs = other.read("volunteers").set_index("id_number")
    for key in ("name", "mobile", "notes", "skills", "community_id", "membership"):
        assert list(theirs.loc[mine.index, key].fillna("")) == list(mine[key].fillna("")), key
    assert set(TRICKY) <= set(theirs["notes"])
    other.close()
