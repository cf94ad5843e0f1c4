"""Where the repository's reference data live, and finding a data directory."""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the checkout (the package is installed in editable mode from ``src/``).
REPO_ROOT = Path(os.environ.get("REPORTBOOK_HOME", Path(__file__).resolve().parents[3]))
#: Shipped reference data: municipalities, measure -> step mapping, published tables.
REFERENCE_DIR = REPO_ROOT / "data"
DEFAULT_DATA_DIR = REFERENCE_DIR / "synthetic"
#: The file that marks a data directory as written by the synthetic-data generator.
SYNTHETIC_MARKER = "SYNTHETIC.json"


def resolve_path(path: str | os.PathLike) -> Path:
    """``path`` as given when it exists, else relative to the repository root."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return REPO_ROOT / candidate
