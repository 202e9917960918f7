"""describe() and resource_quads(): the facts of one resource with their provenance; expected values from data/*.csv."""

from __future__ import annotations

from echos_graph.entity import describe, resource_quads
from echos_graph.namespaces import ID

SINTEF = str(ID) + "organisation/NO/sintef"
CLASSIFICATION = "http://www.w3.org/ns/org#classification"


def test_describe_gives_each_fact_its_verification_sources_and_file(graph) -> None:
    found = describe(graph, SINTEF)
    assert found is not None and found.label == "SINTEF" and found.kind == "organisation"
    [sector] = found.values(CLASSIFICATION)
    # organisations.csv: SINTEF, sector RES, guessed from the source page (inferred)
    assert sector.value == str(ID) + "sector/RES" and sector.label == "Research organisations"
    assert sector.statuses == ("inferred",)
    assert sector.evidence[0].file == "data/organisations.csv"
    assert "https://oslocancercluster.no/echos/" in sector.evidence[0].sources


def test_describe_counts_and_lists_the_links_pointing_at_a_resource(graph) -> None:
    found = describe(graph, str(ID) + "hub/NO", incoming_limit=5)
    # hub_memberships.csv: 14 memberships of the Norwegian hub point at it
    assert found.kind == "hub" and found.incoming_total == 14 and len(found.incoming) == 5
    assert all(link.predicate == "http://www.w3.org/ns/org#organization" for link in found.incoming)


def test_describe_tells_the_kind_of_page_a_resource_needs(graph) -> None:
    kinds = {key: describe(graph, str(ID) + key).kind for key in
             ("project/101104587", "country/NO", "sector/GOV", "theme/PRE", "initiative/eu-mission-cancer")}
    assert kinds == {"project/101104587": "initiative", "country/NO": "country", "sector/GOV": "sector",
                     "theme/PRE": "resource", "initiative/eu-mission-cancer": "initiative"}


def test_describe_returns_none_for_an_iri_the_graph_never_names(graph) -> None:
    assert describe(graph, str(ID) + "organisation/NO/nobody") is None


def test_resource_quads_have_no_duplicate_and_keep_the_graphs(graph) -> None:
    quads = list(resource_quads(graph, SINTEF))
    assert len(quads) == len(set(quads))
    assert {q.graph_name.value.rsplit("/", 1)[0] for q in quads} == {str(ID) + "graph/bundled"}
