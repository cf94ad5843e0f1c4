"""The budget follow-up page: the volume/price split per step with the interventions
behind each actual volume and cost, and its key messages (computed in
:mod:`helpers.analyses.budget`).

Budget figures are the municipality's own assumptions (not person data); the actual
full-year volumes and costs are sums over interventions and are protected with the other
children's pages (an amount that rests on 1-4 children is withheld, and so is whatever
would reveal it, e.g. the last step against the total).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...analyses.budget import (
    GROUP_TOTAL,
    NOT_STATED,
    STAIRCASE_PARTS,
    accounts_by_step,
    deviation_pct,
    direction_da,
    group_budgets,
    part_budgets,
    part_income,
    part_of,
    split_by,
    volume_price_split,
    with_total,
)
from ...analyses.key_figures import TOTAL, cost_in, cost_measure
from ...data.periods import year_volumes
from ..disclosure import Cell, Statistic, TableSpec, amount_cells, paying_ids, statistics
from ..formats import date_da, kr_da, mio_da, num_da, year_da

DERIVED = ("actual_unit_cost", "volume_effect", "price_effect", "total_deviation")


def period_years(report) -> list[int]:
    """The calendar years the period touches."""
    return list(range(report.period_start.year, report.period_end.year + 1))


def budget_years(report) -> list[int]:
    """The period's calendar years with budget assumptions for the municipality."""
    assumptions = report.rows("budget_assumptions")
    have = set(assumptions["year"].dropna().astype(int)) if len(assumptions) else set()
    return [y for y in period_years(report) if y in have]


def known_at(interventions: pd.DataFrame, period_end) -> pd.DataFrame:
    """The interventions granted by the period's end: a later year's or later month's new
    measures are not part of the follow-up of a period that ended before they began."""
    return interventions[interventions["start_date"] <= pd.Timestamp(period_end)]


def year_units(interventions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each intervention's full-year volume and cost in ``year`` with its child, its step (as
    text, as the tables show it) and its unit id: what the year's amount cells sum."""
    units = pd.concat([interventions[["person_id", "step"]], year_volumes(interventions, year)], axis=1)
    return units.assign(unit_id=interventions.index.astype(str), step=units["step"].astype(int).astype(str))


def resting_on(units: pd.DataFrame, column: str, steps) -> list[int]:
    """For each step (or «I alt», every step) the children whose interventions add to
    ``column`` (:func:`year_units`): what an amount of that step rests on."""
    adding = units[units[column] > 0]
    return [adding.loc[(adding["step"] == s) | (s == TOTAL), "person_id"].nunique() for s in steps]


def variance_spec(interventions: pd.DataFrame, assumptions: pd.DataFrame, years) -> TableSpec:
    """``budget_variance``: per year, step and in total (``I alt``); one block of rows per
    calendar year, each protected as its own volumes and costs."""
    name = "budget_variance"
    years = [int(y) for y in years]
    parts, cells, stats, offset = [], [], [], 0
    for year in years:
        table = with_total(volume_price_split(interventions, assumptions, year))
        table["step"] = table["step"].astype(str)
        units = year_units(interventions, year)
        these = []
        whole_year = cost_measure(f"{year}-01-01", f"{year}-12-31")
        for column, measure in (("actual_count", f"volume_year_{year}"), ("actual_cost", whole_year)):
            these += amount_cells(name, table, column, units, "intervention", column, ["step"], measure=measure)
        # an amount rests on the children who add to it: active ones for the volume, paying
        # ones for the cost (the rule of every other cost cell of the book)
        resting = {column: resting_on(units, column, table["step"]) for column in ("actual_count", "actual_cost")}
        base_n = resting["actual_cost"]  # the derived numbers rest on the paying children (the fewer)
        for c in these:
            c.base_n = resting[c.column][c.row]
            c.row += offset
        for st in statistics(name, table, DERIVED, ["actual_count", "actual_cost"], base_n):
            st.row += offset
            st.inputs = tuple((t, r + offset, c) for t, r, c in st.inputs)
            stats.append(st)
        cells += these
        parts.append(table.assign(year=year)[["year", *table.columns]])
        offset += len(table)
    table = pd.concat(parts, ignore_index=True)
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=6,
        caption=f"Budget og forbrug pr. trin, {span}",
        show=[
            "step",
            "budget_count",
            "budget_unit_cost",
            "budget_cost",
            "actual_count",
            "actual_unit_cost",
            "actual_cost",
            "volume_effect",
            "price_effect",
            "total_deviation",
        ],
        # nine numbers a row fit the page's column: amounts in mio. kr. under three spanners
        spanners={
            "Budget": ["budget_count", "budget_unit_cost", "budget_cost"],
            "Faktisk": ["actual_count", "actual_unit_cost", "actual_cost"],
            "Merforbrug (+) / mindreforbrug (−), mio. kr.": ["volume_effect", "price_effect", "total_deviation"],
        },
        labels={
            "step": "Trin",
            "budget_count": "Helårs\u00adforanst.",
            "budget_unit_cost": "Enhedspris (kr.)",
            "budget_cost": "Mio. kr.",
            "actual_count": "Helårs\u00adforanst.",
            "actual_unit_cost": "Enhedspris (kr.)",
            "actual_cost": "Mio. kr.",
            "volume_effect": "Volumen",
            "price_effect": "Pris",
            "total_deviation": "I alt",
        },
        formats={
            **dict.fromkeys(["budget_count", "actual_count"], lambda v: num_da(v, 1)),
            **dict.fromkeys(["budget_unit_cost", "actual_unit_cost"], kr_da),
            **dict.fromkeys(["budget_cost", "actual_cost", "volume_effect", "price_effect", "total_deviation"], mio_da),
            "year": year_da,
        },
        source="Budget: kommunens budgetforudsætninger. Faktisk: bevilgede indsatser i data.",
    )


#: What the page says when the budget assumptions state neither income nor earlier years' spending.
NO_ACCOUNTS_DA = (
    "Budgetforudsætningerne oplyser hverken indtægter (fx salg af pladser) eller forbrug vedrørende "
    "tidligere år (de valgfri kolonner income og prior_years), så siden viser kun udgifterne."
)


def accounts_spec(interventions: pd.DataFrame, assumptions: pd.DataFrame, years, period_end) -> TableSpec | None:
    """``resource_use_by_step``: per year and step, and in all, seed 002's resource use per
    measure type with both sides of the accounts: the spending (``expenses``, the year's cost
    of the interventions, the same cells as ``budget_variance``'s ``actual_cost``), the income
    from places sold (``income``), the spending net of it (``net_expenses``, withheld with the
    spending it is computed from) and the spending booked in the year that belongs to earlier
    years (``prior_years``: for the year in all only, and withheld with its spending, since it may
    rest on a few children of a step and nothing links it to the interventions). Income and
    earlier years come from the municipality's accounts (``budget_assumptions``' optional columns). Only the
    years whose rows state one of them; None when no year does. The «I alt» row of the period's
    last year holds the concepts ``income_year``, ``net_expenses_year`` and ``spending_prior_years``."""
    name = "resource_use_by_step"
    parts, cells, stats, concepts, offset = [], [], [], [], 0
    last = pd.Timestamp(period_end).year  # the concepts are the period's last year's, as the others
    for year in [int(y) for y in years]:
        accounts = accounts_by_step(assumptions, year)
        if not len(accounts):
            continue
        spending = with_total(volume_price_split(interventions, assumptions, year))[["step", "actual_cost"]]
        table = spending.rename(columns={"actual_cost": "expenses"}).astype({"step": str})
        table = table.merge(accounts.astype({"step": str}), how="outer", on="step")
        order = table["step"].map(lambda step: 99 if step == TOTAL else int(step))
        table = table.iloc[order.argsort(kind="stable")].reset_index(drop=True)
        table["expenses"] = table["expenses"].astype(float).fillna(0.0)
        table["net_expenses"] = table["expenses"] - table["income"].astype(float)
        # the spending for earlier years may rest on a few children of a step, and nothing links
        # it to the interventions the protection knows: it is published for the year in all only
        table.loc[table["step"] != TOTAL, "prior_years"] = np.nan
        table = table[["step", "expenses", "income", "net_expenses", "prior_years"]]
        units = year_units(interventions, year)
        these = amount_cells(
            name,
            table,
            "expenses",
            units,
            "intervention",
            "actual_cost",
            ["step"],
            measure=cost_measure(f"{year}-01-01", f"{year}-12-31"),
        )
        base_n = resting_on(units, "actual_cost", table["step"])
        for c in these:
            c.base_n = base_n[c.row]
            c.row += offset
        for st in statistics(name, table, ["net_expenses", "prior_years"], ["expenses"], base_n):
            st.row += offset
            st.inputs = tuple((t, r + offset, c) for t, r, c in st.inputs)
            stats.append(st)
        if year == last:
            total = offset + len(table) - 1
            concepts += [
                (concept, TOTAL, total, column)
                for concept, column in (
                    ("income_year", "income"),
                    ("net_expenses_year", "net_expenses"),
                    ("spending_prior_years", "prior_years"),
                )
                if not pd.isna(table[column].iloc[-1])
            ]
        cells += these
        parts.append(table.assign(year=year)[["year", *table.columns]])
        offset += len(table)
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=5,
        caption="Udgifter, indtægter og forbrug vedrørende tidligere år pr. trin",
        labels={
            "year": "År",
            "step": "Trin",
            "expenses": "Udgifter",
            "income": "Indtægter (salg af pladser)",
            "net_expenses": "Udgifter minus indtægter",
            "prior_years": "Forbrug vedrørende tidligere år",
        },
        spanners={"Mio. kr.": ["expenses", "income", "net_expenses", "prior_years"]},
        formats={"year": year_da, **dict.fromkeys(["expenses", "income", "net_expenses", "prior_years"], mio_da)},
        concepts=concepts,
        source=(
            "Udgifter: bevilgede indsatser i data (årets forbrug, som i budgetopfølgningen pr. trin). Indtægter og "
            "forbrug vedrørende tidligere år: kommunens regnskab (budgetforudsætningernes kolonner income og "
            "prior_years); forbruget vedrørende tidligere år kun for året i alt. Et tomt felt er ikke oplyst "
            "eller tilbageholdt af hensyn til diskretion."
        ),
    )


#: How a table of budget against spending per year shows (``budget_summary``, ``budget_by_group``).
DEVIATION_SPANNERS = {
    "Mio. kr.": ["budget", "spending", "income"],
    "Procent af budgettet": ["deviation_pct", "precision_pct"],
}
DEVIATION_LABELS = {
    "year": "År",
    "budget": "Budget",
    "spending": "Forbrug + disponerede indsatser",
    "income": "Indtægter (salg af pladser)",
    "deviation_pct": "Budgetafvigelse (+ = mindreforbrug)",
    "precision_pct": "Budgetpræcision",
}
DEVIATION_FORMATS = {
    "year": year_da,
    "budget": mio_da,
    "spending": mio_da,
    "income": mio_da,
    "deviation_pct": lambda v: num_da(v, 1, sign=True) + " %",
    "precision_pct": lambda v: num_da(v, 1) + " %",
}


def staircase_parts(interventions: pd.DataFrame, assumptions: pd.DataFrame, parts):
    """The parts of ``budget_summary`` / ``budget_by_group`` for :func:`_deviation_rows`: for a
    year, each of ``parts`` (names of :data:`STAIRCASE_PARTS` and/or ``GROUP_TOTAL``) with its
    interventions (a mask) and its budget (:func:`group_budgets`)."""
    steps = interventions["step"].astype(int).to_numpy() if len(interventions) else np.array([], dtype=int)

    def of_year(year, _cost):
        budgets = group_budgets(assumptions, year)
        return [
            (
                group,
                np.ones(len(interventions), bool) if group == GROUP_TOTAL else np.isin(steps, STAIRCASE_PARTS[group]),
                budgets[group],
            )
            for group in parts
        ]

    return of_year


def intervention_parts(interventions: pd.DataFrame, by: str) -> pd.Series:
    """Each intervention's district or provider group (:func:`part_of`); all :data:`NOT_STATED`
    when ``interventions`` has no such column."""
    column = interventions[by] if by in interventions else pd.Series(pd.NA, index=interventions.index, dtype=object)
    return part_of(column, by)


def split_parts(interventions: pd.DataFrame, assumptions: pd.DataFrame, by: str):
    """The parts of ``budget_by_district`` / ``budget_by_provider`` for :func:`_deviation_rows`:
    for a year, each district (or provider group) that has a budget or spending, its
    interventions and its budget (:func:`part_budgets`; NaN for a part without a budget row,
    among them the interventions that do not state it), then «I alt» (:func:`year_budget`
    through :func:`group_budgets`). The parts of a year sum to its total."""
    part = intervention_parts(interventions, by).to_numpy()
    stated = bool((part != NOT_STATED[by]).any())

    def of_year(year, cost):
        budgets = part_budgets(assumptions, year, by)
        if budgets is None or (len(part) and not stated):
            # no budget per part, or interventions that never say theirs: every part would
            # show its whole budget unspent
            return []
        spent = set(part[cost.to_numpy() > 0])
        names = sorted(set(budgets) | spent, key=lambda g: (g == NOT_STATED[by], g))
        total = group_budgets(assumptions, year)[GROUP_TOTAL]
        return [(g, part == g, budgets.get(g)) for g in names] + [
            (GROUP_TOTAL, np.ones(len(interventions), bool), total)
        ]

    return of_year


def _deviation_rows(name: str, interventions: pd.DataFrame, years, period_end, parts_of_year, concepts=True):
    """The rows of a table of budget against spending per year and part (``parts_of_year``:
    (year, the interventions' cost in the year) -> [(part, mask of its interventions, budget
    or None)]), with the cells and
    statistics they rest on and, when ``concepts``, the concepts of the period's last year in
    all: the one computation behind ``budget_summary`` (all only), ``budget_by_group``,
    ``budget_by_district`` and ``budget_by_provider``. The spending of a part is the sum of its
    interventions' amounts in the year (the same measure as the variance table's steps), so a
    part, its steps and the total are protected as one."""
    years = [int(y) for y in years]
    rows, cells, stats, concept_cells = [], [], [], []
    last = pd.Timestamp(period_end).year
    for year in years:
        cost = cost_in(interventions, f"{year}-01-01", f"{year}-12-31").reindex(interventions.index, fill_value=0.0)
        measure = cost_measure(f"{year}-01-01", f"{year}-12-31")
        for group, part, budget in parts_of_year(year, cost):
            spending = float(cost[part].sum())
            deviation = deviation_pct(budget, spending)
            i = len(rows)
            rows.append(
                {
                    "year": year,
                    "group": group,
                    "budget": np.nan if budget is None else budget,
                    "spending": spending,
                    "deviation_pct": deviation,
                    "precision_pct": abs(deviation),
                }
            )
            paying = part & (cost.to_numpy() > 0)
            children = interventions.loc[paying, "person_id"].nunique()
            cells.append(
                Cell(name, i, "spending", "intervention", paying_ids(cost[part]), spending, measure, base_n=children)
            )
            stats += [
                Statistic(name, i, c, ((name, i, "spending"),), children) for c in ("deviation_pct", "precision_pct")
            ]
            if concepts and year == last and group == GROUP_TOTAL:
                concept_cells += [
                    ("budget_year", TOTAL, i, "budget"),
                    ("spending_committed_year", TOTAL, i, "spending"),
                    ("budget_deviation_pct", TOTAL, i, "deviation_pct"),
                    ("budget_precision_pct", TOTAL, i, "precision_pct"),
                ]
    table = pd.DataFrame(rows, columns=["year", "group", "budget", "spending", "deviation_pct", "precision_pct"])
    return table, cells, stats, concept_cells


def _deviation_spec(name, table, cells, stats, concepts, *, priority, caption, source, group_label=None) -> TableSpec:
    """A table of budget against spending per year (and part, under ``group_label``; without
    one the ``group`` column is dropped) as every deviation table shows it."""
    labels = DEVIATION_LABELS if group_label is None else {**DEVIATION_LABELS, "group": group_label}
    # the amounts under one spanner, also the income a provider split may have
    spanners = {label: [c for c in table.columns if c in columns] for label, columns in DEVIATION_SPANNERS.items()}
    return TableSpec(
        name,
        table.drop(columns="group") if group_label is None else table,
        cells,
        stats,
        priority=priority,
        caption=caption,
        spanners=spanners,
        labels=labels,
        formats=DEVIATION_FORMATS,
        source=source,
        concepts=concepts,
    )


def summary_spec(interventions: pd.DataFrame, assumptions: pd.DataFrame, years, period_end) -> TableSpec:
    """``budget_summary``: per year the budget, the spending (for the period's last year:
    spending + the measures granted by its end, to their recorded ends), and the budget
    deviation and precision in % as VIVE measures them (positive = mindreforbrug): the
    «I alt» rows of ``budget_by_group``, the same cells."""
    name = "budget_summary"
    parts = staircase_parts(interventions, assumptions, [GROUP_TOTAL])
    return _deviation_spec(
        name,
        *_deviation_rows(name, interventions, years, period_end, parts),
        priority=6,
        caption="Budgetafvigelse og budgetpræcision pr. år",
        source=(
            "Budgetafvigelse som VIVE opgør den: (budget − forbrug) / budget; positiv = mindreforbrug, "
            "negativ = merforbrug. Budgetpræcision: afvigelsen uanset retning."
        ),
    )


def group_spec(interventions: pd.DataFrame, assumptions: pd.DataFrame, years, period_end) -> TableSpec:
    """``budget_by_group``: per year the preventive measures (steps 1-3) and the placements
    (steps 4-6) each against their own budget, and in all (seed 002: the spending on each
    area against its budget, and the forecast for it): budget, spending (for the period's
    last year with the measures granted by its end, as ``budget_summary``), deviation and
    precision with VIVE's sign (:func:`_deviation_rows`). A part's budget is that of its
    steps' rows; rows given per measure group count in the total only."""
    name = "budget_by_group"
    parts = staircase_parts(interventions, assumptions, [*STAIRCASE_PARTS, GROUP_TOTAL])
    return _deviation_spec(
        name,
        *_deviation_rows(name, interventions, years, period_end, parts),
        priority=5,
        caption="Forebyggende indsatser og anbringelser hver mod sit budget pr. år",
        group_label="Område",
        source=(
            "Socialstyrelsens nøgletal (seed 002): samlet forbrug på anbringelsesområdet og det forebyggende "
            "område hver mod sit budget. Et områdes budget er budgetforudsætningerne for dets trin; "
            "budgetrækker pr. indsatsgruppe indgår kun i «I alt»."
        ),
    )


#: The budget's two optional splits (contract v1.3): table, the column of ``budget_assumptions``
#: and ``interventions`` it follows, the part's label, the caption, the source, and the concepts
#: of the period's last year per part.
SPLITS = {
    "district": (
        "budget_by_district",
        "Distrikt",
        "Budget og forbrug pr. distrikt pr. år",
        "KORA's analyse for Aalborg Kommune følger budgettet pr. distrikt; et distrikts budget er "
        "budgetforudsætningerne med dets navn i kolonnen district.",
        ("budget_year_by_district", "spending_committed_by_district"),
    ),
    "provider_type": (
        "budget_by_provider",
        "Leverandør",
        "Egne foranstaltninger og køb hver mod sit budget pr. år",
        "Socialstyrelsens nøgletal (seed 002): egne foranstaltninger og køb af foranstaltninger hos andre "
        "kommuner, regioner og private leverandører, hver holdt op imod sit budget. Køb er leverandørtyperne "
        "privat, anden kommune og region.",
        ("budget_year_by_provider", "spending_committed_by_provider"),
    ),
}


def split_spec(interventions: pd.DataFrame, assumptions: pd.DataFrame, years, period_end, by: str):
    """``budget_by_district`` / ``budget_by_provider``: per year each district (or own measures
    against bought ones) against its own budget, and in all, as ``budget_by_group``. None when
    no year of the period has a budget split that way in every row (the page says so)."""
    name, label, caption, source, (budget_concept, spending_concept) = SPLITS[by]
    parts = split_parts(interventions, assumptions, by)
    table, cells, stats, _ = _deviation_rows(name, interventions, years, period_end, parts, concepts=False)
    if table.empty:
        return None
    last = pd.Timestamp(period_end).year
    concepts = [
        (concept, group, i, column)
        for i, (year, group) in enumerate(zip(table["year"], table["group"]))
        if year == last and group != GROUP_TOTAL
        for concept, column in ((budget_concept, "budget"), (spending_concept, "spending"))
        if not (column == "budget" and pd.isna(table.at[i, "budget"]))
    ]
    if by == "provider_type":  # seed 002: own measures with the income from places they sell
        income = {int(y): part_income(assumptions, int(y), by) for y in set(table["year"])}
        if any(income.values()):
            values = [(income[int(y)] or {}).get(g, np.nan) for y, g in zip(table["year"], table["group"])]
            table.insert(table.columns.get_loc("spending") + 1, "income", values)
            concepts += [
                ("income_year", GROUP_TOTAL, i, "income")
                for i, (year, group) in enumerate(zip(table["year"], table["group"]))
                if year == last and group == GROUP_TOTAL and not pd.isna(table.at[i, "income"])
            ]
            source += " Indtægter: budgetforudsætningernes kolonne income (kommunens regnskab, fx salg af pladser)."
    return _deviation_spec(
        name, table, cells, stats, concepts, priority=5, caption=caption, source=source, group_label=label
    )


def missing_splits_da(report) -> list[str]:
    """Danish notes on the budget splits: which column of ``budget_assumptions`` would give a
    split the budget does not have, the period's years left out (a budget row without the part),
    interventions that do not state theirs, and districts with a budget and no interventions
    (a name spelt otherwise than in ``interventions``)."""
    assumptions = report.rows("budget_assumptions")
    interventions = known_at(report.rows("interventions"), report.period_end)
    notes = []
    for by, (what, one, each) in {
        "district": ("distrikter", "distrikt", "de enkelte distrikter"),
        "provider_type": ("egne foranstaltninger og køb", "leverandør", "egne foranstaltninger eller køb"),
    }.items():
        if not split_by(assumptions, by):
            notes.append(
                f"Budgetforudsætningerne er ikke fordelt på {what} (kolonnen {by} i budget_assumptions), "
                f"så forbruget kan ikke holdes op mod et budget for hver af dem."
            )
            continue
        parts = intervention_parts(interventions, by)
        if len(parts) and (parts == NOT_STATED[by]).all():
            notes.append(
                f"Budgettet er fordelt på {what}, men indsatserne oplyser ikke deres {one} (kolonnen {by} i "
                f"interventions), så forbruget kan ikke fordeles."
            )
            continue
        years = budget_years(report)
        budgets = {y: part_budgets(assumptions, y, by) for y in years}
        unsplit = [y for y, of_year in budgets.items() if of_year is None]
        if unsplit:
            notes.append(
                f"Budgetforudsætningerne for {years_da(unsplit)} er ikke fordelt på {what} i alle rækker; en "
                f"række uden {one} kan høre til dem alle. Derfor er {'året' if len(unsplit) == 1 else 'de år'} "
                f"ikke med i fordelingen."
            )
        if (parts == NOT_STATED[by]).any() and len(unsplit) < len(years):
            notes.append(
                f"Indsatser uden oplyst {one} står i rækken «{NOT_STATED[by]}» uden budget. Deres forbrug "
                f"indgår kun i «I alt», ikke i afvigelsen for {each}."
            )
        if by == "district":
            # a year's split names only stated parts (part_budgets: else no split)
            unknown = sorted({name for of_year in budgets.values() for name in of_year or {}} - set(parts))
            if unknown:
                names = ", ".join(f"«{d}»" for d in unknown)
                notes.append(
                    f"{'Distriktet' if len(unknown) == 1 else 'Distrikterne'} {names} har et budget, men ingen "
                    f"indsatser i data; står navnet stavet som i interventions?"
                )
    return notes


def specs(report) -> list[TableSpec]:
    years = budget_years(report)
    if not years:
        return []
    interventions = known_at(report.rows("interventions"), report.period_end)
    assumptions = report.rows("budget_assumptions")
    return [
        variance_spec(interventions, assumptions, years),
        summary_spec(interventions, assumptions, years, report.period_end),
        group_spec(interventions, assumptions, years, report.period_end),
        *([spec] if (spec := accounts_spec(interventions, assumptions, years, report.period_end)) is not None else []),
        *[
            spec
            for by in SPLITS
            if split_by(assumptions, by)
            and (spec := split_spec(interventions, assumptions, years, report.period_end, by)) is not None
        ],
    ]


def years_da(years) -> str:
    """2014, 2015 og 2016."""
    years = [str(y) for y in years]
    return years[0] if len(years) == 1 else ", ".join(years[:-1]) + " og " + years[-1]


def year_heading(report, year: int) -> str:
    """A year's heading: whether the year is whole in the period or a forecast from the
    measures granted by the period's end."""
    end = report.period_end
    if year < end.year or (end.month, end.day) == (12, 31):
        return f"{year}: hele året"
    return (
        f"{year}: forbrug + disponerede indsatser pr. {date_da(end)} "
        "(bevilgede indsatser til deres registrerede slutdato, uden slutdato året ud)"
    )


def rows_of(variance, year: int) -> list[int]:
    """The rows of one year in the published variance table."""
    return [i for i, y in enumerate(variance.data["year"]) if int(y) == int(year)]


def key_messages(variance, year: int, summary=None, period_end=None) -> list[str]:
    """Key messages in Danish for one year from the *published* tables: the deviation from
    the summary (the year's whole budget against spending, in kr. and in % with VIVE's sign,
    named in words), the volume and price split from the variance table. A year still running
    at ``period_end`` is said to be as of that day, with no new measures for the rest of it."""

    def mio(v):
        return f"{num_da(v / 1e6)} mio. kr."

    def signed(v):
        return f"{num_da(v / 1e6, sign=True)} mio. kr."

    mine = rows_of(variance, year)
    steps_of = variance.data["step"].tolist()
    total = next(i for i in mine if steps_of[i] == "I alt")
    lines = []
    end = None if period_end is None else pd.Timestamp(period_end)
    running = end is not None and end.year == int(year) and (end.month, end.day) != (12, 31)
    what = (
        f"forbrug og disponerede indsatser pr. {date_da(end)} (uden nye indsatser resten af året)"
        if running
        else "forbruget"
    )
    at = [i for i, y in enumerate(summary.data["year"]) if int(y) == int(year)] if summary is not None else []
    budget = summary.value(at[0], "budget") if at else None
    spending = summary.value(at[0], "spending") if at else None
    pct = summary.value(at[0], "deviation_pct") if at else None
    deviation = variance.value(total, "total_deviation")
    verb = "giver" if running else "gav"
    if budget is not None and spending is not None and pct is not None and not np.isnan(pct):
        if budget == spending:
            lines.append(f"For {year} {verb} {what} præcis budgettet.")
        else:
            lines.append(
                f"For {year} {verb} {what} et {direction_da(pct)} på {mio(abs(budget - spending))}: en "
                f"budgetafvigelse på {num_da(pct, 1, sign=True)} % (VIVE regner mindreforbrug positivt og "
                "merforbrug negativt)."
            )
    elif deviation is not None:
        word = "merforbrug" if deviation > 0 else "mindreforbrug"
        lines.append(f"For {year} {verb} {what} et {word} på {mio(abs(deviation))} i forhold til trinenes budget.")
    if deviation is not None:
        volume, price = variance.value(total, "volume_effect"), variance.value(total, "price_effect")
        if volume is not None and price is not None:
            lines.append(
                f"{'Flere' if volume > 0 else 'Færre'} indsatser end budgetteret (volumen) "
                f"{'øger' if volume > 0 else 'sænker'} forbruget med {mio(abs(volume))}, og en "
                f"{'højere' if price > 0 else 'lavere'} gennemsnitspris end budgetteret (pris) "
                f"{'øger' if price > 0 else 'sænker'} det med {mio(abs(price))}."
            )
    steps = [(i, variance.value(i, "total_deviation")) for i in mine if i != total]
    steps = [(i, d) for i, d in steps if d is not None]
    if steps:
        i, d = max(steps, key=lambda item: abs(item[1]))
        lines.append(
            f"Den største afvigelse blandt de viste trin i {year} er på trin {steps_of[i]}: {signed(d)} "
            "(+ = merforbrug) "
            f"(volumen {signed(variance.value(i, 'volume_effect'))}, pris {signed(variance.value(i, 'price_effect'))})."
        )
    return lines


def waterfall_rows(variance, year: int) -> pd.DataFrame:
    """The published steps of one year for the waterfall figure; withheld steps are pooled
    into one bar (their sum follows from the published total anyway, and protection
    withholds at least two steps or none)."""
    mine = rows_of(variance, year)
    data, mask = variance.data.iloc[mine], variance.mask.iloc[mine]
    total = data["step"] == "I alt"
    steps = data[~total & ~mask["total_deviation"]].copy()
    hidden = data[~total & mask["total_deviation"]]
    if len(hidden) and not mask.loc[total, "total_deviation"].any():
        rest = data.loc[total].iloc[0][["budget_cost", "actual_cost", "volume_effect", "price_effect"]].astype(float)
        rest = rest - steps[["budget_cost", "actual_cost", "volume_effect", "price_effect"]].astype(float).sum()
        steps = pd.concat([steps, pd.DataFrame([{"step": "øvrige", **rest.to_dict()}])], ignore_index=True)
    for c in ("budget_cost", "actual_cost", "volume_effect", "price_effect"):
        steps[c] = steps[c].astype(float).fillna(np.nan)
    return steps
