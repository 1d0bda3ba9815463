"""Impact in the browser: the public questionnaire answered with the keyboard, and the
managers' observation form and list, with axe-core finding no WCAG 2.1 A/AA violation at 375
and 1280 px."""

import pytest
from playwright.sync_api import expect

from impact.models import Observation, Questionnaire, QuestionnaireResponse, Status
from tests.browser.a11y import assert_no_axe_violations
from tests.browser.test_booking_manager import log_in
from tests.factories import SiteFactory, UserFactory
from tests.impact.observation_support import make_observation

WIDTHS = [375, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_visitor_answers_the_questionnaire(make_page, transactional_db, width):
    site = SiteFactory(name="La Fabrique", slug="la-fabrique")
    Questionnaire.objects.create(site=site, is_open=True, introduction="Votre avis compte.")
    page = make_page(viewport={"width": width, "height": 900})
    page.goto("/lieux/la-fabrique/questionnaire/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ce que La Fabrique a changé pour vous"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Vous êtes").select_option("habitants")
    # A <details> opens with the keyboard, no JavaScript of ours.
    page.locator("summary", has_text="Lien social").focus()
    page.keyboard.press("Enter")
    indicator = page.locator("details", has_text="Lien social")
    indicator.get_by_label("Positif").check()
    indicator.get_by_label("4", exact=True).check()
    indicator.get_by_label("Ce que vous avez observé, en quelques mots").fill(
        "J'ai rencontré mes voisins."
    )
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour vos réponses")
    assert_no_axe_violations(page)
    assert QuestionnaireResponse.objects.count() == 1
    assert Observation.objects.get().status == Status.DRAFT


def test_a_questionnaire_with_a_missing_intensity_shows_its_errors(
    make_page, page_problems, transactional_db
):
    site = SiteFactory(name="La Fabrique", slug="la-fabrique")
    Questionnaire.objects.create(site=site, is_open=True)
    page = make_page()
    page.goto("/lieux/la-fabrique/questionnaire/")
    page.get_by_label("Vous êtes").select_option("occupants")
    page.locator("summary", has_text="Solidarité").click()
    indicator = page.locator("details", has_text="Solidarité")
    indicator.get_by_label("Négatif").check()
    indicator.get_by_label("Ce que vous avez observé, en quelques mots").fill("Peu d'entraide.")
    page.get_by_role("button", name="Envoyer mes réponses").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choisissez une intensité de 1 à 5.")
    expect(summary).to_be_focused()
    # The form came back with its errors, as a 400 (read once the page shows it: the browser
    # reports the status on its console when the response arrives, not when the click returns).
    page_problems.expect_error("400")
    assert_no_axe_violations(page)
    assert not QuestionnaireResponse.objects.exists()


def test_the_keyboard_and_screen_readers_skip_the_robot_trap(make_page, transactional_db):
    site = SiteFactory(name="La Fabrique", slug="la-fabrique")
    Questionnaire.objects.create(site=site, is_open=True)
    page = make_page()
    page.goto("/lieux/la-fabrique/questionnaire/")
    page.locator("summary").last.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Envoyer mes réponses")).to_be_focused()
    expect(page.get_by_role("textbox", name="Laissez ce champ vide")).to_have_count(0)
    # Visually hidden the project's way: a 1 px clipped box, nothing to see.
    trap = page.locator("#id_website").locator("xpath=..")
    assert trap.bounding_box()["width"] <= 1 and trap.bounding_box()["height"] <= 1


@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_records_an_observation_and_validates_it(
    make_page, live_server, transactional_db, width
):
    site = SiteFactory(name="La Fabrique", slug="la-fabrique")
    manager = UserFactory(email="mara@example.org", is_staff=True)
    site.managers.add(manager)
    page = make_page(viewport={"width": width, "height": 900})
    log_in(page, live_server, manager)
    page.goto("/impact/gestion/lieux/la-fabrique/observations/nouvelle/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle observation")
    assert_no_axe_violations(page)
    page.locator("#id_indicator").select_option("solidarite")
    page.locator("#id_valence_0").check()  # positif
    page.locator("#id_intensity_3").check()  # 4
    page.get_by_role("group", name="Solidarité").get_by_label("Compétences").check()
    page.get_by_label("Récit").fill("Les ateliers se montrent leurs gestes.")
    page.get_by_label("Début de la période").fill("2026-01-01")
    page.get_by_label("Fin de la période").fill("2026-06-30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Observations — La Fabrique")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".message-success")).to_contain_text("est validée")
    assert Observation.objects.get().status == Status.VALIDATED


def test_a_manager_pages_through_filtered_observations_and_stays_on_the_page(
    make_page, live_server, transactional_db
):
    site = SiteFactory(name="La Fabrique", slug="la-fabrique")
    manager = UserFactory(email="mara@example.org", is_staff=True)
    site.managers.add(manager)
    for n in range(27):
        make_observation(site, narrative=f"Des prêts d'outils, semaine {n}.")
    make_observation(site, valence="negatif", narrative="Du bruit le soir.")
    page = make_page(viewport={"width": 1280, "height": 900})
    log_in(page, live_server, manager)
    page.goto("/impact/gestion/lieux/la-fabrique/observations/")
    page.get_by_label("Effet", exact=True).select_option("positif")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**/observations/?*effet=positif*")
    expect(page.locator(".results-count")).to_have_text("27 observations")
    page.get_by_role("link", name="Page suivante").click()
    page.wait_for_url("**/observations/?*effet=positif*page=2")
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Valider").first.click()
    expect(page.locator(".message-success")).to_contain_text("est validée")
    assert "effet=positif" in page.url and page.url.endswith("page=2")
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    assert Observation.objects.filter(status=Status.VALIDATED).count() == 1
