"""The data contract (v1) as data: tables, columns, types and allowed values.

Source: ``shared/data-contract.md``. A loader may accept more (extra columns are kept),
never less. Row rules that involve several columns (birth date when the id is not a CPR,
the §107 price, the §85 hours, the step from the measure) live in :mod:`helpers.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROVIDER_TYPES = ("egen", "privat", "anden kommune", "region")
#: Columns of a validation problem (one row per problem in ``rejects.csv``).
ISSUE_COLUMNS = ["table", "file", "row", "column", "rule", "message"]
VUM_SCORES = (0.0, 1.0, 2.0, 3.0, 3.5, 4.0)


@dataclass(frozen=True)
class Column:
    """One column of a contract table.

    kind: ``str``, ``int``, ``float``, ``date``, ``bool``, ``municipality`` or ``person``.
    required: the column must be present and every row must have a value.
    allowed: the values allowed (after parsing), empty = any.
    """

    name: str
    kind: str
    required: bool = False
    allowed: tuple = ()
    minimum: float | None = None
    maximum: float | None = None
    expected: str = ""  # how the expected value is described to the user (Danish)


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
        Column("end_date", "date"),
        Column("monthly_cost", "float", minimum=0, expected="beløb i kr. (>= 0)"),
        _enum("provider_type", PROVIDER_TYPES),
        Column("caseworker_id", "str"),
    ),
    keys=("municipality", "person_id", "start_date", "step", "measure"),
)

ADULT_REGISTRATIONS = Table(
    "adult_registrations",
    (
        Column("case_id", "str", True, expected="sagsnummer"),
        Column("person_id", "person", True, expected="CPR-nummer eller pseudonym"),
        Column("municipality", "municipality", True, expected="kommunekode eller kommunenavn"),
        Column("registration_no", "int", True, minimum=1, maximum=9, expected="heltal 1-9"),
        Column("registration_date", "date", True),
        _enum("initiator", ("myndighed", "udfører", "borger", "andet")),
        _enum("service", ("§85", "§107"), required=True),
        _enum("provider_type", PROVIDER_TYPES),
        Column("daily_price", "float", minimum=0, expected="dagspris i kr. (>= 0)"),
        Column("hours_individual", "float", minimum=0, expected="timer pr. måned (>= 0)"),
        Column("hours_group", "float", minimum=0, expected="timer pr. måned (>= 0)"),
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
        Column("close_date", "date"),
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
        Column("population", "int", minimum=0),
        Column("population_0_22", "int", minimum=0),
        Column("expected_need_per_0_22", "float"),
        Column("expenditure_per_0_22", "float"),
        Column("budget_deviation_pct", "float"),
        Column("placed_per_1000_0_22", "float", minimum=0),
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
        Column("budget_count", "float", minimum=0),
        Column("budget_unit_cost", "float", minimum=0),
    ),
    keys=("municipality", "year", "step"),
)

TABLES: dict[str, Table] = {
    t.name: t for t in (INTERVENTIONS, ADULT_REGISTRATIONS, CASE_EVENTS, MUNICIPALITY_FIGURES, BUDGET_ASSUMPTIONS)
}

#: Columns the loader adds to the contract's (derived, never in the input).
DERIVED_COLUMNS = {"interventions": ("step_derived",), "adult_registrations": ("sex",)}
