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

A step with activity and no budget (the budget assumed no interventions, so it has no unit
price to compare with) is all volume: ``volume_effect`` = ``actual_cost``, ``price_effect`` =
0 (the budget unit price is taken to be the actual one). A step with a budget and no activity
is all volume as well (the formula gives it).

Days active in the year: from max(start_date, 1 January) to min(end_date, 31 December),
both days included; an empty end date runs to 31 December (what is granted is what is
committed, so for a running year this is the forecast from granted interventions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import full_year_volume
from ..data.steps import PLACEMENT_STEPS, PREVENTIVE_STEPS

VARIANCE_COLUMNS = [
    "step",
    "budget_count",
    "budget_unit_cost",
    "budget_cost",
    "actual_count",
    "actual_cost",
    "actual_unit_cost",
    "volume_effect",
    "price_effect",
    "total_deviation",
]


def step_budget(budget: pd.DataFrame) -> pd.DataFrame:
    """Budget rows given per staircase step (1-6), with ``step`` as int; measure groups are left out."""
    b = budget[budget["step"].astype(str).str.fullmatch(r"[1-6](\.0)?")].copy()
    b["step"] = b["step"].astype(float).astype(int)
    return b


def volume_price_split(interventions: pd.DataFrame, budget: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per step: budget, actual volume and cost, and the deviation split into volume and price.

    ``interventions`` and ``budget`` are one municipality's rows; ``budget`` rows of other
    years are ignored. Steps with a budget and no activity (or activity and no budget)
    are kept, so that nothing disappears from the follow-up.
    """
    b = step_budget(budget[budget["year"] == year])
    # a step budgeted in several rows (per district or provider, contract v1.3): its count is
    # the rows' sum and its unit cost the rows' cost / count (a mean weighted by count; with no
    # count budgeted, the rows' plain mean, the price the budget assumed)
    b = b.assign(budget_cost=b["budget_count"] * b["budget_unit_cost"]).groupby("step", as_index=False)
    b = b.agg(
        budget_count=("budget_count", "sum"),
        budget_cost=("budget_cost", "sum"),
        mean=("budget_unit_cost", "mean"),
        prices=("budget_unit_cost", lambda v: v.nunique(dropna=False)),
    )
    # rows of one price (one row, or a step split by district at the step's price) keep it as
    # written, and their cost is count x price as for one row; several prices (a row without
    # one counts as its own) are weighted, so that the step's cost is what year_budget sums
    weighted = (b["budget_count"] > 0) & (b["prices"] > 1)
    b["budget_unit_cost"] = np.where(weighted, b["budget_cost"] / b["budget_count"].where(weighted), b["mean"])
    b["budget_cost"] = np.where(weighted, b["budget_cost"], b["budget_count"] * b["budget_unit_cost"])
    b = b.drop(columns=["mean", "prices"])
    actual = (
        full_year_volume(interventions, year)
        if len(interventions)
        else pd.DataFrame(columns=["step", "actual_count", "actual_cost"])
    )
    out = b.merge(actual, on="step", how="outer").sort_values("step").reset_index(drop=True)
    for c in ("budget_count", "budget_unit_cost", "budget_cost", "actual_count", "actual_cost"):
        out[c] = out[c].astype(float).fillna(0.0)
    out["step"] = out["step"].astype(int)
    out["actual_unit_cost"] = np.where(
        out["actual_count"] > 0, out["actual_cost"] / out["actual_count"].where(out["actual_count"] > 0), 0.0
    )
    out["volume_effect"] = (out["actual_count"] - out["budget_count"]) * out["budget_unit_cost"]
    out["price_effect"] = (out["actual_unit_cost"] - out["budget_unit_cost"]) * out["actual_count"]
    out["total_deviation"] = out["actual_cost"] - out["budget_cost"]
    # With no activity the unit cost is undefined; the price effect is then 0 by the formula.
    out.loc[out["actual_count"] == 0, "price_effect"] = 0.0
    # Activity without a budget: more interventions than the budget assumed (none), with no
    # budgeted price to differ from: all volume, valued at the actual unit cost.
    unbudgeted = (out["budget_count"] == 0) & (out["budget_unit_cost"] == 0) & (out["actual_count"] > 0)
    out.loc[unbudgeted, "volume_effect"] = out.loc[unbudgeted, "actual_cost"]
    out.loc[unbudgeted, "price_effect"] = 0.0
    return out[VARIANCE_COLUMNS]


def year_budget(budget: pd.DataFrame, year: int) -> float | None:
    """The year's budget: the sum of ``budget_count`` x ``budget_unit_cost`` over the year's
    rows (None when the municipality has no budget for the year)."""
    rows = budget[budget["year"] == year] if len(budget) else budget
    if not len(rows):
        return None
    return float((rows["budget_count"] * rows["budget_unit_cost"]).sum())


def profile_shares(profile: pd.DataFrame | None, year: int, step: int | None = None) -> dict[int, float] | None:
    """The twelve monthly shares of ``year``'s budget for ``step``: the step's own profile, else
    the profile for every step (rows without a step), else None (spread by days). The loader has
    checked that a kept profile is whole (twelve months summing to 1 within a tolerance); the
    shares are scaled to sum to 1 exactly."""
    if profile is None or not len(profile):
        return None
    rows = profile[profile["year"] == year]
    steps = rows["step"] if "step" in rows else pd.Series(pd.NA, index=rows.index)
    for chosen in ([] if step is None else [steps == step]) + [steps.isna()]:
        own = rows[chosen.fillna(False).astype(bool)]
        if len(own) == 12:
            # the loader kept only whole profiles, summing to 1 within its tolerance: scaled
            # to 1 exactly, so that a whole year gets the year's whole budget
            total = float(own["share"].sum())
            scale = 1.0 if abs(total - 1.0) < 1e-9 else total  # float noise of a whole profile left as written
            return {int(m): float(s) / scale for m, s in zip(own["month"], own["share"])}
    return None


def year_fraction(year: int, first, last, shares: dict[int, float] | None) -> float:
    """The part of ``year``'s budget that falls in [first, last] (days inside ``year``, both
    included): the sum over its months of the month's share x the month's days in the span /
    the month's days; without shares, the span's days / the year's days."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if last < first:
        return 0.0
    if shares is None:
        return ((last - first).days + 1) / pd.Timestamp(year=year, month=12, day=31).dayofyear
    fraction = 0.0
    for month in range(first.month, last.month + 1):
        start = pd.Timestamp(year=year, month=month, day=1)
        end = start + pd.offsets.MonthEnd(0)
        days = (min(end, last) - max(start, first)).days + 1
        fraction += shares.get(month, 0.0) * days / end.day
    return fraction


def deviation_pct(budget_total: float | None, spending: float) -> float:
    """Budget deviation as VIVE measures it (seeds/001, Tabel 1.1): (budget - spending) /
    budget x 100, positive = spent less than budgeted (mindreforbrug), negative = overrun
    (merforbrug). NaN without a positive budget. Budget precision is its absolute value."""
    if budget_total is None or not budget_total > 0:
        return float("nan")
    return 100 * (budget_total - spending) / budget_total


def direction_da(deviation: float) -> str:
    """The direction of a budget deviation (VIVE's sign) in words."""
    if deviation != deviation:  # NaN: no budget to deviate from
        return "uden budget"
    if deviation > 0:
        return "mindreforbrug"
    if deviation < 0:
        return "merforbrug"
    return "på budgettet"


def with_total(variance: pd.DataFrame) -> pd.DataFrame:
    """The variance table with an "I alt" row (unit costs of the total are cost / count)."""
    total = variance.drop(columns="step").sum()
    total["budget_unit_cost"] = total["budget_cost"] / total["budget_count"] if total["budget_count"] else np.nan
    total["actual_unit_cost"] = total["actual_cost"] / total["actual_count"] if total["actual_count"] else np.nan
    out = variance.astype({"step": object})
    out.loc[len(out)] = {"step": "I alt", **total.to_dict()}
    return out


#: The two parts of the staircase that seed 002 follows against their own budgets ("Samlet
#: forbrug på anbringelsesområdet / det forebyggende område ... i forhold til budget"), and
#: their steps.
STAIRCASE_PARTS = {"Anbringelser (trin 4-6)": PLACEMENT_STEPS, "Forebyggende (trin 1-3)": PREVENTIVE_STEPS}
GROUP_TOTAL = "I alt"


def group_budgets(budget: pd.DataFrame, year: int) -> dict[str, float | None]:
    """The year's budget of each part of the staircase (the sum of ``budget_count`` x
    ``budget_unit_cost`` over its steps' rows) and in all (:func:`year_budget`, also the
    rows given per measure group rather than step). A part has no budget (None) when it has
    no row, or when some of the year's rows are given per measure group: such a row may
    belong to either part, so a part's deviation would be overstated."""
    rows_of_year = budget[budget["year"] == year] if len(budget) else budget
    steps = step_budget(rows_of_year) if len(rows_of_year) else rows_of_year
    split = len(steps) == len(rows_of_year)
    out: dict[str, float | None] = {}
    for group, members in STAIRCASE_PARTS.items():
        rows = steps[steps["step"].isin(members)] if len(steps) else steps
        out[group] = float((rows["budget_count"] * rows["budget_unit_cost"]).sum()) if split and len(rows) else None
    out[GROUP_TOTAL] = year_budget(budget, year)
    return out


#: Seed 002's "Egne foranstaltninger og køb af foranstaltninger hos andre kommuner og private
#: leverandører": an intervention's ``provider_type`` in one of two groups; a budget row's
#: ``provider_type`` may also be ``køb`` (every bought measure).
OWN_MEASURES, BOUGHT_MEASURES = "Egne foranstaltninger", "Køb af foranstaltninger"
PROVIDER_GROUPS = {OWN_MEASURES: ("egen",), BOUGHT_MEASURES: ("privat", "anden kommune", "region", "køb")}
#: The part of the interventions (or a budget row) that does not say its district or provider.
NOT_STATED = {"district": "Distrikt ikke oplyst", "provider_type": "Leverandør ikke oplyst"}


def part_of(values: pd.Series, by: str) -> pd.Series:
    """Each row's part when the budget is split ``by`` ``district`` or ``provider_type``: the
    district as written, or the provider group (:data:`PROVIDER_GROUPS`); an empty value is
    :data:`NOT_STATED`."""
    if by == "provider_type":
        group_of = {p: g for g, members in PROVIDER_GROUPS.items() for p in members}
        parts = values.map(group_of)
    else:
        parts = values.where(values.astype(str).str.strip().ne(""))
    return parts.fillna(NOT_STATED[by]).astype(str)


def split_by(budget: pd.DataFrame, by: str) -> bool:
    """Whether the budget assumptions are split ``by`` district or provider in any row."""
    return by in budget and bool((budget[by].notna() & budget[by].astype(str).str.strip().ne("")).any())


def part_budgets(budget: pd.DataFrame, year: int, by: str) -> dict[str, float] | None:
    """The year's budget of each district or provider group (the sum of ``budget_count`` x
    ``budget_unit_cost`` over its rows), or None when the year's budget is not split that way
    in every row: a row without a district (or provider) may belong to any of them, so each
    part's deviation would be overstated."""
    rows = budget[budget["year"] == year] if len(budget) else budget
    if not len(rows) or by not in rows:
        return None
    parts = part_of(rows[by], by)
    if (parts == NOT_STATED[by]).any():
        return None
    cost = rows["budget_count"] * rows["budget_unit_cost"]
    return {str(k): float(v) for k, v in cost.groupby(parts, sort=True).sum().items()}


#: Optional columns of ``budget_assumptions`` (contract v1.3) from the municipality's accounts,
#: as seed 002 asks for the resource use per measure type ("Opgøres for både udgifter og
#: indtægter, for eksempel hvis kommunen sælger pladser. Eventuelt opgøres det, hvor stort et
#: ressourceforbrug der vedrører tidligere år"): the year's income from places the municipality
#: sells in its own measures, and the spending booked in the year that belongs to earlier years.
ACCOUNT_COLUMNS = ("income", "prior_years")


def accounts_by_step(budget: pd.DataFrame, year: int) -> pd.DataFrame:
    """The year's :data:`ACCOUNT_COLUMNS` per step (1-6) and in all (``I alt``): the sum over
    the step's rows (a step budgeted per district or provider has its parts in several rows),
    and for «I alt» over every row of the year, also those given per measure group. A value
    no row states stays empty (not stated is not 0). No rows when neither column states a value
    for the year."""
    columns = ["step", *ACCOUNT_COLUMNS]
    present = [c for c in ACCOUNT_COLUMNS if c in budget]
    rows = budget[budget["year"] == year] if len(budget) else budget
    if not present or not len(rows) or not rows[present].notna().any().any():
        return pd.DataFrame(columns=columns)
    rows = rows.reindex(columns=[*rows.columns, *(c for c in ACCOUNT_COLUMNS if c not in rows)])
    values = rows[list(ACCOUNT_COLUMNS)].astype(float)
    steps = step_budget(rows)
    per_step = values.loc[steps.index].groupby(steps["step"], sort=True).sum(min_count=1)
    per_step = per_step[per_step.notna().any(axis=1)]
    out = per_step.reset_index().astype({"step": object})
    out.loc[len(out)] = {"step": GROUP_TOTAL, **values.sum(min_count=1).to_dict()}
    return out[columns]


def part_income(budget: pd.DataFrame, year: int, by: str) -> dict[str, float] | None:
    """The year's ``income`` (:data:`ACCOUNT_COLUMNS`) of each district or provider group
    (:func:`part_of`) and in all (``I alt``): seed 002 counts the income from places sold on
    the municipality's own measures. A part no row states income for is left out (not 0);
    None when no row of the year states any."""
    rows = budget[budget["year"] == year] if len(budget) and "income" in budget else budget.iloc[0:0]
    if not len(rows) or by not in rows or rows["income"].isna().all():
        return None
    income = rows["income"].astype(float)
    parts = income.groupby(part_of(rows[by], by), sort=True).sum(min_count=1).dropna()
    return {**{str(k): float(v) for k, v in parts.items()}, GROUP_TOTAL: float(income.sum())}
