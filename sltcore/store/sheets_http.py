"""Talking to the Sheets API: retries with backoff, and every failure turned into a message.

A request can fail three ways, and each needs its own answer:
- refused (400/401/403/404): final; a message that says what to do;
- not applied (429 quota, or no connection before sending): safe to send again after a pause;
- unknown (5xx, timeout, a dropped connection): it may have been applied, so a write is only
  sent again after asking the sheet whether it landed (`verify`).
Google's token errors (no network, clock skew, a revoked key) are raised by google-auth before
the request leaves; they become the same message as an unreachable API, never a traceback.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import requests
from google.auth import exceptions as auth_errors
from gspread.exceptions import APIError

from sltcore.errors import BackendUnavailable, DeskError

T = TypeVar("T")

UNREACHABLE = (
    "无法连接 Google 表格（网络不通、本机时间不准，或服务账号密钥已失效；中国大陆无法直接访问 "
    "Google，可改用本地数据库：SLT_BACKEND=local）。已填写的内容仍保留在表单中。",
    "Cannot reach Google Sheets (no network, this computer's clock is off, or the service "
    "account key is no longer valid; Google is not reachable from mainland China: use the "
    "local store with SLT_BACKEND=local). What you typed is kept.",
)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by `max_elapsed` seconds."""

    base: float = 0.5
    factor: float = 2.0
    cap: float = 8.0
    max_elapsed: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def delays(self) -> Iterator[float]:
        attempt = 0
        while True:
            yield random.uniform(0, min(self.cap, self.base * self.factor**attempt))
            attempt += 1


class Refused(DeskError):
    """The API refused the request (400...): nothing was applied. `reason` is Google's text."""

    def __init__(self, zh: str, en: str, status: int, reason: str) -> None:
        super().__init__(zh, en)
        self.status, self.reason = status, reason


class Transient(Exception):
    """The request failed in a way worth retrying; `applied_maybe` when it may have landed."""

    def __init__(self, final: DeskError, applied_maybe: bool) -> None:
        super().__init__(final.en)
        self.final, self.applied_maybe = final, applied_maybe


def api_error(err: APIError, account_email: str = "") -> DeskError:
    """Google's refusal as a message in both languages."""
    status = err.response.status_code
    reason = str(err.error.get("message", status)) if isinstance(err.error, dict) else str(err)
    if status == 404:
        return Refused(
            "找不到这个 Google 表格：可能已被删除，或 secrets.toml 里的链接有误。",
            "The Google Sheet was not found: deleted, or a wrong link in secrets.toml.",
            status,
            reason,
        )
    if status == 403:
        who = account_email or "服务账号"
        return Refused(
            f"没有权限访问这个表格：请在表格的“共享”中把 {who} 添加为编辑者。",
            "No access to the sheet: share it with "
            f"{account_email or 'the service account'} as an editor.",
            status,
            reason,
        )
    if status == 401:
        return Refused(
            "服务账号密钥无效或已被停用，请在 secrets.toml 中更新密钥。",
            "The service-account key is invalid or disabled; update it in secrets.toml.",
            status,
            reason,
        )
    if status == 429:
        return BackendUnavailable(
            "Google 表格请求过于频繁（每分钟约60次的限额），请等一分钟再保存；"
            "已填写的内容仍保留在表单中。",
            "Google Sheets' quota (about 60 requests a minute) is used up; wait a minute "
            "and save again. What you typed is kept.",
        )
    if status >= 500:
        return BackendUnavailable()
    return Refused(
        f"Google 表格拒绝了请求：{reason}",
        f"Google Sheets refused the request: {reason}",
        status,
        reason,
    )


def send(fn: Callable[[], T], account_email: str = "") -> T:
    """One attempt: the answer, or Refused (final) / Transient (retry) / BackendUnavailable."""
    try:
        return fn()
    except APIError as err:
        status = err.response.status_code
        mapped = api_error(err, account_email)
        if status == 429:
            raise Transient(mapped, applied_maybe=False) from None
        if status >= 500:
            raise Transient(mapped, applied_maybe=True) from None
        raise mapped from None
    except auth_errors.RefreshError:
        # The token endpoint answered no: a revoked key or a clock far off. Not worth retrying.
        raise BackendUnavailable(*UNREACHABLE) from None
    except auth_errors.TransportError:
        # No token could be fetched: the request itself never left.
        raise Transient(BackendUnavailable(*UNREACHABLE), applied_maybe=False) from None
    except auth_errors.GoogleAuthError:
        raise BackendUnavailable(*UNREACHABLE) from None
    except (requests.ConnectionError, requests.Timeout):
        raise Transient(BackendUnavailable(*UNREACHABLE), applied_maybe=True) from None


def call(
    fn: Callable[[], T],
    retry: RetryPolicy,
    verify: Callable[[], T | None] | None = None,
    account_email: str = "",
) -> T:
    """Run one request, retrying what is worth retrying within `retry.max_elapsed`.

    For a write, `verify` answers whether an attempt with an unknown outcome landed (its
    result) or not (None); it is asked before every resend, so a write never lands twice.
    """
    started = time.monotonic()
    delays = retry.delays()
    while True:
        try:
            return send(fn, account_email)
        except Transient as t:
            final, ambiguous = t.final, t.applied_maybe
        while True:
            delay = next(delays)
            if time.monotonic() - started + delay > retry.max_elapsed:
                if ambiguous and verify is not None:
                    raise BackendUnavailable(
                        "保存时与 Google 表格的连接中断，无法确认是否已保存：请刷新后查看，"
                        "再决定是否重新提交。",
                        "The connection broke while saving and it is unknown whether the "
                        "save landed: refresh and check before submitting again.",
                    )
                raise final
            retry.sleep(delay)
            if not ambiguous or verify is None:
                break
            try:
                landed = send(verify, account_email)
            except (Transient, DeskError):
                continue  # could not tell yet: ask again, never resend blindly
            if landed is not None:
                return landed
            break  # it did not land: send again
