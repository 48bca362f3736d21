"""The import page in a real browser, as a busy coordinator uses it: upload the office's
register, correct a column, give the missing registration date, dry run, import. Then the
data-health page with its links. Screenshots: artifacts/screenshots/import-*.png, health.png."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from sltcore import demo
from sltcore.store.local import LocalStore
from tests import import_fixtures as fx
from tests.browser.test_daily_flows import go, open_desk, settle

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def reference(server):
    store = LocalStore(server.db)
    demo.load_reference(store)
    store.close()
    return server


def test_upload_correct_a_mapping_dry_run_and_import(reference, page, shoot, tmp_path):
    server = reference
    persons = fx.people(6)
    persons[2].mobile = "1391234"  # one wrong phone: refused, named by row and column
    persons[4].notes = "=需要复核"
    path = tmp_path / "幸福一村志愿者名单.xlsx"
    path.write_bytes(fx.register_xlsx(persons, blank_after=[3]))

    open_desk(page, server)
    go(page, "导入表格")
    page.get_by_role("heading", name="① 选择数据和文件").wait_for()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    page.get_by_role("heading", name="③ 预览每一行").wait_for(timeout=60_000)
    settle(page)
    shoot(page, "import-1-uploaded")

    # the notes column is not wanted in the register: do not import it
    pick(page, "I列“备注”", "不导入")
    # the file has no registration date: one for every row
    for part, value in (("year", "2026"), ("month", "11"), ("day", "01")):
        page.get_by_role("spinbutton", name=f"{part}, 注册日期").type(value)
    page.get_by_role("heading", name="导入表格").click()  # leave the box: the date is taken
    settle(page)
    page.get_by_text("F列“联系电话”：手机号应为11位").first.wait_for(
        state="attached"
    )  # in the grid
    shoot(page, "import-2-preview")

    page.get_by_text("跳过有问题的 1 行，只导入其余 5 行").click()
    settle(page)
    page.get_by_role("button", name="试导入（检查，不保存）").click()
    page.get_by_text("试导入完成（没有保存）：可导入 5 行").first.wait_for(timeout=60_000)
    settle(page)
    shoot(page, "import-3-dry-run")
    assert _count(server.db) == 0, "the dry run saved nothing"

    page.get_by_role("button", name="导入 5 行").click()
    page.get_by_text("已导入 5 行").first.wait_for(timeout=60_000)
    settle(page)
    shoot(page, "import-4-done")
    con = sqlite3.connect(server.db)
    rows = con.execute(
        "SELECT name, registered_on, notes FROM volunteers ORDER BY rowid"
    ).fetchall()
    assert [r[0] for r in rows] == [p.name for i, p in enumerate(persons) if i != 2]
    assert {r[1] for r in rows} == {dt.date(2026, 11, 1).isoformat()}
    assert {r[2] for r in rows} == {None}, "the corrected mapping left the notes out"
    assert page.get_by_role("button", name="下载导入报告").count() == 1


def test_health_page_links_to_the_fix(reference, page, shoot):
    server = reference
    con = sqlite3.connect(server.db)
    first, second = [r[0] for r in con.execute("SELECT id FROM volunteers LIMIT 2")]
    con.execute("UPDATE volunteers SET mobile = (SELECT mobile FROM volunteers WHERE id = ?), "
                "name = '**张** :red[红]' WHERE id = ?", (first, second))  # fmt: skip
    con.execute("UPDATE volunteers SET community_id = NULL WHERE id = ?", (second,))
    con.execute("UPDATE _meta SET revision = revision + 1")  # as a save would: caches renew
    con.commit()
    open_desk(page, server)
    go(page, "数据体检")
    page.get_by_text("发现 3 个问题").wait_for()
    page.get_by_text("**张** :red[红]没有所属社区", exact=False).first.wait_for()
    shoot(page, "health")
    page.get_by_role("link", name="去修改").last.click()  # the volunteer without a community
    settle(page)
    page.get_by_role("button", name="返回志愿者名单").wait_for()  # a profile opened
    assert page.url.endswith(f"/volunteers?vol={second}")
    page.get_by_text("修改信息").wait_for()  # where the community is chosen
    shoot(page, "health-link-opened")


def pick(page, label: str, option: str) -> None:
    """Open the select box, type to filter its options, take the first match."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option).first.wait_for()
    box.press("Enter")
    settle(page)


def _count(db) -> int:
    return sqlite3.connect(db).execute("SELECT COUNT(*) FROM volunteers").fetchone()[0]


def test_export_page_downloads_the_workbook(reference, page, shoot, tmp_path):
    import openpyxl

    open_desk(page, reference)
    go(page, "导出与备份")
    page.get_by_role("heading", name="全部数据（Excel 工作簿）").wait_for()
    shoot(page, "export")
    with page.expect_download(timeout=60_000) as info:
        page.get_by_role("button", name="下载全部数据").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name.startswith("三里屯志愿服务数据-") and path.suffix == ".xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[1] == "志愿者" and wb.sheetnames[-1] == "导出说明"
    ids = [c.value for c in wb["志愿者"]["K"][1:] if c.value]
    assert ids and all("********" in v for v in ids), "masked unless asked for"
