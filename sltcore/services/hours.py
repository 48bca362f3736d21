"""Which service hours count: one rule, used by every page, export and certificate.

《中国注册志愿者管理办法》(2013) 第十四条: service time is the actual time served, as confirmed
by the organiser. So a service record's hours count (profile, team, star list, dashboard,
monthly workbook, certificate, and the time bank later) when, and only when:

- the record is live (not archived);
- the organiser confirmed it (`confirmed`; an empty cell reads as the field's default, yes);
- its volunteer is a live row (so every total, top list and star list adds up the same hours);
- it has a date and hours.

Hours that are live and of a live volunteer but not confirmed are *unconfirmed*: they count
for nothing until confirmed, and the pages show them apart, labelled as such.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from sltcore.codec import empty_frame
from sltcore.schema import table

Frames = Mapping[str, pd.DataFrame]


def _live(frames: Frames, key: str) -> pd.DataFrame:
    """Live rows (read_all leaves archived rows out; a frame may still carry the column)."""
    df = frames.get(key)
    if df is None:
        return empty_frame(table(key))
    if "archived" in df.columns:
        return df[~df["archived"].fillna(False).astype(bool)]
    return df


def confirmed(records: pd.DataFrame) -> pd.Series:
    """True where the organiser confirmed the record (empty = the field's default, True)."""
    if "confirmed" not in records.columns:
        return pd.Series(True, index=records.index)
    flags = records["confirmed"].astype(object)
    return flags.where(flags.notna(), True).astype(bool)


def _of_live_volunteers(frames: Frames) -> pd.DataFrame:
    recs = _live(frames, "service_records")
    vols = _live(frames, "volunteers")
    keep = recs["volunteer_id"].isin(set(vols["id"])) & recs["date"].notna() & recs["hours"].notna()
    return recs[keep]


def countable(frames: Frames) -> pd.DataFrame:
    """The service records whose hours count (the rule in the module docstring)."""
    recs = _of_live_volunteers(frames)
    return recs[confirmed(recs)]


def unconfirmed(frames: Frames) -> pd.DataFrame:
    """Live records of live volunteers still waiting for the organiser's confirmation."""
    recs = _of_live_volunteers(frames)
    return recs[~confirmed(recs)]


def split(frames: Frames) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(countable, unconfirmed) records, from one pass over the frames."""
    recs = _of_live_volunteers(frames)
    ok = confirmed(recs)
    return recs[ok], recs[~ok]
