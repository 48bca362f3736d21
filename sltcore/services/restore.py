"""Restoring a backup workbook (`sltcore.exports.workbook`) into an empty store.

The workbook holds every row with its system fields (id, times, authors, version, archived)
and the audit log; a restore writes them as they are (`Transaction.restore_rows`), so the new
store holds the same data, and one audit row saying who restored which file. Only an
administrator, only into an empty store, and only from a complete export (ID numbers not
masked): a masked copy would lose the numbers for good.

On the local store the whole restore is ONE transaction. On a Google Sheet one transaction is
one `batchUpdate` request, and Google refuses a request body over 10 MB ("Request payload size
exceeds the limit: 10485760 bytes", as public error reports quote it), so a large backup is
restored in chunks of at most `SHEETS_CHUNK_BYTES` of cell data, each one transaction, tables
in the order their references need. If it stops half-way (network, quota), the store holds
only rows of this backup, exactly as they are in it, and the note of the restore (written with
the first chunk); running the same restore again sees both and continues with the rest. Any
other content is refused, so nothing is doubled or mixed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sltcore.auth import Actor
from sltcore.codec import TAG_SEP, ParseError, frame_rows, parse_value
from sltcore.errors import DeskError, PermissionDenied
from sltcore.exports.workbook import FORMAT, FORMAT_VERSION
from sltcore.schema import AUDIT_TABLE, TABLE_BY_KEY, TABLES, Field, Table, header_aliases
from sltcore.services.import_files import SourceFile, blank, read_file
from sltcore.services.imports import ImportProblem
from sltcore.store.base import Row, Store
from sltcore.store.sheets_cells import column_letter
from sltcore.store.transaction import Transaction


def _reference_order() -> tuple[str, ...]:
    """Tables in the order their references need, derived from the schema's `ref` fields (a
    chunked restore never points at a row that is not there yet); the audit log last."""
    deps = {t.key: {f.ref for f in t.fields if f.type == "ref" and f.ref and f.ref != t.key}
            for t in TABLES if t.key != AUDIT_TABLE}  # fmt: skip
    out: list[str] = []
    while deps:
        ready = [k for k, need in deps.items() if need <= set(out)]
        if not ready:  # a cycle of references: the rest in schema order
            ready = list(deps)
        for k in ready:
            out.append(k)
            del deps[k]
    return (*out, AUDIT_TABLE)


ORDER = _reference_order()
SHEETS_CHUNK_BYTES = 4_000_000  # of cell data per request: well under Google's 10 MB
Progress = Callable[[float, str], Any] | None


class RestoreError(DeskError):
    """The workbook cannot be restored (each problem names sheet, row and column)."""

    def __init__(self, zh: str, en: str, problems: list[ImportProblem] | None = None) -> None:
        self.problems = problems or []
        if self.problems:
            zh += "：" + "；".join(p.message("zh") for p in self.problems[:10])
            en += ": " + "; ".join(p.message("en") for p in self.problems[:10])
        super().__init__(zh, en)


@dataclass
class Backup:
    source: str
    meta: dict[str, str]
    tables: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.tables.items()}


def _meta(src: SourceFile) -> tuple[dict[str, str], dict[str, str]]:
    """(key -> value, sheet name -> table key) from the workbook's 导出说明 sheet."""
    for sheet in src.sheets:
        rows = sheet.rows
        if not rows or str(rows[0][0] or "").strip() != "key":
            continue
        meta: dict[str, str] = {}
        sheets: dict[str, str] = {}
        in_sheets = False
        for r in rows[1:]:
            cells = [("" if blank(c) else str(c).strip()) for c in [*r, None, None, None][:3]]
            if cells[0] == "sheet":
                in_sheets = True
            elif in_sheets and cells[0] and cells[1] in TABLE_BY_KEY:
                sheets[cells[0]] = cells[1]
            elif not in_sheets and cells[0]:
                meta[cells[0]] = cells[1]
        if meta.get("format") == FORMAT:
            return meta, sheets
    raise RestoreError(
        "这不是工作台导出的完整工作簿（没有“导出说明”工作表），不能用来恢复；"
        "要把其他表格里的数据加进来，请用“导入”",
        "this is not a workbook exported by the desk (no “About this file” sheet), so it "
        "cannot be restored; use Import to add data from other spreadsheets",
    )


def _value(f: Field, raw: Any) -> Any:
    """A backup cell as the canonical value it was exported from."""
    if blank(raw):
        return () if f.type == "tags" else None
    if f.type == "tags":
        return tuple(str(raw).split(TAG_SEP))
    if f.type in ("text", "longtext", "ref") and not isinstance(raw, str):
        raise ParseError("应为文字，却是数字或日期", "should be text, not a number or date")
    return parse_value(f, raw)


def read_backup(data: bytes, filename: str) -> Backup:
    """Read and check a complete export; raises RestoreError naming every bad cell."""
    src = read_file(data, filename)
    if src.kind != "xlsx":
        raise RestoreError(
            "只能从工作台导出的 .xlsx 工作簿恢复", "only a desk's .xlsx export can be restored"
        )
    meta, sheets = _meta(src)
    if str(meta.get("version")) not in (str(FORMAT_VERSION), f"{FORMAT_VERSION}.0"):
        raise RestoreError(
            f"这个工作簿的格式版本是{meta.get('version')}，本工作台只认识版本{FORMAT_VERSION}",
            f"the workbook's format version is {meta.get('version')}; this desk reads "
            f"version {FORMAT_VERSION}",
        )
    if meta.get("masked"):
        raise RestoreError(
            "这个文件中的身份证号已打码，恢复后会永久丢失：请用管理员导出的完整备份"
            "（导出时勾选“完整身份证号”，或命令行 --unmasked）",
            "this file has masked ID numbers, which a restore would lose for good: use a "
            "complete backup exported by an administrator (--unmasked)",
        )
    backup = Backup(filename, meta)
    problems: list[ImportProblem] = []
    by_name = {s.name: s for s in src.sheets}
    for name, key in sheets.items():
        if name not in by_name:
            problems.append(ImportProblem(None, None, name, "工作表不见了", "the sheet is missing"))
            continue
        backup.tables[key] = _read_sheet(TABLE_BY_KEY[key], by_name[name], problems)
    missing = [t.zh for t in TABLES if t.key not in backup.tables]
    if missing:
        problems.append(ImportProblem(None, None, None, f"缺少数据表：{'、'.join(missing)}",
                                      f"tables missing: {', '.join(missing)}"))  # fmt: skip
    if problems:
        raise RestoreError("备份文件有问题，没有恢复任何数据",
                           "the backup has problems; nothing was restored", problems)  # fmt: skip
    return backup


def _read_sheet(t: Table, sheet: Any, problems: list[ImportProblem]) -> list[Row]:
    rows = sheet.rows
    header = [("" if blank(h) else str(h)) for h in (rows[0] if rows else [])]
    aliases = header_aliases(t)
    col_of: dict[str, int] = {}
    for i, h in enumerate(header):
        key = aliases.get("".join(h.split()).replace("（", "(").replace("）", ")").casefold())
        if key and key not in col_of:
            col_of[key] = i
    absent = [f.label("zh") for f in t.fields if f.key not in col_of]
    if absent:
        problems.append(ImportProblem(1, None, f"工作表“{sheet.name}”",
                                      f"缺少列：{'、'.join(absent)}",
                                      f"columns missing: {', '.join(absent)}"))  # fmt: skip
        return []
    out: list[Row] = []
    for n, cells in enumerate(rows[1:], start=2):
        if all(blank(c) for c in cells):
            continue
        row: Row = {}
        for f in t.fields:
            i = col_of[f.key]
            raw = cells[i] if i < len(cells) else None
            try:
                row[f.key] = _value(f, raw)
            except ParseError as err:
                problems.append(ImportProblem(n, column_letter(i), f"{sheet.name}·{header[i]}",
                                              err.zh, err.en))  # fmt: skip
        if f"{row.get('id_number') or ''}".count("*"):
            problems.append(ImportProblem(n, column_letter(col_of["id_number"]), sheet.name,
                                          "身份证号已打码", "the ID number is masked"))  # fmt: skip
        out.append(row)
    return out


# --- writing -----------------------------------------------------------------------------------


def stored_rows(store: Store) -> dict[str, list[Row]]:
    """Every row of every table, archived ones and the audit log included, canonical."""
    return {t.key: frame_rows(t, store.read(t.key, include_archived=True)) for t in TABLES}


def _size(rows: list[Row]) -> int:
    return sum(len(json.dumps(r, default=str, ensure_ascii=False)) + 40 * len(r) for r in rows)


def _plan(backup: Backup, done: set[tuple[str, str]], budget: int | None) -> list[list]:
    """Transactions to run: each a list of (table, rows); all in one when `budget` is None."""
    chunks: list[list[tuple[str, list[Row]]]] = [[]]
    used = 0
    for key in ORDER:
        todo = [r for r in backup.tables.get(key, []) if (key, r["id"]) not in done]
        while todo:
            if budget is None:
                part, todo = todo, []
            else:
                part = []
                while todo and (not part or used + _size(todo[:1]) <= budget):
                    used += _size(todo[:1])
                    part.append(todo.pop(0))
            chunks[-1].append((key, part))
            if todo:
                chunks.append([])
                used = 0
    return [c for c in chunks if c]


def _already(store: Store, backup: Backup) -> set[tuple[str, str]]:
    """The rows an interrupted restore of this backup already wrote. The store must be empty,
    or hold the note of such a restore (written with its first chunk) and nothing but rows
    equal to the backup's; else RestoreError."""
    done: set[tuple[str, str]] = set()
    foreign: list[str] = []
    started = False
    for key, rows in stored_rows(store).items():
        mine = {r["id"]: r for r in backup.tables.get(key, [])}
        for r in rows:
            if key == AUDIT_TABLE and r.get("action") == "restore" and r["row_id"] == backup.source:
                started = True  # our own note: an earlier run of this restore
                continue
            if mine.get(r["id"]) == r:
                done.add((key, r["id"]))
            else:
                foreign.append(f"{TABLE_BY_KEY[key].zh} {r['id']}")
    if done and not started:
        foreign.append(f"{TABLE_BY_KEY[next(iter(done))[0]].zh} {next(iter(done))[1]}")
    if foreign:
        raise RestoreError(
            f"只能恢复到空的数据库：这里已有{len(foreign)}条数据（如 {foreign[0]}）。"
            "请换一个空的数据库文件（SLT_DB）或新建一个空的 Google 表格",
            f"a backup can only be restored into an empty store; this one holds {len(foreign)} "
            f"rows (e.g. {foreign[0]}). Use a new SLT_DB file or a new, empty Google Sheet",
        )
    return done


def restore(
    store: Store, backup: Backup, actor: Actor, progress: Progress = None
) -> dict[str, int]:
    """Write the backup into the empty store (see the module docstring); returns the rows
    written per table."""
    if actor.role != "admin":
        raise PermissionDenied("只有管理员可以从备份恢复数据。",
                               "Only an administrator can restore a backup.")  # fmt: skip
    done = _already(store, backup)
    first_run = not done
    budget = SHEETS_CHUNK_BYTES if store.backend == "gsheets" else None
    chunks = _plan(backup, done, budget)
    written: dict[str, int] = dict.fromkeys(backup.tables, 0)
    for n, chunk in enumerate(chunks):
        note = first_run and n == 0
        if progress is not None:
            progress(n / max(len(chunks), 1), "、".join(TABLE_BY_KEY[k].zh for k, _ in chunk))

        def action(tx: Transaction, chunk: list = chunk, note: bool = note) -> dict[str, int]:
            _check_unchanged(tx, done)
            if note:  # with the first chunk: a later run knows it may continue this one
                tx.record_restore(backup.source, backup.counts)
            out: dict[str, int] = {}
            for key, rows in chunk:
                out[key] = out.get(key, 0) + tx.restore_rows(key, rows)
            return out

        for key, n_rows in store.transact(actor, action).items():
            written[key] += n_rows
        for key, rows in chunk:
            done.update((key, r["id"]) for r in rows)
    if progress is not None:
        progress(1.0, "")
    return written


def _check_unchanged(tx: Transaction, done: set[tuple[str, str]]) -> None:
    """Inside the transaction: the store still holds only the rows this restore wrote (no one
    added data meanwhile). The audit log is left out: the Sheets backend keeps it unread."""
    for t in TABLES:
        if t.key == AUDIT_TABLE:
            continue
        ids = {r["id"] for r in tx.select(t.key, include_archived=True)}
        if any((t.key, i) not in done for i in ids):
            raise RestoreError(
                f"恢复过程中有人向“{t.zh}”添加了数据，恢复已停止：请不要再使用这个数据库，"
                "换一个空的数据库重新恢复",
                f"someone added data to {t.en} during the restore, so it stopped: stop using "
                "this store and restore into a new, empty one",
            )
