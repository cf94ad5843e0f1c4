import datetime as dt
import hashlib
import hmac
import os
import re
import stat

import pandas as pd
import pytest
from conftest import write_csv

from helpers import load
from helpers.data import privacy


@pytest.mark.parametrize(
    "yy, seventh, century",
    [
        (3, 1, 1900),
        (99, 3, 1900),
        (10, 4, 2000),
        (36, 4, 2000),
        (37, 4, 1900),
        (10, 9, 2000),
        (50, 9, 1900),
        (0, 5, 2000),
        (57, 8, 2000),
        (58, 5, 1800),
        (99, 8, 1800),
    ],
)
def test_century_rule(yy, seventh, century):
    assert privacy.cpr_century(yy, seventh) == century


@pytest.mark.parametrize(
    "cpr, born, sex",
    [
        ("010203-1234", dt.date(1903, 2, 1), "K"),
        ("0102031233", dt.date(1903, 2, 1), "M"),
        ("241210-4011", dt.date(2010, 12, 24), "M"),
        ("290260-5998", dt.date(1860, 2, 29), "K"),
        ("150515-9996", dt.date(2015, 5, 15), "K"),
    ],
)
def test_parse_cpr(cpr, born, sex):
    assert privacy.parse_cpr(cpr) == (born, sex)


def test_parse_cpr_rejects_impossible_dates_and_other_ids():
    assert privacy.parse_cpr("310299-1234") is None  # 31 February
    assert privacy.parse_cpr("290201-1234") is None  # 1901 is no leap year
    assert privacy.parse_cpr("B-12345") is None


def test_pseudonym_is_keyed_hmac_sha256_of_the_ten_digits():
    expected = "p" + hmac.new(b"k1", b"0102031234", hashlib.sha256).hexdigest()[:20]
    assert privacy.pseudonym("010203-1234", b"k1") == expected
    assert privacy.pseudonym("0102031234", b"k1") == expected
    assert privacy.pseudonym("010203-1234", b"k2") != expected


def test_key_file_is_created_once_outside_the_repository(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTBOOK_SECRET", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    first = privacy.secret_key()
    path = tmp_path / "reportbook" / "secret.key"
    assert path.exists() and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert privacy.secret_key() == first and len(first) == 64


def test_loader_derives_then_pseudonymises(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,target_group,measure,start_date\n"
        "241210-4011,851,udsat,§11 stk. 3,2016-01-01\n"
        "241210-4011,851,udsat,§52 stk. 3 nr. 7 plejefamilie,2016-03-01\n"
        "0101104002,Aalborg,handicap,§11 stk. 3,2016-01-01\n",
    )
    data = load(tmp_path, key=b"k")
    iv = data.interventions
    assert list(iv["birth_date"]) == [pd.Timestamp("2010-12-24")] * 2 + [pd.Timestamp("2010-01-01")]
    assert list(iv["sex"]) == ["M", "M", "K"]
    assert iv["person_id"].iloc[0] == iv["person_id"].iloc[1] == privacy.pseudonym("2412104011", b"k")
    text = iv.astype(str).to_csv()
    assert not privacy.CPR_IN_TEXT.search(text)


def test_cpr_in_extra_columns_and_messages_is_masked(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,target_group,measure,start_date,note\n"
        "241210-4011,851,udsat,§11 stk. 3,2016-01-01,se også 010203-1234\n"
        "241210-4011,9999,udsat,§11 stk. 3,2016-01-01,\n",
    )
    data = load(tmp_path, key=b"k")
    everything = data.interventions.astype(str).to_csv() + data.issues.to_csv()
    assert not privacy.CPR_IN_TEXT.search(everything)
    assert "<cpr>" in data.interventions["note"].iloc[0]


# ---------------------------------------------------------------------------- the key


def test_a_key_shorter_than_16_bytes_is_refused(monkeypatch):
    monkeypatch.setenv("REPORTBOOK_SECRET", "x" * 15)
    with pytest.raises(ValueError, match="mindst 16"):
        privacy.secret_key()
    monkeypatch.setenv("REPORTBOOK_SECRET", "æ" * 8)  # 16 bytes in UTF-8
    assert privacy.secret_key() == ("æ" * 8).encode("utf-8")


@pytest.mark.parametrize("content", ["", "   \n", "kort\n"])
def test_an_empty_or_short_key_file_is_refused_naming_it(tmp_path, monkeypatch, content):
    monkeypatch.delenv("REPORTBOOK_SECRET", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = tmp_path / "reportbook" / "secret.key"
    path.parent.mkdir()
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(ValueError) as err:
        privacy.secret_key()
    assert str(path) in str(err.value)


def test_a_key_file_readable_by_others_gives_a_warning(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTBOOK_SECRET", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = tmp_path / "reportbook" / "secret.key"
    path.parent.mkdir()
    path.write_text("k" * 64 + "\n")
    path.chmod(0o644)
    with pytest.warns(privacy.KeyFileWarning, match="chmod 600"):
        assert privacy.secret_key() == b"k" * 64
    path.chmod(0o600)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        privacy.secret_key()


def test_cli_with_a_short_key_says_so_in_one_line(tmp_path):
    from conftest import reportbook

    result = reportbook("validate", tmp_path, env={"REPORTBOOK_SECRET": "short"})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "16" in result.stderr


# ------------------------------------------------------- CPR numbers in every spelling (#25)

from hypothesis import assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

#: What people type between digits (an independent list, not the module's).
TYPED_SEPARATORS = [" ", "  ", "   ", "-", " - ", "–", " – ", "—", "/", ".", ". ", "\u00a0", "\u2009"]


def digits_only(text: str) -> str:
    """``text`` with every separator between two digits removed (an independent reader's
    normalisation: any planted CPR comes back as its ten digits)."""
    return re.sub(r"(?<=\d)[\s\-–—/.\u00a0\u2009]{1,5}(?=\d)", "", text)


@st.composite
def spelled_cprs(draw):
    """A valid CPR number and one way of typing it: any digit grouping, any separators,
    possibly without its leading zero."""
    born = draw(st.dates(min_value=dt.date(1937, 1, 1), max_value=dt.date(2025, 12, 31)))
    serial = draw(st.integers(0, 999)) + (4000 if born.year >= 2000 else 0)
    digits = f"{born:%d%m%y}{serial:04d}"
    cuts = sorted(draw(st.sets(st.integers(1, 9), max_size=4)))
    text, at = "", 0
    for cut in cuts + [10]:
        text += digits[at:cut] + (draw(st.sampled_from(TYPED_SEPARATORS)) if cut < 10 else "")
        at = cut
    if digits[0] == "0" and draw(st.booleans()) and not text[1:2].strip("0123456789"):
        text = text[1:]  # Excel dropped the leading zero
    # "123456789.0" is how a number stored by Excel reads as text (nine or ten digits and
    # ".0"); a CPR typed with "." before a last group of zeros is read that way, as documented
    assume(not re.fullmatch(r"\d{9,10}\.0+", text))
    return digits, text


@settings(max_examples=400, deadline=None)
@given(
    spelled_cprs(),
    st.sampled_from(["", "se ", "distrikt Nord ", "sag 2016 ", "(", "tlf. 12 34 56 78, cpr "]),
    st.sampled_from(["", " Nord", ".", ")", ", ring 2016"]),
)
def test_a_cpr_in_any_spelling_is_masked_in_text(spelled, before, after):
    digits, text = spelled
    masked, changed = privacy.mask_cpr_text(before + text + after)
    assert changed and digits not in digits_only(masked) and digits[1:] not in digits_only(masked), masked
    words = re.compile(r"[\d\s\-–—/.,()\u00a0\u2009]")
    assert words.sub("", masked.replace(privacy.MASK, "")) == words.sub("", before + after)  # the words are kept


@settings(max_examples=300, deadline=None)
@given(spelled_cprs())
def test_a_cpr_in_any_spelling_is_pseudonymised_as_a_person_id(spelled):
    digits, text = spelled
    out = privacy.pseudonymise(pd.Series([text, digits]), key=b"k" * 16)
    assert out["person_id"].iloc[0] == out["person_id"].iloc[1] == privacy.pseudonym(digits, b"k" * 16)
    assert out["cpr_birth_date"].iloc[0] == out["cpr_birth_date"].iloc[1] != pd.NaT


@pytest.mark.parametrize(
    "text",
    [
        "010203 1234",
        "010203 - 1234",
        "010203–1234",
        "010203/1234",
        "01.02.03-1234",
        "01-02-03-1234",
        "0102-03-1234",
        "01020312 34",
        "010203   1234",
        "010203—1234",
    ],
)
def test_the_spellings_the_issue_found_are_masked_and_pseudonymised(text):
    assert privacy.mask_cpr_text(f"distrikt {text} nord") == ("distrikt <cpr> nord", True)
    assert privacy.pseudonymise(pd.Series([text]), key=b"k" * 16)["person_id"].iloc[0] == privacy.pseudonym(
        "0102031234", b"k" * 16
    )


@pytest.mark.parametrize(
    "text",
    [
        "beløb 1.234.567,50",
        "perioden 01-02-2016 - 31-12-2016",
        "SEL-52-3.7",
        "§ 52, stk. 3, nr. 7",
        "tlf. 12 34 56 78",
        "2016-01-02",
        "KLE 27.27.26",
    ],
)
def test_ordinary_numbers_and_dates_are_not_taken_for_cpr_numbers(text):
    assert privacy.mask_cpr_text(text) == (text, False)


def test_nine_digits_inside_text_are_a_cpr_without_its_zero():
    assert privacy.mask_cpr_text("barnet 101104002 flyttet") == ("barnet <cpr> flyttet", True)
    assert privacy.mask_cpr_text("beløb 123456789") == ("beløb 123456789", False)  # 01-23: no such month


def test_an_empty_secret_is_refused_like_a_blank_one(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # a key file would be made here otherwise
    monkeypatch.setenv("REPORTBOOK_SECRET", "")
    with pytest.raises(ValueError, match="REPORTBOOK_SECRET er tom"):
        privacy.secret_key()
    assert not (tmp_path / "reportbook" / "secret.key").exists()


# ---------------------------------------------------------------------------- each function's edges
# Expected values are worked out by hand from the CPR rules in the module docstring, and the
# pseudonyms with hmac directly.

KEY = b"a sixteen-byte k"


def hashed(ten: str, key: bytes = KEY) -> str:
    return "p" + hmac.new(key, ten.encode(), hashlib.sha256).hexdigest()[:20]


def test_pseudonymise_splits_each_kind_of_value_on_rows_not_numbered_from_zero():
    values = pd.Series(
        [
            "010203-1234",  # 1 Feb 1903 (7th digit 1), last digit even: a woman
            " 0102031234 ",  # the same person
            102031234,  # the same person as an Excel number without its zero
            "0102054321",  # 7th digit 4, year 05: 2005; odd: a man
            "0102605012",  # 7th digit 5, year 60: 1860
            "3102991234",  # 31 February: CPR-shaped but no such day
            "  sag 17 ",
            "flyttet 010203-1234",
            5.0,
            "",
            None,
            float("nan"),
        ],
        index=range(100, 112),
        dtype=object,
    )
    out = privacy.pseudonymise(values, key=KEY)
    assert list(out.columns) == ["person_id", "cpr_birth_date", "cpr_sex", "cpr_invalid"]
    assert list(out.index) == list(range(100, 112))
    woman = hashed("0102031234")
    assert out["person_id"].tolist() == [
        woman, woman, woman, hashed("0102054321"), hashed("0102605012"), hashed("3102991234"),
        "sag 17", "flyttet <cpr>", "5", None, None, None,
    ]  # fmt: skip
    born = [None if pd.isna(b) else b.date() for b in out["cpr_birth_date"]]
    assert born == [dt.date(1903, 2, 1)] * 3 + [dt.date(2005, 2, 1), dt.date(1860, 2, 1)] + [None] * 7
    assert out["cpr_sex"].tolist() == ["K", "K", "K", "M", "K"] + [None] * 7
    assert out["cpr_invalid"].tolist() == [False] * 5 + [True] + [False] * 6
    assert str(out["cpr_birth_date"].dtype) == "datetime64[ns]" and out["cpr_invalid"].dtype == bool


def test_the_key_of_the_environment_is_used_when_none_is_given(monkeypatch):
    monkeypatch.setenv("REPORTBOOK_SECRET", KEY.decode())
    assert privacy.pseudonymise(pd.Series(["0102031234"]))["person_id"][0] == hashed("0102031234")


def test_a_key_column_keeps_its_values_and_hashes_cpr_numbers_only():
    values = pd.Series(["SAG-1", "010203-1234", "sag 010203-1234", 7, None, "SAG-1"], index=range(5, 11))
    ids, changed = privacy.pseudonymise_identifiers(values, KEY)
    assert ids.to_dict() == {5: "SAG-1", 6: hashed("0102031234"), 7: "sag <cpr>", 8: 7, 9: None, 10: "SAG-1"}
    assert changed.to_dict() == {5: False, 6: True, 7: True, 8: False, 9: False, 10: False}


def test_a_text_column_is_masked_also_where_excel_made_a_cpr_a_number():
    values = pd.Series(["Nord", "ring 010203-1234", 102031234, 2016, 102031234.0, None], index=range(3, 9))
    masked, changed = privacy.mask_text_column(values)
    assert masked.to_dict() == {3: "Nord", 4: "ring <cpr>", 5: "<cpr>", 6: 2016, 7: "<cpr>", 8: None}
    assert changed.to_dict() == {3: False, 4: True, 5: True, 6: False, 7: True, 8: False}
    assert privacy.mask_if_cpr("se 0102031234") == "se <cpr>" and privacy.mask_if_cpr(102031234) == 102031234


@pytest.mark.parametrize(
    ("value", "ten"),
    [
        ("0102031234", "0102031234"),
        ("010203-1234", "0102031234"),
        ("102031234", "0102031234"),  # Excel lost the zero; 1 Feb 1903 exists
        ("102031234.0", "0102031234"),
        (102031234, "0102031234"),
        (102031234.0, "0102031234"),
        ("3102991234", "3102991234"),  # ten digits are personal even when the day does not exist
        ("9999999999", "9999999999"),
        ("999999999", None),  # nine digits only when the date with its zero exists
        ("123456789", None),
        ("01020312345", None),
        ("010203-1234 x", None),
        (True, None),
        (float("nan"), None),
        (1.5, None),
        (None, None),
        (dt.date(2016, 1, 1), None),
    ],
)
def test_the_whole_value_is_a_cpr_number(value, ten):
    assert privacy.cpr_digits(value) == ten
    assert privacy.looks_like_cpr(value) is (ten is not None)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("0102031234", [(0, 10, "0102031234")]),
        ("ring 3112991234 nu", [(5, 15, "3112991234")]),  # the last day of the last month
        ("ring 3201031234 nu", []),  # no 32nd day
        ("ring 0001031234 nu", []),  # no day 0
        ("ring 0100031234 nu", []),  # no month 0
        ("ring 0113031234 nu", []),  # no 13th month
        ("a 01-02-03 1234 og 05 06 07-8901", [(2, 15, "0102031234"), (19, 32, "0506078901")]),
        ("2016 0102031234", [(5, 15, "0102031234")]),
        ("01-02-2016 - 31-12-2016", []),
        ("01-02-1916 - 31-12-2016", []),
        ("01 01 1940 00 Nord", [(0, 13, "0101194000")]),  # a CPR in groups of 2, 2, 4 and 2: it ends the run
        ("01-02-2116 1234", []),  # not a four-digit year of the 1900s or 2000s, not ten digits either
        ("12 0102031234", [(3, 13, "0102031234")]),  # groups are whole: twelve digits are no CPR
        ("01 02 03 12 34 56", [(0, 17, "0102031234")]),  # 0102031234 and 0203123456 overlap: merged
    ],
)
def test_find_cpr_gives_where_each_cpr_is(text, found):
    assert privacy.find_cpr(text) == found


def test_the_century_and_sex_of_a_cpr():
    assert privacy.parse_cpr("010203-1234") == (dt.date(1903, 2, 1), "K")
    assert privacy.parse_cpr("0102031235") == (dt.date(1903, 2, 1), "M")
    assert privacy.parse_cpr(" 010203 1234 ") == (dt.date(1903, 2, 1), "K")
    assert privacy.parse_cpr("010203123") is None and privacy.parse_cpr(102031234) is None
    assert privacy.parse_cpr("01020312345") is None and privacy.parse_cpr("x0102031234") is None


def test_the_key_file_and_its_messages(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTBOOK_SECRET", raising=False)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert privacy.key_file() == tmp_path / "home" / ".config" / "reportbook" / "secret.key"
    monkeypatch.setenv("XDG_CONFIG_HOME", "")  # set but empty: the default
    assert privacy.key_file() == tmp_path / "home" / ".config" / "reportbook" / "secret.key"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    key = privacy.secret_key()
    path = tmp_path / "cfg" / "reportbook" / "secret.key"
    assert re.fullmatch(rb"[0-9a-f]{64}", key) and path.read_text() == key.decode()
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    path.write_text("x" * 15)
    with pytest.raises(ValueError) as err:
        privacy.secret_key()
    assert str(err.value) == (
        f"Nøglen i nøglefilen {path} er for kort (15 byte); brug mindst 16 byte, "
        "fx 64 tilfældige hex-tegn (python3 -c 'import secrets; print(secrets.token_hex(32))')."
    )
    path.write_text("  \n")
    with pytest.raises(ValueError) as err:
        privacy.secret_key()
    assert str(err.value) == f"Nøglen i nøglefilen {path} er tom; skriv en hemmelig nøgle på mindst 16 byte."
    path.write_text("k" * 16 + "\n")
    path.chmod(0o640)
    with pytest.warns(privacy.KeyFileWarning) as warned:
        assert privacy.secret_key() == b"k" * 16
    assert str(warned[0].message) == (
        f"Nøglefilen {path} kan læses af andre brugere (rettigheder 0640); kør chmod 600 {path}"
    )
    monkeypatch.setenv("REPORTBOOK_SECRET", "x" * 3)
    with pytest.raises(ValueError, match=r"^Nøglen i \$REPORTBOOK_SECRET er for kort \(3 byte\)"):
        privacy.secret_key()
