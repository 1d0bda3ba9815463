"""Pages run under the Content Security Policy without tripping it: scripts, styles and data
come from the app itself, and no inline script or style needs an exception."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/lieux/",
        "/lieux/?departement=93",
        "/lieux/friche-lumiere/",
        "/compte/connexion/",
        "/accessibilite/",
    ],
)
def test_page_loads_under_csp_without_violation(page, page_problems, directory, path):
    response = page.goto(path)
    assert response.status == 200
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, csp
    page.wait_for_load_state("networkidle")

    scripts = page.eval_on_selector_all(
        "script", "els => els.map(s => ({src: s.src, type: s.type, inline: !s.src}))"
    )
    executable = [s for s in scripts if s["type"] in ("", "module", "text/javascript")]
    inline = [s for s in executable if s["inline"]]
    foreign = [
        s["src"] for s in executable if s["src"] and not s["src"].startswith(page_problems.origin)
    ]
    assert not inline, "inline <script> blocks would be refused by the CSP"
    assert not foreign, f"scripts from another origin: {foreign}"
    # The conftest fails the test on any CSP violation or JS error logged by the page.
    assert not page_problems.csp


def test_only_third_party_requests_are_map_tiles(page, page_problems, directory):
    page.goto("/lieux/")
    expect(page.locator("#directory-map .leaflet-marker-icon")).to_have_count(4)
    page.wait_for_load_state("networkidle")
    tile_host = urlsplit(settings.MAP_TILE_URL.replace("{s}", "a")).hostname.split(".", 1)[-1]
    others = [
        url for url in page_problems.blocked if not urlsplit(url).hostname.endswith(tile_host)
    ]
    assert page_problems.blocked, "the map should have asked for tiles"
    assert not others, f"requests to third parties other than the tile server: {others}"


def test_harness_reports_an_inline_script_refused_by_the_app_csp(page, page_problems, live_server):
    # Guards the guard: if Chromium changed its console wording, every CSP check above would
    # pass silently. The probe page is served with the app's own CSP header.
    csp = page.request.get("/accessibilite/").headers["content-security-policy"]
    page.route(
        "**/__csp-probe__",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            headers={"Content-Security-Policy": csp},
            body="<!doctype html><title>sonde</title><script>document.title = 'exécuté'</script>",
        ),
    )
    page.goto("/__csp-probe__")
    expect(page).to_have_title("sonde")
    assert any("inline script" in v for v in page_problems.csp), page_problems.csp
    page_problems.csp.clear()
