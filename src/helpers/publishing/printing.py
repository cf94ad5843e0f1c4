"""The brief that prints: PDFs of every municipality-period for the committee's papers.

For each municipality and period of the built book, two PDFs beside the Overblik page's
downloads (``book/reports/overview/<run>/`` in the site):

* ``overblik-<kommune>-<start>-<slut>.pdf``: the Overblik page, two A4 pages at most;
* ``alle-sider-<kommune>-<start>-<slut>.pdf``: every page of the municipality and period in
  the sidebar's order, as one document with one page count and a bookmark per heading.

Chromium prints them (its print-to-PDF through Playwright, with the print stylesheet in
``book/_static/reportbook.css``): the text is text (selectable, searchable), the PDF is
tagged for screen readers and carries the page's language. Every sheet has a header with the
municipality, the period and the data (the data set and the date the figures are counted
at) and a footer with the protection note and "Side x af y". A PDF holds what
the page publishes and nothing else: the print stylesheet only leaves out what has no
meaning on paper (navigation, download links, the run's parameters), and the text of every
PDF is scanned for CPR numbers before it is kept.

The pages link to their PDFs (:func:`link_pages`); a PDF is printed again only when one of
its pages, the stylesheet or this module changed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from ..data.paths import REPO_ROOT
from .book import BRIEF, _entries, slug, sorted_entries
from .disclosure import NOTE_DA
from .formats import date_da, period_da

#: Chromium's switches for a headless print as root in a container (no sandbox there).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]
#: The Overblik is a brief: it prints on two A4 sheets at most.
BRIEF_MAX_PAGES = 2
#: The class of the paragraph that links a page to its PDFs (left out in print).
LINKS_CLASS = "rb-pdf-links"
_LINKS = re.compile(rf"\n?<p class='{LINKS_CLASS}'>.*?</p>")
_ARTICLE = re.compile(r'(<article class="bd-article"[^>]*>)(.*?)(</article>)', re.S)
_STYLESHEET = REPO_ROOT / "book" / "_static" / "reportbook.css"
#: A CPR number as text shows it: DDMMYY and SSSS with nothing, a dash of any kind or spaces
#: (a line break too) between them, and no digit right before or after, whatever else is
#: (``nr.010203-1234``). A number of the book never has six digits in a row (it writes 123.456).
CPR_IN_PRINT = re.compile(r"(?<!\d)[0-3]\d[01]\d{3}\s{0,3}[-\u2010-\u2015\u2212]?\s{0,3}\d{4}(?!\d)")


class PrintError(RuntimeError):
    """The PDFs cannot be made (no Chromium, or a PDF failed its checks); a Danish message."""


@dataclass
class PrintSet:
    """One municipality and period: its pages in the site, in the sidebar's order, and its
    two PDFs (the Overblik alone, and all the pages)."""

    municipality: int
    name: str
    period_start: str
    period_end: str
    pages: list[Path] = field(default_factory=list)
    overview: Path | None = None
    run_json: Path | None = None

    @property
    def folder(self) -> Path:
        """Where the PDFs go: the run folder of the Overblik (or of the first page)."""
        return (self.overview or self.pages[0]).with_suffix("")

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
        return period_da(self.period_start, self.period_end)

    def data_line(self) -> str:
        """The data the figures rest on: the data set and the date the figures are counted at
        (the period's end; the page's footer gives each table's fingerprint)."""
        facts = {}
        if self.run_json is not None and self.run_json.exists():
            facts = json.loads(self.run_json.read_text(encoding="utf-8"))
        folder = facts.get("parameters", {}).get("data_dir")
        named = f" «{Path(str(folder)).name}»" if folder else ""
        kind = " (syntetiske data)" if facts.get("synthetic") else ""
        return f"Data{named}{kind}, opgjort pr. {date_da(self.period_end)}"


def print_sets(html_dir: Path, reports_dir: Path) -> list[PrintSet]:
    """Every municipality and period of the built site, with its pages (those built)."""
    reports_dir, root = Path(reports_dir).resolve(), REPO_ROOT.resolve()
    if not reports_dir.is_relative_to(root):
        raise PrintError(
            f"Rapportmappen {reports_dir} ligger uden for projektet {root}; bogen har ingen sider fra den."
        )
    site_reports = Path(html_dir) / reports_dir.relative_to(root)
    found = []
    key = lambda e: (e["municipality"], e["period_start"], e["period_end"])  # noqa: E731
    for (code, start, end), group in groupby(sorted(_entries(reports_dir), key=key), key=key):
        group = sorted_entries(list(group))
        one = PrintSet(int(code), group[0]["municipality_name"], start, end)
        for entry in group:
            page = site_reports / f"{entry['path']}.html"
            if not page.exists():
                continue
            one.pages.append(page)
            if entry["notebook"] == BRIEF:
                one.overview, one.run_json = page, reports_dir / entry["path"] / "run.json"
        if one.pages:
            one.run_json = one.run_json or reports_dir / group[0]["path"] / "run.json"
            found.append(one)
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
        "margin:0 14mm;display:flex;justify-content:space-between;align-items:flex-end;gap:6mm'>"
        f"<span>{left}</span><span style='text-align:right;white-space:nowrap'>{right}</span></div>"
    )


def _combined(print_set: PrintSet) -> str:
    """All pages of ``print_set`` as one HTML document: the first page's head and frame, and
    each page's article after the other, each from a new sheet. The pages sit at the same
    depth of the site, so their relative links to figures and styles hold from the first
    page's folder, which the document names as its base (it is written outside the site)."""
    first = print_set.pages[0].read_text(encoding="utf-8")
    first = first.replace("<head>", f'<head><base href="{print_set.pages[0].parent.as_uri()}/">', 1)
    parts = []
    for page in print_set.pages:
        match = _ARTICLE.search(page.read_text(encoding="utf-8"))
        if match is None:
            raise PrintError(
                f"{page.name}: siden har ikke den ventede opbygning (intet <article>); kan ikke udskrives."
            )
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


def _require_pdf_extra() -> None:
    """The PDFs need the ``pdf`` extra (Playwright, pypdf, pypdfium2); say how to get it."""
    import importlib.util

    missing = [m for m in ("playwright", "pypdf", "pypdfium2") if importlib.util.find_spec(m) is None]
    if missing:
        raise PrintError(
            f"PDF-udgaverne kræver {', '.join(missing)}: installér med `pip install 'reportbook[pdf]'`, "
            "eller byg uden PDF-udgaver med --no-pdf."
        )


def print_pdfs(html_dir: Path, reports_dir: Path, force: bool = False) -> list[Path]:
    """Print the PDFs of every municipality and period of the site that changed since they
    were printed (all with ``force``), link the pages to them, and return the PDFs printed.
    A PDF that fails is removed (an old one could hold numbers the page no longer shows);
    the others are printed, and the failures are reported together at the end."""
    html_dir = Path(html_dir)
    found = print_sets(html_dir, reports_dir)
    todo = []
    for one in found:
        # (not run.json: a re-execution of a notebook, as nbval's, rewrites it with the same
        # facts; a run that changes them changes its page too)
        common = [_STYLESHEET, Path(__file__)]
        if one.overview is not None and (force or _stale(one.brief_pdf, [one.overview, *common])):
            todo.append((one, one.brief_pdf, False))
        if force or _stale(one.all_pdf, [*one.pages, *common]):
            todo.append((one, one.all_pdf, True))
    if todo:
        _require_pdf_extra()
    printed, failures = ([], []) if not todo else _print(todo, chromium(), html_dir.parent / ".printing")
    link_pages(found)
    if failures:
        raise PrintError("\n".join(failures))
    return printed


def remove_pdfs(html_dir: Path, reports_dir: Path) -> int:
    """Take every PDF and every link to one out of the site (a build without PDFs must not
    leave older PDFs, whose numbers the pages may no longer show). Returns the files removed."""
    found = print_sets(Path(html_dir), reports_dir)
    removed = 0
    for one in found:
        for pdf in (one.brief_pdf, one.all_pdf):
            if pdf.exists():
                pdf.unlink()
                removed += 1
    link_pages(found)
    return removed


def _print(todo: list[tuple[PrintSet, Path, bool]], executable: str, scratch: Path) -> tuple[list, list]:
    """Print ``todo`` with one browser. Each PDF is written in ``scratch`` (outside the site),
    checked and finished there, and only then moved into place."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    printed, failures = [], []
    scratch.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except PlaywrightError as err:
            raise PrintError(f"Chromium ({executable}) kunne ikke startes, så PDF-udgaverne kan ikke laves.") from err
        try:
            page = browser.new_page()
            page.emulate_media(media="print")
            for one, target, whole in todo:
                try:
                    printed.append(_print_one(page, one, target, whole, scratch))
                except (PrintError, PlaywrightError, OSError) as err:
                    target.unlink(missing_ok=True)
                    failures.append(f"{target.name}: {err}")
        finally:
            browser.close()
            for leftover in scratch.glob("*"):
                leftover.unlink(missing_ok=True)
    return printed, failures


def _print_one(page, one: PrintSet, target: Path, whole: bool, scratch: Path) -> Path:
    source = one.overview
    if whole:
        source = scratch / f"{target.stem}.html"
        source.write_text(_combined(one), encoding="utf-8")
    page.goto(source.as_uri(), wait_until="load")
    raw = scratch / f"{target.stem}.raw.pdf"
    page.pdf(
        path=str(raw),
        format="A4",
        print_background=True,
        display_header_footer=True,
        header_template=_template(
            f"<strong>{html.escape(one.name)} Kommune</strong> · {html.escape(one.period_da)}",
            html.escape(one.data_line()),
        ),
        footer_template=_template(
            html.escape(NOTE_DA), "Side <span class='pageNumber'></span> af <span class='totalPages'></span>"
        ),
        margin={"top": "17mm", "bottom": "20mm", "left": "14mm", "right": "14mm"},
        tagged=True,
        outline=True,
    )
    pages = check_pdf(raw)
    if not whole and pages > BRIEF_MAX_PAGES:
        raise PrintError(
            f"Overblikket for {one.name} Kommune, {one.period_da}, fylder {pages} sider i print "
            f"(højst {BRIEF_MAX_PAGES}); tilpas udskriftsopsætningen i book/_static/reportbook.css."
        )
    finished = scratch / f"{target.stem}.pdf"
    _finish(
        raw,
        finished,
        f"{'Alle sider' if whole else 'Overblik'}: {one.name} Kommune, {one.period_da}",
        _headings(one.pages if whole else [one.overview]),
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(finished, target)
    return target


def _headings(pages: list[Path]) -> list[str]:
    """The title (h1) of each page, as the reader sees it."""
    titles = []
    for page in pages:
        match = re.search(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"), re.S)
        text = re.sub(r"<a class=\"headerlink\".*?</a>", "", match.group(1), flags=re.S) if match else ""
        titles.append(html.unescape(" ".join(re.sub(r"<[^>]+>", "", text).split())))
    return titles


def _finish(raw: Path, finished: Path, title: str, headings: list[str]) -> None:
    """The PDF as kept: its own title, no print time or browser version in its information
    (the same pages give the same file information), and each page's bookmark named by its
    title (Chromium repeats the first line of a heading that opens a sheet after a forced
    page break, and runs its lines together)."""
    import logging

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # Chromium's trailer size is off by a few objects
    writer = PdfWriter(clone_from=str(raw))
    writer.metadata = {"/Title": title, "/Creator": "reportbook", "/Producer": "reportbook (Chromium)"}
    outlines = writer.root_object.get("/Outlines")
    top = []
    item = outlines.get_object().get("/First") if outlines is not None else None
    while item is not None:
        top.append(item.get_object())
        item = top[-1].get("/Next")
    if len(top) == len(headings):
        for entry, heading in zip(top, headings, strict=True):
            entry[NameObject("/Title")] = TextStringObject(heading)
    with finished.open("wb") as out:
        writer.write(out)
    raw.unlink(missing_ok=True)


def _sheets(pdf: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    n = len(document)
    document.close()
    return f"{n} side" if n == 1 else f"{n} sider"


def link_pages(found: list[PrintSet]) -> int:
    """Put the links to a municipality-period's PDFs under the title of each of its pages, or
    take them out when there are no PDFs (again after a rebuild rewrote the page; the page
    keeps its time, so the PDFs are not printed again for it). Returns the pages changed."""
    changed = 0
    for one in found:
        links = []
        if one.overview is not None and one.brief_pdf.exists():
            links.append((one.brief_pdf, f"Overblikket som PDF ({_sheets(one.brief_pdf)})"))
        if one.all_pdf.exists():
            links.append((one.all_pdf, f"Alle siderne for kommunen og perioden som PDF ({_sheets(one.all_pdf)})"))
        for page in one.pages:
            text = page.read_text(encoding="utf-8")
            block = ""
            if links:
                anchors = " · ".join(
                    f"<a href='{html.escape(os.path.relpath(pdf, page.parent))}'>{html.escape(label)}</a>"
                    for pdf, label in links
                )
                block = f"\n<p class='{LINKS_CLASS}'>Til udskrift: {anchors}</p>"
            old = _LINKS.search(text)
            if (old.group(0) if old else "") == block:
                continue
            if old is not None:
                updated = text.replace(old.group(0), block)
            else:
                article = text.find('<article class="bd-article"')
                title_end = text.find("</h1>", article)
                if article < 0 or title_end < 0:
                    continue
                at = title_end + len("</h1>")
                updated = text[:at] + block + text[at:]
            stat = page.stat()
            partial = page.with_name(page.name + ".part")
            partial.write_text(updated, encoding="utf-8")
            os.replace(partial, page)
            os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            changed += 1
    return changed


__all__ = ["print_pdfs", "remove_pdfs", "print_sets", "link_pages", "check_pdf", "pdf_text", "PrintError", "PrintSet"]
