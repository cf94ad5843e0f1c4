"""One module per report page: the tables it publishes (as
:class:`~helpers.publishing.disclosure.TableSpec`, with the units behind every count), and
its key messages built from the protected tables.

Pages whose tables count the same units are protected together: the children's pages of
one municipality and period (``GROUP = "children"``), and the adult pages of one period
(``GROUP = "adults"``; their tables cover every municipality).
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: notebook template -> page module
PAGES = {
    "overview": "overview",
    "staircase": "staircase",
    "benchmarking": "benchmarking",
    "budget_followup": "budget",
    "offers": "offers",
    "adult_prices": "prices",
    "goal_attainment": "goals",
    "trends": "trends",
    "waiting_outcomes": "waiting_outcomes",
}
#: The notebooks protected together (each page module states its ``GROUP``; a test checks
#: that the two agree, so that finding a group never imports the other pages).
GROUPS = {
    "children": ["overview", "staircase", "benchmarking", "budget_followup", "waiting_outcomes", "offers", "trends"],
    "adults": ["adult_prices", "goal_attainment"],
}

#: Pages that link to the other pages of their matrix run: the runner names the matrix's
#: notebooks in ``$REPORTBOOK_NOTEBOOKS`` and re-runs them when that list changes.
LINKING_PAGES = ("overview",)
NOTEBOOKS_ENV = "REPORTBOOK_NOTEBOOKS"


def page(notebook: str) -> ModuleType:
    """The page module of a notebook template."""
    return importlib.import_module(f"{__name__}.{PAGES[notebook]}")


#: The runner names each publication's periods here (JSON: scope -> [[start, end], ...]).
PUBLICATION_ENV = "REPORTBOOK_PUBLICATION"


def scope_of(notebook: str, municipality: int) -> str:
    """The publication a page belongs to, protected as one linked system over all its
    periods and releases: a municipality's children's pages, or the adult pages (whose
    tables cover every municipality)."""
    return "voksne" if page(notebook).GROUP == "adults" else f"kommune-{int(municipality)}"


def group_of(notebook: str) -> list[str]:
    """The notebooks whose tables are protected together with ``notebook``'s."""
    group = page(notebook).GROUP
    return [nb for nb in PAGES if group == page(nb).GROUP]
