"""Releases in a row into one book (``reportbook release YYYY-MM``): each is protected given
everything published before it, earlier releases stay as they were, a late registration is
published as a revision in the next release and said so, and the whole history passes the
audit and the reader's attack (tests/attack.py)."""

import hashlib
import shutil

import pandas as pd
import pytest
from attack import attack, truth_from_records
from conftest import reportbook
from test_audit import adversarial_project

from helpers.publishing import releases as releases_module
from helpers.publishing.audit import audit, same_figure_same_status
from helpers.publishing.pages.trends import FIGURE_LABELS
from helpers.publishing.private import private_root, read_records

MONTHS = ["2016-01", "2016-02", "2016-03"]
#: The periods each release publishes, written out by hand: March ends the first quarter.
PERIODS = {
    "2016-01": ["2016-01-01:2016-01-31"],
    "2016-02": ["2016-02-01:2016-02-29"],
    "2016-03": ["2016-03-01:2016-03-31", "2016-01-01:2016-03-31"],
}
RELEASES = [p for month in MONTHS for p in PERIODS[month]]
PUBLISHED = {"2016-01": "2016-02-03", "2016-02": "2016-03-03", "2016-03": "2016-04-04"}
#: Registered after the January release: eight children placed in foster care (step 5) from
#: 15 January 2016, all born in 2010 and in the target group udsat.
LATE = 8


def digests(out, period):
    run = f"492_{period.replace(':', '_')}"
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.glob(f"*/{run}/*")) + sorted(out.glob(f"*/{run}.ipynb"))
    }


def late_registrations(data, into):
    shutil.copytree(data, into)
    with open(into / "interventions.csv", "a", encoding="utf-8") as fh:
        for i in range(LATE):
            fh.write(f"late{i};492;Nord;01-01-2010;udsat;plejefamilie;5;15-01-2016;;20000,00;egen;SB1;O1;Tilbud A;;;\n")
    return into


@pytest.fixture(scope="module")
def releases(project_copy, tmp_path_factory):
    data, out, env = adversarial_project(project_copy, tmp_path_factory.mktemp("releases"))
    late = late_registrations(data, out.parent / "data_late")
    seen = []
    for month in MONTHS:
        reportbook(
            "release", month, "--data", data if month == MONTHS[0] else late, "--out", out,
            "--municipality", "492", "--notebook", "trends", "--notebook", "staircase", "--jobs", "2",
            "--date", PUBLISHED[month], "--no-build", env=env, check=True,
        )  # fmt: skip
        seen.append({p: digests(out, p) for m in MONTHS[: len(seen) + 1] for p in PERIODS[m]})
    return out, seen


def test_a_release_is_the_month_and_the_quarter_or_year_it_ends():
    assert releases_module.release_periods("2016-03") == PERIODS["2016-03"]
    assert releases_module.release_periods("2016-12") == [
        "2016-12-01:2016-12-31", "2016-10-01:2016-12-31", "2016-01-01:2016-12-31"
    ]  # fmt: skip
    assert releases_module.release_periods("2016-2") == PERIODS["2016-02"]  # a leap year's February
    for bad in ("2016-13", "marts", "2016-03-01", ""):
        with pytest.raises(ValueError, match="ÅÅÅÅ-MM"):
            releases_module.release_periods(bad)


def test_revisions_are_found_once_per_figure_among_printed_values_only(tmp_path):
    """By hand: January's figures as the January release printed them, and as three runs of
    the March release print them (the month, its quarter and the brief that repeats the
    table): each moved figure is one revision, a withheld value states nothing, another
    municipality whose code starts the same is not compared, and a column added since does
    not hide a revision."""

    def table(run, rows, extra=False):
        folder = tmp_path / run
        folder.mkdir(parents=True)
        head = "municipality,date,figure,group," + ("note," if extra else "") + "value"
        lines = [head] + [f"49{m},2016-01-31,{f},{g}," + ("x," if extra else "") + v for m, f, g, v in rows]
        (folder / "trends.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    january = [("2", "new_placements", "I alt", "17.0"), ("2", "placed_children", "5", "8.0")]
    january += [("2", "placed_children", "6", ""), ("2", "spending", "I alt", "1000.5")]
    table("trends/492_2016-01-01_2016-01-31", january)
    table("trends/49_2016-01-01_2016-01-31", [("", "new_placements", "I alt", "3.0")])
    march = [("2", "new_placements", "I alt", "25.0"), ("2", "placed_children", "5", "")]
    march += [("2", "placed_children", "6", "9.0"), ("2", "spending", "I alt", "1000.5")]
    table("trends/492_2016-03-01_2016-03-31", march)
    table("trends/492_2016-01-01_2016-03-31", march, extra=True)
    table("overview/492_2016-03-01_2016-03-31", march)
    table("overview/492_2016-01-01_2016-01-31", january)
    earlier = [{"release": "2016-01", "runs": ["trends/492_2016-01-01_2016-01-31", "overview/492_2016-01-01_2016-01-31",
                                               "trends/49_2016-01-01_2016-01-31"]}]  # fmt: skip
    runs = [
        "trends/492_2016-03-01_2016-03-31",
        "trends/492_2016-01-01_2016-03-31",
        "overview/492_2016-03-01_2016-03-31",
    ]
    found = releases_module.revisions(tmp_path, runs, earlier, "2016-03")
    assert [(r.municipality, r.notebook, r.figure, r.group, r.before, r.after, r.release) for r in found] == [
        (492, "overview", "new_placements", "I alt", "17.0", "25.0", "2016-01")  # the first page by name
    ]
    page = releases_module.release_page(
        [{"release": "2016-03", "published": "2016-04-04", "periods": PERIODS["2016-03"], "runs": runs,
          "inputs": {}, "code_version": "0", "revisions": [r.__dict__ for r in found]}], "reports", FIGURE_LABELS,
    )  # fmt: skip
    assert "Ærø: Nye anbringelser i måneden, januar 2016: 17 i udgivelsen for januar 2016, nu 25." in page
    assert "**Revisioner** (1)" in page


def test_the_second_release_states_the_revision_of_the_first(releases):
    out, _ = releases
    ledger = releases_module.read_ledger(out)
    assert [e["release"] for e in ledger] == MONTHS
    assert [e["periods"] for e in ledger] == [PERIODS[m] for m in MONTHS]
    assert [e["published"] for e in ledger] == list(PUBLISHED.values())
    assert all(e["inputs"]["interventions.csv"] for e in ledger) and all(e["code_version"] for e in ledger)
    assert ledger[0]["inputs"]["interventions.csv"] != ledger[1]["inputs"]["interventions.csv"]
    # what a reader sees: January 2016 as the January release printed it and as February's prints it
    before = pd.read_csv(out / "trends" / "492_2016-01-01_2016-01-31" / "trends.csv")
    after = pd.read_csv(out / "trends" / "492_2016-02-01_2016-02-29" / "trends.csv")
    both = before.merge(after, on=["municipality", "date", "figure", "group"], suffixes=("_before", "_after"))
    both = both[both["date"].str.startswith("2016-01")].dropna()
    moved = both[both["value_before"] != both["value_after"]]
    # the eight late children are eight more in each count they enter on 31 January
    entered = {("placed_children", "I alt"), ("placed_children", "5"), ("placed_by_target_group", "udsat")}
    entered |= {("placed_by_age_group", "6-11 år"), ("placed_by_type", "plejefamilie"), ("new_placements", "I alt")}
    counts = moved[[(f, g) in entered for f, g in zip(moved["figure"], moved["group"])]]
    assert len(counts) >= 1, "no figure the late children enter is printed in both releases"
    assert (counts["value_after"] - counts["value_before"] == LATE).all()
    stated = {
        (r["date"], r["figure"], r["group"], float(r["before"]), float(r["after"])) for r in ledger[1]["revisions"]
    }
    expected = set(zip(moved["date"], moved["figure"], moved["group"], moved["value_before"], moved["value_after"]))
    assert stated == expected
    assert {r["release"] for r in ledger[1]["revisions"]} == {"2016-01"}
    assert ledger[0]["revisions"] == [] and ledger[2]["revisions"] == []  # March ran on February's data
    # ... and said in Danish on the release page
    page = releases_module.release_page(ledger, "reports", FIGURE_LABELS)
    first = counts.iloc[0]
    label = FIGURE_LABELS[first["figure"]] + ("" if first["group"] == "I alt" else f" ({first['group']})")
    assert (
        f"Ærø: {label}, januar 2016: {int(first['value_before'])} i udgivelsen for januar 2016, "
        f"nu {int(first['value_after'])}."
    ) in page
    assert page.index("## Marts 2016") < page.index("## Februar 2016") < page.index("## Januar 2016")


def test_a_published_release_is_not_made_again(releases, project_copy):
    out, seen = releases
    env = {"REPORTBOOK_HOME": str(project_copy), "XDG_CACHE_HOME": str(out.parent / "cache")}
    for month, says in (("2016-02", "findes allerede"), ("2015-12", "kalenderens rækkefølge")):
        result = reportbook("release", month, "--data", out.parent / "data", "--out", out, "--municipality", "492",
                            "--notebook", "trends", "--no-build", env=env)  # fmt: skip
        assert result.returncode == 1 and says in result.stderr, result.stderr
    result = reportbook("release", "2016-13", "--out", out, env=env)
    assert result.returncode == 2 and "ÅÅÅÅ-MM" in result.stderr
    for date, says in (
        ("2016-04-30", "når måneden er slut"),
        ("30-04-2016", "ÅÅÅÅ-MM-DD"),
        ("2016-02-30", "ÅÅÅÅ-MM-DD"),
    ):
        result = reportbook("release", "2016-04", "--date", date, "--out", out, env=env)
        assert result.returncode == 2 and says in result.stderr, result.stderr
    assert {p: digests(out, p) for p in RELEASES} == seen[-1]
    assert [e["release"] for e in releases_module.read_ledger(out)] == MONTHS


def test_earlier_releases_stay_as_they_were_published(releases):
    out, seen = releases
    for i, month in enumerate(MONTHS):
        for period in PERIODS[month]:
            assert seen[i][period], period  # the release published files
            for later in seen[i + 1 :]:
                assert later[period] == seen[i][period], f"release {period} changed after a later release"


def test_the_history_of_releases_passes_the_audit_and_the_readers_attack(releases):
    out, _ = releases
    report = audit(out, jobs=1)
    assert report.passed, report.problems[:5]
    assert len([i for i in report.intervals if i.status == "primary"]) > 10
    runs = [(out / nb / run, record) for nb, run, record in read_records(private_root(out))]
    assert len(runs) == 8 and same_figure_same_status("kommune-492", runs) == []
    result = attack(out, truth_from_records(out, private_root(out)))
    assert result.relations > 0 and result.recovered == []


def test_the_quarter_shows_january_and_february_as_the_february_release_did(releases):
    out, _ = releases
    february = pd.read_csv(out / "trends" / "492_2016-02-01_2016-02-29" / "trends.csv")
    quarter = pd.read_csv(out / "trends" / "492_2016-01-01_2016-03-31" / "trends.csv")
    both = february.merge(quarter, on=["date", "figure", "group"], suffixes=("_feb", "_q1"))
    assert len(both) > 40  # January and February 2016 and 2015 again, month by month
    assert set(both["date"].str[:7]) == {"2015-01", "2015-02", "2016-01", "2016-02"}
    assert both["value_feb"].isna().equals(both["value_q1"].isna())
    assert (both["value_feb"].fillna(-1) == both["value_q1"].fillna(-1)).all()


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
    amounts = ("price", "spending", "_sum", "per_1000", "share")  # kroner and ratios, not counts
    moved = moved[[not any(a in f for a in amounts) or f.endswith("_count") for f in moved["figure"]]]
    change = (moved["value_before"] - moved["value_after"]).abs()
    assert ((change == 0) | (change >= 5)).all()  # no printed revision of a count by 1-4
    # January's spending on placements counts the late child's first half month: printed
    # before, it is withheld now (the difference would be that one child's spending)
    spent = both[(both["date"] == "2016-01-31").to_numpy() & (both["figure"] == "spending").to_numpy()]
    spent = spent[spent["group"].isin(["I alt", "anbringelser", "egne"]) & spent["value_before"].notna()]
    assert len(spent) >= 1 and spent["value_after"].isna().all(), spent
    assert audit(out, jobs=1).passed
