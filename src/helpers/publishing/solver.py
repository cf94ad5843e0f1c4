"""The solver behind protection and its audit: HiGHS (``highspy``), silent and on one thread.

Both :mod:`.disclosure` and :mod:`.audit` solve their linear and integer programmes with
it; they share only this factory (the audit's reading of the published files stays its own;
it also looks for whole-number solutions with OR-Tools' CP-SAT).
"""

from __future__ import annotations

import os
import sys


def highs(**options):
    """A HiGHS instance that prints nothing (its banner goes to the C-level stdout on
    creation, which a notebook kernel would show), runs on one thread and has ``options``
    set. An option HiGHS refuses (a misspelt name, a value of the wrong kind) raises
    ``ValueError`` instead of being ignored."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    for name, value in {"output_flag": False, "threads": 1, **options}.items():
        if h.setOptionValue(name, value) != highspy.HighsStatus.kOk:
            raise ValueError(f"HiGHS refused the option {name}={value!r}")
    return h
