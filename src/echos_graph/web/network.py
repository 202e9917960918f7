"""The network explorer: the page at ``/network``, the data it draws, and exports of what it shows.

- ``/network``: the page (sigma.js and graphology from ``/vendor``, our
  ``static/explorer.js``); it reads its view, colours, sizes and filters
  from the query string and keeps them there;
- ``/network/data.json?view=...``: the view as
  :func:`~echos_graph.analysis.explorer.explorer_data` gives it, kept per
  store generation;
- ``/network/export.<suffix>?view=...&sector=...``: the filtered view as
  GEXF, GraphML, VOSviewer JSON or CSV (:func:`~echos_graph.export.export_network`),
  with the same filter parameters as the page.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from ..analysis.explorer import COLOR_ATTRIBUTES, MEASURES, VIEWS, ExplorerFilter, explorer_json
from ..errors import DataError
from ..export import NETWORK_FORMATS, export_network
from .db import get_store

__all__ = ["bp"]

bp = Blueprint("network", __name__)

_BY_SUFFIX = {suffix: (name, media) for name, (suffix, media) in NETWORK_FORMATS.items()}


def _choice(name: str, allowed: tuple[str, ...] | list[str], default: str) -> str:
    """Return the request parameter ``name``, which must be one of ``allowed``."""
    value = request.args.get(name, default)
    if value not in allowed:
        raise DataError(f"{name}={value!r} is not available; use one of {', '.join(allowed)}")
    return value


@bp.route("/network")
def explorer() -> str:
    """The network explorer page."""
    return render_template("network.html", views=VIEWS, measures=MEASURES, colors=COLOR_ATTRIBUTES,
                           formats=NETWORK_FORMATS)


@bp.route("/network/data.json")
def data() -> Response:
    """One view of the network with positions, communities and centralities (JSON)."""
    view = _choice("view", list(VIEWS), "co-participation")
    response = Response(explorer_json(get_store(), view), mimetype="application/json")
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
