"""What the network explorer draws: a projection with positions, communities and centralities, and its filters.

The explorer at ``/network`` shows one of two views of the
:class:`~echos_graph.analysis.projection.Network`:

- ``co-participation``: organisations linked by the initiatives they share
  (:func:`~echos_graph.analysis.projection.co_participation_graph`, tie
  ``weight`` = Newman's collaboration weight, ``count`` = shared initiatives);
- ``organisation-initiative``: the two-mode graph of organisations and the
  initiatives they take part in (every tie weighs 1).

:func:`explorer_data` turns a view into plain data (the JSON the page
loads): nodes with a precomputed layout (:func:`~echos_graph.analysis.layout.layout`),
sector, country, hubs, initiatives, community and four centralities; ties
as columns of node indexes. :func:`explorer_json` keeps it per store
generation, like the Network itself (:mod:`~echos_graph.analysis.cache`),
so the page never waits for a layout twice. :class:`ExplorerFilter` and
:func:`filter_data` define what a filter keeps; the page's script applies
the same rules in the browser, and the exports (:func:`echos_graph.export.export_network`)
apply them on the server, so an export holds what the page shows.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np

from ..errors import DataError
from ..namespaces import PREFIXES
from ..resources import queries_dir
from .cache import cache_file, filling, read_cached, write_cached
from .projection import _LOADER_QUERIES, Network, load_network

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from ..store import GraphStore

__all__ = [
    "COLOR_ATTRIBUTES",
    "MEASURES",
    "NONE",
    "VIEWS",
    "ExplorerFilter",
    "explorer_data",
    "explorer_graph",
    "explorer_json",
    "filter_data",
    "node_size",
]

#: The views of the explorer and their titles.
VIEWS: dict[str, str] = {
    "co-participation": "Organisations by shared initiatives",
    "organisation-initiative": "Organisations and initiatives",
}
#: The centralities a node can be sized by.
MEASURES = ("degree", "strength", "betweenness", "pagerank")
#: The attributes a node can be coloured by.
COLOR_ATTRIBUTES = ("sector", "country", "community")
#: The filter and legend value of a missing sector or country.
NONE = "none"

#: Twelve colours told apart by most readers, colour-blind ones too (Tableau 10, then two of Okabe & Ito's).
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#17becf", "#0072b2", "#d55e00")
#: The colour of everything past the palette ("other").
OTHER_COLOR = "#9aa3b5"
#: The colour of initiatives in the two-mode view.
INITIATIVE_COLOR = "#3d4452"
#: Node sizes run from SIZE_MIN to SIZE_MIN + SIZE_RANGE by the square root of the measure.
SIZE_MIN, SIZE_RANGE = 2.0, 13.0
#: Betweenness work (sources x (nodes + edges)) the explorer allows before it samples pivots (about a second).
_BETWEENNESS_WORK = 1e8
#: Seeded community runs, the best partition by modularity kept (one run beyond _MANY_EDGES ties).
_COMMUNITY_RUNS = 3
_MANY_EDGES = 100_000
#: Version of the data layout: part of the cache key.
_FORMAT = 1


def _round(value: float, digits: int = 6) -> float:
    """Round to ``digits`` significant digits (smaller JSON, same picture)."""
    return float(f"{value:.{digits}g}") if value and math.isfinite(value) else 0.0


def _graph_of(net: Network, view: str) -> nx.Graph:
    """Return the NetworkX graph of a view, every tie with a ``weight`` and a ``count``."""
    from .projection import co_participation_graph, organisation_initiative_graph

    if view not in VIEWS:
        raise DataError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    if view == "co-participation":
        return co_participation_graph(net)
    G = organisation_initiative_graph(net)
    for _, _, data in G.edges(data=True):
        data["weight"] = 1.0
        data["count"] = 1
    return G


def explorer_data(net: Network, view: str = "co-participation", *, seed: int = 42) -> dict[str, Any]:
    """Return a view of the network as the plain data the explorer draws.

    Parameters
    ----------
    net : Network
    view : {'co-participation', 'organisation-initiative'}
    seed : int
        Seed of the layout, the community runs and the betweenness pivots.

    Returns
    -------
    dict
        JSON-ready:

        - ``view``, ``title``, ``counts`` (organisations, initiatives, ties),
          ``methods`` (how the layout, centralities and communities were computed);
        - ``sectors``, ``countries``, ``communities``: lists of
          ``{"id", "label", "count", "color"}`` (the legend and the filters;
          ``id`` ``"none"`` for organisations without one), colours from a
          12-colour palette, the rest grey;
        - ``hubs``, ``initiatives``: lists of ``{"id": IRI, "label"}``;
        - ``measures``: the centrality names, and ``measure_max``: the
          largest value of each (node sizes are relative to it, see
          :func:`node_size`);
        - ``nodes``: list of ``{"id": IRI, "label", "kind"
          ("organisation" or "initiative"), "x", "y" (in [0, 1000]),
          "sector", "country" ("" when unknown), "hubs", "initiatives"
          (indexes into the lists above; an initiative lists itself),
          "community", "measures": {name: value}}``, sorted by IRI;
        - ``edges``: columns ``source``, ``target`` (node indexes),
          ``weight`` and ``count``, strongest tie first (weight, then count).

    Notes
    -----
    Degree counts partners; strength sums tie weights; betweenness is
    normalised, on hop counts, exact up to about 10⁸ steps of Brandes'
    algorithm and estimated from sampled pivots beyond (``methods`` says
    which); PageRank is weighted with damping 0.85 (see
    :func:`~echos_graph.analysis.network.node_measures` for the
    references). Communities are the best of three seeded Leiden runs by
    modularity (one run beyond 100,000 ties; Louvain without igraph); see
    :func:`~echos_graph.analysis.network.communities`.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",), "NO"), "b": Organisation("B", ("RES",), "SE")},
    ...               {"p": {"a": "coordinator", "b": "participant"}})
    >>> data = explorer_data(net)
    >>> [n["label"] for n in data["nodes"]], data["edges"]
    (['A', 'B'], {'source': [0], 'target': [1], 'weight': [1.0], 'count': [1]})
    >>> data["nodes"][0]["measures"]["degree"], data["sectors"][0]["id"]
    (1, 'GOV')
    """
    from ._fast import array_graph, have_igraph
    from .community import _communities
    from .layout import _layout
    from .network import _betweenness, _pagerank

    G = _graph_of(net, view)
    ag = array_graph(G, "weight")
    n, m = ag.n, ag.m
    degree = ag.degree()
    strength = ag.strength()
    pivots = None
    if n * (n + m) > _BETWEENNESS_WORK:
        pivots = max(100, int(_BETWEENNESS_WORK // max(1, n + m)))
    between = _betweenness(G, ag, "auto", pivots, seed) if n else None
    pagerank, pagerank_engine = _pagerank(G, ag, "weight") if n else (np.zeros(0), "none")
    method = "leiden" if have_igraph() else "louvain"
    runs = _COMMUNITY_RUNS if m <= _MANY_EDGES else 1
    found = _communities(G, ag, method, seed, runs, "weight", 1.0, "auto") if n else None
    placed = _layout(G, ag, "auto", "weight", seed, None)

    hub_ids = sorted(net.hubs)
    hub_index = {h: i for i, h in enumerate(hub_ids)}
    initiative_ids = sorted({i for _, d in G.nodes(data=True) for i in d.get("initiatives", ())}
                            | {v for v, d in G.nodes(data=True) if d.get("kind") == "initiative"})
    initiative_index = {i: k for k, i in enumerate(initiative_ids)}

    nodes: list[dict[str, Any]] = []
    sector_count: Counter[str] = Counter()
    country_count: Counter[str] = Counter()
    for i, node in enumerate(ag.nodes):
        data = G.nodes[node]
        kind = data.get("kind", "organisation")
        if kind == "initiative":
            hubs: list[int] = []
            initiatives = [initiative_index[node]]
        else:
            hubs = [hub_index[h] for h in data.get("hubs", ()) if h in hub_index]
            initiatives = [initiative_index[x] for x in data.get("initiatives", ())]
            sector_count[data.get("sector") or NONE] += 1
            country_count[data.get("country") or NONE] += 1
        x, y = placed.positions[node]
        nodes.append({
            "id": str(node), "label": str(data.get("label", node)), "kind": kind, "x": x, "y": y,
            "sector": data.get("sector", "") if kind != "initiative" else "",
            "country": data.get("country", "") if kind != "initiative" else "",
            "hubs": hubs, "initiatives": initiatives,
            "community": found.membership[node] if found else 0,
            "measures": {
                "degree": int(degree[i]),
                "strength": _round(float(strength[i])),
                "betweenness": _round(float(between.values[i])) if between else 0.0,
                "pagerank": _round(float(pagerank[i])),
            },
        })

    scheme = list(net.sectors)
    sector_keys = [s for s in scheme if s in sector_count]
    sector_keys += sorted(s for s in sector_count if s not in net.sectors and s != NONE)
    sector_keys += [NONE] if NONE in sector_count else []
    country_keys = sorted(country_count, key=lambda c: (-country_count[c], c == NONE, c))
    coloured_countries = [c for c in country_keys if c != NONE][:len(PALETTE)]
    sizes = [len(c) for c in found.communities] if found else []

    def sector_color(s: str) -> str:
        return PALETTE[scheme.index(s)] if s in net.sectors and scheme.index(s) < len(PALETTE) else OTHER_COLOR

    def country_color(c: str) -> str:
        return PALETTE[coloured_countries.index(c)] if c in coloured_countries else OTHER_COLOR

    def community_label(c: int) -> str:
        top = found.profiles[c].get("top_members") if found else None
        return str(top[0]) if top else ""

    counts = np.fromiter((c for u, v, c in G.edges(data="count", default=1) if u != v), dtype=np.int64, count=m)
    order = np.lexsort((ag.dst, ag.src, -counts, -ag.w)).tolist()  # strongest first
    measure_max = {name: max((nd["measures"][name] for nd in nodes), default=0) for name in MEASURES}
    return {
        "format": _FORMAT,
        "view": view,
        "title": VIEWS[view],
        "counts": {
            "organisations": sum(1 for nd in nodes if nd["kind"] == "organisation"),
            "initiatives": sum(1 for nd in nodes if nd["kind"] == "initiative"),
            "ties": m,
        },
        "methods": {
            "layout": placed.method,
            "betweenness": between.method if between else "none",
            "pagerank": pagerank_engine,
            "communities": (f"{found.method.capitalize()} ({found.engine}), "
                            + (f"best of {found.runs} runs from seed {seed}" if found.runs > 1 else f"seed {seed}")
                            + (f", modularity {found.modularity:.3f}" if found.modularity is not None else ""))
            if found else "none",
        },
        "sectors": [{"id": s, "label": net.sectors.get(s, "No sector" if s == NONE else s),
                     "count": sector_count[s], "color": sector_color(s)} for s in sector_keys],
        "countries": [{"id": c, "label": net.countries[c].name if c in net.countries else ("No country" if c == NONE else c),
                       "count": country_count[c], "color": country_color(c)} for c in country_keys],
        "communities": [{"id": c, "label": community_label(c), "count": size,
                         "color": PALETTE[c] if c < len(PALETTE) and size > 1 else OTHER_COLOR}
                        for c, size in enumerate(sizes)],
        "hubs": [{"id": h, "label": net.hubs[h].label} for h in hub_ids],
        "initiatives": [{"id": i, "label": net.label(i)} for i in initiative_ids],
        "measures": list(MEASURES),
        "measure_max": measure_max,
        "nodes": nodes,
        "edges": {
            "source": [int(ag.src[e]) for e in order],
            "target": [int(ag.dst[e]) for e in order],
            "weight": [_round(float(ag.w[e])) for e in order],
            "count": [int(counts[e]) for e in order],
        },
    }


@overload
def explorer_json(store: GraphStore, view: str = ..., *, cache: bool = ..., only_cached: Literal[False] = ...) -> bytes: ...


@overload
def explorer_json(store: GraphStore, view: str = ..., *, cache: bool = ..., only_cached: bool) -> bytes | None: ...


def explorer_json(store: GraphStore, view: str = "co-participation", *, cache: bool = True,
                  only_cached: bool = False) -> bytes | None:
    """Return :func:`explorer_data` of the store as UTF-8 JSON, kept per store generation.

    The first call on a generation reads the network (itself cached), lays
    it out and measures it (about 10 s for 10,000 organisations and 225,000
    ties); later calls read the kept bytes. Stores other than the embedded
    one are never cached.

    Parameters
    ----------
    store : GraphStore
    view : str
        One of :data:`VIEWS`.
    cache : bool
        Whether to use (and fill) the cache.
    only_cached : bool
        Return None rather than compute when the view is not kept yet (the
        web app then computes it in the background).

    Raises
    ------
    DataError
        For an unknown view.
    """
    if view not in VIEWS:
        raise DataError(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    sources = [queries_dir() / f"{name}.rq" for name in _LOADER_QUERIES]
    sources += [Path(__file__), Path(__file__).with_name("layout.py")]
    path = cache_file(store, "explorer_" + view.replace("-", "_"), sources) if cache else None
    if path is not None:
        kept = read_cached(path)
        if isinstance(kept, bytes):
            return kept
    if only_cached:
        return None
    if path is None:
        return _explorer_bytes(store, view, cache=cache)
    with filling(path):  # another process (the warm-up after an ingest, another worker) may be computing it
        kept = read_cached(path)
        if isinstance(kept, bytes):
            return kept
        body = _explorer_bytes(store, view, cache=cache)
        write_cached(path, body)
    return body


def _explorer_bytes(store: GraphStore, view: str, *, cache: bool) -> bytes:
    """Compute :func:`explorer_data` of the store as compact UTF-8 JSON."""
    return json.dumps(explorer_data(load_network(store, cache=cache), view), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


# -- filters ----------------------------------------------------------------------------------


def _expand(text: str) -> str:
    """Expand a prefixed name such as ``id:hub/NO`` to a full IRI; leave anything else as it is."""
    prefix, _, local = text.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return text


def _flag(name: str, text: str) -> bool:
    """Read a yes/no parameter."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("", "0", "false", "no", "off"):
        return False
    raise DataError(f"{name}={text!r} is not a yes/no value; use 1 or 0")


def _number(name: str, text: str, kind: type) -> Any:
    """Read a non-negative number parameter."""
    try:
        value = kind(text)
    except ValueError:
        raise DataError(f"{name}={text!r} is not a{'n integer' if kind is int else ' number'}") from None
    if not (value >= 0 and math.isfinite(value)):
        raise DataError(f"{name}={text!r} must be a number of at least 0")
    return value


@dataclass(frozen=True)
class ExplorerFilter:
    """What the explorer shows of a view: the same rules in the page, the exports and the CLI.

    Each set is empty for "no filter". A node passes when it passes every
    filter that is set:

    - an organisation: its sector is in ``sectors`` (``"none"`` for no
      sector), its country in ``countries`` (``"none"`` likewise), it is
      a member of one of ``hubs``, it takes part in one of ``initiatives``,
      its community is in ``communities``;
    - an initiative (two-mode view): it is one of ``initiatives``, its
      community is in ``communities``, and at least one organisation shown
      takes part in it.

    A tie is shown when both its ends are, its weight is at least
    ``min_weight`` and its count (shared initiatives) at least ``min_count``.
    With ``hide_isolates``, nodes left without a tie shown are hidden too.

    Examples
    --------
    >>> f = ExplorerFilter.from_params({"sector": ["GOV", "RES"], "min_weight": "0.5"})
    >>> sorted(f.sectors), f.min_weight, f.to_params()
    (['GOV', 'RES'], 0.5, [('sector', 'GOV'), ('sector', 'RES'), ('min_weight', '0.5')])
    """

    sectors: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)
    hubs: frozenset[str] = field(default_factory=frozenset)
    initiatives: frozenset[str] = field(default_factory=frozenset)
    communities: frozenset[int] = field(default_factory=frozenset)
    min_weight: float = 0.0
    min_count: int = 0
    hide_isolates: bool = False

    #: Parameter names, as the page's URL, the export links and the CLI options spell them.
    PARAMS = ("sector", "country", "hub", "initiative", "community", "min_weight", "min_count", "hide_isolates")

    @classmethod
    def from_params(cls, params: Mapping[str, str | Sequence[str]]) -> ExplorerFilter:
        """Read a filter from request or command-line parameters (repeated names for several values).

        Parameters other than :attr:`PARAMS` are ignored. Hubs and
        initiatives are IRIs, in full or prefixed (``id:hub/NO``);
        communities are numbers.

        Raises
        ------
        DataError
            For a number or flag that cannot be read.
        """
        def values(name: str) -> list[str]:
            found = params.get(name, ())
            items = [found] if isinstance(found, str) else list(found)
            return [v.strip() for v in items if v.strip()]

        def last(name: str) -> str | None:
            found = values(name)
            return found[-1] if found else None

        communities = frozenset(_number("community", v, int) for v in values("community"))
        min_weight, min_count, hide = last("min_weight"), last("min_count"), params.get("hide_isolates")
        return cls(
            sectors=frozenset(values("sector")),
            countries=frozenset(values("country")),
            hubs=frozenset(_expand(v) for v in values("hub")),
            initiatives=frozenset(_expand(v) for v in values("initiative")),
            communities=communities,
            min_weight=_number("min_weight", min_weight, float) if min_weight else 0.0,
            min_count=_number("min_count", min_count, int) if min_count else 0,
            hide_isolates=_flag("hide_isolates", hide if isinstance(hide, str) else (list(hide)[-1] if hide else "")),
        )

    def to_params(self) -> list[tuple[str, str]]:
        """Return the filter as ``(name, value)`` pairs, sorted, the defaults left out."""
        pairs = [("sector", v) for v in sorted(self.sectors)] + [("country", v) for v in sorted(self.countries)]
        pairs += [("hub", v) for v in sorted(self.hubs)] + [("initiative", v) for v in sorted(self.initiatives)]
        pairs += [("community", str(v)) for v in sorted(self.communities)]
        if self.min_weight:
            pairs.append(("min_weight", repr(self.min_weight)))
        if self.min_count:
            pairs.append(("min_count", str(self.min_count)))
        if self.hide_isolates:
            pairs.append(("hide_isolates", "1"))
        return pairs

    @property
    def active(self) -> bool:
        """Return whether the filter hides anything."""
        return bool(self.to_params())


def _check_known(name: str, wanted: Iterable[Any], known: Iterable[Any]) -> None:
    """Raise DataError naming the values of ``wanted`` that the view does not have."""
    have = set(known)
    missing = sorted(str(v) for v in wanted if v not in have)
    if missing:
        choices = sorted(str(v) for v in have)
        shown = ", ".join(choices[:12]) + (f" and {len(choices) - 12} more" if len(choices) > 12 else "")
        raise DataError(f"no {name} {', '.join(missing)} in this view; it has {shown or 'none'}")


def filter_data(data: Mapping[str, Any], flt: ExplorerFilter) -> dict[str, Any]:
    """Return the part of :func:`explorer_data`'s result that ``flt`` shows, in the same shape.

    Nodes keep their order; ties keep theirs and are renumbered to the
    nodes kept. The lists of sectors, countries, communities, hubs and
    initiatives, and ``measure_max``, are those of the whole view.

    Raises
    ------
    DataError
        For a sector, country, hub, initiative or community the view does not have.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",)), "b": Organisation("B", ("RES",)), "c": Organisation("C", ("GOV",))},
    ...               {"p": {"a": "", "b": "", "c": ""}})
    >>> shown = filter_data(explorer_data(net), ExplorerFilter(sectors=frozenset({"GOV"})))
    >>> [n["label"] for n in shown["nodes"]], shown["edges"]["source"], shown["edges"]["target"]
    (['A', 'C'], [0], [1])
    """
    _check_known("sector", flt.sectors, [s["id"] for s in data["sectors"]])
    _check_known("country", flt.countries, [c["id"] for c in data["countries"]])
    _check_known("community", flt.communities, [c["id"] for c in data["communities"]])
    hub_ids = [h["id"] for h in data["hubs"]]
    initiative_ids = [i["id"] for i in data["initiatives"]]
    _check_known("hub", flt.hubs, hub_ids)
    _check_known("initiative", flt.initiatives, initiative_ids)
    hubs = {i for i, h in enumerate(hub_ids) if h in flt.hubs}
    initiatives = {i for i, x in enumerate(initiative_ids) if x in flt.initiatives}

    nodes = data["nodes"]
    keep = []
    for node in nodes:
        shown = not flt.communities or node["community"] in flt.communities
        shown = shown and (not initiatives or not initiatives.isdisjoint(node["initiatives"]))
        if node["kind"] != "initiative":
            shown = shown and (not flt.sectors or (node["sector"] or NONE) in flt.sectors)
            shown = shown and (not flt.countries or (node["country"] or NONE) in flt.countries)
            shown = shown and (not hubs or not hubs.isdisjoint(node["hubs"]))
        keep.append(shown)

    edges = data["edges"]
    tied = [False] * len(nodes)
    chosen = []
    for e, (s, t, w, c) in enumerate(zip(edges["source"], edges["target"], edges["weight"], edges["count"])):
        if keep[s] and keep[t] and w >= flt.min_weight and c >= flt.min_count:
            chosen.append(e)
            tied[s] = tied[t] = True
    for i, node in enumerate(nodes):
        if keep[i] and not tied[i] and (flt.hide_isolates or node["kind"] == "initiative"):
            keep[i] = False

    index = {}
    kept_nodes: list[dict[str, Any]] = []
    for i, node in enumerate(nodes):
        if keep[i]:
            index[i] = len(kept_nodes)
            kept_nodes.append(node)
    out = dict(data)
    out["nodes"] = kept_nodes
    out["edges"] = {
        "source": [index[edges["source"][e]] for e in chosen],
        "target": [index[edges["target"][e]] for e in chosen],
        "weight": [edges["weight"][e] for e in chosen],
        "count": [edges["count"][e] for e in chosen],
    }
    return out


def node_size(value: float, largest: float) -> float:
    """Return the drawn size of a node: 2 to 15 by the square root of its measure over the view's largest.

    The page's script computes the same, so an exported GEXF keeps the page's sizes.

    Examples
    --------
    >>> node_size(0, 10), node_size(10, 10), node_size(2.5, 10)
    (2.0, 15.0, 8.5)
    """
    if largest <= 0 or value <= 0:
        return SIZE_MIN
    return round(SIZE_MIN + SIZE_RANGE * math.sqrt(min(1.0, value / largest)), 2)


def explorer_graph(data: Mapping[str, Any], *, color: str = "sector", size: str = "degree") -> nx.Graph:
    """Return :func:`explorer_data` (or a :func:`filter_data` part of it) as a NetworkX graph for export.

    Parameters
    ----------
    data : mapping
    color : {'sector', 'country', 'community'}
        What the nodes' ``viz`` colour follows (as on the page).
    size : {'degree', 'strength', 'betweenness', 'pagerank'}
        What the nodes' ``viz`` size follows (see :func:`node_size`).

    Returns
    -------
    networkx.Graph
        Nodes are IRIs with text and number attributes only (``label``,
        ``kind``, ``sector``, ``sector_label``, ``country``,
        ``country_label``, ``hubs`` and ``initiatives`` as labels joined by
        "; ", ``community``, the four measures, ``x``, ``y``) and a GEXF
        ``viz`` dict (colour, size, position); ties carry ``weight`` and ``count``.

    Examples
    --------
    >>> from echos_graph.analysis.projection import Organisation
    >>> net = Network({"a": Organisation("A", ("GOV",)), "b": Organisation("B")}, {"p": {"a": "", "b": ""}})
    >>> G = explorer_graph(explorer_data(net))
    >>> G.nodes["a"]["label"], G.nodes["a"]["sector_label"], G.edges["a", "b"]["count"]
    ('A', 'GOV', 1)
    """
    import networkx as nx

    if color not in COLOR_ATTRIBUTES:
        raise DataError(f"unknown colour {color!r}; use one of {', '.join(COLOR_ATTRIBUTES)}")
    if size not in MEASURES:
        raise DataError(f"unknown size {size!r}; use one of {', '.join(MEASURES)}")
    sectors = {s["id"]: s for s in data["sectors"]}
    countries = {c["id"]: c for c in data["countries"]}
    communities = {c["id"]: c for c in data["communities"]}
    hubs = data["hubs"]
    initiatives = data["initiatives"]
    largest = data["measure_max"][size]
    G = nx.Graph(view=data["view"])
    for node in data["nodes"]:
        sector = sectors.get(node["sector"] or NONE)
        country = countries.get(node["country"] or NONE)
        community = communities.get(node["community"])
        if node["kind"] == "initiative":
            colour = INITIATIVE_COLOR
        elif color == "sector":
            colour = sector["color"] if sector else OTHER_COLOR
        elif color == "country":
            colour = country["color"] if country else OTHER_COLOR
        else:
            colour = community["color"] if community else OTHER_COLOR
        G.add_node(
            node["id"], label=node["label"], kind=node["kind"],
            sector=node["sector"], sector_label=sector["label"] if sector and node["sector"] else "",
            country=node["country"], country_label=country["label"] if country and node["country"] else "",
            hubs="; ".join(hubs[i]["label"] for i in node["hubs"]),
            initiatives="; ".join(initiatives[i]["label"] for i in node["initiatives"]) if node["kind"] != "initiative" else "",
            community=node["community"], x=node["x"], y=node["y"],
            **{name: node["measures"][name] for name in MEASURES},
            viz={"color": {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0},
                 "size": node_size(node["measures"][size], largest),
                 "position": {"x": float(node["x"]), "y": float(node["y"]), "z": 0.0}},
        )
    ids = [node["id"] for node in data["nodes"]]
    edges = data["edges"]
    for s, t, w, c in zip(edges["source"], edges["target"], edges["weight"], edges["count"]):
        G.add_edge(ids[s], ids[t], weight=w, count=c)
    return G
