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
HTML) is escaped. The CSV files are made for spreadsheets, so a text cell
that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading apostrophe, as the
OWASP guidance on CSV injection advises [1]_: ``=HYPERLINK(...)`` is written
``'=HYPERLINK(...)`` and shown as text. Numbers are left as they are. SPARQL
results in CSV or TSV (``/sparql``, ``echos-graph query --format csv``) are
not touched: they follow the SPARQL 1.1 result formats, for programs.

References
----------
.. [1] OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection
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

from .analysis.formatting import FORMULA_STARTS, neutralise_formula
from .errors import DataError
from .results import GRAPH_FORMATS
from .store import GraphStore

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx  # type: ignore[import-untyped,unused-ignore]

    from .analysis.explorer import ExplorerFilter

__all__ = ["FORMULA_STARTS", "NETWORK_FORMATS", "export_network", "export_store", "neutralise_formula",
           "write_network"]

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


def _xml(value: object) -> str:
    """Return text for an XML attribute or element: escaped, without the characters XML cannot hold."""
    text = _NOT_XML.sub("", str(value))
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def _xml_number(value: object) -> str:
    """Return a number as XML text (booleans as true/false, floats exactly)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _attribute_types(items: Any, skip: tuple[str, ...]) -> dict[str, str]:
    """Return each attribute's type over all items: boolean, long, double or string (the widest seen)."""
    rank = {"boolean": 0, "long": 1, "double": 2, "string": 3}
    types: dict[str, str] = {}
    for data in items:
        for key, value in data.items():
            if key in skip or value is None:
                continue
            kind = ("boolean" if isinstance(value, bool) else "long" if isinstance(value, int)
                    else "double" if isinstance(value, float) else "string")
            if key not in types or rank[kind] > rank[types[key]]:
                types[key] = kind
    return types


def _value(value: object, kind: str) -> str:
    """Return an attribute value as XML text of its declared type."""
    return _xml(value) if kind == "string" else _xml_number(value)


def _gexf(G: nx.Graph) -> bytes:
    """Write GEXF 1.2 (https://gexf.net/), with ``viz`` colours, sizes and positions, in one pass of string building.

    NetworkX's ``write_gexf`` builds an element tree and takes about 14 s for
    225,000 ties; this takes about one. ``nx.read_gexf`` reads it back (the tests check).
    """
    import datetime as dt

    node_types = _attribute_types((d for _, d in G.nodes(data=True)), ("label", "viz"))
    edge_types = _attribute_types((d for _, _, d in G.edges(data=True)), ("weight",))
    node_ids = {k: str(i) for i, k in enumerate(node_types)}
    edge_ids = {k: str(i) for i, k in enumerate(edge_types, start=len(node_types))}
    out = ["<?xml version='1.0' encoding='utf-8'?>\n",
           ('<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:viz="http://www.gexf.net/1.2draft/viz" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n'),
           (f'<meta lastmodifieddate="{dt.date.today().isoformat()}"><creator>echos-graph</creator>'
           f"<description>{_xml(G.graph.get('view', ''))}</description></meta>\n"),
           '<graph defaultedgetype="undirected" mode="static">\n']
    for kind, types, ids in (("node", node_types, node_ids), ("edge", edge_types, edge_ids)):
        out.append(f'<attributes class="{kind}" mode="static">\n')
        out.extend(f'<attribute id="{ids[k]}" title="{_xml(k)}" type="{t}"/>\n' for k, t in types.items())
        out.append("</attributes>\n")
    out.append("<nodes>\n")
    for node, data in G.nodes(data=True):
        out.append(f'<node id="{_xml(node)}" label="{_xml(data.get("label", node))}"><attvalues>')
        out.extend(f'<attvalue for="{node_ids[k]}" value="{_value(v, node_types[k])}"/>'
                   for k, v in data.items() if k in node_types and v is not None)
        out.append("</attvalues>")
        viz = data.get("viz") or {}
        if "color" in viz:
            c = viz["color"]
            out.append(f'<viz:color r="{int(c["r"])}" g="{int(c["g"])}" b="{int(c["b"])}" a="{float(c.get("a", 1.0))}"/>')
        if "size" in viz:
            out.append(f'<viz:size value="{float(viz["size"])}"/>')
        if "position" in viz:
            q = viz["position"]
            out.append(f'<viz:position x="{float(q["x"])}" y="{float(q["y"])}" z="{float(q.get("z", 0.0))}"/>')
        out.append("</node>\n")
    out.append("</nodes>\n<edges>\n")
    for i, (u, v, data) in enumerate(G.edges(data=True)):
        weight = f' weight="{_xml_number(data["weight"])}"' if data.get("weight") is not None else ""
        out.append(f'<edge id="{i}" source="{_xml(u)}" target="{_xml(v)}"{weight}><attvalues>')
        out.extend(f'<attvalue for="{edge_ids[k]}" value="{_value(x, edge_types[k])}"/>'
                   for k, x in data.items() if k in edge_types and x is not None)
        out.append("</attvalues></edge>\n")
    out.append("</edges>\n</graph>\n</gexf>\n")
    return "".join(out).encode("utf-8")


def _graphml(G: nx.Graph) -> bytes:
    """Write GraphML (http://graphml.graphdrawing.org/) in one pass of string building; ``nx.read_graphml`` reads it."""
    node_types = _attribute_types((d for _, d in G.nodes(data=True)), ("viz",))
    edge_types = _attribute_types((d for _, _, d in G.edges(data=True)), ())
    node_keys = {k: f"d{i}" for i, k in enumerate(node_types)}
    edge_keys = {k: f"d{i}" for i, k in enumerate(edge_types, start=len(node_types))}
    out = ["<?xml version='1.0' encoding='utf-8'?>\n",
           ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')]
    for kind, types, keys in (("node", node_types, node_keys), ("edge", edge_types, edge_keys)):
        out.extend(f'<key id="{keys[k]}" for="{kind}" attr.name="{_xml(k)}" attr.type="{t}"/>\n' for k, t in types.items())
    out.append('<graph edgedefault="undirected">\n')
    for node, data in G.nodes(data=True):
        out.append(f'<node id="{_xml(node)}">')
        out.extend(f'<data key="{node_keys[k]}">{_value(v, node_types[k])}</data>'
                   for k, v in data.items() if k in node_types and v is not None)
        out.append("</node>\n")
    for u, v, data in G.edges(data=True):
        out.append(f'<edge source="{_xml(u)}" target="{_xml(v)}">')
        out.extend(f'<data key="{edge_keys[k]}">{_value(x, edge_types[k])}</data>'
                   for k, x in data.items() if k in edge_types and x is not None)
        out.append("</edge>\n")
    out.append("</graph>\n</graphml>\n")
    return "".join(out).encode("utf-8")


def _csv(header: list[str], rows: Any) -> bytes:
    """Write rows as CSV for spreadsheets (RFC 4180 quoting, UTF-8, formulas neutralised)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([neutralise_formula(cell) for cell in row] for row in rows)
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
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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
    if fmt not in NETWORK_FORMATS:
        raise DataError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    if fmt == "gexf":
        return _gexf(G)
    if fmt == "graphml":
        return _graphml(G)
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
    from .analysis.explorer import (
        ExplorerFilter,
        explorer_graph,
        explorer_json,
        filter_data,
    )

    if fmt not in NETWORK_FORMATS:
        raise DataError(f"unknown network format {fmt!r}; use one of {', '.join(NETWORK_FORMATS)}")
    data = json.loads(explorer_json(store, view))
    shown = filter_data(data, flt or ExplorerFilter())
    return write_network(explorer_graph(shown, color=color, size=size), fmt)
