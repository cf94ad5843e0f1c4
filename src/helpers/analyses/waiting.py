"""Waiting lists (Socialstyrelsen's key figure "børn og unge på venteliste", seeds/002):
the children waiting for a measure at the period's end, and the Kaplan-Meier median wait
from referral to start of the referrals made in the period.

Input: the contract table ``waiting_list`` (``person_id``, ``referral_date``, ``start_date``
(NaT: still waiting), ``measure`` and the derived ``step``, NA when the measure has no
step). Tidy frames in and out; steps as text ``"1"``..``"6"`` and a last row ``I alt``.

A referral is waiting on ``t`` when it was made by ``t`` and had not started by ``t``
(``start_date`` empty or after ``t``). The wait of a referral made in the period runs from
the referral to the start (an event); a wait not started by the period's end is censored
there (its duration is the period's end minus the referral date). The median and its 95 %
interval (Brookmeyer-Crowley, complementary log-log; the limits are observed waits) come
from statsmodels' ``SurvfuncRight``; the median is the first wait where S(t) <= 0.5 (the
textbook definition, as lifelines); NaN where the curve (or the interval) does not reach
50 %.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import age_on, as_date
from .staircase import AGE_LABELS, UNKNOWN_AGE, UNKNOWN_GROUP, age_group, target_group_levels
from .survival import median_with_interval

TOTAL = "I alt"
GROUP_COLUMNS = ["target_group", "age_group", "children_waiting"]
COLUMNS = ["step", "children_waiting", "referrals", "median_days", "ci_low", "ci_high"]


def _prepared(waiting: pd.DataFrame) -> pd.DataFrame:
    """The rows with dates as dates and the step as text (``<NA>`` when the measure has none)."""
    out = pd.DataFrame(
        {
            "person_id": waiting["person_id"].to_numpy(dtype=object),
            "referral_date": pd.to_datetime(waiting["referral_date"]).to_numpy(),
            "start_date": pd.to_datetime(waiting.get("start_date", pd.Series(pd.NaT, index=waiting.index))).to_numpy(),
        },
        index=waiting.index,
    )
    step = pd.to_numeric(waiting.get("step", pd.Series(np.nan, index=waiting.index)), errors="coerce")
    out["step"] = step.map(lambda s: pd.NA if pd.isna(s) else str(int(s))).astype(object)
    return out


def waiting_on(waiting: pd.DataFrame, t) -> pd.DataFrame:
    """The referrals waiting on ``t``: made by ``t`` and not started by ``t``
    (``person_id``, ``step``, ``unit_id`` = the child)."""
    t = as_date(t)
    rows = _prepared(waiting)
    rows = rows[(rows["referral_date"] <= t) & (rows["start_date"].isna() | (rows["start_date"] > t))]
    return rows.assign(unit_id=rows["person_id"]).reset_index(drop=True)


def referrals_in(waiting: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """The referrals made in [t0, t1] as survival data: ``days`` from referral to start, or
    to t1 when the wait had not started by t1 (``started`` False: censored); ``unit_id`` =
    the row's own id (one referral)."""
    t0, t1 = as_date(t0), as_date(t1)
    rows = _prepared(waiting)
    rows = rows[(rows["referral_date"] >= t0) & (rows["referral_date"] <= t1)].copy()
    started = rows["start_date"].notna() & (rows["start_date"] <= t1)
    stop = rows["start_date"].where(started, t1)
    rows["days"] = (stop - rows["referral_date"]).dt.days.astype(float)
    rows["started"] = started.to_numpy()
    rows["unit_id"] = [f"referral-{i}" for i in rows.index]
    return rows.reset_index(drop=True)


def km_median(days, started, alpha: float = 0.05) -> tuple[float, float, float]:
    """Kaplan-Meier median of ``days`` (``started``: the wait ended; else censored) and its
    1 - ``alpha`` interval (:func:`helpers.analyses.survival.median_with_interval`). NaN for
    the median, or for an end of the interval, that the curve does not reach (an open end
    is empty here, not infinite)."""
    days, started = np.asarray(days, dtype=float), np.asarray(started, dtype=bool)
    if len(days) == 0 or not started.any():
        return np.nan, np.nan, np.nan
    from statsmodels.duration.survfunc import SurvfuncRight  # heavy import, only needed here

    median, low, high = median_with_interval(SurvfuncRight(days, started.astype(int)), alpha)
    return median, low if np.isfinite(low) else np.nan, high if np.isfinite(high) else np.nan


def waiting_list(waiting: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per step that occurs among the period's referrals or the children waiting at
    its end (sorted), and ``I alt`` (every row, also those without a step): children waiting
    on t1, referrals made in [t0, t1] and their median wait with its interval."""
    if waiting is None or waiting.empty:
        return pd.DataFrame(columns=COLUMNS)
    open_ = waiting_on(waiting, t1)
    made = referrals_in(waiting, t0, t1)
    steps = sorted(set(open_["step"].dropna()) | set(made["step"].dropna()), key=int)
    rows = []
    for step in [*steps, TOTAL]:
        here = open_ if step == TOTAL else open_[open_["step"] == step]
        refs = made if step == TOTAL else made[made["step"] == step]
        median, low, high = km_median(refs["days"], refs["started"])
        rows.append((step, here["person_id"].nunique(), len(refs), median, low, high))
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.astype({"children_waiting": int, "referrals": int})


def waiting_children(waiting: pd.DataFrame, interventions: pd.DataFrame | None, t) -> pd.DataFrame:
    """The children waiting on ``t`` (one row each: ``person_id``, ``unit_id``) with what
    seed 002 breaks the waiting list down by, from the child's interventions (the waiting
    list itself has neither): ``target_group`` of the child's latest intervention started
    by ``t`` (else its first one), and ``age_group`` on ``t`` from the birth date there;
    "Ukendt" for a child with no interventions."""
    t = as_date(t)
    open_ = waiting_on(waiting, t).drop_duplicates("person_id")[["person_id", "unit_id"]].reset_index(drop=True)
    group = pd.Series(UNKNOWN_GROUP, index=open_.index, dtype=object)
    born = pd.Series(pd.NaT, index=open_.index, dtype="datetime64[ns]")
    if interventions is not None and len(interventions) and len(open_):
        iv = interventions[interventions["person_id"].isin(set(open_["person_id"]))].copy()
        start = pd.to_datetime(iv["start_date"])
        # the latest intervention started by t; for a child with none, its earliest one
        started = iv[start <= t].assign(_start=start).sort_values("_start", ascending=False, kind="stable")
        later = iv[start > t].assign(_start=start).sort_values("_start", kind="stable")
        iv = pd.concat([started, later])
        first = iv.drop_duplicates("person_id").set_index("person_id")
        if "target_group" in first:
            group = open_["person_id"].map(first["target_group"]).astype(object).fillna(UNKNOWN_GROUP)
        if "birth_date" in iv:
            births = iv.dropna(subset=["birth_date"]).drop_duplicates("person_id").set_index("person_id")
            born = pd.to_datetime(open_["person_id"].map(births["birth_date"]))
    open_["target_group"] = group.to_numpy()
    open_["age_group"] = age_group(age_on(born, t)).fillna(UNKNOWN_AGE).to_numpy()
    return open_


def waiting_by_group(children: pd.DataFrame) -> pd.DataFrame:
    """Children waiting by target group and by age group (margins only, so no cell is a
    cross of the two), tidy (``target_group``, ``age_group``, ``children_waiting``): ``I
    alt`` first, then each target group present, then each age group present."""
    if children.empty:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    groups = target_group_levels(children["target_group"])
    ages = [a for a in AGE_LABELS if a in set(children["age_group"])]
    rows = [(TOTAL, TOTAL, children["person_id"].nunique())]
    rows += [(g, TOTAL, children.loc[children["target_group"] == g, "person_id"].nunique()) for g in groups]
    rows += [(TOTAL, a, children.loc[children["age_group"] == a, "person_id"].nunique()) for a in ages]
    return pd.DataFrame(rows, columns=GROUP_COLUMNS).astype({"children_waiting": int})
