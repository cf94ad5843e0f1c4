"""The goal-attainment page: protection of its tables, model notes and key messages
(computed in :mod:`helpers.analyses.goals`)."""

from __future__ import annotations

import pandas as pd

from ...analyses.goals import MIN_EVENTS_PER_PARAMETER
from ..disclosure import complementary
from ..formats import count_da, num_da, pct1_da
from ..tables import publish

TERM_LABELS = {
    "months": "Måneder siden forrige registrering (pr. måned)",
    "vum_score_prev": "VUM-score ved forrige registrering (pr. point)",
    "C(age_group)[T.under 40 år]": "Under 40 år (mod 40 og derover)",
    "C(service)[T.§85]": "§85 (mod §107)",
}


def attainment_hidden(table: pd.DataFrame) -> pd.DataFrame:
    """Cells to hide: counts of 1-4, statistics of municipalities with 1-4 registrations, and
    what would reveal them (registrations = met + partly + not met; the share reveals met + partly)."""
    hidden = pd.DataFrame(False, index=table.index, columns=table.columns)
    for i, row in table.iterrows():
        values = {c: int(row[c]) for c in ("registrations", "met", "partly", "not_met")}
        values["met_or_partly"] = values["met"] + values["partly"]
        primary = {c: 0 < v < 5 for c, v in values.items() if c != "met_or_partly"}
        primary["met_or_partly"] = 0 < values["registrations"] < 5
        equations = [
            ("registrations", ["met", "partly", "not_met"]),
            ("met_or_partly", ["met", "partly"]),
            ("registrations", ["met_or_partly", "not_met"]),
        ]
        result = complementary(values, primary, equations)
        for c in ("registrations", "met", "partly", "not_met"):
            hidden.at[i, c] = result[c]
        for c in ("share_met_or_partly", "ci_low", "ci_high"):
            hidden.at[i, c] = result["met_or_partly"] or result["registrations"]
    return hidden


def publish_attainment(table: pd.DataFrame, output_dir, names: dict):
    return publish(
        table,
        "goal_attainment_by_municipality",
        output_dir,
        hidden=attainment_hidden(table),
        counts=["registrations", "met", "partly", "not_met"],
        statistics=dict.fromkeys(("share_met_or_partly", "ci_low", "ci_high"), "registrations"),
        caption="Målopfyldelse ved opfølgning pr. kommune (95 %-Wilson-interval)",
        formats={
            "municipality": lambda c: f"{names.get(int(c), c)} ({c})",
            "share_met_or_partly": pct1_da,
            "ci_low": pct1_da,
            "ci_high": pct1_da,
        },
    )


def term_label(term: str) -> str:
    if term in TERM_LABELS:
        return TERM_LABELS[term]
    if term.startswith("C(goal_type_prev)[T."):
        return f"Måltype ved forrige: {term[20:-1]}"
    if term.startswith("C(target_group)[T."):
        return f"Målgruppe: {term[18:-1]}"
    return term


def model_warning_da(info: dict) -> str:
    """A Danish note on how far the model can be trusted."""
    if not info.get("fitted"):
        return f"Der er for få opfølgninger ({info['n']}) eller for få udfald til at estimere modellen; den vises ikke."
    epp = info["events_per_parameter"]
    base = (
        f"Modellen bygger på {info['n']} opfølgninger i {info['clusters']} kommuner med {info['events']} af det "
        f"sjældneste udfald og {info['parameters']} parametre ({num_da(epp)} udfald pr. parameter)."
    )
    if epp < MIN_EVENTS_PER_PARAMETER:
        return (
            base + " Det er under tommelfingerreglen på 10, så modellen er for tynd til at stole på: "
            "læs den som en beskrivelse, ikke som et resultat."
        )
    few = (
        " Med få kommuner er standardfejlene korrigeret for små klyngetal (bias-reduceret kovarians)."
        if info["covariance"] == "bias_reduced"
        else ""
    )
    return base + few


def summary_da(attainment: pd.DataFrame, focal: int, name: str) -> list[str]:
    """Key messages in Danish (municipalities with under 5 follow-ups are not described)."""
    lines = []
    total = attainment["registrations"].sum()
    if total:
        share = (attainment["met"].sum() + attainment["partly"].sum()) / total
        lines.append(
            f"Ved {count_da(total)} opfølgninger var målet helt eller delvist opfyldt i {num_da(100 * share, 0)} %."
        )
        shown = attainment[attainment["registrations"] >= 5]
        if len(shown) > 1:
            lines.append(
                f"Andelen varierer fra {num_da(100 * shown['share_met_or_partly'].min(), 0)} % til "
                f"{num_da(100 * shown['share_met_or_partly'].max(), 0)} % mellem kommunerne."
            )
    own = attainment[attainment["municipality"] == focal]
    if len(own) and own["registrations"].iloc[0] >= 5:
        r = own.iloc[0]
        lines.append(
            f"I {name}: {num_da(100 * r['share_met_or_partly'], 0)} % (95 %-interval "
            f"{num_da(100 * r['ci_low'], 0)}–{num_da(100 * r['ci_high'], 0)} %) "
            f"af {count_da(r['registrations'])} opfølgninger."
        )
    elif len(own):
        lines.append(f"{name} har under 5 opfølgninger i perioden; tallet vises ikke.")
    else:
        lines.append(f"{name} har ingen opfølgninger med registreret målopfyldelse i perioden.")
    return lines
