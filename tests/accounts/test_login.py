import pytest
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = reverse("accounts:login")
PASSWORD = "motdepasse-de-test"


@pytest.mark.django_db
def test_login_page_is_in_french(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    text = response.text
    assert "<h1>Connexion</h1>" in text
    assert "Adresse e-mail" in text and "Mot de passe oublié ?" in text


@pytest.mark.django_db
def test_login_with_any_case_of_the_email_leads_to_the_dashboard(client):
    UserFactory(email="olga@example.org")
    response = client.post(LOGIN, {"username": "Olga@Example.ORG", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")


@pytest.mark.django_db
def test_wrong_password_gives_a_french_error_and_no_session(client):
    UserFactory(email="olga@example.org")
    response = client.post(LOGIN, {"username": "olga@example.org", "password": "faux"})
    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.text
    assert 'role="alert"' in response.text
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_logout_is_a_post_that_returns_home(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("home")
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_takes_an_email_in_any_case(client):
    UserFactory(email="mara@example.org", is_staff=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "MARA@example.org", "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.django_db
def test_admin_login_refuses_a_non_staff_account_in_french(client):
    UserFactory(email="uma@example.org")
    response = client.post(
        reverse("admin:login"), {"username": "uma@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "compte sans accès à l&#x27;administration" in response.text
