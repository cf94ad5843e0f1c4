"""Import of an OS2bos export (issue #25, items 1 and 2).

The export is built here from the column lists in the OS2bos source (facts, not its code):
``backend/core/utils.py``, ``generate_payments_report_list_v0`` … ``v3`` (payments) and
``generate_cases_report_list_v0`` (case history), written as OS2bos writes them (Python's
``csv.DictWriter``: comma, ISO dates, ``True``/``False``). The expected staircase, steps and
monthly costs are worked out by hand below from the law and the payment schedules.
"""

import csv
import datetime as dt
import zipfile

import pandas as pd
import pytest
from conftest import reportbook

from helpers import load
from helpers.analyses.staircase import step_on
from helpers.data import privacy
from helpers.data.os2bos import NOT_ON_STAIRCASE, OPEN_SECTIONS, ExportError, import_os2bos
from helpers.data.steps import load_mapping, mapping_path, placement_type, step_of_measure

# fmt: off
#: The case's fields, in both reports (``generate_payments_report_list_v0`` and
#: ``generate_cases_report_list_v0``): names, case worker, steps, municipalities, parents.
CASE_FIELDS = [
    "name", "target_group", "case_worker", "team", "leader", "efforts", "effort_step", "scaling_step",
    "paying_municipality", "acting_municipality", "residence_municipality", "mother_cpr", "father_cpr",
]
PAYMENT_COLUMNS_V3 = [
    "id", "amount", "paid_amount", "date", "paid_date", "account_string", "account_alias",
    "payment_schedule__payment_id", "payment_schedule__payment_amount", "payment_schedule__payment_frequency",
    "recipient_type", "recipient_id", "recipient_name", "payment_method", "payment_cost_type", "price_per_unit",
    "units", "fictive", "activity__details__activity_id", "activity__details__name", "activity_start_date",
    "activity_end_date", "activity_status", "activity_type", "section", "section_text", "sbsys_id",
    "main_activity_id", "main_activity_name", "cpr_number", *CASE_FIELDS,
    "activity_category__category_id", "activity_category__name",  # v1
    "note",  # v2
    "approval_level", "approval_user", "appropriation_date",  # v3
]
CASE_COLUMNS_V0 = ["id", "history_id", "history_date", "cpr_number", "case_sbsys_id", *CASE_FIELDS]
# fmt: on
KL_STEPS = {
    1: "Trin 1: Tidlig indsats i almenområdet",
    2: "Trin 2: Forebyggelse",
    3: "Trin 3: Hjemmebaserede indsatser",
    4: "Trin 4: Anbringelse i slægt eller netværk",
    5: "Trin 5: Anbringelse i forskellige typer af plejefamilier",
    6: "Trin 6: Anbringelse i institutionstilbud",
}
CHILD_A, CHILD_B, CHILD_C = "0503104321", "1208085550", "2304127788"
#: Third parties' identifiers and names: none may reach the data folder or anything published.
SECRETS = [
    "0101804422",  # mother
    "0202795511",  # father
    "1111701234",  # the foster parent, paid as a person (recipient_id)
    "Hanne Plejemor",
    "Anna Testbarn",
    "Bo Testbarn",
    "Orla Frøsnapper",
    "Lis Leder",
    "Team Nord",
    "olfr",
]
HORIZON = dt.date(2016, 1, 1)  # the last payment date in the export


def months(start, end):
    day = start.replace(day=1)
    while day <= min(end or HORIZON, HORIZON):
        if day >= start.replace(day=1):
            yield max(day, start)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def schedule(sid, child, name, sbsys, section, activity, start, end, amount, frequency="MONTHLY", **kw):
    """The payment rows of one payment schedule (one activity), one per month."""
    rows = []
    for i, day in enumerate(months(start, end)):
        rows.append(
            {
                "id": f"{sid}{i:03d}",
                "amount": f"{amount:.2f}",
                "paid_amount": "",
                "date": day.isoformat(),
                "paid_date": "",
                "account_string": "12345-UKENDT-123",
                "account_alias": "BOS0000109",
                "payment_schedule__payment_id": str(sid),
                "payment_schedule__payment_amount": f"{amount}",
                "payment_schedule__payment_frequency": frequency,
                "recipient_type": kw.get("recipient_type", "COMPANY"),
                "recipient_id": kw.get("recipient_id", "29189366"),
                "recipient_name": kw.get("recipient_name", "Opholdsstedet ApS"),
                "payment_method": "INVOICE",
                "payment_cost_type": "FIXED",
                "price_per_unit": "",
                "units": "",
                "fictive": str(kw.get("fictive", False)),
                "activity__details__activity_id": "015025",
                "activity__details__name": activity,
                "activity_start_date": start.isoformat(),
                "activity_end_date": end.isoformat() if end else "",
                "activity_status": kw.get("status", "GRANTED"),
                "activity_type": kw.get("kind", "MAIN_ACTIVITY"),
                "section": section,
                "section_text": "tekst",
                "sbsys_id": sbsys,
                "main_activity_id": "015025",
                "main_activity_name": activity,
                "cpr_number": child,
                "name": name,
                "target_group": kw.get("target", "Familieafdelingen"),
                "case_worker": "Orla Frøsnapper",
                "team": "Team Nord",
                "leader": "Lis Leder",
                "efforts": "",
                "effort_step": KL_STEPS[kw.get("now_step", 5)],  # the case's step at export time: a trap
                "scaling_step": "3",
                "paying_municipality": "Aalborg",
                "acting_municipality": kw.get("municipality", "Aalborg"),
                "residence_municipality": "Aalborg",
                "mother_cpr": "0101804422",
                "father_cpr": "0202795511",
                "activity_category__category_id": "",
                "activity_category__name": "",
                "note": "ring til mor 0101804422",
                "approval_level": "Teamleder",
                "approval_user": "olfr",
                "appropriation_date": start.isoformat(),
            }
        )
    return rows


D = dt.date


#: The export's activities: payment schedule, child, child's name, appropriation, section,
#: activity, start, end, amount, frequency and the rest (recipient, kind, status, ...).
HANDICAP = {"target": "Handicapafdelingen", "now_step": 4}
# fmt: off
ACTIVITIES = [
    (1, CHILD_A, "Anna Testbarn", "S-1", "SEL-52-3.3", "Familiebehandling", D(2015, 1, 1), D(2015, 6, 30), 10000,
     "MONTHLY", {"now_step": 5}),
    (2, CHILD_A, "Anna Testbarn", "S-2", "SEL-52-3.7", "Plejefamilier, vederlag", D(2015, 7, 1), None, 30000,
     "MONTHLY", {"recipient_type": "PERSON", "recipient_id": "1111701234", "recipient_name": "Hanne Plejemor"}),
    (3, CHILD_A, "Anna Testbarn", "S-2", "SEL-52-3.7", "Transportomkostninger", D(2015, 7, 1), D(2015, 12, 31), 300,
     "WEEKLY", {"kind": "SUPPL_ACTIVITY"}),
    (4, CHILD_A, "Anna Testbarn", "S-2", "SEL-52-3.7", "Beklædning", D(2015, 8, 1), D(2015, 8, 1), 2500, "",
     {"kind": "SUPPL_ACTIVITY"}),
    (5, CHILD_A, "Anna Testbarn", "S-3", "SEL-52-3.6", "Kontaktperson", D(2015, 3, 1), D(2015, 6, 30), 100, "DAILY",
     {}),
    (6, CHILD_A, "Anna Testbarn", "S-3", "SEL-52-3.6", "Kontaktperson", D(2015, 7, 1), D(2015, 12, 31), 120, "DAILY",
     {}),
    (7, CHILD_B, "Bo Testbarn", "S-4", "SEL-52-2", "Aktiviteter", D(2015, 2, 1), D(2015, 5, 31), 5000, "MONTHLY",
     HANDICAP),
    (8, CHILD_B, "Bo Testbarn", "S-4", "SEL-52-2", "Aktiviteter", D(2015, 6, 1), D(2015, 9, 30), 6000, "MONTHLY",
     HANDICAP),
    (9, CHILD_B, "Bo Testbarn", "S-5", "SEL-52-3.7", "Følgeudgifter af anbringelsen", D(2015, 10, 1), None, 20000,
     "MONTHLY", HANDICAP),
    (10, CHILD_C, "Cille Testbarn", "S-6", "SEL-11-3", "Konsulentbistand efter § 11,3,1", D(2015, 4, 1),
     D(2015, 8, 31), 2000, "MONTHLY", {"fictive": True, "now_step": 1}),
    (11, CHILD_C, "Cille Testbarn", "S-7", "SEL-52-3.2", "Praktisk, pædagogisk støtte", D(2015, 9, 1), None, 4000,
     "MONTHLY", {"status": "EXPECTED", "now_step": 1}),
    (12, CHILD_C, "Cille Testbarn", "S-8", "SEL-54-1", "Støtteperson", D(2015, 5, 1), D(2015, 10, 31), 1500,
     "MONTHLY", {"now_step": 1}),
]
# fmt: on


def export(folder):
    """Three children. A: family treatment (step 3), then a foster family (5) with transport
    and a one-time payment as supplementary activities, and a contact person (2) beside both,
    modified once (merged). B (disability): concurrent measures under SEL-52-2 whose step is
    the case's step at the time (2, then 3 after a modification on 1 June), then a placement
    without a place in its name, decided by the case's step 4. C: a fictive § 11 measure (1),
    an expected (not granted) one and a § 54 support person (left out)."""
    rows = [row for activity in ACTIVITIES for row in schedule(*activity[:-1], **activity[-1])]
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "granted_payments_3.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=PAYMENT_COLUMNS_V3)
        writer.writeheader()
        writer.writerows(rows)
    history = [
        (CHILD_A, "2014-12-01T09:00:00+00:00", 3),
        (CHILD_A, "2015-07-01T08:00:00+00:00", 5),
        (CHILD_B, "2015-01-01T10:00:00+00:00", 2),
        (CHILD_B, "2015-05-15T10:00:00+00:00", 3),
        (CHILD_B, "2015-10-01T10:00:00+00:00", 4),
        (CHILD_C, "2015-03-20T10:00:00+00:00", 1),
    ]
    with (folder / "expected_cases_0.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CASE_COLUMNS_V0)
        writer.writeheader()
        for i, (child, when, step) in enumerate(history):
            writer.writerow(
                {
                    "id": str(i),
                    "history_id": str(100 + i),
                    "history_date": when,
                    "cpr_number": child,
                    "case_sbsys_id": f"27.24.00-G01-{i}-15",
                    "name": "Anna Testbarn",
                    "target_group": "Familieafdelingen",
                    "case_worker": "Orla Frøsnapper",
                    "team": "Team Nord",
                    "leader": "Lis Leder",
                    "efforts": "",
                    "effort_step": KL_STEPS[step],
                    "scaling_step": "",
                    "paying_municipality": "Aalborg",
                    "acting_municipality": "Aalborg",
                    "residence_municipality": "Aalborg",
                    "mother_cpr": "0101804422",
                    "father_cpr": "0202795511",
                }
            )
    return folder


KEY = b"test-secret-key-for-the-suite"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("os2bos")
    src = export(root / "export")
    report = import_os2bos(src, root / "data", key=KEY)
    return root, report


def test_the_staircase_is_reproduced_cell_for_cell(imported):
    root, _ = imported
    data = load(root / "data", key=KEY, use_cache=False)
    assert data.rejected == 0, data.issues["message"].tolist()
    a, b, c = (privacy.pseudonym(x, KEY) for x in (CHILD_A, CHILD_B, CHILD_C))
    # by hand: the highest active step of each child on each date
    expected = {
        "2015-02-15": {a: 3, b: 2},
        "2015-04-15": {a: 3, b: 2, c: 1},
        "2015-08-15": {a: 5, b: 3, c: 1},
        "2015-11-15": {a: 5, b: 4},
    }
    for day, steps in expected.items():
        assert step_on(data.interventions, pd.Timestamp(day)).to_dict() == steps, day


def test_one_intervention_per_main_activity_with_its_cost(imported):
    root, _ = imported
    iv = pd.read_csv(root / "data" / "interventions.csv", dtype=str, keep_default_na=False)
    assert len(iv) == 7  # A: 3 (the contact person merged), B: 3 (its step changed), C: 1
    by = {(r.person_id, r.start_date): r for r in iv.itertuples()}
    foster = by[(CHILD_A, "2015-07-01")]
    # 30,000 a month plus transport 300 a week (52/12 weeks a month) over 184 of the 185
    # days from 1 July to the last payment date, plus the one-time clothing (2,500 kr.) spread
    # over the 185 days (an average month is 365.25 / 12 days)
    month = 365.25 / 12
    assert float(foster.monthly_cost) == pytest.approx(
        30000 + 300 * 52 / 12 * 184 / 185 + 2500 / (185 / month), abs=0.01
    )
    assert (foster.step, foster.end_date, foster.provider_type) == ("5", "", "egen")
    contact = by[(CHILD_A, "2015-03-01")]
    daily = 365 / 12
    assert (contact.end_date, contact.step) == ("2015-12-31", "2")  # the modification is merged
    assert float(contact.monthly_cost) == pytest.approx((100 * daily * 122 + 120 * daily * 184) / 306, abs=0.01)
    assert by[(CHILD_C, "2015-04-01")].monthly_cost in ("0.0", "0")  # fictive: not spending
    assert by[(CHILD_B, "2015-02-01")].target_group == "handicap"
    assert set(iv["municipality"]) == {"851"}
    assert iv["caseworker_id"].str.fullmatch(r"sb-[0-9a-f]{10}").all() and iv["caseworker_id"].nunique() == 1


def test_the_report_says_what_was_read_kept_merged_and_left_out(imported):
    root, report = imported
    lines = {what: n for _, what, n in report.lines}
    assert lines["udeladt: aktiviteten er ikke bevilget (kladde eller forventet)"] == 5  # Sep-Jan
    assert lines["følgeaktiviteter lagt sammen med deres hovedaktivitet (udgift)"] == 2
    assert lines["hovedaktiviteter lagt sammen med den aktivitet de ændrer (samme bevilling og indsats)"] == 1
    assert any(what.startswith("hovedaktiviteter udeladt: SEL-54-1") and n == 1 for what, n in lines.items())
    assert lines["fiktive betalingsplaner: ikke et forbrug (0 kr. om måneden)"] == 1
    # B's two SEL-52-2 activities and the placement without a place take the case's step
    assert lines["hovedaktiviteter hvis trin er sagens trin på startdatoen (sagshistorikken)"] == 3
    assert (root / "data" / "importrapport.csv").exists()


def test_no_name_or_third_party_cpr_reaches_the_data_folder_or_a_run(imported, project_copy, tmp_path):
    root, _ = imported
    out = tmp_path / "reports"
    env = {
        "REPORTBOOK_HOME": str(project_copy),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "REPORTBOOK_SECRET": KEY.decode(),
    }
    ran = reportbook(
        "run",
        "--data",
        root / "data",
        "--out",
        out,
        "--municipality",
        "851",
        "--period",
        "2015-01-01:2015-12-31",
        "--notebook",
        "staircase",
        "--jobs",
        "1",
        env=env,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    written = [p for p in list((root / "data").rglob("*")) + list(out.rglob("*")) if p.is_file()]
    assert any(p.suffix == ".ipynb" for p in written)
    for path in written:
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "ignore") for n in z.namelist())
        else:
            text = path.read_bytes().decode("utf-8", "ignore")
        for secret in SECRETS + ["Cille Testbarn"]:
            assert secret not in text, (path, secret)
        if path.parent != root / "data" or path.name != "interventions.csv":  # the child's CPR goes to the loader
            for child in (CHILD_A, CHILD_B, CHILD_C):
                assert child not in text, (path, child)


def test_the_command_imports_and_validate_accepts_it(tmp_path):
    src = export(tmp_path / "export")
    env = {"REPORTBOOK_SECRET": KEY.decode()}
    done = reportbook("import", "os2bos", src, "--out", tmp_path / "data", env=env)
    assert done.returncode == 0, done.stderr
    assert "indsatser skrevet: 7" in done.stdout and "Kør nu: reportbook validate" in done.stdout
    checked = reportbook("validate", tmp_path / "data", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    refused = reportbook("import", "os2bos", empty, "--out", tmp_path / "d2", env=env)
    assert refused.returncode == 2 and "ingen OS2bos-betalingsrapport" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_an_export_without_main_activities_gives_an_empty_table(tmp_path):
    src = export(tmp_path / "export")
    frame = pd.read_csv(src / "granted_payments_3.csv", dtype=str, keep_default_na=False)
    frame[frame["activity_type"] == "SUPPL_ACTIVITY"].to_csv(src / "granted_payments_3.csv", index=False)
    report = import_os2bos(src, tmp_path / "data", key=KEY)
    assert pd.read_csv(tmp_path / "data" / "interventions.csv").empty
    assert (
        "granted_payments_3.csv",
        "følgeaktiviteter udeladt: ingen hovedaktivitet i samme bevilling",
        2,
    ) in report.lines


def test_a_broken_line_is_named_in_danish(tmp_path):
    src = export(tmp_path / "export")
    with (src / "granted_payments_3.csv").open("a", encoding="utf-8") as fh:
        fh.write('1,2,"uafsluttet\n')
    with pytest.raises(ExportError, match="granted_payments_3.csv.*kan ikke læses som CSV"):
        import_os2bos(src, tmp_path / "data", key=KEY)


def test_a_report_without_a_column_is_refused_naming_it(tmp_path):
    src = export(tmp_path / "export")
    frame = pd.read_csv(src / "granted_payments_3.csv", dtype=str, keep_default_na=False)
    frame.drop(columns=["activity_type"]).to_csv(src / "granted_payments_3.csv", index=False)
    with pytest.raises(ExportError, match="granted_payments_3.csv: kolonnen activity_type mangler"):
        import_os2bos(src, tmp_path / "data", key=KEY)


# ----------------------------------------------------------- the whole list of sections (item 2)

#: Every OS2bos section for children under Serviceloven §§ 11, 52, 52 a, 54, 58, 76
#: (``backend/core/data/sections.py`` and ``fixtures/sections.json``) with the step the law
#: gives it on the staircase (written here from the sections' texts, not from the mapping):
#: § 11 = 1 tidlig indsats; § 52 stk. 3 nr. 1, 5, 6, 8, 9 = 2; nr. 2-4 = 3; nr. 7 = a
#: placement (6 when the activity names no place); § 52 a, § 54 a = 2; § 76 after-care without
#: a stay = 2; § 76 stays = a placement (6); § 76 a = 5 (foster family kept after 18).
OS2BOS_SECTIONS = {
    "SEL-11-2": 1,
    "SEL-11-3": 1,
    "SEL-11-3.1": 1,
    "SEL-11-3.2": 1,
    "SEL-11-3.3": 1,
    "SEL-11-3.4": 1,
    "SEL-11-4": 1,
    "SEL-11-4.1": 1,
    "SEL-11-4.1. jfr. stk. 3. nr. 1": 1,
    "SEL-11-4.2": 1,
    "SEL-11-6": 1,
    "SEL-11-7": 1,
    "SEL-11-8": 1,
    "SEL-52-2": "open",
    "SEL-52-3.1": 2,
    "SEL-52-3.2": 3,
    "SEL-52-3.3": 3,
    "SEL-52-3.4": 3,
    "SEL-52-3.5": 2,
    "SEL-52-3.6": 2,
    "SEL-52-3.7": 6,
    "SEL-52-3.8": 2,
    "SEL-52-3.9": 2,
    "SEL-52-a.1.1": 2,
    "SEL-52-a.1.2": 2,
    "SEL-52-a.1.3": 2,
    "SEL-54-1": "out",
    "SEL-54-2": "out",
    "SEL-54-a": 2,
    "SEL-58-jf 52-3.7": 6,
    "SEL-50": "out",
    "SEL-50-b": "out",
    "SEL-68": "out",
    "SEL-68-2": "open",
    "SEL-68-b.4": "out",
    "SEL-76-1": "out",
    "SEL-76-2": 2,
    "SEL-76-3": "open",
    "SEL-76-3.1": 6,
    "SEL-76-3.2": 2,
    "SEL-76-3.3": 6,
    "SEL-76-3.4": 2,
    "SEL-76-4": "open",
    "SEL-76-5": 2,
    "SEL-76-6": 2,
    "SEL-76-8": 6,
    "SEL-76-a": 5,
}
#: The same for Barnets lov (from 2024), coded as OS2bos codes sections (BL-<§>-<stk>.<nr>).
BARNETS_LOV = {
    "BL-30": 1,
    "BL-32-1.1": 2,
    "BL-32-1.2": 3,
    "BL-32-1.3": 2,
    "BL-32-1.4": 2,
    "BL-32-1.5": 3,
    "BL-32-1.6": 3,
    "BL-32-1.7": 2,
    "BL-32-1.8": 2,
    "BL-35": 2,
    "BL-43-1.1": 5,
    "BL-43-1.2": 5,
    "BL-43-1.3": 5,
    "BL-43-1.4": 4,
    "BL-43-1.5": 5,
    "BL-43-1.6": 6,
    "BL-43-1.7": 5,
    "BL-46": 6,
    "BL-47": 6,
}


def test_every_childrens_section_maps_as_documented():
    mapping = load_mapping(mapping_path())
    codes = pd.Series(list(OS2BOS_SECTIONS) + list(BARNETS_LOV))
    steps = step_of_measure(codes, mapping)
    for code, step in zip(codes, steps):
        expected = {**OS2BOS_SECTIONS, **BARNETS_LOV}[code]
        if expected == "out":
            assert code in NOT_ON_STAIRCASE and pd.isna(step), code
        elif expected == "open":
            assert code in OPEN_SECTIONS and pd.isna(step), code
        else:
            assert step == expected, (code, step, expected)


@pytest.mark.parametrize(
    "measure, step, kind",
    [
        ("SEL-52-3.7 Plejefamilier, vederlag", 5, "plejefamilie, almindelig"),
        ("SEL-52-3.7 Netværksplejefamilier", 4, "netværkspleje"),
        ("SEL-52-3.7 Kommunale plejefamilier, vederlag", 5, "plejefamilie, kommunal"),
        ("SEL-52-3.7 Soc.pæd. opholdssteder", 6, "socialpædagogisk opholdssted"),
        ("SEL-52-3.7 Døgninstitutioner vedr. sociale adfærdsproblemer", 6, "døgninstitution"),
        ("SEL-52-3.7 Kost- og efterskoler", 5, "kost-/efterskole"),
        ("SEL-52-3.7 Eget værelse", 5, "eget værelse/kollegium"),
        ("SEL-52-3.7 Sikrede institutioner, opholdsbetaling", 6, "døgninstitution"),
        ("SEL-52-3.7 Følgeudgifter af anbringelsen", 6, "uoplyst"),
        ("SEL-52-3.5 Aflastning", 2, None),
    ],
)
def test_the_activity_name_decides_the_placement_where_the_section_does_not(measure, step, kind):
    mapping = load_mapping(mapping_path())
    s = pd.Series([measure])
    steps = step_of_measure(s, mapping)
    kinds = placement_type(s, steps, mapping)
    assert (int(steps.iloc[0]), None if pd.isna(kinds.iloc[0]) else kinds.iloc[0]) == (step, kind)


def test_a_municipalitys_own_mapping_still_wins(tmp_path):
    src = export(tmp_path / "export")
    data = tmp_path / "data"
    data.mkdir()
    (data / "measure_steps.csv").write_text("pattern,step,placement_type\nfamiliebehandling,2,\n", encoding="utf-8")
    import_os2bos(src, data, key=KEY)
    iv = pd.read_csv(data / "interventions.csv", dtype=str)
    assert iv.loc[iv["measure"] == "SEL-52-3.3 Familiebehandling", "step"].tolist() == ["2"]
