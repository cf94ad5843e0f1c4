"""What every report notebook shares: parameters, loading, headings and the page footer.

A notebook calls :func:`open_report` once with its papermill parameters; the returned
:class:`Report` knows the municipality (code, name, region), the period, the validated
data set and where to publish. It records the run's configuration (parameters, data
fingerprint, package version) in ``output_dir/run.json`` and writes the rejects file.
"""

from __future__ import annotations

import html
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from .. import __version__
from ..data import municipalities
from ..data.dataset import Dataset, data_fingerprint, ensure_default_data, is_synthetic, load, write_rejects
from ..data.paths import REPO_ROOT, resolve_path
from .formats import date_da, short_digest
from .tables import Html

MATRIX_ENV = "REPORTBOOK_MATRIX"
NOTEBOOK_DIR = REPO_ROOT / "notebooks"


def notebook_reads(notebook: str | Path) -> dict[str, str]:
    """What a notebook template declares it reads (its metadata ``reportbook.reads``):
    table -> ``municipality`` (the focal municipality's rows) or ``all``."""
    path = Path(notebook) if str(notebook).endswith(".ipynb") else NOTEBOOK_DIR / f"{notebook}.ipynb"
    return nbformat.read(path, as_version=4).metadata.get("reportbook", {}).get("reads", {})


@dataclass
class Report:
    municipality: int
    name: str
    region: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    data_dir: Path
    output_dir: Path
    data: Dataset
    notebook: str
    fingerprint: dict

    @property
    def synthetic(self) -> bool:
        return is_synthetic(self.data_dir)

    @property
    def period_da(self) -> str:
        return f"{date_da(self.period_start)} – {date_da(self.period_end)}"

    def rows(self, table: str) -> pd.DataFrame:
        """The focal municipality's rows of a table."""
        frame = self.data.table(table)
        return frame[frame["municipality"] == self.municipality].copy()

    def header(self, title: str) -> Html:
        parts = [
            f"<p class='report-meta'><strong>{html.escape(self.name)} Kommune</strong> (kommunekode "
            f"{self.municipality}, {html.escape(self.region)}) · {self.period_da}</p>"
        ]
        if self.synthetic:
            parts.append(
                "<div class='admonition warning'><p class='admonition-title'>Syntetiske data</p>"
                "<p>Tallene på denne side er beregnet på syntetiske data, der er dannet til at ligne "
                "de offentliggjorte tal. De beskriver ikke virkelige børn eller borgere.</p></div>"
            )
        return Html("".join(parts))

    def key_messages(self, lines: list[str]) -> Html:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        return Html(
            f"<div class='admonition tip key-messages'><p class='admonition-title'>Hovedbudskaber</p>"
            f"<ul>{items}</ul></div>"
        )

    def subheading(self, text: str) -> Html:
        return Html(f"<p class='rubric'><strong>{html.escape(text)}</strong></p>")

    def no_data(self, what: str) -> Html:
        return Html(
            f"<div class='admonition note'><p class='admonition-title'>Ingen data</p><p>{html.escape(what)}</p></div>"
        )

    def footer(self, parameters: dict) -> Html:
        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td><code>{html.escape(str(v))}</code></td></tr>"
            for k, v in parameters.items()
        )
        files = "".join(
            f"<tr><td>{html.escape(f)}</td><td><code>{short_digest(d)}</code></td></tr>"
            for f, d in sorted(self.fingerprint.items())
        )
        return Html(
            "<details class='run-parameters'><summary>Parametre og datagrundlag</summary>"
            f"<table><tr><th>Parameter</th><th>Værdi</th></tr>{rows}</table>"
            f"<table><tr><th>Data, som siden bygger på</th><th>SHA-256 (første 16 tegn)</th></tr>{files}</table>"
            f"<p>reportbook {__version__}, Python {platform.python_version()}</p></details>"
        )


def open_report(municipality, period_start, period_end, data_dir, output_dir, notebook: str = "") -> Report:
    """Resolve the parameters, load and validate the data, and record the run's config."""
    code = municipalities.resolve(municipality)
    if code is None:
        raise ValueError(f"Ukendt kommune: {municipality!r} (brug kommunekode eller navn)")
    start, end = pd.Timestamp(period_start).normalize(), pd.Timestamp(period_end).normalize()
    if end <= start:
        raise ValueError(f"Perioden slutter ({end.date()}) før den starter ({start.date()})")
    data_path = resolve_path(data_dir)
    ensure_default_data(data_path)  # a fresh clone: the default data are made on first use
    dataset = load(data_path)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not os.environ.get(MATRIX_ENV):  # in a matrix run the runner writes one rejects file for all runs
        write_rejects(dataset, out)
    reads = notebook_reads(notebook) if notebook else {}
    fingerprint = data_fingerprint(dataset.digests, reads, code)
    config = {
        "notebook": notebook,
        "parameters": {
            "municipality": code,
            "period_start": str(start.date()),
            "period_end": str(end.date()),
            "data_dir": str(data_dir),
            "output_dir": out.name,
        },
        "data_fingerprint": fingerprint,
        "input_files": dataset.fingerprint,
        "synthetic": is_synthetic(data_path),
        "rows_rejected": dataset.rejected,
        "reportbook_version": __version__,
    }
    (out / "run.json").write_text(json.dumps(config, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return Report(
        code,
        municipalities.name(code),
        municipalities.region(code),
        start,
        end,
        data_path,
        out,
        dataset,
        notebook,
        fingerprint,
    )
