"""The one publishing function: files, page and record (protection itself: test_disclosure)."""

import hashlib
import html
import json
import re

import pandas as pd

from helpers.publishing.disclosure import TableSpec, count_cells, protect
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
    assert xlsx["Børn"].isna().tolist() == [True, False, False]  # Danish headings in Excel
    assert (tmp_path / "transitions.csv").read_text().splitlines()[1] == "1,0,"
    html = pub._repr_html_()
    assert "transitions.csv" in html and "transitions.xlsx" in html and "Overgange" in html
    # the record behind the table is private: beside the folder, never in it
    assert not (tmp_path / "disclosure.json").exists()
    # (beside the reports folder <out>, taking the folder as <out>/<notebook>/<run>)
    out = tmp_path.parents[1]
    private = out.parent / f".{out.name}-private" / tmp_path.parent.name / tmp_path.name / "disclosure.json"
    assert oct(private.stat().st_mode & 0o777) == "0o600"
    assert oct(private.parents[2].stat().st_mode & 0o777) == "0o700"
    record = json.loads(private.read_text())
    cells = record["tables"]["transitions"]["cells"]
    assert [(row, column, status) for row, column, status, *_ in cells] == [
        (0, "children", "primary"),
        (1, "children", "published"),
        (2, "children", "published"),
    ]
    assert all(c[3] == "child:count" and len(c[4]) == c[7] for c in cells)  # one key per unit counted
    listing = json.loads((tmp_path / "published.json").read_text())
    assert listing["transitions"]["withheld"] == 1  # how many, never why
    for name in ("published.json", "transitions.csv"):
        assert not re.search("primary|secondary|atoms", (tmp_path / name).read_text())
    assert "1-0-0" not in private.read_text()  # unit keys are hashes, never the unit ids


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


def test_the_page_shows_each_column_in_danish_by_its_kind_with_spanners_and_notes(tmp_path):
    """One presenter for every table: shares as "12,3 %", kroner whole with a thousands mark,
    the real minus, p-values "< 0,001", withheld cells "..", spanners over their columns, the
    protection legend and the source under the table, nothing fetched from the web."""
    import re

    frame = pd.DataFrame(
        {
            "district": ["Nord", "<b>Syd</b>"],
            "share": [0.1234, 0.5],
            "ci_low": [0.1, 0.25],
            "spending": [-208.72, 1234567.0],
            "p_value": [0.0004, 0.0312],
            "children": [10, 2000],
        }
    )
    spec = TableSpec("t", frame, caption="Tabel", spanners={"Andel": ["share", "ci_low"]}, source="Kilde: test.")
    published = publish(spec, tmp_path, protect([spec]))
    published.status.loc[1, "share"] = "secondary"  # as if protection had withheld it
    page = published._repr_html_()
    body = re.findall(r'<t[dh][^>]*class="gt_row[^"]*"[^>]*>(.*?)</t[dh]>', page)  # row headers are <th>
    assert "&lt;b&gt;Syd" in body[6]  # text is escaped
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in body]
    assert cells == [
        "Nord", "12,3 %", "10,0 %", "\u2212209", "< 0,001", "10",
        "<b>Syd</b>", "..", "25,0 %", "1.234.567", "0,031", "2.000",
    ]  # fmt: skip
    assert re.search(r'<th[^>]*colspan="2"[^>]*>\s*<span[^>]*>Andel', page) or ">Andel<" in page
    assert "Kilde: test." in page and "diskretion" in page
    assert not re.search(r"(src|href)=[\"']?https?:", page)


def test_excel_is_for_people_and_csv_for_machines(tmp_path):
    """CSV: the English snake_case names and dot decimals; Excel: Danish headings, number
    formats by kind, and a sheet "Om tabellen" with the run, the source and the protection."""
    from openpyxl import load_workbook

    frame = pd.DataFrame({"district": ["Nord"], "share": [0.125], "spending": [1234.5], "children": [12]})
    out = tmp_path / "851_2016-02-01_2016-08-01"
    spec = TableSpec("t", frame, caption="Børn pr. distrikt", source="Kilde: test.")
    publish(spec, out, protect([spec]))
    assert (out / "t.csv").read_text().splitlines() == ["district,share,spending,children", "Nord,0.125,1234.5,12"]
    book = load_workbook(out / "t.xlsx")
    assert book.sheetnames == ["t", "Om tabellen"]
    data = book["t"]
    assert [c.value for c in data[1]] == ["Distrikt", "Andel", "Forbrug (kr.)", "Børn"]
    assert [c.number_format for c in data[2][1:]] == ["0.0%", "#,##0", "#,##0"]
    about = dict(book["Om tabellen"].iter_rows(values_only=True))
    assert about["Titel"] == "Børn pr. distrikt" and about["Kilde"] == "Kilde: test."
    assert about["Kommune"] == "Aalborg (kommunekode 851)"
    assert about["Periode"] == "1. februar 2016 – 1. august 2016"
    assert "diskretion" in about["Diskretion"] and about["Kolonne: Andel"] == "CSV-kolonnen share"
