"""Validating a contract table: every rule has a code and a message an analyst can act on.

Each problem is reported with the file, the row as the user sees it in the file
(header = row 1; in Excel also the cell, e.g. ``Ark1!D17``), the column and what was
expected. A row with any problem is rejected (and written to the rejects file with its
reasons); every other row is kept. A file-level problem refuses the whole file. Value
checks (allowed values, ranges, required cells) are a pandera schema built from the
contract; reading (:mod:`helpers.data.ingest`), cell parsing (:mod:`helpers.data.cells`)
and the rules that span columns are below. The rules are data: :data:`RULES` (rejecting)
and :data:`NOTE_RULES` (the row is kept, the note is reported and counted).

Rule codes (``fil`` = the file is refused, ``række`` = the row is rejected):

=============  ======  =============================================================
missing_col    fil     a required column is absent
duplicate_col  fil     two headers are the same column (case, spaces, ``-``/``_``)
unknown_col    fil     an unknown header close to an absent contract column
empty_file     fil     the file (or the sheet) is empty
unreadable     fil     a corrupt workbook or Parquet file, an unknown file type
several_files  fil     the table is in more than one file (``.csv`` and ``.xlsx``)
sheet          fil     Excel: no sheet named after the table or with its header
too_large      fil     the file is too large for this machine's memory
wrong_kind     fil     the file is of another kind than its name says (an Excel file named .csv)
not_read       fil     a file, folder or link named like a table that is not read
                       (``Interventions.CSV``, ``interventions (1).csv``, ``.xls``, ``.csv.gz``)
fields         række    too few or too many fields in the row
encoding       række    the row is in another encoding than the file, or undecodable
formula        række    Excel: a formula without a cached value
merged         række    Excel: a cell inside merged cells (the value is in the first)
excel_serial   række    Excel: a number in a date column (a date serial, unformatted)
parse          række    a cell cannot be read as the column's type (incl. ``inf``, ``nan``)
date_range     række    a date outside 1900-01-01 .. 2099-12-31 (not an open end)
decimal        række    a number with another decimal mark than the rest of its column
ambiguous      række    ``1.234`` / ``1,234`` where the column's decimal mark is unsettled
required       række    a required cell is empty
allowed        række    a value outside the allowed values
range          række    a number outside its range (the bounds are in the contract)
cpr_invalid    række    person_id looks like a CPR number but its date does not exist
birth_date     række    birth_date is empty and person_id is not a CPR number
step           række    no step and the measure is not in the measure -> step mapping
end_before     række    end_date is before start_date
start_before   række    waiting_list: start_date is before referral_date
price_107      række    a §107 registration without daily_price
hours_85       række    a §85 registration without hours_individual
duplicate      række    the same case and registration number twice (adults), the same child,
                       date and indicator (child_outcomes), district and year, year, step
                       and month (budget_profile), or year, step, district and provider
                       (budget_assumptions)
profile        række    budget_profile: a year's profile (per step) lacks a month or its shares
                       do not sum to 1; all its rows are rejected (the step's budget then
                       follows the profile for all steps, or the year's days)
pattern        række    measure_steps.csv: the pattern is not a valid regular expression
=============  ======  =============================================================

Notes (the row is kept): ``open_end`` (an end date from 9000-01-01, e.g. ``9999-12-31``:
ongoing), ``cpr_masked`` (a CPR number in a text column was masked, or pseudonymised in
``case_id``), ``header_only`` (the file has a header and no rows), ``unmapped``
(waiting_list: a measure without a step; counted in the total only), ``blank_header`` (a
column without a header holds data: kept as an extra column), ``other_sheet`` (Excel: another
sheet has the table's header and is not read).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import privacy
from .cells import (
    DATE_EXPECTED,
    Cells,
    Parsed,
    as_text,
    classify_numbers,
    is_empty,
    parse_bool,
    parse_date,
    parse_enum,
    parse_municipality,
    parse_number,
    settle,
    show,
    votes,
)
from .contract import DATE_MAX, DATE_MIN, ISSUE_COLUMNS, OUTCOME_EXPECTED, OUTCOME_RANGES, Column, Table
from .ingest import RawTable
from .steps import load_mapping, mapping_path, placement_type, step_of_measure

#: Every rule that refuses a file or rejects a row: code -> what it means (Danish, for the
#: method page and the data-quality page).
RULES = {
    "missing_col": "en påkrævet kolonne mangler: hele filen afvises",
    "duplicate_col": "to kolonner er den samme (store/små bogstaver, mellemrum, - og _ tæller ikke): filen afvises",
    "unknown_col": "en ukendt kolonne ligner en af kontraktens ('mente du ...?'): filen afvises",
    "empty_file": "filen eller arket er tomt: filen afvises",
    "unreadable": "filen kan ikke læses (ødelagt Excel- eller Parquet-fil, ukendt filtype): filen afvises",
    "several_files": "tabellen findes i flere filer (fx .csv og .xlsx): filerne afvises",
    "sheet": "Excel: intet ark hedder som tabellen eller har tabellens overskrift: filen afvises",
    "too_large": "filen er for stor til maskinens hukommelse: filen afvises, før den læses",
    "wrong_kind": "filen er en anden slags, end navnet siger (fx en Excel-fil, der hedder .csv): filen afvises",
    "not_read": "en fil, mappe eller genvej hedder næsten som en tabel, men læses ikke (navnet skal være "
    "præcis tabel.csv, .xlsx eller .parquet): rettes navnet, læses den",
    "fields": "rækken har for få eller for mange felter",
    "encoding": "rækken er kodet anderledes end resten af filen eller kan ikke afkodes",
    "formula": "Excel: cellen er en formel uden gemt værdi",
    "merged": "Excel: cellen er en del af flettede celler; værdien står kun i den første",
    "excel_serial": "Excel: et tal i en datokolonne (et datotal uden datoformat)",
    "parse": "cellen kan ikke læses som kolonnens type (dato, tal, ja/nej, kommune); inf og nan er ikke tal",
    "date_range": "datoen ligger uden for 1900-01-01 til 2099-12-31 (og er ikke en åben slutdato)",
    "decimal": "tallet bruger et andet decimaltegn end resten af kolonnen",
    "ambiguous": "tallet kan både være et decimaltal og have tusindtalsseparator (fx 1.234), "
    "og kolonnens decimaltegn kan ikke afgøres",
    "required": "en påkrævet celle er tom",
    "allowed": "værdien er ikke blandt de tilladte",
    "range": "tallet ligger uden for det tilladte interval",
    "cpr_invalid": "person_id ligner et CPR-nummer, men datoen findes ikke",
    "birth_date": "fødselsdato mangler, og person_id er ikke et CPR-nummer",
    "step": "trin mangler, og foranstaltningen findes ikke i oversættelsesfilen",
    "end_before": "slutdato før startdato",
    "start_before": "ventelisten: startdato før henvisningsdato",
    "price_107": "en §107-registrering uden dagspris",
    "hours_85": "en §85-registrering uden timer",
    "duplicate": "samme sag og registreringsnummer, samme barn, dato og indikator, samme distrikt og år, "
    "samme år, trin og måned i budgetprofilen, eller samme år, trin, distrikt og leverandør i "
    "budgetforudsætningerne to gange",
    "profile": "budgetprofilen: et års profil (for et trin eller alle) mangler en måned, eller dens andele "
    "summerer ikke til 1; alle dens rækker afvises, og budgettet følger profilen for alle trin eller dagene",
    "pattern": "measure_steps.csv: mønsteret er ikke et gyldigt regulært udtryk",
}
#: Notes: the row is kept, the note is reported (``validate``, ``notes.csv``) and counted
#: on the data-quality page.
NOTE_RULES = {
    "open_end": "slutdato fra 9000-01-01 (fx 9999-12-31) betyder, at indsatsen er igangværende",
    "cpr_masked": "et CPR-nummer i en tekstkolonne er maskeret (<cpr>), i case_id erstattet af et pseudonym",
    "header_only": "filen har kun overskriften og ingen rækker",
    "unmapped": "ventelisten: foranstaltningen har intet trin i oversættelsesfilen; ventetiden tælles kun i I alt",
    "blank_header": "en kolonne uden overskrift har data: den beholdes som ekstra kolonne og bruges ikke",
    "other_sheet": "Excel: et andet ark har også tabellens overskrift, men læses ikke",
}

_KIND_DA = {
    "date": DATE_EXPECTED,
    "float": "et tal",
    "int": "et heltal",
    "bool": "ja/nej, true/false eller 1/0",
    "municipality": "en kommunekode eller et kommunenavn blandt de 98 kommuner",
    "str": "tekst",
    "person": "tekst",
}
_RULE_EXPECTED = {
    "date_range": f"en dato fra {DATE_MIN.isoformat()} til {DATE_MAX.isoformat()}",
    "excel_serial": "formatér cellen som dato i Excel",
    "decimal": "ét decimaltegn i hele kolonnen",
    "ambiguous": "tallet uden tusindtalsseparator (fx 1234 eller 1234,5)",
    "cpr": "et tal, ikke et CPR-nummer",
}


@dataclass
class Validated:
    frame: pd.DataFrame
    issues: pd.DataFrame
    rows_read: int
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    kept_rows: np.ndarray = field(default_factory=lambda: np.array([], dtype="int64"))
    refused: bool = False

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - len(self.frame)


def expected_text(column: Column) -> str:
    return column.expected or _KIND_DA[column.kind]


def message(file: str, row: int | None, column: str, problem: str, expected: str = "") -> str:
    """``interventions.csv, række 3, kolonne 'start_date': ... (forventet: ...)``; ``file`` may
    already say where (the cell of an Excel sheet)."""
    where = f"{file}, række {row}" if row is not None and "række" not in file else file
    text = f"{where}, kolonne '{column}': {problem}" if column else f"{where}: {problem}"
    return f"{text} (forventet: {expected})" if expected else text


def _show(value: object) -> str:
    return show(value)


def schema_for(table: Table, present: list[str]) -> pa.DataFrameSchema:
    """The pandera schema of a table's value rules (types are parsed beforehand)."""
    columns = {}
    for col in table.columns:
        if col.name not in present:
            continue
        checks = []
        if col.allowed:
            checks.append(pa.Check.isin(list(col.allowed)))
        if col.minimum is not None or col.maximum is not None:
            lo = float("-inf") if col.minimum is None else col.minimum
            hi = float("inf") if col.maximum is None else col.maximum
            checks.append(pa.Check.in_range(lo, hi))
        columns[col.name] = pa.Column(None, checks=checks, nullable=not col.required, required=False)
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


class _Issues:
    def __init__(self, table: str, raw: RawTable):
        self.table, self.raw, self.items = table, raw, []

    def add(self, row, column, rule, problem, expected=""):
        where = self.raw.where(row, column)
        self.items.append(
            {
                "table": self.table,
                "file": self.raw.path.name,
                "row": row,
                "column": column,
                "rule": rule,
                "message": message(where, None, column, problem, expected),
            }
        )

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.items, columns=ISSUE_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        frame = frame.drop_duplicates(["row", "column"])
        return frame.sort_values(["row", "column"], na_position="first", kind="stable").reset_index(drop=True)


def validate(
    raw: RawTable,
    table: Table,
    data_dir: Path | None = None,
    key: bytes | None = None,
    mapping: list | None = None,
) -> Validated:
    """Parse and check one table. Returns the kept rows (typed), every problem found and the
    notes (rows kept, but worth reporting)."""
    issues, notes = _Issues(table.name, raw), _Issues(table.name, raw)
    for note in raw.notes:
        notes.add(note["row"], note["column"], note["rule"], note["problem"])
    refused = _refusal(raw, table, issues, notes)
    if refused is not None:
        return refused
    # problems found while reading come first: they explain the errors they cause
    for p in raw.problems:
        issues.add(p["row"], p["column"], p["rule"], p["problem"], p.get("expected", ""))
    rows, rows_read = raw.rows, raw.rows_read
    raw_names = list(raw.frame.columns)
    source = {c: raw.frame[c] for c in raw.frame.columns}
    raw.frame = raw.frame.iloc[:0]  # the raw columns are freed one by one as they are parsed
    step_blank = is_empty(source["step"]) if "step" in source else None
    out = _parse_columns(source, table, rows, issues, notes, excel=raw.sheet is not None)

    key = privacy.secret_key() if key is None and ("person_id" in out or _has_identifier(table)) else key
    if "person_id" in table.column_names:
        _pseudonymise_persons(out, table, rows, issues, key)
    _mask_text_columns(out, table, raw_names, rows, notes, key)
    if table.name == "interventions":
        _derive_step(out, step_blank, rows, issues, data_dir, mapping)
    if table.name == "waiting_list":
        _waiting_step(out, rows, notes, data_dir, mapping)
    _schema_issues(out, table, rows, issues)
    _row_rules(out, table, rows, issues)

    issue_frame = issues.frame()
    bad_rows = set(issue_frame["row"].dropna().astype(int))
    keep = ~rows.isin(bad_rows)
    for c in [c for c in raw_names if c not in out.columns]:  # extra columns: kept (and ignored), CPRs masked
        values = source.pop(c)
        masked, changed = privacy.mask_text_column(values)
        out[c] = masked.astype(values.dtype) if values.dtype != object else masked
        for i in changed[changed & keep].index:
            notes.add(int(rows[i]), c, "cpr_masked", "indeholdt et CPR-nummer, som er fjernet")
    kept = out.loc[keep].reset_index(drop=True)
    note_frame = notes.frame()
    if len(note_frame):  # notes about rejected rows would only repeat them
        note_frame = note_frame[~note_frame["row"].isin(bad_rows).fillna(False)].reset_index(drop=True)
    return Validated(kept, issue_frame, rows_read, note_frame, rows[keep].to_numpy(dtype="int64"))


def _refusal(raw: RawTable, table: Table, issues: _Issues, notes: _Issues) -> Validated | None:
    """The whole file refused (unreadable, or a required column missing), or None."""
    if raw.refused:
        for r in raw.refused:
            issues.add(None, r["column"], r["rule"], r["problem"], r.get("expected", ""))
        return Validated(_empty(table), issues.frame(), raw.rows_read, notes.frame(), refused=True)
    missing = [c.name for c in table.columns if c.required and c.name not in raw.frame.columns]
    if not missing:
        return None
    for name in missing:
        issues.add(None, name, "missing_col", "kolonnen mangler i filen", expected_text(table.column(name)))
    return Validated(_empty(table), issues.frame(), raw.rows_read, notes.frame(), refused=True)


def _parse_columns(source: dict, table: Table, rows: pd.Series, issues: _Issues, notes: _Issues, excel: bool):
    """Every column of the contract parsed by its kind (each raw column is consumed, so
    memory stays near the size of the data, also for a million rows); absent optional
    columns empty. Problems and notes are added by file row."""
    numeric = [c for c in table.columns if c.kind in ("int", "float") and c.name in source]
    numbers = {c.name: classify_numbers(Cells.of(source[c.name]).text) for c in numeric}
    column_votes = {name: votes(kind) for name, (_, kind) in numbers.items()}
    file_votes = {m: sum(v[m] for v in column_votes.values()) for m in ("dot", "comma")}
    out = pd.DataFrame(index=rows.index)
    for col in table.columns:
        if col.name not in source:
            out[col.name] = _empty(table)[col.name].reindex(rows.index)
            continue
        values = source.pop(col.name)
        c = Cells.of(values)
        if col.kind == "date":
            parsed = parse_date(values, col, excel=excel, cells=c)
        elif col.kind in ("float", "int"):
            convention = settle(column_votes[col.name], file_votes)
            parsed = parse_number(values, col, convention, cells=c, classified=numbers.pop(col.name))
        elif col.kind == "bool":
            parsed = parse_bool(values, cells=c)
        elif col.kind == "municipality":
            parsed = parse_municipality(values, cells=c)
        else:
            text = parse_enum(values, col.allowed, c) if col.allowed else as_text(values, c)
            parsed = Parsed(text.where(text.notna(), np.nan))  # missing as NaN (as pandas' own text parsing)
        for i, (rule, problem) in parsed.bad.items():
            issues.add(int(rows[i]), col.name, rule, problem, _RULE_EXPECTED.get(rule, expected_text(col)))
        for i, (rule, problem) in parsed.notes.items():
            notes.add(int(rows[i]), col.name, rule, problem)
        out[col.name] = parsed.values
        del values, c, parsed
    return out


def _pseudonymise_persons(out: pd.DataFrame, table: Table, rows: pd.Series, issues: _Issues, key: bytes) -> None:
    """Person ids: birth date and sex derived from a CPR number, which is then replaced by its pseudonym."""
    ids = privacy.pseudonymise(out["person_id"], key)
    out["person_id"] = ids["person_id"]
    for i in ids.index[ids["cpr_invalid"]]:
        issues.add(
            int(rows[i]),
            "person_id",
            "cpr_invalid",
            "ligner et CPR-nummer, men fødselsdatoen findes ikke",
            "gyldigt CPR-nummer (DDMMÅÅ-SSSS) eller pseudonym",
        )
    if "birth_date" in table.column_names:
        out["birth_date"] = out["birth_date"].fillna(ids["cpr_birth_date"])
        no_birth = out["birth_date"].isna() & out["person_id"].notna() & ~ids["cpr_invalid"]
        for i in no_birth[no_birth].index:
            issues.add(
                int(rows[i]),
                "birth_date",
                "birth_date",
                "mangler (påkrævet når person_id ikke er et CPR-nummer)",
                "en dato",
            )
    sex = out["sex"] if "sex" in out.columns else pd.Series(None, index=out.index, dtype=object)
    out["sex"] = sex.where(sex.notna(), ids["cpr_sex"]).astype(object)


def _mask_text_columns(out, table: Table, raw_names: list, rows: pd.Series, notes: _Issues, key) -> None:
    """A CPR number typed into a text column of the contract: masked (pseudonymised in a key column)."""
    for col in table.columns:
        if col.kind != "str" or col.allowed or col.name not in raw_names:
            continue
        if col.identifier:
            masked, changed = privacy.pseudonymise_identifiers(out[col.name], key)
        else:
            masked, changed = privacy.mask_text_column(out[col.name])
        out[col.name] = masked.where(masked.notna(), np.nan)  # missing as NaN, like the other text columns
        for i in changed[changed].index:
            notes.add(int(rows[i]), col.name, "cpr_masked", "indeholdt et CPR-nummer, som er fjernet")


def _has_identifier(table: Table) -> bool:
    return any(c.identifier for c in table.columns)


def _derive_step(out, step_blank, rows, issues, data_dir, mapping):
    """Fill a missing step (a blank cell, or no step column) from the measure through the mapping file."""
    empty_step = out["step"].isna() & (True if step_blank is None else step_blank)
    out["step_derived"] = empty_step
    mapping_file = mapping_path(data_dir)
    if mapping is None:
        mapping = load_mapping(mapping_file)
    if not empty_step.any():
        out["placement_type"] = placement_type(out["measure"], out["step"], mapping)
        return
    derived = step_of_measure(out.loc[empty_step, "measure"], mapping)
    out.loc[empty_step, "step"] = derived
    unmapped = derived[derived.isna() & out.loc[empty_step, "measure"].notna()]
    for i in unmapped.index:
        issues.add(
            int(rows[i]),
            "step",
            "step",
            f"mangler, og foranstaltningen {_show(out.at[i, 'measure'])} findes ikke i {mapping_file.name}",
            "trin 1-6, eller en foranstaltning der kan oversættes til et trin",
        )
    out["placement_type"] = placement_type(out["measure"], out["step"], mapping)


def _waiting_step(out, rows, notes, data_dir, mapping):
    """The step of the measure a child waits for (through the mapping file, as for
    ``interventions``); a measure the mapping does not know keeps the row, counted without a
    step, with a note."""
    mapping_file = mapping_path(data_dir)
    if mapping is None:
        mapping = load_mapping(mapping_file)
    out["step"] = step_of_measure(out["measure"], mapping).astype("Int64") if len(out) else pd.Series(dtype="Int64")
    for i in out.index[out["step"].isna() & out["measure"].notna()]:
        notes.add(
            int(rows[i]),
            "measure",
            "unmapped",
            f"foranstaltningen {_show(out.at[i, 'measure'])} findes ikke i {mapping_file.name}; "
            "ventetiden tælles kun med i I alt",
        )


def _schema_issues(out, table, rows, issues):
    checked = [
        c.name
        for c in table.columns
        if c.name in out.columns and (c.required or c.allowed or c.minimum is not None or c.maximum is not None)
    ]
    schema = schema_for(table, checked)
    try:
        schema.validate(out[checked], lazy=True, inplace=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        for _, case in cases.iterrows():
            i, name = case["index"], case["column"]
            col = table.column(name)
            row = int(rows[i])
            if case["check"] == "not_nullable":  # (a cell that could not be read keeps that reason)
                rule, problem = "required", "mangler (påkrævet)"
            elif str(case["check"]).startswith("in_range"):
                rule, problem = "range", f"{_show(case['failure_case'])} ligger uden for det tilladte interval"
            else:
                rule, problem = "allowed", f"{_show(case['failure_case'])} er ikke en tilladt værdi"
            expected = expected_text(col)
            if rule == "range" and not col.expected:
                expected = f"mellem {col.minimum} og {col.maximum}"
            issues.add(row, name, rule, problem, expected)


def _row_rules(out, table, rows, issues):
    def flag(mask, column, rule, problem, expected=""):
        for i in mask[mask.fillna(False)].index:
            issues.add(int(rows[i]), column, rule, problem, expected)

    if table.name == "interventions":
        flag(
            out["end_date"] < out["start_date"],
            "end_date",
            "end_before",
            "ligger før start_date",
            "end_date >= start_date",
        )
    if table.name == "waiting_list":
        flag(
            out["start_date"] < out["referral_date"],
            "start_date",
            "start_before",
            "ligger før referral_date",
            "start_date >= referral_date (tom, hvis barnet stadig venter)",
        )
    if table.name == "child_outcomes":
        for indicator, (lo, hi) in OUTCOME_RANGES.items():
            flag(
                (out["indicator"] == indicator) & ((out["value"] < lo) | (out["value"] > hi)),
                "value",
                "range",
                f"ligger uden for det tilladte interval for {indicator}",
                OUTCOME_EXPECTED[indicator],
            )
        flag(
            (out["indicator"] == "goal_met") & out["value"].notna() & ~out["value"].isin([0.0, 1.0]),
            "value",
            "allowed",
            "er ikke 0 eller 1",
            OUTCOME_EXPECTED["goal_met"],
        )
        dup = out.duplicated(["municipality", "person_id", "date", "indicator"], keep="first")
        flag(dup, "indicator", "duplicate", "samme barn, dato og indikator optræder flere gange", "én måling pr. dag")
    if table.name == "district_population":
        dup = out.duplicated(["municipality", "district", "year"], keep="first")
        flag(dup, "year", "duplicate", "samme distrikt og år optræder flere gange", "ét tal pr. distrikt og år")
    if table.name == "budget_profile":
        _profile_rules(out, rows, issues, flag)
    if table.name == "budget_assumptions":
        # two budgets for the same step, district and provider: summing them or choosing one
        # would be a guess, so the second is rejected with the reason
        # rows already rejected for their own reason take no part (as in budget_profile)
        keys = [c for c in ("municipality", "year", "step", "district", "provider_type") if c in out]
        rejected = set(issues.frame()["row"].dropna().astype(int))
        candidates = out[~rows.isin(rejected).to_numpy()]
        dup = candidates.duplicated(keys, keep="first").reindex(out.index, fill_value=False)
        flag(
            dup,
            "step",
            "duplicate",
            "samme år, trin, distrikt og leverandør optræder flere gange i budgetforudsætningerne",
            "én budgetrække pr. år, trin, distrikt og leverandør",
        )
    if table.name == "adult_registrations":
        flag(
            (out["service"] == "§107") & out["daily_price"].isna(),
            "daily_price",
            "price_107",
            "mangler for en §107-registrering",
            "dagspris i kr.",
        )
        flag(
            (out["service"] == "§85") & out["hours_individual"].isna(),
            "hours_individual",
            "hours_85",
            "mangler for en §85-registrering",
            "timer pr. måned",
        )
        dup = out.duplicated(["municipality", "case_id", "registration_no"], keep="first") & out["case_id"].notna()
        flag(
            dup,
            "registration_no",
            "duplicate",
            "samme sag og registreringsnummer optræder flere gange",
            "ét registreringsnummer pr. sag",
        )
    if table.name == "measure_steps":
        for i, pattern in out["pattern"].items():
            if not isinstance(pattern, str):
                continue
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as err:
                issues.add(
                    int(rows[i]),
                    "pattern",
                    "pattern",
                    f"mønsteret {_show(pattern)} kan ikke bruges ({err.msg})",
                    "et regulært udtryk (Python re), fx døgninstitution|opholdssted",
                )


#: How far a year's profile may sum from 1 (shares written with three decimals, 12 x 0.0005).
PROFILE_TOLERANCE = 0.006


def _profile_rules(out, rows, issues, flag):
    """budget_profile: one share per year, step and month, and each year's profile (per step,
    or for all steps) whole: twelve months whose shares sum to 1. A profile that is not
    whole cannot spread the year's budget, so all its rows are rejected with the reason. Rows
    already rejected for their own reason (a step written as a group, a share that is not a
    number) take no part: they are neither a duplicate of a good row nor part of a profile."""
    rejected = set(issues.frame()["row"].dropna().astype(int))
    candidates = out[~rows.isin(rejected).to_numpy()]
    keys = ["municipality", "year", "step", "month"]
    dup = candidates.duplicated(keys, keep="first").reindex(out.index, fill_value=False)
    flag(dup, "month", "duplicate", "samme år, trin og måned optræder flere gange", "én andel pr. år, trin og måned")
    usable = candidates[~dup.loc[candidates.index]]
    for (_, year, step), group in candidates.groupby(["municipality", "year", "step"], dropna=False):
        good = usable.loc[usable.index.intersection(group.index)]
        months = set(good["month"].dropna().astype(int))
        total = float(good["share"].sum())
        if months == set(range(1, 13)) and len(good) == 12 and abs(total - 1) <= PROFILE_TOLERANCE:
            continue
        which = "alle trin" if pd.isna(step) else f"trin {int(step)}"
        year_text = "?" if pd.isna(year) else str(int(year))
        total_text = f"{total:.3f}".replace(".", ",")
        problem = (
            f"profilen for {year_text} ({which}) har {len(months)} af 12 måneder, og andelene summerer til {total_text}"
        )
        flag(
            pd.Series(out.index.isin(good.index), index=out.index),
            "share",
            "profile",
            problem,
            "12 måneder, hvis andele summerer til 1 (ellers følger budgettet profilen for alle trin eller dagene)",
        )


def _empty(table: Table) -> pd.DataFrame:
    """An empty frame with the contract's columns and dtypes."""
    dtypes = {"date": "datetime64[ns]", "float": "float64", "int": "Int64", "bool": "boolean", "municipality": "Int64"}
    frame = pd.DataFrame({c.name: pd.Series(dtype=dtypes.get(c.kind, object)) for c in table.columns})
    if table.name == "interventions":
        frame["step_derived"] = pd.Series(dtype=bool)
        frame["placement_type"] = pd.Series(dtype=object)
    if table.name == "adult_registrations":
        frame["sex"] = pd.Series(dtype=object)
    if table.name == "waiting_list":
        frame["step"] = pd.Series(dtype="Int64")
    return frame


empty_table = _empty
