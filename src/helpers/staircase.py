"""Flows of children up and down the intervention staircase between two dates (KORA).

Definitions (data contract; KORA's Aalborg analysis, seeds/000):

* A child is *active* on ``t`` when ``start_date <= t`` and (``end_date`` is empty or
  ``end_date >= t``).
* A child's *step* on ``t`` is the highest step among its interventions active on ``t``;
  0 = no intervention on ``t``.
* The flow from ``t0`` to ``t1`` counts unique children by (step on t0, step on t1).
  "Ned ad trappen" = ended (0 on t1) + moved to a lower step; "Op ad trappen" = moved to a
  higher step, including children with no intervention on t0 ("Indsats oprettet i
  perioden"). Children with no intervention on either date are not counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .report import pct1_da
from .steps import STEP_LABELS

STEPS = (1, 2, 3, 4, 5, 6)
AGE_GROUPS = ((0, 5, "0-5 år"), (6, 11, "6-11 år"), (12, 17, "12-17 år"), (18, 22, "18-22 år"))
DIRECTIONS = ("ned", "samme", "op")
DIRECTION_LABELS = {"ned": "Ned ad trappen (inkl. ophørte)", "samme": "Samme trin", "op": "Op ad trappen"}
BREAKDOWNS = {"district": "Distrikt", "target_group": "Målgruppe", "age_group": "Aldersgruppe"}
ROW_NEW = "0. Indsats oprettet i perioden"
ROW_TOTAL = "I alt unikke cpr"
FLOW_COLUMNS = ["Unikke cpr", "Ned ad trappen", "Ophørte", "1", "2", "3", "4", "5", "6", "Op ad trappen"]


def as_date(t) -> pd.Timestamp:
    """A date given as ISO string, ``date`` or ``Timestamp``, as a midnight Timestamp."""
    return pd.Timestamp(t).normalize()


def active_on(interventions: pd.DataFrame, t) -> pd.Series:
    """Mask of interventions active on ``t`` (start <= t and (no end or end >= t))."""
    t = as_date(t)
    start, end = pd.to_datetime(interventions["start_date"]), pd.to_datetime(interventions["end_date"])
    return (start <= t) & (end.isna() | (end >= t))


def step_on(interventions: pd.DataFrame, t) -> pd.Series:
    """Highest active step per child (``person_id``) on ``t``; children not active are absent."""
    active = interventions.loc[active_on(interventions, t), ["person_id", "step"]]
    return active.groupby("person_id", sort=True)["step"].max().astype(int)


def child_steps(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per child active on t0 or t1: ``person_id``, ``from_step``, ``to_step``."""
    s0, s1 = step_on(interventions, t0), step_on(interventions, t1)
    both = pd.concat([s0.rename("from_step"), s1.rename("to_step")], axis=1).fillna(0).astype(int)
    return both.rename_axis("person_id").reset_index()


def transitions(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """Unique children by step on ``t0`` and step on ``t1`` (raw, unsuppressed).

    Columns ``from_step``, ``to_step``, ``children`` (int; 0 = no intervention on that
    date), one row per non-zero cell, sorted by from_step then to_step.
    """
    steps = child_steps(interventions, t0, t1)
    counts = steps.groupby(["from_step", "to_step"], sort=True).size().rename("children").reset_index()
    return counts.astype({"from_step": int, "to_step": int, "children": int})


def cell_matrix(trans: pd.DataFrame) -> pd.DataFrame:
    """Transitions as a 7 x 7 matrix (from 0-6 x to 0-6) of children; missing cells = 0."""
    matrix = trans.pivot_table(index="from_step", columns="to_step", values="children", aggfunc="sum", fill_value=0)
    return matrix.reindex(index=range(7), columns=range(7), fill_value=0).astype(int)


def flow_table(trans: pd.DataFrame) -> pd.DataFrame:
    """KORA's published layout of a transitions table (Danish labels, raw counts).

    Rows: steps 6 -> 1, "0. Indsats oprettet i perioden", "I alt unikke cpr". Columns:
    "Unikke cpr", "Ned ad trappen" (ended + lower), "Ophørte", steps 1-6, "Op ad trappen".
    Row 0 has no "Unikke cpr", "Ned ad trappen" or "Ophørte" (empty cells).
    """
    m = cell_matrix(trans)
    rows = []
    for a in list(reversed(STEPS)) + [0]:
        cells = m.loc[a]
        label = f"{a}. {STEP_LABELS[a]}" if a else ROW_NEW
        down = int(cells[0] + sum(cells[b] for b in STEPS if b < a)) if a else np.nan
        up = int(sum(cells[b] for b in STEPS if b > a))
        rows.append([label, int(cells.sum()) if a else np.nan, down, int(cells[0]) if a else np.nan]
                    + [int(cells[b]) for b in STEPS] + [up])
    table = pd.DataFrame(rows, columns=["Trin i starten"] + FLOW_COLUMNS).set_index("Trin i starten")
    total = table.sum(numeric_only=True, min_count=1)
    table.loc[ROW_TOTAL] = total
    return table.astype("Int64")


def direction(from_step: pd.Series, to_step: pd.Series) -> pd.Series:
    """``ned`` (ended or lower), ``samme`` or ``op`` for each child."""
    return pd.Series(np.select([to_step < from_step, to_step > from_step], ["ned", "op"], "samme"), index=from_step.index)


def movement_shares(steps: pd.DataFrame, by: str | None = None, alpha: float = 0.05) -> pd.DataFrame:
    """Share of children moving down, staying and moving up per starting step (t0 step >= 1).

    ``steps`` as from :func:`child_steps` (optionally with a grouping column ``by``).
    Columns: [by], ``from_step``, ``direction``, ``children``, ``n`` (children on the step),
    ``share``, ``ci_low``, ``ci_high``: simultaneous 95 % intervals for the three shares
    (Goodman's multinomial intervals, statsmodels ``multinomial_proportions_confint``).
    """
    from statsmodels.stats.proportion import multinomial_proportions_confint  # heavy import, only needed here

    started = steps[steps["from_step"] > 0].assign(direction=lambda d: direction(d["from_step"], d["to_step"]))
    keys = ([by] if by else []) + ["from_step"]
    rows = []
    for key, group in started.groupby(keys, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        counts = group["direction"].value_counts().reindex(DIRECTIONS, fill_value=0).to_numpy()
        n = int(counts.sum())
        ci = multinomial_proportions_confint(counts, alpha=alpha, method="goodman") if n else np.full((3, 2), np.nan)
        for d, c, (lo, hi) in zip(DIRECTIONS, counts, ci):
            rows.append(dict(zip(keys, key)) | {"direction": d, "children": int(c), "n": n, "share": c / n,
                                                "ci_low": float(lo), "ci_high": float(hi)})
    columns = keys + ["direction", "children", "n", "share", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def age_group(age_years: pd.Series) -> pd.Series:
    """Age groups 0-5, 6-11, 12-17, 18-22 (older or unknown = NA)."""
    out = pd.Series(pd.NA, index=age_years.index, dtype=object)
    for lo, hi, label in AGE_GROUPS:
        out[(age_years >= lo) & (age_years <= hi)] = label
    return out


def age_on(birth_date: pd.Series, t) -> pd.Series:
    """Completed years of age on ``t`` (one date, or a Series of dates aligned with ``birth_date``)."""
    if isinstance(t, pd.Series):
        year, month, day = t.dt.year, t.dt.month, t.dt.day
    else:
        t = as_date(t)
        year, month, day = t.year, t.month, t.day
    before_birthday = (birth_date.dt.month > month) | ((birth_date.dt.month == month) & (birth_date.dt.day > day))
    return year - birth_date.dt.year - before_birthday.astype(int)


def highest_active(interventions: pd.DataFrame, t) -> pd.DataFrame:
    """Per child, the intervention that sets its step on ``t``: the highest active step,
    the earliest start among equals."""
    active = interventions.loc[active_on(interventions, t)]
    top = active.sort_values(["person_id", "step", "start_date"], ascending=[True, False, True], kind="stable")
    return top.drop_duplicates("person_id")


def child_attributes(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """District, target group and age group (at t0) per child, from the intervention that
    defines its step on t0 (or on t1 for children who start in the period)."""
    defining = pd.concat([highest_active(interventions, t0), highest_active(interventions, t1)]).drop_duplicates("person_id")
    out = pd.DataFrame({"person_id": defining["person_id"].to_numpy()})
    for column in ("district", "target_group"):
        out[column] = defining[column].fillna("Ukendt").to_numpy() if column in defining else "Ukendt"
    born = defining["birth_date"] if "birth_date" in defining else pd.Series(pd.NaT, index=defining.index)
    out["age_group"] = age_group(age_on(pd.to_datetime(born), t0)).fillna("Ukendt").to_numpy()
    return out


def flows_with_attributes(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """:func:`child_steps` joined with :func:`child_attributes`."""
    return child_steps(interventions, t0, t1).merge(child_attributes(interventions, t0, t1), on="person_id", how="left")


def row_shares(trans: pd.DataFrame) -> pd.DataFrame:
    """Share of each starting step's children in each step on t1 (rows sum to 1; 0 = ended)."""
    m = cell_matrix(trans).loc[list(STEPS)]
    return m.div(m.sum(axis=1).replace(0, np.nan), axis=0)


#: How the movement-share tables are shown on the page (the CSV keeps raw values).
SHARE_FORMATS = {"share": pct1_da, "ci_low": pct1_da, "ci_high": pct1_da, "direction": lambda d: DIRECTION_LABELS[d]}


class StaircaseResult:
    """Everything the staircase page shows, computed once."""

    def __init__(self, interventions: pd.DataFrame, t0, t1):
        self.t0, self.t1 = as_date(t0), as_date(t1)
        self.transitions = transitions(interventions, self.t0, self.t1)
        self.steps = flows_with_attributes(interventions, self.t0, self.t1) if len(self.transitions) else \
            pd.DataFrame(columns=["person_id", "from_step", "to_step", "district", "target_group", "age_group"])
        self.matrix = cell_matrix(self.transitions)
        self.flow_table = flow_table(self.transitions)
        self.shares = movement_shares(self.steps)

    @property
    def empty(self) -> bool:
        return self.transitions.empty

    def shares_by(self, by: str) -> pd.DataFrame:
        return movement_shares(self.steps, by=by)


def analyse(interventions: pd.DataFrame, t0, t1) -> StaircaseResult:
    """Transitions, flow table and movement shares of one municipality's interventions."""
    return StaircaseResult(interventions, t0, t1)


def summary_da(result: StaircaseResult) -> list[str]:
    """Key messages in Danish (counts under 5 suppressed)."""
    from .report import count_da, pct_da, date_da

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
        lines.append(f"Af de {count_da(started)} børn og unge, der havde en indsats {date_da(result.t0)}, "
                     f"var {pct_da((started - down - up) / started)} på samme trin {date_da(result.t1)}, "
                     f"{pct_da(down / started)} var gået ned ad trappen (heraf {count_da(ended)} ophørte), "
                     f"og {pct_da(up / started)} var gået op.")
    lines.append(f"{count_da(new)} børn og unge uden indsats ved periodens start fik en indsats i perioden.")
    lines.append(f"Antallet af anbragte børn og unge (trin 4–6) var {count_da(placed0)} ved periodens start "
                 f"og {count_da(placed1)} ved periodens slutning.")
    return lines


# ----------------------------------------------------------------------------- publishing
# The flow table, the transitions, the movement shares and their breakdowns are the same
# counts cut differently, so their small cells are hidden together: primary suppression
# (1-4), then complementary suppression over every relation between them.

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
    from .publish import complementary, is_small

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


def breakdown_hidden(by_group: pd.DataFrame, by: str, overall: pd.DataFrame, overall_hidden: pd.DataFrame) -> pd.DataFrame:
    """Cells of a breakdown to hide, given the overall shares table and its hidden cells.

    Relations: within a group and step, n = down + same + up; across groups, each count
    sums to the overall count (published in the overall table)."""
    from .publish import complementary

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
    :class:`~helpers.publish.Published`."""
    from .publish import publish

    mask = flow_hidden(result.flow_table)
    flow = publish(result.flow_table, "flow_table", output_dir, index=True,
                   hidden=mask.reset_index(drop=True).reindex(columns=["Trin i starten"] + FLOW_COLUMNS, fill_value=False),
                   caption=caption)
    trans_hidden = pd.DataFrame(False, index=result.transitions.index, columns=result.transitions.columns)
    for i, row in result.transitions.iterrows():
        trans_hidden.at[i, "children"] = mask.at[_row_label(int(row["from_step"])), _CELL_COLUMNS[int(row["to_step"])]]
    trans = publish(result.transitions, "transitions", output_dir, counts=["children"], hidden=trans_hidden)
    shares = publish(result.shares, "movement_shares", output_dir, counts=["children", "n"],
                     statistics=SHARE_STATISTICS, hidden=_shares_hidden_from_flow(result.shares, mask),
                     caption="Andel ned/samme/op pr. starttrin med 95 %-konfidensinterval", formats=SHARE_FORMATS)
    return flow, trans, shares


def publish_breakdown(result: StaircaseResult, by: str, output_dir, overall):
    """Publish ``movement_shares_by_<by>``, hidden consistently with the overall shares."""
    from .publish import publish

    shares = result.shares_by(by)
    mask = breakdown_hidden(shares, by, result.shares, overall.mask)
    return publish(shares, f"movement_shares_by_{by}", output_dir, counts=["children", "n"],
                   statistics=SHARE_STATISTICS, hidden=mask, formats=SHARE_FORMATS,
                   caption=f"Andel ned/samme/op pr. starttrin og {BREAKDOWNS[by].lower()}")
