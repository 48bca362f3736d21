"""Roles are enforced in the store, whatever page or service calls it (both backends)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from sltcore.auth import SYSTEM, Actor
from sltcore.errors import PermissionDenied
from tests.helpers import community, record_row, volunteer


@pytest.fixture
def world(contract_store):
    s = contract_store
    a, b = community(s, "北三里"), community(s, "东三里")
    va, vb = volunteer(s, a["id"]), volunteer(s, b["id"])
    team_a, team_b = s.append(
        "teams",
        [
            {"name": "北三里治安队", "community_id": a["id"], "category": "security"},
            {"name": "东三里治安队", "community_id": b["id"], "category": "security"},
        ],
        SYSTEM,
    )
    ev_a, ev_b = s.append(
        "events",
        [
            {
                "title": "巡逻",
                "date": dt.date(2026, 3, 5),
                "community_id": a["id"],
                "category": "security",
            },
            {
                "title": "巡逻",
                "date": dt.date(2026, 3, 5),
                "community_id": b["id"],
                "category": "security",
            },
        ],
        SYSTEM,
    )
    period = s.append(
        "roster_periods",
        [{"name": "国庆值守", "key_period": "national_day", "start_date": dt.date(2026, 10, 1),
          "end_date": dt.date(2026, 10, 7)}],
        SYSTEM,
    )[0]  # fmt: skip
    shift_b = s.append(
        "roster_shifts",
        [
            {
                "period_id": period["id"],
                "post": "门岗",
                "community_id": b["id"],
                "date": dt.date(2026, 10, 1),
                "start_time": dt.time(8),
                "end_time": dt.time(12),
            }
        ],
        SYSTEM,
    )[0]
    ben_b = s.append(
        "beneficiaries", [{"name": "老人", "kind": "elder_alone", "community_id": b["id"]}], SYSTEM
    )[0]["id"]
    coord = Actor("coord-a", "coordinator", communities=(a["id"],))
    return {
        "s": s,
        "a": a,
        "b": b,
        "va": va,
        "vb": vb,
        "team_a": team_a,
        "team_b": team_b,
        "ev_a": ev_a,
        "ev_b": ev_b,
        "shift_b": shift_b,
        "coord": coord,
        "ben_b": ben_b,
    }


def test_coordinator_writes_rows_of_their_own_community(world) -> None:
    s, coord = world["s"], world["coord"]
    s.append(
        "team_members",
        [{"team_id": world["team_a"]["id"], "volunteer_id": world["va"]["id"]}],
        coord,
    )
    s.append("service_records", [record_row(world["va"], 2, event_id=world["ev_a"]["id"])], coord)
    # A volunteer from elsewhere may serve at an event of this community.
    s.append(
        "service_records",
        [record_row(world["vb"], 2, event_id=world["ev_a"]["id"], community_id=world["a"]["id"])],
        coord,
    )
    s.append(
        "timebank_transactions",
        [
            {
                "volunteer_id": world["va"]["id"],
                "date": dt.date(2026, 3, 6),
                "kind": "deposit",
                "points": 2,
            }
        ],
        coord,
    )


@pytest.mark.parametrize(
    "case",
    [
        "team_member_b",
        "record_event_b",
        "timebank_b",
        "pairing_b",
        "team_pairing_b",
        "certificate_b",
        "assignment_b",
        "team_no_community",
        "donation",
        "move_volunteer",
    ],
)
def test_coordinator_cannot_reach_other_communities(world, case: str) -> None:
    s, coord, vb = world["s"], world["coord"], world["vb"]
    before = s.revision()
    with pytest.raises(PermissionDenied) as info:
        if case == "team_member_b":
            s.append(
                "team_members",
                [{"team_id": world["team_b"]["id"], "volunteer_id": world["va"]["id"]}],
                coord,
            )
        elif case == "record_event_b":
            s.append(
                "service_records", [record_row(world["va"], 2, event_id=world["ev_b"]["id"])], coord
            )
        elif case == "timebank_b":
            s.append(
                "timebank_transactions",
                [
                    {
                        "volunteer_id": vb["id"],
                        "kind": "deposit",
                        "date": dt.date(2026, 3, 6),
                        "points": 5,
                    }
                ],
                coord,
            )
        elif case == "pairing_b":
            s.append(
                "pairings",
                [
                    {
                        "volunteer_id": vb["id"],
                        "beneficiary_id": world["ben_b"],
                        "kind": "elder",
                        "started_on": dt.date(2026, 1, 1),
                    }
                ],
                coord,
            )
        elif case == "team_pairing_b":  # a team of theirs, but a beneficiary of another community
            s.append(
                "pairings",
                [
                    {
                        "team_id": world["team_a"]["id"],
                        "beneficiary_id": world["ben_b"],
                        "kind": "elder",
                        "started_on": dt.date(2026, 1, 1),
                    }
                ],
                coord,
            )
        elif case == "certificate_b":
            s.append(
                "certificates",
                [
                    {
                        "number": "C-1",
                        "volunteer_id": vb["id"],
                        "hours": 3,
                        "issued_on": dt.date(2026, 11, 1),
                        "issuer": "街道",
                    }
                ],
                coord,
            )
        elif case == "assignment_b":
            s.append(
                "roster_assignments",
                [{"shift_id": world["shift_b"]["id"], "volunteer_id": world["va"]["id"]}],
                coord,
            )
        elif case == "team_no_community":
            s.append("teams", [{"name": "街道队", "category": "care"}], coord)
        elif case == "donation":
            s.append(
                "donations",
                [
                    {
                        "donor_name": "某人",
                        "date": dt.date(2026, 1, 1),
                        "kind": "money",
                        "amount": 100,
                    }
                ],
                coord,
            )
        elif case == "move_volunteer":
            v = world["va"]
            s.update("volunteers", v["id"], {"community_id": world["b"]["id"]}, v["version"], coord)
    assert "社区" in info.value.message("zh") or "管理员" in info.value.message("zh")
    assert s.revision() == before, "nothing was written"


def test_coordinator_pairs_a_team_with_a_beneficiary_of_their_community(world) -> None:
    s = world["s"]
    ben_a = s.append(
        "beneficiaries",
        [{"name": "老人甲", "kind": "elder_alone", "community_id": world["a"]["id"]}],
        SYSTEM,
    )[0]
    row = {"team_id": world["team_a"]["id"], "beneficiary_id": ben_a["id"], "kind": "elder",
           "started_on": dt.date(2026, 1, 1)}  # fmt: skip
    assert s.append("pairings", [row], world["coord"])[0]["volunteer_id"] is None


def test_coordinator_cannot_archive_other_communities_rows(world) -> None:
    s, vb = world["s"], world["vb"]
    with pytest.raises(PermissionDenied):
        s.set_archived("volunteers", {vb["id"]: vb["version"]}, True, world["coord"])
    assert s.get("volunteers", vb["id"])["archived"] is False


def test_viewer_is_read_only(world) -> None:
    with pytest.raises(PermissionDenied, match="read-only"):
        world["s"].append("service_records", [record_row(world["va"])], Actor("leader", "viewer"))


def test_audit_log_never_holds_a_full_phone_or_id_number(world) -> None:
    s, v = world["s"], world["va"]
    s.update("volunteers", v["id"], {"mobile": "13912345678"}, v["version"], SYSTEM)
    log = s.read("audit_log")
    change = json.loads(log[log["action"] == "update"].iloc[-1]["changes"])
    assert change["mobile"][1] == "139****5678"
    assert v["mobile"] not in json.dumps(change) and "13912345678" not in json.dumps(change)
