"""The notebook templates are the source: paired with a percent-format text twin, stored
without outputs, each a page of the registry (``pages.yml``), which declares what it reads."""

from pathlib import Path

import jupytext
import nbformat
import pytest
from conftest import ROOT

from helpers.data.contract import TABLES
from helpers.publishing.pages import REGISTRY

TEMPLATES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def cells(nb):
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_template_has_a_text_twin_and_every_twin_a_template():
    assert len(TEMPLATES) >= 5
    assert {p.stem for p in TEMPLATES} == {p.stem for p in (ROOT / "notebooks").glob("*.py")}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_and_its_text_twin_are_in_sync(path: Path):
    notebook, twin = jupytext.read(path), jupytext.read(path.with_suffix(".py"))
    assert cells(notebook) == cells(twin), f"run `jupytext --sync notebooks/{path.stem}.ipynb`"
    assert notebook.metadata["jupytext"]["formats"] == "ipynb,py:percent"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_is_stored_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_template_is_a_registered_page_that_declares_its_reads_once_and_its_parameters(path: Path):
    nb = nbformat.read(path, as_version=4)
    reads = REGISTRY[path.stem].reads
    assert reads and set(reads) <= set(TABLES) and set(reads.values()) <= {"municipality", "all"}
    assert "reads" not in nb.metadata.get("reportbook", {}), "a page's reads are in pages.yml, not twice"
    parameters = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    for name in ("municipality", "period_start", "period_end", "data_dir", "output_dir"):
        assert f"{name} = " in parameters[0].source
