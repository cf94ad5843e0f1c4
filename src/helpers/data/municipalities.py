"""The 98 Danish municipalities (kommunekode, name, region) and resolving a code or name.

The reference list is ``data/municipalities.csv`` (copied from the shared contract).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

from .paths import REFERENCE_DIR


@functools.cache
def municipalities() -> pd.DataFrame:
    """The reference list: columns ``code`` (int), ``name``, ``region``."""
    frame = pd.read_csv(REFERENCE_DIR / "municipalities.csv", dtype={"code": int, "name": str, "region": str})
    return frame.sort_values("code").reset_index(drop=True)


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFC", name).strip().casefold()
    text = re.sub(r"\s+kommune$", "", text)
    return re.sub(r"[\s\-]+", "-", text)


@functools.cache
def _lookup() -> dict[str, int]:
    table = municipalities()
    lookup: dict[str, int] = {}
    for code, name in zip(table["code"], table["name"]):
        lookup[str(code)] = int(code)
        lookup[f"{code:03d}"] = int(code)
        lookup[f"{code:04d}"] = int(code)
        lookup[_fold(name)] = int(code)
        ascii_name = _fold(name).replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
        lookup.setdefault(ascii_name, int(code))
    lookup.setdefault("århus", 751)
    return lookup


def resolve(value: object) -> int | None:
    """Kommunekode for a code (``851``, ``0851``) or a name (``Aalborg``, ``Aalborg Kommune``)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    return _lookup().get(text) or _lookup().get(_fold(text))


def resolve_municipalities(values: pd.Series) -> pd.Series:
    """Resolve a column of codes/names to kommunekoder (``Int64``; NA where unknown)."""
    return values.map(resolve).astype("Int64")


def name(code: int) -> str:
    row = municipalities().loc[municipalities()["code"] == int(code)]
    return str(row["name"].iloc[0]) if len(row) else str(code)


def region(code: int) -> str:
    row = municipalities().loc[municipalities()["code"] == int(code)]
    return str(row["region"].iloc[0]) if len(row) else ""
