"""The remote store against a real SPARQL 1.1 server: Virtuoso Open Source on loopback (tests/virtuoso.py).

Each test that needs the server is skipped, with the reason, where Virtuoso
is not installed.
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from virtuoso import USER, VirtuosoServer, remote_store

from echos_graph import build
from echos_graph.cli import cli
from echos_graph.errors import QueryError, RemoteError
from echos_graph.httpclient import Credentials
from echos_graph.namespaces import graph_iri
from echos_graph.queries import run_query
from echos_graph.remote import STAGING_PREFIX, RemoteStore
from echos_graph.results import to_rows
from echos_graph.store import STATISTICS_GRAPH

TEST_GRAPH = graph_iri("test")
#: Triples that change from one build to the next: when it ran.
RUN_TIMES = ("http://www.w3.org/ns/prov#startedAtTime", "http://www.w3.org/ns/prov#endedAtTime")


def nquads(store, *, drop_times: bool = False) -> list[str]:
    """Return the store's quads as sorted N-Quads lines, blank nodes renamed in order of appearance."""
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    lines = out.getvalue().decode("utf-8").splitlines()
    if drop_times:
        lines = [line for line in lines if not any(f"<{t}>" in line for t in RUN_TIMES)]
    return sorted(re.sub(r"_:\S+", "_:b", line) for line in lines)


def quad(n: int, graph: str = TEST_GRAPH) -> ox.Quad:
    return ox.Quad(ox.NamedNode(f"http://example.org/s{n}"), ox.NamedNode("http://example.org/p"),
                   ox.Literal(str(n)), ox.NamedNode(graph))


# -- scope: only our graphs ---------------------------------------------------------------


def test_named_graphs_are_ours_and_not_virtuosos_system_graphs(virtuoso_store, graph) -> None:
    assert virtuoso_store.named_graphs() == graph.named_graphs()
    assert "DEFINE input:default-graph-exclude <http://www.openlinksw.com/schemas/virtrdf#>" in \
        virtuoso_store.prepare("SELECT * { ?s ?p ?o }")[1]
    everything = virtuoso_store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert {row["g"].value for row in everything} == set(graph.named_graphs())


def test_default_graph_leaves_out_the_system_graphs(virtuoso: VirtuosoServer, virtuoso_store, graph) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    # Asked directly, Virtuoso's default graph also holds its system graphs (virtrdf: and others).
    raw = urllib.request.urlopen(virtuoso.query_url + "?" + urllib.parse.urlencode({"query": count}) + "&format=json")
    unscoped = int(json.load(raw)["results"]["bindings"][0]["n"]["value"])
    ours = int(next(iter(virtuoso_store.query(count)))["n"].value)
    # `echos-graph build` reports 3532 triples in 153 named graphs; id:graph/statistics adds a count of each and
    # of itself
    assert ours == int(next(iter(graph.query(count)))["n"].value) == 3532 + 153 + 1
    assert unscoped > ours
    classes = {row[0] for row in to_rows(run_query(virtuoso_store, "class-counts"))[1]}
    assert not any("openlinksw" in c for c in classes)


def test_explicit_dataset_of_the_protocol_is_passed_through(virtuoso_store) -> None:
    shapes = graph_iri("ontology", "shapes")
    result = virtuoso_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[shapes])
    assert int(next(iter(result))["n"].value) == 296  # `echos-graph info`: id:graph/ontology/shapes, 296 triples


# -- the whole graph: build, dump, parameters ---------------------------------------------


def test_build_into_virtuoso_publishes_the_same_graph_as_the_embedded_build(virtuoso_empty, graph) -> None:
    report = build(virtuoso_empty)
    assert report.validation.conforms
    # the same graphs, but for the counts the embedded store keeps for graph-sizes (a remote server counts fast)
    assert virtuoso_empty.named_graphs() == [g for g in graph.named_graphs() if g != STATISTICS_GRAPH]
    assert nquads(virtuoso_empty, drop_times=True) == [
        line for line in nquads(graph, drop_times=True) if not line.endswith(f"<{STATISTICS_GRAPH}> .")]
    assert not virtuoso_empty._list_graphs(STAGING_PREFIX)  # the staged copies are gone


@pytest.mark.parametrize(("name", "params", "expected"), [
    ("hub-sector-coverage", {"hub": "id:hub/NO"}, 10),  # one row per sector of ontology/sectors.ttl
    ("project-participants", {"project": "id:project/101104587"}, 18),  # ECHoS rows of data/participations.csv
    # Three bundled organisations are in two initiatives each (data/participations.csv): ACC, ECO and OECI.
    ("organisations-in-several-initiatives", {"minimum": "2"}, 3),
])
def test_bound_parameter_gives_the_same_rows_as_the_embedded_store(virtuoso_store, graph, name, params,
                                                                   expected) -> None:
    there, here = (to_rows(run_query(s, name, params)) for s in (virtuoso_store, graph))
    assert there[0] == here[0]
    assert len(there[1]) == expected
    split = lambda rows: sorted(tuple(sorted(v.split(" ; ")) if " ; " in v else v for v in r) for r in rows)  # noqa: E731
    assert split(there[1]) == split(here[1])


def test_parameter_value_cannot_change_the_remote_query(virtuoso_store) -> None:
    with pytest.raises(QueryError, match="not a valid IRI|expects iri"):
        run_query(virtuoso_store, "fact-provenance", {"subject": "id:x> ?p ?o } UNION { ?s ?p ?o"})
    rows = to_rows(run_query(virtuoso_store, "organisations-by-sector", {"sector": 'id:sector/GOV', "country": "id:country/NO"}))
    assert rows[1] and all(r[3] == "GOV" for r in rows[1])


def test_construct_is_answered_with_blank_nodes_and_the_same_triples(virtuoso_store, graph) -> None:
    text = "CONSTRUCT { ?shape sh:property [ sh:path ?path ] } WHERE { ?shape sh:property/sh:path ?path }"
    there = list(virtuoso_store.query(text))
    here = list(graph.query(text))
    assert len(there) == len(here) == 2 * 21  # ontology/shapes.ttl: 21 property shapes, each with one sh:path
    assert all(isinstance(t.object, ox.BlankNode) for t in there if t.predicate.value.endswith("#property"))
    paths = lambda triples: sorted(re.sub(r"_:\S+", "_:b", str(t.object))  # noqa: E731
                                   for t in triples if t.predicate.value.endswith("#path"))
    assert paths(there) == paths(here)


def test_malformed_query_is_a_query_error(virtuoso_store) -> None:
    with pytest.raises(QueryError, match="rejected the query"):
        virtuoso_store.query("SELECT ?x WHERE { ?x ?y }")


# -- writing: all or nothing, as far as the server allows -------------------------------------


def test_failed_upload_leaves_virtuoso_unchanged_and_no_staged_graph(virtuoso_store, monkeypatch) -> None:
    before = nquads(virtuoso_store)
    real = RemoteStore._upload
    calls = []

    def fail_second(self, graph, quads):
        calls.append(graph)
        if len(calls) == 2:
            raise RemoteError("simulated: the connection dropped during the upload")
        return real(self, graph, quads)

    monkeypatch.setattr(RemoteStore, "_upload", fail_second)
    with pytest.raises(RemoteError, match="simulated"):
        with virtuoso_store.transaction() as tx:
            tx.drop_graph(graph_iri("bundled"))
            tx.add([quad(1), quad(2, TEST_GRAPH + "/b")])
    assert nquads(virtuoso_store) == before
    assert not virtuoso_store._list_graphs(STAGING_PREFIX)


def test_staged_graphs_are_invisible_to_queries_until_published(virtuoso, virtuoso_empty, monkeypatch) -> None:
    reader = RemoteStore(virtuoso.query_url)
    assert reader.named_graphs() == []  # its list of graphs is made before the upload starts
    seen = []
    real = RemoteStore.update

    def look_first(self, sparql):
        if " TO " in sparql:  # the publishing request: everything is uploaded, nothing published
            seen.append((RemoteStore(self.url).named_graphs(), len(list(reader.query("SELECT * { ?s ?p ?o }"))),
                         len(list(reader.query("SELECT * { GRAPH ?g { ?s ?p ?o } }")))))
        return real(self, sparql)

    monkeypatch.setattr(RemoteStore, "update", look_first)
    with virtuoso_empty.transaction() as tx:
        tx.add([quad(n) for n in range(10)])
    assert seen == [([], 0, 0)]
    assert virtuoso_empty.named_graphs() == [TEST_GRAPH]


def test_from_clauses_scope_queries_where_pragmas_cannot(virtuoso_store, graph, monkeypatch) -> None:
    import echos_graph.remote as remote

    monkeypatch.setattr(remote, "EXCLUDE_MAX", -1)  # as if Virtuoso held many graphs of others
    store = RemoteStore(virtuoso_store.url)
    assert "FROM <" in store.prepare("SELECT * { ?s ?p ?o }")[1]
    for name in ("class-counts", "graph-sizes", "countries-without-hub"):
        assert to_rows(run_query(store, name)) == to_rows(run_query(graph, name))


def test_large_graph_is_uploaded_in_chunks(virtuoso_empty, monkeypatch) -> None:
    import echos_graph.remote as remote

    monkeypatch.setattr(remote, "CHUNK_TRIPLES", 1000)
    with virtuoso_empty.transaction() as tx:
        tx.add([quad(n) for n in range(3500)])
    counted = virtuoso_empty.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(next(iter(counted))["n"].value) == 3500


def test_upload_without_graph_store_protocol_uses_insert_data(virtuoso, virtuoso_empty) -> None:
    store = RemoteStore(virtuoso.query_url, update_url=virtuoso.update_url, credentials=Credentials(USER, virtuoso.password))
    assert store.gsp_url is None
    with store.transaction() as tx:
        tx.add([quad(n) for n in range(4500)])  # more than one INSERT DATA request's worth
    assert int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value) == 4500


# -- credentials ------------------------------------------------------------------------------


def test_wrong_password_is_refused_and_never_shown(virtuoso: VirtuosoServer, virtuoso_empty) -> None:
    store = RemoteStore(virtuoso.query_url, update_url=virtuoso.update_url, gsp_url=virtuoso.gsp_url,
                        credentials=Credentials(USER, "not-the-password"))
    with pytest.raises(RemoteError, match="HTTP 401") as error:
        with store.transaction() as tx:
            tx.add([quad(1)])
    assert "not-the-password" not in str(error.value) and virtuoso.password not in str(error.value)
    assert virtuoso_empty.named_graphs() == []


def test_anonymous_endpoint_refuses_updates(virtuoso: VirtuosoServer, virtuoso_empty) -> None:
    store = RemoteStore(virtuoso.query_url, credentials=Credentials())
    with pytest.raises(RemoteError):
        with store.transaction() as tx:
            tx.add([quad(1)])
    assert virtuoso_empty.named_graphs() == []


def test_credentials_never_appear_in_reprs_or_locations(virtuoso: VirtuosoServer) -> None:
    store = RemoteStore(f"http://{USER}:{virtuoso.password}@127.0.0.1:{virtuoso.http_port}/sparql")
    assert store.location == virtuoso.query_url
    assert virtuoso.password not in repr(store) + repr(store.credentials) + store.location
    assert store.credentials.user == USER and store.credentials.password == virtuoso.password


def test_command_line_writes_with_the_password_from_the_environment(runner, virtuoso, virtuoso_empty, graph) -> None:
    args = ["--store", virtuoso.query_url, "--update-url", virtuoso.update_url, "--gsp-url", virtuoso.gsp_url,
            "--store-user", USER]
    result = runner.invoke(cli, ["build", *args], env={"ECHOS_GRAPH_STORE_PASSWORD": virtuoso.password})
    assert result.exit_code == 0, result.output
    assert virtuoso.password not in result.output
    queried = runner.invoke(cli, ["query", "hub-sector-coverage", "-p", "hub=id:hub/NO", "--format", "csv",
                                  "--store", virtuoso.query_url])
    assert queried.exit_code == 0 and "SINTEF" in queried.output
    refused = runner.invoke(cli, ["build", *args], env={"ECHOS_GRAPH_STORE_PASSWORD": "wrong"})
    assert refused.exit_code == 4 and "401" in refused.output and "wrong" not in refused.output


# -- analyses and the web endpoint on Virtuoso --------------------------------------------


def test_gaps_on_virtuoso_are_those_of_the_embedded_store(runner, virtuoso, virtuoso_store, built_dir) -> None:
    there = runner.invoke(cli, ["gaps", "--hub", "id:hub/NO", "--format", "json", "--store", virtuoso.query_url])
    here = runner.invoke(cli, ["gaps", "--hub", "id:hub/NO", "--format", "json", "--store", str(built_dir)])
    assert there.exit_code == 0, there.output
    assert there.output == here.output


def test_web_endpoint_serves_a_virtuoso_store(virtuoso, virtuoso_store, tmp_path: Path) -> None:
    from echos_graph.web import create_app

    app = create_app({"TESTING": True, "STORE": virtuoso.query_url, "DOCS_DIR": str(tmp_path)})
    answer = app.test_client().get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                                   headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200
    # `echos-graph build` reports 3532 triples in 153 graphs; id:graph/statistics counts each and itself
    assert answer.get_json()["results"]["bindings"][0]["n"]["value"] == str(3532 + 153 + 1)
    assert app.test_client().get("/").status_code == 200


# -- the row limit: a second server whose ResultSetMaxRows is 100 -----------------------------


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory, virtuoso: VirtuosoServer):
    """A Virtuoso that cuts every answer at 100 rows, holding 150 triples of ours."""
    server = VirtuosoServer(tmp_path_factory.mktemp("capped"), buffers=5000, max_rows=100)
    try:
        server.start()
        store = remote_store(server)
        with store.transaction() as tx:
            tx.add([quad(n) for n in range(150)])
        yield store
    finally:
        server.stop()


def test_answer_cut_by_the_row_limit_is_refused(capped) -> None:
    with pytest.raises(RemoteError, match=r"cut the answer at 100 of 150 rows.*ResultSetMaxRows"):
        capped.query("SELECT ?s WHERE { ?s ?p ?o }")


def test_construct_cut_by_the_row_limit_is_refused(capped) -> None:
    with pytest.raises(RemoteError, match="ResultSetMaxRows"):
        capped.query("CONSTRUCT WHERE { ?s ?p ?o }")


def test_answer_exactly_as_long_as_the_row_limit_is_accepted(capped) -> None:
    assert len(list(capped.query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 100"))) == 100
