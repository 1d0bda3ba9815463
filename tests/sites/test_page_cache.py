"""Public pages served from the cache to anonymous visitors, and never to anyone else."""

import pytest
from django.conf import settings
from django.urls import reverse

from sites import page_cache
from tests.factories import SiteFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("sites:directory")


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300


@pytest.fixture
def site():
    return SiteFactory(name="Les Ateliers du Canal")


def public_urls(site) -> list[str]:
    return [
        reverse("home"),
        DIRECTORY,
        DIRECTORY + "?departement=92&sort=newest",
        reverse("sites:geojson"),
        site.get_absolute_url(),
        reverse("structures:directory"),
        reverse("calls:list"),
    ]


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(
    client, site, django_assert_num_queries
):
    first = client.get(DIRECTORY)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(DIRECTORY)
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize("index", range(7))
def test_every_public_page_is_cached_and_holds_no_csrf_token_nor_cookie(client, site, index):
    url = public_urls(site)[index]
    first = client.get(url)
    assert first.status_code == 200, url
    assert not first.cookies, f"{url} sets {list(first.cookies)}: it could not be cached"
    assert b"csrfmiddlewaretoken" not in first.content
    assert first["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_change_in_the_admin_shows_at_once(client, site):
    client.get(DIRECTORY)
    site.name = "Les Ateliers du Port"
    site.save()
    response = client.get(DIRECTORY)
    assert response["X-Page-Cache"] == "miss"
    assert "Les Ateliers du Port" in response.text
    assert "Les Ateliers du Canal" not in response.text


def test_a_new_space_or_a_deleted_site_changes_the_cached_pages(client, site):
    client.get(site.get_absolute_url())
    SpaceFactory(site=site, name="Salle des machines")
    assert "Salle des machines" in client.get(site.get_absolute_url()).text
    client.get(DIRECTORY)
    site.delete()
    assert "Les Ateliers du Canal" not in client.get(DIRECTORY).text


def test_version_changes_again_after_the_commit(django_capture_on_commit_callbacks):
    before = page_cache.current_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        site = SiteFactory()
        site.save()
    assert page_cache.current_version() != before
    # One callback per transaction, whatever the number of saves.
    assert [c for c in callbacks if c is page_cache._invalidate_after_commit] == [
        page_cache._invalidate_after_commit
    ]
    inside = page_cache.current_version()
    callbacks[-1]()
    assert page_cache.current_version() != inside


def test_a_booking_does_not_empty_the_cache(client, site):
    from tests.events.factories import BookingFactory, RoomFactory, StructureFactory

    room, structure, user = RoomFactory(site=site), StructureFactory(), UserFactory()
    client.get(DIRECTORY)
    BookingFactory(space=room, structure=structure, booked_by=user)
    assert client.get(DIRECTORY)["X-Page-Cache"] == "hit"


def test_logged_in_visitors_never_get_the_cached_page(client, site):
    client.get(DIRECTORY)
    user = UserFactory()
    client.force_login(user)
    response = client.get(DIRECTORY)
    assert "X-Page-Cache" not in response
    assert "Mon espace" in response.text


def test_pending_messages_bypass_the_cache(client, site):
    client.get(DIRECTORY)
    client.cookies["messages"] = "x"
    assert "X-Page-Cache" not in client.get(DIRECTORY)


def test_each_language_has_its_own_copy(client, site):
    french = client.get(DIRECTORY)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(DIRECTORY)
    assert english["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.text
    assert '<html lang="fr">' in french.text
    assert client.get(DIRECTORY)["X-Page-Cache"] == "hit"


def test_htmx_partial_and_full_page_are_cached_apart(client, site):
    partial = client.get(DIRECTORY, headers={"HX-Request": "true"})
    assert "<html" not in partial.text
    full = client.get(DIRECTORY)
    assert full["X-Page-Cache"] == "miss"
    assert "<html" in full.text
    restore = client.get(
        DIRECTORY, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text


def test_query_order_does_not_matter_but_values_do(client, site):
    client.get(DIRECTORY + "?departement=92&sort=newest")
    assert client.get(DIRECTORY + "?sort=newest&departement=92")["X-Page-Cache"] == "hit"
    assert client.get(DIRECTORY + "?sort=name&departement=92")["X-Page-Cache"] == "miss"


def test_not_found_and_junk_pages_are_not_stored(client, site):
    assert client.get("/lieux/nulle-part/").status_code == 404
    assert "X-Page-Cache" not in client.get("/lieux/nulle-part/")
    junk = client.get(DIRECTORY + "?page=999999&departement=%ff")
    assert junk.status_code == 200


def test_switched_off_with_zero_seconds(client, site, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(DIRECTORY)
    assert "X-Page-Cache" not in client.get(DIRECTORY)


def test_ignored_models_exist():
    from django.apps import apps

    labels = {model._meta.label_lower for model in apps.get_models()}
    assert labels >= page_cache.IGNORED_MODELS


# --- The language links --------------------------------------------------------------------


def test_language_link_sets_the_cookie_and_returns_to_the_page(client):
    response = client.get(reverse("choose_language", args=["en"]) + "?next=/lieux/%3Fpage%3D2")
    assert response.status_code == 302
    assert response["Location"] == "/lieux/?page=2"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_language_link_never_sends_the_visitor_to_another_host(client, target):
    response = client.get(reverse("choose_language", args=["en"]), {"next": target})
    assert response["Location"] == "/"


def test_unknown_language_is_not_found_and_post_is_refused(client):
    assert client.get(reverse("choose_language", args=["xx"])).status_code == 404
    assert not client.get(reverse("choose_language", args=["xx"])).cookies
    assert client.post(reverse("choose_language", args=["en"])).status_code == 405


def test_header_links_to_both_languages_with_the_current_page(client, site):
    html = client.get(DIRECTORY + "?sort=newest").text
    assert 'href="/langue/en/?next=%2Flieux%2F%3Fsort%3Dnewest"' in html
    assert 'aria-current="true">Français<' in html
