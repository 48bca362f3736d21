"""Choosing the backend: a Google Sheet when one is configured, else the embedded SQLite file.

`SLT_BACKEND=local|gsheets` overrides the choice; the Google Sheet is configured in
`.streamlit/secrets.toml` under `[connections.gsheets]` (see `secrets.toml.example`). Every
setting is read through `sltcore.config`.
"""

from __future__ import annotations

from sltcore import config
from sltcore.store.base import Store, archive
from sltcore.store.local import LocalStore

__all__ = ["LocalStore", "Store", "archive", "gsheets_config", "open_store"]

gsheets_config = config.gsheets_section  # the `[connections.gsheets]` section, or None


def open_store(backend: str | None = None) -> Store:
    """The store this deployment uses (see the module docstring)."""
    choice = (backend or config.backend_choice()).strip().lower()
    if choice == "local":  # the secrets file is not even read: the way out of a broken one
        return LocalStore(config.db_path())
    section = config.gsheets_section()
    if choice == "":
        choice = "gsheets" if section else "local"
    if choice == "local":
        return LocalStore(config.db_path())
    if choice == "gsheets":
        if not section:
            raise config.no_section_error()
        from sltcore.store.gsheets import GSheetsStore

        return GSheetsStore.from_config(section)
    raise config.unknown_backend_error(choice)
