"""Loading a data directory: every contract table validated, pseudonymised and typed.

``load(data_dir)`` returns a :class:`Dataset` with one DataFrame per table. A table whose
file is absent is an empty frame with the contract's columns. Rejected rows are listed in
``Dataset.issues`` (file, row, column, rule, message; never a CPR) and counted in
``Dataset.quality``; ``write_rejects`` writes them beside the outputs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import ISSUE_COLUMNS, MEASURE_STEPS, OPEN_END_ENV, TABLES
from .paths import DEFAULT_DATA_DIR, REFERENCE_DIR, SYNTHETIC_MARKER, cache_root, resolve_path
from .privacy import secret_key
from .safecsv import write_csv

#: The digest shown for a table without rows.
EMPTY = "tom"

QUALITY_COLUMNS = ["table", "file", "status", "rows_read", "rows_kept", "rows_rejected"]
#: Statuses on the data-quality page: read, refused (or every row rejected), absent, header only.
LOADED, REFUSED, ABSENT, HEADER_ONLY = "indlæst", "afvist", "mangler", "tom"


@dataclass
class Dataset:
    data_dir: Path
    interventions: pd.DataFrame
    adult_registrations: pd.DataFrame
    case_events: pd.DataFrame
    municipality_figures: pd.DataFrame
    budget_assumptions: pd.DataFrame
    targets: pd.DataFrame
    waiting_list: pd.DataFrame
    child_outcomes: pd.DataFrame
    district_population: pd.DataFrame
    supervisions: pd.DataFrame
    budget_profile: pd.DataFrame
    issues: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    notes: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ISSUE_COLUMNS))
    quality: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=QUALITY_COLUMNS))
    fingerprint: dict[str, str] = field(default_factory=dict)
    digests: dict = field(default_factory=dict)  # per table and municipality (see table_digests)

    def table(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    @property
    def rejected(self) -> int:
        return int(self.quality["rows_rejected"].sum()) if len(self.quality) else 0

    @property
    def refused_files(self) -> list[str]:
        """Files refused as a whole (also those without rows, e.g. an empty file)."""
        q = self.quality
        return list(q.loc[q["status"] == REFUSED, "file"]) if len(q) else []


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in blocks (a 2 GB file is not read into memory)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


#: Default bound of the data-set cache (``$REPORTBOOK_CACHE_MAX_BYTES`` overrides it).
CACHE_MAX_BYTES = 2 * 2**30
CACHE_SUFFIX = ".pkl"


def cache_dir() -> Path:
    return cache_root() / "datasets"


def cache_max_bytes() -> int:
    value = os.environ.get("REPORTBOOK_CACHE_MAX_BYTES", "")
    try:
        return max(0, int(value)) if value.strip() else CACHE_MAX_BYTES
    except ValueError as err:
        raise ValueError(f"REPORTBOOK_CACHE_MAX_BYTES skal være et antal byte, ikke {value!r}") from err


def _private_cache_dir() -> Path:
    """The cache folder (and its ``reportbook`` parent) with mode 0700, made if missing."""
    folder = cache_dir()
    for path in (folder.parent, folder):
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if stat.S_IMODE(path.stat().st_mode) != 0o700:
            path.chmod(0o700)
    return folder


def _cache_entries(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"*{CACHE_SUFFIX}"), key=lambda p: (p.stat().st_mtime_ns, p.name))


def _evict(folder: Path, keep: Path | None, limit: int) -> None:
    """Delete the least recently used entries until the cache holds at most ``limit`` bytes
    (never ``keep``, the entry just written or read); make every entry 0600 on the way."""
    entries = []
    for path in _cache_entries(folder):
        try:
            if stat.S_IMODE(path.stat().st_mode) != 0o600:
                path.chmod(0o600)
            entries.append((path, path.stat().st_size))
        except FileNotFoundError:  # removed by a concurrent process
            continue
    total = sum(size for _, size in entries)
    for path, size in entries:
        if total <= limit:
            break
        if path == keep:
            continue
        path.unlink(missing_ok=True)
        total -= size


def clear_cache() -> tuple[int, int]:
    """Delete every cached data set (and stale temporary files). Returns (files, bytes)."""
    folder = cache_dir()
    if not folder.exists():
        return 0, 0
    n = size = 0
    for path in list(folder.glob(f"*{CACHE_SUFFIX}")) + list(folder.glob("*.tmp")):
        try:
            size += path.stat().st_size
            path.unlink()
            n += 1
        except FileNotFoundError:
            continue
    return n, size


#: Environment settings that change what the loader does: part of the cache key.
LOADER_SETTINGS = (OPEN_END_ENV, "REPORTBOOK_MAX_INPUT_BYTES")


def _cache_key(digests: dict[str, str], key: bytes) -> str:
    """Digest of every input file, the loader's code, the pseudonymisation key and every
    setting that changes what the loader does (:data:`LOADER_SETTINGS`)."""
    h = hashlib.sha256(hashlib.sha256(key).digest())
    for name, digest in sorted(digests.items()):
        h.update(name.encode())
        h.update(digest.encode())
    here = Path(__file__).parent
    for setting in LOADER_SETTINGS:
        h.update(f"{setting}={os.environ.get(setting, '')}\n".encode())
    for module in (
        "contract.py",
        "ingest.py",
        "cells.py",
        "validation.py",
        "privacy.py",
        "steps.py",
        "municipalities.py",
        "dataset.py",
    ):
        h.update((here / module).read_bytes())
    for ref in sorted(REFERENCE_DIR.glob("*.csv")):
        h.update(ref.read_bytes())
    return h.hexdigest()


def load(data_dir: str | Path, key: bytes | None = None, use_cache: bool = True) -> Dataset:
    """Read, validate and pseudonymise every contract table found in ``data_dir``.

    The validated data set is cached (pseudonymised rows only, outside the repository,
    ``$XDG_CACHE_HOME/reportbook/datasets``) under a digest of the input files, the
    loader's code and the key, so that the notebooks of a matrix parse the files once.
    The cache holds birth dates, so its folder is 0700 and its files 0600; it is bounded
    (``$REPORTBOOK_CACHE_MAX_BYTES``, default 2 GiB) by evicting the least recently used
    entries, and ``reportbook cache clear`` empties it."""
    data_dir = resolve_path(data_dir)
    if not data_dir.is_dir():
        raise FileNotFoundError(f"Datamappen {data_dir} findes ikke.")
    key = secret_key() if key is None else key
    digests = {}
    for p in sorted(data_dir.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_file():
            digests[p.name] = file_digest(p)
        else:  # folders and broken links are named in messages: part of the key
            digests[f"{p.name}/"] = "folder" if p.is_dir() else "link"
    cached = cache_dir() / f"{_cache_key(digests, key)}{CACHE_SUFFIX}" if use_cache else None
    if cached is not None and cached.exists():
        try:
            with open(cached, "rb") as fh:
                dataset = pickle.load(fh)
            dataset.data_dir = data_dir
            os.utime(cached)  # most recently used
            return dataset
        except Exception:  # noqa: BLE001 - a broken cache entry is rebuilt
            cached.unlink(missing_ok=True)
    dataset = _load(data_dir, key, digests)
    dataset.digests = table_digests(dataset)  # computed once, kept with the cached data set
    # a file refused as too large for the memory free right now is not a property of the
    # inputs: such a data set is not cached, so the file is tried again next time
    refused_for_memory = "rule" in dataset.issues and (dataset.issues["rule"] == "too_large").any()
    if cached is not None and not refused_for_memory:
        _store(dataset, cached)
    return dataset


def _store(dataset: Dataset, cached: Path) -> None:
    """Write a cache entry (0600, written under a temporary name and renamed), then evict."""
    limit = cache_max_bytes()
    folder = _private_cache_dir()
    tmp = folder / f"{cached.stem}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(dataset, fh, protocol=pickle.HIGHEST_PROTOCOL)
        if tmp.stat().st_size > limit:  # larger than the whole cache may be: not cached
            tmp.unlink()
            return
        os.replace(tmp, cached)
    finally:
        tmp.unlink(missing_ok=True)
    _evict(folder, cached, limit)


def _load(data_dir: Path, key: bytes, digests: dict[str, str]) -> Dataset:
    from .ingest import RawTable, lookalikes, read_raw, table_files  # parsing and validation only on a cache miss
    from .steps import MAPPING_FILE, mapping_from
    from .validation import Validated, empty_table, validate

    frames, issues, notes, quality, fingerprint = {}, [], [], [], {}

    def record(name: str, file: str, result: Validated) -> None:
        issues.append(result.issues)
        notes.append(result.notes)
        if result.refused or (len(result.frame) == 0 and result.rows_read):
            status = REFUSED
        elif result.rows_read == 0:
            status = HEADER_ONLY
        else:
            status = LOADED
        quality.append(
            {
                "table": name,
                "file": file,
                "status": status,
                "rows_read": result.rows_read,
                "rows_kept": len(result.frame),
                "rows_rejected": result.rows_rejected,
            }
        )

    mapping = None  # the shipped one
    own = data_dir / MAPPING_FILE
    if own.is_file():
        fingerprint[own.name] = digests[own.name]
        result = validate(read_raw(own, MEASURE_STEPS), MEASURE_STEPS, key=key)
        frame = result.frame
        mapping = mapping_from(frame["pattern"], frame["step"], frame["placement_type"], frame["paragraph"])
        record(MEASURE_STEPS.name, own.name, result)
    for name, table in TABLES.items():
        paths = table_files(data_dir, name)
        if not paths:
            frames[name] = empty_table(table)
            quality.append(
                {"table": name, "file": "", "status": ABSENT, "rows_read": 0, "rows_kept": 0, "rows_rejected": 0}
            )
            continue
        for path in paths:
            fingerprint[path.name] = digests[path.name]
        if len(paths) > 1:
            names = ", ".join(p.name for p in paths)
            raw = RawTable(paths[0], pd.DataFrame(), pd.Series([], dtype="int64"))
            raw.path = Path(names)
            raw.refused.append(
                {
                    "column": "",
                    "rule": "several_files",
                    "problem": f"tabellen '{name}' findes i flere filer; behold én",
                    "expected": "én fil pr. tabel",
                }
            )
            result = validate(raw, table, data_dir=data_dir, key=key)
            file = names
        else:
            result = validate(read_raw(paths[0], table), table, data_dir=data_dir, key=key, mapping=mapping)
            file = paths[0].name
        frames[name] = result.frame
        record(name, file, result)
    read = {file for row in quality for file in str(row["file"]).split(", ") if file}
    for path, name, why in lookalikes(data_dir, [*TABLES, MEASURE_STEPS.name], read):
        raw = RawTable(path, pd.DataFrame(), pd.Series([], dtype="int64"))
        raw.refused.append({"column": "", "rule": "not_read", "problem": why, "expected": ""})
        table = TABLES.get(name, MEASURE_STEPS)
        record(name, path.name, validate(raw, table, data_dir=data_dir, key=key))

    def combined(parts):
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=ISSUE_COLUMNS)

    return Dataset(
        data_dir=data_dir,
        issues=combined(issues),
        notes=combined(notes),
        quality=pd.DataFrame(quality, columns=QUALITY_COLUMNS),
        fingerprint=fingerprint,
        **frames,
    )


def is_synthetic(data_dir: str | Path) -> bool:
    """True for a data directory written by :func:`helpers.data.synth.generate`."""
    return (Path(data_dir) / SYNTHETIC_MARKER).exists()


def ensure_default_data(data_dir: Path) -> None:
    """Generate the synthetic default data when ``data_dir`` is the (missing) default folder."""
    if not data_dir.exists() and data_dir.resolve() == DEFAULT_DATA_DIR.resolve():
        from .synth import generate

        generate(data_dir)


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row of its values (pandas' keyed hashing: the same everywhere)."""
    return pd.util.hash_pandas_object(frame, index=False, categorize=True).to_numpy(dtype=np.uint64)


def _digest(hashes: np.ndarray, columns) -> str:
    return hashlib.sha256(hashes.tobytes() + ",".join(columns).encode()).hexdigest() if len(hashes) else EMPTY


def _digest_frame(frame: pd.DataFrame) -> str:
    return EMPTY if frame.empty else _digest(_row_hashes(frame), frame.columns)


def table_digests(dataset: Dataset) -> dict[str, dict[str, str]]:
    """Per table: a digest of all validated (pseudonymised) rows (``*``) and of each
    municipality's rows (by code). They never depend on a CPR, so the same digests are
    shown on the page as its data fingerprint and key the run cache. The rows are hashed
    once per table (no text copy of the table)."""
    out = {}
    for name in TABLES:
        frame = dataset.table(name)
        if frame.empty:
            out[name] = {"*": EMPTY}
            continue
        hashes = _row_hashes(frame)
        per = {"*": _digest(hashes, frame.columns)}
        codes = frame["municipality"].to_numpy(dtype="float64", na_value=np.nan)
        for code in np.unique(codes[~np.isnan(codes)]):
            per[str(int(code))] = _digest(hashes[codes == code], frame.columns)
        out[name] = per
    return out


def data_fingerprint(digests: dict, reads: dict[str, str], municipality: int) -> dict[str, str]:
    """The digests of exactly the rows a run reads (table -> digest)."""
    out = {}
    for table, scope in sorted(reads.items()):
        per = digests.get(table, {})
        key = "*" if scope == "all" else str(municipality)
        out[table if scope == "all" else f"{table} ({municipality})"] = per.get(key, EMPTY)
    return out


def write_rejects(dataset: Dataset, target: str | Path) -> Path:
    """Write the rejected rows' reasons, the counts per file and the notes.

    ``target`` is a ``.csv`` file (``.../afviste.csv``: the reasons go there, the counts and
    notes beside it as ``afviste_data_quality.csv`` and ``afviste_notes.csv``) or a folder
    (any other path: ``rejects.csv``, ``data_quality.csv`` and ``notes.csv`` in it). Returns
    the path of the reasons."""
    target = Path(target)
    if target.is_dir() or target.suffix.lower() != ".csv":
        target.mkdir(parents=True, exist_ok=True)
        path, quality, notes = target / "rejects.csv", target / "data_quality.csv", target / "notes.csv"
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        path = target
        quality = target.with_name(f"{target.stem}_data_quality.csv")
        notes = target.with_name(f"{target.stem}_notes.csv")
    write_csv(dataset.issues, path)
    write_csv(dataset.quality, quality)
    write_csv(getattr(dataset, "notes", pd.DataFrame(columns=ISSUE_COLUMNS)), notes)
    return path
