"""Every CSV the project writes is spreadsheet-safe (issue #25, item 4)."""

import pandas as pd
from conftest import reportbook, write_csv

from helpers import load
from helpers.data.dataset import write_rejects
from helpers.data.safecsv import safe_frame, spreadsheet_safe


def test_formula_starts_are_quoted_in_cells_and_headers():
    frame = pd.DataFrame({'=HYPERLINK("http://x")': ["=1+1", "+45", "-3 kr", "@sum", "ok"], "n": [1, -2, 3, 4, 5]})
    safe = safe_frame(frame)
    assert list(safe.columns) == ['\'=HYPERLINK("http://x")', "n"]
    assert safe.iloc[:, 0].tolist() == ["'=1+1", "'+45", "'-3 kr", "'@sum", "ok"]
    assert safe["n"].tolist() == [1, -2, 3, 4, 5]  # numbers are numbers, also negative ones
    assert spreadsheet_safe("a\r\nb") == "a\nb"


def test_a_formula_header_does_not_reach_rejects_or_notes_live(tmp_path):
    write_csv(
        tmp_path / "data" / "interventions.csv",
        'person_id,municipality,target_group,measure,start_date,birth_date,"=HYPERLINK(""http://evil"",""klik"")"\n'
        "p1,851,udsat,§11 stk. 3,2016-01-01,2010-01-01,ring 010203-1234\n"  # a note names the column
        "p2,851,forkert,§11 stk. 3,2016-01-01,2010-01-01,=cmd|'/c calc'!A1\n",
    )
    data = load(tmp_path / "data", key=b"k" * 16, use_cache=False)
    assert data.rejected == 1
    write_rejects(data, tmp_path / "out")
    for name in ("rejects.csv", "notes.csv", "data_quality.csv"):
        for line in (tmp_path / "out" / name).read_text(encoding="utf-8").splitlines():
            for field in pd.read_csv(pd.io.common.StringIO(line + "\n"), header=None, dtype=str).iloc[0].dropna():
                assert not str(field).startswith(("=", "+", "@")), (name, field)
    done = reportbook("validate", tmp_path / "data", "--rejects", tmp_path / "cli", env={"REPORTBOOK_SECRET": "k" * 16})
    assert done.returncode == 1
    notes = (tmp_path / "cli" / "notes.csv").read_text(encoding="utf-8")
    assert "'=hyperlink" in notes.casefold() and ",=" not in notes and '"=' not in notes


def test_an_amount_shaped_like_a_cpr_number_is_written_in_exponent_form(tmp_path):
    """1,005,941,994.51 kr. (a three-year spending of the default book) reads as 100594-1994
    to a CPR scanner: the CSV and the Excel file hold it in exponent form, which parses back
    to the same number; a column without such a number keeps Python's shortest form."""
    import re
    import zipfile

    from helpers.publishing.disclosure import TableSpec
    from helpers.publishing.tables import publish

    scan = re.compile(r"[0-3][0-9][01][0-9]{3}-?[0-9]{4}")  # as tests/test_book.py scans the site
    frame = pd.DataFrame({"figure": ["a", "b"], "value": [1005941994.51089, 2.5], "other": [328021578.068576, 1.5]})
    spec = TableSpec("amounts", frame, [], public=True)
    publish(spec, tmp_path)
    text = (tmp_path / "amounts.csv").read_text(encoding="utf-8")
    assert not scan.search(text), text
    assert "1.00594199451089e+09" in text and "328021578.068576" in text and ",2.5," in text
    assert pd.read_csv(tmp_path / "amounts.csv")["value"].tolist() == [1005941994.51089, 2.5]
    from helpers.data.safecsv import csv_text  # the book's download of every concept

    assert csv_text(frame) == text  # the same text as the published file
    with zipfile.ZipFile(tmp_path / "amounts.xlsx") as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(scan.search(s) for s in sheets)
    import openpyxl

    sheet = openpyxl.load_workbook(tmp_path / "amounts.xlsx").worksheets[0]
    assert [sheet.cell(2, 2).value, sheet.cell(2, 3).value] == [1005941994.51089, 328021578.068576]
