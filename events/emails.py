"""E-mails about bookings. events.services sends them through transaction.on_commit, once,
with row ids: each function re-reads what it needs after the commit (a booking just created
is passed as is, with its room, site, holder and booker already in memory). Each is written in
the language of the account it goes to (the managers': one message per language)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import language
from events.formatting import format_slot
from events.ics import bookings_ics
from events.models import Booking

ICS_TYPE = "text/calendar; charset=utf-8"


def _url(name: str, **kwargs) -> str:
    try:
        return settings.SITE_URL + reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return settings.SITE_URL + "/"


def _bookings(ids: Iterable[int]) -> list[Booking]:
    return list(
        Booking.objects.filter(pk__in=list(ids))
        .select_related("space", "site", "structure", "organisation", "booked_by", "series")
        .order_by("start")
    )


def _slot(booking: Booking) -> str:
    return format_slot(booking.start, booking.end)


def _line(booking: Booking) -> str:
    return _("- %(slot)s, %(space)s (%(site)s), référence %(ref)s") % {
        "slot": _slot(booking),
        "space": booking.space.name,
        "site": booking.site.name,
        "ref": booking.reference,
    }


class _Message(EmailMessage):
    """An e-mail whose .ics attachment is built when the message itself is, by the backend."""

    def __init__(self, *args, ics: Callable[[], bytes] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._ics = ics

    def message(self, **kwargs):
        if self._ics is not None:
            self.attach("reservation.ics", self._ics(), ICS_TYPE)
            self._ics = None
        return super().message(**kwargs)


def _send(
    subject: str, body: str, to: Sequence[str], attachment: Callable[[], bytes] | None = None
) -> None:
    """`attachment`: builds the .ics file, if any (only when the message is written out)."""
    to = [address for address in to if address]
    if not to:
        return
    body += "\n\n" + _("— %(platform)s") % {"platform": settings.PLATFORM_NAME}
    _Message(subject=subject, body=body, to=list(to), ics=attachment).send()


def _manager_emails(booking: Booking) -> dict[str, list[str]]:
    """The site's managers, else the operator's team: their addresses, by language."""
    users = get_user_model().objects.filter(is_active=True).only("email", "language")
    managers = list(users.filter(managed_sites=booking.site_id))
    if not managers:
        managers = list(users.filter(staff_organisations=booking.site.operator_id))
    by_language: dict[str, set[str]] = defaultdict(set)
    for user in managers:
        by_language[language.of(user)].add(user.email)
    return {code: sorted(emails) for code, emails in sorted(by_language.items())}


def _booker(booking: Booking) -> list[str]:
    return [booking.booked_by.email] if booking.booked_by_id else []


def _in_language_of_booker(booking: Booking):
    return translation.override(language.of(booking.booked_by if booking.booked_by_id else None))


def _created(bookings: list[Booking]) -> None:
    if not bookings:
        return
    first = bookings[0]
    with _in_language_of_booker(first):
        values = {"space": first.space.name, "site": first.site.name, "who": first.holder_name}
        if first.status == Booking.Status.CONFIRMED:
            subject = _("Réservation confirmée : %(space)s") % values
            intro = _("Votre réservation pour %(who)s est confirmée :") % values
        else:
            subject = _("Demande de réservation reçue : %(space)s") % values
            intro = (
                _("Votre demande pour %(who)s est en attente de validation par le lieu :") % values
            )
        body = "\n\n".join(
            [
                intro,
                "\n".join(_line(b) for b in bookings),
                _("Le fichier joint ajoute la réservation à votre agenda."),
                _("Vos réservations : %(url)s") % {"url": _url("events:mine")},
            ]
        )
        _send(subject, body, _booker(first), lambda: bookings_ics(bookings))
    if first.status != Booking.Status.PENDING:
        return
    who = first.booked_by.get_full_name() if first.booked_by_id else ""
    for written_in, managers in _manager_emails(first).items():
        with translation.override(written_in):
            values = {"space": first.space.name, "site": first.site.name, "who": first.holder_name}
            body = "\n\n".join(
                [
                    _("%(person)s demande, pour %(who)s :") % {"person": who, **values},
                    "\n".join(_line(b) for b in bookings),
                    _("Objet : %(purpose)s") % {"purpose": first.purpose or "—"},
                    _("Validez ou refusez la demande dans l'administration : %(url)s")
                    % {"url": _url("admin:index")},
                ]
            )
            _send(_("Réservation à valider : %(space)s (%(site)s)") % values, body, managers)


def booking_created(booking_id: int, booking: Booking | None = None) -> None:
    """`booking`: the row just saved by the same request, when the caller holds it."""
    _created([booking] if booking is not None else _bookings([booking_id]))


def series_created(series_id: int, booking_ids: Sequence[int]) -> None:
    _created(_bookings(booking_ids))


def booking_decided(booking_id: int) -> None:
    bookings = _bookings([booking_id])
    if not bookings:
        return
    booking = bookings[0]
    with _in_language_of_booker(booking):
        values = {"space": booking.space.name, "line": _line(booking)}
        if booking.status == Booking.Status.CONFIRMED:
            _send(
                _("Réservation validée : %(space)s") % values,
                _("Le lieu a validé votre réservation :\n\n%(line)s") % values,
                _booker(booking),
                lambda: bookings_ics([booking]),
            )
        elif booking.status == Booking.Status.REFUSED:
            body = _("Le lieu a refusé votre demande de réservation :\n\n%(line)s") % values
            if booking.refusal_reason:
                body += "\n\n" + _("Motif : %(reason)s") % {"reason": booking.refusal_reason}
            _send(_("Réservation refusée : %(space)s") % values, body, _booker(booking))


def booking_cancelled(booking_ids: Sequence[int]) -> None:
    """One message per person who booked, listing their cancelled bookings, in their language."""
    by_booker: dict[int, list[Booking]] = defaultdict(list)
    for booking in _bookings(booking_ids):
        if booking.booked_by_id:
            by_booker[booking.booked_by_id].append(booking)
    for bookings in by_booker.values():
        first = bookings[0]
        with _in_language_of_booker(first):
            body = "\n\n".join(
                [
                    _("Ces réservations sont annulées :")
                    if len(bookings) > 1
                    else _("Cette réservation est annulée :"),
                    "\n".join(_line(b) for b in bookings),
                ]
            )
            _send(
                _("Réservation annulée : %(space)s") % {"space": first.space.name},
                body,
                _booker(first),
                lambda bookings=bookings: bookings_ics(bookings, cancel=True),
            )
