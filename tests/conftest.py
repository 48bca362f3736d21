"""Shared fixtures. Today is pinned so dates in tests and sample data never drift."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ["SLT_TODAY"] = "2026-11-29"
# Streamlit's script runner (AppTest) installs the page it runs as sys.modules["__main__"];
# a process spawned after that would run the page on start-up instead of its target.
_MAIN = sys.modules["__main__"]
os.environ.setdefault("SLT_BACKEND", "local")
ROOT = Path(__file__).resolve().parents[1]
DEMO_SIZE = {"volunteers": 300, "records": 3000}


@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest runs app.py as the `__main__` module and leaves it there; a process spawned
    afterwards (the multi-process tests) would then run app.py bare before its work and die.
    Every test ends with pytest's own `__main__` back in place."""
    yield
    sys.modules["__main__"] = _MAIN


@pytest.fixture
def store(tmp_path: Path):
    """An empty local store on a real SQLite file."""
    from sltcore.store.local import LocalStore

    s = LocalStore(tmp_path / "test.db")
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample-data SQLite file built once; copy it before writing to it."""
    from sltcore import demo
    from sltcore.store.local import LocalStore

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    s = LocalStore(path)
    demo.load_demo(s, **DEMO_SIZE)
    s._conn().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    return path


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path):
    """A private, writable copy of the sample data."""
    from sltcore.store.local import LocalStore

    path = tmp_path / "demo-copy.db"
    shutil.copy(demo_db, path)
    s = LocalStore(path)
    yield s
    s.close()


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the app (AppTest) at a fresh database file; returns its path."""
    path = tmp_path / "app.db"
    monkeypatch.setenv("SLT_DB", str(path))
    monkeypatch.setenv("SLT_BACKEND", "local")
    monkeypatch.chdir(ROOT)
    yield path


# Backends the store contract suite runs against; each yields an empty store.
STORE_BACKENDS = ["local", "gsheets"]


@pytest.fixture(scope="session")
def sheets_emulator():
    """One in-process Sheets API emulator for the session; tests create their own spreadsheets."""
    from sheets_emulator import SheetsEmulator

    with SheetsEmulator() as emu:
        yield emu


def make_gsheets_store(emu, **kw):
    """A GSheetsStore on a fresh spreadsheet, through gspread's real HTTP client."""
    from sheets_emulator.client import gspread_client
    from sltcore.store.gsheets import GSheetsStore, RetryPolicy

    sid = emu.create_spreadsheet("desk")
    kw.setdefault("retry", RetryPolicy(base=0.005, cap=0.05, max_elapsed=5))
    kw.setdefault("lease_ttl", 3.0)  # a lease orphaned by a fault is overtaken quickly
    return GSheetsStore(gspread_client(emu.host).http_client, sid, **kw)


@pytest.fixture(params=STORE_BACKENDS)
def contract_store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "local":
        from sltcore.store.local import LocalStore

        s = LocalStore(tmp_path / "contract.db")
        yield s
        s.close()
    elif request.param == "gsheets":
        emu = request.getfixturevalue("sheets_emulator")
        emu.clear_faults()
        yield make_gsheets_store(emu)
    else:  # pragma: no cover - every name in STORE_BACKENDS has a branch
        raise AssertionError(request.param)
