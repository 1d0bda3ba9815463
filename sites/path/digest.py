"""The daily digest of the project path: to each person responsible for steps, one e-mail with
their late steps and those due within DIGEST_DAYS, once a day (PathDigest records it)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts import language
from accounts.emails import absolute
from sites.models import PathDigest, Step

DIGEST_DAYS = 7


def due_steps(today: date):
    """The steps not done that are late or due within DIGEST_DAYS, of active people."""
    return (
        Step.objects.undone()
        .filter(
            responsible__isnull=False,
            responsible__is_active=True,
            due_date__lte=today + timedelta(days=DIGEST_DAYS),
        )
        .select_related("stage__path__site", "responsible")
        .order_by("due_date", "stage__path__site__name", "pk")
    )


def send_digests(today: date) -> int:
    """Sends the day's digests not sent yet; returns how many were sent."""
    by_person: dict[int, list[Step]] = defaultdict(list)
    for step in due_steps(today):
        by_person[step.responsible_id].append(step)
    already = set(
        PathDigest.objects.filter(day=today, user_id__in=by_person).values_list(
            "user_id", flat=True
        )
    )
    # Only the sites each person still manages: someone who left a site's team hears no more
    # of it (one query per person, from a daily command).
    sent = 0
    for user_id, steps in by_person.items():
        if user_id in already:
            continue
        user = steps[0].responsible
        managed = set(
            Step.objects.managed_by(user)
            .filter(pk__in=[step.pk for step in steps])
            .values_list("pk", flat=True)
        )
        steps = [step for step in steps if step.pk in managed]
        if not steps:
            continue
        try:
            with transaction.atomic():
                PathDigest.objects.create(user=user, day=today)
                _send(user, steps, today)
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent


def _send(user, steps: list[Step], today: date) -> None:
    late = [step for step in steps if step.due_date < today]
    soon = [step for step in steps if step.due_date >= today]
    for step in steps:
        site = step.stage.path.site
        step.url = absolute(reverse("path:timeline", kwargs={"slug": site.slug})) + (
            f"#etape-{step.pk}"
        )
    context = {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "user": user,
        "late": late,
        "soon": soon,
        "days": DIGEST_DAYS,
        "portfolio_url": absolute(reverse("path:portfolio")),
    }
    with translation.override(language.of(user)):
        subject = render_to_string("sites/path/emails/digest_subject.txt", context)
        body = render_to_string("sites/path/emails/digest.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
