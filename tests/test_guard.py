"""The lexer that keeps SERVICE and LOAD away from the engine, and places USING clauses."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from w3c_http import W3C

from echos_graph.errors import QueryError
from echos_graph.guard import add_using, check_query, check_update, tokens

REFUSED = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . SeRvIcE ?endpoint { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    r"SELECT * WHERE { SERVIC\U00000045 <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { FILTER(?a<?b)SERVICE<http://example.org/sparql>{?s ?p ?o} }",
    "SELECT * WHERE { # a comment\nSERVICE <http://example.org/sparql> { ?s ?p ?o } }",
]
ALLOWED = [
    "SELECT ?service WHERE { ?service a <http://example.org/Service> }",
    'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/> {}" }',
    "SELECT * WHERE { ?s ?p '''a\nSERVICE <http://example.org/>''' }",
    "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load service:SERVICE }",
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o } # SERVICE <http://example.org/sparql>",
    "SELECT * WHERE { ?s ?p _:service }",
    "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * WHERE { ?s a sd:Service }",
]


@pytest.mark.parametrize("query", REFUSED)
def test_check_query_refuses_service_however_it_is_written(query: str) -> None:
    with pytest.raises(QueryError, match="SERVICE is refused"):
        check_query(query)


@pytest.mark.parametrize("query", ALLOWED)
def test_check_query_lets_the_word_service_through_where_it_is_not_a_keyword(query: str) -> None:
    check_query(query)


@pytest.mark.parametrize("update", ["LOAD <http://example.org/data.ttl>",
                                    "load silent <http://example.org/data.ttl> INTO GRAPH <http://example.org/g>",
                                    r"\u004cOAD <http://example.org/data.ttl>",
                                    "INSERT { ?s ?p ?o } WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"])
def test_check_update_refuses_load_and_service(update: str) -> None:
    with pytest.raises(QueryError, match="is refused"):
        check_update(update)


def test_check_update_lets_a_plain_insert_through() -> None:
    check_update('INSERT DATA { <http://example.org/load> <http://example.org/p> "LOAD" }')


def _syntax_queries() -> list[str]:
    folder = W3C / "syntax-query"
    return sorted(str(p) for p in folder.glob("*.rq")) if folder.is_dir() else []


@pytest.mark.skipif(not _syntax_queries(), reason="the W3C SPARQL 1.1 test data is not beside the checkout")
def test_check_query_agrees_with_rdflib_on_the_w3c_syntax_queries() -> None:
    """Every W3C syntax query that rdflib parses: refused by us exactly when its algebra has a SERVICE."""
    from rdflib.plugins.sparql.parser import parseQuery

    checked = 0
    for path in _syntax_queries():
        text = open(path, encoding="utf-8").read()
        try:
            parsed = parseQuery(text)
        except Exception:
            continue
        has_service = "ServiceGraphPattern" in repr(parsed)
        try:
            check_query(text)
            refused = False
        except QueryError:
            refused = True
        assert refused == has_service, path
        checked += 1
    assert checked > 30  # most of the folder's positive tests parse with rdflib


_PIECES = ["SERVICE", "service", r"\u0053ERVICE", "SILENT", "<http://127.0.0.1:9/>", "{", "}", "?s", "?p", "?o",
           '"', "'", "#", "\n", " ", ".", "ex:", "_:b", "<", ">", "FILTER(?s", ")", "<?s", "ex:SERVICE", "?service"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12))
def test_no_query_that_reaches_a_service_gets_past_check_query(pieces: list[str]) -> None:
    """Random texts made of SERVICE-like pieces: those check_query lets through never make Oxigraph call out.

    Oxigraph refuses port 9 with "is not allowed" before any connection, so
    the message shows an attempt without sending anything.
    """
    query = "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ?p ?o " + "".join(pieces) + " }"
    try:
        check_query(query)
    except QueryError:
        return
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                      ox.NamedNode("http://example.org/o")))
    try:
        list(store.query(query))
    except (SyntaxError, RuntimeError):
        return
    except OSError as exc:
        assert "is not allowed" not in str(exc), f"the engine tried a SERVICE call for {query!r}"


def test_the_service_probe_would_see_an_attempt() -> None:
    """The property above can fail: an unguarded SERVICE to port 9 shows in the engine's error."""
    with pytest.raises(OSError, match="is not allowed"):
        list(ox.Store().query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"))


def test_a_refused_service_query_sends_no_request(client, loopback_listener) -> None:
    """The endpoint answers 400 and nothing connects to the address the query names."""
    port = loopback_listener.port
    response = client.get("/sparql", query_string={
        "query": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"})
    assert loopback_listener.close() == []
    assert response.status_code == 400
    assert "SERVICE is refused" in response.get_data(as_text=True)


def test_add_using_puts_the_dataset_before_each_where_only() -> None:
    update = ("DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER EXISTS { SELECT ?s WHERE { ?s ?p ?o } } } ;\n"
              "INSERT DATA { <http://a> <http://b> <http://c> } ;\n"
              "DELETE WHERE { ?s <http://x> ?o }")
    placed = add_using(update, ["http://example.org/g1"], ["http://example.org/g2"])
    assert placed.count("USING <http://example.org/g1> USING NAMED <http://example.org/g2> WHERE") == 1
    assert "DELETE WHERE { ?s <http://x> ?o }" in placed
    ox.Store().update(placed)  # still a valid update


def test_add_using_refuses_an_update_with_its_own_dataset() -> None:
    with pytest.raises(QueryError, match="WITH"):
        add_using("WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ["http://example.org/g1"])


def test_tokens_leave_out_comments_and_keep_strings_whole() -> None:
    assert [t.kind for t in tokens('ASK { ?s ?p "x # y" } # note')] == ["word", "other", "var", "var", "string", "other"]
