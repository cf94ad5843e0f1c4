"""Where the records behind the published tables are kept: outside the published tree.

Each run records, for the audit and for later releases, every cell of the tables it
published: its status (published, or withheld as primary or secondary), its block, the
keys of the units it counts (short hashes of pseudonyms and row keys) and its value. That
record tells which withheld cells are small, so it never travels with the tables: it lives
in a private sibling of the reports folder (``book/.reports-private`` for ``book/reports``),
created readable by its owner only, and neither the site, the downloads nor the run folders
hold anything from it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

#: The record of one run, in ``<private root>/<notebook>/<run>/``.
RECORD_FILE = "disclosure.json"
#: Where the runner stages a run before it moves it into place (``<out>/.staging``).
STAGING = ".staging"


def private_root(out: str | Path) -> Path:
    """The private sibling of the reports folder ``out``."""
    out = Path(out).resolve()
    return out.parent / f".{out.name}-private"


def record_dir(output_dir: str | Path) -> Path:
    """The private folder of the run that publishes into ``output_dir``: ``<notebook>/<run>``
    (the run folder's last two parts, also while the run is staged) under the private root
    of its reports folder (see :func:`private_root_of`)."""
    output_dir = Path(output_dir)
    return private_root_of(output_dir) / output_dir.parent.name / output_dir.name


def private_root_of(output_dir: str | Path) -> Path:
    """The private root of the reports folder a run folder ``<out>/<notebook>/<run>`` (or
    ``<out>/.staging/<notebook>/<run>``) is in: the private sibling of ``<out>``, so that a
    notebook executed again on its own (nbval, papermill) finds the same records. (A run on
    a Dask worker uses a reports folder in its scratch folder, whose private sibling is
    returned with the reports.)"""
    out = Path(output_dir).resolve().parent.parent
    return private_root(out.parent if out.name == STAGING else out)


#: Beside each run's record: what the runner published together with it (periods, runs).
PUBLICATION_FILE = "publication.json"


def make_private(folder: Path) -> Path:
    """Create ``folder`` (and its parents) readable by its owner only, up to and including
    the private root (the folder whose name ends in ``-private``)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    level = folder
    for _ in range(4):
        os.chmod(level, 0o700)
        if level.name.endswith("-private") or level.parent == level:
            break
        level = level.parent
    return folder


def write_private(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically, mode 0600."""
    make_private(path.parent)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True) + "\n")
    os.replace(tmp, path)


def read_records(root: Path) -> list[tuple[str, str, dict]]:
    """Every run's record under ``root``: (notebook, run, record), in a fixed order."""
    out = []
    for path in sorted(Path(root).glob(f"*/*/{RECORD_FILE}")):
        try:
            out.append((path.parent.parent.name, path.parent.name, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return out
