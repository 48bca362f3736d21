"""Arbitrary text in every text field: stored and read back unchanged, or refused clearly."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sltcore.auth import SYSTEM
from sltcore.codec import row_from_frame
from sltcore.errors import ValidationError
from sltcore.schema import TABLES, table
from sltcore.store.local import LocalStore
from tests.helpers import community, volunteer

TEXT_FIELDS = [
    (t.key, f.key)
    for t in TABLES
    if t.key in ("volunteers", "communities")
    for f in t.user_fields
    if f.type in ("text", "longtext") and f.fmt is None
]
NASTY = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(["=1+1", "＝1", "+1", "-1", "@a", "\t=1", "😀" * 50, "x" * 10_000, "\x00",
                     "a\r\nb", "'", '"', "NULL", "None", "nan", "TRUE", "1e5", "0012"]),
)  # fmt: skip


@pytest.fixture(scope="module")
def fuzz_store():
    with tempfile.TemporaryDirectory() as d:
        s = LocalStore(Path(d) / "fuzz.db")
        c = community(s)
        v = volunteer(s, c["id"])
        yield s, {"communities": c["id"], "volunteers": v["id"]}
        s.close()


@pytest.mark.parametrize(("table_key", "field_key"), TEXT_FIELDS)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=NASTY)
def test_text_is_kept_or_refused(fuzz_store, table_key: str, field_key: str, text: str) -> None:
    s, ids = fuzz_store
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
