import statistics

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import prices
from helpers.publishing.pages import prices as prices_page
from helpers.publishing.tables import publish


def units_frame(rows):
    frame = pd.DataFrame(rows, columns=["municipality", "service", "measure", "vum_score", "age_group", "target_group"])
    return frame


def test_price_by_vum_equals_an_independent_computation():
    rng = np.random.default_rng(3)
    rows = []
    for i in range(60):
        service = "§85" if i % 3 else "§107"
        vum = [1.0, 2.0, 3.0, 3.5][i % 4]
        value = float(rng.integers(5, 60)) if service == "§85" else float(rng.integers(900, 3000))
        rows.append((151, service, value, vum, "under 40 år", "sindslidelse"))
    rows.append((151, "§85", None, 2.0, "under 40 år", "andet"))  # no measure: not counted
    units = units_frame(rows)
    table = prices.price_by_vum(units)
    for r in table.itertuples(index=False):
        values = [v for (m, s, v, vum, a, t) in rows if s == r.service and vum == r.vum_score and v is not None]
        assert r.cases == len(values)
        assert r.mean == pytest.approx(statistics.fmean(values))
        assert r.median == pytest.approx(statistics.median(values))
        q = statistics.quantiles(values, n=4, method="inclusive")
        assert (r.p25, r.p75) == pytest.approx((q[0], q[2]))
    assert table["service"].tolist()[0] == "§85" and table["service"].tolist()[-1] == "§107"


def test_small_groups_lose_every_statistic_when_published(tmp_path):
    units = units_frame(
        [(151, "§85", float(v), 2.0, "x", "y") for v in range(1, 7)]
        + [(151, "§85", 10.0, 4.0, "x", "y"), (151, "§85", 12.0, 4.0, "x", "y")]
    )
    units["case_unit"] = [f"c{i}" for i in range(len(units))]
    publish(prices_page.describe_spec(units, "vum_score", "price_by_vum", ""), tmp_path)
    out = pd.read_csv(tmp_path / "price_by_vum.csv").set_index("vum_score")
    assert out.loc[2.0, "cases"] == 6 and out.loc[2.0, "mean"] == 3.5
    assert out.loc[4.0, ["cases", "mean", "median", "p25", "p75"]].isna().all()


def test_adjustment_recovers_known_municipality_effects_under_confounding():
    rng = np.random.default_rng(11)
    effects = {151: 6.0, 153: 0.0, 157: -6.0}  # hours; mean effect 0
    vum_mix = {151: [1.0, 2.0], 153: [2.0, 3.0], 157: [3.0, 4.0]}  # the costly municipality has the light cases
    rows = []
    for m, effect in effects.items():
        for i in range(300):
            vum = vum_mix[m][i % 2]
            age = "under 40 år" if i % 3 else "40 år og derover"
            hours = 10 + 8 * vum + 3 * (age == "under 40 år") + effect + rng.normal(0, 2)
            rows.append((m, "§85", hours, vum, age, "sindslidelse" if i % 5 else "intellektuel/kognitiv"))
    diffs = prices.municipality_differences(units_frame(rows), "§85").set_index("municipality")
    for m, effect in effects.items():
        assert diffs.loc[m, "adjusted_low"] < effect < diffs.loc[m, "adjusted_high"], m
    # unadjusted, the light-case municipality looks cheap: its VUM mix hides its +6 effect
    assert diffs.loc[151, "unadjusted"] < 0 < diffs.loc[151, "adjusted"]
    assert diffs["n"].iloc[0] == 900 and diffs.loc[151, "cases"] == 300


def test_a_collinear_adjuster_is_dropped_not_silently_misestimated():
    rows = []
    for m, mix in ((151, [1.0, 2.0]), (153, [2.0, 3.0]), (157, [3.0, 4.0])):
        for i in range(40):  # target group is a linear function of VUM and municipality
            rows.append((m, "§85", 10 + 8 * mix[i % 2] + i % 7, mix[i % 2], "under 40 år", "a" if i % 2 else "b"))
    diffs = prices.municipality_differences(units_frame(rows), "§85")
    assert diffs["adjusted"].notna().all() and np.isfinite(diffs["adjusted_high"]).all()


def test_log_price_differences_are_percentages():
    rng = np.random.default_rng(5)
    rows = []
    for m, factor in ((151, 1.2), (153, 1.0), (157, 1 / 1.2)):
        for i in range(200):
            rows.append((m, "§107", 1500 * factor * np.exp(rng.normal(0, 0.05)), 2.0 + (i % 2), "under 40 år", "x"))
    diffs = prices.municipality_differences(units_frame(rows), "§107").set_index("municipality")
    # effects on the log scale: +log 1.2, 0, -log 1.2; mean 0
    assert diffs.loc[151, "adjusted"] == pytest.approx(0.2, abs=0.02)
    assert diffs.loc[157, "adjusted"] == pytest.approx(1 / 1.2 - 1, abs=0.02)


def test_vum_change_months_and_income_basis_by_hand():
    pairs = pd.DataFrame(
        {
            "municipality": [151, 151, 151, 153],
            "vum_score_prev": [2.0, 2.0, 3.0, 3.0],
            "vum_score": [1.0, 2.0, 3.5, 3.0],
            "months": [10.0, 12.0, 11.0, 9.0],
            "registration_no_prev": [1, 1, 1, 1],
        }
    )
    change = prices.vum_change(pairs).set_index("vum_from")
    assert change.loc[2.0, ["forbedret", "uændret", "forværret", "follow_ups"]].tolist() == [1, 1, 0, 2]
    assert change.loc[3.0, ["forbedret", "uændret", "forværret"]].tolist() == [0, 1, 1]
    months = prices.months_between(pairs).set_index("municipality")
    half = 4.302652729911275 * 1.0 / np.sqrt(3)  # t(0.975, 2) x sd 1 / sqrt(3)
    assert months.loc["151", "mean_months"] == 11 and months.loc["151", "ci_low"] == pytest.approx(11 - half)
    assert months.set_index("follow_up", append=True).loc[("I alt", "I alt"), "mean_months"] == pytest.approx(10.5)
    units = pd.DataFrame(
        {"income_basis": ["førtidspension"] * 3 + ["løn", None], "vum_score": [2.0, 3.0, 4.0, 1.0, 2.0]}
    )
    basis = prices.income_basis(units).set_index("income_basis")
    assert basis.loc["førtidspension", "share"] == pytest.approx(3 / 4) and basis.loc["førtidspension", "vum_mean"] == 3


def test_københavn_letters_are_rebuilt_and_agreement_computed_independently():
    published = prices.published_support_letters()
    result = prices.letter_agreement(prices.records_from_crosstab(published))
    assert result["n"] == 912
    assert result["table"].loc["C", "C"] == 275 and result["table"].loc["F", "D"] == 30
    assert result["diagonal_share"] == pytest.approx((3 + 29 + 275 + 311 + 98) / 912)
    # linear-weighted kappa written out: 1 - sum(w * observed) / sum(w * expected), w = |i - j|
    table = published.reindex(columns=list("ABCDEFG"), fill_value=0).to_numpy(dtype=float)
    n = table.sum()
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    w = np.abs(np.subtract.outer(np.arange(7), np.arange(7)))
    assert result["kappa"] == pytest.approx(1 - (w * table).sum() / (w * expected).sum())
    assert result["kappa_low"] < result["kappa"] < result["kappa_high"]


def test_municipality_differences_use_hc3_errors_with_t_intervals_computed_by_hand():
    """HC3 written out: V = (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1; the adjusted
    difference of 151 from the average municipality is -(b153 + b157) / 3 with a t(n - k)
    interval. One "fysisk" case (a group of 1) is pooled into "andet", which still has 1
    case: it is left out, so no case has leverage 1 and HC3 is always the method."""
    from scipy import stats

    rng = np.random.default_rng(21)
    rows = []
    for m, effect in ((151, 4.0), (153, 0.0), (157, -3.0)):
        for i in range(12):
            vum = [2.0, 3.0][i % 2]
            age = "under 40 år" if i % 3 else "40 år og derover"
            rows.append((m, "§85", 10 + 8 * vum + effect + rng.normal(0, 1 + (i % 4)), vum, age, "sindslidelse"))
    rows.append((153, "§85", 99.0, 2.0, "under 40 år", "fysisk"))
    units = units_frame(rows)
    diffs = prices.municipality_differences(units, "§85").set_index("municipality")
    assert diffs["n"].iloc[0] == 36  # the single fysisk case is left out
    data = units[units["target_group"] != "fysisk"]
    y = data["measure"].to_numpy()
    x = np.column_stack(
        [
            np.ones(len(data)),
            (data["vum_score"] == 3.0).astype(float),
            (data["age_group"] == "under 40 år").astype(float),
            (data["municipality"] == 153).astype(float),
            (data["municipality"] == 157).astype(float),
        ]
    )
    xtx = np.linalg.inv(x.T @ x)
    beta = xtx @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, xtx, x)
    cov = xtx @ (x.T * (e**2 / (1 - h) ** 2)) @ x @ xtx
    c = np.array([0, 0, 0, -1 / 3, -1 / 3])
    est, se = c @ beta, np.sqrt(c @ cov @ c)
    q = stats.t.ppf(0.975, len(y) - x.shape[1])
    assert diffs.loc[151, "adjusted"] == pytest.approx(est)
    assert [diffs.loc[151, "adjusted_low"], diffs.loc[151, "adjusted_high"]] == pytest.approx(
        [est - q * se, est + q * se]
    )


def test_cases_by_service_and_provider_type():
    """KL's characteristics, for all municipalities together: worked out by hand."""
    units = pd.DataFrame(
        {
            "municipality": [151, 151, 151, 153],
            "service": ["§85", "§85", "§107", "§107"],
            "provider_type": ["egen", "privat", None, "egen"],
        }
    )
    table = prices.service_and_provider(units)
    assert list(table.columns) == ["characteristic", "category", "cases", "share"]
    got = {(r.characteristic, r.category): (r.cases, r.share) for r in table.itertuples()}
    assert got == {
        ("ydelse", "§85"): (2, 0.5),
        ("ydelse", "§107"): (2, 0.5),
        ("leverandør", "egen"): (2, 0.5),
        ("leverandør", "privat"): (1, 0.25),
        ("leverandør", "anden kommune"): (0, 0.0),
        ("leverandør", "region"): (0, 0.0),
        ("leverandør", "uoplyst"): (1, 0.25),
        ("I alt", "I alt"): (4, 1.0),
    }
    assert prices.service_and_provider(units.iloc[0:0]).empty


def test_the_characteristics_table_counts_the_cases_it_names(tmp_path):
    """Each row of ``service_and_provider`` is a cell over exactly the cases it counts, and the
    page publishes no per-municipality provider split (in a half-year it is mostly 1-4)."""
    units = pd.DataFrame(
        {
            "municipality": [151] * 6 + [153] * 6,
            "service": ["§85"] * 7 + ["§107"] * 5,
            "provider_type": ["egen"] * 5 + ["privat"] * 6 + [None],
            "case_unit": [f"c{i}" for i in range(12)],
        }
    )
    spec = prices_page.service_provider_spec(units)
    members = {(spec.frame["category"].iloc[c.row]): sorted(c.members) for c in spec.cells}
    assert members["§107"] == ["c10", "c11", "c7", "c8", "c9"]
    assert members["privat"] == ["c10", "c5", "c6", "c7", "c8", "c9"]
    assert members["uoplyst"] == ["c11"] and len(members["I alt"]) == 12
    published = publish(spec, tmp_path)
    uoplyst = spec.frame["category"].tolist().index("uoplyst")
    assert published.value(uoplyst, "cases") is None and published.value(uoplyst, "share") is None
    # nor can it be computed: the total minus the printed provider types is not 1-4
    total = published.value(len(spec.frame) - 1, "cases")
    providers = [i for i in range(len(spec.frame)) if spec.frame["characteristic"].iloc[i] == "leverandør"]
    printed = [published.value(i, "cases") for i in providers]
    if total is not None:
        assert not 0 < total - sum(v for v in printed if v is not None) < 5 or printed.count(None) > 1
    assert "municipality" not in spec.frame.columns


def test_vum_change_first_to_second_and_second_to_third_apart():
    pairs = pd.DataFrame(
        {
            "registration_no_prev": [1, 1, 2, 2],
            "vum_score_prev": [2.0, 2.0, 2.0, 3.0],
            "vum_score": [1.0, 2.0, 3.0, 3.0],
        }
    )
    first = prices.vum_change(pairs, 1).set_index("vum_from")
    second = prices.vum_change(pairs, 2).set_index("vum_from")
    assert first.loc[2.0, ["forbedret", "uændret", "forværret", "follow_ups"]].tolist() == [1, 1, 0, 2]
    assert second.loc[2.0, ["forbedret", "uændret", "forværret"]].tolist() == [0, 0, 1]
    assert second.loc[3.0, "uændret"] == 1 and 3.0 not in first.index


# --- Findings are written from the published numbers (issue #24, item 5) -------------------


def shown(name: str, frame: pd.DataFrame, tmp_path, withheld=()):
    """``frame`` published as it is, with the (row, column) cells in ``withheld`` withheld."""
    from helpers.publishing.disclosure import TableSpec

    table = publish(TableSpec(name, frame, public=True), tmp_path)
    for row, column in withheld:
        table.status.loc[row, column] = "withheld"
    return table


def by_vum(service, scores, medians, spread=1.0):
    return pd.DataFrame(
        {
            "service": service,
            "vum_score": scores,
            "cases": 10,
            "mean": medians,
            "median": medians,
            "p25": [m - spread / 2 for m in medians],
            "p75": [m + spread / 2 for m in medians],
        }
    )


def test_the_vum_sentence_follows_the_direction_of_the_medians(tmp_path):
    rising = pd.concat([by_vum("§107", [1.0, 2.0, 3.0], [1000, 1500, 2000]), by_vum("§85", [1.0, 4.0], [10, 40])])
    lines = prices_page.vum_pattern_da(shown("price_by_vum", rising.reset_index(drop=True), tmp_path))
    assert (
        "§107: medianen af dagsprisen stiger med VUM-scoren: fra 1.000 kr. pr. døgn ved VUM 1,0 til 2.000" in lines[0]
    )
    assert "(kvartilafstand op til 1) er mindre end forskellen mellem scorernes medianer (1.000)" in lines[0]
    assert "§85: medianen af timetallet stiger med VUM-scoren" in lines[1]
    # the opposite data: the price falls with the score, and the spread is wider than the differences
    falling = by_vum("§107", [1.0, 2.0, 3.0], [2000, 1500, 1000], spread=3000)
    lines = prices_page.vum_pattern_da(shown("price_by_vum", falling, tmp_path))
    assert "dagsprisen falder med VUM-scoren" in lines[0] and "er større end forskellen" in lines[0]
    assert "§85: for få viste VUM-scorer" in lines[1]
    mixed = by_vum("§107", [1.0, 2.0, 3.0], [1000, 3000, 2000])
    assert (
        "følger ikke VUM-scoren i én retning" in prices_page.vum_pattern_da(shown("price_by_vum", mixed, tmp_path))[0]
    )
    # a withheld median is not read: with 2 of 3 shown the sentence uses those two
    lines = prices_page.vum_pattern_da(shown("price_by_vum", mixed, tmp_path, withheld=[(1, "median")]))
    assert "stiger med VUM-scoren: fra 1.000 kr. pr. døgn ved VUM 1,0 til 2.000 kr. pr. døgn ved VUM 3,0" in lines[0]


def test_the_key_message_says_rises_falls_or_unchanged(tmp_path):
    def messages(medians):
        frame = by_vum("§107", [1.0, 2.0], medians)
        municipalities = pd.DataFrame({"municipality": [851], "service": ["§107"], "cases": [10]})
        age = pd.DataFrame({"service": [], "age_group": [], "median": []})
        return prices_page.key_messages(
            shown("price_by_vum", frame, tmp_path),
            shown("price_by_age", age, tmp_path),
            shown("price_by_municipality", municipalities, tmp_path),
            851,
            "Aalborg",
        )

    assert "§107: medianen stiger fra 1.000 kr. pr. døgn ved VUM 1,0 til 2.000" in " ".join(messages([1000, 2000]))
    assert "§107: medianen falder fra 2.000 kr. pr. døgn ved VUM 1,0 til 1.000" in " ".join(messages([2000, 1000]))
    assert "§107: medianen er den samme (1.000 kr. pr. døgn) ved VUM 1,0 og VUM 2,0" in " ".join(messages([1000, 1000]))


def test_how_often_the_vum_score_changes_is_counted_from_the_shown_rows(tmp_path):
    def table(unchanged, changed):
        return pd.DataFrame(
            {
                "vum_from": [1.0, 2.0],
                "forbedret": [changed, 1],
                "uændret": [unchanged, 1],
                "forværret": [0, 1],
                "follow_ups": [unchanged + changed, 3],
            }
        )

    # 9 + 1 unchanged of 10 + 3: 10/13 = 77 %, improved 2/13 = 15 %, worse 1/13 = 8 %
    text = prices_page.vum_change_da(shown("vum_change_1_2", table(9, 1), tmp_path), 1)
    assert text == (
        "VUM-scoren er oftest uændret fra 1. til 2. registrering: uændret i 77 %, forbedret i 15 % og forværret i "
        "8 % af opfølgningerne (i alt 13)."
    )
    # the opposite: 2 + 1 unchanged of 10 + 3 = 23 %
    text = prices_page.vum_change_da(shown("vum_change_2_3", table(2, 8), tmp_path), 2)
    assert text.startswith("VUM-scoren er oftest ændret fra 2. til 3. registrering: uændret i 23 %")
    # a row with a withheld cell is left out, and then no claim about what is most common
    partial = shown("vum_change_1_2", table(9, 1), tmp_path, withheld=[(1, "uændret"), (1, "forbedret")])
    assert prices_page.vum_change_da(partial, 1) == (
        "I de 10 opfølgninger fra 1. til 2. registrering, hvor fordelingen er vist af i alt 13, er VUM-scoren "
        "uændret i 90 %, forbedret i 10 % og forværret i 0 %; de øvrige er diskretioneret, så det siger ikke, hvad "
        "der er mest almindeligt for alle."
    )
    few = shown("vum_change_1_2", table(2, 1), tmp_path, withheld=[(1, "uændret"), (1, "forbedret")])
    assert "for få viste opfølgninger fra 1. til 2. registrering" in prices_page.vum_change_da(few, 1)


def test_months_between_registrations_by_follow_up_number_as_kl_figure_3_8(tmp_path):
    """KL: "opfølgningen bliver hyppigere i takt med antallet af opfølgninger" - per
    municipality over all its follow-ups, and over all municipalities by follow-up number
    (1st -> 2nd, and the later ones together); the sentence says which way it goes."""
    pairs = pd.DataFrame(
        {
            "municipality": [151, 151, 151, 153, 153, 153],
            "registration_no_prev": [1, 1, 2, 1, 3, 4],
            "months": [12.0, 14.0, 9.0, 13.0, 6.0, 8.0],
        }
    )
    table = prices.months_between(pairs)
    got = {(r.municipality, r.follow_up): (r.follow_ups, r.mean_months) for r in table.itertuples()}
    assert got[("151", "I alt")] == (3, pytest.approx(35 / 3)) and got[("153", "I alt")] == (3, 9.0)
    assert got[("I alt", "1.→2.")] == (3, 13.0)
    assert got[("I alt", "2.→3. og senere")] == (3, pytest.approx(23 / 3))  # the 2nd, 3rd and 4th together
    assert got[("I alt", "I alt")] == (6, pytest.approx(62 / 6)) and len(got) == 5
    text = prices_page.months_between_da(shown("months_between", table, tmp_path))
    assert text == (
        "Der går i gennemsnit 13,0 måneder fra 1. til 2. registrering (3 opfølgninger) og 7,7 måneder fra 2. "
        "registrering og senere (3 opfølgninger). Opfølgningen bliver hyppigere, jo flere opfølgninger der har været."
    )
    # the opposite data: later follow-ups take longer
    slower = pairs.assign(months=[5.0, 7.0, 9.0, 6.0, 12.0, 14.0])
    text = prices_page.months_between_da(shown("months_between", prices.months_between(slower), tmp_path))
    assert text.endswith("Opfølgningen bliver sjældnere, jo flere opfølgninger der har været.")
    # one follow-up group alone: its mean, no claim about a trend
    first = pairs[pairs["registration_no_prev"] == 1]
    text = prices_page.months_between_da(shown("months_between", prices.months_between(first), tmp_path))
    assert text == "Der går i gennemsnit 13,0 måneder fra 1. til 2. registrering (3 opfølgninger)."
    # a withheld total is not read
    withheld = [(i, "mean_months") for i, m in enumerate(table["municipality"]) if m == "I alt"]
    assert "for få viste opfølgninger" in prices_page.months_between_da(
        shown("months_between", table, tmp_path, withheld)
    )


def income_registrations(rows: list[tuple]) -> pd.DataFrame:
    """§85 registrations of municipality 151 from (case, registration number, date, income basis)."""
    regs = pd.DataFrame(rows, columns=["case_id", "registration_no", "registration_date", "income_basis"])
    return regs.assign(
        municipality=151,
        person_id=regs["case_id"],
        registration_date=pd.to_datetime(regs["registration_date"]),
        service="§85",
        hours_individual=10.0,
        daily_price=None,
        vum_score=2.0,
        goal_type=None,
        goal_set=None,
        birth_date=pd.Timestamp("1980-01-01"),
    )


def test_income_basis_kept_from_the_first_to_the_second_registration_by_hand(tmp_path):
    """KL (seeds/003): most cases keep their income basis from the 1st to the 2nd registration.
    Cases 1-6 førtidspension at the 1st: five keep it, case 6 moves to fleksjob; case 7
    kontanthjælp -> ressourceforløb; case 8 has no basis at the 2nd (not counted); case 9's
    change is from the 2nd to the 3rd (not counted)."""
    from helpers.analyses import adults

    rows = []
    for case, first, second in [
        *((c, "førtidspension", "førtidspension") for c in range(1, 6)),
        (6, "førtidspension", "fleksjob"),
        (7, "kontanthjælp ikke jobparat", "ressourceforløb"),
        (8, "løn", None),
        (9, "su", "su"),
    ]:
        rows.append((str(case), 1, "2015-01-10", first))
        rows.append((str(case), 2, "2016-01-10", second))
    rows.append(("9", 3, "2016-09-10", "løn"))
    pairs = adults.follow_ups(income_registrations(rows))
    table = prices.income_transition(pairs).set_index("income_basis")
    assert table.index.tolist() == ["førtidspension", "kontanthjælp ikke jobparat", "su", "I alt"]
    assert table.loc["førtidspension", ["follow_ups", "unchanged", "changed"]].tolist() == [6, 5, 1]
    assert table.loc["I alt", ["follow_ups", "unchanged", "changed"]].tolist() == [8, 6, 2]
    assert table.loc["I alt", "share_unchanged"] == pytest.approx(6 / 8)
    # Wilson by formula: (p + z²/2n ± z sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    z, n, p = 1.959963984540054, 8, 6 / 8
    centre, half = p + z * z / (2 * n), z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert table.loc["I alt", "ci_low"] == pytest.approx((centre - half) / (1 + z * z / n))
    assert table.loc["I alt", "ci_high"] == pytest.approx((centre + half) / (1 + z * z / n))
    spec = prices_page.income_transition_spec(pairs)
    cells = {c.key: c for c in spec.cells}
    row = spec.frame["income_basis"].tolist().index("førtidspension")
    assert sorted(cells[("income_transition", row, "changed")].members) == ["151|6|2"]  # the registration
    published = publish(spec, tmp_path)
    assert published.value(row, "changed") is None  # one case: withheld
    # those that kept their basis are not a column (beside the follow-ups they would give the
    # changes back), and a share resting on a withheld count of changes is withheld with it
    assert "unchanged" not in spec.frame.columns and "unchanged" not in published.data.columns
    assert published.value(row, "share_unchanged") is None
    for i in range(len(spec.frame)):  # and nothing shown is a count of 1-4
        for column in ("follow_ups", "changed"):
            value = published.value(i, column)
            assert value is None or value == 0 or value >= 5, (i, column, value)
    assert prices_page.income_transition_spec(pairs.iloc[0:0]) is None


def test_few_that_kept_their_income_basis_are_not_given_away_by_the_share(tmp_path):
    """Ten cases on førtidspension at the 1st registration, three keep it and seven move to
    fleksjob; twenty on kontanthjælp keep theirs. The three are a count of 1-4: neither the
    share (3/10) nor follow-ups minus changes (10 - 7) may show it."""
    from helpers.analyses import adults

    rows = []
    moves = [("førtidspension", "førtidspension")] * 3 + [("førtidspension", "fleksjob")] * 7
    moves += [("kontanthjælp ikke jobparat", "kontanthjælp ikke jobparat")] * 20
    for case, (first, second) in enumerate(moves):
        rows += [(str(case), 1, "2015-01-10", first), (str(case), 2, "2016-01-10", second)]
    spec = prices_page.income_transition_spec(adults.follow_ups(income_registrations(rows)))
    published = publish(spec, tmp_path)
    row = spec.frame["income_basis"].tolist().index("førtidspension")
    assert spec.frame.loc[row, ["follow_ups", "changed"]].tolist() == [10, 7]
    assert published.value(row, "share_unchanged") is None
    for i in range(len(spec.frame)):
        follow_ups, changed = published.value(i, "follow_ups"), published.value(i, "changed")
        if follow_ups is not None and changed is not None:
            assert not 0 < follow_ups - changed < 5, (i, follow_ups, changed)


def reader_range(specs, status, target: set, measure: str = "count") -> tuple[float, float]:
    """A reader's attack by linear programming over the printed cells of ``specs`` (their
    statuses from one protection): the range of the number of units ``target`` (a count),
    or of their summed measure (``measure``: the sums behind the printed means)."""
    from scipy.optimize import linprog

    def read(c) -> bool:  # a printed count, or a sum behind a printed mean and count
        return c.shown or c.product_of is not None

    printed = [c for s in specs for c in s.cells if c.measure == measure and read(c) and status[c.key] == "published"]
    hidden = [c for s in specs for c in s.cells if c.measure == measure and read(c) and status[c.key] != "published"]
    # atoms: units in the same printed cells and in the target alike
    signature = {}
    for i, c in enumerate([*printed, *hidden]):
        for unit in c.members:
            signature.setdefault(unit, set()).add(i)
    for unit in target:
        signature.setdefault(unit, set()).add("target")
    atoms = sorted({frozenset(s) for s in signature.values()}, key=lambda s: sorted(map(str, s)))
    a_eq = [[float(i in atom) for atom in atoms] for i in range(len(printed))]
    b_eq = [c.value for c in printed]
    a_ub = [[-float(len(printed) + j in atom) for atom in atoms] for j in range(len(hidden))]
    b_ub = [-1.0 if measure == "count" else 0.0] * len(hidden)  # a withheld count is at least 1
    objective = [float("target" in atom) for atom in atoms]
    ends = []
    for sign in (1.0, -1.0):
        result = linprog(
            [sign * v for v in objective],
            A_eq=a_eq or None,
            b_eq=b_eq or None,
            A_ub=a_ub or None,
            b_ub=b_ub or None,
            bounds=(0, None),
        )
        ends.append(sign * result.fun if result.status == 0 else np.inf)  # unbounded above
    return ends[0], ends[1]


def adult_units(rows):
    """First registrations (``case_unit`` per row) from (municipality, service, measure, vum
    score) tuples, everyone 40-64 and with the same target group."""
    frame = pd.DataFrame(rows, columns=["municipality", "service", "measure", "vum_score"])
    return frame.assign(
        age_group="40-64 år",
        target_group="sindslidelse",
        provider_type="egen kommune",
        income_basis="førtidspension",
        case_unit=[f"{m}|{i}" for i, m in enumerate(frame["municipality"])],
    )


def test_cases_without_a_vum_score_are_not_given_back_by_the_totals():
    """The reviewer's attack (issue #29): 42 §85 cases in two municipalities, two of them
    without a VUM score; 30 §107 cases, all scored. Printed as they are, the service total
    (42) minus the §85 rows by VUM score (10 + 10 + 10 + 10) gives the two cases back, and
    the hours of the municipalities minus those by VUM score give their hours. Declared as
    rests that are not printed, neither can be computed from what is shown."""
    from helpers.publishing.disclosure import protect

    rows = [(151 + 2 * (i % 2), "§85", 10.0 + i, [1.0, 2.0, 3.0, 4.0][i % 4]) for i in range(40)]
    rows += [(151, "§85", 30.0, None), (153, "§85", 45.0, None)]
    rows += [(151 + 2 * (i % 2), "§107", 1000.0 + 10 * i, [2.0, 3.0, 4.0][i % 3]) for i in range(30)]
    units = adult_units(rows)
    unscored = set(units.loc[units["vum_score"].isna(), "case_unit"])

    def page(rests: bool):
        specs = [
            prices_page.service_provider_spec(units),
            prices_page.describe_spec(units, "vum_score", "price_by_vum", ""),
            prices_page.describe_spec(
                units.assign(municipality=units["municipality"].astype(str)),
                "municipality",
                "price_by_municipality",
                "",
            ),
        ]
        if rests:
            prices_page.declare_rests(specs)
        return specs, protect(specs).status

    specs, status = page(rests=False)
    assert reader_range(specs, status, unscored) == pytest.approx((2, 2))  # the attack works undeclared
    assert reader_range(specs, status, unscored, "measure") == pytest.approx((75, 75))
    specs, status = page(rests=True)
    low, high = reader_range(specs, status, unscored)
    assert high - low >= 1, (low, high)
    low, high = reader_range(specs, status, unscored, "measure")
    assert high - low > 1, (low, high)
    rests = {c.column: c for c in specs[1].cells if not c.shown and c.product_of is None}
    assert set(rests["cases_rest"].members) == unscored and rests["cases_rest"].value == 2
    assert rests["sum_rest"].value == pytest.approx(75.0) and rests["sum_rest"].base_n == 2
    assert rests["sum_rest"].base == ("price_by_vum", rests["cases_rest"].row, "cases_rest")


def test_the_municipality_comparison_prints_no_counts_that_differ_from_the_price_table(tmp_path):
    """Three municipalities with 10 §85 cases each; one case of 151 has VUM score 4.0, alone
    in its group (and in «andet»), so the model leaves it out: 9 cases of 151 in the model,
    10 in price_by_municipality. Printed beside each other the two counts would give the 1
    back; the comparison prints its effects (each resting on at least 5 cases) and no count."""
    rows = [(m, "§85", 10.0 + i + (m - 151), [1.0, 2.0][i % 2], "x", "y") for m in (151, 153, 157) for i in range(10)]
    rows[0] = (151, "§85", 10.0, 4.0, "x", "y")
    units = units_frame(rows).assign(case_unit=[f"{r[0]}|{i}" for i, r in enumerate(rows)])
    diffs = prices.municipality_differences(units, "§85").set_index("municipality")
    assert diffs.loc[151, "cases"] == 9 and diffs.loc[153, "cases"] == 10  # by hand: the lone 4.0 is left out
    # unadjusted: the price table's means (all 10 cases each) minus their average, so that
    # the hours of the case left out do not follow from it (the reviewer's attack)
    means = {m: statistics.fmean(r[2] for r in rows if r[0] == m) for m in (151, 153, 157)}
    average = statistics.fmean(means.values())
    for m, mean in means.items():
        assert diffs.loc[m, "unadjusted"] == pytest.approx(mean - average)
    spec = prices_page.differences_spec(units, "§85")
    assert not {"cases", "n"} & set(spec.frame.columns) and spec.cells == []
    published = publish(spec, tmp_path)
    assert not {"cases", "n"} & set(pd.read_csv(tmp_path / "municipality_differences_85.csv").columns)
    assert all(published.value(i, "adjusted") is not None for i in range(3))


def test_a_municipality_left_out_of_the_comparison_looks_like_one_withheld():
    """Municipality 161 has 3 §85 cases: too few for the model. Absent from the comparison,
    or shown with empty estimates, it would tell the reader that its withheld count in the
    price table is small; it has a row whose estimates are withheld with that count."""
    from helpers.publishing.disclosure import PUBLISHED, protect

    rows = [(m, "§85", 10.0 + i + (m - 151), [1.0, 2.0][i % 2], "x", "y") for m in (151, 153, 157) for i in range(10)]
    rows += [(161, "§85", 20.0 + i, 1.0, "x", "y") for i in range(3)]
    units = units_frame(rows).assign(case_unit=[f"{r[0]}|{i}" for i, r in enumerate(rows)])
    diffs = prices_page.differences_spec(units, "§85")
    assert diffs.frame["municipality"].tolist() == [151, 153, 157, 161]
    assert diffs.frame.iloc[3, 1:].isna().all()
    by_municipality = prices_page.describe_spec(
        units.assign(municipality=units["municipality"].astype(str)), "municipality", "price_by_municipality", ""
    )
    status = protect([by_municipality, diffs]).status
    assert status[("price_by_municipality", 3, "cases")] != PUBLISHED  # 3 cases
    assert all(status[("municipality_differences_85", 3, c)] != PUBLISHED for c in ("adjusted", "unadjusted_low"))
    assert all(status[("municipality_differences_85", 0, c)] == PUBLISHED for c in ("adjusted", "unadjusted_low"))


def test_cases_with_exactly_k_registrations_are_not_given_back_by_the_cumulative_rows():
    """The reviewer's attack: KL's figure 2.1 counts cases with *at least* 1, 2, 3, 4
    registrations (20, 20, 12, 9), so row 3 minus row 4 is the 3 cases with exactly 3. They
    are a count of their own (not printed), and protected: the reader cannot pin them."""
    from helpers.publishing.disclosure import protect

    highest = [2] * 8 + [3] * 3 + [4] * 9
    rows = [
        (151, f"c{case}", k, pd.Timestamp("2016-03-01") + pd.Timedelta(days=k))
        for case, top in enumerate(highest)
        for k in range(1, top + 1)
    ]
    registrations = pd.DataFrame(rows, columns=["municipality", "case_id", "registration_no", "registration_date"])
    spec = prices_page.registrations_spec(registrations, "2016-01-01", "2016-12-31")
    assert spec.frame["cases"].tolist() == [20, 20, 12, 9]  # by hand
    exactly_three = {f"151|c{case}" for case, top in enumerate(highest) if top == 3}
    status = protect([spec]).status
    low, high = reader_range([spec], status, exactly_three)
    assert high - low >= 1, (low, high)
