"""The prices page (§85/§107): protection of its tables and its key messages
(computed in :mod:`helpers.analyses.prices`)."""

from __future__ import annotations

import pandas as pd

from ...analyses.prices import STATISTICS, describe_by, price_by_vum
from ..formats import count_da, num_da
from ..tables import publish


def publish_statistics(table: pd.DataFrame, name: str, output_dir, caption: str = "", **kwargs):
    """Publish a describe_by table: groups under 5 cases lose the count and every statistic."""
    return publish(
        table,
        name,
        output_dir,
        counts=["cases"],
        statistics=dict.fromkeys(STATISTICS, "cases"),
        caption=caption,
        **kwargs,
    )


def adjustment_summary_da(diffs: pd.DataFrame, service: str, names: dict) -> str:
    """A Danish sentence on what the adjustment changes."""
    if diffs.empty:
        return "Der er for få sager til at sammenligne kommunerne."
    rank_u = diffs["unadjusted"].rank(ascending=False)
    rank_a = diffs["adjusted"].rank(ascending=False)
    moved = int((rank_u != rank_a).sum())
    shift = (diffs["adjusted"] - diffs["unadjusted"]).abs()
    biggest = diffs.loc[shift.idxmax()]
    unit = "procentpoint" if service == "§107" else "timer pr. måned"
    scale = 100 if service == "§107" else 1
    significant = int(((diffs["adjusted_low"] > 0) | (diffs["adjusted_high"] < 0)).sum())
    return (
        f"Når der tages højde for VUM-score, alder og målgruppe, skifter {moved} af {len(diffs)} kommuner placering. "
        f"Størst er ændringen for {names.get(int(biggest['municipality']), biggest['municipality'])} "
        f"({num_da(shift.max() * scale)} {unit}). Efter justering afviger {significant} kommune(r) sikkert "
        "fra gennemsnittet (95 %-intervallet dækker ikke 0)."
    )


def summary_da(units: pd.DataFrame, focal_cases: int, name: str) -> list[str]:
    """Key messages in Danish (groups under 5 are not described)."""
    lines = []
    by_vum = price_by_vum(units)
    by_vum = by_vum[by_vum["cases"] >= 5]
    for service, unit in (("§107", "kr. pr. døgn"), ("§85", "timer pr. måned")):
        part = by_vum[by_vum["service"] == service]
        if len(part) >= 2:
            lo, hi = part.iloc[0], part.iloc[-1]
            lines.append(
                f"{service}: medianen stiger fra {num_da(lo['median'], 0 if service == '§107' else 1)} {unit} ved "
                f"VUM {num_da(lo['vum_score'], 1)} til {num_da(hi['median'], 0 if service == '§107' else 1)} "
                f"{unit} ved VUM {num_da(hi['vum_score'], 1)}."
            )
    by_age = describe_by(units, ["age_group"])
    for service in ("§107", "§85"):
        part = by_age[(by_age["service"] == service) & (by_age["cases"] >= 5)].set_index("age_group")
        if {"under 40 år", "40 år og derover"} <= set(part.index):
            lines.append(
                f"{service}: borgere under 40 år har en median på {num_da(part.at['under 40 år', 'median'], 1)} "
                f"mod {num_da(part.at['40 år og derover', 'median'], 1)} for borgere på 40 år og derover."
            )
    lines.append(
        f"{name} har {count_da(focal_cases)} sager med en registrering i perioden."
        if focal_cases
        else f"{name} har ingen sager med en registrering i perioden; tabellerne viser de øvrige kommuner."
    )
    return lines


def publish_statistics_differences(diffs: pd.DataFrame, service: str, output_dir, names: dict):
    """Publish ``municipality_differences_85`` / ``_107``; municipalities under 5 cases hidden."""
    stats_columns = [c for c in diffs.columns if c.startswith(("unadjusted", "adjusted"))]
    pct = service == "§107"
    fmt = (lambda v: f"{100 * v:+.1f} %".replace(".", ",")) if pct else (lambda v: f"{v:+.1f}".replace(".", ","))
    return publish(
        diffs,
        f"municipality_differences_{service.strip('§')}",
        output_dir,
        counts=["cases"],
        statistics=dict.fromkeys(stats_columns, "cases"),
        caption=f"{service}: forskel fra gennemsnitskommunen, ujusteret og justeret (95 %-interval)",
        formats={"municipality": lambda c: f"{names.get(int(c), c)} ({c})", **dict.fromkeys(stats_columns, fmt)},
        labels={
            "unadjusted": "Ujusteret",
            "unadjusted_low": "KI nedre",
            "unadjusted_high": "KI øvre",
            "adjusted": "Justeret",
            "adjusted_low": "KI nedre ",
            "adjusted_high": "KI øvre ",
            "n": "Sager i modellen",
        },
    )
