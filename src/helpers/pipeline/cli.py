"""``reportbook``: validate, synth, run, build."""

from __future__ import annotations

import argparse
import errno
import importlib.util
import signal
import sys
import time
from pathlib import Path

USAGE_ERROR = 2


#: Messages printed by ``validate`` (all of them are in the rejects file).
SHOWN_MESSAGES = 200


def _print_messages(messages, bullet: str) -> None:
    messages = list(messages)
    for message in messages[:SHOWN_MESSAGES]:
        print(f"  {bullet} {message}")
    if len(messages) > SHOWN_MESSAGES:
        print(f"  … og {len(messages) - SHOWN_MESSAGES} til (alle står i afvisningsfilen, --rejects)")


def cmd_validate(args) -> int:
    from ..data.dataset import load, write_rejects
    from ..publishing.formats import plural_da

    dataset = load(args.data_dir)
    print(f"Validering af {dataset.data_dir}")
    print(dataset.quality.to_string(index=False))
    _print_messages(dataset.issues["message"], "-")
    if len(dataset.notes):
        print("Bemærkninger (rækkerne er beholdt):")
        _print_messages(dataset.notes["message"], "·")
    if args.rejects:
        path = write_rejects(dataset, args.rejects)
        print(f"Afviste rækker og årsager: {path}")
    refused = dataset.refused_files
    if dataset.rejected or refused:
        if refused:
            print(f"{plural_da(len(refused), 'fil', 'filer')} afvist: {', '.join(refused)}.")
        print(f"{plural_da(dataset.rejected, 'række', 'rækker')} afvist.")
        return 1
    print("Alle rækker overholder datakontrakten.")
    return 0


def cmd_init(args) -> int:
    from ..data.project import init_project, is_project, template_root
    from ..publishing.formats import plural_da

    target = Path(args.folder).resolve()
    if target.exists() and not target.is_dir():
        print(f"reportbook init: {target} er en fil, ikke en mappe.", file=sys.stderr)
        return 2
    source = template_root()
    if not is_project(source):
        print("reportbook init: pakken har ingen projektfiler med; installér reportbook igen.", file=sys.stderr)
        return 2
    if target.resolve() == source.resolve():
        print(f"reportbook init: {target} er allerede et projekt.")
        return 0
    written, kept = init_project(target, source)
    print(f"Projektmappen {target}: {plural_da(len(written), 'fil', 'filer')} skrevet.")
    if kept:
        print(
            f"{plural_da(len(kept), 'fil', 'filer')} fandtes allerede og er bevaret: {', '.join(map(str, kept[:5]))}."
        )
    print(
        "Næste skridt i mappen: `reportbook synth` (syntetiske data) eller dine egne data i data/, "
        "`reportbook run` og `reportbook build`."
    )
    return 0


def cmd_synth(args) -> int:
    from ..data.synth import generate

    out = generate(args.out, seed=args.seed)
    print(f"Syntetiske data skrevet til {out} (seed {args.seed})")
    return 0


def _dask_missing(command: str, scheduler) -> bool:
    """Whether ``--scheduler`` was given without Dask installed (said on stderr)."""
    if scheduler and importlib.util.find_spec("distributed") is None:
        print(
            f"reportbook {command}: --scheduler kræver Dask: installér med `pip install 'reportbook[dask]'`.",
            file=sys.stderr,
        )
        return True
    return False


def _execute_runs(command: str, runs, data: Path, out: Path, args, settings, *, force=False, resume="") -> int:
    """Run ``runs`` (the one run block of ``reportbook run`` and ``reportbook release``): 0 when
    every run succeeded, else the exit code, with the reason on stderr in Danish: a locked
    folder, an interruption (how many runs finished; ``resume`` says what to do next) or each
    failed run. A missing data folder is a usage error (exit 2), said by :func:`main`."""
    from .runner import DEFAULT_ENGINE, Interrupted, RunLocked, run_matrix

    try:
        failures = run_matrix(
            runs, data, out, jobs=args.jobs, force=force, warm=getattr(args, "warm", False),
            scheduler=args.scheduler, engine=args.engine or DEFAULT_ENGINE, settings=settings,
        )  # fmt: skip
    except RunLocked as err:
        print(f"reportbook {command}: {err}", file=sys.stderr)
        return 1
    except Interrupted as stop:
        what = "Ctrl-C" if stop.signum == signal.SIGINT else f"signal {stop.signum}"
        print(
            f"reportbook {command}: afbrudt ({what}); {stop.finished} af {stop.total} kørsler blev færdige, "
            f"ingen halve filer er efterladt. {resume}",
            file=sys.stderr,
        )
        return 128 + stop.signum
    for run, error in failures:
        print(f"FEJL i {run}: {error}", file=sys.stderr)
    return 1 if failures else 0


def cmd_run(args) -> int:
    from ..publishing.formats import plural_da
    from .runner import build_matrix, load_config

    config = load_config(args.config)
    runs = build_matrix(
        args.notebook or config["notebooks"],
        args.municipality or config["municipalities"],
        args.period or config["periods"],
    )
    data, out = args.data or config["data"], args.out or config["out"]
    if _dask_missing("run", args.scheduler):
        return 2
    print(f"{plural_da(len(runs), 'kørsel', 'kørsler')} → {out}")
    return _execute_runs(
        "run", runs, Path(data), Path(out), args, config["settings"], force=args.force,
        resume="Kør igen for at fortsætte.",
    )  # fmt: skip


def cmd_release(args) -> int:
    """``reportbook release YYYY-MM``: run the release's periods for every municipality and
    page of the configuration, audit the whole book with it, record it in the ledger and
    build the site."""
    from ..publishing import releases
    from ..publishing.audit import audit
    from ..publishing.formats import num_da, plural_da
    from .runner import build_matrix, load_config

    config = load_config(args.config)
    try:
        periods = releases.release_periods(args.month)
        published = releases.publication_date(args.date, args.month)
        runs = build_matrix(
            args.notebook or config["notebooks"], args.municipality or config["municipalities"], periods
        )
    except ValueError as err:
        print(f"reportbook release: {err}", file=sys.stderr)
        return 2
    if _dask_missing("release", args.scheduler):
        return 2
    month = "{}-{:02d}".format(*releases.parse_month(args.month))
    data, out = Path(args.data or config["data"]), Path(args.out or config["out"])
    ledger = releases.read_ledger(out)
    if any(e["release"] == month for e in ledger):
        print(
            f"reportbook release: udgivelsen for {releases.month_name(month)} findes allerede i {out}; "
            "en udgivelse ændres ikke, når den er offentliggjort. Ændrede tal kommer med som revisioner i næste.",
            file=sys.stderr,
        )
        return 1
    later = [e["release"] for e in ledger if e["release"] > month]
    if later:
        print(
            f"reportbook release: {out} har allerede udgivelsen for {releases.month_name(later[-1])}; "
            "udgivelser kommer i kalenderens rækkefølge.",
            file=sys.stderr,
        )
        return 1
    print(f"Udgivelsen for {releases.month_name(month)}: {plural_da(len(runs), 'kørsel', 'kørsler')} → {out}")
    clock = time.perf_counter()
    failed = _execute_runs(
        "release", runs, data, out, args, config["settings"], resume="Udgivelsen er ikke registreret."
    )
    if failed:
        return failed
    ran, clock = time.perf_counter() - clock, time.perf_counter()
    report = audit(out, jobs=args.jobs)
    audited = time.perf_counter() - clock
    print(report.summary())
    print(f"Tid: kørsler med beskyttelse {num_da(ran, 1)} s, revision {num_da(audited, 1)} s.")
    if not report.passed:
        print("reportbook release: revisionen fandt problemer; udgivelsen er ikke registreret.", file=sys.stderr)
        return 1
    names = [f"{r.notebook}/{r.run_id}" for r in runs]
    found = releases.revisions(out, names, ledger, month)
    entry = releases.ledger_entry(month, published, periods, names, out, found)
    releases.write_ledger(out, [*ledger, entry])
    print(f"Udgivelsen er registreret i {out / releases.LEDGER}: {plural_da(len(found), 'revision', 'revisioner')}.")
    if args.no_build:
        return 0
    build_args = argparse.Namespace(
        config=args.config, reports=str(out), data=str(data), no_strict=False, jobs=args.jobs, fresh=False,
        no_pdf=args.no_pdf,
    )  # fmt: skip
    clock = time.perf_counter()
    built = cmd_build(build_args)
    print(f"Tid: bygning {num_da(time.perf_counter() - clock, 1)} s.")
    return built


def cmd_build(args) -> int:
    from ..data.paths import resolve_path
    from ..publishing.book import build
    from ..publishing.printing import PrintError, print_pdfs, remove_pdfs
    from .runner import RunLocked, incomplete_runs, load_config, run_lock

    config = load_config(args.config)
    reports = resolve_path(args.reports or config["out"]).resolve()
    try:
        with run_lock(reports):
            incomplete = incomplete_runs(reports)
            if incomplete:
                shown = ", ".join(incomplete[:5]) + (f" og {len(incomplete) - 5} til" if len(incomplete) > 5 else "")
                print(
                    f"reportbook build: {reports} har ufuldstændige kørsler ({shown}); kør `reportbook run` igen.",
                    file=sys.stderr,
                )
                return 1
            html = build(
                reports, args.data or config["data"], strict=not args.no_strict, jobs=args.jobs, fresh=args.fresh
            )
            printed = remove_pdfs(html, reports) if args.no_pdf else print_pdfs(html, reports)
    except (RunLocked, PrintError) as err:
        print(f"reportbook build: {err}", file=sys.stderr)
        return 1
    print(f"Bogen er bygget: {html / 'index.html'}")
    if args.no_pdf:
        print(f"Bygget uden PDF-udgaver ({printed} ældre fjernet).")
    else:
        print(f"PDF-udgaver: {len(printed)} skrevet (de øvrige var uændrede).")
    return 0


def cmd_pdf(args) -> int:
    from ..data.paths import resolve_path
    from ..publishing.book import BUILD_DIR
    from ..publishing.printing import PrintError, print_pdfs
    from .runner import RunLocked, load_config, run_lock

    config = load_config(args.config)
    reports = resolve_path(args.reports or config["out"]).resolve()
    html = resolve_path(args.site).resolve() if args.site else BUILD_DIR / "html"
    if not (html / "index.html").exists() or not reports.is_dir():
        print(
            f"reportbook pdf: der er ingen bygget bog i {html} med rapporter fra {reports}; "
            "kør `reportbook run` og `reportbook build` først.",
            file=sys.stderr,
        )
        return 1
    try:
        with run_lock(reports):
            printed = print_pdfs(html, reports, force=args.force)
    except (RunLocked, PrintError) as err:
        print(f"reportbook pdf: {err}", file=sys.stderr)
        return 1
    for path in printed:
        print(path)
    print(f"PDF-udgaver: {len(printed)} skrevet.")
    return 0


def cmd_audit(args) -> int:
    from ..publishing.audit import audit

    report = audit(args.out)
    print(report.summary())
    if report.runs == 0:
        print(f"Ingen kørsler med offentliggjorte tabeller i {args.out}.", file=sys.stderr)
        return 1
    return 0 if report.passed else 1


def cmd_fetch_dst(args) -> int:
    from ..data import dst

    for table in args.table or sorted(dst.TABLES):
        try:
            path = dst.fetch(table, cache_dir=args.cache, base_url=args.base_url, refresh=args.refresh)
        except OSError as err:  # no internet, DNS, HTTP errors
            print(f"Kunne ikke hente {table} fra Statistikbanken: {err}", file=sys.stderr)
            return 1
        print(f"{table}: {path} ({dst.ATTRIBUTION})")
    return 0


def cmd_import(args) -> int:
    from ..data.os2bos import import_os2bos

    report = import_os2bos(args.src, args.out)
    print(f"OS2bos-eksport i {args.src} læst; datamappe skrevet: {args.out}")
    print(report.text())
    print(f"Rapporten står også i {Path(args.out) / 'importrapport.csv'}. Kør nu: reportbook validate {args.out}")
    return 0


def cmd_cache(args) -> int:
    from ..data.dataset import cache_dir, clear_cache
    from ..publishing.formats import plural_da

    files, size = clear_cache()
    print(f"Cachen {cache_dir()} er tømt: {plural_da(files, 'fil', 'filer')}, {size / 2**20:.1f} MB slettet.")
    return 0


def _release_parser(sub) -> None:
    rel = sub.add_parser(
        "release",
        help="publish the release of a month (YYYY-MM): run it, audit it with every earlier release, build the site",
    )
    rel.add_argument("month", help="the month just ended, YYYY-MM (the quarter and year are added when it ends one)")
    rel.add_argument("--data")
    rel.add_argument("--out")
    rel.add_argument("--municipality", action="append", help="code or name, or 'alle'; repeatable (default: runs.yml)")
    rel.add_argument("--notebook", action="append", help="notebook file stem; repeatable (default: runs.yml)")
    rel.add_argument("--config", default=None, help="matrix config (default: runs.yml)")
    rel.add_argument("--jobs", type=int, default=None, help="parallel runs (default: number of cores)")
    rel.add_argument("--engine", choices=["fork", "kernel"], default=None)
    rel.add_argument("--scheduler", default=None, help="run on Dask (see `reportbook run --scheduler`)")
    rel.add_argument("--date", default=None, help="the publication date recorded (YYYY-MM-DD; default: today)")
    rel.add_argument("--no-build", action="store_true", help="record the release but do not build the site")
    rel.add_argument("--no-pdf", action="store_true", help="build without the PDF editions")
    rel.set_defaults(func=cmd_release)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reportbook", description="Reproducible report book for municipal social services."
    )
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="validate a data directory against the data contract")
    v.add_argument("data_dir")
    v.add_argument(
        "--rejects",
        metavar="FILE|DIR",
        help="write the reasons to FILE.csv (counts and notes beside it as FILE_data_quality.csv and "
        "FILE_notes.csv), or rejects.csv, data_quality.csv and notes.csv into DIR (any path not ending in .csv)",
    )
    v.set_defaults(func=cmd_validate)

    i = sub.add_parser(
        "init", help="write a new project folder (notebooks, book pages, runs.yml, reference data) to work in"
    )
    i.add_argument("folder", nargs="?", default=".")
    i.set_defaults(func=cmd_init)

    s = sub.add_parser("synth", help="write the seeded synthetic data set")
    s.add_argument("--out", default="data/synthetic")
    s.add_argument("--seed", type=int, default=2016)
    s.set_defaults(func=cmd_synth)

    r = sub.add_parser("run", help="execute the notebook matrix with papermill")
    r.add_argument("--data")
    r.add_argument("--out")
    r.add_argument("--municipality", action="append", help="code or name, or 'alle' for every municipality; repeatable")
    r.add_argument("--period", action="append", help="START:END, e.g. 2016-02-01:2016-08-01; repeatable")
    r.add_argument("--notebook", action="append", help="notebook file stem; repeatable")
    r.add_argument("--jobs", type=int, default=None, help="parallel runs (default: number of cores)")
    r.add_argument("--config", default=None, help="matrix config (default: runs.yml)")
    r.add_argument("--force", action="store_true", help="re-run everything, also unchanged runs")
    r.add_argument(
        "--engine",
        choices=["fork", "kernel"],
        default=None,
        help="fork (default on Linux): each notebook runs in a child forked from a warm worker that has the "
        "libraries imported; kernel (default elsewhere): a fresh Jupyter kernel per notebook (papermill's own engine)",
    )
    r.add_argument(
        "--warm",
        action="store_true",
        help="with --engine kernel: start each worker's next kernel (with the heavy imports) while a run executes",
    )
    r.add_argument(
        "--scheduler",
        default=None,
        help="run on Dask: tcp://HOST:PORT of an existing scheduler, or 'local' for a LocalCluster",
    )
    r.set_defaults(func=cmd_run)

    _release_parser(sub)

    b = sub.add_parser("build", help="build the Jupyter Book into _build/html")
    b.add_argument("--reports")
    b.add_argument("--data")
    b.add_argument("--config", default=None)
    b.add_argument("--no-strict", action="store_true", help="do not treat warnings as errors")
    b.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="Sphinx processes (default: $REPORTBOOK_BUILD_JOBS or the number of cores)",
    )
    b.add_argument("--fresh", action="store_true", help="rebuild every page (default: only what changed)")
    b.add_argument(
        "--no-pdf",
        action="store_true",
        help="build without PDFs (printing them needs Chromium); removes older PDFs from the site",
    )
    b.set_defaults(func=cmd_build)
    d = sub.add_parser("pdf", help="print each municipality-period's Overblik and all its pages to PDF (Chromium)")
    d.add_argument("--reports")
    d.add_argument("--site", default=None, help="the built site (default: _build/html)")
    d.add_argument("--config", default=None)
    d.add_argument("--force", action="store_true", help="print every PDF again, also those up to date")
    d.set_defaults(func=cmd_pdf)
    a = sub.add_parser("audit", help="check that no withheld count of 1-4 can be computed from the published tables")
    a.add_argument("out", nargs="?", default="book/reports", help="the reports folder (default: book/reports)")
    a.set_defaults(func=cmd_audit)

    f = sub.add_parser("fetch-dst", help="download Statistikbanken tables (needs internet) and cache them")
    f.add_argument("table", nargs="*", help="table ids, e.g. FOLK1A ANBAAR12 ISBU02 (default: all known)")
    f.add_argument("--cache", default=str(Path("data") / "dst"))
    f.add_argument("--base-url", default=None, help=argparse.SUPPRESS)
    f.add_argument("--refresh", action="store_true")
    f.set_defaults(func=cmd_fetch_dst)

    i = sub.add_parser("import", help="convert a case system's export into a data folder of the contract")
    i.add_argument("system", choices=["os2bos"], help="the case system that wrote the export")
    i.add_argument("src", help="the folder with the export's reports (OS2bos: *_payments_N.csv, expected_cases_0.csv)")
    i.add_argument("--out", required=True, help="the data folder to write (interventions.csv, importrapport.csv)")
    i.set_defaults(func=cmd_import)

    c = sub.add_parser("cache", help="the cache of validated data sets (pseudonymised rows, birth dates)")
    c.add_argument("action", choices=["clear"], help="clear: delete every cached data set")
    c.set_defaults(func=cmd_cache)
    return p


#: What the operating system's errors mean, in Danish (the rest keep the system's text).
_ERRNO_DA = {
    errno.ENOENT: "findes ikke",
    errno.EACCES: "adgang nægtet (tjek rettighederne)",
    errno.EPERM: "handlingen er ikke tilladt",
    errno.ENOSPC: "der er ikke mere plads på disken",
    errno.EISDIR: "er en mappe, ikke en fil",
    errno.ENOTDIR: "er ikke en mappe",
    errno.EROFS: "ligger på et skrivebeskyttet drev",
    errno.EEXIST: "findes allerede",
    errno.ENOTEMPTY: "mappen er ikke tom",
}
#: The exit code of an unexpected error (a fault in the program, not in the input).
INTERNAL_ERROR = 70


def error_da(err: BaseException) -> str:
    """One Danish sentence for an error: the program's own messages are Danish already; an
    operating-system error is named by its file and what it means."""
    if isinstance(err, OSError) and err.errno in _ERRNO_DA:
        where = err.filename if err.filename is not None else ""
        return f"{where}: {_ERRNO_DA[err.errno]}" if where else _ERRNO_DA[err.errno].capitalize()
    return str(err)


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError, RuntimeError, OSError) as err:
        print(f"reportbook {args.command}: {error_da(err)}", file=sys.stderr)
        return USAGE_ERROR
    except Exception as err:  # noqa: BLE001 - never a traceback: one sentence, and a code that says "our fault"
        print(
            f"reportbook {args.command}: uventet fejl i programmet ({type(err).__name__}: {str(err)[:300]}). "
            "Inddata er ikke ændret; meld fejlen med kommandoen, du kørte.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR


if __name__ == "__main__":
    sys.exit(main())
