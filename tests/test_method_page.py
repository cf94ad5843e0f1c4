"""The method page states each definition of issue 13 with its source."""

import pytest
from conftest import ROOT

METHOD = (ROOT / "book" / "data_and_method.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "definition, source",
    [
        ("§ 52, stk. 3, nr. 2", "serviceloven § 52, stk. 3"),
        ("nr. 7 (støtteophold = aflastning)", "LOV nr. 721 af 13.6.2023"),
        ("§ 43, stk. 1", "barnets lov"),
        ("Tegnsætning, mellemrum og store/små bogstaver tæller ikke", "normaliseres"),
        ("Eget værelse og kost-/efterskole ligger på trin 5", "VIVE (2017, boks 2.2)"),
        ("placement_type", "§ 66"),
        ("Kaplan-Meier-medianen", "seeds/002"),
        ("sammenhængende anbringelse", "censureret"),
        ("de samme 93 kommuner", "seeds/001"),
        ("«Budgetafvigelse 2013–2015» og «gns. 2010–2012» er udeladt", "definerer dem"),
        ("Figur 3.11", "seeds/003"),
        ("Figur 3.17/3.18", "helt eller delvist"),
        ("første* registrering", "266 sager i egne tilbud"),
        ("færre end 5", "«andet»"),
        ("bias-reduceret", "antal kommuner minus 1"),
        ("wildboottest", "HC3"),
        ("«23 år og derover»", "«Ukendt» bruges kun"),
        ("hele afvigelsen er volumen", "Budgetafvigelse uden budget"),
        ("overlapper, betyder ikke", "selve forskellen"),
        ("**normalprisen** er medianen", "../shared/seeds/003_*"),
        ("samles pr. indsatstype *før*", "mindst 5"),
        ("eksakte Poisson-interval (Garwood)", "../shared/seeds/000_*"),
        ("regnes de som 0 kr.", "pr.\n  anbringelse og måned"),
    ],
)
def test_the_method_page_states_the_definition_and_its_source(definition, source):
    assert definition in METHOD and source in METHOD


@pytest.mark.parametrize(
    "definition, source",
    [
        ("dage fra henvisning til start", "censureret ved periodens slutning"),
        ("«ikke nået»", "S(t) ≤ 0,5"),
        ("højeste aktive trin på måledagen", "udeladt"),
        ("sidste minus første", "trinnet ved første måling"),
        ("antal børn og unge på venteliste", "seeds/002"),
    ],
)
def test_the_method_page_defines_waiting_and_outcomes(definition, source):
    section = METHOD.split("## Ventelister og resultater", 1)[1].split("\n## ", 1)[0]
    assert definition in section and source in section
