"""The JSON API: described by its OpenAPI document, and answering what the document says."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from echos_graph.web.openapi import openapi_document

ROUTES = {
    "/api/summary": ("summary", "Summary"),
    "/api/hubs": ("hubs", "Hubs"),
    "/api/hubs/NO/gaps": ("hubGaps", "HubGap"),
    "/api/hubs/ES/recommendations": ("hubRecommendations", "Recommendations"),
    "/api/hubs/NO/recommendations?per_sector=2": ("hubRecommendations", "Recommendations"),
    "/api/organisations": ("organisations", "OrganisationPage"),
    "/api/organisations?sector=GOV&country=NO&per_page=2&page=2": ("organisations", "OrganisationPage"),
    "/api/organisations/NO/sintef": ("organisation", "Organisation"),
    "/api/network/summary": ("networkSummary", "NetworkSummary"),
    "/api/hubs/XX/gaps": ("hubGaps", "Error"),
    "/api/organisations/NO/nobody": ("organisation", "Error"),
    "/api/organisations?page=0": ("organisations", "Error"),
}


def _validator(document: dict, schema: str) -> Draft202012Validator:
    """Return a validator of one component schema, resolving references inside the document."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": document["components"]})


def test_openapi_document_is_served_and_is_openapi_3(client) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert document["servers"][0]["url"].startswith("http://localhost")
    for name, schema in document["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)


def test_every_api_route_of_the_app_is_in_the_openapi_document(app) -> None:
    paths = openapi_document()["paths"]
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/")}
    assert routes, "the app has no /api route"
    assert routes <= set(paths), sorted(routes - set(paths))
    assert set(paths) <= routes, sorted(set(paths) - routes)


@pytest.mark.parametrize("url", sorted(ROUTES))
def test_api_answers_validate_against_the_declared_schemas(client, url: str) -> None:
    document = openapi_document()
    operation_id, schema = ROUTES[url]
    response = client.get(url)
    assert response.mimetype == "application/json"
    operations = [(path, op) for path, item in document["paths"].items() for op in item.values()
                  if op["operationId"] == operation_id]
    assert len(operations) == 1
    declared = operations[0][1]["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    assert declared == {"$ref": f"#/components/schemas/{schema}"}
    errors = sorted(_validator(document, schema).iter_errors(response.get_json()), key=str)
    assert errors == [], [e.message for e in errors[:5]]


def test_hub_gaps_of_norway_name_the_missing_sectors(client) -> None:
    gaps = client.get("/api/hubs/NO/gaps").get_json()
    assert [s["sector"] for s in gaps["sectorsMissing"]] == ["INT", "PAT", "REG"]
    assert len(gaps["members"]) == 14 and gaps["coverage"] == 0.7


def test_recommendations_for_spain_give_a_reason_for_each_candidate(client) -> None:
    found = client.get("/api/hubs/ES/recommendations").get_json()
    hcp = next(s for s in found["sectors"] if s["sector"] == "HCP")
    assert hcp["candidates"][0]["label"] == "Institut Catala d'Oncologia"
    assert all(c["reason"] for s in found["sectors"] for c in s["candidates"])


def test_organisations_are_paged(client) -> None:
    first = client.get("/api/organisations?per_page=20").get_json()
    # organisations.csv: 45 organisations
    assert (first["total"], first["pages"], len(first["organisations"])) == (45, 3, 20)
    last = client.get("/api/organisations?per_page=20&page=3").get_json()
    assert len(last["organisations"]) == 5


def test_one_organisation_has_its_facts_hubs_partners_and_measures(client) -> None:
    sintef = client.get("/api/organisations/NO/sintef").get_json()
    assert sintef["label"] == "SINTEF" and sintef["partnerTotal"] == 17
    assert [h["iri"].rsplit("/", 1)[1] for h in sintef["hubs"]] == ["NO"]
    statuses = {e["verification"] for f in sintef["facts"] for e in f["evidence"]}
    assert {"confirmed", "inferred"} <= statuses
    assert sintef["measures"]["degree"] == 17


def test_network_summary_counts_the_bundled_network(client) -> None:
    summary = client.get("/api/network/summary").get_json()
    assert summary["organisations"] >= 45 and summary["hubs"] == 14
