"""The network explorer in a real browser (Debian's Chromium, WebGL by SwiftShader), served by gunicorn.

Each test saves a screenshot of the state it checks in the artifacts folder
(``var/test-artifacts`` by default) for a person to look at.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import networkx as nx
import pytest

from echos_graph import open_store
from echos_graph.analysis import (
    co_participation_graph,
    load_network,
    organisation_initiative_graph,
)
from echos_graph.ingest import ingest_source

EVIL = '<script>alert(1)</script> & "Ltd"'
AWKWARD = Path(__file__).resolve().parent / "data" / "cordis-awkward"
OSLO = "https://w3id.org/echos-graph/id/organisation/NO/oslo-cancer-cluster"


@pytest.fixture(scope="module")
def projection(built_dir):
    """The library's co-participation projection of the bundled data: what the page must show."""
    return co_participation_graph(load_network(open_store(built_dir)))


@pytest.fixture()
def console_errors(page):
    """Errors the page logs (a missing favicon aside) or throws."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "favicon" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("html[data-explorer=ready]", state="attached", timeout=60_000)


def _shown(page) -> int:
    return int(page.get_attribute("#graph", "data-nodes-shown"))


def _inked(png: bytes) -> int:
    """Count the pixels of a screenshot that are not white: the drawing's nodes, ties and labels."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    return sum(count for level, count in enumerate(image.histogram()) if level < 240)


def test_explorer_draws_every_node_of_the_library_projection(served, page, artifacts, projection, console_errors) -> None:
    _open(page, served + "/network")
    assert _shown(page) == projection.number_of_nodes()
    assert int(page.get_attribute("#graph", "data-edges-shown")) == projection.number_of_edges()
    assert page.inner_text("#status").startswith(f"Showing {projection.number_of_nodes()} of")
    page.screenshot(path=str(artifacts / "explorer-all.png"))
    assert _inked(page.locator("#graph").screenshot()) > 2_000
    assert page.foreign_requests == []
    assert console_errors == []


def test_sector_filter_reduces_the_nodes_and_stays_in_the_address(served, page, artifacts, projection) -> None:
    _open(page, served + "/network")
    boxes = page.locator("#filter-sector input")
    for i in range(boxes.count()):
        if boxes.nth(i).get_attribute("value") != "GOV":
            boxes.nth(i).uncheck()
    government = sum(1 for _, d in projection.nodes(data=True) if d["sector"] == "GOV")
    assert 0 < _shown(page) == government < projection.number_of_nodes()
    assert "sector=GOV" in page.url
    page.screenshot(path=str(artifacts / "explorer-filter-gov.png"))
    _open(page, page.url)  # the address restores the filter
    assert _shown(page) == government


def test_legend_entry_hides_its_sector_by_keyboard(served, page, artifacts, projection) -> None:
    _open(page, served + "/network")
    entry = page.locator("#legend button", has_text="Industry")
    entry.focus()
    page.keyboard.press("Enter")
    industry = sum(1 for _, d in projection.nodes(data=True) if d["sector"] == "IND")
    assert _shown(page) == projection.number_of_nodes() - industry
    assert entry.get_attribute("aria-pressed") == "false"
    assert not page.locator("#filter-sector input[value=IND]").is_checked()
    page.screenshot(path=str(artifacts / "explorer-legend-hide-industry.png"))
    page.keyboard.press("Space")
    assert _shown(page) == projection.number_of_nodes()


def test_search_highlights_a_node_and_its_partners(served, page, artifacts, projection) -> None:
    _open(page, served + "/network")
    page.focus("#search")
    page.keyboard.type("oslo cancer")
    page.keyboard.press("Enter")
    page.wait_for_timeout(600)  # the camera moves to the node
    highlighted = page.evaluate("() => window.explorer.highlighted()")
    assert highlighted["node"] == OSLO
    assert set(highlighted["neighbours"]) == set(projection[OSLO])
    assert page.inner_text("#panel h2") == projection.nodes[OSLO]["label"]
    partners = page.locator("#panel ol.neighbours li")
    assert partners.count() == projection.degree(OSLO)
    page.screenshot(path=str(artifacts / "explorer-search-oslo.png"))
    # a partner in the side panel is a button: the keyboard moves the selection along a tie
    partners.first.locator("button").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.explorer.highlighted().node") != OSLO


def test_gexf_export_holds_the_nodes_shown(served, page, artifacts, tmp_path) -> None:
    _open(page, served + "/network")
    page.select_option("#filter-country", ["NO", "SE"])
    shown = page.evaluate("() => window.explorer.shownNodeIds()")
    assert 0 < len(shown) == _shown(page)
    with page.expect_download() as download:
        page.click("#exports a[data-suffix=gexf]")
    path = tmp_path / "shown.gexf"
    download.value.save_as(path)
    G = nx.read_gexf(path)
    assert set(G) == set(shown)
    assert G.number_of_edges() == int(page.get_attribute("#graph", "data-edges-shown"))
    page.screenshot(path=str(artifacts / "explorer-filter-no-se.png"))


def test_png_export_is_a_snapshot_of_the_drawing(served, page, artifacts, tmp_path) -> None:
    _open(page, served + "/network?color=community&size=pagerank")
    with page.expect_download() as download:
        page.click("#export-png")
    path = artifacts / "explorer-export.png"
    download.value.save_as(path)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000


def test_two_mode_view_draws_organisations_and_initiatives(served, page, artifacts, built_dir) -> None:
    _open(page, served + "/network")
    page.select_option("#view", "organisation-initiative")
    page.wait_for_selector("html[data-explorer=ready]", state="attached")
    page.wait_for_function("() => new URLSearchParams(location.search).get('view') === 'organisation-initiative'")
    B = organisation_initiative_graph(load_network(open_store(built_dir)))
    assert _shown(page) == B.number_of_nodes()
    assert "initiatives" in page.inner_text("#status")
    page.screenshot(path=str(artifacts / "explorer-two-mode.png"))


# -- an organisation named like markup -----------------------------------------------------------


@pytest.fixture(scope="module")
def served_evil(built_dir, tmp_path_factory):
    """`echos-graph serve` on a store copy with an organisation named like an HTML injection."""
    work = tmp_path_factory.mktemp("evil")
    store_dir = work / "graph"
    shutil.copytree(built_dir, store_dir)
    folder = work / "cordis"
    shutil.copytree(AWKWARD, folder)
    orgs = folder / "organization.csv"
    orgs.write_text(orgs.read_text(encoding="utf-8-sig").replace("Synthetic University 00001", EVIL.replace('"', '""')),
                    encoding="utf-8")
    ingest_source(open_store(store_dir), "cordis", str(folder))
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src"),
           "ECHOS_GRAPH_CACHE": str(work / "cache")}
    with open(work / "server.log", "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "echos_graph.cli", "serve", "--store", str(store_dir),
                                 "--port", str(port), "--workers", "1"], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "/sparql?query=ASK%7B%7D", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail((work / "server.log").read_text())
            time.sleep(0.3)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_organisation_named_like_markup_is_shown_as_text(served_evil, page, artifacts, tmp_path, console_errors) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(page, served_evil + "/network?color=community")
    page.fill("#search", "<script>")
    page.press("#search", "Enter")
    page.wait_for_timeout(600)
    assert page.inner_text("#panel h2") == EVIL
    assert "&lt;script&gt;" in page.inner_html("#panel h2")
    assert page.locator("#search-results button").first.inner_text() == EVIL
    assert page.locator("#panel script").count() == 0 and page.locator("#search-results script").count() == 0
    page.screenshot(path=str(artifacts / "explorer-markup-name.png"))
    # a partner's panel lists it as text as well
    page.locator("#panel ol.neighbours button").first.click()
    partner_names = page.locator("#panel ol.neighbours button > span:first-child").all_inner_texts()
    assert EVIL in partner_names
    with page.expect_download() as download:
        page.click("#exports a[data-suffix=gexf]")
    path = tmp_path / "evil.gexf"
    download.value.save_as(path)
    assert EVIL in {d["label"] for _, d in nx.read_gexf(path).nodes(data=True)}
    assert dialogs == []
    assert console_errors == []
    assert page.foreign_requests == []


def test_the_hub_page_link_opens_the_explorer_on_the_hubs_members(served, page, artifacts) -> None:
    page.goto(served + "/id/hub/NO")
    page.get_by_role("link", name="network explorer").click()
    page.wait_for_selector("html[data-explorer=ready]", state="attached", timeout=60_000)
    # data/hub_memberships.csv lists 14 members of the Norwegian hub, all in the co-participation view.
    assert _shown(page) == 14
    page.screenshot(path=str(artifacts / "explorer-hub-NO.png"))
