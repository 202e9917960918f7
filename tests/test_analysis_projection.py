"""Projections: the Network read from the store, and the NetworkX graphs made from it."""

from __future__ import annotations

import csv
import marshal
import os
import random

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from echos_graph.analysis import projection
from echos_graph.analysis.cache import cache_file
from echos_graph.analysis.projection import (
    Hub,
    Initiative,
    Network,
    Organisation,
    co_participation_graph,
    country_graph,
    hub_organisation_graph,
    load_network,
    organisation_initiative_graph,
    sector_graph,
)
from echos_graph.namespaces import id_iri
from echos_graph.resources import data_dir, queries_dir


def five_organisations() -> Network:
    """Five organisations, three initiatives, one hub: small enough to work out on paper.

    a (GOV, NO), b (RES, NO), c (HCP, NO), d (HCP, SE), e (IND, NO, takes part in nothing).
    p1 = {a coordinator, b, c}, p2 = {a coordinator, b}, p3 = {c coordinator, d}.
    Hub h (NO) = {a lead, b, e}.
    """
    return Network(
        organisations={
            "a": Organisation("Alpha", ("GOV",), "NO"),
            "b": Organisation("Beta", ("RES",), "NO"),
            "c": Organisation("Gamma", ("HCP",), "NO"),
            "d": Organisation("Delta", ("HCP",), "SE"),
            "e": Organisation("Epsilon", ("IND",), "NO"),
        },
        participations={
            "p1": {"a": "coordinator", "b": "participant", "c": "participant"},
            "p2": {"a": "coordinator", "b": "participant"},
            "p3": {"c": "coordinator", "d": "participant"},
        },
        initiatives={"p1": Initiative("P1", ("PRE",)), "p2": Initiative("P2", ("UND",)),
                     "p3": Initiative("P3", ("DIG", "PRE"))},
        hubs={"h": Hub("Hub Norway", "NO", {"a": "hub-lead", "b": "hub-member", "e": "hub-member"})},
        sectors={"GOV": "Government", "RES": "Research", "HCP": "Healthcare", "IND": "Industry", "PAT": "Patients"},
        themes={"PRE": "Prevent", "UND": "Understand", "DIG": "Digital", "QOL": "Quality of life"},
    )


def test_co_participation_graph_weights_shared_initiatives_by_newman() -> None:
    # Worked out by hand: p1 has 3 participants, so each of its pairs gets 1/(3-1) = 0.5;
    # p2 and p3 have 2, so their pair gets 1/(2-1) = 1. a-b share p1 and p2: 0.5 + 1 = 1.5.
    G = co_participation_graph(five_organisations())
    assert sorted((u, v, d["count"], d["newman"]) for u, v, d in G.edges(data=True)) == [
        ("a", "b", 2, 1.5), ("a", "c", 1, 0.5), ("b", "c", 1, 0.5), ("c", "d", 1, 1.0)]
    assert G.edges["a", "b"]["weight"] == G.edges["a", "b"]["newman"]
    assert G.edges["a", "b"]["initiatives"] == ["p1", "p2"]


def test_co_participation_graph_keeps_organisations_without_partners_as_isolates() -> None:
    G = co_participation_graph(five_organisations())
    assert list(G.nodes) == ["a", "b", "c", "d", "e"]
    assert G.degree("e") == 0
    assert list(nx.isolates(G)) == ["e"]


def test_co_participation_graph_carries_the_organisation_attributes() -> None:
    node = co_participation_graph(five_organisations()).nodes["a"]
    assert node == {"label": "Alpha", "sector": "GOV", "sectors": ["GOV"], "country": "NO", "hubs": ["h"],
                    "initiatives": ["p1", "p2"], "roles": {"p1": "coordinator", "p2": "coordinator"}}


def test_co_participation_graph_of_a_node_set_is_the_induced_subgraph() -> None:
    net = five_organisations()
    full = co_participation_graph(net)
    part = co_participation_graph(net, nodes=["a", "c", "d"])
    assert list(part.nodes) == ["a", "c", "d"]
    assert sorted(part.edges(data=True)) == sorted(full.subgraph(["a", "c", "d"]).edges(data=True))


def test_co_participation_graph_is_deterministic() -> None:
    net = five_organisations()
    first, second = co_participation_graph(net), co_participation_graph(net)
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(data=True)) == list(second.edges(data=True))
    assert list(first.edges) == sorted(first.edges)


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_co_participation_graph_matches_networkx_bipartite_projections(seed: int) -> None:
    """NetworkX's own projections are the reference: the count and Newman's weighting."""
    B = bipartite.random_graph(40, 15, 0.15, seed=seed)
    orgs = [n for n, d in B.nodes(data=True) if d["bipartite"] == 0]
    net = Network(
        organisations={f"o{n:02d}": Organisation(f"O{n}") for n in orgs},
        participations={f"p{k:02d}": {f"o{n:02d}": "participant" for n in B[k]}
                        for k, d in B.nodes(data=True) if d["bipartite"] == 1},
    )
    ours = co_participation_graph(net)
    counts = bipartite.weighted_projected_graph(B, orgs)
    newman = bipartite.collaboration_weighted_projected_graph(B, orgs)
    rename = {n: f"o{n:02d}" for n in orgs}
    assert set(ours.nodes) == set(rename.values())
    assert {frozenset((rename[u], rename[v])) for u, v in counts.edges} == {frozenset(e) for e in ours.edges}
    for u, v, data in counts.edges(data=True):
        assert ours.edges[rename[u], rename[v]]["count"] == data["weight"]
        assert ours.edges[rename[u], rename[v]]["newman"] == pytest.approx(newman.edges[u, v]["weight"])


def _reference_co_participation_graph(net: Network) -> nx.Graph:
    """The projection one pair at a time, as it was written before the NumPy pairing: the reference."""
    G = nx.Graph()
    for org in sorted(net.organisations):
        G.add_node(org, **projection._organisation_attributes(net, org))
    for (u, v), (count, newman, initiatives) in sorted(projection._pairs(net).items()):
        G.add_edge(u, v, count=count, newman=newman, weight=newman, initiatives=sorted(initiatives))
    return G


@pytest.mark.parametrize("seed", [1, 7, 42])
def test_co_participation_graph_equals_the_pair_by_pair_projection_to_the_bit(seed: int) -> None:
    rng = random.Random(seed)
    orgs = [f"o{n:03d}" for n in range(120)]
    net = Network(
        organisations={o: Organisation(o.upper(), (rng.choice("AB"),), rng.choice(["NO", "SE"])) for o in orgs},
        participations={f"p{k:02d}": {o: "participant" for o in rng.sample(orgs, rng.choice([1, 2, 3, 7, 30]))}
                        for k in range(40)},
    )
    ours, reference = co_participation_graph(net), _reference_co_participation_graph(net)
    assert list(ours.nodes(data=True)) == list(reference.nodes(data=True))
    assert list(ours.edges(data=True)) == list(reference.edges(data=True))  # newman sums equal, not approx
    assert all(list(ours.adj[n]) == list(reference.adj[n]) for n in reference)  # same neighbour order
    assert all(type(d["count"]) is int and type(d["newman"]) is float for _, _, d in ours.edges(data=True))


def test_co_participation_graph_adds_a_participant_missing_from_the_organisations_bare() -> None:
    net = five_organisations()
    net = Network(net.organisations, {**net.participations, "p4": {"a": "participant", "z": "participant"}})
    G = co_participation_graph(net)
    assert G.nodes["z"] == {}
    assert list(G.edges(data=True)) == list(_reference_co_participation_graph(net).edges(data=True))


def test_organisation_initiative_graph_is_two_mode_with_roles() -> None:
    G = organisation_initiative_graph(five_organisations())
    assert bipartite.is_bipartite(G)
    assert {n for n, d in G.nodes(data=True) if d["bipartite"] == 1} == {"p1", "p2", "p3"}
    assert G.edges["c", "p3"]["role"] == "coordinator"
    assert G.nodes["p3"]["themes"] == ["DIG", "PRE"]
    assert G.degree("e") == 0


def test_hub_organisation_graph_links_hubs_to_their_members() -> None:
    G = hub_organisation_graph(five_organisations())
    assert sorted(G.edges(data="role")) == [("h", "a", "hub-lead"), ("h", "b", "hub-member"),
                                            ("h", "e", "hub-member")]
    assert G.nodes["h"]["bipartite"] == 1 and G.nodes["a"]["bipartite"] == 0


def test_country_graph_sums_co_participations_between_countries() -> None:
    # By hand: the only NO-SE pair is c-d (1 shared initiative, Newman 1.0); inside NO,
    # a-b (2), a-c (1) and b-c (1) make 4 co-participations with Newman 1.5 + 0.5 + 0.5 = 2.5.
    G = country_graph(five_organisations())
    assert list(G.edges(data=True)) == [("NO", "SE", {"weight": 1, "count": 1, "newman": 1.0})]
    assert G.nodes["NO"] == {"organisations": 4, "internal": 4, "internal_newman": 2.5}


def test_sector_graph_sums_co_participations_between_sectors() -> None:
    net = five_organisations()
    G = sector_graph(net, co_participation=co_participation_graph(net))
    assert sorted((u, v, d["count"]) for u, v, d in G.edges(data=True)) == [
        ("GOV", "HCP", 1), ("GOV", "RES", 2), ("HCP", "RES", 1)]
    assert G.nodes["HCP"]["internal"] == 1  # c-d
    assert G.nodes["IND"]["organisations"] == 1 and G.degree("IND") == 0
    assert list(G.edges(data=True)) == list(sector_graph(net).edges(data=True))


# -- the bundled data ------------------------------------------------------------

def _csv(name: str) -> list[dict[str, str]]:
    with open(data_dir() / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_load_network_reads_every_bundled_organisation_participation_and_hub(graph) -> None:
    net = load_network(graph, cache=False)
    assert len(net.organisations) == len(_csv("organisations.csv"))
    assert sum(len(p) for p in net.participations.values()) == len(_csv("participations.csv"))
    assert len(net.hubs) == len(_csv("hubs.csv"))
    norway = net.hubs[id_iri("hub", "NO")]
    assert norway.country == "NO" and len(norway.members) == 14
    assert set(norway.members.values()) == {"hub-member"}
    sintef = net.organisations[id_iri("organisation", "NO", "sintef")]
    assert (sintef.label, sintef.sectors, sintef.country) == ("SINTEF", ("RES",), "NO")
    echos = id_iri("project", "101104587")
    assert net.participations[echos][id_iri("organisation", "PT", "agencia-de-investigacao-clinica-e-inovacao-biomedica")] == "coordinator"
    assert net.initiatives[id_iri("project", "101069496")] == Initiative("4.UNCAN.eu", ("DIG", "UND"))
    assert sorted(net.sectors) == ["ACA", "FUN", "GOV", "HCP", "IND", "INT", "NGO", "PAT", "REG", "RES"]
    assert net.sectors["PAT"] == "Patient and citizen organisations"
    assert len(net.themes) == 9
    assert net.countries["NO"].name == "Norway"


def test_load_network_caches_the_network_per_store_generation(graph, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECHOS_GRAPH_CACHE", str(tmp_path))
    fresh = load_network(graph)
    files = list(tmp_path.glob("network-*.marshal"))
    assert len(files) == 1 and graph.current_generation() in files[0].name
    assert load_network(graph) == fresh == load_network(graph, cache=False)


def test_the_cached_network_brings_its_indexes_along(graph, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECHOS_GRAPH_CACHE", str(tmp_path))
    load_network(graph)
    cached, fresh = load_network(graph), load_network(graph, cache=False)
    for name in projection._KEPT_INDEXES:
        assert name in vars(cached)  # read from the file, not computed
        kept, computed = getattr(cached, name), getattr(fresh, name)
        assert kept == computed and list(kept) == list(computed)  # in the same order too
    sintef = id_iri("organisation", "NO", "sintef")
    assert cached.roles_of(sintef) == fresh.roles_of(sintef) and cached.hubs_of(sintef) == fresh.hubs_of(sintef)


def test_load_network_reads_a_cache_file_of_the_earlier_layout_as_missing(graph, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECHOS_GRAPH_CACHE", str(tmp_path))
    path = cache_file(graph, "network", [queries_dir() / f"{n}.rq" for n in projection._LOADER_QUERIES])
    assert path is not None
    path.write_bytes(marshal.dumps(projection._to_plain(load_network(graph, cache=False))[:7]))  # no indexes
    assert projection._from_plain(marshal.loads(path.read_bytes())) is None
    assert load_network(graph) == load_network(graph, cache=False)


def test_load_network_ignores_a_damaged_cache_file(graph, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ECHOS_GRAPH_CACHE", str(tmp_path))
    path = cache_file(graph, "network", [queries_dir() / f"{n}.rq" for n in projection._LOADER_QUERIES])
    assert path is not None
    path.write_bytes(b"not a network")
    assert load_network(graph) == load_network(graph, cache=False)


def test_load_network_does_not_cache_a_memory_store(tmp_path, monkeypatch) -> None:
    from echos_graph import open_store

    monkeypatch.setenv("ECHOS_GRAPH_CACHE", str(tmp_path))
    assert load_network(open_store("memory:")).organisations == {}
    assert os.listdir(tmp_path) == []


def test_co_participation_graph_of_the_bundled_data_joins_the_echos_partners(graph) -> None:
    net = load_network(graph, cache=False)
    G = co_participation_graph(net)
    echos = net.participations[id_iri("project", "101104587")]
    assert len(echos) == 18
    sintef, ocr = id_iri("organisation", "NO", "sintef"), id_iri("organisation", "NO", "oslo-cancer-cluster")
    # ECHoS has 18 participants, so two of them get 1/17 from it and share nothing else.
    assert G.edges[sintef, ocr]["newman"] == pytest.approx(1 / 17)
    assert G.number_of_nodes() == len(net.organisations)


# -- reading the edges in a second thread changes nothing ---------------------------

def _recommendations_json(net: Network) -> str:
    """Return every hub's gaps and recommendations as the JSON ``gaps --recommend --format json`` prints."""
    import json

    from echos_graph.analysis import hub_gaps, recommend

    return json.dumps([[g.to_dict() for g in hub_gaps(net, hub=hub)] + [r.to_dict() for r in recommend(net, hub)]
                       for hub in sorted(net.hubs)], ensure_ascii=False)


def test_reading_the_edges_in_a_second_thread_gives_the_same_network_on_the_bundled_data(graph) -> None:
    # The reference is the same saved queries read one after the other, as before the thread existed.
    reference = projection._query_network(graph, concurrent=False)
    threaded = projection._query_network(graph)
    assert projection._to_plain(threaded) == projection._to_plain(reference)
    assert list(threaded.participations) == list(reference.participations)  # the same order too
    assert _recommendations_json(threaded) == _recommendations_json(reference)


def test_reading_the_edges_in_a_second_thread_gives_the_same_network_on_a_generated_export(store_copy, tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    from echos_graph.ingest.publish import ingest_source

    repo = Path(__file__).resolve().parents[1]
    export = tmp_path / "s1k"
    subprocess.run([sys.executable, str(repo / "bench" / "generate_cordis.py"), "--scale", "s1k", "--out", str(export)],
                   check=True, capture_output=True, timeout=120)
    ingest_source(store_copy, "cordis", str(export))
    reference = projection._query_network(store_copy, concurrent=False)
    threaded = projection._query_network(store_copy)
    # bench/generate_cordis.py at s1k writes 1,000 organisations, all in at least one project.
    assert sum(1 for org in reference.organisations if "/organisation/pic/" in org) == 1000
    assert projection._to_plain(threaded) == projection._to_plain(reference)
    assert _recommendations_json(threaded) == _recommendations_json(reference)
