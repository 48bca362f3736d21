"""Names for ids and labels for choice keys: what a person reads instead of `vol-00012`.

Pure pandas over the frames `Store.read_all()` returns, so every page and service shows a
reference the same way (the referenced table's `title_field`).
"""

from __future__ import annotations

import pandas as pd

from sltcore.schema import table


def titles(frames: dict[str, pd.DataFrame], table_key: str) -> dict[str, str]:
    """id -> title (e.g. a community's name) for the live rows of `table_key`."""
    df = frames.get(table_key)
    if df is None or df.empty:
        return {}
    title = table(table_key).title_field
    values = df[title].astype("string").fillna("")
    return dict(zip(df["id"].astype(str), values.astype(str), strict=True))


def sorted_options(frames: dict[str, pd.DataFrame], table_key: str) -> dict[str, str]:
    """id -> title, ordered by title, for select boxes."""
    names = titles(frames, table_key)
    return dict(sorted(names.items(), key=lambda kv: (kv[1], kv[0])))


def choice_map(table_key: str, field_key: str, lang: str) -> dict[str, str]:
    """choice key -> label in `lang`, for mapping a whole column at once."""
    f = table(table_key).field(field_key)
    return {c.key: (c.zh if lang == "zh" else c.en) for c in f.choices}


def label_column(series: pd.Series, mapping: dict[str, str]) -> pd.Series:
    """Map ids or keys to labels; unknown values stay as they are, missing become ''."""
    out = series.map(mapping)
    return out.where(out.notna(), series).astype("string").fillna("")


def display_frame(
    frames: dict[str, pd.DataFrame], table_key: str, df: pd.DataFrame, lang: str
) -> pd.DataFrame:
    """`df` (rows of `table_key`, PII already masked) as people read it: labelled columns,
    names instead of ids, choice labels instead of keys. Every user field of the schema is a
    column, so a field added to the schema shows up in every generic list.
    """
    t = table(table_key)
    cols: dict[str, pd.Series] = {}
    for f in t.user_fields:
        s = df[f.key]
        if f.type == "choice":
            s = label_column(s, choice_map(table_key, f.key, lang))
        elif f.type == "ref":
            s = label_column(s, titles(frames, f.ref or ""))
        elif f.type == "date":
            s = s.dt.date
        elif f.type == "bool":
            s = s.map({True: "✓", False: ""})
        cols[f.label(lang)] = s
    return pd.DataFrame(cols, index=df.index)
