"""What spreadsheets do to values people typed: numbers that lost digits, month-only dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sltcore import codec
from sltcore.codec import ParseError, parse_month, parse_value
from sltcore.identity import make_id_number
from sltcore.schema import table
from sltcore.validation import clean_field

VOL = table("volunteers")
ID, MOBILE = VOL.field("id_number"), VOL.field("mobile")
PHONE = table("communities").field("phone")


def test_an_id_number_excel_stored_as_a_number_is_refused_never_guessed() -> None:
    idn = make_id_number("110105", dt.date(1985, 3, 5), 7, "F")
    as_number = float(idn)  # what Excel keeps of it: 15 significant digits
    with pytest.raises(ParseError) as err:
        parse_value(ID, as_number)
    assert "后3位已经丢失" in err.value.zh and "文本" in err.value.zh
    assert "last 3" in err.value.en
    with pytest.raises(ParseError, match="scientific"):
        parse_value(ID, "1.10105E+17")  # the same column saved as CSV by Excel
    assert parse_value(ID, idn) == idn, "typed as text it is kept whole"


@given(st.integers(min_value=10**15, max_value=10**18 - 1))
def test_no_number_of_16_or_more_digits_becomes_an_id_number(n: int) -> None:
    for raw in (n, float(n)):
        _, why = clean_field(ID, raw)
        assert why is not None and "丢失" in why[0]


def test_phone_numbers_stored_as_numbers() -> None:
    assert parse_value(MOBILE, 13912345678.0) == "13912345678", "a mobile survives as a number"
    with pytest.raises(ParseError, match="leading 0"):
        parse_value(PHONE, 1065001234.0)  # 010-65001234 typed into a number cell
    with pytest.raises(ParseError):
        parse_value(MOBILE, 13912345678.5)


@pytest.mark.parametrize(
    ("raw", "month"),
    [("1985年3月", (1985, 3)), ("1985年03月", (1985, 3)), ("1985.03", (1985, 3)),
     ("1985-3", (1985, 3)), ("1985/12", (1985, 12)), ("198503", (1985, 3)), (1985.03, (1985, 3)),
     (1985.2, (1985, 2)), (1985.11, (1985, 11)), ("1985年3月5日", None), ("2013-03-05", None),
     (dt.date(1985, 3, 5), None), (31111, None), ("张三", None), ("1985年13月", None)],
)  # fmt: skip
def test_dates_given_to_the_month(raw, month) -> None:
    assert parse_month(raw) == month


def test_a_month_written_as_a_number_that_reads_two_ways_is_refused() -> None:
    with pytest.raises(ParseError) as err:
        parse_month(1985.1)  # typed 1985.1 (January) or 1985.10 (October)?
    assert "1985年10月" in err.value.zh


def test_dates_as_text_serials_and_eight_digit_numbers() -> None:
    date = VOL.field("birth_date")
    for raw in ("1985年3月5日", "1985-03-05", "1985/3/5", "1985.3.5", "19850305", 31111.0,
                19850305, dt.datetime(1985, 3, 5, 0, 0)):  # fmt: skip
        assert parse_value(date, raw) == dt.date(1985, 3, 5), raw
    with pytest.raises(ParseError):
        parse_value(date, 99999999)


def test_choices_answer_to_their_aliases() -> None:
    assert parse_value(VOL.field("sex"), "男性") == "M"
    assert parse_value(VOL.field("membership"), "居民") == "resident"
    assert parse_value(VOL.field("political_status"), "党员") == "party"
    assert codec.parse_choice(table("team_members").field("role"), "队员") == "member"
