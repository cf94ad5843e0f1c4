"""The built site: index, pages, downloads, privacy, and nbval on an executed notebook."""

import json
import math
import re
import zipfile

import pandas as pd
from conftest import CONFIG, ROOT, SITE_RUN_IDS, nbval

from helpers.data.privacy import CPR_IN_TEXT

NOTEBOOKS = CONFIG["notebooks"]
RUN_IDS = ["851_2016-02-01_2016-08-01", "101_2016-02-01_2016-08-01"]


def html_dir(site):
    return site / "_build" / "html"


def test_index_links_every_report(book_site):
    index = (html_dir(book_site) / "book" / "reports.html").read_text(encoding="utf-8")
    links = set(re.findall(r'href="(reports/[a-z_]+/[^"#]+\.html)"', index))
    assert links == {f"reports/{nb}/{r}.html" for r in SITE_RUN_IDS for nb in NOTEBOOKS}
    for link in links:
        assert (html_dir(book_site) / "book" / link).exists()
    assert "Region Nordjylland" in index and "Region Hovedstaden" in index
    assert "syntetiske data" in index
    codes = {run.split("_")[0] for run in SITE_RUN_IDS}
    assert set(re.findall(r'href="kommuner/(\d+)\.html"', index)) == codes


def test_each_municipality_has_a_page_listing_its_reports_and_the_start_page_stays_short(book_site):
    for code in {run.split("_")[0] for run in SITE_RUN_IDS}:
        page = (html_dir(book_site) / "book" / "kommuner" / f"{code}.html").read_text(encoding="utf-8")
        main = page.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
        links = set(re.findall(r'href="\.\./reports/([a-z_]+/[^"#]+)\.html"', main))
        assert links == {f"{nb}/{r}" for r in SITE_RUN_IDS if r.startswith(f"{code}_") for nb in NOTEBOOKS}
    start = (html_dir(book_site) / "book" / "intro.html").read_text(encoding="utf-8")
    main = start.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
    assert not re.findall(r'href="reports/', main)  # municipalities and regions, not every report
    assert set(re.findall(r'href="kommuner/(\d+)\.html"', main)) == {r.split("_")[0] for r in SITE_RUN_IDS}


def sidebar(page: str) -> str:
    return page.split('class="bd-sidebar-primary', 1)[1].split("</nav>", 1)[0]


def test_the_sidebar_shows_the_pages_own_branch(book_site):
    """Region -> municipality -> period (newest first, under its Overblik) -> reports,
    collapsed: a report page's sidebar lists its region's municipalities, its
    municipality's periods and its own period's reports, not other periods' details or
    other regions' municipalities."""
    page = (html_dir(book_site) / "book" / "reports" / "staircase" / f"{RUN_IDS[0]}.html").read_text(encoding="utf-8")
    nav = sidebar(page)
    assert "../../regioner/nordjylland.html" in nav and "../../regioner/hovedstaden.html" in nav
    assert "../../kommuner/851.html" in nav and "../../kommuner/101.html" not in nav
    assert f"budget_followup/{RUN_IDS[0]}.html" in nav  # its own period's pages (five levels deep)
    assert "overview/851_2016-08-01_2017-02-01.html" in nav  # the other periods, by their Overblik
    assert "overview/851_2014-01-01_2016-12-31.html" in nav
    assert "budget_followup/851_2016-08-01_2017-02-01.html" not in nav  # ... without their details
    assert nav.index("overview/851_2016-08-01_2017-02-01.html") < nav.index(f"overview/{RUN_IDS[0]}.html")
    assert "101_2016-02-01_2016-08-01" not in nav and "615_2016-02-01_2016-08-01" not in nav


def test_site_is_danish_and_searchable(book_site):
    page = (html_dir(book_site) / "book" / "intro.html").read_text(encoding="utf-8")
    assert '<html lang="da"' in page
    assert (html_dir(book_site) / "search.html").exists() and (html_dir(book_site) / "searchindex.js").exists()


def test_report_page_title_downloads_and_figures(book_site):
    page_path = html_dir(book_site) / "book" / "reports" / "staircase" / f"{RUN_IDS[0]}.html"
    page = page_path.read_text(encoding="utf-8")
    assert "Indsatstrappen: Aalborg (851), 1. februar 2016 – 1. august 2016" in page
    assert "Hovedbudskaber" in page and "Parametre og datagrundlag" in page
    downloads = set(re.findall(r"href='([^']+\.(?:csv|xlsx))'", page))
    assert {f"{RUN_IDS[0]}/flow_table.csv", f"{RUN_IDS[0]}/transitions.xlsx"} <= downloads
    for link in downloads:
        assert (page_path.parent / link).exists(), link
    images = re.findall(r'<img[^>]+src="([^"]+\.png)"', page)
    assert len(images) >= 5
    for src in images:
        assert (page_path.parent / src).exists()
    for nb in NOTEBOOKS:
        other = (html_dir(book_site) / "book" / "reports" / nb / f"{RUN_IDS[0]}.html").read_text(encoding="utf-8")
        links = set(re.findall(r"href='([^']+\.(?:csv|xlsx))'", other))
        for link in links:
            assert (page_path.parent.parent / nb / link).exists(), link
        # every published table of the page is downloadable from it
        published = json.loads((book_site / "book" / "reports" / nb / RUN_IDS[0] / "published.json").read_text())
        assert {f"{RUN_IDS[0]}/{e['csv']}" for e in published.values()} <= links, nb
    assert "injected-parameters" not in page and "period_start = " not in page


def test_no_page_shows_an_error_output(book_site):
    for page in (html_dir(book_site) / "book").rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Traceback" not in text, page
        assert 'class="output traceback"' not in text and "stderr" not in text, page


NAIVE_CPR = re.compile(r"[0-3][0-9][01][0-9]{3}-?[0-9]{4}")  # no boundaries: the strictest scan


def test_no_digit_run_in_the_site_looks_like_a_cpr(book_site):
    site = html_dir(book_site) / "book"
    for path in list(site.rglob("*.html")) + list(site.rglob("*.csv")):
        match = NAIVE_CPR.search(path.read_text(encoding="utf-8"))
        assert match is None, (path, match)
    for path in site.rglob("*.xlsx"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml":
                    assert not NAIVE_CPR.search(z.read(name).decode("utf-8")), (path, name)
    assert not [p for p in (html_dir(book_site) / "_images").iterdir() if re.search(r"\d", p.name)]


def _input_cprs(data_dir) -> set[str]:
    """Every CPR number in the input tables, in the spellings a leak could take."""
    import pandas as pd

    found = set()
    for name, sep, encoding in (
        ("interventions.csv", ";", "cp1252"),
        ("adult_registrations.csv", ",", "utf-8-sig"),
        ("case_events.csv", ",", "utf-8"),
    ):
        ids = pd.read_csv(data_dir / name, sep=sep, encoding=encoding, dtype=str, usecols=["person_id"])["person_id"]
        for cpr in ids.dropna().str.replace("-", "").unique():
            found |= {cpr, f"{cpr[:6]}-{cpr[6:]}", f"{cpr[:6]} {cpr[6:]}"}
    return found


def test_nothing_published_contains_a_cpr_number(book_site):
    """No input CPR number in any spelling in any published file; nothing shaped like one in
    the text a reader sees (the pages show numbers with thousands separators, so an amount is
    never a run of ten digits there; the CSV files may hold ten-digit amounts)."""
    cprs = _input_cprs(book_site / "data" / "synthetic")
    assert len(cprs) > 1000

    class pattern:  # noqa: N801 - the set of spellings, searched like a regex of them (but linear)
        #: every 10-digit window, also with "-" or " " after the 6th digit (overlapping)
        windows = re.compile(r"(?=(\d{6}[- ]?\d{4}))")

        @classmethod
        def search(cls, text):
            return next((m.group(1) for m in cls.windows.finditer(text) if m.group(1) in cprs), None)

    published = list((html_dir(book_site) / "book").rglob("*.html")) + list(
        (html_dir(book_site) / "book").rglob("*.csv")
    )
    published += list((book_site / "book" / "reports").rglob("*.ipynb"))
    assert len(published) > 10
    for path in published:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ipynb":  # base64 image payloads are not text a reader sees
            text = re.sub(r'"image/png": "[A-Za-z0-9+/=\\n]*"', '"image/png": ""', text)
        match = pattern.search(text)
        assert match is None, (path, match)
        if path.suffix == ".html":
            match = CPR_IN_TEXT.search(text)
            assert match is None, (path, match)
    assert not (html_dir(book_site) / "_sources").exists()
    for path in (html_dir(book_site) / "book").rglob("*.xlsx"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                assert not pattern.search(z.read(name).decode("utf-8", "ignore")), (path, name)


def test_no_published_count_under_five(book_site):
    import pandas as pd

    for path in (html_dir(book_site) / "book").rglob("*.csv"):
        table = pd.read_csv(path)
        for column in [
            c
            for c in table.columns
            if c in ("children", "n")
            or c in ("Unikke cpr", "Ophørte", "1", "2", "3", "4", "5", "6", "Ned ad trappen", "Op ad trappen")
        ]:
            values = pd.to_numeric(table[column], errors="coerce")
            assert not ((values > 0) & (values < 5)).any(), (path, column)


def test_data_quality_page_counts_rows_per_file(book_site):
    page = (html_dir(book_site) / "book" / "data_quality.html").read_text(encoding="utf-8")
    for name in (
        "interventions.csv",
        "adult_registrations.csv",
        "case_events.csv",
        "municipality_figures.csv",
        "budget_assumptions.csv",
    ):
        assert name in page
    assert "Ingen rækker blev afvist" in page


def test_nbval_reproduces_an_executed_notebook(book_site):
    notebook = book_site / "book" / "reports" / "staircase" / f"{RUN_IDS[0]}.ipynb"
    result = nbval([notebook], notebook.parent, book_site)
    assert result.returncode == 0, result.stdout[-4000:]
    assert re.search(r"\d+ passed", result.stdout)


def test_the_audit_passes_on_every_run_of_the_default_matrix(book_site):
    from conftest import reportbook

    result = reportbook("audit", book_site / "book" / "reports")
    assert result.returncode == 0, result.stdout[-3000:]
    # 63 runs of the matrix and København's two adult pages (its children's pages publish no counts)
    assert "Revision af 83 kørsler i 12 sammenhængende tabelsæt" in result.stdout
    assert "Revisionen er bestået" in result.stdout


def test_no_published_statistic_rests_on_a_withheld_number(book_site):
    import pandas as pd

    from helpers.publishing.private import private_root

    checked = 0
    reports = book_site / "book" / "reports"
    for record_path in private_root(reports).glob("*/*/disclosure.json"):
        record = json.loads(record_path.read_text())
        folder = reports / record_path.parent.parent.name / record_path.parent.name
        frames = {t: pd.read_csv(folder / f"{t}.csv") for t in record["tables"]}
        for table, content in record["tables"].items():
            for row, column, _, inputs, base_n in content["statistics"]:
                hidden = any(pd.isna(frames[t][c].iloc[r]) for t, r, c in inputs if t in frames and c in frames[t])
                if hidden or (base_n is not None and 0 < base_n < 5):
                    assert pd.isna(frames[table][column].iloc[row]), (folder.name, table, row, column)
                    checked += 1
    assert checked > 100


def test_aalborg_flow_table_withholds_at_most_a_third_of_its_cells_of_five_or_more(book_site):
    import pandas as pd

    published = pd.read_csv(book_site / "book" / "reports" / "staircase" / f"{RUN_IDS[0]}" / "flow_table.csv")
    reference = pd.read_csv(ROOT / "data" / "reference" / "kora_aalborg_flows_2016.csv")
    published = published.set_index("step_at_start")  # the file has the reference's snake_case columns
    columns = {c: c for c in ("unique_children", "down", "ended", "up", *(f"to_{b}" for b in range(1, 7)))}
    large = withheld = 0
    for row, ref in zip(published.index, reference.itertuples(index=False)):
        for field, column in columns.items():
            value = getattr(ref, field)
            if pd.notna(value) and float(value) >= 5:
                large += 1
                withheld += pd.isna(published.at[row, column])
            if pd.notna(value) and 0 < float(value) < 5:
                assert pd.isna(published.at[row, column]), (row, column)
    assert large > 40 and withheld <= large / 3, (withheld, large)


def test_no_spreadsheet_formula_in_any_published_file(book_site):
    formula = re.compile(r"<f[ >]")
    for path in (html_dir(book_site) / "book").rglob("*.xlsx"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    assert not formula.search(z.read(name).decode("utf-8")), (path, name)
    for path in (html_dir(book_site) / "book").rglob("*.csv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            for cell in line.split(","):
                assert not cell.strip('"').startswith(("=", "+", "@", "\t", "\r")), (path, cell)


def test_a_period_of_several_years_shows_and_labels_each_year(book_site):
    """Issue #14: budget follow-up and benchmarking of 2014-2016 are not those of 2016."""
    reports = html_dir(book_site) / "book" / "reports"
    several, one = "851_2014-01-01_2016-12-31", RUN_IDS[0]
    budget = (reports / "budget_followup" / f"{several}.html").read_text(encoding="utf-8")
    for year in (2014, 2015, 2016):
        assert f"{year}: hele året" in budget and f"Budget og forbrug pr. trin, {year}" in budget
    short = (reports / "budget_followup" / f"{one}.html").read_text(encoding="utf-8")
    assert "2016: forbrug + disponerede indsatser pr. 1. august 2016" in short
    assert "2014" not in re.sub(r"<[^>]+>", "", short.split("Hovedbudskaber")[1].split("Definitioner")[0])
    benchmarking = (reports / "benchmarking" / f"{several}.html").read_text(encoding="utf-8")
    assert "Sammenligningen viser 2016, periodens sidste år" in benchmarking and "år for år" in benchmarking
    later = (reports / "benchmarking" / "851_2016-08-01_2017-02-01.html").read_text(encoding="utf-8")
    assert "det seneste år i perioden med offentlige nøgletal (der er ingen for 2017 i data)" in later


def test_the_trends_page_follows_the_months_and_quarters_of_its_period(book_site):
    import pandas as pd

    reports = book_site / "book" / "reports" / "trends"
    monthly = pd.read_csv(reports / RUN_IDS[0] / "trends.csv")
    assert list(monthly.columns) == ["municipality", "date", "figure", "group", "value"]
    ends = ("03-31", "04-30", "05-31", "06-30", "07-31")  # February-July 2016 and the same months of 2015
    expected = ["2015-02-28", "2016-02-29"] + [f"{y}-{md}" for y in (2015, 2016) for md in ends]
    assert sorted(monthly["date"].unique()) == sorted(expected)
    # over three years: stocks at quarter ends, flows on the book's one calendar grid, months
    long = pd.read_csv(reports / "851_2014-01-01_2016-12-31" / "trends.csv")
    stocks = long[long["figure"] == "placed_children"]
    assert {d[5:] for d in stocks["date"]} == {"03-31", "06-30", "09-30", "12-31"}
    flows = long[long["figure"] == "new_placements"]
    assert len(flows) == 48 and flows["date"].nunique() == 48  # 2014-2016 and the 12 months of 2013
    assert (reports / RUN_IDS[0] / "forecast.csv").exists() and (reports / RUN_IDS[0] / "targets.csv").exists()
    page = (html_dir(book_site) / "book" / "reports" / "trends" / f"{RUN_IDS[0]}.html").read_text(encoding="utf-8")
    assert "Prognosens træfsikkerhed i 2015" in page and "Målopfyldelse ved udgangen af juli 2016" in page
    empty = (html_dir(book_site) / "book" / "reports" / "trends" / "101_2016-02-01_2016-08-01.html").read_text(
        encoding="utf-8"
    )
    assert "Der er hverken indsatser eller sagshændelser for København Kommune i data." in empty


def test_every_municipality_and_period_has_a_one_page_brief_first_in_its_sidebar(book_site):
    """The overview ("Overblik") of each run of the default matrix: first under its
    municipality in the sidebar, key messages, the key-figure table, at most two figures,
    and links to the detail pages of the same run that exist in the site."""
    for run in SITE_RUN_IDS:
        path = html_dir(book_site) / "book" / "reports" / "overview" / f"{run}.html"
        page = path.read_text(encoding="utf-8")
        main = page.split('<main id="main-content"', 1)[1].split("</main>", 1)[0]
        code = run.split("_")[0]
        detail = (path.parent.parent / "staircase" / f"{run}.html").read_text(encoding="utf-8")
        nav = sidebar(detail).split(f"kommuner/{code}.html", 1)[1]
        first = re.search(r'href="\.\./([a-z_]+)/\d+_[^"]+\.html"', nav)
        assert first and first.group(1) == "overview", run
        links = re.findall(r"href=['\"]\.\./([a-z_]+)/" + run + r"\.html['\"]", main)
        if code == "101":  # København: no children's data in the default data
            assert "Ingen data" in main
            continue
        assert "Hovedbudskaber" in main and "Periodens sidste måned mod samme måned året før" in main
        assert 1 <= main.count("<img") <= 2
        assert set(links) >= {"trends", "staircase", "benchmarking", "budget_followup"}
        for nb in links:
            assert (path.parent.parent / nb / f"{run}.html").exists(), (run, nb)


def test_nothing_published_tells_which_withheld_cells_are_small(book_site):
    """No file of the run folders, the downloads or the site holds a cell's status, its
    atoms or its units: the records behind the tables live in a private folder beside them."""
    from helpers.publishing.private import private_root

    reports = book_site / "book" / "reports"
    trees = [reports, html_dir(book_site)]
    assert not [p for tree in trees for p in tree.rglob("disclosure.json")]
    leaks = re.compile(r"\b(primary|secondary|atoms|members)\b")
    checked = 0
    for tree in trees:
        for path in tree.rglob("*"):
            if path.suffix in (".csv", ".json"):
                text = path.read_text(encoding="utf-8", errors="replace")
            elif path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as book:
                    text = " ".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
            else:
                continue
            assert not leaks.search(text), path
            checked += 1
    assert checked > 500
    for listing in reports.glob("*/*/published.json"):
        assert all(isinstance(t["withheld"], int) for t in json.loads(listing.read_text()).values())
    private = private_root(reports)
    assert len(list(private.glob("*/*/disclosure.json"))) >= 80
    assert oct(private.stat().st_mode & 0o777) == "0o700"


def test_a_reader_with_every_csv_and_a_solver_recovers_no_small_count(book_site):
    """The reader's attack (tests/attack.py, written apart from the protection code) over the
    trends tables of every run: the same figure on every page, a quarter as the sum of its
    months, totals as the sum of their steps; no withheld count comes back as 1-4."""
    from attack import attack, truth_from_records

    from helpers.publishing.private import private_root

    reports = book_site / "book" / "reports"
    truth = truth_from_records(reports, private_root(reports))
    result = attack(reports, truth)
    assert result.withheld > 100 and result.relations > 100, result  # a real attack, on real tables
    assert result.recovered == [], result.recovered[:10]


def test_the_same_figure_is_withheld_on_every_page_or_on_none(book_site):
    import pandas as pd
    from attack import read_trends

    rows = read_trends(book_site / "book" / "reports")
    same = rows.groupby(["municipality", "date", "figure", "group", "grain"])["value"]
    assert (same.size() > 1).sum() > 1000  # the same stocks and months on many pages
    mixed = same.apply(lambda v: v.isna().any() and v.notna().any())
    assert not mixed.any(), mixed[mixed].index[:5].tolist()
    assert (same.nunique() <= 1).all()
    assert pd.api.types.is_float_dtype(rows["value"])


def test_the_audits_workers_end_when_it_is_killed(book_site):
    """Killed without a chance to stop them, the audit's two worker processes must not solve
    on as orphans (a killed test run once left them busy for 30 minutes)."""
    import os
    import signal
    import subprocess
    import time

    from conftest import BIN

    def stat(pid):
        """(state, parent) of a process, or None when it is gone."""
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return fields[0], int(fields[1])

    def children(pid):
        return [int(e) for e in os.listdir("/proc") if e.isdigit() and (stat(e) or ("", 0))[1] == pid]

    audit = subprocess.Popen(
        [str(BIN / "reportbook"), "audit", str(book_site / "book" / "reports")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300  # waits only while the audit runs: a loaded machine starts them late
    workers = []
    while time.monotonic() < deadline and len(workers) < 2 and audit.poll() is None:
        time.sleep(0.2)
        workers = children(audit.pid)
    assert audit.poll() is None and workers, "the audit ended before its workers could be seen"
    os.kill(audit.pid, signal.SIGKILL)
    audit.wait()
    deadline = time.monotonic() + 120  # the workers' watcher polls; on a loaded machine it may be late
    alive = workers
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [w for w in workers if stat(w) is not None and stat(w)[0] != "Z"]
    assert not alive, f"audit workers {alive} outlived the audit"


def test_durations_and_the_registration_caveat_are_on_the_pages_that_need_them(book_site):
    """Issue #27: the staircase page publishes the durations table (its placements in all are
    the key figures' placements), and every comparison per step across districts or
    municipalities carries KORA's caveat on registration practice."""
    run = book_site / "book" / "reports"
    durations = pd.read_csv(run / "staircase" / RUN_IDS[0] / "durations.csv", dtype={"step": str})
    assert set(durations["kind"]) == {"placement", "preventive"}
    total = durations[(durations["kind"] == "placement") & (durations["step"] == "I alt")]
    total = total[total["target_group"] == "I alt"].iloc[0]
    figures = pd.read_csv(run / "benchmarking" / RUN_IDS[0] / "key_figures.csv")
    figure = figures.set_index(["figure", "group"])["value"]
    assert total["under_way"] == figure[("placements_for_duration", "I alt")]
    assert total["completed"] == figure[("placements_ended", "I alt")]
    # per placement type (VIVE): network care is all of step 4, so its row is the step's row
    by_type = pd.read_csv(run / "staircase" / RUN_IDS[0] / "placement_durations_by_type.csv", dtype={"step": str})
    network = by_type[by_type["placement_type"] == "netværkspleje"].iloc[0]
    step4 = durations[(durations["kind"] == "placement") & (durations["step"] == "4")].iloc[0]
    for column in ("under_way", "completed", "median_days"):
        assert network[column] == step4[column] or (pd.isna(network[column]) and pd.isna(step4[column])), column
    assert {"døgninstitution", "socialpædagogisk opholdssted"} <= set(
        by_type.loc[by_type["step"] == "6", "placement_type"]
    )
    for nb in ("staircase", "benchmarking", "offers"):
        page = (html_dir(book_site) / "book" / "reports" / nb / f"{RUN_IDS[0]}.html").read_text(encoding="utf-8")
        assert "Registreringspraksis" in page and "§ 52, stk. 3, nr. 2" in page, nb
    staircase = (html_dir(book_site) / "book" / "reports" / "staircase" / f"{RUN_IDS[0]}.html").read_text(
        encoding="utf-8"
    )
    assert "Varighed af anbringelser og forebyggende indsatser" in staircase and "durations.csv" in staircase
    overview = next((html_dir(book_site) / "book" / "landsoversigt").glob("*.html")).read_text(encoding="utf-8")
    assert "registreringspraksis" in overview


def test_absence_by_kind_and_age_and_case_events_by_age_are_published(book_site):
    """Issue #27: school absence for placed and preventive children and by age, and the
    children waiting by target group and age (Ventelister og resultater); notifications and
    new cases by age (Benchmarking og nøgletal), whose totals are the key figures' counts."""
    run = book_site / "book" / "reports"
    by_age = pd.read_csv(run / "benchmarking" / RUN_IDS[0] / "case_events_by_age.csv")
    figures = pd.read_csv(run / "benchmarking" / RUN_IDS[0] / "key_figures.csv").set_index(["figure", "group"])
    for event, label in (("underretning", "Underretninger"), ("ny_sag", "Nye sager")):
        rows = by_age[by_age["event_type"] == event].set_index("age_group")["events"]
        total, figure = float(rows["I alt"]), float(figures.loc[("case_events", label), "value"])
        assert total == figure or (math.isnan(total) and math.isnan(figure)), event  # withheld together
        ages = pd.to_numeric(rows.drop("I alt"), errors="coerce")
        if ages.notna().all():  # nothing withheld: the age groups add up to the total
            assert ages.sum() == float(rows["I alt"]), event
    waiting = pd.read_csv(run / "waiting_outcomes" / RUN_IDS[0] / "waiting_list.csv", dtype=str).fillna("")
    groups = pd.read_csv(run / "waiting_outcomes" / RUN_IDS[0] / "waiting_by_group.csv", dtype=str).fillna("")
    in_all = groups[(groups["target_group"] == "I alt") & (groups["age_group"] == "I alt")]["children_waiting"]
    assert list(in_all) == list(waiting.loc[waiting["step"] == "I alt", "children_waiting"])  # the same children
    absence = pd.read_csv(run / "waiting_outcomes" / RUN_IDS[0] / "school_absence_groups.csv")
    assert list(absence["kind"].iloc[:3]) == ["I alt", "placed", "preventive"]
    for nb, name in (("benchmarking", "case_events_by_age.csv"), ("waiting_outcomes", "school_absence_groups.csv")):
        page = (html_dir(book_site) / "book" / "reports" / nb / f"{RUN_IDS[0]}.html").read_text(encoding="utf-8")
        assert name in page, nb
    page = (html_dir(book_site) / "book" / "reports" / "waiting_outcomes" / f"{RUN_IDS[0]}.html").read_text(
        encoding="utf-8"
    )
    assert "Skolefravær i perioden, anbragte og forebyggende og efter alder" in page
