"""The explorer's data (analysis/explorer.py) and layouts (analysis/layout.py): pure functions on a Network."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from echos_graph.analysis import (
    co_participation_graph,
    load_network,
    node_measures,
    organisation_initiative_graph,
)
from echos_graph.analysis.explorer import (
    NONE,
    ExplorerFilter,
    explorer_data,
    explorer_graph,
    explorer_json,
    filter_data,
    node_size,
)
from echos_graph.analysis.layout import layout
from echos_graph.analysis.projection import Hub, Network, Organisation
from echos_graph.errors import DataError


@pytest.fixture(scope="module")
def net(graph) -> Network:
    return load_network(graph, cache=False)


@pytest.fixture(scope="module")
def data(net) -> dict:
    return explorer_data(net, "co-participation")


@pytest.fixture(scope="module")
def two_mode(net) -> dict:
    return explorer_data(net, "organisation-initiative")


def _edges(d: dict) -> set[frozenset[str]]:
    ids = [n["id"] for n in d["nodes"]]
    return {frozenset((ids[s], ids[t])) for s, t in zip(d["edges"]["source"], d["edges"]["target"])}


# A hand-made network: two projects, one hub; e has no partner and no sector.
SMALL = Network(
    organisations={
        "a": Organisation("A", ("GOV",), "NO"), "b": Organisation("B", ("RES",), "NO"),
        "c": Organisation("C", ("RES",), "SE"), "d": Organisation("D", ("IND",), "SE"), "e": Organisation("E"),
    },
    participations={"p": {"a": "coordinator", "b": "participant", "c": "participant"},
                    "q": {"c": "coordinator", "d": "participant"}},
    hubs={"h": Hub("Hub NO", "NO", {"a": "hub-lead", "b": "hub-member"})},
)


def _labels(d: dict) -> list[str]:
    return [n["label"] for n in d["nodes"]]


def test_co_participation_view_has_the_nodes_and_ties_of_the_library_projection(net, data) -> None:
    G = co_participation_graph(net)
    assert [n["id"] for n in data["nodes"]] == list(G)
    assert _edges(data) == {frozenset(e) for e in G.edges()}
    assert data["counts"] == {"organisations": G.number_of_nodes(), "initiatives": 0, "ties": G.number_of_edges()}


def test_two_mode_view_has_the_nodes_and_ties_of_the_library_projection(net, two_mode) -> None:
    B = organisation_initiative_graph(net)
    assert {n["id"] for n in two_mode["nodes"]} == set(B)
    assert _edges(two_mode) == {frozenset(e) for e in B.edges()}
    kinds = {n["id"]: n["kind"] for n in two_mode["nodes"]}
    assert all(kinds[v] == d["kind"] for v, d in B.nodes(data=True))


def test_measures_agree_with_node_measures(net, data) -> None:
    # The same graph through analysis.network.node_measures (the reference the analyse command uses).
    reference = node_measures(co_participation_graph(net))
    for node in data["nodes"]:
        ref = reference[node["id"]]
        assert node["measures"]["degree"] == ref.degree
        assert node["measures"]["strength"] == pytest.approx(ref.strength, rel=1e-5)
        assert node["measures"]["betweenness"] == pytest.approx(ref.betweenness, rel=1e-5, abs=1e-9)
        assert node["measures"]["pagerank"] == pytest.approx(ref.pagerank, rel=1e-5)


def test_ties_come_strongest_first_with_their_count_of_shared_initiatives(net, data) -> None:
    G = co_participation_graph(net)
    weights = data["edges"]["weight"]
    assert weights == sorted(weights, reverse=True)
    ids = [n["id"] for n in data["nodes"]]
    for s, t, w, c in zip(*(data["edges"][k] for k in ("source", "target", "weight", "count"))):
        assert G.edges[ids[s], ids[t]]["count"] == c
        assert G.edges[ids[s], ids[t]]["newman"] == pytest.approx(w, rel=1e-5)


def test_every_node_has_a_position_in_the_square_and_the_layout_is_seeded(net, data) -> None:
    assert all(0 <= n["x"] <= 1000 and 0 <= n["y"] <= 1000 for n in data["nodes"])
    again = explorer_data(net, "co-participation")
    assert [(n["x"], n["y"]) for n in again["nodes"]] == [(n["x"], n["y"]) for n in data["nodes"]]
    assert [n["community"] for n in again["nodes"]] == [n["community"] for n in data["nodes"]]


def test_legend_lists_count_organisations_and_give_each_a_colour(data) -> None:
    assert sum(s["count"] for s in data["sectors"]) == data["counts"]["organisations"]
    assert sum(c["count"] for c in data["countries"]) == data["counts"]["organisations"]
    assert sum(c["count"] for c in data["communities"]) == len(data["nodes"])
    for entry in data["sectors"] + data["countries"] + data["communities"]:
        assert entry["color"].startswith("#") and len(entry["color"]) == 7
    # the sector colours follow the scheme, not the data: the same sector keeps its colour on every graph
    assert [s["id"] for s in data["sectors"]] == sorted(s["id"] for s in data["sectors"])


def test_node_indexes_point_into_the_hub_and_initiative_lists(net, data) -> None:
    for node in data["nodes"]:
        assert [data["hubs"][h]["id"] for h in node["hubs"]] == list(net.hubs_of(node["id"]))
        assert sorted(data["initiatives"][i]["id"] for i in node["initiatives"]) == sorted(net.roles_of(node["id"]))


def test_organisation_without_sector_or_country_is_listed_as_none() -> None:
    d = explorer_data(SMALL)
    assert d["sectors"][-1]["id"] == NONE and d["sectors"][-1]["count"] == 1
    assert d["countries"][-1]["id"] == NONE
    e = next(n for n in d["nodes"] if n["id"] == "e")
    assert (e["sector"], e["country"], e["measures"]["degree"]) == ("", "", 0)


def test_unknown_view_is_refused() -> None:
    with pytest.raises(DataError, match="unknown view 'nope'"):
        explorer_data(SMALL, "nope")


# -- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ["A", "B", "C", "D", "E"]),
    ({"sector": ["RES"]}, ["B", "C"]),
    ({"sector": ["RES", "none"]}, ["B", "C", "E"]),
    ({"country": ["SE"]}, ["C", "D"]),
    ({"hub": ["h"]}, ["A", "B"]),
    ({"initiative": ["q"]}, ["C", "D"]),
    ({"hide_isolates": "1"}, ["A", "B", "C", "D"]),
    ({"min_weight": "1", "hide_isolates": "1"}, ["C", "D"]),
    ({"sector": ["RES", "GOV"], "country": ["NO"]}, ["A", "B"]),
])
def test_filter_keeps_the_nodes_that_pass_every_filter_set(params, expected) -> None:
    assert _labels(filter_data(explorer_data(SMALL), ExplorerFilter.from_params(params))) == expected


def test_filter_keeps_ties_between_shown_nodes_at_or_above_the_minimums() -> None:
    d = explorer_data(SMALL)
    shown = filter_data(d, ExplorerFilter(sectors=frozenset({"RES", "IND"})))
    ids = [n["id"] for n in shown["nodes"]]
    assert {frozenset((ids[s], ids[t])) for s, t in zip(shown["edges"]["source"], shown["edges"]["target"])} == {
        frozenset("bc"), frozenset("cd")}
    strong = filter_data(d, ExplorerFilter(min_weight=1.0))  # a-b-c share p (weight 1/2 each), c-d share q (1)
    assert strong["edges"]["weight"] == [1.0]


def test_filter_by_community_keeps_that_community() -> None:
    d = explorer_data(SMALL)
    community = next(n["community"] for n in d["nodes"] if n["id"] == "d")
    shown = filter_data(d, ExplorerFilter(communities=frozenset({community})))
    assert {n["community"] for n in shown["nodes"]} == {community}
    assert "D" in _labels(shown)


def test_two_mode_filter_shows_an_initiative_only_with_a_shown_participant() -> None:
    d = explorer_data(SMALL, "organisation-initiative")
    assert _labels(filter_data(d, ExplorerFilter(countries=frozenset({"NO"})))) == ["A", "B", "p"]
    assert _labels(filter_data(d, ExplorerFilter(initiatives=frozenset({"q"})))) == ["C", "D", "q"]


@pytest.mark.parametrize(("flt", "message"), [
    (ExplorerFilter(sectors=frozenset({"XYZ"})), "no sector XYZ in this view"),
    (ExplorerFilter(countries=frozenset({"ZZ"})), "no country ZZ"),
    (ExplorerFilter(hubs=frozenset({"id:hub/XX"})), "no hub id:hub/XX"),
    (ExplorerFilter(communities=frozenset({999})), "no community 999"),
])
def test_filter_value_the_view_lacks_is_refused_with_the_choices(flt, message) -> None:
    with pytest.raises(DataError, match=message):
        filter_data(explorer_data(SMALL), flt)


@pytest.mark.parametrize(("params", "message"), [
    ({"min_weight": "heavy"}, "min_weight='heavy' is not a number"),
    ({"min_weight": "-1"}, "must be a number of at least 0"),
    ({"min_count": "1.5"}, "is not an integer"),
    ({"community": "first"}, "is not an integer"),
    ({"hide_isolates": "maybe"}, "not a yes/no value"),
])
def test_filter_parameters_that_cannot_be_read_are_refused(params, message) -> None:
    with pytest.raises(DataError, match=message):
        ExplorerFilter.from_params(params)


def test_filter_expands_prefixed_hub_names_and_round_trips_its_parameters() -> None:
    f = ExplorerFilter.from_params({"hub": "id:hub/NO", "sector": ["GOV"], "min_count": "2", "hide_isolates": "1"})
    assert f.hubs == {"https://w3id.org/echos-graph/id/hub/NO"}
    again = {}
    for name, value in f.to_params():
        again.setdefault(name, []).append(value)
    assert ExplorerFilter.from_params(again) == f
    assert not ExplorerFilter().active and f.active


def test_filter_on_the_bundled_graph_agrees_with_the_networkx_subgraph(net, data) -> None:
    G = co_participation_graph(net)
    shown = filter_data(data, ExplorerFilter(sectors=frozenset({"GOV", "RES"}), min_weight=0.1))
    keep = [v for v, d in G.nodes(data=True) if d["sector"] in ("GOV", "RES")]
    H = nx.Graph(G.subgraph(keep))
    H.remove_edges_from([(u, v) for u, v, w in H.edges(data="weight") if w < 0.1])
    assert [n["id"] for n in shown["nodes"]] == sorted(H)
    assert _edges(shown) == {frozenset(e) for e in H.edges()}


# -- export graph, sizes, cache -----------------------------------------------------------------


def test_export_graph_carries_text_attributes_and_the_pages_colours_and_sizes(data) -> None:
    G = explorer_graph(data, color="community", size="pagerank")
    node = data["nodes"][0]
    attrs = G.nodes[node["id"]]
    colour = data["communities"][node["community"]]["color"]
    assert attrs["viz"]["color"] == {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}
    assert attrs["viz"]["size"] == node_size(node["measures"]["pagerank"], data["measure_max"]["pagerank"])
    assert all(isinstance(v, (str, int, float)) for k, v in attrs.items() if k != "viz")
    assert G.number_of_edges() == len(data["edges"]["source"])


def test_export_graph_refuses_an_unknown_colour_or_size(data) -> None:
    with pytest.raises(DataError, match="unknown colour"):
        explorer_graph(data, color="taste")
    with pytest.raises(DataError, match="unknown size"):
        explorer_graph(data, size="height")


def test_view_is_kept_per_store_generation(store_copy, monkeypatch) -> None:
    from echos_graph.analysis import explorer

    calls = []
    real = explorer.explorer_data
    monkeypatch.setattr(explorer, "explorer_data", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = explorer_json(store_copy)
    assert explorer_json(store_copy) == first and len(calls) == 1
    build_again = __import__("echos_graph").build
    build_again(store_copy)  # publishes a new generation
    assert json.loads(explorer_json(store_copy))["counts"] == json.loads(first)["counts"]
    assert len(calls) == 2


# -- layout -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["forceatlas2", "fruchterman-reingold"])
def test_layout_is_seeded_and_fits_the_square(method) -> None:
    G = nx.les_miserables_graph()
    first = layout(G, method=method, seed=1)
    assert layout(G, method=method, seed=1).positions == first.positions
    xs = [x for x, _ in first.positions.values()]
    ys = [y for _, y in first.positions.values()]
    assert min(xs) >= 0 and min(ys) >= 0 and max(max(xs), max(ys)) == pytest.approx(1000, abs=0.1)


def test_large_layout_keeps_isolated_nodes_from_crushing_the_main_component() -> None:
    # Without packing, Fruchterman-Reingold flings isolates far out and the main component becomes a dot.
    G = nx.connected_watts_strogatz_graph(600, 6, 0.1, seed=3)
    G.add_nodes_from(range(600, 660))
    result = layout(G, seed=2)
    assert result.method.startswith("Fruchterman-Reingold")
    main = [result.positions[v] for v in range(600)]
    width = max(x for x, _ in main) - min(x for x, _ in main)
    assert width > 500


def test_layout_of_an_empty_graph_is_empty() -> None:
    assert layout(nx.Graph()).positions == {}
