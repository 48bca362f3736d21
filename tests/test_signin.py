"""Sign-in: accounts in secrets.toml, right and wrong passwords, throttling, idle expiry,
sign-out, single sign-on by e-mail, and the language kept per account."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import sys
import termios
import time

import pytest

from sltcore import accounts, config
from sltcore.auth import SYSTEM
from sltcore.errors import DeskError
from sltcore.store.local import LocalStore
from sltcore.ui.signin import throttle
from tests.auth_helpers import PASSWORD, everything, open_app, plain, sign_in, write_secrets
from tests.conftest import ROOT
from tests.helpers import community, volunteer


@pytest.fixture
def desk(app_env, tmp_path, monkeypatch):
    store = LocalStore(app_env)
    north = community(store, "北三里")
    community(store, "东三里")
    volunteer(store, north["id"], name="王秀英", mobile="13800005678")
    secrets = write_secrets(tmp_path / "secrets.toml", {"wang": ["北三里"]})
    monkeypatch.setenv("SLT_SECRETS", str(secrets))
    throttle.clear()  # failure counts are per server process: each test starts afresh
    yield {"store": store, "secrets": secrets, "north": north}
    store.close()


def test_an_unsigned_visitor_gets_only_the_sign_in_page(desk):
    at = open_app()
    assert not at.exception
    assert [t.value for t in at.title] == ["登录三里屯街道志愿服务工作台"]
    text = everything(at)
    assert "王秀英" not in text and "北三里" not in text and "数据存储" not in text
    for page in ("app_pages/volunteers.py", "app_pages/dashboard.py", "app_pages/admin.py"):
        with pytest.raises(ValueError, match=r"Known pages: .*signin.py'\]"):
            at.switch_page(page)  # no other page exists for this session


def test_right_password_signs_in_wrong_one_does_not(desk):
    at = open_app()
    sign_in(at, "wang", "not-the-password")
    assert plain(at.error[0].value) == "用户名或密码不正确。"
    assert at.title[0].value == "登录三里屯街道志愿服务工作台"
    sign_in(at, "WANG ", PASSWORD)  # user names are not case-sensitive
    assert not at.exception
    assert at.title[0].value != "登录三里屯街道志愿服务工作台"
    assert "当前账号：wang协调员（社区协调员）" in [c.value for c in at.sidebar.caption]


def test_an_unknown_user_gets_the_same_answer(desk):
    at = open_app()
    sign_in(at, "nobody", PASSWORD)
    assert plain(at.error[0].value) == "用户名或密码不正确。"


def test_repeated_failures_are_throttled_per_account_and_client():
    now = [1000.0]
    throttle = accounts.Throttle(clock=lambda: now[0])
    accts = {
        "wang": accounts.Account(
            "wang", "王", "coordinator", ("北三里",), "", accounts.hash_password(PASSWORD)
        )
    }
    for _ in range(accounts.FREE_TRIES):
        with pytest.raises(accounts.SignInRefused, match="Wrong user name"):
            accounts.sign_in(accts, "wang", "guess", "10.0.0.5", throttle)
    # Now even the right password waits: the delay is checked before the password.
    with pytest.raises(accounts.SignInRefused, match="wait 2 s"):
        accounts.sign_in(accts, "wang", PASSWORD, "10.0.0.5", throttle)
    # From another address, the account is still throttled...
    with pytest.raises(accounts.SignInRefused, match="wait"):
        accounts.sign_in(accts, "wang", PASSWORD, "10.0.0.6", throttle)
    # ...and the address is throttled for other accounts too.
    with pytest.raises(accounts.SignInRefused, match="wait"):
        accounts.sign_in(accts, "other", "x", "10.0.0.5", throttle)
    now[0] += 2.1
    with pytest.raises(accounts.SignInRefused, match="Wrong user name"):
        accounts.sign_in(accts, "wang", "guess again", "10.0.0.7", throttle)
    with pytest.raises(accounts.SignInRefused, match="wait 4 s"):  # the delay doubles
        accounts.sign_in(accts, "wang", PASSWORD, "10.0.0.7", throttle)
    now[0] += 4.1
    assert accounts.sign_in(accts, "wang", PASSWORD, "10.0.0.7", throttle).username == "wang"
    assert throttle.failures("account:wang") == 0, "a success clears the account's count"
    assert accounts.delay_after(50) == accounts.MAX_DELAY


def test_throttling_through_the_page(desk):
    at = open_app()
    for _ in range(accounts.FREE_TRIES):
        sign_in(at, "admin", "wrong-guess")
    sign_in(at, "admin", PASSWORD)
    message = plain(at.error[0].value)
    assert "密码错误次数过多" in message and "秒后再试" in message
    assert at.title[0].value == "登录三里屯街道志愿服务工作台", "not signed in meanwhile"


def test_idle_sessions_end_and_sign_out_is_one_click(desk, monkeypatch):
    monkeypatch.setenv("SLT_IDLE_MINUTES", "15")
    at = sign_in(open_app(), "admin")
    at.switch_page("app_pages/volunteers.py").run()
    assert at.title[0].value == "志愿者"
    at.session_state["auth.seen"] = time.monotonic() - 14 * 60  # 14 minutes without a click
    at.run()
    assert at.title[0].value == "志愿者"
    at.session_state["auth.seen"] = time.monotonic() - 16 * 60
    at.run()
    assert at.title[0].value == "登录三里屯街道志愿服务工作台"
    assert "超过 15 分钟没有操作" in at.info[0].value
    assert "王秀英" not in everything(at)
    sign_in(at, "admin")
    at.sidebar.button(key="sign_out").click().run()
    assert at.title[0].value == "登录三里屯街道志愿服务工作台"
    assert at.info[0].value == "已退出登录。"


def test_a_coordinators_write_to_another_community_is_refused(desk):
    from sltcore.errors import PermissionDenied
    from sltcore.services import accounts as account_service
    from sltcore.services import rows

    frames = desk["store"].read_all()
    wang = account_service.actor_for(accounts.load()["wang"], frames)
    east = frames["communities"].set_index("name").loc["东三里", "id"]
    assert wang.communities == (desk["north"]["id"],)
    row = dict(name="李四", sex="M", mobile="13900001111", membership="resident",
               registered_on="2026-01-05")  # fmt: skip
    rows.create(desk["store"], "volunteers", {**row, "community_id": desk["north"]["id"]}, wang)
    before = desk["store"].revision()
    with pytest.raises(PermissionDenied, match="own communities"):
        rows.create(desk["store"], "volunteers", {**row, "mobile": "13900002222",
                                                  "community_id": east}, wang)  # fmt: skip
    assert desk["store"].revision() == before


def test_a_switched_off_account_cannot_sign_in(desk):
    from sltcore.services import accounts as account_service

    account_service.set_active(desk["store"], SYSTEM, accounts.load()["wang"], False)
    at = sign_in(open_app(), "wang")
    assert "停用" in plain(at.error[0].value)


def test_the_language_is_kept_per_account(desk):
    at = sign_in(open_app(), "leader")
    at.sidebar.button_group(key="lang_switch").set_value("en").run()
    assert "en" in str(at.query_params["lang"])
    fresh = open_app()  # another day, another browser: no ?lang= in the address
    assert fresh.title[0].value == "登录三里屯街道志愿服务工作台"
    sign_in(fresh, "leader")
    assert fresh.sidebar.button_group(key="lang_switch").value == "en"
    assert "en" in str(fresh.query_params["lang"])
    other = sign_in(open_app(), "admin")
    assert other.sidebar.button_group(key="lang_switch").value == "zh", "per account"


def test_single_sign_on_maps_the_e_mail_to_an_account(desk):
    desk["secrets"].write_text(
        desk["secrets"].read_text(encoding="utf-8")
        + '\n[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n'
        'cookie_secret = "test-only"\nclient_id = "x"\nclient_secret = "y"\n'
        'server_metadata_url = "https://id.example.org/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    at = open_app()
    assert any(b.label == "使用单位统一身份登录" for b in at.button)
    at.user = {"is_logged_in": True, "email": "Leader@Example.org"}
    at.run()
    assert "当前账号：街道领导（领导（只读））" in [c.value for c in at.sidebar.caption]
    stranger = open_app()
    stranger.user = {"is_logged_in": True, "email": "someone@example.org"}
    stranger.run()
    assert stranger.title[0].value == "登录三里屯街道志愿服务工作台"
    assert "someone@example.org" in plain(stranger.info[0].value)
    untrusted = open_app()  # an e-mail without a signed-in identity means nothing
    untrusted.user = {"email": "leader@example.org"}
    untrusted.run()
    assert untrusted.title[0].value == "登录三里屯街道志愿服务工作台"


def test_an_account_with_a_plain_password_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "s.toml"
    path.write_text('[accounts.wang]\nrole = "admin"\npassword = "123456"\n', encoding="utf-8")
    monkeypatch.setenv("SLT_SECRETS", str(path))
    with pytest.raises(DeskError) as info:
        accounts.load()
    assert "明文密码" in info.value.message("zh") and "[accounts.wang]" in info.value.message("zh")
    path.write_text('[accounts.wang]\nrole = "boss"\npassword_hash = "x"\n', encoding="utf-8")
    with pytest.raises(DeskError, match="unknown role"):
        accounts.load()
    assert config.accounts_section(tmp_path / "none.toml") == {}


def _cli(args: list[str], typed: list[str]) -> tuple[int, str]:
    """Run the CLI on a real terminal, its controlling tty (getpass reads /dev/tty and
    flushes what was typed before its prompt): wait for each prompt, then type the line."""
    leader, follower = pty.openpty()

    def controlling_tty() -> None:
        os.setsid()
        fcntl.ioctl(follower, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "sltcore", *args],
        cwd=ROOT,
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=controlling_tty,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(follower)
    try:
        for prompt, line in zip(("Password", "Again"), typed, strict=False):
            seen, end = b"", time.monotonic() + 30
            while prompt.encode() not in seen and time.monotonic() < end:
                if select.select([leader], [], [], 0.5)[0]:
                    seen += os.read(leader, 1024)
            assert prompt.encode() in seen, seen
            os.write(leader, (line + "\n").encode())
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(leader)
    return proc.returncode, out.decode() + err.decode()


def test_user_add_asks_twice_and_prints_a_block_that_signs_in(tmp_path, monkeypatch):
    args = ["user", "add", "zhao", "--role", "coordinator", "--community", "北三里"]
    code, out = _cli(args, ["a-good-password", "a-good-password"])
    assert code == 0, out
    assert "a-good-password" not in out, "the password is never printed"
    block = out[out.index("[accounts.zhao]") :]
    path = tmp_path / "secrets.toml"
    path.write_text(block, encoding="utf-8")
    monkeypatch.setenv("SLT_SECRETS", str(path))
    zhao = accounts.load()["zhao"]
    assert zhao.role == "coordinator" and zhao.communities == ("北三里",)
    assert zhao.password_hash.startswith("$argon2id$")
    assert accounts.verify(zhao, "a-good-password") and not accounts.verify(zhao, "other")
    code, out = _cli(args, ["a-good-password", "a-different-one"])
    assert code == 2 and "两次输入的密码不一致" in out and "[accounts." not in out
