"""Synergies: scores computed by hand on small graphs, evidence in words, and the fast top-k search against NetworkX."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from echos_graph.analysis import synergies as module
from echos_graph.analysis.network import communities
from echos_graph.analysis.synergies import METHODS, Synergy, synergies
from echos_graph.errors import DataError


@pytest.fixture()
def pair_graph() -> nx.Graph:
    """a and b are not partners; both work with c (3 partners: a, b, e) and d (2 partners: a, b).

    a also works with f and b with g, so that a and b have 3 partners each.
    """
    G = nx.Graph([("a", "f"), ("b", "g")])
    G.add_edge("a", "c", initiatives=["https://w3id.org/echos-graph/id/initiative/ECHoS"])
    G.add_edge("b", "c", initiatives=["https://w3id.org/echos-graph/id/initiative/4-UNCAN"])
    G.add_edge("c", "e", initiatives=["https://w3id.org/echos-graph/id/initiative/4-UNCAN"])
    G.add_edge("a", "d", initiatives=["https://w3id.org/echos-graph/id/initiative/ECHoS"])
    G.add_edge("b", "d", initiatives=["https://w3id.org/echos-graph/id/initiative/ECHoS"])
    nx.set_node_attributes(G, {v: v.upper() for v in G}, "label")
    return G


def _pair(found: list[Synergy], a: str, b: str) -> Synergy:
    """Return the synergy of the pair {a, b}."""
    return next(s for s in found if {s.a, s.b} == {a, b})


def test_adamic_adar_of_a_pair_sharing_partners_of_degree_two_and_three(pair_graph: nx.Graph) -> None:
    # By hand (Adamic & Adar 2003): 1/ln 2 (d) + 1/ln 3 (c).
    best = synergies(pair_graph, method="adamic_adar")[0]
    assert {best.a, best.b} == {"a", "b"}
    assert best.score == pytest.approx(1 / math.log(2) + 1 / math.log(3))


def test_resource_allocation_and_jaccard_by_hand(pair_graph: nx.Graph) -> None:
    # Resource allocation (Zhou, Lü & Zhang 2009): 1/2 + 1/3. Jaccard: {c, d} of {c, d, f, g} = 1/2.
    assert _pair(synergies(pair_graph, method="resource_allocation"), "a", "b").score == pytest.approx(5 / 6)
    assert _pair(synergies(pair_graph, method="jaccard"), "a", "b").score == pytest.approx(0.5)


def test_community_variant_counts_only_partners_inside_the_pairs_community(pair_graph: nx.Graph) -> None:
    # Community {a, b, d, f, g} and {c, e}: for (a, b) only d counts, 1/2 (Soundarajan & Hopcroft 2012);
    # (c, f) are in two communities and score nothing.
    split = [{"a", "b", "d", "f", "g"}, {"c", "e"}]
    found = synergies(pair_graph, method="community", communities=split)
    ab = _pair(found, "a", "b")
    assert ab.score == pytest.approx(0.5)
    assert [p.node for p in ab.partners][:1] == ["d"]
    assert ab.reason.endswith("; same community; not yet partners")
    assert all({s.a, s.b} != {"c", "f"} for s in found)


def test_reason_names_the_shared_partners_and_initiatives(pair_graph: nx.Graph) -> None:
    best = synergies(pair_graph)[0]
    # d (2 partners) is more specific evidence than c (3), so it comes first.
    assert best.reason == "both work with D and C (through 4-UNCAN and ECHoS); not yet partners"
    assert [(p.label, p.initiatives_a, p.initiatives_b) for p in best.partners] == [
        ("D", ("ECHoS",), ("ECHoS",)), ("C", ("ECHoS",), ("4-UNCAN",))]
    named = synergies(pair_graph, initiative_labels={
        "https://w3id.org/echos-graph/id/initiative/ECHoS": "ECHoS",
        "https://w3id.org/echos-graph/id/initiative/4-UNCAN": "4.UNCAN.eu"})[0]
    assert named.reason == "both work with D and C (through 4.UNCAN.eu and ECHoS); not yet partners"
    assert best.to_row()["initiatives"] == ["4-UNCAN", "ECHoS"]
    assert best.to_dict()["partners"][0]["organisation"] == "d"


def test_only_unlinked_pairs_with_a_shared_partner_are_proposed() -> None:
    G = nx.powerlaw_cluster_graph(200, 3, 0.4, seed=4)
    for method in METHODS:
        for s in synergies(G, method=method, top=100, seed=1):
            assert not G.has_edge(s.a, s.b)
            assert s.shared_partners >= 1 and s.score > 0
            assert s.shared_partners == len(set(G[s.a]) & set(G[s.b]))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("top", [1, 10, 60])
@pytest.mark.parametrize("graph", ["gnm", "powerlaw"])
def test_fast_top_k_equals_networkx_scores(method: str, top: int, graph: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tiny blocks, seeds and chunks, so that the threshold, the pruning and the blocks are all exercised.
    monkeypatch.setattr(module, "_SEED_NODES", 5)
    monkeypatch.setattr(module, "_BLOCK_CELLS", 500)
    monkeypatch.setattr(module, "_PAIR_CHUNK", 50)
    G = nx.gnm_random_graph(300, 1200, seed=1) if graph == "gnm" else nx.powerlaw_cluster_graph(500, 4, 0.5, seed=2)
    split = communities(G, seed=1, runs=2)
    reference = synergies(G, method=method, top=top, engine="networkx", communities=split)
    engines = ["fast", "fast-prefix"] if method == "jaccard" else ["fast"]
    for engine in engines:
        fast = synergies(G, method=method, top=top, engine=engine, communities=split)
        assert [(s.a, s.b) for s in fast] == [(s.a, s.b) for s in reference]
        assert [s.score for s in fast] == pytest.approx([s.score for s in reference], abs=1e-12)


def test_networkx_engine_scores_are_networkx_link_prediction_scores() -> None:
    G = nx.karate_club_graph()
    found = synergies(G, method="resource_allocation", top=20, engine="networkx")
    expected = {(u, v): s for u, v, s in nx.resource_allocation_index(G, [(s.a, s.b) for s in found])}
    assert all(s.score == pytest.approx(expected[(s.a, s.b)]) for s in found)
    assert [s.rank for s in found] == list(range(1, 21))


def test_same_graph_and_seed_give_the_same_synergies() -> None:
    G = nx.powerlaw_cluster_graph(300, 3, 0.3, seed=9)
    assert synergies(G, method="community", seed=3) == synergies(G, method="community", seed=3)
    assert synergies(G, engine="fast") == synergies(G, engine="fast")


def test_unknown_method_is_refused_with_the_allowed_ones(pair_graph: nx.Graph) -> None:
    with pytest.raises(DataError, match="'katz'; use one of adamic_adar, resource_allocation, jaccard, community"):
        synergies(pair_graph, method="katz")


def test_graph_without_distance_two_pairs_has_no_synergies() -> None:
    assert synergies(nx.complete_graph(5)) == []
    assert synergies(nx.empty_graph(3), engine="fast") == []
    assert synergies(nx.path_graph(3), top=0) == []


def test_every_public_name_exists() -> None:
    assert all(hasattr(module, name) for name in module.__all__)
