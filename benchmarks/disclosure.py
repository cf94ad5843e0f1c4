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
   protection takes (every publication of the matrix, all its periods, computed
   in-process, cold) and ``reportbook audit``; as shares of the run.
3. **What protection withholds**: per table, the count cells of 5 or more that are
   withheld (secondary suppression), and the share over all tables.

    .venv/bin/python benchmarks/disclosure.py                      # everything
    .venv/bin/python benchmarks/disclosure.py --cost-only --reports=book/reports
"""

from __future__ import annotations

import hashlib
import json
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
    from helpers.publishing.report import ReadingDataset, ReadLog, Report

    dataset = load(ROOT / "data" / "synthetic")
    report = Report(
        851,
        "Aalborg",
        "",
        pd.Timestamp(PERIOD[0]),
        pd.Timestamp(PERIOD[1]),
        ROOT / "data" / "synthetic",
        Path(tempfile.mkdtemp()),
        ReadingDataset(dataset, ReadLog("staircase")),
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


def withheld_by_table(reports: Path) -> pd.DataFrame:
    """Per table of the book (all runs): count cells of 5 or more, and how many of them are
    withheld, from the runs' private records (the true values and statuses)."""

    from helpers.publishing.private import private_root

    rows = []
    seen = set()
    for path in sorted(private_root(reports).glob("*/*/disclosure.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        run = path.parent.name
        for table, content in record["tables"].items():
            for row, column, status, block, _, shown, _, value, *_ in content["cells"]:
                key = (run, table, row, column)
                if not shown or not block.endswith(":count") or key in seen or value < 5:
                    continue
                seen.add(key)
                rows.append((table, status != "published"))
    frame = pd.DataFrame(rows, columns=["table", "withheld"])
    out = frame.groupby("table")["withheld"].agg(["size", "sum"]).rename(columns={"size": "cells", "sum": "withheld"})
    out["share"] = out["withheld"] / out["cells"]
    return out.sort_values("share", ascending=False)


def cost(reports: Path | None = None) -> None:
    """Protection and audit cost for the default matrix, and what the protection withholds
    per table. ``reports``: an existing run of the default matrix (else one is made, cold)."""
    from helpers.data.dataset import load
    from helpers.pipeline.runner import build_matrix, load_config, publication_periods
    from helpers.publishing.pages import page
    from helpers.publishing.report import ReadingDataset, ReadLog, Report

    config = load_config()
    work = Path(tempfile.mkdtemp(prefix="reportbook-disclosure-"))
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(work / "cache"),
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
    }
    run = None
    if reports is None:
        reports = work / "out"
        t = time.perf_counter()
        subprocess.run(
            [str(BIN / "reportbook"), "run", "--out", str(reports), "--jobs", "2"],
            env=env,
            check=True,
            capture_output=True,
        )
        run = time.perf_counter() - t

    os.environ.update(env)
    runs = build_matrix(config["notebooks"], config["municipalities"], config["periods"])
    publication = publication_periods(runs)
    dataset = load(config["data"])
    t = time.perf_counter()
    scopes = 0
    for notebook, municipalities in (("staircase", config["municipalities"]), ("adult_prices", [851])):
        for m in municipalities:
            start, end = config["periods"][0].split(":")
            report = Report(
                int(m),
                "",
                "",
                pd.Timestamp(start),
                pd.Timestamp(end),
                config["data"],
                work,
                ReadingDataset(dataset, ReadLog(notebook)),
                notebook,
                {},
                {"publication": publication},
            )
            page(notebook)  # imported before the clock matters little; kept for clarity
            report.protect_publication()
            scopes += 1
    protection = time.perf_counter() - t

    t = time.perf_counter()
    subprocess.run([str(BIN / "reportbook"), "audit", str(reports)], env=env, check=True, capture_output=True)
    audit = time.perf_counter() - t
    print(f"\n2. Cost for the default matrix ({len(runs)} runs, 2 cores, one run each)")
    if run is not None:
        print(f"   reportbook run, cold:                 {run:7.1f} s")
    print(f"   protection of its {scopes} publications:  {protection:7.1f} s of CPU (tables of every page + protect)")
    print(f"   reportbook audit (2 processes):       {audit:7.1f} s")
    if run is not None:
        print(f"   protection on 2 workers + audit:      {(protection / 2 + audit) / run:5.1%} of the cold run")

    shares = withheld_by_table(reports)
    print("\n3. Count cells of 5 or more withheld, per table (all runs of the default matrix)")
    for table, r in shares.iterrows():
        flag = "  > 25 %" if r["share"] > 0.25 else ""
        print(f"   {table:<40}{int(r['withheld']):>6} of {int(r['cells']):<6}{r['share']:7.1%}{flag}")
    total = shares["withheld"].sum() / shares["cells"].sum()
    print(f"   {'all tables':<40}{int(shares['withheld'].sum()):>6} of {int(shares['cells'].sum()):<6}{total:7.1%}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("REPORTBOOK_SECRET", "benchmark-secret-key-0123")
    existing = next((Path(a.split("=", 1)[1]) for a in sys.argv if a.startswith("--reports=")), None)
    if "--cost-only" not in sys.argv:
        compare_methods()
    if "--methods-only" not in sys.argv:
        cost(existing)
