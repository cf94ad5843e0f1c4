"""Executing the matrix of notebooks x municipalities x periods with papermill.

Each run is ``notebooks/<notebook>.ipynb`` executed with the parameters
``municipality``, ``period_start``, ``period_end``, ``data_dir`` and ``output_dir``. Its
executed notebook is ``<out>/<notebook>/<code>_<start>_<end>.ipynb`` and its published
tables go to the folder of the same name beside it. Defaults come from ``runs.yml``.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
import yaml

from . import municipalities
from .paths import REPO_ROOT, resolve_path
from .report import date_da

NOTEBOOK_DIR = REPO_ROOT / "notebooks"
CONFIG_FILE = REPO_ROOT / "runs.yml"
MATRIX_FILE = "matrix.json"


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


def execute(run: Run, data_dir: Path, out: Path) -> tuple[Run, str | None]:
    """Execute one run with papermill. Returns (run, None) or (run, error text)."""
    import papermill as pm

    target = run.notebook_path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    params = {
        "municipality": run.municipality,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "data_dir": str(data_dir),
        "output_dir": str(run.output_dir(out)),
    }
    try:
        pm.execute_notebook(str(NOTEBOOK_DIR / f"{run.notebook}.ipynb"), str(target), parameters=params,
                            kernel_name="python3", progress_bar=False, cwd=str(REPO_ROOT), log_output=False)
    except Exception as err:  # papermill raises PapermillExecutionError with the cell's error
        name = getattr(err, "ename", type(err).__name__)
        value = getattr(err, "evalue", str(err).splitlines()[0] if str(err) else "")
        return run, f"{name}: {value}"
    finish_notebook(target, run)
    return run, None


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
    nb.metadata["reportbook"] = {**asdict(run), "municipality_name": name,
                                 "region": municipalities.region(run.municipality)}
    nbformat.write(nb, path)


def run_matrix(runs: list[Run], data_dir: Path, out: Path, jobs: int | None = None, progress: bool = True) -> list[tuple[Run, str]]:
    """Execute every run (``jobs`` at a time); returns the failures."""
    from tqdm import tqdm

    data_dir, out = resolve_path(data_dir).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    failures = []
    bar = tqdm(total=len(runs), desc="Notebooks", unit="kørsel", disable=not progress)
    if jobs == 1:
        results = (execute(r, data_dir, out) for r in runs)
        for run, error in results:
            bar.update(1)
            if error:
                failures.append((run, error))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(execute, r, data_dir, out) for r in runs]
            for future in as_completed(futures):
                run, error = future.result()
                bar.update(1)
                if error:
                    failures.append((run, error))
    bar.close()
    record_matrix(out)
    return sorted(failures)


def record_matrix(out: Path) -> list[dict]:
    """List every executed notebook under ``out`` in ``matrix.json`` (the book's index)."""
    entries = []
    for path in sorted(out.glob("*/*.ipynb")):
        meta = nbformat.read(path, as_version=4).metadata.get("reportbook")
        if meta:
            entries.append({**meta, "path": str(path.relative_to(out).with_suffix(""))})
    (out / MATRIX_FILE).write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return entries
