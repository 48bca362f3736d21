"""The deployment's configuration, read in one place: environment variables and secrets.toml.

| variable               | meaning                                                          |
| ---------------------- | ---------------------------------------------------------------- |
| `SLT_BACKEND`          | `local` or `gsheets`; unset: the sheet when one is configured    |
| `SLT_DB`               | the local SQLite file (default `data/sanlitun.db`)               |
| `SLT_SECRETS`          | the secrets file (default `.streamlit/secrets.toml`)             |
| `SHEETS_EMULATOR_HOST` | `host:port` of the Sheets emulator, instead of Google (tests)    |
| `SLT_TODAY`            | `YYYY-MM-DD`: pins today (tests, reproducible demos)             |
| `SLT_USER`             | the acting account's user name when no accounts are configured   |
| `SLT_IDLE_MINUTES`     | minutes without a click before a signed-in session ends (30)     |

The secrets file holds the deployment's secrets: `[connections.gsheets]` (the sheet),
`[accounts.NAME]` (who may sign in, `sltcore.accounts`), `[auth]` (optional single sign-on,
read by Streamlit's `st.login` too) and `[session] idle_minutes`.

Values are read on every call, so a test (or the bench) that changes a variable is followed at
once. A problem with the configuration is a `DeskError` in both languages that names the field
and says how to fall back to the local store.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sltcore.errors import DeskError

ENV_VARS = (
    "SLT_BACKEND",
    "SLT_DB",
    "SLT_SECRETS",
    "SHEETS_EMULATOR_HOST",
    "SLT_TODAY",
    "SLT_USER",
    "SLT_IDLE_MINUTES",
)
STORE_VARS = ENV_VARS[:4]  # what decides which store opens
SECRETS_PATH = Path(".streamlit") / "secrets.toml"
BACKENDS = ("local", "gsheets")
# The fields of a service-account key that google-auth cannot do without.
KEY_FIELDS = ("client_email", "private_key", "token_uri")
FALLBACK_ZH = (
    "暂不使用 Google 表格时，可设置环境变量 SLT_BACKEND=local（或移走这个文件），改用本地数据库。"
)
FALLBACK_EN = (
    "To use the local database meanwhile, set the environment variable SLT_BACKEND=local "
    "(or move this file away)."
)
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)")


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


def fingerprint() -> str:
    """The values that decide which store opens, in one text: a cache key for that store."""
    return "|".join(_env(v) for v in STORE_VARS)


def backend_choice() -> str:
    """`local`, `gsheets`, or "" when unset (then the secrets file decides)."""
    return _env("SLT_BACKEND").lower()


def db_path() -> Path | None:
    """The local SQLite file, or None for the store's default (`data/sanlitun.db`)."""
    value = _env("SLT_DB")
    return Path(value) if value else None


def secrets_path() -> Path:
    value = _env("SLT_SECRETS")
    return Path(value) if value else SECRETS_PATH


def emulator_host() -> str | None:
    """`host:port` of the Sheets emulator when Sheets traffic should go there, else None."""
    return _env("SHEETS_EMULATOR_HOST") or None


def pinned_today() -> dt.date | None:
    value = _env("SLT_TODAY")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DeskError(
            f"环境变量 SLT_TODAY={value} 不是日期，应写成 2026-11-29 这样的格式。",
            f"SLT_TODAY={value} is not a date; write it like 2026-11-29.",
        ) from None


def default_user() -> str:
    return _env("SLT_USER") or "admin"


def _secrets_error(path: Path, zh: str, en: str) -> DeskError:
    return DeskError(f"{path}：{zh}{FALLBACK_ZH}", f"{path}: {en} {FALLBACK_EN}")


def _secrets(path: Path | None = None) -> dict[str, Any]:
    """The whole secrets file ({} when there is none); a malformed one says where."""
    path = path or secrets_path()
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as err:
        at = _TOML_AT.search(str(err))
        where_zh = f"第{at[1]}行第{at[2]}列" if at else ""
        where_en = f" at line {at[1]}, column {at[2]}" if at else ""
        raise _secrets_error(
            path,
            f"格式有误（{where_zh}附近），请对照 secrets.toml.example 修改。" if at else
            "格式有误，请对照 secrets.toml.example 修改。",
            f"is not valid TOML{where_en}; compare it with secrets.toml.example.",
        ) from None  # fmt: skip
    return data


def parse_toml(text: str) -> dict[str, Any]:
    """TOML text as the secrets file would be read (a block printed for pasting is checked)."""
    return tomllib.loads(text)


def gsheets_section(path: Path | None = None) -> dict[str, Any] | None:
    """The `[connections.gsheets]` section of the secrets file, or None when there is none."""
    data = _secrets(path)
    connections = data.get("connections")
    section = connections.get("gsheets") if isinstance(connections, dict) else None
    return dict(section) if isinstance(section, dict) and section else None


def gsheets_missing(section: Mapping[str, Any], emulator: bool = False) -> list[str]:
    """The fields a Google Sheet connection needs that `section` leaves empty, in file order.

    The emulator needs only the spreadsheet; Google also needs the service account's key.
    """
    needed = ("spreadsheet",) if emulator else ("spreadsheet", *KEY_FIELDS)
    return [k for k in needed if not str(section.get(k) or "").strip()]


def gsheets_missing_error(missing: list[str], path: Path | None = None) -> DeskError:
    """The message for a half-filled `[connections.gsheets]`: which fields, and what to do."""
    path = path or secrets_path()
    names = "、".join(missing)
    if missing == ["spreadsheet"]:
        what_zh, what_en = "（表格的链接或编号）", " (the sheet's URL or key)"
    elif "spreadsheet" in missing:
        what_zh, what_en = "（表格的链接和服务账号密钥的字段）", " (the sheet and key fields)"
    else:
        what_zh, what_en = "（服务账号密钥的字段）", " (fields of the service-account key)"
    return _secrets_error(
        path,
        f"[connections.gsheets] 中缺少 {names}{what_zh}。请对照 secrets.toml.example 补全。",
        f"[connections.gsheets] lacks {', '.join(missing)}{what_en}; complete it from "
        "secrets.toml.example.",
    )


def bad_key_error(path: Path | None = None) -> DeskError:
    """The key's fields are all there but google-auth cannot read them."""
    return _secrets_error(
        path or secrets_path(),
        "服务账号密钥无法读取（private_key 应以 -----BEGIN PRIVATE KEY----- 开头）。"
        "请从下载的 JSON 密钥文件中完整复制各字段。",
        "the service-account key cannot be read (private_key should start with "
        "-----BEGIN PRIVATE KEY-----); copy every field from the downloaded JSON key.",
    )


def no_section_error(path: Path | None = None) -> DeskError:
    return _secrets_error(
        path or secrets_path(),
        "已选择 Google 表格（SLT_BACKEND=gsheets），但没有 [connections.gsheets] 配置。"
        "请按 secrets.toml.example 填写。",
        "Google Sheets was chosen (SLT_BACKEND=gsheets) but there is no "
        "[connections.gsheets] section; fill it in from secrets.toml.example.",
    )


def unknown_backend_error(choice: str) -> DeskError:
    return DeskError(
        f"未知的存储方式 SLT_BACKEND={choice}，请改为 local 或 gsheets。",
        f"Unknown SLT_BACKEND={choice}; use local or gsheets.",
    )


def accounts_section(path: Path | None = None) -> dict[str, Any]:
    """The `[accounts.NAME]` tables of the secrets file, by user name ({} when none): who may
    sign in. With none, the desk runs open, on this computer only (see the README)."""
    accounts = _secrets(path).get("accounts")
    if accounts is None:
        return {}
    if not isinstance(accounts, dict):
        raise _accounts_error(path, "[accounts] 应写成 [accounts.用户名] 小节。",
                              "[accounts] must be [accounts.NAME] tables.")  # fmt: skip
    return {str(k): v for k, v in accounts.items()}


def _accounts_error(path: Path | None, zh: str, en: str) -> DeskError:
    return DeskError(f"{path or secrets_path()}：{zh}", f"{path or secrets_path()}: {en}")


def auth_section(path: Path | None = None) -> dict[str, Any] | None:
    """The `[auth]` section (single sign-on through Streamlit's `st.login`), or None."""
    section = _secrets(path).get("auth")
    return dict(section) if isinstance(section, dict) and section else None


DEFAULT_IDLE_MINUTES = 30.0


def idle_minutes(path: Path | None = None) -> float:
    """Minutes without any click after which a signed-in session ends: SLT_IDLE_MINUTES, else
    `[session] idle_minutes` of the secrets file, else 30."""
    value: Any = _env("SLT_IDLE_MINUTES")
    where = "SLT_IDLE_MINUTES"
    if not value:
        section = _secrets(path).get("session")
        value = section.get("idle_minutes") if isinstance(section, dict) else None
        where = "[session] idle_minutes"
    if value in (None, ""):
        return DEFAULT_IDLE_MINUTES
    try:
        minutes = float(value)
    except (TypeError, ValueError):
        minutes = -1.0
    if minutes <= 0:
        raise DeskError(
            f"{where} = {value} 不是正数（分钟），例如 30。",
            f"{where} = {value} is not a positive number of minutes, e.g. 30.",
        )
    return minutes
