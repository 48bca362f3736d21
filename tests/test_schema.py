"""The schema is the vocabulary of the app: it must be complete and consistent."""

from __future__ import annotations

import pytest

from sltcore import schema
from sltcore.schema import SYSTEM_KEYS, TABLES

REQUIRED_TABLES = {
    "communities", "volunteers", "teams", "team_members", "programmes", "organisations",
    "events", "service_records", "timebank_transactions", "redemption_items", "beneficiaries",
    "pairings", "roster_shifts", "roster_assignments", "donations", "audit_log", "settings",
    "certificates", "accounts",
}  # fmt: skip


def test_every_table_of_the_office_is_declared() -> None:
    assert {t.key for t in TABLES} >= REQUIRED_TABLES


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.key)
def test_every_table_has_the_system_fields_first(t: schema.Table) -> None:
    assert tuple(t.keys[: len(SYSTEM_KEYS)]) == SYSTEM_KEYS
    assert len(set(t.keys)) == len(t.keys), "a field key appears twice"


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.key)
def test_every_label_has_chinese_and_english(t: schema.Table) -> None:
    assert t.zh.strip() and t.en.strip()
    for f in t.fields:
        assert f.zh.strip() and f.en.strip(), f"{t.key}.{f.key}"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.zh), f"{t.key}.{f.key} zh is not Chinese"
        for c in f.choices:
            assert c.key and c.zh.strip() and c.en.strip(), f"{t.key}.{f.key}.{c.key}"


def test_references_and_choices_are_consistent() -> None:
    for t in TABLES:
        for f in t.fields:
            if f.type == "ref":
                assert f.ref in schema.TABLE_BY_KEY, f"{t.key}.{f.key} -> {f.ref}"
            if f.type == "choice":
                assert f.choices, f"{t.key}.{f.key} has no choices"
                assert len(set(f.choice_keys())) == len(f.choices)
            if f.default is not None and f.type == "choice":
                assert f.default in f.choice_keys()
        assert t.has(t.title_field), f"{t.key}.title_field"
        if t.community_field:
            assert t.field(t.community_field).ref == "communities"


def test_volunteer_fields_named_by_the_regulations() -> None:
    # 《志愿服务记录办法》arts. 6-7: name, sex, birth, ID number, skills, contact; and the record.
    vols = schema.table("volunteers")
    for key in ("name", "sex", "birth_date", "id_number", "skills", "mobile", "guardian_consent"):
        assert vols.has(key)
    assert vols.field("id_number").pii == "id_number"
    assert vols.field("mobile").pii == "phone"
    rec = schema.table("service_records")
    for key in ("event_id", "date", "place", "service_object", "content", "hours",
                "person_in_charge", "recorder"):  # fmt: skip
        assert rec.has(key)


def test_header_aliases_accept_key_and_both_labels() -> None:
    aliases = schema.header_aliases(schema.table("volunteers"))
    assert aliases[schema.normalise_header("手机号")] == "mobile"
    assert aliases[schema.normalise_header(" Mobile ")] == "mobile"
    assert aliases[schema.normalise_header("mobile")] == "mobile"
    rec = schema.header_aliases(schema.table("service_records"))
    assert rec[schema.normalise_header("服务时长 (小时)")] == "hours"


def test_no_two_fields_of_a_table_share_a_header_name() -> None:
    """A sheet's header may be a key or either label; two fields answering to one name would
    make a column read as the wrong field."""
    from sltcore.schema import TABLES, normalise_header

    for t in TABLES:
        seen: dict[str, str] = {}
        for f in t.fields:
            for name in {normalise_header(n) for n in schema.field_names(f)}:
                assert seen.setdefault(name, f.key) == f.key, (t.key, name, f.key, seen[name])


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.key)
def test_no_two_choices_of_a_field_share_a_word(t: schema.Table) -> None:
    """A cell holding a choice's label or alias (党员, 男性) must name one choice only."""
    for f in t.fields:
        seen: dict[str, str] = {}
        for c in f.choices:
            for word in {c.key, c.zh, c.en.casefold(), *c.aliases}:
                assert seen.setdefault(word, c.key) == c.key, (t.key, f.key, word)


def test_import_headers_are_the_office_s_words() -> None:
    """What office sheets write above their columns reaches the right field."""
    vol = schema.import_headers(schema.table("volunteers"))
    for header, target in [
        ("姓名", "name"), ("身份证号码", "id_number"), ("身份证号", "id_number"),
        ("联系电话", "mobile"), ("手机", "mobile"), ("电话", "mobile"), ("出生年月", "birth_date"),
        ("出生日期", "birth_date"), ("所属社区", "community_id"), ("社区", "community_id"),
        ("志愿者类型", "membership"), ("备注", "notes"), ("性别", "sex"),
    ]:  # fmt: skip
        assert vol[normalise(header)] == target, header
    rec = schema.import_headers(schema.table("service_records"))
    # a sign-in sheet names the volunteer by 姓名 and 手机, the event by its title
    assert rec[normalise("姓名")] == "volunteer_id"
    assert rec[normalise("手机")] == "volunteer_id.mobile"
    assert rec[normalise("志愿者（身份证号）")] == "volunteer_id.id_number"
    assert rec[normalise("活动名称")] == "event_id"
    assert rec[normalise("时长")] == "hours"
    members = schema.import_headers(schema.table("team_members"))
    assert members[normalise("队伍名称")] == "team_id"
    assert members[normalise("队员姓名")] == "volunteer_id"
    events = schema.import_headers(schema.table("events"))
    assert events[normalise("名称")] == "title", "a table's own field wins over a derived name"
    assert schema.target_label(schema.table("service_records"), "volunteer_id.mobile") == (
        "志愿者（手机号）"
    )


def normalise(text: str) -> str:
    return schema.normalise_header(text)
