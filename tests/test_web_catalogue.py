"""The saved-query catalogue on the web: /queries, /queries/NAME, its downloads, /.well-known/sparql-examples.

Expected rows come from :func:`echos_graph.queries.run_query` on the same
built store (the library's answers are checked by hand in
tests/test_queries_questions.py); here the pages must show and send exactly
those.
"""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape

import pyoxigraph as ox
import rdflib

from echos_graph.queries import declare_prefixes, load_catalogue, run_query
from echos_graph.results import term_text
from echos_graph.store import open_store
from echos_graph.web import catalogue
from echos_graph.web.catalogue import PREVIEW_ROWS, query_kind

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SCHEMA_TARGET = rdflib.URIRef("https://schema.org/target")


def _cells(html: str) -> list[list[str]]:
    """Return the text of each body row of the page's answer table."""
    table = html.split('id="answer"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [[unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)]


def _expected(built_dir, name: str, params: dict[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
    store = open_store(built_dir)
    result = run_query(store, name, params or {})
    names = [v.value for v in result.variables]
    return names, [[term_text(s[n]) for n in names] for s in result]


def test_the_catalogue_page_lists_every_saved_query_with_a_link_to_its_page(client):
    page = client.get("/queries")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for name in load_catalogue():
        assert f'href="/queries/{name}"' in html
    assert 'href="/queries"' in client.get("/").get_data(as_text=True)  # in the site's navigation


def test_a_query_page_shows_the_rows_the_library_returns(client, built_dir):
    names, rows = _expected(built_dir, "hub-sector-coverage")
    assert 0 < len(rows) <= PREVIEW_ROWS
    html = client.get("/queries/hub-sector-coverage").get_data(as_text=True)
    assert _cells(html) == rows
    assert all(f"<th scope=\"col\">{n}</th>" in html for n in names)
    assert "hub-sector-coverage/results?format=csv" in html


def test_a_parameter_from_the_form_is_bound_and_narrows_the_answer(client, built_dir):
    _, every = _expected(built_dir, "organisations-by-country")
    _, norway = _expected(built_dir, "organisations-by-country", {"country": "id:country/NO"})
    assert 0 < len(norway) < len(every)
    html = client.get("/queries/organisations-by-country?country=id:country/NO").get_data(as_text=True)
    assert _cells(html)[:len(norway)] == norway[:PREVIEW_ROWS]
    assert 'value="id:country/NO"' in html  # the form keeps what was asked


def test_a_long_answer_is_cut_to_the_preview_and_says_so(client, built_dir, monkeypatch):
    monkeypatch.setattr(catalogue, "PREVIEW_ROWS", 10)
    _, rows = _expected(built_dir, "organisations-by-sector")
    assert len(rows) > 10
    html = client.get("/queries/organisations-by-sector").get_data(as_text=True)
    assert _cells(html) == rows[:10]
    assert "The first 10 rows are shown" in html


def test_a_required_parameter_left_out_shows_the_form_and_runs_nothing(client):
    html = client.get("/queries/fact-provenance").get_data(as_text=True)
    assert "Give <code>subject</code> to run this query" in html
    assert 'id="answer"' not in html
    assert 'name="subject"' in html and "required" in html


def test_a_value_holding_sparql_is_refused_as_a_value_and_nothing_runs(client, built_dir):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = next(iter(open_store(built_dir).query(count)))["n"]
    evil = "id:country/NO> } } ; DROP ALL ; SELECT * { <x"
    response = client.get("/queries/organisations-by-country", query_string={"country": evil})
    assert response.status_code == 400
    assert "country" in response.get_data(as_text=True)
    assert next(iter(open_store(built_dir).query(count)))["n"] == before


def test_the_csv_download_carries_the_whole_answer_as_an_attachment(client, built_dir):
    names, rows = _expected(built_dir, "organisations-by-sector", {"sector": "id:sector/RES"})
    response = client.get("/queries/organisations-by-sector/results?format=csv&sector=id:sector/RES")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="organisations-by-sector.csv"'
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == names and len(table) - 1 == len(rows)


def test_the_json_download_is_sparql_results_json_and_negotiated_without_format(client, built_dir):
    _, rows = _expected(built_dir, "hubs-by-status")
    response = client.get("/queries/hubs-by-status/results", headers={"Accept": "application/sparql-results+json"})
    assert response.mimetype == "application/sparql-results+json"
    assert "Content-Disposition" not in response.headers
    assert len(json.loads(response.get_data())["results"]["bindings"]) == len(rows)


def test_a_construct_query_shows_triples_and_downloads_as_turtle(client, built_dir):
    triples = list(run_query(open_store(built_dir), "construct-organisations", {"country": "id:country/NO"}))
    html = client.get("/queries/construct-organisations?country=id:country/NO").get_data(as_text=True)
    assert '<th scope="col">subject</th>' in html and len(_cells(html)) == min(len(triples), PREVIEW_ROWS)
    response = client.get("/queries/construct-organisations/results?format=turtle&country=id:country/NO")
    assert response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert len(graph) == len(set(triples)) > 0


def test_an_unknown_query_is_not_found(client):
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/no-such-query/results").status_code == 404


def test_the_sparql_examples_describe_every_saved_query_as_a_shacl_executable(client):
    response = client.get("/.well-known/sparql-examples")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="turtle")
    catalogue = load_catalogue()
    examples = set(graph.subjects(rdflib.RDF.type, SH.SPARQLExecutable))
    assert {str(e).rsplit("/", 1)[1] for e in examples} == set(catalogue)
    for example in examples:
        saved = catalogue[str(example).rsplit("/", 1)[1]]
        form = query_kind(saved).lower()
        assert (example, rdflib.RDF.type, SH[f"SPARQL{form.capitalize()}Executable"]) in graph
        [text] = graph.objects(example, SH[form])
        assert str(text) == declare_prefixes(saved.text)
        ox.Store().query(str(text))  # it stands alone: every prefix declared
        assert set(graph.objects(example, SCHEMA_TARGET)) == {rdflib.URIRef("http://localhost/sparql")}
        assert str(graph.value(example, rdflib.RDFS.label)) == (saved.title or saved.name)
    declared = {str(graph.value(d, SH.prefix)) for d in graph.objects(None, SH.declare)}
    assert {"echo", "id", "skos", "org"} <= declared


def test_the_sparql_examples_come_as_json_ld_when_asked(client):
    response = client.get("/.well-known/sparql-examples", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    graph = rdflib.Graph().parse(data=response.get_data(as_text=True), format="json-ld")
    assert len(set(graph.subjects(rdflib.RDF.type, SH.SPARQLExecutable))) == len(load_catalogue())
