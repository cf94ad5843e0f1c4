"""Runs that never corrupt and never go stale: the lock on --out, outputs renamed into place
when complete (the cache key last), Ctrl-C/SIGTERM/SIGKILL, and build refusing incomplete runs."""

import os
import signal
import subprocess
import time
from pathlib import Path

import nbformat
import pytest
from conftest import BIN, reportbook, write_csv

from helpers.pipeline import cache, runner

PERIOD = "2016-02-01:2016-08-01"
IV = "person_id,municipality,target_group,measure,step,start_date,end_date,monthly_cost\n"


def small_data(path: Path) -> Path:
    write_csv(
        path / "interventions.csv",
        IV + "241210-4011,851,udsat,a,5,2015-01-01,,1000\n0101104002,615,udsat,a,3,2015-01-01,,2000\n",
    )
    return path


def run_args(data, out, *extra):
    return ["run", "--data", data, "--out", out, "--period", PERIOD, *extra]


def children_of(pids: set[int]) -> set[int]:
    """Processes whose parent is one of ``pids`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid in pids:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(predicate, timeout=120.0, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def start_run(project_copy, tmp_path, data, out, *extra, sleep=60):
    env = {
        **os.environ,
        "REPORTBOOK_HOME": str(project_copy),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "REPORTBOOK_TEST_SLEEP": str(sleep),
    }
    cmd = [str(BIN / "reportbook"), *map(str, run_args(data, out, *extra))]
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def processes_of(main: int) -> set[int]:
    """Every process the run started (multiprocessing's fork server, the workers, their
    kernels or notebook processes), while they run."""
    found, level = set(), {main}
    while level := children_of(level) - found:
        found |= level
    return found


@pytest.fixture
def slow_notebook(project_copy):
    """A notebook that sleeps ``$REPORTBOOK_TEST_SLEEP`` seconds: a run that is still in
    progress when the test stops it, with either engine (the fork engine runs the real
    notebooks on this small data in well under a second)."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["reportbook"] = {"reads": {"interventions": "municipality"}}
    params = nbformat.v4.new_code_cell(
        "municipality = 851\nperiod_start = '2016-02-01'\nperiod_end = '2016-08-01'\n"
        "data_dir = 'data/synthetic'\noutput_dir = 'out'"
    )
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Langsom"),
        params,
        nbformat.v4.new_code_cell(
            "import os, pathlib, time\npathlib.Path(output_dir).mkdir(parents=True, exist_ok=True)\n"
            "(pathlib.Path(output_dir) / 'part.csv').write_text('a\\n1\\n')\n"
            "time.sleep(float(os.environ.get('REPORTBOOK_TEST_SLEEP', '0')))"
        ),
    ]
    path = project_copy / "notebooks" / "slow_example.ipynb"
    nbformat.write(nb, path)
    yield "slow_example"
    path.unlink()


def test_a_second_run_into_the_same_folder_stops_with_a_danish_message(project_copy, tmp_path):
    data, out = small_data(tmp_path / "data"), tmp_path / "out"
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    with runner.run_lock(out):  # another run holds the folder
        result = reportbook(*run_args(data, out, "--municipality", "851", "--notebook", "staircase"), env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "en anden kørsel" in lines[0].lower() and str(out) in lines[0]
    assert not list(out.glob("*/*.ipynb")) and not (out / "rejects.csv").exists()


@pytest.mark.parametrize("engine", ["fork", "kernel"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_stops_everything_and_leaves_no_partial_file(
    project_copy, tmp_path, signum, engine, slow_notebook
):
    data, out = small_data(tmp_path / "data"), tmp_path / "out"
    proc = start_run(
        project_copy,
        tmp_path,
        data,
        out,
        *("--municipality", "851", "--municipality", "615", "--engine", engine),
        *("--notebook", "staircase", "--notebook", slow_notebook, "--jobs", "2"),
    )
    seen: set[int] = set()

    def started():
        seen.update(processes_of(proc.pid))
        return any((out / runner.STAGING).glob(f"{slow_notebook}/*/part.csv"))

    assert wait_for(started), proc.communicate()[1][-2000:]
    time.sleep(0.5)
    seen.update(processes_of(proc.pid))
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole foreground group
    else:
        proc.send_signal(signal.SIGTERM)  # `kill PID`
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + signum, stderr[-2000:]
    assert "Traceback" not in stderr
    messages = [line for line in stderr.splitlines() if line.startswith("reportbook")]
    assert len(messages) == 1 and "afbrudt" in messages[0].lower(), stderr[-2000:]
    assert seen and wait_for(lambda: not any(alive(p) for p in seen), timeout=120), "workers or kernels left"
    assert not (out / runner.STAGING).exists() or not any((out / runner.STAGING).rglob("*"))
    assert runner.incomplete_runs(out) == []
    for notebook in out.glob("*/*.ipynb"):  # whatever finished is complete
        assert (notebook.with_suffix("") / cache.KEY_FILE).exists()


@pytest.mark.parametrize("engine", ["fork", "kernel"])
def test_after_a_sigkill_workers_stop_and_the_next_run_completes_the_matrix(
    project_copy, tmp_path, engine, slow_notebook
):
    data, out = small_data(tmp_path / "data"), tmp_path / "out"
    args = ("--municipality", "851", "--municipality", "615", "--notebook", slow_notebook, "--jobs", "2")
    proc = start_run(project_copy, tmp_path, data, out, *args, "--engine", engine)
    seen: set[int] = set()

    def started():  # both runs are executing (their notebook processes are mid-cell)
        seen.update(processes_of(proc.pid))
        return len(list((out / runner.STAGING).glob(f"{slow_notebook}/*/part.csv"))) == 2

    assert wait_for(started)
    seen.update(processes_of(proc.pid))
    proc.kill()
    proc.communicate(timeout=60)
    assert seen and wait_for(lambda: not any(alive(p) for p in seen), timeout=120), "orphaned workers or kernels"
    assert not [p for p in out.glob(f"{slow_notebook}/*.ipynb") if (p.with_suffix("") / cache.KEY_FILE).exists()]
    again = start_run(project_copy, tmp_path, data, out, *args, "--engine", engine, sleep=0)
    stdout, stderr = again.communicate()
    assert again.returncode == 0, stderr[-2000:]
    assert runner.incomplete_runs(out) == []
    assert {p.name for p in out.glob(f"{slow_notebook}/*.ipynb")} == {
        "851_2016-02-01_2016-08-01.ipynb",
        "615_2016-02-01_2016-08-01.ipynb",
    }
    assert not (out / runner.STAGING).exists() or not any((out / runner.STAGING).rglob("*"))


def fake_stage(out: Path, run: runner.Run) -> None:
    stage = out / runner.STAGING
    nb = nbformat.v4.new_notebook()
    nb.metadata["reportbook"] = {"region": "x"}
    run.notebook_path(stage).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, run.notebook_path(stage))
    run.output_dir(stage).mkdir(parents=True)
    (run.output_dir(stage) / "table.csv").write_text("a\n1\n")


def test_outputs_are_moved_into_place_when_complete_and_the_key_comes_last(tmp_path, monkeypatch):
    out = tmp_path / "out"
    run = runner.Run("staircase", 851, "2016-02-01", "2016-08-01")
    fake_stage(out, run)
    runner.publish(run, out, "key-1")
    assert runner.incomplete_runs(out) == []
    assert cache.is_current(run.notebook_path(out), run.output_dir(out), "key-1")
    assert not any((out / runner.STAGING).rglob("*.csv"))

    fake_stage(out, run)  # the next run of the same report dies half-way through moving it
    real_replace, calls = os.replace, []

    def dying_replace(src, dst):
        calls.append(dst)
        if str(dst).endswith(".ipynb"):
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(runner.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        runner.publish(run, out, "key-2")
    monkeypatch.setattr(runner.os, "replace", real_replace)
    assert runner.incomplete_runs(out) == ["staircase/851_2016-02-01_2016-08-01"]
    assert not cache.is_current(run.notebook_path(out), run.output_dir(out), "key-1")
    assert not cache.is_current(run.notebook_path(out), run.output_dir(out), "key-2")


@pytest.mark.parametrize("leftover", ["notebook_without_key", "staging", "metadata_without_region"])
def test_build_refuses_a_reports_folder_with_an_incomplete_run(project_copy, tmp_path, leftover):
    out = tmp_path / "reports"
    run = runner.Run("staircase", 851, "2016-02-01", "2016-08-01")
    fake_stage(out, run)
    runner.publish(run, out, "key")
    broken = runner.Run("staircase", 615, "2016-02-01", "2016-08-01")
    if leftover == "staging":
        fake_stage(out, broken)
    else:
        nb = nbformat.v4.new_notebook()
        if leftover == "metadata_without_region":  # what a half-written papermill output looked like
            nb.metadata["reportbook"] = {"reads": {"interventions": "municipality"}}
        broken.notebook_path(out).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, broken.notebook_path(out))
    result = reportbook(
        "build", "--reports", out, "--data", small_data(tmp_path / "data"), env={"REPORTBOOK_HOME": str(project_copy)}
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "KeyError" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "staircase/615_2016-02-01_2016-08-01" in lines[0]


def test_command_errors_are_one_danish_sentence(tmp_path):
    """#25: a reports folder outside the book, and an operating-system error, are said in
    Danish, with no Python path error or traceback."""
    outside = reportbook("build", "--reports", tmp_path)
    assert outside.returncode == 2, outside.stderr
    assert "ligger uden for bogens mappe" in outside.stderr and "subpath" not in outside.stderr
    data = tmp_path / "data"
    write_csv(data / "interventions.csv", "person_id,municipality,target_group,measure,start_date,birth_date\n")
    (tmp_path / "a-file").write_text("x")
    blocked = reportbook("validate", data, "--rejects", tmp_path / "a-file" / "out")  # a file where a folder goes
    assert blocked.returncode == 2, blocked.stderr
    assert "a-file/out: er ikke en mappe" in blocked.stderr, blocked.stderr
    assert "Traceback" not in blocked.stderr and "Not a directory" not in blocked.stderr


def test_error_da_names_the_file_and_the_meaning():
    import errno

    from helpers.pipeline.cli import error_da

    assert error_da(PermissionError(errno.EACCES, "Permission denied", "/x/y.csv")) == (
        "/x/y.csv: adgang nægtet (tjek rettighederne)"
    )
    assert error_da(OSError(errno.ENOSPC, "No space left on device")) == "Der er ikke mere plads på disken"
    assert error_da(ValueError("Perioden 'x' skal skrives START:SLUT")) == "Perioden 'x' skal skrives START:SLUT"
