"""Waiting lists: children waiting at the period's end and the Kaplan-Meier median wait from
referral to start, on data built by hand (the product-limit steps written out below)."""

import numpy as np
import pandas as pd
import pytest
from conftest import PageReport

from helpers.analyses.waiting import km_median, referrals_in, waiting_list
from helpers.publishing.disclosure import protect
from helpers.publishing.pages import waiting_outcomes as page

T0, T1 = "2016-01-01", "2016-06-30"


def waiting(rows):
    frame = pd.DataFrame(rows, columns=["person_id", "referral_date", "start_date", "step"])
    frame["referral_date"] = pd.to_datetime(frame["referral_date"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["step"] = frame["step"].astype("Int64")
    frame["municipality"] = 851
    frame["measure"] = "x"
    return frame


ROWS = [
    # step 2, referred in the period: waits 10, 20, 30, 40, 50 days (started in the period)
    ("a", "2016-01-01", "2016-01-11", 2),
    ("b", "2016-01-01", "2016-01-21", 2),
    ("d", "2016-01-01", "2016-01-31", 2),
    ("e", "2016-01-01", "2016-02-10", 2),
    ("f", "2016-01-01", "2016-02-20", 2),
    # still waiting at the end: censored at 2016-06-30 after 20 days
    ("c", "2016-06-10", None, 2),
    # started after the period's end: waiting at the end, censored after 29 days
    ("g", "2016-06-01", "2016-08-01", 2),
    # referred before the period and still waiting: waiting, but not in the median
    ("h", "2015-12-01", None, 2),
    # referred before the period, started in it: neither waiting nor in the median
    ("i", "2015-11-01", "2016-01-05", 2),
    # the same child c also waits for a step-3 measure (censored after 121 days)
    ("c", "2016-03-01", None, 3),
    # a measure without a step: only in "I alt" (censored after 150 days)
    ("k", "2016-02-01", None, None),
    # referred after the period: nowhere
    ("l", "2016-07-05", None, 2),
]


def test_children_waiting_at_the_end_per_step_and_in_all():
    out = waiting_list(waiting(ROWS), T0, T1).set_index("step")
    assert list(out.index) == ["2", "3", "I alt"]
    assert out.loc["2", "children_waiting"] == 3  # c, g, h
    assert out.loc["3", "children_waiting"] == 1  # c
    assert out.loc["I alt", "children_waiting"] == 4  # c, g, h, k: c once
    assert out.loc["2", "referrals"] == 7 and out.loc["3", "referrals"] == 1 and out.loc["I alt", "referrals"] == 9


def test_waits_run_from_referral_to_start_censored_at_the_period_end():
    refs = referrals_in(waiting(ROWS), T0, T1).set_index("person_id")
    step2 = refs[refs["step"] == "2"]
    assert sorted(step2["days"]) == [10, 20, 20, 29, 30, 40, 50]
    assert not step2.loc["c", "started"] and step2.loc["c", "days"] == 20
    assert not step2.loc["g", "started"] and step2.loc["g", "days"] == 29  # started 1 August: censored on 30 June
    assert "h" not in refs.index and "i" not in refs.index and "l" not in refs.index


def product_limit(events):
    """Kaplan-Meier by hand: ``events`` = [(time, ended)], events before censorings at a tie."""
    at_risk, s, curve = len(events), 1.0, []
    for t in sorted({t for t, _ in events}):
        d = sum(1 for u, e in events if u == t and e)
        c = sum(1 for u, e in events if u == t and not e)
        if d:
            s *= 1 - d / at_risk
            curve.append((t, s))
        at_risk -= d + c
    return curve


def test_the_median_by_hand():
    # step 2: n = 7. t=10: S = 6/7; t=20: 6 at risk, S = 6/7 * 5/6 = 5/7 (0.714); the censored
    # 20 and 29 leave 3 at risk at 30: S = 5/7 * 2/3 = 10/21 (0.476) < 0.5 -> median 30
    step2 = [(10, True), (20, True), (20, False), (29, False), (30, True), (40, True), (50, True)]
    curve2 = product_limit(step2)
    assert [t for t, _ in curve2[:3]] == [10, 20, 30]
    assert [s for _, s in curve2[:3]] == pytest.approx([6 / 7, 5 / 7, 10 / 21])
    # all: + 121 and 150 censored, n = 9: S = 8/9, 7/9, then 5 at risk at 30: 28/45 (0.622),
    # 4 at risk at 40: 21/45 (0.467) -> median 40
    every = step2 + [(121, False), (150, False)]
    curve = product_limit(every)
    assert [t for t, _ in curve[:4]] == [10, 20, 30, 40]
    assert [s for _, s in curve[:4]] == pytest.approx([8 / 9, 7 / 9, 28 / 45, 21 / 45])
    hand = {"2": next(t for t, s in curve2 if s <= 0.5), "I alt": next(t for t, s in curve if s <= 0.5)}
    assert hand == {"2": 30, "I alt": 40}

    out = waiting_list(waiting(ROWS), T0, T1).set_index("step")
    assert out.loc["2", "median_days"] == hand["2"]
    assert out.loc["I alt", "median_days"] == hand["I alt"]
    assert np.isnan(out.loc["3", "median_days"])  # one censored wait: the curve never reaches 50 %
    for step in ("2", "I alt"):
        low, high = out.loc[step, "ci_low"], out.loc[step, "ci_high"]
        assert low <= out.loc[step, "median_days"] and (np.isnan(high) or high >= out.loc[step, "median_days"])


def test_an_open_upper_limit_is_empty_not_infinite():
    median, low, high = km_median([1, 2, 3, 100, 100, 100], [True, True, True, False, False, False])
    # S = 5/6, 4/6, 3/6: the curve reaches 0.5 at 3 (the textbook median: the first S(t) <= 0.5)
    assert median == 3
    median, low, high = km_median([1, 2, 100, 100, 100, 100], [True, True, False, False, False, False])
    assert np.isnan(median)  # S = 5/6, 4/6, then only censored waits: never at 0.5
    median, low, high = km_median([5, 6, 7, 8, 9, 10], [True] * 6)
    assert median == 7  # S = 5/6, 4/6, 3/6: the first time S <= 0.5 (statsmodels' own quantile says 8)
    assert np.isfinite(low) and (np.isnan(high) or np.isfinite(high))


def _report(tables, municipality=851):
    return PageReport(tables, T0, T1, municipality)


def test_the_page_declares_the_waiting_children_and_withholds_medians_on_fewer_than_5_referrals():
    specs = {s.name: s for s in page.specs(_report({"waiting_list": waiting(ROWS)}))}
    spec = specs["waiting_list"]
    assert list(spec.frame.columns) == ["step", "children_waiting", "median_days", "ci_low", "ci_high"]
    cells = {(c.row, c.column): sorted(c.members) for c in spec.cells}
    assert cells[(0, "children_waiting")] == ["c", "g", "h"]
    assert cells[(2, "children_waiting")] == ["c", "g", "h", "k"]
    protection = protect(list(specs.values()))
    status = protection.statuses("waiting_list", spec.frame)
    # step 2 (7 referrals) and I alt (9) keep their medians; 3 children waiting on step 2 are withheld
    assert status.loc[0, "median_days"] == "published" and status.loc[2, "median_days"] == "published"
    assert status.loc[0, "children_waiting"] != "published"
    few = waiting([r for r in ROWS if r[0] in "abcd"])  # 4 referrals on step 2 in the period
    specs = page.specs(_report({"waiting_list": few}))
    protection = protect(specs)
    spec = next(s for s in specs if s.name == "waiting_list")
    assert spec.frame.loc[0, "median_days"] == 20  # S = 3/4 at 10, 1/2 at 20 (S <= 1/2: the median)
    assert protection.hidden(("waiting_list", 0, "median_days"))


def test_the_page_runs_without_the_tables_and_without_the_municipality():
    assert page.specs(_report({})) == []
    other = _report({"waiting_list": waiting(ROWS)}, municipality=410)
    assert page.specs(other) == []


def test_the_page_shows_withheld_as_dots_unreached_medians_in_words_and_key_messages_only_published(tmp_path):
    from helpers.publishing.tables import publish

    specs = page.specs(_report({"waiting_list": waiting(ROWS)}))
    protection = protect(specs)
    published = {s.name: publish(s, tmp_path, protection) for s in specs}
    view = page.waiting_view(published["waiting_list"], published["waiting_referrals"]).set_index("Trin")
    assert view.loc["Trin 2", "Børn på venteliste"] == ".."  # 3 children
    assert view.loc["Trin 2", "Median ventetid (dage)"] == "30"
    assert view.loc["Trin 3", "Median ventetid (dage)"] == ".."  # one referral: withheld, not "ikke nået"
    lines = page.key_messages(published["waiting_list"], published["waiting_referrals"], period_end=T1)
    assert not any("ventede" in line for line in lines)  # 4 children waiting: withheld, not said
    assert any("efter 40 dage" in line for line in lines)
    # six referrals on one step, none started: the curve stays at 1 -> "ikke nået"
    open_waits = waiting([(p, "2016-03-01", None, 1) for p in "mnopqr"])
    specs = page.specs(_report({"waiting_list": open_waits}))
    published = {s.name: publish(s, tmp_path / "open", protect(specs)) for s in specs}
    view = page.waiting_view(published["waiting_list"], published["waiting_referrals"]).set_index("Trin")
    assert view.loc["I alt", "Median ventetid (dage)"] == page.NOT_REACHED
    assert view.loc["I alt", "Børn på venteliste"] == "6"
    lines = page.key_messages(published["waiting_list"], published["waiting_referrals"], period_end=T1)
    assert lines[0] == "Den 30. juni 2016 ventede 6 børn og unge på en foranstaltning."
    assert "ikke nået" in lines[1]


def test_children_waiting_by_target_group_and_age_from_their_interventions_by_hand():
    from helpers.analyses.waiting import waiting_by_group, waiting_children

    iv = pd.DataFrame(
        [
            # c: udsat from 2014, handicap from May 2016 (the latest started by the end), udsat again later
            ("c", 2, "2014-01-01", "udsat", "2005-07-01"),
            ("c", 1, "2016-05-01", "handicap", "2005-07-01"),
            ("c", 3, "2016-08-01", "udsat", "2005-07-01"),
            # g: only an intervention starting after the end: its first one; 16 on the last day
            ("g", 2, "2016-08-01", "handicap", "2000-06-30"),
            ("k", 2, "2015-01-01", "udsat", "2012-07-01"),  # 3 years old
            ("a", 4, "2016-01-11", "udsat", "2001-01-01"),  # not waiting at the end
        ],
        columns=["person_id", "step", "start_date", "target_group", "birth_date"],
    )
    iv["start_date"], iv["birth_date"] = pd.to_datetime(iv["start_date"]), pd.to_datetime(iv["birth_date"])
    iv["end_date"], iv["municipality"] = pd.NaT, 851
    children = waiting_children(waiting(ROWS), iv, T1).set_index("person_id")
    assert sorted(children.index) == ["c", "g", "h", "k"]  # c once, though waiting for two measures
    assert children.loc["c", "target_group"] == "handicap" and children.loc["g", "target_group"] == "handicap"
    assert tuple(children.loc["h", ["target_group", "age_group"]]) == ("Ukendt", "Ukendt")  # no interventions
    assert children.loc["g", "age_group"] == "12-17 år" and children.loc["c", "age_group"] == "6-11 år"
    table = waiting_by_group(children.reset_index())
    assert [tuple(r) for r in table.itertuples(index=False)] == [
        ("I alt", "I alt", 4),
        ("udsat", "I alt", 1),
        ("handicap", "I alt", 2),
        ("Ukendt", "I alt", 1),
        ("I alt", "0-5 år", 1),
        ("I alt", "6-11 år", 1),
        ("I alt", "12-17 år", 1),
        ("I alt", "Ukendt", 1),
    ]
    # on the page: the same children as the waiting list's "I alt" (linked), all withheld here
    specs = {
        s.name: s for s in page.specs(PageReport({"waiting_list": waiting(ROWS), "interventions": iv}, T0, T1, 851))
    }
    cells = {(c.row, c.column): sorted(c.members) for c in specs["waiting_by_group"].cells}
    assert cells[(0, "children_waiting")] == ["c", "g", "h", "k"]
    assert cells[(2, "children_waiting")] == ["c", "g"]
    protection = protect(list(specs.values()))
    assert protection.hidden(("waiting_by_group", 2, "children_waiting"))
