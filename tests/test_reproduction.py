"""The page that sets each published table the book reproduces beside the book's own."""

import shutil

import pandas as pd
from conftest import ROOT

from helpers.publishing import reproduction


def kora_flow_table(folder, change=None, withhold=()):
    """The run folder's flow_table.csv as the staircase page writes it, made from KORA's
    published table (rows labelled as on the page), with some cells changed or withheld."""
    kora = pd.read_csv(ROOT / "data" / "reference" / "kora_aalborg_flows_2016.csv", dtype=str, keep_default_na=False)
    labels = {"6": "6. Institution", "0": "0. Indsats oprettet i perioden", "total": "I alt unikke cpr"}
    kora["from_step"] = [labels.get(s, f"{s}. trin") for s in kora["from_step"]]
    table = kora.rename(columns={"from_step": "step_at_start"})
    if change:
        row, column, value = change
        table.loc[row, column] = value
    for row, column in withhold:
        table.loc[row, column] = ""
    folder.mkdir(parents=True)
    table.to_csv(folder / "flow_table.csv", index=False)
    return kora


def test_kora_cells_are_compared_where_the_book_shows_them(tmp_path):
    reports = tmp_path / "reports"
    kora = kora_flow_table(reports.joinpath(*reproduction.AALBORG_RUN), change=(0, "down", "35"), withhold=[(1, "up")])
    numbers = int((kora.drop(columns="from_step") != "").to_numpy().sum())  # KORA's cells that hold a number
    check = reproduction.kora_aalborg(reports)
    assert (check.compared, check.withheld) == (numbers - 1, 1)
    assert check.agreeing == numbers - 2 and not check.agrees  # 6 -> down: 34 published, 35 computed
    assert check.computed.loc["6", "down"] == "35" and check.computed.loc["5", "up"] == ".."
    assert "1 tal afviger" in check.verdict_da()
    # as the book computes it: every shown number equal
    shutil.rmtree(reports)
    kora_flow_table(reports.joinpath(*reproduction.AALBORG_RUN), withhold=[(1, "up")])
    assert reproduction.kora_aalborg(reports).agrees
    # no run: said so, nothing compared
    shutil.rmtree(reports)
    reports.mkdir()
    text = reproduction.page_text(reports)
    assert "**Ikke beregnet.** Bogen har ikke beregnet tabellen" in text


def test_the_default_book_reproduces_the_three_published_tables(book_site):
    page = (book_site / "_build" / "html" / "book" / "genskabelse.html").read_text(encoding="utf-8")
    for title in ("KORA: børn på indsatstrappen i Aalborg", "VIVE: Tabel 1.1", "KL: støttebogstav mod VUM-bogstav"):
        assert title in page
    assert page.count("<strong>Ens.</strong>") == 3, "a reproduced table differs from the published one"
    assert "Af 36 tal viser bogen 36; 36 af dem er lig det offentliggjorte." in page  # Tabel 1.1: 6 x 6
