"""Synergies: pairs of organisations that do not work together yet but share partners, ranked, with the evidence.

:func:`synergies` scores every pair of organisations at distance two in the
co-participation graph (not partners, at least one partner in common) by a
link-prediction index, and returns the best ones with the shared partners
and the initiatives behind each tie, and a reason in words:

    both work with SINTEF and OUH (through ECHoS and 4.UNCAN.eu); not yet partners

Four indices: Adamic-Adar, resource allocation, Jaccard, and resource
allocation counted inside communities (Soundarajan & Hopcroft). On small
graphs the scores come from NetworkX's own functions; on large ones an exact
top-k search with SciPy sparse products finds the same pairs without
listing the billions of pairs at distance two (see :func:`synergies`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx  # type: ignore[import-untyped,unused-ignore]
import numpy as np

from ..errors import DataError
from ._fast import ArrayGraph, array_graph, have_igraph

__all__ = ["METHODS", "Partner", "Synergy", "synergies"]

#: The scoring methods of :func:`synergies`.
METHODS = ("adamic_adar", "resource_allocation", "jaccard", "community")

#: Wedges (pairs of partners of one node) up to which NetworkX's functions score every candidate.
_NX_WEDGES = 300_000
#: Nodes of highest score bound whose pairs give the first threshold of the top-k search.
_SEED_NODES = 2_000
#: Cells of one sparse block product in the top-k search.
_BLOCK_CELLS = 5_000_000
#: Candidate pairs scored per chunk.
_PAIR_CHUNK = 1_000_000
#: Jaccard counts the common partners of every pair at distance two by sparse products while
#: the work, the sum of squared degrees, is at most this; beyond, prefix filtering.
_JACCARD_PRODUCT_WORK = 1e10


@dataclass(frozen=True)
class Partner:
    """A partner two organisations share, and the initiatives through which each works with it."""

    node: Hashable
    label: str
    initiatives_a: tuple[str, ...]
    initiatives_b: tuple[str, ...]


@dataclass(frozen=True)
class Synergy:
    """Two organisations that are not partners yet, and why they should meet.

    Attributes
    ----------
    rank : int
    a, b : hashable
        The two organisation IRIs.
    label_a, label_b : str
    score : float
    method : str
    shared_partners : int
        How many partners they have in common.
    partners : tuple of Partner
        The evidence: the shared partners, most specific (fewest partners of
        their own) first, at most ``evidence`` of them; for ``community``,
        the ones inside their community first.
    reason : str
        The evidence in one line.
    """

    rank: int
    a: Hashable
    b: Hashable
    label_a: str
    label_b: str
    score: float
    method: str
    shared_partners: int
    partners: tuple[Partner, ...]
    reason: str

    @property
    def initiatives(self) -> tuple[str, ...]:
        """Return the initiatives behind the evidence, sorted."""
        return tuple(sorted({i for p in self.partners for i in (*p.initiatives_a, *p.initiatives_b)}))

    def to_row(self) -> dict[str, Any]:
        """Return the synergy as one flat row."""
        return {
            "rank": self.rank, "a": self.a, "label_a": self.label_a, "b": self.b, "label_b": self.label_b,
            "score": self.score, "method": self.method, "shared_partners": self.shared_partners,
            "partners": [p.label for p in self.partners], "initiatives": list(self.initiatives),
            "reason": self.reason,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return the synergy as nested plain data."""
        row = self.to_row()
        row["partners"] = [{"organisation": p.node, "label": p.label, "initiatives_a": list(p.initiatives_a),
                            "initiatives_b": list(p.initiatives_b)} for p in self.partners]
        return row


# --- scoring ------------------------------------------------------------------------------------


def _membership(G: nx.Graph, communities: Any, seed: int) -> dict[Hashable, int]:
    """Return node -> community from a CommunityResult, a mapping or a list of node sets; compute one if None."""
    if communities is None:
        from .community import communities as find

        method = "leiden" if have_igraph() else "louvain"
        communities = find(G, method=method, seed=seed, runs=1)
    membership = getattr(communities, "membership", communities)
    if isinstance(membership, Mapping):
        return dict(membership)
    out: dict[Hashable, int] = {}
    for c, members in enumerate(membership):
        for node in members:
            out[node] = c
    return out


def _wedges(degree: np.ndarray) -> int:
    """Return the number of pairs of partners over all nodes."""
    d = degree.astype(np.int64)
    return int((d * (d - 1) // 2).sum())


def _nx_scores(G: nx.Graph, method: str, membership: Mapping[Hashable, int]) -> list[tuple[Hashable, Hashable, float]]:
    """Score every pair at distance two with NetworkX's link-prediction functions."""
    order = {v: i for i, v in enumerate(G)}
    pairs: set[tuple[Hashable, Hashable]] = set()
    for z in G:
        nbrs = sorted(G[z], key=order.__getitem__)
        for i, x in enumerate(nbrs):
            for y in nbrs[i + 1:]:
                if x != z and y != z and not G.has_edge(x, y):
                    pairs.add((x, y))
    ebunch = sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))
    if method == "adamic_adar":
        scored = nx.adamic_adar_index(G, ebunch)
    elif method == "resource_allocation":
        scored = nx.resource_allocation_index(G, ebunch)
    elif method == "jaccard":
        scored = nx.jaccard_coefficient(G, ebunch)
    else:
        H = nx.Graph(G.edges())
        H.add_nodes_from(G)
        nx.set_node_attributes(H, {v: membership.get(v, -1 - order[v]) for v in G}, "community")
        scored = nx.ra_index_soundarajan_hopcroft(H, ebunch, community="community")
    return [(x, y, float(s)) for x, y, s in scored if s > 0]


def _sparse(ag: ArrayGraph, keep: np.ndarray | None = None) -> Any:
    """Return the 0/1 adjacency as a SciPy CSR matrix, only the edges in ``keep`` if given."""
    from scipy import sparse  # type: ignore[import-untyped,unused-ignore]

    src, dst = (ag.src, ag.dst) if keep is None else (ag.src[keep], ag.dst[keep])
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    return sparse.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(ag.n, ag.n))


class _Best:
    """The k best (score, i, j) seen so far, i < j; ties broken by i then j."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.score = np.zeros(0)
        self.i = np.zeros(0, dtype=np.int64)
        self.j = np.zeros(0, dtype=np.int64)

    @property
    def threshold(self) -> float:
        """Return the k-th best score, or 0 while fewer than k are known."""
        return float(self.score[-1]) if self.score.size >= self.k else 0.0

    def add(self, score: np.ndarray, i: np.ndarray, j: np.ndarray) -> None:
        """Merge new pairs (unique pairs only) and keep the k best."""
        score = np.concatenate([self.score, score])
        i = np.concatenate([self.i, i])
        j = np.concatenate([self.j, j])
        _, first = np.unique(i * (int(max(i.max(initial=0), j.max(initial=0))) + 1) + j, return_index=True)
        score, i, j = score[first], i[first], j[first]
        order = np.lexsort((j, i, -np.round(score, 12)))[: self.k]
        self.score, self.i, self.j = score[order], i[order], j[order]


def _edge_keys(ag: ArrayGraph) -> np.ndarray:
    """Return the sorted keys min*n+max of the edges, to test pairs for a tie."""
    lo = np.minimum(ag.src, ag.dst)
    hi = np.maximum(ag.src, ag.dst)
    return np.sort(lo * ag.n + hi)


def _unlinked(keys: np.ndarray, n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Return which pairs (i < j) are not edges."""
    want = i * n + j
    pos = np.searchsorted(keys, want)
    pos[pos >= keys.size] = 0
    return keys[pos] != want if keys.size else np.ones(i.size, dtype=bool)


def _sum_top(A: Any, contribution: np.ndarray, keys: np.ndarray, k: int) -> _Best:
    """Return the exact k best pairs by sum over common neighbours z of ``contribution[z]``.

    A pair's score is at most the smaller of its two nodes' bounds
    ``S_x = sum over x's neighbours of contribution``, so once k pairs
    scoring at least t are known only nodes with ``S_x >= t`` can be in a
    better pair; their pairs are scored exactly, block by block, with sparse
    products ``A[X] diag(c) A[Y]^T``, and t rises as better pairs turn up.
    """
    from scipy import sparse  # type: ignore[import-untyped,unused-ignore]

    n = A.shape[0]
    best = _Best(k)
    bound = A @ contribution
    weighted = A @ sparse.diags(contribution)

    def score_block(left: Any, rows: np.ndarray, right: Any, cols: np.ndarray | None = None) -> None:
        product = (left @ right).tocoo()
        cols = rows if cols is None else cols
        i, j, s = rows[product.row], cols[product.col], product.data
        keep = (i < j) & (s >= best.threshold) & (s > 0)
        i, j, s = i[keep], j[keep], s[keep]
        keep = _unlinked(keys, n, i, j)
        best.add(s[keep], i[keep], j[keep])

    ranked = np.argsort(-bound, kind="stable")
    first = np.sort(ranked[: min(n, _SEED_NODES)])
    score_block(weighted[first], first, A[first].T.tocsr())
    candidates = np.nonzero((bound >= best.threshold) & (bound > 0))[0]
    right = A[candidates].T.tocsr()
    step = max(1, _BLOCK_CELLS // max(1, candidates.size))
    for at in range(0, candidates.size, step):
        rows = candidates[at:at + step]
        rows = rows[bound[rows] >= best.threshold]
        if rows.size:
            score_block(weighted[rows], rows, right, candidates)
    return best


def _pairs_in_groups(starts: np.ndarray, sizes: np.ndarray) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """Yield, in chunks, the positions of every pair within each group (group g is positions starts[g] + range(sizes[g]))."""
    for size in np.unique(sizes):
        if size < 2:
            continue
        first, second = np.triu_indices(int(size), 1)
        heads = starts[sizes == size]
        step = max(1, _PAIR_CHUNK // first.size)
        for at in range(0, heads.size, step):
            base = heads[at:at + step]
            yield (base[:, None] + first).ravel(), (base[:, None] + second).ravel()


def _jaccard_by_products(A: Any, keys: np.ndarray, k: int) -> _Best:
    """Return the exact k best pairs by Jaccard coefficient from the common-partner counts ``A A^T``, by row blocks."""
    n = A.shape[0]
    degree = np.asarray(A.sum(axis=1)).ravel()
    reach = A @ degree  # per row: the work (and most cells) of its row of A A^T
    best = _Best(k)
    AT = A.T.tocsr()
    at = 0
    while at < n:
        end = int(np.searchsorted(np.cumsum(reach[at:]), _BLOCK_CELLS)) + at + 1
        rows = np.arange(at, min(end, n))
        at = rows[-1] + 1
        product = (A[rows] @ AT).tocoo()
        i, j, common = rows[product.row], product.col.astype(np.int64), product.data
        keep = i < j
        i, j, common = i[keep], j[keep], common[keep]
        s = common / (degree[i] + degree[j] - common)
        keep = s >= best.threshold
        i, j, s = i[keep], j[keep], s[keep]
        keep = _unlinked(keys, n, i, j)
        best.add(s[keep], i[keep], j[keep])
    return best


def _jaccard_top(ag: ArrayGraph, A: Any, keys: np.ndarray, k: int) -> _Best:
    """Return the exact k best pairs by Jaccard coefficient, by prefix filtering.

    With threshold t, two neighbourhoods of Jaccard at least t share an
    element among the first ``d - ceil(t d) + 1`` of each, in one global
    order (rarest partners first) [Chaudhuri et al. 2006; Bayardo et al.
    2007]. A first t comes from the pairs through the least connected
    partners; then the pairs sharing a prefix element that pass the length
    and positional filters (Xiao et al. 2008, ppjoin) are scored exactly,
    t rising as better pairs are found.
    """
    n = ag.n
    degree = np.asarray(A.sum(axis=1)).ravel().astype(np.int64)
    token_rank = np.empty(n, dtype=np.int64)
    token_rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    indptr, indices = A.indptr, A.indices.astype(np.int64)
    owner = np.repeat(np.arange(n), np.diff(indptr))
    by_rank = np.lexsort((token_rank[indices], owner))
    tokens = indices[by_rank]
    position = np.arange(tokens.size) - indptr[owner]
    best = _Best(k)

    def score(i: np.ndarray, j: np.ndarray) -> None:
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        key = np.unique(lo * n + hi)
        lo, hi = key // n, key % n
        small, large = np.minimum(degree[lo], degree[hi]), np.maximum(degree[lo], degree[hi])
        keep = (lo != hi) & (small >= best.threshold * large)
        lo, hi = lo[keep], hi[keep]
        keep = _unlinked(keys, n, lo, hi)
        lo, hi = lo[keep], hi[keep]
        for at in range(0, lo.size, _PAIR_CHUNK):
            a, b = lo[at:at + _PAIR_CHUNK], hi[at:at + _PAIR_CHUNK]
            common = np.asarray(A[a].multiply(A[b]).sum(axis=1)).ravel()
            s = common / (degree[a] + degree[b] - common)
            keep = s > 0
            best.add(s[keep], a[keep], b[keep])

    # A first threshold: pairs through the least connected partners, up to a budget of pairs.
    order = np.argsort(degree, kind="stable")
    wedges = np.cumsum(degree[order] * (degree[order] - 1) // 2)
    middles = np.sort(order[: max(1, int(np.searchsorted(wedges, _PAIR_CHUNK)))])
    middles = middles[degree[middles] >= 2]
    if middles.size:
        starts = indptr[middles]
        for i, j in _pairs_in_groups(starts, np.diff(indptr)[middles]):
            score(indices[i], indices[j])
    t = best.threshold * (1 - 1e-9)  # pairs exactly at the threshold stay in (rounding)
    length = degree - np.ceil(t * degree - 1e-12).astype(np.int64) + 1 if t > 0 else degree
    in_prefix = position < length[owner]
    entries_token, entries_owner, entries_position = tokens[in_prefix], owner[in_prefix], position[in_prefix]
    group = np.lexsort((entries_owner, entries_token))
    entries_token, entries_owner, entries_position = entries_token[group], entries_owner[group], entries_position[group]
    cut = np.flatnonzero(np.diff(entries_token)) + 1
    starts = np.concatenate([[0], cut]) if entries_token.size else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.concatenate([starts, [entries_token.size]])) if entries_token.size else starts
    for i, j in _pairs_in_groups(starts, sizes):
        x, y = entries_owner[i], entries_owner[j]
        px, py = entries_position[i], entries_position[j]
        dx, dy = degree[x], degree[y]
        # Positional filter (Xiao et al. 2008): shared partners before this one are at most
        # min(px, py), after it at most min(dx - px - 1, dy - py - 1); Jaccard >= t needs an
        # overlap of at least t / (1 + t) * (dx + dy).
        t = best.threshold * (1 - 1e-9)
        most = np.minimum(px, py) + 1 + np.minimum(dx - px - 1, dy - py - 1)
        keep = most >= t / (1 + t) * (dx + dy)
        score(x[keep], y[keep])
    return best


# --- evidence ----------------------------------------------------------------------------------


def _local_name(iri: str) -> str:
    """Return the last segment of an IRI."""
    return str(iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _listing(names: list[str], more: int = 0) -> str:
    """Return 'A', 'A and B', 'A, B and C' or 'A, B and 3 more'."""
    if more:
        return f"{', '.join(names)} and {more} more"
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _evidence(G: nx.Graph, a: Hashable, b: Hashable, method: str, membership: Mapping[Hashable, int],
              labels: Mapping[str, str], limit: int) -> tuple[int, tuple[Partner, ...], str]:
    """Return the shared partners of a and b, the best ``limit`` as Partner records, and the reason."""
    common = set(G[a]) & set(G[b])
    common.discard(a)
    common.discard(b)

    def label(node: Hashable) -> str:
        return str(G.nodes[node].get("label", node))

    def inside(z: Hashable) -> bool:
        return method != "community" or membership.get(z) == membership.get(a)

    ordered = sorted(common, key=lambda z: (not inside(z), G.degree(z), label(z)))

    def names(u: Hashable, z: Hashable) -> tuple[str, ...]:
        return tuple(labels.get(i, _local_name(i)) for i in G.edges[u, z].get("initiatives", ()))

    partners = tuple(Partner(z, label(z), names(a, z), names(b, z)) for z in ordered[:limit])
    shown = partners[:3]
    initiatives = sorted({i for p in shown for i in (*p.initiatives_a, *p.initiatives_b)})
    text = f"both work with {_listing([p.label for p in shown], len(common) - len(shown))}"
    if initiatives:
        text += f" (through {_listing(initiatives[:3], len(initiatives) - 3 if len(initiatives) > 3 else 0)})"
    if method == "community":
        text += "; same community"
    return len(common), partners, text + "; not yet partners"


def synergies(
    G: nx.Graph,
    *,
    method: str = "adamic_adar",
    top: int = 50,
    seed: int = 42,
    communities: Any = None,
    evidence: int = 5,
    initiative_labels: Mapping[str, str] | None = None,
    engine: str = "auto",
) -> list[Synergy]:
    """Return the pairs of organisations that are not partners yet but most likely should be, with the evidence.

    Parameters
    ----------
    G : networkx.Graph
        The co-participation graph; edges may carry ``initiatives``.
    method : {'adamic_adar', 'resource_allocation', 'jaccard', 'community'}
        ``adamic_adar``: the sum over shared partners z of 1 / ln(deg z)
        (Adamic & Adar [1]_); ``resource_allocation``: the sum of 1 / deg z
        (Zhou, Lü & Zhang [2]_); ``jaccard``: shared partners over all their
        partners (Liben-Nowell & Kleinberg [3]_); ``community``: resource
        allocation over the shared partners in the pair's own community,
        zero for pairs in two communities (Soundarajan & Hopcroft [4]_,
        ``nx.ra_index_soundarajan_hopcroft``). A partner shared with few
        others is better evidence than a hub everyone works with.
    top : int
        How many pairs to return.
    seed : int
        Seed of the community detection when ``communities`` is not given.
    communities : CommunityResult, mapping or iterable of node sets, optional
        For ``community``: a result of
        :func:`~echos_graph.analysis.network.communities`, a node-to-community
        mapping, or the communities; if None, one Leiden run (Louvain without
        igraph) with ``seed``.
    evidence : int
        Shared partners kept as evidence per pair.
    initiative_labels : mapping, optional
        Initiative IRI to its short name, for the evidence; by default
        ``G.graph["initiative_labels"]`` if present, else the IRI's last
        segment.
    engine : {'auto', 'networkx', 'fast'}
        ``networkx`` scores every pair at distance two with NetworkX's
        functions (the reference); ``fast`` runs the exact top-k search;
        ``auto`` picks NetworkX while the graph has at most 300,000 pairs
        of partners around its nodes. (``fast-prefix`` forces prefix
        filtering for Jaccard, for tests.)

    Returns
    -------
    list of Synergy
        Best first; equal scores by the order of the nodes in ``G``. Only
        pairs that are not linked, share at least one partner and score
        above zero.

    Notes
    -----
    The number of pairs at distance two grows with the square of the
    largest degrees (about 3 billion in a graph of 100,000 organisations),
    so the ``fast`` engine never lists them all. For the sums (Adamic-Adar,
    resource allocation, community) a pair scores at most the smaller of its
    two nodes' sums of contributions; once ``top`` pairs above a threshold
    are known, only nodes whose sum reaches it are scored, exactly, in
    blocks of sparse matrix products, the threshold rising as it goes. The
    community index is resource allocation on the ties inside communities.
    For Jaccard the common partners of all pairs are counted by blocks of
    ``A A^T`` while the sum of squared degrees is at most 1e10 (3 s at
    10,000 organisations, about 2 minutes at 100,000, where the sum is
    5.8e9); beyond, prefix filtering (Chaudhuri et al. [5]_, Bayardo et
    al. [6]_) finds every pair above the threshold. All are exact: the
    tests check them against NetworkX. Jaccard is the slow one on large
    graphs; Adamic-Adar and resource allocation take seconds.

    References
    ----------
    .. [1] L. A. Adamic, E. Adar, "Friends and neighbors on the Web", Social
       Networks 25(3):211-230, 2003.
    .. [2] T. Zhou, L. Lü, Y.-C. Zhang, "Predicting missing links via local
       information", European Physical Journal B 71:623-630, 2009.
    .. [3] D. Liben-Nowell, J. Kleinberg, "The link-prediction problem for
       social networks", JASIST 58(7):1019-1031, 2007.
    .. [4] S. Soundarajan, J. Hopcroft, "Using community information to
       improve the precision of link prediction methods", WWW 2012
       Companion, 607-608. doi:10.1145/2187980.2188150
    .. [5] S. Chaudhuri, V. Ganti, R. Kaushik, "A primitive operator for
       similarity joins in data cleaning", ICDE 2006.
    .. [6] R. J. Bayardo, Y. Ma, R. Srikant, "Scaling up all pairs
       similarity search", WWW 2007, 131-140.

    Examples
    --------
    a and b both work with c (3 partners) and d (2 partners): 1/ln 3 + 1/ln 2.

    >>> G = nx.Graph([("a", "f"), ("b", "g")])
    >>> G.add_edge("a", "c", initiatives=["x/ECHoS"])
    >>> G.add_edge("b", "c", initiatives=["x/UNCAN"])
    >>> G.add_edge("c", "e", initiatives=["x/UNCAN"])
    >>> G.add_edge("a", "d", initiatives=["x/ECHoS"])
    >>> G.add_edge("b", "d", initiatives=["x/ECHoS"])
    >>> best = synergies(G)[0]
    >>> (best.a, best.b), round(best.score, 4)
    (('a', 'b'), 2.3529)
    >>> best.reason
    'both work with d and c (through ECHoS and UNCAN); not yet partners'
    """
    if method not in METHODS:
        raise DataError(f"unknown synergy method {method!r}; use one of {', '.join(METHODS)}")
    if engine not in ("auto", "networkx", "fast", "fast-prefix"):
        raise DataError(f"unknown engine {engine!r}; use auto, networkx or fast")
    if top < 1:
        return []
    labels = dict(initiative_labels if initiative_labels is not None else G.graph.get("initiative_labels", {}))
    membership = _membership(G, communities, seed) if method == "community" else {}
    ag = array_graph(G, None)
    degree = ag.degree()
    if engine == "auto":
        engine = "networkx" if _wedges(degree) <= _NX_WEDGES else "fast"
    position = {v: i for i, v in enumerate(ag.nodes)}
    if engine == "networkx":
        scored = _nx_scores(G, method, membership)
        scored = [(x, y, s) if position[x] < position[y] else (y, x, s) for x, y, s in scored]
        scored.sort(key=lambda t: (-round(t[2], 12), position[t[0]], position[t[1]]))
        chosen = scored[:top]
    else:
        keys = _edge_keys(ag)
        if method == "jaccard":
            by_products = float((degree.astype(float) ** 2).sum()) <= _JACCARD_PRODUCT_WORK
            if engine == "fast-prefix":
                by_products = False
            A = _sparse(ag)
            best = _jaccard_by_products(A, keys, top) if by_products else _jaccard_top(ag, A, keys, top)
        else:
            with np.errstate(divide="ignore"):
                if method == "adamic_adar":
                    contribution = np.where(degree > 1, 1.0 / np.log(np.maximum(degree, 2)), 0.0)
                else:
                    contribution = np.where(degree > 0, 1.0 / np.maximum(degree, 1), 0.0)
            if method == "community":
                ids: dict[Any, int] = {}
                code = np.fromiter((ids.setdefault(membership.get(v, ("alone", i)), len(ids))
                                    for i, v in enumerate(ag.nodes)), dtype=np.int64, count=ag.n)
                A = _sparse(ag, code[ag.src] == code[ag.dst])
            else:
                A = _sparse(ag)
            best = _sum_top(A, contribution, keys, top)
        chosen = [(ag.nodes[i], ag.nodes[j], float(s)) for s, i, j in zip(best.score, best.i.tolist(), best.j.tolist())]
    out = []
    for rank, (a, b, score) in enumerate(chosen, start=1):
        shared, partners, reason = _evidence(G, a, b, method, membership, labels, evidence)
        out.append(Synergy(rank, a, b, str(G.nodes[a].get("label", a)), str(G.nodes[b].get("label", b)),
                           score, method, shared, partners, reason))
    return out
