"""Figures with Danish titles, axis labels and sources; small cells never annotated.

Every annotation of a count goes through :func:`helpers.publishing.formats.count_da`, and cells whose
count is 1-4 are greyed out without a number, so a figure never shows what a table hides.
"""

from __future__ import annotations

import textwrap

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from ..analyses.adults import MEASURE_LABELS, SERVICES
from ..data.steps import STEP_LABELS
from .disclosure import WITHHELD
from .formats import count_da, num_da, pct_da

plt.rcParams.update(
    {
        "figure.dpi": 110,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "svg.hashsalt": "reportbook",
    }
)

DIRECTION_COLOURS = {"ned": "#2a9d8f", "samme": "#8d99ae", "op": "#e76f51"}


def show(fig) -> None:
    """Display a figure where it is made in the page, then free it (None: nothing to draw)."""
    from IPython.display import display

    if fig is None:
        return
    display(fig)
    plt.close(fig)


def source_note(fig, text: str) -> None:
    fig.text(0.01, 0.005, text, fontsize=8, color="#555555", ha="left", va="bottom")


def flow_heatmap(flow: pd.DataFrame, title: str, source: str):
    """Row shares of a *published* flow table (hidden cells are NA and drawn grey).

    ``flow`` is the published flow table (``Published.data``): a share is shown only where
    both the cell and its row total are published; a withheld cell reads "..".
    """
    table = flow.set_index(flow.columns[0])
    rows = [r for r in table.index if r[0] in "123456"]
    columns = ["Ophørte"] + [str(b) for b in range(1, 7)]
    counts = table.loc[rows, columns].astype("Float64")
    totals = table.loc[rows, "Unikke cpr"].astype("Float64")
    shares = counts.div(totals, axis=0).astype(float)
    fig, ax = plt.subplots(figsize=(8.5, 4.8))
    cmap = plt.get_cmap("Blues").copy()
    cmap.set_bad("#dddddd")
    ax.imshow(np.ma.masked_invalid(shares.to_numpy(dtype=float)), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i, r in enumerate(rows):
        for j, c in enumerate(columns):
            n, share = counts.loc[r, c], shares.loc[r, c]
            if pd.isna(n):
                ax.text(j, i, WITHHELD, ha="center", va="center", fontsize=8, color="#333333")
            elif n > 0 and np.isnan(share):  # the row total is withheld: the count alone
                ax.text(j, i, f"({count_da(n)})", ha="center", va="center", fontsize=8, color="#222222")
            elif n > 0:
                colour = "white" if share > 0.6 else "#222222"
                ax.text(j, i, f"{pct_da(share)}\n({count_da(n)})", ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(7), ["Ophørt"] + [str(b) for b in range(1, 7)])
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("Trin ved periodens slutning")
    ax.set_ylabel("Trin ved periodens start")
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    source_note(fig, source + " «..»: ikke vist af hensyn til diskretion.")
    return fig


def movement_bars(shares: pd.DataFrame, title: str, source: str, by: str | None = None):
    """Share moving down / staying / moving up per starting step, with 95 % intervals.

    ``shares`` as published (hidden cells are NA and left out, with a note); with ``by``
    one panel per group value.
    """
    if shares.empty:
        return None
    groups = list(shares[by].drop_duplicates()) if by else [None]
    width = 9 if len(groups) == 1 else min(3.6 * len(groups) + 1.5, 16)
    fig, axes = plt.subplots(1, len(groups), figsize=(width, 4.6), sharey=True, squeeze=False)
    directions = ["ned", "samme", "op"]
    labels = {"ned": "Ned (inkl. ophørt)", "samme": "Samme trin", "op": "Op"}
    left_out = False
    for ax, group in zip(axes[0], groups):
        part = shares if group is None else shares[shares[by] == group]
        steps = sorted(part["from_step"].unique())
        y = np.arange(len(steps))
        for k, d in enumerate(directions):
            rows = part[part["direction"] == d].set_index("from_step").reindex(steps)
            val = rows["share"].astype("Float64").astype(float)
            low, high = rows["ci_low"].astype("Float64").astype(float), rows["ci_high"].astype("Float64").astype(float)
            left_out |= bool(np.isnan(val).any())
            err = np.vstack([(val - low).clip(lower=0), (high - val).clip(lower=0)])
            ax.barh(
                y + (k - 1) * 0.27,
                val,
                height=0.26,
                color=DIRECTION_COLOURS[d],
                label=labels[d],
                xerr=np.where(np.isnan(err), 0, err),
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
        ax.set_yticks(y, [f"{s}. {STEP_LABELS[s]}" for s in steps])
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: pct_da(v)))
        ax.set_xlabel("Andel af børnene på trinnet")
        if group is not None:
            ax.set_title(str(group), fontsize=10)
    axes[0][0].legend(loc="lower right", fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    note = source + (" Tal, der ikke vises af hensyn til diskretion, er udeladt." if left_out else "")
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    source_note(fig, note + " Streger: 95 %-konfidensinterval (Goodman).")
    return fig


def ranked_dots(comparison: pd.DataFrame, labels: dict, title: str, source: str):
    """One panel per figure: every municipality ranked, the focal one red, its region orange,
    the average municipality as a dashed line."""
    figures = [f for f in labels if f in set(comparison["figure"])]
    ncols = min(3, len(figures))
    nrows = int(np.ceil(len(figures) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 4.6 * nrows), squeeze=False)
    for ax in axes.flat[len(figures) :]:
        ax.set_visible(False)
    for ax, figure in zip(axes.flat, figures):
        part = comparison[comparison["figure"] == figure].sort_values("value", kind="stable")
        y = np.arange(len(part))
        colours = np.where(part["focal"], "#d62828", np.where(part["same_region"], "#f4a261", "#adb5bd"))
        sizes = np.where(part["focal"], 60, np.where(part["same_region"], 22, 12))
        ax.scatter(part["value"], y, c=colours, s=sizes, zorder=3)
        ax.axvline(part["average"].iloc[0], color="#333333", linestyle="--", linewidth=0.8, label="Gennemsnitskommunen")
        focal = part[part["focal"]]
        for _, r in focal.iterrows():
            ax.annotate(
                f"{r['name']} (nr. {r['rank']} af {r['of']})",
                (r["value"], y[list(part.index).index(r.name)]),
                xytext=(5, -12),
                textcoords="offset points",
                fontsize=8,
                color="#d62828",
            )
        ax.set_yticks([])
        ax.set_title(textwrap.fill(labels[figure], 38), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=8)
        ax.set_ylabel("Kommuner, sorteret efter værdi", fontsize=8)
    axes[0][0].legend(loc="upper left", fontsize=7, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.94))
    source_note(fig, source + " Rød: kommunen. Orange: kommuner i samme region. Stiplet: gennemsnitskommunen.")
    return fig


def waterfall(variance: pd.DataFrame, title: str, source: str):
    """Budget -> volume effect per step -> price effect per step -> actual cost (mio. kr.).

    The axis is cut below the smallest level so that the effects are visible; the totals'
    values are written on their bars."""
    items = [("Budget", variance["budget_cost"].sum() / 1e6, True)]
    items += [(f"Volumen, trin {r.step}", r.volume_effect / 1e6, False) for r in variance.itertuples(index=False)]
    items += [(f"Pris, trin {r.step}", r.price_effect / 1e6, False) for r in variance.itertuples(index=False)]
    items.append(("Faktisk forbrug", variance["actual_cost"].sum() / 1e6, True))
    levels, level = [], 0.0
    for _, value, total in items:
        start = 0.0 if total else level
        level = value if total else level + value
        levels.append((start, level))
    lowest = min(min(a, b) for a, b in levels[1:-1] + [(levels[0][1], levels[-1][1])])
    highest = max(max(a, b) for a, b in levels)
    floor = lowest - 0.25 * max(highest - lowest, 1e-9)
    fig, ax = plt.subplots(figsize=(10, 4.8))
    for i, ((_, value, total), (start, end)) in enumerate(zip(items, levels)):
        if total:
            ax.bar(i, end - floor, bottom=floor, color="#457b9d")
            ax.text(i, end, f"{num_da(end)}", ha="center", va="bottom", fontsize=8)
        else:
            ax.bar(i, end - start, bottom=start, color="#e76f51" if value > 0 else "#2a9d8f")
            if i + 1 < len(items):
                ax.plot([i - 0.4, i + 1.4], [end, end], color="#999999", linewidth=0.6)
    ax.set_ylim(floor, highest + 0.08 * (highest - floor))
    ax.set_xticks(range(len(items)), [it[0] for it in items], rotation=55, ha="right", fontsize=8)
    ax.set_ylabel("Mio. kr.")
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    source_note(fig, source + " Rød: merforbrug, grøn: mindreforbrug. Aksen starter ikke ved 0.")
    return fig


def share_with_intervals(
    table: pd.DataFrame,
    label_column: str,
    share: str,
    low: str,
    high: str,
    title: str,
    xlabel: str,
    source: str,
    highlight: str | None = None,
):
    """Horizontal dots with 95 % intervals (hidden values are NA and left out)."""
    part = table.dropna(subset=[share]).reset_index(drop=True)
    if part.empty:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(part) + 1.6))
    y = np.arange(len(part))
    values = part[share].astype(float)
    err = np.vstack(
        [(values - part[low].astype(float)).clip(lower=0), (part[high].astype(float) - values).clip(lower=0)]
    )
    ax.errorbar(values, y, xerr=err, fmt="o", color="#1d3557", ecolor="#888888", capsize=3)
    ax.set_yticks(y, part[label_column].astype(str))
    for tick in ax.get_yticklabels():
        if highlight is not None and tick.get_text() == highlight:
            tick.set_color("#d62828")
            tick.set_fontweight("bold")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: pct_da(v)))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    source_note(fig, source + " Streger: 95 %-konfidensinterval (Wilson).")
    return fig


def boxes_by(units: pd.DataFrame, by: str, order: list, title: str, source: str, published):
    """Box plots of the measure per group, one panel per service. No individual points:
    whiskers at the 10th and 90th percentiles, no outliers; a group is drawn only when its
    count is published in ``published`` (the matching describe table), with that count."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.4), squeeze=False)
    left_out = False
    shown = {
        (published.data["service"].iloc[i], str(published.data[by].iloc[i])): published.value(i, "cases")
        for i in range(len(published.data))
    }
    for ax, service in zip(axes[0], SERVICES):
        part = units[(units["service"] == service) & units["measure"].notna()]
        data, labels = [], []
        for level in order:
            values = part.loc[part[by] == level, "measure"].to_numpy(dtype=float)
            n = shown.get((service, str(level)))
            if len(values) and n is not None:
                data.append(values)
                labels.append(f"{level}\n(n={count_da(n)})")
            elif len(values):
                left_out = True
        if data:
            ax.boxplot(
                data,
                whis=(10, 90),
                showfliers=False,
                patch_artist=True,
                boxprops={"facecolor": "#a8dadc"},
                medianprops={"color": "#1d3557"},
            )
            ax.set_xticks(range(1, len(labels) + 1), labels, fontsize=8)
        ax.set_title(MEASURE_LABELS[service], fontsize=10, loc="left")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0)))
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.05, 1, 0.94))
    note = " Grupper, hvis antal ikke vises af hensyn til diskretion, er udeladt." if left_out else ""
    source_note(fig, source + " Boks: 25.-75. percentil, streg: median, knurhår: 10.-90. percentil." + note)
    return fig


def municipality_differences(
    diffs: pd.DataFrame, focal: int, names: dict, title: str, xlabel: str, source: str, percent: bool = False
):
    """Each municipality's difference from the average, unadjusted and adjusted, with 95 % intervals."""
    part = diffs.dropna(subset=["adjusted"]).sort_values("adjusted", kind="stable").reset_index(drop=True)
    if part.empty:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 0.42 * len(part) + 1.8))
    y = np.arange(len(part))
    scale = 100 if percent else 1
    for offset, prefix, colour, label in (
        (-0.15, "unadjusted", "#adb5bd", "Ujusteret"),
        (0.15, "adjusted", "#1d3557", "Justeret for VUM, alder og målgruppe"),
    ):
        value = part[prefix].astype(float) * scale
        err = np.vstack(
            [value - part[f"{prefix}_low"].astype(float) * scale, part[f"{prefix}_high"].astype(float) * scale - value]
        )
        ax.errorbar(value, y + offset, xerr=err, fmt="o", color=colour, ecolor=colour, capsize=2, label=label)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, [names.get(int(m), str(m)) for m in part["municipality"]])
    for tick, m in zip(ax.get_yticklabels(), part["municipality"]):
        if int(m) == focal:
            tick.set_color("#d62828")
            tick.set_fontweight("bold")
    ax.set_xlabel(xlabel)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    source_note(fig, source + " Streger: 95 %-konfidensinterval (robuste standardfejl, HC3).")
    return fig


MONTH_TICKS_DA = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def monthly_lines(
    series: pd.DataFrame, title: str, ylabel: str, source: str, targets: pd.DataFrame | None = None, hue: str = "year"
):
    """Lines over the months of a *published* series (``date``, ``year``, ``month``,
    ``value``, ``group``; withheld values are missing and leave a gap), one line per year
    (the focal year against the year before) or, with ``hue="group"``, per group. Targets
    (``year``, ``target``) are drawn as dashed lines. Seaborn; Danish month names."""
    import seaborn as sns

    data = series.dropna(subset=["value"])
    if data.empty:
        return None
    fig, ax = plt.subplots(figsize=(8.5, 4.2))
    quarterly = data["date"].dt.month.nunique() <= 4 and data["year"].nunique() > 2
    x = "date" if quarterly or hue == "group" else "month"
    palette = "Blues" if hue == "year" else "tab10"
    sns.lineplot(data=data, x=x, y="value", hue=hue, marker="o", ax=ax, palette=palette, legend="full")
    if targets is not None and len(targets):
        for r in targets.itertuples(index=False):
            ax.axhline(r.target, color="#d62828", linestyle="--", linewidth=1)
            ax.annotate(
                f"Mål {r.year}: {num_da(r.target, 0)}",
                (0.01, r.target),
                xycoords=("axes fraction", "data"),
                xytext=(0, 3),
                textcoords="offset points",
                fontsize=8,
                color="#d62828",
            )
    if x == "month":
        ax.set_xticks(range(1, 13), MONTH_TICKS_DA)
        ax.set_xlim(0.5, 12.5)
        ax.set_xlabel("")
    else:
        ax.set_xlabel("")
        fig.autofmt_xdate()
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0)))
    ax.legend(title="", fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    source_note(fig, source + " Manglende punkter: ikke vist af hensyn til diskretion.")
    return fig
