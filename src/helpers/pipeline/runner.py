"""Executing the matrix of notebooks x municipalities x periods with papermill.

Each run is ``notebooks/<notebook>.ipynb`` executed with the parameters
``municipality``, ``period_start``, ``period_end``, ``data_dir`` and ``output_dir``. Its
executed notebook is ``<out>/<notebook>/<code>_<start>_<end>.ipynb`` and its published
tables go to the folder of the same name beside it. Defaults come from ``runs.yml``.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import yaml

from ..data import municipalities
from ..data.paths import REPO_ROOT, resolve_path
from ..publishing.book import record_matrix
from ..publishing.formats import date_da
from ..publishing.report import MATRIX_ENV, NOTEBOOK_DIR, notebook_reads

CONFIG_FILE = REPO_ROOT / "runs.yml"


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


def load_config(path: str | Path | None = None) -> dict:
    """The matrix config; its ``data`` and ``out`` paths are relative to the config file."""
    path = Path(path or CONFIG_FILE)
    with open(path, encoding="utf-8") as fh:
        config = yaml.safe_load(fh)
    for key in ("data", "out"):
        config[key] = (path.resolve().parent / config[key]) if key in config else None
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


def build_matrix(notebooks, municipality_values, periods) -> list[Run]:
    known = available_notebooks()
    runs = set()
    for nb in notebooks:
        if nb not in known:
            raise ValueError(f"Ukendt notebook {nb!r}; findes: {', '.join(known)}")
        for m in municipality_values:
            code = municipalities.resolve(m)
            if code is None:
                raise ValueError(f"Ukendt kommune: {m!r}")
            for p in periods:
                runs.add(Run(nb, code, *parse_period(p)))
    return sorted(runs)


WARM_UP = (
    "import helpers.publishing.report, helpers.publishing.figures, helpers.analyses.staircase, "
    "helpers.analyses.prices, helpers.analyses.goals, helpers.analyses.key_figures"
)
_warm: dict = {}


def _start_kernel():
    """A fresh kernel with the heavy imports done (no user state: imports only)."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(REPO_ROOT))
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


def execute(run: Run, data_dir: Path, out: Path, warm: bool = False) -> tuple[Run, str | None]:
    """Execute one run with papermill. Returns (run, None) or (run, error text)."""
    import papermill as pm

    os.environ[MATRIX_ENV] = "1"
    target = run.notebook_path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    params = {
        "municipality": run.municipality,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "data_dir": str(data_dir),
        "output_dir": str(run.output_dir(out)),
    }
    km = _take_warm_kernel() if warm else None
    try:
        extra = {"km": km} if km is not None else {}
        pm.execute_notebook(
            str(NOTEBOOK_DIR / f"{run.notebook}.ipynb"),
            str(target),
            parameters=params,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(REPO_ROOT),
            log_output=False,
            **extra,
        )
    except Exception as err:  # papermill raises PapermillExecutionError with the cell's error
        name = getattr(err, "ename", type(err).__name__)
        value = getattr(err, "evalue", str(err).splitlines()[0] if str(err) else "")
        return run, f"{name}: {value}"
    finally:
        if km is not None:
            km.shutdown_kernel(now=True)
    finish_notebook(target, run)
    return run, None


def execute_remote(run: Run, data_dir: str, warm: bool = False) -> tuple[Run, str | None, dict[str, bytes]]:
    """A Dask task: execute one run in a scratch folder on the worker and return its files."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="reportbook-") as scratch:
        scratch = Path(scratch)
        run_, error = execute(run, Path(data_dir), scratch, warm=warm)
        files = (
            {} if error else {str(p.relative_to(scratch)): p.read_bytes() for p in scratch.rglob("*") if p.is_file()}
        )
    return run_, error, files


def finish_notebook(path: Path, run: Run) -> None:
    """Prepare an executed notebook for the book: hide the parameter cells, title the page."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "parameters" in tags or "injected-parameters" in tags:
            cell.metadata["tags"] = sorted(set(tags) | {"remove-cell"})
    name = municipalities.name(run.municipality)
    period = f"{date_da(run.period_start)} – {date_da(run.period_end)}"
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            title = cell.source.splitlines()[0][2:].split(":")[0]
            rest = cell.source.split("\n", 1)[1] if "\n" in cell.source else ""
            cell.source = f"# {title}: {name} ({run.municipality}), {period}\n{rest}".rstrip()
            break
    nb.metadata["reportbook"] = {
        **asdict(run),
        "municipality_name": name,
        "region": municipalities.region(run.municipality),
    }
    nbformat.write(nb, path)


@dataclass
class Plan:
    todo: list
    cached: list
    keys: dict


def plan(runs: list[Run], data_dir: Path, out: Path, force: bool = False) -> Plan:
    """Which runs must execute: those whose cache key (notebook, parameters, helpers code,
    and the input rows the notebook reads) differs from the key recorded with their output."""
    from ..data.dataset import data_fingerprint, load, write_rejects
    from . import cache

    dataset = load(data_dir)
    write_rejects(dataset, out)  # one rejects file, beside the outputs, for the whole matrix
    digests, code = dataset.digests, cache.code_digest()
    mapping = data_dir / "measure_steps.csv"
    extra = mapping.read_bytes() if mapping.exists() else b""
    reads = {nb: notebook_reads(NOTEBOOK_DIR / f"{nb}.ipynb") for nb in {r.notebook for r in runs}}
    todo, cached, keys = [], [], {}
    for r in runs:
        params = {
            "municipality": r.municipality,
            "period_start": r.period_start,
            "period_end": r.period_end,
            "data_dir": str(data_dir),
        }
        key = cache.run_key(
            NOTEBOOK_DIR / f"{r.notebook}.ipynb",
            params,
            data_fingerprint(digests, reads[r.notebook], r.municipality),
            code,
            extra,
        )
        keys[r] = key
        if not force and cache.is_current(r.notebook_path(out), r.output_dir(out), key):
            cached.append(r)
        else:
            todo.append(r)
    return Plan(todo, cached, keys)


def run_matrix(
    runs: list[Run],
    data_dir: Path,
    out: Path,
    jobs: int | None = None,
    progress: bool = True,
    force: bool = False,
    warm: bool = False,
    scheduler: str | None = None,
) -> list[tuple[Run, str]]:
    """Execute every run whose inputs changed (``jobs`` at a time, or on a Dask cluster);
    returns the failures."""
    from tqdm import tqdm

    from . import cache

    data_dir, out = resolve_path(data_dir).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    work = plan(runs, data_dir, out, force=force)
    if progress and work.cached:
        print(f"{len(work.cached)} af {len(runs)} kørsler er uændrede og springes over (--force kører alle).")
    failures = []
    bar = tqdm(total=len(work.todo), desc="Notebooks", unit="kørsel", disable=not progress or not work.todo)

    def done(run, error):
        bar.update(1)
        if error:
            failures.append((run, error))
        else:
            cache.mark(run.output_dir(out), work.keys[run])

    if scheduler:
        _run_on_dask(work.todo, data_dir, out, scheduler, jobs, warm, done)
    elif jobs == 1 or len(work.todo) <= 1:
        for r in work.todo:
            done(*execute(r, data_dir, out, warm=warm and len(work.todo) > 1))
        _stop_warm_kernels()
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(work.todo))) as pool:
            futures = [pool.submit(execute, r, data_dir, out, warm) for r in work.todo]
            for future in as_completed(futures):
                done(*future.result())
            for _ in range(min(jobs, len(work.todo))):
                pool.submit(_stop_warm_kernels)
    bar.close()
    record_matrix(out)
    return sorted(failures)


def _run_on_dask(todo, data_dir: Path, out: Path, scheduler: str, jobs: int, warm: bool, done) -> None:
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
    try:
        futures = [
            client.submit(execute_remote, r, str(data_dir), warm, pure=False, key=f"reportbook-{r.run_id}-{r.notebook}")
            for r in todo
        ]
        for future in dask_completed(futures):
            run, error, files = future.result()
            for rel, data in files.items():
                target = out / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            done(run, error)
        if warm:
            client.run(_stop_warm_kernels)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
