"""A site page's sections computed by other apps (core.sections): its next events, open calls
and impact link come from Django's cache to anonymous visitors until the entry expires, and
fresh to logged-in users."""

from datetime import date

import pytest
from django.core.cache import cache

from impact import reports
from tests.events.factories import EventFactory, EventTimingFactory
from tests.factories import UserFactory
from tests.impact.reports_support import draft, host_structure, managed_site, observation
from tests.occupants.calls_support import make_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_sections(settings):
    settings.SITE_SECTIONS_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_a_visitor_sees_a_new_event_call_or_report_once_the_sections_expire(
    client, cached_sections
):
    site, manager = managed_site(name="Halle aux Cuirs")
    url = site.get_absolute_url()
    html = client.get(url).text
    assert "Aucun événement public à venir" in html
    assert "Appels à candidatures ouverts" not in html and "rapport d'impact" not in html

    event = EventFactory(site=site, title="Bal de la halle")
    EventTimingFactory(event=event, days_ahead=3)
    make_call(site, title="Appel aux ateliers")
    host_structure(site)
    observation(site)
    report = draft(site, manager, period_start=date(2026, 1, 1), period_end=date(2026, 6, 30))
    reports.report_publish(report=report, by=manager)

    html = client.get(url).text
    assert "Bal de la halle" not in html and "Appel aux ateliers" not in html
    assert "Lire le dernier rapport d'impact" not in html

    client.force_login(UserFactory())  # a logged-in user reads them fresh
    html = client.get(url).text
    assert "Bal de la halle" in html and "Appel aux ateliers" in html
    assert "Lire le dernier rapport d'impact" in html

    client.logout()
    cache.clear()  # as when the entries expire
    html = client.get(url).text
    assert "Bal de la halle" in html and "Appel aux ateliers" in html
    assert "Lire le dernier rapport d'impact" in html


def test_each_language_has_its_own_copy_of_a_section(client, cached_sections):
    site, _manager = managed_site(name="Halle aux Cuirs")
    assert "Aucun événement public à venir" in client.get(site.get_absolute_url()).text
    client.cookies["django_language"] = "en"
    assert "No upcoming public event" in client.get(site.get_absolute_url()).text
