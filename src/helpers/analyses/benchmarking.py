"""Benchmarking municipalities on public key figures (VIVE 2017, Tabel 1.1; seeds/001).

The focal municipality is compared with every other municipality and with the average
municipality on expenditure per 0-22-year-old against the expected need (ratio and
difference), placed children per 1,000 0-22-year-olds, budget deviation and the share of
appealed cases changed or remitted. As in VIVE's table, the average municipality leaves
out the five smallest municipalities (by population).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data import municipalities

FIGURES = {
    "expenditure_need_ratio": "Udgiftsniveau i forhold til forventet udgiftsbehov",
    "expenditure_need_difference": "Udgiftsniveau minus forventet udgiftsbehov (kr. pr. 0-22-årig)",
    "placed_per_1000_0_22": "Anbragte pr. 1.000 0-22-årige",
    "budget_deviation_pct": "Budgetafvigelse (%, positiv = mindreforbrug)",
    "appeals_changed_share": "Andel ændrede/hjemviste klagesager",
}
TABLE_1_1_COLUMNS = {
    "name": "Kommune",
    "budget_deviation_pct": "Budgetafvigelse (%, + = mindreforbrug)",
    "expected_need_per_0_22": "Forventet udgiftsbehov (kr. pr. 0-22-årig)",
    "expenditure_per_0_22": "Udgiftsniveau (kr. pr. 0-22-årig)",
    "appeals_changed_share": "Andel ændrede/hjemviste sager",
    "population": "Befolkning",
    "placed_per_1000_0_22": "Anbragte pr. 1.000 0-22-årige",
    "region": "Region",
}
SMALLEST_LEFT_OUT = 5
COMPARISON_COLUMNS = [
    "municipality",
    "name",
    "year",
    "figure",
    "value",
    "rank",
    "of",
    "average",
    "focal",
    "same_region",
]


def benchmark_year(figures: pd.DataFrame, municipality: int, period_end) -> int | None:
    """The latest year up to the period's end year with figures for the municipality
    (else the latest year with any figures for it)."""
    own = figures.loc[figures["municipality"] == municipality, "year"].dropna().astype(int)
    if own.empty:
        return None
    upto = own[own <= pd.Timestamp(period_end).year]
    return int(upto.max() if len(upto) else own.max())


def with_derived(figures: pd.DataFrame) -> pd.DataFrame:
    out = figures.copy()
    out["expenditure_need_ratio"] = out["expenditure_per_0_22"] / out["expected_need_per_0_22"]
    out["expenditure_need_difference"] = out["expenditure_per_0_22"] - out["expected_need_per_0_22"]
    return out


def compared_municipalities(figures: pd.DataFrame, year: int, leave_out: int = SMALLEST_LEFT_OUT) -> pd.DataFrame:
    """The municipalities VIVE's Tabel 1.1 compares in ``year``: all but the ``leave_out``
    smallest by population (93 of 98). The note to Tabel 1.1 (seeds/001): "Der indgår 93
    kommuner i beregningen af tal for gennemsnitskommunen og angivelse af værdier for
    kommuner med størst afvigelse, idet de fem kommuner med det mindste befolkningstal er
    udeladt"."""
    rows = with_derived(figures[figures["year"] == year])
    if leave_out and rows["population"].notna().sum() > leave_out:
        smallest = rows.nsmallest(leave_out, "population").index
        rows = rows.drop(index=smallest)
    return rows


def average_municipality(figures: pd.DataFrame, year: int, leave_out: int = SMALLEST_LEFT_OUT) -> pd.Series:
    """Unweighted mean over municipalities in ``year``, leaving out the ``leave_out``
    smallest by population (VIVE: 93 municipalities in the average)."""
    rows = compared_municipalities(figures, year, leave_out)
    numeric = rows.drop(columns=["municipality", "year"]).select_dtypes("number")
    out = numeric.mean()
    out["municipalities"] = len(rows)
    return out


def comparison(figures: pd.DataFrame, municipality: int, year: int) -> pd.DataFrame:
    """Tidy comparison: one row per municipality and figure with its rank (1 = highest),
    the focal flag, the region flag and the average municipality's value."""
    rows = with_derived(figures[figures["year"] == year]).drop_duplicates("municipality")
    rows["region"] = rows["municipality"].map(municipalities.region)
    avg = average_municipality(figures, year)
    region = municipalities.region(municipality)
    out = []
    for figure in FIGURES:
        values = rows[["municipality", "region", figure]].dropna(subset=[figure])
        ranks = values[figure].rank(ascending=False, method="min").astype(int)
        for code, reg, value, rank in zip(values["municipality"], values["region"], values[figure], ranks):
            out.append(
                {
                    "municipality": int(code),
                    "name": municipalities.name(code),
                    "year": year,
                    "figure": figure,
                    "value": float(value),
                    "rank": int(rank),
                    "of": len(values),
                    "average": float(avg.get(figure, np.nan)),
                    "focal": int(code) == municipality,
                    "same_region": reg == region,
                }
            )
    return pd.DataFrame(out, columns=COMPARISON_COLUMNS)


def focal_summary(comparison_table: pd.DataFrame) -> pd.DataFrame:
    """The focal municipality's value, the average, the difference and the rank per figure."""
    focal = comparison_table[comparison_table["focal"]].copy()
    focal["difference"] = focal["value"] - focal["average"]
    return focal[["figure", "value", "average", "difference", "rank", "of"]].reset_index(drop=True)


def table_1_1(figures: pd.DataFrame, year: int = 2015, codes=(167, 410, 615, 621, 706, 846)) -> pd.DataFrame:
    """VIVE's Tabel 1.1 layout for the given municipalities, the average municipality and the
    largest and smallest values, the last three over the same 93 municipalities (the five
    smallest by population left out, as the table's note says).

    The table's columns "Budgetafvigelse 2013-2015" and "gns. 2010-2012" are left out: the
    report does not define them, and they cannot be the mean of the yearly deviations (the
    average municipality reads 0,0 in both, against -3 % in 2015), so they cannot be
    recomputed from ``municipality_figures``."""
    rows = figures[(figures["year"] == year) & figures["municipality"].isin(codes)].copy()
    rows["name"] = rows["municipality"].map(municipalities.name)
    rows["region"] = rows["municipality"].map(lambda c: municipalities.region(c).replace("Region ", ""))
    rows = rows.set_index("municipality").loc[[c for c in codes if c in set(rows["municipality"])]]
    table = rows[list(TABLE_1_1_COLUMNS)].reset_index(drop=True)
    compared = compared_municipalities(figures, year)
    avg = average_municipality(figures, year)
    numeric = [c for c in TABLE_1_1_COLUMNS if c not in ("name", "region")]
    extra = pd.DataFrame(
        [
            {"name": "Gennemsnitskommunen", **{c: avg.get(c, np.nan) for c in numeric}, "region": ""},
            {"name": "Største værdi", **{c: compared[c].max() for c in numeric}, "region": ""},
            {"name": "Mindste værdi", **{c: compared[c].min() for c in numeric}, "region": ""},
        ]
    )
    return pd.concat([table, extra], ignore_index=True)
