"""The accounts' e-mails reach each account in its language: the confirmation link, "you already
have an account", the password reset. A person who never chose and asks from an English page
reads English; a sign-up records the language of the page it was made from."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "un-long-mot-de-passe-42"


def in_language(client, code: str):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def sign_up(client, email: str):
    return client.post(
        reverse("calls:signup"),
        {"full_name": "Nina", "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.mark.parametrize(
    ("page", "subject"),
    [
        ("en", "Confirm your address on Interstices"),
        ("fr", "Confirmez votre adresse sur Interstices"),
    ],
)
def test_a_sign_up_records_the_language_of_its_page_and_confirms_in_it(
    client, django_capture_on_commit_callbacks, page, subject
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(in_language(client, page), "nina@example.org")
    assert User.objects.get(email="nina@example.org").language == page
    assert [m.subject for m in mail.outbox] == [subject]


def test_you_already_have_an_account_is_in_the_accounts_language_not_the_pages(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="ada@example.org", language="en")
    UserFactory(email="uma@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(in_language(client, "fr"), "ada@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(in_language(client, "en"), "uma@example.org")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.org"], "You already have an account on Interstices"),
        (["uma@example.org"], "Vous avez déjà un compte sur Interstices"),
    ]


@pytest.mark.parametrize(
    ("account", "page", "subject"),
    [
        ("en", "fr", "Confirm your address on Interstices"),
        ("fr", "en", "Confirmez votre adresse sur Interstices"),
        ("", "en", "Confirm your address on Interstices"),
        ("", "fr", "Confirmez votre adresse sur Interstices"),
    ],
)
def test_a_new_confirmation_link_is_in_the_accounts_language_else_the_pages(
    client, django_capture_on_commit_callbacks, account, page, subject
):
    client.force_login(UserFactory(language=account, email_verified_at=None))
    with django_capture_on_commit_callbacks(execute=True):
        in_language(client, page).post(reverse("accounts:email_verification_resend"))
    assert [m.subject for m in mail.outbox] == [subject]


@pytest.mark.parametrize(
    ("account", "page", "subject"),
    [
        ("en", "fr", "New password for Interstices"),
        ("fr", "en", "Nouveau mot de passe pour Interstices"),
        ("", "en", "New password for Interstices"),
        ("", "fr", "Nouveau mot de passe pour Interstices"),
    ],
)
def test_a_password_reset_is_in_the_accounts_language_else_the_pages(
    client, django_capture_on_commit_callbacks, account, page, subject
):
    UserFactory(email="ada@example.org", language=account)
    with django_capture_on_commit_callbacks(execute=True):
        in_language(client, page).post(
            reverse("accounts:password_reset"), {"email": "ada@example.org"}
        )
    assert [m.subject for m in mail.outbox] == [subject]
    hello = "Hello" if subject.startswith("New") else "Bonjour"
    assert mail.outbox[0].body.startswith(hello)
