"""Network measures of every organisation, kept per store generation, and a cheap summary of the network.

:func:`~echos_graph.analysis.network.analyse` takes seconds at 10,000
organisations and minutes at 100,000: too long for a web request. Its
per-organisation results (centralities, k-core, Burt's measures, community,
Gould & Fernandez broker role) are therefore kept as a
:class:`MeasureTable` in the analysis cache of the store's current
generation (see :mod:`~echos_graph.analysis.cache`):

- ``echos-graph analyse`` keeps the table of its run (:func:`keep_measures`);
- :func:`network_measures` returns the kept table, or computes and keeps it
  when the network is small enough to do so at once (``max_ties``), or
  returns None: the pages then say the measures are not computed yet.

:func:`network_summary` describes the network (organisations, initiatives,
participations, isolates, components) from the participation lists alone,
with no graph built, and adds the kept measures' summary when there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..resources import queries_dir
from .cache import cache_file, read_cached, write_cached
from .gaps import member_components
from .projection import _LOADER_QUERIES, Network, co_participation_graph

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from ..store import GraphStore
    from .network import AnalysisResult

__all__ = [
    "BROKER_ROLES",
    "MAX_TIES",
    "MeasureTable",
    "broker_role",
    "keep_measures",
    "kept_measures",
    "measure_table",
    "network_measures",
    "network_summary",
]

#: Largest network (in co-participation ties, bounded from above by the
#: initiatives' sizes) whose measures :func:`network_measures` computes at once.
MAX_TIES = 50_000

#: Gould & Fernandez's roles, as the pages name them.
BROKER_ROLES: dict[str, str] = {
    "coordinator": "coordinator: links partners of its own sector",
    "itinerant": "itinerant: links two partners of another sector",
    "representative": "gatekeeper / representative: links its own sector with another",
    "liaison": "liaison: links partners of two other sectors",
}

_KEPT = ("degree", "strength", "betweenness", "pagerank", "core", "constraint", "effective_size")


def broker_role(brokerage: Mapping[str, int]) -> str:
    """Return the Gould & Fernandez role an organisation plays most, or ``""`` if it brokers no pair.

    Parameters
    ----------
    brokerage : mapping of str to int
        Open pairs of partners per role: ``coordinator``, ``itinerant``,
        ``representative`` and ``liaison``.

    Examples
    --------
    >>> broker_role({"coordinator": 1, "itinerant": 0, "representative": 4, "liaison": 2})
    'representative'
    >>> broker_role({"coordinator": 0, "itinerant": 0, "representative": 0, "liaison": 0})
    ''
    """
    best = max(BROKER_ROLES, key=lambda role: (brokerage.get(role, 0), -list(BROKER_ROLES).index(role)))
    return best if brokerage.get(best, 0) > 0 else ""


@dataclass(frozen=True)
class MeasureTable:
    """Per-organisation measures of one analysis run, as plain data.

    Attributes
    ----------
    nodes : dict of str to dict
        Organisation IRI to ``degree``, ``strength``, ``betweenness``,
        ``pagerank``, ``core``, ``constraint``, ``effective_size``,
        ``betweenness_rank`` (1 = highest), ``community`` and
        ``community_size`` (of the first community method),
        ``brokerage`` (open pairs per Gould & Fernandez role, between
        sectors) and ``broker_role``.
    organisations : int
        Organisations ranked.
    community_method : str
        The community method whose partition is kept (``leiden`` or ``louvain``).
    methods : dict of str to str
        How each measure was computed.
    summary : dict
        The run's network summary (ties, density, modularity ...).
    parameters : dict
    """

    nodes: dict[str, dict[str, Any]]
    organisations: int
    community_method: str
    methods: dict[str, str]
    summary: dict[str, Any]
    parameters: dict[str, Any]

    def of(self, iri: str) -> dict[str, Any] | None:
        """Return the measures of one organisation, or None if it was not ranked."""
        return self.nodes.get(iri)

    def to_plain(self) -> tuple:
        """Return the table as marshal-able plain data."""
        return (self.nodes, self.organisations, self.community_method, self.methods, self.summary, self.parameters)


def _plain(value: Any) -> Any:
    """Turn numpy scalars and other numbers into Python ones; keep plain values."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def measure_table(result: AnalysisResult) -> MeasureTable:
    """Turn an :class:`~echos_graph.analysis.network.AnalysisResult` into a :class:`MeasureTable`.

    Examples
    --------
    >>> import networkx as nx
    >>> from echos_graph.analysis.network import analyse
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> nx.set_node_attributes(G, {"a": "GOV", "b": "RES", "c": "IND"}, "sector")
    >>> table = measure_table(analyse(G, methods=("louvain",)))
    >>> table.of("b")["betweenness_rank"], table.of("b")["broker_role"]
    (1, 'liaison')
    """
    method = next(iter(result.communities), "")
    membership = result.communities[method].membership if method else {}
    sizes: dict[Any, int] = {}
    for label in membership.values():
        sizes[label] = sizes.get(label, 0) + 1
    ranked = sorted(result.nodes.values(), key=lambda m: (-m.betweenness, -m.degree, str(m.node)))
    rank = {m.node: i for i, m in enumerate(ranked, start=1)}
    nodes: dict[str, dict[str, Any]] = {}
    for node, found in result.nodes.items():
        row: dict[str, Any] = {name: _plain(getattr(found, name)) for name in _KEPT}
        roles = found.brokerage.get("sector")
        pairs = ({"coordinator": roles.coordinator, "itinerant": roles.itinerant,
                  "representative": roles.representative, "liaison": roles.liaison} if roles else {})
        community = membership.get(node)
        row.update(betweenness_rank=rank[node], community=_plain(community),
                   community_size=sizes.get(community, 0) if community is not None else 0,
                   brokerage={k: int(v) for k, v in pairs.items()}, broker_role=broker_role(pairs))
        nodes[str(node)] = row
    return MeasureTable(nodes, len(nodes), method, _plain(result.methods), _plain(result.summary),
                        _plain(result.parameters))


def _cache_path(store: GraphStore) -> Path | None:
    """Return the cache file of the measures of the store's current generation."""
    return cache_file(store, "measures", [queries_dir() / f"{name}.rq" for name in _LOADER_QUERIES])


def keep_measures(store: GraphStore, result: AnalysisResult | MeasureTable) -> MeasureTable:
    """Keep the measures of an analysis run for the store's current generation, and return them as a table.

    Nothing is written for a store without generations (in memory, remote).
    """
    table = result if isinstance(result, MeasureTable) else measure_table(result)
    path = _cache_path(store)
    if path is not None:
        write_cached(path, table.to_plain())
    return table


def kept_measures(store: GraphStore) -> MeasureTable | None:
    """Return the measures kept for the store's current generation, or None."""
    path = _cache_path(store)
    data = read_cached(path) if path is not None else None
    try:
        return MeasureTable(*data) if data is not None else None
    except TypeError:
        return None


def _tie_bound(net: Network) -> int:
    """Return an upper bound of the co-participation ties: the pairs within each initiative, summed."""
    return sum(n * (n - 1) // 2 for n in net.sizes.values())


def network_measures(store: GraphStore, net: Network, *, max_ties: int = MAX_TIES) -> MeasureTable | None:
    """Return every organisation's measures: kept ones, or computed now if the network is small.

    Parameters
    ----------
    store : GraphStore
        Where the measures are kept (per generation).
    net : Network
        The store's network.
    max_ties : int
        Compute (and keep) the measures at once only when the network has at
        most this many ties (bounded by the initiatives' sizes); beyond, run
        ``echos-graph analyse``.

    Returns
    -------
    MeasureTable or None
        None when nothing is kept and the network is too large.
    """
    kept = kept_measures(store)
    if kept is not None:
        return kept
    if _tie_bound(net) > max_ties:
        return None
    from .network import analyse

    return keep_measures(store, analyse(co_participation_graph(net), methods=("louvain",), runs=3))


def network_summary(net: Network, table: MeasureTable | None = None) -> dict[str, Any]:
    """Describe the network from its participation lists, with the kept measures' summary if given.

    Returns
    -------
    dict
        ``organisations``, ``initiatives``, ``participations``, ``hubs``,
        ``countries``, ``isolates`` (organisations sharing no initiative),
        ``components`` and ``largest_component`` of the co-participation
        graph; and, with a table, ``ties``, ``density``, ``mean_degree``,
        the modularity and the other figures of the run under ``measures``.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Organisation
    >>> net = Network({o: Organisation(o) for o in "abc"}, {"p": {"a": "", "b": ""}})
    >>> s = network_summary(net)
    >>> s["organisations"], s["isolates"], s["components"], s["largest_component"]
    (3, 1, 2, 2)
    """
    components = member_components(net, net.organisations)
    summary: dict[str, Any] = {
        "organisations": len(net.organisations),
        "initiatives": len(net.participations),
        "participations": sum(net.sizes.values()),
        "hubs": len(net.hubs),
        "countries": len(net.by_country),
        "isolates": sum(1 for c in components if len(c) == 1),
        "components": len(components),
        "largest_component": len(components[0]) if components else 0,
        "measures": None,
    }
    if table is not None:
        summary["measures"] = {"summary": table.summary, "methods": table.methods, "parameters": table.parameters,
                               "community_method": table.community_method}
    return summary
