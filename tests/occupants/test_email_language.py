"""The e-mails of occupants reach each account in its language: the candidate's about their
application, the invitation to a person who already has an account. An invitation to an address
without an account stays in the platform's language."""

import pytest
from django.core import mail

from occupants import services
from occupants.calls import emails as calls_emails
from occupants.calls.services import applications_change_status
from occupants.models import Application
from tests.factories import UserFactory
from tests.occupants.calls_support import make_call, submitted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "received", "status"),
    [
        ("en", "Application received: Appel ateliers 2026", "Under review"),
        ("", "Candidature reçue : Appel ateliers 2026", "En étude"),
    ],
)
def test_a_candidate_reads_the_calls_emails_in_their_language(
    cast, django_capture_on_commit_callbacks, language, received, status
):
    candidate = UserFactory(email="camille@example.org", language=language)
    application = submitted(make_call(cast.site_a), candidate)
    calls_emails.send_submitted(application.pk)
    with django_capture_on_commit_callbacks(execute=True):
        applications_change_status(
            applications=Application.objects.filter(pk=application.pk),
            status=Application.Status.REVIEW,
        )
    assert [m.to for m in mail.outbox] == [["camille@example.org"]] * 2
    assert mail.outbox[0].subject == received
    assert mail.outbox[1].subject.endswith(status)
    hello = "Hello," if language == "en" else "Bonjour,"
    assert all(m.body.startswith(hello) for m in mail.outbox)


@pytest.mark.parametrize(
    ("account", "subject"),
    [
        ("en", "Invitation to join Atelier X on Interstices"),
        ("fr", "Invitation à rejoindre Atelier X sur Interstices"),
        (None, "Invitation à rejoindre Atelier X sur Interstices"),
    ],
)
def test_an_invitation_is_written_in_the_language_of_the_invitees_account(
    crew, django_capture_on_commit_callbacks, account, subject
):
    if account is not None:
        UserFactory(email="nina@example.org", language=account)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(crew.x, "Nina@Example.org", "membre", crew.lea)
    assert [m.subject for m in mail.outbox] == [subject]
