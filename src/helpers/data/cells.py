"""Parsing cells by the contract's kinds: numbers, dates, booleans, allowed values, text.

Each parser takes the raw column (text from a CSV, Python values from Excel, typed
columns from Parquet) and returns the parsed values and the cells it could not accept,
each with a rule code and a Danish description of the problem. Nothing is guessed:

* **Numbers.** A column's decimal mark is settled from all its values: a value such as
  ``12,5`` or ``1.234,50`` votes for the comma, ``12.5`` or ``1,234.50`` for the point;
  the majority decides (a tie or no vote at all: the votes of the file's other numeric
  columns). Thousands separators are accepted where they cannot be confused with the
  decimal mark (``1.234,50`` and ``1.234`` in a comma column, ``1,234.50`` in a point
  column; also ``1 234,50``). A value that contradicts the column's mark is rejected
  (``decimal``); ``1.234`` or ``1,234`` in a column without a settled mark is ambiguous
  (``ambiguous``), while ``0.095`` and ``0,095`` are decimals (a thousands group never
  starts with 0). ``inf``, ``nan``, exponents and anything else are not numbers (``parse``).
* **Dates.** ISO ``2016-02-01``, Danish ``01-02-2016``, ``01.02.2016`` or ``01/02/2016``,
  Excel dates. In an open-end column (``end_date``, ``close_date``) a date from
  :data:`~helpers.data.contract.OPEN_END_FROM` on means "ongoing" (counted as a note);
  any other date outside :data:`~helpers.data.contract.DATE_MIN` ..
  :data:`~helpers.data.contract.DATE_MAX` is rejected (``date_range``); a number in a date
  cell of an Excel sheet is an unformatted date serial (``excel_serial``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .contract import DATE_MAX, DATE_MIN, Column, open_end_from
from .municipalities import resolve

#: Excel's day 0 (its 1900 leap-year bug makes serials from 61 on count from here).
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class Parsed:
    values: pd.Series
    bad: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (rule, problem)
    notes: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (rule, problem), row kept


@dataclass
class Cells:
    """A raw column split into text cells (stripped), other values and empty cells."""

    text: pd.Series  # stripped strings (subset of the index)
    native: pd.Series  # numbers, dates, booleans from Excel or Parquet (subset)
    empty: pd.Series  # bool, full index

    @staticmethod
    def of(values: pd.Series) -> Cells:
        dtype = values.dtype
        if isinstance(dtype, pd.StringDtype) or str(dtype) == "str":
            text = values.str.strip()
            empty = (values.isna() | text.eq("")).astype(bool)
            return Cells(text[~empty], values.iloc[:0], empty)
        if dtype is not np.dtype(object):
            empty = values.isna().astype(bool)
            return Cells(pd.Series([], dtype=object), values[~empty], empty)
        is_str = values.map(lambda v: isinstance(v, str)).astype(bool)
        text = values[is_str].map(str.strip)
        missing = values.map(_missing).astype(bool)
        empty = missing.copy()
        empty[is_str] = text.eq("").to_numpy()
        text = text[~empty[is_str].to_numpy()]
        native = values[~is_str & ~missing]
        return Cells(text, native, empty)


def is_empty(values: pd.Series) -> pd.Series:
    """Missing or blank cells."""
    return Cells.of(values).empty


def _missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and math.isnan(v)


def native_text(v: object) -> str:
    """An Excel/Parquet value as the text a user sees (``5.0`` -> ``5``, dates as ISO)."""
    if isinstance(v, bool | np.bool_):
        return "ja" if v else "nej"
    if isinstance(v, float | np.floating) and math.isfinite(v) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def by_unique(values: pd.Series, fn) -> tuple[np.ndarray, list]:
    """``fn`` applied once per distinct value: (code of each value, result of each distinct
    value). Columns repeat their values (dates, municipalities, measures), so this is fast."""
    codes, uniques = pd.factorize(values)  # a missing value gets code -1
    return codes, [fn(u) for u in uniques]


def _positions(values: pd.Series, part: pd.Series) -> np.ndarray:
    return values.index.get_indexer(part.index)


#: The longest value a message repeats whole; a longer one is cut (a 5 MB cell stays in the file).
SHOWN_CHARS = 80


def show(value: object) -> str:
    """A cell value quoted for a message, with anything CPR-like masked and a long value
    cut to its first characters and its length."""
    from .privacy import mask_cpr_text

    text = mask_cpr_text(native_text(value))[0]
    if len(text) > SHOWN_CHARS:
        return repr(text[: SHOWN_CHARS - 20]) + f" … ({len(text):,} tegn)".replace(",", ".")
    return repr(text)


# ---------------------------------------------------------------------------- numbers

_SPACE_CHARS = " \u00a0\u202f"
_SPACED = re.compile(f"[+-]?[1-9]\\d{{0,2}}(?:[{_SPACE_CHARS}]\\d{{3}})+(?:[.,]\\d+)?")
NUMBER_KINDS = (
    ("plain", r"[+-]?\d+"),
    # a thousands group never starts with 0: 0.095 and 0,095 can only be decimals
    ("amb_dot", r"[+-]?[1-9]\d{0,2}\.\d{3}"),
    ("amb_comma", r"[+-]?[1-9]\d{0,2},\d{3}"),
    ("dot", r"[+-]?(?:\d*\.\d+|[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?)"),
    ("comma", r"[+-]?(?:\d*,\d+|[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?)"),
)
MARK_DA = {"dot": "decimalpunktum", "comma": "decimalkomma"}
EXAMPLE = {"dot": "fx 1234.50 eller 1,234.50", "comma": "fx 1234,50 eller 1.234,50"}


def classify_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each text cell's number form (``plain``, ``amb_dot``, ``amb_comma``, ``dot``,
    ``comma`` or ``invalid``) and the text without space thousands separators."""
    text = text.astype(str)
    spaced = text.str.contains(f"[{_SPACE_CHARS}]")
    if spaced.any():
        ok = text[spaced].str.fullmatch(_SPACED.pattern)
        cleaned = text[spaced].str.replace(f"[{_SPACE_CHARS}]", "", regex=True).where(ok, "x")
        text = text.copy()
        text[spaced] = cleaned
    conditions = [text.str.fullmatch(p).to_numpy(dtype=bool) for _, p in NUMBER_KINDS]
    kind = np.select(conditions, [k for k, _ in NUMBER_KINDS], default="invalid")
    return text, pd.Series(kind, index=text.index, dtype=object)


def votes(kind: pd.Series) -> dict[str, int]:
    return {"dot": int((kind == "dot").sum()), "comma": int((kind == "comma").sum())}


def settle(column: dict[str, int], file: dict[str, int]) -> str | None:
    """The decimal mark of a column from its own votes, else the file's."""
    for v in (column, file):
        if v["dot"] != v["comma"]:
            return "dot" if v["dot"] > v["comma"] else "comma"
    return None


def parse_number(
    values: pd.Series,
    column: Column,
    convention: str | None,
    cells: Cells | None = None,
    classified: tuple[pd.Series, pd.Series] | None = None,
) -> Parsed:
    """Numbers by the column's settled decimal mark (see the module docstring)."""
    cells = cells or Cells.of(values)
    out = pd.Series(np.nan, index=values.index)
    bad: dict[int, tuple[str, str]] = {}
    for i, v in cells.native.items():
        if isinstance(v, bool | np.bool_) or not isinstance(v, int | float | np.integer | np.floating):
            bad[i] = ("parse", f"{show(v)} er ikke et tal")
        elif not math.isfinite(float(v)):
            bad[i] = ("parse", f"{show(v)} er ikke et endeligt tal")
        else:
            out[i] = float(v)
    text, kind = classified if classified is not None else classify_numbers(cells.text)
    if len(text):
        if convention == "dot":
            take = kind.isin(["plain", "amb_dot", "amb_comma", "dot"])
            numeric = text[take].str.replace(",", "")
        elif convention == "comma":
            take = kind.isin(["plain", "amb_dot", "amb_comma", "comma"])
            numeric = text[take].str.replace(".", "", regex=False).str.replace(",", ".")
        else:
            take = kind.eq("plain")
            numeric = text[take]
        out[numeric.index] = pd.to_numeric(numeric, errors="coerce").to_numpy()
        raw = cells.text
        for i in kind.index[~take.to_numpy()]:
            k = kind[i]
            shown = show(raw[i])
            if k == "invalid":
                bad[i] = ("parse", f"{shown} er ikke et tal")
            elif k in ("amb_dot", "amb_comma"):
                bad[i] = (
                    "ambiguous",
                    f"{shown} er tvetydigt: det kan være et decimaltal eller et tal med tusindtalsseparator, "
                    "og kolonnens decimaltegn kan ikke afgøres ud fra de andre værdier",
                )
            elif convention is None:
                bad[i] = ("decimal", f"{shown}: kolonnen bruger både decimalpunktum og decimalkomma")
            else:
                bad[i] = (
                    "decimal",
                    f"{shown} bruger et andet decimaltegn end resten af kolonnen ({MARK_DA[convention]}, "
                    f"{EXAMPLE[convention]})",
                )
    bad.update(_typed_cprs(out, cells))
    if column.kind == "int":
        huge = out.abs() > 2**53  # beyond what a float holds exactly: no whole number of the contract
        for i in out.index[huge.to_numpy()]:
            bad.setdefault(i, ("range", f"{show(_original(values, i))} er for stort"))
        out = out.where(~huge)
        fractional = out.notna() & (out != np.floor(out))
        for i in out.index[fractional.to_numpy()]:
            bad.setdefault(i, ("parse", f"{show(_original(values, i))} er ikke et heltal"))
        out = out.where(~fractional)
    out[list(bad)] = np.nan
    return Parsed(out.astype("Int64") if column.kind == "int" else out, bad)


def _typed_cprs(numbers: pd.Series, cells: Cells) -> dict[int, tuple[str, str]]:
    """The cells whose number is a CPR number typed as one (also as Excel writes it, without its
    leading zero): not an amount, and it would be published as one. Only a value of nine digits
    or more can be one; the message does not show it."""
    from .privacy import cpr_digits

    large = numbers.notna() & (numbers.abs() >= 1e8)
    return {
        i: ("cpr", "værdien er skrevet som et CPR-nummer og læses ikke som et tal (værdien vises ikke)")
        for i in numbers.index[large.to_numpy()]
        if cpr_digits(cells.native.get(i, cells.text.get(i))) is not None
    }


def _original(values: pd.Series, i) -> object:
    return values[i]


# ---------------------------------------------------------------------------- dates

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_DANISH = re.compile(r"(\d{1,2})([-./])(\d{1,2})\2(\d{4})(?:[ T]00:00(?::00)?)?")
DATE_EXPECTED = "en dato (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)"


def _date_of_text(text: str) -> dt.date | str:
    """The day a text names, or why it names none (added to the message)."""
    m = _ISO.fullmatch(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    else:
        m = _DANISH.fullmatch(text)
        if not m:
            return ""
        d, mo, y = int(m[1]), int(m[3]), int(m[4])
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return " (datoen findes ikke)"


def parse_date(values: pd.Series, column: Column, excel: bool = False, cells: Cells | None = None) -> Parsed:
    """Dates, far-future open ends and date ranges (see the module docstring)."""
    cells = cells or Cells.of(values)
    judge = _DateJudge(open_end_from() if column.open_end else None)
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[ns]")
    parsed = Parsed(pd.Series(out, index=values.index))
    if len(cells.text):
        _text_dates(values, cells.text, judge, out, parsed)
    position = dict(zip(values.index, range(len(values))))
    for i, v in cells.native.items():
        day, bad = _native_day(v, excel)
        if bad is not None:
            parsed.bad[i] = bad
        if day is None:
            continue
        verdict = judge(day)
        if verdict is None:
            out[position[i]] = np.datetime64(day)
        elif verdict[0] == "open_end":
            parsed.notes[i] = verdict
        else:
            parsed.bad[i] = verdict
    parsed.values = pd.Series(out, index=values.index)
    return parsed


class _DateJudge:
    """Whether a date is kept: None, ``open_end`` (from the open-end date on) or ``date_range``."""

    def __init__(self, sentinel: dt.date | None):
        self.sentinel, self.lo, self.hi = sentinel, DATE_MIN, DATE_MAX

    def __call__(self, day: dt.date) -> tuple[str, str] | None:
        if self.sentinel is not None and day >= self.sentinel:
            return "open_end", f"{day.isoformat()} betyder åben slutdato (igangværende)"
        if day < self.lo or day > self.hi:
            return "date_range", (
                f"{day.isoformat()} ligger uden for de mulige datoer ({self.lo.isoformat()} til {self.hi.isoformat()})"
            )
        return None


def _text_dates(values: pd.Series, text: pd.Series, judge: _DateJudge, out: np.ndarray, parsed: Parsed) -> None:
    """Dates written as text, each distinct text read once; kept ones into ``out``."""
    codes, results = by_unique(text, _date_of_text)
    stamps = np.full(len(results), np.datetime64("NaT"), dtype="datetime64[ns]")
    verdicts: list = []
    for k, value in enumerate(results):
        if isinstance(value, str):
            verdicts.append(("parse", value))
            continue
        verdict = judge(value)
        verdicts.append(verdict)
        if verdict is None:
            stamps[k] = np.datetime64(value)
    out[_positions(values, text)] = stamps[codes]
    failing = np.array([v is not None for v in verdicts])
    for i, raw, code in zip(text.index[failing[codes]], text[failing[codes]], codes[failing[codes]]):
        rule, message = verdicts[code]
        if rule == "parse":
            parsed.bad[i] = ("parse", f"{show(raw)} kan ikke læses som dato{message}")
        elif rule == "open_end":
            parsed.notes[i] = (rule, message)
        else:
            parsed.bad[i] = (rule, message)


def _native_day(v, excel: bool) -> tuple[dt.date | None, tuple[str, str] | None]:
    """A cell that is not text (a date, a timestamp, an Excel number): its day, or why not."""
    if isinstance(v, dt.datetime | pd.Timestamp):
        return v.date(), None
    if isinstance(v, dt.date):
        return v, None
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).date(), None
    if excel and isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        try:
            hint = f" (svarer til {(EXCEL_EPOCH + dt.timedelta(days=int(v))).isoformat()})"
        except OverflowError:
            hint = ""
        return None, ("excel_serial", f"{show(v)} er et Excel-datotal{hint}, ikke en dato")
    return None, ("parse", f"{show(v)} kan ikke læses som dato")


# ---------------------------------------------------------------------------- booleans, allowed values, text

_TRUE = {"ja", "true", "1", "sand", "j", "yes"}
_FALSE = {"nej", "false", "0", "falsk", "n", "no"}


def parse_bool(values: pd.Series, cells: Cells | None = None) -> Parsed:
    cells = cells or Cells.of(values)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    bad: dict[int, tuple[str, str]] = {}

    def one(s: str):
        s = s.lower().removesuffix(".0")
        return True if s in _TRUE else False if s in _FALSE else None

    codes, results = by_unique(cells.text, one)
    answers = pd.Series(np.asarray(results, dtype=object)[codes], index=cells.text.index, dtype=object)
    read = answers.notna().to_numpy()
    out[answers.index[read]] = answers[read].astype(bool)
    for i, raw in cells.text[~read].items():
        bad[i] = ("parse", f"{show(raw)} kan ikke læses som ja/nej")
    for i, v in cells.native.items():
        numeric = isinstance(v, int | float | np.integer | np.floating) and v in (0, 1)
        if isinstance(v, bool | np.bool_) or numeric:
            out[i] = bool(v)
        else:
            bad[i] = ("parse", f"{show(v)} kan ikke læses som ja/nej")
    return Parsed(out, bad)


def fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip().lower()
    return re.sub(r"\s+", "", text)


def as_text(values: pd.Series, cells: Cells | None = None) -> pd.Series:
    """Cell values as stripped text (``None`` when empty), Excel numbers without ``.0``.
    Equal values share one string object."""
    cells = cells or Cells.of(values)
    out = np.full(len(values), None)
    if len(cells.text):
        codes, uniques = pd.factorize(cells.text)
        out[_positions(values, cells.text)] = np.asarray(uniques)[codes]
    if len(cells.native):
        out[_positions(values, cells.native)] = [native_text(v) for v in cells.native]
    return pd.Series(out, index=values.index, dtype=object)


def parse_enum(values: pd.Series, allowed: tuple, cells: Cells | None = None) -> pd.Series:
    """Text matched case- and space-insensitively against the allowed values (others kept as
    written, for the ``allowed`` check)."""
    lookup = {fold(str(a)): a for a in allowed}
    text = as_text(values, cells)
    codes, results = by_unique(text, lambda s: lookup.get(fold(s), s))
    picked = np.asarray(results + [None])[codes]  # code -1 (missing) -> None
    return pd.Series(picked, index=values.index, dtype=object)


def parse_municipality(values: pd.Series, cells: Cells | None = None) -> Parsed:
    text = as_text(values, cells)
    codes, results = by_unique(text, resolve)
    found = np.asarray([np.nan if r is None else r for r in results] + [np.nan])[codes]
    parsed = Parsed(pd.Series(found, index=values.index).astype("Int64"))
    unknown = np.isnan(found) & (codes >= 0)
    for i, raw in text[unknown].items():
        parsed.bad[i] = ("parse", f"{show(raw)} er ikke en kendt kommune")
    return parsed
