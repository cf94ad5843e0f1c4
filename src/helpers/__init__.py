"""helpers: all computation of the report book (notebooks narrate, helpers computes).

The package is layered by the way data flows through it; a layer imports only the layers
below it (checked by import-linter, see ``pyproject.toml``):

* :mod:`helpers.pipeline`: the command line, the notebook runner and its cache;
* :mod:`helpers.publishing`: small-cell protection, tables, figures, report pages, the book;
* :mod:`helpers.analyses`: one module per analysis (staircase, key figures, budget, ...);
* :mod:`helpers.data`: the data contract, ingest, validation, privacy, reference data.

``import helpers`` is light: the analysis modules and :func:`load` are imported on first
use, so ``helpers.staircase.transitions(...)`` works after a plain ``import helpers``.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Short names for the modules a notebook or an analyst reaches for most.
_LAZY_MODULES = {
    "adults": "helpers.analyses.adults",
    "benchmarking": "helpers.analyses.benchmarking",
    "budget": "helpers.analyses.budget",
    "goals": "helpers.analyses.goals",
    "key_figures": "helpers.analyses.key_figures",
    "prices": "helpers.analyses.prices",
    "staircase": "helpers.analyses.staircase",
}
_LAZY_NAMES = {
    "Dataset": "helpers.data.dataset",
    "load": "helpers.data.dataset",
    "write_rejects": "helpers.data.dataset",
}

__all__ = [*_LAZY_MODULES, *_LAZY_NAMES, "__version__"]


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        module = importlib.import_module(_LAZY_MODULES[name])
    elif name in _LAZY_NAMES:
        module = getattr(importlib.import_module(_LAZY_NAMES[name]), name)
    else:
        raise AttributeError(f"module 'helpers' has no attribute {name!r}")
    globals()[name] = module
    return module


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
