"""The vacant-space inventory in a browser: operator staff log in, read the list with its map,
filter it, open a building; axe-core finds no WCAG 2.1 A/AA violation on the way."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Organisation
from sites.inventory.models import Scenario, VacantBuildingScenario
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import OrganisationFactory, UserFactory, VacantBuildingFactory

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def inventory(transactional_db):
    operator = OrganisationFactory(name="Coop Transition", kind=Organisation.Kind.OPERATOR)
    owner = OrganisationFactory(name="Métropole Fictive", kind=Organisation.Kind.PUBLIC_BODY)
    operator.staff.add(UserFactory(email="bob@example.org", full_name="Bob Gestion"))
    outpost = VacantBuildingFactory(
        name="Ancienne salle des feux", owner=owner, operator=operator, contact_name="Dominique"
    )
    VacantBuildingScenario.objects.create(building=outpost, scenario=Scenario.PUBLIC_SERVICE)
    hall = VacantBuildingFactory(
        name="Halle aux tissus",
        owner=owner,
        operator=operator,
        commune="Asnières-sur-Seine",
        departement="92",
        latitude=Decimal("48.914000"),
        longitude=Decimal("2.285000"),
    )
    VacantBuildingScenario.objects.create(building=hall, scenario=Scenario.CULTURE)
    return outpost


def log_in(page):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("bob@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def test_inventory_list_with_its_map_and_a_filter_has_no_wcag_violation(page, inventory):
    log_in(page)
    page.goto("/inventaire/")
    expect(page.get_by_role("heading", name="2 bâtiments")).to_be_visible()
    expect(page.locator("[data-map-section]").first).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(2)
    assert_no_axe_violations(page)
    page.get_by_label("Scénario").select_option(Scenario.PUBLIC_SERVICE)
    expect(page.get_by_role("heading", name="1 bâtiment")).to_be_visible()
    expect(page.get_by_role("link", name="Ancienne salle des feux")).to_be_visible()
    expect(page.get_by_role("link", name="Halle aux tissus")).to_have_count(0)
    assert "scenario=tete_de_pont" in page.url
    assert_no_axe_violations(page)


def test_inventory_detail_and_form_have_no_wcag_violation(page, inventory):
    log_in(page)
    page.goto(inventory.get_absolute_url())
    expect(page.get_by_role("heading", name="Ancienne salle des feux", level=1)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Surface (m²)").fill("-3")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_axe_violations(page)
