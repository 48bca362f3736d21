"""记录活动 Record activity: an event, who attended, each person's hours; saved in one write."""

from __future__ import annotations

import streamlit as st

from sltcore import auth, clock, i18n
from sltcore.schema import table
from sltcore.services import attendance, events
from sltcore.services.attendance import AttendanceRefused, NeedsConfirmation
from sltcore.ui import after_write, current_actor, get_store, lang, show_error, tr, with_lang
from sltcore.ui.forms import field_input, lang_key
from sltcore.ui.kit import (
    community_options,
    flash,
    is_empty,
    load_frames,
    query_id,
    show_flashes,
    show_form_error,
    volunteer_picker,
)
from sltcore.ui.shell import first_run
from sltcore.ui.text import md, md_lines

EVENT_FIELDS_TOP = ("title",)
EVENT_FIELDS_WHEN = ("date", "start_time", "end_time")
EVENT_FIELDS_WHERE = ("community_id", "location", "person_in_charge")
EVENT_FIELDS_WHAT = ("category", "programme_id", "team_id")

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()
today = clock.today()
show_flashes()

st.title(tr("record.title"))
if not auth.can(actor, "write"):  # not in a viewer's navigation; refused here too
    st.error(tr("record.denied"), icon=":material/lock:")
    st.stop()
if is_empty(frames) and first_run(store):
    st.stop()
st.caption(tr("record.intro"))

gen = st.session_state.setdefault("record.gen", 0)
k = f"record.{gen}."  # every widget of this entry; a new number after a save clears the form


def _undo_box() -> None:
    saved = st.session_state.get("record.last")
    if saved is None:
        return
    with st.container(border=True):
        st.success(
            tr(
                "record.saved",
                title=md(saved.event_title),
                count=saved.count,
                hours=i18n.fmt_hours(saved.total_hours, lg),
            ),
            icon=":material/check_circle:",
        )
        left, right = st.columns([1, 3], vertical_alignment="center")
        right.page_link(
            "app_pages/events.py",
            label=tr("record.open_event"),
            icon=":material/event:",
            query_params=with_lang({"event": saved.event_id}),
        )
        if left.button(tr("record.undo"), icon=":material/undo:", key="record.undo"):
            try:
                n = attendance.undo(store, saved, actor)
            except Exception as err:
                show_error(err)
            else:
                del st.session_state["record.last"]
                after_write()
                flash(tr("record.undone", count=n), icon=":material/undo:")
                st.rerun()


_undo_box()
ev_table = table("events")

# --- ① the event --------------------------------------------------------------------------
st.subheader(tr("record.step.event"))
preset = query_id("event")
choices = events.recordable(frames, today, lg, include=preset)
if actor.role == "coordinator":
    ids = set(frames["events"].loc[frames["events"]["community_id"].isin(actor.communities), "id"])
    choices = {e: v for e, v in choices.items() if e in ids}
modes = {"existing": tr("record.mode.existing"), "new": tr("record.mode.new")}
mode_key, event_key = lang_key(f"{k}mode", lg), lang_key(f"{k}event", lg)
if mode_key not in st.session_state:  # a new entry: an existing event if there is one
    st.session_state[mode_key] = "existing" if choices else "new"
    if preset in choices:
        st.session_state[event_key] = preset
mode = st.radio(
    tr("record.mode"),
    list(modes),
    format_func=modes.get,
    horizontal=True,
    label_visibility="collapsed",
    key=mode_key,
)
event_id: str | None = None
new_event: dict | None = None
duration = None
default_content = default_object = ""
if mode == "existing":
    event_id = st.selectbox(
        tr("record.event"),
        list(choices),
        index=None,
        format_func=lambda e: choices.get(e, e),
        placeholder=tr("record.event.placeholder"),
        help=tr("record.event.help"),
        key=event_key,
    )
    if not choices:
        st.info(tr("record.no_events"), icon=":material/info:")
    if event_id:
        row = frames["events"].set_index("id").loc[event_id]
        duration = events.duration_hours(row["start_time"], row["end_time"])
        default_content = row["content"] if isinstance(row["content"], str) else ""
        default_object = row["service_object"] if isinstance(row["service_object"], str) else ""
        facts = [
            events.time_range(row["start_time"], row["end_time"], lg),
            row["location"] if isinstance(row["location"], str) else "",
            tr("record.duration", hours=i18n.fmt_hours(duration, lg)) if duration else "",
        ]
        st.caption(" · ".join(md(f) for f in facts if f))
else:
    new_event = {}
    communities = community_options(frames, actor)
    for group in (EVENT_FIELDS_TOP, EVENT_FIELDS_WHEN, EVENT_FIELDS_WHERE, EVENT_FIELDS_WHAT):
        cols = st.columns(len(group))
        for col, key in zip(cols, group, strict=True):
            with col:
                new_event[key] = field_input(
                    ev_table.field(key),
                    key=f"{k}new.{key}",
                    lang=lg,
                    frames=frames,
                    options=communities if key == "community_id" else None,
                )
    duration = events.duration_hours(new_event.get("start_time"), new_event.get("end_time"))
    if duration:
        st.caption(tr("record.duration", hours=i18n.fmt_hours(duration, lg)))

# --- ② who attended -----------------------------------------------------------------------
st.subheader(tr("record.step.people"))
vol_names = dict(zip(frames["volunteers"]["id"], frames["volunteers"]["name"], strict=True))
preset_vol = query_id("vol")
if f"{k}people.ids" not in st.session_state and preset_vol in vol_names:
    st.session_state[f"{k}people.ids"] = [preset_vol]


def _gone(vid: str) -> str:
    """Someone archived since they were picked stays visible, to be refused by name."""
    row = store.get("volunteers", vid) or {}
    vol_names[vid] = row.get("name") or vid
    return f"{vol_names[vid]} · {tr('record.archived_tag')}"


if vol_names:
    people = volunteer_picker(frames, f"{k}people", tr("record.people"), missing=_gone, actor=actor)
else:
    people = []
    st.info(tr("record.no_volunteers"), icon=":material/info:")
    st.page_link(
        "app_pages/volunteers.py", label=tr("record.go_volunteers"), icon=":material/person:"
    )

# --- ③ hours, content ---------------------------------------------------------------------
st.subheader(tr("record.step.hours"))
if not people:
    st.caption(tr("record.hours.no_people"))
elif duration:
    st.caption(tr("record.hours.default", hours=i18n.fmt_hours(duration, lg)))
elif event_id or mode == "new":
    st.caption(tr("record.hours.no_default"))
last_default = st.session_state.get(f"{k}default")
for vid in people:  # new attendees start at the event's duration; untouched ones follow it
    hk = f"{k}h.{vid}"
    if hk not in st.session_state or st.session_state[hk] == last_default:
        st.session_state[hk] = duration
st.session_state[f"{k}default"] = duration
hours: dict[str, float | None] = {}
cols = st.columns(4)
for i, vid in enumerate(people):
    with cols[i % 4]:
        hours[vid] = st.number_input(
            tr("record.hours.person", name=md(vol_names.get(vid, vid))),
            value=None,
            step=0.5,
            format="%g",
            key=f"{k}h.{vid}",
        )
if people:
    total = sum(h for h in hours.values() if h)
    st.caption(tr("record.total", count=len(people), hours=i18n.fmt_hours(total, lg)))
left, right = st.columns(2)
service_object = left.text_input(
    table("service_records").field("service_object").label(lg),
    placeholder=default_object or tr("record.object.placeholder"),
    key=f"{k}object",
)
content = right.text_area(
    table("service_records").field("content").label(lg),
    placeholder=default_content or tr("record.content.placeholder"),
    height=68,
    key=f"{k}content",
)

confirm_key = f"{k}confirm"  # a valid entry that looks wrong, waiting for the user


def _use_existing(existing_id: str) -> None:
    """Record at the event that already exists (runs before the widgets are drawn)."""
    st.session_state[mode_key] = "existing"
    st.session_state[event_key] = existing_id
    st.session_state.pop(confirm_key, None)


def _save(confirmed: tuple[str, ...] = ()) -> None:
    if new_event is not None:
        new_event["service_object"] = service_object or None
        new_event["content"] = content or None
    try:
        saved = attendance.record(
            store,
            frames,
            [(vid, hours.get(vid)) for vid in people],
            actor,
            event_id=event_id if mode == "existing" else None,
            new_event=new_event,
            service_object=service_object or None,
            content=content or None,
            confirmed=confirmed,
        )
    except AttendanceRefused as err:
        st.session_state.pop(confirm_key, None)
        st.error(f"**{tr('record.refused')}**\n\n{md_lines(err.message(lg))}",
                 icon=":material/warning:")  # fmt: skip
    except NeedsConfirmation as question:
        st.session_state[confirm_key] = question
    except Exception as err:
        show_form_error(err)
    else:
        st.session_state.pop(confirm_key, None)
        st.session_state["record.last"] = saved
        st.session_state["record.gen"] = gen + 1
        after_write()
        flash(tr("record.toast", count=saved.count, hours=i18n.fmt_hours(saved.total_hours, lg)))
        st.rerun()


if st.button(tr("record.submit"), type="primary", icon=":material/save:", key=f"{k}submit"):
    _save()
question = st.session_state.get(confirm_key)
if question is not None:
    with st.container(border=True):
        st.warning(f"**{tr('record.confirm.title')}**\n\n{md_lines(question.message(lg))}",
                   icon=":material/help:")  # fmt: skip
        left, right = st.columns(2)
        if question.duplicate_ids:
            left.button(tr("record.confirm.use_existing"), icon=":material/event:",
                        on_click=_use_existing, args=(question.duplicate_ids[0],),
                        key=f"{k}confirm.existing")  # fmt: skip
        if right.button(tr("record.confirm.save_anyway"), icon=":material/save:",
                        key=f"{k}confirm.save"):  # fmt: skip
            _save(tuple(question.kinds))

st.divider()
st.caption(tr("record.footer"))
