"""safe_next: a view sends back only to a path of this site."""

import pytest
from django.test import RequestFactory

from core.http import safe_next

DEFAULT = "/mon-espace/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "javascript:alert(1)",
        "mon-espace",  # redirect() would take it for the name of a URL pattern
        "/x\x00y",
        "/x\ny",
        "",
    ],
)
def test_an_address_off_this_site_or_malformed_gives_the_default(target):
    request = RequestFactory().post("/", {"next": target})

    assert safe_next(request, DEFAULT) == DEFAULT


def test_a_path_of_this_site_is_kept_with_its_query():
    request = RequestFactory().get("/", {"next": "/impact/gestion/lieu/?page=3&effet=positive"})

    assert safe_next(request, DEFAULT) == "/impact/gestion/lieu/?page=3&effet=positive"


def test_the_posted_address_comes_before_the_one_in_the_link():
    request = RequestFactory().post("/?next=/agenda/", {"next": "/reservations/"})

    assert safe_next(request, DEFAULT) == "/reservations/"


def test_an_absolute_address_of_this_very_host_is_still_refused():
    request = RequestFactory().get("/", {"next": "http://testserver/agenda/"})

    assert safe_next(request, DEFAULT) == DEFAULT
