"""The intervention staircase (indsatstrappen) and the measure -> step mapping.

Steps, lowest to highest (KORA, seeds/000): 1 Tidlig indsats (§11, stk. 3),
2 Forebyggende, 3 Hjemmebaseret indsats, 4 Netværkspleje, 5 Plejefamilie,
6 Institution (døgninstitution, socialpædagogisk opholdssted). Steps 4-6 are placements
outside the home (anbringelser), 1-3 preventive measures.

The mapping from a municipality's measure names to steps is data: ``measure_steps.csv``
(columns ``pattern``, ``step``, ``note``), a case-insensitive regular expression per row,
first match wins. A data directory may carry its own ``measure_steps.csv`` (validated like
data: each pattern must compile and each step be 1-6; rows that break this are rejected
and reported); otherwise the shipped one in ``data/`` is used.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .paths import REFERENCE_DIR

STEP_LABELS = {
    1: "Tidlig indsats (§11, stk. 3)",
    2: "Forebyggende",
    3: "Hjemmebaseret indsats",
    4: "Netværkspleje",
    5: "Plejefamilie",
    6: "Institution",
}
PLACEMENT_STEPS = (4, 5, 6)
PREVENTIVE_STEPS = (1, 2, 3)
MAPPING_FILE = "measure_steps.csv"


def mapping_path(data_dir: Path | None = None) -> Path:
    if data_dir is not None and (Path(data_dir) / MAPPING_FILE).exists():
        return Path(data_dir) / MAPPING_FILE
    return REFERENCE_DIR / MAPPING_FILE


def load_mapping(path: Path) -> list[tuple[re.Pattern, int]]:
    """The shipped mapping (trusted: a test validates it). A data directory's own mapping is
    read and validated like data by :func:`helpers.data.dataset.load`."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return mapping_from(table["pattern"], table["step"])


def mapping_from(patterns, steps) -> list[tuple[re.Pattern, int]]:
    return [(re.compile(p, re.IGNORECASE), int(s)) for p, s in zip(patterns, steps)]


def step_of_measure(measures: pd.Series, mapping: list[tuple[re.Pattern, int]]) -> pd.Series:
    """Step of each measure name by the first matching pattern (NA where none matches)."""
    cache: dict[str, int | None] = {}

    def one(measure: object) -> int | None:
        if not isinstance(measure, str):
            return None
        if measure not in cache:
            cache[measure] = next((step for rx, step in mapping if rx.search(measure)), None)
        return cache[measure]

    return measures.map(one).astype("Int64")
