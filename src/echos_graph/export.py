"""Export the store in standard RDF formats, and the explorer's networks for Gephi, VOSviewer and spreadsheets.

- :func:`export_store`: every named graph, as N-Quads, TriG, Turtle ...;
- :func:`write_network`: a NetworkX graph (as
  :func:`~echos_graph.analysis.explorer.explorer_graph` makes it) as GEXF,
  GraphML, VOSviewer JSON, or CSV of its nodes or its ties: pure, graph in,
  bytes out;
- :func:`export_network`: a view of the store, filtered as the explorer
  page filters it (:class:`~echos_graph.analysis.explorer.ExplorerFilter`),
  in one of those formats. The web app (``/network/export.<suffix>``) and
  ``echos-graph export-network`` both call it.

Labels are text everywhere: XML writers escape them, characters XML cannot
hold are dropped, and VOSviewer's description (which VOSviewer reads as
HTML) is escaped.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import DataError
from .results import GRAPH_FORMATS
from .store import GraphStore

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from .analysis.explorer import ExplorerFilter

__all__ = ["NETWORK_FORMATS", "export_network", "export_store", "write_network"]

#: Network export formats: name -> (file suffix, media type).
NETWORK_FORMATS: dict[str, tuple[str, str]] = {
    "gexf": ("gexf", "application/gexf+xml"),
    "graphml": ("graphml", "application/graphml+xml"),
    "vosviewer": ("vosviewer.json", "application/json"),
    "nodes-csv": ("nodes.csv", "text/csv"),
    "edges-csv": ("edges.csv", "text/csv"),
}

#: Characters XML 1.0 cannot hold (control characters but tab, line feed, carriage return; non-characters).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Node attributes written as CSV columns, in order (after ``id``).
_NODE_COLUMNS = ("label", "kind", "sector", "sector_label", "country", "country_label", "hubs", "initiatives",
                 "community", "degree", "strength", "betweenness", "pagerank", "x", "y")


def export_store(store: GraphStore, output: Path | IO[bytes], fmt: str) -> None:
    """Write every named graph of ``store`` to ``output`` in format ``fmt``.

    A file is written to a temporary name first and renamed when complete, so
    an interrupted export never leaves a half-written file.

    Parameters
    ----------
    store : GraphStore
    output : Path or binary file
    fmt : str
        A key of :data:`echos_graph.results.GRAPH_FORMATS`: nq, trig and
        jsonld keep the named graphs, the others merge them into one graph.
    """
    if fmt not in GRAPH_FORMATS:
        raise DataError(f"unknown export format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    rdf_format = GRAPH_FORMATS[fmt][0]
    if not isinstance(output, Path):
        store.dump(output, rdf_format)
        return
    handle, tmp = tempfile.mkstemp(dir=output.parent or Path("."), prefix=f".{output.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            store.dump(out, rdf_format)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _xml_ready(G: nx.Graph, *, keep_viz: bool) -> nx.Graph:
    """Return a copy of ``G`` whose text attributes XML can hold, with or without the GEXF ``viz`` dicts."""
    H = G.__class__()
    H.graph.update({k: _NOT_XML.sub("", v) if isinstance(v, str) else v for k, v in G.graph.items()})
    for node, data in G.nodes(data=True):
        H.add_node(node, **{k: _NOT_XML.sub("", v) if isinstance(v, str) else v
                            for k, v in data.items() if keep_viz or k != "viz"})
    H.add_edges_from(G.edges(data=True))
    return H


def _csv(header: list[str], rows: Any) -> bytes:
    """Write rows as CSV (RFC 4180 quoting, UTF-8)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _vosviewer(G: nx.Graph) -> bytes:
    """Write the VOSviewer JSON of ``G`` (https://app.vosviewer.com/docs/file-types/json-file-type/)."""
    ids = {node: i for i, node in enumerate(G, start=1)}
    items = []
    for node, data in G.nodes(data=True):
        facts = [("Sector", data.get("sector_label", "")), ("Country", data.get("country_label", "")),
                 ("Hubs", data.get("hubs", ""))]
        item: dict[str, Any] = {
            "id": ids[node],
            "label": str(data.get("label", node)),
            "description": "<br>".join(f"{name}: {html.escape(str(value))}" for name, value in facts if value),
            "url": str(node),
            "x": data.get("x", 0.0),
            "y": -float(data.get("y", 0.0)),  # VOSviewer's y axis points down
            "weights": {"Links": data.get("degree", G.degree(node)), "Total link strength": data.get("strength", 0.0)},
            "scores": {"Betweenness": data.get("betweenness", 0.0), "PageRank": data.get("pagerank", 0.0)},
        }
        community = data.get("community")
        if isinstance(community, int) and community < 1000:  # VOSviewer clusters are 1 to 1000
            item["cluster"] = community + 1
        items.append(item)
    links = [{"source_id": ids[u], "target_id": ids[v], "strength": w}
             for u, v, w in G.edges(data="weight", default=1.0)]
    two_mode = G.graph.get("view") == "organisation-initiative"
    document = {
        "config": {"terminology": {
            "item": "node" if two_mode else "organisation", "items": "nodes" if two_mode else "organisations",
            "link": "participation" if two_mode else "co-participation",
            "links": "participations" if two_mode else "co-participations",
            "link_strength": "weight", "total_link_strength": "total weight",
        }},
        "network": {"items": items, "links": links},
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def write_network(G: nx.Graph, fmt: str) -> bytes:
    """Write a network as ``fmt``: a pure function from a NetworkX graph to the bytes of a file.

    Parameters
    ----------
    G : networkx.Graph
        As :func:`~echos_graph.analysis.explorer.explorer_graph` makes it
        (node attributes of text and numbers, a GEXF ``viz`` dict, ties with
        ``weight`` and ``count``); other graphs work as far as their
        attributes allow.
    fmt : str
        A key of :data:`NETWORK_FORMATS`: ``gexf`` (GEXF 1.2 with colours,
        sizes and positions, for Gephi), ``graphml``, ``vosviewer``
        (VOSviewer JSON: items with clusters from the communities, weights
        and scores from the centralities; links with strengths),
        ``nodes-csv`` or ``edges-csv``.

    Returns
    -------
    bytes
        UTF-8.

    Raises
    ------
    DataError
        For an unknown format.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("a", "b", weight=0.5, count=1)
    >>> write_network(G, "edges-csv").decode().splitlines()
    ['source,target,source_label,target_label,weight,count', 'a,b,,,0.5,1']
    """
    import networkx as nx

    if fmt not in NETWORK_FORMATS:
        raise DataError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    if fmt in ("gexf", "graphml"):
        out = io.BytesIO()
        if fmt == "gexf":
            nx.write_gexf(_xml_ready(G, keep_viz=True), out, prettyprint=False)
        else:
            nx.write_graphml(_xml_ready(G, keep_viz=False), out, prettyprint=False)
        return out.getvalue()
    if fmt == "vosviewer":
        return _vosviewer(G)
    labels = dict(G.nodes(data="label", default=""))
    if fmt == "nodes-csv":
        return _csv(["id", *_NODE_COLUMNS],
                    ([node, *(data.get(c, "") for c in _NODE_COLUMNS)] for node, data in G.nodes(data=True)))
    return _csv(["source", "target", "source_label", "target_label", "weight", "count"],
                ([u, v, labels[u], labels[v], d.get("weight", ""), d.get("count", "")] for u, v, d in G.edges(data=True)))


def export_network(store: GraphStore, fmt: str, *, view: str = "co-participation", flt: ExplorerFilter | None = None,
                   color: str = "sector", size: str = "degree") -> bytes:
    """Export a view of the store's network, filtered as the explorer page filters it.

    Parameters
    ----------
    store : GraphStore
    fmt : str
        A key of :data:`NETWORK_FORMATS`.
    view : str
        A key of :data:`~echos_graph.analysis.explorer.VIEWS`.
    flt : ExplorerFilter, optional
        What to keep (everything by default).
    color, size : str
        What the GEXF colours and sizes follow, as on the page.

    Returns
    -------
    bytes

    Raises
    ------
    DataError
        For an unknown format, view, colour or size, or a filter value the view does not have.
    """
    from .analysis.explorer import ExplorerFilter, explorer_graph, explorer_json, filter_data

    if fmt not in NETWORK_FORMATS:
        raise DataError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    data = json.loads(explorer_json(store, view))
    shown = filter_data(data, flt or ExplorerFilter())
    return write_network(explorer_graph(shown, color=color, size=size), fmt)
