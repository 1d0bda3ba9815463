"""Where a form or a link may send back to: the one check every view uses."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, default: str) -> str:
    """The `next` address a form posts or a link carries (POST first, then GET) when it is a
    path of this site, else `default`. A path only: redirect() would take "foo" for the name of
    a URL pattern, and a control character (a NUL byte) has no place in a Location header."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and target.isprintable()
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
