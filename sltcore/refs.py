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
