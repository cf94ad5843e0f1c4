"""No CPR number reaches anything written (issue #11, item 6).

CPR numbers are planted where municipalities put them by mistake: in ``district``,
``caseworker_id``, ``measure``, ``close_reason``, ``case_id`` and an extra column, with and
without dash, with spaces, as nine digits (the leading zero lost in Excel) and as Excel
numbers, also in cells that get their rows rejected. Then the data are validated and run,
and everything written is searched: the rejects and data-quality files, the notes, the
data-set cache, the executed notebooks, every CSV and every part of every Excel file, and
what the commands printed.
"""

import datetime as dt
import re
import zipfile

import pandas as pd
from conftest import reportbook, write_csv

from helpers.data.privacy import CPR_IN_TEXT

#: Every planted CPR number and every spelling of it that must never be written.
PLANTED = ["0102031234", "2412104011", "0101104002", "1507129996", "2902644002"]
SPELLINGS = {f"{c[:6]}{sep}{c[6:]}" for c in PLANTED for sep in ("", "-", " ")} | {c.lstrip("0") for c in PLANTED}
LOOSE = re.compile(r"(?<!\d)[0-3]\d ?[01]\d ?\d\d[ -]?\d{4}(?!\d)")

#: Every way of typing a CPR the generator knows (issue #25): each digit grouping people use
#: (6+4, 2+2+2+4, 4+2+4, 8+2, 2+2+6) with each separator, planted as districts (one child
#: each) and as the person id of one child.
GROUPINGS = [(6,), (2, 4, 6), (4, 6), (8,), (2, 4)]
SEPARATORS = [" ", "   ", "-", " - ", "–", " – ", "—", "/", ".", "\u00a0"]


def spellings(cpr):
    for cuts in GROUPINGS:
        for sep in SEPARATORS:
            parts = [cpr[a:b] for a, b in zip((0, *cuts), (*cuts, 10))]
            yield sep.join(parts)


def digits_only(text):
    """An independent reader's normalisation: separators between digits removed."""
    return re.sub(r"(?<=\d)[\s\-–—/.\u00a0]{1,5}(?=\d)", "", text)


def spelled_rows():
    """Children whose district is a CPR typed some way, and one child whose person id is
    typed every way (the same child: the loader must give them one pseudonym)."""
    lines = []
    for i, spelling in enumerate(spellings("1507129996")):
        child = f"{1 + i % 28:02d}{1 + i % 12:02d}11-5{i:03d}"
        lines.append(f"{child};851;{spelling};udsat;§11 stk. 3;1;01-03-2015;;1500;SB-1;\n")
    lines.append("020311-5999;851;flyttet 101104002;udsat;§11 stk. 3;1;01-03-2015;;1500;SB-1;\n")
    for i, spelling in enumerate(spellings("2902644002")):
        lines.append(f"{spelling};851;Syd;udsat;§52 stk. 3 nr. 2;3;{1 + i % 28:02d}-01-2016;;1500;SB-1;\n")
    return "".join(lines)


def background_rows(n=120):
    """Ordinary children (CPR ids too, none of them planted) so that the pages have numbers
    above the suppression limit: the staircase page fails on a breakdown without any row
    (reported to the publishing layer; not what this test is about)."""
    lines = []
    for i in range(n):
        cpr = f"{1 + i % 28:02d}{1 + i % 12:02d}{8 + i % 6:02d}-4{i:03d}"
        step, start = 1 + i % 6, f"{1 + i % 28:02d}-{1 + i % 12:02d}-2015"
        end = "" if i % 3 else f"{1 + i % 28:02d}-{1 + i % 12:02d}-2016"
        lines.append(
            f"{cpr};851;{['Nord', 'Syd', 'Øst'][i % 3]};udsat;§11 stk. 3;{step};{start};{end};{1000 + i};SB-{i % 4};\n"
        )
    return "".join(lines)


def plant(data):
    write_csv(
        data / "interventions.csv",
        "person_id;municipality;district;target_group;measure;step;start_date;end_date;monthly_cost;caseworker_id;note\n"
        "101104002;851;010203-1234;udsat;§52 stk. 3 nr. 7 plejefamilie (010203 1234);5;01-01-2015;;30000;"
        "0102031234;ring til 150712-9996\n"
        "2412104011;851;Syd;udsat;§11 stk. 3;1;01-01-2015;;2000,50;101104002;beløb 1.234.567,50 den 01-02-2016\n"
        "150712 9996;851;Nord;udsat;§52 stk. 3 nr. 7 døgninstitution;6;01-01-2016;;90000;SB-01;\n"
        "0101104002;851;Nord;2902644002;§11 stk. 3;1;01-01-2016;;2000;SB-01;\n"  # rejected: target_group
        "0101104002;851;Nord;udsat;§11 stk. 3;1;01-01-2016;;101104002;SB-01;\n"  # rejected: cost out of range
        + background_rows()
        + spelled_rows(),
        encoding="cp1252",
    )
    pd.DataFrame(
        {
            "case_id": ["2412104011", "S2", "S3"],
            "person_id": [101104002, 2412104011.0, "290264-4002"],
            "municipality": [851, 851, 851],
            "registration_no": [1, 1, 1],
            "registration_date": [dt.datetime(2015, 3, 1)] * 3,
            "service": ["§85", "§107", "§85"],
            "hours_individual": [10, None, 12],
            "daily_price": [None, 1500, None],
            "vum_score": [2, 3, 2],
            "close_reason": ["", "flyttet, se 010203-1234", "0102031234"],
            "sagsbehandler_cpr": [2412104011, 101104002, "150712-9996"],
        }
    ).to_excel(data / "adult_registrations.xlsx", index=False)
    return data


def written_text(paths):
    for path in paths:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                for name in z.namelist():
                    yield f"{path}!{name}", z.read(name).decode("utf-8", "ignore")
        elif path.suffix in (".pkl", ".png"):
            yield str(path), path.read_bytes().decode("latin-1")
        else:
            yield str(path), path.read_text(encoding="utf-8", errors="ignore")


def test_no_cpr_number_reaches_anything_written(project_copy, tmp_path):
    import shutil

    home = tmp_path / "home"  # a project of its own: the book is built too, and searched
    shutil.copytree(
        project_copy,
        home,
        ignore=shutil.ignore_patterns("reports", "_build", "synthetic", "reports.md", "kommuner", "regioner"),
    )
    data = plant(tmp_path / "data")
    out, cache = home / "book" / "reports", tmp_path / "cache"
    env = {"REPORTBOOK_HOME": str(home), "XDG_CACHE_HOME": str(cache)}
    validated = reportbook("validate", data, "--rejects", tmp_path / "validate", env=env)
    assert validated.returncode == 1, validated.stdout + validated.stderr  # the two rows with bad cells
    rejects = pd.read_csv(tmp_path / "validate" / "rejects.csv")
    assert sorted(rejects["row"]) == [5, 6]
    notes = pd.read_csv(tmp_path / "validate" / "notes.csv")
    assert {"district", "caseworker_id", "measure", "note", "close_reason", "case_id", "sagsbehandler_cpr"} <= set(
        notes["column"]
    )
    ran = reportbook(
        "run",
        "--data",
        data,
        "--out",
        out,
        "--municipality",
        "851",
        "--period",
        "2015-07-01:2016-07-01",
        "--notebook",
        "staircase",
        "--notebook",
        "benchmarking",
        "--notebook",
        "adult_prices",
        "--jobs",
        "2",
        env=env,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    built = reportbook("build", "--reports", out, "--data", data, env=env)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    html = home / "_build" / "html"  # the pages, downloads and search index (not the theme's own files)
    site = [
        p
        for p in html.rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".js", ".csv", ".xlsx", ".txt")
        and "_static" not in p.relative_to(html).parts
    ]
    assert any(p.name == "searchindex.js" for p in site) and len([p for p in site if p.suffix == ".html"]) >= 3
    files = [p for p in list(out.rglob("*")) + list((tmp_path / "validate").rglob("*")) if p.is_file()] + site
    pickles = list(cache.rglob("*.pkl"))
    assert pickles and len([p for p in files if p.suffix == ".ipynb"]) == 3
    assert [p for p in files if p.suffix == ".xlsx"] and [p for p in files if p.suffix == ".csv"]
    logs = [
        ("validate output", validated.stdout + validated.stderr),
        ("run output", ran.stdout + ran.stderr),
        ("build output", built.stdout + built.stderr),
    ]
    pickles += list(cache.rglob("*.json"))  # the protection cache: statuses and atom numbers only
    for where, text in list(written_text(files + pickles)) + logs:
        for spelling in SPELLINGS:
            assert spelling not in text, (where, spelling)
        joined = digits_only(text)
        for cpr in PLANTED:
            assert cpr not in joined and cpr.lstrip("0") not in joined, (where, cpr)
        if not where.endswith(".pkl"):
            scrubbed = re.sub(r'"image/png": "[^"]*"', "", text)
            # A SHA-256 digest (run records, fingerprints) can hold ten digits in a row that
            # look like a date and a serial; it is not a CPR (the planted ones are searched
            # above without this scrub).
            scrubbed = re.sub(r"(?<![0-9A-Za-z])[0-9a-f]{64}(?![0-9A-Za-z])", "", scrubbed)
            assert not CPR_IN_TEXT.search(scrubbed), (where, CPR_IN_TEXT.search(scrubbed))
            assert not LOOSE.search(scrubbed), (where, LOOSE.search(scrubbed))
