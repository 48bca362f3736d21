"""Small pieces the daily pages share: filters, messages that survive a rerun, deep links.

Kept apart from `sltcore.ui` (the lead's shared core) so the daily pages can grow without
touching it; like it, this module may import streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from sltcore.auth import Actor, in_scope
from sltcore.errors import ValidationError
from sltcore.exports.cells import csv_safe
from sltcore.privacy import may_see
from sltcore.refs import sorted_options
from sltcore.schema import TABLE_BY_KEY, Table
from sltcore.services import attendance
from sltcore.ui import attempt, lang, show_error, tables, tr
from sltcore.ui.forms import lang_key, lang_keys
from sltcore.ui.text import md

T = TypeVar("T")
_FLASH = "kit.flash"
PILL_LIMIT = 12  # one-click buttons; past this a phone's screen is a wall of names
PICK_LIMIT = 200  # matches offered at once: keeps each rerun small at thousands of volunteers


def load_frames() -> dict[str, pd.DataFrame]:
    """Every table (cached), or, when the store cannot be read, a message and the page stops.

    A backend that is down (no network to Google, a locked file) is a sentence in the page's
    language, never a traceback.
    """
    frames = attempt(tables)
    if frames is None:
        st.stop()
    return frames


def flash(message: str, icon: str = ":material/check_circle:") -> None:
    """A toast shown on the next run (a toast raised just before `st.rerun()` would be lost)."""
    st.session_state.setdefault(_FLASH, []).append((message, icon))


def show_flashes() -> None:
    for message, icon in st.session_state.pop(_FLASH, []):
        st.toast(message, icon=icon, duration="long")


def pick(label: str, options: Mapping[str, str], key: str) -> str | None:
    """A filter select box whose first entry, "全部", means no filter (returns None)."""
    keys = ["", *options]
    chosen = st.selectbox(
        label,
        keys,
        format_func=lambda k: tr("common.all") if k == "" else options.get(k, k),
        key=lang_key(key, lang()),
    )
    return chosen or None


def is_empty(frames: Mapping[str, pd.DataFrame]) -> bool:
    """The store has no communities, volunteers or records yet (the first-run screen)."""
    return all(frames[k].empty for k in ("communities", "volunteers", "service_records"))


def community_options(frames: Mapping[str, pd.DataFrame], actor: Actor) -> dict[str, str]:
    """Communities the actor may write for: a coordinator only their own, a viewer none."""
    names = sorted_options(frames, "communities")
    return {k: v for k, v in names.items() if in_scope(actor, k)}


def query_id(name: str) -> str | None:
    """An id passed in the address (`?vol=vol-00012`): the deep link to a profile or event."""
    value = st.query_params.get(name)
    return str(value) if value else None


def open_item(name: str, value: str | None) -> None:
    """Show another item (or the list, with None) by changing the address, then rerun."""
    if value:
        st.query_params[name] = value
    elif name in st.query_params:
        del st.query_params[name]
    st.rerun()


def selected_row(event: object) -> int | None:
    """The row position chosen in a `st.dataframe(on_select="rerun")`, if any."""
    try:
        rows = event.selection.rows  # type: ignore[attr-defined]
    except AttributeError:
        return None
    return rows[0] if rows else None


def volunteer_picker(
    frames: Mapping[str, pd.DataFrame],
    key: str,
    label: str,
    exclude: Collection[str] = (),
    missing: Callable[[str], str] | None = None,
    actor: Actor | None = None,
) -> list[str]:
    """One box that finds and adds volunteers: Enter adds the one person a search finds;
    several matches show as buttons, one click each. Finds by name, pinyin or initials, a
    phone suffix, a team, and the last ID digits for an account that may see ID numbers.

    The picker offers the search matches plus those already picked, never the whole register,
    so it stays light with thousands of volunteers. `missing` labels a picked id that is no
    longer live (archived meanwhile), so it stays visible and is refused by name on saving.
    """
    ids_key, q_key, pills_key = f"{key}.ids", f"{key}.q", f"{key}.pills"
    id_digits = actor is not None and may_see(actor, "id_number", None)  # the one rule

    def _hits(query: str) -> list[str]:
        found = attendance.search(frames, query, id_digits=id_digits)
        return [v for v in found if v not in exclude]

    def _enter() -> None:  # runs before the widgets: it may clear the box
        hits = _hits(st.session_state.get(q_key, ""))
        have = list(st.session_state.get(ids_key, []))
        if len(hits) == 1:
            if hits[0] not in have:
                st.session_state[ids_key] = [*have, hits[0]]
            st.session_state[f"{key}.added"] = hits[0]
            st.session_state[q_key] = ""

    def _click() -> None:
        have = list(st.session_state.get(ids_key, []))
        picked = [v for v in st.session_state.get(pills_key) or [] if v not in have]
        st.session_state[ids_key] = have + picked
        st.session_state[pills_key] = []

    placeholder = "picker.search.placeholder_id" if id_digits else "picker.search.placeholder"
    query = st.text_input(tr("picker.search"), placeholder=tr(placeholder), key=q_key,
                          on_change=_enter)  # fmt: skip
    chosen = list(st.session_state.get(ids_key, []))
    hits = _hits(query)
    offered = hits[:PICK_LIMIT]
    options = attendance.attendee_options(frames, list(dict.fromkeys([*chosen, *offered])))
    for vid in chosen:
        if vid not in options:
            options[vid] = missing(vid) if missing else vid
    new = [v for v in offered if v not in chosen]
    added = st.session_state.pop(f"{key}.added", None)
    if added and not query.strip():
        st.caption(tr("picker.added", name=md(options.get(added, added))))
    if query.strip():
        if not hits:
            st.caption(tr("picker.none"))
        elif len(hits) > PICK_LIMIT:
            st.caption(tr("picker.too_many", count=len(hits), limit=PICK_LIMIT))
        elif len(hits) > PILL_LIMIT:
            st.caption(tr("picker.found_many", count=len(hits)))
        else:
            st.caption(tr("picker.found", count=len(hits)))
        if new and len(hits) <= PILL_LIMIT:  # more than a screenful: type more, or choose below
            st.pills(tr("picker.click"), new, selection_mode="multi",
                     format_func=lambda v: md(options.get(v, v)), key=pills_key,
                     on_change=_click, label_visibility="collapsed")  # fmt: skip

    def _add_all() -> None:
        st.session_state[ids_key] = chosen + new

    if query.strip() and 1 < len(new) <= PICK_LIMIT:
        st.button(
            tr("picker.add_all", count=len(new)),
            icon=":material/add:",
            on_click=_add_all,
            key=f"{key}.all",
        )
    return st.multiselect(
        label,
        list(options),
        format_func=lambda v: options.get(v, v),
        placeholder=tr("picker.placeholder"),
        filter_mode="contains",
        select_all=False,  # its built-in label is English only; "全部加入" does this above
        key=ids_key,
    )


def safe_csv(df: pd.DataFrame) -> bytes:
    """`df` as a CSV a spreadsheet opens safely: UTF-8 with a BOM (Excel reads the Chinese),
    every text cell and header through `cells.csv_safe` (a name typed as `=HYPERLINK(...)`
    stays text), numbers left as numbers (a negative number is not a formula)."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s) or pd.api.types.is_numeric_dtype(s):
            out[col] = s
        elif pd.api.types.is_datetime64_any_dtype(s):
            out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
        else:
            out[col] = s.map(lambda v: "" if v is None or v is pd.NA or v != v else csv_safe(v))
    text = out.to_csv(index=False, header=[csv_safe(c) for c in df.columns], lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def csv_button(df: pd.DataFrame, name: str, key: str) -> None:
    """Our own CSV download of what a table shows, formula-safe (`safe_csv`).

    `st.dataframe`'s built-in download writes cells as typed, so a name starting with `=`
    would run as a formula in Excel; the app hides that one and offers this instead. The file
    is built only when clicked, so a long list costs nothing on each rerun.
    """
    st.download_button(
        tr("kit.download_csv"),
        data=lambda: safe_csv(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=key,
    )


def table_view(
    df: pd.DataFrame,
    columns: Mapping[str, object],
    download: str | None = None,
    **kwargs: object,
) -> object:
    """`st.dataframe` of the `columns` of `df`, headed by their labels in the data itself.

    A column's spec is its label, or a `st.column_config` column carrying the label. With
    `download` (a file name without `.csv`) a formula-safe CSV of exactly the shown columns
    is offered under the table (`csv_button`), Chinese headers included.
    """
    labels = {c: spec if isinstance(spec, str) else spec["label"] for c, spec in columns.items()}  # type: ignore[index]
    config = {labels[c]: spec for c, spec in columns.items() if not isinstance(spec, str)}
    shown = df[list(columns)].rename(columns=labels)
    event = st.dataframe(
        shown, column_config=config, hide_index=True, width="stretch", placeholder="", **kwargs
    )
    if download:
        csv_button(shown, download, key=f"csv.{kwargs.get('key') or download}")
    return event


def history_table(past: pd.DataFrame, key: str) -> None:
    """A row's history (`sltcore.services.history`): when, who, what, before and after."""
    table_view(
        past,
        {
            "at": st.column_config.DatetimeColumn(tr("audit.col.at"), format="YYYY-MM-DD HH:mm"),
            "actor": tr("audit.col.actor"),
            "action": tr("audit.col.action"),
            "record": tr("audit.col.record"),
            "field": tr("audit.col.field"),
            "before": tr("audit.col.before"),
            "after": tr("audit.col.after"),
        },
        key=key,
        height=min(400, 38 + 35 * len(past)),
    )


def show_form_error(err: BaseException) -> None:
    """A refusal of a one-row form lists each field and what to do, without the batch row
    numbers ("第1行") that mean nothing to someone filling one form; other errors as usual."""
    if not isinstance(err, ValidationError):
        show_error(err)
        return
    lines = []
    for p in err.problems:
        t = TABLE_BY_KEY.get(p.table)
        where = t.field(p.field).label(lang()) if t and p.field and t.has(p.field) else ""
        body = p.zh if lang() == "zh" else p.en
        sep = "：" if lang() == "zh" else ": "
        body = md(body)  # quotes what was typed (“…”已存在): shown as typed
        lines.append(f"- **{md(where)}**{sep}{body}" if where else f"- {body}")
    st.error(f"**{tr('forms.refused')}**\n\n" + "\n".join(lines), icon=":material/warning:")


def form_attempt(fn: Callable[[], T]) -> T | None:
    """Run a form's store call; show a refusal with `show_form_error`, never a traceback."""
    try:
        return fn()
    except Exception as err:  # every error becomes a message, never a trace
        show_form_error(err)
        return None


# --- edit forms: a row someone else saved meanwhile is a conflict the user is told about ----


def redraw_edit(base: str) -> None:
    """Draw the edit form `base` afresh on the next run, with the row as stored then.

    After our own save (or the user asking for the latest values): a new generation is a new
    form key, so the boxes lose what was typed and show the stored row, at its new version.
    """
    gen = st.session_state.get(f"{base}.gen", 1)
    st.session_state.pop(f"{base}.{gen}.opened", None)
    st.session_state[f"{base}.gen"] = gen + 1


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # pd.NA and the like
        return a is b


@dataclass(frozen=True)
class EditForm:
    """One row's edit form across reruns: keyed on the row's id, not its version.

    `seen` and `shown` are the version and values of the row when the form was drawn afresh;
    the form keeps showing `shown` (and what the user typed over it) and a save expects
    `seen`. So when someone else saves the row meanwhile, the store refuses the save with a
    `ConflictError` (nothing is overwritten), and the typed values stay in the form instead of
    vanishing under a new key; `notice()` then offers the latest values.
    """

    base: str
    key: str
    table: Table
    fields: tuple[str, ...]
    seen: int
    shown: dict[str, Any]
    current: dict[str, Any]

    @property
    def stale(self) -> bool:
        """The stored row is no longer the one the form was drawn with."""
        return int(self.current["version"]) != self.seen

    def changed(self) -> list[str]:
        """The form's fields whose stored value differs from the one the form was drawn with."""
        return [k for k in self.fields if not _same(self.current.get(k), self.shown.get(k))]

    def redraw(self) -> None:
        redraw_edit(self.base)

    def notice(self, on_reload: Callable[[], None] | None = None) -> None:
        """When the row was saved again since the form was drawn: say so, name the changed
        fields (no values: some are personal data) and offer the latest values in one click.
        Shown under the form, also after a refused save (below the error)."""
        if not self.stale:
            return
        lg = lang()
        text = tr("edit.stale")
        names = [self.table.field(k).label(lg) for k in self.changed()]
        if names:
            text += tr("edit.stale.fields", fields=("、" if lg == "zh" else ", ").join(names))
        st.warning(text, icon=":material/sync_problem:")

        def _reload() -> None:
            self.redraw()
            if on_reload is not None:
                on_reload()

        st.button(
            tr("edit.reload"),
            icon=":material/refresh:",
            key=f"{self.base}.reload",
            on_click=_reload,
        )


def open_edit(
    base: str, t: Table, row: Mapping[str, Any], fields: Sequence[str] | None = None
) -> EditForm:
    """The edit form `base` (e.g. `events.edit.<id>`) of `row`, as stored now, for `fields`
    (every user field by default); pass `.key` and `.shown` to `record_form`, `.seen` to the
    store as the expected version, and call `.notice()` under the form.

    The version and values are remembered when the form is drawn afresh: the first time, after
    `redraw_edit`, or when its boxes were not on the page in the last run (another row was
    picked, another page was open), so a form put away and opened again shows the row as
    stored then.
    """
    keys = tuple(fields) if fields is not None else tuple(f.key for f in t.user_fields)
    gen = st.session_state.get(f"{base}.gen", 1)  # from 1: keys as before for a new row
    key = f"{base}.{gen}"
    opened = f"{key}.opened"
    drawn = any(w in st.session_state for k in keys for w in lang_keys(f"{key}.{k}"))
    if opened not in st.session_state or not drawn:
        st.session_state[opened] = (int(row["version"]), {k: row.get(k) for k in keys})
    seen, shown = st.session_state[opened]
    return EditForm(base, key, t, keys, seen, shown, dict(row))
