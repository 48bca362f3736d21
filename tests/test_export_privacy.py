"""What each role's export holds, on both backends: the cells of the CSV and the workbook a
person takes away (full or masked phone, address, ID number, beneficiary's name), the system
tables refused to those who may not read the audit log, and the audit row an administrator's
full export leaves; the export page offering each role only what it can use."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.cli import main
from sltcore.errors import PermissionDenied
from sltcore.exports import workbook
from sltcore.schema import AUDIT_TABLE
from sltcore.services import history
from sltcore.store.local import LocalStore
from tests.helpers import community, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
ADMIN = Actor("admin", "admin", display_name="管理员")
VIEWER = Actor("leader", "viewer", display_name="领导")
NORTH_MOBILE, EAST_MOBILE = "13800005678", "13900001234"
NORTH_ADDR, EAST_ADDR = "北三里12号楼3单元", "东三里5号楼1单元"
SYSTEM_TABLES = ("audit_log", "accounts", "preferences")


def build(store) -> dict:
    """Two communities, a volunteer and a beneficiary in each, and a certificate (a table
    without a community field: its community is its volunteer's) for each volunteer."""
    north, east = community(store, "北三里"), community(store, "东三里")
    vn = volunteer(store, north["id"], name="北志愿者", mobile=NORTH_MOBILE, address=NORTH_ADDR)
    ve = volunteer(store, east["id"], name="东志愿者", mobile=EAST_MOBILE, address=EAST_ADDR)
    store.append(
        "beneficiaries",
        [
            {"name": "王秀英", "kind": "elder_alone", "community_id": north["id"],
             "phone": "13700001111", "address": NORTH_ADDR},
            {"name": "李桂兰", "kind": "elder_alone", "community_id": east["id"],
             "phone": "13700002222", "address": EAST_ADDR},
        ],
        SYSTEM,
    )  # fmt: skip
    store.append(
        "certificates",
        [
            {"number": f"C-{v['name']}", "volunteer_id": v["id"], "issued_on": dt.date(2026, 1, 5),
             "hours": 4.0, "issuer": "三里屯街道", "contact_phone": mobile}
            for v, mobile in ((vn, "13600003333"), (ve, "13600004444"))
        ],
        SYSTEM,
    )  # fmt: skip
    coord = Actor("wang", "coordinator", (north["id"],), "王")
    return {"north": north, "east": east, "vn": vn, "ve": ve, "coord": coord}


@pytest.fixture
def world(contract_store):
    return contract_store, build(contract_store)


def csv_cells(store, actor, table_key: str, key_col: str, **kw) -> dict[str, dict[str, str]]:
    """The CSV as a reader sees it: row (by the `key_col` cell) -> header -> cell."""
    raw = workbook.export_csv(store, actor, table_key, **kw).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw)))
    return {r[key_col]: r for r in rows}


def audit_rows(store) -> list[dict]:
    return store.read(AUDIT_TABLE, include_archived=True).to_dict("records")


# role x export: the volunteers' cells each one takes away (None: masked, shown as the mask)
CASES = {
    # case: (actor key, unmasked, north phone full?, east phone full?, ID numbers full?)
    "admin masked": ("admin", False, True, True, False),
    "admin unmasked": ("admin", True, True, True, True),
    "coordinator of north": ("coord", False, True, False, False),
    "viewer": ("viewer", False, False, False, False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_role_by_export_volunteer_cells(world, case):
    store, w = world
    who, unmasked, north_full, east_full, ids_full = CASES[case]
    actor = {"admin": ADMIN, "coord": w["coord"], "viewer": VIEWER}[who]
    rows = csv_cells(store, actor, "volunteers", "姓名", unmasked=unmasked)
    north, east = rows["北志愿者"], rows["东志愿者"]
    assert north["手机号"] == (NORTH_MOBILE if north_full else "138****5678")
    assert north["住址"] == (NORTH_ADDR if north_full else "北三里12号…")
    assert east["手机号"] == (EAST_MOBILE if east_full else "139****1234")
    assert east["住址"] == (EAST_ADDR if east_full else "东三里5号楼…")
    full_id = w["vn"]["id_number"]
    assert north["身份证号"] == (full_id if ids_full else full_id[:6] + "*" * 8 + full_id[-4:])


def test_beneficiaries_and_rows_scoped_through_another_table(world):
    store, w = world
    coord = w["coord"]
    by_coord = csv_cells(store, coord, "beneficiaries", "姓名")
    assert by_coord["王秀英"]["联系电话"] == "13700001111", "own community: full"
    assert by_coord["李桂兰"]["联系电话"] == "137****2222", "another community: masked"
    by_viewer = csv_cells(store, VIEWER, "beneficiaries", "姓名")
    assert set(by_viewer) == {"王**", "李**"}, "the leaders see beneficiaries by surname"
    assert by_viewer["王**"]["联系电话"] == "137****1111"
    assert set(csv_cells(store, ADMIN, "beneficiaries", "姓名")) == {"王秀英", "李桂兰"}
    # a certificate has no community field: its volunteer's community decides (scope_via)
    certs = csv_cells(store, coord, "certificates", "证明编号")
    assert certs["C-北志愿者"]["联系电话"] == "13600003333"
    assert certs["C-东志愿者"]["联系电话"] == "136****4444"


def test_a_coordinators_workbook_has_no_system_sheets_and_the_same_masks(world):
    store, w = world
    wb = openpyxl.load_workbook(io.BytesIO(workbook.export_workbook(store, w["coord"])))
    assert not {"操作日志", "账号", "个人偏好"} & set(wb.sheetnames)
    assert "志愿者" in wb.sheetnames and "设置" in wb.sheetnames
    ws = wb["志愿者"]
    head = [c.value for c in ws[1]]
    phones = {
        r[head.index("姓名")]: r[head.index("手机号")] for r in ws.iter_rows(2, values_only=True)
    }
    assert phones == {"北志愿者": NORTH_MOBILE, "东志愿者": "139****1234"}
    meta = {r[0]: r[1] for r in wb["导出说明"].iter_rows(2, values_only=True) if r[0]}
    assert meta["masked"] == "address,id_number,phone"
    admin = openpyxl.load_workbook(io.BytesIO(workbook.export_workbook(store, ADMIN)))
    assert {"操作日志", "账号", "个人偏好"} <= set(admin.sheetnames)


@pytest.mark.parametrize("who", ["coordinator", "viewer"])
@pytest.mark.parametrize("table_key", SYSTEM_TABLES)
def test_system_tables_refused_to_those_who_may_not_read_the_audit_log(world, who, table_key):
    store, w = world
    actor = w["coord"] if who == "coordinator" else VIEWER
    label = {"audit_log": "操作日志", "accounts": "账号", "preferences": "个人偏好"}[table_key]
    with pytest.raises(PermissionDenied) as err:
        workbook.export_csv(store, actor, table_key)
    assert err.value.zh == f"只有可以查看操作日志的管理员才能导出“{label}”。"
    with pytest.raises(PermissionDenied):
        workbook.export_workbook(store, actor, tables=[table_key])
    assert workbook.export_csv(store, ADMIN, table_key).startswith(b"\xef\xbb\xbf")


def test_an_unmasked_export_leaves_one_audit_row(world):
    store, w = world
    before = len(audit_rows(store))
    workbook.export_csv(store, ADMIN, "volunteers")
    workbook.export_workbook(store, ADMIN, tables=["volunteers"])
    assert len(audit_rows(store)) == before, "a masked export is not logged"
    with pytest.raises(PermissionDenied):
        workbook.export_workbook(store, w["coord"], unmasked=True)
    assert len(audit_rows(store)) == before, "a refused export logs nothing"

    data = workbook.export_workbook(
        store, ADMIN, unmasked=True, tables=["volunteers", "certificates", AUDIT_TABLE],
        file_name="全部-完整.xlsx",
    )  # fmt: skip
    new = audit_rows(store)[before:]
    assert len(new) == 1
    row = new[0]
    assert (row["action"], row["actor"], row["row_id"]) == ("export", "admin", "全部-完整.xlsx")
    detail = json.loads(row["changes"])
    assert detail["unmasked"] is True
    assert detail["tables"] == ["volunteers", "certificates", AUDIT_TABLE]
    assert detail["rows"]["volunteers"] == 2 and detail["rows"]["certificates"] == 2
    ws = openpyxl.load_workbook(io.BytesIO(data))["操作日志"]
    assert any("全部-完整.xlsx" in r for r in ws.iter_rows(2, values_only=True)), "its own note"
    lines = history.changes(store.read(AUDIT_TABLE, include_archived=True), "zh")
    shown = lines[lines["row_id"] == "全部-完整.xlsx"].iloc[0]
    assert shown["action"] == "导出完整数据" and shown["field"].startswith("志愿者 2、")

    workbook.export_csv(store, ADMIN, "volunteers", unmasked=True, file_name="志愿者.csv")
    last = audit_rows(store)[-1]
    assert (last["action"], last["row_id"]) == ("export", "志愿者.csv")
    assert json.loads(last["changes"])["rows"] == {"volunteers": 2}


def test_the_cli_unmasked_export_is_logged(tmp_path, monkeypatch, capsys):
    db = tmp_path / "cli.db"
    store = LocalStore(db)
    build(store)
    store.close()
    monkeypatch.setenv("SLT_DB", str(db))
    monkeypatch.setenv("SLT_BACKEND", "local")
    out = tmp_path / "备份.xlsx"
    assert main(["export", str(out), "--unmasked"]) == 0
    assert "已记入操作日志" in capsys.readouterr().out
    store = LocalStore(db)
    notes = [r for r in audit_rows(store) if r["action"] == "export"]
    store.close()
    assert [(r["row_id"], r["actor"]) for r in notes] == [("备份.xlsx", "system")]


# --- the page ---------------------------------------------------------------------------------


def open_export_page(actor: Actor) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = "zh"
    at.session_state["actor"] = actor
    at.run()
    at.switch_page("app_pages/export_data.py").run()
    assert not at.exception, at.exception
    return at


def test_the_page_offers_each_role_only_what_it_can_use(app_env):
    store = LocalStore(app_env)
    w = build(store)
    store.close()
    coord = open_export_page(w["coord"])
    assert not coord.checkbox, "no full-numbers checkbox, not even a disabled one"
    options = coord.selectbox(key="export.csv.table").options
    assert "志愿者" in options and not {"操作日志", "账号", "个人偏好"} & set(options)
    assert any("不是您负责的社区的人，手机号和住址也打码" in c.value for c in coord.caption)
    viewer = open_export_page(VIEWER)
    assert not viewer.checkbox
    assert any("服务对象只显示姓氏" in c.value for c in viewer.caption)
    admin = open_export_page(ADMIN)
    assert admin.checkbox(key="export.unmasked")
    assert {"操作日志", "账号", "个人偏好"} <= set(admin.selectbox(key="export.csv.table").options)
