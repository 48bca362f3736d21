"""Entry point: `streamlit run app.py`. Navigation, sidebar (language, storage status)."""

from __future__ import annotations

import streamlit as st

from sltcore.ui import init_lang, store_or_error, tr
from sltcore.ui.shell import sidebar

st.set_page_config(page_icon="🤝", layout="wide")  # the tab's title follows the page, below
lang = init_lang()  # the session's choice, else ?lang= in the address; kept in the address

dashboard = st.Page(
    "app_pages/dashboard.py",
    title=tr("nav.dashboard"),
    icon=":material/dashboard:",
    url_path="dashboard",
)


def _start() -> None:
    """The app's root address opens the dashboard at its own address, `/dashboard`, so a
    bookmark of either works and the navigation shows where one is."""
    st.switch_page(dashboard, query_params=st.query_params.to_dict())


pages = {
    tr("nav.section.daily"): [
        st.Page(
            "app_pages/record.py",
            title=tr("nav.record"),
            icon=":material/edit_note:",
            url_path="record",
        ),
        st.Page(
            "app_pages/events.py",
            title=tr("nav.events"),
            icon=":material/event:",
            url_path="events",
        ),
        st.Page(
            "app_pages/volunteers.py",
            title=tr("nav.volunteers"),
            icon=":material/person:",
            url_path="volunteers",
        ),
        st.Page(
            "app_pages/teams.py", title=tr("nav.teams"), icon=":material/groups:", url_path="teams"
        ),
        st.Page(
            "app_pages/timebank.py",
            title=tr("nav.timebank"),
            icon=":material/savings:",
            url_path="timebank",
        ),
        st.Page(
            "app_pages/pairings.py",
            title=tr("nav.pairings"),
            icon=":material/handshake:",
            url_path="pairings",
        ),
        st.Page(
            "app_pages/rosters.py",
            title=tr("nav.rosters"),
            icon=":material/shield_person:",
            url_path="rosters",
        ),
        st.Page(
            "app_pages/donations.py",
            title=tr("nav.donations"),
            icon=":material/volunteer_activism:",
            url_path="donations",
        ),
    ],
    tr("nav.section.leaders"): [
        dashboard,
        st.Page(
            "app_pages/stars.py", title=tr("nav.stars"), icon=":material/star:", url_path="stars"
        ),
        st.Page(
            "app_pages/reports.py",
            title=tr("nav.reports"),
            icon=":material/description:",
            url_path="reports",
        ),
        st.Page(
            _start, title=tr("nav.dashboard"), url_path="start", default=True, visibility="hidden"
        ),
    ],
    tr("nav.section.data"): [
        st.Page(
            "app_pages/tables.py",
            title=tr("nav.tables"),
            icon=":material/table_view:",
            url_path="tables",
        ),
        st.Page(
            "app_pages/home.py",
            title=tr("nav.home"),
            icon=":material/database:",
            url_path="overview",
        ),
    ],
}

# Streamlit's own English typing hints ("Press Enter to apply") would be the only English on a
# Chinese page; the forms say what to do in their own words.
st.html("<style>[data-testid='InputInstructions']{display:none}</style>")
# Every page listed: a collapsed menu would say "View 3 more", in English only.
navigation = st.navigation(pages, expanded=True)
# Each page its own browser-tab title, so several open tabs can be told apart.
st.set_page_config(page_title=f"{navigation.title} · {tr('app.title.short')}")
# The sidebar (language, storage) draws even when the store cannot open: the page then says
# why, in the chosen language, and how to fall back to the local database.
sidebar(store_or_error(), lang)
navigation.run()
