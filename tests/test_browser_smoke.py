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
