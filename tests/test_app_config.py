"""Settings the app relies on for safety, read the way Streamlit reads them."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT


def test_streamlit_data_export_is_off_and_errors_show_no_details() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    # st.dataframe's built-in CSV download would write typed formulas as they are.
    assert config["client"]["disableDataExport"] is True
    assert config["client"]["showErrorDetails"] == "none"


def test_no_secrets_file_is_tracked() -> None:
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert ".streamlit/secrets.toml" not in tracked
    assert ".streamlit/secrets.toml.example" in tracked


def test_the_desk_serves_only_this_computer_until_accounts_are_added() -> None:
    """With no accounts whoever reaches the desk is its administrator (README: "Accounts"):
    Streamlit must listen on the loopback address only, as Streamlit itself reads the file."""
    import subprocess
    import sys

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    read = (
        "from streamlit import config; config.get_config_options(force_reparse=True); "
        "print(config.get_option('server.address'))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert shown[-1:] == ["127.0.0.1"]
