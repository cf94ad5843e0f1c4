"""Supervision of the providers the municipality uses (seed 002: "Godkendte
(driftsorienterede) tilsyn": how many supervisions approved the provider and, for those
that did not, why).

Input: the optional ``supervisions`` table (contract v1.3): one row per supervision visit
with ``provider``, ``date``, ``approved`` and, for a supervision that did not approve,
``reason``. A supervision counts in the period of its date. The unit is the supervision
(not a child): the counts are still published through the disclosure layer like every
other count, so a reason given in 1-4 supervisions is withheld.
"""

from __future__ import annotations

import pandas as pd

from ..data.periods import as_date
from .intervals import wilson

TOTAL = "I alt"
APPROVED, NOT_APPROVED = "Godkendt", "Ikke godkendt"
#: The reason of a supervision that did not approve and gave none.
NO_REASON = "Ingen begrundelse registreret"
COLUMNS = ["outcome", "reason", "supervisions", "share", "ci_low", "ci_high"]


def supervision_units(supervisions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per supervision in [t0, t1]: ``provider``, ``outcome`` (Godkendt / Ikke
    godkendt), ``reason`` (empty for an approval; :data:`NO_REASON` when a refusal gives
    none) and ``unit_id`` (the supervision's row)."""
    columns = ["provider", "outcome", "reason", "unit_id"]
    if supervisions is None or supervisions.empty:
        return pd.DataFrame(columns=columns)
    t0, t1 = as_date(t0), as_date(t1)
    dates = pd.to_datetime(supervisions["date"])
    rows = supervisions[(dates >= t0) & (dates <= t1)]
    approved = rows["approved"].astype(bool)
    reason = rows["reason"] if "reason" in rows else pd.Series(None, index=rows.index, dtype=object)
    reason = reason.astype(object).where(reason.notna() & (reason.astype(str).str.strip() != ""), NO_REASON)
    return pd.DataFrame(
        {
            "provider": rows["provider"].astype(str).to_numpy(),
            "outcome": [APPROVED if a else NOT_APPROVED for a in approved],
            "reason": [("" if a else str(r).strip()) for a, r in zip(approved, reason)],
            "unit_id": rows.index.astype(str),
        },
        columns=columns,
    )


def supervision_outcomes(units: pd.DataFrame) -> pd.DataFrame:
    """Supervisions in the period, tidy (``outcome``, ``reason``, ``supervisions``): in all
    (with the ``share`` approved and its 95 % Wilson interval), approved, not approved, and
    not approved per reason (by name: an order by count would tell a withheld count's
    size). Empty without supervisions."""
    if units.empty:
        return pd.DataFrame(columns=COLUMNS)
    n = len(units)
    approved = int((units["outcome"] == APPROVED).sum())
    low, high = wilson(approved, n)
    rows = [
        (TOTAL, TOTAL, n, approved / n, float(low), float(high)),
        (APPROVED, TOTAL, approved, None, None, None),
        (NOT_APPROVED, TOTAL, n - approved, None, None, None),
    ]
    refused = units.loc[units["outcome"] == NOT_APPROVED, "reason"].value_counts()
    for reason, count in sorted(refused.items(), key=lambda kv: (kv[0] == NO_REASON, kv[0])):
        rows.append((NOT_APPROVED, reason, int(count), None, None, None))
    return pd.DataFrame(rows, columns=COLUMNS).astype(
        {"supervisions": int, "share": float, "ci_low": float, "ci_high": float}
    )
