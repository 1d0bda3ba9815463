import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation
from events.models import Booking
from sites.models import Equipment, Site, Space
from tests.events.factories import StructureFactory as EventsStructureFactory
from tests.events.factories import local_slot
from tests.factories import (
    FundingFactory,
    OrganisationFactory,
    SiteFactory,
    SitePhotoFactory,
    SpaceFactory,
    UserFactory,
)
from tests.occupants.calls_support import make_call
from tests.occupants.test_public_builders import bulk_occupants
from tests.sites.builders import bulk_fundings, bulk_photos

pytestmark = pytest.mark.django_db

NBSP = "\xa0"  # the French thousands separator


@pytest.fixture
def gabriel() -> Site:
    """The seed's situation: 18 months of former offices lent by a social landlord."""
    site = SiteFactory(
        name="Bureaux Gabriel",
        slug="bureaux-gabriel",
        owner=OrganisationFactory(name="Habitat Seine Ouest", kind=Organisation.Kind.OWNER),
        operator=OrganisationFactory(name="Coopérative Passage"),
        address="8 rue Gabriel",
        postal_code="92600",
        commune="Asnières-sur-Seine",
        departement="92",
        latitude=Decimal("48.911234"),
        longitude=Decimal("2.287654"),
        occupancy_start=date(2025, 10, 1),
        occupancy_end=date(2027, 3, 31),
        total_surface=Decimal("2400"),
        summary="Des bureaux vacants avant leur transformation en logements.",
        description="Premier paragraphe.\n\nSecond paragraphe <b>gras</b>.",
        transport_access="Métro ligne 13, station Gabriel Péri.",
        website="https://passage.example.org/gabriel",
        former_use="Bureaux",
        future_use="Logements sociaux",
        total_project_cost=Decimal("19200"),
    )
    SpaceFactory(
        site=site,
        name="Atelier du sous-sol",
        kind=Space.Kind.WORKSHOP,
        level=-1,
        surface=Decimal("1250.5"),
        capacity=12,
    )
    SpaceFactory(
        site=site,
        name="Salle Pleyel",
        kind=Space.Kind.MEETING_ROOM,
        level=2,
        surface=Decimal("40"),
        capacity=20,
        is_bookable=True,
        is_accessible=True,
    )
    FundingFactory(
        site=site,
        funder=OrganisationFactory(name="Europe LEADER", kind="funder"),
        programme="LEADER",
        amount=Decimal("9900"),
        year=2021,
        purpose="Mise aux normes",
    )
    site.equipment.add(
        Equipment.objects.get(slug="wifi"), Equipment.objects.get(slug="accessibilite-pmr")
    )
    return site


def test_unpublished_or_unknown_site_answers_404(client):
    SiteFactory(slug="brouillon", published=False)
    assert client.get("/lieux/brouillon/").status_code == 404
    assert client.get("/lieux/nulle-part/").status_code == 404


def test_site_page_presents_the_site(client, gabriel):
    html = client.get(gabriel.get_absolute_url()).text
    assert "<h1>Bureaux Gabriel</h1>" in html
    assert "Asnières-sur-Seine (92 – Hauts-de-Seine)" in html
    assert "<p>Premier paragraphe.</p>" in html
    assert "Second paragraphe &lt;b&gt;gras&lt;/b&gt;." in html
    assert 'class="badge badge-ouvert">Ouvert<' in html
    assert "1er octobre 2025" in html
    assert "31 mars 2027" in html
    assert "18 mois" in html
    assert gabriel.remaining_label() in html
    assert "Habitat Seine Ouest" in html
    assert "Coopérative Passage" in html
    assert "Logements sociaux" in html
    assert "Métro ligne 13, station Gabriel Péri." in html
    assert 'href="https://passage.example.org/gabriel"' in html
    assert "8 rue Gabriel<br>92600 Asnières-sur-Seine" in html


def test_spaces_table_has_a_caption_labels_and_french_numbers(client, gabriel):
    html = client.get(gabriel.get_absolute_url()).text
    assert "<caption" in html
    assert "Les 2 espaces du lieu, par niveau" in html
    assert '<th scope="row">Atelier du sous-sol</th>' in html
    assert "Sous-sol 1" in html
    assert "2e étage" in html
    assert "Salle de réunion" in html
    assert f"1{NBSP}250,5" in html  # surface of the workshop
    assert f"1{NBSP}290,5" in html  # total surface of the spaces
    assert f"2{NBSP}400{NBSP}m²" in html.replace("&nbsp;", NBSP)  # total surface of the site


def test_spaces_section_seen_again_shows_a_changed_space(client, gabriel):
    """The section's HTML is cached under what it shows: a space changed since the last
    visit shows at once, in its row and in the totals."""
    client.get(gabriel.get_absolute_url())
    workshop = gabriel.spaces.get(name="Atelier du sous-sol")
    workshop.name = "Atelier du rez-de-chaussée"
    workshop.level = 0
    workshop.surface = Decimal("1300.5")
    workshop.is_bookable = True
    workshop.save()
    html = client.get(gabriel.get_absolute_url()).text
    assert '<th scope="row">Atelier du rez-de-chaussée</th>' in html
    assert "Rez-de-chaussée" in html and "Sous-sol 1" not in html
    assert f"1{NBSP}340,5" in html  # the new total surface of the spaces
    english = client.get(gabriel.get_absolute_url(), headers={"accept-language": "en"}).text
    assert "Sous-sol" not in english and "Rez-de-chaussée" not in english


def add_spaces(site: Site, plan: list[tuple[str, int, str, int]]) -> None:
    """(kind, level, surface, how many) → that many spaces."""
    Space.objects.bulk_create(
        Space(
            site=site,
            name=f"{kind} {level} {n}",
            kind=kind,
            level=level,
            surface=Decimal(surface),
            capacity=2,
        )
        for kind, level, surface, count in plan
        for n in range(count)
    )


def summary_rows(html: str, table_id: str) -> list[tuple[str, str, str]]:
    table = html.split(f'<caption id="{table_id}-caption">')[1].split("</table>")[0]
    number = r'\s*<td class="numeric">([^<]+)</td>'
    cells = r'<th scope="row">([^<]+)</th>' + number + number
    return re.findall(cells, table)


def test_many_spaces_are_summed_by_kind_and_floor_and_their_list_folds(client):
    site = SiteFactory()
    add_spaces(
        site,
        [
            (Space.Kind.OFFICE, 1, "20", 4),
            (Space.Kind.OFFICE, 2, "25.5", 2),
            (Space.Kind.WORKSHOP, 0, "1200", 4),
            (Space.Kind.STORAGE, -1, "10", 2),
        ],
    )
    html = client.get(site.get_absolute_url()).text
    assert summary_rows(html, "spaces-by-kind") == [
        ("Bureau", "6", "131"),
        ("Atelier", "4", f"4{NBSP}800"),
        ("Réserve", "2", "20"),
    ]
    assert summary_rows(html, "spaces-by-level") == [
        ("Sous-sol 1", "2", "20"),
        ("Rez-de-chaussée", "4", f"4{NBSP}800"),
        ("1er étage", "4", "80"),
        ("2e étage", "2", "51"),
    ]
    assert re.search(r"<dt>Espaces</dt>\s*<dd[^>]*>12</dd>", html)
    folded = html.split('<details class="fold">')[1].split("</details>")[0]
    assert "<summary>Voir les 12 espaces</summary>" in folded
    assert folded.count('<th scope="row">') == 12  # a row per space
    assert "<caption" in folded and '<th scope="col">Nom</th>' in folded


def test_a_few_spaces_are_listed_without_summary_or_fold(client, gabriel):
    html = client.get(gabriel.get_absolute_url()).text
    assert "Les 2 espaces du lieu, par niveau" in html
    assert "<details" not in html.split('id="spaces-title"')[1].split("</section>")[0]
    assert "spaces-by-kind" not in html


def test_site_page_query_count_is_the_same_with_5_or_50_spaces(client):
    site = SiteFactory()
    add_spaces(site, [(Space.Kind.OFFICE, 1, "20", 3), (Space.Kind.WORKSHOP, 0, "40", 2)])
    detail_queries(client, site)  # fills the caches a visitor's page reads
    few = detail_queries(client, site)
    add_spaces(site, [(Space.Kind.STORAGE, -1, "9", 25), (Space.Kind.OFFICE, 3, "18", 20)])
    detail_queries(client, site)
    many = detail_queries(client, site)
    assert "Voir les 50 espaces" in client.get(site.get_absolute_url()).text
    assert few == many
    # 8, the site's next public events (events' {% site_agenda %}) and its latest published
    # impact report (impact's {% site_impact_link %})
    assert many <= 10


def test_equipment_is_listed(client, gabriel):
    html = client.get(gabriel.get_absolute_url()).text
    assert "<li>Wifi</li>" in html
    assert "<li>Accessibilité PMR</li>" in html


def test_funding_table_shows_total_cost_and_funded_share(client, gabriel):
    html = client.get(gabriel.get_absolute_url()).text.replace("&nbsp;", NBSP)
    assert '<th scope="row">Europe LEADER</th>' in html
    assert "Mise aux normes" in html
    assert f"9{NBSP}900" in html
    assert ">2021<" in html  # a year, not "2 021"
    assert "Total des financements" in html
    assert f"19{NBSP}200{NBSP}€" in html
    assert f"51,6{NBSP}%" in html  # 9,900 of 19,200


def test_gallery_thumbnails_link_to_the_full_images(client, gabriel):
    photo = SitePhotoFactory(site=gabriel, alt_text="La cour intérieure", caption="En juin")
    photo.refresh_from_db()
    html = client.get(gabriel.get_absolute_url()).text
    assert photo.thumbnail, "the thumbnail is built on save"
    assert f'<a href="{photo.image.url}">' in html
    assert f'<img src="{photo.thumbnail.url}" alt="La cour intérieure"' in html
    assert "<figcaption>En juin</figcaption>" in html


def test_cover_photo_is_shown_and_shared_as_an_absolute_open_graph_image(client, gabriel, settings):
    Site.objects.filter(pk=gabriel.pk).update(
        cover_photo="sites/covers/gabriel.jpg", cover_photo_alt="La façade sur la rue Gabriel"
    )
    html = client.get(gabriel.get_absolute_url()).text
    assert '<img src="/media/sites/covers/gabriel.jpg" alt="La façade sur la rue Gabriel"' in html
    og_image = f"{settings.SITE_URL}/media/sites/covers/gabriel.jpg"
    assert f'<meta property="og:image" content="{og_image}">' in html
    assert '<meta property="og:image:alt" content="La façade sur la rue Gabriel">' in html


def test_site_without_cover_has_no_open_graph_image(client, gabriel):
    assert "og:image" not in client.get(gabriel.get_absolute_url()).text


def test_small_map_gets_coordinates_with_a_decimal_point(client, gabriel):
    html = client.get(gabriel.get_absolute_url()).text
    assert 'data-map="point"' in html
    assert 'data-lat="48.911234"' in html
    assert 'data-lon="2.287654"' in html
    assert "emplacement du lieu « Bureaux Gabriel »" in html


def test_site_with_nothing_optional_still_renders(client):
    site = SiteFactory(
        occupancy_start=None, occupancy_end=None, total_surface=None, summary="", website=""
    )
    response = client.get(site.get_absolute_url())
    assert response.status_code == 200
    assert "Dates à préciser" in response.text
    assert "Les espaces de ce lieu n'ont pas encore été décrits." in response.text
    assert "Financements" not in response.text


def detail_queries(client, site: Site) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(site.get_absolute_url()).status_code == 200
    return len(queries)


def grow_site(site: Site, count: int) -> None:
    """`count` more of each row the page lists: rooms with bookings of the past year,
    current occupants, open calls, spaces, photos, fundings."""
    batch = site.spaces.count()
    rooms = Space.objects.bulk_create(
        Space(
            site=site,
            name=f"Salle {batch + i:03d}",
            kind=Space.Kind.MEETING_ROOM,
            surface=Decimal("30"),
            capacity=12,
            is_bookable=True,
        )
        for i in range(count)
    )
    structure = EventsStructureFactory()
    user = UserFactory()
    today = timezone.localdate()
    Booking.objects.bulk_create(
        Booking(
            space=room,
            site=site,
            structure=structure,
            booked_by=user,
            start=start,
            end=end,
            blocked_until=end,
            purpose="Réunion",
            people=2,
            status=Booking.Status.CONFIRMED,
        )
        for index, room in enumerate(rooms)
        for start, end in [
            local_slot(-7 * (week + 1) - (today.weekday() + index) % 5, 10) for week in range(3)
        ]
    )
    bulk_occupants(site, count)
    for _n in range(count):
        make_call(site, lots=1)
    bulk_photos(site, count)
    bulk_fundings(site, count)


def test_site_page_query_count_does_not_grow_with_its_rows(client):
    """A site with bookable rooms, occupants and open calls: the same queries with 2 or 30 of
    each, at most N once the yearly booking rate is cached; its computation adds a few queries
    (the rooms' opening hours and closed periods among them)."""
    site = SiteFactory(total_project_cost=Decimal("500000"))
    wifi, pmr = Equipment.objects.filter(slug__in=["wifi", "accessibilite-pmr"])
    site.equipment.add(wifi)
    grow_site(site, 2)
    few_cold = detail_queries(client, site)
    few = detail_queries(client, site)
    response = client.get(site.get_absolute_url())
    assert "Salles partagées" in response.text
    assert response.context["rate"].booked_days
    assert response.context["picture"].structure_count == 2
    assert len(response.context["calls"]) == 2

    site.equipment.add(pmr)
    grow_site(site, 28)
    many_cold = detail_queries(client, site)  # new rooms: the cached rate no longer applies
    many = detail_queries(client, site)
    response = client.get(site.get_absolute_url())
    assert response.context["picture"].structure_count == 30
    assert len(response.context["calls"]) == 30
    assert response.context["rate"].booked_days > 2

    assert few_cold == many_cold
    assert few == many
    # 8, the site's next public events (events' {% site_agenda %}) and its latest published
    # impact report (impact's {% site_impact_link %})
    assert many <= 10
    # The rate: the rooms' bookings, rules, opening hours and closed periods.
    assert many_cold <= many + 4
