"""The import page's steps as widgets: file, sheet and header, column mapping, preview, dry run
and commit with a progress bar, and the downloadable report (`sltcore.services.imports`).

Reading the file and the preview take no lock (other people keep saving while a coordinator
looks at a preview); only the final commit is one transaction.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from sltcore import clock, i18n
from sltcore.auth import Actor, check_write
from sltcore.errors import DeskError, PermissionDenied
from sltcore.exports import workbook
from sltcore.refs import sorted_options
from sltcore.schema import Table, import_targets, table, target_label
from sltcore.services import imports
from sltcore.services.import_files import SourceFile, blank
from sltcore.store.base import Store
from sltcore.store.sheets_cells import column_letter
from sltcore.ui import after_write, lang, tr
from sltcore.ui.kit import safe_csv
from sltcore.ui.safe import md, show_error

STATE = "import"
PREVIEW_ROWS = 2000  # rows drawn in the preview table at once (all are checked)
PAGE_OF = {"volunteers": "app_pages/volunteers.py", "events": "app_pages/events.py",
           "teams": "app_pages/teams.py"}  # fmt: skip
QUERY_OF = {"volunteers": "vol", "events": "event", "teams": "team"}


def writable_tables(actor: Actor) -> list[str]:
    """The import tables this account may write (a coordinator: not the reference tables)."""
    out = []
    for key in imports.IMPORT_TABLES:
        try:
            check_write(actor, table(key), [])
        except PermissionDenied:
            continue
        out.append(key)
    return out


@st.cache_data(show_spinner=False, max_entries=8)
def _read(data: bytes, name: str) -> SourceFile:
    return imports.read_file(data, name)


def read_upload(uploaded: Any) -> tuple[SourceFile, str] | None:
    """The uploaded file read into sheets (cached by content), and its digest; or a message."""
    data = uploaded.getvalue()
    try:
        return _read(data, uploaded.name), hashlib.sha256(data).hexdigest()[:16]
    except DeskError as err:
        show_error(err, lang())
        return None


def expected_columns(t: Table, lg: str) -> str:
    """ "姓名*、性别*、出生日期 …": what a file for `t` should have, required ones starred."""
    sep = "、" if lg == "zh" else ", "
    star = "\\*"  # a Markdown star, shown as typed
    return sep.join(
        md(f.label(lg)) + (star if f.required and f.default is None else "") for f in t.user_fields
    )


def template_button(t: Table, lg: str) -> None:
    st.download_button(
        tr("import.template"),
        data=lambda: workbook.template(t.key, lg),
        file_name=f"{t.label(lg)}-{tr('import.template.file')}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
        key=f"import.template.{t.key}",
    )


def sheet_head(sheet: Any, rows: int = 8) -> pd.DataFrame:
    """The first rows of the sheet as they are, row numbers and column letters shown."""
    width = sheet.width
    letters = [column_letter(i) for i in range(width)]
    data = [["" if blank(v) else str(v) for v in r] for r in sheet.rows[:rows]]
    df = pd.DataFrame(data, columns=letters[: len(data[0])] if data else letters)
    df.index = range(1, len(df) + 1)
    return df


def mapping_inputs(prepared: imports.Prepared, key: str, lg: str) -> dict[int, str | None]:
    """One select box per column that has a header (or a detected target), 3 to a line."""
    t = prepared.table
    targets = ["", *import_targets(t)]
    shown = [c for c in prepared.columns if c.header or c.target]
    out = {c.index: c.target for c in prepared.columns}
    grid = st.columns(3)
    for n, c in enumerate(shown):
        label = tr("import.col", letter=c.letter, header=md(c.header or "—"))
        with grid[n % 3]:
            chosen = st.selectbox(
                label,
                targets,
                index=targets.index(c.target or ""),
                format_func=lambda x: tr("import.col.skip") if x == "" else target_label(t, x, lg),
                key=f"{key}.col.{c.index}",
            )
        out[c.index] = chosen or None
    return out


def prepare(source: SourceFile, digest: str, settings: imports.Settings) -> imports.Prepared | None:
    """`imports.prepare`, remembered for the session by file and settings: a rerun (any click
    on the page) does not read 5,000 rows again. Errors become messages."""
    key = (
        digest,
        settings.table,
        settings.sheet,
        settings.header_row,
        tuple(sorted((settings.mapping or {}).items())) if settings.mapping is not None else None,
        tuple(sorted((k, str(v)) for k, v in settings.defaults.items())),
    )
    memo: dict = st.session_state.setdefault(f"{STATE}.prepared", {})
    if key not in memo:
        try:
            memo[key] = imports.prepare(source, settings)
        except DeskError as err:
            show_error(err, lang())
            return None
        while len(memo) > 4:
            memo.pop(next(iter(memo)))
    return memo[key]


def default_inputs(
    t: Table,
    mapping: dict[int, str | None],
    frames: dict[str, pd.DataFrame],
    actor: Actor,
    key: str,
    lg: str,
) -> dict[str, Any]:
    """A value for every row, for required fields the file has no column for (and the
    community, which many sheets of one community leave out)."""
    mapped = {target.partition(".")[0] for target in mapping.values() if target}
    wanted = [f for f in t.user_fields if f.key not in mapped and
              ((f.required and f.default is None) or f.key == t.community_field)]  # fmt: skip
    if not wanted:
        return {}
    st.markdown(f"**{tr('import.defaults')}**")
    st.caption(tr("import.defaults.help"))
    out: dict[str, Any] = {}
    grid = st.columns(3)
    for n, f in enumerate(wanted):
        with grid[n % 3]:
            k = f"{key}.default.{f.key}"
            value = _default_input(f, frames, actor, k, lg)
        if value not in (None, ""):
            out[f.key] = value
    return out


def _default_input(f: Any, frames: dict[str, pd.DataFrame], actor: Actor, key: str, lg: str) -> Any:
    none = tr("import.none")
    if f.type == "ref":
        options = sorted_options(frames, f.ref or "")
        if f.ref == "communities" and actor.role == "coordinator":
            options = {i: v for i, v in options.items() if i in actor.communities}
        return st.selectbox(
            f.label(lg), ["", *options], key=key, format_func=lambda i: options.get(i, none)
        )
    if f.type == "choice":
        return st.selectbox(
            f.label(lg),
            ["", *f.choice_keys()],
            key=key,
            format_func=lambda c: f.choice_label(c, lg) or none,
        )
    if f.type == "date":
        return st.date_input(
            f.label(lg),
            value=None,
            key=key,
            format="YYYY-MM-DD",
            min_value=dt.date(1900, 1, 1),
            max_value=clock.today(),
        )
    return st.text_input(f.label(lg), key=key)


def counts(result: imports.Result) -> None:
    a, b, c, d = st.columns(4)
    lg = lang()
    a.metric(tr("import.count.ok"), i18n.fmt_number(len(result.accepted), lg, 0))
    b.metric(tr("import.count.refused"), i18n.fmt_number(len(result.refused), lg, 0))
    c.metric(tr("import.count.duplicate"), i18n.fmt_number(len(result.duplicates), lg, 0))
    d.metric(tr("import.count.skipped"), i18n.fmt_number(len(result.skipped), lg, 0))


def preview_table(result: imports.Result, only_problems: bool, lg: str) -> pd.DataFrame:
    """Every row of the file: its number, fate and why, then the imported columns as typed."""
    p = result.prepared
    rows = sorted([*result.rows, *result.skipped], key=lambda r: r.row)
    if only_problems:
        rows = [r for r in rows if r.status in ("refused", "duplicate")]
    cols = [c for c in p.columns if c.target]
    sep = "；" if lg == "zh" else "; "
    out = []
    for r in rows[:PREVIEW_ROWS]:
        line = {
            tr("import.col.row"): r.row,
            tr("import.col.status"): imports.status_label(result, r, lg),
            tr("import.col.why"): sep.join(
                dataclasses.replace(x, row=None).message(lg) for x in [*r.problems, *r.notes]
            ),
        }  # fmt: skip
        for c in cols:
            v = r.cells.get(c.target or "")
            line[f"{c.letter} {c.header}"] = _as_typed(v)
        out.append(line)
    return pd.DataFrame(out)


def _as_typed(v: Any) -> str:
    if blank(v):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return f"{v:%Y-%m-%d %H:%M}" if v.time() != dt.time() else f"{v:%Y-%m-%d}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def duplicate_links(result: imports.Result, limit: int = 20) -> None:
    t = result.prepared.table
    page, query = PAGE_OF.get(t.key), QUERY_OF.get(t.key)
    dups = [r for r in result.duplicates if r.duplicate_of]
    if not dups or page is None or query is None:
        return
    st.caption(tr("import.dups.links"))
    for r in dups[:limit]:
        title = r.cells.get(t.title_field)
        st.page_link(
            page,
            label=tr("import.dups.link", row=r.row, title=md(_as_typed(title))),
            icon=":material/open_in_new:",
            query_params={query: r.duplicate_of or ""},
        )


def report_button(
    result: imports.Result, lg: str, key: str, label_key: str = "import.report"
) -> None:
    name = f"{tr('import.report.file')}-{result.prepared.table.label(lg)}-{clock.today():%Y%m%d}"
    st.download_button(
        tr(label_key),
        data=lambda: safe_csv(imports.report_rows(result, lg)),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=key,
    )


def run_with_progress(
    store: Store,
    prepared: imports.Prepared,
    actor: Actor,
    *,
    dry_run: bool,
    skip_invalid: bool,
) -> imports.Result | None:
    """The transaction, under a status box with a progress bar; errors become messages."""
    label = tr("import.dry.running") if dry_run else tr("import.commit.running")
    with st.status(label, expanded=True) as status:
        bar = st.progress(0.0, text=tr("import.progress.check"))

        def progress(fraction: float, stage: str) -> None:
            text = tr("import.progress.write") if stage == "write" else tr("import.progress.check")
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)

        try:
            result = imports.run(store, prepared, actor, dry_run=dry_run,
                                 skip_invalid=skip_invalid, progress=progress)  # fmt: skip
        except DeskError as err:
            status.update(label=tr("import.failed"), state="error")
            show_error(err, lang())
            return None
        bar.progress(1.0, text=tr("import.progress.done"))
        failed = result.failed and not result.committed and not result.skipped_invalid
        state = "error" if failed else "complete"
        done = "import.dry.done" if dry_run else "import.commit.done"
        status.update(label=tr("import.failed") if failed else tr(done), state=state,
                      expanded=False)  # fmt: skip
    if result.committed:
        after_write()
    return result
