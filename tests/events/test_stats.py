"""Occupancy rates: booked hours / open hours and booked days / open days, closures deducted."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import stats
from events.models import Booking, ClosedPeriod
from events.rules import set_opening_hours
from tests.events.factories import BookingFactory, RoomFactory
from tests.factories import SiteFactory

PARIS = ZoneInfo("Europe/Paris")
WEEKDAYS = range(5)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def book(space, day: date, start: int, end: int, **extra) -> Booking:
    return BookingFactory(space=space, start=at(day, start), end=at(day, end), **extra)


@pytest.fixture
def room(db):
    """A room open Monday to Friday, 09:00–17:00 (8 hours)."""
    site = SiteFactory(name="Friche des Tests", occupancy_start=date(2024, 1, 1))
    set_opening_hours(site, WEEKDAYS, time(9), time(17))
    return RoomFactory(site=site, name="Salle Test")


def test_march_2025_counts_weekday_opening_hours_only(room):
    # March 2025: 21 weekdays of 8 hours.
    rates = stats.period_rates([room], date(2025, 3, 1), date(2025, 3, 31))
    rate = rates[room.pk]
    assert rate.open_minutes == 21 * 8 * 60
    assert rate.open_days == 21
    assert rate.booked_minutes == 0
    assert rate.hours_rate == Decimal("0.0")


def test_booked_hours_over_open_hours_and_booked_days_over_open_days(room):
    book(room, date(2025, 3, 3), 10, 12)  # Monday, 2 h
    book(room, date(2025, 3, 4), 9, 17)  # Tuesday, the whole day
    book(room, date(2025, 3, 4), 17, 19)  # after closing: not open time, not counted
    book(room, date(2025, 3, 5), 8, 10)  # half before opening: 1 h counts
    book(room, date(2025, 3, 8), 10, 12)  # Saturday, closed: not counted
    rate = stats.period_rates([room], date(2025, 3, 1), date(2025, 3, 31))[room.pk]
    assert rate.booked_minutes == (2 + 8 + 1) * 60
    assert rate.booked_days == 3
    assert rate.hours_rate == Decimal("6.5")  # 11 / 168
    assert rate.days_rate == Decimal("14.3")  # 3 / 21


def test_only_confirmed_bookings_count(room):
    day = date(2025, 3, 3)
    book(room, day, 9, 10, status=Booking.Status.PENDING)
    book(room, day, 10, 11, status=Booking.Status.CANCELLED)
    book(room, day, 11, 12, status=Booking.Status.REFUSED)
    book(room, day, 12, 13)
    rate = stats.period_rates([room], day, day)[room.pk]
    assert rate.booked_minutes == 60
    assert rate.hours_rate == Decimal("12.5")


def test_closed_periods_leave_the_denominator(room):
    # A week of works on the whole site, half a day on this room only.
    ClosedPeriod.objects.create(
        site=room.site,
        start=at(date(2025, 3, 10), 0),
        end=at(date(2025, 3, 15), 0),
        reason="Travaux",
    )
    ClosedPeriod.objects.create(
        site=room.site, space=room, start=at(date(2025, 3, 17), 9), end=at(date(2025, 3, 17), 13)
    )
    book(room, date(2025, 3, 3), 9, 17)
    rate = stats.period_rates([room], date(2025, 3, 1), date(2025, 3, 31))[room.pk]
    assert rate.open_days == 16
    assert rate.open_minutes == (16 * 8 - 4) * 60
    assert rate.booked_days == 1
    assert rate.hours_rate == Decimal("6.5")  # 8 / 124


def test_another_room_closure_does_not_touch_this_room(room):
    other = RoomFactory(site=room.site, name="Autre salle")
    ClosedPeriod.objects.create(
        site=room.site, space=other, start=at(date(2025, 3, 3), 0), end=at(date(2025, 3, 8), 0)
    )
    rates = stats.period_rates([room, other], date(2025, 3, 3), date(2025, 3, 7))
    assert rates[room.pk].open_days == 5
    assert rates[other.pk].open_days == 0
    assert rates[other.pk].hours_rate is None


def test_rate_is_stable_across_the_clock_change(room):
    # 30 March 2025 is the spring clock change; Monday 31 stays a 09:00–17:00 day.
    book(room, date(2025, 3, 31), 9, 17)
    rate = stats.period_rates([room], date(2025, 3, 28), date(2025, 3, 31))[room.pk]
    assert rate.open_minutes == 2 * 8 * 60
    assert rate.booked_minutes == 8 * 60
    assert rate.hours_rate == Decimal("50.0")


def test_year_stats_by_month_and_by_room(room):
    other = RoomFactory(site=room.site, name="Salle Deux")
    book(room, date(2025, 1, 6), 9, 13)
    book(other, date(2025, 1, 7), 9, 17)
    book(room, date(2025, 6, 2), 9, 17)
    data = stats.year_stats([room, other], 2025)
    assert [m.month for m in data.months] == list(range(1, 13))
    january = data.month_totals[0]
    assert january.booked_minutes == 12 * 60
    assert january.open_days == 2 * 23  # 23 weekdays in January 2025, two rooms
    assert data.by_space[room.pk][5].booked_minutes == 8 * 60
    assert data.space_totals[other.pk].booked_days == 1
    assert data.total.booked_minutes == 20 * 60
    assert data.total.open_days == 2 * 261  # weekdays in 2025


def test_year_stats_queries_do_not_grow_with_the_data(room, django_assert_num_queries):
    # The rooms' opening hours and closed periods, then the bookings.
    with django_assert_num_queries(3):
        stats.year_stats([room], 2025)
    rooms = [room] + [RoomFactory(site=room.site) for _n in range(5)]
    for index, space in enumerate(rooms):
        for week in range(30):
            day = date(2025, 1, 6) + timedelta(weeks=week, days=index % 5)
            book(space, day, 9, 11)
    ClosedPeriod.objects.create(
        site=room.site, start=at(date(2025, 8, 11), 0), end=at(date(2025, 8, 31), 0)
    )
    with django_assert_num_queries(3):
        data = stats.year_stats(rooms, 2025)
    assert data.total.booked_minutes == 6 * 30 * 120


def test_a_site_opened_in_june_counts_no_open_hours_before_june(room):
    room.site.occupancy_start = date(2025, 6, 2)
    room.site.occupancy_end = date(2025, 6, 30)
    room.site.save()
    book(room, date(2025, 6, 2), 9, 17)
    data = stats.year_stats([room], 2025)
    assert [rate.open_minutes for rate in data.month_totals[:5]] == [0] * 5
    assert data.month_totals[5].open_days == 21  # 2 to 30 June 2025: 21 weekdays
    assert data.month_totals[6].open_minutes == 0  # after the occupancy's end
    assert data.total.open_days == 21
    assert data.total.hours_rate == Decimal("4.8")  # 8 h of 168


def test_the_occupancy_dates_are_read_once_when_the_rooms_come_without_their_site(
    room, django_assert_max_num_queries
):
    room.site.occupancy_start = date(2025, 3, 10)
    room.site.save()
    rooms = list(type(room).objects.filter(site=room.site))
    with django_assert_max_num_queries(4):
        rate = stats.period_rates(rooms, date(2025, 3, 1), date(2025, 3, 31))[room.pk]
    assert rate.open_days == 16  # 10 to 31 March 2025


def test_site_without_bookable_room_has_no_rate(db):
    site = SiteFactory()
    assert stats.site_rate(site, date(2025, 1, 1), date(2025, 12, 31)) is None


def test_last_twelve_months_ends_today():
    assert stats.last_twelve_months(date(2026, 11, 23)) == (date(2025, 11, 24), date(2026, 11, 23))
    assert stats.last_twelve_months(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))


def test_site_page_shows_the_yearly_rate_of_its_rooms(client, room):
    yesterday = date.today() - timedelta(days=1)
    while yesterday.weekday() > 4:
        yesterday -= timedelta(days=1)
    book(room, yesterday, 9, 17)
    response = client.get(reverse("sites:detail", kwargs={"slug": room.site.slug}))
    assert response.status_code == 200
    assert "Salles partagées" in response.text
    rate = response.context["rate"]
    assert rate.booked_days == 1
    assert rate.open_days >= 250
    assert f"1 jour réservé sur {rate.open_days} jours d&#x27;ouverture" in response.text


def test_site_page_without_bookable_room_shows_no_rate(client, db):
    site = SiteFactory()
    response = client.get(reverse("sites:detail", kwargs={"slug": site.slug}))
    assert response.status_code == 200
    assert "Salles partagées" not in response.text


def test_site_page_rate_costs_three_queries_whatever_the_bookings(client, room):
    url = reverse("sites:detail", kwargs={"slug": room.site.slug})

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for index in range(4):
        space = RoomFactory(site=room.site, name=f"Salle {index}")
        for week in range(1, 30):
            book(space, date.today() - timedelta(weeks=week), 9, 11)
    ClosedPeriod.objects.create(
        site=room.site, start=at(date.today() - timedelta(days=3), 0), end=at(date.today(), 0)
    )
    assert count() == few


def test_several_bookings_around_a_lunch_break(room):
    day = date(2025, 3, 3)
    set_opening_hours(room.site, WEEKDAYS, time(9), time(12))
    set_opening_hours(room.site, WEEKDAYS, time(14), time(19), replace=False)
    book(room, day, 9, 11)
    book(room, day, 15, 17)
    book(room, day, 17, 18)
    rate = stats.period_rates([room], day, day)[room.pk]
    assert rate.open_minutes == 8 * 60
    assert rate.booked_minutes == 5 * 60


def test_a_booking_over_several_days_counts_on_each_day_of_the_period(room):
    # A three-day outside rental, Friday 09:00 to Tuesday 17:00, measured from Monday.
    BookingFactory(
        space=room,
        structure=None,
        outside_name="Festival",
        start=at(date(2025, 3, 7), 9),
        end=at(date(2025, 3, 11), 17),
    )
    rate = stats.period_rates([room], date(2025, 3, 10), date(2025, 3, 14))[room.pk]
    assert rate.booked_minutes == 2 * 8 * 60
    assert rate.booked_days == 2


def weekdays_between(first: date, last: date) -> int:
    return sum(
        1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5
    )


def last_weekday_before(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def site_page(client, site):
    response = client.get(reverse("sites:detail", kwargs={"slug": site.slug}))
    assert response.status_code == 200
    return response


def test_clip_to_occupancy_keeps_only_the_days_of_the_occupancy():
    clip = stats.clip_to_occupancy
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert clip(*year, date(2026, 6, 1), None) == (date(2026, 6, 1), date(2026, 12, 31))
    assert clip(*year, None, date(2026, 3, 31)) == (date(2026, 1, 1), date(2026, 3, 31))
    assert clip(*year, None, None) == year
    assert clip(*year, date(2027, 1, 1), None) is None
    assert clip(*year, date(2024, 1, 1), date(2025, 12, 31)) is None


def test_site_page_rate_counts_only_the_days_since_the_site_opened(client, room):
    today = timezone.localdate()
    opened = today - timedelta(days=60)
    room.site.occupancy_start = opened
    room.site.save()
    book(room, last_weekday_before(today), 9, 17)
    book(room, opened - timedelta(days=7), 9, 17)  # before the opening: not counted
    response = site_page(client, room.site)
    rate = response.context["rate"]
    assert rate.open_days == weekdays_between(opened, today)
    assert rate.open_minutes == rate.open_days * 8 * 60
    assert rate.booked_days == 1
    assert response.context["start"] == opened
    opened_label = "1er" if opened.day == 1 else str(opened.day)
    assert f"Taux d&#x27;occupation depuis l&#x27;ouverture le {opened_label} " in response.text
    assert f"1 jour réservé sur {rate.open_days} jours d&#x27;ouverture" in response.text


def test_site_page_rate_over_a_year_says_its_first_and_last_day(client, room):
    response = site_page(client, room.site)  # opened in 2024: the last twelve months
    start, end = stats.last_twelve_months()
    assert response.context["start"] == start and response.context["end"] == end
    assert "Taux d&#x27;occupation du " in response.text
    assert "depuis l&#x27;ouverture" not in response.text


def test_a_site_not_yet_open_shows_no_rate_but_says_when_it_opens(client, room):
    room.site.occupancy_start = timezone.localdate() + timedelta(days=30)
    room.site.occupancy_end = timezone.localdate() + timedelta(days=400)
    room.site.status = room.site.Status.PREPARATION
    room.site.save()
    response = site_page(client, room.site)
    assert response.context["rate"] is None
    assert "Salles partagées" in response.text
    assert "sera publié après l&#x27;ouverture" in response.text
    assert " sur 0" not in response.text and "0,0" not in response.text


def test_a_site_in_preparation_without_a_date_shows_no_rate(client, room):
    room.site.occupancy_start = room.site.occupancy_end = None
    room.site.status = room.site.Status.PREPARATION
    room.site.save()
    response = site_page(client, room.site)
    assert response.context["rate"] is None
    assert "pas encore ouvert" in response.text


def test_a_site_whose_rooms_never_opened_shows_no_rate(client, room):
    ClosedPeriod.objects.create(
        site=room.site,
        start=at(timezone.localdate() - timedelta(days=400), 0),
        end=at(timezone.localdate() + timedelta(days=1), 0),
    )
    response = site_page(client, room.site)
    assert response.context["rate"] is None
    assert "aucune heure d&#x27;ouverture" in response.text
    assert " sur 0" not in response.text


def test_the_cached_rate_follows_a_new_opening_date(client, room):
    today = timezone.localdate()
    book(room, last_weekday_before(today), 9, 17)
    before = site_page(client, room.site).context["rate"]
    room.site.occupancy_start = today - timedelta(days=30)
    room.site.save()
    after = site_page(client, room.site).context["rate"]
    assert after.open_days == weekdays_between(today - timedelta(days=30), today)
    assert after.open_days < before.open_days
    assert after.hours_rate > before.hours_rate


def test_the_site_figure_counts_calendar_days_not_rooms_times_days(client, room):
    today = timezone.localdate()
    room.site.occupancy_start = today - timedelta(days=60)
    room.site.save()
    other = RoomFactory(site=room.site, name="Salle Deux")
    day = last_weekday_before(today)
    book(room, day, 9, 12)
    book(other, day, 14, 17)
    rate = site_page(client, room.site).context["rate"]
    assert rate.open_days == weekdays_between(today - timedelta(days=60), today)
    assert rate.booked_days == 1
    assert rate.open_minutes == 2 * rate.open_days * 8 * 60  # hours add up over the rooms
    assert rate.booked_minutes == 6 * 60
