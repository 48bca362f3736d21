"""驻区单位与捐赠: the donation rules, the totals by organisation and year, the alliance, page."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import ValidationError
from sltcore.services import organisations
from sltcore.store.local import LocalStore
from tests.helpers import community, dump, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGE = "app_pages/donations.py"


@pytest.fixture
def world(store):
    com = community(store)
    old, new, plain = store.append(
        "organisations",
        [
            {"name": "工体酒店", "kind": "company", "care_alliance": True,
             "joined_alliance_on": dt.date(2010, 5, 1), "community_id": com["id"]},
            {"name": "三里屯中学", "kind": "school", "care_alliance": True,
             "joined_alliance_on": dt.date(2015, 3, 1)},
            {"name": "春秀商贸", "kind": "company"},
        ],
        SYSTEM,
    )  # fmt: skip
    volunteer(store, com["id"], organisation_id=old["id"], membership="unit_staff")
    volunteer(store, com["id"], organisation_id=old["id"], membership="unit_staff")
    return {"store": store, "old": old, "new": new, "plain": plain}


def test_every_problem_of_a_donation_at_once_naming_its_field(world) -> None:
    store = world["store"]
    before = dump(store)
    with pytest.raises(ValidationError) as err:
        organisations.record(store, SYSTEM, {"date": dt.date(2026, 3, 1), "kind": "money"})
    assert err.value.zh == (
        "第1行，捐赠单位：须填写捐赠单位或捐赠人；第1行，金额/折价（元）：资金捐赠须填写金额（元）"
    )
    with pytest.raises(ValidationError) as err:
        organisations.record(
            store, SYSTEM, {"donor_name": "张先生", "date": dt.date(2026, 3, 1), "kind": "goods"}
        )
    assert err.value.zh == "第1行，捐赠内容：物资或服务捐赠须写明捐赠内容"
    assert dump(store) == before


def test_totals_by_organisation_year_and_the_alliance(world) -> None:
    store, old = world["store"], world["old"]
    for values in (
        {"organisation_id": old["id"], "date": dt.date(2025, 12, 31), "kind": "money",
         "amount": 10000},
        {"organisation_id": old["id"], "date": dt.date(2026, 1, 1), "kind": "goods",
         "amount": 3600, "description": "棉衣60件", "recipient": "困境儿童", "purpose": "送温暖"},
        {"donor_name": "张先生", "date": dt.date(2026, 2, 1), "kind": "money", "amount": 500},
    ):  # fmt: skip
        organisations.record(store, SYSTEM, values)
    frames = store.read_all()
    orgs = organisations.by_organisation(frames).set_index("name")
    assert orgs.loc["工体酒店", ["cash", "in_kind", "total"]].tolist() == [10000, 3600, 13600]
    assert orgs.loc["工体酒店", "volunteers"] == 2 and orgs.loc["春秀商贸", "total"] == 0
    assert orgs.index[0] == "工体酒店"
    years = organisations.by_year(frames).set_index("year")
    assert years.loc[2025, "total"] == 10000 and years.loc[2026, "total"] == 4100
    assert years.loc[2026, "in_kind"] == 3600 and years.loc[2026, "donations"] == 2
    roster = organisations.alliance(frames)
    assert list(roster["name"]) == ["工体酒店", "三里屯中学"]  # longest-standing first
    assert roster["since"].tolist() == [dt.date(2010, 5, 1), dt.date(2015, 3, 1)]


def test_the_volunteers_an_organisation_sends_by_name_with_their_countable_hours(world) -> None:
    store, old = world["store"], world["old"]
    com = store.read_all()["communities"].iloc[0]["id"]
    a = volunteer(store, com, name="周建华", organisation_id=old["id"])
    store.append(
        "service_records",
        [record_row(a, 3.0), record_row(a, 5.0, dt.date(2026, 4, 1), confirmed=False)],
        SYSTEM,
    )
    volunteer(store, com, name="不相干", organisation_id=world["plain"]["id"])
    sent = organisations.sent_by(store.read_all(), old["id"])
    assert len(sent) == 3 and sent.iloc[0]["name"] == "周建华"
    assert sent.iloc[0]["hours"] == 3.0, "unconfirmed hours do not count"
    assert sent.iloc[0]["last_service"] == dt.date(2026, 3, 5)
    assert "不相干" not in set(sent["name"])
    assert organisations.sent_by(store.read_all(), world["new"]["id"]).empty


def test_a_viewer_cannot_record_a_donation(world) -> None:
    with pytest.raises(Exception, match="read-only"):
        organisations.record(
            world["store"],
            Actor("leader", "viewer"),
            {"donor_name": "张先生", "date": dt.date(2026, 2, 1), "kind": "money", "amount": 5},
        )


def open_page(actor: Actor | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = "zh"
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def _tab(at, label):
    return next(t for t in at.tabs if t.label == label)


def test_page_on_an_empty_store(app_env) -> None:
    at = open_page()
    assert at.title[0].value == "驻区单位与捐赠"
    assert any(b.label == "载入示例数据" for b in at.button)


def test_page_on_sample_data(app_env, demo_db) -> None:
    shutil.copy(demo_db, app_env)
    at = open_page()
    assert [t.label for t in at.tabs] == ["按单位", "按年度", "关爱联盟", "登记捐赠"]
    orgs = _tab(at, "按单位").dataframe[0].value
    assert len(orgs) == 40 and orgs["合计（元）"].iloc[0] == 15000
    years = _tab(at, "按年度").dataframe[0].value
    assert years["合计（元）"].sum() == 75000 + 15500
    assert _tab(at, "关爱联盟").caption[0].value == "关爱联盟共 18 家成员单位。"
    tab = _tab(at, "按单位")
    pick = tab.selectbox(key="don.sent")
    first = pick.value
    count = int(
        orgs.set_index("单位名称").loc[pick.format_func(first).split("（")[0], "派出志愿者"]
    )
    names = tab.dataframe[1].value
    assert len(names) == count > 0 and names["姓名"].str.len().gt(0).all()


def test_page_refuses_a_donation_naming_the_field(app_env) -> None:
    LocalStore(app_env).close()
    store = LocalStore(app_env)
    community(store)
    at = open_page()
    tab = _tab(at, "登记捐赠")
    tab.date_input(key="don.add.0.date").set_value(dt.date(2026, 3, 1))
    tab.selectbox(key="don.add.0.kind").set_value("goods")
    tab.button[0].click().run()
    errors = "\n".join(e.value for e in at.error)
    assert "- **捐赠单位**：须填写捐赠单位或捐赠人" in errors
    assert "- **捐赠内容**：物资或服务捐赠须写明捐赠内容" in errors
    assert len(store.read_all()["donations"]) == 0
    store.close()


def test_only_an_admin_gets_the_form(app_env, demo_db) -> None:
    shutil.copy(demo_db, app_env)
    for actor in (Actor("leader", "viewer"), Actor("c1", "coordinator", communities=("com-1",))):
        at = open_page(actor)
        assert _tab(at, "登记捐赠").info[0].value == "捐赠由街道管理员登记；请把收据交给管理员。"
        assert not _tab(at, "登记捐赠").button
