"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: queries for all, updates for token holders.

Queries arrive by GET, by POST form-encoded or by POST with the query as the
body (``application/sparql-query``); updates by POST form-encoded
(``update=``) or direct (``application/sparql-update``), and only with the
bearer token (:mod:`.auth`).  The request is read by :mod:`.protocol`;
results are negotiated from the Accept header, or chosen with ``format=``
for plain links, and capped at ``MAX_RESULT_ROWS`` rows per answer
(``page=`` pages through larger ones).  Every query and update runs under
the ``QUERY_TIMEOUT`` deadline (:mod:`.deadline`); SERVICE and LOAD are
refused (:mod:`echos_graph.guard`).  A GET with no query returns the SPARQL
Service Description, or sends a browser to the query editor at ``/query``.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request, url_for

from ..answer import Answer, answer
from ..errors import QueryError
from ..guard import add_using, check_query, check_update
from ..results import GRAPH_FORMATS
from ..store import QueryResult
from . import cors
from .auth import require_writer
from .db import get_store
from .deadline import run_before_deadline
from .protocol import Operation, formats_for_request, negotiate, read_operation

__all__ = ["bp", "negotiate", "query_response"]

bp = Blueprint("sparql", __name__)

#: Where a browser that opens /sparql with no query is sent: the query editor.
EDITOR_PATH = "/query"


def _page() -> int | None:
    """Return the ``page`` parameter as a number, None if absent."""
    value = request.values.get("page") if request.method != "PUT" else request.args.get("page")
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise QueryError(f"page={value!r} is not a page number; pages are numbered 1, 2, ...") from None


def query_response(run: Callable[[], QueryResult]) -> Response:
    """Run ``run`` under the deadline, serialise at most one page of its result, and make the response."""
    choose = formats_for_request()
    page = _page()
    max_rows = int(current_app.config["MAX_RESULT_ROWS"])

    def work() -> Answer:
        return answer(run(), choose, max_rows=max_rows, page=page)

    reply = run_before_deadline(work, float(current_app.config["QUERY_TIMEOUT"]))
    response = Response(reply.body, mimetype=reply.media_type)
    if reply.media_type.startswith("text/"):
        response.charset = "utf-8"
    if reply.more and page is not None:
        params = request.args.to_dict(flat=False)
        if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            params.update(request.form.to_dict(flat=False))
        params["page"] = [str(page + 1)]
        response.headers["Link"] = f'<{request.base_url}?{urlencode(params, doseq=True)}>; rel="next"'
    return response


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    """Answer a SPARQL query or update, or describe the service when there is none."""
    if request.method == "OPTIONS":
        return cors.preflight()
    operation = read_operation()
    if operation.kind == "update":
        return _update(operation)
    if not operation.text.strip():
        if request.method == "POST":
            raise QueryError("the request's query is empty")
        if request.accept_mimetypes.accept_html and request.accept_mimetypes.best == "text/html":
            return redirect(EDITOR_PATH, code=303)
        return _service_description()
    check_query(operation.text)
    store = get_store()
    # Relative IRIs resolve against the endpoint's URL, as the protocol allows; a BASE in the query wins.
    text = f"BASE <{request.base_url}> {operation.text}"
    return query_response(lambda: store.query(
        text,
        default_graphs=operation.default_graphs or None,
        named_graphs=operation.named_graphs or None,
    ))


def _update(operation: Operation) -> Response:
    """Apply a SPARQL Update in one transaction: all of it is published, or nothing."""
    require_writer()
    if not operation.text.strip():
        raise QueryError("the request's update is empty")
    check_update(operation.text)
    text = add_using(operation.text, operation.default_graphs, operation.named_graphs)
    store = get_store()
    base_iri = request.base_url

    def work() -> None:
        with store.transaction() as tx:
            tx.update(text, base_iri=base_iri)

    run_before_deadline(work, float(current_app.config["QUERY_TIMEOUT"]))
    return Response(status=204)


def _service_description() -> Response:
    """Return the SPARQL 1.1 Service Description of this endpoint, in Turtle or another RDF format."""
    from ..service import service_description

    endpoint_url = url_for("sparql.endpoint", _external=True)
    fmt = negotiate("graph")
    data = service_description(endpoint_url, fmt, update=bool(current_app.config.get("UPDATE_TOKEN")))
    response = Response(data, mimetype=GRAPH_FORMATS[fmt][1])
    if response.mimetype.startswith("text/"):
        response.charset = "utf-8"
    return response
