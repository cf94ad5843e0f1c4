"""The national overview (book/landsoversigt): one page per period, built only from the
CSV files the runs published. The expected texts below are written by hand from the
fake published tables."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.publishing import national

P1 = ("2016-02-01", "2016-08-01")
P2 = ("2016-08-01", "2017-02-01")
MUNICIPALITIES = {
    851: ("Aalborg", "Region Nordjylland"),
    615: ("Horsens", "Region Midtjylland"),
    410: ("Middelfart", "Region Syddanmark"),
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _run(reports: Path, notebook: str, code: int, period, files: dict) -> dict:
    run_id = f"{code}_{period[0]}_{period[1]}"
    for name, text in files.items():
        _write(reports / notebook / run_id / f"{name}.csv", text)
    name, region = MUNICIPALITIES[code]
    return {
        "notebook": notebook,
        "municipality": code,
        "municipality_name": name,
        "region": region,
        "period_start": period[0],
        "period_end": period[1],
        "path": f"{notebook}/{run_id}",
    }


COMPARISON = (
    "municipality,name,year,figure,value,rank,of,average,focal,same_region\n"
    "101,København,2016,placed_per_1000_0_22,5.5,90,98,9.2,False,False\n"
    "851,Aalborg,2016,placed_per_1000_0_22,7.3,71,98,9.2,True,False\n"
    "615,Horsens,2016,placed_per_1000_0_22,9.26,50,98,9.2,False,False\n"
    "410,Middelfart,2016,placed_per_1000_0_22,12.04,20,98,9.2,False,False\n"
    "851,Aalborg,2016,budget_deviation_pct,0.9,20,98,-3.7,True,False\n"
)


def _key_figures(code, share):
    return (
        "municipality,period_start,period_end,figure,group,value\n"
        f"{code},x,y,spending_share,Anbringelser (trin 4-6),0.7\n"
        f"{code},x,y,spending_share,Forebyggende (trin 1-3),{share}\n"
    )


def _budget(total, step4):
    return (
        "step,budget_count,budget_unit_cost,budget_cost,actual_count,actual_cost,actual_unit_cost,"
        "volume_effect,price_effect,total_deviation\n"
        f"4,84.7,191995.0,1,1,1,{step4},1,1,1\n"
        "5,1,1,1,1,1,459114.068075,1,1,1\n"
        "6,1,1,1,1,1,1167033.758444,1,1,1\n"
        f"I alt,1,1,1,1,1,1,1,1,{total}\n"
    )


def _concepts(deviation: str) -> str:
    """A budget run's concepts.csv: the deviation (VIVE's sign) and the precision."""
    precision = "" if deviation == "" else str(abs(float(deviation)))
    withheld = "True" if deviation == "" else "False"
    return (
        "concept,group,value,unit,page,table,withheld\n"
        f"budget_deviation_pct,I alt,{deviation},pct,budget_followup,budget_summary,{withheld}\n"
        f"budget_precision_pct,I alt,{precision},pct,budget_followup,budget_summary,{withheld}\n"
    )


GOALS = (
    "municipality,registrations,met,partly,not_met,share_met_or_partly,ci_low,ci_high\n"
    "147,15,,,8,0.466667,0.2,0.7\n"
    "410,9,,,,,,\n"
    "615,10,,,5,0.5,0.23,0.76\n"
    "I alt,126,17,34,75,0.404762,0.3,0.5\n"
)


@pytest.fixture
def fake_book(tmp_path):
    reports = tmp_path / "book" / "reports"
    shares = {851: "0.288065", 615: "", 410: "0.3141"}
    budgets = {851: ("9340371.502951", "197909.819418"), 615: ("-1234567.0", ""), 410: ("-12345678.9", "1234567.4")}
    deviations = {851: "-4.2", 615: "1.5", 410: "-12.3456789"}  # % of the budget, positive = mindreforbrug
    entries = []
    for code in MUNICIPALITIES:
        entries.append(
            _run(
                reports,
                "benchmarking",
                code,
                P1,
                {"municipality_comparison": COMPARISON, "key_figures": _key_figures(code, shares[code])},
            )
        )
        entries.append(
            _run(
                reports,
                "budget_followup",
                code,
                P1,
                {"budget_variance": _budget(*budgets[code]), "concepts": _concepts(deviations[code])},
            )
        )
        entries.append(_run(reports, "goal_attainment", code, P1, {"goal_attainment_by_municipality": GOALS}))
    # the second period: Aalborg only, and no adult run
    entries.append(
        _run(
            reports,
            "benchmarking",
            851,
            P2,
            {"municipality_comparison": COMPARISON, "key_figures": _key_figures(851, "0.25")},
        )
    )
    _write(reports / "matrix.json", json.dumps(entries))
    book = tmp_path / "book"
    pages = national.write_overview(entries, reports, book)
    return book, pages, entries


class _Rows(HTMLParser):
    """The cells of the static table (class national-overview), as text, with the links."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.rows, self.links, self.header = [], [], []
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "national-overview":
            self.inside = True
        if not self.inside:
            return
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = ""
        if tag == "a":
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        if self.inside and tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def _table(page: str):
    parser = _Rows()
    parser.feed(page)
    header, *rows = parser.rows
    return header, {row[0]: dict(zip(header, row)) for row in rows}, rows, parser.links


def test_period_page_values_formats_and_links(fake_book):
    book, pages, _ = fake_book
    page = (book / "landsoversigt" / "2016-02-01_2016-08-01.md").read_text(encoding="utf-8")
    header, by_name, rows, links = _table(page)
    assert [r[0] for r in rows] == ["Aalborg", "Horsens", "Middelfart"]  # each once, by name
    assert sorted(links) == ["../kommuner/410.html", "../kommuner/615.html", "../kommuner/851.html"]
    aalborg, horsens, middelfart = by_name["Aalborg"], by_name["Horsens"], by_name["Middelfart"]
    assert aalborg["Region"] == "Nordjylland"
    assert [aalborg["Anbragte pr. 1.000 0-22-årige"], horsens["Anbragte pr. 1.000 0-22-årige"]] == ["7,3", "9,3"]
    assert middelfart["Anbragte pr. 1.000 0-22-årige"] == "12,0"
    share = "Forebyggende andel af forbruget"
    assert [aalborg[share], horsens[share], middelfart[share]] == ["28,8 %", "..", "31,4 %"]
    deviation = "Budgetafvigelse (%, + = mindreforbrug)"
    assert [aalborg[deviation], horsens[deviation], middelfart[deviation]] == ["−4,2 %", "+1,5 %", "−12,3 %"]
    # VIVE's two measures over the shown: mean (-4.2 + 1.5 - 12.3456789) / 3 = -5.015, mean absolute 6.015
    assert "budgetafvigelsen i gennemsnit −5,0 % (merforbrug), og budgetpræcisionen" in page
    assert "den gennemsnitlige afvigelse uanset retning, er 6,0 %." in page
    network = "Pris pr. helårsanbr., netværkspleje (kr.)"
    assert [aalborg[network], horsens[network], middelfart[network]] == ["197.910", "..", "1.234.567"]
    assert aalborg["Pris pr. helårsanbr., institution (kr.)"] == "1.167.034"
    goals = "Voksne: mål om bedre funktionsevne nået (1.→2. registrering)"
    # the share with the interval its run published (0.23-0.76), withheld stays withheld
    assert [aalborg[goals], horsens[goals], middelfart[goals]] == ["–", "50,0 % (23,0–76,0)", ".."]
    assert "De vandrette streger er 95 %-konfidensintervaller (Wilson)" in page
    # the page names the withheld municipalities under the plots, and nothing on it is fetched from the net
    assert "Diskretioneret og udeladt af figuren: Horsens." in page
    assert "*Forbehold:* KL (seeds/003) advarer: kommunerne sætter mål med forskelligt ambitionsniveau" in page
    assert "Anbragte pr. 1.000 0-22-årige er offentlige nøgletal for 2016." in page
    assert not re.search(r"https?://", page)
    assert '<script src="../../_static/itables/itables_offline.js"></script>' in page
    # the chapter page lists both periods
    chapter = (book / "landsoversigt.md").read_text(encoding="utf-8")
    assert (
        "(landsoversigt/2016-02-01_2016-08-01.md)" in chapter and "(landsoversigt/2016-08-01_2017-02-01.md)" in chapter
    )
    # every run's concepts in one download, linked from the chapter
    assert "{download}`begreber.csv <landsoversigt/begreber.csv>`" in chapter
    combined = (book / "landsoversigt" / "begreber.csv").read_text(encoding="utf-8").splitlines()
    assert combined[0] == "municipality,period_start,period_end,concept,group,value,unit,page,table,withheld"
    assert (
        len(combined) == 1 + 3 * 2
        and "410,2016-02-01,2016-08-01,budget_deviation_pct,I alt,-12.3456789," in combined[1]
    )


def test_withheld_values_are_not_ranked_or_plotted(fake_book):
    book, _, entries = fake_book
    frame = national.collect(entries, book / "reports")[P1]
    figures = {f.key: f for f in national.FIGURES}
    share = national.ranked(frame, figures["preventive_share"])
    assert list(share["name"]) == ["Middelfart", "Aalborg"] and list(share["rank"]) == [1, 2]
    price = national.ranked(frame, figures["price_step_4"])
    assert list(price["name"]) == ["Middelfart", "Aalborg"]
    deviation = national.ranked(frame, figures["budget_deviation_pct"])
    assert list(deviation["name"]) == ["Horsens", "Aalborg", "Middelfart"] and list(deviation["rank"]) == [1, 2, 3]
    goals = national.ranked(frame, figures["goal_attainment"])
    assert list(goals["name"]) == ["Horsens"]  # Middelfart withheld, Aalborg without adult data
    fig = national.dot_plot(share, figures["preventive_share"], "t")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(labels) == ["1 Middelfart", "2 Aalborg"]
    assert all(t.get_fontsize() >= 9 for t in fig.axes[0].get_yticklabels())
    # Danish ticks, no two alike (28,8 % and 31,4 %: steps of 0,5 percentage points need a decimal)
    fig.canvas.draw()
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_visible() and t.get_text()]
    assert len(ticks) == len(set(ticks)) >= 3 and all(re.fullmatch(r"\d+,\d %", t) for t in ticks), ticks
    # the plots on disk: one per figure with a published value, deterministic bytes
    folder = book / "landsoversigt"
    png = folder / "2016-02-01_2016-08-01_preventive_share.png"
    first = png.read_bytes()
    png.unlink()
    national.save_png(
        national.dot_plot(
            share, figures["preventive_share"], "Forebyggende andel af forbruget, 1. februar 2016 – 1. august 2016"
        ),
        png,
    )
    assert png.read_bytes() == first and b"Software" not in first
    # an unchanged page keeps its plots; a missing plot is drawn again
    png.unlink()
    national.write_overview(entries, book / "reports", book)
    assert png.read_bytes() == first


def test_goal_attainment_is_ranked_with_its_intervals_and_says_which_overlap():
    figure = {f.key: f for f in national.FIGURES}["goal_attainment"]
    frame = national.pd.DataFrame(
        {
            "municipality": [1, 2, 3, 4],
            "name": ["A", "B", "C", "D"],
            "goal_attainment": [0.62, 0.55, 0.30, None],
            "goal_attainment_ci": [(0.50, 0.72), (0.41, 0.68), (0.20, 0.42), None],
        },
        dtype=object,
    )
    values = national.ranked(frame, figure)
    assert list(values["name"]) == ["A", "B", "C"] and list(values["ci_low"]) == [0.50, 0.41, 0.20]
    # B's interval (0.41-0.68) overlaps A's (0.50-0.72); C's (0.20-0.42) does not
    sentence = national.interval_sentence(values)
    assert (
        "1 af de 2 øvrige kommuner med interval har et interval, der overlapper intervallet for nr. 1 (A)" in sentence
    )
    both = national.interval_sentence(values.iloc[:2])
    assert "Intervallerne for A og B overlapper, så rækkefølgen kan være tilfældig." in both
    apart = values.iloc[[0, 2]]
    assert "Ingen af de øvrige kommuners intervaller overlapper" in national.interval_sentence(apart)
    no_intervals = national.interval_sentence(values.assign(ci_low=float("nan"), ci_high=float("nan")))
    assert "streger" not in no_intervals and "ikke offentliggjort intervaller" in no_intervals
    assert national.cell_text(figure, 0.62, (0.5, 0.72)) == "62,0 % (50,0–72,0)"
    assert national.cell_text(figure, None, None) == ".."
    # the plot draws one error bar per municipality with an interval, spanning it
    fig = national.dot_plot(values, figure, "t")
    segments = [seg for c in fig.axes[0].collections for seg in getattr(c, "get_segments", lambda: [])()]
    spans = sorted((round(float(s[0][0]), 2), round(float(s[1][0]), 2)) for s in segments if len(s) == 2)
    assert spans == [(0.2, 0.42), (0.41, 0.68), (0.5, 0.72)]


def test_sorting_uses_hidden_numbers_and_withheld_is_null(fake_book):
    book, _, _ = fake_book
    page = (book / "landsoversigt" / "2016-02-01_2016-08-01.md").read_text(encoding="utf-8")
    data = json.loads(json.loads(re.search(r'"data_json": (".*?[^\\]")', page).group(1)))
    rows = {re.sub("<[^>]+>", "", r[0]): r for r in data}
    # columns: Kommune, Region, 7 figures as text, then 7 numbers; the preventive share is the 2nd figure
    assert rows["Horsens"][9 + 1] is None and rows["Aalborg"][9 + 1] == pytest.approx(0.288065)
    assert rows["Middelfart"][9 + 2] == pytest.approx(-12.3456789)
    # the 2nd figure's column (3) sorts on its hidden number (10) as its own sort data
    assert re.search(r"row\[10\] : data; \}\", \"targets\": 3\}", page)
    # no run of 10 digits (which could read as a CPR number) in the page's source
    assert not re.search(r"\d{10}", page)
    # a search box and paging also when the municipalities fit on one page
    assert '"topStart": "search"' in page


def test_a_period_without_adult_data_says_so(fake_book):
    book, _, _ = fake_book
    page = (book / "landsoversigt" / "2016-08-01_2017-02-01.md").read_text(encoding="utf-8")
    header, by_name, rows, links = _table(page)
    assert [r[0] for r in rows] == ["Aalborg"] and links == ["../kommuner/851.html"]
    assert "Voksne: mål om bedre funktionsevne nået (1.→2. registrering)" not in header
    assert (
        "*Voksne: mål om bedre funktionsevne nået (1.→2. registrering)* er ikke offentliggjort for nogen af kommunerne"
        in page
    )
    assert by_name["Aalborg"]["Forebyggende andel af forbruget"] == "25,0 %"
    assert "Budgetafvigelse (%, + = mindreforbrug)" not in header  # no budget follow-up run in the period
    assert "*Budgetafvigelse (%, + = mindreforbrug)* er ikke offentliggjort" in page


def test_offline_bundle_has_no_cdn():
    js = national.offline_bundle_js()
    assert len(js) > 500_000 and "unpkg" not in js and "cdn." not in js
    assert "_itables_2_9_1" in js


def test_a_period_of_several_years_shows_its_last_budget_year(tmp_path):
    reports = tmp_path / "book" / "reports"
    header = "year,step,actual_unit_cost,total_deviation\n"
    rows = "2015,4,100000.0,-5000000.0\n2015,I alt,1,-5000000.0\n2016,4,250000.0,2500000.0\n2016,I alt,1,2500000.0\n"
    period = ("2015-01-01", "2016-12-31")
    files = {"budget_variance": header + rows, "concepts": _concepts("2.5")}  # 2016's, the period's last year
    entries = [_run(reports, "budget_followup", 410, period, files)]
    national.write_overview(entries, reports, tmp_path / "book")
    page = (tmp_path / "book" / "landsoversigt" / "2015-01-01_2016-12-31.md").read_text(encoding="utf-8")
    _, by_name, _, _ = _table(page)
    assert by_name["Middelfart"]["Budgetafvigelse (%, + = mindreforbrug)"] == "+2,5 %"
    assert by_name["Middelfart"]["Pris pr. helårsanbr., netværkspleje (kr.)"] == "250.000"
    assert "gælder budgetåret 2016." in page


def test_built_site_has_an_overview_per_period(book_site):
    """The real book (default matrix + København): one overview page per period of runs.yml,
    listing the book's municipalities once each, with links and images that exist."""
    import csv

    from conftest import CONFIG, NO_DATA_RUN

    html_dir = book_site / "_build" / "html"
    chapter = (html_dir / "book" / "landsoversigt.html").read_text(encoding="utf-8")
    script = html_dir / "_static" / "itables" / "itables_offline.js"
    assert script.stat().st_size > 500_000
    for period in CONFIG["periods"]:
        start, end = period.split(":")
        page_path = html_dir / "book" / "landsoversigt" / f"{start}_{end}.html"
        page = page_path.read_text(encoding="utf-8")
        assert f'href="landsoversigt/{start}_{end}.html"' in chapter
        _, by_name, rows, links = _table(page)
        expected = {"Aalborg", "Horsens", "Middelfart"} | ({"København"} if period == NO_DATA_RUN[3] else set())
        assert sorted(r[0] for r in rows) == sorted(expected)
        assert len(links) == len(expected)
        for href in links:
            assert (page_path.parent / href).resolve().is_file(), href
        for src in re.findall(r'<img[^>]+src="([^"]+)"', page):
            assert (page_path.parent / src).resolve().is_file(), src
        assert (page_path.parent / "../../_static/itables/itables_offline.js").resolve() == script.resolve()
        # the only absolute URL is the theme's (unused) thebe setting, on every page of the book
        urls = set(re.findall(r"https?://[^\"'\s<>]+", page))
        assert all(u.startswith("https://unpkg.com/thebe@") for u in urls), urls
        # Aalborg's preventive share: the published CSV value, formatted by hand
        key_figures = book_site / "book" / "reports" / "benchmarking" / f"851_{start}_{end}" / "key_figures.csv"
        with key_figures.open(encoding="utf-8") as f:
            (row,) = [r for r in csv.DictReader(f) if r["figure"] == "spending_share" and r["group"].startswith("Fore")]
        expected_text = ".." if row["value"] == "" else f"{100 * float(row['value']):.1f}".replace(".", ",") + " %"
        assert by_name["Aalborg"]["Forebyggende andel af forbruget"] == expected_text


def test_a_book_without_runs_says_so_and_stale_pages_go(fake_book):
    book, pages, _ = fake_book
    assert (book / "landsoversigt" / "2016-08-01_2017-02-01_preventive_share.png").exists()
    assert national.write_overview([], book / "reports", book) == [book / "landsoversigt.md"]
    assert "Der er endnu ingen kørte rapporter" in (book / "landsoversigt.md").read_text(encoding="utf-8")
    assert list((book / "landsoversigt").iterdir()) == []


def _number(text: str) -> float:
    return float(text.replace(" %", "").replace(".", "").replace(",", ".").replace("−", "-"))


def test_a_reader_sorts_and_searches_the_overview_offline(fake_book, tmp_path):
    """In Chromium, opened from disk (no server, no network): a click on a header sorts the
    Danish numbers as numbers ("197.910" before "1.234.567", which text order reverses), the
    withheld value stays at one end, and the search box finds a municipality. Nothing is
    requested outside the site. (The page's table, as the book embeds it, in a bare page.)"""
    from conftest import CHROMIUM_ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    book, _, _ = fake_book
    text = (book / "landsoversigt" / "2016-02-01_2016-08-01.md").read_text(encoding="utf-8")
    raw = text.split("```{raw} html\n", 1)[1].split("\n```", 1)[0]
    site = tmp_path / "site"
    page_path = site / "book" / "landsoversigt" / "2016-02-01_2016-08-01.html"
    page_path.parent.mkdir(parents=True)
    page_path.write_text(f'<!DOCTYPE html><html lang="da"><meta charset="utf-8"><body>{raw}</body></html>')
    national.write_static(site)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        outside = []
        page.on("request", lambda r: None if r.url.split(":")[0] in ("file", "blob", "data") else outside.append(r.url))
        page.goto(page_path.as_uri())
        page.wait_for_selector("table.dataTable tbody tr")

        def column(i):
            return page.eval_on_selector_all(
                f"table.dataTable tbody tr td:nth-child({i})", "els => els.map(e => e.textContent)"
            )

        header = page.locator("table.dataTable thead th", has_text="netværkspleje").first
        header.click()
        page.wait_for_timeout(200)
        ascending = column(6)
        header.click()
        page.wait_for_timeout(200)
        descending = column(6)
        assert [t for t in ascending if t != ".."] == ["197.910", "1.234.567"], ascending
        assert [t for t in descending if t != ".."] == ["1.234.567", "197.910"], descending
        assert ".." in (ascending[0], ascending[-1]) and ".." in (descending[0], descending[-1])
        header = page.locator("table.dataTable thead th", has_text="Budgetafvigelse").first
        header.click()
        page.wait_for_timeout(200)
        assert column(5) == ["−12,3 %", "−4,2 %", "+1,5 %"]
        page.fill("div.dt-search input", "Hors")
        page.wait_for_timeout(300)
        assert column(1) == ["Horsens"]
        assert page.locator("table.dataTable tbody a").first.get_attribute("href") == "../kommuner/615.html"
        browser.close()
    assert outside == []
