import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sites.filters import DEPARTEMENT_COUNTS_KEY, published_departement_counts
from sites.models import Equipment, Site, Space
from tests.factories import SiteFactory, SpaceFactory
from tests.sites.builders import bulk_sites, bulk_spaces

pytestmark = pytest.mark.django_db

URL = reverse("sites:directory")


def names(response) -> list[str]:
    return [site.name for site in response.context["page"].object_list]


def test_directory_lists_published_sites_only(client):
    SiteFactory(name="Les Ateliers du Canal")
    SiteFactory(name="Brouillon secret", published=False)
    response = client.get(URL)
    assert response.status_code == 200
    assert names(response) == ["Les Ateliers du Canal"]
    assert "Brouillon secret" not in response.text


def test_card_shows_commune_status_dates_summary_and_counts(client):
    site = SiteFactory(
        name="Bureaux Gabriel",
        commune="Asnières-sur-Seine",
        departement="92",
        summary="Anciens bureaux prêtés par un bailleur social.",
        occupancy_start=date(2025, 10, 1),
        occupancy_end=date(2027, 3, 31),
    )
    SpaceFactory(site=site, is_bookable=True)
    SpaceFactory(site=site, is_bookable=True)
    SpaceFactory(site=site)
    html = client.get(URL).text
    assert 'href="/lieux/bureaux-gabriel/"' in html
    assert "Asnières-sur-Seine (92)" in html
    assert 'class="badge badge-ouvert">Ouvert<' in html
    assert "octobre 2025 – mars 2027 · 18 mois" in html
    assert "Anciens bureaux prêtés par un bailleur social." in html
    assert "3 espaces" in html
    assert "2 salles réservables" in html


def test_a_card_shows_each_change_at_once_though_its_html_is_cached(client):
    # The card's HTML is cached under every value it shows and the language.
    site = SiteFactory(name="Bureaux Gabriel", summary="Anciens bureaux.")
    SpaceFactory(site=site)
    assert "Bureaux Gabriel" in client.get(URL).text
    Site.objects.filter(pk=site.pk).update(
        name="Bureaux Hugo",
        commune="Nanterre",
        status=Site.Status.CLOSING,
        summary="Bientôt rendus.",
        occupancy_end=date(2031, 6, 30),
    )
    SpaceFactory(site=site, is_bookable=True)
    html = client.get(URL).text
    assert "Bureaux Gabriel" not in html
    assert "Bureaux Hugo" in html
    assert "Nanterre" in html
    assert "Bientôt rendus." in html
    assert "juin 2031" in html
    assert "2 espaces" in html
    assert "1 salle réservable" in html
    english = client.get(URL, headers={"accept-language": "en"}).text
    assert "2 spaces" in english


def test_card_says_when_a_site_has_no_space_or_no_bookable_room(client):
    SiteFactory()
    html = client.get(URL).text
    assert "Espaces à décrire" in html
    assert "Aucune salle réservable" in html


def test_card_shows_the_thumbnail_with_alt_text_or_a_placeholder(client):
    with_photo = SiteFactory(name="Avec photo")
    SiteFactory(name="Sans photo")
    Site.objects.filter(pk=with_photo.pk).update(
        cover_photo="sites/covers/facade.jpg",
        cover_thumbnail="sites/thumbs/facade-thumb.webp",
        cover_photo_alt="La façade de briques vue de la rue",
    )
    html = client.get(URL).text
    assert 'src="/media/sites/thumbs/facade-thumb.webp"' in html
    assert 'alt="La façade de briques vue de la rue"' in html
    assert html.count('class="card-placeholder"') == 1


def test_text_search_matches_name_or_commune_ignoring_case(client):
    SiteFactory(name="La Halle Tourcoing", commune="Lille")
    SiteFactory(name="Le Poste", commune="Tourcoing")
    SiteFactory(name="Ailleurs", commune="Paris")
    assert sorted(names(client.get(URL, {"q": "TOURCOING"}))) == ["La Halle Tourcoing", "Le Poste"]
    assert names(client.get(URL, {"q": "  poste "})) == ["Le Poste"]


def test_departement_filter_keeps_sites_of_that_departement(client):
    SiteFactory(name="Nord", departement="59")
    SiteFactory(name="Corse", departement="2A")
    assert names(client.get(URL, {"departement": "59"})) == ["Nord"]
    assert names(client.get(URL, {"departement": "2A"})) == ["Corse"]


def test_status_filter_keeps_sites_with_that_status(client):
    SiteFactory(name="Ouvert")
    SiteFactory(name="Préparation", status=Site.Status.PREPARATION)
    assert names(client.get(URL, {"status": "preparation"})) == ["Préparation"]


def test_space_kind_filter_lists_a_site_with_many_such_spaces_once(client):
    workshops = SiteFactory(name="Ateliers")
    bulk_spaces(workshops, 3, kind=Space.Kind.WORKSHOP)
    offices = SiteFactory(name="Bureaux")
    bulk_spaces(offices, 2, kind=Space.Kind.OFFICE)
    response = client.get(URL, {"space_kind": "atelier"})
    assert names(response) == ["Ateliers"]
    assert response.context["page"].paginator.count == 1
    # The card still counts all the site's spaces, not only the matching ones.
    assert "3 espaces" in response.text


def test_bookable_filter_keeps_sites_with_a_bookable_space(client):
    room = SiteFactory(name="Avec salle")
    SpaceFactory(site=room, is_bookable=True)
    SpaceFactory(site=room, is_bookable=True)
    SpaceFactory(site=SiteFactory(name="Sans salle"))
    assert names(client.get(URL, {"bookable": "1"})) == ["Avec salle"]
    assert len(names(client.get(URL, {"bookable": "0"}))) == 2


def test_accessible_filter_accepts_an_accessible_space_or_the_pmr_equipment(client):
    SpaceFactory(site=SiteFactory(name="Espace accessible"), is_accessible=True)
    equipped = SiteFactory(name="Équipé PMR")
    equipped.equipment.add(Equipment.objects.get(slug="accessibilite-pmr"))
    SpaceFactory(site=SiteFactory(name="Inaccessible"))
    assert sorted(names(client.get(URL, {"accessible": "1"}))) == [
        "Espace accessible",
        "Équipé PMR",
    ]


def test_filters_combine(client):
    SpaceFactory(site=SiteFactory(name="Nord réservable", departement="59"), is_bookable=True)
    SpaceFactory(site=SiteFactory(name="Nord", departement="59"))
    SpaceFactory(site=SiteFactory(name="Hauts-de-Seine réservable"), is_bookable=True)
    response = client.get(URL, {"departement": "59", "bookable": "1", "status": "ouvert"})
    assert names(response) == ["Nord réservable"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha", "Bravo", "Charlie"]),
        ("commune", ["Charlie", "Alpha", "Bravo"]),
        ("newest", ["Bravo", "Alpha", "Charlie"]),
        ("largest", ["Alpha", "Charlie", "Bravo"]),
    ],
)
def test_sort_orders_the_list(client, sort, expected):
    SiteFactory(
        name="Alpha", commune="Lille", occupancy_start=date(2024, 1, 1), total_surface=Decimal(5000)
    )
    SiteFactory(name="Bravo", commune="Paris", occupancy_start=date(2026, 1, 1), total_surface=None)
    SiteFactory(
        name="Charlie",
        commune="Amiens",
        occupancy_start=None,
        occupancy_end=None,
        total_surface=Decimal(300),
    )
    assert names(client.get(URL, {"sort": sort})) == expected


def test_result_count_is_written_in_french(client):
    SiteFactory()
    assert "1 lieu<" in client.get(URL).text
    bulk_sites(11)
    assert "12 lieux<" in client.get(URL).text


def test_directory_shows_a_page_of_sites_with_page_links(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 24
    bulk_sites(30)
    first = client.get(URL, {"status": "ouvert"})
    assert len(names(first)) == 24
    assert "Page 1 sur 2" in first.text
    assert 'href="?status=ouvert&amp;page=2"' in first.text
    second = client.get(URL, {"status": "ouvert", "page": "2"})
    assert len(names(second)) == 6
    assert 'rel="prev"' in second.text


def test_directory_counts_up_to_the_limit_and_says_there_are_more(client, settings):
    settings.DIRECTORY_COUNT_LIMIT = 30
    bulk_sites(30, prefix="Premier")
    exact = client.get(URL).text
    assert "30 lieux<" in exact
    assert "Page 1 sur 2" in exact
    bulk_sites(20, prefix="Second")
    first = client.get(URL).text
    assert "Plus de 30 lieux<" in first
    assert "Page 1</span>" in first
    assert "Seuls les 30 premiers" not in first
    last = client.get(URL, {"page": "2"})
    assert len(names(last)) == 6  # rows 25 to 30
    assert 'rel="next"' not in last.text
    assert "Seuls les 30 premiers résultats sont proposés : précisez les filtres" in last.text
    assert names(client.get(URL, {"page": "3"})) == names(last)
    assert "20 lieux<" in client.get(URL, {"q": "second"}).text  # the filters narrow it


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99999", "1.5", "", "%00", "2" * 400])
def test_junk_page_numbers_show_a_page_instead_of_failing(client, page):
    bulk_sites(30)
    response = client.get(URL, {"page": page})
    assert response.status_code == 200
    assert len(names(response)) in (24, 6)


JUNK = [
    ("departement", "<script>alert(1)</script>"),
    ("departement", "20"),
    ("departement", "x" * 5000),
    ("status", "zzz"),
    ("status", "OUVERT"),
    ("space_kind", "piscine"),
    ("space_kind", "'; DROP TABLE sites_site; --"),
    ("bookable", "maybe"),
    ("accessible", "<b>oui</b>"),
    ("sort", ";drop"),
    ("sort", "-name"),
    ("q", "é" * 101),
]


def test_a_nul_byte_in_a_filter_is_a_bad_request(client):
    # config.middleware.RejectNulMiddleware: no page takes one, PostgreSQL refuses it in text.
    response = client.get(URL, {"q": "a\x00b"})
    assert response.status_code == 400
    assert "Requête invalide" in response.text


@pytest.mark.parametrize(("name", "value"), JUNK)
def test_junk_filter_values_show_a_french_error_and_are_ignored(client, name, value):
    SiteFactory(name="Toujours là")
    response = client.get(URL, {name: value})
    assert response.status_code == 200
    assert "Certains filtres n'ont pas été compris et ont été ignorés" in response.text
    assert "ignoré" in response.context["form"].errors[name][0]
    assert names(response) == ["Toujours là"]


@pytest.mark.parametrize(
    "value", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "ü∂ƒ©˙∆˚¬…æ🙂"]
)
def test_filter_values_are_never_reflected_unescaped(client, value):
    response = client.get(URL, {"departement": value, "q": value, "status": value, "page": value})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert "<img src=x" not in response.text


def test_unicode_and_harmless_search_text_is_fine(client):
    SiteFactory(name="Café des Ünïcødes")
    for text in ["Ünïcødes", "%", "_", "'", "🙂"]:
        response = client.get(URL, {"q": text})
        assert response.status_code == 200
        assert "Certains filtres" not in response.text


def test_a_wrong_filter_is_ignored_while_the_valid_ones_apply(client):
    SiteFactory(name="Nord", departement="59")
    SiteFactory(name="Seine", departement="92")
    response = client.get(URL, {"departement": "59", "status": "zzz"})
    assert names(response) == ["Nord"]
    assert "status" in response.context["form"].errors


def test_no_result_shows_an_empty_state_with_a_reset_link(client):
    SiteFactory(departement="92")
    html = client.get(URL, {"departement": "13"}).text
    assert ">0 lieu<" in html
    assert "Aucun lieu ne correspond à ces critères." in html
    assert f'<a href="{URL}">Réinitialiser les filtres et voir tous les lieux</a>' in html


def test_filter_form_is_a_get_form_with_a_label_for_every_field(client):
    SiteFactory(departement="92")
    html = client.get(URL).text
    assert f'<form method="get" action="{URL}"' in html
    for field in ["q", "departement", "status", "space_kind", "bookable", "accessible", "sort"]:
        assert f'<label for="id_{field}">' in html
        assert f'id="id_{field}"' in html
    assert "Hauts-de-Seine (92) — 1" in html


def departement_options(html: str) -> list[str]:
    select = html.split('<select name="departement"')[1].split("</select>")[0]
    return [unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_departement_filter_lists_only_departements_with_published_sites_and_their_counts(client):
    SiteFactory.create_batch(2, departement="21")
    SiteFactory(departement="2B")
    SiteFactory(departement="01")
    SiteFactory(departement="13", published=False)
    options = departement_options(client.get(URL).text)
    # In the order of the codes, Corsica between 19 and 21; the unpublished site's 13 is absent.
    assert options == [
        "Tous les départements",
        "Ain (01) — 1",
        "Haute-Corse (2B) — 1",
        "Côte-d'Or (21) — 2",
    ]


def test_departement_counts_are_one_query_kept_a_few_minutes_in_the_cache(
    client, django_assert_max_num_queries
):
    for code in ("59", "59", "62", "75", "13"):
        SiteFactory(departement=code)
    with django_assert_max_num_queries(1):
        assert published_departement_counts() == {"59": 2, "62": 1, "75": 1, "13": 1}
    options = departement_options(client.get(URL).text)
    assert options[1:3] == ["Bouches-du-Rhône (13) — 1", "Nord (59) — 2"]
    SiteFactory(departement="59")
    with django_assert_max_num_queries(0):
        assert published_departement_counts()["59"] == 2
    assert "Nord (59) — 2" in departement_options(client.get(URL).text)


def test_the_cached_filter_fields_show_the_new_counts_once_the_counts_expire(client):
    # The fields' HTML is cached for longer than the counts may be: its key follows them.
    SiteFactory(departement="59")
    assert departement_options(client.get(URL).text)[1:] == ["Nord (59) — 1"]
    SiteFactory(departement="59")
    SiteFactory(departement="62")
    cache.delete(DEPARTEMENT_COUNTS_KEY)  # as when its time is up
    assert departement_options(client.get(URL).text)[1:] == [
        "Nord (59) — 2",
        "Pas-de-Calais (62) — 1",
    ]


def test_a_departement_left_without_published_sites_gives_an_empty_result_not_an_error(client):
    # A link made when the département had sites: it still validates, and says there are none.
    SiteFactory(name="Ailleurs", departement="92")
    SiteFactory(name="Plus publié", departement="13", published=False)
    response = client.get(URL, {"departement": "13"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert names(response) == []
    assert "Aucun lieu ne correspond à ces critères." in response.text
    assert '<option value="13" selected>Bouches-du-Rhône (13) — 0</option>' in response.text
    geojson = client.get(reverse("sites:geojson"), {"departement": "13"})
    assert geojson.status_code == 200
    assert geojson.json()["features"] == []


def test_an_unknown_departement_code_is_a_french_error_and_is_ignored(client):
    SiteFactory(name="Toujours là", departement="92")
    response = client.get(URL, {"departement": "99"})
    assert response.status_code == 200
    assert response.context["form"].errors["departement"] == [
        "Valeur non reconnue : ce filtre a été ignoré."
    ]
    assert names(response) == ["Toujours là"]


def test_filtered_pages_ask_search_engines_not_to_index_them(client):
    assert 'content="noindex' not in client.get(URL).text
    assert 'content="noindex, follow"' in client.get(URL, {"status": "ouvert"}).text


def test_map_is_an_enhancement_with_the_current_filters_in_its_data_url(client):
    html = client.get(URL, {"status": "ouvert", "page": "2"}).text
    assert 'data-geojson-url="/lieux/carte.geojson?status=ouvert"' in html
    assert 'data-tile-url="https://' in html
    assert "la liste ci-dessous contient les mêmes informations" in html
    assert 'aria-label="Carte des lieux affichés.' in html


def test_htmx_request_gets_only_the_results_partial(client):
    SiteFactory(name="Partiel")
    response = client.get(URL, {"q": "Part"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="results"')
    assert "Partiel" in response.text
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(client):
    response = client.get(URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.text


def count_queries(client, params=None) -> int:
    cache.clear()  # every time-cached part computed again: the worst case, alike for both
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "departement": "59",
            "space_kind": "atelier",
            "bookable": "1",
            "accessible": "1",
            "q": "lieu",
            "sort": "largest",
        },
        {"status": "zzz", "page": "abc"},
    ],
)
def test_directory_query_count_does_not_grow_with_the_number_of_sites(client, params):
    def add_sites(count: int) -> None:
        for site in bulk_sites(count, prefix=f"Lieu {Site.objects.count()}"):
            bulk_spaces(site, 2, kind=Space.Kind.WORKSHOP, is_bookable=True, is_accessible=True)

    add_sites(5)
    few = count_queries(client, params)
    add_sites(195)
    many = count_queries(client, params)
    assert few == many
    assert many <= 8


def test_the_filter_fields_show_each_visitors_own_values_and_errors(client):
    # Their HTML is cached under the filter values: one visitor's choice never shows to another.
    SiteFactory(name="Bureaux Gabriel", departement="92")

    def form(params) -> str:
        return client.get(URL, params).text.split('id="filter-form"')[1].split("</form>")[0]

    first = form({"departement": "92", "bookable": "1"})
    assert '<option value="92" selected>' in first
    assert "checked" in first
    second = form({"departement": "75"})
    assert '<option value="75" selected>' in second
    assert '<option value="92" selected>' not in second
    assert "checked" not in second
    assert 'class="field-error"' in form({"departement": "zz"})
    assert "field-error" not in form({})
