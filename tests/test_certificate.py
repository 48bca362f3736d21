"""志愿服务记录证明: the PDF's text as a reader extracts it, and a register whose numbers are
issued once, also when two sessions issue at the same moment."""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing as mp
import shutil
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import DeskError, PermissionDenied
from sltcore.exports import certificate
from sltcore.store import archive
from sltcore.store.local import LocalStore
from tests.helpers import TxSpy
from tests.test_analytics import TODAY, build_fixed

D = dt.date


@pytest.fixture(scope="module")
def fixed_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("cert") / "fixed.db"
    s, ids = build_fixed(path)
    s._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path, ids


@pytest.fixture
def fixed(fixed_db, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(fixed_db[0], path)
    s = LocalStore(path)
    yield s, fixed_db[1]
    s.close()


def _issue(s, ids, **kw):
    args = {"issuer": "三里屯街道志愿服务分中心", "issuer_head": "王主任", "officer": "李经办",
            "contact_phone": "010-64160000"}  # fmt: skip
    args.update(kw)
    return certificate.issue(s, SYSTEM, ids["v1"], D(2026, 1, 1), D(2026, 11, 29), **args)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_certificate_pdf_has_every_field(fixed):
    s, ids = fixed
    row = _issue(s, ids)
    assert row["number"] == "SLT-2026-0001"
    assert row["hours"] == 8.5  # r6 1.0 + r5 2.5 + r2 2.0 + r1 3.0; r9 is not confirmed
    volunteer = s.get("volunteers", ids["v1"])
    pdf = certificate.render_pdf(row, volunteer)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    masked = volunteer["id_number"][:6] + "********" + volunteer["id_number"][-4:]
    for expected in (
        "志愿服务记录证明", "甲一", "居民身份证", masked, "BV0001", "8.5", "小时",
        "三里屯街道志愿服务分中心", "王主任", "李经办", "010-64160000", "SLT-2026-0001",
        "2026年11月29日", "2026年1月1日", "民发〔2015〕149号", "绿色环保1次", "治安维护1次",
    ):  # fmt: skip
        assert expected in text, expected
    assert volunteer["id_number"] not in text  # never the full ID number


def test_numbers_follow_each_other_and_are_never_reused(fixed):
    s, ids = fixed
    first = _issue(s, ids)
    second = _issue(s, ids)
    assert (first["number"], second["number"]) == ("SLT-2026-0001", "SLT-2026-0002")
    archive(s, "certificates", second["id"], second["version"], SYSTEM)
    assert _issue(s, ids)["number"] == "SLT-2026-0003"  # an archived number stays used
    assert _issue(s, ids, issued_on=D(2025, 12, 31))["number"] == "SLT-2025-0001"
    register = certificate.register_frame(s.read_all())
    assert list(register["number"]) == ["SLT-2026-0003", "SLT-2026-0001", "SLT-2025-0001"]


def test_the_number_is_decided_inside_the_transaction(fixed):
    """Run again by the backend (another process wrote in between), the issue still takes the
    next number of the register as the transaction sees it, and stores one certificate."""
    s, ids = fixed
    _issue(s, ids)
    spy = TxSpy(s, reruns=2)
    row = certificate.issue(spy, SYSTEM, ids["v1"], D(2026, 1, 1), D(2026, 11, 29), "三里屯街道")
    assert row["number"] == "SLT-2026-0002"
    assert spy.transactions == [[("append", "certificates")]]
    assert sorted(s.read("certificates")["number"]) == ["SLT-2026-0001", "SLT-2026-0002"]


ISSUES_PER_PROCESS = 6


def _issuing_process(path: str, volunteer_id: str, start, out) -> None:
    """Another OS process, with its own LocalStore (own connection) on the same file."""
    own = LocalStore(path)
    data = own.read_all()
    start.wait()
    try:
        for _ in range(ISSUES_PER_PROCESS):
            try:
                row = certificate.issue(
                    own, SYSTEM, volunteer_id, D(2026, 1, 1), D(2026, 11, 29), "三里屯", data=data
                )
                out.put(row["number"])
            except Exception as err:  # reported by the test, not lost in the child
                out.put(f"{type(err).__name__}: {err}")
    finally:
        own.close()


def test_two_processes_issuing_at_once_get_distinct_numbers(fixed):
    s, ids = fixed
    ctx = mp.get_context("spawn")
    start, out = ctx.Barrier(2), ctx.Queue()
    procs = [
        ctx.Process(target=_issuing_process, args=(str(s.path), ids["v1"], start, out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    numbers = [out.get(timeout=120) for _ in range(2 * ISSUES_PER_PROCESS)]
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    expected = [f"SLT-2026-{i:04d}" for i in range(1, 2 * ISSUES_PER_PROCESS + 1)]
    assert sorted(numbers) == expected
    assert sorted(s.read("certificates")["number"]) == expected


def test_two_sessions_issuing_at_once_get_distinct_numbers(fixed):
    s, ids = fixed
    path = s.path
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def session() -> None:
        own = LocalStore(path)  # its own connection, as another process would have
        try:
            start.wait()
            for _ in range(6):
                numbers.append(_issue(own, ids)["number"])
        except BaseException as err:  # reported below
            errors.append(err)
        finally:
            own.close()

    threads = [threading.Thread(target=session) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"SLT-2026-{i:04d}" for i in range(1, 13)]


def test_refusals(fixed):
    s, ids = fixed
    with pytest.raises(PermissionDenied):
        certificate.issue(s, Actor("leader", "viewer"), ids["v1"], D(2026, 1, 1), TODAY,
                          "三里屯街道")  # fmt: skip
    with pytest.raises(DeskError):
        certificate.issue(s, SYSTEM, ids["v6"], D(2026, 1, 1), TODAY, "三里屯街道")  # archived


def test_summary_of_a_volunteer_without_records(fixed):
    s, ids = fixed
    summary = certificate.service_summary(s.read_all(), ids["v2"], D(2020, 1, 1), D(2020, 12, 31))
    assert (summary.hours, summary.records, summary.content) == (0.0, 0, "")
    row = certificate.issue(s, SYSTEM, ids["v2"], D(2020, 1, 1), D(2020, 12, 31), "三里屯街道")
    text = _text(certificate.render_pdf(row, s.get("volunteers", ids["v2"])))
    assert "0 小时" in text and "乙二" in text
