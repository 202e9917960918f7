"""Pages for people: the home page, the hubs, the organisations and the ontology documentation.

The page of one hub, organisation, initiative, country or sector lives at
its Linked Data path, ``/id/...`` (:mod:`~echos_graph.web.linked`).
"""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, send_from_directory, url_for
from werkzeug.wrappers import Response

from ..analysis.entities import list_organisations
from ..analysis.plots import coverage_heatmap, ego_network
from ..errors import DataError
from ..info import describe_sources, summarise
from ..landscape import hub_landscape
from ..namespaces import ID, id_iri
from ..queries import load_catalogue
from ..results import compact
from .db import cached, get_network

__all__ = ["bp", "hub_iri", "page_arguments"]

bp = Blueprint("pages", __name__)
_DOCS_LOCK = threading.Lock()
_HUB_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


# -- template filters ------------------------------------------------------------

@bp.app_template_filter("compact")
def _compact(iri: str) -> str:
    """Show an IRI as a prefixed name in templates."""
    return compact(iri)


@bp.app_template_filter("local")
def _local(iri: str) -> str | None:
    """Return the local page of one of our instance IRIs (``/id/...``), or None for another IRI."""
    return "/id/" + iri[len(str(ID)):] if iri.startswith(str(ID)) and len(iri) > len(str(ID)) else None


@bp.app_template_filter("num")
def _num(value: Any, digits: int = 0) -> str:
    """Format a number with thousands separators (and ``digits`` decimals); empty for None."""
    if value is None or value == "":
        return ""
    try:
        return f"{float(value):,.{digits}f}" if digits else f"{int(value):,}"
    except (TypeError, ValueError):
        return str(value)


@bp.app_template_filter("pct")
def _pct(value: float | None) -> str:
    """Format a ratio as a whole percentage."""
    return "" if value is None else f"{100 * value:.0f}%"


@bp.app_template_filter("heat")
def _heat(count: int) -> str:
    """Return the colour class of a heatmap cell holding ``count`` members."""
    return "heat-0" if count <= 0 else "heat-1" if count == 1 else "heat-2" if count == 2 else \
        "heat-3" if count <= 4 else "heat-4"


# -- helpers of the views --------------------------------------------------------

def hub_iri(code: str) -> str:
    """Return the IRI of the hub ``code`` (``NO`` -> ``id:hub/NO``), or 404 for a malformed code."""
    if not _HUB_CODE.match(code):
        abort(404)
    return id_iri("hub", code)


def page_arguments() -> dict[str, Any]:
    """Return the paging and filter arguments of an organisation list request (400 if malformed)."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise DataError("page and per_page must be whole numbers, e.g. ?page=2&per_page=50") from None
    if not 1 <= per_page <= 500:
        raise DataError(f"per_page must be between 1 and 500, not {per_page}")
    return {"sector": request.args.get("sector") or None, "country": request.args.get("country") or None,
            "query": request.args.get("q") or None, "page": page, "per_page": per_page}


def _picture(kind: tuple[str, ...], draw: Callable[[Path], Path]) -> Response:
    """Return an SVG picture drawn by ``draw`` into a temporary file, kept per store generation."""
    def render(_: object) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return draw(Path(folder) / "picture.svg").read_bytes()

    data = cached(kind, render)
    response = Response(data, mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# -- views -----------------------------------------------------------------------

@bp.route("/")
def home() -> str:
    """What the graph holds, where it came from, and the ways in."""
    summary = cached("summary", summarise)
    sources = cached("sources", lambda store: describe_sources(store, summary))
    net = get_network()
    return render_template("home.html", summary=summary, sources=sources, catalogue=load_catalogue(), net=net,
                           landscape=cached("landscape", lambda store: hub_landscape(store, net)))


@bp.route("/hubs")
def hubs() -> str:
    """Every hub with its status and coverage, the hub x sector heatmap, and the countries with and without a hub."""
    net = get_network()
    return render_template("hubs.html", landscape=cached("landscape", lambda store: hub_landscape(store, net)))


@bp.route("/hubs/coverage.svg")
def coverage_picture() -> Response:
    """The hub x sector coverage heatmap as an SVG picture (matplotlib)."""
    net = get_network()
    landscape = cached("landscape", lambda store: hub_landscape(store, net))
    if not landscape.hubs:
        abort(404)
    return _picture(("coverage.svg",), lambda out: coverage_heatmap([row.gap for row in landscape.hubs], out))


@bp.route("/hub/<code>")
def hub(code: str) -> Response:
    """Send a hub's short address to its page at its Linked Data path."""
    hub_iri(code)
    return redirect(url_for("linked.resource", key=f"hub/{code}"), code=302)


@bp.route("/hub/<code>/network.svg")
def hub_network(code: str) -> Response:
    """The hub members' collaboration network (members and their partners) as an SVG picture."""
    iri = hub_iri(code)
    net = get_network()
    if iri not in net.hubs:
        abort(404)
    return _picture(("ego.svg", iri), lambda out: ego_network(net, iri, out))


@bp.route("/organisations")
def organisations() -> str:
    """The organisations, a page at a time, filtered by sector, country and name."""
    net = get_network()
    args = page_arguments()
    found = list_organisations(net, **args)
    return render_template("organisations.html", found=found, args=args, net=net)


def _docs_dir() -> Path:
    """Return the folder of the ontology documentation, writing it on first use."""
    folder = Path(current_app.config["DOCS_DIR"])
    if not folder.is_absolute():
        folder = Path.cwd() / folder
    with _DOCS_LOCK:
        if not (folder / "index.html").is_file():
            from ..ontology import write_docs

            write_docs(folder)
    return folder


@bp.route("/ontology")
@bp.route("/ontology/<path:name>")
def ontology(name: str = "index.html") -> Response:
    """Serve the HTML documentation of the ontology and the schemes (pyLODE)."""
    if not name.endswith((".html", ".css", ".js", ".png", ".svg")):
        abort(404)
    return send_from_directory(_docs_dir(), name)
