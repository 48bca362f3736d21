"""Google Sheets backend figures, against the in-repo emulator: requests and cells per action."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import Counter

from sheets_emulator import SheetsEmulator
from sheets_emulator.client import gspread_client
from sltcore import demo
from sltcore.auth import Actor
from sltcore.store.gsheets import GSheetsStore

RECORDS = 5000  # the emulator holds the sheet in memory; Google caps a sheet at 10M cells


def _count(emu: SheetsEmulator, sid: str) -> Counter:
    return Counter(r.kind for r in emu.requests if r.spreadsheet_id == sid)


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
    print("== Google Sheets backend (in-repo emulator, real gspread HTTP) ==")
    print(f"sample sheet: {records} service records, loaded in {load_secs:.1f} s")
    print(f"requests per cold load:       {out['requests_cold_load']:.0f}  (metadata + batchGet)")
    print(f"cold load time:               {cold:.2f} s")
    print(f"requests per cached rerun:    {out['requests_cached_rerun']:.0f}")
    print(f"requests per 1-row append:    {out['requests_append_1']:.0f}  (data + audit tab)")
    print(f"requests per 30-row append:   {out['requests_append_30']:.0f}  (data + audit tab)")
    print(f"requests per update:          {out['requests_update']:.0f}  "
          "(read id+version, write row, audit append)")  # fmt: skip
    print(f"median update time:           {statistics.median(times) * 1000:.1f} ms")
    print(f"cells written per one-record submit: {out['cells_per_one_record_submit']:.0f} "
          "(the record's row + its audit row)")  # fmt: skip
    return out
