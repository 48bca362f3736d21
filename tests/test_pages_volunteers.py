"""志愿者 through AppTest: list and search, profile, add/edit with the schema's validation,
duplicate warnings with a link, archive, masking and the full-number reveal by role, the
formula-safe CSV export, and the right rows at 5,000 volunteers (speed is the benchmark's)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.identity import make_id_number
from sltcore.store.local import LocalStore
from tests.helpers import OTHER, community, record_row, save_button, stale_notices, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/volunteers.py"
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ID = re.compile(r"\d{17}[\dX]")


def open_page(
    query: dict | None = None, lang: str = "zh", timeout: float = 60, actor: Actor | None = None
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    if query:
        at.query_params.update(query)
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    """What a reader sees: Markdown's backslash escapes removed."""
    parts = [m.value for m in at.markdown] + [d.value.to_string() for d in at.dataframe]
    parts += [m.value for m in at.metric] + [c.value for c in at.caption]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


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
    assert not at.main.warning and len(desk["store"].read("volunteers")) == 2


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


def test_the_list_filters_5000_volunteers(app_env):
    """At 5,000 volunteers the page still finds the right people (how fast is measured by
    `python -m bench.run`, never by a timed unit test)."""
    from sltcore import demo

    store = LocalStore(app_env)
    demo.load_demo(store, volunteers=5000, records=20000)
    vols = store.read("volunteers")
    at = open_page(timeout=120)  # the first run reads every table
    assert len(at.dataframe[0].value) == 5000
    at.text_input(key="volunteers.q").input("王").run()
    assert not at.exception
    names = at.dataframe[0].value["姓名"]
    assert set(names) == set(vols.loc[vols["name"].str.contains("王"), "name"])
    assert len(names) == vols["name"].str.contains("王").sum() and 0 < len(names) < 5000
    suffix = str(vols["mobile"].iloc[0])[-4:]
    at.text_input(key="volunteers.q").input(suffix).run()
    expected = vols["mobile"].str.endswith(suffix) | vols["bv_number"].str.endswith(suffix)
    assert len(at.dataframe[0].value) == int(expected.fillna(False).sum())
    at.text_input(key="volunteers.q").input("").run()
    assert len(at.dataframe[0].value) == 5000
    store.close()


ADMIN = Actor("admin", "admin", display_name="管理员")
VIEWER = Actor("leader", "viewer", display_name="街道领导")


def coordinator(desk: dict) -> Actor:
    return Actor("coord", "coordinator", (desk["com"]["id"],), "社区协调员")


@pytest.fixture
def minor(desk):
    """A 16-year-old with a guardian's mobile, in the same community."""
    com = desk["com"]["id"]
    return volunteer(
        desk["store"],
        com,
        name="小周",
        mobile="13600001111",
        birth_date=dt.date(2010, 1, 1),
        registered_on=dt.date(2026, 6, 1),
        guardian_name="周母",
        guardian_mobile="13600002222",
        guardian_consent=True,
    )


@pytest.mark.parametrize("role", ["admin", "coordinator"])
def test_admin_and_coordinator_can_reveal_the_full_numbers(desk, minor, role):
    actor = ADMIN if role == "admin" else coordinator(desk)
    at = open_page({"vol": minor["id"]}, actor=actor)
    key = f"volunteers.reveal.{minor['id']}"
    assert at.button(key=f"{key}.btn").label == "显示完整号码"
    text = page_text(at)
    assert not FULL_MOBILE.search(text), "hidden until asked for"
    assert "136****1111" in text and "136****2222" in text
    at.button(key=f"{key}.btn").click().run()
    text = page_text(at)
    assert "13600001111" in text and "13600002222" in text  # the volunteer and the guardian
    log = desk["store"].read("audit_log")
    seen = log[(log["action"] == "reveal") & (log["row_id"] == minor["id"])]
    assert list(seen["actor"]) == [actor.username], "showing a full number is logged"
    at.button(key="volunteers.back").click().run()
    list_text = "\n".join(d.value.to_string() for d in at.dataframe)
    assert not FULL_MOBILE.search(list_text), "lists stay masked"
    at.query_params["vol"] = minor["id"]
    at.run()
    assert not FULL_MOBILE.search(page_text(at)), "hidden again after leaving the profile"


def test_a_viewer_never_gets_the_full_number(desk, minor):
    at = open_page({"vol": minor["id"]}, actor=VIEWER)
    assert not [b for b in at.button if "完整" in b.label], "no reveal for a read-only account"
    assert "136****1111" in page_text(at)
    everything = str(at._tree)
    assert "13600001111" not in everything and "13600002222" not in everything


def test_a_future_registration_date_typed_into_the_sheet_still_opens(desk, monkeypatch):
    """registered_on next month (hand-edited) used to crash the profile's edit form."""
    monkeypatch.setenv("SLT_TODAY", "2027-01-15")
    odd = volunteer(
        desk["store"], desk["com"]["id"], name="钱进", registered_on=dt.date(2027, 1, 5)
    )
    monkeypatch.setenv("SLT_TODAY", "2026-11-29")
    at = open_page({"vol": odd["id"]})
    prefix = f"volunteers.edit.{odd['id']}.1."
    assert at.date_input(key=prefix + "registered_on").value == dt.date(2027, 1, 5)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception
    assert "注册日期" in at.error[0].value and "不能晚于今天" in at.error[0].value


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


def test_the_list_exports_a_formula_safe_masked_csv(desk, downloads):
    store = desk["store"]
    volunteer(store, desk["com"]["id"], name='=HYPERLINK("http://x.cn","点我")')
    volunteer(store, desk["com"]["id"], name="@SUM(A1)", mobile="13700007777")
    at = open_page()
    button = at.get("download_button")[0]
    assert button.proto.label == "下载表格（CSV）"
    (name, make), *_ = downloads.items()
    assert name == "volunteers-20261129.csv"
    data = make()
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("姓名,性别,手机号")
    assert "'=HYPERLINK(" in text and "'@SUM(A1)" in text
    assert not any(line.startswith(("=", "@", '"=', '"@')) for line in lines)
    assert "138****5678" in text and not FULL_MOBILE.search(text)
    assert "112" in text  # hours stay numbers


# --- the edit form when someone else saved the volunteer meanwhile ---------------------------


def test_a_volunteer_saved_elsewhere_meanwhile_is_a_conflict_and_the_typing_stays(desk):
    store, a = desk["store"], desk["a"]
    at = open_page({"vol": a["id"]})
    form = f"volunteers.edit.{a['id']}"
    at.text_area(key=f"{form}.1.notes").input("擅长摄影")
    at.text_input(key=f"{form}.1.mobile").input("13700001111")  # a retyped number, too
    store.update("volunteers", a["id"], {"notes": "会手语"}, 1, OTHER)  # another session
    save_button(at).click().run()
    assert not at.exception
    assert "已被别人修改" in at.error[0].value and "请刷新后重新修改" in at.error[0].value
    saved = store.get("volunteers", a["id"])
    assert saved["notes"] == "会手语" and saved["mobile"] == "13800005678"  # not overwritten
    assert at.text_area(key=f"{form}.1.notes").value == "擅长摄影"  # typing kept
    assert at.text_input(key=f"{form}.1.mobile").value == "13700001111"
    assert "那次修改了：备注" in stale_notices(at)[0]

    at.button(key=f"{form}.reload").click().run()  # 载入最新内容
    assert not at.error and not stale_notices(at)
    assert at.text_area(key=f"{form}.2.notes").value == "会手语"
    assert at.text_input(key=f"{form}.2.mobile").value == ""  # masked again, never prefilled
    at.text_area(key=f"{form}.2.notes").input("会手语，擅长摄影")
    save_button(at).click().run()
    assert not at.exception and not at.error
    saved = store.get("volunteers", a["id"])
    assert saved["notes"] == "会手语，擅长摄影" and saved["version"] == 3
    assert saved["mobile"] == "13800005678"
    assert "已修改：王秀英" in [t.value for t in at.toast]


def test_a_conflict_after_the_duplicate_warning_is_reported_too(desk):
    store, a, b = desk["store"], desk["a"], desk["b"]
    at = open_page({"vol": a["id"]})
    form = f"volunteers.edit.{a['id']}"
    at.text_input(key=f"{form}.1.mobile").input("13900001234")  # 李强's number
    save_button(at).click().run()
    assert any("李强" in w.value for w in at.warning)
    store.update("volunteers", a["id"], {"notes": "会手语"}, 1, OTHER)  # another session
    at.button(key="volunteers.dup.ok").click().run()
    assert "已被别人修改" in at.error[0].value
    assert store.get("volunteers", a["id"])["mobile"] == "13800005678"
    at.button(key=f"{form}.reload").click().run()
    assert not at.error and not stale_notices(at)
    assert not any("李强" in w.value for w in at.warning), "the warning went with the form"
    assert store.get("volunteers", b["id"])["mobile"] == "13900001234"
