"""Node positions for drawing a network, computed once on the server so that a browser never runs a layout.

:func:`layout` places small graphs with ForceAtlas2 (NetworkX's
``forceatlas2_layout``, the layout Gephi users know) and large ones with
igraph's grid Fruchterman-Reingold, which takes about a second for 10,000
nodes and 225,000 ties where NetworkX's ForceAtlas2 (no Barnes-Hut
approximation: n² repulsions per step) would take minutes. Both are seeded,
so the same graph gets the same picture. Positions are scaled into a
1,000-unit square.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from ._fast import ArrayGraph, array_graph, check_choice, have_igraph, igraph_of

__all__ = ["LAYOUTS", "Layout", "layout"]

#: The layout methods of :func:`layout`.
LAYOUTS = ("auto", "forceatlas2", "fruchterman-reingold")

#: Nodes up to which ``auto`` runs ForceAtlas2 (about 1.5 s at 500 nodes, growing as n²).
_FA2_NODES = 500
#: Ties above which Fruchterman-Reingold takes 150 steps rather than 300.
_MANY_EDGES = 100_000
#: Side of the square positions are scaled into.
_EXTENT = 1000.0


@dataclass(frozen=True)
class Layout:
    """Positions of the nodes of a graph, and how they were computed.

    Attributes
    ----------
    positions : dict
        Node to ``(x, y)``, both in ``[0, 1000]``.
    method : str
        The algorithm and engine, e.g. ``ForceAtlas2 (networkx, 300 iterations)``.
    """

    positions: dict[Hashable, tuple[float, float]]
    method: str


def _scaled(nodes: list[Hashable], xy: np.ndarray) -> dict[Hashable, tuple[float, float]]:
    """Scale positions into the square [0, 1000]², keeping the aspect ratio, rounded to 0.1."""
    if len(nodes) == 0:
        return {}
    xy = np.asarray(xy, dtype=float).reshape(len(nodes), -1)[:, :2]
    low = xy.min(axis=0)
    span = float((xy.max(axis=0) - low).max())
    scaled = (xy - low) * (_EXTENT / span) if span > 0 else np.full_like(xy, _EXTENT / 2)
    return {node: (round(float(x), 1), round(float(y), 1)) for node, (x, y) in zip(nodes, scaled)}


def layout(G: nx.Graph, *, method: str = "auto", weight: str | None = "weight", seed: int = 42,
           iterations: int | None = None) -> Layout:
    """Place the nodes of ``G`` in the plane for drawing.

    Parameters
    ----------
    G : networkx.Graph
        Undirected; isolated nodes and several components are fine.
    method : {'auto', 'forceatlas2', 'fruchterman-reingold'}
        ``forceatlas2``: ForceAtlas2 [1]_ by ``nx.forceatlas2_layout``, with
        its "strong gravity", which keeps components and isolates near the
        centre. ``fruchterman-reingold``: Fruchterman & Reingold's
        force-directed layout [2]_ by igraph, with
        its grid approximation for large graphs (NetworkX's
        ``spring_layout`` without igraph). ``auto`` takes ForceAtlas2 up to
        500 nodes and Fruchterman-Reingold beyond.
    weight : str or None
        Edge attribute that pulls linked nodes together (None: all ties equal).
    seed : int
        Seed of the initial positions: the same graph and seed give the
        same layout.
    iterations : int, optional
        Steps of the algorithm: 300 by default, 150 for Fruchterman-Reingold
        beyond 100,000 ties.

    Returns
    -------
    Layout

    References
    ----------
    .. [1] M. Jacomy, T. Venturini, S. Heymann, M. Bastian, "ForceAtlas2, a
       continuous graph layout algorithm for handy network visualization
       designed for the Gephi software", PLoS ONE 9(6):e98679, 2014.
       doi:10.1371/journal.pone.0098679
    .. [2] T. M. J. Fruchterman, E. M. Reingold, "Graph drawing by
       force-directed placement", Software: Practice and Experience
       21(11):1129-1164, 1991.

    Examples
    --------
    >>> result = layout(nx.path_graph(3))
    >>> sorted(result.positions) == [0, 1, 2], result.method
    (True, 'ForceAtlas2 (networkx, strong gravity, 300 iterations)')
    >>> all(0 <= x <= 1000 and 0 <= y <= 1000 for x, y in result.positions.values())
    True
    """
    return _layout(G, None, method, weight, seed, iterations)


def _layout(G: nx.Graph, ag: ArrayGraph | None, method: str, weight: str | None, seed: int,
            iterations: int | None) -> Layout:
    """Compute :func:`layout`, reusing the arrays of ``G`` (made with the same ``weight``) when given."""
    check_choice("layout method", method, LAYOUTS)
    nodes = list(G)
    if method == "auto":
        method = "forceatlas2" if len(nodes) <= _FA2_NODES else "fruchterman-reingold"
    if len(nodes) == 0:
        return Layout({}, method)
    if method == "forceatlas2":
        steps = iterations or 300
        pos = nx.forceatlas2_layout(G, max_iter=steps, seed=seed, weight=weight, strong_gravity=True)
        return Layout(_scaled(nodes, np.array([pos[v] for v in nodes])), f"ForceAtlas2 (networkx, strong gravity, {steps} iterations)")
    # A hairball of 100,000 ties looks the same after 150 steps as after 300, in half the time.
    steps = iterations or (150 if G.number_of_edges() > _MANY_EDGES else 300)
    if not have_igraph():
        pos = nx.spring_layout(G, iterations=steps, seed=seed, weight=weight)
        return Layout(_scaled(nodes, np.array([pos[v] for v in nodes])),
                      f"Fruchterman-Reingold (networkx spring_layout, {steps} iterations)")
    import igraph as ig  # type: ignore[import-untyped,unused-ignore]

    from .community import _igraph_seed

    if ag is None:
        ag = array_graph(G, weight)
    membership = np.array(igraph_of(ag).connected_components().membership, dtype=np.int64)
    sizes = np.bincount(membership, minlength=int(membership.max(initial=-1)) + 1)
    # Vertices and edges grouped by component, and each vertex's index inside its component.
    by_vertex = np.argsort(membership, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)])
    local = np.empty(ag.n, dtype=np.int64)
    local[by_vertex] = np.arange(ag.n) - starts[membership[by_vertex]]
    edge_component = membership[ag.src]
    by_edge = np.argsort(edge_component, kind="stable")
    edge_starts = np.concatenate([[0], np.cumsum(np.bincount(edge_component, minlength=sizes.size))])
    parts = []
    with _igraph_seed(seed):
        for c in sorted(range(sizes.size), key=lambda c: (-sizes[c], starts[c])):
            members = by_vertex[starts[c]:starts[c + 1]]
            if sizes[c] == 1:
                parts.append((members, np.zeros((1, 2))))
                continue
            edges = by_edge[edge_starts[c]:edge_starts[c + 1]]
            sub = ig.Graph(n=int(sizes[c]), edges=np.column_stack([local[ag.src[edges]], local[ag.dst[edges]]]).tolist())
            coords = sub.layout_fruchterman_reingold(weights=ag.w[edges].tolist() if weight else None,
                                                     niter=steps, grid="auto")
            parts.append((members, np.array(coords.coords)))
    xy = np.zeros((ag.n, 2))
    for members, placed in _pack(parts):
        xy[members] = placed
    return Layout(_scaled(ag.nodes, xy),
                  f"Fruchterman-Reingold (igraph, grid above 1,000 nodes, {steps} iterations), components packed")


def _pack(parts: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Place the layouts of components side by side in rows, largest first, each scaled to its share of the area.

    A component of k nodes gets a square of side sqrt(k) (all components
    equally dense); squares fill rows as wide as the largest one (or the
    square root of all nodes, if wider), left to right, top to bottom, with
    a gap of one unit. Without this, a force-directed layout flings isolated
    organisations far from the main component and shrinks it to a dot.
    """
    total = sum(len(members) for members, _ in parts)
    sides = [math.sqrt(len(members)) for members, _ in parts]
    width = max([math.sqrt(total) * 1.2, *sides[:1]])
    out = []
    x = y = row = 0.0
    for (members, xy), side in zip(parts, sides):
        if x > 0 and x + side > width:
            x, y, row = 0.0, y - row - 1.0, 0.0
        span = (xy.max(axis=0) - xy.min(axis=0)).max() if len(members) > 1 else 0.0
        local = (xy - xy.min(axis=0)) * (side / span) if span > 0 else np.zeros_like(xy)
        local[:, 1] = -local[:, 1]
        out.append((members, local + np.array([x, y])))
        x += side + 1.0
        row = max(row, side)
    return out
