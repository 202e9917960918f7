"""The W3C SPARQL 1.1 Graph Store Protocol tests (graph-store-protocol/manifest.ttl), one case per entry.

The manifest's ``/gsp`` is our ``/rdf-graph-store``; writes carry our bearer
token.  Direct identification works on our own URLs
(``/rdf-graph-store/<path>``), so every entry applies.  Each runs on a fresh
store through Flask's test client, whose host is ``localhost``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from w3c_http import MISSING, W3C, HttpTest, load_http_tests, run_http_test

MANIFEST = W3C / "graph-store-protocol" / "manifest.ttl"
TOKEN = "w3c-gsp-token"
TESTS: list[HttpTest] = load_http_tests(MANIFEST) if MANIFEST.is_file() else []


def _cases() -> list:
    if not TESTS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="w3c-data-missing")]
    return [pytest.param(t, id=t.id) for t in TESTS]


@pytest.mark.parametrize("test", _cases())
def test_w3c_graph_store_protocol(test: HttpTest, tmp_path: Path) -> None:
    from echos_graph.store import open_store
    from echos_graph.web import create_app

    store = open_store(tmp_path / "graph")
    with store.transaction() as tx:
        tx.update("INSERT DATA { GRAPH <urn:echos-graph:placeholder> { <urn:a> <urn:b> <urn:c> } }")
    client = create_app({"TESTING": True, "STORE": str(tmp_path / "graph"), "UPDATE_TOKEN": TOKEN}).test_client()

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None):
        headers = {**headers, "Authorization": f"Bearer {TOKEN}"}
        response = client.open(path, method=method, headers=headers, data=body)
        return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data()

    run_http_test(test, send, path_prefix=("/gsp", "/rdf-graph-store"))
