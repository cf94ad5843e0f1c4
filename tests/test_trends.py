"""Development over time (issue #14): monthly figures, placement episodes, the forecast
with inflow and outflow, and its backtest. Expected numbers are counted by hand."""

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import trends


def interventions(rows):
    """(person, step, start, end, monthly cost[, provider]) -> an interventions frame."""
    frame = pd.DataFrame(
        [(*r, "egen")[:6] if len(r) == 5 else r for r in rows],
        columns=["person_id", "step", "start_date", "end_date", "monthly_cost", "provider_type"],
    )
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["target_group"] = "udsat"
    frame["birth_date"] = pd.Timestamp("2008-06-15")
    return frame


NO_EVENTS = pd.DataFrame(columns=["person_id", "event_date", "event_type", "outcome", "deadline_met"])
NO_FIGURES = pd.DataFrame(columns=["year", "population_0_22"])


def test_month_ends_and_quarter_ends():
    assert [str(d.date()) for d in trends.dates_in("2016-02-01", "2016-05-15")] == [
        "2016-02-29",
        "2016-03-31",
        "2016-04-30",
    ]
    quarters = trends.dates_in("2014-01-01", "2016-12-31")
    assert len(quarters) == 12 and str(quarters[0].date()) == "2014-03-31"
    assert [str(d.date()) for d in trends.year_before(trends.dates_in("2016-02-01", "2016-03-31"))] == [
        "2015-02-28",
        "2015-03-31",
    ]


def test_placed_children_at_each_month_end_by_the_highest_active_step():
    iv = interventions(
        [
            ("a", 5, "2016-01-01", None, 30_000),  # foster family all along
            ("a", 2, "2016-01-01", "2016-02-29", 5_000),  # a lower step at the same time: counted once, at 5
            ("b", 6, "2016-02-29", "2016-03-31", 90_000),  # starts on a month end, ends on the next: both count
            ("b", 5, "2016-04-01", None, 30_000),  # and moves on the next day: still placed, now at 5
            ("c", 4, "2015-06-01", "2016-02-28", 16_000),  # ends the day before the month end: not counted
            ("d", 3, "2016-03-15", None, 13_000),  # preventive only
        ]
    )
    frame = trends.trends(iv, NO_EVENTS, NO_FIGURES, "2016-02-01", "2016-04-30", 851)

    def value(date, figure, group):
        rows = frame[(frame["date"] == date) & (frame["figure"] == figure) & (frame["group"] == group)]
        return rows["value"].iloc[0]

    # by hand, from the rule "start <= t and (no end or end >= t), highest step per child"
    expected = {
        "2016-02-29": {"4": 0, "5": 1, "6": 1, "I alt": 2},  # a at 5, b at 6, c ended 28 Feb
        "2016-03-31": {"4": 0, "5": 1, "6": 1, "I alt": 2},
        "2016-04-30": {"4": 0, "5": 2, "6": 0, "I alt": 2},
    }
    for date, groups in expected.items():
        for group, n in groups.items():
            assert value(date, "placed_children", group) == n, (date, group)
    assert value("2016-02-29", "preventive_children", "I alt") == 0  # a's step 2 is under its 5
    assert value("2016-03-31", "preventive_children", "3") == 1
    # unique recipients by step count every active preventive measure, also under a placement
    assert value("2016-02-29", "preventive_recipients", "2") == 1  # a, ends on the month end
    assert (
        value("2016-03-31", "preventive_recipients", "2") == 0
        and value("2016-03-31", "preventive_recipients", "3") == 1
    )
    # a year earlier (February-April 2015) nobody was placed yet: c started in June 2015
    assert value("2015-04-30", "placed_children", "I alt") == 0 and value("2015-02-28", "placed_children", "4") == 0
    assert set(frame.loc[frame["in_period"], "date"]) == set(expected)


def test_a_monthly_release_shows_the_year_to_date_month_by_month():
    """Issue #30 (seed 002: "sammenholdt med årets udgangspunkt og foregående måneder"): the
    page of one calendar month shows every month of its year up to it, with the same months a
    year earlier, stocks included; a period that is not one calendar month shows its own."""
    iv = interventions([("a", 5, "2016-01-10", None, 30_000), ("b", 4, "2016-02-20", "2016-02-25", 16_000)])
    march = trends.trends(iv, NO_EVENTS, NO_FIGURES, "2016-03-01", "2016-03-31", 851)
    months = ["2016-01-31", "2016-02-29", "2016-03-31"]
    assert sorted(set(march["date"])) == ["2015-01-31", "2015-02-28", "2015-03-31", *months]
    assert sorted(set(march.loc[march["in_period"], "date"])) == months
    placed = march[(march["figure"] == "placed_children") & (march["group"] == "I alt")].set_index("date")["value"]
    assert placed[months].tolist() == [1, 1, 1]  # a from 10 January; b is placed between two month ends
    new = march[(march["figure"] == "new_placements") & (march["group"] == "I alt")].set_index("date")["value"]
    assert new[months].tolist() == [1, 1, 0]  # a in January, b in February
    assert trends.is_month("2016-02-01", "2016-02-29") and not trends.is_month("2016-02-01", "2016-02-28")
    assert not trends.is_month("2016-02-02", "2016-03-01") and not trends.is_month("2016-01-01", "2016-03-31")
    # mid-year but not one calendar month: its own months only
    two = trends.trends(iv, NO_EVENTS, NO_FIGURES, "2016-02-01", "2016-03-31", 851)
    assert sorted(set(two.loc[two["in_period"], "date"])) == months[1:]


def test_placement_episodes_join_moves_and_count_inflow_and_outflow():
    iv = interventions(
        [
            ("a", 5, "2016-01-10", "2016-03-04", 30_000),
            ("a", 6, "2016-03-05", "2016-05-20", 90_000),  # the next day: the same placement
            ("b", 4, "2016-03-01", "2016-03-31", 16_000),
            ("b", 5, "2016-03-20", None, 30_000),  # overlapping: the same placement, open
            ("c", 6, "2016-02-01", "2016-02-10", 90_000),
            ("c", 6, "2016-02-12", "2016-03-01", 90_000),  # a gap of a day: a new placement
        ]
    )
    ep = trends.episodes(iv, (4, 5, 6)).sort_values(["person_id", "start"]).reset_index(drop=True)
    got = [
        [p, str(s.date()), "NaT" if pd.isna(e) else str(e.date())]
        for p, s, e in ep[["person_id", "start", "end"]].values
    ]
    assert got == [
        ["a", "2016-01-10", "2016-05-20"],
        ["b", "2016-03-01", "NaT"],
        ["c", "2016-02-01", "2016-02-10"],
        ["c", "2016-02-12", "2016-03-01"],
    ]
    frame = trends.trends(iv, NO_EVENTS, NO_FIGURES, "2016-02-01", "2016-05-31", 851)
    flows = frame[frame["in_period"] & frame["figure"].isin(["new_placements", "ended_placements"])]
    got = {(r.date, r.figure): r.value for r in flows.itertuples()}
    assert got[("2016-02-29", "new_placements")] == 1  # c, once (the two episodes are the same child)
    assert got[("2016-02-29", "ended_placements")] == 1  # c's first episode
    assert got[("2016-03-31", "new_placements")] == 1  # b
    assert got[("2016-03-31", "ended_placements")] == 1  # c's second episode ends 1 March
    assert got[("2016-05-31", "ended_placements")] == 1  # a, after moving to an institution
    assert got[("2016-04-30", "new_placements")] == got[("2016-04-30", "ended_placements")] == 0


def test_an_episode_runs_to_the_latest_end_of_its_rows_not_the_last_rows_end():
    iv = interventions(
        [
            ("d", 4, "2016-01-01", "2016-06-30", 16_000),  # long
            ("d", 6, "2016-02-01", "2016-02-10", 90_000),  # inside the long one
            ("d", 5, "2016-04-01", "2016-04-30", 30_000),  # after the short one, inside the long: joins
            ("d", 5, "2016-07-02", "2016-07-31", 30_000),  # two days after the long one: a new episode
            ("e", 5, "2016-01-01", None, 30_000),  # open
            ("e", 4, "2016-12-01", "2016-12-31", 16_000),  # long after its start, while it is open: joins
            ("f", 2, "2016-01-01", "2016-01-31", 5_000),  # not a placement step
        ]
    )
    ep = trends.episodes(iv, (4, 5, 6))
    got = [
        [p, str(s.date()), "NaT" if pd.isna(e) else str(e.date()), step]
        for p, s, e, step in ep[["person_id", "start", "end", "first_step"]].values
    ]
    assert got == [
        ["d", "2016-01-01", "2016-06-30", 4],
        ["d", "2016-07-02", "2016-07-31", 5],
        ["e", "2016-01-01", "NaT", 5],
    ]
    assert trends.episodes(iv, (1,)).empty


def test_forecast_is_committed_plus_inflow_minus_exits_each_computed_by_hand():
    # history: twelve ended placements, six lasting 20 days and six 60 days, and one open
    # placement started 1 June 2016, censored at 31 days on 1 July. Kaplan-Meier by hand,
    # S(d) = P(D > d): 13 at risk at day 20 with 6 ending -> 7/13; 6 at risk at day 60, all
    # ending -> 0. So S(d) = 1 for d < 20, 7/13 for 20 <= d < 60, 0 from 60.
    rows = []
    for i in range(12):
        start = pd.Timestamp(f"2015-{1 + i:02d}-01")
        days = 20 if i % 2 else 60
        rows.append((f"h{i}", 5, str(start.date()), str((start + pd.Timedelta(days=days - 1)).date()), 10_000))
    rows.append(("open", 5, "2016-06-01", None, 36_600))
    iv = interventions(rows)
    as_of = pd.Timestamp("2016-07-01")
    f = trends.forecast(iv, 1_000_000.0, as_of)
    assert f["forecast"] == pytest.approx(f["committed"] + f["expected_inflow"] - f["expected_exits"])

    def S(d):
        return 1.0 if d < 20 else 7 / 13 if d < 60 else 0.0

    per_day = 36_600 * 12 / 366  # 2016 has 366 days
    remaining = (pd.Timestamp("2016-12-31") - as_of).days  # 183
    # committed: spent 1 June to 1 July (31 days) and the open placement to 31 December
    assert f["committed"] == pytest.approx(per_day * (31 + remaining))
    # having run 31 days, it is still there u days later when D >= 31 + u: S(30 + u) / S(30)
    # is 1 up to u = 29 (30 July, day 60) and 0 after, so 29 more days of 183, by hand
    assert f["expected_exits"] == pytest.approx(per_day * (remaining - 29))
    # inflow: placements started after 1 July 2015: h7..h11 (August-December 2015) and the
    # open one: 6 in 12 months; a new one is active on its k-th day with P(D >= k) = S(k - 1)
    recent_cost = np.mean([10_000] * 5 + [36_600])
    expected_count = 6 / 12 * remaining * 12 / 365.25

    def days_kept(span):
        return sum(S(k - 1) for k in range(1, span + 1))

    mean_days = np.mean([days_kept(remaining - s) for s in range(0, remaining, 7)])
    assert f["expected_inflow"] == pytest.approx(expected_count * recent_cost * 12 / 366 * mean_days)
    assert f["budget"] == 1_000_000.0


def test_the_backtest_forgets_what_was_not_known_yet():
    iv = interventions([("a", 5, "2016-01-01", "2016-12-31", 30_000), ("b", 6, "2016-09-01", None, 90_000)])
    known = trends.known_as_of(iv, "2016-06-30")
    assert known["person_id"].tolist() == ["a"] and known["end_date"].isna().all()  # its end was not known


@pytest.mark.slow  # a year of monthly forecasts over the default data: about 25 s
def test_the_backtest_error_shrinks_as_the_year_goes_on(tmp_path):
    import helpers
    from helpers.data import synth

    synth.generate(tmp_path, seed=2016)  # the default data, generated as `make data` does
    data = helpers.load(tmp_path)
    iv = data.interventions[data.interventions["municipality"] == 851]
    table = trends.backtest(iv, 2016)
    assert len(table) == 11 and (table["realised"] == table["realised"].iloc[0]).all()
    error = table["error_pct"].abs().to_numpy()
    assert error[-3:].mean() < error[:3].mean()
    assert error[-1] < 1.0  # by November the forecast is within 1 % of the year


def test_targets_give_the_difference_and_status_at_the_period_end():
    from helpers.publishing.pages import trends as page

    iv = interventions([(f"c{i}", 5, "2016-01-01", None, 30_000) for i in range(7)])  # 7 placed all along
    frame = trends.trends(iv, NO_EVENTS, NO_FIGURES, "2016-02-01", "2016-04-30", 851)
    goals = pd.DataFrame(
        {
            "municipality": [851] * 4,
            "year": [2016, 2016, 2016, 2015],
            "figure": ["placed_children"] * 4,
            "group": ["5", None, "6", "5"],  # no group = the figure as a whole (I alt)
            "target": [9.0, 6.0, 0.0, 1.0],
        }
    )
    spec = page.targets_spec(frame, goals)
    got = spec.frame.set_index("group")
    assert set(got["date"]) == {"2016-04-30"}  # the period's last month end, 2016's targets
    assert got.loc["5", "difference"] == -2 and got.loc["5", "status"] == "under målet"
    assert got.loc["I alt", "difference"] == 1 and got.loc["I alt", "status"] == "over målet"
    assert got.loc["6", "status"] == "på målet"
    # the value is the same count as in the monthly table, and the status rests on it
    cells = {c.row: c for c in spec.cells}
    assert sorted(cells[spec.frame.index[spec.frame["group"] == "5"][0]].members) == [f"c{i}" for i in range(7)]
    assert all(st.inputs == ((spec.name, st.row, "value"),) for st in spec.statistics)
    lines = page.target_lines(goals, "placed_children", "I alt", [2015, 2016])
    assert lines.to_dict("records") == [{"year": 2016, "target": 6.0}]
