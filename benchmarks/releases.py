"""A simulated year of monthly releases (``reportbook release YYYY-MM`` for each month):
12 monthly, 4 quarterly and 1 annual period into one book, each protected given everything
published before it (issues #29, #30).

After each release (which audits the whole history itself) the history is attacked by a
reader with every CSV file and a solver (``tests/attack.py``: the same figure on every page
and release, a quarter as the sum of its months, totals as sums of their steps). Prints per
release the time of the runs (with protection) and of the audit, the withheld cells, and
what the attack recovers (it must be nothing), then the totals and where the time went.

    .venv/bin/python benchmarks/releases.py                       # 851 615 410, trends + staircase
    .venv/bin/python benchmarks/releases.py --municipalities 851 --notebooks trends
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def seconds(text: str, what: str) -> float:
    found = re.search(rf"{what} ([0-9.]+,[0-9]) s", text)
    return float(found[1].replace(".", "").replace(",", ".")) if found else float("nan")


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
    totals = {"run": 0.0, "audit": 0.0, "wall": 0.0}
    failed = 0
    for month in months(args.year):
        command = [str(BIN / "reportbook"), "release", month, "--data", args.data, "--out", str(out), "--no-build"]
        for m in args.municipalities:
            command += ["--municipality", m]
        for nb in args.notebooks:
            command += ["--notebook", nb]
        t = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
        run, audit_s = seconds(done.stdout, "kørsler med beskyttelse"), seconds(done.stdout, "revision")
        result = attack(out, truth_from_records(out, private_root(out)))
        totals["run"] += run
        totals["audit"] += audit_s
        totals["wall"] += wall
        failed += done.returncode != 0 or bool(result.recovered)
        print(
            f"{month:<24}{run:8.1f}{audit_s:9.1f}{result.withheld:10d}{len(result.recovered):11d}  "
            f"{'bestået' if done.returncode == 0 else 'FEJL: ' + done.stderr[-300:]}"
        )
    share = (totals["run"] + totals["audit"]) and totals["audit"] / (totals["run"] + totals["audit"])
    print(
        f"\n12 releases ({len(args.municipalities)} municipalities): {totals['wall']:.0f} s in all; "
        f"runs with protection {totals['run']:.0f} s, audits {totals['audit']:.0f} s ({share:.0%} of the two)"
    )
    print("every release attacked with all before it: " + ("nothing recovered" if not failed else f"{failed} FAILED"))


if __name__ == "__main__":
    main()
