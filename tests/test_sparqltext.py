"""Reshaping query text for a remote server: a lexer that strings, IRIs and comments cannot fool."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from echos_graph.errors import QueryError
from echos_graph.sparqltext import (
    count_query,
    expand_escaped_names,
    has_dataset,
    query_form,
    split_construct,
    where_variables,
    with_dataset,
    with_values,
)

E = "http://example.org/"


def store() -> ox.Store:
    """Three people in two groups, in a named graph."""
    data = f"""<{E}a> <{E}in> <{E}g1> . <{E}b> <{E}in> <{E}g1> . <{E}c> <{E}in> <{E}g2> ."""
    s = ox.Store()
    s.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(E + "graph"))
                  for q in ox.parse(data, format=ox.RdfFormat.TURTLE))
    return s


def test_braces_hashes_and_keywords_inside_strings_iris_and_comments_are_not_syntax() -> None:
    text = f"""# SELECT in a comment {{
PREFIX ex: <{E}#{{}}>
ASK WHERE {{ ?s ?p "CONSTRUCT {{ # not a comment" }}"""
    assert query_form(text) == "ASK"
    scoped = with_dataset(text, [E + "graph"], [])
    assert scoped.endswith(f'ASK FROM <{E}graph> WHERE {{ ?s ?p "CONSTRUCT {{ # not a comment" }}')


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT ?s { ?s ?p ?o }", "SELECT ?s FROM <http://g> { ?s ?p ?o }"),
    ("SELECT (EXISTS { ?s ?p ?o } AS ?x) WHERE { ?s ?p ?o }",
     "SELECT (EXISTS { ?s ?p ?o } AS ?x) FROM <http://g> WHERE { ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT FROM <http://g> WHERE { ?s ?p ?o }"),
    ("DESCRIBE ?s WHERE { ?s ?p ?o }", "DESCRIBE ?s FROM <http://g> WHERE { ?s ?p ?o }"),
])
def test_dataset_clauses_go_before_the_where_clause_of_every_form(text: str, expected: str) -> None:
    assert with_dataset(text, ["http://g"], []) == expected
    assert has_dataset(expected) and not has_dataset(text)


def test_values_at_the_top_of_the_group_bind_before_grouping_as_substitution_does() -> None:
    query = f"SELECT ?group ?minimum (COUNT(?s) AS ?n) WHERE {{ ?s <{E}in> ?group }} GROUP BY ?group ?minimum " \
            "HAVING (COUNT(?s) >= ?minimum)"
    two = ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    substituted = store().query(query, use_default_graph_as_union=True, substitutions={ox.Variable("minimum"): two})
    valued = store().query(with_values(query, {"minimum": two}), use_default_graph_as_union=True)
    assert [str(r["group"]) for r in substituted] == [str(r["group"]) for r in valued] == [f"<{E}g1>"]


def test_a_value_cannot_break_out_of_its_values_block() -> None:
    text = with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": ox.Literal('" } ; DROP ALL ; #')})
    assert query_form(text) == "SELECT"
    assert list(store().query(text, use_default_graph_as_union=True)) == []


def test_construct_is_split_into_prologue_template_and_pattern() -> None:
    assert split_construct(f"PREFIX ex: <{E}> CONSTRUCT {{ ?s ex:p [ ex:q ?o ] }} WHERE {{ ?s ex:in ?o }}") == (
        f"PREFIX ex: <{E}> ", " ?s ex:p [ ex:q ?o ] ", "WHERE { ?s ex:in ?o }")
    assert split_construct("CONSTRUCT FROM <http://g> WHERE { ?s ?p ?o } LIMIT 3") == (
        "", " ?s ?p ?o ", "FROM <http://g> WHERE { ?s ?p ?o } LIMIT 3")
    with pytest.raises(QueryError, match="CONSTRUCT"):
        split_construct("SELECT * {}")


def test_count_query_counts_the_solutions_of_a_select() -> None:
    query = f"SELECT DISTINCT ?group FROM NAMED <{E}graph> WHERE {{ GRAPH ?g {{ ?s <{E}in> ?group }} }} LIMIT 5"
    counted = store().query(count_query(query))
    assert next(iter(counted))["n"].value == "2"  # g1 and g2, by hand from store()


def test_escaped_prefixed_names_are_written_out_as_iris() -> None:
    text = r"PREFIX id: <https://w3id.org/echos-graph/id/> SELECT * { id:role\/coordinator ?p ?o . ?s ?p 'id:x\/y' }"
    assert expand_escaped_names(text, {}) == (
        "PREFIX id: <https://w3id.org/echos-graph/id/> SELECT * { <https://w3id.org/echos-graph/id/role/coordinator> "
        "?p ?o . ?s ?p 'id:x\\/y' }")


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?p ?o } GROUP BY ?a HAVING (COUNT(*) > ?minimum)", {"a", "p", "o"}),
    ("SELECT * { { SELECT ?a WHERE { ?a ?p ?inner } } OPTIONAL { ?a <http://e/?x> '?y' } }", {"a", "p", "inner"}),
    ("CONSTRUCT { ?s ?p ?t } WHERE { ?s ?p ?o # ?comment\n }", {"s", "p", "o"}),
    ("DESCRIBE ?s", set()),
])
def test_where_variables_are_those_written_inside_the_where_group(text: str, expected: set[str]) -> None:
    assert where_variables(text) == expected

