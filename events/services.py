"""Booking workflows: book, book a series, cancel, approve, refuse.

Each write is one transaction of the same shape: lock (the space's row, Space.objects.lock; the
booking's row for a decision), find the row made by an earlier submit of the same form
(request_key), check every rule (events.checks), save, and send the e-mails once the transaction
commits. A refused request raises BookingError (a ValidationError with a French message), or
PermissionDenied for a user without the right, and saves nothing. Services take no right read by
their caller: they check the user's themselves.

No double booking, ever: the writers of one space take turns on its row, so the later one sees
the earlier one's booking as a plain conflict; on PostgreSQL the exclusion constraint
`booking_no_overlap` refuses overlapping active bookings whatever the timing, and on SQLite the
settings open every transaction with BEGIN IMMEDIATE.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from core.db import retrying_deadlocks
from events import emails
from events.checks import (
    BookingError,
    BookingRequest,
    Checker,
    check_shape,
    occupancy_days,
    prepare,
)
from events.formatting import format_day, local
from events.models import Booking, BookingRules, BookingSeries
from events.recurrence import MAX_OCCURRENCES, Occurrence, Recurrence, occurrences
from events.rules import elapsed, local_tz
from occupants.models import Structure
from sites.models import Space

__all__ = [
    "MAX_OCCURRENCES",
    "BookingError",
    "Occurrence",
    "Recurrence",
    "approve",
    "book",
    "book_series",
    "cancel",
    "cancel_series_from",
    "compute_price",
    "move",
    "preview_series",
    "refuse",
]

OVERLAP_CONSTRAINT = "booking_no_overlap"


def compute_price(rules: BookingRules, start: datetime, end: datetime) -> Decimal:
    """Outside bookings: hours × hourly price, each day capped at the day price if any."""
    total = Decimal(0)
    cursor = start
    while cursor < end:
        day_end = datetime.combine(
            local(cursor).date() + timedelta(days=1), time(0), tzinfo=local_tz()
        )
        chunk_end = min(end, day_end)
        hours = Decimal(elapsed(cursor, chunk_end).total_seconds()) / Decimal(3600)
        amount = hours * rules.price_per_hour
        if rules.price_per_day is not None:
            amount = min(amount, rules.price_per_day)
        total += amount
        cursor = chunk_end
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- Steps shared by book() and book_series() ------------------------------------------------


def _clean_key(request_key) -> str | None:
    if request_key in (None, ""):
        return None
    key = str(request_key)
    if len(key) > 64:
        raise BookingError(_("Ce formulaire est invalide ; rechargez la page."))
    return key


def _lock_space(space) -> None:
    if not isinstance(space, Space) or not space.pk:
        raise BookingError(_("Choisissez un espace."))
    Space.objects.lock([space.pk])


def _existing_for_key(model, request_key: str | None, user):
    """The row made by an earlier submit of the same form; someone else's key is refused."""
    if not request_key:
        return None
    existing = model.objects.filter(request_key=request_key).first()
    if existing is not None and existing.booked_by_id != user.pk:
        raise BookingError(_("Ce formulaire est invalide ; rechargez la page."))
    return existing


def _checked_request(*, start, end, **who) -> BookingRequest:
    """Who books what, with the rules read and the slot's shape checked (one slot, or the first
    occurrence of a series)."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise BookingError(_("Indiquez un début et une fin."))
    first_day = local(start).date() if timezone.is_aware(start) else start.date()
    request = prepare(first_day=first_day, **who)
    check_shape(request, start, end)
    return request


def _lock_quota(request: BookingRequest) -> None:
    """Serialises one structure's bookings while a quota applies, so that two members booking
    two rooms cannot both take the last hours (PostgreSQL; SQLite already holds the write
    lock). Taken before the hours are counted. Every room of a quota's scope
    (events.rules.quota_scope) follows the rules that carry it, so every booking counted in
    that quota takes this lock first."""
    rules = request.rules
    if request.structure is not None and (
        rules.weekly_quota_hours is not None or rules.monthly_quota_hours is not None
    ):
        list(Structure.objects.select_for_update().filter(pk=request.structure.pk))


def _new_booking(request: BookingRequest, start: datetime, end: datetime, **extra) -> Booking:
    rules = request.rules
    status = (
        Booking.Status.PENDING
        if rules.approval_required and not request.as_manager
        else Booking.Status.CONFIRMED
    )
    return Booking(
        space=request.space,
        site=request.space.site,
        structure=request.structure,
        organisation=request.organisation,
        outside_name=request.outside_name,
        price=compute_price(rules, start, end)
        if request.is_outside and not request.site_team
        else None,
        booked_by=request.user,
        start=start,
        end=end,
        blocked_until=end + timedelta(minutes=rules.buffer_minutes),
        purpose=request.purpose,
        people=request.people,
        status=status,
        **extra,
    )


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or str(exc)


def _insert(booking: Booking) -> Booking:
    """Inserts in a savepoint: a new reference when the random one is taken; the overlap
    constraint's refusal (a write that did not lock the space) as a BookingError."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
            return booking
        except IntegrityError as exc:
            name = _constraint_name(exc)
            if "reference" in name and "events_booking" in str(exc):
                booking.reference = Booking._meta.get_field("reference").get_default()
                booking.pk = None
                continue
            if OVERLAP_CONSTRAINT in name:
                raise BookingError(
                    _("L'espace « %(space)s » vient d'être réservé sur ce créneau.")
                    % {"space": booking.space.name},
                    code="conflict",
                ) from None
            raise
    raise IntegrityError("reference")  # pragma: no cover (three random collisions)


def _twin_after(exc: IntegrityError, model, request_key: str | None, user):
    """A double submit that lost the race on the request_key's unique index (two submits of
    one form for two spaces, which do not wait for each other's lock) meets its twin."""
    twin = _existing_for_key(model, request_key, user)
    if twin is None:
        raise exc
    return twin


# --- Public API -----------------------------------------------------------------------------


def book(
    *,
    space: Space,
    user,
    start: datetime,
    end: datetime,
    purpose: str = "",
    people: int = 1,
    structure: Structure | None = None,
    organisation: Organisation | None = None,
    outside_name: str = "",
    request_key: str | None = None,
    on_behalf: bool = False,
    site_team: bool = False,
) -> Booking:
    """Books a space for a structure (a member, or a manager with on_behalf=True), for an
    outside organisation (a manager only), or for the site's own team (a manager, site_team=True
    with its name as outside_name: no price, allowed in rooms not rented outside). Raises
    BookingError, PermissionDenied for an anonymous user. The same request_key twice returns
    the first booking."""
    request_key = _clean_key(request_key)

    def write() -> Booking:
        _lock_space(space)
        twin = _existing_for_key(Booking, request_key, user)
        if twin is not None:
            return twin
        request = _checked_request(
            space=space,
            user=user,
            start=start,
            end=end,
            structure=structure,
            organisation=organisation,
            outside_name=outside_name,
            people=people,
            purpose=purpose,
            on_behalf=on_behalf,
            site_team=site_team,
        )
        # UTC from here on: Python's arithmetic on two Paris datetimes follows wall clocks.
        utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
        _lock_quota(request)
        problem = Checker(request, utc_start, utc_end).problem(utc_start, utc_end)
        if problem is not None:
            raise BookingError(problem, code="conflict")
        booking = _insert(_new_booking(request, utc_start, utc_end, request_key=request_key))
        transaction.on_commit(lambda: emails.booking_created(booking.pk, booking=booking))
        return booking

    try:
        return retrying_deadlocks(write)
    except IntegrityError as exc:
        return _twin_after(exc, Booking, request_key, user)


def move(
    booking: Booking, *, by, start: datetime, end: datetime, site_team: bool = False
) -> Booking:
    """Moves an active booking to another slot of its room, under the rules book() applies to
    whom it is booked for, as `by` (a member of its structure, or a manager of the site on its
    behalf; outside bookings: a manager): who may cancel it (Booking.objects.cancellable_by)
    may move it. Its own row is no conflict; a refused slot raises BookingError and leaves the
    booking as it was. The room, the holder and the reference stay; `site_team` as for book()."""

    def write() -> Booking:
        _lock_space(booking.space)
        locked = _locked(Booking.objects.cancellable_by(by), booking)
        on_behalf = (
            locked.structure_id is not None
            and not Structure.objects.of_member(by).filter(pk=locked.structure_id).exists()
        )
        request = _checked_request(
            space=locked.space,
            user=by,
            start=start,
            end=end,
            structure=locked.structure,
            organisation=locked.organisation,
            outside_name=locked.outside_name,
            people=locked.people,
            purpose=locked.purpose,
            on_behalf=on_behalf,
            site_team=site_team,
        )
        utc_start, utc_end = start.astimezone(UTC), end.astimezone(UTC)
        _lock_quota(request)
        problem = Checker(request, utc_start, utc_end, moving=locked).problem(utc_start, utc_end)
        if problem is not None:
            raise BookingError(problem, code="conflict")
        moved = _new_booking(request, utc_start, utc_end)
        locked.start, locked.end, locked.blocked_until = utc_start, utc_end, moved.blocked_until
        locked.price = moved.price
        try:
            with transaction.atomic():
                locked.save(update_fields=["start", "end", "blocked_until", "price", "updated_at"])
        except IntegrityError as exc:
            if OVERLAP_CONSTRAINT in _constraint_name(exc):
                raise BookingError(
                    _("L'espace « %(space)s » vient d'être réservé sur ce créneau.")
                    % {"space": locked.space.name},
                    code="conflict",
                ) from None
            raise
        return locked

    return retrying_deadlocks(write)


def _series_request(
    *,
    space,
    user,
    start,
    end,
    rule,
    structure,
    organisation,
    outside_name,
    people,
    purpose,
    on_behalf,
) -> tuple[BookingRequest, list[tuple[datetime, datetime]]]:
    if not isinstance(rule, Recurrence):
        raise BookingError(_("Choisissez une répétition."))
    request = _checked_request(
        space=space,
        user=user,
        start=start,
        end=end,
        structure=structure,
        organisation=organisation,
        outside_name=outside_name,
        people=people,
        purpose=purpose,
        on_behalf=on_behalf,
    )
    last_day = None
    if not request.as_manager:
        last_day = timezone.localdate() + timedelta(days=request.rules.horizon_days)
    try:
        slots = [
            (s.astimezone(UTC), e.astimezone(UTC))
            for s, e in occurrences(start, end, rule, last_day=last_day)
        ]
    except ValidationError as exc:
        raise BookingError(exc.messages[0]) from None
    if not slots:
        raise BookingError(_("Cette série n'a aucune occurrence avant la limite de réservation."))
    return request, slots


def _judge(request: BookingRequest, slots) -> list[Occurrence]:
    """Each occurrence with why it cannot be booked, if so: every rule a single booking on its
    date meets (its shape, the structure's occupancy on that date, notice, horizon, closed
    periods, opening hours, conflicts, quota), not the first occurrence's answer."""
    checker = Checker(request, slots[0][0], slots[-1][1], occupancy=occupancy_days(request, slots))
    result = []
    for start, end in slots:
        try:
            # The same wall-clock times each day, but not always the same length (a night
            # that changes the clocks).
            check_shape(request, start, end)
        except BookingError as error:
            problem = error.messages[0]
        else:
            problem = checker.problem(start, end)
        if problem is None:
            checker.accept(start, end)
        result.append(Occurrence(start, end, problem))
    return result


def preview_series(
    *,
    space: Space,
    user,
    structure: Structure | None,
    start: datetime,
    end: datetime,
    rule: Recurrence,
    people: int = 1,
    organisation: Organisation | None = None,
    outside_name: str = "",
    on_behalf: bool = False,
) -> list[Occurrence]:
    """Every occurrence (capped at the horizon and 52) with why it cannot be booked, if so.
    Reads only: book_series() checks them again under its lock."""
    request, slots = _series_request(
        space=space,
        user=user,
        start=start,
        end=end,
        rule=rule,
        structure=structure,
        organisation=organisation,
        outside_name=outside_name,
        people=people,
        purpose="",
        on_behalf=on_behalf,
    )
    return _judge(request, slots)


def book_series(
    *,
    space: Space,
    user,
    start: datetime,
    end: datetime,
    rule: Recurrence,
    skip_conflicts: bool,
    purpose: str = "",
    people: int = 1,
    structure: Structure | None = None,
    organisation: Organisation | None = None,
    outside_name: str = "",
    request_key: str | None = None,
    on_behalf: bool = False,
) -> BookingSeries:
    """Books every occurrence. With skip_conflicts=False one refused occurrence refuses the
    whole series; with True the refused ones are left out (at least one must remain)."""
    request_key = _clean_key(request_key)

    def write() -> BookingSeries:
        _lock_space(space)
        twin = _existing_for_key(BookingSeries, request_key, user)
        if twin is not None:
            return twin
        request, slots = _series_request(
            space=space,
            user=user,
            start=start,
            end=end,
            rule=rule,
            structure=structure,
            organisation=organisation,
            outside_name=outside_name,
            people=people,
            purpose=purpose,
            on_behalf=on_behalf,
        )
        _lock_quota(request)
        judged = _judge(request, slots)
        refused = [o for o in judged if o.conflict]
        if refused and not skip_conflicts:
            raise BookingError(_series_refusal(refused), code="conflict")
        accepted = [o for o in judged if not o.conflict]
        if not accepted:
            raise BookingError(_("Aucune occurrence de cette série ne peut être réservée."))
        series = BookingSeries.objects.create(
            space=request.space,
            structure=request.structure,
            organisation=request.organisation,
            booked_by=user,
            frequency=rule.frequency,
            interval=rule.interval,
            until=rule.until,
            count=rule.count,
            purpose=request.purpose,
            request_key=request_key,
        )
        ids = []
        for occurrence in accepted:
            booking = _new_booking(request, occurrence.start, occurrence.end, series=series)
            try:
                ids.append(_insert(booking).pk)
            except BookingError:
                if not skip_conflicts:
                    raise
        if not ids:
            raise BookingError(_("Aucune occurrence de cette série ne peut être réservée."))
        transaction.on_commit(lambda: emails.series_created(series.pk, ids))
        return series

    try:
        return retrying_deadlocks(write)
    except IntegrityError as exc:
        return _twin_after(exc, BookingSeries, request_key, user)


def _series_refusal(refused: Sequence[Occurrence]) -> str:
    head = ngettext(
        "%(n)d occurrence ne peut pas être réservée :",
        "%(n)d occurrences ne peuvent pas être réservées :",
        len(refused),
    ) % {"n": len(refused)}
    details = " ".join(
        _("%(day)s : %(reason)s") % {"day": capfirst(format_day(o.start)), "reason": o.conflict}
        for o in refused[:3]
    )
    more = " " + _("Et %(n)d autres.") % {"n": len(refused) - 3} if len(refused) > 3 else ""
    return f"{head} {details}{more}"


def _locked(bookings: QuerySet[Booking], booking: Booking) -> Booking:
    """The booking re-read under a lock among `bookings` (those the user may act on), so that
    two people deciding at once act once; PermissionDenied when it is not among them."""
    try:
        return bookings.select_for_update(of=("self",)).select_related("space").get(pk=booking.pk)
    except Booking.DoesNotExist:
        raise PermissionDenied from None


def cancel(booking: Booking, by) -> Booking:
    """Cancels a pending or confirmed booking, as Booking.objects.cancellable_by(by) allows:
    the booker and the members of its structure until it starts, the site's managers until it
    ends. Those are the people who may see it (Booking.objects.visible_to); anyone else gets
    PermissionDenied."""
    with transaction.atomic():
        booking = _locked(Booking.objects.visible_to(by), booking)
        if booking.status not in Booking.ACTIVE_STATUSES:
            raise BookingError(_("Cette réservation est déjà annulée ou refusée."))
        if not Booking.objects.cancellable_by(by).filter(pk=booking.pk).exists():
            raise BookingError(_("Une réservation commencée ou passée ne s'annule plus."))
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_by = by
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
        transaction.on_commit(lambda: emails.booking_cancelled([booking.pk]))
    return booking


def cancel_series_from(booking: Booking, by) -> int:
    """Cancels this occurrence and every later one of its series that `by` may cancel
    (Booking.objects.cancellable_by); returns how many."""
    if booking.series_id is None:
        cancel(booking, by)
        return 1
    with transaction.atomic():
        _locked(Booking.objects.visible_to(by), booking)
        rows = list(
            Booking.objects.cancellable_by(by)
            .select_for_update(of=("self",))
            .filter(series_id=booking.series_id, start__gte=booking.start)
            .order_by("start")
        )
        if not rows:
            raise BookingError(_("Il ne reste aucune occurrence à venir à annuler."))
        ids = [row.pk for row in rows]
        now = timezone.now()
        Booking.objects.filter(pk__in=ids).update(
            status=Booking.Status.CANCELLED, cancelled_by=by, cancelled_at=now, updated_at=now
        )
        transaction.on_commit(lambda: emails.booking_cancelled(ids))
    return len(ids)


def approve(booking: Booking, by) -> Booking:
    """A manager of the booking's site (Site.objects.managed_by) confirms a pending booking."""
    with transaction.atomic():
        booking = _locked(Booking.objects.managed_by(by), booking)
        if booking.status != Booking.Status.PENDING:
            raise BookingError(_("Seule une réservation en attente peut être validée."))
        booking.status = Booking.Status.CONFIRMED
        booking.decided_by = by
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        transaction.on_commit(lambda: emails.booking_decided(booking.pk))
    return booking


def refuse(booking: Booking, by, reason: str = "") -> Booking:
    """A manager of the booking's site (Site.objects.managed_by) refuses a pending booking."""
    reason = (reason or "").strip()
    with transaction.atomic():
        booking = _locked(Booking.objects.managed_by(by), booking)
        if len(reason) > 300:
            raise BookingError(_("Le motif tient en 300 caractères au plus."))
        if booking.status != Booking.Status.PENDING:
            raise BookingError(_("Seule une réservation en attente peut être refusée."))
        booking.status = Booking.Status.REFUSED
        booking.decided_by = by
        booking.decided_at = timezone.now()
        booking.refusal_reason = reason
        booking.save(
            update_fields=["status", "decided_by", "decided_at", "refusal_reason", "updated_at"]
        )
        transaction.on_commit(lambda: emails.booking_decided(booking.pk))
    return booking
