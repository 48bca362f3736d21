"""Errors that quote what people typed (file, sheet and cell values), escaped with `ui.text.md`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from sltcore.errors import DeskError
from sltcore.ui.text import md  # the one escaping rule

T = TypeVar("T")


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
