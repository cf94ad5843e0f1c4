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

import pandas as pd

CPR_PATTERN = re.compile(r"^\s*(\d{2})(\d{2})(\d{2})-?(\d{4})\s*$")
#: Anything that looks like a CPR number inside text (used to scan published output).
CPR_IN_TEXT = re.compile(r"(?<!\d)[0-3]\d[01]\d{3}-?\d{4}(?!\d)")
PSEUDONYM_PREFIX = "p"
SECRET_ENV = "REPORTBOOK_SECRET"


def looks_like_cpr(value: object) -> bool:
    """True when ``value`` has the form DDMMYY-SSSS or DDMMYYSSSS (date not checked)."""
    return isinstance(value, str) and CPR_PATTERN.match(value) is not None


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

    Returns a frame with ``person_id`` (pseudonym where the input was CPR-like, the input
    otherwise), ``cpr_birth_date``, ``cpr_sex`` and ``cpr_invalid`` (CPR-like but not a
    valid date). CPR-like values are always hashed, also invalid ones, so that no
    CPR-like string leaves this function.
    """
    key = secret_key() if key is None else key
    ids, born, sex, invalid = [], [], [], []
    for value in person_id.astype("object"):
        if looks_like_cpr(value):
            parsed = parse_cpr(value)
            ids.append(pseudonym(value, key))
            born.append(pd.Timestamp(parsed[0]) if parsed else pd.NaT)
            sex.append(parsed[1] if parsed else None)
            invalid.append(parsed is None)
        else:
            ids.append(None if value is None or pd.isna(value) else str(value).strip())
            born.append(pd.NaT)
            sex.append(None)
            invalid.append(False)
    return pd.DataFrame(
        {
            "person_id": pd.Series(ids, index=person_id.index, dtype="object"),
            "cpr_birth_date": pd.to_datetime(pd.Series(born, index=person_id.index)),
            "cpr_sex": pd.Series(sex, index=person_id.index, dtype="object"),
            "cpr_invalid": pd.Series(invalid, index=person_id.index, dtype=bool),
        }
    )


def mask_if_cpr(value: object) -> object:
    """A value safe to show in messages: CPR-like strings are masked."""
    if isinstance(value, str) and CPR_IN_TEXT.search(value):
        return CPR_IN_TEXT.sub("<cpr>", value)
    return value
