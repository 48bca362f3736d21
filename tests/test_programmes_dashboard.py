"""The dashboard's programmes section: its figures by hand, and the page on sample data."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from sltcore.auth import SYSTEM
from sltcore.services import pairings, rosters, timebank
from sltcore.store.local import LocalStore
from tests.helpers import community, record_row, volunteer

APP = str(Path(__file__).resolve().parents[1] / "app.py")
D, T = dt.date, dt.time


def test_visits_against_agreed_count_only_owed_months(store) -> None:
    com = community(store)
    vol = volunteer(store, com["id"])
    ben = store.append(
        "beneficiaries", [{"name": "李淑珍", "kind": "elder_alone", "community_id": com["id"]}],
        SYSTEM,
    )[0]  # fmt: skip
    whole, late = store.append(
        "pairings",
        [{"volunteer_id": vol["id"], "beneficiary_id": ben["id"], "kind": "elder",
          "started_on": D(2026, 1, 1), "visits_per_month": 2},
         {"volunteer_id": vol["id"], "beneficiary_id": ben["id"], "kind": "elder",
          "started_on": D(2026, 10, 15), "visits_per_month": 3}],
        SYSTEM,
    )  # fmt: skip
    store.append(
        "service_records",
        [record_row(vol, 1.0, D(2026, 10, 3), pairing_id=whole["id"]),
         record_row(vol, 1.0, D(2026, 10, 20), pairing_id=whole["id"]),
         record_row(vol, 1.0, D(2026, 10, 21), pairing_id=whole["id"]),  # more than agreed
         record_row(vol, 1.0, D(2026, 10, 20), pairing_id=late["id"]),
         record_row(vol, 1.0, D(2026, 11, 2), pairing_id=late["id"])],
        SYSTEM,
    )  # fmt: skip
    got = pairings.visits_against_agreed(store.read_all(), D(2026, 11, 29))
    assert got == {"last_visits": 2, "last_agreed": 2, "this_visits": 1, "this_agreed": 5,
                   "behind": 0}  # fmt: skip


def test_period_coverage_caps_each_post_day_at_what_it_needs(store) -> None:
    com = community(store)
    vols = [volunteer(store, com["id"]) for _ in range(3)]
    assert rosters.period_coverage(store.read_all()) is None
    period = store.append(
        "roster_periods",
        [{"name": "冬季值守", "key_period": "other", "start_date": D(2026, 11, 28),
          "end_date": D(2026, 11, 30)}],
        SYSTEM,
    )[0]  # fmt: skip
    a, _ = store.append(
        "roster_shifts",
        [{"period_id": period["id"], "post": "门岗", "community_id": com["id"],
          "date": D(2026, 11, 28), "start_time": T(8), "end_time": T(12), "slots": 1},
         {"period_id": period["id"], "post": "门岗", "community_id": com["id"],
          "date": D(2026, 11, 29), "start_time": T(8), "end_time": T(12), "slots": 2}],
        SYSTEM,
    )  # fmt: skip
    rosters.assign(store, SYSTEM, a["id"], [v["id"] for v in vols])  # 3 on a 1-person post
    got = rosters.period_coverage(store.read_all(), D(2026, 11, 29))
    assert got == {"name": "冬季值守", "filled": 1, "needed": 3, "short": 1}


def test_dashboard_shows_the_programmes_on_sample_data(app_env, demo_db) -> None:
    shutil.copy(demo_db, app_env)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert "公益项目" in [s.value for s in at.subheader]
    shown = " ".join(m.value for m in at.markdown)
    store = LocalStore(app_env)
    frames = store.read_all()
    store.close()
    v = pairings.visits_against_agreed(frames)
    assert f"结对走访（上月）\n\n### {v['last_visits']} / {v['last_agreed']} 次" in shown
    r = rosters.period_coverage(frames)
    assert f"当前值守排班\n\n### {r['filled']} / {r['needed']} 人" in shown
    assert len(timebank.monthly(frames)) > 0
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
             for c in at.get("vega_lite_chart")]  # fmt: skip
    bars = [s for s in specs if "存入" in s and "兑换" in s]
    assert len(bars) == 1, "the points chart is drawn"


def test_dashboard_on_an_empty_store_has_no_programmes_error(app_env) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/dashboard.py").run()
    assert not at.exception, at.exception
    assert not at.error
