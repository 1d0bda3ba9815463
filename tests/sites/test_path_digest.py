"""manage.py path_digest: one e-mail a day per responsible person, with their late steps and
those due within seven days, of the sites they still manage."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from sites.models import PathDigest, PathTemplate, Step
from sites.path import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(cast):
    today = timezone.localdate()
    template = PathTemplate.objects.get(kind=PathTemplate.Kind.DEFAULT, operator__isnull=True)
    services.path_apply_template(site=cast.site_a, template=template, by=cast.olga)
    site_steps = Step.objects.filter(stage__path__site=cast.site_a)

    def give(title, user, days, done=False):
        site_steps.filter(title=title).update(
            responsible=user,
            due_date=today + timedelta(days=days),
            done_date=today if done else None,
        )

    give("Souscrire l'assurance", cast.mara, -2)  # late
    give("Diagnostic d'accessibilité", cast.mara, 5)  # due this week
    give("Aménager les espaces", cast.mara, 30)  # later: not in the digest
    give("Négocier la redevance et les charges", cast.mara, -1, done=True)  # done
    give("Rédiger le compte rendu de visite", cast.olga, 0)  # due today, for olga
    return cast


def test_each_person_gets_one_email_with_their_late_and_coming_steps(steps):
    call_command("path_digest")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "mara@example.org",
        "olga@example.org",
    ]
    to_mara = next(m for m in mail.outbox if m.to == ["mara@example.org"])
    assert to_mara.subject == ("Parcours des lieux : 1 étape en retard, 1 à faire cette semaine")
    body = to_mara.body
    late, soon = body.index("Étapes en retard"), body.index("Étapes à faire dans les 7")
    assert late < body.index("Souscrire l'assurance") < soon
    assert body.index("Diagnostic d'accessibilité") > soon
    assert "Aménager les espaces" not in body
    assert "Négocier la redevance" not in body
    assert f"/parcours/lieux/{steps.site_a.slug}/#etape-" in body


def test_running_twice_on_a_day_sends_nothing_more(steps):
    call_command("path_digest")
    call_command("path_digest")
    assert len(mail.outbox) == 2
    assert PathDigest.objects.count() == 2


def test_someone_who_left_the_sites_team_hears_no_more_of_it(steps):
    steps.site_a.managers.remove(steps.mara)
    call_command("path_digest")
    assert [message.to for message in mail.outbox] == [["olga@example.org"]]


def test_each_digest_is_written_in_the_language_of_its_reader(steps):
    steps.mara.language = "en"
    steps.mara.save(update_fields=["language"])
    call_command("path_digest")
    to_mara = next(m for m in mail.outbox if m.to == ["mara@example.org"])
    assert to_mara.subject == "Site paths: 1 late step, 1 due this week"
    assert "Late steps:" in to_mara.body and "Étapes en retard" not in to_mara.body
    to_olga = next(m for m in mail.outbox if m.to == ["olga@example.org"])
    assert to_olga.subject.startswith("Parcours des lieux : 0 étape en retard")
