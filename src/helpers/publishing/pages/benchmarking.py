"""The benchmarking page: the municipality comparison on public key figures, VIVE's
Tabel 1.1, and the municipality's own key figures, per district and per case worker
(computed in :mod:`helpers.analyses.benchmarking` and :mod:`helpers.analyses.key_figures`).

The comparison tables hold public figures (``public=True``: nothing to protect); the key
figures, district and case-worker tables count children and events and are protected
together with the other children's pages of the municipality and period.
"""

from __future__ import annotations

import pandas as pd

from ...analyses import benchmarking
from ...analyses.budget import direction_da, profile_shares, step_budget
from ...analyses.key_figures import TOP_SHARE, key_figures
from ..disclosure import TableSpec
from ..formats import num_da
from .budget import years_da
from .key_figures import (
    case_events_age_spec,
    deadlines_spec,
    district_spec,
    key_figures_spec,
    placements_by_district_spec,
)

#: The public key figures that are concepts of the book (named apart from the same figure
#: computed from the municipality's own records).
PUBLISHED_CONCEPTS = {
    "placed_per_1000_0_22": "placed_per_1000_0_22_published",
    "budget_deviation_pct": "budget_deviation_pct_published",
}
TABLE_1_1_MUNICIPALITIES = ["Hvidovre", "Middelfart", "Horsens", "Kolding", "Syddjurs", "Mariagerfjord"]


def comparison_year(report) -> int | None:
    return benchmarking.benchmark_year(report.data.municipality_figures, report.municipality, report.period_end)


def years_with_figures(report) -> list[int]:
    """The period's calendar years with public key figures for the municipality."""
    figures = report.data.municipality_figures
    own = set(figures.loc[figures["municipality"] == report.municipality, "year"].dropna().astype(int))
    return [y for y in range(report.period_start.year, report.period_end.year + 1) if y in own]


def year_da(report, year: int) -> str:
    """Which year the comparison shows, and why (Danish)."""
    start, end = report.period_start.year, report.period_end.year
    if start == end == year:
        return f"Sammenligningen viser {year}, periodens år."
    if year == end:
        return f"Sammenligningen viser {year}, periodens sidste år; udviklingen i årene før står i tabellen nedenfor."
    if start <= year < end:
        return (
            f"Sammenligningen viser {year}, det seneste år i perioden med offentlige nøgletal "
            f"(der er ingen for {end} i data)."
        )
    return (
        f"Der er ingen offentlige nøgletal for periodens år i data; sammenligningen viser {year}, det seneste år før."
    )


def specs(report) -> list[TableSpec]:
    """Every table of the benchmarking page for the report's municipality and period."""
    out = []
    public = report.data.municipality_figures
    year = comparison_year(report)
    comparison = benchmarking.comparison(public, report.municipality, year) if year else None
    if comparison is not None and bool(comparison["focal"].any()):
        out.append(TableSpec("municipality_comparison", comparison, public=True))
        summary = benchmarking.focal_summary(comparison)
        out.append(
            TableSpec(
                "municipality_summary",
                summary,
                public=True,
                caption=f"{report.name} og gennemsnitskommunen, {year}",
                formats={"figure": lambda f: benchmarking.FIGURES[f]},
                concepts=[
                    (PUBLISHED_CONCEPTS[f], "I alt", i, "value")
                    for i, f in enumerate(summary["figure"])
                    if f in PUBLISHED_CONCEPTS
                ],
            )
        )
    years = years_with_figures(report)
    if len(years) > 1:
        over_years = pd.concat(
            [
                benchmarking.focal_summary(benchmarking.comparison(public, report.municipality, y)).assign(year=y)
                for y in years
            ],
            ignore_index=True,
        )
        out.append(
            TableSpec(
                "municipality_over_years",
                over_years[["year", "figure", "value", "average", "difference", "rank", "of"]],
                public=True,
                caption=f"{report.name} og gennemsnitskommunen år for år",
                formats={"figure": lambda f: benchmarking.FIGURES[f], "year": lambda v: str(int(v))},
            )
        )
    table = benchmarking.table_1_1(public)
    if table.iloc[:6]["name"].isin(TABLE_1_1_MUNICIPALITIES).any():
        out.append(
            TableSpec(
                "table_1_1",
                table,
                public=True,
                caption="Nøgletal for seks kommuner, 2015 (VIVE 2017, Tabel 1.1)",
                labels=benchmarking.TABLE_1_1_COLUMNS,
                formats={
                    "appeals_changed_share": lambda v: f"{100 * v:.0f} %",
                    "budget_deviation_pct": lambda v: f"{v:.0f} %",
                    "placed_per_1000_0_22": lambda v: f"{v:.1f}".replace(".", ","),
                },
            )
        )
    children, events = report.rows("interventions"), report.rows("case_events")
    if not (children.empty and events.empty):
        figures = key_figures(
            children,
            events,
            report.rows("budget_assumptions"),
            report.period_start,
            report.period_end,
            report.municipality,
            top_share=report.run_config.get("settings", {}).get("expensive_cases_share", TOP_SHARE),
            budget_profile=report.rows("budget_profile"),
        )
        out.append(key_figures_spec(figures, caption=f"Nøgletal, {report.period_da}"))
        by_age = case_events_age_spec(children, events, report.period_start, report.period_end)
        deadlines = deadlines_spec(events, report.period_start, report.period_end)
        out += [spec for spec in (by_age, deadlines) if spec is not None]
    if not children.empty:
        out.append(
            district_spec(children, events, report.period_start, report.period_end, "district", "Nøgletal pr. distrikt")
        )
        by_district = placements_by_district_spec(children, report.period_end)
        out += [by_district] if by_district is not None else []
    # Case workers appear only as averages in the key figures: a table per case worker would
    # publish individual employees' caseloads, and its many cells of 1-4 would tie up most
    # of the municipality's children in the protection of the linked tables.
    return out


def budget_basis_da(report) -> str | None:
    """How the key figures' budget for the period is periodised, in Danish, year by year: by
    the municipality's monthly profile (``budget_profile``; for every step, or for some), or
    over the days (None without a budget for the period's steps)."""
    budget = step_budget(report.rows("budget_assumptions"))
    profile = report.rows("budget_profile")
    by_profile, by_days = [], []
    for year in range(report.period_start.year, report.period_end.year + 1):
        steps = sorted(set(budget.loc[budget["year"] == year, "step"].astype(int)))
        if not steps:
            continue
        profiled = [s for s in steps if profile_shares(profile, year, s) is not None]
        if len(profiled) == len(steps):
            by_profile.append(str(year))
        elif profiled:
            by_profile.append(f"{year} (trin {', '.join(map(str, profiled))}; øvrige trin efter dage)")
        else:
            by_days.append(str(year))
    if not by_profile and not by_days:
        return None
    lead = "Periodens budget («Budget») er"
    if not by_profile:
        return (
            f"{lead} årets budget fordelt efter periodens dage i året: kommunen har ingen månedsprofil for "
            f"budgettet (tabellen budget_profile) for {years_da(by_days)}."
        )
    said = f"{lead} periodiseret efter kommunens månedsprofil (tabellen budget_profile) for {years_da(by_profile)}"
    if by_days:
        said += f" og fordelt efter dagene for {years_da(by_days)}, der ingen profil har"
    return said + ": hver måned får sin andel af årets budget, en delvis måned efter sine dage."


def summary_da(summary: pd.DataFrame, name: str, year: int) -> list[str]:
    """Key messages in Danish from :func:`focal_summary`."""
    s = summary.set_index("figure")
    lines = []
    if "expenditure_need_ratio" in s.index:
        r = s.loc["expenditure_need_ratio"]
        direction = "over" if r["value"] > 1 else "under"
        lines.append(
            f"{name} brugte i {year} {num_da(abs(r['value'] - 1) * 100, 0)} % {direction} det forventede "
            f"udgiftsbehov pr. 0-22-årig (gennemsnitskommunen: {num_da((r['average'] - 1) * 100, 0, sign=True)} %)."
        )
    if "placed_per_1000_0_22" in s.index:
        r = s.loc["placed_per_1000_0_22"]
        lines.append(
            f"{name} havde {num_da(r['value'])} anbragte pr. 1.000 0-22-årige mod {num_da(r['average'])} i "
            f"gennemsnitskommunen (nr. {int(r['rank'])} af {int(r['of'])}, højeste = nr. 1)."
        )
    if "budget_deviation_pct" in s.index:
        r = s.loc["budget_deviation_pct"]
        lines.append(
            f"Budgetafvigelsen ifølge de offentlige nøgletal var {num_da(r['value'], sign=True)} % "
            f"({direction_da(r['value'])}) mod {num_da(r['average'], sign=True)} % ({direction_da(r['average'])}) "
            "i gennemsnitskommunen; positiv afvigelse = mindreforbrug, som VIVE opgør den."
        )
    return lines
