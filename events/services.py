"""Booking workflows: book, book a series, cancel, approve, refuse.

Every function checks every rule first and raises BookingError (a ValidationError with a French
message) without saving anything when the request is refused.

No double booking, ever: on PostgreSQL the exclusion constraint `booking_no_overlap` refuses the
second of two overlapping active bookings whatever the timing, and its IntegrityError becomes a
BookingError naming the taken slot. On SQLite the settings open every transaction with
BEGIN IMMEDIATE, so the overlap check and the insert below run under the database write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from core.db import is_postgres, retrying_deadlocks
from events import emails
from events.availability import can_manage
from events.models import MAX_BOOKING_DURATION, Booking, BookingRules, BookingSeries
from events.recurrence import MAX_OCCURRENCES, Occurrence, Recurrence, occurrences
from events.rules import (
    at,
    closed_periods_bulk,
    effective_rules,
    elapsed,
    local_tz,
    open_intervals_bulk,
    quota_scope,
)
from events.sql import column_list, fetch
from occupants.models import Occupancy, Structure, StructureMember
from sites.models import Space

__all__ = [
    "MAX_OCCURRENCES",
    "BookingError",
    "Occurrence",
    "Recurrence",
    "approve",
    "book",
    "book_series",
    "can_manage",
    "cancel",
    "cancel_series_from",
    "preview_series",
    "refuse",
]

OVERLAP_CONSTRAINT = "booking_no_overlap"


class BookingError(ValidationError):
    """A booking request that the rules refuse; its message is shown to the user as is."""


# --- Formatting -------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    return moment.astimezone(local_tz())


def format_day(moment: datetime) -> str:
    """mardi 3 mars (in the active language)."""
    return formats.date_format(_local(moment), "l j F")


def format_slot(start: datetime, end: datetime) -> str:
    start_l, end_l = _local(start), _local(end)
    if start_l.date() == end_l.date() or (
        end_l.time() == time(0) and end_l - start_l <= timedelta(days=1)
    ):
        return _("le %(day)s de %(start)s à %(end)s") % {
            "day": format_day(start_l),
            "start": f"{start_l:%H:%M}",
            "end": f"{end_l:%H:%M}",
        }
    return _("du %(start_day)s %(start)s au %(end_day)s %(end)s") % {
        "start_day": format_day(start_l),
        "start": f"{start_l:%H:%M}",
        "end_day": format_day(end_l),
        "end": f"{end_l:%H:%M}",
    }


def format_minutes(minutes: int) -> str:
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return _("%(h)d h") % {"h": hours}
    return _("%(h)d h %(m)02d") % {"h": hours, "m": rest}


def conflict_message(space: Space, other: Booking) -> str:
    return _("L'espace « %(space)s » est déjà réservé %(slot)s.") % {
        "space": space.name,
        "slot": format_slot(other.start, other.end),
    }


# --- Who may do what ------------------------------------------------------------------------


def _can_cancel(booking: Booking, user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if booking.booked_by_id == user.pk:
        return True
    if (
        booking.structure_id
        and StructureMember.objects.filter(
            structure_id=booking.structure_id, user_id=user.pk
        ).exists()
    ):
        return True
    return can_manage(user, booking.site_id)


@dataclass
class _Request:
    """A booking request once the caller's rights are known."""

    space: Space
    user: object
    rules: BookingRules
    structure: Structure | None
    organisation: Organisation | None
    outside_name: str
    people: int
    purpose: str
    as_manager: bool  # a manager booking on behalf of a structure or an outside organisation

    @property
    def is_outside(self) -> bool:
        return self.structure is None


def _prepare(
    *,
    space: Space,
    user,
    structure: Structure | None,
    organisation: Organisation | None,
    outside_name: str,
    people,
    purpose: str,
    on_behalf: bool,
    first_day: date,
    rules=None,
    occupancy_periods=None,
) -> _Request:
    """Checks what does not depend on the slot: the space, the user's right, people. `rules`
    are the space's effective rules when the caller has just read them (same request);
    `occupancy_periods` the structure's (start, end) days of occupancy of the space's site,
    when the caller has just read them for a member of the structure
    (events.availability.get_space_to_book)."""
    if not isinstance(space, Space) or not space.pk:
        raise BookingError(_("Choisissez un espace."))
    if not space.is_bookable:
        raise BookingError(_("L'espace « %(space)s » ne se réserve pas.") % {"space": space.name})
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDenied
    outside_name = (outside_name or "").strip()
    purpose = (purpose or "").strip()
    if len(purpose) > 200:
        raise BookingError(_("L'objet tient en 200 caractères au plus."))
    if len(outside_name) > 200:
        raise BookingError(_("Le nom de l'organisation tient en 200 caractères au plus."))
    try:
        people = int(people)
    except (TypeError, ValueError):
        raise BookingError(_("Indiquez un nombre de personnes.")) from None
    if people < 1:
        raise BookingError(_("Indiquez au moins une personne."))
    if people > space.capacity:
        raise BookingError(
            ngettext(
                "L'espace « %(space)s » accueille au plus %(n)d personne.",
                "L'espace « %(space)s » accueille au plus %(n)d personnes.",
                space.capacity,
            )
            % {"space": space.name, "n": space.capacity}
        )
    rules = rules if rules is not None else effective_rules(space)
    outside = organisation is not None or bool(outside_name)
    if outside:
        if structure is not None:
            raise BookingError(
                _(
                    "Une réservation est faite pour une structure ou pour une organisation "
                    "extérieure, pas les deux."
                )
            )
        if not can_manage(user, space.site_id):
            raise BookingError(
                _("Seul un responsable du lieu réserve pour une organisation extérieure.")
            )
        if not rules.outside_allowed:
            raise BookingError(
                _("L'espace « %(space)s » n'est pas loué à l'extérieur.") % {"space": space.name}
            )
        return _Request(space, user, rules, None, organisation, outside_name, people, purpose, True)
    if structure is None:
        raise BookingError(_("Choisissez la structure pour laquelle vous réservez."))
    # A member booking for their own structure needs no manager's right: not read then.
    if on_behalf and not can_manage(user, space.site_id):
        raise BookingError(_("Seul un responsable du lieu réserve pour le compte d'une structure."))
    if (
        not on_behalf
        and occupancy_periods is not None
        and any(start <= first_day <= end for start, end in occupancy_periods)
    ):
        return _Request(space, user, rules, structure, None, "", people, purpose, False)
    occupancies = Occupancy.objects.current(on=first_day).filter(
        site_id=space.site_id, structure_id=structure.pk
    )
    if not on_behalf and occupancy_periods is None:
        # Member and occupant in one query; when that fails, say which.
        if occupancies.filter(structure__members__user_id=user.pk).exists():
            return _Request(space, user, rules, structure, None, "", people, purpose, False)
        if not StructureMember.objects.filter(structure_id=structure.pk, user_id=user.pk).exists():
            raise BookingError(_("Vous n'êtes pas membre de cette structure."))
    if not occupancies.exists():
        raise BookingError(_not_occupying(structure, space))
    return _Request(space, user, rules, structure, None, "", people, purpose, on_behalf)


def _not_occupying(structure: Structure, space: Space) -> str:
    """Only the occupants of a site book its rooms, for a date within their occupancy."""
    return _(
        "« %(structure)s » n'occupe pas le lieu de l'espace « %(space)s » à cette date : "
        "seuls ses occupants le réservent."
    ) % {"structure": structure.name, "space": space.name}


def _occupancy_days(request: _Request, slots) -> list[tuple[date, date]] | None:
    """The (start, end) days of the structure's occupancies of the site that run during the
    slots' days (one query), or None for an outside organisation, which occupies nothing."""
    if request.structure is None:
        return None
    tz = local_tz()
    return list(
        Occupancy.objects.during(
            slots[0][0].astimezone(tz).date(), slots[-1][0].astimezone(tz).date()
        )
        .filter(site_id=request.space.site_id, structure_id=request.structure.pk)
        .values_list("start", "end")
    )


def _check_shape(request: _Request, start, end) -> None:
    """The slot itself: aware datetimes, order, step, duration."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise BookingError(_("Indiquez un début et une fin."))
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise BookingError(_("Indiquez un début et une fin avec leur fuseau horaire."))
    if end <= start:
        raise BookingError(_("La fin de la réservation doit suivre son début."))
    rules = request.rules
    duration = elapsed(start, end)
    minutes = int(duration.total_seconds() // 60)
    if duration > MAX_BOOKING_DURATION or (not request.as_manager and minutes > rules.max_minutes):
        raise BookingError(
            _("Une réservation dure au plus %(d)s.")
            % {"d": format_minutes(rules.max_minutes if not request.as_manager else 14 * 24 * 60)}
        )
    if minutes < rules.min_minutes:
        raise BookingError(
            _("Une réservation dure au moins %(d)s.") % {"d": format_minutes(rules.min_minutes)}
        )
    step = rules.slot_minutes
    for moment in (start, end):
        local = _local(moment)
        if local.second or local.microsecond or (local.hour * 60 + local.minute) % step:
            raise BookingError(
                _(
                    "Les réservations commencent et finissent sur un pas de %(step)d minutes "
                    "(par exemple %(example)s)."
                )
                % {"step": step, "example": _example_times(step)}
            )


def _example_times(step: int) -> str:
    first = datetime.combine(date(2000, 1, 1), time(14))
    return ", ".join(f"{first + timedelta(minutes=step * n):%H:%M}" for n in range(3))


# --- The rules that depend on other rows ------------------------------------------------------


class _Checker:
    """Loads once what the rules of a series of slots need (opening hours, closed periods,
    the space's bookings, the structure's hours), then judges each slot in memory.
    `occupancy`: the (start, end) days of the structure's occupancies of the site, when each
    slot's day must be checked against them (a series; one slot's day is checked by
    _prepare())."""

    def __init__(
        self,
        request: _Request,
        first_start: datetime,
        last_end: datetime,
        taken=None,
        occupancy: Sequence[tuple[date, date]] | None = None,
    ):
        self.request = request
        self.occupancy = occupancy
        self.rules = request.rules
        self.space = request.space
        self.now = timezone.now()
        tz = local_tz()
        first_day = first_start.astimezone(tz).date()
        last_day = last_end.astimezone(tz).date()
        buffer = timedelta(minutes=self.rules.buffer_minutes)
        self.buffer = buffer
        space = self.space
        closed = closed_periods_bulk(
            [space], at(first_day, time(0)), at(last_day + timedelta(days=1), time(0))
        )
        self.closed = closed[space.pk]
        self.intervals = open_intervals_bulk([space], first_day, last_day, closed=closed)[space.pk]
        # Each booking holds [start, blocked_until): its end plus the buffer of its day.
        # `taken`: the bookings overlapping [first_start, last_end + buffer), when the caller
        # has just read them (one slot: its conflict).
        if taken is None:
            taken = (
                Booking.objects.active()
                .holding(first_start, last_end + buffer)
                .filter(space_id=self.space.pk)
                .only("pk", "start", "end", "blocked_until", "space_id")
            )
        self.taken = list(taken)
        self.planned: list[tuple[datetime, datetime]] = []
        self.quota_usage: dict[tuple[str, date], Decimal] = {}
        self._load_quota(first_start, last_end)

    # Quotas count the hours of a structure's active bookings in the rooms that the quota's
    # rules govern (events.rules.quota_scope), per Monday-to-Sunday week and per calendar
    # month of their start (Paris time).
    def _quota_applies(self) -> bool:
        return (
            not self.request.as_manager
            and self.request.structure is not None
            and (
                self.rules.weekly_quota_hours is not None
                or self.rules.monthly_quota_hours is not None
            )
        )

    @staticmethod
    def _periods(moment: datetime) -> list[tuple[str, date]]:
        day = _local(moment).date()
        return [("week", day - timedelta(days=day.weekday())), ("month", day.replace(day=1))]

    def _load_quota(self, first_start: datetime, last_end: datetime) -> None:
        if not self._quota_applies():
            return
        tz = local_tz()
        first_day = first_start.astimezone(tz).date().replace(day=1)
        first_day = min(first_day, first_start.astimezone(tz).date() - timedelta(days=6))
        last_day = last_end.astimezone(tz).date() + timedelta(days=32)
        rows = (
            Booking.objects.active()
            .filter(
                quota_scope(self.rules),
                structure_id=self.request.structure.pk,
                start__gte=datetime.combine(first_day, time(0), tzinfo=tz),
                start__lt=datetime.combine(last_day, time(0), tzinfo=tz),
            )
            .values_list("start", "end")
        )
        for start, end in rows:
            self._count(start, end)

    def _count(self, start: datetime, end: datetime) -> None:
        hours = Decimal(elapsed(start, end).total_seconds()) / Decimal(3600)
        for key in self._periods(start):
            self.quota_usage[key] = self.quota_usage.get(key, Decimal(0)) + hours

    def _quota_problem(self, start: datetime, end: datetime) -> str | None:
        if not self._quota_applies():
            return None
        hours = Decimal(elapsed(start, end).total_seconds()) / Decimal(3600)
        limits = {"week": self.rules.weekly_quota_hours, "month": self.rules.monthly_quota_hours}
        for key in self._periods(start):
            limit = limits[key[0]]
            if limit is None:
                continue
            used = self.quota_usage.get(key, Decimal(0))
            if used + hours > limit:
                values = {
                    "structure": self.request.structure.name,
                    "used": _hours(used),
                    "quota": _hours(limit),
                }
                if key[0] == "week":
                    return (
                        _(
                            "« %(structure)s » a déjà réservé %(used)s cette semaine-là ; son "
                            "quota est de %(quota)s par semaine."
                        )
                        % values
                    )
                return (
                    _(
                        "« %(structure)s » a déjà réservé %(used)s ce mois-là ; son quota est "
                        "de %(quota)s par mois."
                    )
                    % values
                )
        return None

    def problem(self, start: datetime, end: datetime) -> str | None:
        """Why this slot cannot be booked, or None."""
        if start < self.now:
            return _("Ce créneau (%(slot)s) est déjà passé.") % {"slot": format_slot(start, end)}
        rules = self.rules
        if not self.request.as_manager:
            if start < self.now + timedelta(minutes=rules.min_notice_minutes):
                return _("Réservez au moins %(d)s à l'avance.") % {
                    "d": format_minutes(rules.min_notice_minutes)
                }
            horizon = timezone.localdate(self.now) + timedelta(days=rules.horizon_days)
            if _local(start).date() > horizon:
                return ngettext(
                    "On réserve au plus %(n)d jour à l'avance.",
                    "On réserve au plus %(n)d jours à l'avance.",
                    rules.horizon_days,
                ) % {"n": rules.horizon_days}
        if self.occupancy is not None:
            day = _local(start).date()
            if not any(first <= day <= last for first, last in self.occupancy):
                return _not_occupying(self.request.structure, self.space)
        for period in self.closed:
            if period.start < end and period.end > start:
                message = _("L'espace « %(space)s » est fermé %(slot)s.") % {
                    "space": self.space.name,
                    "slot": format_slot(period.start, period.end),
                }
                if period.reason:
                    message += " " + _("Motif : %(reason)s.") % {"reason": period.reason}
                return message
        day = _local(start).date()
        if not any(
            o_start <= start and end <= o_end for o_start, o_end in self.intervals.get(day, [])
        ):
            return _("Ce créneau (%(slot)s) sort des horaires d'ouverture de « %(space)s ».") % {
                "slot": format_slot(start, end),
                "space": self.space.name,
            }
        blocked_until = end + self.buffer
        for other in self.taken:
            if other.start < blocked_until and other.blocked_until > start:
                message = conflict_message(self.space, other)
                if not (other.start < end and other.end > start):
                    # Only the buffer separates them.
                    gap = max(other.blocked_until - other.end, self.buffer)
                    message += " " + _("Laissez %(d)s entre deux réservations.") % {
                        "d": format_minutes(int(gap.total_seconds() // 60))
                    }
                return message
        for p_start, p_end in self.planned:
            if p_start < blocked_until and p_end + self.buffer > start:
                return _("Cette occurrence chevauche une autre occurrence de la série.")
        return self._quota_problem(start, end)

    def accept(self, start: datetime, end: datetime) -> None:
        """Counts a slot that the caller is about to book (series: quota and self-overlap)."""
        self.planned.append((start, end))
        if self._quota_applies():
            self._count(start, end)


def _hours(value: Decimal) -> str:
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return _("%(h)s h") % {"h": formats.number_format(value)}


def compute_price(rules: BookingRules, start: datetime, end: datetime) -> Decimal:
    """Outside bookings: hours × hourly price, each day capped at the day price if any."""
    total = Decimal(0)
    cursor = start
    while cursor < end:
        day_end = datetime.combine(
            _local(cursor).date() + timedelta(days=1), time(0), tzinfo=local_tz()
        )
        chunk_end = min(end, day_end)
        hours = Decimal(elapsed(cursor, chunk_end).total_seconds()) / Decimal(3600)
        amount = hours * rules.price_per_hour
        if rules.price_per_day is not None:
            amount = min(amount, rules.price_per_day)
        total += amount
        cursor = chunk_end
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _constraint_name(exc: IntegrityError) -> str:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", "") or str(exc)


# --- The check and the insert: small functions the tests can wrap -------------------------


# Every booking attempt runs this check: its SQL is written out, a fifth of what building the
# same query with the ORM costs per request. The request_key part uses its unique index.
_CONFLICT_SQL = """
SELECT {columns} FROM {table}
WHERE ({overlap}){by_key}
ORDER BY "start", id
"""
# On PostgreSQL the overlap is the exclusion constraint's own test, which its GiST index on
# (space, range) answers with the overlapping rows alone; the statuses are written out (they
# are the index's condition) so that a prepared statement's generic plan uses it too. Comparing
# "start" and blocked_until would read every earlier row of the room, cancelled and dead ones
# included: 0.35 ms instead of 0.04 on the bench's room, while its (space, start) index held
# 4,400 entries (most of them the bench's deleted bookings, awaiting vacuum).
_ACTIVE_SQL = ", ".join(f"'{status}'" for status in Booking.ACTIVE_STATUSES)
_OVERLAP_POSTGRES = (
    f"status IN ({_ACTIVE_SQL}) AND space_id = %s"
    " AND TSTZRANGE(\"start\", blocked_until, '[)') && TSTZRANGE(%s, %s, '[)')"
)
_OVERLAP_SQLITE = 'status IN (%s, %s) AND space_id = %s AND "start" < %s AND blocked_until > %s'


def _find_conflict(
    space: Space, start: datetime, end: datetime, buffer: timedelta, request_key=None
):
    """The active booking that overlaps [start, end + buffer), or None. With a request_key,
    the same query looks for the booking made by an earlier submit of the same form (whatever
    its slot and status) and returns it first."""
    ops = connection.ops
    until = ops.adapt_datetimefield_value(end + buffer)
    since = ops.adapt_datetimefield_value(start)
    if is_postgres():
        overlap, params = _OVERLAP_POSTGRES, [space.pk, since, until]
    else:
        overlap, params = _OVERLAP_SQLITE, [*Booking.ACTIVE_STATUSES, space.pk, until, since]
    if request_key:
        params.append(request_key)
    sql = _CONFLICT_SQL.format(
        columns=column_list(Booking),
        table=ops.quote_name(Booking._meta.db_table),
        overlap=overlap,
        by_key=" OR request_key = %s" if request_key else "",
    )
    rows = sorted(
        fetch(Booking, sql, params),
        key=lambda row: (not request_key or row.request_key != request_key, row.start),
    )
    return rows[0] if rows else None


def _reference_taken(exc: IntegrityError) -> bool:
    return "reference" in _constraint_name(exc) and "events_booking" in str(exc)


def _insert(booking: Booking) -> Booking:
    """Inserts inside a savepoint so that a refused row leaves the transaction usable."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                booking.save(force_insert=True)
            return booking
        except IntegrityError as exc:
            if _reference_taken(exc):
                booking.reference = Booking._meta.get_field("reference").get_default()
                booking.pk = None
                continue
            raise
    raise IntegrityError("reference")  # pragma: no cover (three random collisions)


def _refusal_after_integrity_error(
    exc: IntegrityError, space: Space, start: datetime, end: datetime, buffer: timedelta
) -> BookingError:
    other = _find_conflict(space, start, end, buffer)
    if other is not None:
        return BookingError(conflict_message(space, other), code="conflict")
    if OVERLAP_CONSTRAINT in _constraint_name(exc):
        return BookingError(
            _("L'espace « %(space)s » vient d'être réservé sur ce créneau.")
            % {"space": space.name},
            code="conflict",
        )
    return BookingError(_("La réservation n'a pas pu être enregistrée. Réessayez."))


def _new_booking(request: _Request, start: datetime, end: datetime, **extra) -> Booking:
    rules = request.rules
    status = (
        Booking.Status.PENDING
        if rules.approval_required and not request.as_manager
        else Booking.Status.CONFIRMED
    )
    space = request.space
    # The site object when the caller read it with the room (the e-mail names it).
    site = {"site": space.site} if Space.site.is_cached(space) else {"site_id": space.site_id}
    return Booking(
        space=space,
        **site,
        structure=request.structure,
        organisation=request.organisation,
        outside_name=request.outside_name,
        price=compute_price(rules, start, end) if request.is_outside else None,
        booked_by=request.user,
        start=start,
        end=end,
        blocked_until=end + timedelta(minutes=rules.buffer_minutes),
        purpose=request.purpose,
        people=request.people,
        status=status,
        **extra,
    )


def _clean_key(request_key) -> str | None:
    if request_key in (None, ""):
        return None
    key = str(request_key)
    if len(key) > 64:
        raise BookingError(_("Ce formulaire est invalide ; rechargez la page."))
    return key


def _existing_for_key(model, request_key: str | None, user):
    if not request_key:
        return None
    existing = model.objects.filter(request_key=request_key).first()
    return _own_twin(existing, user) if existing is not None else None


def _own_twin(existing, user):
    """The row made by an earlier submit of the same form; someone else's key is refused."""
    if existing.booked_by_id != user.pk:
        raise BookingError(_("Ce formulaire est invalide ; rechargez la page."))
    return existing


def _quota_applies(request: _Request) -> bool:
    rules = request.rules
    return request.structure is not None and (
        rules.weekly_quota_hours is not None or rules.monthly_quota_hours is not None
    )


def _lock_quota(request: _Request) -> None:
    """Serialises one structure's bookings while a quota applies, so that two members cannot
    both take the last hours (PostgreSQL; SQLite already holds the write lock). Taken before
    the hours are counted. Every room of a quota's scope (events.rules.quota_scope) follows the
    rules that carry it, so every booking counted in that quota takes this lock first."""
    if _quota_applies(request):
        list(Structure.objects.select_for_update().filter(pk=request.structure.pk))


def _checked_request(*, start, end, rules=None, **who) -> _Request:
    """Who books what, with the rules read and the slot's shape checked (one slot, or the first
    occurrence of a series)."""
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise BookingError(_("Indiquez un début et une fin."))
    first_day = _local(start).date() if timezone.is_aware(start) else start.date()
    request = _prepare(first_day=first_day, rules=rules, **who)
    _check_shape(request, start, end)
    return request


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
    rules=None,
    occupancy_periods=None,
) -> Booking:
    """Books a space for a structure (a member, or a manager with on_behalf=True) or for an
    outside organisation (a manager only). Raises BookingError, PermissionDenied for an
    anonymous user. The same request_key twice returns the first booking. `rules`: the
    space's effective_rules() when the caller read them in the same request (one query less);
    `occupancy_periods`: see _prepare() (one query less).

    The request_key is not looked up beforehand: a second submit meets its twin either as the
    conflicting booking (same slot), on a refusal, or as the key's unique index on insert."""
    request_key = _clean_key(request_key)
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
        rules=rules,
        occupancy_periods=occupancy_periods,
    )
    # UTC from here on: Python's arithmetic on two Paris datetimes follows wall clocks.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    buffer = timedelta(minutes=request.rules.buffer_minutes)

    # In a transaction of its own, the insert needs no savepoint: a refused row ends that
    # transaction and is answered after its rollback (two round trips fewer per booking).
    own_transaction = not transaction.get_connection().in_atomic_block

    def write() -> Booking:
        _lock_quota(request)
        # The overlap check proper. On SQLite it runs with the insert under the write lock
        # taken by BEGIN IMMEDIATE; on PostgreSQL the exclusion constraint is the guarantee.
        # With the request_key it also finds the booking of an earlier submit of this form.
        other = _find_conflict(request.space, start, end, buffer, request_key=request_key)
        if other is not None and request_key and other.request_key == request_key:
            return _own_twin(other, user)
        checker = _Checker(request, start, end, taken=[other] if other is not None else [])
        problem = checker.problem(start, end)
        if problem is not None:
            raise BookingError(problem, code="conflict")
        booking = _new_booking(request, start, end, request_key=request_key)
        if own_transaction:
            booking.save(force_insert=True)
        else:
            try:
                _insert(booking)
            except IntegrityError as exc:
                return _after_refused_insert(exc, request, start, end, buffer, request_key)
        transaction.on_commit(lambda: emails.booking_created(booking.pk, booking=booking))
        return booking

    if not own_transaction:
        return retrying_deadlocks(write)
    # On PostgreSQL the exclusion constraint and the request_key's unique index are the
    # guarantee: unless a quota must be serialised, the check and the single INSERT need no
    # transaction around them (BEGIN and COMMIT are two round trips of every attempt). An
    # insert that loses a race is refused by the constraint and answered below.
    atomic = not is_postgres() or _quota_applies(request)
    for _attempt in range(3):
        try:
            return retrying_deadlocks(write, atomic=atomic)
        except IntegrityError as exc:  # rolled back
            if not _reference_taken(exc):
                return _after_refused_insert(exc, request, start, end, buffer, request_key)
    raise IntegrityError("reference")  # pragma: no cover (three random collisions)


def _after_refused_insert(exc, request: _Request, start, end, buffer, request_key) -> Booking:
    """A double submit that lost the race meets its twin here; anyone else, the winner."""
    twin = _existing_for_key(Booking, request_key, request.user)
    if twin is not None:
        return twin
    raise _refusal_after_integrity_error(exc, request.space, start, end, buffer) from exc


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
) -> tuple[_Request, list[tuple[datetime, datetime]]]:
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


def _judge(request: _Request, slots) -> list[Occurrence]:
    """Each occurrence with why it cannot be booked, if so: every rule a single booking on its
    date meets (its shape, the structure's occupancy on that date, notice, horizon, closed
    periods, opening hours, conflicts, quota), not the first occurrence's answer."""
    checker = _Checker(
        request, slots[0][0], slots[-1][1], occupancy=_occupancy_days(request, slots)
    )
    result = []
    for start, end in slots:
        try:
            # The same wall-clock times each day, but not always the same length (a night
            # that changes the clocks).
            _check_shape(request, start, end)
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
    """Every occurrence (capped at the horizon and 52) with why it cannot be booked, if so."""
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
    existing = _existing_for_key(BookingSeries, request_key, user)
    if existing is not None:
        return existing
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
    try:
        return _write_series(request, slots, rule, skip_conflicts, request_key)
    except (BookingError, IntegrityError):
        # A double submit that lost the race: the twin series is there once the other commits.
        if request_key:
            twin = BookingSeries.objects.filter(
                request_key=request_key, booked_by_id=user.pk
            ).first()
            if twin is not None:
                return twin
        raise


def _write_series(
    request: _Request, slots, rule: Recurrence, skip_conflicts: bool, request_key: str | None
) -> BookingSeries:
    user = request.user
    buffer = timedelta(minutes=request.rules.buffer_minutes)

    def write() -> BookingSeries:
        existing = _existing_for_key(BookingSeries, request_key, user)
        if existing is not None:
            return existing
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
        created = []
        for occurrence in accepted:
            other = _find_conflict(request.space, occurrence.start, occurrence.end, buffer)
            problem = conflict_message(request.space, other) if other else None
            if problem is None:
                booking = _new_booking(request, occurrence.start, occurrence.end, series=series)
                try:
                    _insert(booking)
                    created.append(booking)
                    continue
                except IntegrityError as exc:
                    problem = _refusal_after_integrity_error(
                        exc, request.space, occurrence.start, occurrence.end, buffer
                    ).messages[0]
            if not skip_conflicts:
                raise BookingError(problem, code="conflict")
        if not created:
            raise BookingError(_("Aucune occurrence de cette série ne peut être réservée."))
        ids = [b.pk for b in created]
        transaction.on_commit(lambda: emails.series_created(series.pk, ids))
        return series

    return retrying_deadlocks(write)


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


def _locked(booking: Booking) -> Booking:
    # Re-read the row under a lock so that two managers deciding at once act once.
    return Booking.objects.select_for_update().select_related("space").get(pk=booking.pk)


def cancel(booking: Booking, by) -> Booking:
    """The booker, a member of the booking's structure or a manager of its site may cancel
    a pending or confirmed booking that has not started yet (managers: any time)."""
    if not _can_cancel(booking, by):
        raise PermissionDenied
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status not in Booking.ACTIVE_STATUSES:
            raise BookingError(_("Cette réservation est déjà annulée ou refusée."))
        if booking.end <= timezone.now() or (
            booking.start <= timezone.now() and not can_manage(by, booking.site_id)
        ):
            raise BookingError(_("Une réservation commencée ou passée ne s'annule plus."))
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_by = by
        booking.cancelled_at = timezone.now()
        booking.save(update_fields=["status", "cancelled_by", "cancelled_at", "updated_at"])
        transaction.on_commit(lambda: emails.booking_cancelled([booking.pk]))
    return booking


def cancel_series_from(booking: Booking, by) -> int:
    """Cancels this occurrence and every later active one of its series; returns how many."""
    if not _can_cancel(booking, by):
        raise PermissionDenied
    if booking.series_id is None:
        cancel(booking, by)
        return 1
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            Booking.objects.select_for_update()
            .active()
            .filter(series_id=booking.series_id, start__gte=max(booking.start, now))
            .order_by("start")
        )
        if not rows:
            raise BookingError(_("Il ne reste aucune occurrence à venir à annuler."))
        ids = [row.pk for row in rows]
        Booking.objects.filter(pk__in=ids).update(
            status=Booking.Status.CANCELLED, cancelled_by=by, cancelled_at=now, updated_at=now
        )
        transaction.on_commit(lambda: emails.booking_cancelled(ids))
    return len(ids)


def approve(booking: Booking, by) -> Booking:
    if not can_manage(by, booking.site_id):
        raise PermissionDenied
    with transaction.atomic():
        booking = _locked(booking)
        if booking.status != Booking.Status.PENDING:
            raise BookingError(_("Seule une réservation en attente peut être validée."))
        booking.status = Booking.Status.CONFIRMED
        booking.decided_by = by
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        transaction.on_commit(lambda: emails.booking_decided(booking.pk))
    return booking


def refuse(booking: Booking, by, reason: str = "") -> Booking:
    if not can_manage(by, booking.site_id):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise BookingError(_("Le motif tient en 300 caractères au plus."))
    with transaction.atomic():
        booking = _locked(booking)
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


def is_database_guarded() -> bool:
    """True where the database itself refuses overlaps (PostgreSQL)."""
    return is_postgres()
