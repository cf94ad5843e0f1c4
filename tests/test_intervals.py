"""The t interval shared by the analyses."""

import math

import pytest

from helpers.analyses.intervals import t_interval

T_975_2 = 4.302652729911275  # t(0.975; 2 df), from a printed t table


def test_mean_and_t_interval_by_hand():
    # 1, 2, 3: mean 2, standard deviation 1, half width t * 1 / sqrt(3)
    mean, low, high = t_interval([1.0, 2.0, 3.0])
    assert mean == 2
    assert (low, high) == pytest.approx((2 - T_975_2 / math.sqrt(3), 2 + T_975_2 / math.sqrt(3)))


def test_one_value_has_no_interval_and_none_has_no_mean():
    mean, low, high = t_interval([4.0])
    assert mean == 4 and math.isnan(low) and math.isnan(high)
    assert all(math.isnan(v) for v in t_interval([]))
