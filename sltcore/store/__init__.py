"""Choosing the backend: a Google Sheet when one is configured, else the embedded SQLite file.

`SLT_BACKEND=local|gsheets` overrides the choice; the Google Sheet is configured in
`.streamlit/secrets.toml` under `[connections.gsheets]` (see `secrets.toml.example`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from sltcore.errors import DeskError
from sltcore.store.base import Store, archive
from sltcore.store.local import LocalStore

__all__ = ["LocalStore", "Store", "archive", "gsheets_config", "open_store"]

SECRETS_PATH = Path(".streamlit") / "secrets.toml"


def gsheets_config(secrets_path: Path | None = None) -> dict[str, Any] | None:
    """The `[connections.gsheets]` section, or None when there is none."""
    path = secrets_path or Path(os.environ.get("SLT_SECRETS") or SECRETS_PATH)
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        raise DeskError(
            f"{path} 格式有误（{err}），请对照 secrets.toml.example 修改。",
            f"{path} is not valid TOML ({err}); compare it with secrets.toml.example.",
        ) from None
    section = data.get("connections", {}).get("gsheets")
    return dict(section) if section else None


def open_store(backend: str | None = None) -> Store:
    """The store this deployment uses (see the module docstring)."""
    choice = (backend or os.environ.get("SLT_BACKEND") or "").strip().lower()
    config = gsheets_config()
    if choice == "":
        choice = "gsheets" if config else "local"
    if choice == "local":
        return LocalStore()
    if choice == "gsheets":
        if not config:
            raise DeskError(
                "已选择 Google 表格，但 .streamlit/secrets.toml 中没有 "
                "[connections.gsheets] 配置。",
                "Google Sheets was chosen but .streamlit/secrets.toml has no "
                "[connections.gsheets] section.",
            )
        from sltcore.store.gsheets import GSheetsStore

        return GSheetsStore.from_config(config)
    raise DeskError(
        f"未知的存储方式 SLT_BACKEND={choice}（可选 local 或 gsheets）",
        f"unknown SLT_BACKEND={choice} (use local or gsheets)",
    )
