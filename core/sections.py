"""Sections of a site page that anonymous visitors get from Django's cache.

A site page shows what other apps compute from their own rows: its occupants (figures over
every current occupant), its next public events, its open calls, its impact reports. Each
costs one query or more and a template, together half of the page's time. Anonymous visitors
get each section's HTML from Django's cache for SITE_SECTIONS_CACHE_SECONDS (0 switches it
off), under the section's key and the language; logged-in users always get them fresh.
Nothing invalidates an entry (no signal): a change shows once the entry expires, at most that
many seconds later, as with the page cache (sites.page_cache).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

KEY_PREFIX = "site-section"


def from_cache(user) -> bool:
    """Whether this user gets the sections from the cache: anonymous visitors only."""
    return bool(settings.SITE_SECTIONS_CACHE_SECONDS) and not getattr(
        user, "is_authenticated", False
    )


def section(request, key: str, render: Callable[[], str]) -> SafeString:
    """The HTML `render()` returns (one of our templates, rendered), from the cache under
    `key` and the active language for an anonymous visitor, fresh for anyone else."""
    if request is None or not from_cache(request.user):
        return mark_safe(render())  # our own template's output
    full_key = f"{KEY_PREFIX}:{key}:{get_language()}"
    html = cache.get(full_key)
    if html is None:
        html = str(render())
        cache.set(full_key, html, settings.SITE_SECTIONS_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, stored as rendered
