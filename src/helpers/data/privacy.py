"""CPR handling and pseudonymisation.

A raw CPR number never travels past the loader: birth date and sex are derived first,
then the CPR is replaced by a keyed HMAC-SHA256 pseudonym. The key comes from the
environment variable ``REPORTBOOK_SECRET`` or from a key file created on first use
outside the repository (``$XDG_CONFIG_HOME/reportbook/secret.key``, by default under
``~/.config``). The same key gives the same pseudonyms on every run.

Century rule (CPR-kontoret): the 7th digit together with the two-digit year gives the
century of birth:

====================  ==========  ==========
7th digit             year 00-36  year 37-99
====================  ==========  ==========
0, 1, 2, 3            1900        1900
4, 9                  2000        1900
5, 6, 7, 8            2000 (00-57), 1800 (58-99)
====================  ==========  ==========

Sex: odd last digit = male (``M``), even = female (``K``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import stat
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

#: A whole value that is a CPR number: DDMMYY and SSSS, with a dash, a space or nothing
#: between them (``010203-1234``, ``0102031234``, ``010203 1234``, ``01 02 03 1234``).
CPR_PATTERN = re.compile(r"^\s*(\d{2}) ?(\d{2}) ?(\d{2})[ -]?(\d{4})\s*$")
#: Nine digits: a CPR number whose leading zero was lost when Excel stored it as a number
#: (``101104002`` for ``0101104002``); a CPR only when the zero-padded date exists.
NINE_DIGITS = re.compile(r"^\s*(\d{9})(?:\.0+)?\s*$")
#: Anything that looks like a CPR number inside text (used to scan published output).
CPR_IN_TEXT = re.compile(r"(?<!\d)[0-3]\d[01]\d{3}-?\d{4}(?!\d)")
#: CPR-like runs inside text, also written with spaces; masked in every text column.
CPR_LIKE = re.compile(r"(?<![\d])[0-3]\d ?[01]\d ?\d\d[ -]?\d{4}(?![\d])")
MASK = "<cpr>"
PSEUDONYM_PREFIX = "p"
SECRET_ENV = "REPORTBOOK_SECRET"


def cpr_digits(value: object) -> str | None:
    """The ten digits of a CPR number written in any of the forms above, also as an Excel
    number (int or float, possibly without its leading zero); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value == value and float(value).is_integer()):
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    else:
        return None
    m = CPR_PATTERN.match(text)
    if m:
        return "".join(m.groups())
    m = NINE_DIGITS.match(text)
    if m and parse_cpr("0" + m[1]) is not None:
        return "0" + m[1]
    return None


def looks_like_cpr(value: object) -> bool:
    """True when ``value`` is a CPR number in one of the accepted forms (date not checked,
    except for nine digits)."""
    return cpr_digits(value) is not None


def mask_cpr_text(text: str) -> tuple[str, bool]:
    """``text`` with every CPR-like run masked (and a whole value that is a CPR number,
    e.g. nine digits); also whether anything was masked."""
    if cpr_digits(text) is not None:
        return MASK, True
    masked = CPR_LIKE.sub(MASK, text)
    return masked, masked != text


def cpr_century(yy: int, seventh: int) -> int:
    """Century (1800, 1900 or 2000) of a CPR birth year by the 7th-digit rule."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def parse_cpr(value: str) -> tuple[dt.date, str] | None:
    """Birth date and sex (``M``/``K``) of a CPR number; None when it is not a valid CPR."""
    m = CPR_PATTERN.match(value) if isinstance(value, str) else None
    if m is None:
        return None
    dd, mm, yy, serial = int(m[1]), int(m[2]), int(m[3]), m[4]
    year = cpr_century(yy, int(serial[0])) + yy
    try:
        born = dt.date(year, mm, dd)
    except ValueError:
        return None
    sex = "M" if int(serial[-1]) % 2 == 1 else "K"
    return born, sex


#: The shortest key accepted (bytes): an HMAC key much shorter than its output is guessable.
MIN_KEY_BYTES = 16


class KeyFileWarning(UserWarning):
    """The key file can be read by other users."""


def key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "reportbook" / "secret.key"


def _checked(key: bytes, where: str) -> bytes:
    if not key.strip():
        raise ValueError(f"Nøglen i {where} er tom; skriv en hemmelig nøgle på mindst {MIN_KEY_BYTES} byte.")
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(
            f"Nøglen i {where} er for kort ({len(key)} byte); brug mindst {MIN_KEY_BYTES} byte, "
            "fx 64 tilfældige hex-tegn (python3 -c 'import secrets; print(secrets.token_hex(32))')."
        )
    return key


def secret_key() -> bytes:
    """The pseudonymisation key: ``$REPORTBOOK_SECRET`` or a key file made on first use.

    Refused (``ValueError``, in Danish, naming where the key came from): an empty or
    whitespace-only key and a key shorter than :data:`MIN_KEY_BYTES`. A key file that
    other users can read gives a :class:`KeyFileWarning`."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return _checked(env.encode("utf-8"), f"${SECRET_ENV}")
    path = key_file()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        warnings.warn(
            f"Nøglefilen {path} kan læses af andre brugere (rettigheder {mode:04o}); kør chmod 600 {path}",
            KeyFileWarning,
            stacklevel=2,
        )
    return _checked(path.read_text(encoding="utf-8", errors="replace").strip().encode("utf-8"), f"nøglefilen {path}")


def pseudonym(cpr: str, key: bytes) -> str:
    """Keyed HMAC-SHA256 pseudonym of a CPR number (normalised to 10 digits)."""
    digits = re.sub(r"\D", "", cpr)
    digest = hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:20]


def pseudonymise(person_id: pd.Series, key: bytes | None = None) -> pd.DataFrame:
    """Split a ``person_id`` column into pseudonym, birth date and sex.

    Returns a frame with ``person_id`` (pseudonym where the input was a CPR number in any
    form, see :func:`cpr_digits`, the input as text otherwise), ``cpr_birth_date``,
    ``cpr_sex`` and ``cpr_invalid`` (CPR-like but not a valid date). CPR-like values are
    always hashed, also invalid ones, so that no CPR-like string leaves this function.
    Each distinct value is handled once.
    """
    key = secret_key() if key is None else key

    def one(value):
        digits = cpr_digits(value)
        if digits is None:
            if value is None or (isinstance(value, float) and value != value):
                return None, pd.NaT, None, False
            text = value.strip() if isinstance(value, str) else _as_text(value)
            masked, _ = mask_cpr_text(text)
            return masked or None, pd.NaT, None, False
        parsed = parse_cpr(digits)
        born = pd.Timestamp(parsed[0]) if parsed else pd.NaT
        return pseudonym(digits, key), born, (parsed[1] if parsed else None), parsed is None

    codes, uniques = pd.factorize(person_id.astype("object"), use_na_sentinel=True)
    results = [one(u) for u in uniques] + [one(None)]  # code -1 (missing) picks the last entry
    ids, born, sex, invalid = (np.asarray(x, dtype=object) for x in zip(*results))
    return pd.DataFrame(
        {
            "person_id": pd.Series(ids[codes], index=person_id.index, dtype="object"),
            "cpr_birth_date": pd.Series(
                pd.to_datetime(born, errors="coerce").to_numpy(dtype="datetime64[ns]")[codes], index=person_id.index
            ),
            "cpr_sex": pd.Series(sex[codes], index=person_id.index, dtype="object"),
            "cpr_invalid": pd.Series(invalid.astype(bool)[codes], index=person_id.index, dtype=bool),
        }
    )


def pseudonymise_identifiers(values: pd.Series, key: bytes) -> tuple[pd.Series, pd.Series]:
    """A key column (``case_id``) with every value that is a CPR number replaced by its
    keyed pseudonym (distinct keys stay distinct), CPR-like runs inside other values masked;
    also which cells were changed."""

    def one(value):
        if not isinstance(value, str):
            return value, False
        digits = cpr_digits(value)
        if digits is not None:
            return pseudonym(digits, key), True
        return mask_cpr_text(value)

    return _by_unique(values, one)


def mask_text_column(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A text column with every CPR-like value masked (see :func:`mask_cpr_text`; Excel
    numbers that are CPR numbers too); also which cells were changed. Each distinct value
    is scanned once; missing cells come back as None."""

    def one(value):
        if isinstance(value, str):
            return mask_cpr_text(value)
        if cpr_digits(value) is not None:  # an Excel number that is a CPR number
            return MASK, True
        return value, False

    return _by_unique(values, one)


def _by_unique(values: pd.Series, one) -> tuple[pd.Series, pd.Series]:
    codes, uniques = pd.factorize(values.astype("object"), use_na_sentinel=True)
    results = [one(u) for u in uniques] + [(None, False)]  # code -1 (missing) -> None
    new = np.empty(len(results), dtype=object)
    new[:] = [r[0] for r in results]
    changed = np.asarray([r[1] for r in results], dtype=bool)
    return pd.Series(new[codes], index=values.index, dtype=object), pd.Series(changed[codes], index=values.index)


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def mask_if_cpr(value: object) -> object:
    """A value safe to show in messages: CPR-like strings are masked."""
    if isinstance(value, str):
        return mask_cpr_text(value)[0]
    return value
