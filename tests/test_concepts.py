"""One number per concept: the registry, the year's spending and budget deviation by hand,
and one value per concept across the pages of every run of the default matrix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.analyses import key_figures as kf
from helpers.analyses import trends
from helpers.analyses.budget import deviation_pct, direction_da
from helpers.publishing import concepts
from helpers.publishing.pages import budget as budget_page
from helpers.publishing.pages import key_figures as kf_page
from helpers.publishing.pages import trends as trends_page
from helpers.publishing.tables import publish

AS_OF = pd.Timestamp("2016-06-30")  # 2016 has 366 days
#: The ids that tests elsewhere read (issue #24); each must be in the registry.
REQUIRED = [
    "spending_committed_year",
    "spending_forecast_year",
    "budget_year",
    "budget_deviation_pct",
    "budget_precision_pct",
    "placed_per_1000_0_22",
]


NO_EVENTS = pd.DataFrame(
    {
        "person_id": pd.Series(dtype=object),
        "event_date": pd.Series(dtype="datetime64[ns]"),
        "event_type": pd.Series(dtype=object),
        "outcome": pd.Series(dtype=object),
        "deadline_met": pd.Series(dtype="boolean"),
    }
)


def interventions(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["person_id", "step", "start_date", "end_date", "monthly_cost"])
    for c in ("start_date", "end_date"):
        frame[c] = pd.to_datetime(frame[c])
    for c, v in (("target_group", "udsat"), ("birth_date", pd.Timestamp("2008-01-01")), ("provider_type", "egen")):
        frame[c] = v
    frame["municipality"] = 851
    return frame


@pytest.fixture
def year():
    """Four children; 36,600 kr. a month is 1,200 kr. a day in 2016 (x 12 / 366)."""
    iv = interventions(
        [
            # E: placed 1 March to a recorded end of 30 September (after the period end): 214 days
            ("E", 5, "2016-03-01", "2016-09-30", 36_600),
            # F: placed since July 2015, no end date: the whole year, 366 days at 2,000 a day
            ("F", 6, "2015-07-01", None, 61_000),
            # G: starts 1 August, after the period end: not granted by then, not in the figure
            ("G", 5, "2016-08-01", None, 36_600),
            # H: preventive to 31 January: 31 days at 100 a day
            ("H", 2, "2015-01-01", "2016-01-31", 3_050),
        ]
    )
    plan = pd.DataFrame(
        {
            "municipality": [851, 851, 851],
            "year": [2016, 2016, 2015],
            "step": ["5", "6", "5"],
            "budget_count": [1.0, 1.0, 9.0],
            "budget_unit_cost": [400_000.0, 700_000.0, 1.0],
        }
    )
    committed = 1_200 * 214 + 2_000 * 366 + 100 * 31  # 991,900
    return iv, plan, committed


def test_the_registry_defines_every_concept_once_with_the_required_ids():
    registry = concepts.registry()
    assert set(REQUIRED) <= set(registry)
    labels = [c.label for c in registry.values()]
    assert len(labels) == len(set(labels)), "two concepts with one label"
    for c in registry.values():
        assert c.definition and c.source and c.code.startswith("helpers."), c.id
        module, _, name = c.code.rpartition(".")
        assert hasattr(__import__(module, fromlist=[name]), name), c.code


def test_spending_committed_year_by_hand(year):
    iv, plan, committed = year
    assert committed == 991_900
    assert kf.committed_year(iv, AS_OF).sum() == pytest.approx(committed)
    table = kf.key_figures(iv, NO_EVENTS, plan, "2016-01-01", AS_OF, 851)
    got = table.set_index("figure")["value"]
    assert got["spending_committed_year"] == pytest.approx(committed)
    assert got["budget_year"] == 1_100_000  # 2016's rows only
    # VIVE's sign: the budget 1,100,000 against 991,900 is 9.83 % spent *less*: positive
    assert got["budget_deviation_pct"] == pytest.approx(100 * 108_100 / 1_100_000)
    assert got["budget_precision_pct"] == pytest.approx(100 * 108_100 / 1_100_000)
    assert "forecast_year" not in set(table["figure"])


def test_the_forecast_starts_from_the_same_committed_spending(year):
    iv, plan, committed = year
    f = trends.forecast(iv, 1_100_000.0, AS_OF)
    assert f["committed"] == pytest.approx(committed)
    assert f["spent"] == pytest.approx(1_200 * 122 + 2_000 * 182 + 100 * 31)  # 1 Jan - 30 Jun
    assert f["forecast"] == pytest.approx(committed + f["expected_inflow"] - f["expected_exits"])
    # only F has no recorded end: E's end is known, so the exits are F's at most
    assert 0 <= f["expected_exits"] <= 2_000 * 184


def test_deviation_sign_and_words():
    assert deviation_pct(100.0, 90.0) == pytest.approx(10.0) and direction_da(10.0) == "mindreforbrug"
    assert deviation_pct(100.0, 103.0) == pytest.approx(-3.0) and direction_da(-3.0) == "merforbrug"
    assert direction_da(0.0) == "på budgettet"
    assert pd.isna(deviation_pct(None, 5.0)) and pd.isna(deviation_pct(0.0, 5.0))


def test_the_budget_page_calls_spending_below_budget_a_positive_mindreforbrug(year, tmp_path):
    iv, plan, committed = year
    many = pd.concat(  # enough children that nothing is withheld: the amounts rest on 4 x 10 children
        [iv.assign(person_id=iv["person_id"] + str(k)) for k in range(10)], ignore_index=True
    )
    granted = budget_page.known_at(many, AS_OF)
    plan10 = plan.assign(budget_count=plan["budget_count"] * 10)
    summary = publish(budget_page.summary_spec(granted, plan10, [2016], AS_OF), tmp_path)
    variance = publish(budget_page.variance_spec(granted, plan10, [2016]), tmp_path)
    assert summary.value(0, "spending") == pytest.approx(10 * committed)
    assert summary.value(0, "deviation_pct") == pytest.approx(100 * 108_100 / 1_100_000)
    text = " ".join(budget_page.key_messages(variance, 2016, summary, AS_OF))
    assert (
        "For 2016 giver forbrug og disponerede indsatser pr. 30. juni 2016 (uden nye indsatser resten af året) et "
        in text
    )
    assert "mindreforbrug på 1,1 mio. kr.: en budgetafvigelse på +9,8 %" in text, text
    written = concepts.read(tmp_path / concepts.CONCEPTS_FILE) if (tmp_path / concepts.CONCEPTS_FILE).exists() else None
    assert written is None  # publish alone writes no concepts; the report does (below)
    rows = concepts.rows(summary, budget_page.summary_spec(granted, plan10, [2016], AS_OF).concepts, "budget_followup")
    got = dict(zip(rows["concept"], rows["value"]))
    assert got == pytest.approx(
        {
            "budget_year": 11_000_000,
            "spending_committed_year": 10 * committed,
            "budget_deviation_pct": round(100 * 108_100 / 1_100_000, 4),
            "budget_precision_pct": round(100 * 108_100 / 1_100_000, 4),
        }
    )


def test_an_overrun_is_a_negative_merforbrug(year, tmp_path):
    iv, plan, committed = year
    many = pd.concat([iv.assign(person_id=iv["person_id"] + str(k)) for k in range(10)], ignore_index=True)
    granted = budget_page.known_at(many, AS_OF)
    small = plan.assign(budget_count=plan["budget_count"] * 10, budget_unit_cost=plan["budget_unit_cost"] / 2)
    # 2016: 5,500,000 against 10 x 991,900 = 9,919,000
    summary = publish(budget_page.summary_spec(granted, small, [2016], AS_OF), tmp_path)
    variance = publish(budget_page.variance_spec(granted, small, [2016]), tmp_path)
    expected = 100 * (5_500_000 - 10 * committed) / 5_500_000  # -80.3 %
    assert summary.value(0, "deviation_pct") == pytest.approx(expected) and expected < 0
    text = " ".join(budget_page.key_messages(variance, 2016, summary))  # no period end: a closed year
    assert "For 2016 gav forbruget et merforbrug på 4,4 mio. kr." in text and "−80,3 %" in text.replace("-", "−"), text


def test_the_headline_and_the_percentage_agree_when_the_budget_has_a_measure_group(year, tmp_path):
    """The year's budget counts every row of budget_assumptions (also a measure group the
    step table cannot show): the sentence takes amount, direction and % from the same totals."""
    iv, plan, committed = year
    many = pd.concat([iv.assign(person_id=iv["person_id"] + str(k)) for k in range(10)], ignore_index=True)
    granted = budget_page.known_at(many, AS_OF)
    group = pd.DataFrame(
        {"municipality": [851], "year": [2016], "step": ["Forebyggende foranstaltninger"], "budget_count": [100.0]}
    ).assign(budget_unit_cost=20_000.0)
    plan10 = pd.concat([plan.assign(budget_count=plan["budget_count"] * 10), group], ignore_index=True)
    summary = publish(budget_page.summary_spec(granted, plan10, [2016], AS_OF), tmp_path)
    variance = publish(budget_page.variance_spec(granted, plan10, [2016]), tmp_path)
    # budget 11,000,000 + 2,000,000 = 13,000,000 against 9,919,000: +23.7 %, mindreforbrug of 3.1 mio.
    assert summary.value(0, "budget") == 13_000_000
    text = " ".join(budget_page.key_messages(variance, 2016, summary, AS_OF))
    assert "et mindreforbrug på 3,1 mio. kr.: en budgetafvigelse på +23,7 %" in text, text
    assert "merforbrug på" not in text.split(".")[0]


def test_key_figures_and_forecast_tables_map_every_row_to_a_concept(year, tmp_path):
    iv, plan, _ = year
    table = kf.key_figures(iv, NO_EVENTS, plan, "2016-01-01", AS_OF, 851)
    spec = kf_page.key_figures_spec(table)
    assert len(spec.concepts) == len(table)
    assert {c for c, *_ in spec.concepts} <= set(concepts.registry())
    forecast = trends_page.forecast_spec(iv, plan, AS_OF)
    assert [c for c, *_ in forecast.concepts] == [trends_page.FORECAST_CONCEPTS[f] for f in forecast.frame["figure"]]
    assert {c for c, *_ in forecast.concepts} <= set(concepts.registry())


def concept_files(root: Path) -> pd.DataFrame:
    parts = []
    for path in sorted(root.glob(f"book/reports/*/*/{concepts.CONCEPTS_FILE}")):
        frame = concepts.read(path)
        frame["run"] = path.parent.name
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def test_no_concept_has_two_values_across_the_pages_of_a_run(book_site):
    frame = concept_files(book_site)
    assert set(frame["concept"]) <= set(concepts.registry())
    assert set(REQUIRED) <= set(frame["concept"]), set(REQUIRED) - set(frame["concept"])
    clashes = []
    for (run, concept, group), rows in frame.groupby(["run", "concept", "group"]):
        shown = rows.loc[~rows["withheld"], "value"].dropna()
        if shown.nunique() > 1:
            clashes.append((run, concept, group, sorted(zip(rows["page"], rows["table"], rows["value"]))))
        if len(shown) and rows["withheld"].any():
            clashes.append((run, concept, group, "shown on one page, withheld on another"))
    assert clashes == []
    # the year's spending is on the key figures, the forecast (trends and overview) and the
    # budget follow-up: four pages, one value
    committed = frame[frame["concept"] == "spending_committed_year"]
    pages = committed.groupby("run")["page"].nunique()
    assert (pages >= 3).all(), pages


def test_every_number_of_the_key_figure_tables_has_a_concept(book_site):
    """Issue #24: every published key figure has a registry entry. Over every run of the
    default matrix, each row of the key-figure table and of the forecast, and each number of
    the budget summary's year, appears in the run's concepts.csv; what does not is listed."""
    uncovered = []
    for run_dir in sorted(p.parent for p in book_site.glob(f"book/reports/*/*/{concepts.CONCEPTS_FILE}")):
        written = concepts.read(run_dir / concepts.CONCEPTS_FILE)
        for table in ("key_figures", "forecast"):
            path = run_dir / f"{table}.csv"
            if not path.is_file():
                continue
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            mapped = written[written["table"] == table]
            if len(frame) != len(mapped):
                uncovered.append((run_dir.name, table, len(frame), len(mapped)))
        path = run_dir / "budget_summary.csv"
        if path.is_file():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
            numbers = [c for c in frame.columns if c != "year"]
            mapped = written[written["table"] == "budget_summary"]
            if len(frame) and len(mapped) != len(numbers):  # the period's own year: one concept per number
                uncovered.append((run_dir.name, "budget_summary", numbers, sorted(mapped["concept"])))
    assert uncovered == []


def test_the_method_page_documents_every_concept_once_as_the_registry_says():
    from conftest import ROOT

    from helpers.publishing import book

    text = (ROOT / "book" / "data_and_method.md").read_text(encoding="utf-8")
    start = text.index("-->", text.index(book.CONCEPTS_START)) + 3
    section = text[start : text.index(book.CONCEPTS_END)]
    assert section.strip() == book.concepts_section(), "run `reportbook build` (it writes the list)"
    for c in concepts.registry().values():
        assert section.count(f"(`{c.id}`,") == 1, c.id


def test_case_events_without_interventions_give_key_figures_with_nothing_spent(year):
    _, plan, _ = year
    events = pd.DataFrame(
        {
            "person_id": ["a"],
            "event_date": pd.to_datetime(["2016-03-01"]),
            "event_type": ["underretning"],
            "outcome": [None],
            "deadline_met": pd.array([None], dtype="boolean"),
        }
    )
    none = interventions([("E", 5, "2016-03-01", None, 1)]).iloc[:0]
    got = kf.key_figures(none, events, plan, "2016-01-01", AS_OF, 851).set_index("figure")["value"]
    assert got["spending_committed_year"] == 0 and got["budget_deviation_pct"] == 100  # nothing of 1,100,000 spent
