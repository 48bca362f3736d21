"""Accounts for the sign-in and role tests: a real secrets file with argon2 hashes."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from sltcore import accounts
from tests.helpers import plain  # noqa: F401  (re-exported for the sign-in tests)

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PASSWORD = "correct-horse-9"
_HASH = accounts.hash_password(PASSWORD)  # once: argon2 is slow on purpose


def write_secrets(path: Path, communities: dict[str, list[str]], extra: str = "") -> Path:
    """admin, a coordinator of each entry of `communities` (user -> community names), and a
    viewer, all with PASSWORD."""
    blocks = [
        accounts.block("admin", "admin", _HASH, display_name="街道管理员"),
        accounts.block(
            "leader", "viewer", _HASH, display_name="街道领导", email="leader@example.org"
        ),
    ]
    for user, names in communities.items():
        blocks.append(accounts.block(user, "coordinator", _HASH, f"{user}协调员", names))
    path.write_text("\n".join(blocks) + extra, encoding="utf-8")
    return path


def open_app(timeout: float = 60) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    return at


def sign_in(at: AppTest, user: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="signin.username").input(user)
    at.text_input(key="signin.password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    if "auth.user" in at.session_state:  # signed in: the next run has every page of the role
        at.run()
    return at


def everything(at: AppTest) -> str:
    """Every element of the page and sidebar, as AppTest holds them."""
    return str(at._tree)
