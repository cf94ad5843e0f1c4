"""The overview page ("Overblik"): a one-page brief for the political level of one
municipality and period, made of the detail pages' own published tables.

It publishes no table of its own: it shows the *same* tables as the trends and staircase
pages (the key figures at the period's end against the year before and the targets, the
budget forecast, the movement on the staircase), under the same protection of the
children's linked system, so a reader of both pages learns nothing the detail pages do not
already show. What it adds is the selection, short sentences and links to the details.
"""

from __future__ import annotations

import html

import pandas as pd

from ..disclosure import WITHHELD, TableSpec
from ..formats import MONTHS_DA, num_da
from ..tables import Html
from . import REGISTRY
from . import trends as trends_page

#: The few key figures of the brief (figure and group of the trends table: the group that
#: stands for the figure as a whole) in reading order, with their label in the brief.
KEY_FIGURES = {
    ("placed_children", "I alt"): "Anbragte børn og unge (trin 4–6)",
    ("placed_per_1000_0_22", "I alt"): "Anbragte pr. 1.000 0–22-årige",
    ("preventive_children", "I alt"): "Børn med forebyggende indsats (trin 1–3)",
    ("new_placements", "I alt"): "Nye anbringelser i måneden",
    ("notifications", "I alt"): "Underretninger i måneden",
    ("investigations_within_deadline_share", "I alt"): "Børnefaglige undersøgelser inden for fristen",
}
#: The detail pages the brief links to (children's pages of the same municipality and
#: period, then the adult pages of the period), in the sidebar's order, and what each answers.
DETAIL_PAGES = [nb for nb, p in REGISTRY.items() if not p.links]
DETAIL_QUESTIONS = {nb: REGISTRY[nb].question for nb in DETAIL_PAGES}


#: How far (relative) placed per 1,000 from the municipality's records may lie from the public
#: key figure before the brief explains the gap.
RATE_TOLERANCE = 0.10


def placed_rate_da(monthly, summary, year) -> str | None:
    """Placed per 1,000 0-22-year-olds from the records (the published trends table, the
    period's last month end) beside the public key figure (the benchmarking page's published
    summary for ``year``), and why they differ when they differ by more than
    :data:`RATE_TOLERANCE`. None when neither is shown."""
    own = None if monthly is None else trends_page.series(monthly, "placed_per_1000_0_22", ["I alt"])
    own = None if own is None else own.sort_values("date")
    own = None if own is None or own.empty or pd.isna(own["value"].iloc[-1]) else own.iloc[-1]
    public = None
    if summary is not None:
        rows = [i for i, f in enumerate(summary.data["figure"]) if f == "placed_per_1000_0_22"]
        value = summary.value(rows[0], "value") if rows else None
        public = None if value is None or pd.isna(value) else float(value)
    if own is None and public is None:
        return None
    parts = []
    if own is not None:
        month = f"{MONTHS_DA[int(own['month']) - 1]} {int(own['year'])}"
        parts.append(f"{num_da(own['value'], 1)} ifølge kommunens egne indsatsdata (ultimo {month})")
    if public is not None:
        parts.append(f"{num_da(public, 1)} ifølge de offentlige nøgletal for {year}")
    text = "Anbragte pr. 1.000 0–22-årige: " + " og ".join(parts) + "."
    if own is not None and public is not None:
        gap = abs(own["value"] - public) / public if public else float("inf")
        if gap > RATE_TOLERANCE:
            text += (
                f" Forskellen er over {num_da(100 * RATE_TOLERANCE, 0)} %: tallene måler ikke det samme (egne data "
                "tæller børn og unge med en anbringelse på én dag; det offentlige tal følger Danmarks Statistiks "
                "afgrænsning og opgørelsesår). Brug det offentlige tal til at sammenligne med andre kommuner og "
                "egne data til udviklingen over tid."
            )
        else:
            text += f" De to tal ligger inden for {num_da(100 * RATE_TOLERANCE, 0)} % af hinanden."
    return text


def specs(report) -> list[TableSpec]:
    """No tables of its own: the brief shows the trends and staircase pages' tables."""
    return []


def key_figures(monthly, goals=None) -> pd.DataFrame:
    """The brief's key figures from the *published* trends table (withheld values stay
    withheld): the rows of :func:`helpers.publishing.pages.trends.overview` for
    :data:`KEY_FIGURES`, with the target and its status at the period's end where the
    municipality has one (``goals``: the published ``targets`` table)."""
    full = trends_page.overview(monthly)
    if full.empty:
        return full
    labels = {trends_page.FIGURE_LABELS.get(f, f): (f, g) for f, g in KEY_FIGURES}
    name = full["Nøgletal"].replace("", pd.NA).ffill()
    keep = name.isin(labels) & full["Gruppe"].isin(["", trends_page._group_da("I alt")])
    table = full[keep].assign(Nøgletal=name[keep]).reset_index(drop=True)
    order = {label: i for i, label in enumerate(labels)}
    table = table.sort_values("Nøgletal", key=lambda s: s.map(order), kind="stable").drop(columns="Gruppe")
    table = table.reset_index(drop=True)
    if goals is not None and len(goals.data):
        target, status = [], []
        for label in table["Nøgletal"]:
            figure, group = labels[label]
            rows = [
                i
                for i, r in enumerate(goals.data.itertuples(index=False))
                if r.figure == figure and str(r.group) == group
            ]
            if rows:
                target.append(trends_page._value_da(goals.data["target"].iloc[rows[0]]))
                shown = goals.value(rows[0], "status")
                status.append(WITHHELD if shown is None else str(shown))
            else:
                target.append("")
                status.append("")
        if any(target):
            table["Mål"], table["Status"] = target, status
    table["Nøgletal"] = [KEY_FIGURES[labels[label]] for label in table["Nøgletal"]]
    return table


def linked_notebooks(run_config: dict | None = None) -> list[str]:
    """The detail pages that exist beside this brief: those of the matrix run (the runner
    names them in the run configuration), else every detail page."""
    listed = list((run_config or {}).get("notebooks") or [])
    return [n for n in DETAIL_PAGES if not listed or n in listed]


def links(report, titles: dict[str, str]) -> Html:
    """Links to the detail pages of the same municipality and period (the built site's
    pages lie beside each other: ``<notebook>/<code>_<start>_<end>.html``)."""
    run = f"{report.municipality}_{report.period_start.date()}_{report.period_end.date()}"
    items = "".join(
        f"<li><a href='../{nb}/{run}.html'>{html.escape(titles.get(nb, nb))}</a>: "
        f"{html.escape(DETAIL_QUESTIONS[nb])}</li>"
        for nb in linked_notebooks(report.run_config)
    )
    return Html(f"<ul class='detail-links'>{items}</ul>")


def downloads(report) -> list[Html]:
    """The download links of every table the brief rests on (the same files as on the
    detail pages), each under its caption."""
    return [t.downloads(t.caption or t.name) for _, t in sorted(report.published_tables().items())]
