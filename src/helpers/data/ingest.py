"""Reading contract files as municipalities export them, and parsing their cells.

CSV: UTF-8 with or without BOM, or cp1252; separator ``,`` or ``;`` (tab too); decimal
``.`` or ``,``; dates ISO ``2016-02-01`` or Danish ``01-02-2016`` / ``01.02.2016``; empty
cell = missing; booleans ``ja/nej``, ``true/false``, ``1/0``. ``.xlsx`` and ``.parquet``
files with the same stem are read too. Every cell is parsed by the column's kind; a cell
that cannot be parsed is reported (with the row as the user sees it: header = row 1).
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import Column
from .municipalities import resolve_municipalities

EXTENSIONS = (".csv", ".xlsx", ".parquet")
FIRST_DATA_ROW = 2  # header is row 1 in the file as the user sees it


@dataclass
class RawTable:
    path: Path
    frame: pd.DataFrame  # object columns, normalised header, original row order
    rows: pd.Series  # the row number the user sees for each record


def find_table_file(data_dir: Path, table: str) -> Path | None:
    """The file holding ``table`` in ``data_dir`` (``.csv``, ``.xlsx`` or ``.parquet``)."""
    found = [data_dir / f"{table}{ext}" for ext in EXTENSIONS if (data_dir / f"{table}{ext}").exists()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ValueError(f"{data_dir}: tabellen '{table}' findes i flere filer ({names}); behold én.")
    return found[0] if found else None


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, cp1252 (Danish Windows Excel)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: (counts[s], s == ";"))


def normalise_header(name: object) -> str:
    return str(name).replace("\ufeff", "").strip().lower().replace(" ", "_")


def read_raw(path: Path) -> RawTable:
    """Read a contract file into object columns without interpreting any value."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = decode_text(path.read_bytes())
        first = text.split("\n", 1)[0]
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sniff_separator(first),
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=True,
        )
    elif suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=object, engine="openpyxl")
    elif suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:  # pragma: no cover - find_table_file only returns known suffixes
        raise ValueError(f"{path.name}: ukendt filtype")
    frame = frame.astype(object)
    frame.columns = [normalise_header(c) for c in frame.columns]
    frame = frame.reset_index(drop=True)
    rows = pd.Series(np.arange(len(frame)) + FIRST_DATA_ROW, index=frame.index)
    return RawTable(path, frame, rows)


# ---------------------------------------------------------------------------- cells


def is_empty(values: pd.Series) -> pd.Series:
    """Missing or blank cells."""
    as_text = values.map(lambda v: v.strip() if isinstance(v, str) else v)
    return as_text.isna() | (as_text == "")


def _text(values: pd.Series) -> pd.Series:
    """Cell values as stripped text (integral floats from Excel without '.0')."""

    def one(v: object) -> object:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            return None
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        s = str(v).strip()
        return s or None

    return values.map(one).astype(object)


def parse_number(values: pd.Series) -> pd.Series:
    """Numbers with decimal point or decimal comma (then '.' is a thousands separator)."""
    out = pd.Series(np.nan, index=values.index, dtype="float64")
    native = values.map(lambda v: isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool))
    out[native] = values[native].astype("float64")
    text = _text(values[~native])
    text = text[text.notna()].astype(str).str.replace(r"[\s\u00a0]", "", regex=True)
    comma = text.str.contains(",", regex=False)
    text = text.where(~comma, text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    out[text.index] = pd.to_numeric(text, errors="coerce")
    return out


_DATE_FORMATS = (
    (re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$"), "%Y-%m-%d"),
    (re.compile(r"^\d{1,2}-\d{1,2}-\d{4}$"), "%d-%m-%Y"),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.\d{4}$"), "%d.%m.%Y"),
    (re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"), "%d/%m/%Y"),
)


def parse_date(values: pd.Series) -> pd.Series:
    """ISO (``2016-02-01``) and Danish (``01-02-2016``, ``01.02.2016``) dates."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    native = values.map(lambda v: isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"))
    if native.any():
        out[native] = pd.to_datetime(values[native], errors="coerce").dt.normalize()
    text = _text(values[~native])
    text = text[text.notna()].astype(str).str.replace(r"[ T]00:00(:00)?$", "", regex=True)
    for pattern, fmt in _DATE_FORMATS:
        hit = text.str.match(pattern)
        if hit.any():
            out[text.index[hit]] = pd.to_datetime(text[hit], format=fmt, errors="coerce")
    return out


_TRUE = {"ja", "true", "1", "sand", "j", "yes"}
_FALSE = {"nej", "false", "0", "falsk", "n", "no"}


def parse_bool(values: pd.Series) -> pd.Series:
    def one(v: object) -> object:
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if v is None or (isinstance(v, float) and np.isnan(v)):
            return pd.NA
        s = str(v).strip().lower()
        if s.endswith(".0"):
            s = s[:-2]
        return True if s in _TRUE else False if s in _FALSE else pd.NA

    return values.map(one).astype("boolean")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    return re.sub(r"\s+", "", text)


def parse_enum(values: pd.Series, allowed: tuple) -> pd.Series:
    """Text matched case- and space-insensitively against the allowed values."""
    lookup = {_fold(str(a)): a for a in allowed}
    text = _text(values)
    return text.map(lambda s: lookup.get(_fold(s), s) if isinstance(s, str) else None).astype(object)


def parse_column(values: pd.Series, column: Column) -> tuple[pd.Series, pd.Series]:
    """Parse one column. Returns (parsed values, mask of cells that could not be parsed)."""
    empty = is_empty(values)
    kind = column.kind
    if kind == "date":
        parsed = parse_date(values)
    elif kind in ("float", "int"):
        parsed = parse_number(values)
        if kind == "int":
            parsed = parsed.where(parsed.isna() | (parsed == np.floor(parsed))).astype("Int64")
    elif kind == "bool":
        parsed = parse_bool(values)
    elif kind == "municipality":
        parsed = resolve_municipalities(_text(values))
    elif kind in ("str", "person"):
        parsed = parse_enum(values, column.allowed) if column.allowed else _text(values)
    else:  # pragma: no cover - contract kinds are fixed
        raise ValueError(kind)
    failed = ~empty & parsed.isna()
    return parsed, failed
