"""Linked Data: every instance IRI answers at its path, in HTML or RDF by content negotiation."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from echos_graph.namespaces import ID

NO = ox.NamedNode(str(ID) + "hub/NO")
LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")


@pytest.mark.parametrize(("accept", "fmt", "media"), [
    ("text/turtle", ox.RdfFormat.TURTLE, "text/turtle"),
    ("application/ld+json", ox.RdfFormat.JSON_LD, "application/ld+json"),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML, "application/rdf+xml"),
])
def test_instance_iri_answers_rdf_by_accept_header(client, accept: str, fmt: ox.RdfFormat, media: str) -> None:
    response = client.get("/id/hub/NO", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media
    assert response.headers["Vary"] == "Accept"
    triples = [q.triple for q in ox.parse(response.data, format=fmt)]
    assert ox.Triple(NO, LABEL, ox.Literal("Cancer Mission Hub Norway")) in triples
    # the memberships pointing at the hub are there too, so that a crawler reaches the members
    memberships = [t for t in triples if t.predicate == ox.NamedNode("http://www.w3.org/ns/org#organization")]
    assert len(memberships) == 14  # hub_memberships.csv: 14 rows for NO


@pytest.mark.parametrize(("name", "fmt"), [("ttl", ox.RdfFormat.TURTLE), ("turtle", ox.RdfFormat.TURTLE),
                                           ("jsonld", ox.RdfFormat.JSON_LD), ("nt", ox.RdfFormat.N_TRIPLES),
                                           ("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)])
def test_format_parameter_chooses_the_syntax_for_plain_links(client, name: str, fmt: ox.RdfFormat) -> None:
    response = client.get(f"/id/organisation/NO/sintef?format={name}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    found = list(ox.parse(response.data, format=fmt))
    assert any(getattr(q, "object", None) == ox.Literal("SINTEF") for q in found)


def test_quads_keep_the_evidence_graph_of_each_fact(client) -> None:
    quads = list(ox.parse(client.get("/id/organisation/NO/sintef?format=nq").data, format=ox.RdfFormat.N_QUADS))
    sector = [q for q in quads if q.predicate == ox.NamedNode("http://www.w3.org/ns/org#classification")]
    assert sector and all(q.graph_name.value.startswith(str(ID) + "graph/bundled/") for q in sector)


def test_browser_gets_html_and_the_page_names_the_data_links(client) -> None:
    response = client.get("/id/hub/NO", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.mimetype == "text/html"
    assert 'rel="alternate"; type="text/turtle"' in response.headers["Link"]
    assert 'href="?format=ttl"' in response.get_data(as_text=True)


def test_json_ld_is_json(client) -> None:
    data = json.loads(client.get("/id/country/NO", headers={"Accept": "application/ld+json"}).data)
    assert any(node.get("@id") == str(ID) + "country/NO" for node in data)


@pytest.mark.parametrize("path", ["/id/hub/XX", "/id/organisation/NO/nobody", "/id/nothing",
                                  "/id/hub/XX?format=ttl"])
def test_unknown_iri_is_a_404(client, path: str) -> None:
    assert client.get(path).status_code == 404
    assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404


def test_unknown_format_is_a_400(client) -> None:
    assert client.get("/id/hub/NO?format=docx").status_code == 400


def test_every_instance_iri_of_the_graph_has_a_page(client, graph) -> None:
    result = graph.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(id:))) }")
    subjects = sorted(row["s"].value for row in result)
    assert len(subjects) > 300
    failed = [s for s in subjects if client.get("/id/" + s[len(str(ID)):]).status_code != 200]
    assert failed == []


def test_a_crawler_reaches_the_members_of_a_hub_from_its_rdf(client) -> None:
    """Follow the hub's incoming memberships to the organisations, using only the RDF answers."""
    def rdf(iri: str) -> list[ox.Triple]:
        response = client.get("/id/" + iri[len(str(ID)):], headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, iri
        return [q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)]

    members = set()
    for t in rdf(NO.value):
        if t.predicate.value == "http://www.w3.org/ns/org#organization":
            for u in rdf(t.subject.value):
                if u.predicate.value == "http://www.w3.org/ns/org#member":
                    members.add(u.object.value)
    assert str(ID) + "organisation/NO/sintef" in members and len(members) == 14
