"""The project path in the browser: a site's timeline (done, late, next), a step edited with the
keyboard-reachable form, and the operator's portfolio, with axe-core finding no WCAG 2.1 A/AA
violation."""

from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from sites.models import PathTemplate, Site, Step, TemplateStage, TemplateStep
from sites.path import services
from tests.browser.a11y import assert_no_axe_violations
from tests.factories import OrganisationFactory, SiteFactory, UserFactory


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def build(transactional_db):
    today = timezone.localdate()
    coop = OrganisationFactory(name="Coop Parcours")
    olga = UserFactory(email="olga@example.org", full_name="Olga Coop", is_staff=True)
    coop.staff.add(olga)
    # Browser tests flush the database: the template is made here, not read from a migration.
    template = PathTemplate.objects.create(name="Modèle de test")
    for position, (title, steps) in enumerate(
        [
            ("Visite", [("Visiter le bâtiment", "")]),
            ("Diagnostics", [("Diagnostic de sécurité", "ouvert"), ("Accessibilité", "ouvert")]),
        ],
        start=1,
    ):
        stage = TemplateStage.objects.create(template=template, title=title, position=position)
        for n, (step, required) in enumerate(steps, start=1):
            TemplateStep.objects.create(stage=stage, title=step, required_for=required, position=n)
    site = SiteFactory(name="Poste de régulation", operator=coop, status=Site.Status.PREPARATION)
    SiteFactory(name="Autre lieu", operator=coop)
    services.path_apply_template(site=site, template=template, by=olga)
    steps = Step.objects.filter(stage__path__site=site)
    steps.filter(title="Visiter le bâtiment").update(done_date=today - timedelta(days=10))
    steps.filter(title="Diagnostic de sécurité").update(due_date=today - timedelta(days=2))
    return olga, site


def test_the_timeline_shows_the_path_and_a_step_is_marked_done(page, live_server, transactional_db):
    olga, site = build(transactional_db)
    log_in(page, live_server, olga)
    page.goto(f"/parcours/lieux/{site.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours de Poste de régulation")
    expect(
        page.locator("#etape-" + str(Step.objects.get(title="Diagnostic de sécurité").pk))
    ).to_contain_text("En retard")
    expect(page.get_by_text("Prochaine étape")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Modifier — Diagnostic de sécurité").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Diagnostic de sécurité")
    assert_no_axe_violations(page)
    page.get_by_label("Fait le").fill(timezone.localdate().isoformat())
    page.get_by_label("Responsable").select_option(label="Olga Coop")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("L'étape est enregistrée.")).to_be_visible()
    step = Step.objects.get(title="Diagnostic de sécurité")
    assert step.done_date == timezone.localdate() and step.responsible == olga

    page.get_by_role("link", name="Changer le statut").click()
    page.get_by_label("Nouveau statut").select_option("ouvert")
    page.get_by_role("button", name="Changer le statut").click()
    expect(page.get_by_role("alert")).to_contain_text("Accessibilité")
    assert_no_axe_violations(page)


def test_the_portfolio_lists_the_operators_sites_with_late_steps(
    page, live_server, transactional_db
):
    olga, _site = build(transactional_db)
    log_in(page, live_server, olga)
    page.goto("/parcours/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Parcours de mes lieux")
    row = page.get_by_role("row", name="Poste de régulation")
    expect(row).to_contain_text("Diagnostics")
    expect(page.get_by_role("row", name="Autre lieu")).to_contain_text("Pas encore de parcours")
    assert_no_axe_violations(page)
