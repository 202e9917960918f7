"""The web app and the SPARQL endpoint, through Flask's test client and through real clients."""

from __future__ import annotations

import urllib.request

import pyoxigraph as ox
import pytest

from echos_graph.remote import RemoteStore

HUB_NO = "<https://w3id.org/echos-graph/id/hub/NO>"
ASK = f"ASK {{ {HUB_NO} a echo:CancerMissionHub }}"
SELECT = "SELECT ?hub ?label WHERE { ?hub a echo:CancerMissionHub ; skos:prefLabel ?label } ORDER BY ?label"
CONSTRUCT = f"CONSTRUCT {{ {HUB_NO} ?p ?o }} WHERE {{ {HUB_NO} ?p ?o }}"


def test_home_page_shows_counts_sources_and_queries(client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "echo:CancerMissionHub" in page
    assert "data/organisations.csv" in page
    assert "hub-sector-coverage" in page


def test_every_page_carries_security_headers(client) -> None:
    for path in ("/", "/sparql?query=ASK{}", "/nowhere"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_select_by_get_answers_sparql_json(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    labels = [b["label"]["value"] for b in response.get_json()["results"]["bindings"]]
    assert "Cancer Mission Hub Norway" in labels


def test_select_by_post_form_and_by_post_direct_agree(client) -> None:
    form = client.post("/sparql", data={"query": SELECT})
    direct = client.post("/sparql", data=SELECT, content_type="application/sparql-query")
    assert form.status_code == direct.status_code == 200
    assert form.get_json() == direct.get_json()


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
])
def test_select_results_follow_the_accept_header(client, accept: str, media: str) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media


def test_format_parameter_overrides_for_links(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": "csv"})
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).splitlines()[0] == "hub,label"


def test_ask_answers_true(client) -> None:
    response = client.get("/sparql", query_string={"query": ASK})
    assert response.get_json()["boolean"] is True


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", ox.RdfFormat.TURTLE),
                                              ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                                              ("application/ld+json", ox.RdfFormat.JSON_LD),
                                              ("application/rdf+xml", ox.RdfFormat.RDF_XML)])
def test_construct_answers_rdf_in_the_asked_syntax(client, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == accept
    triples = list(ox.parse(response.get_data(), format=fmt))
    assert any(t.object == ox.Literal("Cancer Mission Hub Norway") for t in triples)


def test_malformed_query_is_a_400_with_a_readable_message(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"})
    assert response.status_code == 400
    assert "does not parse" in response.get_data(as_text=True)


def test_two_query_parameters_are_a_400(client) -> None:
    response = client.get("/sparql?query=ASK{}&query=ASK{}")
    assert response.status_code == 400


def test_wrong_post_media_type_is_a_400(client) -> None:
    response = client.post("/sparql", data=SELECT, content_type="text/plain")
    assert response.status_code == 400


def test_updates_are_refused_on_the_read_only_endpoint(client, graph) -> None:
    before = len(graph.named_graphs())
    response = client.post("/sparql", data={"update": "DROP ALL"})
    direct = client.post("/sparql", data="DROP ALL", content_type="application/sparql-update")
    assert response.status_code == direct.status_code == 403
    assert len(graph.named_graphs()) == before


def test_overlong_query_is_refused(app) -> None:
    app.config["MAX_QUERY_LENGTH"] = 100
    response = app.test_client().get("/sparql", query_string={"query": SELECT + " " * 200})
    assert response.status_code == 400
    assert "at most 100" in response.get_data(as_text=True)


def test_get_without_query_returns_a_service_description(client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    triples = list(ox.parse(response.get_data(), format=ox.RdfFormat.TURTLE))
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.predicate == ox.NamedNode(sd + "endpoint") for t in triples)


def test_browser_without_query_is_sent_to_the_query_editor(client) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/query"


def test_ontology_documentation_is_served(client) -> None:
    response = client.get("/ontology")
    assert response.status_code == 200
    assert "Organisation" in response.get_data(as_text=True)


def test_ontology_route_serves_no_file_outside_its_folder(client) -> None:
    assert client.get("/ontology/../../pyproject.toml").status_code == 404
    assert client.get("/ontology/%2e%2e/%2e%2e/etc/passwd").status_code == 404


# -- a real server, real clients (the `served` fixture is in conftest.py) ---------


def test_served_endpoint_answers_sparqlwrapper(served: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(served + "/sparql")
    client.setQuery("PREFIX echo: <https://w3id.org/echos-graph/ontology#> "
                    "SELECT (COUNT(?h) AS ?n) WHERE { ?h a echo:CancerMissionHub }")
    client.setReturnFormat(JSON)
    answer = client.query().convert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) > 10


def test_served_endpoint_answers_rdflib_sparqlstore(served: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    store = SPARQLStore(served + "/sparql")
    rows = list(store.query("ASK { <https://w3id.org/echos-graph/id/hub/NO> ?p ?o }"))
    assert rows == [True]


def test_served_endpoint_listens_on_loopback_with_a_production_server(served: str) -> None:
    response = urllib.request.urlopen(served + "/")
    assert response.status == 200
    assert served.startswith("http://127.0.0.1:")


def test_remote_store_reads_the_served_graph_like_the_embedded_one(served: str, graph) -> None:
    remote = RemoteStore(served + "/sparql")
    from echos_graph.queries import run_query
    from echos_graph.results import to_rows

    def rows(store):  # GROUP_CONCAT's order is not defined by SPARQL: compare the member names as sets
        header, found = to_rows(run_query(store, "hub-sector-coverage", {"hub": "id:hub/NO"}))
        names = header.index("memberNames")
        return header, [row[:names] + [sorted(row[names].split(" ; "))] + row[names + 1:] for row in found]

    assert rows(graph) == rows(remote)
    triples = list(remote.query(CONSTRUCT))
    assert any(t.object == ox.Literal("Cancer Mission Hub Norway") for t in triples)
    assert remote.named_graphs() == graph.named_graphs()


def test_home_page_lists_each_source_file_once_when_another_source_names_the_same_software(store_copy, tmp_path) -> None:
    """A fact stated in two graphs (the software agent's label) must not double the rows."""
    from echos_graph.analysis import load_network, store_hub_results
    from echos_graph.web import create_app

    store_hub_results(store_copy, load_network(store_copy, cache=False), version="0.1.0")
    app = create_app({"TESTING": True, "STORE": store_copy.location, "DOCS_DIR": str(tmp_path / "docs")})
    page = app.test_client().get("/").get_data(as_text=True)
    assert page.count("<td>data/hubs.csv</td>") == 1
