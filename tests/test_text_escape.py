"""Typed text shown as typed: the escaping helper against what Streamlit would render."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sltcore.ui.text import md

RENDER = MarkdownIt("commonmark")


def _plain(text: str) -> str:
    return RENDER.renderInline(md(text))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
               min_size=1, max_size=40))  # fmt: skip
def test_any_text_renders_as_itself(text: str) -> None:
    import html

    # the invisible joiners md() adds to keep addresses from becoming links show nothing
    assert html.unescape(_plain(text)).replace("\u2060", "") == text.replace("\u2060", "")


def test_links_images_and_tags_stay_text() -> None:
    bad_names = [
        "![](http://evil.example/x.png)",
        "[点我](http://evil.example)",
        "<img src=x onerror=alert(1)>",
        "**粗体** _斜体_ `code`",
        ":red[红字] :smile:",
    ]
    for bad in bad_names:
        out = _plain(bad)
        assert "<img" not in out and "<a " not in out and "<strong>" not in out
        assert "<em>" not in out and "<code>" not in out
