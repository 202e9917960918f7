"""The SPARQL 1.1 Graph Store HTTP Protocol at ``/rdf-graph-store``.

A graph is named indirectly, ``/rdf-graph-store?graph=<IRI>`` or
``?default`` for the store's own default graph, or directly: the graph whose
IRI is the request URL ``/rdf-graph-store/<path>``.  GET and HEAD read a
graph (open to all, capped and paged like query answers); PUT replaces it,
POST adds to it (a POST to ``/rdf-graph-store`` itself makes a new graph and
answers its IRI in ``Location``), DELETE drops it.  Writes need the bearer
token (:mod:`.auth`) and go through one store transaction each, so a reader
sees the graph before the write or after it, never half of it.

Note that ``?default`` is the store's own default graph, which the build
leaves empty; the SPARQL endpoint's default graph is the union of every
graph, this one included.

References
----------
.. [1] SPARQL 1.1 Graph Store HTTP Protocol, https://www.w3.org/TR/sparql11-http-rdf-update/
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request, url_for

from ..errors import QueryError
from ..resources import internal_query
from . import cors
from .auth import require_writer
from .db import get_store
from .deadline import run_before_deadline
from .sparql import query_response

__all__ = ["bp"]

bp = Blueprint("graph_store", __name__)

_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]


def _indirect_target() -> ox.NamedNode | ox.DefaultGraph | None:
    """Return the graph named by ``?graph=`` or ``?default``, None if neither."""
    graphs = request.args.getlist("graph")
    if "default" in request.args:
        if graphs:
            raise QueryError("name one graph: either ?default or ?graph=IRI, not both")
        return ox.DefaultGraph()
    if not graphs:
        return None
    if len(graphs) > 1:
        raise QueryError(f"the request names {len(graphs)} graphs; name exactly one with ?graph=IRI")
    try:
        return ox.NamedNode(graphs[0])
    except ValueError:
        raise QueryError(f"graph={graphs[0]!r} is not an absolute IRI; name the graph by its full IRI") from None


def _exists(graph: ox.NamedNode | ox.DefaultGraph) -> bool:
    """Return whether the store has the graph (the default graph always exists)."""
    return isinstance(graph, ox.DefaultGraph) or graph.value in get_store().named_graphs()


def _parse_body(graph: ox.NamedNode | ox.DefaultGraph) -> Iterator[ox.Quad]:
    """Yield the quads of the request body (or of each part of a multipart body) in ``graph``."""
    base = graph.value if isinstance(graph, ox.NamedNode) else request.base_url
    if request.mimetype == "multipart/form-data":
        parts = [(f.mimetype, f.read()) for f in request.files.values()]
    else:
        parts = [(request.mimetype, request.get_data())]
    for media, body in parts:
        fmt = ox.RdfFormat.from_media_type(media) if media else None
        if fmt is None or fmt.supports_datasets:
            abort(Response(f"media type {media or '(none)'} is not an RDF graph format this store reads; send "
                           "text/turtle, application/n-triples, application/rdf+xml or application/ld+json\n",
                           status=415, mimetype="text/plain"))
        try:
            triples = list(ox.parse(body, fmt, base_iri=base, without_named_graphs=True, rename_blank_nodes=True))
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"the {media} body does not parse: {exc}") from None
        for quad in triples:
            yield ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _read(graph: ox.NamedNode | ox.DefaultGraph) -> Response:
    """Answer GET or HEAD (the server drops the body) with the graph's triples, negotiated, capped and paged."""
    if not _exists(graph):
        return Response(f"there is no graph {graph}\n", status=404, mimetype="text/plain")
    store = get_store()
    if isinstance(graph, ox.DefaultGraph):
        return query_response(lambda: store.query(internal_query("default-graph-triples"), union_default_graph=False))
    return query_response(lambda: store.query(internal_query("graph-triples"), bindings={"g": graph}))


def _write(graph: ox.NamedNode | ox.DefaultGraph) -> Response:
    """Apply PUT, POST or DELETE to ``graph`` in one transaction."""
    require_writer()
    existed = _exists(graph)
    if request.method == "DELETE" and not existed:
        return Response(f"there is no graph {graph}\n", status=404, mimetype="text/plain")
    quads = [] if request.method == "DELETE" else list(_parse_body(graph))
    store = get_store()
    replace = request.method in ("PUT", "DELETE")

    def work() -> None:
        with store.transaction() as tx:
            if replace:
                if isinstance(graph, ox.DefaultGraph):
                    tx.update(internal_query("drop-default"))
                else:
                    tx.drop_graph(graph.value)
            tx.add(quads)

    run_before_deadline(work, float(current_app.config["QUERY_TIMEOUT"]))
    return Response(status=201 if not existed else 204)


@bp.route("/rdf-graph-store", methods=_METHODS)
def indirect() -> Response:
    """Read or write the graph named by ``?graph=IRI`` or ``?default``."""
    if request.method == "OPTIONS":
        return cors.preflight()
    graph = _indirect_target()
    if graph is None:
        if request.method != "POST":
            raise QueryError("name the graph: /rdf-graph-store?graph=IRI, or ?default for the default graph")
        return _create()
    return _read(graph) if request.method in ("GET", "HEAD") else _write(graph)


@bp.route("/rdf-graph-store/<path:name>", methods=_METHODS)
def direct(name: str) -> Response:
    """Read or write the graph whose IRI is this URL (direct identification)."""
    if request.method == "OPTIONS":
        return cors.preflight()
    graph = ox.NamedNode(request.base_url)
    return _read(graph) if request.method in ("GET", "HEAD") else _write(graph)


def _create() -> Response:
    """Make a new graph from a POST to the graph store itself; its IRI goes in Location."""
    graph = ox.NamedNode(url_for("graph_store.direct", name=f"new/{uuid.uuid4().hex}", _external=True))
    response = _write(graph)
    response.status_code = 201
    response.headers["Location"] = graph.value
    return response
