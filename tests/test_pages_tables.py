"""基础资料 (the generic, schema-driven table page) through AppTest."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import demo, schema
from sltcore.schema import REFERENCE_TABLES, Field
from sltcore.store import local
from sltcore.store.local import LocalStore
from tests.helpers import OTHER, stale_notices

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/tables.py"


def open_page(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest, label: str) -> None:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception


@pytest.fixture
def desk(app_env):
    store = LocalStore(app_env)
    demo.load_reference(store)
    yield store
    store.close()


def test_renders_on_an_empty_store_with_every_reference_table(app_env):
    at = open_page()
    assert at.title[0].value == "基础资料"
    for key in REFERENCE_TABLES:
        at.radio(key="tables.which").set_value(key).run()
        assert not at.exception and "暂无" not in at.title[0].value


def test_renders_on_sample_data_masked(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page()
    table = at.dataframe[0].value
    assert list(table["社区名称"])[:2] == ["幸福一村", "幸福二村"]
    at.radio(key="tables.which").set_value("organisations").run()
    phones = at.dataframe[0].value["联系电话"].dropna()
    assert len(phones) and all("****" in p for p in phones)
    at.radio(key="tables.which").set_value("redemption_items").run()
    assert "所需积分" in at.dataframe[0].value.columns
    assert set(at.dataframe[0].value["提供单位"]) <= set(demo_store_org_names(app_env))


def demo_store_org_names(path) -> list[str]:
    return list(LocalStore(path).read("organisations")["name"])


def test_search_add_edit_archive_restore(desk):
    at = open_page()
    at.text_input(key="tables.q.communities").input("中").run()
    assert set(at.dataframe[0].value["社区名称"]) == {"中三里", "中纺里"}

    at.radio(key="tables.which").set_value("programmes").run()
    at.text_input(key="tables.add.programmes.0.name").input("垃圾分类宣传")
    at.selectbox(key="tables.add.programmes.0.kind").set_value("project")
    submit(at, "新增品牌与项目")
    assert "已新增：垃圾分类宣传" in [t.value for t in at.toast]
    row = desk.read("programmes").set_index("name").loc["垃圾分类宣传"]

    at.selectbox(key="tables.pick.programmes").set_value(row["id"]).run()
    at.text_area(key=f"tables.edit.{row['id']}.1.description").input("楼门院宣传")
    submit(at, "保存")
    assert desk.get("programmes", row["id"])["description"] == "楼门院宣传"

    at.selectbox(key="tables.pick.programmes").set_value(row["id"]).run()
    at.button(key=f"tables.archive.{row['id']}").click().run()
    assert desk.get("programmes", row["id"])["archived"] is True

    at.toggle(key="tables.archived.programmes").set_value(True).run()
    at.button(key=f"tables.restore.{row['id']}").click().run()
    assert desk.get("programmes", row["id"])["archived"] is False


def test_refusal_names_the_field_and_keeps_the_form(desk):
    at = open_page()
    at.text_input(key="tables.add.communities.0.name").input("幸福一村")  # already exists
    at.text_input(key="tables.add.communities.0.contact").input("李主任")
    submit(at, "新增社区")
    error = at.error[0].value
    assert "社区名称" in error and "已存在" in error and "第1行" not in error
    assert at.text_input(key="tables.add.communities.0.contact").value == "李主任"
    assert len(desk.read("communities")) == 7


def test_a_field_added_to_the_schema_appears_with_no_page_change(app_env, monkeypatch):
    """The low-code promise: one Field in schema.py, and the list and forms show it."""
    old = schema.table("programmes")
    new = dataclasses.replace(old, fields=(*old.fields, Field("sponsor", "资助单位", "Sponsor")))
    tables = tuple(new if t.key == "programmes" else t for t in schema.TABLES)
    monkeypatch.setitem(schema.TABLE_BY_KEY, "programmes", new)
    monkeypatch.setattr(schema, "TABLES", tables)
    monkeypatch.setattr(local, "TABLES", tables)
    store = LocalStore(app_env)  # migrates: adds the column
    demo.load_reference(store)

    at = open_page()
    at.radio(key="tables.which").set_value("programmes").run()
    assert "资助单位" in at.dataframe[0].value.columns
    at.text_input(key="tables.add.programmes.0.name").input("助老午餐")
    at.selectbox(key="tables.add.programmes.0.kind").set_value("project")
    at.text_input(key="tables.add.programmes.0.sponsor").input("亮马餐饮管理有限公司")
    submit(at, "新增品牌与项目")
    assert not at.error
    stored = store.read("programmes").set_index("name").loc["助老午餐"]
    assert stored["sponsor"] == "亮马餐饮管理有限公司"
    store.close()


def test_english(desk):
    at = open_page("en")
    assert at.title[0].value == "Reference tables"
    assert "Community name" in at.dataframe[0].value.columns


def hand_edit(store: LocalStore, sql: str, *params: object) -> None:
    """A value typed straight into the sheet (or database), past validation."""
    with store._write() as conn:
        conn.execute(sql, params)


def _forms_with_values_out_of_range() -> None:
    """Every table's edit form, each bounded field holding a value beyond its bound."""
    import datetime as dt

    from sltcore import clock
    from sltcore.schema import TABLES
    from sltcore.ui.forms import record_form

    for t in TABLES:
        row: dict = {}
        for f in t.user_fields:
            if f.type in ("int", "number") and f.min is not None:
                row[f.key] = f.min - 5
            elif f.type in ("int", "number") and f.max is not None:
                row[f.key] = f.max + 5
            elif f.type == "date":
                row[f.key] = clock.today() + dt.timedelta(days=40) if f.past_only else None
        if row:
            record_form(t, form_key=f"oob.{t.key}", lang="zh", frames={}, values=row)


def test_edit_forms_open_with_stored_values_beyond_the_widget_bounds():
    """A population of -5 or a registration date next year (typed into the sheet) opens in
    the edit form instead of crashing it (StreamlitValueBelowMinError)."""
    at = AppTest.from_function(_forms_with_values_out_of_range, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.number_input(key="oob.communities.population").value == -5
    assert at.number_input(key="oob.service_records.hours").value == -5
    date = at.date_input(key="oob.volunteers.registered_on").value
    assert date.year == 2027


def test_a_hand_edited_negative_population_opens_and_is_refused_on_save(desk):
    row = desk.read("communities").iloc[0]
    hand_edit(desk, "UPDATE communities SET population = -5 WHERE id = ?", row["id"])
    at = open_page()
    at.selectbox(key="tables.pick.communities").set_value(row["id"]).run()
    assert not at.exception, at.exception
    box = at.number_input(key=f"tables.edit.{row['id']}.1.population")
    assert box.value == -5
    submit(at, "保存")
    error = at.error[0].value
    assert "常住人口" in error and "不能小于0" in error
    assert desk.get("communities", row["id"])["population"] == -5  # nothing written

    at.number_input(key=box.key).set_value(8000)
    submit(at, "保存")
    assert not at.error, at.error[0].value
    assert desk.get("communities", row["id"])["population"] == 8000


@pytest.fixture
def downloads(monkeypatch):
    """file name -> what a download button would send (its deferred callable, run on demand)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    made: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kw)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return made


def test_every_reference_table_exports_a_formula_safe_csv(desk, downloads):
    from sltcore.auth import SYSTEM

    desk.append(
        "organisations",
        [{"name": "=cmd|' /C calc'!A0", "kind": "company", "contact": "＋李经理"}],
        SYSTEM,
    )
    desk.append("redemption_items", [{"name": "-洗衣液", "kind": "goods", "points": 10}], SYSTEM)
    at = open_page()
    for key in REFERENCE_TABLES:
        at.radio(key="tables.which").set_value(key).run()
        assert [b.proto.label for b in at.get("download_button")] == ["下载表格（CSV）"], key
        assert f"{key}-20261129.csv" in downloads, key
    text = downloads["organisations-20261129.csv"]().decode("utf-8-sig")
    assert "'=cmd|" in text and "'＋李经理" in text
    assert "'-洗衣液" in downloads["redemption_items-20261129.csv"]().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("单位名称,")
    assert not any(line.startswith(("=", "+", "＋", '"=')) for line in text.splitlines())
    phones = downloads["organisations-20261129.csv"]().decode("utf-8-sig")
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", phones), "phones stay masked"


def test_safe_csv_neutralises_text_and_keeps_numbers():
    import datetime as dt

    import pandas as pd

    from sltcore.ui.kit import safe_csv

    df = pd.DataFrame(
        {
            "名称": ["=1+1", "-2+3", "＠SUM(A1)", "\tx", "正常", None],
            "时长": [-1.5, 2.0, 0.0, 1.0, 3.25, float("nan")],
            "人数": pd.array([1, -2, 3, None, 5, 6], dtype="Int64"),
            "日期": pd.to_datetime(["2026-03-05"] * 5 + [None]),
            "=表头": [dt.date(2026, 3, 5)] * 6,
        }
    )
    data = safe_csv(df)
    assert data.startswith("\ufeff".encode())
    rows = data.decode("utf-8-sig").splitlines()
    assert rows[0] == "名称,时长,人数,日期,'=表头"
    assert rows[1] == "'=1+1,-1.5,1,2026-03-05,2026-03-05"
    assert rows[2].startswith("'-2+3,2.0,-2,")
    assert rows[3].startswith("'＠SUM(A1),") and rows[4].startswith("'\tx,")
    assert rows[6] == ",,6,,2026-03-05"


# --- the edit form when someone else saved the row meanwhile ---------------------------------


def test_a_row_saved_elsewhere_meanwhile_is_a_conflict_and_the_typing_stays(desk):
    rid = str(desk.read("communities").set_index("name").loc["中三里", "id"])
    at = open_page()
    at.selectbox(key="tables.pick.communities").set_value(rid).run()
    form = f"tables.edit.{rid}"
    at.text_input(key=f"{form}.1.contact").input("李主任")
    desk.update("communities", rid, {"contact": "王书记"}, 1, OTHER)
    submit(at, "保存")
    error = at.error[0].value
    assert "已被别人修改" in error and "请刷新后重新修改" in error
    assert desk.get("communities", rid)["contact"] == "王书记"  # not overwritten
    assert at.text_input(key=f"{form}.1.contact").value == "李主任"  # typing kept
    assert "那次修改了：联系人" in stale_notices(at)[0]

    at.button(key=f"{form}.reload").click().run()  # 载入最新内容
    assert not at.error and not stale_notices(at)
    assert at.text_input(key=f"{form}.2.contact").value == "王书记"
    at.text_input(key=f"{form}.2.contact").input("王书记、李主任")
    submit(at, "保存")
    assert not at.error
    saved = desk.get("communities", rid)
    assert saved["contact"] == "王书记、李主任" and saved["version"] == 3
    assert "已修改：中三里" in [t.value for t in at.toast]


def test_a_form_put_away_and_opened_again_shows_the_row_as_stored_then(desk):
    rows = desk.read("communities").set_index("name")
    first, second = str(rows.loc["中三里", "id"]), str(rows.loc["中纺里", "id"])
    at = open_page()
    at.selectbox(key="tables.pick.communities").set_value(first).run()
    desk.update("communities", first, {"contact": "王书记"}, 1, OTHER)
    at.selectbox(key="tables.pick.communities").set_value(second).run()
    at.selectbox(key="tables.pick.communities").set_value(first).run()
    assert not stale_notices(at)
    assert at.text_input(key=f"tables.edit.{first}.1.contact").value == "王书记"
    at.text_input(key=f"tables.edit.{first}.1.contact").input("李主任")
    submit(at, "保存")
    assert not at.error and desk.get("communities", first)["contact"] == "李主任"


def test_the_notice_in_english(desk):
    rid = str(desk.read("communities").iloc[0]["id"])
    at = open_page(lang="en")
    at.selectbox(key="tables.pick.communities").set_value(rid).run()
    desk.update("communities", rid, {"contact": "王书记"}, 1, OTHER)
    submit(at, "Save")
    assert "Someone else changed this row" in at.error[0].value
    notice = next(w.value for w in at.warning if "Load the latest" in w.value)
    assert "Changed there: Contact person." in notice
    assert at.button(key=f"tables.edit.{rid}.reload").label == "Load the latest"
