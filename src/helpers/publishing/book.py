"""Assembling the Jupyter Book: generated index and data-quality pages, build, downloads.

The executed notebooks (from ``reportbook run``) are already in ``book/reports``; this
writes ``book/reports.md`` (every municipality x period report, grouped by region), one
page per region (``book/regioner``) and per municipality (``book/kommuner``) and
``book/data_quality.md`` (rows read, kept and rejected per file, with the reasons; never
individual rows), builds ``_build/html`` with Jupyter Book 1 (``execute_notebooks: off``)
and copies each report's CSV and Excel downloads beside its page.

At scale (hundreds of pages):

* the table of contents is generated (``_build/_toc.yml``, from ``_toc.yml``): Rapporter
  -> region -> municipality -> its reports, and the sidebar is collapsed (a page shows its
  own branch), so a page's navigation stays small at 600 pages;
* builds are incremental: Sphinx keeps its doctrees and environment in ``_build``, a
  generated page is rewritten only when its text changes, and a page is re-read only when
  it changed; the pages whose sidebar changed (e.g. the other municipalities of a region
  that got a new one) are rewritten without being re-read (:mod:`.booknav`);
* Sphinx reads (and writes) in parallel with ``jobs`` processes.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from itertools import groupby
from pathlib import Path

from ..data.dataset import is_synthetic, load
from ..data.paths import REPO_ROOT, resolve_path
from . import concepts, releases, reproduction
from .formats import period_da
from .national import CHAPTER as NATIONAL_CHAPTER
from .national import period_slug, write_overview, write_static
from .pages import TITLES

BOOK_DIR = REPO_ROOT / "book"
MATRIX_FILE = "matrix.json"
BUILD_DIR = REPO_ROOT / "_build"
#: The hand-written table of contents; the reports chapter is filled in per build.
TOC_TEMPLATE = REPO_ROOT / "_toc.yml"
GENERATED_TOC = BUILD_DIR / "_toc.yml"
MUNICIPALITY_DIR = BOOK_DIR / "kommuner"
REGION_DIR = BOOK_DIR / "regioner"
REPORTS_CHAPTER = "book/reports"
NATIONAL_DIR = BOOK_DIR / NATIONAL_CHAPTER
#: The one-page brief of a municipality and period: first in the municipality's sidebar.
BRIEF = "overview"
NOTEBOOK_TITLES = TITLES  # from the page registry (pages.yml), in the sidebar's order


def record_matrix(out: Path) -> list[dict]:
    """List every executed notebook under ``out`` in ``matrix.json`` (the book's index).
    A notebook whose file is unchanged since the last listing (size and time) is not read
    again."""
    path = out / MATRIX_FILE
    try:
        known = {e["path"]: e for e in json.loads(path.read_text(encoding="utf-8"))}
    except (OSError, ValueError, TypeError, KeyError):
        known = {}
    entries = []
    for notebook in sorted(out.glob("*/*.ipynb")):
        rel = str(notebook.relative_to(out).with_suffix(""))
        stat = notebook.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = known.get(rel)
        if entry is None or entry.get("stat") != stamp:
            meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {}).get("reportbook")
            entry = {**meta, "path": rel, "stat": stamp} if meta else None
        if entry:
            entries.append(entry)
    text = json.dumps(entries, indent=2, ensure_ascii=False) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return entries


def _entries(reports_dir: Path) -> list[dict]:
    path = reports_dir / MATRIX_FILE
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else record_matrix(reports_dir)
    return sorted_entries(entries)


def sorted_entries(entries: list[dict]) -> list[dict]:
    """Region, municipality, period, then the pages in :data:`NOTEBOOK_TITLES`' order."""
    order = {nb: i for i, nb in enumerate(NOTEBOOK_TITLES)}
    return sorted(
        entries,
        key=lambda e: (
            e["region"],
            e["municipality_name"],
            e["period_start"],
            e["period_end"],
            order.get(e["notebook"], len(order)),
            e["notebook"],
        ),
    )


def slug(text: str) -> str:
    """``Region Nordjylland`` -> ``nordjylland`` (a file name without diacritics)."""
    text = unicodedata.normalize("NFKD", text.casefold().removeprefix("region ").translate(_LETTERS))
    return re.sub(r"[^a-z0-9]+", "-", "".join(c for c in text if not unicodedata.combining(c))).strip("-")


_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def _title(entry: dict) -> str:
    return NOTEBOOK_TITLES.get(entry["notebook"], entry["notebook"])


def _period(entry: dict) -> str:
    return period_da(entry["period_start"], entry["period_end"])


def _write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file already holds it (an unchanged page keeps its time,
    so that an incremental build does not read it again)."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def reports_table(reports_dir: Path, level: int = 2) -> list[str]:
    """Markdown: municipalities x periods, grouped by region, linking each report (and each
    municipality's page)."""
    entries = _entries(reports_dir)
    rel = reports_dir.relative_to(BOOK_DIR)
    if not entries:
        return ["Der er endnu ingen kørte rapporter. Kør `reportbook run`.", ""]
    lines = []
    key = lambda e: (e["region"], e["municipality_name"], e["period_start"], e["period_end"])  # noqa: E731
    for region, in_region in groupby(entries, key=lambda e: e["region"]):
        lines += [f"{'#' * level} {region}", "", "| Kommune | Kode | Periode | Rapporter |", "|---|---|---|---|"]
        for (_, name, _, _), runs in groupby(in_region, key=key):
            runs = list(runs)
            code = runs[0]["municipality"]
            links = " · ".join(f"[{_title(r)}]({rel}/{r['path']}.ipynb)" for r in runs)
            page = f"{MUNICIPALITY_DIR.name}/{code}.md"
            lines.append(f"| [{name}]({page}) | {code} | {_period(runs[0])} | {links} |")
        lines.append("")
    return lines


def overview_table(entries: list[dict]) -> list[str]:
    """Markdown for the start page: one row per region, its municipalities linking to their
    pages (a few hundred reports stay one short table)."""
    if not entries:
        return ["Der er endnu ingen kørte rapporter. Kør `reportbook run`.", ""]
    lines = ["| Region | Kommuner | Rapporter |", "|---|---|---|"]
    for region, in_region in groupby(entries, key=lambda e: e["region"]):
        in_region = list(in_region)
        names = {}
        for e in in_region:
            names.setdefault(e["municipality"], e["municipality_name"])
        links = " · ".join(
            f"[{name}]({MUNICIPALITY_DIR.name}/{code}.md)" for code, name in sorted(names.items(), key=lambda x: x[1])
        )
        lines.append(f"| [{region}]({REGION_DIR.name}/{slug(region)}.md) | {links} | {len(in_region)} |")
    return lines + [""]


def municipality_page(code: int, runs: list[dict], reports_rel: str) -> str:
    first = runs[0]
    lines = [
        f"# {first['municipality_name']} ({code})",
        "",
        f"{first['region']} · {len(runs)} rapport{'er' if len(runs) != 1 else ''}. "
        "Hver række er én periode, den nyeste først; klik på en analyse for at åbne rapporten.",
        "",
        "| Periode | Rapporter |",
        "|---|---|",
    ]
    for _, in_period in newest_first(runs):
        links = " · ".join(f"[{_title(r)}](../{reports_rel}/{r['path']}.ipynb)" for r in in_period)
        lines.append(f"| {_period(in_period[0])} | {links} |")
    return "\n".join(lines) + "\n"


def region_page(region: str, runs: list[dict]) -> str:
    lines = [f"# {region}", "", "| Kommune | Kode | Perioder | Rapporter |", "|---|---|---|---|"]
    for code, in_municipality in groupby(runs, key=lambda e: e["municipality"]):
        in_municipality = list(in_municipality)
        periods = len({(e["period_start"], e["period_end"]) for e in in_municipality})
        name = in_municipality[0]["municipality_name"]
        lines.append(
            f"| [{name}](../{MUNICIPALITY_DIR.name}/{code}.md) | {code} | {periods} | {len(in_municipality)} |"
        )
    return "\n".join(lines) + "\n"


def write_pages(reports_dir: Path) -> list[Path]:
    """One page per region and per municipality with reports (pages of municipalities
    without reports any more are removed). Returns the pages."""
    entries = _entries(reports_dir)
    reports_rel = str(reports_dir.relative_to(BOOK_DIR))
    pages = []
    by_code = lambda e: e["municipality"]  # noqa: E731
    for region, in_region in groupby(entries, key=lambda e: e["region"]):
        in_region = sorted(in_region, key=lambda e: (e["municipality_name"], e["municipality"]))
        path = REGION_DIR / f"{slug(region)}.md"
        _write_if_changed(path, region_page(region, in_region))
        pages.append(path)
        for code, runs in groupby(in_region, key=by_code):
            path = MUNICIPALITY_DIR / f"{code}.md"
            _write_if_changed(path, municipality_page(code, list(runs), reports_rel))
            pages.append(path)
    for folder in (REGION_DIR, MUNICIPALITY_DIR):
        for stale in set(folder.glob("*.md")) - set(pages):
            stale.unlink()
    return pages


def newest_first(runs: list[dict]) -> list[tuple[tuple[str, str], list[dict]]]:
    """A municipality's runs grouped by period (a release), the newest first: by the
    period's end, and the shorter period first when two end on the same day (the month
    before its quarter)."""
    periods: dict[tuple[str, str], list[dict]] = {}
    for r in runs:
        periods.setdefault((str(r["period_start"]), str(r["period_end"])), []).append(r)
    return sorted(periods.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True)


def period_sections(runs: list[dict], reports_rel: str) -> list[dict]:
    """A municipality's sidebar: one entry per period, newest first, each the period's brief
    (the political level's page) with the period's other pages under it; a period without a
    brief lists its pages with the period in their titles."""
    order = {nb: i for i, nb in enumerate(NOTEBOOK_TITLES)}
    sections = []
    for _, in_period in newest_first(runs):
        in_period = sorted(in_period, key=lambda r: (order.get(r["notebook"], len(order)), r["notebook"]))
        brief = next((r for r in in_period if r["notebook"] == BRIEF), None)
        if brief is None:
            sections += [
                {"file": f"{reports_rel}/{r['path']}", "title": f"{_title(r)}, {_period(r)}"} for r in in_period
            ]
            continue
        entry = {"file": f"{reports_rel}/{brief['path']}", "title": f"{_period(brief)}"}
        details = [{"file": f"{reports_rel}/{r['path']}", "title": _title(r)} for r in in_period if r is not brief]
        if details:
            entry["sections"] = details
        sections.append(entry)
    return sections


#: Beside the generated table of contents: each report's previous and next release (read
#: by :mod:`.booknav`, which links them on the page).
RELEASE_LINKS = "release_links.json"


def period_kind(start: str, end: str) -> tuple:
    """What a period is, so that a page links the same page of the previous and next
    release of the same kind: a calendar month, quarter or year, or else its length."""
    import pandas as pd

    from ..analyses.trends import is_month

    start_, end_ = pd.Timestamp(start), pd.Timestamp(end)
    if is_month(start_, end_):
        return ("month",)
    if start_.day == 1 and start_.month % 3 == 1 and end_ == start_ + pd.offsets.MonthEnd(3):
        return ("quarter",)
    if start_.day == 1 and start_.month == 1 and end_ == start_ + pd.offsets.MonthEnd(12):
        return ("year",)
    if start_.day == 1 and end_ == end_ + pd.offsets.MonthEnd(0):  # whole calendar months (a half-year)
        return ("calendar months", (end_.year - start_.year) * 12 + end_.month - start_.month + 1)
    if start_.day == end_.day:  # from a date to the same day some months later (KORA's half-years)
        return ("months", (end_.year - start_.year) * 12 + end_.month - start_.month)
    return ("days", (end_ - start_).days)


def release_links(entries: list[dict], reports_rel: str) -> dict[str, dict]:
    """docname -> {"prev": [docname, title], "next": [...]}: the same page (notebook and
    municipality) in the previous and next period of the same kind."""
    series: dict[tuple, list[dict]] = {}
    for e in entries:
        kind = period_kind(str(e["period_start"]), str(e["period_end"]))
        series.setdefault((e["notebook"], e["municipality"], kind), []).append(e)
    links: dict[str, dict] = {}
    for runs in series.values():
        runs = sorted(runs, key=lambda e: (str(e["period_end"]), str(e["period_start"])))
        for i, e in enumerate(runs):
            link = {}
            if i > 0:
                link["prev"] = [
                    f"{reports_rel}/{runs[i - 1]['path']}",
                    f"{_title(runs[i - 1])}, {_period(runs[i - 1])}",
                ]
            if i + 1 < len(runs):
                link["next"] = [
                    f"{reports_rel}/{runs[i + 1]['path']}",
                    f"{_title(runs[i + 1])}, {_period(runs[i + 1])}",
                ]
            if link:
                links[f"{reports_rel}/{e['path']}"] = link
    return dict(sorted(links.items()))


def write_toc(reports_dir: Path) -> Path:
    """``_build/_toc.yml``: the hand-written ``_toc.yml`` with the reports chapter's
    sections replaced by region -> municipality -> period (newest first) -> report (each
    entry titled briefly for the sidebar, :func:`period_sections`)."""
    import yaml

    toc = yaml.safe_load(TOC_TEMPLATE.read_text(encoding="utf-8"))
    entries = _entries(reports_dir)
    reports_rel = reports_dir.relative_to(REPO_ROOT)
    regions = []
    for region, in_region in groupby(entries, key=lambda e: e["region"]):
        in_region = sorted(in_region, key=lambda e: (e["municipality_name"], e["municipality"]))
        municipalities_ = []
        for code, runs in groupby(in_region, key=lambda e: e["municipality"]):
            runs = list(runs)
            sections = period_sections(runs, str(reports_rel))
            municipalities_.append(
                {
                    "file": f"book/{MUNICIPALITY_DIR.name}/{code}",
                    "title": f"{runs[0]['municipality_name']} ({code})",
                    "sections": sections,
                }
            )
        regions.append({"file": f"book/{REGION_DIR.name}/{slug(region)}", "title": region, "sections": municipalities_})
    periods = sorted({(str(e["period_start"]), str(e["period_end"])) for e in entries})
    overview = [
        {
            "file": f"book/{NATIONAL_CHAPTER}/{period_slug(*p)}",
            "title": _period({"period_start": p[0], "period_end": p[1]}),
        }
        for p in periods
    ]
    generated = {REPORTS_CHAPTER: regions, f"book/{NATIONAL_CHAPTER}": overview}

    def fill(items):
        for item in items or []:
            if item.get("file") in generated:
                if generated[item["file"]]:
                    item["sections"] = generated[item["file"]]
                else:
                    item.pop("sections", None)
            for key in ("sections", "chapters", "parts"):
                fill(item.get(key))

    fill(toc.get("parts", []))
    fill(toc.get("chapters", []))
    GENERATED_TOC.parent.mkdir(parents=True, exist_ok=True)
    links = release_links(entries, str(reports_rel))
    _write_if_changed(GENERATED_TOC.parent / RELEASE_LINKS, json.dumps(links, indent=1, ensure_ascii=False) + "\n")
    _write_if_changed(GENERATED_TOC, yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    return GENERATED_TOC


def write_index(reports_dir: Path, data_dir: Path) -> Path:
    """``book/_reports_table.md`` (the start page's overview), ``book/reports.md`` (every
    report), the region and municipality pages, the national overview (one page per period,
    :mod:`.national`) and the table of contents."""
    _write_if_changed(BOOK_DIR / "_reports_table.md", "\n".join(overview_table(_entries(reports_dir))) + "\n")
    write_pages(reports_dir)
    write_overview(_entries(reports_dir), reports_dir, BOOK_DIR, is_synthetic(data_dir), write=_write_if_changed)
    write_toc(reports_dir)
    write_release_page(reports_dir)
    table = reports_table(reports_dir, level=2)
    lines = ["# Rapporter", ""]
    if is_synthetic(data_dir):
        lines += [
            ":::{warning}",
            "Rapporterne er beregnet på **syntetiske data** (se [Data og metode](data_and_method.md)). "
            "Kun de seks kommuners nøgletal fra VIVE's Tabel 1.1 og KORA's Aalborg-tabel er offentliggjorte tal.",
            ":::",
            "",
        ]
    lines.append("Hver række er én kommune og én periode; klik på en analyse for at åbne rapporten.\n")
    path = BOOK_DIR / "reports.md"
    _write_if_changed(path, "\n".join(lines + table) + "\n")
    return path


def write_release_page(reports_dir: Path) -> Path:
    """``book/udgivelser.md``: the releases of :mod:`.releases`' ledger, newest first."""
    from .pages.trends import FIGURE_LABELS

    path = BOOK_DIR / f"{releases.PAGE}.md"
    text = releases.release_page(
        releases.read_ledger(reports_dir), str(reports_dir.relative_to(BOOK_DIR)), FIGURE_LABELS
    )
    _write_if_changed(path, text)
    return path


def write_data_quality(data_dir: Path) -> Path:
    """``book/data_quality.md`` from validating ``data_dir`` (counts and reasons only)."""
    dataset = load(data_dir)
    q = dataset.quality
    lines = [
        "# Datakvalitet",
        "",
        f"Valideringen af datamappen `{data_dir.name}` mod datakontrakten (v1). Rækker, der bryder kontrakten, "
        "indgår ikke i analyserne og skrives med begrundelse til en afvisningsfil (`rejects.csv`) ved siden af "
        "resultaterne. Enkelte rækker vises aldrig her.",
        "",
        "| Tabel | Fil | Status | Læst | Beholdt | Afvist |",
        "|---|---|---|---|---|---|",
    ]
    for r in q.itertuples(index=False):
        lines.append(
            f"| {r.table} | {r.file or '–'} | {r.status} | {r.rows_read} | {r.rows_kept} | {r.rows_rejected} |"
        )
    lines.append("")
    if len(dataset.issues):
        reasons = dataset.issues.groupby(["file", "column", "rule"], dropna=False).size().rename("antal").reset_index()
        lines += ["## Årsager til afvisning", "", "| Fil | Kolonne | Regel | Antal fejl |", "|---|---|---|---|"]
        for r in reasons.itertuples(index=False):
            lines.append(f"| {r.file} | {r.column} | {r.rule} | {r.antal} |")
    else:
        lines.append("Ingen rækker blev afvist.")
    notes = getattr(dataset, "notes", None)
    if notes is not None and len(notes):
        counts = notes.groupby(["file", "column", "rule"], dropna=False).size().rename("antal").reset_index()
        lines += ["", "## Bemærkninger (rækkerne er beholdt)", "", "| Fil | Kolonne | Regel | Antal |"]
        lines.append("|---|---|---|---|")
        for r in counts.itertuples(index=False):
            lines.append(f"| {r.file} | {r.column} | {r.rule} | {r.antal} |")
    lines += ["", "Reglerne og deres koder er beskrevet i [Data og metode](data_and_method.md)."]
    path = BOOK_DIR / "data_quality.md"
    _write_if_changed(path, "\n".join(lines) + "\n")
    return path


KIND_UNITS = {
    "pct": "andel mellem 0 og 1 (0.125 = 12,5 %)",
    "points": "procent (12.5 = 12,5 %)",
    "amount": "kroner",
    "year": "årstal",
    "pvalue": "p-værdi",
    "ratio": "forholdstal",
    "number": "antal eller tal",
}


def write_data_dictionary(reports_dir: Path) -> Path:
    """``book/data_dictionary.md``: every downloadable table of the book, page by page, with
    its CSV columns (English snake_case, dot decimals), their Danish heading in Excel and on
    the page, and their unit; withheld cells are empty in both files."""
    import csv

    from .formats import column_kind
    from .tables import COLUMN_LABELS, MANIFEST

    tables: dict[tuple[str, str], list[str]] = {}
    for listing in sorted(reports_dir.glob(f"*/*/{MANIFEST}")):
        notebook = listing.parent.parent.name
        for name, entry in json.loads(listing.read_text(encoding="utf-8")).items():
            path = listing.parent / entry["csv"]
            if not path.exists():
                continue
            with path.open(encoding="utf-8", newline="") as f:
                header = next(csv.reader(f), [])
            known = tables.setdefault((notebook, name), [])
            known += [c for c in header if c not in known]
    lines = [
        "# Dataordbog",
        "",
        "Hver tabel på rapportsiderne kan hentes som **CSV** (til maskiner: engelske kolonnenavne i "
        "snake_case, punktum som decimaltegn, UTF-8) og som **Excel** (til mennesker: danske overskrifter og "
        "talformater og et ark «Om tabellen» med kilde, periode og diskretion). Tal, der ikke vises af hensyn "
        "til diskretion, er tomme i begge filer. Andele er tal mellem 0 og 1 i CSV-filen.",
        "",
    ]
    if not tables:
        lines.append("Bogen har endnu ingen rapporter med tabeller.")
    for notebook in sorted(
        {nb for nb, _ in tables}, key=lambda nb: list(NOTEBOOK_TITLES).index(nb) if nb in NOTEBOOK_TITLES else 99
    ):
        lines += [f"## {NOTEBOOK_TITLES.get(notebook, notebook)}", ""]
        for (nb, name), columns in sorted(tables.items()):
            if nb != notebook:
                continue
            lines += [f"### `{name}`", "", "| CSV-kolonne | Overskrift | Enhed |", "|---|---|---|"]
            for c in columns:
                label = COLUMN_LABELS.get(c, c)
                lines.append(f"| `{c}` | {label} | {KIND_UNITS[column_kind(c, columns)]} |")
            lines.append("")
    path = BOOK_DIR / "data_dictionary.md"
    _write_if_changed(path, "\n".join(lines) + "\n")
    return path


CONCEPTS_START = "<!-- begreber:start"
CONCEPTS_END = "<!-- begreber:end -->"


def concepts_section() -> str:
    """The method page's list of concepts, written from the registry (one entry each)."""
    units = {"pct": "%", "andel": "andel (0-1)"}
    lines = []
    for c in concepts.registry().values():
        unit = units.get(c.unit, c.unit)
        lines.append(
            f"- **{c.label}** (`{c.id}`, {unit}): {c.definition} *Kilde:* {c.source}. *Beregnes af* `{c.code}`."
        )
    return "\n".join(lines)


def write_concepts_section(page: Path | None = None) -> bool:
    """Write the concept list between its markers on the method page (True when it changed)."""
    page = page or BOOK_DIR / "data_and_method.md"
    text = page.read_text(encoding="utf-8")
    start = text.index(CONCEPTS_START)
    start = text.index("-->", start) + len("-->")
    end = text.index(CONCEPTS_END)
    new = text[:start] + "\n" + concepts_section() + "\n" + text[end:]
    return _write_if_changed(page, new)


def copy_downloads(reports_dir: Path, html_dir: Path) -> int:
    """Copy every published CSV/Excel file to the same place relative to its page (files
    already there with the same size and time are left alone). Returns the number copied."""
    n = 0
    for f in list(reports_dir.glob("*/*/*.csv")) + list(reports_dir.glob("*/*/*.xlsx")):
        if f.name in ("rejects.csv",):
            continue
        target = html_dir / f.relative_to(REPO_ROOT)
        source = f.stat()
        if target.exists():
            existing = target.stat()
            if existing.st_size == source.st_size and existing.st_mtime_ns == source.st_mtime_ns:
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, target)
        n += 1
    return n


#: Run in a subprocess by :func:`build`: Jupyter Book's own Sphinx entry point (what
#: ``jupyter-book build`` calls), with the generated table of contents and ``jobs``
#: parallel processes (the ``jupyter-book`` command has no option for either).
_SPHINX = """
import json, sys
from jupyter_book.sphinx import build_sphinx
a = json.loads(sys.argv[1])
sys.exit(build_sphinx(a["source"], a["output"], noconfig=True, path_config=a["config"], builder="html",
    confoverrides={"external_toc_path": a["toc"], "latex_individualpages": False, **a["overrides"]},
    warningiserror=a["strict"], keep_going=a["strict"], jobs=a["jobs"], freshenv=a["fresh"], quiet=True))
"""


def build_jobs() -> int:
    """Sphinx processes: ``$REPORTBOOK_BUILD_JOBS``, else the number of cores."""
    return max(1, int(os.environ.get("REPORTBOOK_BUILD_JOBS") or os.cpu_count() or 1))


def build(
    reports_dir: str | Path = "book/reports",
    data_dir: str | Path = "data/synthetic",
    strict: bool = True,
    jobs: int | None = None,
    fresh: bool = False,
) -> Path:
    """Write the generated pages, build the HTML book (incrementally, unless ``fresh``)
    and copy the downloads."""
    reports_dir, data_dir = resolve_path(reports_dir).resolve(), resolve_path(data_dir).resolve()
    if not reports_dir.is_relative_to(BOOK_DIR.resolve()):
        raise ValueError(
            f"Rapportmappen {reports_dir} ligger uden for bogens mappe {BOOK_DIR}; Jupyter Book bygger kun sider "
            f"inde i bogen. Kør rapporterne med --out {BOOK_DIR / 'reports'} (eller en anden mappe i {BOOK_DIR})."
        )
    write_index(reports_dir, data_dir)
    write_data_quality(data_dir)
    write_data_dictionary(reports_dir)
    write_concepts_section()
    reproduction.write_page(reports_dir, BOOK_DIR, _write_if_changed)
    html_dir = BUILD_DIR / "html"
    started = time.time()
    args = {
        "source": str(REPO_ROOT),
        "output": str(html_dir),
        "config": str(REPO_ROOT / "_config.yml"),
        "toc": str(GENERATED_TOC),
        "overrides": {"nitpicky": True} if strict else {},
        "strict": strict,
        "jobs": jobs or build_jobs(),
        "fresh": fresh,
    }
    result = subprocess.run(
        [sys.executable, "-c", _SPHINX, json.dumps(args)], cwd=REPO_ROOT, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-8000:] + result.stderr[-8000:])
        raise RuntimeError("Jupyter Book-bygningen fejlede (se advarslerne ovenfor)")
    # a failed or unfinished run is never published (_config.yml excludes it; an older build's pages go)
    for hidden in (".failed", ".staging"):
        shutil.rmtree(html_dir / reports_dir.relative_to(REPO_ROOT.resolve()) / hidden, ignore_errors=True)
    rename_images(html_dir, since=started - 1)
    describe_images(html_dir, reports_dir, since=started - 1)
    write_static(html_dir)
    copy_downloads(reports_dir, html_dir)
    return html_dir


def rename_images(html_dir: Path, since: float | None = None) -> int:
    """Give the figures digit-free names. Sphinx names them by a hex content hash, whose
    digit runs can look like CPR numbers to a scanner of the published site. ``since``:
    only pages written since then can name new images (an incremental build)."""
    images = html_dir / "_images"
    if not images.exists():
        return 0
    letters = str.maketrans("0123456789abcdef", "ghijklmnopabcdef")
    renames = {}
    for path in sorted(images.iterdir()):
        if any(ch.isdigit() for ch in path.stem):
            new = path.with_name("fig-" + path.stem.translate(letters) + path.suffix)
            path.rename(new)
            renames[path.name] = new.name
    if renames:
        pattern = re.compile("|".join(re.escape(name) for name in renames))
        for page in html_dir.rglob("*.html"):
            if since is not None and page.stat().st_mtime < since:
                continue
            text = page.read_text(encoding="utf-8")
            updated = pattern.sub(lambda m: renames[m.group(0)], text)
            if updated != text:
                page.write_text(updated, encoding="utf-8")
    return len(renames)


_LETTERS_FOR_HEX = str.maketrans("0123456789abcdef", "ghijklmnopabcdef")
_IMG = re.compile(r'<img alt="([^"]*)" src="([^"]*?([^"/]+\.png))"')


def figure_alts(reports_dir: Path) -> dict[str, str]:
    """Image file name in the site -> its text alternative, from the executed notebooks: a
    figure is shown as its PNG with the text alternative as its plain-text form
    (:func:`helpers.publishing.figures.show`); the site names the PNG by its SHA-256,
    made digit-free (:func:`rename_images`)."""
    import base64
    import hashlib

    alts = {}
    for notebook in sorted(Path(reports_dir).rglob("*.ipynb")):
        try:
            cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                text = data.get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                if "image/png" not in data or not text.startswith("Figur:"):
                    continue
                png = data["image/png"]
                digest = hashlib.sha256(base64.b64decode("".join(png) if isinstance(png, list) else png)).hexdigest()
                alts[f"fig-{digest.translate(_LETTERS_FOR_HEX)}.png"] = text
                alts[f"{digest}.png"] = text
    return alts


def describe_images(html_dir: Path, reports_dir: Path, since: float | None = None) -> int:
    """Put each figure's text alternative in its ``alt`` (Sphinx writes the file path there):
    what the figure shows, from the numbers that drew it (WCAG 1.1.1). Returns the number of
    images described."""
    alts = figure_alts(reports_dir)
    if not alts:
        return 0
    described = 0

    def alt_of(match: re.Match) -> str:
        nonlocal described
        alt, src, name = match.groups()
        if name not in alts or alt not in (src, ""):
            return match.group(0)
        described += 1
        return f'<img alt="{html.escape(alts[name], quote=True)}" src="{src}"'

    for page in (html_dir / "book").rglob("*.html"):
        if since is not None and page.stat().st_mtime < since:
            continue
        text = page.read_text(encoding="utf-8")
        updated = _IMG.sub(alt_of, text)
        if updated != text:
            page.write_text(updated, encoding="utf-8")
    return described


__all__ = ["build", "write_index", "write_pages", "write_toc", "write_data_quality", "copy_downloads", "record_matrix"]
