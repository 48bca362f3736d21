"""Arbitrary text in every text field of every table, on both backends: stored and read back
unchanged, or refused with a message naming the field; never an exception trace."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sltcore import demo
from sltcore.auth import SYSTEM
from sltcore.codec import row_from_frame
from sltcore.errors import ValidationError
from sltcore.schema import AUDIT_TABLE, TABLES, table
from sltcore.store.local import LocalStore
from tests.conftest import make_gsheets_store

TEXT_FIELDS = [
    (t.key, f.key)
    for t in TABLES
    if t.key != AUDIT_TABLE
    for f in t.user_fields
    if f.type in ("text", "longtext") and f.fmt is None
]
NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "=1+1",
            "＝1",
            "+1",
            "-1",
            "@a",
            "\t=1",
            "😀" * 50,
            "x" * 10_000,
            "\x00",
            "a\r\nb",
            "'",
            '"',
            "NULL",
            "None",
            "nan",
            "TRUE",
            "1e5",
            "0012",
            " a ",
        ]
    ),
)


def _one_row_per_table(store) -> dict[str, str]:
    """Append one valid row to every table; returns table -> that row's id."""
    data = demo.generate(volunteers=12, records=20, seed=3, until=dt.date(2026, 11, 29))
    data["certificates"] = [
        {
            "number": "F-1",
            "volunteer_id": data["volunteers"][0]["id"],
            "issued_on": dt.date(2026, 11, 1),
            "hours": 2,
            "issuer": "街道",
        }
    ]
    data["preferences"] = [{"username": "fuzz", "lang": "zh"}]
    ids = {}
    for key in [*demo.LOAD_ORDER, "certificates", "preferences"]:
        rows = store.append(key, data[key], SYSTEM)
        ids[key] = rows[0]["id"]
    return ids


@pytest.fixture(scope="module")
def local_store():
    with tempfile.TemporaryDirectory() as d:
        s = LocalStore(Path(d) / "fuzz.db")
        yield s, _one_row_per_table(s)
        s.close()


@pytest.fixture(scope="module")
def sheet_store(sheets_emulator):
    sheets_emulator.clear_faults()
    s = make_gsheets_store(sheets_emulator)
    return s, _one_row_per_table(s)


def _kept_or_refused(s, ids: dict[str, str], table_key: str, field_key: str, text: str) -> None:
    row_id = ids[table_key]
    current = s.get(table_key, row_id)
    f = table(table_key).field(field_key)
    try:
        new = s.update(table_key, row_id, {field_key: text}, current["version"], SYSTEM)
    except ValidationError as err:
        message = err.message("zh")
        assert f.zh in message or "已存在" in message, message
        assert s.get(table_key, row_id) == current, "a refused write changes nothing"
        return
    expected = None if not text.strip() else text  # blank means empty
    if f.required and not text.strip():
        pytest.fail(f"blank required {field_key} was accepted")
    assert new[field_key] == expected
    assert s.get(table_key, row_id)[field_key] == expected
    frame = s.read(table_key)
    back = row_from_frame(table(table_key), frame[frame["id"] == row_id].iloc[0].to_dict())
    assert back[field_key] == expected


@pytest.mark.parametrize(("table_key", "field_key"), TEXT_FIELDS)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=NASTY)
def test_local_text_is_kept_or_refused(local_store, table_key, field_key, text) -> None:
    _kept_or_refused(*local_store, table_key, field_key, text)


@pytest.mark.parametrize(("table_key", "field_key"), TEXT_FIELDS)
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=NASTY)
def test_sheet_text_is_kept_or_refused(sheet_store, table_key, field_key, text) -> None:
    _kept_or_refused(*sheet_store, table_key, field_key, text)
