"""Executing the matrix of notebooks x municipalities x periods with papermill.

Each run is ``notebooks/<notebook>.ipynb`` executed with the parameters
``municipality``, ``period_start``, ``period_end``, ``data_dir`` and ``output_dir``. Its
executed notebook is ``<out>/<notebook>/<code>_<start>_<end>.ipynb`` and its published
tables go to the folder of the same name beside it. Defaults come from ``runs.yml``.

Runs never corrupt ``--out`` and never go stale:

* one run at a time per ``--out``: a file lock (:mod:`helpers.data.locking`) on
  ``<out>/.reportbook.lock``, released by the kernel when the process dies, refuses a second run with a Danish message;
* a run executes into ``<out>/.staging``; when it is complete the main process moves its
  tables folder and then its notebook into place and writes its cache key last (the old
  key is removed first), so a report without its key is incomplete and runs again;
* Ctrl-C or SIGTERM stops the workers (which kill their kernels and remove their staged
  files) and prints one line; workers also stop when the main process disappears
  (SIGKILL), and the next run removes what was staged and re-runs what is incomplete;
* a run that fails leaves no report (the previous one no longer matches the inputs); its
  executed notebook is kept for inspection in ``<out>/.failed``.

Engines: ``fork`` (the default, :mod:`.engine`) executes each notebook in a child forked
from a warm worker that has the libraries imported; ``kernel`` starts a Jupyter kernel
per notebook (papermill's own engine). A stop kills the worker's notebook child or kernel
either way, and a child killed half-way is a failed run whose staged files are removed.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import platform
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import yaml

from ..data import municipalities
from ..data.locking import Locked, file_lock
from ..data.paths import REPO_ROOT, resolve_path
from ..publishing.book import NOTEBOOK_TITLES, record_matrix
from ..publishing.formats import period_da
from ..publishing.pages import LINKING_PAGES
from ..publishing.private import STAGING, make_private, private_root
from ..publishing.report import FOOTER, NO_DATA_PAGE, NOTEBOOK_DIR, merge_reads, notebook_reads
from .cache import KEY_FILE

CONFIG_FILE = REPO_ROOT / "runs.yml"
#: ``fork``: the warm fork-server engine (:mod:`.engine`); ``kernel``: a Jupyter kernel per run.
ENGINES = ("fork", "kernel")


def fork_available() -> bool:
    """The fork engine forks a warm worker for each notebook: Linux only (macOS's fork is
    unsafe once libraries have started threads, and Windows has no fork)."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


#: ``fork`` where it works, else ``kernel`` (said once by :func:`run_matrix` when asked for).
DEFAULT_ENGINE = "fork" if fork_available() else "kernel"
LOCK_FILE = ".reportbook.lock"
FAILED = ".failed"
#: In a Dask task's scratch folder: the reports folder (its private sibling, where the
#: run's record goes, lies beside it in the scratch folder and is returned apart).
REMOTE_REPORTS = "reports"


class RunLocked(RuntimeError):
    """Another run writes to the same output folder."""


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: the run was stopped (a BaseException, like KeyboardInterrupt)."""

    def __init__(self, signum: int, finished: int = 0, total: int = 0):
        super().__init__(signum)
        self.signum, self.finished, self.total = signum, finished, total


@contextlib.contextmanager
def run_lock(out: Path):
    """Hold the output folder for one run (or build); ``RunLocked`` when another holds it."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        with file_lock(out / LOCK_FILE, wait=False):
            yield
    except Locked:
        raise RunLocked(
            f"En anden kørsel skriver allerede til {out}; vent til den er færdig, eller brug en anden --out."
        ) from None


@contextlib.contextmanager
def stop_on_signals():
    """Turn SIGINT and SIGTERM into :class:`Interrupted` in this (the main) process."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # one stop is enough
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@dataclass(frozen=True, order=True)
class Run:
    notebook: str
    municipality: int
    period_start: str
    period_end: str

    @property
    def run_id(self) -> str:
        return f"{self.municipality}_{self.period_start}_{self.period_end}"

    def notebook_path(self, out: Path) -> Path:
        return out / self.notebook / f"{self.run_id}.ipynb"

    def output_dir(self, out: Path) -> Path:
        return out / self.notebook / self.run_id

    def __str__(self) -> str:
        return f"{self.notebook} · {self.municipality} · {self.period_start}:{self.period_end}"


def check_settings(config: dict, where: str = "runs.yml") -> dict:
    """The analysis settings a matrix config (``runs.yml``) may set, checked, with their
    defaults: each is passed to every run (``run_config["settings"]``) and is part of its
    cache key. A ValueError names the file and the setting."""
    from ..analyses.key_figures import TOP_SHARE, check_top_share

    settings = {"expensive_cases_share": TOP_SHARE}
    if "expensive_cases_share" in config:
        try:
            settings["expensive_cases_share"] = check_top_share(config["expensive_cases_share"])
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
    return settings


def load_config(path: str | Path | None = None) -> dict:
    """The matrix config; its ``data`` and ``out`` paths are relative to the config file,
    and ``settings`` holds its checked analysis settings (:func:`check_settings`)."""
    path = Path(path or CONFIG_FILE)
    with open(path, encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    for key in ("data", "out"):
        config[key] = (path.resolve().parent / config[key]) if key in config else None
    config["settings"] = check_settings(config, path.name)
    return config


def parse_period(text: str) -> tuple[str, str]:
    """``2016-02-01:2016-08-01`` -> ISO start and end."""
    import pandas as pd

    try:
        start, end = str(text).split(":")
        start, end = pd.Timestamp(start).date().isoformat(), pd.Timestamp(end).date().isoformat()
    except (ValueError, TypeError) as err:
        raise ValueError(f"Perioden {text!r} skal skrives START:SLUT, fx 2016-02-01:2016-08-01") from err
    if end <= start:
        raise ValueError(f"Perioden {text!r} slutter før den starter")
    return start, end


def available_notebooks() -> list[str]:
    return sorted(p.stem for p in NOTEBOOK_DIR.glob("*.ipynb"))


#: ``--municipality alle`` (or ``all``): every municipality in ``data/municipalities.csv``.
ALL_MUNICIPALITIES = ("alle", "all")


def build_matrix(notebooks, municipality_values, periods) -> list[Run]:
    known = available_notebooks()
    runs = set()
    values = []
    for m in municipality_values:
        if str(m).strip().lower() in ALL_MUNICIPALITIES:
            values += [int(code) for code in municipalities.municipalities()["code"]]
        else:
            values.append(m)
    for nb in notebooks:
        if nb not in known:
            raise ValueError(f"Ukendt notebook {nb!r}; findes: {', '.join(known)}")
        _check_passes_run_config(nb)
        for m in values:
            code = municipalities.resolve(m)
            if code is None:
                raise ValueError(f"Ukendt kommune: {m!r}")
            for p in periods:
                runs.add(Run(nb, code, *parse_period(p)))
    return sorted(runs)


def _check_passes_run_config(notebook: str) -> None:
    """A page's notebook must hand the runner's ``run_config`` to ``open_report``: without
    it the page would be protected alone, not with its publication's other periods."""
    from ..publishing.pages import PAGES

    if notebook not in PAGES:
        return
    path = NOTEBOOK_DIR / f"{notebook}.ipynb"
    code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    if "run_config=run_config" not in code.replace(" ", ""):
        raise ValueError(
            f"notebooks/{notebook}.ipynb sender ikke run_config videre: tilføj run_config = {{}} i parametercellen og "
            "run_config=run_config i kaldet af open_report (se CONTRIBUTING.md)"
        )


WARM_UP = (
    "import helpers.publishing.report, helpers.publishing.figures, helpers.analyses.staircase, "
    "helpers.analyses.prices, helpers.analyses.goals, helpers.analyses.key_figures"
)
_warm: dict = {}


def _start_kernel(warm_up: bool = True):
    """A fresh kernel (the runner owns it, so that a stop can kill it), with the heavy
    imports done when ``warm_up`` (no user state: imports only)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(REPO_ROOT))
    if not warm_up:
        return km
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        kc.execute_interactive(WARM_UP, store_history=False, timeout=300)
    finally:
        kc.stop_channels()
    return km


def _take_warm_kernel():
    """This worker's warm kernel (started now if none), and start warming the next one."""
    import threading

    pending = _warm.pop("next", None)
    if pending is not None:
        pending["thread"].join()
    km = pending["km"] if pending and pending.get("km") is not None else _start_kernel()
    box: dict = {}

    def warm():
        try:
            box["km"] = _start_kernel()
        except Exception:  # noqa: BLE001 - a failed warm-up just means a cold start next time
            box["km"] = None

    box["thread"] = threading.Thread(target=warm, daemon=True)
    box["thread"].start()
    _warm["next"] = box
    return km


def _stop_warm_kernels():
    pending = _warm.pop("next", None)
    if pending is not None:
        pending["thread"].join()
        if pending.get("km") is not None:
            pending["km"].shutdown_kernel(now=True)


_current: dict = {}  # the kernel and staged paths of the run this process executes


def _kill_kernel(km) -> None:
    """Kill a kernel's process group at once (also from a signal handler)."""
    provisioner = getattr(km, "provisioner", None)
    pid = getattr(provisioner, "pgid", None) or getattr(provisioner, "pid", None)
    if pid:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        km.cleanup_connection_file()


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _stop_worker(signum=signal.SIGTERM, frame=None) -> None:
    """A worker's SIGTERM (or its parent vanished): kill its kernels or notebook children,
    remove what it staged, exit."""
    from . import engine

    engine.kill_children()
    for km in [_current.get("km"), (_warm.get("next") or {}).get("km")]:
        if km is not None:
            _kill_kernel(km)
    for path in _current.get("paths", ()):
        _remove(path)
    os._exit(128 + int(signum))


def _watch_parent(parent: int) -> None:
    """Stop when the main process is gone (SIGKILL)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:  # the main process is gone (SIGKILL): stop, do not keep writing
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
            _stop_worker()


def _worker_init(engine: str = DEFAULT_ENGINE, notebooks: tuple = ()) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, _stop_worker)
    parent = os.getppid()
    if engine == "fork":  # the warm state every notebook child of this worker starts from
        _warm_up(notebooks)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _warm_up(notebooks) -> None:
    from . import engine

    engine.warm_up_notebooks([NOTEBOOK_DIR / f"{nb}.ipynb" for nb in notebooks])


def _own_publication(run: Run, publication: dict) -> dict:
    """The part of the matrix's publication map a run reads: its own scope's."""
    from ..publishing.pages import PAGES, scope_of

    if run.notebook not in PAGES:
        return {}
    scope = scope_of(run.notebook, run.municipality)
    return {scope: publication[scope]} if scope in publication else {}


def execute(
    run: Run,
    data_dir: Path,
    out: Path,
    warm: bool = False,
    engine: str = DEFAULT_ENGINE,
    publication: dict | None = None,
    notebooks: tuple = (),
    settings: dict | None = None,
) -> tuple[Run, str | None]:
    """Execute one run with papermill into ``out/.staging`` (:func:`publish` moves it into
    place; the run's private record goes to the private sibling of ``out``). ``publication``:
    the periods published together, per scope (see :func:`publication_periods`; the run is
    given its own scope's); ``notebooks``: the pages of the whole matrix (what the brief
    links to); ``settings``: the matrix's analysis settings (:func:`check_settings`). Returns
    (run, None) or (run, error text)."""
    import papermill as pm

    from . import engine as fork_engine

    stage = out / STAGING
    target, tables = run.notebook_path(stage), run.output_dir(stage)
    for path in (target, tables):
        _remove(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    params = {
        "municipality": run.municipality,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "data_dir": str(data_dir),
        "output_dir": str(tables),
        # how this run belongs to the matrix (recorded with the parameters, see Report.run_config)
        "run_config": {
            "matrix": True,
            "notebooks": sorted(notebooks),
            "publication": _own_publication(run, publication or {}),
            "settings": dict(settings or check_settings({})),
        },
    }
    _current["paths"] = (target, tables)
    km = None
    try:
        if engine == "fork":
            executed = pm.execute_notebook(
                str(NOTEBOOK_DIR / f"{run.notebook}.ipynb"),
                str(target),
                parameters=params,
                engine_name=fork_engine.ENGINE_NAME,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(REPO_ROOT),
                log_output=False,
                save_cells=False,  # written (staged) when it starts and when it ends
            )
        else:
            km = _take_warm_kernel() if warm else _start_kernel(warm_up=False)
            _current["km"] = km
            executed = pm.execute_notebook(
                str(NOTEBOOK_DIR / f"{run.notebook}.ipynb"),
                str(target),
                parameters=params,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(REPO_ROOT),
                log_output=False,
                km=km,
            )
    except Exception as err:  # papermill raises PapermillExecutionError with the cell's error
        name = getattr(err, "ename", type(err).__name__)
        value = getattr(err, "evalue", str(err).splitlines()[0] if str(err) else "")
        return run, f"{name}: {value}"
    finally:
        _current.pop("km", None)
        if km is not None:
            km.shutdown_kernel(now=True)
    finish_notebook(target, run, final_output_dir=run.output_dir(out), nb=executed)
    _current.pop("paths", None)
    return run, None


def execute_remote(
    run: Run,
    data_dir: str,
    warm: bool = False,
    engine: str = DEFAULT_ENGINE,
    notebooks: tuple = (),
    publication: dict | None = None,
    settings: dict | None = None,
) -> tuple[Run, str | None, dict[str, bytes]]:
    """A Dask task: execute one run in a scratch folder on the worker and return its files.
    With the fork engine the Dask worker process is the warm fork server (warmed by its
    first task for every notebook of the matrix)."""
    import tempfile

    if engine == "fork":
        _warm_up(notebooks)
    with tempfile.TemporaryDirectory(prefix="reportbook-") as scratch:
        scratch = Path(scratch)
        run_, error = execute(
            run, Path(data_dir), scratch / REMOTE_REPORTS, warm, engine, publication, notebooks, settings
        )
        files = (
            {} if error else {str(p.relative_to(scratch)): p.read_bytes() for p in scratch.rglob("*") if p.is_file()}
        )
    return run_, error, files


def _shows(cell, marker: str) -> bool:
    return any(marker in str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))


def without_empty_sections(cells: list) -> list:
    """A page that says it has no data (``Report.no_data(..., page=True)``) says so once:
    the cells after that message are left out, except the footer with the run's parameters."""
    for i, cell in enumerate(cells):
        if cell.cell_type == "code" and _shows(cell, NO_DATA_PAGE):
            return cells[: i + 1] + [c for c in cells[i + 1 :] if c.cell_type == "code" and _shows(c, FOOTER)]
    return cells


def finish_notebook(path: Path, run: Run, final_output_dir: Path | None = None, nb=None) -> None:
    """Prepare an executed notebook for the book: hide the parameter cells, title the page,
    and record the tables' final folder as its ``output_dir`` (it ran in the staging area).
    ``nb``: the executed notebook as papermill returned it (read from ``path`` if None)."""
    nb = nbformat.read(path, as_version=4) if nb is None else nb
    nb.cells = without_empty_sections(nb.cells)
    staged = str(nb.metadata.get("papermill", {}).get("parameters", {}).get("output_dir", ""))
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
        if final_output_dir is not None and staged and "injected-parameters" in tags:
            cell.source = cell.source.replace(repr(staged), repr(str(final_output_dir))).replace(
                f'"{staged}"', f'"{final_output_dir}"'
            )
    if final_output_dir is not None and staged:
        nb.metadata["papermill"]["parameters"]["output_dir"] = str(final_output_dir)
    name = municipalities.name(run.municipality)
    period = period_da(run.period_start, run.period_end)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            # the book's title of the notebook (distinct for every notebook), else the template's
            title = NOTEBOOK_TITLES.get(run.notebook) or cell.source.splitlines()[0][2:].split(":")[0]
            rest = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
            cell.source = f"# {title}: {name} ({run.municipality}), {period}\n{rest}".rstrip()
            break
    nb.metadata["reportbook"] = {
        **asdict(run),
        "municipality_name": name,
        "region": municipalities.region(run.municipality),
    }
    nbformat.write(nb, path)


def publish(run: Run, out: Path, key: str) -> None:
    """Move a complete run from the staging area into place: the old cache key goes first,
    then the tables folder, then the notebook; the new key is written last."""
    from . import cache

    stage = out / STAGING
    tables, notebook = run.output_dir(out), run.notebook_path(out)
    (tables / cache.KEY_FILE).unlink(missing_ok=True)
    staged_tables = run.output_dir(stage)
    staged_tables.mkdir(parents=True, exist_ok=True)
    tables.parent.mkdir(parents=True, exist_ok=True)
    if tables.exists():
        old = stage / run.notebook / f"{run.run_id}.old"
        _remove(old)
        os.replace(tables, old)
        os.replace(staged_tables, tables)
        _remove(old)
    else:
        os.replace(staged_tables, tables)
    os.replace(run.notebook_path(stage), notebook)
    cache.mark(tables, key)
    run.notebook_path(out / FAILED).unlink(missing_ok=True)  # an earlier failure of this run is over


def discard(run: Run, out: Path) -> Path | None:
    """A failed run: its staged files go, and so does its previous report (it no longer
    matches the inputs); the executed notebook is kept in ``.failed`` for inspection."""
    from . import cache

    stage = out / STAGING
    (run.output_dir(out) / cache.KEY_FILE).unlink(missing_ok=True)
    kept = None
    staged = run.notebook_path(stage)
    if staged.exists():
        kept = run.notebook_path(out / FAILED)
        kept.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, kept)
    private = private_root(out) / run.notebook / run.run_id
    for path in (run.output_dir(stage), run.output_dir(out), run.notebook_path(out), private):
        _remove(path)
    return kept


def incomplete_runs(out: Path) -> list[str]:
    """Reports under ``out`` that are not complete (``<notebook>/<run id>``): staged files
    left by a stopped run, a notebook or a tables folder without its cache key."""
    from . import cache

    out = Path(out)
    found = set()
    stage = out / STAGING
    if stage.is_dir():
        for path in stage.glob("*/*"):
            name = path.name.removesuffix(".ipynb").removesuffix(".old")
            found.add(f"{path.parent.name}/{name}")
    for notebook in out.glob("*/*.ipynb"):
        if not notebook.parent.name.startswith(".") and not (notebook.with_suffix("") / cache.KEY_FILE).exists():
            found.add(f"{notebook.parent.name}/{notebook.stem}")
    for folder in out.glob("*/*/"):
        if folder.parent.name.startswith(".") or not folder.is_dir():
            continue
        if not (folder.parent / f"{folder.name}.ipynb").exists() or not (folder / cache.KEY_FILE).exists():
            found.add(f"{folder.parent.name}/{folder.name}")
    return sorted(found)


@dataclass
class Plan:
    todo: list
    cached: list
    keys: dict
    weights: dict = None  # run -> the input rows it reads (an estimate of its cost)


def plan(
    runs: list[Run],
    data_dir: Path,
    out: Path,
    force: bool = False,
    publication: dict | None = None,
    settings: dict | None = None,
) -> Plan:
    """Which runs must execute: those whose cache key (notebook, parameters and settings,
    helpers code, and the input rows the notebook reads) differs from the key recorded with
    their output."""
    from ..data.dataset import data_fingerprint, load, write_rejects
    from . import cache

    dataset = load(data_dir)
    write_rejects(dataset, out)  # one rejects file, beside the outputs, for the whole matrix
    digests, code = dataset.digests, cache.code_digest()
    mapping = data_dir / "measure_steps.csv"
    extra = mapping.read_bytes() if mapping.exists() else b""
    reads = {nb: notebook_reads(NOTEBOOK_DIR / f"{nb}.ipynb") for nb in {r.notebook for r in runs}}
    publication = publication_periods(runs) if publication is None else publication
    counts = {}
    for table in {t for r in reads.values() for t in r}:
        frame = dataset.table(table)
        by = frame["municipality"].value_counts() if "municipality" in frame else {}
        counts[table] = (len(frame), {int(m): int(n) for m, n in dict(by).items()})
    todo, cached, keys, weights = [], [], {}, {}
    matrix_notebooks = sorted({r.notebook for r in runs})
    for r in runs:
        params = {
            "municipality": r.municipality,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "data_dir": str(data_dir),
            "settings": dict(settings or check_settings({})),
        }
        if r.notebook in LINKING_PAGES:  # its links follow the matrix's notebooks
            params["matrix_notebooks"] = matrix_notebooks
        key = cache.run_key(
            NOTEBOOK_DIR / f"{r.notebook}.ipynb",
            params,
            data_fingerprint(digests, protected_reads(r.notebook, reads), r.municipality),
            code,
            extra + publication_key(r, publication),
        )
        keys[r] = key
        if not force and cache.is_current(r.notebook_path(out), r.output_dir(out), key):
            cached.append(r)
        else:
            todo.append(r)
            weights[r] = sum(
                counts[t][0] if scope == "all" else counts[t][1].get(r.municipality, 0)
                for t, scope in reads[r.notebook].items()
            )
    return Plan(order(todo, weights), cached, keys, weights)


def group_members(notebook: str, reads: dict) -> tuple[str, ...]:
    """The notebooks protected together with ``notebook`` (its page group in
    ``helpers.publishing.pages``, or itself alone); fills ``reads`` (notebook -> what it
    reads) for each of them."""
    from ..publishing.pages import GROUPS

    members = next((tuple(g) for g in GROUPS.values() if notebook in g), (notebook,))
    for nb in members:
        if nb not in reads:
            path = NOTEBOOK_DIR / f"{nb}.ipynb"
            reads[nb] = notebook_reads(path) if path.exists() else {}
    return members


def protected_reads(notebook: str, reads: dict) -> dict[str, str]:
    """What a run depends on: the rows its notebook reads, and those every notebook of its
    protection group reads (another page's new table can change which of this page's cells
    are withheld). ``all`` wins over ``municipality``."""
    return merge_reads(reads[nb] for nb in group_members(notebook, reads))


def protection_scope(run: Run, reads: dict | None = None) -> tuple:
    """The runs that share one protection (the first of them computes it, the others wait
    for it and read it): the notebooks of its page group (``helpers.publishing.pages``),
    for one municipality when a notebook of the group reads the municipality's own rows,
    else for all of them, over every period of the publication."""
    reads = {} if reads is None else reads  # notebook -> what it reads (filled as needed)
    members = group_members(run.notebook, reads)
    per_municipality = any(scope == "municipality" for nb in members for scope in reads[nb].values())
    return members, run.municipality if per_municipality else None


def publication_periods(runs: list[Run]) -> dict[str, dict]:
    """What is published together, per publication scope (a municipality's children's
    pages; the adult pages): every period of the matrix in which the scope has a run, and
    the runs themselves (``notebook/run id``). Their tables are protected as one linked
    system; runs of the scope already published but not in this matrix are earlier
    releases, whose statuses are fixed."""
    from ..publishing.pages import PAGES, scope_of

    periods: dict[str, set] = {}
    members: dict[str, set] = {}
    for r in runs:
        if r.notebook in PAGES:
            scope = scope_of(r.notebook, r.municipality)
            periods.setdefault(scope, set()).add((str(r.period_start), str(r.period_end)))
            members.setdefault(scope, set()).add(f"{r.notebook}/{r.run_id}")
    return {
        scope: {"periods": [list(p) for p in sorted(periods[scope])], "runs": sorted(members[scope])}
        for scope in sorted(periods)
    }


def publication_key(run: Run, publication: dict) -> bytes:
    """What a run's protection depends on beyond its own inputs: the periods of its
    publication. (The records of earlier releases are not part of it: they were protected
    given this run's statuses, or before it; a run that executes again takes them as fixed.)"""
    from ..publishing.pages import PAGES, scope_of

    if run.notebook not in PAGES:
        return b""
    scope = scope_of(run.notebook, run.municipality)
    return json.dumps([scope, publication.get(scope, {}).get("periods", [])]).encode()


def order(todo: list[Run], weights: dict) -> list[Run]:
    """The order to hand the runs to the workers: first one run of each protection group
    (the heaviest), so that the groups' protections are computed in parallel and no run
    waits for another to finish computing its group's; then the rest, heaviest first, so
    that the light runs fill the end."""
    by_weight = sorted(todo, key=lambda r: (-weights.get(r, 0), r))
    leaders, rest, seen, reads = [], [], set(), {}
    for r in by_weight:
        scope = protection_scope(r, reads)
        (rest if scope in seen else leaders).append(r)
        seen.add(scope)
    return leaders + rest


def run_matrix(
    runs: list[Run],
    data_dir: Path,
    out: Path,
    jobs: int | None = None,
    progress: bool = True,
    force: bool = False,
    warm: bool = False,
    scheduler: str | None = None,
    engine: str = DEFAULT_ENGINE,
    settings: dict | None = None,
) -> list[tuple[Run, str]]:
    """Execute every run whose inputs changed (``jobs`` at a time, or on a Dask cluster),
    with the matrix's analysis ``settings`` (default: :func:`check_settings` of an empty
    config); returns the failures. Raises :class:`RunLocked` when another run holds ``out`` and
    :class:`Interrupted` on Ctrl-C/SIGTERM (after stopping everything it started)."""
    if engine not in ENGINES:
        raise ValueError(f"Ukendt motor {engine!r}; brug {' eller '.join(ENGINES)}")
    if engine == "fork" and not fork_available():
        print(
            f"Motoren fork findes kun på Linux; på {platform.system() or sys.platform} kører notebooks med kernel.",
            file=sys.stderr,
        )
        engine = "kernel"
    data_dir, out = resolve_path(data_dir).resolve(), Path(out).resolve()
    if not data_dir.is_dir():  # before any worker starts
        raise FileNotFoundError(f"Datamappen {data_dir} findes ikke.")
    with run_lock(out), stop_on_signals():
        _remove(out / STAGING)  # left by a run that was killed: nothing in it is complete
        return _run_locked(runs, data_dir, out, jobs, progress, force, warm, scheduler, engine, settings)


def _run_locked(runs, data_dir, out, jobs, progress, force, warm, scheduler, engine, settings=None):
    from tqdm import tqdm

    jobs = max(1, jobs or os.cpu_count() or 1)
    notebooks = tuple(sorted({r.notebook for r in runs}))
    publication = publication_periods(runs)
    settings = dict(settings or check_settings({}))
    make_private(private_root(out))
    # When some report is missing, there is work: the workers start (and warm up) while
    # this process works out what must run. Otherwise they start only if it finds some.
    missing = force or any(not (r.output_dir(out) / KEY_FILE).exists() for r in runs)
    pool = _start_pool(jobs, engine, notebooks) if missing and not scheduler else None
    try:
        work = plan(runs, data_dir, out, force=force, publication=publication, settings=settings)
    except BaseException:
        if pool is not None:
            _stop_workers(pool)
        raise
    if pool is not None and not work.todo:
        _stop_workers(pool)
        pool = None
    elif pool is None and work.todo and not scheduler:
        pool = _start_pool(jobs, engine, notebooks)
    if progress and work.cached:
        print(f"{len(work.cached)} af {len(runs)} kørsler er uændrede og springes over (--force kører alle).")
    failures, finished = [], []
    bar = tqdm(total=len(work.todo), desc="Notebooks", unit="kørsel", disable=not progress or not work.todo)

    def done(run, error):
        bar.update(1)
        if error:
            kept = discard(run, out)
            failures.append((run, error + (f" (den kørte notebook: {kept})" if kept else "")))
        else:
            publish(run, out, work.keys[run])
            finished.append(run)

    try:
        if scheduler:
            _run_on_dask(
                work.todo, data_dir, out, scheduler, jobs, warm, done, engine, publication, notebooks, settings
            )
        elif work.todo:
            _run_in_pool(pool, jobs, work.todo, data_dir, out, warm, done, engine, publication, notebooks, settings)
    except Interrupted as stop:
        stop.finished, stop.total = len(finished), len(work.todo)
        raise
    finally:
        bar.close()
        _remove(out / STAGING)
        record_matrix(out)
    return sorted(failures)


def _start_pool(workers: int, engine: str, notebooks: tuple) -> ProcessPoolExecutor:
    """``workers`` worker processes, started now. They are fresh interpreters (spawned),
    not copies of this process, so they carry none of its state (the loaded data set,
    filled caches) into the notebooks; with the fork engine each warms up for every
    notebook of the matrix (:func:`_worker_init`)."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(engine, notebooks),
    )
    for _ in range(workers):  # a process is spawned per task submitted while none is idle
        pool.submit(_ready)
    return pool


def _ready() -> None:
    """A task that only makes the pool start a worker."""


def _run_in_pool(
    pool,
    workers: int,
    todo,
    data_dir: Path,
    out: Path,
    warm: bool,
    done,
    engine=DEFAULT_ENGINE,
    publication=None,
    notebooks: tuple = (),
    settings: dict | None = None,
):
    """Worker processes execute the runs (the main process only publishes them), so that a
    stop can end the workers and their kernels and nothing half-written stays behind."""
    warm = warm and engine == "kernel"
    try:
        futures = [
            pool.submit(execute, r, data_dir, out, warm and len(todo) > 1, engine, publication, notebooks, settings)
            for r in todo
        ]
        for future in as_completed(futures):
            done(*future.result())
        if warm:
            for _ in range(workers):
                pool.submit(_stop_warm_kernels)
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """SIGTERM every worker (each kills its kernels and removes its staged files), then wait."""
    workers = multiprocessing.active_children()
    manager = getattr(pool, "_executor_manager_thread", None)  # shutdown() forgets it
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + 20
    for process in workers:
        process.join(timeout=max(0.1, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
    # The pool's manager thread notices its dead workers and closes its wake-up pipe; wait
    # for it, or the interpreter's exit hook may write to the pipe as it closes (EBADF).
    if manager is not None:
        manager.join(timeout=10)


def _run_on_dask(
    todo,
    data_dir: Path,
    out: Path,
    scheduler: str,
    jobs: int,
    warm: bool,
    done,
    engine=DEFAULT_ENGINE,
    publication: dict | None = None,
    notebooks: tuple = (),
    settings: dict | None = None,
) -> None:
    """Submit each run as a task to a Dask cluster (``local`` starts a LocalCluster on
    loopback); the executed notebook and its tables come back as files into ``out``.
    Workers must reach the data directory at the same path and have the project installed."""
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    warm = warm and engine == "kernel"
    try:
        futures = [
            client.submit(
                execute_remote,
                r,
                str(data_dir),
                warm,
                engine,
                notebooks,
                publication,
                settings,
                pure=False,
                key=f"reportbook-{r.run_id}-{r.notebook}",
            )
            for r in todo
        ]
        for future in dask_completed(futures):
            run, error, files = future.result()
            for rel, data in files.items():
                folder, _, inside = rel.partition("/")
                target = out / inside if folder == REMOTE_REPORTS else private_root(out) / inside
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            done(run, error)
        if warm:
            client.run(_stop_warm_kernels)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
