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


def test_the_brief_is_first_in_its_municipalitys_sidebar(tmp_path, monkeypatch):
    import json

    import yaml

    from helpers.publishing import book

    runs = [
        (nb, start, end)
        for start, end in (("2016-02-01", "2016-08-01"), ("2014-01-01", "2016-12-31"))
        for nb in ("staircase", "trends", "overview")
    ]
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
                found.append([s["file"].split("/")[-2] for s in item["sections"]])
            for key in ("chapters", "sections", "parts"):
                walk(item.get(key))

    walk([toc, *toc.get("parts", [])])
    assert found and found[0][:2] == ["overview", "overview"]  # each period's brief, then the details
    assert sorted(found[0][2:]) == ["staircase", "staircase", "trends", "trends"]
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
