"""django-axes: 5 failed logins lock the account for this address for 15 minutes, on the site
login and on the admin login alike."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "motdepasse-de-test"
WRONG = "mauvais"
SITE_LOGIN = reverse("accounts:login")
ADMIN_LOGIN = reverse("admin:login")


@pytest.fixture
def olga(db):
    return UserFactory(email="olga@example.org", is_staff=True)


def fail(client, url, times, username="olga@example.org"):
    for attempt in range(1, times + 1):
        response = client.post(url, {"username": username, "password": "mauvais"})
        # The fifth failure is answered with the lock page already.
        assert response.status_code == (429 if attempt >= 5 else 200)
    return response


def assert_locked(response):
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.text
    assert "15 minutes" in response.text
    assert 'lang="fr"' in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_four_failures_still_allow_the_right_password(client, olga, url):
    fail(client, url, 4)
    response = client.post(url, {"username": "olga@example.org", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("url", [SITE_LOGIN, ADMIN_LOGIN])
def test_five_failures_lock_even_the_right_password_with_a_french_page(client, olga, url):
    fail(client, url, 4)
    assert_locked(client.post(url, {"username": "olga@example.org", "password": "mauvais"}))
    assert_locked(client.post(url, {"username": "olga@example.org", "password": PASSWORD}))
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lock_earned_on_the_admin_applies_to_the_site_login_and_back(client, olga):
    fail(client, ADMIN_LOGIN, 4)
    client.post(ADMIN_LOGIN, {"username": "olga@example.org", "password": "mauvais"})
    assert_locked(client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD}))


@pytest.mark.django_db
def test_changing_the_case_of_the_email_does_not_get_around_the_lock(client, olga):
    for variant in ["olga@example.org", "OLGA@example.org", "Olga@Example.org", "oLga@example.org"]:
        fail(client, SITE_LOGIN, 1, username=variant)
    response = client.post(SITE_LOGIN, {"username": "OLGA@EXAMPLE.ORG", "password": "x"})
    assert_locked(response)


@pytest.mark.django_db
def test_the_lock_lifts_after_15_minutes(client, olga):
    fail(client, SITE_LOGIN, 5)
    assert_locked(client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD}))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert_locked(client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD}))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lock_is_per_account_another_account_still_logs_in(client, olga):
    UserFactory(email="mara@example.org")
    fail(client, SITE_LOGIN, 5)
    response = client.post(SITE_LOGIN, {"username": "mara@example.org", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_password_reset_lifts_the_lock(client, olga, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    fail(client, SITE_LOGIN, 5)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password_reset"), {"email": "olga@example.org"})
    path = re.search(r"https?://[^/\s]+(/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    new = "un-nouveau-mot-de-passe-42"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    response = client.post(SITE_LOGIN, {"username": "olga@example.org", "password": new})
    assert response.status_code == 302


@pytest.mark.django_db
def test_failures_from_another_address_do_not_lock_the_account_here(client, olga):
    # The lock is per account and address: a stranger elsewhere cannot lock Olga out.
    for _ in range(5):
        client.post(
            SITE_LOGIN,
            {"username": "olga@example.org", "password": WRONG},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_starts_the_count_again(client, olga):
    fail(client, SITE_LOGIN, 4)
    assert (
        client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD}).status_code
        == 302
    )
    client.logout()
    response = fail(client, SITE_LOGIN, 4)
    assert response.status_code == 200
    response = client.post(SITE_LOGIN, {"username": "olga@example.org", "password": PASSWORD})
    assert response.status_code == 302


def post_through_proxy(client, forwarded_for, password=WRONG):
    return client.post(
        SITE_LOGIN,
        {"username": "olga@example.org", "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.mark.django_db
def test_behind_a_proxy_the_lock_follows_the_client_address_it_forwards(client, olga, settings):
    settings.REVERSE_PROXY_COUNT = 1
    for _ in range(5):
        post_through_proxy(client, "203.0.113.9")
    # Every visitor arrives from the proxy's address: another one still logs in.
    assert post_through_proxy(client, "198.51.100.4", PASSWORD).status_code == 302
    client.logout()
    assert_locked(post_through_proxy(client, "203.0.113.9", PASSWORD))


@pytest.mark.django_db
def test_behind_a_proxy_a_forged_forwarded_address_does_not_get_around_the_lock(
    client, olga, settings
):
    settings.REVERSE_PROXY_COUNT = 1
    # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
    for attempt in range(5):
        post_through_proxy(client, f"192.0.2.{attempt}, 203.0.113.9")
    assert_locked(post_through_proxy(client, "192.0.2.99, 203.0.113.9", PASSWORD))


# --- The IP-wide limit: one address spraying a password over many accounts ------------------

SPRAYER = "203.0.113.50"


def spray(client, accounts, ip=SPRAYER):
    responses = [
        client.post(SITE_LOGIN, {"username": user.email, "password": WRONG}, REMOTE_ADDR=ip)
        for user in accounts
    ]
    assert all(response.status_code == 200 for response in responses[:-1])
    return responses[-1]


def assert_ip_locked(response):
    assert response.status_code == 429
    assert "depuis votre adresse réseau" in response.text
    assert "15 minutes" in response.text


@pytest.mark.django_db
def test_thirty_failures_over_thirty_accounts_block_every_login_from_that_ip(client):
    # Like an account's fifth failure, the address's 30th is answered with the lock page.
    assert_ip_locked(spray(client, UserFactory.create_batch(30)))
    fresh = UserFactory(email="fresh@example.org")
    response = client.post(
        SITE_LOGIN, {"username": fresh.email, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
    )
    assert_ip_locked(response)
    assert "_auth_user_id" not in client.session
    assert_ip_locked(
        client.post(
            ADMIN_LOGIN, {"username": fresh.email, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
        )
    )


@pytest.mark.django_db
def test_twenty_nine_failures_over_many_accounts_still_let_the_right_password_in(client):
    spray(client, UserFactory.create_batch(29))
    fresh = UserFactory(email="fresh@example.org")
    response = client.post(
        SITE_LOGIN, {"username": fresh.email, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_ip_wide_block_leaves_other_addresses_free(client):
    accounts = UserFactory.create_batch(30)
    spray(client, accounts)
    response = client.post(
        SITE_LOGIN,
        {"username": accounts[0].email, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.7",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_ip_wide_block_lifts_when_the_failures_are_15_minutes_old(client):
    spray(client, UserFactory.create_batch(30))
    fresh = UserFactory(email="fresh@example.org")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(
        SITE_LOGIN, {"username": fresh.email, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_logging_into_ones_own_account_does_not_reset_the_ip_wide_count(client):
    own = UserFactory(email="own@example.org")
    spray(client, UserFactory.create_batch(29))
    assert (
        client.post(
            SITE_LOGIN, {"username": own.email, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
        ).status_code
        == 302
    )
    client.logout()
    assert_ip_locked(spray(client, UserFactory.create_batch(1)))
    response = client.post(
        SITE_LOGIN, {"username": own.email, "password": PASSWORD}, REMOTE_ADDR=SPRAYER
    )
    assert_ip_locked(response)
