"""Occupants' booking pages: grids, the booking form, series, cancel, .ics, access."""

import uuid
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Booking, BookingRules, BookingSeries
from occupants.models import Occupancy
from sites.models import Space
from tests.events.factories import BookingFactory, local_slot

pytestmark = pytest.mark.django_db


def form_data(world, start, *, minutes=60, structure=None, **extra):
    local = timezone.localtime(start)
    data = {
        "structure": (structure or world.bleu).pk,
        "day": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration": minutes,
        "purpose": "Réunion de bureau",
        "people": 4,
        "repeat": "",
        "interval": 1,
        "until": "",
        "count": "",
        "request_key": str(uuid.uuid4()),
    }
    data.update(extra)
    return data


def book_url(room):
    return reverse("events:book", args=[room.pk])


# --- Pages render ---------------------------------------------------------------------------


def test_week_view_shows_free_booked_and_closed_slots(client, booking_world):
    w = booking_world
    start, end = local_slot(1, 10)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end, purpose="Secret")
    client.force_login(w.bob)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]),
        {"du": start.date().isoformat()},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Collectif Vert" in html  # who holds it: shown to the site's occupants
    assert "Secret" not in html  # what for: only to that structure
    assert "Libre" in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert f"?debut={(start + timedelta(hours=2)).astimezone().strftime('%Y-%m-%dT%H')}" in html


class _GridShape(HTMLParser):
    """The body rows of a page's slot grid: each row's cells as (text, rowspan)."""

    def __init__(self):
        super().__init__()
        self.rows, self.cell, self.in_body = [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append([])
        elif self.in_body and tag in ("td", "th"):
            self.cell = ["", int(dict(attrs).get("rowspan") or 1)]

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False
        elif self.in_body and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append((self.cell[0].strip(), self.cell[1]))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[0] += data


def grid_rows(html):
    parser = _GridShape()
    parser.feed(html)
    return parser.rows


def test_a_booking_is_one_cell_spanning_its_rows(client, booking_world):
    w = booking_world
    start, end = local_slot(1, 10, minutes=90)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    client.force_login(w.bob)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]),
        {"du": start.date().isoformat()},
    )
    rows = grid_rows(response.content.decode())
    # Every row covers the hour column and the seven days, counting the rows a cell spans.
    covered = [0] * len(rows)
    for index, row in enumerate(rows):
        for _text, span in row:
            for below in range(index, index + span):
                covered[below] += 1
    assert covered == [8] * len(rows)
    spanning = [cell for row in rows for cell in row if cell[1] > 1]
    assert len(spanning) == 1
    text, span = spanning[0]
    assert span == 3  # 10:00, 10:30 and 11:00
    assert "Collectif Vert" in text and "10:00–11:30" in text


def test_member_sees_own_structure_purpose_in_week_view(client, booking_world):
    w = booking_world
    start, end = local_slot(1, 10)
    BookingFactory(space=w.salle_jaune, structure=w.bleu, start=start, end=end, purpose="Secret")
    client.force_login(w.bea)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]), {"du": start.date().isoformat()}
    )
    assert "Secret" in response.content.decode()


def test_week_rows_seen_again_show_what_changed_in_between(client, booking_world):
    """The rows' HTML is cached under what they show: the same week seen again after a
    booking, a renamed holder or a cancellation shows the change at once."""
    w = booking_world
    start, end = local_slot(1, 10)
    url = reverse("events:space_week", args=[w.salle_jaune.pk])
    week = {"du": start.date().isoformat()}
    client.force_login(w.bob)
    assert "Collectif Vert" not in client.get(url, week).content.decode()
    booking = BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    assert "Collectif Vert" in client.get(url, week).content.decode()
    w.vert.name = "Collectif Vert Pomme"
    w.vert.save()
    assert "Collectif Vert Pomme" in client.get(url, week).content.decode()
    booking.status = Booking.Status.CANCELLED
    booking.save()
    assert "Collectif Vert" not in client.get(url, week).content.decode()


def test_week_rows_seen_by_a_member_keep_the_purpose_from_another_occupant(client, booking_world):
    w = booking_world
    start, end = local_slot(1, 10)
    BookingFactory(space=w.salle_jaune, structure=w.bleu, start=start, end=end, purpose="Secret")
    url = reverse("events:space_week", args=[w.salle_jaune.pk])
    week = {"du": start.date().isoformat()}
    client.force_login(w.bea)
    mine = client.get(url, week).content.decode()
    assert "Secret" in mine and "Vous" in mine
    client.force_login(w.carl)
    theirs = client.get(url, week).content.decode()
    assert "Atelier Bleu" in theirs
    assert "Secret" not in theirs and "Vous" not in theirs


def test_week_rows_follow_the_language(client, booking_world):
    w = booking_world
    url = reverse("events:space_week", args=[w.salle_jaune.pk])
    client.force_login(w.bob)
    assert "Libre — réserver Salle Jaune" in client.get(url).content.decode()
    english = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "Libre — réserver" not in english and "Salle Jaune" in english


@pytest.mark.parametrize(("who", "sees_purpose"), [("bob", False), ("carl", True), ("mara", True)])
def test_day_view_names_the_holder_to_all_and_the_purpose_to_its_structure(
    client, booking_world, who, sees_purpose
):
    w = booking_world
    start, end = local_slot(1, 10)
    BookingFactory(space=w.salle_verte, structure=w.vert, start=start, end=end, purpose="Secret")
    client.force_login(getattr(w, who))
    response = client.get(
        reverse("events:site_day", args=[w.site_a.slug]), {"date": start.date().isoformat()}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Collectif Vert" in html  # occupants of the site and its managers see who holds it
    assert ("Secret" in html) is sees_purpose  # its members and the managers see what for


def test_day_view_lists_every_bookable_room_of_the_site(client, booking_world):
    w = booking_world
    client.force_login(w.carl)
    response = client.get(reverse("events:site_day", args=[w.site_a.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Salle Jaune" in html and "Salle Verte" in html
    assert "Salle du Sud" not in html


def test_htmx_request_gets_only_the_grid(client, booking_world):
    w = booking_world
    client.force_login(w.bob)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_htmx_slot_selection_gets_only_the_prefilled_form(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    response = client.get(
        book_url(w.salle_jaune),
        {"debut": timezone.localtime(start).strftime("%Y-%m-%dT%H:%M")},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "<html" not in html and "<form" in html
    assert 'value="14:00"' in html
    assert 'name="request_key"' in html


def test_invalid_dates_in_the_url_fall_back_to_today(client, booking_world):
    w = booking_world
    client.force_login(w.bob)
    for value in ["pas-une-date", "2026-02-31", "9999-01-01", "-1"]:
        response = client.get(reverse("events:space_week", args=[w.salle_jaune.pk]), {"du": value})
        assert response.status_code == 200
        response = client.get(reverse("events:site_day", args=[w.site_a.slug]), {"date": value})
        assert response.status_code == 200
    response = client.get(book_url(w.salle_jaune), {"debut": "n'importe quoi"})
    assert response.status_code == 200


def test_index_lists_the_sites_the_user_occupies(client, booking_world):
    w = booking_world
    client.force_login(w.dan)
    html = client.get(reverse("events:index")).content.decode()
    assert "Salle du Sud" in html and "Salle Jaune" not in html


def test_header_links_to_booking_for_logged_in_users(client, booking_world):
    client.force_login(booking_world.bob)
    html = client.get(reverse("home")).content.decode()
    assert reverse("events:index") in html


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["uma", "dan", "mike", "oscar"])
def test_non_occupants_of_the_site_get_404(client, booking_world, who):
    w = booking_world
    client.force_login(getattr(w, who))
    urls = [
        reverse("events:space_week", args=[w.salle_jaune.pk]),
        reverse("events:site_day", args=[w.site_a.slug]),
        book_url(w.salle_jaune),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(book_url(w.salle_jaune), {}).status_code == 404
    assert not Booking.objects.exists()


def test_anonymous_is_sent_to_login(client, booking_world):
    w = booking_world
    for url in [
        reverse("events:index"),
        reverse("events:space_week", args=[w.salle_jaune.pk]),
        reverse("events:site_day", args=[w.site_a.slug]),
        reverse("events:find"),
        reverse("events:mine"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_manager_of_the_site_sees_grids_and_purposes_but_books_in_the_admin(client, booking_world):
    w = booking_world
    start, end = local_slot(1, 10)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end, purpose="Secret")
    client.force_login(w.mara)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]), {"du": start.date().isoformat()}
    )
    assert response.status_code == 200 and "Secret" in response.content.decode()
    response = client.get(book_url(w.salle_jaune))
    assert response.status_code == 200
    assert "administration" in response.content.decode()


def test_room_not_bookable_answers_404(client, booking_world):
    w = booking_world
    w.salle_jaune.is_bookable = False
    w.salle_jaune.save()
    client.force_login(w.bob)
    assert client.get(reverse("events:space_week", args=[w.salle_jaune.pk])).status_code == 404


def test_member_of_x_cannot_see_cancel_or_download_ys_booking(client, booking_world):
    w = booking_world
    start, end = local_slot(1, 10)
    theirs = BookingFactory(
        space=w.salle_jaune, structure=w.vert, booked_by=w.carl, start=start, end=end
    )
    client.force_login(w.bob)
    assert client.get(reverse("events:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("events:ics", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("events:cancel", args=[theirs.pk]), {"scope": "one"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED
    response = client.get(reverse("events:structure_bookings", args=[w.vert.slug]))
    assert response.status_code == 404
    assert "Réunion" not in client.get(reverse("events:mine")).content.decode()


# --- Booking --------------------------------------------------------------------------------


def test_member_books_a_free_slot(client, booking_world, mailoutbox):
    w = booking_world
    start, end = local_slot(2, 14)
    client.force_login(w.bob)
    response = client.post(book_url(w.salle_jaune), form_data(w, start))
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("events:detail", args=[booking.pk])
    assert (booking.start, booking.end) == (start, end)
    assert booking.structure == w.bleu and booking.booked_by == w.bob
    detail = client.get(response["Location"]).content.decode()
    assert booking.reference in detail and "confirmée" in detail


def test_as_many_people_as_the_room_holds_is_accepted(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    response = client.post(book_url(w.salle_jaune), form_data(w, start, people=10))
    assert response.status_code == 302
    assert Booking.objects.get().people == 10


def test_double_submit_creates_one_booking(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    data = form_data(w, start)
    client.force_login(w.bob)
    first = client.post(book_url(w.salle_jaune), data)
    second = client.post(book_url(w.salle_jaune), data)
    assert Booking.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_taken_slot_gives_a_french_message_naming_it(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    client.force_login(w.bob)
    response = client.post(book_url(w.salle_jaune), form_data(w, start + timedelta(minutes=30)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "déjà réservé" in html and "14:00" in html and "15:00" in html
    assert 'role="alert"' in html
    assert Booking.objects.count() == 1


def test_back_to_back_bookings_both_succeed(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    client.force_login(w.bob)
    assert client.post(book_url(w.salle_jaune), form_data(w, start)).status_code == 302
    client.force_login(w.carl)
    data = form_data(w, end, structure=w.vert)
    assert client.post(book_url(w.salle_jaune), data).status_code == 302
    assert Booking.objects.active().count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duration": -60}, "La fin doit suivre le début"),
        ({"duration": 0}, "La fin doit suivre le début"),
        ({"duration": 10 * 365 * 24 * 60}, "durée maximale"),
        ({"start_time": "10:10"}, "Les créneaux commencent"),
        ({"people": 500}, "La salle accueille 10 personnes au plus"),
        ({"people": 0}, "supérieure ou égale à 1"),
        ({"day": "2020-01-06"}, "déjà passé"),
        ({"day": "pas-une-date"}, "Saisissez une date valide"),
        ({"repeat": "weekly", "count": 10_000}, "52 réservations au plus"),
        ({"repeat": "weekly"}, "date de fin ou un nombre"),
        ({"repeat": "weekly", "until": "2020-01-06"}, "La date de fin doit suivre la première"),
        ({"repeat": "chaque-jour", "count": 3}, "Choisissez une répétition dans la liste"),
        ({"interval": 1000, "repeat": "weekly", "count": 3}, "inférieure ou égale à 12"),
        ({"request_key": "pas-un-uuid"}, "UUID"),
    ],
)
def test_tampered_fields_give_clear_errors_and_save_nothing(client, booking_world, change, message):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    response = client.post(book_url(w.salle_jaune), form_data(w, start, **change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Booking.objects.exists() and not BookingSeries.objects.exists()


def test_structure_of_another_member_or_site_is_refused(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    for structure in (w.vert, w.sud):
        response = client.post(book_url(w.salle_jaune), form_data(w, start, structure=structure))
        assert response.status_code == 200
        assert "Choisissez une de vos structures" in response.content.decode()
    assert not Booking.objects.exists()


def test_space_of_another_site_answers_404_and_saves_nothing(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    assert client.post(book_url(w.salle_b), form_data(w, start)).status_code == 404
    assert (
        client.post(reverse("events:book", args=[999_999]), form_data(w, start)).status_code == 404
    )
    assert not Booking.objects.exists()


def test_slot_outside_opening_hours_is_refused(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 21)
    client.force_login(w.bob)
    response = client.post(book_url(w.salle_jaune), form_data(w, start))
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Booking.objects.exists()


# --- Series ---------------------------------------------------------------------------------


def test_weekly_series_previews_conflicts_then_skips_them(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    taken = BookingFactory(
        space=w.salle_jaune,
        structure=w.vert,
        start=start + timedelta(days=14),
        end=end + timedelta(days=14),
    )
    client.force_login(w.bob)
    data = form_data(w, start, repeat="weekly", count=4)
    preview = client.post(book_url(w.salle_jaune), data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "4 dates dans cette série" in html and "Conflit" in html
    assert Booking.objects.count() == 1  # the preview saves nothing

    response = client.post(book_url(w.salle_jaune), data | {"confirm": "1"})
    assert response.status_code == 302
    mine = Booking.objects.filter(structure=w.bleu).order_by("start")
    assert mine.count() == 3
    assert taken.start not in [b.start for b in mine]
    # Submitted twice: still one series, and the second submit lands where the first did.
    again = client.post(book_url(w.salle_jaune), data | {"confirm": "1"})
    assert (again.status_code, again["Location"]) == (302, response["Location"])
    assert BookingSeries.objects.count() == 1 and mine.count() == 3


def test_series_preview_refuses_the_dates_after_the_occupancy_ends(client, booking_world):
    """The occupancy ends on 16 December: of a weekly series from 8 December, the 22nd and the
    29th are shown refused, and confirming books the 8th and the 15th only."""
    w = booking_world
    today = timezone.localdate()
    year = today.year if today < date(today.year, 12, 8) else today.year + 1
    BookingRules.objects.create(site=w.site_a, horizon_days=400)
    Occupancy.objects.filter(structure=w.bleu, site=w.site_a).update(end=date(year, 12, 16))
    start = datetime(year, 12, 8, 10, tzinfo=ZoneInfo("Europe/Paris"))
    client.force_login(w.bob)
    data = form_data(w, start, repeat="weekly", count=4)
    html = client.post(book_url(w.salle_jaune), data).content.decode()
    assert "2 dates ne peuvent pas être réservées" in html
    assert html.count("n&#x27;occupe pas le lieu") == 2
    response = client.post(book_url(w.salle_jaune), data | {"confirm": "1"})
    assert response.status_code == 302
    days = [b.start.astimezone(ZoneInfo("Europe/Paris")).day for b in Booking.objects.all()]
    assert sorted(days) == [8, 15]


def test_preview_hidden_fields_round_trip(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    data = form_data(w, start, repeat="monthly", count=2)
    html = client.post(book_url(w.salle_jaune), data).content.decode()
    for name in ("day", "start_time", "duration", "structure", "repeat", "count", "request_key"):
        assert f'name="{name}"' in html


# --- Cancel, lists, .ics --------------------------------------------------------------------


def test_cancel_one_occurrence_or_the_rest_of_the_series(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    data = form_data(w, start, repeat="weekly", count=4, confirm="1")
    client.post(book_url(w.salle_jaune), data)
    _first, second, third, _fourth = Booking.objects.order_by("start")
    confirmation = client.get(reverse("events:cancel", args=[second.pk])).content.decode()
    assert "Celle-ci et les suivantes" in confirmation
    response = client.post(reverse("events:cancel", args=[second.pk]), {"scope": "one"})
    assert response.status_code == 302
    statuses = [b.status for b in Booking.objects.order_by("start")]
    assert statuses == ["confirmee", "annulee", "confirmee", "confirmee"]
    client.force_login(w.bea)  # another member of the structure may cancel too
    client.post(reverse("events:cancel", args=[third.pk]), {"scope": "rest"})
    statuses = [b.status for b in Booking.objects.order_by("start")]
    assert statuses == ["confirmee", "annulee", "annulee", "annulee"]


def test_cancel_with_a_tampered_scope_changes_nothing(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    booking = BookingFactory(
        space=w.salle_jaune, structure=w.bleu, booked_by=w.bob, start=start, end=end
    )
    client.force_login(w.bob)
    response = client.post(reverse("events:cancel", args=[booking.pk]), {"scope": "tout"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancelling_asks_for_confirmation_first_and_a_get_changes_nothing(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    booking = BookingFactory(
        space=w.salle_jaune, structure=w.bleu, booked_by=w.bob, start=start, end=end
    )
    client.force_login(w.bob)
    detail = client.get(reverse("events:detail", args=[booking.pk])).content.decode()
    cancel_url = reverse("events:cancel", args=[booking.pk])
    assert f'href="{cancel_url}"' in detail and f'action="{cancel_url}"' not in detail
    response = client.get(cancel_url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{cancel_url}"' in html and "Oui, annuler la réservation" in html
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    client.post(cancel_url, {"scope": "one"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_confirmation_of_a_booking_no_longer_cancellable_sends_back_to_it(
    client, booking_world
):
    w = booking_world
    start, end = local_slot(-2, 14)
    booking = BookingFactory(
        space=w.salle_jaune, structure=w.bleu, booked_by=w.bob, start=start, end=end
    )
    client.force_login(w.bob)
    response = client.get(reverse("events:cancel", args=[booking.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("events:detail", args=[booking.pk])
    assert "ne peut plus être annulée" in response.content.decode()


def test_a_range_picked_in_the_grid_gives_the_form_its_duration(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    local = timezone.localtime(start)
    response = client.get(
        book_url(w.salle_jaune),
        {
            "debut": local.strftime("%Y-%m-%dT%H:%M"),
            "fin": (local + timedelta(minutes=150)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    html = response.content.decode()
    assert 'value="14:00"' in html
    assert '<option value="150" selected>' in html
    for end in ("2026-13-01T10:00", "n'importe quoi", local.strftime("%Y-%m-%dT%H:%M")):
        response = client.get(
            book_url(w.salle_jaune), {"debut": local.strftime("%Y-%m-%dT%H:%M"), "fin": end}
        )
        assert response.status_code == 200
        assert '<option value="60" selected>' in response.content.decode()


def test_a_range_longer_than_the_rules_allow_is_shortened_with_a_note(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 8)
    client.force_login(w.bob)
    local = timezone.localtime(start)
    response = client.get(
        book_url(w.salle_jaune),
        {
            "debut": local.strftime("%Y-%m-%dT%H:%M"),
            "fin": (local + timedelta(hours=14)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    html = response.content.decode()
    assert "dépasse la durée maximale" in html


def test_week_cells_say_free_and_past_only_to_screen_readers(client, booking_world):
    w = booking_world
    client.force_login(w.bob)
    response = client.get(reverse("events:space_week", args=[w.salle_jaune.pk]))
    html = response.content.decode()
    assert '<span class="visually-hidden">Libre — réserver' in html
    assert 'data-end="' in html
    assert ">Libre<" not in html.replace('<span class="visually-hidden">Libre</span>', "")
    assert ">Passé<" not in html.replace('<span class="visually-hidden">Passé</span>', "")
    assert 'href="#booking-panel"' in html
    assert '<caption id="grid-caption" tabindex="-1">' in html


def test_my_bookings_lists_upcoming_and_past(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bea,
        start=start,
        end=end,
        purpose="À venir",
    )
    past_start, past_end = local_slot(-3, 9)
    BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        booked_by=w.bea,
        start=past_start,
        end=past_end,
        purpose="Passée",
    )
    BookingFactory(
        space=w.salle_jaune,
        structure=w.vert,
        start=start + timedelta(hours=2),
        end=end + timedelta(hours=2),
        purpose="Autre",
    )
    client.force_login(w.bob)
    mine = reverse("events:mine")
    html = client.get(mine).content.decode()
    # One list at a time, each tab with its count.
    assert "<td>À venir</td>" in html and "<td>Passée</td>" not in html and "Autre" not in html
    assert 'aria-current="page">À venir (1)</a>' in html and "Passées (1)</a>" in html
    assert "Annulées (0)</a>" in html
    html = client.get(mine, {"liste": "passees"}).content.decode()
    assert "<td>Passée</td>" in html and "<td>À venir</td>" not in html
    assert 'aria-current="page">Passées (1)</a>' in html
    bookings = reverse("events:structure_bookings", args=[w.bleu.slug])
    assert "<td>À venir</td>" in client.get(bookings).content.decode()
    assert "<td>Passée</td>" in client.get(bookings, {"liste": "passees"}).content.decode()


def test_my_bookings_list_cancelled_ones_apart_and_page_each_list(client, booking_world):
    w = booking_world
    coming = BookingFactory(space=w.salle_jaune, structure=w.bleu, start=local_slot(2, 10)[0])
    cancelled = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=local_slot(3, 10)[0],
        status=Booking.Status.CANCELLED,
    )
    for day in range(1, 28):
        BookingFactory(space=w.salle_verte, structure=w.bleu, start=local_slot(-day, 10)[0])
    client.force_login(w.bob)
    mine = reverse("events:mine")
    response = client.get(mine, {"liste": "annulees"})
    assert list(response.context["page"].object_list) == [cancelled]
    assert list(client.get(mine).context["page"].object_list) == [coming]
    response = client.get(mine, {"liste": "passees"})
    assert response.context["page"].paginator.count == 27
    html = response.content.decode()
    # The next page keeps the list.
    assert 'href="?liste=passees&amp;page=2"' in html
    response = client.get(mine, {"liste": "passees", "page": "2"})
    assert len(response.context["page"].object_list) == 2


def test_my_bookings_say_so_when_asked_for_a_list_that_does_not_exist(client, booking_world):
    w = booking_world
    coming = BookingFactory(space=w.salle_jaune, structure=w.bleu, start=local_slot(2, 10)[0])
    client.force_login(w.bob)
    response = client.get(reverse("events:mine"), {"liste": "<script>"})
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [coming]
    html = response.content.decode()
    assert "Liste de réservations inconnue : voici celles à venir." in html
    assert "<script>" not in html


def test_my_bookings_write_the_date_the_way_each_language_does(client, booking_world):
    w = booking_world
    start = datetime(2030, 3, 8, 10, tzinfo=ZoneInfo("Europe/Paris"))  # a Friday
    BookingFactory(
        space=w.salle_jaune, structure=w.bleu, start=start, end=start + timedelta(hours=2)
    )
    client.force_login(w.bea)
    html = client.get(reverse("events:mine")).content.decode()
    assert "ven 8 mars 2030, 10:00–12:00" in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("events:mine")).content.decode()
    assert "Fri 8 Mar 2030, 10:00–12:00" in html


def test_a_site_manager_may_cancel_an_occupants_booking_they_do_not_list(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    theirs = BookingFactory(
        space=w.salle_jaune, structure=w.vert, booked_by=w.carl, start=start, end=end
    )
    client.force_login(w.mara)  # manages site A, member of no structure
    response = client.get(reverse("events:mine"))
    assert response.context["page"].paginator.count == 0
    assert theirs.reference not in response.content.decode()
    response = client.get(reverse("events:detail", args=[theirs.pk]))
    assert response.status_code == 200 and response.context["can_cancel"]
    # Booking.objects.cancellable_by: the site's managers, as in the admin.
    response = client.post(reverse("events:cancel", args=[theirs.pk]), {"scope": "one"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CANCELLED and theirs.cancelled_by == w.mara


def test_a_manager_of_another_site_can_neither_see_nor_cancel_a_booking(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    theirs = BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    client.force_login(w.mike)  # manages site B
    assert client.get(reverse("events:detail", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("events:cancel", args=[theirs.pk]), {"scope": "one"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CONFIRMED


def test_ics_download_of_one_booking(client, booking_world):
    from icalendar import Calendar

    w = booking_world
    start, end = local_slot(2, 14)
    booking = BookingFactory(space=w.salle_jaune, structure=w.bleu, start=start, end=end)
    client.force_login(w.bea)
    response = client.get(reverse("events:ics", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert booking.reference in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start


# --- Find a slot ----------------------------------------------------------------------------


def test_find_slot_lists_free_rooms_big_enough(client, booking_world):
    w = booking_world
    start, end = local_slot(2, 14)
    client.force_login(w.bob)
    params = {
        "site": w.site_a.pk,
        "day": start.date().isoformat(),
        "start_time": "14:00",
        "duration": 60,
        "people": 5,
    }
    html = client.get(reverse("events:find"), params).content.decode()
    assert "Salle Jaune" in html and "Salle Verte" in html
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    html = client.get(reverse("events:find"), params).content.decode()
    assert "Salle Jaune" not in html and "Salle Verte" in html
    html = client.get(reverse("events:find"), params | {"people": 20}).content.decode()
    assert "Salle Verte" in html and "1 salle libre" in html
    html = client.get(reverse("events:find"), params | {"start_time": "21:00"}).content.decode()
    assert "Aucune salle libre" in html


def test_find_slot_rejects_another_site_and_bad_input(client, booking_world):
    w = booking_world
    client.force_login(w.bob)
    start, _end = local_slot(2, 14)
    base = {"day": start.date().isoformat(), "start_time": "14:00", "duration": 60, "people": 2}
    html = client.get(reverse("events:find"), base | {"site": w.site_b.pk}).content.decode()
    assert "Choisissez un de vos lieux" in html and "Salle du Sud" not in html
    for bad in ({"duration": 99999}, {"people": -1}, {"day": "demain"}, {"start_time": "25:00"}):
        response = client.get(reverse("events:find"), base | {"site": w.site_a.pk} | bad)
        assert response.status_code == 200
        assert 'role="alert"' in response.content.decode()


def test_find_slot_for_someone_with_no_site_answers_404(client, booking_world):
    client.force_login(booking_world.uma)
    assert client.get(reverse("events:find")).status_code == 404


def test_room_needing_approval_gives_a_pending_booking(client, booking_world):
    from events.models import BookingRules

    w = booking_world
    BookingRules.objects.create(site=w.site_a, approval_required=True)
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    assert "validées par un responsable" in client.get(book_url(w.salle_jaune)).content.decode()
    response = client.post(book_url(w.salle_jaune), form_data(w, start), follow=True)
    assert Booking.objects.get().status == Booking.Status.PENDING
    assert "un responsable du lieu doit la valider" in response.content.decode()


def test_monthly_series_keeps_the_nth_weekday(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    client.force_login(w.bob)
    data = form_data(w, start, repeat="monthly", count=2, confirm="1")
    assert client.post(book_url(w.salle_jaune), data).status_code == 302
    first, second = Booking.objects.order_by("start")
    a, b = timezone.localtime(first.start), timezone.localtime(second.start)
    assert a.weekday() == b.weekday() and (a.hour, b.hour) == (14, 14)
    assert 28 <= (b.date() - a.date()).days <= 35


def test_series_until_ten_years_ahead_stops_at_the_booking_horizon(client, booking_world):
    w = booking_world
    start, _end = local_slot(2, 14)
    until = (start + timedelta(days=3650)).date().isoformat()
    client.force_login(w.bob)
    data = form_data(w, start, repeat="weekly", until=until)
    html = client.post(book_url(w.salle_jaune), data).content.decode()
    assert "13 dates dans cette série" in html or "12 dates dans cette série" in html
    assert not Booking.objects.exists()
    response = client.post(book_url(w.salle_jaune), data | {"confirm": "1"})
    assert response.status_code == 302
    last = Booking.objects.order_by("start").last()
    assert last.start <= timezone.now() + timedelta(days=91)
    assert Booking.objects.count() <= 13


def test_every_booking_page_of_a_room_lets_in_whom_bookable_by_lists(client, booking_world):
    """The week view, the booking form and the site's day view, over every user and room of
    the cast: open to the occupants and managers of the room's site, 404 for anyone else."""
    w = booking_world
    users = [w.alice, w.olga, w.oscar, w.mara, w.mike, w.uma, w.bob, w.carl, w.dan]
    rooms = [w.salle_jaune, w.salle_verte, w.salle_b]
    seen = set()
    for user in users:
        client.force_login(user)
        allowed = set(Space.objects.bookable_by(user))
        for room in rooms:
            pages = [
                reverse("events:space_week", args=[room.pk]),
                reverse("events:book", args=[room.pk]),
                reverse("events:site_day", args=[room.site.slug]),
            ]
            expected = 200 if room in allowed else 404
            for url in pages:
                assert client.get(url).status_code == expected, (user, url)
            seen.add(expected)
    assert seen == {200, 404}
    assert set(Space.objects.bookable_by(w.bob)) == {w.salle_jaune, w.salle_verte}
    assert list(Space.objects.bookable_by(w.mike)) == [w.salle_b]


def test_the_booked_day_must_be_within_an_occupancy_of_the_site(client, booking_world):
    """The form lists the structures occupying the site today; the service checks the booked
    day: a day after the end of the agreement is refused, a day of a renewed agreement is
    booked, a cancelled agreement does not count."""
    from occupants.models import Occupancy
    from tests.events.factories import OccupancyFactory

    w = booking_world
    today = timezone.localdate()
    occupancy = w.bleu.occupancies.get(site=w.site_a)
    occupancy.end = today + timedelta(days=1)
    occupancy.save()
    OccupancyFactory(
        structure=w.bleu,
        site=w.site_a,
        start=today + timedelta(days=10),
        end=today + timedelta(days=40),
    )
    OccupancyFactory(
        structure=w.bleu,
        site=w.site_a,
        start=today + timedelta(days=2),
        end=today + timedelta(days=9),
        status=Occupancy.Status.CANCELLED,
    )
    client.force_login(w.bob)
    for days in (3, 5):
        response = client.post(book_url(w.salle_jaune), form_data(w, local_slot(days, 10)[0]))
        assert response.status_code == 200
        assert "n&#x27;occupe pas" in response.content.decode()
    assert not Booking.objects.exists()
    response = client.post(book_url(w.salle_jaune), form_data(w, local_slot(12, 10)[0]))
    assert response.status_code == 302
    assert Booking.objects.get().structure == w.bleu
    # An agreement that starts later does not open the form today.
    occupancy.end = today - timedelta(days=1)
    occupancy.save()
    assert client.get(book_url(w.salle_jaune)).status_code == 404
