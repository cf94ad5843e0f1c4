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
    """Three data sets, made side by side in separate processes (two with the same seed:
    the bytes may not depend on the process either)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    out = tmp_path_factory.mktemp("synth")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(synth.generate, [out / "a", out / "b", out / "c"], [7, 7, 8]))
    return out


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.csv"))}


def test_same_seed_same_bytes_other_seed_other_bytes(generated):
    a, b, c = (digests(generated / x) for x in "abc")
    assert a == b and len(a) == 11  # six tables of contract v1.1, three of v1.2, two of v1.3
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
    assert ba.groupby(["municipality", "year"])["step"].nunique().max() == 6
    # Aalborg's budget is split by district and provider (contract v1.3), the others' are not;
    # every row of Aalborg has both, so each split is whole
    aalborg = ba[ba["municipality"] == 851]
    assert aalborg["district"].notna().all() and set(aalborg["provider_type"]) == {"egen", "køb"}
    assert len(aalborg) and ba.loc[ba["municipality"] != 851, "district"].isna().all()
    assert not ba.duplicated(["municipality", "year", "step", "district", "provider_type"]).any()
    # Aalborg's accounts (contract v1.3): income only from its own places on steps 5 and 6,
    # 12 % of their budget, and 3 % of every row's budget booked for earlier years
    cost = aalborg["budget_count"] * aalborg["budget_unit_cost"]
    selling = (aalborg["provider_type"] == "egen") & aalborg["step"].astype(str).isin(["5", "6"])
    assert (aalborg.loc[selling, "income"] - cost[selling] * 0.12).abs().max() <= 0.5
    assert aalborg.loc[~selling, "income"].isna().all() and selling.any()
    assert (aalborg["prior_years"] - cost * 0.03).abs().max() <= 0.5
    assert ba.loc[ba["municipality"] != 851, ["income", "prior_years"]].isna().all().all()


#: The words of a measure and the number the law gives them (SEL § 52, stk. 3 and Barnets lov
#: § 32, stk. 1), written from the law's text, not from the mapping file.
SEL_NUMBER = {"dagbehandling": 1, "praktisk": 2, "familiebehandling": 3, "aflastning": 5, "kontaktperson": 6}
BL_NUMBER = {"dagbehandling": 1, "praktisk": 2, "kontaktperson": 3, "familiebehandling": 5, "støtteophold": 7}


def test_measures_carry_the_laws_numbers_serviceloven_until_2023_and_barnets_lov_from_2024(generated):
    import re

    iv = load(generated / "a").interventions
    sel = iv["start_date"] < "2024-01-01"
    assert not iv.loc[sel, "measure"].str.contains("Barnets lov").any()
    assert iv.loc[~sel, "measure"].str.contains("Barnets lov").all()
    for law, rows, numbers, pattern in (
        ("SEL", iv[sel], SEL_NUMBER, r"§52 stk\. 3 nr\. (\d)"),
        ("BL", iv[~sel], BL_NUMBER, r"§ 32, stk\. 1, nr\. (\d)"),
    ):
        checked = 0
        for measure in rows["measure"].unique():
            m = re.search(pattern, measure)
            for word, nr in numbers.items():
                if word in measure:
                    assert m and int(m[1]) == nr, (law, measure)
                    checked += 1
        assert checked == len(numbers), law
    placements = iv[iv["step"] >= 4]
    assert placements.loc[sel, "measure"].str.contains("nr. 7", regex=False).all()
    assert placements.loc[~sel, "measure"].str.contains("§ 46", regex=False).all()
    assert set(iv.loc[iv["step"] >= 4, "placement_type"]) >= {"eget værelse/kollegium", "kost-/efterskole"}


def test_children_cover_2014_to_2024_with_a_season_and_a_trend(generated):
    iv = load(generated / "a").interventions
    aalborg = iv[iv["municipality"] == 851]
    months = pd.date_range("2014-01-01", "2024-12-01", freq="MS")
    active = [staircase.step_on(aalborg, m) for m in months]
    assert min(len(a) for a in active) > 1000  # every month has children
    starts = aalborg.groupby([aalborg["start_date"].dt.year, aalborg["start_date"].dt.month]).size()
    years = range(2017, 2025)
    july = sum(starts.get((y, 7), 0) for y in years)
    september = sum(starts.get((y, 9), 0) for y in years)
    assert july < 0.8 * september  # fewer new interventions in July than after the summer holidays
    early = aalborg[aalborg["start_date"].dt.year.isin([2014, 2015])]
    late = aalborg[aalborg["start_date"].dt.year.isin([2023, 2024])]
    assert (late["step"] >= 4).mean() < (early["step"] >= 4).mean()  # fewer placements among new interventions
    assert aalborg["end_date"].max() <= pd.Timestamp("2024-12-31") and aalborg["end_date"].isna().any()


def test_targets_follow_the_contract(generated):
    data = load(generated / "a")
    targets = data.targets
    assert data.rejected == 0 and len(targets)
    assert set(targets["municipality"]) == {851} and set(targets["year"]) == set(range(2016, 2025))
    assert set(targets["figure"]) == {"placed_children"}
    assert set(targets["group"]) == {"I alt", "4", "5", "6"}
    per_year = targets.pivot_table(index="year", columns="group", values="target")
    assert (per_year[["4", "5", "6"]].sum(axis=1) == per_year["I alt"]).all()


#: Published figures the synthetic data must agree with (read from the sources, not the
#: generator): Aalborg about 210,000 inhabitants in 2015; VIVE's average municipality 9,2
#: placed per 1,000 0-22-year-olds (Tabel 1.1, seeds/001); mean VUM at the first registration
#: between 2,1 and 2,8 in every SEP municipality (KL, figure 3.3, seeds/003).
AALBORG_2015 = 210_000
VIVE_PLACED_PER_1000 = 9.2
KL_VUM_RANGE = (2.1, 2.8)


def test_populations_follow_the_published_ones_and_move_smoothly(generated):
    mf = load(generated / "a").municipality_figures
    aalborg = mf[(mf["municipality"] == 851) & (mf["year"] == 2015)]["population"].iloc[0]
    assert abs(aalborg - AALBORG_2015) / AALBORG_2015 < 0.02
    published = pd.read_csv(REFERENCE_DIR / "reference" / "vive_tabel_1_1_2015.csv")
    for row in published.itertuples(index=False):
        other_years = mf[(mf["municipality"] == row.municipality) & (mf["year"] != 2015)]["population"]
        assert len(other_years) == 3 and ((other_years / row.population - 1).abs() < 0.02).all(), row.name
    assert mf.loc[mf["year"] == 2015, "population"].between(14_028, 580_184).all()  # Tabel 1.1's range
    young = mf.dropna(subset=["population_0_22"]).sort_values(["municipality", "year"])
    assert (young["population_0_22"] / young["population"]).between(0.24, 0.31).all()
    step = young.groupby("municipality")["population_0_22"].pct_change().dropna()
    assert (step.abs() < 0.02).all()  # no jump of 28,0k -> 24,7k between years


def test_placed_per_1000_is_near_vives_average_and_near_the_records_own(generated):
    data = load(generated / "a")
    mf = data.municipality_figures
    for year, rows in mf.groupby("year"):
        assert abs(rows["placed_per_1000_0_22"].mean() - VIVE_PLACED_PER_1000) < 1.0, year
    iv = data.interventions
    end = pd.Timestamp("2016-12-31")
    active = iv[(iv["start_date"] <= end) & (iv["end_date"].isna() | (iv["end_date"] >= end)) & (iv["step"] >= 4)]
    placed = active.groupby("municipality")["person_id"].nunique()
    assert len(placed) == 7
    for code, children in placed.items():
        row = mf[(mf["municipality"] == code) & (mf["year"] == 2016)].iloc[0]
        records = children / row["population_0_22"] * 1000
        assert 7 < records < 13, code
    aalborg = mf[(mf["municipality"] == 851) & (mf["year"] == 2016)].iloc[0]
    assert abs(aalborg["placed_per_1000_0_22"] / (placed[851] / aalborg["population_0_22"] * 1000) - 1) < 0.10
    # no municipality's rate jumps from year to year (Tabel 1.1's six move around their 2015 row)
    rates = mf.sort_values(["municipality", "year"]).groupby("municipality")["placed_per_1000_0_22"]
    assert (rates.pct_change().dropna().abs() < 0.15).all()


def test_vum_means_lie_in_kls_range_and_districts_add_up(generated):
    data = load(generated / "a")
    first = data.adult_registrations[data.adult_registrations["registration_no"] == 1]
    means = first.groupby("municipality")["vum_score"].mean()
    assert len(means) == 10 and means.between(*KL_VUM_RANGE).all(), means
    assert means.max() - means.min() > 0.4  # the municipalities still differ as in KL's figure
    districts = data.district_population.groupby(["municipality", "year"])["population_0_22"].sum()
    mf = data.municipality_figures.dropna(subset=["population_0_22"]).set_index(["municipality", "year"])
    shared = districts.index.intersection(mf.index)
    assert len(shared) >= 7 * 2
    assert (districts.loc[shared] == mf.loc[shared, "population_0_22"]).all()


def test_synthetic_supervisions_cover_the_providers_and_give_reasons(generated):
    data = load(generated / "a")
    sv = data.supervisions
    assert len(sv) and set(sv["municipality"]) <= set(data.interventions["municipality"])
    assert not sv["provider"].str.contains("pleje", case=False).any()  # foster families are not supervised here
    refused = sv[~sv["approved"].astype(bool)]
    assert 0.05 < len(refused) / len(sv) < 0.3 and refused["reason"].notna().mean() > 0.7
    assert sv.loc[sv["approved"].astype(bool), "reason"].isna().all()


def test_aalborg_has_a_whole_budget_profile_and_the_others_none(generated):
    """contract v1.3 budget_profile: Aalborg's twelve shares per budget year sum to 1 and the
    loader keeps them all; the other municipalities keep the fallback (days)."""
    data = load(generated / "a")
    profile = data.budget_profile
    assert set(profile["municipality"]) == {851}
    assert data.issues[data.issues["table"] == "budget_profile"].empty
    sums = profile.groupby("year")["share"].sum()
    assert set(sums.index) == set(data.budget_assumptions.loc[data.budget_assumptions["municipality"] == 851, "year"])
    assert (sums.round(9) == 1.0).all() and (profile.groupby("year")["month"].nunique() == 12).all()
    # January and December carry more than an even twelfth, the other months less
    jan = profile.loc[profile["month"] == 1, "share"]
    assert (jan > 1 / 12).all() and (profile.loc[profile["month"] == 6, "share"] < 1 / 12).all()
