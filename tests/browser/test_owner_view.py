"""The owners' view in the browser: the staff of a site's owner open their sites' list from
Mon espace, then a site's page (its path, occupancy, events, reports), with axe-core finding no
WCAG 2.1 A/AA violation on either."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Organisation
from impact import reports
from sites.models import SitePath, Stage, Step
from tests.browser.a11y import assert_no_axe_violations
from tests.browser.test_path import log_in
from tests.events.factories import EventFactory, EventTimingFactory
from tests.factories import OrganisationFactory, UserFactory
from tests.impact.reports_support import draft, host_structure, managed_site
from tests.occupants.factories import SectorFactory


def build():
    today = timezone.localdate()
    metropolis = OrganisationFactory(name="Métropole Navigateur", kind=Organisation.Kind.OWNER)
    claire = UserFactory(email="claire@example.org", full_name="Claire Métropole")
    metropolis.staff.add(claire)
    site, manager = managed_site(name="Salle de régulation", owner=metropolis)
    path = SitePath.objects.create(site=site)
    stage = Stage.objects.create(path=path, title="Diagnostics", position=1)
    Step.objects.create(
        stage=stage, title="Diagnostic de sécurité", due_date=today - timedelta(days=2)
    )
    Step.objects.create(stage=stage, title="Assurance", position=2, done_date=today)
    structure = host_structure(
        site, start=today.replace(month=1, day=1), end=today.replace(month=12, day=31)
    )
    structure.sectors.add(SectorFactory(name="Culture"))
    EventTimingFactory(event=EventFactory(site=site, title="Portes ouvertes"), days_ahead=4)
    reports.report_publish(report=draft(site, manager), by=manager)
    return claire, site


def test_owner_staff_follow_their_site_from_mon_espace(page, live_server, transactional_db):
    claire, _site = build()
    log_in(page, live_server, claire)
    page.goto(live_server.url + reverse("accounts:dashboard"))
    page.get_by_role(
        "link", name="Suivre mes lieux : parcours, occupation, événements, impact"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les lieux que je suis")
    expect(page.get_by_role("table")).to_contain_text("Diagnostics")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Salle de régulation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Salle de régulation")
    expect(page.get_by_text("Diagnostic de sécurité")).to_be_visible()
    expect(page.get_by_role("link", name="Portes ouvertes")).to_be_visible()
    expect(page.get_by_role("link", name="Rapport du premier semestre")).to_be_visible()
    assert_no_axe_violations(page)
