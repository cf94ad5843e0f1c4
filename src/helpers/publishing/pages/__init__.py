"""One module per report page: the tables it publishes (as
:class:`~helpers.publishing.disclosure.TableSpec`, with the units behind every count), and
its key messages built from the protected tables.

Every page is one entry of the registry ``pages.yml`` (notebook, module, title, group,
reads). Pages whose tables count the same units are protected together: the children's
pages of one municipality and period (group ``children``), and the adult pages of one
period (group ``adults``; their tables cover every municipality).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import yaml

from ...data.paths import REPO_ROOT, source_digest

#: The book's pages (see the file's header); a project may add its own in ``<project>/pages.yml``.
REGISTRY_FILE = Path(__file__).with_name("pages.yml")
PROJECT_REGISTRY = REPO_ROOT / "pages.yml"
GROUP_NAMES = ("children", "adults")
READ_SCOPES = ("municipality", "all")


@dataclass(frozen=True)
class Page:
    """One registry entry: everything the book needs to know about a page."""

    notebook: str
    module: str
    title: str
    group: str
    reads: dict = field(default_factory=dict)
    links: bool = False
    question: str = ""

    @property
    def import_path(self) -> str:
        return self.module if "." in self.module else f"{__name__}.{self.module}"


def load_registry(*files: Path) -> dict[str, Page]:
    """notebook -> :class:`Page`, in the order of ``files`` and of their entries. Raises
    ``ValueError`` naming the file and entry when an entry is incomplete or unknown."""
    pages: dict[str, Page] = {}
    for path in files:
        if not path.is_file():
            continue
        for i, entry in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or [], start=1):
            try:
                entry = Page(**entry)
            except TypeError as err:
                raise ValueError(f"{path}, side {i}: {err}") from None
            if entry.group not in GROUP_NAMES or not set(entry.reads.values()) <= set(READ_SCOPES):
                raise ValueError(
                    f"{path}, side {i} ({entry.notebook}): group er en af {GROUP_NAMES}, reads en af {READ_SCOPES}"
                )
            pages[entry.notebook] = entry
    return pages


REGISTRY = load_registry(REGISTRY_FILE, PROJECT_REGISTRY)
#: notebook template -> page module (import path)
PAGES = {nb: p.import_path for nb, p in REGISTRY.items()}
#: The notebooks protected together, per group.
GROUPS = {g: [nb for nb, p in REGISTRY.items() if p.group == g] for g in GROUP_NAMES}
#: The page titles, in the sidebar's order.
TITLES = {nb: p.title for nb, p in REGISTRY.items()}

#: Pages that link to the other pages of their matrix run: the runner names the matrix's
#: notebooks in the run configuration and re-runs them when that list changes.
LINKING_PAGES = tuple(nb for nb, p in REGISTRY.items() if p.links)


def project_digest() -> str:
    """A digest of what a project adds to the book: its ``pages.yml`` and the source of every
    page module outside the helpers package (part of every run's and protection's key, as
    the package's own code is)."""
    h = hashlib.sha256()
    if PROJECT_REGISTRY.is_file():
        h.update(PROJECT_REGISTRY.read_bytes())
    for entry in REGISTRY.values():
        if entry.import_path.startswith("helpers."):
            continue
        spec = importlib.util.find_spec(entry.import_path)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        h.update(entry.import_path.encode())
        h.update(origin.read_bytes() if origin is not None and origin.is_file() else b"(missing)")
    return h.hexdigest()


def code_digest() -> str:
    """What every run and every protection depends on besides data and parameters: the
    helpers package and its reference data (:func:`helpers.data.paths.source_digest`) and
    what a project adds (:func:`project_digest`)."""
    return hashlib.sha256((source_digest() + project_digest()).encode()).hexdigest()


def page(notebook: str) -> ModuleType:
    """The page module of a notebook template."""
    return importlib.import_module(PAGES[notebook])


def scope_of(notebook: str, municipality: int) -> str:
    """The publication a page belongs to, protected as one linked system over all its
    periods and releases: a municipality's children's pages, or the adult pages (whose
    tables cover every municipality)."""
    return "voksne" if REGISTRY[notebook].group == "adults" else f"kommune-{int(municipality)}"


def group_of(notebook: str) -> list[str]:
    """The notebooks whose tables are protected together with ``notebook``'s."""
    return GROUPS[REGISTRY[notebook].group]
