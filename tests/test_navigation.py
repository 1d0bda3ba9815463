"""The main navigation of every page (templates/base.html): its links are cached under the
language, whether the visitor is logged in and the page they are on."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def main_nav(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)


def current(nav: str) -> list[str]:
    return re.findall(r'aria-current="page">([^<]+)</a>', nav)


def test_the_main_navigation_marks_the_page_the_visitor_is_on(client):
    assert current(main_nav(client, reverse("sites:directory"))) == ["Lieux"]
    assert current(main_nav(client, reverse("structures:directory"))) == ["Structures"]
    assert current(main_nav(client, reverse("accounts:login"))) == ["Connexion"]
    assert current(main_nav(client, reverse("sites:directory"))) == ["Lieux"]


def test_the_main_navigation_follows_login_and_language(client):
    anonymous = main_nav(client, reverse("sites:directory"))
    assert "Connexion" in anonymous and "Mon espace" not in anonymous
    client.force_login(UserFactory())
    member = main_nav(client, reverse("sites:directory"))
    assert "Mon espace" in member and "Connexion" not in member
    assert 'name="csrfmiddlewaretoken"' in member and "Déconnexion" in member
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = main_nav(client, reverse("sites:directory"))
    assert "My space" in english and "Mon espace" not in english
    assert current(english) == ["Sites"]
    client.logout()  # forgets every cookie
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in" in main_nav(client, reverse("sites:directory"))
