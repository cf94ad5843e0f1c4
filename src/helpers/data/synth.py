"""Seeded synthetic default data, shaped after the published reference figures.

Everything here is synthetic except the rows marked as published: the six municipalities
of VIVE's Tabel 1.1 in ``municipality_figures`` (``source`` column). Person ids are
CPR-like so that the loader's privacy path (derive, then pseudonymise) is exercised.

* ``interventions``: Aalborg (851) is built from KORA's published flow table so that the
  flows February -> August 2016 are exactly the published ones, including concurrent
  lower steps, boundary dates and interventions that do not touch either date. Six more
  municipalities get the same flow pattern, scaled by population and resampled.
  Written as a Danish Excel export (``;``, decimal comma, dd-mm-yyyy, cp1252).
* ``adult_registrations``: a SEP-like set (KL, SEP project 9): 10 municipalities, about
  400 cases, 1-9 registrations, VUM mostly 2-3, prices and hours rising with VUM and
  higher under 40, about half of the goals met (20-75 % by municipality).
* ``case_events``, ``municipality_figures`` (all 98 municipalities, 2013-2016) and
  ``budget_assumptions`` (per step and year, near the actual volumes and prices).

Same seed -> byte-identical files.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .municipalities import municipalities
from .paths import REFERENCE_DIR, SYNTHETIC_MARKER
from .periods import full_year_volume

T0 = pd.Timestamp("2016-02-01")
T1 = pd.Timestamp("2016-08-01")
AALBORG = 851
#: Children's municipalities and their population (2015; Aalborg approximate, others Tabel 1.1).
CHILD_MUNICIPALITIES = {851: 210_000, 167: 52_380, 410: 37_857, 615: 86_361, 621: 90_794, 706: 41_652, 846: 42_134}
DISTRICTS = {851: ["Nord", "Syd", "Øst", "Vest", "Centrum"]}
SEP_MUNICIPALITIES = [153, 151, 607, 147, 157, 219, 615, 183, 410, 760]

MEASURES = {
    1: ["§11, stk. 3 rådgivning", "§11, stk. 3 tidlig indsats familiegruppe"],
    2: ["§52 stk. 3 nr. 3 aflastning", "§52 stk. 3 nr. 4 fast kontaktperson", "§52 stk. 3 nr. 2 dagbehandling"],
    3: ["§52 stk. 3 nr. 6 familiebehandling", "§52 stk. 3 nr. 1 praktisk pædagogisk støtte i hjemmet"],
    4: ["§52 stk. 3 nr. 7 netværkspleje"],
    5: ["§52 stk. 3 nr. 7 plejefamilie", "§52 stk. 3 nr. 7 kommunal plejefamilie"],
    6: [
        "§52 stk. 3 nr. 7 døgninstitution",
        "§52 stk. 3 nr. 7 socialpædagogisk opholdssted",
        "§52 stk. 3 nr. 7 eget værelse",
    ],
}
MONTHLY_COST = {1: 2_500, 2: 7_000, 3: 13_000, 4: 16_000, 5: 36_000, 6: 95_000}
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


def _intervention(child, step, start, end, rng):
    if end is not None and end < start:
        end = None
    return {
        **child,
        "measure": MEASURES[step][int(rng.integers(0, len(MEASURES[step])))],
        "start_date": start,
        "end_date": end,
        "monthly_cost": round(float(MONTHLY_COST[step] * rng.lognormal(0, 0.35)), 2),
        "provider_type": PROVIDERS[int(rng.choice(4, p=PROVIDER_P[step]))],
        "_step": step,
    }


def synth_interventions(rng: np.random.Generator, people: _People) -> pd.DataFrame:
    rows = []
    late = T1 + pd.Timedelta(days=700)
    for code in CHILD_MUNICIPALITIES:
        districts = DISTRICTS.get(code, ["Nord", "Syd", "Midt"])
        flows = _children_flows(code, rng)
        pairs = [(int(a), int(b)) for a, b, n in flows.itertuples(index=False) for _ in range(int(n))]
        n_background = int(len(pairs) * 0.15)
        pairs += [(-1, -1)] * n_background  # active on neither date
        for a, b in pairs:
            age = float(rng.choice(np.arange(23), p=_AGE_P))
            born = T0 - pd.Timedelta(days=int(age * 365.25 + rng.integers(0, 365)))
            male = bool(rng.random() < 0.55)
            district = districts[int(rng.integers(0, len(districts)))]
            child = {
                "person_id": people.cpr(born, male),
                "municipality": "Horsens" if code == 615 else str(code),
                "district": district,
                "target_group": "handicap" if rng.random() < 0.15 else "udsat",
                "caseworker_id": f"SB-{district[:3].upper()}-{int(rng.integers(1, 9)):02d}",
            }
            rows += _child_history(child, a, b, rng, late)
    frame = pd.DataFrame(rows)
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
    vum_mu = dict(zip(SEP_MUNICIPALITIES, np.linspace(2.1, 2.8, 10)))
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
            latent = rng.normal(vum_mu[m], 0.75)
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


def synth_municipality_figures(rng: np.random.Generator) -> pd.DataFrame:
    published = pd.read_csv(REFERENCE_DIR / "reference" / "vive_tabel_1_1_2015.csv")
    rows = []
    for code in municipalities()["code"]:
        pop = float(np.clip(rng.lognormal(np.log(45_000), 0.65), 14_028, 580_184))
        need = float(np.clip(rng.normal(9_899, 1_600), 4_000, 21_276))
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
            drift = 1 + 0.01 * (year - 2015)
            rows.append(
                {
                    "municipality": str(code),
                    "year": year,
                    "population": int(round(pop * drift)),
                    "population_0_22": int(round(pop * drift * rng.uniform(0.25, 0.3))),
                    "expected_need_per_0_22": round(need * drift, 0),
                    "expenditure_per_0_22": round(float(np.clip(need * rng.normal(0.985, 0.12), 3_910, 21_101)), 0),
                    "budget_deviation_pct": round(float(np.clip(rng.normal(-3, 7), -28, 20)), 1),
                    "placed_per_1000_0_22": round(float(np.clip(rng.normal(9.2, 2.8), 3, 27)), 1),
                    "appeals_changed_share": round(float(np.clip(rng.normal(0.36, 0.12), 0, 1)), 2),
                    "source": "syntetisk",
                }
            )
    return pd.DataFrame(rows)


def synth_budget(interventions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Budget assumptions near the actual full-year volumes and unit costs."""
    rows = []
    frame = interventions.rename(columns={"_step": "step"})
    for year in (2016, 2017):
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


def _dates_as_text(frame: pd.DataFrame, columns, fmt: str = "%Y-%m-%d") -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        out[c] = pd.to_datetime(out[c]).dt.strftime(fmt).fillna("")
    return out


def generate(out_dir: str | Path, seed: int = 2016) -> Path:
    """Write the five synthetic tables to ``out_dir``; identical bytes for the same seed."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    people = _People(rng)

    interventions = synth_interventions(rng, people)
    code_of = interventions["municipality"].replace({"Horsens": "615"}).astype(int)
    budget = synth_budget(interventions.assign(municipality=code_of), rng)
    events = synth_case_events(interventions, rng)
    adults = synth_adults(rng, people)
    figures = synth_municipality_figures(rng)

    # interventions as a Danish Excel export: ';', decimal comma, dd-mm-yyyy, cp1252, no step column
    danish = _dates_as_text(interventions.drop(columns="_step"), ["start_date", "end_date"], "%d-%m-%Y")
    danish["monthly_cost"] = danish["monthly_cost"].map(lambda v: f"{v:.2f}".replace(".", ","))
    danish.to_csv(out / "interventions.csv", sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
    _dates_as_text(adults, ["registration_date", "expected_goal_date", "close_date"]).to_csv(
        out / "adult_registrations.csv", index=False, encoding="utf-8-sig", lineterminator="\n"
    )
    events = events.sort_values(["municipality", "event_date", "event_type", "person_id"], kind="stable")
    _dates_as_text(events, ["event_date"]).to_csv(out / "case_events.csv", index=False, lineterminator="\n")
    figures.to_csv(out / "municipality_figures.csv", index=False, lineterminator="\n")
    budget.to_csv(out / "budget_assumptions.csv", index=False, lineterminator="\n")
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
