"""报表: the monthly workbook, the star-list export and volunteer service certificates.

Files are built on request, with a progress indicator, and offered with st.download_button;
issuing a certificate writes one row to the numbered register (民发〔2015〕149号).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n, privacy
from sltcore.exports import certificate, report
from sltcore.schema import table
from sltcore.services import analytics
from sltcore.ui import after_write, attempt, current_actor, filters, get_store, lang, show_error, tr
from sltcore.ui.shell import first_run

CACHE_TTL_SECONDS = 600
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTHS_OFFERED = 24
DATE_FORMAT = "YYYY-MM-DD"  # as every other date on screen (the PDF writes 2026年1月1日)


def _month_options(today: dt.date) -> list[tuple[int, int]]:
    first = today.replace(day=1)
    out = []
    for k in range(MONTHS_OFFERED):
        d = analytics.shift_months(first, -k)
        out.append((d.year, d.month))
    return out


def _monthly(frames: dict[str, pd.DataFrame], today: dt.date, language: str) -> None:
    st.caption(tr("reports.monthly.help"))
    options = _month_options(today)
    year, month = st.selectbox(
        tr("reports.month"),
        options,
        index=1,
        format_func=lambda ym: tr("reports.month_label", year=ym[0], month=ym[1]),
        key="reports_month",
    )
    if st.button(
        tr("reports.build"), type="primary", icon=":material/table_view:", key="reports_build"
    ):
        with st.status(tr("reports.building"), expanded=True) as status:
            bar = st.progress(0.0, text=tr("reports.step.read"))
            try:
                data = report.monthly_report(
                    frames, year, month, language, progress=lambda text, x: bar.progress(x, text)
                )
            except Exception as err:  # every error becomes a message, never a traceback
                status.update(label=tr("reports.failed"), state="error")
                show_error(err)
                return
            status.update(label=tr("reports.built"), state="complete", expanded=False)
        st.session_state["reports_monthly_file"] = (f"monthly-{year}-{month:02d}.xlsx", data)
    built = st.session_state.get("reports_monthly_file")
    if built:
        name, data = built
        st.download_button(
            tr("reports.download", name=name),
            data=data,
            file_name=name,
            mime=XLSX,
            icon=":material/download:",
            key="reports_monthly_download",
        )


def _stars(frames: dict[str, pd.DataFrame], today: dt.date, language: str) -> None:
    kinds = [k for k in analytics.PERIOD_KINDS if k != "custom"]
    kind = st.selectbox(
        tr("reports.stars.period"),
        kinds,
        index=kinds.index("this_year"),
        format_func=lambda k: tr(f"dash.period.{k}"),
        key="reports_stars_period",
    )
    period = analytics.make_period(kind, today)
    dates = tr("dash.range_join").join(
        tr("dash.range_text", start=i18n.fmt_date(s, language), end=i18n.fmt_date(e, language))
        for s, e in period.ranges
    )
    st.caption(dates)
    if st.button(
        tr("reports.stars.build"), type="primary", icon=":material/star:", key="reports_stars_build"
    ):
        with st.status(tr("reports.building"), expanded=True) as status:
            bar = st.progress(0.2, text=tr("reports.step.aggregate"))

            def build() -> dict[str, object]:
                df = analytics.star_list(frames, period)
                bar.progress(0.6, text=tr("reports.step.write"))
                title = f"{tr('stars.title')}（{dates}）"
                hours_title = f"{tr('stars.hours.title')}（{dates}）"
                return {
                    "xlsx": report.star_list_xlsx(df, language, title),
                    "csv": report.star_list_csv(df, language),
                    "hours_xlsx": report.hours_list_xlsx(df, language, hours_title),
                    "hours_csv": report.hours_list_csv(df, language),
                    "starred": len(report.starred(df)),
                    "all": len(df),
                }

            files = attempt(build)
            if files is None:
                status.update(label=tr("reports.failed"), state="error")
                return
            bar.progress(1.0, text=tr("reports.built"))
            status.update(label=tr("reports.built"), state="complete", expanded=False)
        stem = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
        st.session_state["reports_stars_files"] = (stem, files)
    built = st.session_state.get("reports_stars_files")
    if built:
        stem, files = built
        starred = i18n.fmt_number(files["starred"], language, 0)
        everyone = i18n.fmt_number(files["all"], language, 0)
        st.caption(tr("stars.export.help"))
        left, right = st.columns(2)
        left.download_button(
            tr("stars.export.xlsx", n=starred),
            files["xlsx"],
            f"star-volunteers-{stem}.xlsx",
            XLSX,
            icon=":material/download:",
            key="reports_stars_xlsx",
        )
        right.download_button(
            tr("stars.export.csv", n=starred),
            files["csv"],
            f"star-volunteers-{stem}.csv",
            "text/csv",
            icon=":material/download:",
            key="reports_stars_csv",
        )
        st.caption(tr("stars.hours.help"))
        left, right = st.columns(2)
        left.download_button(
            tr("stars.hours.xlsx", n=everyone),
            files["hours_xlsx"],
            f"volunteer-hours-{stem}.xlsx",
            XLSX,
            icon=":material/download:",
            key="reports_hours_xlsx",
        )
        right.download_button(
            tr("stars.hours.csv", n=everyone),
            files["hours_csv"],
            f"volunteer-hours-{stem}.csv",
            "text/csv",
            icon=":material/download:",
            key="reports_hours_csv",
        )


def _setting(frames: dict[str, pd.DataFrame], key: str) -> str:
    s = frames.get("settings")
    if s is None or s.empty:
        return ""
    match = s.loc[s["key"] == key, "value"].dropna()
    return str(match.iloc[0]) if len(match) else ""


def _certificates(frames: dict[str, pd.DataFrame], today: dt.date, language: str) -> None:
    st.caption(tr("cert.intro"))
    vols = analytics.live_frame(frames, "volunteers")
    if vols.empty:
        st.info(tr("cert.no_volunteers"), icon=":material/inbox:")
        return
    names = dict(analytics.community_options(frames))
    labels = {
        r.id: " · ".join(
            str(x)
            for x in (r.name, names.get(r.community_id, ""), r.bv_number)
            if isinstance(x, str)
        )
        for r in vols.itertuples(index=False)
    }
    actor = current_actor()
    if auth.can(actor, "write"):
        _issue_form(frames, today, vols, labels, actor)
    _register(frames, language, actor)


def _full_id(actor, key: str) -> bool:
    """An administrator may print the full ID number (asked each time, and logged)."""
    if not auth.can(actor, "export_full"):
        return False
    return st.checkbox(tr("cert.full_id"), key=key, help=tr("cert.full_id.help"))


def _pdf(row: dict, actor, full: bool) -> bytes:
    """The certificate's PDF; a full ID number only through `privacy.reveal` (logged)."""
    store = get_store()
    volunteer = dict(store.get("volunteers", row.get("volunteer_id")) or {})
    if full and volunteer.get("id_number"):
        volunteer.update(privacy.reveal(store, actor, "volunteers", volunteer["id"], ["id_number"]))
        after_write()
    return certificate.render_pdf(row, volunteer, full_id=full)


def _issue_form(frames, today, vols, labels, actor) -> None:
    mine = vols[[auth.in_scope(actor, c) for c in vols["community_id"]]]
    labels = {k: v for k, v in labels.items() if k in set(mine["id"])}
    full = _full_id(actor, "cert_full_id")
    with st.form("cert_form"):
        volunteer_id = st.selectbox(
            tr("cert.volunteer"),
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder=tr("cert.volunteer.search"),
            key="cert_volunteer",
        )
        left, right = st.columns(2)
        start = left.date_input(
            tr("cert.from"),
            value=dt.date(today.year, 1, 1),
            max_value=today,
            format=DATE_FORMAT,
            key="cert_from",
        )
        end = right.date_input(
            tr("cert.to"), value=today, max_value=today, format=DATE_FORMAT, key="cert_to"
        )
        issuer = left.text_input(
            tr("cert.issuer"),
            value=_setting(frames, "office.name") or tr("cert.default.issuer"),
            key="cert_issuer",
        )
        head = right.text_input(
            tr("cert.issuer_head"), value=_setting(frames, "office.head"), key="cert_head"
        )
        officer = left.text_input(
            tr("cert.officer"), value=actor.display_name or actor.username, key="cert_officer"
        )
        phone = right.text_input(
            tr("cert.contact_phone"), value=_setting(frames, "office.phone"), key="cert_phone"
        )
        submitted = st.form_submit_button(
            tr("cert.issue"), type="primary", icon=":material/workspace_premium:"
        )
    if submitted and volunteer_id:
        summary = certificate.service_summary(frames, volunteer_id, start, end)
        if summary.records == 0:
            st.warning(tr("cert.no_hours"), icon=":material/warning:")
        with st.status(tr("cert.issuing"), expanded=False) as status:
            row = attempt(
                lambda: certificate.issue(
                    get_store(),
                    actor,
                    volunteer_id,
                    start,
                    end,
                    issuer.strip(),
                    head.strip(),
                    officer.strip(),
                    phone.strip(),
                    data=frames,
                )
            )
            if row is None:
                status.update(state="error")
            else:
                pdf = attempt(lambda: _pdf(row, actor, full)) or b""
                st.session_state["cert_last"] = (row["number"], pdf)
                status.update(label=tr("cert.issued", number=row["number"]), state="complete")
        if row is not None:
            after_write()  # the register below must show the new number
            st.session_state["cert_toast"] = tr("cert.issued", number=row["number"])
            st.rerun()
    if toast := st.session_state.pop("cert_toast", None):
        st.toast(toast, icon=":material/check_circle:")
    last = st.session_state.get("cert_last")
    if last:
        number, pdf = last
        st.download_button(
            tr("cert.download", number=number),
            pdf,
            f"{number}.pdf",
            "application/pdf",
            type="primary",
            icon=":material/download:",
            key="cert_download",
        )


def _register(frames, language, actor) -> None:
    st.subheader(tr("cert.register"))
    register = certificate.register_frame(frames)
    if register.empty:
        st.info(tr("cert.register.empty"), icon=":material/inbox:")
        return
    cert_table = certificate.table_for_display(register, language)
    st.dataframe(
        cert_table,
        hide_index=True,
        key="cert_register",
        column_config={
            label: st.column_config.DateColumn(label, format=DATE_FORMAT)
            for label in (
                table("certificates").field(k).label(language)
                for k in ("issued_on", "period_from", "period_to")
            )
        },
    )
    ids = dict(zip(register["number"], register["id"], strict=True))
    number = st.selectbox(tr("cert.reprint.choose"), list(ids), key="cert_reprint")
    full = _full_id(actor, "cert_reprint_full_id")

    def reprint() -> bytes:
        row = get_store().get("certificates", ids[number]) or {}
        return _pdf(row, actor, full)

    st.download_button(
        tr("cert.reprint"),
        reprint,
        f"{number}.pdf",
        "application/pdf",
        icon=":material/print:",
        key="cert_reprint_download",
    )


def main() -> None:
    language = lang()
    store = get_store()
    today = clock.today()
    st.title(tr("reports.title"))
    st.caption(tr("reports.intro"))
    key = filters.store_key(store)
    frames = attempt(lambda: filters.frames(store, key, store.revision()))
    if frames is None:
        return
    empty = all(frames[k].empty for k in ("communities", "volunteers", "service_records"))
    if empty and first_run(store):
        st.stop()
    monthly, star_tab, certs = st.tabs(
        [tr("reports.tab.monthly"), tr("reports.tab.stars"), tr("reports.tab.certificates")]
    )
    with monthly:
        _monthly(frames, today, language)
    with star_tab:
        _stars(frames, today, language)
    with certs:
        _certificates(frames, today, language)


main()
