"""A data-health finding as the page shows it: what is wrong, and a link to where to mend it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore.services import health
from sltcore.ui import tr
from sltcore.ui.safe import md

PAGES = {
    "volunteers": "app_pages/volunteers.py",
    "events": "app_pages/events.py",
    "teams": "app_pages/teams.py",
    "tables": "app_pages/tables.py",
}


def kind_title(kind: str) -> str:
    return tr(f"health.kind.{kind}")


def finding_line(f: health.Finding, frames: dict[str, pd.DataFrame], lg: str) -> None:
    """The finding (as typed data, escaped) and, beside it, the link that opens the row."""
    text, link = st.columns([5, 1], vertical_alignment="center")
    text.markdown(md(f.message(lg)))
    target = health.fix_target(f, frames)
    if target is None:
        hint = "health.fix.sheet" if f.kind == "unreadable" else "health.fix.none"
        link.caption(tr(hint))
        return
    page, params = target
    link.page_link(
        PAGES[page], label=tr(f"health.fix.{page}"), icon=":material/build:", query_params=params
    )
