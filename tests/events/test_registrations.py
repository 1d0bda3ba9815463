"""Registrations to an event on the platform: capacity, waiting list and its promotion, the cancel
link, the organiser's list and exports, attendance, and the erasure of personal data."""

from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.agenda import registrations as service
from events.agenda.registration_emails import cancel_url
from events.models import Attendance, Event, Public, Registration
from tests.core.honeypot_support import assert_hidden_from_people
from tests.events.registration_support import open_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(booking_world):
    return booking_world


def register(event, n: int, places: int = 1, **kwargs):
    return service.register(
        event, name=f"Personne {n}", email=f"p{n}@example.org", places=places, **kwargs
    )


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name: str, **kwargs) -> str:
    return reverse(f"agenda_registrations:{name}", kwargs=kwargs)


# --- The service --------------------------------------------------------------------------


def test_registrations_are_confirmed_until_the_capacity_then_waitlisted(w):
    event = open_event(w, capacity=5)
    first = [register(event, n, places=2) for n in range(2)]
    assert [r.status for r in first] == ["confirmee", "confirmee"]
    assert service.places_left(event) == 1
    too_many = register(event, 2, places=2)
    assert too_many.status == Registration.Status.WAITLISTED
    # Someone smaller does not jump the queue while someone waits.
    after = register(event, 3, places=1)
    assert after.status == Registration.Status.WAITLISTED
    assert Registration.objects.overbooked_events() == []


def test_a_full_event_is_marked_full_and_back_to_scheduled_when_a_place_frees(w):
    event = open_event(w, capacity=2)
    register(event, 1)
    assert Event.objects.get(pk=event.pk).state == Event.State.SCHEDULED
    second = register(event, 2)
    assert Event.objects.get(pk=event.pk).state == Event.State.FULL
    service.cancel(second.token)
    assert Event.objects.get(pk=event.pk).state == Event.State.SCHEDULED


def test_more_places_than_the_whole_capacity_are_refused_rather_than_waiting_forever(w):
    event = open_event(w, capacity=3)
    with pytest.raises(ValidationError) as error:
        register(event, 1, places=4)
    assert error.value.message_dict["places"] == ["Cet événement accueille 3 personnes au plus."]
    assert not Registration.objects.exists()


def test_an_event_without_capacity_confirms_everyone(w):
    event = open_event(w, capacity=None)
    assert all(register(event, n, places=10).status == "confirmee" for n in range(5))
    assert service.places_left(event) is None


def test_cancelling_promotes_the_waiting_list_in_order_while_it_fits_and_mails_them(
    w, django_capture_on_commit_callbacks
):
    event = open_event(w, capacity=4)
    confirmed = register(event, 1, places=4)
    waiting = [register(event, n, places=p) for n, p in ((2, 2), (3, 2), (4, 1))]
    assert {r.status for r in waiting} == {"attente"}
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        service.cancel(confirmed.token)
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "p1@example.org": "annulee",
        "p2@example.org": "confirmee",
        "p3@example.org": "confirmee",
        "p4@example.org": "attente",
    }
    assert Registration.objects.get(email="p2@example.org").promoted_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == ["p2@example.org", "p3@example.org"]
    promoted = mail.outbox[0]
    assert "Une place s'est libérée" in promoted.subject
    assert "/agenda/inscription/" in promoted.body and "/annuler/" in promoted.body


def test_a_bigger_waiting_registration_is_not_overtaken_by_smaller_ones(w):
    event = open_event(w, capacity=3)
    small, big = register(event, 0, places=1), register(event, 1, places=2)
    register(event, 2, places=3)  # waits
    register(event, 3, places=1)  # waits behind it
    service.cancel(small.token)  # one place frees: the 3-place registration comes first
    assert dict(Registration.objects.values_list("email", "status"))["p3@example.org"] == "attente"
    service.cancel(big.token)  # three places: the first in line fits, the next does not
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert (statuses["p2@example.org"], statuses["p3@example.org"]) == ("confirmee", "attente")
    assert Registration.objects.overbooked_events() == []


def test_the_confirmation_mail_carries_an_absolute_cancel_link(
    w, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://interstices.example"
    event = open_event(w, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, 1)
        waiting = register(event, 2)
    confirmation, notice = mail.outbox[-2:]
    assert confirmation.subject == "Inscription confirmée : Atelier vélo"
    assert f"https://interstices.example/agenda/inscription/{registration.token}/annuler/" in (
        confirmation.body
    )
    assert notice.to == ["p2@example.org"] and "liste d'attente" in notice.body
    assert cancel_url(waiting) in notice.body


def test_nothing_is_mailed_when_the_registration_rolls_back(w, django_capture_on_commit_callbacks):
    event = open_event(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        register(event, 1, places=11)
    assert mail.outbox == []


def test_the_same_email_twice_is_refused_in_french_whatever_its_case(w):
    event = open_event(w)
    register(event, 1)
    with pytest.raises(ValidationError) as error:
        service.register(event, name="Autre", email="P1@Example.org", places=1)
    assert "déjà inscrite à cet événement" in error.value.message_dict["email"][0]
    assert Registration.objects.count() == 1


def test_after_cancelling_the_same_email_may_register_again(w):
    event = open_event(w)
    service.cancel(register(event, 1).token)
    assert register(event, 1).status == "confirmee"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"registration": Event.Registration.NONE}, "ne prend pas d'inscription"),
        (
            {"registration": Event.Registration.LINK, "registration_contact": "https://x.org"},
            "ne prend pas d'inscription",
        ),
    ],
)
def test_registration_is_closed_for_events_not_registering_on_the_platform(w, change, message):
    event = open_event(w)
    Event.objects.filter(pk=event.pk).update(**change)
    event.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        register(event, 1)


def test_registration_is_closed_once_the_event_has_started(w):
    event = open_event(w, days=1)
    later = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError, match="a commencé"):
        register(event, 1, now=later)
    assert not Registration.objects.exists()


def test_registration_is_closed_for_drafts_and_cancelled_events(w):
    event = open_event(w)
    Event.objects.filter(pk=event.pk).update(moderation=Event.Moderation.DRAFT)
    with pytest.raises(ValidationError, match="pas encore publié"):
        register(Event.objects.get(pk=event.pk), 1)
    Event.objects.filter(pk=event.pk).update(
        moderation=Event.Moderation.PUBLISHED, state=Event.State.CANCELLED
    )
    with pytest.raises(ValidationError, match="annulé"):
        register(Event.objects.get(pk=event.pk), 1)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": " ", "email": "a@example.org", "places": 1}, "name"),
        ({"name": "A", "email": "pas-une-adresse", "places": 1}, "email"),
        ({"name": "A", "email": "a@example.org", "places": 0}, "places"),
        ({"name": "A", "email": "a@example.org", "places": 11}, "places"),
        ({"name": "A", "email": "a@example.org", "places": 1, "public": "martiens"}, "public"),
    ],
)
def test_invalid_fields_are_refused_field_by_field(w, fields, field):
    event = open_event(w)
    with pytest.raises(ValidationError) as error:
        service.register(event, **fields)
    assert field in error.value.message_dict
    assert not Registration.objects.exists()


# --- The pages ----------------------------------------------------------------------------


def test_the_registration_page_shows_places_left_and_registers(client, w):
    event = open_event(w, capacity=3)
    register(event, 1)
    page = client.get(url("register", slug=event.slug))
    assert page.status_code == 200
    assert "2 places restantes" in text(page)
    response = client.post(
        url("register", slug=event.slug),
        {"name": "Zoé", "email": "zoe@example.org", "places": "2", "public": Public.FAMILIES},
    )
    assert response.status_code == 200
    assert "Inscription confirmée" in text(response)
    zoe = Registration.objects.get(email="zoe@example.org")
    assert (zoe.places, zoe.public, zoe.status) == (2, "familles", "confirmee")


def test_the_success_page_says_when_the_registration_waits(client, w):
    event = open_event(w, capacity=1)
    register(event, 1)
    assert "Complet — liste d'attente" in text(client.get(url("register", slug=event.slug)))
    response = client.post(
        url("register", slug=event.slug), {"name": "Zoé", "email": "zoe@example.org", "places": 1}
    )
    assert "Inscription sur la liste d'attente" in text(response)


def test_a_duplicate_email_on_the_page_shows_the_error_summary(client, w):
    event = open_event(w)
    register(event, 1)
    response = client.post(
        url("register", slug=event.slug), {"name": "X", "email": "p1@example.org", "places": 1}
    )
    body = text(response)
    assert response.status_code == 200
    assert "error-summary" in body and "déjà inscrite à cet événement" in body
    assert Registration.objects.count() == 1


def test_a_sixth_registration_from_one_address_is_refused_in_french_and_creates_nothing(
    client, w, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_THROTTLE_PER_ADDRESS = 5
    events = [open_event(w, title=f"Atelier {n}") for n in range(6)]
    mail.outbox.clear()
    for n, event in enumerate(events):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("register", slug=event.slug),
                {
                    "name": "Zoé",
                    "email": "zoe@example.org" if n % 2 else "ZOE@example.org",
                    "places": 1,
                },
                REMOTE_ADDR=f"192.0.2.{n}",
            )
    assert response.status_code == 429
    assert "error-summary" in text(response) and "réessayez dans une heure" in text(response)
    assert Registration.objects.count() == 5
    assert not Registration.objects.filter(event=events[-1]).exists()
    assert len(mail.outbox) == 5


def test_one_client_ip_is_capped_whatever_the_addresses(client, w, settings):
    settings.EMAIL_THROTTLE_PER_IP = 3
    event = open_event(w)
    answers = [
        client.post(
            url("register", slug=event.slug),
            {"name": f"P{n}", "email": f"p{n}@example.org", "places": 1},
            REMOTE_ADDR="192.0.2.7",
        ).status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    assert Registration.objects.count() == 3
    other = client.post(
        url("register", slug=event.slug),
        {"name": "Autre", "email": "autre@example.org", "places": 1},
        REMOTE_ADDR="192.0.2.8",
    )
    assert other.status_code == 200 and Registration.objects.count() == 4


def test_a_filled_in_robot_trap_registers_nobody_and_sends_nothing(
    client, w, django_capture_on_commit_callbacks
):
    event = open_event(w)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("register", slug=event.slug),
            {"name": "Zoé", "email": "zoe@example.org", "places": 1, "website": "spam"},
        )
    body = text(response)
    assert response.status_code == 200
    assert "error-summary" in body and "Votre envoi n'a pas pu être enregistré" in body
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_registration_with_the_trap_left_empty_is_made_as_usual(client, w):
    event = open_event(w)
    response = client.post(
        url("register", slug=event.slug),
        {"name": "Zoé", "email": "zoe@example.org", "places": 1, "website": ""},
    )
    assert "Inscription confirmée" in text(response)
    assert Registration.objects.get().email == "zoe@example.org"


def test_the_registration_trap_is_out_of_the_tab_order_and_hidden_from_screen_readers(client, w):
    event = open_event(w)
    assert_hidden_from_people(text(client.get(url("register", slug=event.slug))))


def test_the_page_of_an_event_not_open_says_why_and_has_no_form(client, w):
    event = open_event(w, registration=Event.Registration.EMAIL, registration_contact="a@b.org")
    response = client.get(url("register", slug=event.slug))
    body = text(response)
    assert response.status_code == 200
    assert "ne prend pas d'inscription" in body and '<form method="post"' not in body
    post = client.post(url("register", slug=event.slug), {"name": "X", "email": "x@y.org"})
    assert post.status_code == 200 and not Registration.objects.exists()


def test_a_draft_event_is_not_found_by_the_public(client, w):
    event = open_event(w)
    Event.objects.filter(pk=event.pk).update(moderation=Event.Moderation.DRAFT)
    assert client.get(url("register", slug=event.slug)).status_code == 404


def test_the_cancel_link_asks_first_then_cancels_on_post(client, w):
    event = open_event(w)
    registration = register(event, 1)
    page = client.get(url("cancel", token=registration.token))
    assert page.status_code == 200
    assert "Oui, annuler mon inscription" in text(page)
    registration.refresh_from_db()
    assert registration.status == "confirmee"  # GET changes nothing
    done = client.post(url("cancel", token=registration.token))
    assert done.status_code == 200 and "Inscription annulée" in text(done)
    registration.refresh_from_db()
    assert registration.status == "annulee" and registration.cancelled_at is not None
    again = client.post(url("cancel", token=registration.token))
    assert "déjà annulée" in text(again)


@pytest.mark.parametrize("token", ["x", "a" * 43, "0" * 300])
def test_an_unknown_or_tampered_cancel_token_is_not_found(client, w, token):
    event = open_event(w)
    registration = register(event, 1)
    assert client.get(url("cancel", token=token)).status_code == 404
    assert client.post(url("cancel", token=token)).status_code == 404
    tampered = registration.token[:-1] + ("A" if registration.token[-1] != "A" else "B")
    assert client.post(url("cancel", token=tampered)).status_code == 404
    registration.refresh_from_db()
    assert registration.status == "confirmee"


def test_the_cancel_link_of_a_started_event_explains_and_changes_nothing(client, w):
    event = open_event(w, days=-1, capacity=5)
    registration = Registration.objects.create(event=event, name="A", email="a@example.org")
    response = client.post(url("cancel", token=registration.token))
    assert response.status_code == 200
    assert "ne peut plus être annulée" in text(response)
    registration.refresh_from_db()
    assert registration.status == "confirmee"


# --- The organiser's list and its exports ------------------------------------------------


@pytest.fixture
def listed(w):
    event = open_event(w, capacity=2)
    register(event, 1, places=2, public=Public.SENIORS)
    service.register(event, name="=HYPERLINK(1)", email="q@example.org", places=1)
    return event


@pytest.mark.parametrize("who", ["bob", "bea", "mara", "alice", "olga"])
def test_the_organisers_and_the_managers_see_the_registrants(client, w, listed, who):
    client.force_login(getattr(w, who))
    response = client.get(url("registrants", slug=listed.slug))
    assert response.status_code == 200
    body = text(response)
    assert "p1@example.org" in body and "q@example.org" in body


@pytest.mark.parametrize("who", ["carl", "dan", "mike", "uma", "oscar"])
def test_another_structure_or_another_sites_manager_gets_404(client, w, listed, who):
    client.force_login(getattr(w, who))
    assert client.get(url("registrants", slug=listed.slug)).status_code == 404
    assert client.get(url("registrants", slug=listed.slug) + "?export=csv").status_code == 404
    assert client.get(url("attendance", slug=listed.slug)).status_code == 404


def test_the_csv_export_lists_every_registration_with_formulas_neutralised(client, w, listed):
    client.force_login(w.bob)
    response = client.get(url("registrants", slug=listed.slug) + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:5] == ["Nom", "E-mail", "Places", "Public", "Statut"]
    assert rows[1][:5] == ["Personne 1", "p1@example.org", "2", "Seniors", "Confirmée"]
    assert rows[2][:5] == ["'=HYPERLINK(1)", "q@example.org", "1", "", "Liste d'attente"]


def test_the_xlsx_export_holds_the_same_rows_with_numbers_as_numbers(client, w, listed):
    client.force_login(w.mara)
    response = client.get(url("registrants", slug=listed.slug) + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["Nom", "E-mail", "Places"]
    assert rows[1][:5] == ["Personne 1", "p1@example.org", 2, "Seniors", "Confirmée"]
    assert rows[2][0] == "'=HYPERLINK(1)" and len(rows) == 3


def test_an_unknown_export_format_is_not_found(client, w, listed):
    client.force_login(w.bob)
    assert client.get(url("registrants", slug=listed.slug) + "?export=pdf").status_code == 404


def test_the_list_reads_a_constant_number_of_queries(client, w, django_assert_max_num_queries):
    event = open_event(w, capacity=None)
    client.force_login(w.bob)
    register(event, 0)
    with django_assert_max_num_queries(12) as few:
        client.get(url("registrants", slug=event.slug))
    for n in range(1, 30):
        register(event, n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("registrants", slug=event.slug))


# --- Attendance ---------------------------------------------------------------------------


def test_attendance_is_recorded_after_the_event_with_counts_by_public(client, w):
    event = open_event(w, days=-2)
    client.force_login(w.bob)
    response = client.post(
        url("attendance", slug=event.slug),
        {"total": "30", "public_enfants": "12", "public_seniors": "5", "public_familles": ""},
    )
    assert response.status_code == 302
    attendance = Attendance.objects.get(event=event)
    assert attendance.total == 30 and attendance.recorded_by == w.bob
    assert dict(attendance.counts.values_list("public", "count")) == {"enfants": 12, "seniors": 5}
    # Recorded again, by a manager: replaced, not added.
    client.force_login(w.mara)
    client.post(url("attendance", slug=event.slug), {"total": "25", "public_enfants": "10"})
    attendance = Attendance.objects.get(event=event)
    assert attendance.total == 25
    assert dict(attendance.counts.values_list("public", "count")) == {"enfants": 10}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"total": "10", "public_enfants": "8", "public_seniors": "3"}, "dépasse le total"),
        ({"total": "-1"}, "supérieure ou égale à 0"),
        ({"total": "abc"}, "nombre entier"),
        ({"total": "10", "public_enfants": "-2"}, "supérieure ou égale à 0"),
        ({}, "obligatoire"),
    ],
)
def test_bad_attendance_is_refused_and_changes_nothing(client, w, data, message):
    event = open_event(w, days=-2)
    client.force_login(w.bob)
    client.post(url("attendance", slug=event.slug), {"total": "5", "public_enfants": "5"})
    response = client.post(url("attendance", slug=event.slug), data)
    assert response.status_code == 200
    body = text(response)
    assert "error-summary" in body and message in body
    attendance = Attendance.objects.get(event=event)
    assert attendance.total == 5
    assert dict(attendance.counts.values_list("public", "count")) == {"enfants": 5}


def test_attendance_cannot_be_recorded_before_the_end(client, w):
    event = open_event(w)
    client.force_login(w.bob)
    response = client.post(url("attendance", slug=event.slug), {"total": "5"})
    assert response.status_code == 200
    assert "après la fin de l'événement" in text(response)
    assert not Attendance.objects.exists()
    with pytest.raises(ValidationError):
        service.record_attendance(event, by=w.bob, total=5)


# --- Personal data ------------------------------------------------------------------------


def test_erasing_a_person_erases_their_registrations_with_or_without_an_account(w):
    event = open_event(w)
    register(event, 1, places=3)
    other = register(event, 2)
    out = io.StringIO()
    call_command("erase_person", "P1@example.org", stdout=out)
    assert "event registrations anonymised: 1" in out.getvalue()
    erased = Registration.objects.get(places=3)
    assert (erased.name, erased.email, erased.status) == ("", "", "confirmee")
    assert erased.anonymised_at is not None
    other.refresh_from_db()
    assert other.email == "p2@example.org"
    # A person with an account: found by their address as well.
    UserFactory(email="p2@example.org", full_name="Personne 2")
    call_command("erase_person", "p2@example.org", stdout=io.StringIO())
    other.refresh_from_db()
    assert (other.name, other.email) == ("", "")
    assert service.places_taken(event) == 4  # the counts stay


def test_retention_erases_names_and_emails_of_old_events_only_keeping_counts(w, settings):
    settings.REGISTRATION_RETENTION_DAYS = 90
    old = open_event(w, days=-100, title="Ancien")
    recent = open_event(w, days=-10, title="Récent")
    for event in (old, recent):
        Registration.objects.create(
            event=event, name="Ana", email="ana@example.org", places=2, public="seniors"
        )
    dry = io.StringIO()
    call_command("purge_registrations", "--dry-run", stdout=dry)
    assert "1 registration(s) would be anonymised" in dry.getvalue()
    assert Registration.objects.filter(email="ana@example.org").count() == 2
    call_command("purge_registrations", stdout=io.StringIO())
    kept = Registration.objects.get(event=old)
    assert (kept.name, kept.email, kept.places, kept.public) == ("", "", 2, "seniors")
    assert Registration.objects.get(event=recent).email == "ana@example.org"
    assert "0 registration(s) anonymised" in _run_purge()


def _run_purge() -> str:
    out = io.StringIO()
    call_command("purge_registrations", stdout=out)
    return out.getvalue()


def test_erased_registrations_no_longer_open_their_cancel_link(client, w):
    event = open_event(w)
    registration = register(event, 1)
    call_command("erase_person", "p1@example.org", stdout=io.StringIO())
    assert client.get(url("cancel", token=registration.token)).status_code == 404


# --- The block on the event page ----------------------------------------------------------


def test_the_register_block_shows_places_or_full_or_the_outside_contact(w):
    from django.template.loader import render_to_string

    event = open_event(w, capacity=1)
    html = render_to_string("events/agenda/_register_block.html", {"event": event})
    assert "1 place restante" in html and url("register", slug=event.slug) in html
    register(event, 1)
    html = render_to_string("events/agenda/_register_block.html", {"event": event})
    assert "Complet — liste d'attente" in html
    phone = open_event(
        w,
        title="Par téléphone",
        registration=Event.Registration.PHONE,
        registration_contact="01 23 45 67 89",
    )
    html = render_to_string("events/agenda/_register_block.html", {"event": phone})
    assert 'href="tel:0123456789"' in html and "01 23 45 67 89" in html
