"""The data contract (v1.3) as data: tables, columns, types and allowed values.

Source: ``shared/data-contract.md``. A loader may accept more (extra columns are kept),
never less. Row rules that involve several columns (birth date when the id is not a CPR,
the §107 price, the §85 hours, the step from the measure) live in :mod:`helpers.validation`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

PROVIDER_TYPES = ("egen", "privat", "anden kommune", "region")
#: A budget row's provider (contract v1.3, optional): one of the interventions' provider types,
#: or ``køb`` for every bought measure (seed 002 holds own measures and bought ones each against
#: its own budget).
BUDGET_PROVIDER_TYPES = (*PROVIDER_TYPES, "køb")
#: Columns of a validation problem (one row per problem in ``rejects.csv``).
ISSUE_COLUMNS = ["table", "file", "row", "column", "rule", "message"]
VUM_SCORES = (0.0, 1.0, 2.0, 3.0, 3.5, 4.0)

#: Every date of the contract lies in this range (a date outside it is rejected) ...
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
#: ... except that in an open-end column (``end_date``, ``close_date``) a date from this
#: day on is how case systems write "no end yet" (``9999-12-31``): the intervention is
#: ongoing. ``$REPORTBOOK_OPEN_END_FROM`` (ISO date) overrides it.
OPEN_END_FROM = dt.date(9000, 1, 1)
OPEN_END_ENV = "REPORTBOOK_OPEN_END_FROM"
#: Upper bounds of amounts (DKK) and hours, stated in the data contract.
MAX_MONTHLY_COST = 2_000_000  # per intervention and month
MAX_DAILY_PRICE = 100_000  # per §107 day
MAX_HOURS_PER_MONTH = 744  # 31 days x 24 hours
MAX_UNIT_COST = 25_000_000  # per full-year intervention
MAX_PER_0_22 = 1_000_000  # DKK per 0-22-year-old
MAX_ACCOUNT_AMOUNT = (
    999_999_999  # DKK in a year (a budget row's income or earlier years' spending; ten digits read as a CPR)
)


def open_end_from() -> dt.date:
    """The first date that means "open end" (:data:`OPEN_END_FROM` or ``$REPORTBOOK_OPEN_END_FROM``)."""
    value = os.environ.get(OPEN_END_ENV, "").strip()
    if not value:
        return OPEN_END_FROM
    try:
        return dt.date.fromisoformat(value)
    except ValueError as err:
        raise ValueError(f"{OPEN_END_ENV} skal være en dato som 9000-01-01, ikke {value!r}") from err


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    kind: ``str``, ``int``, ``float``, ``date``, ``bool``, ``municipality`` or ``person``.
    required: the column must be present and every row must have a value.
    allowed: the values allowed (after parsing), empty = any.
    minimum, maximum: the range of a number (both ends included).
    open_end: a date column where a far-future date means "no end yet" (:func:`open_end_from`).
    identifier: a text column used as a key (``case_id``): a CPR number in it is replaced by
    a keyed pseudonym (keys stay distinct) instead of being masked.
    """

    name: str
    kind: str
    required: bool = False
    allowed: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    expected: str = ""  # how the expected value is described to the user (Danish)
    open_end: bool = False
    identifier: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...] = field(default=())  # columns that order the table stably

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _enum(name: str, values: tuple, required: bool = False) -> Column:
    return Column(name, "str", required, allowed=values, expected=" / ".join(map(str, values)))


INTERVENTIONS = Table(
    "interventions",
    (
        Column("person_id", "person", True, expected="CPR-nummer eller pseudonym"),
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("district", "str"),
        Column("birth_date", "date"),
        _enum("sex", ("M", "K")),
        _enum("target_group", ("udsat", "handicap"), required=True),
        Column("measure", "str", True, expected="foranstaltningens navn"),
        Column("step", "int", minimum=1, maximum=6, expected="heltal 1-6"),
        Column("start_date", "date", True),
        Column("end_date", "date", open_end=True),
        Column("monthly_cost", "float", minimum=0, maximum=MAX_MONTHLY_COST, expected="beløb i kr. (0 til 2.000.000)"),
        _enum("provider_type", PROVIDER_TYPES),
        Column("caseworker_id", "str"),
        # contract v1.2: the offer (tilbud or provider) and, for foster care, the monthly
        # fee (plejeløn), supplements (tillægsydelser) and the parents' own payment
        Column("offer_id", "str", expected="tilbuddets id"),
        Column("offer_name", "str", expected="tilbuddets eller leverandørens navn"),
        Column(
            "fee", "float", minimum=0, maximum=MAX_MONTHLY_COST, expected="plejeløn i kr. pr. måned (0 til 2.000.000)"
        ),
        Column(
            "supplements",
            "float",
            minimum=0,
            maximum=MAX_MONTHLY_COST,
            expected="tillægsydelser i kr. pr. måned (0 til 2.000.000)",
        ),
        Column(
            "own_payment",
            "float",
            minimum=0,
            maximum=MAX_MONTHLY_COST,
            expected="egenbetaling i kr. pr. måned (0 til 2.000.000)",
        ),
    ),
    keys=("municipality", "person_id", "start_date", "step", "measure"),
)

ADULT_REGISTRATIONS = Table(
    "adult_registrations",
    (
        Column("case_id", "str", True, expected="sagsnummer", identifier=True),
        Column("person_id", "person", True, expected="CPR-nummer eller pseudonym"),
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("registration_no", "int", True, minimum=1, maximum=9, expected="heltal 1-9"),
        Column("registration_date", "date", True),
        _enum("initiator", ("myndighed", "udfører", "borger", "andet")),
        _enum("service", ("§85", "§107"), required=True),
        _enum("provider_type", PROVIDER_TYPES),
        Column("daily_price", "float", minimum=0, maximum=MAX_DAILY_PRICE, expected="dagspris i kr. (0 til 100.000)"),
        Column(
            "hours_individual", "float", minimum=0, maximum=MAX_HOURS_PER_MONTH, expected="timer pr. måned (0 til 744)"
        ),
        Column("hours_group", "float", minimum=0, maximum=MAX_HOURS_PER_MONTH, expected="timer pr. måned (0 til 744)"),
        Column("vum_score", "float", allowed=VUM_SCORES, expected="0, 1, 2, 3, 3,5 eller 4"),
        Column("goal_set", "bool"),
        _enum("goal_type", ("forbedring", "status quo", "begrænset forværring")),
        _enum("goal_met", ("ja", "delvist", "nej")),
        Column("vum_target", "float", allowed=VUM_SCORES, expected="0, 1, 2, 3, 3,5 eller 4"),
        Column("expected_goal_date", "date"),
        _enum(
            "target_group",
            ("intellektuel/kognitiv", "sindslidelse", "psykisk", "fysisk", "socialt", "andet"),
        ),
        _enum(
            "income_basis",
            (
                "førtidspension",
                "kontanthjælp jobparat",
                "kontanthjælp ikke jobparat",
                "ressourceforløb",
                "fleksjob",
                "løn",
                "su",
                "andet",
            ),
        ),
        Column("birth_date", "date"),
        Column("case_closed", "bool"),
        Column("close_date", "date", open_end=True),
        Column("close_reason", "str"),
    ),
    keys=("municipality", "case_id", "registration_no"),
)

CASE_EVENTS = Table(
    "case_events",
    (
        Column("person_id", "person", True, expected="CPR-nummer eller pseudonym"),
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("event_date", "date", True),
        _enum(
            "event_type",
            (
                "underretning",
                "ny_sag",
                "børnefaglig_undersøgelse",
                "sag_lukket",
                "klage",
                "ledelsestilsyn",
            ),
            required=True,
        ),
        _enum("outcome", ("medhold", "hjemvist", "omgjort")),
        Column("deadline_met", "bool"),
        Column("caseworker_id", "str"),
    ),
    keys=("municipality", "event_date", "event_type", "person_id"),
)

MUNICIPALITY_FIGURES = Table(
    "municipality_figures",
    (
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("year", "int", True, minimum=1900, maximum=2100, expected="årstal"),
        Column("population", "int", minimum=0, maximum=2_000_000, expected="indbyggere (0 til 2.000.000)"),
        Column("population_0_22", "int", minimum=0, maximum=1_000_000, expected="0-22-årige (0 til 1.000.000)"),
        Column("expected_need_per_0_22", "float", minimum=0, maximum=MAX_PER_0_22, expected="kr. (0 til 1.000.000)"),
        Column("expenditure_per_0_22", "float", minimum=0, maximum=MAX_PER_0_22, expected="kr. (0 til 1.000.000)"),
        Column(
            "budget_deviation_pct",
            "float",
            minimum=-1000,
            maximum=100,
            expected=(
                "procent (-1000 til 100): (budget - forbrug) / budget x 100, positiv = mindreforbrug (kontrakt v1.3); "
                "over 100 kan ikke forekomme og tyder på det gamle fortegn fra v1.1/v1.2 (forbrug - budget)"
            ),
        ),
        Column("placed_per_1000_0_22", "float", minimum=0, maximum=1000, expected="pr. 1.000 (0 til 1000)"),
        Column("appeals_changed_share", "float", minimum=0, maximum=1, expected="andel 0-1"),
    ),
    keys=("municipality", "year"),
)

BUDGET_ASSUMPTIONS = Table(
    "budget_assumptions",
    (
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("year", "int", True, minimum=1900, maximum=2100, expected="årstal"),
        Column("step", "str", True, expected="trin 1-6 eller en foranstaltningsgruppe"),
        Column(
            "budget_count", "float", minimum=0, maximum=1_000_000, expected="helårsforanstaltninger (0 til 1.000.000)"
        ),
        Column(
            "budget_unit_cost",
            "float",
            minimum=0,
            maximum=MAX_UNIT_COST,
            expected="kr. pr. helårsforanstaltning (0 til 25.000.000)",
        ),
        # contract v1.3, optional: the budget split by district and by provider (seed 002; KORA's
        # Aalborg follows the budget per district); empty = the row is not split that way
        Column("district", "str", expected="distriktets navn som i interventions (tom = ikke fordelt)"),
        _enum("provider_type", BUDGET_PROVIDER_TYPES),
        # contract v1.3, optional: from the accounts, as seed 002 asks for the resource use per
        # measure type: the year's income (places sold in own measures) and the spending booked
        # in the year that belongs to earlier years (negative: a reversal); empty = not stated
        Column(
            "income",
            "float",
            minimum=0,
            maximum=MAX_ACCOUNT_AMOUNT,
            expected="årets indtægter i kr., fx salg af pladser (0 til 999.999.999)",
        ),
        Column(
            "prior_years",
            "float",
            minimum=-MAX_ACCOUNT_AMOUNT,
            maximum=MAX_ACCOUNT_AMOUNT,
            expected="årets forbrug, der vedrører tidligere år, i kr. (-999.999.999 til 999.999.999)",
        ),
    ),
    keys=("municipality", "year", "step", "district", "provider_type"),
)

#: Optional targets (måltal) per municipality, year and key figure (contract v1.1): ``figure``
#: is a key figure's id as published (e.g. ``placed_children``), ``group`` its group (e.g.
#: ``5`` or ``I alt``; empty = the figure as a whole).
TARGETS = Table(
    "targets",
    (
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("year", "int", True, minimum=1900, maximum=2100, expected="årstal"),
        Column("figure", "str", True, expected="nøgletallets navn, fx placed_children"),
        Column("group", "str", expected="gruppe, fx 5 eller I alt (tom = hele nøgletallet)"),
        Column("target", "float", True, minimum=0, maximum=1e9, expected="måltal (0 til 1.000.000.000)"),
    ),
    keys=("municipality", "year", "figure", "group"),
)

#: Children waiting for a measure (contract v1.2): referred on ``referral_date``, started on
#: ``start_date`` (empty: still waiting). The step is derived from ``measure`` as for
#: ``interventions``.
WAITING_LIST = Table(
    "waiting_list",
    (
        Column("person_id", "person", True, expected="CPR-nummer eller pseudonym"),
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("referral_date", "date", True),
        Column("start_date", "date"),
        Column("measure", "str", True, expected="foranstaltningens navn"),
    ),
    keys=("municipality", "person_id", "referral_date", "measure"),
)

#: The indicators of ``child_outcomes`` and the range of each one's value.
OUTCOME_RANGES = {"school_absence_pct": (0.0, 100.0), "function_score": (0.0, 100.0), "goal_met": (0.0, 1.0)}
OUTCOME_EXPECTED = {
    "school_absence_pct": "fravær i procent (0 til 100)",
    "function_score": "funktionsscore (0 til 100)",
    "goal_met": "1 (mål nået) eller 0 (ikke nået)",
}
#: Measurements of a child's school absence, function score or goal (contract v1.2).
CHILD_OUTCOMES = Table(
    "child_outcomes",
    (
        Column("person_id", "person", True, expected="CPR-nummer eller pseudonym"),
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("date", "date", True),
        _enum("indicator", tuple(OUTCOME_RANGES), required=True),
        Column("value", "float", True, minimum=0, maximum=100, expected="tal (se indikatoren)"),
    ),
    keys=("municipality", "person_id", "date", "indicator"),
)

#: 0-22-year-olds per district and year (contract v1.2), for district rates per 1,000.
DISTRICT_POPULATION = Table(
    "district_population",
    (
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("district", "str", True, expected="distriktets navn som i interventions"),
        Column("year", "int", True, minimum=1900, maximum=2100, expected="årstal"),
        Column("population_0_22", "int", True, minimum=0, maximum=1_000_000, expected="0-22-årige (0 til 1.000.000)"),
    ),
    keys=("municipality", "district", "year"),
)

#: Supervisions of the providers the municipality uses (contract v1.3, optional): seed 002's
#: "Godkendte (driftsorienterede) tilsyn", one row per supervision with its outcome and, when
#: it did not approve, the reason.
SUPERVISIONS = Table(
    "supervisions",
    (
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("provider", "str", True, expected="tilbuddets eller leverandørens navn"),
        Column("date", "date", True),
        Column("approved", "bool", True),
        Column("reason", "str", expected="begrundelsen, når tilsynet ikke godkendte"),
    ),
    keys=("municipality", "date", "provider"),
)

#: The budget's monthly profile (contract v1.3, optional): seed 002 holds the spending against
#: the *periodised* budget ("Skal sammenholdes med det periodiserede budget"). ``share`` is the
#: part of the year's budget that falls in ``month``; a year's twelve shares sum to 1. ``step``
#: (1-6) gives a step its own profile; empty = every step without one. Without a profile the
#: budget is spread over the year's days.
BUDGET_PROFILE = Table(
    "budget_profile",
    (
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("year", "int", True, minimum=1900, maximum=2100, expected="årstal"),
        Column("month", "int", True, minimum=1, maximum=12, expected="måned 1-12"),
        Column("share", "float", True, minimum=0, maximum=1, expected="andel af årets budget (0 til 1)"),
        Column("step", "int", minimum=1, maximum=6, expected="trin 1-6 (tom = alle trin)"),
    ),
    keys=("municipality", "year", "step", "month"),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        INTERVENTIONS,
        ADULT_REGISTRATIONS,
        CASE_EVENTS,
        MUNICIPALITY_FIGURES,
        BUDGET_ASSUMPTIONS,
        TARGETS,
        WAITING_LIST,
        CHILD_OUTCOMES,
        DISTRICT_POPULATION,
        SUPERVISIONS,
        BUDGET_PROFILE,
    )
}

#: A data directory's own ``measure_steps.csv`` (the measure -> step mapping) is validated
#: like data: each pattern must compile (rule ``pattern``) and each step be 1-6.
MEASURE_STEPS = Table(
    "measure_steps",
    (
        Column("pattern", "str", True, expected="et regulært udtryk"),
        Column("step", "int", True, minimum=1, maximum=6, expected="heltal 1-6"),
        Column("placement_type", "str", expected="anbringelsestype (trin 4-6), fx plejefamilie, almindelig"),
        Column("paragraph", "str", expected="paragraffen, fx Barnets lov § 32, stk. 1, nr. 2"),
        Column("note", "str"),
    ),
)

#: Columns the loader adds to the contract's (derived, never in the input).
DERIVED_COLUMNS = {
    "interventions": ("step_derived", "placement_type"),
    "adult_registrations": ("sex",),
    "waiting_list": ("step",),
}
