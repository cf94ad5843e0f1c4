"""Key figures of children's services (the catalogue in seeds/002 and seeds/000).

All figures are for one municipality and one period [t0, t1]: "at the period end" means
active on t1 (see :mod:`helpers.staircase`), "in the period" means in [t0, t1].

Costs: an intervention costs ``monthly_cost`` x 12 / (days in the year) per active day,
so a full year costs 12 monthly costs, as in :mod:`helpers.budget`. The budget for a
period is each year's ``budget_count`` x ``budget_unit_cost``, prorated by the period's
days in that year.

The tidy output has one row per figure and group: ``municipality``, ``period_start``,
``period_end``, ``figure``, ``group``, ``value``, plus internal columns for protection that
are not published: ``kind`` (``count``, ``amount``, ``statistic`` or ``public``), ``unit``
(what a count or amount sums: ``child``, ``placement``, ``event`` or ``intervention``),
``measure`` (the amount summed), ``members`` (the ids of the units summed), ``n`` (the number
of children or cases a figure rests on) and ``inputs`` (the rows a statistic is computed
from).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ..data.periods import age_on, as_date, days_active, year_parts
from ..data.steps import PLACEMENT_STEPS, PLACEMENT_TYPES, PREVENTIVE_STEPS, STEP_LABELS, UNKNOWN_PLACEMENT
from .budget import (
    STAIRCASE_PARTS,
    deviation_pct,
    profile_shares,
    step_budget,
    year_budget,
    year_fraction,
)
from .durations import median_duration, spells, survival_data
from .intervals import wilson
from .staircase import (
    AGE_LABELS,
    TARGET_GROUPS,
    UNKNOWN_AGE,
    UNKNOWN_GROUP,
    age_group,
    highest_active,
    target_group_levels,
)

TOTAL = "I alt"
PUBLISHED_COLUMNS = ["municipality", "period_start", "period_end", "figure", "group", "value"]
#: The share of children counted as "særligt dyre enkeltsager": seed 002 asks for "de 10 til
#: 15 procent, der udgør kommunens dyreste sager"; the default is 10 %, ``runs.yml`` may set
#: ``expensive_cases_share`` within :data:`TOP_SHARE_RANGE`.
TOP_SHARE = 0.10
TOP_SHARE_RANGE = (0.10, 0.15)


def check_top_share(share) -> float:
    """``share`` as a float within :data:`TOP_SHARE_RANGE`, or a ValueError that says why."""
    low, high = TOP_SHARE_RANGE
    try:
        value = float(share)
    except (TypeError, ValueError):
        value = float("nan")
    if not low <= value <= high:
        raise ValueError(
            f"expensive_cases_share skal være et tal mellem {low:.2f} og {high:.2f} (seed 002: de 10-15 % "
            f"dyreste sager), ikke {share!r}"
        )
    return value


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


def cost_measure(start, end) -> str:
    """The name of the amount "each intervention's cost in [start, end]" for protection: one
    name per span of days, the same in every table and period (``cost_year_2016`` for a whole
    calendar year, ``cost_2016-02-01_2016-07-31`` otherwise), so that cells of the same
    amount link and cells of different amounts never pass for one another."""
    start, end = as_date(start), as_date(end)
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"cost_year_{start.year}"
    return f"cost_{start.date()}_{end.date()}"


def committed_year(interventions: pd.DataFrame, as_of) -> pd.Series:
    """Seed 002's "forbrug + disponerede foranstaltninger" for the year of ``as_of``, per
    intervention granted by ``as_of`` (start on or before it): its cost from 1 January to its
    recorded end date or 31 December (an empty end date runs to 31 December). Measures that
    start after ``as_of`` are not in the series; nothing is assumed about new measures or
    early ends (that is the forecast, :func:`helpers.analyses.trends.forecast`)."""
    as_of = as_date(as_of)
    return cost_in(granted_by(interventions, as_of), f"{as_of.year}-01-01", f"{as_of.year}-12-31")


def granted_by(interventions: pd.DataFrame, as_of) -> pd.DataFrame:
    """The interventions known on ``as_of``: those that start on or before it."""
    return interventions[interventions["start_date"] <= pd.Timestamp(as_of)]


def budget_in(budget: pd.DataFrame, start, end, profile: pd.DataFrame | None = None) -> pd.DataFrame:
    """Budget per step for [start, end]: each year's count x unit cost, periodised by the
    municipality's monthly profile for the step (or for every step) when it has one for the
    year, else spread over the year's days (:func:`helpers.analyses.budget.year_fraction`).
    Which of the two applies, year by year, is said on the page
    (``helpers.publishing.pages.benchmarking.budget_basis_da``)."""
    rows = []
    b = step_budget(budget)
    for year, y0, y1, _ in year_parts(as_date(start), as_date(end)):
        for _, row in b[b["year"] == year].iterrows():
            shares = profile_shares(profile, year, int(row["step"]))
            rows.append(
                {
                    "step": int(row["step"]),
                    "budget": row["budget_count"] * row["budget_unit_cost"] * year_fraction(year, y0, y1, shares),
                }
            )
    if not rows:
        return pd.DataFrame(columns=["step", "budget"])
    return pd.DataFrame(rows).groupby("step", as_index=False)["budget"].sum()


class _Figures:
    def __init__(self):
        self.rows = []

    def add(self, figure, group, value, kind, n=None, unit=None, members=None, measure="count", inputs=()):
        value = float(value) if value is not None and not (isinstance(value, float) and math.isnan(value)) else np.nan
        self.rows.append(
            {
                "figure": figure,
                "group": str(group),
                "value": value,
                "kind": kind,
                "n": np.nan if n is None else float(n),
                "unit": unit,
                "measure": measure,
                "members": None if members is None else np.asarray(pd.Index(members).unique(), dtype=object),
                "inputs": tuple((f, str(g)) for f, g in inputs),
            }
        )

    def count(self, figure, group, ids, unit):
        ids = pd.Index(ids).unique()
        self.add(figure, group, len(ids), "count", len(ids), unit, ids)

    def counts(self, figure, frame: pd.DataFrame, column: str, groups, unit: str, id_column: str = "person_id"):
        """A count of distinct units per group, plus the total (groups with no one are 0)."""
        for g in groups:
            self.count(figure, g, frame.loc[frame[column] == g, id_column], unit)
        self.count(figure, TOTAL, frame[id_column], unit)

    def amount(self, figure, group, cost: pd.Series, children: pd.Series, measure: str):
        """A sum over interventions resting on ``children``; its members are the interventions
        that add to it (ids = their row labels): one that adds 0 is not part of the amount, so
        two cells of the same amount over the same paying interventions are one number."""
        members = cost.index[cost.to_numpy() != 0].astype(str)
        self.add(figure, group, cost.sum(), "amount", children.nunique(), "intervention", members, measure)

    def statistic(self, figure, group, value, n=None, inputs=()):
        self.add(figure, group, value, "statistic", n, inputs=inputs)


def step_label(step) -> str:
    """A step as the key figures name it (``4. Netværkspleje``; a step given as number or
    text); ``I alt`` stays as it is."""
    return step if step == TOTAL else f"{int(step)}. {STEP_LABELS[int(step)]}"


def new_placements(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """Placements starting in [t0, t1] for a child not placed the day before (one row per
    child and start date: ``person_id``, ``start_date``, ``step``, and the row's
    ``target_group`` and ``birth_date`` where the data have them)."""
    placements = interventions[interventions["step"].isin(PLACEMENT_STEPS)]
    columns = ["person_id", "start_date", "step", *(c for c in ("target_group", "birth_date") if c in placements)]
    starting = placements.loc[(placements["start_date"] >= t0) & (placements["start_date"] <= t1), columns].reset_index(
        drop=True
    )
    starting["day_before"] = starting["start_date"] - pd.Timedelta(days=1)
    pairs = starting.reset_index().merge(
        placements[["person_id", "start_date", "end_date"]], on="person_id", suffixes=("", "_other")
    )
    placed_before = pairs.loc[
        (pairs["start_date_other"] <= pairs["day_before"])
        & (pairs["end_date"].isna() | (pairs["end_date"] >= pairs["day_before"])),
        "index",
    ]
    return starting.drop(index=placed_before.unique()).drop_duplicates(["person_id", "start_date"])


#: The breakdown of new placements seed 002 asks for: placement step, target group and age
#: at the start of the placement (``new_placements.csv``).
NEW_PLACEMENT_BY = ("step", "target_group", "age_group")


def new_placement_children(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per new placement in [t0, t1] (:func:`new_placements`) with what it is broken
    down by: ``person_id``, ``start_date``, ``step``, ``target_group`` (of the placement's
    row) and ``age_group`` (the child's age on the start date)."""
    new = new_placements(interventions, as_date(t0), as_date(t1))
    out = new[["person_id", "start_date", "step"]].copy()
    target = new["target_group"] if "target_group" in new else pd.Series(None, index=new.index, dtype=object)
    out["target_group"] = target.astype(object).fillna(UNKNOWN_GROUP)
    if "birth_date" in new:
        ages = age_on(pd.to_datetime(new["birth_date"]), out["start_date"])
        out["age_group"] = age_group(ages).fillna(UNKNOWN_AGE)
    else:
        out["age_group"] = UNKNOWN_AGE
    out["step"] = out["step"].astype(int).astype(str)
    return out


def new_placements_by_group(children: pd.DataFrame) -> pd.DataFrame:
    """New placements by placement step, target group and age group at the start, with every
    margin (``I alt``): the number of distinct children in each cell, tidy (``step``,
    ``target_group``, ``age_group``, ``children``). Only cells with children are rows (a
    missing combination is 0); the margins are always there."""
    levels = {
        "step": [str(s) for s in PLACEMENT_STEPS],
        "target_group": target_group_levels(children["target_group"]),
        "age_group": [a for a in AGE_LABELS if a in set(children["age_group"])],
    }
    rows = []
    for step in [*levels["step"], TOTAL]:
        for group in [*levels["target_group"], TOTAL]:
            for age in [*levels["age_group"], TOTAL]:
                mask = pd.Series(True, index=children.index)
                for column, value in zip(NEW_PLACEMENT_BY, (step, group, age)):
                    if value != TOTAL:
                        mask &= children[column] == value
                n = int(children.loc[mask, "person_id"].nunique())
                if n or TOTAL in (step, group, age):
                    rows.append((step, group, age, n))
    return pd.DataFrame(rows, columns=[*NEW_PLACEMENT_BY, "children"])


def continuous_placements(interventions: pd.DataFrame) -> pd.DataFrame:
    """One row per continuous placement (:func:`helpers.analyses.durations.spells` over steps
    4-6): a child's placement rows joined when they overlap or follow each other, so that a
    move from a foster family to an institution does not end the placement.

    Columns ``person_id``, ``start_date``, ``end_date`` (NaT = no end date) and
    ``placement_id`` (``person_id|start_date``)."""
    out = spells(interventions, PLACEMENT_STEPS).rename(columns={"spell_id": "placement_id"})
    return out[["person_id", "start_date", "end_date", "placement_id"]]


def placement_durations(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The continuous placements under way at some time in [t0, t1], as survival data in days
    (:func:`helpers.analyses.durations.survival_data`: ``time``, ``ended``, ``entry``)."""
    return survival_data(continuous_placements(interventions), t0, t1)


def key_figures(
    interventions: pd.DataFrame,
    case_events: pd.DataFrame,
    budget: pd.DataFrame,
    t0,
    t1,
    municipality: int,
    top_share: float = TOP_SHARE,
    budget_profile: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every key figure for one municipality's rows and one period (tidy, unprotected);
    ``top_share``: the share of children counted as particularly expensive cases (10-15 %);
    ``budget_profile``: the municipality's monthly budget profile (optional; the period's
    budget is then periodised by it, else spread over the days)."""
    top_share = check_top_share(top_share)
    t0, t1 = as_date(t0), as_date(t1)
    f = _Figures()
    top = highest_active(interventions, t1)
    _children(f, interventions, top, t0, t1)
    cost = cost_in(interventions, t0, t1)
    _spending(f, interventions, budget, cost, t0, t1, budget_profile)
    _casework(f, interventions, top, cost, t0, t1, top_share)
    _case_events(f, case_events, t0, t1)
    out = pd.DataFrame(f.rows)
    out.insert(0, "period_end", str(t1.date()))
    out.insert(0, "period_start", str(t0.date()))
    out.insert(0, "municipality", int(municipality))
    return out


def _children(f: _Figures, iv: pd.DataFrame, top: pd.DataFrame, t0, t1) -> None:
    """Children on t1 (placed by step, target group, placement type and age; preventive),
    new placements, and the placement duration."""
    f.count("active_children", TOTAL, top["person_id"], "child")
    placed = top[top["step"].isin(PLACEMENT_STEPS)].assign(label=lambda d: d["step"].map(step_label))
    f.counts("placed_children", placed, "label", [step_label(s) for s in PLACEMENT_STEPS], "child")
    f.counts("placed_by_target_group", placed, "target_group", list(TARGET_GROUPS), "child")
    kinds = placed["placement_type"] if "placement_type" in placed else pd.Series(UNKNOWN_PLACEMENT, index=placed.index)
    placed = placed.assign(placement_type=kinds.fillna(UNKNOWN_PLACEMENT))
    present = set(iv["placement_type"].dropna()) if "placement_type" in iv else set()
    shown = [k for k in PLACEMENT_TYPES if k in present | set(placed["placement_type"])]
    f.counts("placed_by_placement_type", placed, "placement_type", shown, "child")
    placed = placed.assign(age=age_group(age_on(pd.to_datetime(placed["birth_date"]), t1)).fillna(UNKNOWN_AGE))
    f.counts("placed_by_age_group", placed, "age", AGE_LABELS, "child")

    new = new_placements(iv, t0, t1)
    new = new.assign(label=new["step"].map(step_label), unit_id=new["person_id"] + "|" + new["start_date"].astype(str))
    f.counts("new_placements", new, "label", [step_label(s) for s in PLACEMENT_STEPS], "placement", "unit_id")

    # Placement duration per continuous placement, with the placements under way at t1 as
    # censored observations: the Kaplan-Meier median (seeds/002: "opgøres samlet for alle anbringelser").
    durations = placement_durations(iv, t0, t1)
    f.count("placements_for_duration", TOTAL, durations["placement_id"], "placement")
    f.count("placements_ended", TOTAL, durations.loc[durations["ended"], "placement_id"], "placement")
    inputs = [("placements_for_duration", TOTAL), ("placements_ended", TOTAL)]
    for stat, value in zip(("median", "ci_low", "ci_high"), median_duration(durations)):
        f.statistic("placement_duration_days", stat, value, durations["person_id"].nunique(), inputs=inputs)

    preventive = top[top["step"].isin(PREVENTIVE_STEPS)].assign(label=lambda d: d["step"].map(step_label))
    f.counts("preventive_children", preventive, "label", [step_label(s) for s in PREVENTIVE_STEPS], "child")
    # The duration of preventive measures (mean, shortest, longest, median; per type and
    # target group) is the staircase page's durations table (helpers.analyses.durations).


def _spending(f: _Figures, iv: pd.DataFrame, budget: pd.DataFrame, cost: pd.Series, t0, t1, profile=None) -> None:
    """Spending in the period against the budget, per step and in all; the year's committed
    spending, budget and deviation as of t1; the shares of placements and preventive measures.
    Amounts are sums over interventions, resting on the children who have them."""
    measure = cost_measure(t0, t1)
    paying = cost > 0
    bud = budget_in(budget, t0, t1, profile).set_index("step")["budget"] if len(budget) else pd.Series(dtype=float)
    for s in sorted(set(iv["step"].dropna().astype(int)) | set(bud.index)):
        at = iv["step"] == s
        f.amount("spending", step_label(int(s)), cost[at], iv.loc[at & paying, "person_id"], measure)
        f.add("budget", step_label(int(s)), bud.get(s, np.nan), "public")
        if bud.get(s, 0) > 0:
            f.statistic(
                "spending_vs_budget_pct",
                step_label(int(s)),
                100 * cost[at].sum() / bud[s],
                inputs=[("spending", step_label(int(s)))],
            )
    f.amount("spending", TOTAL, cost, iv.loc[paying, "person_id"], measure)
    f.add("budget", TOTAL, bud.sum() if len(bud) else np.nan, "public")
    if len(bud) and bud.sum() > 0:
        f.statistic("spending_vs_budget_pct", TOTAL, 100 * cost.sum() / bud.sum(), inputs=[("spending", TOTAL)])

    # The year's economy as of t1 (one definition each, shared with the forecast and the
    # budget follow-up): spending + granted measures to their end, the budget, the deviation.
    year = t1.year
    committed = committed_year(iv, t1)
    f.amount(
        "spending_committed_year",
        TOTAL,
        committed,
        iv.loc[committed.index[committed > 0], "person_id"],
        cost_measure(f"{year}-01-01", f"{year}-12-31"),
    )
    year_total = year_budget(budget, year)
    f.add("budget_year", TOTAL, np.nan if year_total is None else year_total, "public")
    deviation = deviation_pct(year_total, committed.sum())
    if not math.isnan(deviation):
        f.statistic("budget_deviation_pct", TOTAL, deviation, inputs=[("spending_committed_year", TOTAL)])
        f.statistic("budget_precision_pct", TOTAL, abs(deviation), inputs=[("spending_committed_year", TOTAL)])

    for label, steps in STAIRCASE_PARTS.items():
        kind = iv["step"].isin(steps)
        _spending_part(
            f, "spending_by_kind", "spending_share", label, cost, kind, iv.loc[kind & paying, "person_id"], measure
        )
    # Spending per target group (seeds/004, Deloitte/KLK: "udgifter til konkrete målgrupper"): the group of each
    # intervention, as granted.
    groups = iv["target_group"].astype(object).fillna(UNKNOWN_GROUP) if "target_group" in iv else None
    for label in target_group_levels(groups) if groups is not None else []:
        at = groups == label
        children = iv.loc[at & paying, "person_id"]
        _spending_part(f, "spending_by_target_group", "spending_target_group_share", label, cost, at, children, measure)


def _spending_part(f: _Figures, figure: str, share: str, label, cost: pd.Series, part, children, measure: str):
    """A part of the period's spending (``cost[part]``, resting on ``children``) and its share
    of the whole (``spending``, ``I alt``)."""
    total = cost.sum()
    f.amount(figure, label, cost[part], children, measure)
    f.statistic(
        share, label, cost[part].sum() / total if total else np.nan, inputs=[(figure, label), ("spending", TOTAL)]
    )


def _casework(f: _Figures, iv: pd.DataFrame, top: pd.DataFrame, cost: pd.Series, t0, t1, top_share: float) -> None:
    """The most expensive cases (the ``top_share`` of the children with spending in the
    period, rounded up; seed 002's "særligt dyre enkeltsager") with their spending and their
    forecast for the year, spending by provider, children and spending per caseworker."""
    measure = cost_measure(t0, t1)
    paying = cost > 0
    total_cost = cost.sum()
    per_child = cost.groupby(iv["person_id"]).sum()
    per_child = per_child[per_child > 0].sort_values(ascending=False, kind="stable")
    f.add("top_cases_share_chosen", TOTAL, top_share, "public")
    n_top = math.ceil(round(top_share * len(per_child), 9))
    top_children = per_child.index[:n_top]
    f.count("top_cases", TOTAL, top_children, "child")
    in_top = iv["person_id"].isin(top_children)
    f.amount("top_cases_spending", TOTAL, cost[in_top], iv.loc[in_top & paying, "person_id"], measure)
    f.statistic(
        "top_cases_spending_share",
        TOTAL,
        cost[in_top].sum() / total_cost if total_cost else np.nan,
        inputs=[("top_cases_spending", TOTAL), ("spending", TOTAL)],
    )
    # "både ressourceforbrug og prognose": the same children's committed spending for the
    # year of t1 (spending so far + granted measures to their end), as spending_committed_year
    committed = committed_year(iv, t1)
    top_committed = committed[iv.loc[committed.index, "person_id"].isin(top_children)]
    f.amount(
        "top_cases_committed_year",
        TOTAL,
        top_committed,
        iv.loc[top_committed.index[top_committed > 0], "person_id"],
        cost_measure(f"{t1.year}-01-01", f"{t1.year}-12-31"),
    )
    f.statistic(
        "top_cases_committed_share",
        TOTAL,
        top_committed.sum() / committed.sum() if committed.sum() else np.nan,
        inputs=[("top_cases_committed_year", TOTAL), ("spending_committed_year", TOTAL)],
    )

    provider = iv["provider_type"].fillna("ukendt")
    for p in ("egen", "privat", "anden kommune", "region", "ukendt"):
        mask = provider == p
        if mask.any():
            children = iv.loc[mask & paying, "person_id"]
            _spending_part(f, "provider_spending", "provider_spending_share", p, cost, mask, children, measure)

    if "caseworker_id" in iv and iv["caseworker_id"].notna().any():
        assigned = top.dropna(subset=["caseworker_id"])
        placed = assigned["step"].isin(PLACEMENT_STEPS)
        # seed 002 ("Sager per sagsbehandler"): in all, and placements and other cases apart,
        # each over the case workers with at least one such child
        for figure, part in (
            ("children_per_caseworker", assigned),
            ("placed_per_caseworker", assigned[placed]),
            ("preventive_per_caseworker", assigned[~placed]),
        ):
            workers = part.groupby("caseworker_id")["person_id"].nunique()
            if len(workers):
                for stat, value in (("gennemsnit", workers.mean()), ("median", workers.median())):
                    f.statistic(figure, stat, value, len(workers))
        spend_workers = cost.groupby(iv["caseworker_id"]).sum()
        f.statistic("spending_per_caseworker_mean", TOTAL, spend_workers.mean(), len(spend_workers))


def events_in(case_events: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The case events in [t0, t1]: the key figures' events. Every table that counts events
    takes them from here, with their row labels as units, so that the tables count the same
    units and are protected together."""
    dates = pd.to_datetime(case_events["event_date"])
    return case_events[(dates >= as_date(t0)) & (dates <= as_date(t1))]


def _case_events(f: _Figures, case_events: pd.DataFrame, t0, t1) -> None:
    """Notifications and other case events, investigations within the deadline, complaints."""
    ev = events_in(case_events, t0, t1)
    ev = ev.assign(unit_id=ev.index.astype(str))
    for event, label in EVENT_LABELS.items():
        f.count("case_events", label, ev.loc[ev["event_type"] == event, "unit_id"], "event")
    inv = ev[(ev["event_type"] == "børnefaglig_undersøgelse") & ev["deadline_met"].notna()]
    f.count("investigations_with_deadline", TOTAL, inv["unit_id"], "event")
    f.count("investigations_within_deadline", TOTAL, inv.loc[inv["deadline_met"].astype(bool), "unit_id"], "event")
    f.statistic(
        "investigations_within_deadline_share",
        TOTAL,
        inv["deadline_met"].astype(bool).mean() if len(inv) else np.nan,
        inputs=[("investigations_within_deadline", TOTAL), ("investigations_with_deadline", TOTAL)],
    )
    complaints = ev[ev["event_type"] == "klage"].assign(outcome=lambda d: d["outcome"].fillna("uoplyst"))
    f.counts("complaints", complaints, "outcome", ["medhold", "hjemvist", "omgjort", "uoplyst"], "event", "unit_id")


#: The case events seed 002 asks for by age: "Antal nye sager, underretninger", "opdelt på
#: aldersgrupper" (``case_events_by_age.csv``).
AGE_EVENTS = ("underretning", "ny_sag")
EVENTS_BY_AGE_COLUMNS = ["event_type", "age_group", "events"]


def case_event_ages(interventions: pd.DataFrame, case_events: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per notification or new case in [t0, t1] (``event_type``), with ``age_group``
    (the child's age on the event date, from the birth date on the child's interventions;
    "Ukendt" for a child with none) and ``unit_id`` (the event, as in the key figures)."""
    columns = ["event_type", "age_group", "unit_id"]
    if case_events is None or case_events.empty:
        return pd.DataFrame(columns=columns)
    ev = events_in(case_events, t0, t1)
    ev = ev[ev["event_type"].isin(AGE_EVENTS)]
    out = pd.DataFrame({"event_type": ev["event_type"].to_numpy(dtype=object)}, index=ev.index)
    born = pd.Series(dtype="datetime64[ns]")
    if interventions is not None and "birth_date" in interventions and len(interventions):
        known = interventions.dropna(subset=["birth_date"]).sort_values("start_date", kind="stable")
        born = pd.to_datetime(known.drop_duplicates("person_id").set_index("person_id")["birth_date"])
    birth = pd.to_datetime(ev["person_id"].map(born))
    out["age_group"] = age_group(age_on(birth, pd.to_datetime(ev["event_date"]))).fillna(UNKNOWN_AGE)
    out["unit_id"] = ev.index.astype(str)
    return out.reset_index(drop=True)


def case_events_by_age(events: pd.DataFrame) -> pd.DataFrame:
    """Notifications and new cases in the period by the child's age on the day, tidy
    (``event_type``, ``age_group``, ``events``): per event type its ``I alt`` row (also
    when 0) and the age groups with events."""
    rows = []
    for event in AGE_EVENTS:
        part = events[events["event_type"] == event]
        rows.append((event, TOTAL, len(part)))
        counts = part["age_group"].value_counts()
        rows += [(event, age, int(counts[age])) for age in AGE_LABELS if age in counts.index]
    return pd.DataFrame(rows, columns=EVENTS_BY_AGE_COLUMNS).astype({"events": int})


#: The statutory deadline of each case event type the contract's ``deadline_met`` can
#: refer to (seed 002: "Sagsbehandlingsfrister overholdt", per deadline type). An event type
#: with ``deadline_met`` recorded that is not listed here is shown as "Anden registreret frist".
DEADLINES = {
    "underretning": "Vurdering inden for 24 timer (serviceloven § 155, stk. 2)",
    "børnefaglig_undersøgelse": "Afsluttet inden for 4 måneder (serviceloven § 50, stk. 7)",
    "klage": "Afgørelsen genvurderet inden for 4 uger (retssikkerhedsloven)",
}
OTHER_DEADLINE = "Anden registreret frist"
DEADLINE_COLUMNS = ["event_type", "deadline", "events", "within_deadline", "share", "ci_low", "ci_high"]


def deadline_events(case_events: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per case event in [t0, t1] with ``deadline_met`` recorded: ``event_type``,
    ``met`` (bool) and ``unit_id`` (the event, as in the key figures)."""
    columns = ["event_type", "met", "unit_id"]
    if case_events is None or case_events.empty or "deadline_met" not in case_events:
        return pd.DataFrame(columns=columns)
    ev = events_in(case_events, t0, t1)
    ev = ev[ev["deadline_met"].notna()]
    return pd.DataFrame(
        {
            "event_type": ev["event_type"].to_numpy(dtype=object),
            "met": ev["deadline_met"].astype(bool).to_numpy(),
            "unit_id": ev.index.astype(str),
        },
        columns=columns,
    )


def deadlines_by_type(events: pd.DataFrame) -> pd.DataFrame:
    """Deadlines kept per deadline type, tidy: ``event_type``, ``deadline`` (the statutory
    deadline in Danish), ``events`` with the deadline recorded, ``within_deadline``, the
    ``share`` kept and its 95 % Wilson interval. One row per event type with a recorded
    deadline, in the order of :data:`DEADLINES` and then :data:`EVENT_LABELS`; no total, as
    deadlines of different kinds do not add up to one figure."""
    order = list(DEADLINES) + [e for e in EVENT_LABELS if e not in DEADLINES]
    present = set(events["event_type"])
    order += sorted(str(e) for e in present if e not in order)
    rows = []
    for event in (e for e in order if e in present):
        part = events[events["event_type"] == event]
        n, kept = len(part), int(part["met"].sum())
        low, high = wilson(kept, n)
        rows.append((event, DEADLINES.get(event, OTHER_DEADLINE), n, kept, kept / n, float(low), float(high)))
    return pd.DataFrame(rows, columns=DEADLINE_COLUMNS).astype({"events": int, "within_deadline": int})


def district_units(interventions: pd.DataFrame, case_events: pd.DataFrame, t0, t1, by: str = "district") -> dict:
    """The units behind the district (or case-worker) figures, each with its ``by`` value:
    ``children`` (active on t1, with ``step``), ``placed`` and ``preventive`` (those of them
    on steps 4-6 and 1-3), ``paying`` (children with a cost in the period), ``interventions``
    (with their ``cost`` in the period) and ``notifications`` (case events, by the district
    of the child's latest intervention)."""
    t0, t1 = as_date(t0), as_date(t1)
    iv = interventions.copy()
    iv[by] = iv[by].fillna("Ukendt")
    iv["cost"] = cost_in(iv, t0, t1)
    top = highest_active(iv, t1)
    children = top[["person_id", by, "step"]].rename(columns={"person_id": "unit_id"})
    units = {
        "children": children,
        "placed": children[children["step"].isin(PLACEMENT_STEPS)],
        "preventive": children[children["step"].isin(PREVENTIVE_STEPS)],
        "paying": iv.loc[iv["cost"] > 0, ["person_id", by]].drop_duplicates().rename(columns={"person_id": "unit_id"}),
        "interventions": iv[[by, "cost", "person_id"]].assign(unit_id=iv.index.astype(str)),
    }
    if by == "district":
        home = iv.sort_values("start_date").drop_duplicates("person_id", keep="last").set_index("person_id")[by]
        ev = case_events[(case_events["event_date"] >= t0) & (case_events["event_date"] <= t1)]
        notes = ev[ev["event_type"] == "underretning"]
        units["notifications"] = pd.DataFrame(
            {"unit_id": notes.index.astype(str), by: notes["person_id"].map(home).fillna("Ukendt").to_numpy()}
        )
    return units


#: Placed children per district as Aalborg reports them each month (KORA, seeds/000: per
#: district, placements by type and placements by age): the placement step and the age
#: group each against the district, never all three at once (``placements_by_district.csv``).
PLACEMENT_DISTRICT_BY = ("district", "step", "age_group")
UNKNOWN_DISTRICT = "Ukendt"


def children_by_district(interventions: pd.DataFrame, t1) -> pd.DataFrame:
    """One row per child with an intervention on ``t1`` (the ``children`` of
    :func:`district_units`): ``person_id``, ``district`` (of the intervention that sets the
    child's step, ``Ukendt`` when missing), ``step`` (as text) and ``age_group`` (age on
    ``t1``; ``Ukendt`` without a birth date). The placed are those on steps 4-6."""
    t1 = as_date(t1)
    top = highest_active(interventions, t1)
    district = top["district"] if "district" in top else pd.Series(None, index=top.index, dtype=object)
    born = top["birth_date"] if "birth_date" in top else pd.Series(pd.NaT, index=top.index)
    return pd.DataFrame(
        {
            "person_id": top["person_id"].to_numpy(),
            "district": district.astype(object).fillna(UNKNOWN_DISTRICT).to_numpy(),
            "step": top["step"].astype(int).astype(str).to_numpy(),
            "age_group": age_group(age_on(pd.to_datetime(born), t1)).fillna(UNKNOWN_AGE).to_numpy(),
        }
    )


def placed_of(children: pd.DataFrame) -> pd.DataFrame:
    """The placed (steps 4-6) of :func:`children_by_district`."""
    return children[children["step"].isin([str(s) for s in PLACEMENT_STEPS])]


def placements_by_district(children: pd.DataFrame) -> pd.DataFrame:
    """Placed children per district of :func:`children_by_district` (every district of the
    children, sorted, ``Ukendt`` last, then ``I alt``): all of the district's placed, then
    by placement step (4-6) and by age group (those with placed children anywhere), tidy
    (``district``, ``step``, ``age_group``, ``children``: distinct children; ``I alt`` where
    a column is not broken down). Steps, age groups and districts without placed children
    are rows of 0."""
    present = set(children["district"])
    names = sorted(present - {UNKNOWN_DISTRICT}) + ([UNKNOWN_DISTRICT] if UNKNOWN_DISTRICT in present else [])
    placed = placed_of(children)
    ages = [a for a in AGE_LABELS if a in set(placed["age_group"])]
    rows = []
    for district in [*names, TOTAL]:
        part = placed if district == TOTAL else placed[placed["district"] == district]
        rows.append((district, TOTAL, TOTAL, part["person_id"].nunique()))
        rows += [
            (district, s, TOTAL, part.loc[part["step"] == s, "person_id"].nunique()) for s in map(str, PLACEMENT_STEPS)
        ]
        rows += [(district, TOTAL, a, part.loc[part["age_group"] == a, "person_id"].nunique()) for a in ages]
    return pd.DataFrame(rows, columns=[*PLACEMENT_DISTRICT_BY, "children"]).astype({"children": int})


def district_figures(
    interventions: pd.DataFrame, case_events: pd.DataFrame, t0, t1, by: str = "district"
) -> pd.DataFrame:
    """Per district (or case worker): children at the period end, placed, preventive, new
    notifications in the period, spending in the period and spending per child, with a
    95 % Wilson interval for the share placed."""
    units = district_units(interventions, case_events, t0, t1, by)
    children = units["children"]
    out = pd.DataFrame(
        {
            "children": children.groupby(by)["unit_id"].nunique(),
            "placed": units["placed"].groupby(by)["unit_id"].nunique(),
            "preventive": units["preventive"].groupby(by)["unit_id"].nunique(),
            "spending": units["interventions"].groupby(by)["cost"].sum(),
            "children_with_spending": units["paying"].groupby(by)["unit_id"].nunique(),
        }
    ).fillna(0)
    if "notifications" in units:
        out["notifications"] = units["notifications"][by].value_counts().reindex(out.index).fillna(0)
    out["placed_share"] = out["placed"] / out["children"].where(out["children"] > 0)
    from statsmodels.stats.proportion import proportion_confint  # imported here: heavy, and only used here

    low, high = proportion_confint(out["placed"], out["children"].where(out["children"] > 0), method="wilson")
    out["placed_share_ci_low"], out["placed_share_ci_high"] = low, high
    out["spending_per_child"] = out["spending"] / out["children_with_spending"].where(out["children_with_spending"] > 0)
    out = out.rename_axis(by).reset_index()
    counts = [c for c in ("children", "placed", "preventive", "children_with_spending", "notifications") if c in out]
    out[counts] = out[counts].astype(int)
    return out.sort_values(by, kind="stable").reset_index(drop=True)
