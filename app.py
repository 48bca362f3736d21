"""Entry point: `streamlit run app.py`. Navigation, sidebar (language, storage status)."""

from __future__ import annotations

import streamlit as st

from sltcore.ui import get_store, lang, tr
from sltcore.ui.shell import sidebar

st.set_page_config(page_title="三里屯志愿服务工作台", page_icon="🤝", layout="wide")

if "lang" not in st.session_state:
    st.session_state["lang"] = "zh"

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
    ],
    tr("nav.section.leaders"): [
        st.Page(
            "app_pages/dashboard.py",
            title=tr("nav.dashboard"),
            icon=":material/dashboard:",
            url_path="dashboard",
            default=True,
        ),
        st.Page(
            "app_pages/stars.py", title=tr("nav.stars"), icon=":material/star:", url_path="stars"
        ),
        st.Page(
            "app_pages/reports.py",
            title=tr("nav.reports"),
            icon=":material/description:",
            url_path="reports",
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
            "app_pages/export_data.py",
            title=tr("nav.export"),
            icon=":material/download:",
            url_path="export",
        ),
        st.Page(
            "app_pages/health.py",
            title=tr("nav.health"),
            icon=":material/health_and_safety:",
            url_path="health",
        ),
    ],
}

# Streamlit's own English typing hints ("Press Enter to apply") would be the only English on a
# Chinese page; the forms say what to do in their own words.
st.html("<style>[data-testid='InputInstructions']{display:none}</style>")
navigation = st.navigation(pages)
sidebar(get_store(), lang())
navigation.run()
