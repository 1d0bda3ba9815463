"""E-mails about structures. Callers send them through transaction.on_commit, once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import language
from occupants.models import Invitation


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("occupants:invitation", kwargs={"token": token})


def send_invitation(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "structure": invitation.structure,
        "inviter": invitation.invited_by,
        "url": invitation_url(token),
        "PLATFORM_NAME": settings.PLATFORM_NAME,
    }
    # An invitee who already has an account reads it in their language; anyone else in the
    # platform's.
    with translation.override(language.of_address(invitation.email)):
        subject = render_to_string("occupants/emails/invitation_subject.txt", context)
        body = render_to_string("occupants/emails/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])
