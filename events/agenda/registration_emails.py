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


def _message(
    registration: Registration, subject: str, intro: str, *, cancel_link: bool = True
) -> EmailMessage:
    paragraphs = [
        _("Bonjour %(name)s,") % {"name": registration.name},
        intro,
        _facts(registration),
    ]
    if cancel_link:
        paragraphs.append(
            _(
                "Vous ne pouvez pas venir ? Annulez votre inscription pour laisser votre place : "
                "%(url)s"
            )
            % {"url": cancel_url(registration)}
        )
    paragraphs.append(_("— %(platform)s") % {"platform": settings.PLATFORM_NAME})
    return EmailMessage(subject=subject, body="\n\n".join(paragraphs), to=[registration.email])


def _send(registration: Registration, subject: str, intro: str) -> None:
    _message(registration, subject, intro).send()


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


def event_cancelled(pks: list[int]) -> None:
    """To each of these registrations (confirmed or waiting when the event was cancelled): the
    event will not take place. No cancel link: there is nothing left to cancel."""
    registrations = (
        Registration.objects.select_related("event", "event__site")
        .filter(pk__in=pks)
        .exclude(email="")
    )
    for registration in registrations:
        _message(
            registration,
            _("Événement annulé : %(title)s") % {"title": registration.event.title},
            _(
                "L'événement auquel vous étiez inscrit·e est annulé par ses organisateurs. "
                "Nous sommes désolés pour ce contretemps."
            ),
            cancel_link=False,
        ).send()
