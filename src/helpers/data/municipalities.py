"""The 98 Danish municipalities (kommunekode, name, region) and resolving a code or name.

The reference list is ``data/municipalities.csv`` (copied from the shared contract). The
names in use in exports are data too: ``data/municipality_names.csv`` holds each
municipality's official name ("Københavns Kommune", "Bornholms Regionskommune", "Aalborg
Kommune", ...) and other spellings in use ("Århus", "Nordfyn", "Brønderslev-Dronninglund").
A name is matched after folding case, spaces, hyphens and diacritics, with ``aa`` = ``å``
(so "Åbenrå", "Bronderslev", "Fåborg-Midtfyn" and "AALBORG KOMMUNE" resolve); a code is a
kommunekode with or without leading zeros.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

from .paths import REFERENCE_DIR

NAMES_FILE = "municipality_names.csv"


@functools.cache
def municipalities() -> pd.DataFrame:
    """The reference list: columns ``code`` (int), ``name``, ``region``."""
    frame = pd.read_csv(REFERENCE_DIR / "municipalities.csv", dtype={"code": int, "name": str, "region": str})
    return frame.sort_values("code").reset_index(drop=True)


_LETTERS = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "ä": "ae", "ö": "o", "ü": "u"})


def fold_name(name: str) -> str:
    """``' Fåborg-Midtfyn '`` and ``'FAABORG MIDTFYN'`` -> ``faborgmidtfyn``."""
    text = unicodedata.normalize("NFC", name).casefold()
    text = re.sub(r"[\W_]+", "", text).replace("aa", "å").translate(_LETTERS)
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@functools.cache
def _lookup() -> dict[str, int]:
    table = municipalities()
    names = pd.read_csv(REFERENCE_DIR / NAMES_FILE, dtype={"code": int, "name": str})
    lookup: dict[str, int] = {}
    for code, name in list(zip(table["code"], table["name"])) + list(zip(names["code"], names["name"])):
        key = fold_name(name)
        if lookup.get(key, code) != code:  # pragma: no cover - guarded by a test of the tables
            raise ValueError(f"{NAMES_FILE}: {name!r} betyder både {lookup[key]} og {code}")
        lookup[key] = int(code)
    return lookup


_CODE = re.compile(r"^\s*(\d{1,4})(?:\.0+)?\s*$")


def resolve(value: object) -> int | None:
    """Kommunekode for a code (``851``, ``0851``) or a name (``Aalborg``, ``Aalborg Kommune``)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or isinstance(value, bool):
        return None
    text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    m = _CODE.match(text)
    if m:
        code = int(m[1])
        return code if code in _codes() else None
    key = fold_name(text)
    return _lookup().get(key) if key else None


@functools.cache
def _codes() -> frozenset[int]:
    return frozenset(int(c) for c in municipalities()["code"])


def resolve_municipalities(values: pd.Series) -> pd.Series:
    """Resolve a column of codes/names to kommunekoder (``Int64``; NA where unknown)."""
    return values.map(resolve).astype("Int64")


def name(code: int) -> str:
    row = municipalities().loc[municipalities()["code"] == int(code)]
    return str(row["name"].iloc[0]) if len(row) else str(code)


def region(code: int) -> str:
    row = municipalities().loc[municipalities()["code"] == int(code)]
    return str(row["region"].iloc[0]) if len(row) else ""
