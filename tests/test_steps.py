"""The measure -> step mapping follows the law (Serviceloven § 52, stk. 3 and Barnets lov),
whatever the punctuation, spacing and case of the measure; placement types for steps 4-6.

The expected steps are written from the law's text (issue 13 and the method page), not from
the mapping file: SEL § 52, stk. 3: nr. 1 dagtilbud/uddannelse, nr. 2 praktisk, pædagogisk
eller anden støtte i hjemmet, nr. 3 familiebehandling, nr. 4 døgnophold for hele familien,
nr. 5 aflastning, nr. 6 fast kontaktperson, nr. 7 anbringelse, nr. 8 praktiktilbud, nr. 9
anden hjælp. Barnets lov § 32, stk. 1: nr. 1 dagtilbud, nr. 2 støtte i hjemmet, nr. 3 fast
kontaktperson, nr. 4 praktiktilbud, nr. 5 familiebehandling, nr. 6 familieanbringelse
(døgnophold for hele familien), nr. 7 støtteophold (aflastning), nr. 8 anden hjælp.
"""

import csv

import pandas as pd
import pytest
from conftest import interventions_frame, write_csv

from helpers import load
from helpers.analyses import staircase
from helpers.data.paths import REFERENCE_DIR
from helpers.data.steps import load_mapping, mapping_path, normalise, placement_type, step_of_measure

#: Step 1 = § 11 stk. 3; 2 Forebyggende = nr. 1, 5, 6, 8, 9; 3 Hjemmebaseret = nr. 2, 3, 4.
SEL_52 = {1: 2, 2: 3, 3: 3, 4: 3, 5: 2, 6: 2, 8: 2, 9: 2}
#: Barnets lov § 32, stk. 1, nr. -> the SEL § 52, stk. 3, nr. it replaced.
BL_32_TO_SEL_52 = {1: 1, 2: 2, 3: 6, 4: 8, 5: 3, 6: 4, 7: 5, 8: 9}


def steps(*measures):
    return step_of_measure(pd.Series(list(measures)), load_mapping(mapping_path())).tolist()


def types(*measures):
    s = pd.Series(list(measures))
    mapping = load_mapping(mapping_path())
    kinds = placement_type(s, step_of_measure(s, mapping), mapping)
    return [None if pd.isna(k) else k for k in kinds]


@pytest.mark.parametrize(
    "a, b",
    [
        ("§ 52, stk. 3, nr. 2 praktisk, pædagogisk …", "praktisk pædagogisk støtte"),
        ("§ 52, stk. 3, nr. 2 praktisk, pædagogisk …", "§52 stk 3 nr 2"),
        ("§52 stk. 3 nr. 6 fast kontaktperson", "kontaktperson"),
        ("§52 stk. 3 nr. 6 fast kontaktperson", "Kontaktperson"),
        ("§52, stk.3, nr.5 Aflastning", "AFLASTNING"),
        ("kost- og efterskole", "Kost-/efterskole"),
        ("Døgninstitution", "  døgn-institution".replace("-", "")),
        ("§11, stk. 3 rådgivning", "§ 11 stk. 3"),
    ],
)
def test_punctuation_spacing_and_case_do_not_change_the_step(a, b):
    assert steps(a) == steps(b)
    assert steps(a)[0] is not pd.NA


def test_normalised_text():
    assert normalise("§ 52, stk. 3, nr. 2 praktisk, pædagogisk …") == "§ 52 stk 3 nr 2 praktisk pædagogisk"
    assert normalise("§52 STK.3 NR.2") == "§ 52 stk 3 nr 2"
    assert normalise("Kost-/efterskole") == "kost efterskole"


@pytest.mark.parametrize("nr, step", sorted(SEL_52.items()))
def test_serviceloven_52_stk_3_by_its_number(nr, step):
    # the number decides, whatever words a municipality puts after it
    assert steps(f"§ 52, stk. 3, nr. {nr}", f"§52 stk. 3 nr. {nr} særlig aftale") == [step, step]


def test_the_synthetic_datas_old_wrong_numbers_now_map_by_number():
    # "nr. 3 aflastning" and "nr. 6 familiebehandling" were wrong; the number is the law
    assert steps("§52 stk. 3 nr. 5 aflastning", "§52 stk. 3 nr. 3 familiebehandling") == [2, 3]
    assert steps("§52 stk. 3 nr. 5 aflastning i plejefamilie") == [2]  # respite care is not a placement


@pytest.mark.parametrize("bl, sel", sorted(BL_32_TO_SEL_52.items()))
def test_barnets_lov_32_maps_to_the_same_step_as_the_paragraph_it_replaced(bl, sel):
    assert steps(f"Barnets lov § 32, stk. 1, nr. {bl}") == [SEL_52.get(sel, 3)]


@pytest.mark.parametrize(
    "before, after",
    [
        ("§11, stk. 3 rådgivning", "Barnets lov § 30 konsulentbistand"),
        ("§52 stk. 3 nr. 5 aflastning", "Barnets lov § 32, stk. 1, nr. 7 støtteophold i netværksplejefamilie"),
        ("§52 stk. 3 nr. 4 døgnophold for hele familien", "BL § 32 stk. 1 nr. 6 familieanbringelse"),
        ("§52 stk. 3 nr. 7 netværkspleje", "Barnets lov § 46 netværksplejefamilie"),
        ("§52 stk. 3 nr. 7 plejefamilie", "Barnets lov § 46 almen plejefamilie"),
        ("§52 stk. 3 nr. 7 eget værelse", "Barnets lov § 46 eget værelse"),
        ("§52 stk. 3 nr. 7 døgninstitution", "Barnets lov § 46 børne- og ungehjem (døgninstitution)"),
        ("§52 stk. 3 nr. 7", "Barnets lov § 47"),
    ],
)
def test_exports_before_and_after_2024_map_to_the_same_steps(before, after):
    assert steps(before) == steps(after)


def test_placements_steps_and_types():
    measures = [
        "§52 stk. 3 nr. 7 netværkspleje",
        "§52 stk. 3 nr. 7 plejefamilie",
        "§52 stk. 3 nr. 7 kommunal plejefamilie",
        "Barnets lov § 46 forstærket plejefamilie",
        "§52 stk. 3 nr. 7 eget værelse",
        "Barnets lov § 46 kollegium",
        "§52 stk. 3 nr. 7 kost-/efterskole",
        "§52 stk. 3 nr. 7 socialpædagogisk opholdssted",
        "§52 stk. 3 nr. 7 døgninstitution",
        "§52 stk. 3 nr. 7 delt ophold",
        "§52 stk. 3 nr. 7",
        "§52 stk. 3 nr. 3 familiebehandling",
    ]
    assert steps(*measures) == [4, 5, 5, 5, 5, 5, 5, 6, 6, 6, 6, 3]
    assert types(*measures) == [
        "netværkspleje",
        "plejefamilie, almindelig",
        "plejefamilie, kommunal",
        "plejefamilie, forstærket",
        "eget værelse/kollegium",
        "eget værelse/kollegium",
        "kost-/efterskole",
        "socialpædagogisk opholdssted",
        "døgninstitution",
        "delt ophold",
        "uoplyst",
        None,
    ]


def test_a_move_from_institution_to_eget_vaerelse_is_a_move_down_the_staircase():
    mapping = load_mapping(mapping_path())
    iv = interventions_frame(
        [
            ("a", None, "2015-01-01", "2016-04-30"),
            ("a", None, "2016-05-01", None),
            ("b", None, "2015-01-01", "2016-04-30"),
            ("b", None, "2016-05-01", None),
        ]
    )
    iv["measure"] = [
        "§52 stk. 3 nr. 7 døgninstitution",
        "§52 stk. 3 nr. 7 eget værelse",
        "§52 stk. 3 nr. 7 socialpædagogisk opholdssted",
        "Barnets lov § 46 efterskole",
    ]
    iv["step"] = step_of_measure(iv["measure"], mapping).astype(int)
    trans = staircase.transitions(iv, "2016-02-01", "2016-08-01")
    assert trans.to_dict("records") == [{"from_step": 6, "to_step": 5, "children": 2}]
    assert staircase.direction(trans["from_step"], trans["to_step"]).tolist() == ["ned"]


def test_every_row_of_the_shipped_mapping_cites_its_paragraph_and_placements_name_a_type():
    with open(REFERENCE_DIR / "measure_steps.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and all(r["paragraph"].strip() for r in rows)
    assert all(("§" in r["paragraph"]) for r in rows)
    for r in rows:
        assert bool(r["placement_type"]) == (int(r["step"]) >= 4), r
    assert any("Barnets lov § 32" in r["paragraph"] for r in rows)
    assert any("Barnets lov § 43" in r["paragraph"] for r in rows)


def test_a_municipalitys_own_mapping_is_used_with_its_placement_types(tmp_path):
    write_csv(
        tmp_path / "measure_steps.csv",
        "pattern,step,placement_type,paragraph\nhjemmeværelse,5,eget værelse/kollegium,egen praksis\n"
        "aflastning,2,,SEL § 52 stk. 3 nr. 5\n",
    )
    write_csv(
        tmp_path / "interventions.csv",
        "person_id,municipality,target_group,measure,start_date\n"
        "241210-4011,851,udsat,Hjemme-værelse,2016-01-01\n"
        "241210-4011,851,udsat,hjemmeværelse,2016-01-01\n"
        "241210-4011,851,udsat,Aflastning,2016-01-01\n",
    )
    data = load(tmp_path)
    assert data.rejected == 1  # "hjemme værelse" is another text than "hjemmeværelse": not mapped
    iv = data.interventions
    assert iv["step"].tolist() == [5, 2]
    assert iv["placement_type"].iloc[0] == "eget værelse/kollegium" and pd.isna(iv["placement_type"].iloc[1])
