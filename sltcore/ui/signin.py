"""Sign-in: who is using this browser session, asked before any page draws.

`gate()` runs first on every run of app.py. With no accounts in the secrets file the desk is
open (the first try on one's own computer): everyone is the administrator, a banner says so,
and a visitor from another computer is turned away. With accounts, nothing but the sign-in
page draws until someone signs in (password, or single sign-on through `st.login` when
`[auth]` is configured); a session ends after `config.idle_minutes()` without a click, and
sign-out is one click in the sidebar.
"""

from __future__ import annotations

import ipaddress
import time
from urllib.parse import urlparse

import streamlit as st

from sltcore import accounts, config, i18n
from sltcore.accounts import Account
from sltcore.auth import Actor
from sltcore.errors import DeskError
from sltcore.services import accounts as account_service
from sltcore.ui import LANG_PARAM, keep_lang_in_url, lang, show_error, tables, tr
from sltcore.ui.text import md

USER = "auth.user"  # the signed-in user name
VIA = "auth.via"  # "password" or "sso"
SEEN = "auth.seen"  # time.monotonic() of the session's last run
NOTICE = "auth.notice"  # why the session ended (shown on the sign-in page)
ACTOR = "actor"  # the acting account, read by `current_actor()`


@st.cache_resource(show_spinner=False)
def throttle() -> accounts.Throttle:
    """One failure count per server process, shared by every browser session."""
    return accounts.Throttle()


def client_address() -> str | None:
    """The client's IP address (None when it connects through localhost, or when there is no
    browser at all: a test run)."""
    try:
        address = st.context.ip_address
    except Exception:  # no client (a bare run)
        return None
    return address if isinstance(address, str) and address else None


def is_local(address: str | None) -> bool:
    if address is None:
        return True
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def load_accounts() -> dict[str, Account]:
    """The configured accounts; a broken secrets file stops the page with its message."""
    try:
        return accounts.load()
    except DeskError as err:
        show_error(err)
        st.stop()
        raise  # pragma: no cover - st.stop() raises


def signed_in() -> str | None:
    return st.session_state.get(USER)


def _sso_user() -> dict:
    try:
        return st.user.to_dict()
    except Exception:
        return {}


def sign_out(notice: str | None = None) -> None:
    """End the session's sign-in (and the single sign-on cookie), one click."""
    via = st.session_state.get(VIA)
    for key in (USER, VIA, SEEN, ACTOR, NEXT):
        st.session_state.pop(key, None)
    if notice:
        st.session_state[NOTICE] = notice
    if via == "sso" and _sso_user().get("is_logged_in"):
        st.logout()


def _start_session(account: Account, via: str) -> None:
    st.session_state[USER] = account.username
    st.session_state[VIA] = via
    st.session_state[SEEN] = time.monotonic()
    st.session_state.pop(NOTICE, None)
    saved = _saved_language(account.username)
    if saved and LANG_PARAM not in st.query_params:  # an address's ?lang= wins (a bookmark)
        st.session_state["lang"] = saved
        st.session_state.pop("lang_switch", None)  # the switch follows on the next run
    keep_lang_in_url()


def _saved_language(username: str) -> str | None:
    try:
        return account_service.language(tables(), username)
    except Exception:  # the store is unreachable: the page will say so
        return None


def password_sign_in(username: str, password: str) -> DeskError | None:
    """Check the password (throttled) and start the session; the refusal, or None."""
    configured = load_accounts()
    try:
        frames = tables()
        off = account_service.disabled(configured.values(), frames)
        account = accounts.sign_in(
            configured, username, password, client_address(), throttle(), disabled=off
        )
    except DeskError as err:
        return err
    _start_session(account, "password")
    return None


def _sso(configured: dict[str, Account]) -> None:
    """Single sign-on: a signed-in identity whose e-mail is an account's signs it in."""
    if config.auth_section() is None:
        return
    user = _sso_user()
    if not user.get("is_logged_in"):
        return
    account = accounts.by_email(configured, user.get("email"))
    if account is None:
        st.session_state[NOTICE] = tr("signin.sso.unknown", email=md(user.get("email") or ""))
        return
    if not account_service.is_active(account, tables()):
        st.session_state[NOTICE] = tr("signin.disabled")
        return
    _start_session(account, "sso")


def gate() -> Actor | None:
    """The acting account of this run, or None when someone must sign in first."""
    configured = load_accounts()
    if not configured:
        return _open_desk()
    user = signed_in()
    if user:
        idle = config.idle_minutes() * 60
        if time.monotonic() - st.session_state.get(SEEN, 0.0) > idle:
            minutes = i18n.fmt_number(config.idle_minutes(), lang(), 0)
            sign_out(tr("signin.expired", minutes=minutes))
            user = None
    if not user:
        _sso(configured)
        user = signed_in()
    if not user:
        return None
    account = configured.get(user)
    frames = tables()
    if account is None or not account_service.is_active(account, frames):
        sign_out(tr("signin.disabled"))
        return None
    st.session_state[SEEN] = time.monotonic()
    actor = account_service.actor_for(account, frames)
    st.session_state[ACTOR] = actor
    return actor


def _open_desk() -> Actor | None:
    """No accounts: the first try on one's own computer. Everyone is the administrator, so
    the desk serves only this computer (config.toml binds 127.0.0.1) and says so."""
    if not is_local(client_address()):
        st.error(tr("signin.open.remote"), icon=":material/lock:")
        st.stop()
    # In the sidebar, on every page, above everything else there.
    st.sidebar.warning(tr("signin.open.banner"), icon=":material/lock_open:")
    actor = st.session_state.get(ACTOR)
    if not isinstance(actor, Actor):
        actor = Actor(config.default_user(), "admin", display_name=tr("user.default"))
        st.session_state[ACTOR] = actor
    return actor


NEXT = "auth.next"  # the page a visitor asked for before signing in: (url path, parameters)


def remember_requested_page() -> None:
    """A bookmark opened before signing in: remembered, so sign-in leads there."""
    if NEXT in st.session_state:
        return
    try:
        url = st.context.url
    except Exception:
        url = None
    path = urlparse(url).path.strip("/").split("/")[-1] if isinstance(url, str) else ""
    if path and path != "signin":
        params = {k: v for k, v in st.query_params.to_dict().items() if k != LANG_PARAM}
        st.session_state[NEXT] = (path, params)


def go_to_requested_page(pages: list) -> None:
    """After sign-in, open the page the visitor asked for, if their role has it."""
    asked = st.session_state.pop(NEXT, None)
    if not asked:
        return
    path, params = asked
    target = next((p for p in pages if getattr(p, "url_path", None) == path), None)
    if target is not None:
        from sltcore.ui import with_lang

        st.switch_page(target, query_params=with_lang(dict(params)))


def expiry_watch() -> None:
    """Clears the page of a session left idle past its time, without waiting for a click:
    checked every minute (the check itself is not activity)."""
    if not signed_in():
        return

    @st.fragment(run_every=60)
    def _watch() -> None:
        if time.monotonic() - st.session_state.get(SEEN, 0.0) > config.idle_minutes() * 60:
            st.rerun(scope="app")

    _watch()
