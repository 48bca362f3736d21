"""Who may sign in: the accounts of the secrets file, their passwords, and throttling.

```toml
[accounts.wangfang]
display_name = "王芳"
role = "coordinator"                  # admin, coordinator or viewer
communities = ["北三里", "中三里"]      # by name; a coordinator writes only these
email = "wangfang@example.org"        # optional: single sign-on (st.login) maps to the account
password_hash = "$argon2id$v=19$..."  # `python -m sltcore user add wangfang ...` prints it
```

Passwords are kept only as argon2id hashes (argon2-cffi); a plain `password` key is refused.
An administrator may later change an account's communities or switch it off in the desk
itself (`sltcore.services.accounts`): those changes are rows of the `accounts` table and win
over the file.

Wrong passwords are throttled: after `FREE_TRIES` failures, each further try of the same
account, or from the same client address, waits a delay that doubles with every failure, up
to `MAX_DELAY` seconds, whatever password is typed meanwhile. The counts live in the server
process (one `Throttle` per process) and are forgotten after `FORGET_AFTER` quiet seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from sltcore import config
from sltcore.errors import DeskError
from sltcore.schema import ROLE

ROLES = tuple(c.key for c in ROLE)
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 8
FREE_TRIES = 3  # failures before any delay
BASE_DELAY = 2.0  # seconds after the first failure beyond the free ones; doubles each time
MAX_DELAY = 900.0
FORGET_AFTER = 3600.0
_USERNAME_OK = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")


@dataclass(frozen=True)
class Account:
    """One account of the secrets file, checked."""

    username: str
    display_name: str
    role: str
    communities: tuple[str, ...] = ()  # community names (as in the communities table)
    email: str = ""
    password_hash: str = ""

    @property
    def role_label(self) -> str:
        return next(c.zh for c in ROLE if c.key == self.role)


def _problem(name: str, zh: str, en: str, path: Path | None) -> DeskError:
    where = path or config.secrets_path()
    return DeskError(
        f"{where}：账号 [accounts.{name}] {zh}", f"{where}: account [accounts.{name}] {en}"
    )


def check_username(name: str) -> str | None:
    """Why `name` cannot be a user name (zh), or None: lower-case letters, digits, _ . -"""
    if not name or len(name) > 40:
        return "用户名须为1至40个字符"
    if any(ch not in _USERNAME_OK for ch in name):
        return "用户名只能使用小写英文字母、数字和 _ . -"
    return None


def _parse(name: str, raw: Any, path: Path | None) -> Account:
    if not isinstance(raw, Mapping):
        raise _problem(name, "应是一个小节（[accounts.用户名]）。", "must be a table.", path)
    if (why := check_username(name)) is not None:
        raise _problem(name, f"的用户名不可用：{why}。", "has an unusable user name.", path)
    if "password" in raw:
        raise _problem(
            name,
            "写了明文密码（password）。请删除这一行，改用 python -m sltcore user add 生成的 "
            "password_hash。",
            "holds a plain password; delete it and use the password_hash that "
            "python -m sltcore user add prints.",
            path,
        )
    role = str(raw.get("role") or "")
    if role not in ROLES:
        raise _problem(
            name,
            f"的角色（role）“{role}”无效，应为 admin、coordinator 或 viewer。",
            f"has an unknown role “{role}”; use admin, coordinator or viewer.",
            path,
        )
    communities = raw.get("communities") or []
    if isinstance(communities, str):
        communities = [communities]
    if not isinstance(communities, list) or not all(isinstance(c, str) for c in communities):
        raise _problem(name, "的负责社区（communities）应写成社区名称的列表。",
                       "communities must be a list of community names.", path)  # fmt: skip
    if role == "coordinator" and not communities:
        raise _problem(
            name,
            "是社区协调员，但没有填写负责社区（communities）。",
            "is a coordinator with no communities.",
            path,
        )
    pw_hash = str(raw.get("password_hash") or "")
    email = str(raw.get("email") or "").strip()
    if pw_hash and not pw_hash.startswith("$argon2"):
        raise _problem(
            name,
            "的密码摘要（password_hash）不是 argon2 格式，"
            "请用 python -m sltcore user add 重新生成。",
            "has a password_hash that is not argon2; make a new one with "
            "python -m sltcore user add.",
            path,
        )
    if not pw_hash and not email:
        raise _problem(
            name,
            "既没有密码摘要（password_hash），也没有单点登录用的邮箱（email），无法登录。",
            "has neither a password_hash nor an email for single sign-on.",
            path,
        )
    return Account(
        username=name,
        display_name=str(raw.get("display_name") or name).strip(),
        role=role,
        communities=tuple(dict.fromkeys(c.strip() for c in communities if c.strip())),
        email=email,
        password_hash=pw_hash,
    )


def load(path: Path | None = None) -> dict[str, Account]:
    """The accounts of the secrets file by user name ({} when none is configured); a broken
    account is a DeskError naming it and the field, in both languages."""
    return {name: _parse(name, raw, path) for name, raw in config.accounts_section(path).items()}


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def password_problem(password: str) -> str | None:
    """Why a new password is refused (zh), or None."""
    if len(password) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}个字符"
    if password.strip() != password:
        return "密码不能以空格开头或结尾"
    return None


_DUMMY = _HASHER.hash("not-a-password-of-anyone")


def verify(account: Account | None, password: str) -> bool:
    """The password matches the account's hash. An unknown account costs the same time as a
    known one (a dummy hash is checked), so timing does not tell which user names exist."""
    target = account.password_hash if account and account.password_hash else _DUMMY
    try:
        ok = _HASHER.verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return bool(ok and account is not None and account.password_hash)


def by_email(accounts: Mapping[str, Account], email: str | None) -> Account | None:
    """The account whose e-mail is `email` (single sign-on), ignoring case; None if none."""
    wanted = (email or "").strip().casefold()
    if not wanted:
        return None
    for acct in accounts.values():
        if acct.email and acct.email.casefold() == wanted:
            return acct
    return None


def _toml_str(value: str) -> str:
    out = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{out}"'


def block(
    username: str,
    role: str,
    password_hash: str,
    display_name: str = "",
    communities: Iterable[str] = (),
    email: str = "",
) -> str:
    """The `[accounts.NAME]` block to paste into secrets.toml (checked like the file is)."""
    lines = [
        f"[accounts.{username}]",
        f"display_name = {_toml_str(display_name or username)}",
        f"role = {_toml_str(role)}",
        "communities = [" + ", ".join(_toml_str(c) for c in communities) + "]",
    ]
    if email:
        lines.append(f"email = {_toml_str(email)}")
    lines.append(f"password_hash = {_toml_str(password_hash)}")
    text = "\n".join(lines) + "\n"
    _parse(username, config.parse_toml(text)["accounts"][username], None)  # it loads back
    return text


# --- throttling of wrong passwords -------------------------------------------------------


def delay_after(failures: int) -> float:
    """Seconds to wait after `failures` wrong passwords in a row: none for the first
    FREE_TRIES, then BASE_DELAY doubling each time, at most MAX_DELAY."""
    if failures < FREE_TRIES:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2 ** (failures - FREE_TRIES))


class Throttle:
    """Failure counts per key (`account:NAME`, `client:ADDRESS`), shared by every session of
    the process. `clock` is injectable so a test can let time pass."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._fails: dict[str, tuple[int, float]] = {}  # key -> (failures, last failure)

    def _live(self, key: str, now: float) -> tuple[int, float]:
        n, last = self._fails.get(key, (0, -math.inf))
        if now - last > max(FORGET_AFTER, delay_after(n)):
            self._fails.pop(key, None)
            return 0, -math.inf
        return n, last

    def wait(self, keys: Iterable[str]) -> float:
        """Seconds before another try is checked at all (0: go ahead)."""
        now = self._clock()
        with self._lock:
            waits = []
            for key in keys:
                n, last = self._live(key, now)
                waits.append(last + delay_after(n) - now if n else 0.0)
            return max([0.0, *waits])

    def failed(self, keys: Iterable[str]) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                n, _ = self._live(key, now)
                self._fails[key] = (n + 1, now)

    def succeeded(self, keys: Iterable[str]) -> None:
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)

    def failures(self, key: str) -> int:
        with self._lock:
            return self._live(key, self._clock())[0]


def throttle_keys(username: str, client: str | None) -> tuple[str, str]:
    """The keys a try counts against: the account typed, and the client's address."""
    return (f"account:{username.strip().casefold()}", f"client:{client or 'local'}")


class SignInRefused(DeskError):
    """Wrong user name or password, throttled, or a switched-off account."""


def sign_in(
    accounts: Mapping[str, Account],
    username: str,
    password: str,
    client: str | None,
    throttle: Throttle,
    disabled: Iterable[str] = (),
) -> Account:
    """The account, when the password is right and no delay is pending; else SignInRefused.

    A pending delay refuses the try before the password is looked at, so guessing during the
    delay gains nothing. The message never says whether the user name exists.
    """
    name = username.strip().lower()
    keys = throttle_keys(name, client)
    wait = throttle.wait(keys)
    if wait > 0:
        secs = math.ceil(wait)
        raise SignInRefused(
            f"密码错误次数过多，请{secs}秒后再试。", f"Too many wrong passwords; wait {secs} s."
        )
    account = accounts.get(name)
    if not verify(account, password):
        throttle.failed(keys)
        raise SignInRefused("用户名或密码不正确。", "Wrong user name or password.")
    assert account is not None
    if name in set(disabled):
        raise SignInRefused(
            "这个账号已被管理员停用，请联系管理员。",
            "This account was switched off by an administrator.",
        )
    throttle.succeeded(keys[:1])
    return account
