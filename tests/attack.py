"""A reader's attack on everything a book publishes, written apart from the protection code.

The reader has every CSV file under the reports folder (all runs, all periods, all earlier
releases) and a solver, and knows what any careful reader of the monthly figures knows:

* the same figure at the same date is the same number on every page that prints it (a
  stock at a month end, a month's flow, a quarter's flow);
* a quarter's flow is the sum of its three months' flows;
* a total is the sum of its groups (placed children: steps 4-6; preventive: steps 1-3);
* a withheld count is a whole number of at least 1 (zeros are printed).

For every withheld count it computes the range these facts leave (linear programming, then
integer programming where the range is narrow) and reports those pinned to one value of
1-4. The relations are checked against the true values (``truth``, from the runs' private
records) first: a relation that does not hold for the data is not a fact, and is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

STOCKS = {
    "placed_children",
    "placed_by_type",
    "placed_by_target_group",
    "placed_by_age_group",
    "preventive_children",
    "preventive_recipients",
    "active_cases",
    "monthly_price_placement_count",
    "monthly_price_preventive_count",
}
FLOWS = {
    "new_placements",
    "ended_placements",
    "preventive_started",
    "preventive_ended",
    "notifications",
    "investigations",
    "investigations_within_deadline",
}
MARGINS = {"placed_children": ["4", "5", "6"], "preventive_children": ["1", "2", "3"]}
#: A page of a period longer than this prints quarters (as the trends page says).
QUARTERLY_AFTER_DAYS = 2 * 366


@dataclass
class Attack:
    variables: int = 0
    withheld: int = 0
    relations: int = 0
    dropped: int = 0
    recovered: list = field(default_factory=list)  # (municipality, date, figure, group, grain, value, where)


def _grain(run: str, frame: pd.DataFrame) -> str:
    """``Q`` when the run prints its flows per quarter (a long period whose flow dates are all
    quarter ends), else ``M``."""
    _, start, end = run.split("_")
    flows = frame.loc[frame["figure"].isin(FLOWS), "date"]
    quarter_ends = flows.str[5:].isin(["03-31", "06-30", "09-30", "12-31"]).all()
    long = (pd.Timestamp(end) - pd.Timestamp(start)).days > QUARTERLY_AFTER_DAYS
    return "Q" if long and quarter_ends and len(flows) else "M"


def read_trends(reports: Path) -> pd.DataFrame:
    """Every count of every trends table under ``reports``, one row per run and figure."""
    frames = []
    for path in sorted(reports.glob("*/*/trends.csv")):
        frame = pd.read_csv(path, dtype={"group": str})
        frame = frame[frame["figure"].isin(STOCKS | FLOWS)].copy()
        grain = _grain(path.parent.name, frame)
        frame["grain"] = ["S" if f in STOCKS else grain for f in frame["figure"]]
        frame["where"] = [f"{path.parent.parent.name}/{path.parent.name}/trends.csv line {i + 2}" for i in frame.index]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def attack(reports: Path, truth: dict | None = None) -> Attack:
    """The attack over ``reports``. ``truth``: (municipality, date, figure, group, grain) ->
    true value, to drop relations that do not hold; without it every relation is assumed."""
    rows = read_trends(reports)
    result = Attack()
    if rows.empty:
        return result
    for code, part in rows.groupby("municipality"):
        _attack_one(int(code), part, truth or {}, result)
    return result


def _attack_one(code: int, rows: pd.DataFrame, truth: dict, result: Attack) -> None:
    keys: dict[tuple, int] = {}
    known: dict[int, float] = {}
    where: dict[int, str] = {}
    for r in rows.itertuples(index=False):
        key = (code, r.date, r.figure, str(r.group), r.grain)
        i = keys.setdefault(key, len(keys))
        if pd.notna(r.value):
            known[i] = float(r.value)
        else:
            where.setdefault(i, r.where)
    names = {i: k for k, i in keys.items()}
    equations: list[dict[int, float]] = []
    # a quarter's flow is the sum of its months
    for (c, date, figure, group, grain), q in keys.items():
        if grain != "Q":
            continue
        end = pd.Timestamp(date)
        months = [str((end - pd.offsets.MonthEnd(k)).date()) for k in (2, 1)] + [date]
        parts = [keys.get((c, m, figure, group, "M")) for m in months]
        if all(p is not None for p in parts):
            equations.append({q: 1.0, **dict.fromkeys(parts, -1.0)})
    # a total is the sum of its groups
    for (c, date, figure, group, grain), t in keys.items():
        if figure in MARGINS and group == "I alt":
            parts = [keys.get((c, date, figure, g, grain)) for g in MARGINS[figure]]
            if all(p is not None for p in parts):
                equations.append({t: 1.0, **dict.fromkeys(parts, -1.0)})
    if truth:
        kept = []
        for eq in equations:
            values = [truth.get(names[i]) for i in eq]
            if any(v is None for v in values) or abs(sum(w * v for w, v in zip(eq.values(), values))) < 1e-9:
                kept.append(eq)
        result.dropped += len(equations) - len(kept)
        equations = kept
    result.variables += len(keys)
    result.relations += len(equations)
    unknown = [i for i in names if i not in known]
    result.withheld += len(unknown)
    # connected components: each unknown with the equations that reach it
    parent = list(range(len(keys)))

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for eq in equations:
        first, *rest = eq
        for other in rest:
            parent[find(other)] = find(first)
    by_root: dict[int, list] = {}
    for eq in equations:
        by_root.setdefault(find(next(iter(eq))), []).append(eq)
    for i in unknown:
        eqs = by_root.get(find(i), [])
        if not eqs:
            continue  # nothing relates it to anything printed: anywhere from 1 up
        low, high = _range(i, eqs, known)
        if low is not None and high - low < 0.5 and 1 <= low <= 4:
            result.recovered.append((*names[i], low, where.get(i, "")))


def _range(target: int, equations: list[dict], known: dict) -> tuple[float | None, float | None]:
    """The whole-number range of ``target`` under ``equations`` (unknowns >= 1)."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    unknowns = sorted({i for eq in equations for i in eq if i not in known})
    col = {i: k for k, i in enumerate(unknowns)}
    a = np.zeros((len(equations), len(unknowns)))
    b = np.zeros(len(equations))
    for r, eq in enumerate(equations):
        for i, w in eq.items():
            if i in known:
                b[r] -= w * known[i]
            else:
                a[r, col[i]] += w
    c = np.zeros(len(unknowns))
    c[col[target]] = 1.0
    ends = []
    for sign in (1.0, -1.0):
        res = linprog(sign * c, A_eq=a, b_eq=b, bounds=[(1, None)] * len(unknowns), method="highs")
        if res.status == 2:  # infeasible: the relations do not hold together
            return None, None
        ends.append(sign * res.fun if res.status == 0 else (np.inf if sign < 0 else 1.0))
    low, high = np.ceil(ends[0] - 1e-7), np.floor(ends[1] + 1e-7)
    if high - low >= 6:  # wide over real numbers: whole numbers cannot pin it
        return low, high
    integral = np.ones(len(unknowns))
    out = []
    for sign in (1.0, -1.0):
        res = milp(sign * c, constraints=LinearConstraint(a, b, b), integrality=integral, bounds=Bounds(1, np.inf))
        if res.status != 0:
            return low, high
        out.append(sign * res.fun)
    return out[0], out[1]


def truth_from_records(reports: Path, private: Path) -> dict:
    """The true value of every trends count, from the runs' private records: what the
    relations are checked against (never what the reader sees)."""
    import json

    out = {}
    for path in sorted(private.glob("*/*/disclosure.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if "trends" not in record.get("tables", {}):
            continue
        folder = reports / path.parent.parent.name / path.parent.name
        frame = pd.read_csv(folder / "trends.csv", dtype={"group": str})
        grain = _grain(folder.name, frame)
        for row, column, _, _, _, _, _, value, *_ in record["tables"]["trends"]["cells"]:
            r = frame.iloc[row]
            if column == "value" and r["figure"] in STOCKS | FLOWS:
                key = (
                    int(r["municipality"]),
                    r["date"],
                    r["figure"],
                    str(r["group"]),
                    "S" if r["figure"] in STOCKS else grain,
                )
                out[key] = float(value)
    return out
