"""The booking rules check: who may book what, and why a slot cannot be booked.

prepare() checks what does not depend on the slot (the space, the user's right to book it for
whom they book, the number of people) and reads the space's rules; check_shape() the slot itself
(order, step, duration); a Checker loads once what the rules of one slot or a series need
(opening hours, closed periods, the space's bookings, the structure's quota hours) and judges
each slot in memory. They read and raise; events.services locks, writes and sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from events.formatting import example_times, format_hours, format_minutes, format_slot, local
from events.models import MAX_BOOKING_DURATION, Booking, BookingRules
from events.rules import (
    at,
    closed_periods_bulk,
    effective_rules,
    elapsed,
    local_tz,
    open_intervals_bulk,
    quota_scope,
)
from occupants.models import Occupancy, Structure
from sites.models import Site, Space


class BookingError(ValidationError):
    """A booking request that the rules refuse; its message is shown to the user as is."""


def manages(user, site_id: int) -> bool:
    """Whether the user manages the site (Site.objects.managed_by): one query."""
    return Site.objects.managed_by(user).filter(pk=site_id).exists()


def conflict_message(space: Space, other: Booking) -> str:
    return _("L'espace « %(space)s » est déjà réservé %(slot)s.") % {
        "space": space.name,
        "slot": format_slot(other.start, other.end),
    }


def not_occupying(structure: Structure, space: Space) -> str:
    """Only the occupants of a site book its rooms, for a date within their occupancy."""
    return _(
        "« %(structure)s » n'occupe pas le lieu de l'espace « %(space)s » à cette date : "
        "seuls ses occupants le réservent."
    ) % {"structure": structure.name, "space": space.name}


@dataclass
class BookingRequest:
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
    site_team: bool = False  # a manager booking for the site's own team: free, never "rented"

    @property
    def is_outside(self) -> bool:
        return self.structure is None


def prepare(
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
    site_team: bool = False,
) -> BookingRequest:
    """Checks what does not depend on the slot: the space, the user's right to book it for
    whom they book (a member of a structure occupying the site on `first_day`, or a manager of
    the site), people; reads the space's rules. `site_team`: a manager books for the site's own
    team (its events), under `outside_name`, whether or not the room is rented outside."""
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
    rules = effective_rules(space)
    outside = organisation is not None or bool(outside_name)
    if site_team and not outside_name:
        raise BookingError(_("Indiquez pour qui le lieu réserve."))
    if outside:
        if structure is not None:
            raise BookingError(
                _(
                    "Une réservation est faite pour une structure ou pour une organisation "
                    "extérieure, pas les deux."
                )
            )
        if not manages(user, space.site_id):
            raise BookingError(
                _("Seul un responsable du lieu réserve pour une organisation extérieure.")
            )
        if not rules.outside_allowed and not site_team:
            raise BookingError(
                _("L'espace « %(space)s » n'est pas loué à l'extérieur.") % {"space": space.name}
            )
        return BookingRequest(
            space, user, rules, None, organisation, outside_name, people, purpose, True, site_team
        )
    if structure is None:
        raise BookingError(_("Choisissez la structure pour laquelle vous réservez."))
    # A member booking for their own structure needs no manager's right: not read then.
    if on_behalf and not manages(user, space.site_id):
        raise BookingError(_("Seul un responsable du lieu réserve pour le compte d'une structure."))
    occupancies = Occupancy.objects.current(on=first_day).filter(
        site_id=space.site_id, structure_id=structure.pk
    )
    if not on_behalf:
        # Member and occupant in one query; when that fails, say which.
        if occupancies.of_member(user).exists():
            return BookingRequest(space, user, rules, structure, None, "", people, purpose, False)
        if not Structure.objects.of_member(user).filter(pk=structure.pk).exists():
            raise BookingError(_("Vous n'êtes pas membre de cette structure."))
    if not occupancies.exists():
        raise BookingError(not_occupying(structure, space))
    return BookingRequest(space, user, rules, structure, None, "", people, purpose, on_behalf)


def occupancy_days(request: BookingRequest, slots) -> list[tuple[date, date]] | None:
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


def check_shape(request: BookingRequest, start, end) -> None:
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
        wall = local(moment)
        if wall.second or wall.microsecond or (wall.hour * 60 + wall.minute) % step:
            raise BookingError(
                _(
                    "Les réservations commencent et finissent sur un pas de %(step)d minutes "
                    "(par exemple %(example)s)."
                )
                % {"step": step, "example": example_times(step)}
            )


class Checker:
    """Loads once what the rules of one slot or a series of slots need (opening hours, closed
    periods, the space's bookings, the structure's quota hours), then judges each slot in
    memory. `occupancy`: the (start, end) days of the structure's occupancies of the site, when
    each slot's day must be checked against them (a series; one slot's day is checked by
    prepare())."""

    def __init__(
        self,
        request: BookingRequest,
        first_start: datetime,
        last_end: datetime,
        occupancy: Sequence[tuple[date, date]] | None = None,
        moving: Booking | None = None,
    ):
        self.request = request
        self.moving = moving  # a booking being moved: its own row is no conflict
        self.occupancy = occupancy
        self.rules = request.rules
        self.space = request.space
        self.now = timezone.now()
        tz = local_tz()
        first_day = first_start.astimezone(tz).date()
        last_day = last_end.astimezone(tz).date()
        self.buffer = timedelta(minutes=self.rules.buffer_minutes)
        space = self.space
        closed = closed_periods_bulk(
            [space], at(first_day, time(0)), at(last_day + timedelta(days=1), time(0))
        )
        self.closed = closed[space.pk]
        self.intervals = open_intervals_bulk([space], first_day, last_day, closed=closed)[space.pk]
        self.taken = self._load_taken(first_start, last_end + self.buffer)
        self.planned: list[tuple[datetime, datetime]] = []
        self.quota_usage: dict[tuple[str, date], Decimal] = {}
        self._load_quota(first_start, last_end)

    def _load_taken(self, start: datetime, until: datetime) -> list[Booking]:
        """The space's active bookings holding part of [start, until): each holds [start,
        blocked_until), its end plus the buffer of its day."""
        bookings = Booking.objects.active().holding(start, until).filter(space_id=self.space.pk)
        if self.moving is not None:
            bookings = bookings.exclude(pk=self.moving.pk)
        return list(
            bookings.only("pk", "start", "end", "blocked_until", "space_id").order_by("start", "pk")
        )

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
        day = local(moment).date()
        return [("week", day - timedelta(days=day.weekday())), ("month", day.replace(day=1))]

    def _load_quota(self, first_start: datetime, last_end: datetime) -> None:
        if not self._quota_applies():
            return
        tz = local_tz()
        moving = self.moving.pk if self.moving is not None else None
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
            .exclude(pk=moving)
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
                    "used": format_hours(used),
                    "quota": format_hours(limit),
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
            if local(start).date() > horizon:
                return ngettext(
                    "On réserve au plus %(n)d jour à l'avance.",
                    "On réserve au plus %(n)d jours à l'avance.",
                    rules.horizon_days,
                ) % {"n": rules.horizon_days}
        if self.occupancy is not None:
            day = local(start).date()
            if not any(first <= day <= last for first, last in self.occupancy):
                return not_occupying(self.request.structure, self.space)
        for period in self.closed:
            if period.start < end and period.end > start:
                message = _("L'espace « %(space)s » est fermé %(slot)s.") % {
                    "space": self.space.name,
                    "slot": format_slot(period.start, period.end),
                }
                if period.reason:
                    message += " " + _("Motif : %(reason)s.") % {"reason": period.reason}
                return message
        day = local(start).date()
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
