"""Foster-care economics per district and year (Esbjerg, seeds/000: the foster-care area
compared across districts on the average plejeløn, tillægsydelser and egenbetaling).

Definitions:

* A *foster-care placement* is an intervention whose placement type is ``netværkspleje``
  or ``plejefamilie, ...`` (the mapping's placement types, helpers.data.steps) with a
  recorded ``fee`` (plejeløn, kr. a month). A missing ``supplements`` or ``own_payment`` is
  read as 0 kr. (none recorded).
* The placements of a year: those active at some time in the year's part of the period
  (:func:`year_windows`); the district is the placement's (missing: ``Ukendt``).
* The means are per placement and month: the sum of the monthly amounts over the
  placements / the number of placements.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import active_in, year_parts

TOTAL = "I alt"
UNKNOWN = "Ukendt"
AMOUNTS = ("fee", "supplements", "own_payment")
COLUMNS = ["year", "first_day", "last_day", "district", "children", "placements"] + [f"{a}_mean" for a in AMOUNTS]


def is_foster_care(placement_type: pd.Series) -> pd.Series:
    """Network care or a foster family (any kind)."""
    text = placement_type.astype(object).where(placement_type.notna(), "").astype(str)
    return (text == "netværkspleje") | text.str.startswith("plejefamilie")


def year_windows(period_start, period_end) -> list[tuple[int, pd.Timestamp, pd.Timestamp]]:
    """(year, first day, last day): the period's part of each calendar year it touches, and,
    when the period is shorter than a year, the whole year before its first year too."""
    start, end = pd.Timestamp(period_start).normalize(), pd.Timestamp(period_end).normalize()
    out = []
    if end - start < pd.Timedelta(days=365):
        y = start.year - 1
        out.append((y, pd.Timestamp(year=y, month=1, day=1), pd.Timestamp(year=y, month=12, day=31)))
    return out + [(y, first, last) for y, first, last, _ in year_parts(start, end)]


def foster_units(interventions: pd.DataFrame, windows) -> pd.DataFrame:
    """One row per foster-care placement and year it is active in: ``year``, ``district``,
    ``person_id``, ``unit_id`` (the intervention's id) and the three monthly amounts."""
    columns = ["year", "district", "person_id", "unit_id", *AMOUNTS]
    if interventions.empty or "fee" not in interventions or "placement_type" not in interventions:
        return pd.DataFrame(columns=columns)
    iv = interventions[is_foster_care(interventions["placement_type"])]
    iv = iv[pd.to_numeric(iv["fee"], errors="coerce").notna()]
    parts = []
    for year, first, last in windows:
        these = iv[active_in(iv, first, last)]
        district = these["district"] if "district" in these else pd.Series(np.nan, index=these.index)
        parts.append(
            pd.DataFrame(
                {
                    "year": year,
                    "district": district.fillna(UNKNOWN).replace("", UNKNOWN).astype(str).to_numpy(),
                    "person_id": these["person_id"].astype(str).to_numpy(),
                    "unit_id": these.index.astype(str),
                    **{
                        a: pd.to_numeric(these.get(a, pd.Series(np.nan, index=these.index)), errors="coerce")
                        .fillna(0.0)
                        .to_numpy(dtype=float)
                        for a in AMOUNTS
                    },
                },
                columns=columns,
            )
        )
    units = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    units["year"] = units["year"].astype(int)
    return units


def foster_table(units: pd.DataFrame, windows, districts=()) -> pd.DataFrame:
    """Per year (with its first and last day) and district (sorted, ``Ukendt`` and ``I alt``
    last): children, placements and the mean fee, supplements and own payment per placement
    and month (NaN without placements). ``districts``: districts to show even without any."""
    names = sorted((set(units["district"]) | set(districts)) - {UNKNOWN})
    if (units["district"] == UNKNOWN).any():
        names.append(UNKNOWN)
    rows = []
    for year, first, last in windows:
        part = units[units["year"] == year]
        for district in [*names, TOTAL]:
            these = part if district == TOTAL else part[part["district"] == district]
            n = len(these)
            rows.append(
                {
                    "year": year,
                    "first_day": str(first.date()),
                    "last_day": str(last.date()),
                    "district": district,
                    "children": these["person_id"].nunique(),
                    "placements": n,
                    **{f"{a}_mean": float(these[a].mean()) if n else np.nan for a in AMOUNTS},
                }
            )
    out = pd.DataFrame(rows, columns=COLUMNS)
    out[["year", "children", "placements"]] = out[["year", "children", "placements"]].astype(int)
    return out
