"""Managers' pages: approval queue, week calendar, statistics, renting to an outside partner."""

import html
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils.http import urlencode

from accounts.models import Organisation
from events.models import Booking, BookingRules, ClosedPeriod
from events.rules import at
from tests.events.factories import BookingFactory, RoomFactory, local_slot
from tests.factories import OrganisationFactory, UserFactory

QUEUE = reverse("events:manager_queue")
INDEX = reverse("events:manager_index")
OUTSIDE = reverse("events:manager_outside")


def calendar_url(site) -> str:
    return reverse("events:manager_calendar", kwargs={"slug": site.slug})


def stats_url(site) -> str:
    return reverse("events:manager_statistics", kwargs={"slug": site.slug})


@pytest.fixture
def w(booking_world):
    return booking_world


def pending(w, room=None, days=2, hour=10, **extra) -> Booking:
    room = room or w.salle_jaune
    start, end = local_slot(days, hour)
    values = {"structure": w.bleu, "booked_by": w.bob, "status": Booking.Status.PENDING}
    return BookingFactory(space=room, start=start, end=end, **(values | extra))


# --- Access --------------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login(client, w):
    response = client.get(QUEUE)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("who", ["uma", "bob"])
def test_people_who_manage_no_site_get_404_everywhere(client, w, who):
    client.force_login(getattr(w, who))
    for url in (INDEX, QUEUE, OUTSIDE, reverse("events:manager_export"), calendar_url(w.site_a)):
        assert client.get(url).status_code == 404, url


def test_manager_of_other_site_gets_404_on_calendar_and_statistics(client, w):
    client.force_login(w.mike)  # manages site B only
    assert client.get(calendar_url(w.site_a)).status_code == 404
    assert client.get(stats_url(w.site_a)).status_code == 404
    assert client.get(calendar_url(w.site_b)).status_code == 200


def test_index_lists_my_sites_with_pending_counts(client, w):
    pending(w)
    pending(w, room=w.salle_b, hour=14)
    client.force_login(w.mara)
    response = client.get(INDEX)
    assert response.status_code == 200
    sites = response.context["sites"]
    assert [s.name for s in sites] == ["Site A"]
    assert sites[0].pending_count == 1
    assert sites[0].room_count == 2


def test_operator_staff_sees_every_site_of_the_operator(client, w):
    client.force_login(w.olga)
    names = [s.name for s in client.get(INDEX).context["sites"]]
    assert names == ["Site A", "Site B"]


# --- Approval queue ------------------------------------------------------------------------


def test_queue_lists_only_pending_bookings_of_my_sites(client, w):
    mine = pending(w)
    pending(w, room=w.salle_b)  # site B: mike's
    BookingFactory(space=w.salle_verte, structure=w.vert, start=local_slot(3, 9)[0])  # confirmed
    client.force_login(w.mara)
    response = client.get(QUEUE)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert mine.reference in response.text
    assert "Réunion d&#x27;équipe" in response.text


def test_queue_filter_by_unknown_site_is_ignored_with_a_message(client, w):
    pending(w)
    client.force_login(w.olga)
    response = client.get(QUEUE, {"lieu": w.site_c.slug})  # not olga's
    assert response.status_code == 200
    assert "Lieu inconnu" in response.text
    assert response.context["page"].paginator.count == 1


def test_approving_confirms_and_emails_once(client, w, django_capture_on_commit_callbacks):
    booking = pending(w)
    client.force_login(w.mara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("events:manager_approve", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.decided_by == w.mara
    assert len([m for m in mail.outbox if "bob@example.org" in m.to]) == 1
    # A second click acts once and says why.
    response = client.post(reverse("events:manager_approve", args=[booking.pk]), follow=True)
    assert "Seule une réservation en attente peut être validée." in response.text


def test_refusing_keeps_the_reason(client, w, django_capture_on_commit_callbacks):
    booking = pending(w)
    client.force_login(w.mara)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:manager_refuse", args=[booking.pk]),
            {"reason": "Salle réservée pour l'assemblée générale", "next": QUEUE},
            follow=True,
        )
    assert response.status_code == 200
    assert "refusée" in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REFUSED
    assert booking.refusal_reason == "Salle réservée pour l'assemblée générale"
    assert mail.outbox


def test_refusal_reason_too_long_saves_nothing(client, w):
    booking = pending(w)
    client.force_login(w.mara)
    response = client.post(
        reverse("events:manager_refuse", args=[booking.pk]), {"reason": "x" * 301}
    )
    # The confirmation page again, the error named beside the reason.
    assert response.status_code == 400
    assert "Motif du refus" in response.text
    assert "300" in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_manager_of_other_site_cannot_approve_or_refuse(client, w):
    booking = pending(w)
    client.force_login(w.mike)
    for name in ("events:manager_approve", "events:manager_refuse"):
        assert client.get(reverse(name, args=[booking.pk])).status_code == 404
        assert client.post(reverse(name, args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING


def test_queue_links_to_the_confirmation_pages_and_posts_nothing_itself(client, w):
    booking = pending(w)
    client.force_login(w.mara)
    page = client.get(QUEUE, {"lieu": w.site_a.slug}).text
    approve = reverse("events:manager_approve", args=[booking.pk])
    refuse = reverse("events:manager_refuse", args=[booking.pk])
    assert f'action="{approve}"' not in page and f'action="{refuse}"' not in page
    # The links carry the queue's address (filter kept) for the way back.
    next_query = urlencode({"next": f"{QUEUE}?lieu={w.site_a.slug}"})
    assert f'href="{approve}?{html.escape(next_query)}"' in page
    assert f'href="{refuse}?{html.escape(next_query)}"' in page


@pytest.mark.parametrize(
    ("name", "button"),
    [
        ("events:manager_approve", "Confirmer la validation"),
        ("events:manager_refuse", "Confirmer le refus"),
    ],
)
def test_approving_or_refusing_asks_first_and_a_get_changes_nothing(
    client, w, name, button, django_capture_on_commit_callbacks
):
    booking = pending(w, purpose="Atelier couture")
    client.force_login(w.mara)
    url = reverse(name, args=[booking.pk])
    back = f"{QUEUE}?lieu={w.site_a.slug}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"next": back})
    assert response.status_code == 200
    assert booking.reference in response.text
    assert "Atelier couture" in response.text
    assert f'action="{url}"' in response.text
    assert button in response.text
    assert f'href="{html.escape(back)}"' in response.text  # "Annuler" goes back to the queue
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert not mail.outbox


def test_confirmed_approval_from_its_page_goes_back_to_the_queue(client, w):
    booking = pending(w)
    client.force_login(w.mara)
    back = f"{QUEUE}?lieu={w.site_a.slug}"
    response = client.post(
        reverse("events:manager_approve", args=[booking.pk]), {"next": back}, follow=True
    )
    assert response.redirect_chain[-1][0] == back
    assert "validée" in response.text
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_confirmation_of_a_request_already_decided_sends_back_with_a_message(client, w):
    booking = pending(w)
    booking.status = Booking.Status.CONFIRMED
    booking.save(update_fields=["status"])
    client.force_login(w.mara)
    for name in ("events:manager_approve", "events:manager_refuse"):
        response = client.get(reverse(name, args=[booking.pk]), follow=True)
        assert response.redirect_chain[-1][0] == QUEUE
        assert "a déjà reçu une réponse" in response.text


def test_confirmation_page_ignores_an_offsite_way_back(client, w):
    booking = pending(w)
    client.force_login(w.mara)
    response = client.get(
        reverse("events:manager_approve", args=[booking.pk]), {"next": "https://evil.example/"}
    )
    assert 'href="https://evil.example/"' not in response.text
    assert 'value="https://evil.example/"' not in response.text
    assert f'href="{QUEUE}"' in response.text


def test_next_parameter_cannot_redirect_elsewhere(client, w):
    booking = pending(w)
    client.force_login(w.mara)
    response = client.post(
        reverse("events:manager_approve", args=[booking.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == QUEUE


def queue_queries(client, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as captured:
        assert client.get(QUEUE).status_code == 200
    return len(captured)


def test_queue_shows_the_neighbouring_bookings_of_the_same_room_and_day(client, w):
    request = pending(w, days=2, hour=14)
    start, end = local_slot(2, 10)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
    start, end = local_slot(2, 16)
    BookingFactory(space=w.salle_jaune, organisation=None, structure=w.sud, start=start, end=end)
    start, end = local_slot(2, 12)
    BookingFactory(space=w.salle_verte, structure=w.vert, start=start, end=end)  # other room
    start, end = local_slot(3, 9)
    BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)  # next day
    start, end = local_slot(2, 8)
    BookingFactory(
        space=w.salle_jaune,
        structure=w.vert,
        start=start,
        end=end,
        status=Booking.Status.CANCELLED,
    )
    client.force_login(w.mara)
    response = client.get(QUEUE)
    shown = response.context["page"].object_list[0]
    assert shown == request
    assert [b.start for b in shown.before] == [local_slot(2, 10)[0]]
    assert [b.holder_name for b in shown.after] == [w.sud.name]
    assert shown.overlapping == []
    assert "Le même jour dans cette salle" in response.text
    assert "10:00–11:00" in response.text and "16:00–17:00" in response.text


def test_queue_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    pending(w)
    client.force_login(w.olga)
    few = queue_queries(client, django_assert_max_num_queries, 12)
    for day in range(3, 33):
        pending(w, days=day, hour=9, purpose=f"Atelier {day}")
        pending(w, room=w.salle_b, days=day, hour=15, structure=w.sud)
        start, end = local_slot(day, 11)
        BookingFactory(space=w.salle_jaune, structure=w.vert, start=start, end=end)
        start, end = local_slot(day, 16)
        BookingFactory(space=w.salle_b, organisation=None, structure=w.sud, start=start, end=end)
    many = queue_queries(client, django_assert_max_num_queries, 12)
    assert few == many


# --- Week calendar --------------------------------------------------------------------------


def test_calendar_shows_bookings_hours_and_closures_of_the_week(client, w):
    monday = date(2026, 3, 23)
    BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=at(monday, time(10)),
        end=at(monday, time(12)),
    )
    BookingFactory(
        space=w.salle_verte,
        structure=None,
        outside_name="Compagnie du Dehors",
        start=at(monday + timedelta(days=6), time(15)),  # Sunday 29 March: clocks change
        end=at(monday + timedelta(days=6), time(17)),
        status=Booking.Status.PENDING,
    )
    ClosedPeriod.objects.create(
        site=w.site_a,
        start=at(monday + timedelta(days=2), time(0)),
        end=at(monday + timedelta(days=3), time(0)),
        reason="Inventaire",
    )
    client.force_login(w.mara)
    response = client.get(calendar_url(w.site_a), {"semaine": "2026-W13"})
    assert response.status_code == 200
    assert response.context["monday"] == monday
    text = response.text
    assert "10:00–12:00" in text
    assert "Atelier Bleu" in text
    assert "15:00–17:00" in text  # wall-clock time kept across the change
    assert "Compagnie du Dehors" in text
    assert "Inventaire" in text
    rows = {row.space.name: row for row in response.context["rows"]}
    assert set(rows) == {"Salle Jaune", "Salle Verte"}
    assert not rows["Salle Jaune"].cells[2].is_open  # Wednesday closed for inventory
    assert rows["Salle Jaune"].cells[0].is_open


def test_calendar_accepts_a_date_and_refuses_garbage_without_error(client, w):
    client.force_login(w.mara)
    response = client.get(calendar_url(w.site_a), {"semaine": "2026-03-26"})
    assert response.context["monday"] == date(2026, 3, 23)
    for garbage in ("2026-W99", "demain", "99999-01-01", "1500-01-01"):
        response = client.get(calendar_url(w.site_a), {"semaine": garbage})
        assert response.status_code == 200
        assert "Semaine non reconnue" in response.text


def test_calendar_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    monday = date(2026, 3, 23)
    client.force_login(w.mara)

    def count() -> int:
        with django_assert_max_num_queries(12) as captured:
            response = client.get(calendar_url(w.site_a), {"semaine": monday.isoformat()})
            assert response.status_code == 200
        return len(captured)

    few = count()
    for index in range(4):
        RoomFactory(site=w.site_a, name=f"Salle {index}")
    for room in w.site_a.spaces.filter(is_bookable=True):
        for day in range(7):
            for hour in (8, 10, 14):
                BookingFactory(
                    space=room,
                    structure=w.vert,
                    start=at(monday + timedelta(days=day), time(hour)),
                    end=at(monday + timedelta(days=day), time(hour + 1)),
                )
    ClosedPeriod.objects.create(site=w.site_a, start=at(monday, time(0)), end=at(monday, time(8)))
    assert count() == few


# --- Statistics -------------------------------------------------------------------------


def test_statistics_page_shows_the_chart_and_the_table(client, w):
    w.site_a.occupancy_start = date(2025, 1, 1)
    w.site_a.save()
    BookingFactory(
        space=w.salle_jaune,
        structure=w.bleu,
        start=at(date(2025, 3, 3), time(8)),
        end=at(date(2025, 3, 3), time(20)),
    )
    client.force_login(w.mara)
    response = client.get(stats_url(w.site_a), {"annee": "2025"})
    assert response.status_code == 200
    text = response.text
    assert "<svg" in text
    assert 'role="img"' in text
    assert "Mars" in text
    # Default hours: 12 h a day; 12 booked hours over two rooms × 31 days × 12 h in March.
    march = response.context["months"][2]["rate"]
    assert march.booked_minutes == 12 * 60
    assert march.open_minutes == 2 * 31 * 12 * 60
    assert "style=" not in text


def test_statistics_of_a_site_opened_in_june_count_from_june(client, w):
    w.site_a.occupancy_start = date(2025, 6, 1)
    w.site_a.save()
    client.force_login(w.mara)
    response = client.get(stats_url(w.site_a), {"annee": "2025"})
    months = response.context["months"]
    assert [month["rate"].open_minutes for month in months[:5]] == [0] * 5
    assert (
        "Seule la période d'occupation du lieu compte : à partir du 1er juin 2025" in response.text
    )
    assert months[5]["rate"].open_minutes == 2 * 30 * 12 * 60  # two rooms, 30 days, 12 h
    # The chart draws the months the rooms were open, not a "0 %" before the opening.
    assert [row.label for row in response.context["month_chart"].rows] == [
        "Juin",
        "Juillet",
        "Août",
        "Septembre",
        "Octobre",
        "Novembre",
        "Décembre",
    ]


def test_statistics_with_a_bad_year_shows_the_current_year(client, w):
    client.force_login(w.mara)
    for year in ("abc", "1200", "99999"):
        response = client.get(stats_url(w.site_a), {"annee": year})
        assert response.status_code == 200
        assert response.context["year"] == date.today().year
        assert "Année non reconnue" in response.text


def test_statistics_query_count_does_not_grow(client, w, django_assert_max_num_queries):
    client.force_login(w.mara)

    def count() -> int:
        with django_assert_max_num_queries(12) as captured:
            assert client.get(stats_url(w.site_a), {"annee": "2025"}).status_code == 200
        return len(captured)

    count()  # the site's booking setup into the cache
    few = count()
    for index in range(3):
        RoomFactory(site=w.site_a, name=f"Salle {index}")
    for room in w.site_a.spaces.filter(is_bookable=True):
        for week in range(20):
            start = at(date(2025, 1, 6) + timedelta(weeks=week), time(9))
            BookingFactory(
                space=room, structure=w.vert, start=start, end=start + timedelta(hours=2)
            )
    assert count() == few


# --- Renting to an outside organisation ----------------------------------------------------


def outside_data(w, **overrides):
    day = date.today() + timedelta(days=5)
    data = {
        "space": w.salle_verte.pk,
        "organisation": "",
        "outside_name": "Compagnie du Dehors",
        "day": day.isoformat(),
        "start": "09:00",
        "end": "19:00",
        "people": "20",
        "purpose": "Répétition",
        "request_key": "cle-de-test-0001",
        "action": "book",
    }
    data.update(overrides)
    return data


@pytest.fixture
def priced(w):
    return BookingRules.objects.create(
        site=w.site_a,
        price_per_hour=Decimal("25"),
        price_per_day=Decimal("180"),
        approval_required=True,
    )


def test_price_preview_saves_nothing(client, w, priced):
    client.force_login(w.mara)
    response = client.post(OUTSIDE, outside_data(w, action="preview", end="13:00"))
    assert response.status_code == 200
    assert response.context["price"] == Decimal("100.00")  # 4 h × 25 €
    assert not Booking.objects.exists()


def test_outside_booking_is_confirmed_with_the_day_price(client, w, priced):
    client.force_login(w.mara)
    response = client.post(OUTSIDE, outside_data(w))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == Booking.Status.CONFIRMED  # a manager's booking needs no approval
    assert booking.price == Decimal("180.00")  # 10 h × 25 € capped at the day price
    assert booking.outside_name == "Compagnie du Dehors"
    assert booking.structure is None
    assert calendar_url(w.site_a) in response["Location"]
    # The same form sent twice (double click) books once.
    client.post(OUTSIDE, outside_data(w))
    assert Booking.objects.count() == 1


def test_outside_booking_for_a_registered_organisation(client, w, priced):
    partner = OrganisationFactory(name="Théâtre Voisin", kind=Organisation.Kind.PUBLIC_BODY)
    client.force_login(w.mara)
    data = outside_data(w, organisation=partner.pk, outside_name="")
    assert client.post(OUTSIDE, data).status_code == 302
    assert Booking.objects.get().organisation == partner


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outside_name": ""}, "Indiquez pour quelle organisation extérieure vous réservez."),
        ({"end": "08:00"}, "La fin doit suivre le début."),
        ({"people": "500"}, "accueille au plus 30 personnes"),
        ({"day": "2020-01-01"}, "déjà passé"),
        ({"day": "9999-01-01"}, "Choisissez une date entre 2000 et 2100."),
        ({"start": "25:00"}, "Saisissez une heure valide."),
    ],
)
def test_outside_booking_bad_input_saves_nothing(client, w, priced, overrides, message):
    client.force_login(w.mara)
    response = client.post(OUTSIDE, outside_data(w, **overrides))
    assert response.status_code == 200
    assert message in response.text
    assert not Booking.objects.exists()


def test_outside_booking_of_another_sites_room_is_refused(client, w):
    client.force_login(w.mara)
    response = client.post(OUTSIDE, outside_data(w, space=w.salle_b.pk))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    assert not Booking.objects.exists()


def test_outside_booking_conflict_names_the_taken_slot(client, w):
    day = date.today() + timedelta(days=5)
    BookingFactory(
        space=w.salle_verte, structure=w.vert, start=at(day, time(10)), end=at(day, time(11))
    )
    client.force_login(w.mara)
    response = client.post(OUTSIDE, outside_data(w))
    assert response.status_code == 200
    assert "déjà réservé" in response.text
    assert Booking.objects.count() == 1


def test_occupant_who_manages_nothing_cannot_rent_outside(client, w):
    client.force_login(w.bob)
    assert client.post(OUTSIDE, outside_data(w)).status_code == 404


def test_manager_pages_have_no_inline_style_or_script(client, w):
    pending(w)
    client.force_login(w.mara)
    for url in (INDEX, QUEUE, OUTSIDE, calendar_url(w.site_a), stats_url(w.site_a)):
        text = client.get(url).text
        assert "style=" not in text, url
        assert "<script>" not in text, url
        assert "onclick" not in text, url


def test_staff_flag_is_not_needed_to_manage(client, w):
    # A site manager without admin access still has the manager pages.
    helper = UserFactory(email="helper@example.org")
    w.site_a.managers.add(helper)
    client.force_login(helper)
    assert client.get(calendar_url(w.site_a)).status_code == 200


def test_outside_booking_lists_and_accepts_only_bookable_rooms(client, w):
    office = RoomFactory(site=w.site_a, name="Bureau privé", is_bookable=False)
    client.force_login(w.mara)
    choices = client.get(OUTSIDE).context["form"].fields["space"].queryset
    assert w.salle_jaune in choices and office not in choices
    response = client.post(OUTSIDE, outside_data(w, space=office.pk))
    assert "Sélectionnez un choix valide" in response.text
    assert not Booking.objects.exists()


def test_the_french_queue_says_0_demande_and_2_demandes(client, w):
    client.force_login(w.mara)
    assert "0 demande en attente<" in client.get(QUEUE).text
    pending(w, days=2)
    pending(w, days=3)
    assert "2 demandes en attente<" in client.get(QUEUE).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "2 pending requests<" in client.get(QUEUE).text
