"""An independent audit of what the published tables give away.

``reportbook audit OUT`` reads, for every run under ``OUT``, the published CSV files and
the run's private record (kept outside the published tree, :mod:`.private`: for each cell
of each table its block, the keys of the units it counts, and whether it is published; for
each statistic the cells it rests on). It does not use the protection code: it rebuilds,
per publication (a municipality's children's pages over every period and every earlier
release under ``OUT``, or the adult pages over all of theirs), what a reader of *all*
those files knows, and computes the narrowest interval of every primary cell
(linear programming with HiGHS for the range over real numbers, then whole-number solutions that
reach each end, found by constraint programming with OR-Tools' CP-SAT, the farthest one a
solution reached where CP-SAT cannot settle an end within ``END_EFFORT``; in systems of more
than ``WHOLE_NUMBER_ATOMS`` atoms the real range rounded inwards to whole numbers):

* the units in exactly the same cells form an *atom*; the reader is granted the atoms
  (which cells share units: the same stock on two pages, a quarter and its months, a
  figure and its revision), more than any reader of the files can know, but not how many
  units each holds (a reader cannot know which combinations of groups occur);
* published cells: the sum of their atoms equals the published number (an amount behind
  a published mean equals mean x count, to the precision printed);
* a withheld count is at least 1 (zeros are shown), a withheld amount at least 0;
* atoms are non-negative, whole numbers for counts.

It fails when a cell whose true value is 1-4 (a primary cell) is pinned to one value, or
an amount resting on 1-4 units is pinned, and when a statistic is published although a
cell it rests on is withheld.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .private import private_root, read_records
from .solver import highs

COUNT = "count"
#: An amount counts as pinned when its interval is narrower than this share of its scale.
AMOUNT_TOLERANCE = 1e-6
#: The precision of a published statistic (six decimals).
PRINTED = 5e-7
#: Blocks of up to this many atoms get exact integer ranges; in larger ones (a year of
#: monthly figures) a general integer solver takes minutes a cell, and the ranges are the
#: linear programme's, rounded inwards to whole numbers (as tau-Argus' audit).
WHOLE_NUMBER_ATOMS = 700


@dataclass
class CellInterval:
    group: str
    table: str
    row: int
    column: str
    status: str
    low: float
    high: float
    whole_numbers: bool = True  # exact range (else reached, or the real range rounded inwards)
    run: str = ""
    reached: bool = False  # the range whole-number solutions reached (the exact one holds it)

    @property
    def pinned(self) -> bool:
        return self.high - self.low < 0.5


@dataclass
class AuditReport:
    runs: int = 0
    groups: int = 0
    intervals: list[CellInterval] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        primary = [i for i in self.intervals if i.status == "primary"]
        widths = [i.high - i.low for i in primary]
        exact = sum(i.whole_numbers for i in primary)
        reached = sum(i.reached for i in primary)
        at_least = "mindst " if reached else ""
        lines = [
            f"Revision af {self.runs} kørsler i {self.groups} sammenhængende tabelsæt.",
            f"{len(primary)} primært beskyttede tal (1-4) er undersøgt; "
            + (f"det smalleste interval, en læser kan beregne, er {at_least}{min(widths):g} bredt." if widths else ""),
            f"{exact} intervaller er beregnet præcist (antal med heltalsprogrammering, beløb med lineær "
            f"programmering), {reached} som de værdier, "
            "løsninger i hele tal nåede (den præcise ende tog for lang tid at afgøre; intervallet er mindst "
            f"så bredt), {len(primary) - exact - reached} med lineær programmering afrundet til hele tal "
            "(for store systemer til heltalsprogrammering).",
        ]
        lines += [f"FEJL: {p}" for p in self.problems]
        lines.append("Revisionen er bestået." if self.passed else "Revisionen fejlede.")
        return "\n".join(lines)


def _cell(frame: pd.DataFrame, row: int, column: str):
    return frame[column].iloc[row] if column in frame.columns and row < len(frame) else np.nan


def _published_value(frame: pd.DataFrame, row: int, column: str):
    value = _cell(frame, row, column)
    return None if pd.isna(value) else float(value)


def _read_group(runs: list[tuple[Path, dict]], report: AuditReport, group: str):
    """Every cell of the publication once: (run, table, row, column) -> dict(status, block,
    members, value). The same table published by two pages of one run (the overview shows
    the trends page's) is one table."""
    cells, stats, frames = {}, {}, {}
    for folder, record in runs:
        run = folder.name
        for table, content in record["tables"].items():
            path = folder / f"{table}.csv"
            if not path.exists():
                report.problems.append(f"{folder.parent.name}/{run}: {table}.csv mangler")
                continue
            frame = frames.setdefault((run, table), pd.read_csv(path))
            for row, column, status, block, members, shown, product_of, *_ in content["cells"]:
                if shown:
                    value = _published_value(frame, row, column)
                    if (value is None) != (status != "published"):
                        report.problems.append(
                            f"{run}: {table} række {row + 2}, kolonne {column}: "
                            f"status {status}, men værdien er {'tom' if value is None else 'vist'}"
                        )
                elif product_of:  # a sum behind a printed mean: known as mean x count
                    mean, base = (_published_value(frame, row, c) for c in product_of)
                    value = None if mean is None or base is None else (mean, base)
                else:  # a rest no table prints (disclosure.rest_cells): only the solver knows it
                    value = None
                cells[(run, table, row, column)] = {
                    "status": status,
                    "block": block,
                    "members": members,
                    "value": value,
                }
            for row, column, status, inputs, base_n in content["statistics"]:
                stats[(run, table, row, column)] = (status, [(run, *k) for k in inputs], base_n)
                # a statistic may be a word (a target's status: "under målet"): shown or not
                if status != "published" and not pd.isna(_cell(frame, row, column)):
                    report.problems.append(
                        f"{run}: {table} række {row + 2}, kolonne {column}: en tilbageholdt statistik er offentliggjort"
                    )
    for key, (status, inputs, _) in stats.items():
        hidden_inputs = [tuple(k) for k in inputs if cells.get(tuple(k), {}).get("status", "published") != "published"]
        if hidden_inputs and status == "published":
            report.problems.append(
                f"{key[0]}: {key[1]} række {key[2] + 2}, kolonne {key[3]}: statistikken er vist, selv om "
                f"et tal, den bygger på ({hidden_inputs[0][1]}, {hidden_inputs[0][3]}), er skjult"
            )
    return cells


def atoms_of(members: list[list]) -> np.ndarray:
    """The 0/1 matrix cells x atoms: units that lie in exactly the same cells form one atom."""
    signature: dict[object, list[int]] = {}
    for i, units in enumerate(members):
        for unit in units:
            signature.setdefault(unit, []).append(i)
    found = sorted({tuple(s) for s in signature.values()})
    matrix = np.zeros((len(members), len(found)))
    for a, sig in enumerate(found):
        matrix[list(sig), a] = 1.0
    return matrix


#: Bounds within this of a whole number are that number (HiGHS' feasibility tolerance): a
#: bound behind a printed mean is computed in floating point.
WHOLE = 1e-6


#: The deterministic effort (CP-SAT's work units, the same on every machine) spent pushing a
#: solution that reaches an end towards the other cells' ends; the best one found by then
#: is used.
EFFORT = 1.0
#: The deterministic effort CP-SAT may spend, after ``EFFORT``, on one whole number of an
#: end (finding a solution at it, or proving there is none) before the end is left as the
#: farthest one a solution reached. Only the question "is a cell pinned?" is then settled
#: without a limit, so the efforts (and the pinned versions of OR-Tools and HiGHS,
#: constraints.txt) decide which solutions are found, hence the ``reached`` intervals, but
#: never whether the audit passes.
END_EFFORT = 2.0

FOUND, NONE, UNKNOWN = "found", "none", "unknown"


class _WholeNumbers:
    """One block of counts over whole-number atoms as a CP-SAT model (OR-Tools), to find
    solutions a reader must allow: each row's sum within its bounds rounded inwards to
    whole numbers, each atom between 0 and the smallest whole-number bound of the rows it
    lies in (atoms in no published cell get a large cap: a solution found is still one the
    reader must allow). One worker, a fixed seed and a deterministic effort: the same
    solutions on every machine."""

    CAP = 10**6

    def __init__(self, matrix: np.ndarray, low: np.ndarray, high: np.ndarray):
        from ortools.sat.python import cp_model

        self.cp, self.matrix = cp_model, matrix
        self.rows = [np.flatnonzero(row) for row in matrix]
        self.low = np.ceil(low - WHOLE)
        self.high = np.where(np.isfinite(high), np.floor(high + WHOLE), np.inf)
        cap = np.full(matrix.shape[1], np.inf)
        for i, idx in enumerate(self.rows):
            cap[idx] = np.minimum(cap[idx], self.high[i])
        cap = np.where(np.isfinite(cap), cap, self.CAP).astype(np.int64)
        self.base = cp_model.CpModel()
        self.x = [self.base.new_int_var(0, int(c), f"a{a}") for a, c in enumerate(cap)]
        for i, idx in enumerate(self.rows):
            high_i = int(self.high[i]) if np.isfinite(self.high[i]) else int(cap[idx].sum())
            self.base.add_linear_constraint(sum(self.x[a] for a in idx), int(self.low[i]), high_i)

    def solution_with(
        self, row: int, low: float, high: float, weights: np.ndarray, effort: float | None = END_EFFORT
    ) -> tuple[str, np.ndarray | None]:
        """Atoms in whole numbers with cell ``row`` in [``low``, ``high``], pushed towards
        ``weights`` (per atom; the best found within ``EFFORT``; when none is found by then,
        any one within ``effort``, None for no limit): (FOUND, atoms), (NONE, None) when
        there is none (or, with a capped atom, none under the cap) or (UNKNOWN, None) when
        CP-SAT could not tell within ``effort``."""
        status, atoms = self.cp.UNKNOWN, None
        if np.any(weights) or effort is not None:
            status, atoms = self._solve(row, low, high, weights, EFFORT)
        if atoms is None and status != self.cp.INFEASIBLE:
            status, atoms = self._solve(row, low, high, np.zeros_like(weights), effort)
        if atoms is not None:
            return FOUND, atoms
        return (NONE, None) if status == self.cp.INFEASIBLE else (UNKNOWN, None)

    def _solve(self, row: int, low: float, high: float, weights: np.ndarray, effort: float | None):
        """(status, atoms or None) of the model with cell ``row`` in [low, high]."""
        model = self.base.clone()
        x = [model.get_int_var_from_proto_index(a) for a in range(len(self.x))]
        high = int(high) if np.isfinite(high) else self.CAP * len(self.x)
        model.add_linear_constraint(sum(x[a] for a in self.rows[row]), int(low), high)
        terms = [(int(w), x[a]) for a, w in enumerate(np.rint(weights)) if w]
        if terms:
            model.maximize(sum(w * v for w, v in terms))
        solver = self.cp.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 1
        if effort is not None:
            solver.parameters.max_deterministic_time = effort
        status = solver.solve(model)
        if status not in (self.cp.OPTIMAL, self.cp.FEASIBLE):
            return status, None
        atoms = np.array([solver.value(v) for v in x], dtype=float)
        if not self.allows(atoms):  # a safeguard
            return self.cp.UNKNOWN, None
        return status, atoms

    def allows(self, atoms: np.ndarray) -> bool:
        """Whether whole-number ``atoms`` are a solution a reader must allow."""
        values = self.matrix @ atoms
        return bool(np.all(atoms >= 0) and np.all(values >= self.low - WHOLE) and np.all(values <= self.high + WHOLE))


class _Reader:
    """What a reader can compute in one block: linear programmes (HiGHS) for the range of
    a cell over real atoms, and whole-number solutions (CP-SAT) and integer programmes
    (HiGHS) that settle its range over whole numbers."""

    def __init__(self, matrix: np.ndarray, low: np.ndarray, high: np.ndarray, integer: bool):
        import highspy

        self.hs, self.matrix, self.integer = highspy, matrix, integer
        self.n = matrix.shape[1]
        self.cols = np.arange(self.n, dtype=np.int32)
        inf = highspy.kHighsInf
        self.low, self.high = low, np.where(np.isinf(high), inf, high)
        self.lp = highs(simplex_strategy=4, presolve="off")  # primal simplex: only the objective changes
        self.lp.addVars(self.n, np.zeros(self.n), np.full(self.n, inf))
        for i in range(matrix.shape[0]):
            idx = np.flatnonzero(matrix[i]).astype(np.int32)
            self.lp.addRow(float(self.low[i]), float(self.high[i]), len(idx), idx, np.ones(len(idx)))
        self.ip = self.whole = None
        #: per row: True where both ends are exact, False where an end is the farthest a
        #: whole-number solution reached (the exact one took longer than ``END_EFFORT``)
        self.exact: dict[int, bool] = {}
        #: per row audited: the range of the values the whole-number solutions found give it
        self.reached: dict[int, tuple[float, float]] = {}
        if integer and self.n <= WHOLE_NUMBER_ATOMS:
            self.whole = _WholeNumbers(matrix, self.low, high)
            self.ip = highs()
            self.ip.passModel(self.lp.getLp())
            self.ip.changeColsIntegrality(self.n, self.cols, np.array([highspy.HighsVarType.kInteger] * self.n))

    def _end(self, model, row: int, sign: float) -> float:
        model.changeColsCost(self.n, self.cols, sign * self.matrix[row])
        model.run()
        if model.getModelStatus() == self.hs.HighsModelStatus.kUnbounded:
            return -sign * np.inf
        return sign * model.getInfo().objective_function_value

    def _vertex(self, row: int, target: float, weights: np.ndarray) -> tuple[str, np.ndarray | None]:
        """The linear programme's optimal vertex with cell ``row`` at ``target``, pushed
        towards ``weights``: (FOUND, atoms) when it is a whole-number solution (as it often
        is: each cell sums 0/1 atoms), else (UNKNOWN, None)."""
        lp = self.lp
        lp.changeRowBounds(int(row), float(target), float(target))
        try:
            lp.changeColsCost(self.n, self.cols, -np.asarray(weights, dtype=float))
            lp.run()
            ok = lp.getModelStatus() == self.hs.HighsModelStatus.kOptimal
            atoms = np.asarray(lp.getSolution().col_value) if ok else None
        finally:
            lp.changeRowBounds(int(row), float(self.low[row]), float(self.high[row]))
        if atoms is None:
            return UNKNOWN, None
        whole = np.rint(atoms)
        if np.abs(atoms - whole).max(initial=0) > 1e-7 or not self.whole.allows(whole):
            return UNKNOWN, None
        return FOUND, whole

    def intervals(self, rows: list[int]) -> dict[int, tuple[float, float]]:
        """The range of each cell in ``rows`` over real atoms by linear programming; for
        counts, over whole numbers: each end of the real range rounded inwards is confirmed
        by a whole-number solution that reaches it (the linear programme's vertex there when
        it is one, else CP-SAT, :class:`_WholeNumbers`). One
        solution reaches the ends of many cells at once (its objective pushes the
        unconfirmed cells towards their ends). Where CP-SAT proves the rounded end
        unreachable, the next whole numbers inwards are tried until one is reached: that is
        the true end (an integer programme of its own, HiGHS, settles an end only if none
        is, which a capped atom could cause). Where CP-SAT can tell neither within
        ``END_EFFORT``, the end is the farthest one any solution reached (the true range
        holds it: ``exact`` says so); a cell whose solutions all gave one value is then
        asked, without a limit, for a solution with any other value: it is pinned only if
        there is none."""
        real = {r: (self._end(self.lp, r, 1.0), self._end(self.lp, r, -1.0)) for r in rows}
        if not self.integer:
            return real
        ends = {r: (np.ceil(lo - 1e-7), np.floor(hi + 1e-7)) for r, (lo, hi) in real.items()}
        if self.ip is None:  # too large for integer programming in seconds: real ranges, rounded
            return ends
        self.exact = dict.fromkeys(rows, True)
        self.reached = dict.fromkeys(rows, (np.inf, -np.inf))
        open_ends = {(r, side) for r in rows for side in (0, 1) if np.isfinite(ends[r][side])}
        unsettled = set()
        while open_ends:
            r, side = min(open_ends)
            push = np.zeros(len(self.low))
            for q, s in open_ends:
                push[q] += 1.0 if s else -1.0
            target, weights = ends[r][side], push @ self.matrix
            found, solution = self._vertex(r, target, weights)
            if found != FOUND:
                found, solution = self.whole.solution_with(r, target, target, weights)
            step = 1.0 if side == 0 else -1.0
            while found == NONE and (target + step - ends[r][1 - side]) * step <= 0:
                # the end is not reached: the next whole number inwards (the first one a
                # solution reaches is the end; whole-number values of a cell may have gaps)
                target += step
                found, solution = self.whole.solution_with(r, target, target, weights)
            open_ends.discard((r, side))
            if found == UNKNOWN:  # not settled within END_EFFORT: the farthest end reached
                unsettled.add((r, side))
                ends[r] = (target, ends[r][1]) if side == 0 else (ends[r][0], target)
                continue
            if found == NONE:  # no whole number reached (a capped atom): the end by HiGHS
                low, high = ends[r]
                ends[r] = (self._end(self.ip, r, 1.0), high) if side == 0 else (low, self._end(self.ip, r, -1.0))
                continue
            low, high = ends[r]
            ends[r] = (target, high) if side == 0 else (low, target)
            values = self._reach(solution)
            for q, s in list(open_ends):
                if abs(values[q] - ends[q][s]) < 0.5:
                    open_ends.discard((q, s))
        self._settle_all(unsettled, ends)
        return ends

    def _reach(self, solution: np.ndarray) -> np.ndarray:
        """The cells' values in ``solution``, added to the range each audited cell reached."""
        values = self.matrix @ solution
        for q, (low, high) in self.reached.items():
            self.reached[q] = (min(low, values[q]), max(high, values[q]))
        return values

    def _settle_all(self, unsettled: set, ends: dict) -> None:
        """``ends`` of the cells with an end in ``unsettled`` (:meth:`_settle`)."""
        cells = sorted({r for r, _ in unsettled})
        for r in cells:
            self.exact[r] = False
            ends[r] = self._settle(r, ends[r], {side for q, side in unsettled if q == r})
        for r in cells:  # solutions found for a later cell may reach farther
            if not self.exact[r]:
                ends[r] = (min(ends[r][0], self.reached[r][0]), max(ends[r][1], self.reached[r][1]))

    def _settle(self, r: int, ends: tuple, sides: set) -> tuple[float, float]:
        """The range of cell ``r`` when the ends in ``sides`` (0 low, 1 high) could not be
        settled within ``END_EFFORT``: on those sides the farthest value a whole-number
        solution reached. When solutions reached only one value, CP-SAT is asked without a
        limit for one with another value; when there is none, the cell is pinned (exactly
        so: ``exact``)."""
        reached = self.reached
        if reached[r][0] > reached[r][1]:  # no solution yet: one with any value of the cell
            found, solution = self.whole.solution_with(r, *ends, np.zeros(self.n), None)
            if found != FOUND:  # cannot be (the true values are a solution): fail closed, as pinned
                return ends[0], ends[0]
            self._reach(solution)
        low = reached[r][0] if 0 in sides else min(ends[0], reached[r][0])
        high = reached[r][1] if 1 in sides else max(ends[1], reached[r][1])
        if high - low >= 0.5:
            return low, high  # two whole numbers reached: not pinned
        answers = []
        for other in ((low + 1, ends[1]), (ends[0], low - 1)):  # any other value it may take
            if other[0] <= other[1]:
                found, solution = self.whole.solution_with(r, *other, np.zeros(self.n), None)
                answers.append(found)
                if found == FOUND:
                    self._reach(solution)
                    break
        if all(found == NONE for found in answers):
            self.exact[r] = True  # proved: the cell has one whole-number value
        return min(low, reached[r][0]), max(high, reached[r][1])


def _block_intervals(group: str, block: str, cells: dict, report: AuditReport) -> list[CellInterval]:
    """The narrowest interval of every primary cell of one block. Cells that sum the same
    atoms are one row: if one of them is published, the others are known too."""
    integer = block.endswith(":" + COUNT)
    keys = sorted(cells, key=lambda k: tuple(map(str, k)))
    full = atoms_of([cells[k]["members"] for k in keys])
    if full.shape[1] == 0:
        return []
    rows: dict[bytes, list] = {}
    for key, vector in zip(keys, full):
        rows.setdefault(vector.tobytes(), []).append(key)
    matrix = np.array([np.frombuffer(v) for v in rows])
    low, high = np.zeros(len(rows)), np.full(len(rows), np.inf)
    for i, members in enumerate(rows.values()):
        low[i] = 1.0 if integer else 0.0  # a withheld count is at least 1: zeros are shown
        for key in members:
            c = cells[key]
            if c["status"] == "published" and isinstance(c["value"], tuple):  # a sum behind a mean, as printed
                mean, base = c["value"]
                low[i], high[i] = max(low[i], (mean - PRINTED) * base), min(high[i], (mean + PRINTED) * base)
            elif c["status"] == "published" and c["value"] is not None:
                low[i] = high[i] = c["value"]
    targets = {i: [k for k in keys if cells[k]["status"] == "primary"] for i, keys in enumerate(rows.values())}
    targets = {i: keys for i, keys in targets.items() if keys}
    if not targets:  # nothing to audit: no solver models to build
        return []
    reader = _Reader(matrix, low, high, integer)
    out = []
    for i, (lo, hi) in reader.intervals(sorted(targets)).items():
        exact = not integer or (reader.ip is not None and reader.exact.get(i, True))
        reached = integer and reader.ip is not None and not exact
        out += [CellInterval(group, k[1], k[2], str(k[3]), "primary", lo, hi, exact, k[0], reached) for k in targets[i]]
    return out


def _audit_group(group: str, runs: list) -> AuditReport:
    """The audit of one linked system (run in a worker process)."""
    report = AuditReport(runs=len(runs), groups=1)
    cells = _read_group(runs, report, group)
    blocks: dict[str, dict] = {}
    for key, cell in cells.items():
        blocks.setdefault(cell["block"], {})[key] = cell
    for block, members in sorted(blocks.items()):
        integer = block.endswith(":" + COUNT)
        for interval in _block_intervals(group, block, members, report):
            report.intervals.append(interval)
            width = interval.high - interval.low
            if (integer and width < 0.5) or (not integer and width < AMOUNT_TOLERANCE * max(interval.high, 1)):
                where = f"{interval.run}: {interval.table} række {interval.row + 2}, kolonne {interval.column}"
                report.problems.append(
                    f"{where} ({block}) kan beregnes til {interval.low:g} ud fra de offentliggjorte tal ({group})"
                )
    return report


def audit(out: str | Path, jobs: int | None = None, private: str | Path | None = None) -> AuditReport:
    """Audit every run under ``out`` (see the module docstring), reading the runs' private
    records from ``private`` (default: the private sibling of ``out``), one publication per
    worker process (``jobs``, default: the number of cores). The workers end with this
    process, also when it is killed."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    out = Path(out)
    groups: dict[str, list] = {}
    scopes: dict[str, list] = {}
    for notebook, run, record in read_records(Path(private) if private else private_root(out)):
        folder = out / notebook / run
        if folder.is_dir():
            groups.setdefault(record["group"], []).append((folder, record))
            scopes.setdefault(record.get("scope") or record["group"], []).append((folder, record))
    report = AuditReport()
    for scope, runs in sorted(scopes.items()):
        report.problems += same_figure_same_status(scope, runs)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(groups)))
    items = sorted(groups.items())
    if jobs == 1:
        parts = [_audit_group(g, r) for g, r in items]
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            parts = list(pool.map(_audit_group, [g for g, _ in items], [r for _, r in items]))
    for part in parts:
        report.runs += part.runs
        report.groups += part.groups
        report.intervals += part.intervals
        report.problems += part.problems
    return report


def same_figure_same_status(scope: str, runs: list[tuple[Path, dict]]) -> list[str]:
    """Across one publication (every period, page and earlier release): a cell that counts
    exactly the units of another is the same figure, and must be withheld on every page
    that withholds it anywhere (else the page that prints it gives the other away)."""
    seen: dict[tuple, tuple[str, str]] = {}
    problems = []
    for folder, record in runs:
        for table, content in record["tables"].items():
            for row, column, status, block, members, *_ in content["cells"]:
                if not members:
                    continue  # a zero: shown everywhere
                identity = (block, tuple(sorted(map(str, members))))
                where = f"{folder.parent.name}/{folder.name}/{table}.csv række {row + 2}, kolonne {column}"
                published = status == "published"
                if identity not in seen:
                    seen[identity] = (where, published)
                elif seen[identity][1] != published:
                    shown, hidden = (where, seen[identity][0]) if published else (seen[identity][0], where)
                    problems.append(f"{scope}: {shown} viser det tal, som {hidden} tilbageholder")
    return problems


def _die_with_parent(parent: int) -> None:
    """In an audit worker: end this process when the auditing process is gone (killed
    with no chance to stop its workers), instead of solving on as an orphan."""
    import os
    import threading
    import time

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
