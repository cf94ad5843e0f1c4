"""Dates and durations as the data contract defines them.

* An intervention is *active* on ``t`` when ``start_date <= t`` and (``end_date`` is empty
  or ``end_date >= t``) (data contract, table ``interventions``).
* Days active in [start, end]: from max(start_date, start) to min(end_date, end), both days
  included; an empty end date runs to ``end``.
* Full-year interventions (helårsforanstaltninger) in a year: days active in the year /
  days in the year; their cost: ``monthly_cost`` x 12 x days active / days in the year
  (VIVE, seeds/001).
* Age on ``t``: completed years.
"""

from __future__ import annotations

import re

import pandas as pd


def as_date(t) -> pd.Timestamp:
    """A date given as ISO string, ``date`` or ``Timestamp``, as a midnight Timestamp."""
    return pd.Timestamp(t).normalize()


def active_on(interventions: pd.DataFrame, t) -> pd.Series:
    """Mask of interventions active on ``t`` (start <= t and (no end or end >= t))."""
    t = as_date(t)
    start, end = pd.to_datetime(interventions["start_date"]), pd.to_datetime(interventions["end_date"])
    return (start <= t) & (end.isna() | (end >= t))


def active_in(interventions: pd.DataFrame, t0, t1) -> pd.Series:
    """Mask of interventions active at some time in [t0, t1] (start <= t1 and (no end or
    end >= t0))."""
    t0, t1 = as_date(t0), as_date(t1)
    start, end = pd.to_datetime(interventions["start_date"]), pd.to_datetime(interventions["end_date"])
    return (start <= t1) & (end.isna() | (end >= t0))


def age_on(birth_date: pd.Series, t) -> pd.Series:
    """Completed years of age on ``t`` (one date, or a Series of dates aligned with ``birth_date``)."""
    if isinstance(t, pd.Series):
        year, month, day = t.dt.year, t.dt.month, t.dt.day
    else:
        t = as_date(t)
        year, month, day = t.year, t.month, t.day
    before_birthday = (birth_date.dt.month > month) | ((birth_date.dt.month == month) & (birth_date.dt.day > day))
    return year - birth_date.dt.year - before_birthday.astype(int)


def year_parts(start, end):
    """(year, first day, last day, days in the year) for each calendar year in [start, end]."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    for year in range(start.year, end.year + 1):
        first, last = pd.Timestamp(year=year, month=1, day=1), pd.Timestamp(year=year, month=12, day=31)
        yield year, max(start, first), min(end, last), (last - first).days + 1


def days_active(interventions: pd.DataFrame, start, end) -> pd.Series:
    """Days each intervention is active in [start, end] (both included; 0 when outside)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    s = interventions["start_date"].clip(lower=start)
    e = interventions["end_date"].fillna(end).clip(upper=end)
    return ((e - s).dt.days + 1).clip(lower=0).astype("int64")


def year_volumes(interventions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per intervention (same index): its full-year volume ``actual_count`` and its cost
    ``actual_cost`` in ``year``."""
    _, start, end, n_days = next(year_parts(f"{year}-01-01", f"{year}-12-31"))
    days = days_active(interventions, start, end)
    return pd.DataFrame(
        {"actual_count": days / n_days, "actual_cost": interventions["monthly_cost"].fillna(0) * 12 * days / n_days},
        index=interventions.index,
    )


def full_year_volume(interventions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Full-year interventions and cost per step in ``year``: ``step``, ``actual_count``, ``actual_cost``."""
    frame = year_volumes(interventions, year).reset_index(drop=True)
    frame.insert(0, "step", interventions["step"].astype(int).to_numpy())
    return frame.groupby("step", as_index=False)[["actual_count", "actual_cost"]].sum()


def natural_key(value):
    """Categories in their natural order: numbers by value, age groups by their first age
    (0-5 år before 6-11 år before 12-17 år; "under 40 år" before "40 år og derover"), other
    text alphabetically, "Ukendt", "uoplyst" and "I alt" last."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    text = str(value)
    if text.lower() in ("ukendt", "uoplyst", "i alt"):
        return (3 if text.lower() == "i alt" else 2, 0.0, text)
    m = re.search(r"\d+", text)
    if m:
        return (0, int(m.group()) - (0.5 if text.lower().startswith("under") else 0), text)
    return (1, 0.0, text)
