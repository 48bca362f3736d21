"""The README's command-line block works when run top to bottom (issue 12, item 12): `init`
then `demo` used to stop with "数据库不是空的"."""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sltcore.cli import main
from tests.conftest import ROOT


def readme_cli_block() -> list[str]:
    """The commands of the README's ```bash block that starts with `python -m sltcore init`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    block = next(b for b in blocks if b.lstrip().startswith("python -m sltcore init"))
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readme_cli_block_runs_top_to_bottom(tmp_path: Path) -> None:
    env = {**os.environ, "SLT_DB": str(tmp_path / "desk.db"), "SLT_BACKEND": "local"}
    commands = readme_cli_block()
    assert [c.split()[:4] for c in commands][:3] == [
        ["python", "-m", "sltcore", "init"],
        ["python", "-m", "sltcore", "demo"],
        ["python", "-m", "sltcore", "check"],
    ]
    for command in commands:
        args = shlex.split(command)
        assert args[0] == "python"
        done = subprocess.run(
            [sys.executable, *args[1:]], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=600,
        )  # fmt: skip
        assert done.returncode == 0, (command, done.stdout[-2000:], done.stderr[-2000:])
    con = sqlite3.connect(tmp_path / "desk.db")
    assert con.execute("SELECT COUNT(*) FROM communities").fetchone()[0] == 7  # not twice
    at_events = "SELECT COUNT(*) FROM service_records WHERE event_id IS NOT NULL"
    assert con.execute(at_events).fetchone()[0] == 100_000  # visits and duties on top


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.db"
    monkeypatch.setenv("SLT_DB", str(path))
    monkeypatch.setenv("SLT_BACKEND", "local")
    return path


def test_demo_after_init_uses_the_reference_data_init_created(db: Path, capsys) -> None:
    assert main(["init"]) == 0
    con = sqlite3.connect(db)
    before = dict(con.execute("SELECT name, id FROM communities"))
    con.close()
    assert main(["demo", "--volunteers", "120", "--records", "600"]) == 0
    out = capsys.readouterr().out
    assert "communities: 0" in out and "volunteers: 120" in out
    con = sqlite3.connect(db)
    assert dict(con.execute("SELECT name, id FROM communities")) == before
    used = {r[0] for r in con.execute("SELECT DISTINCT community_id FROM volunteers")}
    assert used <= set(before.values())
    assert main(["check"]) == 0


def test_demo_reuses_communities_made_by_hand_and_keeps_their_ids(db: Path, capsys) -> None:
    """A community typed in before (another id, the same name) is used, not doubled."""
    from sltcore.auth import SYSTEM
    from sltcore.store.local import LocalStore

    store = LocalStore(db)
    mine = store.append("communities", [{"name": "幸福一村", "population": 9000}], SYSTEM)[0]
    store.close()
    assert main(["demo", "--volunteers", "80", "--records", "300"]) == 0
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute("SELECT name FROM communities")]
    assert sorted(names) == sorted(set(names)) and len(names) == 7
    ids = {r[0] for r in con.execute("SELECT community_id FROM volunteers")}
    assert mine["id"] in ids and "com-1" not in ids
    assert main(["check"]) == 0


def test_demo_still_refuses_a_store_with_volunteers(db: Path, capsys) -> None:
    assert main(["demo", "--volunteers", "50", "--records", "100"]) == 0
    capsys.readouterr()
    assert main(["demo"]) == 2
    assert "示例数据只能载入空的、或只有基础资料" in capsys.readouterr().err
