"""Danish number, percentage and date formats for everything a reader sees."""

from __future__ import annotations

import pandas as pd

from .disclosure import WITHHELD

MONTHS_DA = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]


def date_da(t) -> str:
    """``2016-02-01`` -> ``1. februar 2016``."""
    t = pd.Timestamp(t)
    return f"{t.day}. {MONTHS_DA[t.month - 1]} {t.year}"


def period_da(start, end) -> str:
    """``2016-02-01``, ``2016-08-01`` -> ``1. februar 2016 – 1. august 2016``."""
    return f"{date_da(start)} – {date_da(end)}"


def count_da(n) -> str:
    """A published count with the Danish thousands separator; a withheld one (None or NA) as "..".

    Only counts that protection let through reach this function (see
    :mod:`helpers.publishing.disclosure`)."""
    if n is None or pd.isna(n):
        return WITHHELD
    return f"{int(n):,}".replace(",", ".")


MINUS = "\u2212"


def num_da(value: float, digits: int = 1, sign: bool = False) -> str:
    """Danish number: thousands '.', decimal ',', the minus sign "−"; ``sign`` adds + or −."""
    text = f"{abs(value):,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    if float(text.replace(".", "").replace(",", ".")) == 0:  # -0,0 is 0,0
        return ("+" + text) if sign else text
    if value < 0:
        return MINUS + text
    return ("+" + text) if sign else text


def pct1_da(share) -> str:
    """A share as a Danish percentage with one decimal (``0.123`` -> ``12,3 %``)."""
    return pct_da(float(share), 1)


def plural_da(n: int, singular: str, plural: str) -> str:
    """``1 kørsel``, ``2 kørsler`` (with the Danish thousands mark)."""
    return f"{count_da(n)} {singular if n == 1 else plural}"


def short_digest(digest: str) -> str:
    """First 16 hex digits in groups of four (never a run of digits that looks like a CPR)."""
    if len(digest) < 16:
        return digest
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def pct_da(share: float, digits: int = 0) -> str:
    """A share as a Danish percentage (``0.123`` -> ``12 %``; ``-0.02`` -> ``−2 %``)."""
    return num_da(100 * float(share), digits) + " %"


def points_da(value: float, digits: int = 1) -> str:
    """A number already in per cent (``12.34`` -> ``12,3 %``)."""
    return num_da(float(value), digits) + " %"


def kr_da(value: float) -> str:
    """An amount in whole kroner (``-208.72`` -> ``−209``); the column label carries "kr."."""
    return num_da(float(value), 0)


def mio_da(value: float) -> str:
    """An amount in millions with one decimal (``12_345_678`` -> ``12,3``)."""
    return num_da(float(value) / 1e6, 1)


def p_value_da(p: float) -> str:
    """A p-value: ``< 0,001`` below one in a thousand, otherwise three decimals."""
    return "< 0,001" if p < 0.001 else num_da(float(p), 3)


def year_da(value) -> str:
    """A year without a thousands mark."""
    return str(int(value))


def decimal_da(value: float, digits: int = 1) -> str:
    """A measured number: whole numbers without decimals, others with ``digits``."""
    value = float(value)
    return num_da(value, 0) if value.is_integer() else num_da(value, digits)


#: How a column is shown when its table does not say: the kind, by the column's name.
_AMOUNT_WORDS = (
    "spending",
    "cost",
    "price",
    "effect",
    "deviation",
    "budget",
    "amount",
    "expenditure",
    "need",
    "forecast",
    "realised",
)
_DAY_WORDS = ("days", "months", "duration", "hours")


def column_kind(column: str, columns: list[str] | None = None) -> str:
    """``pvalue``, ``year``, ``pct`` (a share 0-1), ``points`` (already per cent), ``amount``
    (kroner), ``ratio`` (two decimals) or ``number`` (one decimal, integers as integers), by the
    column's snake_case name; an interval bound (``ci_low``, ``X_low``, ``p25``) takes the kind of
    the estimate it belongs to (the column before it when the name does not say)."""
    name = str(column).lower()
    columns = [str(c).lower() for c in (columns or [])]
    if name == "p_value":
        return "pvalue"
    if name == "year":
        return "year"
    if name in ("ci_low", "ci_high", "p25", "p75"):
        before = columns[: columns.index(name)] if name in columns else []
        before = [c for c in before if c not in ("ci_low", "ci_high", "p25", "p75")]
        return column_kind(before[-1], columns) if before else "number"
    for suffix in ("_ci_low", "_ci_high", "_low", "_high"):
        if name.endswith(suffix):
            return column_kind(name[: -len(suffix)], columns)
    if "share" in name:
        return "pct"
    if name.endswith("_pct"):
        return "points"
    if name in ("odds_ratio", "estimate_ratio"):
        return "ratio"
    if any(w in name for w in _DAY_WORDS):
        return "number"
    if name in ("mean", "median", "unadjusted", "adjusted", "error") or any(w in name for w in _AMOUNT_WORDS):
        return "amount"
    return "number"


KIND_FORMATS = {
    "pvalue": p_value_da,
    "year": year_da,
    "pct": lambda v: pct_da(v, 1),
    "points": points_da,
    "amount": kr_da,
    "ratio": lambda v: num_da(float(v), 2),
    "number": decimal_da,
}


def value_da(value, kind: str = "number") -> str:
    """Any published value as Danish text: counts with a thousands mark, booleans as ja/nej,
    text as it is, numbers by ``kind`` (see :func:`column_kind`)."""
    if isinstance(value, (bool,)) or type(value).__name__ == "bool_":
        return "ja" if value else "nej"
    if isinstance(value, str):
        return value
    if isinstance(value, int) or type(value).__name__.startswith(("int", "uint")):
        return year_da(value) if kind == "year" else count_da(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return KIND_FORMATS.get(kind, decimal_da)(number)
