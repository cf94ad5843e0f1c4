"""The intervention staircase (indsatstrappen) and the measure -> step mapping.

Steps, lowest to highest (KORA, seeds/000): 1 Tidlig indsats (§11, stk. 3), 2 Forebyggende,
3 Hjemmebaseret indsats, 4 Netværkspleje, 5 Plejefamilie, 6 Institution (døgninstitution,
socialpædagogisk opholdssted). Steps 4-6 are placements outside the home (anbringelser),
1-3 preventive measures. Step 5 also holds the placements that are less intensive than an
institution and are not network care: eget værelse/kollegium and kost-/efterskole (VIVE
2017, boks 2.2, places them below the institution; see the method page).

The mapping from a municipality's measure names to steps is data: ``measure_steps.csv``
(columns ``pattern``, ``step``, ``placement_type``, ``paragraph``, ``note``), a regular
expression per row, first match wins. Each row cites its paragraph: Serviceloven § 52,
stk. 3 (til 31.12.2023) and Barnets lov §§ 30, 32, 43, 46-47 (LOV nr. 721 af 13.6.2023, from
1.1.2024), so that exports from before and after 2024 map to the same steps.

Matching is on the *normalised* measure text (:func:`normalise`): case, punctuation and
spacing do not matter ("§ 52, stk. 3, nr. 2 praktisk, pædagogisk" and "§52 stk 3 nr 2
praktisk pædagogisk" are the same text), so patterns are written for lower-case words
separated by single spaces, with "§" as a word of its own.

A data directory may carry its own ``measure_steps.csv`` (validated like data: each pattern
must compile and each step be 1-6; rows that break this are rejected and reported);
otherwise the shipped one in ``data/`` is used.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
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
#: KORA's warning (seeds/000), said under every comparison per step across municipalities or
#: districts: the same preventive service can be granted under three paragraphs that the
#: mapping puts on two steps, so such comparisons partly measure registration practice.
REGISTRATION_PRACTICE_DA = (
    "Sammenligninger pr. trin på tværs af kommuner og distrikter måler til dels registreringspraksis: "
    "den samme forebyggende ydelse kan bevilges efter serviceloven § 52, stk. 3, nr. 2 (støtte i hjemmet, "
    "trin 3), nr. 3 (familiebehandling, trin 3) eller nr. 9 (anden hjælp, trin 2) – fra 2024 barnets lov § 32 – "
    "og står så på forskellige trin (KORA, seeds/000). Forskelle mellem trinene bør læses med det forbehold."
)
#: The placement type of a placement (step 4-6) whose measure names no placement place.
UNKNOWN_PLACEMENT = "uoplyst"
#: Placement types in the order the pages list them (the shipped mapping's values).
PLACEMENT_TYPES = (
    "netværkspleje",
    "plejefamilie, almindelig",
    "plejefamilie, kommunal",
    "plejefamilie, forstærket",
    "plejefamilie, specialiseret",
    "eget værelse/kollegium",
    "kost-/efterskole",
    "socialpædagogisk opholdssted",
    "døgninstitution",
    "børne- og ungehjem",
    "delt ophold",
    UNKNOWN_PLACEMENT,
)

_NON_WORD = re.compile(r"[^\w§]+")
_LETTER_DIGIT = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")


def normalise(text: str) -> str:
    """The measure text that patterns match: NFKC, case-folded, every run of punctuation and
    spacing one space, "§" and numbers separated from the words around them."""
    t = unicodedata.normalize("NFKC", text).casefold().replace("§", " § ")
    t = _NON_WORD.sub(" ", t).replace("_", " ")
    return " ".join(_LETTER_DIGIT.sub(" ", t).split())


@dataclass(frozen=True)
class Rule:
    """One row of the mapping: a compiled pattern, its step and (steps 4-6) placement type."""

    pattern: re.Pattern
    step: int
    placement_type: str = ""
    paragraph: str = ""


def mapping_path(data_dir: Path | None = None) -> Path:
    if data_dir is not None and (Path(data_dir) / MAPPING_FILE).exists():
        return Path(data_dir) / MAPPING_FILE
    return REFERENCE_DIR / MAPPING_FILE


def load_mapping(path: Path) -> list[Rule]:
    """The shipped mapping (trusted: a test validates it). A data directory's own mapping is
    read and validated like data by :func:`helpers.data.dataset.load`."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return mapping_from(table["pattern"], table["step"], table.get("placement_type"), table.get("paragraph"))


def mapping_from(patterns, steps, placement_types=None, paragraphs=None) -> list[Rule]:
    patterns, steps = list(patterns), list(steps)
    types = [""] * len(patterns) if placement_types is None else list(placement_types)
    cites = [""] * len(patterns) if paragraphs is None else list(paragraphs)
    return [
        Rule(re.compile(p, re.IGNORECASE), int(s), t if isinstance(t, str) else "", c if isinstance(c, str) else "")
        for p, s, t, c in zip(patterns, steps, types, cites)
    ]


def _match(measure: object, mapping: list[Rule], cache: dict) -> Rule | None:
    if not isinstance(measure, str):
        return None
    if measure not in cache:
        text = normalise(measure)
        cache[measure] = next((rule for rule in mapping if rule.pattern.search(text)), None)
    return cache[measure]


def _by_measure(measures: pd.Series, mapping: list[Rule], attribute: str, default) -> pd.Series:
    """``attribute`` of the rule matching each measure, worked out once per distinct measure."""
    codes, uniques = pd.factorize(measures.astype(object), use_na_sentinel=True)
    cache: dict[str, Rule | None] = {}
    values = [getattr(_match(m, mapping, cache), attribute, default) or default for m in uniques] + [default]
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return pd.Series(table[codes], index=measures.index, dtype=object)


def step_of_measure(measures: pd.Series, mapping: list[Rule]) -> pd.Series:
    """Step of each measure name by the first pattern matching its normalised text (NA where none matches)."""
    return _by_measure(measures, mapping, "step", None).astype("Int64")


def placement_type(measures: pd.Series, steps: pd.Series, mapping: list[Rule]) -> pd.Series:
    """The placement type of each placement (step 4-6; empty for steps 1-3): the type of the
    first rule matching the measure, or "uoplyst" when that rule names none."""
    kinds = _by_measure(measures, mapping, "placement_type", UNKNOWN_PLACEMENT)
    placed = pd.to_numeric(steps, errors="coerce").isin(PLACEMENT_STEPS)
    return kinds.where(placed, None).astype(object)
