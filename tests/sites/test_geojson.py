import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sites.models import Site, Space
from tests.factories import SiteFactory, SpaceFactory
from tests.sites.builders import bulk_sites, bulk_spaces

pytestmark = pytest.mark.django_db

URL = reverse("sites:geojson")


def features(client, params=None) -> list[dict]:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    return json.loads(response.content)["features"]


def slugs(client, params=None) -> list[str]:
    return sorted(f["properties"]["slug"] for f in features(client, params))


def test_geojson_is_an_rfc_7946_feature_collection(client):
    SiteFactory(
        name="Salle des feux",
        slug="salle-des-feux",
        commune="Tourcoing",
        departement="59",
        latitude=Decimal("50.723456"),
        longitude=Decimal("3.161234"),
        status=Site.Status.PREPARATION,
    )
    response = client.get(URL)
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection"
    [feature] = data["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "Point"
    lon, lat = feature["geometry"]["coordinates"]
    assert (lon, lat) == (3.161234, 50.723456)  # longitude first
    assert isinstance(lon, float)
    assert isinstance(lat, float)
    assert feature["properties"] == {
        "name": "Salle des feux",
        "slug": "salle-des-feux",
        "url": "/lieux/salle-des-feux/",
        "commune": "Tourcoing",
        "departement": "59",
        "departement_name": "Nord",
        "status": "preparation",
        "status_label": "En préparation",
    }


def test_geojson_leaves_out_unpublished_sites(client):
    SiteFactory(slug="visible")
    SiteFactory(slug="brouillon", published=False)
    assert slugs(client) == ["visible"]


def test_geojson_honours_the_directory_filters(client):
    nord = SiteFactory(slug="nord", name="Nord", departement="59")
    SpaceFactory(site=nord, kind=Space.Kind.WORKSHOP, is_bookable=True)
    SpaceFactory(site=nord, kind=Space.Kind.WORKSHOP)
    SiteFactory(slug="paris", name="Paris", departement="75", status=Site.Status.CLOSED)
    assert slugs(client, {"departement": "59"}) == ["nord"]
    assert slugs(client, {"status": "ferme"}) == ["paris"]
    assert slugs(client, {"space_kind": "atelier"}) == ["nord"]
    assert slugs(client, {"bookable": "1"}) == ["nord"]
    assert slugs(client, {"q": "pari"}) == ["paris"]
    assert slugs(client, {"departement": "59", "status": "ferme"}) == []


def test_geojson_is_not_paginated(client):
    bulk_sites(30)
    assert len(features(client, {"page": "2"})) == 30


@pytest.mark.parametrize(
    "params",
    [
        {"departement": "<script>alert(1)</script>"},
        {"status": "zzz"},
        {"bookable": "maybe"},
        {"sort": ";drop"},
        {"q": "x" * 5000},
        {"space_kind": "🙂"},
    ],
)
def test_geojson_ignores_junk_filters(client, params):
    SiteFactory(slug="toujours")
    assert slugs(client, params) == ["toujours"]


def geojson_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"space_kind": "atelier", "accessible": "1"}])
def test_geojson_query_count_does_not_grow_with_the_number_of_sites(client, params):
    for site in bulk_sites(5, prefix="Petit"):
        bulk_spaces(site, 2, kind=Space.Kind.WORKSHOP, is_accessible=True)
    few = geojson_queries(client, params)
    for site in bulk_sites(195, prefix="Grand"):
        bulk_spaces(site, 2, kind=Space.Kind.WORKSHOP, is_accessible=True)
    many = geojson_queries(client, params)
    assert few == many
    assert many <= 2
