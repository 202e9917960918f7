"""Who may write: a bearer token, configured or not at all.

Writes (SPARQL Update, Graph Store PUT/POST/DELETE) are off unless the
``UPDATE_TOKEN`` setting holds a token.  With one, a write must carry
``Authorization: Bearer <token>``: without it the answer is 401 with a
``WWW-Authenticate`` challenge, with a wrong one 403.  Tokens are compared
with :func:`hmac.compare_digest`, in time that does not depend on where they
differ.
"""

from __future__ import annotations

import hmac

from flask import Response, abort, current_app, request

__all__ = ["require_writer"]

_REALM = 'Bearer realm="echos-graph"'


def _refuse(status: int, message: str, **headers: str) -> None:
    """Stop the request with ``status`` and a plain-text ``message``."""
    abort(Response(message + "\n", status=status, mimetype="text/plain", headers=headers))


def require_writer() -> None:
    """Let the request through only if writes are on and it carries the right bearer token."""
    token = str(current_app.config.get("UPDATE_TOKEN") or "")
    if not token:
        _refuse(403, "writes are not enabled on this endpoint: it is read-only. The operator turns them on "
                     "with a token (ECHOS_GRAPH_UPDATE_TOKEN or echos-graph serve --update-token-file).")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        _refuse(401, "this write needs a token: send the header 'Authorization: Bearer <token>'.",
                **{"WWW-Authenticate": _REALM})
    if not hmac.compare_digest(given.strip().encode("utf-8"), token.encode("utf-8")):
        _refuse(403, "the bearer token is wrong: this write is refused.",
                **{"WWW-Authenticate": _REALM + ', error="invalid_token"'})
