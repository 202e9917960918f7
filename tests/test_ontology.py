"""Tests of the ontology layer: the Turtle files, HermiT, lint, SHACL shapes, docs."""

from __future__ import annotations

import shutil

import pyshacl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH, VANN

from echos_graph import ontology
from echos_graph.errors import OntologyError
from echos_graph.namespaces import ECHO, EURIO, ID, ORG, OWL, RDF, RDFS, SKOS
from echos_graph.ontology import (
    ONTOLOGY_FILES,
    SHAPES_FILE,
    check_consistency,
    lint,
    load_ontology,
    shapes_graph,
    write_docs,
)
from echos_graph.resources import ontology_dir

needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT runs on Java, and `java` is not on PATH")

PREFIXES = """
@prefix echo:    <https://w3id.org/echos-graph/ontology#> .
@prefix id:      <https://w3id.org/echos-graph/id/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eurio:   <http://data.europa.eu/s66#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
"""

# A small record of every kind, written by hand after docs/MODEL.md, with
# real facts about ECHoS (grant 101104587, coordinated by AICIB, Portugal).
VALID_DATA = PREFIXES + """
<https://w3id.org/echos-graph/id/country/PT> a echo:Country ;
    skos:notation "PT" ; skos:prefLabel "Portugal"@en ;
    echo:countryStatus <https://w3id.org/echos-graph/id/country-status/eu-member-state> .
<https://w3id.org/echos-graph/id/organisation/PT/aicib> a echo:Organisation ;
    skos:prefLabel "Agencia de Investigacao Clinica e Inovacao Biomedica" ;
    echo:acronym "AICIB" ;
    echo:country <https://w3id.org/echos-graph/id/country/PT> ;
    org:classification <https://w3id.org/echos-graph/id/sector/GOV> ;
    echo:cordisActivityType <https://w3id.org/echos-graph/id/cordis-activity-type/PUB> .
<https://w3id.org/echos-graph/id/hub/PT> a echo:CancerMissionHub ;
    skos:prefLabel "Portuguese Cancer Mission Hub" ;
    echo:country <https://w3id.org/echos-graph/id/country/PT> ;
    echo:hubLevel echo:NationalLevel ;
    echo:hubStatus <https://w3id.org/echos-graph/id/hub-status/planned> ;
    echo:statusDate "2025"^^xsd:gYear .
<https://w3id.org/echos-graph/id/membership/PT/PT/aicib/hub-lead> a org:Membership ;
    org:member <https://w3id.org/echos-graph/id/organisation/PT/aicib> ;
    org:organization <https://w3id.org/echos-graph/id/hub/PT> ;
    org:role <https://w3id.org/echos-graph/id/role/hub-lead> .
<https://w3id.org/echos-graph/id/initiative/eu-mission-cancer> a echo:Mission ;
    skos:prefLabel "EU Mission on Cancer"@en .
<https://w3id.org/echos-graph/id/project/101104587> a echo:Project ;
    skos:prefLabel "ECHoS" ;
    dcterms:title "Establishing of Cancer Mission Hubs: Networks and Synergies" ;
    echo:grantAgreement "101104587" ;
    echo:callTopic "HORIZON-MISS-2022-CANCER-01-05" ;
    echo:typeOfAction "CSA" ;
    echo:startDate "2023-04-01"^^xsd:date ;
    echo:endDate "2026-03-31"^^xsd:date ;
    dcterms:isPartOf <https://w3id.org/echos-graph/id/initiative/eu-mission-cancer> ;
    echo:addressesTheme <https://w3id.org/echos-graph/id/theme/HUB> ;
    eurio:hasInvolvedParty <https://w3id.org/echos-graph/id/participation/project/101104587/PT/aicib/coordinator> .
<https://w3id.org/echos-graph/id/participation/project/101104587/PT/aicib/coordinator> a echo:Participation ;
    eurio:isRoleOf <https://w3id.org/echos-graph/id/organisation/PT/aicib> ;
    echo:role <https://w3id.org/echos-graph/id/role/coordinator> ;
    eurio:roleLabel "coordinator" ;
    echo:roleDetail "project coordination" ;
    echo:ecContribution "1250000.50"^^xsd:decimal .
<https://w3id.org/echos-graph/id/graph/bundled/3f2a9c> a echo:EvidenceGraph ;
    prov:wasDerivedFrom <https://oslocancercluster.no/2023/05/08/europe-united-against-cancer/> ;
    echo:verificationStatus <https://w3id.org/echos-graph/id/verification/confirmed> ;
    echo:verificationNote "confirmed" ;
    dcterms:isPartOf <https://w3id.org/echos-graph/id/graph/bundled> .
<https://w3id.org/echos-graph/id/graph/bundled> a echo:SourceDataset ;
    echo:checksum "sha256:3f2a9c" ;
    echo:recordCount 150 ;
    prov:wasGeneratedBy [ a echo:IngestActivity ] .
"""

AICIB = URIRef(ID + "organisation/PT/aicib")


@pytest.fixture
def valid_data() -> Graph:
    return Graph().parse(data=VALID_DATA, format="turtle")


def turtle(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def shacl_messages(data: Graph) -> tuple[bool, list[str]]:
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    return conforms, sorted(str(m) for m in results.objects(None, SH.resultMessage))


def in_scheme(graph: Graph, scheme: str) -> set[URIRef]:
    return set(graph.subjects(SKOS.inScheme, URIRef(ID + scheme)))


# --- the files ---------------------------------------------------------------


@pytest.mark.parametrize("name", [*ONTOLOGY_FILES, SHAPES_FILE])
def test_each_ontology_file_parses_as_turtle(name):
    graph = Graph().parse(ontology_dir() / name, format="turtle")
    assert len(graph) > 0


def test_load_ontology_adds_shapes_only_when_asked():
    assert (None, RDF.type, SH.NodeShape) not in load_ontology()
    assert (None, RDF.type, SH.NodeShape) in load_ontology(include_shapes=True)


def test_ontology_declares_its_metadata():
    graph = load_ontology()
    onto = ontology.ONTOLOGY_IRI
    assert (onto, RDF.type, OWL.Ontology) in graph
    assert str(graph.value(onto, OWL.versionInfo)) == "0.1.0"
    assert str(graph.value(onto, VANN.preferredNamespaceUri)) == str(ECHO)
    assert str(graph.value(onto, VANN.preferredNamespacePrefix)) == "echo"


def test_participation_is_a_eurio_role():
    graph = load_ontology()
    assert (ECHO.Participation, RDFS.subClassOf, EURIO.Role) in graph
    assert (ECHO.Organisation, RDFS.subClassOf, EURIO.Organisation) in graph
    assert (ECHO.Organisation, RDFS.subClassOf, ORG.FormalOrganization) in graph


# --- HermiT --------------------------------------------------------------------


@needs_java
def test_hermit_finds_the_ontology_consistent():
    report = check_consistency()
    assert report.consistent, report.message
    assert report.unsatisfiable == []
    assert report.ok


@needs_java
def test_hermit_finds_a_valid_record_of_every_kind_consistent(valid_data):
    report = check_consistency(valid_data)
    assert report.ok, report.message


@needs_java
def test_hermit_reports_an_individual_of_two_disjoint_classes_as_inconsistent():
    report = check_consistency(turtle("<urn:x:thing> a echo:Organisation , echo:Country ."))
    assert not report.consistent
    assert "is both echo:Country and echo:Organisation" in report.message


@needs_java
def test_hermit_reports_a_contribution_that_is_not_a_decimal_as_inconsistent():
    report = check_consistency(turtle('<urn:x:p> a echo:Participation ; echo:ecContribution "12.5"^^xsd:double .'))
    assert not report.consistent


@needs_java
def test_hermit_reports_a_class_below_two_disjoint_classes_as_unsatisfiable():
    report = check_consistency(turtle("<urn:x:Bad> a owl:Class ; rdfs:subClassOf echo:Organisation , echo:Country ."))
    assert report.consistent
    assert report.unsatisfiable == ["urn:x:Bad"]
    assert not report.ok


def test_check_consistency_without_java_raises_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "")
    with pytest.raises(OntologyError, match="needs Java"):
        check_consistency()


# --- lint ----------------------------------------------------------------------


def test_lint_finds_no_issue_in_the_ontology_schemes_and_shapes():
    assert lint(load_ontology(include_shapes=True)) == []


def test_lint_flags_a_misspelt_rdfs_subclassof():
    issues = lint(turtle("<urn:x:A> a owl:Class ; rdfs:subClasOf <urn:x:B> ."))
    assert [(i.code, i.term) for i in issues] == [("unknown-term", str(RDFS) + "subClasOf")]
    assert "did you mean rdfs:subClassOf?" in issues[0].message


def test_lint_flags_a_misspelt_eurio_term():
    issues = lint(turtle("<urn:x:p> eurio:hasInvolvedParti <urn:x:r> ."))
    assert [(i.code, i.term) for i in issues] == [("unknown-term", str(EURIO) + "hasInvolvedParti")]
    assert "did you mean eurio:hasInvolvedParty?" in issues[0].message


def test_lint_flags_an_undeclared_echo_term():
    issues = lint(turtle("<urn:x:org> echo:headquartersIn <urn:x:place> ."))
    assert [(i.code, i.term) for i in issues] == [("undeclared", str(ECHO.headquartersIn))]


def test_lint_flags_a_class_without_a_definition():
    issues = lint(turtle("""
        echo:Thing a owl:Class ; rdfs:label "Thing"@en ;
            rdfs:isDefinedBy <https://w3id.org/echos-graph/ontology> ."""))
    assert [(i.code, i.term) for i in issues] == [("missing-definition", str(ECHO.Thing))]


def test_lint_flags_a_subclass_cycle_and_a_domain_that_is_a_property():
    issues = lint(turtle("""
        <urn:x:A> a owl:Class ; rdfs:subClassOf <urn:x:B> .
        <urn:x:B> a owl:Class ; rdfs:subClassOf <urn:x:A> .
        <urn:x:p> a owl:ObjectProperty ; rdfs:domain <urn:x:q> .
        <urn:x:q> a owl:ObjectProperty ."""))
    assert sorted((i.code, i.term) for i in issues) == [
        ("domain-not-class", "urn:x:p"),
        ("subclass-cycle", "urn:x:A"),
        ("subclass-cycle", "urn:x:B"),
    ]


def test_reused_terms_list_every_vann_term_and_nothing_else_of_vann():
    graph = Graph().parse(ontology_dir() / "reused-terms.ttl")
    listed = {s for s in graph.subjects(RDFS.isDefinedBy, None) if str(s).startswith(str(VANN))}
    assert listed == set(dir(VANN))


# --- SKOS schemes -----------------------------------------------------------------


def test_sector_scheme_has_the_ten_notations():
    graph = load_ontology()
    notations = {str(graph.value(c, SKOS.notation)) for c in in_scheme(graph, "sector")}
    assert notations == {"GOV", "REG", "HCP", "RES", "ACA", "NGO", "PAT", "IND", "FUN", "INT"}
    for concept in in_scheme(graph, "sector"):
        assert concept == URIRef(ID + "sector/" + str(graph.value(concept, SKOS.notation)))


def sector_for_cordis(graph: Graph, cordis: URIRef) -> set[URIRef]:
    """Sectors an exactMatch (or, when there is none, a closeMatch) links to a CORDIS type."""
    sectors = in_scheme(graph, "sector")
    for mapping in (SKOS.exactMatch, SKOS.closeMatch):
        linked = {s for s in graph.subjects(mapping, cordis) if s in sectors}
        linked |= {o for o in graph.objects(cordis, mapping) if o in sectors}
        if linked:
            return linked
    return set()


@pytest.mark.parametrize(
    "code, sector",
    [("HES", "ACA"), ("REC", "RES"), ("PUB", "GOV"), ("PRC", "IND"), ("OTH", "NGO")],
)
def test_each_cordis_activity_type_maps_to_exactly_one_sector(code, sector):
    graph = load_ontology()
    cordis = URIRef(ID + "cordis-activity-type/" + code)
    assert cordis in in_scheme(graph, "cordis-activity-type")
    assert sector_for_cordis(graph, cordis) == {URIRef(ID + "sector/" + sector)}


def test_cordis_scheme_has_exactly_the_five_activity_types():
    graph = load_ontology()
    notations = {str(graph.value(c, SKOS.notation)) for c in in_scheme(graph, "cordis-activity-type")}
    assert notations == {"HES", "REC", "PUB", "PRC", "OTH"}


def test_no_sector_pair_is_both_an_exact_match_and_a_weaker_match():
    graph = load_ontology()
    exact = set(graph.subject_objects(SKOS.exactMatch))
    for weaker in (SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch):
        assert exact.isdisjoint(set(graph.subject_objects(weaker)))


@pytest.mark.parametrize(
    "scheme, size",
    [("sector", 10), ("cordis-activity-type", 5), ("ror-type", 9), ("helix", 4), ("theme", 9),
     ("role", 7), ("verification", 4), ("hub-status", 4), ("country-status", 2)],
)
def test_every_concept_has_notation_label_definition_and_is_a_top_concept(scheme, size):
    graph = load_ontology()
    concepts = in_scheme(graph, scheme)
    assert len(concepts) == size
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in graph
        assert graph.value(concept, SKOS.notation) is not None
        assert any(label.language == "en" for label in graph.objects(concept, SKOS.prefLabel))
        assert graph.value(concept, SKOS.definition) is not None
        assert (concept, SKOS.topConceptOf, URIRef(ID + scheme)) in graph
        assert (URIRef(ID + scheme), SKOS.hasTopConcept, concept) in graph


def test_roles_are_also_org_roles():
    graph = load_ontology()
    for role in in_scheme(graph, "role"):
        assert (role, RDF.type, ORG.Role) in graph


# --- SHACL -----------------------------------------------------------------------


def test_every_shape_has_a_name_a_description_and_a_message():
    shapes = shapes_graph()
    named = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(named) > 20
    for shape in named:
        for predicate in (SH.name, SH.description, SH.message):
            assert shapes.value(shape, predicate) is not None, (shape, predicate)


@pytest.mark.parametrize(
    "scheme, shape",
    [("sector", "OrganisationSector"), ("verification", "EvidenceStatus"), ("hub-status", "HubStatus")],
)
def test_sh_in_lists_of_the_shapes_match_their_schemes(scheme, shape):
    shapes, graph = shapes_graph(), load_ontology()
    node = URIRef("https://w3id.org/echos-graph/shapes#" + shape)
    holder = shapes.value(node, SH.qualifiedValueShape) or node
    assert set(shapes.items(shapes.value(holder, getattr(SH, "in")))) == in_scheme(graph, scheme)


def test_participation_and_membership_roles_together_cover_the_role_scheme():
    shapes, graph = shapes_graph(), load_ontology()
    listed = set()
    for shape in ("ParticipationRole", "MembershipRole"):
        node = URIRef("https://w3id.org/echos-graph/shapes#" + shape)
        listed |= set(shapes.items(shapes.value(node, getattr(SH, "in"))))
    assert listed == in_scheme(graph, "role")


def test_a_valid_record_of_every_kind_conforms_to_the_shapes(valid_data):
    conforms, messages = shacl_messages(valid_data)
    assert conforms, messages


def test_an_organisation_without_a_name_fails_with_our_message(valid_data):
    valid_data.remove((AICIB, SKOS.prefLabel, None))
    conforms, messages = shacl_messages(valid_data)
    assert not conforms
    assert messages == [
        "An organisation needs exactly one preferred name (skos:prefLabel); give it one name and put "
        "other names in skos:altLabel (alt_names column of a spreadsheet)."
    ]


def test_an_organisation_without_a_sector_fails_with_our_message(valid_data):
    valid_data.remove((AICIB, ORG.classification, None))
    conforms, messages = shacl_messages(valid_data)
    assert not conforms
    assert len(messages) == 1
    assert messages[0].startswith("An organisation needs at least one stakeholder sector (org:classification")


def test_a_cordis_activity_type_is_not_taken_for_a_sector(valid_data):
    valid_data.remove((AICIB, ORG.classification, None))
    valid_data.add((AICIB, ORG.classification, URIRef(ID + "cordis-activity-type/PUB")))
    conforms, messages = shacl_messages(valid_data)
    assert not conforms
    assert "stakeholder sector" in messages[0]


def test_a_participation_without_initiative_and_with_negative_contribution_fails(valid_data):
    participation = URIRef(ID + "participation/project/101104587/PT/aicib/coordinator")
    valid_data.remove((None, EURIO.hasInvolvedParty, participation))
    valid_data.set((participation, ECHO.ecContribution, Literal("-5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal"))))
    conforms, messages = shacl_messages(valid_data)
    assert not conforms
    assert any(m.startswith("A participation must belong to exactly one initiative") for m in messages)
    assert any(m.startswith("A participation's EC contribution") for m in messages)


def test_a_country_code_in_lower_case_fails(valid_data):
    country = URIRef(ID + "country/PT")
    valid_data.set((country, SKOS.notation, Literal("pt")))
    conforms, messages = shacl_messages(valid_data)
    assert not conforms
    assert messages[0].startswith("A country needs exactly one two-letter ISO 3166-1 alpha-2 code")


# --- documentation ----------------------------------------------------------------


def test_write_docs_writes_an_index_that_names_organisation(tmp_path):
    written = write_docs(tmp_path / "docs")
    assert [p.name for p in written] == ["index.html", "ontology.html", "schemes.html"]
    assert all(p.is_file() for p in written)
    assert "Organisation" in (tmp_path / "docs" / "index.html").read_text(encoding="utf-8")
    assert "Organisation" in (tmp_path / "docs" / "ontology.html").read_text(encoding="utf-8")
    schemes = (tmp_path / "docs" / "schemes.html").read_text(encoding="utf-8")
    assert 'href="#cordis-activity-type-HES"' in schemes and 'id="sector-ACA"' in schemes


def test_module_exports_exist():
    for name in ontology.__all__:
        assert hasattr(ontology, name), name


def test_no_sector_label_names_two_sectors() -> None:
    """Spreadsheet values are matched by folded label, so a label must point to one sector only."""
    from echos_graph.ontology import load_ontology
    from echos_graph.schemes import fold

    graph = load_ontology()
    seen: dict[str, set[str]] = {}
    sector = URIRef("https://w3id.org/echos-graph/id/sector")
    for concept in graph.subjects(SKOS.inScheme, sector):
        for prop in (SKOS.prefLabel, SKOS.altLabel, SKOS.notation):
            for label in graph.objects(concept, prop):
                seen.setdefault(fold(str(label)), set()).add(str(concept))
    clashes = {label: concepts for label, concepts in seen.items() if len(concepts) > 1}
    assert clashes == {}
