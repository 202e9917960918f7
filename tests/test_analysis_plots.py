"""Charts of the analyses: valid files, deterministic bytes, clear errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

pytest.importorskip("matplotlib")

from echos_graph.analysis import hub_gaps, load_network
from echos_graph.analysis.plots import (
    PLOT_KINDS,
    coverage_heatmap,
    degree_distribution,
    ego_network,
    plot,
)
from echos_graph.errors import DataError


@pytest.fixture(scope="module")
def net(graph):
    return load_network(graph)


def test_coverage_heatmap_writes_a_png(net, tmp_path: Path) -> None:
    out = coverage_heatmap(hub_gaps(net), tmp_path / "coverage.png")
    assert out.read_bytes().startswith(b"\x89PNG")


def test_coverage_heatmap_svg_is_xml_and_names_every_hub(net, tmp_path: Path) -> None:
    gaps = hub_gaps(net)
    out = coverage_heatmap(gaps, tmp_path / "coverage.svg")
    text = out.read_text(encoding="utf-8")
    ET.fromstring(text)
    for gap in gaps:
        label = gap.label.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")
        assert label in text or gap.label in text, gap.label


def test_coverage_heatmap_gives_the_same_svg_bytes_for_the_same_input(net, tmp_path: Path) -> None:
    gaps = hub_gaps(net)
    first = coverage_heatmap(gaps, tmp_path / "a.svg").read_bytes()
    second = coverage_heatmap(gaps, tmp_path / "b.svg").read_bytes()
    assert first == second


@pytest.mark.parametrize("name", ["chart.pdf", "chart", "chart.jpg"])
def test_charts_reject_a_suffix_other_than_png_or_svg(net, tmp_path: Path, name: str) -> None:
    with pytest.raises(DataError, match=r"\.png or \.svg"):
        coverage_heatmap(hub_gaps(net), tmp_path / name)
    assert not (tmp_path / name).exists()


def test_ego_network_of_the_norwegian_hub_writes_a_file(net, tmp_path: Path) -> None:
    out = ego_network(net, "id:hub/NO", tmp_path / "ego.svg")
    text = out.read_text(encoding="utf-8")
    ET.fromstring(text)
    assert "SINTEF" in text  # a member of the hub (data/hub_memberships.csv), labelled


def test_ego_network_is_deterministic(net, tmp_path: Path) -> None:
    first = ego_network(net, "id:hub/NO", tmp_path / "a.svg").read_bytes()
    assert ego_network(net, "id:hub/NO", tmp_path / "b.svg").read_bytes() == first


def test_ego_network_rejects_an_unknown_hub(net, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown hub 'id:hub/XX'"):
        ego_network(net, "id:hub/XX", tmp_path / "ego.png")


def test_degree_distribution_writes_a_png(tmp_path: Path) -> None:
    out = degree_distribution(nx.barabasi_albert_graph(200, 2, seed=1), tmp_path / "degrees.png")
    assert out.read_bytes().startswith(b"\x89PNG")


def test_degree_distribution_rejects_a_graph_without_edges(tmp_path: Path) -> None:
    G = nx.empty_graph(3)
    with pytest.raises(DataError, match="no edge"):
        degree_distribution(G, tmp_path / "degrees.png")


@pytest.mark.parametrize("kind", sorted(PLOT_KINDS))
def test_plot_draws_every_kind_from_the_store(graph, tmp_path: Path, kind: str) -> None:
    out = plot(kind, graph, tmp_path / f"{kind}.png", hub="id:hub/NO")
    assert out.read_bytes().startswith(b"\x89PNG")


def test_plot_rejects_an_unknown_kind_and_ego_without_hub(net, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="unknown plot kind 'pie'"):
        plot("pie", net, tmp_path / "x.png")
    with pytest.raises(DataError, match="--hub"):
        plot("ego", net, tmp_path / "x.png")
