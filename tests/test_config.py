"""Configuration: read in one module, a half-filled secrets.toml is a message the user can act
on, and requirements.txt pins exactly what the running app imports."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from sltcore import config
from sltcore.errors import DeskError
from sltcore.store import open_store
from tests.conftest import ROOT

APP = str(ROOT / "app.py")
RUNTIME = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "sltcore").rglob("*.py")]
# Words a Chinese message may carry untranslated: names the user types or finds in files.
IDENTIFIERS = re.compile(
    r"\[connections\.gsheets\]|SLT_BACKEND=local|SLT_BACKEND=gsheets|secrets\.toml(\.example)?"
    r"|private_key|client_email|token_uri|spreadsheet|Google|JSON|-----BEGIN PRIVATE KEY-----"
    r"|[\w/.-]*secrets[\w.]*"
)
HALF_FILLED = '[connections.gsheets]\nspreadsheet = "https://docs.google.com/spreadsheets/d/abc/edit"\ntype = "service_account"\nproject_id = "desk"\n'  # noqa: E501


def _clean_chinese(text: str) -> None:
    """No English words besides identifiers, no doubled or mixed sentence ends."""
    rest = IDENTIFIERS.sub("", text)
    assert not re.search(r"[A-Za-z]{3,}", rest), rest
    for bad in ("。。", "。.", ".。", "：.", "，。", "；。"):
        assert bad not in text, (bad, text)


@pytest.fixture
def half_filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A secrets file with the sheet's URL but none of the service account's key fields."""
    path = tmp_path / "secrets.toml"
    path.write_text(HALF_FILLED, encoding="utf-8")
    monkeypatch.setenv("SLT_SECRETS", str(path))
    monkeypatch.delenv("SLT_BACKEND", raising=False)
    monkeypatch.delenv("SHEETS_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("SLT_DB", str(tmp_path / "unused.db"))
    monkeypatch.chdir(ROOT)
    return path


def test_a_half_filled_secrets_file_keeps_the_sidebar_and_says_what_is_missing(half_filled):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    switch = at.sidebar.button_group(key="lang_switch")
    assert switch.value == "zh"
    assert [t.value for t in at.title] == ["数据存储需要设置"]
    assert "未能打开" in " ".join(c.value for c in at.sidebar.caption)
    message = re.sub(r"\\(.)", r"\1", at.error[0].value)  # as the reader sees it
    assert "client_email、private_key、token_uri" in message
    assert "SLT_BACKEND=local" in message and str(half_filled) in message
    _clean_chinese(message)

    switch.set_value("en").run()
    assert [t.value for t in at.title] == ["The data storage needs setting up"]
    message = re.sub(r"\\(.)", r"\1", at.error[0].value)  # as the reader sees it
    assert "lacks client_email, private_key, token_uri" in message
    assert "SLT_BACKEND=local" in message
    assert not re.search(r"[\u4e00-\u9fff]", message), message


def test_the_fallback_the_message_names_works(half_filled, monkeypatch):
    monkeypatch.setenv("SLT_BACKEND", "local")
    half_filled.write_text("[connections.gsheets\nbroken", encoding="utf-8")
    assert open_store().backend == "local", "SLT_BACKEND=local never reads the secrets file"


def test_a_malformed_secrets_file_says_where_in_chinese(half_filled):
    half_filled.write_text('[connections.gsheets]\nspreadsheet = "abc\n', encoding="utf-8")
    with pytest.raises(DeskError) as info:
        open_store()
    zh = info.value.message("zh")
    assert "第2行" in zh and "SLT_BACKEND=local" in zh
    _clean_chinese(zh)
    assert "line 2" in info.value.message("en")


def test_an_unreadable_key_is_our_own_sentence(half_filled):
    half_filled.write_text(
        HALF_FILLED + 'client_email = "desk@x.iam.gserviceaccount.com"\n'
        'private_key = "not a key"\ntoken_uri = "https://oauth2.googleapis.com/token"\n',
        encoding="utf-8",
    )
    with pytest.raises(DeskError) as info:
        open_store()
    _clean_chinese(info.value.message("zh"))
    assert "private_key" in info.value.message("zh")


def test_the_emulator_needs_only_the_spreadsheet() -> None:
    assert config.gsheets_missing({"spreadsheet": "demo"}, emulator=True) == []
    assert config.gsheets_missing({"spreadsheet": " "}, emulator=True) == ["spreadsheet"]
    assert config.gsheets_missing({"spreadsheet": "demo"}) == list(config.KEY_FIELDS)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.add(node.module.split(".")[0])
    return out


def test_production_code_does_not_import_the_emulator() -> None:
    """The Sheets emulator is a test tool; the app reaches it through sltcore's own session."""
    for path in RUNTIME:
        assert "sheets_emulator" not in _imports(path), path


def test_configuration_is_read_in_one_module() -> None:
    # store/local.py still reads SLT_DB for its own default; open_store passes config's path.
    allowed = {ROOT / "sltcore" / "config.py", ROOT / "sltcore" / "store" / "local.py"}
    for path in RUNTIME:
        if path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        assert "os.environ" not in text and "getenv" not in text, path
        assert "secrets.toml" not in text or "tomllib" not in text, path


def _pins(name: str) -> set[str]:
    out = set()
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            out.add(line.split("==")[0].lower())
    return out


def _distributions(modules: set[str]) -> set[str]:
    dists = importlib.metadata.packages_distributions()
    local = {"sltcore", "app_pages", "sheets_emulator", "tests", "bench"}
    out = set()
    for m in modules - set(sys.stdlib_module_names) - local - {"__future__"}:
        if m == "google":  # a namespace of several distributions; we import google.auth
            out.add("google-auth")
            continue
        assert m in dists, f"{m} is imported but not installed"
        out |= {d.lower() for d in dists[m] if d.lower() != "protobuf"}
    return out


def test_requirements_pin_exactly_what_the_app_imports() -> None:
    imported = _distributions(set().union(*(_imports(p) for p in RUNTIME)))
    pinned = _pins("requirements.txt")
    assert imported - pinned == set(), "imported, not pinned"
    assert pinned - imported == set(), "pinned, imported by nothing"
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[\w.-]+==[\w.]+", line.split("#")[0].strip()), line


def test_test_tools_are_pinned_apart() -> None:
    tests = [*(ROOT / "tests").rglob("*.py"), *(ROOT / "sheets_emulator").glob("*.py")]
    used = _distributions(set().union(*(_imports(p) for p in tests)))
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert used - runtime - dev == set(), "tests import it; pin it in requirements-dev.txt"
    assert "openpyxl" in dev and "openpyxl" not in runtime, "only the tests read workbooks"
