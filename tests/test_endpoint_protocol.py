"""The SPARQL 1.1 Protocol at /sparql: how queries arrive, which dataset they see, what comes back."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

HUB_NO = "https://w3id.org/echos-graph/id/hub/NO"
SELECT = "SELECT ?hub ?label WHERE { ?hub a echo:CancerMissionHub ; skos:prefLabel ?label } ORDER BY ?label"
CONSTRUCT = f"CONSTRUCT {{ <{HUB_NO}> ?p ?o }} WHERE {{ <{HUB_NO}> ?p ?o }}"
SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.mark.parametrize(("accept", "fmt"), [("application/trig", ox.RdfFormat.TRIG),
                                              ("application/n-quads", ox.RdfFormat.N_QUADS)])
def test_construct_answers_dataset_syntaxes_too(client, accept: str, fmt: ox.RdfFormat) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    quads = list(ox.parse(response.get_data(), format=fmt))
    assert any(q.object == ox.Literal("Cancer Mission Hub Norway") for q in quads)


@pytest.mark.parametrize(("fmt", "media"), [("xml", "application/sparql-results+xml"), ("tsv", "text/tab-separated-values"),
                                             ("json", "application/sparql-results+json"),
                                             ("text/csv", "text/csv")])
def test_format_parameter_chooses_the_results_syntax(client, fmt: str, media: str) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": fmt})
    assert response.status_code == 200 and response.mimetype == media


def test_format_parameter_chooses_the_graph_syntax(client) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT, "format": "nt"})
    assert response.mimetype == "application/n-triples"


def test_unknown_format_is_a_400_naming_the_choices(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT, "format": "yaml"})
    assert response.status_code == 400
    assert "format='yaml'" in response.get_data(as_text=True) and "csv" in response.get_data(as_text=True)


def test_accept_header_with_nothing_we_offer_is_a_406(client) -> None:
    response = client.get("/sparql", query_string={"query": SELECT}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_accept_with_a_charset_parameter_still_matches(client) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT},
                          headers={"Accept": "text/turtle; charset=utf-8"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"


def test_default_graph_uri_limits_the_default_graph(client, graph) -> None:
    """The hub's label is in the hubs graph; with another graph as the default graph it is not found."""
    ask = f'ASK {{ <{HUB_NO}> skos:prefLabel "Cancer Mission Hub Norway" }}'
    holders = [g for g in graph.named_graphs()
               if graph.query(f'ASK {{ GRAPH <{g}> {{ <{HUB_NO}> skos:prefLabel ?l }} }}')]
    others = [g for g in graph.named_graphs() if g not in holders]
    assert holders and others
    inside = client.get("/sparql", query_string={"query": ask, "default-graph-uri": holders})
    outside = client.get("/sparql", query_string={"query": ask, "default-graph-uri": others[0]})
    assert inside.get_json()["boolean"] is True
    assert outside.get_json()["boolean"] is False


def test_named_graph_uri_limits_the_graphs_a_query_can_name(client, graph) -> None:
    first, second = graph.named_graphs()[:2]
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query, "named-graph-uri": [first]})
    assert [b["g"]["value"] for b in response.get_json()["results"]["bindings"]] == [first]
    assert second != first


def test_a_query_with_its_own_from_sees_only_that_graph(client, graph) -> None:
    first = graph.named_graphs()[0]
    count_all = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    count_one = client.get("/sparql", query_string={
        "query": f"SELECT (COUNT(*) AS ?n) FROM <{first}> WHERE {{ ?s ?p ?o }}"})
    total = int(count_all.get_json()["results"]["bindings"][0]["n"]["value"])
    one = int(count_one.get_json()["results"]["bindings"][0]["n"]["value"])
    assert 0 < one < total


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "POST", "data": "ASK {}", "content_type": "application/sparql-query; charset=UTF-16"}, "UTF-8"),
    ({"method": "POST", "data": b"ASK { \xff }", "content_type": "application/sparql-query"}, "not UTF-8"),
    ({"method": "POST", "data": "query=ASK%20%7B%7D"}, "no Content-Type"),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, "text/plain is not accepted"),
    ({"method": "GET", "query_string": "update=CLEAR%20ALL"}, "must be sent by POST"),
    ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, "both a 'query' and an 'update'"),
    ({"method": "POST", "data": {"update": ["CLEAR ALL", "CLEAR NAMED"]}}, "2 'update' parameters"),
    ({"method": "POST", "data": {"query": "ASK {}"}, "query_string": "query=ASK%7B%7D"}, "2 'query' parameters"),
    ({"method": "POST", "data": {"named-graph-uri": "http://example.org/g"}}, "no 'query' or 'update'"),
])
def test_protocol_violations_are_400s_that_say_what_to_send(client, kwargs: dict, message: str) -> None:
    method = kwargs.pop("method")
    response = client.open("/sparql", method=method, **kwargs)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_other_methods_are_refused(client) -> None:
    assert client.put("/sparql", data="ASK {}", content_type="application/sparql-query").status_code == 405


def test_relative_iris_resolve_against_the_endpoint(client) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT (<hub> AS ?x) {}"})
    assert response.get_json()["results"]["bindings"][0]["x"]["value"] == "http://localhost/hub"


def test_service_description_lists_formats_and_no_update_when_read_only(client) -> None:
    response = client.get("/sparql", headers={"Accept": "application/n-triples"})
    triples = list(ox.parse(response.get_data(), format=ox.RdfFormat.N_TRIPLES))
    languages = {t.object.value for t in triples if t.predicate.value == SD + "supportedLanguage"}
    formats = {t.object.value.rsplit("/", 1)[-1] for t in triples if t.predicate.value == SD + "resultFormat"}
    assert languages == {SD + "SPARQL11Query"}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_CSV", "Turtle", "TriG", "N-Quads"} <= formats


def test_service_description_announces_update_when_a_token_is_set(built_dir, tmp_path) -> None:
    from echos_graph.web import create_app

    app = create_app({"TESTING": True, "STORE": str(built_dir), "UPDATE_TOKEN": "t0k3n"})
    response = app.test_client().get("/sparql", headers={"Accept": "text/turtle"})
    assert b"SPARQL11Update" in response.get_data()


def test_a_client_asking_for_json_without_query_gets_the_description_not_a_redirect(client) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert any(SD + "endpoint" in json.dumps(node) for node in json.loads(response.get_data()))


def test_an_empty_post_query_is_a_400(client) -> None:
    response = client.post("/sparql", data={"query": "  "})
    assert response.status_code == 400
