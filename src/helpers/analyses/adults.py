"""Adult cases under SEL §85 / §107 (KL's SEP project 9, seeds/003): the analysis units.

* The economic measure of a registration is its ``daily_price`` for §107 and its granted
  ``hours_individual`` per month for §85 (hours stay hours: hourly rates differ between
  municipalities).
* The analysis unit of a period (KL's figures 3.1-3.3 and 3.13-3.16, "med afsæt i første
  registrering") is each case's *first* registration (``registration_no`` 1), for the cases
  with at least one registration in [period_start, period_end]. A case whose first
  registration is not in the data does not enter.
* Consecutive registrations k -> k+1 of a case form a *follow-up*: the months between
  them, the change in VUM score and in price/hours, and the goal attainment recorded at
  k+1 (``goal_met`` = was the goal set at k met).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import age_on

SERVICES = ("§85", "§107")
MEASURE_LABELS = {"§85": "Timer pr. måned (§85)", "§107": "Dagspris i kr. (§107)"}
AGE_GROUPS_40 = ("under 40 år", "40 år og derover")
DAYS_PER_MONTH = 365.25 / 12


def measure(registrations: pd.DataFrame) -> pd.Series:
    """The service's economic measure: daily price (§107) or individual hours (§85)."""
    return registrations["daily_price"].where(registrations["service"] == "§107", registrations["hours_individual"])


def age_group_40(age: pd.Series) -> pd.Series:
    return pd.Series(
        np.where(age.isna(), None, np.where(age < 40, AGE_GROUPS_40[0], AGE_GROUPS_40[1])),
        index=age.index,
        dtype=object,
    )


def with_measure(registrations: pd.DataFrame) -> pd.DataFrame:
    """Registrations with their ``measure``, ``age`` and ``age_group``, and two ids for
    protection: ``case_unit`` (the case) and ``registration_unit`` (the registration)."""
    out = registrations.copy()
    case = out["municipality"].astype("Int64").astype(str) + "|" + out["case_id"].astype(str)
    out["case_unit"] = case
    out["registration_unit"] = case + "|" + out["registration_no"].astype("Int64").astype(str)
    out["measure"] = measure(out)
    out["age"] = age_on(pd.to_datetime(out["birth_date"]), out["registration_date"])
    out["age_group"] = age_group_40(out["age"])
    return out


def cases_in_period(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """The cases (``municipality``, ``case_id``) with at least one registration in [start, end]."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    r = registrations
    inside = r[(r["registration_date"] >= start) & (r["registration_date"] <= end)]
    return inside[["municipality", "case_id"]].drop_duplicates().reset_index(drop=True)


def first_registrations(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """Each case's first registration (``registration_no`` 1), for the cases with a
    registration in [start, end] (KL's figures 3.1-3.3 and 3.13-3.16)."""
    cases = cases_in_period(registrations, start, end)
    first = registrations[registrations["registration_no"] == 1].merge(cases, on=["municipality", "case_id"])
    first = first.sort_values(["municipality", "case_id"], kind="stable")
    return with_measure(first.drop_duplicates(["municipality", "case_id"], keep="first")).reset_index(drop=True)


def highest_registrations(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """Each case with a registration in [start, end] (``municipality``, ``case_id``) and its
    highest ``registration_no`` (the units of figure 2.1)."""
    cases = cases_in_period(registrations, start, end)
    return (
        registrations.merge(cases, on=["municipality", "case_id"])
        .groupby(["municipality", "case_id"], as_index=False)["registration_no"]
        .max()
    )


def registrations_per_case(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """KL's figure 2.1: for the cases with a registration in [start, end], how many have at
    least 1, 2, 3, ... registrations (their highest ``registration_no``). Columns
    ``at_least`` (1-9) and ``cases``."""
    highest = highest_registrations(registrations, start, end).set_index(["municipality", "case_id"])["registration_no"]
    top = int(highest.max()) if len(highest) else 0
    return pd.DataFrame(
        {"at_least": list(range(1, top + 1)), "cases": [int((highest >= k).sum()) for k in range(1, top + 1)]}
    )


def follow_ups(registrations: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Pairs of consecutive registrations (k, k+1) of each case, with the later one in
    [start, end] when given. Columns ``*_prev`` are registration k; the rest k+1;
    ``months`` between them, ``vum_change`` and ``measure_change`` (k+1 minus k)."""
    regs = with_measure(registrations).sort_values(["municipality", "case_id", "registration_no"], kind="stable")
    prev = regs.groupby(["municipality", "case_id"], sort=False).shift(1)
    pairs = regs.assign(
        **{
            f"{c}_prev": prev[c]
            for c in (
                "registration_no",
                "registration_date",
                "vum_score",
                "measure",
                "goal_type",
                "goal_set",
                "service",
                "income_basis",
            )
            if c in regs  # the optional columns of the contract may be absent
        }
    )
    pairs = pairs[
        pairs["registration_no_prev"].notna() & (pairs["registration_no"] == pairs["registration_no_prev"] + 1)
    ]
    if start is not None:
        pairs = pairs[
            (pairs["registration_date"] >= pd.Timestamp(start)) & (pairs["registration_date"] <= pd.Timestamp(end))
        ]
    pairs = pairs.copy()
    pairs["months"] = (
        pairs["registration_date"] - pd.to_datetime(pairs["registration_date_prev"])
    ).dt.days / DAYS_PER_MONTH
    pairs["vum_change"] = pairs["vum_score"] - pairs["vum_score_prev"].astype(float)
    pairs["measure_change"] = pairs["measure"] - pairs["measure_prev"].astype(float)
    return pairs.reset_index(drop=True)


def vum_direction(change: pd.Series) -> pd.Series:
    """A lower VUM score is better: ``forbedret`` (lower), ``uændret``, ``forværret`` (higher)."""
    return pd.Series(np.select([change < 0, change > 0], ["forbedret", "forværret"], "uændret"), index=change.index)


def for_period(registrations: pd.DataFrame, start, end) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """What the adult pages analyse: all registrations, the first registration of each case
    with a registration in the period, and the follow-ups whose later registration lies in
    the period."""
    return registrations, first_registrations(registrations, start, end), follow_ups(registrations, start, end)
