"""The one publishing function: files, page and record (protection itself: test_disclosure)."""

import hashlib
import json

import pandas as pd
import pytest

from helpers.publishing.disclosure import TableSpec, count_cells
from helpers.publishing.tables import publish


def spec_of(frame: pd.DataFrame) -> TableSpec:
    units = pd.DataFrame(
        [
            (f"{r.from_step}-{r.to_step}-{i}", r.from_step, r.to_step)
            for r in frame.itertuples()
            for i in range(r.children)
        ],
        columns=["unit_id", "from_step", "to_step"],
    )
    cells = count_cells("transitions", frame, "children", units, "child", ["from_step", "to_step"])
    return TableSpec("transitions", frame, cells, caption="Overgange")


def test_publish_writes_protected_csv_and_excel_and_the_auditors_record(tmp_path):
    frame = pd.DataFrame({"from_step": [1, 1, 2], "to_step": [0, 2, 2], "children": [2, 9, 40]})
    pub = publish(spec_of(frame), tmp_path)
    csv = pd.read_csv(tmp_path / "transitions.csv")
    xlsx = pd.read_excel(tmp_path / "transitions.xlsx")
    assert csv["children"].isna().tolist() == [True, False, False]
    assert xlsx["children"].isna().tolist() == [True, False, False]
    assert (tmp_path / "transitions.csv").read_text().splitlines()[1] == "1,0,"
    html = pub._repr_html_()
    assert "transitions.csv" in html and "transitions.xlsx" in html and "Overgange" in html
    record = json.loads((tmp_path / "disclosure.json").read_text())
    cells = record["tables"]["transitions"]["cells"]
    assert [(row, column, status) for row, column, status, *_ in cells] == [
        (0, "children", "primary"),
        (1, "children", "published"),
        (2, "children", "published"),
    ]
    assert all(c[3] == "child:count" and isinstance(c[4], list) for c in cells)
    listing = json.loads((tmp_path / "published.json").read_text())
    assert listing["transitions"]["withheld"] == {"primary": 1, "secondary": 0}
    assert "1-0-0" not in (tmp_path / "disclosure.json").read_text()  # atoms are numbers, never unit ids


def test_published_files_are_byte_stable(tmp_path):
    frame = pd.DataFrame({"from_step": [1, 1, 2], "to_step": [0, 2, 2], "children": [2, 9, 40]})
    digests = []
    for sub in ("a", "b"):
        publish(spec_of(frame), tmp_path / sub)
        digests.append(
            [
                hashlib.sha256((tmp_path / sub / f"transitions.{ext}").read_bytes()).hexdigest()
                for ext in ("csv", "xlsx")
            ]
        )
    assert digests[0] == digests[1]


@pytest.mark.parametrize("value, shown", [(1234567, "1.234.567"), (0.5, "0,50"), (12.0, "12,00")])
def test_danish_number_format(value, shown):
    from helpers.publishing.tables import _da_number

    assert _da_number(value) == shown
