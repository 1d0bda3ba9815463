"""A person's language: the one their account records (User.language), which the e-mails to
them are written in, and the cookie through which LocaleMiddleware shows them the interface in
it. A visitor without an account has only the cookie."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from accounts.models import User


def of(user: User | None, *, fallback: str | None = None) -> str:
    """The language to write to this account in. For a person who never chose, or without an
    account, `fallback` (the language of the page from which they act themselves, when they
    do), else the platform's."""
    if user is not None and user.language:
        return user.language
    return fallback or settings.LANGUAGE_CODE


def of_address(email: str) -> str:
    """The language of the account with this address, if there is one (one query)."""
    return of(User.objects.filter(email__iexact=email).only("language").first())


def is_known(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


def remember(user: User, code: str) -> None:
    """Record the language a logged-in person chose; nothing is written if it is already theirs."""
    if is_known(code) and user.language != code:
        User.objects.filter(pk=user.pk).update(language=code)
        user.language = code


def set_cookie(response: HttpResponse, code: str) -> None:
    """The interface follows `code` from the next request on."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
