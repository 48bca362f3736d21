"""排班 Duty rosters: a period's coverage (posts x days heat map and the gaps), its shifts and
assignments, marking attendance after a shift, and the print/export. Rules:
`sltcore.services.rosters`."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n
from sltcore.exports import roster as roster_export
from sltcore.refs import choice_map, titles
from sltcore.schema import table
from sltcore.services import rosters, rows
from sltcore.ui import after_write, current_actor, get_store, lang, tr
from sltcore.ui.forms import record_form
from sltcore.ui.kit import (
    flash,
    form_attempt,
    is_empty,
    load_frames,
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
show_flashes()


def _saved(message: str) -> None:
    after_write()
    flash(message)
    st.rerun()


def heat_map(cov: pd.DataFrame) -> alt.Chart:
    data = cov.assign(
        day=[f"{d.month}/{d.day}" for d in cov["date"]],
        label=[f"{f}/{n}" for f, n in zip(cov["filled"], cov["needed"], strict=True)],
    )
    order = list(dict.fromkeys(data.sort_values("date")["day"]))
    height = max(120, 44 * data["post"].nunique())
    base = alt.Chart(data, height=height).encode(
        x=alt.X("day:O", sort=order, title=tr("ros.chart.date"), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("post:N", title=tr("ros.chart.post"), axis=alt.Axis(labelOverlap=False)),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "ratio:Q",
            scale=alt.Scale(domain=[0, 1], range=["#d73027", "#fee08b", "#1a9850"]),
            title=tr("ros.chart.ratio"),
            legend=alt.Legend(format=".0%"),
        ),
        tooltip=[
            alt.Tooltip("post:N", title=tr("ros.chart.post")),
            alt.Tooltip("day:O", title=tr("ros.chart.date")),
            alt.Tooltip("filled:Q", title=tr("ros.chart.filled")),
            alt.Tooltip("needed:Q", title=tr("ros.chart.needed")),
        ],
    )
    text = base.mark_text(fontSize=13).encode(text="label:N")
    return (rect + text).properties(height=height)


def coverage_tab(period: str) -> None:
    cov = rosters.coverage(frames, period)
    if cov.empty:
        st.info(tr("ros.coverage.empty"), icon=":material/inbox:")
        return
    st.altair_chart(heat_map(cov), width="stretch")
    gaps = cov[cov["gap"] > 0].sort_values(["date", "post"])
    if gaps.empty:
        st.success(tr("ros.coverage.full"), icon=":material/check_circle:")
        return
    st.warning(
        tr("ros.coverage.gaps", count=len(gaps), people=int(gaps["gap"].sum())),
        icon=":material/warning:",
    )
    table_view(
        gaps,
        {
            "date": st.column_config.DateColumn(tr("ros.col.date"), format="YYYY-MM-DD"),
            "post": tr("ros.col.post"),
            "needed": st.column_config.NumberColumn(tr("ros.col.needed"), format="%d"),
            "filled": st.column_config.NumberColumn(tr("ros.col.filled"), format="%d"),
            "gap": st.column_config.NumberColumn(tr("ros.col.gap"), format="%d"),
        },
        key="ros.gaps",
    )


def _pick_shift(df: pd.DataFrame, key: str) -> str | None:
    if df.empty:
        return None
    labels = {
        r["id"]: tr(
            "ros.shift.label",
            date=i18n.fmt_date(r["date"], lg),
            time=r["time"],
            post=r["post"],
            filled=r["filled"],
            needed=r["needed"],
        )
        for r in df.to_dict("records")
    }
    return st.selectbox(tr("ros.shift.pick"), list(labels), format_func=labels.get, key=key)


def shifts_tab(period: str, df: pd.DataFrame) -> None:
    if df.empty:
        st.info(tr("ros.coverage.empty"), icon=":material/inbox:")
    else:
        table_view(
            df,
            {
                "date": st.column_config.DateColumn(tr("ros.col.date"), format="YYYY-MM-DD"),
                "time": tr("ros.col.time"),
                "post": tr("ros.col.post"),
                "community": tr("ros.col.community"),
                "needed": st.column_config.NumberColumn(tr("ros.col.needed"), format="%d"),
                "filled": st.column_config.NumberColumn(tr("ros.col.filled"), format="%d"),
                "people": tr("ros.col.people"),
            },
            key="ros.shifts",
        )
        if not auth.can(actor, "write"):  # the leaders read who is on each shift only
            st.caption(tr("common.readonly"))
            return
        sid = _pick_shift(df, "ros.assign.shift")
        gen = st.session_state.get("ros.assign.gen", 0)
        chosen = volunteer_picker(frames, f"ros.assign.{gen}", tr("ros.assign.who"))
        if st.button(tr("ros.assign.submit"), type="primary", disabled=not chosen):
            saved = form_attempt(lambda: rosters.assign(store, actor, sid, chosen))
            if saved is not None:
                st.session_state["ros.assign.gen"] = gen + 1
                _saved(tr("ros.assign.done", count=len(saved)))
        change_places(sid)
    if not auth.can(actor, "write"):
        return
    with st.expander(tr("ros.shift.add"), icon=":material/add:", expanded=df.empty):
        gen = st.session_state.get("ros.shift.gen", 0)
        t = table("roster_shifts")
        values = record_form(
            t,
            form_key=f"ros.shift.{gen}",
            lang=lg,
            frames=frames,
            fields=[f.key for f in t.user_fields if f.key != "period_id"],
        )
        if values is not None:
            values["period_id"] = period
            if form_attempt(lambda: rows.create(store, "roster_shifts", values, actor)):
                st.session_state["ros.shift.gen"] = gen + 1
                _saved(tr("ros.shift.added"))


def change_places(sid: str) -> None:
    """调班 or take someone off the chosen shift, before its attendance is marked (the rules
    are `rosters.swap`'s and `rosters.unassign`'s)."""
    a = frames["roster_assignments"]
    a = a[(a["shift_id"] == sid) & (a["status"] == "assigned")]
    if a.empty:
        return
    names = titles(dict(frames), "volunteers")
    people = {
        r["id"]: names.get(r["volunteer_id"], r["volunteer_id"]) for r in a.to_dict("records")
    }
    with st.expander(tr("ros.change"), icon=":material/swap_horiz:"):
        gen = st.session_state.get("ros.change.gen", 0)
        asg = st.selectbox(
            tr("ros.change.who"), list(people), format_func=people.get, key=f"ros.change.{gen}.who"
        )
        how = st.radio(
            tr("ros.change.how"),
            ["swap", "remove"],
            format_func=lambda k: tr(f"ros.change.{k}"),
            horizontal=True,
            key=f"ros.change.{gen}.how",
        )
        other: list[str] = []
        if how == "swap":
            other = volunteer_picker(
                frames,
                f"ros.change.{gen}.new",
                tr("ros.change.new"),
                exclude=set(a["volunteer_id"]),
            )
            if len(other) > 1:
                st.caption(tr("ros.change.one"))
        ready = how == "remove" or len(other) == 1
        if st.button(tr(f"ros.change.{how}.go"), disabled=not ready, key=f"ros.change.{gen}.go"):
            if how == "remove":
                done = form_attempt(lambda: rosters.unassign(store, actor, asg))
                message = tr("ros.change.removed", name=md(people[asg]))
            else:
                done = form_attempt(lambda: rosters.swap(store, actor, asg, other[0]))
                message = tr(
                    "ros.change.swapped", name=md(people[asg]), new=md(names.get(other[0], ""))
                )
            if done is not None:
                st.session_state["ros.change.gen"] = gen + 1
                _saved(message)


def attendance_tab(df: pd.DataFrame) -> None:
    writer = auth.can(actor, "write")
    st.caption(tr("ros.att.intro") if writer else tr("common.readonly"))
    past = df[df["date"] <= today]
    sid = _pick_shift(past.iloc[::-1], "ros.att.shift")
    if sid is None:
        st.info(tr("ros.coverage.empty"), icon=":material/inbox:")
        return
    sheet = rosters.attendance_sheet(frames, sid)
    if sheet.empty:
        st.info(tr("ros.att.nobody"), icon=":material/inbox:")
        return
    statuses = choice_map("roster_assignments", "status", lg)
    if not writer:  # the leaders see who came, with nothing to tick
        table_view(
            sheet.assign(
                status=sheet["status"].map(lambda s: statuses.get(s, s)),
                recorded=sheet["recorded"].map({True: "✓", False: ""}),
            ),
            {
                "name": tr("ros.col.name"),
                "status": tr("ros.col.status"),
                "recorded": tr("ros.att.recorded"),
            },
            key="ros.att.sheet",
        )
        return
    gen = st.session_state.get("ros.att.gen", 0)
    present = []
    for r in sheet.to_dict("records"):
        note = statuses.get(r["status"], r["status"])
        if r["recorded"]:
            note += f" · {tr('ros.att.recorded')}"
        ticked = st.checkbox(
            f"{r['name']}（{tr('ros.att.status', status=note)}）",
            value=r["status"] != "absent",
            key=f"ros.att.{gen}.{sid}.{r['volunteer_id']}",
        )
        if ticked:
            present.append(r["volunteer_id"])
    if st.button(tr("ros.att.submit"), type="primary", key="ros.att.go"):
        done = form_attempt(lambda: rosters.mark_attendance(store, actor, sid, present))
        if done is not None:
            st.session_state["ros.att.gen"] = gen + 1
            _saved(
                tr(
                    "ros.att.done",
                    present=done.present,
                    absent=done.absent,
                    created=done.created,
                    archived=done.archived,
                )
            )


def print_tab(period: str) -> None:
    c = st.columns(2)
    c[0].download_button(
        tr("ros.print.pdf"),
        data=lambda: roster_export.pdf(frames, period),
        file_name=f"roster-{period}.pdf",
        mime="application/pdf",
        icon=":material/print:",
        on_click="ignore",
    )
    c[1].download_button(
        tr("ros.print.xlsx"),
        data=lambda: roster_export.xlsx(frames, period),
        file_name=f"roster-{period}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )


def period_form() -> None:
    if actor.role != "admin":
        return
    with st.expander(
        tr("ros.period.add"), icon=":material/add:", expanded=frames["roster_periods"].empty
    ):
        gen = st.session_state.get("ros.period.gen", 0)
        values = record_form(
            table("roster_periods"), form_key=f"ros.period.{gen}", lang=lg, frames=frames
        )
        if values is not None and form_attempt(
            lambda: rows.create(store, "roster_periods", values, actor)
        ):
            st.session_state["ros.period.gen"] = gen + 1
            _saved(tr("ros.period.added"))


st.title(tr("ros.title"))
if is_empty(frames) and first_run(store):
    st.stop()
st.caption(tr("ros.intro"))
periods = frames["roster_periods"].sort_values("start_date", ascending=False)
if periods.empty:
    st.info(tr("ros.none"), icon=":material/inbox:")
    period_form()
    st.stop()
labels = {
    r["id"]: tr(
        "ros.period.label",
        name=r["name"],
        start=i18n.fmt_date(r["start_date"], lg),
        end=i18n.fmt_date(r["end_date"], lg),
    )
    for r in periods.to_dict("records")
}
default = rosters.current_period(frames, today)
period = st.selectbox(
    tr("ros.period"), list(labels), index=list(labels).index(default), format_func=labels.get,
    key="ros.period",
)  # fmt: skip
shift_list = rosters.shifts(frames, period)
names = ["coverage", "shifts", "attendance", "print"]
tabs = dict(zip(names, st.tabs([tr(f"ros.tab.{n}") for n in names]), strict=True))
with tabs["coverage"]:
    coverage_tab(period)
with tabs["shifts"]:
    shifts_tab(period, shift_list)
with tabs["attendance"]:
    attendance_tab(shift_list)
with tabs["print"]:
    print_tab(period)
period_form()
