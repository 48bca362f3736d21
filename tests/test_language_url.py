"""The language choice lives in the address (`?lang=en`), so a reload, a new tab or a bookmark
keeps it until accounts remember it (issue 12, item 11)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_a_new_session_opened_with_lang_en_speaks_english(app_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"  # a bookmark, a reload or a new tab of an English page
    at.run()
    _ok(at)
    assert at.sidebar.button_group(key="lang_switch").value == "en"
    assert at.sidebar.markdown[0].value == "### Sanlitun Volunteer Desk"
    assert "en" in str(at.query_params["lang"])


def test_switching_to_english_puts_it_in_the_address_and_keeps_it(app_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/tables.py").run()
    _ok(at)
    assert "lang" not in at.query_params, "Chinese, the default, needs no parameter"
    at.sidebar.button_group(key="lang_switch").set_value("en").run()
    _ok(at)
    assert at.title[0].value == "Reference tables"
    assert "en" in str(at.query_params["lang"])
    # Moving to another page drops the address's parameters; the desk writes it back.
    at.switch_page("app_pages/teams.py").run()
    _ok(at)
    assert at.title[0].value == "Teams"
    assert "en" in str(at.query_params["lang"])
    at.sidebar.button_group(key="lang_switch").set_value("zh").run()
    _ok(at)
    assert at.title[0].value == "队伍"
    assert "lang" not in at.query_params


def test_an_unknown_language_in_the_address_falls_back_to_chinese(app_env):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "fr"
    at.run()
    _ok(at)
    assert at.sidebar.button_group(key="lang_switch").value == "zh"
    assert "lang" not in at.query_params
