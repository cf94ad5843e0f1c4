"""Memory of a running ``reportbook run``: its workers and their notebook processes.

Samples ``/proc/<pid>/smaps_rollup`` of every descendant of a process (Linux) a few times a
second. RSS counts every page a process touches; PSS shares the pages it has in common with
other processes (the warm worker's libraries, which its forked notebook processes share
copy-on-write) among them, so the PSS of a worker and its children add up to what they
really take.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path


def _children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def _memory(pid: int) -> tuple[int, int] | None:
    """(RSS, PSS) in bytes."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {}
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] in ("Rss:", "Pss:"):
            values[parts[0]] = int(parts[1]) * 1024
    return values.get("Rss:", 0), values.get("Pss:", 0)


class Sampler:
    """``with Sampler(pid) as s: ...``; then ``s.summary()``. Level 1 = the workers (and
    multiprocessing's helpers), level 2 = their notebook processes or kernels."""

    def __init__(self, pid: int, interval: float = 0.2):
        self.pid, self.interval = pid, interval
        self.peak = {1: [0, 0], 2: [0, 0]}
        self.total_pss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        while not self._stop.is_set():
            total = 0
            level1 = _children(self.pid)
            for level, pids in ((1, level1), (2, {c for p in level1 for c in _children(p)})):
                for pid in pids:
                    found = _memory(pid)
                    if found is None:
                        continue
                    rss, pss = found
                    total += pss
                    self.peak[level][0] = max(self.peak[level][0], rss)
                    self.peak[level][1] = max(self.peak[level][1], pss)
            main = _memory(self.pid)
            self.total_pss = max(self.total_pss, total + (main[1] if main else 0))
            time.sleep(self.interval)

    def summary(self) -> str:
        mib = 2**20
        (w_rss, w_pss), (c_rss, c_pss) = self.peak[1], self.peak[2]
        return (
            f"worker peak RSS {w_rss / mib:.0f} MiB (PSS {w_pss / mib:.0f}); "
            f"notebook process peak RSS {c_rss / mib:.0f} MiB (PSS {c_pss / mib:.0f}); "
            f"whole run peak PSS {self.total_pss / mib:.0f} MiB"
        )
