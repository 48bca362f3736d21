"""History: who changed what and when, from the audit log.

Every write leaves audit rows (`sltcore.store.base`): the table, the row, the action, the
account, the time, and for a change each field's value before and after (personal numbers
masked). The audit page (administrators) filters the whole log by person, table, record and
date; a volunteer's and an event's page show the history of that row (an event's with its
service records).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping

import pandas as pd

from sltcore import auth
from sltcore.auth import Actor
from sltcore.refs import titles
from sltcore.schema import AUDIT_ACTION, AUDIT_TABLE, TABLE_BY_KEY
from sltcore.store.base import Store

_ACTIONS = {c.key: (c.zh, c.en) for c in AUDIT_ACTION}
COLUMNS = ("at", "actor", "action", "table", "record", "field", "before", "after", "row_id")


def audit_log(store: Store, actor: Actor) -> pd.DataFrame:
    """The whole log, oldest first: for administrators only (PermissionDenied otherwise)."""
    auth.require(actor, "audit")
    return store.read(AUDIT_TABLE, include_archived=True)


def audit_for(store: Store, row_ids: Iterable[str]) -> pd.DataFrame:
    """The audit rows about these rows, oldest first (a store that can, reads only those)."""
    ids = {str(i) for i in row_ids}
    reader = getattr(store, "audit_for", None)
    if callable(reader):
        return reader(ids)
    log = store.read(AUDIT_TABLE, include_archived=True)
    return log[log["row_id"].isin(ids)].reset_index(drop=True)


def filter_log(
    log: pd.DataFrame,
    person: str | None = None,
    table_key: str | None = None,
    row_id: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The rows of `log` passing every filter given (None: no filter); dates include both
    ends. `row_id` matches a record's id exactly."""
    mask = pd.Series(True, index=log.index)
    if person:
        mask &= log["actor"] == person
    if table_key:
        mask &= log["table_name"] == table_key
    if row_id and row_id.strip():
        mask &= log["row_id"] == row_id.strip()
    day = log["at"].dt.date
    if start is not None:
        mask &= day >= start
    if end is not None:
        mask &= day <= end
    return log[mask]


def record_titles(frames: Mapping[str, pd.DataFrame], log: pd.DataFrame) -> dict[str, str]:
    """row id -> what the row is called (a volunteer's name, an event's title, a service
    record's volunteer and date): the 记录 column, and what the audit page's record filter
    searches."""
    out: dict[str, str] = {}
    for key in log["table_name"].dropna().unique():
        if key in frames and key in TABLE_BY_KEY:
            out.update(titles(frames, key))
    vols = frames.get("volunteers")
    rec = frames.get("service_records")
    if rec is not None and not rec.empty:
        rec = rec[rec["id"].isin(set(log.loc[log["table_name"] == "service_records", "row_id"]))]
    if rec is not None and vols is not None and not rec.empty:
        names = vols.set_index("id")["name"] if not vols.empty else pd.Series(dtype="string")
        for rid, vid, day in zip(rec["id"], rec["volunteer_id"], rec["date"], strict=True):
            who = names.get(vid, vid)
            out[rid] = f"{who} · {day:%Y-%m-%d}" if pd.notna(day) else str(who)
    return out


def _value(v: object) -> str:
    return "" if v is None else str(v)


def changes(
    log: pd.DataFrame,
    lang: str,
    frames: Mapping[str, pd.DataFrame] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One line per changed field (before and after), or per action without field changes
    (created, archived, restored, a full number shown, a file exported in full: its tables
    and their row counts), newest first.

    `frames` (live rows, archived ones included when given) name the records; `names` maps
    user names to display names."""
    rec_titles = record_titles(frames, log) if frames is not None else {}
    who = dict(names or {})
    rows: list[dict[str, object]] = []
    for r in log.itertuples(index=False):
        t = TABLE_BY_KEY.get(r.table_name)
        zh, en = _ACTIONS.get(r.action, (r.action, r.action))
        base = {
            "at": r.at,
            "actor": who.get(r.actor, r.actor),
            "action": zh if lang == "zh" else en,
            "table": t.label(lang) if t else r.table_name,
            "record": rec_titles.get(r.row_id, r.row_id),
            "row_id": r.row_id,
            "action_id": getattr(r, "action_id", None),
        }
        try:
            detail = json.loads(r.changes) if isinstance(r.changes, str) and r.changes else {}
        except ValueError:
            detail = {}
        if r.action == "update" and isinstance(detail, dict) and detail:
            for key, pair in detail.items():
                label = t.field(key).label(lang) if t and t.has(key) else key
                pair = pair if isinstance(pair, list) else [None, pair]
                before, after = [*pair, None, None][:2]
                rows.append({**base, "field": label, "before": _value(before),
                             "after": _value(after)})  # fmt: skip
        elif r.action == "reveal" and isinstance(detail, dict):
            keys = detail.get("fields", [])
            labels = [t.field(k).label(lang) if t and t.has(k) else k for k in keys]
            rows.append({**base, "field": ("、" if lang == "zh" else ", ").join(labels),
                         "before": "", "after": ""})  # fmt: skip
        elif r.action == "export" and isinstance(detail, dict):
            counts = detail.get("rows", {})
            parts = [f"{TABLE_BY_KEY[k].label(lang) if k in TABLE_BY_KEY else k} {n}"
                     for k, n in counts.items()]  # fmt: skip
            rows.append({**base, "field": ("、" if lang == "zh" else ", ").join(parts),
                         "before": "", "after": ""})  # fmt: skip
        else:
            rows.append({**base, "field": "", "before": "", "after": ""})
    out = pd.DataFrame(rows, columns=[*COLUMNS, "action_id"])
    if out.empty:
        return out
    out["at"] = pd.to_datetime(out["at"])
    return out.iloc[::-1].reset_index(drop=True)


def row_history(
    store: Store,
    table_key: str,
    row_id: str,
    lang: str,
    frames: Mapping[str, pd.DataFrame] | None = None,
    names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Who changed what and when on one row, newest first; for an event, its service records'
    history too (attendance recorded, corrected, archived, restored)."""
    ids = {row_id}
    if table_key == "events":
        rec = store.read("service_records", include_archived=True)
        ids |= set(rec.loc[rec["event_id"] == row_id, "id"])
    log = audit_for(store, ids)
    return changes(log, lang, frames, names)


def people(log: pd.DataFrame) -> list[str]:
    """The accounts that appear in the log, sorted."""
    return sorted(str(a) for a in log["actor"].dropna().unique())
