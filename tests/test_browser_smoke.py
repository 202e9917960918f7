"""The served home page renders in a real browser (Debian's Chromium) with no request off our host."""

from __future__ import annotations


def test_home_page_renders_in_chromium_with_no_foreign_requests(served, page, artifacts):
    response = page.goto(served + "/")
    assert response is not None and response.status == 200
    assert page.locator("h1").first.inner_text().strip()
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    assert page.foreign_requests == []


def test_webgl_is_available_to_the_explorer(served, page):
    page.goto(served + "/")
    has_webgl = page.evaluate("() => !!document.createElement('canvas').getContext('webgl2')")
    assert has_webgl, "sigma.js needs WebGL; headless Chromium must run with SwiftShader"


def test_a_saved_query_is_found_filled_in_and_run_from_the_catalogue_page(served, page, artifacts):
    page.goto(served + "/queries")
    page.get_by_role("link", name="Organisations by country").click()
    page.get_by_label("country (iri)").fill("id:country/NO")
    page.get_by_role("button", name="Run").click()
    assert page.url.endswith("/queries/organisations-by-country?country=id%3Acountry%2FNO")
    countries = page.locator("#answer ~ div table tbody tr td:nth-child(2)").all_inner_texts()
    assert countries and set(countries) == {"NO"}  # every row of the answer is Norwegian
    page.screenshot(path=str(artifacts / "saved-query.png"), full_page=True)
    assert page.foreign_requests == []
