"""The network explorer: the page at ``/network``, the data it draws, and exports of what it shows.

- ``/network``: the page (sigma.js and graphology from ``/vendor``, our
  ``static/explorer.js``); it reads its view, colours, sizes and filters
  from the query string and keeps them there;
- ``/network/data.json?view=...``: the view as
  :func:`~echos_graph.analysis.explorer.explorer_data` gives it, kept per
  store generation. The first request of a generation starts the
  computation in a background thread of the worker and waits up to
  ``EXPLORER_WAIT`` seconds; if it is not done by then the answer is
  ``202 Accepted`` with ``Retry-After``, and the page asks again. A long
  first layout (seconds at 10,000 organisations, minutes at 100,000) thus
  never runs into the server's request timeout;
- ``/network/export.<suffix>?view=...&sector=...``: the filtered view as
  GEXF, GraphML, VOSviewer JSON or CSV (:func:`~echos_graph.export.export_network`),
  with the same filter parameters as the page.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
)

from ..analysis.explorer import (
    COLOR_ATTRIBUTES,
    MEASURES,
    VIEWS,
    ExplorerFilter,
    explorer_json,
)
from ..errors import DataError
from ..export import NETWORK_FORMATS, export_network
from ..store import GraphStore
from .db import get_store

__all__ = ["bp"]

bp = Blueprint("network", __name__)

_BY_SUFFIX = {suffix: (name, media) for name, (suffix, media) in NETWORK_FORMATS.items()}
#: Views being computed in this process, by (store location, view); one thread per process does the work.
_COMPUTING: dict[tuple[str, str], Future[bytes]] = {}
_LOCK = threading.Lock()
_POOL: dict[int, ThreadPoolExecutor] = {}


def _choice(name: str, allowed: tuple[str, ...] | list[str], default: str) -> str:
    """Return the request parameter ``name``, which must be one of ``allowed``."""
    value = request.args.get(name, default)
    if value not in allowed:
        raise DataError(f"{name}={value!r} is not available; use one of {', '.join(allowed)}")
    return value


def _compute(store: GraphStore, view: str, wait: float) -> bytes | None:
    """Return the view's JSON, computing it in the background; None if it is still being computed after ``wait`` s."""
    key = (str(current_app.config["STORE"]), view)
    with _LOCK:
        future = _COMPUTING.get(key)
        if future is None:
            pool = _POOL.get(os.getpid())
            if pool is None:  # a pool per process: threads do not survive gunicorn's fork
                pool = _POOL[os.getpid()] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer")
            future = _COMPUTING[key] = pool.submit(explorer_json, store, view)
    try:
        body = future.result(timeout=wait)
    except FutureTimeout:
        return None
    except BaseException:
        with _LOCK:
            _COMPUTING.pop(key, None)
        raise
    with _LOCK:
        _COMPUTING.pop(key, None)
    return body


@bp.route("/network")
def explorer() -> str:
    """The network explorer page."""
    return render_template("network.html", views=VIEWS, measures=MEASURES, colors=COLOR_ATTRIBUTES,
                           formats=NETWORK_FORMATS)


@bp.route("/network/data.json")
def data() -> Response | tuple[Response, int]:
    """One view of the network with positions, communities and centralities (JSON)."""
    view = _choice("view", list(VIEWS), "co-participation")
    store = get_store()
    body = explorer_json(store, view, only_cached=True)
    if body is None:
        body = _compute(store, view, float(current_app.config["EXPLORER_WAIT"]))
    if body is None:
        busy = jsonify(status="computing",
                       message="The network is being laid out and measured for the first time; ask again shortly.")
        busy.headers["Retry-After"] = "2"
        busy.headers["Cache-Control"] = "no-store"
        return busy, 202
    response = Response(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/network/export.<suffix>")
def export(suffix: str) -> Response:
    """The view, filtered as the page filters it, as a file to download."""
    if suffix not in _BY_SUFFIX:
        abort(404)
    fmt, media = _BY_SUFFIX[suffix]
    view = _choice("view", list(VIEWS), "co-participation")
    color = _choice("color", COLOR_ATTRIBUTES, "sector")
    size = _choice("size", MEASURES, "degree")
    flt = ExplorerFilter.from_params({name: request.args.getlist(name) for name in ExplorerFilter.PARAMS})
    body = export_network(get_store(), fmt, view=view, flt=flt, color=color, size=size)
    response = Response(body, mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="echos-graph-{view}.{suffix}"'
    return response
