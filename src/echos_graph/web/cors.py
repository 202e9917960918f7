"""Cross-origin reads (CORS): scripts on other sites may query, never write.

The ``CORS_ORIGINS`` setting lists the origins allowed ('*' for any, the
default; empty for none).  Query answers of ``/sparql`` and graph reads of
``/rdf-graph-store`` carry ``Access-Control-Allow-Origin``; a preflight
``OPTIONS`` is answered for GET and POST with the headers a SPARQL client
sends.  Updates and Graph Store writes get no CORS headers, so a browser
will not let another site's script send them with a user's token.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

__all__ = ["allowed_origin", "init_app", "preflight"]

#: Paths whose reads are open to other origins.
READ_PATHS = ("/sparql", "/rdf-graph-store")
_ALLOW_HEADERS = "Accept, Content-Type"


def allowed_origin() -> str | None:
    """Return the value of Access-Control-Allow-Origin for this request, or None."""
    origins = str(current_app.config.get("CORS_ORIGINS") or "").split()
    origin = request.headers.get("Origin")
    if "*" in origins:
        return "*"
    if origin and origin in origins:
        return origin
    return None


def preflight() -> Response:
    """Answer a CORS preflight request for a read."""
    response = Response(status=204)
    origin = allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = _ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
    response.headers["Allow"] = "GET, POST, OPTIONS" if request.path == "/sparql" else \
        "GET, HEAD, PUT, POST, DELETE, OPTIONS"
    return response


def _is_read() -> bool:
    """Return whether the request reads (a query, or a graph GET/HEAD)."""
    if request.method in ("GET", "HEAD"):
        return "update" not in request.args
    if request.method == "POST" and request.path == "/sparql":
        return request.mimetype != "application/sparql-update" and "update" not in request.form
    return False


def init_app(app: Flask) -> None:
    """Add the CORS headers to read answers."""

    @app.after_request
    def headers(response: Response) -> Response:
        if request.method != "OPTIONS" and request.path.startswith(READ_PATHS) and _is_read():
            origin = allowed_origin()
            if origin is not None:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.headers["Access-Control-Expose-Headers"] = "Link"
                if origin != "*":
                    response.vary.add("Origin")
        return response
