"""E-mails to the people who register for an event: confirmation, waiting list, promotion.

events.agenda.registrations sends them through transaction.on_commit with the registration's
id; each re-reads the registration after the commit. Every one carries the cancel link (an
absolute address, settings.SITE_URL)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Min
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.formatting import format_slot
from events.models import Registration


def cancel_url(registration: Registration) -> str:
    return settings.SITE_URL + reverse(
        "agenda_registrations:cancel", kwargs={"token": registration.token}
    )


def _registration(pk: int) -> Registration | None:
    return (
        Registration.objects.select_related("event", "event__site")
        .filter(pk=pk)
        .exclude(email="")
        .first()
    )


def _facts(registration: Registration) -> str:
    event = registration.event
    timings = event.timings.order_by("start")
    first = timings.aggregate(first=Min("start"))["first"]
    lines = [
        _("Événement : %(title)s") % {"title": event.title},
        _("Lieu : %(site)s") % {"site": event.site.name},
    ]
    for timing in timings:
        lines.append(_("Date : %(slot)s") % {"slot": format_slot(timing.start, timing.end)})
    if first is None:
        lines.append(_("Date : à préciser"))
    lines.append(
        ngettext("%(n)d place", "%(n)d places", registration.places) % {"n": registration.places}
    )
    lines.append(
        _("Page de l'événement : %(url)s") % {"url": settings.SITE_URL + event.get_absolute_url()}
    )
    return "\n".join(lines)


def _send(registration: Registration, subject: str, intro: str) -> None:
    body = "\n\n".join(
        [
            _("Bonjour %(name)s,") % {"name": registration.name},
            intro,
            _facts(registration),
            _(
                "Vous ne pouvez pas venir ? Annulez votre inscription pour laisser votre place : "
                "%(url)s"
            )
            % {"url": cancel_url(registration)},
            _("— %(platform)s") % {"platform": settings.PLATFORM_NAME},
        ]
    )
    EmailMessage(subject=subject, body=body, to=[registration.email]).send()


def confirmed(pk: int) -> None:
    registration = _registration(pk)
    if registration is None:
        return
    title = registration.event.title
    _send(
        registration,
        _("Inscription confirmée : %(title)s") % {"title": title},
        _("Votre inscription est confirmée."),
    )


def waitlisted(pk: int) -> None:
    registration = _registration(pk)
    if registration is None:
        return
    title = registration.event.title
    _send(
        registration,
        _("Liste d'attente : %(title)s") % {"title": title},
        _(
            "L'événement est complet : vous êtes sur la liste d'attente. Si des places se "
            "libèrent, votre inscription sera confirmée automatiquement et vous recevrez un "
            "e-mail."
        ),
    )


def promoted(pk: int) -> None:
    registration = _registration(pk)
    if registration is None:
        return
    title = registration.event.title
    _send(
        registration,
        _("Une place s'est libérée : %(title)s") % {"title": title},
        _("Des places se sont libérées : votre inscription est maintenant confirmée."),
    )
