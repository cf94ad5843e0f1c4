"""Validating a contract table: every rule has a code and a message an analyst can act on.

Each problem is reported with the file, the row as the user sees it in the file
(header = row 1), the column and what was expected. A row with any problem is rejected
(and written to the rejects file with its reasons); every other row is kept. Value checks
(allowed values, ranges, required cells) are a pandera schema built from the contract;
cell parsing and the rules that span columns are below.

Rule codes:

============  =================================================================
missing_col   a required column is absent: the whole file is refused
parse         a cell cannot be read as the column's type (date, number, ...)
required      a required cell is empty
allowed       a value outside the allowed values
range         a number outside its range
cpr_invalid   person_id looks like a CPR number but its date does not exist
birth_date    birth_date is empty and person_id is not a CPR number
step          no step and the measure is not in the measure -> step mapping
end_before    end_date is before start_date
price_107     a §107 registration without daily_price
hours_85      a §85 registration without hours_individual
duplicate     the same case and registration number twice
============  =================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import privacy
from .contract import ISSUE_COLUMNS, Column, Table
from .ingest import RawTable, is_empty, parse_column
from .steps import load_mapping, mapping_path, step_of_measure

_KIND_DA = {
    "date": "en dato (ÅÅÅÅ-MM-DD, DD-MM-ÅÅÅÅ eller DD.MM.ÅÅÅÅ)",
    "float": "et tal",
    "int": "et heltal",
    "bool": "ja/nej, true/false eller 1/0",
    "municipality": "en kommunekode eller et kommunenavn blandt de 98 kommuner",
    "str": "tekst",
    "person": "tekst",
}


@dataclass
class Validated:
    frame: pd.DataFrame
    issues: pd.DataFrame
    rows_read: int

    @property
    def rows_rejected(self) -> int:
        return self.rows_read - len(self.frame)


def expected_text(column: Column) -> str:
    return column.expected or _KIND_DA[column.kind]


def message(file: str, row: int | None, column: str, problem: str, expected: str = "") -> str:
    where = f"{file}, række {row}" if row is not None else file
    text = f"{where}, kolonne '{column}': {problem}"
    return f"{text} (forventet: {expected})" if expected else text


def _show(value: object) -> str:
    return repr(privacy.mask_if_cpr(str(value)))


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
    def __init__(self, table: str, file: str):
        self.table, self.file, self.items = table, file, []

    def add(self, row, column, rule, text):
        self.items.append(
            {"table": self.table, "file": self.file, "row": row, "column": column, "rule": rule, "message": text}
        )

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(self.items, columns=ISSUE_COLUMNS)
        frame["row"] = frame["row"].astype("Int64")
        frame = frame.drop_duplicates(["row", "column"])
        return frame.sort_values(["row", "column"], na_position="first", kind="stable").reset_index(drop=True)


def validate(raw: RawTable, table: Table, data_dir: Path | None = None, key: bytes | None = None) -> Validated:
    """Parse and check one table. Returns the kept rows (typed) and every problem found."""
    file = raw.path.name
    issues = _Issues(table.name, file)
    frame, rows = raw.frame, raw.rows
    n = len(frame)

    missing = [c.name for c in table.columns if c.required and c.name not in frame.columns]
    if missing:
        for name in missing:
            col = table.column(name)
            issues.add(
                None, name, "missing_col", message(file, None, name, "kolonnen mangler i filen", expected_text(col))
            )
        return Validated(_empty(table), issues.frame(), n)  # the file is refused: no row is kept

    out = pd.DataFrame(index=frame.index)
    for col in table.columns:
        if col.name not in frame.columns:
            out[col.name] = _empty(table)[col.name].reindex(frame.index)
            continue
        parsed, failed = parse_column(frame[col.name], col)
        for i in failed[failed].index:
            problem = f"{_show(frame.at[i, col.name])} kan ikke læses"
            issues.add(
                int(rows[i]), col.name, "parse", message(file, int(rows[i]), col.name, problem, _KIND_DA[col.kind])
            )
        out[col.name] = parsed

    # Person ids: derive birth date and sex from a CPR, then replace it by a pseudonym.
    if "person_id" in out.columns:
        ids = privacy.pseudonymise(out["person_id"], key)
        out["person_id"] = ids["person_id"]
        for i in ids.index[ids["cpr_invalid"]]:
            issues.add(
                int(rows[i]),
                "person_id",
                "cpr_invalid",
                message(
                    file,
                    int(rows[i]),
                    "person_id",
                    "ligner et CPR-nummer, men fødselsdatoen findes ikke",
                    "gyldigt CPR-nummer (DDMMÅÅ-SSSS) eller pseudonym",
                ),
            )
        if "birth_date" in table.column_names:
            out["birth_date"] = out["birth_date"].fillna(ids["cpr_birth_date"])
            no_birth = out["birth_date"].isna() & out["person_id"].notna() & ~ids["cpr_invalid"]
            for i in no_birth[no_birth].index:
                issues.add(
                    int(rows[i]),
                    "birth_date",
                    "birth_date",
                    message(
                        file,
                        int(rows[i]),
                        "birth_date",
                        "mangler (påkrævet når person_id ikke er et CPR-nummer)",
                        "en dato",
                    ),
                )
        sex = out["sex"] if "sex" in out.columns else pd.Series(None, index=out.index, dtype=object)
        out["sex"] = sex.where(sex.notna(), ids["cpr_sex"]).astype(object)

    if table.name == "interventions":
        _derive_step(out, frame, rows, issues, file, data_dir)

    _schema_issues(out, table, frame, rows, issues, file)
    _row_rules(out, table, rows, issues, file)

    issue_frame = issues.frame()
    bad_rows = set(issue_frame["row"].dropna().astype(int))
    keep = ~rows.isin(bad_rows)
    extra = [c for c in frame.columns if c not in out.columns]
    for c in extra:  # extra columns are kept (and ignored), but never carry a CPR onwards
        out[c] = frame[c].map(lambda v: privacy.mask_if_cpr(v) if isinstance(v, str) else v)
    kept = out.loc[keep].reset_index(drop=True)
    return Validated(kept, issue_frame, n)


def _derive_step(out, frame, rows, issues, file, data_dir):
    """Fill a missing step from the measure through the mapping file."""
    empty_step = out["step"].isna() & ("step" not in frame.columns or is_empty(frame["step"]))
    out["step_derived"] = empty_step
    if not empty_step.any():
        return
    mapping_file = mapping_path(data_dir)
    derived = step_of_measure(out.loc[empty_step, "measure"], load_mapping(mapping_file))
    out.loc[empty_step, "step"] = derived
    unmapped = derived[derived.isna() & out.loc[empty_step, "measure"].notna()]
    for i in unmapped.index:
        issues.add(
            int(rows[i]),
            "step",
            "step",
            message(
                file,
                int(rows[i]),
                "step",
                f"mangler, og foranstaltningen {_show(out.at[i, 'measure'])} findes ikke i {mapping_file.name}",
                "trin 1-6, eller en foranstaltning der kan oversættes til et trin",
            ),
        )


def _schema_issues(out, table, frame, rows, issues, file):
    schema = schema_for(table, list(out.columns))
    try:
        schema.validate(out, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        for _, case in cases.iterrows():
            i, name = case["index"], case["column"]
            col = table.column(name)
            row = int(rows[i])
            if case["check"] == "not_nullable":
                rule, problem = "required", "mangler (påkrævet)"
            elif str(case["check"]).startswith("in_range"):
                rule, problem = "range", f"{_show(case['failure_case'])} ligger uden for det tilladte interval"
            else:
                rule, problem = "allowed", f"{_show(case['failure_case'])} er ikke en tilladt værdi"
            expected = expected_text(col)
            if rule == "range" and not col.expected:
                expected = f"mellem {col.minimum} og {col.maximum}"
            issues.add(row, name, rule, message(file, row, name, problem, expected))


def _row_rules(out, table, rows, issues, file):
    def flag(mask, column, rule, problem, expected=""):
        for i in mask[mask.fillna(False)].index:
            issues.add(int(rows[i]), column, rule, message(file, int(rows[i]), column, problem, expected))

    if table.name == "interventions":
        flag(
            out["end_date"] < out["start_date"],
            "end_date",
            "end_before",
            "ligger før start_date",
            "end_date >= start_date",
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


def _empty(table: Table) -> pd.DataFrame:
    """An empty frame with the contract's columns and dtypes."""
    dtypes = {"date": "datetime64[ns]", "float": "float64", "int": "Int64", "bool": "boolean", "municipality": "Int64"}
    frame = pd.DataFrame({c.name: pd.Series(dtype=dtypes.get(c.kind, object)) for c in table.columns})
    if table.name == "interventions":
        frame["step_derived"] = pd.Series(dtype=bool)
    if table.name == "adult_registrations":
        frame["sex"] = pd.Series(dtype=object)
    return frame


empty_table = _empty
