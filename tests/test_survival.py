"""The one Kaplan-Meier median of the book: the first time with S(t) <= 0.5."""

import math

import numpy as np
from statsmodels.duration.survfunc import SurvfuncRight

from helpers.analyses.survival import km_median


def test_a_curve_resting_on_one_half_has_its_median_there():
    # six waits of 5..10 days, all ended: S = 5/6, 4/6, 3/6 at 7 -> the median is 7 (not 8)
    assert km_median(SurvfuncRight(np.arange(5.0, 11.0), np.ones(6))) == 7


def test_censored_times_and_a_curve_that_stays_above_one_half():
    # 10 ended, 20 censored, 30 ended, 40 ended: S = 3/4 at 10; 2 at risk at 30: 3/4 * 1/2 = 3/8
    assert km_median(SurvfuncRight(np.array([10.0, 20, 30, 40]), np.array([1, 0, 1, 1]))) == 30
    # one of four ended, the rest censored: S = 3/4, never <= 1/2
    assert math.isnan(km_median(SurvfuncRight(np.array([10.0, 20, 30, 40]), np.array([1, 0, 0, 0]))))
