"""Schema-driven inputs: one widget per field, chosen by the field's type.

This is what makes a new field in `schema.py` appear in every add and edit form with no page
change. Widgets return raw values; the store's validation parses and checks them, so a form
never has rules of its own. Identity and phone numbers are never put into an edit form: the
box is empty, shows the masked value, and an empty box keeps what is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from sltcore import clock, i18n
from sltcore.codec import TAG_SEP
from sltcore.privacy import mask
from sltcore.refs import sorted_options
from sltcore.schema import Field, Table

KEEP = object()  # an edit form's empty PII box: keep the stored value


def lang_key(key: str, lang: str) -> str:
    """The key of a widget whose option labels are translated: one per language.

    Streamlit remembers a select box's or radio's choice by its label, so after a language
    switch the old label matches no option and the widget shows nothing chosen. A key per
    language, seeded with the value chosen under the other language, keeps the choice and shows
    it in the new language. The default language keeps the plain key.
    """
    keys = dict(zip(i18n.LANGS, lang_keys(key), strict=True))
    new = keys.get(lang, key)
    if new not in st.session_state:
        for code, other in keys.items():
            if code != lang and other in st.session_state:
                st.session_state[new] = st.session_state[other]
                break
    return new


def lang_keys(key: str) -> tuple[str, ...]:
    """Every key `lang_key` may give the widget `key`, one per language (in `i18n.LANGS` order),
    so a page can ask whether the widget was drawn whatever the language."""
    return tuple(key if code == i18n.DEFAULT_LANG else f"{key}@{code}" for code in i18n.LANGS)


def label(f: Field, lang: str) -> str:
    """The field's label, with a star when it must be filled."""
    return f.label(lang) + (" *" if f.required else "")


def _help(f: Field, lang: str) -> str | None:
    return (f.help_zh if lang == "zh" else f.help_en) or None


def _bound(limit: float | None, value: Any, below: bool) -> float | None:
    """A number box's min (`below`) or max, left out when the stored value lies beyond it.

    A value typed into a sheet by hand (a population of -5) must still open in its edit form:
    Streamlit refuses a value outside the widget's range, so the page would crash. Without the
    bound the box shows the value and validation names the problem on saving.
    """
    if limit is None:
        return None
    if value is not None and (value < limit if below else value > limit):
        return None
    return limit


def _date_range(f: Field, value: dt.date | None) -> tuple[dt.date, dt.date]:
    """The date picker's range, widened to include a stored date beyond it (a registration
    date in the future, typed into the sheet), so the form opens; validation refuses on save."""
    low = dt.date(1900, 1, 1)
    high = clock.today() if f.past_only else dt.date(2100, 12, 31)
    if value is not None:
        low, high = min(low, value), max(high, value)
    return low, high


def _blank(value: Any) -> bool:
    if value is None or value == ():
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def field_input(
    f: Field,
    *,
    key: str,
    lang: str,
    frames: Mapping[str, pd.DataFrame] | None = None,
    value: Any = None,
    editing: bool = False,
    options: Mapping[str, str] | None = None,
) -> Any:
    """Render the input for one field and return what it holds (raw, unvalidated).

    `options` overrides the choices of a reference field (e.g. a coordinator's communities).
    """
    text = label(f, lang)
    helptext = _help(f, lang)
    value = None if _blank(value) else value
    if f.pii and editing:
        shown = mask(f.pii, value) if value else ""
        typed = st.text_input(
            text,
            value="",
            key=key,
            placeholder=shown,
            help=i18n.t("forms.pii_keep", lang),
            max_chars=f.text_limit,
        )
        return typed.strip() or KEEP
    match f.type:
        case "longtext":
            return st.text_area(text, value=value or "", key=key, help=helptext, height=90)
        case "int":
            number = int(value) if value is not None else None
            low, high = _bound(f.min, number, True), _bound(f.max, number, False)
            return st.number_input(
                text,
                value=number,
                min_value=int(low) if low is not None else None,
                max_value=int(high) if high is not None else None,
                step=1,
                key=key,
                help=helptext,
            )
        case "number":
            number = float(value) if value is not None else None
            low, high = _bound(f.min, number, True), _bound(f.max, number, False)
            return st.number_input(
                text,
                value=number,
                min_value=float(low) if low is not None else None,
                max_value=float(high) if high is not None else None,
                step=0.5,
                format="%g",
                key=key,
                help=helptext,
            )
        case "date":
            if value is None and f.required and not editing:
                value = clock.today()
            if isinstance(value, dt.datetime | pd.Timestamp):
                value = value.date()
            low, high = _date_range(f, value)
            return st.date_input(
                text,
                value=value,
                min_value=low,
                max_value=high,
                format="YYYY-MM-DD",
                key=key,
                help=helptext,
            )
        case "time":
            if isinstance(value, str):
                value = dt.time.fromisoformat(value)
            return st.time_input(text, value=value, key=key, help=helptext, step=900)
        case "bool":
            return st.checkbox(text, value=bool(value), key=key, help=helptext)
        case "choice":
            keys = f.choice_keys()
            current = value if value is not None else f.default
            return st.selectbox(
                text,
                keys,
                index=keys.index(current) if current in keys else None,
                format_func=lambda k: f.choice_label(k, lang),
                key=lang_key(key, lang),
                help=helptext,
                placeholder=i18n.t("forms.choose", lang),
            )
        case "ref":
            names = (
                dict(options)
                if options is not None
                else (sorted_options(frames or {}, f.ref or "") if frames is not None else {})
            )
            if value is not None and value not in names:
                names[str(value)] = str(value)  # an archived row still referenced
            ids = list(names)
            return st.selectbox(
                text,
                ids,
                index=ids.index(value) if value in ids else None,
                format_func=lambda k: names.get(k, k),
                key=key,
                help=helptext,
                placeholder=i18n.t("forms.choose", lang),
            )
        case "tags":
            joined = TAG_SEP.join(value) if isinstance(value, tuple | list) else (value or "")
            return st.text_input(
                text,
                value=joined,
                key=key,
                help=helptext or i18n.t("forms.tags_help", lang),
            )
        case _:  # text, datetime
            return st.text_input(
                text,
                value="" if value is None else str(value),
                max_chars=f.text_limit,
                key=key,
                help=helptext,
            )


def record_form(
    t: Table,
    *,
    form_key: str,
    lang: str,
    frames: Mapping[str, pd.DataFrame],
    values: Mapping[str, Any] | None = None,
    fields: Sequence[str] | None = None,
    submit_label: str | None = None,
    ref_options: Mapping[str, Mapping[str, str]] | None = None,
    columns: int = 2,
) -> dict[str, Any] | None:
    """An add (values=None) or edit form for `t`; returns the typed values once submitted.

    Every user field of the table is shown unless `fields` names a subset; long texts take a
    whole row. For an edit, PII boxes left empty are dropped from the result (kept as stored).
    """
    editing = values is not None
    chosen = [t.field(k) for k in fields] if fields is not None else list(t.user_fields)
    short = [f for f in chosen if f.type != "longtext"]
    long = [f for f in chosen if f.type == "longtext"]
    out: dict[str, Any] = {}
    with st.form(form_key, border=True):
        cols = st.columns(columns)
        for i, f in enumerate(short):
            with cols[i % columns]:
                out[f.key] = field_input(
                    f,
                    key=f"{form_key}.{f.key}",
                    lang=lang,
                    frames=frames,
                    value=(values or {}).get(f.key),
                    editing=editing,
                    options=(ref_options or {}).get(f.key),
                )
        for f in long:
            out[f.key] = field_input(
                f, key=f"{form_key}.{f.key}", lang=lang, value=(values or {}).get(f.key)
            )
        submitted = st.form_submit_button(
            submit_label or i18n.t("common.save", lang), type="primary", icon=":material/save:"
        )
    if not submitted:
        return None
    return {k: v for k, v in out.items() if v is not KEEP}
