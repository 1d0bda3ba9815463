"""A structure's responsable logs in, reads Mon espace, edits the public profile and invites a
member; axe-core finds no WCAG 2.1 A/AA violation on the way."""

from datetime import date

import pytest
from django.core import mail
from playwright.sync_api import expect

from occupants import services
from occupants.models import Invitation, Structure, StructureMember
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory
from tests.occupants.factories import SectorFactory, SiteFactory, SpaceFactory, StructureFactory

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def responsable(transactional_db):
    site = SiteFactory(
        name="Bureaux du Parc",
        address="8 avenue des Grésillons",
        occupancy_start=date(2025, 10, 1),
        occupancy_end=date(2027, 3, 31),
        transport_access="Métro ligne 13, station Les Grésillons.",
    )
    structure = StructureFactory(name="Atelier Sérigraphie", public_profile=False)
    SectorFactory(name="Arts plastiques", slug="arts-plastiques")
    lea = UserFactory(email="lea@example.org", full_name="Léa Martin")
    services.add_member(structure, lea, StructureMember.Role.LEAD)
    services.create_occupancy(
        structure=structure,
        site=site,
        spaces=[SpaceFactory(site=site, name="Bureau 204")],
        start=date(2026, 1, 1),
        end=date(2027, 3, 31),
        fee_amount=8,
    )
    return structure


def log_in(page):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("lea@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_responsable_manages_the_structure_from_mon_espace(page, responsable):
    log_in(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    expect(page.get_by_role("heading", name="Atelier Sérigraphie")).to_be_visible()
    expect(page.get_by_text("Bureau 204", exact=False)).to_be_visible()
    expect(page.get_by_text("8 avenue des Grésillons", exact=False)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Modifier le profil d’Atelier Sérigraphie").click()
    page.wait_for_url("**/modifier/")
    assert_no_axe_violations(page)
    page.get_by_label("SIRET").fill("123")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient des erreurs")
    expect(page.get_by_text("Un SIRET compte 14 chiffres.")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Présentation").fill("Sérigraphie artisanale et ateliers ouverts.")
    page.get_by_label("Arts plastiques").check()
    page.get_by_label("Profil public").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_contain_text("Le profil de la structure est enregistré.")
    assert_no_axe_violations(page)
    structure = Structure.objects.get(pk=responsable.pk)
    assert (structure.siret, structure.public_profile) == ("73282932000074", True)
    assert [s.name for s in structure.sectors.all()] == ["Arts plastiques"]

    page.get_by_role("link", name="Gérer les membres").click()
    page.wait_for_url("**/membres/")
    assert_no_axe_violations(page)
    page.get_by_label("Adresse e-mail de la personne à inviter").fill("nina@example.org")
    page.get_by_label("Rôle").select_option("membre")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à nina@example.org")
    expect(page.get_by_text("nina@example.org — Membre", exact=False)).to_be_visible()
    assert_no_axe_violations(page)
    assert Invitation.objects.filter(email="nina@example.org", structure=responsable).count() == 1
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]


def test_invitee_accepts_the_link_and_lands_on_the_structure(page, page_problems, responsable):
    _invitation, token = services.invite(responsable, "nina@example.org", "membre", None)

    page.goto(f"/compte/structures/invitation/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre Atelier Sérigraphie")
    assert token not in page.url
    assert_no_axe_violations(page)
    page.get_by_label("Votre nom").fill("Nina Nouvelle")
    page.locator("#id_password1").fill("un-mot-de-passe-solide")
    page.get_by_label("Confirmation du mot de passe").fill("un-mot-de-passe-solide")
    page.get_by_role("button", name="Créer mon compte et rejoindre").click()

    expect(page.get_by_role("status")).to_contain_text("vous avez rejoint « Atelier Sérigraphie »")
    assert_no_axe_violations(page)

    page.goto(f"/compte/structures/invitation/{token}/")
    expect(page.get_by_role("alert")).to_contain_text("déjà été utilisé")
    assert_no_axe_violations(page)
    page_problems.expect_error("410")
