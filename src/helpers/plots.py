"""Figures with Danish titles, axis labels and sources; small cells never annotated.

Every annotation of a count goes through :func:`helpers.report.count_da`, and cells whose
count is 1-4 are greyed out without a number, so a figure never shows what a table hides.
"""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd

from .publish import SUPPRESSED
from .report import count_da, pct_da
from .steps import STEP_LABELS

plt.rcParams.update({
    "figure.dpi": 110,
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "reportbook",
})

DIRECTION_COLOURS = {"ned": "#2a9d8f", "samme": "#8d99ae", "op": "#e76f51"}


def show(fig) -> None:
    """Display a figure where it is made in the page, then free it."""
    from IPython.display import display

    display(fig)
    plt.close(fig)


def source_note(fig, text: str) -> None:
    fig.text(0.01, 0.005, text, fontsize=8, color="#555555", ha="left", va="bottom")


def flow_heatmap(flow: pd.DataFrame, title: str, source: str):
    """Row shares of a *published* flow table (hidden cells are NA and drawn grey).

    ``flow`` as written by :func:`helpers.staircase.publish_flows` (``Published.data``):
    a share is shown only where both the cell and its row total are published.
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
                ax.text(j, i, SUPPRESSED, ha="center", va="center", fontsize=8, color="#333333")
            elif n > 0 and not np.isnan(share):
                colour = "white" if share > 0.6 else "#222222"
                ax.text(j, i, f"{pct_da(share)}\n({count_da(n)})", ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(7), ["Ophørt"] + [str(b) for b in range(1, 7)])
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlabel("Trin ved periodens slutning")
    ax.set_ylabel("Trin ved periodens start")
    ax.set_title(title, loc="left", fontsize=11)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    source_note(fig, source + " Grå felter: diskretioneret (under 5 børn eller kan afsløre et sådant tal).")
    return fig


def movement_bars(shares: pd.DataFrame, title: str, source: str, by: str | None = None):
    """Share moving down / staying / moving up per starting step, with 95 % intervals.

    ``shares`` as published (hidden cells are NA and left out, with a note); with ``by``
    one panel per group value.
    """
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
            ax.barh(y + (k - 1) * 0.27, val, height=0.26, color=DIRECTION_COLOURS[d], label=labels[d],
                    xerr=np.where(np.isnan(err), 0, err), error_kw={"elinewidth": 0.8, "capsize": 2})
        ax.set_yticks(y, [f"{s}. {STEP_LABELS[s]}" for s in steps])
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: pct_da(v)))
        ax.set_xlabel("Andel af børnene på trinnet")
        if group is not None:
            ax.set_title(str(group), fontsize=10)
    axes[0][0].legend(loc="lower right", fontsize=8, frameon=False)
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)
    note = source + (" Diskretionerede tal (under 5 børn) er udeladt." if left_out else "")
    fig.tight_layout(rect=(0, 0.05, 1, 0.95))
    source_note(fig, note + " Streger: 95 %-konfidensinterval (Goodman).")
    return fig
