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
