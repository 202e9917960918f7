"""The query editor page: the saved queries, our prefixes and endpoint, a form that works without JavaScript."""

from __future__ import annotations

import csv
import html
import re
from urllib.parse import parse_qs, urlsplit

from echos_graph.namespaces import PREFIXES
from echos_graph.queries import declare_prefixes, load_catalogue
from echos_graph.resources import data_dir
from echos_graph.web.editor import STARTER

CATALOGUE = load_catalogue()


def test_nav_links_to_the_editor(client) -> None:
    assert 'href="/query"' in client.get("/").get_data(as_text=True)


def test_editor_page_lists_every_saved_query_with_its_documented_text(client) -> None:
    response = client.get("/query")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    texts = [html.unescape(text) for text in re.findall(r"<pre><code>(.*?)</code></pre>", page, re.DOTALL)]
    for name, saved in CATALOGUE.items():
        assert f'id="q-{name}"' in page
        assert html.escape(saved.title) in page
        assert declare_prefixes(saved.text) in texts, f"{name}: text missing"


def test_editor_page_without_javascript_posts_to_the_endpoint(client) -> None:
    page = client.get("/query").get_data(as_text=True)
    assert '<form method="post" action="/sparql">' in page
    starter = html.unescape(re.search(r'<textarea id="query" name="query"[^>]*>(.*?)</textarea>', page, re.DOTALL).group(1))
    assert starter == declare_prefixes(CATALOGUE[STARTER].text)
    # What the form sends: the starter query (hubs by status), as CSV.
    result = client.post("/sparql", data={"query": starter, "format": "csv"})
    assert result.status_code == 200 and result.mimetype == "text/csv"
    with open(data_dir() / "hubs.csv", encoding="utf-8") as f:
        hubs = sum(1 for _ in csv.DictReader(f))  # 14 hubs
    assert len(result.get_data(as_text=True).strip().splitlines()) == 1 + hubs


def test_shared_link_fills_the_plain_form(client) -> None:
    page = client.get("/query", query_string={"query": "ASK { ?s ?p ?o }"}).get_data(as_text=True)
    assert '<textarea id="query" name="query" rows="14" cols="80" spellcheck="false">ASK { ?s ?p ?o }</textarea>' in page


def test_each_saved_query_link_is_a_yasgui_share_link_with_its_text_and_title(client) -> None:
    page = client.get("/query").get_data(as_text=True)
    links = {name: href for href, name in re.findall(r'<a class="open-query" href="([^"]+)" data-name="([^"]+)"', page)}
    assert set(links) == set(CATALOGUE)
    for name, href in links.items():
        url = urlsplit(html.unescape(href))
        params = parse_qs(url.query)
        assert url.path == "/query"
        assert ";" not in url.query  # YASGUI's URL parser splits parameters at ';' too
        assert params["query"] == [declare_prefixes(CATALOGUE[name].text)]
        assert params["tabTitle"] == [CATALOGUE[name].title]


def test_catalogue_json_gives_endpoint_prefixes_and_every_saved_query(client) -> None:
    data = client.get("/query/catalogue.json").get_json()
    assert data["endpoint"] == "/sparql"
    assert data["prefixes"] == PREFIXES
    assert data["starter"] in CATALOGUE
    assert [q["name"] for q in data["queries"]] == list(CATALOGUE)
    by_hub = next(q for q in data["queries"] if q["name"] == "organisations-by-hub")
    assert by_hub["title"] == "Organisations by hub"
    assert [(p["name"], p["type"], p["required"]) for p in by_hub["parameters"]] == \
        [("hub", "iri", False), ("sector", "iri", False)]
    assert by_hub["columns"][:2] == ["hub", "hubLabel"]
    assert "PREFIX org: <http://www.w3.org/ns/org#>" in by_hub["text"]
    several = next(q for q in data["queries"] if q["name"] == "organisations-in-several-initiatives")
    assert several["parameters"][0]["default"] == "2"


def test_prefixes_json_is_in_prefix_cc_format(client) -> None:
    """YASQE's prefix completion reads {prefix: namespace}, as prefix.cc serves it."""
    assert client.get("/query/prefixes.json").get_json() == PREFIXES


def test_editor_allows_inline_styles_but_scripts_only_from_our_files(client) -> None:
    response = client.get("/query")
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "default-src 'self'" in policy and "script-src" not in policy
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    assert scripts and all(' src="/' in attributes for attributes in scripts)


def test_other_pages_keep_the_strict_policy(client) -> None:
    assert "unsafe-inline" not in client.get("/").headers["Content-Security-Policy"]
