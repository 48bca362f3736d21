"""登录 Sign in: the only page anyone sees before signing in. It shows no data."""

from __future__ import annotations

import streamlit as st

from sltcore import config
from sltcore.ui import lang, tr
from sltcore.ui.signin import NOTICE, password_sign_in, remember_requested_page
from sltcore.ui.text import md_lines

remember_requested_page()
st.title(tr("signin.title"))
st.caption(tr("signin.intro"))
notice = st.session_state.get(NOTICE)
if notice:
    st.info(notice, icon=":material/info:")

left, _ = st.columns([2, 3])
with left:
    with st.form("signin", border=True):
        username = st.text_input(tr("signin.username"), key="signin.username", max_chars=40)
        password = st.text_input(
            tr("signin.password"), type="password", key="signin.password", max_chars=200
        )
        submitted = st.form_submit_button(
            tr("signin.submit"), type="primary", icon=":material/login:", width="stretch"
        )
    if submitted:
        refused = password_sign_in(username, password)
        if refused is None:
            st.rerun()
        st.error(md_lines(refused.message(lang())), icon=":material/lock:")

    auth = config.auth_section()
    if auth is not None:
        st.divider()
        providers = [k for k, v in auth.items() if isinstance(v, dict) and "client_id" in v]
        for provider in providers or [None]:
            label = tr("signin.sso") if provider is None else tr("signin.sso.named", name=provider)
            if st.button(label, icon=":material/badge:", key=f"signin.sso.{provider}"):
                try:
                    st.login(provider) if provider else st.login()
                except Exception:  # Authlib missing, or an incomplete [auth] section
                    st.error(tr("signin.sso.broken"), icon=":material/warning:")
st.caption(tr("signin.help"))
