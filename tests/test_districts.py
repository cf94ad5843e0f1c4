"""District themes (issue #18; Esbjerg's quarterly themes, seeds/000): children with støtte
i hjemmet, aflastning, kontaktperson or familiebehandling per 1,000 0-22-year-olds of the
district, with an exact Poisson interval computed here independently (root finding on the
Poisson distribution, not the chi-square formula of the code)."""

import types

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from helpers.analyses import districts
from helpers.publishing.disclosure import protect
from helpers.publishing.pages import offers as page

T0, T1 = "2016-01-01", "2016-06-30"


def frame(rows):
    """(person, district, measure, start, end)."""
    f = pd.DataFrame(rows, columns=["person_id", "district", "measure", "start_date", "end_date"])
    f["start_date"], f["end_date"] = pd.to_datetime(f["start_date"]), pd.to_datetime(f["end_date"])
    f["municipality"], f["step"], f["monthly_cost"] = 851, 3, 5_000.0
    return f


def garwood(k, alpha=0.05):
    """P(X >= k | low) = alpha/2 and P(X <= k | high) = alpha/2, solved numerically."""
    low = 0.0 if k == 0 else optimize.brentq(lambda m: stats.poisson.sf(k - 1, m) - alpha / 2, 1e-9, 10 * k + 10)
    high = optimize.brentq(lambda m: stats.poisson.cdf(k, m) - alpha / 2, 1e-9, 10 * k + 20)
    return low, high


@pytest.mark.parametrize("k", [0, 1, 4, 7, 60])
def test_the_poisson_interval_matches_root_finding(k):
    low, high = districts.poisson_interval([k])
    expected = garwood(k)
    assert low[0] == pytest.approx(expected[0], abs=1e-7) and high[0] == pytest.approx(expected[1], rel=1e-7)


def test_themes_read_serviceloven_and_barnets_lov_alike():
    measures = pd.Series(
        [
            "§52 stk. 3 nr. 2 praktisk pædagogisk støtte i hjemmet",
            "Barnets lov § 32, stk. 1, nr. 2 praktisk, pædagogisk eller anden støtte i hjemmet",
            "§ 52, stk. 3, nr. 5",
            "Barnets lov § 32, stk. 1, nr. 7 støtteophold",
            "§52 stk. 3 nr. 6 fast kontaktperson",
            "Barnets lov § 32, stk. 1, nr. 3",
            "§52 stk. 3 nr. 3 familiebehandling",
            "Barnets lov § 32, stk. 1, nr. 5 familiebehandling",
            "§52 stk. 3 nr. 7 plejefamilie",
        ]
    )
    assert list(districts.theme_of(measures).fillna("-")) == [
        "støtte i hjemmet",
        "støtte i hjemmet",
        "aflastning",
        "aflastning",
        "kontaktperson",
        "kontaktperson",
        "familiebehandling",
        "familiebehandling",
        "-",
    ]


ROWS = [
    # Nord: 6 children with støtte i hjemmet (one twice, one ended before the period)
    *[(f"n{i}", "Nord", "§52 stk. 3 nr. 2 støtte i hjemmet", "2015-06-01", None) for i in range(6)],
    ("n0", "Nord", "Barnets lov § 32, stk. 1, nr. 2", "2016-03-01", None),
    ("n9", "Nord", "§52 stk. 3 nr. 2 støtte i hjemmet", "2014-01-01", "2015-12-31"),
    # Syd: 2 children with støtte i hjemmet, 1 with aflastning; one child without a district
    ("s1", "Syd", "§52 stk. 3 nr. 2 støtte i hjemmet", "2016-06-30", None),
    ("s2", "Syd", "§52 stk. 3 nr. 2 støtte i hjemmet", "2015-01-01", "2016-01-01"),
    ("s3", "Syd", "§52 stk. 3 nr. 5 aflastning", "2016-02-01", "2016-03-01"),
    ("u1", None, "§52 stk. 3 nr. 2 støtte i hjemmet", "2016-02-01", None),
]
POPULATION = pd.DataFrame(
    {
        "municipality": 851,
        "district": ["Nord", "Syd", "Midt", "Nord", "Syd", "Midt"],
        "year": [2014, 2014, 2014, 2015, 2015, 2015],
        "population_0_22": [1_900, 2_900, 900, 2_000, 3_000, 1_000],
    }
)


def test_rates_per_1000_by_district_with_the_latest_population_before_the_period_end():
    year = districts.population_year(POPULATION, 2016)
    assert year == 2015  # no 2016 figures: the latest year before
    table = districts.district_rates(districts.theme_units(frame(ROWS), T0, T1), POPULATION, year)
    home = table[table["theme"] == "støtte i hjemmet"].set_index("district")
    assert list(home.index) == ["Midt", "Nord", "Syd", "Ukendt", "I alt"]
    assert list(home["children"]) == [0, 6, 2, 1, 9]
    assert home.loc["Nord", "rate"] == pytest.approx(1000 * 6 / 2_000)  # 3,0 pr. 1.000
    low, high = garwood(6)
    assert home.loc["Nord", "rate_low"] == pytest.approx(1000 * low / 2_000, rel=1e-6)
    assert home.loc["Nord", "rate_high"] == pytest.approx(1000 * high / 2_000, rel=1e-6)
    assert home.loc["Midt", "rate"] == 0 and home.loc["Midt", "rate_low"] == 0
    assert home.loc["Midt", "rate_high"] == pytest.approx(1000 * garwood(0)[1] / 1_000, rel=1e-6)
    assert np.isnan(home.loc["Ukendt", "rate"])
    assert home.loc["I alt", "population"] == 6_000 and home.loc["I alt", "rate"] == pytest.approx(1.5)
    relief = table[table["theme"] == "aflastning"].set_index("district")
    assert relief.loc["Syd", "children"] == 1 and relief.loc["I alt", "children"] == 1


def report(interventions, population, end=T1):
    tables = {
        "interventions": interventions,
        "district_population": population,
        "supervisions": pd.DataFrame(columns=["municipality", "provider", "date", "approved", "reason"]),
    }
    return types.SimpleNamespace(
        rows=lambda name: tables[name][tables[name]["municipality"] == 851].copy(),
        period_start=pd.Timestamp(T0),
        period_end=pd.Timestamp(end),
    )


def test_the_theme_table_is_protected_and_needs_the_population():
    r = report(frame(ROWS), POPULATION)
    assert page.population_year(r) == 2015
    specs = page.specs(r)
    assert [s.name for s in specs] == ["district_themes"]
    spec = specs[0]
    status = protect(specs).status
    for i, n in enumerate(spec.frame["children"]):
        if 0 < n < 5:
            assert status[("district_themes", i, "children")] != "published"
            if not np.isnan(spec.frame["rate"].iloc[i]):
                assert status[("district_themes", i, "rate_low")] != "published"
    assert page.specs(report(frame(ROWS), POPULATION.iloc[0:0])) == []
    assert page.specs(report(frame(ROWS), POPULATION.assign(municipality=410))) == []
