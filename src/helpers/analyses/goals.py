"""Goal attainment and follow-up of adult cases (KL's SEP project 9, figures 3.1-3.3,
3.9-3.12, 3.17 and 3.18), with the models the report could not fit.

* Goal attainment per municipality: registrations with ``registration_no >= 2``, a
  non-empty ``goal_met`` and ``registration_date`` in the period; ``share_met_or_partly`` =
  (met + partly) / registrations with its 95 % Wilson interval.
* Model: goal met or partly met at a follow-up (k -> k+1) on months since the previous
  registration, VUM score at k, age group, service, goal type set at k and target group.
  Municipality enters as a cluster: GEE logit with exchangeable correlation and, with few
  municipalities, the bias-reduced (Mancl-DeRouen) covariance. An ordered logit
  (nej < delvist < ja, ``OrderedModel``) uses all three levels. Events per parameter are
  reported; under 10 the page warns that the model is too thin to trust.
* Change in price/hours from k to k+1 by goal attainment, per service: the share lower,
  same and higher, and OLS of the change on goal attainment (cluster-robust by
  municipality).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.proportion import proportion_confint

from .adults import SERVICES

ATTAINMENT = ("ja", "delvist", "nej")
MODEL_COLUMNS = ["term", "odds_ratio", "ci_low", "ci_high", "p_value"]
FEW_CLUSTERS = 40
MIN_EVENTS_PER_PARAMETER = 10


def wilson(successes, n, alpha: float = 0.05):
    """95 % Wilson interval (arrays allowed; NaN where n = 0)."""
    successes, n = np.asarray(successes, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = proportion_confint(successes, np.where(n > 0, n, np.nan), alpha=alpha, method="wilson")
    return low, high


def followup_registrations(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """Registrations k >= 2 with a recorded ``goal_met`` and a date in [start, end]."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    r = registrations
    return r[
        (r["registration_no"] >= 2)
        & r["goal_met"].notna()
        & (r["registration_date"] >= start)
        & (r["registration_date"] <= end)
    ]


def attainment_by_municipality(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """``goal_attainment_by_municipality``: one row per municipality (kommunekode) and a
    last row ``I alt`` for all of them."""
    data = followup_registrations(registrations, start, end)
    counts = pd.crosstab(data["municipality"], data["goal_met"]).reindex(columns=list(ATTAINMENT), fill_value=0)
    counts = counts.sort_index()
    if len(counts):
        counts.index = counts.index.astype(int).astype(str)
        counts.loc["I alt"] = counts.sum()
    out = pd.DataFrame(
        {
            "municipality": counts.index.astype(str),
            "registrations": counts.sum(axis=1).to_numpy(),
            "met": counts["ja"].to_numpy(),
            "partly": counts["delvist"].to_numpy(),
            "not_met": counts["nej"].to_numpy(),
        }
    )
    out["share_met_or_partly"] = (out["met"] + out["partly"]) / out["registrations"]
    out["ci_low"], out["ci_high"] = wilson(out["met"] + out["partly"], out["registrations"])
    return out.reset_index(drop=True)


def goal_set_by_municipality(units: pd.DataFrame) -> pd.DataFrame:
    """Fig 3.1: share of cases with a goal set (first registration in the period)."""
    data = units.dropna(subset=["goal_set"])
    g = data.groupby("municipality")["goal_set"]
    out = pd.DataFrame({"cases": g.size(), "goal_set": g.sum().astype(int)}).reset_index()
    out["share"] = out["goal_set"] / out["cases"]
    out["ci_low"], out["ci_high"] = wilson(out["goal_set"], out["cases"])
    return out


def goal_types(units: pd.DataFrame) -> pd.DataFrame:
    """Fig 3.2: goal types among cases with a goal, per municipality (tidy)."""
    data = units.dropna(subset=["goal_type"])
    out = data.groupby(["municipality", "goal_type"]).size().rename("cases").reset_index()
    out["share"] = out["cases"] / out.groupby("municipality")["cases"].transform("sum")
    out["municipality_cases"] = out.groupby("municipality")["cases"].transform("sum")
    return out


def vum_and_target(units: pd.DataFrame) -> pd.DataFrame:
    """Fig 3.3: average VUM score and VUM target per municipality (cases with a target)."""
    data = units.dropna(subset=["vum_score", "vum_target"])
    g = data.groupby("municipality")
    return pd.DataFrame(
        {"cases": g.size(), "vum_mean": g["vum_score"].mean(), "vum_target_mean": g["vum_target"].mean()}
    ).reset_index()


def attainment_by_goal_type(pairs: pd.DataFrame) -> pd.DataFrame:
    """Figs 3.9/3.10: attainment at k+1 by the goal type set at k (tidy, with shares)."""
    data = pairs.dropna(subset=["goal_met", "goal_type_prev"])
    out = data.groupby(["goal_type_prev", "goal_met"]).size().rename("follow_ups").reset_index()
    out["n"] = out.groupby("goal_type_prev")["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    return out.rename(columns={"goal_type_prev": "goal_type"})


def initiators(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """Fig 3.12: who initiated the follow-ups (registrations k >= 2 in the period)."""
    r = registrations
    data = r[
        (r["registration_no"] >= 2)
        & (r["registration_date"] >= pd.Timestamp(start))
        & (r["registration_date"] <= pd.Timestamp(end))
    ]
    out = data.assign(initiator=data["initiator"].fillna("uoplyst")).groupby(["municipality", "initiator"]).size()
    out = out.rename("follow_ups").reset_index()
    out["n"] = out.groupby("municipality")["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    return out


def model_frame(pairs: pd.DataFrame) -> pd.DataFrame:
    """Follow-ups with every model variable present; ``met`` = goal met or partly met."""
    data = pairs.dropna(
        subset=["goal_met", "months", "vum_score_prev", "age_group", "service", "goal_type_prev"]
    ).copy()
    data["target_group"] = data["target_group"].fillna("uoplyst")
    data["met"] = data["goal_met"].isin(["ja", "delvist"]).astype(int)
    data["vum_score_prev"] = data["vum_score_prev"].astype(float)
    data["attainment"] = pd.Categorical(data["goal_met"], categories=["nej", "delvist", "ja"], ordered=True)
    return data.reset_index(drop=True)


def _terms(data: pd.DataFrame) -> list[str]:
    terms = ["months", "vum_score_prev"]
    terms += [f"C({c})" for c in ("age_group", "service", "goal_type_prev", "target_group") if data[c].nunique() > 1]
    return terms


def goal_model(pairs: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """GEE logit of goal met/partly met, clustered by municipality (exchangeable).

    Returns (``term``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``) and
    diagnostics: ``n``, ``events``, ``parameters``, ``events_per_parameter``, ``clusters``,
    ``covariance``."""
    data = model_frame(pairs)
    info = {
        "n": len(data),
        "events": int(min(data["met"].sum(), len(data) - data["met"].sum())) if len(data) else 0,
        "clusters": int(data["municipality"].nunique()) if len(data) else 0,
    }
    if len(data) < 20 or info["events"] < 5 or info["clusters"] < 2:
        return pd.DataFrame(columns=MODEL_COLUMNS), {
            **info,
            "parameters": 0,
            "events_per_parameter": 0.0,
            "covariance": "",
            "fitted": False,
        }
    formula = "met ~ " + " + ".join(_terms(data))
    model = smf.gee(
        formula,
        groups="municipality",
        data=data,
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
    )
    covariance = "bias_reduced" if info["clusters"] < FEW_CLUSTERS else "robust"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(cov_type=covariance, maxiter=200)
    table = _odds_table(fit.params, fit.conf_int(), fit.pvalues)
    parameters = len(fit.params) - 1
    return table, {
        **info,
        "parameters": parameters,
        "events_per_parameter": info["events"] / max(parameters, 1),
        "covariance": covariance,
        "fitted": True,
    }


def ordered_model(pairs: pd.DataFrame) -> pd.DataFrame:
    """Ordered logit (nej < delvist < ja) on the same variables; odds ratios of a higher level.
    Standard errors are cluster-robust by municipality."""
    data = model_frame(pairs)
    if len(data) < 20 or data["attainment"].nunique() < 3:
        return pd.DataFrame(columns=MODEL_COLUMNS)
    exog = pd.get_dummies(
        data[
            ["months", "vum_score_prev"]
            + [c for c in ("age_group", "service", "goal_type_prev", "target_group") if data[c].nunique() > 1]
        ],
        drop_first=True,
        dtype=float,
    )
    exog.columns = [_dummy_label(c) for c in exog.columns]
    model = OrderedModel(data["attainment"], exog, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = model.fit(
            method="bfgs",
            disp=False,
            maxiter=500,
            cov_type="cluster",
            cov_kwds={"groups": data["municipality"].astype(int).to_numpy()},
        )
    keep = list(exog.columns)
    return _odds_table(fit.params[keep], fit.conf_int().loc[keep], fit.pvalues[keep])


def _dummy_label(column: str) -> str:
    for var in ("age_group", "service", "goal_type_prev", "target_group"):
        if column.startswith(var + "_"):
            return f"C({var})[T.{column[len(var) + 1 :]}]"
    return column


def _odds_table(params, conf, pvalues) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "term": params.index,
            "odds_ratio": np.exp(params.to_numpy()),
            "ci_low": np.exp(np.asarray(conf)[:, 0]),
            "ci_high": np.exp(np.asarray(conf)[:, 1]),
            "p_value": pvalues.to_numpy(),
        }
    )
    return out[out["term"] != "Intercept"].reset_index(drop=True)


def price_change_by_attainment(pairs: pd.DataFrame) -> pd.DataFrame:
    """Figs 3.17/3.18: per service and goal attainment, the share with lower, same and higher price/hours."""
    data = pairs.dropna(subset=["goal_met", "measure_change"])
    data = data[data["service"] == data["service_prev"]]
    direction = np.select(
        [data["measure_change"] < -1e-9, data["measure_change"] > 1e-9], ["lavere", "højere"], "uændret"
    )
    out = (
        data.assign(direction=direction)
        .groupby(["service", "goal_met", "direction"])
        .size()
        .rename("follow_ups")
        .reset_index()
    )
    out["n"] = out.groupby(["service", "goal_met"])["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    return out


def price_change_data(pairs: pd.DataFrame, service: str) -> pd.DataFrame:
    """The follow-ups that enter :func:`price_change_model`, with the outcome ``y``."""
    data = pairs.dropna(subset=["goal_met", "measure_change", "measure_prev"])
    data = data[(data["service"] == service) & (data["service_prev"] == service)].copy()
    if service == "§107":
        data = data[(data["measure"] > 0) & (data["measure_prev"].astype(float) > 0)]
        data["y"] = 100 * (data["measure"] / data["measure_prev"].astype(float) - 1)
    else:
        data["y"] = data["measure_change"]
    return data


def price_change_model(pairs: pd.DataFrame, service: str) -> pd.DataFrame:
    """OLS of the change in price (§107, per cent) or hours (§85) on goal attainment
    (reference: not met), cluster-robust by municipality. Columns: term, estimate, ci_low,
    ci_high, p_value (the model's follow-ups: :func:`price_change_data`)."""
    columns = ["term", "estimate", "ci_low", "ci_high", "p_value"]
    data = price_change_data(pairs, service)
    if len(data) < 20 or data["goal_met"].nunique() < 2 or data["municipality"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    fit = smf.ols("y ~ C(goal_met, Treatment(reference='nej'))", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": data["municipality"].astype(int)}
    )
    conf = fit.conf_int()
    out = pd.DataFrame(
        {
            "term": fit.params.index,
            "estimate": fit.params.to_numpy(),
            "ci_low": conf[0].to_numpy(),
            "ci_high": conf[1].to_numpy(),
            "p_value": fit.pvalues.to_numpy(),
        }
    )
    out["term"] = out["term"].str.replace(
        r"C\(goal_met, Treatment\(reference='nej'\)\)\[T\.(.+)\]", r"goal_met=\1", regex=True
    )
    return out[columns]


__all__ = [
    "attainment_by_municipality",
    "goal_model",
    "ordered_model",
    "wilson",
    "price_change_by_attainment",
    "price_change_model",
    "SERVICES",
]
