"""Whole-page cache of the public pages for anonymous visitors.

A visitor without a session cookie (so not logged in) and without pending messages gets the
home page, the directories, the GeoJSON and the public site and structure pages from Django's
cache, shared by every worker process when CACHES points at a shared backend (the production
default is a file cache). Each page is stored under

    public-page:<version>:<language>:<htmx>:<path and sorted query>

so a cached page is never served in another language or as another htmx partial. The query in
the key holds only the parameters the view declares it reads (`@public_page(params=...)`), each
with the one value the view reads (the last), so that `?x<random>=1` cannot add an entry per
request and evict the real pages: a request that carries anything else (an unknown or repeated
parameter, since the page's links echo its query) is served the entry of its known parameters
when there is one, and otherwise rendered but not stored; one with a value longer than
MAX_VALUE_LENGTH is rendered every time. The version
changes whenever a model that public pages show is saved or deleted (signals, connected in
SitesConfig.ready) and `invalidate()` is called after bulk updates that bypass signals, so an
edit in the admin shows at once; PUBLIC_PAGE_CACHE_SECONDS bounds how long a page may show what
time alone changes (remaining duration, a call that has just closed). 0 switches the cache off.

A response is stored only when it is a plain 200 that sets no cookie, used no CSRF token,
touched no session and added no message: a page that would differ from one anonymous visitor to
the next is rendered every time.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

VERSION_KEY = "public-page:version"
HEADER = "X-Page-Cache"
# The directories' search text is limited to 100 characters; a longer value is refused anyway.
MAX_VALUE_LENGTH = 100

# Saving these never changes a public page: private records, or writes so frequent (bookings,
# sessions, logins) that they would empty the cache all day. The public yearly booking rate
# has its own cache (events.stats.cached_site_rate).
IGNORED_MODELS = frozenset(
    {
        "accounts.user",
        "admin.logentry",
        "auth.permission",
        "auth.group",
        "contenttypes.contenttype",
        "sessions.session",
        "events.booking",
        "events.bookingseries",
        "events.feedtoken",
        "occupants.application",
        "occupants.applicationdocument",
        "occupants.invitation",
        "occupants.structuremember",
    }
)
IGNORED_APPS = frozenset({"axes"})


def seconds() -> int:
    return getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 0)


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    return version


def invalidate() -> None:
    """Every cached public page becomes stale (they expire from the cache by themselves).

    Called inside a transaction, it changes the version at once and again after the commit: a
    page rendered by another request in between still read the old rows, and must not stay
    cached under the new version.
    """
    cache.set(VERSION_KEY, time.time_ns(), None)
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        func is _invalidate_after_commit for _sids, func, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_invalidate_after_commit, robust=True)


def _invalidate_after_commit() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def on_model_change(sender, **kwargs) -> None:
    """post_save / post_delete / m2m_changed receiver."""
    if kwargs.get("raw"):  # loaddata
        return
    if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed fires pre_ and post_
        return
    meta = sender._meta
    if meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED_MODELS:
        return
    invalidate()


def on_migrate(sender, **kwargs) -> None:
    invalidate()


def _anonymous_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
    )


def _known_query(request: HttpRequest, params: frozenset[str]) -> tuple[str, bool] | None:
    """The query the view reads, and whether the request carries nothing else.

    None when a value is too long to be worth a cache entry.
    """
    known = []
    for name in sorted(params):
        value = request.GET.get(name)  # the last value, the one the view reads
        if value is None:
            continue
        if len(value) > MAX_VALUE_LENGTH:
            return None
        known.append((name, value))
    exact = all(name in params and len(values) == 1 for name, values in request.GET.lists())
    return urlencode(known), exact


def _key(request: HttpRequest, version: int, query: str) -> str:
    htmx = "h" if request.headers.get("HX-Request") == "true" else "-"
    if request.headers.get("HX-History-Restore-Request") == "true":
        htmx = "r"
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
    return f"public-page:{version}:{translation.get_language()}:{htmx}:{digest}"


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if response.has_header("Cache-Control") and "private" in response["Cache-Control"]:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and getattr(storage, "added_new", False))


def public_page(view: Callable | None = None, *, params: Iterable[str] = ()):
    """Serve the view from the cache to anonymous visitors (see the module's docstring).

    `params` names the query parameters the view reads; any other one is left out of the key.
    """
    names = frozenset(params)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            timeout = seconds()
            if timeout <= 0 or not _anonymous_request(request):
                return view(request, *args, **kwargs)
            query = _known_query(request, names)
            if query is None:
                return view(request, *args, **kwargs)
            known, exact = query
            key = _key(request, current_version(), known)
            stored = cache.get(key)
            if stored is not None:
                content, headers = stored
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                response[HEADER] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if exact and _storable(request, response):
                    headers = [(k, v) for k, v in response.items() if k.lower() != "content-length"]
                    cache.set(key, (response.content, headers), timeout)
                    response[HEADER] = "miss"
            # Whatever a session cookie would change, the same URL answers differently to a
            # logged-in user: no shared cache downstream may mix the two.
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
