"""导出与备份 Export and back up: the whole store as a workbook, one table as CSV, restoring a
backup into an empty store, and the nightly backup command."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sltcore import auth, clock, i18n, privacy
from sltcore.exports import workbook
from sltcore.schema import table
from sltcore.services import restore
from sltcore.ui import after_write, current_actor, get_store, lang, tables, tr
from sltcore.ui.forms import lang_key
from sltcore.ui.safe import attempt, md, show_error

store = get_store()
actor = current_actor()
lg = lang()
today = f"{clock.today():%Y%m%d}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

st.title(tr("export.title"))
st.caption(tr("export.intro"))

st.subheader(tr("export.workbook"))
header = st.radio(
    tr("export.header_lang"),
    ["zh", "en"],
    format_func=lambda x: {"zh": "中文", "en": "English"}[x],
    horizontal=True,
    key="export.header_lang",
)
admin = actor.role == "admin"
full_allowed = auth.can(actor, "export_full")
full = full_allowed and st.checkbox(
    tr("export.unmasked"), key="export.unmasked", help=tr("export.unmasked.help")
)
if full:
    st.caption(tr("export.full"))
elif full_allowed:
    st.caption(tr("export.masked"))
elif privacy.sees_personal_data(actor):
    st.caption(tr("export.masked.scoped"))
else:
    st.caption(tr("export.masked.all"))
book_name = f"{tr('export.file')}-{today}{'-' + tr('export.file.full') if full else ''}.xlsx"
st.download_button(
    tr("export.workbook.button"),
    data=lambda: workbook.export_workbook(
        store, actor, lang=header, unmasked=full, file_name=book_name
    ),
    file_name=book_name,
    mime=XLSX,
    icon=":material/download:",
    on_click="ignore",
    type="primary",
    key="export.workbook.download",
)

st.subheader(tr("export.csv"))
choice = st.selectbox(
    tr("export.csv.table"),
    [t.key for t in workbook.exportable(actor)],
    format_func=lambda k: table(k).label(lg),
    key=lang_key("export.csv.table", lg),
)
csv_name = f"{table(choice).label(lg)}-{today}.csv"
st.download_button(
    tr("export.csv.button", table=table(choice).label(lg)),
    data=lambda: workbook.export_csv(
        store, actor, choice, lang=header, unmasked=full, file_name=csv_name
    ),
    file_name=csv_name,
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
    key="export.csv.download",
)
st.caption(tr("export.csv.help"))

st.subheader(tr("export.restore"))
frames = tables()
if not admin:
    st.info(tr("export.restore.admin_only"), icon=":material/lock:")
elif any(len(df) for df in frames.values()):
    st.info(tr("export.restore.not_empty"), icon=":material/block:")
else:
    st.caption(tr("export.restore.help"))
    gen = st.session_state.get("export.restore.gen", 0)
    upload = st.file_uploader(tr("export.restore.file"), type=["xlsx"], key=f"export.restore.{gen}")
    if upload is not None:
        backup = attempt(lambda: restore.read_backup(upload.getvalue(), upload.name), lg)
        if backup is not None:
            counts = pd.DataFrame(
                {
                    tr("export.restore.col.table"): [table(k).label(lg) for k in backup.counts],
                    tr("export.restore.col.rows"): list(backup.counts.values()),
                }
            )
            st.dataframe(counts, hide_index=True, width="content")
            when = backup.meta.get("exported_at", "")
            backend = md(backup.meta.get("backend"))
            st.caption(tr("export.restore.meta", when=md(when), backend=backend))
            if st.button(tr("export.restore.button"), type="primary", key="export.restore.go"):
                with st.status(tr("export.restore.running"), expanded=True) as status:
                    bar = st.progress(0.0)
                    try:
                        written = restore.restore(
                            store, backup, actor, progress=lambda x, s: bar.progress(x, text=s)
                        )
                    except Exception as err:
                        status.update(label=tr("export.restore.failed"), state="error")
                        show_error(err, lg)
                    else:
                        after_write()
                        total = i18n.fmt_number(sum(written.values()), lg, 0)
                        status.update(
                            label=tr("export.restore.done", count=total), state="complete"
                        )
                        st.session_state["export.restore.gen"] = gen + 1

st.subheader(tr("export.backup"))
st.caption(tr("export.backup.help"))
st.code(
    "python -m sltcore backup /srv/backups --keep 30\n"
    "# crontab -e（每晚 2:30 / nightly at 2:30）\n"
    "30 2 * * * cd /srv/sanlitun && python -m sltcore backup /srv/backups --keep 30",
    language="bash",
)
