"""The package outside a checkout (issue #28, item 4): a wheel that carries the project files,
``reportbook init`` to start a project folder, a package that imports where ``fcntl`` does
not exist (Windows), and the engine chosen by the platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

from helpers.data import project

CLEAN_ENV = {k: v for k, v in os.environ.items() if k != "REPORTBOOK_HOME"}


def _wheel(tmp: Path) -> Path:
    """Build the wheel from a copy of the checkout's sources (the build leaves nothing in it)."""
    source = tmp / "source"
    shutil.copytree(ROOT / "src" / "helpers", source / "src" / "helpers", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for rel in project.project_files(ROOT):
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, source / rel)
    dist = tmp / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", str(source), "-w", dist],
        check=True,
        capture_output=True,
        env=CLEAN_ENV,
    )
    (wheel,) = dist.glob("reportbook-*.whl")
    return wheel


def _venv(tmp: Path, wheel: Path) -> Path:
    """A fresh virtual environment with the wheel installed; the libraries it depends on are
    the test environment's (a path file; no network), not the checkout."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # only the libraries: a plain path line does not run the checkout's editable .pth inside it
    (purelib / "reportbook-libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
        env=CLEAN_ENV,
    )
    return venv / "bin"


@pytest.mark.slow
def test_the_wheel_installs_outside_the_checkout_and_builds_a_small_book(tmp_path):
    wheel = _wheel(tmp_path)
    bin_dir = _venv(tmp_path, wheel)
    work = tmp_path / "elsewhere"
    work.mkdir()

    def run(*args, check=True):
        result = subprocess.run(
            [str(bin_dir / "reportbook"), *args], cwd=work / "projekt", capture_output=True, text=True, env=CLEAN_ENV
        )
        assert not check or result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
        return result

    where = subprocess.run(
        [str(bin_dir / "python"), "-c", "import helpers; print(helpers.__file__)"],
        cwd=work,
        capture_output=True,
        text=True,
        env=CLEAN_ENV,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(tmp_path / "venv")), where  # the wheel's package, not the checkout's
    (work / "projekt").mkdir()
    printed = run("init").stdout
    assert f"{len(project.project_files(ROOT))} filer skrevet" in printed
    assert sorted(map(str, project.project_files(work / "projekt"))) == sorted(map(str, project.project_files(ROOT)))
    run("synth")
    run("run", "--municipality", "Middelfart", "--notebook", "staircase", "--period", "2016-02-01:2016-08-01")
    run("build", "--no-pdf")
    html = work / "projekt" / "_build" / "html"
    page = html / "book" / "reports" / "staircase" / "410_2016-02-01_2016-08-01.html"
    assert (html / "index.html").is_file() and page.is_file()
    assert "Middelfart" in page.read_text(encoding="utf-8")
    assert not (ROOT / "build").exists()


def test_init_writes_the_project_files_and_keeps_the_users_own(tmp_path):
    target = tmp_path / "projekt"
    written, kept = project.init_project(target, ROOT)
    assert kept == [] and written == project.project_files(ROOT)
    assert project.is_project(target)
    assert {"runs.yml", "_config.yml", "_toc.yml", "data/measure_steps.csv"} <= set(map(str, written))
    assert (target / "notebooks" / "staircase.ipynb").read_bytes() == (
        ROOT / "notebooks" / "staircase.ipynb"
    ).read_bytes()
    (target / "runs.yml").write_text("# mine\n")
    written, kept = project.init_project(target, ROOT)
    assert written == [] and Path("runs.yml") in kept
    assert (target / "runs.yml").read_text() == "# mine\n"


def test_the_project_is_found_from_the_working_folder(tmp_path, monkeypatch):
    project.init_project(tmp_path / "projekt", ROOT)
    inner = tmp_path / "projekt" / "data"
    monkeypatch.delenv("REPORTBOOK_HOME", raising=False)
    monkeypatch.chdir(inner)
    assert project.project_root() == tmp_path / "projekt"  # the nearest project at or above
    monkeypatch.setenv("REPORTBOOK_HOME", str(tmp_path / "other"))
    assert project.project_root() == tmp_path / "other"
    monkeypatch.delenv("REPORTBOOK_HOME")
    monkeypatch.chdir(tmp_path)
    assert project.project_root() == project.CHECKOUT  # no project here: the checkout it runs from


def test_the_manifest_lists_the_project_files_and_no_data_set():
    """MANIFEST.in (the sdist) and PROJECT_FILES (the wheel, ``reportbook init``) name the
    same files; an analyst's data set in data/ is in neither."""
    import glob

    listed = set()
    for line in (ROOT / "MANIFEST.in").read_text().splitlines():
        words = line.split()
        if words and words[0] == "include":
            listed |= {Path(f).relative_to(ROOT) for w in words[1:] for f in glob.glob(str(ROOT / w))}
        elif words and words[0] == "recursive-include":
            listed |= {p.relative_to(ROOT) for p in (ROOT / words[1]).rglob(words[2]) if p.is_file()}
    assert listed == set(project.project_files(ROOT))


def test_a_data_set_kept_in_data_is_not_a_project_file(tmp_path):
    project.init_project(tmp_path, ROOT)
    (tmp_path / "data" / "interventions.csv").write_text("person_id\n0101901234\n")
    (tmp_path / "data" / "reference" / "eget.csv").write_text("a\n1\n")
    files = project.project_files(tmp_path)
    assert files == project.project_files(ROOT)
    assert Path("data/interventions.csv") not in files and Path("data/reference/eget.csv") not in files


#: On Linux this hides fcntl, so filelock falls back to its soft lock; on Windows filelock
#: locks with msvcrt. What it shows is that nothing of ours imports fcntl.
HIDE_FCNTL = """
import sys
sys.modules["fcntl"] = None  # as on Windows: `import fcntl` raises ImportError
import helpers.pipeline.cli, helpers.pipeline.runner, helpers.pipeline.engine, helpers.publishing.report
from pathlib import Path
from helpers.pipeline import runner
out = Path(sys.argv[1])
with runner.run_lock(out):
    try:
        with runner.run_lock(out):
            raise SystemExit("a second run got the lock")
    except runner.RunLocked as err:
        print("refused:", err)
with runner.run_lock(out):
    print("free again")
"""


def test_the_package_imports_and_locks_without_fcntl(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", HIDE_FCNTL, str(tmp_path / "out")], capture_output=True, text=True, env=CLEAN_ENV
    )
    assert result.returncode == 0, result.stderr
    assert "refused: En anden kørsel skriver allerede til" in result.stdout and "free again" in result.stdout


def test_without_fork_the_kernel_engine_is_used_and_said_once(tmp_path, monkeypatch, capsys):
    from helpers.pipeline import runner

    assert runner.fork_available() == sys.platform.startswith("linux")
    monkeypatch.setattr(runner.sys, "platform", "win32")
    assert not runner.fork_available()
    data = tmp_path / "data"
    data.mkdir()
    assert runner.run_matrix([], data, tmp_path / "out", engine="fork", progress=False) == []
    err = capsys.readouterr().err
    assert err.count("Motoren fork findes kun på Linux") == 1 and "kører notebooks med kernel" in err
