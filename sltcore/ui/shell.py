"""The sidebar every page shares, and the first-run screen of an empty store."""

from __future__ import annotations

import streamlit as st

from sltcore import auth, i18n
from sltcore.errors import DeskError
from sltcore.schema import ROLE
from sltcore.services import accounts as account_service
from sltcore.store import Store
from sltcore.ui import after_write, attempt, current_actor, keep_lang_in_url, lang, tables, tr
from sltcore.ui.signin import expiry_watch, sign_out, signed_in
from sltcore.ui.text import md

LANG_OPTIONS = {"zh": "中文", "en": "English"}


def _language(current_lang: str, store: Store | DeskError | None = None) -> None:
    choice = st.segmented_control(
        tr("sidebar.language"),
        options=list(LANG_OPTIONS),
        format_func=LANG_OPTIONS.get,
        default=current_lang,
        key="lang_switch",
    )
    if choice and choice != current_lang:
        st.session_state["lang"] = choice
        keep_lang_in_url()
        if signed_in() and isinstance(store, Store):  # kept for the account's next sign-in
            attempt(lambda: account_service.set_language(store, current_actor(), choice))
            after_write()
        st.rerun()


def signin_sidebar(current_lang: str) -> None:
    """Before sign-in: the desk's name and the language, nothing about the data."""
    with st.sidebar:
        st.markdown(f"### {tr('app.title')}")
        _language(current_lang)


def sidebar(store: Store | DeskError, current_lang: str) -> None:
    """Language, the signed-in account with sign-out, and storage status. `store` is the
    configuration problem instead when the store could not open: the language can still be
    switched, and the page says why."""
    with st.sidebar:
        st.markdown(f"### {tr('app.title')}")
        _language(current_lang, store)
        _account()
        if isinstance(store, DeskError):
            st.caption(tr("sidebar.backend_line", backend=tr("sidebar.backend.failed")))
            return
        info = store.describe()
        backend = tr(f"sidebar.backend.{info['backend']}")
        st.caption(tr("sidebar.backend_line", backend=backend), help=info.get("where"))
        if st.session_state.get("read_at"):
            st.caption(tr("sidebar.read_at", time=st.session_state["read_at"]))
        if st.button(tr("sidebar.refresh"), icon=":material/refresh:", key="refresh_data"):
            reload = getattr(store, "reload", None)
            if callable(reload):  # a shared sheet: other people's edits too
                attempt(reload)
            after_write()
            st.rerun()
        outcome_check(store)


def _account() -> None:
    """Who is signed in, their role, and sign-out in one click."""
    actor = current_actor()
    role = next((c.zh if lang() == "zh" else c.en for c in ROLE if c.key == actor.role), "")
    st.caption(tr("sidebar.user_line", user=md(actor.display_name or actor.username), role=role))
    if signed_in():
        if st.button(tr("sidebar.sign_out"), icon=":material/logout:", key="sign_out"):
            sign_out(tr("signin.signed_out"))
            st.rerun()
        expiry_watch()


def outcome_check(store: Store) -> None:
    """Saves whose answer was lost: ask the sheet whether each landed, and say which."""
    tokens = st.session_state.get("unknown_outcomes") or []
    if not tokens:
        return
    st.warning(tr("outcome.pending", count=len(tokens)), icon=":material/help:")
    if st.button(tr("outcome.check"), key="outcome_check"):
        outcome = getattr(store, "outcome", None)
        for token in list(tokens):
            landed = attempt(lambda t=token: outcome(t)) if callable(outcome) else False
            if landed is None:
                return  # still unreachable: the error was shown; the question stays
            if landed:
                st.success(tr("outcome.saved"), icon=":material/check_circle:")
            else:
                st.info(tr("outcome.absent"), icon=":material/undo:")
            tokens.remove(token)
        after_write()


def first_run(store: Store) -> bool:
    """On an empty store, offer the sample data. Returns True when the screen was shown."""
    from sltcore import demo

    if not demo.is_empty(tables()):
        return False
    if not auth.can(current_actor(), "settings"):  # only an administrator fills the store
        st.info(tr("home.empty.ask_admin"), icon=":material/hourglass_empty:")
        return True
    st.info(
        f"**{tr('home.empty.title')}**\n\n{tr('home.empty.body')}", icon=":material/waving_hand:"
    )
    left, right = st.columns(2)
    if left.button(tr("home.empty.demo"), type="primary", key="load_demo"):
        sizes = {k: i18n.fmt_number(v, lang(), 0) for k, v in demo.DEFAULT_SIZE.items()}
        with st.status(tr("home.empty.loading", **sizes), expanded=False) as status:
            summary = attempt(lambda: demo.load_demo(store, progress=status.write))
            if summary is not None:
                status.update(state="complete")
        after_write()
        if summary is not None:
            st.toast(
                tr(
                    "home.empty.done",
                    volunteers=i18n.fmt_number(summary["volunteers"], lang(), 0),
                    records=i18n.fmt_number(summary["service_records"], lang(), 0),
                ),
                icon=":material/check_circle:",
            )
            st.rerun()
    if right.button(tr("home.empty.init"), key="load_reference"):
        attempt(lambda: demo.load_reference(store))
        after_write()
        st.rerun()
    return True


__all__ = ["LANG_OPTIONS", "first_run", "sidebar"]
