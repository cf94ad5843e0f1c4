import hashlib

import pandas as pd
import pytest

from helpers import load
from helpers.analyses import staircase
from helpers.data import privacy, synth
from helpers.data.dataset import is_synthetic
from helpers.data.paths import REFERENCE_DIR


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.generate(out / "a", seed=7)
    synth.generate(out / "b", seed=7)
    synth.generate(out / "c", seed=8)
    return out


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_same_seed_same_bytes_other_seed_other_bytes(generated):
    a, b, c = (digests(generated / x) for x in "abc")
    assert a == b and len(a) == 6
    assert a["interventions.csv"] != c["interventions.csv"]


def test_synthetic_data_follow_the_contract_and_use_cpr_like_ids(generated):
    raw = (generated / "a" / "interventions.csv").read_bytes().decode("cp1252")
    assert raw.splitlines()[0].count(";") >= 8 and privacy.CPR_IN_TEXT.search(raw)
    data = load(generated / "a")
    assert data.rejected == 0
    assert (data.quality["status"] == "indlæst").all()
    assert is_synthetic(generated / "a")


def test_aalborg_flows_reproduce_the_published_table(generated):
    iv = load(generated / "a").interventions
    trans = staircase.transitions(iv[iv["municipality"] == 851], "2016-02-01", "2016-08-01")
    published = pd.read_csv(REFERENCE_DIR / "reference" / "kora_aalborg_flows_2016.csv", dtype=str).set_index(
        "from_step"
    )
    got = {(r.from_step, r.to_step): r.children for r in trans.itertuples(index=False)}
    assert sum(got.values()) == 1971 + int(
        published.loc["0", ["to_1", "to_2", "to_3", "to_4", "to_5", "to_6"]].astype(int).sum()
    )
    for a in range(7):
        for b in range(7):
            column = "ended" if b == 0 else f"to_{b}"
            if a == 0 and b == 0:
                continue
            assert got.get((a, b), 0) == int(published.loc[str(a), column]), (a, b)


def test_adult_data_are_sep_like(generated):
    ar = load(generated / "a").adult_registrations
    cases = ar.groupby("case_id")["registration_no"].max()
    assert 380 <= len(cases) <= 420
    assert ar["municipality"].nunique() == 10
    assert cases.max() == 9 and (cases >= 2).mean() > 0.9
    per_muni = ar.drop_duplicates("case_id").groupby("municipality").size()
    assert per_muni.between(10, 60).all()
    first = ar[ar["registration_no"] == 1]
    assert first["vum_score"].isin([2.0, 3.0]).mean() > 0.5
    share_85 = (first["service"] == "§85").mean()
    assert 0.5 < share_85 < 0.8
    p107 = first[first["service"] == "§107"].groupby("vum_score")["daily_price"].median()
    assert p107.loc[3.0] > p107.loc[2.0]
    followups = ar[(ar["registration_no"] >= 2) & ar["goal_met"].notna()]
    met = followups["goal_met"].isin(["ja", "delvist"]).mean()
    assert 0.35 < met < 0.65


def test_municipality_figures_cover_98_and_keep_the_published_rows(generated):
    mf = load(generated / "a").municipality_figures
    assert mf["municipality"].nunique() == 98
    published = pd.read_csv(REFERENCE_DIR / "reference" / "vive_tabel_1_1_2015.csv")
    real = mf[mf["source"].str.contains("offentliggjort")]
    assert len(real) == 6
    merged = real.merge(published, on=["municipality", "year"], suffixes=("", "_pub"))
    for column in [
        "population",
        "expected_need_per_0_22",
        "expenditure_per_0_22",
        "budget_deviation_pct",
        "placed_per_1000_0_22",
        "appeals_changed_share",
    ]:
        assert (merged[column] == merged[f"{column}_pub"]).all(), column


def test_budget_assumptions_exist_per_municipality_year_and_step(generated):
    ba = load(generated / "a").budget_assumptions
    assert set(ba["year"]) == set(range(2014, 2025))
    assert ba.groupby(["municipality", "year"]).size().max() == 6
