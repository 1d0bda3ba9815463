"""The site page's occupant picture: figures derived from records, public structures only."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from occupants.models import Occupancy
from occupants.selectors import normalise_commune, site_occupant_picture
from sites.models import Space
from tests.factories import SiteFactory, SpaceFactory, UserFactory
from tests.occupants.test_public_builders import (
    PRIVATE_CONTACT,
    bulk_occupants,
    make_structure,
    occupy,
)

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.fixture
def gabriel():
    """A 2,400 m² site in Asnières (92) with three current occupants, one of them private."""
    site = SiteFactory(
        name="Bureaux Gabriel",
        slug="bureaux-gabriel",
        commune="Asnières-sur-Seine",
        postal_code="92600",
        departement="92",
        total_surface=Decimal("2400"),
    )
    atelier = SpaceFactory(site=site, name="Atelier 1", surface=Decimal("120"))
    bureau = SpaceFactory(site=site, name="Bureau 2", surface=Decimal("30.5"))
    reserve = SpaceFactory(site=site, name="Réserve", surface=Decimal("49.5"))
    coworking = SpaceFactory(
        site=site, name="Plateau", kind=Space.Kind.COWORKING, surface=Decimal("100")
    )
    tissage = make_structure(
        "Atelier Tissage",
        sectors=("textile", "design"),
        commune="ASNIERES SUR SEINE",
        postal_code="92600",
        people_count=4,
        description="Tissage à la main.",
    )
    occupy(tissage, site, (atelier, coworking))
    bijoux = make_structure(
        "Bijoux du Square",
        sectors=("joaillerie",),
        commune="Colombes",
        postal_code="92700",
        people_count=1,
    )
    occupy(bijoux, site, (bureau, coworking))
    discret = make_structure(
        "Collectif Discret",
        sectors=("textile",),
        public=False,
        commune="Paris",
        postal_code="75012",
        people_count=7,
    )
    occupy(discret, site, (reserve,))
    # Not current: ended, not started, cancelled. None of them counts.
    today = timezone.localdate()
    ancienne = make_structure("Ancienne Occupante", sectors=("musique",), people_count=50)
    occupy(ancienne, site, start=today - timedelta(days=400), end=today - timedelta(days=1))
    future = make_structure("Future Occupante", sectors=("musique",), people_count=50)
    occupy(future, site, start=today + timedelta(days=1), end=today + timedelta(days=90))
    annulee = make_structure("Occupation Annulée", sectors=("musique",), people_count=50)
    occupy(annulee, site, status=Occupancy.Status.CANCELLED)
    # An occupant of another site does not count either.
    occupy(make_structure("Voisine", sectors=("musique",)), SiteFactory(name="Autre lieu"))
    return site


def page(client, site) -> str:
    response = client.get(site.get_absolute_url())
    assert response.status_code == 200
    return response.text.replace("&nbsp;", NBSP)


def test_figures_are_derived_from_current_occupancies(gabriel):
    picture = site_occupant_picture(gabriel)
    assert picture.structure_count == 3
    assert picture.public_count == 2
    assert picture.private_count == 1
    assert picture.people_count == 4 + 1 + 7
    # 120 + 30.5 + 49.5 + the shared 100 m² counted once.
    assert picture.surface_held == Decimal("300")
    assert picture.surface_share == Decimal("13")  # 300 / 2400 = 12.5 %, rounded half up
    assert picture.same_commune_count == 1  # "ASNIERES SUR SEINE" is Asnières-sur-Seine
    assert picture.same_commune_share == Decimal("33")
    assert picture.same_departement_count == 2  # Asnières and Colombes are in the 92
    assert picture.same_departement_share == Decimal("67")


@pytest.mark.parametrize("cached", [False, True])
def test_site_page_shows_the_occupied_surface_whether_the_picture_is_cached_or_not(
    client, gabriel, settings, cached
):
    """With the occupants section cached, an anonymous visitor's page reads the site without
    the occupied surface; the picture, when it is made, reads it in a query of its own."""
    settings.SITE_SECTIONS_CACHE_SECONDS = 60 if cached else 0
    cache.clear()
    assert f"300{NBSP}m²" in page(client, gabriel)
    assert f"300{NBSP}m²" in page(client, gabriel)
    client.force_login(UserFactory())
    assert f"300{NBSP}m²" in page(client, gabriel)


def test_sectors_count_every_current_occupant_and_list_only_public_ones(gabriel):
    groups = {g.slug: g for g in site_occupant_picture(gabriel).groups}
    assert list(groups) == ["textile", "design", "joaillerie"]  # by count, then name
    assert groups["textile"].structure_count == 2
    assert [s.name for s in groups["textile"].public_structures] == ["Atelier Tissage"]
    assert [s.name for s in groups["design"].public_structures] == ["Atelier Tissage"]
    assert "musique" not in groups


def test_site_page_shows_the_figures_in_french(client, gabriel):
    html = page(client, gabriel)
    assert '<h2 id="occupants-title">Structures occupantes</h2>' in html
    assert f"300{NBSP}m²" in html
    assert f"soit 13{NBSP}% de la surface du lieu" in html
    assert "Structures de la même commune</dt>" in html
    assert f"33{NBSP}%" in html
    assert "1 sur 3" in html
    assert "Structures du même département</dt>" in html
    assert f"67{NBSP}%" in html
    assert "2 sur 3" in html
    assert "1 structure occupante n'apparaît pas dans l'annuaire public." in html.replace(
        "&#x27;", "'"
    )


def test_site_page_groups_public_structures_by_sector_with_links(client, gabriel):
    html = page(client, gabriel)
    for heading in ["Textile", "Design", "Joaillerie"]:
        assert re.search(rf"<h3 id=\"occupants-[a-z-]+\">{heading}</h3>", html)
    assert '<a href="/structures/atelier-tissage/">Atelier Tissage</a>' in html
    assert '<a href="/structures/bijoux-du-square/">Bijoux du Square</a>' in html


def test_site_page_never_names_a_private_structure_nor_any_contact(client, gabriel):
    html = page(client, gabriel)
    assert "Collectif Discret" not in html
    assert "collectif-discret" not in html
    for value in PRIVATE_CONTACT.values():
        assert value not in html
    assert "06 11 22 33 44" not in html


def test_past_future_cancelled_and_other_sites_occupants_are_left_out(client, gabriel):
    html = page(client, gabriel)
    for name in ["Ancienne Occupante", "Future Occupante", "Occupation Annulée", "Voisine"]:
        assert name not in html
    assert "Musique" not in html.split('id="occupants-title"')[1].split("</section>")[0]


def chart_values(html: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(label, value) pairs read from the SVG and from the table beside it."""
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    labels = re.findall(r'class="chart-label"[^>]*>([^<]*)<', svg)
    values = re.findall(r'class="chart-value"[^>]*>([^<]*)<', svg)
    table = re.search(r'<table class="data-table chart-table".*?</table>', html, re.S).group(0)
    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td class="numeric">([^<]*)</td></tr>', table
    )
    return list(zip(labels, values, strict=True)), rows


def test_chart_is_an_accessible_image_whose_table_shows_the_same_values(client, gabriel):
    html = page(client, gabriel)
    assert "Répartition des structures occupantes" in html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    for element_id in ids:
        assert f'id="{element_id}"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    assert "style=" not in svg
    drawn, tabled = chart_values(html)
    assert drawn == tabled == [("Textile", "2"), ("Design", "1"), ("Joaillerie", "1")]


def test_site_without_occupant_says_so(client):
    site = SiteFactory(name="Lieu vide")
    html = page(client, site)
    assert "Aucune structure n'occupe ce lieu actuellement." in html.replace("&#x27;", "'")
    assert "<svg" not in html


def test_site_without_total_surface_gives_no_share(client):
    site = SiteFactory(name="Lieu sans surface", total_surface=None)
    occupy(make_structure("Seule"), site, (SpaceFactory(site=site, surface=Decimal("10")),))
    picture = site_occupant_picture(site)
    assert picture.surface_held == Decimal("10")
    assert picture.surface_share is None
    assert "de la surface du lieu" not in page(client, site)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Asnières-sur-Seine", "ASNIERES SUR SEINE"),
        ("L'Île-Saint-Denis", "l’ile saint denis"),
        ("  Saint-Ouen  ", "saint-ouen"),
    ],
)
def test_commune_names_compare_without_accents_case_or_hyphens(a, b):
    assert normalise_commune(a) == normalise_commune(b)


def test_site_page_query_count_does_not_grow_with_occupants(client):
    site = SiteFactory(name="Grand lieu", slug="grand-lieu")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/lieux/grand-lieu/").status_code == 200
        return len(queries)

    bulk_occupants(site, 5)
    few = count()
    bulk_occupants(site, 35)
    many = count()
    assert site_occupant_picture(site).structure_count == 40
    assert few == many


def test_no_note_about_unlisted_structures_when_all_are_public(client):
    site = SiteFactory(name="Lieu ouvert")
    occupy(make_structure("Ouverte", sectors=("textile",)), site)
    html = page(client, site)
    assert "annuaire public" not in html
    assert '<a href="/structures/?site=lieu-ouvert">' in html


def test_anonymous_visitors_get_the_occupants_section_from_the_cache_until_it_expires(
    client, settings
):
    settings.SITE_SECTIONS_CACHE_SECONDS = 60
    cache.clear()
    site = SiteFactory(name="Lieu en cache", slug="lieu-en-cache")
    occupy(make_structure("Première occupante"), site)
    assert "Première occupante" in page(client, site)
    occupy(make_structure("Seconde occupante"), site)
    assert "Seconde occupante" not in page(client, site)

    client.force_login(UserFactory())
    assert "Seconde occupante" in page(client, site)  # a logged-in user always reads it fresh
    client.logout()
    site.save()  # a change of the site itself is part of the key
    assert "Seconde occupante" in page(client, site)
