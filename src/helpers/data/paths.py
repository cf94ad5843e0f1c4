"""Where the repository's reference data live, and finding a data directory."""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from .project import project_root

#: The project folder the commands work in (:func:`.project.project_root`): ``REPORTBOOK_HOME``,
#: the nearest project at or above the working folder, or the checkout.
REPO_ROOT = project_root()
#: Shipped reference data: municipalities, measure -> step mapping, published tables.
REFERENCE_DIR = REPO_ROOT / "data"
DEFAULT_DATA_DIR = REFERENCE_DIR / "synthetic"
#: The file that marks a data directory as written by the synthetic-data generator.
SYNTHETIC_MARKER = "SYNTHETIC.json"


@functools.cache
def source_digest() -> str:
    """A digest of the helpers package (every module, in every layer, and the page
    registry) and the reference data it reads: what the outputs depend on besides the input
    data, the parameters and a project's own pages (``pages.project_digest``)."""
    h = hashlib.sha256()
    package = Path(__file__).resolve().parents[1]
    files = [(f, package) for f in sorted([*package.rglob("*.py"), *package.rglob("*.yml")])]
    files += [(f, REFERENCE_DIR) for f in sorted(REFERENCE_DIR.glob("*.csv"))]
    files += [(f, REFERENCE_DIR) for f in sorted((REFERENCE_DIR / "reference").glob("*.csv"))]
    for f, base in files:
        h.update(str(f.relative_to(base)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def cache_root() -> Path:
    """Where reportbook keeps its caches (data sets, protections): ``$XDG_CACHE_HOME/reportbook``,
    by default under ``~/.cache``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportbook"


def resolve_path(path: str | os.PathLike) -> Path:
    """``path`` as given when it exists, else relative to the repository root."""
    candidate = Path(path)
    if candidate.is_absolute() or candidate.exists():
        return candidate
    return REPO_ROOT / candidate
