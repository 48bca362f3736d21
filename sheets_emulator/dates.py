"""Dates typed into a sheet: USER_ENTERED parsing to serial numbers, and date number formats.

Google stores a date as a serial number (days since 1899-12-30, the time of day as the
fraction) plus a DATE / DATE_TIME number format that decides how it is shown. Documented:
the serial epoch, that USER_ENTERED parses "as if the user typed them into the UI", and the
format pattern tokens (yyyy, mm, d, h, ss, quoted literals). Not documented, so chosen here
and listed in the package docstring: which typed layouts the UI recognises, and the pattern
it then applies. The emulator recognises year-first dates (``2013-03-05``, ``2013/3/5``) in
every locale, ``2013年3月5日`` in zh/ja locales and ``3/5/2013`` in en_US, each optionally
followed by a 24-hour ``14:30`` or ``14:30:15``, and shows the value in the layout it was
typed in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

EPOCH = datetime(1899, 12, 30)
DATE_TYPES = ("DATE", "TIME", "DATE_TIME")


@dataclass(frozen=True)
class NumberFormat:
    """A cell's NumberFormat: ``type`` (DATE, DATE_TIME, ...) and its ``pattern``."""

    type: str
    pattern: str

    def to_json(self) -> dict[str, str]:
        """The NumberFormat resource."""
        return {"type": self.type, "pattern": self.pattern}

    @property
    def is_date(self) -> bool:
        """Date/time formats are what dateTimeRenderOption applies to."""
        return self.type in DATE_TYPES


_TIME = r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
_YEAR_FIRST = re.compile(
    rf"(?P<year>\d{{4}})(?P<sep>[-/])(?P<month>\d{{1,2}})(?P=sep)(?P<day>\d{{1,2}}){_TIME}"
)
_CJK = re.compile(rf"(?P<year>\d{{4}})年(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日{_TIME}")
_MONTH_FIRST = re.compile(rf"(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})/(?P<year>\d{{4}}){_TIME}")


def _layouts(locale: str) -> list[tuple[re.Pattern[str], str]]:
    """(regex, date pattern template) pairs recognised in ``locale``."""
    found = [(_YEAR_FIRST, "yyyy{sep}{m}{sep}{d}")]
    language = locale.split("_")[0].lower()
    if language in ("zh", "ja"):
        found.append((_CJK, 'yyyy"年"{m}"月"{d}"日"'))
    if locale == "en_US":
        found.append((_MONTH_FIRST, "{m}/{d}/yyyy"))
    return found


def serial(moment: datetime) -> int | float:
    """Days since 1899-12-30, the time of day as a fraction (1.0 -> 1)."""
    delta = moment - EPOCH
    value = delta.days + delta.seconds / 86400
    return int(value) if value == int(value) else value


def parse_date(text: str, locale: str) -> tuple[int | float, NumberFormat] | None:
    """A typed date or date-time -> (serial number, its number format); None if not a date."""
    for regex, template in _layouts(locale):
        m = regex.fullmatch(text)
        if m is None:
            continue
        try:
            day = date(int(m["year"]), int(m["month"]), int(m["day"]))
        except ValueError:
            return None  # 2013-02-30 stays text
        pattern = template.format(
            sep=m.groupdict().get("sep") or "",
            m="mm" if len(m["month"]) == 2 else "m",
            d="dd" if len(m["day"]) == 2 else "d",
        )
        moment = datetime(day.year, day.month, day.day)
        if m["hour"] is None:
            return serial(moment), NumberFormat("DATE", pattern)
        hour, minute, second = int(m["hour"]), int(m["minute"]), int(m["second"] or 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        pattern += " hh:mm" if len(m["hour"]) == 2 else " h:mm"
        if m["second"] is not None:
            pattern += ":ss"
        moment += timedelta(hours=hour, minutes=minute, seconds=second)
        return serial(moment), NumberFormat("DATE_TIME", pattern)
    return None


_TOKEN = re.compile(r'"[^"]*"|yyyy|yy|mm|m|dd|d|hh|h|ss|s|.', re.S)


def format_serial(value: float, pattern: str) -> str:
    """Render a serial number with a date/time pattern (the tokens above; others literal)."""
    moment = EPOCH + timedelta(seconds=round(value * 86400))
    tokens = _TOKEN.findall(pattern)
    out = []
    for i, token in enumerate(tokens):
        if token in ("m", "mm"):
            before = next((t for t in reversed(tokens[:i]) if t[0] in "hsdmy"), "")
            after = next((t for t in tokens[i + 1 :] if t[0] in "hsdmy"), "")
            minute = before.startswith("h") or after.startswith("s")
            number = moment.minute if minute else moment.month
            out.append(f"{number:02d}" if token == "mm" else str(number))
        elif token in ("yyyy", "yy"):
            out.append(f"{moment.year:04d}" if token == "yyyy" else f"{moment.year % 100:02d}")
        elif token in ("dd", "d", "hh", "h", "ss", "s"):
            number = {"d": moment.day, "h": moment.hour, "s": moment.second}[token[0]]
            out.append(f"{number:02d}" if len(token) == 2 else str(number))
        elif token.startswith('"'):
            out.append(token[1:-1])
        else:
            out.append(token)
    return "".join(out)
