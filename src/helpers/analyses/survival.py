"""The book's one definition of a Kaplan-Meier median (placement durations, waiting times).

The median is the first time at which the estimated survival S(t) is at most one half:
the textbook definition (Kaplan and Meier; Klein and Moeschberger; lifelines'
``median_survival_time_``). statsmodels' ``SurvfuncRight.quantile`` takes the first time
with S(t) *below* one half, so a curve that rests on exactly 0.5 would get the next event
time (or none); the curve itself and its interval still come from statsmodels.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Rounding slack when comparing an estimated survival with one half (e.g. 3/6).
_TOLERANCE = 1e-12


def km_median(survfunc) -> float:
    """The Kaplan-Meier median of a fitted statsmodels ``SurvfuncRight``: the first event
    time with S(t) <= 0.5; NaN when the curve stays above one half."""
    reached = np.flatnonzero(np.asarray(survfunc.surv_prob) <= 0.5 + _TOLERANCE)
    return float(survfunc.surv_times[reached[0]]) if len(reached) else np.nan


def median_with_interval(survfunc, alpha: float = 0.05) -> tuple[float, float, float]:
    """:func:`km_median` and its 1 - ``alpha`` interval (Brookmeyer-Crowley with the
    complementary log-log transform, statsmodels ``quantile_ci``; an open end is infinite);
    NaN throughout when the curve stays above one half."""
    median = km_median(survfunc)
    if np.isnan(median):
        return np.nan, np.nan, np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log(0) and 0/0 at the curve's ends
        low, high = survfunc.quantile_ci(0.5, alpha=alpha, method="cloglog")
    return median, float(low), float(high)
