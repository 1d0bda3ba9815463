"""E-mails to candidates. Callers send them through transaction.on_commit, once."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import language
from occupants.models import Application


def _send(template: str, application: Application) -> None:
    context = {
        "application": application,
        "call": application.call,
        "site": application.call.site,
        "url": settings.SITE_URL + reverse("calls:application", kwargs={"pk": application.pk}),
        "PLATFORM_NAME": settings.PLATFORM_NAME,
    }
    with translation.override(language.of(application.applicant)):
        subject = render_to_string(f"occupants/calls/emails/{template}_subject.txt", context)
        body = render_to_string(f"occupants/calls/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [application.applicant.email])


def send_submitted(application_id: int) -> None:
    application = Application.objects.select_related("call__site", "applicant").get(
        pk=application_id
    )
    _send("submitted", application)


def send_status_changes(application_ids: Iterable[int]) -> None:
    applications = Application.objects.select_related("call__site", "applicant").filter(
        pk__in=list(application_ids)
    )
    for application in applications:
        _send("status", application)
