"""Book build benchmark: pages per second at 50, 200 and 600 report pages, an unchanged
rebuild, adding one municipality (incremental), and serial vs parallel reading.

Run from the repository root: `.venv/bin/python benchmarks/book.py [--jobs 2]`.
It executes the notebooks it needs once (60 municipalities x 2 periods x 5 notebooks with
the fork engine), then builds books of 10, 40 and 60 municipalities from empty build
folders, each in a fresh copy of the project. Measured in this one run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from national import project_copy  # noqa: E402

PERIODS = ["2016-02-01:2016-08-01", "2016-08-01:2017-02-01"]


def run(cmd, env):
    start = time.perf_counter()
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return time.perf_counter() - start


def subset(source: Path, target: Path, codes: set[int], periods: list[str]) -> int:
    """Copy the reports of ``codes`` x ``periods`` from one reports folder to another."""
    keep = {f"{c}_{p.replace(':', '_')}" for c in codes for p in periods}
    n = 0
    for notebook in source.glob("*/*.ipynb"):
        if notebook.stem in keep:
            (target / notebook.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(notebook, target / notebook.parent.name / notebook.name)
            shutil.copytree(notebook.with_suffix(""), target / notebook.parent.name / notebook.stem)
            n += 1
    for name in ("rejects.csv",):
        shutil.copy2(source / name, target / name)
    entries = [e for e in json.loads((source / "matrix.json").read_text()) if Path(e["path"]).name in keep]
    (target / "matrix.json").write_text(json.dumps(entries))
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reportbook-book-"))
    source_home = project_copy(work)
    env = {
        **os.environ,
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    sys.path.insert(0, str(ROOT / "src"))
    import pandas as pd

    codes = [int(c) for c in pd.read_csv(ROOT / "data" / "municipalities.csv")["code"]][:61]
    extra, codes = codes[-1], codes[:-1]
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; build jobs = {args.jobs}")
    started = time.perf_counter()
    run(
        [BIN / "reportbook", "run", "--jobs", str(args.jobs)]
        + [a for c in [*codes, extra] for a in ("--municipality", str(c))]
        + [a for p in PERIODS for a in ("--period", p)],
        {**env, "REPORTBOOK_HOME": str(source_home)},
    )
    print(
        f"(executed {len(codes) + 1} municipalities x 2 periods x 5 notebooks in {time.perf_counter() - started:.0f} s)"
    )
    reports = source_home / "book" / "reports"
    print("pages  jobs  fresh build   pages/s   unchanged rebuild")
    for n_codes, periods in ((10, PERIODS[:1]), (40, PERIODS[:1]), (60, PERIODS)):
        for jobs in sorted({1, args.jobs}) if n_codes == 200 // 5 else [args.jobs]:
            home = work / f"home-{n_codes}-{len(periods)}-{jobs}"
            shutil.copytree(source_home, home, ignore=shutil.ignore_patterns("reports", "_build"))
            pages = subset(reports, home / "book" / "reports", set(codes[:n_codes]), periods)
            build_env = {**env, "REPORTBOOK_HOME": str(home), "REPORTBOOK_BUILD_JOBS": str(jobs)}
            fresh = run([BIN / "reportbook", "build"], build_env)
            again = run([BIN / "reportbook", "build"], build_env)
            print(f"{pages:5d}  {jobs:4d}  {fresh:9.1f} s  {pages / fresh:8.1f}   {again:9.1f} s")
    # adding one municipality (2 periods x 5 notebooks = 10 pages) to the 600-page book
    added = subset(reports, work / "extra", {extra}, PERIODS)
    target = home / "book" / "reports"
    for notebook in (work / "extra").glob("*/*.ipynb"):
        shutil.copy2(notebook, target / notebook.parent.name / notebook.name)
        shutil.copytree(notebook.with_suffix(""), target / notebook.parent.name / notebook.stem)
    matrix = json.loads((target / "matrix.json").read_text()) + json.loads((work / "extra" / "matrix.json").read_text())
    (target / "matrix.json").write_text(json.dumps(matrix))
    incremental = run([BIN / "reportbook", "build"], build_env)
    print(f"adding one municipality ({added} pages) to the {pages}-page book: {incremental:.1f} s (incremental)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
