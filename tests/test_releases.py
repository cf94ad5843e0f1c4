"""Releases in a row into one book: each is protected given everything published before it,
earlier releases stay as they were, and the whole history passes the audit and the reader's
attack (tests/attack.py)."""

import hashlib

import pytest
from attack import attack, truth_from_records
from conftest import reportbook
from test_audit import adversarial_project

from helpers.publishing.audit import audit, same_figure_same_status
from helpers.publishing.private import private_root, read_records

RELEASES = ["2016-01-01:2016-01-31", "2016-02-01:2016-02-29", "2016-01-01:2016-03-31"]


def digests(out, period):
    run = f"492_{period.replace(':', '_')}"
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.glob(f"*/{run}/*")) + sorted(out.glob(f"*/{run}.ipynb"))
    }


@pytest.fixture(scope="module")
def releases(project_copy, tmp_path_factory):
    data, out, env = adversarial_project(project_copy, tmp_path_factory.mktemp("releases"))
    seen = []
    for period in RELEASES:
        reportbook(
            "run", "--data", data, "--out", out, "--municipality", "492", "--period", period,
            "--notebook", "trends", "--notebook", "staircase", "--jobs", "2", env=env, check=True,
        )  # fmt: skip
        seen.append({p: digests(out, p) for p in RELEASES[: len(seen) + 1]})
    return out, seen


def test_earlier_releases_stay_as_they_were_published(releases):
    out, seen = releases
    for i, period in enumerate(RELEASES):
        assert seen[i][period], period  # the release published files
        for later in seen[i + 1 :]:
            assert later[period] == seen[i][period], f"release {period} changed after a later release"


def test_the_history_of_releases_passes_the_audit_and_the_readers_attack(releases):
    out, _ = releases
    report = audit(out, jobs=1)
    assert report.passed, report.problems[:5]
    assert len([i for i in report.intervals if i.status == "primary"]) > 10
    runs = [(out / nb / run, record) for nb, run, record in read_records(private_root(out))]
    assert len(runs) == 6 and same_figure_same_status("kommune-492", runs) == []
    result = attack(out, truth_from_records(out, private_root(out)))
    assert result.relations > 0 and result.recovered == []


def test_the_quarter_shows_january_as_the_january_release_did(releases):
    import pandas as pd

    out, _ = releases
    january = pd.read_csv(out / "trends" / "492_2016-01-01_2016-01-31" / "trends.csv")
    quarter = pd.read_csv(out / "trends" / "492_2016-01-01_2016-03-31" / "trends.csv")
    both = january.merge(quarter, on=["date", "figure", "group"], suffixes=("_jan", "_q1"))
    assert len(both) > 20  # January 2016 and 2015 again, month by month
    assert both["value_jan"].isna().equals(both["value_q1"].isna())
    assert (both["value_jan"].fillna(-1) == both["value_q1"].fillna(-1)).all()


def test_a_planted_status_leak_is_found(releases, tmp_path):
    """The check is able to fail: the same cell printed in one release and withheld in another."""
    out, _ = releases
    runs = [(out / nb / run, record) for nb, run, record in read_records(private_root(out))]
    (folder, record), *_ = [r for r in runs if r[0].parent.name == "trends"]
    cells = record["tables"]["trends"]["cells"]
    twin = next(c for c in cells if c[2] == "published" and c[4])
    copy = {"tables": {"trends": {"cells": [[*twin[:2], "secondary", *twin[3:]]], "statistics": []}}}
    problems = same_figure_same_status("kommune-492", [*runs, (tmp_path / "trends" / "x", copy)])
    assert problems and "tilbageholder" in problems[0]


def test_a_revision_by_a_late_registration_is_withheld_not_rewritten(releases, project_copy, tmp_path):
    """A placement registered late (starting 15 January 2016, after the January release)
    changes January's figures. A later release that shows January again withholds each
    figure it moves by 1-4 (the revision would be the count of late registrations); the
    January release is not rewritten."""
    import shutil

    import numpy as np
    import pandas as pd

    out, seen = releases
    data = tmp_path / "data"
    shutil.copytree(out.parent / "data", data)
    with open(data / "interventions.csv", "a", encoding="utf-8") as fh:
        fh.write("late1;492;Nord;01-01-2010;udsat;plejefamilie;5;15-01-2016;;20000,00;egen;SB1;O1;Tilbud A;;;\n")
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(out.parent / "cache")}
    period = "2016-01-01:2016-04-30"
    reportbook(
        "run", "--data", data, "--out", out, "--municipality", "492", "--period", period,
        "--notebook", "trends", "--jobs", "2", env=env, check=True,
    )  # fmt: skip
    assert digests(out, RELEASES[0]) == seen[-1][RELEASES[0]]  # January stays as published
    january = pd.read_csv(out / "trends" / "492_2016-01-01_2016-01-31" / "trends.csv")
    revised = pd.read_csv(out / "trends" / "492_2016-01-01_2016-04-30" / "trends.csv")
    both = january.merge(revised, on=["date", "figure", "group"], suffixes=("_before", "_after"))
    # the late child (born 2010, udsat, step 5) is one more in each of these stocks on 31 January
    late = {("placed_children", "I alt"), ("placed_children", "5"), ("placed_by_target_group", "udsat")}
    late |= {("placed_by_age_group", "6-11 år")}
    mine = np.array([(f, g) in late for f, g in zip(both["figure"], both["group"])], dtype=bool)
    stocks = both[(both["date"] == "2016-01-31").to_numpy() & mine]
    assert len(stocks) == len(late)
    printed = stocks[stocks["value_before"].notna()]
    assert len(printed) >= 1  # January printed some of them ...
    assert printed["value_after"].isna().all()  # ... and the revision by one withholds each
    moved = both.dropna()
    change = (moved["value_before"] - moved["value_after"]).abs()
    assert ((change == 0) | (change >= 5)).all()  # no printed revision of 1-4
    assert audit(out, jobs=1).passed
