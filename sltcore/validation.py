"""Schema-driven validation: one pass that every write goes through, whatever the backend.

Three layers: each field alone (type, required, format, range), each row alone (ID number
against birth date and sex, age and guardian consent, times in order), and the row against what
is stored (references exist and are live, at most 24 hours a day, no double attendance,
unique keys). Every problem names the row and the field in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from sltcore import clock, identity
from sltcore.codec import ParseError, parse_value
from sltcore.errors import Problem
from sltcore.schema import Field, Table, table

MAX_HOURS_PER_DAY = 24.0
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline are text; CR is not
# Direction overrides, embeddings, isolates and marks reorder what is shown: a printed
# certificate could show another name than the one stored. Refused in every text.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Zero-width and invisible characters make two names that look the same differ (a duplicate
# check misses them). Refused in one-line texts: names, titles, numbers.
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]")


class Lookup(Protocol):
    """What validation needs to know of the stored data; each backend answers it its own way."""

    def ref_status(self, table_key: str, ids: set[str]) -> dict[str, bool]:
        """id -> archived, for the ids that exist."""
        ...

    def day_hours(self, pairs: set[tuple[str, dt.date]], exclude: set[str]) -> dict:
        """(volunteer_id, date) -> hours already recorded in live rows not in `exclude`."""
        ...

    def attended(self, pairs: set[tuple[str, str]], exclude: set[str]) -> set[tuple[str, str]]:
        """The (volunteer_id, event_id) pairs among `pairs` with a live record not in `exclude`."""
        ...

    def taken(self, table_key: str, field: str, values: set, exclude: set[str]) -> set:
        """The values among `values` that a live row not in `exclude` already has."""
        ...

    def community_of(self, table_key: str, ids: set[str]) -> dict[str, str | None]:
        """id -> the row's community, for the ids that exist (a coordinator's scope)."""
        ...


def _p(t: Table, row: int | None, f: str | None, zh: str, en: str) -> Problem:
    return Problem(t.key, row, f, zh, en)


def _text_problem(f: Field, value: str) -> tuple[str, str] | None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return ("含有无法保存的字符", "contains characters that cannot be stored")
    if "\r" in value or _CONTROL.search(value):
        return ("含有不可见的控制字符，请删除后重试", "contains invisible control characters")
    if _BIDI.search(value) or (f.type != "longtext" and _INVISIBLE.search(value)):
        return (
            "含有看不见的方向控制或零宽字符（会让显示或打印出的文字与保存的不同），"
            "请删除后重新输入",
            "contains invisible direction-control or zero-width characters (what is shown or "
            "printed would differ from what is stored); retype it without them",
        )
    if "\n" in value and f.type not in ("longtext",):
        return ("不能换行（请写在一行内）", "must be on one line")
    if len(value) > f.text_limit:
        return (
            f"太长了：最多{f.text_limit}个字，现有{len(value)}个字",
            f"too long: at most {f.text_limit} characters, got {len(value)}",
        )
    return None


def clean_field(f: Field, raw: Any) -> tuple[Any, tuple[str, str] | None]:
    """(canonical value, None) or (None, (zh, en) reason)."""
    try:
        value = parse_value(f, raw)
    except ParseError as e:
        return None, (e.zh, e.en)
    if value is None or value == ():
        if f.required:
            return value, ("必填", "is required")
        return value, None
    if isinstance(value, str):
        if f.fmt in ("mobile", "phone"):
            value = identity.normalise_phone(value)
        elif f.fmt == "id_number":
            value = identity.normalise_id(value)
        if (why := _text_problem(f, value)) is not None:
            return None, why
        if f.required and not value.strip():
            return value, ("必填", "is required")
        if f.fmt == "mobile" and not identity.is_mobile(value):
            return None, ("手机号应为11位、以13至19开头", "a mobile number has 11 digits, 1[3-9]…")
        if f.fmt == "phone" and not identity.is_phone(value):
            return None, (
                "电话号码格式不对（手机11位，座机如010-65001234）",
                "not a phone number (mobile 11 digits, landline like 010-65001234)",
            )
        if f.fmt == "id_number" and (why := identity.id_problem(value)) is not None:
            return None, why
    if f.type == "tags":
        for tag in value:
            if (why := _text_problem(f, tag)) is not None:
                return None, why
    if f.type in ("int", "number"):
        if f.min is not None and value < f.min:
            return None, (f"不能小于{f.min:g}", f"must be at least {f.min:g}")
        if f.max is not None and value > f.max:
            return None, (f"不能大于{f.max:g}", f"must be at most {f.max:g}")
    if f.type == "date":
        if value.year < 1900 or value.year > 2100:
            return None, ("日期不在合理范围内", "the date is out of range")
        if f.past_only and value > clock.today():
            return None, ("不能晚于今天", "cannot be in the future")
    return value, None


def clean_row(t: Table, raw: Mapping[str, Any], row_no: int | None) -> tuple[dict, list[Problem]]:
    """Parse and check every user field of one row; unknown keys are refused, not dropped."""
    problems: list[Problem] = []
    unknown = [k for k in raw if k not in t.keys]
    if unknown:
        problems.append(
            _p(
                t,
                row_no,
                None,
                f"未知字段：{'、'.join(map(str, unknown))}",
                f"unknown fields: {', '.join(map(str, unknown))}",
            )
        )
    row: dict[str, Any] = {}
    for f in t.user_fields:
        value, why = clean_field(f, raw.get(f.key, f.default))
        row[f.key] = value
        if why is not None:
            problems.append(_p(t, row_no, f.key, *why))
    if not problems:
        problems.extend(row_rules(t, row, row_no))
    return row, problems


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def row_rules(t: Table, row: dict[str, Any], row_no: int | None) -> list[Problem]:
    """Rules across the fields of one row; may fill fields the ID number implies."""
    out: list[Problem] = []

    def p(f: str | None, zh: str, en: str) -> None:
        out.append(_p(t, row_no, f, zh, en))

    if t.key == "volunteers":
        idn = row.get("id_number")
        if idn:
            birth, sex = identity.id_birth_date(idn), identity.id_sex(idn)
            if row.get("birth_date") is None:
                row["birth_date"] = birth
            elif row["birth_date"] != birth:
                p(
                    "id_number",
                    f"与出生日期{row['birth_date']}不一致（身份证显示{birth}）",
                    f"does not match the birth date {row['birth_date']} (ID says {birth})",
                )
            if row.get("sex") and row["sex"] != sex:
                p("id_number", "与性别不一致", "does not match the sex")
        if row.get("birth_date"):
            on = row.get("registered_on") or clock.today()
            age = _age_on(row["birth_date"], on)
            # 《中国注册志愿者管理办法》第七条: 18+, or 14-17 with a guardian's consent.
            if age < 14:
                p(
                    "birth_date",
                    f"注册时仅{age}岁：志愿者须年满14周岁（管理办法第七条）",
                    f"aged {age} at registration: volunteers must be 14 or older (art. 7)",
                )
            elif age < 18 and not row.get("guardian_consent"):
                p(
                    "guardian_consent",
                    f"注册时{age}岁，14至17周岁须经监护人同意（管理办法第七条）",
                    f"aged {age}: ages 14-17 need a guardian's consent (art. 7)",
                )
    if t.key == "service_records" and row.get("hours") is not None and row["hours"] <= 0:
        p("hours", "服务时长必须大于0", "hours must be more than 0")
    # An end before the start is the next morning (a 22:00-06:00 patrol); equal times are not.
    if (
        t.key in ("events", "roster_shifts")
        and row.get("start_time")
        and row.get("start_time") == row.get("end_time")
    ):
        p("end_time", "结束时间不能等于开始时间", "must differ from the start time")
    for a, b in (
        ("started_on", "ended_on"),
        ("joined_on", "left_on"),
        ("period_from", "period_to"),
        ("start_date", "end_date"),
    ):
        if t.has(a) and t.has(b) and row.get(a) and row.get(b) and row[b] < row[a]:
            p(b, "不能早于开始日期", "cannot be before the start date")
    if t.key == "timebank_transactions" and row.get("points") is not None:
        kind, pts = row.get("kind"), row["points"]
        if kind == "deposit" and pts <= 0:
            p("points", "存入积分须为正数", "a deposit must be positive")
        if kind == "redeem" and pts >= 0:
            p("points", "兑换积分须为负数", "a redemption must be negative")
        if kind == "redeem" and not row.get("item_id"):
            p("item_id", "兑换须选择兑换项目", "a redemption needs an item")
    if t.key == "pairings" and not row.get("volunteer_id") and not row.get("team_id"):
        p("volunteer_id", "须选择结对的志愿者或结对队伍", "choose the volunteer or the team")
    if t.key == "donations" and not row.get("organisation_id") and not row.get("donor_name"):
        p("organisation_id", "须填写捐赠单位或捐赠人", "a donor organisation or person is required")
    if t.key == "donations" and row.get("kind") == "money" and not row.get("amount"):
        p("amount", "资金捐赠须填写金额（元）", "a cash donation needs its amount")
    if (
        t.key == "donations"
        and row.get("kind") in ("goods", "service")
        and not str(row.get("description") or "").strip()
    ):
        p("description", "物资或服务捐赠须写明捐赠内容", "say what was given")
    return out


def context_problems(
    t: Table,
    rows: list[tuple[int | None, dict[str, Any]]],
    lookup: Lookup,
    exclude: Iterable[str] = (),
    changed: Iterable[str] | None = None,
) -> list[Problem]:
    """Rules against stored data. `exclude` are the ids being rewritten (an update).

    `changed` limits the reference check to fields an update touched, so a row pointing at a
    since-archived volunteer can still have its notes edited.
    """
    excl = set(exclude)
    out: list[Problem] = []
    changed_set = set(changed) if changed is not None else None
    for f in t.user_fields:
        if f.type != "ref" or (changed_set is not None and f.key not in changed_set):
            continue
        ids = {r[f.key] for _, r in rows if r.get(f.key)}
        if not ids:
            continue
        status = lookup.ref_status(f.ref or "", ids)
        target = table(f.ref or "")
        for row_no, r in rows:
            ref = r.get(f.key)
            if not ref:
                continue
            if ref not in status:
                out.append(
                    _p(
                        t,
                        row_no,
                        f.key,
                        f"找不到{target.zh}“{ref}”",
                        f"{target.en} “{ref}” does not exist",
                    )
                )
            elif status[ref]:
                out.append(
                    _p(
                        t,
                        row_no,
                        f.key,
                        f"{target.zh}“{ref}”已归档，不能再使用",
                        f"{target.en} “{ref}” is archived and cannot be used",
                    )
                )
    for key in t.unique:
        values = [(n, r.get(key)) for n, r in rows if r.get(key) not in (None, "")]
        seen: dict[Any, int | None] = {}
        for n, v in values:
            if v in seen:
                out.append(
                    _p(
                        t,
                        n,
                        key,
                        f"与本批第{seen[v]}行重复：{v}",
                        f"duplicates row {seen[v]} of this batch: {v}",
                    )
                )
            seen[v] = n
        taken = lookup.taken(t.key, key, {v for _, v in values}, excl) if values else set()
        for n, v in values:
            if v in taken:
                out.append(_p(t, n, key, f"“{v}”已存在", f"“{v}” already exists"))
    if t.key == "service_records":
        out.extend(_service_record_rules(t, rows, lookup, excl))
    return out


def _service_record_rules(
    t: Table, rows: list[tuple[int | None, dict[str, Any]]], lookup: Lookup, excl: set[str]
) -> list[Problem]:
    out: list[Problem] = []
    # At most 24 hours per volunteer per day, counting what is stored.
    batch: dict[tuple[str, dt.date], float] = defaultdict(float)
    for _, r in rows:
        if r.get("volunteer_id") and r.get("date") and r.get("hours"):
            batch[(r["volunteer_id"], r["date"])] += float(r["hours"])
    stored = lookup.day_hours(set(batch), excl) if batch else {}
    reported: set[tuple[str, dt.date]] = set()
    for n, r in rows:
        key = (r.get("volunteer_id"), r.get("date"))
        if key not in batch or key in reported:
            continue
        total = batch[key] + float(stored.get(key, 0.0))
        if total > MAX_HOURS_PER_DAY + 1e-9:
            reported.add(key)
            before = float(stored.get(key, 0.0))
            out.append(
                _p(
                    t,
                    n,
                    "hours",
                    f"该志愿者{key[1]}已记录{before:g}小时，加上本次共{total:g}小时，超过每天24小时",
                    f"this volunteer already has {before:g} h on {key[1]}; with this entry "
                    f"{total:g} h, over 24 hours a day",
                )
            )
    # One volunteer once per event.
    pairs: dict[tuple[str, str], int | None] = {}
    for n, r in rows:
        if r.get("event_id") and r.get("volunteer_id"):
            pair = (r["volunteer_id"], r["event_id"])
            if pair in pairs:
                out.append(
                    _p(
                        t,
                        n,
                        "volunteer_id",
                        f"与本批第{pairs[pair]}行是同一志愿者、同一活动",
                        f"same volunteer and event as row {pairs[pair]} of this batch",
                    )
                )
            pairs[pair] = n
    already = lookup.attended(set(pairs), excl) if pairs else set()
    for pair, n in pairs.items():
        if pair in already:
            out.append(
                _p(
                    t,
                    n,
                    "volunteer_id",
                    "该志愿者已有这次活动的服务记录",
                    "this volunteer already has a record for this event",
                )
            )
    return out
