"""Small pieces the daily pages share: filters, messages that survive a rerun, deep links.

Kept apart from `sltcore.ui` (the lead's shared core) so the daily pages can grow without
touching it; like it, this module may import streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from sltcore.auth import Actor
from sltcore.refs import sorted_options
from sltcore.ui import tr

_FLASH = "kit.flash"


def flash(message: str, icon: str = "✅") -> None:
    """A toast shown on the next run (a toast raised just before `st.rerun()` would be lost)."""
    st.session_state.setdefault(_FLASH, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(_FLASH, []):
        st.toast(message, icon=icon, duration="long")


def pick(label: str, options: Mapping[str, str], key: str) -> str | None:
    """A filter select box whose first entry, "全部", means no filter (returns None)."""
    keys = ["", *options]
    chosen = st.selectbox(
        label,
        keys,
        format_func=lambda k: tr("common.all") if k == "" else options.get(k, k),
        key=key,
    )
    return chosen or None


def is_empty(frames: Mapping[str, pd.DataFrame]) -> bool:
    """The store has no communities, volunteers or records yet (the first-run screen)."""
    return all(frames[k].empty for k in ("communities", "volunteers", "service_records"))


def community_options(frames: Mapping[str, pd.DataFrame], actor: Actor) -> dict[str, str]:
    """Communities the actor may write for: a coordinator only their own."""
    names = sorted_options(frames, "communities")
    if actor.role == "coordinator":
        return {k: v for k, v in names.items() if k in actor.communities}
    return names


def query_id(name: str) -> str | None:
    """An id passed in the address (`?vol=vol-00012`): the deep link to a profile or event."""
    value = st.query_params.get(name)
    return str(value) if value else None


def open_item(name: str, value: str | None) -> None:
    """Show another item (or the list, with None) by changing the address, then rerun."""
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]
    st.rerun()


def selected_row(event: object) -> int | None:
    """The row position chosen in a `st.dataframe(on_select="rerun")`, if any."""
    try:
        rows = event.selection.rows  # type: ignore[attr-defined]
    except AttributeError:
        return None
    return rows[0] if rows else None
