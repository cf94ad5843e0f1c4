"""Offers against the normal price of their measure type (issue #18; Ishøj's "normalpriser
kontra gennemsnitspriser", seeds/003). Expected numbers are computed by hand."""

import types

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import offers
from helpers.publishing.disclosure import protect
from helpers.publishing.pages import offers as page

T0, T1 = "2016-01-01", "2016-06-30"


def frame(rows, placement_type="plejefamilie, almindelig", step=5, measure="§ 52 stk. 3 nr. 7 plejefamilie"):
    """(person, offer id, offer name, monthly cost[, start, end]) -> interventions."""
    out = []
    for r in rows:
        person, oid, oname, cost, start, end = (*r, "2015-06-01", None)[:6] if len(r) == 4 else r
        out.append((person, oid, oname, cost, start, end))
    f = pd.DataFrame(out, columns=["person_id", "offer_id", "offer_name", "monthly_cost", "start_date", "end_date"])
    f["start_date"], f["end_date"] = pd.to_datetime(f["start_date"]), pd.to_datetime(f["end_date"])
    f["municipality"], f["district"], f["measure"] = 851, "Nord", measure
    f["step"], f["placement_type"] = step, placement_type
    f.index = [f"iv{i}" for i in range(len(f))]
    return f


def three_offers():
    """A: 5 children at 10-14 thousand, B: 5 at 20-24, C: 6 at 30, 32, 34, 36, 38 and 100."""
    rows = [(f"a{i}", "A", "Alfa", c) for i, c in enumerate([10_000, 11_000, 12_000, 13_000, 14_000])]
    rows += [(f"b{i}", "B", "Beta", c) for i, c in enumerate([20_000, 21_000, 22_000, 23_000, 24_000])]
    rows += [(f"c{i}", "C", "Gamma", c) for i, c in enumerate([30_000, 32_000, 34_000, 36_000, 38_000, 100_000])]
    return rows


def row(table, offer, mtype="plejefamilie, almindelig"):
    return table[(table["measure_type"] == mtype) & (table["offer"] == offer)].iloc[0]


def test_three_offers_medians_normal_price_mean_and_quartiles_by_hand():
    table = offers.offer_prices(offers.offer_units(frame(three_offers()), T0, T1))
    assert list(table["offer"]) == ["Alfa", "Beta", "Gamma", "I alt"]
    assert [row(table, o)["children"] for o in ("Alfa", "Beta", "Gamma", "I alt")] == [5, 5, 6, 16]
    # offers' medians: 12 000; 22 000; (34 000 + 36 000) / 2
    assert [row(table, o)["price"] for o in ("Alfa", "Beta", "Gamma")] == [12_000, 22_000, 35_000]
    total = row(table, "I alt")
    # 16 prices sorted: the 8th and 9th are 22 000 and 23 000
    assert total["price"] == 22_500
    # (60 + 110 + 270) thousand / 16: the mean, pulled up by the one at 100 000
    assert total["mean_price"] == pytest.approx(27_500)
    # quartiles of 12 000, 22 000, 35 000 (linear): 17 000, 22 000, 28 500
    assert (total["offer_price_p25"], total["offer_price_median"], total["offer_price_p75"]) == (17_000, 22_000, 28_500)
    assert row(table, "Alfa")["price_vs_normal_pct"] == pytest.approx(100 * (12_000 / 22_500 - 1))  # -46,7 %
    assert row(table, "Gamma")["price_vs_normal_pct"] == pytest.approx(100 * (35_000 / 22_500 - 1))  # +55,6 %
    assert np.isnan(total["price_vs_normal_pct"]) and np.isnan(row(table, "Alfa")["mean_price"])


def test_small_offers_are_pooled_and_the_pool_has_its_own_median():
    rows = three_offers() + [("d0", "D", "Delta", 40_000), ("d1", "D", "Delta", 40_000)]
    rows += [("e0", "E", "Epsilon", 50_000), ("e1", "E", "Epsilon", 60_000), ("e2", "E", "Epsilon", 70_000)]
    table = offers.offer_prices(offers.offer_units(frame(rows), T0, T1))
    assert list(table["offer"]) == ["Alfa", "Beta", "Gamma", "Øvrige tilbud", "I alt"]
    pool = row(table, "Øvrige tilbud")
    assert pool["children"] == 5 and pool["price"] == 50_000  # 40, 40, 50, 60, 70 thousand
    # 21 prices: the 11th is 30 000; the quartiles of the named offers are unchanged
    assert row(table, "I alt")["price"] == 30_000 and row(table, "I alt")["children"] == 21
    assert row(table, "I alt")["offer_price_p25"] == 17_000
    assert "Delta" not in set(table["offer"]) and "Epsilon" not in set(table["offer"])


def test_a_pool_of_one_to_four_takes_in_the_smallest_named_offer():
    rows = [(f"a{i}", "A", "Alfa", 10_000) for i in range(6)] + [(f"b{i}", "B", "Beta", 20_000) for i in range(5)]
    rows += [("c0", "C", "Gamma", 30_000), ("c1", "C", "Gamma", 30_000)]
    table = offers.offer_prices(offers.offer_units(frame(rows), T0, T1))
    # Gamma alone (2) would be a pool of 1-4: Beta (5, the smallest named) joins it
    assert list(table["offer"]) == ["Alfa", "Øvrige tilbud", "I alt"]
    assert list(table["children"]) == [6, 7, 13]
    assert row(table, "Øvrige tilbud")["price"] == 20_000  # 5 x 20 000, 2 x 30 000
    assert np.isnan(row(table, "I alt")["offer_price_median"])  # one named offer: no spread


def test_a_child_in_two_offers_counts_once_in_the_total_and_inactive_or_offerless_rows_are_left_out():
    rows = three_offers() + [("a0", "B", "Beta", 26_000)]
    rows += [("x1", "A", "Alfa", 99_000, "2014-01-01", "2015-12-31"), ("x2", None, None, 99_000)]
    table = offers.offer_prices(offers.offer_units(frame(rows), T0, T1))
    assert row(table, "Beta")["children"] == 6 and row(table, "I alt")["children"] == 16
    assert row(table, "Alfa")["price"] == 12_000  # x1 ended before the period


def test_measure_types_of_preventive_measures_read_both_laws():
    f = frame(
        [("p1", "H", "Hjem", 5_000), ("p2", "H", "Hjem", 5_000)], placement_type=None, step=3, measure="x"
    ).assign(measure=["§52 stk. 3 nr. 2 praktisk pædagogisk støtte i hjemmet", "Barnets lov § 32, stk. 1, nr. 2"])
    assert list(offers.measure_type(f)) == ["støtte i hjemmet", "støtte i hjemmet"]
    g = f.assign(measure=["Barnets lov § 32, stk. 1, nr. 7 støtteophold", "§ 52, stk. 3, nr. 5"])
    assert list(offers.measure_type(g)) == ["aflastning", "aflastning"]
    assert list(offers.measure_type(f.assign(measure="Særlig indsats X"))) == ["Særlig indsats X"] * 2


def report(interventions, population=None, start=T0, end=T1, supervisions=None):
    tables = {
        "interventions": interventions,
        "district_population": population
        if population is not None
        else pd.DataFrame(columns=["municipality", "district", "year", "population_0_22"]),
        "supervisions": supervisions
        if supervisions is not None
        else pd.DataFrame(columns=["municipality", "provider", "date", "approved", "reason"]),
    }
    return types.SimpleNamespace(
        rows=lambda name: tables[name][tables[name]["municipality"] == 851].copy(),
        period_start=pd.Timestamp(start),
        period_end=pd.Timestamp(end),
    )


def test_no_offer_name_stands_beside_a_withheld_count_of_one_to_four():
    rows = three_offers() + [("d0", "D", "Delta", 40_000)]
    spec = page.offers_spec(offers.offer_units(frame(rows), T0, T1))
    # Delta (1) takes in Alfa (5; before Beta, 5, by name): a pool of 6
    assert list(spec.frame["offer"]) == ["Beta", "Gamma", "Øvrige tilbud", "I alt"]
    assert list(spec.frame["children"]) == [5, 6, 6, 17]
    tiny = frame(
        [("t1", "T", "Tau", 9_000), ("t2", "T", "Tau", 9_000), ("u1", "U", "Ypsilon", 8_000)], "døgninstitution", 6
    )
    spec = page.offers_spec(offers.offer_units(pd.concat([frame(rows), tiny]), T0, T1))
    status = protect([spec]).status
    for i, r in enumerate(spec.frame.itertuples(index=False)):
        if r.offer not in ("I alt", "Øvrige tilbud"):
            assert r.children >= 5 and status[("offer_prices", i, "children")] == "published", r
    # a type of 1-4 children: its pool and total are withheld, and so are their prices
    for i in np.flatnonzero(spec.frame["measure_type"] == "døgninstitution"):
        assert spec.frame["offer"].iloc[i] == "I alt" and spec.frame["children"].iloc[i] == 3  # all pooled
        assert status[("offer_prices", i, "children")] != "published"
        assert status[("offer_prices", i, "price")] != "published"
    total = list(spec.frame["offer"]).index("I alt")
    assert status[("offer_prices", total, "price")] == "published"  # the normal price rests on 17 children


def test_the_page_runs_without_offer_fee_or_district_columns_and_without_the_municipality():
    bare = frame(three_offers()).drop(columns=["offer_id", "offer_name", "district"])
    assert page.specs(report(bare)) == []
    assert page.specs(report(bare.iloc[0:0])) == []
    assert page.specs(report(bare.assign(municipality=410))) == []
    names = [s.name for s in page.specs(report(frame(three_offers())))]
    assert names == ["offer_prices"]  # no fee column, no district_population
    # supervisions alone (no interventions) still make their table
    checks = pd.DataFrame(
        {
            "municipality": 851,
            "provider": "Hjemmet",
            "date": pd.to_datetime(["2016-02-01"] * 6),
            "approved": [True] * 5 + [False],
            "reason": [None] * 5 + ["Utilstrækkelig bemanding"],
        }
    )
    assert [s.name for s in page.specs(report(bare.iloc[0:0], supervisions=checks))] == ["supervision_outcomes"]
    names = [s.name for s in page.specs(report(frame(three_offers()), supervisions=checks))]
    assert names == ["offer_prices", "supervision_outcomes"]


def test_the_page_leaves_out_measure_types_of_one_to_four_children():
    tiny = frame([("t1", "T", "Tau", 9_000), ("t2", "T", "Tau", 9_000)], "døgninstitution", 6)
    both = pd.concat([frame(three_offers()), tiny])
    assert offers.small_types(offers.offer_units(both, T0, T1)) == ["døgninstitution"]
    (spec,) = page.specs(report(both))
    assert set(spec.frame["measure_type"]) == {"plejefamilie, almindelig"}


def test_the_figures_draw_published_values_and_nothing_without_them():
    from helpers.publishing import figures

    points = pd.DataFrame({"measure_type": ["a", "a", "b"], "offer": ["X", "Øvrige tilbud", "Y"], "pct": [-10, 5, 20]})
    assert figures.offer_dots(points, "t", "s") is not None
    assert figures.offer_dots(points.iloc[0:0], "t", "s") is None
    rates = pd.DataFrame(
        {"theme": "Kontaktperson", "district": ["Nord", "I alt"], "rate": [2.0, np.nan], "rate_low": [1.0, np.nan]}
    ).assign(rate_high=[3.0, np.nan])
    assert figures.rates_with_intervals(rates, "t", "s") is not None
    assert figures.rates_with_intervals(rates.assign(rate=np.nan), "t", "s") is None
    assert figures.amount_bars(pd.DataFrame(columns=["district", "amount", "kr"]), "t", "s") is None
