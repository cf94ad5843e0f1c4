"""The budget follow-up page: the volume/price split per step with the interventions
behind each actual volume and cost, and its key messages (computed in
:mod:`helpers.analyses.budget`).

Budget figures are the municipality's own assumptions (not person data); the actual
full-year volumes and costs are sums over interventions and are protected with the other
children's pages (an amount that rests on 1-4 children is withheld, and so is whatever
would reveal it, e.g. the last step against the total).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...analyses.budget import volume_price_split, with_total
from ...data.periods import year_volumes
from ..disclosure import TableSpec, amount_cells, statistics
from ..formats import num_da

GROUP = "children"
DERIVED = ("actual_unit_cost", "volume_effect", "price_effect", "total_deviation")


def budget_year(report) -> int:
    return report.period_end.year


def variance_spec(interventions: pd.DataFrame, assumptions: pd.DataFrame, year: int) -> TableSpec:
    """``budget_variance``: per step and in total (``I alt``)."""
    name = "budget_variance"
    table = with_total(volume_price_split(interventions, assumptions, year))
    table["step"] = table["step"].astype(str)
    units = pd.concat([interventions[["person_id", "step"]], year_volumes(interventions, year)], axis=1)
    units = units.assign(unit_id=interventions.index.astype(str), step=units["step"].astype(int).astype(str))
    cells = []
    for column, measure in (("actual_count", f"volume_year_{year}"), ("actual_cost", f"cost_year_{year}")):
        cells += amount_cells(name, table, column, units, "intervention", column, ["step"], measure=measure)
    active = units[units["actual_count"] > 0]
    base_n = [active.loc[(active["step"] == s) | (s == "I alt"), "person_id"].nunique() for s in table["step"]]
    for c in cells:
        c.base_n = base_n[c.row]
    stats = statistics(name, table, DERIVED, ["actual_count", "actual_cost"], base_n)
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=6,
        caption=f"Budget og forbrug pr. trin, {year}",
        formats={c: (lambda v: f"{v:,.0f}".replace(",", ".")) for c in table.columns if c != "step"},
    )


def specs(report) -> list[TableSpec]:
    year = budget_year(report)
    assumptions = report.rows("budget_assumptions")
    if not len(assumptions) or not (assumptions["year"] == year).any():
        return []
    return [variance_spec(report.rows("interventions"), assumptions, year)]


def key_messages(variance, year: int) -> list[str]:
    """Key messages in Danish from the *published* variance table."""

    def mio(v):
        return f"{num_da(v / 1e6)} mio. kr."

    rows = variance.data["step"].tolist()
    total = rows.index("I alt")
    lines = []
    deviation = variance.value(total, "total_deviation")
    if deviation is not None:
        word = "merforbrug" if deviation > 0 else "mindreforbrug"
        lines.append(
            f"For {year} giver de bevilgede indsatser et {word} på {mio(abs(deviation))} i forhold til budgettet."
        )
        volume, price = variance.value(total, "volume_effect"), variance.value(total, "price_effect")
        if volume is not None and price is not None:
            lines.append(
                f"Heraf skyldes {mio(volume)} flere eller færre indsatser end budgetteret (volumen) og "
                f"{mio(price)} en anden gennemsnitspris end budgetteret (pris)."
            )
    steps = [(i, variance.value(i, "total_deviation")) for i in range(len(rows)) if i != total]
    steps = [(i, d) for i, d in steps if d is not None]
    if steps:
        i, d = max(steps, key=lambda item: abs(item[1]))
        lines.append(
            f"Den største afvigelse blandt de viste trin er på trin {rows[i]}: {mio(d)} "
            f"(volumen {mio(variance.value(i, 'volume_effect'))}, pris {mio(variance.value(i, 'price_effect'))})."
        )
    return lines


def waterfall_rows(variance) -> pd.DataFrame:
    """The published steps for the waterfall figure; withheld steps are pooled into one bar
    (their sum follows from the published total anyway, and protection withholds at least
    two steps or none)."""
    data = variance.data
    total = data["step"] == "I alt"
    steps = data[~total & ~variance.mask["total_deviation"]].copy()
    hidden = data[~total & variance.mask["total_deviation"]]
    if len(hidden) and not variance.mask.loc[total, "total_deviation"].any():
        rest = data.loc[total].iloc[0][["budget_cost", "actual_cost", "volume_effect", "price_effect"]].astype(float)
        rest = rest - steps[["budget_cost", "actual_cost", "volume_effect", "price_effect"]].astype(float).sum()
        steps = pd.concat([steps, pd.DataFrame([{"step": "øvrige", **rest.to_dict()}])], ignore_index=True)
    for c in ("budget_cost", "actual_cost", "volume_effect", "price_effect"):
        steps[c] = steps[c].astype(float).fillna(np.nan)
    return steps
