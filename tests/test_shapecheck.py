"""Tests of the fast shape checker: shapes compiled to SPARQL, checked against pySHACL."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import Graph

from echos_graph import build, open_store, shapecheck
from echos_graph.builder import ontology_quads
from echos_graph.errors import OntologyError
from echos_graph.namespaces import ECHO, ID, ORG, RDF, SH, SKOS, graph_iri
from echos_graph.ontology import shapes_graph
from echos_graph.shapecheck import MAX_REPORTED, check_store, compile_shapes
from echos_graph.validate import validate_store

PREFIXES = """
@prefix echo:    <https://w3id.org/echos-graph/ontology#> .
@prefix id:      <https://w3id.org/echos-graph/id/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eurio:   <http://data.europa.eu/s66#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix sh:      <http://www.w3.org/ns/shacl#> .
@prefix ex:      <https://example.org/> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""

# One record of every kind, after docs/MODEL.md, with real facts about ECHoS
# (grant 101104587, coordinated by AICIB, Portugal): facts in an evidence graph
# of source "test", described in the source's catalogue graph.
VALID = PREFIXES + """
id:graph\\/test\\/e1 {
  id:country\\/PT a echo:Country ; skos:notation "PT" .
  id:organisation\\/PT\\/aicib a echo:Organisation ;
      skos:prefLabel "AICIB" ;
      echo:country id:country\\/PT ;
      org:classification id:sector\\/GOV .
  id:hub\\/PT a echo:CancerMissionHub ;
      skos:prefLabel "Portuguese Cancer Mission Hub" ;
      echo:country id:country\\/PT ;
      echo:hubLevel echo:NationalLevel ;
      echo:hubStatus id:hub-status\\/planned ;
      echo:statusDate "2025"^^xsd:gYear .
  id:membership\\/PT\\/PT\\/aicib\\/hub-lead a org:Membership ;
      org:member id:organisation\\/PT\\/aicib ;
      org:organization id:hub\\/PT ;
      org:role id:role\\/hub-lead .
  id:initiative\\/eu-mission-cancer a echo:Mission ; skos:prefLabel "EU Mission on Cancer" .
  id:project\\/101104587 a echo:Project ;
      skos:prefLabel "ECHoS" ;
      echo:startDate "2023-04-01"^^xsd:date ;
      echo:endDate "2026-03-31"^^xsd:date ;
      eurio:hasInvolvedParty id:participation\\/p1 .
  id:participation\\/p1 a echo:Participation ;
      eurio:isRoleOf id:organisation\\/PT\\/aicib ;
      echo:role id:role\\/coordinator ;
      echo:ecContribution "1250000.50"^^xsd:decimal .
}
id:graph\\/test {
  id:graph\\/test\\/e1 a echo:EvidenceGraph ;
      prov:wasDerivedFrom <https://www.echos-project.eu/> ;
      echo:verificationStatus id:verification\\/confirmed .
}
"""
AICIB = str(ID) + "organisation/PT/aicib"
PART = str(ID) + "participation/p1"

# Each case breaks one constraint of ontology/shapes.ttl: (replace this, by that) in VALID.
BROKEN = {
    "organisation-without-name": ('skos:prefLabel "AICIB" ;', ""),
    "organisation-with-two-names": ('skos:prefLabel "AICIB" ;', 'skos:prefLabel "AICIB", "A.I.C.I.B." ;'),
    "organisation-without-country": ("echo:country id:country\\/PT ;\n      org:classification",
                                     "org:classification"),
    "organisation-country-not-a-country": ("echo:country id:country\\/PT ;\n      org:classification",
                                           "echo:country id:hub\\/PT ;\n      org:classification"),
    "organisation-without-sector": ("org:classification id:sector\\/GOV .", "."),
    "organisation-sector-outside-the-scheme": ("id:sector\\/GOV", "id:cordis-activity-type\\/PUB"),
    "hub-without-level": ("echo:hubLevel echo:NationalLevel ;", ""),
    "hub-status-outside-the-scheme": ("id:hub-status\\/planned", "id:hub-status\\/thriving"),
    "hub-status-date-in-words": ('"2025"^^xsd:gYear', '"May 2025"'),
    "membership-without-member": ("org:member id:organisation\\/PT\\/aicib ;", ""),
    "membership-member-is-a-literal": ("org:member id:organisation\\/PT\\/aicib ;", 'org:member "aicib" ;'),
    "membership-role-of-a-project": ("id:role\\/hub-lead", "id:role\\/coordinator"),
    "participation-with-two-roles": ("echo:role id:role\\/coordinator ;", "echo:role id:role\\/coordinator, id:role\\/partner ;"),
    "participation-organisation-not-an-organisation": ("eurio:isRoleOf id:organisation\\/PT\\/aicib ;",
                                                       "eurio:isRoleOf id:country\\/PT ;"),
    "participation-not-linked-from-an-initiative": ("eurio:hasInvolvedParty id:participation\\/p1 .", "."),
    "participation-in-two-initiatives": ('skos:prefLabel "EU Mission on Cancer" .',
                                         'skos:prefLabel "EU Mission on Cancer" ; eurio:hasInvolvedParty id:participation\\/p1 .'),
    "negative-ec-contribution": ('"1250000.50"^^xsd:decimal', '"-5"^^xsd:decimal'),
    "ec-contribution-with-separators": ('"1250000.50"^^xsd:decimal', '"1,250,000.50"'),
    "initiative-without-name": ('skos:prefLabel "ECHoS" ;', ""),
    "initiative-start-date-ill-typed": ('"2023-04-01"^^xsd:date', '"2023-13-01"^^xsd:date'),
    "country-code-in-lower-case": ('skos:notation "PT"', 'skos:notation "pt"'),
    "evidence-graph-without-source": ("prov:wasDerivedFrom <https://www.echos-project.eu/> ;", ""),
    "evidence-graph-with-unknown-status": ("id:verification\\/confirmed", "id:verification\\/certain"),
    "organisation-typed-by-a-subclass-declared-in-the-data": (
        'id:country\\/PT a echo:Country ; skos:notation "PT" .',
        (
            'id:country\\/PT a echo:Country ; skos:notation "PT" .\n'
            "  ex:Hospital rdfs:subClassOf echo:Organisation .\n"
            "  id:organisation\\/PT\\/ipo a ex:Hospital ; echo:country id:country\\/PT ; org:classification id:sector\\/HCP ."
        ),
    ),
}
# Valid variants: sh:class and targets follow rdfs:subClassOf in the data, as in pySHACL.
VALID_VARIANTS = {
    "country-typed-by-a-subclass-of-echo-country": (
        "id:country\\/PT a echo:Country ;",
        "id:country\\/PT a ex:Nation . ex:Nation rdfs:subClassOf echo:Country .\n  id:country\\/PT",
    ),
    "hub-status-date-as-a-date": ('"2025"^^xsd:gYear', '"2025-05-20"^^xsd:date'),
}


@pytest.fixture(scope="module")
def ontology() -> list[ox.Quad]:
    return ontology_quads()


def load(ontology: list[ox.Quad], *trig: str):
    """Return a memory store holding the ontology and the TriG texts, written in one transaction."""
    store = open_store("memory:")
    with store.transaction() as tx:
        tx.add(ontology)
        for text in trig:
            tx.add(ox.parse(text.encode(), format=ox.RdfFormat.TRIG))
    return store


def mutate(case: tuple[str, str]) -> str:
    old, new = case
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def pairs(report) -> set[tuple[str, str, str]]:
    """Return the (focus, shape, path) of each result; pySHACL's inverse paths are blank nodes, named by shape."""
    paths = {c.shape: c.path for c in compile_shapes(shapes_graph())}
    return {(v.focus, v.shape, v.path if v.path.startswith("http") else paths[v.shape]) for v in report.violations}


# --- compiling -----------------------------------------------------------------


def test_every_shape_of_the_ontology_compiles_with_one_check_per_constraint():
    shapes = shapes_graph()
    checks = compile_shapes(shapes)
    names = {"minCount", "maxCount", "class", "datatype", "or", "in", "nodeKind", "pattern", "minInclusive",
             "qualifiedMinCount"}
    properties = set(shapes.objects(None, SH.property))
    assert properties == set(shapes.subjects(RDF.type, SH.PropertyShape))
    for prop in properties:
        expected = {str(p).split("#")[1] for p in shapes.predicates(prop, None)} & names
        assert sorted(c.kind for c in checks if c.shape == str(prop)) == sorted(expected), prop


def test_each_check_is_a_select_of_the_focus_nodes_that_oxigraph_parses(ontology):
    store = load(ontology)
    for check in compile_shapes(shapes_graph()):
        for text in (check.sparql, check.local_sparql, check.query([graph_iri("test")], local=True),
                     check.query([graph_iri("test")]), check.query([graph_iri("test")], few=True)):
            assert text.startswith("SELECT")
            assert list(store.query(text)) == [], check


UNSUPPORTED = {
    "sh:closed": ("shape:S sh:targetClass ex:C ; sh:closed true .", "http://www.w3.org/ns/shacl#closed"),
    "sh:targetNode": ("shape:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
                      "http://www.w3.org/ns/shacl#targetNode"),
    "sh:hasValue": ("shape:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:hasValue 1 ] .",
                    "http://www.w3.org/ns/shacl#hasValue"),
    "a sequence path": ("shape:S sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
                        "sh:path"),
    "sh:or of classes": ("shape:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:or ( [ sh:class ex:D ] ) ] .",
                         "http://www.w3.org/ns/shacl#class"),
    "sh:datatype rdf:HTML": (
        "shape:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:datatype rdf:HTML ] .", "rdf-syntax-ns#HTML"),
    "a node shape without a target": ("shape:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
                                      "no sh:targetClass"),
    "a property shape of no node shape": ("shape:P a sh:PropertyShape ; sh:path ex:p ; sh:minCount 1 .",
                                          "not the sh:property of a node shape"),
    "a pattern SPARQL cannot compile": (
        'shape:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "(?<=a)b" ] .', "sh:pattern"),
}


def test_a_count_of_zero_adds_no_check():
    shapes = Graph().parse(data=PREFIXES + """ex:S sh:targetClass ex:C ;
        sh:property [ sh:path ex:p ; sh:minCount 0 ; sh:qualifiedValueShape [ sh:in ( ex:a ) ] ;
                      sh:qualifiedMinCount 0 ] .""", format="turtle")
    assert compile_shapes(shapes) == []


@pytest.mark.parametrize("case", UNSUPPORTED.values(), ids=UNSUPPORTED.keys())
def test_unsupported_shape_term_is_refused_with_the_shape_and_term_named(case):
    text, term = case
    shapes = Graph().parse(data=PREFIXES + "@prefix shape: <https://example.org/shapes#> .\n" + text, format="turtle")
    with pytest.raises(OntologyError, match="shape") as error:
        compile_shapes(shapes)
    assert term in str(error.value)


# --- agreeing with pySHACL -------------------------------------------------------------


FORMS = {  # how check_store runs each check: its settings, and whether it checks all graphs by name
    "whole-store": ({"FEW_TARGETS": -1}, False),
    "each-target": ({"FEW_TARGETS": 10**9}, False),
    "touched-one-by-one": ({"LOCAL_RATIO": 0}, True),
    "touched-filtered": ({"LOCAL_RATIO": 10**9, "FEW_TARGETS": -1}, True),
    "touched-each-target": ({"LOCAL_RATIO": 10**9, "FEW_TARGETS": 10**9}, True),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_check_store_finds_the_same_violations_as_pyshacl(ontology, case, form, monkeypatch):
    settings, by_graph = FORMS[form]
    for name, value in settings.items():
        monkeypatch.setattr(shapecheck, name, value)
    store = load(ontology, mutate(case))
    fast = check_store(store, graphs=store.named_graphs() if by_graph else None)
    full = validate_store(store)
    assert not full.conforms, "the case should break a shape"
    assert fast.conforms == full.conforms
    assert pairs(fast) == pairs(full)
    assert {(v.focus, v.path, v.value) for v in fast.violations if v.value} <= \
        {(v.focus, v.path, v.value) for v in full.violations}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", [("", ""), *VALID_VARIANTS.values()], ids=["as-is", *VALID_VARIANTS])
def test_valid_data_conforms_for_check_store_and_pyshacl(ontology, case, form, monkeypatch):
    settings, by_graph = FORMS[form]
    for name, value in settings.items():
        monkeypatch.setattr(shapecheck, name, value)
    store = load(ontology, mutate(case) if case[0] else VALID)
    assert validate_store(store).conforms
    report = check_store(store, graphs=store.named_graphs() if by_graph else None)
    assert report.conforms, report.text()


def test_bundled_data_conforms_for_check_store_and_pyshacl():
    store = open_store("memory:")
    build(store)
    fast, full = check_store(store), validate_store(store)
    assert fast.conforms and full.conforms
    assert fast.triples >= full.triples > 3000  # a triple stated by two graphs counts twice here


# --- reports ---------------------------------------------------------------------------


def test_violation_carries_label_origin_severity_message_and_value(ontology):
    store = load(ontology, mutate(BROKEN["organisation-country-not-a-country"]))
    report = check_store(store, origins={AICIB: "hub-norway.csv:2"})
    [violation] = report.violations
    assert (violation.focus, violation.label, violation.origin, violation.severity) == \
        (AICIB, "AICIB", "hub-norway.csv:2", "Violation")
    assert violation.path == str(ECHO.country) and violation.value == str(ID) + "hub/PT"
    assert violation.message.startswith("An organisation needs exactly one country (echo:country)")
    assert "hub-norway.csv:2" in report.text()


def test_check_store_sees_the_staged_data_of_a_transaction(ontology):
    store = load(ontology, VALID)
    with store.transaction() as tx:
        tx.add(ox.parse(mutate(BROKEN["participation-with-two-roles"]).encode(), format=ox.RdfFormat.TRIG))
        report = check_store(tx)
    assert [(v.focus, v.path) for v in report.violations] == [(PART, str(ECHO.role))]


def test_a_warning_shape_is_reported_as_a_warning_and_the_data_does_not_conform(ontology):
    shapes = Graph().parse(data=PREFIXES + """
        ex:S sh:targetClass echo:Organisation ;
            sh:property [ sh:path echo:acronym ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "Add one." ] .""",
        format="turtle")
    report = check_store(load(ontology, VALID), shapes=shapes)
    assert not report.conforms
    assert [(v.severity, v.focus, v.message) for v in report.violations] == [("Warning", AICIB, "Add one.")]


def test_a_broken_check_lists_the_first_hundred_and_counts_the_rest(ontology):
    orgs = "\n".join(f"id:organisation\\/PT\\/o{i} a echo:Organisation ; echo:country id:country\\/PT ; "
                     f"org:classification id:sector\\/GOV ." for i in range(MAX_REPORTED + 20))
    report = check_store(load(ontology, VALID, PREFIXES + f"id:graph\\/test\\/e1 {{ {orgs} }}"))
    assert len(report.violations) == MAX_REPORTED + 1
    assert report.violations[-1].message.startswith("and 20 more like this, not listed: An organisation needs")
    assert report.violations[-1].path == str(SKOS.prefLabel)


# --- checking what a new source touches -----------------------------------------------------

OLD_SOURCE = PREFIXES + """
id:graph\\/old {
  id:organisation\\/NO\\/broken a echo:Organisation ; skos:prefLabel "Broken" ; org:classification id:sector\\/RES .
  id:organisation\\/NO\\/sintef org:classification id:sector\\/RES .
  id:initiative\\/eu-mission-cancer eurio:hasInvolvedParty id:participation\\/p1 .
}
"""
NEW_SOURCE = PREFIXES + """
id:graph\\/new {
  id:country\\/NO a echo:Country ; skos:notation "NO" .
  id:organisation\\/NO\\/sintef a echo:Organisation ; skos:prefLabel "SINTEF" ; echo:country id:country\\/NO .
}
"""
NEW_CLAIM = PREFIXES + """
id:graph\\/claim { id:initiative\\/eu-mission-cancer eurio:hasInvolvedParty id:participation\\/p1 . }
"""


@pytest.fixture(params=["local", "wide", "few"])
def mode(request, monkeypatch):
    """Check touched focus nodes one by one (local), the whole store, then filter (wide), or each target (few)."""
    monkeypatch.setattr(shapecheck, "LOCAL_RATIO", 0 if request.param == "local" else 10**9)
    monkeypatch.setattr(shapecheck, "FEW_TARGETS", 10**9 if request.param == "few" else -1)
    return request.param


def test_a_violation_in_another_source_is_not_reported_for_the_new_graph(ontology, mode):
    store = load(ontology, OLD_SOURCE, NEW_SOURCE)
    assert check_store(store, graphs=[graph_iri("new")]).conforms
    assert [v.focus for v in check_store(store, graphs=[graph_iri("old")]).violations] == \
        [str(ID) + "organisation/NO/broken"]
    assert str(ID) + "organisation/NO/broken" in {v.focus for v in check_store(store).violations}


def test_a_fact_from_another_source_completes_an_entity_of_the_new_graph(ontology, mode):
    store = load(ontology, NEW_SOURCE)
    [missing] = check_store(store, graphs=[graph_iri("new")]).violations
    assert (missing.focus, missing.path) == (str(ID) + "organisation/NO/sintef", str(ORG.classification))
    store = load(ontology, OLD_SOURCE, NEW_SOURCE)
    assert check_store(store, graphs=[graph_iri("new")]).conforms  # the sector comes from graph old


def test_a_new_graph_is_checked_where_it_is_the_object_of_an_inverse_path(ontology, mode):
    store = load(ontology, VALID, NEW_CLAIM)
    expected = {(PART, "https://w3id.org/echos-graph/shapes#ParticipationInitiative",
                 "^http://data.europa.eu/s66#hasInvolvedParty")}  # p1 now has two initiatives
    assert pairs(check_store(store, graphs=[graph_iri("test", "e1")])) == expected
    assert pairs(check_store(store, graphs=[graph_iri("claim")])) == expected  # p1 is only an object there


def test_no_graph_to_check_conforms_and_counts_nothing(ontology):
    report = check_store(load(ontology, mutate(BROKEN["organisation-without-name"])), graphs=[])
    assert report.conforms and report.triples == 0


def test_triples_count_the_checked_graphs(ontology):
    store = load(ontology, VALID)
    assert check_store(store, graphs=[graph_iri("test")]).triples == 3


# --- scale -------------------------------------------------------------------------------------


def test_twenty_thousand_organisations_with_planted_faults_give_exactly_those_violations(ontology):
    rng = random.Random(42)
    graph = ox.NamedNode(graph_iri("synthetic"))
    countries = [ox.NamedNode(f"{ID}country/C{i}") for i in range(30)]
    sectors = [ox.NamedNode(f"{ID}sector/{s}") for s in ("GOV", "REG", "HCP", "RES", "ACA", "IND")]

    def quad(s, p, o):
        return ox.Quad(s, ox.NamedNode(str(p)), o, graph)

    quads = [quad(c, RDF.type, ox.NamedNode(str(ECHO.Country))) for c in countries]
    quads += [quad(c, SKOS.notation, ox.Literal(chr(65 + i // 26) + chr(65 + i % 26))) for i, c in enumerate(countries)]
    orgs = [ox.NamedNode(f"{ID}organisation/XX/org-{i}") for i in range(20_000)]
    planted = set()
    for i, org in enumerate(orgs):
        quads.append(quad(org, RDF.type, ox.NamedNode(str(ECHO.Organisation))))
        quads.append(quad(org, ORG.classification, rng.choice(sectors)))
        country = rng.choice(countries)
        quads.append(quad(org, ECHO.country, country))
        if i % 2500 == 7:  # 8 organisations without a name
            planted.add((org.value, str(SKOS.prefLabel)))
        else:
            quads.append(quad(org, SKOS.prefLabel, ox.Literal(f"Organisation {i}")))
        if i % 4000 == 11:  # 5 with a second country
            quads.append(quad(org, ECHO.country, countries[countries.index(country) - 1]))
            planted.add((org.value, str(ECHO.country)))
    store = load(ontology)
    with store.transaction() as tx:
        tx.add(quads)
    report = check_store(store)
    assert {(v.focus, v.path) for v in report.violations} == planted
    assert len(report.violations) == len(planted) == 13
