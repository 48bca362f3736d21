"""One catalog of UI text, Simplified Chinese first, English second, and zh_CN formatting.

The catalog is assembled from `sltcore/texts/*.py` (one module per area, each a `TEXTS` dict of
key -> (zh, en)) so several people can add text without editing one file; a key defined twice,
or missing a language, fails the tests. Field and table labels come from the schema instead.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from functools import cache
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

import sltcore.texts

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_LOCALE = {"zh": "zh_CN", "en": "en_GB"}


@cache
def catalog() -> dict[str, tuple[str, str]]:
    """key -> (zh, en), merged from every module in `sltcore.texts`."""
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(sltcore.texts.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"sltcore.texts.{info.name}")
        for key, pair in module.TEXTS.items():
            if key in merged:
                raise ValueError(f"text key {key!r} is defined twice (texts/{info.name}.py)")
            merged[key] = pair
    return merged


def t(key: str, lang: str = DEFAULT_LANG, **kw: Any) -> str:
    """The text for `key` in `lang`, with `{name}` placeholders filled from `kw`."""
    zh, en = catalog()[key]
    text = zh if lang == "zh" else en
    return text.format(**kw) if kw else text


def fmt_date(value: dt.date | None, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, format="long", locale=_LOCALE[lang])


def fmt_datetime(value: dt.datetime | None, lang: str = DEFAULT_LANG) -> str:
    if value is None:
        return ""
    pattern = "yyyy年M月d日 HH:mm" if lang == "zh" else "d MMM yyyy HH:mm"
    return format_datetime(value, pattern, locale=_LOCALE[lang])


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    if value is None:
        return "—"
    return format_decimal(round(float(value), digits), locale=_LOCALE[lang])


def fmt_hours(value: float | None, lang: str = DEFAULT_LANG) -> str:
    return f"{fmt_number(value, lang)} {t('unit.hours', lang)}"
