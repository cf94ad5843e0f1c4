"""The brief that prints: PDFs of every municipality-period for the committee's papers.

For each municipality and period of the built book, two PDFs beside the Overblik page's
downloads (``book/reports/overview/<run>/`` in the site):

* ``overblik-<kommune>-<start>-<slut>.pdf``: the Overblik page, two A4 pages at most;
* ``alle-sider-<kommune>-<start>-<slut>.pdf``: every page of the municipality and period in
  the sidebar's order, as one document with one page count and a bookmark per heading.

Chromium prints them (its print-to-PDF through Playwright, with the print stylesheet in
``book/_static/reportbook.css``): the text is text (selectable, searchable), the PDF is
tagged for screen readers and carries the page's language. Every sheet has a header with the
municipality, the period and the data (data set, its fingerprint and the date the figures
are counted at) and a footer with the protection note and "Side x af y". A PDF holds what
the page publishes and nothing else: the print stylesheet only leaves out what has no
meaning on paper (navigation, download links, the run's parameters), and the text of every
PDF is scanned for CPR numbers before it is kept.

The pages link to their PDFs (:func:`link_pages`); a PDF is printed again only when one of
its pages, the stylesheet or this module changed.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from ..data.paths import REPO_ROOT
from .book import BRIEF, _entries, slug, sorted_entries
from .formats import date_da

#: Chromium's switches for a headless print as root in a container (no sandbox there).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
#: The Overblik is a brief: it prints on two A4 sheets at most.
BRIEF_MAX_PAGES = 2
#: Printed on every sheet (the footer); the tables' own note says the rest.
PROTECTION_NOTE = (
    "«..» = ikke vist af hensyn til diskretion (tal, der bygger på 1-4 personer eller sager, eller som kunne "
    "afsløre et sådant tal)."
)
#: The class of the paragraph that links a page to its PDFs (left out in print).
LINKS_CLASS = "rb-pdf-links"
_ARTICLE = re.compile(r'(<article class="bd-article"[^>]*>)(.*?)(</article>)', re.S)
_STYLESHEET = REPO_ROOT / "book" / "_static" / "reportbook.css"


class PrintError(RuntimeError):
    """The PDFs cannot be made (no Chromium, or a PDF failed its checks); a Danish message."""


@dataclass
class Brief:
    """One municipality and period: its pages in the site, in the sidebar's order."""

    municipality: int
    name: str
    period_start: str
    period_end: str
    pages: list[Path] = field(default_factory=list)
    overview: Path | None = None
    run_json: Path | None = None

    @property
    def run(self) -> str:
        return f"{self.municipality}_{self.period_start}_{self.period_end}"

    @property
    def folder(self) -> Path:
        """Where the PDFs go: the run folder of the Overblik (or of the first page)."""
        page = self.overview or self.pages[0]
        return page.with_suffix("")

    @property
    def stem(self) -> str:
        return f"{slug(self.name)}-{self.period_start}-{self.period_end}"

    @property
    def brief_pdf(self) -> Path:
        return self.folder / f"overblik-{self.stem}.pdf"

    @property
    def all_pdf(self) -> Path:
        return self.folder / f"alle-sider-{self.stem}.pdf"

    @property
    def period_da(self) -> str:
        return f"{date_da(self.period_start)} – {date_da(self.period_end)}"

    def data_line(self) -> str:
        """The data the figures rest on: the data set, its fingerprint and the date counted at."""
        facts = {}
        if self.run_json is not None and self.run_json.exists():
            facts = json.loads(self.run_json.read_text(encoding="utf-8"))
        folder = Path(str(facts.get("parameters", {}).get("data_dir", "data"))).name
        files = facts.get("input_files", {})
        fingerprint = hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:8]
        kind = " (syntetiske data)" if facts.get("synthetic") else ""
        return f"Data: «{folder}»{kind}, fingeraftryk {fingerprint}, opgjort pr. {date_da(self.period_end)}"


def briefs(html_dir: Path, reports_dir: Path) -> list[Brief]:
    """Every municipality and period of the built site, with its pages (those built)."""
    site_reports = html_dir / reports_dir.resolve().relative_to(REPO_ROOT.resolve())
    found = []
    entries = sorted_entries(_entries(reports_dir))
    key = lambda e: (e["municipality"], e["period_start"], e["period_end"])  # noqa: E731
    for (code, start, end), group in groupby(sorted(entries, key=key), key=key):
        group = sorted_entries(list(group))
        brief = Brief(int(code), group[0]["municipality_name"], start, end)
        for entry in group:
            page = site_reports / f"{entry['path']}.html"
            if not page.exists():
                continue
            brief.pages.append(page)
            if entry["notebook"] == BRIEF:
                brief.overview = page
                brief.run_json = reports_dir / entry["path"] / "run.json"
        if brief.run_json is None and brief.pages:
            brief.run_json = reports_dir / group[0]["path"] / "run.json"
        if brief.pages:
            found.append(brief)
    return found


def chromium() -> str:
    """The Chromium to print with: ``$REPORTBOOK_CHROMIUM``, else Debian's ``chromium``."""
    path = os.environ.get("REPORTBOOK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path or not Path(path).is_file():
        raise PrintError(
            "Chromium mangler, så PDF-udgaverne kan ikke laves. Installér den (Debian: `apt-get install chromium`, "
            "eller `make browser`), sæt REPORTBOOK_CHROMIUM til dens sti, eller byg uden PDF med "
            "`reportbook build --no-pdf`."
        )
    return path


def _template(left: str, right: str) -> str:
    """A header or footer of Chromium's print (its own tiny document: sizes must be set)."""
    return (
        "<div style='font-family:Arial,Helvetica,sans-serif;font-size:7.5pt;color:#333;width:100%;"
        "margin:0 14mm;display:flex;justify-content:space-between;gap:6mm'>"
        f"<span>{left}</span><span style='text-align:right;white-space:nowrap'>{right}</span></div>"
    )


def _combined(brief: Brief) -> str:
    """All pages of ``brief`` as one HTML document: the first page's head and frame, and each
    page's article after the other, each from a new sheet. The pages sit at the same depth of
    the site, so their relative links to figures and styles hold from the first page's folder,
    which the document names as its base (it is written outside the site)."""
    first = brief.pages[0].read_text(encoding="utf-8")
    first = first.replace("<head>", f'<head><base href="{brief.pages[0].parent.as_uri()}/">', 1)
    parts = []
    for page in brief.pages:
        match = _ARTICLE.search(page.read_text(encoding="utf-8"))
        if match:
            parts.append(f"<div class='rb-print-part'>{match.group(2)}</div>")
    return _ARTICLE.sub(lambda m: m.group(1) + "".join(parts) + m.group(3), first, count=1)


def pdf_text(path: Path) -> list[str]:
    """The text of each page of a PDF (read with PDFium, the reader of Chromium itself)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


#: A CPR number as text shows it: DDMMYY and SSSS with a dash, a space or nothing between them
#: (a number of the book never has six digits in a row: the pages write 123.456).
CPR_IN_PRINT = re.compile(r"(?<![\d,.])[0-3]\d[01]\d{3}[- \u00a0]?\d{4}(?![\d,])")


def check_pdf(path: Path) -> int:
    """Refuse a PDF whose text holds something shaped like a CPR number (it is removed);
    returns its number of pages."""
    pages = pdf_text(path)
    if CPR_IN_PRINT.search("\n".join(pages)):
        path.unlink(missing_ok=True)
        raise PrintError(f"{path.name}: teksten indeholder noget, der ligner et CPR-nummer; PDF'en er ikke gemt.")
    return len(pages)


def _stale(target: Path, sources: list[Path]) -> bool:
    if not target.exists():
        return True
    made = target.stat().st_mtime
    return any(s.stat().st_mtime > made for s in sources if s.exists())


def print_briefs(html_dir: Path, reports_dir: Path, force: bool = False) -> list[Path]:
    """Print the PDFs of every municipality and period of the site that changed since they
    were printed (all with ``force``), link the pages to them, and return the PDFs printed."""
    html_dir, reports_dir = Path(html_dir), Path(reports_dir).resolve()
    todo = []
    found = briefs(html_dir, reports_dir)
    for brief in found:
        common = [_STYLESHEET, Path(__file__)]
        if brief.overview is not None and (force or _stale(brief.brief_pdf, [brief.overview, *common])):
            todo.append((brief, brief.brief_pdf, False))
        if force or _stale(brief.all_pdf, [*brief.pages, *common]):
            todo.append((brief, brief.all_pdf, True))
    printed = []
    if todo:
        printed = _print(todo, chromium())
    link_pages(found)
    return printed


def _print(todo: list[tuple[Brief, Path, bool]], executable: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    printed = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            for brief, target, whole in todo:
                source, scratch = brief.overview, None
                if whole:
                    handle, name = tempfile.mkstemp(prefix="reportbook-print-", suffix=".html")
                    os.close(handle)
                    scratch = source = Path(name)
                    scratch.write_text(_combined(brief), encoding="utf-8")
                try:
                    page.goto(source.as_uri(), wait_until="load")
                    page.emulate_media(media="print")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    partial = target.with_name(target.name + ".part")
                    page.pdf(
                        path=str(partial),
                        format="A4",
                        print_background=True,
                        display_header_footer=True,
                        header_template=_template(
                            f"<strong>{html.escape(brief.name)} Kommune</strong> · {html.escape(brief.period_da)}",
                            html.escape(brief.data_line()),
                        ),
                        footer_template=_template(
                            html.escape(PROTECTION_NOTE),
                            "Side <span class='pageNumber'></span> af <span class='totalPages'></span>",
                        ),
                        margin={"top": "17mm", "bottom": "17mm", "left": "14mm", "right": "14mm"},
                        tagged=True,
                        outline=True,
                    )
                finally:
                    if scratch is not None:
                        scratch.unlink(missing_ok=True)
                pages = check_pdf(partial)
                if not whole and pages > BRIEF_MAX_PAGES:
                    partial.unlink()
                    raise PrintError(
                        f"Overblikket for {brief.name} Kommune, {brief.period_da}, fylder {pages} sider i print "
                        f"(højst {BRIEF_MAX_PAGES}); tilpas udskriftsopsætningen i book/_static/reportbook.css."
                    )
                partial.replace(target)
                printed.append(target)
        finally:
            browser.close()
    return printed


def _sheets(pdf: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    n = len(document)
    document.close()
    return f"{n} side" if n == 1 else f"{n} sider"


def link_pages(found: list[Brief]) -> int:
    """Put the links to a municipality-period's PDFs under the title of each of its pages
    (again after a rebuild rewrote the page; the page keeps its time, so the PDFs are not
    printed again for it). Returns the number of pages changed."""
    changed = 0
    for brief in found:
        links = []
        if brief.overview is not None and brief.brief_pdf.exists():
            links.append((brief.brief_pdf, f"Overblikket som PDF ({_sheets(brief.brief_pdf)})"))
        if brief.all_pdf.exists():
            links.append((brief.all_pdf, f"Alle siderne for kommunen og perioden som PDF ({_sheets(brief.all_pdf)})"))
        if not links:
            continue
        for page in brief.pages:
            text = page.read_text(encoding="utf-8")
            anchors = " · ".join(
                f"<a href='{html.escape(os.path.relpath(pdf, page.parent))}'>{html.escape(label)}</a>"
                for pdf, label in links
            )
            block = f"<p class='{LINKS_CLASS}'>Til udskrift: {anchors}</p>"
            old = re.search(rf"<p class='{LINKS_CLASS}'>.*?</p>", text)
            if old is not None and old.group(0) == block:
                continue
            if old is not None:
                updated = text.replace(old.group(0), block)
            else:
                match = re.search(r"</h1>", text[text.find('<article class="bd-article"') :])
                if match is None:
                    continue
                at = text.find('<article class="bd-article"') + match.end()
                updated = text[:at] + "\n" + block + text[at:]
            stat = page.stat()
            page.write_text(updated, encoding="utf-8")
            os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            changed += 1
    return changed


__all__ = ["print_briefs", "briefs", "link_pages", "check_pdf", "pdf_text", "PrintError", "Brief"]
