import json
import subprocess

import nbformat
import pandas as pd
import pytest
from conftest import BIN, reportbook, write_csv

from helpers.pipeline.runner import build_matrix, parse_period


def test_matrix_names_are_deterministic_per_code_period_and_notebook():
    runs = build_matrix(["staircase"], ["Aalborg", "851", "0851", 101], ["2016-02-01:2016-08-01"])
    assert [r.run_id for r in runs] == ["101_2016-02-01_2016-08-01", "851_2016-02-01_2016-08-01"]
    assert (
        str(runs[1].notebook_path(__import__("pathlib").Path("out"))) == "out/staircase/851_2016-02-01_2016-08-01.ipynb"
    )


@pytest.mark.parametrize("bad", ["2016-02-01", "2016-08-01:2016-02-01", "x:y"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(ValueError):
        parse_period(bad)


def test_unknown_notebook_or_municipality_is_refused():
    with pytest.raises(ValueError, match="Ukendt notebook"):
        build_matrix(["nope"], [851], ["2016-02-01:2016-08-01"])
    with pytest.raises(ValueError, match="Ukendt kommune"):
        build_matrix(["staircase"], ["Atlantis"], ["2016-02-01:2016-08-01"])


def executed(site, code, notebook="staircase"):
    return nbformat.read(site / "book" / "reports" / notebook / f"{code}_2016-02-01_2016-08-01.ipynb", as_version=4)


def outputs_html(nb):
    return "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)


@pytest.mark.parametrize(
    "notebook", ["staircase", "benchmarking", "budget_followup", "adult_prices", "goal_attainment"]
)
def test_executed_notebooks_have_no_errors_and_hide_parameters(book_site, notebook):
    for code in (851, 101):
        nb = executed(book_site, code, notebook)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and "remove-cell" in injected[0].metadata["tags"]
        assert nb.cells[0].source.startswith("# ") and f"({code})" in nb.cells[0].source.splitlines()[0]
    meta = executed(book_site, 851).metadata["reportbook"]
    assert (meta["municipality"], meta["municipality_name"], meta["region"]) == (851, "Aalborg", "Region Nordjylland")


def test_each_run_records_its_configuration(book_site):
    run_dir = book_site / "book" / "reports" / "staircase" / "851_2016-02-01_2016-08-01"
    config = json.loads((run_dir / "run.json").read_text())
    assert config["parameters"] == {
        "municipality": 851,
        "period_start": "2016-02-01",
        "period_end": "2016-08-01",
        "data_dir": str(book_site / "data" / "synthetic"),
        "output_dir": run_dir.name,
    }
    assert set(config["input_files"]) == {
        "interventions.csv",
        "adult_registrations.csv",
        "case_events.csv",
        "municipality_figures.csv",
        "budget_assumptions.csv",
        "waiting_list.csv",
        "child_outcomes.csv",
        "district_population.csv",
        "targets.csv",
        "supervisions.csv",
        "budget_profile.csv",
    }
    # the staircase reads Aalborg's rows only: its interventions, and (for the protection it
    # shares with the other children's pages) its case events and budget
    assert list(config["data_fingerprint"]) == [
        "budget_assumptions (851)",
        "budget_profile (851)",
        "case_events (851)",
        "interventions (851)",
    ]
    assert config["synthetic"] is True
    assert (book_site / "book" / "reports" / "rejects.csv").exists()  # one rejects file beside the outputs


@pytest.mark.parametrize("notebook", ["staircase", "budget_followup"])
def test_a_municipality_without_rows_gets_a_danish_message(book_site, notebook):
    html = outputs_html(executed(book_site, 101, notebook))
    assert "Ingen data" in html and "København" in html
    assert not (book_site / "book" / "reports" / "staircase" / "101_2016-02-01_2016-08-01" / "flow_table.csv").exists()


def test_outputs_are_byte_stable_across_runs(book_site, tmp_path):
    env = {"REPORTBOOK_HOME": str(book_site)}
    reportbook(
        "run",
        "--municipality",
        "851",
        "--period",
        "2016-02-01:2016-08-01",
        "--out",
        tmp_path,
        "--jobs",
        "1",
        "--notebook",
        "staircase",
        env=env,
        check=True,
    )
    first = book_site / "book" / "reports" / "staircase" / "851_2016-02-01_2016-08-01"
    second = tmp_path / "staircase" / "851_2016-02-01_2016-08-01"
    published = json.loads((first / "published.json").read_text())
    names = [f for entry in published.values() for f in (entry["csv"], entry["xlsx"])]
    assert len(names) >= 12
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_missing_data_directory_is_refused_before_any_run(project_copy, tmp_path):
    result = reportbook(
        "run",
        "--data",
        tmp_path / "missing",
        "--out",
        tmp_path / "out",
        "--municipality",
        "851",
        "--period",
        "2016-02-01:2016-08-01",
        "--jobs",
        "1",
        env={"REPORTBOOK_HOME": str(project_copy)},
    )
    assert result.returncode == 2 and "findes ikke" in result.stderr and "Traceback" not in result.stderr
    # the same for a release (one run block for both commands), and nothing is recorded
    result = reportbook(
        "release", "2016-01", "--data", tmp_path / "missing", "--out", tmp_path / "out", "--municipality", "851",
        "--notebook", "trends", "--no-build", "--jobs", "1", env={"REPORTBOOK_HOME": str(project_copy)},
    )  # fmt: skip
    assert result.returncode == 2 and "findes ikke" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "releases.json").exists()


def test_a_failing_notebook_fails_the_run_and_names_it(project_copy, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("municipality = 0\nperiod_start = period_end = data_dir = output_dir = ''")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Fejl"),
        params,
        nbformat.v4.new_code_cell("raise ValueError('bevidst fejl')"),
    ]
    nbformat.write(nb, project_copy / "notebooks" / "broken_example.ipynb")
    data = tmp_path / "data"
    write_csv(data / "municipality_figures.csv", "municipality,year\n851,2015\n")
    args = ["run", "--data", data, "--out", tmp_path / "out", "--municipality", "851"]
    args += ["--period", "2016-02-01:2016-08-01", "--jobs", "2"]
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "c")}
    failed = tmp_path / "out" / ".failed" / "broken_example" / "851_2016-02-01_2016-08-01.ipynb"
    try:
        result = reportbook(*args, "--notebook", "broken_example", "--notebook", "staircase", env=env)
        assert failed.is_file()  # kept for inspection
        # mended, the run succeeds and its failed notebook goes (the book build would read it)
        nb.cells[2] = nbformat.v4.new_code_cell("pass")
        nbformat.write(nb, project_copy / "notebooks" / "broken_example.ipynb")
        assert reportbook(*args, "--notebook", "broken_example", env=env).returncode == 0
        assert not failed.exists()
    finally:
        (project_copy / "notebooks" / "broken_example.ipynb").unlink()
    assert result.returncode == 1
    assert "FEJL i broken_example · 851 · 2016-02-01:2016-08-01: ValueError: bevidst fejl" in result.stderr
    assert "staircase" not in result.stderr  # the other run succeeded
    assert (tmp_path / "out" / "staircase" / "851_2016-02-01_2016-08-01.ipynb").exists()


def test_absent_table_runs_and_says_so(project_copy, tmp_path):
    data = tmp_path / "only_figures"
    write_csv(data / "municipality_figures.csv", "municipality,year,population\n851,2015,210000\n")
    out = tmp_path / "out"
    reportbook(
        "run",
        "--data",
        data,
        "--out",
        out,
        "--municipality",
        "851",
        "--period",
        "2016-02-01:2016-08-01",
        "--jobs",
        "2",
        env={"REPORTBOOK_HOME": str(project_copy)},
        check=True,
    )
    for notebook in (
        "overview",
        "staircase",
        "trends",
        "benchmarking",
        "budget_followup",
        "waiting_outcomes",
        "offers",
        "adult_prices",
        "goal_attainment",
    ):
        html = outputs_html(nbformat.read(out / notebook / "851_2016-02-01_2016-08-01.ipynb", as_version=4))
        assert "Ingen data" in html, notebook


def test_the_papermill_cli_alone_runs_a_notebook(book_site, tmp_path):
    result = subprocess.run(
        [
            str(BIN / "papermill"),
            str(book_site / "notebooks" / "staircase.ipynb"),
            str(tmp_path / "out.ipynb"),
            "-p",
            "municipality",
            "615",
            "-p",
            "output_dir",
            str(tmp_path / "tables"),
        ],
        cwd=book_site,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "REPORTBOOK_HOME": str(book_site)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "tables" / "transitions.csv").exists()


def test_a_page_without_data_says_so_once_and_keeps_only_its_footer():
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

    from helpers.pipeline.runner import without_empty_sections

    def shown(html):
        return new_code_cell("", outputs=[new_output("display_data", data={"text/html": html})])

    header = shown("<h1>Indsatstrappen</h1>")
    empty = shown("<div class='admonition note no-data-page'><p>Ingen data</p></div>")
    section, text = shown("<table></table>"), new_markdown_cell("## Bevægelser")
    footer = shown("<details class='run-parameters'>...</details>")
    assert without_empty_sections([header, empty, text, section, footer]) == [header, empty, footer]
    # a message about one section only leaves the page as it is
    note = shown("<div class='admonition note'><p>Ingen data</p></div>")
    assert without_empty_sections([header, note, text, section, footer]) == [header, note, text, section, footer]


def test_a_table_read_by_another_page_of_the_group_re_runs_every_page_of_the_group(tmp_path):
    """The staircase does not read ``targets``, but the trends page does, and both are
    protected together: a change in targets must re-run the staircase too (its withheld
    cells may change), while the adult pages, another group, stay as they are."""
    from helpers.pipeline.runner import Run, plan

    data = tmp_path / "data"
    write_csv(
        data / "interventions.csv",
        "person_id,municipality,target_group,measure,step,start_date\nB1,851,udsat,x,1,2016-01-01\n",
    )
    write_csv(data / "targets.csv", "municipality,year,figure,group,target\n851,2016,placed_children,I alt,5\n")
    runs = [Run(nb, 851, "2016-02-01", "2016-08-01") for nb in ("staircase", "trends", "adult_prices")]
    before = plan(runs, data, tmp_path / "out").keys
    write_csv(data / "targets.csv", "municipality,year,figure,group,target\n851,2016,placed_children,I alt,6\n")
    after = plan(runs, data, tmp_path / "out").keys
    changed = {r.notebook for r in runs if before[r] != after[r]}
    assert changed == {"staircase", "trends"}


def test_stopping_the_workers_leaves_no_pool_thread_for_the_exit_hook():
    """A stopped pool's manager thread has ended and closed its wake-up pipe before the stop
    returns; else the interpreter's exit hook can write to the pipe as it closes and print a
    traceback (EBADF) after a clean refusal (seen in CI)."""
    import concurrent.futures.process as pool_internals

    from helpers.pipeline import runner

    pool = runner._start_pool(1, "kernel", ("staircase",))
    runner._stop_workers(pool)
    left = [(t.name, w._closed) for t, w in pool_internals._threads_wakeups.items() if t.is_alive() or not w._closed]
    assert left == []


def test_the_expensive_cases_share_is_set_in_runs_yml_checked_and_reaches_the_page(project_copy, tmp_path):
    """``expensive_cases_share`` (seed 002: the 10-15 % dearest cases) is a matrix setting:
    outside 10-15 % the run is refused in Danish without a traceback; inside, it reaches the
    key figures of the page, and a change re-runs the page (it is part of the cache key)."""
    from helpers.pipeline.runner import Run, check_settings, plan

    lines = ["person_id,municipality,target_group,measure,step,start_date,monthly_cost,birth_date"]
    lines += [f"B{k:02d},851,udsat,x,2,2016-01-01,{1000 * k},2008-01-01" for k in range(1, 41)]
    data = tmp_path / "data"
    write_csv(data / "interventions.csv", "\n".join(lines) + "\n")
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "c")}
    args = ["run", "--data", data, "--out", tmp_path / "out", "--municipality", "851", "--notebook", "benchmarking"]
    args += ["--period", "2016-02-01:2016-08-01", "--jobs", "1"]

    wrong = write_csv(tmp_path / "wrong.yml", "expensive_cases_share: 0.2\n")
    refused = reportbook(*args, "--config", wrong, env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "wrong.yml" in refused.stderr and "expensive_cases_share" in refused.stderr
    assert not (tmp_path / "out" / "benchmarking").exists()

    chosen = write_csv(tmp_path / "chosen.yml", "expensive_cases_share: 0.15\n")
    reportbook(*args, "--config", chosen, env=env, check=True)
    figures = pd.read_csv(tmp_path / "out" / "benchmarking" / "851_2016-02-01_2016-08-01" / "key_figures.csv")
    rows = figures.set_index("figure")["value"]
    assert rows["top_cases_share_chosen"] == 0.15 and rows["top_cases"] == 6  # 15 % of 40 children

    run = [Run("benchmarking", 851, "2016-02-01", "2016-08-01")]
    keys = {
        share: plan(run, data, tmp_path / "p", settings=check_settings({"expensive_cases_share": share})).keys
        for share in (0.10, 0.15)
    }
    assert keys[0.10][run[0]] != keys[0.15][run[0]]
    assert check_settings({}) == {"expensive_cases_share": 0.10}
