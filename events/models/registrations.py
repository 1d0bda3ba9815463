"""Registrations to an event and the attendance recorded after it (exported by events.models).

A registration is made by a name and an e-mail address, not by an account: whoever has the
event's page may register, and the secret token of the confirmation e-mail cancels it. Only
events.agenda.registrations creates, cancels and promotes them, under a lock on the event, so
that the confirmed places never exceed the event's capacity.

Attendance is counted, not named: a total and, for the impact reports, counts by public
(AttendanceCount rows that a report sums in SQL).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from events.models.agenda import Event, Public

# The most places one registration takes: a family or a small group, not a whole class.
MAX_PLACES = 10


def new_registration_token() -> str:
    return secrets.token_urlsafe(32)


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waitlisted(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.WAITLISTED)

    def active(self) -> RegistrationQuerySet:
        """Confirmed or waiting: the registrations still standing."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def places(self) -> int:
        return self.aggregate(total=Sum("places"))["total"] or 0

    def overbooked_events(self) -> list[int]:
        """The events whose confirmed places exceed their capacity: must always be empty.
        What the concurrency tests check after every load."""
        return list(
            self.confirmed()
            .filter(event__capacity__isnull=False)
            .values("event_id")
            .annotate(taken=Sum("places"))
            .filter(taken__gt=F("event__capacity"))
            .values_list("event_id", flat=True)
        )


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmee", _("Confirmée")
        WAITLISTED = "attente", _("Liste d'attente")
        CANCELLED = "annulee", _("Annulée")

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="registrations"
    )
    # Blank once erased (erase_person) or past the retention period (purge_registrations).
    name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    places = models.PositiveSmallIntegerField(
        _("places"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PLACES)],
    )
    public = models.CharField(_("public"), max_length=20, choices=Public.choices, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    token = models.CharField(
        max_length=64, unique=True, default=new_registration_token, editable=False
    )
    created_at = models.DateTimeField(_("inscrite le"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("sortie de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisée le"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(places__gte=1, places__lte=MAX_PLACES),
                name="registration_places_range",
                violation_error_message=_("Une inscription compte de 1 à 10 places."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                "event",
                condition=~Q(status="annulee") & ~Q(email=""),
                name="registration_one_per_email",
                violation_error_message=_("Cette adresse e-mail est déjà inscrite."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["event", "status", "created_at"], name="registration_event_status"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(_("Inscription anonymisée"))


class Attendance(models.Model):
    """How many people came to an event, recorded after it by its organiser or a manager."""

    event = models.OneToOneField(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="attendance"
    )
    total = models.PositiveIntegerField(_("nombre total de participant·e·s"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("saisie le"))

    class Meta:
        verbose_name = _("fréquentation")
        verbose_name_plural = _("fréquentations")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.total}"


class AttendanceCount(models.Model):
    """Of an event's attendance, how many people of one public (their sum ≤ the total)."""

    attendance = models.ForeignKey(
        Attendance,
        verbose_name=_("fréquentation"),
        on_delete=models.CASCADE,
        related_name="counts",
    )
    public = models.CharField(_("public"), max_length=20, choices=Public.choices)
    count = models.PositiveIntegerField(_("nombre"))

    class Meta:
        verbose_name = _("fréquentation par public")
        verbose_name_plural = _("fréquentations par public")
        ordering = ["attendance", "public"]
        constraints = [
            models.UniqueConstraint(
                fields=["attendance", "public"], name="attendancecount_one_per_public"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_public_display()}: {self.count}"
