"""Flows of children up and down the intervention staircase between two dates (KORA).

Definitions (data contract; KORA's Aalborg analysis, seeds/000):

* A child is *active* on ``t`` when ``start_date <= t`` and (``end_date`` is empty or
  ``end_date >= t``).
* A child's *step* on ``t`` is the highest step among its interventions active on ``t``;
  0 = no intervention on ``t``.
* The flow from ``t0`` to ``t1`` counts unique children by (step on t0, step on t1).
  "Ned ad trappen" = ended (0 on t1) + moved to a lower step; "Op ad trappen" = moved to a
  higher step, including children with no intervention on t0 ("Indsats oprettet i
  perioden"). Children with no intervention on either date are not counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import active_on, age_on, as_date, natural_key
from ..data.steps import STEP_LABELS

STEPS = (1, 2, 3, 4, 5, 6)
AGE_GROUPS = ((0, 5, "0-5 år"), (6, 11, "6-11 år"), (12, 17, "12-17 år"), (18, 22, "18-22 år"))
#: Older than the 0-22-year-olds of the children's services: a label of its own, never "Ukendt".
OLDER = "23 år og derover"
#: Only a missing birth date gives an unknown age.
UNKNOWN_AGE = "Ukendt"
AGE_LABELS = [label for _, _, label in AGE_GROUPS] + [OLDER, UNKNOWN_AGE]
#: The contract's target groups of children's interventions, in the order tables show them;
#: a row without one is "Ukendt".
TARGET_GROUPS = ("udsat", "handicap")
UNKNOWN_GROUP = "Ukendt"


def target_group_levels(values) -> list[str]:
    """The target groups among ``values`` in table order: udsat, handicap, then any other
    (e.g. "Ukendt") alphabetically."""
    present = set(values)
    return [*(g for g in TARGET_GROUPS if g in present), *sorted(present - set(TARGET_GROUPS))]


DIRECTIONS = ("ned", "samme", "op")
DIRECTION_LABELS = {"ned": "Ned ad trappen (inkl. ophørte)", "samme": "Samme trin", "op": "Op ad trappen"}
BREAKDOWNS = {"district": "Distrikt", "target_group": "Målgruppe", "age_group": "Aldersgruppe"}
#: The staircase's two halves: the breakdowns by district, target group and age start from
#: these rather than from each step (per step they would mostly rest on 1-4 children and be
#: withheld; seed 002 asks for preventive measures and placements, not each step).
STEP_GROUPS = {1: "1-3", 2: "1-3", 3: "1-3", 4: "4-6", 5: "4-6", 6: "4-6"}
STEP_GROUP_LABELS = {"1-3": "Trin 1–3 (forebyggende)", "4-6": "Trin 4–6 (anbringelser)"}
ROW_NEW = "0. Indsats oprettet i perioden"
ROW_TOTAL = "I alt unikke cpr"
FLOW_COLUMNS = ["Unikke cpr", "Ned ad trappen", "Ophørte", "1", "2", "3", "4", "5", "6", "Op ad trappen"]


def step_on(interventions: pd.DataFrame, t) -> pd.Series:
    """Highest active step per child (``person_id``) on ``t``; children not active are absent."""
    active = interventions.loc[active_on(interventions, t), ["person_id", "step"]]
    return active.groupby("person_id")["step"].max().astype(int)


def child_steps(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per child active on t0 or t1: ``person_id``, ``from_step``, ``to_step``."""
    s0, s1 = step_on(interventions, t0), step_on(interventions, t1)
    both = pd.concat([s0.rename("from_step"), s1.rename("to_step")], axis=1).fillna(0).astype(int)
    return both.rename_axis("person_id").reset_index()


def transitions(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """Unique children by step on ``t0`` and step on ``t1`` (raw, unsuppressed).

    Columns ``from_step``, ``to_step``, ``children`` (int; 0 = no intervention on that
    date), one row per non-zero cell, sorted by from_step then to_step.
    """
    steps = child_steps(interventions, t0, t1)
    counts = steps.groupby(["from_step", "to_step"]).size().rename("children").reset_index()
    return counts.astype({"from_step": int, "to_step": int, "children": int})


def cell_matrix(trans: pd.DataFrame) -> pd.DataFrame:
    """Transitions as a 7 x 7 matrix (from 0-6 x to 0-6) of children; missing cells = 0."""
    matrix = trans.pivot(index="from_step", columns="to_step", values="children")  # one row per cell
    return matrix.reindex(index=range(7), columns=range(7)).fillna(0).astype(int)


def flow_table(trans: pd.DataFrame) -> pd.DataFrame:
    """KORA's published layout of a transitions table (Danish labels, raw counts).

    Rows: steps 6 -> 1, "0. Indsats oprettet i perioden", "I alt unikke cpr". Columns:
    "Unikke cpr", "Ned ad trappen" (ended + lower), "Ophørte", steps 1-6, "Op ad trappen".
    Row 0 has no "Unikke cpr", "Ned ad trappen" or "Ophørte" (empty cells).
    """
    m = cell_matrix(trans)
    rows = []
    for a in list(reversed(STEPS)) + [0]:
        cells = m.loc[a]
        label = f"{a}. {STEP_LABELS[a]}" if a else ROW_NEW
        down = int(cells[0] + sum(cells[b] for b in STEPS if b < a)) if a else np.nan
        up = int(sum(cells[b] for b in STEPS if b > a))
        rows.append(
            [label, int(cells.sum()) if a else np.nan, down, int(cells[0]) if a else np.nan]
            + [int(cells[b]) for b in STEPS]
            + [up]
        )
    table = pd.DataFrame(rows, columns=["Trin i starten"] + FLOW_COLUMNS).set_index("Trin i starten")
    total = table.sum()
    table.loc[ROW_TOTAL] = total
    return table.astype("Int64")


def direction(from_step: pd.Series, to_step: pd.Series) -> pd.Series:
    """``ned`` (ended or lower), ``samme`` or ``op`` for each child."""
    return pd.Series(
        np.select([to_step < from_step, to_step > from_step], ["ned", "op"], "samme"), index=from_step.index
    )


def movement_shares(
    steps: pd.DataFrame, by: str | None = None, alpha: float = 0.05, start: str = "from_step"
) -> pd.DataFrame:
    """Share of children moving down, staying and moving up per starting step (t0 step >= 1).

    ``steps`` as from :func:`child_steps` (optionally with a grouping column ``by``).
    Columns: [by], ``from_step``, ``direction``, ``children``, ``n`` (children on the step),
    ``share``, ``ci_low``, ``ci_high``: simultaneous 95 % intervals for the three shares
    (Goodman's multinomial intervals, statsmodels ``multinomial_proportions_confint``).
    ``start="step_group"``: per half of the staircase (:data:`STEP_GROUPS`) instead of per
    step; the direction is still the child's move from its own step.
    """
    from statsmodels.stats.proportion import multinomial_proportions_confint  # heavy import, only needed here

    started = steps[steps["from_step"] > 0].assign(
        direction=lambda d: direction(d["from_step"], d["to_step"]),
        step_group=lambda d: d["from_step"].map(STEP_GROUPS),
    )
    keys = ([by] if by else []) + [start]
    rows = []
    for key, group in started.groupby(keys):  # a tuple of the keys' values (never an empty group)
        counts = group["direction"].value_counts().reindex(DIRECTIONS, fill_value=0).to_numpy()
        n = int(counts.sum())
        ci = multinomial_proportions_confint(counts, alpha=alpha, method="goodman")
        for d, c, (lo, hi) in zip(DIRECTIONS, counts, ci):
            rows.append(
                dict(zip(keys, key))
                | {
                    "direction": d,
                    "children": int(c),
                    "n": n,
                    "share": c / n,
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                }
            )
    columns = keys + ["direction", "children", "n", "share", "ci_low", "ci_high"]
    out = pd.DataFrame(rows, columns=columns)
    if by:  # groups in their natural order (0-5 år before 6-11 år), each group's rows as made
        order = sorted(range(len(out)), key=lambda i: natural_key(out[by].iloc[i]))
        out = out.iloc[order].reset_index(drop=True)
    return out


def age_group(age_years: pd.Series) -> pd.Series:
    """Age groups 0-5, 6-11, 12-17, 18-22 and "23 år og derover"; NA only where the age is
    unknown (no birth date). A child not born yet on the date (a placement decided before
    birth) counts as 0-5."""
    out = pd.Series(pd.NA, index=age_years.index, dtype=object)
    ages = age_years.clip(lower=0)
    for lo, hi, label in AGE_GROUPS:
        out[(ages >= lo) & (ages <= hi)] = label
    out[ages > AGE_GROUPS[-1][1]] = OLDER
    return out


def highest_active(interventions: pd.DataFrame, t) -> pd.DataFrame:
    """Per child, the intervention that sets its step on ``t``: the highest active step,
    the earliest start among equals."""
    active = interventions.loc[active_on(interventions, t)]
    top = active.sort_values(["person_id", "step", "start_date"], ascending=[True, False, True], kind="stable")
    return top.drop_duplicates("person_id")


def child_attributes(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """District, target group and age group (at t0) per child, from the intervention that
    defines its step on t0 (or on t1 for children who start in the period)."""
    defining = pd.concat([highest_active(interventions, t0), highest_active(interventions, t1)]).drop_duplicates(
        "person_id"
    )
    out = pd.DataFrame({"person_id": defining["person_id"].to_numpy()})
    for column in ("district", "target_group"):
        out[column] = defining[column].fillna("Ukendt").to_numpy() if column in defining else "Ukendt"
    born = defining["birth_date"] if "birth_date" in defining else pd.Series(pd.NaT, index=defining.index)
    out["age_group"] = age_group(age_on(pd.to_datetime(born), t0)).fillna(UNKNOWN_AGE).to_numpy()
    return out


def flows_with_attributes(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """:func:`child_steps` joined with :func:`child_attributes`."""
    return child_steps(interventions, t0, t1).merge(child_attributes(interventions, t0, t1), on="person_id", how="left")


class StaircaseResult:
    """Everything the staircase page shows, computed once."""

    def __init__(self, interventions: pd.DataFrame, t0, t1):
        self.t0, self.t1 = as_date(t0), as_date(t1)
        self.transitions = transitions(interventions, self.t0, self.t1)
        self.steps = (
            flows_with_attributes(interventions, self.t0, self.t1)
            if len(self.transitions)
            else pd.DataFrame(columns=["person_id", "from_step", "to_step", "district", "target_group", "age_group"])
        )
        self.matrix = cell_matrix(self.transitions)
        self.flow_table = flow_table(self.transitions)
        self.shares = movement_shares(self.steps)

    @property
    def empty(self) -> bool:
        return self.transitions.empty

    def shares_by(self, by: str) -> pd.DataFrame:
        """Movement shares per group of ``by`` and half of the staircase (``step_group``)."""
        return movement_shares(self.steps, by=by, start="step_group")


def analyse(interventions: pd.DataFrame, t0, t1) -> StaircaseResult:
    """Transitions, flow table and movement shares of one municipality's interventions."""
    return StaircaseResult(interventions, t0, t1)
