"""志愿者 Volunteers: a fast searchable list, the profile (hours, stars, 20-hour minimum), add,
edit, archive, history. ID and phone numbers are shown masked; a full one only on request, for
an account the rule of `sltcore.privacy` allows, and that request is logged."""

from __future__ import annotations

from typing import Any

import streamlit as st

from sltcore import auth, clock, i18n, privacy
from sltcore.refs import sorted_options
from sltcore.schema import table
from sltcore.services import history, rows, volunteers
from sltcore.services.stars import stars_text
from sltcore.ui import after_write, attempt, current_actor, get_store, lang, tr, with_lang
from sltcore.ui.forms import record_form
from sltcore.ui.kit import (
    community_options,
    flash,
    form_attempt,
    history_table,
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
)
from sltcore.ui.shell import first_run
from sltcore.ui.text import md

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
today = clock.today()
vt = table("volunteers")
PENDING = "volunteers.pending"
show_flashes()


def _choices(field: str) -> dict[str, str]:
    return {c.key: c.zh if lg == "zh" else c.en for c in vt.field(field).choices}


def _save(values: dict[str, Any], target: dict[str, Any] | None) -> None:
    """Append, or update at the version the edit form was drawn with (a row someone else
    saved meanwhile is refused, not overwritten); on success go to the profile."""
    if target is None:
        added = form_attempt(lambda: rows.create(store, "volunteers", values, actor))
        if not added:
            return
        saved, message = added, tr("volunteers.added", name=md(added["name"]))
        st.session_state["volunteers.add_gen"] = st.session_state.get("volunteers.add_gen", 0) + 1
    else:
        saved = form_attempt(
            lambda: rows.edit(store, "volunteers", target["id"], values, target["version"], actor)
        )
        if saved is None:
            return
        message = tr("volunteers.updated", name=md(saved["name"]))
        redraw_edit(target["form"])
    st.session_state.pop(PENDING, None)
    after_write()
    flash(message)
    open_item("vol", saved["id"])


def _submit(values: dict[str, Any] | None, target: dict[str, Any] | None) -> None:
    """Warn, with a link, when the phone or ID number already belongs to someone."""
    if values is not None:
        dups = volunteers.find_duplicates(
            frames, values.get("mobile"), values.get("id_number"), (target or {}).get("id")
        )
        if not dups:
            _save(values, target)
            return
        st.session_state[PENDING] = {"values": values, "dups": dups, "target": target}
    pending = st.session_state.get(PENDING)
    if not pending or (pending["target"] or {}).get("id") != (target or {}).get("id"):
        return
    with st.container(border=True):
        for dup in pending["dups"]:
            st.warning(
                tr(f"volunteers.dup.{dup.field}", link=f"“{md(dup.name)}”"),
                icon=":material/warning:",
            )
            st.page_link(
                "app_pages/volunteers.py",
                label=md(dup.name),
                icon=":material/person:",
                query_params=with_lang({"vol": dup.volunteer_id}),
            )
        a, b = st.columns(2)
        if a.button(tr("volunteers.dup.confirm"), type="primary", key="volunteers.dup.ok"):
            _save(pending["values"], pending["target"])
        if b.button(tr("volunteers.dup.discard"), key="volunteers.dup.no"):
            st.session_state.pop(PENDING, None)
            st.rerun()


def _columns() -> dict[str, Any]:
    hours = st.column_config.NumberColumn
    return {
        "name": tr("volunteers.col.name"),
        "sex": tr("volunteers.col.sex"),
        "mobile": tr("volunteers.col.mobile"),
        "community": tr("volunteers.col.community"),
        "membership": tr("volunteers.col.membership"),
        "status": tr("volunteers.col.status"),
        "hours_year": hours(tr("volunteers.col.hours_year"), format="%.1f"),
        "hours_total": hours(tr("volunteers.col.hours_total"), format="%.1f"),
        "stars": tr("volunteers.col.stars"),
        "teams": tr("volunteers.col.teams"),  # long: last, so the hours stay in view
    }


def show_list() -> None:
    st.title(tr("volunteers.title"))
    if is_empty(frames) and first_run(store):
        st.stop()
    st.caption(tr("volunteers.intro"))
    c = st.columns([2, 1, 1, 1, 1])
    query = c[0].text_input(
        tr("volunteers.search"), placeholder=tr("volunteers.search.placeholder"), key="volunteers.q"
    )
    with c[1]:
        community = pick(
            vt.field("community_id").label(lg),
            sorted_options(frames, "communities"),
            "volunteers.community",
        )
    with c[2]:
        membership = pick(
            vt.field("membership").label(lg), _choices("membership"), "volunteers.membership"
        )
    with c[3]:
        team = pick(
            tr("volunteers.filter.team"), sorted_options(frames, "teams"), "volunteers.team"
        )
    with c[4]:
        status = pick(vt.field("status").label(lg), _choices("status"), "volunteers.status")
    found = volunteers.filter_volunteers(frames, query, community, membership, team, status)
    st.caption(tr("volunteers.count", count=i18n.fmt_number(len(found), lg, 0)))
    if found.empty:
        st.info(tr("volunteers.none"), icon=":material/info:")
    else:
        shown = volunteers.listing(frames, found, lg, today)
        shown["stars"] = shown["stars"].map(stars_text)
        picked = table_view(
            shown,
            _columns(),
            download=f"volunteers-{today:%Y%m%d}",
            on_select="rerun",
            selection_mode="single-row",
            key="volunteers.table",
        )
        row = selected_row(picked)
        if row is not None and row < len(shown):
            open_item("vol", shown.loc[row, "id"])
    communities = community_options(frames, actor)
    if not communities:  # a viewer, or a coordinator whose communities do not exist
        return
    with st.expander(
        tr("volunteers.add"), icon=":material/add:", expanded=frames["volunteers"].empty
    ):
        form_key = f"volunteers.add.{st.session_state.get('volunteers.add_gen', 0)}"
        values = record_form(
            vt,
            form_key=form_key,
            lang=lg,
            frames=frames,
            ref_options={"community_id": communities},
            submit_label=tr("volunteers.add"),
        )
        _submit(values, None)


def reveal_numbers(vol_id: str, v: dict[str, Any]) -> None:
    """Full numbers on request, for an account the rule allows (`privacy.revealable`: an
    administrator every one, a coordinator the phones of their communities' people), so they
    can call; each request is logged. Others get no button. Shown until hidden or the profile
    is left, so the number is not on the page (or a screenshot) by default."""
    fields = privacy.revealable(actor, vt, v)
    if not fields:
        return
    key = f"volunteers.reveal.{vol_id}"
    shown = st.session_state.get(key)
    if shown is None:
        if st.button(
            tr("volunteers.reveal"),
            icon=":material/visibility:",
            key=f"{key}.btn",
            help=tr("volunteers.reveal.help"),
        ):
            values = attempt(lambda: privacy.reveal(store, actor, "volunteers", vol_id, fields))
            if values is not None:
                st.session_state[key] = values
                after_write()  # the audit log changed
                st.rerun()
        return
    st.markdown(
        "\n".join(f"- **{vt.field(k).label(lg)}**：{md(val)}" for k, val in shown.items() if val)
    )
    if st.button(tr("volunteers.reveal.hide"), icon=":material/visibility_off:", key=f"{key}.hide"):
        st.session_state.pop(key, None)
        st.rerun()


def show_profile(vol_id: str) -> None:
    if st.button(tr("volunteers.back"), icon=":material/arrow_back:", key="volunteers.back"):
        st.session_state.pop(PENDING, None)
        st.session_state.pop(f"volunteers.reveal.{vol_id}", None)  # hidden again next time
        open_item("vol", None)
    p = volunteers.profile(frames, vol_id, lg, today)
    if p is None:
        st.warning(tr("volunteers.not_found"), icon=":material/warning:")
        return
    v = p.volunteer
    level = p.progress.level
    mine = auth.in_scope(actor, v.get("community_id"))  # may write this person's rows
    st.title(f"{md(v['name'])}  {stars_text(level)}")
    community = sorted_options(frames, "communities").get(v["community_id"] or "", "")
    facts = [
        community,
        vt.field("membership").choice_label(v["membership"], lg),
        vt.field("status").choice_label(v["status"], lg),
        v.get("bv_number") or "",
    ]
    st.caption(" · ".join(md(f) for f in facts if f))

    m = st.columns(4)
    m[0].metric(tr("volunteers.metric.year", year=p.year), i18n.fmt_hours(p.hours_year, lg))
    m[1].metric(tr("volunteers.metric.total"), i18n.fmt_hours(p.hours_total, lg))
    m[2].metric(
        tr("volunteers.metric.stars"),
        tr("volunteers.stars.n", n=level) if level else tr("volunteers.stars.none"),
    )
    if p.progress.hours_to_next is None:
        m[3].metric(tr("volunteers.metric.next"), tr("volunteers.stars.max"))
        st.progress(
            1.0, text=tr("volunteers.progress.max", hours=i18n.fmt_hours(p.hours_total, lg))
        )
    else:
        m[3].metric(tr("volunteers.metric.next"), i18n.fmt_hours(p.progress.hours_to_next, lg))
        st.progress(
            p.progress.fraction,
            text=tr(
                "volunteers.progress",
                hours=i18n.fmt_hours(p.hours_total, lg),
                level=level + 1,
                threshold=i18n.fmt_number(p.progress.next_threshold, lg, 0),
                left=i18n.fmt_hours(p.progress.hours_to_next, lg),
            ),
        )
    if p.hours_unconfirmed > 0:
        st.info(
            tr(
                "hours.unconfirmed.note",
                hours=i18n.fmt_hours(p.hours_unconfirmed, lg),
                count=p.records_unconfirmed,
            ),
            icon=":material/pending_actions:",
        )
    year_hours = i18n.fmt_hours(p.hours_year, lg)
    if not p.minimum_applies:
        st.info(
            tr(
                "volunteers.minimum.new",
                date=i18n.fmt_date(v["registered_on"], lg),
                year=p.year,
                hours=year_hours,
                next=p.year + 1,
            ),
            icon=":material/new_releases:",
        )
    elif p.minimum_met:
        st.success(
            tr("volunteers.minimum.met", year=p.year, hours=year_hours),
            icon=":material/check_circle:",
        )
    else:
        st.warning(
            tr(
                "volunteers.minimum.short",
                year=p.year,
                hours=year_hours,
                left=i18n.fmt_hours(p.hours_to_minimum, lg),
            ),
            icon=":material/hourglass_bottom:",
        )
    if auth.can(actor, "write"):  # a coordinator may record them at an event of their own
        st.page_link(
            "app_pages/record.py",
            label=tr("volunteers.record_link"),
            icon=":material/edit_note:",
            query_params=with_lang({"vol": vol_id}),
        )

    left, right = st.columns(2)
    with left:
        st.subheader(tr("volunteers.details"))
        masked = volunteers.masked_profile_fields(v)
        lines = []
        for key in (
            "sex",
            "birth_date",
            "id_number",
            "mobile",
            "political_status",
            "skills",
            "organisation_id",
            "registered_on",
            "guardian_name",
            "guardian_mobile",
        ):
            f = vt.field(key)
            value = v.get(key)
            if value in (None, "", ()):
                continue
            if key in masked:
                shown = masked[key]
            elif f.type == "choice":
                shown = f.choice_label(value, lg)
            elif f.type == "date":
                shown = i18n.fmt_date(value, lg)
            elif f.type == "tags":
                shown = "、".join(value)
            elif f.type == "ref":
                shown = sorted_options(frames, f.ref or "").get(value, value)
            else:
                shown = str(value)
            lines.append(f"- **{f.label(lg)}**：{md(shown)}")
        st.markdown("\n".join(lines))
        reveal_numbers(vol_id, v)
    with right:
        st.subheader(tr("volunteers.teams"))
        if p.teams.empty:
            st.caption(tr("volunteers.teams.none"))
        else:
            for t in p.teams.to_dict("records"):
                st.page_link(
                    "app_pages/teams.py",
                    label=md(f"{t['name']}（{t['role']}）"),
                    icon=":material/groups:",
                    query_params=with_lang({"team": t["team_id"]}),
                )

    st.subheader(tr("volunteers.events", count=len(p.events)))
    if p.events.empty:
        st.caption(tr("volunteers.events.none"))
    else:
        shown = p.events.assign(
            confirmed=p.events["confirmed"].map(
                {True: tr("hours.confirmed.yes"), False: tr("hours.confirmed.no")}
            )
        )
        table_view(
            shown,
            {
                "date": st.column_config.DateColumn(tr("volunteers.col.date"), format="YYYY-MM-DD"),
                "title": tr("volunteers.col.event"),
                "hours": st.column_config.NumberColumn(tr("volunteers.col.hours"), format="%.1f"),
                "confirmed": tr("hours.col.confirmed"),
                "community": tr("volunteers.col.community"),
                "content": tr("events.col.content"),
            },
            download=f"volunteer-{vol_id}-records",
            height=min(400, 38 + 35 * len(p.events)),
        )

    show_history(vol_id)
    if mine:
        with st.expander(tr("volunteers.edit"), icon=":material/edit:"):
            edit = open_edit(f"volunteers.edit.{vol_id}", vt, v)
            values = record_form(
                vt,
                form_key=edit.key,
                lang=lg,
                frames=frames,
                values=edit.shown,
                ref_options={"community_id": community_options(frames, actor)},
            )
            # the version the form was drawn with: a save after someone else's is a conflict
            _submit(values, {"id": vol_id, "version": edit.seen, "form": edit.base})
            edit.notice(on_reload=lambda: st.session_state.pop(PENDING, None))
    if auth.can(actor, "archive"):
        with st.expander(tr("volunteers.archive"), icon=":material/archive:"):
            st.caption(tr("volunteers.archive.help"))
            name = md(v["name"])
            if st.button(tr("volunteers.archive.confirm", name=name), key="volunteers.archive"):
                done = attempt(
                    lambda: rows.archive(store, "volunteers", vol_id, v["version"], actor)
                )
                if done is not None:
                    after_write()
                    flash(tr("volunteers.archived", name=name), icon=":material/archive:")
                    open_item("vol", None)


def show_history(vol_id: str) -> None:
    """Who changed this person's record and when (and who saw a full number)."""
    with st.expander(tr("history.title"), icon=":material/history:"):
        past = attempt(lambda: history.row_history(store, "volunteers", vol_id, lg, frames))
        if past is None:
            return
        if past.empty:
            st.caption(tr("history.none"))
            return
        history_table(past, f"volunteers.history.{vol_id}")


chosen = query_id("vol")
if chosen:
    show_profile(chosen)
else:
    show_list()
