"""Data health: what a careful admin would look for in a shared sheet edited by many hands.

Nothing here changes data; it lists findings so that a person decides. `python -m sltcore check`
prints them and exits 1 when there are any.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sltcore.codec import row_from_frame
from sltcore.schema import TABLES, table
from sltcore.store.base import Store
from sltcore.validation import MAX_HOURS_PER_DAY, clean_row


@dataclass(frozen=True)
class Finding:
    kind: str  # invalid | unreadable | dangling | duplicate | over_24h
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
        return f"{where}：{self.zh}" if lang == "zh" else f"{where}: {self.en}"


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
                out.append(Finding("invalid", t.key, str(rec["id"]), p.field, p.zh, p.en))
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
        for _, group in dup.groupby(field):
            ids = [str(i) for i in group["id"]]
            f = table(key).field(field)
            for rid in ids:
                others = "、".join(i for i in ids if i != rid)
                out.append(
                    Finding(
                        "duplicate",
                        key,
                        rid,
                        field,
                        f"与 {others} 的{f.zh}相同",
                        f"same {f.en} as {', '.join(i for i in ids if i != rid)}",
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


CHECKS: tuple[Callable[[dict[str, pd.DataFrame]], list[Finding]], ...] = (
    _invalid,
    _duplicates,
    _over_24h,
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
    return findings
