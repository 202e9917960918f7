"""Network measures: hand-computed answers on small graphs, and the fast paths checked against NetworkX."""

from __future__ import annotations

import itertools
import json
import math
import random
from typing import Any

import networkx as nx
import pytest

from echos_graph.analysis import community, mixing, network
from echos_graph.analysis.network import (
    AnalysisResult,
    Brokerage,
    analyse,
    communities,
    cross_border_brokers,
    node_measures,
    sector_mixing,
)
from echos_graph.errors import DataError

SECTORS = ("GOV", "HCP", "RES", "ACA", "IND")


@pytest.fixture(scope="module")
def random_graph() -> nx.Graph:
    """gnm(300, 1200, seed=1) with weights from {0.5, 1, 2, 3.5}, sectors, countries, and one isolated node."""
    G = nx.gnm_random_graph(300, 1200, seed=1)
    rng = random.Random(3)
    for u, v in G.edges:
        G.edges[u, v]["weight"] = rng.choice([0.5, 1.0, 2.0, 3.5])
    G.add_node(300)
    for v in G:
        G.nodes[v].update(label=f"org {v}", sector=rng.choice(SECTORS), country=rng.choice("ABCD"),
                          hubs=[f"hub{v % 3}"] if v % 4 == 0 else [])
    return G


@pytest.fixture()
def no_igraph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the analyses believe igraph is not installed."""
    monkeypatch.setattr(network, "have_igraph", lambda: False)
    monkeypatch.setattr(community, "have_igraph", lambda: False)


# --- hand-computed answers ---------------------------------------------------------------------


def test_star_centre_has_burt_constraint_one_over_n_and_full_effective_size() -> None:
    # Burt 1992 by hand: each leaf takes p = 1/4 of the centre's ties and no leaf knows another,
    # so the centre's constraint is 4 * (1/4)^2 = 0.25 and its effective size 4; a leaf has one
    # contact (p = 1): constraint 1, effective size 1. Betweenness: the centre is on all 6 pairs
    # of leaves, 6 / C(4, 2) = 1.
    measures = node_measures(nx.star_graph(4))
    centre, leaf = measures[0], measures[1]
    assert centre.constraint == pytest.approx(0.25)
    assert centre.effective_size == pytest.approx(4.0)
    assert centre.betweenness == pytest.approx(1.0)
    assert (leaf.constraint, leaf.effective_size, leaf.betweenness) == (pytest.approx(1.0), pytest.approx(1.0), 0.0)
    assert (centre.degree, centre.core, leaf.core) == (4, 1, 1)


def test_weighted_constraint_and_effective_size_match_burts_formulas_by_hand() -> None:
    # a-b 1, a-c 2, b-c 3, a-d 1. p_ab = 1/4, p_ac = 2/4, p_ad = 1/4; p_bc = 3/4; p_cb = 3/5.
    # constraint(a) = (1/4 + 2/4 * 3/5)^2 + (2/4 + 1/4 * 3/4)^2 + (1/4)^2 = 0.3025 + 0.47265625 + 0.0625.
    # effective size(a) = sum_j (1 - sum_q p_aq m_jq), m_jq = w_jq / max_k w_jk:
    # j=b: 1 - p_ac * 3/3 = 0.5; j=c: 1 - p_ab * 3/3 = 0.75; j=d: 1; total 2.25.
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1), ("a", "c", 2), ("b", "c", 3), ("a", "d", 1)])
    a = node_measures(G)["a"]
    assert a.constraint == pytest.approx(0.83765625)
    assert a.effective_size == pytest.approx(2.25)
    assert a.strength == 4
    assert a.triangles == 1


def test_betweenness_of_a_path_counts_the_pairs_through_each_node() -> None:
    # Path 0-1-2-3-4: node 2 lies on (0,3), (0,4), (1,3), (1,4): 4 of the C(4,2) = 6 pairs of the
    # others; node 1 on (0,2), (0,3), (0,4): 3 of 6.
    measures = node_measures(nx.path_graph(5))
    assert measures[2].betweenness == pytest.approx(4 / 6)
    assert measures[1].betweenness == pytest.approx(3 / 6)
    assert measures[2].method == "exact (networkx)"


def test_brokerage_counts_open_pairs_by_gould_fernandez_role() -> None:
    # Broker b (GOV) with partners x1, x2 (GOV), y1, y2 (RES), z (IND); x1-y1 are partners.
    # Open pairs of b's partners, C(5,2) - 1 = 9: coordinator x1-x2; itinerant y1-y2;
    # representative/gatekeeper (one GOV, one not) x1-y2, x1-z, x2-y1, x2-y2, x2-z = 5;
    # liaison y1-z, y2-z = 2.
    G = nx.star_graph(["b", "x1", "x2", "y1", "y2", "z"])
    G.add_edge("x1", "y1")
    sectors = {"b": "GOV", "x1": "GOV", "x2": "GOV", "y1": "RES", "y2": "RES", "z": "IND"}
    nx.set_node_attributes(G, sectors, "sector")
    roles = node_measures(G)["b"].brokerage["sector"]
    assert roles == Brokerage(coordinator=1, itinerant=1, representative=5, liaison=2)
    assert (roles.gatekeeper, roles.total, roles.between_groups) == (5, 9, 7)


def test_bridging_is_the_share_of_tie_weight_to_other_groups() -> None:
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1.0), ("a", "c", 3.0)])
    nx.set_node_attributes(G, {"a": "RES", "b": "RES", "c": "IND"}, "sector")
    assert node_measures(G)["a"].bridging["sector"] == pytest.approx(3 / 4)


def test_isolated_organisation_has_no_constraint_and_the_pagerank_of_a_random_jump() -> None:
    G = nx.path_graph(3)
    G.add_node("alone")
    alone = node_measures(G)["alone"]
    assert (alone.degree, alone.constraint, alone.effective_size, alone.bridging["sector"]) == (0, None, None, None)
    # PageRank spreads the isolate's own mass uniformly: nx.pagerank gives 1/n here (n = 4).
    assert alone.pagerank == pytest.approx(nx.pagerank(G)["alone"], abs=1e-6)


def test_two_triangles_joined_by_one_tie_split_with_modularity_five_fourteenths() -> None:
    # m = 7; each triangle has 3 internal ties and degree sum 7:
    # Q = 2 * (3/7 - (7/14)^2) = 5/14 (Newman 2006).
    G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    for method, engine in (("louvain", "networkx"), ("louvain", "igraph"), ("leiden", "igraph")):
        result = communities(G, method=method, engine=engine, weight=None, runs=3)
        assert result.communities == ((1, 2, 3), (4, 5, 6))
        assert result.modularity == pytest.approx(5 / 14)
        assert result.mean_agreement == 1.0


@pytest.mark.parametrize(("method", "engine"), [("louvain", "networkx"), ("louvain", "igraph"), ("leiden", "igraph")])
def test_karate_club_modularity_is_near_the_known_optimum(method: str, engine: str) -> None:
    # Zachary's karate club (unweighted): Blondel et al. 2008 (Table 1) report Q = 0.42 for
    # Louvain; the proven optimum is 0.4198 (Brandes et al. 2008, "On modularity clustering").
    G = nx.karate_club_graph()
    result = communities(G, method=method, engine=engine, weight=None, runs=10, seed=1)
    assert 0.41 <= result.modularity <= 0.41979
    assert result.modularity == pytest.approx(nx.community.modularity(G, [set(c) for c in result.communities],
                                                                      weight=None))
    assert max(result.modularities) == result.modularity
    assert set(result.membership) == set(G)


def test_sector_mixing_path_by_hand() -> None:
    # 1-2-3-4 as RES, RES, IND, IND: ties RES-RES, RES-IND, IND-IND. E-I = (1 - 2) / 3.
    # Mixing matrix of tie ends (Newman 2003): e = [[1/3, 1/6], [1/6, 1/3]], a = (1/2, 1/2),
    # r = (2/3 - 1/2) / (1 - 1/2) = 1/3. Group RES: 1 internal, 1 external: E-I 0.
    G = nx.path_graph([1, 2, 3, 4])
    nx.set_node_attributes(G, {1: "RES", 2: "RES", 3: "IND", 4: "IND"}, "sector")
    mix = sector_mixing(G, weight=None)
    assert mix.ei_index == pytest.approx(-1 / 3)
    assert mix.assortativity == pytest.approx(1 / 3)
    assert mix.group_ei == {"IND": 0.0, "RES": 0.0}
    assert mix.ties == {"IND": {"IND": 1, "RES": 1}, "RES": {"IND": 1, "RES": 1}}
    assert [row["sector"] for row in mix.to_rows()] == ["IND", "RES"]


def test_cross_border_broker_ranks_the_organisation_tying_countries_first() -> None:
    G = nx.Graph([("no1", "no2"), ("no2", "se1"), ("no2", "dk1"), ("se1", "se2"), ("dk1", "dk2")])
    nx.set_node_attributes(G, {"no1": "NO", "no2": "NO", "se1": "SE", "se2": "SE", "dk1": "DK", "dk2": "DK"},
                           "country")
    brokers = cross_border_brokers(G, weight=None)
    assert brokers[0].node == "no2"
    assert brokers[0].countries == (("DK", 1), ("SE", 1))
    assert brokers[0].foreign_share == pytest.approx(2 / 3)
    # no2's partners no1 (NO), se1, dk1, none linked: no1-se1 and no1-dk1 representative, se1-dk1 liaison.
    assert brokers[0].country_brokerage == 3
    assert {b.node for b in brokers} == {"no2", "se1", "dk1"}


# --- cross-checks against NetworkX -------------------------------------------------------------


def test_exact_igraph_betweenness_equals_networkx(random_graph: nx.Graph) -> None:
    ours = node_measures(random_graph, betweenness="exact")
    reference = nx.betweenness_centrality(random_graph)
    assert next(iter(ours.values())).method == "exact (igraph)"
    assert max(abs(ours[v].betweenness - reference[v]) for v in random_graph) < 1e-9


def test_sampled_betweenness_equals_networkx_with_the_same_pivots(random_graph: nx.Graph) -> None:
    ours = node_measures(random_graph, betweenness="sampled", pivots=40, seed=7)
    reference = nx.betweenness_centrality(random_graph, k=40, seed=random.Random(7))
    first = next(iter(ours.values()))
    assert first.method.startswith("sampled (igraph, 40 of 301 pivots, ±")
    assert max(abs(ours[v].betweenness - reference[v]) for v in random_graph) < 1e-9
    assert all(m.betweenness_stderr is not None and m.betweenness_stderr >= 0 for m in ours.values())


@pytest.mark.parametrize("weight", ["weight", None])
def test_constraint_and_effective_size_equal_networkx(random_graph: nx.Graph, weight: str | None) -> None:
    ours = node_measures(random_graph, weight=weight)
    constraint = nx.constraint(random_graph, weight=weight)
    # nodes=list(G): NetworkX's per-node path. Its sparse path (nodes=None) divides by the row
    # maximum along the wrong axis for weighted graphs (networkx/networkx#8906, open as of 3.6.1).
    esize = nx.effective_size(random_graph, nodes=list(random_graph), weight=weight)
    for v in random_graph:
        if random_graph.degree(v) == 0:
            assert ours[v].constraint is None and math.isnan(constraint[v])
            continue
        assert ours[v].constraint == pytest.approx(constraint[v], abs=1e-9)
        assert ours[v].effective_size == pytest.approx(esize[v], abs=1e-9)


def test_pagerank_core_strength_and_triangles_equal_networkx(random_graph: nx.Graph) -> None:
    ours = node_measures(random_graph)
    pagerank = nx.pagerank(random_graph, weight="weight", tol=1e-13, max_iter=1000)
    cores = nx.core_number(random_graph)
    triangles = nx.triangles(random_graph)
    strength = dict(random_graph.degree(weight="weight"))
    for v in random_graph:
        assert ours[v].pagerank == pytest.approx(pagerank[v], abs=1e-9)
        assert (ours[v].core, ours[v].triangles) == (cores[v], triangles[v])
        assert ours[v].strength == pytest.approx(strength[v])


def _brokerage_by_definition(G: nx.Graph, v: object, attribute: str) -> Brokerage:
    """Count the open pairs of v's partners by role, pair by pair."""
    group = G.nodes[v][attribute]
    counts = [0, 0, 0, 0]
    for x, y in itertools.combinations(G[v], 2):
        if G.has_edge(x, y):
            continue
        gx, gy = G.nodes[x][attribute], G.nodes[y][attribute]
        if gx == group and gy == group:
            counts[0] += 1
        elif gx == gy:
            counts[1] += 1
        elif group in (gx, gy):
            counts[2] += 1
        else:
            counts[3] += 1
    return Brokerage(*counts)


def test_brokerage_equals_pair_by_pair_count(random_graph: nx.Graph) -> None:
    ours = node_measures(random_graph)
    for v in random_graph:
        for attribute in ("sector", "country"):
            assert ours[v].brokerage[attribute] == _brokerage_by_definition(random_graph, v, attribute)


def test_hubs_brokerage_groups_by_first_hub_and_no_hub_together(random_graph: nx.Graph) -> None:
    H = random_graph.copy()
    for v in H:
        H.nodes[v]["hub"] = (H.nodes[v]["hubs"] or [""])[0]
    ours = node_measures(random_graph)
    assert all(ours[v].brokerage["hubs"] == _brokerage_by_definition(H, v, "hub") for v in H)


def test_assortativity_equals_networkx(random_graph: nx.Graph) -> None:
    for attribute in ("sector", "country"):
        mix = sector_mixing(random_graph, attribute)
        assert mix.assortativity == pytest.approx(nx.attribute_assortativity_coefficient(random_graph, attribute),
                                                  abs=1e-12)
        assert sum(mix.ties[g][h] for g in mix.groups for h in mix.groups if g <= h) == random_graph.number_of_edges()
        assert sum(mix.sizes.values()) == random_graph.number_of_nodes()


def test_fallback_without_igraph_uses_networkx(random_graph: nx.Graph, no_igraph: None) -> None:
    ours = node_measures(random_graph)
    assert next(iter(ours.values())).method == "exact (networkx)"
    assert communities(random_graph, method="louvain", runs=2).engine == "networkx"
    with pytest.raises(ImportError, match="pip install igraph"):
        communities(random_graph, method="leiden", engine="igraph")
    result = analyse(random_graph, methods=("leiden", "louvain"))
    assert "leiden" not in result.communities and "skipped" in result.methods["leiden"]


# --- determinism, errors, output ---------------------------------------------------------------


def test_same_seed_gives_same_results(random_graph: nx.Graph) -> None:
    for method in ("louvain", "leiden"):
        one = communities(random_graph, method=method, engine="igraph", seed=5, runs=4)
        two = communities(random_graph, method=method, engine="igraph", seed=5, runs=4)
        assert one == two
    assert node_measures(random_graph, pivots=30, seed=2) == node_measures(random_graph, pivots=30, seed=2)


def test_unknown_choices_are_refused_with_the_allowed_values() -> None:
    G = nx.path_graph(3)
    with pytest.raises(DataError, match="'walktrap'; use one of louvain, leiden"):
        communities(G, method="walktrap")
    with pytest.raises(DataError, match="betweenness mode 'fast'"):
        node_measures(G, betweenness="fast")
    with pytest.raises(DataError, match="runs must be at least 1"):
        communities(G, runs=0)


def test_analyse_returns_every_table_as_plain_rows(random_graph: nx.Graph) -> None:
    result = analyse(random_graph, seed=3)
    assert isinstance(result, AnalysisResult)
    tables = result.tables()
    assert set(tables) == set(AnalysisResult.TABLES)
    nodes = tables["nodes"]
    assert len(nodes) == random_graph.number_of_nodes()
    assert nodes[0]["betweenness"] >= nodes[-1]["betweenness"]
    assert {"leiden_community", "louvain_community", "sector_liaison", "hubs_bridging"} <= set(nodes[0])
    assert result.summary["organisations"] == 301 and result.summary["isolates"] == 1
    assert result.parameters["runs"] == {"leiden": 10, "louvain": 5}
    json.dumps(result.to_dict())  # plain data all the way down
    assert analyse(random_graph, seed=3).to_dict()["nodes"] == result.to_dict()["nodes"]


def test_empty_and_edgeless_graphs_give_empty_measures() -> None:
    assert node_measures(nx.Graph()) == {}
    G = nx.empty_graph(3)
    result = communities(G, runs=2)
    assert result.modularity is None and len(result.communities) == 3
    assert cross_border_brokers(G, weight=None) == []


@pytest.mark.parametrize("module", [network, community, mixing])
def test_every_public_name_exists(module: object) -> None:
    assert module.__all__  # type: ignore[attr-defined]
    assert all(hasattr(module, name) for name in module.__all__)  # type: ignore[attr-defined]
    assert {"communities", "sector_mixing", "CommunityResult", "MixingResult"} <= set(network.__all__)


@pytest.mark.parametrize("weight", ["weight", "count", None])
def test_array_graph_lists_each_edge_once_in_the_order_of_G_edges(weight) -> None:
    from echos_graph.analysis._fast import array_graph

    G = nx.gnm_random_graph(60, 300, seed=3)
    nx.relabel_nodes(G, {n: f"n{(n * 37) % 60:02d}" for n in G}, copy=False)  # an order that is not sorted
    for k, (u, v) in enumerate(G.edges):
        G.edges[u, v].update(weight=k / 7, count=k % 5 + 1)
    G.add_edge("n01", "n01", weight=9.0)  # a self-loop: left out
    del G.edges["n02", next(iter(G["n02"]))]["weight"]  # a missing weight counts 1
    ag = array_graph(G, weight)
    expected = [(u, v, 1.0 if weight is None else d.get(weight, 1.0)) for u, v, d in G.edges(data=True) if u != v]
    assert [(ag.nodes[a], ag.nodes[b], w) for a, b, w in zip(ag.src.tolist(), ag.dst.tolist(), ag.w.tolist())] == expected
    assert ag.nodes == list(G)


def test_gc_paused_gives_the_collector_back_as_it_found_it() -> None:
    import gc

    from echos_graph.analysis._fast import gc_paused

    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_community_runs_in_a_forked_process_give_the_same_result(random_graph: nx.Graph,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    alone = network.analyse(random_graph, runs=3)
    monkeypatch.setattr(network, "_PARALLEL_TIES", 0)
    start, forks = network._start_runs, []

    def spy(*args: Any) -> Any:
        forks.append(start(*args))
        return forks[-1]

    monkeypatch.setattr(network, "_start_runs", spy)
    forked = network.analyse(random_graph, runs=3)
    assert forks and forks[0] is not None  # a process was forked
    assert forked.communities == alone.communities and forked.summary == alone.summary


def test_community_runs_are_done_here_when_the_forked_process_fails(random_graph: nx.Graph,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    alone = network.analyse(random_graph, runs=2)
    monkeypatch.setattr(network, "_PARALLEL_TIES", 0)

    def broken(*args: Any) -> None:
        raise RuntimeError("igraph failed in the child")

    monkeypatch.setattr(network, "_igraph_runs", broken)  # only the child calls it: the parent redoes the runs
    assert network.analyse(random_graph, runs=2).communities == alone.communities
