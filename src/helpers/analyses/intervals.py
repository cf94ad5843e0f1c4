"""Confidence intervals shared by the analyses."""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsmodels.stats.proportion import proportion_confint


def t_interval(values, alpha: float = 0.05) -> tuple[float, float, float]:
    """Mean and its 1 - ``alpha`` t interval (NaN bounds for fewer than two values, NaN
    throughout for none)."""
    values = np.asarray(values, dtype=float)
    if len(values) == 0:
        return np.nan, np.nan, np.nan
    mean = float(values.mean())
    if len(values) < 2:
        return mean, np.nan, np.nan
    half = float(stats.t.ppf(1 - alpha / 2, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half


def wilson(successes, n, alpha: float = 0.05):
    """95 % Wilson interval (arrays allowed; NaN where n = 0)."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(successes, np.where(n > 0, n, np.nan), alpha=alpha, method="wilson")
    return low, high
