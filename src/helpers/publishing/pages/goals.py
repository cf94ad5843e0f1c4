"""The goal-attainment page: the tables it publishes with the adult cases and follow-ups
behind every count, the model tables, and its key messages (computed in
:mod:`helpers.analyses.goals`).

Units: ``case`` (each case's first registration, for the cases with a registration in the
period) and ``registration`` (a follow-up registration, k >= 2).

Tables: ``goal_attainment_by_municipality`` (KL's figure 3.11: 1st -> 2nd registration, goals
of better functioning), ``goal_attainment_all_followups`` (every follow-up, every goal type),
``attainment_by_goal_type_1_2`` and ``attainment_by_goal_type_2_3`` (figures 3.9 and 3.10),
``price_change_by_attainment`` (figure 3.17: goals of better functioning, "opfyldt" =
fully or partly met), ``price_change_by_municipality`` (figure 3.18: the same per
municipality), ``goal_set_by_municipality``, ``goal_types``, ``vum_and_target``
(figures 3.1-3.3), ``initiators`` (3.12) and the models. The models' sizes are published in ``goal_model_info``
(counts, protected with everything else); a model term rests on the follow-ups in its
group and is withheld when that group has 1-4.
"""

from __future__ import annotations

import re

import pandas as pd

from ...analyses import adults, goals
from ...analyses.goals import MET as MET_LABEL
from ...analyses.goals import MIN_EVENTS_PER_PARAMETER
from ...analyses.goals import NOT_MET as NOT_MET_LABEL
from ...data import municipalities
from ..disclosure import TOTAL_LABEL, Cell, Statistic, TableSpec, amount_cells, count_cells, statistics
from ..formats import count_da, num_da, pct1_da, pct_da, plural_da

CASE, REGISTRATION = "case", "registration"
TERM_LABELS = {
    "months": "Måneder siden forrige registrering (pr. måned)",
    "vum_score_prev": "VUM-score ved forrige registrering (pr. point)",
    "C(age_group)[T.under 40 år]": "Under 40 år (mod 40 og derover)",
    "C(service)[T.§85]": "§85 (mod §107)",
}
INFO = "goal_model_info"
INFO_LABELS = {
    "goal_model_n": "Opfølgninger i modellen for målopfyldelse",
    "goal_model_events": "Heraf det sjældneste udfald (opfyldt eller ikke opfyldt)",
    "price_change_n_§85": "Opfølgninger i modellen for ændring i timer (§85)",
    "price_change_n_§107": "Opfølgninger i modellen for ændring i dagspris (§107)",
}


def municipality_label(code) -> str:
    return code if str(code) == "I alt" else f"{municipalities.name(int(code))} ({int(code)})"


def _registrations(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``unit_id`` (the registration) and ``municipality`` as text."""
    ids = frame["municipality"].astype(int).astype(str) + "|" + frame["case_id"].astype(str) + "|"
    ids = ids + frame["registration_no"].astype(int).astype(str)
    return frame.assign(unit_id=ids, municipality=frame["municipality"].astype(int).astype(str))


def _cases(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(unit_id=frame["case_unit"], municipality=frame["municipality"].astype(int).astype(str))


def attainment_spec(registrations: pd.DataFrame, start, end, first_to_second: bool = True) -> TableSpec | None:
    """``goal_attainment_by_municipality`` (figure 3.11), or with ``first_to_second`` False
    ``goal_attainment_all_followups``: registrations (the later one of each follow-up).

    Every follow-up is published for all municipalities together (its ``I alt`` row) only:
    per municipality it lies over figure 3.11's rows, and where the two differ by 1-4
    follow-ups (a municipality's few later or other-goal follow-ups) both lose their shares;
    the per-municipality comparison is KL's figure, which the page shows."""
    name = "goal_attainment_by_municipality" if first_to_second else "goal_attainment_all_followups"
    table = goals.attainment_by_municipality(registrations, start, end, first_to_second)
    if not first_to_second:
        table = table[table["municipality"] == TOTAL_LABEL].reset_index(drop=True)
    if table.empty:
        return None
    data = _registrations(goals.attainment_followups(registrations, start, end, first_to_second))
    cells = count_cells(name, table, "registrations", data, REGISTRATION, ["municipality"])
    for column, value in (("met", "ja"), ("partly", "delvist"), ("not_met", "nej")):
        cells += count_cells(name, table, column, data[data["goal_met"] == value], REGISTRATION, ["municipality"])
    # the share reveals met + partly (share x registrations): a cell of its own, not printed
    either = data[data["goal_met"].isin(["ja", "delvist"])]
    implied = table.assign(met_or_partly=table["met"] + table["partly"])
    for c in count_cells(name, implied, "met_or_partly", either, REGISTRATION, ["municipality"]):
        c.shown, c.product_of = False, ("share_met_or_partly", "registrations")
        cells.append(c)
    stats = statistics(name, table, ["share_met_or_partly", "ci_low", "ci_high"], ["met_or_partly", "registrations"])
    caption = (
        "Målopfyldelse fra 1. til 2. registrering pr. kommune, mål om bedre funktionsevne (95 %-Wilson-interval)"
        if first_to_second
        else "Målopfyldelse ved alle opfølgninger, alle måltyper, alle kommuner under ét (95 %-Wilson-interval)"
    )
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=5 if first_to_second else 3,
        caption=caption,
        formats={
            "municipality": municipality_label,
            "share_met_or_partly": pct1_da,
            "ci_low": pct1_da,
            "ci_high": pct1_da,
        },
    )


def goal_set_spec(units: pd.DataFrame) -> TableSpec:
    name = "goal_set_by_municipality"
    table = goals.goal_set_by_municipality(units)
    table["municipality"] = table["municipality"].astype(int).astype(str)
    data = _cases(units.dropna(subset=["goal_set"]))
    cells = count_cells(name, table, "cases", data, CASE, ["municipality"])
    cells += count_cells(name, table, "goal_set", data[data["goal_set"].astype(bool)], CASE, ["municipality"])
    stats = statistics(name, table, ["share", "ci_low", "ci_high"], ["goal_set", "cases"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=3,
        caption="Andel sager med et mål (første registrering i perioden)",
        formats={"municipality": municipality_label, "share": pct1_da, "ci_low": pct1_da, "ci_high": pct1_da},
        labels={"goal_set": "Med mål", "share": "Andel med mål"},
    )


def goal_types_spec(units: pd.DataFrame) -> TableSpec:
    """Figure 3.2 for all municipalities together (``municipality`` = ``I alt``): per
    municipality the goals other than better functioning are mostly 1-4 cases, so the
    breakdown withheld nearly half its counts (and the municipality's goal count beside
    them); the share of cases with a goal stays per municipality
    (``goal_set_by_municipality``)."""
    name = "goal_types"
    table = goals.goal_types(units.assign(municipality=TOTAL_LABEL))
    data = _cases(units.dropna(subset=["goal_type"]))
    cells = count_cells(name, table, "cases", data, CASE, ["municipality", "goal_type"])
    cells += count_cells(name, table, "municipality_cases", data, CASE, ["municipality"])
    stats = statistics(name, table, ["share"], ["cases", "municipality_cases"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Måltyper, alle kommuner under ét (første registrering i perioden)",
        formats={"municipality": municipality_label, "share": pct1_da},
        labels={"goal_type": "Måltype", "municipality_cases": "Sager med mål i alt"},
    )


def vum_target_spec(units: pd.DataFrame) -> TableSpec:
    """``vum_and_target`` (figure 3.3): the mean VUM score over every case with a score at
    the first registration, the mean VUM target over the cases with a target."""
    name = "vum_and_target"
    table = goals.vum_and_target(units)
    table["municipality"] = table["municipality"].astype(int).astype(str)
    cells = []
    for count, mean, column, measure in (
        ("cases", "vum_mean", "vum_score", "vum"),
        ("target_cases", "vum_target_mean", "vum_target", "vum_target"),
    ):
        data = _cases(units.dropna(subset=[column]))
        cells += count_cells(name, table, count, data, CASE, ["municipality"])
        cells += amount_cells(
            name, table, mean, data, CASE, column, ["municipality"], base_column=count, mean_of=column, measure=measure
        )
    stats = statistics(name, table, ["vum_mean"], ["cases", "vum_mean*cases"])
    stats += statistics(name, table, ["vum_target_mean"], ["target_cases", "vum_target_mean*target_cases"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Gennemsnitlig VUM-score ved første registrering (alle sager med en score) og VUM-mål "
        "(sager med et mål)",
        formats={"municipality": municipality_label},
        labels={
            "cases": "Sager med VUM-score",
            "vum_mean": "Gns. VUM",
            "target_cases": "Sager med VUM-mål",
            "vum_target_mean": "Gns. VUM-mål",
        },
    )


def by_goal_type_spec(pairs: pd.DataFrame, from_registration: int) -> TableSpec:
    """``attainment_by_goal_type_1_2`` (figure 3.9) or ``attainment_by_goal_type_2_3`` (3.10)."""
    name = f"attainment_by_goal_type_{from_registration}_{from_registration + 1}"
    table = goals.attainment_by_goal_type(pairs, from_registration)
    data = goals.goal_type_follow_ups(pairs, from_registration)
    data = data.assign(unit_id=data["registration_unit"], goal_type=data["goal_type_prev"])
    cells = count_cells(name, table, "follow_ups", data, REGISTRATION, ["goal_type", "goal_met"])
    cells += count_cells(name, table, "n", data, REGISTRATION, ["goal_type"])
    return TableSpec(
        name,
        table,
        cells,
        statistics(name, table, ["share"], ["follow_ups", "n"]),
        priority=3,
        caption=f"Målopfyldelse fra {from_registration}. til {from_registration + 1}. registrering efter måltype",
        formats={"share": pct1_da},
        labels={"goal_type": "Måltype", "goal_met": "Mål opfyldt", "follow_ups": "Opfølgninger", "n": "I alt"},
    )


def initiators_spec(registrations: pd.DataFrame, start, end) -> TableSpec | None:
    name = "initiators"
    table = goals.initiators(registrations, start, end)
    if table.empty:
        return None
    table["municipality"] = table["municipality"].astype(int).astype(str)
    data = _registrations(goals.initiated_follow_ups(registrations, start, end))
    cells = count_cells(name, table, "follow_ups", data, REGISTRATION, ["municipality", "initiator"])
    cells += count_cells(name, table, "n", data, REGISTRATION, ["municipality"])
    return TableSpec(
        name,
        table,
        cells,
        statistics(name, table, ["share"], ["follow_ups", "n"]),
        priority=2,
        caption="Hvem tog initiativ til opfølgningen?",
        formats={"municipality": municipality_label, "share": pct1_da},
        labels={"initiator": "Initiativ", "follow_ups": "Opfølgninger", "n": "I alt"},
    )


PRICE_CHANGE_LABELS = {"goal_met": "Mål", "direction": "Pris/timer", "follow_ups": "Opfølgninger", "n": "I alt"}
PRICE_CHANGE_CAPTION = "Mål om bedre funktionsevne: lavere, uændret eller højere pris/timer ved næste registrering"


def _price_change_table(name: str, table: pd.DataFrame, data: pd.DataFrame, by: str, **shown) -> TableSpec:
    """Figures 3.17 and 3.18: the follow-ups of goals of better functioning behind each count
    (``data``, one row per follow-up), broken down by ``by`` (service or municipality)."""
    data = data.assign(unit_id=data["registration_unit"], goal_met=data["met"])
    cells = count_cells(name, table, "follow_ups", data, REGISTRATION, [by, "goal_met", "direction"])
    cells += count_cells(name, table, "n", data, REGISTRATION, [by, "goal_met"])
    return TableSpec(name, table, cells, statistics(name, table, ["share"], ["follow_ups", "n"]), priority=2, **shown)


def price_change_spec(pairs: pd.DataFrame) -> TableSpec:
    """Figure 3.17 (service "I alt", and per service as KL's text splits it): goals of better
    functioning only."""
    data = goals.improvement_followups_with_total(pairs)
    return _price_change_table(
        "price_change_by_attainment",
        goals.price_change_by_attainment(pairs),
        data,
        "service",
        caption=PRICE_CHANGE_CAPTION,
        formats={"share": pct1_da},
        labels=PRICE_CHANGE_LABELS,
    )


def price_change_municipality_spec(pairs: pd.DataFrame) -> TableSpec | None:
    """Figure 3.18: figure 3.17 per municipality (both services; goals of better functioning).
    KL warns that the categories are small: the disclosure layer withholds what is too small."""
    table = goals.price_change_by_municipality(pairs)
    if table.empty:
        return None
    data = goals.improvement_followups(pairs)
    return _price_change_table(
        "price_change_by_municipality",
        table,
        data.assign(municipality=data["municipality"].astype(int)),
        "municipality",
        caption=f"{PRICE_CHANGE_CAPTION}, pr. kommune (KL's figur 3.18)",
        formats={"municipality": municipality_label, "share": pct1_da},
        labels={"municipality": "Kommune", **PRICE_CHANGE_LABELS},
    )


def info_spec(pairs: pd.DataFrame) -> TableSpec:
    """``goal_model_info``: the follow-ups each model rests on (counts, protected)."""
    frame = goals.model_frame(pairs)
    met = frame["met"] == 1
    rarer = met if met.sum() <= (~met).sum() else ~met
    members = {
        "goal_model_n": frame["registration_unit"],
        "goal_model_events": frame.loc[rarer, "registration_unit"],
    }
    for service in adults.SERVICES:
        members[f"price_change_n_{service}"] = goals.price_change_data(pairs, service)["registration_unit"]
    members = {figure: members[figure] for figure in INFO_LABELS}  # the order INFO_LABELS promises
    table = pd.DataFrame({"figure": list(members), "value": [float(len(m)) for m in members.values()]})
    cells = [
        Cell(INFO, i, "value", REGISTRATION, m.to_numpy(dtype=object), float(len(m)))
        for i, m in enumerate(members.values())
    ]
    return TableSpec(
        INFO,
        table,
        cells,
        priority=4,
        caption="Opfølgninger i modellerne",
        formats={"figure": INFO_LABELS.get, "value": lambda v: f"{int(v)}"},
    )


def specs(report) -> list[TableSpec]:
    """Every table of the goal-attainment page for the period (all municipalities), except
    the fitted models (see :func:`model_spec`)."""
    registrations, units, pairs = adults.for_period(
        report.data.adult_registrations, report.period_start, report.period_end
    )
    out = [
        attainment_spec(registrations, report.period_start, report.period_end),
        attainment_spec(registrations, report.period_start, report.period_end, first_to_second=False),
        initiators_spec(registrations, report.period_start, report.period_end),
    ]
    if not units.empty:
        out += [goal_set_spec(units), goal_types_spec(units), vum_target_spec(units)]
    if not pairs.empty:
        out += [
            by_goal_type_spec(pairs, 1),
            by_goal_type_spec(pairs, 2),
            price_change_spec(pairs),
            price_change_municipality_spec(pairs),
            info_spec(pairs),
        ]
    return [s for s in out if s is not None]


def _term_group(term: str, data: pd.DataFrame) -> int:
    """The follow-ups a model term rests on: the group of a category, or all of them."""
    m = re.fullmatch(r"C\((\w+)\)\[T\.(.+)\]", term) or re.fullmatch(r"(goal_met)=(.+)", term)
    if m is None:
        return len(data)
    return int((data[m[1]].astype(str) == m[2]).sum())


def model_spec(
    table: pd.DataFrame, data: pd.DataFrame, name: str, size: str, caption: str, value_columns: list[str]
) -> TableSpec:
    """A fitted model's table: each term is a statistic resting on its group's follow-ups and
    on the published size of the model (figure ``size`` of ``goal_model_info``)."""
    n_row = list(INFO_LABELS).index(size)
    stats = [
        Statistic(name, i, c, ((INFO, n_row, "value"),), _term_group(table["term"].iloc[i], data))
        for i in range(len(table))
        for c in value_columns
    ]

    def two(v):
        return f"{v:.2f}".replace(".", ",")

    formats = dict.fromkeys(value_columns, two)
    formats["p_value"] = lambda v: "< 0,001" if v < 0.001 else f"{v:.3f}".replace(".", ",")
    return TableSpec(
        name, table, statistics=stats, caption=caption, formats={"term": term_label, **formats}, significant=4
    )


def term_label(term: str) -> str:
    if term in TERM_LABELS:
        return TERM_LABELS[term]
    if term.startswith("C(goal_type_prev)[T."):
        return f"Måltype ved forrige: {term[20:-1]}"
    if term.startswith("C(target_group)[T."):
        return f"Målgruppe: {term[18:-1]}"
    if term.startswith("goal_met="):
        level = term.split("=", 1)[1]
        return {
            "opfyldt": "Mål helt eller delvist opfyldt (mod ikke opfyldt)",
            "delvist": "Mål delvist opfyldt (mod ikke opfyldt)",
            "ikke_opfyldt": "Mål ikke opfyldt",
        }.get(level, f"Målopfyldelse: {level.replace('_', ' ')}")
    # never a raw model name on the page: "C(x)[T.y]" -> "x: y"
    m = re.fullmatch(r"C\((\w+)\)\[T\.(.+)\]", term)
    if m:
        return f"{m.group(1).replace('_', ' ').capitalize()}: {m.group(2)}"
    return term.replace("_", " ")


def method_note_da(info: dict) -> str:
    """How the model's intervals were computed and which small groups were pooled or left out (Danish)."""
    notes = []
    covariance = info.get("covariance")
    df = info.get("df")
    if covariance == "bias_reduced":
        notes.append(
            f"Standardfejlene er klyngerobuste med bias-reduceret kovarians (Mancl-DeRouen), og intervallerne bygger "
            f"på t-fordelingen med {int(df)} frihedsgrader (antal kommuner minus 1), fordi der er få kommuner."
        )
    elif covariance == "cluster":
        notes.append(
            f"Standardfejlene er klyngerobuste (sandwich med kommunen som klynge, CR1), og intervallerne bygger på "
            f"t-fordelingen med {int(df)} frihedsgrader (antal kommuner minus 1)."
        )
    elif covariance == "robust":
        notes.append("Standardfejlene er klyngerobuste med kommunen som klynge.")
    # the rule, said whatever the data: which groups were pooled, or how many follow-ups were
    # left out, would tell the reader which counts are 1-4 (the tables withhold them)
    notes.append(
        "Grupper med færre end 5 opfølgninger indgår ikke som egne led, men samlet i «andet»; har «andet» "
        "stadig færre end 5, udelades de af modellen."
    )
    return " ".join(notes)


def model_warning_da(info: dict, published) -> str:
    """A Danish note on how far the model can be trusted (or why it is not shown); its counts
    come from the published ``goal_model_info`` table."""
    n, events = published.value(0, "value"), published.value(1, "value")
    if not info.get("fitted"):
        reason = info.get("reason") or "Der er for få opfølgninger eller for få udfald til at estimere modellen."
        return f"{reason} Modellen vises derfor ikke."
    if n is None or events is None:
        return "Modellens størrelse vises ikke af hensyn til diskretion."
    epp = events / max(info["parameters"], 1)
    base = (
        f"Modellen bygger på {count_da(n)} opfølgninger i {info['clusters']} kommuner med {count_da(events)} af det "
        f"sjældneste udfald og {info['parameters']} parametre ({num_da(epp)} udfald pr. parameter)."
    )
    if epp < MIN_EVENTS_PER_PARAMETER:
        base += (
            " Det er under tommelfingerreglen på 10, så modellen er for tynd til at stole på: "
            "læs den som en beskrivelse, ikke som et resultat."
        )
    return f"{base} {method_note_da(info)}".strip()


def key_messages(attainment, focal: int, name: str) -> list[str]:
    """Key messages in Danish from the *published* attainment table, the focal municipality first."""
    data = attainment.data
    rows = {str(m): i for i, m in enumerate(data["municipality"])}
    lines = []
    i = rows.get(str(focal))
    if i is None:
        lines.append(f"{name} har ingen opfølgninger med registreret målopfyldelse i perioden.")
    elif attainment.value(i, "share_met_or_partly") is None:
        lines.append(f"For {name} vises målopfyldelsen ikke af hensyn til diskretion (for få opfølgninger).")
    else:
        share = attainment.value(i, "share_met_or_partly")
        lines.append(
            f"I {name} var målet helt eller delvist opfyldt ved {num_da(100 * share, 0)} % "
            f"af {count_da(attainment.value(i, 'registrations'))} opfølgninger (95 %-interval "
            f"{num_da(100 * attainment.value(i, 'ci_low'), 0)}–{num_da(100 * attainment.value(i, 'ci_high'), 0)} %)."
        )
    total = rows.get("I alt")
    if total is not None and attainment.value(total, "share_met_or_partly") is not None:
        lines.append(
            f"I alle kommunerne var målet helt eller delvist opfyldt ved "
            f"{num_da(100 * attainment.value(total, 'share_met_or_partly'), 0)} % af "
            f"{count_da(attainment.value(total, 'registrations'))} opfølgninger."
        )
    shares = [attainment.value(j, "share_met_or_partly") for m, j in rows.items() if m != "I alt"]
    shares = [s for s in shares if s is not None]
    if len(shares) > 1:
        lines.append(
            f"Andelen varierer fra {num_da(100 * min(shares), 0)} % til {num_da(100 * max(shares), 0)} % "
            "mellem de kommuner, hvis tal vises."
        )
    return lines


def price_change_da(table) -> str:
    """Whether price and hours mostly stay the same at the next registration, for goals met
    (fully or partly) and not met, from the published shares of ``price_change_by_attainment``
    (service "I alt")."""
    data = table.data
    shares = {}
    for i in range(len(data)):
        if data["service"].iloc[i] == "I alt" and data["direction"].iloc[i] == "uændret":
            share, n = table.value(i, "share"), table.value(i, "n")
            if share is not None and n is not None and not pd.isna(share):
                shares[data["goal_met"].iloc[i]] = (float(share), int(n))
    met, not_met = shares.get(MET_LABEL), shares.get(NOT_MET_LABEL)
    if met is None or not_met is None:
        return (
            "Der er for få viste opfølgninger til at sige, hvor ofte pris og timer er uændrede, når målet er "
            "nået og ikke nået."
        )
    if met[0] > 0.5 and not_met[0] > 0.5:
        lead = "For de fleste borgere er pris og timer uændrede ved næste registrering, uanset om målet er nået"
    elif met[0] > 0.5:
        lead = "Pris og timer er oftest uændrede, når målet er nået, men ikke når det ikke er"
    elif not_met[0] > 0.5:
        lead = "Pris og timer er oftest uændrede, når målet ikke er nået, men ikke når det er"
    else:
        lead = "Pris og timer ændrer sig for de fleste borgere ved næste registrering, uanset om målet er nået"
    return (
        f"{lead}: uændrede i {pct_da(met[0])} af {plural_da(met[1], 'opfølgning', 'opfølgninger')} med målet helt "
        f"eller delvist opfyldt og i {pct_da(not_met[0])} af {count_da(not_met[1])} med målet ikke opfyldt."
    )


def price_change_municipalities_da(table) -> str:
    """Figure 3.18 in words, from the published shares of ``price_change_by_municipality``:
    in how many of the municipalities where both groups (goal met, not met) can be shown
    price and hours mostly stay the same in both, and how many cannot show both."""
    data = table.data
    if data.empty:
        return "Der er ingen opfølgninger af mål om bedre funktionsevne i perioden."
    shown: dict[int, dict[str, float]] = {}
    every = sorted({int(m) for m in data["municipality"]})
    for i in range(len(data)):
        if data["direction"].iloc[i] != "uændret":
            continue
        share = table.value(i, "share")
        if share is not None and not pd.isna(share):
            shown.setdefault(int(data["municipality"].iloc[i]), {})[data["goal_met"].iloc[i]] = float(share)
    both = {m: v for m, v in shown.items() if {MET_LABEL, NOT_MET_LABEL} <= set(v)}
    hidden = len(every) - len(both)
    if not both:
        return (
            "Pr. kommune er der for få opfølgninger til at vise, hvor ofte pris og timer er uændrede, både når "
            "målet er nået, og når det ikke er."
        )
    same = sum(all(share > 0.5 for share in v.values()) for v in both.values())
    if len(both) == 1:
        text = (
            "I den ene kommune, hvor begge grupper kan vises, er pris og timer oftest uændrede ved næste "
            "registrering, både når målet er nået, og når det ikke er."
            if same
            else "I den ene kommune, hvor begge grupper kan vises, er pris og timer ikke oftest uændrede i begge "
            "grupper (målet nået og ikke nået)."
        )
    else:
        text = (
            f"I {count_da(same)} af de {count_da(len(both))} kommuner, hvor begge grupper kan vises, er pris og "
            "timer oftest uændrede ved næste registrering, både når målet er nået, og når det ikke er."
        )
    if hidden:
        text += (
            f" {plural_da(hidden, 'kommune har', 'kommuner har')} for få opfølgninger til, at begge grupper kan vises."
        )
    return text + " Som KL skriver, bygger tallene pr. kommune på få opfølgninger og er usikre."
