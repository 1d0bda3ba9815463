"""The agenda's feeds: iCalendar (the whole agenda, a site's, one event's) read back by the
`icalendar` library, and a site's events in OpenAgenda's JSON.

The cast (tests/events/conftest.py): on site A (managed by mara), "Atelier Bleu" (bob); on site B
(managed by mike), "Coop Sud" (dan). Events are made, dated and published through the service.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from events.agenda import ical
from events.agenda import services as agenda
from events.models import Event
from sites.models import Site
from tests.events.factories import local_slot

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SITE_URL = "https://interstices.example.org"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE_URL


def make_event(w, *, title, dates=(), site=None, publish=True, room=None, **fields) -> Event:
    """An event of Atelier Bleu on site A (or of Coop Sud on site B), dated, published."""
    on_b = site is not None and site == w.site_b
    by, manager = (w.dan, w.mike) if on_b else (w.bob, w.mara)
    event = agenda.create_event(
        site=w.site_b if on_b else w.site_a,
        by=by,
        structure=w.sud if on_b else w.bleu,
        title=title,
        **fields,
    )
    for start, end in dates or [local_slot(5, 14)]:
        agenda.add_timing(event, by=by, start=start, end=end, room=room, place="Dans la cour")
    if publish:
        event = agenda.publish(event, by=manager)
    return event


def paris(*args) -> datetime:
    return datetime(*args, tzinfo=PARIS)


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def vevents(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def titles(calendar: Calendar) -> set[str]:
    return {str(vevent["SUMMARY"]) for vevent in vevents(calendar)}


# --- What is in a feed ---------------------------------------------------------------------------


def test_the_whole_agenda_lists_the_public_published_events_of_published_sites_only(
    client, booking_world
):
    w = booking_world
    make_event(w, title="Repair café")
    make_event(w, title="Marché du Sud", site=w.site_b)
    make_event(w, title="Brouillon", publish=False)
    submitted = make_event(w, title="À valider", publish=False)
    agenda.submit(submitted, by=w.bob)
    refused = make_event(w, title="Refusé", publish=False)
    agenda.submit(refused, by=w.bob)
    agenda.refuse(refused, by=w.mara, reason="Hors sujet")
    make_event(w, title="Réunion interne", visibility=Event.Visibility.INTERNAL)
    make_event(w, title="Sur un lieu caché", site=w.site_b)
    Site.objects.filter(pk=w.site_b.pk).update(published=False)

    calendar = parse(client.get("/agenda/agenda.ics"))

    assert titles(calendar) == {"Repair café"}


def test_a_date_carries_its_summary_url_location_coordinates_and_categories(client, booking_world):
    w = booking_world
    event = make_event(
        w,
        title="Atelier vélo",
        summary="Réparez votre vélo avec nous.",
        kind=Event.Kind.WORKSHOP,
        keywords="vélo, réparation, Atelier",
        dates=[local_slot(3, 10, minutes=120)],
        room=w.salle_jaune,
    )
    timing = event.timings.get()
    url = f"{SITE_URL}/agenda/{event.slug}/"

    (vevent,) = vevents(parse(client.get(f"/agenda/{event.slug}/evenement.ics")))

    assert str(vevent["UID"]) == f"event-timing-{timing.pk}@interstices.example.org"
    assert str(vevent["SUMMARY"]) == "Atelier vélo"
    assert str(vevent["URL"]) == url
    assert str(vevent["DESCRIPTION"]) == f"Réparez votre vélo avec nous.\n\n{url}"
    location = str(vevent["LOCATION"])
    assert location.startswith("Salle Jaune, Site A, 12 rue des Ateliers")
    assert location.endswith("92600 Asnières-sur-Seine")
    assert (vevent["GEO"].latitude, vevent["GEO"].longitude) == (48.914, 2.285)
    # The kind's label first, then the keywords; "Atelier" once.
    assert [str(c) for c in vevent["CATEGORIES"].cats] == ["Atelier", "vélo", "réparation"]
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert vevent.decoded("DTSTART") == timing.start
    assert vevent.decoded("LAST-MODIFIED") == event.updated_at.replace(microsecond=0)


def test_the_same_date_keeps_its_uid_from_one_fetch_to_the_next(client, booking_world):
    event = make_event(booking_world, title="Projection", dates=[local_slot(2, 20)])
    first = vevents(parse(client.get("/agenda/agenda.ics")))[0]["UID"]
    agenda.update_event(event, by=booking_world.bob, title="Projection en plein air")
    again = vevents(parse(client.get("/agenda/agenda.ics")))[0]
    assert again["UID"] == first and str(again["SUMMARY"]) == "Projection en plein air"


@pytest.mark.parametrize(
    ("before", "after", "utc_hours"),
    [
        # The last Sunday of October 2027 is the 31st: summer time (UTC+2), then winter (UTC+1).
        (paris(2027, 10, 30, 10), paris(2027, 11, 6, 10), (8, 9)),
        # The last Sunday of March 2027 is the 28th: winter time, then summer time.
        (paris(2027, 3, 27, 10), paris(2027, 4, 3, 10), (9, 8)),
    ],
)
def test_dates_on_both_sides_of_a_daylight_saving_change_keep_their_paris_time(
    client, booking_world, before, after, utc_hours
):
    event = make_event(
        booking_world,
        title="Atelier du samedi",
        dates=[(before, before + timedelta(hours=2)), (after, after + timedelta(hours=2))],
    )
    response = client.get(f"/agenda/{event.slug}/evenement.ics")
    calendar = parse(response)

    starts = [vevent["DTSTART"] for vevent in vevents(calendar)]
    assert [start.params["TZID"] for start in starts] == ["Europe/Paris", "Europe/Paris"]
    assert [(start.dt.hour, start.dt.minute) for start in starts] == [(10, 0), (10, 0)]
    assert tuple(start.dt.astimezone(UTC).hour for start in starts) == utc_hours
    text = response.content.decode()
    assert f"DTSTART;TZID=Europe/Paris:{before:%Y%m%d}T100000" in text
    assert f"DTSTART;TZID=Europe/Paris:{after:%Y%m%d}T100000" in text
    # The time zone travels with the file: a client without Europe/Paris still gets it right.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Paris"
    assert vtimezone.walk("DAYLIGHT") and vtimezone.walk("STANDARD")


def test_a_cancelled_event_is_cancelled_in_the_calendar(client, booking_world):
    w = booking_world
    make_event(w, title="Concert", kind=Event.Kind.CONCERT)
    cancelled = make_event(w, title="Fête de quartier", dates=[local_slot(9, 18)])
    agenda.cancel_event(cancelled, by=w.mara)

    statuses = {
        str(vevent["URL"]).rsplit("/", 2)[-2]: str(vevent["STATUS"])
        for vevent in vevents(parse(client.get("/agenda/agenda.ics")))
    }

    assert statuses == {"concert": "CONFIRMED", cancelled.slug: "CANCELLED"}


def test_the_agenda_feeds_hold_the_last_30_days_and_everything_upcoming(client, booking_world):
    w = booking_world
    old = make_event(w, title="Il y a longtemps", dates=[local_slot(-40, 10)])
    make_event(w, title="La semaine dernière", dates=[local_slot(-10, 10)])
    make_event(w, title="Dans un an", dates=[local_slot(360, 10)])

    assert titles(parse(client.get("/agenda/agenda.ics"))) == {"La semaine dernière", "Dans un an"}
    assert titles(parse(client.get("/agenda/lieux/site-a/agenda.ics"))) == {
        "La semaine dernière",
        "Dans un an",
    }
    # One event's own feed keeps all its dates.
    assert titles(parse(client.get(f"/agenda/{old.slug}/evenement.ics"))) == {"Il y a longtemps"}


def test_a_site_feed_holds_that_site_s_events_and_no_other(client, booking_world):
    w = booking_world
    make_event(w, title="Repair café")
    make_event(w, title="Marché du Sud", site=w.site_b)

    response = client.get("/agenda/lieux/site-b/agenda.ics")
    calendar = parse(response)

    assert titles(calendar) == {"Marché du Sud"}
    assert str(calendar["X-WR-CALNAME"]) == "Agenda de Site B"
    assert str(calendar["NAME"]) == "Agenda de Site B"
    assert response["Content-Disposition"] == 'inline; filename="agenda-site-b.ics"'


def test_a_feed_tells_calendar_apps_its_name_and_how_often_to_refresh(client, booking_world):
    make_event(booking_world, title="Repair café")
    response = client.get("/agenda/agenda.ics")
    calendar = parse(response)
    assert str(calendar["X-WR-CALNAME"]) == "Agenda des lieux Interstices"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    text = response.content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    assert response["Content-Disposition"] == 'inline; filename="agenda.ics"'


@pytest.mark.parametrize(
    "url",
    [
        "/agenda/lieux/nulle-part/agenda.ics",
        "/agenda/lieux/nulle-part/openagenda.json",
        "/agenda/inconnu/evenement.ics",
    ],
)
def test_an_unknown_slug_answers_404(client, booking_world, url):
    assert client.get(url).status_code == 404


def test_an_event_that_is_not_public_and_published_has_no_feed(client, booking_world):
    w = booking_world
    draft = make_event(w, title="Brouillon", publish=False)
    internal = make_event(w, title="Interne", visibility=Event.Visibility.INTERNAL)
    # Not even for those who may see it: a feed is public.
    client.force_login(w.mara)
    for event in (draft, internal):
        assert client.get(f"/agenda/{event.slug}/evenement.ics").status_code == 404


def test_an_unpublished_site_has_no_feed(client, booking_world):
    Site.objects.filter(pk=booking_world.site_b.pk).update(published=False)
    assert client.get("/agenda/lieux/site-b/agenda.ics").status_code == 404
    assert client.get("/agenda/lieux/site-b/openagenda.json").status_code == 404


def test_junk_in_the_query_changes_nothing(client, booking_world):
    make_event(booking_world, title="Repair café")
    for url in ("/agenda/agenda.ics", "/agenda/lieux/site-a/openagenda.json"):
        response = client.get(url + "?page=-1&since=1e400&x=%ff%fe&y=" + "y" * 5000)
        assert response.status_code == 200
        # A NUL byte is refused by the project's middleware before any view.
        assert client.get(url + "?x=a%00b").status_code == 400


def test_feeds_are_served_from_the_cache_until_it_expires(client, booking_world, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    event = make_event(booking_world, title="Repair café")
    assert titles(parse(client.get("/agenda/agenda.ics"))) == {"Repair café"}
    agenda.update_event(event, by=booking_world.bob, title="Repair café du lundi")
    with CaptureQueriesContext(connection) as queries:
        cached = parse(client.get("/agenda/agenda.ics"))
    assert len(queries) == 0 and titles(cached) == {"Repair café"}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_feed_query_counts_do_not_grow_with_events_and_dates(client, booking_world):
    w = booking_world
    first = make_event(w, title="Premier", dates=[local_slot(2, 10)], room=w.salle_jaune)
    urls = (
        "/agenda/agenda.ics",
        "/agenda/lieux/site-a/agenda.ics",
        "/agenda/lieux/site-a/openagenda.json",
    )
    few = [count_queries(client, url) for url in urls]
    few.append(count_queries(client, f"/agenda/{first.slug}/evenement.ics"))
    for n in range(6):
        make_event(
            w,
            title=f"Atelier {n}",
            dates=[local_slot(3 + n, 10), local_slot(3 + n, 15)],
            room=w.salle_verte if n % 2 else None,
        )
    agenda.add_timing(first, by=w.bob, start=local_slot(20, 10)[0], end=local_slot(20, 10)[1])
    many = [count_queries(client, url) for url in urls]
    many.append(count_queries(client, f"/agenda/{first.slug}/evenement.ics"))
    assert many == few
    assert max(many) <= 3


# --- OpenAgenda --------------------------------------------------------------------------------


def test_the_openagenda_export_gives_every_field_of_an_event_in_openagenda_s_shape(
    client, booking_world
):
    w = booking_world
    start, end = paris(2027, 10, 30, 10), paris(2027, 10, 30, 12)
    later = (paris(2027, 11, 6, 10), paris(2027, 11, 6, 12))
    event = make_event(
        w,
        title="Atelier couture",
        summary="Apprenez à coudre.",
        description="Un long texte sur la couture.",
        kind=Event.Kind.WORKSHOP,
        keywords="couture, textile",
        price_kind=Event.Price.PAID,
        price_amount="5",
        registration=Event.Registration.LINK,
        registration_contact="https://billetterie.example.org/couture",
        accessible_hearing=True,
        accessible_motor=True,
        age_min=8,
        age_max=14,
        attendance_mode=Event.AttendanceMode.MIXED,
        online_url="https://visio.example.org/couture",
        image_credit="Photo : Atelier Bleu",
        dates=[(start, end), later],
    )
    agenda.reschedule(event.timings.last(), by=w.mara, start=later[0], end=later[1])
    event.refresh_from_db()

    response = client.get("/agenda/lieux/site-a/openagenda.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["total"] == 1
    (item,) = data["events"]
    assert item["slug"] == event.slug
    assert item["extIds"] == [{"key": "interstices", "value": str(event.pk)}]
    assert item["title"] == {"fr": "Atelier couture"}
    assert item["description"] == {"fr": "Apprenez à coudre."}
    assert item["longDescription"] == {"fr": "Un long texte sur la couture."}
    assert item["conditions"] == {"fr": "Tarif : 5,00 €"}
    assert item["keywords"] == {"fr": ["Atelier", "couture", "textile"]}
    assert item["image"] is None
    assert item["imageCredits"] == "Photo : Atelier Bleu"
    assert item["registration"] == [
        {"type": "link", "value": "https://billetterie.example.org/couture"}
    ]
    assert item["accessibility"] == {"hi": True, "vi": False, "pi": False, "mi": True, "ii": False}
    assert item["timings"] == [
        {"begin": "2027-10-30T10:00:00+02:00", "end": "2027-10-30T12:00:00+02:00"},
        {"begin": "2027-11-06T10:00:00+01:00", "end": "2027-11-06T12:00:00+01:00"},
    ]
    assert item["timezone"] == "Europe/Paris"
    assert item["age"] == {"min": 8, "max": 14}
    assert item["attendanceMode"] == 3
    assert item["onlineAccessLink"] == "https://visio.example.org/couture"
    assert item["status"] == 2  # rescheduled
    assert item["state"] == 2  # published
    assert item["location"] == {
        "name": "Site A",
        "address": "12 rue des Ateliers, 92600 Asnières-sur-Seine",
        "city": "Asnières-sur-Seine",
        "postalCode": "92600",
        "countryCode": "FR",
        "latitude": 48.914,
        "longitude": 2.285,
        "timezone": "Europe/Paris",
    }
    assert item["links"] == [{"link": f"{SITE_URL}/agenda/{event.slug}/"}]
    assert datetime.fromisoformat(item["updatedAt"]) == event.updated_at
    assert datetime.fromisoformat(item["createdAt"]) == event.created_at


@pytest.mark.parametrize(
    ("state", "code"),
    [
        (Event.State.SCHEDULED, 1),
        (Event.State.MOVED_ONLINE, 3),
        (Event.State.FULL, 5),
        (Event.State.CANCELLED, 6),
    ],
)
def test_openagenda_status_codes_follow_the_event_s_state(client, booking_world, state, code):
    event = make_event(booking_world, title="Repair café")
    Event.objects.filter(pk=event.pk).update(state=state)
    (item,) = client.get("/agenda/lieux/site-a/openagenda.json").json()["events"]
    assert item["status"] == code


def test_openagenda_defaults_for_a_plain_free_event(client, booking_world):
    event = make_event(
        booking_world,
        title="Portes ouvertes",
        kind=Event.Kind.OPEN_DAY,
        registration=Event.Registration.PLATFORM,
    )
    (item,) = client.get("/agenda/lieux/site-a/openagenda.json").json()["events"]
    assert item["description"] == {"fr": "Portes ouvertes"}  # no summary: the title
    assert item["conditions"] == {"fr": "Gratuit"}
    assert item["registration"] == [{"type": "link", "value": f"{SITE_URL}/agenda/{event.slug}/"}]
    assert item["age"] is None and item["onlineAccessLink"] is None
    assert item["attendanceMode"] == 1 and item["status"] == 1


def test_openagenda_texts_stay_french_on_english_pages(client, booking_world):
    make_event(booking_world, title="Repair café", kind=Event.Kind.REPAIR_CAFE)
    client.cookies["django_language"] = "en"
    (item,) = client.get("/agenda/lieux/site-a/openagenda.json").json()["events"]
    assert item["conditions"] == {"fr": "Gratuit"}
    assert item["keywords"] == {"fr": ["Repair café"]}


def test_the_openagenda_export_holds_the_site_s_public_events_of_the_window_only(
    client, booking_world
):
    w = booking_world
    make_event(w, title="À venir", dates=[local_slot(4, 10)])
    make_event(w, title="Récent", dates=[local_slot(-5, 10)])
    make_event(w, title="Ancien", dates=[local_slot(-45, 10)])
    make_event(w, title="Brouillon", publish=False)
    make_event(w, title="Interne", visibility=Event.Visibility.INTERNAL)
    make_event(w, title="Ailleurs", site=w.site_b)

    data = client.get("/agenda/lieux/site-a/openagenda.json").json()

    assert [item["title"]["fr"] for item in data["events"]] == ["Récent", "À venir"]
    assert data["total"] == 2


def test_the_export_command_writes_the_site_s_events_to_a_file(booking_world, tmp_path):
    make_event(booking_world, title="Repair café")
    output = tmp_path / "site-a.json"
    call_command("export_openagenda", "site-a", output=str(output))
    data = json.loads(output.read_text(encoding="utf-8"))
    assert [item["title"]["fr"] for item in data["events"]] == ["Repair café"]


def test_the_export_command_refuses_an_unknown_site(booking_world):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="nulle-part"):
        call_command("export_openagenda", "nulle-part")


# --- Subscribe links -----------------------------------------------------------------------------


def test_the_subscribe_block_links_the_site_and_whole_agenda_feeds_in_webcal_and_https(
    booking_world,
):
    html = render_to_string("events/agenda/_subscribe.html", {"site": booking_world.site_a})
    for path in ("/agenda/lieux/site-a/agenda.ics", "/agenda/agenda.ics"):
        assert f'href="webcal://interstices.example.org{path}"' in html
        assert f'href="{SITE_URL}{path}"' in html
    assert f'href="{SITE_URL}/agenda/lieux/site-a/openagenda.json"' in html
    assert ">S'abonner à l'agenda de Site A</a>" in html
    assert ">S'abonner à tout l'agenda des lieux</a>" in html


def test_without_a_site_the_subscribe_block_offers_the_whole_agenda_only(db):
    html = render_to_string("events/agenda/_subscribe.html", {})
    assert 'href="webcal://interstices.example.org/agenda/agenda.ics"' in html
    assert "/lieux/" not in html


def test_absolute_event_addresses_come_from_site_url(booking_world):
    event = make_event(booking_world, title="Repair café")
    assert ical.event_url(event) == f"{SITE_URL}/agenda/{event.slug}/"


def test_an_online_event_gives_its_link_as_location_and_in_its_description(client, booking_world):
    event = make_event(
        booking_world,
        title="Conférence en ligne",
        summary="Une heure sur l'urbanisme transitoire.",
        attendance_mode=Event.AttendanceMode.ONLINE,
        online_url="https://visio.example.org/conference",
    )
    (vevent,) = vevents(parse(client.get(f"/agenda/{event.slug}/evenement.ics")))
    assert str(vevent["LOCATION"]) == "https://visio.example.org/conference"
    assert str(vevent["DESCRIPTION"]) == (
        "Une heure sur l'urbanisme transitoire.\n\n"
        "En ligne : https://visio.example.org/conference\n\n"
        f"{SITE_URL}/agenda/{event.slug}/"
    )


def test_calendar_apps_may_ask_with_head_but_not_post(client, booking_world):
    make_event(booking_world, title="Repair café")
    assert client.head("/agenda/agenda.ics").status_code == 200
    assert client.post("/agenda/agenda.ics").status_code == 405
