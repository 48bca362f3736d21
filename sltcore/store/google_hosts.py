"""Where the Sheets backend's HTTP requests go: Google, or a Sheets API emulator.

With `SHEETS_EMULATOR_HOST=host:port` (tests, offline demos) the gspread client gets a
`requests.Session` that rewrites Google's API base URLs to `http://host:port/`, so every request
gspread builds (paths, quoting, query strings) reaches the emulator unchanged. Production code
needs nothing from the emulator package (`sheets_emulator/`), which is a test tool.
"""

from __future__ import annotations

from typing import Any

import gspread
import requests

_REWRITES = (
    ("https://sheets.googleapis.com/", ""),
    ("https://www.googleapis.com/drive/", "drive/"),
    ("https://www.googleapis.com/upload/drive/", "upload/drive/"),
)


class RedirectSession(requests.Session):
    """Google API calls sent to `http://{host}/`; any other URL is refused (so nothing meant
    for the emulator reaches the internet by accident)."""

    def __init__(self, host: str) -> None:
        super().__init__()
        if "://" in host or "/" in host:
            raise ValueError(f"expected host:port, got {host!r}")
        self.host = host

    def rewrite(self, url: str) -> str:
        for prefix, replacement in _REWRITES:
            if url.startswith(prefix):
                return f"http://{self.host}/{replacement}{url[len(prefix) :]}"
        if url.startswith(f"http://{self.host}/"):
            return url
        raise ValueError(f"refusing a request outside the Sheets API: {url}")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if isinstance(url, bytes):
            url = url.decode()
        return super().request(method, self.rewrite(url), *args, **kwargs)


def emulator_client(host: str) -> gspread.Client:
    """A gspread client talking plain HTTP, without credentials, to the emulator at `host`."""
    return gspread.Client(auth=None, session=RedirectSession(host))  # type: ignore[arg-type]
