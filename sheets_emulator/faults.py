"""Fault injection and the request log.

Real Google answers some requests with 429 (per-minute quota) or 5xx, and sometimes applies a
write but the answer is lost (a timeout after commit): that is what duplicates rows when a
client retries an append. These switches let tests provoke each case deterministically, and
the log lets them assert request budgets ("a cold load is 1 metadata GET + 1 batchGet").
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from .model import ApiError

_QUOTA_MESSAGE = (
    "Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute"
    " per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'."
)
_MESSAGES = {
    500: "Internal error encountered.",
    502: "Bad Gateway",
    503: "The service is currently unavailable.",
    504: "The request timed out. Please try again.",
}


def fault_body(status: int, is_write: bool) -> dict[str, Any]:
    """Google's error body for an injected status (429 carries the quota ErrorInfo)."""
    if status == 429:
        kind = "Write" if is_write else "Read"
        error = ApiError(429, _QUOTA_MESSAGE.format(kind=kind)).body()
        error["error"]["details"] = [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "quota_metric": f"sheets.googleapis.com/{kind.lower()}_requests",
                    "quota_limit": f"{kind}RequestsPerMinutePerUser",
                    "quota_limit_value": "60",
                    "quota_location": "global",
                    "service": "sheets.googleapis.com",
                    "consumer": "projects/000000000000",
                },
            }
        ]
        return error
    return ApiError(status, _MESSAGES.get(status, "Injected fault.")).body()


@dataclass
class FaultConfig:
    """Random faults, reproducible from ``seed``.

    error_rate: fraction of API requests answered ``error_statuses`` (chosen at random among
        them) without being applied.
    after_apply_rate: fraction of write requests that are applied, then answered
        ``after_apply_status`` (the lost-answer case).
    latency: seconds added to every API request (before it is handled).
    kinds: limit random faults to these request kinds (see ``LoggedRequest.kind``); empty = all.
    """

    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (429,)
    after_apply_rate: float = 0.0
    after_apply_status: int = 500
    latency: float = 0.0
    kinds: tuple[str, ...] = ()
    seed: int = 0

    def __post_init__(self) -> None:
        self.error_statuses = tuple(int(s) for s in self.error_statuses)
        self.kinds = tuple(self.kinds)
        for name in ("error_rate", "after_apply_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.latency < 0:
            raise ValueError("latency must be >= 0")
        if not self.error_statuses:
            raise ValueError("error_statuses must not be empty")


@dataclass(frozen=True)
class Fault:
    """What to do with one request: answer ``status``, before or after applying it."""

    status: int
    after_apply: bool = False


@dataclass
class _Scripted:
    status: int
    after_apply: bool
    kind: str | None


class FaultInjector:
    """Thread-safe holder of the fault switches."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.config = FaultConfig()
        self._rng = random.Random(0)
        self._script: deque[_Scripted] = deque()

    def configure(self, **settings: Any) -> FaultConfig:
        """Replace the random-fault settings (unspecified ones reset); re-seeds the RNG."""
        config = FaultConfig(**settings)
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)
        return config

    def fail_next(
        self, count: int = 1, status: int = 500, after_apply: bool = False, kind: str | None = None
    ) -> None:
        """Answer the next ``count`` matching requests with ``status`` (exact, not random).

        With ``after_apply`` only writes match: the write is applied, then answered ``status``.
        """
        with self._lock:
            for _ in range(count):
                self._script.append(_Scripted(int(status), after_apply, kind))

    def clear(self) -> None:
        """No faults, no latency, empty script."""
        with self._lock:
            self.config = FaultConfig()
            self._rng = random.Random(0)
            self._script.clear()

    def pending(self) -> int:
        """Scripted faults not yet used."""
        with self._lock:
            return len(self._script)

    def latency(self) -> float:
        """Seconds to sleep before handling an API request."""
        return self.config.latency

    def decide(self, kind: str, is_write: bool) -> Fault | None:
        """The fault (if any) for one incoming API request."""
        with self._lock:
            for item in self._script:
                if (item.kind is None or item.kind == kind) and (is_write or not item.after_apply):
                    self._script.remove(item)
                    return Fault(item.status, item.after_apply)
            config = self.config
            if config.kinds and kind not in config.kinds:
                return None
            if config.error_rate and self._rng.random() < config.error_rate:
                return Fault(self._rng.choice(config.error_statuses))
            if (
                is_write
                and config.after_apply_rate
                and self._rng.random() < config.after_apply_rate
            ):
                return Fault(config.after_apply_status, after_apply=True)
            return None

    def describe(self) -> dict[str, Any]:
        """Current settings, as the admin endpoint reports them."""
        with self._lock:
            data = asdict(self.config)
            data["pending_scripted"] = len(self._script)
            return data


@dataclass(frozen=True)
class LoggedRequest:
    """One API request as the emulator saw it.

    kind is a short name: "spreadsheets.get", "spreadsheets.batchUpdate", "values.get",
    "values.batchGet", "values.update", "values.batchUpdate", "values.append", "values.clear",
    "values.batchClear", "spreadsheets.create", "drive.*", or "unknown".
    """

    method: str
    path: str
    query: dict[str, list[str]]
    status: int
    kind: str
    spreadsheet_id: str | None = None
    range: str | None = None
    fault: str | None = None  # "before" or "after_apply" when a fault answered it
    body: Any = None  # the JSON body the client sent (tests assert what a write carried)
    at: float = field(default_factory=time.time)


class RequestLog:
    """In-memory, thread-safe list of API requests (admin requests are not logged)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[LoggedRequest] = []

    def add(self, item: LoggedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._items.append(item)

    def all(self) -> list[LoggedRequest]:
        """A copy of the log, oldest first."""
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        """Start counting afresh (e.g. after test setup)."""
        with self._lock:
            self._items.clear()

    def count(self, kind: str | None = None, method: str | None = None) -> int:
        """Requests of this kind and/or HTTP method."""
        return sum(
            1
            for r in self.all()
            if (kind is None or r.kind == kind) and (method is None or r.method == method.upper())
        )

    def kinds(self) -> list[str]:
        """Request kinds in order, e.g. ["spreadsheets.get", "values.batchGet"]."""
        return [r.kind for r in self.all()]
