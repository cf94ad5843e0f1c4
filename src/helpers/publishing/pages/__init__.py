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
    "staircase": "staircase",
    "benchmarking": "benchmarking",
    "budget_followup": "budget",
    "adult_prices": "prices",
    "goal_attainment": "goals",
    "trends": "trends",
    "waiting_outcomes": "waiting_outcomes",
}
#: The notebooks protected together (each page module states its ``GROUP``; a test checks
#: that the two agree, so that finding a group never imports the other pages).
GROUPS = {
    "children": ["staircase", "benchmarking", "budget_followup", "trends", "waiting_outcomes"],
    "adults": ["adult_prices", "goal_attainment"],
}


def page(notebook: str) -> ModuleType:
    """The page module of a notebook template."""
    return importlib.import_module(f"{__name__}.{PAGES[notebook]}")


def group_of(notebook: str) -> list[str]:
    """The notebooks whose tables are protected together with ``notebook``'s."""
    group = page(notebook).GROUP
    return [nb for nb in PAGES if group == page(nb).GROUP]
