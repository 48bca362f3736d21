"""Mainland ID numbers and phone numbers: checks and masks.

ID numbers follow GB 11643-1999: 6-digit area, 8-digit birth date, 3-digit sequence whose last
digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# Landlines: optional 0-prefixed area code (3-4 digits), 7-8 digit number, optional extension.
LANDLINE_RE = re.compile(r"^(0[0-9]{2,3}-?)?[2-9][0-9]{6,7}(-[0-9]{1,6})?$")
_DASHES = str.maketrans({"－": "-", "—": "-", "–": "-", "‐": "-", "‑": "-", "−": "-"})


def ascii_digits(raw: str) -> str:
    """Full-width digits, letters and signs (１３８, Ｘ, ＋) as their ASCII forms (NFKC), so a
    number typed on a Chinese keyboard is stored, compared and found like any other."""
    return unicodedata.normalize("NFKC", raw).translate(_DASHES)


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalise_id(raw: str) -> str:
    return ascii_digits(raw).strip().replace(" ", "").upper()


def id_problem(raw: str) -> tuple[str, str] | None:
    """Why `raw` is not a valid 18-digit ID number (zh, en), or None when it is."""
    s = normalise_id(raw)
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        return (
            "身份证号应为18位（最后一位可为X）",
            "an ID number has 18 characters (last may be X)",
        )
    try:
        birth = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return ("身份证号中的出生日期无效", "the birth date inside the ID number is not a date")
    if birth.year < 1900:
        return ("身份证号中的出生日期无效", "the birth date inside the ID number is not a date")
    if check_digit(s[:17]) != s[17]:
        return (
            "身份证号校验位不正确，请核对",
            "the ID number's check digit is wrong; please check it",
        )
    return None


def id_birth_date(s: str) -> dt.date:
    s = normalise_id(s)
    return dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def id_sex(s: str) -> str:
    """'M' or 'F' from the sequence digit (odd = male)."""
    return "M" if int(normalise_id(s)[16]) % 2 == 1 else "F"


def make_id_number(area: str, birth: dt.date, seq: int, sex: str) -> str:
    """A valid ID number for generated sample people (never a real person's)."""
    seq = seq % 500 * 2 + (1 if sex == "M" else 0)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + check_digit(body)


def normalise_phone(raw: str) -> str:
    s = ascii_digits(raw).strip().replace(" ", "")
    if s.startswith("+86"):
        s = s[3:].lstrip("-")
    return s


def is_mobile(raw: str) -> bool:
    return bool(MOBILE_RE.match(normalise_phone(raw)))


def is_phone(raw: str) -> bool:
    s = normalise_phone(raw)
    return bool(MOBILE_RE.match(s) or LANDLINE_RE.match(s))


def mask_id(value: object) -> str:
    """`110105********1234`: area code and last four stay, for recognising a person."""
    s = "" if value is None else str(value)
    if len(s) < 10:
        return "*" * len(s)
    return s[:6] + "*" * (len(s) - 10) + s[-4:]


def mask_phone(value: object) -> str:
    """`138****5678` for mobiles; landlines keep the area code and last four."""
    s = "" if value is None else str(value)
    if len(s) == 11 and s.isdigit():
        return s[:3] + "****" + s[-4:]
    if len(s) <= 4:
        return "*" * len(s)
    return s[: max(0, len(s) - 8)] + "****" + s[-4:]


def mask_address(value: object) -> str:
    s = "" if value is None else str(value)
    return s[:6] + "…" if len(s) > 6 else s
