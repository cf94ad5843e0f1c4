"""Foster-care economics per district and year (issue #18; Esbjerg's themes, seeds/000):
plejeløn, tillægsydelser and egenbetaling per placement and month. Numbers by hand."""

import types

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import foster_care
from helpers.publishing.disclosure import protect
from helpers.publishing.pages import offers as page


def frame(rows):
    """(person, district, placement type, start, end, fee, supplements, own payment)."""
    f = pd.DataFrame(
        rows,
        columns=[
            "person_id",
            "district",
            "placement_type",
            "start_date",
            "end_date",
            "fee",
            "supplements",
            "own_payment",
        ],
    )
    f["start_date"], f["end_date"] = pd.to_datetime(f["start_date"]), pd.to_datetime(f["end_date"])
    f["municipality"], f["measure"], f["step"], f["monthly_cost"] = 851, "plejefamilie", 5, 30_000.0
    f.index = [f"iv{i}" for i in range(len(f))]
    return f


ROWS = [
    # Nord: three placements in 2015, two of them on into 2016
    ("n1", "Nord", "netværkspleje", "2014-05-01", None, 6_000, 500, 0),
    ("n2", "Nord", "plejefamilie, almindelig", "2015-03-01", "2015-09-30", 20_000, 2_000, 1_000),
    ("n3", "Nord", "plejefamilie, forstærket", "2015-11-01", None, 34_000, np.nan, 2_000),
    # Syd: one placement in 2016; an institution and a foster placement without a fee are left out
    ("s1", "Syd", "plejefamilie, kommunal", "2016-02-01", None, 24_000, 3_000, np.nan),
    ("s2", "Syd", "døgninstitution", "2015-01-01", None, np.nan, np.nan, np.nan),
    ("s3", "Syd", "plejefamilie, almindelig", "2015-01-01", None, np.nan, 1_000, 0),
]


def test_years_of_a_long_and_of_a_short_period():
    assert [(y, str(a.date()), str(b.date())) for y, a, b in foster_care.year_windows("2014-01-01", "2016-12-31")] == [
        (2014, "2014-01-01", "2014-12-31"),
        (2015, "2015-01-01", "2015-12-31"),
        (2016, "2016-01-01", "2016-12-31"),
    ]
    # shorter than a year: the year before too, and only the period's part of 2016
    assert [(y, str(a.date()), str(b.date())) for y, a, b in foster_care.year_windows("2016-02-01", "2016-08-01")] == [
        (2015, "2015-01-01", "2015-12-31"),
        (2016, "2016-02-01", "2016-08-01"),
    ]


def test_means_per_placement_and_month_by_district_and_year_by_hand():
    windows = foster_care.year_windows("2015-01-01", "2016-06-30")
    table = foster_care.foster_table(foster_care.foster_units(frame(ROWS), windows), windows)
    got = table.set_index(["year", "district"])
    assert list(table["district"].iloc[:3]) == ["Nord", "Syd", "I alt"]
    # 2015 Nord: n1, n2, n3; fees (6 000 + 20 000 + 34 000) / 3; supplements (500 + 2 000 + 0) / 3
    assert got.loc[(2015, "Nord"), "placements"] == 3 and got.loc[(2015, "Nord"), "children"] == 3
    assert got.loc[(2015, "Nord"), "fee_mean"] == pytest.approx(20_000)
    assert got.loc[(2015, "Nord"), "supplements_mean"] == pytest.approx(2_500 / 3)
    assert got.loc[(2015, "Nord"), "own_payment_mean"] == pytest.approx(1_000)
    assert got.loc[(2015, "Syd"), "placements"] == 0 and np.isnan(got.loc[(2015, "Syd"), "fee_mean"])
    # 2016: n1, n3 (Nord), s1 (Syd); I alt fee (6 000 + 34 000 + 24 000) / 3, own payment (0 + 2 000 + 0) / 3
    assert got.loc[(2016, "Nord"), "fee_mean"] == pytest.approx(20_000)
    assert got.loc[(2016, "I alt"), "placements"] == 3
    assert got.loc[(2016, "I alt"), "fee_mean"] == pytest.approx(64_000 / 3)
    assert got.loc[(2016, "I alt"), "own_payment_mean"] == pytest.approx(2_000 / 3)
    assert got.loc[(2016, "Syd"), "supplements_mean"] == pytest.approx(3_000)


def test_means_of_one_to_four_children_are_withheld_and_the_spec_declares_the_sums():
    windows = foster_care.year_windows("2015-01-01", "2016-06-30")
    # Nord 2015: 3 children; five more placements (5 children) in Syd 2015 at 10 000 kr.
    more = [(f"x{i}", "Syd", "netværkspleje", "2015-01-01", "2015-12-31", 10_000, 0, 0) for i in range(5)]
    units = foster_care.foster_units(frame(ROWS + more), windows)
    spec = page.foster_spec(units, windows)
    assert "children" not in spec.frame  # not published: only placements are counted
    status = protect([spec]).status
    sums = {c.row: c.value for c in spec.cells if c.column == "fee_mean*placements"}
    rows = {(int(y), d): i for i, (y, d) in enumerate(zip(spec.frame["year"], spec.frame["district"]))}
    assert sums[rows[(2015, "Nord")]] == 60_000 and sums[rows[(2015, "Syd")]] == 50_000
    assert status[("foster_care", rows[(2015, "Nord")], "fee_mean")] != "published"  # 3 children
    assert status[("foster_care", rows[(2016, "I alt")], "fee_mean")] != "published"  # 3 children
    assert status[("foster_care", rows[(2015, "I alt")], "placements")] == "published"  # 8 placements
    # Syd 2015 (5 children) would give Nord away beside the total (8): both are withheld
    assert status[("foster_care", rows[(2015, "Syd")], "fee_mean")] != "published"
    assert spec.frame["fee_mean"].iloc[rows[(2015, "Syd")]] == 10_000


def report(interventions):
    empty = pd.DataFrame(columns=["municipality", "district", "year", "population_0_22"])
    tables = {
        "interventions": interventions,
        "district_population": empty,
        "supervisions": pd.DataFrame(columns=["municipality", "provider", "date", "approved", "reason"]),
    }
    return types.SimpleNamespace(
        rows=lambda name: tables[name][tables[name]["municipality"] == 851].copy(),
        period_start=pd.Timestamp("2015-01-01"),
        period_end=pd.Timestamp("2016-06-30"),
    )


def test_the_page_has_a_foster_table_only_with_fees_and_districts():
    assert [s.name for s in page.specs(report(frame(ROWS)))] == ["foster_care"]
    assert page.specs(report(frame(ROWS).drop(columns=["fee"]))) == []
    assert page.specs(report(frame(ROWS).assign(district=np.nan))) == []
