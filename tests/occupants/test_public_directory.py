"""The public structures directory and a structure's public page."""

import io
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from occupants.models import Occupancy, Sector, Structure
from sites.models import Site
from tests.factories import SiteFactory, SpaceFactory
from tests.occupants.test_public_builders import (
    PRIVATE_CONTACT,
    bulk_occupants,
    make_structure,
    occupy,
)

pytestmark = pytest.mark.django_db

URL = "/structures/"


def text(response) -> str:
    assert response.status_code == 200
    return response.text.replace("&#x27;", "'")


@pytest.fixture
def world():
    """Two published sites and a hidden one; four public structures and a private one."""
    friche = SiteFactory(name="Friche Lumière", slug="friche-lumiere", commune="Asnières-sur-Seine")
    halle = SiteFactory(name="Halle aux Cuirs", slug="halle-aux-cuirs", commune="Montreuil")
    hidden = SiteFactory(name="Entrepôt Confidentiel", slug="entrepot", published=False)
    tissage = make_structure(
        "Atelier Tissage",
        sectors=("textile",),
        commune="Asnières-sur-Seine",
        postal_code="92600",
        description="Tissage à la main de laines recyclées.",
        website="https://tissage.example.org/",
        legal_form="cooperative",
        people_count=4,
    )
    occupy(tissage, friche, (SpaceFactory(site=friche),))
    occupy(tissage, hidden, (SpaceFactory(site=hidden),))
    bijoux = make_structure(
        "Bijoux du Square",
        sectors=("joaillerie", "design"),
        commune="Montreuil",
        postal_code="93100",
    )
    occupy(bijoux, halle, (SpaceFactory(site=halle),))
    today = timezone.localdate()
    ancienne = make_structure(
        "Ancienne Fanfare", sectors=("musique",), commune="Paris", postal_code="75012"
    )
    occupy(ancienne, friche, start=today - timedelta(days=400), end=today - timedelta(days=2))
    make_structure("Sans Lieu", sectors=(), commune="", postal_code="")
    discret = make_structure(
        "Collectif Discret",
        sectors=("textile",),
        public=False,
        commune="Saint-Denis",
        postal_code="93200",
    )
    occupy(discret, friche, (SpaceFactory(site=friche),))
    return locals()


def names(html: str) -> list[str]:
    return re.findall(r'<a class="card-link" href="/structures/[^"]+/">([^<]+)</a>', html)


# -- Directory ---------------------------------------------------------------------------------


def test_directory_lists_public_structures_only_by_name(client, world):
    html = text(client.get(URL))
    assert names(html) == ["Ancienne Fanfare", "Atelier Tissage", "Bijoux du Square", "Sans Lieu"]
    assert "Collectif Discret" not in html
    assert "Saint-Denis" not in html  # only the private structure comes from there
    assert '<h2 id="results-count" class="results-count">4 structures</h2>' in html


def test_directory_never_shows_contact_details(client, world):
    html = text(client.get(URL))
    for value in PRIVATE_CONTACT.values():
        assert value not in html


def test_card_shows_commune_sectors_and_published_sites_occupied_today(client, world):
    html = text(client.get(URL))
    card = html.split("Atelier Tissage</a>")[1].split("</article>")[0]
    assert "Asnières-sur-Seine (92)" in card
    assert "Textile" in card
    assert "Occupe : Friche Lumière" in card
    assert "Entrepôt Confidentiel" not in html  # unpublished site
    fanfare = html.split("Ancienne Fanfare</a>")[1].split("</article>")[0]
    assert "Occupe" not in fanfare  # its occupancy has ended


def test_a_card_shows_the_logo_or_only_text_never_a_made_up_initial(client, world):
    logo = io.BytesIO()
    Image.new("RGB", (300, 200), (15, 92, 79)).save(logo, "PNG")
    world["bijoux"].logo.save("bijoux.png", ContentFile(logo.getvalue()), save=True)
    html = text(client.get(URL))
    bijoux = html.split('<article class="card structure-card')[1:]
    cards = {re.search(r'class="card-link"[^>]*>([^<]+)<', card)[1]: card for card in bijoux}
    assert '<img src="/media/structures/thumbs/' in cards["Bijoux du Square"]
    tissage = cards["Atelier Tissage"]
    assert "<img" not in tissage and "placeholder" not in tissage
    assert not re.search(r">\s*A\s*<", tissage), "no lone initial of the name"
    assert '<span class="badge badge-sector">Textile</span>' in tissage


def test_a_card_and_the_filter_fields_show_each_change_at_once_though_cached(client, world):
    # Their HTML is cached under every value they show and the language.
    def card(html: str, name: str) -> str:
        return html.split(f"{name}</a>")[1].split("</article>")[0]

    def form(html: str) -> str:
        return html.split('id="filter-form"')[1].split("</form>")[0]

    html = text(client.get(URL))
    assert "Textile" in card(html, "Atelier Tissage")
    assert "Céramique" not in form(html)
    Structure.objects.filter(name="Atelier Tissage").update(description="Des tapis.")
    Sector.objects.filter(slug="textile").update(name="Fibres")
    Site.objects.filter(slug="friche-lumiere").update(name="Friche Soleil")
    Sector.objects.create(slug="ceramique", name="Céramique")
    html = text(client.get(URL))
    tissage = card(html, "Atelier Tissage")
    assert "Des tapis." in tissage
    assert "Fibres" in tissage
    assert "Textile" not in tissage
    assert "Occupe : Friche Soleil" in tissage
    assert "Fibres" in form(html)
    assert '<option value="ceramique">Céramique</option>' in form(html)
    english = text(client.get(URL, headers={"accept-language": "en"}))
    assert "Occupies: Friche Soleil" in card(english, "Atelier Tissage")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"sector": "textile"}, ["Atelier Tissage"]),
        ({"sector": "design"}, ["Bijoux du Square"]),
        ({"site": "friche-lumiere"}, ["Atelier Tissage"]),
        ({"site": "halle-aux-cuirs"}, ["Bijoux du Square"]),
        ({"q": "laines"}, ["Atelier Tissage"]),
        ({"q": "BIJOUX"}, ["Bijoux du Square"]),
        ({"q": "bijoux", "sector": "textile"}, []),
        ({"q": "paris"}, ["Ancienne Fanfare"]),  # the structure's commune
        ({"q": "friche"}, ["Atelier Tissage"]),  # a site it occupies today, by name
        ({"q": "montreuil"}, ["Bijoux du Square"]),  # its commune and its site's
        ({"q": "confidentiel"}, []),  # an unpublished site is never searched
        ({"site": "friche-lumiere", "q": "tissage"}, ["Atelier Tissage"]),
    ],
)
def test_filters_narrow_the_list(client, world, params, expected):
    assert names(text(client.get(URL, params))) == expected


def test_form_lists_no_site_and_no_commune_whatever_their_number(client, world):
    html = text(client.get(URL))
    assert '<select name="site"' not in html
    assert '<select name="commune"' not in html
    assert "Halle aux Cuirs" not in html.split('id="filter-form"')[1].split("</form>")[0]


def test_site_filter_names_the_site_and_keeps_it_when_filtering_again(client, world):
    html = text(client.get(URL, {"site": "friche-lumiere"}))
    form = html.split('id="filter-form"')[1].split("</form>")[0]
    assert "Lieu occupé : Friche Lumière" in form
    assert '<input type="hidden" name="site" value="friche-lumiere">' in form
    assert '<a href="?">Retirer ce filtre</a>' in form


def test_site_filter_refuses_an_unpublished_site_and_echoes_nothing(client, world):
    html = text(client.get(URL, {"site": "entrepot"}))
    assert 'name="site"' not in html
    assert "Entrepôt Confidentiel" not in html


def test_filter_form_has_a_label_for_every_visible_field(client, world):
    html = text(client.get(URL))
    for field in ["q", "sector"]:
        assert f'<label for="id_{field}">' in html
    assert '<form method="get" action="/structures/"' in html


def test_no_result_shows_an_empty_state_with_a_reset_link(client, world):
    html = text(client.get(URL, {"q": "introuvable"}))
    assert "0 structure</h2>" in html
    assert "Aucune structure ne correspond à ces critères." in html
    assert '<a href="/structures/">Réinitialiser les filtres' in html


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("sector", "inconnu"),
        ("site", "entrepot"),  # unpublished: not a choice
        ("site", "1' OR '1'='1"),
        ("site", "<script>alert(1)</script>"),
        ("q", "x" * 500),
    ],
)
def test_junk_filter_values_show_a_french_error_and_are_ignored(client, world, name, value):
    response = client.get(URL, {name: value})
    html = text(response)
    assert 'class="message message-error" role="alert"' in html
    assert "<script>alert(1)</script>" not in html
    assert len(names(html)) == 4


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1.5"])
def test_junk_page_numbers_show_a_page_instead_of_failing(client, world, page):
    assert client.get(URL, {"page": page}).status_code == 200


@pytest.mark.parametrize(("name", "value"), [("q", "nul\x00caractère"), ("sector", "\x00")])
def test_a_nul_byte_in_a_filter_is_a_bad_request(client, world, name, value):
    assert client.get(URL, {name: value}).status_code == 400


def test_unknown_parameters_are_ignored(client, world):
    assert len(names(text(client.get(URL, {"utm_source": "x", "sector[]": "a"})))) == 4


def test_directory_shows_24_structures_per_page(client):
    site = SiteFactory(name="Grand lieu")
    bulk_occupants(site, 60)  # two in three are public: 40
    first = text(client.get(URL))
    assert len(names(first)) == settings.DIRECTORY_PAGE_SIZE == 24
    assert "40 structures" in first
    assert "Page 1 sur 2" in first
    assert 'href="?page=2" rel="next"' in first
    second = text(client.get(URL, {"page": 2}))
    assert len(names(second)) == 16
    assert "Annuaire des structures · page 2 · Interstices</title>" in second


def test_directory_counts_up_to_the_limit_and_says_there_are_more(client, settings):
    settings.DIRECTORY_COUNT_LIMIT = 30
    bulk_occupants(SiteFactory(name="Grand lieu"), 60)  # 40 public
    html = text(client.get(URL))
    assert "Plus de 30 structures" in html
    assert "Page 1</span>" in html
    assert "Seuls les 30 premiers" in text(client.get(URL, {"page": "2"}))


def test_directory_has_a_title_description_and_filtered_pages_are_not_indexed(client, world):
    html = text(client.get(URL))
    assert "<title>Annuaire des structures · Interstices</title>" in html
    assert re.search(r'<meta name="description" content="[^"]{40,}">', html)
    assert '<link rel="canonical" href="' + settings.SITE_URL + '/structures/">' in html
    assert "noindex" not in html
    assert '<meta name="robots" content="noindex, follow">' in text(
        client.get(URL, {"sector": "textile"})
    )


def test_header_links_to_the_directory_and_marks_it_current(client, world):
    html = text(client.get(URL))
    assert '<a href="/structures/" aria-current="page">Structures</a>' in html
    home = text(client.get("/"))
    assert '<a href="/structures/">Structures</a>' in home


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sector": "textile", "site": "grand-lieu", "q": "structure"},
        {"q": "grand lieu"},
        {"sector": "zzz", "page": "abc"},
    ],
)
def test_directory_query_count_does_not_grow_with_the_number_of_structures(client, params):
    site = SiteFactory(name="Grand lieu", slug="grand-lieu")
    other = SiteFactory(name="Autre lieu", slug="autre-lieu")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        return len(queries)

    bulk_occupants(site, 5)
    few = count()
    bulk_occupants(site, 100)
    bulk_occupants(other, 95, sector_slugs=("musique",))
    many = count()
    assert few == many
    assert many <= 9


# -- Structure page ----------------------------------------------------------------------------


def test_structure_page_presents_a_public_structure(client, world):
    html = text(client.get("/structures/atelier-tissage/"))
    assert "<h1>Atelier Tissage</h1>" in html
    assert "<title>Atelier Tissage · Asnières-sur-Seine · Interstices</title>" in html
    assert '<meta name="description" content="Tissage à la main de laines recyclées.">' in html
    assert "<p>Tissage à la main de laines recyclées.</p>" in html
    assert 'href="https://tissage.example.org/"' in html
    assert "Coopérative (SCIC, SCOP)" in html
    assert '<a href="/structures/?sector=textile">Textile</a>' in html
    assert '<a href="/lieux/friche-lumiere/">Friche Lumière</a>' in html
    assert "Entrepôt Confidentiel" not in html


def test_structure_page_never_shows_contact_or_siret(client, world):
    structure = world["tissage"]
    structure.siret = "73282932000074"
    structure.save()
    html = text(client.get(structure.get_absolute_url()))
    for value in [*PRIVATE_CONTACT.values(), "73282932000074", "06 11 22 33 44"]:
        assert value not in html
    assert "Camille" not in html


def test_private_or_unknown_structure_answers_404(client, world):
    assert client.get("/structures/collectif-discret/").status_code == 404
    assert client.get("/structures/personne/").status_code == 404
    assert client.get("/structures/atelier-tissage/", {"x": "1"}).status_code == 200


def test_structure_without_a_current_site_says_so(client, world):
    html = text(client.get("/structures/ancienne-fanfare/"))
    assert "Cette structure n'occupe actuellement aucun lieu publié." in html
    assert "Friche Lumière" not in html


def test_cancelled_occupancy_is_not_listed(client, world):
    Occupancy.objects.filter(structure=world["bijoux"]).update(status=Occupancy.Status.CANCELLED)
    html = text(client.get("/structures/bijoux-du-square/"))
    assert "Halle aux Cuirs" not in html


def test_structure_page_query_count_does_not_grow_with_its_sites(client, world):
    structure = world["tissage"]

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(structure.get_absolute_url()).status_code == 200
        return len(queries)

    few = count()
    for i in range(10):
        site = SiteFactory(name=f"Lieu {i}")
        occupy(structure, site, (SpaceFactory(site=site),))
    many = count()
    assert few == many


def test_only_get_is_allowed(client, world):
    assert client.post(URL).status_code == 405
    assert client.post("/structures/atelier-tissage/").status_code == 405


# -- Sitemap -----------------------------------------------------------------------------------


def test_sitemap_lists_the_directory_and_public_structures_only(client, world):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = {re.sub(r"^https?://[^/]+", "", loc.text) for loc in tree.findall("s:url/s:loc", ns)}
    assert {"/structures/", "/structures/atelier-tissage/", "/structures/sans-lieu/"} <= paths
    assert "/structures/collectif-discret/" not in paths
