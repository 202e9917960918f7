"""Linked Data: every instance IRI ``https://w3id.org/echos-graph/id/...`` answers at the same path, ``/id/...``.

A browser gets an HTML page (for a hub, organisation, initiative, country or
sector, a page made for it; for anything else, its facts and links); an RDF
client gets the resource's facts and the links pointing at it in the format
it asks for in its Accept header, or with ``?format=`` for plain links:
Turtle, JSON-LD, N-Triples, RDF/XML, and N-Quads or TriG to keep each fact's
named graph (its provenance). An IRI the graph never names is a 404.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from flask import Blueprint, abort, current_app, render_template, request
from werkzeug.wrappers import Response

from ..analysis.entities import (
    country_neighbourhood,
    initiative_neighbourhood,
    organisation_neighbourhood,
    sector_neighbourhood,
)
from ..analysis.gaps import hub_gaps
from ..analysis.measures import BROKER_ROLES, network_measures
from ..analysis.recommend import recommend
from ..entity import Description, describe, resource_quads
from ..errors import QueryError
from ..landscape import HubStatus, hub_statuses
from ..namespaces import ID, PREFIXES
from ..results import GRAPH_FORMATS
from .db import cached, get_network, get_store

__all__ = ["RDF_FORMATS", "bp", "hub_context", "measures_table"]

bp = Blueprint("linked", __name__)

#: The RDF formats a resource is offered in: name -> media type (and the pyoxigraph format).
RDF_FORMATS: dict[str, tuple[ox.RdfFormat, str]] = {
    name: GRAPH_FORMATS[name] for name in ("ttl", "jsonld", "nt", "rdfxml", "nq", "trig")
}
_BY_MEDIA = {media: name for name, (_, media) in RDF_FORMATS.items()}
_BY_MEDIA.update({"application/x-turtle": "ttl", "application/json": "jsonld"})
_ALIASES = {"turtle": "ttl", "json-ld": "jsonld", "json": "jsonld", "ntriples": "nt", "n-triples": "nt",
            "xml": "rdfxml", "rdf": "rdfxml", "nquads": "nq", "n-quads": "nq"}
#: The formats that keep each fact's named graph; the others merge the graphs (JSON-LD too, as one graph).
_WITH_GRAPHS = ("nq", "trig")
#: Labels of the formats for the links on the pages.
FORMAT_LABELS = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdfxml": "RDF/XML",
                 "nq": "N-Quads (with graphs)", "trig": "TriG (with graphs)"}


def _negotiate() -> str:
    """Return ``html`` or the RDF format name the request asks for."""
    asked = request.args.get("format")
    if asked:
        asked = asked.lower()
        if asked == "html" or asked in RDF_FORMATS:
            return asked
        if asked in _ALIASES:
            return _ALIASES[asked]
        if asked in _BY_MEDIA:
            return _BY_MEDIA[asked]
        raise QueryError(f"format={asked!r} is not offered; use html or one of {', '.join(RDF_FORMATS)}")
    best = request.accept_mimetypes.best_match(["text/html", "application/xhtml+xml", *_BY_MEDIA], default="text/html")
    return _BY_MEDIA.get(best, "html")


def _rdf(iri: str, fmt: str) -> Response:
    """Return the resource's facts and incoming links in an RDF format."""
    quads = list(resource_quads(get_store(), iri))
    if not quads:
        abort(404)
    rdf_format, media = RDF_FORMATS[fmt]
    data = quads if fmt in _WITH_GRAPHS else list(dict.fromkeys(q.triple for q in quads))
    response = Response(ox.serialize(data, format=rdf_format, prefixes=PREFIXES), mimetype=media)
    if media.startswith("text/"):
        response.charset = "utf-8"
    return response


def measures_table() -> Any:
    """Return the network measures of the current generation, or None when not computed yet."""
    net = get_network()
    limit = int(current_app.config["NETWORK_MEASURES_MAX_TIES"])
    return cached("measures", lambda store: network_measures(store, net, max_ties=limit))


def hub_context(iri: str) -> dict[str, Any]:
    """Return what the page of hub ``iri`` shows: gaps, recommendations, status, members by sector."""
    net = get_network()
    if iri not in net.hubs:
        return {}
    gap = cached(("gap", iri), lambda store: hub_gaps(net, hub=iri)[0])
    recommendations = cached(("recommend", iri, 5), lambda store: recommend(net, iri, per_sector=5))
    status = cached("statuses", hub_statuses).get(iri, HubStatus())
    roles = net.hubs[iri].members
    by_sector = [(sector, gap.sector_labels.get(sector, sector),
                  sorted(((m, net.label(m), roles.get(m, "")) for m in members), key=lambda x: (x[1], x[0])))
                 for sector, members in gap.sectors_present.items()]
    unclassified = sorted(((m, net.label(m), roles.get(m, "")) for m in gap.unclassified), key=lambda x: (x[1], x[0]))
    return {"gap": gap, "recommendations": recommendations, "status": status, "by_sector": by_sector,
            "unclassified": unclassified, "code": iri.rpartition("/")[2], "net": net}


def _context(found: Description) -> dict[str, Any]:
    """Return the extra template values of a resource's kind."""
    kind = found.kind
    net = get_network()
    if kind == "hub":
        return hub_context(found.iri)
    if kind == "organisation" and found.iri in net.organisations:
        table = measures_table()
        return {"about": organisation_neighbourhood(net, found.iri),
                "measures": table.of(found.iri) if table is not None else None, "table": table,
                "broker_roles": BROKER_ROLES}
    if kind == "initiative" and (found.iri in net.initiatives or found.iri in net.participations):
        return {"about": initiative_neighbourhood(net, found.iri)}
    code = found.iri.rpartition("/")[2]
    if kind == "country" and (code in net.countries or code in net.by_country):
        return {"about": country_neighbourhood(net, code)}
    if kind == "sector" and (code in net.sectors or code in net.by_sector):
        return {"about": sector_neighbourhood(net, code)}
    return {}


@bp.route("/id/<path:key>")
def resource(key: str) -> Response | str:
    """Answer for the instance IRI ``id:{key}``: an HTML page, or RDF by content negotiation."""
    iri = str(ID) + key
    fmt = _negotiate()
    if fmt != "html":
        response = _rdf(iri, fmt)
    else:
        found = describe(get_store(), iri)
        if found is None:
            abort(404)
        context = _context(found)
        template = f"{found.kind}.html" if context else "resource.html"
        response = Response(render_template(template, found=found, formats=FORMAT_LABELS, **context),
                            mimetype="text/html")
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(
        f'<{request.path}?format={name}>; rel="alternate"; type="{media}"' for name, (_, media) in RDF_FORMATS.items())
    return response
