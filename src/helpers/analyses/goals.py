"""Goal attainment and follow-up of adult cases (KL's SEP project 9, figures 3.1-3.3,
3.9-3.12, 3.17 and 3.18), with the models the report could not fit.

Definitions as KL states them (seeds/003):

* Figure 3.11, ``attainment_by_municipality``: goal attainment per municipality *from the
  1st to the 2nd registration*, for citizens whose goal set at the 1st registration is
  better functioning (``forbedring``): registration 2 (dated in the period) with a recorded
  ``goal_met``, following registration 1 with ``goal_type`` forbedring;
  ``share_met_or_partly`` = (met + partly) / registrations with its 95 % Wilson interval.
  ``attainment_all_followups`` is the same over every follow-up k -> k+1 and goal type.
* Figures 3.9/3.10: attainment by the goal type set at k, for k = 1 (1st -> 2nd) and k = 2
  (2nd -> 3rd) separately.
* Figures 3.17/3.18: change in price (§107) or hours (§85) from k to k+1 for goals of better
  functioning only; "mål opfyldt" = fully or partly met, one group, against not met.

Models (what the report could not do), honest about what the data carry:

* Goal met or partly met at a follow-up on months since the previous registration, VUM score
  at k, age group, service, goal type set at k and target group; municipality is a cluster.
  A category with under 5 follow-ups never enters as its own term: it is pooled into
  "andet", and if "andet" still has under 5 those follow-ups are left out (``info['pooled']``,
  ``info['left_out']``).
* Few clusters (under 40 municipalities): the GEE logit (exchangeable) uses the
  bias-reduced (Mancl-DeRouen) covariance and t intervals with G-1 degrees of freedom; the
  ordered logit (nej < delvist < ja) uses the cluster-robust sandwich (CR1) with t(G-1);
  the OLS of price/hours change uses CR1 with t(G-1) (statsmodels). The alternative would be
  a wild cluster bootstrap (``wildboottest``), which gives p-values, not intervals.
* A model that does not converge, or whose estimates or standard errors are not finite, is
  not fitted (``info['fitted']`` False, ``info['reason']`` in Danish).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .adults import SERVICES, follow_ups
from .intervals import wilson

ATTAINMENT = ("ja", "delvist", "nej")
MODEL_COLUMNS = ["term", "odds_ratio", "ci_low", "ci_high", "p_value"]
FEW_CLUSTERS = 40
MIN_EVENTS_PER_PARAMETER = 10
#: A category with fewer follow-ups never enters a model as its own term.
MIN_GROUP = 5
POOLED = "andet"
CATEGORIES = ("age_group", "service", "goal_type_prev", "target_group")
MET, NOT_MET = "opfyldt (helt eller delvist)", "ikke opfyldt"


def attainment_followups(registrations: pd.DataFrame, start, end, first_to_second: bool = True) -> pd.DataFrame:
    """Follow-ups k -> k+1 with the later registration in [start, end] and a recorded
    ``goal_met``. With ``first_to_second`` (KL's figure 3.11): only 1st -> 2nd registration,
    and only goals of better functioning (``goal_type`` forbedring at the 1st)."""
    pairs = follow_ups(registrations, start, end).dropna(subset=["goal_met"])
    if first_to_second:
        pairs = pairs[(pairs["registration_no_prev"] == 1) & (pairs["goal_type_prev"] == "forbedring")]
    return pairs.reset_index(drop=True)


def attainment_by_municipality(registrations: pd.DataFrame, start, end, first_to_second: bool = True) -> pd.DataFrame:
    """``goal_attainment_by_municipality`` (figure 3.11; with ``first_to_second`` False:
    every follow-up): one row per municipality (kommunekode) and a last row ``I alt``."""
    data = attainment_followups(registrations, start, end, first_to_second)
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
    """Fig 3.3 as KL defines it ("Gns. VUM-score ved første registrering og i målsætningen"):
    per municipality the mean VUM score at the first registration over *every* case with a
    score (``cases``), and the mean VUM target over the cases with a target (``target_cases``;
    KL: 7 of 10 municipalities set one), each mean over its own cases."""
    scored, targeted = units.dropna(subset=["vum_score"]), units.dropna(subset=["vum_target"])
    out = pd.DataFrame(
        {
            "cases": scored.groupby("municipality").size(),
            "vum_mean": scored.groupby("municipality")["vum_score"].mean(),
            "target_cases": targeted.groupby("municipality").size(),
            "vum_target_mean": targeted.groupby("municipality")["vum_target"].mean(),
        }
    )
    out[["cases", "target_cases"]] = out[["cases", "target_cases"]].fillna(0).astype(int)
    return out.rename_axis("municipality").reset_index()


def goal_type_follow_ups(pairs: pd.DataFrame, from_registration: int) -> pd.DataFrame:
    """The follow-ups figures 3.9/3.10 count: from registration k = ``from_registration`` to
    k+1, with a goal type set at k and a recorded attainment at k+1."""
    return pairs[pairs["registration_no_prev"] == from_registration].dropna(subset=["goal_met", "goal_type_prev"])


def attainment_by_goal_type(pairs: pd.DataFrame, from_registration: int) -> pd.DataFrame:
    """Figs 3.9 (``from_registration`` 1: 1st -> 2nd) and 3.10 (2: 2nd -> 3rd): attainment at
    k+1 by the goal type set at k (tidy, with shares)."""
    data = goal_type_follow_ups(pairs, from_registration)
    out = data.groupby(["goal_type_prev", "goal_met"]).size().rename("follow_ups").reset_index()
    out["n"] = out.groupby("goal_type_prev")["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    return out.rename(columns={"goal_type_prev": "goal_type"})


def initiated_follow_ups(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """The follow-ups figure 3.12 counts: registrations k >= 2 dated in the period, with
    their ``initiator`` ("uoplyst" where none is recorded)."""
    r = registrations
    data = r[
        (r["registration_no"] >= 2)
        & (r["registration_date"] >= pd.Timestamp(start))
        & (r["registration_date"] <= pd.Timestamp(end))
    ]
    return data.assign(initiator=data["initiator"].fillna("uoplyst"))


def initiators(registrations: pd.DataFrame, start, end) -> pd.DataFrame:
    """Fig 3.12: who initiated the follow-ups (see :func:`initiated_follow_ups`)."""
    out = initiated_follow_ups(registrations, start, end).groupby(["municipality", "initiator"]).size()
    out = out.rename("follow_ups").reset_index()
    out["n"] = out.groupby("municipality")["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    return out


def pool_small(values: pd.Series, minimum: int = MIN_GROUP) -> tuple[pd.Series, list[str]]:
    """Levels with under ``minimum`` rows pooled into "andet"; returns the new values and the
    levels pooled. (If "andet" then still has under ``minimum`` rows, the caller leaves them out.)"""
    counts = values.value_counts()
    small = sorted(str(v) for v in counts[counts < minimum].index if v != POOLED)
    return values.where(~values.astype(str).isin(small), POOLED), small


def model_frame(pairs: pd.DataFrame) -> pd.DataFrame:
    """Follow-ups with every model variable present; ``met`` = goal met or partly met.
    Categories with under 5 follow-ups are pooled into "andet"; the follow-ups of an "andet"
    that still has under 5 are left out (``attrs['pooled']``, ``attrs['left_out']``)."""
    data = pairs.dropna(
        subset=["goal_met", "months", "vum_score_prev", "age_group", "service", "goal_type_prev"]
    ).copy()
    data["target_group"] = data["target_group"].fillna("uoplyst")
    pooled: dict[str, list[str]] = {}
    left_out = 0
    while True:  # until no category has a group under 5 (leaving some out can make another small)
        for column in CATEGORIES:
            data[column], small = pool_small(data[column].astype(str))
            if small:
                pooled[column] = sorted(set(pooled.get(column, [])) | set(small))
        rare = np.zeros(len(data), dtype=bool)
        for column in CATEGORIES:
            counts = data[column].map(data[column].value_counts())
            rare |= ((data[column] == POOLED) & (counts < MIN_GROUP)).to_numpy()
        if not rare.any():
            break
        data, left_out = data[~rare].copy(), left_out + int(rare.sum())
    data["met"] = data["goal_met"].isin(["ja", "delvist"]).astype(int)
    data["vum_score_prev"] = data["vum_score_prev"].astype(float)
    data["attainment"] = pd.Categorical(data["goal_met"], categories=["nej", "delvist", "ja"], ordered=True)
    data = data.reset_index(drop=True)
    data.attrs["pooled"], data.attrs["left_out"] = pooled, left_out
    return data


def _terms(data: pd.DataFrame) -> list[str]:
    terms = ["months", "vum_score_prev"]
    terms += [f"C({c})" for c in CATEGORIES if data[c].nunique() > 1]
    return terms


def _t_table(params: pd.Series, bse: pd.Series, df: int, exp: bool = True) -> pd.DataFrame:
    """Estimates with 95 % t intervals and p-values on ``df`` degrees of freedom (odds ratios when ``exp``)."""
    q = stats.t.ppf(0.975, df)
    low, high = params - q * bse, params + q * bse
    p = 2 * stats.t.sf(np.abs(params / bse), df)
    f = (lambda x: np.exp(np.clip(x, -700, 700))) if exp else (lambda x: x)
    columns = MODEL_COLUMNS if exp else ["term", "estimate", "ci_low", "ci_high", "p_value"]
    out = pd.DataFrame(
        {
            "term": params.index,
            columns[1]: f(params.to_numpy()),
            "ci_low": f(np.asarray(low)),
            "ci_high": f(np.asarray(high)),
            "p_value": np.asarray(p),
        }
    )
    return out[out["term"] != "Intercept"].reset_index(drop=True)


def _usable(params, bse) -> bool:
    return bool(np.isfinite(np.asarray(params, float)).all() and np.isfinite(np.asarray(bse, float)).all())


def _not_fitted(info: dict, reason: str) -> tuple[pd.DataFrame, dict]:
    return pd.DataFrame(columns=MODEL_COLUMNS), {
        **info,
        "parameters": info.get("parameters", 0),
        "events_per_parameter": info.get("events_per_parameter", 0.0),
        "covariance": info.get("covariance", ""),
        "fitted": False,
        "reason": reason,
    }


def goal_model(pairs: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """GEE logit of goal met/partly met, clustered by municipality (exchangeable).

    Returns (``term``, ``odds_ratio``, ``ci_low``, ``ci_high``, ``p_value``) and
    diagnostics: ``n``, ``events``, ``parameters``, ``events_per_parameter``, ``clusters``,
    ``covariance``, ``df`` (of the t intervals), ``pooled``, ``left_out``, ``fitted`` and,
    when not fitted, ``reason`` (Danish)."""
    data = model_frame(pairs)
    info = {
        "n": len(data),
        "events": int(min(data["met"].sum(), len(data) - data["met"].sum())) if len(data) else 0,
        "clusters": int(data["municipality"].nunique()) if len(data) else 0,
        "pooled": data.attrs["pooled"],
        "left_out": data.attrs["left_out"],
    }
    if len(data) < 20 or info["events"] < 5 or info["clusters"] < 2:
        return _not_fitted(info, "Der er for få opfølgninger, udfald eller kommuner til at estimere modellen.")
    formula = "met ~ " + " + ".join(_terms(data))
    model = smf.gee(
        formula,
        groups="municipality",
        data=data,
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
    )
    few = info["clusters"] < FEW_CLUSTERS
    covariance = "bias_reduced" if few else "robust"
    info["parameters"] = len(model.exog_names) - 1
    info["events_per_parameter"] = info["events"] / max(info["parameters"], 1)
    info["covariance"] = covariance
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = model.fit(cov_type=covariance, maxiter=200)
        except (np.linalg.LinAlgError, ValueError) as err:
            return _not_fitted(info, f"Modellen kunne ikke estimeres ({type(err).__name__}).")
    failed = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    if failed or not getattr(fit, "converged", True):
        return _not_fitted(info, "Modellen konvergerede ikke, så dens estimater vises ikke.")
    if not _usable(fit.params, fit.bse):
        return _not_fitted(info, "Modellens estimater eller standardfejl kan ikke beregnes (NaN), så de vises ikke.")
    df = info["clusters"] - 1 if few else np.inf
    info["df"] = df
    return _t_table(fit.params, fit.bse, df), {**info, "fitted": True}


class OrderedLogit(OrderedModel):
    """statsmodels' ordered logit with its score and Hessian written out, not differenced.

    statsmodels differences the log-likelihood numerically for the Newton step and for the
    cluster sandwich; numerical second derivatives carry noise of about 1e-5, so the
    standard errors moved in the 4th-6th digit between BLAS kernels (the ordered model's
    intervals differed in the published file between machines). Analytic derivatives
    make the estimates and their errors smooth functions of the data: between OpenBLAS
    core types they agree to about 1e-12.

    Parameters as statsmodels': ``beta`` (one per column of ``exog``), then the thresholds
    ``tau_1 = theta_0`` and ``tau_m = tau_(m-1) + exp(theta_(m-1))``. With
    ``u = tau_(y+1) - x beta``, ``l = tau_y - x beta`` and ``P = F(u) - F(l)`` (F logistic):
    ``dlogP = (f(u) du - f(l) dl) / P`` and
    ``d2logP = (f'(u) du du' + f(u) d2u - f'(l) dl dl' - f(l) d2l) / P - dlogP dlogP'``,
    with ``f' = f (1 - 2F)``."""

    def __init__(self, endog, exog, distr="logit", **kwargs):
        if distr != "logit":  # the Hessian uses f' = f (1 - 2F), which holds for the logistic only
            raise ValueError("OrderedLogit is the logistic model; use statsmodels' OrderedModel for other links")
        super().__init__(endog, exog, distr=distr, **kwargs)

    def _parts(self, params):
        params = np.asarray(params, dtype=float)
        k_thresholds = self.k_levels - 1
        k_exog = len(params) - k_thresholds
        x = np.asarray(self.exog, dtype=float).reshape(len(self.endog), k_exog)
        y = np.asarray(self.endog, dtype=int)
        theta = params[k_exog:]
        step = np.concatenate(([1.0], np.exp(theta[1:])))  # d tau_m / d theta_i for i <= m-1
        first = np.tril(np.ones((k_thresholds, k_thresholds))) * step  # row m-1: tau_m
        second = first.copy()
        second[:, 0] = 0.0  # d2 tau_m / d theta_i^2 = exp(theta_i), i >= 1; theta_0 enters linearly
        none = np.zeros((1, k_thresholds))
        first, second = np.vstack([none, first, none]), np.vstack([none, second, none])  # tau_0 = -inf, tau_J = inf
        tau = self.transform_threshold_params(params)
        xb = x @ params[:k_exog]
        sides = []
        for index, sign in ((y + 1, 1.0), (y, -1.0)):
            z = tau[index] - xb
            finite = np.isfinite(z)
            cdf = np.where(finite, self.distr.cdf(np.where(finite, z, 0.0)), (z > 0).astype(float))
            pdf = np.where(finite, self.distr.pdf(np.where(finite, z, 0.0)), 0.0)
            grad = np.hstack([-x, first[index]])
            sides.append((sign, cdf, pdf, pdf * (1.0 - 2.0 * cdf), grad, second[index]))
        prob = sides[0][1] - sides[1][1]
        return prob, sides

    @staticmethod
    def _scores(prob, sides):
        return sum(sign * (pdf / prob)[:, None] * grad for sign, _, pdf, _, grad, _ in sides)

    def score_obs(self, params):
        return self._scores(*self._parts(params))

    def score(self, params):
        return self.score_obs(params).sum(axis=0)

    def hessian(self, params):
        prob, sides = self._parts(params)
        scores = self._scores(prob, sides)
        k_exog = len(np.asarray(params)) - (self.k_levels - 1)
        out = -scores.T @ scores
        for sign, _, pdf, slope, grad, second in sides:
            out += sign * (grad.T * (slope / prob)) @ grad
            curvature = sign * (pdf / prob) @ second
            out[np.arange(k_exog, out.shape[0]), np.arange(k_exog, out.shape[0])] += curvature
        return out


def ordered_model(pairs: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Ordered logit (nej < delvist < ja) on the same variables; odds ratios of a higher level.
    Standard errors: the cluster-robust sandwich by municipality (CR1: G/(G-1) x (N-1)/(N-K)),
    intervals from t with G-1 degrees of freedom. Returns (table, info) as :func:`goal_model`."""
    data = model_frame(pairs)
    info = {
        "n": len(data),
        "clusters": int(data["municipality"].nunique()) if len(data) else 0,
        "pooled": data.attrs["pooled"],
        "left_out": data.attrs["left_out"],
        "covariance": "cluster",
    }
    if len(data) < 20 or data["attainment"].nunique() < 3 or info["clusters"] < 2:
        return _not_fitted(info, "Der er for få opfølgninger eller niveauer til den ordinale model.")
    exog = pd.get_dummies(
        data[["months", "vum_score_prev"] + [c for c in CATEGORIES if data[c].nunique() > 1]],
        drop_first=True,
        dtype=float,
    )
    exog.columns = [_dummy_label(c) for c in exog.columns]
    exog = exog.loc[:, exog.nunique() > 1]  # a constant (e.g. the same months for all) is the thresholds' own
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = OrderedLogit(data["attainment"], exog, distr="logit")
            rough = model.fit(method="bfgs", disp=False, maxiter=1000)
            fit = model.fit(
                start_params=rough.params,
                method="newton",
                tol=1e-8,
                disp=False,
                maxiter=100,
                cov_type="cluster",
                cov_kwds={"groups": data["municipality"].astype(int).to_numpy()},
            )
        except (np.linalg.LinAlgError, ValueError) as err:
            return _not_fitted(info, f"Den ordinale model kunne ikke estimeres ({type(err).__name__}).")
    keep = list(exog.columns)
    info["parameters"] = len(keep)
    if not fit.mle_retvals.get("converged", False):
        return _not_fitted(info, "Den ordinale model konvergerede ikke, så dens estimater vises ikke.")
    if not _usable(fit.params, fit.bse):
        return _not_fitted(info, "Den ordinale models estimater eller standardfejl kan ikke beregnes (NaN).")
    df = info["clusters"] - 1
    info["df"] = df
    return _t_table(fit.params[keep], fit.bse[keep], df), {**info, "fitted": True}


def _dummy_label(column: str) -> str:
    for var in CATEGORIES:
        if column.startswith(var + "_"):
            return f"C({var})[T.{column[len(var) + 1 :]}]"
    return column


def improvement_followups(pairs: pd.DataFrame) -> pd.DataFrame:
    """Figs 3.17/3.18: follow-ups of goals of better functioning (goal type forbedring at k)
    with a recorded attainment, the same service at k and k+1 and a change in price/hours;
    ``met`` = "opfyldt (helt eller delvist)" or "ikke opfyldt" (KL: "'mål opfyldt' omfatter
    borgere, som helt eller delvist har opfyldt de opstillede mål")."""
    data = pairs.dropna(subset=["goal_met", "measure_change"])
    data = data[(data["service"] == data["service_prev"]) & (data["goal_type_prev"] == "forbedring")].copy()
    data["met"] = np.where(data["goal_met"].isin(["ja", "delvist"]), MET, NOT_MET)
    data["direction"] = np.select(
        [data["measure_change"] < -1e-9, data["measure_change"] > 1e-9], ["lavere", "højere"], "uændret"
    )
    return data


def improvement_followups_with_total(pairs: pd.DataFrame) -> pd.DataFrame:
    """:func:`improvement_followups` per service and once more as service "I alt" (fig 3.17's rows)."""
    data = improvement_followups(pairs)
    return pd.concat([data, data.assign(service="I alt")], ignore_index=True)


def price_change_by_attainment(pairs: pd.DataFrame) -> pd.DataFrame:
    """Fig 3.17 (``service`` "I alt"; per service as KL's text splits it): the share with lower, same and
    higher price/hours by goal met (fully or partly) or not, goals of better functioning only."""
    data = improvement_followups_with_total(pairs)
    out = data.groupby(["service", "met", "direction"]).size().rename("follow_ups").reset_index()
    out["n"] = out.groupby(["service", "met"])["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    order = {s: i for i, s in enumerate([*SERVICES, "I alt"])}
    out = out.sort_values(["service", "met", "direction"], key=lambda c: c.map(order) if c.name == "service" else c)
    return out.rename(columns={"met": "goal_met"}).reset_index(drop=True)


#: The directions of a change in price/hours at the next registration.
DIRECTIONS = ("lavere", "uændret", "højere")


def price_change_by_municipality(pairs: pd.DataFrame) -> pd.DataFrame:
    """Fig 3.18 (KL: "Det samme billede kan konstateres på kommuneniveau"): figure 3.17 per
    municipality, both services together: the share with lower, same and higher price/hours
    at the next registration by goal met (fully or partly) or not, goals of better
    functioning only; every direction of a group with follow-ups is a row (0 included).
    Columns: municipality, goal_met, direction, follow_ups, n, share."""
    data = improvement_followups(pairs)
    columns = ["municipality", "goal_met", "direction", "follow_ups", "n", "share"]
    if data.empty:
        return pd.DataFrame(columns=columns)
    data = data.assign(municipality=data["municipality"].astype(int))
    counts = data.groupby(["municipality", "met", "direction"]).size()
    # every direction of each group with follow-ups, zeros too: "none unchanged" is a finding
    groups = counts.index.droplevel("direction").unique()
    full = pd.MultiIndex.from_tuples(
        [(m, met, d) for m, met in groups for d in DIRECTIONS], names=["municipality", "met", "direction"]
    )
    out = counts.reindex(full, fill_value=0).rename("follow_ups").reset_index()
    out["n"] = out.groupby(["municipality", "met"])["follow_ups"].transform("sum")
    out["share"] = out["follow_ups"] / out["n"]
    out = out.rename(columns={"met": "goal_met"}).sort_values(["municipality", "goal_met", "direction"])
    return out[columns].reset_index(drop=True)


def price_change_data(pairs: pd.DataFrame, service: str) -> pd.DataFrame:
    """The follow-ups that enter :func:`price_change_model` (goals of better functioning),
    with the outcome ``y``."""
    data = improvement_followups(pairs)
    data = data.dropna(subset=["measure_prev"])
    data = data[data["service"] == service].copy()
    if service == "§107":
        data = data[(data["measure"] > 0) & (data["measure_prev"].astype(float) > 0)]
        data["y"] = 100 * (data["measure"] / data["measure_prev"].astype(float) - 1)
    else:
        data["y"] = data["measure_change"]
    data["goal_met"] = np.where(data["met"] == MET, "opfyldt", "ikke opfyldt")
    return data


def price_change_model(pairs: pd.DataFrame, service: str) -> pd.DataFrame:
    """OLS of the change in price (§107, per cent) or hours (§85) on goal met (fully or
    partly; reference: not met), goals of better functioning only. Standard errors
    cluster-robust by municipality (CR1), intervals from t with G-1 degrees of freedom.
    Columns: term, estimate, ci_low, ci_high, p_value (empty when the model cannot be fitted)."""
    columns = ["term", "estimate", "ci_low", "ci_high", "p_value"]
    data = price_change_data(pairs, service)
    groups = data["goal_met"].value_counts()
    if len(data) < 20 or len(groups) < 2 or groups.min() < MIN_GROUP or data["municipality"].nunique() < 2:
        return pd.DataFrame(columns=columns)
    clusters = data["municipality"].astype(int)
    fit = smf.ols("y ~ C(goal_met, Treatment(reference='ikke opfyldt'))", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": clusters}, use_t=True
    )
    if not _usable(fit.params, fit.bse):
        return pd.DataFrame(columns=columns)
    out = _t_table(fit.params, fit.bse, clusters.nunique() - 1, exp=False)
    out["term"] = out["term"].str.replace(
        r"C\(goal_met, Treatment\(reference='ikke opfyldt'\)\)\[T\.(.+)\]", r"goal_met=\1", regex=True
    )
    return out[columns]


__all__ = [
    "attainment_by_municipality",
    "attainment_followups",
    "goal_model",
    "ordered_model",
    "wilson",
    "price_change_by_attainment",
    "price_change_by_municipality",
    "price_change_model",
    "SERVICES",
]
