"""Opening a run: what a page notebook calls first.

A notebook calls :func:`open_report` once with its papermill parameters. This is the
pipeline's side of a run: it resolves the parameters, loads and validates the data, writes
the run's records (``run.json`` with the configuration, parameters, data fingerprint and
package version; the rejects file when the run is not part of a matrix, whose runner writes
one for all) and hands the page a :class:`~helpers.publishing.report.Report` that only
builds pages. The protection of a page's publication is computed once and kept in a disk
cache (:func:`protection_of`), under a file lock held here, so that the pages of one
publication that run at the same time wait for the one the scheduler started first
(:func:`helpers.pipeline.runner.order`) instead of protecting the same system twice.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .. import __version__
from ..data import municipalities
from ..data.dataset import data_fingerprint, ensure_default_data, is_synthetic, load, write_rejects
from ..data.locking import file_lock
from ..data.paths import cache_root, resolve_path
from ..publishing import concepts
from ..publishing.disclosure import Protection
from ..publishing.private import RECORD_FILE, record_dir
from ..publishing.report import ReadingDataset, ReadLog, Report, notebook_reads


def open_report(
    municipality, period_start, period_end, data_dir, output_dir, notebook: str = "", run_config: dict | None = None
) -> Report:
    """Resolve the parameters, load and validate the data, record the run's configuration,
    and return the page's report. ``run_config``: what the runner passes (see
    :attr:`Report.run_config`)."""
    run_config = dict(run_config or {})
    code = municipalities.resolve(municipality)
    if code is None:
        raise ValueError(f"Ukendt kommune: {municipality!r} (brug kommunekode eller navn)")
    start, end = pd.Timestamp(period_start).normalize(), pd.Timestamp(period_end).normalize()
    if end <= start:
        raise ValueError(f"Perioden slutter ({end.date()}) før den starter ({start.date()})")
    data_path = resolve_path(data_dir)
    ensure_default_data(data_path)  # a fresh clone: the default data are made on first use
    dataset = load(data_path)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not run_config.get("matrix"):  # in a matrix run the runner writes one rejects file for all runs
        write_rejects(dataset, out)
    (record_dir(out) / RECORD_FILE).unlink(missing_ok=True)  # this run's private record starts afresh
    (out / concepts.CONCEPTS_FILE).unlink(missing_ok=True)  # and so do its concepts
    reads = notebook_reads(notebook) if notebook else {}
    fingerprint = data_fingerprint(dataset.digests, reads, code)
    config = {
        "notebook": notebook,
        "parameters": {
            "municipality": code,
            "period_start": str(start.date()),
            "period_end": str(end.date()),
            "data_dir": str(data_dir),
            "output_dir": out.name,
        },
        "data_fingerprint": fingerprint,
        "input_files": dataset.fingerprint,
        "synthetic": is_synthetic(data_path),
        "rows_rejected": dataset.rejected,
        "reportbook_version": __version__,
    }
    (out / "run.json").write_text(json.dumps(config, indent=2, ensure_ascii=False, sort_keys=True) + "\n")
    return Report(
        code,
        municipalities.name(code),
        municipalities.region(code),
        start,
        end,
        data_path,
        out,
        ReadingDataset(dataset, ReadLog(notebook)),
        notebook,
        fingerprint,
        run_config,
        protections=protection_of,
    )


def protection_cache_dir() -> Path:
    return cache_root() / "protection"


def protection_of(key: str, compute) -> Protection:
    """The protection ``compute()`` returns, cached on disk under ``key``, so that the pages
    of one publication protect it once (the cache, private like the run records, holds
    statuses and the rests the publication declared with their counts and unit keys, the
    short hashes of pseudonyms the private records keep too; never a unit id). Notebooks of
    one publication that run at the same time wait for each other (a file lock, kept beside
    the entry) instead of protecting the same system twice."""
    folder = protection_cache_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{key}.json"
    with file_lock(folder / f"{key}.lock"):
        if path.exists():
            try:
                return Protection.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)
        result = compute()
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(result.to_json(), fh)
        os.replace(tmp, path)
    return result
