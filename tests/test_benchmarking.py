import pandas as pd
import pytest
from conftest import write_csv

from helpers import load
from helpers.analyses import benchmarking
from helpers.data.paths import REFERENCE_DIR


def figures(rows):
    return pd.DataFrame(
        rows,
        columns=[
            "municipality",
            "year",
            "population",
            "expected_need_per_0_22",
            "expenditure_per_0_22",
            "budget_deviation_pct",
            "placed_per_1000_0_22",
            "appeals_changed_share",
        ],
    )


SEVEN = figures(
    [
        (101, 2015, 600_000, 10_000, 11_000, 1.0, 10.0, 0.3),
        (851, 2015, 210_000, 10_000, 9_000, -2.0, 8.0, 0.2),
        (615, 2015, 86_000, 8_000, 8_000, 3.0, 12.0, 0.5),
        (410, 2015, 38_000, 9_000, 9_900, 0.0, 6.0, 0.1),
        (167, 2015, 52_000, 9_000, 10_800, 5.0, 7.0, 0.4),
        (825, 2015, 1_800, 20_000, 30_000, 50.0, 40.0, 1.0),  # Læsø: among the smallest
        (411, 2015, 40, 1, 1, 1.0, 1.0, 0.0),  # Christiansø, smallest
    ]
)


def test_average_municipality_leaves_out_the_smallest():
    avg = benchmarking.average_municipality(SEVEN, 2015, leave_out=2)
    assert avg["municipalities"] == 5
    assert avg["placed_per_1000_0_22"] == pytest.approx((10 + 8 + 12 + 6 + 7) / 5)
    assert avg["expenditure_need_ratio"] == pytest.approx((1.1 + 0.9 + 1.0 + 1.1 + 1.2) / 5)


def test_comparison_ranks_and_flags():
    table = benchmarking.comparison(SEVEN, 851, 2015)
    placed = table[table["figure"] == "placed_per_1000_0_22"].set_index("municipality")
    assert placed.loc[825, "rank"] == 1 and placed.loc[851, "rank"] == 4 and placed.loc[411, "rank"] == 7
    assert placed.loc[851, "focal"] and not placed.loc[101, "focal"]
    assert placed["same_region"].to_dict() == {
        101: False,
        851: True,
        615: False,
        410: False,
        167: False,
        825: True,
        411: False,
    }
    summary = benchmarking.focal_summary(table).set_index("figure")
    assert summary.loc["expenditure_need_difference", "value"] == -1_000


def test_benchmark_year_is_the_latest_up_to_the_period():
    frame = pd.concat([SEVEN, SEVEN.assign(year=2016), SEVEN.assign(year=2018)])
    assert benchmarking.benchmark_year(frame, 851, "2017-06-30") == 2016
    assert benchmarking.benchmark_year(frame, 851, "2014-06-30") == 2018
    assert benchmarking.benchmark_year(frame, 999, "2016-06-30") is None


def test_table_1_1_reproduces_the_published_rows_from_a_data_file(tmp_path):
    published = pd.read_csv(REFERENCE_DIR / "reference" / "vive_tabel_1_1_2015.csv")
    lines = [
        "municipality;year;population;expected_need_per_0_22;expenditure_per_0_22;budget_deviation_pct;"
        "placed_per_1000_0_22;appeals_changed_share"
    ]
    for r in published.itertuples(index=False):  # names, Danish decimals: as a municipality would export it
        lines.append(
            f"{r.name};{r.year};{r.population};{r.expected_need_per_0_22};{r.expenditure_per_0_22};"
            f"{r.budget_deviation_pct};{str(r.placed_per_1000_0_22).replace('.', ',')};"
            f"{str(r.appeals_changed_share).replace('.', ',')}"
        )
    lines.append("Aalborg;2015;210000;10000;9000;-2;8,0;0,2")
    write_csv(tmp_path / "municipality_figures.csv", "\n".join(lines) + "\n", encoding="cp1252")
    table = benchmarking.table_1_1(load(tmp_path).municipality_figures)
    assert table["name"].tolist()[:6] == ["Hvidovre", "Middelfart", "Horsens", "Kolding", "Syddjurs", "Mariagerfjord"]
    six = table.iloc[:6].reset_index(drop=True)
    for column in [
        "budget_deviation_pct",
        "expected_need_per_0_22",
        "expenditure_per_0_22",
        "appeals_changed_share",
        "population",
        "placed_per_1000_0_22",
    ]:
        assert six[column].tolist() == pytest.approx(published[column].tolist()), column
    assert six["region"].tolist() == published["region"].tolist()
    assert table["name"].tolist()[6:] == ["Gennemsnitskommunen", "Største værdi", "Mindste værdi"]


def test_table_1_1_takes_the_largest_and_smallest_values_over_the_same_93_municipalities():
    """VIVE's note to Tabel 1.1: 93 municipalities in the average *and* in the largest and
    smallest values; the five smallest by population are left out. Here the five smallest
    carry the most extreme values of every column, so that taking the extremes over all 98
    gives other numbers."""
    from helpers.data.municipalities import municipalities

    codes = sorted(municipalities()["code"])
    rows = []
    for i, code in enumerate(codes):
        small = i < 5  # the first five codes get the five smallest populations
        rows.append(
            (
                code,
                2015,
                1_000 + i if small else 20_000 + 1_000 * i,
                50_000.0 if small else 8_000.0 + 10 * i,
                60_000.0 if small else 7_000.0 + 20 * i,
                90.0 if small else -20.0 + 0.3 * i,
                99.0 if small else 4.0 + 0.1 * i,
                1.0 if small else 0.1 + 0.005 * i,
            )
        )
    frame = figures(rows)
    table = benchmarking.table_1_1(frame).set_index("name")
    kept = frame.sort_values("population").iloc[5:]  # by hand: the 93 largest
    assert len(kept) == 93
    for column in [
        "budget_deviation_pct",
        "expected_need_per_0_22",
        "expenditure_per_0_22",
        "appeals_changed_share",
        "population",
        "placed_per_1000_0_22",
    ]:
        assert table.at["Største værdi", column] == pytest.approx(kept[column].max()), column
        assert table.at["Mindste værdi", column] == pytest.approx(kept[column].min()), column
        assert table.at["Gennemsnitskommunen", column] == pytest.approx(kept[column].mean()), column
    assert table.at["Største værdi", "budget_deviation_pct"] == pytest.approx(-20.0 + 0.3 * 97)


def test_the_page_says_how_the_periods_budget_is_spread():
    """Under the key figures the page says whether the period's budget follows the
    municipality's monthly profile, the days, or the profile for some steps only."""
    from types import SimpleNamespace

    from helpers.publishing.pages.benchmarking import budget_basis_da

    budget = pd.DataFrame(
        {"municipality": 851, "year": 2016, "step": ["5", "6"], "budget_count": 1.0, "budget_unit_cost": 1.0}
    )
    whole = [0.1, 0.2] + [0.07] * 10

    def profile(step):
        rows = [
            {"municipality": 851, "year": 2016, "month": m, "share": s, "step": step} for m, s in enumerate(whole, 1)
        ]
        return pd.DataFrame(rows).astype({"step": "Int64"})

    def said(profile_rows, budget_rows=budget):
        tables = {"budget_assumptions": budget_rows, "budget_profile": profile_rows}
        report = SimpleNamespace(
            rows=tables.__getitem__, period_start=pd.Timestamp("2016-02-01"), period_end=pd.Timestamp("2016-07-31")
        )
        return budget_basis_da(report)

    assert said(profile(None)).startswith("Periodens budget («Budget») er periodiseret efter kommunens månedsprofil")
    assert "budget_profile) for 2016: hver måned" in said(profile(None))
    assert "ingen månedsprofil" in said(profile(None).iloc[:0])
    assert "2016 (trin 6; øvrige trin efter dage)" in said(profile(6))
    assert said(profile(None), budget.iloc[:0]) is None  # no budget: nothing to say
    # a period across the new year with a profile for 2016 only: each year said as it is
    across = pd.concat([budget, budget.assign(year=2017)])
    tables = {"budget_assumptions": across, "budget_profile": profile(None)}
    report = SimpleNamespace(
        rows=tables.__getitem__, period_start=pd.Timestamp("2016-07-01"), period_end=pd.Timestamp("2017-06-30")
    )
    text = budget_basis_da(report)
    assert "månedsprofil (tabellen budget_profile) for 2016 og fordelt efter dagene for 2017" in text
