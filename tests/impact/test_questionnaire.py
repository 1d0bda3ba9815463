"""A site's questionnaire: managers open it, the public answers it, answers become drafts."""

from __future__ import annotations

import html
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from impact.models import Evidence, Observation, Questionnaire, QuestionnaireResponse, Status
from tests.core.honeypot_support import assert_hidden_from_people
from tests.factories import SiteFactory, UserFactory
from tests.impact.observation_support import open_questionnaire

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def answer_url(site) -> str:
    return reverse("impact_questionnaire:answer", args=[site.slug])


def answers(**overrides) -> dict:
    return {
        "public": "habitants",
        "lien_social-valence": "positif",
        "lien_social-intensity": "4",
        "lien_social-text": "J'ai rencontré mes voisins au café du jeudi.",
        "lien_social-quote": "Avant, je ne connaissais personne dans la rue.",
        "cadre_vie-valence": "negatif",
        "cadre_vie-intensity": "2",
        "cadre_vie-text": "Du bruit le samedi soir.",
    } | overrides


# --- Managers -------------------------------------------------------------------------------


def test_manager_opens_the_questionnaire_with_an_introduction(client, cast):
    client.force_login(cast.mara)
    url = reverse("impact_manager:questionnaire", args=["site-a"])
    assert client.get(url).status_code == 200
    assert not Questionnaire.objects.exists()
    response = client.post(url, {"is_open": "on", "introduction": "Dites-nous tout."})
    assert response.status_code == 302
    questionnaire = Questionnaire.objects.get()
    assert (questionnaire.site, questionnaire.is_open) == (cast.site_a, True)
    client.post(url, {"introduction": "Fermé pour l'été."})
    questionnaire.refresh_from_db()
    assert questionnaire.is_open is False


def test_manager_of_other_site_gets_404_on_its_questionnaire(client, cast):
    client.force_login(cast.mike)
    url = reverse("impact_manager:questionnaire", args=["site-a"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"is_open": "on"}).status_code == 404
    assert not Questionnaire.objects.exists()


# --- The public page ------------------------------------------------------------------------


def test_questionnaire_answers_404_while_closed_or_on_an_unpublished_site(client, cast):
    assert client.get(answer_url(cast.site_a)).status_code == 404
    Questionnaire.objects.create(site=cast.site_a, is_open=False)
    assert client.get(answer_url(cast.site_a)).status_code == 404
    hidden = SiteFactory(name="Lieu caché", published=False)
    open_questionnaire(hidden)
    assert client.get(answer_url(hidden)).status_code == 404


def test_questionnaire_shows_the_twelve_indicators_by_level_in_french_and_english(client, cast):
    open_questionnaire(cast.site_a, introduction="Votre avis compte.")
    response = client.get(answer_url(cast.site_a))
    assert response.status_code == 200
    page = text(response)
    assert "Votre avis compte." in page
    assert "Effets individuels" in page and "Innovation publique" in page
    assert page.count('<details class="questionnaire-indicator"') == 12
    client.get(reverse("choose_language", args=["en"]))
    english = text(client.get(answer_url(cast.site_a)))
    assert "Social ties" in english
    assert "Lien social" not in english


def test_each_answered_indicator_becomes_a_draft_observation_anonymous_by_default(client, cast):
    questionnaire = open_questionnaire(cast.site_a)
    user = UserFactory()
    client.force_login(user)
    response = client.post(answer_url(cast.site_a), answers())
    assert response.status_code == 302
    assert response["Location"] == reverse("impact_questionnaire:thanks", args=["site-a"])
    response_row = QuestionnaireResponse.objects.get()
    assert response_row.questionnaire == questionnaire
    assert response_row.respondent is None
    assert response_row.respondent_public == "habitants"
    observations = Observation.objects.order_by("indicator")
    assert [(o.indicator, o.valence, o.intensity) for o in observations] == [
        ("cadre_vie", "negatif", 2),
        ("lien_social", "positif", 4),
    ]
    for observation in observations:
        assert observation.status == Status.DRAFT
        assert observation.source == Observation.Source.QUESTIONNAIRE
        assert observation.evidence == Evidence.QUESTIONNAIRE
        assert observation.response == response_row
        assert observation.publics == ["habitants"]
        assert observation.author is None
    quoted = observations.get(indicator="lien_social")
    assert quoted.quote_role == "Habitant·e·s du quartier"


def test_a_logged_in_respondent_may_attach_their_account(client, cast):
    open_questionnaire(cast.site_a)
    user = UserFactory()
    client.force_login(user)
    assert "attach_account" in text(client.get(answer_url(cast.site_a)))
    client.post(answer_url(cast.site_a), answers(attach_account="on"))
    assert QuestionnaireResponse.objects.get().respondent == user


def test_an_anonymous_visitor_cannot_attach_an_account(client, cast):
    open_questionnaire(cast.site_a)
    assert "attach_account" not in text(client.get(answer_url(cast.site_a)))
    client.post(answer_url(cast.site_a), answers(attach_account="on"))
    assert QuestionnaireResponse.objects.get().respondent is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"lien_social-intensity": ""}, "Choisissez une intensité de 1 à 5."),
        ({"lien_social-intensity": "9"}, "Sélectionnez un choix valide."),
        ({"lien_social-valence": ""}, "Dites si l'effet est positif, négatif ou mitigé."),
        ({"cadre_vie-text": "   "}, "Décrivez en quelques mots ce que vous avez observé."),
        ({"public": "pirate"}, "Sélectionnez un choix valide."),
        ({"lien_social-text": "x" * 1001}, "1000 caractères"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_created(client, cast, overrides, message):
    open_questionnaire(cast.site_a)
    response = client.post(answer_url(cast.site_a), answers(**overrides))
    assert response.status_code == 400
    assert message in text(response)
    assert not QuestionnaireResponse.objects.exists()
    assert not Observation.objects.exists()


def test_the_error_summary_links_the_first_option_of_a_radio_group(client, cast):
    open_questionnaire(cast.site_a)
    response = client.post(answer_url(cast.site_a), answers(**{"lien_social-intensity": ""}))
    assert 'href="#id_lien_social-intensity_0"' in text(response)
    assert 'id="id_lien_social-intensity_0"' in text(response)


def test_an_answer_without_any_indicator_is_refused(client, cast):
    open_questionnaire(cast.site_a)
    response = client.post(answer_url(cast.site_a), {"public": "occupants"})
    assert response.status_code == 400
    assert "Répondez pour au moins un indicateur" in text(response)
    assert not QuestionnaireResponse.objects.exists()


def test_answers_are_throttled_per_client_ip(client, cast, settings):
    settings.QUESTIONNAIRE_THROTTLE_PER_IP = 2
    open_questionnaire(cast.site_a)
    for _ in range(2):
        assert client.post(answer_url(cast.site_a), answers()).status_code == 302
    response = client.post(answer_url(cast.site_a), answers())
    assert response.status_code == 429
    assert "Trop de réponses" in text(response)
    assert QuestionnaireResponse.objects.count() == 2
    # Another address is not held back.
    other = client.post(answer_url(cast.site_a), answers(), REMOTE_ADDR="192.0.2.77")
    assert other.status_code == 302


def test_a_filled_in_robot_trap_saves_nothing_and_shows_the_form_with_a_neutral_error(client, cast):
    open_questionnaire(cast.site_a)
    response = client.post(answer_url(cast.site_a), answers(website="https://spam.example"))
    assert response.status_code == 400
    body = text(response)
    assert "Votre envoi n'a pas pu être enregistré" in body
    assert 'name="public"' in body and "spam.example" not in body
    assert not QuestionnaireResponse.objects.exists()
    assert not Observation.objects.exists()


def test_an_answer_with_the_trap_left_empty_is_saved_as_usual(client, cast):
    open_questionnaire(cast.site_a)
    response = client.post(answer_url(cast.site_a), answers(website=""))
    assert response.status_code == 302
    assert Observation.objects.count() == 2


def test_the_robot_trap_is_out_of_the_tab_order_and_hidden_from_screen_readers(client, cast):
    open_questionnaire(cast.site_a)
    assert_hidden_from_people(text(client.get(answer_url(cast.site_a))))


def test_manager_validates_a_questionnaire_answer(client, cast):
    open_questionnaire(cast.site_a)
    client.post(answer_url(cast.site_a), answers())
    client.force_login(cast.mara)
    listing = client.get(reverse("impact_manager:observations", args=["site-a"]))
    drafts = [o for group in listing.context["groups"] for o in group["observations"]]
    assert len(drafts) == 2
    client.post(reverse("impact_manager:observation_validate", args=[drafts[0].pk]))
    drafts[0].refresh_from_db()
    assert drafts[0].status == Status.VALIDATED


# --- Personal data --------------------------------------------------------------------------


def test_erasing_a_person_detaches_their_answers_and_erases_their_name(client, cast):
    open_questionnaire(cast.site_a)
    user = UserFactory(email="rose@example.org", full_name="Rose Martin")
    client.force_login(user)
    client.post(
        answer_url(cast.site_a),
        answers(attach_account="on", **{"lien_social-text": "Moi, Rose Martin, j'y vais."}),
    )
    call_command("erase_person", "rose@example.org", stdout=io.StringIO())
    response_row = QuestionnaireResponse.objects.get()
    assert response_row.respondent is None
    observation = Observation.objects.get(indicator="lien_social")
    assert "Rose Martin" not in observation.narrative
    assert Observation.objects.count() == 2
