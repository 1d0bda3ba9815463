"""The staff style guide (/guide/) and the colour contrasts it documents."""

import re

import pytest

from config.views import CONTRAST_PAIRS, colour_tokens, contrast_pairs, contrast_ratio
from tests.factories import UserFactory

URL = "/guide/"


def test_contrast_ratio_follows_wcag_formula():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)


def test_every_colour_pair_of_the_stylesheet_reaches_wcag_aa():
    tokens = colour_tokens()
    used = {name for fg, bg, _minimum in CONTRAST_PAIRS for name in (fg, bg)}
    assert used <= tokens.keys(), f"tokens missing from app.css: {used - tokens.keys()}"
    failing = [
        f"{p.foreground} on {p.background}: {p.ratio:.2f} < {p.minimum}"
        for p in contrast_pairs(tokens)
        if not p.passes
    ]
    assert not failing


@pytest.mark.django_db
def test_staff_sees_tokens_contrasts_and_every_component_with_its_markup(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "--color-primary" in html and "#0f5c4f" in html
    assert re.search(r"7,88:1", html), "primary on white, computed from the stylesheet"
    for heading in [
        "Boutons",
        "Badges",
        "Cartes",
        "Chiffres clés",
        "Tableau",
        "Liste dépliable",
        "État vide",
    ]:
        assert f">{heading}</h3>" in html
    # The markup is shown escaped beside its rendering.
    assert "{% include &quot;includes/components/error_summary.html&quot;" in html
    assert 'class="error-summary"' in html
    assert '<a href="#id_email">Adresse e-mail : ' in html
    assert "noindex" in html


@pytest.mark.django_db
def test_member_without_staff_status_gets_404(client):
    client.force_login(UserFactory(is_staff=False))
    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_visitor_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")
