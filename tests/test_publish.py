import hashlib

import pandas as pd
import pytest

from helpers.publishing.disclosure import complementary, suppress
from helpers.publishing.tables import publish


def test_counts_one_to_four_are_suppressed_zero_and_five_are_not():
    frame = pd.DataFrame({"group": list("abcdef"), "children": [0, 1, 4, 5, 12, 3]})
    out, mask = suppress(frame, counts=["children"])
    assert mask["children"].tolist() == [False, True, True, False, False, True]
    assert out["children"].isna().tolist() == [False, True, True, False, False, True]
    assert out["children"].dropna().tolist() == [0, 5, 12]


def test_statistics_of_small_groups_are_suppressed():
    frame = pd.DataFrame({"cases": [3, 8], "mean": [100.0, 200.0], "median": [90.0, 210.0]})
    out, _ = suppress(frame, counts=["cases"], statistics={"mean": "cases", "median": "cases"})
    assert out["mean"].isna().tolist() == [True, False]
    assert out["median"].isna().tolist() == [True, False]


def test_publish_writes_suppressed_csv_and_excel(tmp_path):
    frame = pd.DataFrame({"from_step": [1, 1, 2], "to_step": [0, 2, 2], "children": [2, 9, 40]})
    pub = publish(frame, "transitions", tmp_path, counts=["children"])
    csv = pd.read_csv(tmp_path / "transitions.csv")
    xlsx = pd.read_excel(tmp_path / "transitions.xlsx")
    assert csv["children"].isna().tolist() == [True, False, False]
    assert xlsx["children"].isna().tolist() == [True, False, False]
    assert (tmp_path / "transitions.csv").read_text().splitlines()[1] == "1,0,"
    html = pub._repr_html_()
    assert "&lt;5" in html and "transitions.csv" in html and "transitions.xlsx" in html


def test_published_files_are_byte_stable(tmp_path):
    frame = pd.DataFrame({"district": ["Øst", "Vest"], "share": [0.25, 0.75], "n": [20, 40]})
    digests = []
    for sub in ("a", "b"):
        publish(frame, "t", tmp_path / sub, counts=["n"])
        digests.append(
            [hashlib.sha256((tmp_path / sub / f"t.{ext}").read_bytes()).hexdigest() for ext in ("csv", "xlsx")]
        )
    assert digests[0] == digests[1]


def test_complementary_hides_a_second_term_of_each_relation():
    # total 20 = 3 + 7 + 10: hiding 3 alone would be revealed by 20 - 7 - 10.
    values = {"t": 20, "a": 3, "b": 7, "c": 10}
    hidden = complementary(values, {"a": True}, [("t", ["a", "b", "c"])])
    assert hidden == {"a": True, "b": True}


def test_complementary_leaves_protected_relations_alone():
    values = {"t": 20, "a": 3, "b": 2, "c": 15}
    assert complementary(values, {"a": True, "b": True}, [("t", ["a", "b", "c"])]) == {"a": True, "b": True}


def test_complementary_cascades_through_shared_cells():
    # rows r1 = a + b, r2 = c + d; column col = a + c. Hiding a forces b (row) and c (column), then d.
    values = {"r1": 10, "a": 2, "b": 8, "r2": 30, "c": 12, "d": 18, "col": 14}
    eq = [("r1", ["a", "b"]), ("r2", ["c", "d"]), ("col", ["a", "c"])]
    hidden = complementary(values, {"a": True}, eq)
    assert {k for k, v in hidden.items() if v} == {"a", "b", "c", "d"}


@pytest.mark.parametrize("value, shown", [(1234567, "1.234.567"), (0.5, "0,50"), (12.0, "12,00")])
def test_danish_number_format(value, shown):
    from helpers.publishing.tables import _da_number

    assert _da_number(value) == shown


def test_group_totals_hide_a_second_cell_in_each_group(tmp_path):
    # municipality 1: 3 + 10 + 12 = 25 -> hiding 3 alone is undone by 25 - 10 - 12
    frame = pd.DataFrame(
        {
            "municipality": [1, 1, 1, 2, 2],
            "goal_type": ["a", "b", "c", "a", "b"],
            "cases": [3, 10, 12, 20, 30],
            "n": [25, 25, 25, 50, 50],
        }
    )
    publish(frame, "types", tmp_path, counts=["cases", "n"], totals={"cases": ("municipality", "n")})
    out = pd.read_csv(tmp_path / "types.csv")
    assert out["cases"].isna().tolist() == [True, True, False, False, False]
    assert out["n"].notna().all()
