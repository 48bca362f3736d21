"""活动 Events: the filtered list; one event's attendance and total hours; create, edit, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n
from sltcore.codec import row_from_frame
from sltcore.refs import sorted_options
from sltcore.schema import table
from sltcore.services import attendance, events, history, rows
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
ev_table = table("events")
show_flashes()


def _columns() -> dict[str, Any]:
    """The list's columns, most used first so they stay in view on a laptop."""
    return {
        "date": st.column_config.DateColumn(tr("events.col.date"), format="YYYY-MM-DD"),
        "title": tr("events.col.title"),
        "community": tr("events.col.community"),
        "status_label": tr("events.col.status"),
        "attendees": st.column_config.NumberColumn(tr("events.col.attendees"), format="%d"),
        "hours": st.column_config.NumberColumn(tr("events.col.hours"), format="%.1f"),
        "time": tr("events.col.time"),
        "location": tr("events.col.location"),
        "team": tr("events.col.team"),
        "programme": tr("events.col.programme"),
        "category": tr("events.col.category"),
    }


def show_list() -> None:
    st.title(tr("events.title"))
    if is_empty(frames) and first_run(store):
        st.stop()
    st.caption(tr("events.intro"))
    status_labels = {c.key: c.zh if lg == "zh" else c.en for c in ev_table.field("status").choices}
    row1 = st.columns([2, 1, 1])
    period = row1[0].date_input(
        tr("events.filter.period"),
        value=(dt.date(today.year, 1, 1), today + dt.timedelta(days=60)),
        format="YYYY-MM-DD",
        key="events.period",
    )
    with row1[1]:
        community = pick(
            ev_table.field("community_id").label(lg),
            sorted_options(frames, "communities"),
            "events.community",
        )
    with row1[2]:
        status = pick(ev_table.field("status").label(lg), status_labels, "events.status")
    row2 = st.columns([1, 1, 1])
    with row2[0]:
        programme = pick(
            ev_table.field("programme_id").label(lg),
            sorted_options(frames, "programmes"),
            "events.programme",
        )
    with row2[1]:
        team = pick(
            ev_table.field("team_id").label(lg), sorted_options(frames, "teams"), "events.team"
        )
    text = row2[2].text_input(tr("events.filter.text"), key="events.text")
    start = period[0] if len(period) > 0 else None
    end = period[1] if len(period) > 1 else None
    df = events.filter_events(
        events.listing(frames, lg), start, end, community, programme, team, status, text
    )
    counts = events.status_counts(df, today)
    n = {k: i18n.fmt_number(v, lg, 0) for k, v in counts.items()}
    st.caption(
        tr(
            "events.count",
            count=i18n.fmt_number(len(df), lg, 0),
            done=n["done"],
            planned=n["planned"],
            cancelled=n["cancelled"],
            people=i18n.fmt_number(int(df["attendees"].sum()), lg, 0),
            hours=i18n.fmt_hours(float(df["hours"].sum()), lg),
        )
        + (tr("events.count.after_today", n=n["after_today"]) if counts["after_today"] else "")
    )
    if df.empty:
        st.info(tr("events.none"), icon=":material/info:")
    else:
        shown = df.reset_index(drop=True)
        picked = table_view(
            shown,
            _columns(),
            download=f"events-{today:%Y%m%d}",
            on_select="rerun",
            selection_mode="single-row",
            key="events.table",
        )
        row = selected_row(picked)
        if row is not None and row < len(shown):
            open_item("event", shown.loc[row, "id"])
    communities = community_options(frames, actor)
    if not communities:  # a viewer: the list only
        return
    with st.expander(tr("events.add"), icon=":material/add:", expanded=frames["events"].empty):
        form_key = f"events.add.{st.session_state.get('events.add_gen', 0)}"
        values = record_form(
            ev_table,
            form_key=form_key,
            lang=lg,
            frames=frames,
            ref_options={"community_id": communities},
            submit_label=tr("events.add"),
        )
        if values is not None:
            added = form_attempt(lambda: rows.create(store, "events", values, actor))
            if added:
                after_write()
                st.session_state["events.add_gen"] = st.session_state.get("events.add_gen", 0) + 1
                flash(tr("events.created", title=md(added["title"])))
                open_item("event", added["id"])


def show_event(event_id: str) -> None:
    hit = frames["events"][frames["events"]["id"] == event_id]
    if st.button(tr("events.back"), icon=":material/arrow_back:", key="events.back"):
        open_item("event", None)
    if hit.empty:
        st.warning(tr("events.not_found"), icon=":material/warning:")
        return
    row = row_from_frame(ev_table, hit.iloc[0].to_dict())
    names = sorted_options(frames, "communities")
    mine = auth.in_scope(actor, row.get("community_id"))  # may change this event and its records
    st.title(md(row["title"]))
    facts = [
        i18n.fmt_date(row["date"], lg),
        events.time_range(row["start_time"], row["end_time"], lg),
        names.get(row["community_id"] or "", ""),
        row["location"] or "",
        ev_table.field("category").choice_label(row["category"], lg),
    ]
    st.caption(" · ".join(md(f) for f in facts if f))
    people = events.attendance(frames, event_id)
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("events.metric.people"), f"{len(people)} {tr('unit.people')}")
    waiting = people[~people["confirmed"]]
    counted = float(people.loc[people["confirmed"], "hours"].sum())
    m2.metric(tr("events.metric.hours"), i18n.fmt_hours(counted, lg))
    m3.metric(tr("events.metric.status"), ev_table.field("status").choice_label(row["status"], lg))
    if not waiting.empty:
        st.info(
            tr(
                "hours.unconfirmed.note",
                hours=i18n.fmt_hours(float(waiting["hours"].sum()), lg),
                count=len(waiting),
            ),
            icon=":material/pending_actions:",
        )
    st.subheader(tr("events.attendance"))
    if people.empty:
        st.info(tr("events.attendance.none"), icon=":material/info:")
    else:
        labels = {True: tr("hours.confirmed.yes"), False: tr("hours.confirmed.no")}
        table_view(
            people.assign(confirmed_label=people["confirmed"].map(labels)),
            {
                "name": tr("events.col.name"),
                "mobile": tr("events.col.mobile"),
                "hours": st.column_config.NumberColumn(tr("events.col.hours"), format="%.1f"),
                "confirmed_label": tr("hours.col.confirmed"),
                "content": tr("events.col.content"),
                "recorder": tr("events.col.recorder"),
            },
            download=f"event-{row['date']:%Y%m%d}-attendance",
        )
        if mine:
            correct_records(event_id, people)
    show_history(event_id)
    if row["status"] == "cancelled":
        restore_event(event_id, row)
    if not mine:
        return
    if row["status"] != "cancelled":
        st.page_link(
            "app_pages/record.py",
            label=tr("events.record_here"),
            icon=":material/edit_note:",
            query_params=with_lang({"event": event_id}),
        )
    count, hours = events.records_count(frames, event_id)
    if row["status"] == "cancelled" and not auth.can(actor, "restore"):
        return  # setting a cancelled event back is a restore: administrators only
    with st.expander(tr("events.edit"), icon=":material/edit:"):
        if count:
            st.caption(tr("events.edit.carry", count=count))
        edit = open_edit(f"events.edit.{event_id}", ev_table, row)
        values = record_form(
            ev_table,
            form_key=edit.key,
            lang=lg,
            frames=frames,
            values=edit.shown,
            ref_options={"community_id": community_options(frames, actor)},
        )
        if values is not None:
            done = form_attempt(
                lambda: events.update_event(
                    store, frames, event_id, values, edit.seen, actor, today
                )
            )
            if done is not None:
                after_write()
                edit.redraw()
                if done.records_restored:
                    flash(
                        tr("events.restored.records", count=done.records_restored),
                        icon=":material/restore:",
                    )
                elif done.records_archived:
                    flash(
                        tr("events.cancelled.records", count=done.records_archived),
                        icon=":material/event_busy:",
                    )
                elif done.records_moved:
                    flash(tr("events.updated.records", count=done.records_moved))
                else:
                    flash(tr("events.updated"))
                st.rerun()
        edit.notice()
    if row["status"] != "cancelled":
        with st.expander(tr("events.cancel"), icon=":material/event_busy:"):
            if count:
                st.warning(
                    tr("events.cancel.records", count=count, hours=i18n.fmt_hours(hours, lg)),
                    icon=":material/warning:",
                )
            else:
                st.caption(tr("events.cancel.help"))
            confirm = (
                tr("events.cancel.confirm.records", count=count)
                if count
                else tr("events.cancel.confirm")
            )
            if st.button(confirm, key="events.cancel"):
                done = attempt(
                    lambda: events.cancel(store, frames, event_id, row["version"], actor)
                )
                if done is not None:
                    after_write()
                    redraw_edit(f"events.edit.{event_id}")  # the form shows it cancelled
                    message = (
                        tr("events.cancelled.records", count=done.records_archived)
                        if done.records_archived
                        else tr("events.cancelled")
                    )
                    flash(message, icon=":material/event_busy:")
                    st.rerun()


def show_history(event_id: str) -> None:
    """Who changed this event and its attendance, and when."""
    with st.expander(tr("history.title"), icon=":material/history:"):
        past = attempt(lambda: history.row_history(store, "events", event_id, lg, frames))
        if past is None:
            return
        if past.empty:
            st.caption(tr("history.none"))
            return
        history_table(past, f"events.history.{event_id}")


def restore_event(event_id: str, row: dict[str, Any]) -> None:
    """Undo the cancellation (administrators): exactly the records it archived come back."""
    if not auth.can(actor, "restore"):
        return
    with st.expander(tr("events.restore"), icon=":material/restore:"):
        ids = attempt(lambda: events.cancelled_records(store, event_id))
        st.caption(tr("events.restore.help", count=len(ids or [])))
        if st.button(tr("events.restore.confirm"), type="primary", key="events.restore"):
            done = attempt(lambda: events.restore_cancelled(store, event_id, row["version"], actor))
            if done is not None:
                after_write()
                redraw_edit(f"events.edit.{event_id}")
                flash(
                    tr("events.restored.records", count=done.records_restored),
                    icon=":material/restore:",
                )
                st.rerun()


def correct_records(event_id: str, people: pd.DataFrame) -> None:
    """Correct one person's record of this event (hours, service content) or archive it.

    Through sltcore, so validation applies (hours > 0, 24 hours a day) and a record someone
    else changed meanwhile is refused with a message instead of being overwritten.
    """
    with st.expander(tr("events.fix"), icon=":material/edit_note:"):
        labels = {  # what does not change on a correction (a changed label loses the choice)
            r["record_id"]: " · ".join(x for x in (r["name"], r["mobile"]) if x)
            for r in people.to_dict("records")
        }
        rid = st.selectbox(
            tr("events.fix.who"),
            list(labels),
            format_func=labels.get,
            index=None,
            placeholder=tr("forms.choose"),
            key=f"events.fix.{event_id}",
        )
        if rid is None:
            return
        rec = people.set_index("record_id").loc[rid]
        name, version = str(rec["name"]), int(rec["version"])
        gen_key = f"events.fix.gen.{rid}"
        form = f"events.fix.{rid}.{st.session_state.get(gen_key, 0)}"
        if f"{form}.hours" not in st.session_state:
            # Drawn afresh, the form shows the record as stored now: that version is what a
            # save expects, so a change by someone else meanwhile is refused, not overwritten.
            st.session_state[f"{form}.seen"] = version
        seen = st.session_state[f"{form}.seen"]
        rt = table("service_records")
        hours_field = rt.field("hours")
        with st.form(form, border=True):
            new_hours = st.number_input(
                hours_field.label(lg),
                value=float(rec["hours"]),
                step=0.5,
                format="%g",
                help=hours_field.help_zh if lg == "zh" else hours_field.help_en,
                key=f"{form}.hours",
            )
            new_content = st.text_area(
                rt.field("content").label(lg),
                value=str(rec["content"] or ""),
                height=68,
                key=f"{form}.content",
            )
            save = st.form_submit_button(tr("common.save"), type="primary", icon=":material/save:")
        if save:
            saved = form_attempt(
                lambda: attendance.correct(
                    store, rid, seen, actor, hours=new_hours, content=new_content
                )
            )
            if saved is not None or seen != version:  # saved, or stale: show it as stored now
                st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1
            if saved is not None:
                after_write()
                flash(tr("events.fix.saved", name=md(name)))
                st.rerun()
        ask = f"events.fix.ask.{rid}"
        if ask not in st.session_state:
            if st.button(tr("events.fix.archive"), icon=":material/archive:", key=f"{ask}.btn"):
                st.session_state[ask] = version  # the record as the warning shows it
                st.rerun()
            return
        st.warning(
            tr(
                "events.fix.archive.warn",
                name=md(name),
                hours=i18n.fmt_hours(float(rec["hours"]), lg),
            ),
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        if yes.button(tr("events.fix.archive.confirm"), type="primary", key=f"{ask}.yes"):
            asked = st.session_state.pop(ask)
            done = attempt(lambda: attendance.remove(store, rid, asked, actor))
            if done is not None:
                after_write()
                flash(tr("events.fix.archived", name=md(name)), icon=":material/archive:")
                st.rerun()
        if no.button(tr("events.fix.archive.keep"), key=f"{ask}.no"):
            st.session_state.pop(ask, None)
            st.rerun()


chosen = query_id("event")
if chosen:
    show_event(chosen)
else:
    show_list()
