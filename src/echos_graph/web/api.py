"""The JSON API at ``/api/...``: the data of the pages, for programs.

Every route is described in the OpenAPI 3.1 document at
``/api/openapi.json`` (:mod:`~echos_graph.web.openapi`); a test checks that
each route is there and that the answers match the declared schemas. Errors
answer ``{"error": message, "status": code}``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, request, url_for
from werkzeug.wrappers import Response

from ..analysis.entities import list_organisations, organisation_neighbourhood
from ..analysis.gaps import hub_gaps
from ..analysis.measures import network_summary
from ..analysis.recommend import recommend
from ..entity import describe
from ..errors import DataError
from ..info import describe_sources, summarise
from ..landscape import hub_landscape
from ..namespaces import id_iri
from .db import cached, get_network, get_store
from .linked import measures_table
from .openapi import openapi_document
from .pages import hub_iri, page_arguments

__all__ = ["bp"]

bp = Blueprint("api", __name__, url_prefix="/api")


def _hub(code: str) -> str:
    """Return the IRI of hub ``code``, or 404 if the graph has no such hub."""
    iri = hub_iri(code)
    if iri not in get_network().hubs:
        abort(404, description=f"no hub {code!r} in the graph; GET /api/hubs lists them")
    return iri


@bp.route("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(url_for("pages.home", _external=True).rstrip("/")))


@bp.route("/summary")
def summary() -> Response:
    """What the graph holds: triples, classes, verification mix, sources."""
    found = cached("summary", summarise)
    sources = cached("sources", lambda store: describe_sources(store, found))
    return jsonify(triples=found.triples, graphs=len(found.graphs), classes=found.classes,
                   verification=found.verification, sources=[s.to_dict() for s in sources])


@bp.route("/hubs")
def hubs() -> Response:
    """Every hub with its status and coverage; every expected country with its hubs."""
    net = get_network()
    return jsonify(cached("landscape", lambda store: hub_landscape(store, net)).to_dict())


@bp.route("/hubs/<code>/gaps", endpoint="hub_gaps")
def hub_gaps_view(code: str) -> Response:
    """One hub's sector gaps, diversity, theme coverage and member components."""
    iri = _hub(code)
    net = get_network()
    return jsonify(cached(("gap", iri), lambda store: hub_gaps(net, hub=iri)[0]).to_dict())



@bp.route("/hubs/<code>/recommendations")
def hub_recommendations(code: str) -> Response:
    """For each sector the hub misses, the organisations recommended to fill it, with the reasons."""
    iri = _hub(code)
    net = get_network()
    try:
        per_sector = int(request.args.get("per_sector", 5))
    except ValueError:
        raise DataError("per_sector must be a whole number, e.g. ?per_sector=5") from None
    if not 1 <= per_sector <= 100:
        raise DataError(f"per_sector must be between 1 and 100, not {per_sector}")
    found = cached(("recommend", iri, per_sector), lambda store: recommend(net, iri, per_sector=per_sector))
    return jsonify(hub=iri, perSector=per_sector, sectors=[r.to_dict() for r in found])


@bp.route("/organisations")
def organisations() -> Response:
    """The organisations, a page at a time, filtered by sector, country and name."""
    found = list_organisations(get_network(), **page_arguments())
    data: dict[str, Any] = found.to_dict()
    return jsonify(data)


@bp.route("/organisations/<prefix>/<key>")
def organisation(prefix: str, key: str) -> Response:
    """One organisation: its facts with their provenance, hubs, initiatives, partners and network measures."""
    iri = id_iri("organisation", prefix, key)
    net = get_network()
    if iri not in net.organisations:
        abort(404, description=f"no organisation {iri} in the graph")
    found = describe(get_store(), iri)
    table = measures_table()
    about = organisation_neighbourhood(net, iri)
    return jsonify(**about.to_dict(), facts=[f.to_dict() for f in found.facts] if found else [],
                   measures=table.of(iri) if table is not None else None)


@bp.route("/network/summary")
def network() -> Response:
    """The size and shape of the co-participation network, and the kept measures' summary if any."""
    net = get_network()
    return jsonify(network_summary(net, measures_table()))
