"""Every contract rule has a failing example whose message names file, row and column."""

import pandas as pd
import pytest
from conftest import reportbook, write_csv

from helpers import load

IV = "person_id,municipality,target_group,measure,step,start_date,end_date,monthly_cost,provider_type,sex"
GOOD_IV = "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,1000,egen,M"
AR = "case_id,person_id,municipality,registration_no,registration_date,service,daily_price,hours_individual,vum_score"
GOOD_AR = "S1,010170-1233,153,1,2015-03-01,§85,,10,2"
TG = "municipality,year,figure,group,target"
GOOD_TG = "851,2016,placed_children,I alt,500"
WL = "person_id,municipality,referral_date,start_date,measure"
GOOD_WL = "241210-4011,851,2016-01-05,2016-02-01,§52 stk. 3 nr. 3 familiebehandling"
CO = "person_id,municipality,date,indicator,value"
GOOD_CO = "241210-4011,851,2016-01-05,school_absence_pct,12.5"
DP = "municipality,district,year,population_0_22"
GOOD_DP = "851,Nord,2016,12000"
SV = "municipality,provider,date,approved,reason"
GOOD_SV = "851,Opholdsstedet Engly,2016-01-05,ja,"

# (file, header, bad line, rule, column)
CASES = [
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-13-01,,1000,egen,M", "parse", "start_date"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,tusind,egen,M", "parse", "monthly_cost"),
    ("interventions", IV, "241210-4011,Atlantis,udsat,§11 stk. 3,1,2016-01-01,,1000,egen,M", "parse", "municipality"),
    ("interventions", IV, "241210-4011,851,,§11 stk. 3,1,2016-01-01,,1000,egen,M", "required", "target_group"),
    ("interventions", IV, "241210-4011,851,voksen,§11 stk. 3,1,2016-01-01,,1000,egen,M", "allowed", "target_group"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,7,2016-01-01,,1000,egen,M", "range", "step"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,-5,egen,M", "range", "monthly_cost"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,1000,kommunal,M", "allowed", "provider_type"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,1000,egen,X", "allowed", "sex"),
    ("interventions", IV, "311399-1234,851,udsat,§11 stk. 3,1,2016-01-01,,1000,egen,M", "cpr_invalid", "person_id"),
    ("interventions", IV, "B17,851,udsat,§11 stk. 3,1,2016-01-01,,1000,egen,M", "birth_date", "birth_date"),
    ("interventions", IV, "241210-4011,851,udsat,ukendt tilbud,,2016-01-01,,1000,egen,M", "step", "step"),
    (
        "interventions",
        IV,
        "241210-4011,851,udsat,§11 stk. 3,1,2016-03-01,2016-02-01,1000,egen,M",
        "end_before",
        "end_date",
    ),
    ("adult_registrations", AR, "S2,010170-1233,153,1,2015-03-01,§107,,,2", "price_107", "daily_price"),
    ("adult_registrations", AR, "S2,010170-1233,153,1,2015-03-01,§85,,,2", "hours_85", "hours_individual"),
    ("adult_registrations", AR, "S1,010170-1233,153,1,2015-04-01,§85,,10,2", "duplicate", "registration_no"),
    ("adult_registrations", AR, "S2,010170-1233,153,1,2015-03-01,§85,,10,2.5", "allowed", "vum_score"),
    ("adult_registrations", AR, "S2,010170-1233,153,10,2015-03-01,§85,,10,2", "range", "registration_no"),
    ("adult_registrations", AR, "S2,010170-1233,153,1,2015-03-01,§86,,10,2", "allowed", "service"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2300-01-01,,1000,egen,M", "date_range", "start_date"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,1.234,egen,M", "ambiguous", "monthly_cost"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,inf,egen,M", "parse", "monthly_cost"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,2000001,egen,M", "range", "monthly_cost"),
    ("interventions", IV, "241210-4011,851,udsat,§11 stk. 3,1,2016-01-01,,1000,egen", "fields", ""),
    ("adult_registrations", AR, "S2,010170-1233,153,1,2015-03-01,§85,,745,2", "range", "hours_individual"),
    ("adult_registrations", AR, "S2,010170-1233,153,1,2015-03-01,§107,100001,,2", "range", "daily_price"),
    ("targets", TG, "851,2016,,I alt,500", "required", "figure"),
    ("targets", TG, "851,2016,placed_children,5,-3", "range", "target"),
    ("targets", TG, "851,2016,placed_children,5,", "required", "target"),
    ("targets", TG, "851,to tusind,placed_children,5,300", "parse", "year"),
    ("targets", TG, "Atlantis,2016,placed_children,5,300", "parse", "municipality"),
    (
        "waiting_list",
        WL,
        "241210-4011,851,2016-03-05,2016-02-01,§52 stk. 3 nr. 5 aflastning",
        "start_before",
        "start_date",
    ),
    ("waiting_list", WL, "241210-4011,851,,2016-02-01,§52 stk. 3 nr. 5 aflastning", "required", "referral_date"),
    ("waiting_list", WL, "241210-4011,851,2016-01-05,,", "required", "measure"),
    ("child_outcomes", CO, "241210-4011,851,2016-02-05,school_absence_pct,120", "range", "value"),
    ("child_outcomes", CO, "241210-4011,851,2016-02-05,goal_met,2", "range", "value"),
    ("child_outcomes", CO, "241210-4011,851,2016-02-05,goal_met,0.5", "allowed", "value"),
    ("child_outcomes", CO, "241210-4011,851,2016-02-05,fravær,3", "allowed", "indicator"),
    ("child_outcomes", CO, GOOD_CO, "duplicate", "indicator"),
    ("district_population", DP, "851,Nord,2016,13000", "duplicate", "year"),
    ("district_population", DP, "851,Syd,2016,-5", "range", "population_0_22"),
    ("interventions", IV + ",fee", GOOD_IV + ",-100", "range", "fee"),
    ("supervisions", SV, "851,Opholdsstedet Engly,2016-02-05,måske,", "parse", "approved"),
    ("supervisions", SV, "851,,2016-02-05,nej,Utilstrækkelig bemanding", "required", "provider"),
    ("supervisions", SV, "851,Opholdsstedet Engly,,ja,", "required", "date"),
]
GOOD = {
    "interventions": GOOD_IV,
    "adult_registrations": GOOD_AR,
    "targets": GOOD_TG,
    "waiting_list": GOOD_WL,
    "child_outcomes": GOOD_CO,
    "district_population": GOOD_DP,
    "supervisions": GOOD_SV,
}


@pytest.mark.parametrize("table, header, bad, rule, column", CASES, ids=[f"{c[3]}-{c[4]}" for c in CASES])
def test_rule_rejects_the_row_and_keeps_the_others(tmp_path, table, header, bad, rule, column):
    good = GOOD[table] + ("," if header.endswith(",fee") else "")
    other = good.replace("S1", "S9").replace("I alt", "5").replace("2016-01-05", "2016-01-09").replace("Nord", "Øst")
    write_csv(tmp_path / f"{table}.csv", f"{header}\n{good}\n{bad}\n{other}\n")
    data = load(tmp_path)
    issues = data.issues
    assert len(data.table(table)) == 2, issues["message"].tolist()
    hit = issues[(issues["row"] == 3) & (issues["column"] == column)]
    assert list(hit["rule"]) == [rule], issues.to_dict("records")
    message = hit["message"].iloc[0]
    assert f"{table}.csv" in message and "række 3" in message and (f"'{column}'" in message or not column)
    assert "forventet" in message or rule == "fields"
    assert set(issues["row"]) == {3}


def test_a_waiting_list_measure_without_a_step_is_kept_with_a_note(tmp_path):
    write_csv(
        tmp_path / "waiting_list.csv",
        f"{WL}\n{GOOD_WL}\n241210-4011,851,2016-01-07,,noget helt tredje\n",
    )
    data = load(tmp_path)
    assert data.waiting_list["step"].tolist()[0] == 3 and pd.isna(data.waiting_list["step"].iloc[1])
    assert pd.isna(data.waiting_list["start_date"].iloc[1])  # still waiting
    assert data.issues.empty
    note = data.notes[data.notes["rule"] == "unmapped"]
    assert note["row"].tolist() == [3] and "række 3" in note["message"].iloc[0]


def test_missing_required_column_refuses_the_file(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,measure,start_date\nX,851,a,2016-01-01\nY,851,a,2016-01-01\n",
    )
    data = load(tmp_path)
    assert len(data.interventions) == 0
    q = data.quality.set_index("table").loc["interventions"]
    assert (q["rows_read"], q["rows_kept"], q["rows_rejected"], q["status"]) == (2, 0, 2, "afvist")
    assert data.issues["rule"].tolist() == ["missing_col"]
    assert "target_group" in data.issues["message"].iloc[0]


def test_validate_cli_names_rows_writes_rejects_and_exits_1(tmp_path):
    data_dir = tmp_path / "data"
    write_csv(data_dir / "interventions.csv", f"{IV}\n{GOOD_IV}\n{CASES[0][2]}\n{CASES[4][2]}\n")
    result = reportbook("validate", data_dir, "--rejects", tmp_path / "out")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "interventions.csv, række 3, kolonne 'start_date'" in result.stdout
    assert "interventions.csv, række 4, kolonne 'target_group'" in result.stdout
    rejects = pd.read_csv(tmp_path / "out" / "rejects.csv")
    assert sorted(rejects["row"]) == [3, 4]
    assert not rejects.to_csv().count("241210")


def test_validate_cli_accepts_a_danish_excel_export(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id;municipality;target_group;measure;start_date;end_date;monthly_cost\r\n"
        "241210-4011;Aalborg;udsat;§52 stk. 3 nr. 7 plejefamilie;01-02-2016;;35.000,00\r\n",
        encoding="cp1252",
    )
    result = reportbook("validate", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_validate_cli_on_missing_directory_has_no_traceback(tmp_path):
    result = reportbook("validate", tmp_path / "nope")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "findes ikke" in result.stderr


def test_validate_cli_writes_rejects_to_a_file_path(tmp_path):
    data_dir = tmp_path / "data"
    write_csv(data_dir / "interventions.csv", f"{IV}\n{GOOD_IV}\n{CASES[0][2]}\n")
    target = tmp_path / "out" / "afviste.csv"
    result = reportbook("validate", data_dir, "--rejects", target)
    assert result.returncode == 1, result.stderr
    assert target.is_file() and pd.read_csv(target)["row"].tolist() == [3]
    assert (tmp_path / "out" / "afviste_data_quality.csv").is_file()
    folder = tmp_path / "as_folder"  # a folder keeps working
    assert reportbook("validate", data_dir, "--rejects", folder).returncode == 1
    assert (folder / "rejects.csv").is_file() and (folder / "data_quality.csv").is_file()


def test_every_rule_is_data_with_a_danish_description_documentation_and_a_test():
    from conftest import ROOT

    from helpers.data import validation

    method = (ROOT / "book" / "data_and_method.md").read_text(encoding="utf-8")
    tests = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    rules = {**validation.RULES, **validation.NOTE_RULES}
    assert len(rules) == len(validation.RULES) + len(validation.NOTE_RULES)
    for code, meaning in rules.items():
        assert meaning and code in validation.__doc__, code
        assert f"| `{code}` |" in method, f"{code} is not in the rule table of book/data_and_method.md"
        assert f'"{code}"' in tests.replace(f'"{code}": ', ""), f"no test names the rule {code}"
