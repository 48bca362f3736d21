"""What the multi-process tests run in their child processes (real OS processes, spawned).

Each worker opens its own store on the shared SQLite file or the shared (emulated) Google
Sheet, reads everything once (its cache, stale from then on), and then performs one action
per trial in lockstep with the other workers, reporting what happened to a queue.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
import traceback
from typing import Any

from sltcore.auth import Actor
from sltcore.errors import DeskError

Spec = tuple[str, str, str]  # ("local", db path, "") or ("gsheets", emulator host, sheet id)


def open_spec(spec: Spec, **kw: Any) -> Any:
    kind, where, sid = spec
    if kind == "local":
        from sltcore.store.local import LocalStore

        return LocalStore(where)
    from sheets_emulator.client import gspread_client
    from sltcore.store.gsheets import GSheetsStore, RetryPolicy

    kw.setdefault("retry", RetryPolicy(base=0.02, cap=0.3, max_elapsed=20))
    return GSheetsStore(gspread_client(where).http_client, sid, **kw)


def _act(store: Any, frames: dict, action: str, args: dict, actor: Actor) -> str:
    """One user action through the real services; returns what was stored."""
    from sltcore.exports import certificate
    from sltcore.services import attendance

    if action == "attend":
        saved = attendance.record(
            store, frames, [(args["volunteer"], args["hours"])], actor, event_id=args["event"]
        )
        return ",".join(saved.record_versions)
    if action == "certificate":
        row = certificate.issue(
            store,
            actor,
            args["volunteer"],
            dt.date(2026, 1, 1),
            dt.date(2026, 11, 1),
            issuer="三里屯街道志愿服务站",
            data=frames,
        )
        return str(row["number"])
    if action == "redeem":
        from sltcore.services import timebank

        done = timebank.redeem(
            store, actor, args["volunteer"], args["item"], 1, dt.date(2026, 6, 2)
        )
        return str(done.balance_after)
    if action == "unique":
        return store.append("communities", [{"name": args["name"]}], actor)[0]["id"]
    if action == "update":
        vols = frames["volunteers"].set_index("id")
        seen = int(vols.loc[args["volunteer"], "version"])  # the version this session read
        changes = {"notes": args["notes"]}
        return str(store.update("volunteers", args["volunteer"], changes, seen, actor)["version"])
    raise ValueError(action)


def lockstep(
    spec: Spec,
    role: int,
    trials: list[tuple[str, dict]],
    sequential: bool,
    barrier: Any,
    results: Any,
) -> None:
    """Run `trials` in step with the other workers. With `sequential`, role 0 writes first and
    the others write after it, on caches read before that first write."""
    try:
        store = open_spec(spec)
        frames = store.read_all()  # this session's cache, read well before any write
        actor = Actor(f"worker{role}", "admin", display_name=f"工作人员{role}")
        barrier.wait()
        for n, (action, args) in enumerate(trials):
            barrier.wait()
            if sequential and role != 0:
                barrier.wait()  # role 0 has written
            try:
                outcome = ("ok", _act(store, frames, action, args, actor))
            except DeskError as err:
                outcome = ("refused", err.message("zh"))
            if sequential and role == 0:
                barrier.wait()
            results.put((n, role, *outcome))
        results.put(("done", role, "", ""))
    except BaseException:
        results.put(("crash", role, "", traceback.format_exc()))


def keep_saving(spec: Spec, volunteers: list[str], community_id: str, seed: int) -> None:
    """Record new events with their attendance, cancel some, until killed."""
    from sltcore.services import attendance, events

    rng = random.Random(seed + os.getpid())
    store = open_spec(spec, lease_ttl=2.0)
    actor = Actor(f"killme{seed}", "admin")
    day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300))
    n = 0
    while True:
        n += 1
        frames = store.read_all()
        who = rng.sample(volunteers, 5)
        new_event = {
            "title": f"巡逻{seed}-{n}",
            "date": day,
            "community_id": community_id,
            "status": "done",
            "category": "security",
        }
        try:
            saved = attendance.record(
                store, frames, [(v, 0.25) for v in who], actor, new_event=new_event
            )
            if n % 3 == 0:
                frames = store.read_all()
                events.cancel(store, frames, saved.event_id, 1, actor)
        except DeskError:
            time.sleep(0.01)
