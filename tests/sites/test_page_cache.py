"""Public pages served from Django's cache to anonymous visitors, and never to anyone else."""

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.cache import FileBasedCache
from sites.page_cache import public_page
from tests.factories import SiteFactory, SpaceFactory, UserFactory
from tests.occupants.factories import StructureFactory

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
        reverse("structures:detail", args=[StructureFactory(name="Atelier Vélo").slug]),
        reverse("calls:list"),
    ]


def stored_pages() -> int:
    """Pages in Django's cache (the test settings use the local-memory cache)."""
    return sum(1 for key in cache._cache if "cache_page.public-page." in key)


def get(client, url, **kwargs):
    """The response, and whether it came from the cache (a rendered public page reads rows)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    return response, not queries.captured_queries


def test_second_anonymous_visit_is_served_from_the_cache_without_a_query(client, site):
    first, first_cached = get(client, DIRECTORY)
    second, second_cached = get(client, DIRECTORY)
    assert not first_cached and second_cached
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert stored_pages() == 1


@pytest.mark.parametrize("index", range(8))
def test_every_public_page_is_cached_and_holds_no_csrf_token_nor_cookie(client, site, index):
    url = public_urls(site)[index]
    first = client.get(url)
    assert first.status_code == 200, url
    assert not first.cookies, f"{url} sets {list(first.cookies)}: it could not be cached"
    assert b"csrfmiddlewaretoken" not in first.content
    assert stored_pages() == 1
    response, cached = get(client, url)
    assert cached and response.content == first.content


def test_an_edit_shows_once_the_copy_expires_without_any_invalidation(client, site, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 1
    client.get(site.get_absolute_url())
    site.name = "Les Ateliers du Port"
    site.save()
    SpaceFactory(site=site, name="Salle des machines")
    stale, cached = get(client, site.get_absolute_url())
    assert cached and "Les Ateliers du Canal" in stale.text
    time.sleep(1.1)
    fresh, cached = get(client, site.get_absolute_url())
    assert not cached
    assert "Les Ateliers du Port" in fresh.text and "Salle des machines" in fresh.text


def test_browsers_and_proxies_keep_the_page_no_longer_than_the_server_and_apart_from_logins(
    client, site
):
    client.get(DIRECTORY)
    response, cached = get(client, DIRECTORY)
    assert cached
    assert "max-age=300" in response["Cache-Control"]
    assert int(response["Age"]) >= 0  # what is left of the 300 s, for the browser too
    assert {"Cookie", "Accept-Language"} <= {v.strip() for v in response["Vary"].split(",")}


def test_logged_in_visitors_never_get_nor_store_a_cached_page(client, site):
    client.get(DIRECTORY)
    client.force_login(UserFactory())
    response, cached = get(client, DIRECTORY)
    assert not cached
    assert "Mon espace" in response.text
    assert "Cache-Control" not in response
    assert stored_pages() == 1  # the anonymous copy only


def test_pending_messages_bypass_the_cache(client, site):
    client.get(DIRECTORY)
    client.cookies["messages"] = "x"
    assert not get(client, DIRECTORY)[1]


def test_each_language_has_its_own_copy(client, site):
    french = client.get(DIRECTORY)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, cached = get(client, DIRECTORY)
    assert not cached
    assert '<html lang="en">' in english.text
    assert '<html lang="fr">' in french.text
    assert get(client, DIRECTORY)[1]


def test_htmx_partial_full_page_and_history_restore_are_cached_apart(client, site):
    htmx = {"HX-Request": "true"}
    restore = {**htmx, "HX-History-Restore-Request": "true"}
    assert "<html" not in client.get(DIRECTORY, headers=htmx).text
    assert "<html" in client.get(DIRECTORY).text
    assert "<html" in client.get(DIRECTORY, headers=restore).text
    assert stored_pages() == 3
    for headers, whole in (({}, True), (htmx, False), (restore, True)):
        response, cached = get(client, DIRECTORY, headers=headers)
        assert cached and ("<html" in response.text) == whole


def test_random_htmx_headers_never_add_cache_entries(client, site):
    for _ in range(20):
        header = {"HX-Request": secrets.token_hex(8)}
        assert client.get(DIRECTORY, headers=header).status_code == 200
    assert stored_pages() == 0


def test_random_query_parameters_never_add_cache_entries(client, site):
    for _ in range(50):
        response = client.get(DIRECTORY + f"?x{secrets.token_hex(8)}=1")
        assert response.status_code == 200
        assert "Les Ateliers du Canal" in response.text
    assert stored_pages() == 0  # rendered, not stored: the links echo the junk

    client.get(DIRECTORY)
    for _ in range(50):
        response, cached = get(client, DIRECTORY + f"?x{secrets.token_hex(8)}=1&utm_source=a")
        assert not cached and "Les Ateliers du Canal" in response.text
    assert stored_pages() == 1


def test_a_real_filter_gets_its_own_entry_with_its_own_content(client, site):
    SiteFactory(name="La Halle de Montreuil", departement="93")
    assert "La Halle de Montreuil" in client.get(DIRECTORY).text
    filtered = client.get(DIRECTORY + "?departement=92")
    assert stored_pages() == 2
    assert "Les Ateliers du Canal" in filtered.text
    assert "La Halle de Montreuil" not in filtered.text
    again, cached = get(client, DIRECTORY + "?departement=92")
    assert cached and again.content == filtered.content


@pytest.mark.parametrize(
    "query",
    [
        "?sort=name&sort=newest",  # the page reads the last value; its links would echo both
        "?q=" + "a" * 101,
        "?departement=92&&",  # the same filter, written another way each time
        "?departement=9%32",
    ],
)
def test_repeated_overlong_or_oddly_written_queries_are_rendered_but_not_stored(
    client, site, query
):
    for _ in range(2):
        response, cached = get(client, DIRECTORY + query)
        assert response.status_code == 200 and not cached
    assert stored_pages() == 0


def test_a_page_that_reads_no_parameter_is_not_stored_with_one(client, site):
    client.get(site.get_absolute_url() + "?page=2")
    client.get(reverse("sites:geojson") + "?departement=92&page=3")
    assert stored_pages() == 0


def test_not_found_and_junk_pages_are_not_stored(client, site):
    assert client.get("/lieux/nulle-part/").status_code == 404
    assert client.get("/lieux/nulle-part/").status_code == 404
    assert client.get(DIRECTORY + "?page=999999&departement=%ff").status_code == 200
    assert stored_pages() == 0


def test_switched_off_with_zero_seconds(client, site, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(DIRECTORY)
    assert not get(client, DIRECTORY)[1]
    assert stored_pages() == 0


@public_page
def page_with_a_form(request):
    return HttpResponse(f"<input name=csrfmiddlewaretoken value={get_token(request)}>")


@public_page
def page_setting_a_cookie(request):
    response = HttpResponse("bonjour")
    response.set_cookie("vu", "1")
    return response


@pytest.mark.parametrize("view", [page_with_a_form, page_setting_a_cookie])
def test_a_page_holding_a_csrf_token_or_setting_a_cookie_is_never_stored(view):
    # Django's cache_page, on a view, runs before the CSRF middleware sets its cookie and Vary:
    # it would store one visitor's token for everyone.
    for _ in range(2):
        response = view(RequestFactory().get("/"))
        assert "private" in response["Cache-Control"]
    assert stored_pages() == 0


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
