"""The query editor in a real browser (Debian's Chromium): YASGUI on our endpoint, nothing off our host."""

from __future__ import annotations

import csv

import pytest

from echos_graph.resources import data_dir, node_modules_dir

pytestmark = pytest.mark.skipif(
    not (node_modules_dir() / "@zazuko" / "yasgui").is_dir(),
    reason="node_modules/ is not installed: `make install` runs npm ci",
)

ACTIVE = ".tabPanel.active"


def _open_editor(page, served: str) -> list[str]:
    """Load /query, wait for YASGUI, and return the list that collects script errors and failed responses.

    Chromium's favicon probe is no response of the page; its 404 shows only as a console
    "Failed to load resource", so those messages are left to the response listener.
    """
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    response = page.goto(served + "/query")
    assert response is not None and response.status == 200
    page.wait_for_selector(f"{ACTIVE} .CodeMirror", timeout=20_000)
    return errors


def _hub_memberships() -> list[dict[str, str]]:
    with open(data_dir() / "hub_memberships.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_editor_runs_a_saved_query_against_our_endpoint_and_shows_its_rows(served, page, artifacts):
    errors = _open_editor(page, served)
    assert not page.locator("#plain-form").is_visible()  # YASGUI takes the place of the plain form
    page.click("a.open-query[data-name='organisations-by-hub']")
    page.wait_for_selector(".tab.active >> text=Organisations by hub")
    assert "PREFIX org: <http://www.w3.org/ns/org#>" in page.evaluate(
        "() => window.echosGraphEditor.getTab().getQuery()")
    with page.expect_request(lambda r: r.url == served + "/sparql" and r.method == "POST") as sent:
        page.click(f"{ACTIVE} .yasqe_queryButton")
    assert "organisations-by-hub" not in sent.value.post_data  # the query text, not a name
    rows = page.locator(f"{ACTIVE} .yasr table tbody tr")
    rows.first.wait_for(timeout=20_000)
    # hub_memberships.csv: 21 memberships, each member with one sector, so one row each.
    assert rows.count() == len(_hub_memberships()) == 21
    assert page.locator(f"{ACTIVE} .yasr table tbody", has_text="SINTEF").count() == 1
    page.screenshot(path=str(artifacts / "editor.png"), full_page=False)
    assert page.foreign_requests == []
    assert errors == []  # no script error, no policy violation, no failed request


def test_share_link_reopens_the_query_in_the_editor(served, page):
    _open_editor(page, served)
    page.click("a.open-query[data-name='coordinators-by-country']")
    page.wait_for_selector(".tab.active >> text=Coordinators by country")
    link = page.evaluate("() => window.echosGraphEditor.getTab().getShareableLink()")
    assert link.startswith(served + "/query")
    query = page.evaluate("() => window.echosGraphEditor.getTab().getQuery()")

    other = page.context.browser.new_context()  # another person: no tabs in localStorage
    try:
        shared = other.new_page()
        shared.goto(link)
        shared.wait_for_selector(f"{ACTIVE} .CodeMirror", timeout=20_000)
        assert shared.evaluate("() => window.echosGraphEditor.getTab().getQuery()") == query
        assert shared.evaluate("() => window.echosGraphEditor.getTab().getEndpoint()") == served + "/sparql"
        shared.click(f"{ACTIVE} .yasqe_queryButton")
        rows = shared.locator(f"{ACTIVE} .yasr table tbody tr")
        rows.first.wait_for(timeout=20_000)
        assert rows.count() == 9  # the 9 coordinator rows of participations.csv, one initiative each
    finally:
        other.close()


def test_saved_query_link_opened_in_a_new_window_opens_the_query_there(served, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(served + "/query")
        href = page.get_attribute("a.open-query[data-name='hub-missing-sectors']", "href")
        assert href.startswith("/query?query=")  # YASGUI reads the query string when there is no #fragment
        page.goto(served + href)
        page.wait_for_selector(".tab.active >> text=Missing sectors per hub", timeout=20_000)
        text = page.evaluate("() => window.echosGraphEditor.getTab().getQuery()")
        assert text.startswith("# title: Missing sectors per hub") and "MINUS" in text
    finally:
        context.close()


def test_typing_a_class_name_asks_no_outside_vocabulary_service(served, page):
    """YASQE's own class and property completion asks lov.linkeddata.es; ours completes locally only.

    The page's policy would refuse the connection anyway (it then shows as a console error,
    not as a request), so both are checked.
    """
    errors = _open_editor(page, served)
    page.click(f"{ACTIVE} .CodeMirror")
    page.keyboard.press("Control+A")
    page.keyboard.type("PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT * WHERE { ?s a foaf:Pers", delay=20)
    page.keyboard.press("Control+Space")  # ask for completion of the class
    page.wait_for_timeout(500)
    page.keyboard.type("on . ?s foaf:na", delay=20)
    page.keyboard.press("Control+Space")  # and of the property
    page.wait_for_timeout(1500)
    assert page.foreign_requests == []
    assert errors == []


def test_without_javascript_the_page_lists_saved_queries_and_a_plain_form(served, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served + "/query")
        assert page.locator("#plain-form textarea[name=query]").is_visible()
        assert page.locator("#plain-form form[action='/sparql'][method=post]").count() == 1
        assert page.locator("a.open-query").count() >= 15
        assert page.locator("#q-hub-missing-sectors pre").count() == 1
    finally:
        context.close()
