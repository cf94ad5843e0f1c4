"""Backtests: the published tables of the default matrix, byte for byte.

The approved digests (``backtests/published_tables.sha256``) were made from a run of the
default matrix with the fixed test key; refresh them deliberately with
``backtests/approve.py`` when a change to a published table is intended.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "backtests"))

from approve import published_files, read_manifest  # noqa: E402


def test_published_tables_of_the_default_matrix_are_unchanged(book_site):
    approved = read_manifest()
    produced = {
        path: digest
        for path, digest in published_files(book_site / "book" / "reports").items()
        if not path.split("/")[1].startswith("101_")  # København is not in the default matrix
    }
    assert sorted(produced) == sorted(approved), "the set of published tables changed"
    changed = sorted(path for path, digest in produced.items() if approved[path] != digest)
    assert not changed, f"{len(changed)} published tables differ from the approved ones, e.g. {changed[:5]}"
