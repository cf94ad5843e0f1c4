"""What every report notebook shares: the page's tables, headings and the page footer.

A notebook gets its :class:`Report` from :func:`helpers.pipeline.session.open_report`
(which loads the data and writes the run's records); the report knows the municipality
(code, name, region), the period, the validated data set and where to publish, and builds
the page: its tables, protected with its publication, written to the output folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import platform
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from .. import __version__
from ..data.contract import TABLES
from ..data.dataset import Dataset, data_fingerprint, is_synthetic
from ..data.paths import REPO_ROOT
from ..data.steps import REGISTRATION_PRACTICE_DA
from . import concepts
from .disclosure import Cell, Protection, TableSpec, members_key, protect, protect_publication, scoped
from .formats import period_da, short_digest
from .pages import PAGES, REGISTRY, code_digest, group_of, page, scope_of
from .private import PUBLICATION_FILE, RECORD_FILE, private_root_of, record_dir, write_private
from .tables import Html, Published, publish

NOTEBOOK_DIR = REPO_ROOT / "notebooks"


def notebook_reads(notebook: str | Path) -> dict[str, str]:
    """What a page declares it reads (its ``reads`` in the page registry, ``pages.yml``):
    table -> ``municipality`` (the focal municipality's rows) or ``all``. A notebook that is
    not a page of the registry (a probe, a user's own analysis) may declare them in its
    metadata ``reportbook.reads``."""
    name = Path(str(notebook)).stem if str(notebook).endswith(".ipynb") else str(notebook)
    if name in REGISTRY:
        return dict(REGISTRY[name].reads)
    path = Path(notebook) if str(notebook).endswith(".ipynb") else NOTEBOOK_DIR / f"{notebook}.ipynb"
    if not path.is_file():
        return {}
    return nbformat.read(path, as_version=4).metadata.get("reportbook", {}).get("reads", {})


#: How a page reads a table: the focal municipality's rows (``Report.rows``) or all rows.
MUNICIPALITY_ROWS, ALL_ROWS = "municipality", "all"


def merge_reads(declarations) -> dict[str, str]:
    """The reads of several notebooks together (a protection group): every table any of them
    reads, ``all`` where any of them reads all its rows."""
    out: dict[str, str] = {}
    for reads in declarations:
        for table, scope in reads.items():
            out[table] = ALL_ROWS if ALL_ROWS in (scope, out.get(table)) else scope
    return out


class UndeclaredRead(RuntimeError):
    """A page read a table (or all of its rows) that its ``reads`` in the page registry
    (``pages.yml``) do not declare: the run cache, keyed on the declaration, would serve
    stale pages."""


class ReadLog:
    """Which tables each page read, and how (its municipality's rows or all rows)."""

    def __init__(self, notebook: str):
        self.notebook = notebook
        self.seen: dict[str, dict[str, str]] = {}
        self._pages: list[str] = []

    @contextlib.contextmanager
    def reading_for(self, notebook: str):
        """Reads inside are the page ``notebook``'s (another page of the protection group)."""
        self._pages.append(notebook)
        try:
            yield
        finally:
            self._pages.pop()

    def note(self, table: str, scope: str) -> None:
        page_reads = self.seen.setdefault(self._pages[-1] if self._pages else self.notebook, {})
        if page_reads.get(table) != ALL_ROWS:
            page_reads[table] = scope

    def undeclared(self) -> list[str]:
        """Each read a notebook's declaration lacks, said in Danish."""
        out = []
        for notebook, reads in sorted(self.seen.items()):
            if not (NOTEBOOK_DIR / f"{notebook}.ipynb").is_file():
                continue  # a notebook of one's own, outside the book: nothing is cached on it
            declared = notebook_reads(notebook)
            for table, scope in sorted(reads.items()):
                if table not in declared:
                    out.append(f"{notebook} læser tabellen {table}, men dens reads i pages.yml nævner den ikke")
                elif scope == ALL_ROWS and declared[table] != ALL_ROWS:
                    out.append(
                        f"{notebook} læser alle kommuners rækker af {table}, men dens reads i pages.yml siger "
                        f"'{declared[table]}'"
                    )
        return out


class ReadingDataset:
    """A data set that notes in a :class:`ReadLog` every table read through it
    (``report.data.<table>`` and ``report.data.table(name)`` read all rows)."""

    def __init__(self, dataset: Dataset, log: ReadLog):
        self._dataset, self.log = dataset, log

    def __getattr__(self, name: str):
        if name.startswith("_"):  # e.g. while unpickling or copying: no data set yet
            raise AttributeError(name)
        if name in TABLES:
            self.log.note(name, ALL_ROWS)
        return getattr(self._dataset, name)

    def table(self, name: str) -> pd.DataFrame:
        return self.read(name, ALL_ROWS)

    def read(self, name: str, scope: str) -> pd.DataFrame:
        self.log.note(name, scope)
        return self._dataset.table(name)


@dataclass
class Report:
    municipality: int
    name: str
    region: str
    period_start: pd.Timestamp
    period_end: pd.Timestamp
    data_dir: Path
    output_dir: Path
    data: ReadingDataset
    notebook: str
    fingerprint: dict
    #: What the runner says about the run (papermill parameter ``run_config``; empty for a
    #: notebook run on its own): ``matrix`` (the runner writes the rejects file), ``notebooks``
    #: (the pages of the matrix) and ``publication`` (the periods of this page's publication).
    run_config: dict = field(default_factory=dict)
    #: Where the publication's protection is kept: ``protections(key, compute)`` returns
    #: ``compute()``, or the same outcome kept from an earlier call (the pipeline's disk
    #: cache, :func:`helpers.pipeline.session.protection_of`). None: computed each time.
    protections: Callable[[str, Callable[[], Protection]], Protection] | None = None

    @property
    def synthetic(self) -> bool:
        return is_synthetic(self.data_dir)

    @property
    def period_da(self) -> str:
        return period_da(self.period_start, self.period_end)

    @cached_property
    def specs(self) -> dict[str, TableSpec]:
        """This page's tables, by name (computed, not yet protected)."""
        if self.notebook not in PAGES:
            return {}
        with self.data.log.reading_for(self.notebook):
            return {s.name: s for s in page(self.notebook).specs(self)}

    def _specs_of(self, notebook: str) -> dict[str, TableSpec]:
        """Another page's tables (a page of this page's protection group), computed once."""
        if notebook not in self._other_specs:
            with self.data.log.reading_for(notebook):
                self._other_specs[notebook] = {s.name: s for s in page(notebook).specs(self)}
        return self._other_specs[notebook]

    def group_specs(self) -> list[TableSpec]:
        """The tables of every page protected together with this notebook's page."""
        others = [nb for nb in group_of(self.notebook) if nb != self.notebook]
        # kept: a page that shows another page's table (page_table) reuses them
        return list(self.specs.values()) + [s for nb in others for s in self._specs_of(nb).values()]

    @property
    def tag(self) -> str:
        """This run's name within its publication: its period."""
        return f"{self.period_start.date()}_{self.period_end.date()}"

    @property
    def scope(self) -> str:
        return scope_of(self.notebook, self.municipality)

    def publication_periods(self) -> list[tuple[str, str]]:
        """The periods published together with this page (the runner names them; a page run
        on its own is its own publication)."""
        own = (str(self.period_start.date()), str(self.period_end.date()))
        named = self._publication.get("periods", [])
        periods = {own, *((str(a), str(b)) for a, b in named)}
        # the shortest first: a long period's tables hold more children per cell, and take the
        # statuses of the months and stocks the short ones already printed more easily
        return sorted(periods, key=lambda p: (pd.Timestamp(p[1]) - pd.Timestamp(p[0]), p))

    @cached_property
    def _publication(self) -> dict:
        """What the runner says is published together with this page (periods, runs). It is
        kept with the run's private record, so that the notebook executed again on its own
        (nbval, papermill) is protected as it was."""
        own = record_dir(self.output_dir) / PUBLICATION_FILE
        try:
            if "publication" in self.run_config:
                entry = self.run_config["publication"].get(self.scope, {})
                write_private(own, entry)
                return entry
            return json.loads(own.read_text(encoding="utf-8")) if own.is_file() else {}
        except (ValueError, AttributeError, OSError):
            return {}

    def _siblings(self) -> list[Report]:
        """This page's report in every period of its publication (itself for its own)."""
        own = (str(self.period_start.date()), str(self.period_end.date()))
        return [
            self
            if (start, end) == own
            else replace(self, period_start=pd.Timestamp(start), period_end=pd.Timestamp(end))
            for start, end in self.publication_periods()
        ]

    def ledger_paths(self) -> list[Path]:
        """The private records of this publication's earlier releases: runs of the same scope
        already published in the reports folder that this matrix does not run again."""
        root = private_root_of(self.output_dir)
        if not root.is_dir():
            return []
        current = set(self._publication.get("runs", []))
        out = []
        for nb in group_of(self.notebook):
            for path in sorted((root / nb).glob(f"*/{RECORD_FILE}")):
                run = path.parent.name
                code = run.split("_", 1)[0]
                if f"{nb}/{run}" not in current and code.isdigit() and scope_of(nb, int(code)) == self.scope:
                    out.append(path)
        return out

    def ledger(self) -> tuple[dict, dict, list[Cell]]:
        """What earlier releases published: each cell's identity -> its status, each count
        by (table, row label, column) -> the (value, status) of every earlier release that
        printed it, for revisions, and the cells."""
        identities: dict = {}
        counts: dict = {}
        cells: list[Cell] = []
        for path in self.ledger_paths():
            try:
                record = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            identities.update(record_identities(record))
            for key, value in record_counts(record).items():
                counts.setdefault(key, []).append(value)
            cells += record_cells(f"{path.parent.parent.name}/{path.parent.name}", record)
        return identities, counts, cells

    def group_key(self) -> str:
        """What the protection of this page's publication depends on: the code, the group, the
        municipality (children's pages), every period of the publication, the validated rows
        its pages read, and the ledger of its earlier releases."""
        members = group_of(self.notebook)
        reads = merge_reads(notebook_reads(nb) for nb in members)
        children = members != group_of("adult_prices")
        ledger = hashlib.sha256()
        for path in self.ledger_paths():
            ledger.update(path.read_bytes())
        key = {
            "code": code_digest(),
            "group": members,
            "municipality": self.municipality if children else "alle",
            "periods": self.publication_periods(),
            "rows": data_fingerprint(self.data.digests, reads, self.municipality),
            "ledger": ledger.hexdigest(),
        }
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()

    @cached_property
    def protection(self) -> Protection:
        """The protection of this page's tables within its publication, seen under this run's
        table names (computed once for the publication, cached under :meth:`group_key`)."""
        if self.notebook not in PAGES:
            return protect([])
        keep = self.protections or (lambda _key, compute: compute())
        return keep(self.group_key(), self.protect_publication).view(self.tag)

    def protect_publication(self) -> Protection:
        """Protect every period of the publication as one publication
        (:func:`~helpers.publishing.disclosure.protect_publication`), given what its earlier
        releases published."""
        periods = [[scoped(s, sibling.tag) for s in sibling.group_specs()] for sibling in self._siblings()]
        released, revised, history = self.ledger()
        return protect_publication(periods, released, self.scope, revised, history)

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
        spec = self._specs_of(notebook).get(name)
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
        published = publish(spec, self.output_dir, None if spec.public else self.protection)
        if spec.concepts:
            concepts.record(self.output_dir, published, spec.concepts, self.notebook)
        return published

    def rows(self, table: str) -> pd.DataFrame:
        """The focal municipality's rows of a table."""
        frame = self.data.read(table, MUNICIPALITY_ROWS)
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

    def registration_practice(self) -> Html:
        """KORA's caveat under a comparison per step across municipalities or districts
        (:data:`helpers.data.steps.REGISTRATION_PRACTICE_DA`)."""
        return Html(
            "<div class='admonition note registration-practice'><p class='admonition-title'>Registreringspraksis</p>"
            f"<p>{html.escape(REGISTRATION_PRACTICE_DA)}</p></div>"
        )

    def no_data(self, what: str, page: bool = False) -> Html:
        """Say in Danish what is missing. ``page``: the whole page has nothing to show; the
        runner then leaves out the page's (empty) sections after this message."""
        kind = f"admonition note {NO_DATA_PAGE}" if page else "admonition note"
        return Html(f"<div class='{kind}'><p class='admonition-title'>Ingen data</p><p>{html.escape(what)}</p></div>")

    def footer(self, parameters: dict) -> Html:
        """The run's parameters (the data folder by its name only: a local path says nothing to
        a reader and may name a person's home folder) and the data the page rests on. Raises
        :class:`UndeclaredRead` when a page read a table its notebook does not declare."""
        undeclared = self.data.log.undeclared()
        if undeclared:
            raise UndeclaredRead(
                "; ".join(undeclared) + ". Tilføj tabellen til sidens reads i pages.yml "
                "(eller notebookens metadata reportbook.reads for en notebook uden for bogen)."
            )
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


def record_identities(record: dict) -> dict:
    """The ledger entries of a run's private record: each cell's identity -> its status."""
    out = {}
    for content in record.get("tables", {}).values():
        for _, _, status, block, members, *_ in content["cells"]:
            out[members_key(tuple(block.rsplit(":", 1)), members, keyed=True)] = status
    return out


def record_cells(run: str, record: dict) -> list[Cell]:
    """The cells of an earlier release's private record (members as unit keys), named by
    their run, with the status they were published with."""
    out = []
    seen = set()
    for table, content in record.get("tables", {}).items():
        for row, column, status, block, members, shown, product_of, value, *_ in content["cells"]:
            unit, measure = block.rsplit(":", 1)
            identity = (block, tuple(members), status)
            if identity in seen:  # the same figure twice in one run (a page shows another page's table)
                continue
            seen.add(identity)
            out.append(
                Cell(
                    f"{run}/{table}",
                    int(row),
                    column,
                    unit,
                    np.asarray(members, dtype=object),
                    float(value),
                    measure,
                    shown=bool(shown),
                    product_of=tuple(product_of) if product_of else None,
                    fixed=status,
                )
            )
    return out


def record_counts(record: dict) -> dict:
    """The figures of a run's private record by (table, row label, column) -> (value,
    status) for counts, (value, status, unit keys) for amounts."""
    out = {}
    for table, content in record.get("tables", {}).items():
        for _, column, status, block, members, _, _, value, label, *_ in content["cells"]:
            if block.endswith(":count"):
                out[(table, label, str(column))] = (float(value), status)
            else:
                out[(table, label, str(column))] = (float(value), status, frozenset(members))
    return out
