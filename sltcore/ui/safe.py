"""Showing text people typed exactly as typed, in places Streamlit renders as Markdown."""

from __future__ import annotations

import re

_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=\"'&%@^])")


def md(text: object) -> str:
    """`text` with every Markdown (and Streamlit colour / icon / LaTeX) sign escaped, and line
    breaks kept as breaks: `**张三**` or `:red[x]` typed into a cell shows as typed."""
    s = "" if text is None else str(text)
    return _PUNCT.sub(r"\\\1", s).replace("\n", "  \n")
