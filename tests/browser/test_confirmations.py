"""Destructive or final steps ask first, on a page of their own that works without JavaScript:
removing a member and an application's attachment here (cancelling a booking: test_booking_grid,
submitting an application: test_calls, approving or refusing a request: test_booking_manager).
axe finds no WCAG 2.1 A/AA issue on the confirmation page at 375 and 1280 px."""

import pytest
from playwright.sync_api import expect

from occupants import services
from occupants.models import ApplicationDocument, StructureMember
from tests.browser import test_calls, test_mon_espace
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory
from tests.occupants.calls_support import attach, make_application

responsable = test_mon_espace.responsable
open_call = test_calls.open_call


@pytest.fixture
def nina(responsable):
    user = UserFactory(email="nina@example.org", full_name="Nina Vert")
    return services.add_member(responsable, user, StructureMember.Role.MEMBER)


@pytest.mark.parametrize("width", [375, 1280])
def test_removing_a_member_asks_first(make_page, responsable, nina, width):
    page = make_page(viewport={"width": width, "height": 900})
    test_mon_espace.log_in(page)
    page.goto(f"/compte/structures/{responsable.slug}/membres/")
    page.get_by_role("link", name="Retirer Nina Vert").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Retirer Nina Vert de la structure Atelier Sérigraphie ?"
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Non, revenir aux membres").click()
    expect(page.get_by_role("link", name="Retirer Nina Vert")).to_be_visible()
    assert StructureMember.objects.filter(user__email="nina@example.org").exists()


def test_removing_a_member_without_javascript(make_page, responsable, nina):
    page = make_page(java_script_enabled=False)
    test_mon_espace.log_in(page)
    page.goto(f"/compte/structures/{responsable.slug}/membres/")
    page.get_by_role("link", name="Retirer Nina Vert").click()
    assert StructureMember.objects.filter(user__email="nina@example.org").exists()
    page.get_by_role("button", name="Oui, retirer cette personne").click()
    expect(page.get_by_role("status")).to_contain_text("Nina Vert ne fait plus partie")
    assert not StructureMember.objects.filter(user__email="nina@example.org").exists()


@pytest.fixture
def draft_with_attachment(open_call):
    candidate = UserFactory(email="camille@example.org", password=test_calls.PASSWORD)
    application = make_application(open_call, candidate, structure_name="Atelier des Possibles")
    return attach(application, "statuts")


@pytest.mark.parametrize("width", [375, 1280])
def test_removing_an_attachment_asks_first(make_page, draft_with_attachment, width):
    document = draft_with_attachment
    page = make_page(viewport={"width": width, "height": 900})
    test_calls.login(page, "camille@example.org")
    page.goto(document.application.get_absolute_url())
    page.get_by_role("link", name="Retirer statuts.pdf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Retirer la pièce jointe statuts.pdf ?"
    )
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Non, garder la pièce jointe").click()
    expect(page.get_by_role("link", name="statuts.pdf", exact=True)).to_be_visible()
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()


def test_removing_an_attachment_without_javascript(make_page, draft_with_attachment):
    document = draft_with_attachment
    page = make_page(java_script_enabled=False)
    test_calls.login(page, "camille@example.org")
    page.goto(document.application.get_absolute_url())
    page.get_by_role("link", name="Retirer statuts.pdf").click()
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()
    page.get_by_role("button", name="Oui, retirer la pièce jointe").click()
    expect(page.get_by_role("status")).to_contain_text("Pièce jointe retirée")
    assert not ApplicationDocument.objects.filter(pk=document.pk).exists()
