"""Map errors to HTTP responses in one place, and set security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import EchosGraphError, QueryError, QueryTimeoutError, RemoteError, StoreError, StoreLockedError

__all__ = ["init_app"]

_STATUS = {QueryError: 400, QueryTimeoutError: 503, StoreError: 503, RemoteError: 502}

#: Headers set on every response.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _status(exc: EchosGraphError) -> int:
    """Return the HTTP status for one of our errors."""
    if hasattr(exc, "http_status"):
        return int(exc.http_status)
    for cls, status in _STATUS.items():
        if isinstance(exc, cls):
            return status
    return 400


def init_app(app: Flask) -> None:
    """Register the error handler and the security headers."""

    @app.errorhandler(EchosGraphError)
    def handle(exc: EchosGraphError) -> tuple[str | Response, int]:
        status = _status(exc)
        if request.path.startswith("/api/"):
            return jsonify(error=str(exc), status=status), status
        if request.path.startswith(("/sparql", "/rdf-graph-store")) or request.accept_mimetypes.best == "application/json":
            response = Response(f"{exc}\n", mimetype="text/plain")
            if isinstance(exc, StoreLockedError):
                response.headers["Retry-After"] = "2"  # another write is being published
            return response, status
        return render_template("error.html", message=str(exc), status=status), status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str | Response, int] | HTTPException:
        if exc.code is None or exc.code < 400:
            return exc
        if request.path.startswith("/api/"):
            return jsonify(error=exc.description, status=exc.code), exc.code
        if request.path.startswith(("/sparql", "/rdf-graph-store", "/vendor")):
            return exc
        return render_template("error.html", message=exc.description, status=exc.code, title=exc.name), exc.code

    @app.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
