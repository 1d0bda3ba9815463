"""Recurring bookings: occurrence maths (fixed dates) and series through the service."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.models import Booking, BookingRules, BookingSeries, OpeningHours
from events.recurrence import (
    MONTHLY,
    WEEKLY,
    Recurrence,
    nth_weekday,
    occurrence_days,
    occurrences,
)
from events.services import (
    BookingError,
    book,
    book_series,
    cancel,
    cancel_series_from,
    preview_series,
)
from occupants.models import Occupancy
from tests.events.factories import PARIS, local_slot

UTC_OFFSET = {"winter": timedelta(hours=1), "summer": timedelta(hours=2)}


def _paris(y, m, d, h, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


# --- Pure maths -----------------------------------------------------------------------------


def test_weekly_keeps_15h_across_the_march_clock_change():
    start = _paris(2026, 3, 18, 15)  # a Wednesday; clocks go forward on Sunday 29 March
    slots = occurrences(start, start + timedelta(hours=1), Recurrence(WEEKLY, count=4))
    assert [s.astimezone(PARIS).time() for s, _e in slots] == [time(15)] * 4
    assert [s.utcoffset() for s, _e in slots] == [UTC_OFFSET["winter"]] * 2 + [
        UTC_OFFSET["summer"]
    ] * 2
    # 15:00 Paris is 14:00 UTC in winter, 13:00 UTC in summer.
    assert [s.astimezone(UTC).hour for s, _e in slots] == [14, 14, 13, 13]
    assert [(e - s) for s, e in slots] == [timedelta(hours=1)] * 4


def test_weekly_keeps_15h_across_the_october_clock_change():
    start = _paris(2026, 10, 14, 15)  # clocks go back on Sunday 25 October
    slots = occurrences(start, start + timedelta(hours=2), Recurrence(WEEKLY, count=4))
    assert [s.astimezone(PARIS).hour for s, _e in slots] == [15] * 4
    assert [e.astimezone(PARIS).hour for _s, e in slots] == [17] * 4
    # Real elapsed time between the two occurrences around the change is 7 days and 1 hour.
    utc = [s.astimezone(UTC) for s, _e in slots]
    assert utc[2] - utc[1] == timedelta(days=7, hours=1)
    assert utc[1] - utc[0] == timedelta(days=7)


def test_every_two_weeks_until_a_date_included():
    start = _paris(2026, 1, 5, 9)
    days = occurrence_days(start.date(), Recurrence(WEEKLY, interval=2, until=date(2026, 2, 2)))
    assert days == [date(2026, 1, 5), date(2026, 1, 19), date(2026, 2, 2)]


def test_monthly_nth_weekday():
    # Tuesday 13 January 2026 is the second Tuesday.
    days = occurrence_days(date(2026, 1, 13), Recurrence(MONTHLY, count=4))
    assert days == [date(2026, 1, 13), date(2026, 2, 10), date(2026, 3, 10), date(2026, 4, 14)]


def test_monthly_fifth_weekday_becomes_the_last():
    # Thursday 29 January 2026 is the fifth Thursday: then the last Thursday of each month.
    days = occurrence_days(date(2026, 1, 29), Recurrence(MONTHLY, count=3))
    assert days == [date(2026, 1, 29), date(2026, 2, 26), date(2026, 3, 26)]


def test_monthly_crosses_the_year():
    days = occurrence_days(date(2026, 11, 2), Recurrence(MONTHLY, count=3))
    assert days == [date(2026, 11, 2), date(2026, 12, 7), date(2027, 1, 4)]


def test_monthly_every_other_month():
    days = occurrence_days(date(2026, 1, 13), Recurrence(MONTHLY, interval=2, count=3))
    assert days == [date(2026, 1, 13), date(2026, 3, 10), date(2026, 5, 12)]


def test_nth_weekday_helper():
    assert nth_weekday(2026, 3, 0, 0) == date(2026, 3, 2)
    assert nth_weekday(2026, 3, 0, -1) == date(2026, 3, 30)


def test_capped_at_52_and_at_last_day():
    days = occurrence_days(date(2026, 1, 1), Recurrence(WEEKLY, until=date(2036, 1, 1)))
    assert len(days) == 52
    days = occurrence_days(
        date(2026, 1, 1), Recurrence(WEEKLY, count=20), last_day=date(2026, 1, 31)
    )
    assert len(days) == 5


@pytest.mark.parametrize(
    "rule",
    [
        Recurrence(WEEKLY, count=10_000),
        Recurrence(WEEKLY, count=0),
        Recurrence(WEEKLY),
        Recurrence("daily", count=3),
        Recurrence(WEEKLY, interval=0, count=3),
        Recurrence(WEEKLY, until=date(2025, 1, 1)),
    ],
)
def test_invalid_rules_are_refused(rule):
    with pytest.raises(ValidationError):
        occurrence_days(date(2026, 1, 1), rule)


# --- Series through the service -------------------------------------------------------------


def _next_sunday_change(month: int) -> date:
    """The next last Sunday of March (month=3) or October (month=10) after a week from today."""
    today = timezone.localdate() + timedelta(days=7)
    year = today.year
    while True:
        last = date(year, month, 31)
        change = last - timedelta(days=(last.weekday() - 6) % 7)
        if change > today:
            return change
        year += 1


def _series(w, start, end, rule, **kwargs):
    params = {"space": w.salle_jaune, "user": w.bob, "structure": w.bleu, "purpose": "Atelier"}
    params.update(kwargs)
    return book_series(start=start, end=end, rule=rule, **params)


@pytest.mark.django_db
@pytest.mark.parametrize("month", [3, 10])
def test_series_across_clock_change_stays_at_15h(booking_world, month):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, horizon_days=400)
    change = _next_sunday_change(month)
    first = datetime.combine(change - timedelta(days=11), time(15), tzinfo=PARIS)  # a Thursday
    series = _series(
        w, first, first + timedelta(hours=1), Recurrence(WEEKLY, count=4), skip_conflicts=False
    )
    bookings = list(series.bookings.order_by("start"))
    assert len(bookings) == 4
    assert {b.start.astimezone(PARIS).time() for b in bookings} == {time(15)}
    assert {b.end.astimezone(PARIS).time() for b in bookings} == {time(16)}
    offsets = [b.start.astimezone(PARIS).utcoffset() for b in bookings]
    assert offsets[0] != offsets[-1]


@pytest.mark.django_db
def test_preview_lists_conflicts_and_skip_books_the_rest(
    booking_world, django_capture_on_commit_callbacks
):
    w = booking_world
    start, end = local_slot(7, 10)
    taken = book(
        space=w.salle_jaune,
        user=w.carl,
        structure=w.vert,
        start=start + timedelta(weeks=1),
        end=end + timedelta(weeks=1),
    )
    rule = Recurrence(WEEKLY, count=4)
    preview = preview_series(
        space=w.salle_jaune, user=w.bob, structure=w.bleu, start=start, end=end, rule=rule
    )
    assert len(preview) == 4
    assert [o.conflict is None for o in preview] == [True, False, True, True]
    assert "déjà réservé" in preview[1].conflict
    before = Booking.objects.count()
    with pytest.raises(BookingError, match="1 occurrence ne peut pas"):
        _series(w, start, end, rule, skip_conflicts=False)
    assert Booking.objects.count() == before and not BookingSeries.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        series = _series(w, start, end, rule, skip_conflicts=True)
    assert series.bookings.count() == 3
    assert taken.start not in {b.start for b in series.bookings.all()}
    assert len(mail.outbox) == 1 and "BEGIN:VEVENT" in str(mail.outbox[0].attachments[0][1])
    assert str(mail.outbox[0].attachments[0][1]).count("BEGIN:VEVENT") == 3


@pytest.mark.django_db
def test_ten_thousand_occurrences_is_a_clear_error(booking_world):
    w = booking_world
    start, end = local_slot(2, 10)
    with pytest.raises(BookingError, match="52 occurrences"):
        _series(w, start, end, Recurrence(WEEKLY, count=10_000), skip_conflicts=True)
    with pytest.raises(BookingError, match="52 occurrences"):
        preview_series(
            space=w.salle_jaune,
            user=w.bob,
            structure=w.bleu,
            start=start,
            end=end,
            rule=Recurrence(WEEKLY, count=10_000),
        )
    assert not Booking.objects.exists() and not BookingSeries.objects.exists()


@pytest.mark.django_db
def test_series_is_capped_at_the_horizon(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, horizon_days=30)
    start, end = local_slot(2, 10)
    until = timezone.localdate() + timedelta(days=3650)
    series = _series(w, start, end, Recurrence(WEEKLY, until=until), skip_conflicts=False)
    assert 4 <= series.bookings.count() <= 5
    last = series.bookings.order_by("-start").first()
    assert last.start.date() <= timezone.localdate() + timedelta(days=30)


@pytest.mark.django_db
def test_series_respects_the_weekly_quota_cumulatively(booking_world):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, weekly_quota_hours=Decimal("1"))
    start, end = local_slot(2, 10)
    rule = Recurrence(WEEKLY, count=3)
    book(
        space=w.salle_verte,
        user=w.bea,
        structure=w.bleu,
        start=start + timedelta(weeks=1),
        end=end + timedelta(weeks=1),
    )
    preview = preview_series(
        space=w.salle_jaune, user=w.bob, structure=w.bleu, start=start, end=end, rule=rule
    )
    assert [o.conflict is None for o in preview] == [True, False, True]
    assert "quota" in preview[1].conflict


@pytest.mark.django_db
def test_series_counts_its_own_occurrences_in_the_monthly_quota(booking_world):
    """Four weekly hours in one calendar month, 2 hours a month: the series' own first two
    occurrences use up the quota, the last two are refused."""
    w = booking_world
    BookingRules.objects.create(site=w.site_a, monthly_quota_hours=Decimal("2"))
    today = timezone.localdate()
    second_next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=2)
    start, end = local_slot((second_next_month - today).days, 10)
    rule = Recurrence(WEEKLY, count=4)
    preview = preview_series(
        space=w.salle_jaune, user=w.bob, structure=w.bleu, start=start, end=end, rule=rule
    )
    assert [o.conflict is None for o in preview] == [True, True, False, False]
    assert "par mois" in preview[2].conflict
    series = _series(w, start, end, rule, skip_conflicts=True)
    assert series.bookings.count() == 2


@pytest.mark.django_db
def test_series_with_same_key_twice_creates_one(booking_world):
    w = booking_world
    start, end = local_slot(2, 10)
    rule = Recurrence(WEEKLY, count=2)
    one = _series(w, start, end, rule, skip_conflicts=False, request_key="k1")
    two = _series(w, start, end, rule, skip_conflicts=False, request_key="k1")
    assert one.pk == two.pk and Booking.objects.count() == 2


@pytest.mark.django_db
def test_cancel_one_occurrence_then_the_rest(booking_world, django_capture_on_commit_callbacks):
    w = booking_world
    start, end = local_slot(2, 10)
    series = _series(w, start, end, Recurrence(WEEKLY, count=5), skip_conflicts=False)
    _b1, b2, b3, _b4, _b5 = series.bookings.order_by("start")
    cancel(b2, w.bea)
    with pytest.raises(PermissionDenied):
        cancel_series_from(b3, w.carl)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert cancel_series_from(b3, w.bob) == 3
    statuses = [b.status for b in series.bookings.order_by("start")]
    assert statuses == [Booking.Status.CONFIRMED] + [Booking.Status.CANCELLED] * 4
    assert len(mail.outbox) == 1 and mail.outbox[0].body.count("référence") == 3


@pytest.mark.django_db
def test_series_of_another_structure_member_is_refused(booking_world):
    w = booking_world
    start, end = local_slot(2, 10)
    with pytest.raises(BookingError, match="pas membre"):
        _series(w, start, end, Recurrence(WEEKLY, count=2), skip_conflicts=True, user=w.carl)
    assert not BookingSeries.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 52])
def test_preview_query_count_does_not_grow_with_occurrences(
    booking_world, count, django_assert_max_num_queries
):
    w = booking_world
    BookingRules.objects.create(site=w.site_a, horizon_days=400)
    start, end = local_slot(2, 10)
    with django_assert_max_num_queries(10):
        preview = preview_series(
            space=w.salle_jaune,
            user=w.bob,
            structure=w.bleu,
            start=start,
            end=end,
            rule=Recurrence(WEEKLY, count=count),
        )
    assert len(preview) == count


# --- Every occurrence meets the rules of a single booking on its own date ------------------


def _december_case(w):
    """The finding's dates: Atelier Bleu's occupancy of site A ends on 16 December; a weekly
    series from 8 December at 10:00 has four dates (8, 15, 22 and 29 December). The next such
    December, with a horizon that reaches it."""
    today = timezone.localdate()
    year = today.year if today < date(today.year, 12, 8) else today.year + 1
    BookingRules.objects.create(site=w.site_a, horizon_days=400)
    Occupancy.objects.filter(structure=w.bleu, site=w.site_a).update(end=date(year, 12, 16))
    start = datetime.combine(date(year, 12, 8), time(10), tzinfo=PARIS)
    return start, start + timedelta(hours=1), Recurrence(WEEKLY, count=4)


@pytest.mark.django_db
def test_series_dates_after_the_occupancy_ends_are_refused_like_a_single_booking(booking_world):
    w = booking_world
    start, end, rule = _december_case(w)
    # A single booking on Monday 21 December is refused...
    with pytest.raises(BookingError, match="n'occupe pas le lieu"):
        book(
            space=w.salle_jaune,
            user=w.bob,
            structure=w.bleu,
            start=start + timedelta(days=13),
            end=end + timedelta(days=13),
        )
    # ...and so are the series' dates after the 16th, each on its own date.
    preview = preview_series(
        space=w.salle_jaune, user=w.bob, structure=w.bleu, start=start, end=end, rule=rule
    )
    assert [o.start.astimezone(PARIS).day for o in preview] == [8, 15, 22, 29]
    assert [o.conflict is None for o in preview] == [True, True, False, False]
    assert all("« Atelier Bleu » n'occupe pas le lieu" in o.conflict for o in preview[2:])


@pytest.mark.django_db
def test_all_or_nothing_series_past_the_occupancy_is_refused_naming_the_dates(booking_world):
    w = booking_world
    start, end, rule = _december_case(w)
    with pytest.raises(BookingError) as refused:
        _series(w, start, end, rule, skip_conflicts=False)
    message = refused.value.messages[0]
    assert message.startswith("2 occurrences ne peuvent pas être réservées")
    assert "22 décembre : « Atelier Bleu » n'occupe pas le lieu" in message
    assert "29 décembre : « Atelier Bleu » n'occupe pas le lieu" in message
    assert not Booking.objects.exists() and not BookingSeries.objects.exists()


@pytest.mark.django_db
def test_series_skipping_refusals_books_only_the_dates_within_the_occupancy(booking_world):
    w = booking_world
    start, end, rule = _december_case(w)
    series = _series(w, start, end, rule, skip_conflicts=True)
    days = [b.start.astimezone(PARIS).day for b in series.bookings.order_by("start")]
    assert days == [8, 15]


@pytest.mark.django_db
def test_manager_series_for_a_structure_stops_at_its_occupancy_too(booking_world):
    w = booking_world
    start, end, rule = _december_case(w)
    preview = preview_series(
        space=w.salle_jaune,
        user=w.mara,
        structure=w.bleu,
        start=start,
        end=end,
        rule=rule,
        on_behalf=True,
    )
    assert [o.conflict is None for o in preview] == [True, True, False, False]


@pytest.mark.django_db
def test_series_date_longer_than_the_maximum_across_a_clock_change_is_refused(booking_world):
    """00:00–08:00 lasts 8 hours, 9 on the night the clocks go back: with 8 hours at most,
    that date is refused as a single booking of 9 hours would be."""
    w = booking_world
    BookingRules.objects.create(site=w.site_a, horizon_days=400, max_minutes=8 * 60)
    for weekday in range(7):
        OpeningHours.objects.create(site=w.site_a, weekday=weekday, opens=time(0), closes=time(0))
    change = _next_sunday_change(10)
    start = datetime.combine(change - timedelta(days=7), time(0), tzinfo=PARIS)
    preview = preview_series(
        space=w.salle_jaune,
        user=w.bob,
        structure=w.bleu,
        start=start,
        end=start + timedelta(hours=8),
        rule=Recurrence(WEEKLY, count=2),
    )
    assert [o.conflict is None for o in preview] == [True, False]
    assert "dure au plus 8 h" in preview[1].conflict
