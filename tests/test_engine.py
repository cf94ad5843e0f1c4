"""The fork-server engine: isolation between notebooks, the same outputs as a real kernel
(nbval and a strict comparison), the papermill CLI with ``--engine fork``, C-level output,
and a notebook process killed half-way."""

import json
import os
import random
import re
import signal
import subprocess
import time

import nbformat
import numpy as np
import pytest
from conftest import BIN, nbval, reportbook

from helpers.pipeline import runner

PERIOD = "2016-02-01:2016-08-01"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
PARAMETERS = (
    "municipality = 851\nperiod_start = '2016-02-01'\nperiod_end = '2016-08-01'\ndata_dir = ''\noutput_dir = 'out'"
)


def notebook(*sources, reads=None):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["reportbook"] = {"reads": reads or {"interventions": "municipality"}}
    params = nbformat.v4.new_code_cell(PARAMETERS)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Probe"), params] + [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


LEAKER = """
import functools, json, os, pathlib, random, sys, types, warnings
import matplotlib
import numpy as np
import pandas as pd
import helpers.data.municipalities as municipalities
from helpers.data.paths import source_digest

LEAK = "global"
matplotlib.rcParams["font.size"] = 99
np.random.seed(1234)
random.seed(1234)
source_digest()                          # fills a functools cache of a project module
municipalities.LEAKED = True             # a module attribute
sys.modules["leaked_module"] = types.ModuleType("leaked_module")
sys.path.insert(0, str(pathlib.Path(output_dir).resolve()))
pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)
(pathlib.Path(output_dir) / "leaky_local.py").write_text("VALUE = 1\\n")
import leaky_local                       # a module imported at run time
pd.set_option("display.max_rows", 3)
warnings.filterwarnings("ignore", message="leaked filter")
os.environ["REPORTBOOK_LEAK"] = "1"
"""

OBSERVER = """
import json, os, pathlib, random, sys, time, warnings
import matplotlib
import numpy as np
import pandas as pd
import helpers.data.municipalities as municipalities
from helpers.data.paths import source_digest

state = {
    "pid": os.getpid(), "worker": os.getppid(), "time": time.time(),
    "global": "LEAK" in globals(),
    "font_size": matplotlib.rcParams["font.size"],
    "np_draw": float(np.random.random_sample()),
    "py_draw": random.random(),
    "cache": source_digest.cache_info().currsize,
    "attribute": hasattr(municipalities, "LEAKED"),
    "leaked_module": "leaked_module" in sys.modules,
    "local_module": "leaky_local" in sys.modules,
    "max_rows": pd.get_option("display.max_rows"),
    "filter": any(f[1] is not None and f[1].pattern == "leaked filter" for f in warnings.filters),
    "environ": os.environ.get("REPORTBOOK_LEAK"),
}
pathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)
(pathlib.Path(output_dir) / "state.json").write_text(json.dumps(state))
"""


def test_no_state_leaks_from_one_notebook_to_the_next_in_the_same_warm_worker(project_copy, tmp_path):
    """iso_a changes every kind of process state; iso_b, run next by the same warm worker
    (--jobs 1: one worker, runs in name order), must see none of it. Both record their
    state, so the test also checks that iso_a's changes took effect."""
    names = {"iso_a": notebook(LEAKER, OBSERVER), "iso_b": notebook(OBSERVER), "iso_c": notebook(OBSERVER)}
    for name, nb in names.items():
        nbformat.write(nb, project_copy / "notebooks" / f"{name}.ipynb")
    data, out = tmp_path / "data", tmp_path / "out"
    (data).mkdir()
    (data / "municipality_figures.csv").write_text("municipality,year\n851,2015\n")
    try:
        result = reportbook(
            "run", "--data", data, "--out", out, "--municipality", "851", "--period", PERIOD, "--jobs", "1",
            *[a for name in names for a in ("--notebook", name)],
            env={"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "cache")},
        )  # fmt: skip
    finally:
        for name in names:
            (project_copy / "notebooks" / f"{name}.ipynb").unlink()
    assert result.returncode == 0, result.stderr[-3000:]
    a, b, c = (json.loads((out / n / "851_2016-02-01_2016-08-01" / "state.json").read_text()) for n in names)
    seeded = np.random.RandomState(1234).random_sample()
    assert a["global"] and a["font_size"] == 99 and a["np_draw"] == seeded and a["attribute"]
    assert a["leaked_module"] and a["local_module"] and a["max_rows"] == 3 and a["filter"] and a["environ"] == "1"
    assert a["cache"] == 1 and a["py_draw"] == random.Random(1234).random()
    for after in (b, c):
        assert after["global"] is False
        assert after["font_size"] == 10  # helpers.publishing.figures is not imported here: matplotlib's default
        assert after["np_draw"] != seeded and after["py_draw"] != random.Random(1234).random()
        assert after["cache"] == 0 and after["attribute"] is False
        assert after["leaked_module"] is False and after["local_module"] is False
        assert after["max_rows"] == 60 and after["filter"] is False and after["environ"] is None
    assert b["np_draw"] != c["np_draw"]  # each notebook draws fresh seeds, as a new kernel does
    # one warm worker ran all three, each notebook in a process of its own
    assert a["worker"] == b["worker"] == c["worker"] and len({a["pid"], b["pid"], c["pid"]}) == 3
    assert a["time"] < b["time"] < c["time"]


def papermill(engine, source, target, tables, cwd, *extra, env=None):
    """The papermill CLI, as a user runs it (ipykernel does not capture C-level output when
    it sees pytest's variable, so that is left out)."""
    env = {k: v for k, v in {**os.environ, **(env or {})}.items() if k != "PYTEST_CURRENT_TEST"}
    cmd = [str(BIN / "papermill"), str(source), str(target), "-p", "output_dir", str(tables), "--cwd", str(cwd)]
    cmd += ["--engine", engine] if engine else []
    return subprocess.run(cmd + [*map(str, extra)], capture_output=True, text=True, env=env)


def comparable(path, tables):
    """The executed notebook as a reader sees it: every output (types, MIME data including
    the PNG bytes, output metadata), execution counts and cell tags; the tables folder's
    name is replaced."""
    nb = nbformat.read(path, as_version=4)
    cells = []
    for cell in nb.cells:
        entry = {
            "type": cell.cell_type,
            "tags": cell.metadata.get("tags", []),
            "source": cell.source.replace(tables.name, "T"),
        }
        if cell.cell_type == "code":
            entry["count"] = cell.execution_count
            entry["outputs"] = json.loads(json.dumps(cell.outputs).replace(tables.name, "TABLES"))
            entry["execution"] = sorted(cell.metadata.get("execution", {}))
        cells.append(entry)
    return {"cells": cells, "language_info": nb.metadata.get("language_info")}


@pytest.mark.parametrize("notebook_name", ["staircase", "goal_attainment"])
def test_the_papermill_cli_fork_engine_gives_a_kernels_outputs_exactly(book_site, tmp_path, notebook_name):
    """``papermill --engine fork`` and papermill's own kernel engine on the same notebook:
    identical outputs, byte for byte (figures too), and identical tables."""
    source = book_site / "notebooks" / f"{notebook_name}.ipynb"
    env = {"REPORTBOOK_HOME": str(book_site), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = {}
    for engine in ("fork", None):
        name = engine or "kernel"
        target, tables = tmp_path / f"{name}.ipynb", tmp_path / f"{name}_tables"
        result = papermill(engine, source, target, tables, book_site, "-p", "municipality", "851", env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        runs[name] = (target, tables)
    fork, kernel = (comparable(*runs[name]) for name in ("fork", "kernel"))
    assert fork["language_info"] == kernel["language_info"]
    assert len(fork["cells"]) == len(kernel["cells"])
    for got, expected in zip(fork["cells"], kernel["cells"]):
        assert got == expected
    images = [o for c in fork["cells"] if c["type"] == "code" for o in c["outputs"] if "image/png" in o.get("data", {})]
    # the staircase page always draws; the goal page draws only the shares its protection
    # publishes (for 851 in the first half of 2016 every municipality's share is withheld)
    assert len(images) >= (1 if notebook_name == "staircase" else 0)
    for table in sorted(runs["kernel"][1].glob("*.csv")):
        assert (runs["fork"][1] / table.name).read_bytes() == table.read_bytes(), table.name


C_LEVEL = """
import ctypes, os, sys
print("python stdout")
os.write(1, b"C-level stdout\\n")
ctypes.CDLL(None).printf(b"printf %d\\n", 42)
print("python stderr", file=sys.stderr)
os.write(2, b"C-level stderr\\n")
"""
HIGHS = """
from helpers.publishing.solver import highs
h = highs()
h.getInfinity() > 0
"""


def test_c_level_output_is_captured_like_a_kernel_and_the_highs_banner_is_not(book_site, tmp_path):
    nb = notebook(C_LEVEL, HIGHS, "1 + 1")
    source = tmp_path / "probe.ipynb"
    nbformat.write(nb, source)
    outputs = {}
    for engine in ("fork", None):
        name = engine or "kernel"
        target = tmp_path / f"{name}.ipynb"
        result = papermill(engine, source, target, tmp_path / "t", book_site, env={"REPORTBOOK_HOME": str(book_site)})
        assert result.returncode == 0, result.stderr[-3000:]
        assert "HiGHS" not in result.stdout + result.stderr
        outputs[name] = [c.outputs for c in nbformat.read(target, as_version=4).cells if c.cell_type == "code"]

    def streams(cell_outputs, name):
        return "".join(o.get("text", "") for o in cell_outputs if o.get("name") == name)

    for name, cells in outputs.items():
        *_, printing, highs, result = cells
        assert streams(printing, "stdout").split() == ["python", "stdout", "C-level", "stdout", "printf", "42"], name
        assert sorted(streams(printing, "stderr").splitlines()) == ["C-level stderr", "python stderr"], name
        assert [(o["output_type"], o["data"]) for o in highs] == [("execute_result", {"text/plain": "True"})], name
        assert result[0]["data"] == {"text/plain": "2"}, name
    assert outputs["fork"][-2:] == outputs["kernel"][-2:]


def test_reportbook_run_uses_the_fork_engine_unless_told_otherwise():
    from helpers.pipeline.cli import parser

    args = ["run", "--municipality", "851"]
    # no --engine: the run takes the platform's default, fork on Linux
    assert parser().parse_args(args).engine is None and runner.DEFAULT_ENGINE == "fork"
    assert parser().parse_args([*args, "--engine", "fork"]).engine == "fork"
    assert parser().parse_args([*args, "--engine", "kernel"]).engine == "kernel"


def test_nbval_finds_no_difference_on_notebooks_made_by_the_fork_engine(book_site):
    """A real kernel re-executes every notebook of the default matrix (Aalborg, and
    København, which has no children's data) that ``reportbook run`` made with the fork
    engine, and compares (tests/nbval_sanitize.cfg)."""
    notebooks = [
        book_site / "book" / "reports" / nb / f"{code}_2016-02-01_2016-08-01.ipynb"
        for nb in runner.load_config(book_site / "runs.yml")["notebooks"]
        for code in (851, 101)
    ]
    result = nbval(notebooks, book_site, book_site)
    assert result.returncode == 0, result.stdout[-4000:]
    passed = int(re.search(r"(\d+) passed", result.stdout).group(1))
    assert passed >= 10 * 8, result.stdout[-500:]


def test_a_notebook_process_killed_half_way_is_a_failed_run_that_leaves_nothing(project_copy, tmp_path):
    slow = notebook(
        "import os, pathlib, time\npathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
        "(pathlib.Path(output_dir) / 'pid').write_text(str(os.getpid()))\n"
        "(pathlib.Path(output_dir) / 'part.csv').write_text('a\\n1\\n')\ntime.sleep(120)"
    )
    nbformat.write(slow, project_copy / "notebooks" / "slow_probe.ipynb")
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    (data / "municipality_figures.csv").write_text("municipality,year\n851,2015\n")
    env = {**os.environ, "REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    cmd = [str(BIN / "reportbook"), "run", "--data", str(data), "--out", str(out), "--period", PERIOD]
    cmd += ["--municipality", "851", "--notebook", "slow_probe", "--jobs", "1"]
    try:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while not list((out / runner.STAGING).glob("slow_probe/*/part.csv")) and time.monotonic() < deadline:
            time.sleep(0.2)
        (staged,) = (out / runner.STAGING).glob("slow_probe/*/part.csv")
        child = int((staged.parent / "pid").read_text())
        assert child != proc.pid
        os.kill(child, signal.SIGKILL)  # e.g. the out-of-memory killer
        _, stderr = proc.communicate(timeout=120)
    finally:
        (project_copy / "notebooks" / "slow_probe.ipynb").unlink()
    assert proc.returncode == 1, stderr[-2000:]
    assert "FEJL i slow_probe · 851" in stderr and "SIGKILL" in stderr and "Traceback" not in stderr
    assert not (out / "slow_probe" / "851_2016-02-01_2016-08-01").exists()
    assert not (out / "slow_probe" / "851_2016-02-01_2016-08-01.ipynb").exists()
    assert runner.incomplete_runs(out) == []
