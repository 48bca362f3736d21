"""导入表格 Import: the office's Excel, WPS and CSV files, step by step; saved as one action."""

from __future__ import annotations

import streamlit as st

from sltcore.schema import table
from sltcore.services import imports
from sltcore.ui import current_actor, get_store, lang, tr
from sltcore.ui.forms import lang_key
from sltcore.ui.importer import (
    PAGE_OF,
    counts,
    default_inputs,
    duplicate_links,
    expected_columns,
    mapping_inputs,
    prepare,
    preview_table,
    read_upload,
    report_button,
    run_with_progress,
    sheet_head,
    template_button,
    writable_tables,
)
from sltcore.ui.kit import load_frames
from sltcore.ui.safe import attempt, md

store = get_store()
frames = load_frames()
actor = current_actor()
lg = lang()

st.title(tr("import.title"))
st.caption(tr("import.intro"))
allowed = writable_tables(actor)
if not allowed:
    st.warning(tr("import.readonly"), icon=":material/lock:")
    st.stop()

done = st.session_state.get("import.done")
if done is not None:
    with st.container(border=True):
        st.success(imports.summary(done, lg), icon=":material/check_circle:")
        a, b, c = st.columns(3, vertical_alignment="center")
        with a:
            report_button(done, lg, key="import.done.report")
        page = PAGE_OF.get(done.prepared.table.key)
        if page:
            b.page_link(page, label=tr("import.done.open"), icon=":material/open_in_new:")
        if c.button(tr("import.done.close"), key="import.done.close"):
            del st.session_state["import.done"]
            st.rerun()

st.subheader(tr("import.step.file"))
key = st.radio(
    tr("import.table"),
    allowed,
    format_func=lambda k: table(k).label(lg),
    horizontal=True,
    key=lang_key("import.table", lg),
)
t = table(key)
st.caption(tr("import.expected", columns=expected_columns(t, lg)))
template_button(t, lg)
gen = st.session_state.get("import.gen", 0)
uploaded = st.file_uploader(
    tr("import.file"), type=["xlsx", "xls", "csv"], key=f"import.file.{gen}",
    help=tr("import.file.help"),
)  # fmt: skip
if uploaded is None:
    st.stop()
read = read_upload(uploaded)
if read is None:
    st.stop()
source, digest = read
base = f"import.{gen}.{digest}.{key}"

st.subheader(tr("import.step.columns"))
names = [s.name for s in source.sheets]
best = imports.best_sheet(source, t).name
sheet_name = best
if len(names) > 1:
    sheet_name = st.selectbox(
        tr("import.sheet"), names, index=names.index(best), key=f"{base}.sheet",
        help=tr("import.sheet.help"),
    )  # fmt: skip
sheet = source.sheet(sheet_name)
if source.encoding:
    st.caption(tr("import.encoding", encoding=source.encoding))
found = imports.detect_header(sheet, t)
header_row = st.number_input(
    tr("import.header_row"),
    min_value=1,
    max_value=max(len(sheet.rows), 1),
    value=(found or 0) + 1,
    step=1,
    key=f"{base}.{sheet_name}.header",
    help=tr("import.header_row.help"),
)
with st.expander(tr("import.head", sheet=md(sheet_name)), expanded=found is None):
    st.dataframe(sheet_head(sheet), width="stretch")
auto = prepare(source, digest, imports.Settings(key, sheet_name, int(header_row)))
if auto is None:
    st.stop()
st.markdown(f"**{tr('import.mapping')}**")
st.caption(tr("import.mapping.help"))
mapping = mapping_inputs(auto, f"{base}.{sheet_name}.{header_row}", lg)
defaults = default_inputs(t, mapping, frames, actor, base, lg)
settings = imports.Settings(key, sheet_name, int(header_row), mapping, defaults)
prepared = prepare(source, digest, settings)
if prepared is None:
    st.stop()
for problem in prepared.problems:
    st.error(md(problem.message(lg)), icon=":material/error:")
if prepared.notes:
    with st.expander(tr("import.notes", count=len(prepared.notes)), icon=":material/info:"):
        st.markdown("\n".join(f"- {md(n.message(lg))}" for n in prepared.notes))

st.subheader(tr("import.step.preview"))
if prepared.problems:
    st.info(tr("import.fix_first"), icon=":material/arrow_upward:")
    st.stop()
cache_key = (base, sheet_name, int(header_row), tuple(sorted(mapping.items())),
             tuple(sorted(defaults.items())), store.revision())  # fmt: skip
cached = st.session_state.get("import.preview")
if cached is None or cached[0] != cache_key:
    with st.spinner(tr("import.previewing")):
        result = attempt(lambda: imports.preview(store, prepared, actor), lg)
    if result is None:
        st.stop()
    st.session_state["import.preview"] = (cache_key, result)
else:
    result = cached[1]
counts(result)
problems = bool(result.refused or result.duplicates)
only = st.toggle(tr("import.only_problems"), value=problems, key=f"{base}.only")
table_rows = preview_table(result, only, lg)
if table_rows.empty:
    st.caption(tr("import.preview.none"))
else:
    st.dataframe(
        table_rows,
        column_config={tr("import.col.why"): st.column_config.TextColumn(width="large")},
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(table_rows)),
    )
if len(result.rows) + len(result.skipped) > len(table_rows) and not only:
    st.caption(tr("import.preview.cut", shown=len(table_rows)))
# Every row's verdict before anything is written: the table above may show only part of it.
report_button(result, lg, key=f"{base}.preview.report", label_key="import.preview.report")
duplicate_links(result)

st.subheader(tr("import.step.commit"))
ok, bad = len(result.accepted), len(result.refused)
if result.blocked:
    st.warning(tr("import.blocked"), icon=":material/block:")
    st.stop()
skip = False
if bad:
    st.warning(tr("import.has_refused", count=bad), icon=":material/warning:")
    skip = st.checkbox(tr("import.skip_invalid", count=bad, ok=ok), key=f"{base}.skip")
left, right = st.columns(2)
dry = left.button(tr("import.dry"), icon=":material/fact_check:", key=f"{base}.dry",
                  help=tr("import.dry.help"))  # fmt: skip
go = right.button(
    tr("import.commit", count=ok), type="primary", icon=":material/upload:",
    disabled=ok == 0 or (bad > 0 and not skip), key=f"{base}.commit",
)  # fmt: skip
if ok == 0 and not bad:
    st.caption(tr("import.nothing"))
if dry:
    outcome = run_with_progress(store, prepared, actor, dry_run=True, skip_invalid=skip)
    if outcome is not None:
        st.session_state[f"{base}.dry.result"] = outcome
outcome = st.session_state.get(f"{base}.dry.result")
if outcome is not None and not go:
    if outcome.failed and not (skip and not outcome.blocked):
        st.error(md(imports.summary(outcome, lg)), icon=":material/error:")
        lines = [md(x.message(lg)) for r in outcome.refused for x in r.problems][:20]
        if lines:
            st.markdown("\n".join(f"- {line}" for line in lines))
    else:
        st.success(f"{md(imports.summary(outcome, lg))}\n\n{tr('import.dry.ok')}",
                   icon=":material/task_alt:")  # fmt: skip
    report_button(outcome, lg, key=f"{base}.dry.report")
if go:
    outcome = run_with_progress(store, prepared, actor, dry_run=False, skip_invalid=skip)
    if outcome is not None and outcome.committed:
        st.session_state["import.done"] = outcome
        st.session_state["import.gen"] = gen + 1
        st.session_state.pop("import.preview", None)
        st.rerun()
    elif outcome is not None:
        st.error(md(imports.summary(outcome, lg)), icon=":material/error:")
        report_button(outcome, lg, key=f"{base}.fail.report")
