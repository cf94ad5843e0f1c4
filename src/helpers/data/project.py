"""A report-book project folder: what it holds and where it is.

A project is the folder the commands work in: ``runs.yml`` (the matrix), ``_config.yml`` and
``_toc.yml`` (the book), ``notebooks/`` (the templates), ``book/`` (the hand-written pages),
and ``data/`` (the shipped reference tables; the data sets to report on). A checkout of the
repository is one. An installed package (a wheel, not a checkout) carries a copy of these
files as package data (``helpers/project/``, written by ``setup.py``), and ``reportbook init
FOLDER`` writes them into a new project folder.

Only the standard library is imported here: ``setup.py`` reads :data:`PROJECT_FILES`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

#: The files of a project, as globs relative to its folder.
PROJECT_FILES = (
    "runs.yml",
    "_config.yml",
    "_toc.yml",
    "notebooks/*.ipynb",
    "notebooks/*.py",
    "book/intro.md",
    "book/data_and_method.md",
    "book/_static/*",
    # the shipped reference tables by name: a data set an analyst keeps in data/ (with CPR
    # numbers) must never be copied into a wheel or a new project
    "data/measure_steps.csv",
    "data/municipalities.csv",
    "data/municipality_names.csv",
    "data/reference/README.md",
    "data/reference/kbh_vum_support_letter.csv",
    "data/reference/kora_aalborg_flows_2016.csv",
    "data/reference/vive_tabel_1_1_2015.csv",
)
#: Where an installed package keeps its copy of the project files.
PACKAGED = Path(__file__).resolve().parents[1] / "project"
#: The checkout the package was installed from in editable mode (if it is one).
CHECKOUT = Path(__file__).resolve().parents[3]


def is_project(folder: Path) -> bool:
    return (folder / "runs.yml").is_file() and (folder / "notebooks").is_dir()


def project_root() -> Path:
    """``REPORTBOOK_HOME``; else the nearest project folder at or above the working folder;
    else the checkout the package runs from; else the working folder (a command that needs a
    project then says that there is none)."""
    env = os.environ.get("REPORTBOOK_HOME")
    if env:
        return Path(env).resolve()  # kernels start in the project: a relative path would move
    cwd = Path.cwd()
    for folder in (cwd, *cwd.parents):
        if is_project(folder):
            return folder
    if is_project(CHECKOUT):
        return CHECKOUT
    return cwd


def template_root() -> Path:
    """The project files to copy: the package's own copy, or the checkout's."""
    return PACKAGED if is_project(PACKAGED) else CHECKOUT


def project_files(root: Path) -> list[Path]:
    """Every project file under ``root``, relative to it, sorted."""
    found = {p.relative_to(root) for pattern in PROJECT_FILES for p in root.glob(pattern) if p.is_file()}
    return sorted(found)


def init_project(target: Path, source: Path | None = None) -> tuple[list[Path], list[Path]]:
    """Copy the project files into ``target``; a file that is already there is kept (it may
    be the user's own). Returns (written, kept)."""
    source = source or template_root()
    written, kept = [], []
    for rel in project_files(source):
        dest = target / rel
        if dest.exists():
            kept.append(rel)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, dest)
        written.append(rel)
    return written, kept


__all__ = ["PROJECT_FILES", "init_project", "is_project", "project_files", "project_root", "template_root"]
