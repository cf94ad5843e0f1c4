"""The key-figure catalogue as published: the ``key_figures`` table, the district and
case-worker tables, and notifications and new cases by age, with the units behind every
count and amount (computed in :mod:`helpers.analyses.key_figures`).

Units: ``child`` (pseudonymised person id), ``placement`` (a continuous placement or a new
placement: child and start date), ``event`` (a case event) and ``intervention`` (an
intervention row, for amounts). The placement-duration median and its interval are
statistics resting on the placements counted and on those that ended."""

from __future__ import annotations

import pandas as pd

from ...analyses.key_figures import (
    EVENT_LABELS,
    PLACEMENT_DISTRICT_BY,
    PUBLISHED_COLUMNS,
    TOTAL,
    case_event_ages,
    case_events_by_age,
    children_by_district,
    cost_measure,
    deadline_events,
    deadlines_by_type,
    district_figures,
    district_units,
    placed_of,
    placements_by_district,
    step_label,
)
from .. import concepts
from ..disclosure import Cell, Statistic, TableSpec, amount_cells, count_cells, statistics
from ..formats import num_da, pct1_da

#: Each figure of the table is a concept of the book (its label, unit and definition are in
#: the registry, :mod:`..concepts`).
FIGURE_LABELS = {key: concepts.label_with_unit(key) for key in concepts.registry()}


def _value_da(v) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", ".")
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.2f}".replace(".", ",")


def tidy_declarations(name: str, frame: pd.DataFrame, keys: list[str]) -> tuple[list[Cell], list[Statistic]]:
    """The cells and statistics of a tidy figures table (one ``value`` a row, with its
    ``kind``, ``unit``, ``members``, ``measure``, ``n`` and, for a statistic, the ``inputs``:
    the ``keys`` of the rows it is computed from)."""
    rows = {k: i for i, k in enumerate(zip(*(frame[c] for c in keys)))}
    cells, stats = [], []
    for i, r in enumerate(frame.itertuples(index=False)):
        if pd.isna(r.value):
            continue
        n = None if pd.isna(r.n) else int(r.n)
        if r.kind == "count":
            cells.append(Cell(name, i, "value", r.unit, r.members, r.value))
        elif r.kind == "amount":
            cells.append(Cell(name, i, "value", r.unit, r.members, r.value, r.measure, base_n=n))
        elif r.kind == "statistic":
            stats.append(Statistic(name, i, "value", tuple((name, rows[k], "value") for k in r.inputs), n))
    return cells, stats


def key_figures_spec(figures: pd.DataFrame, caption: str = "") -> TableSpec:
    """``key_figures``: the six tidy columns; each count and amount is a cell over its units,
    each statistic rests on the rows it is computed from and on its number of children."""
    name = "key_figures"
    table = figures[PUBLISHED_COLUMNS].reset_index(drop=True)
    cells, stats = tidy_declarations(name, figures, ["figure", "group"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=7,
        caption=caption,
        show=["figure", "group", "value"],
        formats={"figure": lambda v: FIGURE_LABELS.get(v, v), "value": _value_da},
        concepts=[(f, g, i, "value") for i, (f, g) in enumerate(zip(table["figure"], table["group"]))],
    )


def _kr(v) -> str:
    return num_da(float(v), 0)


DISTRICT_FORMATS = {
    "placed_share": pct1_da,
    "placed_share_ci_low": pct1_da,
    "placed_share_ci_high": pct1_da,
    "spending": _kr,
    "spending_per_child": _kr,
}


def district_spec(interventions, case_events, t0, t1, by: str, caption: str) -> TableSpec:
    """``<by>_figures`` (district or case worker) with the children, events and
    interventions behind each number."""
    name = f"{by}_figures"
    table = district_figures(interventions, case_events, t0, t1, by)
    units = district_units(interventions, case_events, t0, t1, by)
    children = units["children"]
    cells = count_cells(name, table, "children", children, "child", [by])
    cells += count_cells(name, table, "placed", units["placed"], "child", [by])
    cells += count_cells(name, table, "preventive", units["preventive"], "child", [by])
    cells += count_cells(name, table, "children_with_spending", units["paying"], "child", [by])
    if "notifications" in table:
        cells += count_cells(name, table, "notifications", units["notifications"], "event", [by])
    cells += amount_cells(
        name,
        table,
        "spending",
        units["interventions"],
        "intervention",
        "cost",
        [by],
        base_column="children_with_spending",
        measure=cost_measure(t0, t1),
    )
    stats = statistics(
        name, table, ["placed_share", "placed_share_ci_low", "placed_share_ci_high"], ["placed", "children"]
    )
    stats += statistics(name, table, ["spending_per_child"], ["spending", "children_with_spending"])
    return TableSpec(
        name, table, cells, stats, priority=2 if by == "district" else 1, caption=caption, formats=DISTRICT_FORMATS
    )


PLACEMENTS_BY_DISTRICT = "placements_by_district"


def placements_by_district_spec(interventions: pd.DataFrame, t1) -> TableSpec | None:
    """``placements_by_district``: children placed at the period end per district, by
    placement step and by age group (:func:`helpers.analyses.key_figures.placements_by_district`).
    Counts of distinct children (unit ``child``), so that they link with the district
    figures (a district's «I alt» is its ``placed``) and the other pages. None when no
    child is placed at the period end."""
    children = children_by_district(interventions, t1)
    placed = placed_of(children)
    if placed.empty:
        return None
    table = placements_by_district(children)
    units = placed.rename(columns={"person_id": "unit_id"})
    # the municipality's rows are the key figures' concepts (one number per concept: by step
    # and by age); each district's «I alt» is the placed children of the district
    concepts = []
    for row, (district, step, age) in enumerate(table[list(PLACEMENT_DISTRICT_BY)].itertuples(index=False)):
        if district != TOTAL and step == age == TOTAL:
            concepts.append(("placed_by_district", district, row, "children"))
        elif district == TOTAL and age == TOTAL:
            concepts.append(("placed_children", step_label(step), row, "children"))
        elif district == TOTAL and step == TOTAL:
            concepts.append(("placed_by_age_group", age, row, "children"))
    return TableSpec(
        PLACEMENTS_BY_DISTRICT,
        table,
        count_cells(PLACEMENTS_BY_DISTRICT, table, "children", units, "child", list(PLACEMENT_DISTRICT_BY)),
        priority=1,
        caption="Anbragte børn ved periodens slutning pr. distrikt efter trin og alder",
        formats={"step": step_label},
        labels={"district": "Distrikt", "step": "Trin", "age_group": "Alder", "children": "Børn"},
        concepts=concepts,
        source=(
            "KORA (seeds/000): Aalborgs månedlige ledelsesinformation pr. distrikt – anbringelser efter type og alder; "
            "typen er her trinnet (4 netværkspleje, 5 plejefamilie, 6 institution: opholdssted og døgninstitution)."
        ),
    )


def placements_by_district_da(table) -> str:
    """What the published table lets a reader see: how many of its district cells (a step or
    an age group in a district) are withheld, and where to look when most are."""
    data = table.data
    detail = [
        i
        for i in range(len(data))
        if data["district"].iloc[i] != TOTAL and (data["step"].iloc[i] != TOTAL or data["age_group"].iloc[i] != TOTAL)
    ]
    withheld = sum(table.value(i, "children") is None for i in detail)
    said = (
        "Tabellen viser de anbragte børn ved periodens slutning i hvert distrikt, fordelt på trin og på alder "
        "hver for sig."
    )
    if detail and withheld / len(detail) > 0.5:
        said += (
            f" {withheld} af de {len(detail)} celler for et trin eller en aldersgruppe i et distrikt vises ikke af "
            "hensyn til diskretionen; rækkerne «I alt» viser hvert distrikt samlet og trin og alder for hele kommunen."
        )
    return said


def case_events_age_spec(interventions, case_events, t0, t1) -> TableSpec | None:
    """``case_events_by_age``: notifications and new cases in the period by the child's age
    on the day (:func:`helpers.analyses.key_figures.case_events_by_age`); the events are
    the key figures' own, so the two tables are protected together."""
    units = case_event_ages(interventions, case_events, t0, t1)
    if units.empty:
        return None
    name = "case_events_by_age"
    table = case_events_by_age(units)
    cells = count_cells(name, table, "events", units, "event", ["event_type", "age_group"])
    # the key figures' concept: its group is the event type's label ("Underretninger"), so
    # the "I alt" rows must equal the key figures' counts; age rows are groups of their own
    groups = [
        EVENT_LABELS[e] + ("" if a == TOTAL else f", {a}") for e, a in zip(table["event_type"], table["age_group"])
    ]
    concepts = [("case_events", g, i, "events") for i, g in enumerate(groups)]
    return TableSpec(
        name,
        table,
        cells,
        priority=1,
        caption="Underretninger og nye sager i perioden efter barnets alder",
        formats={"event_type": lambda e: EVENT_LABELS.get(e, e)},
        labels={"event_type": "Hændelse", "age_group": "Alder på dagen", "events": "Antal"},
        source=(
            "Kommunens sagshændelser; alderen er barnets alder den dag, med fødselsdatoen fra barnets indsatser "
            "(«Ukendt» for et barn uden indsatser). Seed 002: antal nye sager og underretninger opdelt på "
            "aldersgrupper."
        ),
        concepts=concepts,
    )


def deadlines_spec(case_events, t0, t1) -> TableSpec | None:
    """``deadlines_by_type``: statutory deadlines kept per deadline type
    (:func:`helpers.analyses.key_figures.deadlines_by_type`), with the share kept and its
    95 % Wilson interval. The events are the key figures' own, so the tables are protected
    together, and the investigations' row carries the key figures' concepts."""
    units = deadline_events(case_events, t0, t1)
    if units.empty:
        return None
    name = "deadlines_by_type"
    table = deadlines_by_type(units)
    cells = count_cells(name, table, "events", units, "event", ["event_type"])
    cells += count_cells(name, table, "within_deadline", units[units["met"]], "event", ["event_type"])
    stats = statistics(name, table, ["share", "ci_low", "ci_high"], ["within_deadline", "events"], table["events"])
    concepts = [
        (concept, TOTAL, i, column)
        for i in table.index[table["event_type"] == "børnefaglig_undersøgelse"]
        for concept, column in (
            ("investigations_with_deadline", "events"),
            ("investigations_within_deadline", "within_deadline"),
            ("investigations_within_deadline_share", "share"),
        )
    ]
    concepts += [
        (concept, EVENT_LABELS.get(e, e), i, column)
        for i, e in enumerate(table["event_type"])
        for concept, column in (
            ("events_with_deadline", "events"),
            ("events_within_deadline", "within_deadline"),
            ("events_within_deadline_share", "share"),
        )
    ]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Lovbestemte frister overholdt i perioden efter fristtype",
        formats={"event_type": lambda e: EVENT_LABELS.get(e, e)},
        labels={
            "event_type": "Hændelse",
            "deadline": "Frist",
            "events": "Med registreret frist",
            "within_deadline": "Inden for fristen",
            "share": "Andel inden for fristen",
        },
        source=(
            "Kommunens sagshændelser, hvor det er registreret, om fristen blev holdt (kolonnen for overholdt "
            "frist); hændelser uden registrering tæller ikke med. Fristerne kan ikke lægges sammen til ét tal. "
            "Seed 002: sagsbehandlingsfrister overholdt, opdelt på fristtyper."
        ),
        concepts=concepts,
    )
