"""Approve the published tables of a default-matrix run as the new reference.

    REPORTBOOK_SECRET=test-secret-key-for-the-suite .venv/bin/reportbook run --out /tmp/approved
    .venv/bin/python tests/backtests/approve.py /tmp/approved

writes ``published_tables.sha256`` (one line per CSV and Excel file listed in each run's
``published.json``). ``tests/test_backtests.py`` compares a fresh run with it byte for
byte, so any change to a published table is deliberate and shows up in review.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

MANIFEST = Path(__file__).with_name("published_tables.sha256")


def published_files(reports: Path) -> dict[str, str]:
    """``<notebook>/<run>/<file>`` -> SHA-256 of every published table file under ``reports``."""
    out = {}
    for listing in sorted(reports.glob("*/*/published.json")):
        for entry in json.loads(listing.read_text(encoding="utf-8")).values():
            for name in (entry["csv"], entry["xlsx"]):
                path = listing.parent / name
                out[str(path.relative_to(reports))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return dict(sorted(out.items()))


def read_manifest() -> dict[str, str]:
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    return {path: digest for digest, path in (line.split("  ", 1) for line in lines if line.strip())}


if __name__ == "__main__":
    files = published_files(Path(sys.argv[1]))
    MANIFEST.write_text("".join(f"{digest}  {path}\n" for path, digest in files.items()), encoding="utf-8")
    print(f"{len(files)} published files approved in {MANIFEST}")
