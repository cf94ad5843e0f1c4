"""Matrix benchmark: naive papermill loop vs `reportbook run` cold, unchanged, after a change.

Run from the repository root: `.venv/bin/python benchmarks/matrix.py [--municipalities 851 615 410 101]`.
Everything is measured in this one run, on this machine, and printed as seconds and ratios:
the naive serial loop of the papermill CLI (a kernel per notebook), `reportbook run` from
empty caches with the fork engine (the default) and with `--engine kernel`, an unchanged
re-run, a re-run after one municipality's data changed, and the memory of the workers and
their notebook processes during the cold run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import Sampler  # noqa: E402

BIN = Path(sys.executable).parent
PERIOD = ("2016-02-01", "2016-08-01")


def timed(cmd, env, sampler=None):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    if sampler is not None:
        with sampler(proc.pid) as s:
            _, stderr = proc.communicate()
        sampler.last = s
    else:
        _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, cmd))}\n{stderr[-3000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--municipalities", nargs="+", default=["851", "615", "410", "101"])
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from helpers.pipeline import runner

    notebooks = runner.load_config()["notebooks"]
    work = Path(tempfile.mkdtemp(prefix="reportbook-bench-"))
    data = work / "data"
    shutil.copytree(ROOT / "data" / "synthetic", data)
    env = {
        **os.environ,
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
        "XDG_CACHE_HOME": str(work / "cache-naive"),
    }
    n_runs = len(notebooks) * len(args.municipalities)
    print(f"Load average before: {os.getloadavg()[0]:.1f}")
    print(
        f"Machine: {os.cpu_count()} cores; matrix: {len(notebooks)} notebooks x {len(args.municipalities)} "
        f"municipalities x 1 period = {n_runs} runs; jobs = {args.jobs}"
    )

    start = time.perf_counter()
    for nb in notebooks:
        for m in args.municipalities:
            out = work / "naive" / nb / m
            out.mkdir(parents=True)
            timed(
                [
                    BIN / "papermill",
                    ROOT / "notebooks" / f"{nb}.ipynb",
                    out / "out.ipynb",
                    "-p",
                    "municipality",
                    m,
                    "-p",
                    "period_start",
                    PERIOD[0],
                    "-p",
                    "period_end",
                    PERIOD[1],
                    "-p",
                    "data_dir",
                    data,
                    "-p",
                    "output_dir",
                    out,
                ],
                env,
            )
    naive = time.perf_counter() - start

    def command(out):
        return [BIN / "reportbook", "run", "--data", data, "--out", out, "--period", ":".join(PERIOD)] + [
            "--jobs",
            str(args.jobs),
            *[a for m in args.municipalities for a in ("--municipality", m)],
        ]

    env["XDG_CACHE_HOME"] = str(work / "cache-kernel")
    kernel = timed([*command(work / "kernel"), "--engine", "kernel"], env, sampler=Sampler)
    kernel_memory = Sampler.last.summary()
    env["XDG_CACHE_HOME"] = str(work / "cache-run")
    base = command(work / "run")
    cold = timed(base, env, sampler=Sampler)
    fork_memory = Sampler.last.summary()
    warm = timed(base, env)
    env["XDG_CACHE_HOME"] = str(work / "cache-dask")
    dask = timed([*command(work / "dask"), "--scheduler", "local"], env)
    env["XDG_CACHE_HOME"] = str(work / "cache-run")

    # change one municipality's data: one intervention's monthly cost
    path = data / "interventions.csv"
    lines = path.read_bytes().decode("cp1252").splitlines(keepends=True)
    has_rows = {line.split(";")[1] for line in lines[1:]}
    changed = [m for m in args.municipalities if m in has_rows][-1]
    for i, line in enumerate(lines[1:], start=1):
        if line.split(";")[1] == changed:
            fields = line.split(";")
            fields[8] = "1,00"
            lines[i] = ";".join(fields)
            break
    path.write_bytes("".join(lines).encode("cp1252"))
    before = {p: p.stat().st_mtime for p in (work / "run").glob("*/*.ipynb")}
    after_change = timed(base, env)
    rerun = sorted(str(p.relative_to(work / "run")) for p in before if p.stat().st_mtime != before[p])

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.update(env)
    import helpers
    from helpers import budget, key_figures, staircase

    start = time.perf_counter()
    dataset = helpers.load(data, use_cache=False)
    for m in args.municipalities:
        iv = dataset.interventions[dataset.interventions["municipality"] == int(m)]
        if iv.empty:  # no children's data (the notebooks say so; the analyses need rows)
            continue
        ce = dataset.case_events[dataset.case_events["municipality"] == int(m)]
        ba = dataset.budget_assumptions[dataset.budget_assumptions["municipality"] == int(m)]
        staircase.analyse(iv, *PERIOD)
        key_figures.key_figures(iv, ce, ba, *PERIOD, int(m))
        budget.volume_price_split(iv, ba, 2016)
    analysis = time.perf_counter() - start

    print(f"naive papermill CLI loop (serial): {naive:7.1f} s")
    print(f"reportbook run --engine kernel, cold: {kernel:5.1f} s   naive/kernel = {naive / kernel:5.1f}x")
    print(f"reportbook run, cold (fork engine): {cold:6.1f} s   naive/cold   = {naive / cold:5.1f}x (goal 6x)")
    print(f"reportbook run, nothing changed:   {warm:7.2f} s   cold/warm    = {cold / warm:5.1f}x (goal 20x)")
    print(f"reportbook run --scheduler local (Dask LocalCluster, fork engine), cold: {dask:5.1f} s")
    print(
        f"reportbook run, {changed} changed:      {after_change:7.1f} s   re-ran {len(rerun)} of {n_runs}: "
        f"{', '.join(rerun)}"
    )
    print(
        f"analysis alone, in-process:        {analysis:7.1f} s   "
        "(load + staircase + key figures + budget, all municipalities)"
    )
    print(f"memory, fork engine (--jobs {args.jobs}):   {fork_memory}")
    print(f"memory, kernel engine (--jobs {args.jobs}): {kernel_memory}")
    print(f"Load average after: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
