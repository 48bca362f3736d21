"""A volunteer's profile, the searchable list and duplicate detection, against hand counts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from sltcore.auth import SYSTEM
from sltcore.identity import make_id_number
from sltcore.services import volunteers
from tests.helpers import community, record_row, volunteer


@pytest.fixture
def person(store):
    com = community(store)
    other_com = community(store, "北三里")
    idn = make_id_number("110105", dt.date(1985, 6, 1), 7, "F")
    v = volunteer(
        store,
        com["id"],
        name="王秀英",
        mobile="13800005678",
        id_number=idn,
        birth_date=dt.date(1985, 6, 1),
        sex="F",
    )
    other = volunteer(
        store, other_com["id"], name="李强", mobile="13900001234", sex="M", status="paused"
    )
    team = store.append("teams", [{"name": "寸草报晖服务队", "category": "care"}], SYSTEM)[0]
    store.append(
        "team_members", [{"team_id": team["id"], "volunteer_id": v["id"], "role": "leader"}], SYSTEM
    )
    ev = store.append(
        "events",
        [
            {
                "title": "探望老人",
                "date": dt.date(2026, 3, 5),
                "community_id": com["id"],
                "category": "care",
            }
        ],
        SYSTEM,
    )[0]
    store.append(
        "service_records",
        [
            # earlier years count for stars only
            *(record_row(v, 10.0, dt.date(2024, 5, d)) for d in range(1, 10)),
            record_row(v, 8.0, dt.date(2025, 12, 31)),
            record_row(v, 3.0, dt.date(2026, 3, 5), event_id=ev["id"]),
            record_row(v, 4.5, dt.date(2026, 11, 1)),
            record_row(other, 15.0, dt.date(2026, 2, 1)),
            record_row(other, 15.0, dt.date(2026, 2, 2)),
        ],
        SYSTEM,
    )
    return {"store": store, "v": v, "other": other, "team": team, "com": com, "idn": idn}


def test_profile_hours_stars_and_the_yearly_minimum(person):
    p = volunteers.profile(person["store"].read_all(), person["v"]["id"], "zh")
    assert p is not None
    assert p.year == 2026
    assert p.hours_year == 7.5  # 3 + 4.5
    assert p.hours_total == 105.5  # 90 + 8 + 3 + 4.5
    assert p.progress.level == 1 and p.progress.next_threshold == 300
    assert p.progress.hours_to_next == pytest.approx(194.5)
    assert not p.minimum_met and p.hours_to_minimum == pytest.approx(12.5)
    assert list(p.events["date"])[:4] == [
        dt.date(2026, 11, 1),
        dt.date(2026, 3, 5),
        dt.date(2025, 12, 31),
        dt.date(2024, 5, 9),
    ]
    assert p.events.loc[1, "title"] == "探望老人"
    assert p.teams.to_dict("records")[0]["name"] == "寸草报晖服务队"
    assert p.teams.to_dict("records")[0]["role"] == "队长"


def test_minimum_met_at_exactly_twenty_hours(person):
    store = person["store"]
    store.append("service_records", [record_row(person["v"], 12.5, dt.date(2026, 6, 1))], SYSTEM)
    p = volunteers.profile(store.read_all(), person["v"]["id"], "en")
    assert p.hours_year == 20.0 and p.minimum_met and p.hours_to_minimum == 0


def test_profile_masks_identity_and_phone(person):
    p = volunteers.profile(person["store"].read_all(), person["v"]["id"], "zh")
    shown = volunteers.masked_profile_fields(p.volunteer)
    assert shown["mobile"] == "138****5678"
    assert shown["id_number"] == person["idn"][:6] + "********" + person["idn"][-4:]


def test_profile_of_unknown_or_archived_is_none(person):
    assert volunteers.profile(person["store"].read_all(), "vol-nobody", "zh") is None


@pytest.mark.parametrize(
    ("kw", "names"),
    [
        ({"query": "王"}, {"王秀英"}),
        ({"query": "1234"}, {"李强"}),  # phone suffix
        ({"query": "138"}, set()),  # a prefix is not a suffix
        ({"status": "paused"}, {"李强"}),
        ({"membership": "resident"}, {"王秀英", "李强"}),
    ],
)
def test_filter_volunteers(person, kw, names):
    found = volunteers.filter_volunteers(person["store"].read_all(), **kw)
    assert set(found["name"]) == names


def test_filter_by_community_and_team(person):
    frames = person["store"].read_all()
    assert set(volunteers.filter_volunteers(frames, community_id=person["com"]["id"])["name"]) == {
        "王秀英"
    }
    assert set(volunteers.filter_volunteers(frames, team_id=person["team"]["id"])["name"]) == {
        "王秀英"
    }


def test_listing_shows_hours_stars_and_never_a_full_number(person):
    frames = person["store"].read_all()
    out = volunteers.listing(frames, frames["volunteers"], "zh").set_index("name")
    assert out.loc["王秀英", "hours_year"] == 7.5 and out.loc["王秀英", "stars"] == 1
    assert out.loc["李强", "hours_total"] == 30.0 and out.loc["李强", "status"] == "暂停"
    assert out.loc["王秀英", "teams"] == "寸草报晖服务队"
    text = out.to_string()
    assert "13800005678" not in text and person["idn"] not in text
    assert "138****5678" in text


def test_duplicates_by_phone_and_id_number(person):
    frames = person["store"].read_all()
    dups = volunteers.find_duplicates(frames, " 138 0000 5678", None)
    assert [(d.field, d.name) for d in dups] == [("mobile", "王秀英")]
    dups = volunteers.find_duplicates(frames, "13700000000", person["idn"].lower())
    assert [(d.field, d.volunteer_id) for d in dups] == [("id_number", person["v"]["id"])]
    assert volunteers.find_duplicates(frames, "13800005678", None, person["v"]["id"]) == []
    assert volunteers.find_duplicates(frames, "", "") == []


def test_list_filters_5000_volunteers(tmp_path):
    """Filtering and building the shown list for 5,000 volunteers and 50,000 records gives the
    right rows (speed is measured by `python -m bench.run`, not by a timed unit test)."""
    from sltcore import demo
    from sltcore.store.local import LocalStore

    store = LocalStore(tmp_path / "big.db")
    demo.load_demo(store, volunteers=5000, records=50000)
    frames = store.read_all()
    vols = frames["volunteers"]
    assert len(vols) == 5000
    for query, expected in (
        ("", pd.Series(True, index=vols.index)),
        ("王", vols["name"].str.contains("王")),
        ("5678", vols["mobile"].str.endswith("5678") | vols["bv_number"].str.endswith("5678")),
    ):
        found = volunteers.filter_volunteers(frames, query)
        assert set(found["id"]) == set(vols.loc[expected.fillna(False), "id"]), query
        shown = volunteers.listing(frames, found, "zh")
        assert len(shown) == len(found)
    everyone = volunteers.listing(frames, vols, "zh").set_index("id")
    hours = frames["service_records"].groupby("volunteer_id")["hours"].sum()
    assert everyone["hours_total"].sum() == pytest.approx(hours[hours.index.isin(vols["id"])].sum())
    store.close()
