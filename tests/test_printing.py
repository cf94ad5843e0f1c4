"""The brief that prints (issue #26, item 5): `reportbook build` prints each municipality-
period's Overblik (two A4 pages at most) and all its pages to PDF with Chromium.

The PDFs are read here with pypdf, not with PDFium that the build itself uses for its check,
so the reading is independent of the code under test. The municipalities' names and the
Danish periods are written out by hand."""

import functools
import re
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import CONFIG, SITE_RUN_IDS, reportbook

from helpers.data.privacy import CPR_IN_TEXT

NAMES = {410: "Middelfart", 615: "Horsens", 851: "Aalborg", 101: "København"}
SLUGS = {410: "middelfart", 615: "horsens", 851: "aalborg", 101: "koebenhavn"}
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober"]
MONTHS += ["november", "december"]
#: What a number of the pages looks like: 1.374 / 21,65 / 76 (signs and units apart).
NUMBER = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")
#: What the print leaves out of a page: links, downloads, the run's parameters, the link lists.
NOT_PRINTED = [".downloads", ".rb-pdf-links", "details.run-parameters", "#tallene-bag-siden", "#laes-mere"]
NOT_PRINTED += [".headerlink", "style", "script"]


def danish_date(iso: str) -> str:
    year, month, day = (int(x) for x in iso.split("-"))
    return f"{day}. {MONTHS[month - 1]} {year}"


def site(book_site) -> Path:
    return book_site / "_build" / "html" / "book" / "reports"


def pdfs_of(book_site, run: str) -> tuple[Path, Path]:
    code, start, end = run.split("_")
    folder = site(book_site) / "overview" / run
    stem = f"{SLUGS[int(code)]}-{start}-{end}"
    return folder / f"overblik-{stem}.pdf", folder / f"alle-sider-{stem}.pdf"


@functools.cache
def _texts(path: Path, stamp: int) -> tuple[str, ...]:
    from pypdf import PdfReader

    return tuple(page.extract_text() for page in PdfReader(path).pages)


def texts(path: Path) -> tuple[str, ...]:
    """The text of each sheet (read once per version of the file: pypdf is slow)."""
    return _texts(path, path.stat().st_mtime_ns)


def header(run: str) -> str:
    code, start, end = run.split("_")
    period = f"{danish_date(start)} – {danish_date(end)}"
    return f"{NAMES[int(code)]} Kommune · {period} Data «synthetic» (syntetiske data), opgjort pr. {danish_date(end)}"


def body(sheet: str, run: str) -> str:
    """A sheet's text without the printer's header and footer (the footer is the last protection
    note of the sheet, ending in its page number); both must be there."""
    text = " ".join(sheet.split())
    assert header(run) in text, (run, text[-400:])
    text = text.replace(header(run), " ", 1)
    cut = text.rfind("«..» = ikke vist af hensyn til diskretion")
    assert cut >= 0 and re.fullmatch(r"«\.\.» = ikke vist af hensyn til diskretion: .*Side \d+ af \d+", text[cut:])
    return text[:cut]


def test_every_municipality_and_period_has_its_two_pdfs_with_header_and_footer_on_every_sheet(book_site):
    from pypdf import PdfReader

    assert len(SITE_RUN_IDS) == 10
    for run in SITE_RUN_IDS:
        code, start, end = run.split("_")
        brief, whole = pdfs_of(book_site, run)
        assert brief.exists() and whole.exists(), run
        period = f"{danish_date(start)} – {danish_date(end)}"
        for path, most in ((brief, 2), (whole, None)):
            sheets = texts(path)
            assert len(sheets) >= 1 and (most is None or len(sheets) <= most), (path.name, len(sheets))
            for number, text in enumerate(sheets, start=1):
                body(text, run)  # the header and the footer are on the sheet
                assert re.search(rf"Side {number} af {len(sheets)}\s*$", text), (path.name, number)
            reader = PdfReader(path)
            width, height = (float(x) for x in reader.pages[0].mediabox.upper_right)
            assert abs(width - 595.3) < 2 and abs(height - 841.9) < 2, (path.name, width, height)  # A4 in points
            assert "/CreationDate" not in reader.metadata and "Chrome" not in str(reader.metadata), reader.metadata
        # The whole set begins with the Overblik and holds every page, in the sidebar's order,
        # with one bookmark per page named by its title.
        expected = [f"{title}: {NAMES[int(code)]} ({code}), {period}" for title in TITLES]
        outline = [item.title for item in PdfReader(whole).outline if not isinstance(item, list)]
        assert outline == expected, (run, outline)
        whole_text = " ".join(" ".join(texts(whole)).split())  # a long title may wrap
        at = [whole_text.find(title) for title in expected]
        assert -1 not in at and at == sorted(at), (run, at)


TITLES = [
    "Overblik",
    "Udvikling",
    "Indsatstrappen",
    "Benchmarking og nøgletal",
    "Budgetopfølgning",
    "Ventelister og resultater",
    "Tilbud, plejefamilier og distrikter",
    "Voksne §85/§107: pris og timer",
    "Voksne §85/§107: mål og opfølgning",
]


def test_the_pdfs_are_tagged_text_in_danish_with_an_outline(book_site):
    from pypdf import PdfReader

    brief, whole = pdfs_of(book_site, SITE_RUN_IDS[0])
    for path in (brief, whole):
        root = PdfReader(path).trailer["/Root"]
        assert root["/Lang"] == "da" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"], path.name
    assert len(PdfReader(whole).outline) >= len(TITLES)


def printed_part(page: Path):
    """The page's article without what the print leaves out."""
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article.bd-article")
    for selector in NOT_PRINTED:
        for element in article.select(selector):
            element.decompose()
    return article


@pytest.mark.parametrize("run", SITE_RUN_IDS)
def test_the_brief_holds_the_numbers_its_page_publishes_and_no_other(book_site, run):
    """Every number printed in the Overblik's PDF is one of its page's published numbers (as
    often as there), and every number of the page's tables is printed: the PDF neither
    adds nor loses a figure, and a withheld cell stays ".."."""
    brief, _ = pdfs_of(book_site, run)
    printed = Counter(NUMBER.findall(" ".join(body(sheet, run) for sheet in texts(brief))))
    page = site(book_site) / "overview" / f"{run}.html"
    article = printed_part(page)
    published = Counter(NUMBER.findall(article.get_text(" ")))
    assert printed, run
    assert not printed - published, (run, printed - published)
    in_tables = Counter(NUMBER.findall(" ".join(t.get_text(" ") for t in article.select("table"))))
    assert not in_tables - printed, (run, in_tables - printed)
    cells = [td.get_text(strip=True) for td in article.select("table td")]
    if ".." in cells:
        assert ".." in "\n".join(texts(brief))


def test_the_whole_set_prints_only_numbers_its_pages_publish(book_site):
    """(As a set: a table that runs over two sheets repeats its column headings on the second.)"""
    for run in SITE_RUN_IDS[::3]:
        _, whole = pdfs_of(book_site, run)
        printed = set(NUMBER.findall(" ".join(body(sheet, run) for sheet in texts(whole))))
        published = set()
        for notebook in CONFIG["notebooks"]:
            published |= set(NUMBER.findall(printed_part(site(book_site) / notebook / f"{run}.html").get_text(" ")))
        assert printed and not printed - published, (run, printed - published)


def test_no_pdf_holds_a_cpr_number(book_site):
    from test_book import _input_cprs

    cprs = _input_cprs(book_site / "data" / "synthetic")
    windows = re.compile(r"(?=(\d{6}[- ]?\d{4}))")
    pdfs = sorted(site(book_site).rglob("*.pdf"))
    assert len(pdfs) == 2 * len(SITE_RUN_IDS)
    for path in pdfs:
        text = "\n".join(texts(path))
        assert not CPR_IN_TEXT.search(text), path.name
        assert not [m.group(1) for m in windows.finditer(text) if m.group(1) in cprs], path.name


def test_the_build_refuses_a_pdf_with_a_cpr_number(browser, tmp_path):
    from helpers.publishing.printing import PrintError, check_pdf

    page = browser.new_page()
    spellings = ["Barnet 010203-1234 er flyttet", "Barnet 010203 1234", "Barnet 0102031234", "010203-1234, født"]
    spellings += ["nr.010203-1234", "barnet,0102031234", "010203–1234 (tankestreg)", "010203 - 1234", "010203-<br>1234"]
    for text in spellings:
        page.set_content(f"<html lang='da'><body><p>{text}</p><p>1.234 børn, 21,65 pr. 1.000</p></body></html>")
        target = tmp_path / "brief.pdf"
        page.pdf(path=str(target))
        with pytest.raises(PrintError, match="CPR"):
            check_pdf(target)
        assert not target.exists()
    page.set_content("<html lang='da'><body><p>1.234 børn, 21,65 pr. 1.000 i 2016-2017</p></body></html>")
    page.pdf(path=str(target))
    assert check_pdf(target) == 1 and target.exists()
    page.close()


def test_every_report_page_links_its_pdfs(book_site):
    for run in SITE_RUN_IDS:
        brief, whole = pdfs_of(book_site, run)
        for notebook in CONFIG["notebooks"]:
            page = site(book_site) / notebook / f"{run}.html"
            links = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select("p.rb-pdf-links a")
            targets = {(page.parent / a["href"]).resolve() for a in links}
            assert targets == {brief.resolve(), whole.resolve()}, (notebook, run)
            assert "2 sider" in links[0].get_text() or "1 side" in links[0].get_text()


def test_every_page_kind_fits_the_printed_sheet(browser, book_site):
    """In print, at A4's printable width (182 mm), no table or figure runs past the text."""
    run = SITE_RUN_IDS[-2]
    page = browser.new_page(viewport={"width": 688, "height": 1000})
    page.emulate_media(media="print")
    for notebook in CONFIG["notebooks"]:
        page.goto((site(book_site) / notebook / f"{run}.html").as_uri())
        wider = page.evaluate(
            """() => { const a = document.querySelector('article.bd-article'), right = a.getBoundingClientRect().right;
            return [...a.querySelectorAll('table, img')]
              .filter(e => e.offsetParent && e.getBoundingClientRect().right > right + 1)
              .map(e => e.tagName + ' ' + Math.round(e.getBoundingClientRect().right - right) + ' px'); }"""
        )
        assert not wider, (notebook, wider)
        assert page.evaluate("() => getComputedStyle(document.querySelector('.rb-pdf-links')).display") == "none"
    page.close()


def test_pdfs_are_printed_again_only_for_what_changed(book_site):
    env = {"REPORTBOOK_HOME": str(book_site)}
    result = reportbook("pdf", env=env, check=True)
    assert "PDF-udgaver: 0 skrevet" in result.stdout
    run = SITE_RUN_IDS[0]
    trends = site(book_site) / "trends" / f"{run}.html"
    trends.touch()
    result = reportbook("pdf", env=env, check=True)
    brief, whole = pdfs_of(book_site, run)
    assert result.stdout.splitlines()[:-1] == [str(whole)], result.stdout
    result = reportbook("pdf", env={**env, "REPORTBOOK_CHROMIUM": str(book_site / "no-chromium")}, check=False)
    assert result.returncode == 0, "nothing to print: Chromium is not needed"
    result = reportbook("pdf", "--force", env={**env, "REPORTBOOK_CHROMIUM": str(book_site / "no-chromium")})
    assert result.returncode == 1 and "Chromium mangler" in result.stderr and "Traceback" not in result.stderr
