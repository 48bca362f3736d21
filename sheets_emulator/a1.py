"""A1 notation: parsing request ranges and formatting response ranges the way Google does.

Pure functions, no workbook state: a parsed range still has to be resolved against a sheet's
grid (see ``state.Sheet``) because unbounded ends ("A:C", "2:5", "Sheet1") mean "to the edge
of the grid" and Google echoes them back clipped to it ("Sheet1!A1:Z1000").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_COLUMNS = 18278  # column ZZZ, the widest grid Google Sheets allows

_REF = re.compile(r"\$?([A-Za-z]{1,3})?\$?([0-9]+)?")
_PLAIN_TITLE = re.compile(r"[^\W\d]\w*")
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc][0-9]*")


class A1Error(ValueError):
    """The text is not a range Google would accept."""


@dataclass(frozen=True)
class ParsedRange:
    """A range as written: ``sheet`` None means "the first visible sheet".

    Indices are 0-based; ``end_row``/``end_col`` None mean unbounded (to the grid's edge).
    ``whole_sheet`` is true for a bare sheet title such as ``'My Sheet'``.
    """

    sheet: str | None
    start_row: int = 0
    start_col: int = 0
    end_row: int | None = None
    end_col: int | None = None
    whole_sheet: bool = False

    @property
    def single_cell(self) -> bool:
        """True for "A1"-style ranges, which gspread uses as a write anchor."""
        return (
            not self.whole_sheet
            and self.end_row == self.start_row
            and self.end_col == self.start_col
        )


def col_to_letters(index: int) -> str:
    """0-based column index to letters: 0 -> "A", 26 -> "AA"."""
    if index < 0:
        raise ValueError(f"negative column index {index}")
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def letters_to_col(letters: str) -> int:
    """Column letters to 0-based index: "A" -> 0, "AA" -> 26 (any case)."""
    n = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            raise ValueError(f"not a column: {letters!r}")
        n = n * 26 + (ord(ch) - ord("A") + 1)
    return n - 1


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> "B3"."""
    return f"{col_to_letters(col)}{row + 1}"


def needs_quotes(title: str) -> bool:
    """Whether Google quotes this sheet title in the ranges it returns.

    Observed: "Sheet1" bare, "🌵 test 1" quoted. Titles that are words (letters, digits,
    underscore; CJK letters count) stay bare unless they could be read as a cell reference.
    """
    if not _PLAIN_TITLE.fullmatch(title):
        return True
    return bool(_CELL_LIKE.fullmatch(title)) or title.upper() in {"TRUE", "FALSE"}


def quote_title(title: str) -> str:
    """Sheet title as it appears before "!" in a normalised range."""
    if needs_quotes(title):
        return "'" + title.replace("'", "''") + "'"
    return title


def format_range(title: str, r0: int, c0: int, r1: int, c1: int) -> str:
    """Normalised A1 range: "Sheet1!A1:D4", a single cell as "Sheet1!B2"."""
    start = cell_name(r0, c0)
    if (r0, c0) == (r1, c1):
        return f"{quote_title(title)}!{start}"
    return f"{quote_title(title)}!{start}:{cell_name(r1, c1)}"


def _parse_ref(text: str) -> tuple[int | None, int | None]:
    """One side of a range: returns (row, col), each None when absent."""
    m = _REF.fullmatch(text)
    if not text or not m or (m.group(1) is None and m.group(2) is None):
        raise A1Error(text)
    col = None
    if m.group(1) is not None:
        col = letters_to_col(m.group(1))
        if col >= MAX_COLUMNS:
            raise A1Error(text)
    row = None
    if m.group(2) is not None:
        row = int(m.group(2)) - 1
        if row < 0:
            raise A1Error(text)
    return row, col


def parse_cells(text: str) -> ParsedRange:
    """The part after "!": "A1", "A1:C3", "A:C", "2:5", "A2:C", "A1:1"."""
    parts = text.split(":")
    if len(parts) == 1:
        row, col = _parse_ref(parts[0])
        if row is None or col is None:
            raise A1Error(text)
        return ParsedRange(None, row, col, row, col)
    if len(parts) != 2:
        raise A1Error(text)
    (r0, c0), (r1, c1) = _parse_ref(parts[0]), _parse_ref(parts[1])
    if c0 is None and c1 is not None and r0 is not None and r1 is not None:
        c0 = 0  # "1:B5": from column A
    if r0 is None and r1 is not None and c0 is not None and c1 is not None:
        r0 = 0  # "A:B5": from row 1
    if (c0 is None and c1 is not None) or (r0 is None and r1 is not None):
        raise A1Error(text)  # "A:5" and the like
    start_row, start_col = r0 or 0, c0 or 0
    if r1 is not None and r1 < start_row:
        start_row, r1 = r1, start_row
    if c1 is not None and c1 < start_col:
        start_col, c1 = c1, start_col
    return ParsedRange(None, start_row, start_col, r1, c1)


def parse_range(text: str) -> ParsedRange:
    """Parse a request range; raises A1Error with Google's wording left to the caller."""
    if not text:
        raise A1Error(text)
    if text.startswith("'"):
        i, title = 1, []
        while True:
            j = text.find("'", i)
            if j < 0:
                raise A1Error(text)
            title.append(text[i:j])
            if text.startswith("''", j):
                title.append("'")
                i = j + 2
                continue
            rest = text[j + 1 :]
            break
        sheet = "".join(title)
        if not sheet:
            raise A1Error(text)
        if rest == "":
            return ParsedRange(sheet, whole_sheet=True)
        if not rest.startswith("!"):
            raise A1Error(text)
        cells = parse_cells(rest[1:])
        return ParsedRange(sheet, cells.start_row, cells.start_col, cells.end_row, cells.end_col)
    if "!" in text:
        sheet, _, cell_text = text.rpartition("!")
        if not sheet:
            raise A1Error(text)
        cells = parse_cells(cell_text)
        return ParsedRange(sheet, cells.start_row, cells.start_col, cells.end_row, cells.end_col)
    try:
        return parse_cells(text)
    except A1Error:
        return ParsedRange(text, whole_sheet=True)
