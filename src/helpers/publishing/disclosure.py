"""Disclosure control: which published numbers are withheld, and why.

Every number the book publishes (tables, figure labels, key messages) is a cell of a
:class:`TableSpec`. The cells of all tables published for one municipality and period
(the children's pages) or for one period (the adult pages, which cover every
municipality) form one linked system: each count or amount is a sum over the *units* it
counts (children, case events, adult cases, follow-ups), so the relations between tables
(margins, group totals, the same figure in two tables, shares x bases) follow from which
units each cell counts; nobody has to declare them by hand, and none can be forgotten.

Method (named, cited and explained in Danish on the method page):

1. **Primary suppression** (Danmarks Statistik's discretion rule): a count of 1-4 is not
   published; nor is an amount or a statistic that rests on 1-4 units or on a withheld
   count.
2. **Secondary suppression by Gaussian elimination** (Langsrud 2024, the method of
   Statistics Norway's GaussSuppression): units that lie in exactly the same cells form an
   *atom*, and every cell is a 0/1 vector over the atoms. Cells are offered for
   publication from the most to the least important (each table's largest numbers first,
   table priority between tables, then size); a cell is published unless that would put a
   primary cell in the linear span of the published cells, i.e. make it computable from
   them. Each block of counts is tried in that order and in order of size (the default of
   GaussSuppression), with the elimination and the linear screen of step 3; the order that
   withholds fewer printed cells is kept, and only it is confirmed with whole numbers.
3. **Interval check** (the audit of tau-Argus): with what a reader knows (published
   values; whole, non-negative numbers; a withheld count is at least 1, since zeros are
   shown), the range of every primary cell is computed by linear programming with HiGHS
   and must hold at least two whole numbers; in systems of up to ``WHOLE_NUMBER_ATOMS``
   atoms it is also confirmed with whole numbers (integer programmes that move many cells
   off their true values at once). A primary cell pinned to one value gets one more
   secondary suppression (the least important cell that unpins it), until none is. An
   independent audit (:mod:`helpers.publishing.audit`) checks the outcome from the
   published files.

Amounts (spending, full-year volumes, the sums behind means) are protected the same way
within their own measure, with continuous intervals. True zeros are shown. Every withheld
number reads ".." on the page (Danmarks Statistik's sign for "diskretioneret"), primary
and secondary alike, so that a reader cannot tell a 1-4 from a larger withheld number; in
CSV and Excel it is an empty cell.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .solver import highs

MIN_COUNT = 5
#: The sign of a withheld number on the page (Danmarks Statistik: "diskretioneret").
WITHHELD = ".."
COUNT = "count"
TOTAL_LABEL = "I alt"
PUBLISHED, PRIMARY, SECONDARY = "published", "primary", "secondary"
_TOL = 1e-9
#: An amount is "pinned" when a reader can compute it to within this share of its value.
AMOUNT_TOLERANCE = 1e-6
#: Up to this many atoms a block's ranges are also confirmed with integer programmes;
#: larger systems (e.g. a year of monthly figures) are beyond a general integer solver in
#: seconds, and their ranges rest on linear programming rounded to whole numbers, as in
#: tau-Argus' audit.
WHOLE_NUMBER_ATOMS = 700
#: An upper bound on every atom in the programmes (far above any count or amount here).
ATOM_CEILING = 1e9
#: CP-SAT's deterministic effort (work units, the same on every machine) for a whole-number
#: solution that moves a cell: spent pushing it to move many cells at once, then on finding
#: any one or proving there is none; past that, HiGHS' integer programme decides.
PUSH_EFFORT = 0.5
FEASIBILITY_EFFORT = 20.0
NOTE_DA = (
    "«..» = ikke vist af hensyn til diskretion: tallet er 1-4, bygger på 1-4 personer eller sager, "
    "eller ville sammen med de viste tal afsløre et sådant tal. Nuller vises."
)


# ----------------------------------------------------------------------------- declarations


@dataclass
class Cell:
    """One additive number of a table: the count (or summed amount) of some units.

    ``members``: ids of the units it sums (pseudonyms, event or case ids; never shown).
    ``measure``: ``count`` or the name of the summed amount; the cells of one unit type and
    measure form a *block*. An amount rests on ``base`` (the key of a published count cell
    of the same units: the amount is withheld with it) and on ``base_n`` units (withheld
    when 1-4). ``shown=False`` marks an amount that is not printed but follows from a
    published mean and count (``product_of``: the two columns, same row)."""

    table: str
    row: int
    column: str
    unit: str
    members: np.ndarray
    value: float
    measure: str = COUNT
    base: tuple | None = None
    base_n: int | None = None
    shown: bool = True
    product_of: tuple | None = None
    #: The status an earlier release published this cell with (``published`` or withheld):
    #: a cell of the release ledger, whose status can no longer change.
    fixed: str | None = None

    @property
    def key(self) -> tuple:
        return (self.table, self.row, self.column)

    @property
    def block(self) -> tuple:
        return (self.unit, self.measure)


@dataclass
class Statistic:
    """A non-additive number (share, mean, median, interval, odds ratio, ...): published
    only when every cell in ``inputs`` is published and it rests on no fewer than 5 units
    (``base_n``, when given)."""

    table: str
    row: int
    column: str
    inputs: tuple = ()
    base_n: int | None = None

    @property
    def key(self) -> tuple:
        return (self.table, self.row, self.column)


@dataclass
class TableSpec:
    """A table to publish, with what its protection needs and how the page shows it.

    ``priority``: among cells at the same place in their tables, those of tables with a
    higher priority are published first (the main tables before their breakdowns).
    ``public``: published figures from public sources, not person-level data (nothing to
    protect). ``caption``, ``formats``, ``labels``, ``show``, ``source`` change only the
    page and the Excel notes, never the CSV."""

    name: str
    frame: pd.DataFrame
    cells: list[Cell] = field(default_factory=list)
    statistics: list[Statistic] = field(default_factory=list)
    priority: int = 0
    public: bool = False
    caption: str = ""
    formats: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    show: list | None = None
    source: str = ""
    #: Column spanners on the page: label -> the columns it spans (adjacent, in order).
    spanners: dict = field(default_factory=dict)
    #: How a column is shown when ``formats`` has no function for it (see formats.column_kind).
    kinds: dict = field(default_factory=dict)
    #: The cells that are concepts of the book (:mod:`.concepts`): (concept, group, row, column).
    concepts: list = field(default_factory=list)
    #: Model estimates: the table's decimal numbers are written to this many significant
    #: digits (None: six decimals), so that their last digit does not depend on the machine.
    significant: int | None = None


def _ids(values) -> np.ndarray:
    return np.asarray(pd.Index(values).dropna().unique(), dtype=object)


class _Selector:
    """The units of each table row: those whose ``by`` values equal the row's, a row value
    ``total`` matching every unit (grouped once, so that large tables stay fast)."""

    def __init__(self, units: pd.DataFrame, by: list[str], total: str):
        self.units, self.by, self.total = units, by, total
        self.keys = units[by].astype(str)
        self.groups = (
            {(k if isinstance(k, tuple) else (k,)): idx for k, idx in self.keys.groupby(by, sort=False).indices.items()}
            if by and len(units)
            else {}
        )

    def rows(self, values: pd.Series) -> np.ndarray:
        wanted = [str(values[b]) for b in self.by]
        if self.total not in wanted:
            return self.groups.get(tuple(wanted), np.zeros(0, dtype=int))
        mask = np.ones(len(self.keys), dtype=bool)
        for b, w in zip(self.by, wanted):
            if w != self.total:
                mask &= (self.keys[b] == w).to_numpy()
        return np.flatnonzero(mask)


def count_cells(
    table: str,
    frame: pd.DataFrame,
    column: str,
    units: pd.DataFrame,
    unit: str,
    by: list[str],
    id_column: str = "unit_id",
    total: str = TOTAL_LABEL,
) -> list[Cell]:
    """Cells of a count column: row ``i`` counts the distinct ``units[id_column]`` whose
    ``by`` columns equal the row's (a row value ``total`` matches every unit).

    Raises ``ValueError`` when a count in ``frame`` is not the number of units so defined:
    the declaration must describe the table exactly."""
    select = _Selector(units, by, total)
    ids = units[id_column].to_numpy(dtype=object)
    cells = []
    for row in range(len(frame)):
        values = frame.iloc[row]
        if pd.isna(values[column]):
            continue
        members = _ids(ids[select.rows(values)])
        if len(members) != int(values[column]):
            raise ValueError(
                f"{table}, row {row}, column {column}: the table says {values[column]}, the units say {len(members)}"
            )
        cells.append(Cell(table, row, column, unit, members, float(values[column])))
    return cells


def rest_cells(table: str, row: int, column: str, whole: list[Cell], parts: list[Cell], base: str | None = None):
    """The cells no table prints but a reader can form: the units of ``whole`` (printed
    cells that add to a total) that are in none of ``parts`` (printed cells breaking the same
    units down by a characteristic some of them lack), and, when the parts are not all in the
    whole, the other way round. A service's cases minus its cases by VUM score gives the
    cases without a score: a count like any other, so it is declared (not printed, with no
    ``product_of``) and a rest of 1-4 is withheld, and what would reveal it, like any small
    count. ``whole`` and ``parts`` are cells of one block; for an amount the rest's value is
    the whole's sum minus the parts' (``base``: the column of the rest count of the same
    row, which the amount is withheld with). Empty when the parts cover the whole exactly."""
    cells = [*whole, *parts]
    if not cells:
        return []
    if len({c.block for c in cells}) != 1:
        raise ValueError(f"{table}: a rest is formed within one block, not across {sorted({c.block for c in cells})}")
    inside = _ids([u for c in whole for u in c.members])
    covered = _ids([u for c in parts for u in c.members])
    unit, measure = cells[0].block
    rests = [(column, np.setdiff1d(inside, covered)), (f"{column}+", np.setdiff1d(covered, inside))]
    if measure != COUNT:
        if len(rests[1][1]):
            return []  # parts beyond the whole: whole minus parts is no one rest's sum
        rest = Cell(table, row, column, unit, rests[0][1], sum(c.value for c in whole) - sum(c.value for c in parts))
        rest.measure, rest.shown = measure, False
        rest.base, rest.base_n = ((table, row, base) if base else None), len(rests[0][1])
        return [rest] if len(rests[0][1]) else []
    return [Cell(table, row, name, unit, m, float(len(m)), shown=False) for name, m in rests if len(m)]


#: A rest of a printed pair is declared when it counts this many units or fewer (a larger
#: one is no small count, and declaring it would only add work).
SMALL_REST = MIN_COUNT - 1


def small_rests(specs: list[TableSpec]) -> list[Cell]:
    """The counts a reader forms from printed numbers, one set inside others, that no table
    declares. For a readable count A and another column W: (1) the smallest cell of W that
    holds all of A's units, and (2) the cells of W that share a row name with A (e.g. the
    municipality's rows of another table), when they do not overlap and hold all of A's
    units. The units of the W cells not in A are a rest; one of 1-4 that is not the units of
    declared cells together (a sum of protected cells, which is published, as by Danmarks
    Statistik and tau-Argus) is declared and protected. Only for columns that nest by
    definition: every cell of A's column is held by W's so. Across every table of a linked
    system (one period of a publication), so also across pages: a municipality's cases (one
    table) minus its cases with a goal (another) are its cases without a goal; its cases
    by service (two rows) minus its cases with a VUM score (a third table) are those
    without one. Each is a cell that is not printed (:func:`rest_cells`), on the row of the
    first W cell, found from which cells share units (sparse products). A column whose
    named rows W holds so nests by definition; its totals (rows with no name, and rows
    marked ``I alt`` whatever their other names: a table of all municipalities together, a
    goal type's row over all municipalities) are compared with the finest W cells they meet,
    so every follow-up with an attainment (one ``I alt`` row) is held against the
    municipalities' follow-ups of another table added up."""
    tokens, totals = {}, set()
    for spec in specs:
        if spec.public:
            continue
        text = [c for c in spec.frame.columns if not pd.api.types.is_numeric_dtype(spec.frame[c])]
        for row, values in enumerate(spec.frame[text].itertuples(index=False, name=None)):
            words = frozenset(str(v) for v in values if not pd.isna(v))
            tokens[(spec.name, row)] = words - {TOTAL_LABEL, ""}
            if TOTAL_LABEL in words:
                totals.add((spec.name, row))
    out: list[Cell] = []
    blocks: dict = {}
    for c in (c for s in specs for c in s.cells if c.measure == COUNT and (c.shown or c.product_of)):
        blocks.setdefault(c.block, []).append(c)
    declared: dict = {}
    for c in (c for s in specs for c in s.cells):
        declared.setdefault(c.block, []).append(c)
    for block, cells in sorted(blocks.items()):
        cells = sorted(cells, key=lambda c: (c.table, c.row, str(c.column)))
        names = [tokens.get((c.table, c.row), frozenset()) for c in cells]
        marked = {i for i, c in enumerate(cells) if (c.table, c.row) in totals}
        out += _block_rests(cells, names, declared[block], marked)
    return out


#: W's rows of one name are compared with A together only up to this many (the check that
#: they do not overlap is quadratic in them).
MAX_MET = 64


def _covers(cells: list[Cell], names: list[frozenset], marked: set[int] = frozenset()) -> dict:
    """(A's column, W's column) -> {A: [(W's cells, the size of their rest, a tag)]}, for
    every readable count A that W holds (see :func:`small_rests`): the smallest W cell that
    holds it; W's rows of one of A's row names; for a total (a row with no name in a column
    with names, or a row marked ``I alt``: ``marked``, e.g. a one-row table of all
    municipalities, or a goal type's row over all municipalities), the finest W cells it
    meets; the rows of W, when they do not overlap."""
    from scipy import sparse

    sets = [frozenset(map(str, c.members)) for c in cells]
    units = {u: i for i, u in enumerate(sorted(set().union(*sets)))}
    rows = np.repeat(np.arange(len(cells)), [len(m) for m in sets])
    cols = np.array([units[u] for m in sets for u in m], dtype=np.int64)
    matrix = sparse.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(cells), len(units)))
    overlap = (matrix @ matrix.T).tocoo()
    shared = {(i, j): int(v) for i, j, v in zip(overlap.row.tolist(), overlap.col.tolist(), overlap.data.tolist())}
    size = [len(m) for m in sets]
    family = [(c.table, str(c.column)) for c in cells]
    named: dict = {}  # (column, name) -> the column's rows with that name
    for j, f in enumerate(family):
        for name in names[j]:
            named.setdefault((f, name), []).append(j)
    has_names = {f for (f, _) in named}
    totals = {i for i, f in enumerate(family) if (not names[i] and f in has_names) or i in marked}
    meets: dict = {}  # cell -> family -> the cells of that family it shares units with
    inside: dict = {}  # cell -> the cells of its own family whose units are a strict part of its
    for i, j in shared:
        if i != j and family[i] != family[j]:
            meets.setdefault(i, {}).setdefault(family[j], []).append(j)
        elif i != j and shared[(i, j)] == size[i] < size[j]:
            inside.setdefault(j, set()).add(i)
    covers: dict = {}
    for i, by_family in meets.items():
        for w, found in by_family.items():
            options = []
            containing = sorted((size[j], j) for j in found if shared[(i, j)] == size[i])
            if containing:  # the smallest cell of W that holds A
                options.append(([containing[0][1]], containing[0][0] - size[i], ""))
            groups = [(f"+{name}", named.get((w, name), [])) for name in sorted(names[i])] if len(found) > 1 else []
            if i in totals and len(found) > 1:  # a total: the finest cells of W it meets
                among = set(found)
                groups.append(("+", [j for j in found if inside.get(j, frozenset()).isdisjoint(among)]))
            for tag, rows in groups:  # W's rows of one of A's names, or a total's finest
                if not 1 < len(rows) <= MAX_MET or sum(shared.get((i, j), 0) for j in rows) != size[i]:
                    continue
                if sum(size[j] for j in rows) == len(frozenset().union(*(sets[j] for j in rows))):  # no overlap
                    options.append((rows, sum(size[j] for j in rows) - size[i], tag))
            if options:
                covers.setdefault((family[i], w), {})[i] = options
    return covers


def _block_rests(cells: list[Cell], names: list[frozenset], declared: list[Cell], marked=frozenset()) -> list[Cell]:
    """:func:`small_rests` within one block (``cells`` readable, in a fixed order; ``marked``:
    those on a row marked ``I alt``)."""
    covers = _covers(cells, names, marked)
    nonempty: dict = {}  # the cells of each column that must be held (a total need not be)
    has_names = {(c.table, str(c.column)) for c, n in zip(cells, names) if n}
    for i, c in enumerate(cells):
        column = (c.table, str(c.column))
        if len(c.members) and (names[i] or column not in has_names):
            nonempty.setdefault(column, set()).add(i)
    small = {}  # declared cells of 1-4 units, by unit: what a rest may be the union of
    for c in declared:
        if 0 < len(c.members) <= SMALL_REST:
            for u in map(str, c.members):
                small.setdefault(u, []).append(frozenset(map(str, c.members)))
    out, seen = [], set()
    for (own, _), found in sorted(covers.items()):
        if not nonempty.get(own, set()) <= set(found):
            continue  # not every cell of A's column lies in W's: no nesting by definition
        for i, options in sorted(found.items()):
            for wholes, held, tag in options:
                if not 0 < held <= SMALL_REST:
                    continue
                whole = [cells[j] for j in sorted(wholes)]
                rest = frozenset(str(u) for c in whole for u in c.members) - frozenset(map(str, cells[i].members))
                if rest in seen:
                    continue
                seen.add(rest)
                inside = [m for u in rest for m in small.get(u, []) if m <= rest]
                if inside and frozenset().union(*inside) == rest:
                    continue
                part = cells[i]
                column = f"{whole[0].column}-{part.table}:{part.row}:{part.column}{tag}"
                out += rest_cells(whole[0].table, whole[0].row, column, whole, [part])
    return out


def paying_ids(amounts: pd.Series) -> np.ndarray:
    """The members of an amount cell: the ids (row labels) of the units that add to it. A
    unit that adds 0 is not part of the amount, so two cells of the same amount over the
    same paying units are one number, whichever other units their tables list."""
    return np.asarray(amounts.index[amounts.to_numpy() != 0].astype(str), dtype=object)


def amount_cells(
    table: str,
    frame: pd.DataFrame,
    column: str,
    units: pd.DataFrame,
    unit: str,
    amount: str,
    by: list[str],
    id_column: str = "unit_id",
    base_column: str | None = None,
    total: str = TOTAL_LABEL,
    mean_of: str | None = None,
    measure: str | None = None,
) -> list[Cell]:
    """Cells of an amount column (the sum of ``units[amount]`` per row, selected as in
    :func:`count_cells`). ``base_column``: the count column of the same rows. With
    ``mean_of`` the column is a *mean* of ``amount``: the cells are the sums behind it
    (``mean x base``), not printed, which a reader can compute from the row. ``measure``
    names the block (default: ``amount``): amounts of one measure over one unit type are
    linked, whichever table they are in."""
    select = _Selector(units, by, total)
    cells = []
    for row in range(len(frame)):
        values = frame.iloc[row]
        if pd.isna(values[column]):
            continue
        part = units.iloc[select.rows(values)]
        # a sum's members are the units that add to it (one that adds 0 is not part of the
        # amount); the sum behind a mean is over every unit the mean divides by
        members = _ids(part[id_column] if mean_of is not None else part.loc[part[amount].to_numpy() != 0, id_column])
        base = (table, row, base_column) if base_column else None
        total_value = float(part[amount].sum())
        if mean_of is None and not np.isclose(total_value, float(values[column]), rtol=1e-6, atol=1e-6):
            raise ValueError(
                f"{table}, row {row}, column {column}: the table says {values[column]}, the units sum to {total_value}"
            )
        cells.append(
            Cell(
                table,
                row,
                column if mean_of is None else f"{column}*{base_column}",
                unit,
                members,
                total_value,
                measure or amount,
                base,
                int(part[id_column].nunique()),
                mean_of is None,
                (column, base_column) if mean_of is not None else None,
            )
        )
    return cells


def statistics(
    table: str, frame: pd.DataFrame, columns: Iterable[str], inputs: Iterable[str], base_n: Iterable | None = None
) -> list[Statistic]:
    """Statistic columns whose row ``i`` rests on the cells of columns ``inputs`` in row
    ``i`` (and on ``base_n[i]`` units, when given)."""
    inputs = tuple(inputs)
    sizes = list(base_n) if base_n is not None else [None] * len(frame)
    out = []
    for column in columns:
        for row in range(len(frame)):
            if pd.isna(frame[column].iloc[row]):
                continue
            n = None if sizes[row] is None or pd.isna(sizes[row]) else int(sizes[row])
            out.append(Statistic(table, row, column, tuple((table, row, c) for c in inputs), n))
    return out


# ----------------------------------------------------------------------------- protection


@dataclass
class Protection:
    """The outcome for one linked system: ``status`` of every cell and statistic
    (``published``, ``primary`` or ``secondary``). ``scope`` names the publication it
    protects (a municipality's children's pages over every period, or the adult pages);
    ``problems`` lists primary cells that earlier releases already give away (nothing the
    new release withholds can help those; the audit reports them too)."""

    status: dict
    group: str = ""
    scope: str = ""
    problems: list = field(default_factory=list)
    #: Identities (:func:`members_key`) of cells the ledger fixed as published that pin a
    #: primary cell: withheld from the start, the publication would protect it.
    demands: list = field(default_factory=list)
    #: The rests of printed pairs the publication declared (:func:`small_rests`), by table:
    #: [row, column, block, unit keys, value] each, for the private record.
    rests: dict = field(default_factory=dict)

    def hidden(self, key) -> bool:
        return self.status.get(key, PUBLISHED) != PUBLISHED

    def include(self, spec: TableSpec) -> None:
        """Add the statistics of a table published after the system was protected (e.g. a
        fitted model): they follow the same rule. Its cells must have been protected with
        the system."""
        missing = [c.key for c in spec.cells if c.key not in self.status]
        if missing:
            raise ValueError(f"{spec.name}: cells not protected with their group: {missing[:3]}")
        for stat in spec.statistics:
            if stat.key not in self.status:
                self.status[stat.key] = _statistic_status(stat, self.status)

    def statuses(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        """``published``/``primary``/``secondary`` per cell of table ``name``."""
        out = pd.DataFrame(PUBLISHED, index=frame.index, columns=frame.columns)
        for (table, row, column), status in self.status.items():
            if table == name and column in out.columns:
                out.iat[row, out.columns.get_loc(column)] = status
        return out

    def view(self, tag: str) -> Protection:
        """The statuses of the tables scoped with ``tag`` (see :func:`scoped`), under their
        own names: what one run of the publication publishes."""
        prefix = f"{tag}/"
        status = {(t[len(prefix) :], r, c): s for (t, r, c), s in self.status.items() if t.startswith(prefix)}
        rests = {t[len(prefix) :]: v for t, v in self.rests.items() if t.startswith(prefix)}
        return Protection(status, f"{self.scope} {tag}".strip(), self.scope, list(self.problems), rests=rests)

    def to_json(self) -> dict:
        return {
            "group": self.group,
            "scope": self.scope,
            "problems": self.problems,
            "status": [[*k, v] for k, v in sorted(self.status.items(), key=lambda kv: _sort_key(kv[0]))],
            "rests": dict(sorted(self.rests.items())),
        }

    @classmethod
    def from_json(cls, data: dict) -> Protection:
        status = {(t, r, c): s for t, r, c, s in data["status"]}
        return cls(
            status, data["group"], data.get("scope", ""), list(data.get("problems", [])), rests=data.get("rests", {})
        )


def scoped(spec: TableSpec, tag: str) -> TableSpec:
    """``spec`` with its tables named ``tag/name`` (cells, bases and statistics' inputs), so
    that the tables of several runs of one publication (e.g. each period) form one linked
    system without their names meeting."""

    def name(table: str) -> str:
        return f"{tag}/{table}"

    cells = [
        replace(c, table=name(c.table), base=None if c.base is None else (name(c.base[0]), *c.base[1:]))
        for c in spec.cells
    ]
    stats = [
        replace(st, table=name(st.table), inputs=tuple((name(k[0]), *k[1:]) for k in st.inputs))
        for st in spec.statistics
    ]
    return replace(spec, name=name(spec.name), cells=cells, statistics=stats)


def unit_keys(members: Iterable) -> np.ndarray:
    """The keys a private record keeps for the units of a cell: a short hash of each unit id
    (the ids are pseudonyms or row keys already; the record never holds them as such). Two
    runs that count the same unit give it the same key, so the audit and a later release
    see which cells share units."""
    return np.array([_unit_key(str(m)) for m in members], dtype=object)


_KEYS: dict[str, str] = {}


def _unit_key(unit: str) -> str:
    key = _KEYS.get(unit)
    if key is None:
        if len(_KEYS) > 2_000_000:
            _KEYS.clear()
        key = _KEYS[unit] = hashlib.blake2b(unit.encode(), digest_size=8).hexdigest()
    return key


def _sort_key(key):
    return (key[0], key[1], str(key[2]))


def atoms(cells: list[Cell]) -> np.ndarray:
    """The 0/1 matrix cells x atoms of one block: units in exactly the same cells form one
    atom (numbered in a fixed order)."""
    signature: dict[object, list[int]] = {}
    for i, cell in enumerate(cells):
        for unit in cell.members:
            signature.setdefault(unit, []).append(i)
    found = sorted({tuple(s) for s in signature.values()})
    matrix = np.zeros((len(cells), len(found)))
    for a, sig in enumerate(found):
        matrix[list(sig), a] = 1.0
    return matrix


def gauss_secondary(
    matrix: np.ndarray,
    primary: np.ndarray,
    order: Iterable[int],
    withheld: np.ndarray | None = None,
    published: np.ndarray | None = None,
) -> np.ndarray:
    """Secondary suppression by Gaussian elimination (Langsrud 2024).

    ``matrix``: cells x atoms; ``primary``: cells that stay hidden; ``order``: the cells,
    most important first. A cell is published unless its vector would bring a primary cell
    into the span of the published vectors. ``withheld`` / ``published``: cells whose status
    an earlier release fixed (``published`` ones should come first in ``order``: they are
    taken into the span whatever they reveal). Returns the mask of hidden cells."""
    hidden = primary.copy()
    if withheld is not None:
        hidden |= withheld
    forced = np.zeros(len(primary), dtype=bool) if published is None else published
    if matrix.shape[1] == 0:  # no units at all: every cell is a published zero
        return hidden
    reduced = matrix[primary].copy()  # the primary vectors, reduced by the published basis
    basis = np.zeros((min(matrix.shape), matrix.shape[1]))  # rows in reduced echelon form
    pivots: list[int] = []
    for j in order:
        if hidden[j] and not forced[j]:
            continue
        b = len(pivots)
        r = matrix[j] - (matrix[j, pivots] @ basis[:b] if b else 0.0)
        k = int(np.argmax(np.abs(r)))
        if abs(r[k]) <= _TOL:
            continue  # already computable from what is published
        r = r / r[k]
        updated = reduced - np.outer(reduced[:, k], r)
        if not forced[j] and len(updated) and (np.abs(updated).max(axis=1) <= _TOL).any():
            hidden[j] = True  # publishing it would reveal a primary cell
            continue
        reduced = updated
        basis[:b] -= np.outer(basis[:b, k], r)
        basis[b] = r
        pivots.append(k)
    return hidden


class _Intervals:
    """What a reader can compute about a cell of one block, given which are withheld.

    A reader knows every published value, that atoms are non-negative (whole numbers for
    counts) and that a withheld count is at least 1 (zeros are shown). A cell is *pinned*
    when that leaves it a single possible value. Linear programmes (HiGHS, warm-started)
    give its range over real atoms; a count is free only if a whole-number solution with
    another value than the true one exists (CP-SAT, then integer programmes where CP-SAT
    cannot tell)."""

    def __init__(self, matrix: np.ndarray, values: np.ndarray, integer: bool, frozen: np.ndarray | None = None):
        import highspy

        self.highspy = highspy
        self.matrix, self.values, self.integer = matrix, values, integer
        self.n_atoms = matrix.shape[1]
        # cells whose status is fixed (an earlier period or release): never withheld to unpin
        self.frozen = np.zeros(len(values), dtype=bool) if frozen is None else frozen
        self.columns = np.arange(self.n_atoms, dtype=np.int32)
        self.inf = highspy.kHighsInf
        self.withheld = np.zeros(len(values), dtype=bool)
        self.binding = np.zeros(len(values), dtype=bool)
        self.range: dict[int, tuple[float, float]] = {}
        # only the objective changes between solves: the last basis stays primal feasible
        self.lp = highs(simplex_strategy=4, presolve="off")  # primal simplex
        # atoms are non-negative (a reader does not know which combinations of groups exist);
        # the large upper bound only keeps every programme bounded (a range that reaches it is
        # as free as an unbounded one)
        self.lp.addVars(self.n_atoms, np.zeros(self.n_atoms), np.full(self.n_atoms, ATOM_CEILING))
        for i in range(matrix.shape[0]):
            idx = np.flatnonzero(matrix[i]).astype(np.int32)
            self.lp.addRow(float(values[i]), float(values[i]), len(idx), idx, np.ones(len(idx)))
        self.ip = None
        # whole-number confirmation only where something is left to decide
        if integer and self.n_atoms <= WHOLE_NUMBER_ATOMS and not self.frozen.all():
            self.ip = highs()
            self.ip.passModel(self.lp.getLp())
            kind = np.array([highspy.HighsVarType.kInteger] * self.n_atoms)
            self.ip.changeColsIntegrality(self.n_atoms, self.columns, kind)

    def _models(self):
        return [m for m in (self.lp, self.ip) if m is not None]

    def _floor(self) -> float:
        return 1.0 if self.integer else 0.0

    def withhold(self, rows: Iterable[int]) -> None:
        for i in rows:
            self.withheld[i] = True
            for m in self._models():
                m.changeRowBounds(int(i), self._floor(), self.inf)

    def publish(self, row: int) -> None:
        self.withheld[row] = False
        for m in self._models():
            m.changeRowBounds(int(row), float(self.values[row]), float(self.values[row]))

    def _end(self, target: int, sign: float) -> float:
        """The cell's max (sign -1) or min (sign +1) over real, non-negative atoms; the cells
        whose published values limit it (non-zero duals) are added to ``self.binding``."""
        self.lp.changeColsCost(self.n_atoms, self.columns, sign * self.matrix[target])
        self.lp.run()  # bounded: every atom is at most ATOM_CEILING
        self.binding |= (np.abs(np.asarray(self.lp.getSolution().row_dual)) > 1e-9) & ~self.withheld
        return sign * self.lp.getInfo().objective_function_value

    def _tolerance(self, target: int) -> float:
        return 0.5 if self.integer else AMOUNT_TOLERANCE * max(abs(self.values[target]), 1.0)

    def _single(self, low: float, high: float, target: int) -> bool:
        """The range leaves one value: for counts, one whole number."""
        if self.integer:
            return np.floor(high + 1e-7) - np.ceil(low - 1e-7) < 1
        return high - low < self._tolerance(target)

    def bounds(self, target: int) -> tuple[float, float]:
        """The cell's range over real, non-negative atoms. The lower end is computed only
        when the upper end does not already let the cell move (then it is the true value)."""
        self.binding = np.zeros(len(self.values), dtype=bool)
        v = float(self.values[target])
        high = self._end(target, -1.0)
        low = v if high - v >= (1.0 - 1e-7 if self.integer else self._tolerance(target)) else self._end(target, 1.0)
        self.range[target] = (low, high)
        return low, high

    def held_by_whole_numbers(self, targets: list[int]) -> list[int]:
        """Of ``targets`` (counts a linear programme already lets move), those that no
        whole-number solution moves off their true value. One integer programme frees
        many cells at once: its objective pushes every unsettled cell towards the end of its
        range farther from its true value."""
        ranges = {t: self.range.get(t) or self.bounds(t) for t in targets}
        unsettled, held = set(targets), []
        while unsettled:
            t = min(unsettled)
            push = np.zeros(len(self.values))
            for q in unsettled:
                low, high = ranges[q]
                push[q] = 1.0 if high - self.values[q] >= self.values[q] - low else -1.0
            x = self._solution_moving(t, ranges[t], push)
            if x is None:
                held.append(t)
                unsettled.discard(t)
                continue
            moved = np.abs(self.matrix @ x - self.values) >= 0.5
            unsettled -= {q for q in unsettled if moved[q]}
        return held

    def _solution_moving(self, target: int, real: tuple[float, float], push: np.ndarray) -> np.ndarray | None:
        """A whole-number solution with the target off its true value (up, else down).
        CP-SAT looks first (it finds one in a fraction of a second where HiGHS' branch and
        bound takes seconds); only when it neither finds one nor proves there is none within
        its deterministic effort does the integer programme (HiGHS) decide."""
        v = float(self.values[target])
        for side in ("up", "down"):
            if side == "down" and real[0] >= v:  # the lower end was not needed so far
                real = (self._end(target, 1.0), real[1])
            low, high = (v + 1, np.floor(real[1] + 1e-9)) if side == "up" else (np.ceil(real[0] - 1e-9), v - 1)
            if high < low:
                continue
            settled, x = self._whole_numbers(target, low, high, push)
            if settled:
                if x is not None:
                    return x
                continue
            self.ip.changeColsCost(self.n_atoms, self.columns, -(push @ self.matrix))
            self.ip.changeRowBounds(int(target), float(low), float(high))
            self.ip.run()
            status = self.ip.getModelStatus()
            self.ip.changeRowBounds(int(target), *((self._floor(), self.inf) if self.withheld[target] else (v, v)))
            if status == self.highspy.HighsModelStatus.kOptimal:  # else infeasible (never unbounded)
                return np.round(np.asarray(self.ip.getSolution().col_value))
        return None

    def _whole_numbers(self, target: int, low: float, high: float, push: np.ndarray) -> tuple[bool, np.ndarray | None]:
        """CP-SAT's answer to "is there a whole-number solution with the target in [low,
        high]?": (True, atoms) when it found one (pushed towards ``push`` within
        ``PUSH_EFFORT``), (True, None) when it proved there is none, (False, None) when it
        could not tell within ``FEASIBILITY_EFFORT``. One worker, a fixed seed and
        deterministic effort (work units, not seconds): the same answer on every machine."""
        from ortools.sat.python import cp_model

        published = ~self.withheld
        # an atom is at most the least published cell it lies in (else the ceiling)
        cap = np.where(self.matrix[published] > 0, self.values[published][:, None], np.inf).min(axis=0, initial=np.inf)
        cap = np.minimum(cap, ATOM_CEILING).astype(np.int64)
        model = cp_model.CpModel()
        x = [model.new_int_var(0, int(c), f"a{a}") for a, c in enumerate(cap)]
        for i in range(len(self.values)):
            idx = np.flatnonzero(self.matrix[i])
            if i == target:
                lo, hi = int(low), int(high)
            elif self.withheld[i]:
                lo, hi = int(self._floor()), int(cap[idx].sum())
            else:
                lo = hi = int(self.values[i])
            model.add_linear_constraint(sum(x[a] for a in idx), lo, hi)
        weights = np.rint(push @ self.matrix).astype(np.int64)
        for effort, objective in ((PUSH_EFFORT, True), (FEASIBILITY_EFFORT, False)):
            if objective and not weights.any():
                continue
            if objective:
                model.maximize(sum(int(w) * x[a] for a, w in enumerate(weights) if w))
            else:
                model.clear_objective()
            solver = cp_model.CpSolver()
            solver.parameters.num_workers = 1
            solver.parameters.random_seed = 1
            solver.parameters.max_deterministic_time = effort
            status = solver.solve(model)
            if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                atoms = np.array([solver.value(v) for v in x], dtype=float)
                if self._agrees(atoms, target, low, high):  # a safeguard: else HiGHS decides
                    return True, atoms
                return False, None
            if status == cp_model.INFEASIBLE:
                return True, None
        return False, None

    def _agrees(self, atoms: np.ndarray, target: int, low: float, high: float) -> bool:
        """Whether whole-number ``atoms`` agree with everything published, keep every withheld
        count at least its floor and put the target in [low, high]."""
        values = self.matrix @ atoms
        lower = np.where(self.withheld, self._floor(), self.values)
        upper = np.where(self.withheld, np.inf, self.values)
        lower[target], upper[target] = low, high
        return bool((atoms >= 0).all() and (values >= lower - 1e-9).all() and (values <= upper + 1e-9).all())

    def screen(self, targets: Iterable[int]) -> set[int]:
        """Of ``targets``, those a linear programme shows free (a solution moves each at least
        one whole unit, or its tolerance, off its true value). One programme pushes every
        unsettled target up at once (then down), so that a few settle most of them; the
        rest are checked one by one (:meth:`pinned`)."""
        unsettled = {int(t) for t in targets}
        for sign in (1.0, -1.0):
            while unsettled:
                cost = -sign * self.matrix[sorted(unsettled)].sum(axis=0)
                self.lp.changeColsCost(self.n_atoms, self.columns, cost)
                self.lp.run()
                if self.lp.getModelStatus() != self.highspy.HighsModelStatus.kOptimal:
                    break
                values = self.matrix @ np.asarray(self.lp.getSolution().col_value)
                moved = {q for q in unsettled if sign * (values[q] - self.values[q]) >= self._move(q)}
                if not moved:
                    break
                unsettled -= moved
        return {int(t) for t in targets} - unsettled

    def _move(self, target: int) -> float:
        return 1.0 - 1e-7 if self.integer else self._tolerance(target)

    def pinned(self, target: int, exact: bool = True) -> bool:
        low, high = self.bounds(target)
        if self._single(low, high, target) or not (exact and self.ip is not None):
            return self._single(low, high, target)
        binding = self.binding
        held = self._solution_moving(target, (low, high), np.zeros(len(self.values))) is None
        self.binding = binding
        return held


def _protect_block(cells: list[Cell], primary: np.ndarray, integer: bool) -> tuple[np.ndarray, list[int], set]:
    """Status of the cells of one block (earlier releases' cells first, then the rest, most
    important first), and the cells of ``primary`` that the earlier releases pin already.

    Cells that sum the same atoms (the same figure in several tables, periods or releases)
    are one *distinct cell*: published or withheld together, offered for publication at the
    rank of the most important of them; a distinct cell an earlier release published stays
    published, one it withheld stays withheld. Linear programmes screen each withheld count;
    integer programmes then confirm that none is held to its value by whole numbers alone."""
    return _ScreenedBlock(cells, primary, integer).confirmed()


class _ScreenedBlock:
    """One block after the Gaussian elimination and the linear screen (the first two stages
    of :func:`_protect_block`); :meth:`confirmed` adds the confirmation by integer
    programmes. Kept apart so that the order chosen by the screen is confirmed from where
    its screen left off, not screened a second time."""

    def __init__(self, cells: list[Cell], primary: np.ndarray, integer: bool):
        self.cells, self.primary = cells, primary
        full = atoms(cells)
        self.empty = full.shape[1] == 0  # zeros only
        if self.empty:
            return
        distinct: dict[bytes, int] = {}
        self.group = np.array([distinct.setdefault(row.tobytes(), len(distinct)) for row in full])
        n = len(distinct)
        first = np.array([np.flatnonzero(self.group == g)[0] for g in range(n)])
        matrix, values = full[first], np.array([cells[i].value for i in first])
        fixed = np.array([c.fixed for c in cells], dtype=object)
        was_published = np.zeros(n, dtype=bool)
        was_withheld = np.zeros(n, dtype=bool)
        np.logical_or.at(was_published, self.group, fixed == PUBLISHED)
        np.logical_or.at(was_withheld, self.group, (fixed != None) & (fixed != PUBLISHED))  # noqa: E711
        was_withheld &= ~was_published
        self.is_primary = np.zeros(n, dtype=bool)
        np.logical_or.at(self.is_primary, self.group, primary)
        self.is_primary &= ~was_published
        order = list(np.flatnonzero(was_published)) + [g for g in range(n) if not was_published[g]]
        self.hidden = gauss_secondary(matrix, self.is_primary, order, withheld=was_withheld, published=was_published)
        self.check = _Intervals(matrix, values, integer, frozen=was_published | was_withheld)
        self.check.withhold(np.flatnonzero(self.hidden))
        self.values, self.was_published = values, was_published
        self.shares = (matrix @ matrix.T) > 0  # cells that count some of the same units
        self.targets = np.flatnonzero(self.is_primary)
        self.given_away: list[int] = []
        self.demands: set[int] = set()  # fixed published cells that pin a primary cell
        free = self.check.screen(self.targets)  # most are free at once; withholding more only frees more
        for t in self.targets:
            if t not in free:
                self._settle(t, exact=False)

    def _settle(self, t: int, exact: bool) -> None:
        """Withhold more until ``t`` is not pinned; when only earlier cells pin it, note it
        and the least of them (the publication withholds that one from the start)."""
        while self.check.pinned(t, exact=exact):
            i = _unpin(t, self.check, self.shares, self.hidden, self.values)
            if i is None:
                self.given_away.append(t)
                self.demands |= _least(self.check.binding & self.was_published, self.values)
                return
            self.hidden[i] = True

    def status(self) -> np.ndarray:
        """Each cell's status as the block stands."""
        if self.empty:
            return np.full(len(self.cells), PUBLISHED, dtype=object)
        status = np.where(self.is_primary, PRIMARY, np.where(self.hidden, SECONDARY, PUBLISHED))[self.group]
        return np.where(self.primary, PRIMARY, np.where(status == PUBLISHED, PUBLISHED, SECONDARY)).astype(object)

    def confirmed(self) -> tuple[np.ndarray, list[int], set]:
        """Confirm with whole numbers (withholding more only ever frees the others); the
        outcome of :func:`_protect_block`."""
        if self.empty:
            return self.status(), [], set()
        if self.check.ip is not None:
            for t in self.check.held_by_whole_numbers([t for t in self.targets if t not in self.given_away]):
                self._settle(t, exact=True)
        lost = set(self.given_away)
        return (
            self.status(),
            [i for i in range(len(self.cells)) if self.group[i] in lost and self.primary[i]],
            {i for i in range(len(self.cells)) if self.group[i] in self.demands},
        )


def _protect_in_best_order(
    cells: list[Cell], orders: list[dict], is_primary, integer: bool
) -> tuple[list[Cell], tuple]:
    """:func:`_protect_block` for the cells of one block in the first of ``orders`` (cell key
    -> sort key) that withholds fewest printed cells besides the small ones, judged by the
    Gaussian elimination and the linear screen; the confirmation by integer programmes, the
    costly part, runs once, on the chosen order, from where its screen left off. Returns the
    cells in the chosen order and the outcome."""
    best = None
    for order in orders:
        ordered = sorted(cells, key=lambda c: order[c.key])
        block = _ScreenedBlock(ordered, np.array([is_primary(c) for c in ordered], dtype=bool), integer)
        withheld = sum(c.shown and st == SECONDARY for c, st in zip(ordered, block.status()))
        if best is None or withheld < best[0]:
            best = (withheld, ordered, block)
    _, ordered, block = best
    return ordered, block.confirmed()


def _least(mask: np.ndarray, values: np.ndarray) -> set[int]:
    """The smallest of the cells in ``mask`` (withholding it loses least), as a set."""
    found = np.flatnonzero(mask)
    return {int(found[np.argmin(values[found])])} if len(found) else set()


#: How many single cells to try before withholding one without proof that it suffices.
UNPIN_TRIES = 1


def _unpin(t: int, check: _Intervals, shares: np.ndarray, hidden: np.ndarray, values: np.ndarray) -> int | None:
    """Withhold one more cell for the pinned cell ``t``: among the published cells whose
    values bind its range (non-zero duals), then the rest of its relations (cells sharing
    units with it, or with a withheld cell that does), the least important one that unpins
    it on its own; failing that (after a few tries), the least important binding cell, and
    the caller checks again. None when no cell is left to withhold (only cells an earlier
    release published bind it)."""
    binding = check.binding.copy()
    near = shares[t] | shares[shares[t] & hidden].any(axis=0)
    order = [i for i in range(len(values))[::-1] if not hidden[i] and values[i] != 0 and not check.frozen[i]]
    candidates = [i for i in order if binding[i]] + [i for i in order if near[i] and not binding[i]]
    if not candidates:
        return None
    for i in candidates[:UNPIN_TRIES]:
        check.withhold([i])
        if not check.pinned(t, exact=False):
            return i
        check.publish(i)
    check.withhold([candidates[0]])
    return candidates[0]


def _rank(specs: list[TableSpec], by_value: bool = False) -> dict:
    """The order in which cells are offered for publication: printed before implied, then
    by the cell's place in its own table (its largest printed number first), table priority
    among cells at the same place, larger values first, then a fixed tie-break, so that the
    outcome is reproducible. Ranking by place rather than by table lets every table keep its
    largest numbers: what must be withheld falls on the smallest numbers of all tables in
    proportion to their size, instead of on whole breakdowns offered last.

    ``by_value``: larger values first across all tables (place, priority and the rest break
    ties), the default order of GaussSuppression. It offers a total before any of its parts,
    which the order by place does not: a model's ``n`` at the top of its table can come before
    the larger total it lies in, and when the two differ by a small count the total is lost,
    and one cell of every breakdown of it with it. :func:`protect` tries both orders."""
    priority = {s.name: s.priority for s in specs}
    place: dict = {}  # a cell's place in its own table, in millionths (whole numbers: no rounding)
    for s in specs:
        by_size = sorted(s.cells, key=lambda c: (not c.shown, -c.value, c.row, str(c.column)))
        place |= {c.key: i * 1_000_000 // len(by_size) for i, c in enumerate(by_size)}
    cells = [c for s in specs for c in s.cells]
    ordered = sorted(
        cells,
        key=lambda c: (
            not c.shown,
            *(
                (-c.value, place[c.key], -priority[c.table])
                if by_value
                else (place[c.key], -priority[c.table], -c.value)
            ),
            c.table,
            c.row,
            str(c.column),
        ),
    )
    return {c.key: i for i, c in enumerate(ordered)}


def members_key(block: tuple, members: Iterable, keyed: bool = False) -> tuple:
    """What identifies a cell across tables, pages, periods and releases: its block and the
    set of units it counts (``keyed``: ``members`` are unit keys already)."""
    keys = sorted(members if keyed else unit_keys(members))
    return (*block, hashlib.sha256("\x1f".join(map(str, keys)).encode()).hexdigest())


def row_labels(frame: pd.DataFrame) -> list[str]:
    """What names each table row, whatever its position: the row's text and date values (e.g.
    ``2016-03-31|new_placements|I alt``), so that a figure of a later release can be matched
    with the same figure of an earlier one (``#<row>`` for a table without text columns)."""
    names = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if not names:
        return [f"#{i}" for i in range(len(frame))]
    return ["|".join(row) for row in frame[names].astype(str).to_numpy()]


def identities(specs: list[TableSpec], status: dict) -> dict:
    """The ledger entries of protected tables: each cell's identity -> its status."""
    return {members_key(c.block, c.members): status[c.key] for s in specs if not s.public for c in s.cells}


def _revises_few(cell: Cell, before: list[tuple]) -> bool:
    """``cell`` revises a figure an earlier release printed (``before``: (value, status) or
    (value, status, unit keys) per release) by 1-4 units: a count whose value moved by 1-4,
    or an amount (a sum, a mean) whose units differ from those it was printed with in 1-4
    (the difference would be the late-registered few units' amount)."""
    printed = [b for b in before if b[1] == PUBLISHED]
    if cell.measure == COUNT:
        return any(0 < abs(cell.value - b[0]) < MIN_COUNT for b in printed)
    units = None
    for b in printed:
        if len(b) > 2 and b[2] is not None:
            units = set(unit_keys(cell.members)) if units is None else units
            if 0 < len(units ^ set(b[2])) < MIN_COUNT:
                return True
    return False


def protect(
    specs: list[TableSpec],
    ledger: dict | None = None,
    scope: str = "",
    revised: dict | None = None,
    history: list[Cell] | None = None,
) -> Protection:
    """Protect the linked system formed by ``specs`` (see the module docstring), given the
    ``ledger`` of cells already published with the same publication (other periods, earlier
    releases; :func:`identities`): a cell that counts exactly the units of a ledger cell is
    the same number, and keeps the status it was published with. ``revised``: the figures
    earlier releases printed, by (table, row label, column) -> (value, status[, unit keys]),
    or a list of them (one per earlier release: a figure revised twice is compared with each
    value it was printed with); a count that revises any of them by 1-4, or an amount whose
    units differ from any of them in 1-4 (late registrations), is withheld, since the revision itself
    would be a count of 1-4 (it is protected like a small count, so that the reader cannot
    compute it from what is shown either, but marked ``secondary``). ``history``: the cells
    of earlier releases themselves (members as unit keys, :func:`unit_keys`; statuses
    fixed), linked with the new tables through the units they share, so that the new
    release is protected together with all before it."""
    specs = [s for s in specs if not s.public]
    rank = _rank(specs)
    by_value = _rank(specs, by_value=True)
    status: dict = {}
    blocks: dict[tuple, list[Cell]] = {}
    revisions: set = set()  # keys of counts withheld because they revise a published one by 1-4
    keyed = bool(history)
    for c in history or []:
        blocks.setdefault(c.block, []).append(c)
    for s in specs:
        labels = row_labels(s.frame) if revised else []
        for c in s.cells:
            fixed = ledger.get(members_key(c.block, c.members)) if ledger else None
            if fixed is None and revised:
                before = revised.get((s.name.split("/", 1)[-1], labels[c.row], str(c.column))) or []
                if _revises_few(c, [before] if isinstance(before, tuple) else before):
                    fixed = SECONDARY
                    revisions.add(c.key)
            if keyed:
                c = replace(c, members=unit_keys(c.members))
            blocks.setdefault(c.block, []).append(replace(c, fixed=fixed) if fixed else c)
    values = {c.key: c.value for b in blocks.values() for c in b}
    earlier = {c.key: (0, -c.value, c.key) for c in history or []}
    orders = [earlier | {k: (1, v, k) for k, v in ranking.items()} for ranking in (rank, by_value)]
    problems: list[str] = []
    demands: set = set()
    for block in sorted(blocks, key=lambda b: (b[1] != COUNT, b)):  # counts first: amounts follow their bases
        if block[1] == COUNT:

            def is_primary(c: Cell) -> bool:
                return (0 < c.value < MIN_COUNT or c.key in revisions) and c.fixed != PUBLISHED

        else:

            def is_primary(c: Cell) -> bool:
                return (
                    c.fixed == PRIMARY
                    or c.key in revisions
                    or (
                        c.fixed is None
                        and (
                            (
                                c.base is not None
                                and (
                                    status.get(c.base, PUBLISHED) != PUBLISHED or 0 < values.get(c.base, 0) < MIN_COUNT
                                )
                            )
                            or (c.base_n is not None and 0 < c.base_n < MIN_COUNT)
                        )
                    )
                )

        counts = block[1] == COUNT
        tried = orders if counts else orders[:1]  # amounts follow their counts' statuses
        cells, (block_status, given_away, binding) = _protect_in_best_order(blocks[block], tried, is_primary, counts)
        problems += [f"{cells[i].table} række {cells[i].row + 2}, kolonne {cells[i].column}" for i in given_away]
        demands |= {members_key(cells[i].block, cells[i].members, keyed) for i in binding}
        for c, st in zip(cells, block_status):
            if c.key in rank:
                status[c.key] = SECONDARY if c.key in revisions and not 0 < c.value < MIN_COUNT else st
    for s in specs:
        for stat in s.statistics:
            status[stat.key] = _statistic_status(stat, status)
    return Protection(status, digest(specs, ledger), scope, problems, sorted(demands))


#: How often a publication's periods are protected again with the cells that pinned another
#: period's small cells withheld from the start.
MAX_ROUNDS = 6


def protect_publication(
    periods: list[list[TableSpec]],
    released: dict | None = None,
    scope: str = "",
    revised: dict | None = None,
    history: list[Cell] | None = None,
) -> Protection:
    """Protect a publication: the tables of each of its periods (scoped, :func:`scoped`) in
    turn, each as one linked system, given the ledger of what was published before it
    (``released``: earlier releases, :func:`identities`; then the periods already done). A
    cell that counts exactly the units of one already published (the same stock or month
    on another page, period or release) is the same number, and keeps its status, so that
    no page prints what another withholds. When a cell one period prints pins a small cell
    of a later one (their pages count the same children), it is withheld from the start and
    the periods are protected again; cells of earlier releases cannot change. ``revised``,
    ``history``: see :func:`protect`."""
    released = dict(released or {})
    rests: dict = {}
    for specs in periods:  # what two printed numbers of the period give (small_rests), declared
        by_name = {s.name: s for s in specs}
        for c in small_rests(specs):
            by_name[c.table].cells.append(c)
            rests.setdefault(c.table, []).append([c.row, c.column, f"{c.unit}:{c.measure}", c.members, c.value])
    forced: dict = {}
    kept: dict[int, dict] = {}  # per period: the statuses of its counts from the last round
    redo = set(range(len(periods)))
    for _ in range(MAX_ROUNDS):
        ledger: dict = {}
        status: dict = {}
        problems: list = []
        demands: set = set()
        failed: list[int] = []
        for i, specs in enumerate(periods):
            fixed = {**({} if i in redo else kept[i]), **ledger, **forced, **released}
            outcome = protect(specs, fixed, scope, revised, history)
            status.update(outcome.status)
            problems += outcome.problems
            new = {tuple(k) for k in outcome.demands if tuple(k) not in released}
            demands |= new
            if outcome.problems:
                failed.append(i)
            own = identities(specs, outcome.status)
            kept[i] = {k: v for k, v in own.items() if k[1] == COUNT}
            ledger.update(own)
        if not demands or demands <= set(forced):
            break
        # a period printed a cell that pins another period's small cell: withhold it from the
        # start. Withholding more never exposes anything, so the periods before the first that
        # failed keep their statuses (with the new cells withheld); it and the later ones are
        # protected again.
        forced.update(dict.fromkeys(demands, SECONDARY))
        redo = set(range(min(failed), len(periods))) if failed else set()
    for entries in rests.values():
        for entry in entries:
            entry[3] = sorted(unit_keys(entry[3]))  # as the private record keeps units
    return Protection(status, scope, scope, problems, rests=rests)


def _statistic_status(stat: Statistic, status: dict) -> str:
    """A statistic is withheld when a cell it rests on is withheld, or its group has 1-4."""
    withheld = any(status.get(k, PUBLISHED) != PUBLISHED for k in stat.inputs)
    withheld |= stat.base_n is not None and 0 < stat.base_n < MIN_COUNT
    return SECONDARY if withheld else PUBLISHED


def digest(specs: list[TableSpec], ledger: dict | None = None) -> str:
    """A digest of everything protection depends on (values, memberships, priorities, and
    the ledger of what the publication published before)."""
    h = hashlib.sha256()
    h.update(json.dumps(sorted((list(k), v) for k, v in (ledger or {}).items())).encode())
    for s in sorted(specs, key=lambda s: s.name):
        if s.public:
            continue
        h.update(json.dumps([s.name, s.priority]).encode())
        for c in s.cells:
            h.update(
                json.dumps([list(c.key), c.unit, c.measure, c.value, c.shown, c.base, c.base_n], default=str).encode()
            )
            h.update(hashlib.sha256("\x1f".join(sorted(map(str, c.members))).encode()).digest())
        for st in s.statistics:
            h.update(json.dumps([list(st.key), [list(k) for k in st.inputs], st.base_n], default=str).encode())
    return h.hexdigest()
