"""The "Udvikling" page: monthly figures of one municipality against the same months a
year earlier and against its targets, and a forecast of the year with inflow and outflow
(computed in :mod:`helpers.analyses.trends`).

Its counts are of the municipality's children, events and interventions, so it is
protected together with the other children's pages of the period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...analyses import trends
from ...data.steps import PLACEMENT_STEPS
from ..disclosure import Cell, Statistic, TableSpec
from ..formats import MONTHS_DA, num_da

GROUP = "children"
PUBLISHED_COLUMNS = ["municipality", "date", "figure", "group", "value"]
FIGURE_LABELS = {
    "placed_children": "Anbragte, efter trin",
    "placed_by_type": "Anbragte, efter anbringelsestype",
    "placed_by_target_group": "Anbragte, efter målgruppe",
    "placed_by_age_group": "Anbragte, efter alder",
    "placed_per_1000_0_22": "Anbragte pr. 1.000 0-22-årige",
    "preventive_children": "Børn med forebyggende indsats, efter højeste trin",
    "preventive_recipients": "Modtagere af forebyggende indsatser, efter trin",
    "new_placements": "Nye anbringelser i måneden",
    "ended_placements": "Afsluttede anbringelser i måneden",
    "preventive_started": "Børn, der begyndte en forebyggende indsats",
    "preventive_ended": "Børn, der afsluttede en forebyggende indsats",
    "monthly_price_placement": "Gennemsnitlig månedspris pr. anbringelse (kr.)",
    "monthly_price_placement_count": "Aktive anbringelser (indsatser)",
    "monthly_price_placement_sum": "Månedlig udgift til aktive anbringelser (kr.)",
    "monthly_price_preventive": "Gennemsnitlig månedspris, forebyggende indsatser (kr.)",
    "monthly_price_preventive_count": "Aktive forebyggende indsatser",
    "monthly_price_preventive_sum": "Månedlig udgift til aktive forebyggende indsatser (kr.)",
    "spending": "Forbrug i måneden (kr.)",
    "notifications": "Underretninger i måneden",
    "investigations": "Børnefaglige undersøgelser i måneden",
    "investigations_within_deadline": "– heraf inden for fristen",
    "investigations_within_deadline_share": "Andel inden for fristen",
    "active_cases": "Aktive sager",
}
FORECAST_LABELS = {
    "spent": "Forbrug fra 1. januar til i dag",
    "committed": "Forbrug + bevilgede indsatser året ud",
    "expected_inflow": "+ forventede nye indsatser",
    "expected_exits": "− forventede ophør",
    "forecast": "Prognose for året",
    "band_low": "Prognose, nedre 95 %-grænse",
    "band_high": "Prognose, øvre 95 %-grænse",
    "budget": "Årets budget",
}


def trends_spec(frame: pd.DataFrame) -> TableSpec:
    """``trends``: the tidy monthly table (the period and the same months a year earlier)."""
    name = "trends"
    table = frame[PUBLISHED_COLUMNS].reset_index(drop=True)
    rows = {(d, f, g): i for i, (d, f, g) in enumerate(zip(frame["date"], frame["figure"], frame["group"]))}
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
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=3,
        caption="Månedlige tal",
        formats={"figure": lambda f: FIGURE_LABELS.get(f, f), "value": _value_da},
    )


def _value_da(v) -> str:
    return num_da(v, 0) if abs(v) >= 100 or float(v).is_integer() else num_da(v, 2)


def forecast_year(report) -> pd.Timestamp:
    return report.period_end


def backtest_year(report) -> int:
    """The latest full calendar year up to the period's end."""
    end = report.period_end
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def forecast_spec(interventions: pd.DataFrame, budget: pd.DataFrame, as_of) -> TableSpec:
    """``forecast``: the year as seen on ``as_of``, with its 95 % band and the budget."""
    name = "forecast"
    as_of = pd.Timestamp(as_of)
    budget_total = _budget_total(budget, as_of.year)
    middle = trends.forecast(interventions, budget_total, as_of)
    low = trends.forecast(interventions, budget_total, as_of, band=-1)
    high = trends.forecast(interventions, budget_total, as_of, band=+1)
    values = {
        **{k: middle[k] for k in ("spent", "committed", "expected_inflow", "expected_exits", "forecast")},
        "band_low": low["forecast"],
        "band_high": high["forecast"],
        "budget": budget_total,
    }
    table = pd.DataFrame(
        {
            "year": as_of.year,
            "as_of": str(as_of.date()),
            "figure": list(values),
            "value": [np.nan if v is None else float(v) for v in values.values()],
        }
    )
    ids = interventions.index.astype(str)
    year_start = pd.Timestamp(year=as_of.year, month=1, day=1)
    children = interventions.loc[
        interventions["end_date"].isna() | (interventions["end_date"] >= year_start), "person_id"
    ].nunique()
    cells = [
        Cell(
            name,
            0,
            "value",
            "intervention",
            np.asarray(ids, dtype=object),
            values["spent"],
            f"cost_{year_start.date()}_{as_of.date()}",
            base_n=children,
        ),
        Cell(
            name,
            1,
            "value",
            "intervention",
            np.asarray(ids, dtype=object),
            values["committed"],
            f"committed_{as_of.date()}",
            base_n=children,
        ),
    ]
    stats = [Statistic(name, i, "value", ((name, 1, "value"),), children) for i in range(2, 7)]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=6,
        caption=f"Prognose for {as_of.year}",
        show=["figure", "value"],
        formats={"figure": lambda f: FORECAST_LABELS.get(f, f), "value": lambda v: num_da(v / 1e6, 1)},
        labels={"value": "Mio. kr."},
    )


def backtest_spec(interventions: pd.DataFrame, year: int) -> TableSpec | None:
    """``forecast_backtest``: the forecast made at each month end of a finished year from
    the data known then, against what the year came to."""
    name = "forecast_backtest"
    table = trends.backtest(interventions, year)
    if table.empty or not table["realised"].iloc[0]:
        return None
    ids = np.asarray(interventions.index.astype(str), dtype=object)
    in_year = interventions[
        (interventions["start_date"] <= f"{year}-12-31")
        & (interventions["end_date"].isna() | (interventions["end_date"] >= f"{year}-01-01"))
    ]
    children = in_year["person_id"].nunique()
    cells = [
        Cell(
            name,
            i,
            "realised",
            "intervention",
            ids,
            float(table["realised"].iloc[i]),
            f"cost_year_{year}",
            base_n=children,
        )
        for i in range(len(table))
    ]
    stats = [
        Statistic(name, i, c, ((name, i, "realised"),), children)
        for i in range(len(table))
        for c in ("forecast", "error", "error_pct")
    ]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption=f"Prognosens træfsikkerhed i {year}",
        formats={
            "as_of": _month_da,
            "forecast": lambda v: num_da(v / 1e6, 1),
            "realised": lambda v: num_da(v / 1e6, 1),
            "error": lambda v: num_da(v / 1e6, 1, sign=True),
            "error_pct": lambda v: num_da(v, 1, sign=True) + " %",
        },
        labels={
            "as_of": "Prognose lavet",
            "forecast": "Prognose (mio. kr.)",
            "realised": "Faktisk (mio. kr.)",
            "error": "Fejl (mio. kr.)",
            "error_pct": "Fejl (%)",
        },
    )


def _month_da(date) -> str:
    t = pd.Timestamp(date)
    return f"{MONTHS_DA[t.month - 1]} {t.year}"


def _budget_total(budget: pd.DataFrame, year: int) -> float | None:
    rows = budget[budget["year"] == year] if len(budget) else budget
    if not len(rows):
        return None
    return float((rows["budget_count"] * rows["budget_unit_cost"]).sum())


def specs(report) -> list[TableSpec]:
    """Every table of the trends page for the report's municipality and period."""
    interventions, events = report.rows("interventions"), report.rows("case_events")
    if interventions.empty and events.empty:
        return []
    figures = report.rows("municipality_figures")
    frame = trends.trends(interventions, events, figures, report.period_start, report.period_end, report.municipality)
    out = [trends_spec(frame)]
    if not interventions.empty:
        out.append(forecast_spec(interventions, report.rows("budget_assumptions"), forecast_year(report)))
        backtest = backtest_spec(interventions, backtest_year(report))
        if backtest is not None:
            out.append(backtest)
    return out


def series(published, figure: str, groups=None, since=None) -> pd.DataFrame:
    """The published values of one figure (withheld ones are missing): ``date``, ``group``,
    ``value``, ``year`` and ``month``; from ``since`` on when given (else with the year before)."""
    data = published.data
    part = data[data["figure"] == figure].copy()
    if groups is not None:
        part = part[part["group"].isin(groups)]
    part["date"] = pd.to_datetime(part["date"])
    if since is not None:
        part = part[part["date"] >= pd.Timestamp(since)]
    part["year"], part["month"] = part["date"].dt.year, part["date"].dt.month
    part["value"] = part["value"].astype("Float64").astype(float)
    return part


def key_messages(published, forecast, name: str, period_end) -> list[str]:
    """Key messages in Danish from the *published* tables."""
    lines = []
    placed = series(published, "placed_children", ["I alt"]).sort_values("date")
    if len(placed):
        last = placed.iloc[-1]
        earlier = placed[placed["date"] == last["date"] - pd.offsets.MonthEnd(12)]
        if not np.isnan(last["value"]):
            text = f"Ved udgangen af {_month_da(last['date'])} var {num_da(last['value'], 0)} børn og unge anbragt"
            if len(earlier) and not np.isnan(earlier["value"].iloc[0]):
                change = last["value"] - earlier["value"].iloc[0]
                text += f" ({num_da(change, 0, sign=True)} i forhold til samme måned året før)"
            lines.append(text + ".")
    if forecast is not None:
        values = dict(zip(forecast.data["figure"], range(len(forecast.data))))
        f, b = forecast.value(values["forecast"], "value"), forecast.value(values["budget"], "value")
        low, high = forecast.value(values["band_low"], "value"), forecast.value(values["band_high"], "value")
        if f is not None:
            text = f"Prognosen for {pd.Timestamp(period_end).year} er {num_da(f / 1e6, 1)} mio. kr."
            if low is not None and high is not None:
                text += f" (95 %-bånd {num_da(low / 1e6, 1)}–{num_da(high / 1e6, 1)} mio. kr.)"
            if b:
                text += f", {num_da(abs(f - b) / 1e6, 1)} mio. kr. {'over' if f > b else 'under'} budgettet"
            lines.append(text + ".")
    return lines


PLACED_STEPS = [str(s) for s in PLACEMENT_STEPS]
