"""Outcomes of children's interventions (seeds/002: "skolefravær for udsatte børn og unge"
and "målopfyldelse, udvikling/fastholdelse af funktionsniveau"), from the contract table
``child_outcomes`` (``person_id``, ``date``, ``indicator``, ``value``).

- School absence (``school_absence_pct``) per calendar year and step: a measurement belongs
  to the child's highest step active on its date (as on the staircase); measurements of a
  child with no active intervention that day are left out. Each child counts once per year
  and step with the mean of its measurements there (``I alt``: of all its measurements in
  the year); the mean over children has a 95 % t interval.
- School absence by kind and age (seed 002: "Skolefravær ... anbragte og børn med
  forebyggende foranstaltninger; aldersgrupper"): over the whole period, a measurement
  belongs to placed (step 4-6 that day) or preventive (1-3) and to the child's age group on
  its date (birth date of the intervention that gives the step); each child counts once
  per row with the mean of its measurements there, so a child who moved from preventive to
  placed, or into another age group, is in both rows and once in ``I alt``.
- Change in function score (``function_score``): per child with at least two measurements
  in the period, the last minus the first; by the step at the first measurement (children
  with no active intervention then are left out); mean with a 95 % t interval.
- Goal attainment (``goal_met``, 1 = the goal of the child's plan is met, 0 = not): per child
  its last assessment in the period, placed (step 4-6 that day) or preventive (1-3), and the
  target group of the intervention that gives the step; the share met with a 95 % Wilson
  interval, in all, for placed and preventive, and per target group (seed 002: "opgøres for
  anbragte og børn med forebyggende foranstaltninger ... handicappede og socialt udsatte").

Tidy frames in and out; steps as text and a row ``I alt``.
"""

from __future__ import annotations

import pandas as pd

from ..data.periods import age_on, as_date
from ..data.steps import PLACEMENT_STEPS
from .intervals import t_interval, wilson
from .staircase import AGE_LABELS, UNKNOWN_AGE, UNKNOWN_GROUP, age_group, target_group_levels

TOTAL = "I alt"
ABSENCE, FUNCTION, GOAL = "school_absence_pct", "function_score", "goal_met"
ABSENCE_COLUMNS = ["year", "step", "children", "mean_absence_pct", "ci_low", "ci_high"]
ABSENCE_GROUP_COLUMNS = ["kind", "age_group", "children", "mean_absence_pct", "ci_low", "ci_high"]
CHANGE_COLUMNS = ["step", "children", "mean_change", "ci_low", "ci_high"]
GOAL_COLUMNS = ["kind", "target_group", "children", "goal_met", "share", "ci_low", "ci_high"]
#: placed (steps 4-6) or preventive (1-3): the child's highest step on the assessment's date
GOAL_KINDS = ("placed", "preventive")


def measurements(outcomes: pd.DataFrame, indicator: str, t0, t1) -> pd.DataFrame:
    """One indicator's measurements dated in [t0, t1] (``person_id``, ``date``, ``value``)."""
    if outcomes is None or outcomes.empty or "indicator" not in outcomes:
        return pd.DataFrame(columns=["person_id", "date", "value"])
    t0, t1 = as_date(t0), as_date(t1)
    rows = outcomes[outcomes["indicator"] == indicator]
    dates = pd.to_datetime(rows["date"])
    rows = rows[(dates >= t0) & (dates <= t1)]
    out = pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(dtype=object),
            "date": pd.to_datetime(rows["date"]).to_numpy(),
            "value": pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype=float),
        }
    )
    return out.dropna(subset=["value"]).reset_index(drop=True)


def step_on_date(rows: pd.DataFrame, interventions: pd.DataFrame) -> pd.Series:
    """Per row (``person_id``, ``date``): the child's highest step among its interventions
    active that day (start <= date and (no end or end >= date)), as text; NA when none."""
    return defining_rows(rows, interventions)["step"]


def _absence_rows(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The period's absence measurements with the child's ``step`` that day and the
    ``year``; measurements with no active intervention are left out."""
    rows = measurements(outcomes, ABSENCE, t0, t1)
    rows["step"] = step_on_date(rows, interventions)
    rows = rows.dropna(subset=["step"])
    rows["year"] = rows["date"].dt.year.astype(int)
    return rows


def absence_units(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The children behind the absence table: one row per child, year and step (``unit_id``
    = the child) with the mean of its measurements there (``value``); a child's measurements
    with no active intervention are left out."""
    rows = _absence_rows(outcomes, interventions, t0, t1)
    out = rows.groupby(["year", "step", "person_id"], as_index=False)["value"].mean()
    return out.assign(unit_id=out["person_id"])


def school_absence(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """``year``, ``step`` (the steps with measurements that year, then ``I alt``), ``children``
    and the mean absence % over the children's means with its 95 % t interval."""
    rows = _absence_rows(outcomes, interventions, t0, t1)
    out = []
    for year in sorted(rows["year"].unique()):
        part = rows[rows["year"] == year]
        for step in [*sorted(part["step"].unique(), key=int), TOTAL]:
            here = part if step == TOTAL else part[part["step"] == step]
            means = here.groupby("person_id")["value"].mean()
            out.append((int(year), step, len(means), *t_interval(means)))
    return pd.DataFrame(out, columns=ABSENCE_COLUMNS).astype({"year": int, "children": int})


def absence_group_units(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The period's absence measurements on days with an active intervention, each with
    ``kind`` (placed or preventive by the step that day), ``age_group`` (the child's age
    on the date; "Ukendt" without a birth date) and ``unit_id`` (the child)."""
    columns = ["person_id", "date", "value", "kind", "age_group", "unit_id"]
    rows = measurements(outcomes, ABSENCE, t0, t1)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = pd.concat([rows, defining_rows(rows, interventions)], axis=1).dropna(subset=["step"])
    rows["kind"] = ["placed" if int(s) in PLACEMENT_STEPS else "preventive" for s in rows["step"]]
    ages = age_on(pd.to_datetime(rows["birth_date"]), rows["date"])
    rows["age_group"] = age_group(ages).fillna(UNKNOWN_AGE)
    rows["unit_id"] = rows["person_id"]
    return rows[columns].reset_index(drop=True)


def _kind_margins(frame: pd.DataFrame, column: str, levels: list[str]):
    """The rows of a table by ``kind`` (placed, preventive) and ``column`` with margins only:
    ``(kind, level, rows)`` for in all, each kind, then each level (``I alt`` for the other)."""
    keys = [(TOTAL, TOTAL), *((k, TOTAL) for k in GOAL_KINDS), *((TOTAL, v) for v in levels)]
    for kind, level in keys:
        here = frame
        if kind != TOTAL:
            here = here[here["kind"] == kind]
        if level != TOTAL:
            here = here[here[column] == level]
        yield kind, level, here


def absence_by_group(units: pd.DataFrame) -> pd.DataFrame:
    """``kind`` and ``age_group`` (``I alt`` rows: in all, placed and preventive, then each
    age group present), ``children`` measured and the mean absence % over the children's
    means in the row with its 95 % t interval. Empty when no child was measured."""
    if units.empty:
        return pd.DataFrame(columns=ABSENCE_GROUP_COLUMNS)
    ages = [a for a in AGE_LABELS if a in set(units["age_group"])]
    out = []
    for kind, age, here in _kind_margins(units, "age_group", ages):
        means = here.groupby("person_id")["value"].mean()
        out.append((kind, age, len(means), *t_interval(means)))
    return pd.DataFrame(out, columns=ABSENCE_GROUP_COLUMNS).astype({"children": int})


def function_changes(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """Per child with at least two function scores in [t0, t1]: ``first``, ``last`` (by
    date), ``change`` = last - first and ``step`` at the first measurement (NA: no active
    intervention then); ``unit_id`` = the child."""
    rows = measurements(outcomes, FUNCTION, t0, t1).sort_values(["person_id", "date"], kind="stable")
    columns = ["person_id", "first_date", "first", "last", "change", "step", "unit_id"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby("person_id", sort=True)
    out = pd.DataFrame(
        {
            "n": grouped.size(),
            "first_date": grouped["date"].first(),
            "first": grouped["value"].first(),
            "last": grouped["value"].last(),
        }
    ).reset_index()
    out = out[out["n"] >= 2].reset_index(drop=True)
    out["change"] = out["last"] - out["first"]
    out["step"] = step_on_date(out.rename(columns={"first_date": "date"}), interventions)
    out["unit_id"] = out["person_id"]
    return out[columns]


def function_change(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """``step`` (at the first measurement; then ``I alt``), ``children`` and the mean change
    in function score with its 95 % t interval (children with no step left out)."""
    units = function_changes(outcomes, interventions, t0, t1).dropna(subset=["step"])
    if units.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    out = []
    for step in [*sorted(units["step"].unique(), key=int), TOTAL]:
        here = units if step == TOTAL else units[units["step"] == step]
        out.append((step, len(here), *t_interval(here["change"])))
    return pd.DataFrame(out, columns=CHANGE_COLUMNS).astype({"children": int})


def defining_rows(rows: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """Per row (``person_id``, ``date``): the child's highest ``step`` active that day and the
    ``target_group`` and ``birth_date`` of the intervention that gives it (the earliest start
    among equal steps, as on the staircase); NA where no intervention is active."""
    out = pd.DataFrame({"step": pd.Series(pd.NA, index=rows.index, dtype=object)})
    out["target_group"] = pd.Series(pd.NA, index=rows.index, dtype=object)
    out["birth_date"] = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[ns]")
    if rows.empty or interventions is None or interventions.empty:
        return out
    target = interventions.get("target_group")
    born = interventions.get("birth_date")
    iv = pd.DataFrame(
        {
            "person_id": interventions["person_id"].to_numpy(dtype=object),
            "step": pd.to_numeric(interventions["step"], errors="coerce").to_numpy(dtype=float),
            "start": pd.to_datetime(interventions["start_date"]).to_numpy(),
            "end": pd.to_datetime(interventions["end_date"]).to_numpy(),
            "group": (target.astype(object).fillna(UNKNOWN_GROUP) if target is not None else UNKNOWN_GROUP),
            "born": pd.to_datetime(born).to_numpy() if born is not None else pd.NaT,
        }
    ).dropna(subset=["step"])
    pairs = rows[["person_id", "date"]].reset_index(names="_row").merge(iv, on="person_id")
    active = pairs[(pairs["start"] <= pairs["date"]) & (pairs["end"].isna() | (pairs["end"] >= pairs["date"]))]
    top = active.sort_values(["_row", "step", "start"], ascending=[True, False, True], kind="stable")
    top = top.drop_duplicates("_row").set_index("_row")
    out.loc[top.index, "step"] = [str(int(s)) for s in top["step"]]
    out.loc[top.index, "target_group"] = top["group"].astype(str).to_numpy()
    out.loc[top.index, "birth_date"] = pd.to_datetime(top["born"]).to_numpy()
    return out


def goal_assessments(outcomes: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """Per child with a goal assessment in [t0, t1] on a day with an active intervention:
    its last such assessment (``date``, ``met`` = value 1), ``kind`` (placed or preventive
    by the step that day), ``target_group`` and ``unit_id`` (the child)."""
    columns = ["person_id", "date", "met", "kind", "target_group", "unit_id"]
    rows = measurements(outcomes, GOAL, t0, t1)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    rows = pd.concat([rows, defining_rows(rows, interventions)], axis=1).dropna(subset=["step"])
    rows = rows.sort_values(["person_id", "date"], kind="stable").drop_duplicates("person_id", keep="last")
    rows["met"] = rows["value"] == 1.0
    rows["kind"] = ["placed" if int(s) in PLACEMENT_STEPS else "preventive" for s in rows["step"]]
    rows["unit_id"] = rows["person_id"]
    return rows[columns].reset_index(drop=True)


def goal_attainment(assessments: pd.DataFrame) -> pd.DataFrame:
    """``kind``, ``target_group`` (``I alt`` rows: in all, placed and preventive, each target
    group present), ``children`` assessed, ``goal_met`` (children whose goal was met), the
    ``share`` met and its 95 % Wilson interval. Empty when no child was assessed."""
    if assessments.empty:
        return pd.DataFrame(columns=GOAL_COLUMNS)
    out = []
    for kind, group, here in _kind_margins(
        assessments, "target_group", target_group_levels(assessments["target_group"])
    ):
        n, met = len(here), int(here["met"].sum())
        low, high = wilson(met, n)
        out.append((kind, group, n, met, met / n if n else float("nan"), float(low), float(high)))
    return pd.DataFrame(out, columns=GOAL_COLUMNS).astype({"children": int, "goal_met": int})
