"""Ingest benchmark: validate time and peak memory at 100k and 1M rows, and a 2 GB file.

Run from the repository root: ``.venv/bin/python benchmarks/ingest.py [--sizes 100000 1000000] [--big-gb 2]``.

Each size is an ``interventions.csv`` written the way a Danish Excel export looks (``;``,
decimal comma, ``dd-mm-yyyy``, cp1252, CPR numbers as person ids, no ``step`` column so
that the step is derived from the measure), generated in a temporary folder under
``/tmp`` and deleted afterwards. Two measurements per size, each in a fresh process:
``helpers.load`` without the data-set cache (time of ``load`` alone; peak resident set
size of the process, ``ru_maxrss``: interpreter, imports and data), and the command
``reportbook validate`` as a user runs it, which also writes the data-set cache (wall time
and peak resident set size from GNU ``time``). The large file (``--big-gb``, default 2)
only goes through ``reportbook validate``. Everything printed is measured in this run.
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

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HEADER = (
    "person_id;municipality;district;target_group;caseworker_id;measure;start_date;end_date;monthly_cost;provider_type"
)
MEASURES = [
    "§11, stk. 3 rådgivning",
    "§52 stk. 3 nr. 5 aflastning",
    "§52 stk. 3 nr. 6 fast kontaktperson",
    "§52 stk. 3 nr. 3 familiebehandling",
    "§52 stk. 3 nr. 7 netværkspleje",
    "§52 stk. 3 nr. 7 plejefamilie",
    "§52 stk. 3 nr. 7 døgninstitution",
    "§52 stk. 3 nr. 7 socialpædagogisk opholdssted",
]
MUNICIPALITIES = ["851", "615", "410", "Aalborg", "Horsens Kommune", "167"]
DISTRICTS = ["Nord", "Syd", "Øst", "Vest", "Centrum"]


def _dates(rng, n, first="2010-01-01", days=3000):
    days_ = rng.integers(0, days, n)
    return np.datetime64(first) + days_.astype("timedelta64[D]")


def rows(n: int, seed: int) -> list[str]:
    """``n`` data lines (without line ends) of a Danish interventions export."""
    rng = np.random.default_rng(seed)
    born = _dates(rng, n, "1999-01-01", 6500)
    iso = np.datetime_as_string(born, unit="D")
    serial = rng.integers(0, 10000, n)
    start = _dates(rng, n)
    end = start + rng.integers(1, 900, n).astype("timedelta64[D]")
    open_end = rng.random(n) < 0.3
    cost = rng.uniform(1000, 150000, n)
    measure = rng.integers(0, len(MEASURES), n)
    out = []
    for i in range(n):
        y, m, d = iso[i][:4], iso[i][5:7], iso[i][8:10]
        # 7th digit 4 (born 2000-2036) or 0 (born 1900s): the CPR century rule
        seventh = "4" if y >= "2000" else "0"
        cpr = f"{d}{m}{y[2:]}-{seventh}{serial[i] % 1000:03d}"
        s, e = str(start[i]), str(end[i])
        amount = f"{cost[i]:.2f}".replace(".", ",")  # decimal comma
        out.append(
            f"{cpr};{MUNICIPALITIES[i % len(MUNICIPALITIES)]};{DISTRICTS[i % 5]};"
            f"{'udsat' if i % 7 else 'handicap'};SB-{i % 40:02d};{MEASURES[measure[i]]};"
            f"{s[8:10]}-{s[5:7]}-{s[:4]};{'' if open_end[i] else f'{e[8:10]}-{e[5:7]}-{e[:4]}'};"
            f"{amount};{'egen' if i % 3 else 'privat'}"
        )
    return out


NOTE_HEADER = (
    "person_id,birth_date,municipality,district,target_group,caseworker_id,measure,start_date,end_date,"
    "monthly_cost,note"
)


def note_rows(n: int, seed: int) -> list[str]:
    """``n`` lines of a case system's own export (UTF-8, comma, ISO dates): pseudonymised
    person ids with a birth date, 500 case workers, and a free-text note different on every
    row (the text columns a loader must scan for CPR numbers value by value)."""
    rng = np.random.default_rng(seed)
    born = np.datetime_as_string(_dates(rng, n, "1999-01-01", 6500), unit="D")
    start = np.datetime_as_string(_dates(rng, n), unit="D")
    cost = rng.uniform(1000, 150000, n)
    measure = rng.integers(0, len(MEASURES), n)
    return [
        f"b{i % (n // 3 + 1):09d},{born[i]},{MUNICIPALITIES[i % 6]},{DISTRICTS[i % 5]},udsat,SB-{i % 500:03d},"
        f'"{MEASURES[measure[i]]}",{start[i]},,{cost[i]:.2f},"Opfølgning {i}: aftale med skolen, møde uge {i % 52}"'
        for i in range(n)
    ]


def write_note_file(path: Path, n: int, seed: int = 1) -> tuple[int, int]:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(NOTE_HEADER + "\n")
        for first in range(0, n, 100_000):
            fh.write("\n".join(note_rows(min(100_000, n - first), seed + first)) + "\n")
    return n, path.stat().st_size


#: The targets (issue #25): validating 1 M rows in at most this many seconds and MiB.
GOAL_SECONDS, GOAL_MIB = 10.0, 1024.0


def write_file(path: Path, n: int | None = None, size_bytes: int | None = None, seed: int = 1) -> tuple[int, int]:
    """Write an interventions file of ``n`` rows (or at least ``size_bytes``); returns (rows, bytes)."""
    written = total = 0
    block = 100_000
    with open(path, "wb") as fh:
        fh.write((HEADER + "\r\n").encode("cp1252"))
        lines = rows(min(block, n or block), seed)
        chunk = ("\r\n".join(lines) + "\r\n").encode("cp1252")
        while True:
            if n is not None and written >= n:
                break
            if size_bytes is not None and total >= size_bytes:
                break
            take = block if n is None else min(block, n - written)
            data = chunk if take == len(lines) else ("\r\n".join(lines[:take]) + "\r\n").encode("cp1252")
            fh.write(data)
            written += take
            total += len(data)
    return written, path.stat().st_size


PROBE = """
import json, resource, sys, time
from helpers.data.dataset import load
start = time.perf_counter()
data = load(sys.argv[1], use_cache=False)
elapsed = time.perf_counter() - start
q = data.quality.set_index("table").loc["interventions"]
print(json.dumps({"seconds": elapsed, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "read": int(q["rows_read"]), "kept": int(q["rows_kept"]), "rejected": int(q["rows_rejected"]),
                  "messages": data.issues["message"].head(3).tolist()}))
"""


def validate(data_dir: Path) -> dict:
    env = {**os.environ, "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123")}
    result = subprocess.run([sys.executable, "-c", PROBE, str(data_dir)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["?"])[-1][:300], "returncode": result.returncode}
    return json.loads(result.stdout.strip().splitlines()[-1])


def cli_validate(data_dir: Path, cache: Path) -> tuple[int, str, float, float]:
    """`reportbook validate` as a user runs it (with the data-set cache written): exit code,
    last line printed, wall time and peak resident memory of the command (GNU time)."""
    env = {
        **os.environ,
        "REPORTBOOK_SECRET": os.environ.get("REPORTBOOK_SECRET", "benchmark-secret-key-0123"),
        "XDG_CACHE_HOME": str(cache),
    }
    cmd = [str(Path(sys.executable).parent / "reportbook"), "validate", str(data_dir)]
    timer = shutil.which("time") or "/usr/bin/time"
    measured = Path(timer).exists()
    if measured:
        cmd = [timer, "-f", "%e %M", "-o", str(cache / "time.txt"), *cmd]
    cache.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    peak = float("nan")
    if measured and (cache / "time.txt").exists():
        wall, kib = (cache / "time.txt").read_text().split()[-2:]
        seconds, peak = float(wall), int(kib) / 1024
    lines = [line for line in (result.stdout + result.stderr).strip().splitlines() if line.strip()]
    messages = [line.strip() for line in lines if line.lstrip().startswith("- ")]  # the reasons, if any
    return result.returncode, (messages or lines or [""])[0], seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--big-gb", type=float, default=2.0, help="size of the large file (0: skip)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reportbook-ingest-", dir="/tmp"))
    try:
        print(f"Machine: {os.cpu_count()} cores; files in {work} (deleted afterwards)")
        heads = ("rows", "file", "load", "peak RSS", "validate", "peak RSS")
        print(f"{heads[0]:>10}  " + "  ".join(f"{h:>9}" for h in heads[1:]) + "  kept / rejected")
        print(f"{'':>10}  {'':>9}  (helpers.load, no cache)  (`reportbook validate`, cache written)")
        verdicts = []
        for kind, writer in (("Danish Excel export", write_file), ("case-system export, notes", write_note_file)):
            print(f"{kind}:")
            for n in args.sizes:
                data = work / f"n{n}"
                data.mkdir()
                rows_, size = writer(data / "interventions.csv", n=n)
                r = validate(data)
                code, last, seconds, peak = cli_validate(data, work / f"cache{n}")
                if "error" in r:
                    print(f"{rows_:>10,}  {size / 2**20:7.0f} MB  failed: {r['error']}")
                else:
                    print(
                        f"{rows_:>10,}  {size / 2**20:7.0f} MB  {r['seconds']:7.2f} s  {r['peak_mib']:5.0f} MiB  "
                        f"{seconds:7.2f} s  {peak:5.0f} MiB  {r['kept']:,} / {r['rejected']:,} (exit {code})"
                    )
                    if n == 1_000_000:
                        verdicts.append((kind, seconds, peak))
                shutil.rmtree(data)
                shutil.rmtree(work / f"cache{n}", ignore_errors=True)
        for kind, seconds, peak in verdicts:
            ok = seconds <= GOAL_SECONDS and peak <= GOAL_MIB
            print(
                f"1 M rows, {kind}: `reportbook validate` {seconds:.1f} s ({seconds / GOAL_SECONDS:.2f} of the "
                f"{GOAL_SECONDS:.0f} s goal), {peak:.0f} MiB ({peak / GOAL_MIB:.2f} of the 1 GiB goal): "
                f"{'within the goal' if ok else 'OVER THE GOAL'}"
            )
        if args.big_gb:
            free = shutil.disk_usage(work).free
            want = int(args.big_gb * 2**30)
            if free < 2 * want:
                print(f"large file skipped: {free / 2**30:.1f} GiB free in /tmp, need {2 * want / 2**30:.1f} GiB")
                return
            data = work / "big"
            data.mkdir()
            start = time.perf_counter()
            rows_, size = write_file(data / "interventions.csv", size_bytes=want)
            print(f"{rows_:>10,}  {size / 2**20:7.0f} MB  (written in {time.perf_counter() - start:.0f} s)")
            code, last, seconds, peak = cli_validate(data, work / "cache-big")
            print(f"{'':>10}  {'':>9}  `reportbook validate`: exit {code} after {seconds:.1f} s, peak {peak:.0f} MiB:")
            print(f"{'':>10}  {'':>9}  {last}")
            for line in (work / "cache-big").glob("*.txt"):
                line.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
