"""The prices page (§85/§107): the tables it publishes with the adult cases behind every
count, and its key messages (computed in :mod:`helpers.analyses.prices`).

Units: ``case`` (each case's first registration, for the cases with a registration in the
period: KL's figures 3.1-3.3 and 3.13-3.16) and ``registration`` (a follow-up, identified by
its later registration). Tables: ``registrations_per_case`` (figure 2.1),
``service_and_provider`` (the §85/§107 split and the provider types, all municipalities
together, as KL gives them),
``price_by_*`` (3.13-3.16), ``municipality_differences_*`` (the adjusted comparison, without
counts: beside ``price_by_municipality`` they would give the cases the model leaves out),
``vum_change_1_2`` and ``vum_change_2_3`` (3.4 and 3.5), ``income_basis`` (3.6/3.7),
``months_between`` (3.8) and København's published letters. A mean is published with its count, so
the sum behind it is an implied amount cell (``measure``, ``vum`` or ``months``). The tables
count nested sets of the same cases (every case; those with a price or hours; those with a
VUM score too; those in the model), so each breakdown's rest, what its total lacks, is a
cell that is not printed (:func:`declare_rests`).
"""

from __future__ import annotations

import pandas as pd

from ...analyses import adults, prices
from ...analyses.prices import STATISTICS, describe_by, municipality_differences
from ...data import municipalities
from ..disclosure import Cell, Statistic, TableSpec, amount_cells, count_cells, rest_cells, statistics
from ..formats import count_da, num_da, pct1_da, pct_da, plural_da

CASE, REGISTRATION = "case", "registration"
DIRECTIONS = ("forbedret", "uændret", "forværret")


def municipality_label(code) -> str:
    """A municipality's name and code ("I alt" as it is)."""
    if str(code) == "I alt":
        return "I alt"
    return f"{municipalities.name(int(code))} ({int(code)})"


def share_of_total(name: str, table: pd.DataFrame) -> list:
    """The ``share`` of each row's ``cases`` in the total (the last row, «I alt»): withheld
    when either count is."""
    total = len(table) - 1
    stats = statistics(name, table, ["share"], ["cases"])
    for st in stats:
        st.inputs = (*st.inputs, (name, total, "cases"))
    return stats


def describe_spec(units: pd.DataFrame, by: str, name: str, caption: str, priority: int = 3, **kw) -> TableSpec:
    """A :func:`~helpers.analyses.prices.describe_by` table: cases per service and group,
    the sum behind each mean, and the statistics that rest on them."""
    table = describe_by(units, [by])
    data = units.dropna(subset=["measure", by]).assign(unit_id=lambda d: d["case_unit"])
    keys = ["service", by]
    cells = count_cells(name, table, "cases", data, CASE, keys)
    sums = amount_cells(name, table, "mean", data, CASE, "measure", keys, base_column="cases", mean_of="measure")
    stats = statistics(name, table, ["mean"], ["cases", "mean*cases"])
    stats += statistics(name, table, [s for s in STATISTICS if s != "mean"], ["cases"])
    return TableSpec(name, table, cells + sums, stats, priority=priority, caption=caption, **kw)


def differences_spec(units: pd.DataFrame, service: str) -> TableSpec | None:
    diffs = municipality_differences(units, service)
    if diffs.empty:
        return None
    name = f"municipality_differences_{service.strip('§')}"
    # Neither the model's number of cases (the sum of the rows') nor each municipality's is
    # printed: the model leaves out cases in groups under 5 (and §107 cases without a positive
    # price), so beside price_by_municipality's count of the same municipality's cases a
    # row's count gives back how many were left out, most often 1-4. The effects rest on the
    # row's cases (all at least 5: smaller municipalities are left out of the model).
    # A row for every municipality of the price table: one left out of the model (under 5
    # cases in it) has no estimates, and shows them as withheld when its count in the price
    # table is (the sign must not tell the reader that its count is small); absent, its
    # absence would.
    by_municipality = describe_by(
        units.assign(municipality=units["municipality"].astype(int).astype(str)), ["municipality"]
    )
    own = by_municipality[by_municipality["service"] == service]
    price_rows = dict(zip(own["municipality"].astype(int), own.index))
    diffs = diffs.set_index("municipality").reindex(sorted(price_rows)).rename_axis("municipality").reset_index()
    table = diffs.drop(columns=["n", "cases"])
    effect_columns = [c for c in table.columns if c.startswith(("unadjusted", "adjusted"))]
    stats = statistics(name, table, effect_columns, [], diffs["cases"])
    stats += [
        Statistic(name, row, column, (("price_by_municipality", price_rows[m], "cases"),))
        for row, m in enumerate(table["municipality"])
        if pd.isna(diffs["cases"].iloc[row])
        for column in effect_columns
    ]
    pct = service == "§107"
    fmt = (lambda v: f"{100 * v:+.1f} %".replace(".", ",")) if pct else (lambda v: f"{v:+.1f}".replace(".", ","))
    return TableSpec(
        name,
        table,
        [],
        stats,
        priority=1,
        significant=4,
        caption=f"{service}: forskel fra gennemsnitskommunen, ujusteret og justeret (95 %-interval). "
        "Antal sager pr. kommune: se tabellen efter kommune (modellen udelader grupper med under 5 sager"
        + (" og sager uden positiv dagspris)" if service == "§107" else ")"),
        formats={"municipality": municipality_label, **dict.fromkeys(effect_columns, fmt)},
        labels={
            "unadjusted": "Ujusteret",
            "unadjusted_low": "KI nedre",
            "unadjusted_high": "KI øvre",
            "adjusted": "Justeret",
            "adjusted_low": "KI nedre ",
            "adjusted_high": "KI øvre ",
        },
    )


def vum_change_spec(pairs: pd.DataFrame, from_registration: int) -> TableSpec:
    """``vum_change_1_2`` (figure 3.4) or ``vum_change_2_3`` (3.5)."""
    name = f"vum_change_{from_registration}_{from_registration + 1}"
    table = prices.vum_change(pairs, from_registration)
    data = prices.vum_follow_ups(pairs, from_registration)
    data = data.assign(unit_id=data["registration_unit"], vum_from=data["vum_score_prev"].astype(float).astype(str))
    keyed = table.assign(vum_from=table["vum_from"].astype(float).astype(str))
    cells = []
    for d in DIRECTIONS:
        cells += count_cells(name, keyed, d, data[data["direction"] == d], REGISTRATION, ["vum_from"])
    cells += count_cells(name, keyed, "follow_ups", data, REGISTRATION, ["vum_from"])
    return TableSpec(
        name,
        table,
        cells,
        priority=2,
        caption=f"VUM-score ved {from_registration + 1}. registrering efter score ved {from_registration}. "
        "(lavere = forbedret)",
        labels={"vum_from": f"VUM ved {from_registration}. registrering", "follow_ups": "Opfølgninger"},
    )


def registrations_spec(registrations: pd.DataFrame, start, end) -> TableSpec | None:
    """``registrations_per_case`` (KL's figure 2.1): cases with at least 1, 2, 3 ... registrations."""
    name = "registrations_per_case"
    table = adults.registrations_per_case(registrations, start, end)
    if table.empty:
        return None
    highest = adults.highest_registrations(registrations, start, end)
    unit = highest["municipality"].astype(int).astype(str) + "|" + highest["case_id"].astype(str)
    cells = [
        Cell(name, i, "cases", CASE, unit[highest["registration_no"] >= k].to_numpy(dtype=object), float(n))
        for i, (k, n) in enumerate(zip(table["at_least"], table["cases"]))
    ]
    # the rows are cumulative: one minus the next is the cases with exactly k registrations,
    # a count of its own (not printed)
    for i, k in enumerate(table["at_least"]):
        exactly = unit[highest["registration_no"] == k].to_numpy(dtype=object)
        if len(exactly):
            cells.append(Cell(name, i, "cases_exactly", CASE, exactly, float(len(exactly)), shown=False))
    return TableSpec(
        name,
        table,
        cells,
        priority=3,
        caption="Sager med mindst 1, 2, 3 ... registreringer (sager med en registrering i perioden)",
        labels={"at_least": "Mindst antal registreringer", "cases": "Sager"},
    )


def service_provider_spec(units: pd.DataFrame) -> TableSpec:
    """``service_and_provider``: cases by service and by provider type at the first
    registration, all municipalities together (as KL gives them)."""
    name = "service_and_provider"
    table = prices.service_and_provider(units)
    data = prices.provider_cases(units)
    cases = units["case_unit"]
    cells = []
    for i, (characteristic, category) in enumerate(zip(table["characteristic"], table["category"])):
        column = prices.CHARACTERISTICS.get(characteristic)
        members = (cases if column is None else cases[data[column] == category]).unique()
        if len(members) != table["cases"].iloc[i]:
            raise ValueError(f"{name}, row {i}: the table says {table['cases'].iloc[i]}, the cases say {len(members)}")
        cells.append(Cell(name, i, "cases", CASE, members, float(len(members))))
    stats = share_of_total(name, table)
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=3,
        caption="Sager efter ydelse og leverandør ved første registrering, alle kommuner",
        formats={"share": pct1_da},
        labels={"characteristic": "Kendetegn", "category": "Kategori", "cases": "Sager", "share": "Andel"},
    )


def income_spec(units: pd.DataFrame) -> TableSpec:
    name = "income_basis"
    table = prices.income_basis(units)
    data = units.dropna(subset=["income_basis"]).assign(unit_id=lambda d: d["case_unit"])
    cells = count_cells(name, table, "cases", data, CASE, ["income_basis"])
    with_vum = data.dropna(subset=["vum_score"])
    cells += count_cells(name, table, "vum_cases", with_vum, CASE, ["income_basis"])
    cells += amount_cells(
        name,
        table,
        "vum_mean",
        with_vum,
        CASE,
        "vum_score",
        ["income_basis"],
        base_column="vum_cases",
        mean_of="vum_score",
        measure="vum",
    )
    stats = share_of_total(name, table)
    stats += statistics(name, table, ["vum_mean", "vum_ci_low", "vum_ci_high"], ["vum_cases", "vum_mean*vum_cases"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Forsørgelsesgrundlag og gennemsnitlig VUM-score (95 %-interval)",
        formats={"share": pct1_da},
        labels={
            "income_basis": "Forsørgelsesgrundlag",
            "vum_cases": "Sager med VUM",
            "vum_mean": "Gns. VUM",
            "vum_ci_low": "95 %-KI nedre",
            "vum_ci_high": "95 %-KI øvre",
        },
    )


def income_transition_spec(pairs: pd.DataFrame) -> TableSpec | None:
    """``income_transition`` (KL, seeds/003 after figure 3.6): follow-ups from the 1st to the
    2nd registration by the income basis at the 1st, with those that kept it. The counts are
    cells over the registrations (the unit of the VUM changes, so the tables link); the
    share and its interval rest on the row's follow-ups. Those that kept their basis are not a
    printed column: nearly all do, so beside the follow-ups they would print every small
    number of changes; they are a cell that is not printed (the share times the follow-ups
    gives them). None without such follow-ups."""
    name = "income_transition"
    table = prices.income_transition(pairs)
    if table.empty:
        return None
    data = prices.income_follow_ups(pairs)
    data = data.assign(unit_id=data["registration_unit"], income_basis=data["income_from"])
    implied = table
    table = table.drop(columns="unchanged")
    cells = count_cells(name, table, "follow_ups", data, REGISTRATION, ["income_basis"])
    cells += count_cells(name, table, "changed", data[~data["kept"]], REGISTRATION, ["income_basis"])
    # the share reveals those that kept their basis (share x follow-ups): a cell of its own,
    # not printed, so that a share resting on 1-4 of them is withheld like the count
    for c in count_cells(name, implied, "unchanged", data[data["kept"]], REGISTRATION, ["income_basis"]):
        c.shown, c.product_of = False, ("share_unchanged", "follow_ups")
        cells.append(c)
    stats = statistics(
        name, table, ["share_unchanged", "ci_low", "ci_high"], ["unchanged", "follow_ups"], table["follow_ups"]
    )
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Forsørgelsesgrundlag ved 1. og 2. registrering (sager med grundlag ved begge)",
        formats={"share_unchanged": pct1_da, "ci_low": pct1_da, "ci_high": pct1_da},
        labels={
            "income_basis": "Forsørgelsesgrundlag ved 1. registrering",
            "follow_ups": "Opfølgninger",
            "changed": "Andet ved 2. registrering",
            "share_unchanged": "Andel med samme grundlag",
        },
        source="KL, SEP-projekt 9 (seeds/003): «de fleste har samme forsørgelsesgrundlag ved 1. og 2. registrering».",
    )


def months_spec(pairs: pd.DataFrame) -> TableSpec:
    """``months_between`` (figure 3.8): per municipality and follow-up number, and in total."""
    name = "months_between"
    table = prices.months_between(pairs)
    data = pairs.dropna(subset=["months"]).assign(unit_id=lambda d: d["registration_unit"])
    data = data.assign(
        municipality=data["municipality"].astype(int).astype(str),
        follow_up=data["registration_no_prev"].map(prices.follow_up_label),
    )
    keys = ["municipality", "follow_up"]
    cells = count_cells(name, table, "follow_ups", data, REGISTRATION, keys)
    cells += amount_cells(
        name, table, "mean_months", data, REGISTRATION, "months", keys, base_column="follow_ups", mean_of="months"
    )
    stats = statistics(name, table, ["mean_months", "ci_low", "ci_high"], ["follow_ups", "mean_months*follow_ups"])
    stats += statistics(name, table, ["median_months"], ["follow_ups"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Måneder mellem registreringer pr. kommune og for alle kommuner pr. opfølgning (1.→2. og senere)",
        formats={"municipality": municipality_label},
        labels={
            "follow_up": "Opfølgning",
            "follow_ups": "Opfølgninger",
            "mean_months": "Gns. måneder",
            "median_months": "Median",
        },
    )


KOBENHAVN = 101


def letter_messages(agreement: dict) -> list[str]:
    """The agreement between København's support letters and VUM letters, in Danish."""
    return [
        f"{pct1_da(agreement['diagonal_share'])} af borgerne har samme støttebogstav og VUM-bogstav.",
        f"Vægtet kappa (lineære vægte) er {num_da(agreement['kappa'], 2)} (95 %-interval "
        f"{num_da(agreement['kappa_low'], 2)}–{num_da(agreement['kappa_high'], 2)}): god, men ikke fuld "
        "overensstemmelse.",
    ]


def letters_spec() -> TableSpec:
    """København's published table (KL's report): public figures, shown as published."""
    agreement = prices.letter_agreement(prices.records_from_crosstab(prices.published_support_letters()))
    return TableSpec(
        "kbh_vum_support_letter",
        agreement["table"].reset_index(),
        public=True,
        caption="Støttebogstav (rækker) mod almindeligt VUM-bogstav (kolonner), København, 912 borgere "
        "(offentliggjort af KL)",
        labels={"support_letter": "Støttebogstav"},
    )


def specs(report) -> list[TableSpec]:
    """Every table of the prices page for the period (all municipalities)."""
    registrations, units, pairs = adults.for_period(
        report.data.adult_registrations, report.period_start, report.period_end
    )
    out = [letters_spec()] if report.municipality == KOBENHAVN else []  # København's own table
    per_case = registrations_spec(registrations, report.period_start, report.period_end)
    if per_case is not None:
        out.append(per_case)
    if not units.empty:
        out += [
            service_provider_spec(units),
            describe_spec(
                units, "vum_score", "price_by_vum", "Dagspris (§107) og timer (§85) efter samlet VUM-score", priority=4
            ),
            describe_spec(units, "age_group", "price_by_age", "Efter alder ved registreringen"),
            describe_spec(units, "target_group", "price_by_target_group", "Efter målgruppe"),
            describe_spec(
                units.assign(municipality=units["municipality"].astype(int).astype(str)),
                "municipality",
                "price_by_municipality",
                "Efter kommune (ujusteret)",
                formats={"municipality": municipality_label},
            ),
            income_spec(units),
        ]
        out += [s for s in (differences_spec(units, "§107"), differences_spec(units, "§85")) if s is not None]
    if not pairs.empty:
        out += [vum_change_spec(pairs, 1), vum_change_spec(pairs, 2), months_spec(pairs)]
        out += [s for s in (income_transition_spec(pairs),) if s is not None]
    declare_rests(out)
    return out


#: The price tables that break a service's measured cases down by a characteristic some lack.
BROKEN_DOWN = ("price_by_vum", "price_by_age", "price_by_target_group")


def _cells(spec: TableSpec | None, column: str, where=None) -> list[Cell]:
    """The cells of ``column`` in ``spec`` (of the rows where ``where(row values)`` holds)."""
    if spec is None:
        return []
    return [c for c in spec.cells if c.column == column and (where is None or where(spec.frame.iloc[c.row]))]


def _first_row(cells: list[Cell]) -> int | None:
    return min((c.row for c in cells), default=None)


def declare_rests(specs: list[TableSpec]) -> None:
    """Add to each table the rests a reader can form against the table it breaks down
    (:func:`~helpers.publishing.disclosure.rest_cells`), on the row of its first cell:

    * ``price_by_municipality``: a service's cases (``service_and_provider``) without a
      price or hours;
    * ``price_by_vum``, ``price_by_age``, ``price_by_target_group``: a service's measured
      cases (``price_by_municipality``) without a VUM score, age or target group, with the
      sum of their prices (the means and counts give it);
    * ``income_basis``: the cases without an income basis (against ``service_and_provider``'s
      total), and a basis's cases without a VUM score;
    * ``registrations_per_case``: the cases whose first registration is not in the data;
    * ``vum_change_*`` and ``income_transition``: the follow-ups of ``months_between``'s
      total for their follow-up number without a VUM score (or income basis) at both.

    Each is empty on complete data, and is then not declared."""
    by = {s.name: s for s in specs}
    sp, pm = by.get("service_and_provider"), by.get("price_by_municipality")

    def add(name: str, row: int | None, column: str, whole: list[Cell], parts: list[Cell], base=None) -> None:
        if name in by and row is not None and whole:
            by[name].cells += rest_cells(name, row, column, whole, parts, base)

    def of(service):
        return lambda values: values["service"] == service

    for service in adults.SERVICES:
        total = _cells(sp, "cases", lambda v, s=service: (v["characteristic"], v["category"]) == ("ydelse", s))
        measured = _cells(pm, "cases", of(service))
        add("price_by_municipality", _first_row(measured), "cases_rest", total, measured)
        sums = _cells(pm, "mean*cases", of(service))
        for name in BROKEN_DOWN:
            parts = _cells(by.get(name), "cases", of(service))
            row = _first_row(parts)
            add(name, row, "cases_rest", measured, parts)
            add(name, row, "sum_rest", sums, _cells(by.get(name), "mean*cases", of(service)), base="cases_rest")
    everyone = _cells(sp, "cases", lambda v: v["characteristic"] == "I alt")
    income = by.get("income_basis")
    add(
        "income_basis",
        _first_row(_cells(income, "cases")),
        "cases_rest",
        everyone,
        _cells(income, "cases", lambda v: v["income_basis"] != "I alt"),
    )
    for cell in _cells(income, "cases"):
        with_vum = [c for c in _cells(income, "vum_cases") if c.row == cell.row]
        add("income_basis", cell.row, "vum_cases_rest", [cell], with_vum)
    per_case = _cells(by.get("registrations_per_case"), "cases", lambda v: v["at_least"] == 1)
    add("registrations_per_case", _first_row(per_case), "cases_rest", per_case, everyone)
    months = by.get("months_between")
    for number, table in ((1, "vum_change_1_2"), (2, "vum_change_2_3"), (1, "income_transition")):
        label = prices.follow_up_label(number)
        followed = _cells(
            months, "follow_ups", lambda v, lab=label: (v["municipality"], v["follow_up"]) == ("I alt", lab)
        )
        parts = _cells(by.get(table), "follow_ups")
        add(table, _first_row(parts), "follow_ups_rest", followed, parts)


def adjustment_summary_da(diffs: pd.DataFrame, service: str, names: dict) -> str:
    """A Danish sentence on what the adjustment changes (from the published differences)."""
    diffs = diffs.dropna(subset=["unadjusted", "adjusted"])
    if diffs.empty:
        return "Der er for få sager til at sammenligne kommunerne."
    rank_u = diffs["unadjusted"].astype(float).rank(ascending=False)
    rank_a = diffs["adjusted"].astype(float).rank(ascending=False)
    moved = int((rank_u != rank_a).sum())
    shift = (diffs["adjusted"].astype(float) - diffs["unadjusted"].astype(float)).abs()
    biggest = diffs.loc[shift.idxmax()]
    unit = "procentpoint" if service == "§107" else "timer pr. måned"
    scale = 100 if service == "§107" else 1
    return (
        f"Når der tages højde for VUM-score, alder og målgruppe, skifter {moved} af {len(diffs)} kommuner placering. "
        f"Størst er ændringen for {names.get(int(biggest['municipality']), biggest['municipality'])} "
        f"({num_da(shift.max() * scale)} {unit})."
    )


def key_messages(by_vum, by_age, by_municipality, focal: int, name: str) -> list[str]:
    """Key messages in Danish from the *published* tables, the focal municipality first."""
    lines = []
    m = by_municipality.data.assign(municipality=by_municipality.data["municipality"].astype(int))
    own = [i for i in range(len(m)) if m["municipality"].iloc[i] == focal]
    if own:
        counts = [(m["service"].iloc[i], by_municipality.value(i, "cases")) for i in own]
        shown = [f"{count_da(n)} {service}-sager" for service, n in counts]
        lines.append(f"{name} har {' og '.join(shown)} med en registrering i perioden.")
    else:
        lines.append(f"{name} har ingen sager med en registrering i perioden; tabellerne viser de øvrige kommuner.")
    data = by_vum.data
    for service, unit in (("§107", "kr. pr. døgn"), ("§85", "timer pr. måned")):
        rows = [
            i for i in range(len(data)) if data["service"].iloc[i] == service and by_vum.value(i, "median") is not None
        ]
        if len(rows) >= 2:
            lo, hi = rows[0], rows[-1]
            digits = 0 if service == "§107" else 1
            low, high = float(data["median"].iloc[lo]), float(data["median"].iloc[hi])
            at_low, at_high = num_da(data["vum_score"].iloc[lo], 1), num_da(data["vum_score"].iloc[hi], 1)
            if low == high:
                lines.append(
                    f"{service}: medianen er den samme ({num_da(low, digits)} {unit}) "
                    f"ved VUM {at_low} og VUM {at_high}."
                )
            else:
                lines.append(
                    f"{service}: medianen {'stiger' if high > low else 'falder'} fra {num_da(low, digits)} {unit} "
                    f"ved VUM {at_low} til {num_da(high, digits)} {unit} ved VUM {at_high}."
                )
    age = by_age.data
    for service in ("§107", "§85"):
        medians = {
            age["age_group"].iloc[i]: by_age.value(i, "median")
            for i in range(len(age))
            if age["service"].iloc[i] == service
        }
        young, old = medians.get(adults.AGE_GROUPS_40[0]), medians.get(adults.AGE_GROUPS_40[1])
        if young is not None and old is not None:
            lines.append(
                f"{service}: borgere under 40 år har en median på {num_da(young, 1)} "
                f"mod {num_da(old, 1)} for borgere på 40 år og derover."
            )
    return lines


# --- Findings, written from the published numbers (never in advance) -----------------------

#: A service's measure and its unit in sentences.
MEASURES_DA = {"§107": ("dagsprisen", "kr. pr. døgn", 0), "§85": ("timetallet", "timer pr. måned", 1)}


def _shown(published, columns) -> list[int]:
    """The rows whose ``columns`` are all published (not withheld, not missing)."""
    return [
        i
        for i in range(len(published.data))
        if all(published.value(i, c) is not None and not pd.isna(published.value(i, c)) for c in columns)
    ]


def vum_pattern_da(by_vum) -> list[str]:
    """How the median price (§107) and hours (§85) go with the VUM score, and whether the
    spread within a score is larger than the difference between scores: one sentence per
    service, from the published medians and quartiles (too few shown: said so)."""
    lines = []
    data = by_vum.data
    for service, (what, unit, digits) in MEASURES_DA.items():
        rows = [i for i in _shown(by_vum, ["median", "p25", "p75"]) if data["service"].iloc[i] == service]
        if len(rows) < 2:
            lines.append(f"{service}: for få viste VUM-scorer til at sige, hvordan {what} følger scoren.")
            continue
        medians = [float(data["median"].iloc[i]) for i in rows]
        scores = [float(data["vum_score"].iloc[i]) for i in rows]
        steps = [b - a for a, b in zip(medians, medians[1:])]
        if all(s >= 0 for s in steps) and medians[-1] > medians[0]:
            trend = "stiger med VUM-scoren"
        elif all(s <= 0 for s in steps) and medians[-1] < medians[0]:
            trend = "falder med VUM-scoren"
        elif medians[-1] == medians[0] and not any(steps):
            trend = "er den samme ved alle viste VUM-scorer"
        else:
            trend = "følger ikke VUM-scoren i én retning"
        spread = max(float(data["p75"].iloc[i]) - float(data["p25"].iloc[i]) for i in rows)
        between = max(medians) - min(medians)
        compare = "større" if spread > between else "mindre" if spread < between else "lige så stor"
        lines.append(
            f"{service}: medianen af {what} {trend}: fra {num_da(medians[0], digits)} {unit} ved VUM "
            f"{num_da(scores[0], 1)} til {num_da(medians[-1], digits)} {unit} ved VUM {num_da(scores[-1], 1)}. "
            f"Spredningen inden for en score (kvartilafstand op til {num_da(spread, digits)}) er {compare} end "
            f"forskellen mellem scorernes medianer ({num_da(between, digits)})."
        )
    return lines


def vum_change_da(table, from_registration: int) -> str:
    """How often the VUM score changes from one registration to the next, from the published
    rows of ``vum_change_<k>_<k+1>``. Only when every row is shown does it say what is most
    common: withheld rows are those with small (often non-zero change) counts, so the shown
    rows alone lean towards "uændret", and the sentence then says how many it rests on."""
    k = from_registration
    columns = ["forbedret", "uændret", "forværret", "follow_ups"]
    rows = _shown(table, columns)
    n = sum(int(table.value(i, "follow_ups")) for i in rows)
    where = f"fra {k}. til {k + 1}. registrering"
    if n < 5:
        return f"Der er for få viste opfølgninger {where} til at sige, hvor ofte VUM-scoren ændrer sig."
    share = {c: sum(float(table.value(i, c)) for i in rows) / n for c in columns[:3]}
    split = (
        f"uændret i {pct_da(share['uændret'])}, forbedret i {pct_da(share['forbedret'])} og forværret i "
        f"{pct_da(share['forværret'])}"
    )
    if len(rows) == len(table.data):
        most = "oftest uændret" if share["uændret"] > 0.5 else "oftest ændret"
        return f"VUM-scoren er {most} {where}: {split} af opfølgningerne (i alt {count_da(n)})."
    counted = _shown(table, ["follow_ups"])
    of_all = (
        f" af i alt {count_da(sum(int(table.value(i, 'follow_ups')) for i in counted))}"
        if len(counted) == len(table.data)
        else ""
    )
    return (
        f"I de {count_da(n)} opfølgninger {where}, hvor fordelingen er vist{of_all}, er VUM-scoren {split}; "
        "de øvrige er diskretioneret, så det siger ikke, hvad der er mest almindeligt for alle."
    )


def months_between_da(table) -> str:
    """The mean time between two registrations by follow-up number, over all municipalities
    (the published ``I alt`` rows), and whether follow-ups become more frequent with their
    number (KL's reading of figure 3.8) or not."""
    data = table.data
    shown = [
        (str(data["follow_up"].iloc[i]), float(table.value(i, "mean_months")), int(table.value(i, "follow_ups")))
        for i in _shown(table, ["follow_ups", "mean_months"])
        if str(data["municipality"].iloc[i]) == "I alt" and str(data["follow_up"].iloc[i]) != "I alt"
    ]
    if not shown:
        return "Der er for få viste opfølgninger til at sige, hvor ofte borgerne følges op."
    parts = [
        f"{num_da(mean, 1)} måneder {_follow_up_da(label)} ({plural_da(n, 'opfølgning', 'opfølgninger')})"
        for label, mean, n in shown
    ]
    text = "Der går i gennemsnit " + ", ".join(parts[:-1]) + (" og " if len(parts) > 1 else "") + parts[-1] + "."
    if len(shown) > 1:
        means = [mean for _, mean, _ in shown]
        if all(b < a for a, b in zip(means, means[1:])):
            text += " Opfølgningen bliver hyppigere, jo flere opfølgninger der har været."
        elif all(b > a for a, b in zip(means, means[1:])):
            text += " Opfølgningen bliver sjældnere, jo flere opfølgninger der har været."
        else:
            text += " Tiden mellem opfølgningerne følger ikke antallet af opfølgninger i én retning."
    return text


def _follow_up_da(label: str) -> str:
    return {
        prices.FOLLOW_UPS[1]: "fra 1. til 2. registrering",
        prices.LATER_FOLLOW_UPS: "fra 2. registrering og senere",
    }.get(label, label)
