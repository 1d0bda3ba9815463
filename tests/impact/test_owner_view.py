"""The owners' and funders' read-only view (/proprietaire/): who sees which site, what the
pages show (and never: people, structures by name), constant queries on the index."""

from __future__ import annotations

import html
from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Organisation
from impact import reports
from impact.models import ImpactReport
from impact.owner_views import _period
from sites.models import Site, SitePath, Stage, Step
from tests.events.factories import EventFactory, EventTimingFactory
from tests.factories import FundingFactory, OrganisationFactory, SiteFactory, UserFactory
from tests.impact.reports_support import draft, host_structure, managed_site
from tests.occupants.factories import SectorFactory, StructureMemberFactory

pytestmark = pytest.mark.django_db


def euros(amount: float) -> str:
    """An amount as the pages write it, to the euro, in French."""
    with translation.override("fr"):
        return floatformat(amount, "0g")


def staff_of(organisation):
    user = UserFactory(full_name="Camille Propriétaire")
    organisation.staff.add(user)
    return user


def owner(kind=Organisation.Kind.OWNER, **kwargs):
    return OrganisationFactory(kind=kind, **kwargs)


def this_year() -> dict:
    today = timezone.localdate()
    return {"start": date(today.year, 1, 1), "end": date(today.year, 12, 31)}


def path_of(site, responsible=None):
    """A path with a done step, a late one (with a person responsible) and one to come."""
    today = timezone.localdate()
    path = SitePath.objects.create(site=site)
    visit = Stage.objects.create(path=path, title="Visite", position=1)
    Step.objects.create(stage=visit, title="Visite du bâtiment", position=1, done_date=today)
    checks = Stage.objects.create(path=path, title="Diagnostics", position=2)
    Step.objects.create(
        stage=checks,
        title="Diagnostic de sécurité",
        position=1,
        due_date=today - timedelta(days=3),
        responsible=responsible,
        notes="Appeler Dominique Secret au 06 11 22 33 44.",
    )
    Step.objects.create(stage=checks, title="Assurance", position=2)
    return path


def test_owner_staff_see_the_sites_their_organisation_owns(client):
    metropolis = owner(name="Métropole Test")
    site = SiteFactory(owner=metropolis, name="Salle de régulation")
    path_of(site)
    other = SiteFactory(name="Lieu d'un autre")
    client.force_login(staff_of(metropolis))

    index = client.get(reverse("owner:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert "Salle de régulation" in html and reverse("owner:site", args=[site.slug]) in html
    assert "Diagnostics" in html  # the current stage
    assert other.name not in html

    page = client.get(reverse("owner:site", args=[site.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Diagnostic de sécurité" in html and "En retard" in html
    assert page.context["late_count"] == 1 and page.context["done_count"] == 1
    assert page.context["current_stage"].title == "Diagnostics"


def test_public_body_staff_see_the_sites_it_owns(client):
    university = owner(kind=Organisation.Kind.PUBLIC_BODY)
    site = SiteFactory(owner=university)
    client.force_login(staff_of(university))
    assert client.get(reverse("owner:site", args=[site.slug])).status_code == 200


def test_staff_of_another_owner_get_404(client):
    site = SiteFactory()
    other_owner = owner()
    SiteFactory(owner=other_owner)
    client.force_login(staff_of(other_owner))
    assert client.get(reverse("owner:site", args=[site.slug])).status_code == 404
    assert site.name not in client.get(reverse("owner:index")).content.decode()


def test_a_user_following_no_site_gets_404_on_the_index(client):
    operator = OrganisationFactory(kind=Organisation.Kind.OPERATOR)
    site = SiteFactory(operator=operator)
    client.force_login(staff_of(operator))  # operator staff manage; they do not follow here
    assert client.get(reverse("owner:index")).status_code == 404
    assert client.get(reverse("owner:site", args=[site.slug])).status_code == 404


def test_a_visitor_is_sent_to_the_login(client):
    site = SiteFactory()
    for url in (reverse("owner:index"), reverse("owner:site", args=[site.slug])):
        response = client.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_funder_staff_see_only_the_sites_their_fundings_name(client):
    funder = OrganisationFactory(kind=Organisation.Kind.FUNDER, name="Fondation Test")
    funded = SiteFactory(name="Lieu financé")
    FundingFactory(site=funded, funder=funder)
    not_funded = SiteFactory(name="Lieu sans ce financeur")
    FundingFactory(site=not_funded)  # another funder
    client.force_login(staff_of(funder))

    html = client.get(reverse("owner:index")).content.decode()
    assert "Lieu financé" in html and "Lieu sans ce financeur" not in html
    assert client.get(reverse("owner:site", args=[funded.slug])).status_code == 200
    assert client.get(reverse("owner:site", args=[not_funded.slug])).status_code == 404


def test_a_funder_named_twice_lists_the_site_once(client):
    funder = OrganisationFactory(kind=Organisation.Kind.FUNDER)
    site = SiteFactory()
    FundingFactory(site=site, funder=funder, year=2021)
    FundingFactory(site=site, funder=funder, year=2022)
    assert list(Site.objects.owned_by(staff_of(funder))) == [site]


def test_a_superuser_follows_every_site():
    sites = [SiteFactory(), SiteFactory()]
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert set(Site.objects.owned_by(admin)) == set(sites)


def test_the_site_page_shows_aggregates_and_no_personal_data(client):
    metropolis = owner()
    site, manager = managed_site(owner=metropolis)
    responsible = UserFactory(full_name="Dominique Responsable", email="dominique@example.org")
    path_of(site, responsible=responsible)
    sector = SectorFactory(name="Économie sociale")
    structure = host_structure(
        site,
        name="Atelier Confidentiel",
        contact_name="Alix Contact",
        contact_email="alix@structure.example.org",
        contact_phone="06 98 76 54 32",
        **this_year(),
    )
    structure.sectors.add(sector)
    member = StructureMemberFactory(
        structure=structure, user=UserFactory(full_name="Sacha Membre", email="sacha@example.org")
    )
    event = EventFactory(site=site, title="Portes ouvertes du lieu")
    EventTimingFactory(event=event, days_ahead=5)
    report = reports.report_publish(report=draft(site, manager), by=manager)
    client.force_login(staff_of(metropolis))

    response = client.get(reverse("owner:site", args=[site.slug]))
    html = response.content.decode()
    assert response.context["figures"]["structures"]["count"] == 1
    assert "Économie sociale" in html
    assert response.context["upcoming_count"] == 1 and "Portes ouvertes du lieu" in html
    assert report.get_absolute_url() in html and report.title in html
    for private in (
        structure.name,
        "Alix Contact",
        "alix@structure.example.org",
        "06 98 76 54 32",
        member.user.full_name,
        member.user.email,
        responsible.full_name,
        responsible.email,
        manager.email,
        manager.full_name,
        "Dominique Secret",  # the step's notes
    ):
        assert private not in html, private


def test_draft_reports_and_private_events_are_not_shown(client):
    metropolis = owner()
    site, manager = managed_site(owner=metropolis)
    draft(site, manager, title="Brouillon à ne pas montrer")
    hidden = EventFactory(site=site, title="Réunion interne", visibility="interne")
    EventTimingFactory(event=hidden)
    client.force_login(staff_of(metropolis))
    response = client.get(reverse("owner:site", args=[site.slug]))
    html = response.content.decode()
    assert "Brouillon à ne pas montrer" not in html and "Réunion interne" not in html
    assert response.context["upcoming_count"] == 0


def test_the_index_reads_its_sites_in_constant_queries(client):
    metropolis = owner()
    user = staff_of(metropolis)
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("owner:index")).status_code == 200
        return len(queries)

    site, manager = managed_site(owner=metropolis)
    path_of(site)
    reports.report_publish(report=draft(site, manager), by=manager)
    one = count()
    for _ in range(3):
        other, other_manager = managed_site(owner=metropolis)
        path_of(other)
        reports.report_publish(report=draft(other, other_manager), by=other_manager)
    assert count() == one


def test_mon_espace_links_to_the_view_only_for_those_who_follow_sites(client):
    metropolis = owner()
    SiteFactory(owner=metropolis)
    client.force_login(staff_of(metropolis))
    assert reverse("owner:index") in client.get(reverse("accounts:dashboard")).content.decode()
    client.force_login(UserFactory())
    assert reverse("owner:index") not in client.get(reverse("accounts:dashboard")).content.decode()


@pytest.mark.parametrize(
    ("occupancy", "period"),
    [
        ((None, None), (date(2026, 1, 1), date(2026, 12, 7))),
        ((date(2025, 10, 1), date(2027, 3, 31)), (date(2026, 1, 1), date(2026, 12, 7))),
        ((date(2026, 3, 1), date(2026, 9, 30)), (date(2026, 3, 1), date(2026, 9, 30))),
        ((date(2027, 1, 1), None), (date(2026, 12, 7), date(2026, 12, 7))),
        ((date(2023, 5, 1), date(2025, 4, 30)), (date(2023, 5, 1), date(2025, 4, 30))),
    ],
)
def test_the_figures_cover_this_year_within_the_occupancy_or_a_past_occupancy_whole(
    occupancy, period
):
    site = Site(occupancy_start=occupancy[0], occupancy_end=occupancy[1])
    assert _period(site, date(2026, 12, 7)) == period


def test_the_site_page_reads_its_reports_and_events_in_constant_queries(client):
    metropolis = owner()
    site, manager = managed_site(owner=metropolis)
    client.force_login(staff_of(metropolis))
    url = reverse("owner:site", args=[site.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        report = draft(
            site,
            manager,
            title=f"Rapport {n}",
            period_start=date(2020 + n, 1, 1),
            period_end=date(2020 + n, 12, 31),
        )
        reports.report_publish(report=report, by=manager)
        EventTimingFactory(event=EventFactory(site=site), days_ahead=n + 1)

    add(1)
    one = count()
    for n in range(2, 6):
        add(n)
    assert count() == one


def test_the_site_page_shows_the_fees_of_the_period_beside_the_average_per_square_metre(client):
    metropolis = owner()
    # An occupancy over: its page covers the whole of it, whatever today is.
    site, _manager = managed_site(
        owner=metropolis, occupancy_start=date(2024, 1, 1), occupancy_end=date(2025, 6, 30)
    )
    # 8 €/m² on 25 m², 200 € a month, from 16 January 2024 to 15 March 2025: 14 months.
    host_structure(site, start=date(2024, 1, 16), end=date(2025, 3, 15))
    client.force_login(staff_of(metropolis))

    response = client.get(reverse("owner:site", args=[site.slug]))

    assert response.context["figures"]["site"]["fees_total"] == 2800.0
    occupancy = response.content.decode().split('id="owner-occupancy-title"')[1]
    occupancy = occupancy.split("</section>")[0]
    average = occupancy.index("Redevance moyenne (€ par m² et par mois)")
    fees = occupancy.index("Redevances de la période (€)")
    assert average < fees
    assert f">{euros(2800)}<" in occupancy
    # The note is the fees' own, not the figures' after them.
    page = html.unescape(response.content.decode())
    assert page.count("d'après les conventions, hors charges") == 1
    assert "d'après les conventions, hors charges" in html.unescape(occupancy)


def test_a_report_published_before_the_fees_shows_them_unknown_not_0(client):
    metropolis = owner()
    site, manager = managed_site(owner=metropolis)
    host_structure(site)
    old = reports.report_publish(report=draft(site, manager), by=manager)
    figures = dict(old.figures, version=1)
    figures["site"] = {k: v for k, v in old.figures["site"].items() if k != "fees_total"}
    ImpactReport.objects.filter(pk=old.pk).update(figures=figures)
    new = reports.report_publish(
        report=draft(
            site,
            manager,
            title="Second semestre",
            period_start=date(2026, 7, 1),
            period_end=date(2026, 12, 31),
        ),
        by=manager,
    )
    client.force_login(staff_of(metropolis))

    page = html.unescape(client.get(reverse("owner:site", args=[site.slug])).content.decode())

    cards = page.split('id="owner-reports-title"')[1]
    old_card = cards.split(f'id="owner-report-{old.pk}"')[1].split("</article>")[0]
    new_card = cards.split(f'id="owner-report-{new.pk}"')[1].split("</article>")[0]
    assert "Redevances de la période (€)" in old_card and "Redevances de la période (€)" in new_card
    assert old_card.count("non calculées à la publication du rapport") == 1
    assert page.count("non calculées à la publication du rapport") == 1
    assert "non calculées" not in new_card and f">{euros(1200)}<" in new_card
