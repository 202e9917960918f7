"""The W3C SPARQL 1.1 Protocol tests (protocol/manifest.ttl), one case per manifest entry.

Every entry applies to our endpoint: the query ones and, since updates exist
(with a bearer token), the update ones.  Each runs twice: through Flask's
test client, and over HTTP against the production server (gunicorn) on a
loopback port.  Each starts from a store holding the entry's ``ut:graphData``
as named graphs.  The manifest's ``/sparql/`` is our ``/sparql``.
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest

from echos_graph.store import EmbeddedStore, open_store
from w3c_http import MISSING, W3C, HttpTest, load_http_tests, run_http_test

MANIFEST = W3C / "protocol" / "manifest.ttl"
TOKEN = "w3c-protocol-token"
TESTS: list[HttpTest] = load_http_tests(MANIFEST) if MANIFEST.is_file() else []
#: Entries that do not apply to our endpoint, with the reason (none: every one applies).
NOT_APPLICABLE: dict[str, str] = {}


def _cases() -> list:
    if not TESTS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="w3c-data-missing")]
    return [pytest.param(t, id=t.id, marks=[pytest.mark.skip(reason=NOT_APPLICABLE[t.id])]
                         if t.id in NOT_APPLICABLE else []) for t in TESTS]


def _load(store: EmbeddedStore, test: HttpTest) -> None:
    """Replace the store's content by the test's graph data, each file in the named graph of its label."""
    with store.transaction() as tx:
        for graph in tx.named_graphs():
            tx.drop_graph(graph)
        tx.update("DROP SILENT DEFAULT")
        for path, label in test.graph_data:
            tx.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(label))
                   for t in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES))


def _auth(headers: dict[str, str]) -> dict[str, str]:
    """Add our bearer token: the W3C tests assume an endpoint that takes updates."""
    return {**headers, "Authorization": f"Bearer {TOKEN}"}


@pytest.mark.parametrize("test", _cases())
def test_w3c_protocol_through_the_app(test: HttpTest, tmp_path: Path) -> None:
    from echos_graph.web import create_app

    store = open_store(tmp_path / "graph")
    assert isinstance(store, EmbeddedStore)
    _load(store, test)
    client = create_app({"TESTING": True, "STORE": str(store.path), "UPDATE_TOKEN": TOKEN}).test_client()

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None):
        response = client.open(path, method=method, headers=_auth(headers), data=body)
        return response.status_code, {k.lower(): v for k, v in response.headers.items()}, response.get_data()

    run_http_test(test, send, path_prefix=("/sparql/", "/sparql"))


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory):
    """The production server over a store of its own, writes on with our token."""
    from conftest import _free_port

    folder = tmp_path_factory.mktemp("w3c-protocol") / "graph"
    store = open_store(folder)
    with store.transaction() as tx:
        tx.update("INSERT DATA { GRAPH <urn:echos-graph:placeholder> { <urn:a> <urn:b> <urn:c> } }")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"),
           "ECHOS_GRAPH_UPDATE_TOKEN": TOKEN}
    log = folder.parent / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "echos_graph.cli", "serve", "--store", str(folder),
                                 "--port", str(port), "--workers", "2"], stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            conn.getresponse().read()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"server exited: {log.read_text()}")
            time.sleep(0.3)
    yield port, store
    proc.terminate()
    proc.wait(timeout=20)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("test", _cases())
def test_w3c_protocol_over_http(test: HttpTest, w3c_server) -> None:
    port, store = w3c_server
    _load(store, test)

    def send(method: str, path: str, headers: dict[str, str], body: bytes | None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(method, urllib.parse.quote(path, safe="/?&=%:+;,@!$'()*"), body=body, headers=_auth(headers))
        response = conn.getresponse()
        content = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    run_http_test(test, send, path_prefix=("/sparql/", "/sparql"))
