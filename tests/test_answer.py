"""Answers: at most one page of rows, in exactly the bytes pyoxigraph would write."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from echos_graph.answer import answer
from echos_graph.errors import QueryError, ResultTooLargeError

#: Every kind of term the formats treat differently: IRIs, blank nodes, language and direction,
#: numbers, booleans, typed literals, characters to escape, an unbound variable.
DATA = r'''INSERT DATA { <http://a> <http://b> "x\"y\\z\n<&>é"@en, 1, -3, 1.5, "1e3"^^<http://www.w3.org/2001/XMLSchema#double>,
  true, "plain", _:b1, "a,b	c", "2020"^^<http://www.w3.org/2001/XMLSchema#gYear>, "d"@en--ltr, "x\ry" }'''
SELECT = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o"


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    store.update(DATA)
    return store


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_answer_writes_the_same_bytes_as_pyoxigraph(store: ox.Store, fmt: str) -> None:
    from echos_graph.results import SOLUTION_FORMATS

    ours = answer(store.query(SELECT), lambda kind: fmt, max_rows=100).body
    theirs = store.query(SELECT).serialize(format=SOLUTION_FORMATS[fmt][0])
    if fmt == "json":  # same document; Python's json module and pyoxigraph escape characters differently
        import json

        assert json.loads(ours) == json.loads(theirs)
    else:
        assert ours == theirs


def test_answer_refuses_more_rows_than_the_cap_and_says_how_to_page(store: ox.Store) -> None:
    with pytest.raises(ResultTooLargeError) as caught:
        answer(store.query(SELECT), lambda kind: "json", max_rows=5)
    message = str(caught.value)
    assert "more than 5 rows" in message
    assert "LIMIT 5 OFFSET 5" in message and "page=1" in message


def test_answer_pages_through_a_result_and_says_when_more_follow(store: ox.Store) -> None:
    pages = [answer(store.query(SELECT), lambda kind: "csv", max_rows=5, page=n) for n in (1, 2, 3)]
    assert [p.count for p in pages] == [5, 5, 2]  # 12 objects in DATA
    assert [p.more for p in pages] == [True, True, False]
    everything = answer(store.query(SELECT), lambda kind: "csv", max_rows=100).body.splitlines()
    assert [line for p in pages for line in p.body.splitlines()[1:]] == everything[1:]


def test_answer_caps_construct_triples_too(store: ox.Store) -> None:
    with pytest.raises(ResultTooLargeError, match="more than 3 triples"):
        answer(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), lambda kind: "ttl", max_rows=3)


def test_answer_rejects_page_zero(store: ox.Store) -> None:
    with pytest.raises(QueryError, match="numbered from 1"):
        answer(store.query(SELECT), lambda kind: "json", max_rows=5, page=0)


def test_ask_is_never_capped(store: ox.Store) -> None:
    reply = answer(store.query("ASK { ?s ?p ?o }"), lambda kind: "json", max_rows=1)
    assert reply.kind == "boolean" and reply.body == b'{"head":{},"boolean":true}'
