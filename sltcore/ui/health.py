"""A data-health finding as the page shows it: what is wrong, and a link to where to mend it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore import auth
from sltcore.services import health
from sltcore.ui import current_actor, tr
from sltcore.ui.safe import md

# Every page key `health.fix_target` names, and its file (registered in app.py).
PAGES = {
    "volunteers": "app_pages/volunteers.py",
    "events": "app_pages/events.py",
    "teams": "app_pages/teams.py",
    "tables": "app_pages/tables.py",
    "timebank": "app_pages/timebank.py",
    "pairings": "app_pages/pairings.py",
    "rosters": "app_pages/rosters.py",
    "donations": "app_pages/donations.py",
    "reports": "app_pages/reports.py",
    "admin": "app_pages/admin.py",
    "audit": "app_pages/audit.py",
}
# Pages app.py lists for administrators only (`auth.can(actor, "audit")`): a link to them for
# anyone else would name a page their navigation does not have.
ADMIN_PAGES = frozenset({"admin", "audit"})


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
    if page in ADMIN_PAGES and not auth.can(current_actor(), "audit"):
        link.caption(tr("health.fix.admin_only"))
        return
    link.page_link(
        PAGES[page], label=tr(f"health.fix.{page}"), icon=":material/build:", query_params=params
    )
