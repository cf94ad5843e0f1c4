import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.analyses import adults, goals
from helpers.publishing.pages import goals as goals_page
from helpers.publishing.tables import publish


def test_wilson_interval_by_hand():
    k, n, z = 7, 20, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    low, high = goals.wilson(k, n)
    assert (float(low), float(high)) == pytest.approx((centre - half, centre + half))


def registrations(rows):
    """(municipality, case, registration no, date, goal type set, goal met) -> registrations."""
    frame = pd.DataFrame(
        rows, columns=["municipality", "case_id", "registration_no", "registration_date", "goal_type", "goal_met"]
    )
    frame["registration_date"] = pd.to_datetime(frame["registration_date"])
    frame["service"], frame["hours_individual"], frame["daily_price"] = "§85", 10.0, None
    frame["vum_score"], frame["birth_date"] = 2.0, pd.Timestamp("1980-01-01")
    frame["goal_set"], frame["target_group"] = True, "sindslidelse"
    return frame


def kl_rows():
    """Follow-ups built by hand for KL's figure 3.11 (1st -> 2nd, goal of better functioning)."""
    return [
        (151, "a", 1, "2014-02-01", "forbedring", None),
        (151, "a", 2, "2015-03-01", "forbedring", "ja"),  # counted (3.11)
        (151, "a", 3, "2015-09-01", "forbedring", "nej"),  # 2nd -> 3rd: not in 3.11
        (151, "b", 1, "2014-04-01", "forbedring", None),
        (151, "b", 2, "2015-04-01", "status quo", "delvist"),  # counted: the goal set at the 1st is forbedring
        (151, "c", 1, "2014-05-01", "status quo", None),
        (151, "c", 2, "2015-05-01", "forbedring", "ja"),  # goal at the 1st is status quo: not in 3.11
        (151, "d", 1, "2014-06-01", "forbedring", None),
        (151, "d", 2, "2015-06-01", "forbedring", "nej"),  # counted
        (151, "e", 1, "2014-07-01", "forbedring", None),
        (151, "e", 2, "2015-07-01", "forbedring", None),  # no goal_met: left out
        (151, "f", 1, "2016-01-01", "forbedring", None),
        (151, "f", 2, "2017-01-01", "forbedring", "ja"),  # outside the period
        (153, "g", 1, "2014-03-01", "forbedring", None),
        (153, "g", 2, "2015-03-01", "forbedring", "ja"),  # counted
    ]


def test_attainment_by_municipality_is_kl_figure_3_11():
    table = goals.attainment_by_municipality(registrations(kl_rows()), "2015-01-01", "2016-12-31")
    table = table.set_index("municipality")
    assert table.loc["151", ["registrations", "met", "partly", "not_met"]].tolist() == [3, 1, 1, 1]
    assert table.loc["151", "share_met_or_partly"] == pytest.approx(2 / 3)
    low, high = goals.wilson(2, 3)
    assert (table.loc["151", "ci_low"], table.loc["151", "ci_high"]) == pytest.approx((float(low), float(high)))
    assert table.loc["153", "registrations"] == 1
    assert table.loc["I alt", ["registrations", "met", "partly", "not_met"]].tolist() == [4, 2, 1, 1]
    assert table.index.tolist() == ["151", "153", "I alt"]
    assert list(table.reset_index().columns) == [
        "municipality",
        "registrations",
        "met",
        "partly",
        "not_met",
        "share_met_or_partly",
        "ci_low",
        "ci_high",
    ]


def test_attainment_over_all_follow_ups_is_an_extra_table():
    table = goals.attainment_by_municipality(registrations(kl_rows()), "2015-01-01", "2016-12-31", False)
    table = table.set_index("municipality")
    # every follow-up with a recorded attainment in the period: a2, a3, b2, c2, d2 in 151
    assert table.loc["151", ["registrations", "met", "partly", "not_met"]].tolist() == [5, 2, 1, 2]


def test_every_follow_up_and_the_goal_types_are_published_for_all_municipalities_together():
    # issue #29: per municipality they lay over figure 3.11 and 3.1 and differed by 1-4
    data = registrations(kl_rows())
    spec = goals_page.attainment_spec(data, "2015-01-01", "2016-12-31", first_to_second=False)
    # a2, a3, b2, c2, d2 in 151 and g2 in 153 (e2 has no attainment, f2 is outside the period)
    assert spec.frame["municipality"].tolist() == ["I alt"]
    assert spec.frame[["registrations", "met", "partly", "not_met"]].iloc[0].tolist() == [6, 3, 1, 2]
    # every case's first registration (a-g) with its goal type: 6 forbedring, 1 status quo (c)
    units = data[data["registration_no"] == 1].assign(case_unit=lambda f: f["case_id"])
    types = goals_page.goal_types_spec(units).frame.set_index("goal_type")
    assert set(types["municipality"]) == {"I alt"}
    assert types["cases"].to_dict() == {"forbedring": 6, "status quo": 1}
    assert types["municipality_cases"].tolist() == [7, 7]


def test_an_all_municipality_row_minus_the_municipalities_rows_of_another_table_is_protected():
    """Found by review of the tables above: 2 municipalities x 10 cases, each with a 2nd
    registration and five with a 3rd; one 3rd per municipality has no recorded attainment,
    and one case per municipality has a goal but no goal type. A reader adds the
    municipalities' follow-ups (initiators, 16 + 16) and takes every follow-up with an
    attainment (30) away: 2 without one. And the cases with a goal (10 + 10) minus the cases
    with a goal type (18): 2 without a type. Each is a rest of 1-4 to protect."""
    from helpers.publishing import disclosure as d

    rows = []
    for m in (151, 153):
        for c in range(10):
            rows += [(m, f"{m}-{c}", 1, "2014-06-01", "forbedring", None)]
            rows += [(m, f"{m}-{c}", 2, "2016-03-01", "forbedring", "ja" if c % 2 else "nej")]
            if c < 5:
                rows += [(m, f"{m}-{c}", 3, "2016-05-01", "forbedring", "delvist")]
            if c == 9:
                rows += [(m, f"{m}-{c}", 3, "2016-05-01", "forbedring", None)]
    data = registrations(rows).assign(initiator="borger")
    start, end = "2016-02-01", "2016-08-01"
    units = data[data["registration_no"] == 1].assign(case_unit=lambda f: f["municipality"].astype(str) + f["case_id"])
    units.loc[units["case_id"].str.endswith("-9"), "goal_type"] = None
    specs = [
        goals_page.attainment_spec(data, start, end),
        goals_page.attainment_spec(data, start, end, first_to_second=False),
        goals_page.initiators_spec(data, start, end),
        goals_page.goal_set_spec(units),
        goals_page.goal_types_spec(units),
    ]
    by = {s.name: s for s in specs}
    initiators = by["initiators"].frame
    assert initiators.groupby("municipality")["n"].first().tolist() == [16, 16]
    assert by["goal_attainment_all_followups"].frame["registrations"].tolist() == [30]
    assert by["goal_set_by_municipality"].frame["goal_set"].tolist() == [10, 10]
    assert by["goal_types"].frame["municipality_cases"].iloc[0] == 18
    rests = sorted(len(c.members) for c in d.small_rests(specs))
    assert rests.count(2) >= 2, rests  # the two follow-ups, the two cases
    protection = d.protect_publication([specs])

    def shown(name, column):
        return [protection.status[c.key] == d.PUBLISHED for c in by[name].cells if c.column == column and c.shown]

    assert not all(shown("initiators", "n") + shown("goal_attainment_all_followups", "registrations"))
    assert not all(shown("goal_set_by_municipality", "goal_set") + shown("goal_types", "municipality_cases"))


def test_attainment_by_goal_type_first_to_second_and_second_to_third_apart():
    pairs = adults.follow_ups(registrations(kl_rows()), "2015-01-01", "2016-12-31")
    first = goals.attainment_by_goal_type(pairs, 1).set_index(["goal_type", "goal_met"])["follow_ups"]
    second = goals.attainment_by_goal_type(pairs, 2).set_index(["goal_type", "goal_met"])["follow_ups"]
    assert first.to_dict() == {
        ("forbedring", "delvist"): 1,
        ("forbedring", "ja"): 2,
        ("forbedring", "nej"): 1,
        ("status quo", "ja"): 1,
    }
    assert second.to_dict() == {("forbedring", "nej"): 1}


def test_published_attainment_hides_small_counts_and_what_reveals_them(tmp_path):
    rows = []
    for code, met, partly, not_met in ((151, 3, 12, 15), (153, 1, 1, 2), (157, 10, 10, 20)):
        labels = ["ja"] * met + ["delvist"] * partly + ["nej"] * not_met
        for i, g in enumerate(labels):
            rows += [(code, f"{code}-{i}", 1, "2014-06-01", "forbedring", None)]
            rows += [(code, f"{code}-{i}", 2, "2015-06-01", "forbedring", g)]
    spec = goals_page.attainment_spec(registrations(rows), "2015-01-01", "2016-12-31")
    publish(spec, tmp_path)
    out = pd.read_csv(tmp_path / "goal_attainment_by_municipality.csv", dtype={"municipality": str})
    out = out.set_index("municipality")
    assert out.loc["153"].isna().all()  # 4 registrations: nothing about this municipality
    assert pd.isna(out.loc["151", "met"])
    # with 'met' withheld, 'partly', 'not_met', the total and the share would give it back
    assert pd.isna(out.loc["151", "share_met_or_partly"]) and pd.isna(out.loc["151", "ci_high"])
    assert out.loc["151", ["partly", "not_met", "registrations"]].isna().any()
    # a share is shown only with the count it rests on, and it reveals met + partly (20 of
    # 40 in 157, counted by hand above): that sum is protected as a cell of its own
    assert out.loc["157", ["registrations", "share_met_or_partly"]].tolist() == [40, 0.5]
    assert out.loc["151", ["share_met_or_partly", "ci_low", "ci_high"]].isna().all()
    assert out.loc["I alt", "registrations"] == 74 and out.loc["I alt", "share_met_or_partly"] == pytest.approx(37 / 74)


def simulated_pairs(n_clusters=40, per_cluster=80, seed=2):
    """Follow-ups with a known logit: log-odds = -1 + 0.05 months + 0.4 vum + 0.5 under 40."""
    rng = np.random.default_rng(seed)
    rows = []
    for m in range(n_clusters):
        u = rng.normal(0, 0.1)
        for _ in range(per_cluster):
            months = rng.uniform(3, 20)
            vum = rng.choice([1.0, 2.0, 3.0, 4.0])
            young = rng.random() < 0.5
            eta = -1 + 0.05 * months + 0.4 * vum + 0.5 * young + u
            met = rng.random() < 1 / (1 + math.exp(-eta))
            level = ("ja" if rng.random() < 0.5 else "delvist") if met else "nej"
            rows.append(
                {
                    "municipality": 100 + m,
                    "months": months,
                    "vum_score_prev": vum,
                    "age_group": "under 40 år" if young else "40 år og derover",
                    "service": "§85",
                    "goal_type_prev": "forbedring",
                    "target_group": "sindslidelse",
                    "goal_met": level,
                }
            )
    return pd.DataFrame(rows)


def test_gee_logit_recovers_known_odds_ratios():
    table, info = goals.goal_model(simulated_pairs())
    table = table.set_index("term")
    truth = {"months": 0.05, "vum_score_prev": 0.4, "C(age_group)[T.under 40 år]": 0.5}
    for term, beta in truth.items():
        assert table.loc[term, "ci_low"] < math.exp(beta) < table.loc[term, "ci_high"], term
    assert info["fitted"] and info["clusters"] == 40 and info["covariance"] == "robust"
    assert info["parameters"] == 3 and info["events_per_parameter"] > 10
    assert info["n"] == 3200


class _Info:
    """The published model sizes, as ``goal_model_info`` holds them."""

    def __init__(self, info):
        self.values = [info["n"], info["events"]]

    def value(self, row, column):
        return self.values[row]


def test_few_municipalities_use_bias_reduced_covariance_and_thin_models_warn():
    _, info = goals.goal_model(simulated_pairs(n_clusters=6, per_cluster=60))
    assert info["covariance"] == "bias_reduced"
    thin = simulated_pairs(n_clusters=4, per_cluster=8, seed=5)
    _, info = goals.goal_model(thin)
    text = goals_page.model_warning_da(info, _Info(info))
    if info["fitted"]:
        assert info["events_per_parameter"] < 10 and "for tynd" in text
    else:
        assert "for få" in text


def test_ordered_logit_recovers_a_known_effect():
    rng = np.random.default_rng(9)
    rows = []
    for i in range(3000):
        vum = rng.choice([1.0, 2.0, 3.0, 4.0])
        latent = 0.6 * vum + rng.logistic()
        level = "nej" if latent < 1.0 else ("delvist" if latent < 2.5 else "ja")
        rows.append(
            {
                "municipality": 100 + i % 30,
                "months": rng.uniform(3, 20),
                "vum_score_prev": vum,
                "age_group": "under 40 år",
                "service": "§107",
                "goal_type_prev": "forbedring",
                "target_group": "andet",
                "goal_met": level,
            }
        )
    table, info = goals.ordered_model(pd.DataFrame(rows))
    table = table.set_index("term")
    assert info["fitted"] and info["df"] == 29
    assert table.loc["vum_score_prev", "ci_low"] < math.exp(0.6) < table.loc["vum_score_prev", "ci_high"]
    assert table.loc["months", "ci_low"] < 1 < table.loc["months", "ci_high"]


def test_price_change_by_attainment_is_kl_figure_3_17_and_per_service():
    pairs = pd.DataFrame(
        {
            "service": ["§85"] * 6 + ["§107"],
            "service_prev": ["§85"] * 6 + ["§107"],
            "goal_type_prev": ["forbedring"] * 5 + ["status quo", "forbedring"],
            "goal_met": ["ja", "delvist", "nej", "nej", "nej", "ja", "ja"],
            "measure_change": [-2.0, 0.0, 0.0, 0.0, 1.0, -5.0, 10.0],
        }
    )
    table = goals.price_change_by_attainment(pairs).set_index(["service", "goal_met", "direction"])
    met, not_met = goals.MET, goals.NOT_MET
    # "mål opfyldt" = fully or partly met (one group); the status quo goal does not enter
    assert table.loc[("§85", met, "lavere"), ["follow_ups", "n", "share"]].tolist() == [1, 2, 0.5]
    assert table.loc[("§85", not_met, "uændret"), "follow_ups"] == 2
    assert table.loc[("I alt", met, "højere"), ["follow_ups", "n"]].tolist() == [1, 3]  # figure 3.17 pools services
    assert ("§85", met, "lavere") in table.index and len(table.xs("§85")) == 4


def test_price_change_by_municipality_is_kl_figure_3_18():
    """Issue #24, item 8: figure 3.18 is figure 3.17 per municipality (KL: "Det samme billede
    kan konstateres på kommuneniveau"), both services together."""
    pairs = pd.DataFrame(
        {
            "municipality": ["151", "151", "151", "153", "153", "153"],
            "service": ["§85", "§107", "§85", "§85", "§85", "§107"],
            "service_prev": ["§85", "§107", "§85", "§85", "§107", "§107"],
            "goal_type_prev": ["forbedring"] * 6,
            "goal_met": ["ja", "delvist", "nej", "nej", "ja", "nej"],
            "measure_change": [-2.0, 0.0, 0.0, 1.0, 0.0, 0.0],
        }
    )
    table = goals.price_change_by_municipality(pairs).set_index(["municipality", "goal_met", "direction"])
    met, not_met = goals.MET, goals.NOT_MET
    # 151: met = one lower (§85) and one same (§107) pooled over the services; not met = one same
    assert table.loc[(151, met, "lavere"), ["follow_ups", "n", "share"]].tolist() == [1, 2, 0.5]
    assert table.loc[(151, met, "uændret"), "follow_ups"] == 1
    assert table.loc[(151, not_met, "uændret"), ["follow_ups", "n", "share"]].tolist() == [1, 1, 1.0]
    # 153: the follow-up that changed service (§107 -> §85) does not enter; every direction
    # of a group with follow-ups is a row, "lavere" with 0 too
    assert table.xs(153).index.tolist() == [(not_met, "højere"), (not_met, "lavere"), (not_met, "uændret")]
    assert table.loc[(153, not_met, "højere"), "n"] == 2 and table.loc[(153, not_met, "lavere"), "follow_ups"] == 0
    assert table.loc[(151, met, "højere"), ["follow_ups", "share"]].tolist() == [0, 0.0]
    assert goals.price_change_by_municipality(pairs.iloc[0:0]).empty


def test_the_municipality_price_change_sentence_counts_what_is_shown(tmp_path):
    from helpers.publishing.disclosure import TableSpec

    met, not_met = "opfyldt (helt eller delvist)", "ikke opfyldt"

    def sentence(same_by_municipality, withheld=()):
        rows = []
        for code, groups in same_by_municipality.items():
            for goal_met, same in groups.items():
                rows += [(code, goal_met, "lavere", 10 - same, 10), (code, goal_met, "uændret", same, 10)]
        frame = pd.DataFrame(rows, columns=["municipality", "goal_met", "direction", "follow_ups", "n"])
        frame["share"] = frame["follow_ups"] / frame["n"]
        table = publish(TableSpec("price_change_by_municipality", frame, public=True), tmp_path)
        for row in withheld:
            table.status.loc[row, "share"] = "withheld"
        return goals_page.price_change_municipalities_da(table)

    # 151: 80 % and 70 % unchanged; 153: 80 % but 30 %; 157: 20 % and 10 %
    three = {151: {met: 8, not_met: 7}, 153: {met: 8, not_met: 3}, 157: {met: 2, not_met: 1}}
    text = sentence(three)
    assert text.startswith("I 1 af de 3 kommuner, hvor begge grupper kan vises, er pris og timer oftest uændrede")
    assert "for få opfølgninger" not in text
    # 157's unchanged share of the goals met withheld (row 9): 2 municipalities show both groups
    text = sentence(three, withheld=[9])
    assert "I 1 af de 2 kommuner" in text and "1 kommune har for få opfølgninger til, at begge grupper" in text
    # a municipality with none unchanged when the goal is not met (0 %) is not "unchanged in both"
    assert sentence({151: {met: 8, not_met: 0}, 153: {met: 9, not_met: 9}}).startswith("I 1 af de 2 kommuner")
    # a municipality with only one group cannot say "both"
    text = sentence({151: {met: 8}, 153: {met: 9, not_met: 9}})
    assert text.startswith("I den ene kommune, hvor begge grupper kan vises, er pris og timer oftest uændrede")
    assert "1 kommune har for få opfølgninger" in text
    assert "ikke oftest uændrede" in sentence({153: {met: 2, not_met: 9}})
    assert "for få opfølgninger til at vise" in sentence({151: {met: 8, not_met: 7}}, withheld=[1, 3])
    empty = publish(
        TableSpec(
            "price_change_by_municipality",
            pd.DataFrame(columns=["municipality", "goal_met", "direction", "follow_ups", "n", "share"]),
            public=True,
        ),
        tmp_path,
    )
    assert goals_page.price_change_municipalities_da(empty).startswith("Der er ingen opfølgninger")


def cluster_sandwich_ci(y, x, groups):
    """OLS with the CR1 cluster sandwich and t(G-1) intervals, written out with numpy."""
    n, k = x.shape
    xtx = np.linalg.inv(x.T @ x)
    beta = xtx @ x.T @ y
    e = y - x @ beta
    meat = np.zeros((k, k))
    labels = np.unique(groups)
    for g in labels:
        s = x[groups == g].T @ e[groups == g]
        meat += np.outer(s, s)
    g_n = len(labels)
    cov = xtx @ meat @ xtx * g_n / (g_n - 1) * (n - 1) / (n - k)
    se = np.sqrt(np.diag(cov))
    q = stats.t.ppf(0.975, g_n - 1)
    return beta, beta - q * se, beta + q * se


def test_price_change_model_uses_the_cluster_sandwich_with_t_on_g_minus_1_degrees_of_freedom():
    rng = np.random.default_rng(4)
    n = 300
    clusters = rng.integers(100, 110, n)  # 10 municipalities, as in KL's data
    met = rng.choice(["ja", "delvist", "nej"], n)
    shift = rng.normal(0, 2, 110)[clusters]  # municipality-level noise: clustering matters
    change = np.where(met == "nej", 0.0, -3.0) + shift + rng.normal(0, 1, n)
    sim = pd.DataFrame(
        {
            "service": "§85",
            "service_prev": "§85",
            "goal_type_prev": "forbedring",
            "goal_met": met,
            "measure_change": change,
            "measure_prev": 30.0,
            "measure": 30.0 + change,
            "municipality": clusters,
        }
    )
    model = goals.price_change_model(sim, "§85").set_index("term")
    x = np.column_stack([np.ones(n), (met != "nej").astype(float)])
    beta, low, high = cluster_sandwich_ci(change, x, clusters)
    assert model.loc["goal_met=opfyldt", "estimate"] == pytest.approx(beta[1])
    assert model.loc["goal_met=opfyldt", ["ci_low", "ci_high"]].tolist() == pytest.approx([low[1], high[1]])


def test_gee_intervals_use_the_bias_reduced_covariance_and_t_with_g_minus_1_degrees_of_freedom():
    """Against statsmodels' own bias-reduced (Mancl-DeRouen) standard errors, fitted here
    independently, and t(G-1) quantiles: with 8 municipalities the interval of months is
    exp(b +- t(0.975, 7) x se)."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    pairs = simulated_pairs(n_clusters=8, per_cluster=80, seed=3)
    table, info = goals.goal_model(pairs)
    assert info["fitted"] and info["covariance"] == "bias_reduced" and info["df"] == 7
    data = goals.model_frame(pairs)
    fit = smf.gee(
        "met ~ months + vum_score_prev + C(age_group)",
        groups="municipality",
        data=data,
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
    ).fit(cov_type="bias_reduced")
    q = stats.t.ppf(0.975, 7)
    row = table.set_index("term").loc["months"]
    b, se = fit.params["months"], fit.bse["months"]
    assert row["odds_ratio"] == pytest.approx(math.exp(b))
    assert [row["ci_low"], row["ci_high"]] == pytest.approx([math.exp(b - q * se), math.exp(b + q * se)])
    naive = fit.model.fit(cov_type="naive").bse["months"]
    assert abs(naive - se) / se > 0.02  # the data are clustered: naive errors would differ


def test_ordered_model_errors_are_the_cluster_sandwich_computed_by_hand():
    from statsmodels.miscmodels.ordinal_model import OrderedModel
    from statsmodels.tools.numdiff import approx_fprime, approx_hess

    pairs = simulated_pairs(n_clusters=10, per_cluster=60, seed=7)
    table, info = goals.ordered_model(pairs)
    assert info["fitted"] and info["df"] == 9
    data = goals.model_frame(pairs)
    exog = pd.DataFrame(
        {
            "months": data["months"],
            "vum_score_prev": data["vum_score_prev"],
            "age": (data["age_group"] == "under 40 år").astype(float),
        }
    )
    model = OrderedModel(data["attainment"], exog, distr="logit")
    params = model.fit(method="bfgs", disp=False, maxiter=1000).params.to_numpy()
    scores = approx_fprime(params, model.loglikeobs, centered=True)
    bread = np.linalg.inv(-approx_hess(params, model.loglike))
    groups = data["municipality"].to_numpy()
    meat = sum(np.outer(scores[groups == g].sum(0), scores[groups == g].sum(0)) for g in np.unique(groups))
    n, k, g_n = len(groups), len(params), len(np.unique(groups))
    se = np.sqrt(np.diag(bread @ meat @ bread * g_n / (g_n - 1) * (n - 1) / (n - k)))
    q = stats.t.ppf(0.975, g_n - 1)
    for i, term in enumerate(["months", "vum_score_prev"]):
        row = table.set_index("term").loc[term]
        assert row["ci_low"] == pytest.approx(math.exp(params[i] - q * se[i]), rel=1e-3)
        assert row["ci_high"] == pytest.approx(math.exp(params[i] + q * se[i]), rel=1e-3)


def test_a_group_under_5_is_pooled_into_andet_never_a_term_of_its_own():
    pairs = simulated_pairs(n_clusters=10, per_cluster=60, seed=11)
    pairs.loc[:3, "target_group"] = "fysisk"  # 4 follow-ups
    pairs.loc[4:11, "target_group"] = "psykisk"  # 8 follow-ups: a term of its own
    table, info = goals.goal_model(pairs)
    terms = set(table["term"])
    # psykisk (8) is a level of its own (here the reference), fysisk (4) is not, and the
    # "andet" it was pooled into has 4 as well: left out
    assert "C(target_group)[T.sindslidelse]" in terms
    assert not any("fysisk" in t or "andet" in t for t in terms)
    assert info["pooled"] == {"target_group": ["fysisk"]} and info["left_out"] == 4
    ordered, info = goals.ordered_model(pairs)
    assert not any("fysisk" in t for t in ordered["term"])
    # the page says the rule, not which group was pooled or how many were left out: both
    # would tell the reader that a count the tables withhold is 1-4 (issue #29)
    note = goals_page.method_note_da(info)
    assert "fysisk" not in note and "4 opfølgninger" not in note and "fire" not in note
    assert "færre end 5" in note and "udelades" in note
    assert "udelades" in goals_page.method_note_da({**info, "pooled": {}, "left_out": 0})  # said whatever the data


def test_a_model_with_nan_estimates_is_not_published_as_fitted(monkeypatch):
    from statsmodels.genmod.generalized_estimating_equations import GEE

    real = GEE.fit

    def broken(self, *args, **kwargs):
        import types

        fit = real(self, *args, **kwargs)
        params = fit.params.copy()
        params.iloc[1] = np.nan  # what a degenerate fit gives
        return types.SimpleNamespace(params=params, bse=fit.bse, converged=True)

    monkeypatch.setattr(GEE, "fit", broken)
    table, info = goals.goal_model(simulated_pairs(n_clusters=10, per_cluster=60))
    assert table.empty and not info["fitted"] and "NaN" in info["reason"]
    text = goals_page.model_warning_da(info, _Info({"n": 600, "events": 200}))
    assert "vises derfor ikke" in text and "NaN" in text


def test_a_model_that_does_not_converge_is_not_published_as_fitted(monkeypatch):
    from statsmodels.miscmodels.ordinal_model import OrderedModel

    real = OrderedModel.fit

    def stops(self, *args, **kwargs):
        return real(self, *args, **{**kwargs, "maxiter": 1})

    monkeypatch.setattr(OrderedModel, "fit", stops)
    table, info = goals.ordered_model(simulated_pairs(n_clusters=10, per_cluster=60))
    assert table.empty and not info["fitted"] and "konvergerede ikke" in info["reason"]


def test_model_terms_never_show_their_raw_names():
    from helpers.publishing.pages.goals import term_label

    assert term_label("goal_met=delvist") == "Mål delvist opfyldt (mod ikke opfyldt)"
    assert term_label("C(goal_type_prev)[T.fysisk]") == "Måltype ved forrige: fysisk"
    assert term_label("C(initiator)[T.borger]") == "Initiator: borger"
    for raw in ("goal_met=andet", "C(x_y)[T.z]", "some_term"):
        shown = term_label(raw)
        assert not any(mark in shown for mark in ("_", "=", "C(", "[T."))


def test_the_price_change_sentence_follows_the_shares(tmp_path):
    """Issue #24, item 5: "for de fleste borgere er pris og timer uændrede" only when the
    published shares say so, for goals met and not met."""
    from helpers.publishing.disclosure import TableSpec

    def sentence(met_same, not_met_same, withheld=()):
        rows = []
        for goal_met, same in (("ikke opfyldt", not_met_same), ("opfyldt (helt eller delvist)", met_same)):
            rows += [("I alt", goal_met, "lavere", 20 - same, 20), ("I alt", goal_met, "uændret", same, 20)]
        frame = pd.DataFrame(rows, columns=["service", "goal_met", "direction", "follow_ups", "n"])
        frame["share"] = frame["follow_ups"] / frame["n"]
        table = publish(TableSpec("price_change_by_attainment", frame, public=True), tmp_path)
        for row, column in withheld:
            table.status.loc[row, column] = "withheld"
        return goals_page.price_change_da(table)

    text = sentence(15, 18)  # 75 % and 90 % unchanged
    assert text.startswith("For de fleste borgere er pris og timer uændrede ved næste registrering, uanset om")
    assert "uændrede i 75 % af 20 opfølgninger med målet helt eller delvist opfyldt og i 90 % af 20" in text
    assert sentence(4, 6).startswith("Pris og timer ændrer sig for de fleste borgere")  # 20 % and 30 %: the opposite
    assert sentence(15, 6).startswith("Pris og timer er oftest uændrede, når målet er nået, men ikke når det ikke er")
    assert "for få viste opfølgninger" in sentence(15, 18, withheld=[(3, "share")])


def test_vum_and_target_is_kl_figure_3_3_over_every_case_with_a_score():
    """Issue #24, item 8: the mean VUM over every case with a first registration (not only
    the cases with a target), the mean target over the cases with a target."""
    units = pd.DataFrame(
        {
            "municipality": [851, 851, 851, 851, 410, 410],
            "vum_score": [1.0, 2.0, 3.0, np.nan, 2.0, 4.0],
            "vum_target": [1.0, np.nan, 2.0, 2.0, np.nan, np.nan],
        }
    )
    got = goals.vum_and_target(units).set_index("municipality")
    # 851: scores 1, 2, 3 -> 2.0 over 3 cases; targets 1, 2, 2 -> 5/3 over 3 cases
    assert got.loc[851, "cases"] == 3 and got.loc[851, "vum_mean"] == pytest.approx(2.0)
    assert got.loc[851, "target_cases"] == 3 and got.loc[851, "vum_target_mean"] == pytest.approx(5 / 3)
    # 410 sets no targets (as 3 of KL's 10): its mean VUM is shown all the same
    assert got.loc[410, "cases"] == 2 and got.loc[410, "vum_mean"] == pytest.approx(3.0)
    assert got.loc[410, "target_cases"] == 0 and np.isnan(got.loc[410, "vum_target_mean"])


def test_the_ordered_logits_score_and_hessian_are_the_differenced_ones():
    """The analytic derivatives (what the Newton step and the cluster sandwich use) against
    statsmodels' numerical ones, away from the optimum, with four levels (three thresholds)."""
    from statsmodels.tools.numdiff import approx_fprime, approx_hess

    rng = np.random.default_rng(4)
    x = pd.DataFrame({"a": rng.normal(size=300), "b": rng.integers(0, 2, 300).astype(float)})
    latent = 0.5 * x["a"] - 0.8 * x["b"] + rng.logistic(size=300)
    y = pd.Series(pd.Categorical(np.digitize(latent, [-0.5, 0.7, 1.5]), ordered=True))
    model = goals.OrderedLogit(y, x, distr="logit")
    params = np.array([0.3, -0.2, -0.4, 0.1, -0.5])
    assert model.score_obs(params) == pytest.approx(approx_fprime(params, model.loglikeobs, centered=True), abs=1e-6)
    assert model.score(params) == pytest.approx(approx_fprime(params, model.loglike, centered=True), rel=1e-6)
    assert model.hessian(params) == pytest.approx(approx_hess(params, model.loglike), rel=1e-5, abs=1e-3)


_FIT_UNDER_A_KERNEL = """
import json, sys, warnings
import pandas as pd
from helpers.analyses import goals
from helpers.publishing.tables import written
warnings.simplefilter("ignore")
pairs = pd.read_pickle(sys.argv[1])
out = {}
for name, fit in (("ordered", goals.ordered_model), ("gee", goals.goal_model)):
    table, info = fit(pairs)
    assert info["fitted"], info
    values = table.drop(columns="term").to_numpy().ravel().tolist()
    out[name] = {"raw": values, "written": [written(v, 4) for v in values]}
print(json.dumps(out))
"""


def _native_kernel() -> str:
    """The OpenBLAS core type this machine picks by itself (``OPENBLAS_VERBOSE=2``)."""
    import os
    import re
    import subprocess
    import sys

    shown = subprocess.run(
        [sys.executable, "-c", "import numpy"],
        env={**os.environ, "OPENBLAS_VERBOSE": "2"},
        capture_output=True,
        text=True,
    )
    found = re.search(r"Core: (\w+)", shown.stdout + shown.stderr)
    return found.group(1) if found else ""


#: The CPU flag (``/proc/cpuinfo``) each forced kernel needs: a kernel the CPU cannot run is
#: an illegal instruction, not a different result.
_KERNEL_NEEDS = {"Prescott": "pni", "Nehalem": "sse4_2", "Haswell": "avx2", "SkylakeX": "avx512f"}


def _cpu_can_run(kernel: str) -> bool:
    import re
    from pathlib import Path

    info = Path("/proc/cpuinfo")
    if not info.is_file():
        return True
    flags = set(re.findall(r"^flags\s*:(.*)$", info.read_text(), re.MULTILINE)[0].split())
    return _KERNEL_NEEDS[kernel] in flags


@pytest.mark.parametrize("kernel", ["Prescott", "Nehalem", "Haswell", "SkylakeX"])
def test_the_models_publish_the_same_digits_under_another_blas_kernel(tmp_path, kernel):
    """OpenBLAS picks its kernels by CPU; OPENBLAS_CORETYPE forces another one (compared with
    the machine's own, so the kernel that is the machine's own is skipped). The models'
    estimates, intervals and p-values agree to 1e-9 and their published digits exactly
    (before the analytic derivatives the ordered model's intervals moved by ~1e-4)."""
    import json
    import os
    import subprocess
    import sys

    native = _native_kernel()
    if kernel.lower() == native.lower() or (kernel == "Prescott" and native == "Katmai"):
        pytest.skip(f"{kernel} is this machine's own OpenBLAS kernel")
    if not _cpu_can_run(kernel):
        pytest.skip(f"this CPU lacks {_KERNEL_NEEDS[kernel]}, which the {kernel} kernel uses (it would die on SIGILL)")
    pairs = simulated_pairs(n_clusters=10, per_cluster=60, seed=7)
    pairs.to_pickle(tmp_path / "pairs.pkl")
    script = tmp_path / "fit.py"
    script.write_text(_FIT_UNDER_A_KERNEL)

    def fit(env):
        done = subprocess.run(
            [sys.executable, str(script), str(tmp_path / "pairs.pkl")],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(done.stdout)

    here, there = fit({}), fit({"OPENBLAS_CORETYPE": kernel, "OPENBLAS_NUM_THREADS": "1"})
    for name in ("ordered", "gee"):
        assert there[name]["raw"] == pytest.approx(here[name]["raw"], rel=1e-9)
        assert there[name]["written"] == here[name]["written"]


def test_the_analytic_ordered_model_is_the_logit_only():
    x = pd.DataFrame({"a": [0.1, 0.5, -0.3, 0.9]})
    y = pd.Series(pd.Categorical([0, 1, 2, 1], ordered=True))
    with pytest.raises(ValueError, match="logistic"):
        goals.OrderedLogit(y, x, distr="probit")


def test_model_estimates_are_written_to_four_significant_digits():
    from helpers.publishing.tables import written

    assert written(0.000123456, 4) == 0.0001235
    assert written(8.50149, 4) == 8.501
    assert written(1234567.8, 4) == 1235000.0
    assert written(0.123456789) == 0.123457  # the other tables: six decimals
    assert pd.isna(written(float("nan"), 4))


def test_the_ordered_model_takes_a_constant_covariate_without_a_traceback():
    """The reviewer's case: every follow-up 12 months after the one before (a constant
    column, which statsmodels' ordered model refuses as a second intercept). The model is
    fitted without it; nothing raises."""
    pairs = simulated_pairs(n_clusters=10, per_cluster=60, seed=5).assign(months=12.0)
    table, info = goals.ordered_model(pairs)
    assert not any("months" in str(t) for t in table.get("term", []))
    assert info["fitted"] and info["n"] == len(pairs)
