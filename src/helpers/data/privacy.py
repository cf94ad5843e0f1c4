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

#: What people type between the digits of a CPR number: spaces (also no-break and thin),
#: hyphens and dashes (``-``, en dash ``–`` from Word/Outlook autocorrect, em dash), ``/``
#: and ``.``; a run of up to five of them (``010203 - 1234``, ``010203  –  1234``).
SEPARATORS = "\\s\u00a0\u2009\u202f\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212/."
_SEP = f"[{SEPARATORS}]"
#: A run of digit groups joined by separators: ``01.02.03-1234``, ``0102-03-1234``,
#: ``01020312 34``; the groups are the pure-digit parts.
_DIGIT_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEP}{{1,5}}\d+)*(?!\d)")
_GROUP = re.compile(r"\d+")
#: A quick test that a text may hold a CPR number at all: nine digits with at most five
#: separators between each two (every spelling of a CPR has them). Most texts fail it at
#: C speed, so :func:`find_cpr` runs only on the few that pass.
_CANDIDATE = re.compile(rf"\d(?:{_SEP}{{0,5}}\d){{8}}")
_WHOLE = re.compile(rf"^\d+(?:{_SEP}{{1,5}}\d+)*$")
_EXCEL_FLOAT = re.compile(r"^(\d{9,10})\.0+$")
#: A whole value that is a CPR number in the usual form (kept for readers of the contract):
#: DDMMYY and SSSS with a dash, a space or nothing between them.
CPR_PATTERN = re.compile(r"^\s*(\d{2}) ?(\d{2}) ?(\d{2})[ -]?(\d{4})\s*$")
#: Anything that looks like a CPR number in its usual spelling inside text (used to scan
#: published output; :func:`find_cpr` finds every spelling).
CPR_IN_TEXT = re.compile(r"(?<!\d)[0-3]\d[01]\d{3}-?\d{4}(?!\d)")
MASK = "<cpr>"
PSEUDONYM_PREFIX = "p"
SECRET_ENV = "REPORTBOOK_SECRET"


def _date_shaped(ten: str) -> bool:
    """DDMM of ten digits is a day 01-31 of a month 01-12 (the serial is not checked: a
    typed CPR may have a wrong check digit and is still a CPR)."""
    return 1 <= int(ten[:2]) <= 31 and 1 <= int(ten[2:4]) <= 12


def _cpr_of_digits(digits: str) -> str | None:
    """The ten digits of a CPR written with these digits: ten date-shaped digits, or nine
    whose leading zero was lost (Excel) when the zero-padded date exists."""
    if len(digits) == 10 and _date_shaped(digits):
        return digits
    if len(digits) == 9 and parse_cpr("0" + digits) is not None:
        return "0" + digits
    return None


def find_cpr(text: str) -> list[tuple[int, int, str]]:
    """Every CPR number written inside ``text``, whatever its spelling: ``(start, end,
    ten digits)`` of each, left to right, not overlapping.

    A CPR is a run of one or more consecutive digit groups (joined by up to five
    :data:`SEPARATORS`, and with no digit right before or after) holding ten digits whose
    first four are a day and month, or nine digits that are a valid CPR once the lost
    leading zero is put back. Groups are taken whole: ``2016 0102031234`` finds the second
    group. Every such window of a run is found and overlapping windows are merged, so a
    number typed right before a CPR can be masked with it but never leaves part of it
    readable. A window that starts as a date with a four-digit year and does not end the
    run (``01-02-2016 - 31-12-2016``) is a date range, not a CPR.
    """
    found = []
    if _CANDIDATE.search(text) is None:
        return found
    for run in _DIGIT_RUN.finditer(text):
        groups = [(g.start() + run.start(), g.end() + run.start(), g.group()) for g in _GROUP.finditer(run.group())]
        spans = []  # every window of whole groups that is a CPR; overlapping ones merge
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > 10:
                    break
                cpr = None if _dated(groups[i : j + 1], j + 1 < len(groups)) else _cpr_of_digits(digits)
                if cpr is not None:
                    spans.append([groups[i][0], groups[j][1], cpr])
        for span in sorted(spans, key=lambda s: (s[0], -s[1])):
            if found and span[0] <= found[-1][1]:
                found[-1][1] = max(found[-1][1], span[1])
            else:
                found.append(span)
    return [tuple(span) for span in found]


def _dated(groups: list, more: bool) -> bool:
    """Groups that start as a date with a four-digit year and go on into more groups
    (``more``: ``01-02-2016 - 31-12-2016``): a CPR number has a two-digit year, so such a
    window is a date range, not a CPR. A window that ends the run (``01 01 1940 00``: a CPR
    typed in groups of 2, 2, 4 and 2 digits) is a CPR: masking a date followed by one
    number costs less than showing a CPR."""
    sizes = [len(g[2]) for g in groups[:3]]
    return more and sizes == [2, 2, 4] and groups[2][2][:2] in ("19", "20")


def cpr_digits(value: object) -> str | None:
    """The ten digits of a CPR number when the whole ``value`` is one, in any spelling
    (see :func:`find_cpr`), also as an Excel number (int or float, possibly without its
    leading zero); None for anything else. Ten digits are a CPR also when their date does
    not exist (a typing error is still personal), nine only when the zero-padded date does."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, float) and value == value and float(value).is_integer()):
        text = str(int(value))
    elif isinstance(value, str):
        text = value.strip()
        excel = _EXCEL_FLOAT.match(text)
        if excel is not None:
            text = excel[1]
    else:
        return None
    if not _WHOLE.match(text):
        return None
    digits = "".join(_GROUP.findall(text))
    if len(digits) == 10:
        return digits
    if len(digits) == 9 and parse_cpr("0" + digits) is not None:
        return "0" + digits
    return None


def looks_like_cpr(value: object) -> bool:
    """True when ``value`` is a CPR number in one of the accepted forms (date not checked,
    except for nine digits)."""
    return cpr_digits(value) is not None


def mask_cpr_text(text: str) -> tuple[str, bool]:
    """``text`` with every CPR number in it masked, whatever its spelling (a whole value
    that is a CPR number too); also whether anything was masked."""
    if _CANDIDATE.search(text) is None:
        return text, False
    if cpr_digits(text) is not None:
        return MASK, True
    found = find_cpr(text)
    if not found:
        return text, False
    parts, at = [], 0
    for start, end, _ in found:
        parts += [text[at:start], MASK]
        at = end
    return "".join(parts) + text[at:], True


def cpr_century(yy: int, seventh: int) -> int:
    """Century (1800, 1900 or 2000) of a CPR birth year by the 7th-digit rule."""
    if seventh <= 3:
        return 1900
    if seventh in (4, 9):
        return 2000 if yy <= 36 else 1900
    return 2000 if yy <= 57 else 1800


def parse_cpr(value: str) -> tuple[dt.date, str] | None:
    """Birth date and sex (``M``/``K``) of a CPR number; None when it is not a valid CPR."""
    digits = re.sub(r"\D", "", value) if isinstance(value, str) and _WHOLE.match(value.strip()) else ""
    return _parse_digits(digits) if len(digits) == 10 else None


def _parse_digits(digits: str) -> tuple[dt.date, str] | None:
    dd, mm, yy, serial = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), digits[6:]
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
    if env is not None:  # set but empty is refused like blank, never a silent fall-back
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
    keyed = hmac.new(key, digestmod=hashlib.sha256)  # the key's pads once; each value hashes a copy

    def one(value):
        digits = cpr_digits(value)
        if digits is None:
            if value is None or (isinstance(value, float) and value != value):
                return None, None, None, False
            text = value.strip() if isinstance(value, str) else _as_text(value)
            masked, _ = mask_cpr_text(text)
            return masked or None, None, None, False
        parsed = _parse_digits(digits)
        h = keyed.copy()
        h.update(digits.encode("ascii"))
        pseudo = PSEUDONYM_PREFIX + h.hexdigest()[:20]
        return pseudo, (parsed[0] if parsed else None), (parsed[1] if parsed else None), parsed is None

    codes, uniques = pd.factorize(person_id.astype("object"), use_na_sentinel=True)
    results = [one(u) for u in uniques] + [one(None)]  # code -1 (missing) picks the last entry
    ids, born, sex, invalid = (np.asarray(x, dtype=object) for x in zip(*results))
    return pd.DataFrame(
        {
            "person_id": pd.Series(ids[codes], index=person_id.index, dtype="object"),
            "cpr_birth_date": pd.Series(
                np.array([np.datetime64("NaT" if b is None else b, "ns") for b in born])[codes],
                index=person_id.index,
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
