"""English pages show English labels and mark the French content users wrote; French pages
write "1er juin", "d’Atelier" and "0 demande"."""

from datetime import date

import pytest
from django.conf import settings
from django.utils import translation

from events.models import BookingRules
from occupants.models import Sector
from sites.models import Equipment
from tests.factories import SiteFactory, SpaceFactory
from tests.occupants.calls_support import make_call
from tests.occupants.test_public_builders import make_structure, occupy

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_seeded_sectors_have_english_names():
    names = dict(Sector.objects.values_list("slug", "name_en"))
    assert names["joaillerie"] == "Jewellery"
    assert names["arts-plastiques"] == "Visual arts"
    assert all(names[slug] for slug in names if slug in {"textile", "musique", "ess"})


def test_a_sector_without_an_english_name_keeps_its_french_name_on_english_pages():
    sector = Sector.objects.create(name="Boulangerie", slug="boulangerie")
    with translation.override("en"):
        assert str(sector) == "Boulangerie"
    sector.name_en = "Bakery"
    with translation.override("en"):
        assert str(sector) == "Bakery"
    with translation.override("fr"):
        assert str(sector) == "Boulangerie"


def test_english_structure_pages_show_english_sector_names(client):
    site = SiteFactory(name="Bureaux Gabriel")
    structure = make_structure(
        "Atelier Perles", sectors=("joaillerie",), description="Bijoux faits main."
    )
    occupy(structure, site)
    english(client)
    directory = client.get("/structures/").text
    detail = client.get(structure.get_absolute_url()).text
    site_page = client.get(site.get_absolute_url()).text
    for html in (directory, detail, site_page):
        assert "Jewellery" in html
        assert "Joaillerie" not in html
    assert '<option value="arts-plastiques">Visual arts</option>' in directory
    french = client.get(structure.get_absolute_url(), HTTP_COOKIE="django_language=fr").text
    assert "Joaillerie" in french


def test_english_site_page_shows_english_choice_labels(client):
    site = SiteFactory(description="Un ancien immeuble de bureaux.")
    SpaceFactory(site=site, name="Bureau 12")
    html = english(client).get(site.get_absolute_url()).text
    assert "Open" in html and "Ouvert" not in html  # the site's status
    assert "<td>Office</td>" in html  # the space's kind


def test_french_content_on_an_english_page_sits_inside_lang_fr(client):
    site = SiteFactory(
        name="Maison Gabriel", summary="Des ateliers à prix doux.", description="Un immeuble vide."
    )
    structure = make_structure("Atelier Perles", description="Bijoux faits main.")
    occupy(structure, site)
    english(client)
    site_page = client.get(site.get_absolute_url()).text
    assert '<h1 lang="fr">Maison Gabriel</h1>' in site_page
    assert '<p class="lead" lang="fr">Des ateliers à prix doux.</p>' in site_page
    assert '<div class="prose" lang="fr"><p>Un immeuble vide.</p></div>' in site_page
    detail = client.get(structure.get_absolute_url()).text
    assert '<div class="prose" lang="fr"><p>Bijoux faits main.</p></div>' in detail
    directory = client.get("/structures/").text
    assert '<p class="card-summary" lang="fr">Bijoux faits main.</p>' in directory


def test_french_pages_carry_no_lang_attribute_on_their_own_content(client):
    site = SiteFactory(name="Maison Gabriel", description="Un immeuble vide.")
    html = client.get(site.get_absolute_url()).text
    assert '<html lang="fr">' in html
    assert 'lang="fr">' not in html.replace('<html lang="fr">', "")


def test_a_site_opening_on_the_first_reads_1er_juin_in_french_and_1_june_in_english(client):
    site = SiteFactory(occupancy_start=date(2026, 6, 1), occupancy_end=date(2027, 3, 31))
    assert "1er juin 2026" in client.get(site.get_absolute_url()).text
    english_page = english(client).get(site.get_absolute_url()).text
    assert "1 June 2026" in english_page
    assert "1er" not in english_page


def test_names_starting_with_a_vowel_are_elided_in_french_sentences():
    site = SiteFactory(name="Atelier Gabriel")
    with translation.override("fr"):
        assert str(BookingRules(site=site)) == "Règles par défaut d’Atelier Gabriel"
        assert str(BookingRules(site=SiteFactory(name="Maison"))) == "Règles par défaut de Maison"
    with translation.override("en"):
        assert str(BookingRules(site=site)) == "Default rules for Atelier Gabriel"


def test_english_site_and_call_pages_show_english_equipment_and_document_names(client):
    site = SiteFactory()
    site.equipment.set([Equipment.objects.get(slug="douches")])
    call = make_call(site, documents=("statuts", "assurance"))
    english(client)
    site_page = client.get(site.get_absolute_url()).text
    assert "<li>Showers</li>" in site_page and "Douches" not in site_page
    call_page = client.get(call.get_absolute_url()).text
    assert "Articles of association — The organisation&#x27;s current articles." in call_page
    assert "Insurance certificate" in call_page and "Attestation" not in call_page
    assert '<div class="prose" lang="fr"><p>Des ateliers' in call_page
    french_page = client.get(site.get_absolute_url(), HTTP_COOKIE="django_language=fr").text
    assert "<li>Douches</li>" in french_page
