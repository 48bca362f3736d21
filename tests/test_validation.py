"""Each validation rule, with a passing and a failing case, through the store's real write."""

from __future__ import annotations

import datetime as dt

import pytest

from sltcore import identity
from sltcore.auth import SYSTEM, Actor
from sltcore.codec import parse_date, parse_value
from sltcore.errors import PermissionDenied, ValidationError
from sltcore.schema import table
from sltcore.validation import clean_field
from tests.helpers import community, record_row, volunteer, volunteer_row


def refused(store, table_key: str, rows: list[dict]) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        store.append(table_key, rows, SYSTEM)
    return info.value


# --- single fields -------------------------------------------------------------------------


def test_required_field_names_the_field_in_both_languages(store) -> None:
    c = community(store)
    row = volunteer_row(c["id"], name="  ")
    err = refused(store, "volunteers", [row])
    assert "第1行，姓名：必填" in err.message("zh")
    assert "row 1, Name: is required" in err.message("en")


@pytest.mark.parametrize("mobile", ["13800138000", "19912345678", "+86 138 0013 8000"])
def test_mobile_numbers_accepted(mobile: str) -> None:
    value, why = clean_field(table("volunteers").field("mobile"), mobile)
    assert why is None and value.isdigit() and len(value) == 11


@pytest.mark.parametrize("mobile", ["12800138000", "1380013800", "138001380001", "abc"])
def test_mobile_numbers_refused(mobile: str) -> None:
    _, why = clean_field(table("volunteers").field("mobile"), mobile)
    assert why is not None and "11位" in why[0]


@pytest.mark.parametrize("phone", ["010-65001234", "65001234", "0755-8765432", "13800138000"])
def test_landlines_accepted(phone: str) -> None:
    assert clean_field(table("communities").field("phone"), phone)[1] is None


@pytest.mark.parametrize("phone", ["123", "010-1234", "phone"])
def test_landlines_refused(phone: str) -> None:
    assert "电话号码格式不对" in clean_field(table("communities").field("phone"), phone)[1][0]


def test_id_number_check_digit() -> None:
    good = identity.make_id_number("110105", dt.date(1990, 3, 7), 12, "M")
    assert identity.id_problem(good) is None
    wrong_digit = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位" in identity.id_problem(wrong_digit)[0]
    assert "18位" in identity.id_problem("11010519900307")[0]
    assert "出生日期" in identity.id_problem("110105199013070000")[0]
    # The standard's own example: 11010519491231002X is valid.
    assert identity.id_problem("11010519491231002x") is None
    assert identity.id_sex("11010519491231002X") == "F"


def test_id_number_must_match_birth_date_and_sex(store) -> None:
    c = community(store)
    idn = identity.make_id_number("110105", dt.date(1990, 3, 7), 3, "M")
    err = refused(
        store,
        "volunteers",
        [
            volunteer_row(c["id"], id_number=idn, birth_date=dt.date(1990, 3, 8), sex="M"),
            volunteer_row(c["id"], id_number=idn, birth_date=dt.date(1990, 3, 7), sex="F"),
        ],
    )
    text = err.message("zh")
    assert "第1行，身份证号：与出生日期1990-03-08不一致" in text
    assert "第2行，身份证号：与性别不一致" in text
    ok = store.append(
        "volunteers", [volunteer_row(c["id"], id_number=idn, sex="M", birth_date=None)], SYSTEM
    )
    assert ok[0]["birth_date"] == dt.date(1990, 3, 7), "birth date filled from the ID number"


def test_dates_in_many_spellings() -> None:
    for text in ("2013-03-05", "2013/3/5", "2013年3月5日", "2013.3.5", "20130305", 41338):
        assert parse_date(text) == dt.date(2013, 3, 5), text


def test_future_dates_refused_where_they_make_no_sense(store) -> None:
    c = community(store)
    v = volunteer(store, c["id"])
    err = refused(store, "service_records", [record_row(v, day=dt.date(2026, 11, 30))])
    assert "服务日期：不能晚于今天" in err.message("zh")
    store.append("service_records", [record_row(v, day=dt.date(2026, 11, 29))], SYSTEM)
    # An event may be planned for later.
    store.append(
        "events",
        [
            {
                "title": "植树",
                "date": dt.date(2027, 3, 12),
                "community_id": c["id"],
                "category": "green",
            }
        ],
        SYSTEM,
    )


def test_hours_must_be_positive(store) -> None:
    v = volunteer(store, community(store)["id"])
    assert "服务时长必须大于0" in refused(store, "service_records", [record_row(v, 0)]).zh
    assert "不能小于0" in refused(store, "service_records", [record_row(v, -1)]).zh
    assert "不能大于24" in refused(store, "service_records", [record_row(v, 25)]).zh


def test_at_most_24_hours_a_day_counting_stored_records(store) -> None:
    v = volunteer(store, community(store)["id"])
    store.append("service_records", [record_row(v, 20)], SYSTEM)
    err = refused(store, "service_records", [record_row(v, 3), record_row(v, 2)])
    assert "已记录20小时，加上本次共25小时，超过每天24小时" in err.zh
    store.append("service_records", [record_row(v, 4)], SYSTEM)  # exactly 24 is fine
    other_day = record_row(v, 10, day=dt.date(2026, 3, 6))
    store.append("service_records", [other_day], SYSTEM)


def test_archived_records_do_not_count_towards_the_day(store) -> None:
    v = volunteer(store, community(store)["id"])
    rec = store.append("service_records", [record_row(v, 20)], SYSTEM)[0]
    store.set_archived("service_records", {rec["id"]: rec["version"]}, True, SYSTEM)
    store.append("service_records", [record_row(v, 20)], SYSTEM)


def test_references_must_exist_and_be_live(store) -> None:
    c = community(store)
    v = volunteer(store, c["id"])
    err = refused(store, "service_records", [record_row(v) | {"volunteer_id": "vol-nobody"}])
    assert "找不到志愿者“vol-nobody”" in err.zh
    store.set_archived("volunteers", {v["id"]: v["version"]}, True, SYSTEM)
    err = refused(store, "service_records", [record_row(v)])
    assert "已归档，不能再使用" in err.zh


def test_same_volunteer_twice_for_one_event(store) -> None:
    c = community(store)
    v = volunteer(store, c["id"])
    e = store.append(
        "events",
        [
            {
                "title": "义诊",
                "date": dt.date(2026, 3, 5),
                "community_id": c["id"],
                "category": "health",
            }
        ],
        SYSTEM,
    )[0]
    err = refused(
        store,
        "service_records",
        [record_row(v, 1, event_id=e["id"]), record_row(v, 1, event_id=e["id"])],
    )
    assert "与本批第1行是同一志愿者、同一活动" in err.zh
    store.append("service_records", [record_row(v, 1, event_id=e["id"])], SYSTEM)
    err = refused(store, "service_records", [record_row(v, 1, event_id=e["id"])])
    assert "已有这次活动的服务记录" in err.zh


def test_choices_accept_key_or_label_and_refuse_others() -> None:
    f = table("volunteers").field("membership")
    assert parse_value(f, "治安志愿者") == "security"
    assert parse_value(f, "Youth") == "youth"
    _, why = clean_field(f, "外星志愿者")
    assert "不在可选范围内" in why[0] and "青年志愿者" in why[0]


def test_age_rules_of_article_7(store) -> None:
    c = community(store)
    minor = volunteer_row(
        c["id"], birth_date=dt.date(2010, 6, 1), registered_on=dt.date(2026, 1, 1)
    )
    err = refused(store, "volunteers", [minor])
    assert "14至17周岁须经监护人同意" in err.zh
    store.append("volunteers", [minor | {"guardian_consent": True}], SYSTEM)
    child = volunteer_row(
        c["id"], birth_date=dt.date(2014, 6, 1), registered_on=dt.date(2026, 1, 1)
    )
    assert "须年满14周岁" in refused(store, "volunteers", [child]).zh


def test_unique_fields(store) -> None:
    community(store, "中三里")
    assert "“中三里”已存在" in refused(store, "communities", [{"name": "中三里"}]).zh


@pytest.mark.parametrize("bad", ["a\x00b", "a\rb", "line\nbreak", "x" * 201])
def test_text_that_cannot_be_stored_is_refused_with_a_reason(bad: str) -> None:
    _, why = clean_field(table("volunteers").field("name"), bad)
    assert why is not None and why[0]


def test_unknown_fields_are_refused_not_dropped(store) -> None:
    err = refused(store, "communities", [{"name": "测试", "nickname": "x"}])
    assert "未知字段：nickname" in err.zh


def test_viewer_cannot_write_and_coordinator_only_own_community(store) -> None:
    c1, c2 = community(store, "北三里"), community(store, "东三里")
    with pytest.raises(PermissionDenied):
        store.append("volunteers", [volunteer_row(c1["id"])], Actor("leader", "viewer"))
    coord = Actor("coord", "coordinator", communities=(c1["id"],))
    store.append("volunteers", [volunteer_row(c1["id"])], coord)
    with pytest.raises(PermissionDenied):
        store.append("volunteers", [volunteer_row(c2["id"])], coord)
    with pytest.raises(PermissionDenied):
        store.append("communities", [{"name": "新社区"}], coord)


# --- values a sheet or a file may hold --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("8,000", 8000), ("1,234,567", 1234567), (" 12 ", 12), ("３０", 30), (8000.0, 8000)],
)
def test_numbers_as_people_type_them(raw, expected) -> None:
    assert parse_value(table("communities").field("population"), raw) == expected


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("1,5", "小数点请用"),
        ("1E+20", "太大"),
        (1e20, "太大"),
        ("八千", "不是数字"),
        ("12.5", "整数"),
    ],
)
def test_numbers_that_are_refused_say_why(raw, why) -> None:
    _, reason = clean_field(table("communities").field("population"), raw)
    assert reason is not None and why in reason[0]


def test_text_digits_are_not_a_sheet_serial_date() -> None:
    _, why = clean_field(table("volunteers").field("registered_on"), "2026")
    assert why is not None and "不是有效的日期" in why[0]
    assert parse_date(41338) == dt.date(2013, 3, 5), "a numeric cell is a serial number"


def test_a_huge_timestamp_is_a_parse_error_not_a_crash() -> None:
    from sltcore.codec import ParseError

    with pytest.raises(ParseError):
        parse_value(table("volunteers").field("created_at"), 1e30)


def test_overnight_events_and_equal_times(store) -> None:
    c = community(store)
    base = {
        "title": "夜间巡逻",
        "date": dt.date(2026, 10, 1),
        "community_id": c["id"],
        "category": "security",
    }
    store.append("events", [base | {"start_time": "22:00", "end_time": "06:00"}], SYSTEM)
    err = refused(store, "events", [base | {"start_time": "09:00", "end_time": "09:00"}])
    assert "结束时间不能等于开始时间" in err.zh
