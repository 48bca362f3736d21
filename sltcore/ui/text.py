"""Text people typed is data, never markup: the one escaping helper for Streamlit Markdown.

Streamlit renders labels, captions and alert bodies as Markdown (links, images, HTML-like
tags, `:emoji:` and `:color[...]` directives, `$…$` LaTeX). CommonMark lets a backslash
make any ASCII punctuation literal, so every punctuation character of user text gets one;
a name like `![](http://host/x.png)` then shows as typed and loads nothing.

Streamlit's Markdown also turns bare addresses into links (GFM autolink literals: `http://`,
`www.`, e-mail addresses), after escapes are read. An invisible WORD JOINER (U+2060) inside
`://`, after `www` and after `@` keeps a typed address plain text; it shows nothing.
"""

from __future__ import annotations

import re
import string
from typing import Any

_PUNCT = frozenset(string.punctuation)


JOINER = "\u2060"  # WORD JOINER: invisible, breaks the autolinker's patterns
_AUTOLINK = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)", re.IGNORECASE)


def md(text: Any) -> str:
    """`text` as Markdown that renders exactly as typed (line breaks kept), never a link."""
    if text is None:
        return ""
    plain = _AUTOLINK.sub(JOINER, str(text))
    escaped = "".join("\\" + ch if ch in _PUNCT else ch for ch in plain)
    return escaped.replace("\n", "  \n")  # a typed line break stays a break


def md_lines(text: Any) -> str:
    """A message built from user text: each line escaped, a leading "- " kept as a list item,
    so a service's refusal list renders as a list while the names in it stay literal."""
    out = []
    for line in str(text or "").split("\n"):
        if line.startswith("- "):
            out.append("- " + md(line[2:]))
        else:
            out.append(md(line))
    return "\n".join(out)
