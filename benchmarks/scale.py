"""Scale benchmark: `transitions` and the key figures on 10k, 100k and 1M intervention rows.

Prints time and peak memory (tracemalloc) per size, measured in this run.
"""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from helpers import key_figures, staircase  # noqa: E402


def interventions(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 2000, n), unit="D")
    end = (start + pd.to_timedelta(rng.integers(0, 1500, n), unit="D")).where(rng.random(n) > 0.3)
    return pd.DataFrame(
        {
            "person_id": pd.Series(rng.integers(0, max(n // 3, 1), n)).map("p{:08d}".format),
            "step": rng.integers(1, 7, n),
            "start_date": start,
            "end_date": end,
            "monthly_cost": rng.uniform(1e3, 1e5, n),
            "target_group": np.where(rng.random(n) < 0.85, "udsat", "handicap"),
            "birth_date": pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 8000, n), unit="D"),
            "provider_type": rng.choice(["egen", "privat"], n),
            "caseworker_id": rng.choice([f"cw{i}" for i in range(200)], n),
            "district": rng.choice(["Nord", "Syd", "Øst", "Vest"], n),
        }
    )


def measure(fn):
    """Wall time of an untraced call, then peak traced memory of a second call."""
    start = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return elapsed, peak / 2**20


def main() -> None:
    events = pd.DataFrame(
        {
            "person_id": [],
            "event_date": pd.to_datetime([]),
            "event_type": [],
            "outcome": [],
            "deadline_met": pd.Series([], dtype="boolean"),
        }
    )
    budget = pd.DataFrame(
        {
            "year": [2016] * 6,
            "step": [str(s) for s in range(1, 7)],
            "budget_count": [10.0] * 6,
            "budget_unit_cost": [1e5] * 6,
        }
    )
    print("rows        transitions (s, peak MiB)   key figures (s, peak MiB)")
    for n in (10_000, 100_000, 1_000_000):
        iv = interventions(n)
        t1, m1 = measure(lambda iv=iv: staircase.transitions(iv, "2016-02-01", "2016-08-01"))
        t2, m2 = measure(lambda iv=iv: key_figures.key_figures(iv, events, budget, "2016-02-01", "2016-08-01", 851))
        print(f"{n:>9,}   {t1:8.2f} s {m1:8.0f} MiB          {t2:8.2f} s {m2:8.0f} MiB")


if __name__ == "__main__":
    main()
