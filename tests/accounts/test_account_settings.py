"""Mon compte: a person changes their name, their language (e-mails and interface) and their
password; the header's language links and the login follow the language the account records."""

import html

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import language
from accounts.forms import AccountSettingsForm
from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "motdepasse-de-test"
NEW_PASSWORD = "un-nouveau-mot-de-passe-42"
SETTINGS = reverse("accounts:settings")
PASSWORD_CHANGE = reverse("accounts:password_change")
LOGIN = reverse("accounts:login")


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def lea(client):
    user = UserFactory(email="lea@example.org", full_name="Léa Martin")
    client.force_login(user)
    return user


# --- The account's language ------------------------------------------------------------------


def test_an_account_is_written_to_in_its_language_else_in_the_platforms():
    assert language.of(UserFactory(language="en")) == "en"
    assert language.of(UserFactory(language="")) == settings.LANGUAGE_CODE == "fr"
    assert language.of(None) == "fr"
    # Someone who never chose and acts from an English page reads English; a choice wins.
    assert language.of(UserFactory(language=""), fallback="en") == "en"
    assert language.of(UserFactory(language="fr"), fallback="en") == "fr"


def test_the_language_of_an_address_is_that_of_its_account_in_any_case():
    UserFactory(email="ada@example.org", language="en")
    assert language.of_address("Ada@Example.org") == "en"
    assert language.of_address("personne@example.org") == "fr"


# --- The page --------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SETTINGS, PASSWORD_CHANGE])
def test_an_anonymous_visitor_is_sent_to_the_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_the_page_shows_the_name_the_language_and_the_address_read_only(
    client, lea, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):  # the session, the user
        response = client.get(SETTINGS)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Mon compte</h1>" in page
    assert 'value="Léa Martin"' in page
    assert "Langue des e-mails et de l'interface" in page
    assert '<option value="fr" selected>Français</option>' in page
    assert "<dd>lea@example.org</dd>" in page
    assert 'name="email"' not in page
    assert f'href="{PASSWORD_CHANGE}"' in page


def test_a_person_who_never_chose_is_offered_the_language_they_read_the_page_in(client, lea):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(client.get(SETTINGS))
    assert "<h1>My account</h1>" in page
    assert '<option value="en" selected>English</option>' in page


def test_mon_espace_and_the_header_link_to_the_page(client, lea):
    page = text(client.get(reverse("accounts:dashboard")))
    assert page.count(f'href="{SETTINGS}"') == 2  # the header and the dashboard
    settings_page = text(client.get(SETTINGS))
    assert f'<a href="{SETTINGS}" aria-current="page">Mon compte</a>' in settings_page


def test_saving_the_name_and_english_changes_the_account_and_the_interface(client, lea):
    response = client.post(SETTINGS, {"full_name": "  Léa Martin-Roux ", "language": "en"})
    assert response.status_code == 302 and response["Location"] == SETTINGS
    lea.refresh_from_db()
    assert (lea.full_name, lea.language) == ("Léa Martin-Roux", "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(SETTINGS)
    assert '<html lang="en">' in page.text
    assert "Your settings are saved." in text(page)


def test_an_unknown_language_is_refused_in_french_and_nothing_changes(client, lea):
    response = client.post(SETTINGS, {"full_name": "Autre nom", "language": "de"})
    assert response.status_code == 200
    page = text(response)
    assert "Sélectionnez un choix valide. de n’en fait pas partie." in page
    assert "data-error-summary" in page
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    lea.refresh_from_db()
    assert (lea.full_name, lea.language) == ("Léa Martin", "")


def test_a_name_too_long_is_refused_in_french(client, lea):
    response = client.post(SETTINGS, {"full_name": "x" * 151, "language": "fr"})
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus 150 caractères" in text(response)
    lea.refresh_from_db()
    assert lea.full_name == "Léa Martin"


def test_a_nul_byte_in_the_name_gets_a_french_error_and_changes_nothing(client, lea):
    response = client.post(SETTINGS, {"full_name": "Léa\x00", "language": "en"})
    assert response.status_code == 400
    assert "Requête invalide" in text(response)
    lea.refresh_from_db()
    assert (lea.full_name, lea.language) == ("Léa Martin", "")
    # The form refuses it too, should it ever be reached another way.
    form = AccountSettingsForm({"full_name": "Léa\x00", "language": "en"}, instance=lea)
    assert not form.is_valid()
    assert form.errors["full_name"] == ["Le caractère nul n’est pas autorisé."]


def test_saving_writes_only_the_name_and_the_language(client, lea):
    User.objects.filter(pk=lea.pk).update(is_staff=True)  # changed elsewhere meanwhile
    client.post(SETTINGS, {"full_name": "Léa", "language": "fr"})
    lea.refresh_from_db()
    assert lea.is_staff and lea.full_name == "Léa"


# --- The password ----------------------------------------------------------------------------


def test_changing_the_password_keeps_the_person_logged_in_and_says_so(client, lea):
    assert "Ancien mot de passe" in text(client.get(PASSWORD_CHANGE))
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == SETTINGS
    lea.refresh_from_db()
    assert lea.check_password(NEW_PASSWORD)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Votre mot de passe est modifié."
    ]
    assert client.get(SETTINGS).status_code == 200  # the session is still valid


def test_a_wrong_current_password_is_refused_in_french(client, lea):
    response = client.post(
        PASSWORD_CHANGE,
        {"old_password": "faux", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Votre ancien mot de passe est incorrect" in text(response)
    lea.refresh_from_db()
    assert lea.check_password(PASSWORD)


# --- The header's language links and the login ----------------------------------------------


def test_the_language_link_records_the_choice_on_the_account(
    client, lea, django_assert_num_queries
):
    url = reverse("choose_language", args=["en"]) + "?next=/lieux/"
    with django_assert_num_queries(2):  # the user, one UPDATE (the session is cached)
        response = client.get(url)
    assert response["Location"] == "/lieux/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    lea.refresh_from_db()
    assert lea.language == "en"
    with django_assert_num_queries(1):  # already English: nothing written
        client.get(url)


def test_the_language_link_of_a_visitor_writes_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("choose_language", args=["en"]))
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_logging_in_switches_the_interface_to_the_accounts_language(client):
    UserFactory(email="ada@example.org", language="en")
    response = client.post(LOGIN, {"username": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(response["Location"]).text


def test_logging_in_without_a_recorded_language_keeps_the_one_the_visitor_reads(client):
    UserFactory(email="ada@example.org")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(LOGIN, {"username": "ada@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert '<html lang="en">' in client.get(response["Location"]).text
