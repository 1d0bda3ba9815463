import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.conf import settings

from tests.factories import SiteFactory

STATIC = Path(settings.BASE_DIR) / "static"
TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def site(db):
    return SiteFactory(
        name="La Salle des feux",
        slug="salle-des-feux",
        commune="Tourcoing",
        departement="59",
        summary="Une ancienne salle de régulation du trafic ouverte à un service public.",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "<title>Lieux d'occupation temporaire · Interstices</title>"),
        ("/lieux/", "<title>Annuaire des lieux · Interstices</title>"),
        ("/lieux/salle-des-feux/", "<title>La Salle des feux · Tourcoing · Interstices</title>"),
    ],
)
def test_public_pages_have_a_title_description_and_open_graph_tags(client, site, url, title):
    html = client.get(url).text
    assert title in html
    assert re.search(r'<meta name="description" content="[^"]{40,}">', html)
    for prop in ["og:title", "og:description", "og:url", "og:type", "og:site_name"]:
        assert f'<meta property="{prop}" content="' in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}{url}">' in html


@pytest.mark.django_db
def test_site_page_description_is_its_summary(client, site):
    html = client.get(site.get_absolute_url()).text
    assert f'<meta name="description" content="{site.summary}">' in html
    assert '<meta property="og:title" content="La Salle des feux · Tourcoing">' in html


@pytest.mark.django_db
def test_sitemap_lists_published_sites_and_public_pages_only(client, site):
    SiteFactory(slug="brouillon", published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {loc.text for loc in tree.findall("s:url/s:loc", ns)}
    paths = {re.sub(r"^https?://[^/]+", "", loc) for loc in locations}
    assert {"/", "/lieux/", "/accessibilite/", "/lieux/salle-des-feux/"} <= paths
    assert "/lieux/brouillon/" not in paths


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_private_areas_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.text
    assert "Disallow: /admin/" in text
    assert "Disallow: /compte/" in text
    assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", text, re.MULTILINE)
    assert "Disallow: /lieux/" not in text


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/lieux/", "/lieux/salle-des-feux/"])
def test_public_pages_send_a_strict_content_security_policy(client, site, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]
    directives = {}
    for part in filter(None, (p.strip() for p in policy.split(";"))):
        name, _sep, value = part.partition(" ")
        directives[name] = value
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    # Map tiles are the one foreign origin, for images only.
    assert settings.MAP_TILE_ORIGIN in directives["img-src"]


def template_files() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_script_and_no_style_attribute():
    # A JSON-LD data block is never run (an event page's schema.org Event).
    inline_script = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*\btype=\"application/ld\+json\")[^>]*>", re.IGNORECASE
    )
    style_attr = re.compile(r"\sstyle\s*=", re.IGNORECASE)
    event_attr = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
    offenders = []
    for path in template_files():
        text = path.read_text(encoding="utf-8")
        for pattern in (inline_script, style_attr, event_attr):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern.pattern}")
        if re.search(r"<style[\s>]", text, re.IGNORECASE):
            offenders.append(f"{path.relative_to(TEMPLATES)}: <style>")
    assert not offenders, offenders


def test_scripts_load_from_our_own_static_files_and_no_cdn():
    for path in template_files():
        for src in re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", path.read_text(encoding="utf-8")):
            assert src.startswith("{% static "), f"{path}: {src}"
        text = path.read_text(encoding="utf-8").lower()
        for cdn in ["unpkg.com", "jsdelivr", "cdnjs", "googleapis"]:
            assert cdn not in text, f"{path}: {cdn}"


def test_leaflet_and_htmx_are_vendored():
    for name in [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet/images/marker-icon.png",
        "vendor/leaflet/images/marker-icon-2x.png",
        "vendor/leaflet/images/marker-shadow.png",
        "vendor/htmx/htmx.min.js",
        "js/map.js",
        "js/directory.js",
        "css/app.css",
    ]:
        assert (STATIC / name).is_file(), name
    assert 'version="1.9.4"' in (STATIC / "vendor/leaflet/leaflet.js").read_text()


def test_map_script_sets_alt_and_title_on_markers_and_builds_popups_without_html():
    script = (STATIC / "js" / "map.js").read_text()
    assert "alt: label, title: label" in script
    assert "innerHTML" not in script
    assert "textContent" in script
