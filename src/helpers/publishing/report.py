"""What every report notebook shares: parameters, loading, headings and the page footer.

A notebook calls :func:`open_report` once with its papermill parameters; the returned
:class:`Report` knows the municipality (code, name, region), the period, the validated
data set and where to publish. It records the run's configuration (parameters, data
fingerprint, package version) in ``output_dir/run.json`` and writes the rejects file.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import platform
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import nbformat
import pandas as pd

from .. import __version__
from ..data import municipalities
from ..data.dataset import Dataset, data_fingerprint, ensure_default_data, is_synthetic, load, write_rejects
from ..data.paths import REPO_ROOT, resolve_path, source_digest
from .disclosure import Protection, TableSpec, protect
from .formats import date_da, short_digest
from .pages import PAGES, group_of, page
from .tables import Html, Published, publish

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

    @cached_property
    def specs(self) -> dict[str, TableSpec]:
        """This page's tables, by name (computed, not yet protected)."""
        if self.notebook not in PAGES:
            return {}
        return {s.name: s for s in page(self.notebook).specs(self)}

    def group_specs(self) -> list[TableSpec]:
        """The tables of every page protected together with this notebook's page."""
        others = [nb for nb in group_of(self.notebook) if nb != self.notebook]
        for nb in others:  # kept: a page that shows another page's table (page_table) reuses them
            if nb not in self._other_specs:
                self._other_specs[nb] = {s.name: s for s in page(nb).specs(self)}
        return list(self.specs.values()) + [s for nb in others for s in self._other_specs[nb].values()]

    def group_key(self) -> str:
        """What the protection of this page's group depends on: the code, the group, the
        municipality (children's pages) and period, and the validated rows its pages read."""
        members = group_of(self.notebook)
        reads: dict[str, str] = {}
        for nb in members:
            reads.update(notebook_reads(nb))
        children = members != group_of("adult_prices")
        key = {
            "code": source_digest(),
            "group": members,
            "municipality": self.municipality if children else "alle",
            "period": [str(self.period_start.date()), str(self.period_end.date())],
            "rows": data_fingerprint(self.data.digests, reads, self.municipality),
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()

    @cached_property
    def protection(self) -> Protection:
        """The protection of the linked system of this page's group, computed once for the
        group (cached under :meth:`group_key`; the other pages' tables are computed only
        when it is not cached yet)."""
        if self.notebook not in PAGES:
            return protect([])
        return protection_of(self.group_key(), self.group_specs)

    @cached_property
    def _published(self) -> dict[str, Published]:
        return {}

    def table(self, name: str) -> Published:
        """Table ``name`` of this page, protected and written (once) to the output folder."""
        return self._publish_once(self.specs[name])

    @cached_property
    def _other_specs(self) -> dict[str, dict[str, TableSpec]]:
        return {}

    def page_table(self, notebook: str, name: str) -> Published | None:
        """Table ``name`` of another page of this page's protection group (e.g. the trends
        page's key figures on the overview), published here as well: the same cells under the
        same protection, so that showing it again reveals nothing new. None when that page
        has no such table (e.g. no data)."""
        if notebook not in group_of(self.notebook):
            raise ValueError(f"{notebook} is not protected together with {self.notebook}")
        if notebook not in self._other_specs:
            self._other_specs[notebook] = {s.name: s for s in page(notebook).specs(self)}
        spec = self._other_specs[notebook].get(name)
        return None if spec is None else self._publish_once(spec)

    def _publish_once(self, spec: TableSpec) -> Published:
        if spec.name not in self._published:
            self._published[spec.name] = self.publish(spec)
        return self._published[spec.name]

    def published_tables(self) -> dict[str, Published]:
        """The tables this page has published so far, by name."""
        return dict(self._published)

    def publish(self, spec: TableSpec) -> Published:
        """Publish a table made in the notebook (e.g. a fitted model) under this page's
        protection: its statistics follow the cells they rest on."""
        return publish(spec, self.output_dir, None if spec.public else self.protection)

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
        items = "".join(f"<li>{html.escape(sentence(line))}</li>" for line in lines if line and line.strip())
        return Html(
            f"<div class='admonition tip key-messages'><p class='admonition-title'>Hovedbudskaber</p>"
            f"<ul>{items}</ul></div>"
        )

    def section(self, text: str) -> Html:
        """A section heading made by code (for a section only some pages have)."""
        return Html(f"<h2>{html.escape(text)}</h2>")

    def paragraph(self, text: str) -> Html:
        return Html(f"<p>{html.escape(text)}</p>")

    def subheading(self, text: str) -> Html:
        return Html(f"<p class='rubric'><strong>{html.escape(text)}</strong></p>")

    def note(self, text: str) -> Html:
        """A short note in a box (e.g. what a page leaves out and why)."""
        return Html(
            f"<div class='admonition note'><p class='admonition-title'>Bemærk</p><p>{html.escape(text)}</p></div>"
        )

    def no_data(self, what: str, page: bool = False) -> Html:
        """Say in Danish what is missing. ``page``: the whole page has nothing to show; the
        runner then leaves out the page's (empty) sections after this message."""
        kind = f"admonition note {NO_DATA_PAGE}" if page else "admonition note"
        return Html(f"<div class='{kind}'><p class='admonition-title'>Ingen data</p><p>{html.escape(what)}</p></div>")

    def footer(self, parameters: dict) -> Html:
        """The run's parameters (the data folder by its name only: a local path says nothing to
        a reader and may name a person's home folder) and the data the page rests on."""
        rows = "".join(
            f"<tr><td>{html.escape(PARAMETER_LABELS.get(k, str(k)))}</td>"
            f"<td><code>{html.escape(Path(str(v)).name if k == 'data_dir' else str(v))}</code></td></tr>"
            for k, v in parameters.items()
        )
        files = "".join(
            f"<tr><td>{html.escape(f)}</td><td><code>{short_digest(d)}</code></td></tr>"
            for f, d in sorted(self.fingerprint.items())
        )
        return Html(
            f"<details class='{FOOTER}'><summary>Parametre og datagrundlag</summary>"
            f"<table><tr><th>Parameter</th><th>Værdi</th></tr>{rows}</table>"
            f"<table><tr><th>Data, som siden bygger på</th><th>SHA-256 (første 16 tegn)</th></tr>{files}</table>"
            f"<p>Lavet med reportbook {__version__} og Python {platform.python_version()}.</p></details>"
        )


#: HTML classes the runner looks for: a page without data, and the footer of every page.
NO_DATA_PAGE = "no-data-page"
FOOTER = "run-parameters"
PARAMETER_LABELS = {
    "municipality": "Kommune (kode)",
    "period_start": "Periodestart",
    "period_end": "Periodeslut",
    "data_dir": "Datamappe",
}


def sentence(text: str) -> str:
    """A key message as one clean sentence: no stray spaces or commas at its end, and one
    full stop (an abbreviation such as "kr." ends it without a second one)."""
    text = " ".join(str(text).split()).rstrip(" ,;")
    if text.endswith(("kr..", "pct..", "mio..", "nr..")):
        text = text[:-1]
    if not text.endswith((".", "!", "?", ":")):
        text += "."
    return text


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


def protection_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportbook" / "protection"


def protection_of(key: str, specs) -> Protection:
    """:func:`~helpers.publishing.disclosure.protect` of the tables ``specs()`` returns,
    cached on disk under ``key``, so that the pages of one group protect their system once
    (the cache holds statuses and atom numbers only: no unit ids, no values). Notebooks of
    one group that run at the same time wait for each other (a file lock, kept beside the
    entry) instead of protecting the same system twice."""
    import fcntl

    folder = protection_cache_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{key}.json"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            try:
                return Protection.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)
        result = protect(specs())
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(result.to_json(), fh)
        os.replace(tmp, path)
    return result
