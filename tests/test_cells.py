"""Reading cells (``helpers.data.cells``): the exact edges of what a date may be."""

import pandas as pd
import pytest

from helpers.data.cells import parse_date
from helpers.data.contract import OPEN_END_ENV, Column

START = Column("start_date", "date", True)
END = Column("end_date", "date", open_end=True)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("1900-01-01", "1900-01-01"),  # the contract's first possible date
        ("1899-12-31", None),
        ("2099-12-31", "2099-12-31"),  # its last
        ("2100-01-01", None),
        ("31-12-2099", "2099-12-31"),
        ("01.01.2100", None),
    ],
)
def test_a_date_is_kept_from_1900_through_2099_and_refused_outside_by_name(text, kept):
    parsed = parse_date(pd.Series([text]), START)
    if kept:
        assert not parsed.bad and parsed.values.iloc[0] == pd.Timestamp(kept)
    else:
        assert parsed.values.isna().all()
        assert parsed.bad[0][0] == "date_range" and "1900-01-01 til 2099-12-31" in parsed.bad[0][1]


def test_an_end_from_the_open_end_date_is_open_and_noted_not_refused(monkeypatch):
    parsed = parse_date(pd.Series(["8999-12-31", "9000-01-01", "9999-12-31"]), END)
    assert parsed.bad == {0: ("date_range", parsed.bad[0][1])}  # far future, but not open
    assert set(parsed.notes) == {1, 2} and parsed.values.isna().all()
    monkeypatch.setenv(OPEN_END_ENV, "2099-07-01")  # a case system that writes 2099-12-31
    parsed = parse_date(pd.Series(["2099-06-30", "2099-07-01"]), END)
    assert parsed.values.iloc[0] == pd.Timestamp("2099-06-30") and pd.isna(parsed.values.iloc[1])
    assert set(parsed.notes) == {1} and not parsed.bad


def test_yes_and_no_in_the_spellings_exports_use_and_nothing_else():
    from helpers.data.cells import parse_bool

    values = pd.Series(["ja", "Nej", "1", "0.0", "TRUE", "sand", "j", "N", "måske", True, 0, 1.0, 2.5], dtype=object)
    parsed = parse_bool(values)
    expected = [True, False, True, False, True, True, True, False, None, True, False, True, None]
    assert [None if pd.isna(v) else bool(v) for v in parsed.values] == expected
    assert sorted(parsed.bad) == [8, 12] and all(rule == "parse" for rule, _ in parsed.bad.values())
    assert "måske" in parsed.bad[8][1] and "ja/nej" in parsed.bad[8][1]


# ---------------------------------------------------------------------------- every rule, by its message
# The expected texts below are written by hand from the contract's wording (they are what a
# user reads in the rejects file); each test pins one branch of the parsers.

import datetime as dt  # noqa: E402

import numpy as np  # noqa: E402

from helpers.data import cells as C  # noqa: E402

AMOUNT = Column("amount", "float")
OTHER_MARK = "bruger et andet decimaltegn end resten af kolonnen"
COUNT = Column("count", "int")


def objects(*values):
    """Cells as a reader hands them over: Python objects, on rows numbered from 10 (so
    that a result that loses the rows' labels fails)."""
    return pd.Series(list(values), index=range(10, 10 + len(values)), dtype=object)


def test_cells_are_split_into_text_native_values_and_empty_ones():
    got = C.Cells.of(objects(" a ", "", "  ", None, np.nan, pd.NaT, 5, dt.date(2016, 2, 1)))
    assert got.text.to_dict() == {10: "a"}
    assert got.native.to_dict() == {16: 5, 17: dt.date(2016, 2, 1)}
    assert got.empty.tolist() == [False, True, True, True, True, True, False, False]
    typed = C.Cells.of(pd.Series([" x", None, ""], dtype="string"))
    assert typed.text.to_dict() == {0: "x"} and typed.empty.tolist() == [False, True, True] and typed.native.empty
    numbers = C.Cells.of(pd.Series([1.5, np.nan]))
    assert numbers.native.to_dict() == {0: 1.5} and numbers.empty.tolist() == [False, True] and numbers.text.empty
    assert C.is_empty(objects("x", " ", None)).tolist() == [False, True, True]


def test_a_native_value_is_shown_as_the_user_sees_it():
    assert [C.native_text(v) for v in (True, False, np.bool_(True), 5.0, 5.5, float("inf"), 7)] == [
        "ja", "nej", "ja", "5", "5.5", "inf", "7",
    ]  # fmt: skip
    assert C.native_text(dt.datetime(2016, 2, 1)) == "2016-02-01"
    assert C.native_text(pd.Timestamp("2016-02-01 13:45")) == "2016-02-01 13:45:00"
    assert C.native_text(dt.date(2016, 2, 1)) == "2016-02-01"


def test_a_shown_value_is_quoted_masked_and_cut_after_80_characters():
    assert C.show("abc") == "'abc'" and C.show(5.0) == "'5'"
    assert C.show("flyttet 010203-1234") == "'flyttet <cpr>'"  # privacy.MASK
    assert C.show("a" * 80) == repr("a" * 80)  # 80 characters are shown whole
    assert C.show("a" * 81) == repr("a" * 60) + " … (81 tegn)"
    assert C.show("b" * 1234) == repr("b" * 60) + " … (1.234 tegn)"


@pytest.mark.parametrize(
    ("text", "kind", "cleaned"),
    [
        ("12", "plain", "12"),
        ("-12", "plain", "-12"),
        ("1.234", "amb_dot", "1.234"),
        ("+1,234", "amb_comma", "+1,234"),
        # a thousands group never starts with 0: a share such as 0,095 is a decimal
        ("0.095", "dot", "0.095"),
        ("-0,095", "comma", "-0,095"),
        ("0,095.5", "invalid", "0,095.5"),
        ("0 095", "invalid", "x"),
        ("12.5", "dot", "12.5"),
        (".5", "dot", ".5"),
        ("1,234.50", "dot", "1,234.50"),
        ("1,234,567", "dot", "1,234,567"),
        ("12,5", "comma", "12,5"),
        ("1.234,50", "comma", "1.234,50"),
        ("1.234.567", "comma", "1.234.567"),
        ("1 234,50", "comma", "1234,50"),
        ("1\u00a0234", "plain", "1234"),
        ("12 345 678", "plain", "12345678"),
        ("1 23", "invalid", "x"),
        ("12.345.6", "invalid", "12.345.6"),
        ("1e5", "invalid", "1e5"),
        ("abc", "invalid", "abc"),
    ],
)
def test_each_written_number_has_its_form(text, kind, cleaned):
    got_text, got_kind = C.classify_numbers(pd.Series([text], index=[7]))
    assert got_kind.to_dict() == {7: kind} and got_text.to_dict() == {7: cleaned}


def test_no_text_no_forms():
    text, kind = C.classify_numbers(pd.Series([], dtype=object))
    assert text.empty and kind.empty


def test_the_decimal_mark_is_the_columns_majority_else_the_files():
    assert C.votes(pd.Series(["dot", "comma", "dot", "dot", "plain"])) == {"dot": 3, "comma": 1}
    assert C.settle({"dot": 2, "comma": 1}, {"dot": 0, "comma": 9}) == "dot"
    assert C.settle({"dot": 1, "comma": 2}, {"dot": 9, "comma": 0}) == "comma"
    assert C.settle({"dot": 1, "comma": 1}, {"dot": 0, "comma": 3}) == "comma"
    assert C.settle({"dot": 0, "comma": 0}, {"dot": 3, "comma": 0}) == "dot"
    assert C.settle({"dot": 2, "comma": 2}, {"dot": 1, "comma": 1}) is None


def number_values(parsed):
    return [None if pd.isna(v) else float(v) for v in parsed.values]


def test_numbers_in_a_point_column():
    parsed = C.parse_number(objects("12", "1.234", "1,234", "1,234.50", "12,5", "x"), AMOUNT, "dot")
    assert number_values(parsed) == [12.0, 1.234, 1234.0, 1234.5, None, None]
    assert parsed.bad == {
        14: ("decimal", f"'12,5' {OTHER_MARK} (decimalpunktum, fx 1234.50 eller 1,234.50)"),
        15: ("parse", "'x' er ikke et tal"),
    }


def test_numbers_in_a_comma_column():
    parsed = C.parse_number(objects("12", "1.234", "1,234", "1.234,50", "12.5", " 7 "), AMOUNT, "comma")
    assert number_values(parsed) == [12.0, 1234.0, 1.234, 1234.5, None, 7.0]
    assert parsed.bad == {
        14: ("decimal", f"'12.5' {OTHER_MARK} (decimalkomma, fx 1234,50 eller 1.234,50)"),
    }


def test_numbers_in_a_column_without_a_settled_mark():
    parsed = C.parse_number(objects("12", "1.234", "1,234", "12.5", "12,5", None), AMOUNT, None)
    assert number_values(parsed) == [12.0, None, None, None, None, None]
    ambiguous = (
        "er tvetydigt: det kan være et decimaltal eller et tal med tusindtalsseparator, "
        "og kolonnens decimaltegn kan ikke afgøres ud fra de andre værdier"
    )
    assert parsed.bad == {
        11: ("ambiguous", f"'1.234' {ambiguous}"),
        12: ("ambiguous", f"'1,234' {ambiguous}"),
        13: ("decimal", "'12.5': kolonnen bruger både decimalpunktum og decimalkomma"),
        14: ("decimal", "'12,5': kolonnen bruger både decimalpunktum og decimalkomma"),
    }


def test_native_numbers_are_taken_as_they_are_and_others_refused():
    parsed = C.parse_number(objects(3, 2.5, np.int64(4), True, float("inf"), dt.date(2016, 1, 1)), AMOUNT, None)
    assert number_values(parsed) == [3.0, 2.5, 4.0, None, None, None]
    assert parsed.bad == {
        13: ("parse", "'ja' er ikke et tal"),
        14: ("parse", "'inf' er ikke et endeligt tal"),
        15: ("parse", "'2016-01-01' er ikke et tal"),
    }
    assert parsed.values.dtype == "float64"


def test_whole_numbers_refuse_fractions_and_what_a_float_cannot_hold():
    big = 2**53 + 2
    parsed = C.parse_number(objects("7", "2.5", 2**53, big, -big, "x"), COUNT, "dot")
    assert str(parsed.values.dtype) == "Int64"
    assert [None if pd.isna(v) else int(v) for v in parsed.values] == [7, None, 2**53, None, None, None]
    assert parsed.bad == {
        11: ("parse", "'2.5' er ikke et heltal"),
        13: ("range", f"'{big}' er for stort"),
        14: ("range", f"'{-big}' er for stort"),
        15: ("parse", "'x' er ikke et tal"),  # the first problem of a cell is the one reported
    }


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2016-02-01", "2016-02-01"),
        ("2016-2-1", "2016-02-01"),
        ("2016-02-01 00:00:00", "2016-02-01"),
        ("2016-02-01T00:00", "2016-02-01"),
        ("2016-02-01 00:00:00.000", "2016-02-01"),
        ("01-02-2016", "2016-02-01"),
        ("1.2.2016", "2016-02-01"),
        ("01/02/2016", "2016-02-01"),
        ("01-02-2016 00:00", "2016-02-01"),
    ],
)
def test_a_date_is_read_in_each_written_form(text, day):
    parsed = parse_date(pd.Series([text]), START)
    assert not parsed.bad and not parsed.notes and parsed.values.iloc[0] == pd.Timestamp(day)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("01-02.2016", "'01-02.2016' kan ikke læses som dato"),  # two different separators
        ("2016-02-01 13:00", "'2016-02-01 13:00' kan ikke læses som dato"),  # a time is not a day
        ("16-02-01", "'16-02-01' kan ikke læses som dato"),
        ("2016-02-30", "'2016-02-30' kan ikke læses som dato (datoen findes ikke)"),
        ("31.04.2016", "'31.04.2016' kan ikke læses som dato (datoen findes ikke)"),
    ],
)
def test_a_text_that_is_no_date_is_refused_with_why(text, message):
    parsed = parse_date(pd.Series(["2016-01-01", text], index=[3, 4]), START)
    assert parsed.bad == {4: ("parse", message)} and parsed.values[3] == pd.Timestamp("2016-01-01")
    assert pd.isna(parsed.values[4])


def test_the_range_message_names_the_date_and_the_bounds():
    parsed = parse_date(pd.Series(["1899-12-31"]), START)
    assert parsed.bad == {0: ("date_range", "1899-12-31 ligger uden for de mulige datoer (1900-01-01 til 2099-12-31)")}
    noted = parse_date(pd.Series(["9999-12-31"]), END).notes
    assert noted == {0: ("open_end", "9999-12-31 betyder åben slutdato (igangværende)")}
    # only an open-end column knows open ends
    assert parse_date(pd.Series(["9999-12-31"]), START).bad[0][0] == "date_range"


def test_native_dates_and_excel_serials():
    values = objects(
        dt.datetime(2016, 2, 1, 13, 0),
        pd.Timestamp("2016-02-02"),
        dt.date(2016, 2, 3),
        np.datetime64("2016-02-04"),
        42401,
        42401.0,
        True,
        dt.date(1899, 12, 31),
        dt.date(9999, 12, 31),
    )
    parsed = parse_date(values, END, excel=True)
    got = [None if pd.isna(v) else v.date().isoformat() for v in parsed.values]
    assert got == ["2016-02-01", "2016-02-02", "2016-02-03", "2016-02-04", None, None, None, None, None]
    # 42401 is 1 February 2016 in Excel (42370 is New Year's Day 2016)
    assert parsed.bad[14] == ("excel_serial", "'42401' er et Excel-datotal (svarer til 2016-02-01), ikke en dato")
    assert parsed.bad[15] == parsed.bad[14]
    assert parsed.bad[16] == ("parse", "'ja' kan ikke læses som dato")
    assert parsed.bad[17][0] == "date_range" and parsed.notes == {18: ("open_end", parsed.notes[18][1])}
    assert sorted(parsed.bad) == [14, 15, 16, 17]
    plain = parse_date(objects(42401), START)  # a number in a CSV or Parquet file is no date
    assert plain.bad == {10: ("parse", "'42401' kan ikke læses som dato")}
    huge = parse_date(objects(1e300), START, excel=True).bad[10]
    assert huge[0] == "excel_serial" and "svarer til" not in huge[1]
    assert huge[1].endswith("er et Excel-datotal, ikke en dato")


def test_the_same_text_date_in_many_rows_is_read_for_each_row():
    parsed = parse_date(pd.Series(["2016-02-30", "2016-03-01", "2016-02-30", "9999-12-31"], index=[9, 8, 7, 6]), END)
    assert sorted(parsed.bad) == [7, 9] and set(parsed.notes) == {6}
    assert parsed.values[8] == pd.Timestamp("2016-03-01") and parsed.values.drop(8).isna().all()


def test_booleans_report_the_cell_they_cannot_read():
    parsed = C.parse_bool(objects("Yes", "no", "falsk", "1.0", "", None, 1, np.int64(0), 2, "x"))
    assert [None if pd.isna(v) else bool(v) for v in parsed.values] == [
        True, False, False, True, None, None, True, False, None, None,
    ]  # fmt: skip
    assert parsed.bad == {
        18: ("parse", "'2' kan ikke læses som ja/nej"),
        19: ("parse", "'x' kan ikke læses som ja/nej"),
    }
    assert str(parsed.values.dtype) == "boolean"
    native_only = C.parse_bool(objects(True, None))
    assert native_only.values.tolist() == [True, pd.NA] and not native_only.bad


def test_text_enumerations_and_municipalities():
    assert C.fold("  Ud  Sat\t") == "udsat" and C.fold("e\u0301") == "é"
    assert C.as_text(objects(" a ", 5.0, None, "", 2.5)).tolist() == ["a", "5", None, None, "2.5"]
    picked = C.parse_enum(objects(" UDSAT ", "handi cap", "andet", None), ("udsat", "handicap"))
    assert picked.to_dict() == {10: "udsat", 11: "handicap", 12: "andet", 13: None}
    parsed = C.parse_municipality(objects("Aalborg", "0851", 851.0, "Aalborg Kommune", "Atlantis", None, "999"))
    assert [None if pd.isna(v) else int(v) for v in parsed.values] == [851, 851, 851, 851, None, None, None]
    assert str(parsed.values.dtype) == "Int64"
    assert parsed.bad == {
        14: ("parse", "'Atlantis' er ikke en kendt kommune"),
        16: ("parse", "'999' er ikke en kendt kommune"),
    }


def test_a_classification_made_for_the_whole_file_is_the_one_used():
    values = objects("12", "13")
    text, kind = C.classify_numbers(C.Cells.of(values).text)
    kind[11] = "invalid"  # as if the file's reader had found the second one unreadable
    parsed = C.parse_number(values, AMOUNT, "dot", classified=(text, kind))
    assert number_values(parsed) == [12.0, None] and parsed.bad == {11: ("parse", "'13' er ikke et tal")}


def test_an_unknown_municipality_first_in_the_column_is_reported():
    parsed = C.parse_municipality(objects("Atlantis", "Aalborg"))
    assert parsed.bad == {10: ("parse", "'Atlantis' er ikke en kendt kommune")} and parsed.values[11] == 851
