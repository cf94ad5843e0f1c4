"""Seeded synthetic default data, shaped after the published reference figures.

Everything here is synthetic except the rows marked as published: the six municipalities
of VIVE's Tabel 1.1 in ``municipality_figures`` (``source`` column). Person ids are
CPR-like so that the loader's privacy path (derive, then pseudonymise) is exercised.

* ``interventions`` (2014-2024, exported on 31 December 2024: later end dates are empty):
  the children active on 1 February or 1 August 2016 are built from KORA's published flow
  table, so that Aalborg's (851) flows February -> August 2016 are exactly the published
  ones, including concurrent lower steps, boundary dates and interventions that do not touch
  either date (six more municipalities get the same flow pattern, scaled by population and
  resampled). Every other child follows a monthly inflow with a trend (2 % more children a
  year; the entry step shifts from placements towards early and preventive measures) and a
  season (fewer new children in July and December, more in September), durations by step,
  moves to a neighbouring step and concurrent lower steps. Measures are named by Serviceloven
  § 52, stk. 3 until 2023 and by Barnets lov from 2024 (see ``data/measure_steps.csv``).
  Written as a Danish Excel export (``;``, decimal comma, dd-mm-yyyy, cp1252).
* ``adult_registrations``: a SEP-like set (KL, SEP project 9): 10 municipalities, about
  400 cases, 1-9 registrations, VUM mostly 2-3, prices and hours rising with VUM and
  higher under 40, about half of the goals met (20-75 % by municipality).
* ``municipality_figures`` (all 98 municipalities, 2013-2016): coherent with the records
  and the sources (populations from Tabel 1.1, 0-22-year-olds a fixed share of them,
  placed per 1,000 around VIVE's 9.2, moving with the records' own figure where a
  municipality has records: Aalborg within a few per cent of them, Tabel 1.1's six around
  their published 2015 rate). The constants below name the published figure each parameter
  follows.
* ``case_events``,
  ``budget_assumptions`` (per step and year 2014-2024, near the actual volumes and prices;
  Aalborg's split by district and provider, with its income from sold places and spending
  for earlier years, contract v1.3)
  and ``targets`` (Aalborg's targets for placed children 2016-2024, contract v1.1);
  ``budget_profile`` (contract v1.3): Aalborg's monthly budget profile for every budget year,
  the other municipalities have none (their budget is spread over the days).

Same seed -> byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from .municipalities import municipalities
from .paths import REFERENCE_DIR, SYNTHETIC_MARKER
from .periods import full_year_volume
from .privacy import parse_cpr
from .steps import PLACEMENT_STEPS

T0 = pd.Timestamp("2016-02-01")
T1 = pd.Timestamp("2016-08-01")
AALBORG = 851
#: Children's municipalities and their population (2015; Aalborg approximate, others Tabel 1.1).
CHILD_MUNICIPALITIES = {851: 210_000, 167: 52_380, 410: 37_857, 615: 86_361, 621: 90_794, 706: 41_652, 846: 42_134}
DISTRICTS = {851: ["Nord", "Syd", "Øst", "Vest", "Centrum"]}
SEP_MUNICIPALITIES = [153, 151, 607, 147, 157, 219, 615, 183, 410, 760]

# Published figures the synthetic parameters follow (seeds/ and data/reference/):
#: Municipal populations: Tabel 1.1 (VIVE 2017, seeds/001) gives six municipalities' 2015
#: populations and the range of all 98 (14,028-580,184); the Danish median is about 45,000.
POPULATION_MEDIAN = 45_000
POPULATION_RANGE = (14_028, 580_184)
#: Yearly population growth (Danmarks Statistik, FOLK1A 2013-2016: about 0.5 % a year).
POPULATION_GROWTH = 0.005
#: 0-22-year-olds as a share of the population (FOLK1A 2015: about 27 % nationally; a
#: municipality without records draws 25-30 %).
YOUNG_SHARE = 0.27
#: Placed children per 1,000 0-22-year-olds: VIVE's average municipality 9.2 (Tabel 1.1,
#: seeds/001); the records give Aalborg about 10 with KORA's flows (seeds/000) and 210,000
#: inhabitants.
PLACED_PER_1000_MEAN = 9.2
#: Mean VUM score at the first registration, lowest and highest municipality (KL, SEP
#: figure 3.3, seeds/003: 2.1-2.8), and the spread of the cases around it.
VUM_MEANS = (2.15, 2.75)
VUM_SD = 0.75

#: Measure names by step, numbered as in Serviceloven § 52, stk. 3 (until 31.12.2023) and
#: Barnets lov (LOV nr. 721 af 13.6.2023, from 1.1.2024); an intervention starting in 2024 or
#: later is named by Barnets lov. The weights make e.g. eget værelse and kost-/efterskole rarer
#: than plejefamilie.
SEL_MEASURES = {
    1: [("§11, stk. 3 rådgivning", 1), ("§11, stk. 3 tidlig indsats familiegruppe", 1)],
    2: [
        ("§52 stk. 3 nr. 5 aflastning", 1),
        ("§52 stk. 3 nr. 6 fast kontaktperson", 1),
        ("§52 stk. 3 nr. 1 dagbehandling", 1),
    ],
    3: [("§52 stk. 3 nr. 3 familiebehandling", 1), ("§52 stk. 3 nr. 2 praktisk pædagogisk støtte i hjemmet", 1)],
    4: [("§52 stk. 3 nr. 7 netværkspleje", 1)],
    5: [
        ("§52 stk. 3 nr. 7 plejefamilie", 6),
        ("§52 stk. 3 nr. 7 kommunal plejefamilie", 2),
        ("§52 stk. 3 nr. 7 eget værelse", 1.2),
        ("§52 stk. 3 nr. 7 kost-/efterskole", 0.8),
    ],
    6: [
        ("§52 stk. 3 nr. 7 døgninstitution", 4.75),
        ("§52 stk. 3 nr. 7 socialpædagogisk opholdssted", 4.75),
        ("§52 stk. 3 nr. 7 delt ophold", 0.5),
    ],
}
BL_MEASURES = {
    1: [("Barnets lov § 30 konsulentbistand", 1), ("Barnets lov § 30 netværks- eller samtalegruppe", 1)],
    2: [
        ("Barnets lov § 32, stk. 1, nr. 7 støtteophold", 1),
        ("Barnets lov § 32, stk. 1, nr. 3 fast kontaktperson", 1),
        ("Barnets lov § 32, stk. 1, nr. 1 dagbehandling", 1),
    ],
    3: [
        ("Barnets lov § 32, stk. 1, nr. 5 familiebehandling", 1),
        ("Barnets lov § 32, stk. 1, nr. 2 praktisk, pædagogisk eller anden støtte i hjemmet", 1),
    ],
    4: [("Barnets lov § 46 netværksplejefamilie", 1)],
    5: [
        ("Barnets lov § 46 almen plejefamilie", 5),
        ("Barnets lov § 46 forstærket plejefamilie", 3),
        ("Barnets lov § 46 eget værelse", 1.2),
        ("Barnets lov § 46 efterskole", 0.8),
    ],
    6: [
        ("Barnets lov § 46 børne- og ungehjem (døgninstitution)", 5),
        ("Barnets lov § 46 børne- og ungehjem (opholdssted)", 5),
    ],
}
BL_FROM = pd.Timestamp("2024-01-01")
#: The children's data run from START to the export date EXPORT (later end dates are open).
START = pd.Timestamp("2014-01-01")
EXPORT = pd.Timestamp("2024-12-31")
#: New children per month in Aalborg (others scaled by population), the yearly trend of that
#: inflow and its seasonality (fewer in July and December, more after the summer holidays).
NEW_PER_MONTH = 62.0
INFLOW_TREND = 0.01
SEASON = (1.05, 1.05, 1.1, 1.0, 1.0, 0.9, 0.6, 0.95, 1.2, 1.15, 1.05, 0.85)
#: The step a new child starts on, in 2014 and in 2024 (linear between): fewer placements and
#: more early and preventive measures over time (VIVE 2017: "færre anbringelser, øget tidlig indsats").
ENTRY_2014 = np.array([0.17, 0.31, 0.28, 0.02, 0.12, 0.10])
ENTRY_2024 = np.array([0.27, 0.36, 0.26, 0.02, 0.06, 0.03])
#: Median duration (months) of an intervention by step (lognormal, sigma 0.6).
DURATION_MONTHS = {1: 12, 2: 22, 3: 20, 4: 40, 5: 44, 6: 26}
#: Where a child goes after an intervention that is followed by another (next step: weight).
NEXT_STEP = {
    1: {2: 0.5, 3: 0.4, 5: 0.05, 6: 0.05},
    2: {1: 0.25, 3: 0.5, 5: 0.15, 6: 0.1},
    3: {1: 0.1, 2: 0.4, 4: 0.05, 5: 0.3, 6: 0.15},
    4: {3: 0.4, 5: 0.4, 6: 0.2},
    5: {2: 0.2, 3: 0.35, 4: 0.1, 6: 0.35},
    6: {2: 0.25, 3: 0.3, 5: 0.45},
}
#: The process starts before the data do, so that 2014 has a settled stock of children.
BURN_IN = pd.Timestamp("2010-01-01")
#: Monthly cost by step (kr.); a three-year total for Aalborg stays under 1 billion kr., so that
#: no published amount is a run of ten digits (the CPR scan of the site reads every digit run).
MONTHLY_COST = {1: 1_800, 2: 5_000, 3: 9_000, 4: 11_000, 5: 25_000, 6: 66_000}
PROVIDERS = ("egen", "privat", "anden kommune", "region")
PROVIDER_P = {
    1: (0.95, 0.05, 0, 0),
    2: (0.8, 0.15, 0.05, 0),
    3: (0.75, 0.2, 0.05, 0),
    4: (1, 0, 0, 0),
    5: (0.7, 0.25, 0.05, 0),
    6: (0.3, 0.45, 0.15, 0.1),
}


def published_flows() -> pd.DataFrame:
    """KORA's Aalborg table as a cell matrix: ``from_step`` x ``to_step`` -> ``children``.

    ``to_step`` 0 = ended (Ophørte); ``from_step`` 0 = intervention created in the period.
    """
    table = pd.read_csv(REFERENCE_DIR / "reference" / "kora_aalborg_flows_2016.csv", dtype=str)
    table = table[table["from_step"] != "total"]
    cells = []
    for _, row in table.iterrows():
        a = int(row["from_step"])
        if a > 0:
            cells.append((a, 0, int(row["ended"])))
        for b in range(1, 7):
            cells.append((a, b, int(row[f"to_{b}"])))
    return pd.DataFrame(cells, columns=["from_step", "to_step", "children"])


class _People:
    """Unique CPR-like numbers (valid dates; 7th digit by the century rule)."""

    def __init__(self, rng: np.random.Generator):
        self.rng, self.used = rng, set()

    def cpr(self, born: pd.Timestamp, male: bool) -> str:
        while True:
            if born.year >= 2000:
                seventh = int(self.rng.choice([4, 5, 6, 7, 8, 9] if born.year <= 2036 else [4]))
            else:
                seventh = int(self.rng.integers(0, 4))
            middle = int(self.rng.integers(0, 100))
            last = int(self.rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8]))
            value = f"{born:%d%m%y}-{seventh}{middle:02d}{last}"
            if value not in self.used:
                self.used.add(value)
                return value


def _day(rng, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.Timestamp:
    """A random day in [lo, hi]."""
    return lo + pd.Timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def _children_flows(code: int, rng: np.random.Generator) -> pd.DataFrame:
    flows = published_flows()
    if code == AALBORG:
        return flows
    scale = CHILD_MUNICIPALITIES[code] / CHILD_MUNICIPALITIES[AALBORG]
    out = []
    for a, cells in flows.groupby("from_step", sort=True):
        n = int(round(cells["children"].sum() * scale * rng.uniform(0.8, 1.2)))
        p = cells["children"].to_numpy() / cells["children"].sum()
        out.append(
            pd.DataFrame({"from_step": a, "to_step": cells["to_step"].to_numpy(), "children": rng.multinomial(n, p)})
        )
    return pd.concat(out, ignore_index=True)


def _measure(step: int, start: pd.Timestamp, rng) -> str:
    names, weights = zip(*(BL_MEASURES if start >= BL_FROM else SEL_MEASURES)[step])
    p = np.asarray(weights, dtype=float)
    return names[int(rng.choice(len(names), p=p / p.sum()))]


def _intervention(child, step, start, end, rng):
    if end is not None and end < start:
        end = None
    return {
        **child,
        "measure": _measure(step, start, rng),
        "start_date": start,
        "end_date": end,
        "monthly_cost": round(float(MONTHLY_COST[step] * rng.lognormal(0, 0.35)), 2),
        "provider_type": PROVIDERS[int(rng.choice(4, p=PROVIDER_P[step]))],
        "_step": step,
    }


def _duration(step: int, rng) -> pd.Timedelta:
    return pd.Timedelta(days=max(1, int(DURATION_MONTHS[step] * 30.44 * rng.lognormal(0, 0.6))))


def _child(code: int, districts, born: pd.Timestamp, rng, people) -> dict:
    district = districts[int(rng.integers(0, len(districts)))]
    return {
        "person_id": people.cpr(born, bool(rng.random() < 0.55)),
        "municipality": "Horsens" if code == 615 else str(code),
        "district": district,
        "target_group": "handicap" if rng.random() < 0.15 else "udsat",
        "caseworker_id": f"SB-{district[:3].upper()}-{int(rng.integers(1, 9)):02d}",
    }


def _born(at: pd.Timestamp, rng) -> pd.Timestamp:
    age = float(rng.choice(np.arange(23), p=_AGE_P))
    return at - pd.Timedelta(days=int(age * 365.25 + rng.integers(0, 365)))


def _last_day(born: pd.Timestamp) -> pd.Timestamp:
    """The day before the 23rd birthday: no intervention for children and young people runs longer."""
    return born + pd.DateOffset(years=23) - pd.Timedelta(days=1)


def _entry_step(month: pd.Timestamp, rng) -> int:
    w = min(max((month.year + (month.month - 1) / 12 - 2014) / 10, 0.0), 1.0)
    p = (1 - w) * ENTRY_2014 + w * ENTRY_2024
    return int(rng.choice(6, p=p / p.sum())) + 1


def _process_children(code: int, rng, people) -> list[dict]:
    """Children whose interventions follow the monthly inflow 2014-2024 (trend and season):
    an entry step, a duration by step, sometimes a move to a neighbouring step the next day
    (a move between placements keeps the child placed) and a concurrent lower step."""
    districts = DISTRICTS.get(code, ["Nord", "Syd", "Midt"])
    scale = CHILD_MUNICIPALITIES[code] / CHILD_MUNICIPALITIES[AALBORG]
    rows = []
    for month in pd.date_range(BURN_IN, EXPORT, freq="MS"):
        trend = (1 + INFLOW_TREND) ** (month.year - 2014 + (month.month - 1) / 12)
        for _ in range(int(rng.poisson(NEW_PER_MONTH * scale * trend * SEASON[month.month - 1]))):
            start = month + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)))
            born = _born(start, rng)
            child = _child(code, districts, born, rng, people)
            step, last = _entry_step(month, rng), _last_day(born)
            first = None
            for _episode in range(3):
                end = min(start + _duration(step, rng), last)
                if end < start:
                    break
                rows.append(_intervention(child, step, start, end, rng))
                first = first or rows[-1]
                if end >= last or rng.random() > 0.3:
                    break
                nxt = NEXT_STEP[step]
                step = int(rng.choice(list(nxt), p=np.asarray(list(nxt.values())) / sum(nxt.values())))
                start = end + pd.Timedelta(days=1)
            if first is not None and first["_step"] > 1 and rng.random() < 0.2:
                low = int(rng.integers(1, first["_step"]))
                s = first["start_date"] + pd.Timedelta(days=int(rng.integers(0, 60)))
                e = min(s + _duration(low, rng), last)
                if e >= s:
                    rows.append(_intervention(child, low, s, e, rng))
    return rows


def _active_on(row: dict, t: pd.Timestamp) -> bool:
    return row["start_date"] <= t and (row["end_date"] is None or row["end_date"] >= t)


def _give_ends(rows: list[dict], rng) -> None:
    """Open ends of the KORA-like histories become realistic end dates: a duration by step,
    never before T1 when the row covers T1 (so the flows T0 -> T1 stay as built), and at most
    the day before the 23rd birthday (when that is later than T1)."""
    for row in rows:
        if row["end_date"] is not None:
            continue
        floor = T1 if row["start_date"] <= T1 else row["start_date"]
        end = row["start_date"] + _duration(row["_step"], rng)
        if end < floor:  # it lasted at least until the floor: a remaining duration from there
            end = floor + pd.Timedelta(days=int(rng.exponential(0.6 * DURATION_MONTHS[row["_step"]] * 30.44)))
        row["end_date"] = max(floor, min(end, _last_day(row["_born"])))


def synth_interventions(rng: np.random.Generator, people: _People) -> pd.DataFrame:
    """Every municipality's children 2014-2024: the KORA-like histories of the children active
    on T0 or T1 (for Aalborg exactly the published flows), and the monthly process for every
    other child (process children that would be active on T0 or T1 are left out, so that the
    flows between the two dates are exactly those built from KORA's table)."""
    rows = []
    late = T1 + pd.Timedelta(days=700)
    for code in CHILD_MUNICIPALITIES:
        districts = DISTRICTS.get(code, ["Nord", "Syd", "Midt"])
        flows = _children_flows(code, rng)
        pairs = [(int(a), int(b)) for a, b, n in flows.itertuples(index=False) for _ in range(int(n))]
        n_background = int(len(pairs) * 0.15)
        pairs += [(-1, -1)] * n_background  # active on neither date
        kora = []
        for a, b in pairs:
            born = _born(T0, rng)
            history = _child_history(_child(code, districts, born, rng, people), a, b, rng, late)
            for row in history:
                row["_born"] = born
            kora += history
        _give_ends(kora, rng)
        by_child: dict[str, list[dict]] = {}
        for row in _process_children(code, rng, people):
            by_child.setdefault(row["person_id"], []).append(row)
        process = [
            row
            for history in by_child.values()
            if not any(_active_on(r, T0) or _active_on(r, T1) for r in history)
            and any(r["end_date"] >= START for r in history)  # the burn-in years alone are not exported
            for row in history
        ]
        rows += kora + process
    frame = pd.DataFrame(rows).drop(columns="_born", errors="ignore")
    ends = pd.to_datetime(frame["end_date"])
    frame["end_date"] = ends.where(ends <= EXPORT)  # ongoing at the export date: no end date
    return frame


_AGE_P = np.array([2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 9, 9, 9, 8, 7, 4, 3, 2, 2, 1], dtype=float)
_AGE_P /= _AGE_P.sum()


def _child_history(child, a, b, rng, late):
    """Interventions of one child whose step is ``a`` on T0 and ``b`` on T1 (-1: background)."""
    rows = []
    open_or = lambda: None if rng.random() < 0.35 else _day(rng, T1 + pd.Timedelta(days=1), late)  # noqa: E731
    if a == -1:
        step = int(rng.integers(1, 7))
        kind = rng.integers(0, 3)
        if kind == 0:  # wholly before the period
            start = _day(rng, T0 - pd.Timedelta(days=900), T0 - pd.Timedelta(days=60))
            end = _day(rng, start, T0 - pd.Timedelta(days=1))
        elif kind == 1:  # wholly inside the period
            start = _day(rng, T0 + pd.Timedelta(days=1), T1 - pd.Timedelta(days=30))
            end = _day(rng, start, T1 - pd.Timedelta(days=1))
        else:  # wholly after the period
            start = _day(rng, T1 + pd.Timedelta(days=1), late)
            end = open_or() if rng.random() < 0.5 else None
            end = None if end is not None and end < start else end
        return [_intervention(child, step, start, end, rng)]
    end_a = None
    if a > 0:
        start = T0 if rng.random() < 0.05 else _day(rng, T0 - pd.Timedelta(days=900), T0)
        if b == a:
            end_a = T1 if rng.random() < 0.03 else open_or()
        else:
            end_a = T0 if rng.random() < 0.05 else _day(rng, T0, T1 - pd.Timedelta(days=1))
        rows.append(_intervention(child, a, start, end_a, rng))
    if b > 0 and b != a:
        if a > 0:
            start_b = end_a + pd.Timedelta(days=1)
        else:
            start_b = T1 if rng.random() < 0.05 else _day(rng, T0 + pd.Timedelta(days=1), T1)
        rows.append(_intervention(child, b, start_b, open_or(), rng))
    if b > 0 and rng.random() < 0.4:  # a later step change, so that later periods have flows too
        main = rows[-1]
        change = _day(rng, T1 + pd.Timedelta(days=1), late)
        if main["end_date"] is None or main["end_date"] > change:
            main["end_date"] = change
            new_step = int(np.clip(b + rng.choice([-2, -1, 1, 2]), 1, 6))
            rows.append(_intervention(child, new_step, change + pd.Timedelta(days=1), open_or(), rng))
    top = max(a, b)
    if top > 1 and rng.random() < 0.25:  # a concurrent lower step that never changes the highest step
        c = int(rng.integers(1, top))
        on_t0, on_t1 = c < a, c < b
        if on_t0 and on_t1:
            s, e = _day(rng, T0 - pd.Timedelta(days=400), T0), open_or()
        elif on_t0:
            s, e = _day(rng, T0 - pd.Timedelta(days=400), T0), _day(rng, T0, T1 - pd.Timedelta(days=1))
        elif on_t1:
            s, e = _day(rng, T0 + pd.Timedelta(days=1), T1), open_or()
        else:
            s = _day(rng, T0 + pd.Timedelta(days=1), T1 - pd.Timedelta(days=2))
            e = _day(rng, s, T1 - pd.Timedelta(days=1))
        rows.append(_intervention(child, c, s, e, rng))
    if rng.random() < 0.15:  # an earlier intervention that ended before the period
        step = int(rng.integers(1, 7))
        s = _day(rng, T0 - pd.Timedelta(days=1500), T0 - pd.Timedelta(days=400))
        rows.append(_intervention(child, step, s, _day(rng, s, T0 - pd.Timedelta(days=200)), rng))
    return rows


def synth_adults(rng: np.random.Generator, people: _People) -> pd.DataFrame:
    rows = []
    n_cases = {m: int(n) for m, n in zip(SEP_MUNICIPALITIES, [60, 48, 42, 40, 38, 36, 40, 30, 37, 30])}
    vum_mu = dict(zip(SEP_MUNICIPALITIES, np.linspace(*VUM_MEANS, 10)))
    # the latent VUM of a municipality's cases at their first registration: evenly spaced
    # normal quantiles in random order, so that each municipality's mean VUM is its own
    # (KL's range 2.1-2.8), not the mean plus sampling noise of 30-60 cases
    latent_vum = {
        m: vum_mu[m] + VUM_SD * rng.permutation([NormalDist().inv_cdf((k + 0.5) / n) for k in range(n)])
        for m, n in n_cases.items()
    }
    met_p = dict(zip(SEP_MUNICIPALITIES, rng.permutation(np.linspace(0.2, 0.75, 10))))
    p85 = dict(zip(SEP_MUNICIPALITIES, rng.uniform(0.5, 0.8, 10)))
    with_target = set(SEP_MUNICIPALITIES[:7])
    scores = np.array([0, 1, 2, 3, 3.5, 4])
    first_nine = True
    for m in SEP_MUNICIPALITIES:
        for k in range(n_cases[m]):
            n_reg = 9 if first_nine else int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.05, 0.53, 0.27, 0.1, 0.04, 0.01]))
            first_nine = False
            age = float(rng.uniform(18, 68))
            first = _day(rng, pd.Timestamp("2014-01-01"), pd.Timestamp("2015-12-31"))
            born = first - pd.Timedelta(days=int(age * 365.25))
            person = people.cpr(born, bool(rng.random() < 0.5))
            service = "§85" if rng.random() < p85[m] else "§107"
            group = str(
                rng.choice(
                    ["intellektuel/kognitiv", "sindslidelse", "psykisk", "fysisk", "socialt", "andet"],
                    p=[0.45, 0.45, 0.02, 0.015, 0.03, 0.035],
                )
            )
            income = (
                str(
                    rng.choice(
                        [
                            "førtidspension",
                            "kontanthjælp ikke jobparat",
                            "kontanthjælp jobparat",
                            "ressourceforløb",
                            "fleksjob",
                            "løn",
                            "su",
                            "andet",
                        ],
                        p=[0.345, 0.33, 0.07, 0.08, 0.05, 0.03, 0.02, 0.075],
                    )
                )
                if rng.random() < 0.72
                else None
            )
            provider = str(rng.choice(["egen", "privat"], p=[0.74, 0.26])) if rng.random() < 0.9 else None
            latent = latent_vum[m][k]
            vum = float(scores[np.argmin(np.abs(scores - np.clip(latent, 0, 4)))])
            level = np.exp(rng.normal(0, 0.2))
            date, goal_set = first, False
            for r in range(1, n_reg + 1):
                if r > 1:
                    gap_months = max(3.0, rng.normal(12.5 - 0.6 * r, 2.0))
                    date = date + pd.Timedelta(days=int(gap_months * 30.44))
                    u = rng.random()
                    if u < 0.07 and vum >= 1:
                        vum = float(scores[max(0, int(np.searchsorted(scores, vum)) - 1)])
                    elif u < 0.11 and vum < 4:
                        vum = float(scores[int(np.searchsorted(scores, vum)) + 1])
                    if rng.random() < 0.05 and income:
                        income = "førtidspension"
                under_40 = (date - born).days / 365.25 < 40
                met = None
                if r > 1 and goal_set:
                    met = "nej" if rng.random() > met_p[m] else ("ja" if rng.random() < 0.4 else "delvist")
                    if met == "ja" and rng.random() < (0.25 if service == "§85" else 0.12):
                        level *= 0.85
                goal_set = bool(rng.random() < 0.93)
                goal_type = (
                    str(rng.choice(["forbedring", "status quo", "begrænset forværring"], p=[0.7, 0.22, 0.08]))
                    if goal_set
                    else None
                )
                target = None
                if m in with_target and goal_set:
                    better = m != SEP_MUNICIPALITIES[6] and rng.random() < 0.5
                    target = float(scores[max(0, int(np.searchsorted(scores, vum)) - 1)]) if better else vum
                price = hours = None
                if service == "§107":
                    price = round(float(np.exp(np.log(1350) + 0.17 * vum + 0.12 * under_40) * level), 2)
                else:
                    hours = round(
                        float(max(1.0, (6 + 8 * vum + 5 * under_40 + 6 * (group == "intellektuel/kognitiv")) * level)),
                        1,
                    )
                closed = r == n_reg and rng.random() < 0.1
                rows.append(
                    {
                        "case_id": f"S{m}-{k + 1:04d}",
                        "person_id": person,
                        "municipality": str(m),
                        "registration_no": r,
                        "registration_date": date,
                        "initiator": str(
                            rng.choice(["myndighed", "udfører", "borger", "andet"], p=[0.7, 0.2, 0.05, 0.05])
                        )
                        if r > 1
                        else "myndighed",
                        "service": service,
                        "provider_type": provider,
                        "daily_price": price,
                        "hours_individual": hours,
                        "hours_group": round(float(rng.uniform(0, 20)), 1)
                        if service == "§85" and rng.random() < 0.4
                        else None,
                        "vum_score": vum,
                        "goal_set": "ja" if goal_set else "nej",
                        "goal_type": goal_type,
                        "goal_met": met,
                        "vum_target": target,
                        "expected_goal_date": date + pd.Timedelta(days=365) if goal_set else None,
                        "target_group": group,
                        "income_basis": income,
                        "case_closed": "ja" if closed else "nej",
                        "close_date": date + pd.Timedelta(days=30) if closed else None,
                        "close_reason": "mål nået" if closed else None,
                    }
                )
    return pd.DataFrame(rows)


def synth_case_events(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    by_child = interventions.groupby("person_id", sort=False)
    for person, g in by_child:
        first, muni, cw = g["start_date"].min(), g["municipality"].iloc[0], g["caseworker_id"].iloc[0]
        base = {"person_id": person, "municipality": muni, "caseworker_id": cw}
        for _ in range(int(rng.poisson(1.2))):
            rows.append(
                {
                    **base,
                    "event_date": first - pd.Timedelta(days=int(rng.integers(30, 400))),
                    "event_type": "underretning",
                }
            )
        rows.append(
            {**base, "event_date": first - pd.Timedelta(days=int(rng.integers(10, 120))), "event_type": "ny_sag"}
        )
        if rng.random() < 0.6:
            rows.append(
                {
                    **base,
                    "event_date": first - pd.Timedelta(days=int(rng.integers(1, 60))),
                    "event_type": "børnefaglig_undersøgelse",
                    "deadline_met": "ja" if rng.random() < 0.72 else "nej",
                }
            )
        ends = g["end_date"]
        if ends.notna().all():
            rows.append(
                {
                    **base,
                    "event_date": ends.max() + pd.Timedelta(days=int(rng.integers(0, 60))),
                    "event_type": "sag_lukket",
                }
            )
        if rng.random() < 0.04:
            rows.append(
                {
                    **base,
                    "event_date": first + pd.Timedelta(days=int(rng.integers(20, 200))),
                    "event_type": "klage",
                    "outcome": str(rng.choice(["medhold", "hjemvist", "omgjort"], p=[0.6, 0.25, 0.15])),
                }
            )
        if rng.random() < 0.15:
            rows.append(
                {
                    **base,
                    "event_date": first + pd.Timedelta(days=int(rng.integers(30, 300))),
                    "event_type": "ledelsestilsyn",
                }
            )
    return pd.DataFrame(rows)


#: The stream of the deadlines of notifications and complaints (added after the other
#: tables, so that these keep their bytes).
DEADLINE_STREAM = 13
#: Share of notifications assessed within 24 hours and of complaints reconsidered within 4
#: weeks (invented; investigations keep theirs, 72 %).
DEADLINE_KEPT = {"underretning": 0.9, "klage": 0.8}


def synth_deadlines(events: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``deadline_met`` for notifications (the 24-hour assessment) and complaints (the
    4-week reconsideration), drawn in the events' (sorted) order."""
    events = events.copy()
    for event, kept in DEADLINE_KEPT.items():
        rows = events.index[events["event_type"] == event]
        events.loc[rows, "deadline_met"] = np.where(rng.random(len(rows)) < kept, "ja", "nej")
    return events


#: The stream of the supervisions (contract v1.3), drawn after every other table.
SUPERVISION_STREAM = 14
#: Share of supervisions that approve the provider, and the reasons of those that do not
#: (invented, in the words supervision reports use).
SUPERVISION_APPROVED = 0.85
SUPERVISION_REASONS = (
    "Mangelfuld dokumentation af magtanvendelse",
    "Utilstrækkelig bemanding",
    "Mangler ved de fysiske rammer",
    "Mangelfuld medicinhåndtering",
)


def synth_supervisions(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """One to three supervisions a year (2014-2016) of each institution, residential home
    and shared-care offer a municipality uses (``offer_name``); foster families are left
    out. A supervision that does not approve gives a reason (now and then none)."""
    rows = []
    offers = interventions[~interventions["offer_name"].str.contains("pleje", case=False, na=True)]
    pairs = offers[["municipality", "offer_name"]].drop_duplicates().sort_values(["municipality", "offer_name"])
    for municipality, provider in pairs.itertuples(index=False):
        for year in (2014, 2015, 2016):
            for _ in range(int(rng.integers(1, 4))):
                day = pd.Timestamp(f"{year}-01-01") + pd.Timedelta(days=int(rng.integers(0, 365)))
                approved = bool(rng.random() < SUPERVISION_APPROVED)
                reason = None
                if not approved and rng.random() < 0.9:
                    reason = SUPERVISION_REASONS[int(rng.integers(0, len(SUPERVISION_REASONS)))]
                rows.append(
                    {
                        "municipality": municipality,
                        "provider": provider,
                        "date": day,
                        "approved": "ja" if approved else "nej",
                        "reason": reason,
                    }
                )
    out = pd.DataFrame(rows, columns=["municipality", "provider", "date", "approved", "reason"])
    return out.sort_values(["municipality", "date", "provider"], kind="stable").reset_index(drop=True)


def population(code: int, year: int, rng_base: float | None = None) -> int:
    """A municipality's population in ``year``: its 2015 population (Tabel 1.1, Aalborg about
    210,000, others ``rng_base``) growing ``POPULATION_GROWTH`` a year."""
    base = CHILD_MUNICIPALITIES.get(code, rng_base)
    return int(round(base * (1 + POPULATION_GROWTH) ** (year - 2015)))


def population_0_22(code: int, year: int, share: float = YOUNG_SHARE, rng_base: float | None = None) -> int:
    """0-22-year-olds: a fixed share of the population, so that the figure moves smoothly
    between years (``district_population`` splits the same number over the districts)."""
    return int(round(population(code, year, rng_base) * share))


def placed_at_year_end(interventions: pd.DataFrame, code: int, year: int) -> int:
    """Children with a placement (steps 4-6) active on 31 December of ``year`` in the records."""
    t = pd.Timestamp(f"{year}-12-31")
    rows = interventions[interventions["_code"] == code]
    start, end = pd.to_datetime(rows["start_date"]), pd.to_datetime(rows["end_date"])
    active = rows[(start <= t) & (end.isna() | (end >= t)) & rows["_step"].isin(PLACEMENT_STEPS)]
    return int(active["person_id"].nunique())


def synth_municipality_figures(rng: np.random.Generator, interventions: pd.DataFrame) -> pd.DataFrame:
    """Every municipality's yearly figures 2013-2016 (Danmarks Statistik-like, contract table
    ``municipality_figures``). The six municipalities of Tabel 1.1 keep their published 2015
    row; a municipality with records (``CHILD_MUNICIPALITIES``) gets the population those
    records were scaled to and a placed-per-1,000 that moves with its records' (placed
    children at the year's end / 0-22-year-olds x 1,000): for Aalborg within a few per cent
    of them, for a Tabel 1.1 municipality around its published 2015 rate (the records of
    those six follow Aalborg's pattern, not their own, so the two may differ); every other municipality
    draws its level once (population, share of 0-22-year-olds, placement rate around VIVE's
    9.2, need and spending level) and moves a little from year to year."""
    published = pd.read_csv(REFERENCE_DIR / "reference" / "vive_tabel_1_1_2015.csv")
    rows = []
    for code in municipalities()["code"]:
        code = int(code)
        pop = float(np.clip(rng.lognormal(np.log(POPULATION_MEDIAN), 0.65), *POPULATION_RANGE))
        share = YOUNG_SHARE if code in CHILD_MUNICIPALITIES else float(rng.uniform(0.25, 0.30))
        need = float(np.clip(rng.normal(9_899, 1_600), 4_000, 21_276))
        spending_level = float(rng.normal(0.985, 0.11))
        placed_level = float(np.clip(rng.normal(PLACED_PER_1000_MEAN, 2.3), 4, 20))
        own = published[published["municipality"] == code]
        records_scale = 1.0  # records -> this municipality's placed per 1,000
        if len(own):  # the other years of a Tabel 1.1 municipality move around its 2015 row
            need = float(own["expected_need_per_0_22"].iloc[0])
            spending_level = float(own["expenditure_per_0_22"].iloc[0]) / need
            records_2015 = placed_at_year_end(interventions, code, 2015) / population_0_22(code, 2015) * 1000
            records_scale = float(own["placed_per_1000_0_22"].iloc[0]) / records_2015
        for year in (2013, 2014, 2015, 2016):
            pub = published[(published["municipality"] == code) & (published["year"] == year)]
            if len(pub):
                p = pub.iloc[0]
                rows.append(
                    {
                        "municipality": str(code),
                        "year": year,
                        "population": int(p["population"]),
                        "population_0_22": None,
                        "expected_need_per_0_22": float(p["expected_need_per_0_22"]),
                        "expenditure_per_0_22": float(p["expenditure_per_0_22"]),
                        "budget_deviation_pct": float(p["budget_deviation_pct"]),
                        "placed_per_1000_0_22": float(p["placed_per_1000_0_22"]),
                        "appeals_changed_share": float(p["appeals_changed_share"]),
                        "source": "VIVE (2017), Tabel 1.1 (offentliggjort)",
                    }
                )
                continue
            drift = (1 + POPULATION_GROWTH) ** (year - 2015)
            young = population_0_22(code, year, share, pop)
            if code in CHILD_MUNICIPALITIES:
                # the records start in 2014; 2013 reads the 2014 stock
                placed = placed_at_year_end(interventions, code, max(year, START.year)) / young * 1000 * records_scale
            else:
                placed = placed_level
            rows.append(
                {
                    "municipality": str(code),
                    "year": year,
                    "population": population(code, year, pop),
                    "population_0_22": young,
                    "expected_need_per_0_22": round(need * drift, 0),
                    "expenditure_per_0_22": round(
                        float(np.clip(need * spending_level * rng.normal(1, 0.03), 3_910, 21_101)), 0
                    ),
                    "budget_deviation_pct": round(float(np.clip(rng.normal(-3, 7), -28, 20)), 1),
                    "placed_per_1000_0_22": round(float(np.clip(placed * rng.normal(1, 0.02), 3, 27)), 1),
                    "appeals_changed_share": round(float(np.clip(rng.normal(0.36, 0.12), 0, 1)), 2),
                    "source": "syntetisk",
                }
            )
    return pd.DataFrame(rows)


def synth_budget(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Budget assumptions near the actual full-year volumes and unit costs."""
    rows = []
    frame = interventions.rename(columns={"_step": "step"})
    for year in range(START.year, EXPORT.year + 1):
        for code, part in frame.groupby("municipality", sort=True):
            for r in full_year_volume(part, year).itertuples(index=False):
                if r.actual_count <= 0:
                    continue
                rows.append(
                    {
                        "municipality": code,
                        "year": year,
                        "step": int(r.step),
                        "budget_count": round(r.actual_count * rng.uniform(0.85, 1.08), 1),
                        "budget_unit_cost": round(r.actual_cost / r.actual_count * rng.uniform(0.9, 1.06), 0),
                    }
                )
    return pd.DataFrame(rows)


def _tenths(total: float, weights: np.ndarray) -> np.ndarray:
    """``total`` (one decimal) split by ``weights`` into parts of one decimal that sum to it
    exactly (largest remainders)."""
    whole = int(round(total * 10))
    raw = whole * weights / weights.sum()
    parts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - parts), kind="stable")[: whole - parts.sum()]:
        parts[i] += 1
    return parts / 10


def split_budget(budget: pd.DataFrame, interventions: pd.DataFrame, code: int = AALBORG) -> pd.DataFrame:
    """One municipality's budget split by district and provider (contract v1.3: seed 002's own
    measures against bought ones, KORA's budget per district): each step's budgeted count is
    shared out by the step's actual full-year volume per district and provider (``egen`` or
    ``køb``), tilted a little per district so that districts deviate differently, at the step's
    unit cost; the counts of a step still sum to its budget. No randomness, so every other table
    keeps its bytes."""
    frame = interventions.rename(columns={"_step": "step"})
    frame = frame[frame["municipality"] == code].assign(
        provider_type=lambda f: np.where(f["provider_type"] == "egen", "egen", "køb")
    )
    districts = sorted(frame["district"].dropna().unique())
    tilt = {d: 1 + 0.06 * (i - (len(districts) - 1) / 2) for i, d in enumerate(districts)}
    groups = list(frame.groupby(["district", "provider_type"], sort=True))
    volumes = {  # each year's full-year volume per district and provider, computed once
        year: [(key, full_year_volume(part, year)) for key, part in groups]
        for year in sorted(set(budget.loc[budget["municipality"] == code, "year"]))
    }
    rows = []
    for r in budget.itertuples(index=False):
        if r.municipality != code:
            rows.append(r._asdict())
            continue
        parts = [
            (district, provider, float(v.loc[v["step"] == r.step, "actual_count"].sum()) * tilt[district])
            for (district, provider), v in volumes[r.year]
        ]
        parts = [p for p in parts if p[2] > 0]
        if not parts:
            rows.append(r._asdict())
            continue
        counts = _tenths(r.budget_count, np.array([w for _, _, w in parts]))
        rows += [
            {**r._asdict(), "district": district, "provider_type": provider, "budget_count": float(count)}
            for (district, provider, _), count in zip(parts, counts)
            if count > 0
        ]
    out = pd.DataFrame(rows)
    return out[["municipality", "year", "step", "district", "provider_type", "budget_count", "budget_unit_cost"]]


#: Aalborg's synthetic accounts (contract v1.3, ``budget_assumptions``' optional columns): its
#: own residential institutions and opholdssteder (steps 5 and 6, provider ``egen``) sell a share
#: of their places to other municipalities, and a small share of every row's budget is booked in
#: the year for earlier years (seeds/002: "ressourceforbrug der vedrører tidligere år").
SOLD_PLACES_SHARE, PRIOR_YEARS_SHARE = 0.12, 0.03


def with_accounts(budget: pd.DataFrame, code: int = AALBORG) -> pd.DataFrame:
    """The budget rows with the optional ``income`` and ``prior_years`` (whole kroner) for one
    municipality, empty for the others; no randomness, so every other table keeps its bytes."""
    cost = budget["budget_count"] * budget["budget_unit_cost"]
    own = (budget["municipality"] == code) & (budget["provider_type"] == "egen") & budget["step"].isin([5, 6])
    ours = budget["municipality"] == code
    return budget.assign(
        income=(cost * SOLD_PLACES_SHARE).round(0).where(own).astype("Int64"),
        prior_years=(cost * PRIOR_YEARS_SHARE).round(0).where(ours).astype("Int64"),
    )


#: Aalborg's synthetic budget profile: January and December a little heavier than the other
#: ten months (payments for the previous year early, catching up late: seeds/002,
#: "forskydninger i betalingsflowet"); the twelve shares sum to 1 exactly.
PROFILE_EDGE_MONTHS, PROFILE_OTHER_MONTHS = 0.095, 0.081


def synth_budget_profile(budget: pd.DataFrame, code: int = AALBORG) -> pd.DataFrame:
    """One municipality's monthly budget profile (contract table ``budget_profile``) for each
    year of its budget, for every step (``step`` empty); no randomness, so every other table
    keeps its bytes."""
    years = sorted(set(budget.loc[budget["municipality"] == code, "year"]))
    shares = [PROFILE_EDGE_MONTHS if m in (1, 12) else PROFILE_OTHER_MONTHS for m in range(1, 13)]
    rows = [
        {"municipality": code, "year": int(y), "month": m, "share": f"{share:.3f}", "step": ""}
        for y in years
        for m, share in zip(range(1, 13), shares)
    ]
    return pd.DataFrame(rows, columns=["municipality", "year", "month", "share", "step"])


def synth_targets(interventions: pd.DataFrame, rng: np.random.Generator, code: int = AALBORG) -> pd.DataFrame:
    """Targets (måltal, contract table ``targets``) for one municipality: placed children at
    the end of each year 2016-2024 (``placed_children``, by step group ``4``/``5``/``6`` and
    ``I alt``), a little below what the year actually ended with (a municipality aiming for
    fewer placements)."""
    frame = interventions[interventions["municipality"].astype(str).isin([str(code)])]
    rows = []
    for year in range(2016, EXPORT.year + 1):
        t = pd.Timestamp(f"{year}-12-31")
        active = frame[(frame["start_date"] <= t) & (frame["end_date"].isna() | (frame["end_date"] >= t))]
        top = active.groupby("person_id")["_step"].max()
        placed = top[top >= 4]
        goals = {str(s): float(round(int((placed == s).sum()) * rng.uniform(0.88, 0.98))) for s in (4, 5, 6)}
        goals["I alt"] = sum(goals.values())  # the total target is the sum of the steps' targets
        for group, target in goals.items():
            rows.append(
                {"municipality": code, "year": year, "figure": "placed_children", "group": group, "target": target}
            )
    return pd.DataFrame(rows, columns=["municipality", "year", "figure", "group", "target"])


#: The tables of contract v1.2 are drawn from their own random stream (seed + this), so
#: that the older tables keep their bytes for the same seed.
CATALOGUE_STREAM = 12
#: Offers: a kind by measure type (words in the measure) and place names; 2-5 offers per
#: municipality and measure type, with their own price levels.
OFFER_KINDS = (
    ("rådgivning|konsulent", "Rådgivningen"),
    ("familiegruppe|samtalegruppe", "Familiegruppen"),
    ("aflastning|støtteophold", "Aflastningstilbuddet"),
    ("kontaktperson", "Kontaktpersonkorpset"),
    ("dagbehandling", "Dagbehandlingen"),
    ("familiebehandling", "Familiebehandlingen"),
    ("støtte i hjemmet", "Hjemmestøtten"),
    ("netværkspleje|netværksplejefamilie", "Netværksplejen"),
    ("plejefamilie", "Familieplejen"),
    ("eget værelse", "Ungeboligerne"),
    ("efterskole", "Efterskolen"),
    ("døgninstitution", "Børne- og ungehjemmet"),
    ("opholdssted", "Opholdsstedet"),
    ("delt ophold", "Delt ophold"),
)
PLACES = ("Egely", "Solbakken", "Lærkereden", "Kastanjen", "Bøgely", "Skovbrynet", "Engly", "Havbakken")
#: Foster care (contract v1.2): median monthly fee (plejeløn) and supplements by kind, kr.
FOSTER_FEE = {"netværkspleje": 6_500, "forstærket": 34_000, "plejefamilie": 24_000}
#: Waiting lists: the share of preventive interventions (steps 1-3) that began with a wait,
#: and the median wait in days by step.
WAITED_SHARE = {1: 0.2, 2: 0.4, 3: 0.45}
MEDIAN_WAIT_DAYS = {1: 14, 2: 45, 3: 60}


def _offer_kind(measure: str) -> str:
    text = measure.casefold()
    return next((kind for pattern, kind in OFFER_KINDS if any(w in text for w in pattern.split("|"))), "Tilbuddet")


def synth_offers(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """``offer_id``/``offer_name`` for every intervention, and ``fee``/``supplements``/
    ``own_payment`` for foster care (contract v1.2). Within a municipality and offer kind the
    interventions are split into 2-5 offers mostly by price (so offers differ in price, as
    real ones do), some at random; foster-care fees vary by district."""
    frame = interventions.reset_index(drop=True)
    code = frame["municipality"].replace({"Horsens": "615"}).astype(str).str.zfill(4)
    kind = frame["measure"].map(_offer_kind)
    offer_id = pd.Series("", index=frame.index, dtype=object)
    offer_name = pd.Series("", index=frame.index, dtype=object)
    for (c, k), part in frame.groupby([code, kind], sort=True):
        n = int(rng.integers(2, 6))
        places = rng.choice(len(PLACES), size=n, replace=False)
        rank = part["monthly_cost"].rank(method="first").to_numpy() - 1
        which = np.minimum((rank * n / max(len(part), 1)).astype(int), n - 1)
        shuffle = rng.random(len(part)) < 0.2
        which[shuffle] = rng.integers(0, n, int(shuffle.sum()))
        kind_no = [kind for _, kind in OFFER_KINDS].index(k) + 1 if k != "Tilbuddet" else 0
        offer_id.loc[part.index] = [f"T{c}-{kind_no:02d}-{w + 1}" for w in which]
        offer_name.loc[part.index] = [f"{k} {PLACES[places[w]]}" for w in which]
    measure = frame["measure"].str.casefold()
    foster = measure.str.contains("pleje") & ~measure.str.contains("delt ophold")
    base = np.where(
        measure.str.contains("netværk"),
        FOSTER_FEE["netværkspleje"],
        np.where(measure.str.contains("forstærket"), FOSTER_FEE["forstærket"], FOSTER_FEE["plejefamilie"]),
    )
    districts = sorted(frame["district"].dropna().unique())
    level = dict(zip(districts, rng.uniform(0.88, 1.15, len(districts))))
    year = pd.to_datetime(frame["start_date"]).dt.year.to_numpy()
    drift = 1.02 ** (year - START.year)  # fees follow the yearly regulation
    fee = base * frame["district"].map(level).fillna(1.0).to_numpy() * drift * rng.lognormal(0, 0.12, len(frame))
    supplements = fee * rng.uniform(0.06, 0.18, len(frame))
    own = np.where(rng.random(len(frame)) < 0.35, rng.uniform(800, 2_600, len(frame)), 0.0)
    return pd.DataFrame(
        {
            "offer_id": offer_id,
            "offer_name": offer_name,
            "fee": np.where(foster, np.round(fee, -1), np.nan),
            "supplements": np.where(foster, np.round(supplements, -1), np.nan),
            "own_payment": np.where(foster, np.round(own, -1), np.nan),
        }
    )


def synth_waiting_list(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Waiting lists (contract v1.2): some preventive interventions began after a wait from
    referral to start (lognormal, median by step); the last referrals before the export are
    still waiting (no start date)."""
    frame = interventions[interventions["_step"].isin(list(WAITED_SHARE))]
    frame = frame[rng.random(len(frame)) < frame["_step"].map(WAITED_SHARE).to_numpy()]
    days = frame["_step"].map(MEDIAN_WAIT_DAYS).to_numpy() * rng.lognormal(0, 0.7, len(frame))
    referral = pd.to_datetime(frame["start_date"]) - pd.to_timedelta(np.maximum(1, days.round()), unit="D")
    start = pd.to_datetime(frame["start_date"]).where(pd.to_datetime(frame["start_date"]) <= EXPORT)
    out = pd.DataFrame(
        {
            "person_id": frame["person_id"].to_numpy(),
            "municipality": frame["municipality"].to_numpy(),
            "referral_date": referral.to_numpy(),
            "start_date": start.to_numpy(),
            "measure": frame["measure"].to_numpy(),
        }
    )
    # the last referrals before the export have not started yet
    still = frame[(pd.to_datetime(frame["start_date"]) > EXPORT - pd.Timedelta(days=365))]
    still = still[rng.random(len(still)) < 0.1]
    open_waits = pd.DataFrame(
        {
            "person_id": still["person_id"].to_numpy(),
            "municipality": still["municipality"].to_numpy(),
            "referral_date": EXPORT - pd.to_timedelta(rng.integers(1, 120, len(still)), unit="D"),
            "start_date": pd.NaT,
            "measure": still["measure"].to_numpy(),
        }
    )
    out = pd.concat([out, open_waits], ignore_index=True).drop_duplicates(
        ["municipality", "person_id", "referral_date"]
    )
    return out.sort_values(["municipality", "referral_date", "person_id"], kind="stable").reset_index(drop=True)


def synth_child_outcomes(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Outcomes (contract v1.2) for about half of the children: school absence (%) at the end
    of each school half-year while an intervention is active (ages 6-16; higher on the higher
    steps), a function score (1-10) at the start of an intervention and about nine months
    later (on average a little better), and whether the goal was met at the second
    measurement."""
    rows = []
    absence = {1: 5.0, 2: 7.0, 3: 9.0, 4: 10.0, 5: 11.0, 6: 15.0}
    chosen = interventions[rng.random(len(interventions)) < 0.5].rename(columns={"_step": "level"})
    born = chosen["person_id"].map(lambda cpr: pd.Timestamp(parse_cpr(cpr)[0]))
    for r, b in zip(chosen.itertuples(index=False), born):
        start = pd.Timestamp(r.start_date)
        end = EXPORT if pd.isna(r.end_date) else min(pd.Timestamp(r.end_date), EXPORT)
        step = int(r.level)
        for day in pd.date_range(start, end, freq="6ME")[:6]:
            age = (day - b).days / 365.25
            if 6 <= age < 17:
                value = float(np.clip(absence[step] * rng.lognormal(0, 0.6), 0, 100))
                rows.append((r.person_id, r.municipality, day, "school_absence_pct", round(value, 1)))
        second = start + pd.Timedelta(days=int(rng.integers(200, 340)))
        if second <= end:
            first = float(np.clip(rng.normal(4.5 - 0.3 * step + 2, 1.4), 1, 10))
            gain = rng.normal(0.5 if step <= 3 else 0.2, 1.1)
            rows.append((r.person_id, r.municipality, start, "function_score", round(first, 1)))
            rows.append(
                (r.person_id, r.municipality, second, "function_score", round(float(np.clip(first + gain, 1, 10)), 1))
            )
            rows.append((r.person_id, r.municipality, second, "goal_met", float(rng.random() < 0.5 + 0.1 * (gain > 0))))
    out = pd.DataFrame(rows, columns=["person_id", "municipality", "date", "indicator", "value"])
    out = out.drop_duplicates(["municipality", "person_id", "date", "indicator"])
    return out.sort_values(["municipality", "date", "person_id", "indicator"], kind="stable").reset_index(drop=True)


def synth_district_population(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """0-22-year-olds per district and year (contract v1.2): the municipality's 0-22-year-olds
    (``population_0_22``, the number ``municipality_figures`` gives) split over its districts
    by largest remainder, so that the districts add up to the municipality exactly."""
    rows = []
    for code, part in interventions.groupby("municipality", sort=True):
        number = 615 if code == "Horsens" else int(code)
        districts = sorted(part["district"].dropna().unique())
        shares = rng.dirichlet(np.full(len(districts), 8.0))
        for year in range(START.year, EXPORT.year + 1):
            young = population_0_22(number, year)
            exact = young * shares
            counts = np.floor(exact).astype(int)
            for i in np.argsort(-(exact - counts), kind="stable")[: young - int(counts.sum())]:
                counts[i] += 1
            rows += [(number, district, year, int(n)) for district, n in zip(districts, counts)]
    return pd.DataFrame(rows, columns=["municipality", "district", "year", "population_0_22"])


def _dates_as_text(frame: pd.DataFrame, columns, fmt: str = "%Y-%m-%d") -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = pd.to_datetime(out[c]).dt.strftime(fmt).fillna("")
    return out


def generate(out_dir: str | Path, seed: int = 2016) -> Path:
    """Write the synthetic tables to ``out_dir``; identical bytes for the same seed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    people = _People(rng)

    interventions = synth_interventions(rng, people)
    code_of = interventions["municipality"].replace({"Horsens": "615"}).astype(int)
    budget = synth_budget(interventions.assign(municipality=code_of), rng)
    events = synth_case_events(interventions, rng)
    adults = synth_adults(rng, people)
    figures = synth_municipality_figures(rng, interventions.assign(_code=code_of))
    targets = synth_targets(interventions, rng)
    # contract v1.2 tables from their own stream (the tables above keep their bytes)
    more = np.random.default_rng([seed, CATALOGUE_STREAM])
    interventions = pd.concat([interventions.reset_index(drop=True), synth_offers(interventions, more)], axis=1)
    waiting = synth_waiting_list(interventions, more)
    outcomes = synth_child_outcomes(interventions, more)
    districts = synth_district_population(interventions, more)
    supervisions = synth_supervisions(interventions, np.random.default_rng([seed, SUPERVISION_STREAM]))

    # interventions as a Danish Excel export: ';', decimal comma, dd-mm-yyyy, cp1252, no step column
    danish = _dates_as_text(interventions.drop(columns="_step"), ["start_date", "end_date"], "%d-%m-%Y")
    for column in ("monthly_cost", "fee", "supplements", "own_payment"):
        danish[column] = danish[column].map(lambda v: "" if pd.isna(v) else f"{v:.2f}".replace(".", ","))
    danish.to_csv(out / "interventions.csv", sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    _dates_as_text(adults, ["registration_date", "expected_goal_date", "close_date"]).to_csv(
        out / "adult_registrations.csv", index=False, encoding="utf-8-sig", lineterminator="\n"
    )
    events = events.sort_values(["municipality", "event_date", "event_type", "person_id"], kind="stable")
    events = synth_deadlines(events, np.random.default_rng([seed, DEADLINE_STREAM]))
    _dates_as_text(events, ["event_date"]).to_csv(out / "case_events.csv", index=False, lineterminator="\n")
    figures.to_csv(out / "municipality_figures.csv", index=False, lineterminator="\n")
    with_accounts(split_budget(budget, interventions.assign(municipality=code_of))).to_csv(
        out / "budget_assumptions.csv", index=False, lineterminator="\n"
    )
    synth_budget_profile(budget).to_csv(out / "budget_profile.csv", index=False, lineterminator="\n")
    targets.to_csv(out / "targets.csv", index=False, lineterminator="\n")
    _dates_as_text(waiting, ["referral_date", "start_date"]).to_csv(
        out / "waiting_list.csv", index=False, lineterminator="\n"
    )
    _dates_as_text(outcomes, ["date"]).to_csv(out / "child_outcomes.csv", index=False, lineterminator="\n")
    districts.to_csv(out / "district_population.csv", index=False, lineterminator="\n")
    _dates_as_text(supervisions, ["date"]).to_csv(out / "supervisions.csv", index=False, lineterminator="\n")
    (out / SYNTHETIC_MARKER).write_text(
        json.dumps(
            {
                "synthetic": True,
                "seed": seed,
                "generator": "helpers.data.synth.generate",
                "published_rows": "municipality_figures rows with source 'VIVE (2017), Tabel 1.1 (offentliggjort)'",
                "reference_period": [str(T0.date()), str(T1.date())],
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    (out / ".complete").write_text(f"seed={seed}\n")
    return out


__all__ = ["generate", "published_flows", "T0", "T1"]
