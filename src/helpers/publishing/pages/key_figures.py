"""The key-figure catalogue as published: labels, protection and the district and
case-worker tables (computed in :mod:`helpers.analyses.key_figures`)."""

from __future__ import annotations

import pandas as pd

from ...analyses.key_figures import PUBLISHED_COLUMNS, TOTAL
from ..disclosure import complementary, is_small
from ..formats import num_da, pct1_da
from ..tables import publish

FIGURE_LABELS = {
    "active_children": "Børn og unge med en indsats ved periodens slutning",
    "placed_children": "Anbragte ved periodens slutning, efter trin",
    "placed_by_target_group": "Anbragte ved periodens slutning, efter målgruppe",
    "placed_by_age_group": "Anbragte ved periodens slutning, efter alder",
    "new_placements": "Nye anbringelser i perioden",
    "placement_days_mean": "Anbringelsesvarighed (dage), gennemsnit – afsluttede i perioden",
    "placement_days_min": "Anbringelsesvarighed (dage), korteste",
    "placement_days_max": "Anbringelsesvarighed (dage), længste",
    "preventive_children": "Børn med forebyggende indsats ved periodens slutning, efter trin",
    "preventive_days_mean": "Varighed af forebyggende indsatser (dage), gennemsnit – afsluttede i perioden",
    "spending": "Forbrug i perioden (kr.), efter trin",
    "budget": "Budget for perioden (kr.), efter trin",
    "spending_vs_budget_pct": "Forbrug i forhold til budget (%), efter trin",
    "forecast_year": "Forventet forbrug for året ud fra bevilgede indsatser (kr.)",
    "budget_year": "Årets budget (kr.)",
    "spending_share": "Andel af forbruget: anbringelser og forebyggelse",
    "top_cases": "De dyreste 10 % af børnene: antal",
    "top_cases_spending_share": "De dyreste 10 % af børnene: andel af forbruget",
    "provider_spending_share": "Andel af forbruget efter leverandør (egne/købte)",
    "children_per_caseworker": "Børn pr. sagsbehandler (gennemsnit, median, største)",
    "spending_per_caseworker_mean": "Forbrug pr. sagsbehandler, gennemsnit (kr.)",
    "case_events": "Sagsbehandling i perioden",
    "investigations_within_deadline_share": "Børnefaglige undersøgelser inden for fristen (andel)",
    "complaints": "Klager efter udfald",
}


def hidden_values(figures: pd.DataFrame) -> pd.Series:
    """Which values to suppress: counts of 1-4, statistics and shares of groups of 1-4, and
    (complementary) a second group wherever a total would reveal a single hidden group."""
    small = lambda v: (v > 0) & (v < 5)  # noqa: E731
    primary = ((figures["kind"] == "count") & small(figures["value"])) | (
        figures["kind"].isin(["statistic", "share"]) & small(figures["n"])
    )
    counts = figures[figures["kind"] == "count"]
    values = {i: figures.at[i, "value"] for i in counts.index}
    equations = []
    for _, part in counts.groupby("figure"):
        total = part.index[part["group"] == TOTAL]
        others = part.index[part["group"] != TOTAL]
        if len(total) and len(others):
            equations.append((total[0], list(others)))
    hidden = complementary(values, {i: bool(primary[i]) for i in figures.index}, equations)
    return pd.Series([hidden[i] for i in figures.index], index=figures.index)


def publish_key_figures(figures: pd.DataFrame, output_dir, caption: str = ""):
    """Publish ``key_figures.csv`` (the six tidy columns) with suppression applied."""
    hidden = pd.DataFrame(False, index=figures.index, columns=PUBLISHED_COLUMNS)
    hidden["value"] = hidden_values(figures)
    table = figures[PUBLISHED_COLUMNS].copy()
    return publish(
        table,
        "key_figures",
        output_dir,
        hidden=hidden,
        caption=caption,
        show=["figure", "group", "value"],
        formats={"figure": lambda v: FIGURE_LABELS.get(v, v), "value": _value_da},
    )


def _value_da(v) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}".replace(",", ".")
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.2f}".replace(".", ",")


DISTRICT_COUNTS = ["children", "placed", "preventive", "children_with_spending", "notifications"]
DISTRICT_STATISTICS = {
    "spending": "children_with_spending",
    "spending_per_child": "children_with_spending",
    "placed_share": ("children", "placed"),
    "placed_share_ci_low": ("children", "placed"),
    "placed_share_ci_high": ("children", "placed"),
}


def publish_district_figures(table: pd.DataFrame, by: str, output_dir, caption: str = ""):
    """Publish ``<by>_figures`` with suppression; since the groups add up to the
    municipality's totals (published with the key figures), a second group is hidden
    wherever one hidden group could be recovered from the total."""
    counts = [c for c in DISTRICT_COUNTS if c in table]
    hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
    for column in counts:
        values = {i: int(v) for i, v in table[column].items()}
        primary = {i: bool(h) for i, h in is_small(table[column]).items()}
        result = complementary(values, primary, [("total", list(table.index))])
        hidden[column] = pd.Series(result).reindex(table.index).fillna(False).astype(bool)
    return publish(
        table,
        f"{by}_figures",
        output_dir,
        counts=counts,
        statistics={k: v for k, v in DISTRICT_STATISTICS.items() if k in table},
        hidden=hidden,
        caption=caption,
        formats=DISTRICT_FORMATS,
    )


def _kr(v) -> str:
    return num_da(float(v), 0)


DISTRICT_FORMATS = {
    "placed_share": pct1_da,
    "placed_share_ci_low": pct1_da,
    "placed_share_ci_high": pct1_da,
    "spending": _kr,
    "spending_per_child": _kr,
}
