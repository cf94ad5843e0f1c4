"""Disclosure control: which method, and what it costs (issue #11).

Prints, in one run on the shipped synthetic data:

1. **Methods compared** on KORA's Aalborg flow table (February -> August 2016) and on the
   whole linked system of Aalborg's children's pages for that period:
   - the previous greedy complementary suppression (relations of the flow table only),
   - the book's method: secondary suppression by Gaussian elimination over the linked
     system plus interval checks,
   - small-count rounding (Statistics Norway's SmallCountRounding idea: inner cells of 1-4
     rounded to 0 or 5 so that the margins move least; solved here as an integer programme),
   - cell-key perturbation (ABS/ONS: every cell gets noise -2..+2 from its cell key, the
     sum of the units' record keys; cells of 1-4 never published as they are).
   For each: flow-table cells of 5 or more withheld or changed, all cells withheld or
   changed, and the cells of 1-4 a reader can compute exactly (withheld >= 1, zeros shown).
2. **Cost** for the default matrix: a cold ``reportbook run`` (empty caches), the time
   protection takes (every linked system of the matrix, computed in-process, cold) and
   ``reportbook audit``; as shares of the run.

    .venv/bin/python benchmarks/disclosure.py
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PERIOD = ("2016-02-01", "2016-08-01")


# ----------------------------------------------------------------------------- methods


def old_complementary(values: dict, hidden: dict, equations) -> dict:
    """The previous method (reportbook before issue #11): while a relation has exactly one
    hidden term, hide its smallest visible term."""
    hidden = dict(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in equations:
            terms = [total, *parts]
            if sum(bool(hidden.get(k, False)) for k in terms) != 1:
                continue
            candidates = [k for k in terms if k in values and not hidden.get(k, False)]
            if candidates:
                hidden[min(candidates, key=lambda k: (values[k] == 0, values[k], str(k)))] = True
                changed = True
    return hidden


def flow_relations(flow_cells):
    """The flow table's own relations (what the previous method knew): each derived cell
    as the sum of the inner cells it contains."""
    inner = [c for c in flow_cells if c.column in {"Ophørte", *map(str, range(1, 7))} and c.row < 7]
    equations = []
    for c in flow_cells:
        parts = [i.key for i in inner if i.key != c.key and set(i.members) <= set(c.members)]
        if parts and sum(len(i.members) for i in inner if i.key in parts) == len(c.members):
            equations.append((c.key, parts))
    return equations


def pinned_count(cells, status) -> int:
    """Primary cells a reader can compute exactly, by the book's own interval check."""
    from helpers.publishing.disclosure import PUBLISHED, _Intervals, atoms

    matrix = atoms(cells)
    values = np.array([c.value for c in cells])
    check = _Intervals(matrix, values, True)
    check.withhold([i for i, c in enumerate(cells) if status[c.key] != PUBLISHED])
    return sum(check.pinned(i, exact=True) for i, c in enumerate(cells) if 0 < c.value < 5)


def rounding(flow_cells):
    """Small-count rounding of the flow table: inner cells of 1-4 to 0 or 5, margins the
    sums of the rounded inner cells, the total absolute change of the margins least."""
    from scipy.optimize import LinearConstraint, milp

    inner = [c for c in flow_cells if c.column in {"Ophørte", *map(str, range(1, 7))} and c.row < 7]
    small = [c for c in inner if 0 < c.value < 5]
    margins = [c for c in flow_cells if c not in inner]
    # variables: one 0/1 per small cell (1 = round up to 5), one deviation >= |change| per margin
    n, m = len(small), len(margins)
    a = np.zeros((2 * m, n + m))
    lo, hi = np.full(2 * m, -np.inf), np.zeros(2 * m)
    for j, margin in enumerate(margins):
        inside = [i for i, c in enumerate(small) if set(c.members) <= set(margin.members)]
        base = -sum(small[i].value for i in inside)
        a[2 * j, inside], a[2 * j, n + j], hi[2 * j] = 5, -1, -base  # 5x - v - d <= 0
        a[2 * j + 1, inside], a[2 * j + 1, n + j], hi[2 * j + 1] = -5, -1, base  # -(5x - v) - d <= 0
    cost = np.r_[np.zeros(n), np.ones(m)]
    res = milp(
        cost,
        constraints=LinearConstraint(a, lo, hi),
        integrality=np.r_[np.ones(n), np.zeros(m)],
        bounds=(np.zeros(n + m), np.r_[np.ones(n), np.full(m, np.inf)]),
    )
    up = np.round(res.x[:n]).astype(bool)
    new = {c.key: c.value for c in flow_cells}
    for c, u in zip(small, up):
        new[c.key] = 5.0 if u else 0.0
    for margin in margins:
        new[margin.key] = sum(new[i.key] for i in inner if set(i.members) <= set(margin.members))
    return new


def cell_key(flow_cells):
    """Cell-key perturbation: record keys from the pseudonyms, a cell's key the fractional
    part of their sum, noise -2..+2 from a fixed table; 1-4 become 0 or at least 5."""
    out = {}
    for c in flow_cells:
        key = sum(int(hashlib.sha256(str(u).encode()).hexdigest()[:8], 16) / 16**8 for u in c.members) % 1
        noise = int(np.searchsorted(np.cumsum([0.05, 0.15, 0.6, 0.15, 0.05]), key, side="right")) - 2
        value = c.value + noise if c.value else 0.0
        if 0 < value < 5:
            value = 0.0 if key < 0.5 else 5.0
        out[c.key] = max(value, 0.0)
    return out


def compare_methods() -> None:
    from helpers.data.dataset import load
    from helpers.publishing import disclosure as d
    from helpers.publishing.pages import page
    from helpers.publishing.report import Report

    dataset = load(ROOT / "data" / "synthetic")
    report = Report(
        851,
        "Aalborg",
        "",
        pd.Timestamp(PERIOD[0]),
        pd.Timestamp(PERIOD[1]),
        ROOT / "data" / "synthetic",
        Path(tempfile.mkdtemp()),
        dataset,
        "staircase",
        {},
    )
    specs = [s for nb in ("staircase", "benchmarking", "budget_followup") for s in page(nb).specs(report)]
    cells = [c for s in specs for c in s.cells if c.block == ("child", "count")]
    flow = [c for c in cells if c.table == "flow_table"]
    large = [c for c in flow if c.value >= 5]

    print("1. Methods on Aalborg, February -> August 2016")
    print(f"   flow table: {len(flow)} cells, {len(large)} of 5 or more; linked system: {len(cells)} child counts")
    print(f"   {'method':<44}{'flow >=5 withheld/changed':>27}{'all withheld/changed':>22}{'1-4 computable':>16}")

    primary = {c.key: 0 < c.value < 5 for c in flow}
    hidden = old_complementary({c.key: c.value for c in flow}, primary, flow_relations(flow))
    status = {c.key: d.PRIMARY if primary[c.key] else (d.SECONDARY if hidden[c.key] else d.PUBLISHED) for c in flow}
    n_large = sum(status[c.key] != d.PUBLISHED for c in large)
    n_all = sum(s != d.PUBLISHED and not primary[k] for k, s in status.items())
    print(
        f"   {'previous: complementary, flow table alone':<44}{n_large:>20} of {len(large):<4}"
        f"{n_all:>16} ({len(flow)}){pinned_count(flow, status):>14}"
    )

    t = time.perf_counter()
    protection = d.protect(specs)
    seconds = time.perf_counter() - t
    status = protection.status
    n_large = sum(status[c.key] != d.PUBLISHED for c in large)
    n_all = sum(status[c.key] == d.SECONDARY for c in cells)
    print(
        f"   {'book: Gauss + intervals, linked system':<44}{n_large:>20} of {len(large):<4}"
        f"{n_all:>16} ({len(cells)}){pinned_count(cells, status):>14}   ({seconds:.1f} s)"
    )

    rounded = rounding(flow)
    changed = sum(rounded[c.key] != c.value for c in large)
    print(
        f"   {'small-count rounding, flow table':<44}{changed:>20} of {len(large):<4}"
        f"{sum(rounded[c.key] != c.value for c in flow):>16} ({len(flow)}){'0 (values altered)':>20}"
    )
    perturbed = cell_key(flow)
    changed = sum(perturbed[c.key] != c.value for c in large)
    print(
        f"   {'cell-key perturbation, flow table':<44}{changed:>20} of {len(large):<4}"
        f"{sum(perturbed[c.key] != c.value for c in flow):>16} ({len(flow)}){'0 (values altered)':>20}"
    )
    rows_off = sum(
        abs(
            perturbed[(m.table, m.row, "Unikke cpr")]
            - sum(perturbed[(m.table, m.row, str(b))] for b in range(1, 7))
            - perturbed[(m.table, m.row, "Ophørte")]
        )
        > 0
        for m in flow
        if m.column == "Unikke cpr" and m.row < 6
    )
    print(f"   cell-key perturbation: {rows_off} of 6 flow-table rows no longer add up")


# ----------------------------------------------------------------------------- cost


def cost() -> None:
    from helpers.data.dataset import load
    from helpers.pipeline.runner import load_config
    from helpers.publishing import disclosure as d
    from helpers.publishing.pages import GROUPS, page
    from helpers.publishing.report import Report

    config = load_config()
    work = Path(tempfile.mkdtemp(prefix="reportbook-disclosure-"))
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(work / "cache"),
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
    }
    t = time.perf_counter()
    subprocess.run(
        [str(BIN / "reportbook"), "run", "--out", str(work / "out"), "--jobs", "2"],
        env=env,
        check=True,
        capture_output=True,
    )
    run = time.perf_counter() - t

    os.environ.update(env)
    dataset = load(config["data"])
    t = time.perf_counter()
    groups = 0
    for start, end in (p.split(":") for p in config["periods"]):
        for members, municipalities in ((GROUPS["children"], config["municipalities"]), (GROUPS["adults"], [851])):
            for m in municipalities:
                report = Report(
                    int(m),
                    "",
                    "",
                    pd.Timestamp(start),
                    pd.Timestamp(end),
                    config["data"],
                    work,
                    dataset,
                    members[0],
                    {},
                )
                d.protect([s for nb in members for s in page(nb).specs(report)])
                groups += 1
    protection = time.perf_counter() - t

    t = time.perf_counter()
    subprocess.run([str(BIN / "reportbook"), "audit", str(work / "out")], env=env, check=True, capture_output=True)
    audit = time.perf_counter() - t
    print("\n2. Cost for the default matrix (45 runs, 2 cores, one run each)")
    print(f"   reportbook run, cold:                 {run:7.1f} s")
    print(
        f"   protection of its {groups} linked systems: {protection:7.1f} s of CPU (tables of every page + protect),"
        f" {protection / run:5.1%} of the run; ~{protection / 2 / run:5.1%} on 2 workers"
    )
    print(f"   reportbook audit (2 processes):       {audit:7.1f} s = {audit / run:5.1%} of the run")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("REPORTBOOK_SECRET", "benchmark-secret-key-0123")
    compare_methods()
    if "--methods-only" not in sys.argv:
        cost()
