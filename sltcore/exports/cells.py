"""Text cells a spreadsheet will never run as a formula (OWASP ASVS 1.2.10): the one rule
every file the desk writes follows.

A cell starting with = + - @ (or their full-width forms ＝ ＋ － ＠, which Excel and WPS also
accept), a tab or a carriage return may be taken for a formula. In a CSV file, which the
programs evaluate as they open it, such text gets a leading `'` (`csv_safe`). In an xlsx
workbook every text cell is a string cell, and one that looks like a formula also carries
Excel's "quote prefix" style (`looks_like_formula`), so it stays text even when someone edits
the cell; its value is unchanged, so a backup restores exactly what was typed.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠", "\t", "\r")


def looks_like_formula(text: object) -> bool:
    return isinstance(text, str) and text.startswith(FORMULA_START)


def csv_safe(value: object) -> str:
    """Cell text that a spreadsheet will not evaluate: a leading `'` before formula starts."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_unsafe(text: str) -> str:
    """The text `csv_safe` was given: its `'` removed again when a formula start follows."""
    if text.startswith("'") and looks_like_formula(text[1:]):
        return text[1:]
    return text
