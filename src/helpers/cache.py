"""Data-aware caching of notebook runs.

A run is skipped when nothing it depends on has changed: the notebook's source, its
parameters, the installed ``helpers`` code and reference data, and the input rows it
reads. Each notebook declares what it reads in its metadata (``reportbook.reads``:
table -> ``municipality`` for the focal municipality's rows only, or ``all``), so a change
to one municipality's data re-runs only the runs that read that municipality's rows.
(jupyter-cache looks at code cells only and would miss data changes.)

Digests are of the validated, pseudonymised rows, so they never depend on a CPR and the
same digests can be shown on the page as its data fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

from .dataset import Dataset
from .paths import REFERENCE_DIR, REPO_ROOT

KEY_FILE = ".cache_key"
EMPTY = "tom"


def _digest_frame(frame: pd.DataFrame) -> str:
    if frame.empty:
        return EMPTY
    hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy(dtype=np.uint64)
    return hashlib.sha256(hashed.tobytes() + ",".join(frame.columns).encode()).hexdigest()


def table_digests(dataset: Dataset) -> dict[str, dict[str, str]]:
    """Per table: a digest of all rows (``*``) and of each municipality's rows (by code)."""
    out = {}
    from .contract import TABLES

    for name in TABLES:
        frame = dataset.table(name)
        per = {"*": _digest_frame(frame)}
        if len(frame):
            for code, rows in frame.groupby("municipality", sort=True):
                per[str(int(code))] = _digest_frame(rows)
        out[name] = per
    return out


def notebook_reads(notebook: str | Path) -> dict[str, str]:
    path = Path(notebook) if str(notebook).endswith(".ipynb") else REPO_ROOT / "notebooks" / f"{notebook}.ipynb"
    return nbformat.read(path, as_version=4).metadata.get("reportbook", {}).get("reads", {})


def data_fingerprint(digests: dict, reads: dict[str, str], municipality: int) -> dict[str, str]:
    """The digests of exactly the rows a run reads (table -> digest)."""
    out = {}
    for table, scope in sorted(reads.items()):
        per = digests.get(table, {})
        out[table if scope == "all" else f"{table} ({municipality})"] = per.get("*" if scope == "all" else str(municipality), EMPTY)
    return out


def code_digest() -> str:
    """The helpers package and the reference data it reads."""
    h = hashlib.sha256()
    files = sorted((REPO_ROOT / "src" / "helpers").glob("*.py")) + sorted(REFERENCE_DIR.glob("*.csv")) \
        + sorted((REFERENCE_DIR / "reference").glob("*.csv"))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


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
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / KEY_FILE).write_text(key + "\n")
