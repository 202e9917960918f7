"""The saved queries answer the users' questions (issue 5, item 4), right on the bundled data.

Expected rows are counted by hand from ``data/*.csv``; each test says how.
Where a count needs arithmetic, the comment shows it so it can be checked again.
"""

from __future__ import annotations

import csv
import re

import pytest

from echos_graph.queries import load_catalogue, run_query
from echos_graph.resources import data_dir
from echos_graph.results import to_rows

CATALOGUE = load_catalogue()

#: Each question the users asked (issue 5, item 4) and the saved query that answers it.
QUESTIONS = {
    "sector coverage per hub": "hub-sector-coverage",
    "missing sectors per hub": "hub-missing-sectors",
    "organisations by sector": "organisations-by-sector",
    "organisations by country": "organisations-by-country",
    "organisations by hub": "organisations-by-hub",
    "organisations in several Mission initiatives": "organisations-in-several-initiatives",
    "coordinators by country": "coordinators-by-country",
    "cross-sector collaborations": "cross-sector-collaborations",
    "cross-border collaborations": "cross-border-collaborations",
    "hubs by status and date": "hubs-by-status",
    "the initiatives of an organisation with their partners": "organisation-initiatives",
    "Member States and Associated Countries without a hub": "countries-without-hub",
    "provenance and verification status of a fact": "fact-provenance",
    "the stored analysis results": "analysis-results",
}

SINTEF = "id:organisation/NO/sintef"
ACC = "id:organisation/IT/alleanza-contro-il-cancro"
#: The ten notations of the sector scheme (ontology/sectors.ttl).
SECTORS = {"GOV", "REG", "HCP", "RES", "ACA", "NGO", "PAT", "IND", "FUN", "INT"}


def rows(graph, name: str, params: dict[str, str] | None = None) -> list[dict[str, str]]:
    names, values = to_rows(run_query(graph, name, params or {}))
    return [dict(zip(names, row)) for row in values]


def read_csv(name: str) -> list[dict[str, str]]:
    with open(data_dir() / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_catalogue_answers_every_question_users_asked() -> None:
    missing = {question: name for question, name in QUESTIONS.items() if name not in CATALOGUE}
    assert not missing, f"no saved query answers: {missing}"
    assert len(CATALOGUE) >= 15


#: The queries added for issue 5; each parameter's description gives an example value.
NEW = ("hub-missing-sectors", "organisations-by-country", "organisations-by-hub", "coordinators-by-country",
       "cross-sector-collaborations", "cross-border-collaborations", "organisation-initiatives")


@pytest.mark.parametrize("name", NEW)
def test_the_example_value_of_each_parameter_returns_rows(graph, name: str) -> None:
    for param in CATALOGUE[name].parameters:
        match = re.search(r"e\.g\. (\S+)", param.description)
        assert match, f"parameter {param.name} of {name}.rq needs an example ('e.g. VALUE')"
        assert rows(graph, name, {param.name: match.group(1).rstrip(";,")}), \
            f"{name}.rq returns nothing for the example {match.group(1)} of {param.name}"


# --- missing sectors per hub ---------------------------------------------------------------

def test_missing_sectors_of_norway_are_regulators_patients_and_international_bodies(graph) -> None:
    result = rows(graph, "hub-missing-sectors", {"hub": "id:hub/NO"})
    # The 14 members of hub_memberships.csv (NO) are GOV, FUN, NGO, IND, RES, HCP and ACA in
    # organisations.csv; the scheme's other three sectors are missing.
    assert {r["notation"] for r in result} == {"REG", "PAT", "INT"}
    assert {r["hubLabel"] for r in result} == {"Cancer Mission Hub Norway"}


def test_missing_sectors_of_spain_are_all_but_its_two_leads_sectors(graph) -> None:
    result = rows(graph, "hub-missing-sectors", {"hub": "id:hub/ES"})
    # hub_memberships.csv: ES leads are Tecnalia (RES) and Instituto de Salud Carlos III (GOV).
    assert {r["notation"] for r in result} == SECTORS - {"RES", "GOV"}


def test_a_hub_without_known_members_misses_every_sector(graph) -> None:
    # hubs.csv lists Sweden; hub_memberships.csv names no member of it.
    assert {r["notation"] for r in rows(graph, "hub-missing-sectors", {"hub": "id:hub/SE"})} == SECTORS


def test_missing_sectors_of_all_hubs_add_up(graph) -> None:
    # 8 hubs without members (SE IL FI HR GR MT NL BG) miss 10 each; NO misses 3; IE (GOV, ACA)
    # and ES (RES, GOV) 8 each; PL (HCP), IT (RES) and DE (GOV) 9 each: 80 + 3 + 16 + 27 = 126.
    assert len(rows(graph, "hub-missing-sectors")) == 126


# --- organisations by country and by hub ---------------------------------------------------

def test_organisations_of_norway_are_the_fourteen_hub_members(graph) -> None:
    result = rows(graph, "organisations-by-country", {"country": "id:country/NO"})
    # organisations.csv has 14 NO rows, all in hub_memberships.csv (NO); 5 of them are ECHoS
    # partners in participations.csv and take part in nothing else.
    assert len(result) == 14
    assert {r["hubs"] for r in result} == {"1"}
    in_echos = {r["name"] for r in result if r["initiatives"] == "1"}
    assert in_echos == {"Oslo Cancer Cluster", "Research Council of Norway", "Norwegian Cancer Society",
                        "Oslo University Hospital", "SINTEF"}
    assert {r["initiatives"] for r in result} == {"0", "1"}


def test_organisations_by_country_lists_every_organisation_once_with_its_country(graph) -> None:
    result = rows(graph, "organisations-by-country")
    expected = {(f"id:organisation/{row['org_key']}", row["country_iso2"], row["sector"])
                for row in read_csv("organisations.csv")}
    assert {(r["organisation"], r["countryCode"], r["notation"]) for r in result} == expected
    assert len(result) == 45
    # Alleanza Contro il Cancro: ECHoS and 4.UNCAN.eu (participations.csv), lead of the Italian hub.
    acc = next(r for r in result if r["organisation"] == ACC)
    assert (acc["initiatives"], acc["hubs"], acc["countryName"]) == ("2", "1", "Italy")


def test_organisations_by_hub_match_the_hub_membership_file(graph) -> None:
    result = rows(graph, "organisations-by-hub")
    expected = {(f"id:hub/{row['hub_country_iso2']}", f"id:organisation/{row['org_key']}", f"id:role/{row['role']}")
                for row in read_csv("hub_memberships.csv")}
    assert {(r["hub"], r["organisation"], r["role"]) for r in result} == expected
    assert len(result) == 21


def test_organisations_by_hub_narrowed_to_government_bodies(graph) -> None:
    result = rows(graph, "organisations-by-hub", {"sector": "id:sector/GOV"})
    # GOV in organisations.csv among hub members: six Norwegian bodies (Directorate of Health, Cancer
    # Registry, KS, Institute of Public Health, Occupational Health, Innovation Norway), HSE (IE),
    # Instituto de Salud Carlos III (ES) and Nationale Dekade gegen Krebs (DE).
    by_hub = {}
    for r in result:
        by_hub[r["hub"]] = by_hub.get(r["hub"], 0) + 1
    assert by_hub == {"id:hub/NO": 6, "id:hub/IE": 1, "id:hub/ES": 1, "id:hub/DE": 1}
    assert {r["notation"] for r in result} == {"GOV"}


# --- coordinators by country ---------------------------------------------------------------

def test_coordinators_by_country_are_the_coordinator_rows_of_the_participation_file(graph) -> None:
    result = rows(graph, "coordinators-by-country")
    country = {row["org_key"]: row["country_iso2"] for row in read_csv("organisations.csv")}
    expected = {(country[row["org_key"]], f"id:organisation/{row['org_key']}")
                for row in read_csv("participations.csv") if row["role"] == "coordinator"}
    assert {(r["countryCode"], r["organisation"]) for r in result} == expected
    # Nine coordinator rows, each coordinating one initiative; Greece has two (NKUA and CERTH).
    assert len(result) == 9 and {r["initiatives"] for r in result} == {"1"}
    assert [r["countryCode"] for r in result].count("GR") == 2


def test_coordinators_of_spain_is_the_catalan_institute_of_oncology(graph) -> None:
    result = rows(graph, "coordinators-by-country", {"country": "id:country/ES"})
    # participations.csv: ICO coordinates the "large-scale adoption" prevention project.
    assert [(r["name"], r["initiatives"]) for r in result] == [("Institut Catala d'Oncologia", "1")]
    assert result[0]["initiativeLabels"].startswith("Towards large-scale adoption")


# --- cross-sector and cross-border collaborations ------------------------------------------

def test_cross_sector_collaborations_count_every_ordered_pair_of_different_sectors(graph) -> None:
    # Ordered pairs of partners in the same initiative minus pairs of the same sector:
    # ECHoS 18 partners (GOV 6, NGO 3, RES 3, HCP 2, ACA 2, IND 1, FUN 1): 18*17 - (30+6+6+2+2) = 260;
    # 4.UNCAN.eu 7 (RES 4, IND, NGO, ACA): 42 - 12 = 30; CCI4EU 2 NGO: 0;
    # Vision Zero Cancer 5 (IND 3, HCP, ACA): 20 - 6 = 14. No pair shares two initiatives: 304.
    result = rows(graph, "cross-sector-collaborations")
    assert len(result) == 304
    assert all(r["sector"] != r["partnerSector"] for r in result)
    pairs = {(r["organisation"], r["partner"]) for r in result}
    assert all((b, a) in pairs for a, b in pairs)  # each pair from both sides


def test_cross_sector_partners_of_sintef_are_its_echos_partners_outside_research(graph) -> None:
    result = rows(graph, "cross-sector-collaborations", {"organisation": SINTEF})
    # SINTEF (RES) is only in ECHoS, with 17 partners; two of them are RES too (Alleanza Contro il
    # Cancro, Tecnalia).
    assert len(result) == 15
    assert {r["initiativeLabels"] for r in result} == {"ECHoS"}
    assert ACC not in {r["partner"] for r in result}


def test_cross_sector_collaborations_of_the_only_funder(graph) -> None:
    result = rows(graph, "cross-sector-collaborations", {"sector": "id:sector/FUN"})
    # The Research Council of Norway is the one FUN organisation; its 17 ECHoS partners are all
    # of other sectors.
    assert {r["name"] for r in result} == {"Research Council of Norway"}
    assert len(result) == 17


def test_cross_border_collaborations_count_every_ordered_pair_of_different_countries(graph) -> None:
    # ECHoS 18 partners (NO 5, IT 3, BE 2, IE 2, ES 2, PT, SI, PL, SE): 306 - (20+6+2+2+2) = 274;
    # 4.UNCAN.eu 7 (FR 3, ES, IT, DE, BE): 42 - 6 = 36; CCI4EU 2 BE: 0;
    # Vision Zero Cancer 5 (SE 3, GB, CH): 20 - 6 = 14. Total 324.
    result = rows(graph, "cross-border-collaborations")
    assert len(result) == 324
    assert all(r["country"] != r["partnerCountry"] for r in result)


def test_cross_border_partners_of_alleanza_contro_il_cancro_span_two_projects(graph) -> None:
    result = rows(graph, "cross-border-collaborations", {"organisation": ACC})
    # ACC (IT) in ECHoS: 17 partners, 2 Italian (FRRB, UCSC) -> 15 abroad; in 4.UNCAN.eu: 6, none
    # Italian -> 6 abroad. 21 partners, each sharing one initiative.
    assert len(result) == 21
    assert {r["sharedInitiatives"] for r in result} == {"1"}
    by_project = {label: sum(r["initiativeLabels"] == label for r in result) for label in ("ECHoS", "4.UNCAN.eu")}
    assert by_project == {"ECHoS": 15, "4.UNCAN.eu": 6}


def test_cross_border_collaborations_narrowed_to_one_country(graph) -> None:
    result = rows(graph, "cross-border-collaborations", {"country": "id:country/SE"})
    # Sweden: Vision Zero Cancer in ECHoS (17 partners, none Swedish) and Elekta, the Confederation of
    # Regional Cancer Centres and Stockholm School of Economics in VZC (2 partners abroad each): 23.
    assert len(result) == 17 + 3 * 2
    assert {r["country"] for r in result} == {"id:country/SE"}


# --- initiatives of an organisation with their partners ------------------------------------

def test_initiatives_of_alleanza_contro_il_cancro_list_each_partner_with_role(graph) -> None:
    result = rows(graph, "organisation-initiatives", {"organisation": ACC})
    # participations.csv: ACC is an affiliated entity of ECHoS (17 other partners) and a participant
    # of 4.UNCAN.eu (6 others, INSERM coordinating).
    assert len(result) == 17 + 6
    roles = {(r["initiativeLabel"], r["role"]) for r in result}
    assert roles == {("ECHoS", "id:role/affiliated-entity"), ("4.UNCAN.eu", "id:role/participant")}
    inserm = next(r for r in result if r["partnerName"] == "Institut National de la Sante et de la Recherche Medicale")
    assert (inserm["partnerRole"], inserm["partnerCountry"], inserm["partnerSector"]) == \
        ("id:role/coordinator", "id:country/FR", "id:sector/RES")


def test_initiative_without_other_partners_gives_one_row_with_an_empty_partner(graph) -> None:
    result = rows(graph, "organisation-initiatives",
                  {"organisation": "id:organisation/IT/alma-mater-studiorum-universita-di-bologna"})
    # participations.csv names only the coordinator of CPW.
    assert [(r["initiativeLabel"], r["role"], r["partner"]) for r in result] == [("CPW", "id:role/coordinator", "")]


def test_initiatives_of_every_organisation_match_the_participation_file(graph) -> None:
    result = rows(graph, "organisation-initiatives")
    expected = {(f"id:organisation/{row['org_key']}", f"id:{row['initiative_key']}")
                for row in read_csv("participations.csv")}
    assert {(r["organisation"], r["initiative"]) for r in result} == expected
