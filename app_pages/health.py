"""数据体检 Data health: what `python -m sltcore check` finds, each with a link to the page
where it is mended."""

from __future__ import annotations

import streamlit as st

from sltcore.services import health
from sltcore.ui import attempt, get_store, lang, tr
from sltcore.ui.health import finding_line, kind_title
from sltcore.ui.kit import load_frames

LIMIT = 50  # findings listed per kind; the command line lists them all

store = get_store()
frames = load_frames()
lg = lang()

st.title(tr("health.title"))
st.caption(tr("health.intro"))
key = ("health", store.revision())
cached = st.session_state.get("health.findings")
if cached is None or cached[0] != key or st.button(tr("health.rerun"), key="health.rerun"):
    with st.spinner(tr("health.running")):
        findings = attempt(lambda: health.check(store))
    if findings is None:
        st.stop()
    st.session_state["health.findings"] = (key, findings)
else:
    findings = cached[1]

problems = health.problems(findings)
warnings = len(findings) - len(problems)
if not problems:
    st.success(tr("health.clean"), icon=":material/verified:")
else:
    st.error(tr("health.found", count=len(problems)), icon=":material/report:")
if warnings:
    st.info(tr("health.warnings", count=warnings), icon=":material/info:")

by_kind = {k: [f for f in findings if f.kind == k] for k in health.KINDS}
for kind, items in by_kind.items():
    if not items:
        continue
    with st.expander(f"{kind_title(kind)} · {len(items)}", expanded=len(findings) <= 20):
        st.caption(tr(f"health.kind.{kind}.help"))
        for f in items[:LIMIT]:
            finding_line(f, frames, lg)
        if len(items) > LIMIT:
            st.caption(tr("health.more", shown=LIMIT, count=len(items)))
