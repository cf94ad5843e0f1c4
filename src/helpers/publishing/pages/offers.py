"""The "Tilbud, plejefamilier og distrikter" page: offers against the normal price of their
measure type, foster-care amounts per district and year, and the use of four preventive
measures per district per 1,000 0-22-year-olds (computed in :mod:`helpers.analyses.offers`,
:mod:`helpers.analyses.foster_care` and :mod:`helpers.analyses.districts`).

Units: ``child`` (pseudonymised person id) for every count of children, ``intervention``
(the intervention row, as on the budget and trends pages) for the foster-care placements
and the sums behind their means. Prices, means, percentages and rates are statistics that
rest on the counts of their row (and, for a comparison with the type or the municipality,
on the count of the ``I alt`` row). Offers with fewer than 5 children are pooled into
``Øvrige tilbud`` before protection, so no offer name is printed beside a count of 1-4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...analyses import districts as district_analysis
from ...analyses import foster_care, offers, supervisions
from ..disclosure import Statistic, TableSpec, amount_cells, count_cells, statistics
from ..formats import date_da, kr_da, num_da

TOTAL = "I alt"
THEME_LABELS = {
    "støtte i hjemmet": "Støtte i hjemmet",
    "aflastning": "Aflastning/støtteophold",
    "kontaktperson": "Kontaktperson",
    "familiebehandling": "Familiebehandling",
}


def _kr(v) -> str:
    return kr_da(float(v))


def _signed_pct(v) -> str:
    return num_da(float(v), 0, sign=True) + " %"


# ----------------------------------------------------------------------------- offers


def offers_spec(units: pd.DataFrame) -> TableSpec | None:
    """``offer_prices``: per measure type its offers (children, median monthly price, against
    the normal price), ``Øvrige tilbud`` and ``I alt`` (normal price, mean price and the
    quartiles of the named offers' prices)."""
    name = "offer_prices"
    table = offers.offer_prices(units)
    if table.empty:
        return None
    labelled = offers.label_offers(units)
    cells = count_cells(name, table, "children", labelled, "child", ["measure_type", "offer"])
    total_row = {t: i for i, (t, o) in enumerate(zip(table["measure_type"], table["offer"])) if o == TOTAL}
    stats = []
    for i, r in enumerate(table.itertuples(index=False)):
        own, total = (name, i, "children"), (name, total_row[r.measure_type], "children")
        if not np.isnan(r.price):
            stats.append(Statistic(name, i, "price", (own,), int(r.children)))
        if not np.isnan(r.price_vs_normal_pct):
            stats.append(Statistic(name, i, "price_vs_normal_pct", (own, total), int(r.children)))
        if not np.isnan(r.mean_price):
            stats.append(Statistic(name, i, "mean_price", (own,), int(r.children)))
        if not np.isnan(r.offer_price_median):
            named = [
                (name, j, "children")
                for j, (t, o) in enumerate(zip(table["measure_type"], table["offer"]))
                if t == r.measure_type and o not in (TOTAL, offers.OTHERS)
            ]
            for c in ("offer_price_p25", "offer_price_median", "offer_price_p75"):
                stats.append(Statistic(name, i, c, (own, *named), int(r.children)))
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Tilbud efter indsatstype: børn i perioden og månedspris mod normalprisen",
        show=list(offers.COLUMNS),
        labels={
            "measure_type": "Indsatstype",
            "offer": "Tilbud",
            "children": "Børn",
            "price": "Månedspris, median (kr.)",
            "price_vs_normal_pct": "Mod normalprisen",
            "mean_price": "Gennemsnitspris (kr.)",
            "offer_price_p25": "25 %",
            "offer_price_median": "Median",
            "offer_price_p75": "75 %",
        },
        spanners={"Tilbuddenes priser (kr.)": ["offer_price_p25", "offer_price_median", "offer_price_p75"]},
        formats={
            "offer": lambda o: "I alt (normalpris)" if o == TOTAL else o,
            "price_vs_normal_pct": _signed_pct,
            **dict.fromkeys(["price", "mean_price", "offer_price_p25", "offer_price_median", "offer_price_p75"], _kr),
        },
        source="Indsatser med et tilbud (offer_id/offer_name), aktive i perioden. Tilbud med under 5 børn er "
        "samlet i «Øvrige tilbud».",
    )


# ----------------------------------------------------------------------------- foster care


def foster_spec(units: pd.DataFrame, windows, districts=()) -> TableSpec | None:
    """``foster_care``: per year and district the placements in foster care and the mean
    plejeløn, tillægsydelser and egenbetaling per placement and month (withheld when they
    rest on 1-4 children)."""
    name = "foster_care"
    if units.empty:
        return None
    full = foster_care.foster_table(units, windows, districts)
    # the children behind each row are not published (their counts, linked with the monthly
    # counts of the trends page, would cost the row its numbers); the means still rest on them
    children = full["children"].tolist()
    table = full.drop(columns=["children"])
    keys = ["year", "district"]
    cells = count_cells(name, table, "placements", units, "intervention", keys)
    stats = []
    for a in foster_care.AMOUNTS:
        column = f"{a}_mean"
        sums = amount_cells(
            name,
            table,
            column,
            units,
            "intervention",
            a,
            keys,
            base_column="placements",
            mean_of=a,
            measure=f"foster_{a}",
        )
        for c in sums:  # a mean rests on the children behind it, not only on the placements
            c.base_n = int(children[c.row])
        cells += sums
        stats += statistics(name, table, [column], ["placements", f"{column}*placements"], children)
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Plejefamilier og netværkspleje: plejeløn, tillægsydelser og egenbetaling pr. anbringelse og måned",
        show=["year", "district", "placements", "fee_mean", "supplements_mean", "own_payment_mean"],
        labels={
            "year": "År",
            "district": "Distrikt",
            "placements": "Anbringelser",
            "fee_mean": "Plejeløn",
            "supplements_mean": "Tillægsydelser",
            "own_payment_mean": "Egenbetaling",
        },
        spanners={"Gennemsnit pr. anbringelse og måned (kr.)": ["fee_mean", "supplements_mean", "own_payment_mean"]},
        formats={**dict.fromkeys(["fee_mean", "supplements_mean", "own_payment_mean"], _kr)},
        source="Anbringelser i netværkspleje og plejefamilie med registreret plejeløn, aktive i året (inden for "
        "perioden).",
    )


# ----------------------------------------------------------------------------- district themes


def themes_spec(units: pd.DataFrame, population: pd.DataFrame, year: int | None) -> TableSpec | None:
    """``district_themes``: per theme and district the children with the measure in the
    period, the 0-22-year-olds and the rate per 1,000 with its exact Poisson interval."""
    name = "district_themes"
    if units.empty:
        return None
    table = district_analysis.district_rates(units, population, year)
    cells = count_cells(name, table, "children", units, "child", ["theme", "district"])
    stats = statistics(name, table, ["rate", "rate_low", "rate_high"], ["children"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Børn med indsatsen i perioden pr. 1.000 0-22-årige, efter distrikt",
        show=["theme", "district", "children", "population", "rate", "rate_low", "rate_high"],
        labels={
            "theme": "Indsats",
            "district": "Distrikt",
            "children": "Børn",
            "population": f"0-22-årige ({year})" if year else "0-22-årige",
            "rate": "Pr. 1.000",
            "rate_low": "Nedre",
            "rate_high": "Øvre",
        },
        spanners={"95 %-interval": ["rate_low", "rate_high"]},
        formats={
            "theme": lambda t: THEME_LABELS.get(t, t),
            "population": lambda v: num_da(float(v), 0),
            **dict.fromkeys(["rate", "rate_low", "rate_high"], lambda v: num_da(float(v), 1)),
        },
        source="Indsatser aktive i perioden; 0-22-årige pr. distrikt fra kommunens befolkningstal. Interval: "
        "eksakt Poisson-interval (Garwood).",
    )


# ----------------------------------------------------------------------------- the page


def population(report) -> pd.DataFrame:
    """The municipality's 0-22-year-olds per district and year (empty when absent)."""
    return report.rows("district_population").dropna(subset=["population_0_22"])


def population_year(report) -> int | None:
    """The year of the 0-22-year-olds used: the period end's year or the latest before it."""
    return district_analysis.population_year(population(report), report.period_end.year)


def left_out_types(report) -> bool:
    """Whether measure types with 1-4 children were left out of the offers table."""
    units = offers.offer_units(report.rows("interventions"), report.period_start, report.period_end)
    return bool(offers.small_types(units))


def has_districts(interventions: pd.DataFrame) -> bool:
    return "district" in interventions and interventions["district"].notna().any()


def supervisions_spec(rows: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``supervision_outcomes``: the providers' supervisions in the period, approved and
    not approved, with the reasons (:func:`helpers.analyses.supervisions.supervision_outcomes`);
    each count is a cell over its supervisions, and the share approved rests on the counts."""
    units = supervisions.supervision_units(rows, t0, t1)
    table = supervisions.supervision_outcomes(units)
    if table.empty:
        return None
    name = "supervision_outcomes"
    cells = count_cells(name, table, "supervisions", units, "supervision", ["outcome", "reason"])
    inputs = ((name, 0, "supervisions"), (name, 1, "supervisions"))
    stats = [Statistic(name, 0, c, inputs, int(table["supervisions"].iloc[0])) for c in ("share", "ci_low", "ci_high")]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Tilsyn med tilbuddene i perioden: godkendt og ikke godkendt, med begrundelser",
        labels={
            "outcome": "Tilsynets resultat",
            "reason": "Begrundelse",
            "supervisions": "Tilsyn",
            "share": "Andel godkendt",
        },
        source=(
            "Kommunens registrering af tilsyn (tabellen supervisions); et tilsyn tæller i perioden for sin dato. "
            "Seed 002: godkendte (driftsorienterede) tilsyn, godkendt og ikke godkendt med begrundelser."
        ),
    )


def specs(report) -> list[TableSpec]:
    """Every table of the page for the report's municipality and period."""
    t0, t1 = report.period_start, report.period_end
    rows = report.rows("supervisions")
    found = supervisions_spec(rows, t0, t1) if {"provider", "date", "approved"} <= set(rows.columns) else None
    interventions = report.rows("interventions")
    if interventions.empty:
        return [found] if found is not None else []
    out = []
    units = offers.offer_units(interventions, t0, t1)
    spec = offers_spec(units[~units["measure_type"].isin(offers.small_types(units))])
    if spec is not None:
        out.append(spec)
    pop = population(report)
    if has_districts(interventions):
        windows = foster_care.year_windows(t0, t1)
        spec = foster_spec(foster_care.foster_units(interventions, windows), windows)
        if spec is not None:
            out.append(spec)
        if len(pop):
            spec = themes_spec(district_analysis.theme_units(interventions, t0, t1), pop, population_year(report))
            if spec is not None:
                out.append(spec)
    return out + ([found] if found is not None else [])


# ----------------------------------------------------------------------------- key messages and figures


def offer_messages(published) -> list[str]:
    """Key messages in Danish from the *published* offers table."""
    data = published.data
    lines = []
    gaps = []
    for i, r in enumerate(data.itertuples(index=False)):
        if r.offer != TOTAL:
            continue
        normal, mean = published.value(i, "price"), published.value(i, "mean_price")
        if normal is not None and mean is not None and normal > 0:
            gaps.append((mean / normal, i, r.measure_type, normal, mean))
    if gaps:
        _, i, mtype, normal, mean = max(gaps)
        lines.append(
            f"Gennemsnitsprisen ligger længst fra normalprisen for {mtype}: normalprisen (medianen) er "
            f"{kr_da(normal)} kr. om måneden, gennemsnittet {kr_da(mean)} kr.: gennemsnittet trækkes op af "
            "de dyreste indsatser"
            if mean > normal
            else f"For {mtype} er normalprisen (medianen) {kr_da(normal)} kr. om måneden og gennemsnittet "
            f"{kr_da(mean)} kr."
        )
    above = [
        (published.value(i, "price_vs_normal_pct"), i)
        for i, r in enumerate(data.itertuples(index=False))
        if r.offer not in (TOTAL, offers.OTHERS) and published.value(i, "price_vs_normal_pct") is not None
    ]
    if above:
        pct, i = max(above)
        r = data.iloc[i]
        lines.append(
            f"Det dyreste tilbud i forhold til normalprisen er {r['offer']} ({r['measure_type']}): "
            f"{num_da(pct, 0, sign=True)} % ({kr_da(published.value(i, 'price'))} kr. om måneden)"
        )
    return lines


def foster_messages(published) -> list[str]:
    data = published.data
    lines = []
    totals = [i for i, d in enumerate(data["district"]) if d == TOTAL]
    if totals:
        i = totals[-1]
        year = int(data["year"].iloc[i])
        n = published.value(i, "placements")
        fee, sup, own = (published.value(i, c) for c in ("fee_mean", "supplements_mean", "own_payment_mean"))
        first, last = data["first_day"].iloc[i], data["last_day"].iloc[i]
        when = (
            f"{year}" if first.endswith("-01-01") and last.endswith("-12-31") else f"{date_da(first)}–{date_da(last)}"
        )
        if n is not None and fee is not None:
            text = f"I {when} var der {num_da(n, 0)} anbringelser i netværkspleje og plejefamilie; plejelønnen var i "
            text += f"gennemsnit {kr_da(fee)} kr. pr. anbringelse og måned"
            if sup is not None and own is not None:
                text += f", tillægsydelserne {kr_da(sup)} kr. og egenbetalingen {kr_da(own)} kr"
            lines.append(text)
        fees = [
            (published.value(j, "fee_mean"), data["district"].iloc[j])
            for j in range(len(data))
            if int(data["year"].iloc[j]) == year
            and data["district"].iloc[j] not in (TOTAL, foster_care.UNKNOWN)
            and published.value(j, "fee_mean") is not None
        ]
        if len(fees) >= 2:
            (low, a), (high, b) = min(fees), max(fees)
            lines.append(
                f"Den gennemsnitlige plejeløn i {when} går fra {kr_da(low)} kr. ({a}) til {kr_da(high)} kr. ({b})"
            )
    return lines


def theme_messages(published) -> list[str]:
    data = published.data
    lines = []
    for theme in district_analysis.THEMES:
        rows = [i for i, t in enumerate(data["theme"]) if t == theme]
        total = next((i for i in rows if data["district"].iloc[i] == TOTAL), None)
        if total is None or published.value(total, "rate") is None:
            continue
        level = published.value(total, "rate")
        above = [
            (published.value(i, "rate_low"), i)
            for i in rows
            if i != total and published.value(i, "rate_low") is not None and published.value(i, "rate_low") > level
        ]
        if above:
            _, i = max(above, key=lambda x: published.value(x[1], "rate"))
            lines.append(
                f"{THEME_LABELS[theme]}: {data['district'].iloc[i]} bruger indsatsen mere end kommunen som helhed "
                f"({num_da(published.value(i, 'rate'), 1)} mod {num_da(level, 1)} pr. 1.000 0-22-årige; "
                "95 %-intervallet ligger over kommunens niveau)"
            )
    if not lines:
        levels = [
            (published.value(i, "rate"), data["theme"].iloc[i])
            for i in range(len(data))
            if data["district"].iloc[i] == TOTAL and published.value(i, "rate") is not None
        ]
        if levels:
            rate, theme = max(levels)
            lines.append(
                f"Den mest brugte af de fire indsatser er {THEME_LABELS[theme].lower()}: "
                f"{num_da(rate, 1)} børn pr. 1.000 0-22-årige i perioden; ingen distrikter ligger klart over kommunen"
            )
    return lines


def offer_points(published) -> pd.DataFrame:
    """The published offers' prices against the normal price: ``measure_type``, ``offer``,
    ``pct`` (withheld ones left out)."""
    data = published.data
    rows = [
        {"measure_type": r.measure_type, "offer": r.offer, "pct": published.value(i, "price_vs_normal_pct")}
        for i, r in enumerate(data.itertuples(index=False))
        if r.offer != TOTAL
    ]
    frame = pd.DataFrame(rows, columns=["measure_type", "offer", "pct"])
    return frame.dropna(subset=["pct"]).reset_index(drop=True)


def theme_rates(published) -> pd.DataFrame:
    """The published rates with their intervals (withheld ones missing)."""
    data = published.data
    out = pd.DataFrame(
        {
            "theme": data["theme"].map(lambda t: THEME_LABELS.get(t, t)),
            "district": data["district"],
            **{c: [published.value(i, c) for i in range(len(data))] for c in ("rate", "rate_low", "rate_high")},
        }
    )
    for c in ("rate", "rate_low", "rate_high"):
        out[c] = pd.to_numeric(out[c], errors="coerce")
    return out


def foster_amounts(published) -> pd.DataFrame:
    """The published mean amounts of the last year, by district (long: ``district``,
    ``amount``, ``kr``)."""
    data = published.data
    if data.empty:
        return pd.DataFrame(columns=["district", "amount", "kr"])
    year = int(data["year"].max())
    labels = {"fee_mean": "Plejeløn", "supplements_mean": "Tillægsydelser", "own_payment_mean": "Egenbetaling"}
    rows = [
        {"district": data["district"].iloc[i], "amount": label, "kr": published.value(i, c)}
        for i in range(len(data))
        if int(data["year"].iloc[i]) == year
        for c, label in labels.items()
    ]
    frame = pd.DataFrame(rows)
    frame["kr"] = pd.to_numeric(frame["kr"], errors="coerce")
    return frame.dropna(subset=["kr"]).reset_index(drop=True)


def period_note(published) -> str:
    """What the years of the foster-care table cover (a year's part inside the period)."""
    data = published.data.drop_duplicates("year")
    parts = [
        f"{int(r.year)}: {date_da(r.first_day)}–{date_da(r.last_day)}"
        for r in data.itertuples(index=False)
        if not (r.first_day.endswith("-01-01") and r.last_day.endswith("-12-31"))
    ]
    return ("Delår: " + "; ".join(parts) + ".") if parts else ""
