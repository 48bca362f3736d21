"""基础资料 (the generic, schema-driven table page) through AppTest."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import demo, schema
from sltcore.schema import REFERENCE_TABLES, Field
from sltcore.store import local
from sltcore.store.local import LocalStore

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
