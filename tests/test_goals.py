import math

import numpy as np
import pandas as pd
import pytest

from helpers.analyses import goals
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
    frame = pd.DataFrame(rows, columns=["municipality", "case_id", "registration_no", "registration_date", "goal_met"])
    frame["registration_date"] = pd.to_datetime(frame["registration_date"])
    return frame


def test_attainment_by_municipality_equals_an_independent_count():
    rows = [
        (151, "a", 1, "2015-02-01", "ja"),  # registration 1: not a follow-up
        (151, "a", 2, "2015-03-01", "ja"),
        (151, "b", 2, "2015-04-01", "delvist"),
        (151, "c", 2, "2015-05-01", "nej"),
        (151, "d", 3, "2015-06-01", "nej"),
        (151, "e", 2, "2015-07-01", None),  # no goal_met: left out
        (151, "f", 2, "2017-01-01", "ja"),  # outside the period
        (153, "g", 2, "2015-03-01", "ja"),
    ]
    table = goals.attainment_by_municipality(registrations(rows), "2015-01-01", "2016-12-31").set_index("municipality")
    assert table.loc["151", ["registrations", "met", "partly", "not_met"]].tolist() == [4, 1, 1, 2]
    assert table.loc["151", "share_met_or_partly"] == 0.5
    low, high = goals.wilson(2, 4)
    assert (table.loc["151", "ci_low"], table.loc["151", "ci_high"]) == pytest.approx((float(low), float(high)))
    assert table.loc["153", "registrations"] == 1
    assert table.loc["I alt", ["registrations", "met", "partly", "not_met"]].tolist() == [5, 2, 1, 2]
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


def test_published_attainment_hides_small_counts_and_what_reveals_them(tmp_path):
    rows = []
    for code, met, partly, not_met in ((151, 3, 12, 15), (153, 1, 1, 2), (157, 10, 10, 20)):
        labels = ["ja"] * met + ["delvist"] * partly + ["nej"] * not_met
        rows += [(code, f"{code}-{i}", 2, "2015-06-01", g) for i, g in enumerate(labels)]
    spec = goals_page.attainment_spec(
        registrations(rows).assign(case_id=lambda d: d["case_id"]), "2015-01-01", "2016-12-31"
    )
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
    table = goals.ordered_model(pd.DataFrame(rows)).set_index("term")
    assert table.loc["vum_score_prev", "ci_low"] < math.exp(0.6) < table.loc["vum_score_prev", "ci_high"]
    assert table.loc["months", "ci_low"] < 1 < table.loc["months", "ci_high"]


def test_price_change_by_attainment_by_hand_and_model():
    pairs = pd.DataFrame(
        {
            "service": ["§85"] * 5,
            "service_prev": ["§85"] * 5,
            "goal_met": ["ja", "ja", "nej", "nej", "nej"],
            "measure_change": [-2.0, 0.0, 0.0, 0.0, 1.0],
        }
    )
    table = goals.price_change_by_attainment(pairs).set_index(["goal_met", "direction"])
    assert table.loc[("ja", "lavere"), "share"] == 0.5 and table.loc[("nej", "uændret"), "follow_ups"] == 2
    rng = np.random.default_rng(4)
    n = 600
    met = rng.choice(["ja", "delvist", "nej"], n)
    change = np.where(met == "ja", -3.0, 0.0) + rng.normal(0, 1, n)
    sim = pd.DataFrame(
        {
            "service": "§85",
            "service_prev": "§85",
            "goal_met": met,
            "measure_change": change,
            "measure_prev": 30.0,
            "measure": 30.0 + change,
            "municipality": rng.integers(100, 120, n),
        }
    )
    model = goals.price_change_model(sim, "§85").set_index("term")
    assert model.loc["goal_met=ja", "ci_low"] < -3 < model.loc["goal_met=ja", "ci_high"]
    assert model.loc["goal_met=delvist", "ci_low"] < 0 < model.loc["goal_met=delvist", "ci_high"]
