"""The staircase page: the tables it publishes, the children behind each count, and its
key messages (computed in :mod:`helpers.analyses.staircase`).

All counts are of children (unit ``child``: the pseudonymised ``person_id``) of the
municipality, so the flow table, the transitions, the movement shares, their breakdowns,
the numbers in the key messages and the key figures of the other children's pages form
one linked system for protection.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from ...analyses import durations, key_figures
from ...analyses.staircase import (
    BREAKDOWNS,
    DIRECTION_LABELS,
    FLOW_COLUMNS,
    ROW_TOTAL,
    STEP_GROUP_LABELS,
    STEP_GROUPS,
    analyse,
    direction,
)
from ..disclosure import Cell, Statistic, TableSpec, count_cells, statistics
from ..formats import count_da, date_da, num_da, pct1_da, pct_da, plural_da

UNIT = "child"
#: How the movement-share tables are shown on the page (the CSV keeps raw values).
SHARE_FORMATS = {"share": pct1_da, "ci_low": pct1_da, "ci_high": pct1_da, "direction": lambda d: DIRECTION_LABELS[d]}
SHARE_STATISTICS = ("share", "ci_low", "ci_high")
ROW_LABEL = "Trin i starten"


def child_units(result) -> pd.DataFrame:
    """One row per child active on t0 or t1: its steps, direction and attributes."""
    units = result.steps.rename(columns={"person_id": "unit_id"}).copy()
    units["direction"] = direction(units["from_step"], units["to_step"])
    units["step_group"] = units["from_step"].map(STEP_GROUPS)
    return units


def _flow_members(units: pd.DataFrame, label: str, column: str) -> np.ndarray:
    """The children in one cell of KORA's flow table."""
    f, t = units["from_step"], units["to_step"]
    if label == ROW_TOTAL:
        row = f >= 1 if column in ("Unikke cpr", "Ned ad trappen", "Ophørte") else pd.Series(True, index=units.index)
        start = f
    else:
        a = int(label.split(".")[0])
        row, start = f == a, pd.Series(a, index=units.index)
    col = {
        "Unikke cpr": pd.Series(True, index=units.index),
        "Ned ad trappen": t < start,
        "Ophørte": t == 0,
        "Op ad trappen": t > start,
    }.get(column)
    if col is None:
        col = t == int(column)
    return units.loc[row & col, "unit_id"].to_numpy(dtype=object)


#: The flow table's file columns (snake_case, as in ``data/reference/kora_aalborg_flows_2016.csv``;
#: KORA's Danish headings are the page's labels).
FLOW_FILE_COLUMNS = {
    ROW_LABEL: "step_at_start",
    "Unikke cpr": "unique_children",
    "Ned ad trappen": "down",
    "Ophørte": "ended",
    **{str(b): f"to_{b}" for b in range(1, 7)},
    "Op ad trappen": "up",
}


def flow_spec(result, units: pd.DataFrame) -> TableSpec:
    table = result.flow_table.reset_index()
    cells = []
    for i in range(len(table)):
        label = table[ROW_LABEL].iloc[i]
        for column in FLOW_COLUMNS:
            value = table[column].iloc[i]
            if pd.isna(value):
                continue
            members = _flow_members(units, label, column)
            if len(members) != int(value):
                raise ValueError(f"flow_table: {label}, {column}: {value} != {len(members)}")
            cells.append(Cell("flow_table", i, FLOW_FILE_COLUMNS[column], UNIT, members, float(value)))
    return TableSpec(
        "flow_table",
        table.rename(columns=FLOW_FILE_COLUMNS),
        cells,
        priority=10,
        caption="Unikke børn pr. trin",
        labels={file: label for label, file in FLOW_FILE_COLUMNS.items()},
        spanners={"Trin ved periodens slutning": ["ended", *(f"to_{b}" for b in range(1, 7))]},
    )


def transitions_spec(result, units: pd.DataFrame) -> TableSpec:
    t = result.transitions
    cells = count_cells("transitions", t, "children", units, UNIT, ["from_step", "to_step"])
    return TableSpec("transitions", t, cells, priority=9)


def shares_spec(
    shares: pd.DataFrame,
    units: pd.DataFrame,
    name: str,
    by: list[str],
    priority: int,
    caption: str,
    start: str = "from_step",
) -> TableSpec:
    cells = count_cells(name, shares, "children", units, UNIT, [*by, start, "direction"])
    cells += count_cells(name, shares, "n", units, UNIT, [*by, start])
    stats = statistics(name, shares, SHARE_STATISTICS, ["children", "n"])
    halves = start == "step_group"
    return TableSpec(
        name,
        shares,
        cells,
        stats,
        priority=priority,
        caption=caption,
        formats=SHARE_FORMATS | ({"step_group": STEP_GROUP_LABELS.get} if halves else {}),
        labels={"n": "Børn på trinene"} if halves else {},
    )


SUMMARY_FIGURES = {
    "children_t0": "Børn med en indsats ved periodens start",
    "same_step": "– på samme trin ved periodens slutning",
    "moved_down": "– gået ned ad trappen (inkl. ophørte)",
    "ended": "– heraf ophørte",
    "moved_up": "– gået op ad trappen",
    "new_in_period": "Børn uden indsats ved start, med indsats ved slutning",
    "placed_t0": "Anbragte (trin 4–6) ved periodens start",
    "placed_t1": "Anbragte (trin 4–6) ved periodens slutning",
}


def summary_spec(units: pd.DataFrame) -> TableSpec:
    """The numbers of the key messages, as a table of their own (``staircase_summary``)."""
    f, t = units["from_step"], units["to_step"]
    masks = {
        "children_t0": f >= 1,
        "same_step": (f >= 1) & (t == f),
        "moved_down": (f >= 1) & (t < f),
        "ended": (f >= 1) & (t == 0),
        "moved_up": (f >= 1) & (t > f),
        "new_in_period": f == 0,
        "placed_t0": f >= 4,
        "placed_t1": t >= 4,
    }
    rows = [{"figure": k, "children": int(m.sum())} for k, m in masks.items()]
    table = pd.DataFrame(rows)
    total = float(table["children"].iloc[0])
    table["share_of_t0"] = [
        c / total if k in ("same_step", "moved_down", "ended", "moved_up") and total else np.nan
        for k, c in zip(table["figure"], table["children"])
    ]
    name = "staircase_summary"
    cells = [
        Cell(name, i, "children", UNIT, units.loc[m, "unit_id"].to_numpy(dtype=object), float(m.sum()))
        for i, m in enumerate(masks.values())
    ]
    stats = [
        Statistic(name, i, "share_of_t0", ((name, i, "children"), (name, 0, "children")))
        for i in range(len(table))
        if not pd.isna(table["share_of_t0"].iloc[i])
    ]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=8,
        caption="Tallene i hovedbudskaberne",
        formats={"figure": SUMMARY_FIGURES.get, "share_of_t0": pct1_da},
        labels={"share_of_t0": "Andel af børnene ved start"},
    )


NEW_PLACEMENTS = "new_placements"


#: A cross of breakdowns is shown only when it has at least this many children per cell on
#: average: with fewer, many of its cells are 1-4, each withheld with about one more cell
#: besides itself (secondary suppression), and the cross costs more than it shows.
CHILDREN_PER_CELL = 10


def cross_cells(table: pd.DataFrame, by: list[str]) -> dict[tuple[str, ...], int]:
    """Every cross of two or more of the breakdowns ``by`` of ``table`` (tidy, with every
    margin ``I alt``) in which at least two breakdowns have two or more levels (otherwise it
    is a coarser one again), in the order of ``by``, with its number of cells: the product of
    its breakdowns' levels, read from the margin rows."""
    levels = {c: table.loc[table[c] != key_figures.TOTAL, c].nunique() for c in by}
    return {
        cross: int(np.prod([levels[c] for c in cross]))
        for size in range(2, len(by) + 1)
        for cross in combinations(by, size)
        if sum(levels[c] >= 2 for c in cross) >= 2
    }


def small_crosses(table: pd.DataFrame, by: list[str]) -> list[tuple[str, ...]]:
    """The crosses of two or more of the breakdowns ``by`` of ``table`` (tidy, with every
    margin ``I alt``) that are left out, in the order of ``by`` (issue #27: "where a
    breakdown would withhold most cells for a municipality, the page says so and shows the
    coarser level"):

    - a cross with fewer than ``CHILDREN_PER_CELL`` children per cell on average (cells: the
      product of its breakdowns' levels). A finer cross has at least as many cells as each
      cross it contains, so it goes whenever they do (it would give them back). A cross in
      which fewer than two breakdowns have two or more levels is the coarser one again, and
      stays;
    - when the full cross of three breakdowns goes but all three crosses of two would stay,
      the one of those with most cells (the last on a tie): the three together pin cells of
      the full cross (a zero in one gives another's cell exactly), which is then not a table
      the protection sees. With two of them, a cell of the full cross is only ever known
      where it equals a printed cell.

    The decision rests only on the total and on the number of levels of each breakdown,
    never on which cells are small. (The total decides even when it is withheld: the reader
    then learns on which side of a threshold it lies, a range of tens.)"""
    total = table.loc[(table[by] == key_figures.TOTAL).all(axis=1), "children"]
    children = int(total.iloc[0]) if len(total) else 0
    cells = cross_cells(table, by)
    dropped = [cross for cross, n in cells.items() if children < CHILDREN_PER_CELL * n]
    pairs = [cross for cross in cells if len(cross) == 2]
    if len(by) == 3 and tuple(by) in dropped and len(pairs) == 3 and not set(pairs) & set(dropped):
        largest = max(pairs, key=lambda cross: (cells[cross], pairs.index(cross)))
        dropped = sorted([*dropped, largest], key=list(cells).index)
    return dropped


def without_small_crosses(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """``table`` without the rows of its :func:`small_crosses`."""
    detailed = table[by] != key_figures.TOTAL
    keep = np.ones(len(table), dtype=bool)
    for cross in small_crosses(table, by):
        keep &= ~(detailed[list(cross)].all(axis=1) & (detailed.sum(axis=1) == len(cross))).to_numpy()
    return table[keep].reset_index(drop=True)


def new_placements_spec(interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``new_placements``: new placements in the period by placement step, target group and
    age at the start of the placement, with every margin (seed 002's breakdown). Counts of
    distinct children (unit ``child``), so they link with the page's other tables. None
    when no child was placed anew in the period."""
    children = key_figures.new_placement_children(interventions, t0, t1)
    if children.empty:
        return None
    by = list(key_figures.NEW_PLACEMENT_BY)
    table = without_small_crosses(key_figures.new_placements_by_group(children), by)
    units = children.rename(columns={"person_id": "unit_id"})
    total = int(table.index[(table[by] == key_figures.TOTAL).all(axis=1)][0])
    return TableSpec(
        NEW_PLACEMENTS,
        table,
        count_cells(NEW_PLACEMENTS, table, "children", units, UNIT, by),
        priority=3,
        caption="Nye anbringelser i perioden efter trin, målgruppe og alder ved anbringelsens start (børn)",
        formats={"step": key_figures.step_label},
        labels={"step": "Trin", "target_group": "Målgruppe", "age_group": "Alder ved start", "children": "Børn"},
        source="Seed 002 (Socialstyrelsen): nyanbringelser pr. foranstaltningstype, målgruppe og aldersgruppe.",
        concepts=[("new_placement_children", key_figures.TOTAL, total, "children")],
    )


def new_placements_da(table) -> str:
    """What the published breakdown shows: how many children were placed anew, which crosses
    of step, target group and age are not shown (:func:`small_crosses`: those of breakdowns
    with two or more levels that have no rows), and whether the full breakdown is mostly
    withheld (then the margins are what can be read)."""
    data = table.data
    by = list(key_figures.NEW_PLACEMENT_BY)
    total, detail, withheld = None, 0, 0
    crosses = set()
    for i in range(len(data)):
        margins = [data[c].iloc[i] == key_figures.TOTAL for c in by]
        value = table.value(i, "children")
        if all(margins):
            total = value
        elif not any(margins):
            detail += 1
            withheld += value is None
        crosses.add(tuple(c for c, m in zip(by, margins) if not m))
    said = (
        "Antallet af nye anbringelser i perioden er diskretioneret."
        if total is None
        else f"{plural_da(int(total), 'barn', 'børn')} blev anbragt på ny i perioden."
    )
    cells = cross_cells(data, by)
    left_out = [cross for cross in cells if cross not in crosses]
    names = {"step": "trin", "target_group": "målgruppe", "age_group": "alder"}

    def listed(found: list) -> str:
        named = [" × ".join(names[c] for c in cross) for cross in found]
        if len(named) == 1:
            return f"Opdelingen {named[0]} vises"
        return f"Opdelingerne {', '.join(named[:-1])} og {named[-1]} vises"

    # left out although large enough on average: it would give the full cross back
    back = [c for c in left_out if total is not None and total >= CHILDREN_PER_CELL * cells[c]]
    few = [c for c in left_out if c not in back]
    if few:
        said += (
            f" {listed(few)} ikke, fordi der i gennemsnit ville være færre end {CHILDREN_PER_CELL} børn pr. celle, "
            "så mange celler ville være for små til at vises."
        )
    if back:
        said += (
            f" {listed(back)} heller ikke: sammen med de to andre opdelinger to og to ville den give tal i den "
            "fulde opdeling tilbage."
        )
    if left_out:
        said += " Tabellen viser de grovere opdelinger."
    elif detail and withheld / detail > 0.5:
        said += (
            f" {withheld} af de {detail} celler i den fulde opdeling (trin × målgruppe × alder) er for små til at "
            "vises; rækkerne «I alt» viser trin, målgruppe og alder hver for sig."
        )
    return said


DURATIONS = "durations"
#: The unit of each kind of spell (a continuous placement is the key figures' ``placement``).
SPELL_UNITS = {"placement": "placement", "preventive": "preventive_spell"}
KIND_LABELS = {"placement": "Anbringelser", "preventive": "Forebyggende indsatser"}
DURATION_LABELS = {
    "kind": "Indsats",
    "step": "Trin",
    "target_group": "Målgruppe",
    "under_way": "Forløb i perioden",
    "completed": "Heraf afsluttet",
    "mean_days": "Gns. varighed, afsluttede (dage)",
    "min_months": "Korteste (hele måneder)",
    "max_months": "Længste (hele måneder)",
    "median_days": "Median (dage)",
}
#: The durations table's numbers that are concepts of the book, by column.
DURATION_CONCEPTS = {
    "under_way": "duration_spells",
    "completed": "duration_spells_completed",
    "mean_days": "duration_mean_days",
    "min_months": "duration_min_months",
    "max_months": "duration_max_months",
    "median_days": "duration_median_days",
}


def _days_da(v) -> str:
    """Whole days; an interval's open end (the survival curve's bound not reached) in words."""
    return "ikke nået" if np.isinf(v) else num_da(float(v), 0)


def _duration_group(kind: str, step: str, group: str) -> str:
    """The concept group of a durations row: "placement", "placement/trin 5", "placement/udsat"."""
    if step != durations.TOTAL:
        return f"{kind}/trin {step}"
    return kind if group == durations.TOTAL else f"{kind}/{group}"


def _extreme_children(done: pd.DataFrame, months: np.ndarray, value: float) -> int:
    """The children whose completed spell lasted ``value`` whole months: those the shortest
    or longest spell rests on."""
    return int(done.loc[months == value, "person_id"].nunique())


def _protect_spells(name: str, i: int, unit: str, data: pd.DataFrame, table, cells: list, stats: list) -> None:
    """The cells and statistics of row ``i`` of a durations table over the spells ``data``
    under way: the counts are cells over the spells, the mean is protected as the sum of
    days behind it, the median rests on the spells and their children, and the shortest
    and longest each on the children whose spell has that length."""
    done = data[data["ended"]]
    cells.append(Cell(name, i, "under_way", unit, data["spell_id"].to_numpy(dtype=object), float(len(data))))
    cells.append(Cell(name, i, "completed", unit, done["spell_id"].to_numpy(dtype=object), float(len(done))))
    if len(done):
        cells.append(
            Cell(
                name,
                i,
                "mean_days*completed",
                unit,
                done["spell_id"].to_numpy(dtype=object),
                float(done["time"].sum()),
                "duration_days",
                (name, i, "completed"),
                int(done["person_id"].nunique()),
                False,
                ("mean_days", "completed"),
            )
        )
        behind = ((name, i, "completed"), (name, i, "mean_days*completed"))
        stats.append(Statistic(name, i, "mean_days", behind, int(done["person_id"].nunique())))
        months = durations.whole_months(done["time"])
        for column in ("min_months", "max_months"):
            n = _extreme_children(done, months, table[column].iloc[i])
            stats.append(Statistic(name, i, column, ((name, i, "completed"),), n))
    inputs = ((name, i, "under_way"), (name, i, "completed"))
    for column in ("median_days", "ci_low", "ci_high"):
        if not pd.isna(table[column].iloc[i]):
            stats.append(Statistic(name, i, column, inputs, int(data["person_id"].nunique())))


def durations_spec(interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``durations``: the duration of placements and preventive measures (seed 002), per
    kind in all, per step and per target group: spells under way and completed, the mean,
    shortest and longest completed spell and the Kaplan-Meier median with its interval
    (:mod:`helpers.analyses.durations`). The counts are cells over the spells (a continuous
    placement is the key figures' unit ``placement``, so the numbers link); the mean is
    protected as the sum of days behind it; the median rests on the spells and their
    children; the shortest and longest each rest on the children whose spell has that
    length. None when no spell was under way in the period."""
    groups = [g for g in durations.duration_groups(interventions, t0, t1) if len(g[3])]
    if not groups:
        return None
    table = durations.summarised(groups)
    name = DURATIONS
    cells, stats, concepts = [], [], []
    for i, (kind, step, group, data) in enumerate(groups):
        _protect_spells(name, i, SPELL_UNITS[kind], data, table, cells, stats)
        label = _duration_group(kind, step, group)
        concepts += [(concept, label, i, column) for column, concept in DURATION_CONCEPTS.items()]
        if kind == "placement" and step == group == durations.TOTAL:  # the key figures' placement duration
            concepts += [
                ("placements_for_duration", key_figures.TOTAL, i, "under_way"),
                ("placements_ended", key_figures.TOTAL, i, "completed"),
                *(
                    ("placement_duration_days", s, i, c)
                    for s, c in (("median", "median_days"), ("ci_low", "ci_low"), ("ci_high", "ci_high"))
                ),
            ]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=3,
        caption="Varighed af anbringelser og forebyggende indsatser: forløb i perioden, afsluttede forløb og median",
        formats={
            "kind": KIND_LABELS.get,
            "step": key_figures.step_label,
            **dict.fromkeys(("median_days", "ci_low", "ci_high"), _days_da),
        },
        labels=DURATION_LABELS,
        source=(
            "Seed 002 (Socialstyrelsen): anbringelsesvarighed og varighed af forebyggende foranstaltninger "
            "(gennemsnit, korteste og længste; handicappede og socialt udsatte børn; pr. foranstaltningstype)."
        ),
        concepts=concepts,
    )


PLACEMENT_TYPE_DURATIONS = "placement_durations_by_type"


def placement_type_durations_spec(interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``placement_durations_by_type``: the duration of placements per placement type of the
    mapping (VIVE, seed 001: to follow the long institution placements), with the numbers
    and protection of :func:`durations_spec`. A spell that is also a spell of its step has
    the step's unit, so a type that is all of its step is protected with the step's row.
    None when no placement was under way or none names a placement type."""
    groups = [g for g in durations.placement_type_groups(interventions, t0, t1) if len(g[2])]
    if not groups:
        return None
    table = durations.type_summarised(groups)
    name = PLACEMENT_TYPE_DURATIONS
    cells, stats, concepts = [], [], []
    for i, (kind, step, data) in enumerate(groups):
        _protect_spells(name, i, SPELL_UNITS["placement"], data, table, cells, stats)
        label = f"placement/trin {step}/{kind}"
        concepts += [(concept, label, i, column) for column, concept in DURATION_CONCEPTS.items()]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Varighed af anbringelser pr. anbringelsestype: forløb i perioden, afsluttede forløb og median",
        formats={
            "step": key_figures.step_label,
            **dict.fromkeys(("median_days", "ci_low", "ci_high"), _days_da),
        },
        labels={**DURATION_LABELS, "placement_type": "Anbringelsestype"},
        source=(
            "VIVE (seed 001): anbringelsernes varighed pr. anbringelsestype, så de lange anbringelser på "
            "institution kan følges; anbringelsestypen er mappingens (data/measure_steps.csv)."
        ),
        concepts=concepts,
    )


def durations_da(table) -> str:
    """What the durations table lets a reader say: the median duration of placements and of
    preventive measures in all, from the published table (a withheld median is said to be
    so, never estimated)."""
    what = {"placement": "anbringelsesforløbene", "preventive": "forløbene med forebyggende indsatser"}
    said = []
    for i in range(len(table.data)):
        row = table.data.iloc[i]
        if row["step"] != durations.TOTAL or row["target_group"] != durations.TOTAL:
            continue
        median, low, high = (table.value(i, c) for c in ("median_days", "ci_low", "ci_high"))
        if median is None or pd.isna(median):
            said.append(f"Medianvarigheden af {what[row['kind']]} kan ikke vises for perioden.")
            continue
        interval = ""
        if low is not None and high is not None and not pd.isna(low) and not pd.isna(high):
            interval = f" (95 %-konfidensinterval {_days_da(low)}–{_days_da(high)} dage)"
            if np.isinf(high):
                interval = f" (95 %-konfidensinterval fra {_days_da(low)} dage; den øvre grænse er ikke nået)"
        said.append(f"Halvdelen af {what[row['kind']]} varer {_days_da(median)} dage eller kortere{interval}.")
    return " ".join(said)


def specs(report) -> list[TableSpec]:
    """Every table of the staircase page for the report's municipality and period."""
    interventions = report.rows("interventions")
    t0, t1 = report.period_start, report.period_end
    extra = [
        spec
        for spec in (
            new_placements_spec(interventions, t0, t1),
            durations_spec(interventions, t0, t1),
            placement_type_durations_spec(interventions, t0, t1),
        )
        if spec
    ]
    result = analyse(interventions, t0, t1)
    if result.empty:
        return extra
    units = child_units(result)
    out = list(extra)
    out += [
        flow_spec(result, units),
        transitions_spec(result, units),
        shares_spec(
            result.shares,
            units,
            "movement_shares",
            [],
            9,
            "Andel ned/samme/op pr. starttrin med 95 %-konfidensinterval",
        ),
        summary_spec(units),
    ]
    for by, label in BREAKDOWNS.items():
        out.append(
            shares_spec(
                result.shares_by(by),
                units,
                f"movement_shares_by_{by}",
                [by],
                1,
                f"Andel ned/samme/op pr. del af trappen (trin 1–3 og 4–6) og {label.lower()}",
                start="step_group",
            )
        )
    return out


def key_messages(summary, t0, t1) -> list[str]:
    """Key messages in Danish from the *published* summary table (withheld numbers are
    left out of the sentences, never estimated)."""
    v = {f: summary.value(i, "children") for i, f in enumerate(summary.data["figure"])}
    s = {f: summary.value(i, "share_of_t0") for i, f in enumerate(summary.data["figure"])}
    lines = []
    if v["children_t0"]:
        clauses = []
        if s["same_step"] is not None:
            clauses.append(f"var {pct_da(s['same_step'])} på samme trin {date_da(t1)}")
        if s["moved_down"] is not None:
            ended = f" (heraf {count_da(v['ended'])} ophørte)" if v["ended"] is not None else ""
            clauses.append(f"{pct_da(s['moved_down'])} var gået ned ad trappen{ended}")
        if s["moved_up"] is not None:
            clauses.append(f"{pct_da(s['moved_up'])} var gået op")
        if clauses:
            text = clauses[0] if len(clauses) == 1 else ", ".join(clauses[:-1]) + ", og " + clauses[-1]
            lines.append(
                f"Af de {count_da(v['children_t0'])} børn og unge, der havde en indsats {date_da(t0)}, {text}."
            )
    if v["new_in_period"] is not None:
        lines.append(
            f"{count_da(v['new_in_period'])} børn og unge uden indsats ved periodens start havde en indsats "
            "ved periodens slutning."
        )
    if v["placed_t0"] is not None and v["placed_t1"] is not None:
        lines.append(
            f"Antallet af anbragte børn og unge (trin 4–6) var {count_da(v['placed_t0'])} ved periodens "
            f"start og {count_da(v['placed_t1'])} ved periodens slutning."
        )
    return lines
