"""The benchmarking page: key messages (computed in :mod:`helpers.analyses.benchmarking`)."""

from __future__ import annotations

import pandas as pd

from ..formats import num_da


def summary_da(summary: pd.DataFrame, name: str, year: int) -> list[str]:
    """Key messages in Danish from :func:`focal_summary`."""
    s = summary.set_index("figure")
    lines = []
    if "expenditure_need_ratio" in s.index:
        r = s.loc["expenditure_need_ratio"]
        direction = "over" if r["value"] > 1 else "under"
        lines.append(
            f"{name} brugte i {year} {num_da(abs(r['value'] - 1) * 100, 0)} % {direction} det forventede "
            f"udgiftsbehov pr. 0-22-årig (gennemsnitskommunen: {num_da((r['average'] - 1) * 100, 0, sign=True)} %)."
        )
    if "placed_per_1000_0_22" in s.index:
        r = s.loc["placed_per_1000_0_22"]
        lines.append(
            f"{name} havde {num_da(r['value'])} anbragte pr. 1.000 0-22-årige mod {num_da(r['average'])} i "
            f"gennemsnitskommunen (nr. {int(r['rank'])} af {int(r['of'])}, højeste = nr. 1)."
        )
    if "budget_deviation_pct" in s.index:
        r = s.loc["budget_deviation_pct"]
        lines.append(
            f"Budgetafvigelsen var {num_da(r['value'], sign=True)} % mod {num_da(r['average'], sign=True)} % "
            "i gennemsnitskommunen."
        )
    return lines
