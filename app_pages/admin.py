"""账号与恢复 (administrators): accounts' communities and switching accounts off, the settings,
and restoring any archived row."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore import auth, i18n
from sltcore.codec import row_from_frame
from sltcore.refs import sorted_options
from sltcore.schema import table
from sltcore.services import accounts as account_service
from sltcore.services import rows
from sltcore.ui import after_write, attempt, current_actor, get_store, lang, tr
from sltcore.ui.forms import lang_key, record_form
from sltcore.ui.kit import flash, form_attempt, load_frames, open_edit, show_flashes, table_view
from sltcore.ui.signin import load_accounts
from sltcore.ui.text import md

SHOWN_MAX = 200

actor = current_actor()
lg = lang()
st.title(tr("admin.title"))
if not auth.can(actor, "accounts"):
    st.error(tr("audit.denied"), icon=":material/lock:")
    st.stop()
store = get_store()
frames = load_frames()
show_flashes()
configured = load_accounts()
names = sorted_options(frames, "communities")


def accounts_tab() -> None:
    st.caption(tr("admin.accounts.intro"))
    if not configured:
        st.info(tr("admin.accounts.none"), icon=":material/info:")
        return
    listing = pd.DataFrame(
        [
            {
                "username": a.username,
                "display_name": a.display_name,
                "role": a.role_label if lg == "zh" else a.role,
                "communities": "、".join(
                    names.get(c, c) for c in account_service.community_ids(a, frames)
                ),
                "email": a.email,
                "active": tr("admin.active.yes")
                if account_service.is_active(a, frames)
                else tr("admin.active.no"),
            }
            for a in configured.values()
        ]
    )
    table_view(
        listing,
        {
            "username": tr("signin.username"),
            "display_name": tr("admin.col.display_name"),
            "role": tr("admin.col.role"),
            "communities": tr("admin.col.communities"),
            "email": tr("admin.col.email"),
            "active": tr("admin.col.active"),
        },
        key="admin.accounts",
    )
    who = st.selectbox(
        tr("admin.pick"),
        list(configured),
        format_func=lambda u: f"{configured[u].display_name}（{u}）",
        index=None,
        placeholder=tr("forms.choose"),
        key="admin.pick",
    )
    if who is None:
        return
    account = configured[who]
    for missing in account_service.unknown_communities(account, frames):
        st.warning(tr("admin.unknown_community", name=md(missing)), icon=":material/warning:")
    if account.role == "coordinator":
        with st.form(f"admin.communities.{who}"):
            chosen = st.multiselect(
                tr("admin.col.communities"),
                list(names),
                default=[c for c in account_service.community_ids(account, frames) if c in names],
                format_func=names.get,
                key=f"admin.communities.{who}.value",
            )
            if st.form_submit_button(tr("common.save"), type="primary", icon=":material/save:"):
                done = form_attempt(
                    lambda: account_service.set_communities(store, actor, account, chosen)
                )
                if done is not None:
                    after_write()
                    flash(tr("admin.communities.saved", name=md(account.display_name)))
                    st.rerun()
    active = account_service.is_active(account, frames)
    label = tr("admin.switch_off") if active else tr("admin.switch_on")
    if who != actor.username and st.button(label, key=f"admin.active.{who}"):
        done = attempt(lambda: account_service.set_active(store, actor, account, not active))
        if done is not None:
            after_write()
            flash(tr("admin.active.saved", name=md(account.display_name)))
            st.rerun()


def settings_tab() -> None:
    st.caption(tr("admin.settings.intro"))
    t = table("settings")
    df = frames["settings"]
    if not df.empty:
        table_view(
            df,
            {
                "key": t.field("key").label(lg),
                "value": t.field("value").label(lg),
                "description": t.field("description").label(lg),
            },
            key="admin.settings",
        )
        keys = dict(zip(df["id"], df["key"], strict=True))
        chosen = st.selectbox(
            tr("admin.settings.pick"),
            list(keys),
            format_func=keys.get,
            index=None,
            placeholder=tr("forms.choose"),
            key="admin.settings.pick",
        )
        if chosen:
            row = row_from_frame(t, df[df["id"] == chosen].iloc[0].to_dict())
            edit = open_edit(f"admin.settings.edit.{chosen}", t, row)
            values = record_form(t, form_key=edit.key, lang=lg, frames=frames, values=edit.shown)
            if values is not None:
                saved = form_attempt(
                    lambda: rows.edit(store, "settings", chosen, values, edit.seen, actor)
                )
                if saved is not None:
                    after_write()
                    edit.redraw()
                    flash(tr("tables.updated", title=md(saved["key"])))
                    st.rerun()
            edit.notice()
    with st.expander(tr("tables.add", table=t.label(lg)), icon=":material/add:"):
        gen = st.session_state.get("admin.settings.gen", 0)
        values = record_form(t, form_key=f"admin.settings.add.{gen}", lang=lg, frames=frames)
        if values is not None:
            added = form_attempt(lambda: rows.create(store, "settings", values, actor))
            if added:
                after_write()
                st.session_state["admin.settings.gen"] = gen + 1
                flash(tr("tables.added", title=md(added["key"])))
                st.rerun()


def archived_tab() -> None:
    st.caption(tr("admin.archived.intro"))
    key = st.selectbox(
        tr("tables.table"),
        list(rows.RESTORABLE),
        format_func=lambda k: table(k).label(lg),
        key=lang_key("admin.archived.table", lg),
    )
    gone = attempt(lambda: rows.archived(store, actor, key))
    if gone is None:
        return
    if gone.empty:
        st.caption(tr("tables.archived.none"))
        return
    st.caption(tr("admin.archived.count", count=i18n.fmt_number(len(gone), lg, 0)))
    labels = rows.labels(frames, key, gone)
    for r in gone.head(SHOWN_MAX).to_dict("records"):
        a, b, c = st.columns([3, 2, 1], vertical_alignment="center")
        a.markdown(md(labels.get(r["id"], r["id"])))
        b.caption(
            tr(
                "admin.archived.when",
                at=i18n.fmt_datetime(r["updated_at"], lg),
                by=md(r["updated_by"]),
            )
        )
        if c.button(tr("tables.restore"), icon=":material/restore:", key=f"restore.{r['id']}"):
            done = attempt(lambda r=r: rows.restore(store, key, r["id"], int(r["version"]), actor))
            if done is not None:
                after_write()
                flash(tr("tables.restored", title=md(labels.get(r["id"], r["id"]))),
                      icon=":material/restore:")  # fmt: skip
                st.rerun()
    if len(gone) > SHOWN_MAX:
        st.caption(tr("admin.archived.more", shown=SHOWN_MAX))


tabs = st.tabs([tr("admin.tab.accounts"), tr("admin.tab.archived"), tr("admin.tab.settings")])
with tabs[0]:
    accounts_tab()
with tabs[1]:
    archived_tab()
with tabs[2]:
    settings_tab()
