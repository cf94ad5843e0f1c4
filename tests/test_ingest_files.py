"""Files as municipalities really send them: dates, numbers, structure, encodings, Excel, size.

Every case of issue #12 (ingest) has a test here that failed on the loader before the fix.
"""

import datetime as dt

import openpyxl
import pandas as pd
import pytest
from conftest import reportbook, write_csv

from helpers import load
from helpers.data import privacy
from helpers.data.municipalities import resolve

IV = "person_id,municipality,target_group,measure,step,start_date,end_date,monthly_cost"


def issues_at(data, row=None, column=None):
    frame = data.issues
    if row is not None:
        frame = frame[frame["row"] == row]
    if column is not None:
        frame = frame[frame["column"] == column]
    return frame


def assert_no_traceback(tmp_path, data_dir=None):
    result = reportbook("validate", data_dir or tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


# ---------------------------------------------------------------------------- dates


@pytest.mark.parametrize("sentinel", ["9999-12-31", "31-12-9999", "31.12.9999", "9000-01-01"])
def test_far_future_end_date_means_open_end_and_is_counted(tmp_path, sentinel):
    write_csv(
        tmp_path / "interventions.csv",
        f"{IV}\n241210-4011,851,udsat,a,5,2016-01-01,{sentinel},1000\n241210-4011,851,udsat,a,4,2015-01-01,2015-06-30,1000\n",
    )
    data = load(tmp_path)
    assert data.rejected == 0, data.issues["message"].tolist()
    iv = data.interventions
    assert pd.isna(iv["end_date"].iloc[0]) and iv["end_date"].iloc[1] == pd.Timestamp("2015-06-30")
    notes = data.notes[data.notes["rule"] == "open_end"]
    assert notes["row"].tolist() == [2] and notes["column"].tolist() == ["end_date"]
    assert_no_traceback(tmp_path)


def test_the_open_end_threshold_is_configurable(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOOK_OPEN_END_FROM", "2090-01-01")
    write_csv(tmp_path / "interventions.csv", f"{IV}\n241210-4011,851,udsat,a,5,2016-01-01,2099-12-31,1000\n")
    data = load(tmp_path, use_cache=False)
    assert data.rejected == 0 and pd.isna(data.interventions["end_date"].iloc[0])
    assert data.notes["rule"].tolist() == ["open_end"]


def test_open_end_count_is_on_the_data_quality_page(tmp_path, monkeypatch):
    from helpers.publishing import book

    write_csv(tmp_path / "d" / "interventions.csv", f"{IV}\n241210-4011,851,udsat,a,5,2016-01-01,9999-12-31,1000\n")
    monkeypatch.setattr(book, "BOOK_DIR", tmp_path)
    page = book.write_data_quality(tmp_path / "d").read_text(encoding="utf-8")
    assert "| interventions.csv | end_date | open_end | 1 |" in page


@pytest.mark.parametrize(
    "column, value",
    [
        ("start_date", "9999-12-31"),  # a sentinel means an open end only in an end date
        ("end_date", "2262-04-12"),  # past what a timestamp can hold, not a sentinel
        ("end_date", "1677-09-21"),
        ("start_date", "0001-01-01"),
        ("end_date", "2300-01-01"),
    ],
)
def test_a_date_out_of_range_is_a_row_error_naming_file_row_and_column(tmp_path, column, value):
    start, end = ("2016-01-01", value) if column == "end_date" else (value, "")
    write_csv(
        tmp_path / "interventions.csv",
        f"{IV}\n241210-4011,851,udsat,a,5,2016-01-01,,1000\n241210-4011,851,udsat,a,5,{start},{end},1000\n",
    )
    data = load(tmp_path)
    hit = issues_at(data, 3, column)
    assert hit["rule"].tolist() == ["date_range"], data.issues.to_dict("records")
    assert "interventions.csv, række 3" in hit["message"].iloc[0] and f"'{column}'" in hit["message"].iloc[0]
    assert len(data.interventions) == 1
    assert_no_traceback(tmp_path)


def test_far_future_dates_from_excel_and_parquet(tmp_path):
    frame = pd.DataFrame(
        {
            "person_id": ["241210-4011"],
            "municipality": [851],
            "target_group": ["udsat"],
            "measure": ["a"],
            "step": [5],
            "start_date": [dt.datetime(2016, 1, 1)],
            "end_date": [dt.datetime(9999, 12, 31)],
        }
    )
    frame.to_excel(tmp_path / "interventions.xlsx", index=False)
    data = load(tmp_path)
    assert data.rejected == 0 and pd.isna(data.interventions["end_date"].iloc[0]), data.issues.to_dict("records")
    (tmp_path / "interventions.xlsx").unlink()
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "person_id": ["241210-4011"],
            "municipality": ["851"],
            "target_group": ["udsat"],
            "measure": ["a"],
            "step": [5],
            "start_date": pa.array([dt.date(2016, 1, 1)], pa.date32()),
            "end_date": pa.array([dt.datetime(9999, 12, 31)], pa.timestamp("us")),
        }
    )
    pq.write_table(table, tmp_path / "interventions.parquet")
    data = load(tmp_path)
    assert data.rejected == 0 and pd.isna(data.interventions["end_date"].iloc[0]), data.issues.to_dict("records")
    assert data.interventions["start_date"].iloc[0] == pd.Timestamp("2016-01-01")


# ---------------------------------------------------------------------------- numbers


def costs(tmp_path, values, sep=","):
    lines = [IV.replace(",", sep)]
    for v in values:
        cell = f'"{v}"' if sep == "," and "," in v else v
        lines.append(sep.join(["241210-4011", "851", "udsat", "a", "5", "2016-01-01", "", cell]))
    write_csv(tmp_path / "interventions.csv", "\n".join(lines) + "\n")
    return load(tmp_path)


def test_thousands_separator_in_a_dot_file(tmp_path):
    data = costs(tmp_path, ["1000.25", "1,234.50", "12.5"])
    assert data.rejected == 0, data.issues["message"].tolist()
    assert data.interventions["monthly_cost"].tolist() == [1000.25, 1234.5, 12.5]


def test_thousands_separator_in_a_comma_file(tmp_path):
    data = costs(tmp_path, ["45.000,50", "1.234", "12,5"], sep=";")
    assert data.rejected == 0, data.issues["message"].tolist()
    assert data.interventions["monthly_cost"].tolist() == [45000.5, 1234.0, 12.5]


def test_a_value_that_contradicts_the_columns_decimal_mark_is_rejected(tmp_path):
    data = costs(tmp_path, ["10.25", "11.5", "1.234,5", "7"])
    assert data.interventions["monthly_cost"].tolist() == [10.25, 11.5, 7.0]
    hit = issues_at(data, 4, "monthly_cost")
    assert hit["rule"].tolist() == ["decimal"]
    assert "'1.234,5'" in hit["message"].iloc[0]


def test_a_comma_column_rejects_a_decimal_point(tmp_path):
    data = costs(tmp_path, ["12,5", "13,75", "1.5"], sep=";")
    assert data.interventions["monthly_cost"].tolist() == [12.5, 13.75]
    assert issues_at(data, 4, "monthly_cost")["rule"].tolist() == ["decimal"]


@pytest.mark.parametrize("value", ["1.234", "1,234"])
def test_an_ambiguous_number_is_rejected_not_guessed(tmp_path, value):
    data = costs(tmp_path, ["500", value], sep=";")
    assert data.interventions["monthly_cost"].tolist() == [500.0]
    hit = issues_at(data, 3, "monthly_cost")
    assert hit["rule"].tolist() == ["ambiguous"]
    assert "tvetydig" in hit["message"].iloc[0]


@pytest.mark.parametrize("value", ["inf", "Infinity", "-inf", "nan", "NaN", "1e308", "1E5"])
def test_inf_nan_and_exponents_are_not_numbers(tmp_path, value):
    data = costs(tmp_path, ["500", value])
    assert data.interventions["monthly_cost"].tolist() == [500.0]
    assert issues_at(data, 3, "monthly_cost")["rule"].tolist() == ["parse"]


def test_native_infinite_or_huge_numbers_from_excel_are_rejected(tmp_path):
    frame = pd.DataFrame(
        {
            "municipality": [851, 615, 410],
            "year": [2015, 2015, 2015],
            "expenditure_per_0_22": [8045.0, float("inf"), 1e308],
        }
    )
    frame.to_excel(tmp_path / "municipality_figures.xlsx", index=False)
    data = load(tmp_path)
    assert data.municipality_figures["expenditure_per_0_22"].tolist() == [8045.0]
    assert sorted(data.issues["row"].tolist()) == [3, 4]


@pytest.mark.parametrize(
    "column, value, ok",
    [
        ("monthly_cost", "2000000", True),
        ("monthly_cost", "2000001", False),
        ("monthly_cost", "-1", False),
    ],
)
def test_monthly_cost_bounds(tmp_path, column, value, ok):
    data = costs(tmp_path, [value])
    assert (data.rejected == 0) is ok
    if not ok:
        assert issues_at(data, 2, column)["rule"].tolist() == ["range"]


@pytest.mark.parametrize(
    "column, value, ok",
    [
        ("hours_individual", "744", True),  # 31 days x 24 hours
        ("hours_individual", "745", False),
        ("hours_group", "800", False),
        ("daily_price", "100000", True),
        ("daily_price", "100001", False),
    ],
)
def test_adult_bounds(tmp_path, column, value, ok):
    header = (
        "case_id,person_id,municipality,registration_no,registration_date,service,hours_individual,hours_group,"
        "daily_price"
    )
    cells = {"hours_individual": "10", "hours_group": "", "daily_price": ""}
    cells[column] = value
    write_csv(
        tmp_path / "adult_registrations.csv",
        f"{header}\nS1,010170-1233,153,1,2015-03-01,§85,{cells['hours_individual']},{cells['hours_group']},"
        f"{cells['daily_price']}\n",
    )
    data = load(tmp_path)
    assert (data.rejected == 0) is ok, data.issues["message"].tolist()
    if not ok:
        assert issues_at(data, 2, column)["rule"].tolist() == ["range"]


# ---------------------------------------------------------------------------- structure


def test_ragged_rows_are_row_errors_and_numbering_follows_the_file(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        f"{IV},note\n"
        '241210-4011,851,udsat,a,5,2016-01-01,,1000,"to\nlinjer"\n'  # row 2 spans two lines
        "241210-4011,851,udsat,a,5,2016-01-01\n"  # row 3: too few fields (no end date, no cost)
        "\n"  # row 4: blank
        "241210-4011,851,udsat,a,5,2016-01-01,,1000,x,y\n"  # row 5: too many
        "241210-4011,851,udsat,a,4,2016-01-01,,1000,z\n",  # row 6: fine
    )
    data = load(tmp_path)
    assert data.interventions["step"].tolist() == [5, 4]
    fields = data.issues[data.issues["rule"] == "fields"]
    assert fields["row"].tolist() == [3, 5]
    assert "9 felter" in fields["message"].iloc[0] and "6" in fields["message"].iloc[0]
    q = data.quality.set_index("table").loc["interventions"]
    assert (q["rows_read"], q["rows_kept"], q["rows_rejected"]) == (4, 2, 2)
    assert_no_traceback(tmp_path)


@pytest.mark.parametrize(
    "header",
    [
        "person_id,municipality,target_group,measure,step,start_date,Person_ID",
        "person_id,municipality,target_group,measure,step,start_date,measure",
        "person_id,municipality,target_group,measure,step,start_date, person id ",
        "person_id,municipality,target_group,measure,step,start_date,person-id",
    ],
)
def test_duplicate_and_near_duplicate_headers_are_refused_naming_both(tmp_path, header):
    write_csv(tmp_path / "interventions.csv", f"{header}\n241210-4011,851,udsat,a,5,2016-01-01,x\n")
    data = load(tmp_path)
    assert len(data.interventions) == 0
    (message,) = data.issues.loc[data.issues["rule"] == "duplicate_col", "message"]
    second = header.split(",")[-1]
    first = "person_id" if "person" in second.lower() else "measure"
    assert f"'{first}'" in message and repr(second) in message
    assert_no_traceback(tmp_path)


@pytest.mark.parametrize("spelling", ["end-date", "End Date", "END_DATE"])
def test_header_spellings_of_a_contract_column_are_that_column(tmp_path, spelling):
    write_csv(
        tmp_path / "interventions.csv",
        f"person_id,municipality,target_group,measure,step,start_date,{spelling}\n"
        "241210-4011,851,udsat,a,5,2016-01-01,2016-03-01\n",
    )
    data = load(tmp_path)
    assert data.rejected == 0 and data.interventions["end_date"].iloc[0] == pd.Timestamp("2016-03-01")


@pytest.mark.parametrize("header, meant", [("enddate", "end_date"), ("end_dato", "end_date"), ("distrikt", "district")])
def test_an_unknown_header_close_to_a_contract_column_is_refused_with_a_suggestion(tmp_path, header, meant):
    write_csv(
        tmp_path / "interventions.csv",
        f"person_id,municipality,target_group,measure,step,start_date,{header}\n241210-4011,851,udsat,a,5,2016-01-01,x\n",
    )
    data = load(tmp_path)
    assert len(data.interventions) == 0
    (message,) = data.issues.loc[data.issues["rule"] == "unknown_col", "message"]
    assert f"mente du '{meant}'" in message and f"'{header}'" in message


def test_an_unrelated_extra_column_is_kept(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,target_group,measure,step,start_date,bemærkning\n241210-4011,851,udsat,a,5,2016-01-01,x\n",
    )
    data = load(tmp_path)
    assert data.rejected == 0 and data.interventions["bemærkning"].tolist() == ["x"]


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf", b"  \r\n"])
def test_an_empty_file_is_refused_with_a_clear_message(tmp_path, content):
    (tmp_path / "interventions.csv").write_bytes(content)
    data = load(tmp_path)
    assert data.issues["rule"].tolist() == ["empty_file"]
    assert "interventions.csv" in data.issues["message"].iloc[0] and "tom" in data.issues["message"].iloc[0]
    result = assert_no_traceback(tmp_path)
    assert result.returncode == 1 and "tom" in result.stdout


def test_a_header_only_file_is_an_empty_table_with_a_note(tmp_path):
    write_csv(tmp_path / "interventions.csv", IV + "\n")
    data = load(tmp_path)
    assert data.rejected == 0 and len(data.interventions) == 0 and len(data.issues) == 0
    assert data.notes["rule"].tolist() == ["header_only"]
    result = assert_no_traceback(tmp_path)
    assert result.returncode == 0 and "kun overskriften" in result.stdout


def test_a_table_in_two_files_is_refused_without_a_traceback(tmp_path):
    write_csv(tmp_path / "interventions.csv", f"{IV}\n241210-4011,851,udsat,a,5,2016-01-01,,1000\n")
    pd.DataFrame({"person_id": ["x"]}).to_excel(tmp_path / "interventions.xlsx", index=False)
    data = load(tmp_path)
    assert data.issues["rule"].tolist() == ["several_files"]
    result = assert_no_traceback(tmp_path)
    assert result.returncode == 1


# ---------------------------------------------------------------------------- encodings

#: Decoded wrongly, "døgninstitution" matches no pattern of the mapping, so mojibake shows as a rejected step.
DK_LINE = "241210-4011;851;udsat;døgninstitution;;2016-01-01;;1000\n"
DK_HEADER = IV.replace(",", ";") + "\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "cp1252"])
def test_encodings_are_detected_per_file(tmp_path, encoding):
    text = DK_HEADER + DK_LINE
    data = text.encode(encoding) if encoding != "utf-16-le" else b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    (tmp_path / "interventions.csv").write_bytes(data)
    loaded = load(tmp_path)
    assert loaded.rejected == 0, loaded.issues["message"].tolist()
    assert loaded.interventions["step"].tolist() == [6]  # 'døgninstitution' decoded right


def test_utf16_without_bom_is_detected(tmp_path):
    (tmp_path / "interventions.csv").write_bytes((DK_HEADER + DK_LINE).encode("utf-16-le"))
    loaded = load(tmp_path)
    assert loaded.rejected == 0 and loaded.interventions["step"].tolist() == [6], loaded.issues.to_dict("records")


@pytest.mark.parametrize("majority, minority", [("cp1252", "utf-8"), ("utf-8", "cp1252")])
def test_rows_in_another_encoding_are_reported_by_row(tmp_path, majority, minority):
    lines = [DK_HEADER.encode(majority)] + [DK_LINE.encode(majority)] * 3
    lines.insert(3, DK_LINE.encode(minority))  # row 4
    (tmp_path / "interventions.csv").write_bytes(b"".join(lines))
    data = load(tmp_path)
    assert data.interventions["step"].tolist() == [6, 6, 6]  # no mojibake in the kept rows
    hit = data.issues[data.issues["rule"] == "encoding"]
    assert hit["row"].tolist() == [4]
    assert minority.upper().replace("CP", "cp") in hit["message"].iloc[0] or minority in hit["message"].iloc[0]


def test_an_undecodable_row_is_reported(tmp_path):
    lines = [DK_HEADER.encode("cp1252"), DK_LINE.encode("cp1252"), b"241210-4011;851;udsat;\x81\x8d;6;2016-01-01;;1\n"]
    (tmp_path / "interventions.csv").write_bytes(b"".join(lines))
    data = load(tmp_path)
    assert len(data.interventions) == 1
    assert issues_at(data, 3)["rule"].tolist() == ["encoding"]


# ---------------------------------------------------------------------------- Excel

XL_HEADER = ["person_id", "municipality", "target_group", "measure", "step", "start_date", "end_date"]
XL_ROW = ["241210-4011", 851, "udsat", "a", 5, dt.datetime(2016, 1, 1), None]


def workbook(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def test_excel_data_on_the_sheet_named_after_the_table(tmp_path):
    workbook(
        tmp_path / "interventions.xlsx", {"Forside": [["Udtræk fra fagsystemet"]], "interventions": [XL_HEADER, XL_ROW]}
    )
    data = load(tmp_path)
    assert data.rejected == 0 and len(data.interventions) == 1


def test_excel_data_on_the_only_sheet_with_the_header(tmp_path):
    workbook(tmp_path / "interventions.xlsx", {"Forside": [["Udtræk"]], "Ark2": [XL_HEADER, XL_ROW, XL_ROW]})
    data = load(tmp_path)
    assert data.rejected == 0 and len(data.interventions) == 2


def test_excel_without_a_sheet_with_the_header_is_refused_naming_the_sheets(tmp_path):
    workbook(tmp_path / "interventions.xlsx", {"Forside": [["Udtræk"]], "Ark2": [["a", "b"], [1, 2]]})
    data = load(tmp_path)
    (message,) = data.issues.loc[data.issues["rule"] == "sheet", "message"]
    assert "'Forside'" in message and "'Ark2'" in message


def test_excel_formula_without_cached_value_is_reported_by_cell(tmp_path):
    row = list(XL_ROW)
    row[4] = "=2+3"  # openpyxl stores the formula without a cached value
    workbook(tmp_path / "interventions.xlsx", {"Ark1": [XL_HEADER, XL_ROW, row]})
    data = load(tmp_path)
    assert len(data.interventions) == 1
    hit = issues_at(data, 3, "step")
    assert hit["rule"].tolist() == ["formula"] and "Ark1!E3" in hit["message"].iloc[0]


def test_excel_merged_cells_are_reported_by_cell(tmp_path):
    path = workbook(tmp_path / "interventions.xlsx", {"Ark1": [XL_HEADER, XL_ROW, XL_ROW, XL_ROW]})
    wb = openpyxl.load_workbook(path)
    wb["Ark1"]["B3"] = None
    wb["Ark1"]["B4"] = None
    wb["Ark1"].merge_cells("B2:B4")
    wb.save(path)
    data = load(tmp_path)
    assert len(data.interventions) == 1  # row 2 holds the value
    hit = data.issues[data.issues["rule"] == "merged"]
    assert hit["row"].tolist() == [3, 4]
    assert "Ark1!B3" in hit["message"].iloc[0] and "B2:B4" in hit["message"].iloc[0]


def test_excel_date_serial_numbers_are_reported_by_cell(tmp_path):
    row = list(XL_ROW)
    row[5] = 42401  # 2016-02-01 as an Excel serial number in a cell not formatted as a date
    workbook(tmp_path / "interventions.xlsx", {"Ark1": [XL_HEADER, XL_ROW, row]})
    data = load(tmp_path)
    hit = issues_at(data, 3, "start_date")
    assert hit["rule"].tolist() == ["excel_serial"]
    assert "Ark1!F3" in hit["message"].iloc[0] and "2016-02-01" in hit["message"].iloc[0]


def test_excel_parse_errors_name_the_cell(tmp_path):
    row = list(XL_ROW)
    row[2] = "voksen"
    workbook(tmp_path / "interventions.xlsx", {"Data": [XL_HEADER, XL_ROW, row]})
    data = load(tmp_path)
    assert "Data!C3" in issues_at(data, 3, "target_group")["message"].iloc[0]


@pytest.mark.parametrize(
    "content, rule",
    [(b"not a zip file at all", "wrong_kind"), (b"PK\x03\x04broken", "unreadable")],  # text is named as text (#25)
)
def test_a_corrupt_workbook_is_one_line_naming_the_file(tmp_path, content, rule):
    (tmp_path / "interventions.xlsx").write_bytes(content)
    data = load(tmp_path)
    assert data.issues["rule"].tolist() == [rule]
    assert "interventions.xlsx" in data.issues["message"].iloc[0]
    result = assert_no_traceback(tmp_path)
    assert result.returncode == 1


def test_a_truncated_workbook_is_refused(tmp_path):
    path = workbook(tmp_path / "interventions.xlsx", {"Ark1": [XL_HEADER, XL_ROW]})
    path.write_bytes(path.read_bytes()[:-200])
    data = load(tmp_path)
    assert data.issues["rule"].tolist() == ["unreadable"]


def test_a_corrupt_parquet_file_is_refused(tmp_path):
    (tmp_path / "interventions.parquet").write_bytes(b"PAR1 nonsense")
    data = load(tmp_path)
    assert data.issues["rule"].tolist() == ["unreadable"]
    assert_no_traceback(tmp_path)


# ---------------------------------------------------------------------------- the measure -> step mapping


def test_a_data_directorys_measure_mapping_is_validated_like_data(tmp_path):
    write_csv(
        tmp_path / "measure_steps.csv",
        "pattern,step,note\nplejefamilie,5,ok\n(ubalanceret,4,bad pattern\ninstitution,fem,bad step\n"
        "netværk,7,bad step\n",
    )
    write_csv(
        tmp_path / "interventions.csv",
        f"{IV}\n241210-4011,851,udsat,kommunal plejefamilie,,2016-01-01,,1000\n"
        "241210-4011,851,udsat,døgninstitution,,2016-01-01,,1000\n",
    )
    data = load(tmp_path)
    mapping = data.issues[data.issues["file"] == "measure_steps.csv"]
    assert sorted(zip(mapping["row"], mapping["column"], mapping["rule"])) == [
        (3, "pattern", "pattern"),
        (4, "step", "parse"),
        (5, "step", "range"),
    ]
    assert all("measure_steps.csv, række" in m for m in mapping["message"])
    assert data.interventions["step"].tolist() == [5]  # the second measure has no valid pattern left
    assert issues_at(data, 3, "step")["rule"].tolist() == ["step"]
    assert_no_traceback(tmp_path)


def test_a_measure_mapping_without_its_columns_is_refused(tmp_path):
    write_csv(tmp_path / "measure_steps.csv", "mønster;trin\nplejefamilie;5\n")
    write_csv(tmp_path / "interventions.csv", f"{IV}\n241210-4011,851,udsat,plejefamilie,,2016-01-01,,1000\n")
    data = load(tmp_path)
    assert "missing_col" in data.issues.loc[data.issues["file"] == "measure_steps.csv", "rule"].tolist()
    assert_no_traceback(tmp_path)


def test_the_shipped_measure_mapping_is_valid(tmp_path):
    from helpers.data.paths import REFERENCE_DIR

    (tmp_path / "measure_steps.csv").write_bytes((REFERENCE_DIR / "measure_steps.csv").read_bytes())
    data = load(tmp_path)
    assert len(data.issues) == 0


# ---------------------------------------------------------------------------- municipality names


@pytest.mark.parametrize(
    "name, code",
    [
        ("Københavns Kommune", 101),
        ("københavns kommune", 101),
        ("Bornholms Regionskommune", 400),
        ("Åbenrå", 580),
        ("Aabenraa Kommune", 580),
        ("Bronderslev", 810),
        ("Fåborg-Midtfyn", 430),
        ("Faaborg Midtfyn", 430),
        ("Lyngby-Tårbæk", 173),
        ("Høje Taastrup Kommune", 169),
        ("Århus", 751),
        ("Nordfyn", 480),
        ("Vesthimmerlands Kommune", 820),
        ("Ringkobing-Skjern", 760),
        ("Tårnby", 185),
        ("Taarnby", 185),
        ("Aero", 492),
        (" AALBORG  KOMMUNE ", 851),
    ],
)
def test_official_and_everyday_municipality_names_resolve(name, code):
    assert resolve(name) == code


@pytest.mark.parametrize("name", ["Atlantis", "Kommune", "", "Region Hovedstaden", "85", "8510"])
def test_unknown_municipality_names_do_not_resolve(name):
    assert resolve(name) is None


def test_municipality_spellings_come_from_a_table_in_data():
    from helpers.data.paths import REFERENCE_DIR

    table = pd.read_csv(REFERENCE_DIR / "municipality_names.csv")
    assert {"code", "name"} <= set(table.columns)
    assert ("Københavns Kommune", 101) in set(zip(table["name"], table["code"]))


# ---------------------------------------------------------------------------- size


def test_a_file_too_large_for_this_machine_fails_early_naming_file_and_size(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTBOOK_MAX_INPUT_BYTES", "1000")
    write_csv(tmp_path / "interventions.csv", IV + "\n" + "241210-4011,851,udsat,a,5,2016-01-01,,1000\n" * 40)
    size = (tmp_path / "interventions.csv").stat().st_size
    data = load(tmp_path, use_cache=False)
    (message,) = data.issues.loc[data.issues["rule"] == "too_large", "message"]
    assert "interventions.csv" in message and f"{size:,}".replace(",", ".") in message
    result = reportbook("validate", tmp_path, env={"REPORTBOOK_MAX_INPUT_BYTES": "1000"})
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_large_files_are_read_in_chunks(tmp_path, monkeypatch):
    """A block size far below the file size: the rows and their numbers are the same."""
    from helpers.data import ingest

    monkeypatch.setattr(ingest, "CSV_BLOCK_BYTES", 256)
    lines = [f"241210-4011,851,udsat,a,{1 + i % 6},2016-01-01,,{i}" for i in range(300)]
    lines[250] = "241210-4011,851,udsat,a,5,2016-01-01"  # row 252: too few fields
    write_csv(tmp_path / "interventions.csv", IV + "\n" + "\n".join(lines) + "\n")
    data = load(tmp_path, use_cache=False)
    assert len(data.interventions) == 299
    assert data.issues["row"].tolist() == [252]
    assert data.interventions["monthly_cost"].iloc[-1] == 299.0


# ---------------------------------------------------------------------------- CPR numbers in any column


def test_cpr_numbers_in_text_columns_are_masked_and_in_person_id_pseudonymised(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id;municipality;district;target_group;measure;step;start_date;caseworker_id;note\n"
        "101104002;851;010203-1234;udsat;§11 stk. 3 (010203 1234);1;01-02-2016;0102031234;ring 24121040 11\n"
        "2412104011;851;Øst;udsat;§11 stk. 3;1;01-02-2016;SB-1234;beløb 1.234.567,50 den 01-02-2016\n"
        "24 12 10 4011;851;Vest;udsat;§11 stk. 3;1;01-02-2016;101104002;kode 851\n",
    )
    data = load(tmp_path, key=b"k" * 16)
    iv = data.interventions
    assert data.rejected == 0, data.issues["message"].tolist()
    assert iv["person_id"].tolist() == [
        privacy.pseudonym("0101104002", b"k" * 16),
        privacy.pseudonym("2412104011", b"k" * 16),
        privacy.pseudonym("2412104011", b"k" * 16),
    ]
    assert iv["birth_date"].tolist() == [pd.Timestamp("2010-01-01")] + [pd.Timestamp("2010-12-24")] * 2
    assert iv["sex"].tolist() == ["K", "M", "M"]
    assert iv["district"].tolist() == ["<cpr>", "Øst", "Vest"]
    assert iv["measure"].tolist()[0] == "§11 stk. 3 (<cpr>)"
    assert iv["caseworker_id"].tolist() == ["<cpr>", "SB-1234", "<cpr>"]
    # legitimate numbers stay (amounts, dates, kommunekoder); a CPR grouped 8 + 2 is a CPR (#25)
    assert iv["note"].tolist() == ["ring <cpr>", "beløb 1.234.567,50 den 01-02-2016", "kode 851"]
    notes = data.notes[data.notes["rule"] == "cpr_masked"]
    assert sorted(zip(notes["row"], notes["column"])) == [
        (2, "caseworker_id"),
        (2, "district"),
        (2, "measure"),
        (2, "note"),
        (4, "caseworker_id"),
    ]
    assert not privacy.CPR_IN_TEXT.search(iv.astype(str).to_csv() + data.notes.to_csv() + data.issues.to_csv())


def test_excel_numeric_cprs_are_cprs(tmp_path):
    frame = pd.DataFrame(
        {
            "person_id": [101104002, 2412104011.0],
            "municipality": [851, 851],
            "target_group": ["udsat", "udsat"],
            "measure": ["a", "a"],
            "step": [5, 5],
            "start_date": [dt.datetime(2016, 1, 1)] * 2,
            "district": [2412104011, 101104002.0],
            "caseworker_id": [1234, 851],
        }
    )
    frame.to_excel(tmp_path / "interventions.xlsx", index=False)
    data = load(tmp_path, key=b"k" * 16)
    iv = data.interventions
    assert data.rejected == 0, data.issues["message"].tolist()
    assert iv["person_id"].tolist() == [
        privacy.pseudonym("0101104002", b"k" * 16),
        privacy.pseudonym("2412104011", b"k" * 16),
    ]
    assert iv["birth_date"].tolist() == [pd.Timestamp("2010-01-01"), pd.Timestamp("2010-12-24")]
    assert iv["district"].tolist() == ["<cpr>", "<cpr>"]
    assert iv["caseworker_id"].tolist() == ["1234", "851"]


def test_cpr_in_a_rejected_cell_never_reaches_the_message(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        f"{IV}\n241210-4011,851,101104002,a,5,2016-01-01,,1000\n241210-4011,851,udsat,a,5,2016-01-01,,101104002\n",
    )
    data = load(tmp_path)
    assert data.rejected == 2
    text = data.issues.to_csv()
    assert "101104002" not in text and "0101104002" not in text


def test_a_case_id_that_is_a_cpr_is_pseudonymised_not_merged(tmp_path):
    write_csv(
        tmp_path / "adult_registrations.csv",
        "case_id,person_id,municipality,registration_no,registration_date,service,hours_individual,close_reason\n"
        "010170-1233,010170-1233,153,1,2015-03-01,§85,10,\n"
        "020270-1234,020270-1234,153,1,2015-03-01,§85,10,flyttet; ny adresse 010170-1233\n",
    )
    data = load(tmp_path)
    ar = data.adult_registrations
    assert data.rejected == 0, data.issues["message"].tolist()
    assert ar["case_id"].nunique() == 2 and not ar["case_id"].str.contains("0101701233").any()
    assert ar["close_reason"].tolist()[1] == "flyttet; ny adresse <cpr>"


# ------------------------------------------------- files that look like a table (#25, item 4)

ONE_CHILD = (
    "person_id,municipality,target_group,measure,start_date,birth_date\np1,851,udsat,§11 stk. 3,2016-01-01,2010-01-01\n"
)
ZIP, XLS = b"PK\x03\x04" + b"\x00" * 40, b"\xd0\xcf\x11\xe0" + b"\x00" * 40


@pytest.mark.parametrize(
    "name, says",
    [
        ("Interventions.CSV", "skal hedde præcis interventions.csv"),
        ("interventions (1).csv", "skal hedde præcis interventions.csv"),
        ("Kopi af interventions.csv", "skal hedde præcis interventions.csv"),
        ("interventions - kopi.xlsx", "skal hedde præcis interventions.csv"),
        ("interventions.xls", "skal hedde præcis interventions.csv"),
        ("interventions.csv.gz", "skal hedde præcis interventions.csv"),
        ("interventions.txt", "skal hedde præcis interventions.csv"),
        ("interventions.csv/", "en mappe, ikke en fil"),
        ("interventions.csv@", "genvej (symbolsk link) til en fil, der ikke findes"),
    ],
)
def test_a_file_named_like_a_table_but_not_read_is_named_and_validate_fails(tmp_path, name, says):
    data = tmp_path / "data"
    data.mkdir()
    if name.endswith("/"):
        (data / name[:-1]).mkdir()
    elif name.endswith("@"):
        (data / name[:-1]).symlink_to(tmp_path / "nowhere.csv")
    else:
        (data / name).write_text(ONE_CHILD, encoding="utf-8")
    loaded = load(data, key=b"k" * 16, use_cache=False)
    (message,) = loaded.issues.loc[loaded.issues["rule"] == "not_read", "message"]
    assert name.rstrip("/@") in message and says in message
    assert name.rstrip("/@") in loaded.refused_files
    done = reportbook("validate", data, env={"REPORTBOOK_SECRET": "k" * 16})
    assert done.returncode == 1 and name.rstrip("/@") in done.stdout and "Traceback" not in done.stderr


def test_other_files_in_the_data_folder_are_not_taken_for_tables(tmp_path):
    write_csv(tmp_path / "interventions.csv", ONE_CHILD)
    write_csv(tmp_path / "importrapport.csv", "fil,hvad,antal\n")
    (tmp_path / "README.txt").write_text("noter")
    loaded = load(tmp_path, key=b"k" * 16, use_cache=False)
    assert loaded.refused_files == [] and loaded.issues.empty


@pytest.mark.parametrize(
    "name, content, says",
    [
        ("interventions.csv", ZIP, "dette er en Excel-fil (eller en anden zip-fil), ikke en CSV-fil"),
        ("interventions.csv", b"PAR1" + b"\x00" * 40, "dette er en Parquet-fil, ikke en CSV-fil"),
        ("interventions.csv", XLS, "dette er en gammel Excel-fil (.xls), ikke en CSV-fil"),
        ("interventions.xlsx", ONE_CHILD.encode(), "dette er en CSV-fil, ikke en Excel-fil"),
        ("interventions.parquet", ONE_CHILD.encode(), "dette er en CSV-fil, ikke en Parquet-fil"),
        ("interventions.csv", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "dette er en gzip-komprimeret fil, ikke en CSV-fil"),
    ],
)
def test_a_renamed_file_is_named_as_what_it_is(tmp_path, name, content, says):
    (tmp_path / name).write_bytes(content)
    loaded = load(tmp_path, key=b"k" * 16, use_cache=False)
    (message,) = loaded.issues.loc[loaded.issues["rule"] == "wrong_kind", "message"]
    assert message.startswith(name) and says in message


def test_data_under_a_blank_header_cell_is_kept_and_reported(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,,target_group,measure,start_date,birth_date,\n"
        "p1,851,noget,udsat,§11 stk. 3,2016-01-01,2010-01-01,\n"
        "p2,851,,udsat,§11 stk. 3,2016-01-01,2010-01-01,\n",
    )
    loaded = load(tmp_path, key=b"k" * 16, use_cache=False)
    assert len(loaded.interventions) == 2
    notes = loaded.notes[loaded.notes["rule"] == "blank_header"]
    assert notes["column"].tolist() == ["kolonne_3"]  # the empty last column is no data: no note
    assert "kolonne 3 har ingen overskrift, men data i 1 celle" in notes["message"].iloc[0]
    assert loaded.interventions["kolonne_3"].iloc[0] == "noget"  # kept


def test_a_second_sheet_with_the_tables_header_is_reported(tmp_path):
    frame = pd.DataFrame(
        {"person_id": ["p1"], "municipality": [851], "event_date": ["2016-01-01"], "event_type": ["ny_sag"]}
    )
    with pd.ExcelWriter(tmp_path / "case_events.xlsx") as writer:
        frame.to_excel(writer, sheet_name="case_events", index=False)
        frame.assign(person_id="p2").to_excel(writer, sheet_name="Ark2", index=False)
        pd.DataFrame({"noter": ["x"]}).to_excel(writer, sheet_name="Noter", index=False)
    loaded = load(tmp_path, key=b"k" * 16, use_cache=False)
    (message,) = loaded.notes.loc[loaded.notes["rule"] == "other_sheet", "message"]
    assert "'Ark2'" in message and "'Noter'" not in message and len(loaded.case_events) == 1


def test_a_long_value_is_cut_in_messages(tmp_path):
    big = "x" * 5_000_000
    write_csv(tmp_path / "interventions.csv", f"{ONE_CHILD.splitlines()[0]}\np1,851,{big},a,2016-01-01,2010-01-01\n")
    loaded = load(tmp_path, key=b"k" * 16, use_cache=False)
    (message,) = loaded.issues.loc[loaded.issues["column"] == "target_group", "message"]
    assert len(message) < 400 and "(5.000.000 tegn)" in message


def test_a_header_holding_a_cpr_number_is_masked(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        ONE_CHILD.replace("birth_date\n", "birth_date,0102031234\n", 1).replace("2010-01-01\n", "2010-01-01,x\n"),
    )
    loaded = load(tmp_path, key=b"k" * 16, use_cache=False)
    assert "0102031234" not in loaded.interventions.columns.str.cat() + loaded.notes.to_csv()
