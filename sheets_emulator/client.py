"""Point a real ``gspread.Client`` at the emulator: ``SHEETS_EMULATOR_HOST=host:port``.

gspread 6 accepts ``Client(auth=None, session=...)`` and then uses the session as is, with no
credentials. The session below rewrites Google's API URLs to ``http://{host}``, so every
request gspread builds (paths, quoting, query strings) reaches the emulator unchanged.
"""

from __future__ import annotations

import os
from typing import Any

import gspread
import requests

_REWRITES = (
    ("https://sheets.googleapis.com/", ""),
    ("https://www.googleapis.com/drive/", "drive/"),
    ("https://www.googleapis.com/upload/drive/", "upload/drive/"),
)


class EmulatorSession(requests.Session):
    """A requests.Session that sends Google API calls to the emulator and refuses the rest.

    Refusing non-Google URLs keeps a test from reaching the internet by accident.
    """

    def __init__(self, host: str) -> None:
        super().__init__()
        if "://" in host or "/" in host:
            raise ValueError(f"expected host:port, got {host!r}")
        self.emulator_host = host

    def rewrite(self, url: str) -> str:
        """https://sheets.googleapis.com/v4/... -> http://{host}/v4/..."""
        for prefix, replacement in _REWRITES:
            if url.startswith(prefix):
                return f"http://{self.emulator_host}/{replacement}{url[len(prefix) :]}"
        if url.startswith(f"http://{self.emulator_host}/"):
            return url
        raise ValueError(f"EmulatorSession refuses a non-Google URL: {url}")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Same as requests.Session.request, after rewriting the URL."""
        if isinstance(url, bytes):
            url = url.decode()
        return super().request(method, self.rewrite(url), *args, **kwargs)


def gspread_client(host: str) -> gspread.Client:
    """A real gspread.Client talking plain HTTP to the emulator at ``host`` ("127.0.0.1:8085")."""
    return gspread.Client(auth=None, session=EmulatorSession(host))  # type: ignore[arg-type]


def emulator_host_from_env() -> str | None:
    """The value of SHEETS_EMULATOR_HOST, or None when Sheets traffic should go to Google."""
    return os.environ.get("SHEETS_EMULATOR_HOST") or None
