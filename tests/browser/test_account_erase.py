"""A person opens Supprimer mon compte from Mon compte, gets a wrong password refused, confirms
with the right one and lands on the home page, logged out; axe-core finds no WCAG 2.1 A/AA
violation on the confirmation page."""

from django.core import mail
from playwright.sync_api import expect

from accounts.models import User
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory

PASSWORD = "motdepasse-de-test"


def test_a_person_erases_their_account_from_mon_compte(page, live_server, transactional_db):
    lea = UserFactory(email="lea@example.org", full_name="Léa Martin")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    page.get_by_role("main").get_by_role("link", name="Mon compte").click()
    page.wait_for_url("**/compte/parametres/")

    page.get_by_role("link", name="Supprimer mon compte…").click()
    page.wait_for_url("**/compte/parametres/supprimer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    expect(page.get_by_text("la suppression ne peut pas être annulée")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Votre mot de passe actuel").fill("pas-le-bon")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("alert")).to_contain_text("Mot de passe incorrect")
    assert_no_axe_violations(page)
    assert User.objects.get(pk=lea.pk).is_active

    page.get_by_label("Votre mot de passe actuel").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("Votre compte est supprimé.")
    expect(page.get_by_role("link", name="Connexion")).to_be_visible()
    expect(page.get_by_role("link", name="Mon compte")).to_have_count(0)
    lea = User.objects.get(pk=lea.pk)
    assert (lea.is_active, lea.full_name) == (False, "")
    assert [m.to for m in mail.outbox] == [["lea@example.org"]]
