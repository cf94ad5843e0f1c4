"""The "Ventelister og resultater" page: children waiting for a measure at the period's end
with the Kaplan-Meier median wait, and by target group and age (computed in
:mod:`helpers.analyses.waiting`); school absence by year and step and for placed and
preventive children and by age, change in function score by step, and goal attainment
(:mod:`helpers.analyses.outcomes`).

Units: ``child`` (pseudonymised person id) for every count of children, so the page is
protected together with the other children's pages of the municipality and period;
``referral`` (one row of the waiting list) for the referrals the medians rest on. A median
and its interval are statistics resting on the referrals of their row (withheld with that
count, and when it is 1-4); a mean and its interval rest on the children counted in its row.
"""

from __future__ import annotations

import pandas as pd

from ...analyses import outcomes, waiting
from ..disclosure import WITHHELD, Statistic, TableSpec, count_cells, statistics
from ..formats import date_da, num_da, pct_da, points_da

TOTAL = waiting.TOTAL
NOT_REACHED = "ikke nået"
WAITING_COLUMNS = ["step", "children_waiting", "median_days", "ci_low", "ci_high"]


def _step_da(step) -> str:
    return str(step) if step == TOTAL else f"Trin {step}"


def waiting_specs(rows: pd.DataFrame, t0, t1) -> list[TableSpec]:
    """``waiting_list`` (children waiting at the end, median wait with its interval) and
    ``waiting_referrals`` (the referrals made in the period that the medians rest on)."""
    frame = waiting.waiting_list(rows, t0, t1)
    if frame.empty:
        return []
    table = frame[WAITING_COLUMNS].reset_index(drop=True)
    refs = frame[["step", "referrals"]].reset_index(drop=True)
    cells = count_cells("waiting_list", table, "children_waiting", waiting.waiting_on(rows, t1), "child", ["step"])
    ref_cells = count_cells(
        "waiting_referrals", refs, "referrals", waiting.referrals_in(rows, t0, t1), "referral", ["step"]
    )
    # every row with referrals declares its median and interval, also where the curve does not
    # reach 50 % (empty): "ikke nået" is shown only where the referrals behind it are
    stats = [
        Statistic("waiting_list", i, c, (("waiting_referrals", i, "referrals"),), int(refs["referrals"].iloc[i]))
        for i in range(len(table))
        if refs["referrals"].iloc[i] > 0
        for c in ("median_days", "ci_low", "ci_high")
    ]
    formats = {c: lambda v: num_da(v, 0) for c in ("median_days", "ci_low", "ci_high")}
    return [
        TableSpec(
            "waiting_list",
            table,
            cells,
            stats,
            priority=3,
            caption="Børn og unge på venteliste ved periodens slutning og ventetid",
            formats={"step": _step_da, **formats},
            labels={
                "children_waiting": "Børn på venteliste",
                "median_days": "Median ventetid (dage)",
            },
            source="Kommunens venteliste (henvisning og start af foranstaltningen).",
        ),
        TableSpec(
            "waiting_referrals",
            refs,
            ref_cells,
            priority=1,
            caption="Henvisninger i perioden (grundlaget for ventetiden)",
            formats={"step": _step_da},
            labels={"referrals": "Henvisninger i perioden"},
        ),
    ]


def waiting_groups_spec(rows: pd.DataFrame, interventions: pd.DataFrame | None, t1) -> TableSpec | None:
    """``waiting_by_group``: the children waiting at the period's end by target group and by
    age group (margins only), the same children as ``waiting_list`` and so linked to it
    (:func:`helpers.analyses.waiting.waiting_by_group`)."""
    children = waiting.waiting_children(rows, interventions, t1)
    table = waiting.waiting_by_group(children)
    if table.empty:
        return None
    name = "waiting_by_group"
    cells = count_cells(name, table, "children_waiting", children, "child", ["target_group", "age_group"])
    return TableSpec(
        name,
        table,
        cells,
        priority=2,
        caption="Børn og unge på venteliste ved periodens slutning efter målgruppe og alder",
        labels={"target_group": "Målgruppe", "age_group": "Alder", "children_waiting": "Børn på venteliste"},
        source=(
            "Kommunens venteliste; målgruppe og fødselsdato fra barnets seneste indsats (ventelisten har ingen af "
            "delene), «Ukendt» for et barn uden indsatser. Seed 002: børn og unge på venteliste opdelt på "
            "handicappede og socialt udsatte og på alder."
        ),
    )


def absence_spec(rows: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``school_absence``: per year and step (and ``I alt``) the children measured and their
    mean absence % with its 95 % t interval."""
    table = outcomes.school_absence(rows, interventions, t0, t1)
    if table.empty:
        return None
    name = "school_absence"
    units = outcomes.absence_units(rows, interventions, t0, t1)
    cells = count_cells(name, table, "children", units, "child", ["year", "step"])
    stats = statistics(name, table, ["mean_absence_pct", "ci_low", "ci_high"], ["children"], table["children"])
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=2,
        caption="Skolefravær efter år og trin",
        formats={"step": _step_da, "year": str},
        labels={
            "children": "Børn målt",
            "mean_absence_pct": "Gns. fravær (%)",
        },
        source="Kommunens målinger af skolefravær; trinnet er barnets højeste aktive trin på måledagen.",
    )


def absence_groups_spec(rows: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``school_absence_groups``: over the period, the children measured and their mean
    absence % with its 95 % t interval, in all, placed and preventive, and per age group
    (:func:`helpers.analyses.outcomes.absence_by_group`)."""
    units = outcomes.absence_group_units(rows, interventions, t0, t1)
    table = outcomes.absence_by_group(units)
    if table.empty:
        return None
    name = "school_absence_groups"
    cells = count_cells(name, table, "children", units, "child", ["kind", "age_group"])
    stats = statistics(name, table, ["mean_absence_pct", "ci_low", "ci_high"], ["children"], table["children"])
    groups = [k if k != TOTAL else a for k, a in zip(table["kind"], table["age_group"])]
    concepts = [
        (concept, group, i, column)
        for i, group in enumerate(groups)
        for concept, column in (("child_absence_measured", "children"), ("child_absence_mean_pct", "mean_absence_pct"))
    ]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Skolefravær i perioden, anbragte og forebyggende og efter alder",
        formats={"kind": lambda k: GOAL_KIND_LABELS.get(k, k)},
        labels={
            "kind": "Indsats",
            "age_group": "Alder på måledagen",
            "children": "Børn målt",
            "mean_absence_pct": "Gns. fravær (%)",
        },
        source=(
            "Kommunens målinger af skolefravær; anbragt (trin 4-6) eller forebyggende (trin 1-3) efter barnets "
            "højeste aktive trin på måledagen. Et barn, der skiftede fra forebyggende til anbragt eller fyldte år "
            "ind i en ny aldersgruppe, tæller i begge rækker og én gang i alt. Seed 002: skolefravær for anbragte "
            "og børn med forebyggende foranstaltninger, efter aldersgruppe."
        ),
        concepts=concepts,
    )


def change_spec(rows: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``function_change``: per step at the first measurement (and ``I alt``) the children
    with two or more function scores in the period and their mean change (last - first)."""
    table = outcomes.function_change(rows, interventions, t0, t1)
    if table.empty:
        return None
    name = "function_change"
    units = outcomes.function_changes(rows, interventions, t0, t1).dropna(subset=["step"])
    cells = count_cells(name, table, "children", units, "child", ["step"])
    stats = statistics(name, table, ["mean_change", "ci_low", "ci_high"], ["children"], table["children"])
    signed = {c: (lambda v: num_da(v, 1, sign=True)) for c in ("mean_change", "ci_low", "ci_high")}
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Ændring i funktionsscore fra første til sidste måling i perioden",
        formats={"step": _step_da, **signed},
        labels={
            "step": "Trin ved første måling",
            "children": "Børn",
            "mean_change": "Gns. ændring (point)",
        },
        source="Kommunens målinger af funktionsniveau (fx Børnelinealen).",
    )


GOAL_KIND_LABELS = {"placed": "Anbragte (trin 4-6)", "preventive": "Forebyggende (trin 1-3)"}


def goal_spec(rows: pd.DataFrame, interventions: pd.DataFrame, t0, t1) -> TableSpec | None:
    """``goal_attainment``: children whose last goal assessment in the period found the goal
    of their plan met, in all, placed and preventive, and per target group, with the share
    and its 95 % Wilson interval (:func:`helpers.analyses.outcomes.goal_attainment`)."""
    units = outcomes.goal_assessments(rows, interventions, t0, t1)
    table = outcomes.goal_attainment(units)
    if table.empty:
        return None
    name = "goal_attainment"
    by = ["kind", "target_group"]
    cells = count_cells(name, table, "children", units, "child", by)
    cells += count_cells(name, table, "goal_met", units[units["met"]], "child", by)
    stats = statistics(name, table, ["share", "ci_low", "ci_high"], ["goal_met", "children"], table["children"])
    groups = [k if k != TOTAL else g for k, g in zip(table["kind"], table["target_group"])]
    concepts = [
        (concept, group, i, column)
        for i, group in enumerate(groups)
        for concept, column in (
            ("child_goals_assessed", "children"),
            ("child_goal_met", "goal_met"),
            ("child_goal_met_share", "share"),
        )
    ]
    return TableSpec(
        name,
        table,
        cells,
        stats,
        priority=1,
        caption="Mål nået ved seneste opfølgning i perioden, anbragte og forebyggende og efter målgruppe",
        formats={"kind": lambda k: GOAL_KIND_LABELS.get(k, k)},
        labels={
            "kind": "Indsats",
            "target_group": "Målgruppe",
            "children": "Børn fulgt op",
            "goal_met": "Mål nået",
            "share": "Andel nået",
        },
        source=(
            "Kommunens opfølgninger på målene i barnets handleplan (1 = nået, 0 = ikke nået); seed 002: "
            "målopfyldelse for anbragte og børn med forebyggende foranstaltninger, handicappede og socialt udsatte."
        ),
        concepts=concepts,
    )


def specs(report) -> list[TableSpec]:
    """Every table of the page (none when neither the waiting list nor outcomes have rows
    for the municipality)."""
    t0, t1 = report.period_start, report.period_end
    out = []
    rows = report.rows("waiting_list")
    interventions = report.rows("interventions")
    if not {"person_id", "step", "start_date", "end_date"} <= set(interventions.columns):
        interventions = None
    if len(rows) and {"person_id", "referral_date"} <= set(rows.columns):
        out += waiting_specs(rows, t0, t1)
        groups = waiting_groups_spec(rows, interventions, t1) if out else None
        out += [groups] if groups else []
    measured = report.rows("child_outcomes")
    if len(measured) and {"person_id", "date", "indicator", "value"} <= set(measured.columns):
        made = (
            absence_spec(measured, interventions, t0, t1),
            absence_groups_spec(measured, interventions, t0, t1),
            change_spec(measured, interventions, t0, t1),
            goal_spec(measured, interventions, t0, t1),
        )
        out += [s for s in made if s]
    return out


# ----------------------------------------------------------------------------- the page


def _row(published, column: str, value) -> int | None:
    hits = [i for i, v in enumerate(published.data[column]) if str(v) == str(value)]
    return hits[0] if hits else None


def waiting_view(waiting_list, referrals) -> pd.DataFrame:
    """The waiting table as the page shows it (Danish text) from the *published* tables: a
    withheld number reads "..", a median or interval end the curve does not reach "ikke
    nået", and a step without referrals in the period "–"."""
    lines = []
    for i, step in enumerate(waiting_list.data["step"]):
        j = _row(referrals, "step", step)
        n = referrals.value(j, "referrals") if j is not None else None

        def cell(column, i=i, n=n):
            if waiting_list.status.iat[i, waiting_list.data.columns.get_loc(column)] != "published":
                return WITHHELD
            v = waiting_list.data[column].iloc[i]
            if pd.isna(v):
                return "–" if n == 0 else NOT_REACHED
            return num_da(float(v), 0)

        waiting_n = waiting_list.value(i, "children_waiting")
        lines.append(
            {
                "Trin": _step_da(step),
                "Børn på venteliste": WITHHELD if waiting_n is None else num_da(float(waiting_n), 0),
                "Henvisninger i perioden": WITHHELD if n is None else num_da(float(n), 0),
                "Median ventetid (dage)": cell("median_days"),
                "95 %-KI nedre": cell("ci_low"),
                "95 %-KI øvre": cell("ci_high"),
            }
        )
    return pd.DataFrame(lines)


def medians(waiting_list) -> pd.DataFrame:
    """The published medians by step (not ``I alt``) for a figure: ``label``, ``value``,
    ``low``, ``high`` (an open upper end is drawn up to the median)."""
    out = []
    for i, step in enumerate(waiting_list.data["step"]):
        if step == TOTAL:
            continue
        v = waiting_list.value(i, "median_days")
        if v is None or pd.isna(v):
            continue
        low, high = waiting_list.value(i, "ci_low"), waiting_list.value(i, "ci_high")
        out.append(
            {
                "label": _step_da(step),
                "value": float(v),
                "low": float(v) if low is None or pd.isna(low) else float(low),
                "high": float(v) if high is None or pd.isna(high) else float(high),
            }
        )
    return pd.DataFrame(out, columns=["label", "value", "low", "high"])


def absence_group_points(groups) -> pd.DataFrame:
    """The published mean absence in all, placed and preventive and per age group
    (withheld ones left out) for a figure, one dot a row of ``school_absence_groups``."""
    out = []
    for i, r in enumerate(groups.data.itertuples(index=False)):
        v = groups.value(i, "mean_absence_pct")
        if v is None or pd.isna(v):
            continue
        low, high = groups.value(i, "ci_low"), groups.value(i, "ci_high")
        label = GOAL_KIND_LABELS.get(r.kind, r.age_group if r.kind == TOTAL else r.kind)
        out.append(
            {
                "label": label,
                "value": float(v),
                "low": float(v) if low is None or pd.isna(low) else float(low),
                "high": float(v) if high is None or pd.isna(high) else float(high),
            }
        )
    return pd.DataFrame(out, columns=["label", "value", "low", "high"])


def absence_points(absence) -> pd.DataFrame:
    """The published mean absence by step and year (withheld ones left out) for a figure."""
    out = []
    for i, r in enumerate(absence.data.itertuples(index=False)):
        v = absence.value(i, "mean_absence_pct")
        if v is None or pd.isna(v):
            continue
        low, high = absence.value(i, "ci_low"), absence.value(i, "ci_high")
        out.append(
            {
                "label": _step_da(r.step),
                "group": str(r.year),
                "value": float(v),
                "low": float(v) if low is None or pd.isna(low) else float(low),
                "high": float(v) if high is None or pd.isna(high) else float(high),
            }
        )
    return pd.DataFrame(out, columns=["label", "group", "value", "low", "high"])


def goal_message(goals) -> str | None:
    """The share of children whose goal was met, from the *published* table (None when the
    share or its count is withheld)."""
    i = next(
        (k for k, r in enumerate(goals.data.itertuples(index=False)) if r.kind == TOTAL and r.target_group == TOTAL),
        None,
    )
    if i is None:
        return None
    share, n, low, high = (goals.value(i, c) for c in ("share", "children", "ci_low", "ci_high"))
    if share is None or n is None or pd.isna(share):
        return None
    return (
        f"Ved den seneste opfølgning i perioden var målet nået for {pct_da(float(share))} af de "
        f"{num_da(float(n), 0)} børn, der blev fulgt op (95 %-KI {pct_da(float(low))}–{pct_da(float(high))})."
    )


def key_messages(waiting_list=None, referrals=None, absence=None, change=None, period_end=None) -> list[str]:
    """Key messages in Danish, built only from *published* values (None: withheld)."""
    lines = []
    end = date_da(period_end)
    if waiting_list is not None:
        i = _row(waiting_list, "step", TOTAL)
        n = waiting_list.value(i, "children_waiting")
        if n is not None:
            lines.append(f"Den {end} ventede {num_da(float(n), 0)} børn og unge på en foranstaltning.")
        j = _row(referrals, "step", TOTAL) if referrals is not None else None
        refs = referrals.value(j, "referrals") if j is not None else None
        median = waiting_list.value(i, "median_days")
        withheld = waiting_list.status.iat[i, waiting_list.data.columns.get_loc("median_days")] != "published"
        if refs and not withheld:
            if median is None or pd.isna(median):
                lines.append(
                    f"Medianventetiden for periodens {num_da(float(refs), 0)} henvisninger er ikke nået: "
                    "under halvdelen var gået i gang ved periodens slutning."
                )
            else:
                low, high = waiting_list.value(i, "ci_low"), waiting_list.value(i, "ci_high")
                text = (
                    f"Halvdelen af periodens {num_da(float(refs), 0)} henvisninger var gået i gang "
                    f"efter {num_da(float(median), 0)} dage"
                )
                if low is not None and not pd.isna(low):
                    if high is None or pd.isna(high):
                        text += f" (95 %-KI fra {num_da(float(low), 0)} dage; den øvre grænse er {NOT_REACHED})"
                    else:
                        text += f" (95 %-KI {num_da(float(low), 0)}–{num_da(float(high), 0)} dage)"
                lines.append(text + ".")
    if absence is not None and len(absence.data):
        years = sorted(absence.data["year"].astype(int).unique())
        i = next(
            (
                k
                for k, r in enumerate(absence.data.itertuples(index=False))
                if int(r.year) == years[-1] and r.step == TOTAL
            ),
            None,
        )
        mean, n = (
            (absence.value(i, "mean_absence_pct"), absence.value(i, "children")) if i is not None else (None, None)
        )
        if mean is not None and n is not None and not pd.isna(mean):
            lines.append(
                f"I {years[-1]} havde de {num_da(float(n), 0)} børn med en indsats, hvis skolefravær blev målt, "
                f"i gennemsnit {points_da(float(mean))} fravær."
            )
    if change is not None and len(change.data):
        i = _row(change, "step", TOTAL)
        mean, n = change.value(i, "mean_change"), change.value(i, "children")
        if mean is not None and n is not None and not pd.isna(mean):
            shown = round(float(mean), 1)
            direction = "steg" if shown > 0 else "faldt" if shown < 0 else "var"
            amount = f" med {num_da(abs(shown), 1)} point i gennemsnit" if shown else " i gennemsnit næsten uændret"
            lines.append(
                f"For de {num_da(float(n), 0)} børn med to eller flere målinger af funktionsniveau i perioden "
                f"{direction} scoren{amount} fra første til sidste måling."
            )
    return lines
