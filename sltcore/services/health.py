"""Data health: what a careful admin would look for in a shared sheet edited by many hands.

Nothing here changes data; it lists findings so that a person decides. `python -m sltcore check`
prints them and exits 1 when there are problems; warnings (`WARNINGS`: states the desk's own
forms can leave for a while, which may be fine) are printed but do not fail the check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sltcore.codec import row_from_frame
from sltcore.schema import REFERENCE_TABLES, TABLES, table
from sltcore.store.base import Store
from sltcore.validation import MAX_HOURS_PER_DAY, clean_row

# Kinds that are worth a look but may be in order (see each check); the others are problems.
WARNINGS = frozenset({"held_without_records"})


# Every kind of finding, in the order the data-health page lists them.
KINDS = (
    "unreadable", "invalid", "dangling", "duplicate", "over_24h", "no_community",
    "credited_twice", "records_archived", "held_without_records",
)  # fmt: skip


@dataclass(frozen=True)
class Finding:
    # one of KINDS; held_without_records is a warning
    kind: str
    table: str
    row_id: str
    field: str | None
    zh: str
    en: str

    def message(self, lang: str = "zh") -> str:
        t = table(self.table)
        where = t.label(lang) + f" {self.row_id}"
        if self.field and t.has(self.field):
            where += f" · {t.field(self.field).label(lang)}"
        if self.warning:
            where = ("提醒 · " if lang == "zh" else "Warning · ") + where
        return f"{where}：{self.zh}" if lang == "zh" else f"{where}: {self.en}"

    @property
    def warning(self) -> bool:
        return self.kind in WARNINGS


def _invalid(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    out = []
    for t in TABLES:
        df = frames.get(t.key)
        if df is None or df.empty:
            continue
        for rec in df.to_dict("records"):
            row = row_from_frame(t, rec)
            _, problems = clean_row(t, {f.key: row[f.key] for f in t.user_fields}, None)
            for p in problems:
                if t.key == "volunteers" and p.field == "community_id" and row[p.field] is None:
                    continue  # said better by _without_community
                out.append(Finding("invalid", t.key, str(rec["id"]), p.field, p.zh, p.en))
    return out


def _without_community(
    frames: dict[str, pd.DataFrame], everything: dict[str, pd.DataFrame]
) -> list[Finding]:
    """Live volunteers whose community is empty or archived: no coordinator looks after them
    and the per-community figures leave them out. (A community id that does not exist at all
    is a broken reference, `_dangling`.)"""
    vols = frames.get("volunteers")
    if vols is None or vols.empty:
        return []
    com = everything.get("communities", pd.DataFrame({"id": [], "archived": []}))
    archived = dict(zip(com["id"], com["archived"].astype(bool), strict=True))
    names = dict(zip(com["id"], com["name"], strict=True)) if "name" in com else {}
    out = []
    for rid, name, cid in zip(vols["id"], vols["name"], vols["community_id"], strict=True):
        if pd.isna(cid) or not str(cid).strip():
            zh = f"{name}没有所属社区：请在志愿者页面为其选择社区"
            en = f"{name} belongs to no community: choose one on the Volunteers page"
        elif archived.get(cid):
            zh = f"{name}所属的社区“{names.get(cid, cid)}”已归档：请为其改选一个社区"
            en = f"{name}'s community “{names.get(cid, cid)}” is archived: choose another"
        else:
            continue
        out.append(Finding("no_community", "volunteers", str(rid), "community_id", zh, en))
    return out


def _dangling(frames: dict[str, pd.DataFrame], all_ids: dict[str, set[str]]) -> list[Finding]:
    out = []
    for t in TABLES:
        df = frames.get(t.key)
        if df is None or df.empty:
            continue
        for f in t.user_fields:
            if f.type != "ref" or f.key not in df:
                continue
            known = all_ids.get(f.ref or "", set())
            bad = df[df[f.key].notna() & ~df[f.key].isin(known)]
            for rid, ref in zip(bad["id"], bad[f.key], strict=True):
                target = table(f.ref or "")
                out.append(
                    Finding(
                        "dangling",
                        t.key,
                        str(rid),
                        f.key,
                        f"指向不存在的{target.zh}“{ref}”",
                        f"points at a {target.en} “{ref}” that does not exist",
                    )
                )
    return out


def _duplicates(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    out = []
    checks = [("volunteers", "mobile"), ("volunteers", "id_number")]
    checks += [(t.key, k) for t in TABLES for k in t.unique]
    for key, field in checks:
        df = frames.get(key)
        if df is None or df.empty:
            continue
        values = df[field].dropna()
        dup = df.loc[values.index[values.duplicated(keep=False)]]
        t = table(key)
        title = t.title_field if t.title_field != field else None
        for _, group in dup.groupby(field):
            ids = [str(i) for i in group["id"]]
            names = dict(zip(ids, group[title], strict=True)) if title else {}
            f = t.field(field)

            def who(i: str, names: dict = names) -> str:  # 王芳（vol-00012）: whom to compare
                name = names.get(i)
                return f"{name}（{i}）" if isinstance(name, str) and name else i

            for rid in ids:
                others = [who(i) for i in ids if i != rid]
                out.append(
                    Finding(
                        "duplicate",
                        key,
                        rid,
                        field,
                        f"与{'、'.join(others)}的{f.zh}相同"
                        if names
                        else f"与 {'、'.join(others)} 的{f.zh}相同",
                        f"same {f.en} as {', '.join(others)}",
                    )
                )
    return out


def _over_24h(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    recs = frames.get("service_records")
    if recs is None or recs.empty:
        return []
    daily = recs.groupby(["volunteer_id", "date"], as_index=False)["hours"].sum()
    over = daily[daily["hours"] > MAX_HOURS_PER_DAY + 1e-9]
    out = []
    for vol, day, hours in over.itertuples(index=False):
        out.append(
            Finding(
                "over_24h",
                "volunteers",
                str(vol),
                None,
                f"{day:%Y-%m-%d} 共记录{hours:g}小时，超过每天24小时",
                f"{hours:g} hours on {day:%Y-%m-%d}, over 24 a day",
            )
        )
    return out


def _event_label(ev: pd.DataFrame, lang: str) -> pd.Series:
    """event id -> `“title”（2026-11-20）`, to say which event a finding is about."""
    if ev.empty:
        return pd.Series(dtype="string")
    day = ev["date"].dt.strftime("%Y-%m-%d").fillna("")
    left, right = ("”（", "）") if lang == "zh" else ("” (", ")")
    label = "“" + ev["title"].fillna("") + left + day + right
    return pd.Series(label.to_numpy(), index=ev["id"])


def _credited_twice(frames: dict[str, pd.DataFrame]) -> list[Finding]:
    """Two live service records of one volunteer at one event: the hours count twice (the
    desk refuses it when saving; a hand-edited sheet can still hold it). Service is recorded
    as it was given (《志愿服务条例》第十九条: 如实记录), so one of them is to be archived."""
    recs = frames.get("service_records")
    if recs is None or recs.empty:
        return []
    recs = recs.dropna(subset=["event_id"])
    twice = recs[recs.duplicated(["volunteer_id", "event_id"], keep=False)]
    ev = frames.get("events", pd.DataFrame())
    events = {lang: _event_label(ev, lang) for lang in ("zh", "en")}
    vols = frames.get("volunteers", pd.DataFrame())
    names = vols.set_index("id")["name"] if not vols.empty else pd.Series(dtype="string")
    out = []
    for (vol, event), group in twice.groupby(["volunteer_id", "event_id"], sort=False):
        ids = [str(i) for i in group["id"]]
        who = str(names.get(vol, vol))
        what = {lang: str(label.get(event, event)) for lang, label in events.items()}
        for rid in ids:
            others = "、".join(i for i in ids if i != rid)
            out.append(
                Finding(
                    "credited_twice",
                    "service_records",
                    rid,
                    "event_id",
                    f"与 {others} 是{who}在同一活动{what['zh']}的服务记录，时长被重复计入："
                    "请核对后在活动页“更正个人记录”中归档多余的一条",
                    f"{who} has this record and {', '.join(i for i in ids if i != rid)} for "
                    f"the same event {what['en']}, so the hours count twice: check them and "
                    "archive the extra one (event page, “Correct one person's record”)",
                )
            )
    return out


def _held_without_records(
    frames: dict[str, pd.DataFrame], everything: dict[str, pd.DataFrame]
) -> list[Finding]:
    """Live events marked done whose attendance counts for nobody.

    All records archived (an undone entry, records removed one by one): the event says it was
    held but adds no hours, a problem. No record at all: recording attendance is one
    transaction with the event it creates, so the record page no longer leaves such an
    event; but the data cannot tell it from an event added on the events page (status done
    by default) whose attendance is not entered yet, so that is a warning.
    """
    ev = frames.get("events")
    if ev is None or ev.empty:
        return []
    held = ev[ev["status"] == "done"]
    recs = everything.get("service_records")
    if recs is None or recs.empty:
        recs = pd.DataFrame({"event_id": [], "archived": []})
    live = set(recs.loc[~recs["archived"].astype(bool), "event_id"].dropna())
    archived = set(recs.loc[recs["archived"].astype(bool), "event_id"].dropna())
    done = table("events").field("status")
    zh_done, en_done = done.choice_label("done", "zh"), done.choice_label("done", "en")
    labels = {lang: _event_label(held, lang) for lang in ("zh", "en")}
    out = []
    for eid in held.loc[~held["id"].isin(live), "id"]:
        zh, en = (str(labels[lang].get(eid, eid)) for lang in ("zh", "en"))
        if eid in archived:
            out.append(
                Finding(
                    "records_archived",
                    "events",
                    str(eid),
                    None,
                    f"{zh}状态为“{zh_done}”，但它的服务记录都已归档，不计入任何时长："
                    "如活动确已举办，请在“记录活动”重新记录参加人员；如没有举办，请把状态改为“已取消”",
                    f"{en} is marked “{en_done}” but all its service records are archived, "
                    "so it counts no hours: if it took place, record its attendance again "
                    "(Record activity); if not, set its status to Cancelled",
                )
            )
        else:
            out.append(
                Finding(
                    "held_without_records",
                    "events",
                    str(eid),
                    None,
                    f"{zh}状态为“{zh_done}”，但没有任何服务记录：请在“记录活动”补录参加人员；"
                    "如活动没有举办，请把状态改为“计划中”或“已取消”",
                    f"{en} is marked “{en_done}” but has no service records: record its "
                    "attendance (Record activity), or if it did not take place set its status "
                    "to Planned or Cancelled",
                )
            )
    return out


CHECKS: tuple[Callable[[dict[str, pd.DataFrame]], list[Finding]], ...] = (
    _invalid,
    _duplicates,
    _over_24h,
    _credited_twice,
)


def check(store: Store) -> list[Finding]:
    """Every finding in the store, unreadable rows (a hand-edited sheet) first."""
    findings: list[Finding] = []
    read_problems = getattr(store, "read_problems", None)
    if callable(read_problems):
        for p in read_problems():
            findings.append(Finding("unreadable", p.table, f"#{p.row}", p.field, p.zh, p.en))
    frames = store.read_all()
    everything = store.read_all(include_archived=True)
    all_ids = {k: set(df["id"].dropna()) for k, df in everything.items()}
    for fn in CHECKS:
        findings.extend(fn(frames))
    findings.extend(_dangling(frames, all_ids))
    findings.extend(_without_community(frames, everything))
    findings.extend(_held_without_records(frames, everything))
    return findings


# Which page mends a finding, per table: the ways to open the row there, best first, as (page
# key, query parameter, field). The page key names an app page (the UI knows its file); the
# parameter opens one row on it (?vol=, ?event=, ?team=; 基础资料 takes ?table=&row=), with the
# finding's own row (field None) or the row its `field` refers to. Parameter None: the page
# cannot open one row (捐赠, 结对, 排班, 公益储蓄, 报表, 账号与恢复, 操作日志), so the link opens
# the page itself; so it does when no way finds a live row (the first way's page).
_FIX: dict[str, tuple[tuple[str, str | None, str | None], ...]] = {
    "volunteers": (("volunteers", "vol", None),),
    "events": (("events", "event", None),),
    "teams": (("teams", "team", None),),
    "team_members": (("teams", "team", "team_id"),),
    # an event's records are corrected on its page; a record without one is the volunteer's
    "service_records": (("events", "event", "event_id"), ("volunteers", "vol", "volunteer_id")),
    "timebank_transactions": (("timebank", None, None),),  # the ledger and its adjustments
    "beneficiaries": (("pairings", None, None),),
    "pairings": (("pairings", None, None),),  # a team may be paired alone: no volunteer_id
    "roster_periods": (("rosters", None, None),),
    "roster_shifts": (("rosters", None, None),),
    "roster_assignments": (("rosters", None, None),),
    "donations": (("donations", None, None),),
    "certificates": (("reports", None, None),),  # the certificate register
    "accounts": (("admin", None, None),),
    "preferences": (("admin", None, None),),
    "settings": (("admin", None, None),),
    "audit_log": (("audit", None, None),),
    **{key: (("tables", "row", None),) for key in REFERENCE_TABLES},
}  # fmt: skip


def _live(frames: dict[str, pd.DataFrame], key: str, row_id: object) -> bool:
    df = frames.get(key)
    return isinstance(row_id, str) and bool(row_id) and df is not None and row_id in set(df["id"])


def fix_target(f: Finding, frames: dict[str, pd.DataFrame]) -> tuple[str, dict[str, str]] | None:
    """(page key, query parameters) of the page where a person mends `f`, or None for a row
    that could not be read (it is to be mended in the sheet itself).

    A link opens only a live row: a broken reference (`dangling`), or one to an archived row,
    is never the link's target; the next way is taken, at last the page itself."""
    if f.kind == "unreadable" or f.table not in _FIX:
        return None
    ways = _FIX[f.table]
    own = _live(frames, f.table, f.row_id)
    row = frames[f.table].loc[frames[f.table]["id"] == f.row_id].iloc[0] if own else None
    for page, param, via in ways:
        if param is None:
            return page, {}
        if via is None:
            if not own:
                continue
            if page == "tables":
                return page, {"table": f.table, "row": f.row_id}
            return page, {param: f.row_id}
        if row is None or (f.kind == "dangling" and f.field == via):
            continue
        value = row[via]
        if _live(frames, table(f.table).field(via).ref or "", value):
            return page, {param: str(value)}
    page = ways[0][0]
    return page, ({"table": f.table} if page == "tables" else {})


def problems(findings: list[Finding]) -> list[Finding]:
    """The findings that fail the check (warnings left out)."""
    return [f for f in findings if not f.warning]
