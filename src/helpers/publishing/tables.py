"""The one function that publishes a table: small-cell protection
(:mod:`helpers.publishing.disclosure`), then CSV and Excel.

Files are byte-stable: the same table gives the same bytes (fixed line endings, fixed
Excel timestamps and zip entry dates).
"""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .disclosure import MIN_COUNT, SUPPRESSED, group_totals_hidden, suppress

DECIMALS = 6
_FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
_FIXED_W3C = "2000-01-01T00:00:00Z"


#: Danish column labels used on the pages (files keep the English snake_case names).
COLUMN_LABELS = {
    "from_step": "Trin ved start",
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
}


class Html(str):
    """A string that notebooks render as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


@dataclass
class Published:
    """A published table: the suppressed data, where it was written, and how it looks."""

    name: str
    data: pd.DataFrame
    mask: pd.DataFrame
    csv: Path
    xlsx: Path
    caption: str = ""
    link_prefix: str = ""
    formats: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    show: list | None = None

    def __repr__(self) -> str:
        return f"Published({self.name!r}, rows={len(self.data)}, suppressed={int(self.mask.to_numpy().sum())})"

    def display_frame(self) -> pd.DataFrame:
        shown = self.data.copy().astype(object)
        for c in shown.columns:
            fmt = self.formats.get(c)
            shown[c] = [
                SUPPRESSED if self.mask.at[i, c] else ("" if _missing(v) else (fmt(v) if fmt else _da_number(v)))
                for i, v in zip(shown.index, shown[c])
            ]
        return shown

    def _repr_html_(self) -> str:
        shown = self.display_frame()
        shown = shown[self.show] if self.show else shown
        shown = shown.rename(columns={**COLUMN_LABELS, **self.labels})
        table = shown.to_html(classes="reportbook-table", escape=True, border=0, index=False)
        caption = f"<p class='table-caption'><strong>{html.escape(self.caption)}</strong></p>" if self.caption else ""
        return caption + table + self.links_html()

    def links_html(self, label: str = "Hent tabellen") -> str:
        """Download links for the CSV and Excel files (relative to the report page)."""
        return (
            f"<p class='downloads'>{html.escape(label)}: "
            f"<a href='{self.link_prefix}{self.csv.name}' download>CSV</a> · "
            f"<a href='{self.link_prefix}{self.xlsx.name}' download>Excel</a> "
            f"<span class='suppression-note'>(tal under {MIN_COUNT} er diskretioneret: "
            f"vist som «{SUPPRESSED}»)</span></p>"
        )

    def downloads(self, label: str):
        """An object that a notebook displays as the download links only."""
        return Html(self.links_html(label))


def _missing(v) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))


def _da_number(v) -> str:
    """Danish number format: thousands '.', decimal ','."""
    if isinstance(v, (bool, np.bool_)):
        return "ja" if v else "nej"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}".replace(",", ".")
    if isinstance(v, (float, np.floating)):
        if float(v).is_integer() and abs(v) >= 1000:
            return f"{int(v):,}".replace(",", ".")
        return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(v)


def publish(
    frame: pd.DataFrame,
    name: str,
    output_dir: str | Path,
    counts=(),
    statistics: dict[str, str] | None = None,
    hidden: pd.DataFrame | None = None,
    totals: dict | None = None,
    caption: str = "",
    index: bool = False,
    formats: dict | None = None,
    labels: dict | None = None,
    show: list | None = None,
) -> Published:
    """Suppress small cells, then write ``<name>.csv`` and ``<name>.xlsx`` to ``output_dir``.

    ``counts`` are the count columns; ``statistics`` maps each statistic column to the
    count column of its group; ``hidden`` marks further cells to hide (complementary
    suppression, same shape as the published table). With ``index=True`` the index is
    published as columns. ``totals`` (count column -> (group columns, total column))
    adds complementary suppression where counts add up to a group total. ``formats``
    (column -> function), ``labels`` (column -> Danish heading) and ``show`` (columns
    shown) change only the page, never the files.
    """
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    table = frame.reset_index() if index else frame.reset_index(drop=True)
    if totals:
        extra = group_totals_hidden(table, counts, totals)
        hidden = extra if hidden is None else (hidden.reindex_like(extra).fillna(False).astype(bool) | extra)
    data, mask = suppress(table, counts, statistics, hidden)
    for c in data.columns:  # six decimals: enough for any analysis, and no long digit runs in the files
        if pd.api.types.is_float_dtype(
            data[c]
        ):  # Python's round is correctly rounded (numpy's gives 8.300000000000001)
            data[c] = data[c].map(lambda v: v if pd.isna(v) else round(float(v), DECIMALS)).astype(data[c].dtype)
    csv_path, xlsx_path = output_dir / f"{name}.csv", output_dir / f"{name}.xlsx"
    data.to_csv(csv_path, index=False, lineterminator="\n", encoding="utf-8")
    write_excel(data, xlsx_path, sheet=name[:31])
    _record(output_dir, name, list(counts), statistics or {})
    return Published(
        name,
        data,
        mask,
        csv_path,
        xlsx_path,
        caption,
        link_prefix=f"{output_dir.name}/",
        formats=formats or {},
        labels=labels or {},
        show=show,
    )


def write_excel(frame: pd.DataFrame, path: Path, sheet: str = "data") -> None:
    """Write an .xlsx whose bytes depend only on the table (fixed timestamps)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name=sheet)
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
    return repr(float(text))


def _record(output_dir: Path, name: str, counts: list, statistics: dict) -> None:
    """Keep a manifest of the tables published in ``output_dir``."""
    manifest = output_dir / "published.json"
    entries = json.loads(manifest.read_text()) if manifest.exists() else {}
    entries[name] = {
        "csv": f"{name}.csv",
        "xlsx": f"{name}.xlsx",
        "counts": counts,
        "statistics": statistics,
        "suppression": f"1-{MIN_COUNT - 1} suppressed",
    }
    manifest.write_text(json.dumps(dict(sorted(entries.items())), indent=2, ensure_ascii=False) + "\n")
