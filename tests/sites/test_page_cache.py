"""Public pages served from the cache to anonymous visitors, and never to anyone else."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from config.cache import FileBasedCache
from sites import page_cache
from tests.factories import SiteFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("sites:directory")
ROOT = Path(__file__).resolve().parents[2]


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


def stored_pages() -> int:
    """Entries of the public page cache (the test settings use the local-memory cache)."""
    return sum(1 for key in cache._cache if ":public-page:" in key and "version" not in key)


def test_random_query_parameters_never_add_cache_entries(client, site):
    before = stored_pages()
    for _ in range(50):
        response = client.get(DIRECTORY + f"?x{secrets.token_hex(8)}=1")
        assert response.status_code == 200
        assert "Les Ateliers du Canal" in response.text
    assert stored_pages() == before  # rendered, not stored: the links echo the junk

    client.get(DIRECTORY)
    assert stored_pages() == before + 1
    for _ in range(50):
        response = client.get(DIRECTORY + f"?x{secrets.token_hex(8)}=1&utm_source=lettre")
        assert response["X-Page-Cache"] == "hit"
    assert stored_pages() == before + 1


def test_a_real_filter_gets_its_own_entry_with_its_own_content(client, site):
    SiteFactory(name="La Halle de Montreuil", departement="93")
    everything = client.get(DIRECTORY)
    assert "La Halle de Montreuil" in everything.text
    before = stored_pages()

    filtered = client.get(DIRECTORY + "?departement=92")
    assert filtered["X-Page-Cache"] == "miss"
    assert stored_pages() == before + 1
    assert "Les Ateliers du Canal" in filtered.text
    assert "La Halle de Montreuil" not in filtered.text
    with_junk = client.get(DIRECTORY + "?departement=92&fbclid=abc")
    assert with_junk["X-Page-Cache"] == "hit"
    assert with_junk.content == filtered.content
    assert stored_pages() == before + 1


def test_repeated_or_overlong_values_are_rendered_but_not_stored(client, site):
    before = stored_pages()
    # The page reads the last value; its links would echo both.
    repeated = client.get(DIRECTORY + "?sort=name&sort=newest")
    assert repeated.status_code == 200 and "X-Page-Cache" not in repeated
    overlong = client.get(DIRECTORY, {"q": "a" * 101})
    assert overlong.status_code == 200 and "X-Page-Cache" not in overlong
    assert stored_pages() == before


def test_pages_that_read_no_parameter_share_one_entry_whatever_the_query(client, site):
    client.get(site.get_absolute_url())
    assert client.get(site.get_absolute_url() + "?page=2")["X-Page-Cache"] == "hit"
    geojson = reverse("sites:geojson")
    client.get(geojson + "?departement=92")
    assert client.get(geojson + "?departement=92&page=3")["X-Page-Cache"] == "hit"


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


# --- The production file cache ---------------------------------------------------------------


class CountingFileCache(FileBasedCache):
    """The project's file cache, counting how often it lists its directory."""

    listings = 0

    def _list_cache_files(self):
        CountingFileCache.listings += 1
        return super()._list_cache_files()


def test_the_file_cache_lists_its_directory_once_per_hundred_writes_and_stays_bounded(
    tmp_path,
):
    # A cull removes a third of the entries: more than the writes between two checks.
    file_cache = CountingFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 600}})
    CountingFileCache.listings = 0
    for n in range(1000):
        file_cache.set(f"page-{n}", "x" * 100)
    assert CountingFileCache.listings <= 10  # Django's lists it before each of the 1000 writes
    assert len(list(tmp_path.glob("*.djcache"))) <= 600 + FileBasedCache.CULL_CHECK_EVERY


def test_production_uses_the_project_file_cache_by_default():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_URL"))}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.prod", "DJANGO_SECRET_KEY": "k" * 50}
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "config.cache.FileBasedCache", result.stderr
