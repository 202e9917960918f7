"""The SPARQL 1.1 Protocol endpoint at ``/sparql`` (read-only).

Queries arrive by GET, by POST form-encoded or by POST with the query as the
body (``application/sparql-query``).  Results are negotiated from the Accept
header, or chosen with ``format=`` for plain links.  A GET with no query
returns the SPARQL Service Description.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request, url_for

from ..errors import QueryError
from ..results import GRAPH_FORMATS, SOLUTION_FORMATS, serialize_result
from .db import get_store

__all__ = ["bp", "negotiate"]

bp = Blueprint("sparql", __name__)

_SOLUTION_TYPES = {media: name for name, (_, media) in SOLUTION_FORMATS.items()}
_SOLUTION_TYPES.update({"application/json": "json", "text/xml": "xml", "application/xml": "xml"})
_GRAPH_TYPES = {media: name for name, (_, media) in GRAPH_FORMATS.items() if name not in ("nq", "trig")}
_GRAPH_TYPES.update({"application/x-turtle": "ttl", "text/plain": "nt", "application/json": "jsonld"})
#: Other names clients send in ``format=`` (SPARQLWrapper sends turtle, xml, json-ld ...).
_FORMAT_ALIASES = {
    "solutions": {"application/json": "json", "text": "tsv"},
    "graph": {"turtle": "ttl", "n3": "ttl", "ntriples": "nt", "n-triples": "nt", "xml": "rdfxml", "rdf": "rdfxml",
              "rdf+xml": "rdfxml", "json-ld": "jsonld", "json": "jsonld"},
}


def negotiate(kind: str) -> str:
    """Return the format name for a result of ``kind`` ('solutions' or 'graph') from the request."""
    table = _SOLUTION_TYPES if kind == "solutions" else _GRAPH_TYPES
    names = SOLUTION_FORMATS if kind == "solutions" else GRAPH_FORMATS
    asked = request.values.get("format")
    if asked:
        if asked in names:
            return asked
        if asked in table:
            return table[asked]
        if asked in _FORMAT_ALIASES[kind]:
            return _FORMAT_ALIASES[kind][asked]
        raise QueryError(f"format={asked!r} is not available for this query; use one of {', '.join(table.values())}")
    best = request.accept_mimetypes.best_match(list(table), default=None)
    if best is None and request.accept_mimetypes and not request.accept_mimetypes.accept_html \
            and "*/*" not in request.headers.get("Accept", "*/*"):
        raise _NotAcceptable(table)
    return table[best] if best else ("json" if kind == "solutions" else "ttl")


class _NotAcceptable(QueryError):
    """No result media type the client accepts."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__("none of the media types in the Accept header is available; offered: " + ", ".join(table))


def _query_text() -> str:
    """Return the query of the request, checking the protocol's rules."""
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        if "query" in request.args:
            raise QueryError("a POST with the query as its body must not also have a 'query' URL parameter")
        text = request.get_data(as_text=True)
    elif request.method == "POST" and request.mimetype not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        raise QueryError(f"media type {request.mimetype or '(none)'} is not accepted for a query; send "
                         "application/x-www-form-urlencoded or application/sparql-query")
    else:
        source = request.form if request.method == "POST" else request.args
        values = source.getlist("query")
        if len(values) > 1:
            raise QueryError("the request has more than one 'query' parameter; send exactly one")
        text = values[0] if values else ""
    limit = int(current_app.config["MAX_QUERY_LENGTH"])
    if len(text) > limit:
        raise QueryError(f"the query is {len(text)} characters long; this endpoint accepts at most {limit}")
    return text


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response | tuple[Response, int] | str:
    """Answer a SPARQL query, or describe the service when there is none."""
    if "update" in request.values or request.mimetype == "application/sparql-update":
        return Response("updates are not enabled on this endpoint: it is read-only\n", status=403,
                        mimetype="text/plain")
    text = _query_text()
    if not text.strip():
        if request.accept_mimetypes.accept_html and request.accept_mimetypes.best == "text/html":
            return render_template("sparql.html")
        return _service_description()
    source = request.form if request.method == "POST" and request.mimetype != "application/sparql-query" else request.args
    result = get_store().query(
        text,
        default_graphs=source.getlist("default-graph-uri") or None,
        named_graphs=source.getlist("named-graph-uri") or None,
    )
    kind = "graph" if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)) else "solutions"
    fmt = negotiate(kind)
    media = (SOLUTION_FORMATS if kind == "solutions" else GRAPH_FORMATS)[fmt][1]
    response = Response(serialize_result(result, fmt), mimetype=media)
    if media.startswith("text/"):
        response.mimetype = media
        response.charset = "utf-8"
    return response


def _service_description() -> Response:
    """Return the SPARQL 1.1 Service Description of this endpoint, in Turtle or another RDF format."""
    from ..service import service_description

    endpoint_url = url_for("sparql.endpoint", _external=True)
    fmt = negotiate("graph")
    data = service_description(endpoint_url, fmt)
    return Response(data, mimetype=GRAPH_FORMATS[fmt][1])
