"""The Store contract, run against every backend: what pages and services rely on."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sltcore import demo
from sltcore.auth import SYSTEM, Actor
from sltcore.codec import row_from_frame
from sltcore.errors import ConflictError, NotFoundError, ValidationError
from sltcore.schema import AUDIT_TABLE, TABLES, table
from sltcore.store import archive
from tests.helpers import community, record_row, volunteer

CLERK = Actor("clerk", "admin", display_name="办事员")


def _sample() -> dict[str, list[dict]]:
    data = demo.generate(volunteers=20, records=60, seed=7, until=dt.date(2026, 11, 29))
    data["certificates"] = [{
        "number": "SLT-2026-0001", "volunteer_id": data["volunteers"][0]["id"],
        "issued_on": dt.date(2026, 11, 1), "hours": 12.5, "issuer": "三里屯街道志愿服务分中心",
        "content": "=SUM(A1:A2) 社区服务",
    }]  # fmt: skip
    data["preferences"] = [{"username": "coord1", "lang": "en"}]
    return data


def _user_values(table_key: str, row: dict) -> dict:
    t = table(table_key)
    return {f.key: row.get(f.key) for f in t.user_fields}


def test_round_trip_of_every_table(contract_store) -> None:
    data = _sample()
    written = {}
    for key in [*demo.LOAD_ORDER, "certificates", "preferences"]:
        written[key] = contract_store.append(key, data[key], CLERK)
    frames = contract_store.read_all()
    covered = {k for k, rows in written.items() if rows}
    assert covered == {t.key for t in TABLES} - {AUDIT_TABLE}, "every table is exercised"
    for key, rows in written.items():
        t = table(key)
        df = frames[key]
        assert len(df) == len(rows), key
        by_id = {r["id"]: row_from_frame(t, r) for r in df.to_dict("records")}
        for stored in rows:
            back = by_id[stored["id"]]
            assert _user_values(key, back) == _user_values(key, stored), (key, stored["id"])
            assert back["version"] == 1 and back["created_by"] == "clerk"
            assert back["archived"] is False
            assert contract_store.get(key, stored["id"]) == stored


def test_typed_frames(contract_store) -> None:
    v = volunteer(contract_store, community(contract_store)["id"], skills=("英语", "医护"))
    contract_store.append("service_records", [record_row(v, 2.5)], SYSTEM)
    frames = contract_store.read_all()
    recs, vols = frames["service_records"], frames["volunteers"]
    assert str(recs["date"].dtype).startswith("datetime64")
    assert recs["hours"].dtype == "float64" and recs["hours"].sum() == 2.5
    assert str(vols["version"].dtype) == "Int64"
    assert vols.loc[0, "skills"] == "英语、医护"
    assert set(frames) == {t.key for t in TABLES} - {AUDIT_TABLE}
    assert len(frames["donations"]) == 0 and "amount" in frames["donations"]


def test_update_bumps_version_and_conflicts_on_a_stale_one(contract_store) -> None:
    c = community(contract_store)
    new = contract_store.update("communities", c["id"], {"population": 9100}, 1, CLERK)
    assert new["version"] == 2 and new["population"] == 9100 and new["updated_by"] == "clerk"
    with pytest.raises(ConflictError) as info:
        contract_store.update("communities", c["id"], {"population": 1}, 1, SYSTEM)
    assert "已被别人修改" in info.value.message("zh")
    assert contract_store.get("communities", c["id"])["population"] == 9100
    same = contract_store.update("communities", c["id"], {"population": 9100}, 2, CLERK)
    assert same["version"] == 2, "a change that changes nothing is not a new version"
    with pytest.raises(NotFoundError):
        contract_store.update("communities", "com-missing", {"population": 1}, 1, CLERK)


def test_update_is_validated(contract_store) -> None:
    c = community(contract_store)
    with pytest.raises(ValidationError) as info:
        contract_store.update("communities", c["id"], {"population": -5}, 1, CLERK)
    assert "常住人口：不能小于0" in info.value.message("zh")
    assert contract_store.get("communities", c["id"])["version"] == 1


def test_archive_hides_a_row_and_restore_brings_it_back(contract_store) -> None:
    c = community(contract_store)
    v = volunteer(contract_store, c["id"])
    archived = archive(contract_store, "volunteers", v["id"], 1, CLERK)
    assert archived["archived"] is True and archived["version"] == 2
    assert v["id"] not in set(contract_store.read_all()["volunteers"]["id"])
    everything = contract_store.read_all(include_archived=True)["volunteers"]
    assert v["id"] in set(everything["id"]), "archiving never deletes"
    with pytest.raises(ConflictError):
        archive(contract_store, "volunteers", v["id"], 1, CLERK)
    contract_store.set_archived("volunteers", {v["id"]: 2}, False, CLERK)
    assert v["id"] in set(contract_store.read_all()["volunteers"]["id"])


def test_audit_rows_for_every_change(contract_store) -> None:
    c = community(contract_store)
    contract_store.update("communities", c["id"], {"population": 1234}, 1, CLERK)
    archive(contract_store, "communities", c["id"], 2, CLERK)
    log = contract_store.read(AUDIT_TABLE)
    mine = log[log["row_id"] == c["id"]]
    assert list(mine["action"]) == ["create", "update", "archive"]
    assert list(mine["actor"]) == ["system", "clerk", "clerk"]
    assert json.loads(mine.iloc[1]["changes"]) == {"population": ["8000", "1234"]}
    with pytest.raises(Exception, match="audit"):
        contract_store.append(AUDIT_TABLE, [{"table_name": "x"}], CLERK)


def test_a_bad_row_in_a_batch_of_50_stores_none(contract_store) -> None:
    c = community(contract_store)
    v = volunteer(contract_store, c["id"])
    rows = [record_row(v, 0.25, day=dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(50)]
    rows[36]["hours"] = "两小时"
    before = contract_store.revision()
    with pytest.raises(ValidationError) as info:
        contract_store.append("service_records", rows, CLERK)
    assert "第37行，服务时长（小时）：“两小时”不是数字" in info.value.message("zh")
    assert len(contract_store.read_all()["service_records"]) == 0
    assert contract_store.revision() == before
    rows[36]["hours"] = 0.5
    assert len(contract_store.append("service_records", rows, CLERK)) == 50


@pytest.mark.parametrize("text", ['=IMPORTXML("http://x","//a")', "+1", "-1", "@a", "＝1",
                                  "\t=1", "=1+1"])  # fmt: skip
def test_formula_like_text_is_stored_literally(contract_store, text: str) -> None:
    c = community(contract_store, address=text if "\t" not in text else None)
    v = volunteer(contract_store, c["id"], notes=text)
    assert contract_store.get("volunteers", v["id"])["notes"] == text
    assert contract_store.read_all()["volunteers"].loc[0, "notes"] == text


def test_revision_changes_with_every_write(contract_store) -> None:
    r0 = contract_store.revision()
    c = community(contract_store)
    r1 = contract_store.revision()
    contract_store.update("communities", c["id"], {"population": 1}, 1, CLERK)
    assert len({r0, r1, contract_store.revision()}) == 3


def test_update_many_is_all_or_nothing(contract_store) -> None:
    c = community(contract_store)
    v = volunteer(contract_store, c["id"])
    recs = contract_store.append(
        "service_records", [record_row(v, 2, day=dt.date(2026, 3, d)) for d in (1, 2, 3)], CLERK
    )
    batch = {r["id"]: ({"hours": 3}, r["version"]) for r in recs}
    batch[recs[2]["id"]] = ({"hours": 0}, recs[2]["version"])
    with pytest.raises(ValidationError) as info:
        contract_store.update_many("service_records", batch, CLERK)
    assert "第3行" in info.value.message("zh") and "服务时长必须大于0" in info.value.message("zh")
    assert [contract_store.get("service_records", r["id"])["hours"] for r in recs] == [2, 2, 2]
    # Moving three records onto one day is checked as a whole: 3 x 9 h > 24 h.
    move = {r["id"]: ({"date": dt.date(2026, 3, 9), "hours": 9}, r["version"]) for r in recs}
    with pytest.raises(ValidationError, match="24"):
        contract_store.update_many("service_records", move, CLERK)
    done = contract_store.update_many(
        "service_records", {r["id"]: ({"hours": 4}, r["version"]) for r in recs}, CLERK
    )
    assert [r["version"] for r in done] == [2, 2, 2]
    assert contract_store.read_all()["service_records"]["hours"].sum() == 12


def test_restoring_a_row_obeys_the_rules_of_a_new_one(contract_store) -> None:
    c = community(contract_store, "幸福一村")
    archive(contract_store, "communities", c["id"], 1, CLERK)
    community(contract_store, "幸福一村")
    with pytest.raises(ValidationError, match="already exists"):
        contract_store.set_archived("communities", {c["id"]: 2}, False, CLERK)
    assert contract_store.get("communities", c["id"])["archived"] is True


def test_one_action_is_one_transaction_with_one_action_id(contract_store) -> None:
    """A transaction's writes across tables land together, their audit rows share an id, and
    a refusal part-way leaves nothing of it."""
    c = community(contract_store)
    v = volunteer(contract_store, c["id"])

    def action(tx):
        ev = tx.append("events", [{"title": "一次操作", "date": dt.date(2026, 3, 5),
                                   "community_id": c["id"], "category": "care",
                                   "status": "done"}])[0]  # fmt: skip
        tx.append("service_records", [record_row(v, 2, event_id=ev["id"])])
        tx.update("volunteers", v["id"], {"notes": "来过"}, 1)
        return ev

    ev = contract_store.transact(CLERK, action)
    log = contract_store.read(AUDIT_TABLE)
    mine = log[log["row_id"].isin([ev["id"], v["id"]]) & (log["actor"] == "clerk")]
    mine = log[log["action_id"].isin(set(mine["action_id"]))]
    assert len(mine) == 3 and mine["action_id"].nunique() == 1
    assert set(mine["table_name"]) == {"events", "service_records", "volunteers"}

    def refused(tx):
        tx.append("events", [{"title": "不会留下", "date": dt.date(2026, 3, 6),
                              "community_id": c["id"], "category": "care",
                              "status": "done"}])  # fmt: skip
        tx.update("volunteers", v["id"], {"notes": "过期版本"}, 1)  # stale: now at 2

    before = len(contract_store.read(AUDIT_TABLE))
    with pytest.raises(ConflictError):
        contract_store.transact(CLERK, refused)
    assert "不会留下" not in set(contract_store.read_all()["events"]["title"])
    assert len(contract_store.read(AUDIT_TABLE)) == before
