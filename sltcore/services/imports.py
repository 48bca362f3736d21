"""Importing the office's spreadsheets: volunteers, teams, members, organisations, events and
service records, from the Excel, WPS and CSV files the office keeps today.

Three steps, each usable alone (the import page shows them one by one, the CLI runs them all):

1. `prepare(file, settings)`: pure, no store. Finds the sheet and the header row under one or
   two title rows, maps columns to fields by the names the schema declares (`import_headers`:
   身份证号码, 联系电话, 出生年月 ...), and reads every row below as the file numbers it. Blank
   rows, totals rows (合计) and the notes under a table are skipped and listed.
2. `preview(store, prepared, actor)`: every row checked against the data as read now, without
   taking the write lock (other people keep saving): names of communities, teams, events and
   volunteers found, validation, the coordinator's communities, and duplicates (the same ID
   number or phone, in the store or earlier in the file).
3. `run(store, prepared, actor)`: the same checks again inside ONE `store.transact`, then every
   accepted row written in it: all rows or none. With `dry_run` the transaction is rolled back
   at the end; without `skip_invalid` one refused row stops the whole batch.

Every problem names the row as the file numbers it and the column (letter and header); values
are kept as typed for the report. Nothing here guesses: an ID number Excel stored as a number
has lost digits, and is refused (`codec`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from sltcore import identity
from sltcore.auth import Actor, check_write
from sltcore.codec import ParseError, column_values, frame_rows, lost_digits_text, parse_month
from sltcore.errors import DeskError, PermissionDenied, ValidationError
from sltcore.schema import (
    Field,
    Table,
    import_headers,
    import_targets,
    normalise_header,
    table,
    target_label,
)
from sltcore.services.import_files import ImportFileError, Sheet, SourceFile, blank, read_file
from sltcore.store.base import Row, Store
from sltcore.store.sheets_cells import column_letter, row_data, to_cell
from sltcore.store.transaction import Transaction
from sltcore.validation import Lookup, clean_field, clean_row, context_problems

__all__ = [
    "IMPORT_TABLES",
    "ImportFileError",
    "Prepared",
    "Result",
    "Settings",
    "prepare",
    "preview",
    "read_file",
    "run",
]

IMPORT_TABLES = ("volunteers", "teams", "team_members", "organisations", "events",
                 "service_records")  # fmt: skip
HEADER_SCAN = 30  # rows searched for the header
CHUNK = 500  # rows per append inside the one transaction (for the progress bar)
# On a Google Sheet one transaction is one batchUpdate request, and Google refuses a request
# body over 10 MB (as public error reports quote): an import larger than this estimate of its
# cells and audit rows is refused before anything is sent, saying how to split the file.
SHEETS_IMPORT_BYTES = 9_500_000  # estimated; the estimate runs ~10% above the real body
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "总合计", "总数", "total", "subtotal", "sum")
NOTE_PREFIXES = ("注", "说明", "备注：", "备注:", "制表", "填表", "审核", "填报", "note")
Progress = Callable[[float, str], Any]


def _noop(_fraction: float, _text: str) -> None:
    return None


# --- problems and rows -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """Why a row (or the file) was refused, skipped or changed: row as the file numbers it,
    column by letter and the header as written."""

    row: int | None
    column: str | None  # "C"
    header: str | None  # the header cell as written in the file
    zh: str
    en: str
    # notes of one kind (the same change on many rows) are summed up in the text report
    group: tuple[str, str] | None = None  # (zh, en) of the summary, "{n}" rows

    def where(self, lang: str = "zh") -> str:
        parts = []
        if self.row is not None:
            parts.append(f"第{self.row}行" if lang == "zh" else f"row {self.row}")
        if self.column:
            head = f"“{self.header}”" if self.header else ""
            parts.append(
                f"{self.column}列{head}" if lang == "zh" else f"column {self.column}{head}"
            )
        elif self.header:
            parts.append(self.header)
        return ("，" if lang == "zh" else ", ").join(parts)

    def message(self, lang: str = "zh") -> str:
        where = self.where(lang)
        body = self.zh if lang == "zh" else self.en
        if not where:
            return body
        return f"{where}：{body}" if lang == "zh" else f"{where}: {body}"


@dataclass(frozen=True)
class Column:
    index: int  # 0-based
    header: str  # as written
    target: str | None  # a field key, `field.key` (see schema.import_targets), or None

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class ImportRow:
    """One row of the file: what it held, what the desk makes of it, and its fate."""

    row: int  # as the file numbers it
    cells: dict[str, Any]  # target -> the value as read (for the preview and the report)
    status: str = "ok"  # ok | refused | duplicate | skipped
    problems: list[ImportProblem] = field(default_factory=list)
    notes: list[ImportProblem] = field(default_factory=list)  # changes made, for the record
    values: dict[str, Any] | None = None  # the row to store (after checking)
    duplicate_of: str | None = None  # the stored row it repeats
    stored_id: str | None = None  # the id it was stored under


@dataclass(frozen=True)
class Settings:
    table: str
    sheet: str | None = None  # None: the sheet whose header fits the table best
    header_row: int | None = None  # 1-based; None: detected
    mapping: Mapping[int, str | None] | None = None  # column index -> target; None: detected
    defaults: Mapping[str, Any] = field(default_factory=dict)  # field -> value for blank cells


@dataclass
class Prepared:
    """The file read as rows of one table, before any look at the store."""

    source: SourceFile
    sheet: Sheet
    table: Table
    header_row: int  # 1-based; 0 when no header was found
    columns: list[Column]
    rows: list[ImportRow]  # data rows (status ok or refused)
    skipped: list[ImportRow]  # blank rows, totals, notes under the table
    problems: list[ImportProblem]  # about the file as a whole: nothing can be imported
    notes: list[ImportProblem]
    defaults: dict[str, Any]

    def column_of(self, target: str) -> Column | None:
        return next((c for c in self.columns if c.target == target), None)

    @property
    def mapping(self) -> dict[int, str | None]:
        return {c.index: c.target for c in self.columns}


# --- 1. the file as rows of a table ----------------------------------------------------------


def column_index(letter: str) -> int:
    """0-based index of a column named by letter (`C`, `AA`) or 1-based number (`3`)."""
    text = letter.strip().upper()
    if text.isdigit() and int(text) >= 1:
        return int(text) - 1
    if not text or not text.isalpha() or not text.isascii():
        raise DeskError(f"“{letter}”不是列名（如 C 或 AA）", f"“{letter}” is not a column (C, AA)")
    n = 0
    for ch in text:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _header_key(text: Any) -> str:
    """A header cell as matched: no spaces, no 必填 marks, stars or trailing colons."""
    key = normalise_header(str(text))
    for mark in ("(必填)", "(选填)", "(必须)", "*", "＊", "：", ":"):
        key = key.replace(mark, "")
    return key


def _score(row: Sequence[Any], names: Mapping[str, str]) -> int:
    return len({names[k] for v in row if not blank(v) and (k := _header_key(v)) in names})


def detect_header(sheet: Sheet, t: Table) -> int | None:
    """The 0-based index of the row that names the most fields (the earliest of equals)."""
    names = import_headers(t)
    best, best_score = None, 0
    for i, row in enumerate(sheet.rows[:HEADER_SCAN]):
        score = _score(row, names)
        if score > best_score:
            best, best_score = i, score
    return best


def best_sheet(source: SourceFile, t: Table) -> Sheet:
    """The sheet whose header names the most fields of `t` (the first of equals)."""
    names = import_headers(t)

    def score(s: Sheet) -> int:
        return max((_score(r, names) for r in s.rows[:HEADER_SCAN]), default=0)

    return max(source.sheets, key=lambda s: (score(s), -source.sheets.index(s)))


def detect_mapping(headers: Sequence[Any], t: Table) -> tuple[dict[int, str | None], list]:
    """Column index -> target from the header cells, and notes on columns left out because
    an earlier column already answers to the same field."""
    names = import_headers(t)
    out: dict[int, str | None] = {}
    seen: dict[str, int] = {}
    notes = []
    for i, h in enumerate(headers):
        target = names.get(_header_key(h)) if not blank(h) else None
        if target is not None and target in seen:
            first = seen[target]
            label_zh, label_en = target_label(t, target, "zh"), target_label(t, target, "en")
            notes.append(
                ImportProblem(
                    None,
                    column_letter(i),
                    str(h),
                    f"与{column_letter(first)}列“{headers[first]}”都对应“{label_zh}”，"
                    f"只导入{column_letter(first)}列；如要导入这一列，请在“列的对应关系”中修改",
                    f"both this and column {column_letter(first)} “{headers[first]}” read as "
                    f"“{label_en}”; only column {column_letter(first)} is imported (change it "
                    "under column mapping if needed)",
                )
            )
            target = None
        if target is not None:
            seen[target] = i
        out[i] = target
    return out, notes


def _is_total(cells: Sequence[Any]) -> bool:
    """A totals row: 合计 (总计, 小计, 合计：35人 ...) in one of its first three filled cells."""
    filled = [v for v in cells if not blank(v)][:3]
    for v in filled:
        if isinstance(v, str):
            key = _header_key(v).rstrip("0123456789.人行名小时元个次")
            if key in TOTAL_WORDS:
                return True
    return False


def _is_note(cells: Sequence[Any]) -> bool:
    """A remark under (or inside) the table: one filled cell, written like a note (注：,
    制表人：, 填表说明 ...)."""
    filled = [v for v in cells if not blank(v)]
    return len(filled) == 1 and str(filled[0]).strip().casefold().startswith(NOTE_PREFIXES)


def prepare(source: SourceFile, settings: Settings) -> Prepared:
    """Read the file as rows of `settings.table` (see the module docstring, step 1)."""
    t = table(settings.table)
    sheet = source.sheet(settings.sheet) if settings.sheet else best_sheet(source, t)
    problems: list[ImportProblem] = []
    notes: list[ImportProblem] = []
    if settings.header_row is not None:
        header_index: int | None = settings.header_row - 1
        if not 0 <= header_index < max(len(sheet.rows), 1):
            raise ImportFileError(
                f"工作表“{sheet.name}”只有{len(sheet.rows)}行，没有第{settings.header_row}行",
                f"sheet “{sheet.name}” has {len(sheet.rows)} rows, not {settings.header_row}",
            )
    else:
        header_index = detect_header(sheet, t)
    width = sheet.width
    if header_index is None:
        headers: list[Any] = [None] * width
        problems.append(
            ImportProblem(
                None,
                None,
                None,
                f"在工作表“{sheet.name}”的前{HEADER_SCAN}行中找不到{t.zh}的表头（例如"
                f"“{t.user_fields[0].zh}”）：请确认选对了工作表，或在下面指定表头所在的行",
                f"no header of {t.en} (e.g. “{t.user_fields[0].en}”) in the first {HEADER_SCAN} "
                f"rows of sheet “{sheet.name}”: check the sheet, or say which row is the header",
            )
        )
        return Prepared(source, sheet, t, 0, [], [], [], problems, notes, dict(settings.defaults))
    headers = list(sheet.rows[header_index]) if sheet.rows else []
    headers += [None] * (width - len(headers))
    if settings.mapping is None:
        mapping, dup_notes = detect_mapping(headers, t)
        notes.extend(dup_notes)
    else:
        mapping = {i: settings.mapping.get(i) for i in range(width)}
    valid = set(import_targets(t))
    columns = []
    for i in range(width):
        target = mapping.get(i)
        if target is not None and target not in valid:
            raise ValueError(f"{target!r} is not an import target of {t.key}")
        columns.append(Column(i, "" if blank(headers[i]) else str(headers[i]).strip(), target))
    chosen = [c.target for c in columns if c.target]
    for target in {x for x in chosen if chosen.count(x) > 1}:
        cols = "、".join(c.letter for c in columns if c.target == target)
        problems.append(
            ImportProblem(
                None,
                None,
                None,
                f"{cols}列都对应“{target_label(t, target, 'zh')}”：每项只能选一列",
                f"columns {cols} all map to “{target_label(t, target, 'en')}”: choose one",
            )
        )
    defaults = {k: v for k, v in settings.defaults.items() if not blank(v)}
    for key in defaults:
        if not t.has(key) or t.field(key).system:
            raise ValueError(f"{key!r} is not a field of {t.key}")
    present = {c.target.partition(".")[0] for c in columns if c.target} | set(defaults)
    for f in t.user_fields:
        if f.required and f.default is None and f.key not in present:
            problems.append(
                ImportProblem(
                    None,
                    None,
                    None,
                    f"文件中没有“{f.zh}”这一列（必填）：请在文件中加上这一列，或为所有行指定一个统一的值",
                    f"the file has no “{f.en}” column (required): add one, or give one value "
                    "for every row",
                )
            )
    rows: list[ImportRow] = []
    skipped: list[ImportRow] = []
    after_total = False
    for i in range(header_index + 1, len(sheet.rows)):
        cells = sheet.rows[i]
        number = i + 1
        raw = {c.target: cells[c.index] for c in columns if c.target}
        if all(blank(v) for v in sheet.own(i)):  # blank but for a merged block's value
            skipped.append(_skip(number, raw, "空行", "blank row"))
        elif _is_total(cells):
            after_total = True
            skipped.append(_skip(number, raw, "合计行，不导入", "totals row, not imported"))
        elif _is_note(cells) or (after_total and all(blank(v) for v in raw.values())):
            skipped.append(
                _skip(number, raw, "表格中的说明文字，不导入", "a note in the sheet, not imported")
            )
        elif all(blank(v) for v in raw.values()):
            skipped.append(
                _skip(number, raw, "要导入的列都是空的", "every imported column is empty")
            )
        else:
            rows.append(_read_row(t, number, raw, columns, defaults))
    if rows and _unlabelled_total(t, rows[-1]):
        last = rows.pop()
        zh = "最后一行只有数字，像是合计，不导入"
        en = "the last row holds only numbers, like a total: not imported"
        skipped.append(_skip(last.row, last.cells, zh, en))
    notes.extend(_merge_notes(sheet, columns, header_index))
    return Prepared(
        source, sheet, t, header_index + 1, columns, rows, skipped, problems, notes, defaults
    )


def _unlabelled_total(t: Table, row: ImportRow) -> bool:
    """The table's last line holds numbers only, and nothing that names a row (a title, a
    reference): a total without the word 合计 (a sign-in sheet's sum of hours)."""
    filled = [v for v in row.cells.values() if not blank(v)]
    names = [
        k for k in row.cells if k == t.title_field or t.field(k.partition(".")[0]).type == "ref"
    ]
    return (
        bool(filled)
        and all(isinstance(v, int | float) or _number_text(v) for v in filled)
        and all(blank(row.cells.get(k)) for k in names)
    )


def _number_text(v: Any) -> bool:
    try:
        float(str(v).replace(",", ""))
    except ValueError:
        return False
    return True


def _skip(number: int, raw: dict[str, Any], zh: str, en: str) -> ImportRow:
    return ImportRow(number, raw, "skipped", [ImportProblem(number, None, None, zh, en)])


def _merge_notes(sheet: Sheet, columns: list[Column], header_index: int) -> list[ImportProblem]:
    out = []
    for m in sheet.merged:
        if m.last_row <= header_index or m.last_row == m.first_row:
            continue
        col = columns[m.first_col] if m.first_col < len(columns) else None
        if col is None or col.target is None:
            continue
        first = max(m.first_row, header_index + 1) + 1
        value = sheet.rows[m.first_row][m.first_col]
        out.append(
            ImportProblem(
                None,
                col.letter,
                col.header,
                f"第{first}至{m.last_row + 1}行是合并单元格：每一行都按“{value}”导入",
                f"rows {first}-{m.last_row + 1} are merged: each row is imported as “{value}”",
            )
        )
    return out


def _read_row(
    t: Table, number: int, raw: dict[str, Any], columns: list[Column], defaults: dict[str, Any]
) -> ImportRow:
    """The row's cells by target, with the shared values for blank cells, and dates given to
    the month only (出生年月) made whole, saying how."""
    row = ImportRow(number, dict(raw))
    for key, value in defaults.items():
        if blank(row.cells.get(key)):
            row.cells[key] = value
    for f in t.user_fields:
        value = row.cells.get(f.key)
        if f.type != "date" or blank(value):
            continue
        col = next((c for c in columns if c.target == f.key), None)
        try:
            month = parse_month(value)
        except ParseError as err:
            row.problems.append(_at(number, col, err.zh, err.en))
            row.cells[f.key] = None
            continue
        if month is None:
            continue
        day = dt.date(month[0], month[1], 1)
        idn = row.cells.get("id_number") if f.key == "birth_date" else None
        from_id, why = clean_field(t.field("id_number"), idn) if idn is not None else (None, 1)
        if why is None and from_id and identity.id_birth_date(from_id).replace(day=1) == day:
            day = identity.id_birth_date(from_id)
            zh = f"只写了年月（{value}），按身份证号中的出生日期记为{day:%Y-%m-%d}"
            en = f"year and month only ({value}): the ID number's birth date {day:%Y-%m-%d} is used"
            group = (
                "{n}行只写了年月，已按身份证号中的出生日期记录",
                "{n} rows give year and month only: the ID number's birth date is used",
            )
        else:
            zh = f"只写了年月（{value}），按当月1日记为{day:%Y-%m-%d}"
            en = f"year and month only ({value}): recorded as the 1st, {day:%Y-%m-%d}"
            group = (
                "{n}行只写了年月，已按当月1日记录",
                "{n} rows give year and month only: recorded as the 1st",
            )
        row.notes.append(replace(_at(number, col, zh, en), group=group))
        row.cells[f.key] = day
    return row


def _at(number: int | None, col: Column | None, zh: str, en: str) -> ImportProblem:
    if col is None:
        return ImportProblem(number, None, None, zh, en)
    return ImportProblem(number, col.letter, col.header or None, zh, en)


# --- 2. what the store holds: a view for the preview, the transaction for the commit ---------


class FramesLookup:
    """Validation's questions (`validation.Lookup`) answered from frames read without a lock."""

    def __init__(self, frame: Callable[[str], pd.DataFrame]) -> None:
        self.frame = frame

    def _live(self, key: str) -> pd.DataFrame:
        df = self.frame(key)
        return df[~df["archived"].astype(bool)]

    def ref_status(self, table_key: str, ids: set[str]) -> dict[str, bool]:
        df = self.frame(table_key)
        hit = df[df["id"].isin(list(ids))]
        return dict(zip(hit["id"], hit["archived"].astype(bool), strict=True))

    def day_hours(self, pairs: set[tuple[str, dt.date]], exclude: set[str]) -> dict:
        rec = self._live("service_records")
        rec = rec[rec["volunteer_id"].isin({v for v, _ in pairs}) & ~rec["id"].isin(exclude)]
        out = dict.fromkeys(pairs, 0.0)
        for vol, day, hours in zip(rec["volunteer_id"], rec["date"], rec["hours"], strict=True):
            key = (vol, day.date() if isinstance(day, pd.Timestamp) else day)
            if key in out and not pd.isna(hours):
                out[key] += float(hours)
        return out

    def attended(self, pairs: set[tuple[str, str]], exclude: set[str]) -> set[tuple[str, str]]:
        rec = self._live("service_records")
        rec = rec[rec["event_id"].isin({e for _, e in pairs}) & ~rec["id"].isin(exclude)]
        return set(zip(rec["volunteer_id"], rec["event_id"], strict=True)) & pairs

    def taken(self, table_key: str, field: str, values: set, exclude: set[str]) -> set:
        df = self._live(table_key)
        df = df[~df["id"].isin(exclude)]
        return set(column_values(table(table_key).field(field), df[field])) & values

    def community_of(self, table_key: str, ids: set[str]) -> dict[str, str | None]:
        t = table(table_key)
        df = self.frame(table_key)
        hit = df[df["id"].isin(list(ids))]
        if t.community_field is None:
            return dict.fromkeys(hit["id"])
        comm = column_values(t.field(t.community_field), hit[t.community_field])
        return dict(zip(hit["id"], comm, strict=True))


class _View:
    """What the checks read of the store: canonical rows of a table (archived included), the
    live rows sharing a key, and validation's `Lookup`. Two kinds: `_FramesView` (the preview:
    frames read without any lock) and `_TxView` (inside the import's transaction)."""

    lookup: Lookup

    def rows(self, table_key: str, fields: Sequence[str]) -> list[Row]:  # pragma: no cover
        raise NotImplementedError

    def same(self, t: Table, key: tuple[str, ...], wanted: set[tuple]) -> dict[tuple, str]:
        """Live rows of `t` whose `key` fields equal one of `wanted`: tuple -> a row id."""
        raise NotImplementedError  # pragma: no cover


class _FramesView(_View):
    def __init__(self, store: Store) -> None:
        self.store = store
        self._frames: dict[str, pd.DataFrame] = {}
        self.lookup = FramesLookup(self.frame)

    def frame(self, key: str) -> pd.DataFrame:
        if key not in self._frames:
            self._frames[key] = self.store.read(key, include_archived=True)
        return self._frames[key]

    def rows(self, table_key: str, fields: Sequence[str]) -> list[Row]:
        keys = list(dict.fromkeys(["id", "archived", *fields]))
        return frame_rows(table(table_key), self.frame(table_key), keys)

    def same(self, t: Table, key: tuple[str, ...], wanted: set[tuple]) -> dict[tuple, str]:
        df = self.frame(t.key)
        df = df[~df["archived"].astype(bool)]
        first = column_values(t.field(key[0]), df[key[0]])
        firsts = {w[0] for w in wanted}
        keep = [i for i, v in enumerate(first) if v in firsts]
        if not keep:
            return {}
        df = df.iloc[keep]
        cols = [column_values(t.field(k), df[k]) for k in key]
        out: dict[tuple, str] = {}
        for rid, *values in zip(df["id"], *cols, strict=True):
            if tuple(values) in wanted:
                out.setdefault(tuple(values), str(rid))
        return out


class _TxView(_View):
    _PER_VALUE = 50  # up to this many key values are looked up one by one, else all rows read

    def __init__(self, tx: Transaction) -> None:
        self.tx = tx
        self.lookup = tx.lookup

    def rows(self, table_key: str, fields: Sequence[str]) -> list[Row]:
        return self.tx.select(table_key, include_archived=True)

    def same(self, t: Table, key: tuple[str, ...], wanted: set[tuple]) -> dict[tuple, str]:
        firsts = self.lookup.taken(t.key, key[0], {w[0] for w in wanted}, set())
        if not firsts:
            return {}
        if len(firsts) <= self._PER_VALUE:
            found = [r for v in firsts for r in self.tx.select(t.key, **{key[0]: v})]
        else:
            found = self.tx.select(t.key)
        out: dict[tuple, str] = {}
        for r in found:
            values = tuple(r.get(k) for k in key)
            if values in wanted:
                out.setdefault(values, r["id"])
        return out


class _Directory:
    """The rows of a referenced table by id, title and match keys (读 `幸福一村` as com-1)."""

    def __init__(self, t: Table, rows: list[Row]) -> None:
        self.t = t
        self.by_id = {str(r["id"]): r for r in rows}
        self.keys = [k for k in (t.title_field, *t.match_keys) if t.field(k).type == "text"]
        self.index: dict[str, dict[str, list[str]]] = {k: {} for k in self.keys}
        for r in rows:
            for k in self.keys:
                norm = self.norm(k, r.get(k))
                if norm:
                    self.index[k].setdefault(norm, []).append(str(r["id"]))

    def norm(self, key: str, value: Any) -> str:
        if blank(value):
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        fmt = self.t.field(key).fmt
        if fmt == "id_number":
            return identity.normalise_id(text)
        if fmt in ("mobile", "phone"):
            return identity.normalise_phone(text)
        return "".join(text.split()).casefold()

    def find(self, key: str | None, value: Any) -> list[str]:
        """Ids whose `key` (None: the id, the title, then each match key) equals `value`."""
        if key is None:
            text = str(value).strip()
            if text in self.by_id:
                return [text]
            for k in self.keys:
                if hits := self.find(k, value):
                    return hits
            return []
        norm = self.norm(key, value)
        hits = self.index[key].get(norm, [])
        if not hits and key == self.t.title_field and norm:
            suffix = self.t.zh.casefold()  # 幸福一村社区 is 幸福一村
            other = norm.removesuffix(suffix) if norm.endswith(suffix) else norm + suffix
            hits = self.index[key].get(other, [])
        return list(hits)


def _resolve(
    t: Table,
    row: ImportRow,
    f: Field,
    directory: _Directory,
    prepared: Prepared,
    values: dict[str, Any],
) -> tuple[str | None, ImportProblem | None]:
    """The id a reference points at, from its column and the columns that name it another way
    (志愿者 by 姓名 and 手机号 together); or a problem saying what was not found."""
    other = directory.t
    given = [(None, f.key)] + [(k, f"{f.key}.{k}") for k in other.match_keys]
    ids: set[str] | None = None
    said: list[tuple[Field, Any]] = []
    for via, target in given:
        value = row.cells.get(target)
        if blank(value):
            continue
        col = prepared.column_of(target)
        hits = directory.find(via, value)
        live = {i for i in hits if not directory.by_id[i].get("archived")}
        if not live:
            if hits:
                zh = f"{other.zh}“{value}”已归档，不能再使用"
                return None, _at(row.row, col, zh, f"{other.en} “{value}” is archived")
            if via is None:
                zh, en = f"找不到{other.zh}“{value}”", f"no {other.en} “{value}” found"
            else:
                of = other.field(via)
                zh = f"找不到{of.zh}为“{value}”的{other.zh}"
                en = f"no {other.en} with {of.en} “{value}” found"
            return None, _at(row.row, col, zh + "：请核对，或先把它添加到工作台",
                             en + ": check it, or add it to the desk first")  # fmt: skip
        named = other.field(via or other.title_field)
        if ids is not None and not ids & live:
            first = "、".join(f"{lab.zh}“{v}”" for lab, v in said)
            first_en = ", ".join(f"{lab.en} “{v}”" for lab, v in said)
            zh = f"{first}与{named.zh}“{value}”不是同一个{other.zh}，请核对"
            en = f"{first_en} and {named.en} “{value}” are not the same {other.en}: please check"
            return None, _at(row.row, col, zh, en)
        ids = live if ids is None else ids & live
        said.append((named, value))
    if ids is None:
        return None, None
    if len(ids) > 1 and other.has("date") and isinstance(values.get("date"), dt.date):
        same_day = {i for i in ids if directory.by_id[i].get("date") == values["date"]}
        ids = same_day or ids
    if len(ids) > 1:
        col = prepared.column_of(f.key) or next(
            (prepared.column_of(x) for _, x in given if prepared.column_of(x)), None
        )
        keys = "、".join(other.field(k).zh for k in other.match_keys) or "日期"
        return None, _at(row.row, col,
                         f"有{len(ids)}个{other.zh}都叫“{said[0][1]}”，请加一列{keys}来区分",
                         f"{len(ids)} {other.en} are called “{said[0][1]}”: add a column to tell "
                         "them apart")  # fmt: skip
    return next(iter(ids)), None


# --- the checks, the same for the preview and the commit -------------------------------------


@dataclass
class Result:
    """What an import did or would do: every row of the file with its fate."""

    prepared: Prepared
    rows: list[ImportRow]  # the data rows, checked
    mode: str = "preview"  # preview | dry_run | run
    committed: bool = False  # rows were written
    skipped_invalid: bool = False  # refused rows were left out and the rest written
    blocked: bool = False  # a problem with the file as a whole: no row can be imported
    problems: list[ImportProblem] = field(default_factory=list)  # file-level

    def of(self, status: str) -> list[ImportRow]:
        return [r for r in self.rows if r.status == status]

    @property
    def accepted(self) -> list[ImportRow]:
        return self.of("ok")

    @property
    def refused(self) -> list[ImportRow]:
        return self.of("refused")

    @property
    def duplicates(self) -> list[ImportRow]:
        return self.of("duplicate")

    @property
    def skipped(self) -> list[ImportRow]:
        return self.prepared.skipped

    @property
    def imported(self) -> int:
        return len(self.accepted) if self.committed else 0

    @property
    def failed(self) -> bool:
        """Rows were refused, or the file as a whole: the CLI exits 1."""
        return self.blocked or bool(self.refused)


def _col_for(prepared: Prepared, key: str) -> Column | None:
    return prepared.column_of(key) or next(
        (c for c in prepared.columns if c.target and c.target.partition(".")[0] == key), None
    )


def _problem_at(prepared: Prepared, number: int, key: str | None, zh: str, en: str):
    col = _col_for(prepared, key) if key else None
    if col is None and key and key in prepared.defaults:
        t = prepared.table
        return ImportProblem(number, None, f"{t.field(key).zh}（统一填写的值）", zh, en)
    if col is None and key and prepared.table.has(key):
        f = prepared.table.field(key)
        return ImportProblem(number, None, f.zh, zh, en)
    return _at(number, col, zh, en)


def _same_label(t: Table, key: tuple[str, ...], lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(t.field(k).label(lang) for k in key if t.has(k))


def evaluate(prepared: Prepared, view: _View, actor: Actor, progress: Progress = _noop) -> Result:
    """Every data row checked against `view` (see the module docstring, steps 2 and 3)."""
    t = prepared.table
    rows = [replace(r, problems=list(r.problems), notes=list(r.notes)) for r in prepared.rows]
    result = Result(prepared, rows, problems=list(prepared.problems))
    if prepared.problems:
        result.blocked = True
        for r in rows:
            r.status = "refused"
        return result
    check_write(actor, t, [])  # the table as a whole: raises for a read-only account
    refs = [f for f in t.user_fields if f.type == "ref"]
    needed = [f for f in refs if any(
        not blank(r.cells.get(f.key)) or any(not blank(r.cells.get(f"{f.key}.{k}"))
                                              for k in table(f.ref or "").match_keys)
        for r in rows
    )]  # fmt: skip
    directories: dict[str, _Directory] = {}
    for f in needed:
        other = table(f.ref or "")
        if other.key not in directories:
            fields = [other.title_field, *other.match_keys, "date"]
            if other.community_field:
                fields.append(other.community_field)
            keep = [k for k in dict.fromkeys(fields) if other.has(k)]
            directories[other.key] = _Directory(other, view.rows(other.key, keep))
    progress(0.1, "refs")
    checked: list[tuple[int, dict[str, Any]]] = []
    by_number = {r.row: r for r in rows}
    id_fields = [f for f in t.user_fields if f.fmt == "id_number"]
    for n, r in enumerate(rows):
        if n % 500 == 0:
            progress(0.1 + 0.3 * n / max(len(rows), 1), "rows")
        values: dict[str, Any] = {}
        bad_fields: set[str] = set()
        for p in r.problems:
            col = next((c for c in prepared.columns if c.letter == p.column), None)
            if col and col.target:
                bad_fields.add(col.target.partition(".")[0])
        for f in id_fields:  # 110105198503054000: a number cell's 15 digits, saved as text
            if f.key not in bad_fields and (why := lost_digits_text(f, r.cells.get(f.key))):
                r.problems.append(_problem_at(prepared, r.row, f.key, *why))
                bad_fields.add(f.key)
        for f in t.user_fields:
            if f.type == "ref" or f.key in bad_fields:
                continue
            value = r.cells.get(f.key)
            if not blank(value):
                values[f.key] = value
        date_field = t.field("date") if t.has("date") else None
        if date_field is not None and "date" in values:
            day, why = clean_field(date_field, values["date"])
            if why is None:
                values["date"] = day
        for f in needed:
            rid, problem = _resolve(t, r, f, directories[f.ref or ""], prepared, values)
            if problem is not None:
                r.problems.append(problem)
                bad_fields.add(f.key)
            elif rid is not None:
                values[f.key] = rid
        cleaned, problems = clean_row(t, values, r.row)
        for p in problems:
            if p.field in bad_fields:
                continue
            zh, en = p.zh, p.en
            if (zh, en) == ("必填", "is required") and p.field:
                label = t.field(p.field)
                zh = f"这一格是空的，但“{label.zh}”必须填写"
                en = f"this cell is empty, but “{label.en}” is required"
            r.problems.append(_problem_at(prepared, r.row, p.field, zh, en))
        if not r.problems:
            try:
                check_write(actor, t, [cleaned], view.lookup)
            except PermissionDenied as err:
                key = t.community_field or t.scope_via
                r.problems.append(_problem_at(prepared, r.row, key, err.zh, err.en))
        r.values = cleaned
        if r.problems:
            r.status = "refused"
        else:
            checked.append((r.row, cleaned))
    progress(0.45, "duplicates")
    checked = _duplicates(t, view, checked, by_number)
    progress(0.55, "rules")
    for p in context_problems(t, checked, view.lookup):
        r = by_number[p.row] if p.row is not None else None
        if r is not None:
            r.problems.append(_problem_at(prepared, r.row, p.field, p.zh, p.en))
            r.status = "refused"
    return result


def _duplicates(
    t: Table,
    view: _View,
    checked: list[tuple[int, dict[str, Any]]],
    by_number: dict[int, ImportRow],
) -> list[tuple[int, dict[str, Any]]]:
    """Rows repeating a stored row (skipped as duplicates) or an earlier row of the file
    (refused: a person decides which one is right). Returns the rows still in."""
    keep = list(checked)
    for key in t.same_as:
        tuples = {n: tuple(v.get(k) for k in key) for n, v in keep if v.get(key[0]) is not None}
        if not tuples:
            continue
        stored = view.same(t, key, set(tuples.values()))
        first_in_file: dict[tuple, int] = {}
        still = []
        for n, v in keep:
            r = by_number[n]
            k = tuples.get(n)
            if k is not None and k in stored:
                r.status, r.duplicate_of = "duplicate", stored[k]
                zh = f"已有相同的{t.zh}（{_same_label(t, key, 'zh')}相同：{stored[k]}），不重复导入"
                en = (
                    f"already stored ({stored[k]}, same {_same_label(t, key, 'en')}): "
                    "not imported again"
                )
                r.problems.append(ImportProblem(n, None, None, zh, en))
                continue
            if k is not None and k in first_in_file:
                first = first_in_file[k]
                r.status = "refused"
                r.problems.append(
                    ImportProblem(
                        n,
                        None,
                        None,
                        f"与本文件第{first}行重复（{_same_label(t, key, 'zh')}相同）："
                        "请核对后只保留一行",
                        f"repeats row {first} of this file (same {_same_label(t, key, 'en')}): "
                        "keep one",
                    )
                )
                continue
            if k is not None:
                first_in_file[k] = n
            still.append((n, v))
        keep = still
    return keep


def preview(store: Store, prepared: Prepared, actor: Actor, progress: Progress = _noop) -> Result:
    """Check every row against the data as it is now, without the write lock (step 2)."""
    return evaluate(prepared, _FramesView(store), actor, progress)


# --- 3. the one transaction ------------------------------------------------------------------


def _payload(t: Table, rows: list[ImportRow]) -> int:
    """The size of the request body that appends `rows`, as the Sheets backend encodes cells
    (`sheets_cells.row_data`), with their system fields and audit rows (about 900 bytes)."""
    system = 400  # id, times, authors, version, archived
    audit = 900
    return sum(
        len(json.dumps(row_data([to_cell(f, (r.values or {}).get(f.key)) for f in t.user_fields])))
        + system
        + audit
        for r in rows
    )


class ImportRefused(DeskError):
    """Rows were refused and the batch was not to be split: nothing was written."""

    def __init__(self, result: Result) -> None:
        self.result = result
        n = len(result.refused)
        if result.blocked:
            zh, en = "文件有问题，没有导入任何行", "the file has problems: nothing was imported"
        else:
            zh = f"有{n}行有问题，整批没有导入（改正后重新导入，或选择跳过这些行）"
            en = f"{n} rows were refused, so nothing was imported (fix them, or skip them)"
        super().__init__(zh, en)


class _DryRun(Exception):
    def __init__(self, result: Result) -> None:
        self.result = result


def run(
    store: Store,
    prepared: Prepared,
    actor: Actor,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress = _noop,
) -> Result:
    """Check and write the accepted rows as ONE transaction (step 3).

    Refused rows stop the whole batch unless `skip_invalid`; duplicates of stored rows are
    never written again. `dry_run` checks and writes inside the transaction, then rolls it
    back. Returns the result (also when refused: `committed` is False, nothing was written).
    """
    t = prepared.table
    budget = SHEETS_IMPORT_BYTES if getattr(store, "backend", "") == "gsheets" else None

    def action(tx: Transaction) -> Result:
        result = evaluate(prepared, _TxView(tx), actor, lambda x, s: progress(x * 0.6, s))
        result.mode = "dry_run" if dry_run else "run"
        if result.blocked or (result.refused and not skip_invalid):
            raise ImportRefused(result)
        result.skipped_invalid = bool(result.refused)
        accepted = result.accepted
        if not accepted:
            raise _DryRun(result)  # nothing to write: leave the store (and its revision) alone
        if budget is not None and (size := _payload(t, accepted)) > budget:
            per_file = max(1, len(accepted) * budget // size)
            mb = f"{size / 1e6:.1f}"
            raise DeskError(
                f"这批数据（{len(accepted)}行，约{mb} MB）超过 Google 表格一次保存的上限"
                f"（约10 MB），没有导入：请把文件分成几份，每份不超过约{per_file}行，再分别导入",
                f"this batch ({len(accepted)} rows, about {mb} MB) is more than a Google Sheet "
                f"takes in one save (about 10 MB); nothing was imported: split the file into "
                f"parts of at most about {per_file} rows",
            )
        for start in range(0, len(accepted), CHUNK):
            chunk = accepted[start : start + CHUNK]
            try:
                stored = tx.append(t.key, [r.values or {} for r in chunk])
            except ValidationError as err:  # a rule the checks above missed: refuse, say where
                for p in err.problems:
                    r = chunk[(p.row or 1) - 1]
                    r.status = "refused"
                    r.problems.append(_problem_at(prepared, r.row, p.field, p.zh, p.en))
                raise ImportRefused(result) from None
            for r, s in zip(chunk, stored, strict=True):
                r.stored_id = s["id"]
            progress(0.6 + 0.4 * (start + len(chunk)) / len(accepted), "write")
        if dry_run:
            raise _DryRun(result)
        result.committed = bool(accepted)
        return result

    try:
        return store.transact(actor, action)
    except _DryRun as done:
        for r in done.result.accepted:
            r.stored_id = None
        return done.result
    except ImportRefused as refused:
        return refused.result


# --- the report ------------------------------------------------------------------------------

STATUS = {
    "ok": ("可导入", "to import"),
    "imported": ("已导入", "imported"),
    "refused": ("有问题，未导入", "refused"),
    "duplicate": ("已有相同记录，跳过", "already stored, skipped"),
    "skipped": ("跳过", "skipped"),
}


def status_label(result: Result, row: ImportRow, lang: str = "zh") -> str:
    key = "imported" if row.status == "ok" and result.committed else row.status
    zh, en = STATUS[key]
    return zh if lang == "zh" else en


def summary(result: Result, lang: str = "zh") -> str:
    """One line: what happened (or would), and how many rows of each kind."""
    ok, bad = len(result.accepted), len(result.refused)
    dup, skip = len(result.duplicates), len(result.skipped)
    zh = lang == "zh"
    if result.mode == "preview":
        head = f"预览：可导入 {ok} 行" if zh else f"Preview: {ok} rows to import"
    elif result.blocked:
        head = "没有导入任何行：文件有问题" if zh else "Nothing imported: the file has problems"
    elif result.refused and not result.committed and ok and not result.skipped_invalid:
        head = (
            f"没有导入任何行：有 {bad} 行有问题（改正后重新导入，或选择跳过这些行）"
            if zh
            else f"Nothing imported: {bad} rows were refused (fix them, or skip them)"
        )
    elif result.mode == "dry_run":
        head = (
            f"试导入完成（没有保存）：可导入 {ok} 行"
            if zh
            else f"Dry run done (nothing saved): {ok} rows would be imported"
        )
    elif result.committed:
        head = f"已导入 {ok} 行" if zh else f"{ok} rows imported"
    else:
        head = "没有需要导入的新行" if zh else "No new rows to import"
    if zh:
        return (
            f"{head}；有问题 {bad} 行；已有相同记录 {dup} 行；跳过 {skip} 行（空行、合计行、说明）"
        )
    return f"{head}; {bad} refused; {dup} already stored; {skip} skipped (blank, totals, notes)"


def mapping_lines(prepared: Prepared, lang: str = "zh") -> list[str]:
    t = prepared.table
    used, unused = [], []
    for c in prepared.columns:
        head = f"“{c.header}”" if c.header else ""
        name = f"{c.letter}列{head}" if lang == "zh" else f"column {c.letter}{head}"
        if c.target:
            used.append(f"{name}→{target_label(t, c.target, lang)}")
        elif c.header:
            unused.append(name)
    sep = "；" if lang == "zh" else "; "
    lines = [("列的对应关系：" if lang == "zh" else "Columns: ") + sep.join(used)]
    if unused:
        lines.append(
            ("不导入的列：" if lang == "zh" else "Columns not imported: ") + sep.join(unused)
        )
    for key, value in prepared.defaults.items():
        label = t.field(key).label(lang)
        lines.append(
            f"统一填写：{label} = {value}"
            if lang == "zh"
            else f"Same for every row: {label} = {value}"
        )
    return lines


def report_text(result: Result, lang: str = "zh") -> str:
    """The report the CLI prints and the page offers: what was (or would be) imported,
    skipped and refused, each with its row and column."""
    p = result.prepared
    zh = lang == "zh"
    head = (
        f"导入“{p.table.zh}” · 文件：{p.source.name} · 工作表：{p.sheet.name}"
        f" · 表头：第{p.header_row}行"
        if zh
        else f"Import into {p.table.en} · file: {p.source.name} · sheet: {p.sheet.name} · "
        f"header: row {p.header_row}"
    )
    if p.source.encoding:
        head += f" · {'编码' if zh else 'encoding'}：{p.source.encoding}"
    lines = [head, *mapping_lines(p, lang), summary(result, lang)]
    sections = [
        ("文件的问题" if zh else "Problems with the file", result.problems),
        ("有问题的行（未导入）" if zh else "Refused rows",
         [x for r in result.refused for x in r.problems]),
        ("已有相同记录（跳过）" if zh else "Already stored (skipped)",
         [x for r in result.duplicates for x in r.problems]),
        ("跳过的行" if zh else "Skipped rows", [x for r in result.skipped for x in r.problems]),
        ("说明" if zh else "Notes", [*p.notes, *_grouped(result, lang)]),
    ]  # fmt: skip
    for title, items in sections:
        if items:
            lines.append("")
            lines.append(f"{title}（{len(items)}）：" if zh else f"{title} ({len(items)}):")
            lines.extend(x.message(lang) for x in items)
    return "\n".join(lines)


def _grouped(result: Result, lang: str) -> list[ImportProblem]:
    """Row notes, the same change on more than 3 rows said once (the CSV report lists each)."""
    notes = [x for r in result.rows for x in r.notes]
    out: list[ImportProblem] = []
    groups: dict[tuple, list[ImportProblem]] = {}
    for x in notes:
        if x.group is None:
            out.append(x)
        else:
            groups.setdefault((x.column, x.header, x.group), []).append(x)
    for (column, header, (zh, en)), items in groups.items():
        if len(items) <= 3:
            out.extend(items)
            continue
        rows = [str(x.row) for x in items[:5]]
        more = "…" if len(items) > 5 else ""
        out.append(ImportProblem(
            None, column, header,
            zh.format(n=len(items)) + f"（第{'、'.join(rows)}{more}行，每行见导入报告）",
            en.format(n=len(items)) + f" (rows {', '.join(rows)}{more}; each in the report)",
        ))  # fmt: skip
    return out


def report_rows(result: Result, lang: str = "zh") -> pd.DataFrame:
    """One line per row of the file (and per file-level problem): row, status, columns, why;
    with the imported rows' new ids. For the downloadable report."""
    t = result.prepared.table
    title = t.title_field
    zh = lang == "zh"
    names = (
        ("行号", "结果", "名称", "编号", "说明") if zh else ("Row", "Result", "Name", "ID", "Why")
    )
    out = []
    for p in result.problems:
        out.append({names[0]: None, names[1]: "文件" if zh else "file", names[2]: "",
                    names[3]: "", names[4]: p.message(lang)})  # fmt: skip
    every = sorted([*result.rows, *result.skipped], key=lambda r: r.row)
    sep = "；" if zh else "; "
    for r in every:
        why = sep.join(x.message(lang) for x in [*r.problems, *r.notes])
        shown = r.cells.get(title)
        out.append({
            names[0]: r.row,
            names[1]: status_label(result, r, lang),
            names[2]: "" if blank(shown) else str(shown),
            names[3]: r.stored_id or r.duplicate_of or "",
            names[4]: why,
        })  # fmt: skip
    return pd.DataFrame(out, columns=list(names))


def as_json(result: Result) -> str:
    """A machine-readable summary (counts and refused rows), for scripts."""
    return json.dumps(
        {
            "table": result.prepared.table.key,
            "mode": result.mode,
            "committed": result.committed,
            "accepted": len(result.accepted),
            "refused": [r.row for r in result.refused],
            "duplicates": [r.row for r in result.duplicates],
            "skipped": [r.row for r in result.skipped],
        },
        ensure_ascii=False,
    )
