"""The managers' admin and the account pages in a real browser: no CSP violation, no JS error
(the conftest fails the test on either), scoped content, French lock page, the confirmation of
a bulk refusal."""

import re

from playwright.sync_api import expect

from occupants.models import Application
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import UserFactory
from tests.occupants.calls_support import make_call, submitted

PASSWORD = "motdepasse-de-test"


def admin_login(page, email):
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Connexion", re.I)).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def test_a_site_manager_edits_their_site_in_the_admin_without_csp_violation(page, directory):
    manager = UserFactory(email="mara@example.org", is_staff=True)
    directory.friche.managers.add(manager)
    admin_login(page, "mara@example.org")

    page.goto("/admin/sites/site/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Friche Lumière")
    expect(page.locator("#result_list")).not_to_contain_text("Halle aux Cuirs")

    page.get_by_role("link", name="Friche Lumière").click()
    expect(page.locator("h1, h2").first).to_be_visible()
    # No inline of every space: a link to the site's own list of spaces.
    expect(page.locator("#spaces-group")).to_have_count(0)
    # The coordinates: a map (vendored Leaflet) beside the inputs, which stay usable.
    expect(page.get_by_role("region", name="Carte : position du lieu")).to_be_visible()
    expect(page.locator(".coordinates-map .leaflet-marker-icon")).to_have_count(1)
    assert_no_axe_violations(page)
    before = page.locator("#id_latitude").input_value()
    page.locator(".coordinates-map").click(position={"x": 60, "y": 60})
    assert page.locator("#id_latitude").input_value() != before
    page.locator("#id_latitude").fill("50.6292")
    page.locator("#id_longitude").fill("3.0573")
    page.locator("#id_summary").fill("Trois niveaux d'ateliers ouverts.")
    page.get_by_role("button", name="Enregistrer", exact=True).first.click()
    expect(page.locator(".messagelist")).to_be_visible()
    page.goto("/admin/sites/site/")
    page.get_by_role("link", name="Friche Lumière").click()
    page.get_by_role("link", name=re.compile("espaces? du lieu")).click()
    expect(page.locator("#result_list")).to_contain_text("Atelier bois")
    expect(page.locator("#result_list")).not_to_contain_text("Bureau 12")


def test_operator_staff_add_a_site_with_the_prepopulated_slug(page, directory):
    staff = UserFactory(email="olga@example.org", is_staff=True)
    directory.friche.operator.staff.add(staff)
    admin_login(page, "olga@example.org")
    page.goto("/admin/sites/site/add/")
    page.locator("#id_name").fill("Ancienne Gare Sud")
    page.locator("#id_address").focus()
    expect(page.locator("#id_slug")).to_have_value("ancienne-gare-sud")


def test_lock_page_after_five_failures_is_french_and_accessible(page, page_problems, directory):
    UserFactory(email="olga@example.org")
    page.goto("/compte/connexion/")
    for _ in range(5):
        page.get_by_label("Adresse e-mail").fill("olga@example.org")
        page.get_by_label("Mot de passe").fill("mauvais")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()
        if page.get_by_role("heading", name="Connexion temporairement bloquée").count():
            break
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion temporairement bloquée")
    expect(page.get_by_role("alert")).to_contain_text("15 minutes")
    assert_no_axe_violations(page)
    # The 429 answer is on purpose: acknowledge the browser's console line for it.
    page_problems.expect_error("429")


def test_refusing_applications_in_the_admin_shows_them_first(page, directory):
    manager = UserFactory(email="mara@example.org", is_staff=True)
    directory.friche.managers.add(manager)
    call = make_call(directory.friche, title="Ateliers de la Friche", slug="ateliers-friche")
    application = submitted(call, UserFactory(), structure_name="Atelier des Possibles")
    admin_login(page, "mara@example.org")
    page.goto("/admin/occupants/application/")
    page.locator(f"input[name=_selected_action][value='{application.pk}']").check()
    page.locator("select[name=action]").select_option("mark_refused")
    page.locator("button[name=index]").click()
    expect(page.locator("#content-main")).to_contain_text("Atelier des Possibles")
    assert_no_axe_violations(page)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    page.get_by_role("button", name="Confirmer le refus").click()
    expect(page.locator(".messagelist")).to_contain_text("Refusée")
    application.refresh_from_db()
    assert application.status == Application.Status.REFUSED
