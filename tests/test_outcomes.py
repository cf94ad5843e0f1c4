"""Outcomes: school absence by year and step, and change in function score, on data built by
hand (means and t intervals computed below by hand; t quantiles from tables)."""

import math

import numpy as np
import pandas as pd
import pytest
from conftest import PageReport

from helpers.analyses.outcomes import function_change, school_absence
from helpers.publishing.disclosure import protect
from helpers.publishing.pages import waiting_outcomes as page

T0, T1 = "2015-01-01", "2016-12-31"
T_1 = 12.706204736  # t quantile 0.975 with 1 degree of freedom
T_2 = 4.302652730  # ... with 2


def interventions(rows):
    frame = pd.DataFrame(rows, columns=["person_id", "step", "start_date", "end_date"])
    frame["start_date"], frame["end_date"] = pd.to_datetime(frame["start_date"]), pd.to_datetime(frame["end_date"])
    frame["step"] = frame["step"].astype("Int64")
    frame["municipality"] = 851
    return frame


def outcomes(rows):
    frame = pd.DataFrame(rows, columns=["person_id", "date", "indicator", "value"])
    frame["date"] = pd.to_datetime(frame["date"])
    frame["municipality"] = 851
    return frame


IV = interventions(
    [
        ("p1", 2, "2015-01-01", "2016-12-31"),
        ("p1", 4, "2016-03-01", None),  # from March 2016 p1's highest step is 4
        ("p2", 2, "2014-01-01", None),
        ("p3", 5, "2015-06-01", "2015-12-31"),  # nothing active in 2016
        ("p6", 4, "2015-01-01", None),
    ]
)
A = "school_absence_pct"
F = "function_score"
OUT = outcomes(
    [
        ("p1", "2015-06-30", A, 10),
        ("p1", "2015-12-31", A, 20),
        ("p1", "2016-02-01", A, 30),  # step 2
        ("p1", "2016-06-30", A, 40),  # step 4
        ("p2", "2015-06-30", A, 5),
        ("p2", "2016-06-30", A, 15),
        ("p2", "2016-12-31", A, 25),
        ("p3", "2015-12-31", A, 50),  # step 5 (its last day)
        ("p3", "2016-06-30", A, 60),  # no active intervention: left out
        ("p4", "2014-06-30", A, 70),  # before the period
        ("p1", "2015-01-01", F, 3.0),
        ("p1", "2015-10-01", F, 5.0),
        ("p1", "2016-05-01", F, 6.5),  # last - first = 3.5, step 2 at the first
        ("p2", "2016-01-01", F, 4.0),
        ("p2", "2016-09-01", F, 3.0),  # -1.0, step 2
        ("p3", "2015-06-01", F, 2.0),  # one measurement only
        ("p5", "2014-06-01", F, 2.0),
        ("p5", "2015-03-01", F, 4.0),  # only one in the period
        ("p6", "2015-03-01", F, 5.0),
        ("p6", "2015-11-01", F, 8.0),  # +3.0, step 4
        ("p6", "2015-11-01", "goal_met", 1.0),
    ]
)


def test_school_absence_by_year_and_step_by_hand():
    out = school_absence(OUT, IV, T0, T1).set_index(["year", "step"])
    assert list(out.index) == [(2015, "2"), (2015, "5"), (2015, "I alt"), (2016, "2"), (2016, "4"), (2016, "I alt")]
    assert out["children"].tolist() == [2, 1, 3, 2, 1, 2]
    # 2015, step 2: p1's mean (10 + 20) / 2 = 15 and p2's 5: mean 10, sd = sqrt(2 * 5^2 / 1), se = 5
    row = out.loc[(2015, "2")]
    assert row["mean_absence_pct"] == pytest.approx(10)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((10 - T_1 * 5, 10 + T_1 * 5))
    # one child: a mean and no interval
    assert out.loc[(2015, "5"), "mean_absence_pct"] == 50 and np.isnan(out.loc[(2015, "5"), "ci_low"])
    # 2015 in all: 15, 5, 50 -> 70/3; sd from the squares of the deviations
    m = 70 / 3
    sd = math.sqrt(((15 - m) ** 2 + (5 - m) ** 2 + (50 - m) ** 2) / 2)
    row = out.loc[(2015, "I alt")]
    assert row["mean_absence_pct"] == pytest.approx(m)
    assert row["ci_high"] == pytest.approx(m + T_2 * sd / math.sqrt(3))
    # 2016: step 2 = p1's 30 and p2's (15 + 25) / 2 = 20 -> 25; step 4 = p1's 40; in all p1 35, p2 20
    assert out.loc[(2016, "2"), "mean_absence_pct"] == pytest.approx(25)
    assert out.loc[(2016, "4"), "mean_absence_pct"] == pytest.approx(40)
    assert out.loc[(2016, "I alt"), "mean_absence_pct"] == pytest.approx(27.5)


def test_school_absence_placed_preventive_and_by_age_by_hand():
    from helpers.analyses.outcomes import absence_by_group, absence_group_units

    iv = IV.copy()
    # p1 turns 12 on 2016-07-01 (after its last measurement), p2 turns 6 on 2016-01-01
    iv["birth_date"] = pd.to_datetime(["2004-07-01", "2004-07-01", "2010-01-01", "2001-01-01", "2000-01-01"])
    units = absence_group_units(OUT, iv, T0, T1)
    # p3's measurement on a day without an intervention and p4's before the period are left out
    assert sorted(set(units["person_id"])) == ["p1", "p2", "p3"] and len(units) == 8
    got = absence_by_group(units).set_index(["kind", "age_group"])
    assert list(got.index) == [
        ("I alt", "I alt"),
        ("placed", "I alt"),
        ("preventive", "I alt"),
        ("I alt", "0-5 år"),
        ("I alt", "6-11 år"),
        ("I alt", "12-17 år"),
    ]
    # children's means: in all p1 (10+20+30+40)/4 = 25, p2 (5+15+25)/3 = 15, p3 50;
    # placed: p1's 40 (step 4 from March 2016), p3's 50; preventive: p1 (10+20+30)/3 = 20, p2 15;
    # 0-5: p2's 5 (aged 5 in June 2015); 6-11: p1 25, p2 (15+25)/2 = 20; 12-17: p3 50 (aged 14)
    expected = {
        ("I alt", "I alt"): (3, [25, 15, 50]),
        ("placed", "I alt"): (2, [40, 50]),
        ("preventive", "I alt"): (2, [20, 15]),
        ("I alt", "0-5 år"): (1, [5]),
        ("I alt", "6-11 år"): (2, [25, 20]),
        ("I alt", "12-17 år"): (1, [50]),
    }
    for key, (n, means) in expected.items():
        row = got.loc[key]
        assert row["children"] == n, key
        assert row["mean_absence_pct"] == pytest.approx(sum(means) / n), key
    # two children: half-width t(1) * sd / sqrt(2) = t(1) * |a - b| / 2
    assert (got.loc[("placed", "I alt"), "ci_low"], got.loc[("placed", "I alt"), "ci_high"]) == pytest.approx(
        (45 - T_1 * 5, 45 + T_1 * 5)
    )
    assert np.isnan(got.loc[("I alt", "0-5 år"), "ci_low"])
    # without birth dates every child is of unknown age, and the kinds are unchanged
    plain = absence_by_group(absence_group_units(OUT, IV, T0, T1)).set_index(["kind", "age_group"])
    assert list(plain.index)[3:] == [("I alt", "Ukendt")] and plain.loc[("I alt", "Ukendt"), "children"] == 3


def test_absence_by_kind_and_age_is_declared_and_withheld_on_1_to_4(tmp_path):
    iv = IV.copy()
    iv["birth_date"] = pd.to_datetime(["2004-07-01", "2004-07-01", "2010-01-01", "2001-01-01", "2000-01-01"])
    specs = {s.name: s for s in page.specs(_report({"child_outcomes": OUT, "interventions": iv}))}
    groups = specs["school_absence_groups"]
    members = {(c.row, c.column): sorted(c.members) for c in groups.cells}
    assert members[(0, "children")] == ["p1", "p2", "p3"]
    assert members[(1, "children")] == ["p1", "p3"]
    assert members[(4, "children")] == ["p1", "p2"]
    protection = protect(list(specs.values()))
    assert protection.hidden(("school_absence_groups", 0, "mean_absence_pct"))  # 3 children

    many = [f"a{i}" for i in range(12)]
    iv = pd.DataFrame(
        {
            "person_id": many,
            "step": [4] * 6 + [2] * 6,
            "start_date": pd.Timestamp("2015-01-01"),
            "end_date": pd.NaT,
            "birth_date": pd.Timestamp("2008-01-01"),
            "municipality": 851,
        }
    )
    out = outcomes([(p, "2016-01-01", A, float(i)) for i, p in enumerate(many)])
    from helpers.publishing.tables import publish

    made = page.specs(_report({"child_outcomes": out, "interventions": iv}))
    published = publish(next(s for s in made if s.name == "school_absence_groups"), tmp_path)
    points = page.absence_group_points(published)
    # placed: 0..5 -> 2.5; preventive: 6..11 -> 8.5; everyone (aged 8) 5.5
    assert points["label"].tolist() == ["I alt", "Anbragte (trin 4-6)", "Forebyggende (trin 1-3)", "6-11 år"]
    assert points["value"].tolist() == pytest.approx([5.5, 2.5, 8.5, 5.5])


def test_change_in_function_score_by_hand():
    out = function_change(OUT, IV, T0, T1).set_index("step")
    assert list(out.index) == ["2", "4", "I alt"]
    assert out["children"].tolist() == [2, 1, 3]
    # step 2: 3.5 and -1.0 -> 1.25; deviations +-2.25: sd = 2.25 * sqrt(2), se = 2.25
    assert out.loc["2", "mean_change"] == pytest.approx(1.25)
    assert (out.loc["2", "ci_low"], out.loc["2", "ci_high"]) == pytest.approx((1.25 - T_1 * 2.25, 1.25 + T_1 * 2.25))
    assert out.loc["4", "mean_change"] == pytest.approx(3.0)
    assert out.loc["I alt", "mean_change"] == pytest.approx((3.5 - 1.0 + 3.0) / 3)


def _report(tables, municipality=851):
    return PageReport(tables, T0, T1, municipality)


def test_the_page_declares_the_children_and_withholds_means_on_1_to_4():
    specs = {s.name: s for s in page.specs(_report({"child_outcomes": OUT, "interventions": IV}))}
    assert set(specs) == {"school_absence", "school_absence_groups", "function_change", "goal_attainment"}
    absence = specs["school_absence"]
    members = {(c.row, c.column): sorted(c.members) for c in absence.cells}
    assert members[(2, "children")] == ["p1", "p2", "p3"]
    assert members[(4, "children")] == ["p1"]
    protection = protect(list(specs.values()))
    assert protection.hidden(("school_absence", 0, "mean_absence_pct"))  # 2 children
    assert protection.hidden(("function_change", 2, "mean_change"))  # 3 children


def test_the_page_runs_without_outcomes_or_interventions():
    assert page.specs(_report({"interventions": IV})) == []
    specs = page.specs(_report({"child_outcomes": OUT}))  # no interventions: no steps, nothing by step
    assert specs == []


def test_key_messages_read_the_published_outcomes(tmp_path):
    from helpers.publishing.tables import publish

    people = [f"q{i}" for i in range(6)]
    iv = interventions([(p, 2, "2015-01-01", None) for p in people])
    changes = [1.0, -1.0, 1.0, -1.0, 0.5, -0.45]  # mean 0.05 / 6: rounds to 0,0
    absence = [4.0, 6.0, 8.0, 10.0, 12.0, 14.0]  # mean 9
    out = outcomes(
        [(p, "2016-01-01", F, 5.0) for p in people]
        + [(p, "2016-09-01", F, 5.0 + c) for p, c in zip(people, changes)]
        + [(p, "2016-06-30", A, a) for p, a in zip(people, absence)]
    )
    specs = page.specs(_report({"child_outcomes": out, "interventions": iv}))
    published = {s.name: publish(s, tmp_path, protect(specs)) for s in specs}
    lines = page.key_messages(absence=published["school_absence"], change=published["function_change"], period_end=T1)
    assert lines == [
        "I 2016 havde de 6 børn med en indsats, hvis skolefravær blev målt, i gennemsnit 9,0 % fravær.",
        "For de 6 børn med to eller flere målinger af funktionsniveau i perioden var scoren i gennemsnit "
        "næsten uændret fra første til sidste måling.",
    ]


def goal_data():
    """g1: preventive (udsat), then placed from March 2016 on a row for handicap; assessed not
    met in January (preventive) and met in June (placed): the June one counts. g2: preventive,
    met. g3: preventive until June 2015, not met in March; met in September when nothing was
    active (left out). g4: two institution rows, the earlier one (udsat) gives the target
    group; not met. g5: assessed after the period only."""
    iv = pd.DataFrame(
        [
            ("g1", 2, "2015-01-01", None, "udsat"),
            ("g1", 5, "2016-03-01", None, "handicap"),
            ("g2", 3, "2015-01-01", None, "udsat"),
            ("g3", 1, "2015-01-01", "2015-06-30", "udsat"),
            ("g4", 6, "2015-02-01", None, "handicap"),
            ("g4", 6, "2015-01-01", None, "udsat"),
            ("g5", 2, "2015-01-01", None, "udsat"),
        ],
        columns=["person_id", "step", "start_date", "end_date", "target_group"],
    )
    iv["start_date"], iv["end_date"] = pd.to_datetime(iv["start_date"]), pd.to_datetime(iv["end_date"])
    iv["municipality"] = 851
    out = outcomes(
        [
            ("g1", "2016-01-15", "goal_met", 0.0),
            ("g1", "2016-06-01", "goal_met", 1.0),
            ("g2", "2015-05-01", "goal_met", 1.0),
            ("g3", "2015-03-01", "goal_met", 0.0),
            ("g3", "2015-09-01", "goal_met", 1.0),
            ("g4", "2016-01-01", "goal_met", 0.0),
            ("g5", "2017-01-01", "goal_met", 1.0),
        ]
    )
    return iv, out


def wilson_by_hand(k, n, z=1.959963984540054):
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def test_goal_attainment_placed_preventive_and_target_group_by_hand():
    iv, out = goal_data()
    from helpers.analyses.outcomes import goal_assessments, goal_attainment

    units = goal_assessments(out, iv, T0, T1).set_index("person_id")
    assert sorted(units.index) == ["g1", "g2", "g3", "g4"]
    assert tuple(units.loc["g1", ["met", "kind", "target_group"]]) == (True, "placed", "handicap")
    assert tuple(units.loc["g3", ["met", "kind"]]) == (False, "preventive")
    assert units.loc["g4", "target_group"] == "udsat"
    table = goal_attainment(units.reset_index())
    got = {(r.kind, r.target_group): r for r in table.itertuples(index=False)}
    assert list(got) == [
        ("I alt", "I alt"),
        ("placed", "I alt"),
        ("preventive", "I alt"),
        ("I alt", "udsat"),
        ("I alt", "handicap"),
    ]
    expected = {
        ("I alt", "I alt"): (4, 2),
        ("placed", "I alt"): (2, 1),
        ("preventive", "I alt"): (2, 1),
        ("I alt", "udsat"): (3, 1),
        ("I alt", "handicap"): (1, 1),
    }
    for key, (n, met) in expected.items():
        row = got[key]
        assert (row.children, row.goal_met) == (n, met), key
        assert row.share == pytest.approx(met / n)
        assert (row.ci_low, row.ci_high) == pytest.approx(wilson_by_hand(met, n))


def test_goal_attainment_is_declared_withheld_on_1_to_4_and_said_in_a_key_message(tmp_path):
    from helpers.publishing.tables import publish

    iv, out = goal_data()
    specs = {s.name: s for s in page.specs(_report({"child_outcomes": out, "interventions": iv}))}
    goals = specs["goal_attainment"]
    members = {(c.row, c.column): sorted(c.members) for c in goals.cells}
    assert members[(0, "children")] == ["g1", "g2", "g3", "g4"]
    assert members[(0, "goal_met")] == ["g1", "g2"]
    assert members[(4, "goal_met")] == ["g1"]
    protection = protect(list(specs.values()))
    assert protection.hidden(("goal_attainment", 0, "share"))  # 4 children
    assert page.goal_message(publish(goals, tmp_path, protection)) is None

    many = [f"h{i}" for i in range(10)]
    iv = pd.DataFrame({"person_id": many, "step": 2, "start_date": pd.Timestamp("2015-01-01"), "end_date": pd.NaT})
    iv["target_group"], iv["municipality"] = "udsat", 851
    out = outcomes([(p, "2016-01-01", "goal_met", float(i < 6)) for i, p in enumerate(many)])
    spec = next(
        s for s in page.specs(_report({"child_outcomes": out, "interventions": iv})) if s.name == "goal_attainment"
    )
    published = publish(spec, tmp_path)
    low, high = wilson_by_hand(6, 10)
    assert page.goal_message(published) == (
        "Ved den seneste opfølgning i perioden var målet nået for 60 % af de 10 børn, der blev fulgt op "
        f"(95 %-KI {round(100 * low)} %–{round(100 * high)} %)."
    )
