"""Small-cell protection: which published cells are withheld.

Rule (Danmarks Statistik's discretion rule as used in this book): a count of 1-4 persons
or cases is never published, and neither is any statistic (share, mean, interval, ...)
computed on a group of 1-4. True zeros are shown. Suppressed cells are empty in CSV and
Excel and shown as "<5" on the page.
"""

from __future__ import annotations

import pandas as pd

MIN_COUNT = 5
SUPPRESSED = "<5"


def is_small(values: pd.Series) -> pd.Series:
    """Counts of 1-4 (the cells to suppress)."""
    numeric = pd.to_numeric(values, errors="coerce").astype("float64")
    return ((numeric > 0) & (numeric < MIN_COUNT)).fillna(False).astype(bool)


def group_totals_hidden(frame: pd.DataFrame, counts, totals: dict) -> pd.DataFrame:
    """Complementary suppression for tidy tables whose counts add up to a group total.

    ``totals`` maps a count column to (group columns, total column): within each group the
    counts sum to the total (repeated on each row of the group). Returns the cells to hide."""
    hidden = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    values, primary, equations = {}, {}, []
    for column, (by, total) in totals.items():
        by = [by] if isinstance(by, str) else list(by)
        for key, group in frame.groupby(by, sort=False, dropna=False):
            total_key = (total, key if isinstance(key, tuple) else (key,))
            values[total_key] = int(group[total].iloc[0])
            primary[total_key] = bool(is_small(group[total]).iloc[0])
            parts = []
            for i in group.index:
                values[(i, column)] = int(frame.at[i, column])
                primary[(i, column)] = bool(is_small(frame.loc[[i], column]).iloc[0])
                parts.append((i, column))
            equations.append((total_key, parts))
    result = complementary(values, primary, equations)
    for column, (by, total) in totals.items():
        by = [by] if isinstance(by, str) else list(by)
        for key, group in frame.groupby(by, sort=False, dropna=False):
            total_key = (total, key if isinstance(key, tuple) else (key,))
            hidden.loc[group.index, total] |= result[total_key]
            for i in group.index:
                hidden.at[i, column] |= result[(i, column)]
    return hidden


def suppress(
    frame: pd.DataFrame, counts=(), statistics: dict[str, str] | None = None, hidden: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply the rule. ``counts``: count columns; ``statistics``: statistic column ->
    the count column(s) of the group it is computed on; ``hidden``: further cells to hide
    (complementary suppression). Returns (suppressed frame, mask)."""
    out = frame.copy()
    mask = pd.DataFrame(False, index=frame.index, columns=frame.columns)
    for c in counts:
        mask[c] = is_small(frame[c])
    if hidden is not None:
        mask = mask | hidden.reindex(index=frame.index, columns=frame.columns, fill_value=False).astype(bool)
    for stat, bases in (statistics or {}).items():
        for base in [bases] if isinstance(bases, str) else bases:
            mask[stat] = mask[stat] | mask[base] | is_small(frame[base])
    for c in frame.columns:
        if not mask[c].any():
            continue
        if pd.api.types.is_integer_dtype(out[c]):
            out[c] = out[c].astype("Int64")
        elif pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].astype("Float64")
        else:
            out[c] = out[c].astype(object)
        out.loc[mask[c], c] = pd.NA
    return out, mask


def complementary(values: dict, hidden: dict, equations: list[tuple[object, list]]) -> dict:
    """Complementary (secondary) suppression over linear relations ``total = sum(parts)``.

    ``values`` and ``hidden`` map a cell key to its count and to whether it is hidden.
    A key not in ``values`` is a figure published elsewhere (known unless ``hidden`` says
    otherwise) and is never chosen. While some relation has exactly one hidden term (which
    the others would reveal), the smallest non-zero visible term of it is hidden too.
    Returns the new ``hidden`` map.
    """
    hidden = dict(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            terms = [total, *parts]
            if sum(bool(hidden.get(k, False)) for k in terms) != 1:
                continue
            candidates = [k for k in terms if k in values and not hidden.get(k, False)]
            if not candidates:
                continue
            pick = min(candidates, key=lambda k: (values[k] == 0, values[k], str(k)))
            hidden[pick] = True
            changed = True
    return hidden
