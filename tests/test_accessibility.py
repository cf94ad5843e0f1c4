"""Accessible pages (issue #26): axe-core, the accessibility engine, checks one page of every
kind of the built default book in Debian's Chromium against WCAG 2.0 and 2.1, levels A and
AA, with no rule disabled; and the tables are walkable by a screen reader.

axe-core is bundled by the ``axe-playwright-python`` package; the browser is the one the
site test uses (``conftest.browser``)."""

import re

import pandas as pd
import pytest
from conftest import CONFIG, SITE_RUN_IDS

#: WCAG 2.0 and 2.1, levels A and AA: the level Danish public bodies' websites must meet.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: Rules switched off, with the reason (also listed on the method page): none.
DISABLED_RULES: dict[str, str] = {}
NOTEBOOKS = CONFIG["notebooks"]
NO_DATA = "101_2016-02-01_2016-08-01"  # København: the default data have no rows for it


def page_kinds(html_root):
    """One page of every kind: the start page, the hand-written pages, a municipality, a
    region, the national overview and one of its periods, the report of every notebook for
    a municipality with data and for one without."""
    first = SITE_RUN_IDS[0]
    region = sorted((html_root / "book" / "regioner").glob("*.html"))[0].relative_to(html_root)
    period = sorted((html_root / "book" / "landsoversigt").glob("*.html"))[0].relative_to(html_root)
    pages = [
        "book/intro.html",
        "book/reports.html",
        "book/data_and_method.html",
        "book/data_dictionary.html",
        "book/data_quality.html",
        "book/genskabelse.html",
        f"book/kommuner/{first.split('_')[0]}.html",
        str(region),
        "book/landsoversigt.html",
        str(period),
        "search.html",
    ]
    pages += [f"book/reports/{nb}/{first}.html" for nb in NOTEBOOKS]
    pages += [f"book/reports/{nb}/{NO_DATA}.html" for nb in NOTEBOOKS]
    return pages


def violations_of(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if DISABLED_RULES:
        options["rules"] = {rule: {"enabled": False} for rule in DISABLED_RULES}
    return Axe().run(page, options=options).response["violations"]


def test_every_page_kind_meets_wcag_21_aa(browser, server, book_site):
    html_root = book_site / "_build" / "html"
    pages = page_kinds(html_root)
    assert len(pages) == 11 + 2 * len(NOTEBOOKS)
    missing = [p for p in pages if not (html_root / p).exists()]
    assert not missing, missing
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    found = {}
    for rel in pages:
        page.goto(f"{server}/{rel}", wait_until="load")
        for v in violations_of(page):
            found.setdefault(rel, []).append(
                (v["id"], v["impact"], len(v["nodes"]), [n["target"] for n in v["nodes"][:3]])
            )
    assert not found, found


def test_axe_finds_what_it_should(browser, server):
    """The check can fail: a page with a nameless toggle and an unreachable scrolling box
    (what the book had before) is found out."""
    page = browser.new_page()
    page.goto(f"{server}/book/intro.html", wait_until="load")
    page.evaluate(
        """() => {
        const d = document.createElement('details');
        d.innerHTML = '<summary><span role="presentation"></span></summary><p>x</p>';
        document.querySelector('main').appendChild(d);
        const box = document.createElement('div');
        box.style = 'overflow:auto;width:100px;height:50px';
        box.innerHTML = '<p style="width:900px;height:300px">' + 'tekst '.repeat(200) + '</p>';
        document.querySelector('main').appendChild(box);
    }"""
    )
    assert {v["id"] for v in violations_of(page)} >= {"summary-name", "scrollable-region-focusable"}


@pytest.mark.parametrize("notebook", ["staircase", "benchmarking", "offers"])
def test_tables_have_row_headers_a_name_and_a_spoken_withheld_sign(book_site, notebook):
    page = (book_site / "_build" / "html" / "book" / "reports" / notebook / f"{SITE_RUN_IDS[0]}.html").read_text(
        encoding="utf-8"
    )
    tables = re.findall(r"<table class=\"gt_table\".*?</table>", page, flags=re.S)
    assert tables
    for table in tables:
        assert 'scope="row"' in table or table.count("<tr") <= 2  # every body row starts with its header
        assert "aria-labelledby=" in table  # the caption (the table's title) names it
    boxes = re.findall(r'<div id="rb-[^"]*" tabindex="0" role="region" aria-label="[^"]+"', page)
    assert len(boxes) == len(tables)
    assert ">..</td>" not in page and ">..</th>" not in page  # every ".." is read out


def test_every_figure_has_a_text_alternative_with_its_numbers(book_site):
    """WCAG 1.1.1: every figure's alt says what it shows, in Danish, with numbers, and is not
    a file path; on the trends page the numbers are the published ones (trends.csv)."""
    html_root = book_site / "_build" / "html" / "book" / "reports"
    images = 0
    for page in html_root.rglob("*.html"):
        for alt, src in re.findall(r'<img alt="([^"]*)" src="([^"]*)"', page.read_text(encoding="utf-8")):
            if "_images/" not in src:
                continue
            images += 1
            assert alt.startswith("Figur: ") and ".png" not in alt and "_images" not in alt, (page, alt)
            assert len(alt) <= 320 and (re.search(r"\d", alt) or "ingen tal" in alt), (page, alt)
    assert images > 50
    run = SITE_RUN_IDS[0]
    page = (html_root / "trends" / f"{run}.html").read_text(encoding="utf-8")
    published = pd.read_csv(book_site / "book" / "reports" / "trends" / run / "trends.csv")
    values = {f"{v:,.0f}".replace(",", ".") for v in published["value"].dropna()}  # as the axis writes them
    checked = 0
    for alt in re.findall(r'<img alt="(Figur: [^"]*)"', page):
        for token in re.findall(r"(?:højest|lavest) [^;]*? ([\d.,]+(?: %)?)(?=, lavest|\. Tallene)", alt):
            token = token.rstrip(".,")
            if token.endswith("%") or "," in token:
                continue  # a share or a decimal: not a count of trends.csv
            assert token in values, (alt, token)
            checked += 1
    assert checked >= 2


def _danish_number(text: str) -> float:
    """``1.234,5`` -> 1234.5; a withheld or empty cell is left out of the order checks."""
    text = text.replace(".", "").replace(",", ".").replace("−", "-").strip()
    try:
        return float(text)
    except ValueError:
        return float("inf")


def test_the_national_table_sorts_and_filters_by_keyboard_in_danish(browser, server, book_site):
    """WCAG 2.1.1: the national overview's sortable table is used with the keyboard alone:
    Tab reaches the search field and each column's sort control, Enter sorts (ascending, then
    descending), typing filters; the controls are named in Danish."""
    html_root = book_site / "_build" / "html"
    period = sorted((html_root / "book" / "landsoversigt").glob("*.html"))[0].relative_to(html_root)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page.goto(f"{server}/{period}", wait_until="load")
    page.wait_for_selector("table.dataTable tbody tr")

    def column(i):
        return page.evaluate(
            f"() => [...document.querySelectorAll('table.dataTable tbody tr')].map(r => r.cells[{i}].textContent)"
        )

    focused = """() => { const e = document.activeElement, th = e.closest('th');
        return [e.tagName, e.className, th ? th.textContent.trim() : null, e.getAttribute('aria-label'),
                th ? Number(th.dataset.dtColumn) : null]; }"""
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(focused))
        if reached[-1][2] and reached[-1][2].startswith("Anbragte pr. 1.000"):
            break
    assert any(tag == "INPUT" and "dt-input" in cls for tag, cls, *_ in reached), "search field not reached"
    tag, cls, header, label, index = reached[-1]
    assert "dt-column-order" in cls and label == f"{header}: aktivér for at sortere", reached[-1]
    before = column(index)
    page.keyboard.press("Enter")
    page.wait_for_selector("th[aria-sort=ascending]", state="attached")  # the order is said, too
    ascending = [_danish_number(v) for v in column(index) if _danish_number(v) != float("inf")]
    assert ascending == sorted(ascending) and len(column(index)) == len(before) >= 3, ascending
    assert ascending != [_danish_number(v) for v in before if _danish_number(v) != float("inf")], "not re-sorted"
    page.keyboard.press("Enter")
    page.wait_for_selector("th[aria-sort=descending]", state="attached")
    descending = [_danish_number(v) for v in column(index) if _danish_number(v) != float("inf")]
    assert descending == sorted(descending, reverse=True), descending
    name = column(0)[0]
    page.focus("input.dt-input")
    page.keyboard.type(name[:5])
    assert column(0) == [name] or all(name[:5] in n for n in column(0))
    page.close()
