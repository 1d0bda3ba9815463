"""The visitor's address that django-axes counts login failures under.

django-axes reads X-Forwarded-For only through django-ipware, which the project does not install:
without this function every visitor behind the reverse proxy would share the proxy's address.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind REVERSE_PROXY_COUNT proxies the address the outermost one received
    from. Each proxy appends to X-Forwarded-For, so it is read from the right: what the client
    wrote itself on the left is never trusted."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.REVERSE_PROXY_COUNT
    if not count:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
