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
from ...analyses.budget import year_budget
from ...analyses.key_figures import committed_year, cost_in, cost_measure, granted_by
from ...data.steps import PLACEMENT_STEPS
from .. import concepts
from ..disclosure import WITHHELD, Cell, Statistic, TableSpec, paying_ids
from ..formats import MONTHS_DA, num_da, pct_da
from .key_figures import tidy_declarations

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
#: The forecast table's rows, each a concept of the book (:mod:`..concepts`).
FORECAST_CONCEPTS = {
    "spent": "spending_year_to_date",
    "committed": "spending_committed_year",
    "expected_inflow": "forecast_expected_inflow",
    "expected_exits": "forecast_expected_exits",
    "forecast": "spending_forecast_year",
    "band_low": "spending_forecast_year_low",
    "band_high": "spending_forecast_year_high",
    "budget": "budget_year",
    "realised": "spending_realised_year",
}
FORECAST_LABELS = {
    figure: {"expected_inflow": "+ ", "expected_exits": "− "}.get(figure, "") + concepts.label(key)
    for figure, key in FORECAST_CONCEPTS.items()
}


def trends_spec(frame: pd.DataFrame) -> TableSpec:
    """``trends``: the tidy monthly table (the period and the same months a year earlier)."""
    name = "trends"
    table = frame[PUBLISHED_COLUMNS].reset_index(drop=True)
    cells, stats = tidy_declarations(name, frame, ["date", "figure", "group"])
    # placed per 1,000 at the period's last month end is a concept of the book (records)
    inside = frame.reset_index(drop=True)
    inside = inside[inside["in_period"] & (inside["figure"] == "placed_per_1000_0_22")]
    last = [] if inside.empty else [int(inside.index[inside["date"] == inside["date"].max()][0])]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=3,
        caption="Månedlige tal",
        formats={"figure": lambda f: FIGURE_LABELS.get(f, f), "value": _value_da},
        concepts=[("placed_per_1000_0_22", trends.TOTAL, i, "value") for i in last],
    )


def targets_spec(frame: pd.DataFrame, targets: pd.DataFrame) -> TableSpec | None:
    """``targets``: each figure with a target (måltal, contract table ``targets``) at the
    period's last date, its target for that year, the difference and whether it is over or
    under the target. The value is the same cell as in ``trends`` (withheld with it); the
    difference and status rest on it; the target itself is the municipality's own plan."""
    name = "targets"
    if targets is None or targets.empty:
        return None
    inside = frame[frame["in_period"]]
    if inside.empty:
        return None
    last = inside["date"].max()
    year = int(last[:4])
    goals = targets[targets["year"] == year].copy()
    goals["group"] = goals["group"].fillna(trends.TOTAL).replace("", trends.TOTAL).astype(str)
    rows = inside[inside["date"] == last].merge(goals[["figure", "group", "target"]], on=["figure", "group"])
    rows = rows[rows["kind"] == "count"].reset_index(drop=True)
    if rows.empty:
        return None
    difference = rows["value"] - rows["target"]
    table = pd.DataFrame(
        {
            "municipality": rows["municipality"],
            "date": rows["date"],
            "figure": rows["figure"],
            "group": rows["group"],
            "value": rows["value"],
            "target": rows["target"].astype(float),
            "difference": difference,
            "status": np.select([difference > 0, difference < 0], ["over målet", "under målet"], default="på målet"),
        }
    )
    cells = [Cell(name, i, "value", r.unit, r.members, r.value) for i, r in enumerate(rows.itertuples(index=False))]
    stats = [Statistic(name, i, c, ((name, i, "value"),)) for i in range(len(table)) for c in ("difference", "status")]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=3,
        caption=f"Målopfyldelse ved udgangen af {_month_da(last)}",
        show=["figure", "group", "value", "target", "difference", "status"],
        formats={
            "figure": lambda f: FIGURE_LABELS.get(f, f),
            "group": _group_da,
            "value": _value_da,
            "target": _value_da,
            "difference": lambda v: num_da(v, 0, sign=True),
        },
        labels={"value": "Faktisk", "target": "Mål", "difference": "Forskel", "status": "Status"},
    )


def _value_da(v) -> str:
    return num_da(v, 0) if abs(v) >= 100 or float(v).is_integer() else num_da(v, 2)


def forecast_as_of(report) -> pd.Timestamp:
    """The forecast is made as of the period's last day."""
    return report.period_end


def backtest_year(report) -> int:
    """The latest full calendar year up to the period's end."""
    end = report.period_end
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def forecast_spec(
    interventions: pd.DataFrame, budget: pd.DataFrame, as_of, realised: pd.DataFrame | None = None
) -> TableSpec:
    """``forecast``: the year as seen on ``as_of`` (the measures granted by then, with their
    recorded end dates), with its 95 % band and the budget; and what the year came to from
    ``realised`` (all the interventions, when the data reach past the year's end)."""
    name = "forecast"
    as_of = pd.Timestamp(as_of)
    interventions = granted_by(interventions, as_of)
    budget_total = year_budget(budget, as_of.year)
    middle = trends.forecast(interventions, budget_total, as_of)
    low = trends.forecast(interventions, budget_total, as_of, band=-1)
    high = trends.forecast(interventions, budget_total, as_of, band=+1)
    values = {
        **{k: middle[k] for k in ("spent", "committed", "expected_inflow", "expected_exits", "forecast")},
        "band_low": low["forecast"],
        "band_high": high["forecast"],
        "budget": budget_total,
    }
    if realised is not None:
        values["realised"] = trends.realised(realised, as_of.year)
    table = pd.DataFrame(
        {
            "year": as_of.year,
            "as_of": str(as_of.date()),
            "figure": list(values),
            "value": [np.nan if v is None else float(v) for v in values.values()],
        }
    )
    year_start = pd.Timestamp(year=as_of.year, month=1, day=1)
    year_end = pd.Timestamp(year=as_of.year, month=12, day=31)
    spent_ids = paying_ids(cost_in(interventions, year_start, as_of))
    committed_ids = paying_ids(committed_year(interventions, as_of))
    children = interventions.loc[
        interventions["end_date"].isna() | (interventions["end_date"] >= year_start), "person_id"
    ].nunique()
    cells = [
        Cell(
            name,
            0,
            "value",
            "intervention",
            spent_ids,
            values["spent"],
            cost_measure(year_start, as_of),
            base_n=children,
        ),
        Cell(
            name,
            1,
            "value",
            "intervention",
            committed_ids,
            values["committed"],
            cost_measure(year_start, year_end),  # the same figure as the key figures' and the budget's
            base_n=children,
        ),
    ]
    stats = [Statistic(name, i, "value", ((name, 1, "value"),), children) for i in range(2, 7)]
    if realised is not None:
        cells.append(
            Cell(
                name,
                len(table) - 1,
                "value",
                "intervention",
                paying_ids(cost_in(realised, year_start, year_end)),
                values["realised"],
                cost_measure(year_start, year_end),
                base_n=children,
            )
        )
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
        concepts=[(FORECAST_CONCEPTS[f], trends.TOTAL, i, "value") for i, f in enumerate(table["figure"])],
    )


def backtest_spec(interventions: pd.DataFrame, year: int) -> TableSpec | None:
    """``forecast_backtest``: the forecast made at each month end of a finished year from
    the data known then, against what the year came to."""
    name = "forecast_backtest"
    table = trends.backtest(interventions, year)
    if table.empty or not table["realised"].iloc[0]:
        return None
    ids = paying_ids(cost_in(interventions, f"{year}-01-01", f"{year}-12-31"))
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
            cost_measure(f"{year}-01-01", f"{year}-12-31"),
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


def specs(report) -> list[TableSpec]:
    """Every table of the trends page for the report's municipality and period."""
    interventions, events = report.rows("interventions"), report.rows("case_events")
    if interventions.empty and events.empty:
        return []
    figures = report.rows("municipality_figures")
    frame = trends.trends(interventions, events, figures, report.period_start, report.period_end, report.municipality)
    out = [trends_spec(frame)]
    goals = targets_spec(frame, report.rows("targets"))
    if goals is not None:
        out.append(goals)
    if not interventions.empty:
        # the forecast is made from the measures granted by the period's end, to their
        # recorded end dates (seed 002's "disponerede foranstaltninger"); the backtest knows
        # no end date after the day its forecast is made (the data do not say when an end
        # date was recorded), so it measures the forecast with less than it knows live
        as_of = forecast_as_of(report)
        year_end = pd.Timestamp(year=as_of.year, month=12, day=31)
        later = interventions if interventions["start_date"].max() > year_end else None
        out.append(forecast_spec(interventions, report.rows("budget_assumptions"), as_of, later))
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


#: The figures of the overview table, in the order a monthly report reads them.
OVERVIEW = [
    ("placed_children", None),
    ("placed_per_1000_0_22", None),
    ("placed_by_type", None),
    ("preventive_children", None),
    ("preventive_recipients", None),
    ("new_placements", None),
    ("ended_placements", None),
    ("preventive_started", None),
    ("preventive_ended", None),
    ("monthly_price_placement", None),
    ("monthly_price_preventive", None),
    ("spending", None),
    ("notifications", None),
    ("investigations", None),
    ("investigations_within_deadline_share", None),
    ("active_cases", None),
]


def overview(published) -> pd.DataFrame:
    """The period's last month beside the same month a year earlier, from the *published*
    table (a withheld value stays withheld, and so does a change that rests on it):
    ``Nøgletal``, ``Gruppe``, the two months and ``Ændring``, as Danish text."""
    data = published.data.assign(withheld=published.mask["value"].to_numpy())
    if data.empty:
        return pd.DataFrame()
    last = pd.Timestamp(data["date"].max())  # the period's last month end (the year before comes earlier)
    before = str((last - pd.offsets.MonthEnd(12)).date()) if last.is_month_end else None
    now = data[data["date"] == str(last.date())].set_index(["figure", "group"])
    then = data[data["date"] == before].set_index(["figure", "group"]) if before else now.iloc[0:0]

    def shown(row, figure):
        if row is None:
            return ""
        if row["withheld"]:
            return WITHHELD
        if pd.isna(row["value"]):
            return ""
        return pct_da(row["value"], 0) if figure.endswith("_share") else _value_da(row["value"])

    lines = []
    for figure, _ in OVERVIEW:
        if figure not in now.index.get_level_values(0):
            continue
        for group in now.loc[figure].index:
            a = now.loc[(figure, group)]
            b = then.loc[(figure, group)] if (figure, group) in then.index else None
            change = ""
            if (
                b is not None
                and not a["withheld"]
                and not b["withheld"]
                and pd.notna(a["value"])
                and pd.notna(b["value"])
            ):
                delta = a["value"] - b["value"]
                change = (
                    "0"
                    if delta == 0
                    else (
                        num_da(100 * delta, 0, sign=True) + " pct.-point"
                        if figure.endswith("_share")
                        else (
                            num_da(delta, 0, sign=True)
                            if abs(delta) >= 100 or float(delta).is_integer()
                            else num_da(delta, 2, sign=True)
                        )
                    )
                )
            elif b is not None and (a["withheld"] or b["withheld"]):
                change = WITHHELD
            lines.append(
                {
                    "Nøgletal": FIGURE_LABELS.get(figure, figure),
                    "Gruppe": "" if len(now.loc[figure]) == 1 else _group_da(group),
                    _month_da(last): shown(a, figure),
                    _month_da(pd.Timestamp(before)) if before else "Året før": shown(b, figure),
                    "Ændring": change,
                }
            )
    frame = pd.DataFrame(lines)
    frame.loc[frame["Nøgletal"].duplicated(), "Nøgletal"] = ""
    return frame


def _group_da(group: str) -> str:
    if group in PLACED_STEPS or group in ("1", "2", "3"):
        return f"Trin {group}"
    return {
        "anbringelser": "Anbringelser",
        "forebyggende": "Forebyggende",
        "egne": "Egne tilbud",
        "købte": "Købte tilbud",
    }.get(group, group)


def target_lines(targets: pd.DataFrame, figure: str, group: str, years) -> pd.DataFrame:
    """The targets of one figure and group in ``years`` (``year``, ``target``), for a figure."""
    if targets is None or targets.empty:
        return pd.DataFrame(columns=["year", "target"])
    groups = targets["group"].fillna(trends.TOTAL).replace("", trends.TOTAL).astype(str)
    rows = targets[(targets["figure"] == figure) & (groups == group) & targets["year"].isin(list(years))]
    return rows[["year", "target"]].sort_values("year").reset_index(drop=True)


def key_messages(published, forecast, name: str, period_end, goals=None, backtest=None) -> list[str]:
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
    if goals is not None:
        for i, r in enumerate(goals.data.itertuples(index=False)):
            if r.figure == "placed_children" and r.group == trends.TOTAL and goals.value(i, "status") is not None:
                lines.append(
                    f"Målet for {r.date[:4]} er {num_da(r.target, 0)} anbragte; tallet er "
                    f"{num_da(abs(goals.value(i, 'difference')), 0)} {goals.value(i, 'status')}."
                    if goals.value(i, "difference")
                    else f"Antallet af anbragte er på målet for {r.date[:4]} ({num_da(r.target, 0)})."
                )
    if forecast is not None:
        values = dict(zip(forecast.data["figure"], range(len(forecast.data))))
        f, b = forecast.value(values["forecast"], "value"), forecast.value(values["budget"], "value")
        low, high = forecast.value(values["band_low"], "value"), forecast.value(values["band_high"], "value")
        if f is not None:
            text = f"Prognosen for {pd.Timestamp(period_end).year} er {num_da(f / 1e6, 1)} mio. kr."
            if low is not None and high is not None:
                text += f" (95 %-bånd {num_da(low / 1e6, 1)}–{num_da(high / 1e6, 1)} mio. kr.)"
            if b:
                text += (
                    f", {num_da(abs(f - b) / 1e6, 1)} mio. kr. {'over' if f > b else 'under'} budgettet "
                    f"({'merforbrug' if f > b else 'mindreforbrug'})"
                )
            lines.append(text + ".")
            parts = [forecast.value(values[k], "value") for k in ("committed", "expected_inflow", "expected_exits")]
            if all(v is not None for v in parts):
                committed, inflow, exits = parts
                lines.append(
                    f"Prognosen er forbrug + disponerede indsatser ({num_da(committed / 1e6, 1)} mio. kr.) plus "
                    f"forventede nye indsatser ({num_da(inflow / 1e6, 1)} mio. kr.) minus forventede ophør af "
                    f"indsatser uden slutdato ({num_da(exits / 1e6, 1)} mio. kr.)."
                )
            same = _same_month(backtest, period_end)
            if same is not None:
                year = backtest.data["as_of"].iloc[same][:4]
                lines.append(
                    f"Båndet dækker kun usikkerheden om tilgang og varighed. Lavet på samme tid af året ramte "
                    f"prognosen for {year} {num_da(abs(backtest.value(same, 'error_pct')), 1)} % ved siden af "
                    "(uden de slutdatoer, der først blev registreret senere)."
                )
    return lines


def _same_month(backtest, period_end) -> int | None:
    """The backtest row made at the same time of year as the forecast (the month end on or
    before the period's end), when it is published."""
    if backtest is None:
        return None
    month = (pd.Timestamp(period_end) + pd.Timedelta(days=1) - pd.offsets.MonthEnd(1)).month
    rows = [i for i, d in enumerate(backtest.data["as_of"]) if pd.Timestamp(d).month == month]
    if not rows or backtest.value(rows[0], "error_pct") is None:
        return None
    return rows[0]


PLACED_STEPS = [str(s) for s in PLACEMENT_STEPS]
