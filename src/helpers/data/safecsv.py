"""CSV files a spreadsheet opens safely ("CSV injection", OWASP).

Every CSV the project writes (published tables, rejects, notes, data quality, the import
report) goes through :func:`write_csv`: a text cell or header that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return is prefixed with ``'`` so that Excel and LibreOffice
show it as text instead of running it as a formula (``=HYPERLINK(…)`` from a header of an
input file would otherwise become a live link in ``rejects.csv``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def write_csv(frame: pd.DataFrame, path: str | Path, **kwargs) -> Path:
    """Write ``frame`` as a spreadsheet-safe UTF-8 CSV (no index, ``\\n`` line ends)."""
    path = Path(path)
    safe_frame(frame).to_csv(path, index=False, lineterminator="\n", encoding="utf-8", **kwargs)
    return path
