"""File locks that work on Linux, macOS and Windows.

The lock is `filelock <https://py-filelock.readthedocs.io/>`_'s ``FileLock``: ``flock`` on
POSIX, ``msvcrt.locking`` on Windows (the alternative, ``fcntl`` directly, does not import on
Windows, where many municipal analysts work). The lock is held by an open file, so it goes
with the process that holds it, also when that process is killed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout


class Locked(Exception):
    """Another process holds the lock (only when not waiting for it)."""


@contextlib.contextmanager
def file_lock(path: str | Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing); with ``wait=False``, raise
    :class:`Locked` at once when another process holds it."""
    lock = FileLock(str(path), timeout=-1 if wait else 0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise Locked(str(path)) from None
    try:
        yield
    finally:
        lock.release()


__all__ = ["Locked", "file_lock"]
