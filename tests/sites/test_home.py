from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sites.models import Site
from tests.factories import SiteFactory
from tests.sites.builders import bulk_sites, bulk_spaces

pytestmark = pytest.mark.django_db


def names(sites) -> list[str]:
    return [site.name for site in sites]


def test_home_explains_the_platform_to_each_audience(client):
    html = client.get("/").text
    for audience in ["Propriétaires", "Gestionnaires", "Occupants", "Grand public"]:
        assert f"<h3>{audience}</h3>" in html
    assert "Parcourir l'annuaire des lieux" in html
    assert 'href="/lieux/"' in html


def test_home_lists_open_sites_and_upcoming_sites_separately(client):
    today = timezone.localdate()
    SiteFactory(name="Ouvert")
    SiteFactory(
        name="Bientôt",
        status=Site.Status.PREPARATION,
        occupancy_start=today + timedelta(days=40),
        occupancy_end=today + timedelta(days=400),
    )
    SiteFactory(
        name="Repéré",
        status=Site.Status.SCOUTING,
        occupancy_start=today + timedelta(days=200),
        occupancy_end=today + timedelta(days=900),
    )
    SiteFactory(
        name="Préparation en retard",
        status=Site.Status.PREPARATION,
        occupancy_start=today - timedelta(days=3),
        occupancy_end=today + timedelta(days=300),
    )
    SiteFactory(name="Fermé", status=Site.Status.CLOSED)
    SiteFactory(name="Brouillon ouvert", published=False)
    response = client.get("/")
    data = response.context["data"]
    assert names(data.open_sites) == ["Ouvert"]
    assert names(data.upcoming_sites) == ["Bientôt", "Repéré"]
    assert data.site_count == 5
    assert data.open_count == 1
    assert "Brouillon ouvert" not in response.text


def test_home_says_so_when_nothing_is_open_or_announced(client):
    html = client.get("/").text
    assert "Aucun lieu n'est ouvert pour le moment." in html
    assert "Aucune ouverture n'est annoncée pour le moment." in html


def test_home_map_loads_every_published_site(client):
    html = client.get("/").text
    assert 'data-map="collection"' in html
    assert 'data-geojson-url="/lieux/carte.geojson"' in html
    assert "l’annuaire des lieux contient les mêmes informations" in html


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_home_query_count_does_not_grow_with_the_number_of_sites(client):
    upcoming = {
        "status": Site.Status.PREPARATION,
        "occupancy_start": timezone.localdate() + timedelta(days=60),
        "occupancy_end": timezone.localdate() + timedelta(days=600),
    }
    for site in bulk_sites(3, prefix="Ouvert A") + bulk_sites(2, prefix="Bientôt A", **upcoming):
        bulk_spaces(site, 2, is_bookable=True)
    few = home_queries(client)
    for site in bulk_sites(100, prefix="Ouvert B") + bulk_sites(95, prefix="Bientôt B", **upcoming):
        bulk_spaces(site, 2, is_bookable=True)
    many = home_queries(client)
    assert few == many
    assert many <= 8


def test_home_totals_are_kept_for_a_while_then_counted_again(client, settings):
    # They read every published site: the figures are kept for HOME_TOTALS_CACHE_SECONDS.
    settings.HOME_TOTALS_CACHE_SECONDS = 60
    cache.clear()
    bulk_sites(2)
    assert "2 lieux publiés" in client.get("/").text
    bulk_sites(1, prefix="Lieu de plus")
    few = home_queries(client)
    assert "2 lieux publiés" in client.get("/").text
    cache.clear()  # as when the period is over
    assert "3 lieux publiés" in client.get("/").text
    settings.HOME_TOTALS_CACHE_SECONDS = 0
    assert home_queries(client) == few + 1
