"""The open desk (no accounts configured): whoever opens it on this computer is the
administrator, the sidebar says so on every page, and a visitor from another computer is
turned away before anything is drawn. AppTest through app.py; the client's address is the
one thing faked, as Streamlit hands it to `sltcore.ui.signin.client_address`."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from sltcore.store.local import LocalStore
from sltcore.ui import signin
from sltcore.ui.signin import throttle
from tests.auth_helpers import APP, everything, write_secrets
from tests.helpers import community, volunteer

BANNER = (
    "尚未设置账号：打开本页的人都是管理员。因此工作台只在本机（127.0.0.1）提供服务。"
    "在局域网或互联网上使用之前，请按说明文件（README）添加账号。"
)
REMOTE = "这台工作台尚未设置账号，只能在运行它的电脑上使用。请管理员先按说明文件添加账号。"


@pytest.fixture
def desk(app_env, tmp_path, monkeypatch):
    """A store with one person in it, and no secrets file at all: no accounts."""
    store = LocalStore(app_env)
    volunteer(store, community(store, "北三里")["id"], name="王秀英", mobile="13800005678")
    monkeypatch.setenv("SLT_SECRETS", str(tmp_path / "no-secrets.toml"))
    throttle.clear()
    yield store
    store.close()


def _from(monkeypatch, address: str | None) -> None:
    monkeypatch.setattr(signin, "client_address", lambda: address)


def _open(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _banner(at: AppTest) -> list[str]:
    return [w.value for w in at.sidebar.warning if w.icon == ":material/lock_open:"]


@pytest.mark.parametrize("address", [None, "127.0.0.1", "::1"])
@pytest.mark.parametrize("page", [None, "app_pages/volunteers.py", "app_pages/audit.py"])
def test_on_this_computer_the_open_desk_says_so_in_the_sidebar(desk, monkeypatch, address, page):
    _from(monkeypatch, address)
    at = _open(page)
    assert _banner(at) == [BANNER]
    assert at.session_state["actor"].role == "admin", "whoever opens it is the administrator"
    assert REMOTE not in [e.value for e in at.error]


@pytest.mark.parametrize("address", ["192.168.1.20", "10.0.0.7", "2001:db8::5", "fe80::1%eth0"])
def test_a_visitor_from_another_computer_is_turned_away(desk, monkeypatch, address):
    _from(monkeypatch, address)
    at = _open()
    assert [e.value for e in at.error] == [REMOTE]
    assert "actor" not in at.session_state, "no administrator session for them"
    text = everything(at)
    assert "王秀英" not in text and "数据存储" not in text, "nothing of the desk is drawn"
    assert not at.title and not at.sidebar.warning
    at.switch_page("app_pages/volunteers.py").run()  # a bookmarked page: the same answer
    assert not at.exception
    assert [e.value for e in at.error] == [REMOTE]
    assert "王秀英" not in everything(at) and not at.title


def test_with_accounts_there_is_no_banner_and_a_visitor_gets_the_sign_in_page(
    desk, monkeypatch, tmp_path
):
    monkeypatch.setenv("SLT_SECRETS", str(write_secrets(tmp_path / "secrets.toml", {})))
    _from(monkeypatch, "192.168.1.20")
    at = _open()
    assert not _banner(at)
    assert REMOTE not in [e.value for e in at.error]
    assert [t.value for t in at.title] == ["登录三里屯街道志愿服务工作台"]


@pytest.mark.parametrize(
    ("address", "local"),
    [(None, True), ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True),
     ("192.168.1.20", False), ("::ffff:192.168.1.20", False), ("fe80::1%eth0", False),
     ("localhost", False), ("", False)],
)  # fmt: skip
def test_which_addresses_count_as_this_computer(address, local):
    """None: no browser connection at all (a bare run); a name is not an address: refused."""
    assert signin.is_local(address) is local
