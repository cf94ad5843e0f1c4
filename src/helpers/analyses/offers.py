"""Offers (tilbud) compared on price within a measure type: each offer's children and
monthly price against the type's *normal price* (normalpris), the median, rather than the
mean, which a few very expensive offers pull up (Ishøj, seeds/003: "Normalpriser kontra
gennemsnitspriser"; Esbjerg and Ishøj compare prices of similar offers, seeds/000).

Definitions:

* The interventions counted are those with an offer (``offer_id`` or ``offer_name``) that are
  active at some time in the period (start <= period end and (no end or end >= period
  start)). An offer is its ``offer_id`` (else its name); it is shown by ``offer_name``
  (else its id).
* *Measure type*: for a placement (steps 4-6) the mapping's placement type (e.g.
  "plejefamilie, almindelig"); for a preventive measure (steps 1-3) the kind of measure in
  :data:`PREVENTIVE_TYPES` (matched on the normalised measure text, Serviceloven § 52 and
  Barnets lov § 32 alike), else the measure text itself.
* An offer's *children*: distinct children with an intervention of the offer (and type)
  active in the period. Its *price*: the median monthly cost (``monthly_cost``) of those
  interventions.
* The type's *normal price*: the median monthly cost over all the type's interventions; its
  *mean price*: their mean. An offer's price against the normal price: (price / normal
  price - 1) x 100 %.
* Offers with fewer than :data:`MIN_CHILDREN` children in the period are pooled, per type,
  into one row ``Øvrige tilbud`` (before disclosure control, so that no offer name stands
  beside a count of 1-4). A pool of 1-4 children takes in the type's smallest named offers
  until it has 5 or more (or holds every offer): since a name says "5 or more", a named
  offer withheld beside a pool of 1-4 and a published total would give the pool away.
* Measure types with fewer than :data:`MIN_CHILDREN` children in the period are left out
  (:func:`small_types`; the page names them).
* The spread between offers: the quartiles (25 %, median, 75 %; linear interpolation
  between order statistics, numpy's default) of the prices of the type's offers shown by
  name, when there are at least two.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..data.periods import active_in
from ..data.steps import PLACEMENT_STEPS, PLACEMENT_TYPES, normalise
from .districts import THEMES

TOTAL = "I alt"
OTHERS = "Øvrige tilbud"
MIN_CHILDREN = 5
#: Preventive measure types (steps 1-3), first match wins: Esbjerg's four themes, then the rest.
PREVENTIVE_TYPES = {
    **THEMES,
    "dagbehandling": r"dagbehandling|§ 52 (stk )?3 (nr )?1\b|§ 32 (stk )?1 (nr )?1\b",
    "rådgivning og konsulentbistand": r"r(å|aa)dgivning|konsulent",
    "familie-, netværks- og samtalegrupper": r"familiegruppe|netv(æ|ae)rks ?gruppe|samtalegruppe",
}
_COMPILED = [(t, re.compile(p)) for t, p in PREVENTIVE_TYPES.items()]
COLUMNS = [
    "measure_type",
    "offer",
    "children",
    "price",
    "price_vs_normal_pct",
    "mean_price",
    "offer_price_p25",
    "offer_price_median",
    "offer_price_p75",
]


def _preventive_type(measure) -> str:
    if not isinstance(measure, str):
        return "uoplyst"
    text = normalise(measure)
    return next((t for t, p in _COMPILED if p.search(text)), measure)


def measure_type(interventions: pd.DataFrame) -> pd.Series:
    """The measure type of each intervention (see the module docstring)."""
    step = pd.to_numeric(interventions.get("step"), errors="coerce") if "step" in interventions else None
    placement = interventions.get("placement_type")
    preventive = interventions["measure"].map(_preventive_type)
    if step is None or placement is None:
        return preventive.astype(object)
    placed = step.isin(PLACEMENT_STEPS) & placement.notna() & (placement.astype(str) != "")
    return preventive.where(~placed, placement.astype(str)).astype(object)


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column] if column in frame else pd.Series(np.nan, index=frame.index)
    values = values.astype(object).where(values.notna(), np.nan)
    return values.map(lambda v: v.strip() if isinstance(v, str) else v).replace("", np.nan)


def offer_units(interventions: pd.DataFrame, t0, t1) -> pd.DataFrame:
    """One row per intervention with an offer, active in the period: ``unit_id`` (the child),
    ``intervention`` (its id), ``measure_type``, ``offer_key``, ``offer_name`` and
    ``monthly_cost``."""
    columns = ["unit_id", "intervention", "measure_type", "offer_key", "offer_name", "monthly_cost"]
    if interventions.empty or not ({"offer_id", "offer_name"} & set(interventions.columns)):
        return pd.DataFrame(columns=columns)
    iv = interventions[active_in(interventions, t0, t1)]
    offer_id, name = _text(iv, "offer_id"), _text(iv, "offer_name")
    key = offer_id.fillna(name)
    iv = iv[key.notna()]
    if iv.empty:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(
        {
            "unit_id": iv["person_id"].astype(str),
            "intervention": iv.index.astype(str),
            "measure_type": measure_type(iv).to_numpy(),
            "offer_key": key[key.notna()].astype(str).to_numpy(),
            "offer_name": name[key.notna()].fillna(key[key.notna()]).astype(str).to_numpy(),
            "monthly_cost": pd.to_numeric(iv.get("monthly_cost"), errors="coerce").to_numpy(dtype=float),
        },
        columns=columns,
    ).reset_index(drop=True)


def small_types(units: pd.DataFrame, min_children: int = MIN_CHILDREN) -> list[str]:
    """The measure types with fewer than ``min_children`` children in the period: the page
    leaves them out (their every number would be withheld, and what would reveal them too)."""
    if units.empty:
        return []
    children = units.groupby("measure_type")["unit_id"].nunique()
    return _type_order(children[children < min_children].index)


def _type_order(types) -> list[str]:
    preventive = list(PREVENTIVE_TYPES)
    placements = list(PLACEMENT_TYPES)

    def key(t):
        if t in preventive:
            return (0, preventive.index(t), t)
        if t in placements:
            return (2, placements.index(t), t)
        return (1, 0, t)

    return sorted(set(types), key=key)


def label_offers(units: pd.DataFrame, min_children: int = MIN_CHILDREN) -> pd.DataFrame:
    """``units`` with the row label ``offer``: the offer's name when it has at least
    ``min_children`` children in its type, else ``Øvrige tilbud`` (two offers with one name
    in a type are told apart by their id)."""
    units = units.copy()
    if units.empty:
        units["offer"] = pd.Series(dtype=object)
        return units
    names = units.drop_duplicates(["measure_type", "offer_key"])
    dup = names.duplicated(["measure_type", "offer_name"], keep=False)
    shown = names["offer_name"].where(~dup, names["offer_name"] + " (" + names["offer_key"] + ")")
    label = dict(zip(zip(names["measure_type"], names["offer_key"]), shown))
    children = units.groupby(["measure_type", "offer_key"])["unit_id"].nunique()
    big = {k for k, n in children.items() if n >= min_children}
    for mtype, part in units.groupby("measure_type", sort=False):
        # a pool of 1-4 children takes in the smallest named offers until it has 5: a named
        # offer says "5 or more", which beside a withheld pool and a published total would
        # give the pool away
        named = sorted((k for k in big if k[0] == mtype), key=lambda k: (children[k], str(label[k]).casefold(), k[1]))
        pooled = part[[(mtype, o) not in big for o in part["offer_key"]]]["unit_id"]
        while named and 0 < pooled.nunique() < min_children:
            k = named.pop(0)
            big.discard(k)
            pooled = part[[(mtype, o) not in big for o in part["offer_key"]]]["unit_id"]
    keys = list(zip(units["measure_type"], units["offer_key"]))
    units["offer"] = [label[k] if k in big else OTHERS for k in keys]
    return units


def _median(values: pd.Series) -> float:
    values = values.dropna()
    return float(values.median()) if len(values) else np.nan


def offer_prices(units: pd.DataFrame, min_children: int = MIN_CHILDREN) -> pd.DataFrame:
    """The offers table (:data:`COLUMNS`): per measure type its offers shown by name
    (sorted), ``Øvrige tilbud`` and ``I alt``. ``price`` is the offer's median monthly cost;
    in the ``I alt`` row it is the type's normal price, beside its ``mean_price`` and the
    quartiles of the named offers' prices."""
    labelled = label_offers(units, min_children)
    rows = []
    for mtype in _type_order(labelled["measure_type"]) if len(labelled) else []:
        part = labelled[labelled["measure_type"] == mtype]
        normal = _median(part["monthly_cost"])
        named = sorted(set(part["offer"]) - {OTHERS}, key=str.casefold)
        # a type whose offers are all pooled is its I alt row alone
        offers = named + ([OTHERS] if named and (part["offer"] == OTHERS).any() else [])
        prices = {}
        for offer in offers:
            these = part[part["offer"] == offer]
            prices[offer] = _median(these["monthly_cost"])
            rows.append(
                {
                    "measure_type": mtype,
                    "offer": offer,
                    "children": these["unit_id"].nunique(),
                    "price": prices[offer],
                    "price_vs_normal_pct": 100 * (prices[offer] / normal - 1) if normal > 0 else np.nan,
                }
            )
        spread = np.array([prices[o] for o in named if not np.isnan(prices[o])])
        q = np.percentile(spread, [25, 50, 75]) if len(spread) >= 2 else [np.nan] * 3
        costs = part["monthly_cost"].dropna()
        rows.append(
            {
                "measure_type": mtype,
                "offer": TOTAL,
                "children": part["unit_id"].nunique(),
                "price": normal,
                "mean_price": float(costs.mean()) if len(costs) else np.nan,
                "offer_price_p25": q[0],
                "offer_price_median": q[1],
                "offer_price_p75": q[2],
            }
        )
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["children"] = out["children"].astype(int)
    for c in COLUMNS[3:]:
        out[c] = out[c].astype(float)
    return out
