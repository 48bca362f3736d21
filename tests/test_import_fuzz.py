"""Arbitrary cells under a register's header: every row is imported, or refused with its row
and a column of the file; never a traceback, never a half-written batch."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from sltcore import demo
from sltcore.auth import SYSTEM
from sltcore.services import imports
from sltcore.services.import_files import read_file
from sltcore.store.local import LocalStore
from tests import import_fixtures as fx
from tests.helpers import dump

HEADER = ["姓名", "性别", "出生年月", "身份证号码", "联系电话", "所属社区", "志愿者类型", "备注"]
GOOD = fx.people(1)[0]
SAMPLES = ["=1+1", "＝SUM(A1)", "@x", "合计", "注：以上", "1985年13月", "1985.1", "1.10105E+17",
           "幸福一村社区", "男性", "党员", "13912345678", GOOD.id_number, "2026年2月30日",
           "x" * 300, "😀", "\t", "  "]  # fmt: skip
CELL = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 1, 1)),
    st.booleans(),
    st.sampled_from(SAMPLES),
)
ROW = st.lists(CELL, min_size=len(HEADER), max_size=len(HEADER))


def _xlsx(rows: list[list]) -> bytes | None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["三里屯街道志愿者登记表"])
    ws.append(HEADER)
    try:
        for r in rows:
            ws.append(r)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    except (IllegalCharacterError, ValueError):
        return None  # openpyxl itself cannot write it: no file can hold it
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=6), skip=st.booleans())
def test_any_cells_are_imported_or_refused_by_row_and_column(rows, skip):
    data = _xlsx(rows)
    if data is None:
        return
    with tempfile.TemporaryDirectory() as d:
        store = LocalStore(Path(d) / "fuzz.db")
        demo.load_reference(store)
        settings_ = imports.Settings("volunteers", defaults={"registered_on": "2026-11-01"})
        prepared = imports.prepare(read_file(data, "fuzz.xlsx"), settings_)
        letters = {c.letter: c.header for c in prepared.columns if c.target}
        preview = imports.preview(store, prepared, SYSTEM)
        numbers = {r.row for r in preview.rows} | {r.row for r in preview.skipped}
        assert numbers <= set(range(3, 3 + len(rows)))
        for r in preview.rows:
            assert r.status in ("ok", "refused", "duplicate")
            if r.status == "refused":
                assert r.problems, r
            for p in r.problems:
                assert p.row == r.row
                assert p.column is None or letters.get(p.column) == p.header, p
                assert p.zh and p.en and p.message("zh").startswith(f"第{r.row}行")
        before = dump(store)
        result = imports.run(store, prepared, SYSTEM, skip_invalid=skip)
        stored = store.read("volunteers")
        if result.committed:
            assert len(stored) == len(result.accepted) > 0
            assert skip or not result.refused
        else:
            assert dump(store) == before, "refused: nothing of the batch was written"
        assert {r.row for r in result.accepted} == {r.row for r in preview.accepted}
        store.close()
