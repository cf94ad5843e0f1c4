"""The book's concepts: every key figure it publishes, named and defined once.

The registry is data (``concepts.yml`` beside this module): a concept's id, its Danish
label, unit, definition, source and the function that computes it. A table declares which
of its cells are which concept (``TableSpec.concepts``); when the table is published, the
run writes those cells, as published (a withheld cell empty and flagged), to its
``concepts.csv``. One concept has one value per municipality and period, whichever page
shows it: the test over the default matrix holds the book to it, and the book offers every
run's file as one download (:func:`collect`).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from ..data.safecsv import write_csv
from .tables import Published

REGISTRY = Path(__file__).with_name("concepts.yml")
CONCEPTS_FILE = "concepts.csv"
COLUMNS = ["concept", "group", "value", "unit", "page", "table", "withheld"]
#: Decimals kept in concepts.csv: øre for amounts, four for every other unit.
DECIMALS = {"kr.": 2}
UNITS = ("antal", "kr.", "pct", "andel", "dage", "måneder", "pr. 1.000")


@dataclass(frozen=True)
class Concept:
    id: str
    label: str
    unit: str
    definition: str
    source: str
    code: str


@functools.cache
def registry() -> dict[str, Concept]:
    """Every concept of the book, by id, in the registry's order."""
    entries = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    out = {}
    for key, entry in entries.items():
        concept = Concept(key, **entry)
        if concept.unit not in UNITS:
            raise ValueError(f"{REGISTRY.name}: {key} has unit {concept.unit!r}, not one of {UNITS}")
        out[key] = concept
    return out


def concept(key: str) -> Concept:
    try:
        return registry()[key]
    except KeyError:
        raise KeyError(f"{key!r} is not a concept of {REGISTRY.name}") from None


def label(key: str) -> str:
    """The concept's Danish label (an id that is no concept is shown as it is)."""
    return registry()[key].label if key in registry() else key


def label_with_unit(key: str) -> str:
    """The label with its unit where the label does not say it: "Årets budget (kr.)"."""
    text = label(key)
    unit = registry()[key].unit if key in registry() else ""
    suffix = {"kr.": " (kr.)", "pct": " (%)"}.get(unit, "")
    return text if not suffix or suffix.strip(" ()") in text else text + suffix


def rounded(value: float, unit: str) -> float:
    return round(float(value), DECIMALS.get(unit, 4))


def rows(published: Published, mapping, page: str) -> pd.DataFrame:
    """The concept rows of one published table: ``mapping`` holds (concept, group, row,
    column) for each cell that is a concept; a withheld cell has no value and ``withheld``
    true."""
    out = []
    for key, group, row, column in mapping:
        unit = concept(key).unit
        value = published.value(row, column)
        missing = value is None or pd.isna(value)
        out.append(
            {
                "concept": key,
                "group": group,
                "value": None if missing else rounded(value, unit),
                "unit": unit,
                "page": page,
                "table": published.name,
                "withheld": value is None,
            }
        )
    return pd.DataFrame(out, columns=COLUMNS)


def record(output_dir: Path, published: Published, mapping, page: str) -> None:
    """Write (or update) the run's ``concepts.csv`` with the concepts of one published table."""
    path = Path(output_dir) / CONCEPTS_FILE
    new = rows(published, mapping, page)
    if path.is_file():
        old = read(path)
        new = pd.concat([old[old["table"] != published.name], new], ignore_index=True)
    new = new.sort_values(["concept", "group", "table"], kind="stable").reset_index(drop=True)
    write_csv(new.astype({"value": "Float64"}), path)


def read(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype={"concept": str, "group": str, "page": str, "table": str}, keep_default_na=False)
    frame["value"] = pd.to_numeric(frame["value"].replace("", None), errors="coerce")
    frame["withheld"] = frame["withheld"].astype(str).str.lower().isin(["true", "1"])
    return frame[COLUMNS]


def collect(reports_dir: Path, entries: list[dict]) -> pd.DataFrame:
    """Every run's concepts in one tidy table: ``municipality``, ``period_start``,
    ``period_end`` and the columns of concepts.csv (the book's download)."""
    parts = []
    for e in entries:
        path = Path(reports_dir) / e["path"] / CONCEPTS_FILE
        if path.is_file():
            frame = read(path)
            frame.insert(0, "period_end", str(e["period_end"]))
            frame.insert(0, "period_start", str(e["period_start"]))
            frame.insert(0, "municipality", int(e["municipality"]))
            parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["municipality", "period_start", "period_end", *COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(
        ["municipality", "period_start", "period_end", "concept", "group", "page", "table"]
    ).reset_index(drop=True)
