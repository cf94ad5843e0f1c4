"""Durations of placements and preventive measures, as seed 002 asks for them.

Seed 002 (Socialstyrelsen) asks for the duration of placements ("gennemsnitlig varighed,
minimumsvarighed og maksimal varighed ... for henholdsvis handicappede børn og socialt
udsatte børn") and of preventive measures ("på foranstaltningstyper ... den mindste, længste
og gennemsnitlige varighed ... handicappede / socialt udsatte").

A duration is that of a *spell*: a child's rows of one kind joined when they overlap or
follow each other (a row starting at most one day after the latest end so far), so that a
move from a foster family to an institution does not end the placement, and a new grant of
the same support the day after the last does not start a new one.

- **All spells of a kind and per target group**: rows on the placement steps 4-6 (or the
  preventive steps 1-3) joined across steps; the target group is that of the spell's first
  row.
- **Per type**: rows of one step joined; the step is the measure type the contract defines
  for every municipality (the placement type and the paragraph are in the mapping only).
- **Per placement type** (VIVE, seed 001: to follow the long institution placements): a
  placement's rows of one placement type of the mapping (on one step) joined. A spell that is
  also a spell of its step (the same child, days and step) keeps the step spell's id, so that
  the two tables count the same unit by one name and are protected together.

Two measures for each group, both in days (both ends included):

- the **Kaplan-Meier median** of the spells under way at some time in [t0, t1], with the
  spells still under way at t1 censored and those that started before t0 entering late
  (delayed entry): the measure the book reads, since it is not biased towards short spells;
- the **mean, shortest and longest** of the spells *completed* in the period (end date in
  [t0, t1]): the source's definition. Completed spells over-represent short ones (a long
  spell is less likely to end in a given period), as the method page says. The shortest and
  longest are counted in whole months (30.4375 days, rounded down): they are single spells,
  and are shown only when at least 5 children share the value (the disclosure rule).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import active_in, as_date
from ..data.steps import PLACEMENT_STEPS, PLACEMENT_TYPES, PREVENTIVE_STEPS, UNKNOWN_PLACEMENT
from .staircase import UNKNOWN_GROUP, target_group_levels
from .survival import median_with_interval

TOTAL = "I alt"
#: The two kinds of spell, as the tables name them, and their steps.
KINDS = {"placement": PLACEMENT_STEPS, "preventive": PREVENTIVE_STEPS}
#: Days in a month (a Gregorian year / 12) for the shortest and longest spell in whole months.
DAYS_PER_MONTH = 365.25 / 12
_OPEN_END = pd.Timestamp("2262-01-01")  # an empty end date: later than any date of the contract
#: The numbers of one group (:func:`summary`), in the tables' order.
SUMMARY_COLUMNS = [
    "under_way",
    "completed",
    "mean_days",
    "min_months",
    "max_months",
    "median_days",
    "ci_low",
    "ci_high",
]
COLUMNS = ["person_id", "start_date", "end_date", "spell_id", "step", "target_group", "placement_type"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "person_id": pd.Series(dtype=object),
            "start_date": pd.Series(dtype="datetime64[ns]"),
            "end_date": pd.Series(dtype="datetime64[ns]"),
            "spell_id": pd.Series(dtype=object),
            "step": pd.Series(dtype=object),
            "target_group": pd.Series(dtype=object),
            "placement_type": pd.Series(dtype=object),
        }
    )


def spells(interventions: pd.DataFrame, steps, by_step: bool = False, by_type: bool = False) -> pd.DataFrame:
    """One row per spell of ``interventions`` on ``steps``: a child's rows joined when they
    overlap or follow each other (a row starting at most one day after the latest end so
    far). With ``by_step`` only rows of the same step are joined; with ``by_type`` only rows
    of the same step and placement type.

    Columns ``person_id``, ``start_date``, ``end_date`` (NaT = no end date), ``spell_id``
    (``person_id|start``, with ``|trin N`` for a spell of one step and ``|trin N|type`` for
    one of a placement type that is not also a spell of its step), ``step`` (the step of a
    spell of one step or type, else ``I alt``), ``target_group`` (that of the spell's first
    row) and ``placement_type`` (that of a spell of one type, else ``I alt``)."""
    rows = interventions.loc[interventions["step"].isin(steps)]
    if rows.empty:  # typed, so that the date arithmetic of an empty frame works
        return _empty()
    if by_type:
        return _named_as_step_spells(_joined(rows, ["person_id", "step", "placement_type"]), rows, steps)
    return _joined(rows, ["person_id", "step"] if by_step else ["person_id"])


def _joined(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The spells of :func:`spells`: ``rows`` joined per ``keys`` (``person_id`` and maybe
    ``step`` and ``placement_type``)."""
    by_step, by_type = "step" in keys, "placement_type" in keys
    target = rows["target_group"] if "target_group" in rows else pd.Series(None, index=rows.index, dtype=object)
    kinds = rows["placement_type"] if "placement_type" in rows else pd.Series(None, index=rows.index, dtype=object)
    rows = pd.DataFrame(
        {
            "person_id": rows["person_id"],
            "step": rows["step"].astype(int),
            "start_date": rows["start_date"],
            "end_date": rows["end_date"],
            "target_group": target.astype(object).fillna(UNKNOWN_GROUP),
            "placement_type": kinds.astype(object).fillna(UNKNOWN_PLACEMENT),
        }
    )
    rows = rows.sort_values([*keys, "start_date"], kind="stable").reset_index(drop=True)
    ends = rows["end_date"].fillna(_OPEN_END)
    group = [rows[k] for k in keys]
    reach = ends.groupby(group).cummax()  # the latest end so far, per child (and step)
    before = reach.groupby(group).shift(1)
    spell = (before.isna() | (rows["start_date"] > before + pd.Timedelta(days=1))).cumsum()
    grouped = rows.groupby(spell)
    out = pd.DataFrame(
        {
            "person_id": grouped["person_id"].first(),
            "start_date": grouped["start_date"].min(),
            "end_date": ends.groupby(spell).max(),
            "step": grouped["step"].first() if by_step else TOTAL,
            "target_group": grouped["target_group"].first(),
            "placement_type": grouped["placement_type"].first() if by_type else TOTAL,
        }
    ).reset_index(drop=True)
    out["end_date"] = out["end_date"].where(out["end_date"] < _OPEN_END)
    out["spell_id"] = out["person_id"].astype(str) + "|" + out["start_date"].dt.strftime("%Y-%m-%d")
    if by_step or by_type:
        out["spell_id"] += "|trin " + out["step"].astype(str)
        out["step"] = out["step"].astype(str)
    if by_type:
        out["spell_id"] += "|" + out["placement_type"].astype(str)
    return out[COLUMNS]


def _named_as_step_spells(typed: pd.DataFrame, rows: pd.DataFrame, steps) -> pd.DataFrame:
    """The spells of one placement type ``typed``, named as their step's spell where they are
    one (the same child, step, start and end): a type that is all of its step (network care
    is step 4) then counts the very units of the step's row, and the two rows are protected
    as one."""
    keys = ["person_id", "step", "start_date", "end_date"]
    one_step = _joined(rows, ["person_id", "step"])[[*keys, "spell_id"]]
    same = typed[keys].merge(one_step, on=keys, how="left")["spell_id"].to_numpy()
    return typed.assign(spell_id=np.where(pd.isna(same), typed["spell_id"].to_numpy(), same))[COLUMNS]


def survival_data(spell_rows: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The spells under way at some time in [t0, t1] as survival data in days (both ends
    included): ``time`` = days from the start to the end, or to t1 for a spell still under
    way at t1 (censored, ``ended`` = False); ``entry`` = days already under way before t0
    (delayed entry)."""
    t0, t1 = as_date(t0), as_date(t1)
    out = spell_rows[active_in(spell_rows, t0, t1)].copy()
    ended = out["end_date"].notna() & (out["end_date"] <= t1)
    stop = out["end_date"].where(ended, t1)
    out["time"] = (stop - out["start_date"]).dt.days + 1
    out["ended"] = ended
    out["entry"] = (t0 - out["start_date"]).dt.days.clip(lower=0)
    return out.reset_index(drop=True)


def median_duration(durations: pd.DataFrame, alpha: float = 0.05) -> tuple[float, float, float]:
    """Kaplan-Meier median (days) with its 95 % interval (Brookmeyer-Crowley with the
    complementary log-log transform), statsmodels ``SurvfuncRight`` with delayed entry; NaN
    where the estimate does not reach 50 % (the median is then longer than what was observed)."""
    if durations.empty or not durations["ended"].any():
        return np.nan, np.nan, np.nan

    from statsmodels.duration.survfunc import SurvfuncRight  # heavy import, only needed here

    sf = SurvfuncRight(
        durations["time"].to_numpy(float),
        durations["ended"].to_numpy(int),
        entry=durations["entry"].to_numpy(float),
    )
    return median_with_interval(sf, alpha)


def whole_months(days) -> np.ndarray:
    """Days as whole months (30.4375 days a month), rounded down: 0 = under one month."""
    return np.floor(np.asarray(days, dtype=float) / DAYS_PER_MONTH + 1e-9).astype(int)


def duration_groups(interventions: pd.DataFrame, t0, t1) -> list[tuple[str, str, str, pd.DataFrame]]:
    """The groups of the durations table, each with its spells under way in [t0, t1] as
    survival data (:func:`survival_data`): (kind, step, target group, spells). Per kind: all
    spells (``I alt``, ``I alt``), each step (spells of one step) and each target group
    present (spells across steps)."""
    out = []
    for kind, steps in KINDS.items():
        joined = survival_data(spells(interventions, steps), t0, t1)
        one_step = survival_data(spells(interventions, steps, by_step=True), t0, t1)
        out.append((kind, TOTAL, TOTAL, joined))
        for step in steps:
            out.append((kind, str(step), TOTAL, one_step[one_step["step"] == str(step)]))
        for group in target_group_levels(joined["target_group"]):
            out.append((kind, TOTAL, group, joined[joined["target_group"] == group]))
    return out


def summary(spells_under_way: pd.DataFrame) -> dict:
    """One group's numbers: spells ``under_way`` and ``completed`` (ended in the period),
    ``mean_days`` of the completed, the shortest and longest completed in whole months
    (``min_months``, ``max_months``), and the Kaplan-Meier ``median_days`` with its interval
    (``ci_low``, ``ci_high``). NaN where there is nothing to compute."""
    done = spells_under_way[spells_under_way["ended"]]
    months = whole_months(done["time"])
    median, low, high = median_duration(spells_under_way)
    return {
        "under_way": len(spells_under_way),
        "completed": len(done),
        "mean_days": float(done["time"].mean()) if len(done) else np.nan,
        "min_months": float(months.min()) if len(done) else np.nan,
        "max_months": float(months.max()) if len(done) else np.nan,
        "median_days": median,
        "ci_low": low,
        "ci_high": high,
    }


def durations_table(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The durations table: one row per group of :func:`duration_groups` (``kind``, ``step``,
    ``target_group``) with the numbers of :func:`summary`. Groups with no spell under way
    are left out."""
    return summarised(duration_groups(interventions, t0, t1))


def summarised(groups: list[tuple[str, str, str, pd.DataFrame]]) -> pd.DataFrame:
    """The table of :func:`durations_table` from groups already made (groups with no spell
    under way left out)."""
    rows = [
        {"kind": kind, "step": step, "target_group": group, **summary(data)}
        for kind, step, group, data in groups
        if len(data)
    ]
    return pd.DataFrame(rows, columns=["kind", "step", "target_group", *SUMMARY_COLUMNS])


def type_levels(types) -> list[str]:
    """The placement types present, in the order the pages list them (the shipped mapping's
    order, then a data set's own types alphabetically, then "uoplyst")."""
    present = set(types)
    known = [t for t in PLACEMENT_TYPES if t in present and t != UNKNOWN_PLACEMENT]
    own = sorted(present - set(PLACEMENT_TYPES))
    return known + own + ([UNKNOWN_PLACEMENT] if UNKNOWN_PLACEMENT in present else [])


def placement_type_groups(interventions: pd.DataFrame, t0, t1) -> list[tuple[str, str, pd.DataFrame]]:
    """The groups of the placement-type durations: (placement type, step, spells under way in
    [t0, t1] as survival data), per step and then type; empty when no placement names a
    placement type (the mapping gives none), as the steps' rows then say it all."""
    typed = survival_data(spells(interventions, PLACEMENT_STEPS, by_type=True), t0, t1)
    if typed.empty or set(typed["placement_type"]) <= {UNKNOWN_PLACEMENT}:
        return []
    out = []
    for step in PLACEMENT_STEPS:
        of_step = typed[typed["step"] == str(step)]
        for kind in type_levels(of_step["placement_type"]):
            out.append((kind, str(step), of_step[of_step["placement_type"] == kind]))
    return out


def placement_type_table(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """Placement durations per placement type (``placement_type``, ``step``) with the numbers
    of :func:`summary`; no rows when no placement names a type."""
    return type_summarised(placement_type_groups(interventions, t0, t1))


def type_summarised(groups: list[tuple[str, str, pd.DataFrame]]) -> pd.DataFrame:
    """The table of :func:`placement_type_table` from groups already made (groups with no
    spell under way left out)."""
    table = summarised([("placement", step, kind, data) for kind, step, data in groups])
    return table.rename(columns={"target_group": "placement_type"})[["placement_type", "step", *SUMMARY_COLUMNS]]
