"""Budget follow-up split into volume and price (VIVE's recommendation, seeds/001).

For each step in a calendar year:

* ``actual_count`` = sum of days active in the year / days in the year
  (full-year interventions, helårsforanstaltninger);
* ``actual_cost`` = sum of ``monthly_cost`` x 12 x days active in the year / days in the year;
* ``actual_unit_cost`` = ``actual_cost`` / ``actual_count``;
* ``volume_effect`` = (``actual_count`` - ``budget_count``) x ``budget_unit_cost``;
* ``price_effect`` = (``actual_unit_cost`` - ``budget_unit_cost``) x ``actual_count``;
* ``total_deviation`` = ``actual_cost`` - ``budget_count`` x ``budget_unit_cost``
  = ``volume_effect`` + ``price_effect`` exactly.

Days active in the year: from max(start_date, 1 January) to min(end_date, 31 December),
both days included; an empty end date runs to 31 December (what is granted is what is
committed, so for a running year this is the forecast from granted interventions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

VARIANCE_COLUMNS = ["step", "budget_count", "budget_unit_cost", "budget_cost", "actual_count", "actual_cost",
                    "actual_unit_cost", "volume_effect", "price_effect", "total_deviation"]


def year_parts(start, end):
    """(year, first day, last day, days in the year) for each calendar year in [start, end]."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    for year in range(start.year, end.year + 1):
        first, last = pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)
        yield year, max(start, first), min(end, last), (last - first).days + 1


def step_budget(budget: pd.DataFrame) -> pd.DataFrame:
    """Budget rows given per staircase step (1-6), with ``step`` as int; measure groups are left out."""
    b = budget[budget["step"].astype(str).str.fullmatch(r"[1-6](\.0)?")].copy()
    b["step"] = b["step"].astype(float).astype(int)
    return b


def days_active(interventions: pd.DataFrame, start, end) -> pd.Series:
    """Days each intervention is active in [start, end] (both included; 0 when outside)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    s = interventions["start_date"].clip(lower=start)
    e = interventions["end_date"].fillna(end).clip(upper=end)
    return ((e - s).dt.days + 1).clip(lower=0).astype("int64")


def full_year_volume(interventions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Full-year interventions and cost per step in ``year``: ``step``, ``actual_count``, ``actual_cost``."""
    _, start, end, n_days = next(year_parts(f"{year}-01-01", f"{year}-12-31"))
    days = days_active(interventions, start, end)
    frame = pd.DataFrame({
        "step": interventions["step"].astype(int).to_numpy(),
        "actual_count": (days / n_days).to_numpy(),
        "actual_cost": (interventions["monthly_cost"].fillna(0) * 12 * days / n_days).to_numpy(),
    })
    out = frame.groupby("step", as_index=False)[["actual_count", "actual_cost"]].sum()
    return out


def volume_price_split(interventions: pd.DataFrame, budget: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per step: budget, actual volume and cost, and the deviation split into volume and price.

    ``interventions`` and ``budget`` are one municipality's rows; ``budget`` rows of other
    years are ignored. Steps with a budget and no activity (or activity and no budget)
    are kept, so that nothing disappears from the follow-up.
    """
    b = step_budget(budget[budget["year"] == year])
    b = b.groupby("step", as_index=False).agg(budget_count=("budget_count", "sum"),
                                              budget_unit_cost=("budget_unit_cost", "mean"))
    actual = full_year_volume(interventions, year) if len(interventions) else \
        pd.DataFrame(columns=["step", "actual_count", "actual_cost"])
    out = b.merge(actual, on="step", how="outer").sort_values("step").reset_index(drop=True)
    for c in ("budget_count", "budget_unit_cost", "actual_count", "actual_cost"):
        out[c] = out[c].astype(float).fillna(0.0)
    out["step"] = out["step"].astype(int)
    out["budget_cost"] = out["budget_count"] * out["budget_unit_cost"]
    out["actual_unit_cost"] = np.where(out["actual_count"] > 0, out["actual_cost"] / out["actual_count"].where(out["actual_count"] > 0), 0.0)
    out["volume_effect"] = (out["actual_count"] - out["budget_count"]) * out["budget_unit_cost"]
    out["price_effect"] = (out["actual_unit_cost"] - out["budget_unit_cost"]) * out["actual_count"]
    out["total_deviation"] = out["actual_cost"] - out["budget_cost"]
    # With no activity the unit cost is undefined; the price effect is then 0 by the formula.
    out.loc[out["actual_count"] == 0, "price_effect"] = 0.0
    return out[VARIANCE_COLUMNS]


def with_total(variance: pd.DataFrame) -> pd.DataFrame:
    """The variance table with an "I alt" row (unit costs of the total are cost / count)."""
    total = variance.drop(columns="step").sum()
    total["budget_unit_cost"] = total["budget_cost"] / total["budget_count"] if total["budget_count"] else np.nan
    total["actual_unit_cost"] = total["actual_cost"] / total["actual_count"] if total["actual_count"] else np.nan
    out = variance.astype({"step": object})
    out.loc[len(out)] = {"step": "I alt", **total.to_dict()}
    return out


def summary_da(variance: pd.DataFrame, year: int) -> list[str]:
    """Key messages in Danish: the total deviation and how much is volume and price."""
    from .report import num_da

    def mio(v):
        return f"{num_da(v / 1e6)} mio. kr."

    total = variance["total_deviation"].sum()
    volume, price = variance["volume_effect"].sum(), variance["price_effect"].sum()
    word = "merforbrug" if total > 0 else "mindreforbrug"
    lines = [f"For {year} giver de bevilgede indsatser et {word} på {mio(abs(total))} i forhold til budgettet.",
             f"Heraf skyldes {mio(volume)} flere eller færre indsatser end budgetteret (volumen) og "
             f"{mio(price)} en anden gennemsnitspris end budgetteret (pris)."]
    biggest = variance.loc[variance["total_deviation"].abs().idxmax()] if len(variance) else None
    if biggest is not None:
        lines.append(f"Den største afvigelse er på trin {int(biggest['step'])}: {mio(biggest['total_deviation'])} "
                     f"(volumen {mio(biggest['volume_effect'])}, pris {mio(biggest['price_effect'])}).")
    return lines
