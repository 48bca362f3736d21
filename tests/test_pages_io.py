"""导入表格, 导出与备份 and 数据体检 through AppTest: upload, correct a mapping, dry run, commit;
download, restore; findings with their links."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import demo
from sltcore.auth import SYSTEM, Actor
from sltcore.exports import workbook
from sltcore.store.local import LocalStore
from tests import import_fixtures as fx

APP = str(Path(__file__).resolve().parents[1] / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_page(page: str, actor: Actor | None = None, lang: str = "zh", query=None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label.startswith(label)).click().run()
    assert not at.exception, at.exception


@pytest.fixture
def desk(app_env):
    store = LocalStore(app_env)
    demo.load_reference(store)
    yield store
    store.close()


def upload(at: AppTest, data: bytes, name: str = "志愿者名单.xlsx") -> None:
    at.file_uploader[0].set_value((name, data, XLSX)).run()
    assert not at.exception, at.exception


def test_import_upload_correct_a_mapping_dry_run_commit(desk):
    persons = fx.people(4)
    persons[2].mobile = "123"
    data = fx.register_xlsx(persons, title=("三里屯街道志愿者登记表",))
    at = open_page("app_pages/import_data.py")
    assert at.title[0].value == "导入表格"
    assert [s.value for s in at.subheader][:1] == ["① 选择数据和文件"]
    upload(at, data)
    assert at.number_input[0].value == 2, "the header under one title row"
    col = {s.label: s for s in at.selectbox if s.label.endswith("”") and "列“" in s.label}
    assert col["F列“联系电话”"].value == "mobile" and col["A列“序号”"].value == ""
    # the file has no 注册日期: one value for every row, asked for by name
    registered = next(d for d in at.date_input if d.label == "注册日期")
    registered.set_value(dt.date(2026, 11, 1)).run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "可导入": "3",
        "有问题": "1",
        "已有相同记录": "0",
        "跳过（空行、合计等）": "3",
    }
    table = at.dataframe[-1].value
    assert list(table["行号"]) == [5], "only the row with a problem is listed at first"
    assert table["说明"].iloc[0].startswith("F列“联系电话”：手机号应为11位")
    # correct a mapping: the notes column is not to be imported
    col["I列“备注”"].set_value("").run()
    commit = next(b for b in at.button if b.label == "导入 3 行")
    assert commit.disabled, "refused rows must be skipped on purpose first"
    click(at, "试导入")
    assert any("没有导入任何行：有 1 行有问题" in e.value for e in at.error)
    next(c for c in at.checkbox if c.label.startswith("跳过有问题的 1 行")).check().run()
    click(at, "试导入")
    assert any("试导入完成（没有保存）：可导入 3 行" in s.value for s in at.success)
    assert desk.read("volunteers").empty, "a dry run saves nothing"
    click(at, "导入 3 行")
    assert any(s.value.startswith("已导入 3 行") for s in at.success)
    stored = desk.read("volunteers")
    assert list(stored["name"]) == [p.name for i, p in enumerate(persons) if i != 2]
    assert stored["notes"].isna().all(), "the corrected mapping left the notes out"
    assert any(b.label == "下载导入报告" for b in at.get("download_button"))
    click(at, "好的，关闭")
    assert not any(s.value.startswith("已导入") for s in at.success)


def test_uploading_the_same_people_again_shows_them_as_duplicates_with_links(desk):
    persons = fx.people(3)
    data = fx.register_xlsx(persons, title=("三里屯街道志愿者登记表",))
    at = open_page("app_pages/import_data.py")
    upload(at, data)
    next(d for d in at.date_input if d.label == "注册日期").set_value(dt.date(2026, 11, 1)).run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下载每一行的检查结果（尚未导入）" in labels, "every row's verdict before importing"
    click(at, "导入 3 行")
    ids = dict(zip(desk.read("volunteers")["name"], desk.read("volunteers")["id"], strict=True))
    at = open_page("app_pages/import_data.py")
    upload(at, data)
    next(d for d in at.date_input if d.label == "注册日期").set_value(dt.date(2026, 11, 1)).run()
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["可导入"], metrics["已有相同记录"]) == ("0", "3")
    table = at.dataframe[-1].value
    assert len(table) == 3 and table["结果"].str.contains("重复|已有").all(), table["结果"].tolist()
    links = [(pl.proto.label, pl.proto.query_string) for pl in at.get("page_link")]
    for p in persons:
        assert any(p.name in label and ids[p.name] in query for label, query in links), p.name
    assert len(desk.read("volunteers")) == 3, "nothing was written by the preview"


def test_import_offers_only_what_the_account_may_write(desk):
    coord = Actor("coord1", "coordinator", ("com-1",))
    at = open_page("app_pages/import_data.py", coord)
    options = at.radio[0].options
    assert "驻区单位" not in options and "志愿者" in options and "服务记录" in options
    viewer = open_page("app_pages/import_data.py", Actor("leader", "viewer"))
    assert "只读账号" in viewer.warning[0].value and not viewer.file_uploader


def test_import_page_in_english_and_a_bad_file(desk):
    at = open_page("app_pages/import_data.py", lang="en")
    assert at.title[0].value == "Import a spreadsheet"
    upload(at, b"not a spreadsheet at all \x00\x01", "*x*.xlsx")
    assert r"“\*x\*\.xlsx” is not a valid Excel file" in at.error[0].value, "as typed"


def test_export_page_downloads_and_who_may_unmask(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page("app_pages/export_data.py")
    assert at.title[0].value == "导出与备份"
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载全部数据", "下载“社区”"]
    assert not at.checkbox(key="export.unmasked").disabled
    coord = open_page("app_pages/export_data.py", Actor("coord1", "coordinator", ("com-1",)))
    assert not coord.checkbox, "no full-numbers checkbox for a role that cannot use it"
    assert "只有管理员可以从备份恢复数据" in coord.info[0].value


def test_restore_from_the_page_into_an_empty_store(app_env, demo_db, tmp_path):
    full = workbook.export_workbook(LocalStore(demo_db), SYSTEM, unmasked=True)
    stored = len(LocalStore(demo_db).read("service_records", include_archived=True))
    at = open_page("app_pages/export_data.py")
    at.file_uploader[0].set_value(("备份.xlsx", full, XLSX)).run()
    assert not at.exception, at.exception
    counts = at.dataframe[0].value.set_index("数据表")["行数"]
    assert counts["志愿者"] == 300 and counts["服务记录"] == stored
    click(at, "恢复到当前数据库")
    assert not at.exception
    con = sqlite3.connect(app_env)
    assert con.execute("SELECT COUNT(*) FROM service_records").fetchone()[0] == stored
    again = open_page("app_pages/export_data.py")
    assert "当前数据库里已有数据，不能在这里恢复" in again.info[0].value
    assert not again.file_uploader, "no restore over existing data"


def test_health_page_lists_findings_with_links(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    con = sqlite3.connect(app_env)
    first, second = [r[0] for r in con.execute("SELECT id FROM volunteers LIMIT 2")]
    con.execute("UPDATE volunteers SET mobile = (SELECT mobile FROM volunteers WHERE id = ?), "
                "name = '**粗体** :red[红]', community_id = NULL WHERE id = ?",
                (first, second))  # fmt: skip
    con.execute("UPDATE communities SET phone = '12345' WHERE rowid = 1")
    # a donation, a team's pairing whose beneficiary is gone, an assignment whose shift is gone
    con.execute("UPDATE donations SET amount = -5 WHERE rowid = 1")
    con.execute("UPDATE pairings SET volunteer_id = NULL, beneficiary_id = 'ben-gone' "
                "WHERE rowid = 1")  # fmt: skip
    con.execute("UPDATE roster_assignments SET shift_id = 'shift-gone' WHERE rowid = 1")
    con.commit()
    at = open_page("app_pages/health.py")
    assert at.title[0].value == "数据体检"
    assert "发现 7 个问题" in at.error[0].value
    expanders = [e.label for e in at.expander]
    assert "不符合规则的记录 · 2" in expanders and "重复的人或名称 · 2" in expanders
    assert "没有所属社区的志愿者 · 1" in expanders and "指向不存在的数据 · 2" in expanders
    links = {(link.proto.page, tuple(sorted(link.proto.query_string.split("&"))))
             for link in at.get("page_link")}  # fmt: skip
    assert any(p.endswith("volunteers") and f"vol={second}" in q for p, q in links), links
    assert any(p.endswith("tables") and "table=communities" in q for p, q in links), links
    for page in ("donations", "pairings", "rosters"):
        assert (page, ("",)) in links, links
    assert not [q for _, q in links if "gone" in "&".join(q)], "never the missing row"
    assert "暂无修改页面" not in " ".join(c.value for c in at.caption)
    shown = " ".join(m.value for m in at.markdown)
    assert r"\*\*粗体\*\* \:red\[红\]" in shown, "typed text shown as typed"


def test_health_links_to_administrators_pages_only_for_administrators(app_env, demo_db):
    """A coordinator's navigation has no 账号与恢复 page: no link to it, a word instead."""
    shutil.copy(demo_db, app_env)
    con = sqlite3.connect(app_env)
    con.execute("UPDATE settings SET key = NULL WHERE rowid = 1")
    con.commit()
    admin = open_page("app_pages/health.py")
    assert any(link.proto.page.endswith("admin") for link in admin.get("page_link"))
    coord = open_page("app_pages/health.py", Actor("coord1", "coordinator", ("com-1",)))
    assert not any(link.proto.page.endswith("admin") for link in coord.get("page_link"))
    assert "请管理员修改" in [c.value for c in coord.caption]


def test_a_health_link_opens_the_row_on_the_tables_page(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page("app_pages/tables.py", query={"table": "programmes", "row": "prog-b2"})
    assert at.radio(key="tables.which").value == "programmes"
    assert at.selectbox(key="tables.pick.programmes").value == "prog-b2"


def test_every_finding_kind_and_fix_page_has_its_words():
    from sltcore import i18n
    from sltcore.services import health
    from sltcore.ui.health import PAGES

    keys = set(i18n.catalog())
    for kind in health.KINDS:
        assert {f"health.kind.{kind}", f"health.kind.{kind}.help"} <= keys, kind
    for page in PAGES:
        assert f"health.fix.{page}" in keys, page
        assert Path(APP).parent.joinpath(PAGES[page]).is_file()
