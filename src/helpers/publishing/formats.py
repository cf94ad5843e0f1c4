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


def count_da(n) -> str:
    """A published count with the Danish thousands separator; a withheld one (None or NA) as "..".

    Only counts that protection let through reach this function (see
    :mod:`helpers.publishing.disclosure`)."""
    if n is None or pd.isna(n):
        return WITHHELD
    return f"{int(n):,}".replace(",", ".")


def num_da(value: float, digits: int = 1, sign: bool = False) -> str:
    """Danish number: thousands '.', decimal ','; ``sign`` adds + or −."""
    text = f"{abs(value) if sign else value:,.{digits}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return (("+" if value >= 0 else "−") + text) if sign else text


def pct1_da(share) -> str:
    """A share as a Danish percentage with one decimal (``0.123`` -> ``12,3 %``)."""
    return pct_da(float(share), 1)


def short_digest(digest: str) -> str:
    """First 16 hex digits in groups of four (never a run of digits that looks like a CPR)."""
    if len(digest) < 16:
        return digest
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))


def pct_da(share: float, digits: int = 0) -> str:
    return f"{100 * share:.{digits}f} %".replace(".", ",")
