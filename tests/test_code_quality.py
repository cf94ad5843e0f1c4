"""The code base's habits: layers that import only downward, and ruff's lint and format."""

import re
import subprocess

from conftest import BIN, ROOT


def run(*args):
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT, capture_output=True, text=True)


def test_imports_point_only_downward_and_have_no_cycles():
    result = run("lint-imports")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_ruff_lint_and_format():
    paths = ["src", "tests", "notebooks", "benchmarks"]
    lint = run("ruff", "check", *paths)
    assert lint.returncode == 0, lint.stdout[-3000:]
    formatted = run("ruff", "format", "--check", *paths)
    assert formatted.returncode == 0, formatted.stdout[-3000:]


def test_helpers_is_light_and_exposes_the_analyses_lazily():
    code = (
        "import sys, helpers; assert 'pandas' not in sys.modules; import pandas as pd; "
        "iv = pd.DataFrame({'person_id': ['a'], 'step': [5], 'start_date': pd.to_datetime(['2016-01-01']),"
        " 'end_date': pd.to_datetime([None])});"
        "t = helpers.staircase.transitions(iv, '2016-02-01', '2016-08-01');"
        "assert t.to_dict('records') == [{'from_step': 5, 'to_step': 5, 'children': 1}]"
    )
    result = subprocess.run([str(BIN / "python"), "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


#: A row filter ``x[x["a"] ... & x["b"] ...]`` (one or more conditions on the frame itself).
_FILTER = re.compile(r"(\w+)\[(?:~?\(?\1\[[^\]]+\][^\[\]]*?)(?:\s*[&|]\s*\(?~?\1\[[^\]]+\][^\[\]]*?)*\]")
#: Single-column selections on a frame the analysis already prepared: a breakdown, not a filter.
_BREAKDOWNS = {'data[data["service"] == service]', 'frame[frame["in_period"]]'}


def filters(path):
    text = path.read_text(encoding="utf-8")
    return {re.sub(r"\s+", " ", m.group(0)) for m in _FILTER.finditer(text)} - _BREAKDOWNS


def test_no_analysis_filter_is_written_again_in_the_publishing_layer():
    """The units a page declares for disclosure come from the analysis (a function the
    page calls), so a filter lives in one place: an analysis change is made once, and the
    declaration cannot drift from the computation."""
    package = ROOT / "src" / "helpers"
    analysed = {f: p.name for p in (package / "analyses").glob("*.py") for f in filters(p)}
    again = [
        f"{p.relative_to(package)}: {f} (analyses/{analysed[f]})"
        for p in sorted((package / "publishing").rglob("*.py"))
        for f in filters(p)
        if f in analysed
    ]
    assert not again, "\n".join(again)


def test_the_runner_passes_behaviour_to_notebooks_as_parameters_not_environment_variables():
    """What a run is (its matrix, its publication, where its private record goes) reaches
    the notebook as the papermill parameter ``run_config``, recorded with the run; nothing
    in the package sets a process-wide environment variable (the fork engine's
    ``MPLBACKEND`` default is what ipykernel sets in every kernel)."""
    setting = re.compile(r"os\.environ\[[^\]]+\]\s*=|os\.environ\.update\(|os\.putenv\(|environ\.setdefault\(")
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in sorted((ROOT / "src" / "helpers").rglob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if setting.search(line) and "MPLBACKEND" not in line
    ]
    assert not found, found
    for template in sorted((ROOT / "notebooks").glob("*.py")):
        text = template.read_text(encoding="utf-8")
        assert "run_config = {}" in text and "run_config=run_config" in text, template.name


def test_the_pipeline_writes_the_run_records_and_holds_the_locks_the_publishing_layer_builds_pages():
    """Item 3 of the maintainability issue: ``run.json``, the rejects file and the locks
    around the protection cache belong to the pipeline (``helpers.pipeline.session``); the
    publishing layer builds pages (tables, their protection, the private record of what a
    page published) and never locks or records a run."""
    run_records = re.compile(r"file_lock|FileLock|fcntl|\"run\.json\"\)\.write|write_rejects")
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in sorted((ROOT / "src" / "helpers" / "publishing").rglob("*.py"))
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if run_records.search(line)
    ]
    assert not found, found
    for template in sorted((ROOT / "notebooks").glob("*.py")):
        if "open_report" in template.read_text(encoding="utf-8"):
            assert "from helpers.pipeline.session import open_report" in template.read_text(encoding="utf-8")
