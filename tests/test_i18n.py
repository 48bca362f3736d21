"""The one text catalog: both languages everywhere, matching placeholders, no missing keys."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from sltcore import i18n

ROOT = Path(__file__).resolve().parents[1]
CATALOG = i18n.catalog()
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # ideographs, CJK punctuation


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOG))
def test_every_key_has_both_languages_and_the_same_placeholders(key):
    zh, en = CATALOG[key]
    assert zh.strip() and en.strip(), f"{key} lacks a language"
    assert _fields(zh) == _fields(en), f"{key}: placeholders differ"
    assert CJK.search(zh), f"{key}: the zh text has no Chinese"


def _used_keys() -> set[tuple[str, str]]:
    """Literal keys passed to tr()/t() in the pages and sltcore (f-string keys are skipped)."""
    found = set()
    pattern = re.compile(
        r"""\b(?:tr|i18n\.t|_refusal)\(\s*(?:None,\s*|name,\s*|vid,\s*)?"([a-z_.0-9]+)\""""
    )
    for path in [*ROOT.glob("app_pages/*.py"), *ROOT.glob("app.py"), *ROOT.glob("sltcore/**/*.py")]:
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            found.add((str(path.relative_to(ROOT)), key))
    return found


def test_every_key_used_in_code_exists():
    missing = sorted((p, k) for p, k in _used_keys() if k not in CATALOG)
    assert not missing, missing


def test_dynamic_keys_exist():
    for field in ("mobile", "id_number"):
        assert f"volunteers.dup.{field}" in CATALOG
    for backend in ("local", "gsheets"):
        assert f"sidebar.backend.{backend}" in CATALOG


def test_zh_cn_formats():
    assert i18n.fmt_date(dt.date(2026, 3, 5), "zh") == "2026年3月5日"
    assert i18n.fmt_hours(1234.5, "zh") == "1,234.5 小时"
    assert i18n.fmt_hours(2.0, "en") == "2 h"


def test_placeholders_fill_in_both_languages():
    assert (
        i18n.t("record.toast", "zh", count=3, hours="6.5 小时")
        == "已保存 3 条服务记录，共 6.5 小时"
    )
    assert i18n.t("record.toast", "en", count=3, hours="6.5 h") == "Saved 3 records, 6.5 h in total"
