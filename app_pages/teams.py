"""队伍 Teams: by community and category with this year's hours; members (add, remove, leader);
the team's own details."""

from __future__ import annotations

from typing import Any

import streamlit as st

from sltcore import auth, clock, i18n
from sltcore.codec import row_from_frame
from sltcore.refs import sorted_options
from sltcore.schema import table
from sltcore.services import rows, teams
from sltcore.ui import after_write, attempt, current_actor, get_store, lang, tr
from sltcore.ui.forms import lang_key, record_form
from sltcore.ui.kit import (
    community_options,
    flash,
    form_attempt,
    is_empty,
    load_frames,
    open_edit,
    open_item,
    pick,
    query_id,
    redraw_edit,
    selected_row,
    show_flashes,
    table_view,
    volunteer_picker,
)
from sltcore.ui.shell import first_run
from sltcore.ui.text import md

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
today = clock.today()
tt = table("teams")
show_flashes()


def _columns() -> dict[str, Any]:
    return {
        "name": tr("teams.col.name"),
        "community": tr("teams.col.community"),
        "category": tr("teams.col.category"),
        "leader": tr("teams.col.leader"),
        "members": st.column_config.NumberColumn(tr("teams.col.members"), format="%d"),
        "hours_year": st.column_config.NumberColumn(tr("teams.col.hours_year"), format="%.1f"),
        "events_year": st.column_config.NumberColumn(tr("teams.col.events_year"), format="%d"),
    }


def show_list() -> None:
    st.title(tr("teams.title"))
    if is_empty(frames) and first_run(store):
        st.stop()
    st.caption(tr("teams.intro"))
    c = st.columns(2)
    with c[0]:
        community = pick(
            tt.field("community_id").label(lg),
            sorted_options(frames, "communities"),
            "teams.community",
        )
    with c[1]:
        category = pick(
            tt.field("category").label(lg),
            {ch.key: ch.zh if lg == "zh" else ch.en for ch in tt.field("category").choices},
            "teams.category",
        )
    df = teams.overview(frames, lg, today)
    if community:
        df = df[df["community_id"] == community]
    if category:
        df = df[df["category_key"] == category]
    df = df.reset_index(drop=True)
    st.caption(tr("teams.count", count=len(df)))
    if df.empty:
        st.info(tr("teams.none"), icon=":material/info:")
    else:
        picked = table_view(
            df,
            _columns(),
            download=f"teams-{today:%Y%m%d}",
            on_select="rerun",
            selection_mode="single-row",
            key="teams.table",
        )
        row = selected_row(picked)
        if row is not None and row < len(df):
            open_item("team", df.loc[row, "id"])
    communities = community_options(frames, actor)
    if not communities:  # a viewer: the list only
        return
    with st.expander(tr("teams.add"), icon=":material/add:", expanded=frames["teams"].empty):
        form_key = f"teams.add.{st.session_state.get('teams.add_gen', 0)}"
        values = record_form(
            tt,
            form_key=form_key,
            lang=lg,
            frames=frames,
            fields=[f.key for f in tt.user_fields if f.key != "leader_id"],
            ref_options={"community_id": communities},
            submit_label=tr("teams.add"),
        )
        if values is not None:
            added = form_attempt(lambda: rows.create(store, "teams", values, actor))
            if added:
                after_write()
                st.session_state["teams.add_gen"] = st.session_state.get("teams.add_gen", 0) + 1
                flash(tr("teams.created", name=md(added["name"])))
                open_item("team", added["id"])


def show_team(team_id: str) -> None:
    if st.button(tr("teams.back"), icon=":material/arrow_back:", key="teams.back"):
        open_item("team", None)
    all_teams = teams.overview(frames, lg, today)
    hit = all_teams[all_teams["id"] == team_id]
    if hit.empty:
        st.warning(tr("teams.not_found"), icon=":material/warning:")
        return
    team = hit.iloc[0]
    mine = auth.in_scope(actor, team["community_id"])  # may change its members and details
    st.title(md(team["name"]))
    st.caption(" · ".join(md(x) for x in (team["community"], team["category"]) if x))
    m = st.columns(3)
    m[0].metric(tr("teams.metric.members"), f"{team['members']} {tr('unit.people')}")
    m[1].metric(tr("teams.metric.hours", year=today.year), i18n.fmt_hours(team["hours_year"], lg))
    m[2].metric(tr("teams.metric.events", year=today.year), int(team["events_year"]))
    if team["unconfirmed_year"] > 0:
        st.info(
            tr(
                "teams.unconfirmed",
                year=today.year,
                hours=i18n.fmt_hours(team["unconfirmed_year"], lg),
            ),
            icon=":material/pending_actions:",
        )

    st.subheader(tr("teams.members"))
    people = teams.members(frames, team_id, lg)
    if people.empty:
        st.info(tr("teams.members.none"), icon=":material/info:")
    else:
        table_view(
            people,
            {
                "name": tr("volunteers.col.name"),
                "role": tr("teams.col.role"),
                "mobile": tr("teams.col.mobile"),
                "joined_on": st.column_config.DateColumn(
                    tr("teams.col.joined"), format="YYYY-MM-DD"
                ),
            },
            download=f"team-{team_id}-members",
        )
    if not mine:
        return

    left, right = st.columns(2)
    with left, st.container(border=True):
        st.markdown(f"**{tr('teams.add_members')}**")
        gen = st.session_state.get("teams.gen", 0)
        new = volunteer_picker(
            frames,
            f"teams.new.{team_id}.{gen}",
            tr("teams.add_members"),
            exclude=set(people["volunteer_id"]),
            actor=actor,
        )
        if st.button(
            tr("teams.add_members.button"),
            icon=":material/add:",
            key="teams.add_members",
            disabled=not new,
        ):
            added = attempt(lambda: teams.add_members(store, frames, team_id, new, actor, today))
            if added is not None:
                after_write()
                st.session_state["teams.gen"] = gen + 1
                flash(tr("teams.added", count=len(added)) if added else tr("teams.added.none"))
                st.rerun()
    with right, st.container(border=True):
        st.markdown(f"**{tr('teams.change')}**")
        if people.empty:
            st.caption(tr("teams.members.none"))
        else:
            labels = dict(
                zip(
                    people["volunteer_id"],
                    people["name"] + "（" + people["role"] + "）",
                    strict=True,
                )
            )
            who = st.selectbox(
                tr("teams.member"),
                list(labels),
                format_func=labels.get,
                key=lang_key(f"teams.who.{team_id}", lg),
            )
            me = people[people["volunteer_id"] == who].iloc[0]
            b1, b2 = st.columns(2)
            if b1.button(
                tr("teams.make_leader"),
                icon=":material/star:",
                key="teams.leader",
                disabled=me["role_key"] == "leader",
            ):
                done = attempt(lambda: teams.set_leader(store, frames, team_id, who, actor) or True)
                if done:
                    after_write()
                    redraw_edit(f"teams.edit.{team_id}")  # the team row changed: show it
                    flash(tr("teams.leader_set", name=md(me["name"])), icon=":material/star:")
                    st.rerun()
            if b2.button(tr("teams.remove"), icon=":material/person_remove:", key="teams.remove"):
                done = attempt(
                    lambda: teams.remove_member(store, frames, me["member_id"], actor, today)
                )
                if done is not None:
                    after_write()
                    if me["role_key"] == "leader":  # the team lost its leader: show it
                        redraw_edit(f"teams.edit.{team_id}")
                    flash(tr("teams.removed", name=md(me["name"])), icon=":material/person_remove:")
                    st.rerun()
    edit_team(team_id)


def edit_team(team_id: str) -> None:
    """The team's own details. The leader is left out: `set_leader` keeps it and the members'
    roles in step. Saved at the version the form was drawn with, so a change someone else
    saved meanwhile is refused with a message, not overwritten, and the typed values stay."""
    hit = frames["teams"][frames["teams"]["id"] == team_id]
    if hit.empty:
        return
    row = row_from_frame(tt, hit.iloc[0].to_dict())
    fields = [f.key for f in tt.user_fields if f.key != "leader_id"]
    with st.expander(tr("teams.edit"), icon=":material/edit:"):
        st.caption(tr("teams.edit.leader"))
        edit = open_edit(f"teams.edit.{team_id}", tt, row, fields)
        values = record_form(
            tt,
            form_key=edit.key,
            lang=lg,
            frames=frames,
            values=edit.shown,
            fields=fields,
            ref_options={"community_id": community_options(frames, actor)},
        )
        if values is not None:
            saved = form_attempt(lambda: teams.edit(store, team_id, values, edit.seen, actor))
            if saved is not None:
                after_write()
                edit.redraw()
                flash(tr("teams.updated", name=md(saved["name"])))
                st.rerun()
        edit.notice()


chosen = query_id("team")
if chosen:
    show_team(chosen)
else:
    show_list()
