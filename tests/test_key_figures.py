import dataclasses
import math

import pandas as pd
import pytest

from helpers.analyses import key_figures as kf
from helpers.publishing.disclosure import TableSpec
from helpers.publishing.pages import key_figures as kf_page
from helpers.publishing.tables import publish

T0, T1 = "2016-01-01", "2016-06-30"


def interventions(rows):
    frame = pd.DataFrame(
        rows,
        columns=[
            "person_id",
            "step",
            "start_date",
            "end_date",
            "monthly_cost",
            "target_group",
            "birth_date",
            "provider_type",
            "caseworker_id",
            "district",
        ],
    )
    for c in ("start_date", "end_date", "birth_date"):
        frame[c] = pd.to_datetime(frame[c])
    return frame


def events(rows):
    frame = pd.DataFrame(rows, columns=["person_id", "event_date", "event_type", "outcome", "deadline_met"])
    frame["event_date"] = pd.to_datetime(frame["event_date"])
    frame["deadline_met"] = frame["deadline_met"].astype("boolean")
    return frame


def value(table, figure, group="I alt"):
    row = table[(table["figure"] == figure) & (table["group"] == group)]
    assert len(row) == 1, (figure, group)
    return row["value"].iloc[0]


@pytest.fixture
def small():
    iv = interventions(
        [
            # A: moves from foster care to an institution inside the period: placed, but not a new placement
            ("A", 5, "2015-01-01", "2016-03-31", 30_000, "udsat", "2004-05-01", "egen", "cw1", "Nord"),
            ("A", 6, "2016-04-01", None, 90_000, "udsat", "2004-05-01", "privat", "cw1", "Nord"),
            # B: preventive, then newly placed in the period
            ("B", 2, "2015-06-01", "2016-02-14", 5_000, "handicap", "2012-01-10", "egen", "cw1", "Nord"),
            ("B", 5, "2016-02-15", None, 30_000, "handicap", "2012-01-10", "egen", "cw2", "Syd"),
            # C: preventive, ended in the period (not active at the end)
            ("C", 3, "2016-01-01", "2016-01-31", 10_000, "udsat", "2010-01-01", "egen", "cw2", "Syd"),
            # D: early intervention, active at the end
            ("D", 1, "2016-06-01", None, 2_000, "udsat", "2015-03-01", None, "cw2", "Syd"),
        ]
    )
    ev = events(
        [
            ("A", "2016-02-01", "underretning", None, None),
            ("B", "2016-02-10", "børnefaglig_undersøgelse", None, True),
            ("C", "2016-01-05", "børnefaglig_undersøgelse", None, False),
            ("D", "2016-03-01", "klage", "medhold", None),
            ("D", "2015-12-31", "underretning", None, None),
        ]
    )
    plan = pd.DataFrame(
        {
            "year": [2016, 2016],
            "step": ["5", "6"],
            "budget_count": [1.0, 1.0],
            "budget_unit_cost": [366_000.0, 1_098_000.0],
        }
    )
    return kf.key_figures(iv, ev, plan, T0, T1, 851), iv, ev


def test_counts_at_the_period_end(small):
    table, _, _ = small
    assert value(table, "active_children") == 3  # A, B, D (C ended)
    assert value(table, "placed_children") == 2
    assert value(table, "placed_children", "6. Institution") == 1
    assert value(table, "placed_children", "5. Plejefamilie") == 1
    assert value(table, "placed_children", "4. Netværkspleje") == 0
    assert value(table, "placed_by_target_group", "handicap") == 1
    assert value(table, "placed_by_age_group", "12-17 år") == 1  # A is 12 on 2016-06-30
    assert value(table, "placed_by_age_group", "0-5 år") == 1  # B is 4 on 2016-06-30
    assert value(table, "preventive_children") == 1  # D


def test_new_placements_and_durations(small):
    table, _, _ = small
    assert value(table, "new_placements") == 1  # only B; A moved between placements
    assert value(table, "new_placements", "5. Plejefamilie") == 1
    # A's move from foster care to an institution does not end A's placement (issue 13: the
    # old definition took the foster care row as an ended placement of 456 days); both
    # placements are under way at the period end: no placement ended, no median
    assert value(table, "placements_for_duration") == 2 and value(table, "placements_ended") == 0
    assert math.isnan(value(table, "placement_duration_days", "median"))
    assert not table["figure"].str.startswith("placement_days").any()
    # the duration of preventive measures is the staircase page's durations table (test_durations)
    assert not table["figure"].str.startswith("preventive_days").any()


def test_spending_budget_and_shares(small):
    table, iv, _ = small
    per_day = lambda monthly: monthly * 12 / 366  # noqa: E731 - 2016 is a leap year
    a = per_day(30_000) * 91 + per_day(90_000) * 91
    b = per_day(5_000) * 45 + per_day(30_000) * 137
    c = per_day(10_000) * 31
    d = per_day(2_000) * 30
    assert value(table, "spending") == pytest.approx(a + b + c + d)
    assert value(table, "spending", "6. Institution") == pytest.approx(per_day(90_000) * 91)
    days = 182
    assert value(table, "budget", "5. Plejefamilie") == pytest.approx(366_000 * days / 366)
    placements = per_day(30_000) * 91 + per_day(90_000) * 91 + per_day(30_000) * 137
    assert value(table, "spending_share", "Anbringelser (trin 4-6)") == pytest.approx(placements / (a + b + c + d))
    assert value(table, "top_cases") == 1  # ceil(10 % of 4 children)
    assert value(table, "top_cases_spending_share") == pytest.approx(a / (a + b + c + d))
    assert value(table, "provider_spending_share", "privat") == pytest.approx(per_day(90_000) * 91 / (a + b + c + d))
    # per target group (seeds/004): B is the only child with disability, A, C and D udsat
    assert value(table, "spending_by_target_group", "handicap") == pytest.approx(b)
    assert value(table, "spending_by_target_group", "udsat") == pytest.approx(a + c + d)
    assert value(table, "spending_target_group_share", "handicap") == pytest.approx(b / (a + b + c + d))
    groups = table.loc[table["figure"] == "spending_by_target_group", "group"].tolist()
    assert groups == ["udsat", "handicap"]  # the book's order; no "Ukendt" without unknown rows


def test_case_events_in_the_period(small):
    table, _, _ = small
    assert value(table, "case_events", "Underretninger") == 1  # the 2015 one is outside
    assert value(table, "case_events", "Børnefaglige undersøgelser") == 2
    assert value(table, "investigations_within_deadline_share") == 0.5
    assert value(table, "complaints", "medhold") == 1


def test_small_values_and_revealing_totals_are_hidden(small, tmp_path):
    table, _, _ = small
    publish(kf_page.key_figures_spec(table), tmp_path)
    published = pd.read_csv(tmp_path / "key_figures.csv")
    assert list(published.columns) == ["municipality", "period_start", "period_end", "figure", "group", "value"]
    counts = published.merge(table[["figure", "group", "kind"]], on=["figure", "group"])
    small_counts = counts[(counts["kind"] == "count") & counts["value"].between(1, 4)]
    assert small_counts.empty
    # every amount and statistic here rests on fewer than 5 children: none may be shown
    rest = counts[counts["kind"].isin(["amount", "statistic"])]
    assert len(rest) > 10 and rest["value"].isna().all()
    # the municipality's own budget is not person data: it is shown
    assert counts.loc[counts["kind"] == "public", "value"].notna().any()


def test_cost_in_splits_across_years():
    frame = pd.DataFrame(
        {
            "start_date": pd.to_datetime(["2015-12-01"]),
            "end_date": pd.to_datetime(["2016-01-31"]),
            "monthly_cost": [1_000.0],
        }
    )
    expected = 1_000 * 12 * 31 / 365 + 1_000 * 12 * 31 / 366
    assert kf.cost_in(frame, "2015-12-01", "2016-01-31").iloc[0] == pytest.approx(expected)


def test_district_figures_with_wilson_intervals():
    rows = []
    for i in range(20):
        rows.append((f"n{i}", 5 if i < 6 else 2, "2015-01-01", None, 1000, "udsat", "2010-01-01", "egen", "cw", "Nord"))
    for i in range(3):
        rows.append((f"s{i}", 6, "2015-01-01", None, 1000, "udsat", "2010-01-01", "egen", "cw", "Syd"))
    table = kf.district_figures(interventions(rows), events([]), T0, T1).set_index("district")
    assert table.loc["Nord", ["children", "placed", "preventive"]].tolist() == [20, 6, 14]
    n, k, z = 20, 6, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert table.loc["Nord", "placed_share_ci_low"] == pytest.approx(centre - half)
    assert table.loc["Nord", "placed_share_ci_high"] == pytest.approx(centre + half)


def test_district_publication_hides_small_groups_and_their_complements(tmp_path):
    rows = []
    for district, n, placed in (("A", 30, 10), ("B", 3, 1), ("C", 40, 12)):
        for i in range(n):
            step = 5 if i < placed else 2
            rows.append(
                (f"{district}{i}", step, "2015-01-01", None, 1000, "udsat", "2010-01-01", "egen", "cw", district)
            )
    iv, ev = interventions(rows), events([])
    spec = kf_page.district_spec(iv, ev, T0, T1, "district", "")
    publish(spec, tmp_path / "alone")
    out = pd.read_csv(tmp_path / "alone" / "district_figures.csv").set_index("district")
    assert out.loc["B"].drop("notifications").isna().all()  # every count, amount and statistic of a group of 3
    assert out.loc["B", "notifications"] == 0  # a true zero is shown
    assert out.loc[["A", "C"]].notna().all().all()  # alone, nothing reveals B
    # with the key figures, the districts add up to a published total: a second district goes
    figures = kf_page.key_figures_spec(
        kf.key_figures(iv, ev, iv.iloc[:0].assign(year=[], budget_count=[], budget_unit_cost=[]), T0, T1, 851)
    )
    from helpers.publishing.disclosure import protect

    protection = protect([spec, figures])
    publish(spec, tmp_path / "linked", protection)
    out = pd.read_csv(tmp_path / "linked" / "district_figures.csv").set_index("district")
    assert out["children"].isna().sum() == 2
    assert out.loc["B", "spending"] != out.loc["B", "spending"]  # NaN: B's spending is withheld


def durations_frame():
    """Placements checkable by hand (period 2016-01-01 .. 2016-06-30); see the test."""
    rows = [
        ("a", 5, "2015-01-01", "2016-03-31"),  # moves to an institution the next day:
        ("a", 6, "2016-04-01", None),  # one placement, under way at t1 (547 days, entered at 365)
        ("b", 4, "2016-01-10", "2016-02-08"),  # 30 days, ended
        ("c", 6, "2015-12-01", "2016-01-30"),  # 61 days, ended, entered at 31 (before the period)
        ("c", 5, "2016-02-15", "2016-03-15"),  # a gap of two weeks: a second placement, 30 days
        ("d", 5, "2016-03-01", "2016-05-09"),  # 70 days, ended
        ("e", 5, "2014-01-01", "2015-12-31"),  # ended before the period: not counted
        ("f", 5, "2016-01-01", "2016-04-30"),  # overlapping rows: one placement
        ("f", 6, "2016-03-01", "2016-05-31"),  # 2016-01-01 .. 2016-05-31 = 152 days, ended
        ("g", 5, "2016-05-22", None),  # under way at t1: 40 days, censored
        ("h", 2, "2016-01-01", "2016-02-01"),  # not a placement
    ]
    return interventions([(p, s, a, b, 1000, "udsat", "2005-01-01", "egen", "cw", "Nord") for p, s, a, b in rows])


def test_continuous_placements_join_moves_and_overlaps():
    spells = kf.continuous_placements(durations_frame()).set_index("placement_id")
    assert len(spells) == 8  # a, b, c (two), d, e, f, g
    assert pd.isna(spells.loc["a|2015-01-01", "end_date"])
    assert spells.loc["f|2016-01-01", "end_date"] == pd.Timestamp("2016-05-31")
    assert {"c|2015-12-01", "c|2016-02-15"} <= set(spells.index)


def test_placement_duration_is_a_kaplan_meier_median_with_censored_and_late_entries():
    """By hand, with delayed entry (a placement that started before the period is at risk
    from the day it had lasted at t0): (time, ended, entry) = a (547, no, 365), b (30, yes,
    0), c1 (61, yes, 31), c2 (30, yes, 0), d (70, yes, 0), f (152, yes, 0), g (40, no, 0).
    Day 30: at risk b, c2, d, f, g = 5, two end: S = 3/5 = 0.6. Day 61: at risk c1, d, f = 3
    (c1 entered at 31; g left at 40; a enters at 365), one ends: S = 0.6 x 2/3 = 0.4 <= 0.5:
    the median is 61 days. A mean of the ended placements would say (30+61+30+70+152)/5 = 68.6."""
    table = kf.key_figures(durations_frame(), events([]), pd.DataFrame(columns=["year"]), T0, T1, 851)
    assert value(table, "placements_for_duration") == 7
    assert value(table, "placements_ended") == 5
    assert value(table, "placement_duration_days", "median") == 61
    low, high = value(table, "placement_duration_days", "ci_low"), value(table, "placement_duration_days", "ci_high")
    assert low <= 61 <= high and low >= 30
    durations = kf.placement_durations(durations_frame(), T0, T1).set_index("placement_id")
    assert durations.loc["a|2015-01-01", ["time", "ended", "entry"]].tolist() == [547, False, 365]
    assert durations.loc["c|2015-12-01", ["time", "ended", "entry"]].tolist() == [61, True, 31]
    assert durations.loc["g|2016-05-22", ["time", "ended", "entry"]].tolist() == [40, False, 0]


def test_age_groups_of_placed_children_unknown_only_without_a_birth_date():
    rows = [
        ("p", 5, "2015-01-01", None, 1000, "udsat", "1990-01-01", "egen", "cw", "Nord"),  # 26 years old
        ("q", 5, "2015-01-01", None, 1000, "udsat", None, "egen", "cw", "Nord"),  # no birth date
        ("r", 6, "2015-01-01", None, 1000, "udsat", "2010-01-01", "egen", "cw", "Nord"),
    ]
    table = kf.key_figures(interventions(rows), events([]), pd.DataFrame(columns=["year"]), T0, T1, 851)
    assert value(table, "placed_by_age_group", "23 år og derover") == 1
    assert value(table, "placed_by_age_group", "Ukendt") == 1
    assert value(table, "placed_by_age_group", "6-11 år") == 1


def test_placed_children_by_placement_type():
    iv = durations_frame()
    iv["placement_type"] = iv["step"].map({4: "netværkspleje", 5: "plejefamilie, almindelig", 6: "døgninstitution"})
    table = kf.key_figures(iv, events([]), pd.DataFrame(columns=["year"]), T0, T1, 851)
    # at 2016-06-30: a (institution), g (foster family); f ended on 31 May
    assert value(table, "placed_by_placement_type", "døgninstitution") == 1
    assert value(table, "placed_by_placement_type", "plejefamilie, almindelig") == 1
    assert value(table, "placed_by_placement_type") == 2


#: Key figures whose groups add up to their "I alt" row (by the definitions, not by the code).
PARTITIONS = ["placed_children", "placed_by_target_group", "placed_by_age_group", "complaints"]


def test_key_figures_withhold_a_complement_so_no_small_group_follows_from_its_total(tmp_path):
    """Complementary (secondary) protection of the key figures, checked from the published
    file alone: 3 children in network care, 12 in foster care and 10 in institutions (25
    placed), 3 of them with a disability; complaints 2 + 6 + 5. A group of 1-4 that is
    withheld while its total and every other group are shown would be total minus the rest,
    so every figure withholds either nothing or at least two of its numbers."""
    from helpers.publishing.disclosure import protect

    rows = []
    for i, step in enumerate([4] * 3 + [5] * 12 + [6] * 10):
        born = "2012-03-01" if i % 2 else "2003-03-01"
        group = "handicap" if i in (0, 7, 20) else "udsat"
        rows.append((f"c{i}", step, "2015-01-01", None, 1000.0 * step, group, born, "egen", f"cw{i % 4}", "Nord"))
    complaints = [(f"c{i}", "2016-03-01", "klage", o, None) for i, o in enumerate(["medhold"] * 2 + ["hjemvist"] * 6)]
    complaints += [(f"c{i}", "2016-04-01", "klage", "omgjort", None) for i in range(5)]
    figures = kf.key_figures(interventions(rows), events(complaints), pd.DataFrame(columns=["year"]), T0, T1, 851)
    spec = kf_page.key_figures_spec(figures)
    publish(spec, tmp_path, protect([spec]))
    out = pd.read_csv(tmp_path / "key_figures.csv", dtype={"group": str})
    assert value(figures, "placed_children", "4. Netværkspleje") == 3  # the small groups are there
    assert value(figures, "placed_by_target_group", "handicap") == 3
    for figure in PARTITIONS:
        part = out[out["figure"] == figure]
        withheld = part["value"].isna().sum()
        assert withheld != 1, (figure, part.to_dict("records"))
        groups = part[part["group"] != "I alt"]
        shown = groups["value"].dropna()
        assert not ((shown > 0) & (shown < 5)).any(), figure
    placed = out[out["figure"] == "placed_children"].set_index("group")["value"]
    assert pd.isna(placed["4. Netværkspleje"])


def test_no_placements_give_no_duration_and_no_error():
    iv = interventions([("h", 2, "2016-01-01", "2016-02-01", 1000, "udsat", "2010-01-01", "egen", "cw", "Nord")])
    table = kf.key_figures(iv, events([]), pd.DataFrame(columns=["year"]), T0, T1, 851)
    assert value(table, "placements_for_duration") == 0
    assert math.isnan(value(table, "placement_duration_days", "median"))


def new_placement_data():
    """Hand-made: A (plejefamilie, udsat, 6 years at the start), B (institution, handicap,
    15), D (netværkspleje at 12, then institution again after a gap), C (moves from
    netværkspleje to plejefamilie the day after: not new), E preventive, F after the period."""
    rows = [
        ("A", 5, "2016-03-01", None, 1, "udsat", "2010-01-15", "egen", "s1", "Nord"),
        ("B", 6, "2016-04-10", None, 1, "handicap", "2000-06-01", "egen", "s1", "Nord"),
        ("C", 4, "2016-01-01", "2016-04-30", 1, "udsat", "2012-02-01", "egen", "s1", "Nord"),
        ("C", 5, "2016-05-01", None, 1, "udsat", "2012-02-01", "egen", "s1", "Nord"),
        ("D", 4, "2016-02-15", "2016-04-01", 1, "udsat", "2003-03-01", "egen", "s1", "Nord"),
        ("D", 6, "2016-06-01", None, 1, "udsat", "2003-03-01", "egen", "s1", "Nord"),
        ("E", 2, "2016-03-01", None, 1, "udsat", "2009-01-01", "egen", "s1", "Nord"),
        ("F", 5, "2016-09-01", None, 1, "udsat", "2009-01-01", "egen", "s1", "Nord"),
    ]
    return interventions(rows)


def test_new_placements_by_step_target_group_and_age_at_the_start():
    """Issue #27: ``new_placements`` broken down as seed 002 asks, children counted by hand."""
    children = kf.new_placement_children(new_placement_data(), "2016-02-01", "2016-08-01")
    table = kf.new_placements_by_group(children)
    assert list(table.columns) == ["step", "target_group", "age_group", "children"]
    got = {(r.step, r.target_group, r.age_group): r.children for r in table.itertuples(index=False)}
    # the cells with children: D twice (12 years on 15 February, 13 on 1 June: both 12-17)
    assert got[("4", "udsat", "12-17 år")] == 1
    assert got[("5", "udsat", "6-11 år")] == 1
    assert got[("6", "handicap", "12-17 år")] == 1
    assert got[("6", "udsat", "12-17 år")] == 1
    detail = {k: v for k, v in got.items() if "I alt" not in k}
    assert len(detail) == 4  # C (not new), E (preventive) and F (after the period) are nowhere
    # the margins count children once: D is in two steps but one child
    assert got[("I alt", "I alt", "I alt")] == 3
    assert got[("6", "I alt", "I alt")] == 2 and got[("I alt", "udsat", "I alt")] == 2
    assert got[("I alt", "I alt", "12-17 år")] == 2 and got[("I alt", "handicap", "I alt")] == 1
    assert got[("5", "handicap", "I alt")] == 0  # a margin is always a row, 0 too
    assert len(table) == 4 * 3 * 3 - 3 * 2 * 2 + 4


def test_new_placements_spec_declares_its_children_and_says_what_is_withheld(tmp_path):
    from helpers.publishing.pages import staircase as staircase_page

    spec = staircase_page.new_placements_spec(
        new_placement_data(), pd.Timestamp("2016-02-01"), pd.Timestamp("2016-08-01")
    )
    assert spec.name == "new_placements" and len(spec.cells) == len(spec.frame)
    total = spec.frame.index[(spec.frame[["step", "target_group", "age_group"]] == "I alt").all(axis=1)][0]
    assert sorted(spec.cells[total].members) == ["A", "B", "D"]
    # three children: every cross of two breakdowns has only cells of 1, so only the
    # breakdowns one by one are rows (3 steps + 2 target groups + 2 age groups + 3 totals)
    margins = (spec.frame[["step", "target_group", "age_group"]] == "I alt").sum(axis=1)
    assert (margins >= 2).all() and len(spec.frame) == 4 + 3 + 3 - 2
    published = publish(dataclasses.replace(spec, public=True), tmp_path)  # the counts as they are
    assert staircase_page.new_placements_da(published) == (
        "3 børn blev anbragt på ny i perioden. Opdelingerne trin × målgruppe, trin × alder, målgruppe × alder og "
        "trin × målgruppe × alder vises ikke, fordi der i gennemsnit ville være færre end 10 børn pr. celle, så "
        "mange celler ville være for små til at vises. Tabellen viser de grovere opdelinger."
    )
    assert staircase_page.new_placements_spec(new_placement_data().iloc[6:7], "2016-02-01", "2016-08-01") is None


def test_the_full_breakdown_is_said_when_most_of_it_is_withheld(tmp_path):
    """The full cross is printed (no cross left out), but the protection withheld it."""
    from helpers.publishing.pages import staircase as staircase_page

    frame = pd.DataFrame(
        [
            ("5", "udsat", "6-11 år", 7),
            ("5", "udsat", "I alt", 7),
            ("5", "I alt", "6-11 år", 7),
            ("5", "I alt", "I alt", 7),
            ("I alt", "udsat", "6-11 år", 7),
            ("I alt", "udsat", "I alt", 7),
            ("I alt", "I alt", "6-11 år", 7),
            ("I alt", "I alt", "I alt", 7),
        ],
        columns=["step", "target_group", "age_group", "children"],
    )
    published = publish(TableSpec("new_placements", frame, public=True), tmp_path)
    assert staircase_page.new_placements_da(published) == "7 børn blev anbragt på ny i perioden."
    published.status.loc[0, "children"] = "withheld"
    text = staircase_page.new_placements_da(published)
    assert "1 af de 1 celler i den fulde opdeling" in text and "rækkerne «I alt»" in text


def crosses(rows: list[tuple]) -> pd.DataFrame:
    """A tidy breakdown by ``a`` and ``b`` with both margins, from its inner cells."""
    inner = pd.DataFrame(rows, columns=["a", "b", "children"])
    out = [inner]
    out.append(inner.groupby("a", as_index=False)["children"].sum().assign(b="I alt"))
    out.append(inner.groupby("b", as_index=False)["children"].sum().assign(a="I alt"))
    out.append(pd.DataFrame([("I alt", "I alt", inner["children"].sum())], columns=["a", "b", "children"]))
    return pd.concat(out, ignore_index=True)[["a", "b", "children"]]


def test_a_cross_is_shown_with_ten_children_per_cell_on_average():
    """Issue #27/#29, by hand: a cross of 2 x 2 cells needs 40 children. The decision rests
    on the total and the levels only, not on which cells are small; a breakdown with one
    level adds nothing, and its cross stays."""
    from helpers.publishing.pages.staircase import small_crosses, without_small_crosses

    forty = crosses([("x", "p", 10), ("x", "q", 2), ("y", "p", 25), ("y", "q", 3)])
    assert small_crosses(forty, ["a", "b"]) == [] and without_small_crosses(forty, ["a", "b"]).equals(forty)
    even = crosses([("x", "p", 10), ("x", "q", 10), ("y", "p", 10), ("y", "q", 9)])  # 39: no small cell
    assert small_crosses(even, ["a", "b"]) == [("a", "b")]
    kept = without_small_crosses(even, ["a", "b"])
    assert sorted(zip(kept["a"], kept["b"], kept["children"])) == sorted(
        [("x", "I alt", 20), ("y", "I alt", 19), ("I alt", "p", 20), ("I alt", "q", 19), ("I alt", "I alt", 39)]
    )
    one_level = crosses([("x", "p", 1), ("y", "p", 2)])
    assert without_small_crosses(one_level, ["a", "b"]).equals(one_level)


def test_finer_crosses_go_first():
    """Steps (4, 5, 6) x target groups (2) x ages (2) with 70 children: each cross of two has
    6 or 4 cells (60 or 40 children needed) and stays; the full cross has 12 (120 needed)
    and goes. With 50 children, step x target group and step x age (6 cells) go as well."""
    from helpers.publishing.pages.staircase import small_crosses, without_small_crosses

    def placed(n_per_cell):
        cells = [(s, g, a) for s in ("4", "5", "6") for g in ("udsat", "handicap") for a in ("0-5 år", "6-11 år")]
        rows = [(s, g, a, f"{s}{g}{a}{k}") for (s, g, a), n in zip(cells, n_per_cell) for k in range(n)]
        return pd.DataFrame(rows, columns=["step", "target_group", "age_group", "person_id"])

    by = ["step", "target_group", "age_group"]
    seventy = kf.new_placements_by_group(placed([6] * 10 + [5, 5]))
    # the full cross goes, and with it one of the three crosses of two (all three would pin
    # cells of the full cross): step x age, the last of the two with 6 cells
    assert small_crosses(seventy, by) == [("step", "age_group"), ("step", "target_group", "age_group")]
    shown = without_small_crosses(seventy, by)
    assert ((shown[by] != "I alt").sum(axis=1) <= 2).all()
    assert len(shown) == len(seventy) - 12 - 3 * 2
    fifty = kf.new_placements_by_group(placed([4] * 10 + [5, 5]))
    assert small_crosses(fifty, by) == [("step", "target_group"), ("step", "age_group"), tuple(by)]


def test_the_crosses_shown_do_not_pin_a_small_cell_of_the_full_cross_left_out(tmp_path):
    """A reader's attack, by linear programming over the printed rows: steps 4 and 5 (6
    empty), 69 children. Were all three crosses of two printed, (4, I alt, 6-11 år) = 0 gives
    (4, udsat, 0-5 år) = (4, udsat, I alt) = 20, and (5, udsat, 0-5 år) = 23 - 20 = 3 exactly.
    Without step x age, every cell of the full cross has a range of at least two values.
    The page says why step x age is not shown."""
    from scipy.optimize import linprog

    from helpers.publishing.pages import staircase as staircase_page

    inner = {
        ("4", "udsat", "0-5 år"): 20,
        ("4", "handicap", "0-5 år"): 10,
        ("5", "udsat", "0-5 år"): 3,
        ("5", "udsat", "6-11 år"): 16,
        ("5", "handicap", "6-11 år"): 20,
    }
    children = pd.DataFrame(
        [(*cell, f"{'|'.join(cell)}{k}") for cell, n in inner.items() for k in range(n)],
        columns=["step", "target_group", "age_group", "person_id"],
    )
    by = ["step", "target_group", "age_group"]
    shown = staircase_page.without_small_crosses(kf.new_placements_by_group(children), by)
    cells = [(s, g, a) for s in ("4", "5", "6") for g in ("udsat", "handicap") for a in ("0-5 år", "6-11 år")]
    rows = [r for r in shown.itertuples(index=False) if "I alt" in (r.step, r.target_group, r.age_group)]
    matrix = [
        [float(all(v in ("I alt", c) for v, c in zip((r.step, r.target_group, r.age_group), cell))) for cell in cells]
        for r in rows
    ]
    values = [float(r.children) for r in rows]
    for i, cell in enumerate(cells):
        if not 0 < inner.get(cell, 0) < 5:
            continue
        objective = [float(j == i) for j in range(len(cells))]
        low = linprog(objective, A_eq=matrix, b_eq=values, bounds=(0, None)).fun
        high = -linprog([-v for v in objective], A_eq=matrix, b_eq=values, bounds=(0, None)).fun
        assert high - low >= 1, (cell, low, high)
    published = publish(TableSpec("new_placements", shown, public=True), tmp_path)
    assert staircase_page.new_placements_da(published) == (
        "69 børn blev anbragt på ny i perioden. Opdelingen trin × målgruppe × alder vises ikke, fordi der i "
        "gennemsnit ville være færre end 10 børn pr. celle, så mange celler ville være for små til at vises. "
        "Opdelingen trin × alder vises heller ikke: sammen med de to andre opdelinger to og to ville den give tal "
        "i den fulde opdeling tilbage. Tabellen viser de grovere opdelinger."
    )


def test_a_breakdown_with_one_level_does_not_keep_the_full_cross():
    """Only udsat children (42 over steps 4-6 and two ages): step x age has 6 cells (60
    needed) and goes; the full cross is the same 6 cells and goes with it, while step x
    target group and target group x age are the margins again and stay."""
    from helpers.publishing.pages.staircase import small_crosses, without_small_crosses

    cells = [(s, "udsat", a) for s in ("4", "5", "6") for a in ("0-5 år", "6-11 år")]
    children = pd.DataFrame(
        [(*cell, f"{'|'.join(cell)}{k}") for cell in cells for k in range(7)],
        columns=["step", "target_group", "age_group", "person_id"],
    )
    by = ["step", "target_group", "age_group"]
    table = kf.new_placements_by_group(children)
    assert small_crosses(table, by) == [("step", "age_group"), tuple(by)]
    shown = without_small_crosses(table, by)
    inner = shown[(shown["step"] != "I alt") & (shown["age_group"] != "I alt")]
    assert inner.empty  # neither (s, I alt, a) nor (s, udsat, a)


def district_placement_data():
    """Children at T1 = 2016-06-30, worked out by hand (see the test)."""
    row = ("egen", "cw")
    return interventions(
        [
            ("a1", 5, "2015-01-01", None, 1000, "udsat", "2010-03-01", *row, "Nord"),  # 6 years: 6-11
            ("a2", 4, "2016-02-01", None, 1000, "udsat", "2014-01-01", *row, "Nord"),  # 2 years: 0-5
            ("a2", 2, "2015-02-01", None, 1000, "udsat", "2014-01-01", *row, "Syd"),  # below its placement
            ("a3", 6, "2014-01-01", "2016-03-31", 1000, "udsat", "2005-01-01", *row, "Nord"),  # ended before T1
            ("a3", 2, "2016-04-01", None, 1000, "udsat", "2005-01-01", *row, "Nord"),  # preventive on T1
            ("a4", 6, "2015-06-01", None, 1000, "handicap", "2000-07-01", *row, "Syd"),  # 15 (birthday on 1 July)
            ("a5", 5, "2016-06-30", None, 1000, "udsat", "1998-06-30", *row, None),  # 18 on the day, no district
            ("a6", 5, "2016-07-01", None, 1000, "udsat", "2010-01-01", *row, "Nord"),  # starts after T1
            ("a7", 6, "2016-01-01", None, 1000, "udsat", None, *row, "Nord"),  # highest step: Nord; no birth date
            ("a7", 5, "2015-01-01", None, 1000, "udsat", None, *row, "Syd"),
            ("a8", 2, "2015-01-01", None, 1000, "udsat", "2010-01-01", *row, "Vest"),  # a district with no one placed
        ]
    )


def test_placed_children_per_district_by_step_and_by_age_by_hand():
    data = district_placement_data()
    children = kf.children_by_district(data, T1)
    assert sorted(set(children["district"])) == ["Nord", "Syd", "Ukendt", "Vest"]  # every district on T1
    assert sorted(kf.placed_of(children)["person_id"]) == ["a1", "a2", "a4", "a5", "a7"]
    table = kf.placements_by_district(children)
    ages = ["0-5 år", "6-11 år", "12-17 år", "18-22 år", "Ukendt"]  # the age groups with children anywhere
    expected = {  # district -> (all, steps 4-6, ages), counted by hand from the rows above
        "Nord": (3, [1, 1, 1], [1, 1, 0, 0, 1]),  # a1 (5, 6), a2 (4, 2), a7 (6, no birth date)
        "Syd": (1, [0, 0, 1], [0, 0, 1, 0, 0]),  # a4
        "Vest": (0, [0, 0, 0], [0, 0, 0, 0, 0]),  # a8 is preventive: the district's rows are 0
        "Ukendt": (1, [0, 1, 0], [0, 0, 0, 1, 0]),  # a5
        "I alt": (5, [1, 2, 2], [1, 1, 1, 1, 1]),
    }
    rows = []
    for district, (everyone, steps, by_age) in expected.items():
        rows.append((district, "I alt", "I alt", everyone))
        rows += [(district, step, "I alt", n) for step, n in zip(["4", "5", "6"], steps)]
        rows += [(district, "I alt", age, n) for age, n in zip(ages, by_age)]
    assert list(table.itertuples(index=False, name=None)) == rows
    # a district's «I alt» is the district figures' ``placed`` (the same children, one cell)
    placed = kf.district_figures(district_placement_data(), events([]), T0, T1).set_index("district")["placed"]
    assert placed.to_dict() == {d: everyone for d, (everyone, _, _) in expected.items() if d != "I alt"}


def test_placements_by_district_spec_declares_its_children_and_says_when_most_are_withheld(tmp_path):
    data = district_placement_data()
    spec = kf_page.placements_by_district_spec(data, T1)
    assert spec.name == "placements_by_district" and len(spec.cells) == len(spec.frame)
    nord = spec.frame.index[(spec.frame["district"] == "Nord") & (spec.frame["step"] == "I alt")][0]
    assert sorted(spec.cells[nord].members) == ["a1", "a2", "a7"]
    published = publish(dataclasses.replace(spec, public=True), tmp_path)  # the counts as they are
    assert kf_page.placements_by_district_da(published).startswith("Tabellen viser de anbragte børn")
    assert "for små" not in kf_page.placements_by_district_da(published)
    detail = [
        row
        for row in range(len(spec.frame))
        if spec.frame["district"].iloc[row] != "I alt"
        and "I alt" in spec.frame.iloc[row][["step", "age_group"]].tolist()
        and spec.frame.iloc[row][["step", "age_group"]].tolist() != ["I alt", "I alt"]
    ]
    assert len(detail) == 4 * (3 + 5)  # four districts, each by three steps and five age groups
    for row in detail[:17]:
        published.status.loc[row, "children"] = "withheld"
    assert "17 af de 32 celler for et trin eller en aldersgruppe i et distrikt vises ikke" in (
        kf_page.placements_by_district_da(published)
    )
    # the municipality's rows are the key figures' concepts, each district's «I alt» its own
    linked = {(concept, group): int(spec.frame["children"].iloc[row]) for concept, group, row, _ in spec.concepts}
    figures = kf.key_figures(
        data, events([]), data.iloc[:0].assign(year=[], budget_count=[], budget_unit_cost=[]), T0, T1, 851
    )
    for (concept, group), n in linked.items():
        if concept != "placed_by_district":
            assert value(figures, concept, group) == n, (concept, group)
    assert {g for c, g in linked if c == "placed_by_age_group"} == {
        "0-5 år",
        "6-11 år",
        "12-17 år",
        "18-22 år",
        "Ukendt",
    }
    assert {g: n for (c, g), n in linked.items() if c == "placed_by_district"} == {
        "Nord": 3,
        "Syd": 1,
        "Ukendt": 1,
        "Vest": 0,
    }
    assert kf_page.placements_by_district_spec(data[data["person_id"] == "a3"], T1) is None  # no one placed on T1


def test_cases_per_caseworker_in_all_and_placements_and_other_cases_apart(small):
    """Seed 002 asks for placements and other cases per case worker separately. On 30 June: A
    (institution, cw1), B (foster care, cw2) and D (step 1, cw2); C has ended."""
    table, _, _ = small
    assert value(table, "children_per_caseworker", "gennemsnit") == 1.5  # cw1: A; cw2: B, D
    assert value(table, "placed_per_caseworker", "gennemsnit") == 1.0  # cw1: A; cw2: B
    assert value(table, "preventive_per_caseworker", "median") == 1.0  # cw2: D
    n = table.set_index(["figure", "group"])["n"]
    assert n[("placed_per_caseworker", "median")] == 2 and n[("preventive_per_caseworker", "median")] == 1


def test_notifications_and_new_cases_by_age_on_the_day_by_hand():
    iv = interventions(
        [
            ("P1", 2, "2015-01-01", None, 1000, "udsat", "2010-03-15", "egen", "cw1", "Nord"),
            ("P2", 4, "2016-02-01", None, 1000, "udsat", "2000-01-01", "egen", "cw1", "Nord"),
        ]
    )
    ev = events(
        [
            ("P1", "2015-12-31", "underretning", None, None),  # before the period
            ("P1", "2016-03-14", "underretning", None, None),  # the day before P1's 6th birthday: 0-5
            ("P1", "2016-03-15", "underretning", None, None),  # the birthday: 6-11
            ("P1", "2016-04-01", "ny_sag", None, None),  # 6-11
            ("P2", "2016-05-01", "underretning", None, None),  # 16 years: 12-17
            ("P2", "2016-05-02", "klage", None, None),  # not a notification or a new case
            ("P3", "2016-06-01", "underretning", None, None),  # no interventions: age unknown
        ]
    )
    units = kf.case_event_ages(iv, ev, T0, T1)
    table = kf.case_events_by_age(units)
    got = {(r.event_type, r.age_group): r.events for r in table.itertuples(index=False)}
    assert got == {
        ("underretning", "I alt"): 4,
        ("underretning", "0-5 år"): 1,
        ("underretning", "6-11 år"): 1,
        ("underretning", "12-17 år"): 1,
        ("underretning", "Ukendt"): 1,
        ("ny_sag", "I alt"): 1,
        ("ny_sag", "6-11 år"): 1,
    }
    assert list(table["age_group"])[:5] == ["I alt", "0-5 år", "6-11 år", "12-17 år", "Ukendt"]
    # the table's totals are the key figures' counts, and its cells the same events
    figures = kf.key_figures(iv, ev, pd.DataFrame(), T0, T1, 851)
    assert value(figures, "case_events", "Underretninger") == 4 and value(figures, "case_events", "Nye sager") == 1
    spec = kf_page.case_events_age_spec(iv, ev, T0, T1)
    members = {(c.row, c.column): sorted(c.members) for c in spec.cells}
    assert members[(0, "events")] == ["1", "2", "4", "6"]  # the events' rows in ev
    assert members[(2, "events")] == ["2"]
    assert ("case_events", "Underretninger", 0, "events") in spec.concepts
    assert ("case_events", "Nye sager, 6-11 år", 6, "events") in spec.concepts
    # no events in the period: no table
    assert kf_page.case_events_age_spec(iv, ev.iloc[:1], T0, T1) is None


def test_deadlines_kept_per_deadline_type_by_hand(tmp_path):
    ev = events(
        [
            ("P1", "2016-01-05", "underretning", None, True),  # row 0
            ("P1", "2016-01-06", "underretning", None, False),  # row 1
            ("P2", "2016-02-01", "underretning", None, True),  # row 2
            ("P2", "2016-03-01", "underretning", None, None),  # row 3: not recorded, not counted
            ("P1", "2015-12-20", "underretning", None, True),  # row 4: before the period
            ("P3", "2016-04-01", "børnefaglig_undersøgelse", None, True),  # row 5
            ("P3", "2016-05-01", "børnefaglig_undersøgelse", None, False),  # row 6
            ("P2", "2016-06-01", "klage", "medhold", True),  # row 7
            ("P2", "2016-06-02", "sag_lukket", None, True),  # row 8: a deadline the law list lacks
            ("P4", "2016-04-02", "ny_sag", None, None),  # row 9: no deadline
        ]
    )
    units = kf.deadline_events(ev, T0, T1)
    table = kf.deadlines_by_type(units)
    assert list(table["event_type"]) == ["underretning", "børnefaglig_undersøgelse", "klage", "sag_lukket"]
    assert list(table["events"]) == [3, 2, 1, 1]
    assert list(table["within_deadline"]) == [2, 1, 1, 1]
    assert list(table["share"]) == pytest.approx([2 / 3, 1 / 2, 1, 1])
    assert "24 timer" in table["deadline"].iloc[0] and "4 måneder" in table["deadline"].iloc[1]
    assert table["deadline"].iloc[3] == kf.OTHER_DEADLINE

    # 95 % Wilson interval for 2 of 3, by the formula
    z, n, p = 1.959963984540054, 3, 2 / 3
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    assert table["ci_low"].iloc[0] == pytest.approx(centre - half)
    assert table["ci_high"].iloc[0] == pytest.approx(centre + half)

    # the investigations' row is the key figures' own figure, over the same events
    figures = kf.key_figures(interventions([]), ev, pd.DataFrame(), T0, T1, 851)
    assert value(figures, "investigations_with_deadline") == table["events"].iloc[1]
    assert value(figures, "investigations_within_deadline") == table["within_deadline"].iloc[1]
    spec = kf_page.deadlines_spec(ev, T0, T1)
    members = {(c.row, c.column): sorted(c.members) for c in spec.cells}
    assert members[(0, "events")] == ["0", "1", "2"] and members[(0, "within_deadline")] == ["0", "2"]
    assert members[(1, "events")] == ["5", "6"] and members[(1, "within_deadline")] == ["5"]
    assert ("investigations_within_deadline_share", "I alt", 1, "share") in spec.concepts
    assert ("events_within_deadline", "Underretninger", 0, "within_deadline") in spec.concepts

    # every count here is 1-4: none is published, nor a share that would give it away
    publish(spec, tmp_path)
    published = pd.read_csv(tmp_path / "deadlines_by_type.csv")
    assert published[["events", "within_deadline", "share"]].isna().all().all()
    # no recorded deadline in the period: no table
    assert kf_page.deadlines_spec(ev.iloc[[3, 4, 9]], T0, T1) is None


def _paying_children(n, ends=None, late=()):
    """``n`` children C01.. on step 2 from 1 January 2016 with monthly costs 1,000 x k (the
    k-th child), open-ended unless ``ends`` gives an end date; ``late``: extra rows that
    start after the period."""
    ends = ends or {}
    rows = [
        (f"C{k:02d}", 2, "2016-01-01", ends.get(k), 1000.0 * k, "udsat", "2008-01-01", "egen", "cw1", "Nord")
        for k in range(1, n + 1)
    ]
    return interventions(rows + list(late))


def test_expensive_cases_share_is_a_parameter_of_10_to_15_percent():
    iv = _paying_children(30)
    assert value(kf.key_figures(iv, events([]), pd.DataFrame(), T0, T1, 851), "top_cases") == 3  # the default 10 %
    table = kf.key_figures(iv, events([]), pd.DataFrame(), T0, T1, 851, top_share=0.12)
    assert value(table, "top_cases") == 4  # ceil(3.6)
    assert value(table, "top_cases_share_chosen") == 0.12
    # the 4 dearest are children 27-30: (27 + 28 + 29 + 30) / (1 + ... + 30) of the spending
    assert value(table, "top_cases_spending_share") == pytest.approx((27 + 28 + 29 + 30) / 465)
    assert value(kf.key_figures(iv, events([]), pd.DataFrame(), T0, T1, 851, top_share=0.15), "top_cases") == 5
    # 14 % of 50 children is 7 (0.14 x 50 is 7.000000000000001 in floating point: not 8)
    assert value(kf.key_figures(_paying_children(50), events([]), pd.DataFrame(), T0, T1, 851, 0.14), "top_cases") == 7
    for wrong in (0.05, 0.2, "ti procent", None):
        with pytest.raises(ValueError, match="expensive_cases_share"):
            kf.key_figures(iv, events([]), pd.DataFrame(), T0, T1, 851, top_share=wrong)


def test_expensive_cases_forecast_for_the_year_by_hand():
    # 10 children; the dearest (10) ends on 30 September, the second (9) runs the year out;
    # child 9 also has a measure granted after the period (not known on 30 June: no forecast)
    late = [("C09", 3, "2016-08-01", None, 50_000.0, "udsat", "2008-01-01", "egen", "cw1", "Nord")]
    iv = _paying_children(10, ends={10: "2016-09-30"}, late=late)
    table = kf.key_figures(iv, events([]), pd.DataFrame(), T0, T1, 851, top_share=0.15)
    assert value(table, "top_cases") == 2  # ceil(1.5): children 10 and 9
    # 2016 has 366 days; 1 January - 30 September is 274 days, the whole year 366
    ten = 10_000 * 12 * 274 / 366
    nine = 9_000 * 12 * 366 / 366
    assert value(table, "top_cases_committed_year") == pytest.approx(ten + nine)
    everyone = ten + sum(1000 * k * 12 for k in range(1, 10))
    assert value(table, "spending_committed_year") == pytest.approx(everyone)
    assert value(table, "top_cases_committed_share") == pytest.approx((ten + nine) / everyone)
    # the forecast rests on the same children as the year's committed spending, as a sub-sum
    rows = table.set_index(["figure", "group"])
    top = set(rows.loc[("top_cases_committed_year", "I alt"), "members"])
    year = set(rows.loc[("spending_committed_year", "I alt"), "members"])
    assert top < year and len(top) == 2


def test_the_same_spending_is_one_cell_across_tables_and_periods(small):
    """An amount's members are the interventions that add to it, and its measure names the
    days it covers. So the year's spending on preventive measures is one cell in the key
    figures of a calendar-year period and on the budget follow-up (a reader could subtract
    the budget's steps from it), while the same group in two half-years is two amounts."""
    from helpers.publishing.pages import budget as budget_page

    _, iv, _ = small
    iv = iv.assign(person_id=iv["person_id"].astype(str))
    empty_events = events([])
    plan = pd.DataFrame({"year": [2016], "step": ["5"], "budget_count": [1.0], "budget_unit_cost": [1.0]})
    year = kf.key_figures(iv, empty_events, plan, "2016-01-01", "2016-12-31", 851)
    row = year[(year["figure"] == "spending_by_kind") & (year["group"] == "Forebyggende (trin 1-3)")].iloc[0]
    known = budget_page.known_at(iv, "2016-12-31")
    group = budget_page.group_spec(known, plan, [2016], "2016-12-31")
    part = next(c for c in group.cells if group.frame["group"].iloc[c.row] == "Forebyggende (trin 1-3)")
    assert row["measure"] == part.measure == "cost_year_2016"
    assert sorted(row["members"]) == sorted(part.members) and row["value"] == pytest.approx(part.value)
    # D's step 1 measure from 1 June is the only one of its step: its cell in the variance
    # table is the same amount over the same intervention
    variance = budget_page.variance_spec(known, plan, [2016])
    step1 = next(c for c in variance.cells if c.column == "actual_cost" and variance.frame["step"].iloc[c.row] == "1")
    assert step1.measure == "cost_year_2016" and set(step1.members) < set(part.members)
    # two half-years: different days, different amounts (never one number with one status)
    first = kf.key_figures(iv, empty_events, plan, "2016-01-01", "2016-06-30", 851)
    second = kf.key_figures(iv, empty_events, plan, "2016-07-01", "2016-12-31", 851)
    measures = {t["measure"][(t["figure"] == "spending") & (t["group"] == "I alt")].iloc[0] for t in (first, second)}
    assert measures == {"cost_2016-01-01_2016-06-30", "cost_2016-07-01_2016-12-31"}
    # C's measure ended in January: it adds nothing to the second half-year and is no member
    c_ids = set(iv.index[iv["person_id"] == "C"].astype(str))
    spent = second[(second["figure"] == "spending") & (second["group"] == "I alt")].iloc[0]
    assert not c_ids & set(spent["members"])


def test_a_later_period_does_not_inherit_an_earlier_periods_status():
    """Two half-years protected as one publication: six children with disability have a
    preventive measure from January, four end in July. The second half-year's spending on
    them rests on two children and must be withheld as such, not take the first half-year's
    status because the same interventions are listed (the reviewer's attack)."""
    from helpers.publishing.disclosure import PRIMARY, protect_publication, scoped

    rows = [(f"u{i}", 5, "2016-01-01", None, 30_000, "udsat", "2008-01-01", "egen", "cw1", "Nord") for i in range(30)]
    rows += [
        (f"h{i}", 2, "2016-01-01", "2016-07-31" if i >= 2 else None, 5_000 + 1_000 * i, "handicap", "2008-01-01")
        + ("egen", "cw1", "Nord")
        for i in range(6)
    ]
    iv = interventions(rows)
    plan = pd.DataFrame(columns=["year", "step", "budget_count", "budget_unit_cost"])
    periods = [("2016-02-01", "2016-07-31"), ("2016-08-01", "2017-01-31")]
    figures = [kf.key_figures(iv, events([]), plan, t0, t1, 851) for t0, t1 in periods]
    specs = [kf_page.key_figures_spec(f) for f in figures]
    result = protect_publication([[scoped(spec, f"p{k}")] for k, spec in enumerate(specs)])
    later = figures[1].reset_index(drop=True)
    row = later.index[(later["figure"] == "spending_by_target_group") & (later["group"] == "handicap")][0]
    assert later["n"].iloc[row] == 2  # h0 and h1 only
    assert result.status[("p1/key_figures", row, "value")] == PRIMARY
