"""Index-friendly scoping, paged lists, the booking POST's query count, and the week grid's
slot links."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from events.models import Booking
from tests.events.factories import BookingFactory, StructureFactory, local_slot
from tests.events.test_views_booking import book_url, form_data
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_of_member_reads_the_members_structures_once_as_an_array_on_postgresql(
    booking_world, is_postgres
):
    sql = str(Booking.objects.of_member(booking_world.bob).query)
    if is_postgres:
        # An InitPlan compared with = ANY: each side of the OR can use its index.
        assert '"structure_id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"structure_id" IN (SELECT' in sql


def test_managed_and_bookable_sites_are_read_by_primary_key_on_postgresql(
    booking_world, is_postgres
):
    """The sites a user manages or may book are compared by primary key with arrays computed
    once, on the sites and on the bookings' own site_id: an index answers each branch of the
    OR, rather than a filter over every site."""
    from sites.models import Site

    user = booking_world.mara
    sites_sql = str(Site.objects.bookable_by(user).query)
    bookings_sql = str(Booking.objects.visible_to(user).query)
    if is_postgres:
        assert '"sites_site"."id" = ANY(ARRAY(SELECT' in sites_sql
        assert '"operator_id" = ANY' not in sites_sql
        assert '"events_booking"."site_id" = ANY(ARRAY(SELECT' in bookings_sql
    else:
        assert '"sites_site"."id" IN (SELECT' in sites_sql
    assert booking_world.site_a in Site.objects.bookable_by(user)


def test_of_member_keeps_own_bookings_for_a_structure_left_since(booking_world):
    w = booking_world
    mine = BookingFactory(space=w.salle_jaune, structure=w.bleu, booked_by=w.bea)
    made_by_bob_for_other = BookingFactory(
        space=w.salle_jaune, structure=w.vert, booked_by=w.bob, start=local_slot(3, 10)[0]
    )
    other = BookingFactory(
        space=w.salle_jaune, structure=w.vert, booked_by=w.carl, start=local_slot(4, 10)[0]
    )
    assert set(Booking.objects.of_member(w.bob)) == {mine, made_by_bob_for_other}
    assert set(Booking.objects.visible_to(w.bob)) == {mine, made_by_bob_for_other}
    assert other in set(Booking.objects.visible_to(w.mara))


def test_my_bookings_pages_keep_order_and_holders(client, booking_world):
    w = booking_world
    client.force_login(w.bob)
    later = BookingFactory(space=w.salle_jaune, structure=w.bleu, start=local_slot(5, 10)[0])
    sooner = BookingFactory(space=w.salle_verte, structure=w.bleu, start=local_slot(2, 10)[0])
    older = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=timezone.now() - timedelta(days=3),
    )
    oldest = BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=timezone.now() - timedelta(days=9),
    )
    partner = OrganisationFactory(name="Voisins & Cie")
    outside = BookingFactory(
        space=w.salle_verte,
        structure=None,
        organisation=partner,
        booked_by=w.bob,
        start=local_slot(8, 10)[0],
    )
    response = client.get(reverse("events:mine"))
    assert list(response.context["page"].object_list) == [sooner, later, outside]
    html = response.content.decode()
    past = client.get(reverse("events:mine"), {"liste": "passees"})
    assert list(past.context["page"].object_list) == [older, oldest]
    assert "Salle Verte" in html and "Atelier Bleu" in html
    assert "<td>Voisins &amp; Cie</td>" in html and f"({w.site_a.name})" in html
    assert html.index(sooner.reference) < html.index(later.reference)
    # Each row links to its booking and its .ics.
    html += past.content.decode()
    for booking in (sooner, later, older, oldest, outside):
        assert (
            f'<a href="{reverse("events:detail", args=[booking.pk])}">{booking.reference}' in html
        )
        assert f'<a href="{reverse("events:ics", args=[booking.pk])}">.ics' in html


def test_booking_post_query_count_is_small_and_constant(client, booking_world):
    w = booking_world
    client.force_login(w.bob)

    def post(days: int) -> int:
        start, _end = local_slot(days, 14)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(book_url(w.salle_jaune), form_data(w, start))
        assert response.status_code == 302
        return len(queries)

    few = post(2)
    for day in range(4, 40):
        BookingFactory(space=w.salle_jaune, start=local_slot(day, 10)[0], structure=w.bleu)
        BookingFactory(space=w.salle_jaune, start=local_slot(day, 16)[0], structure=w.vert)
    StructureFactory.create_batch(5)
    many = post(3)
    assert few == many
    # The page: user, the room if the user may book it, its rules, the user's structures on
    # the site, the form's check of the chosen one. The service, in its transaction: the
    # room's lock, the request_key's twin, the member's occupancy, the rules, closed periods,
    # opening hours and bookings, the insert in its savepoint; no query for the e-mail.
    assert many <= 18


def test_refused_booking_post_is_a_light_page(client, booking_world):
    """A conflict re-renders the form: a constant number of queries, the whole page for a
    plain POST, the form alone for htmx."""
    w = booking_world
    client.force_login(w.bob)
    start, _end = local_slot(2, 14)
    BookingFactory(space=w.salle_jaune, start=start, structure=w.vert)

    def post(**kwargs):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(book_url(w.salle_jaune), form_data(w, start), **kwargs)
        assert response.status_code == 200
        assert "est déjà réservé" in response.content.decode()
        return response, len(queries)

    page, few = post()
    for day in range(4, 20):
        BookingFactory(space=w.salle_jaune, start=local_slot(day, 10)[0], structure=w.bleu)
    StructureFactory.create_batch(5)
    partial, many = post(headers={"HX-Request": "true"})
    # The booking's queries up to its refusal, rolled back, and the form's structure options.
    assert few == many
    assert many <= 18
    assert "<html" in page.content.decode()
    html = partial.content.decode()
    assert "<html" not in html and 'name="request_key"' in html
    assert f'<option value="{w.bleu.pk}" selected>' in html


def test_week_grid_free_slot_links_to_the_prefilled_form(client, booking_world):
    w = booking_world
    start, _end = local_slot(1, 10)
    client.force_login(w.bob)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]), {"du": start.date().isoformat()}
    )
    html = response.content.decode()
    url = f"{book_url(w.salle_jaune)}?debut={timezone.localtime(start):%Y-%m-%dT%H:%M}"
    assert f'<a href="{url}" hx-get="{url}"' in html
    local = timezone.localtime(start)
    assert f"réserver Salle Jaune le {date_format(local, 'l j F')} à 10:00</span>" in html


def test_week_grid_links_say_the_room_and_day_even_with_a_percent_in_the_name(
    client, booking_world
):
    """The link text is built once a column from the room's name and the day: a name with a
    percent sign is shown as it is, each link with its own time."""
    w = booking_world
    w.salle_jaune.name = "Salle 100 % bois"
    w.salle_jaune.save()
    start, _end = local_slot(1, 10)
    client.force_login(w.bob)
    response = client.get(
        reverse("events:space_week", args=[w.salle_jaune.pk]), {"du": start.date().isoformat()}
    )
    html = response.content.decode()
    day = date_format(timezone.localtime(start), "l j F")
    for hour in ("10:00", "10:30"):
        assert f"Libre — réserver Salle 100 % bois le {day} à {hour}</span>" in html
