import numpy as np
import pandas as pd
import pytest

from helpers.analyses.budget import volume_price_split, with_total
from helpers.data.periods import days_active


def iv(rows):
    frame = pd.DataFrame(rows, columns=["step", "start_date", "end_date", "monthly_cost"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


def budget(rows):
    return pd.DataFrame(rows, columns=["year", "step", "budget_count", "budget_unit_cost"])


def test_days_active_counts_both_ends():
    frame = iv([(1, "2016-07-01", "2016-09-29", 0), (1, "2015-01-01", None, 0), (1, "2017-01-01", None, 0)])
    assert days_active(frame, "2016-01-01", "2016-12-31").tolist() == [91, 366, 0]


def test_volume_and_price_by_hand():
    interventions = iv(
        [
            (5, "2015-12-01", None, 30_000),
            (5, "2016-07-01", "2016-09-29", 20_000),
            (1, "2016-01-01", "2016-06-30", 1_000),
        ]
    )
    plan = budget([(2016, "5", 1.5, 300_000), (2016, "6", 2, 1_000_000), (2017, "5", 9, 9)])
    out = volume_price_split(interventions, plan, 2016).set_index("step")

    count5 = 1 + 91 / 366
    cost5 = 30_000 * 12 + 20_000 * 12 * 91 / 366
    unit5 = cost5 / count5
    assert out.loc[5, "actual_count"] == pytest.approx(count5)
    assert out.loc[5, "actual_cost"] == pytest.approx(cost5)
    assert out.loc[5, "actual_unit_cost"] == pytest.approx(unit5)
    assert out.loc[5, "volume_effect"] == pytest.approx((count5 - 1.5) * 300_000)
    assert out.loc[5, "price_effect"] == pytest.approx((unit5 - 300_000) * count5)
    assert out.loc[5, "total_deviation"] == pytest.approx(cost5 - 450_000)

    # budget and no activity: all volume
    assert out.loc[6, ["actual_count", "volume_effect", "price_effect", "total_deviation"]].tolist() == pytest.approx(
        [0, -2_000_000, 0, -2_000_000]
    )
    # activity and no budget: the budget assumed no interventions and has no price to differ
    # from, so the whole deviation is volume (not "all price", as it was before issue 13)
    cost1 = 1_000 * 12 * 182 / 366
    assert out.loc[1, ["budget_cost", "volume_effect", "price_effect"]].tolist() == pytest.approx([0, cost1, 0])
    assert out.loc[1, "total_deviation"] == pytest.approx(cost1)


def test_volume_plus_price_is_the_total_deviation_for_every_step():
    rng = np.random.default_rng(1)
    n = 500
    start = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    frame = pd.DataFrame(
        {
            "step": rng.integers(1, 7, n),
            "start_date": start,
            "end_date": end.where(rng.random(n) > 0.3),
            "monthly_cost": rng.uniform(1e3, 1e5, n),
        }
    )
    plan = budget([(2016, str(s), rng.uniform(5, 50), rng.uniform(1e4, 1e6)) for s in range(1, 7)])
    out = volume_price_split(frame, plan, 2016)
    assert np.allclose(out["volume_effect"] + out["price_effect"], out["total_deviation"], rtol=0, atol=1e-6)
    total = with_total(out).iloc[-1]
    assert total["step"] == "I alt"
    assert total["total_deviation"] == pytest.approx(out["actual_cost"].sum() - out["budget_cost"].sum())


def test_measure_groups_in_the_budget_are_left_out_of_the_step_split():
    out = volume_price_split(
        iv([(2, "2016-01-01", None, 100)]), budget([(2016, "familiepleje", 1, 1), (2016, "2", 1, 1200)]), 2016
    )
    assert out["step"].tolist() == [2]


def test_a_period_of_several_years_follows_up_each_year_as_known_at_the_period_end():
    """Issue #14: 2015-2016 gives both years, each with its own rows, cells and total; a
    measure granted after the period's end is not part of it."""
    from helpers.publishing.pages import budget as page

    frame = iv(
        [
            (5, "2015-07-01", None, 10_000),  # all of 2016, half of 2015 (184 of 365 days)
            (2, "2016-11-01", None, 2_000),  # granted after the period's end (1 October 2016)
        ]
    )
    frame["person_id"] = ["a", "b"]
    plan = budget([(2015, "5", 1, 100_000), (2016, "5", 1, 100_000)])
    known = page.known_at(frame, "2016-10-01")
    assert len(known) == 1
    spec = page.variance_spec(known, plan, [2015, 2016])
    table = spec.frame
    assert table["year"].tolist() == [2015, 2015, 2016, 2016]
    assert table["step"].tolist() == ["5", "I alt", "5", "I alt"]
    # by hand: 2015 = 184 days of 120,000 a year; 2016 = the whole year, open to 31 December
    assert table["actual_cost"].tolist() == pytest.approx([120_000 * 184 / 365] * 2 + [120_000] * 2)
    assert table["total_deviation"].tolist() == pytest.approx([120_000 * 184 / 365 - 100_000] * 2 + [20_000] * 2)
    cost_cells = {(c.row, c.measure) for c in spec.cells if c.column == "actual_cost"}
    assert cost_cells == {(0, "cost_year_2015"), (1, "cost_year_2015"), (2, "cost_year_2016"), (3, "cost_year_2016")}
    # each derived number rests on the cells of its own row
    for st in spec.statistics:
        assert {r for _, r, _ in st.inputs} == {st.row}


def test_the_years_budget_and_vives_deviation_by_hand():
    from helpers.analyses.budget import deviation_pct, direction_da, year_budget

    plan = budget([(2016, "5", 2, 100.0), (2016, "1", 4, 10.0), (2017, "5", 9, 9.0)])
    assert year_budget(plan, 2016) == 240.0 and year_budget(plan, 2017) == 81.0
    assert year_budget(plan, 2018) is None and year_budget(budget([]), 2016) is None
    # (budget - spending) / budget x 100: positive = mindreforbrug
    assert deviation_pct(240.0, 180.0) == 25.0 and deviation_pct(200.0, 250.0) == -25.0
    assert all(np.isnan(deviation_pct(b, 10.0)) for b in (None, 0.0, -5.0))
    assert deviation_pct(0.5, 0.25) == 50.0  # a budget under 1 kr. is still a budget
    assert [direction_da(d) for d in (25.0, -0.1, 0.0, float("nan"))] == [
        "mindreforbrug",
        "merforbrug",
        "på budgettet",
        "uden budget",
    ]


def test_the_total_row_and_a_step_active_without_cost_or_count():
    interventions = iv([(5, "2016-01-01", "2016-12-31", 1_000), (5, "2016-01-01", "2016-12-31", 3_000)])
    out = volume_price_split(interventions, budget([(2016, "5", 1, 24_000), (2016, "3", 1, 6_000)]), 2016)
    assert out["step"].tolist() == [3, 5] and out.index.tolist() == [0, 1]
    assert out.loc[0, "actual_unit_cost"] == 0.0 and out.loc[0, "price_effect"] == 0.0
    assert out.loc[1, "actual_unit_cost"] == pytest.approx(24_000)  # two measures a whole year: 48,000 kr. / 2
    total = with_total(out).iloc[-1]
    assert total["step"] == "I alt"
    assert total["budget_cost"] == 30_000 and total["budget_unit_cost"] == 15_000
    assert total["actual_cost"] == pytest.approx(48_000) and total["actual_unit_cost"] == pytest.approx(24_000)
    empty = with_total(volume_price_split(iv([]), budget([(2016, "5", 0, 0.0)]), 2016)).iloc[-1]
    assert np.isnan(empty["budget_unit_cost"]) and np.isnan(empty["actual_unit_cost"])
    # no interventions at all: the budget's steps, no activity
    none = volume_price_split(iv([]), budget([(2016, "4", 2, 50.0)]), 2016)
    assert none[["step", "actual_count", "actual_cost", "volume_effect"]].values.tolist() == [[4, 0.0, 0.0, -100.0]]


def test_one_whole_intervention_a_budget_without_count_and_no_budget_at_all():
    interventions = iv(
        [
            (2, "2015-01-01", None, 2_000),  # the whole year: 1 intervention, 24,000 kr.
            (3, "2015-01-01", None, 1_000),  # the whole year: 1 intervention, 12,000 kr.
            (4, "2015-01-01", None, 500),  # the whole year: 1 intervention, 6,000 kr.
        ]
    )
    plan = budget([(2016, "2", 1, 20_000), (2016, "3", 0, 5_000)])  # step 3: a price, no count
    out = volume_price_split(interventions, plan, 2016).set_index("step")
    assert out.loc[2, "actual_unit_cost"] == 24_000
    assert out.loc[2, "volume_effect"] == 0 and out.loc[2, "price_effect"] == 4_000  # (24,000 - 20,000) x 1
    assert out.loc[3, "volume_effect"] == 5_000 and out.loc[3, "price_effect"] == 7_000  # 1 x 5,000; (12 - 5) x 1
    assert out.loc[4, "volume_effect"] == 6_000 and out.loc[4, "price_effect"] == 0  # no budget: all volume


def test_half_a_percent_under_budget_is_still_underspending():
    from helpers.analyses.budget import direction_da

    assert direction_da(0.5) == "mindreforbrug" and direction_da(-0.5) == "merforbrug"


def test_preventive_and_placements_each_against_their_own_budget_by_hand():
    """Seed 002: the spending on preventive measures and on placements, each against its own
    budget. 2016 (366 days): a placement on step 5 all year at 10,000 a month = 120,000; a
    step 2 measure from 1 July (184 days) at 3,000 a month = 36,000 x 184 / 366; a step 3
    measure in September (30 days) at 1,000 a month = 12,000 x 30 / 366; a step 3 measure
    granted after the period's end is not counted. Budget: step 5 = 1 x 100,000, steps 1-3 =
    2 x 15,000 + 1 x 10,000 + 1 x 20,000 = 60,000. A row per measure group (5,000) counts in
    the total, and then the parts have no budget (it may belong to either)."""
    from helpers.publishing.pages import budget as page

    frame = iv(
        [
            (5, "2015-01-01", None, 10_000),
            (2, "2016-07-01", None, 3_000),
            (3, "2016-09-01", "2016-09-30", 1_000),
            (3, "2016-11-01", None, 50_000),  # after the period's end
        ]
    )
    frame["person_id"] = ["a", "b", "b", "c"]
    plan = budget(
        [
            (2016, "5", 1, 100_000),
            (2016, "2", 2, 15_000),
            (2016, "1", 1, 10_000),
            (2016, "3", 1, 20_000),
        ]
    )
    known = page.known_at(frame, "2016-10-31")
    spec = page.group_spec(known, plan, [2016], "2016-10-31")
    table = spec.frame.set_index("group")
    preventive, placed = 36_000 * 184 / 366 + 12_000 * 30 / 366, 120_000
    assert table.index.tolist() == ["Anbringelser (trin 4-6)", "Forebyggende (trin 1-3)", "I alt"]
    assert table["budget"].tolist() == [100_000, 60_000, 160_000]
    assert table["spending"].tolist() == pytest.approx([placed, preventive, preventive + placed])
    # VIVE's sign: positive = mindreforbrug
    assert table.loc["Forebyggende (trin 1-3)", "deviation_pct"] == pytest.approx(100 * (60_000 - preventive) / 60_000)
    assert table.loc["Anbringelser (trin 4-6)", "deviation_pct"] == pytest.approx(-20.0)
    # the total is budget_summary's spending: the same cell (units and measure)
    summary = page.summary_spec(known, plan, [2016], "2016-10-31")
    total = next(c for c in spec.cells if c.row == 2)
    theirs = next(c for c in summary.cells if c.column == "spending")
    assert sorted(total.members) == sorted(theirs.members) and total.value == pytest.approx(theirs.value)
    assert total.measure == theirs.measure == "cost_year_2016"
    parts = [set(c.members) for c in spec.cells if c.row < 2]
    assert parts[0] | parts[1] == set(total.members) and not parts[0] & parts[1]
    assert ("spending_committed_year", "I alt", 2, "spending") in spec.concepts
    # a row per measure group: in the total, and the parts have no budget to deviate from
    grouped = page.group_spec(known, pd.concat([plan, budget([(2016, "døgn", 1, 5_000)])]), [2016], "2016-10-31")
    assert grouped.frame["budget"].iloc[2] == 165_000 and grouped.frame["budget"].iloc[:2].isna().all()
    assert grouped.frame["deviation_pct"].iloc[:2].isna().all()
    # a part with no budget row: no budget, no deviation
    no_preventive = page.group_spec(known, plan[plan["step"] == "5"], [2016], "2016-10-31").frame
    assert np.isnan(no_preventive["budget"].iloc[1]) and np.isnan(no_preventive["deviation_pct"].iloc[1])


def profile(rows):
    """budget_profile rows: (year, step or None, twelve shares from January)."""
    out = [
        {"municipality": 851, "year": y, "month": m, "share": share, "step": step}
        for y, step, shares in rows
        for m, share in enumerate(shares, start=1)
    ]
    return pd.DataFrame(out).astype({"step": "Int64"})


def test_the_periodised_budget_by_hand():
    """Seed 002: spending is held against the *periodised* budget. With a monthly profile a
    month the period covers gets its share, a part of a month its share x days / the month's
    days; a step's own profile goes before the profile for all steps; without one, the days."""
    from helpers.analyses.key_figures import budget_in

    heavy_feb = [0.1, 0.2] + [0.07] * 10  # 0.1 + 0.2 + 0.7 = 1
    step_six = [0.04] * 11 + [0.56]  # December heavy: 0.44 + 0.56 = 1
    shares = profile([(2016, None, heavy_feb), (2016, 6, step_six)])
    year = budget([(2016, 5, 10, 120_000), (2016, 6, 2, 600_000), (2017, 5, 10, 146_000)])
    by_step = budget_in(year, "2016-02-15", "2016-04-30", shares).set_index("step")
    # 15 of February's 29 days (2016 is a leap year), March and April whole
    assert by_step.loc[5, "budget"] == pytest.approx(1_200_000 * (0.2 * 15 / 29 + 0.07 + 0.07))
    assert by_step.loc[6, "budget"] == pytest.approx(1_200_000 * (0.04 * 15 / 29 + 0.04 + 0.04))
    # across the new year: December 2016 by its profile, January 2017 (no profile) by days
    across = budget_in(year, "2016-12-01", "2017-01-31", shares).set_index("step")
    assert across.loc[5, "budget"] == pytest.approx(1_200_000 * 0.07 + 1_460_000 * 31 / 365)
    assert across.loc[6, "budget"] == pytest.approx(1_200_000 * 0.56)
    # no profile at all: the days, as before (182 of 366 days)
    plain = budget_in(year, "2016-01-01", "2016-06-30").set_index("step")
    assert plain.loc[5, "budget"] == pytest.approx(1_200_000 * 182 / 366)


def test_a_profile_that_is_not_whole_is_rejected_with_its_reason(tmp_path):
    """budget_profile's rule ``profile``: a year's profile (per step) lacking a month or not
    summing to 1 cannot spread the budget, so all its rows go to the rejects with the reason;
    a whole profile of the same file is kept. Danish decimals (0,095) are read as decimals."""
    from conftest import write_csv

    from helpers.data.dataset import load

    lines = ["municipality;year;month;share;step"]
    lines += [f"851;2016;{m};{'0,095' if m in (1, 12) else '0,081'};" for m in range(1, 13)]  # whole: kept
    lines += [f"851;2016;{m};0,1;6" for m in range(1, 13)]  # step 6 sums to 1.2
    lines += [f"851;2017;{m};0,09;" for m in range(1, 12)]  # 2017 lacks December
    lines += ["851;2016;3;0,081;"]  # March of 2016 twice
    write_csv(tmp_path / "budget_profile.csv", "\n".join(lines) + "\n")
    data = load(tmp_path)
    kept = data.budget_profile
    assert len(kept) == 12 and kept["share"].sum() == pytest.approx(1.0) and kept["step"].isna().all()
    issues = data.issues
    profile_rows = issues.loc[issues["rule"] == "profile", "row"].tolist()
    assert profile_rows == list(range(14, 26)) + list(range(26, 37))  # header is row 1
    assert issues.loc[issues["rule"] == "duplicate", "row"].tolist() == [37]
    step_six = issues.loc[issues["row"] == 14, "message"].iloc[0]
    assert "trin 6" in step_six and "1,200" in step_six and "række 14" in step_six and "'share'" in step_six
    assert "11 af 12" in issues.loc[issues["row"] == 26, "message"].iloc[0]


def test_a_rejected_row_does_not_reject_a_whole_profile_and_near_sums_are_scaled(tmp_path):
    """A row rejected for its own reason (a step written as a group, a share that is not a
    number) is not a duplicate of a good row: the whole profile after it is kept. A profile
    that sums to 1 within the tolerance is scaled to 1, so a whole year gets its whole budget."""
    from conftest import write_csv

    from helpers.analyses.key_figures import budget_in
    from helpers.data.dataset import load

    lines = ["municipality;year;month;share;step"]
    lines += [f"851;2016;{m};0,081;4-6" for m in range(1, 13)]  # a group of steps: rejected (parse)
    lines += ["851;2016;3;abc;"]  # not a number: rejected (parse)
    lines += [f"851;2016;{m};0,083;" for m in range(1, 13)]  # sums to 0.996: kept, scaled
    write_csv(tmp_path / "budget_profile.csv", "\n".join(lines) + "\n")
    data = load(tmp_path)
    assert len(data.budget_profile) == 12, data.issues[["row", "rule", "message"]].to_string()
    assert set(data.issues["rule"]) == {"parse"} and len(data.issues) == 13
    year = budget([(2016, 5, 10, 120_000)])
    whole = budget_in(year, "2016-01-01", "2016-12-31", data.budget_profile)
    assert whole["budget"].iloc[0] == pytest.approx(1_200_000)  # not 0.996 x 1,200,000
    march = budget_in(year, "2016-03-01", "2016-03-31", data.budget_profile)
    assert march["budget"].iloc[0] == pytest.approx(1_200_000 * 0.083 / 0.996)


def test_a_step_budgeted_in_several_rows_sums_its_counts_and_weighs_its_price():
    """Contract v1.3: a step may be budgeted per district and provider. Step 5 in two rows,
    10 at 1,000 and 30 at 2,000: 40 full-year placements at (10,000 + 60,000) / 40 = 1,750;
    the same as one row of 40 at 1,750."""
    split = budget([(2016, "5", 10, 1_000), (2016, "5", 30, 2_000)])
    whole = budget([(2016, "5", 40, 1_750)])
    a = volume_price_split(iv([]), split, 2016).iloc[0]
    b = volume_price_split(iv([]), whole, 2016).iloc[0]
    assert a["budget_count"] == 40 and a["budget_unit_cost"] == pytest.approx(1_750)
    assert a["budget_cost"] == pytest.approx(70_000) == b["budget_cost"]
    # no count budgeted: the price the budget assumed (the rows' mean), as for one row
    none = volume_price_split(iv([]), budget([(2016, "5", 0, 1_000), (2016, "5", 0, 3_000)]), 2016).iloc[0]
    assert none["budget_unit_cost"] == 2_000 and none["budget_cost"] == 0


def split_frame():
    """Interventions all of 2015 (365 days, so a year's cost is monthly cost x 12): district
    Nord two children at 1,000 a month (own measures), Syd one at 3,000 (private), and one at
    500 a month with neither district nor provider."""
    frame = iv([(2, "2015-01-01", None, 1_000), (5, "2015-01-01", None, 1_000), (5, "2014-06-01", None, 3_000)])
    frame = pd.concat([frame, iv([(1, "2015-01-01", "2015-12-31", 500)])], ignore_index=True)
    frame["person_id"] = ["a", "b", "c", "d"]
    frame["district"] = ["Nord", "Nord", "Syd", None]
    frame["provider_type"] = ["egen", "egen", "privat", None]
    return frame


def split_budget(rows):
    """budget_assumptions rows: (step, district, provider, count, unit cost) for 2015."""
    out = pd.DataFrame(rows, columns=["step", "district", "provider_type", "budget_count", "budget_unit_cost"])
    return out.assign(year=2015)


def test_each_district_and_own_against_bought_by_hand():
    """Seed 002 and KORA's Aalborg: each district, and own measures against bought ones, against
    its own budget. Budget: Nord 1 x 30,000 (own), Syd 1 x 30,000 (bought: ``køb``). Spending
    2015: Nord 2 x 12,000 = 24,000 (deviation (30,000 - 24,000) / 30,000 = +20 %, VIVE's sign),
    Syd 36,000 (-20 %), the child without a district 6,000 on a row of its own without a budget;
    in all 60,000 against 66,000 = -10 %. The parts' members split the total's."""
    from helpers.publishing.pages import budget as page

    frame = split_frame()
    plan = split_budget([("2", "Nord", "egen", 1, 30_000), ("5", "Syd", "køb", 1, 30_000)])
    spec = page.split_spec(frame, plan, [2015], "2015-12-31", "district")
    table = spec.frame.set_index("group")
    assert spec.name == "budget_by_district"
    assert table.index.tolist() == ["Nord", "Syd", "Distrikt ikke oplyst", "I alt"]
    assert table["spending"].tolist() == pytest.approx([24_000, 36_000, 6_000, 66_000])
    assert table["budget"].iloc[:2].tolist() == [30_000, 30_000] and np.isnan(table["budget"].iloc[2])
    assert table["budget"].iloc[3] == 60_000
    assert table["deviation_pct"].iloc[[0, 1, 3]].tolist() == pytest.approx([20.0, -20.0, -10.0])
    assert np.isnan(table["deviation_pct"].iloc[2])
    members = [set(c.members) for c in spec.cells]
    assert members[0] | members[1] | members[2] == members[3] and not members[0] & members[1]
    assert ("budget_year_by_district", "Nord", 0, "budget") in spec.concepts
    assert not [c for c in spec.concepts if c[1] == "I alt"]  # the total is budget_year's, not a new concept

    by_provider = page.split_spec(frame, plan, [2015], "2015-12-31", "provider_type").frame.set_index("group")
    assert by_provider.index.tolist() == [
        "Egne foranstaltninger",
        "Køb af foranstaltninger",
        "Leverandør ikke oplyst",
        "I alt",
    ]
    assert by_provider["spending"].tolist() == pytest.approx([24_000, 36_000, 6_000, 66_000])
    assert by_provider["deviation_pct"].iloc[:2].tolist() == pytest.approx([20.0, -20.0])


def test_a_budget_row_without_the_split_hides_it_for_its_year():
    """A year with one budget row without a district: that row may belong to any district, so
    no district has a budget of its own and the table is not made (the page says why)."""
    from helpers.analyses.budget import part_budgets, split_by
    from helpers.publishing.pages import budget as page

    plan = split_budget([("2", "Nord", "egen", 1, 30_000), ("5", None, "køb", 1, 30_000)])
    assert part_budgets(plan, 2015, "district") is None
    assert part_budgets(plan, 2015, "provider_type") == {
        "Egne foranstaltninger": 30_000,
        "Køb af foranstaltninger": 30_000,
    }
    assert split_by(plan, "district") and not split_by(plan.assign(district=None), "district")
    assert page.split_spec(split_frame(), plan, [2015], "2015-12-31", "district") is None


def load_budget(tmp_path, lines):
    """The data set of a ``budget_assumptions.csv`` with these lines (semicolons), as loaded."""
    from conftest import write_csv

    from helpers.data.dataset import load

    write_csv(tmp_path / "budget_assumptions.csv", "\n".join(lines) + "\n")
    return load(tmp_path)


def test_the_same_budget_row_twice_is_rejected_with_its_row(tmp_path):
    """Two budgets for the same year, step, district and provider: the second goes to the
    rejects (rule ``duplicate``, row 3 as the file shows it); a row of another district is kept."""
    lines = [
        "municipality;year;step;district;provider_type;budget_count;budget_unit_cost",
        "851;2016;5;Nord;egen;10;100000",
        "851;2016;5;Nord;egen;12;100000",
        "851;2016;5;Syd;egen;12;100000",
        "851;2016;5;Syd;leasing;12;100000",
    ]
    data = load_budget(tmp_path, lines)
    kept = data.budget_assumptions
    assert kept["budget_count"].tolist() == [10, 12] and kept["district"].tolist() == ["Nord", "Syd"]
    issues = data.issues.set_index("row")
    assert issues.loc[3, "rule"] == "duplicate" and "række 3" in issues.loc[3, "message"]
    assert issues.loc[5, "column"] == "provider_type"


def test_a_rejected_row_is_not_the_first_of_a_duplicate(tmp_path):
    """A budget row rejected for its own reason (a count that is not a number) takes no part in
    the duplicate rule: the valid row with the same keys after it is kept."""
    lines = [
        "municipality;year;step;district;provider_type;budget_count;budget_unit_cost",
        "851;2016;5;Nord;egen;abc;100000",
        "851;2016;5;Nord;egen;12;100000",
    ]
    data = load_budget(tmp_path, lines)
    assert data.budget_assumptions["budget_count"].tolist() == [12]
    assert data.issues["row"].tolist() == [2] and data.issues["rule"].tolist() != ["duplicate"]


def test_the_page_says_which_split_is_missing_and_why():
    """The notes under the splits, in Danish: no split at all; a year whose budget has a row
    without a district (left out, named); interventions that never state their provider (no
    split); spending without a district (in «I alt» only); a budgeted district with no
    interventions (its name, to check the spelling)."""
    from conftest import PageReport

    from helpers.publishing.pages import budget as page

    frame = split_frame().assign(municipality=851)
    frame.loc[2, "start_date"] = pd.Timestamp("2015-01-01")
    plan = pd.concat(
        [
            split_budget([("2", "Nord", "egen", 1, 30_000), ("5", "Vest", "køb", 1, 30_000)]),
            split_budget([("2", "Nord", "egen", 1, 30_000), ("5", None, "køb", 1, 30_000)]).assign(year=2016),
        ]
    ).assign(municipality=851)
    report = PageReport({"interventions": frame, "budget_assumptions": plan}, "2015-01-01", "2016-12-31")
    notes = page.missing_splits_da(report)
    assert any("for 2016 er ikke fordelt på distrikter" in n and "Derfor er året" in n for n in notes)
    assert any("«Distrikt ikke oplyst»" in n for n in notes)
    assert any("Distriktet «Vest» har et budget, men ingen indsatser" in n for n in notes)
    # every budget row has a provider: only the intervention without one is named
    assert [n for n in notes if "egne foranstaltninger og køb" in n or "leverandør" in n.lower()] == [
        "Indsatser uden oplyst leverandør står i rækken «Leverandør ikke oplyst» uden budget. Deres forbrug "
        "indgår kun i «I alt», ikke i afvigelsen for egne foranstaltninger eller køb."
    ]
    assert len(page.split_spec(frame, plan, [2015, 2016], "2016-12-31", "district").frame) == 5  # 2015 only

    unstated = frame.assign(provider_type=None)
    report = PageReport({"interventions": unstated, "budget_assumptions": plan}, "2015-01-01", "2016-12-31")
    assert any("oplyser ikke deres leverandør" in n for n in page.missing_splits_da(report))
    assert page.split_spec(unstated, plan, [2015, 2016], "2016-12-31", "provider_type") is None

    plain = plan.assign(district=None, provider_type=None)
    report = PageReport({"interventions": frame, "budget_assumptions": plain}, "2015-01-01", "2016-12-31")
    notes = page.missing_splits_da(report)
    assert len(notes) == 2 and all("er ikke fordelt på" in n and "kolonnen" in n for n in notes)


def accounts(rows):
    """budget_assumptions rows with the accounts' columns: (year, step, district, provider, income, prior_years)."""
    out = pd.DataFrame(rows, columns=["year", "step", "district", "provider_type", "income", "prior_years"])
    return out.assign(budget_count=1.0, budget_unit_cost=30_000.0)


def test_income_and_earlier_years_per_step_by_hand():
    """Seed 002's resource use per measure type, both sides of the accounts. 2015: step 5 in
    Nord 4,000 income and 1,000 for earlier years, in Syd 2,000 income and nothing stated;
    step 2 only 500 for earlier years; a measure-group row 300 for earlier years (only in «I
    alt»); 2014's 9,999 is another year. Step 5: 6,000 and 1,000; step 2: no income stated (not
    0) and 500; in all 6,000 and 1,800."""
    from helpers.analyses.budget import accounts_by_step

    plan = accounts(
        [
            (2015, "5", "Nord", "egen", 4_000, 1_000),
            (2015, "5", "Syd", "egen", 2_000, None),
            (2015, "2", "Nord", "egen", None, 500),
            (2015, "Familiebehandling", "", "", None, 300),
            (2014, "5", "Nord", "egen", 9_999, 9_999),
        ]
    )
    table = accounts_by_step(plan, 2015).set_index("step")
    assert table.index.tolist() == [2, 5, "I alt"]
    assert table.loc[5, "income"] == 6_000 and table.loc[5, "prior_years"] == 1_000
    assert np.isnan(table.loc[2, "income"]) and table.loc[2, "prior_years"] == 500
    assert table.loc["I alt", "income"] == 6_000 and table.loc["I alt", "prior_years"] == 1_800
    assert accounts_by_step(plan, 2016).empty  # no row of the year
    assert accounts_by_step(plan.assign(income=np.nan, prior_years=np.nan), 2015).empty  # nothing stated
    assert accounts_by_step(plan.drop(columns=["income", "prior_years"]), 2015).empty  # columns absent


def test_the_resource_use_table_has_the_budget_pages_spending_and_the_accounts_by_hand():
    """Spending 2015 (365 days, a year's cost = monthly cost x 12): step 2 12,000 (Nord), step 5
    12,000 (Nord) + 36,000 (Syd) = 48,000, step 1 6,000; in all 66,000. Income 6,000 on step 5:
    net 42,000; in all 66,000 - 6,000 = 60,000. The spending cells are budget_variance's
    actual_cost cells (same measure and members), and the net is withheld with its spending."""
    from helpers.publishing.pages import budget as page

    frame = split_frame()
    plan = accounts([(2015, "5", "Nord", "egen", 4_000, 1_000), (2015, "5", "Syd", "køb", 2_000, None)])
    spec = page.accounts_spec(frame, plan, [2015], "2015-12-31")
    assert spec.name == "resource_use_by_step"
    table = spec.frame.set_index("step")
    assert table.index.tolist() == ["1", "2", "5", "I alt"]
    assert table["expenses"].tolist() == pytest.approx([6_000, 12_000, 48_000, 66_000])
    assert table.loc["5", "income"] == 6_000 and table.loc["5", "net_expenses"] == pytest.approx(42_000)
    assert table.loc["I alt", "net_expenses"] == pytest.approx(60_000)
    assert np.isnan(table.loc["1", "income"]) and np.isnan(table.loc["1", "net_expenses"])
    # earlier years' spending only for the year in all (it may rest on a few children of a
    # step), withheld with the year's spending
    assert table.loc["I alt", "prior_years"] == 1_000 and table["prior_years"].iloc[:-1].isna().all()
    prior = {(s.row, s.column): s.inputs for s in spec.statistics}[(3, "prior_years")]
    assert prior == (("resource_use_by_step", 3, "expenses"),)
    variance = page.variance_spec(frame, plan, [2015])
    costs = {(c.measure, frozenset(c.members)) for c in variance.cells if c.column == "actual_cost"}
    assert {(c.measure, frozenset(c.members)) for c in spec.cells} <= costs
    net = {(s.row, s.column): s.inputs for s in spec.statistics}
    assert net[(2, "net_expenses")] == (("resource_use_by_step", 2, "expenses"),)
    assert ("income_year", "I alt", 3, "income") in spec.concepts
    assert ("spending_prior_years", "I alt", 3, "prior_years") in spec.concepts
    # no year states the accounts: no table, and the page says why
    assert page.accounts_spec(frame, plan.drop(columns=["income", "prior_years"]), [2015], "2015-12-31") is None
    assert "income og prior_years" in page.NO_ACCOUNTS_DA


def test_income_below_zero_is_rejected_with_its_row_and_a_danish_amount_is_read(tmp_path):
    """The accounts' columns are validated like the others: a negative income is a reject
    naming its row and column; prior_years may be negative (a reversal) and is read in Danish
    number format; an empty value is not stated."""
    lines = [
        "municipality;year;step;budget_count;budget_unit_cost;income;prior_years",
        "851;2016;5;10;100000;250.000;-1.500,50",
        "851;2016;6;12;100000;-5;",
        "851;2016;4;12;100000;;",
    ]
    data = load_budget(tmp_path, lines)
    kept = data.budget_assumptions.set_index("step")
    assert kept.loc["5", "income"] == 250_000 and kept.loc["5", "prior_years"] == -1_500.5
    assert np.isnan(kept.loc["4", "income"]) and np.isnan(kept.loc["4", "prior_years"])
    issue = data.issues.set_index("row").loc[3]
    assert issue["column"] == "income" and issue["file"].endswith("budget_assumptions.csv")


def test_own_measures_show_the_income_from_the_places_they_sell_by_hand():
    """Seed 002: "For egne foranstaltninger opgøres også ressourceforbrug på indtægtssiden ved
    salg af pladser". Own measures (Nord, egen) state 5,000 of income, the bought ones none:
    own 5,000, bought and not stated empty (not 0), in all 5,000; the district split has no
    income column, and neither has the provider split when no row states income."""
    from helpers.publishing.pages import budget as page

    frame = split_frame()
    plan = split_budget([("2", "Nord", "egen", 1, 30_000), ("5", "Syd", "køb", 1, 30_000)])
    plan["income"] = [5_000, None]
    by_provider = page.split_spec(frame, plan, [2015], "2015-12-31", "provider_type")
    table = by_provider.frame.set_index("group")
    assert table.columns.tolist()[:4] == ["year", "budget", "spending", "income"]
    assert table.loc["Egne foranstaltninger", "income"] == 5_000 and table.loc["I alt", "income"] == 5_000
    assert table[["income"]].drop(index=["Egne foranstaltninger", "I alt"]).isna().all().all()
    assert by_provider.spanners["Mio. kr."] == ["budget", "spending", "income"]
    assert ("income_year", "I alt", 3, "income") in by_provider.concepts
    assert "income" not in page.split_spec(frame, plan, [2015], "2015-12-31", "district").frame
    assert (
        "income" not in page.split_spec(frame, plan.drop(columns="income"), [2015], "2015-12-31", "provider_type").frame
    )


def test_a_cpr_number_typed_as_an_amount_is_rejected_and_never_shown(tmp_path):
    """A CPR number typed into a number column (as ten digits, or as Excel writes it without
    its leading zero) is not an amount: the row is rejected (rule ``cpr``) and the message does
    not show it; an ordinary nine-digit amount that is no CPR is kept."""
    lines = [
        "municipality;year;step;budget_count;budget_unit_cost;income;prior_years",
        "851;2016;5;1;30000;1503821234;",  # ten digits: 150382-1234
        "851;2016;6;1;30000;;101901234",  # 010190-1234 without its zero
        "851;2016;4;1;30000;987654321;",  # 0987654321 has no month 76: an amount
    ]
    data = load_budget(tmp_path, lines)
    assert data.budget_assumptions["step"].tolist() == ["4"]
    assert data.budget_assumptions["income"].tolist() == [987_654_321]
    issues = data.issues.set_index("row")
    assert issues.loc[2, "rule"] == "cpr" and issues.loc[2, "column"] == "income"
    assert issues.loc[3, "rule"] == "cpr" and issues.loc[3, "column"] == "prior_years"
    written = data.issues.to_csv()
    assert "1503821234" not in written and "101901234" not in written and "150382" not in written
