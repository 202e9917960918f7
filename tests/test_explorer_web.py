"""The explorer's routes (/network, data.json, exports), the export writers and `echos-graph export-network`."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest

from echos_graph.analysis import load_network
from echos_graph.analysis.explorer import (
    ExplorerFilter,
    explorer_data,
    explorer_graph,
    filter_data,
)
from echos_graph.cli import cli
from echos_graph.export import NETWORK_FORMATS, write_network
from echos_graph.ingest import ingest_source

EVIL = '<script>alert(1)</script> & "Ltd"'
AWKWARD = Path(__file__).resolve().parent / "data" / "cordis-awkward"
SUFFIXES = [suffix for suffix, _ in NETWORK_FORMATS.values()]


@pytest.fixture()
def evil_store(store_copy, tmp_path):
    """A store copy where a CORDIS organisation is named like an HTML injection, with partners."""
    folder = tmp_path / "cordis"
    shutil.copytree(AWKWARD, folder)
    orgs = folder / "organization.csv"
    orgs.write_text(orgs.read_text(encoding="utf-8-sig").replace("Synthetic University 00001", EVIL.replace('"', '""')),
                    encoding="utf-8")
    ingest_source(store_copy, "cordis", str(folder))
    return store_copy


@pytest.fixture()
def evil_client(evil_store, tmp_path):
    from echos_graph.web import create_app

    return create_app({"TESTING": True, "STORE": str(evil_store.path), "DOCS_DIR": str(tmp_path / "docs")}).test_client()


def test_explorer_page_loads_its_scripts_from_this_site_and_runs_none_inline(client) -> None:
    response = client.get("/network")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.DOTALL)
    assert scripts, "the page loads sigma, graphology and explorer.js"
    assert all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert {"/vendor/sigma.min.js", "/vendor/graphology.umd.min.js", "/static/explorer.js"} <= set(
        re.findall(r'src="([^"]+)"', page))
    assert not re.search(r"\son[a-z]+\s*=", page), "no inline event handlers"
    assert "javascript:" not in page and "style=" not in page


def test_explorer_script_is_served_and_sets_names_as_text_only(client) -> None:
    response = client.get("/static/explorer.js")
    assert response.status_code == 200
    script = response.get_data(as_text=True)
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "document.write" not in script


def test_data_json_is_the_library_view_with_an_etag(client, graph) -> None:
    response = client.get("/network/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == explorer_data(load_network(graph), "co-participation")
    again = client.get("/network/data.json", headers={"If-None-Match": response.headers["ETag"].strip('"')})
    assert again.status_code == 304


def test_data_json_of_the_two_mode_view(client) -> None:
    data = client.get("/network/data.json?view=organisation-initiative").get_json()
    assert data["view"] == "organisation-initiative" and data["counts"]["initiatives"] > 0


def test_data_json_refuses_an_unknown_view(client) -> None:
    response = client.get("/network/data.json?view=galaxy", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "view='galaxy' is not available" in response.get_data(as_text=True)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_each_export_is_a_download_of_its_media_type(client, suffix: str) -> None:
    response = client.get(f"/network/export.{suffix}?view=co-participation")
    assert response.status_code == 200
    media = {s: m for s, m in NETWORK_FORMATS.values()}[suffix]
    assert response.mimetype == media
    assert response.headers["Content-Disposition"] == f'attachment; filename="echos-graph-co-participation.{suffix}"'
    assert len(response.data) > 100


def test_gexf_export_holds_exactly_the_filtered_view(client, graph) -> None:
    query = "view=co-participation&sector=GOV&sector=RES&min_weight=0.1&color=country&size=pagerank"
    G = nx.read_gexf(io.BytesIO(client.get(f"/network/export.gexf?{query}").data))
    expected = filter_data(explorer_data(load_network(graph)),
                           ExplorerFilter(sectors=frozenset({"GOV", "RES"}), min_weight=0.1))
    ids = [n["id"] for n in expected["nodes"]]
    assert set(G) == set(ids)
    assert {frozenset(e) for e in G.edges()} == {
        frozenset((ids[s], ids[t])) for s, t in zip(expected["edges"]["source"], expected["edges"]["target"])}
    assert {d["sector"] for _, d in G.nodes(data=True)} <= {"GOV", "RES"}
    assert all("viz" in d or "size" in d.get("viz", {"size": 1}) for _, d in G.nodes(data=True))


def test_export_of_the_two_mode_view_filtered_by_hub(client) -> None:
    response = client.get("/network/export.graphml?view=organisation-initiative&hub=id:hub/NO")
    G = nx.read_graphml(io.BytesIO(response.data))
    kinds = {d["kind"] for _, d in G.nodes(data=True)}
    assert kinds == {"organisation", "initiative"}
    assert all("Norway" in d["hubs"] for _, d in G.nodes(data=True) if d["kind"] == "organisation")


@pytest.mark.parametrize(("query", "message"), [
    ("sector=XYZ", "no sector XYZ"),
    ("min_weight=lots", "is not a number"),
    ("color=taste", "color='taste' is not available"),
    ("view=galaxy", "view='galaxy' is not available"),
])
def test_export_with_a_bad_parameter_says_which(client, query: str, message: str) -> None:
    response = client.get(f"/network/export.gexf?{query}", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_export_of_an_unknown_format_is_not_found(client) -> None:
    assert client.get("/network/export.exe").status_code == 404


def test_nav_links_to_the_explorer(client) -> None:
    assert 'href="/network"' in client.get("/").get_data(as_text=True)


# -- names are text, never markup -----------------------------------------------------------------


def test_organisation_named_like_markup_is_data_in_json_and_escaped_in_every_export(evil_client) -> None:
    data = evil_client.get("/network/data.json").get_json()
    evil = next(n for n in data["nodes"] if n["label"] == EVIL)
    assert evil["measures"]["degree"] > 0
    page = evil_client.get("/network").get_data(as_text=True)
    assert "<script>alert" not in page

    gexf = evil_client.get("/network/export.gexf").data
    assert b"<script>" not in gexf
    assert EVIL in {d["label"] for _, d in nx.read_gexf(io.BytesIO(gexf)).nodes(data=True)}
    graphml = evil_client.get("/network/export.graphml").data
    assert b"<script>" not in graphml
    assert EVIL in {d["label"] for _, d in nx.read_graphml(io.BytesIO(graphml)).nodes(data=True)}

    vos = json.loads(evil_client.get("/network/export.vosviewer.json").data)
    item = next(i for i in vos["network"]["items"] if i["label"] == EVIL)
    assert "<script>" not in json.dumps([i.get("description", "") for i in vos["network"]["items"]])
    assert item["weights"]["Links"] == evil["measures"]["degree"]

    rows = list(csv.DictReader(io.StringIO(evil_client.get("/network/export.nodes.csv").data.decode())))
    assert EVIL in {r["label"] for r in rows}
    ties = list(csv.DictReader(io.StringIO(evil_client.get("/network/export.edges.csv").data.decode())))
    assert sum(EVIL in (r["source_label"], r["target_label"]) for r in ties) == evil["measures"]["degree"]


def test_characters_xml_cannot_hold_are_dropped_from_xml_exports() -> None:
    G = nx.Graph()
    G.add_node("a", label="bell\x07 and form feed\x0c")
    G.add_edge("a", "b", weight=1.0, count=1)
    for fmt, read in (("gexf", nx.read_gexf), ("graphml", nx.read_graphml)):
        back = read(io.BytesIO(write_network(G, fmt)))
        assert back.nodes["a"]["label"] == "bell and form feed"


def test_vosviewer_export_follows_its_json_format(graph) -> None:
    data = explorer_data(load_network(graph))
    document = json.loads(write_network(explorer_graph(data), "vosviewer"))
    items, links = document["network"]["items"], document["network"]["links"]
    assert [i["id"] for i in items] == list(range(1, len(data["nodes"]) + 1))
    assert all(1 <= i.get("cluster", 1) <= 1000 and i["weights"]["Links"] >= 0 for i in items)
    assert len(links) == len(data["edges"]["source"]) and all(link["strength"] > 0 for link in links)


def test_unknown_network_format_is_refused() -> None:
    from echos_graph.errors import DataError

    with pytest.raises(DataError, match="unknown network format 'pdf'"):
        write_network(nx.Graph(), "pdf")


# -- the command ----------------------------------------------------------------------------------


def test_export_network_command_writes_what_the_web_export_gives(runner, client, built_dir, tmp_path) -> None:
    out = tmp_path / "gov.gexf"
    result = runner.invoke(cli, ["export-network", "--store", str(built_dir), "--sector", "GOV", "--hide-isolates",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    web = client.get("/network/export.gexf?sector=GOV&hide_isolates=1")
    assert set(nx.read_gexf(out)) == set(nx.read_gexf(io.BytesIO(web.data)))
    assert len(nx.read_gexf(out)) > 0


def test_export_network_command_to_standard_output_as_csv(runner, built_dir) -> None:
    # In the bundled data every pair shares one initiative; weights run from 1/17 (an initiative of 18 partners) to 1.
    result = runner.invoke(cli, ["export-network", "--store", str(built_dir), "--format", "edges-csv",
                                 "--min-weight", "0.2", "--min-count", "1"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and all(float(r["weight"]) >= 0.2 and int(r["count"]) >= 1 for r in rows)


def test_export_network_command_with_a_value_the_view_lacks_exits_2(runner, built_dir) -> None:
    result = runner.invoke(cli, ["export-network", "--store", str(built_dir), "--country", "ZZ"])
    assert result.exit_code == 2
    assert "no country ZZ in this view" in result.output


def test_first_request_of_a_generation_answers_202_until_the_view_is_ready(store_copy, tmp_path) -> None:
    import time

    from echos_graph.web import create_app

    app = create_app({"TESTING": True, "STORE": str(store_copy.path), "DOCS_DIR": str(tmp_path / "docs"),
                      "EXPLORER_WAIT": 0})
    client = app.test_client()
    first = client.get("/network/data.json")
    assert first.status_code == 202 and first.headers["Retry-After"] == "2"
    assert first.get_json()["status"] == "computing"
    deadline = time.monotonic() + 60
    while (response := client.get("/network/data.json")).status_code == 202 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert response.status_code == 200
    assert response.get_json() == explorer_data(load_network(store_copy))


@pytest.mark.parametrize(("fmt", "write", "read"), [
    ("gexf", nx.write_gexf, nx.read_gexf),
    ("graphml", nx.write_graphml, nx.read_graphml),
])
def test_xml_exports_read_back_as_networkx_own_writers_do(graph, fmt, write, read) -> None:
    # The writers build text in one pass (about 10 times faster than NetworkX's element trees at 225,000 ties);
    # NetworkX's writers are the reference: both files read back to the same graph.
    G = explorer_graph(explorer_data(load_network(graph)), color="country", size="betweenness")
    reference = io.BytesIO()
    write(G if fmt == "gexf" else _without_viz(G), reference)
    ours, theirs = read(io.BytesIO(write_network(G, fmt))), read(io.BytesIO(reference.getvalue()))
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
    assert {frozenset((u, v)): d for u, v, d in ours.edges(data=True)} == {
        frozenset((u, v)): d for u, v, d in theirs.edges(data=True)}


def _without_viz(G: nx.Graph) -> nx.Graph:
    H = nx.Graph()
    H.add_nodes_from((v, {k: x for k, x in d.items() if k != "viz"}) for v, d in G.nodes(data=True))
    H.add_edges_from(G.edges(data=True))
    return H
