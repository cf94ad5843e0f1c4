"""Staircase flows on tiny populations checkable by hand, and KORA's Aalborg table."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import interventions_frame
from scipy.stats import chi2

from helpers.analyses import staircase
from helpers.data.paths import REFERENCE_DIR
from helpers.data.periods import age_on
from helpers.publishing.pages import staircase as staircase_page

T0, T1 = "2016-02-01", "2016-08-01"


def as_set(trans):
    return {(r.from_step, r.to_step, r.children) for r in trans.itertuples(index=False)}


def test_boundary_dates_and_interventions_outside_the_dates():
    iv = interventions_frame(
        [
            ("A", 3, "2015-01-01", "2016-02-01"),  # ends on t0: active on t0
            ("B", 2, "2016-08-01", None),  # starts on t1: active on t1
            ("C", 5, "2016-02-02", "2016-07-31"),  # wholly inside the period: on neither date
            ("D", 6, "2014-01-01", "2016-01-31"),  # ended the day before t0
            ("E", 4, "2016-08-02", None),  # starts the day after t1
            ("F", 1, "2016-01-01", "2016-08-01"),  # ends on t1: active on both
        ]
    )
    assert as_set(staircase.transitions(iv, T0, T1)) == {(3, 0, 1), (0, 2, 1), (1, 1, 1)}


def test_concurrent_interventions_count_the_highest_step_once():
    iv = interventions_frame(
        [
            ("F", 1, "2015-01-01", None),
            ("F", 5, "2015-06-01", "2016-05-01"),  # placed on t0, back to step 1 on t1
            ("G", 2, "2015-01-01", None),
            ("G", 2, "2015-09-01", "2016-12-31"),  # two rows, same step: one child
            ("H", 6, "2015-01-01", "2016-03-01"),
            ("H", 6, "2016-03-02", None),  # moved institution: still step 6
            ("I", 3, "2015-01-01", None),
            ("I", 4, "2016-06-01", None),  # up to network care
        ]
    )
    trans = staircase.transitions(iv, T0, T1)
    assert as_set(trans) == {(5, 1, 1), (2, 2, 1), (6, 6, 1), (3, 4, 1)}
    assert list(trans.columns) == ["from_step", "to_step", "children"]
    assert trans["children"].sum() == 4


def test_dates_as_strings_dates_and_timestamps_agree():
    iv = interventions_frame([("A", 3, "2015-01-01", "2016-02-01"), ("B", 2, "2016-08-01", None)])
    a = staircase.transitions(iv, T0, T1)
    b = staircase.transitions(iv, dt.date(2016, 2, 1), pd.Timestamp("2016-08-01"))
    pd.testing.assert_frame_equal(a, b)


def test_iso_date_strings_in_the_frame_are_accepted():
    iv = pd.DataFrame(
        {
            "person_id": ["A", "B"],
            "step": [3, 2],
            "start_date": ["2015-01-01", "2016-08-01"],
            "end_date": ["2016-02-01", None],
        }
    )
    assert as_set(staircase.transitions(iv, T0, T1)) == {(3, 0, 1), (0, 2, 1)}


def test_flow_table_layout_by_hand():
    trans = pd.DataFrame(
        [(5, 1, 1), (2, 2, 1), (6, 6, 1), (3, 0, 1), (0, 2, 1)], columns=["from_step", "to_step", "children"]
    )
    table = staircase.flow_table(trans)
    assert list(table.columns) == [
        "Unikke cpr",
        "Ned ad trappen",
        "Ophørte",
        "1",
        "2",
        "3",
        "4",
        "5",
        "6",
        "Op ad trappen",
    ]
    assert list(table.index) == [
        "6. Institution",
        "5. Plejefamilie",
        "4. Netværkspleje",
        "3. Hjemmebaseret indsats",
        "2. Forebyggende",
        "1. Tidlig indsats (§11, stk. 3)",
        "0. Indsats oprettet i perioden",
        "I alt unikke cpr",
    ]
    assert table.loc["5. Plejefamilie", ["Unikke cpr", "Ned ad trappen", "Ophørte", "1", "Op ad trappen"]].tolist() == [
        1,
        1,
        0,
        1,
        0,
    ]
    assert table.loc["3. Hjemmebaseret indsats", ["Unikke cpr", "Ned ad trappen", "Ophørte"]].tolist() == [1, 1, 1]
    new = table.loc["0. Indsats oprettet i perioden"]
    assert pd.isna(new["Unikke cpr"]) and pd.isna(new["Ophørte"]) and new["2"] == 1 and new["Op ad trappen"] == 1
    total = table.loc["I alt unikke cpr"]
    assert total[["Unikke cpr", "Ned ad trappen", "Ophørte", "1", "2", "6", "Op ad trappen"]].tolist() == [
        4,
        2,
        1,
        1,
        2,
        1,
        1,
    ]


def published_aalborg():
    table = pd.read_csv(REFERENCE_DIR / "reference" / "kora_aalborg_flows_2016.csv", dtype=str)
    return table.set_index("from_step")


def aalborg_records():
    """Individual records built from the published table (independently of helpers.data.synth),
    with concurrent lower steps, boundary dates and distracting interventions."""
    table = published_aalborg()
    rows, k = [], 0
    for a in "6543210":
        r = table.loc[a]
        targets = ([(0, int(r["ended"]))] if a != "0" else []) + [(b, int(r[f"to_{b}"])) for b in range(1, 7)]
        for b, n in targets:
            for i in range(n):
                k += 1
                pid, a_ = f"c{k}", int(a)
                if a_:
                    end = None if b == a_ else ("2016-02-01" if (b == 0 and i % 3 == 0) else "2016-05-01")
                    rows.append((pid, a_, "2015-06-01" if i % 4 else "2016-02-01", end))
                if b and b != a_:
                    start = "2016-05-02" if a_ else ("2016-08-01" if i % 2 else "2016-04-15")
                    rows.append((pid, b, start, None))
                low = min(x for x in (a_, b) if x) if (a_ or b) else 0
                if a_ and b and low > 1:
                    rows.append((pid, 1, "2015-01-01", None))  # concurrent lower step on both dates
                rows.append((pid, 6, "2016-03-01", "2016-04-01"))  # wholly inside the period
                rows.append((pid, 5, "2013-01-01", "2016-01-31"))  # ended before t0
    for i in range(50):  # children on neither date
        rows.append((f"x{i}", 1 + i % 6, "2016-08-02", None))
        rows.append((f"y{i}", 1 + i % 6, "2014-08-02", "2015-01-01"))
    return interventions_frame(rows)


def test_transitions_rebuild_the_aalborg_table_cell_for_cell():
    trans = staircase.transitions(aalborg_records(), T0, T1)
    table = published_aalborg()
    got = {(r.from_step, r.to_step): r.children for r in trans.itertuples(index=False)}
    for a in range(7):
        r = table.loc[str(a)]
        if a:
            assert got.get((a, 0), 0) == int(r["ended"])
        for b in range(1, 7):
            assert got.get((a, b), 0) == int(r[f"to_{b}"]), (a, b)
    assert 0 not in trans["children"].tolist()


def test_flow_table_equals_the_published_aalborg_layout_with_margins():
    table = staircase.flow_table(staircase.transitions(aalborg_records(), T0, T1))
    pub = published_aalborg()
    columns = {
        "Unikke cpr": "unique_children",
        "Ned ad trappen": "down",
        "Ophørte": "ended",
        **{str(b): f"to_{b}" for b in range(1, 7)},
        "Op ad trappen": "up",
    }
    for label, key in zip(table.index, ["6", "5", "4", "3", "2", "1", "0", "total"]):
        for ours, theirs in columns.items():
            expected = pub.at[key, theirs]
            value = table.at[label, ours]
            if pd.isna(expected):
                assert pd.isna(value), (label, ours)
            else:
                assert int(value) == int(expected), (label, ours)


def goodman(counts, alpha=0.05):
    """Goodman's simultaneous intervals, written out from the formula."""
    counts = np.asarray(counts, dtype=float)
    n, k = counts.sum(), len(counts)
    a = chi2.ppf(1 - alpha / k, 1)
    root = np.sqrt(a * (a + 4 * counts * (n - counts) / n))
    return (a + 2 * counts - root) / (2 * (n + a)), (a + 2 * counts + root) / (2 * (n + a))


def test_movement_shares_by_hand():
    steps = pd.DataFrame(
        {"person_id": list("abcdefg"), "from_step": [2, 2, 2, 2, 2, 2, 0], "to_step": [2, 2, 2, 0, 1, 5, 3]}
    )
    shares = staircase.movement_shares(steps).set_index("direction")
    assert shares["children"].to_dict() == {"ned": 2, "samme": 3, "op": 1}
    assert (shares["n"] == 6).all()
    assert shares["share"].tolist() == pytest.approx([2 / 6, 3 / 6, 1 / 6])
    low, high = goodman([2, 3, 1])
    assert shares["ci_low"].tolist() == pytest.approx(low)
    assert shares["ci_high"].tolist() == pytest.approx(high)
    # step 1 is a starting step too (only step 0, a new child, is not): two groups, in step order
    steps = pd.concat([steps, pd.DataFrame({"person_id": ["h", "i"], "from_step": [1, 1], "to_step": [0, 3]})])
    shares = staircase.movement_shares(steps)
    assert shares["from_step"].tolist() == [1, 1, 1, 2, 2, 2]
    assert shares.loc[shares["from_step"] == 1, "children"].tolist() == [1, 0, 1]
    assert shares.columns.tolist() == ["from_step", "direction", "children", "n", "share", "ci_low", "ci_high"]
    assert shares.index.tolist() == list(range(6))


def test_groups_come_in_their_natural_order():
    """Age groups by age, not as text (0-5, 6-11, 12-17, 18-22, then Ukendt)."""
    groups = ["12-17 år", "6-11 år", "Ukendt", "0-5 år", "18-22 år"]
    steps = pd.DataFrame({"person_id": list("abcde"), "from_step": [2] * 5, "to_step": [2] * 5, "age_group": groups})
    shares = staircase.movement_shares(steps, by="age_group")
    assert list(dict.fromkeys(shares["age_group"])) == ["0-5 år", "6-11 år", "12-17 år", "18-22 år", "Ukendt"]
    assert shares["direction"].tolist()[:3] == ["ned", "samme", "op"]  # each group's rows as made


def test_age_on_and_age_groups():
    born = pd.Series(pd.to_datetime(["2010-02-02", "2010-02-01", "1998-01-01", "1990-01-01", "1993-02-02", None]))
    ages = age_on(born, "2016-02-01")
    assert ages.tolist()[:5] == [5, 6, 18, 26, 22] and pd.isna(ages.iloc[5])
    # over 22 has a label of its own; only a missing birth date is unknown
    groups = staircase.age_group(ages)
    assert groups.tolist()[:5] == ["0-5 år", "6-11 år", "18-22 år", "23 år og derover", "18-22 år"]
    assert pd.isna(groups.iloc[5])


def test_child_attributes_come_from_the_defining_intervention():
    iv = interventions_frame([("A", 1, "2015-01-01", None), ("A", 5, "2015-01-01", None), ("B", 2, "2016-05-01", None)])
    iv["district"] = ["Nord", "Syd", "Øst"]
    iv["target_group"] = ["udsat", "handicap", "udsat"]
    iv["birth_date"] = pd.to_datetime(["2005-01-01", "2005-01-01", "2014-03-01"])
    attrs = staircase.child_attributes(iv, T0, T1).set_index("person_id")
    assert attrs.loc["A"].tolist() == ["Syd", "handicap", "6-11 år"]
    assert attrs.loc["B"].tolist() == ["Øst", "udsat", "0-5 år"]


class _Report:
    """What the staircase page needs of a report: the rows and the period."""

    def __init__(self, interventions):
        self.interventions = interventions
        self.period_start, self.period_end = pd.Timestamp(T0), pd.Timestamp(T1)

    def rows(self, table):
        return self.interventions


def test_every_count_of_the_page_is_declared_with_the_children_it_counts():
    specs = {s.name: s for s in staircase_page.specs(_Report(aalborg_records()))}
    assert set(specs) >= {"flow_table", "transitions", "movement_shares", "staircase_summary"}
    flow = specs["flow_table"]
    # every number of KORA's table is a cell of the linked system, with as many children as it says
    numbers = flow.frame[[staircase_page.FLOW_FILE_COLUMNS[c] for c in staircase.FLOW_COLUMNS]].notna().to_numpy().sum()
    assert len(flow.cells) == numbers == 7 * 10 + 7  # rows 1-6 and I alt: 10 columns; row 0: 7
    assert all(len(c.members) == c.value for s in specs.values() for c in s.cells if c.measure == "count")
    # the same figure in two tables counts the same children (so they are protected as one)
    same = {frozenset(c.members) for c in flow.cells if c.row == 2 and c.column == "up"}
    shares = specs["movement_shares"]
    op4 = [
        c
        for c in shares.cells
        if c.column == "children"
        and shares.frame["from_step"].iloc[c.row] == 4
        and shares.frame["direction"].iloc[c.row] == "op"
    ]
    assert {frozenset(op4[0].members)} == same


def test_published_tables_agree_and_hide_the_same_counts(tmp_path):
    from helpers.publishing.disclosure import protect
    from helpers.publishing.tables import publish

    specs = staircase_page.specs(_Report(aalborg_records()))
    protection = protect(specs)
    for spec in specs:
        publish(spec, tmp_path, protection)
    trans = pd.read_csv(tmp_path / "transitions.csv")
    assert not ((trans["children"] > 0) & (trans["children"] < 5)).any()
    ft = pd.read_csv(tmp_path / "flow_table.csv").set_index("step_at_start")
    # a transitions cell is published exactly when the same flow-table cell is
    for r in trans.itertuples(index=False):
        label = ft.index[6 - r.from_step] if r.from_step else "0. Indsats oprettet i perioden"
        column = "ended" if r.to_step == 0 else f"to_{r.to_step}"
        assert pd.isna(r.children) == pd.isna(ft.at[label, column])
    ms = pd.read_csv(tmp_path / "movement_shares.csv")
    for column in ("share", "ci_low", "ci_high"):
        assert ms.loc[ms["children"].isna() | ms["n"].isna(), column].isna().all()
    for by in staircase.BREAKDOWNS:
        data = pd.read_csv(tmp_path / f"movement_shares_by_{by}.csv")
        assert not ((data["children"] > 0) & (data["children"] < 5)).any()
        assert not ((data["n"] > 0) & (data["n"] < 5)).any()
        assert data.loc[data["n"].isna(), "ci_high"].isna().all()  # no interval reveals a withheld base


def test_at_most_a_third_of_the_aalborg_cells_of_five_or_more_are_withheld(tmp_path):
    from helpers.publishing.disclosure import protect
    from helpers.publishing.tables import publish

    specs = staircase_page.specs(_Report(aalborg_records()))
    flow = next(s for s in specs if s.name == "flow_table")
    publish(flow, tmp_path, protect(specs))
    published = pd.read_csv(tmp_path / "flow_table.csv").set_index("step_at_start")
    reference = pd.read_csv(REFERENCE_DIR / "reference" / "kora_aalborg_flows_2016.csv", dtype=str)
    true = flow.frame.set_index("step_at_start")
    columns = [staircase_page.FLOW_FILE_COLUMNS[c] for c in staircase.FLOW_COLUMNS]
    large = [(r, c) for r in true.index for c in columns if not pd.isna(true.at[r, c]) and true.at[r, c] >= 5]
    withheld = [(r, c) for r, c in large if pd.isna(published.at[r, c])]
    assert len(reference) == 8
    assert len(withheld) <= len(large) / 3, withheld
    small = [(r, c) for r in true.index for c in columns if not pd.isna(true.at[r, c]) and 0 < true.at[r, c] < 5]
    assert small and all(pd.isna(published.at[r, c]) for r, c in small)


def test_key_messages_leave_out_what_is_withheld(tmp_path):
    from helpers.publishing.disclosure import protect
    from helpers.publishing.tables import publish

    iv = interventions_frame([("A", 3, "2015-01-01", "2016-02-01"), ("B", 2, "2016-08-01", None)])
    specs = staircase_page.specs(_Report(iv))
    summary = publish(next(s for s in specs if s.name == "staircase_summary"), tmp_path, protect(specs))
    text = " ".join(staircase_page.key_messages(summary, T0, T1))
    assert " 1 " not in text and "100 %" not in text and "<5" not in text
    iv = interventions_frame([(f"c{i}", 5, "2015-01-01", None) for i in range(30)])
    specs = staircase_page.specs(_Report(iv))
    summary = publish(next(s for s in specs if s.name == "staircase_summary"), tmp_path, protect(specs))
    text = " ".join(staircase_page.key_messages(summary, T0, T1))
    assert "Af de 30 børn og unge" in text and "var 100 % på samme trin" in text


def test_among_equal_highest_steps_the_earliest_start_sets_the_childs_attributes():
    """Two active interventions on the same (highest) step: the one that started first
    decides the child's district and target group; a lower step never does."""
    frame = interventions_frame(
        [
            ("c1", 4, "2016-03-01", None),  # same step, later start
            ("c1", 4, "2015-06-01", None),  # same step, earliest start: this one
            ("c1", 2, "2014-01-01", None),  # lower step, earliest of all
        ]
    )
    frame["district"] = ["Nord", "Syd", "Vest"]
    frame["target_group"] = ["handicap", "udsat", "handicap"]
    top = staircase.highest_active(frame, pd.Timestamp("2016-06-01"))
    assert top[["person_id", "step", "district", "target_group"]].values.tolist() == [["c1", 4, "Syd", "udsat"]]
    attributes = staircase.child_attributes(frame, pd.Timestamp("2016-06-01"), pd.Timestamp("2016-12-01"))
    assert attributes[["district", "target_group"]].values.tolist() == [["Syd", "udsat"]]


# ---------------------------------------------------------------------------- edges, by hand


def test_a_period_without_children_gives_empty_tables_of_the_right_shape():
    iv = interventions_frame([("A", 3, "2010-01-01", "2011-01-01")])  # over long before t0
    result = staircase.analyse(iv, T0, T1)
    assert result.empty and result.transitions.empty
    assert result.steps.columns.tolist() == [
        "person_id",
        "from_step",
        "to_step",
        "district",
        "target_group",
        "age_group",
    ]
    assert result.matrix.shape == (7, 7) and int(result.matrix.to_numpy().sum()) == 0
    assert result.shares.empty
    assert result.shares.columns.tolist() == ["from_step", "direction", "children", "n", "share", "ci_low", "ci_high"]
    by = result.shares_by("district")
    assert by.empty and by.columns.tolist()[:2] == ["district", "step_group"]
    table = result.flow_table
    assert table.loc[staircase.ROW_TOTAL, "Unikke cpr"] == 0 and (table.dtypes == "Int64").all()
    assert (result.t0, result.t1) == (pd.Timestamp(T0), pd.Timestamp(T1))


def test_the_matrix_is_seven_by_seven_whole_numbers():
    trans = pd.DataFrame({"from_step": [0, 6], "to_step": [3, 0], "children": [2, 5]})
    matrix = staircase.cell_matrix(trans)
    assert matrix.shape == (7, 7) and list(matrix.index) == list(range(7)) and list(matrix.columns) == list(range(7))
    assert matrix.loc[0, 3] == 2 and matrix.loc[6, 0] == 5 and int(matrix.to_numpy().sum()) == 7
    assert all(pd.api.types.is_integer_dtype(t) for t in matrix.dtypes)


def test_steps_and_transitions_come_in_order_of_child_and_step():
    iv = interventions_frame([("B", 2, "2015-01-01", None), ("A", 5, "2015-01-01", None), ("C", 1, "2015-01-01", None)])
    assert staircase.step_on(iv, T0).to_dict() == {"A": 5, "B": 2, "C": 1}
    assert list(staircase.step_on(iv, T0).index) == ["A", "B", "C"]
    trans = staircase.transitions(iv, T0, T1)
    assert list(zip(trans["from_step"], trans["to_step"])) == [(1, 1), (2, 2), (5, 5)]
    top = staircase.highest_active(
        interventions_frame([("B", 2, "2015-01-01", None), ("A", 5, "2015-01-01", None), ("A", 1, "2014-01-01", None)]),
        T0,
    )
    assert top["person_id"].tolist() == ["A", "B"] and top["step"].tolist() == [5, 2]


def test_shares_with_another_confidence_level_and_by_group_numbered_from_zero():
    steps = pd.DataFrame(
        {
            "person_id": list("abcdefgh"),
            "from_step": [2, 2, 2, 2, 3, 3, 3, 0],
            "to_step": [2, 1, 0, 4, 3, 3, 6, 1],
            "district": ["Syd", "Syd", "Nord", "Nord", "Syd", "Nord", "Nord", "Syd"],
        }
    )
    shares = staircase.movement_shares(steps, alpha=0.10).set_index(["from_step", "direction"])
    low, high = goodman([2, 1, 1], alpha=0.10)
    assert shares.loc[2, "ci_low"].tolist() == pytest.approx(low)
    assert shares.loc[2, "ci_high"].tolist() == pytest.approx(high)
    by = staircase.movement_shares(steps, by="district")
    assert by.index.tolist() == list(range(len(by))) and "index" not in by.columns
    assert by[["district", "from_step"]].drop_duplicates().values.tolist() == [
        ["Nord", 2], ["Nord", 3], ["Syd", 2], ["Syd", 3],
    ]  # fmt: skip
    assert by.loc[(by["district"] == "Nord") & (by["from_step"] == 2), "children"].tolist() == [1, 0, 1]


def test_breakdowns_count_moves_per_half_of_the_staircase_each_from_the_childs_own_step():
    """By hand: Nord has c (2->0, ned), d (2->4, op), f (3->3, samme), g (3->6, op) on steps
    1-3; Syd has a (2->2, samme), b (2->1, ned), e (3->3, samme) on 1-3 and i (5->4, ned) on
    4-6; h had no intervention at the start. A move from 2 to 4 is up although it leaves the
    preventive half; 3 -> 3 stays."""
    steps = pd.DataFrame(
        {
            "person_id": list("abcdefghi"),
            "from_step": [2, 2, 2, 2, 3, 3, 3, 0, 5],
            "to_step": [2, 1, 0, 4, 3, 3, 6, 1, 4],
            "district": ["Syd", "Syd", "Nord", "Nord", "Syd", "Nord", "Nord", "Syd", "Syd"],
        }
    )
    by = staircase.movement_shares(steps, by="district", start="step_group")
    assert by.columns.tolist()[:3] == ["district", "step_group", "direction"]
    got = {(r.district, r.step_group, r.direction): (r.children, r.n) for r in by.itertuples(index=False)}
    assert got == {
        ("Nord", "1-3", "ned"): (1, 4), ("Nord", "1-3", "samme"): (1, 4), ("Nord", "1-3", "op"): (2, 4),
        ("Syd", "1-3", "ned"): (1, 3), ("Syd", "1-3", "samme"): (2, 3), ("Syd", "1-3", "op"): (0, 3),
        ("Syd", "4-6", "ned"): (1, 1), ("Syd", "4-6", "samme"): (0, 1), ("Syd", "4-6", "op"): (0, 1),
    }  # fmt: skip
    assert by.loc[(by["district"] == "Nord") & (by["direction"] == "op"), "share"].tolist() == [0.5]


def test_attributes_of_a_child_whose_district_target_group_or_birth_date_is_missing_are_unknown():
    iv = interventions_frame([("A", 3, "2015-01-01", None), ("B", 2, "2015-01-01", None)])
    bare = staircase.child_attributes(iv, T0, T1).set_index("person_id")
    assert bare.loc["A"].tolist() == ["Ukendt", "Ukendt", "Ukendt"]
    iv["district"] = ["Nord", None]
    iv["target_group"] = [None, "udsat"]
    iv["birth_date"] = pd.to_datetime(["2016-05-01", None])  # A is not born on t0 (placed before birth)
    attrs = staircase.child_attributes(iv, T0, T1).set_index("person_id")
    assert attrs.loc["A"].tolist() == ["Nord", "Ukendt", "0-5 år"]
    assert attrs.loc["B"].tolist() == ["Ukendt", "udsat", "Ukendt"]


def test_age_groups_at_each_edge():
    ages = pd.Series([-1, 0, 5, 6, 11, 12, 17, 18, 22, 23, 80, np.nan], index=range(20, 32))
    assert staircase.age_group(ages).tolist() == [
        "0-5 år", "0-5 år", "0-5 år", "6-11 år", "6-11 år", "12-17 år", "12-17 år", "18-22 år", "18-22 år",
        "23 år og derover", "23 år og derover", pd.NA,
    ]  # fmt: skip
    assert staircase.age_group(ages).index.tolist() == list(range(20, 32))
