"""Assembling the Jupyter Book: generated index and data-quality pages, build, downloads.

The executed notebooks (from ``reportbook run``) are already in ``book/reports``; this
writes ``book/reports.md`` (every municipality x period report, grouped by region) and
``book/data_quality.md`` (rows read, kept and rejected per file, with the reasons; never
individual rows), builds ``_build/html`` with Jupyter Book 1 (``execute_notebooks: off``)
and copies each report's CSV and Excel downloads beside its page.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from itertools import groupby
from pathlib import Path

import nbformat

from ..data.dataset import is_synthetic, load
from ..data.paths import REPO_ROOT, resolve_path
from .formats import date_da

BOOK_DIR = REPO_ROOT / "book"
MATRIX_FILE = "matrix.json"
BUILD_DIR = REPO_ROOT / "_build"
NOTEBOOK_TITLES = {
    "trends": "Udvikling",
    "staircase": "Indsatstrappen",
    "benchmarking": "Benchmarking og nøgletal",
    "budget_followup": "Budgetopfølgning",
    "adult_prices": "Voksne §85/§107: pris og timer",
    "goal_attainment": "Voksne §85/§107: mål og opfølgning",
}


def record_matrix(out: Path) -> list[dict]:
    """List every executed notebook under ``out`` in ``matrix.json`` (the book's index)."""
    entries = []
    for path in sorted(out.glob("*/*.ipynb")):
        meta = nbformat.read(path, as_version=4).metadata.get("reportbook")
        if meta:
            entries.append({**meta, "path": str(path.relative_to(out).with_suffix(""))})
    (out / MATRIX_FILE).write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return entries


def reports_table(reports_dir: Path, level: int = 2) -> list[str]:
    """Markdown: municipalities x periods, grouped by region, linking each report."""
    path = reports_dir / MATRIX_FILE
    entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else record_matrix(reports_dir)
    rel = reports_dir.relative_to(BOOK_DIR)
    if not entries:
        return ["Der er endnu ingen kørte rapporter. Kør `reportbook run`.", ""]
    lines = []
    key = lambda e: (e["region"], e["municipality_name"], e["period_start"], e["period_end"])  # noqa: E731
    entries = sorted(entries, key=lambda e: key(e) + (e["notebook"],))
    for region, in_region in groupby(entries, key=lambda e: e["region"]):
        lines += [f"{'#' * level} {region}", "", "| Kommune | Kode | Periode | Rapporter |", "|---|---|---|---|"]
        for (_, name, start, end), runs in groupby(in_region, key=key):
            runs = list(runs)
            links = " · ".join(
                f"[{NOTEBOOK_TITLES.get(r['notebook'], r['notebook'])}]({rel}/{r['path']}.ipynb)" for r in runs
            )
            lines.append(f"| {name} | {runs[0]['municipality']} | {date_da(start)} – {date_da(end)} | {links} |")
        lines.append("")
    return lines


def write_index(reports_dir: Path, data_dir: Path) -> Path:
    """``book/_reports_table.md`` (included by the start page) and ``book/reports.md``."""
    (BOOK_DIR / "_reports_table.md").write_text("\n".join(reports_table(reports_dir, level=3)) + "\n", encoding="utf-8")
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
    path.write_text("\n".join(lines + table) + "\n", encoding="utf-8")
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
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def copy_downloads(reports_dir: Path, html_dir: Path) -> int:
    """Copy every published CSV/Excel file to the same place relative to its page."""
    n = 0
    for f in list(reports_dir.glob("*/*/*.csv")) + list(reports_dir.glob("*/*/*.xlsx")):
        if f.name in ("rejects.csv",):
            continue
        target = html_dir / f.relative_to(REPO_ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, target)
        n += 1
    return n


def build(
    reports_dir: str | Path = "book/reports", data_dir: str | Path = "data/synthetic", strict: bool = True
) -> Path:
    """Write the generated pages, build the HTML book and copy the downloads."""
    reports_dir, data_dir = resolve_path(reports_dir).resolve(), resolve_path(data_dir).resolve()
    write_index(reports_dir, data_dir)
    write_data_quality(data_dir)
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(REPO_ROOT), "--builder", "html", "--path-output", str(REPO_ROOT)]
    if strict:
        cmd += ["-W", "-n", "--keep-going"]
    result = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-8000:] + result.stderr[-8000:])
        raise RuntimeError("Jupyter Book-bygningen fejlede (se advarslerne ovenfor)")
    html_dir = BUILD_DIR / "html"
    rename_images(html_dir)
    copy_downloads(reports_dir, html_dir)
    return html_dir


def rename_images(html_dir: Path) -> int:
    """Give the figures digit-free names. Sphinx names them by a hex content hash, whose
    digit runs can look like CPR numbers to a scanner of the published site."""
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
            text = page.read_text(encoding="utf-8")
            updated = pattern.sub(lambda m: renames[m.group(0)], text)
            if updated != text:
                page.write_text(updated, encoding="utf-8")
    return len(renames)


__all__ = ["build", "write_index", "write_data_quality", "copy_downloads", "record_matrix"]
