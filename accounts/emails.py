"""E-mails about accounts. Every link is built from SITE_URL, never from the request's Host
header, which a visitor chooses. Callers send them through transaction.on_commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import language
from accounts.models import User


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _message(template: str, email: str, context: dict, written_in: str) -> EmailMessage:
    context = {"PLATFORM_NAME": settings.PLATFORM_NAME, "email": email, **context}
    with translation.override(written_in):
        subject = render_to_string(f"accounts/emails/{template}_subject.txt", context)
        body = render_to_string(f"accounts/emails/{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[email])


def _send(template: str, email: str, context: dict, written_in: str) -> None:
    _message(template, email, context, written_in).send()


def send_verification(email: str, token: str, written_in: str) -> None:
    _send(
        "verify_email",
        email,
        {
            "url": absolute(reverse("accounts:email_verify", kwargs={"token": token})),
            "valid_days": settings.EMAIL_VERIFICATION_MAX_AGE.days,
        },
        written_in,
    )


def send_account_exists(email: str) -> None:
    """To an address that signed up again: what to do instead, nothing said on the page."""
    _send(
        "account_exists",
        email,
        {
            "login_url": absolute(reverse("accounts:login")),
            "reset_url": absolute(reverse("accounts:password_reset")),
        },
        # The account's language: whoever signed up with this address may be someone else.
        language.of_address(email),
    )


def account_erased(user: User, *, fallback: str | None = None) -> EmailMessage:
    """To a person who erased their own account. Written before the erasure, while the account
    still has its address and language; the caller sends it once the erasure has committed."""
    return _message(
        "account_erased",
        user.email,
        {"home_url": absolute("/")},
        language.of(user, fallback=fallback),
    )
