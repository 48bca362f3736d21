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
from typing import Any

import pandas as pd

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
        if text in (c.key, c.zh, c.en) or text.casefold() == c.en.casefold():
            return c.key
    allowed = "、".join(c.zh for c in f.choices)
    raise ParseError(
        f"“{text[:20]}”不在可选范围内（可选：{allowed}）",
        f"“{text[:20]}” is not one of: {', '.join(c.en for c in f.choices)}",
    )


def parse_value(f: Field, raw: Any) -> Any:
    """Turn whatever a person, a form, a sheet or a file gave into the canonical value."""
    if _is_blank(raw):
        return () if f.type == "tags" else None
    match f.type:
        case "text" | "longtext" | "ref":
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
