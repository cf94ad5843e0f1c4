"""A simulated year of releases: 12 monthly, then a quarterly and an annual one, into one
book, each protected given everything published before it (issue #29).

After each release the whole history is audited (``reportbook audit``) and attacked by a
reader with every CSV file and a solver (``tests/attack.py``: the same figure on every page
and release, a quarter as the sum of its months, totals as sums of their steps). Prints per
release the time of the run and of the audit, the withheld cells, and what the attack
recovers (it must be nothing), then the totals.

    .venv/bin/python benchmarks/releases.py                       # 851 615 410, trends + staircase
    .venv/bin/python benchmarks/releases.py --municipalities 851 --notebooks trends
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def releases(year: int) -> list[str]:
    months = [f"{year}-{m:02d}-01:{(pd.Timestamp(year, m, 1) + pd.offsets.MonthEnd(1)).date()}" for m in range(1, 13)]
    return [*months, f"{year}-10-01:{year}-12-31", f"{year}-01-01:{year}-12-31"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--municipalities", nargs="+", default=["851", "615", "410"])
    parser.add_argument("--notebooks", nargs="+", default=["trends", "staircase"])
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--data", default=str(ROOT / "data" / "synthetic"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT / "src"))
    from attack import attack, truth_from_records

    from helpers.publishing.private import private_root

    work = Path(tempfile.mkdtemp(prefix="reportbook-releases-"))
    out = work / "book"
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(work / "cache"),
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
    }
    print(f"Releases for {', '.join(args.municipalities)}; notebooks {', '.join(args.notebooks)}; into {out}")
    print(f"{'release':<24}{'run s':>8}{'audit s':>9}{'withheld':>10}{'recovered':>11}  audit")
    totals = {"run": 0.0, "audit": 0.0}
    failed = 0
    for period in releases(args.year):
        command = [str(BIN / "reportbook"), "run", "--data", args.data, "--out", str(out), "--period", period]
        for m in args.municipalities:
            command += ["--municipality", m]
        for nb in args.notebooks:
            command += ["--notebook", nb]
        t = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        run = time.perf_counter() - t
        t = time.perf_counter()
        audited = subprocess.run([str(BIN / "reportbook"), "audit", str(out)], env=env, capture_output=True, text=True)
        audit_s = time.perf_counter() - t
        result = attack(out, truth_from_records(out, private_root(out)))
        totals["run"] += run
        totals["audit"] += audit_s
        failed += audited.returncode != 0 or bool(result.recovered)
        print(
            f"{period:<24}{run:8.1f}{audit_s:9.1f}{result.withheld:10d}{len(result.recovered):11d}  "
            f"{'bestået' if audited.returncode == 0 else 'FEJL'}"
        )
    print(f"\n{len(releases(args.year))} releases: runs {totals['run']:.0f} s, audits {totals['audit']:.0f} s;")
    print("every release attacked with all before it: " + ("nothing recovered" if not failed else f"{failed} FAILED"))


if __name__ == "__main__":
    main()
