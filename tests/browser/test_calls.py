"""A call for applications end to end in Chromium: a candidate applies, a manager accepts in
the admin, the new responsable finds the structure in Mon espace; axe checks every page."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from occupants.models import Application, Occupancy, StructureMember
from sites.models import Space
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import SpaceFactory, UserFactory
from tests.occupants.calls_support import PDF_BYTES, make_call, make_lot, make_visit, submitted

PASSWORD = "un-long-mot-de-passe-42"


@pytest.fixture
def open_call(directory):
    friche = directory.friche
    manager = UserFactory(email="gestion@example.org", is_staff=True, password=PASSWORD)
    friche.managers.add(manager)
    call = make_call(
        friche,
        title="Ateliers de la Friche",
        slug="ateliers-friche",
        documents=("statuts",),
        lots=0,
    )
    space = SpaceFactory(site=friche, name="Atelier 3", kind=Space.Kind.WORKSHOP, level=1)
    make_lot(call, space=space, name="Lot A — atelier de 25 m²")
    make_visit(call)
    return call


def login(page: Page, email: str) -> None:
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_candidate_applies_manager_accepts_responsable_sees_mon_espace(
    make_page, open_call, tmp_path: Path
):
    page = make_page()
    # Public pages: list, detail.
    page.goto("/appels/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ateliers de la Friche").first.click()
    expect(page.get_by_role("heading", name="Ateliers de la Friche", level=1)).to_be_visible()
    assert_no_axe_violations(page)

    # Sign up, confirm the address through the e-mailed link, log in, back to the form.
    page.get_by_role("link", name="Candidater", exact=True).click()
    page.wait_for_url("**/inscription/**")
    assert_no_axe_violations(page)
    page.get_by_label("Nom complet").fill("Camille Candidate")
    page.get_by_label("Adresse e-mail").fill("camille@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", name="Vérifiez votre messagerie")).to_be_visible()
    assert_no_axe_violations(page)
    (link,) = re.findall(r"https?://\S+/compte/verifier/\S+", mail.outbox[0].body)
    page.goto(urlsplit(link).path)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_role("heading", name="Connexion", level=1)).to_be_visible()
    mail.outbox.clear()
    login(page, "camille@example.org")
    page.goto(f"/appels/{open_call.slug}/candidater/")
    expect(
        page.get_by_role("heading", name="Ma candidature : Ateliers de la Friche")
    ).to_be_visible()
    assert_no_axe_violations(page)

    # A draft with an error first (nothing saved), then a valid one.
    page.get_by_label("Nom de la structure").fill("Atelier des Possibles")
    page.get_by_label("Forme juridique").select_option("association")
    page.get_by_label("SIRET").fill("12345678901234")
    page.get_by_label("Projet").fill("Un atelier de réparation de vélos ouvert au quartier.")
    page.get_by_label("Lot A — atelier de 25 m²", exact=False).check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("alert")).to_contain_text("La candidature n'a pas été enregistrée")
    assert_no_axe_violations(page)
    assert not Application.objects.exists()
    page.get_by_label("SIRET").fill("")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_role("status")).to_contain_text("Brouillon enregistré")
    assert_no_axe_violations(page)

    # Submitting asks first; without the required document it is refused, then the document
    # is attached.
    page.get_by_role("link", name="Soumettre ma candidature…").click()
    page.wait_for_url("**/soumettre/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Oui, soumettre ma candidature").click()
    expect(page.get_by_role("status")).to_contain_text("Pièces manquantes : Statuts.")
    statuts = tmp_path / "statuts.pdf"
    statuts.write_bytes(PDF_BYTES)
    page.get_by_label("Type de document").select_option(label="Statuts")
    page.get_by_label("Fichier (PDF, JPEG ou PNG)").set_input_files(str(statuts))
    page.get_by_role("button", name="Ajouter la pièce jointe").click()
    expect(page.get_by_role("link", name="statuts.pdf", exact=True)).to_be_visible()
    page.get_by_role("link", name="Soumettre ma candidature…").click()
    page.get_by_role("button", name="Oui, soumettre ma candidature").click()
    expect(page.get_by_role("status")).to_contain_text("Candidature soumise")
    assert_no_axe_violations(page)
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    page.goto("/appels/mes-candidatures/")
    expect(page.get_by_role("link", name="Ateliers de la Friche")).to_be_visible()
    assert_no_axe_violations(page)

    # The site's manager accepts it in the admin.
    manager = make_page()
    login(manager, "gestion@example.org")
    manager.goto(f"/admin/occupants/application/{application.pk}/change/")
    manager.get_by_role("link", name="Accepter").click()
    expect(manager.get_by_label("Atelier 3")).to_be_checked()  # the lot's space
    manager.get_by_role("button", name="Accepter la candidature").click()
    expect(manager.locator(".messagelist")).to_contain_text("Candidature retenue")
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    occupancy = Occupancy.objects.get()
    assert occupancy.structure.name == "Atelier des Possibles"
    assert StructureMember.objects.get(user=application.applicant).role == "responsable"
    assert len(mail.outbox) == 2

    # The new responsable logs in and finds the structure in Mon espace.
    responsable = make_page()
    login(responsable, "camille@example.org")
    responsable.goto("/compte/mon-espace/")
    expect(responsable.get_by_role("heading", name="Mon espace")).to_be_visible()
    expect(
        responsable.get_by_role("link", name="Atelier des Possibles", exact=True)
    ).to_be_visible()
    assert_no_axe_violations(responsable)


def test_call_shown_on_site_and_home_pages_without_wcag_violation(page, open_call):
    for path in ("/", "/lieux/friche-lumiere/"):
        page.goto(path)
        expect(page.get_by_role("link", name="Ateliers de la Friche")).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_no_axe_violations(page)


def test_manager_reads_applications_at_1280_px_and_accepts_in_the_admin_styling(page, open_call):
    candidate = UserFactory(email="camille@example.org", password=PASSWORD)
    application = submitted(open_call, candidate, score=4)
    login(page, "gestion@example.org")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/occupants/application/")
    for column in ("statut", "note"):
        header = page.locator("#result_list thead th", has_text=re.compile(column, re.I)).first
        expect(header).to_be_in_viewport()
        box = header.bounding_box()
        assert box and box["x"] + box["width"] <= 1280, column
    page.goto(f"/admin/occupants/application/{application.pk}/change/")
    expect(page.get_by_role("link", name="Voir sur le site")).to_have_count(0)
    page.get_by_role("link", name="Accepter").click()
    # The admin's form styling: labels and fields side by side, the header of every admin page.
    expect(page.locator("#header")).to_be_visible()
    expect(page.locator(".form-row .flex-container").first).to_have_css("display", "flex")
    assert_no_axe_violations(page)
