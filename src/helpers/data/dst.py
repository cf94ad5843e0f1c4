"""Statistics Denmark (Danmarks Statistik, Statistikbanken) tables in CSV/BULK format.

Format as the Statistikbanken API and its download page write it: ``;`` separator, a
header of variable ids ending in ``INDHOLD`` (the value), decimal comma, optional BOM,
``..`` or ``-`` for missing (confidential or not available), time as ``2016``,
``2016K1`` (quarter) or ``2016Q1``/``2016M01``, and area codes with or without zero
padding (``101`` or ``0101``) or area names.

Source and licence: Danmarks Statistik, www.statistikbanken.dk. The data are free to
reuse, also commercially, with attribution ("Kilde: Danmarks Statistik").

``fetch`` downloads a table through the public API (``/v1/data/<TABLE>/BULK``) and caches
it in a folder (default ``data/dst``); it needs internet access, everything else works
offline on cached or fixture files.
"""

from __future__ import annotations

import io
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pandas as pd

from .ingest import decode_text
from .municipalities import resolve
from .paths import REFERENCE_DIR

API = "https://api.statbank.dk/v1/data"
CACHE_DIR = REFERENCE_DIR / "dst"
ATTRIBUTION = "Kilde: Danmarks Statistik, Statistikbanken"
MISSING = {"..", "-", "", ".", "…"}
#: Tables the book can use, with the variables requested by ``reportbook fetch-dst``.
TABLES = {
    "FOLK1A": {"OMRÅDE": "*", "ALDER": [str(a) for a in range(0, 23)], "Tid": "*"},
    "ANBAAR12": {"OMRÅDE": "*", "Tid": "*"},
    "ISBU02": {"OMRÅDE": "*", "Tid": "*"},
}
AREA_COLUMNS = ("OMRÅDE", "OMRADE", "KOMK", "KOMGRP", "AREA")
TIME_COLUMNS = ("TID", "TIME")


def parse_time(values: pd.Series) -> pd.DataFrame:
    """``2016`` -> year; ``2016K1``/``2016Q1`` -> year and quarter; ``2016M03`` -> year and month."""
    text = values.astype(str).str.strip()
    m = text.str.extract(r"^(?P<year>\d{4})(?:(?P<sep>[KQM])(?P<sub>\d{1,2}))?$")
    out = pd.DataFrame({"year": pd.to_numeric(m["year"], errors="coerce").astype("Int64")}, index=values.index)
    sub = pd.to_numeric(m["sub"], errors="coerce").astype("Int64")
    out["quarter"] = sub.where(m["sep"].isin(["K", "Q"])).astype("Int64")
    out["month"] = sub.where(m["sep"] == "M").astype("Int64")
    return out


def parse_value(values: pd.Series) -> pd.Series:
    """Decimal comma, so a point is always a thousands separator; ``..`` and ``-`` are missing."""
    text = values.astype(str).str.strip()
    text = text.where(~text.isin(MISSING))
    text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def read_statbank(source: str | Path | bytes) -> pd.DataFrame:
    """A Statistikbanken CSV/BULK table as a tidy frame.

    Columns: the table's variables in lower case, ``value`` (float, NaN where missing),
    ``year``/``quarter``/``month`` from the time column, and ``municipality``
    (kommunekode, NA for areas that are not municipalities, e.g. "Hele landet").
    """
    if isinstance(source, (str, Path)) and Path(source).exists():
        data = Path(source).read_bytes()
    elif isinstance(source, bytes):
        data = source
    else:
        data = str(source).encode("utf-8")
    text = decode_text(data)
    frame = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False)
    frame.columns = [c.replace("\ufeff", "").strip() for c in frame.columns]
    if frame.columns[-1].upper() != "INDHOLD":
        raise ValueError(f"Ikke en Statistikbanken-tabel: sidste kolonne er {frame.columns[-1]!r}, ikke INDHOLD")
    out = pd.DataFrame({c.lower(): frame[c].str.strip() for c in frame.columns[:-1]})
    out["value"] = parse_value(frame[frame.columns[-1]])
    time = next((c for c in frame.columns if c.upper() in TIME_COLUMNS), None)
    if time:
        out = pd.concat([out, parse_time(frame[time])], axis=1)
    area = next((c for c in frame.columns if c.upper() in AREA_COLUMNS), None)
    if area:
        out["municipality"] = frame[area].map(_area_code).astype("Int64")
    return out


def _area_code(value: str) -> int | None:
    text = str(value).strip()
    if re.fullmatch(r"0*\d{1,3}", text):
        code = int(text)
        return resolve(str(code)) if code else None  # 000 = Hele landet
    return resolve(text)


def request_url(table: str, variables: dict | None = None, lang: str = "da") -> str:
    """The API address for a BULK download of ``table`` with codes (not labels)."""
    params = {"lang": lang, "valuePresentation": "Code", "delimiter": "Semicolon"}
    for var, values in (variables if variables is not None else TABLES.get(table, {})).items():
        params[var] = values if isinstance(values, str) else ",".join(values)
    return f"{API}/{table}/BULK?{urllib.parse.urlencode(params, safe='*,')}"


def fetch(
    table: str,
    cache_dir: str | Path = CACHE_DIR,
    base_url: str | None = None,
    refresh: bool = False,
    timeout: float = 60,
) -> Path:
    """Download ``table`` (BULK CSV) into ``cache_dir/<TABLE>.csv`` unless cached."""
    cache_dir = Path(cache_dir)
    target = cache_dir / f"{table.upper()}.csv"
    if target.exists() and not refresh:
        return target
    url = request_url(table.upper())
    if base_url:
        url = url.replace(API, base_url.rstrip("/"))
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - fixed https API or given base
        data = response.read()
    read_statbank(data)  # refuse to cache anything that is not a Statistikbanken table
    cache_dir.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def population_0_22(folk1a: pd.DataFrame) -> pd.DataFrame:
    """0-22-year-olds per municipality and year (FOLK1A by single year of age, all sexes;
    the first quarter of each year)."""
    frame = folk1a[folk1a["municipality"].notna()].copy()
    if "køn" in frame:
        frame = frame[frame["køn"].isin(["TOT", "I alt"])]
    if "civilstand" in frame:
        frame = frame[frame["civilstand"].isin(["TOT", "I alt"])]
    age = pd.to_numeric(frame["alder"].str.extract(r"^(\d+)")[0], errors="coerce")
    frame = frame[age.between(0, 22)]
    if "quarter" in frame:
        first = frame.groupby("year")["quarter"].transform("min")
        frame = frame[frame["quarter"].isna() | (frame["quarter"] == first)]
    out = frame.groupby(["municipality", "year"], as_index=False)["value"].sum(min_count=1)
    return out.rename(columns={"value": "population_0_22"})


__all__ = ["read_statbank", "fetch", "request_url", "population_0_22", "parse_time", "parse_value", "ATTRIBUTION"]
