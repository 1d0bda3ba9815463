"""A person's language: the one their account records (User.language), which the e-mails to
them are written in."""

from __future__ import annotations

from django.conf import settings

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
