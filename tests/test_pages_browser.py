"""The pages in a real browser (Debian's Chromium under Playwright): rendered, keyboard-usable, no foreign request.

Each test saves a screenshot in ``artifacts`` for a person to look at.
"""

from __future__ import annotations

import pytest


def _visit(page, url: str):
    response = page.goto(url)
    assert response is not None and response.status == 200
    return response


def test_home_page_shows_the_ways_in(served, page, artifacts) -> None:
    _visit(page, served + "/")
    assert page.locator("h1").inner_text().startswith("The EU Mission on Cancer")
    for name in ("Hubs", "Network", "Queries"):
        assert page.locator(".cards h3", has_text=name).count() == 1
    assert page.locator("caption", has_text="Files of echos-graph bundled real data").is_visible()
    page.screenshot(path=str(artifacts / "pages-home.png"), full_page=True)
    assert page.foreign_requests == []


def test_hub_page_for_norway_shows_missing_sectors_and_recommendations(served, page, artifacts) -> None:
    _visit(page, served + "/hub/NO")
    assert page.url.endswith("/id/hub/NO")
    assert page.locator("h1").inner_text() == "Cancer Mission Hub Norway"
    missing = page.locator("section.gap h3").all_inner_texts()
    assert missing == ["EU and international bodies (INT)", "Patient and citizen organisations (PAT)", "Regulators (REG)"]
    assert page.locator("section.gap .note").first.inner_text().lower().startswith("no organisation of sector int")
    picture = page.locator("figure img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure img').complete")
    assert page.evaluate("() => document.querySelector('figure img').naturalWidth") > 300
    page.screenshot(path=str(artifacts / "pages-hub-NO.png"), full_page=True)
    assert page.foreign_requests == []


def test_hub_page_of_spain_ranks_candidates_with_reasons(served, page, artifacts) -> None:
    _visit(page, served + "/id/hub/ES")
    rows = page.locator("table.recs").first.locator("tbody tr")
    assert rows.count() >= 1
    assert "shares" in rows.first.inner_text() or "same country" in rows.first.inner_text()
    page.screenshot(path=str(artifacts / "pages-hub-ES.png"), full_page=True)


def test_organisation_page_shows_facts_sources_and_network_position(served, page, artifacts) -> None:
    _visit(page, served + "/id/organisation/NO/sintef")
    assert page.locator("h1").inner_text() == "SINTEF"
    facts = page.locator("table.facts tbody tr")
    assert facts.count() >= 5
    assert page.locator("table.facts .badge", has_text="inferred").count() >= 1
    assert page.locator("#measures").is_visible()
    assert page.locator(".stats dt", has_text="Betweenness").count() == 1
    page.screenshot(path=str(artifacts / "pages-organisation-sintef.png"), full_page=True)
    assert page.foreign_requests == []


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(served, page) -> None:
    _visit(page, served + "/hubs")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.className, document.activeElement.getBoundingClientRect().left]")
    assert focused[0] == "skip" and focused[1] >= 0  # visible when focused
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("path", ["/", "/hubs", "/id/hub/NO", "/id/organisation/NO/sintef", "/organisations"])
def test_pages_fit_a_narrow_screen(served, browser, artifacts, path: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    try:
        response = page.goto(served + path)
        assert response is not None and response.status == 200
        width = page.locator("html").evaluate("e => e.scrollWidth")
        assert width <= 360, f"{path} is {width}px wide on a 360px screen"
        if path == "/id/hub/NO":
            page.screenshot(path=str(artifacts / "pages-hub-NO-narrow.png"), full_page=True)
    finally:
        context.close()
