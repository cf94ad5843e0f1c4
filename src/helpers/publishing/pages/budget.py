"""The budget follow-up page: key messages (computed in :mod:`helpers.analyses.budget`)."""

from __future__ import annotations

import pandas as pd

from ..formats import num_da


def summary_da(variance: pd.DataFrame, year: int) -> list[str]:
    """Key messages in Danish: the total deviation and how much is volume and price."""

    def mio(v):
        return f"{num_da(v / 1e6)} mio. kr."

    total = variance["total_deviation"].sum()
    volume, price = variance["volume_effect"].sum(), variance["price_effect"].sum()
    word = "merforbrug" if total > 0 else "mindreforbrug"
    lines = [
        f"For {year} giver de bevilgede indsatser et {word} på {mio(abs(total))} i forhold til budgettet.",
        f"Heraf skyldes {mio(volume)} flere eller færre indsatser end budgetteret (volumen) og "
        f"{mio(price)} en anden gennemsnitspris end budgetteret (pris).",
    ]
    biggest = variance.loc[variance["total_deviation"].abs().idxmax()] if len(variance) else None
    if biggest is not None:
        lines.append(
            f"Den største afvigelse er på trin {int(biggest['step'])}: {mio(biggest['total_deviation'])} "
            f"(volumen {mio(biggest['volume_effect'])}, pris {mio(biggest['price_effect'])})."
        )
    return lines
