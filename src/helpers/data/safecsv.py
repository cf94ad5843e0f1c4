"""CSV files a spreadsheet opens safely ("CSV injection", OWASP).

Every CSV the project writes (published tables, rejects, notes, data quality, the import
report) goes through :func:`write_csv`: a text cell or header that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so that Excel and LibreOffice
show it as text instead of running it as a formula (``=HYPERLINK(…)`` from a header of an
input file would otherwise become a live link in ``rejects.csv``).

A decimal number whose shortest text holds a run of digits shaped like a CPR number (an
amount of a billion kroner can: 1005941994.51 reads as 100594-1994) is written in exponent
form instead (:func:`number_text`), so that no file the book publishes trips a CPR scanner.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A run of digits a CPR scanner would flag: DDMMYY-SSSS, with or without the hyphen, and no
#: word boundaries (the strictest scan).
CPR_SHAPED = re.compile(r"[0-3][0-9][01][0-9]{3}-?[0-9]{4}")


def number_text(value: float) -> str:
    """The text of a decimal number as a published file holds it: Python's shortest
    round-trip form, or, when that holds a run of digits shaped like a CPR number, the same
    number in exponent form (``1.00594199451089e+09``), which every spreadsheet and CSV
    reader parses as the number; with fewer mantissa digits if even that form holds such a
    run (never fewer than 9 decimals: under one krone in a billion)."""
    text = repr(float(value))
    if not CPR_SHAPED.search(text):
        return text
    candidates = [np.format_float_scientific(float(value), unique=True)]
    candidates += [f"{float(value):.{digits}e}" for digits in range(15, 8, -1)]
    return next((t for t in candidates if not CPR_SHAPED.search(t)), candidates[-1])


def _cpr_safe_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each decimal column that holds a CPR-shaped number as text written by
    :func:`number_text` (every other column, and every other file, is left as it was)."""
    out = frame
    for c in frame.columns:
        if not pd.api.types.is_float_dtype(frame[c]):
            continue
        values = frame[c].astype(object)
        known = values.notna()
        if not values[known].map(lambda v: bool(CPR_SHAPED.search(repr(float(v))))).any():
            continue
        out = out.copy() if out is frame else out
        out[c] = [number_text(v) if k else None for v, k in zip(values, known)]
    return out


def spreadsheet_safe(value):
    """A text value that no spreadsheet will run as a formula (OWASP: prefix with ``'``);
    a carriage return inside it becomes a line feed, which CSV quotes."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n")


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and every header spreadsheet-safe (numbers untouched)."""
    out = frame.copy()
    for c in out.columns:
        if not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].astype(object).map(spreadsheet_safe)
    out.columns = [spreadsheet_safe(str(c)) for c in out.columns]
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The text :func:`write_csv` would write for ``frame``, for a writer that keeps files
    unchanged when their text is the same."""
    return _cpr_safe_numbers(safe_frame(frame)).to_csv(index=False, lineterminator="\n")


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs) -> Path:
    """Write ``frame`` as a spreadsheet-safe UTF-8 CSV (no index, ``\\n`` line ends)."""
    path = Path(path)
    _cpr_safe_numbers(safe_frame(frame)).to_csv(path, index=False, lineterminator="\n", encoding="utf-8", **kwargs)
    return path
