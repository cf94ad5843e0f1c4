import datetime as dt
import hashlib
import hmac
import os
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
