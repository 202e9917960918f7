"""Communities of the co-participation graph: Louvain or Leiden over several seeded runs, the best by modularity.

Part of :mod:`~echos_graph.analysis.network` (which re-exports
:func:`communities` and :class:`CommunityResult`), kept apart to keep each
module to one concept.
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import networkx as nx  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from ..errors import DataError
from ._fast import (
    ArrayGraph,
    array_graph,
    check_choice,
    have_igraph,
    igraph_of,
    or_none,
)

__all__ = ["ENGINES", "METHODS", "CommunityResult", "communities"]

#: The community methods of :func:`communities`.
METHODS = ("louvain", "leiden")
#: The engines of :func:`communities`.
ENGINES = ("auto", "igraph", "networkx")
#: Edges up to which Louvain runs in NetworkX (the reference) rather than igraph.
_NX_LOUVAIN_EDGES = 20_000


@dataclass(frozen=True)
class CommunityResult:
    """Communities found by several seeded runs of Louvain or Leiden.

    Attributes
    ----------
    method : str
        ``louvain`` or ``leiden``.
    engine : str
        ``igraph`` or ``networkx``.
    seed : int
        Run r used seed ``seed + r``.
    runs : int
    modularity : float or None
        Modularity of the reported partition, the best of the runs (None
        for a graph without ties).
    modularities : tuple of float
        Modularity of each run.
    communities : tuple of tuple
        The reported partition: communities by decreasing size, members in
        the graph's order. Community ``i`` is ``communities[i]``.
    membership : dict
        Node to its community number.
    agreement : dict
        Node to the fraction of runs that put it in the community matching
        its reported one (each run's community is matched to the reported
        community it shares most members with).
    resolution : float
    profiles : tuple of dict
        Per community: size, mean agreement, sectors, countries, and the
        names of its best-connected members.
    """

    method: str
    engine: str
    seed: int
    runs: int
    modularity: float | None
    modularities: tuple[float, ...]
    communities: tuple[tuple[Hashable, ...], ...]
    membership: dict[Hashable, int]
    agreement: dict[Hashable, float]
    resolution: float = 1.0
    profiles: tuple[dict[str, Any], ...] = field(default=(), repr=False)

    @property
    def mean_agreement(self) -> float:
        """Return the mean over nodes of :attr:`agreement`."""
        return sum(self.agreement.values()) / len(self.agreement) if self.agreement else 1.0

    def to_rows(self, min_size: int = 2) -> list[dict[str, Any]]:
        """Return one row per community of at least ``min_size`` members."""
        return [dict(p, method=self.method) for p in self.profiles if p["size"] >= min_size]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as nested plain data."""
        return {
            "method": self.method, "engine": self.engine, "seed": self.seed, "runs": self.runs,
            "resolution": self.resolution, "modularity": self.modularity,
            "modularities": list(self.modularities), "mean_agreement": self.mean_agreement,
            "communities": [dict(p, members=list(c)) for p, c in zip(self.profiles, self.communities)],
        }


@contextmanager
def _igraph_seed(seed: int) -> Iterator[None]:
    """Make igraph draw from ``random.Random(seed)``, then give it back Python's ``random`` module."""
    import igraph as ig  # type: ignore[import-untyped,unused-ignore]

    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Renumber communities by decreasing size, then by their first node."""
    names, first, sizes = np.unique(labels, return_index=True, return_counts=True)
    order = np.lexsort((first, -sizes))
    renumber = np.empty(names.size, dtype=np.int64)
    renumber[order] = np.arange(names.size)
    return renumber[np.searchsorted(names, labels)]


def _agreement(best: np.ndarray, runs: Sequence[np.ndarray]) -> np.ndarray:
    """Return, per node, the fraction of runs whose matched community is its best one."""
    k = int(best.max(initial=-1)) + 1
    agree = np.zeros(best.size)
    for labels in runs:
        pairs, counts = np.unique(labels * k + best, return_counts=True)
        run_label, best_label = pairs // k, pairs % k
        order = np.lexsort((best_label, -counts, run_label))  # per run community: largest overlap first
        keep = np.ones(order.size, dtype=bool)
        keep[1:] = run_label[order][1:] != run_label[order][:-1]
        match = dict(zip(run_label[order][keep].tolist(), best_label[order][keep].tolist()))
        agree += np.array([match[x] for x in labels.tolist()]) == best
    return agree / max(1, len(runs))


def _profiles(G: nx.Graph, ag: ArrayGraph, labels: np.ndarray, agreement: np.ndarray) -> tuple[dict[str, Any], ...]:
    """Describe each community: size, agreement, sectors, countries, best-connected members."""
    degree = ag.degree()
    nodes = G.nodes
    members: dict[int, list[int]] = {}
    for i, c in enumerate(labels.tolist()):
        members.setdefault(c, []).append(i)
    out = []
    for c in range(len(members)):
        idx = members[c]
        sectors: dict[str, int] = {}
        countries: dict[str, int] = {}
        for i in idx:
            data = nodes[ag.nodes[i]]
            sector = str(data.get("sector") or "")
            country = str(data.get("country") or "")
            sectors[sector] = sectors.get(sector, 0) + 1
            countries[country] = countries.get(country, 0) + 1
        top = sorted(idx, key=lambda i: (-degree[i], i))[:5]
        out.append({
            "community": c,
            "size": len(idx),
            "agreement": float(agreement[idx].mean()),
            "sectors": "; ".join(f"{k or '?'} {v}" for k, v in sorted(sectors.items(), key=lambda x: (-x[1], x[0]))),
            "countries": "; ".join(f"{k or '?'} {v}" for k, v in sorted(countries.items(), key=lambda x: (-x[1], x[0]))[:8]),
            "top_members": [str(nodes[ag.nodes[i]].get("label", ag.nodes[i])) for i in top],
        })
    return tuple(out)


def communities(
    G: nx.Graph,
    *,
    method: str = "louvain",
    seed: int = 42,
    runs: int = 10,
    weight: str | None = "weight",
    resolution: float = 1.0,
    engine: str = "auto",
) -> CommunityResult:
    """Find communities by Louvain or Leiden over several seeded runs, and keep the best by modularity.

    Parameters
    ----------
    G : networkx.Graph
    method : {'louvain', 'leiden'}
        Louvain (Blondel et al. [1]_) or Leiden (Traag et al. [2]_), both
        maximising modularity (Newman [3]_) with ``resolution``.
    seed : int
        Run ``r`` uses seed ``seed + r``; the result is the same for the
        same graph and seed.
    runs : int
        Number of runs. The partition reported is the one of highest
        modularity (the first of equals); each node's ``agreement`` is the
        fraction of runs that put it in the community matching its reported
        one, a per-node reading of consensus clustering (Lancichinetti &
        Fortunato [4]_).
    weight : str or None
        Edge weight (Newman's collaboration weight by default).
    resolution : float
    engine : {'auto', 'igraph', 'networkx'}
        Louvain: ``nx.community.louvain_communities`` (the reference, used by
        ``auto`` up to 20,000 ties or without igraph) or igraph's
        ``community_multilevel``. Leiden: igraph's ``community_leiden``
        (``objective_function="modularity"``, 2 iterations), which needs
        igraph.

    Returns
    -------
    CommunityResult

    Raises
    ------
    DataError
        For an unknown method or engine, or ``runs`` < 1.
    ImportError
        For Leiden or ``engine="igraph"`` without igraph installed.

    References
    ----------
    .. [1] V. D. Blondel, J.-L. Guillaume, R. Lambiotte, E. Lefebvre, "Fast
       unfolding of communities in large networks", J. Stat. Mech. P10008,
       2008. doi:10.1088/1742-5468/2008/10/P10008
    .. [2] V. A. Traag, L. Waltman, N. J. van Eck, "From Louvain to Leiden:
       guaranteeing well-connected communities", Scientific Reports 9:5233,
       2019. doi:10.1038/s41598-019-41695-z
    .. [3] M. E. J. Newman, "Modularity and community structure in
       networks", PNAS 103(23):8577-8582, 2006.
    .. [4] A. Lancichinetti, S. Fortunato, "Consensus clustering in complex
       networks", Scientific Reports 2:336, 2012.

    Examples
    --------
    Two triangles joined by one tie:

    >>> G = nx.Graph([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)])
    >>> result = communities(G, runs=3, weight=None)
    >>> result.communities, round(result.modularity, 4), result.mean_agreement
    (((1, 2, 3), (4, 5, 6)), 0.3571, 1.0)
    """
    return _communities(G, array_graph(G, weight), method, seed, runs, weight, resolution, engine)


def _igraph_runs(ag: ArrayGraph, method: str, seeds: Sequence[int], weight: str | None,
                 resolution: float) -> list[tuple[np.ndarray, float]]:
    """Run Louvain or Leiden in igraph once per seed: each run's partition (canonical labels) and modularity."""
    g = igraph_of(ag)
    weights = ag.w.tolist() if weight is not None else None
    out = []
    for s in seeds:
        with _igraph_seed(s):
            if method == "louvain":
                found = g.community_multilevel(weights=weights, resolution=resolution)
            else:
                found = g.community_leiden(objective_function="modularity", weights=weights,
                                           resolution=resolution, n_iterations=2)
        labels = _canonical(np.array(found.membership, dtype=np.int64))
        out.append((labels, g.modularity(labels.tolist(), weights=weights, resolution=resolution)))
    return out


def _uses_igraph(method: str, engine: str, ties: int) -> bool:
    """Return whether :func:`communities` runs ``method`` with ``engine`` in igraph on a graph of ``ties`` ties."""
    if engine == "auto":
        return method == "leiden" or (ties > _NX_LOUVAIN_EDGES and have_igraph())
    return engine == "igraph"


def _communities(G: nx.Graph, ag: ArrayGraph, method: str, seed: int, runs: int, weight: str | None,
                 resolution: float, engine: str,
                 igraph_runs: Sequence[tuple[np.ndarray, float]] | None = None) -> CommunityResult:
    """Compute :func:`communities` on the arrays of ``G`` (with the igraph runs when they are done already)."""
    check_choice("community method", method, METHODS)
    check_choice("engine", engine, ENGINES)
    if runs < 1:
        raise DataError(f"runs must be at least 1, not {runs}")
    if engine == "auto":
        use_nx = method == "louvain" and (ag.m <= _NX_LOUVAIN_EDGES or not have_igraph())
        engine = "networkx" if use_nx else "igraph"
    if engine == "networkx" and method == "leiden":
        raise DataError("Leiden runs in igraph only; use engine='igraph' or 'auto'")
    if engine == "igraph" and not have_igraph():
        raise ImportError(f"{method} with igraph needs python-igraph: pip install igraph")
    seeds = [seed + r for r in range(runs)]
    partitions: list[np.ndarray] = []
    scores: list[float] = []
    if ag.m == 0:
        labels = _canonical(np.arange(ag.n))
        partitions, scores = [labels] * runs, [math.nan] * runs
    elif engine == "networkx":
        for s in seeds:
            parts = nx.community.louvain_communities(G, weight=weight, resolution=resolution, seed=s)
            labels = np.empty(ag.n, dtype=np.int64)
            for c, part in enumerate(parts):
                labels[[ag.index[v] for v in part]] = c
            partitions.append(_canonical(labels))
            scores.append(nx.community.modularity(G, parts, weight=weight, resolution=resolution))
    else:
        done = igraph_runs if igraph_runs is not None else _igraph_runs(ag, method, seeds, weight, resolution)
        partitions, scores = [labels for labels, _ in done], [q for _, q in done]
    best = max(range(runs), key=lambda r: (-math.inf if math.isnan(scores[r]) else scores[r], -r))
    labels = partitions[best]
    agreement = _agreement(labels, partitions)
    groups: list[list[Hashable]] = [[] for _ in range(int(labels.max(initial=-1)) + 1)]
    for i, c in enumerate(labels.tolist()):
        groups[c].append(ag.nodes[i])
    return CommunityResult(
        method=method, engine=engine, seed=seed, runs=runs,
        modularity=or_none(scores[best]), modularities=tuple(float(q) for q in scores),
        communities=tuple(tuple(g) for g in groups),
        membership={v: int(labels[i]) for i, v in enumerate(ag.nodes)},
        agreement={v: float(agreement[i]) for i, v in enumerate(ag.nodes)},
        resolution=resolution,
        profiles=_profiles(G, ag, labels, agreement),
    )
