"""志愿者 through AppTest: list and search, profile, add/edit with the schema's validation,
duplicate warnings with a link, archive, masking, and speed at 5,000 volunteers."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.identity import make_id_number
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/volunteers.py"
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ID = re.compile(r"\d{17}[\dX]")


def open_page(query: dict | None = None, lang: str = "zh", timeout: float = 60) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [d.value.to_string() for d in at.dataframe]
    parts += [m.value for m in at.metric] + [c.value for c in at.caption]
    return "\n".join(parts)


@pytest.fixture
def desk(app_env):
    store = LocalStore(app_env)
    com = community(store)
    idn = make_id_number("110105", dt.date(1985, 6, 1), 3, "F")
    a = volunteer(
        store,
        com["id"],
        name="王秀英",
        mobile="13800005678",
        id_number=idn,
        birth_date=dt.date(1985, 6, 1),
        sex="F",
    )
    b = volunteer(store, com["id"], name="李强", mobile="13900001234", sex="M")
    store.append(
        "service_records",
        [
            record_row(a, 12.0, dt.date(2026, 3, 5)),
            record_row(a, 10.0, dt.date(2026, 3, 6)),
            record_row(a, 90.0 / 4, dt.date(2025, 1, 1)),
            record_row(a, 90.0 / 4, dt.date(2025, 1, 2)),
            record_row(a, 90.0 / 4, dt.date(2025, 1, 3)),
            record_row(a, 90.0 / 4, dt.date(2025, 1, 4)),
            record_row(b, 4.0, dt.date(2026, 5, 1)),
        ],
        SYSTEM,
    )
    yield {"store": store, "com": com, "a": a, "b": b, "idn": idn}
    store.close()


def test_renders_on_an_empty_store(app_env):
    at = open_page()
    assert at.title[0].value == "志愿者"
    assert any("欢迎使用" in i.value for i in at.info)


def test_renders_on_sample_data_masked(app_env, demo_db):
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert not at.error
    table = at.dataframe[0].value
    assert len(table) == 300 and "手机号" in table.columns and "累计时长" in table.columns
    assert not FULL_MOBILE.search(table.to_string()) and not FULL_ID.search(table.to_string())


def test_search_by_phone_suffix_and_filters(desk):
    at = open_page()
    at.text_input(key="volunteers.q").input("1234").run()
    assert list(at.dataframe[0].value["姓名"]) == ["李强"]
    at.text_input(key="volunteers.q").input("").run()
    at.selectbox(key="volunteers.status").set_value("paused").run()
    assert "没有符合条件的志愿者" in at.info[0].value


def test_profile_shows_hours_stars_minimum_and_masks(desk):
    at = open_page({"vol": desk["a"]["id"]})
    assert at.title[0].value.startswith("王秀英")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["2026年服务时长"] == "22 小时"
    assert metrics["累计服务时长"] == "112 小时"
    assert metrics["星级"] == "1星志愿者"
    assert metrics["距下一星级"] == "188 小时"
    assert "已服务22 小时，达到每年20小时的要求" in at.success[0].value
    text = page_text(at)
    assert "138****5678" in text and desk["idn"][:6] + "********" + desk["idn"][-4:] in text
    assert not FULL_MOBILE.search(text) and desk["idn"] not in text
    assert len(at.dataframe[0].value) == 6  # events attended


def test_profile_below_the_yearly_minimum(desk):
    at = open_page({"vol": desk["b"]["id"]})
    assert "距每年20小时的要求还差16 小时" in at.warning[0].value


def add_form(at: AppTest, **values) -> None:
    """Fill the add form (values are sent with the submit), then submit."""
    for key, value in values.items():
        widget = at.get("text_input") + at.get("selectbox") + at.get("date_input")
        match = [w for w in widget if getattr(w, "key", None) == f"volunteers.add.0.{key}"]
        assert match, key
        w = match[0]
        w.input(value) if w.type == "text_input" else w.set_value(value)
    next(b for b in at.button if b.label == "登记新志愿者").click().run()
    assert not at.exception, at.exception


NEW = {
    "name": "赵敏",
    "sex": "F",
    "mobile": "13512345678",
    "membership": "youth",
    "registered_on": dt.date(2026, 11, 1),
}


def test_add_goes_to_the_new_profile(desk):
    at = open_page()
    add_form(at, community_id=desk["com"]["id"], **NEW)
    assert not at.error
    stored = desk["store"].read("volunteers").set_index("name").loc["赵敏"]
    assert stored["mobile"] == "13512345678"
    assert at.query_params["vol"] == stored["id"] and at.title[0].value.startswith("赵敏")


def test_add_refused_by_validation_keeps_what_was_typed(desk):
    at = open_page()
    add_form(at, community_id=desk["com"]["id"], **{**NEW, "mobile": "12345"})
    assert "手机号" in at.error[0].value and "11位" in at.error[0].value
    assert at.text_input(key="volunteers.add.0.name").value == "赵敏"
    assert len(desk["store"].read("volunteers")) == 2


def test_duplicate_phone_warns_with_a_link_then_saves_on_confirmation(desk):
    at = open_page()
    add_form(at, community_id=desk["com"]["id"], **{**NEW, "mobile": "13800005678"})
    assert "手机号与已登记的志愿者 “王秀英” 相同" in at.warning[0].value
    link = next(p for p in at.get("page_link") if p.proto.label == "王秀英")
    assert desk["a"]["id"] in link.proto.page or desk["a"]["id"] in str(link.proto)
    assert len(desk["store"].read("volunteers")) == 2, "not saved before confirmation"
    at.button(key="volunteers.dup.ok").click().run()
    assert len(desk["store"].read("volunteers")) == 3


def test_duplicate_id_number_warns(desk):
    at = open_page()
    add_form(
        at,
        community_id=desk["com"]["id"],
        **{**NEW, "id_number": desk["idn"], "birth_date": dt.date(1985, 6, 1)},
    )
    assert "身份证号与已登记的志愿者 “王秀英” 相同" in at.warning[0].value
    at.button(key="volunteers.dup.no").click().run()
    assert not at.warning and len(desk["store"].read("volunteers")) == 2


def test_edit_keeps_masked_numbers_unless_retyped(desk):
    a = desk["a"]
    at = open_page({"vol": a["id"]})
    prefix = f"volunteers.edit.{a['id']}.1."
    assert at.text_input(key=prefix + "mobile").value == ""  # never prefilled
    assert at.text_input(key=prefix + "mobile").placeholder == "138****5678"
    at.text_input(key=prefix + "bv_number").input("BV2026000001")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.error
    row = desk["store"].get("volunteers", a["id"])
    assert row["bv_number"] == "BV2026000001" and row["mobile"] == "13800005678"
    assert row["id_number"] == desk["idn"]


def test_archive_instead_of_delete(desk):
    a = desk["a"]
    at = open_page({"vol": a["id"]})
    at.button(key="volunteers.archive").click().run()
    assert desk["store"].get("volunteers", a["id"])["archived"] is True
    assert len(desk["store"].read("service_records")) == 7, "records are kept"
    assert "volunteers" not in at.query_params and "vol" not in at.query_params


def test_english(desk):
    at = open_page({"vol": desk["a"]["id"]}, lang="en")
    labels = [m.label for m in at.metric]
    assert labels == ["Hours in 2026", "Total hours", "Star level", "To the next star"]


def test_fast_at_5000_volunteers(app_env):
    from sltcore import demo

    store = LocalStore(app_env)
    demo.load_demo(store, volunteers=5000, records=20000)
    at = open_page(timeout=120)  # the first run reads every table
    start = time.perf_counter()
    at.text_input(key="volunteers.q").input("王").run()
    searched = time.perf_counter() - start
    assert not at.exception and 0 < len(at.dataframe[0].value) < 5000
    start = time.perf_counter()
    at.text_input(key="volunteers.q").input("").run()
    whole = time.perf_counter() - start
    assert len(at.dataframe[0].value) == 5000
    print(f"volunteers page at 5,000: search {searched:.2f} s, whole list {whole:.2f} s")
    assert searched < 2.0 and whole < 2.0, (searched, whole)
