import pandas as pd
import pytest

from helpers.analyses import adults


def regs(rows):
    frame = pd.DataFrame(
        rows,
        columns=[
            "municipality",
            "case_id",
            "registration_no",
            "registration_date",
            "service",
            "daily_price",
            "hours_individual",
            "vum_score",
            "birth_date",
        ],
    )
    frame["registration_date"] = pd.to_datetime(frame["registration_date"])
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    for c in ("goal_type", "goal_set", "goal_met", "target_group", "income_basis"):
        frame[c] = None
    return frame


CASES = regs(
    [
        (153, "A", 1, "2014-03-01", "§85", None, 20.0, 2.0, "1980-03-02"),
        (153, "A", 2, "2015-03-01", "§85", None, 18.0, 2.0, "1980-03-02"),
        (153, "A", 3, "2016-01-01", "§85", None, 18.0, 1.0, "1980-03-02"),
        (151, "B", 1, "2015-06-01", "§107", 1500.0, None, 3.0, "1970-01-01"),
        (151, "B", 3, "2016-06-01", "§107", 1600.0, None, 3.0, "1970-01-01"),  # registration 2 is missing
    ]
)


def test_measure_is_price_for_107_and_hours_for_85():
    assert adults.measure(CASES).tolist() == [20.0, 18.0, 18.0, 1500.0, 1600.0]


def test_each_case_enters_with_its_first_registration_and_age_group():
    # KL's figures 3.1-3.3 and 3.13-3.16: each case's 1st registration; A and B have a
    # registration in the period, so both enter, A with its registration 1 from 2014
    units = adults.first_registrations(CASES, "2015-01-01", "2016-12-31").set_index("case_id")
    assert units.loc["A", "registration_no"] == 1 and units.loc["B", "registration_no"] == 1
    assert units.loc["A", "registration_date"] == pd.Timestamp("2014-03-01")
    assert units.loc["A", "age"] == 33  # born 1980-03-02, registered 2014-03-01: birthday not yet
    assert units.loc["A", "age_group"] == "under 40 år" and units.loc["B", "age_group"] == "40 år og derover"
    # a case with no registration in the period does not enter
    assert adults.first_registrations(CASES, "2016-02-01", "2016-12-31")["case_id"].tolist() == ["B"]


def test_registrations_per_case_as_kl_figure_2_1():
    table = adults.registrations_per_case(CASES, "2014-01-01", "2016-12-31")
    assert table.to_dict("list") == {"at_least": [1, 2, 3], "cases": [2, 2, 2]}  # B's highest is 3


def test_follow_ups_are_consecutive_pairs_with_the_later_one_in_the_period():
    pairs = adults.follow_ups(CASES, "2015-06-01", "2016-12-31")
    assert pairs["case_id"].tolist() == ["A"]  # A 2->3; A 1->2 ends before; B 1->3 is not consecutive
    assert pairs["months"].iloc[0] == pytest.approx(306 / (365.25 / 12))
    assert pairs["vum_change"].iloc[0] == -1 and pairs["measure_change"].iloc[0] == 0
    assert adults.vum_direction(pairs["vum_change"]).tolist() == ["forbedret"]
