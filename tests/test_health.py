"""Data health: a volunteer credited twice for one event, and held events whose attendance
counts for nobody; each finding names the table, the row and what to do, in both languages."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from sltcore.auth import SYSTEM
from sltcore.cli import main
from sltcore.schema import TABLES
from sltcore.services import attendance, events, health
from tests.helpers import community, record_row, volunteer

DAY = dt.date(2026, 11, 20)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def desk(store):
    com = community(store)
    people = [volunteer(store, com["id"], name=n) for n in ("王秀英", "李强")]

    def event(title: str, status: str = "done") -> dict:
        row = {"title": title, "date": DAY, "community_id": com["id"], "category": "green",
               "status": status}  # fmt: skip
        return store.append("events", [row], SYSTEM)[0]

    return {"store": store, "com": com, "people": people, "event": event}


def kinds(store) -> list[tuple[str, str, str]]:
    return [(f.kind, f.table, f.row_id) for f in health.check(store)]


def test_a_clean_store_has_no_findings(desk):
    store, (a, b) = desk["store"], desk["people"]
    ev = desk["event"]("垃圾分类宣传")
    desk["event"]("元旦联欢", status="planned")  # planned: no records expected
    attendance.record(store, store.read_all(), [(a["id"], 2.0), (b["id"], 1.5)], SYSTEM,
                      event_id=ev["id"])  # fmt: skip
    assert health.check(store) == []


def test_a_volunteer_credited_twice_for_one_event(desk):
    """The desk refuses it; a hand edit of the sheet (or the file) can still make it."""
    store, (a, _) = desk["store"], desk["people"]
    ev, other = desk["event"]("垃圾分类宣传"), desk["event"]("治安巡逻")
    first, second = store.append(
        "service_records",
        [record_row(a, 2.0, DAY, event_id=ev["id"]), record_row(a, 1.0, DAY, event_id=other["id"])],
        SYSTEM,
    )
    con = sqlite3.connect(store.path)
    con.execute("UPDATE service_records SET event_id = ? WHERE id = ?", (ev["id"], second["id"]))
    con.commit()
    con.close()
    found = [f for f in health.check(store) if f.kind == "credited_twice"]
    assert {(f.table, f.row_id, f.field) for f in found} == {
        ("service_records", first["id"], "event_id"),
        ("service_records", second["id"], "event_id"),
    }
    zh = next(f for f in found if f.row_id == first["id"]).message("zh")
    assert zh.startswith(f"服务记录 {first['id']} · 活动：与 {second['id']} 是王秀英")
    assert "“垃圾分类宣传”（2026-11-20）" in zh and "重复计入" in zh and "归档多余的一条" in zh
    en = next(f for f in found if f.row_id == first["id"]).message("en")
    assert "count twice" in en and "archive the extra one" in en and second["id"] in en
    assert not any(f.warning for f in found)


def test_a_held_event_whose_records_are_all_archived(desk):
    """An entry undone on an existing event, or its records removed one by one: the event
    still says it took place but counts no hours."""
    store, (a, b) = desk["store"], desk["people"]
    ev = desk["event"]("垃圾分类宣传")
    saved = attendance.record(store, store.read_all(), [(a["id"], 2.0), (b["id"], 1.5)], SYSTEM,
                              event_id=ev["id"])  # fmt: skip
    first, second = saved.record_versions.items()
    attendance.remove(store, *first, SYSTEM)
    assert kinds(store) == [], "one live record left: the event still counts"
    attendance.remove(store, *second, SYSTEM)
    (finding,) = health.check(store)
    assert (finding.kind, finding.table, finding.row_id) == ("records_archived", "events", ev["id"])
    assert not finding.warning
    zh = finding.message("zh")
    assert zh.startswith(f"活动 {ev['id']}：“垃圾分类宣传”（2026-11-20）状态为“已完成”")
    assert "都已归档" in zh and "记录活动" in zh and "已取消" in zh
    en = finding.message("en")
    assert "all its service records are archived" in en and "Record activity" in en


def test_a_cancelled_event_with_archived_records_is_in_order(desk):
    store, (a, _) = desk["store"], desk["people"]
    ev = desk["event"]("垃圾分类宣传")
    attendance.record(store, store.read_all(), [(a["id"], 2.0)], SYSTEM, event_id=ev["id"])
    events.cancel(store, store.read_all(), ev["id"], ev["version"], SYSTEM)
    assert health.check(store) == []


def test_a_held_event_without_any_record_is_a_warning(desk):
    """The record page can no longer leave one (event and records are one transaction), but
    an event added on the events page as done may still wait for its attendance."""
    store = desk["store"]
    ev = desk["event"]("敬老院慰问")
    (finding,) = health.check(store)
    assert (finding.kind, finding.table, finding.row_id) == (
        "held_without_records",
        "events",
        ev["id"],
    )
    assert finding.warning and health.problems([finding]) == []
    zh = finding.message("zh")
    assert zh.startswith(f"提醒 · 活动 {ev['id']}：“敬老院慰问”（2026-11-20）")
    assert "没有任何服务记录" in zh and "补录参加人员" in zh and "计划中" in zh
    assert finding.message("en").startswith(
        f"Warning · Events {ev['id']}: “敬老院慰问” (2026-11-20)"
    )


def test_the_command_fails_on_problems_and_not_on_warnings(desk, monkeypatch, capsys):
    store, (a, _) = desk["store"], desk["people"]
    monkeypatch.setenv("SLT_DB", str(store.path))
    monkeypatch.setenv("SLT_BACKEND", "local")
    desk["event"]("敬老院慰问")
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "数据体检通过" in out and "另有 1 条提醒" in out and "提醒 · 活动" in out
    ev = desk["event"]("垃圾分类宣传")
    saved = attendance.record(store, store.read_all(), [(a["id"], 2.0)], SYSTEM,
                              event_id=ev["id"])  # fmt: skip
    attendance.undo(store, saved, SYSTEM)
    assert main(["--lang", "en", "check"]) == 1
    out = capsys.readouterr().out
    assert "1 problems found (records_archived 1)" in out and "1 warnings to look at" in out


def test_the_sample_data_has_no_findings(demo_store):
    assert health.check(demo_store) == []


def test_volunteers_without_a_community(desk):
    """An archived community, or one a hand edit emptied: said once, with what to do."""
    store, (a, b) = desk["store"], desk["people"]
    other = community(store, "北三里")
    c = volunteer(store, other["id"], name="赵敏")
    store.set_archived("communities", {other["id"]: other["version"]}, True, SYSTEM)
    con = sqlite3.connect(store.path)
    con.execute("UPDATE volunteers SET community_id = NULL WHERE id = ?", (a["id"],))
    con.commit()
    found = [f for f in health.check(store) if f.table == "volunteers"]
    assert [(f.kind, f.row_id) for f in found] == [("no_community", a["id"]),
                                                  ("no_community", c["id"])]  # fmt: skip
    assert found[0].message("zh") == (
        f"志愿者 {a['id']} · 社区：王秀英没有所属社区：请在志愿者页面为其选择社区"
    )
    assert "“北三里”已归档" in found[1].zh and "is archived" in found[1].en
    assert b["id"] not in {f.row_id for f in found}


def test_every_finding_links_to_the_page_that_mends_it(desk):
    store, (a, b) = desk["store"], desk["people"]
    ev = desk["event"]("垃圾分类宣传")
    team = store.append("teams", [{"name": "巡逻队", "category": "security"}], SYSTEM)[0]
    member = store.append("team_members", [{"team_id": team["id"], "volunteer_id": a["id"]}],
                          SYSTEM)[0]  # fmt: skip
    rec = store.append("service_records", [record_row(a, event_id=ev["id"])], SYSTEM)[0]
    loose = store.append("service_records", [record_row(b, day=dt.date(2026, 3, 6))], SYSTEM)[0]
    frames = store.read_all()

    def target(table, row_id, kind="invalid"):
        return health.fix_target(health.Finding(kind, table, row_id, None, "", ""), frames)

    assert target("volunteers", a["id"]) == ("volunteers", {"vol": a["id"]})
    assert target("events", ev["id"]) == ("events", {"event": ev["id"]})
    assert target("teams", team["id"]) == ("teams", {"team": team["id"]})
    assert target("team_members", member["id"]) == ("teams", {"team": team["id"]})
    assert target("service_records", rec["id"]) == ("events", {"event": ev["id"]})
    assert target("service_records", loose["id"]) == ("volunteers", {"vol": b["id"]})
    assert target("communities", desk["com"]["id"]) == (
        "tables", {"table": "communities", "row": desk["com"]["id"]})  # fmt: skip
    assert target("donations", "don-1") == ("donations", {})
    assert target("pairings", "pair-1") == ("pairings", {})
    assert target("beneficiaries", "ben-1") == ("pairings", {})
    assert target("roster_assignments", "asg-1") == ("rosters", {})
    assert target("settings", "set-1") == ("admin", {})
    assert target("volunteers", "#4", kind="unreadable") is None
    assert set(health.KINDS) >= {f.kind for f in health.check(store)}


# What each query parameter of a fix link opens, and where the page reads it.
PARAM_TABLE = {"vol": "volunteers", "event": "events", "team": "teams"}


def _reads(page_file: Path, param: str) -> bool:
    text = page_file.read_text(encoding="utf-8")
    return f'query_id("{param}")' in text or f'query_params.get("{param}")' in text


def test_every_table_links_to_a_page_that_exists(demo_store):
    """Any table can hold a finding (a hand-edited sheet): each links to a page the app
    registers, with only parameters that page reads, naming a row that is there."""
    from sltcore.ui.health import PAGES

    app = ROOT.joinpath("app.py").read_text(encoding="utf-8")
    frames = demo_store.read_all()
    for t in TABLES:
        df = frames.get(t.key)
        ids = [f"{t.id_prefix}-gone"] + ([str(df["id"].iloc[0])] if df is not None and len(df)
                                         else [])  # fmt: skip
        for row_id in ids:
            found = health.fix_target(health.Finding("invalid", t.key, row_id, None, "", ""),
                                      frames)  # fmt: skip
            assert found is not None, (t.key, row_id)
            page, params = found
            assert f'"{PAGES[page]}"' in app, (t.key, page)
            page_file = ROOT / PAGES[page]
            assert page_file.is_file()
            for param in params:
                assert _reads(page_file, param), (t.key, page, param)
            if page == "tables":
                assert params["table"] == t.key and params.get("row") in (row_id, None)
            for param, value in params.items():
                if param in PARAM_TABLE:
                    assert value in set(frames[PARAM_TABLE[param]]["id"]), (t.key, params)


def test_a_broken_reference_links_to_the_row_that_holds_it(desk):
    """A reference to a row that no longer exists is never the link: the row holding it is
    (its own page, or the page of another row it names), else the page of its table."""
    store, com, (a, b) = desk["store"], desk["com"], desk["people"]
    ev, gone_ev = desk["event"]("垃圾分类宣传"), desk["event"]("治安巡逻")
    team, gone_team = store.append("teams", [{"name": n, "category": "care"}
                                             for n in ("敬老队", "临时队")], SYSTEM)  # fmt: skip
    member = store.append("team_members", [{"team_id": gone_team["id"],
                                            "volunteer_id": a["id"], "role": "member"}],
                          SYSTEM)[0]  # fmt: skip
    rec = store.append("service_records", [record_row(a, event_id=gone_ev["id"])], SYSTEM)[0]
    org, gone_org = store.append("organisations", [{"name": n, "kind": "company"}
                                                   for n in ("便民超市", "已注销公司")],
                                 SYSTEM)  # fmt: skip
    ben = store.append("beneficiaries", [{"name": "张大爷", "kind": "elder_alone",
                                          "community_id": com["id"]}], SYSTEM)[0]  # fmt: skip
    pair = store.append("pairings", [{"beneficiary_id": ben["id"], "team_id": team["id"],
                                      "kind": "elder", "started_on": DAY,
                                      "visits_per_month": 2, "status": "active"}],
                        SYSTEM)[0]  # fmt: skip
    period = store.append("roster_periods", [{"name": "国庆值守", "key_period": "national_day",
                                              "start_date": DAY, "end_date": DAY}],
                          SYSTEM)[0]  # fmt: skip
    shift = store.append("roster_shifts", [{"period_id": period["id"], "post": "东门",
                                            "community_id": com["id"], "date": DAY,
                                            "start_time": dt.time(8), "end_time": dt.time(12),
                                            "slots": 2}], SYSTEM)[0]  # fmt: skip
    asg = store.append("roster_assignments", [{"shift_id": shift["id"], "volunteer_id": b["id"],
                                               "status": "assigned"}], SYSTEM)[0]  # fmt: skip
    don = store.append("donations", [{"organisation_id": gone_org["id"], "date": DAY,
                                      "kind": "money", "amount": 500.0}], SYSTEM)[0]  # fmt: skip
    con = sqlite3.connect(store.path)
    for key, row in (("events", gone_ev), ("teams", gone_team), ("organisations", gone_org),
                     ("beneficiaries", ben), ("roster_shifts", shift)):  # fmt: skip
        con.execute(f"DELETE FROM {key} WHERE id = ?", (row["id"],))
    con.execute("UPDATE organisations SET community_id = 'com-gone' WHERE id = ?", (org["id"],))
    con.execute("UPDATE events SET community_id = 'com-gone' WHERE id = ?", (ev["id"],))
    con.commit()
    con.close()
    frames = store.read_all()
    dangling = [f for f in health.check(store) if f.kind == "dangling"]
    links = {(f.table, f.row_id, f.field): health.fix_target(f, frames) for f in dangling}
    assert links == {
        ("service_records", rec["id"], "event_id"): ("volunteers", {"vol": a["id"]}),
        ("team_members", member["id"], "team_id"): ("teams", {}),
        ("pairings", pair["id"], "beneficiary_id"): ("pairings", {}),
        ("roster_assignments", asg["id"], "shift_id"): ("rosters", {}),
        ("donations", don["id"], "organisation_id"): ("donations", {}),
        ("organisations", org["id"], "community_id"): (
            "tables", {"table": "organisations", "row": org["id"]}),
        ("events", ev["id"], "community_id"): ("events", {"event": ev["id"]}),
    }  # fmt: skip
    missing = {gone_ev["id"], gone_team["id"], gone_org["id"], ben["id"], shift["id"], "com-gone"}
    for page, params in links.values():
        assert not missing & set(params.values()), (page, params)
