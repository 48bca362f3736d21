"""驻区单位 and 关爱联盟: organisations, the volunteers they send, and donations.

A donation is cash (`money`, in yuan) or in kind (`goods` or `service`, with what was given
and what it is worth); it comes from an organisation or a named person, and says to whom and
for what. Totals add cash and the value of gifts in kind, always shown apart as well.
Recording one is ONE transaction (`record`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from sltcore.auth import Actor
from sltcore.refs import choice_map, label_column, titles
from sltcore.services import hours
from sltcore.store.base import Row, Store

Frames = Mapping[str, pd.DataFrame]
T = "donations"


def record(store: Store, actor: Actor, values: Mapping[str, Any]) -> Row:
    """Save one donation: ONE transaction; every problem at once, each naming its field (the
    rules are the schema's and `sltcore.validation`'s: who gave, the amount of cash, what was
    given in kind)."""
    return store.transact(actor, lambda tx: tx.append(T, [values])[0])


def _donations(frames: Frames) -> pd.DataFrame:
    d = frames["donations"]
    return d.assign(
        amount=d["amount"].astype(float).fillna(0.0),
        cash=d["amount"].astype(float).fillna(0.0).where(d["kind"] == "money", 0.0),
        in_kind=d["amount"].astype(float).fillna(0.0).where(d["kind"] != "money", 0.0),
    )


def volunteers_sent(frames: Frames) -> pd.Series:
    """organisation id -> live volunteers registered as coming from it."""
    v = frames["volunteers"]
    return v.loc[v["organisation_id"].notna()].groupby("organisation_id").size()


def sent_by(frames: Frames, organisation_id: str, lang: str = "zh") -> pd.DataFrame:
    """The volunteers an organisation sends, by name: community, status, countable hours (the
    one rule, `sltcore.services.hours`) and last service, most hours first."""
    cols = ["id", "name", "community", "status", "hours", "last_service"]
    v = frames["volunteers"]
    v = v[v["organisation_id"] == organisation_id]
    if v.empty:
        return pd.DataFrame(columns=cols)
    recs = hours.countable(frames)
    recs = recs[recs["volunteer_id"].isin(set(v["id"]))].groupby("volunteer_id")
    out = pd.DataFrame(
        {
            "id": v["id"],
            "name": v["name"],
            "community": label_column(v["community_id"], titles(dict(frames), "communities")),
            "status": label_column(v["status"], choice_map("volunteers", "status", lang)),
            "hours": v["id"].map(recs["hours"].sum()).fillna(0.0).astype(float),
            "last_service": pd.to_datetime(v["id"].map(recs["date"].max())).dt.date,
        }
    )
    return out.sort_values(["hours", "name"], ascending=[False, True]).reset_index(drop=True)[cols]


def by_organisation(frames: Frames, lang: str = "zh") -> pd.DataFrame:
    """Every organisation: kind, community, alliance, volunteers sent, donations (count, cash,
    in kind, total), most given first."""
    orgs = frames["organisations"]
    cols = ["id", "name", "kind", "community", "alliance", "volunteers", "donations", "cash",
            "in_kind", "total"]  # fmt: skip
    if orgs.empty:
        return pd.DataFrame(columns=cols)
    d = _donations(frames).groupby("organisation_id")
    out = pd.DataFrame(
        {
            "id": orgs["id"],
            "name": orgs["name"],
            "kind": label_column(orgs["kind"], choice_map("organisations", "kind", lang)),
            "community": label_column(orgs["community_id"], titles(dict(frames), "communities")),
            "alliance": orgs["care_alliance"].fillna(False).astype(bool),
            "volunteers": orgs["id"].map(volunteers_sent(frames)).fillna(0).astype(int),
            "donations": orgs["id"].map(d.size()).fillna(0).astype(int),
            "cash": orgs["id"].map(d["cash"].sum()).fillna(0.0),
            "in_kind": orgs["id"].map(d["in_kind"].sum()).fillna(0.0),
        }
    )
    out["total"] = out["cash"] + out["in_kind"]
    return out.sort_values(["total", "name"], ascending=[False, True]).reset_index(drop=True)[cols]


def by_year(frames: Frames) -> pd.DataFrame:
    """year -> donations, cash, in kind, total (yuan)."""
    d = _donations(frames)
    if d.empty:
        return pd.DataFrame(columns=["year", "donations", "cash", "in_kind", "total"])
    g = d.groupby(d["date"].dt.year)
    out = pd.DataFrame(
        {"donations": g.size(), "cash": g["cash"].sum(), "in_kind": g["in_kind"].sum()}
    )
    out["total"] = out["cash"] + out["in_kind"]
    return out.rename_axis("year").reset_index().astype({"year": int})


def alliance(frames: Frames, lang: str = "zh") -> pd.DataFrame:
    """The care alliance's members, longest-standing first, with what they contribute."""
    orgs = frames["organisations"]
    members = orgs[orgs["care_alliance"].fillna(False).astype(bool)]
    table = by_organisation(frames, lang).set_index("id")
    out = pd.DataFrame(
        {
            "name": members["name"],
            "kind": table.loc[members["id"], "kind"].to_numpy(),
            "community": table.loc[members["id"], "community"].to_numpy(),
            "since": members["joined_alliance_on"].dt.date,
            "contact": members["contact"].fillna(""),
            "volunteers": table.loc[members["id"], "volunteers"].to_numpy(),
            "total": table.loc[members["id"], "total"].to_numpy(),
        }
    )
    out["_since"] = pd.to_datetime(out["since"])
    out = out.sort_values(["_since", "name"], na_position="last").drop(columns="_since")
    return out.reset_index(drop=True)
