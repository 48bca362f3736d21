"""What every page shares: the store, cached reads, the acting account, language, errors.

The only part of sltcore that imports streamlit. Pages call these instead of touching the store
or the session directly, so caching and error handling are the same everywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from sltcore import clock, config, i18n
from sltcore.auth import Actor
from sltcore.errors import DeskError, OutcomeUnknown
from sltcore.privacy import mask_frame
from sltcore.schema import Table
from sltcore.store import Store, open_store

log = logging.getLogger("sltcore.ui")
T = TypeVar("T")
CACHE_TTL_SECONDS = 300


LANG_PARAM = "lang"  # ?lang=en in the address


def lang() -> str:
    return st.session_state.get("lang", i18n.DEFAULT_LANG)


def keep_lang_in_url() -> None:
    """`?lang=en` in the address while English is chosen (Chinese, the default, needs none),
    so a reload, a new tab or a bookmark keeps the language until accounts remember it."""
    chosen = lang()
    if chosen == i18n.DEFAULT_LANG:
        if LANG_PARAM in st.query_params:
            del st.query_params[LANG_PARAM]
    elif st.query_params.get(LANG_PARAM) != chosen:
        st.query_params[LANG_PARAM] = chosen


def init_lang() -> str:
    """The language of this run: the session's choice; on a new session the address's
    `?lang=`; else Chinese. Navigating between pages drops the address's parameters, so it is
    written back on every run."""
    if st.session_state.get("lang") not in i18n.LANGS:
        asked = st.query_params.get(LANG_PARAM)
        st.session_state["lang"] = asked if asked in i18n.LANGS else i18n.DEFAULT_LANG
    keep_lang_in_url()
    return lang()


def with_lang(params: dict[str, str]) -> dict[str, str]:
    """Query parameters of a link, with the language when it is not the default one."""
    chosen = lang()
    return params if chosen == i18n.DEFAULT_LANG else {**params, LANG_PARAM: chosen}


def tr(key: str, **kw: Any) -> str:
    return i18n.t(key, lang(), **kw)


@st.cache_resource(show_spinner=False)
def _store(fingerprint: str) -> Store:
    return open_store()


def store_or_error() -> Store | DeskError:
    """The store, or the configuration problem that keeps it from opening (a half-filled
    secrets.toml, an unknown SLT_BACKEND...): the sidebar still draws, in the chosen language."""
    try:
        return _store(config.fingerprint())
    except DeskError as err:
        return err


def get_store() -> Store:
    """One store per process and configuration (the variables may differ between tests);
    when it cannot open, the page shows why, in the page's language, and stops."""
    opened = store_or_error()
    if isinstance(opened, DeskError):
        st.title(tr("store.failed.title"))
        show_error(opened)
        st.stop()
    return opened


def current_actor() -> Actor:
    """The acting account, as the sign-in gate of app.py set it for this session
    (`sltcore.ui.signin`); with no accounts configured, the open desk's administrator."""
    actor = st.session_state.get("actor")
    if isinstance(actor, Actor):
        return actor
    if config.accounts_section():  # never reached through app.py: the gate signs in first
        st.stop()
    return Actor(config.default_user(), "admin", display_name=tr("user.default"))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False, max_entries=4)
def _load(_store_obj: Store, key: str, revision: str) -> tuple[dict[str, pd.DataFrame], str]:
    return _store_obj.read_all(), clock.now().strftime("%H:%M:%S")


def tables() -> dict[str, pd.DataFrame]:
    """All tables, cached until the data's revision changes or the TTL ends."""
    store = get_store()
    key = config.fingerprint()
    try:
        frames, read_at = _load(store, key, store.revision())
    except DeskError as err:  # the sheet is unreachable, deleted, not shared...
        show_error(err)
        st.stop()
    st.session_state["read_at"] = read_at
    return frames


def after_write() -> None:
    """Our own write changed the data: the next read must not come from the cache."""
    _load.clear()


def show_error(err: BaseException) -> None:
    if isinstance(err, OutcomeUnknown):  # the sidebar offers to find out (shell.outcome_check)
        st.session_state.setdefault("unknown_outcomes", []).append(err.token)
    if isinstance(err, DeskError):  # may quote what people typed: shown as typed
        from sltcore.ui.text import md_lines

        st.error(md_lines(err.message(lang())), icon=":material/warning:")
    else:
        log.exception("unexpected error", exc_info=err)
        st.error(tr("error.unexpected"), icon=":material/warning:")


def attempt(fn: Callable[[], T]) -> T | None:
    """Run a store call; show its error in the page's language instead of a traceback."""
    try:
        return fn()
    except Exception as err:
        show_error(err)
        return None


def masked(df: pd.DataFrame, t: Table) -> pd.DataFrame:
    """ID, phone and address columns as lists show them (`sltcore.privacy`)."""
    return mask_frame(df, t)
