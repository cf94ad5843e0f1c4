"""Figures with Danish titles, axis labels and sources; small cells never annotated.

Every annotation of a count goes through :func:`helpers.publishing.formats.count_da`, and cells whose
count is 1-4 are greyed out without a number, so a figure never shows what a table hides.
"""

from __future__ import annotations

import re
import textwrap

import matplotlib
import matplotlib.collections
import matplotlib.container
import matplotlib.lines
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from ..analyses.adults import MEASURE_LABELS, SERVICES
from ..analyses.prices import service_cases
from ..analyses.staircase import STEP_GROUP_LABELS
from ..data.periods import natural_key
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

#: The width of the page's text column in inches at the figures' dpi (784 px / 110 dpi): a
#: figure this wide is shown at its own size, so its text keeps its point size.
PAGE_WIDTH = 7.2
#: Colours of data (lines, markers, bars): each has a contrast of at least 3:1 against the
#: white page (WCAG 1.4.11), and series are told apart by marker or hatch too, never by
#: colour alone (WCAG 1.4.1).
DIRECTION_COLOURS = {"ned": "#2a7f62", "samme": "#5c677d", "op": "#c84b31"}
DIRECTION_HATCHES = {"ned": "", "samme": "//", "op": ".."}
SERIES_COLOURS = ["#1d3557", "#d62828", "#2a7f62", "#6a4c93", "#9c4f00", "#b5179e", "#005f73", "#5c5c5c"]
SERIES_MARKERS = ["o", "s", "D", "^", "v", "P", "X", "*"]
#: Ranked municipalities: the focal one, its region's, the others.
FOCAL, SAME_REGION, OTHER = "#d62828", "#b35c00", "#6c757d"


def year_colours(n: int) -> list:
    """``n`` blues from lighter (earlier years) to darker, the lightest still 3:1 on white."""
    return [plt.get_cmap("Blues")(x) for x in np.linspace(0.62, 0.95, n)] if n > 1 else ["#1d3557"]


class DanishFormatter(matplotlib.ticker.ScalarFormatter):
    """Matplotlib's tick labels in Danish: decimal comma, thousands dot, the minus "−", never
    an offset or a power of ten beside the axis (``0.8`` -> ``0,8``; ``12000`` -> ``12.000``)."""

    def __init__(self):
        super().__init__(useOffset=False, useMathText=False)
        self.set_scientific(False)

    def __call__(self, x, pos=None):
        return danish_tick(super().__call__(x, pos))


_TICK = re.compile(r"([\u2212-]?)(\d+)(?:\.(\d+))?")


def danish_tick(text: str) -> str:
    """A tick label as matplotlib writes it (``-1234.5``) in Danish (``−1.234,5``)."""
    m = _TICK.fullmatch(text.strip())
    if not m:
        return text
    sign, whole, decimals = m.groups()
    whole = f"{int(whole):,}".replace(",", ".")
    return ("\u2212" if sign else "") + whole + ("," + decimals if decimals else "")


def danish_axes(fig) -> None:
    """Every numeric axis of ``fig`` with Danish tick labels (axes with their own formatter,
    e.g. percentages, keep it)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if type(axis.get_major_formatter()) is matplotlib.ticker.ScalarFormatter:
                axis.set_major_formatter(DanishFormatter())


def category_da(value) -> str:
    """A category label: numbers in Danish (VUM score 1.5 -> "1,5"), text as it is."""
    if isinstance(value, (int, np.integer)):
        return str(value)
    if isinstance(value, (float, np.floating)):
        return num_da(float(value), 1)
    return str(value)


def show(fig) -> None:
    """Display a figure where it is made in the page, then free it (None: nothing to draw).
    Numeric axes get Danish tick labels here, in one place for every figure. The figure is
    shown as its PNG (drawn as the notebook's inline backend draws it) with its text
    alternative (:func:`describe`) as the plain-text form, which the book puts in the
    image's ``alt``."""
    import base64

    from IPython.core.pylabtools import print_figure
    from IPython.display import display

    if fig is None:
        return
    danish_axes(fig)
    png = print_figure(fig, "png", bbox_inches="tight")  # draws it: tick labels are known now
    try:
        alt = describe(fig)
    except Exception:  # noqa: BLE001 - a figure the describer cannot read still gets its title (tests look for numbers)
        title = fig._suptitle.get_text() if fig._suptitle is not None else ""
        alt = f"Figur: {' '.join(title.split())}. Tallene står i tabellen på siden."
    display({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, raw=True)
    plt.close(fig)


def source_note(fig, text: str) -> None:
    """The source (and how withheld numbers are drawn) under the figure, in 9 pt, wrapped to
    the figure's width; the panels move up to make room for it."""
    width, height = fig.get_size_inches()
    lines = textwrap.wrap(text, int(width * 14))  # about 14 characters an inch at 9 pt
    room = (0.16 * len(lines) + 0.06) / height
    for ax in fig.axes:
        box = ax.get_position()
        ax.set_position([box.x0, box.y0 * (1 - room) + room, box.width, box.height * (1 - room)])
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=9, color="#555555", ha="left", va="bottom")


def flow_heatmap(flow: pd.DataFrame, title: str, source: str):
    """Row shares of a *published* flow table (hidden cells are NA and drawn grey).

    ``flow`` is the published flow table (``Published.data``): a share is shown only where
    both the cell and its row total are published; a withheld cell reads "..".
    """
    table = flow.set_index(flow.columns[0])
    rows = [r for r in table.index if r[0] in "123456"]
    columns = ["ended"] + [f"to_{b}" for b in range(1, 7)]
    counts = table.loc[rows, columns].astype("Float64")
    totals = table.loc[rows, "unique_children"].astype("Float64")
    shares = counts.div(totals, axis=0).astype(float)
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 4.8))
    cmap = plt.get_cmap("Blues").copy()
    cmap.set_bad("#dddddd")
    ax.imshow(np.ma.masked_invalid(shares.to_numpy(dtype=float)), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i, r in enumerate(rows):
        for j, c in enumerate(columns):
            n, share = counts.loc[r, c], shares.loc[r, c]
            if pd.isna(n):
                ax.text(j, i, WITHHELD, ha="center", va="center", fontsize=9, color="#333333")
            elif n > 0 and np.isnan(share):  # the row total is withheld: the count alone
                ax.text(j, i, f"({count_da(n)})", ha="center", va="center", fontsize=9, color="#222222")
            elif n > 0:
                colour = "white" if share > 0.6 else "#222222"
                ax.text(j, i, f"{pct_da(share)}\n({count_da(n)})", ha="center", va="center", fontsize=9, color=colour)
    ax.set_xticks(range(7), ["Ophørt"] + [str(b) for b in range(1, 7)])
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("Trin ved periodens slutning")
    ax.set_ylabel("Trin ved periodens start")
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(fig, source + " «..»: ikke vist af hensyn til diskretion.")
    return fig


def movement_bars(shares: pd.DataFrame, title: str, source: str, by: str | None = None):
    """Share moving down / staying / moving up per starting step, with 95 % intervals.

    ``shares`` as published (hidden cells are NA and left out, with a note); with ``by``
    one panel per group value. A table per half of the staircase (``step_group``) has a bar
    group per half instead of per step.
    """
    if shares.empty:
        return None
    groups = sorted(shares[by].drop_duplicates(), key=natural_key) if by else [None]
    # at most three panels a row at the page's width (7.2 in), so that text stays >= 9 pt
    ncols = min(3, len(groups))
    nrows = int(np.ceil(len(groups) / ncols))
    height = 4.4 if len(groups) == 1 else 3.1 * nrows + 1.2
    fig, axes = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH, height), sharey=True, squeeze=False)
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    start = "step_group" if "step_group" in shares.columns else "from_step"
    if start == "from_step":
        names = {s: f"{s}. {label}" for s, label in STEP_LABELS.items()}
    else:  # the full label on one panel, "Trin 1–3" on narrow ones
        names = {g: label if len(groups) == 1 else label.split(" (")[0] for g, label in STEP_GROUP_LABELS.items()}
    directions = ["ned", "samme", "op"]
    labels = {"ned": "Ned (inkl. ophørt)", "samme": "Samme trin", "op": "Op"}
    left_out = False
    for ax, group in zip(axes.flat, groups):
        part = shares if group is None else shares[shares[by] == group]
        steps = sorted(part[start].unique())
        y = np.arange(len(steps))
        for k, d in enumerate(directions):
            rows = part[part["direction"] == d].set_index(start).reindex(steps)
            val = rows["share"].astype("Float64").astype(float)
            low, high = rows["ci_low"].astype("Float64").astype(float), rows["ci_high"].astype("Float64").astype(float)
            left_out |= bool(np.isnan(val).any())
            err = np.vstack([(val - low).clip(lower=0), (high - val).clip(lower=0)])
            ax.barh(
                y + (k - 1) * 0.27,
                val,
                height=0.26,
                color=DIRECTION_COLOURS[d],
                hatch=DIRECTION_HATCHES[d],
                edgecolor="white",
                label=labels[d],
                xerr=np.where(np.isnan(err), 0, err),
                error_kw={"elinewidth": 0.8, "capsize": 2},
            )
        ax.set_yticks(y, [names[s] if len(groups) == 1 or start == "step_group" else str(s) for s in steps])
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: pct_da(v)))
        ax.set_xticks([0, 0.5, 1])
        ax.tick_params(labelsize=9)
        ax.set_xlabel("Andel af børnene på trinnet" if len(groups) == 1 else "Andel", fontsize=9)
        if group is not None:
            ax.set_title(textwrap.shorten(str(group), 30), fontsize=10)
    for row in axes:
        if len(groups) > 1:
            row[0].set_ylabel("Trin ved start" if start == "from_step" else "Del af trappen ved start", fontsize=9)
    # the legend above the panels, outside the data
    handles, texts = axes.flat[0].get_legend_handles_labels()
    fig.legend(
        handles, texts, loc="upper left", bbox_to_anchor=(0.01, 1 - 0.4 / height), ncol=3, fontsize=9, frameon=False
    )
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    note = source + (" Tal, der ikke vises af hensyn til diskretion, er udeladt." if left_out else "")
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.7 / height))
    source_note(fig, textwrap.fill(note + " Streger: 95 %-konfidensinterval (Goodman).", 120))
    return fig


def ranked_dots(comparison: pd.DataFrame, labels: dict, title: str, source: str):
    """One panel per figure (at most three a row): every municipality ranked, the focal one
    red and labelled, its region orange, the average municipality as a dashed line."""
    figures = [f for f in labels if f in set(comparison["figure"])]
    ncols = min(3, len(figures))
    nrows = int(np.ceil(len(figures) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH, 3.4 * nrows + 0.9), squeeze=False)
    for ax in axes.flat[len(figures) :]:
        ax.set_visible(False)
    for k, (ax, figure) in enumerate(zip(axes.flat, figures)):
        part = comparison[comparison["figure"] == figure].sort_values("value", kind="stable")
        y = np.arange(len(part))
        for mask, colour, size, marker in (
            (~part["focal"] & ~part["same_region"], OTHER, 12, "o"),
            (~part["focal"] & part["same_region"], SAME_REGION, 26, "s"),
            (part["focal"], FOCAL, 60, "D"),
        ):
            ax.scatter(part["value"][mask], y[mask.to_numpy()], color=colour, s=size, marker=marker, zorder=3)
        ax.axvline(part["average"].iloc[0], color="#333333", linestyle="--", linewidth=0.8)
        low, high = float(part["value"].min()), float(part["value"].max())
        for _, r in part[part["focal"]].iterrows():
            right_half = r["value"] > (low + high) / 2  # the label goes inwards, inside the panel
            ax.annotate(
                f"nr. {r['rank']} af {r['of']}",
                (r["value"], y[list(part.index).index(r.name)]),
                xytext=(-6 if right_half else 6, -3),
                textcoords="offset points",
                ha="right" if right_half else "left",
                va="top",
                fontsize=9,
                color="#d62828",
            )
        ax.set_yticks([])
        ax.set_title(textwrap.fill(labels[figure], 26), fontsize=9, loc="left")
        ax.tick_params(axis="x", labelsize=9)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        if k % ncols == 0:
            ax.set_ylabel("Kommuner efter værdi", fontsize=9)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.96))
    source_note(
        fig,
        source + " Rød rombe: kommunen (med dens placering). Orange firkant: kommuner i samme region. Stiplet: "
        "gennemsnitskommunen.",
    )
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
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 5.0))
    for i, ((_, value, total), (start, end)) in enumerate(zip(items, levels)):
        if total:
            ax.bar(i, end - floor, bottom=floor, color="#457b9d")
            ax.text(i, end, f"{num_da(end)}", ha="center", va="bottom", fontsize=9)
        else:
            ax.bar(i, end - start, bottom=start, color="#e76f51" if value > 0 else "#2a9d8f")
            if i + 1 < len(items):
                ax.plot([i - 0.4, i + 1.4], [end, end], color="#999999", linewidth=0.6)
    ax.set_ylim(floor, highest + 0.08 * (highest - floor))
    ax.set_xticks(range(len(items)), [it[0] for it in items], rotation=55, ha="right", fontsize=9)
    ax.set_ylabel("Mio. kr.")
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
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
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 0.45 * len(part) + 1.6))
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
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(fig, source + " Streger: 95 %-konfidensinterval (Wilson).")
    return fig


def boxes_by(units: pd.DataFrame, by: str, order: list, title: str, source: str, published):
    """Box plots of the measure per group, one panel per service. No individual points:
    whiskers at the 10th and 90th percentiles, no outliers; a group is drawn only when its
    count is published in ``published`` (the matching describe table), with that count."""
    fig, axes = plt.subplots(1, 2, figsize=(PAGE_WIDTH, 4.4), squeeze=False)
    left_out = False
    shown = {
        (published.data["service"].iloc[i], str(published.data[by].iloc[i])): published.value(i, "cases")
        for i in range(len(published.data))
    }
    for ax, service in zip(axes[0], SERVICES):
        part = service_cases(units, service)
        data, labels = [], []
        for level in order:
            values = part.loc[part[by] == level, "measure"].to_numpy(dtype=float)
            n = shown.get((service, str(level)))
            if len(values) and n is not None:
                data.append(values)
                labels.append(f"{category_da(level)}\n(n={count_da(n)})")
            elif len(values):
                left_out = True
        if data:
            boxes = ax.boxplot(
                data,
                whis=(10, 90),
                showfliers=False,
                patch_artist=True,
                boxprops={"facecolor": "#a8dadc"},
                medianprops={"color": "#1d3557"},
            )
            for median in boxes["medians"]:
                median.set_gid("median")  # the text alternative reads the medians
            ax.set_xticks(range(1, len(labels) + 1), labels, fontsize=9)
        ax.set_title(MEASURE_LABELS[service], fontsize=10, loc="left")
        ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0)))
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
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
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 0.42 * len(part) + 1.8))
    y = np.arange(len(part))
    scale = 100 if percent else 1
    for offset, prefix, colour, label in (
        (-0.15, "unadjusted", OTHER, "Ujusteret"),
        (0.15, "adjusted", "#1d3557", "Justeret for VUM, alder og målgruppe"),
    ):
        value = part[prefix].astype(float) * scale
        err = np.vstack(
            [value - part[f"{prefix}_low"].astype(float) * scale, part[f"{prefix}_high"].astype(float) * scale - value]
        )
        marker = "o" if prefix == "adjusted" else "s"
        ax.errorbar(value, y + offset, xerr=err, fmt=marker, color=colour, ecolor=colour, capsize=2, label=label)
    ax.axvline(0, color="#333333", linewidth=0.8)
    ax.set_yticks(y, [names.get(int(m), str(m)) for m in part["municipality"]])
    for tick, m in zip(ax.get_yticklabels(), part["municipality"]):
        if int(m) == focal:
            tick.set_color("#d62828")
            tick.set_fontweight("bold")
    ax.set_xlabel(xlabel)
    # the legend under the axis, outside the data
    ax.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.9 / fig.get_size_inches()[1]), ncol=2)
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(fig, source + " Streger: 95 %-konfidensinterval (robuste standardfejl, HC3).")
    return fig


MONTH_TICKS_DA = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _month_year_da(value, _pos=None) -> str:
    """A date tick as "jul. 2016"."""
    import matplotlib.dates

    t = matplotlib.dates.num2date(value)
    return f"{MONTH_TICKS_DA[t.month - 1]}. {t.year}"


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
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 4.2))
    quarterly = data["date"].dt.month.nunique() <= 4 and data["year"].nunique() > 2
    x = "date" if quarterly or hue == "group" else "month"
    # the years from light to dark, the lightest still visible on white
    levels = data[hue].nunique()
    palette = year_colours(levels) if hue == "year" else SERIES_COLOURS[:levels]
    markers = dict(zip(sorted(data[hue].unique(), key=str), SERIES_MARKERS * 2))
    sns.lineplot(
        data=data,
        x=x,
        y="value",
        hue=hue,
        style=hue,
        markers=markers,
        dashes=False,
        ax=ax,
        palette=palette,
        legend="full",
    )
    if targets is not None and len(targets):
        for r in targets.itertuples(index=False):
            ax.axhline(r.target, color="#d62828", linestyle="--", linewidth=1)
            ax.annotate(
                f"Mål {r.year}: {num_da(r.target, 0)}",
                (0.01, r.target),
                xycoords=("axes fraction", "data"),
                xytext=(0, 3),
                textcoords="offset points",
                fontsize=9,
                color="#d62828",
            )
    if x == "month":
        ax.set_xticks(range(1, 13), MONTH_TICKS_DA)
        ax.set_xlim(0.5, 12.5)
        ax.set_xlabel("")
    else:
        ax.set_xlabel("")
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(_month_year_da))
        fig.autofmt_xdate()
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0)))
    ax.legend(title="", fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(fig, source + " Manglende punkter: ikke vist af hensyn til diskretion.")
    return fig


def offer_dots(points: pd.DataFrame, title: str, source: str):
    """Each published offer's price against its type's normal price (``measure_type``,
    ``offer``, ``pct``: per cent over or under), one row of dots per measure type; the
    normal price is the line at 0."""
    if points.empty:
        return None
    types = list(dict.fromkeys(points["measure_type"]))
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 0.38 * len(types) + 1.6))
    y = points["measure_type"].map({t: i for i, t in enumerate(types)})
    others = points["offer"] == "Øvrige tilbud"
    ax.scatter(points.loc[~others, "pct"], y[~others], color="#1d3557", s=28, zorder=3, label="Tilbud")
    if others.any():
        ax.scatter(
            points.loc[others, "pct"],
            y[others],
            facecolors="none",
            edgecolors="#e76f51",
            s=34,
            zorder=3,
            label="Øvrige tilbud",
        )
    ax.axvline(0, color="#333333", linestyle="--", linewidth=0.8)
    ax.set_yticks(range(len(types)), types)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0, sign=True) + " %"))
    ax.set_xlabel("Månedspris i forhold til normalprisen")
    ax.legend(fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(fig, source + " Stiplet: normalprisen. Tilbud, der ikke vises af hensyn til diskretion, er udeladt.")
    return fig


def rates_with_intervals(rates: pd.DataFrame, title: str, source: str):
    """Rates per 1,000 (``theme``, ``district``, ``rate``, ``rate_low``, ``rate_high``) with
    their intervals, one panel per theme; the municipality (``I alt``) as a vertical line.
    Withheld rates are missing and left out."""
    data = rates.dropna(subset=["rate"])
    themes = list(dict.fromkeys(data["theme"]))
    if not themes:
        return None
    ncols = min(2, len(themes))
    nrows = int(np.ceil(len(themes) / ncols))
    per = max(data[data["district"] != "I alt"].groupby("theme").size().max(), 1) if len(data) else 1
    fig, axes = plt.subplots(nrows, ncols, figsize=(PAGE_WIDTH, nrows * (0.3 * per + 1.3) + 0.8), squeeze=False)
    for ax in axes.flat[len(themes) :]:
        ax.set_visible(False)
    for ax, theme in zip(axes.flat, themes):
        part = data[data["theme"] == theme]
        total = part[part["district"] == "I alt"]
        part = part[part["district"] != "I alt"].reset_index(drop=True)
        y = np.arange(len(part))
        err = np.vstack(
            [
                (part["rate"] - part["rate_low"]).clip(lower=0).fillna(0),
                (part["rate_high"] - part["rate"]).clip(lower=0).fillna(0),
            ]
        )
        ax.errorbar(part["rate"], y, xerr=err, fmt="o", color="#1d3557", ecolor="#888888", capsize=3)
        if len(total):
            ax.axvline(float(total["rate"].iloc[0]), color="#d62828", linestyle="--", linewidth=0.9)
        ax.set_yticks(y, part["district"].astype(str))
        ax.invert_yaxis()
        ax.set_title(theme, fontsize=10, loc="left")
        ax.set_xlabel("Pr. 1.000 0-22-årige", fontsize=9)
        ax.xaxis.set_major_formatter(
            matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0 if float(v).is_integer() else 1))
        )
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    source_note(fig, source)
    return fig


def amount_bars(amounts: pd.DataFrame, title: str, source: str):
    """Grouped bars of published mean amounts (``district``, ``amount``, ``kr``) per district;
    withheld amounts are missing and left out."""
    if amounts.empty:
        return None
    import seaborn as sns

    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 3.8))
    order = list(dict.fromkeys(amounts["district"]))
    kinds = list(dict.fromkeys(amounts["amount"]))
    sns.barplot(
        data=amounts, x="district", y="kr", hue="amount", order=order, ax=ax, palette=SERIES_COLOURS[: len(kinds)]
    )
    for container, hatch in zip(ax.containers, ["", "//", "..", "xx"]):
        for bar in container.patches:
            bar.set_hatch(hatch)
            bar.set_edgecolor("white")
    ax.set_xlabel("")
    ax.set_ylabel("Kr. pr. anbringelse og måned")
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0)))
    ax.legend(title="", fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(fig, source + " Manglende søjler: ikke vist af hensyn til diskretion.")
    return fig


def estimates_with_intervals(points: pd.DataFrame, title: str, xlabel: str, source: str, unit: str = ""):
    """Dots with 95 % intervals of *published* estimates (``label``, ``value``, ``low``,
    ``high`` and optionally ``group``, e.g. the year: one colour a group, dodged), one row a
    label; withheld estimates are not in ``points``. ``unit`` follows the numbers on the
    axis (e.g. " %")."""
    if points is None or points.empty:
        return None
    labels = list(dict.fromkeys(points["label"]))
    groups = list(dict.fromkeys(points["group"])) if "group" in points else [None]
    fig, ax = plt.subplots(figsize=(PAGE_WIDTH, 0.45 * len(labels) * max(1, len(groups) ** 0.5) + 1.8))
    colours = year_colours(len(groups))
    width = 0.6 / max(1, len(groups))
    for k, (group, colour) in enumerate(zip(groups, colours)):
        part = points if group is None else points[points["group"] == group]
        y = np.array([labels.index(v) for v in part["label"]]) + (k - (len(groups) - 1) / 2) * width
        values = part["value"].astype(float)
        err = np.vstack([(values - part["low"].astype(float)).clip(lower=0), (part["high"] - values).clip(lower=0)])
        marker = SERIES_MARKERS[k % len(SERIES_MARKERS)]
        ax.errorbar(values, y, xerr=err, fmt=marker, color=colour, ecolor=colour, capsize=3, label=group)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    ax.set_xlim(left=0)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(v, 0) + unit))
    ax.set_xlabel(xlabel)
    if len(groups) > 1:
        ax.legend(title="", fontsize=9, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.suptitle(textwrap.fill(title, 80), x=0.01, ha="left", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1))
    source_note(
        fig, source + " Streger: 95 %-konfidensinterval. Manglende punkter: ikke vist af hensyn til diskretion."
    )
    return fig


# ---------------------------------------------------------------- text alternatives (WCAG 1.1.1)

#: The longest text alternative: what a screen reader user sits through (about 250 characters).
ALT_CHARS = 300
_LETTERS = re.compile(r"[^\W\d_]")
_DANISH_NUMBER = re.compile(r"[−-]?\d{1,3}(?:\.\d{3})*(?:,\d+)?|[−-]?\d+(?:,\d+)?")


def _tick_text(axis, value: float) -> str:
    """The tick label at ``value`` on a category axis (the nearest tick), else ''."""
    locs = np.asarray(axis.get_majorticklocs(), dtype=float)
    texts = [t.get_text() for t in axis.get_majorticklabels()]
    if not len(locs) or not any(texts):
        return ""
    i = int(np.argmin(np.abs(locs - value)))
    spacing = float(np.min(np.diff(np.sort(locs)))) if len(locs) > 1 else 1.0
    return " ".join(texts[i].split()) if abs(locs[i] - value) <= spacing / 2 + 1e-9 else ""


def _value_text(axis, value: float) -> str:
    """``value`` as the value axis writes it when the axis has its own Danish format (a
    percentage, an amount), else a Danish number with the decimals it needs (a tick
    formatter would round 2,5 to the ticks' 2)."""
    formatter = axis.get_major_formatter()
    if isinstance(formatter, matplotlib.ticker.FuncFormatter):
        try:
            text = formatter(value, None)
            if text and any(ch.isdigit() for ch in text):
                return " ".join(text.replace("$", "").split())
        except Exception:  # noqa: BLE001 - a formatter that needs a position: the plain number
            pass
    if float(value).is_integer() or abs(value) >= 100:
        return num_da(value, 0)
    return num_da(value, 1 if abs(value) >= 1 else 2)


def _is_category(axis) -> bool:
    return any(_LETTERS.search(t.get_text() or "") for t in axis.get_majorticklabels())


def _colour(artist) -> str | None:
    """The colour of a line, bar or dot (hex), by which a legend names its series."""
    import matplotlib.colors

    try:
        if isinstance(artist, matplotlib.lines.Line2D):
            return matplotlib.colors.to_hex(artist.get_color())
        colours = artist.get_facecolor()
        colours = np.atleast_2d(colours)
        return matplotlib.colors.to_hex(colours[0]) if len(colours) else None
    except (ValueError, TypeError, AttributeError):
        return None


def _series_names(ax) -> dict[str, str]:
    """Colour -> the legend's name for it (the panel's legend and the figure's)."""
    names: dict[str, str] = {}
    for legend in [ax.get_legend(), *ax.figure.legends]:
        if legend is None:
            continue
        for handle, text in zip(getattr(legend, "legend_handles", []), legend.get_texts()):
            colour = _colour(handle)
            if colour and text.get_text():
                names.setdefault(colour, " ".join(text.get_text().split()))
    return names


def _points(ax) -> list[tuple[str, float, str]]:
    """(label, value, value as text) of everything the panel draws from data: lines and
    markers, bars, scattered dots; heatmap cells from their printed numbers."""
    if ax.images:  # a heatmap: its printed cell numbers are what it shows
        return _heatmap_points(ax)
    # the value axis: y, unless the categories (or ranks without labels) run along y
    horizontal = not _is_category(ax.xaxis) and (_is_category(ax.yaxis) or not len(ax.get_yticks()))
    value_axis, category_axis = (ax.xaxis, ax.yaxis) if horizontal else (ax.yaxis, ax.xaxis)
    categories = _is_category(category_axis)  # once per panel, not once per point
    labelled = len(category_axis.get_majorticklocs()) > 0
    found = []
    for x, y, series in _drawn(ax, horizontal):
        value, where = (x, y) if horizontal else (y, x)
        if not (np.isfinite(value) and np.isfinite(where)):
            continue
        if categories:
            label = _tick_text(category_axis, where)
        else:
            label = _value_text(category_axis, where) if labelled else ""
        found.append(((f"{series}, " if series else "") + label, value, _value_text(value_axis, value)))
    return found


def _heatmap_points(ax) -> list[tuple[str, float, str]]:
    found = []
    for t in ax.texts:
        number = _DANISH_NUMBER.search(t.get_text())
        if number is None or t.get_transform() != ax.transData:
            continue
        x, y = t.get_position()
        label = f"{_tick_text(ax.yaxis, y)} → {_tick_text(ax.xaxis, x)}".strip(" →")
        value = float(number.group(0).replace("−", "-").replace(".", "").replace(",", "."))
        found.append((label, value, " ".join(t.get_text().split())))
    return found


def _drawn(ax, horizontal: bool) -> list[tuple[float, float, str]]:
    """(x, y, series) of each line point (a box plot's medians), bar end and scattered dot."""
    names = _series_names(ax)
    pairs = []
    medians = [line for line in ax.lines if line.get_gid() == "median"]
    for line in medians or ax.lines:  # a box plot is read by its medians
        if line.get_transform() != ax.transData or line.get_marker() in ("|", "_"):
            continue
        xs, ys = (np.asarray(v, dtype=float) for v in line.get_data(orig=False))
        if line.get_gid() == "median":  # a box plot: its median
            pairs.append((float(np.mean(xs)), float(ys[0]), "median"))
            continue
        if len(xs) == 2 and line.get_marker() in ("None", None, "", " ") and len(ax.lines) > 1:
            continue  # a connector or a reference segment
        series = names.get(_colour(line), "")
        pairs += [(x, y, series) for x, y in zip(xs, ys)]
    for container in ax.containers:
        if isinstance(container, matplotlib.container.BarContainer):
            for patch in container.patches:
                series = names.get(_colour(patch), "")
                if horizontal:
                    pairs.append((patch.get_x() + patch.get_width(), patch.get_y() + patch.get_height() / 2, series))
                else:
                    pairs.append((patch.get_x() + patch.get_width() / 2, patch.get_y() + patch.get_height(), series))
    for collection in ax.collections:
        if isinstance(collection, matplotlib.collections.PathCollection):
            series = names.get(_colour(collection), "")
            pairs += [(float(x), float(y), series) for x, y in collection.get_offsets()]
    return pairs


def describe(fig) -> str:
    """A text alternative of ``fig`` made from what it draws (the published numbers): its
    title, how many values it shows, the highest and the lowest with their labels, and where
    the numbers are; in Danish, about :data:`ALT_CHARS` characters at most. Withheld values
    are not drawn, so they are not in the text either."""
    title = " ".join(fig._suptitle.get_text().split()) if fig._suptitle is not None else ""
    panels = [ax for ax in fig.axes if ax.get_visible() and (ax.lines or ax.patches or ax.collections or ax.images)]
    tail = " Tallene står i tabellen på siden."
    parts, count = [], 0
    for ax in panels:  # each panel by itself: panels may measure different things (kr., timer)
        points = _points(ax)
        if not points:
            continue
        count += len(points)
        name = " ".join((ax.get_title() or ax.get_title(loc="left")).split())
        high = max(points, key=lambda p: p[1])
        low = min(points, key=lambda p: p[1])
        extremes = f"højest {high[0]} {high[2]}, lavest {low[0]} {low[2]}".replace("  ", " ")
        parts.append(f"{name}: {extremes}" if name and len(panels) > 1 else extremes)
    if not parts:
        body = " Figuren viser ingen tal."
    else:
        many = f"{count} {'værdi' if count == 1 else 'værdier'}" + (
            f" i {len(panels)} paneler" if len(panels) > 1 else ""
        )
        body = f"{many}; " + "; ".join(parts) + "."
        if len(body) + len(tail) > ALT_CHARS - 40:  # too long to listen to: the first panels only
            body = textwrap.shorten(body, ALT_CHARS - 41 - len(tail), placeholder=" …")
        body = " " + body
    room = ALT_CHARS - len("Figur: . ") - len(body) - len(tail)
    return f"Figur: {textwrap.shorten(title, max(room, 20), placeholder=' …')}.{body}{tail}"
