"""Network measures of the organisation co-participation graph: centrality, structural holes, brokerage, communities, mixing.

Every function takes the NetworkX graph of
:func:`~echos_graph.analysis.projection.co_participation_graph` (nodes:
organisation IRIs with ``label``, ``sector``, ``country``, ``hubs``;
edges: ``count``, ``newman``, ``weight`` = ``newman``, ``initiatives``) and
returns plain data: frozen dataclasses with ``to_rows()`` and ``to_dict()``.

- :func:`node_measures`: degree and strength, betweenness, PageRank, k-core,
  Burt's constraint and effective size, Gould & Fernandez brokerage and a
  bridging share between sectors, countries and hubs;
- :func:`communities`: Louvain or Leiden, several seeded runs, the best
  partition by modularity and how often each node lands with it;
- :func:`sector_mixing`: assortativity, the mixing matrix, the E-I index;
- :func:`cross_border_brokers`: organisations that tie countries together;
- :func:`analyse`: all of them, in one result.

NetworkX is the API and the reference. Where a NetworkX function is too slow
for the graph at hand the same number is computed with igraph (betweenness,
PageRank, k-core, Louvain, Leiden) or NumPy (structural holes, brokerage,
mixing), or estimated by sampling with a stated error, and each result says
which (``method``). The tests check the fast paths against NetworkX.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import networkx as nx  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from ..errors import DataError
from ._fast import (
    ArrayGraph,
    array_graph,
    check_choice,
    gc_paused,
    group_codes,
    have_igraph,
    igraph_of,
    or_none,
    triangle_sums,
)
from .community import METHODS as _COMMUNITY_METHODS
from .community import (
    CommunityResult,
    _communities,
    _igraph_runs,
    _uses_igraph,
    communities,
)
from .mixing import MixingResult, _mixing, sector_mixing

__all__ = [
    "GROUP_ATTRIBUTES",
    "AnalysisResult",
    "Brokerage",
    "CommunityResult",
    "CrossBorderBroker",
    "MixingResult",
    "NodeMeasures",
    "analyse",
    "communities",
    "cross_border_brokers",
    "node_measures",
    "sector_mixing",
]

#: The node attributes whose groups brokerage and bridging are counted between.
GROUP_ATTRIBUTES = ("sector", "country", "hubs")

#: Betweenness work (sources x (nodes + edges)) below which NetworkX's exact
#: Brandes algorithm is used even when igraph is there (about a second).
_NX_EXACT_WORK = 1e6
#: Work allowed to exact igraph betweenness (about 4 s here), then pivots are sampled to fit it.
_IGRAPH_WORK = 3e8
#: Work allowed to NetworkX betweenness when igraph is missing (about 10 s).
_NX_WORK = 2e7
#: Fewest pivots a sampled betweenness uses.
_MIN_PIVOTS = 100
#: Batches the pivots are split into, to estimate each node's standard error.
_BATCHES = 10
#: Community runs of analyse() by method: up to _RUNS_EDGES ties, and beyond (a Louvain run
#: in igraph takes about 15 s at 2.4 million ties, a Leiden run 4 s).
_RUNS = {"leiden": 10, "louvain": 5}
_RUNS_BIG = {"leiden": 3, "louvain": 1}
_RUNS_EDGES = 1_000_000
#: Ties from which analyse() does the igraph community runs in a forked process while it computes the node measures.
_PARALLEL_TIES = 100_000
_BETWEENNESS_MODES = ("auto", "exact", "sampled", "networkx")


# --- node measures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Brokerage:
    """Gould & Fernandez brokerage roles of one organisation with respect to one grouping.

    Each count is of unordered pairs of the organisation's partners that are
    not partners of each other (open pairs), by the groups of the three:

    Attributes
    ----------
    coordinator : int
        Both partners in the broker's own group.
    itinerant : int
        Both partners in one other group (Gould & Fernandez's consultant).
    representative : int
        One partner in the broker's group, the other outside. With undirected
        ties each such pair is at once a representative pair (the broker
        speaks for its group) and a gatekeeper pair (it lets an outsider in),
        so the two roles are one count: :attr:`gatekeeper` is the same number.
    liaison : int
        The two partners in two different groups, neither the broker's.
    """

    coordinator: int
    itinerant: int
    representative: int
    liaison: int

    @property
    def gatekeeper(self) -> int:
        """Return the gatekeeper count, equal to :attr:`representative` on undirected ties."""
        return self.representative

    @property
    def total(self) -> int:
        """Return the number of open pairs of partners."""
        return self.coordinator + self.itinerant + self.representative + self.liaison

    @property
    def between_groups(self) -> int:
        """Return the open pairs whose partners are in two different groups (representative + liaison)."""
        return self.representative + self.liaison


@dataclass(frozen=True)
class NodeMeasures:
    """The measures of one organisation. ``None`` where a measure is undefined (constraint of an isolate).

    Attributes
    ----------
    node : hashable
        The organisation IRI.
    label, sector, country : str
    degree : int
        Number of partners.
    strength : float
        Sum of the weights of its ties.
    betweenness : float
        Normalised betweenness on hop counts (an estimate when sampled).
    betweenness_stderr : float or None
        Standard error of the estimate (0 when exact; None when unknown).
    pagerank : float
    core : int
        k-core number.
    constraint, effective_size : float or None
        Burt's measures, on the weighted ties.
    triangles : int
        Pairs of its partners that are partners of each other.
    brokerage : mapping of str to Brokerage
        By grouping attribute (``sector``, ``country``, ``hubs``).
    bridging : mapping of str to float or None
        By grouping attribute: the share of its tie weight that goes to
        other groups (None for an isolate).
    method : str
        How betweenness was computed: ``exact (igraph)``, ``exact (networkx)``,
        ``sampled (igraph, 200 pivots)`` and the like.
    """

    node: Hashable
    label: str
    sector: str
    country: str
    degree: int
    strength: float
    betweenness: float
    betweenness_stderr: float | None
    pagerank: float
    core: int
    constraint: float | None
    effective_size: float | None
    triangles: int
    brokerage: Mapping[str, Brokerage]
    bridging: Mapping[str, float | None]
    method: str

    def to_row(self) -> dict[str, Any]:
        """Return the measures as one flat row (brokerage roles as ``<attribute>_<role>`` columns)."""
        row: dict[str, Any] = {
            "organisation": self.node, "label": self.label, "sector": self.sector, "country": self.country,
            "degree": self.degree, "strength": self.strength, "betweenness": self.betweenness,
            "pagerank": self.pagerank, "core": self.core, "constraint": self.constraint,
            "effective_size": self.effective_size,
        }
        for attribute, roles in self.brokerage.items():
            row[f"{attribute}_bridging"] = self.bridging.get(attribute)
            row[f"{attribute}_coordinator"] = roles.coordinator
            row[f"{attribute}_itinerant"] = roles.itinerant
            row[f"{attribute}_representative"] = roles.representative
            row[f"{attribute}_liaison"] = roles.liaison
        row["betweenness_method"] = self.method
        return row


@dataclass(frozen=True)
class _Betweenness:
    """Normalised betweenness, its standard errors and how it was computed."""

    values: np.ndarray
    stderr: np.ndarray | None
    method: str
    pivots: int | None
    error: float  # half-width of the 95% Hoeffding interval, 0 when exact


def _work(n: int, m: int, sources: int | None = None) -> float:
    """Return the work of Brandes' algorithm from ``sources`` sources (all by default)."""
    return float(n if sources is None else sources) * (n + m)


def _hoeffding(pivots: int, confidence: float = 0.95) -> float:
    """Return the half-width of the Hoeffding interval of a mean of ``pivots`` values in [0, 1]."""
    return math.sqrt(math.log(2 / (1 - confidence)) / (2 * pivots))


def _betweenness(G: nx.Graph, ag: ArrayGraph, mode: str, pivots: int | None, seed: int) -> _Betweenness:
    """Compute normalised betweenness exactly or from sampled pivots, with NetworkX or igraph."""
    if mode not in _BETWEENNESS_MODES:
        raise DataError(f"unknown betweenness mode {mode!r}; use one of {', '.join(_BETWEENNESS_MODES)}")
    n, m = ag.n, ag.m
    fast = have_igraph()
    if mode == "auto":
        if pivots is not None:
            mode = "sampled"
        elif _work(n, m) <= _NX_EXACT_WORK:
            mode = "networkx"
        elif _work(n, m) <= (_IGRAPH_WORK if fast else _NX_WORK):
            mode = "exact"
        else:
            mode = "sampled"
    if mode == "sampled":
        if pivots is None:
            budget = _IGRAPH_WORK if fast else _NX_WORK
            pivots = max(_MIN_PIVOTS, int(budget // max(1, n + m)))
        pivots = min(pivots, n)
        if pivots >= n:
            mode = "exact"
    if mode == "networkx" or (mode == "exact" and not fast):
        values = nx.betweenness_centrality(G, normalized=True)
        return _Betweenness(np.array([values[v] for v in ag.nodes]), np.zeros(n), "exact (networkx)", None, 0.0)
    if mode == "exact":
        raw = np.array(igraph_of(ag).betweenness(directed=False))
        scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        return _Betweenness(raw * scale, np.zeros(n), "exact (igraph)", None, 0.0)
    assert pivots is not None
    chosen = random.Random(seed).sample(list(G), pivots)  # the pivots nx.betweenness_centrality(k, seed) draws
    error = _hoeffding(pivots)
    label = f"sampled ({'igraph' if fast else 'networkx'}, {pivots} of {n} pivots, ±{error:.3f} at 95%)"
    if not fast:
        values = nx.betweenness_centrality(G, k=pivots, normalized=True, seed=random.Random(seed))
        return _Betweenness(np.array([values[v] for v in ag.nodes]), None, label, pivots, error)
    directed = igraph_of(ag).as_directed("mutual")
    sources = [ag.index[v] for v in chosen]
    batches = [b for b in np.array_split(np.array(sources), min(_BATCHES, pivots)) if b.size]
    sums = [np.array(directed.betweenness(directed=True, sources=b.tolist())) for b in batches]
    total = np.sum(sums, axis=0)
    if n <= 2 or pivots < 2:
        return _Betweenness(np.zeros(n), np.zeros(n), label, pivots, error)
    # The estimator of nx.betweenness_centrality(k=...): a pivot cannot be its own source, so pivots
    # are scaled by k - 1 and the others by k (networkx.algorithms.centrality.betweenness._rescale).
    is_pivot = np.zeros(n, dtype=bool)
    is_pivot[sources] = True
    values = total / (np.where(is_pivot, pivots - 1, pivots) * (n - 2))
    batch_means = np.array([s / (b.size * (n - 2)) for s, b in zip(sums, batches)])
    stderr = batch_means.std(axis=0, ddof=1) / math.sqrt(len(batches)) if len(batches) > 1 else None
    return _Betweenness(values, stderr, label, pivots, error)


def _pagerank(G: nx.Graph, ag: ArrayGraph, weight: str | None) -> tuple[np.ndarray, str]:
    """Return PageRank (damping 0.85) by igraph's PRPACK, or by NetworkX without igraph."""
    if have_igraph() and ag.m:
        values = igraph_of(ag).pagerank(damping=0.85, weights=ag.w.tolist() if weight else None)
        return np.array(values), "igraph (PRPACK)"
    ranks = nx.pagerank(G, alpha=0.85, weight=weight)
    return np.array([ranks[v] for v in ag.nodes]), "networkx"


def _cores(G: nx.Graph, ag: ArrayGraph) -> tuple[np.ndarray, str]:
    """Return the k-core number of each node, by igraph or NetworkX."""
    if have_igraph():
        return np.array(igraph_of(ag).coreness()), "igraph"
    H = G
    if nx.number_of_selfloops(G):
        H = G.copy()
        H.remove_edges_from(nx.selfloop_edges(H))
    cores = nx.core_number(H)
    return np.array([cores[v] for v in ag.nodes]), "networkx"


def _open_pairs(ag: ArrayGraph, codes: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Return, per node, the open pairs of its partners by role (n x 4), from the closed pairs."""
    n = ag.n
    k = int(codes.max(initial=-1)) + 1
    ends = np.concatenate([ag.src, ag.dst])
    other = np.concatenate([ag.dst, ag.src])
    per_group = np.bincount(ends * k + codes[other], minlength=n * k).reshape(n, k).astype(np.int64)
    degree = per_group.sum(axis=1)
    own = per_group[np.arange(n), codes] if n else np.zeros(0, dtype=np.int64)
    pairs_within = (per_group * (per_group - 1) // 2).sum(axis=1)
    coordinator = own * (own - 1) // 2
    itinerant = pairs_within - coordinator
    representative = own * (degree - own)
    outside = degree - own
    liaison = outside * (outside - 1) // 2 - itinerant
    everything = np.column_stack([coordinator, itinerant, representative, liaison])
    return everything - closed


def _bridging(ag: ArrayGraph, codes: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Return each node's share of tie weight going to other groups (nan for isolates)."""
    across = codes[ag.src] != codes[ag.dst]
    out = np.bincount(ag.src, ag.w * across, minlength=ag.n) + np.bincount(ag.dst, ag.w * across, minlength=ag.n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return out / strength


def node_measures(
    G: nx.Graph,
    *,
    weight: str | None = "weight",
    betweenness: str = "auto",
    pivots: int | None = None,
    seed: int = 42,
    groups: Sequence[str] = GROUP_ATTRIBUTES,
) -> dict[Hashable, NodeMeasures]:
    """Return the centrality, structural-hole and brokerage measures of every organisation.

    Parameters
    ----------
    G : networkx.Graph
        The co-participation graph (undirected; self-loops are ignored).
    weight : str or None
        Edge attribute for strength, PageRank, constraint, effective size and
        bridging (``weight``, Newman's collaboration weight, by default;
        ``count`` for shared initiatives; None for all ties equal).
        Betweenness and k-cores count hops and ignore weights.
    betweenness : {'auto', 'exact', 'sampled', 'networkx'}
        ``networkx``: ``nx.betweenness_centrality`` (the reference).
        ``exact``: igraph when installed, else NetworkX. ``sampled``: the
        Brandes & Pich estimator from ``pivots`` random sources. ``auto``
        takes NetworkX on small graphs, exact igraph while it takes a few
        seconds (sources x (nodes + edges) up to 3e8), and beyond that as
        many pivots as fit in the same work (at least 100).
    pivots : int, optional
        Number of sources for ``sampled`` (implies it under ``auto``).
    seed : int
        Seed of the pivot choice: the same pivots as
        ``nx.betweenness_centrality(G, k=pivots, seed=random.Random(seed))``.
    groups : sequence of str
        Node attributes whose groups brokerage and bridging are counted
        between. A list-valued attribute (``hubs``) counts by its first
        element; a missing one is the group ``""``.

    Returns
    -------
    dict of node to NodeMeasures
        In the order of ``G``'s nodes.

    Notes
    -----
    *Degree* and *strength* (the sum of tie weights; Barrat et al. [2]_).
    *Betweenness* (Freeman [3]_, Brandes' algorithm [4]_), normalised by
    (n-1)(n-2)/2, on hop counts. Sampled, it is the estimator of Brandes &
    Pich [5]_ that NetworkX implements: with probability 95% each node's
    value lies within ±sqrt(ln 40 / 2k) of the truth for k pivots
    (Hoeffding's inequality [6]_); the pivots are also split into 10
    batches whose spread gives each node's standard error
    (``betweenness_stderr``), much tighter than that bound for most nodes.
    *PageRank* (Brin & Page [7]_), damping 0.85, weighted; the random jump
    makes it defined on disconnected graphs, where eigenvector centrality is
    not (an isolated organisation gets (1 - 0.85)/n plus its share of the
    jumps). *k-core* number (Seidman [8]_). *Constraint* and *effective
    size* (Burt [1]_), with the weighted formulas of ``nx.constraint`` and
    ``nx.effective_size``: ``p_ij = w_ij / s_i``, ``c_i = sum_j (p_ij +
    sum_q p_iq p_qj)^2`` and ``esize_i = sum_j (1 - sum_q p_iq w_jq /
    max_k w_jk)``; unweighted, the effective size is Borgatti's ``n - 2t/n``
    [9]_. They are computed exactly for every node, from one pass over the
    graph's triangles (the forward algorithm [10]_) instead of one ego
    network at a time, which NetworkX does and which takes hours at 100,000
    organisations. *Brokerage* counts the open pairs of partners by the
    roles of Gould & Fernandez [11]_ for each grouping (see
    :class:`Brokerage`); *bridging* is the share of an organisation's tie
    weight that goes to groups other than its own.

    References
    ----------
    .. [1] R. S. Burt, *Structural Holes: The Social Structure of
       Competition*, Harvard University Press, 1992.
    .. [2] A. Barrat, M. Barthélemy, R. Pastor-Satorras, A. Vespignani,
       "The architecture of complex weighted networks", PNAS
       101(11):3747-3752, 2004.
    .. [3] L. C. Freeman, "A set of measures of centrality based on
       betweenness", Sociometry 40(1):35-41, 1977.
    .. [4] U. Brandes, "A faster algorithm for betweenness centrality",
       Journal of Mathematical Sociology 25(2):163-177, 2001.
    .. [5] U. Brandes, C. Pich, "Centrality estimation in large networks",
       International Journal of Bifurcation and Chaos 17(7):2303-2318, 2007.
    .. [6] W. Hoeffding, "Probability inequalities for sums of bounded
       random variables", JASA 58(301):13-30, 1963.
    .. [7] S. Brin, L. Page, "The anatomy of a large-scale hypertextual Web
       search engine", Computer Networks and ISDN Systems 30:107-117, 1998.
    .. [8] S. B. Seidman, "Network structure and minimum degree", Social
       Networks 5(3):269-287, 1983.
    .. [9] S. P. Borgatti, "Structural holes: unpacking Burt's redundancy
       measures", Connections 20(1):35-38, 1997.
    .. [10] T. Schank, D. Wagner, "Finding, counting and listing all
       triangles in large graphs, an experimental study", WEA 2005, LNCS
       3503:606-609.
    .. [11] R. V. Gould, R. M. Fernandez, "Structures of mediation: a formal
       approach to brokerage in transaction networks", Sociological
       Methodology 19:89-126, 1989.

    Examples
    --------
    A star: the centre brokers every pair of its three partners.

    >>> G = nx.star_graph(3)
    >>> nx.set_node_attributes(G, {0: "GOV", 1: "RES", 2: "RES", 3: "IND"}, "sector")
    >>> m = node_measures(G)[0]
    >>> m.degree, round(m.betweenness, 3), round(m.constraint, 3), m.effective_size
    (3, 1.0, 0.333, 3.0)
    >>> m.brokerage["sector"]
    Brokerage(coordinator=0, itinerant=1, representative=0, liaison=2)
    """
    return _node_measures(G, array_graph(G, weight), weight, betweenness, pivots, seed, groups)


def _node_measures(G: nx.Graph, ag: ArrayGraph, weight: str | None, betweenness: str, pivots: int | None,
                   seed: int, groups: Sequence[str]) -> dict[Hashable, NodeMeasures]:
    """Compute :func:`node_measures` on the arrays of ``G``."""
    n = ag.n
    if n == 0:
        return {}
    between = _betweenness(G, ag, betweenness, pivots, seed)
    pagerank, _ = _pagerank(G, ag, weight)
    cores, _ = _cores(G, ag)
    degree = ag.degree()
    strength = ag.strength()
    codes = [group_codes(G, ag.nodes, attribute)[0] for attribute in groups]
    sums = triangle_sums(ag, codes)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = ag.w + sums.indirect
        constraint = (np.bincount(ag.src, (share / strength[ag.src]) ** 2, minlength=n)
                      + np.bincount(ag.dst, (share / strength[ag.dst]) ** 2, minlength=n)).astype(float)
        effective = degree - sums.redundancy / strength
    isolated = degree == 0
    constraint[isolated] = np.nan
    effective[isolated] = np.nan
    open_pairs = [_open_pairs(ag, c, closed) for c, closed in zip(codes, sums.closed)]
    bridging = [_bridging(ag, c, strength) for c in codes]

    nodes = G.nodes
    out: dict[Hashable, NodeMeasures] = {}
    stderr = between.stderr
    for i, node in enumerate(ag.nodes):
        data = nodes[node]
        out[node] = NodeMeasures(
            node=node,
            label=str(data.get("label", node)),
            sector=str(data.get("sector") or ""),
            country=str(data.get("country") or ""),
            degree=int(degree[i]),
            strength=float(strength[i]),
            betweenness=float(between.values[i]),
            betweenness_stderr=None if stderr is None else float(stderr[i]),
            pagerank=float(pagerank[i]),
            core=int(cores[i]),
            constraint=or_none(constraint[i]),
            effective_size=or_none(effective[i]),
            triangles=int(sums.triangles[i]),
            brokerage={a: Brokerage(*(int(x) for x in p[i])) for a, p in zip(groups, open_pairs)},
            bridging={a: or_none(b[i]) for a, b in zip(groups, bridging)},
            method=between.method,
        )
    return out


# --- cross-border brokers ----------------------------------------------------------------------


@dataclass(frozen=True)
class CrossBorderBroker:
    """An organisation that ties countries together.

    Attributes
    ----------
    rank : int
        1 for the first.
    node, label, country
    foreign_ties : int
        Partners in other countries.
    foreign_strength : float
        Weight of the ties to other countries.
    foreign_share : float
        ``foreign_strength`` over all its tie weight.
    countries : tuple of (str, int)
        The other countries it has partners in, with how many, most first.
    betweenness : float
    country_brokerage : int
        Open pairs of its partners in two different countries (Gould &
        Fernandez representative + liaison by country).
    score : float
        Mean of its percentile ranks by ``foreign_strength`` and by
        ``betweenness`` among organisations with a foreign partner.
    """

    rank: int
    node: Hashable
    label: str
    country: str
    foreign_ties: int
    foreign_strength: float
    foreign_share: float
    countries: tuple[tuple[str, int], ...]
    betweenness: float
    country_brokerage: int
    score: float

    def to_row(self) -> dict[str, Any]:
        """Return the broker as one flat row (the ten countries with most partners, then how many more)."""
        return {
            "rank": self.rank, "organisation": self.node, "label": self.label, "country": self.country,
            "foreign_ties": self.foreign_ties, "foreign_strength": self.foreign_strength,
            "foreign_share": self.foreign_share, "countries_bridged": len(self.countries),
            "countries": [f"{c} {k}" for c, k in self.countries[:10]]
            + ([f"{len(self.countries) - 10} more"] if len(self.countries) > 10 else []),
            "betweenness": self.betweenness,
            "country_brokerage": self.country_brokerage, "score": self.score,
        }


def _percentile(values: np.ndarray) -> np.ndarray:
    """Return the average-rank percentile of each value, in (0, 1] (ties share their mean rank)."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    mean_rank = upper - (counts - 1) / 2
    return mean_rank[inverse] / max(1, values.size)


def cross_border_brokers(
    G: nx.Graph,
    top: int = 20,
    *,
    weight: str | None = "weight",
    measures: Mapping[Hashable, NodeMeasures] | None = None,
    seed: int = 42,
) -> list[CrossBorderBroker]:
    """Rank organisations by their weighted ties to other countries and by their betweenness.

    Parameters
    ----------
    G : networkx.Graph
    top : int
        How many to return.
    weight : str or None
    measures : mapping, optional
        The result of :func:`node_measures` on ``G``, if already computed
        (its betweenness and country brokerage are used); computed otherwise.
    seed : int
        Seed for :func:`node_measures` when it has to run.

    Returns
    -------
    list of CrossBorderBroker
        Best first: by the mean of the percentile ranks of foreign tie
        weight and betweenness (Freeman's betweenness [1]_ marks brokers on
        shortest paths; the foreign weight, a Krackhardt & Stern external
        tie count [2]_ per organisation, marks those whose work is
        international), then by foreign weight and label. Organisations
        without a country, or without a partner abroad, are left out;
        ties to organisations without a country do not count as foreign.

    References
    ----------
    .. [1] L. C. Freeman, "A set of measures of centrality based on
       betweenness", Sociometry 40(1):35-41, 1977.
    .. [2] D. Krackhardt, R. N. Stern, "Informal networks and organizational
       crises: an experimental simulation", Social Psychology Quarterly
       51(2):123-140, 1988.

    Examples
    --------
    >>> G = nx.Graph([("no1", "no2"), ("no2", "se1"), ("no2", "dk1"), ("se1", "se2")])
    >>> nx.set_node_attributes(G, {"no1": "NO", "no2": "NO", "se1": "SE", "se2": "SE", "dk1": "DK"}, "country")
    >>> first = cross_border_brokers(G, weight=None)[0]
    >>> first.node, first.foreign_ties, first.countries
    ('no2', 2, (('DK', 1), ('SE', 1)))
    """
    ag = array_graph(G, weight)
    if measures is None:
        measures = _node_measures(G, ag, weight, "auto", None, seed, ("country",))
    return _brokers(G, ag, top, measures)


def _brokers(G: nx.Graph, ag: ArrayGraph, top: int, measures: Mapping[Hashable, NodeMeasures]) -> list[CrossBorderBroker]:
    """Compute :func:`cross_border_brokers` on the arrays of ``G``."""
    codes, names = group_codes(G, ag.nodes, "country")
    known = np.array([bool(name) for name in names], dtype=bool)
    cu, cv = codes[ag.src], codes[ag.dst]
    foreign = (cu != cv) & known[cu] & known[cv]
    fs, fd, fw = ag.src[foreign], ag.dst[foreign], ag.w[foreign]
    n = ag.n
    ties = np.bincount(fs, minlength=n) + np.bincount(fd, minlength=n)
    mass = np.bincount(fs, fw, minlength=n) + np.bincount(fd, fw, minlength=n)
    strength = ag.strength()
    candidates = np.nonzero(ties > 0)[0]
    if candidates.size == 0:
        return []
    between = np.array([measures[ag.nodes[i]].betweenness for i in candidates])
    score = (_percentile(mass[candidates]) + _percentile(between)) / 2
    labels = [str(G.nodes[ag.nodes[i]].get("label", ag.nodes[i])) for i in candidates]
    order = sorted(range(candidates.size), key=lambda j: (-score[j], -mass[candidates[j]], labels[j]))[:top]
    chosen = np.zeros(n, dtype=bool)
    chosen[candidates[order]] = True
    ends = np.concatenate([fs, fd])
    others = np.concatenate([fd, fs])
    keep = chosen[ends]
    k = len(names)
    pairs, counts = np.unique(ends[keep] * k + codes[others[keep]], return_counts=True)
    partners: dict[int, dict[str, int]] = {}
    for pair, count in zip(pairs.tolist(), counts.tolist()):
        partners.setdefault(pair // k, {})[names[pair % k]] = count
    out = []
    for rank, j in enumerate(order, start=1):
        i = int(candidates[j])
        node = ag.nodes[i]
        roles = measures[node].brokerage.get("country")
        out.append(CrossBorderBroker(
            rank=rank, node=node, label=labels[j], country=names[codes[i]],
            foreign_ties=int(ties[i]), foreign_strength=float(mass[i]),
            foreign_share=float(mass[i] / strength[i]) if strength[i] else 0.0,
            countries=tuple(sorted(partners[i].items(), key=lambda x: (-x[1], x[0]))),
            betweenness=float(between[j]),
            country_brokerage=roles.between_groups if roles else 0,
            score=float(score[j]),
        ))
    return out


# --- everything --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalysisResult:
    """Everything :func:`analyse` computes.

    Attributes
    ----------
    nodes : dict
        Node to its :class:`NodeMeasures`.
    communities : dict
        Method (``leiden``, ``louvain``) to its :class:`CommunityResult`.
    mixing : dict
        Attribute (``sector``, ``country``) to its :class:`MixingResult`.
    brokers : list of CrossBorderBroker
    summary : dict
        Organisations, ties, isolates, components, density, mean degree.
    methods : dict
        Measure to how it was computed (engine, sampling and its error).
    seconds : dict
        Wall time of each step.
    parameters : dict
    """

    nodes: dict[Hashable, NodeMeasures]
    communities: dict[str, CommunityResult]
    mixing: dict[str, MixingResult]
    brokers: list[CrossBorderBroker]
    summary: dict[str, Any]
    methods: dict[str, str]
    seconds: dict[str, float]
    parameters: dict[str, Any]

    TABLES = ("nodes", "communities", "sector_mixing", "country_mixing", "brokers", "summary")

    def to_rows(self, table: str = "nodes", *, top: int | None = None) -> list[dict[str, Any]]:
        """Return one table as flat rows.

        ``nodes``: organisations by decreasing betweenness, with their
        community in each method; ``communities``: one row per community of
        at least two members, per method; ``sector_mixing`` and
        ``country_mixing``: one row per group; ``brokers``: cross-border
        brokers; ``summary``: measure / value pairs.
        """
        check_choice("table", table, self.TABLES)
        if table == "nodes":
            ranked = sorted(self.nodes.values(), key=lambda m: (-m.betweenness, -m.degree, m.label))
            rows = []
            for m in ranked[:top]:
                row = m.to_row()
                for method, result in self.communities.items():
                    row[f"{method}_community"] = result.membership.get(m.node)
                rows.append(row)
            return rows
        if table == "communities":
            return [row for result in self.communities.values() for row in result.to_rows()][:top]
        if table in ("sector_mixing", "country_mixing"):
            attribute = table.split("_")[0]
            return self.mixing[attribute].to_rows() if attribute in self.mixing else []
        if table == "brokers":
            return [b.to_row() for b in self.brokers][:top]
        return [{"measure": k, "value": v} for k, v in {**self.summary, **self.methods}.items()]

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Return every table of :meth:`to_rows` by name."""
        return {name: self.to_rows(name) for name in self.TABLES}

    def to_dict(self) -> dict[str, Any]:
        """Return the whole result as nested plain data (JSON-ready)."""
        return {
            "summary": self.summary,
            "methods": self.methods,
            "parameters": self.parameters,
            "seconds": self.seconds,
            "nodes": self.to_rows("nodes"),
            "communities": {k: v.to_dict() for k, v in self.communities.items()},
            "mixing": {k: v.to_dict() for k, v in self.mixing.items()},
            "brokers": [b.to_row() for b in self.brokers],
        }


def _summary(G: nx.Graph, ag: ArrayGraph) -> dict[str, Any]:
    """Return the size and shape of the graph (its components by igraph when installed: no walk in Python)."""
    n, m = G.number_of_nodes(), G.number_of_edges()
    if have_igraph():
        components = list(igraph_of(ag).connected_components().sizes())
    else:
        components = [len(c) for c in nx.connected_components(G)]
    return {
        "organisations": n,
        "ties": m,
        "isolates": sum(1 for _, d in G.degree() if d == 0),
        "components": len(components),
        "largest_component": max(components, default=0),
        "density": nx.density(G) if n > 1 else 0.0,
        "mean_degree": 2 * m / n if n else 0.0,
    }


def _timed(seconds: dict[str, float], name: str, call: Callable[[], Any]) -> Any:
    """Run ``call`` and record its wall time under ``name``."""
    start = time.perf_counter()
    result = call()
    seconds[name] = round(time.perf_counter() - start, 3)
    return result


def analyse(
    G: nx.Graph,
    *,
    seed: int = 42,
    weight: str | None = "weight",
    betweenness: str = "auto",
    pivots: int | None = None,
    runs: int | None = None,
    methods: Sequence[str] = ("leiden", "louvain"),
    top: int = 20,
) -> AnalysisResult:
    """Run every network measure of this module on the co-participation graph.

    Parameters
    ----------
    G : networkx.Graph
    seed : int
        Seed of the betweenness pivots and of the community runs.
    weight : str or None
    betweenness, pivots
        As in :func:`node_measures`.
    runs : int, optional
        Community runs per method. By default Leiden 10 and Louvain 5, and
        beyond a million ties Leiden 3 and Louvain 1, to keep the whole
        analysis within 20 s at 10,000 organisations and 120 s at 100,000.
        From 100,000 ties the igraph runs are done in a forked process
        while this one computes the node measures (same seeds, same result;
        in this process where processes cannot be forked or the child fails).
    methods : sequence of str
        Community methods; Leiden is skipped (and ``methods`` says so) when
        igraph is not installed.
    top : int
        Cross-border brokers to keep.

    Returns
    -------
    AnalysisResult

    See Also
    --------
    node_measures, communities, sector_mixing, cross_border_brokers
        Each measure, its parameters and its references.

    Examples
    --------
    >>> G = nx.barbell_graph(4, 1)
    >>> nx.set_node_attributes(G, "RES", "sector")
    >>> result = analyse(G, methods=("louvain",))
    >>> result.to_rows("nodes")[0]["organisation"], result.summary["ties"]
    (4, 14)
    """
    for method in methods:
        check_choice("community method", method, _COMMUNITY_METHODS)
    with gc_paused():  # a few hundred thousand result objects, no cycles
        return _analyse(G, seed, weight, betweenness, pivots, runs, methods, top)


def _analyse(G: nx.Graph, seed: int, weight: str | None, betweenness: str, pivots: int | None, runs: int | None,
             methods: Sequence[str], top: int) -> AnalysisResult:
    """Compute :func:`analyse`."""
    seconds: dict[str, float] = {}
    ag_edges = G.number_of_edges()
    runs_of = {m: runs for m in _COMMUNITY_METHODS} if runs is not None else (
        _RUNS if ag_edges <= _RUNS_EDGES else _RUNS_BIG)
    first_steps: dict[str, float] = {}
    ag = _timed(first_steps, "arrays", lambda: array_graph(G, weight))
    summary = _timed(seconds, "summary", lambda: _summary(G, ag))
    seconds.update(first_steps)
    fast = have_igraph()
    jobs = {m: [seed + r for r in range(runs_of[m])] for m in methods
            if fast and ag.m >= _PARALLEL_TIES and _uses_igraph(m, "auto", ag.m)}
    started = _start_runs(ag, jobs, weight)
    try:
        return _measure(G, ag, seed, weight, betweenness, pivots, runs_of, methods, top, seconds, summary, started)
    finally:
        if started is not None and started[0].is_alive():
            started[0].terminate()


def _start_runs(ag: ArrayGraph, jobs: Mapping[str, Sequence[int]], weight: str | None) -> tuple[Any, Any] | None:
    """Fork a process that does the igraph community runs ``jobs`` ({method: seeds}), or return None.

    igraph holds the GIL, so a thread would not help; the forked child shares
    the graph's memory, runs the same seeded code and sends back each run's
    labels and modularity, so the result is the same as in one process.
    None without jobs or where processes cannot be forked.
    """
    import multiprocessing

    if not jobs or "fork" not in multiprocessing.get_all_start_methods():
        return None
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_runs_in_child, args=(send, ag, dict(jobs), weight), daemon=True,
                              name="echos-graph-communities")
    try:
        process.start()
    except (OSError, AssertionError):  # no process left, or this is a daemonic process itself
        return None
    finally:
        send.close()
    return process, receive


def _runs_in_child(send: Any, ag: ArrayGraph, jobs: dict[str, Sequence[int]], weight: str | None) -> None:
    """Do the community runs in the forked process and send them (or the error) back."""
    try:
        send.send({m: _igraph_runs(ag, m, seeds, weight, 1.0) for m, seeds in jobs.items()})
    except BaseException as error:  # noqa: BLE001 - the parent redoes the runs and meets it there
        send.send(error)
    finally:
        send.close()


def _collect_runs(started: tuple[Any, Any] | None) -> dict[str, list[tuple[np.ndarray, float]]]:
    """Wait for the forked runs; return them, or {} when there are none or it failed (the runs are then done here)."""
    if started is None:
        return {}
    process, receive = started
    try:
        done = receive.recv()
    except (EOFError, OSError):
        done = {}
    finally:
        receive.close()
        process.join()
    return done if isinstance(done, dict) else {}


def _measure(G: nx.Graph, ag: ArrayGraph, seed: int, weight: str | None, betweenness: str, pivots: int | None,
             runs_of: Mapping[str, int], methods: Sequence[str], top: int, seconds: dict[str, float],
             summary: dict[str, Any], started: tuple[Any, Any] | None) -> AnalysisResult:
    """Compute everything of :func:`analyse` after the arrays and the summary."""
    ag_edges = G.number_of_edges()
    nodes = _timed(seconds, "node_measures",
                   lambda: _node_measures(G, ag, weight, betweenness, pivots, seed, GROUP_ATTRIBUTES))
    first = next(iter(nodes.values()), None)
    fast = have_igraph()
    notes = {
        "betweenness": first.method if first else "none",
        "pagerank": "igraph (PRPACK)" if fast and ag_edges else "networkx",
        "core": "igraph" if fast else "networkx",
        "constraint and effective size": "exact, all nodes (triangle listing, NumPy)",
        "brokerage": "Gould & Fernandez roles, undirected (representative = gatekeeper)",
    }
    found: dict[str, CommunityResult] = {}
    collected: list[dict[str, list[tuple[np.ndarray, float]]]] = []
    for method in methods:
        if method == "leiden" and not fast:
            notes["leiden"] = "skipped: needs igraph (pip install igraph)"
            continue

        def step(method: str = method) -> CommunityResult:
            if not collected:  # the wait for the forked runs counts in the first method's time
                collected.append(_collect_runs(started))
            return _communities(G, ag, method, seed, runs_of[method], weight, 1.0, "auto", collected[0].get(method))

        found[method] = _timed(seconds, f"communities_{method}", step)
        result = found[method]
        notes[method] = f"{result.engine}, {result.runs} runs from seed {seed}, best modularity kept"
    mixing = {
        attribute: _timed(seconds, f"mixing_{attribute}", partial(_mixing, G, ag, attribute))
        for attribute in ("sector", "country")
    }
    brokers = _timed(seconds, "brokers", lambda: _brokers(G, ag, top, nodes))
    for method, result in found.items():
        summary[f"{method}_modularity"] = result.modularity
        summary[f"{method}_communities"] = sum(1 for c in result.communities if len(c) > 1)
    for attribute, mix in mixing.items():
        summary[f"{attribute}_assortativity"] = mix.assortativity
        summary[f"{attribute}_ei_index"] = mix.ei_index
    return AnalysisResult(
        nodes=nodes, communities=found, mixing=mixing, brokers=brokers, summary=summary, methods=notes,
        seconds=seconds,
        parameters={"seed": seed, "weight": weight, "betweenness": betweenness, "pivots": pivots,
                    "runs": {m: runs_of[m] for m in methods}, "methods": list(methods), "top": top},
    )
