"""The overview page ("Overblik"): the brief's key figures from the published trends table,
its links to the detail pages of the matrix, and its place first in the sidebar."""

from pathlib import Path

import pandas as pd

from helpers.publishing.disclosure import PUBLISHED, WITHHELD
from helpers.publishing.pages import overview
from helpers.publishing.tables import Published


def published(frame: pd.DataFrame, withheld=()) -> Published:
    status = pd.DataFrame(PUBLISHED, index=frame.index, columns=frame.columns)
    for row, column in withheld:
        status.loc[row, column] = "primary"
    return Published("t", frame, status, Path("t.csv"), Path("t.xlsx"))


def monthly() -> pd.DataFrame:
    rows = [
        # figure, group, July 2015, July 2016
        ("placed_children", "4", 3, 4),
        ("placed_children", "5", 30, 36),
        ("placed_children", "I alt", 40, 52),
        ("placed_per_1000_0_22", "I alt", 8.0, 10.4),
        ("new_placements", "I alt", 6, 2),
        ("spending", "I alt", 1_000_000, 1_200_000),  # not a figure of the brief
    ]
    out = []
    for figure, group, before, now in rows:
        for date, value in (("2015-07-31", before), ("2016-07-31", now)):
            out.append({"municipality": 851, "date": date, "figure": figure, "group": group, "value": float(value)})
    return pd.DataFrame(out)


def test_the_brief_shows_its_few_figures_with_change_and_target():
    frame = monthly()
    withheld = [(i, "value") for i in frame.index[(frame["figure"] == "new_placements") & (frame["value"] == 2)]]
    goals = published(
        pd.DataFrame(
            [{"date": "2016-07-31", "figure": "placed_children", "group": "I alt", "target": 45.0, "status": "over"}]
        )
    )
    table = overview.key_figures(published(frame, withheld), goals)
    assert table["Nøgletal"].tolist() == [
        "Anbragte børn og unge (trin 4–6)",
        "Anbragte pr. 1.000 0–22-årige",
        "Nye anbringelser i måneden",
    ]
    placed = table.iloc[0]
    assert (placed["juli 2016"], placed["juli 2015"], placed["Ændring"]) == ("52", "40", "+12")  # 52 - 40
    assert (placed["Mål"], placed["Status"]) == ("45", "over")
    rate = table.iloc[1]
    assert (rate["juli 2016"], rate["Ændring"]) == ("10,40", "+2,40")  # 10.4 - 8.0, Danish decimals
    assert rate["Mål"] == ""
    new = table.iloc[2]
    assert (new["juli 2016"], new["juli 2015"], new["Ændring"]) == (WITHHELD, "6", WITHHELD)


def test_a_withheld_status_is_shown_as_withheld():
    goals_frame = pd.DataFrame(
        [{"date": "2016-07-31", "figure": "placed_children", "group": "I alt", "target": 45.0, "status": "over"}]
    )
    table = overview.key_figures(published(monthly()), published(goals_frame, [(0, "status")]))
    assert table.iloc[0]["Status"] == WITHHELD


def test_the_brief_links_to_the_detail_pages_of_its_matrix():
    class Report:
        municipality = 410
        period_start = pd.Timestamp("2016-02-01")
        period_end = pd.Timestamp("2016-08-01")
        run_config = {"matrix": True, "notebooks": ["overview", "staircase", "adult_prices"]}

    html = overview.links(Report(), {"staircase": "Indsatstrappen", "adult_prices": "Voksne"})
    assert "href='../staircase/410_2016-02-01_2016-08-01.html'>Indsatstrappen</a>" in html
    assert "href='../adult_prices/410_2016-02-01_2016-08-01.html'>Voksne</a>" in html
    assert "trends" not in html and "budget_followup" not in html
    assert overview.linked_notebooks({}) == overview.DETAIL_PAGES  # a brief run on its own links every page


def test_the_sidebar_groups_a_municipalitys_pages_by_period_newest_first_under_each_brief(tmp_path, monkeypatch):
    """Issue #30: a municipality's pages are grouped by period (release), the newest first,
    each period's brief the parent of its other pages; a period without a brief lists its
    pages with the period in their titles."""
    import json

    import yaml

    from helpers.publishing import book

    runs = [
        (nb, start, end)
        for start, end in (("2016-02-01", "2016-08-01"), ("2014-01-01", "2016-12-31"), ("2016-01-01", "2016-03-31"))
        for nb in ("staircase", "trends", "overview")
    ]
    runs += [("staircase", "2016-03-01", "2016-03-31"), ("trends", "2016-03-01", "2016-03-31")]
    entries = [
        {
            "notebook": nb,
            "municipality": 410,
            "municipality_name": "Middelfart",
            "region": "Region Syddanmark",
            "period_start": start,
            "period_end": end,
            "path": f"{nb}/410_{start}_{end}",
        }
        for nb, start, end in runs
    ]
    reports = book.BOOK_DIR / "reports"
    monkeypatch.setattr(book, "_entries", lambda _: book.sorted_entries(entries))
    monkeypatch.setattr(book, "BUILD_DIR", tmp_path)
    monkeypatch.setattr(book, "GENERATED_TOC", tmp_path / "_toc.yml")
    toc = yaml.safe_load(book.write_toc(reports).read_text(encoding="utf-8"))
    found = []

    def walk(items):
        for item in items or []:
            if item.get("title", "").startswith("Middelfart"):
                found.append(item["sections"])
            for key in ("chapters", "sections", "parts"):
                walk(item.get(key))

    walk([toc, *toc.get("parts", [])])
    assert found and all(f == found[0] for f in found)  # (the walk meets it once per path to it)
    files = [s["file"].split("/", 2)[-1] for s in found[0]]
    # newest first by the period's end; March (no brief) before its quarter, which ends the same day
    assert files == [
        "overview/410_2014-01-01_2016-12-31",
        "overview/410_2016-02-01_2016-08-01",
        "trends/410_2016-03-01_2016-03-31",
        "staircase/410_2016-03-01_2016-03-31",
        "overview/410_2016-01-01_2016-03-31",
    ]
    assert found[0][0]["title"] == "1. januar 2014 – 31. december 2016"
    assert found[0][2]["title"] == "Udvikling, 1. marts 2016 – 31. marts 2016"
    for brief in (found[0][0], found[0][1], found[0][4]):  # the details under their brief, in page order
        period = brief["file"].rsplit("/", 1)[-1]
        assert [s["file"].split("/", 2)[-1] for s in brief["sections"]] == [f"trends/{period}", f"staircase/{period}"]
        assert [s["title"] for s in brief["sections"]] == ["Udvikling", "Indsatstrappen"]
    assert json.dumps(found)  # (plain lists)


def test_placed_per_1000_from_the_records_beside_the_public_figure_and_the_gap_explained():
    """Issue #24, item 4: two concepts, both shown with their source, and a sentence when they
    differ by more than 10 %."""
    summary = pd.DataFrame({"figure": ["placed_per_1000_0_22"], "value": [9.2], "average": [9.2]})
    text = overview.placed_rate_da(published(monthly()), published(summary), 2015)
    assert text.startswith(
        "Anbragte pr. 1.000 0–22-årige: 10,4 ifølge kommunens egne indsatsdata (ultimo juli 2016) og 9,2 ifølge "
        "de offentlige nøgletal for 2015."
    )
    assert "Forskellen er over 10 %" in text  # |10.4 - 9.2| / 9.2 = 13 %
    close = overview.placed_rate_da(published(monthly()), published(summary.assign(value=[10.0])), 2015)
    assert "De to tal ligger inden for 10 % af hinanden." in close and "Forskellen" not in close  # 4 %
    # a withheld public figure is not read; a withheld own figure neither
    own_only = overview.placed_rate_da(published(monthly()), published(summary, withheld=[(0, "value")]), 2015)
    assert own_only == "Anbragte pr. 1.000 0–22-årige: 10,4 ifølge kommunens egne indsatsdata (ultimo juli 2016)."
    row = monthly().index[(monthly()["figure"] == "placed_per_1000_0_22") & (monthly()["date"] == "2016-07-31")][0]
    frame = monthly()
    frame.loc[row, "value"] = float("nan")
    public_only = overview.placed_rate_da(published(frame, withheld=[(row, "value")]), published(summary), 2015)
    assert public_only == "Anbragte pr. 1.000 0–22-årige: 9,2 ifølge de offentlige nøgletal for 2015."
    assert overview.placed_rate_da(None, None, 2015) is None


def test_a_page_links_the_same_page_of_the_neighbouring_release_of_its_kind():
    """Issue #30: months link months, quarters quarters, KORA's half-years half-years; the
    links follow the period's end, and each notebook and municipality has its own series."""
    from helpers.publishing import book

    def run(nb, code, start, end):
        return {"notebook": nb, "municipality": code, "period_start": start, "period_end": end,
                "path": f"{nb}/{code}_{start}_{end}"}  # fmt: skip

    jan, feb = ("2016-01-01", "2016-01-31"), ("2016-02-01", "2016-02-29")
    mar, q1 = ("2016-03-01", "2016-03-31"), ("2016-01-01", "2016-03-31")
    h1, h2 = ("2016-02-01", "2016-08-01"), ("2016-08-01", "2017-02-01")
    entries = [run("trends", 851, *p) for p in (mar, jan, q1, feb, h1, h2)] + [run("trends", 410, *jan)]
    entries.append(run("staircase", 851, *feb))
    links = book.release_links(entries, "r")
    assert links["r/trends/851_2016-01-01_2016-01-31"] == {
        "next": ["r/trends/851_2016-02-01_2016-02-29", "Udvikling, 1. februar 2016 – 29. februar 2016"]
    }
    assert [links["r/trends/851_2016-02-01_2016-02-29"][k][0] for k in ("prev", "next")] == [
        "r/trends/851_2016-01-01_2016-01-31", "r/trends/851_2016-03-01_2016-03-31",
    ]  # fmt: skip
    assert links["r/trends/851_2016-08-01_2017-02-01"] == {
        "prev": ["r/trends/851_2016-02-01_2016-08-01", "Udvikling, 1. februar 2016 – 1. august 2016"]
    }
    # a quarter alone of its kind, another municipality's January, a page alone: no links
    assert not {"r/trends/851_2016-01-01_2016-03-31", "r/trends/410_2016-01-01_2016-01-31"} & set(links)
    assert "r/staircase/851_2016-02-01_2016-02-29" not in links
    assert book.period_kind("2016-12-01", "2016-12-31") == ("month",)
    assert book.period_kind("2016-10-01", "2016-12-31") == ("quarter",)
    assert book.period_kind("2016-01-01", "2016-12-31") == ("year",)
    assert book.period_kind("2014-01-01", "2016-12-31") == ("calendar months", 36)
    assert book.period_kind("2016-01-01", "2016-06-30") == book.period_kind("2016-07-01", "2016-12-31")
    assert book.period_kind("2016-07-01", "2016-12-31") == ("calendar months", 6)
    assert book.period_kind("2016-02-10", "2016-03-20") == ("days", 39)
    assert book.period_kind("2016-02-01", "2016-08-01") == ("months", 6)
