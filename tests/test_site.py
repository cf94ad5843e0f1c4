"""The published site as its readers use it: every internal link resolves, and a real
headless Chromium (Debian's, driven by Playwright) reads the start page, follows a
report, sees its figures and downloads a CSV."""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from conftest import CONFIG, SITE_RUN_IDS


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name) and not (tag == "link" and attrs.get("rel") in ("preconnect", "dns-prefetch")):
                self.links.append(attrs[name])


@functools.cache
def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_no_broken_internal_links(book_site):
    root = book_site / "_build" / "html"
    pages = sorted(root.rglob("*.html"))
    assert len(pages) > 10
    broken, checked = [], 0
    for page in pages:
        if "_static" in page.parts:
            continue
        for link in parse(page).links:
            url = urlparse(link)
            if url.scheme or link.startswith(("//", "mailto:", "javascript:", "data:")):
                continue
            target = (page.parent / unquote(url.path)).resolve() if url.path else page
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            missing_anchor = url.fragment and target.suffix == ".html" and url.fragment not in parse(target).ids
            if not target.exists() or missing_anchor:
                broken.append((str(page.relative_to(root)), link))
    assert checked > 100
    assert not broken, broken[:20]


def test_a_reader_follows_a_report_sees_figures_and_downloads_a_csv(browser, server, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page.goto(f"{server}/index.html")
    page.wait_for_url(re.compile(r".*/book/intro\.html$"))
    assert page.locator("html").get_attribute("lang") == "da"
    assert "syntetiske" in page.inner_text("main").lower()
    overview = page.locator("main table a")
    hrefs = sorted({overview.nth(i).get_attribute("href") for i in range(overview.count())})
    codes = {run.split("_")[0] for run in SITE_RUN_IDS}
    assert {h for h in hrefs if h.startswith("kommuner/")} == {f"kommuner/{code}.html" for code in codes}
    assert {"regioner/nordjylland.html", "regioner/hovedstaden.html"} <= set(hrefs)
    page.screenshot(path=str(tmp_path / "start.png"), full_page=True)

    page.click("main table a[href='kommuner/851.html']")
    page.wait_for_load_state("load")
    assert page.title().startswith("Aalborg (851)")
    report_links = page.locator("main table a")
    hrefs = {report_links.nth(i).get_attribute("href") for i in range(report_links.count())}
    notebooks = CONFIG["notebooks"]
    assert len(notebooks) >= 5
    expected = {f"../reports/{nb}/{run}.html" for nb in notebooks for run in SITE_RUN_IDS if run.startswith("851_")}
    assert hrefs == expected
    page.click("main table a[href='../reports/staircase/851_2016-02-01_2016-08-01.html']")
    page.wait_for_load_state("load")
    assert page.title().startswith("Indsatstrappen: Aalborg (851)")
    assert page.locator(".key-messages").first.is_visible()
    images = page.locator("main img")
    assert images.count() >= 5
    images.first.scroll_into_view_if_needed()
    page.wait_for_function("() => Array.from(document.querySelectorAll('main img')).every(i => i.complete)")
    widths = page.eval_on_selector_all("main img", "imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 100 for w in widths), widths

    csv = page.locator("a[href$='transitions.csv']").first
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + csv.get_attribute("href"))
    assert response.status == 200
    assert response.text().splitlines()[0] == "from_step,to_step,children"
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 50_000

    page.goto(f"{server}/search.html?q=plejefamilie")
    page.wait_for_selector("#search-results li", timeout=20_000)
    assert page.locator("#search-results li").count() > 0
    page.close()


#: Words a reader must never see: raw code names, template plurals, local paths.
RAW_NAMES = re.compile(
    r"goal_met|vum_letter|vum_score|target_group|age_group|_share\b|\bnan\b|\bNaN\b|\bNone\b|\bTrue\b|\bFalse\b"
    r"|\(r\)|\(er\)|\b1 kørsler\b|Ved reportbook|/work/|/tmp/|/home/|\bkr\.\.(?!\.)"
)
#: Where the screenshots of each page kind are kept (a test artefact; gitignored).
ARTEFACTS = Path(__file__).resolve().parent.parent / "test-artefacts" / "screenshots"

MEASURE_PAGE = """() => {
  const article = document.querySelector('main article') || document.querySelector('main');
  const column = article.clientWidth;
  const tables = [...article.querySelectorAll('table')].map(t => {
    // a table may scroll inside its own box (great_tables' container) when that box fits
    let box = t.parentElement;
    const scrolling = b => ['auto', 'scroll'].includes(getComputedStyle(b).overflowX) ||
      (getComputedStyle(b).overflowX === 'hidden' &&
       (b.className || '').toString().includes('dt-scroll-head'));  // DataTables' header, synced with its body
    while (box && box !== article && !scrolling(box)) box = box.parentElement;
    const scrolls = box && box !== article;
    return {width: t.scrollWidth, scrolls: !!scrolls, box: scrolls ? box.clientWidth : column};
  });
  const images = [...article.querySelectorAll('img')].map(i => ({ok: i.complete && i.naturalWidth > 0,
    shown: i.getBoundingClientRect().width, src: i.getAttribute('src')}));
  return {column, page: document.documentElement.scrollWidth, window: window.innerWidth, tables, images,
          text: article.innerText, body: document.body.innerText, title: document.title};
}"""


def report_pages(root: Path) -> list[Path]:
    """Every report page, and the national overview's period pages."""
    return sorted((root / "book" / "reports").glob("*/*.html")) + sorted(
        (root / "book" / "landsoversigt").glob("*.html")
    )


def test_every_report_page_reads_well_at_1280_px(browser, server, book_site):
    """Every report page of the default matrix and of a municipality without data, as a reader
    at 1,280 px sees it: no table wider than the column (a table that scrolls in its own box
    may be at most 1.3 x the column), no page wider than the window, a title of its own, no
    raw code name, template plural or local path in the text, every image loaded; a
    screenshot of each page kind is kept in test-artefacts/screenshots."""
    root = book_site / "_build" / "html"
    pages = report_pages(root)
    runs = {p.stem for p in pages if p.parent.name != "landsoversigt"}
    assert len(pages) - len(runs) >= len(CONFIG["periods"])  # one overview page per period
    assert set(SITE_RUN_IDS) <= runs and "101_2016-02-01_2016-08-01" in runs
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="da-DK")
    titles, problems, kinds = {}, [], set()
    for path in pages:
        rel = path.relative_to(root).as_posix()
        page.goto(f"{server}/{rel}")
        page.wait_for_load_state("load")
        page.wait_for_function("() => Array.from(document.querySelectorAll('main img')).every(i => i.complete)")
        seen = page.evaluate(MEASURE_PAGE)
        if seen["page"] > seen["window"]:
            problems.append((rel, f"page {seen['page']} px wider than the window"))
        for t in seen["tables"]:
            too_wide = t["width"] > 1.3 * seen["column"] if t["scrolls"] else t["width"] > seen["column"] + 1
            if too_wide or t["box"] > seen["column"] + 1:
                problems.append((rel, f"table {t['width']} px in a {seen['column']} px column"))
        for image in seen["images"]:
            if not image["ok"] or image["shown"] > seen["column"] + 1:
                problems.append((rel, f"image {image['src']} not loaded or wider than the column"))
        raw = RAW_NAMES.findall(seen["text"]) + re.findall(r"Ved reportbook|/work/|/tmp/|/home/", seen["body"])
        if raw:
            problems.append((rel, f"raw text: {sorted(set(raw))}"))
        titles.setdefault(seen["title"], []).append(rel)
        kind = (path.parent.name, path.stem.startswith("101_"))
        if kind not in kinds:
            kinds.add(kind)
            page.screenshot(path=str(ARTEFACTS / f"{path.parent.name}_{path.stem}.png"), full_page=True)
    page.close()
    assert not problems, problems[:20]
    assert all(len(v) == 1 for v in titles.values()), [v for v in titles.values() if len(v) > 1][:5]
    assert len(kinds) >= 2 * len(CONFIG["notebooks"]) - 1  # each notebook with and without data


def test_a_report_links_the_same_page_of_the_previous_and_next_release(book_site):
    """Issue #30: the default matrix's two half-years (February-August 2016, August
    2016-February 2017) are releases of the same kind, so Aalborg's staircase page of the
    first links the second as its next release, and the second links the first back."""
    reports = book_site / "_build" / "html" / "book" / "reports" / "staircase"
    first, second = "851_2016-02-01_2016-08-01.html", "851_2016-08-01_2017-02-01.html"

    def releases_nav(page):
        text = (reports / page).read_text(encoding="utf-8")
        found = re.search(r'<nav class="reportbook-releases" aria-label="([^"]+)">(.*?)</nav>', text, re.S)
        assert found, page
        return found[1], found[2]

    label, nav = releases_nav(first)
    assert label == "Samme side i andre udgivelser"
    assert f'href="{second}" rel="next"' in nav and 'rel="prev"' not in nav
    assert "Næste udgivelse: Indsatstrappen, 1. august 2016 – 1. februar 2017" in nav
    _, nav = releases_nav(second)
    assert f'href="{first}" rel="prev"' in nav and 'rel="next"' not in nav
    # the three-year period has no other release of its kind: no links
    assert 'class="reportbook-releases"' not in (reports / "851_2014-01-01_2016-12-31.html").read_text("utf-8")
