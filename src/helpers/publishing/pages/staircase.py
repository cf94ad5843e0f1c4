"""The staircase page: its published tables, their joint protection and its key messages.

The flow table, the transitions, the movement shares and their breakdowns are the same
counts cut differently, so their small cells are hidden together: primary suppression
(1-4), then complementary suppression over every relation between them.
"""

from __future__ import annotations

import pandas as pd

from ...analyses.staircase import (
    BREAKDOWNS,
    DIRECTION_LABELS,
    DIRECTIONS,
    FLOW_COLUMNS,
    ROW_NEW,
    ROW_TOTAL,
    STEPS,
    StaircaseResult,
)
from ...data.steps import STEP_LABELS
from ..disclosure import complementary, is_small
from ..formats import count_da, date_da, pct1_da, pct_da
from ..tables import publish

#: How the movement-share tables are shown on the page (the CSV keeps raw values).
SHARE_FORMATS = {"share": pct1_da, "ci_low": pct1_da, "ci_high": pct1_da, "direction": lambda d: DIRECTION_LABELS[d]}


def summary_da(result: StaircaseResult) -> list[str]:
    """Key messages in Danish (counts under 5 suppressed)."""
    m = result.matrix
    started = int(m.loc[list(STEPS)].to_numpy().sum())
    down = sum(int(m.loc[a, b]) for a in STEPS for b in range(0, a))
    ended = int(m.loc[list(STEPS), 0].sum())
    up = sum(int(m.loc[a, b]) for a in STEPS for b in STEPS if b > a)
    new = int(m.loc[0].sum())
    placed0 = int(m.loc[[4, 5, 6]].to_numpy().sum())
    placed1 = int(m.loc[:, [4, 5, 6]].to_numpy().sum())
    lines = []
    if started:
        lines.append(
            f"Af de {count_da(started)} børn og unge, der havde en indsats {date_da(result.t0)}, "
            f"var {pct_da((started - down - up) / started)} på samme trin {date_da(result.t1)}, "
            f"{pct_da(down / started)} var gået ned ad trappen (heraf {count_da(ended)} ophørte), "
            f"og {pct_da(up / started)} var gået op."
        )
    lines.append(f"{count_da(new)} børn og unge uden indsats ved periodens start fik en indsats i perioden.")
    lines.append(
        f"Antallet af anbragte børn og unge (trin 4–6) var {count_da(placed0)} ved periodens start "
        f"og {count_da(placed1)} ved periodens slutning."
    )
    return lines


_CELL_COLUMNS = {0: "Ophørte", **{b: str(b) for b in STEPS}}


def _row_label(a: int) -> str:
    return f"{a}. {STEP_LABELS[a]}" if a else ROW_NEW


def flow_equations(table: pd.DataFrame) -> list[tuple[tuple, list[tuple]]]:
    """The linear relations of the published flow table (cells keyed (row, column))."""
    eq = []
    rows = [_row_label(a) for a in reversed(STEPS)]
    for a in STEPS:
        r = _row_label(a)
        cells = [(r, _CELL_COLUMNS[b]) for b in range(7)]
        eq.append(((r, "Unikke cpr"), cells))
        eq.append(((r, "Ned ad trappen"), [(r, _CELL_COLUMNS[b]) for b in range(0, a)]))
        eq.append(((r, "Op ad trappen"), [(r, str(b)) for b in STEPS if b > a]))
        eq.append(((r, "Unikke cpr"), [(r, "Ned ad trappen"), (r, str(a)), (r, "Op ad trappen")]))
    eq.append(((ROW_NEW, "Op ad trappen"), [(ROW_NEW, str(b)) for b in STEPS]))
    for c in FLOW_COLUMNS:
        parts = rows + ([] if c in ("Unikke cpr", "Ned ad trappen", "Ophørte") else [ROW_NEW])
        eq.append(((ROW_TOTAL, c), [(r, c) for r in parts]))
    return eq


def flow_hidden(table: pd.DataFrame) -> pd.DataFrame:
    """Cells of the flow table to hide: counts of 1-4 and the cells that would reveal them."""
    values = {(r, c): int(table.at[r, c]) for r in table.index for c in table.columns if not pd.isna(table.at[r, c])}
    primary = {k: bool(is_small(pd.Series([v])).iloc[0]) for k, v in values.items()}
    hidden = complementary(values, primary, flow_equations(table))
    mask = pd.DataFrame(False, index=table.index, columns=table.columns)
    for (r, c), h in hidden.items():
        mask.at[r, c] = h
    return mask


def _shares_hidden_from_flow(shares: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    column_of = {"ned": lambda a: "Ned ad trappen", "samme": lambda a: str(a), "op": lambda a: "Op ad trappen"}
    hidden = pd.DataFrame(False, index=shares.index, columns=shares.columns)
    for i, row in shares.iterrows():
        r = _row_label(int(row["from_step"]))
        hidden.at[i, "children"] = mask.at[r, column_of[row["direction"]](int(row["from_step"]))]
        hidden.at[i, "n"] = mask.at[r, "Unikke cpr"]
    return hidden


def breakdown_hidden(
    by_group: pd.DataFrame, by: str, overall: pd.DataFrame, overall_hidden: pd.DataFrame
) -> pd.DataFrame:
    """Cells of a breakdown to hide, given the overall shares table and its hidden cells.

    Relations: within a group and step, n = down + same + up; across groups, each count
    sums to the overall count (published in the overall table)."""
    values, primary, eq = {}, {}, []
    for row in by_group.itertuples(index=False):
        g, a, d = getattr(row, by), int(row.from_step), row.direction
        values[(g, a, d)], values[(g, a, "n")] = int(row.children), int(row.n)
    for k, v in values.items():
        primary[k] = 0 < v < 5
    for row in overall.itertuples(index=False):
        a, d = int(row.from_step), row.direction
        hide = overall_hidden.loc[(overall["from_step"] == a) & (overall["direction"] == d)]
        primary[("alle", a, d)] = bool(hide["children"].iloc[0])
        primary[("alle", a, "n")] = bool(hide["n"].iloc[0])
    groups = by_group[by].drop_duplicates().tolist()
    for g in groups:
        for a in by_group.loc[by_group[by] == g, "from_step"].unique():
            eq.append(((g, int(a), "n"), [(g, int(a), d) for d in DIRECTIONS]))
    for a in overall["from_step"].unique():
        for d in list(DIRECTIONS) + ["n"]:
            eq.append((("alle", int(a), d), [(g, int(a), d) for g in groups if (g, int(a), d) in values]))
    hidden = complementary(values, primary, eq)
    mask = pd.DataFrame(False, index=by_group.index, columns=by_group.columns)
    for i, row in by_group.iterrows():
        key = (row[by], int(row["from_step"]))
        mask.at[i, "children"] = hidden.get(key + (row["direction"],), False)
        mask.at[i, "n"] = hidden.get(key + ("n",), False)
    return mask


SHARE_STATISTICS = {"share": "children", "ci_low": "children", "ci_high": "children"}


def publish_flows(result: StaircaseResult, output_dir, caption: str = ""):
    """Publish ``flow_table``, ``transitions`` and ``movement_shares`` with one consistent
    suppression. Returns (flow table, transitions, movement shares) as
    :class:`~helpers.publishing.tables.Published`."""
    mask = flow_hidden(result.flow_table)
    flow = publish(
        result.flow_table,
        "flow_table",
        output_dir,
        index=True,
        hidden=mask.reset_index(drop=True).reindex(columns=["Trin i starten"] + FLOW_COLUMNS, fill_value=False),
        caption=caption,
    )
    trans_hidden = pd.DataFrame(False, index=result.transitions.index, columns=result.transitions.columns)
    for i, row in result.transitions.iterrows():
        trans_hidden.at[i, "children"] = mask.at[_row_label(int(row["from_step"])), _CELL_COLUMNS[int(row["to_step"])]]
    trans = publish(result.transitions, "transitions", output_dir, counts=["children"], hidden=trans_hidden)
    shares = publish(
        result.shares,
        "movement_shares",
        output_dir,
        counts=["children", "n"],
        statistics=SHARE_STATISTICS,
        hidden=_shares_hidden_from_flow(result.shares, mask),
        caption="Andel ned/samme/op pr. starttrin med 95 %-konfidensinterval",
        formats=SHARE_FORMATS,
    )
    return flow, trans, shares


def publish_breakdown(result: StaircaseResult, by: str, output_dir, overall):
    """Publish ``movement_shares_by_<by>``, hidden consistently with the overall shares."""
    shares = result.shares_by(by)
    mask = breakdown_hidden(shares, by, result.shares, overall.mask)
    return publish(
        shares,
        f"movement_shares_by_{by}",
        output_dir,
        counts=["children", "n"],
        statistics=SHARE_STATISTICS,
        hidden=mask,
        formats=SHARE_FORMATS,
        caption=f"Andel ned/samme/op pr. starttrin og {BREAKDOWNS[by].lower()}",
    )
