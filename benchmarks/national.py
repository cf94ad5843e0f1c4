"""National benchmark: every municipality x one period x every notebook of the default
matrix, then the book build, from empty caches, on this machine.

Run from the repository root: `.venv/bin/python benchmarks/national.py [--jobs 2]`.
A fresh copy of the project (no reports, no _build, empty data-set and protection caches)
runs `reportbook run --municipality alle` and `reportbook build`; the script prints the
times, the memory of the workers and their notebook processes, checks that every run has
a page without an error, and times an unchanged re-run and rebuild. Measured in this one
run; the load average shows what else the (shared) machine was doing.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import Sampler  # noqa: E402

TARGET = 600.0  # seconds, runs and build together


def project_copy(work: Path) -> Path:
    """The project without outputs (like the test suite's copy), synthetic data included."""
    home = work / "home"
    home.mkdir()
    for name in ("_config.yml", "_toc.yml", "runs.yml"):
        shutil.copy(ROOT / name, home / name)
    skip = shutil.ignore_patterns(
        "reports", "reports.md", "_reports_table.md", "data_quality.md", "kommuner", "regioner"
    )
    for name in ("notebooks", "book", "data"):
        shutil.copytree(ROOT / name, home / name, ignore=skip)
    return home


def timed(cmd, env, sample=False):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid) if sample else None
    if sampler:
        with sampler:
            _, stderr = proc.communicate()
    else:
        _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{stderr[-3000:]}")
    return time.perf_counter() - start, sampler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--period", default="2016-02-01:2016-08-01")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reportbook-national-"))
    home = project_copy(work)
    if not (home / "data" / "synthetic" / ".complete").exists():
        subprocess.run([BIN / "reportbook", "synth", "--out", home / "data" / "synthetic"], check=True)
    env = {
        **os.environ,
        "REPORTBOOK_HOME": str(home),
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    import yaml

    notebooks = yaml.safe_load((ROOT / "runs.yml").read_text())["notebooks"]
    print(f"Machine: {os.cpu_count()} cores, load average before {os.getloadavg()[0]:.1f}; jobs = {args.jobs}")
    print(f"Matrix: 98 municipalities x 1 period ({args.period}) x {len(notebooks)} notebooks = {98 * len(notebooks)}")
    run = [BIN / "reportbook", "run", "--municipality", "alle", "--period", args.period, "--jobs", str(args.jobs)]
    runs, sampler = timed(run, env, sample=True)
    build, _ = timed([BIN / "reportbook", "build"], env)
    total = runs + build
    html = home / "_build" / "html" / "book" / "reports"
    pages = sorted(html.glob("*/*.html"))
    broken = [p for p in pages if re.search(r"Traceback|output traceback|output stderr", p.read_text(encoding="utf-8"))]
    executed = sorted((home / "book" / "reports").glob("*/*.ipynb"))
    rerun, _ = timed(run, env)
    rebuild, _ = timed([BIN / "reportbook", "build"], env)
    load = os.getloadavg()[0]

    print(f"reportbook run (fork engine), {len(executed)} runs: {runs:7.1f} s  ({runs / len(executed):.2f} s per run)")
    print(f"reportbook build, {len(pages)} report pages:      {build:7.1f} s  ({len(pages) / build:.1f} pages/s)")
    print(
        f"national book from empty caches:      {total:7.1f} s  = {total / 60:.1f} min (goal < {TARGET / 60:.0f} min)"
    )
    print(f"pages with an error output:            {len(broken)}" + (f" e.g. {broken[0]}" if broken else ""))
    print(f"unchanged re-run / rebuild:           {rerun:7.1f} s / {rebuild:.1f} s")
    print(f"memory: {sampler.summary()}")
    print(f"load average after: {load:.1f}")
    shutil.rmtree(work, ignore_errors=True)
    if broken or len(pages) != len(executed) or len(executed) != 98 * len(notebooks):
        raise SystemExit("not every run has a working page")


if __name__ == "__main__":
    main()
