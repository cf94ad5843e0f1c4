"""Disclosure control on systems small enough to check by hand.

Every expectation is verified independently of the protection code: by enumerating every
table of whole numbers that agrees with what is published (``readings``), as a reader with
unlimited patience would."""

import itertools

import numpy as np
import pandas as pd
import pytest

from helpers.publishing import disclosure as d
from helpers.publishing.tables import publish, spreadsheet_safe


def units_of(counts: dict) -> pd.DataFrame:
    """One row per unit: ``unit_id`` and the group columns, ``counts[(g1, g2, ...)]`` units per group."""
    rows = []
    for key, n in counts.items():
        key = key if isinstance(key, tuple) else (key,)
        rows += [key] * n
    frame = pd.DataFrame(rows)
    frame.columns = [f"g{i}" for i in range(frame.shape[1])]
    frame.insert(0, "unit_id", [f"u{i}" for i in range(len(frame))])
    return frame


def tally(units: pd.DataFrame, by: list[str], total: bool = True) -> pd.DataFrame:
    out = units.groupby(by).size().rename("n").reset_index()
    if total:
        out.loc[len(out)] = {**dict.fromkeys(by, "I alt"), "n": len(units)}
    return out


def readings(cells, status):
    """Every assignment of whole numbers to the atoms (0-12 each) that reproduces the
    published cells, with every withheld cell at least 1: what a reader can deduce."""
    atom_of = {}
    for c in cells:
        for u in c.members:
            atom_of.setdefault(u, set()).add(c.key)
    atoms = sorted({frozenset(s) for s in atom_of.values()}, key=sorted)
    found = []
    for sizes in itertools.product(range(13), repeat=len(atoms)):
        values = {c.key: sum(n for a, n in zip(atoms, sizes) if c.key in a) for c in cells}
        ok = all(values[c.key] == c.value if status[c.key] == d.PUBLISHED else values[c.key] >= 1 for c in cells)
        if ok:
            found.append(values)
    return found


def test_a_count_of_one_to_four_is_withheld_and_zero_and_five_are_shown():
    units = units_of({"a": 0, "b": 1, "c": 4, "d": 5, "e": 12})
    table = pd.DataFrame({"g0": list("abcde"), "n": [0, 1, 4, 5, 12]})
    spec = d.TableSpec("t", table, d.count_cells("t", table, "n", units, "child", ["g0"]))
    status = d.protect([spec]).status
    assert [status[("t", i, "n")] for i in range(5)] == ["published", "primary", "primary", "published", "published"]


def test_a_margin_forces_a_second_cell_and_the_reader_cannot_compute_the_first():
    # 20 = 3 + 7 + 10: with the total published, 3 alone would be 20 - 7 - 10
    units = units_of({"a": 3, "b": 7, "c": 10})
    table = tally(units, ["g0"])
    cells = d.count_cells("t", table, "n", units, "child", ["g0"])
    status = d.protect([d.TableSpec("t", table, cells)]).status
    assert status[("t", 0, "n")] == "primary"
    assert status[("t", 1, "n")] == "secondary"  # the smallest other cell goes, not 10 or the total
    assert status[("t", 2, "n")] == status[("t", 3, "n")] == "published"
    seen = {r[("t", 0, "n")] for r in readings(cells, status)}
    assert len(seen) > 1 and 3 in seen


def test_two_small_cells_summing_to_a_known_number_are_not_pinned_by_their_bounds():
    # 1 + 1 + 5 = 7: with 5 and 7 published a reader knows a + b = 2 and both >= 1, so a = b = 1.
    units = units_of({"a": 1, "b": 1, "c": 5})
    table = tally(units, ["g0"])
    cells = d.count_cells("t", table, "n", units, "child", ["g0"])
    status = d.protect([d.TableSpec("t", table, cells)]).status
    assert status[("t", 2, "n")] == "secondary" and status[("t", 3, "n")] == "published"
    for key in (("t", 0, "n"), ("t", 1, "n")):
        assert len({r[key] for r in readings(cells, status)}) > 1, key


def test_tables_that_count_the_same_units_are_protected_together():
    # Table A: children by district; table B: the same children by age group. Each alone
    # looks safe once its own small cell and a partner are withheld, but A's total equals
    # B's total, and B's cells split A's: the relations come from the units themselves.
    units = units_of({("Nord", "0-5"): 2, ("Nord", "6-11"): 6, ("Syd", "0-5"): 7, ("Syd", "6-11"): 9})
    a = tally(units, ["g0"])
    b = tally(units, ["g1"])
    both = units.assign(g2=units["g0"] + "/" + units["g1"])
    c = tally(both, ["g2"], total=False)
    specs = [
        d.TableSpec("a", a, d.count_cells("a", a, "n", units, "child", ["g0"]), priority=2),
        d.TableSpec("b", b, d.count_cells("b", b, "n", units, "child", ["g1"]), priority=2),
        d.TableSpec("c", c, d.count_cells("c", c, "n", both, "child", ["g2"]), priority=1),
    ]
    status = d.protect(specs).status
    assert status[("c", 0, "n")] == "primary"  # Nord/0-5 = 2
    cells = [cell for s in specs for cell in s.cells]
    seen = {r[("c", 0, "n")] for r in readings(cells, status)}
    assert len(seen) > 1
    assert sum(s == d.SECONDARY for s in status.values()) >= 1


def test_a_statistic_follows_every_cell_it_rests_on():
    table = pd.DataFrame({"g0": ["a", "b"], "n": [3, 8], "met": [1, 6], "share": [1 / 3, 6 / 8]})
    units = units_of({"a": 3, "b": 8})
    met = units.groupby("g0").head(1).iloc[:0]
    met = pd.concat([units[units.g0 == "a"].head(1), units[units.g0 == "b"].head(6)])
    cells = d.count_cells("t", table, "n", units, "child", ["g0"]) + d.count_cells(
        "t", table, "met", met, "child", ["g0"]
    )
    stats = d.statistics("t", table, ["share"], ["met", "n"])
    status = d.protect([d.TableSpec("t", table, cells, stats)]).status
    assert status[("t", 0, "share")] == d.SECONDARY  # n = 3 and met = 1 are withheld
    assert status[("t", 1, "share")] == d.PUBLISHED
    # a statistic of a group of 1-4 is withheld even without a published count
    lone = [d.Statistic("t", 0, "share", (), base_n=4), d.Statistic("t", 1, "share", (), base_n=5)]
    status = d.protect([d.TableSpec("t", table, statistics=lone)]).status
    assert [status[("t", i, "share")] for i in range(2)] == [d.SECONDARY, d.PUBLISHED]


def test_amounts_of_small_groups_and_what_reveals_them_are_withheld():
    # spending per step and in total; step b rests on 2 children
    units = pd.DataFrame(
        {
            "unit_id": [f"i{k}" for k in range(9)],
            "g0": list("aaaaabbcc"),
            "cost": [10.0, 20.0, 30.0, 40.0, 50.0, 500.0, 700.0, 5.0, 6.0],
        }
    )
    table = units.groupby("g0").agg(children=("unit_id", "size"), spending=("cost", "sum")).reset_index()
    table.loc[len(table)] = {"g0": "I alt", "children": 9, "spending": units["cost"].sum()}
    cells = d.count_cells("t", table, "children", units, "child", ["g0"])
    cells += d.amount_cells("t", table, "spending", units, "intervention", "cost", ["g0"], base_column="children")
    status = d.protect([d.TableSpec("t", table, cells)]).status
    assert status[("t", 1, "spending")] == d.PRIMARY or status[("t", 1, "spending")] == d.SECONDARY
    hidden_amounts = [i for i in range(4) if status[("t", i, "spending")] != d.PUBLISHED]
    assert len(hidden_amounts) >= 2 or status[("t", 3, "spending")] != d.PUBLISHED  # b's 1,200 not = total - a - c


def test_a_declaration_that_does_not_match_the_table_is_refused():
    units = units_of({"a": 3, "b": 7})
    table = pd.DataFrame({"g0": ["a", "b"], "n": [3, 8]})
    with pytest.raises(ValueError, match="the table says 8"):
        d.count_cells("t", table, "n", units, "child", ["g0"])


def test_protection_is_reproducible_and_its_record_round_trips():
    units = units_of({"a": 3, "b": 7, "c": 10, "d": 2})
    table = tally(units, ["g0"])
    spec = d.TableSpec("t", table, d.count_cells("t", table, "n", units, "child", ["g0"]))
    first, second = d.protect([spec]), d.protect([spec])
    assert first.status == second.status and first.group == second.group
    assert d.Protection.from_json(first.to_json()).status == first.status


def test_withheld_cells_read_two_dots_and_the_note_explains_them(tmp_path):
    units = units_of({"a": 3, "b": 7, "c": 10})
    table = tally(units, ["g0"])
    spec = d.TableSpec("t", table, d.count_cells("t", table, "n", units, "child", ["g0"]))
    published = publish(spec, tmp_path)
    shown = published.display_frame()["n"].tolist()
    assert shown[:2] == ["..", ".."] and shown[2:] == ["10", "20"]
    assert "<5" not in published._repr_html_() and "«..»" in published._repr_html_()
    assert pd.read_csv(tmp_path / "t.csv")["n"].isna().tolist() == [True, True, False, False]


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_spreadsheet_formulas_are_neutralised_in_csv_and_excel(tmp_path, text):
    import zipfile

    safe = "'" + text.replace("\r", "\n")
    assert spreadsheet_safe(text) == safe
    spec = d.TableSpec("t", pd.DataFrame({"group": [text, "ok"], "value": [-1.5, 2.0]}), public=True)
    publish(spec, tmp_path)
    first = pd.read_csv(tmp_path / "t.csv", dtype=str, keep_default_na=False)["group"].iloc[0]
    assert first == safe
    with zipfile.ZipFile(tmp_path / "t.xlsx") as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    from openpyxl import load_workbook

    cell = load_workbook(tmp_path / "t.xlsx").active["A2"]
    assert cell.data_type == "s" and cell.value == safe
    assert load_workbook(tmp_path / "t.xlsx").active["B2"].value == -1.5  # numbers stay numbers


#: A 2 x 2 table with margins over its four inner cells a, b, c, d (the atoms). Rows: a, b,
#: c, d, row 1 (a+b), row 2 (c+d), column 1 (a+c), column 2 (b+d), total.
TWO_BY_TWO = np.array(
    [
        [1, 0, 0, 0],
        [0, 1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
        [1, 1, 0, 0],
        [0, 0, 1, 1],
        [1, 0, 1, 0],
        [0, 1, 0, 1],
        [1, 1, 1, 1],
    ],
    dtype=float,
)


def test_gaussian_elimination_withholds_exactly_what_linear_algebra_needs():
    # A 2 x 2 table with margins, atoms = the four inner cells a (2), b, c, d.
    # Rows: a, b, c, d, row 1 (a+b), row 2 (c+d), column 1 (a+c), column 2 (b+d), total.
    m = TWO_BY_TWO
    primary = np.array([True] + [False] * 8)
    order = [8, 4, 5, 6, 7, 3, 2, 1, 0]  # margins first, then the inner cells from the largest
    hidden = d.gauss_secondary(m, primary, order)
    # with every margin published, a is a margin minus one inner cell, so all four go
    assert hidden.tolist() == [True, True, True, True] + [False] * 5
    # offered first, the inner cells d, c, b stay and the margins that would reveal a go
    hidden = d.gauss_secondary(m, primary, [3, 2, 1, 8, 4, 5, 6, 7, 0])
    assert not hidden[[1, 2, 3]].any() and hidden[[4, 6, 8]].all()
    published = ~hidden
    # independent check: a is not in the span of the published rows
    x, *_ = np.linalg.lstsq(m[published].T, m[0], rcond=None)
    assert np.abs(m[published].T @ x - m[0]).max() > 1e-6


def test_one_publication_withholds_in_every_period_what_pins_a_small_count_in_another():
    """Two periods of one publication. The first prints a stock of 9 children and the 7 of
    them in group x; the second prints the same two numbers (the same children) and the 2
    others. Each period alone is safe, but 9 - 7 gives the 2 away: the publication withholds
    one of the first period's numbers in both periods, and the 2 stays withheld."""
    units = [f"u{i}" for i in range(9)]

    def period(tag, with_small):
        frame = pd.DataFrame(
            {"g": ["alle", "x"] + (["y"] if with_small else []), "n": [9, 7] + ([2] if with_small else [])}
        )
        members = [units, units[:7]] + ([units[7:]] if with_small else [])
        cells = [d.Cell("t", i, "n", "child", np.array(m, dtype=object), float(len(m))) for i, m in enumerate(members)]
        return [d.scoped(d.TableSpec("t", frame, cells), tag)]

    first, second = period("p1", False), period("p2", True)
    alone = d.protect(first)  # on its own the first period withholds nothing
    assert set(alone.status.values()) == {"published"}
    both = d.protect_publication([first, second], scope="kommune-1")
    assert both.problems == []
    assert both.status[("p2/t", 2, "n")] == "primary"
    for row in (0, 1):  # the same figure has the same status in both periods
        assert both.status[("p1/t", row, "n")] == both.status[("p2/t", row, "n")]
    withheld = [row for row in (0, 1) if both.status[("p1/t", row, "n")] != "published"]
    assert len(withheld) == 1  # one of 9 and 7, not both: 9 - 7 no longer gives 2
    # a reader of both periods: whole numbers that agree with everything printed
    cells = [c for s in first + second for c in s.cells]
    values = {r[("p2/t", 2, "n")] for r in readings(cells, both.status)}
    assert len(values) > 1


def test_gaussian_elimination_keeps_every_one_of_several_primary_cells_out_of_reach():
    """Two primary cells (a and d of a 2 x 2 table with margins): a cell whose publication
    would reveal only one of them is withheld too (checked for each primary by least squares,
    independently of the elimination)."""
    m = TWO_BY_TWO
    primary = np.array([True, False, False, True, False, False, False, False, False])
    for order in ([8, 4, 5, 6, 7, 2, 1], [1, 2, 4, 5, 6, 7, 8], [4, 1, 2, 8, 5, 6, 7]):
        hidden = d.gauss_secondary(m, primary, order)
        published = ~hidden
        assert published.any(), order
        for p in np.flatnonzero(primary):
            x, *_ = np.linalg.lstsq(m[published].T, m[p], rcond=None)
            assert np.abs(m[published].T @ x - m[p]).max() > 1e-6, (order, p)
