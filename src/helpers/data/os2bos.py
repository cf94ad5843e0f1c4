"""Import of an OS2bos export into the data contract (``reportbook import os2bos``).

OS2bos (``OS2bos/os2bos``) is the open-source payment system for children's services that
Danish municipalities run. It writes two kinds of CSV report (Python's ``csv`` module:
comma, UTF-8, ISO dates, ``True``/``False``, decimal point):

* payments: ``granted_payments_N.csv`` (granted activities) and ``expected_payments_N.csv``
  (granted and expected), one row per payment, in versions ``N`` = 0-3 (v1 adds the
  activity category, v2 a note, v3 the approval). The columns read here are in every
  version (:data:`PAYMENT_COLUMNS`);
* case history: ``expected_cases_0.csv``, one row per change of a case (``history_date``)
  with the case's effort step (``Trin N: …``, KL's six steps) at that time.

What the import does (the method page documents it):

* **one intervention per main activity** (``activity_type`` ``MAIN_ACTIVITY``, one payment
  schedule, ``payment_schedule__payment_id``); a supplementary activity's cost belongs to
  the main activity of its appropriation (``sbsys_id``) whose spell it overlaps; a main
  activity that continues a previous one of the same appropriation and measure (a
  modification: it starts at the latest the day after the other ends) is merged with it;
* the **measure** is the section code and the activity's name (``SEL-52-3.7 Plejefamilier,
  vederlag``), mapped to a step by the measure -> step mapping; where the mapping leaves the
  step open (an open section such as ``SEL-52-2``, or a placement section with no place in
  the name), the **case's effort step on the activity's start date** from the case history
  decides (for a placement only a step 4-6), never the step at export time; sections that
  are not a measure for the child (:data:`NOT_ON_STAIRCASE`) are left out with their reason;
* **monthly cost** from the payment schedule: amount (or price per unit x units) times the
  payments per month of its frequency; a schedule without a frequency (a one-time or an
  individual payment) contributes what it paid spread over its own spell; fictive payments
  are not spending (counted in the report); only granted activities are interventions;
* municipality names to kommunekoder (the acting municipality); target group from the
  case's group (``Familieafdelingen`` = ``udsat``, ``Handicapafdelingen`` = ``handicap``);
  provider type from the recipient type (``INTERNAL``/``PERSON`` = ``egen``, ``COMPANY`` =
  ``privat``: a company may also be another municipality or a region, which the export
  does not tell);
* **privacy**: names (child, recipient, case worker, team leader, approver), the parents'
  CPR numbers, the recipient's id and the notes are never read into the output; the case
  worker becomes a keyed pseudonym (``sb-`` + HMAC of the name with the book's secret), so
  case loads can be counted; the child's CPR goes to ``person_id``, which the loader
  pseudonymises. The report names files, rows and reasons, never a value.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .municipalities import resolve
from .privacy import secret_key
from .safecsv import write_csv
from .steps import UNKNOWN_PLACEMENT, load_mapping, mapping_path, placement_type, step_of_measure

PAYMENT_FILE = re.compile(r"^(granted|expected)_payments_(\d+)\.csv$", re.IGNORECASE)
CASES_FILE = re.compile(r"^expected_cases_(\d+)\.csv$", re.IGNORECASE)
#: The payment report's columns this import reads (present in v0-v3).
PAYMENT_COLUMNS = (
    "amount",
    "date",
    "payment_schedule__payment_id",
    "payment_schedule__payment_amount",
    "payment_schedule__payment_frequency",
    "recipient_type",
    "payment_cost_type",
    "price_per_unit",
    "units",
    "fictive",
    "activity__details__name",
    "activity_start_date",
    "activity_end_date",
    "activity_status",
    "activity_type",
    "section",
    "sbsys_id",
    "cpr_number",
    "target_group",
    "case_worker",
    "acting_municipality",
)
#: The case-history report's columns this import reads.
CASE_COLUMNS = ("history_date", "cpr_number", "effort_step")
#: Payments per month of each payment frequency (DAILY: every day of the year).
PER_MONTH = {"MONTHLY": 1.0, "BIWEEKLY": 26 / 12, "WEEKLY": 52 / 12, "DAILY": 365 / 12}
#: Days of an average month (a spell of this many days is one month of cost).
DAYS_PER_MONTH = 365.25 / 12
TARGET_GROUPS = {"familieafdelingen": "udsat", "handicapafdelingen": "handicap"}
PROVIDERS = {"INTERNAL": "egen", "PERSON": "egen", "COMPANY": "privat"}
#: Sections whose step the activity's name or the case's step decides (the mapping has no
#: rule for the code alone): concurrent measures, support after 18 in general terms.
OPEN_SECTIONS = {
    "SEL-52-2": "foranstaltninger efter stk. 3 ved siden af hinanden: trinnet følger aktiviteten eller sagen",
    "SEL-76-3": "efterværn, generelt: trinnet følger aktiviteten eller sagen",
    "SEL-76-4": "genetablering af efterværn: trinnet følger aktiviteten eller sagen",
    "SEL-68-2": "foranstaltning ud over det 18. år: trinnet følger aktiviteten eller sagen",
}
#: Children's sections that are not a measure for the child on the staircase: left out.
NOT_ON_STAIRCASE = {
    "SEL-50": "børnefaglig undersøgelse (sagsbehandling, ikke en foranstaltning)",
    "SEL-50-b": "børnehus ved overgrebssager (undersøgelse, ikke en foranstaltning)",
    "SEL-54-1": "støtteperson til forældremyndighedens indehaver (støtte til forælderen under anbringelsen)",
    "SEL-54-2": "anden støtte til forældremyndighedens indehaver (støtte til forælderen)",
    "SEL-68": "ophør eller videreførelse af en foranstaltning (afgørelse, ikke en foranstaltning)",
    "SEL-68-b.4": "netværksperson under anbringelse (støtte til netværket)",
    "SEL-76-1": "målgruppeafklaring (sagsbehandling, ikke en foranstaltning)",
}
OUT_COLUMNS = [
    "person_id",
    "municipality",
    "target_group",
    "measure",
    "step",
    "start_date",
    "end_date",
    "monthly_cost",
    "provider_type",
    "caseworker_id",
]
REPORT_FILE = "importrapport.csv"
_STEP = re.compile(r"^\s*trin\s*([1-6])\b", re.IGNORECASE)


@dataclass
class ImportReport:
    """What the import read, kept, merged and left out, per file and reason (Danish)."""

    lines: list[tuple[str, str, int]] = field(default_factory=list)

    def add(self, file: str, what: str, rows: int) -> None:
        if rows:
            self.lines.append((file, what, int(rows)))

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.lines, columns=["fil", "hvad", "antal"])

    def text(self) -> str:
        return "\n".join(f"  {file}: {what}: {rows}" for file, what, rows in self.lines)


class ExportError(ValueError):
    """An export the import cannot read (a Danish sentence naming the file)."""


def find_exports(src: Path) -> tuple[Path, Path | None, list[Path]]:
    """The payments report to read (granted before expected, the highest version), the case
    history (or None) and the reports not read (superseded)."""
    if not src.is_dir():
        raise ExportError(f"{src} er ikke en mappe med OS2bos-rapporter.")
    payments = sorted(
        (p for p in src.iterdir() if p.is_file() and PAYMENT_FILE.match(p.name)),
        key=lambda p: (PAYMENT_FILE.match(p.name)[1].lower() == "granted", int(PAYMENT_FILE.match(p.name)[2])),
    )
    if not payments:
        raise ExportError(
            f"{src} har ingen OS2bos-betalingsrapport (granted_payments_N.csv eller expected_payments_N.csv)."
        )
    cases = sorted((p for p in src.iterdir() if p.is_file() and CASES_FILE.match(p.name)), key=lambda p: p.name)
    return payments[-1], (cases[-1] if cases else None), payments[:-1] + cases[:-1]


def _read(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except UnicodeDecodeError:
        raise ExportError(f"{path.name}: filen er ikke UTF-8-tekst som OS2bos skriver den.") from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise ExportError(f"{path.name}: kolonnen {', '.join(missing)} mangler (OS2bos-rapportens kolonner).")
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, usecols=list(columns), encoding="utf-8-sig", on_bad_lines="error"
        )
    except (ValueError, csv.Error) as err:  # a broken line: pandas names it ("line 12")
        where = re.search(r"line (\d+)", str(err))
        row = f", række {where[1]}" if where else ""
        raise ExportError(
            f"{path.name}{row}: rækken kan ikke læses som CSV (forkert antal felter eller citattegn)."
        ) from None
    frame.index = frame.index + 2  # the row as the user sees it (header = row 1)
    return frame


def _date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")


def _number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.str.strip(), errors="coerce")


def _case_steps(cases: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """Per CPR number: the case's effort step from each history date on, in date order."""
    if cases is None or cases.empty:
        return {}
    steps = pd.DataFrame(
        {
            "cpr": cases["cpr_number"].str.strip(),
            "date": _date(cases["history_date"]),
            "step": cases["effort_step"].str.extract(_STEP, expand=False).astype("Int64"),
        }
    ).dropna()
    return {cpr: g.sort_values("date") for cpr, g in steps.groupby("cpr")}


def step_on(history: dict[str, pd.DataFrame], cpr: str, day: pd.Timestamp) -> int | None:
    """The case's effort step on ``day``: the latest change on or before it (the first
    known step when the history starts later)."""
    g = history.get(cpr)
    if g is None or g.empty:
        return None
    before = g[g["date"] <= day]
    return int((before if len(before) else g.head(1))["step"].iloc[-1])


def _days(start: pd.Series, end: pd.Series, horizon: pd.Timestamp) -> pd.Series:
    """Days of each spell, both ends counted; an open end, or one after ``horizon``, is cut there."""
    return (end.fillna(horizon).clip(upper=horizon) - start).dt.days.clip(lower=0) + 1


def _caseworker(names: pd.Series, key: bytes) -> pd.Series:
    def one(name: str) -> str | None:
        name = " ".join(name.split())
        if not name or name == "None":
            return None
        return "sb-" + hmac.new(key, name.casefold().encode("utf-8"), hashlib.sha256).hexdigest()[:10]

    return names.map(one)


def import_os2bos(src: str | Path, out: str | Path, key: bytes | None = None) -> ImportReport:
    """Read the OS2bos export in ``src`` and write ``interventions.csv`` (and the import
    report) into ``out``. Raises :class:`ExportError` (a ``ValueError``) for an export it
    cannot read at all."""
    src, out = Path(src), Path(out)
    report = ImportReport()
    payments_path, cases_path, unread = find_exports(src)
    for path in unread:
        report.add(path.name, "ikke læst (en nyere eller bevilget version af rapporten er læst)", 1)
    raw = _read(payments_path, PAYMENT_COLUMNS)
    name = payments_path.name
    report.add(name, "betalingsrækker læst", len(raw))
    cases = _read(cases_path, CASE_COLUMNS) if cases_path is not None else None
    if cases is not None:
        report.add(cases_path.name, "sagshistorik-rækker læst", len(cases))
    history = _case_steps(cases)
    key = secret_key() if key is None else key

    rows = _granted_rows(raw, report, name)
    activities, horizon = _activities(rows, report, name, key)
    mains = _main_activities(activities, report, name)
    mains = _steps(mains, history, out, report, name)
    suppl = activities[activities["kind"] == "SUPPL_ACTIVITY"]
    mains = _attach_supplements(mains, suppl, horizon, report, name)
    interventions = _interventions(_merge_modified(mains, report, name))
    report.add("interventions.csv", "indsatser skrevet", len(interventions))
    out.mkdir(parents=True, exist_ok=True)
    interventions.to_csv(out / "interventions.csv", index=False, lineterminator="\n")
    write_csv(report.frame(), out / REPORT_FILE)
    return report


def _granted_rows(raw: pd.DataFrame, report: ImportReport, name: str) -> pd.DataFrame:
    """The payment rows that can be read, of granted activities (the others counted in the report)."""
    rows = raw.assign(
        cpr=raw["cpr_number"].str.strip(),
        schedule=raw["payment_schedule__payment_id"].str.strip(),
        start=_date(raw["activity_start_date"]),
        end=_date(raw["activity_end_date"]),
        paid=_date(raw["date"]),
        status=raw["activity_status"].str.strip().str.upper(),
        kind=raw["activity_type"].str.strip().str.upper(),
        section_code=raw["section"].str.strip(),
    )
    problems = [
        (rows["cpr"] == "", "intet CPR-nummer på sagen"),
        (rows["schedule"] == "", "ingen betalingsplan (payment_schedule__payment_id)"),
        (rows["start"].isna(), "aktivitetens startdato mangler eller kan ikke læses"),
        (~rows["kind"].isin(["MAIN_ACTIVITY", "SUPPL_ACTIVITY"]), "ukendt aktivitetstype"),
    ]
    bad = pd.Series(False, index=rows.index)
    for mask, why in problems:
        mask = mask & ~bad
        report.add(name, f"udeladt: {why}", int(mask.sum()))
        bad |= mask
    rows = rows[~bad]
    not_granted = rows["status"] != "GRANTED"
    report.add(name, "udeladt: aktiviteten er ikke bevilget (kladde eller forventet)", int(not_granted.sum()))
    rows = rows[~not_granted]
    return rows


def _activities(rows: pd.DataFrame, report: ImportReport, name: str, key: bytes) -> tuple[pd.DataFrame, pd.Timestamp]:
    """One row per activity (payment schedule): its attributes and the schedule's monthly
    cost; and the export's horizon (its last payment date)."""
    latest = rows.sort_values(["schedule", "paid"]).groupby("schedule", sort=True).tail(1).set_index("schedule")
    per_unit = _number(latest["price_per_unit"]) * _number(latest["units"])
    amount = _number(latest["payment_schedule__payment_amount"])
    cost_type = latest["payment_cost_type"].str.strip().str.upper()
    amount = per_unit.where(cost_type.isin(["PER_UNIT", "GLOBAL_RATE"]) & per_unit.notna(), amount)
    frequency = latest["payment_schedule__payment_frequency"].str.strip().str.upper()
    fictive = latest["fictive"].str.strip().str.casefold().isin(["true", "1", "ja"])
    monthly = amount * frequency.map(PER_MONTH)
    # a schedule without a frequency (a one-time or an individual payment): what it paid,
    # spread over its own spell, so that its spending stays with the intervention
    one_time = frequency.map(PER_MONTH).isna() & ~fictive
    paid_total = _number(rows["amount"]).groupby(rows["schedule"]).sum().reindex(latest.index).fillna(0.0)
    # open ends (and ends after it) are cut at the last payment date of the export
    horizon = rows["paid"].max() if rows["paid"].notna().any() else pd.Timestamp(dt.date.today())
    own_days = _days(latest["start"], latest["end"], horizon)
    monthly = monthly.where(~one_time, paid_total / (own_days / DAYS_PER_MONTH)).where(~fictive, 0.0)
    report.add(name, "aktiviteter (betalingsplaner) dannet af betalingsrækkerne", len(latest))
    report.add(name, "fiktive betalingsplaner: ikke et forbrug (0 kr. om måneden)", int(fictive.sum()))
    report.add(
        name, "engangs- og individuelle betalinger: det betalte fordelt over aktivitetens forløb", int(one_time.sum())
    )
    activities = pd.DataFrame(
        {
            "cpr": latest["cpr"],
            "appropriation": latest["sbsys_id"].str.strip(),
            "kind": latest["kind"],
            "section": latest["section_code"],
            "activity": latest["activity__details__name"].map(lambda s: " ".join(s.split())),
            "start": latest["start"],
            "end": latest["end"],
            "monthly": monthly.fillna(0.0),
            "target": latest["target_group"].map(lambda s: TARGET_GROUPS.get(" ".join(s.split()).casefold())),
            "provider": latest["recipient_type"].str.strip().str.upper().map(PROVIDERS),
            "municipality": latest["acting_municipality"].map(resolve).astype("Int64"),
            "caseworker": _caseworker(latest["case_worker"], key),
        }
    )
    return activities, horizon


def _main_activities(activities: pd.DataFrame, report: ImportReport, name: str) -> pd.DataFrame:
    """The main activities that belong on the staircase (the others counted in the report)."""
    mains = activities[activities["kind"] == "MAIN_ACTIVITY"].copy()
    left = [
        (mains["section"].isin(NOT_ON_STAIRCASE), "paragraffen er ikke en foranstaltning på trappen"),
        (mains["municipality"].isna(), "den handlende kommune er ikke en af de 98 kommuner"),
        (mains["target"].isna(), "målgruppen er hverken Familieafdelingen eller Handicapafdelingen"),
    ]
    gone = pd.Series(False, index=mains.index)
    for mask, why in left:
        mask = mask & ~gone
        if why.startswith("paragraffen"):
            for section, n in mains.loc[mask, "section"].value_counts().sort_index().items():
                report.add(name, f"hovedaktiviteter udeladt: {section}: {NOT_ON_STAIRCASE[section]}", n)
        else:
            report.add(name, f"hovedaktiviteter udeladt: {why}", int(mask.sum()))
        gone |= mask
    return mains[~gone]


def _steps(mains: pd.DataFrame, history, out: Path, report: ImportReport, name: str) -> pd.DataFrame:
    """Each main activity's step: the mapping, and where it leaves it open the case's step
    on the start date (its case history); activities with no step are left out."""
    mains["measure"] = (mains["section"] + " " + mains["activity"]).str.strip()
    mapping = load_mapping(mapping_path(out if (out / "measure_steps.csv").exists() else None))
    mapped = step_of_measure(mains["measure"], mapping)
    kinds = placement_type(mains["measure"], mapped, mapping)
    case_step = pd.Series(
        [step_on(history, c, s) for c, s in zip(mains["cpr"], mains["start"])], index=mains.index, dtype="Int64"
    )
    open_placement = mapped.isin([4, 5, 6]) & (kinds == UNKNOWN_PLACEMENT) & case_step.isin([4, 5, 6])
    from_case = (mapped.isna() & case_step.notna()) | open_placement
    mains["step"] = mapped.where(~from_case, case_step)
    report.add(name, "hovedaktiviteter hvis trin er sagens trin på startdatoen (sagshistorikken)", int(from_case.sum()))
    no_step = mains["step"].isna()
    report.add(
        name,
        "hovedaktiviteter udeladt: intet trin (paragraf og aktivitet ukendte, ingen sagshistorik)",
        int(no_step.sum()),
    )
    return mains[~no_step]


def _attach_supplements(
    mains: pd.DataFrame, suppl: pd.DataFrame, horizon, report: ImportReport, name: str
) -> pd.DataFrame:
    """Supplementary activities: their cost joins the main activity of their appropriation."""
    mains["days"] = _days(mains["start"], mains["end"], horizon)
    attached = 0
    orphans = 0
    for _, s in suppl.iterrows():
        same = mains[(mains["cpr"] == s["cpr"]) & (mains["appropriation"] == s["appropriation"])]
        if same.empty:
            orphans += 1
            continue
        s_end = horizon if pd.isna(s["end"]) else min(s["end"], horizon)
        overlap = (
            (same["end"].fillna(horizon).clip(upper=s_end) - same["start"].clip(lower=s["start"])).dt.days + 1
        ).clip(lower=0)
        target = overlap.idxmax() if overlap.max() > 0 else same["start"].idxmin()
        share = overlap[target] / mains.at[target, "days"] if overlap.max() > 0 else 0.0
        mains.at[target, "monthly"] += s["monthly"] * share
        attached += 1
    report.add(name, "følgeaktiviteter lagt sammen med deres hovedaktivitet (udgift)", attached)
    report.add(name, "følgeaktiviteter udeladt: ingen hovedaktivitet i samme bevilling", orphans)
    return mains


def _merge_modified(mains: pd.DataFrame, report: ImportReport, name: str) -> pd.DataFrame:
    """A modified main activity continues the one before it: merged into one intervention."""
    mains = mains.sort_values(["cpr", "appropriation", "measure", "start"])
    merged_rows, merged = [], 0
    for _, g in mains.groupby(["cpr", "appropriation", "measure", "step"], sort=False):
        current = None
        for _, r in g.iterrows():
            if current is not None and pd.notna(current["end"]) and r["start"] <= current["end"] + pd.Timedelta(days=1):
                days = current["days"] + r["days"]
                current["monthly"] = (current["monthly"] * current["days"] + r["monthly"] * r["days"]) / max(days, 1)
                current["days"], current["end"] = days, r["end"]
                merged += 1
                continue
            if current is not None:
                merged_rows.append(current)
            current = r.copy()
        merged_rows.append(current)
    report.add(name, "hovedaktiviteter lagt sammen med den aktivitet de ændrer (samme bevilling og indsats)", merged)
    result = pd.DataFrame(merged_rows, columns=[*mains.columns])
    if result.empty:  # nothing to keep: the contract's header and no rows
        result = result.astype({"start": "datetime64[ns]", "end": "datetime64[ns]", "monthly": float})
    return result


def _interventions(result: pd.DataFrame) -> pd.DataFrame:
    """The contract's interventions table."""
    interventions = pd.DataFrame(
        {
            "person_id": result["cpr"],
            "municipality": result["municipality"].astype(int),
            "target_group": result["target"],
            "measure": result["measure"],
            "step": result["step"].astype(int),
            "start_date": result["start"].dt.strftime("%Y-%m-%d"),
            "end_date": result["end"].dt.strftime("%Y-%m-%d").fillna(""),
            "monthly_cost": result["monthly"].round(2),
            "provider_type": result["provider"].fillna(""),
            "caseworker_id": result["caseworker"].fillna(""),
        },
        columns=OUT_COLUMNS,
    ).sort_values(["person_id", "start_date", "measure"], kind="stable")
    return interventions
