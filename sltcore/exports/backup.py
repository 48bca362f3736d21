"""`python -m sltcore backup DIR`: a dated, consistent copy of the store, keeping the last N.

The local store is copied with SQLite's online backup API (`sqlite3.Connection.backup`): the
copy is one consistent snapshot taken while the app keeps running (readers and writers are
not stopped; in WAL mode the copy sees the last committed transaction). It is written under a
temporary name, checked (`PRAGMA quick_check`) and only then renamed, so a file named like a
backup is always a whole one. A Google Sheet is backed up as a complete workbook export
(`sltcore.exports.workbook`, ID numbers included), which `restore` reads back.

Only files named by this module (`sanlitun-YYYYMMDD-HHMMSS.db` / `.xlsx`) are ever pruned.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

from sltcore import clock
from sltcore.auth import SYSTEM, Actor
from sltcore.errors import DeskError, PermissionDenied
from sltcore.exports.workbook import export_workbook
from sltcore.store.base import Store

PREFIX = "sanlitun-"
NAME_RE = re.compile(r"^sanlitun-(\d{8}-\d{6})(?:-\d+)?\.(db|xlsx)$")


def _order(p: Path) -> tuple[str, int]:
    m = NAME_RE.match(p.name)
    assert m is not None
    n = p.name.removeprefix(f"{PREFIX}{m[1]}").split(".")[0].lstrip("-")
    return m[1], int(n or 1)


def _target(directory: Path, suffix: str) -> Path:
    """`sanlitun-<Beijing time>.db`, numbered after any backup of the same second (so the
    newest always sorts last, even after older ones of that second were pruned)."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    same = [_order(p)[1] for p in backups(directory) if _order(p)[0] == stamp]
    if not same:
        return directory / f"{PREFIX}{stamp}{suffix}"
    return directory / f"{PREFIX}{stamp}-{max(same) + 1}{suffix}"


def backups(directory: Path) -> list[Path]:
    """This module's backup files in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    found = [p for p in directory.iterdir() if p.is_file() and NAME_RE.match(p.name)]
    return sorted(found, key=_order)


def _sqlite_copy(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".partial")
    src = sqlite3.connect(source, timeout=60)  # only read; WAL lets the app write meanwhile
    dst = sqlite3.connect(partial)
    try:
        src.execute("PRAGMA busy_timeout = 60000")
        src.backup(dst)  # all pages in one step: one consistent snapshot
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        ok = dst.execute("PRAGMA quick_check").fetchone()[0]
        if ok != "ok":
            raise DeskError(f"备份副本校验失败：{ok}", f"the backup copy failed its check: {ok}")
    except BaseException:
        dst.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    dst.close()
    os.replace(partial, target)


def backup(store: Store, directory: Path, keep: int = 14, actor: Actor = SYSTEM) -> Path:
    """Write one dated backup into `directory` and keep the newest `keep`; returns its path."""
    if actor.role != "admin":
        raise PermissionDenied("只有管理员可以备份数据。", "Only an administrator can back up.")
    if keep < 1:
        raise DeskError("--keep 至少为 1", "--keep must be at least 1")
    directory.mkdir(parents=True, exist_ok=True)
    if store.backend == "local":
        target = _target(directory, ".db")
        _sqlite_copy(Path(store.path), target)  # type: ignore[attr-defined]
    else:
        target = _target(directory, ".xlsx")
        partial = target.with_name(target.name + ".partial")
        partial.write_bytes(export_workbook(store, actor, unmasked=True))
        os.replace(partial, target)
    for old in backups(directory)[:-keep]:
        old.unlink()
    return target
