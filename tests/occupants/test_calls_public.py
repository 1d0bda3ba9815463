"""Public pages of calls: list, detail, and the blocks on the site page and the home page."""

import html

import pytest
from django.urls import reverse

from occupants.models import Call
from tests.factories import SiteFactory
from tests.occupants.calls_support import make_call, make_lot, make_visit

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_list_shows_only_open_calls_of_published_sites(client, cast):
    make_call(cast.site_a, title="Ouvert maintenant")
    make_call(cast.site_a, title="Au fil de l'eau", rolling=True, closes_in_days=-2)
    make_call(cast.site_a, title="Brouillon caché", status=Call.Status.DRAFT)
    make_call(cast.site_a, title="Déjà clos", opens_in_days=-20, closes_in_days=-1)
    make_call(cast.site_a, title="Pas encore ouvert", opens_in_days=2, closes_in_days=10)
    make_call(SiteFactory(published=False), title="Lieu non publié")
    page = text(client.get(reverse("calls:list")))
    assert "Ouvert maintenant" in page
    assert "Au fil de l'eau" in page
    for hidden in ("Brouillon caché", "Déjà clos", "Pas encore ouvert", "Lieu non publié"):
        assert hidden not in page


def test_detail_shows_lots_visits_documents_and_the_apply_button(client, cast):
    call = make_call(cast.site_a, documents=("statuts", "kbis"), lots=0)
    make_lot(call, name="Atelier du fond", price_per_sqm="9.50")
    make_visit(call)
    page = text(client.get(call.get_absolute_url()))
    assert "Atelier du fond" in page
    assert "9,50" in page
    assert "Accueil, rez-de-chaussée" in page
    assert "Statuts" in page and "Extrait Kbis" in page
    assert reverse("calls:signup") in page  # anonymous: sign up first, then apply


def test_closed_call_detail_says_so_without_apply_button(client, cast):
    call = make_call(cast.site_a, opens_in_days=-20, closes_in_days=-1)
    page = text(client.get(call.get_absolute_url()))
    assert "Candidatures closes" in page
    assert reverse("calls:apply", args=[call.slug]) not in page


def test_draft_call_is_not_found(client, cast):
    call = make_call(cast.site_a, status=Call.Status.DRAFT)
    assert client.get(call.get_absolute_url()).status_code == 404


def test_site_page_and_home_list_open_calls(client, cast):
    make_call(cast.site_a, title="Appel du site A")
    make_call(cast.site_c, title="Appel du site C")
    site_page = text(client.get(cast.site_a.get_absolute_url()))
    assert "Appel du site A" in site_page
    assert "Appel du site C" not in site_page
    home = text(client.get(reverse("home")))
    assert "Appels à candidatures ouverts" in home
    assert "Appel du site A" in home and "Appel du site C" in home


def test_site_page_without_open_call_has_no_calls_block(client, cast):
    assert "Appels à candidatures ouverts" not in text(client.get(cast.site_b.get_absolute_url()))


@pytest.mark.parametrize("url_name", ["list", "home", "site", "detail"])
def test_query_counts_stay_constant(client, cast, django_assert_max_num_queries, url_name):
    def build(n):
        for _ in range(n):
            call = make_call(cast.site_a, lots=3, documents=("statuts", "kbis"))
            make_visit(call)
        return call

    def url(call):
        return {
            "list": reverse("calls:list"),
            "home": reverse("home"),
            "site": cast.site_a.get_absolute_url(),
            "detail": call.get_absolute_url(),
        }[url_name]

    call = build(1)
    with django_assert_max_num_queries(30) as small:
        client.get(url(call))
    call = build(8)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url(call))
    assert response.status_code == 200
