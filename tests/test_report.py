"""The report a notebook opens: every table a page reads is declared in its notebook's
entry in the page registry (``pages.yml``), which the run cache keys on (issue #28)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.data.contract import TABLES
from helpers.data.dataset import Dataset
from helpers.publishing import report as report_module
from helpers.publishing.report import ReadingDataset, ReadLog, Report, UndeclaredRead, notebook_reads


def _report(tmp_path, notebook: str) -> Report:
    tables = {name: pd.DataFrame({"municipality": pd.Series(dtype=int)}) for name in TABLES}
    data = ReadingDataset(Dataset(tmp_path, **tables), ReadLog(notebook))
    start, end = pd.Timestamp("2016-02-01"), pd.Timestamp("2016-08-01")
    return Report(851, "Aalborg", "Region Nordjylland", start, end, tmp_path, tmp_path, data, notebook, {})


def test_a_read_the_notebook_declares_passes(tmp_path):
    report = _report(tmp_path, "staircase")
    assert notebook_reads("staircase")["interventions"] == "municipality"
    report.rows("interventions")  # the focal municipality's rows: declared as such
    assert report.data.digests == {}  # not a table
    assert report.data.log.undeclared() == []
    assert "Parametre og datagrundlag" in str(report.footer({"municipality": 851}))


def test_a_table_the_notebook_does_not_declare_fails_the_page(tmp_path):
    report = _report(tmp_path, "staircase")
    assert "targets" not in notebook_reads("staircase")
    assert report.data.targets.empty
    with pytest.raises(UndeclaredRead, match="staircase læser tabellen targets"):
        report.footer({"municipality": 851})


def test_all_rows_of_a_table_declared_for_the_municipality_fail_the_page(tmp_path):
    report = _report(tmp_path, "staircase")
    report.data.table("interventions")  # every municipality's rows, declared 'municipality'
    with pytest.raises(UndeclaredRead, match="alle kommuners rækker af interventions"):
        report.footer({})


def test_another_page_of_the_group_is_held_to_its_own_declaration(tmp_path, monkeypatch):
    """The protection reads the other pages of the group; each page's reads count as its own."""
    report = _report(tmp_path, "staircase")

    class Trends:
        @staticmethod
        def specs(r):
            r.rows("targets")  # trends declares targets; staircase does not
            return []

    original = report_module.page
    monkeypatch.setattr(report_module, "page", lambda nb: Trends if nb == "trends" else original(nb))
    report._specs_of("trends")
    assert report.data.log.seen == {"trends": {"targets": "municipality"}}
    assert report.data.log.undeclared() == []
    report.data.log.seen = {"waiting_outcomes": {"targets": "municipality"}}
    assert report.data.log.undeclared() == [
        "waiting_outcomes læser tabellen targets, men dens reads i pages.yml nævner den ikke"
    ]


def test_a_groups_reads_take_all_rows_where_any_page_reads_them():
    from helpers.publishing.pages import group_of
    from helpers.publishing.report import merge_reads

    assert merge_reads([{"a": "all"}, {"a": "municipality", "b": "municipality"}]) == {"a": "all", "b": "municipality"}
    assert merge_reads([{"a": "municipality"}, {"a": "all"}]) == {"a": "all"}
    # the children's pages: benchmarking and the overview read every municipality's figures,
    # trends only its own; the group (and its protection's cache key) depends on all of them
    group = merge_reads(notebook_reads(nb) for nb in group_of("staircase"))
    assert notebook_reads("trends")["municipality_figures"] == "municipality"
    assert group["municipality_figures"] == "all"


def test_the_reading_data_set_survives_copying_and_pickling(tmp_path):
    import copy
    import pickle

    data = _report(tmp_path, "staircase").data
    for twin in (copy.copy(data), copy.deepcopy(data), pickle.loads(pickle.dumps(data))):
        assert twin.targets.empty and list(twin.log.seen) == ["staircase"]
