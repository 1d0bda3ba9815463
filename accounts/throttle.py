"""Counters that cap the e-mails a visitor can make the platform send (sign-ups, password
resets, verification links): per address, so that nobody floods a mailbox, and per client IP,
so that nobody sprays addresses.

Fixed windows in Django's cache; `count` also serves other per-account limits (uploads). Past
a limit the caller answers exactly as usual and sends nothing, so the limit itself tells nothing
about an address.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from accounts.client_ip import client_ip


def count(scope: str, value: str, *, window: int) -> int:
    """Count one hit of `scope` for `value` (hashed in the key) and return the hits within the
    window that began with the first of them."""
    digest = hashlib.sha256(value.encode()).hexdigest()
    key = f"throttle:{scope}:{digest}"
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:
        # The entry expired between add() and incr(): this request opens a new window.
        cache.set(key, 1, window)
        return 1


def allow_email(request: HttpRequest, scope: str, email: str) -> bool:
    """Count one request of `scope` ("signup", "password_reset", …) for this address and this
    client IP; False once either has gone past its limit within the window."""
    window = settings.EMAIL_THROTTLE_WINDOW_SECONDS
    per_address = count(f"{scope}:address", email.strip().lower(), window=window)
    per_ip = count(f"{scope}:ip", client_ip(request) or "unknown", window=window)
    return (
        per_address <= settings.EMAIL_THROTTLE_PER_ADDRESS
        and per_ip <= settings.EMAIL_THROTTLE_PER_IP
    )
