"""Values between the forms of the desk: what people type, what is stored, what frames hold.

One place knows that `2013年3月5日`, `2013/3/5` and a sheet serial number are the same date, so
forms, imports and both backends agree. Canonical values in rows: str, int, float, bool,
`datetime.date`, `datetime.time`, `datetime.datetime`, tuples of str for tags, or None.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from sltcore import identity
from sltcore.schema import Field, Table

TAG_SEP = "、"
_TAG_SPLIT = re.compile(r"[、,，;；/|\n]+")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_SHEETS_EPOCH = dt.date(1899, 12, 30)  # serial day 0 in Google Sheets and Excel
MAX_NUMBER = 10**15  # well inside SQLite's INTEGER and a float's exact integers
TRUE_WORDS = {"true", "1", "yes", "y", "是", "有", "√", "✓", "已同意", "同意"}
FALSE_WORDS = {"false", "0", "no", "n", "否", "无", "×", "", "不同意"}


class ParseError(ValueError):
    """A value of the wrong shape; carries a bilingual reason."""

    def __init__(self, zh: str, en: str) -> None:
        self.zh, self.en = zh, en
        super().__init__(en)


def _is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if raw is pd.NaT:
        return True
    try:
        if pd.isna(raw) is True:
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(raw, str) and raw.strip() == ""


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, pd.Timestamp):
        return raw.date()
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 200000:  # a sheet serial number
            return _SHEETS_EPOCH + dt.timedelta(days=int(raw))
        if float(raw).is_integer() and 19000101 <= raw <= 21001231:
            return parse_date(str(int(raw)))  # 19850305 typed as a number
        raise ParseError("不是有效的日期", "not a valid date")
    text = str(raw).strip()
    text = text.split("T")[0].split(" ")[0] if re.match(r"^\d{4}-\d{2}-\d{2}[T ]", text) else text
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise ParseError(
        f"“{text[:20]}”不是有效的日期（例如 2026-03-05 或 2026年3月5日）",
        f"“{text[:20]}” is not a date (e.g. 2026-03-05)",
    )


_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月?$"),
    re.compile(r"^(\d{4})\s*[-/.]\s*(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})$"),
)


def parse_month(raw: Any) -> tuple[int, int] | None:
    """(year, month) for a date given to the month only (`1985年3月`, `1985.03`, `1985-3`),
    as office sheets write a birth date under 出生年月; None for anything else.

    The number 1985.1 is refused: typed as 1985.10 (October) it reads the same.
    """
    if isinstance(raw, bool | dt.date):
        return None
    if isinstance(raw, int | float):
        if not 1900 <= raw < 2101 or float(raw).is_integer():
            return None
        cents = round((float(raw) - int(raw)) * 100, 6)
        if cents != int(cents):
            return None
        if cents in (20, 30, 40, 50, 60, 70, 80, 90):
            cents //= 10  # 1985.2: February (1985.20 is no month)
        if not 1 <= cents <= 12:
            return None
        if cents == 10:
            raise ParseError(
                f"“{raw}”分不清是几月（1985.1 和 1985.10 在表格里是同一个数）："
                "请写成 1985年10月 这样的文字",
                f"“{raw}” is ambiguous (1985.1 and 1985.10 are the same number): "
                "write it as text, e.g. 1985-10",
            )
        return int(raw), int(cents)
    text = str(raw).strip()
    for pat in _MONTH_PATTERNS:
        m = pat.match(text)
        if m and 1 <= int(m[2]) <= 12:
            return int(m[1]), int(m[2])
    return None


def parse_time(raw: Any) -> dt.time:
    if isinstance(raw, dt.datetime):
        return raw.time().replace(second=0, microsecond=0)
    if isinstance(raw, dt.time):
        return raw.replace(second=0, microsecond=0)
    if isinstance(raw, float) and 0 <= raw < 1:  # a sheet time fraction
        minutes = round(raw * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    text = str(raw).strip().replace("：", ":")
    m = re.fullmatch(r"(\d{1,2})(?::|时|点)(\d{1,2})?(?::\d{1,2})?分?", text)
    if m:
        try:
            return dt.time(int(m[1]), int(m[2] or 0))
        except ValueError:
            pass
    raise ParseError(
        f"“{text[:20]}”不是有效的时间（例如 09:30）", f"“{text[:20]}” is not a time (e.g. 09:30)"
    )


def parse_datetime(raw: Any) -> dt.datetime:
    if isinstance(raw, dt.datetime):
        return raw.replace(microsecond=0, tzinfo=None)
    if isinstance(raw, pd.Timestamp):
        return raw.to_pydatetime().replace(microsecond=0, tzinfo=None)
    if isinstance(raw, dt.date):
        return dt.datetime.combine(raw, dt.time())
    text = str(raw).strip()
    try:
        return dt.datetime.fromisoformat(text.replace("/", "-")).replace(microsecond=0, tzinfo=None)
    except ValueError:
        pass
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not 1 <= raw < 200000:  # only a sheet serial number is a number here
            raise ParseError("不是有效的日期时间", "not a valid date and time")
        return dt.datetime.combine(_SHEETS_EPOCH, dt.time()) + dt.timedelta(days=float(raw))
    parts = text.split()
    if len(parts) == 2:
        return dt.datetime.combine(parse_date(parts[0]), parse_time(parts[1]))
    return dt.datetime.combine(parse_date(text), dt.time())


def _parse_number(raw: Any, integer: bool) -> int | float:
    if isinstance(raw, bool):
        raise ParseError("不是数字", "not a number")
    if isinstance(raw, int | float):
        value = raw
    else:
        text = str(raw).strip().replace(" ", "").replace("，", ",")
        text = text.removesuffix("小时").removesuffix("元").removesuffix("人")
        text = text.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
        if "," in text:
            # 1,234.5 is a thousands separator; 1,5 is a European decimal comma: ask.
            if not re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
                raise ParseError(
                    f"“{str(raw)[:20]}”看不懂：小数点请用“.”（例如 1.5）",
                    f"“{str(raw)[:20]}” is unclear: use a dot for decimals (e.g. 1.5)",
                )
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            raise ParseError(
                f"“{str(raw)[:20]}”不是数字", f"“{str(raw)[:20]}” is not a number"
            ) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ParseError("不是有效的数字", "not a finite number")
    if abs(value) >= MAX_NUMBER:
        raise ParseError("数字太大了", "the number is too large")
    if integer:
        if float(value) != int(value):
            raise ParseError("须为整数", "must be a whole number")
        return int(value)
    return float(value)


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        return bool(raw)
    text = str(raw).strip().casefold()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ParseError(f"“{str(raw)[:20]}”应为“是”或“否”", f"“{str(raw)[:20]}” should be yes or no")


def parse_tags(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, list | tuple | set):
        items: Iterable[Any] = raw
    else:
        items = _TAG_SPLIT.split(str(raw))
    out: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in out:
            out.append(text)
    return tuple(out)


def parse_choice(f: Field, raw: Any) -> str:
    text = str(raw).strip()
    for c in f.choices:
        if text in (c.key, c.zh, c.en, *c.aliases) or text.casefold() == c.en.casefold():
            return c.key
    allowed = "、".join(c.zh for c in f.choices)
    raise ParseError(
        f"“{text[:20]}”不在可选范围内（可选：{allowed}）",
        f"“{text[:20]}” is not one of: {', '.join(c.en for c in f.choices)}",
    )


_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
EXACT_DIGITS = 15  # Excel keeps 15 significant digits of a number: an 18-digit ID loses 3


_FIX_ZH = "请把这一列设为“文本”格式，按原始资料重新输入后再导入"
_FIX_EN = "format the column as Text, type the numbers again from the source, then import"
_ZEROS_LOST = re.compile(rf"[0-9]{{{EXACT_DIGITS}}}000")


def lost_digits_text(f: Field, raw: Any) -> tuple[str, str] | None:
    """(zh, en) when an ID number arrives in a FILE as text of 18 digits ending in 000: what a
    number cell keeps of an ID (15 digits, then zeros) once the sheet is saved as CSV or the
    column is turned into text afterwards. About one in eleven of them still passes the check
    digit, so an import refuses them all; a form, where a person types the number from the
    card, does not (a real ID may end in 000)."""
    if f.fmt != "id_number" or not isinstance(raw, str):
        return None
    value = identity.normalise_id(raw)
    if not _ZEROS_LOST.fullmatch(value):
        return None
    return (
        f"身份证号以000结尾（读到的是{value}），很可能在表格里被存成过数字，只保留了前15位，"
        f"后3位已经丢失：{_FIX_ZH}（如证件上的号码确实以000结尾，请在志愿者页面录入）",
        f"the ID number ends in 000 (read {value}): it seems to have been stored as a number, "
        f"which keeps 15 digits, and lost its last 3: {_FIX_EN} (if the card's number really "
        "ends in 000, enter it on the Volunteers page)",
    )


def _check_number_text(f: Field, raw: Any) -> None:
    """Refuse an ID or phone number a spreadsheet turned into a number and damaged: an ID
    number keeps only 15 digits, a landline loses its leading 0, `1.10105E+17` is shown for
    an ID in a CSV. The digits that were lost cannot be guessed, so the value is refused.
    (An ID that lost its digits and then became text again: `lost_digits_text`, imports.)"""
    what_zh, what_en = ("身份证号", "ID number") if f.fmt == "id_number" else ("电话号码", "phone")
    fix_zh, fix_en = _FIX_ZH, _FIX_EN
    if isinstance(raw, str) and _SCIENTIFIC.match(raw.strip()):
        raise ParseError(
            f"{what_zh}显示成了科学计数法“{raw.strip()}”，后面的数字已经丢失：{fix_zh}",
            f"the {what_en} reads as scientific notation “{raw.strip()}”, its last digits are "
            f"lost: {fix_en}",
        )
    if not isinstance(raw, int | float) or isinstance(raw, bool):
        return
    if not float(raw).is_integer():
        raise ParseError(f"{what_zh}不能是小数", f"the {what_en} cannot have decimals")
    digits = str(abs(int(raw)))
    if f.fmt == "id_number" and len(digits) > EXACT_DIGITS:
        # as the spreadsheet shows it (15 digits, then zeros), not the float's binary tail
        shown = int(Decimal(f"{raw:.{EXACT_DIGITS}g}"))
        raise ParseError(
            f"身份证号在表格里被存成了数字，只保留了前15位，"
            f"后{len(digits) - EXACT_DIGITS}位已经丢失（读到的是{shown}）：{fix_zh}",
            f"the ID number was stored as a number, which keeps 15 digits: the last "
            f"{len(digits) - EXACT_DIGITS} are lost (read {shown}): {fix_en}",
        )
    mobile_or_local = (len(digits) == 11 and digits.startswith("1")) or len(digits) in (7, 8)
    if f.fmt == "phone" and not mobile_or_local:  # 010-65001234 became 1065001234
        raise ParseError(
            f"电话号码被存成了数字，开头的0已经丢失（读到的是{digits}）：{fix_zh}",
            f"the phone number was stored as a number and lost its leading 0 (read {digits}): "
            f"{fix_en}",
        )


def parse_value(f: Field, raw: Any) -> Any:
    """Turn whatever a person, a form, a sheet or a file gave into the canonical value."""
    if _is_blank(raw):
        return () if f.type == "tags" else None
    match f.type:
        case "text" | "longtext" | "ref":
            if f.fmt in ("id_number", "mobile", "phone"):
                _check_number_text(f, raw)
            if isinstance(raw, float) and raw.is_integer() and f.type != "longtext":
                return str(int(raw))  # a sheet turned "1001" into 1001.0
            return raw if isinstance(raw, str) else str(raw)
        case "int":
            return _parse_number(raw, integer=True)
        case "number":
            return _parse_number(raw, integer=False)
        case "date":
            return parse_date(raw)
        case "time":
            return parse_time(raw)
        case "datetime":
            return parse_datetime(raw)
        case "bool":
            return parse_bool(raw)
        case "choice":
            return parse_choice(f, raw)
        case "tags":
            return parse_tags(raw)
    raise AssertionError(f.type)


def to_text(f: Field, value: Any) -> str:
    """The canonical text of a value: what a sheet cell or a CSV file holds."""
    if value is None or value == ():
        return ""
    match f.type:
        case "date":
            return value.isoformat()
        case "time":
            return value.strftime("%H:%M")
        case "datetime":
            return value.strftime("%Y-%m-%d %H:%M:%S")
        case "bool":
            return "TRUE" if value else "FALSE"
        case "tags":
            return TAG_SEP.join(value)
        case "number":
            return (
                repr(float(value)).removesuffix(".0") if float(value).is_integer() else repr(value)
            )
    return str(value)


def to_sql(f: Field, value: Any) -> Any:
    """SQLite keeps numbers and booleans as numbers, everything else as its canonical text."""
    if value is None or value == ():
        return None
    if f.type in ("int", "number"):
        return value
    if f.type == "bool":
        return 1 if value else 0
    return to_text(f, value)


def from_sql(f: Field, value: Any) -> Any:
    if value is None:
        return () if f.type == "tags" else None
    match f.type:
        case "date":
            return dt.date.fromisoformat(value)
        case "time":
            return dt.time.fromisoformat(value)
        case "datetime":
            return dt.datetime.fromisoformat(value)
        case "bool":
            return bool(value)
        case "tags":
            return tuple(value.split(TAG_SEP)) if value else ()
        case "int":
            return int(value)
        case "number":
            return float(value)
    return value


# --- typed frames --------------------------------------------------------------------------


def _column(f: Field, values: list[Any]) -> pd.Series:
    match f.type:
        case "int":
            return pd.Series(values, dtype="Int64")
        case "number":
            return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
        case "bool":
            return pd.Series([bool(v) if v is not None else False for v in values], dtype=bool)
        case "date" | "datetime":
            return pd.to_datetime(pd.Series(values, dtype=object), errors="coerce").astype(
                "datetime64[us]"
            )
        case "tags":
            return pd.Series(
                [TAG_SEP.join(v) if isinstance(v, tuple) else (v or None) for v in values],
                dtype="str",
            )
        case "time":
            return pd.Series(
                [v.strftime("%H:%M") if isinstance(v, dt.time) else v for v in values], dtype="str"
            )
    return pd.Series(values, dtype="str")


def frame(t: Table, columns: Mapping[str, list[Any]]) -> pd.DataFrame:
    """A typed frame for `t` from column lists of canonical (or SQL) values.

    Dates become datetime64 so analytics can filter by period; text stays str; missing values
    are NaN/NA. Every schema field is a column even when the store has none of it yet.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    data = {}
    for f in t.fields:
        values = columns.get(f.key)
        data[f.key] = _column(f, list(values) if values is not None else [None] * n)
    return pd.DataFrame(data)


def empty_frame(t: Table) -> pd.DataFrame:
    return frame(t, {f.key: [] for f in t.fields})


def column_values(f: Field, values: Iterable[Any]) -> list[Any]:
    """Canonical values of a frame column, fast (no parsing of text): dates as `date`,
    datetimes as `datetime`, blanks as None (or () for tags)."""
    out: list[Any] = []
    for v in values:
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            out.append(() if f.type == "tags" else None)
        elif f.type == "date" and isinstance(v, dt.datetime):  # a Timestamp is a datetime
            out.append(v.date())
        elif f.type == "datetime" and isinstance(v, pd.Timestamp):
            out.append(v.to_pydatetime())
        elif f.type == "number":
            out.append(float(v))
        elif f.type == "int":
            out.append(int(v))
        elif f.type == "bool":
            out.append(bool(v))
        elif f.type == "tags":
            out.append(parse_tags(v))
        elif f.type == "time" and isinstance(v, str):
            out.append(parse_time(v))
        else:
            out.append(str(v))
    return out


def frame_rows(t: Table, df: pd.DataFrame, fields: Iterable[str] | None = None) -> list[dict]:
    """The canonical rows of a typed frame (every field, or `fields`), column by column."""
    keys = list(fields) if fields is not None else [f.key for f in t.fields]
    cols = [column_values(t.field(k), df[k]) for k in keys]
    return [dict(zip(keys, values, strict=True)) for values in zip(*cols, strict=True)]


def row_from_frame(t: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """Canonical values back from one frame row (used by edit forms and the gsheets cache)."""
    out: dict[str, Any] = {}
    for f in t.fields:
        raw = row.get(f.key)
        try:
            out[f.key] = parse_value(f, raw)
        except ParseError:
            out[f.key] = None
    return out
