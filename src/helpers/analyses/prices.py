"""Price of §107 and hours of §85 by VUM score, age, target group and municipality.

Reproduces and extends figures 3.4-3.8 and 3.13-3.16 of KL's SEP project 9 (seeds/003).
The analysis unit is each case's first registration, for the cases with a registration in
the period (:func:`helpers.analyses.adults.first_registrations`); the measure is the daily price (§107) or the
granted individual hours per month (§85).

The report compared municipalities without adjusting for VUM score, age or target group.
:func:`municipality_differences` does: OLS of log daily price (§107) or hours (§85) on VUM
score, age group, target group and municipality, with heteroskedasticity-robust (HC3)
standard errors and t intervals (n - k degrees of freedom); a VUM score or target group with
under 5 cases is pooled into "andet" (and left out if "andet" still has under 5), so that no
case has leverage 1 and HC3 is always defined; each municipality's difference from the average municipality (the
unweighted mean of the municipality effects) with a 95 % interval, next to the unadjusted
difference from a model with municipality alone over every case of those municipalities with
an outcome, as the price table counts them (so that it gives nothing of the cases the adjusted
model leaves out away: for §85 its differences are the table's means minus their average).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf
from statsmodels.stats.inter_rater import cohens_kappa

from ..data.paths import REFERENCE_DIR
from ..data.periods import natural_key
from .adults import SERVICES, vum_direction
from .intervals import t_interval, wilson

STATISTICS = ["mean", "median", "p25", "p75"]
MIN_CASES = 5
SUPPORT_LETTERS = list("ABCDEFG")


def _natural(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column
    return column.map(natural_key)


def describe_by(units: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per service and group: ``cases``, ``mean``, ``median``, ``p25``, ``p75`` of the measure."""
    data = units.dropna(subset=["measure", *by])
    groups = data.groupby(["service", *by], sort=True)["measure"]
    out = pd.DataFrame(
        {
            "cases": groups.size(),
            "mean": groups.mean(),
            "median": groups.median(),
            "p25": groups.quantile(0.25),
            "p75": groups.quantile(0.75),
        }
    ).reset_index()
    out["service"] = pd.Categorical(out["service"], categories=list(SERVICES), ordered=True)
    # groups in their natural order (age groups by age, not as text)
    out = out.sort_values(["service", *by], kind="stable", key=_natural).reset_index(drop=True)
    out["service"] = out["service"].astype(str)
    return out[["service", *by, "cases", *STATISTICS]]


def price_by_vum(units: pd.DataFrame) -> pd.DataFrame:
    """``price_by_vum``: service x VUM score."""
    return describe_by(units, ["vum_score"])


def _levels(data: pd.DataFrame, column: str) -> int:
    return data[column].nunique()


def service_cases(units: pd.DataFrame, service: str) -> pd.DataFrame:
    """The cases of ``service`` with a measure (daily price for §107, hours for §85)."""
    return units[(units["service"] == service) & units["measure"].notna()]


def outcome_data(units: pd.DataFrame, service: str) -> pd.DataFrame:
    """The service's cases with an outcome ``y`` (log daily price for a positive §107 price,
    hours for §85), municipality as text."""
    data = service_cases(units, service).copy()
    if service == "§107":
        data = data[data["measure"] > 0]
        data["y"] = np.log(data["measure"])
    else:
        data["y"] = data["measure"]
    data["municipality"] = data["municipality"].astype(int).astype(str)
    return data


def difference_data(units: pd.DataFrame, service: str) -> pd.DataFrame:
    """The cases that enter :func:`municipality_differences`: the service's cases with a
    measure (a positive price for §107), a VUM score and an age; ``y`` is log daily price
    (§107) or hours (§85). Municipalities with under 5 such cases are left out: they are
    not published, and would make HC3 undefined (leverage 1)."""
    data = outcome_data(units, service)
    data = data.dropna(subset=["vum_score", "age_group"])
    data["target_group"] = data["target_group"].fillna("uoplyst")
    while True:  # until no group has under 5 cases (leaving some out can make another group small)
        before = len(data)
        data = data[data.groupby("municipality")["y"].transform("size") >= MIN_CASES]
        for column in ("vum_score", "target_group", "age_group"):
            values = data[column].astype(str)
            counts = values.value_counts()
            small = [v for v in counts[counts < MIN_CASES].index if v != "andet"]
            data = data.assign(**{column: values.where(~values.isin(small), "andet")})
            pooled = data[column] == "andet"
            if 0 < pooled.sum() < MIN_CASES:
                data = data[~pooled]
        if len(data) == before:
            break
    return data


def municipality_differences(units: pd.DataFrame, service: str) -> pd.DataFrame:
    """Unadjusted and adjusted difference of each municipality from the average municipality.

    For §107 the outcome is log daily price and the differences are shown as per cent
    (exp(d) - 1); for §85 it is hours per month. Columns: ``municipality``, ``cases``,
    ``unadjusted``, ``unadjusted_low``, ``unadjusted_high``, ``adjusted``, ``adjusted_low``,
    ``adjusted_high``, ``n``.
    """
    columns = [
        "municipality",
        "cases",
        "unadjusted",
        "unadjusted_low",
        "unadjusted_high",
        "adjusted",
        "adjusted_low",
        "adjusted_high",
        "n",
    ]
    data = difference_data(units, service)
    if _levels(data, "municipality") < 2 or len(data) < 10:
        return pd.DataFrame(columns=columns)
    adjusters = [f"C({c})" for c in ("vum_score", "age_group", "target_group") if _levels(data, c) > 1]
    while adjusters and not _full_rank("y ~ " + " + ".join(adjusters + ["C(municipality)"]), data):
        adjusters.pop()  # a collinear adjuster cannot be told apart from the municipality effects
    # unadjusted: every case of these municipalities with an outcome, as the price table
    # counts them (none pooled away), so that its means are the table's and tell nothing of
    # the cases the adjusted model leaves out
    raw = outcome_data(units, service)
    raw = raw[raw["municipality"].isin(set(data["municipality"]))]
    results = {}
    for label, terms, frame in (("unadjusted", [], raw), ("adjusted", adjusters, data)):
        model = smf.ols("y ~ " + " + ".join(terms + ["C(municipality)"]), data=frame)
        x = model.exog
        leverage = np.einsum("ij,ij->i", x @ np.linalg.pinv(x.T @ x), x)
        if leverage.max() >= 1 - 1e-8:  # HC3 is undefined at leverage 1: not published rather than another method
            return pd.DataFrame(columns=columns)
        fit = model.fit(cov_type="HC3", use_t=True)
        results[label] = _deviations(fit, sorted(data["municipality"].unique()), log=service == "§107")
    out = results["unadjusted"].merge(results["adjusted"], on="municipality", suffixes=("", "_adj"))
    out = out.rename(
        columns={
            "effect": "unadjusted",
            "low": "unadjusted_low",
            "high": "unadjusted_high",
            "effect_adj": "adjusted",
            "low_adj": "adjusted_low",
            "high_adj": "adjusted_high",
        }
    )
    out["cases"] = out["municipality"].map(data["municipality"].value_counts())
    out["n"] = len(data)
    out["municipality"] = out["municipality"].astype(int)
    return out[columns]


def _full_rank(formula: str, data: pd.DataFrame) -> bool:
    exog = smf.ols(formula, data=data).exog
    return np.linalg.matrix_rank(exog) == exog.shape[1]


def _deviations(fit, levels: list[str], log: bool) -> pd.DataFrame:
    """Each level's effect minus the mean of all levels' effects (reference = 0), 95 % CI."""
    names = list(fit.params.index)
    rows = []
    for m in levels:
        contrast = np.zeros(len(names))
        for other in levels:
            name = f"C(municipality)[T.{other}]"
            if name in names:
                contrast[names.index(name)] -= 1 / len(levels)
        own = f"C(municipality)[T.{m}]"
        if own in names:
            contrast[names.index(own)] += 1
        test = fit.t_test(contrast)
        effect, (low, high) = float(np.squeeze(test.effect)), np.squeeze(test.conf_int(alpha=0.05))
        if log:
            effect, low, high = np.expm1(effect), np.expm1(low), np.expm1(high)
        rows.append({"municipality": m, "effect": effect, "low": float(low), "high": float(high)})
    return pd.DataFrame(rows)


def vum_follow_ups(pairs: pd.DataFrame, from_registration: int | None = None) -> pd.DataFrame:
    """The follow-ups figures 3.4/3.5 count (from registration k = ``from_registration`` to
    k+1; None: all), with a VUM score at both, and the ``direction`` of the change."""
    data = pairs.dropna(subset=["vum_score", "vum_score_prev"])
    if from_registration is not None:
        data = data[data["registration_no_prev"] == from_registration]
    return data.assign(direction=vum_direction(data["vum_score"] - data["vum_score_prev"].astype(float)))


def vum_change(pairs: pd.DataFrame, from_registration: int | None = None) -> pd.DataFrame:
    """Figs 3.4 (``from_registration`` 1: 1st -> 2nd) and 3.5 (2: 2nd -> 3rd): follow-ups by
    VUM at k: improved (lower), unchanged, worse (higher). None: every follow-up."""
    data = vum_follow_ups(pairs, from_registration)
    table = pd.crosstab(data["vum_score_prev"].astype(float), data["direction"])
    table = table.reindex(columns=["forbedret", "uændret", "forværret"], fill_value=0)
    table["follow_ups"] = table.sum(axis=1)
    return table.rename_axis("vum_from").reset_index().rename_axis(None, axis=1)


def provider_cases(units: pd.DataFrame) -> pd.DataFrame:
    """The cases :func:`service_and_provider` counts: municipality as text, provider type
    "uoplyst" where none is recorded."""
    return units.assign(
        municipality=units["municipality"].astype(int).astype(str),
        provider_type=units["provider_type"].fillna("uoplyst"),
    )


#: The characteristics of the cases KL gives for all municipalities together (seeds/003,
#: after figure 2.1), with the column each is read from.
CHARACTERISTICS = {"ydelse": "service", "leverandør": "provider_type"}


def service_and_provider(units: pd.DataFrame) -> pd.DataFrame:
    """KL's characteristics of the cases (seeds/003, after figure 2.1: "ca. 2/3 §85 ... 266 af
    sagerne vedrører borgere i kommunens egne tilbud. 93 sager ... private tilbud"), for all
    municipalities together as KL gives them: the cases at the first registration by service
    and by provider type (``uoplyst`` where none is recorded), each with its share, and ``I
    alt``. Tidy: ``characteristic`` (``ydelse``, ``leverandør``), ``category``, ``cases``,
    ``share``. Per municipality the services are in the price tables; the provider types are
    not broken down further, since in a half-year most of them hold 1-4 cases per
    municipality (KL: "antallet af observationer i kategorier, der ikke er kommunernes egne
    tilbud, er ikke tilstrækkeligt")."""
    from ..data.contract import PROVIDER_TYPES

    columns = ["characteristic", "category", "cases", "share"]
    data = provider_cases(units)
    if data.empty:
        return pd.DataFrame(columns=columns)
    categories = {"ydelse": list(SERVICES), "leverandør": [*PROVIDER_TYPES, "uoplyst"]}
    rows = [
        (name, category, int((data[column] == category).sum()))
        for name, column in CHARACTERISTICS.items()
        for category in categories[name]
    ]
    rows.append(("I alt", "I alt", len(data)))
    out = pd.DataFrame(rows, columns=columns[:3])
    out["share"] = out["cases"] / len(data)
    return out


def income_basis(units: pd.DataFrame) -> pd.DataFrame:
    """Figs 3.6/3.7: cases by income basis (and in total, ``I alt``), their share, and mean
    VUM with a 95 % t-interval."""
    data = units.dropna(subset=["income_basis"])
    rows = []
    groups = [*data.groupby("income_basis", sort=True)] + ([("I alt", data)] if len(data) else [])
    for basis, g in groups:
        vum = g["vum_score"].dropna()
        mean, low, high = t_interval(vum)
        rows.append(
            {
                "income_basis": basis,
                "cases": len(g),
                "share": len(g) / len(data),
                "vum_cases": len(vum),
                "vum_mean": mean,
                "vum_ci_low": low,
                "vum_ci_high": high,
            }
        )
    return pd.DataFrame(
        rows, columns=["income_basis", "cases", "share", "vum_cases", "vum_mean", "vum_ci_low", "vum_ci_high"]
    )


def income_follow_ups(pairs: pd.DataFrame) -> pd.DataFrame:
    """The follow-ups from the 1st to the 2nd registration with an income basis recorded at
    both, with ``income_from`` (at the 1st) and ``kept`` (the same basis at the 2nd)."""
    if "income_basis_prev" not in pairs:
        return pairs.iloc[0:0].assign(income_from=pd.Series(dtype=object), kept=pd.Series(dtype=bool))
    data = pairs[pairs["registration_no_prev"] == 1].dropna(subset=["income_basis", "income_basis_prev"])
    return data.assign(
        income_from=data["income_basis_prev"].astype(str), kept=data["income_basis"] == data["income_basis_prev"]
    )


def income_transition(pairs: pd.DataFrame) -> pd.DataFrame:
    """KL (seeds/003, figure 3.6: "de fleste har samme forsørgelsesgrundlag ved 1. og 2.
    registrering"): the follow-ups from the 1st to the 2nd registration with an income basis
    at both, by the basis at the 1st (alphabetically, and ``I alt``): ``follow_ups``,
    ``unchanged`` (the same basis at the 2nd), ``changed`` and the share unchanged with a
    95 % Wilson interval."""
    data = income_follow_ups(pairs)
    groups = [*data.groupby("income_from", sort=True)] + ([("I alt", data)] if len(data) else [])
    rows = []
    for basis, g in groups:
        kept = int(g["kept"].sum())
        low, high = wilson(kept, len(g))
        rows.append(
            {
                "income_basis": basis,
                "follow_ups": len(g),
                "unchanged": kept,
                "changed": len(g) - kept,
                "share_unchanged": kept / len(g),
                "ci_low": float(low),
                "ci_high": float(high),
            }
        )
    columns = ["income_basis", "follow_ups", "unchanged", "changed", "share_unchanged", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


#: The follow-ups of figure 3.8 by their number: 1st -> 2nd, and the later ones together
#: (KL: 382 cases have a 2nd registration, 169 a 3rd, one a 9th; in a half-year, later
#: follow-ups are too few to show apart).
FOLLOW_UPS = {1: "1.→2."}
LATER_FOLLOW_UPS = "2.→3. og senere"


def follow_up_label(registration_no_prev) -> str:
    """The follow-up's label by the number of the registration it starts from."""
    return FOLLOW_UPS.get(int(registration_no_prev), LATER_FOLLOW_UPS)


def months_between(pairs: pd.DataFrame) -> pd.DataFrame:
    """Fig 3.8 as KL reads it ("opfølgningen bliver hyppigere i takt med antallet af
    opfølgninger"): months between consecutive registrations per municipality over all its
    follow-ups (``follow_up`` "I alt"), and for all municipalities together (``municipality``
    "I alt") *by follow-up number* (1st -> 2nd, 2nd -> 3rd, later) and in total: mean with its
    95 % t-interval, and median. ``municipality`` holds the kommunekode as text. (Per
    municipality and follow-up number most groups have fewer than 5 follow-ups.)"""
    data = pairs.dropna(subset=["months"])
    data = data.assign(follow_up=data["registration_no_prev"].map(follow_up_label))
    order = [*FOLLOW_UPS.values(), LATER_FOLLOW_UPS]
    rows = []
    groups = [(str(int(code)), g, ["I alt"]) for code, g in data.groupby("municipality", sort=True)]
    for code, g, follow_ups in groups + ([("I alt", data, [*order, "I alt"])] if len(data) else []):
        for follow_up in follow_ups:
            part = g["months"] if follow_up == "I alt" else g.loc[g["follow_up"] == follow_up, "months"]
            if part.empty:
                continue
            mean, low, high = t_interval(part)
            rows.append(
                {
                    "municipality": code,
                    "follow_up": follow_up,
                    "follow_ups": len(part),
                    "mean_months": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "median_months": float(part.median()),
                }
            )
    return pd.DataFrame(
        rows,
        columns=["municipality", "follow_up", "follow_ups", "mean_months", "ci_low", "ci_high", "median_months"],
    )


def published_support_letters() -> pd.DataFrame:
    """København: support letter (rows) x ordinary VUM letter (columns), 912 citizens, as published."""
    table = pd.read_csv(REFERENCE_DIR / "reference" / "kbh_vum_support_letter.csv", dtype=str).set_index(
        "support_letter"
    )
    return table.drop(columns="Sum").drop(index="Sum").replace("", "0").fillna("0").astype(int)


def records_from_crosstab(table: pd.DataFrame) -> pd.DataFrame:
    """One row per citizen with ``support_letter`` and ``vum_letter`` (from a published table)."""
    rows = [(s, v) for s in table.index for v in table.columns for _ in range(int(table.at[s, v]))]
    return pd.DataFrame(rows, columns=["support_letter", "vum_letter"])


def letter_agreement(records: pd.DataFrame) -> dict:
    """Cross-table of support letter against VUM letter, the share on the diagonal and
    Cohen's kappa with linear weights (letters are ordered A-G) with its 95 % interval."""
    table = pd.crosstab(records["support_letter"], records["vum_letter"])
    square = table.reindex(index=SUPPORT_LETTERS, columns=SUPPORT_LETTERS, fill_value=0)
    n = int(square.to_numpy().sum())
    kappa = cohens_kappa(square.to_numpy(), wt="linear")
    return {
        "table": table.reindex(index=[s for s in SUPPORT_LETTERS if s in table.index]),
        "n": n,
        "diagonal_share": float(np.trace(square.to_numpy()) / n),
        "kappa": float(kappa.kappa),
        "kappa_low": float(kappa.kappa_low),
        "kappa_high": float(kappa.kappa_upp),
    }
