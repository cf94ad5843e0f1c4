"""The code base's habits: layers that import only downward, and ruff's lint and format."""

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
