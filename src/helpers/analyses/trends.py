"""Development over time: monthly management information for one municipality.

The sources ask for development, not snapshots: Esbjerg's quarterly and Aalborg's monthly
lists (seeds/000), key figures "sammenholdt med årets udgangspunkt og foregående måneder"
(Socialstyrelsen, seeds/002). Every figure is computed for each month of the period, and
for the same months a year earlier; over periods of more than two years the stocks (the
children on a step at a date, prices at a date, active cases) are shown at quarter ends,
while the flows (new and ended placements and preventive measures, spending, notifications,
investigations) stay monthly. A period of one calendar month is a monthly release: its page
shows every month of the year up to it (the source's "foregående måneder"), so a figure of
an earlier month that late registrations changed is published again, as a revision, in the
new release (:mod:`helpers.publishing.releases`). Flows live on one calendar grid, months,
on every page of the book: a quarter or a year is never printed beside the months another page prints, so no
total can give away a month that a page withholds.

Definitions (the data contract's; :mod:`helpers.analyses.staircase`):

* a child's step on ``t`` is the highest step among its interventions active on ``t``;
  placed = step 4-6, preventive = step 1-3, counted at the date;
* a *placement episode* joins a child's placement rows that overlap or follow each other
  day by day (a move from foster family to institution does not end a placement); a new
  placement in a month is an episode starting in it, an ended one an episode whose last day
  is in it; preventive episodes likewise (steps 1-3);
* average monthly price: the mean ``monthly_cost`` of the interventions active at the
  date, per placement type and for preventive measures as a whole;
* spending in a month: ``monthly_cost`` x 12 x days active in the month / days in the year
  (:func:`helpers.analyses.key_figures.cost_in`), split into placements and preventive
  measures, and into own (``egen``) and bought provision (``privat``, ``anden kommune``,
  ``region``);
* case handling in a month: notifications, child-protection investigations (and how many
  kept the deadline); active cases at the date: children with a ``ny_sag`` on or before the
  date and no ``sag_lukket`` after it (up to the date);
* placed per 1,000 0-22-year-olds: placed children / ``population_0_22`` of the year x 1,000.

The tidy output has one row per date, figure and group: ``date`` (ISO), ``figure``,
``group``, ``value``, plus internal columns for protection (see
:mod:`helpers.analyses.key_figures`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..data.periods import age_on, as_date
from ..data.steps import PLACEMENT_STEPS, PREVENTIVE_STEPS
from .key_figures import committed_year, cost_in, cost_measure
from .staircase import AGE_GROUPS, age_group, highest_active

TOTAL = "I alt"
BOUGHT = ("privat", "anden kommune", "region")
#: A period longer than this is followed quarter by quarter.
QUARTERLY_AFTER_DAYS = 2 * 366


def dates_in(start, end) -> list[pd.Timestamp]:
    """The month ends in [start, end]; quarter ends for periods over two years."""
    start, end = as_date(start), as_date(end)
    freq = "QE" if (end - start).days > QUARTERLY_AFTER_DAYS else "ME"
    return [d for d in pd.date_range(start, end, freq=freq) if start <= d <= end]


def is_month(start, end) -> bool:
    """The period is one calendar month (a monthly release)."""
    start, end = as_date(start), as_date(end)
    return start.day == 1 and end == start + pd.offsets.MonthEnd(0)


def shown_months(start, end) -> list[pd.Timestamp]:
    """The month ends a page shows: those of the period, and for a monthly release every
    month of its year up to it (year to date)."""
    start, end = as_date(start), as_date(end)
    return month_ends(start.replace(month=1) if is_month(start, end) else start, end)


def month_ends(start, end) -> list[pd.Timestamp]:
    """The month ends in [start, end]: the grid of every flow figure."""
    start, end = as_date(start), as_date(end)
    return [d for d in pd.date_range(start, end, freq="ME") if start <= d <= end]


def year_before(dates: list[pd.Timestamp]) -> list[pd.Timestamp]:
    """The same month ends a year earlier."""
    return [d - pd.offsets.MonthEnd(12) for d in dates]


def episodes(interventions: pd.DataFrame, steps) -> pd.DataFrame:
    """Episodes per child over the rows whose step is in ``steps``: rows that overlap or
    follow each other day by day are joined. Columns ``person_id``, ``start``, ``end``
    (NaT = ongoing) and ``first_step``.

    Vectorised: with a child's rows in order of start, a row joins the episode before it
    when it starts at most a day after the latest end of the child's earlier rows (an
    ongoing row has no end, so every later row joins it). The latest end of earlier rows
    is the current episode's end, as earlier episodes ended before it began."""
    rows = interventions.loc[interventions["step"].isin(steps), ["person_id", "start_date", "end_date", "step"]]
    rows = rows.sort_values(["person_id", "start_date"], kind="stable").reset_index(drop=True)
    kind = rows["end_date"].dtype
    nat, never = np.iinfo(np.int64).min, np.iinfo(np.int64).max
    ends = rows["end_date"].to_numpy().view(np.int64)
    ends = np.where(ends == nat, never, ends)
    starts = rows["start_date"].to_numpy().astype(kind).view(np.int64)
    person = rows["person_id"].to_numpy()
    new_child = np.r_[True, person[1:] != person[:-1]][: len(rows)]
    latest_end = np.roll(pd.Series(ends).groupby(person, sort=False).cummax().to_numpy(), 1)
    day = np.timedelta64(1, "D").astype(f"timedelta64[{np.datetime_data(kind)[0]}]").astype(np.int64)
    joins = ~new_child & ((latest_end == never) | (starts <= latest_end + day))
    end = pd.Series(ends).groupby(np.cumsum(~joins), sort=True).max().to_numpy(dtype=np.int64)
    firsts = rows.loc[~joins]
    return pd.DataFrame(
        {
            "person_id": firsts["person_id"].tolist(),  # as given (pseudonyms)
            "start": firsts["start_date"].to_numpy(),
            "end": np.where(end == never, nat, end).view(kind),
            "first_step": firsts["step"].astype(int).to_numpy(),
        }
    )


class _Rows:
    """Tidy rows with what protection needs (unit, members, kind, inputs, n)."""

    def __init__(self):
        self.rows = []

    def add(self, date, figure, group, value, kind, unit=None, members=None, measure="count", inputs=(), n=None):
        self.rows.append(
            {
                "date": str(pd.Timestamp(date).date()),
                "figure": figure,
                "group": str(group),
                "value": float(value) if value is not None and not pd.isna(value) else np.nan,
                "kind": kind,
                "unit": unit,
                "measure": measure,
                "n": np.nan if n is None else float(n),
                "members": None if members is None else np.asarray(pd.Index(members).unique(), dtype=object),
                "inputs": tuple(inputs),
            }
        )

    def counts(self, date, figure, frame, column, groups, unit, id_column="person_id", total=True):
        for g in groups:
            ids = frame.loc[frame[column] == g, id_column]
            self.add(date, figure, g, ids.nunique(), "count", unit, ids)
        if total:
            self.add(date, figure, TOTAL, frame[id_column].nunique(), "count", unit, frame[id_column])

    def step_counts(self, date, figure, frame, steps, total=True):
        """Children per step (groups "1" ... "6", the steps given) and, with ``total``, in all."""
        by_step = frame.assign(step_group=frame["step"].astype(int).astype(str))
        self.counts(date, figure, by_step, "step_group", [str(s) for s in steps], "child", total=total)

    def amount(self, date, figure, group, cost: pd.Series, base: pd.Series, measure: str):
        """A sum over the interventions that add to it (their row labels are the ids; one
        that adds 0 is not a member). ``measure`` names what is summed: amounts of one
        measure are the same quantity whatever the date."""
        members = cost.index[cost.to_numpy() != 0].astype(str)
        self.add(date, figure, group, cost.sum(), "amount", "intervention", members, measure, n=base.nunique())

    def mean(self, date, figure, group, values: pd.Series, people: pd.Series, measure: str):
        """A mean over interventions, published with the count and the sum it divides."""
        key = (str(pd.Timestamp(date).date()), figure, str(group))
        self.add(date, f"{figure}_count", group, len(values), "count", "intervention", values.index.astype(str))
        self.amount(date, f"{figure}_sum", group, values, people, measure)
        self.add(
            date,
            figure,
            group,
            values.mean() if len(values) else np.nan,
            "statistic",
            inputs=((key[0], f"{figure}_count", key[2]), (key[0], f"{figure}_sum", key[2])),
            n=people.nunique(),
        )


def _states(interventions: pd.DataFrame, t) -> pd.DataFrame:
    """Per child active on ``t``: the step-setting intervention, with age group and placement type."""
    top = highest_active(interventions, t).copy()
    top["age"] = age_group(age_on(pd.to_datetime(top["birth_date"]), t)).fillna("Ukendt")
    if "placement_type" not in top:
        top["placement_type"] = top["step"].map(lambda s: f"trin {int(s)}")
    return top


def trends(
    interventions: pd.DataFrame,
    case_events: pd.DataFrame,
    figures: pd.DataFrame,
    start,
    end,
    municipality: int,
) -> pd.DataFrame:
    """Every monthly figure of the period (of the year to date for a monthly release), and
    of the same months a year earlier (tidy)."""
    dates = shown_months(start, end)
    stock_dates = dates if is_month(start, end) else dates_in(start, end)
    every = sorted(set(year_before(dates)) | set(dates))
    stocks_on = set(year_before(stock_dates)) | set(stock_dates)
    out = _Rows()
    iv = interventions
    placements, preventive = episodes(iv, PLACEMENT_STEPS), episodes(iv, PREVENTIVE_STEPS)
    ev = case_events.assign(unit_id=case_events.index.astype(str))
    population = figures.dropna(subset=["population_0_22"]).set_index("year")["population_0_22"] if len(figures) else {}
    types = sorted(iv["placement_type"].dropna().unique()) if "placement_type" in iv else []
    for t in every:
        # flows and spending over the month that ends on t; stocks on t (on the stock dates)
        first = (t - pd.offsets.MonthEnd(1)) + pd.Timedelta(days=1)
        stock = t in stocks_on
        active_now = iv[(iv["start_date"] <= t) & (iv["end_date"].isna() | (iv["end_date"] >= t))]
        if stock:
            _stocks(out, iv, t, types, population, active_now)
        _flows(out, t, first, iv, placements, preventive, ev)
        if stock:
            _active_cases(out, ev, t)
    frame = pd.DataFrame(out.rows)
    frame.insert(0, "municipality", int(municipality))
    frame["in_period"] = frame["date"].isin([str(d.date()) for d in dates])
    return frame


def _stocks(out: _Rows, iv: pd.DataFrame, t, types: list, population, active_now: pd.DataFrame) -> None:
    """The figures at the date ``t``: children per step, placement type, target group and age
    group; preventive children and recipients; placed per 1,000; average monthly prices."""
    state = _states(iv, t)
    placed = state[state["step"].isin(PLACEMENT_STEPS)]
    out.step_counts(t, "placed_children", placed, PLACEMENT_STEPS)
    out.counts(
        t,
        "placed_by_type",
        placed,
        "placement_type",
        types or sorted(placed["placement_type"].unique()),
        "child",
        total=False,
    )
    out.counts(t, "placed_by_target_group", placed, "target_group", ["udsat", "handicap"], "child", total=False)
    out.counts(t, "placed_by_age_group", placed, "age", [g for *_, g in AGE_GROUPS] + ["Ukendt"], "child", total=False)
    prev = state[state["step"].isin(PREVENTIVE_STEPS)]
    out.step_counts(t, "preventive_children", prev, PREVENTIVE_STEPS)
    # unique recipients of preventive measures on each step (a child with measures on two
    # steps counts on both; "preventive_children" counts each child once, on its highest step)
    recipients = active_now[active_now["step"].isin(PREVENTIVE_STEPS)]
    out.step_counts(t, "preventive_recipients", recipients, PREVENTIVE_STEPS, total=False)
    pop = population.get(t.year) if hasattr(population, "get") else None
    if pop:
        out.add(
            t,
            "placed_per_1000_0_22",
            TOTAL,
            1000 * len(placed) / pop,
            "statistic",
            inputs=((str(t.date()), "placed_children", TOTAL),),
        )
    active_placements = active_now[active_now["step"].isin(PLACEMENT_STEPS)]
    kinds = (
        active_placements["placement_type"]
        if "placement_type" in active_placements
        else (active_placements["step"].map(lambda s: f"trin {int(s)}"))
    )
    for kind in types or sorted(kinds.dropna().unique()):
        part = active_placements[kinds == kind]
        out.mean(t, "monthly_price_placement", kind, part["monthly_cost"].dropna(), part["person_id"], "monthly_cost")
    part = active_now[active_now["step"].isin(PREVENTIVE_STEPS)]
    out.mean(t, "monthly_price_preventive", TOTAL, part["monthly_cost"].dropna(), part["person_id"], "monthly_cost")


def _flows(out: _Rows, t, first, iv: pd.DataFrame, placements, preventive, ev: pd.DataFrame) -> None:
    """The figures over the month [``first``, ``t``]: new and ended placements and preventive
    measures, spending, notifications and investigations."""
    for figure, episodes_, column in (
        ("new_placements", placements, "start"),
        ("ended_placements", placements, "end"),
        ("preventive_started", preventive, "start"),
        ("preventive_ended", preventive, "end"),
    ):
        inside = episodes_[(episodes_[column] >= first) & (episodes_[column] <= t)]
        out.add(t, figure, TOTAL, inside["person_id"].nunique(), "count", "child", inside["person_id"])
    cost = cost_in(iv, first, t)
    paying = cost > 0
    span = cost_measure(first, t)  # the cost of each intervention in this month
    for label, mask in (
        ("anbringelser", iv["step"].isin(PLACEMENT_STEPS)),
        ("forebyggende", iv["step"].isin(PREVENTIVE_STEPS)),
        ("egne", iv["provider_type"] == "egen"),
        ("købte", iv["provider_type"].isin(BOUGHT)),
    ):
        out.amount(t, "spending", label, cost[mask], iv.loc[mask & paying, "person_id"], span)
    out.amount(t, "spending", TOTAL, cost, iv.loc[paying, "person_id"], span)
    month = ev[(ev["event_date"] >= first) & (ev["event_date"] <= t)]
    out.add(
        t,
        "notifications",
        TOTAL,
        (month["event_type"] == "underretning").sum(),
        "count",
        "event",
        month.loc[month["event_type"] == "underretning", "unit_id"],
    )
    inv = month[(month["event_type"] == "børnefaglig_undersøgelse") & month["deadline_met"].notna()]
    kept = inv[inv["deadline_met"].astype(bool)]
    out.add(t, "investigations", TOTAL, len(inv), "count", "event", inv["unit_id"])
    out.add(t, "investigations_within_deadline", TOTAL, len(kept), "count", "event", kept["unit_id"])
    date = str(t.date())
    out.add(
        t,
        "investigations_within_deadline_share",
        TOTAL,
        len(kept) / len(inv) if len(inv) else np.nan,
        "statistic",
        inputs=((date, "investigations_within_deadline", TOTAL), (date, "investigations", TOTAL)),
    )


def _active_cases(out: _Rows, ev: pd.DataFrame, t) -> None:
    """Children with a case open at the date ``t``."""
    opened = ev[(ev["event_type"] == "ny_sag") & (ev["event_date"] <= t)].groupby("person_id")["event_date"].max()
    closed = ev[(ev["event_type"] == "sag_lukket") & (ev["event_date"] <= t)].groupby("person_id")["event_date"].max()
    open_cases = opened[~(closed.reindex(opened.index) >= opened)].index
    out.add(t, "active_cases", TOTAL, len(open_cases), "count", "child", open_cases)


def compare_year_before(frame: pd.DataFrame) -> pd.DataFrame:
    """Each figure of the period beside its value a year earlier: ``date``, ``figure``,
    ``group``, ``value``, ``value_year_before``."""
    period = frame[frame["in_period"]].copy()
    earlier = frame.assign(date=(pd.to_datetime(frame["date"]) + pd.offsets.MonthEnd(12)).dt.strftime("%Y-%m-%d"))
    earlier = earlier[["date", "figure", "group", "value"]].rename(columns={"value": "value_year_before"})
    return period.merge(earlier, on=["date", "figure", "group"], how="left")


# ----------------------------------------------------------------------------- forecast


def _survival(durations: np.ndarray, ended: np.ndarray):
    """Kaplan-Meier survival of durations in days (ongoing ones censored), as a function of
    days; statsmodels' ``SurvfuncRight``, with its 95 % pointwise band."""
    from statsmodels.duration.survfunc import SurvfuncRight

    if len(durations) == 0 or not ended.any():
        return lambda d, band=0: np.ones_like(np.asarray(d, dtype=float))
    fit = SurvfuncRight(durations, ended.astype(int))
    times, surv, se = fit.surv_times, fit.surv_prob, fit.surv_prob_se
    z = 1.959963984540054

    def s(days, band: int = 0):
        days = np.asarray(days, dtype=float)
        idx = np.searchsorted(times, days, side="right") - 1
        value = np.where(idx >= 0, surv[np.clip(idx, 0, None)], 1.0)
        if band:
            spread = np.where(idx >= 0, se[np.clip(idx, 0, None)], 0.0)
            value = np.clip(value + band * z * spread, 0.0, 1.0)
        return value

    return s


def known_as_of(interventions: pd.DataFrame, as_of) -> pd.DataFrame:
    """What the data said on ``as_of``: interventions started by then; an end date after it
    was not known yet (the measure counts as ongoing)."""
    as_of = as_date(as_of)
    known = interventions[interventions["start_date"] <= as_of].copy()
    known.loc[known["end_date"] > as_of, "end_date"] = pd.NaT
    return known


def forecast(
    interventions: pd.DataFrame, budget_total: float | None, as_of, history_months: int = 12, band: int = 0
) -> dict:
    """The year's spending as seen on ``as_of`` (VIVE, seeds/001: a realistic forecast needs
    the expected inflow and outflow):

    * ``committed``: seed 002's "forbrug + disponerede foranstaltninger",
      :func:`~helpers.analyses.key_figures.committed_year` (spent from 1 January to
      ``as_of`` plus the measures granted by then, to their recorded end or the year's end);
    * ``expected_exits``: of the measures with no recorded end, the part of that cost they
      will not use, from Kaplan-Meier survival of the durations observed (ongoing ones
      censored), conditional on how long each has run;
    * ``expected_inflow``: new measures per step group at the monthly rate of the last
      ``history_months`` months, each at the average monthly cost of the recent new ones
      and the survival from its start;
    * ``forecast`` = ``committed`` + ``expected_inflow`` - ``expected_exits``.

    ``band`` -1 / +1 gives the low / high end of a 95 % band (survival at its pointwise
    interval, inflow at the Poisson 95 % interval of the count)."""
    from scipy import stats

    as_of = as_date(as_of)
    year_end = pd.Timestamp(year=as_of.year, month=12, day=31)
    year_start = pd.Timestamp(year=as_of.year, month=1, day=1)
    n_days = (year_end - year_start).days + 1
    iv = interventions[interventions["start_date"] <= as_of]
    spent = cost_in(iv, year_start, as_of).sum()
    committed = committed_year(iv, as_of).sum()
    remaining = (year_end - as_of).days
    exits = inflow = 0.0
    new_measures = 0.0
    for steps in (PLACEMENT_STEPS, PREVENTIVE_STEPS):
        rows = iv[iv["step"].isin(steps)]
        ended = rows["end_date"].notna() & (rows["end_date"] <= as_of)
        durations = ((rows["end_date"].where(ended, as_of) - rows["start_date"]).dt.days + 1).clip(lower=1)
        survival = _survival(durations.to_numpy(dtype=float), ended.to_numpy())
        open_now = rows[(rows["start_date"] <= as_of) & rows["end_date"].isna()]
        if len(open_now) and remaining:
            # each open measure stays active by the survival curve, given how long it has run:
            # having run ``ran`` days (as_of included), it is active ``u`` days later when its
            # duration D >= ran + u, with probability S(ran + u - 1) / S(ran - 1), S(d) = P(D > d)
            ran = ((as_of - open_now["start_date"]).dt.days + 1).to_numpy(dtype=float)
            base = np.maximum(survival(ran - 1, band), 1e-9)
            ahead = survival(ran[:, None] - 1 + np.arange(1, remaining + 1)[None, :], band)
            expected_days = np.minimum(ahead / base[:, None], 1.0).sum(axis=1)
            exits += float(
                (open_now["monthly_cost"].fillna(0).to_numpy() * 12 / n_days * (remaining - expected_days)).sum()
            )
        window = as_of - pd.DateOffset(months=history_months)
        recent = rows[(rows["start_date"] > window) & (rows["start_date"] <= as_of)]
        rate = len(recent) / history_months
        expected_count = rate * remaining * 12 / 365.25
        if band:
            expected_count = stats.poisson.ppf(0.975 if band > 0 else 0.025, expected_count) if expected_count else 0
        new_measures += expected_count
        if len(recent) and remaining:
            # a new measure starts on a day spread evenly over the rest of the year and then
            # stays active by the survival curve: its expected active days to 31 December, the
            # sum over its k-th day (k = 1 .. days left) of P(D >= k) = S(k - 1)
            starts = range(0, remaining, 7)
            mean_days = float(np.mean([survival(np.arange(0, remaining - s), band).sum() for s in starts]))
            inflow += expected_count * recent["monthly_cost"].fillna(0).mean() * 12 / n_days * mean_days
    return {
        "as_of": str(as_of.date()),
        "year": as_of.year,
        "spent": spent,
        "committed": committed,
        "expected_inflow": inflow,
        "expected_exits": exits,
        "forecast": committed + inflow - exits,
        "expected_new_measures": new_measures,
        "budget": budget_total,
    }


def realised(interventions: pd.DataFrame, year: int) -> float:
    """The year's spending with everything known (the data as they are)."""
    return float(cost_in(interventions, f"{year}-01-01", f"{year}-12-31").sum())


def backtest(interventions: pd.DataFrame, year: int, history_months: int = 12) -> pd.DataFrame:
    """The forecast as of each month end of ``year`` (January to November) from the data
    known then, against the realised year: ``as_of``, ``forecast``, ``realised``,
    ``error`` and ``error_pct``."""
    actual = realised(interventions, year)
    rows = []
    for as_of in pd.date_range(f"{year}-01-31", f"{year}-11-30", freq="ME"):
        f = forecast(known_as_of(interventions, as_of), None, as_of, history_months)
        rows.append(
            {
                "as_of": str(as_of.date()),
                "forecast": f["forecast"],
                "realised": actual,
                "error": f["forecast"] - actual,
                "error_pct": 100 * (f["forecast"] - actual) / actual if actual else np.nan,
            }
        )
    return pd.DataFrame(rows)
