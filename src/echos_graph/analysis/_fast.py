"""Array forms of a NetworkX graph, and the one pass over its triangles that the structural-hole measures need.

Private to :mod:`~echos_graph.analysis.network` and
:mod:`~echos_graph.analysis.synergies`. NetworkX stays the API and the
reference: these helpers compute the same numbers as ``nx.constraint``,
``nx.effective_size`` and the like, with NumPy (and igraph where it is
installed), so that graphs of 100,000 organisations and millions of ties
take seconds; the tests check them against NetworkX on generated graphs.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import methodcaller
from typing import Any

import networkx as nx  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from ..errors import DataError

__all__ = [
    "ArrayGraph",
    "TriangleSums",
    "array_graph",
    "check_choice",
    "gc_paused",
    "group_codes",
    "have_igraph",
    "igraph_of",
    "or_none",
    "triangle_sums",
]

#: Wedges handled per NumPy chunk in :func:`triangle_sums` (memory: about 100 bytes each).
_WEDGE_CHUNK = 2_000_000


def check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    """Raise DataError unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        raise DataError(f"unknown {name} {value!r}; use one of {', '.join(allowed)}")


def or_none(x: float) -> float | None:
    """Return a float, or None for nan."""
    return None if math.isnan(x) else float(x)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a block makes millions of objects without cycles.

    Each full collection walks every live object; building a graph of
    2.4 million ties otherwise triggers enough of them to double its time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def have_igraph() -> bool:
    """Return whether python-igraph can be imported."""
    try:
        import igraph  # type: ignore[import-untyped,unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class ArrayGraph:
    """An undirected graph as arrays: node ``i`` is ``nodes[i]``, edge ``e`` joins ``src[e]`` and ``dst[e]``.

    Self-loops are left out; ``w`` holds the edge weights (1 where the weight
    attribute is missing, or for ``weight=None``).
    """

    nodes: list[Hashable]
    index: dict[Hashable, int]
    src: np.ndarray
    dst: np.ndarray
    w: np.ndarray
    cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n(self) -> int:
        """Return the number of nodes."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """Return the number of edges."""
        return int(self.src.shape[0])

    def degree(self) -> np.ndarray:
        """Return the number of neighbours of each node."""
        return np.bincount(self.src, minlength=self.n) + np.bincount(self.dst, minlength=self.n)

    def strength(self) -> np.ndarray:
        """Return the sum of the weights of each node's edges."""
        return (np.bincount(self.src, self.w, minlength=self.n)
                + np.bincount(self.dst, self.w, minlength=self.n)).astype(float)

    def csr(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(indptr, indices, weights)`` of the symmetric adjacency, neighbours sorted by index."""
        rows = np.concatenate([self.src, self.dst])
        cols = np.concatenate([self.dst, self.src])
        data = np.concatenate([self.w, self.w])
        order = np.lexsort((cols, rows))
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=self.n), out=indptr[1:])
        return indptr, cols[order], data[order]


def array_graph(G: nx.Graph, weight: str | None = "weight") -> ArrayGraph:
    """Return the arrays of an undirected NetworkX graph, nodes in ``G``'s order."""
    if G.is_directed() or G.is_multigraph():
        raise nx.NetworkXNotImplemented("only simple undirected graphs (nx.Graph) are supported")
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    # Each edge once, from the end that comes first in G's order, in the order of G.edges (which
    # yields (u, v) for the neighbours v of u not seen before u); the loops in C, not per edge in Python.
    neighbours = [nbrs for _, nbrs in G.adjacency()]
    degree = np.fromiter(map(len, neighbours), dtype=np.int64, count=len(nodes))
    ends = int(degree.sum())
    other = np.fromiter(map(index.__getitem__, chain.from_iterable(neighbours)), dtype=np.int64, count=ends)
    end = np.repeat(np.arange(len(nodes), dtype=np.int64), degree)
    once = other > end  # self-loops left out
    src, dst = end[once], other[once]
    if weight is None:
        return ArrayGraph(nodes, index, src, dst, np.ones(src.size, dtype=np.float64))
    data = chain.from_iterable(map(methodcaller("values"), neighbours))
    w = np.fromiter(map(methodcaller("get", weight, 1.0), data), dtype=np.float64, count=ends)
    return ArrayGraph(nodes, index, src, dst, w[once])


def igraph_of(ag: ArrayGraph) -> Any:
    """Return the igraph ``Graph`` of an :class:`ArrayGraph` (vertex i = node i, edge e = edge e), made once."""
    if "igraph" not in ag.cache:
        import igraph as ig  # type: ignore[import-untyped,unused-ignore]

        g = ig.Graph(n=ag.n, directed=False)
        g.add_edges(np.column_stack([ag.src, ag.dst]))
        ag.cache["igraph"] = g
    return ag.cache["igraph"]


def group_codes(G: nx.Graph, nodes: Sequence[Hashable], attribute: str) -> tuple[np.ndarray, list[str]]:
    """Return each node's group as an integer code, and the group names (sorted).

    A list-valued attribute (``hubs``) counts by its first element in sorted
    order; a missing or empty one is the group ``""``.
    """
    values: list[str] = []
    for node in nodes:
        value = G.nodes[node].get(attribute)
        if isinstance(value, (list, tuple, set, frozenset)):
            value = min(str(v) for v in value) if value else ""
        values.append("" if value is None else str(value))
    names = sorted(set(values))
    code = {name: i for i, name in enumerate(names)}
    return np.fromiter((code[v] for v in values), dtype=np.int64, count=len(values)), names


@dataclass(frozen=True)
class TriangleSums:
    """Sums over the triangles of a graph (see :func:`triangle_sums`)."""

    triangles: np.ndarray  # per node
    indirect: np.ndarray  # per edge: sum over common neighbours q of w_iq w_qj / s_q
    redundancy: np.ndarray  # per node i: sum over triangles {i,x,y} of w_xy (w_ix / mx_y + w_iy / mx_x)
    closed: list[np.ndarray]  # per group attribute: (n, 4) linked neighbour pairs by brokerage role


def _roles(gi: np.ndarray, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    """Return the brokerage role of the pair (x, y) seen from i: 0 coordinator, 1 itinerant, 2 representative, 3 liaison."""
    same_x = gx == gi
    same_y = gy == gi
    role = np.full(gi.shape, 3, dtype=np.int64)
    role[same_x & same_y] = 0
    role[~same_x & ~same_y & (gx == gy)] = 1
    role[same_x ^ same_y] = 2
    return role


def triangle_sums(ag: ArrayGraph, groups: Sequence[np.ndarray] = ()) -> TriangleSums:
    """List every triangle once and add up what constraint, effective size and brokerage need.

    Triangles are listed by the forward algorithm (Schank & Wagner 2005;
    Latapy 2008): nodes are ranked by degree, each edge points from the lower
    to the higher rank, and each wedge of a node's out-neighbours is checked
    for its closing edge. No node has more than sqrt(2m) out-neighbours, so the
    work is O(m sqrt m) at worst and, in NumPy chunks, a few seconds for
    2.4 million edges and 22 million triangles.
    """
    n, m = ag.n, ag.m
    s = ag.strength()
    mx = np.zeros(n)
    np.maximum.at(mx, ag.src, ag.w)
    np.maximum.at(mx, ag.dst, ag.w)
    deg = ag.degree()
    order = np.lexsort((np.arange(n), deg))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    ru, rv = rank[ag.src], rank[ag.dst]
    lo, hi = np.minimum(ru, rv), np.maximum(ru, rv)
    key = lo * n + hi
    by_key = np.argsort(key, kind="stable")
    key, lo, hi = key[by_key], lo[by_key], hi[by_key]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(lo, minlength=n), out=indptr[1:])
    out_degree = np.diff(indptr)

    triangles = np.zeros(n)
    indirect = np.zeros(m)
    redundancy = np.zeros(n)
    closed = [np.zeros(4 * n) for _ in groups]
    w = ag.w
    for d in range(2, int(out_degree.max(initial=0)) + 1):
        heads = np.nonzero(out_degree == d)[0]
        if heads.size == 0:
            continue
        first, second = np.triu_indices(d, 1)
        step = max(1, _WEDGE_CHUNK // first.size)
        for at in range(0, heads.size, step):
            base = indptr[heads[at:at + step]]
            p1 = (base[:, None] + first[None, :]).ravel()
            p2 = (base[:, None] + second[None, :]).ravel()
            want = hi[p1] * n + hi[p2]  # out-lists are sorted, so hi[p1] < hi[p2]
            pos = np.searchsorted(key, want)
            pos[pos >= m] = 0
            hit = key[pos] == want
            if not hit.any():
                continue
            e_ab, e_ac, e_bc = by_key[p1[hit]], by_key[p2[hit]], by_key[pos[hit]]
            a = order[lo[p1[hit]]]
            b = order[hi[p1[hit]]]
            c = order[hi[p2[hit]]]
            w_ab, w_ac, w_bc = w[e_ab], w[e_ac], w[e_bc]
            for x in (a, b, c):
                triangles += np.bincount(x, minlength=n)
            indirect += np.bincount(e_ab, w_ac * w_bc / s[c], minlength=m)
            indirect += np.bincount(e_ac, w_ab * w_bc / s[b], minlength=m)
            indirect += np.bincount(e_bc, w_ab * w_ac / s[a], minlength=m)
            redundancy += np.bincount(a, w_bc * (w_ab / mx[c] + w_ac / mx[b]), minlength=n)
            redundancy += np.bincount(b, w_ac * (w_ab / mx[c] + w_bc / mx[a]), minlength=n)
            redundancy += np.bincount(c, w_ab * (w_ac / mx[b] + w_bc / mx[a]), minlength=n)
            for g, acc in zip(groups, closed):
                ga, gb, gc = g[a], g[b], g[c]
                acc += np.bincount(a * 4 + _roles(ga, gb, gc), minlength=4 * n)
                acc += np.bincount(b * 4 + _roles(gb, ga, gc), minlength=4 * n)
                acc += np.bincount(c * 4 + _roles(gc, ga, gb), minlength=4 * n)
    return TriangleSums(triangles, indirect, redundancy, [acc.reshape(n, 4).astype(np.int64) for acc in closed])
