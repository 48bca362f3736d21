"""Showing text people typed exactly as typed, in places Streamlit renders as Markdown."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from sltcore.errors import DeskError

T = TypeVar("T")

_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&%@^])")


def md(text: object) -> str:
    """`text` with every Markdown (and Streamlit colour / icon / LaTeX) sign escaped, and line
    breaks kept as breaks: `**张三**` or `:red[x]` typed into a cell shows as typed."""
    s = "" if text is None else str(text)
    return _PUNCT.sub(r"\\\1", s).replace("\n", "  \n")


def show_error(err: BaseException, lang: str) -> None:
    """`ui.show_error`, for messages that quote what people typed (file, sheet and cell
    values): the message is escaped, so `*名单*.xlsx` shows as typed."""
    if isinstance(err, DeskError):
        st.error(md(err.message(lang)), icon=":material/warning:")
    else:
        from sltcore.ui import show_error as plain

        plain(err)


def attempt(fn: Callable[[], T], lang: str) -> T | None:
    """`ui.attempt` with `show_error` above."""
    try:
        return fn()
    except Exception as err:  # every error becomes a message, never a trace
        show_error(err, lang)
        return None
