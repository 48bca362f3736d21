"""Google Sheets backend figures, against the in-repo emulator: requests and cells per action."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import statistics
import time
from collections import Counter
from typing import Any

from sheets_emulator import SheetsEmulator
from sheets_emulator.client import gspread_client
from sltcore import demo
from sltcore.auth import Actor
from sltcore.errors import DeskError
from sltcore.services import attendance
from sltcore.store.gsheets import GSheetsStore

RECORDS = 5000  # the emulator holds the sheet in memory; Google caps a sheet at 10M cells


def _count(emu: SheetsEmulator, sid: str) -> Counter:
    return Counter(r.kind for r in emu.requests if r.spreadsheet_id == sid)


MP_SAVES = 15  # per process


def _saver(host: str, sid: str, vols: list[str], com: str, k: int, q: Any) -> None:
    """One app process: record MP_SAVES new events of 3 attendees each, on a stale cache."""
    http = gspread_client(host).http_client
    store = GSheetsStore(http, sid)
    frames = store.read_all()
    refused = 0
    q.put(("ready", k))
    for n in range(MP_SAVES):
        who = vols[(k * MP_SAVES + n) * 3 % len(vols) :][:3]
        try:
            attendance.record(store, frames, [(v, 1.0) for v in who], Actor(f"p{k}"), new_event={
                "title": f"并发{k}-{n}", "date": dt.date(2019, 3, 1 + n), "community_id": com,
                "category": "security", "status": "done"})  # fmt: skip
        except DeskError:
            refused += 1
    q.put(("done", k, dict(store.stats), refused))


def _three_processes(host: str, sid: str, vols: list[str], com: str) -> dict[str, float]:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_saver, args=(host, sid, vols, com, k, q)) for k in range(3)]
    for p in procs:
        p.start()
    for _ in procs:
        q.get(timeout=120)  # each has loaded its copy
    t0 = time.perf_counter()
    stats: Counter = Counter()
    refused = 0
    for _ in procs:
        _, _, s, r = q.get(timeout=600)
        stats.update(s)
        refused += r
    secs = time.perf_counter() - t0
    for p in procs:
        p.join()
    saves = 3 * MP_SAVES - refused
    return {"mp_saves": saves, "mp_seconds": secs, "mp_saves_per_s": saves / secs,
            "mp_lease_waits": stats["lease_waits"], "mp_reruns": stats["reruns"],
            "mp_full_reads": stats["full_reads"] - 3, "mp_refused": refused}  # fmt: skip


def run(records: int = RECORDS) -> dict[str, float]:
    records = min(records, RECORDS)
    actor = Actor("bench")
    out: dict[str, float] = {}
    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet("bench")
        http = gspread_client(emu.host).http_client
        seed_store = GSheetsStore(http, sid)
        t0 = time.perf_counter()
        demo.load_demo(seed_store, volunteers=max(100, records // 20), records=records, seed=3)
        load_secs = time.perf_counter() - t0

        store = GSheetsStore(http, sid)
        emu.reset_requests()
        t0 = time.perf_counter()
        frames = store.read_all()
        cold = time.perf_counter() - t0
        out["requests_cold_load"] = sum(_count(emu, sid).values())

        emu.reset_requests()
        for _ in range(10):
            store.revision()
            store.read_all()
        out["requests_cached_rerun"] = sum(_count(emu, sid).values()) / 10

        vols = frames["volunteers"]["id"].tolist()
        com = frames["communities"]["id"].iloc[0]
        for n in (1, 30):
            emu.reset_requests()
            rows = [{"volunteer_id": vols[i], "date": dt.date(2019, 1, n), "hours": 2.0,
                     "community_id": com} for i in range(n)]  # fmt: skip
            store.append("service_records", rows, actor)
            c = _count(emu, sid)
            out[f"requests_append_{n}"] = sum(c.values())
            if n == 1:  # cells the sheet now holds in the new record's row and audit row
                rec_row = emu.values(sid, "service_records")[-1]
                audit_row = emu.values(sid, "audit_log")[-1]
                out["cells_per_one_record_submit"] = len(rec_row) + len(audit_row)
        t = store.read_all()
        one = t["service_records"].iloc[-1]
        emu.reset_requests()
        times = []
        for k in range(5):
            cur = store.get("service_records", one["id"])
            t0 = time.perf_counter()
            store.update("service_records", one["id"], {"content": f"改{k}"}, cur["version"], actor)
            times.append(time.perf_counter() - t0)
        out["requests_update"] = sum(_count(emu, sid).values()) / 5

        # A checked submit: the record form for an existing event, validated under the lease
        # against the sheet as it is now (not the cached copy).
        frames = store.read_all()
        ev = frames["events"]
        ev = ev[ev["status"] == "done"]
        checked = []
        for k in range(10):
            emu.reset_requests()
            attendance.record(store, frames, [(vols[-1 - k], 1.0)], actor,
                              event_id=ev["id"].iloc[k])  # fmt: skip
            checked.append(sum(_count(emu, sid).values()))
        out["requests_checked_submit"] = statistics.median(checked)
        emu.reset_requests()
        attendance.record(store, frames, [(v, 1.0) for v in vols[:30]], actor, new_event={
            "title": "基准活动", "date": dt.date(2019, 2, 1), "community_id": com,
            "category": "security", "status": "done"})  # fmt: skip
        out["requests_new_event_30"] = sum(_count(emu, sid).values())
        out.update(_three_processes(emu.host, sid, vols, com))
    print("== Google Sheets backend (in-repo emulator, real gspread HTTP) ==")
    print(f"sample sheet: {records} service records, loaded in {load_secs:.1f} s")
    print(f"requests per cold load:       {out['requests_cold_load']:.0f}  (metadata + batchGet)")
    print(f"cold load time:               {cold:.2f} s")
    print(f"requests per cached rerun:    {out['requests_cached_rerun']:.0f}")
    print(f"requests per 1-row append:    {out['requests_append_1']:.0f}  (lease + commit)")
    print(f"requests per 30-row append:   {out['requests_append_30']:.0f}  (lease + commit)")
    print(f"requests per update:          {out['requests_update']:.0f}  (lease + commit)")
    print(f"median update time:           {statistics.median(times) * 1000:.1f} ms")
    print(f"requests per checked submit: {out['requests_checked_submit']:.0f}  "
          "(lease + fresh read in one batchUpdate, then the commit)")  # fmt: skip
    print(f"requests per new event + 30 records: {out['requests_new_event_30']:.0f}")
    print(f"three processes saving at once: {out['mp_saves']:.0f} saves in "
          f"{out['mp_seconds']:.1f} s = {out['mp_saves_per_s']:.1f} saves/s; "
          f"{out['mp_lease_waits']:.0f} lease waits, {out['mp_reruns']:.0f} actions re-run, "
          f"{out['mp_full_reads']:.0f} full reads, {out['mp_refused']:.0f} refused")  # fmt: skip
    print(f"cells written per one-record submit: {out['cells_per_one_record_submit']:.0f} "
          "(the record's row + its audit row)")  # fmt: skip
    return out
