"""Key figures of children's services (the catalogue in seeds/002 and seeds/000).

All figures are for one municipality and one period [t0, t1]: "at the period end" means
active on t1 (see :mod:`helpers.staircase`), "in the period" means in [t0, t1].

Costs: an intervention costs ``monthly_cost`` x 12 / (days in the year) per active day,
so a full year costs 12 monthly costs, as in :mod:`helpers.budget`. The budget for a
period is each year's ``budget_count`` x ``budget_unit_cost``, prorated by the period's
days in that year.

The tidy output has one row per figure and group: ``municipality``, ``period_start``,
``period_end``, ``figure``, ``group``, ``value``, plus the internal ``kind`` (count,
statistic, amount or share) and ``n`` (the group size a statistic rests on), which drive
suppression and are not published.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..data.periods import age_on, as_date, days_active, full_year_volume, year_parts
from ..data.steps import PLACEMENT_STEPS, PREVENTIVE_STEPS, STEP_LABELS
from .budget import step_budget
from .staircase import age_group, highest_active

TOTAL = "I alt"
PUBLISHED_COLUMNS = ["municipality", "period_start", "period_end", "figure", "group", "value"]
TOP_SHARE = 0.10

EVENT_LABELS = {
    "underretning": "Underretninger",
    "ny_sag": "Nye sager",
    "børnefaglig_undersøgelse": "Børnefaglige undersøgelser",
    "sag_lukket": "Lukkede sager",
    "klage": "Klager",
    "ledelsestilsyn": "Ledelsestilsyn",
}


def cost_in(interventions: pd.DataFrame, start, end) -> pd.Series:
    """Cost of each intervention in [start, end], split by calendar year (days / days in year)."""
    total = pd.Series(0.0, index=interventions.index)
    for _, y0, y1, n_days in year_parts(as_date(start), as_date(end)):
        total += interventions["monthly_cost"].fillna(0) * 12 * days_active(interventions, y0, y1) / n_days
    return total


def budget_in(budget: pd.DataFrame, start, end) -> pd.DataFrame:
    """Budget per step for [start, end]: each year's count x unit cost, prorated by days."""
    rows = []
    b = step_budget(budget)
    for year, y0, y1, n_days in year_parts(as_date(start), as_date(end)):
        part = b[b["year"] == year]
        rows.append(
            pd.DataFrame(
                {
                    "step": part["step"],
                    "budget": part["budget_count"] * part["budget_unit_cost"] * ((y1 - y0).days + 1) / n_days,
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=["step", "budget"])
    return pd.concat(rows).groupby("step", as_index=False)["budget"].sum()


class _Figures:
    def __init__(self):
        self.rows = []

    def add(self, figure, group, value, kind, n=None):
        value = float(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else np.nan
        self.rows.append(
            {
                "figure": figure,
                "group": str(group),
                "value": value,
                "kind": kind,
                "n": np.nan if n is None else float(n),
            }
        )

    def counts(self, figure, series: pd.Series, groups):
        """A count per group plus the total (groups with no one are 0)."""
        for g in groups:
            self.add(figure, g, int(series.get(g, 0)), "count")
        self.add(figure, TOTAL, int(series.sum()), "count")


def _step_label(step: int) -> str:
    return f"{step}. {STEP_LABELS[step]}"


def key_figures(
    interventions: pd.DataFrame, case_events: pd.DataFrame, budget: pd.DataFrame, t0, t1, municipality: int
) -> pd.DataFrame:
    """Every key figure for one municipality's rows and one period (tidy, unsuppressed)."""
    t0, t1 = as_date(t0), as_date(t1)
    f = _Figures()
    iv = interventions
    top = highest_active(iv, t1)
    f.add("active_children", TOTAL, len(top), "count")

    placed = top[top["step"].isin(PLACEMENT_STEPS)]
    f.counts(
        "placed_children", placed["step"].map(_step_label).value_counts(), [_step_label(s) for s in PLACEMENT_STEPS]
    )
    f.counts("placed_by_target_group", placed["target_group"].value_counts(), ["udsat", "handicap"])
    ages = age_group(age_on(pd.to_datetime(placed["birth_date"]), t1)).fillna("Ukendt")
    f.counts("placed_by_age_group", ages.value_counts(), ["0-5 år", "6-11 år", "12-17 år", "18-22 år", "Ukendt"])

    # New placements: a placement starting in the period for a child not placed the day before.
    placements = iv[iv["step"].isin(PLACEMENT_STEPS)]
    starting = placements.loc[
        (placements["start_date"] >= t0) & (placements["start_date"] <= t1), ["person_id", "start_date", "step"]
    ].reset_index(drop=True)
    starting["day_before"] = starting["start_date"] - pd.Timedelta(days=1)
    pairs = starting.reset_index().merge(
        placements[["person_id", "start_date", "end_date"]], on="person_id", suffixes=("", "_other")
    )
    placed_before = pairs.loc[
        (pairs["start_date_other"] <= pairs["day_before"])
        & (pairs["end_date"].isna() | (pairs["end_date"] >= pairs["day_before"])),
        "index",
    ]
    new = starting.drop(index=placed_before.unique()).drop_duplicates(["person_id", "start_date"])
    f.counts("new_placements", new["step"].map(_step_label).value_counts(), [_step_label(s) for s in PLACEMENT_STEPS])

    ended = placements[placements["end_date"].between(t0, t1)]
    days = (ended["end_date"] - ended["start_date"]).dt.days + 1
    for stat, fn in (("mean", np.mean), ("min", np.min), ("max", np.max)):
        f.add(f"placement_days_{stat}", TOTAL, fn(days) if len(days) else np.nan, "statistic", len(days))

    preventive = top[top["step"].isin(PREVENTIVE_STEPS)]
    f.counts(
        "preventive_children",
        preventive["step"].map(_step_label).value_counts(),
        [_step_label(s) for s in PREVENTIVE_STEPS],
    )
    prev_ended = iv[iv["step"].isin(PREVENTIVE_STEPS) & iv["end_date"].between(t0, t1)]
    prev_days = (prev_ended["end_date"] - prev_ended["start_date"]).dt.days + 1
    f.add("preventive_days_mean", TOTAL, prev_days.mean() if len(prev_days) else np.nan, "statistic", len(prev_days))

    # Economy
    cost = cost_in(iv, t0, t1)
    spend_by_step = cost.groupby(iv["step"]).sum()
    bud = budget_in(budget, t0, t1).set_index("step")["budget"] if len(budget) else pd.Series(dtype=float)
    paying = iv.loc[cost > 0]
    for s in sorted(set(spend_by_step.index) | set(bud.index)):
        n_step = paying.loc[paying["step"] == s, "person_id"].nunique()  # spending rests on these children
        f.add("spending", _step_label(int(s)), spend_by_step.get(s, 0.0), "statistic", n_step)
        f.add("budget", _step_label(int(s)), bud.get(s, np.nan), "amount")
        if bud.get(s, 0) > 0:
            f.add(
                "spending_vs_budget_pct",
                _step_label(int(s)),
                100 * spend_by_step.get(s, 0.0) / bud[s],
                "statistic",
                n_step,
            )
    f.add("spending", TOTAL, cost.sum(), "statistic", paying["person_id"].nunique())
    f.add("budget", TOTAL, bud.sum() if len(bud) else np.nan, "amount")
    if len(bud) and bud.sum() > 0:
        f.add("spending_vs_budget_pct", TOTAL, 100 * cost.sum() / bud.sum(), "amount")

    year = t1.year
    forecast = full_year_volume(iv, year)["actual_cost"].sum() if len(iv) else 0.0
    f.add("forecast_year", str(year), forecast, "amount")
    year_budget = budget[(budget["year"] == year)]
    f.add(
        "budget_year",
        str(year),
        (year_budget["budget_count"] * year_budget["budget_unit_cost"]).sum() if len(year_budget) else np.nan,
        "amount",
    )

    total_cost = cost.sum()
    children_with_cost = iv.loc[cost > 0, "person_id"].nunique()
    for label, steps in (("Anbringelser (trin 4-6)", PLACEMENT_STEPS), ("Forebyggende (trin 1-3)", PREVENTIVE_STEPS)):
        share = cost[iv["step"].isin(steps)].sum() / total_cost if total_cost else np.nan
        f.add("spending_share", label, share, "share", children_with_cost)

    per_child = cost.groupby(iv["person_id"]).sum()
    per_child = per_child[per_child > 0].sort_values(ascending=False, kind="stable")
    n_top = math.ceil(TOP_SHARE * len(per_child))
    f.add("top_cases", TOTAL, n_top, "count")
    f.add(
        "top_cases_spending_share",
        TOTAL,
        per_child.iloc[:n_top].sum() / total_cost if total_cost else np.nan,
        "share",
        n_top,
    )

    provider = iv["provider_type"].fillna("ukendt")
    for p in ("egen", "privat", "anden kommune", "region", "ukendt"):
        mask = provider == p
        if mask.any():
            f.add(
                "provider_spending_share",
                p,
                cost[mask].sum() / total_cost if total_cost else np.nan,
                "share",
                iv.loc[mask, "person_id"].nunique(),
            )

    if "caseworker_id" in iv and iv["caseworker_id"].notna().any():
        workers = top.dropna(subset=["caseworker_id"]).groupby("caseworker_id")["person_id"].nunique()
        n_workers = len(workers)
        for stat, value in (("gennemsnit", workers.mean()), ("median", workers.median()), ("største", workers.max())):
            f.add("children_per_caseworker", stat, value, "statistic", n_workers)
        spend_workers = cost.groupby(iv["caseworker_id"]).sum()
        f.add("spending_per_caseworker_mean", TOTAL, spend_workers.mean(), "statistic", len(spend_workers))

    ev = case_events[(case_events["event_date"] >= t0) & (case_events["event_date"] <= t1)]
    for event, label in EVENT_LABELS.items():
        f.add("case_events", label, int((ev["event_type"] == event).sum()), "count")
    inv = ev[(ev["event_type"] == "børnefaglig_undersøgelse") & ev["deadline_met"].notna()]
    f.add(
        "investigations_within_deadline_share",
        TOTAL,
        inv["deadline_met"].astype(bool).mean() if len(inv) else np.nan,
        "share",
        len(inv),
    )
    complaints = ev[ev["event_type"] == "klage"]["outcome"].fillna("uoplyst").value_counts()
    f.counts("complaints", complaints, ["medhold", "hjemvist", "omgjort", "uoplyst"])

    out = pd.DataFrame(f.rows)
    out.insert(0, "period_end", str(t1.date()))
    out.insert(0, "period_start", str(t0.date()))
    out.insert(0, "municipality", int(municipality))
    return out


def district_figures(
    interventions: pd.DataFrame, case_events: pd.DataFrame, t0, t1, by: str = "district"
) -> pd.DataFrame:
    """Per district (or case worker): children at the period end, placed, preventive, new
    notifications in the period, spending in the period and spending per child."""
    t0, t1 = as_date(t0), as_date(t1)
    iv = interventions.copy()
    iv[by] = iv[by].fillna("Ukendt")
    top = highest_active(iv, t1)
    cost = cost_in(iv, t0, t1)
    out = pd.DataFrame(
        {
            "children": top.groupby(by)["person_id"].nunique(),
            "placed": top[top["step"].isin(PLACEMENT_STEPS)].groupby(by)["person_id"].nunique(),
            "preventive": top[top["step"].isin(PREVENTIVE_STEPS)].groupby(by)["person_id"].nunique(),
            "spending": cost.groupby(iv[by]).sum(),
            "children_with_spending": iv.loc[cost > 0].groupby(by)["person_id"].nunique(),
        }
    ).fillna(0)
    if by == "district":
        home = iv.sort_values("start_date").drop_duplicates("person_id", keep="last").set_index("person_id")[by]
        ev = case_events[(case_events["event_date"] >= t0) & (case_events["event_date"] <= t1)]
        notes = ev[ev["event_type"] == "underretning"]["person_id"].map(home).fillna("Ukendt")
        out["notifications"] = notes.value_counts().reindex(out.index).fillna(0)
    out["placed_share"] = out["placed"] / out["children"].where(out["children"] > 0)
    from statsmodels.stats.proportion import proportion_confint  # imported here: heavy, and only used here

    low, high = proportion_confint(out["placed"], out["children"].where(out["children"] > 0), method="wilson")
    out["placed_share_ci_low"], out["placed_share_ci_high"] = low, high
    out["spending_per_child"] = out["spending"] / out["children_with_spending"].where(out["children_with_spending"] > 0)
    out = out.rename_axis(by).reset_index()
    counts = [c for c in ("children", "placed", "preventive", "children_with_spending", "notifications") if c in out]
    out[counts] = out[counts].astype(int)
    return out.sort_values(by, kind="stable").reset_index(drop=True)
