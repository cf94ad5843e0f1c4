"""Packaging beyond pyproject.toml: a wheel carries the project files (notebooks, book pages,
configuration, reference data) as ``helpers/project/``, so that an installed reportbook can
write a new project folder (``reportbook init``) without a checkout. The list of files is
``helpers.data.project.PROJECT_FILES``."""

import runpy
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class build_py_with_project(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        project = runpy.run_path(str(HERE / "src" / "helpers" / "data" / "project.py"))
        target = Path(self.build_lib) / "helpers" / "project"
        for rel in project["project_files"](HERE):
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / rel, dest)


setup(cmdclass={"build_py": build_py_with_project})
