"""Durations of placements and preventive measures (issue #27, seed 002), every number by hand."""

import dataclasses
import math

import pandas as pd
import pytest

from helpers.analyses import durations
from helpers.analyses import key_figures as kf
from helpers.publishing.disclosure import PUBLISHED
from helpers.publishing.pages import staircase as staircase_page
from helpers.publishing.tables import publish

T0, T1 = "2016-01-01", "2016-06-30"


def frame(rows):
    out = pd.DataFrame(rows, columns=["person_id", "step", "start_date", "end_date", "target_group"])
    out["start_date"] = pd.to_datetime(out["start_date"])
    out["end_date"] = pd.to_datetime(out["end_date"])
    return out


def data():
    """A: foster care, then an institution the day after (one placement, 2015-07-01 to
    2016-03-31 = 184 + 91 = 275 days; on step 5 215 days, on step 6 60 days), and two
    overlapping preventive measures (one spell 2016-01-10 to 2016-04-04 = 86 days; on step 2
    30 days, on step 3 60 days). B (handicap): network care for 10 days. C: foster care from
    1 May, still under way. D: placed in 2015 only (not under way in the period). E
    (handicap): step 1 twice with a day between (two spells, 29 and 30 days)."""
    return frame(
        [
            ("A", 5, "2015-07-01", "2016-01-31", "udsat"),
            ("A", 6, "2016-02-01", "2016-03-31", "udsat"),
            ("A", 2, "2016-01-10", "2016-02-08", "udsat"),
            ("A", 3, "2016-02-05", "2016-04-04", "udsat"),
            ("B", 4, "2016-03-01", "2016-03-10", "handicap"),
            ("C", 5, "2016-05-01", None, "udsat"),
            ("D", 6, "2015-01-01", "2015-12-31", "udsat"),
            ("E", 1, "2016-02-01", "2016-02-29", "handicap"),
            ("E", 1, "2016-03-02", "2016-03-31", "handicap"),
        ]
    )


def rows(table):
    return {(r.kind, r.step, r.target_group): r for r in table.itertuples(index=False)}


def test_spells_join_moves_and_overlaps_and_keep_gaps():
    joined = durations.spells(data(), durations.KINDS["placement"]).set_index("spell_id")
    assert sorted(joined.index) == ["A|2015-07-01", "B|2016-03-01", "C|2016-05-01", "D|2015-01-01"]
    assert joined.loc["A|2015-07-01", "end_date"] == pd.Timestamp("2016-03-31")
    assert pd.isna(joined.loc["C|2016-05-01", "end_date"])
    one_step = durations.spells(data(), durations.KINDS["placement"], by_step=True).set_index("spell_id")
    assert one_step.loc["A|2015-07-01|trin 5", "end_date"] == pd.Timestamp("2016-01-31")
    assert one_step.loc["A|2016-02-01|trin 6", "step"] == "6"
    preventive = durations.spells(data(), durations.KINDS["preventive"]).set_index("spell_id")
    assert sorted(preventive.index) == ["A|2016-01-10", "E|2016-02-01", "E|2016-03-02"]  # a day apart: two
    assert preventive.loc["A|2016-01-10", "end_date"] == pd.Timestamp("2016-04-04")
    assert set(preventive["target_group"]) == {"udsat", "handicap"}


def test_durations_table_by_hand():
    got = rows(durations.durations_table(data(), T0, T1))
    total = got[("placement", "I alt", "I alt")]
    assert (total.under_way, total.completed) == (3, 2)  # A, B, C; A and B ended (D ended in 2015)
    assert total.mean_days == pytest.approx((275 + 10) / 2)
    assert (total.min_months, total.max_months) == (0, 9)  # 10 days; 275 / 30.4375 = 9.03
    # Kaplan-Meier with late entry: at day 10 only B and C are at risk (A entered at day 184),
    # B ends: S(10) = 1/2, so the median is 10 days
    assert total.median_days == 10
    assert (got[("placement", "4", "I alt")].completed, got[("placement", "4", "I alt")].mean_days) == (1, 10)
    five = got[("placement", "5", "I alt")]
    assert (five.under_way, five.completed, five.mean_days) == (2, 1, 215)  # A's foster care; C under way
    assert got[("placement", "6", "I alt")].mean_days == 60  # D's institution ended before the period
    udsat, handicap = got[("placement", "I alt", "udsat")], got[("placement", "I alt", "handicap")]
    assert (udsat.under_way, udsat.completed, udsat.mean_days) == (2, 1, 275)
    assert (handicap.under_way, handicap.completed, handicap.mean_days) == (1, 1, 10)

    prev = got[("preventive", "I alt", "I alt")]
    assert (prev.under_way, prev.completed) == (3, 3)
    assert prev.mean_days == pytest.approx((86 + 29 + 30) / 3)
    assert (prev.min_months, prev.max_months) == (0, 2)  # 86 / 30.4375 = 2.8
    assert got[("preventive", "1", "I alt")].mean_days == pytest.approx(29.5)
    assert got[("preventive", "2", "I alt")].mean_days == 30
    assert got[("preventive", "3", "I alt")].mean_days == 60
    assert got[("preventive", "I alt", "handicap")].completed == 2
    assert len(got) == 2 * (1 + 3 + 2)


def test_a_spell_under_way_at_the_end_is_censored_not_completed():
    table = rows(durations.durations_table(data(), T0, "2016-03-20"))
    total = table[("placement", "I alt", "I alt")]
    assert (total.under_way, total.completed, total.mean_days) == (2, 1, 10)  # A runs past 20 March
    assert math.isnan(
        rows(durations.durations_table(data().iloc[5:6], T0, T1))[("placement", "I alt", "I alt")].mean_days
    )


def test_whole_months_round_down():
    assert list(durations.whole_months([1, 30, 31, 60, 61, 365, 366])) == [0, 0, 1, 1, 2, 11, 12]


def test_the_placement_in_all_is_the_key_figures_placement_duration():
    """One number per concept: the table's placements in all are the key figures'."""
    table = rows(durations.durations_table(data(), T0, T1))[("placement", "I alt", "I alt")]
    kf_durations = kf.placement_durations(data(), T0, T1)
    assert table.under_way == len(kf_durations) and table.completed == int(kf_durations["ended"].sum())
    assert table.median_days == kf.median_duration(kf_durations)[0]


def test_spec_declares_spells_sums_and_the_children_of_the_extremes(tmp_path):
    spec = staircase_page.durations_spec(data(), pd.Timestamp(T0), pd.Timestamp(T1))
    row = {k: i for i, k in enumerate(zip(spec.frame["kind"], spec.frame["step"], spec.frame["target_group"]))}
    cells = {c.key: c for c in spec.cells}
    i = row[("placement", "I alt", "I alt")]
    assert sorted(cells[("durations", i, "under_way")].members) == ["A|2015-07-01", "B|2016-03-01", "C|2016-05-01"]
    assert cells[("durations", i, "under_way")].unit == "placement"  # the key figures' unit: they link
    behind_mean = cells[("durations", i, "mean_days*completed")]
    assert behind_mean.value == 275 + 10 and not behind_mean.shown and behind_mean.base_n == 2
    stats = {s.key: s for s in spec.statistics}
    assert stats[("durations", i, "min_months")].base_n == 1  # only B's placement lasted 0 whole months
    j = row[("preventive", "1", "I alt")]
    assert stats[("durations", j, "min_months")].base_n == 1  # E's two spells: one child
    assert cells[("durations", j, "completed")].unit == "preventive_spell"
    assert ("placement_duration_days", "median", i, "median_days") in spec.concepts

    declared = {c.key for c in spec.cells} | set(stats)
    numbers = ["under_way", "completed", "mean_days", "min_months", "max_months", "median_days", "ci_low", "ci_high"]
    for row in range(len(spec.frame)):
        for column in numbers:  # every number shown is a cell or a statistic: none escapes protection
            assert pd.isna(spec.frame[column].iloc[row]) or ("durations", row, column) in declared, (row, column)
    published = publish(spec, tmp_path)
    # every group rests on 1-4 children: nothing but true zeros may show
    for row in range(len(spec.frame)):
        for column in numbers:
            value = spec.frame[column].iloc[row]
            shown = published.status[column].iloc[row] == PUBLISHED
            assert not shown or pd.isna(value) or (column == "completed" and value == 0), (row, column)
    assert staircase_page.durations_da(published) == (
        "Medianvarigheden af anbringelsesforløbene kan ikke vises for perioden. "
        "Medianvarigheden af forløbene med forebyggende indsatser kan ikke vises for perioden."
    )
    assert staircase_page.durations_spec(data().iloc[6:7], pd.Timestamp(T0), pd.Timestamp(T1)) is None


def test_extremes_show_only_when_five_children_share_them(tmp_path):
    """Twelve placements of 5 days (0 whole months) and one of 400 days: the shortest rests on
    twelve children and is shown, the longest on one and is withheld."""
    many = [(f"K{i:02d}", 5, "2016-02-01", "2016-02-05", "udsat") for i in range(12)]
    many.append(("L", 5, "2015-10-01", "2016-11-03", "udsat"))  # ends after the period: censored
    many.append(("M", 5, "2015-06-01", "2016-07-04", "udsat"))  # 400 days, ends in a longer period
    spec = staircase_page.durations_spec(frame(many), pd.Timestamp(T0), pd.Timestamp("2016-07-31"))
    published = publish(dataclasses.replace(spec, priority=9), tmp_path)
    i = next(
        k
        for k, (kind, step, group) in enumerate(zip(spec.frame["kind"], spec.frame["step"], spec.frame["target_group"]))
        if (kind, step, group) == ("placement", "I alt", "I alt")
    )
    assert published.value(i, "completed") == 13 and published.value(i, "min_months") == 0
    assert published.value(i, "max_months") is None  # 13 whole months: M's alone
    assert published.value(i, "mean_days") == pytest.approx((12 * 5 + 400) / 13)
    text = staircase_page.durations_da(published)
    assert text.startswith("Halvdelen af anbringelsesforløbene varer 5 dage eller kortere")


def typed():
    """Placements with the mapping's placement types. F: an ordinary foster family
    2016-01-01..01-31 (31 days), then a reinforced one 02-01..03-31 (29 + 31 = 60 days), both
    step 5, so one spell on step 5 (91 days) and one per type. G: network care (the only type
    of step 4) 2016-02-01..02-10 (10 days). H: an institution from 2015-12-01, under way. I: a
    step 6 placement whose measure names no type ("uoplyst")."""
    out = frame(
        [
            ("F", 5, "2016-01-01", "2016-01-31", "udsat"),
            ("F", 5, "2016-02-01", "2016-03-31", "udsat"),
            ("G", 4, "2016-02-01", "2016-02-10", "handicap"),
            ("H", 6, "2015-12-01", None, "udsat"),
            ("I", 6, "2016-03-01", "2016-03-20", "udsat"),
        ]
    )
    out["placement_type"] = [
        "plejefamilie, almindelig",
        "plejefamilie, forstærket",
        "netværkspleje",
        "døgninstitution",
        None,
    ]
    return out


def test_placement_durations_per_placement_type_by_hand():
    """VIVE (seed 001): durations per placement type, in the mapping's order per step."""
    table = durations.placement_type_table(typed(), T0, T1)
    assert list(zip(table["placement_type"], table["step"])) == [
        ("netværkspleje", "4"),
        ("plejefamilie, almindelig", "5"),
        ("plejefamilie, forstærket", "5"),
        ("døgninstitution", "6"),
        ("uoplyst", "6"),
    ]
    got = table.set_index("placement_type")
    assert got.loc["plejefamilie, almindelig", "mean_days"] == 31  # not the step's 91 days
    assert got.loc["plejefamilie, forstærket", "mean_days"] == 60
    assert got.loc["netværkspleje", "completed"] == 1 and got.loc["netværkspleje", "mean_days"] == 10
    assert got.loc["døgninstitution", "completed"] == 0 and pd.isna(got.loc["døgninstitution", "median_days"])
    assert got.loc["uoplyst", "mean_days"] == 20
    # the step's own row joins F's two types into one spell of 91 days
    step5 = rows(durations.durations_table(typed(), T0, T1))[("placement", "5", "I alt")]
    assert step5.mean_days == 91


def test_a_type_that_is_its_whole_step_counts_the_step_units(tmp_path):
    """Network care is all of step 4 and H's institution all of its step-6 spell: those rows
    name the step's spells, so the two tables are one system; F's types do not."""
    t0, t1 = pd.Timestamp(T0), pd.Timestamp(T1)
    by_type = staircase_page.placement_type_durations_spec(typed(), t0, t1)
    by_step = staircase_page.durations_spec(typed(), t0, t1)
    members = {
        (row, c.column): set(c.members)
        for c in by_type.cells
        for row in [by_type.frame["placement_type"].iloc[c.row]]
        if c.column == "under_way"
    }
    step_rows = {
        k: i for i, k in enumerate(zip(by_step.frame["kind"], by_step.frame["step"], by_step.frame["target_group"]))
    }
    step_members = {c.row: set(c.members) for c in by_step.cells if c.column == "under_way"}
    assert members[("netværkspleje", "under_way")] == step_members[step_rows[("placement", "4", "I alt")]]
    assert members[("døgninstitution", "under_way")] == {"H|2015-12-01|trin 6"}
    assert members[("plejefamilie, almindelig", "under_way")] == {"F|2016-01-01|trin 5|plejefamilie, almindelig"}
    assert members[("plejefamilie, forstærket", "under_way")] == {"F|2016-02-01|trin 5|plejefamilie, forstærket"}
    declared = {c.key for c in by_type.cells} | {s.key for s in by_type.statistics}
    for row in range(len(by_type.frame)):
        for column in durations.SUMMARY_COLUMNS:  # every number shown is protected
            value = by_type.frame[column].iloc[row]
            assert pd.isna(value) or (by_type.name, row, column) in declared, (row, column)
    published = publish(by_type, tmp_path)
    for row in range(len(by_type.frame)):  # one or two children a row: nothing but zeros shows
        for column in durations.SUMMARY_COLUMNS:
            value = by_type.frame[column].iloc[row]
            shown = published.status[column].iloc[row] == PUBLISHED
            assert not shown or pd.isna(value) or value == 0, (row, column)
    untyped = typed().assign(placement_type=None)
    assert staircase_page.placement_type_durations_spec(untyped, t0, t1) is None  # no types: the steps say it all
    assert durations.placement_type_table(untyped, T0, T1).empty
