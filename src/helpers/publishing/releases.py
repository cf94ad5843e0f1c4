"""Monthly releases: what ``reportbook release YYYY-MM`` publishes, and the ledger of them.

A release is the month just ended (its page shows the year to date, month by month), and
also the quarter or the year when the month ends one. It is protected given everything
earlier releases published (their records are fixed, :mod:`.private`), audited with them,
and added to the book; earlier releases are never run again, so their pages and downloads
stay as they were published.

The ledger ``releases.json`` beside the reports lists each release: its month, the date it
was published, its periods, municipalities and pages (runs), the fingerprints of its input
files and the code version. It holds nothing about single cells (no statuses, no units),
so it travels with the published tables.

A *revision* is a figure an earlier release published for a date (a month's new
placements, a stock at a month end) that the new release publishes with another value,
because measures were registered late. It is found by comparing the new release's tidy
tables (those with ``date`` and ``value`` columns) with the same tables of the earlier
releases, on every column but ``value``; only printed values are compared (a withheld
figure states nothing), and each revision is said in Danish on the release page.
Protection already withholds a figure that a revision moves by 1-4 (the change would be a
count of late registrations), so no revision states a small count.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import json
import re
import subprocess
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..data.municipalities import name as municipality_name
from .formats import MONTHS_DA, count_da, date_da, kr_da, num_da, pct_da

LEDGER = "releases.json"
#: The page of the book that lists the releases (``book/udgivelser.md``).
PAGE = "udgivelser"
#: The columns that hold a tidy table's value (every other column names the figure).
VALUE = "value"


@dataclass(frozen=True)
class Revision:
    municipality: int
    notebook: str  # the first page (by name) that prints the figure
    table: str
    date: str
    figure: str
    group: str
    before: str  # as the published files write the number
    after: str
    release: str  # the earlier release that published ``before``


def parse_month(text: str) -> tuple[int, int]:
    """``2016-03`` -> (2016, 3); anything else raises ValueError with a Danish message."""
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(text))
    if not found or not 1 <= int(found[2]) <= 12 or not 1900 <= int(found[1]) <= 2999:
        raise ValueError(f"Udgivelsen {text!r} skal skrives ÅÅÅÅ-MM, fx 2016-03")
    return int(found[1]), int(found[2])


def month_name(month: str) -> str:
    """``2016-03`` -> ``marts 2016``."""
    year, m = parse_month(month)
    return f"{MONTHS_DA[m - 1]} {year}"


def publication_date(text: str | None, month: str, today: dt.date | None = None) -> dt.date:
    """The date a release is published (``text``, YYYY-MM-DD, default ``today``): after the
    month has ended. Raises ValueError with a Danish message."""
    try:
        published = dt.date.fromisoformat(text) if text else (today or dt.date.today())
    except ValueError as err:
        raise ValueError(f"Udgivelsesdatoen {text!r} skal være en dato, ÅÅÅÅ-MM-DD, fx 2016-04-05") from err
    year, m = parse_month(month)
    last = dt.date(year, m, calendar.monthrange(year, m)[1])
    if published <= last:
        raise ValueError(
            f"Udgivelsen for {month_name(month)} kan først udgives, når måneden er slut "
            f"(efter {date_da(last)}); udgivelsesdatoen er {date_da(published)}."
        )
    return published


def release_periods(month: str) -> list[str]:
    """The periods of a release (``START:END``, ends inclusive): the month; the quarter
    when the month ends one; the year in December."""
    year, m = parse_month(month)
    end = dt.date(year, m, calendar.monthrange(year, m)[1])
    periods = [f"{dt.date(year, m, 1)}:{end}"]
    if m % 3 == 0:
        periods.append(f"{dt.date(year, m - 2, 1)}:{end}")
    if m == 12:
        periods.append(f"{dt.date(year, 1, 1)}:{end}")
    return periods


def read_ledger(out: Path) -> list[dict]:
    """The releases published into ``out``, oldest first ([] when there are none)."""
    path = Path(out) / LEDGER
    if not path.exists():
        return []
    return sorted(json.loads(path.read_text(encoding="utf-8")), key=lambda e: e["release"])


def write_ledger(out: Path, entries: list[dict]) -> Path:
    path = Path(out) / LEDGER
    entries = sorted(entries, key=lambda e: e["release"])
    path.write_text(json.dumps(entries, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return path


def code_version() -> str:
    """The package version, and the git commit when the code runs from a checkout (of the
    code, whichever project folder it publishes)."""
    try:
        version = metadata.version("reportbook")
    except metadata.PackageNotFoundError:
        version = "ukendt"
    try:
        commit = subprocess.run(
            ["git", "-C", str(Path(__file__).resolve().parents[3]), "describe", "--always", "--dirty", "--abbrev=12"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return version
    return f"{version} ({commit.stdout.strip()})" if commit.returncode == 0 and commit.stdout.strip() else version


def input_fingerprints(out: Path, runs: list[str]) -> dict[str, str]:
    """The SHA-256 of each input file, as the release's runs recorded them (``run.json``)."""
    found: dict[str, str] = {}
    for run in runs:
        path = Path(out) / run / "run.json"
        if path.exists():
            found.update(json.loads(path.read_text(encoding="utf-8")).get("input_files", {}))
    return dict(sorted(found.items()))


def _tidy_tables(folder: Path) -> dict[str, pd.DataFrame]:
    tables = {}
    for path in sorted(folder.glob("*.csv")):
        head = path.open(encoding="utf-8").readline().strip().split(",")
        if "date" in head and VALUE in head:
            tables[path.stem] = pd.read_csv(path, dtype=str, keep_default_na=False)
    return tables


def _number(text: str) -> float | None:
    try:
        return float(text) if text != "" else None
    except ValueError:
        return None


def revisions(out: Path, runs: list[str], earlier: list[dict], release: str) -> list[Revision]:
    """Every printed figure of the new release's ``runs`` (``notebook/run id``) that an
    earlier release printed for the same date with another value, once per figure (a page
    that repeats another's table, or the month and its quarter, state it once). ``earlier``
    is the ledger before this release; the newest earlier release that printed a figure is
    the one it is compared with. Values are kept as the published files write them."""
    out = Path(out)
    found: dict[tuple, Revision] = {}
    tables = functools.cache(lambda run: _tidy_tables(out / run))  # an earlier run is read once
    for run in sorted(runs):
        notebook, run_id = run.split("/", 1)
        municipality = run_id.split("_", 1)[0]
        before_runs = [
            (entry["release"], r)
            for entry in reversed(earlier)
            if entry["release"] < release
            for r in entry["runs"]
            if r.startswith(f"{notebook}/{municipality}_")
        ]
        for table, new in _tidy_tables(out / run).items():
            seen: set[tuple] = set()
            for earlier_release, old_run in before_runs:
                old = tables(old_run).get(table)
                if old is None:
                    continue
                keys = [c for c in new.columns if c != VALUE and c in old.columns]  # a column added since: not a key
                if "date" not in keys:
                    continue
                both = new.merge(old[[*keys, VALUE]], on=keys, suffixes=("_after", "_before"))
                for row in both.to_dict("records"):
                    key = tuple(row[k] for k in keys)
                    after, before = row[f"{VALUE}_after"], row[f"{VALUE}_before"]
                    if key in seen or _number(after) is None or _number(before) is None:
                        continue  # compared already, or withheld in one of them: nothing is stated
                    seen.add(key)
                    figure = (int(row.get("municipality", municipality)), table, row["date"])
                    figure += (row.get("figure", ""), row.get("group", ""))
                    if _number(after) != _number(before) and figure not in found:
                        found[figure] = Revision(*figure[:1], notebook, *figure[1:], before, after, earlier_release)
    return sorted(found.values(), key=lambda r: (r.municipality, r.table, r.date, r.figure, r.group))


def ledger_entry(
    release: str, published: dt.date, periods: list[str], runs: list[str], out: Path, found: list[Revision]
) -> dict:
    return {
        "release": release,
        "published": published.isoformat(),
        "periods": periods,
        "municipalities": sorted({int(r.split("/", 1)[1].split("_", 1)[0]) for r in runs}),
        "runs": sorted(runs),
        "inputs": input_fingerprints(out, runs),
        "code_version": code_version(),
        "revisions": [asdict(r) for r in found],
    }


def _value_da(text: str, figure: str = "", digits: int = 0) -> str:
    """A revised value as the pages print it (``digits`` more decimals when asked)."""
    value = float(text)
    if figure.endswith("_share"):
        return pct_da(value, 1 + digits)
    if any(word in figure for word in ("price", "spending", "_sum")) and not figure.endswith("_count"):
        return kr_da(value) if not digits else num_da(value, digits) + " kr."
    return count_da(value) if value.is_integer() else num_da(value, 2 + digits)


def revision_da(revision: dict, labels: dict[str, str]) -> str:
    """One revision as a Danish sentence (with two more decimals when the two values would
    read the same at the pages' precision)."""
    figure = labels.get(revision["figure"], revision["figure"])
    group = "" if revision["group"] in ("", "I alt") else f" ({revision['group']})"
    when = pd.Timestamp(revision["date"])
    before, after = (_value_da(revision[k], revision["figure"]) for k in ("before", "after"))
    if before == after:
        before, after = (_value_da(revision[k], revision["figure"], 2) for k in ("before", "after"))
    return (
        f"{figure}{group}, {MONTHS_DA[when.month - 1]} {when.year}: {before} i udgivelsen for "
        f"{month_name(revision['release'])}, nu {after}."
    )


def release_page(entries: list[dict], reports_rel: str, labels: dict[str, str]) -> str:
    """``book/udgivelser.md``: every release, newest first, with its date, periods, pages,
    revisions, inputs and code version."""
    lines = [
        "# Udgivelser",
        "",
        "Bogen udgives måned for måned med `reportbook release ÅÅÅÅ-MM`: den afsluttede måned (med årets "
        "måneder til og med den), og kvartalet eller året, når måneden afslutter et. En udgivelse ændres "
        "aldrig, når den er offentliggjort. Ændrer sent registrerede indsatser et tal, som en tidligere "
        "udgivelse har vist, vises det ændrede tal i den nye udgivelse og står nedenfor som en revision; "
        "ændres et tal med 1–4, vises det ikke (se [Data og metode](data_and_method.md)).",
        "",
    ]
    if not entries:
        return "\n".join([*lines, "Der er endnu ingen udgivelser.", ""])
    for entry in sorted(entries, key=lambda e: e["release"], reverse=True):
        lines += [f"## {month_name(entry['release']).capitalize()}", ""]
        periods = "; ".join(_period_text(p) for p in entry["periods"])
        lines += [f"Udgivet {date_da(entry['published'])}. Perioder: {periods}.", ""]
        lines += ["| Kommune | Sider |", "|---|---|"]
        by_code: dict[int, list[str]] = {}
        for run in entry["runs"]:
            by_code.setdefault(int(run.split("/", 1)[1].split("_", 1)[0]), []).append(run)
        for code, runs in sorted(by_code.items(), key=lambda x: (municipality_name(x[0]), x[0])):
            links = " · ".join(f"[{_run_text(r)}]({reports_rel}/{r}.ipynb)" for r in runs)
            lines.append(f"| {municipality_name(code)} ({code}) | {links} |")
        lines.append("")
        revised = sorted(
            (municipality_name(r["municipality"]), revision_da(r, labels)) for r in entry.get("revisions", [])
        )
        if revised:
            lines += [f"**Revisioner** ({len(revised)}): tal fra tidligere udgivelser, som nu er ændret:", ""]
            lines += [f"- {name}: {text}" for name, text in revised] + [""]
        else:
            lines += ["Ingen tal fra tidligere udgivelser er ændret.", ""]
        inputs = ", ".join(f"`{name}` {digest[:12]}" for name, digest in entry["inputs"].items())
        lines += [f"Kodeversion {entry['code_version']}. Inddata (SHA-256): {inputs or 'ingen'}.", ""]
    return "\n".join(lines)


def _period_text(period: str) -> str:
    start, end = period.split(":")
    return f"{date_da(start)} – {date_da(end)}"


def _run_text(run: str) -> str:
    from .pages import TITLES

    notebook, run_id = run.split("/", 1)
    _, start, end = run_id.split("_")
    return f"{TITLES.get(notebook, notebook)}, {_period_text(f'{start}:{end}')}"
