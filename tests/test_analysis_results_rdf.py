"""Analysis results stored as W3C Data Cube observations with PROV-O, and read back with SPARQL."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from echos_graph.analysis import hub_gaps, load_network, recommend
from echos_graph.analysis.results_rdf import (
    QB,
    analysis_run_id,
    results_quads,
    store_results,
)
from echos_graph.namespaces import graph_iri, id_iri
from echos_graph.queries import run_query
from echos_graph.results import to_rows

NO = id_iri("hub", "NO")
PARAMS = {"hub": "id:hub/NO", "per_sector": "3", "required": "all"}


def rows(result) -> list[dict[str, str]]:
    names, values = to_rows(result)
    return [dict(zip(names, row)) for row in values]


@pytest.fixture(scope="module")
def norway(graph):
    net = load_network(graph)
    # Norway's missing sectors (INT, PAT, REG) have no organisation in the bundled graph, so no
    # candidate: Spain's recommendations (13 candidates) are added to check the score observations.
    return hub_gaps(net, hub="id:hub/NO"), recommend(net, "id:hub/NO", per_sector=3) + recommend(net, "id:hub/ES", per_sector=3)


def _value(quads: list[ox.Quad], hub: str, sector: str, measure: str) -> ox.Literal:
    """Return the value of the observation (hub, sector, measure)."""
    subjects: dict[ox.NamedNode, dict[str, object]] = {}
    for q in quads:
        subjects.setdefault(q.subject, {})[q.predicate.value] = q.object
    found = [
        props[id_iri("measure", measure)] for props in subjects.values()
        if props.get(id_iri("analysis", "dimension", "hub")) == ox.NamedNode(hub)
        and props.get(id_iri("analysis", "dimension", "sector")) == ox.NamedNode(id_iri("sector", sector))
        and props.get(QB + "measureType") == ox.NamedNode(id_iri("measure", measure))
    ]
    assert len(found) == 1, found
    return found[0]


def test_norwegian_hub_misses_regulators_and_covers_research(norway) -> None:
    # Hand-checked in data/hub_memberships.csv and organisations.csv: SINTEF (NO/sintef) is RES;
    # no member of Cancer Mission Hub Norway is REG.
    gaps, recs = norway
    quads = results_quads(gaps, recs, run_id="test", parameters=PARAMS, version="0.0")
    assert _value(quads, NO, "REG", "covered") == ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    assert int(_value(quads, NO, "RES", "covered").value) == 1
    assert int(_value(quads, NO, "RES", "member-count").value) >= 1
    assert {q.graph_name.value for q in quads} == {graph_iri("analysis", "test")}


def test_results_describe_the_run_with_prov(norway) -> None:
    quads = results_quads(*norway, run_id="test", parameters=PARAMS, version="9.9")
    triples = {(q.subject.value, q.predicate.value, q.object.value) for q in quads}
    run = id_iri("analysis", "test")
    assert (run, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/prov#Activity") in triples
    assert (run, "http://purl.org/dc/terms/description", "hub=id:hub/NO; per_sector=3; required=all") in triples
    assert ("https://w3id.org/echos-graph/software/9.9", "http://www.w3.org/2000/01/rdf-schema#label",
            "echos-graph 9.9") in triples


def test_results_are_the_same_quads_for_the_same_input(norway) -> None:
    first = results_quads(*norway, run_id="r", parameters=PARAMS, version="1")
    assert results_quads(*norway, run_id="r", parameters=PARAMS, version="1") == first


def test_run_id_depends_on_the_parameters_only() -> None:
    assert analysis_run_id(PARAMS) == analysis_run_id(dict(reversed(list(PARAMS.items()))))
    assert analysis_run_id(PARAMS) != analysis_run_id({**PARAMS, "per_sector": "5"})


def test_stored_results_are_listed_by_the_saved_query(store_copy, norway) -> None:
    gaps, recs = norway
    graph = store_results(store_copy, gaps, recs, parameters=PARAMS, version="0.0")
    assert graph == graph_iri("analysis", analysis_run_id(PARAMS))
    found = rows(run_query(store_copy, "analysis-results", {"hub": "id:hub/NO"}))
    by_key = {(r["sector"], r["measure"]): r for r in found if not r["candidate"]}
    assert by_key[("id:sector/REG", "id:measure/covered")]["value"] in ("0", 0)
    assert by_key[("id:sector/RES", "id:measure/covered")]["value"] in ("1", 1)
    assert by_key[("id:sector/RES", "id:measure/covered")]["parameters"] == "hub=id:hub/NO; per_sector=3; required=all"
    assert all(r["hub"] == "id:hub/NO" for r in found)
    everything = rows(run_query(store_copy, "analysis-results"))
    scores = [r for r in everything if r["measure"] == "id:measure/recommendation-score"]
    assert len(scores) == sum(len(r.candidates) for r in recs) > 0
    assert {r["rank"] for r in scores} <= {"1", "2", "3", 1, 2, 3}


def test_storing_the_same_run_twice_replaces_it(store_copy, norway) -> None:
    gaps, recs = norway
    store_results(store_copy, gaps, recs, parameters=PARAMS, version="0.0")
    once = len(rows(run_query(store_copy, "analysis-results")))
    store_results(store_copy, gaps, recs, parameters=PARAMS, version="0.1")
    assert len(rows(run_query(store_copy, "analysis-results"))) == once > 0
    store_results(store_copy, gaps, recs, parameters={**PARAMS, "per_sector": "5"}, version="0.1")
    assert len(rows(run_query(store_copy, "analysis-results"))) == 2 * once
