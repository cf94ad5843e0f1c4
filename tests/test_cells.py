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
