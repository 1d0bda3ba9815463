"""The public agenda (/agenda/), an event's page (/agenda/<slug>/) and the site page's agenda.

The cast (tests/events/conftest.py): on site A (managed by mara), "Atelier Bleu" (bob, bea) and
"Collectif Vert" (carl); on site B (managed by mike), "Coop Sud" (dan). Events are written with
tests/events/factories.py (published, public, site team) unless a test says otherwise.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from xml.etree import ElementTree

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import Event, Public
from tests.events.factories import EventFactory, EventTimingFactory, RoomFactory, local_slot
from tests.factories import SiteFactory

pytestmark = pytest.mark.django_db


def dated(days_ahead: int = 3, **fields) -> Event:
    event = EventFactory(**fields)
    EventTimingFactory(event=event, days_ahead=days_ahead)
    return event


def titles(response) -> list[str]:
    return re.findall(r'class="card-link" href="/agenda/[^"]+/">([^<]+)</a>', response.text)


# --- The list --------------------------------------------------------------------------------


def test_the_agenda_lists_upcoming_public_events_soonest_first(client, booking_world):
    w = booking_world
    dated(10, site=w.site_a, title="Concert d'hiver")
    dated(2, site=w.site_b, title="Repair café")
    dated(-5, site=w.site_a, title="Marché passé")
    dated(4, site=w.site_a, title="Brouillon", moderation=Event.Moderation.DRAFT)
    dated(4, site=w.site_a, title="Réunion interne", visibility=Event.Visibility.INTERNAL)
    dated(4, site=SiteFactory(published=False), title="Lieu caché")
    response = client.get("/agenda/")
    assert response.status_code == 200
    assert titles(response) == ["Repair café", "Concert d&#x27;hiver"]
    assert "2 événements" in response.text


def test_a_series_begun_last_week_comes_with_its_next_session(client, booking_world):
    w = booking_world
    series = EventFactory(site=w.site_a, title="Atelier hebdo")
    EventTimingFactory(event=series, days_ahead=-7)
    EventTimingFactory(event=series, days_ahead=6)
    dated(3, site=w.site_a, title="Fête")
    assert titles(client.get("/agenda/")) == ["Fête", "Atelier hebdo"]


def test_the_archive_lists_past_events_latest_first(client, booking_world):
    w = booking_world
    dated(-10, site=w.site_a, title="Vieux marché")
    dated(-2, site=w.site_a, title="Concert récent")
    dated(3, site=w.site_a, title="À venir")
    response = client.get("/agenda/?quand=passes")
    assert titles(response) == ["Concert récent", "Vieux marché"]
    assert "Événements passés" in response.text


def test_from_a_day_a_series_comes_with_its_first_date_from_that_day(client, booking_world):
    w = booking_world
    series = EventFactory(site=w.site_a, title="Atelier hebdo")
    EventTimingFactory(event=series, days_ahead=2)
    EventTimingFactory(event=series, days_ahead=9)
    dated(7, site=w.site_a, title="Fête")
    in_5 = timezone.localdate() + timedelta(days=5)
    response = client.get(f"/agenda/?du={in_5.isoformat()}")
    assert titles(response) == ["Fête", "Atelier hebdo"]
    assert f'datetime="{(in_5 + timedelta(days=4)).isoformat()}' in response.text


def test_until_a_day_lists_the_events_whose_next_date_starts_by_then(client, booking_world):
    w = booking_world
    series = EventFactory(site=w.site_a, title="Atelier hebdo")
    EventTimingFactory(event=series, days_ahead=-3)
    EventTimingFactory(event=series, days_ahead=9)
    dated(2, site=w.site_a, title="Fête")
    in_5 = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert titles(client.get(f"/agenda/?au={in_5}")) == ["Fête"]
    assert titles(client.get(f"/agenda/?quand=passes&au={in_5}")) == []


def test_the_archive_places_a_series_by_its_last_date_and_shows_its_first(client, booking_world):
    w = booking_world
    series = EventFactory(site=w.site_a, title="Atelier hebdo")
    EventTimingFactory(event=series, days_ahead=-20)
    EventTimingFactory(event=series, days_ahead=-1)
    dated(-5, site=w.site_a, title="Marché")
    response = client.get("/agenda/?quand=passes")
    assert titles(response) == ["Atelier hebdo", "Marché"]
    first_day = timezone.localdate() - timedelta(days=20)
    assert f'datetime="{first_day.isoformat()}' in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lieu={site_b}", {"Sud"}),
        ("departement=75", {"Paris"}),
        ("type=concert", {"Concert"}),
        ("gratuit=1", {"Sud", "Concert", "Enfants"}),
        ("accessible=1", {"Concert"}),
        ("enfants=1", {"Enfants", "Familles"}),
        ("public=familles", {"Familles"}),
        ("du={in_5}", {"Paris", "Familles"}),
        ("au={in_5}", {"Sud", "Concert", "Enfants"}),
        ("du={in_5}&au={in_5}", set()),
    ],
)
def test_each_filter_narrows_the_agenda(client, booking_world, query, expected):
    w = booking_world
    paris = SiteFactory(name="Lieu parisien", departement="75", postal_code="75011")
    dated(2, site=w.site_b, title="Sud")
    dated(3, site=w.site_a, title="Concert", kind=Event.Kind.CONCERT, accessible_motor=True)
    dated(4, site=w.site_a, title="Enfants", age_min=6)
    dated(
        6,
        site=w.site_a,
        title="Familles",
        publics=[Public.FAMILIES, Public.CHILDREN],
        price_kind=Event.Price.PAID,
        price_amount=Decimal("5"),
    )
    dated(8, site=paris, title="Paris", price_kind=Event.Price.PAY_WHAT_YOU_CAN)
    in_5 = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.get("/agenda/?" + query.format(site_b=w.site_b.slug, in_5=in_5))
    assert response.status_code == 200
    assert "message-error" not in response.text
    assert set(titles(response)) == expected


def test_a_site_page_link_to_a_site_without_events_shows_an_empty_agenda(client, booking_world):
    response = client.get(f"/agenda/?lieu={booking_world.site_c.slug}")
    assert response.status_code == 200
    assert "message-error" not in response.text
    assert "Aucun événement à venir" in response.text


@pytest.mark.parametrize(
    "query",
    [
        "type=rave",
        "du=demain",
        "au=0001-01-01",
        "du=9999-12-31",
        "gratuit=peut-etre",
        "lieu=nulle-part",
        "quand=jamais",
        "public=martiens",
        "departement=999",
        "page=-1",
        "page=99999999999999999999",
        "du=" + "x" * 10_000,
    ],
)
def test_a_bad_parameter_is_reported_in_french_and_ignored(client, booking_world, query):
    dated(3, site=booking_world.site_a, title="Toujours là")
    response = client.get("/agenda/?" + query)
    assert response.status_code == 200
    assert titles(response) == ["Toujours là"]
    if not query.startswith("page"):
        assert "Certains filtres n'ont pas été compris" in response.text


def test_the_agenda_is_paginated(client, booking_world, settings):
    for n in range(26):
        dated(1 + n, site=booking_world.site_a, title=f"Atelier {n:02d}")
    first = client.get("/agenda/")
    second = client.get("/agenda/?page=2")
    assert len(titles(first)) == 24 and titles(first)[0] == "Atelier 00"
    assert titles(second) == ["Atelier 24", "Atelier 25"]
    assert 'rel="next"' in first.text and "Page 2 sur 2" in second.text


def test_an_htmx_request_gets_the_results_only(client, booking_world):
    dated(3, site=booking_world.site_a, title="Concert", kind=Event.Kind.CONCERT)
    dated(3, site=booking_world.site_a, title="Marché", kind=Event.Kind.MARKET)
    response = client.get("/agenda/?type=concert", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="results"' in response.text
    assert titles(response) == ["Concert"]
    assert "HX-Request" in response["Vary"]


def site_options(response) -> list[str]:
    select = re.search(r'<select name="lieu".*?</select>', response.text, re.S)
    assert select, "no site list"
    return re.findall(r'<option value="([^"]*)"', select[0])


def test_with_many_sites_the_site_list_waits_for_a_departement(client, booking_world, monkeypatch):
    """A thousand sites in a select are unusable (and weigh 100 kB): above SITE_LIST_MAX the
    list shows the chosen département's sites; a site page's link keeps its site."""
    from events.agenda import filters

    w = booking_world
    paris = SiteFactory(name="Lieu de Paris", departement="75", postal_code="75011")
    dated(3, site=paris, title="Paris")
    dated(3, site=w.site_b, title="Sud")
    monkeypatch.setattr(filters, "SITE_LIST_MAX", 1)

    assert site_options(client.get("/agenda/")) == [""]
    assert "choisissez un département" in client.get("/agenda/").text
    assert site_options(client.get("/agenda/?departement=75")) == ["", paris.slug]
    assert site_options(client.get(f"/agenda/?lieu={w.site_b.slug}")) == ["", w.site_b.slug]
    assert titles(client.get(f"/agenda/?lieu={w.site_b.slug}")) == ["Sud"]

    monkeypatch.setattr(filters, "SITE_LIST_MAX", 60)
    assert set(site_options(client.get("/agenda/"))) == {"", paris.slug, w.site_b.slug}


def test_the_cached_filter_fields_show_each_request_its_own_values(client, booking_world):
    """The fields' HTML is cached under their values and the site list: each request sees
    its own choice selected, in its own language, and a site whose first event comes later."""
    dated(3, site=booking_world.site_a, title="Concert", kind=Event.Kind.CONCERT)
    concert = client.get("/agenda/?type=concert").text
    market = client.get("/agenda/?type=marche").text
    assert '<option value="concert" selected>' in concert
    assert '<option value="marche" selected>' in market
    assert '<option value="concert" selected>' not in market
    client.cookies["django_language"] = "en"
    assert "All types" in client.get("/agenda/?type=marche").text
    del client.cookies["django_language"]

    from django.core.cache import cache

    later = SiteFactory(name="Lieu arrivé ensuite")
    dated(3, site=later, title="Nouveau")
    cache.clear()  # as when the site list expires
    assert later.slug in site_options(client.get("/agenda/?type=concert"))


def test_an_htmx_request_brings_the_departements_site_list_with_the_results(
    client, booking_world, monkeypatch
):
    from events.agenda import filters

    paris = SiteFactory(name="Lieu de Paris", departement="75", postal_code="75011")
    dated(3, site=paris, title="Paris")
    dated(3, site=booking_world.site_b, title="Sud")
    monkeypatch.setattr(filters, "SITE_LIST_MAX", 1)
    response = client.get("/agenda/?departement=75", headers={"HX-Request": "true"})
    assert 'id="id_lieu-field" hx-swap-oob="true"' in response.text
    assert site_options(response) == ["", paris.slug]
    assert titles(response) == ["Paris"]


def test_a_cards_change_shows_at_once_though_cards_are_cached(client, booking_world):
    """Each card is cached under every value it shows: a title, a state, a site's name changed
    behind its back (QuerySet.update, no signal) show on the next page."""
    event = dated(3, site=booking_world.site_a, title="Concert")
    assert titles(client.get("/agenda/")) == ["Concert"]
    Event.objects.filter(pk=event.pk).update(title="Concert de Noël", state=Event.State.RESCHEDULED)
    type(booking_world.site_a).objects.filter(pk=booking_world.site_a.pk).update(name="La Forge")
    response = client.get("/agenda/")
    assert titles(response) == ["Concert de Noël"]
    assert "badge-state-reporte" in response.text and "La Forge" in response.text


def test_the_agenda_works_without_javascript_as_a_get_form(client, booking_world):
    response = client.get("/agenda/")
    assert '<form method="get" action="/agenda/"' in response.text
    assert 'type="submit"' in response.text


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_agenda_costs_the_same_queries_for_5_or_30_events(client, booking_world):
    w = booking_world

    def add(n: int) -> None:
        for i in range(n):
            event = EventFactory(site=w.site_a if i % 2 else w.site_b, accessible_visual=True)
            EventTimingFactory(event=event, days_ahead=1 + i % 9)
            EventTimingFactory(event=event, days_ahead=12 + i % 9)

    add(5)
    client.get("/agenda/")  # the site list of the filter, cached for a few minutes
    few = count_queries(client, "/agenda/?gratuit=1")
    add(25)
    many = count_queries(client, "/agenda/?gratuit=1")
    assert few == many <= 6


@pytest.mark.parametrize("query", ["", "?quand=passes", "?du={in_5}&au={in_20}"])
def test_the_agenda_costs_the_same_queries_for_1_or_30_events_in_any_window(
    client, booking_world, query
):
    w = booking_world
    today = timezone.localdate()
    url = "/agenda/" + query.format(
        in_5=(today + timedelta(days=5)).isoformat(),
        in_20=(today + timedelta(days=20)).isoformat(),
    )

    def add(n: int) -> None:
        for i in range(n):
            event = EventFactory(site=w.site_a if i % 2 else w.site_b)
            EventTimingFactory(event=event, days_ahead=-30 + i)
            EventTimingFactory(event=event, days_ahead=6 + i % 9)
            EventTimingFactory(event=EventFactory(site=w.site_a), days_ahead=-2 - i)

    add(1)
    client.get("/agenda/")  # the site list of the filter, cached for a few minutes
    one = count_queries(client, url)
    add(29)
    assert count_queries(client, url) == one <= 4


# --- An event's page ---------------------------------------------------------------------------


def full_event(w) -> Event:
    room = RoomFactory(site=w.site_a, name="Salle des fêtes", capacity=50)
    event = EventFactory(
        site=w.site_a,
        organiser_kind=Event.OrganiserKind.STRUCTURE,
        structure=w.bleu,
        title="Repair café de décembre",
        slug="repair-cafe-decembre",
        summary="On répare ensemble grille-pains et vélos.",
        description="Apportez vos objets.",
        kind=Event.Kind.REPAIR_CAFE,
        price_kind=Event.Price.PAID,
        price_amount=Decimal("3.50"),
        registration=Event.Registration.EMAIL,
        registration_contact="repair@example.org",
        capacity=30,
        accessible_motor=True,
        accessible_hearing=True,
        accessibility_details="Boucle magnétique à l'accueil.",
        age_min=8,
        age_max=99,
        publics=[Public.FAMILIES, Public.NEIGHBOURS],
        keywords="réparation, vélo",
    )
    EventTimingFactory(event=event, days_ahead=4, room=room, place="")
    EventTimingFactory(event=event, days_ahead=11, room=room, place="")
    return event


def test_the_event_page_says_when_where_how_much_and_how_to_come(client, booking_world):
    event = full_event(booking_world)
    response = client.get("/agenda/repair-cafe-decembre/")
    assert response.status_code == 200
    text = response.text
    for label in ("Quand", "Où", "Combien", "Comment venir", "Organisé par"):
        assert f"<dt>{label}</dt>" in text
    assert "Salle des fêtes" in text and booking_world.site_a.address in text
    assert "3,50" in text and "30 places" in text
    assert "Atelier Bleu" in text and "De 8 à 99 ans" in text
    assert "Handicap moteur" in text and "Boucle magnétique" in text
    assert "Familles" in text and "vélo" in text
    assert "mailto:repair@example.org" in text
    assert 'data-map="point"' in text
    first = event.timings.first().start.astimezone(timezone.get_default_timezone())
    assert f"{first:%H:%M}" in text


def test_a_first_of_the_month_is_written_1er(client, booking_world):
    event = EventFactory(site=booking_world.site_a, slug="premier")
    first = (timezone.localdate().replace(day=1) + timedelta(days=32)).replace(day=1)
    start = datetime.combine(first, time(18), tzinfo=timezone.get_default_timezone())
    EventTimingFactory(event=event, start=start, end=start + timedelta(hours=2))
    text = client.get("/agenda/premier/").text
    assert re.search(r"\w+ 1er \w+ \d{4}, de 18:00 à 20:00", text)


def test_a_rescheduled_cancelled_full_or_online_event_says_so(client, booking_world):
    w = booking_world
    previous = local_slot(2, 10)[0]
    dated(5, site=w.site_a, slug="reporte", state=Event.State.RESCHEDULED, previous_start=previous)
    dated(5, site=w.site_a, slug="annule", state=Event.State.CANCELLED)
    dated(5, site=w.site_a, slug="complet", state=Event.State.FULL)
    dated(
        5,
        site=w.site_a,
        slug="en-ligne",
        state=Event.State.MOVED_ONLINE,
        attendance_mode=Event.AttendanceMode.ONLINE,
        online_url="https://visio.example.org/salle",
    )
    assert "Il était prévu le" in client.get("/agenda/reporte/").text
    assert "Événement annulé" in client.get("/agenda/annule/").text
    assert "Il n'y a plus de place" in client.get("/agenda/complet/").text
    online = client.get("/agenda/en-ligne/").text
    assert "Déplacé en ligne" in online and "https://visio.example.org/salle" in online


@pytest.mark.parametrize(
    ("event_kind", "who", "status"),
    [
        ("public", None, 200),
        ("draft", None, 404),
        ("internal", None, 404),
        ("internal", "carl", 200),  # occupant of site A
        ("internal", "dan", 404),  # occupant of site B
        ("internal", "mara", 200),  # manager of site A
        ("draft", "bob", 200),  # member of the organising structure
        ("draft", "carl", 404),  # another occupant of the site
        ("draft", "mara", 200),
        ("draft", "mike", 404),  # manager of another site
    ],
)
def test_who_may_open_an_event_page(client, booking_world, event_kind, who, status):
    w = booking_world
    fields = {
        "public": {},
        "draft": {"moderation": Event.Moderation.DRAFT},
        "internal": {"visibility": Event.Visibility.INTERNAL},
    }[event_kind]
    dated(
        3,
        site=w.site_a,
        slug="the-event",
        organiser_kind=Event.OrganiserKind.STRUCTURE,
        structure=w.bleu,
        **fields,
    )
    if who:
        client.force_login(getattr(w, who))
    assert client.get("/agenda/the-event/").status_code == status


@pytest.mark.parametrize(
    "event_kind, who, offered",
    [("public", None, True), ("draft", "mara", False), ("internal", "carl", False)],
)
def test_only_a_published_public_event_offers_its_ics_file(
    client, booking_world, event_kind, who, offered
):
    w = booking_world
    fields = {
        "public": {},
        "draft": {"moderation": Event.Moderation.DRAFT},
        "internal": {"visibility": Event.Visibility.INTERNAL},
    }[event_kind]
    dated(3, site=w.site_a, slug="the-event", **fields)
    if who:
        client.force_login(getattr(w, who))
    page = client.get("/agenda/the-event/").content.decode()
    link = '<a href="/agenda/the-event/evenement.ics">Ajouter à mon agenda (.ics)</a>'
    assert (link in page) is offered
    # The link is offered exactly when the file answers.
    ics = client.get("/agenda/the-event/evenement.ics")
    assert (ics.status_code == 200) is offered
    if offered:
        assert ics["Content-Type"].startswith("text/calendar")


def test_an_unknown_event_is_a_404(client, db):
    assert client.get("/agenda/nulle-part/").status_code == 404


def test_the_event_page_costs_the_same_queries_with_2_or_30_dates(client, booking_world):
    event = full_event(booking_world)
    few = count_queries(client, "/agenda/repair-cafe-decembre/")
    room = event.timings.first().room
    for n in range(28):
        EventTimingFactory(event=event, days_ahead=20 + n, room=room, place="")
    many = count_queries(client, "/agenda/repair-cafe-decembre/")
    assert few == many <= 4


# --- JSON-LD, Open Graph, sitemap --------------------------------------------------------------


class HeadReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.jsonld: list[str] = []
        self.meta: dict[str, str] = {}
        self._in_jsonld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_jsonld = True
            self.jsonld.append("")
        if tag == "meta" and attrs.get("property"):
            self.meta[attrs["property"]] = attrs.get("content", "")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_jsonld = False

    def handle_data(self, data):
        if self._in_jsonld:
            self.jsonld[-1] += data


def read_head(response) -> HeadReader:
    reader = HeadReader()
    reader.feed(response.text)
    return reader


def jsonld_items(response) -> list[dict]:
    blocks = read_head(response).jsonld
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    return data if isinstance(data, list) else [data]


SCHEMA = "https://schema.org/"
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")


def assert_valid_event(item: dict) -> None:
    """The properties the search engines read, with their types (schema.org Event, Google's
    Event rich results)."""
    assert item["@context"] == "https://schema.org"
    assert item["@type"] in {
        "Event", "EducationEvent", "MusicEvent", "SaleEvent", "ExhibitionEvent", "Festival",
        "SocialEvent", "ScreeningEvent",
    }  # fmt: skip
    assert isinstance(item["name"], str) and item["name"]
    for key in ("startDate", "endDate"):
        assert ISO_WITH_OFFSET.match(item[key]), item[key]
    assert datetime.fromisoformat(item["endDate"]) > datetime.fromisoformat(item["startDate"])
    assert item["eventStatus"].startswith(SCHEMA)
    assert item["eventAttendanceMode"] in {
        SCHEMA + "OfflineEventAttendanceMode",
        SCHEMA + "OnlineEventAttendanceMode",
        SCHEMA + "MixedEventAttendanceMode",
    }
    locations = item["location"] if isinstance(item["location"], list) else [item["location"]]
    for location in locations:
        assert location["@type"] in {"Place", "VirtualLocation"}
        if location["@type"] == "Place":
            address = location["address"]
            assert address["@type"] == "PostalAddress"
            assert address["streetAddress"] and address["postalCode"]
            assert address["addressLocality"] and address["addressCountry"] == "FR"
        else:
            assert location["url"].startswith("https://")
    assert item["organizer"]["@type"] == "Organization" and item["organizer"]["name"]
    offers = item["offers"]
    assert offers["@type"] == "Offer" and offers["priceCurrency"] == "EUR"
    assert Decimal(offers["price"]) >= 0
    assert offers["availability"] in {SCHEMA + "InStock", SCHEMA + "SoldOut"}
    assert offers["url"].startswith("http")
    assert re.match(r"^https?://[^/]+/agenda/[\w-]+/$", item["url"]), item["url"]


def test_the_event_page_describes_each_date_in_schema_org_json_ld(client, booking_world):
    full_event(booking_world)
    items = jsonld_items(client.get("/agenda/repair-cafe-decembre/"))
    assert len(items) == 2
    for item in items:
        assert_valid_event(item)
    first = items[0]
    assert first["@type"] == "SocialEvent" and first["name"] == "Repair café de décembre"
    assert first["eventStatus"] == SCHEMA + "EventScheduled"
    assert first["location"]["name"].startswith("Salle des fêtes")
    assert first["offers"]["price"] == "3.50"
    assert first["organizer"]["name"] == "Atelier Bleu"
    assert first["description"] == "On répare ensemble grille-pains et vélos."
    assert items[0]["startDate"] < items[1]["startDate"]


def test_json_ld_of_a_rescheduled_cancelled_full_online_or_mixed_event(client, booking_world):
    w = booking_world
    previous = local_slot(2, 10)[0]
    dated(5, site=w.site_a, slug="reporte", state=Event.State.RESCHEDULED, previous_start=previous)
    dated(5, site=w.site_a, slug="annule", state=Event.State.CANCELLED)
    dated(5, site=w.site_a, slug="complet", state=Event.State.FULL)
    online = {"online_url": "https://visio.example.org/salle"}
    dated(
        5, site=w.site_a, slug="en-ligne", state=Event.State.MOVED_ONLINE,
        attendance_mode=Event.AttendanceMode.ONLINE, **online,
    )  # fmt: skip
    dated(5, site=w.site_a, slug="mixte", attendance_mode=Event.AttendanceMode.MIXED, **online)
    items = {
        slug: jsonld_items(client.get(f"/agenda/{slug}/"))[0]
        for slug in ("reporte", "annule", "complet", "en-ligne", "mixte")
    }
    for item in items.values():
        assert_valid_event(item)
    assert items["reporte"]["eventStatus"] == SCHEMA + "EventRescheduled"
    assert datetime.fromisoformat(items["reporte"]["previousStartDate"]) == previous
    assert items["annule"]["eventStatus"] == SCHEMA + "EventCancelled"
    assert items["complet"]["offers"]["availability"] == SCHEMA + "SoldOut"
    assert items["en-ligne"]["eventStatus"] == SCHEMA + "EventMovedOnline"
    assert items["en-ligne"]["location"]["@type"] == "VirtualLocation"
    assert [loc["@type"] for loc in items["mixte"]["location"]] == ["Place", "VirtualLocation"]


def test_json_ld_dates_carry_the_paris_offset_across_daylight_saving(client, booking_world):
    event = EventFactory(site=booking_world.site_a, slug="ete")
    paris = timezone.get_default_timezone()
    year = timezone.localdate().year + 1
    for month in (1, 7):
        start = datetime(year, month, 10, 18, tzinfo=paris)
        EventTimingFactory(event=event, start=start, end=start + timedelta(hours=2))
    items = jsonld_items(client.get("/agenda/ete/"))
    assert [item["startDate"] for item in items] == [
        f"{year}-01-10T18:00:00+01:00",
        f"{year}-07-10T18:00:00+02:00",
    ]


def test_json_ld_cannot_be_closed_by_a_title(client, booking_world):
    dated(3, site=booking_world.site_a, slug="piege", title="</script><script>alert(1)</script>")
    response = client.get("/agenda/piege/")
    assert "</script><script>alert" not in response.text
    assert jsonld_items(response)[0]["name"] == "</script><script>alert(1)</script>"


def test_an_event_not_in_the_public_agenda_has_no_json_ld(client, booking_world):
    w = booking_world
    dated(3, site=w.site_a, slug="interne", visibility=Event.Visibility.INTERNAL)
    client.force_login(w.mara)
    response = client.get("/agenda/interne/")
    assert response.status_code == 200
    assert read_head(response).jsonld == []
    assert 'name="robots" content="noindex, nofollow"' in response.text


def test_the_event_page_has_open_graph_tags(client, booking_world):
    full_event(booking_world)
    meta = read_head(client.get("/agenda/repair-cafe-decembre/")).meta
    assert meta["og:title"].startswith("Repair café de décembre")
    assert meta["og:description"] == "On répare ensemble grille-pains et vélos."
    assert meta["og:type"] == "article"


def test_the_sitemap_lists_public_events_only(client, booking_world):
    w = booking_world
    dated(3, site=w.site_a, slug="publie")
    dated(-30, site=w.site_a, slug="passe")
    dated(3, site=w.site_a, slug="brouillon", moderation=Event.Moderation.DRAFT)
    dated(3, site=w.site_a, slug="interne", visibility=Event.Visibility.INTERNAL)
    response = client.get("/sitemap.xml")
    tree = ElementTree.fromstring(response.content)  # noqa: S314 (our own response)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    paths = {re.sub(r"^https?://[^/]+", "", loc.text) for loc in tree.findall("s:url/s:loc", ns)}
    assert {"/agenda/", "/agenda/publie/", "/agenda/passe/"} <= paths
    assert not {"/agenda/brouillon/", "/agenda/interne/"} & paths


# --- The site page's agenda --------------------------------------------------------------------


def test_the_site_page_shows_its_next_four_public_events(client, booking_world):
    w = booking_world
    for n in range(5):
        dated(2 + n, site=w.site_a, title=f"Soirée {n}")
    dated(-3, site=w.site_a, title="Soirée passée")
    dated(2, site=w.site_a, title="Soirée interne", visibility=Event.Visibility.INTERNAL)
    dated(2, site=w.site_b, title="Ailleurs")
    text = client.get(w.site_a.get_absolute_url()).text
    section = text.split('id="site-agenda-title"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"Soirée \w+", section) == [f"Soirée {n}" for n in range(4)]
    assert f"/agenda/?lieu={w.site_a.slug}" in section


def test_a_site_page_without_events_says_so(client, booking_world):
    text = client.get(booking_world.site_a.get_absolute_url()).text
    assert "Aucun événement public à venir" in text


def test_the_filters_of_the_archive_stay_in_the_archive(client, booking_world):
    dated(-3, site=booking_world.site_a, title="Concert passé", kind=Event.Kind.CONCERT)
    response = client.get("/agenda/?quand=passes&type=concert")
    assert '<input type="hidden" name="quand" value="passes">' in response.text
    assert titles(response) == ["Concert passé"]
    assert 'href="?type=concert"' in response.text  # the "À venir" tab keeps the filters


def test_the_event_image_shows_with_its_alt_and_credit_and_goes_to_og_and_json_ld(
    client, booking_world
):
    image = factory.django.ImageField(filename="affiche.jpg", width=64, height=48)
    event = dated(
        3,
        site=booking_world.site_a,
        slug="avec-image",
        image=image.evaluate(None, None, {}),
        image_alt="L'affiche : une guitare sur fond jaune",
        image_credit="Collectif Vert",
    )
    response = client.get("/agenda/avec-image/")
    assert f'src="{event.image.url}" alt="L&#x27;affiche : une guitare sur fond jaune"' in (
        response.text
    )
    assert "Image : Collectif Vert" in response.text
    meta = read_head(response).meta
    assert meta["og:image"].startswith("http") and meta["og:image"].endswith(event.image.url)
    assert jsonld_items(response)[0]["image"] == [meta["og:image"]]


def test_the_site_page_agenda_costs_one_query_whatever_the_number_of_events(client, booking_world):
    w = booking_world
    url = w.site_a.get_absolute_url()
    for n in range(2):
        dated(2 + n, site=w.site_a)
    client.get(url)  # the yearly booking rate, cached
    few = count_queries(client, url)
    for n in range(28):
        dated(2 + n, site=w.site_a)
    assert count_queries(client, url) == few
