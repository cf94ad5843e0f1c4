"""Data-aware caching of notebook runs.

A run is skipped when nothing it depends on has changed: the notebook's source, its
parameters, the installed ``helpers`` code and reference data, and the input rows it
reads. Each page declares what it reads in the page registry (``pages.yml``, see
:func:`helpers.publishing.report.notebook_reads`), so a change to one municipality's data
re-runs only the runs that read that municipality's rows. (jupyter-cache looks at code
cells only and would miss data changes.) The row digests are
:func:`helpers.data.dataset.table_digests`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

KEY_FILE = ".cache_key"


def code_digest() -> str:
    """The helpers package, the reference data it reads and a project's own pages and their
    modules (:func:`helpers.publishing.pages.code_digest`)."""
    from ..publishing.pages import code_digest as book_code

    return book_code()


def run_key(notebook_path: Path, parameters: dict, fingerprint: dict, code: str, extra: bytes = b"") -> str:
    h = hashlib.sha256()
    h.update(Path(notebook_path).read_bytes())
    h.update(json.dumps(parameters, sort_keys=True).encode())
    h.update(json.dumps(fingerprint, sort_keys=True).encode())
    h.update(code.encode())
    h.update(extra)
    return h.hexdigest()


def is_current(notebook_out: Path, output_dir: Path, key: str) -> bool:
    marker = output_dir / KEY_FILE
    return notebook_out.exists() and marker.exists() and marker.read_text().strip() == key


def mark(output_dir: Path, key: str) -> None:
    """Record a complete run's key (written under a temporary name and renamed)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    tmp = output_dir / f"{KEY_FILE}.tmp"
    tmp.write_text(key + "\n")
    tmp.replace(output_dir / KEY_FILE)
