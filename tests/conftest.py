import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest
import yaml

# A fixed pseudonymisation key (at least 16 bytes) for every test and every subprocess the tests start;
# the published tables do not depend on it (the backtest digests were the same with the old key).
os.environ.setdefault("REPORTBOOK_SECRET", "test-secret-key-for-the-suite")

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


#: Fixtures that run the default matrix, build the book or start Chromium: a test that uses
#: one (directly or through another fixture) is ``slow`` and left out of ``make test-fast``.
SLOW_FIXTURES = {"book_site", "project_copy", "browser", "server"}


#: Under pytest-xdist (``make test`` runs two workers, ``--dist loadgroup``) every test that
#: reads the default book runs on the worker that built it (``book_site`` is a session fixture,
#: made once per worker), and every other module's tests run together on one worker, so that a
#: module's fixtures are made once. The book's group is collected first and starts first.
BOOK_GROUP = "book_site"


def pytest_itemcollected(item):
    # Marked as each test is collected: xdist reads the groups into the node ids in its own
    # pytest_collection_modifyitems, which can run before this file's.
    fixtures = set(getattr(item, "fixturenames", ()))
    if SLOW_FIXTURES & fixtures:
        item.add_marker(pytest.mark.slow)
    if getattr(item.config.option, "loadgroup", False):  # set on the workers by xdist
        item.add_marker(pytest.mark.xdist_group(BOOK_GROUP if "book_site" in fixtures else Path(item.path).stem))


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def reportbook(*args, env=None, check=False, timeout=None):
    """Run the console script as a user would. No wall-clock limit by default: how long a
    matrix or an audit takes depends on the machine's load, and a test must not fail
    because the other core is busy (a test that checks a kill passes its own ``timeout``)."""
    result = subprocess.run(
        [str(BIN / "reportbook"), *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"reportbook {' '.join(map(str, args))} failed:\n{result.stdout}\n{result.stderr}")
    return result


def nbval(notebooks, rootdir: Path, home: Path, timeout: int | None = None) -> subprocess.CompletedProcess:
    """Re-execute ``notebooks`` with a real kernel under nbval (the project's sanitizers) in
    the project copy ``home``."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            *map(str, notebooks),
            "--nbval-sanitize-with",
            str(ROOT / "tests" / "nbval_sanitize.cfg"),
            "-p",
            "no:cacheprovider",
            "-q",
            "--rootdir",
            str(rootdir),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "REPORTBOOK_HOME": str(home)},
        cwd=rootdir,
        timeout=timeout,
    )


def interventions_frame(rows):
    """Interventions with pseudonymised ids and parsed dates, as the loader returns them."""
    frame = pd.DataFrame(rows, columns=["person_id", "step", "start_date", "end_date"])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    return frame


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory):
    """A copy of the project skeleton (without outputs), so that runs and builds in the tests
    never touch the working tree. Use with env REPORTBOOK_HOME=<copy>."""
    home = tmp_path_factory.mktemp("home")
    for name in ("_config.yml", "_toc.yml", "runs.yml"):
        shutil.copy(ROOT / name, home / name)
    for name in ("notebooks", "book"):
        shutil.copytree(
            ROOT / name,
            home / name,
            ignore=shutil.ignore_patterns(
                "reports",
                "reports.md",
                "udgivelser.md",
                "_reports_table.md",
                "data_quality.md",
                "kommuner",
                "regioner",
                "landsoversigt",
                "landsoversigt.md",
            ),
        )
    shutil.copytree(ROOT / "data", home / "data", ignore=shutil.ignore_patterns("synthetic"))
    return home


#: A municipality without children's or adult data: its pages must say so in Danish.
NO_DATA_RUN = ["--municipality", "København", "--period", "2016-02-01:2016-08-01"]
CONFIG = yaml.safe_load((ROOT / "runs.yml").read_text())
#: The run ids (``<code>_<start>_<end>``) of the book site: the default matrix and København.
SITE_RUN_IDS = [f"{m}_{p.replace(':', '_')}" for m in CONFIG["municipalities"] for p in CONFIG["periods"]] + [
    "101_2016-02-01_2016-08-01"
]


@pytest.fixture(scope="session")
def book_site(project_copy):
    """A real run of the default matrix (``runs.yml``, papermill) plus a municipality
    without data, and a real Jupyter Book build, in a project copy."""
    env = {"REPORTBOOK_HOME": str(project_copy)}
    reportbook("synth", "--out", project_copy / "data" / "synthetic", "--seed", "2016", env=env, check=True)
    reportbook("run", "--jobs", "2", env=env, check=True)
    reportbook("run", *NO_DATA_RUN, "--jobs", "2", env=env, check=True)
    reportbook("build", env=env, check=True)
    return project_copy


class PageReport:
    """What a page module's ``specs`` needs of a report, for tests: the focal municipality's
    rows of each table (``tables``: name -> frame; an absent table has no rows) and the period."""

    def __init__(self, tables: dict, t0, t1, municipality: int = 851):
        self.tables, self.municipality = tables, municipality
        self.period_start, self.period_end = pd.Timestamp(t0), pd.Timestamp(t1)

    def rows(self, table):
        frame = self.tables.get(table, pd.DataFrame(columns=["municipality", "person_id"]))
        return frame[frame["municipality"] == self.municipality].copy()


# ------------------------------------------------ the built site in a real browser (Chromium)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def server(book_site):
    root = book_site / "_build" / "html"
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail(
            "Debian's chromium is not installed: `make test` installs it with apt-get (run as root), "
            "or run `apt-get install chromium`."
        )
    return path


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()
