"""Entry point: `streamlit run app.py`. Sign-in, navigation, sidebar (language, storage)."""

from __future__ import annotations

import streamlit as st

from sltcore import auth
from sltcore.ui import init_lang, store_or_error, tr
from sltcore.ui.shell import sidebar, signin_sidebar
from sltcore.ui.signin import gate, go_to_requested_page

st.set_page_config(page_icon="🤝", layout="wide")  # the tab's title follows the page, below
lang = init_lang()  # the session's choice, else ?lang= in the address; kept in the address
# Streamlit's own English typing hints ("Press Enter to apply") would be the only English on a
# Chinese page; the forms say what to do in their own words.
st.html("<style>[data-testid='InputInstructions']{display:none}</style>")

DESK_PATHS = ("record", "events", "volunteers", "teams", "dashboard", "stars", "reports",
              "tables", "overview", "audit", "admin", "start")  # fmt: skip
# With accounts configured, nothing but the sign-in page exists for a visitor not signed in.
actor = gate()
if actor is None:
    signin_sidebar(lang)
    # Every address of the desk shows the sign-in page (no "page not found"), and the
    # address is kept, so sign-in leads to the bookmarked page (`go_to_requested_page`).
    page = st.navigation(
        [
            st.Page(
                "app_pages/signin.py",
                title=tr("nav.signin"),
                icon=":material/login:",
                url_path=path,
                default=path == "signin",
                visibility="visible" if path == "signin" else "hidden",
            )
            for path in ("signin", *DESK_PATHS)
        ]
    )
    st.set_page_config(page_title=f"{page.title} · {tr('app.title.short')}")
    page.run()
    st.stop()
writer = auth.can(actor, "write")

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
        *(
            [
                st.Page(
                    "app_pages/record.py",
                    title=tr("nav.record"),
                    icon=":material/edit_note:",
                    url_path="record",
                )
            ]
            if writer
            else []
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
        st.Page(
            "app_pages/import_data.py",
            title=tr("nav.import"),
            icon=":material/upload_file:",
            url_path="import",
        ),
        st.Page(
            "app_pages/health.py",
            title=tr("nav.health"),
            icon=":material/health_and_safety:",
            url_path="health",
        ),
        st.Page(
            "app_pages/export_data.py",
            title=tr("nav.export"),
            icon=":material/download:",
            url_path="export",
        ),
        *(
            [
                st.Page(
                    "app_pages/audit.py",
                    title=tr("nav.audit"),
                    icon=":material/history:",
                    url_path="audit",
                ),
                st.Page(
                    "app_pages/admin.py",
                    title=tr("nav.admin"),
                    icon=":material/admin_panel_settings:",
                    url_path="admin",
                ),
            ]
            if auth.can(actor, "audit")
            else []
        ),
    ],
}

# Every page listed: a collapsed menu would say "View 3 more", in English only.
navigation = st.navigation(pages, expanded=True)
go_to_requested_page([p for section in pages.values() for p in section])  # a bookmark
# Each page its own browser-tab title, so several open tabs can be told apart.
st.set_page_config(page_title=f"{navigation.title} · {tr('app.title.short')}")
# The sidebar (language, storage) draws even when the store cannot open: the page then says
# why, in the chosen language, and how to fall back to the local database.
sidebar(store_or_error(), lang)
navigation.run()
