"""The page "Genskabelse af offentliggjorte tal": each published table the book reproduces,
set beside what the book computes, with the check that they agree.

The published tables (``data/reference``) are public as published. The computed side is
read from the run folders, i.e. the tables as the book published them (protected: a
withheld cell reads ".." and is not compared); nothing here is computed from person data.

* KORA's Aalborg flow table (seeds/000) against ``staircase/851_2016-02-01_2016-08-01``;
* VIVE's Tabel 1.1, its six municipalities (seeds/001), against the benchmarking page's
  ``table_1_1`` (public key figures);
* KL's København table of support letters against VUM letters (seeds/003), rebuilt from one
  record per citizen (the contract has no support letters, so the records are the table's own).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..analyses import prices
from ..data.paths import REFERENCE_DIR
from .disclosure import WITHHELD
from .formats import num_da
from .tables import view

PAGE = "genskabelse"
AALBORG_RUN = ("staircase", "851_2016-02-01_2016-08-01")
KORA_ROWS = {"0": "0. Indsats oprettet i perioden", "total": "I alt unikke cpr"}
#: Tabel 1.1's columns the book recomputes (the two multi-year deviations are not defined
#: in the report, see the method page).
TABLE_1_1 = {
    "budget_deviation_pct": ("Budgetafvigelse 2015 (%)", 0),
    "expected_need_per_0_22": ("Forventet udgiftsbehov (kr. pr. 0-22-årig)", 0),
    "expenditure_per_0_22": ("Udgiftsniveau (kr. pr. 0-22-årig)", 0),
    "appeals_changed_share": ("Andel ændrede/hjemviste sager (%)", 0),
    "population": ("Befolkning", 0),
    "placed_per_1000_0_22": ("Anbragte pr. 1.000 0-22-årige", 1),
}


def _kora_labels() -> dict[str, str]:
    from .pages.staircase import FLOW_FILE_COLUMNS

    return {file: label for label, file in FLOW_FILE_COLUMNS.items() if file != "step_at_start"}


@dataclass
class Check:
    """One reproduced table: the published and the computed side as text, and the count of
    cells compared, agreeing and withheld."""

    title: str
    source: str
    published: pd.DataFrame
    computed: pd.DataFrame | None
    #: the row heading and the Danish column headings
    row_label: str = ""
    labels: dict | None = None
    compared: int = 0
    agreeing: int = 0
    withheld: int = 0
    note: str = ""

    @property
    def agrees(self) -> bool:
        return self.computed is not None and self.compared > 0 and self.compared == self.agreeing

    def verdict_da(self) -> str:
        if self.computed is None:
            return "Bogen har ikke beregnet tabellen i denne udgave (kørslen er ikke i matrixen)."
        text = (
            f"Af {self.compared + self.withheld} tal viser bogen {self.compared}; "
            f"{self.agreeing} af dem er lig det offentliggjorte"
        )
        if self.withheld:
            text += f", og {self.withheld} er diskretioneret («{WITHHELD}») og sammenlignes ikke"
        text += "."
        if self.compared and self.agreeing < self.compared:
            text += f" {self.compared - self.agreeing} tal afviger: se tabellen."
        return text


def _compare(published: pd.DataFrame, computed: pd.DataFrame, digits: dict | None = None):
    """Cell by cell over the published table's cells that hold a number (KORA leaves some
    empty: no figure); ``computed`` as read from the book's CSV (text, empty = withheld).
    Returns the computed side as Danish text and the counts compared, agreeing, withheld."""
    digits = digits or {}
    shown = computed.reindex(index=published.index, columns=published.columns).fillna("").astype(object)
    compared = agreeing = withheld = 0
    for row in published.index:
        for column in published.columns:
            want, value = published.at[row, column], str(shown.at[row, column]).strip()
            places = digits.get(column, 0)
            if value == "":
                shown.at[row, column] = "" if pd.isna(want) else WITHHELD
                withheld += not pd.isna(want)
                continue
            shown.at[row, column] = num_da(float(value), places)
            if pd.isna(want):
                continue
            compared += 1
            agreeing += round(float(want), places) == round(float(value), places)
    return shown, compared, agreeing, withheld


def kora_aalborg(reports_dir: Path) -> Check:
    published = pd.read_csv(REFERENCE_DIR / "reference" / "kora_aalborg_flows_2016.csv", dtype=str)
    published["from_step"] = published["from_step"].map(lambda s: KORA_ROWS.get(s, s))
    published = published.set_index("from_step")
    path = reports_dir.joinpath(*AALBORG_RUN) / "flow_table.csv"
    check = Check(
        "KORA: børn på indsatstrappen i Aalborg, februar → august 2016",
        "KORA (2016), seeds/000: unikke børn pr. trin i februar (rækker) og hvor de er i august (kolonner).",
        published.fillna(""),
        None,
        "Trin i februar",
        _kora_labels(),
    )
    if not path.is_file():
        return check
    computed = pd.read_csv(path, dtype=str, keep_default_na=False)
    computed["step_at_start"] = computed["step_at_start"].map(
        lambda s: s if s in KORA_ROWS.values() else s.split(".")[0]
    )
    computed = computed.set_index("step_at_start")
    # KORA leaves the cells of "oprettet i perioden" it has no number for empty: not compared
    cells = published.replace("", pd.NA)
    shown, check.compared, check.agreeing, check.withheld = _compare(cells, computed)
    check.computed = shown
    return check


def vive_table_1_1(reports_dir: Path) -> Check:
    reference = pd.read_csv(REFERENCE_DIR / "reference" / "vive_tabel_1_1_2015.csv")
    published = reference.set_index("name")[list(TABLE_1_1)]
    published["appeals_changed_share"] = 100 * published["appeals_changed_share"]
    check = Check(
        "VIVE: Tabel 1.1, seks kommuners nøgletal 2015",
        "VIVE (2017), seeds/001, Tabel 1.1 (2015-priser). Bogens side er benchmarking-sidens tabel ud fra "
        "de offentlige nøgletal i data (municipality_figures). Standardbogens syntetiske nøgletal er for de "
        "seks kommuner de offentliggjorte, så her kontrolleres, at bogen læser og viser dem uændret, ikke en "
        "beregning; med en kommunes egne nøgletal viser tabellen, hvor de afviger.",
        published,
        None,
        "Kommune",
        {c: label for c, (label, _) in TABLE_1_1.items()},
    )
    paths = sorted(reports_dir.glob("benchmarking/*/table_1_1.csv"))
    if not paths:
        return check
    computed = pd.read_csv(paths[0], dtype=str, keep_default_na=False).set_index("name")
    computed = computed.reindex(index=published.index, columns=list(TABLE_1_1)).fillna("")
    share = computed["appeals_changed_share"]
    computed["appeals_changed_share"] = [str(100 * float(v)) if v != "" else "" for v in share]
    digits = {c: d for c, (_, d) in TABLE_1_1.items()}
    shown, check.compared, check.agreeing, check.withheld = _compare(published, computed, digits)
    check.computed = shown
    check.published = published.apply(lambda col: col.map(lambda v: num_da(v, digits[col.name])))
    return check


def kl_kobenhavn() -> Check:
    published = prices.published_support_letters()
    rebuilt = prices.letter_agreement(prices.records_from_crosstab(published))["table"]
    rebuilt = rebuilt.reindex(index=published.index, columns=published.columns).fillna(0).astype(int)
    check = Check(
        "KL: støttebogstav mod VUM-bogstav, København",
        "KL, SEP-projekt 9, seeds/003: 912 borgere i botilbud. Datakontrakten har ingen støttebogstaver, så bogen "
        "genskaber tabellen fra én række pr. borger, som tabellen beskriver, og beregner overensstemmelsen "
        "(vægtet kappa) på København-siderne. Kontrollen viser altså, at genskabelsen er tro mod tabellen, ikke "
        "at data giver den.",
        published.astype(str),
        None,
        "Støttebogstav",
    )
    shown, check.compared, check.agreeing, check.withheld = _compare(published, rebuilt.astype(str), {})
    check.computed = shown
    return check


def checks(reports_dir: Path) -> list[Check]:
    return [kora_aalborg(reports_dir), vive_table_1_1(reports_dir), kl_kobenhavn()]


def page_text(reports_dir: Path) -> str:
    lines = [
        "# Genskabelse af offentliggjorte tal",
        "",
        "Bogen genskaber tabeller fra de rapporter, den bygger på. Her står hver offentliggjort tabel over det, "
        "bogen selv har beregnet og offentliggjort (med diskretion: et tal, bogen ikke viser, står som "
        f"«{WITHHELD}» og sammenlignes ikke), og under dem, om tallene er ens.",
        "",
        ":::{note}",
        "Standardbogens data er syntetiske og lavet, så de genskaber de offentliggjorte tal; med en kommunes "
        "egne data viser siden, hvor dens tal ligger i forhold til de offentliggjorte.",
        ":::",
        "",
    ]
    for i, check in enumerate(checks(reports_dir)):
        lines += [f"## {check.title}", "", check.source, ""]
        for side, frame in (("Offentliggjort", check.published), ("Beregnet af bogen", check.computed)):
            if frame is None:
                continue
            shown = frame.rename(columns=check.labels or {}).reset_index()
            shown = shown.rename(columns={shown.columns[0]: check.row_label})
            html_id = f"{'published' if side == 'Offentliggjort' else 'computed'}-{i}"
            lines += ["```{raw} html", view(shown, f"{side}: {check.title}", name=html_id), "```", ""]
        verdict = "Ens" if check.agrees else "Ikke ens" if check.computed is not None else "Ikke beregnet"
        lines += [f"**{verdict}.** {check.verdict_da()}", ""]
    return "\n".join(lines) + "\n"


def write_page(reports_dir: Path, book_dir: Path, write) -> Path:
    path = book_dir / f"{PAGE}.md"
    write(path, page_text(reports_dir))
    return path
