"""The page registry (``helpers/publishing/pages/pages.yml``): one entry gives a page its
notebook, module, title, group, reads and place in the sidebar."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import nbformat
import pytest
from conftest import ROOT, reportbook
from test_runs import small_data

from helpers.publishing import pages
from helpers.publishing.book import NOTEBOOK_TITLES
from helpers.publishing.pages import overview


def test_every_template_is_a_page_and_every_page_has_its_template_and_module():
    templates = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert set(pages.REGISTRY) == templates
    for notebook in pages.REGISTRY:
        assert callable(pages.page(notebook).specs), notebook
    titles = [p.title for p in pages.REGISTRY.values()]
    assert len(set(titles)) == len(titles)


def test_groups_titles_order_and_links_all_come_from_the_registry():
    assert pages.GROUPS["adults"] == ["adult_prices", "goal_attainment"]
    assert set(pages.GROUPS["children"]) == set(pages.REGISTRY) - {"adult_prices", "goal_attainment"}
    assert pages.group_of("trends") == pages.GROUPS["children"]
    assert pages.scope_of("goal_attainment", 851) == "voksne" and pages.scope_of("trends", 851) == "kommune-851"
    sidebar = ["overview", "trends", "staircase", "benchmarking", "budget_followup", "waiting_outcomes", "offers"]
    assert list(NOTEBOOK_TITLES) == [*sidebar, "adult_prices", "goal_attainment"]  # pages.yml's order
    assert NOTEBOOK_TITLES["budget_followup"] == "Budgetopfølgning"
    assert pages.LINKING_PAGES == ("overview",)
    assert [*sidebar[1:], "adult_prices", "goal_attainment"] == overview.DETAIL_PAGES
    assert all(overview.DETAIL_QUESTIONS[nb].endswith("?") for nb in overview.DETAIL_PAGES)


def test_a_bad_entry_is_refused_naming_the_file_and_the_entry(tmp_path):
    bad = tmp_path / "pages.yml"
    bad.write_text("- notebook: x\n  module: x\n  title: X\n  group: elders\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pages.yml, side 1 \(x\)"):
        pages.load_registry(bad)
    bad.write_text("- notebook: x\n  title: X\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"pages.yml, side 1"):
        pages.load_registry(bad)


#: Adding a page: this entry in the project's pages.yml ...
DEMO_ENTRY = """\
- notebook: demo
  module: demo_pages.children
  title: "Demo: børn pr. trin"
  group: children
  question: "Hvor mange børn er på hvert trin?"
  reads:
    interventions: municipality
"""
#: ... its module (what it publishes, with the units behind each count) ...
DEMO_MODULE = """\
from helpers.analyses.staircase import highest_active
from helpers.publishing.disclosure import TableSpec, count_cells


def specs(report):
    top = highest_active(report.rows("interventions"), report.period_end)
    table = top.groupby("step").size().rename("children").reset_index()
    units = top.assign(unit_id=top["person_id"])
    cells = count_cells("demo_children", table, "children", units, "child", ["step"])
    return [TableSpec("demo_children", table, cells, caption="Børn pr. trin")]
"""
#: ... and its notebook (parameters, then the page).
DEMO_CELLS = [
    "municipality = 851\nperiod_start = '2016-02-01'\nperiod_end = '2016-08-01'\n"
    "data_dir = 'data/synthetic'\noutput_dir = 'out'\nrun_config = {}",
    "from IPython.display import display\nfrom helpers.pipeline.session import open_report\n"
    "report = open_report(\n"
    "    municipality, period_start, period_end, data_dir, output_dir, notebook='demo', run_config=run_config\n"
    ")\n"
    "display(report.header('Demo'))\ndisplay(report.table('demo_children'))",
]


def test_a_new_page_is_one_registry_entry_its_notebook_and_its_module(project_copy, tmp_path):
    """The whole change of adding a page, made in a project of its own and run as a user
    runs it: the page is protected with its group, titled from its entry, and a read it
    declares is its run's dependency."""
    home = tmp_path / "project"
    shutil.copytree(project_copy, home)
    (home / "pages.yml").write_text(DEMO_ENTRY, encoding="utf-8")
    package = tmp_path / "lib" / "demo_pages"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "children.py").write_text(DEMO_MODULE, encoding="utf-8")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# Demo")] + [nbformat.v4.new_code_cell(c) for c in DEMO_CELLS]
    nb.cells[1].metadata["tags"] = ["parameters"]
    nbformat.write(nb, home / "notebooks" / "demo.ipynb")

    out = tmp_path / "out"
    data = small_data(tmp_path / "data")
    env = {"REPORTBOOK_HOME": str(home), "PYTHONPATH": str(tmp_path / "lib")}
    args = ["run", "--data", data, "--out", out, "--municipality", "851", "--period", "2016-02-01:2016-08-01"]
    result = reportbook(*args, "--notebook", "demo", env=env)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    folder = out / "demo" / "851_2016-02-01_2016-08-01"
    # one child, on step 5: a count of 1, withheld by the group's protection
    assert (folder / "demo_children.csv").read_text(encoding="utf-8").splitlines() == ["step,children", "5,"]
    executed = nbformat.read(out / "demo" / "851_2016-02-01_2016-08-01.ipynb", as_version=4)
    assert "Demo: børn pr. trin" in executed.cells[0].source  # the title from the entry
    assert json.loads((folder / "published.json").read_text())["demo_children"]["withheld"] == 1
    script = textwrap.dedent(
        """
        from helpers.publishing.report import notebook_reads
        from helpers.publishing.pages import group_of
        from helpers.pipeline.cache import code_digest
        print(notebook_reads("demo"), "demo" in group_of("staircase"), code_digest())
        """
    )

    def shown():
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env={**os.environ, **env})
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.split()

    reads_and_group = "{'interventions': 'municipality'} True"
    before = shown()
    assert " ".join(before[:-1]) == reads_and_group
    # the page's own module is part of every run's key: editing it runs the page again
    (package / "children.py").write_text(DEMO_MODULE + "\n# changed\n", encoding="utf-8")
    after = shown()
    assert " ".join(after[:-1]) == reads_and_group and after[-1] != before[-1]
    # a page notebook that does not hand run_config on is refused before anything runs
    nb.cells[2].source = nb.cells[2].source.replace(", run_config=run_config", "")
    nbformat.write(nb, home / "notebooks" / "demo.ipynb")
    refused = reportbook(*args, "--notebook", "demo", "--force", env=env)
    assert refused.returncode != 0 and "run_config" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
