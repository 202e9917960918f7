"""The OpenAPI 3.1 document of the JSON API (``/api/openapi.json``).

Schemas are JSON Schema 2020-12 (as OpenAPI 3.1 has them), so any JSON
Schema validator checks an answer against them; ``tests/test_api.py`` does,
for every route.
"""

from __future__ import annotations

from typing import Any

from .. import __version__

__all__ = ["openapi_document"]


def _obj(properties: dict[str, Any], *, optional: tuple[str, ...] = (), extra: bool = False) -> dict[str, Any]:
    """Return an object schema whose properties are all required but ``optional``."""
    return {"type": "object", "properties": properties, "required": [p for p in properties if p not in optional],
            "additionalProperties": extra}


def _ref(name: str) -> dict[str, str]:
    """Return a reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _array(items: dict[str, Any]) -> dict[str, Any]:
    """Return an array schema."""
    return {"type": "array", "items": items}


def _map(values: dict[str, Any]) -> dict[str, Any]:
    """Return the schema of an object used as a map."""
    return {"type": "object", "additionalProperties": values}


STR = {"type": "string"}
INT = {"type": "integer"}
NUM = {"type": "number"}
BOOL = {"type": "boolean"}
STR_OR_NULL = {"type": ["string", "null"]}
NUM_OR_NULL = {"type": ["number", "null"]}
INT_OR_NULL = {"type": ["integer", "null"]}
IRI = {"type": "string", "format": "iri"}

_LABELLED = _obj({"iri": IRI, "label": STR})

SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": STR, "status": INT}),
    "Named": _obj({"iri": IRI, "label": STR, "role": STR, "count": INT, "country": STR, "sector": STR,
                   "detail": _array(STR)}),
    "SourceFile": _obj({"file": STR, "checksum": STR, "bytes": INT_OR_NULL, "records": INT_OR_NULL}),
    "Source": _obj({"source": IRI, "title": STR, "records": INT, "ingested_at": STR, "software": STR,
                    "files": _array(_ref("SourceFile")), "triples": INT, "graphs": INT, "verification": _map(INT)}),
    "Summary": _obj({"triples": INT, "graphs": INT, "classes": _map(INT), "verification": _map(INT),
                     "sources": _array(_ref("Source"))}),
    "HubRow": _obj({"hub": IRI, "code": STR, "label": STR, "country": STR_OR_NULL, "status": STR_OR_NULL,
                    "statusDate": STR_OR_NULL, "verification": STR_OR_NULL, "members": INT, "coverage": NUM,
                    "sectorsMissing": _array(STR), "evenness": NUM_OR_NULL}),
    "CountryRow": _obj({"country": STR, "name": STR, "status": STR, "hubs": _array(_obj({"hub": IRI, "label": STR})),
                        "organisations": INT}),
    "Hubs": _obj({"hubs": _array(_ref("HubRow")), "countries": _array(_ref("CountryRow")), "sectors": _map(STR)}),
    "HubGap": _obj({
        "hub": IRI, "kind": {"enum": ["hub", "country"]}, "label": STR, "country": STR_OR_NULL,
        "members": _array(_LABELLED), "required": _array(STR), "sectorsPresent": _map(_array(_LABELLED)),
        "sectorsMissing": _array(_obj({"sector": STR, "label": STR})), "unclassified": _array(_LABELLED),
        "coverage": NUM, "shannon": NUM_OR_NULL, "evenness": NUM_OR_NULL, "simpson": NUM_OR_NULL,
        "themesPresent": _array(_obj({"theme": STR, "label": STR})),
        "themesMissing": _array(_obj({"theme": STR, "label": STR})),
        "components": _array(_array(IRI)), "largestComponent": INT, "isolatedMembers": _array(_LABELLED),
    }),
    "Recommendation": _obj({
        "hub": IRI, "sector": STR, "rank": INT, "organisation": IRI, "label": STR, "country": STR,
        "sameCountry": BOOL, "score": NUM, "parts": _map(NUM), "sharedInitiatives": _array(IRI),
        "linkedMembers": _array(IRI), "commonPartners": _array(IRI), "sharedThemes": _array(STR),
        "coordinated": _array(IRI), "degree": INT, "reason": STR,
    }),
    "SectorRecommendations": _obj({
        "hub": IRI, "hubLabel": STR, "sector": STR, "sectorLabel": STR, "available": INT, "availableInCountry": INT,
        "note": STR, "candidates": _array(_ref("Recommendation")),
    }),
    "Recommendations": _obj({"hub": IRI, "perSector": INT, "sectors": _array(_ref("SectorRecommendations"))}),
    "OrganisationPage": _obj({"organisations": _array(_ref("Named")), "total": INT, "page": INT, "perPage": INT,
                              "pages": INT}),
    "Evidence": _obj({"graph": IRI, "verification": STR_OR_NULL, "note": STR_OR_NULL, "sources": _array(STR),
                      "file": STR_OR_NULL}),
    "Fact": _obj({"predicate": IRI, "value": STR, "kind": {"enum": ["iri", "blank", "literal"]}, "label": STR_OR_NULL,
                  "datatype": STR_OR_NULL, "language": STR_OR_NULL, "evidence": _array(_ref("Evidence"))}),
    "Measures": _obj({
        "degree": INT, "strength": NUM, "betweenness": NUM, "pagerank": NUM, "core": INT,
        "constraint": NUM_OR_NULL, "effective_size": NUM_OR_NULL, "betweenness_rank": INT,
        "community": {"type": ["integer", "string", "null"]}, "community_size": INT, "brokerage": _map(INT),
        "broker_role": {"enum": ["", "coordinator", "itinerant", "representative", "liaison"]},
    }),
    "Organisation": _obj({
        "iri": IRI, "label": STR, "country": STR_OR_NULL, "sectors": _array(_obj({"sector": STR, "label": STR})),
        "hubs": _array(_ref("Named")), "initiatives": _array(_ref("Named")), "partners": _array(_ref("Named")),
        "partnerTotal": INT, "facts": _array(_ref("Fact")),
        "measures": {"oneOf": [_ref("Measures"), {"type": "null"}]},
    }),
    "NetworkSummary": _obj({
        "organisations": INT, "initiatives": INT, "participations": INT, "hubs": INT, "countries": INT,
        "isolates": INT, "components": INT, "largest_component": INT,
        "measures": {"oneOf": [_obj({"summary": {"type": "object"}, "methods": _map(STR),
                                     "parameters": {"type": "object"}, "community_method": STR}),
                               {"type": "null"}]},
    }),
}


def _answer(schema: str, description: str) -> dict[str, Any]:
    """Return a 200 response with a JSON body of ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


_ERROR = {"description": "Unknown resource or malformed parameter",
          "content": {"application/json": {"schema": _ref("Error")}}}
_HUB_CODE = {"name": "code", "in": "path", "required": True, "schema": STR,
             "description": "The hub's key: the last segment of its IRI, e.g. NO for id:hub/NO"}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    """Return an optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PATHS: dict[str, Any] = {
    "/api/openapi.json": {"get": {"summary": "This document", "operationId": "openapi",
                                  "responses": {"200": {"description": "The OpenAPI document",
                                                        "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    "/api/summary": {"get": {"summary": "What the graph holds: triples, classes, verification mix and sources",
                             "operationId": "summary", "responses": {"200": _answer("Summary", "The summary")}}},
    "/api/hubs": {"get": {"summary": "Every hub with status, date and sector coverage; every EU Member State and "
                                     "Associated Country with its hubs", "operationId": "hubs",
                          "responses": {"200": _answer("Hubs", "The hub landscape")}}},
    "/api/hubs/{code}/gaps": {"get": {
        "summary": "One hub's sectors present and missing, coverage, diversity, Mission themes and member components",
        "operationId": "hubGaps", "parameters": [_HUB_CODE],
        "responses": {"200": _answer("HubGap", "The gap report"), "404": _ERROR}}},
    "/api/hubs/{code}/recommendations": {"get": {
        "summary": "For each sector the hub misses, organisations that could fill it, ranked, with the reason",
        "operationId": "hubRecommendations",
        "parameters": [_HUB_CODE, _query("per_sector", {"type": "integer", "minimum": 1, "maximum": 100, "default": 5},
                                         "Candidates per missing sector")],
        "responses": {"200": _answer("Recommendations", "The recommendations"), "400": _ERROR, "404": _ERROR}}},
    "/api/organisations": {"get": {
        "summary": "The organisations, by name, a page at a time", "operationId": "organisations",
        "parameters": [
            _query("sector", STR, "A sector notation, e.g. GOV"),
            _query("country", STR, "An ISO 3166 country code, e.g. NO"),
            _query("q", STR, "Part of the name (case ignored)"),
            _query("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number"),
            _query("per_page", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "Page size"),
        ],
        "responses": {"200": _answer("OrganisationPage", "One page of organisations"), "400": _ERROR}}},
    "/api/organisations/{prefix}/{key}": {"get": {
        "summary": "One organisation: facts with provenance, hubs, initiatives, partners and network measures",
        "description": "The organisation's IRI is id:organisation/{prefix}/{key}: a country code and the slug of "
                       "its name (NO/sintef), or pic/{PIC}, or ror/{ROR id}.",
        "operationId": "organisation",
        "parameters": [{"name": "prefix", "in": "path", "required": True, "schema": STR,
                        "description": "Country code, pic or ror"},
                       {"name": "key", "in": "path", "required": True, "schema": STR,
                        "description": "Name slug, PIC or ROR id"}],
        "responses": {"200": _answer("Organisation", "The organisation"), "404": _ERROR}}},
    "/api/network/summary": {"get": {
        "summary": "Size and shape of the co-participation network, with the kept network measures' summary",
        "operationId": "networkSummary", "responses": {"200": _answer("NetworkSummary", "The network summary")}}},
}


def openapi_document(server: str = "") -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the JSON API, served from ``server`` (the app's root URL).

    Examples
    --------
    >>> doc = openapi_document("http://127.0.0.1:5000")
    >>> doc["openapi"], "/api/hubs" in doc["paths"]
    ('3.1.0', True)
    """
    return {
        "openapi": "3.1.0",
        "info": {"title": "echos-graph JSON API", "version": __version__,
                 "description": "The data of the echos-graph pages (hubs, gaps, recommendations, organisations, "
                                "network) as JSON. Every resource is also Linked Data at its IRI's path, /id/..., "
                                "and the graph answers SPARQL 1.1 at /sparql."},
        "servers": [{"url": server or "/"}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }
