"""Public pages served from Django's cache (`cache_page`) to anonymous visitors.

`@public_page` puts Django's `cache_page` on the home page, the directories, the map's GeoJSON,
the site and structure pages and the calls, for PUBLIC_PAGE_CACHE_SECONDS (0, the default in
development and tests, switches it off), in the cache the workers share (CACHES). Nothing
invalidates a stored page: an edit shows once its copy expires, at most that many seconds later.

Django keys a page on its full URL, the active language and time zone, and the request headers
the view lists in `Vary` (here the two htmx headers, so a fragment and a whole page are stored
apart). The cache is neither read nor written, and the page is rendered as for anyone, when:

- the request carries a session or messages cookie: a logged-in user, or one with a pending
  message, always gets a fresh page;
- its query holds a parameter the view does not read (`params`), the same parameter twice, a
  value longer than MAX_VALUE_LENGTH, or is not written the way the page's own links and forms
  write it (`&&`, `%61` for `a`); or an htmx header holds anything but "true": the key would
  otherwise follow whatever a client sends, and `?x<random>=1` would add an entry per request
  and evict the real pages and the sessions.

A response is stored only when it is a 200 that sets no cookie, used no CSRF token, touched no
session and added no message; any other one is marked `Cache-Control: private`, which Django's
cache, and any cache downstream, does not store.

`cache_page` runs inside the middleware: the `Vary: Cookie` and `Vary: Accept-Language` that the
session and locale middleware add are not part of the key (the language is, by itself), and
`Vary: Cookie` is added to every response on its way out, stored or not, so that a browser or a
proxy never gives a logged-in user the page it kept for an anonymous visitor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import cache_page

KEY_PREFIX = "public-page"
HTMX_HEADERS = ("HX-Request", "HX-History-Restore-Request")
# The directories' search text is limited to 100 characters; a longer value is refused anyway.
MAX_VALUE_LENGTH = 100


def _cacheable_request(request: HttpRequest, params: frozenset[str]) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in (
        request.COOKIES
    ):
        return False
    if any(request.headers.get(name, "true") != "true" for name in HTMX_HEADERS):
        return False
    for name, values in request.GET.lists():
        if name not in params or len(values) != 1 or len(values[0]) > MAX_VALUE_LENGTH:
            return False
    return request.META.get("QUERY_STRING", "") == request.GET.urlencode()


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    storage = getattr(request, "_messages", None)
    return not (storage is not None and getattr(storage, "added_new", False))


def public_page(view: Callable | None = None, *, params: Iterable[str] = ()):
    """Serve the view from Django's cache to anonymous visitors (see the module's docstring).

    `params` names the query parameters the view reads; a request with any other one is
    rendered and not stored.
    """
    names = frozenset(params)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def render(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            patch_vary_headers(response, HTMX_HEADERS)
            if not _storable(request, response):
                patch_cache_control(response, private=True)
            return response

        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
            if seconds <= 0 or not _cacheable_request(request, names):
                return view(request, *args, **kwargs)
            cached = cache_page(seconds, key_prefix=KEY_PREFIX)(render)
            response = cached(request, *args, **kwargs)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator(view) if view is not None else decorator
