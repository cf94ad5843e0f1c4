"""The national overview (Landsoversigt): one page per period comparing every municipality
in the book on its key figures.

Every number on these pages is a number a run has already published: it is read from the
CSV files under ``book/reports/<notebook>/<code>_<start>_<end>/`` (protected within their
protection group; a withheld cell is empty there) and shown again unchanged (amounts only
rescaled to mio. kr. for reading). Nothing is computed from person data here, so the pages
disclose nothing the reports do not. A withheld value reads ".." and is left out of the
ranked dot plots (ranking or sorting by it would leak its order); a figure the
municipality's runs do not publish at all (e.g. no adult data) reads "–".

The table is an `itables <https://mwouts.github.io/itables/>`_ (DataTables) table in its
offline form: the DataTables bundle ships with the site (``_static/itables``), so the page
loads nothing from the internet. Columns show Danish text and sort on hidden numeric
columns (DataTables ``orderData``), so "1.234,5" sorts as a number and ".." always sorts
last. Without JavaScript, a plain HTML table with the same text is shown.
"""

from __future__ import annotations

import functools
import html
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analyses.budget import direction_da
from ..data.safecsv import csv_text
from ..data.steps import REGISTRATION_PRACTICE_DA
from . import concepts
from .disclosure import WITHHELD
from .formats import num_da, pct_da, period_da

#: Shown for a figure the municipality's runs do not publish (no data, or no run).
MISSING = "–"
CHAPTER = "landsoversigt"
#: The offline DataTables bundle, relative to the site root, and from a period's page
#: (``book/landsoversigt/<period>.html``).
STATIC_JS = "_static/itables/itables_offline.js"
#: The download of every run's concepts, in the chapter's folder.
CONCEPTS_DOWNLOAD = "begreber.csv"
PAGE_TO_ROOT = "../../"


@dataclass(frozen=True)
class Figure:
    """A key figure: where a run publishes it and how it reads."""

    key: str
    label: str
    notebook: str
    #: the published value for one run directory (None: withheld; NaN: not published)
    read: Callable[[Path, int], float | None]
    text: Callable[[float], str]
    #: what the dot plot's axis and the note say
    axis: str
    source: str
    #: the sources' warning against reading the ranking too far, said under the plot
    caveat: str = ""
    #: a sentence about the shown values together (e.g. their mean), said under the plot
    summary: Callable[[pd.Series], str] | None = None
    #: the published 95 % confidence interval (low, high) for one run directory, for a
    #: statistic that has one (None: not published); drawn and written with the value
    interval: Callable[[Path, int], tuple[float, float] | None] | None = None


def _csv(run_dir: Path, name: str) -> pd.DataFrame | None:
    """A published table as text (empty cells: ""); None when the run did not publish it.
    Read once per file version (several figures come from one table)."""
    path = run_dir / f"{name}.csv"
    try:
        stat = path.stat()
    except OSError:
        return None
    return _read_csv(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=2048)
def _read_csv(path: Path, mtime_ns: int, size: int) -> pd.DataFrame | None:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError, pd.errors.ParserError):
        return None


def _cell(frame: pd.DataFrame | None, match: dict, column: str) -> float | None:
    """The published value in the (single) row matching ``match``: NaN when there is no such
    row (not published), None when the cell is empty (withheld)."""
    if frame is None or column not in frame.columns or any(k not in frame.columns for k in match):
        return math.nan
    rows = frame
    for k, v in match.items():
        rows = rows[rows[k].astype(str) == str(v)]
    if len(rows) != 1:
        return math.nan
    text = rows.iloc[0][column].strip()
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return math.nan


def _placed_per_1000(run_dir: Path, code: int) -> float | None:
    return _cell(
        _csv(run_dir, "municipality_comparison"), {"municipality": code, "figure": "placed_per_1000_0_22"}, "value"
    )


def _preventive_share(run_dir: Path, code: int) -> float | None:
    return _cell(
        _csv(run_dir, "key_figures"), {"figure": "spending_share", "group": "Forebyggende (trin 1-3)"}, "value"
    )


def _budget_rows(run_dir: Path) -> pd.DataFrame | None:
    """The budget follow-up's variance table; for a period of several years, its last year
    (the year the period ends in)."""
    frame = _csv(run_dir, "budget_variance")
    if frame is not None and "year" in frame.columns and frame["year"].ne("").any():
        frame = frame[frame["year"] == max(frame["year"][frame["year"] != ""], key=int)]
    return frame


def _concept(key: str) -> Callable[[Path, int], float | None]:
    """A concept as the run wrote it to its concepts.csv (:mod:`.concepts`): the value, None
    when withheld, NaN when the run did not publish it."""

    def read(run_dir: Path, code: int) -> float | None:
        path = run_dir / concepts.CONCEPTS_FILE
        if not path.is_file():
            return math.nan
        rows = concepts.read(path)
        rows = rows[rows["concept"] == key]
        if rows.empty:
            return math.nan
        if rows["withheld"].any():
            return None
        return float(rows["value"].iloc[0])

    return read


def _unit_cost(step: int) -> Callable[[Path, int], float | None]:
    def read(run_dir: Path, code: int) -> float | None:
        return _cell(_budget_rows(run_dir), {"step": step}, "actual_unit_cost")

    return read


def _goal_attainment(run_dir: Path, code: int) -> float | None:
    return _cell(_csv(run_dir, "goal_attainment_by_municipality"), {"municipality": code}, "share_met_or_partly")


def _goal_interval(run_dir: Path, code: int) -> tuple[float, float] | None:
    """The Wilson interval the goal-attainment run published next to the share."""
    frame = _csv(run_dir, "goal_attainment_by_municipality")
    bounds = [_cell(frame, {"municipality": code}, c) for c in ("ci_low", "ci_high")]
    if any(b is None or math.isnan(b) for b in bounds):
        return None
    return bounds[0], bounds[1]


def _budget_year(run_dir: Path, code: int) -> str | None:
    frame = _budget_rows(run_dir)
    if frame is None or "year" not in frame.columns or frame.empty:
        return None
    return str(frame["year"].iloc[0]) or None


def _benchmark_year(run_dir: Path, code: int) -> str | None:
    frame = _csv(run_dir, "municipality_comparison")
    if frame is None or "year" not in frame.columns:
        return None
    years = frame.loc[frame["municipality"] == str(code), "year"]
    return str(years.iloc[0]) if len(years) else None


#: The year a notebook's figures are for (public figures: the benchmark year; budget: the
#: budget year the period ends in), said on the page.
YEARS = {"benchmarking": _benchmark_year, "budget_followup": _budget_year}


def _budget_summary(values: pd.Series) -> str:
    """VIVE's two measures over the shown municipalities: the mean deviation (budget
    keeping) and the mean absolute deviation (budget precision), from the published values."""
    mean, precision = float(values.mean()), float(values.abs().mean())
    word = direction_da(mean)
    shown = "den ene viste kommune" if len(values) == 1 else f"de {len(values)} viste kommuner"
    return (
        f"For {shown} er budgetafvigelsen i gennemsnit {num_da(mean, 1, sign=True)} % "
        f"({word}), og budgetpræcisionen, den gennemsnitlige afvigelse uanset retning, er {num_da(precision, 1)} %."
    )


def _pct(v: float) -> str:
    return pct_da(v, 1)


FIGURES = [
    Figure(
        "placed_per_1000",
        "Anbragte pr. 1.000 0-22-årige",
        "benchmarking",
        _placed_per_1000,
        lambda v: num_da(v, 1),
        "Anbragte pr. 1.000 0-22-årige",
        "offentlige nøgletal (benchmarking)",
    ),
    Figure(
        "preventive_share",
        "Forebyggende andel af forbruget",
        "benchmarking",
        _preventive_share,
        _pct,
        "Forebyggende indsatser (trin 1-3), andel af forbruget",
        "nøgletal (benchmarking)",
        REGISTRATION_PRACTICE_DA,
    ),
    Figure(
        "budget_deviation_pct",
        "Budgetafvigelse (%, + = mindreforbrug)",
        "budget_followup",
        _concept("budget_deviation_pct"),
        lambda v: num_da(v, 1, sign=True) + " %",
        "Budgetafvigelse, % af budgettet (VIVE: positiv = mindreforbrug, negativ = merforbrug)",
        "budgetopfølgningen",
        "VIVE (seeds/001) måler både budgetoverholdelse (fortegnet) og budgetpræcision (afstanden): et stort "
        "mindreforbrug er lige så lidt præcist som et merforbrug. For et år, der ikke er slut, er afvigelsen "
        "forbrug + disponerede indsatser ved periodens slutning uden nye indsatser resten af året, så den er "
        "tidligt på året for positiv; prognosen med til- og afgang står på kommunernes sider.",
        _budget_summary,
    ),
    *[
        Figure(
            f"price_step_{step}",
            f"Pris pr. helårsanbr., {name} (kr.)",
            "budget_followup",
            _unit_cost(step),
            lambda v: num_da(v, 0),
            f"Faktisk pris pr. helårsanbringelse i {name}, kr.",
            "budgetopfølgningen",
            "KORA (seeds/000): en enhedspris skiller ikke de anbragte børns behov, serviceniveauet og "
            "produktiviteten ad; en høj pris er ikke i sig selv et tegn på dårlig styring.",
        )
        for step, name in ((4, "netværkspleje"), (5, "plejefamilie"), (6, "institution"))
    ],
    Figure(
        "goal_attainment",
        "Voksne: mål om bedre funktionsevne nået (1.→2. registrering)",
        "goal_attainment",
        _goal_attainment,
        _pct,
        "Voksne §85/§107 (KL's figur 3.11): andel af opfølgninger fra 1. til 2. registrering, hvor et mål om "
        "bedre funktionsevne er helt eller delvist nået",
        "voksenrapporten om mål og opfølgning",
        "KL (seeds/003) advarer: kommunerne sætter mål med forskelligt ambitionsniveau, så en højere "
        "målopfyldelse er ikke i sig selv en bedre indsats.",
        interval=_goal_interval,
    ),
]


def period_slug(start: str, end: str) -> str:
    return f"{start}_{end}"


def collect(entries: list[dict], reports_dir: Path) -> dict[tuple[str, str], pd.DataFrame]:
    """Per period: one row per municipality in the book (code, name, region) and one column
    per key figure: the published value, None where withheld, NaN where not published."""
    periods: dict[tuple[str, str], dict[int, dict]] = {}
    for e in entries:
        period = (str(e["period_start"]), str(e["period_end"]))
        code = int(e["municipality"])
        row = periods.setdefault(period, {}).setdefault(
            code,
            {"municipality": code, "name": e["municipality_name"], "region": e["region"]}
            | {f.key: math.nan for f in FIGURES}
            | {interval_key(f): None for f in FIGURES if f.interval},
        )
        for figure in FIGURES:
            if figure.notebook == e["notebook"]:
                row[figure.key] = figure.read(reports_dir / e["path"], code)
                if figure.interval and not (is_withheld(row[figure.key]) or is_missing(row[figure.key])):
                    row[interval_key(figure)] = figure.interval(reports_dir / e["path"], code)
        if e["notebook"] in YEARS:
            year = YEARS[e["notebook"]](reports_dir / e["path"], code)
            if year:
                row[f"year_{e['notebook']}"] = year
    return {
        period: pd.DataFrame(sorted(rows.values(), key=lambda r: (r["name"], r["municipality"])), dtype=object)
        for period, rows in sorted(periods.items())
    }


def interval_key(figure: Figure) -> str:
    """The column of ``collect``'s frame that holds a figure's interval (low, high) or None."""
    return f"{figure.key}_ci"


def is_withheld(value) -> bool:
    return value is None


def is_missing(value) -> bool:
    return value is not None and isinstance(value, float) and math.isnan(value)


def shown(frame: pd.DataFrame) -> list[Figure]:
    """The figures published (or withheld) for at least one municipality of the period."""
    return [f for f in FIGURES if not frame[f.key].map(is_missing).all()]


def cell_text(figure: Figure, value, interval: tuple[float, float] | None = None) -> str:
    """The value as the table shows it; with its interval, e.g. "50,0 % (23,0–76,0)"."""
    if is_withheld(value):
        return WITHHELD
    if is_missing(value):
        return MISSING
    text = figure.text(float(value))
    if interval is None:
        return text
    unit = " %" if text.endswith(" %") else ""
    low, high = (figure.text(float(b)).removesuffix(unit) for b in interval)
    return f"{text} ({low}–{high})"


def _intervals(frame: pd.DataFrame, figure: Figure) -> list:
    return list(frame[interval_key(figure)]) if figure.interval else [None] * len(frame)


def ranked(frame: pd.DataFrame, figure: Figure) -> pd.DataFrame:
    """The municipalities with a published value of ``figure``, highest first, with their
    rank (1 = highest; ties share the lower rank). Withheld and missing values are left out."""
    values = frame[["municipality", "name", figure.key]].rename(columns={figure.key: "value"})
    intervals = _intervals(frame, figure)
    values["ci_low"] = [math.nan if ci is None else float(ci[0]) for ci in intervals]
    values["ci_high"] = [math.nan if ci is None else float(ci[1]) for ci in intervals]
    values = values[values["value"].map(lambda v: not (is_withheld(v) or is_missing(v)))].copy()
    values["value"] = values["value"].astype(float)
    values = values.sort_values(["value", "name"], ascending=[False, True], kind="stable").reset_index(drop=True)
    values["rank"] = values["value"].rank(ascending=False, method="min").astype(int)
    return values


def municipality_link(code: int, name: str) -> str:
    return f'<a href="../kommuner/{code}.html">{html.escape(name)}</a>'


def sort_key(value) -> float:
    """The number a column sorts on: the published value to 7 significant digits (finer than
    any text on the page; no long digit runs in the page's source, which a scanner could
    take for a CPR number)."""
    return float(f"{float(value):.7g}")


def table_frames(frame: pd.DataFrame, figures: list[Figure]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The text the reader sees (Danish) and the numbers it sorts on (withheld/missing: NA)."""
    text = pd.DataFrame(
        {
            "Kommune": [municipality_link(c, n) for c, n in zip(frame["municipality"], frame["name"])],
            "Region": frame["region"].astype(str).str.removeprefix("Region "),  # short: the table must fit
            **{f.label: [cell_text(f, v, ci) for v, ci in zip(frame[f.key], _intervals(frame, f))] for f in figures},
        }
    )
    numbers = pd.DataFrame(
        {
            f"_sort_{i}": pd.array(
                [None if (is_withheld(v) or is_missing(v)) else sort_key(v) for v in frame[f.key]], dtype="Float64"
            )
            for i, f in enumerate(figures)
        }
    )
    return text, numbers


_EXTERNAL_LINK = re.compile(r"<a href=\"?https?://[^>]*>.*?</a>", re.S)


def static_table(text: pd.DataFrame) -> str:
    """A plain HTML table (the view without JavaScript, and the tests' view)."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in text.columns)
    rows = "\n".join(
        "<tr>"
        + "".join(f"<td>{v}</td>" if c == "Kommune" else f"<td>{html.escape(v)}</td>" for c, v in row.items())
        + "</tr>"
        for _, row in text.iterrows()
    )
    return f'<table class="national-overview">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>'


def datatable_html(frame: pd.DataFrame, figures: list[Figure], table_id: str) -> str:
    """The interactive table (itables, offline) with the static table as its fallback."""
    from itables import JavascriptFunction
    from itables.javascript import get_itable_arguments, html_table_from_template

    text, numbers = table_frames(frame, figures)
    df = pd.concat([text, numbers], axis=1)
    n_text, n_num = len(text.columns), len(numbers.columns)
    column_defs = [
        {"targets": list(range(n_text, n_text + n_num)), "visible": False, "searchable": False},
        # a numeric column sorts on its hidden number (the text is Danish, ".." is withheld); it is the
        # column's own sort data, not another column's (orderData), so the header says its order
        # (aria-sort) to a screen reader
        *[
            {
                "targets": 2 + i,
                "render": JavascriptFunction(
                    "function (data, type, row) { return type === 'sort' || type === 'type' ? "
                    f"row[{n_text + i}] : data; }}"
                ),
                "className": "dt-right",
            }
            for i in range(n_num)
        ],
        {"targets": [0, 1], "className": "dt-left"},
    ]
    with warnings.catch_warnings():
        # itables types `language` as text only; DataTables also reads its nested `aria` labels
        warnings.filterwarnings("ignore", message=r"language=.*aria", category=SyntaxWarning)
        args = get_itable_arguments(
            df,
            None,
            table_id=table_id,
            connected=False,
            allow_html=True,
            showIndex=False,
            classes="display compact",
            columnDefs=column_defs,
            order=[],
            # search and paging also when the municipalities fit on one page (itables hides them then)
            layout={"topStart": "search", "topEnd": "pageLength", "bottomStart": "info", "bottomEnd": "paging"},
            pageLength=25,
            # a table wider than the page's column scrolls in its own box
            scrollX=True,
            lengthMenu=[10, 25, 50, 100],
            language={
                "search": "Søg:",
                "lengthMenu": "Vis _MENU_ kommuner",
                "info": "Kommune _START_ til _END_ af _TOTAL_",
                "infoEmpty": "Ingen kommuner",
                "infoFiltered": "(udvalgt blandt _MAX_)",
                "zeroRecords": "Ingen kommuner passer til søgningen",
                "emptyTable": "Ingen kommuner",
                "decimal": ",",
                "thousands": ".",
                # what a screen reader says on the sort controls and page buttons (DataTables' own is English)
                "aria": {
                    "orderable": ": aktivér for at sortere",
                    "orderableReverse": ": aktivér for at vende sorteringen",
                    "orderableRemove": ": aktivér for at fjerne sorteringen",
                    "paginate": {
                        "first": "Første side",
                        "previous": "Forrige side",
                        "next": "Næste side",
                        "last": "Sidste side",
                    },
                },
            },
            format_floats_in_python=False,
            # a click anywhere on a header sorts (not only on the arrows)
            text_in_header_can_be_selected=False,
        )
    dt_url = args.pop("dt_url")
    connected = args.pop("connected")
    args.pop("display_logo_when_loading", None)
    out = html_table_from_template(
        table_id=table_id,
        dt_url=dt_url,
        connected=connected,
        display_logo_when_loading=False,
        kwargs=args,
        fallback_html=static_table(text),
    )
    out = _EXTERNAL_LINK.sub("", out)
    out = re.sub(r"Loading ITables v[\d.]+ from the <code>init_notebook_mode</code> cell\.\.\.\s*", "Indlæser …", out)
    out = re.sub(r"\(need\s*\?\)", "", out)
    return out


def offline_bundle_js() -> str:
    """The script that makes DataTables available without a network (itables' own offline
    initialisation: the bundle, base64-encoded, loaded as a module from a Blob, which also
    works when the site is opened from disk)."""
    from itables.javascript import generate_init_offline_itables_html
    from itables.utils import find_package_file

    init = generate_init_offline_itables_html(find_package_file("html/dt_bundle.js"))
    match = re.search(r"<script>(.*?)</script>", init, re.S)
    return match.group(1)


def write_static(html_dir: Path) -> Path:
    """Copy the offline DataTables script into the built site (only when it changed)."""
    path = html_dir / STATIC_JS
    text = offline_bundle_js()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def dot_plot(values: pd.DataFrame, figure: Figure, title: str):
    """Municipalities ranked by a figure (highest at the top), one dot each; the height grows
    with the number of municipalities so that names stay at 9 pt."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    n = len(values)
    fig, ax = plt.subplots(figsize=(7.0, 1.3 + 0.22 * max(n, 3)))
    y = list(range(n))[::-1]
    with_ci = values["ci_low"].notna() & values["ci_high"].notna() if "ci_low" in values else None
    if with_ci is not None and with_ci.any():
        # the 95 % intervals as horizontal bars (no guide lines: they would read as intervals)
        yy = [yi for yi, keep in zip(y, with_ci) if keep]
        v = values[with_ci]
        ax.errorbar(
            v["value"],
            yy,
            xerr=[v["value"] - v["ci_low"], v["ci_high"] - v["value"]],
            fmt="none",
            ecolor="#1d3557",
            elinewidth=1.2,
            capsize=3,
            zorder=2,
        )
    else:
        ax.hlines(y, values["value"].min(), values["value"], color="#dddddd", linewidth=0.8, zorder=1)
    ax.scatter(values["value"], y, color="#1d3557", s=28, zorder=3)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r} {name}" for r, name in zip(values["rank"], values["name"])], fontsize=9)
    ax.set_ylim(-0.7, n - 0.3)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    # as many decimals as the tick step needs (0,5 -> one), so that no two ticks read alike
    scale, suffix = (100, " %") if figure.text is _pct else (1, "")
    ticks = [scale * v for v in ax.get_xticks()]
    step = min((b - a for a, b in zip(ticks, ticks[1:])), default=1.0)
    digits = max(0, math.ceil(-math.log10(step) - 1e-9)) if 0 < step < 1 else 0
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: num_da(scale * v, digits) + suffix))
    ax.set_xlabel(figure.axis, fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=10, loc="left")
    fig.tight_layout()
    return fig


def save_png(fig, path: Path) -> bool:
    """Save deterministically (no software or date stamp); rewrite only when the bytes changed."""
    import io

    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)
    data = buffer.getvalue()
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def interval_sentence(values: pd.DataFrame) -> str:
    """What the intervals of a ranked figure allow one to say: whose interval overlaps the
    first municipality's (their order may be chance)."""
    known = values.dropna(subset=["ci_low", "ci_high"])
    if known.empty:
        return "Kommunernes sider har ikke offentliggjort intervaller for de viste tal."
    said = (
        "De vandrette streger er 95 %-konfidensintervaller (Wilson), som kommunernes egne sider viser; "
        "i tabellen står de i parentes."
    )
    if len(known) < 2 or known.index[0] != values.index[0]:
        return said
    first, others = known.iloc[0], known.iloc[1:]
    overlap = others[(others["ci_high"] >= first["ci_low"]) & (others["ci_low"] <= first["ci_high"])]
    if len(overlap) == len(others):
        verdict = (
            f"Intervallerne for alle {len(others)} øvrige kommuner med interval overlapper intervallet for nr. 1 "
            f"({first['name']}), "
            "så rangordenen kan være tilfældig."
            if len(others) > 1
            else f"Intervallerne for {first['name']} og {others.iloc[0]['name']} overlapper, "
            "så rækkefølgen kan være tilfældig."
        )
    elif overlap.empty:
        verdict = (
            f"Ingen af de øvrige kommuners intervaller overlapper intervallet for nr. 1 ({first['name']}), så for "
            "dem er forskellen til nr. 1 større, end tilfældet plausibelt kan forklare."
        )
    else:
        verdict = (
            f"{len(overlap)} af de {len(others)} øvrige kommuner med interval har et interval, der overlapper "
            f"intervallet for nr. 1 ({first['name']}); kun for de øvrige er forskellen til nr. 1 større, end "
            "tilfældet plausibelt kan forklare."
        )
    return f"{said} {verdict}"


def _names(frame: pd.DataFrame, mask) -> str:
    names = list(frame.loc[mask, "name"])
    return ", ".join(names[:-1]) + " og " + names[-1] if len(names) > 1 else names[0]


#: Raise when the dot plots change: the page says it, so that its plots are drawn again.
PLOT_STYLE = 2


def period_page(
    frame: pd.DataFrame, start: str, end: str, folder: Path, synthetic: bool = False, plot: bool = True
) -> str:
    """The MyST text of one period's overview; with ``plot``, its dot plots are written to
    ``folder`` (the text is the same either way, and names every plot)."""
    slug = period_slug(start, end)
    period = period_da(start, end)
    n = len(frame)
    figures = shown(frame)
    lines = [
        f"% generated by reportbook build; dot plot style {PLOT_STYLE}",
        f"# Landsoversigt {period}",
        "",
        f"{n} kommune{'r' if n != 1 else ''} i bogen for perioden {period}. Hver kommune står én gang; "
        "klik på navnet for at se kommunens rapporter. Alle tal er de samme som i kommunernes rapporter "
        "(de offentliggjorte, diskretionerede tabeller) og vises her igen uændret; kun gennemsnittet af de viste "
        "budgetafvigelser og deres budgetpræcision er regnet ud af de viste tal.",
        "",
        f"«{WITHHELD}»: diskretioneret (vises ikke og indgår ikke i rangordningen). "
        f"«{MISSING}»: tallet findes ikke for kommunen (ingen data eller ingen kørsel).",
        "",
    ]
    if synthetic:
        lines += [":::{warning}", "Tallene er beregnet på **syntetiske data**.", ":::", ""]
    for notebook, text in (
        ("benchmarking", "Anbragte pr. 1.000 0-22-årige er offentlige nøgletal for {years}."),
        ("budget_followup", "Budgetafvigelsen og priserne pr. helårsanbringelse gælder budgetåret {years}."),
    ):
        column = f"year_{notebook}"
        if column in frame.columns:
            years = sorted({str(y) for y in frame[column] if isinstance(y, str)})
            if years:
                lines.append(text.format(years=" og ".join(years)))
    lines.append("")
    left_out = [f for f in FIGURES if f not in figures]
    for f in left_out:
        lines.append(f"*{f.label}* er ikke offentliggjort for nogen af kommunerne i perioden og er udeladt.")
    if left_out:
        lines.append("")
    lines += ["## Nøgletal", "", "Klik på en kolonneoverskrift for at sortere; søgefeltet finder en kommune.", ""]
    lines += [
        "```{raw} html",
        f'<script src="{PAGE_TO_ROOT}{STATIC_JS}"></script>',
        datatable_html(frame, figures, f"landsoversigt-{slug.replace('_', '-')}"),
        "```",
        "",
        "## Kommunerne rangordnet",
        "",
    ]
    with_interval = [f.label for f in figures if f.interval]
    if with_interval:
        lines += [
            f"Kun {', '.join(with_interval)} vises med 95 %-konfidensinterval: tallet er en andel af kommunens "
            "opfølgninger, der kan være få, så det kan svinge tilfældigt. De øvrige nøgletal er opgørelser over alle "
            "kommunens børn og udgifter, ikke stikprøver, og kilderne sammenligner dem uden interval.",
            "",
        ]
    for figure in figures:
        lines += _figure_section(frame, figure, folder / f"{slug}_{figure.key}.png", period, plot)
    return "\n".join(lines) + "\n"


def _figure_section(frame: pd.DataFrame, figure, png: Path, period: str, plot: bool) -> list[str]:
    """One key figure's ranked dot plot (written to ``png`` with ``plot``), its interval
    sentence, summary and caveat, and the municipalities left out of it."""
    values = ranked(frame, figure)
    lines = [f"### {figure.label}", ""]
    if len(values):
        if plot:
            save_png(dot_plot(values, figure, f"{figure.label}, {period}"), png)
        lines += [f"![{figure.label}]({png.name})", ""]
        lines.append(f"Nr. 1 har den højeste værdi. Kilde: {figure.source}.")
        if figure.interval:
            lines += ["", interval_sentence(values)]
        if figure.summary is not None:
            lines += ["", figure.summary(values["value"].astype(float))]
        if figure.caveat:
            lines += ["", f"*Forbehold:* {figure.caveat}"]
    else:
        lines.append("Ingen kommune har et offentliggjort tal for perioden.")
    withheld = frame[figure.key].map(is_withheld)
    missing = frame[figure.key].map(is_missing)
    if withheld.any():
        lines.append(f"Diskretioneret og udeladt af figuren: {_names(frame, withheld)}.")
    if missing.any():
        lines.append(f"Ingen tal: {_names(frame, missing)}.")
    lines.append("")
    return lines


def chapter_page(periods: list[tuple[str, str]], with_concepts: bool = False) -> str:
    lines = [
        "# Landsoversigt",
        "",
        "For hver periode sammenligner en side alle bogens kommuner på nøgletallene: anbragte pr. 1.000 "
        "0-22-årige, den forebyggende andel af forbruget, budgetafvigelsen, prisen pr. helårsanbringelse efter "
        "anbringelsestype og, hvor der er voksendata, andelen af mål, der er helt eller delvist nået. "
        "Siderne gentager kun tal, som kommunernes rapporter allerede har offentliggjort (diskretioneret).",
        "",
    ]
    if not periods:
        return "\n".join(lines + ["Der er endnu ingen kørte rapporter. Kør `reportbook run`.", ""])
    for start, end in periods:
        lines.append(f"- [{period_da(start, end)}]({CHAPTER}/{period_slug(start, end)}.md)")
    if with_concepts:
        lines += [
            "",
            "Alle bogens nøgletal for alle kommuner og perioder i én fil, ét tal pr. begreb (definitionerne står "
            "på siden om data og metode): {download}`begreber.csv <" + f"{CHAPTER}/{CONCEPTS_DOWNLOAD}" + ">`.",
        ]
    return "\n".join(lines) + "\n"


def write_overview(
    entries: list[dict], reports_dir: Path, book_dir: Path, synthetic: bool = False, write=None
) -> list[Path]:
    """Write ``<book_dir>/landsoversigt.md`` and one page (with its plots) per period in
    ``<book_dir>/landsoversigt/``; stale pages and plots are removed. Returns the pages."""
    write = write or _write_if_changed
    folder = book_dir / CHAPTER
    frames = collect(entries, reports_dir)
    pages = []
    keep = set()
    for (start, end), frame in frames.items():
        path = folder / f"{period_slug(start, end)}.md"
        text = period_page(frame, start, end, folder, synthetic, plot=False)
        plots = {folder / name for name in re.findall(r"\]\(([^)/]+\.png)\)", text)}
        # the plots show only what the page's text holds: an unchanged page keeps its plots
        unchanged = path.exists() and path.read_text(encoding="utf-8") == text and all(p.exists() for p in plots)
        if not unchanged:
            period_page(frame, start, end, folder, synthetic, plot=True)
        write(path, text)
        pages.append(path)
        keep |= {path, *plots}
    if folder.exists():
        for stale in set(folder.glob("*.md")) | set(folder.glob("*.png")):
            if stale not in keep:
                stale.unlink()
    # every run's concepts in one download (the values the pages show, withheld ones empty)
    combined = concepts.collect(reports_dir, entries)
    if len(combined):
        write(folder / CONCEPTS_DOWNLOAD, csv_text(combined))
    elif (folder / CONCEPTS_DOWNLOAD).exists():
        (folder / CONCEPTS_DOWNLOAD).unlink()
    chapter = book_dir / f"{CHAPTER}.md"
    write(chapter, chapter_page(list(frames), bool(len(combined))))
    return [chapter, *pages]


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


__all__ = ["FIGURES", "collect", "ranked", "period_page", "write_overview", "write_static"]
