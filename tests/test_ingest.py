"""Reading files as municipalities export them."""

import pandas as pd
import pytest
from conftest import write_csv

from helpers import load
from helpers.data.municipalities import resolve

HEADER = "person_id;municipality;district;target_group;measure;step;start_date;end_date;monthly_cost;provider_type"


def test_danish_excel_export_cp1252_semicolon_decimal_comma(tmp_path):
    text = (
        HEADER + "\r\n"
        "241210-4011;Ålborg;Øst;udsat;§52 stk. 3 nr. 7 døgninstitution;;01-02-2016;31.07.2016;45.000,50;privat\r\n"
        "241210-4011;851;Øst;udsat;§11, stk. 3;;15.01.2016;;1.234,5;egen\r\n"
    )
    write_csv(tmp_path / "interventions.csv", text.replace("Ålborg", "Aalborg Kommune"), encoding="cp1252")
    data = load(tmp_path)
    iv = data.interventions
    assert data.rejected == 0
    assert list(iv["municipality"]) == [851, 851]
    assert list(iv["district"]) == ["Øst", "Øst"]
    assert list(iv["monthly_cost"]) == [45000.5, 1234.5]
    assert list(iv["start_date"]) == [pd.Timestamp("2016-02-01"), pd.Timestamp("2016-01-15")]
    assert iv["end_date"].iloc[0] == pd.Timestamp("2016-07-31") and pd.isna(iv["end_date"].iloc[1])
    assert list(iv["step"]) == [6, 1]  # derived from the measure


def test_utf8_with_bom_comma_separated_iso_dates_and_given_step(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "\ufeffperson_id,municipality,target_group,measure,step,start_date,monthly_cost\n"
        "241210-4011,101,handicap,særlig aftale,5,2016-02-01,1000.25\n"
        "241210-4011,København,handicap,§52 stk. 3 nr. 5 aflastning,,2016-03-01,\n",
        encoding="utf-8",
    )
    data = load(tmp_path)
    iv = data.interventions
    assert data.rejected == 0, data.issues["message"].tolist()
    assert list(iv["step"]) == [5, 2]
    assert list(iv["step_derived"]) == [False, True]
    assert list(iv["municipality"]) == [101, 101]
    assert iv["monthly_cost"].iloc[0] == 1000.25 and pd.isna(iv["monthly_cost"].iloc[1])


def test_pseudonym_without_birth_date_is_rejected(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,target_group,measure,step,start_date\nA1,101,handicap,x,5,2016-02-01\n",
    )
    data = load(tmp_path)
    assert data.rejected == 1 and data.issues["rule"].tolist() == ["birth_date"]


def test_pseudonymised_ids_with_birth_dates(tmp_path):
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,birth_date,sex,target_group,measure,step,start_date\n"
        "A1,101,2010-05-01,K,handicap,særlig aftale,5,2016-02-01\n"
        "A2,0101,01-06-2012,M,udsat,§52 stk. 3 nr. 5 aflastning,,2016-03-01\n",
    )
    data = load(tmp_path)
    assert data.rejected == 0
    assert list(data.interventions["step"]) == [5, 2]
    assert list(data.interventions["person_id"]) == ["A1", "A2"]
    assert list(data.interventions["municipality"]) == [101, 101]


@pytest.mark.parametrize("suffix", ["xlsx", "parquet"])
def test_excel_and_parquet(tmp_path, suffix):
    frame = pd.DataFrame(
        {
            "municipality": ["Aalborg", "Horsens"],
            "year": [2015, 2015],
            "population": [210000, 86361],
            "appeals_changed_share": [0.31, 0.4],
            "expenditure_per_0_22": ["8045", "9.000,5"],
        }
    )
    path = tmp_path / f"municipality_figures.{suffix}"
    frame.to_excel(path, index=False) if suffix == "xlsx" else frame.to_parquet(path)
    data = load(tmp_path)
    mf = data.municipality_figures
    assert data.rejected == 0
    assert list(mf["municipality"]) == [851, 615]
    assert list(mf["expenditure_per_0_22"]) == [8045.0, 9000.5]
    assert list(mf["year"]) == [2015, 2015]


def test_excel_dates_are_read_as_dates(tmp_path):
    frame = pd.DataFrame(
        {
            "person_id": ["X1"],
            "municipality": [851],
            "event_date": [pd.Timestamp("2016-04-03")],
            "event_type": ["underretning"],
            "deadline_met": ["ja"],
        }
    )
    frame.to_excel(tmp_path / "case_events.xlsx", index=False)
    ce = load(tmp_path).case_events
    assert ce["event_date"].iloc[0] == pd.Timestamp("2016-04-03")
    assert bool(ce["deadline_met"].iloc[0]) is True


@pytest.mark.parametrize("value", ["851", "0851", "Aalborg", "aalborg kommune", " AALBORG "])
def test_municipality_by_code_or_name(value):
    assert resolve(value) == 851


def test_every_reference_municipality_resolves_by_name_and_code():
    ref = pd.read_csv(__import__("helpers.data.paths", fromlist=["x"]).REFERENCE_DIR / "municipalities.csv")
    assert len(ref) == 98
    assert all(resolve(n) == c for c, n in zip(ref["code"], ref["name"]))
    assert all(resolve(str(c)) == c for c in ref["code"])


def test_absent_tables_are_empty_with_contract_columns(tmp_path):
    from helpers.data.contract import TABLES

    data = load(tmp_path)
    for name, table in TABLES.items():
        frame = data.table(name)
        assert len(frame) == 0
        assert set(table.column_names) <= set(frame.columns)
    assert set(data.quality["status"]) == {"mangler"}


def test_booleans_and_vum_with_decimal_comma(tmp_path):
    write_csv(
        tmp_path / "adult_registrations.csv",
        "case_id;person_id;municipality;registration_no;registration_date;service;hours_individual;vum_score;goal_set;case_closed\n"
        "S1;010170-1233;153;1;01-03-2015;§85;12,5;3,5;ja;0\n"
        "S1;010170-1233;153;2;01-03-2016;§ 85;10;3;False;1\n",
        encoding="cp1252",
    )
    data = load(tmp_path)
    ar = data.adult_registrations
    assert data.rejected == 0
    assert list(ar["vum_score"]) == [3.5, 3.0]
    assert list(ar["goal_set"]) == [True, False]
    assert list(ar["case_closed"]) == [False, True]
    assert list(ar["service"]) == ["§85", "§85"]
    assert list(ar["sex"]) == ["M", "M"]
