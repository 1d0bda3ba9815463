import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sites.models import Site, Space
from sites.selectors import MAP_FEATURE_LIMIT, MAP_GRID
from tests.factories import SiteFactory, SpaceFactory
from tests.sites.builders import bulk_sites, bulk_spaces, spread_sites

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


# -- The view: a bounding box and a zoom, clusters when the view holds many sites ---------------

FRANCE = "-5.5,41,10,51.5"


def collection(client, params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200
    return json.loads(response.content)


def test_geojson_keeps_only_the_sites_inside_the_box(client):
    SiteFactory(slug="lille", latitude=Decimal("50.63"), longitude=Decimal("3.06"))
    SiteFactory(slug="marseille", latitude=Decimal("43.30"), longitude=Decimal("5.37"))
    SiteFactory(slug="fort-de-france", latitude=Decimal("14.61"), longitude=Decimal("-61.07"))
    assert slugs(client, {"bbox": "2,50,4,51", "zoom": "9"}) == ["lille"]
    assert slugs(client, {"bbox": FRANCE, "zoom": "5"}) == ["lille", "marseille"]
    assert slugs(client) == ["fort-de-france", "lille", "marseille"]  # no box: the globe


def test_geojson_box_and_filters_combine(client):
    SiteFactory(slug="lille-ouvert", latitude=Decimal("50.63"), longitude=Decimal("3.06"))
    SiteFactory(
        slug="lille-ferme",
        latitude=Decimal("50.64"),
        longitude=Decimal("3.07"),
        status=Site.Status.CLOSED,
    )
    SiteFactory(slug="marseille-ferme", latitude=Decimal("43.3"), status=Site.Status.CLOSED)
    assert slugs(client, {"bbox": "2,50,4,51", "zoom": "9", "status": "ferme"}) == ["lille-ferme"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"bbox": "nord"}, "ouest,sud,est,nord"),
        ({"bbox": "1,2,3"}, "ouest,sud,est,nord"),
        ({"bbox": "1,2,3,4,5"}, "ouest,sud,est,nord"),
        ({"bbox": "1;2;3;4"}, "ouest,sud,est,nord"),
        ({"bbox": "nan,0,1,1"}, "ouest,sud,est,nord"),
        ({"bbox": "0,0,inf,1"}, "ouest,sud,est,nord"),
        ({"bbox": "0,0,1e999,1"}, "ouest,sud,est,nord"),
        ({"bbox": "-200,0,1,1"}, "sort du globe"),
        ({"bbox": "0,-91,1,1"}, "sort du globe"),
        ({"bbox": "5,0,1,1"}, "est vide"),
        ({"bbox": "0,0,0,0"}, "est vide"),
        ({"zoom": "proche"}, "nombre entier"),
        ({"zoom": "1.5"}, "nombre entier"),
        ({"zoom": "-1"}, "négatif"),
        ({"zoom": "99999999999999999999999"}, "au plus jusqu'à 19"),
    ],
)
def test_a_bad_box_or_zoom_is_a_400_that_says_why_in_french(client, params, message):
    SiteFactory()
    response = client.get(URL, params)
    assert response.status_code == 400
    assert message in json.loads(response.content)["error"]


def test_geojson_lists_each_site_up_to_the_limit(client):
    spread_sites(MAP_FEATURE_LIMIT, west=0, south=45, east=6, north=49, prefix="Lieu")
    features = collection(client, {"bbox": FRANCE, "zoom": "5"})["features"]
    assert len(features) == MAP_FEATURE_LIMIT
    assert not any(feature["properties"].get("cluster") for feature in features)


def test_geojson_clusters_the_sites_above_the_limit_and_counts_them_all(client):
    spread_sites(600, west=-4, south=43, east=7, north=50, prefix="Lieu")
    features = collection(client, {"bbox": FRANCE, "zoom": "5"})["features"]
    clusters = [f for f in features if f["properties"].get("cluster")]
    singles = [f for f in features if not f["properties"].get("cluster")]
    assert len(features) <= 40  # a few 64-pixel squares over France, not 600 markers
    assert sum(c["properties"]["count"] for c in clusters) + len(singles) == 600
    largest = max(clusters, key=lambda c: c["properties"]["count"])
    count = largest["properties"]["count"]
    assert largest["properties"]["label"] == f"{count} lieux"
    lon, lat = largest["geometry"]["coordinates"]
    assert -4 <= lon <= 7
    assert 43 <= lat <= 50


def test_a_closer_zoom_splits_the_clusters(client):
    spread_sites(400, west=2.2, south=48.8, east=2.5, north=48.95, prefix="Paris")
    box = "2.1,48.7,2.6,49"
    far = collection(client, {"bbox": box, "zoom": "9"})["features"]
    near = collection(client, {"bbox": box, "zoom": "13"})["features"]
    assert len(far) < len(near)


def test_a_cluster_of_one_site_is_that_site(client):
    spread_sites(MAP_FEATURE_LIMIT + 1, west=2.2, south=48.8, east=2.5, north=48.95, prefix="Paris")
    SiteFactory(slug="brest", name="Brest", latitude=Decimal("48.39"), longitude=Decimal("-4.49"))
    features = collection(client, {"bbox": FRANCE, "zoom": "5"})["features"]
    brest = [f for f in features if f["properties"].get("slug") == "brest"]
    assert len(brest) == 1
    assert brest[0]["properties"]["url"] == "/lieux/brest/"


def test_a_world_wide_box_at_a_close_zoom_stays_small(client):
    spread_sites(900, west=-170, south=-80, east=170, north=80, prefix="Monde")
    features = collection(client, {"bbox": "-180,-90,180,90", "zoom": "19"})["features"]
    assert len(features) <= MAP_GRID * MAP_GRID


@pytest.mark.parametrize("params", [{}, {"bbox": FRANCE, "zoom": "6", "space_kind": "atelier"}])
def test_clustered_geojson_query_count_does_not_grow_with_the_number_of_sites(client, params):
    def add(count: int, prefix: str) -> None:
        sites = spread_sites(count, west=-4, south=43, east=7, north=50, prefix=prefix)
        Space.objects.bulk_create(
            Space(site=site, name="Atelier", kind=Space.Kind.WORKSHOP, surface=20, capacity=2)
            for site in sites
        )

    add(MAP_FEATURE_LIMIT + 10, "Petit")
    few = geojson_queries(client, params)
    add(1000, "Grand")
    many = geojson_queries(client, params)
    # The sites, then the squares, then the sites alone in their square if there are any.
    assert few <= 3
    assert many <= 3


def test_geojson_is_cached_per_box_and_zoom(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    SiteFactory(slug="lille", latitude=Decimal("50.63"), longitude=Decimal("3.06"))
    lille = {"bbox": "2,50,4,51", "zoom": "9"}
    assert slugs(client, lille) == ["lille"]
    SiteFactory(slug="roubaix", latitude=Decimal("50.69"), longitude=Decimal("3.17"))
    assert slugs(client, lille) == ["lille"]  # the stored answer for this view
    assert slugs(client, {**lille, "zoom": "10"}) == ["lille", "roubaix"]
    assert slugs(client, {**lille, "bbox": "2,50,4,51.5"}) == ["lille", "roubaix"]


def test_clusters_are_kept_a_short_while_per_view_and_language(client, settings):
    settings.MAP_CLUSTER_CACHE_SECONDS = 60
    spread_sites(MAP_FEATURE_LIMIT + 50, west=-4, south=43, east=7, north=50, prefix="Lieu")
    view = {"bbox": FRANCE, "zoom": "5"}

    def total(params) -> int:
        features = collection(client, params)["features"]
        return sum(f["properties"].get("count", 1) for f in features)

    assert total(view) == MAP_FEATURE_LIMIT + 50
    spread_sites(10, west=-4, south=43, east=7, north=50, prefix="Nouveau")
    with CaptureQueriesContext(connection) as queries:
        assert total(view) == MAP_FEATURE_LIMIT + 50  # the kept clusters
    assert len(queries) == 1  # enough sites in view to cluster: that is all it asks
    assert total({**view, "zoom": "6"}) == MAP_FEATURE_LIMIT + 60
    assert total({**view, "status": "ouvert"}) == MAP_FEATURE_LIMIT + 60
    client.cookies["django_language"] = "en"
    labels = [f["properties"].get("label", "") for f in collection(client, view)["features"]]
    assert any(label.endswith(" sites") for label in labels)
