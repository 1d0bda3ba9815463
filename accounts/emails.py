"""E-mails about accounts. Every link is built from SITE_URL, never from the request's Host
header, which a visitor chooses. Callers send them through transaction.on_commit."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import language


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def _send(template: str, email: str, context: dict, written_in: str) -> None:
    context = {"PLATFORM_NAME": settings.PLATFORM_NAME, "email": email, **context}
    with translation.override(written_in):
        subject = render_to_string(f"accounts/emails/{template}_subject.txt", context)
        body = render_to_string(f"accounts/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [email])


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
