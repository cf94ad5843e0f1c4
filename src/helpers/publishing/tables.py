"""The one function that publishes a table: protection (:mod:`.disclosure`), then CSV
and Excel, and the table on the page.

Files are byte-stable: the same table gives the same bytes (fixed line endings, fixed
Excel timestamps and zip entry dates). Spreadsheet-safe: a text cell that begins with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'`` (OWASP,
"CSV injection"), and the Excel files hold values only, never formulas.
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from ..data.safecsv import number_text, safe_frame, spreadsheet_safe, write_csv
from .disclosure import NOTE_DA, PUBLISHED, WITHHELD, Protection, TableSpec, protect, row_labels, unit_keys
from .formats import column_kind, value_da
from .private import RECORD_FILE, record_dir, write_private

DECIMALS = 6
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_FIXED_W3C = "2000-01-01T00:00:00Z"
MANIFEST = "published.json"


#: Danish column labels used on the pages (files keep the English snake_case names).
COLUMN_LABELS = {
    "from_step": "Trin ved start",
    "step_group": "Del af trappen ved start",
    "to_step": "Trin ved slut",
    "children": "Børn",
    "n": "Børn på trinnet",
    "share": "Andel",
    "ci_low": "95 %-KI nedre",
    "ci_high": "95 %-KI øvre",
    "direction": "Bevægelse",
    "district": "Distrikt",
    "target_group": "Målgruppe",
    "age_group": "Aldersgruppe",
    "municipality": "Kommune",
    "cases": "Sager",
    "mean": "Gennemsnit",
    "median": "Median",
    "figure": "Nøgletal",
    "group": "Gruppe",
    "value": "Værdi",
    "period_start": "Periodestart",
    "period_end": "Periodeslut",
    "caseworker_id": "Sagsbehandler",
    "placed": "Anbragte",
    "preventive": "Forebyggende",
    "spending": "Forbrug (kr.)",
    "children_with_spending": "Børn med forbrug",
    "notifications": "Underretninger",
    "placed_share": "Andel anbragte",
    "placed_share_ci_low": "95 %-KI nedre",
    "placed_share_ci_high": "95 %-KI øvre",
    "spending_per_child": "Forbrug pr. barn (kr.)",
    "step": "Trin",
    "budget_count": "Budget: helårsforanstaltninger",
    "budget_unit_cost": "Budget: enhedspris (kr.)",
    "budget_cost": "Budget (kr.)",
    "actual_count": "Faktisk: helårsforanstaltninger",
    "actual_cost": "Faktisk forbrug (kr.)",
    "actual_unit_cost": "Faktisk enhedspris (kr.)",
    "volume_effect": "Volumeneffekt (kr.)",
    "price_effect": "Priseffekt (kr.)",
    "total_deviation": "Samlet afvigelse (kr.)",
    "name": "Kommune",
    "value_focal": "Kommunen",
    "average": "Gennemsnitskommunen",
    "difference": "Forskel",
    "rank": "Placering",
    "of": "Af",
    "year": "År",
    "service": "Ydelse",
    "vum_score": "VUM-score",
    "p25": "25. percentil",
    "p75": "75. percentil",
    "share_met_or_partly": "Andel helt/delvist opfyldt",
    "registrations": "Opfølgninger",
    "met": "Opfyldt",
    "partly": "Delvist",
    "not_met": "Ikke opfyldt",
    "term": "Forklarende variabel",
    "odds_ratio": "Odds ratio",
    "p_value": "p-værdi",
    "adjusted": "Justeret forskel",
    "adjusted_low": "Justeret, 95 %-KI nedre",
    "adjusted_high": "Justeret, 95 %-KI øvre",
    "unadjusted": "Ujusteret forskel",
    "unadjusted_low": "Ujusteret, 95 %-KI nedre",
    "unadjusted_high": "Ujusteret, 95 %-KI øvre",
    "appeals_changed_share": "Andel ændrede klagesager",
    "budget_deviation_pct": "Budgetafvigelse (%)",
    "expected_need_per_0_22": "Forventet behov pr. 0-22-årig (kr.)",
    "expenditure_per_0_22": "Udgift pr. 0-22-årig (kr.)",
    "placed_per_1000_0_22": "Anbragte pr. 1.000 0-22-årige",
    "population": "Indbyggere",
    "region": "Region",
    "as_of": "Kendt pr.",
    "at_least": "Mindst",
    "date": "Dato",
    "step_at_start": "Trin i starten",
    "unique_children": "Unikke cpr",
    "down": "Ned ad trappen",
    "ended": "Ophørte",
    "children_waiting": "Børn på venteliste",
    "referrals": "Henvisninger i perioden",
    "median_days": "Median ventetid (dage)",
    "mean_absence_pct": "Gns. skolefravær (%)",
    "mean_change": "Gns. ændring i funktionsscore",
    "up": "Op ad trappen",
    **{f"to_{b}": f"Til trin {b}" for b in range(1, 7)},
    "error": "Fejl (kr.)",
    "error_pct": "Fejl (%)",
    "forecast": "Prognose (kr.)",
    "realised": "Faktisk forbrug (kr.)",
    "estimate": "Estimat",
    "focal": "Kommunen selv",
    "same_region": "Samme region",
    "follow_ups": "Opfølgninger",
    "goal_met": "Mål opfyldt",
    "goal_set": "Mål sat",
    "goal_type": "Måltype",
    "income_basis": "Forsørgelsesgrundlag",
    "initiator": "Initiativtager",
    "mean_months": "Gns. måneder",
    "median_months": "Median, måneder",
    "municipality_cases": "Kommunens sager",
    "share_of_t0": "Andel af børnene ved start",
    "status": "Status",
    "target": "Mål",
    "support_letter": "Støttebogstav",
    "vum_cases": "Sager med VUM",
    "vum_mean": "Gns. VUM-score",
    "vum_ci_low": "VUM, 95 %-KI nedre",
    "vum_ci_high": "VUM, 95 %-KI øvre",
    "vum_from": "VUM-score ved første",
    "vum_target_mean": "Gns. VUM-mål",
    "forbedret": "Forbedret",
    "uændret": "Uændret",
    "forværret": "Forværret",
    "egen": "Egen kommune",
    "anden kommune": "Anden kommune",
    "privat": "Privat",
    "uoplyst": "Uoplyst",
}


class Html(str):
    """A string that notebooks render as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


@dataclass
class Published:
    """A published table: the protected data, where it was written, and how it looks."""

    name: str
    data: pd.DataFrame
    status: pd.DataFrame
    csv: Path
    xlsx: Path
    caption: str = ""
    link_prefix: str = ""
    formats: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    show: list | None = None
    protected: bool = True
    source: str = ""
    spanners: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    #: The HTML id of the table on the page (a part of a table gets its own).
    html_id: str = ""

    @property
    def mask(self) -> pd.DataFrame:
        """Withheld cells (True)."""
        return self.status != PUBLISHED

    def __repr__(self) -> str:
        return f"Published({self.name!r}, rows={len(self.data)}, withheld={int(self.mask.to_numpy().sum())})"

    def value(self, row: int, column: str):
        """A published value, or None where it is withheld."""
        withheld = self.status.iat[row, self.data.columns.get_loc(column)] != PUBLISHED
        return None if withheld else self.data[column].iloc[row]

    def part(self, rows, caption: str | None = None) -> Published:
        """Some rows of the table, shown on their own (the downloads are the whole table)."""
        rows = list(rows)
        return replace(
            self,
            data=self.data.iloc[rows].reset_index(drop=True),
            status=self.status.iloc[rows].reset_index(drop=True),
            caption=self.caption if caption is None else caption,
            html_id=f"{self.name}-{rows[0] if rows else 'empty'}",
        )

    def kind(self, column: str) -> str:
        """How the column's numbers are shown (``pct``, ``amount``, ...; formats.column_kind)."""
        return self.kinds.get(column) or column_kind(column, list(self.data.columns))

    def display_frame(self) -> pd.DataFrame:
        """The table as the page shows it: every number in Danish by its column's kind (or the
        table's own format), withheld cells as "..", missing cells empty."""
        shown = self.data.copy().astype(object)
        mask = self.mask  # once per table, not once per cell
        for c in shown.columns:
            fmt = self.formats.get(c)
            kind = self.kind(c)
            shown[c] = [
                WITHHELD if hidden else ("" if _missing(v) else (fmt(v) if fmt else value_da(v, kind)))
                for hidden, v in zip(mask[c].to_numpy(), shown[c])
            ]
        return shown

    def _repr_html_(self) -> str:
        shown = self.display_frame()
        shown = shown[self.show] if self.show else shown
        numeric = [c for c in shown.columns if pd.api.types.is_numeric_dtype(self.data[c])]
        labels = {c: {**COLUMN_LABELS, **self.labels}.get(c, str(c)) for c in shown.columns}
        notes = [self.note()] + ([self.source] if self.source else [])
        return present(shown, self.html_id or self.name, self.caption, labels, self.spanners, numeric, notes) + (
            self.links_html(note=False)
        )

    def note(self) -> str:
        if not self.protected:
            return "Offentlige tal: ingen diskretionering."
        return NOTE_DA

    def links_html(self, label: str = "Hent tabellen", note: bool = True) -> str:
        """Download links for the CSV and Excel files (relative to the report page), and how
        the table was protected."""
        links = (
            f"<p class='downloads'>{html.escape(label)}: "
            f"<a href='{self.link_prefix}{self.csv.name}' download>CSV</a> · "
            f"<a href='{self.link_prefix}{self.xlsx.name}' download>Excel</a></p>"
        )
        return links + (f"<p class='protection-note'>{html.escape(self.note())}</p>" if note else "")

    def downloads(self, label: str):
        """An object that a notebook displays as the download links only (the table they
        belong to, shown on the page, carries the protection note)."""
        return Html(self.links_html(label, note=False))


def view(frame: pd.DataFrame, caption: str = "", note: str = "", name: str = "view") -> Html:
    """A view of numbers already published (already formatted as Danish text): the page
    shows it; the downloads are those of the table it was made from."""
    shown = frame.astype(object).where(frame.notna(), "").astype(str)
    shown.columns = [f"c{i}" for i in range(len(frame.columns))]  # labels may repeat
    labels = dict(zip(shown.columns, map(str, frame.columns)))
    numeric = [c for c, col in zip(shown.columns, frame.columns) if col != frame.columns[0]]
    return Html(present(shown, name, caption, labels, {}, numeric, [note] if note else []))


def present(
    shown: pd.DataFrame,
    html_id: str,
    caption: str,
    labels: dict,
    spanners: dict,
    numeric: list,
    notes: list[str],
) -> str:
    """The one table presenter of the book (great_tables): ``shown`` already in Danish text,
    column labels, spanners over groups of columns, numbers right-aligned, the caption as
    the title, the protection legend and the source as notes under the table. The HTML
    carries no external reference (the site works offline) and its id is fixed (the same
    table gives the same bytes)."""
    from great_tables import GT

    # the first column names the row: a row header (<th scope="row">) that a screen reader
    # reads with every cell of the row (WCAG 1.3.1)
    stub = shown.columns[0] if len(shown.columns) > 1 else None
    table = GT(shown.reset_index(drop=True), id=_html_id(html_id), rowname_col=stub)
    table = table.cols_label(cases={c: label for c, label in labels.items() if c != stub})
    if stub is not None:
        table = table.tab_stubhead(label=labels.get(stub, str(stub)))
    for label, columns in spanners.items():
        columns = [c for c in columns if c in shown.columns and c != stub]
        if columns:
            table = table.tab_spanner(label, columns)
    right = [c for c in numeric if c in shown.columns and c != stub]
    if right:
        table = table.cols_align("right", columns=right)
    if caption:
        table = table.tab_header(title=caption).opt_align_table_header("left")
    for note in notes:
        table = table.tab_source_note(note)
    table = table.tab_options(
        table_font_size="13px",
        heading_title_font_size="15px",
        table_width="100%",
        container_width="100%",
        data_row_padding="3px",
        column_labels_font_weight="bold",
    )
    return "<div class='reportbook-table'>" + accessible(table.as_raw_html(), _html_id(html_id), caption) + "</div>"


#: How a screen reader reads the withheld sign "..": the number is not shown (disclosure control).
WITHHELD_SPOKEN = "ikke vist (diskretioneret)"


def accessible(markup: str, html_id: str, caption: str) -> str:
    """great_tables' HTML made usable by keyboard and screen reader: its scrolling box is a
    named region the keyboard can reach (``tabindex="0"``, WCAG 2.1.1; axe's
    ``scrollable-region-focusable``), and every withheld ".." is an abbreviation that is
    read out as "ikke vist"."""
    name = html.escape(caption or "Tabel", quote=True)
    box = f'<div id="{html_id}" style='
    markup = markup.replace(box, f'<div id="{html_id}" tabindex="0" role="region" aria-label="{name}" style=', 1)
    return re.sub(r">\.\.</(td|th)>", rf'><abbr title="{WITHHELD_SPOKEN}">..</abbr></\1>', markup)


def _html_id(text: str) -> str:
    return "rb-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(text))


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def withhold(table: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every withheld cell empty (nullable dtypes keep the column's type)."""
    out = table.copy()
    for c in out.columns:
        hidden = (status[c] != PUBLISHED).to_numpy()
        if not hidden.any():
            continue
        if pd.api.types.is_integer_dtype(out[c]):
            out[c] = out[c].astype("Int64")
        elif pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].astype("Float64")
        else:
            out[c] = out[c].astype(object)
        out.loc[hidden, c] = pd.NA
    return out


def written(value, significant: int | None = None):
    """A decimal number as the files hold it: six decimals (enough for any analysis, and
    no long digit runs), or ``significant`` digits for model estimates, whose 7th digit may
    differ between CPUs and BLAS builds. Python's ``round`` and ``format`` round the exact
    binary value correctly (numpy's ``round`` does not); NA stays NA."""
    if pd.isna(value):
        return value
    if significant is None:
        return round(float(value), DECIMALS)
    return float(f"{float(value):.{significant}g}")


def publish(spec: TableSpec, output_dir: str | Path, protection: Protection | None = None) -> Published:
    """Protect ``spec`` (within ``protection``, the outcome for its whole linked system;
    alone when None), then write ``<name>.csv`` and ``<name>.xlsx`` to ``output_dir``, and
    record the table's cells for the auditor (in the run's private record, see
    :func:`.private.record_dir`)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    table = spec.frame.reset_index(drop=True)
    if spec.public:
        status = pd.DataFrame(PUBLISHED, index=table.index, columns=table.columns)
    else:
        protection = protection if protection is not None else protect([spec])
        protection.include(spec)
        status = protection.statuses(spec.name, table)
    data = withhold(table, status)
    for c in data.columns:
        if pd.api.types.is_float_dtype(data[c]):
            data[c] = data[c].map(partial(written, significant=spec.significant)).astype(data[c].dtype)
    files = safe_frame(data)
    csv_path, xlsx_path = output_dir / f"{spec.name}.csv", output_dir / f"{spec.name}.xlsx"
    write_csv(files, csv_path)
    labels = {**COLUMN_LABELS, **spec.labels}
    kinds = {c: spec.kinds.get(c) or column_kind(c, list(files.columns)) for c in files.columns}
    write_excel(
        files,
        xlsx_path,
        sheet=spec.name[:31],
        labels=[labels.get(c, str(c)) for c in files.columns],
        number_formats=[_EXCEL_FORMATS.get(kinds[c], "#,##0.0") for c in files.columns],
        about=about_table(spec, output_dir),
    )
    _record(output_dir, spec, protection, status)
    return Published(
        spec.name,
        data,
        status,
        csv_path,
        xlsx_path,
        spec.caption,
        link_prefix=f"{output_dir.name}/",
        formats=spec.formats,
        labels=spec.labels,
        show=spec.show,
        protected=not spec.public,
        source=spec.source,
        spanners=spec.spanners,
        kinds=spec.kinds,
    )


#: Excel number formats by column kind (Excel shows them with the reader's own marks: a
#: Danish Excel writes 1.234,5 and 12,3 %).
_EXCEL_FORMATS = {
    "pct": "0.0%",
    "points": '0.0" %"',
    "amount": "#,##0",
    "year": "0",
    "pvalue": "0.000",
    "ratio": "0.00",
    "number": "#,##0.0",
}


def about_table(spec: TableSpec, output_dir: Path) -> list[tuple[str, str]]:
    """The sheet "Om tabellen" of a table's Excel file: what it is, for whom and when, its
    source and its protection, and which CSV column each Danish heading is."""
    from ..data import municipalities
    from .formats import period_da

    rows = [("Tabel", spec.name), ("Titel", spec.caption or spec.name)]
    run = re.fullmatch(r"(\d{1,3})_(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})", output_dir.name)
    if run:
        code = int(run.group(1))
        rows.append(("Kommune", f"{municipalities.name(code) or code} (kommunekode {code})"))
        rows.append(("Periode", period_da(run.group(2), run.group(3))))
    rows.append(("Kilde", spec.source or "Beregnet af rapportbogen ud fra datamappens tabeller (se Data og metode)."))
    rows.append(("Diskretion", "Offentlige tal: ingen diskretionering." if spec.public else NOTE_DA))
    rows.append(("Maskinlæsbar udgave", f"{spec.name}.csv (engelske kolonnenavne, punktum som decimaltegn)"))
    labels = {**COLUMN_LABELS, **spec.labels}
    rows += [(f"Kolonne: {labels.get(c, str(c))}", f"CSV-kolonnen {c}") for c in spec.frame.columns]
    return rows


def write_excel(
    frame: pd.DataFrame,
    path: Path,
    sheet: str = "data",
    labels: list[str] | None = None,
    number_formats: list[str] | None = None,
    about: list[tuple[str, str]] | None = None,
) -> None:
    """Write an .xlsx of values only (text cells are stored as text, never as formulas),
    whose bytes depend only on the table (fixed timestamps): Danish headings (``labels``),
    number formats per column, and a second sheet "Om tabellen" (``about``)."""
    from openpyxl import Workbook

    book = Workbook()
    _fill_sheet(book.active, frame, sheet, labels, number_formats)
    if about:
        info = book.create_sheet("Om tabellen")
        for key, value in about:
            info.append([key, spreadsheet_safe(value)])
        info.column_dimensions["A"].width = 28
        info.column_dimensions["B"].width = 100
    for sheet_ in book.worksheets:
        for cells in sheet_.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    _save_stable(book, path)


def _fill_sheet(ws, frame: pd.DataFrame, title: str, labels: list[str] | None, number_formats: list[str] | None):
    """The data sheet: bold headings, values, a number format per column, column widths."""
    from openpyxl.styles import Font

    ws.title = title
    ws.append(labels or [str(c) for c in frame.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([None if _missing(v) else (v.item() if isinstance(v, np.generic) else v) for v in row])
    if number_formats:
        for cells in ws.iter_rows(min_row=2):
            for cell, fmt in zip(cells, number_formats):
                if isinstance(cell.value, float):
                    cell.number_format = fmt
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = "0" if fmt == "0" else "#,##0"
    for column, heading in zip(ws.columns, ws[1]):
        ws.column_dimensions[column[0].column_letter].width = max(10, min(40, len(str(heading.value)) + 2))


def _save_stable(book, path: Path) -> None:
    """Save ``book`` so that its bytes depend only on its content: entries in name order,
    fixed times, the shortest form of every number."""
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):  # shortest round-trip form of every number
                data = _NUMBER.sub(lambda m: f"<v>{_shortest(m.group(1))}</v>", data.decode("utf-8")).encode("utf-8")
            if info.filename == "docProps/core.xml":
                text = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", _FIXED_W3C, data.decode("utf-8"))
                data = text.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)


_NUMBER = re.compile(r"<v>(-?[0-9]+\.[0-9]+(?:[eE][-+]?[0-9]+)?)</v>")


def _shortest(text: str) -> str:
    """The shortest round-trip form of a number, in exponent form where that would hold a
    CPR-shaped run of digits (:func:`helpers.data.safecsv.number_text`)."""
    return number_text(float(text))


def _record(output_dir: Path, spec: TableSpec, protection: Protection | None, status: pd.DataFrame) -> None:
    """Keep a manifest of the tables published in ``output_dir`` (how many cells each
    withholds, never why) and, in the run's private record (:mod:`.private`, outside the
    published tree), every cell of the table: its status, block, unit keys and value, and
    the statistics with the cells they rest on."""
    manifest = output_dir / MANIFEST
    entries = json.loads(manifest.read_text()) if manifest.exists() else {}
    entries[spec.name] = {
        "csv": f"{spec.name}.csv",
        "xlsx": f"{spec.name}.xlsx",
        "protection": "public figures" if spec.public else "cell suppression: counts of 1-4 and what would reveal them",
        "withheld": int((status != PUBLISHED).to_numpy().sum()),
    }
    manifest.write_text(json.dumps(dict(sorted(entries.items())), indent=2, ensure_ascii=False) + "\n")
    if spec.public or protection is None:
        return
    path = record_dir(output_dir) / RECORD_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {"tables": {}}
    record["group"], record["scope"] = protection.group, protection.scope
    labels = row_labels(spec.frame)
    cells = [
        [
            c.row,
            c.column,
            protection.status[c.key],
            f"{c.unit}:{c.measure}",
            sorted(unit_keys(c.members)),
            c.shown,
            list(c.product_of) if c.product_of else None,
            c.value,
            labels[c.row],
        ]
        for c in sorted(spec.cells, key=lambda c: (c.row, str(c.column)))
    ]
    # the rests of printed pairs the publication declared (disclosure.small_rests)
    cells += [
        [row, column, protection.status[(spec.name, row, column)], block, keys, False, None, value, labels[row]]
        for row, column, block, keys, value in protection.rests.get(spec.name, [])
    ]
    stats = [
        [st.row, st.column, protection.status[st.key], [list(k) for k in st.inputs], st.base_n]
        for st in spec.statistics
    ]
    record["tables"][spec.name] = {"cells": cells, "statistics": stats}
    write_private(path, record)
