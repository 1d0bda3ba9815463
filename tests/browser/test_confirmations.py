"""Destructive or final steps ask first, on a page of their own that works without JavaScript:
removing a member here (cancelling a booking: test_booking_grid, submitting an application:
test_calls). axe finds no WCAG 2.1 A/AA issue on the confirmation page at 375 and 1280 px."""

import pytest
from playwright.sync_api import expect

from occupants import services
from occupants.models import StructureMember
from tests.browser import test_mon_espace
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory

responsable = test_mon_espace.responsable


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
