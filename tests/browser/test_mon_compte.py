"""A person opens Mon compte from Mon espace, changes their name and chooses English: the page
comes back in English and the account records both; axe-core finds no WCAG 2.1 A/AA violation."""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def lea(transactional_db):
    return UserFactory(email="lea@example.org", full_name="Léa Martin")


def test_a_person_changes_their_name_and_language_in_mon_compte(page, lea):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")

    page.get_by_role("main").get_by_role("link", name="Mon compte").click()
    page.wait_for_url("**/compte/parametres/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("lea@example.org")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Nom complet").fill("Léa Martin-Roux")
    page.get_by_label("Langue des e-mails et de l'interface").select_option("en")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("status")).to_contain_text("Your settings are saved.")
    expect(page.get_by_label("Full name")).to_have_value("Léa Martin-Roux")
    assert_no_axe_violations(page)
    lea = User.objects.get(pk=lea.pk)
    assert (lea.full_name, lea.language) == ("Léa Martin-Roux", "en")

    page.get_by_role("link", name="Change password").click()
    page.wait_for_url("**/compte/parametres/mot-de-passe/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Change password")
    assert_no_axe_violations(page)
