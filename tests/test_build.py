"""Building the graph from the bundled data: valid, sourced, stable, and all-or-nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from echos_graph import build, open_store
from echos_graph.errors import DataError, NotConformingError
from echos_graph.ingest import bundled
from echos_graph.namespaces import ECHO, ID, PROV
from echos_graph.validate import store_graph, validate_store

BUNDLED = "https://w3id.org/echos-graph/id/graph/bundled"


def solutions(store, sparql: str) -> list[dict[str, str]]:
    result = store.query(sparql)
    return [{v.value: row[v.value].value for v in result.variables if row[v.value] is not None} for row in result]


def test_bundled_data_conforms_to_the_shapes(graph) -> None:
    report = validate_store(graph)
    assert report.conforms, report.text()


def test_bundled_data_is_consistent_with_the_ontology_under_hermit(graph) -> None:
    from echos_graph.ontology import check_consistency

    if shutil.which("java") is None:
        pytest.skip("HermiT needs Java, and 'java' is not on PATH (.ci/run installs it)")
    report = check_consistency(store_graph(graph))
    assert report.consistent, report.message
    assert not report.unsatisfiable


def test_every_bundled_fact_has_a_source_page_and_a_verification_status(graph) -> None:
    graphs = [g for g in graph.named_graphs() if g.startswith(BUNDLED + "/") and "/file/" not in g]
    assert len(graphs) > 20
    undescribed = solutions(graph, f"""
        SELECT DISTINCT ?g WHERE {{
          GRAPH ?g {{ ?s ?p ?o }}
          FILTER (STRSTARTS(STR(?g), "{BUNDLED}/"))
          FILTER NOT EXISTS {{ ?g a echo:EvidenceGraph ; prov:wasDerivedFrom ?url ; echo:verificationStatus ?v }}
        }}""")
    assert undescribed == []


def test_guessed_sectors_are_marked_inferred(graph) -> None:
    statuses = solutions(graph, """
        SELECT DISTINCT ?status WHERE {
          GRAPH ?g { ?org org:classification ?sector }
          ?g echo:verificationStatus ?status .
        }""")
    assert statuses == [{"status": str(ID["verification/inferred"])}]


def test_every_organisation_has_a_sector(graph) -> None:
    missing = solutions(graph, """
        SELECT ?org WHERE { ?org a echo:Organisation FILTER NOT EXISTS { ?org org:classification ?s } }""")
    assert missing == []


def test_instance_iris_come_from_real_keys_not_row_numbers(graph) -> None:
    rows = solutions(graph, "SELECT DISTINCT ?s WHERE { ?s a ?c FILTER(STRSTARTS(STR(?s), STR(id:))) }")
    pattern = re.compile(
        r"^https://w3id\.org/echos-graph/id/("
        r"organisation/[A-Z]{2}/[a-z0-9-]+|hub/[A-Z]{2}|country/[A-Z]{2}|project/\d{9}|initiative/[a-z0-9-]+"
        r"|participation/.+/(coordinator|participant|associated-partner|affiliated-entity|partner)"
        r"|membership/[A-Z]{2}/[A-Z]{2}/[a-z0-9-]+/hub-(lead|member)"
        r"|graph/.+|(sector|theme|role|verification|hub-status|country-status|cordis-activity-type|ror-type|helix)(/.*)?)$"
    )
    odd = [r["s"] for r in rows if not pattern.match(r["s"])]
    assert odd == []


def _facts(store) -> set[tuple[str, str, str, str]]:
    """Quads of the bundled source without the ingest's clock readings."""
    times = {str(PROV.startedAtTime), str(PROV.endedAtTime)}
    return {(q.subject.value, q.predicate.value, str(q.object), q.graph_name.value)
            for q in store._all_quads()
            if q.graph_name.value.startswith(BUNDLED) and q.predicate.value not in times}


def test_building_twice_gives_the_same_graph(graph, store_copy) -> None:
    build(store_copy)
    assert _facts(store_copy) == _facts(graph)
    for g in graph.named_graphs():  # ontology graphs hold blank nodes: compare up to renaming
        if "/graph/ontology/" in g:
            mine, theirs = rdflib.Graph(), rdflib.Graph()
            q = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"
            mine.parse(data=ox.serialize(store_copy.query(q), format=ox.RdfFormat.N_TRIPLES), format="nt")
            theirs.parse(data=ox.serialize(graph.query(q), format=ox.RdfFormat.N_TRIPLES), format="nt")
            assert isomorphic(mine, theirs), g


def _replace_cell(path: Path, column: str, row: int, value: str) -> None:
    """Set one cell of a CSV file (row 1 is the first data row)."""
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        table = list(csv.reader(f))
    table[row][table[0].index(column)] = value
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(table)


@pytest.mark.parametrize(
    ("file", "column", "value", "message"),
    [
        ("organisations.csv", "sector", "Healthcare-ish", r"organisations\.csv:3: column 'sector' has 'Healthcare-ish'; use one of: ACA"),
        ("organisations.csv", "country_iso2", "EL", r"organisations\.csv:3: column 'country_iso2' has 'EL'.*use GR"),
        ("hubs.csv", "status", "thriving", r"hubs\.csv:3: column 'status' has 'thriving'; use one of: planned"),
        ("hubs.csv", "status_date", "May 2025", r"hubs\.csv:3: column 'status_date' has 'May 2025'; write a date as YYYY-MM-DD"),
        ("participations.csv", "org_key", "NO/nobody", r"participations\.csv:3: column 'org_key' has 'NO/nobody', which is not a key of organisations\.csv"),
        ("participations.csv", "verification", "sure", r"participations\.csv:3: column 'verification' has 'sure'; use one of: confirmed"),
        ("hub_memberships.csv", "source_url", "cancermission.no", r"hub_memberships\.csv:3: column 'source_url' has 'cancermission\.no', which is not an http\(s\) URL"),
        ("initiatives.csv", "themes", "UND ; CURE", r"initiatives\.csv:3: column 'themes' has 'CURE'"),
    ],
)
def test_bad_value_names_file_line_column_and_fix_and_leaves_the_store_unchanged(
    store_copy, data_copy: Path, file: str, column: str, value: str, message: str
) -> None:
    before = store_copy.current_generation()
    _replace_cell(data_copy / file, column, 2, value)
    with pytest.raises(DataError, match=message):
        build(store_copy, data_copy)
    assert store_copy.current_generation() == before


def test_missing_column_is_named(data_copy: Path) -> None:
    path = data_copy / "hubs.csv"
    text = path.read_text(encoding="utf-8").replace("status_date", "date", 1).replace(",status,", ",state,", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match=r"hubs\.csv:1: the header lacks column\(s\) status"):
        build(open_store("memory:"), data_copy)


def test_byte_order_mark_is_accepted(data_copy: Path) -> None:
    path = data_copy / "countries.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert build(open_store("memory:"), data_copy).validation.conforms


def test_shape_violation_stops_the_build_and_leaves_the_store_unchanged(store_copy, monkeypatch) -> None:
    real = bundled.ingest_bundled

    def with_nameless_organisation(*args, **kwargs):
        result = real(*args, **kwargs)
        bad = ox.NamedNode(str(ID["organisation/NO/nameless"]))
        g = ox.NamedNode(result.source_graph + "/extra")
        extra = [ox.Quad(bad, ox.NamedNode(str(rdflib.RDF.type)), ox.NamedNode(str(ECHO.Organisation)), g)]
        return bundled.IngestResult(result.source_graph, result.quads + extra, result.records, result.origins)

    monkeypatch.setattr("echos_graph.builder.ingest_bundled", with_nameless_organisation)
    before = store_copy.current_generation()
    with pytest.raises(NotConformingError) as info:
        build(store_copy)
    text = info.value.report.text()
    assert "id:organisation/NO/nameless" in text and "skos:prefLabel" in text
    assert store_copy.current_generation() == before
    assert validate_store(store_copy).conforms


def test_hub_members_are_organisations_of_the_graph(graph) -> None:
    dangling = solutions(graph, """
        SELECT ?m WHERE { ?m org:member ?org FILTER NOT EXISTS { ?org a echo:Organisation } }""")
    assert dangling == []
