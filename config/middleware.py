"""Middleware of the project."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

NUL = "\x00"


def _has_nul(pairs) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


class RejectNulMiddleware:
    """Answer 400 to a request with a NUL byte in its path, query, form fields or cookies.

    No page of the site takes one, and PostgreSQL refuses NUL in text: a query holding one
    would fail as a server error wherever a view passes the value to the database. Raising
    BadRequest lets Django answer with its 400 handler (templates/400.html), in the language
    LocaleMiddleware chose; the session and the user, read lazily, are not looked up before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            NUL in request.path_info
            or _has_nul(request.GET.lists())
            or _has_nul((key, [value]) for key, value in request.COOKIES.items())
            or (request.method == "POST" and self._post_has_nul(request))
        ):
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)

    @staticmethod
    def _post_has_nul(request: HttpRequest) -> bool:
        names = ((key, [f.name for f in files]) for key, files in request.FILES.lists())
        return _has_nul(request.POST.lists()) or _has_nul(names)
