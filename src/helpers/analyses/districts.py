"""District themes: the use of four preventive measures per district, per 1,000
0-22-year-olds (Esbjerg's quarterly themes, seeds/000: districts compared on støtte i
hjemmet, aflastning, kontaktpersoner and familiebehandling).

Definitions:

* A *theme* is matched on the normalised measure text (:func:`helpers.data.steps.normalise`),
  first match wins (:data:`THEMES`): the words of the measure or its paragraph, in
  Serviceloven § 52, stk. 3 (to 31.12.2023) and Barnets lov § 32, stk. 1 (from 1.1.2024),
  so that both exports count alike.
* A child *uses* a theme in a district when an intervention of that theme is active at some
  time in the period (start <= period end and (no end or end >= period start)); the
  district is the intervention's (missing: ``Ukendt``). A child counts once per theme and
  district.
* Rate per 1,000 = children / 0-22-year-olds of the district x 1,000, with the population of
  the period end's year (or the latest year before it). The 95 % interval is the exact
  Poisson (Garwood 1936) interval for the count, divided by the population: it treats the
  population as known.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import stats

from ..data.periods import active_in
from ..data.steps import normalise

TOTAL = "I alt"
UNKNOWN = "Ukendt"
#: theme -> pattern on the normalised measure text (SEL § 52, stk. 3 and Barnets lov § 32, stk. 1).
THEMES = {
    "støtte i hjemmet": (
        r"st(ø|oe)tte i hjemmet|praktisk p(æ|ae)dagogisk|§ 52 (stk )?3 (nr )?2\b|§ 32 (stk )?1 (nr )?2\b"
    ),
    "aflastning": r"aflastning|st(ø|oe)tteophold|§ 52 (stk )?3 (nr )?5\b|§ 32 (stk )?1 (nr )?7\b",
    "kontaktperson": r"kontaktperson|§ 52 (stk )?3 (nr )?6\b|§ 32 (stk )?1 (nr )?3\b",
    "familiebehandling": r"familiebehandling|behandling af barnet|§ 52 (stk )?3 (nr )?3\b|§ 32 (stk )?1 (nr )?5\b",
}
_COMPILED = [(theme, re.compile(p)) for theme, p in THEMES.items()]


def theme_of(measures: pd.Series) -> pd.Series:
    """The theme of each measure (first match of :data:`THEMES`), NA when none."""
    cache: dict = {}

    def one(m):
        if not isinstance(m, str):
            return pd.NA
        if m not in cache:
            text = normalise(m)
            cache[m] = next((t for t, p in _COMPILED if p.search(text)), pd.NA)
        return cache[m]

    return measures.map(one).astype(object)


def theme_units(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per child, theme and district with a theme intervention active in the period:
    ``unit_id`` (the child), ``theme``, ``district``."""
    if interventions.empty:
        return pd.DataFrame(columns=["unit_id", "theme", "district"])
    iv = interventions[active_in(interventions, t0, t1)]
    theme = theme_of(iv["measure"])
    district = iv["district"] if "district" in iv else pd.Series(np.nan, index=iv.index)
    units = pd.DataFrame(
        {
            "unit_id": iv["person_id"].astype(str),
            "theme": theme,
            "district": district.fillna(UNKNOWN).replace("", UNKNOWN).astype(str),
        }
    )
    return units.dropna(subset=["theme"]).drop_duplicates().reset_index(drop=True)


def population_year(population: pd.DataFrame, year: int) -> int | None:
    """The year whose population is used: ``year`` when present, else the latest before it."""
    if population is None or population.empty:
        return None
    years = sorted(int(y) for y in population["year"].dropna().unique() if int(y) <= int(year))
    return years[-1] if years else None


def poisson_interval(count, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """The exact (Garwood) two-sided interval for a Poisson mean, given ``count`` events:
    ``chi2(alpha/2; 2k) / 2`` to ``chi2(1 - alpha/2; 2k + 2) / 2`` (lower bound 0 for k = 0)."""
    k = np.asarray(count, dtype=float)
    low = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * np.maximum(k, 1)) / 2, 0.0)
    high = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    return low, high


def district_rates(units: pd.DataFrame, population: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Per theme (in :data:`THEMES` order) and district (sorted, ``Ukendt`` and ``I alt``
    last): ``children``, ``population`` (0-22-year-olds in ``year``), ``rate`` per 1,000 and
    its 95 % interval ``rate_low``/``rate_high``. ``I alt`` counts every child of the theme
    once and its population is the sum over the districts."""
    pop = (
        population[population["year"] == year].groupby("district")["population_0_22"].sum()
        if year is not None and population is not None and len(population)
        else pd.Series(dtype=float)
    )
    districts = sorted(set(pop.index.astype(str)) | set(units["district"]) - {UNKNOWN})
    if (units["district"] == UNKNOWN).any():
        districts.append(UNKNOWN)
    rows = []
    for theme in THEMES:
        part = units[units["theme"] == theme]
        for district in [*districts, TOTAL]:
            children = part if district == TOTAL else part[part["district"] == district]
            n = children["unit_id"].nunique()
            p = float(pop.sum()) if district == TOTAL and len(pop) else float(pop.get(district, np.nan))
            rows.append({"theme": theme, "district": district, "children": n, "population": p})
    out = pd.DataFrame(rows, columns=["theme", "district", "children", "population"])
    out["children"] = out["children"].astype(int)
    valid = out["population"] > 0
    low, high = poisson_interval(out["children"])
    out["rate"] = np.where(valid, 1000 * out["children"] / out["population"].where(valid), np.nan)
    out["rate_low"] = np.where(valid, 1000 * low / out["population"].where(valid), np.nan)
    out["rate_high"] = np.where(valid, 1000 * high / out["population"].where(valid), np.nan)
    return out
