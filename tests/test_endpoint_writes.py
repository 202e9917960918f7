"""Writes: SPARQL Update at /sparql and the Graph Store Protocol, behind a bearer token, atomic."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from echos_graph.store import EmbeddedStore

TOKEN = "correct-horse-battery-staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
G = "https://example.org/partners"
INSERT = f"INSERT DATA {{ GRAPH <{G}> {{ <https://example.org/a> <https://example.org/knows> <https://example.org/b> }} }}"


@pytest.fixture()
def writable(store_copy: EmbeddedStore, tmp_path):
    """A test client over a private copy of the built store, with writes on."""
    from echos_graph.web import create_app

    app = create_app({"TESTING": True, "STORE": store_copy.location, "UPDATE_TOKEN": TOKEN,
                      "DOCS_DIR": str(tmp_path / "docs")})
    return app.test_client(), store_copy


def _ask(client, query: str) -> bool:
    return bool(client.get("/sparql", query_string={"query": query}).get_json()["boolean"])


def test_updates_are_off_without_a_configured_token(client, graph) -> None:
    before = graph.current_generation()
    response = client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=AUTH)
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)
    assert graph.current_generation() == before


def test_an_update_without_a_token_is_a_401_with_a_challenge(writable) -> None:
    client, store = writable
    response = client.post("/sparql", data={"update": INSERT})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert G not in store.named_graphs()


@pytest.mark.parametrize("header", [f"Bearer {TOKEN}x", "Bearer wrong", f"Basic {TOKEN}", f"bearer {TOKEN[:-1]}"])
def test_an_update_with_a_wrong_token_is_refused(writable, header: str) -> None:
    client, store = writable
    response = client.post("/sparql", data={"update": INSERT}, headers={"Authorization": header})
    assert response.status_code in (401, 403)
    assert G not in store.named_graphs()


@pytest.mark.parametrize("how", ["form", "direct"])
def test_an_update_with_the_token_is_published_as_a_new_generation(writable, how: str) -> None:
    client, store = writable
    before = store.current_generation()
    if how == "form":
        response = client.post("/sparql", data={"update": INSERT}, headers=AUTH)
    else:
        response = client.post("/sparql", data=INSERT, content_type="application/sparql-update", headers=AUTH)
    assert response.status_code == 204
    assert store.current_generation() != before
    assert _ask(client, f"ASK {{ GRAPH <{G}> {{ ?s <https://example.org/knows> ?o }} }}")


def test_a_failing_update_changes_nothing(writable) -> None:
    """The second operation fails (DROP of a graph that does not exist, not SILENT); the first is not kept."""
    client, store = writable
    before = store.current_generation()
    update = INSERT + " ; DROP GRAPH <https://example.org/missing>"
    response = client.post("/sparql", data={"update": update}, headers=AUTH)
    assert response.status_code == 400
    assert "nothing of it was applied" in response.get_data(as_text=True)
    assert store.current_generation() == before
    assert G not in store.named_graphs()


def test_a_malformed_update_is_a_400(writable) -> None:
    client, _ = writable
    response = client.post("/sparql", data={"update": "CLEAR XYZ"}, headers=AUTH)
    assert response.status_code == 400 and "does not parse" in response.get_data(as_text=True)


def test_load_is_refused_even_with_the_token(writable) -> None:
    client, store = writable
    response = client.post("/sparql", data={"update": "LOAD <http://127.0.0.1:9/data.ttl>"}, headers=AUTH)
    assert response.status_code == 400 and "LOAD is refused" in response.get_data(as_text=True)


def test_using_graph_uri_sets_the_graphs_an_update_matches(writable) -> None:
    client, _ = writable
    client.post("/sparql", data={"update": INSERT}, headers=AUTH)
    copy = ("INSERT { GRAPH <https://example.org/copy> { ?s ?p ?o } } WHERE { ?s ?p ?o }")
    response = client.post("/sparql", data={"update": copy, "using-graph-uri": G}, headers=AUTH)
    assert response.status_code == 204
    count = client.get("/sparql", query_string={
        "query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/copy> { ?s ?p ?o } }"}).get_json()
    assert count["results"]["bindings"][0]["n"]["value"] == "1"  # the one triple of G, nothing else


def test_using_graph_uri_with_a_with_clause_is_a_400(writable) -> None:
    client, _ = writable
    update = f"WITH <{G}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"
    response = client.post("/sparql", data={"update": update, "using-named-graph-uri": G}, headers=AUTH)
    assert response.status_code == 400


# -- Graph Store Protocol ---------------------------------------------------

TURTLE = "<https://example.org/a> <https://example.org/knows> [ <https://example.org/name> \"B\" ] ."


def test_graph_store_reads_are_open_and_writes_are_guarded(writable) -> None:
    client, _ = writable
    assert client.put(f"/rdf-graph-store?graph={G}", data=TURTLE, content_type="text/turtle").status_code == 401
    assert client.put(f"/rdf-graph-store?graph={G}", data=TURTLE, content_type="text/turtle",
                      headers={"Authorization": "Bearer nope"}).status_code == 403
    assert client.get(f"/rdf-graph-store?graph={G}").status_code == 404
    assert client.put(f"/rdf-graph-store?graph={G}", data=TURTLE, content_type="text/turtle",
                      headers=AUTH).status_code == 201
    response = client.get(f"/rdf-graph-store?graph={G}", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert len(list(ox.parse(response.get_data(), format=ox.RdfFormat.N_TRIPLES))) == 2


def test_graph_store_put_replaces_post_adds_delete_drops(writable) -> None:
    client, store = writable
    url = f"/rdf-graph-store?graph={G}"
    client.put(url, data=TURTLE, content_type="text/turtle", headers=AUTH)
    assert client.put(url, data="<https://example.org/c> <https://example.org/p> 1 .", content_type="text/turtle",
                      headers=AUTH).status_code == 204
    assert client.post(url, data='<https://example.org/d> <https://example.org/p> "2" .',
                       content_type="application/n-triples", headers=AUTH).status_code == 204
    triples = list(ox.parse(client.get(url, headers={"Accept": "application/n-triples"}).get_data(),
                            format=ox.RdfFormat.N_TRIPLES))
    assert {t.subject.value for t in triples} == {"https://example.org/c", "https://example.org/d"}
    assert client.delete(url, headers=AUTH).status_code == 204
    assert client.delete(url, headers=AUTH).status_code == 404
    assert G not in store.named_graphs()


def test_graph_store_post_to_the_store_makes_a_new_graph(writable) -> None:
    client, store = writable
    response = client.post("/rdf-graph-store", data=TURTLE, content_type="text/turtle", headers=AUTH)
    assert response.status_code == 201
    location = response.headers["Location"]
    assert location.startswith("http://localhost/rdf-graph-store/new/")
    assert location in store.named_graphs()
    assert client.get(location.removeprefix("http://localhost")).status_code == 200


def test_graph_store_refuses_a_body_it_cannot_read(writable) -> None:
    client, _ = writable
    url = f"/rdf-graph-store?graph={G}"
    assert client.put(url, data="a,b", content_type="text/csv", headers=AUTH).status_code == 415
    bad = client.put(url, data="<a> <b> .", content_type="text/turtle", headers=AUTH)
    assert bad.status_code == 400 and "does not parse" in bad.get_data(as_text=True)


def test_graph_store_needs_a_graph_name(writable) -> None:
    client, _ = writable
    assert client.get("/rdf-graph-store").status_code == 400
    assert client.get("/rdf-graph-store?graph=not-an-iri").status_code == 400
    assert client.get(f"/rdf-graph-store?graph={G}&default").status_code == 400


def test_graph_store_reads_of_a_large_graph_are_capped_and_paged(writable) -> None:
    client, store = writable
    client.application.config["MAX_RESULT_ROWS"] = 10
    graph = store.named_graphs()[0]
    refused = client.get(f"/rdf-graph-store?graph={graph}")
    assert refused.status_code == 400 and "page=1" in refused.get_data(as_text=True)
    first = client.get(f"/rdf-graph-store?graph={graph}&page=1", headers={"Accept": "application/n-triples"})
    assert first.status_code == 200 and len(first.get_data().splitlines()) == 10
    assert 'rel="next"' in first.headers["Link"] and "page=2" in first.headers["Link"]


def test_env_var_turns_writes_on(built_dir, monkeypatch) -> None:
    from echos_graph.web import create_app

    monkeypatch.setenv("ECHOS_GRAPH_UPDATE_TOKEN", TOKEN)
    app = create_app({"TESTING": True, "STORE": str(built_dir)})
    assert app.config["UPDATE_TOKEN"] == TOKEN


def test_remote_store_writes_through_the_served_endpoint_with_its_token(served_writable) -> None:
    """Our own RemoteStore, a real SPARQL client, sends a transaction to the production server."""
    from echos_graph.httpclient import Credentials
    from echos_graph.namespaces import graph_iri
    from echos_graph.remote import RemoteStore

    url, token = served_writable
    ours = graph_iri("remote-write-test")  # a RemoteStore sees the graphs under id:graph/ only
    remote = RemoteStore(url + "/sparql", credentials=Credentials(token=token))
    with remote.transaction() as tx:
        tx.add([ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/p"),
                        ox.Literal("via RemoteStore"), ox.NamedNode(ours))])
    assert ours in RemoteStore(url + "/sparql").named_graphs()
    refused = RemoteStore(url + "/sparql", credentials=Credentials(token="wrong"))
    with pytest.raises(Exception, match="refused|403"), refused.transaction() as tx:
        tx.drop_graph(ours)
    assert ours in RemoteStore(url + "/sparql").named_graphs()


def test_serve_refuses_an_empty_token_file(runner, built_dir, tmp_path) -> None:
    from echos_graph.cli import cli

    empty = tmp_path / "token.txt"
    empty.write_text("\n", encoding="utf-8")
    result = runner.invoke(cli, ["serve", "--store", str(built_dir), "--update-token-file", str(empty)])
    assert result.exit_code == 2
    assert "is empty" in result.output


def test_a_write_while_another_is_being_published_is_a_503_to_retry(writable) -> None:
    client, store = writable
    with store.transaction():  # another writer holds the store's lock
        response = client.post("/sparql", data={"update": INSERT}, headers=AUTH)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "another process" in response.get_data(as_text=True)
    assert G not in store.named_graphs()
