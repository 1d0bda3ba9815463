import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

NEW_PASSWORD = "un-nouveau-mot-de-passe-42"


def request_reset(client, email, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email})


@pytest.mark.django_db
def test_reset_pages_are_in_french(client):
    assert "Mot de passe oublié" in client.get(reverse("accounts:password_reset")).text
    assert "Vérifiez votre messagerie" in client.get(reverse("accounts:password_reset_done")).text
    complete = client.get(reverse("accounts:password_reset_complete"))
    assert "Mot de passe modifié" in complete.text


@pytest.mark.django_db
def test_full_password_reset_flow(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="mara@example.org")
    response = request_reset(client, "Mara@Example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mara@example.org"]
    assert message.subject == "Nouveau mot de passe pour Interstices"
    assert "Bonjour" in message.body and "mara@example.org" in message.body
    link = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", message.body)
    assert link, message.body

    # The link redirects to a token-free URL that shows the form.
    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    assert "Choisissez un nouveau mot de passe" in response.text
    form_url = response.redirect_chain[-1][0]

    mismatch = client.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"}
    )
    assert mismatch.status_code == 200 and 'role="alert"' in mismatch.text

    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    # The link works once.
    reused = client.get(link.group(1), follow=True)
    assert "Ce lien n'est plus valable" in reused.text

    login = client.post(
        reverse("accounts:login"), {"username": "mara@example.org", "password": NEW_PASSWORD}
    )
    assert login.status_code == 302


@pytest.mark.django_db
def test_unknown_address_gets_the_same_answer_and_no_email(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="mara@example.org")
    response = request_reset(client, "personne@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_invalid_email_is_a_french_form_error(client, django_capture_on_commit_callbacks):
    response = request_reset(client, "pas-une-adresse", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Saisissez une adresse de courriel valide" in response.text
    assert mail.outbox == []


@pytest.mark.django_db
def test_tampered_reset_link_shows_the_invalid_link_page(client):
    UserFactory(email="mara@example.org")
    response = client.get(
        reverse("accounts:password_reset_confirm", args=["MQ", "faux-jeton"]), follow=True
    )
    assert response.status_code == 200
    assert "Ce lien n'est plus valable" in response.text


@pytest.mark.django_db
def test_the_email_is_sent_only_when_the_transaction_commits(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="mara@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("accounts:password_reset"), {"email": "mara@example.org"})
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_reset_asked_through_a_forged_host_mails_a_link_to_site_url(
    client, settings, django_capture_on_commit_callbacks
):
    # Django would build the link from the Host header; an attacker who sets it to their own
    # server would receive the token when the victim clicks.
    settings.SITE_URL = "https://interstices.example.org"
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    UserFactory(email="mara@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:password_reset"),
            {"email": "mara@example.org"},
            HTTP_HOST="evil.example",
        )
    body = mail.outbox[0].body
    assert "evil.example" not in body
    links = re.findall(r"https?://\S+", body)
    assert len(links) == 1
    assert links[0].startswith("https://interstices.example.org/compte/mot-de-passe/nouveau/")
