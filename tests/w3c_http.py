"""Read the W3C HTTP test manifests (SPARQL 1.1 Protocol, Graph Store Protocol) and run their requests.

The manifests describe each test as a connection with a list of requests,
each with its method, path, headers and body, and the response expected:
a status (a class such as 2xx, or a code such as 201), a result format
("boolean", "tabular", "RDF"), an ASK answer, a Location header to reuse,
or a body graph-isomorphic to the one expected.  This module turns them into
plain data with rdflib and checks responses; the tests decide where the
requests go (Flask's test client, or the real server over HTTP).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
W3C = SHARED / "w3c-sparql11"
MISSING = (f"the W3C SPARQL 1.1 test data is not at {W3C} (CI always has it beside the checkout; "
           "a clone of the repository alone does not)")

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

_CODES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404, "BadRequest": 400}

#: Media types a manifest's expected format allows.
FORMAT_TYPES = {
    "boolean": {"application/sparql-results+json", "application/sparql-results+xml"},
    "tabular": {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "application/xhtml+xml"},
}


@dataclass
class Request:
    """One request of a test and what its response must be."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: list[str]
    expected_format: str | None = None
    expected_boolean: bool | None = None
    expected_location: str | None = None
    expected_body: bytes | None = None
    expected_type: str | None = None


@dataclass
class HttpTest:
    """One manifest entry: its id, name, data to load first, and its requests in order."""

    id: str
    name: str
    requests: list[Request]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)
    requires: list[str] = field(default_factory=list)


def _body(graph: Graph, node: URIRef | None) -> bytes | None:
    """Return the bytes of a cnt:ContentAsText body in its stated encoding."""
    if node is None:
        return None
    chars = graph.value(node, CNT.chars)
    if chars is None:
        return None
    encoding = str(graph.value(node, CNT.characterEncoding) or "UTF-8")
    return str(chars).encode(encoding)


def _headers(graph: Graph, node: URIRef) -> dict[str, str]:
    """Return a request's or response's headers, names in lower case."""
    headers: dict[str, str] = {}
    first = graph.value(node, HT.headers)
    if first is not None:
        for header in Collection(graph, first):
            headers[str(graph.value(header, HT.fieldName)).lower()] = str(graph.value(header, HT.fieldValue))
    return headers


def load_http_tests(manifest: Path) -> list[HttpTest]:
    """Return the tests of one manifest (following mf:include), in manifest order."""
    graph = Graph()
    graph.parse(manifest, format="turtle")
    root = URIRef(manifest.resolve().as_uri())
    tests: list[HttpTest] = []
    includes = graph.value(root, MF.include)
    if includes is not None:
        for included in Collection(graph, includes):
            tests += load_http_tests(Path(str(included).removeprefix("file://")))
    entries = graph.value(root, MF.entries)
    if entries is None:
        return tests
    for entry in Collection(graph, entries):
        action = graph.value(entry, MF.action)
        requests = []
        for node in Collection(graph, graph.value(action, HT.requests)):
            resp = graph.value(node, HT.resp)
            expected = _headers(graph, resp)
            boolean = graph.value(resp, MF.expectedBoolean)
            requests.append(Request(
                method=str(graph.value(node, HT.methodName)),
                path=str(graph.value(node, HT.absolutePath)),
                headers=_headers(graph, node),
                body=_body(graph, graph.value(node, HT.body)),
                statuses=[str(s).removeprefix(str(HTS)) for s in graph.objects(resp, MF.expectedStatus)],
                expected_format=str(graph.value(resp, MF.expectedFormat) or "") or None,
                expected_boolean=None if boolean is None else boolean.toPython(),
                expected_location=str(graph.value(resp, MF.expectedLocation) or "") or None,
                expected_body=_body(graph, graph.value(resp, HT.body)),
                expected_type=expected.get("content-type"),
            ))
        data = []
        for item in graph.objects(entry, UT.graphData):
            data.append((Path(str(graph.value(item, UT.graph)).removeprefix("file://")),
                         str(graph.value(item, RDFS.label))))
        tests.append(HttpTest(
            id=str(entry).rsplit("#", 1)[-1],
            name=str(graph.value(entry, MF.name)),
            requests=requests,
            graph_data=data,
            requires=[str(r).rsplit("#", 1)[-1] for r in graph.objects(entry, MF.requires)],
        ))
    assert all(t.requests for t in tests), "every test has at least one request"
    assert RDF.type  # rdflib namespaces in use
    return tests


def status_ok(status: int, expected: list[str]) -> bool:
    """Return whether ``status`` is one the manifest allows (a class like StatusCode4xx, or a named code)."""
    for name in expected:
        match = re.fullmatch(r"StatusCode(\d)xx", name)
        if match and status // 100 == int(match.group(1)):
            return True
        if _CODES.get(name) == status:
            return True
    return False


#: A way to send a request: (method, path, headers, body) -> (status, headers in lower case, body).
Send = Callable[[str, str, dict[str, str], "bytes | None"], tuple[int, dict[str, str], bytes]]


def run_http_test(test: HttpTest, send: Send, *, path_prefix: tuple[str, str]) -> None:
    """Send the requests of ``test`` in order and assert each response is as expected.

    Parameters
    ----------
    path_prefix : (str, str)
        The manifest's path prefix and ours ("/sparql/" -> "/sparql").
    """
    location = None
    for number, req in enumerate(test.requests, 1):
        path = req.path
        body = req.body
        if location is not None:
            path = path.replace("$LOCATION$", location)
            body = body.replace(b"$LOCATION$", location.encode()) if body else body
        old, new = path_prefix
        if path.startswith(old):
            path = new + path[len(old):]
        status, headers, content = send(req.method, path, dict(req.headers), body)
        where = f"{test.id}, request {number} ({req.method} {path})"
        assert status_ok(status, req.statuses), f"{where}: status {status}, expected {req.statuses}: {content[:300]!r}"
        media = headers.get("content-type", "").split(";")[0].strip()
        if req.expected_format:
            assert media in FORMAT_TYPES[req.expected_format], f"{where}: {media} is not {req.expected_format}"
        if req.expected_boolean is not None:
            fmt = ox.QueryResultsFormat.from_media_type(media)
            assert fmt is not None, f"{where}: {media} is not a results format"
            assert bool(ox.parse_query_results(content, fmt)) is req.expected_boolean, where
        if req.expected_location:
            location = headers.get("location")
            assert location, f"{where}: no Location header"
        if req.expected_type and req.method != "HEAD":
            assert media == req.expected_type.split(";")[0].strip(), f"{where}: content type {media}"
        if req.expected_body is not None and req.method != "HEAD":
            want = Graph().parse(data=req.expected_body, format="turtle")
            got = Graph().parse(data=content, format=media or "turtle")
            assert isomorphic(want, got), f"{where}: the graph differs:\n{content.decode()}"
