"""Importing the office's spreadsheets: every quirk of a real file is imported correctly, or
refused with a message naming the row (as the file numbers it) and the column."""

from __future__ import annotations

import sqlite3

import pytest

from sltcore import demo, identity
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from sltcore.services import imports, rows
from sltcore.services.import_files import ImportFileError, read_file
from tests import import_fixtures as fx
from tests.helpers import TxSpy, dump, volunteer_row


@pytest.fixture
def desk(store):
    demo.load_reference(store)
    return store


def prepare(data: bytes, name: str, table: str = "volunteers", **kw) -> imports.Prepared:
    return imports.prepare(read_file(data, name), imports.Settings(table, **kw))


def run(store, data, name="名单.xlsx", table="volunteers", actor=SYSTEM, **kw):
    settings = {k: kw.pop(k) for k in ("sheet", "header_row", "mapping", "defaults") if k in kw}
    if table == "volunteers":
        settings.setdefault("defaults", {"registered_on": "2026-11-01"})
    return imports.run(store, prepare(data, name, table, **settings), actor, **kw)


def messages(result: imports.Result) -> list[str]:
    return [p.message("zh") for r in result.refused for p in r.problems]


def names(store) -> list[str]:
    return list(store.read("volunteers")["name"])


# --- the file -----------------------------------------------------------------------------------


def test_title_rows_merged_header_synonyms_blank_rows_totals_and_footer(desk):
    persons = fx.people(5)
    data = fx.register_xlsx(persons, blank_after=[2, 3])
    p = prepare(data, "名单.xlsx", defaults={"registered_on": "2026-11-01"})
    assert p.header_row == 3, "two merged title rows above the header"
    assert {c.header: c.target for c in p.columns} == {
        "序号": None, "姓名": "name", "性别": "sex", "出生年月": "birth_date",
        "身份证号码": "id_number", "联系电话": "mobile", "所属社区": "community_id",
        "志愿者类型": "membership", "备注": "notes",
    }  # fmt: skip
    result = imports.run(desk, p, SYSTEM)
    assert not result.failed
    assert names(desk) == [x.name for x in persons]
    skipped = {r.row: r.problems[0].zh for r in result.skipped}
    # rows 4-8 hold people, with blank rows after the 2nd (row 6) and 3rd (row 8)
    assert skipped[6] == skipped[8] == "空行"
    assert "合计行" in skipped[11] and "说明文字" in skipped[13]
    stored = desk.read("volunteers").iloc[0]
    assert stored["birth_date"].date() == persons[0].birth
    assert stored["id_number"] == persons[0].id_number and stored["mobile"] == persons[0].mobile
    assert stored["community_id"] == "com-1" and stored["membership"] == "resident"


@pytest.mark.parametrize(
    "header",
    [
        ["姓名", "性别", "出生日期", "身份证号", "手机", "社区", "志愿者类别", "备注"],
        ["姓 名", "性别*", "出生年月", "身份证号码（必填）", "手机号码", "所属社区", "志愿者类型",
         "备注说明"],
        ["姓名", "性别", "生日", "公民身份号码", "电话", "居住社区", "类别", "说明"],
        ["Name", "Sex", "Birth date", "ID number", "Mobile", "Community", "Membership", "Notes"],
    ],
)  # fmt: skip
def test_header_synonyms_map_to_the_fields(desk, header):
    persons = fx.people(2)
    rows = [header] + [fx.office_row(i, p)[1:] for i, p in enumerate(persons, 1)]
    result = run(desk, fx.table_xlsx(rows, title="志愿者花名册"))
    assert not result.failed, messages(result)
    stored = desk.read("volunteers")
    assert list(stored["id_number"]) == [p.id_number for p in persons]
    assert list(stored["mobile"]) == [p.mobile for p in persons]


@pytest.mark.parametrize("birth", ["date", "text", "serial"])
def test_dates_as_date_cells_as_text_and_as_serial_numbers(desk, birth):
    persons = fx.people(3)
    result = run(desk, fx.register_xlsx(persons, birth=birth))
    assert not result.failed, messages(result)
    assert [d.date() for d in desk.read("volunteers")["birth_date"]] == [p.birth for p in persons]


def test_month_only_birth_dates_take_the_day_from_the_id_number(desk):
    persons = fx.people(2)
    persons[1].id_number = ""  # no ID number: the 1st of the month, and a note saying so
    result = run(desk, fx.register_xlsx(persons, birth="month"))
    assert not result.failed, messages(result)
    births = [d.date() for d in desk.read("volunteers")["birth_date"]]
    assert births == [persons[0].birth, persons[1].birth.replace(day=1)]
    notes = [n.message("zh") for r in result.rows for n in r.notes]
    assert notes[0].startswith("第4行，D列“出生年月”：只写了年月") and "身份证号" in notes[0]
    assert notes[1].startswith("第5行，D列“出生年月”") and "按当月1日" in notes[1]
    many = run(desk, fx.register_xlsx(fx.people(8), birth="month"), dry_run=True)
    report = imports.report_text(many)
    assert (
        "D列“出生年月”：8行只写了年月，已按身份证号中的出生日期记录（第4、5、6、7、8…行" in report
    )
    assert len(imports.report_rows(many)) == 8 + 3, "the CSV report: every row"


def test_id_numbers_typed_as_numbers_are_refused_naming_row_and_column(desk):
    persons = fx.people(3)
    before = dump(desk)
    result = run(desk, fx.register_xlsx(persons, numbers=True))
    assert result.failed and not result.committed
    assert len(result.refused) == 3
    first = messages(result)[0]
    assert first.startswith("第4行，E列“身份证号码”：身份证号在表格里被存成了数字")
    assert "后3位已经丢失" in first and "文本" in first
    assert f"读到的是{fx.excel_number(persons[0].id_number)}" in first, "Excel's 15 digits"
    assert dump(desk) == before, "one refused row: the whole batch is not written"


def _lost_digits(*, passes: bool) -> fx.Person:
    """A person whose ID number, cut to Excel's 15 digits and 000, still passes the check
    digit (about one in eleven do), or does not."""
    for _ in range(500):
        p = fx.Person("王芳")
        if (identity.id_problem(str(fx.excel_number(p.id_number))) is None) == passes:
            return p
    raise AssertionError("no such ID number in 500")


def test_an_id_number_that_lost_its_digits_before_the_csv_is_refused(desk):
    """The ID column was a number column shown in full, so the CSV holds 110105198503054000 as
    text: the check digit alone lets about one in eleven through. The import refuses each one,
    naming row and column; the volunteer form still takes what a person types from the card."""
    passing, failing = _lost_digits(passes=True), _lost_digits(passes=False)
    data = fx.register_csv([passing, failing], "utf-8-sig", lost_digits=True)
    damaged = str(fx.excel_number(passing.id_number))
    assert damaged.endswith("000") and damaged.encode() in data
    before = dump(desk)
    result = run(desk, data, "名单.csv")
    assert result.failed and not result.committed and dump(desk) == before
    assert [r.row for r in result.refused] == [2, 3], "the header is row 1"
    for r, p in zip(result.refused, (passing, failing), strict=True):
        (problem,) = r.problems
        assert (problem.row, problem.column, problem.header) == (r.row, "E", "身份证号码")
        zh, en = problem.message("zh"), problem.message("en")
        assert zh.startswith(f"第{r.row}行，E列“身份证号码”：身份证号以000结尾"
                             f"（读到的是{fx.excel_number(p.id_number)}）")  # fmt: skip
        assert "后3位已经丢失" in zh and "设为“文本”格式" in zh
        assert en.startswith(f"row {r.row}, column E“身份证号码”: the ID number ends in 000")
        assert "lost its last 3" in en and "format the column as Text" in en
    row = volunteer_row("com-1", name="赵敏", id_number=damaged, birth_date=passing.birth)
    saved = rows.create(desk, "volunteers", row, SYSTEM)
    assert saved["id_number"] == damaged, "typed in the form, from the card, it is kept"


def test_phone_numbers_typed_as_numbers_are_fine(desk):
    persons = fx.people(2)
    data = fx.register_xlsx(persons, numbers=True)
    p = prepare(data, "x.xlsx", mapping=None, defaults={"registered_on": "2026-11-01"})
    mapping = {**p.mapping, 4: None}  # leave the damaged ID numbers out
    result = run(desk, data, mapping=mapping)
    assert not result.failed, messages(result)
    assert list(desk.read("volunteers")["mobile"]) == [x.mobile for x in persons]


def test_a_community_merged_down_its_rows_fills_every_row(desk):
    persons = fx.people(4, community="北三里")
    result = run(desk, fx.register_xlsx(persons, merge_community=True, blank_after=[2]))
    assert not result.failed, messages(result)
    assert set(desk.read("volunteers")["community_id"]) == {"com-3"}
    assert result.skipped[0].row == 6 and result.skipped[0].problems[0].zh == "空行", (
        "a blank row inside the merged block is still blank"
    )
    assert any("合并单元格" in n.zh and n.column == "G" for n in result.prepared.notes)


def test_notes_that_look_like_formulas_stay_text(desk):
    persons = fx.people(3)
    persons[0].notes, persons[1].notes, persons[2].notes = "=需要复核", "+86 本人", "@社区"
    result = run(desk, fx.register_xlsx(persons))
    assert not result.failed, messages(result)
    assert list(desk.read("volunteers")["notes"]) == ["=需要复核", "+86 本人", "@社区"]


def test_the_right_sheet_of_several_is_found_or_chosen(desk):
    persons = fx.people(2)
    stats = [["社区", "人数"], ["幸福一村", 2]]
    data = fx.register_xlsx(persons, extra_sheets=[("统计", stats)], sheet="名单")
    source = read_file(data, "x.xlsx")
    assert [s.name for s in source.sheets] == ["统计", "名单"]
    assert imports.best_sheet(source, imports.table("volunteers")).name == "名单"
    assert not run(desk, data, sheet="名单").failed
    with pytest.raises(ImportFileError) as err:
        prepare(data, "x.xlsx", sheet="汇总")
    assert "没有名为“汇总”的工作表（有：统计、名单）" in err.value.zh
    blocked = run(desk, data, sheet="统计")
    assert blocked.blocked and "没有“姓名”这一列（必填）" in blocked.problems[0].zh
    empty = fx.table_xlsx([["日期", "天气"], ["2026-03-05", "晴"]])
    nothing = run(desk, empty)
    assert nothing.blocked and "前30行中找不到志愿者的表头" in nothing.problems[0].zh


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_the_encodings_chinese_excel_writes(desk, encoding):
    persons = fx.people(3)
    persons[1].notes = "住䶮" if encoding == "gb18030" else "住三里屯"  # 䶮: GB18030, not GBK
    data = fx.register_csv(persons, encoding)
    source = read_file(data, "名单.csv")
    assert source.encoding == {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "gbk": "GBK/GB18030",
                               "gb18030": "GBK/GB18030"}[encoding]  # fmt: skip
    result = run(desk, data, name="名单.csv")
    assert not result.failed, messages(result)
    stored = desk.read("volunteers")
    assert list(stored["name"]) == [p.name for p in persons]
    assert stored["notes"].iloc[1] == persons[1].notes


def test_tab_separated_and_utf16_text(desk):
    persons = fx.people(2)
    data = fx.register_csv(persons, "utf-16", delimiter="\t")
    assert not run(desk, data, name="名单.txt").failed
    assert names(desk) == [p.name for p in persons]


def test_xls_from_excel_97(desk, tmp_path):
    persons = fx.people(3)
    data = fx.to_xls(fx.register_xlsx(persons, birth="serial", merge_community=True), tmp_path)
    source = read_file(data, "名单.xls")
    assert source.kind == "xls"
    result = run(desk, data, name="名单.xls")
    assert not result.failed, messages(result)
    assert [d.date() for d in desk.read("volunteers")["birth_date"]] == [p.birth for p in persons]


def test_files_that_are_not_spreadsheets_are_refused_with_a_reason():
    for data, name, why in [
        (b"this is no zip", "名单.xlsx", "不是有效的 Excel 文件"),
        (b"", "a.csv", "文件是空的"),
        (b"\x81\x30\xff\xff\xfe", "a.csv", "无法识别文件的文字编码"),
        (b"PK\x03\x04broken", "a.xlsx", "无法读取“a.xlsx”"),
    ]:
        with pytest.raises(ImportFileError) as err:
            read_file(data, name)
        assert why in err.value.zh


def test_a_missing_required_column_blocks_the_file_with_one_message(desk):
    rows = [["姓名", "性别"], ["王芳", "女"]]
    result = run(desk, fx.table_xlsx(rows), defaults={})
    assert result.blocked and not result.committed
    text = " ".join(p.zh for p in result.problems)
    assert "没有“手机号”这一列（必填）" in text and "没有“注册日期”这一列" in text


def test_each_bad_cell_is_named_by_row_and_column(desk):
    persons = fx.people(4)
    persons[0].mobile = "1391234"  # too short
    persons[1].sex = "未知"
    persons[2].community = "不存在的社区"
    data = fx.register_xlsx(persons)
    result = run(desk, data, skip_invalid=True)
    got = messages(result)
    assert got[0].startswith("第4行，F列“联系电话”：手机号应为11位")
    assert got[1].startswith("第5行，C列“性别”：“未知”不在可选范围内（可选：男、女）")
    assert got[2].startswith("第6行，G列“所属社区”：找不到社区“不存在的社区”")
    assert result.committed and names(desk) == [persons[3].name], "skip_invalid: the rest"


# --- duplicates, one transaction, permissions ------------------------------------------------


def test_reimporting_a_file_imports_nothing_twice(desk):
    persons = fx.people(3)
    data = fx.register_xlsx(persons)
    assert run(desk, data).imported == 3
    again = run(desk, data)
    assert again.imported == 0 and not again.failed
    assert len(again.duplicates) == 3 and all(r.duplicate_of for r in again.duplicates)
    assert "已有相同的志愿者（身份证号相同" in again.duplicates[0].problems[0].zh
    assert len(desk.read("volunteers")) == 3


def test_the_same_person_twice_in_a_file_is_refused(desk):
    persons = fx.people(2)
    twin = fx.Person("王芳二", mobile=persons[0].mobile)
    result = run(desk, fx.register_xlsx([*persons, twin]))
    assert result.failed
    assert messages(result) == ["第6行：与本文件第4行重复（手机号相同）：请核对后只保留一行"]


def test_dry_run_checks_against_the_data_and_writes_nothing(desk):
    before = dump(desk)
    result = run(desk, fx.register_xlsx(fx.people(4)), dry_run=True)
    assert result.mode == "dry_run" and not result.committed and len(result.accepted) == 4
    assert all(r.stored_id is None for r in result.accepted)
    assert dump(desk) == before
    assert imports.summary(result).startswith("试导入完成（没有保存）：可导入 4 行")


def test_a_failure_while_writing_leaves_nothing(desk):
    spy = TxSpy(desk, fail_on=("append", "volunteers"), error=lambda t: RuntimeError(t))
    before = dump(desk)
    with pytest.raises(RuntimeError):
        run(spy, fx.register_xlsx(fx.people(3)))
    assert dump(desk) == before


def test_one_transaction_and_safe_to_run_again(desk):
    spy = TxSpy(desk, reruns=2)  # as the Sheets backend re-runs an action
    persons = fx.people(1200)
    result = run(spy, fx.register_xlsx(persons, totals=False, footer=None))
    assert len(spy.transactions) == 1, "the whole batch is one transaction"
    assert spy.transactions[0] == [("append", "volunteers")] * 3, "written in chunks of 500"
    assert result.imported == 1200 and len(desk.read("volunteers")) == 1200
    audit = desk.read("audit_log")
    audit = audit[audit["table_name"] == "volunteers"]
    assert len(audit) == 1200 and audit["action_id"].nunique() == 1, "one action, one id"


def test_both_backends(contract_store):
    demo.load_reference(contract_store)
    persons = fx.people(3)
    result = run(contract_store, fx.register_xlsx(persons, numbers=False, birth="month"))
    assert result.imported == 3, messages(result)
    stored = contract_store.read("volunteers")
    assert list(stored["id_number"]) == [p.id_number for p in persons]
    assert [d.date() for d in stored["birth_date"]] == [p.birth for p in persons]
    again = run(contract_store, fx.register_xlsx(persons))
    assert again.imported == 0 and len(again.duplicates) == 3


def test_an_import_too_large_for_one_sheets_request_is_refused_whole(sheets_emulator, monkeypatch):
    from tests.conftest import make_gsheets_store

    sheets_emulator.clear_faults()
    sheet = make_gsheets_store(sheets_emulator)
    demo.load_reference(sheet)
    data = fx.register_xlsx(fx.people(40))
    monkeypatch.setattr(imports, "SHEETS_IMPORT_BYTES", 40_000)
    with pytest.raises(imports.DeskError) as err:
        run(sheet, data)
    assert "超过 Google 表格一次保存的上限" in err.value.zh and "每份不超过约" in err.value.zh
    assert sheet.read("volunteers").empty
    assert run(sheet, fx.register_xlsx(fx.people(8))).imported == 8, "a smaller file goes"


def test_a_coordinator_imports_only_into_their_communities(desk):
    coord = Actor("coord1", "coordinator", ("com-1",))
    mine, theirs = fx.people(2, "幸福一村"), fx.people(1, "北三里")
    result = run(desk, fx.register_xlsx([*mine, *theirs]), actor=coord, skip_invalid=True)
    assert messages(result) == ["第6行，G列“所属社区”：只能修改自己负责的社区的数据。"]
    assert result.imported == 2
    assert set(desk.read("volunteers")["created_by"]) == {"coord1"}
    orgs = fx.table_xlsx([["单位名称", "单位类型"], ["三里屯小学", "学校"]])
    with pytest.raises(PermissionDenied):
        run(desk, orgs, table="organisations", actor=coord)
    with pytest.raises(PermissionDenied):
        run(desk, fx.register_xlsx(mine), actor=Actor("leader", "viewer"))


def test_the_preview_takes_no_lock(desk, tmp_path):
    """While a preview of a large file runs, another process can write (no write lock)."""
    other = sqlite3.connect(desk.path, timeout=0, isolation_level=None)
    seen = []

    def progress(fraction, stage):
        other.execute("BEGIN IMMEDIATE")  # fails at once if anyone holds the write lock
        other.execute("UPDATE _meta SET revision = revision")
        other.execute("COMMIT")
        seen.append(stage)

    p = prepare(
        fx.register_xlsx(fx.people(600)), "x.xlsx", defaults={"registered_on": "2026-11-01"}
    )
    result = imports.preview(desk, p, SYSTEM, progress)
    assert len(result.accepted) == 600 and len(seen) >= 3
    other.close()


# --- the other tables ----------------------------------------------------------------------------


@pytest.fixture
def people_in(desk):
    persons = fx.people(4)
    persons[3].name = persons[0].name  # two people of one name: told apart by phone
    assert run(desk, fx.register_xlsx(persons)).imported == 4
    return persons


def test_teams_with_leader_by_phone_and_members_by_name_and_phone(desk, people_in):
    p = people_in
    teams = fx.table_xlsx(
        [["队伍名称", "所属社区", "服务类别", "队长姓名", "队长手机号", "成立时间"],
         ["幸福一村巡逻队", "幸福一村社区", "治安维护", p[1].name, p[1].mobile, "2019年5月1日"],
         ["白家庄助老队", "白家庄西里", "亲情关怀", p[0].name, None, "2020/3/5"]],
        title="三里屯街道志愿服务队伍一览表",
    )  # fmt: skip
    result = run(desk, teams, table="teams", skip_invalid=True)
    assert messages(result) == [
        f"第4行，D列“队长姓名”：有2个志愿者都叫“{p[0].name}”，请加一列身份证号、手机号来区分"
    ]
    team = desk.read("teams").iloc[0]
    vols = desk.read("volunteers").set_index("mobile")["id"]
    assert team["leader_id"] == vols[p[1].mobile] and team["community_id"] == "com-1"
    members = fx.table_xlsx(
        [["队伍", "姓名", "手机", "职务", "入队日期"],
         ["幸福一村巡逻队", p[0].name, p[0].mobile, "队长", "2019-05-01"],
         ["幸福一村巡逻队", p[3].name, p[3].mobile, "队员", "2019-05-01"],
         ["幸福一村巡逻队", p[2].name, p[0].mobile, "队员", "2019-05-01"]],
    )  # fmt: skip
    result = run(desk, members, table="team_members", skip_invalid=True)
    assert messages(result) == [
        f"第4行，C列“手机”：姓名“{p[2].name}”与手机号“{p[0].mobile}”不是同一个志愿者，请核对"
    ]
    stored = desk.read("team_members")
    assert list(stored["volunteer_id"]) == [vols[p[0].mobile], vols[p[3].mobile]]
    assert list(stored["role"]) == ["leader", "member"]


def test_organisations(desk):
    orgs = fx.table_xlsx(
        [["序号", "单位全称", "单位性质", "社区", "是否关爱联盟成员", "联系人", "电话"],
         [1, "三里屯小学", "学校", "中三里", "是", "王老师", "010-64160001"],
         [2, "朝阳医院", "医院", None, "否", None, 13800000000]],
    )  # fmt: skip
    result = run(desk, orgs, table="organisations")
    assert result.imported == 2, messages(result)
    df = desk.read("organisations")
    assert list(df["kind"]) == ["school", "hospital"] and list(df["care_alliance"]) == [True, False]
    assert list(df["phone"]) == ["010-64160001", "13800000000"]


def test_events_then_a_sign_in_sheet_of_service_records(desk, people_in):
    p = people_in
    events = fx.table_xlsx(
        [["活动名称", "日期", "社区", "服务类别", "地点"],
         ["敬老院慰问", "2026年3月5日", "幸福一村", "亲情关怀", "朝阳区敬老院"],
         ["敬老院慰问", "2026年4月5日", "幸福一村", "亲情关怀", "朝阳区敬老院"],
         ["垃圾分类宣传", 46100, "北三里", "绿色环保", None]],
    )  # fmt: skip
    assert run(desk, events, table="events").imported == 3
    sign_in = fx.table_xlsx(
        [["姓名", "手机", "活动名称", "日期", "时长", "社区", "服务内容"],
         [p[0].name, p[0].mobile, "敬老院慰问", "2026-04-05", "2小时", "幸福一村", "=陪老人聊天"],
         [p[1].name, None, "敬老院慰问", "2026-04-05", 2.5, "幸福一村", None],
         [p[2].name, None, "敬老院慰问", "2026-04-05", 25, "幸福一村", None],
         [p[1].name, None, "敬老院慰问", "2026-04-05", 1, "幸福一村", None],
         [None, None, None, None, "4.5", None, None]],
        title="2026年4月5日敬老院慰问活动签到表",
    )  # fmt: skip
    result = run(desk, sign_in, table="service_records", skip_invalid=True)
    assert messages(result) == [
        "第5行，E列“时长”：不能大于24",
        "第6行：与本文件第4行重复（活动、志愿者相同）：请核对后只保留一行",
    ]
    assert result.skipped[0].row == 7, "the totals line without a name is not a record"
    recs = desk.read("service_records")
    ev = desk.read("events").set_index("date")["id"]
    assert set(recs["event_id"]) == {ev["2026-04-05"]}, "the event of that date, of two"
    assert list(recs["hours"]) == [2.0, 2.5] and recs["content"].iloc[0] == "=陪老人聊天"
    again = run(desk, sign_in, table="service_records", skip_invalid=True)
    assert again.imported == 0 and len(again.duplicates) == 3, "credited once per event"


def test_report_names_everything_in_both_languages(desk):
    persons = fx.people(3)
    persons[1].mobile = "12345"
    result = run(desk, fx.register_xlsx(persons), dry_run=True)
    zh, en = imports.report_text(result, "zh"), imports.report_text(result, "en")
    assert "导入“志愿者” · 文件：名单.xlsx · 工作表：志愿者名单 · 表头：第3行" in zh
    assert "E列“身份证号码”→身份证号" in zh and "不导入的列：A列“序号”" in zh
    assert "第5行，F列“联系电话”：手机号应为11位" in zh
    assert "row 5, column F“联系电话”: a mobile number has 11 digits" in en
    table = imports.report_rows(result, "zh")
    assert list(table.columns) == ["行号", "结果", "名称", "编号", "说明"]
    assert table.set_index("行号").loc[5, "结果"] == "有问题，未导入"
    assert imports.as_json(result).startswith('{"table": "volunteers", "mode": "dry_run"')


def test_a_mapping_can_be_corrected(desk):
    rows = [
        ["姓名", "性别", "手机", "家庭电话", "社区", "类别", "登记"],
        ["王芳", "女", "021-1234", "13912345670", "幸福一村", "居民", "2020-01-01"],
    ]
    data = fx.table_xlsx(rows)
    p = prepare(data, "x.xlsx")
    assert p.mapping[2] == "mobile" and p.mapping[3] is None
    wrong = run(desk, data, dry_run=True)
    assert messages(wrong)[0].startswith("第2行，C列“手机”：手机号应为11位")
    fixed = {**p.mapping, 2: None, 3: "mobile", 6: "registered_on"}
    result = run(desk, data, mapping=fixed, defaults={})
    assert result.imported == 1 and desk.read("volunteers")["mobile"].iloc[0] == "13912345670"
    with pytest.raises(ValueError):
        prepare(data, "x.xlsx", mapping={0: "no_such_field"})
