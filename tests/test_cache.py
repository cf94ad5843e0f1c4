"""Data-aware caching: what a run reads decides whether it runs again."""

import os
import stat

import pandas as pd
from conftest import reportbook, write_csv

from helpers import load
from helpers.data.dataset import EMPTY, data_fingerprint, table_digests
from helpers.pipeline.cache import KEY_FILE

IV = "person_id,municipality,target_group,measure,step,start_date,end_date,monthly_cost\n"


def iv_rows(cost_615="2000"):
    return (
        IV + "241210-4011,851,udsat,a,5,2015-01-01,,1000\n"
        "241210-4011,851,udsat,a,2,2016-05-01,,1000\n"
        f"0101104002,615,udsat,a,3,2015-01-01,,{cost_615}\n"
    )


def test_table_digests_change_only_for_the_changed_municipality(tmp_path):
    write_csv(tmp_path / "a" / "interventions.csv", iv_rows())
    write_csv(tmp_path / "b" / "interventions.csv", iv_rows(cost_615="2500"))
    a, b = (table_digests(load(tmp_path / x, use_cache=False)) for x in "ab")
    assert a["interventions"]["851"] == b["interventions"]["851"]
    assert a["interventions"]["615"] != b["interventions"]["615"]
    assert a["interventions"]["*"] != b["interventions"]["*"]
    assert a["case_events"] == {"*": EMPTY}
    reads = {"interventions": "municipality", "municipality_figures": "all"}
    assert data_fingerprint(a, reads, 851) == data_fingerprint(b, reads, 851)
    assert data_fingerprint(a, reads, 615) != data_fingerprint(b, reads, 615)


def test_dataset_cache_returns_the_same_data_and_follows_file_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_csv(tmp_path / "d" / "interventions.csv", iv_rows())
    first = load(tmp_path / "d")
    assert len(list((tmp_path / "cache").rglob("*.pkl"))) == 1
    second = load(tmp_path / "d")
    pd.testing.assert_frame_equal(first.interventions, second.interventions)
    write_csv(tmp_path / "d" / "interventions.csv", iv_rows(cost_615="9999"))
    third = load(tmp_path / "d")
    assert third.interventions["monthly_cost"].tolist()[-1] == 9999
    cached = (tmp_path / "cache").rglob("*.pkl")
    assert not any(b"241210" in p.read_bytes() for p in cached)  # pseudonymised rows only


def test_matrix_reruns_only_what_changed(project_copy, tmp_path):
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    data = tmp_path / "data"
    write_csv(data / "interventions.csv", iv_rows())
    out = tmp_path / "out"
    args = [
        "run",
        "--data",
        data,
        "--out",
        out,
        "--municipality",
        "851",
        "--municipality",
        "615",
        "--period",
        "2016-02-01:2016-08-01",
        "--notebook",
        "staircase",
        "--notebook",
        "budget_followup",
        "--jobs",
        "2",
    ]
    reportbook(*args, env=env, check=True)
    notebooks = sorted(out.glob("*/*.ipynb"))
    assert len(notebooks) == 4
    stamp = {p: p.stat().st_mtime_ns for p in notebooks}

    again = reportbook(*args, env=env, check=True)
    assert "4 af 4 kørsler er uændrede" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in notebooks} == stamp

    write_csv(data / "interventions.csv", iv_rows(cost_615="2500"))
    reportbook(*args, env=env, check=True)
    changed = sorted(p.name for p in notebooks if p.stat().st_mtime_ns != stamp[p])
    assert changed == ["615_2016-02-01_2016-08-01.ipynb", "615_2016-02-01_2016-08-01.ipynb"]
    assert {p.parent.name for p in notebooks if p.stat().st_mtime_ns != stamp[p]} == {"staircase", "budget_followup"}

    stamp = {p: p.stat().st_mtime_ns for p in notebooks}
    reportbook(*args, "--force", env=env, check=True)
    assert all(p.stat().st_mtime_ns != stamp[p] for p in notebooks)


def test_dask_local_cluster_runs_the_matrix_and_returns_files(project_copy, tmp_path):
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    data = tmp_path / "data"
    write_csv(data / "interventions.csv", iv_rows())
    out = tmp_path / "out"
    result = reportbook(
        "run",
        "--data",
        data,
        "--out",
        out,
        "--municipality",
        "851",
        "--municipality",
        "615",
        "--period",
        "2016-02-01:2016-08-01",
        "--notebook",
        "staircase",
        "--scheduler",
        "local",
        "--jobs",
        "2",
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for code in (851, 615):
        assert (out / "staircase" / f"{code}_2016-02-01_2016-08-01.ipynb").exists()
        assert (out / "staircase" / f"{code}_2016-02-01_2016-08-01" / "transitions.csv").exists()
    assert (out / "matrix.json").exists()
    again = reportbook(
        "run",
        "--data",
        data,
        "--out",
        out,
        "--municipality",
        "851",
        "--municipality",
        "615",
        "--period",
        "2016-02-01:2016-08-01",
        "--notebook",
        "staircase",
        "--scheduler",
        "local",
        "--jobs",
        "2",
        env=env,
    )
    assert "2 af 2 kørsler er uændrede" in again.stdout
    assert os.path.exists(out / "staircase" / "851_2016-02-01_2016-08-01" / KEY_FILE)


def test_cache_files_are_private_and_the_folder_too(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    old = os.umask(0o022)
    try:
        write_csv(tmp_path / "d" / "interventions.csv", iv_rows())
        load(tmp_path / "d")
    finally:
        os.umask(old)
    files = list((tmp_path / "cache").rglob("*.pkl"))
    assert len(files) == 1
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(files[0].parent.parent.stat().st_mode) == 0o700  # .../reportbook


def test_cache_is_bounded_and_evicts_the_least_recently_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name, cost in (("a", "1"), ("b", "2"), ("c", "3")):
        write_csv(tmp_path / name / "interventions.csv", iv_rows(cost_615=cost))
    load(tmp_path / "a")
    (entry_a,) = (tmp_path / "cache").rglob("*.pkl")
    size = entry_a.stat().st_size
    monkeypatch.setenv("REPORTBOOK_CACHE_MAX_BYTES", str(int(size * 2.5)))  # room for two entries
    load(tmp_path / "b")
    (entry_b,) = set((tmp_path / "cache").rglob("*.pkl")) - {entry_a}
    os.utime(entry_a, ns=(1_000_000_000, 1_000_000_000))  # a is older than b ...
    os.utime(entry_b, ns=(2_000_000_000, 2_000_000_000))
    load(tmp_path / "a")  # ... until it is used again
    load(tmp_path / "c")
    left = set((tmp_path / "cache").rglob("*.pkl"))
    assert entry_a in left and entry_b not in left and len(left) == 2


def test_cache_clear_command(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    write_csv(tmp_path / "d" / "interventions.csv", iv_rows())
    reportbook("validate", tmp_path / "d", env=env, check=True)
    assert list((tmp_path / "cache").rglob("*.pkl"))
    result = reportbook("cache", "clear", env=env)
    assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "cache").rglob("*.pkl"))
    assert "1" in result.stdout


def test_the_cache_key_holds_the_size_limit(tmp_path, monkeypatch):
    """A file refused as too large is read once the limit is raised (#25): the limit is part
    of the key, and a refusal for lack of memory is never cached."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    write_csv(tmp_path / "d" / "interventions.csv", iv_rows())
    monkeypatch.setenv("REPORTBOOK_MAX_INPUT_BYTES", "10")
    assert load(tmp_path / "d", key=b"k" * 16).refused_files == ["interventions.csv"]
    monkeypatch.setenv("REPORTBOOK_MAX_INPUT_BYTES", "100000000")
    assert len(load(tmp_path / "d", key=b"k" * 16).interventions) == 3
    monkeypatch.delenv("REPORTBOOK_MAX_INPUT_BYTES")
    from helpers.data import ingest

    monkeypatch.setattr(ingest, "available_memory", lambda: 10)  # a busy machine: refused, not cached
    write_csv(tmp_path / "e" / "interventions.csv", iv_rows())
    assert load(tmp_path / "e", key=b"k" * 16).refused_files == ["interventions.csv"]
    monkeypatch.setattr(ingest, "available_memory", lambda: 8 * 2**30)
    assert len(load(tmp_path / "e", key=b"k" * 16).interventions) == 3


def test_the_open_end_setting_is_part_of_the_cache_key(tmp_path, monkeypatch):
    """A far-future end read as a date, then (with REPORTBOOK_OPEN_END_FROM before it) as an
    open end: the cached data set of the first read must not answer the second."""
    from helpers.data.contract import OPEN_END_ENV

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(OPEN_END_ENV, raising=False)
    write_csv(tmp_path / "d" / "interventions.csv", IV + "241210-4011,851,udsat,a,5,2015-01-01,2099-06-30,1000\n")
    assert load(tmp_path / "d").interventions["end_date"].tolist() == [pd.Timestamp("2099-06-30")]
    monkeypatch.setenv(OPEN_END_ENV, "2099-01-01")
    assert load(tmp_path / "d").interventions["end_date"].isna().all()
    monkeypatch.delenv(OPEN_END_ENV)
    assert load(tmp_path / "d").interventions["end_date"].tolist() == [pd.Timestamp("2099-06-30")]


def test_a_run_key_changes_with_each_thing_a_run_depends_on_and_with_nothing_else(tmp_path):
    from helpers.pipeline.cache import run_key

    notebook = tmp_path / "page.ipynb"
    notebook.write_text("{}")
    base = {"notebook_path": notebook, "parameters": {"a": 1}, "fingerprint": {"t": "x"}, "code": "c", "extra": b"m"}
    key = run_key(**base)
    assert len(key) == 64 and run_key(**base) == key  # sha256, deterministic
    assert run_key(**{**base, "parameters": {"a": 1}.copy()}) == key
    changed = [
        {"parameters": {"a": 2}},
        {"fingerprint": {"t": "y"}},
        {"code": "d"},
        {"extra": b"n"},
    ]
    keys = {run_key(**{**base, **c}) for c in changed}
    assert len(keys) == len(changed) and key not in keys
    notebook.write_text('{"cells": []}')
    assert run_key(**base) != key  # the template's source


def test_a_run_is_current_only_with_its_notebook_and_its_own_key(tmp_path):
    from helpers.pipeline.cache import is_current, mark

    notebook, folder = tmp_path / "run.ipynb", tmp_path / "run"
    assert not is_current(notebook, folder, "k1")
    mark(folder, "k1")
    assert (folder / KEY_FILE).read_text() == "k1\n" and not list(folder.glob("*.tmp"))
    assert not is_current(notebook, folder, "k1")  # no notebook yet: not current
    notebook.write_text("{}")
    assert is_current(notebook, folder, "k1") and not is_current(notebook, folder, "k2")
    mark(folder, "k2")
    assert is_current(notebook, folder, "k2") and not is_current(notebook, folder, "k1")


def test_a_run_key_is_the_sha256_of_its_parts_in_order_whatever_the_order_of_a_dict(tmp_path):
    import hashlib

    from helpers.pipeline.cache import mark, run_key

    notebook = tmp_path / "page.ipynb"
    notebook.write_bytes(b"{}")
    expected = hashlib.sha256(b'{}{"a": 1, "b": 2}{"s": "x", "t": "y"}c').hexdigest()  # json.dumps, keys sorted
    assert run_key(notebook, {"b": 2, "a": 1}, {"t": "y", "s": "x"}, "c") == expected
    assert run_key(notebook, {"a": 1, "b": 2}, {"s": "x", "t": "y"}, "c", b"") == expected
    nested = tmp_path / "a" / "b" / "run"
    mark(nested, "k")  # the run's folder and its parents are made
    assert (nested / ".cache_key").read_text() == "k\n"
