"""Room booking: rules per site (overridable per space), opening hours, closed periods, bookings.

Two active bookings of one space never overlap. On PostgreSQL an exclusion constraint guarantees
it; on SQLite `events.services.book` runs its check and its insert in one IMMEDIATE transaction.
On both, the services lock the space's row first (Space.objects.lock), so that the writers of one
space take turns.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.db import DateTimeRange, InSubquery, PostgresExclusionConstraint
from core.text import elide
from occupants.models import Structure, StructureMember
from sites.models import Site, Space, managed_sites

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def new_reference() -> str:
    """A short human code such as R-7KQ3MZ."""
    return "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(6))


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


# No rule lets a booking last longer than MAX_BOOKING_DURATION, whatever a manager set, nor
# keep its room for more than MAX_BUFFER_MINUTES after its end: a booking holds its room for
# LONGEST_HOLD at most, which bounds how early a booking overlapping a period can start.
MAX_BOOKING_DURATION = timedelta(days=14)
MAX_BUFFER_MINUTES = 240
LONGEST_HOLD = MAX_BOOKING_DURATION + timedelta(minutes=MAX_BUFFER_MINUTES)


class BookingRules(models.Model):
    """The booking rules of a site (space empty) or of one of its spaces (an override that
    replaces the site's rules as a whole). Without any row, `events.rules.DEFAULT_RULES` apply.
    Its quotas cover the rooms it governs (events.rules.quota_scope): the site's rows, every
    room of the site without rules of its own; a room's row, that room."""

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="booking_rules"
    )
    space = models.ForeignKey(
        Space,
        verbose_name=_("espace"),
        on_delete=models.CASCADE,
        related_name="booking_rules",
        null=True,
        blank=True,
        help_text=_("Vide : règles par défaut de tout le lieu."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("pas des créneaux (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
    )
    min_minutes = models.PositiveIntegerField(
        _("durée minimale (minutes)"), default=30, validators=[MinValueValidator(5)]
    )
    max_minutes = models.PositiveIntegerField(
        _("durée maximale (minutes)"),
        default=8 * 60,
        validators=[MinValueValidator(5), MaxValueValidator(14 * 24 * 60)],
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("réservable jusqu'à (jours à l'avance)"),
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
    )
    min_notice_minutes = models.PositiveIntegerField(_("délai de prévenance (minutes)"), default=0)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("battement entre deux réservations (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_BUFFER_MINUTES)],
    )
    approval_required = models.BooleanField(
        _("validation par un responsable"),
        default=False,
        help_text=_("Les réservations des occupants restent en attente jusqu'à validation."),
    )
    weekly_quota_hours = models.DecimalField(
        _("quota d'heures par structure et par semaine"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Heures que chaque structure réserve au plus par semaine (du lundi au dimanche), "
            "tous ses membres ensemble, dans les salles que régissent ces règles : toutes "
            "celles du lieu qui n'ont pas leurs propres règles, ou la seule salle choisie. "
            "Vide : sans limite."
        ),
    )
    monthly_quota_hours = models.DecimalField(
        _("quota d'heures par structure et par mois"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Heures que chaque structure réserve au plus par mois, tous ses membres ensemble, "
            "dans les salles que régissent ces règles : toutes celles du lieu qui n'ont pas "
            "leurs propres règles, ou la seule salle choisie. Vide : sans limite."
        ),
    )
    outside_allowed = models.BooleanField(
        _("location à des organisations extérieures"),
        default=True,
        help_text=_("Uniquement par un responsable du lieu."),
    )
    price_per_hour = models.DecimalField(
        _("tarif horaire extérieur (€)"),
        max_digits=8,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    price_per_day = models.DecimalField(
        _("tarif journée extérieur (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Plafond par jour ; vide : tarif horaire seul."),
    )

    class Meta:
        verbose_name = _("règles de réservation")
        verbose_name_plural = _("règles de réservation")
        ordering = ["site", "space"]
        constraints = [
            models.UniqueConstraint(
                fields=["site"],
                condition=Q(space__isnull=True),
                name="bookingrules_one_per_site",
                violation_error_message=_("Ce lieu a déjà des règles par défaut."),
            ),
            models.UniqueConstraint(
                fields=["space"],
                condition=Q(space__isnull=False),
                name="bookingrules_one_per_space",
                violation_error_message=_("Cet espace a déjà ses propres règles."),
            ),
            models.CheckConstraint(
                condition=Q(max_minutes__gte=F("min_minutes")),
                name="bookingrules_max_ge_min",
                violation_error_message=_("La durée maximale doit dépasser la durée minimale."),
            ),
        ]

    def __str__(self) -> str:
        if self.space_id:
            return elide(_("Règles de %(space)s") % {"space": self.space.name}, self.space.name)
        return elide(_("Règles par défaut de %(site)s") % {"site": self.site.name}, self.site.name)

    def clean(self) -> None:
        super().clean()
        if self.space_id and self.site_id and self.space.site_id != self.site_id:
            raise ValidationError({"space": _("Cet espace n'appartient pas à ce lieu.")})
        if self.min_minutes and self.max_minutes and self.max_minutes < self.min_minutes:
            raise ValidationError(
                {"max_minutes": _("La durée maximale doit dépasser la durée minimale.")}
            )


class OpeningHours(models.Model):
    """One opening interval on one weekday, for a site (default) or a space (override: when a
    space has any row, only its rows count). Several intervals a day are allowed. A closing
    time of 00:00 means midnight at the end of the day."""

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    space = models.ForeignKey(
        Space,
        verbose_name=_("espace"),
        on_delete=models.CASCADE,
        related_name="opening_hours",
        null=True,
        blank=True,
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens = models.TimeField(_("ouverture"))
    closes = models.TimeField(_("fermeture"), help_text=_("00:00 pour minuit."))

    class Meta:
        verbose_name = _("horaires d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")
        ordering = ["site", "space", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")) | Q(closes=time(0)),
                name="openinghours_closes_after_opens",
                violation_error_message=_("La fermeture doit suivre l'ouverture."),
            ),
        ]
        indexes = [models.Index(fields=["site", "space", "weekday"], name="openinghours_lookup")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.space_id and self.site_id and self.space.site_id != self.site_id:
            raise ValidationError({"space": _("Cet espace n'appartient pas à ce lieu.")})
        if (
            self.opens is not None
            and self.closes is not None
            and not (self.closes > self.opens or self.closes == time(0))
        ):
            raise ValidationError({"closes": _("La fermeture doit suivre l'ouverture.")})


class ClosedPeriodQuerySet(models.QuerySet["ClosedPeriod"]):
    def managed_by(self, user) -> ClosedPeriodQuerySet:
        return self.filter(site_id__in=Site.objects.managed_by(user).values("pk"))


class ClosedPeriod(models.Model):
    """Holidays, works, a manager's blocking period: nothing can be booked then."""

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="closed_periods"
    )
    space = models.ForeignKey(
        Space,
        verbose_name=_("espace"),
        on_delete=models.CASCADE,
        related_name="closed_periods",
        null=True,
        blank=True,
        help_text=_("Vide : tout le lieu est fermé."),
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ClosedPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("période de fermeture")
        verbose_name_plural = _("périodes de fermeture")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="closedperiod_end_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
        ]
        indexes = [models.Index(fields=["site", "start", "end"], name="closedperiod_site_dates")]

    def __str__(self) -> str:
        return self.reason or str(_("Fermeture"))

    def clean(self) -> None:
        super().clean()
        if self.space_id and self.site_id and self.space.site_id != self.site_id:
            raise ValidationError({"space": _("Cet espace n'appartient pas à ce lieu.")})
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("La fin doit suivre le début.")})


class BookingSeries(models.Model):
    """A recurring booking; its occurrences are Booking rows pointing here."""

    class Frequency(models.TextChoices):
        WEEKLY = "hebdomadaire", _("Toutes les N semaines")
        MONTHLY = "mensuelle", _("Tous les mois (même jour de la semaine)")

    space = models.ForeignKey(
        Space, verbose_name=_("espace"), on_delete=models.CASCADE, related_name="booking_series"
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="booking_series",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation extérieure"),
        on_delete=models.PROTECT,
        related_name="booking_series",
        null=True,
        blank=True,
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réservée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="booking_series",
    )
    frequency = models.CharField(_("fréquence"), max_length=20, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(
        _("toutes les (semaines)"), default=1, validators=[MinValueValidator(1)]
    )
    until = models.DateField(_("jusqu'au"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("nombre d'occurrences"), null=True, blank=True)
    purpose = models.CharField(_("objet"), max_length=200, blank=True)
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("série de réservations")
        verbose_name_plural = _("séries de réservations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval__gte=1), name="bookingseries_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} — {self.space_id}"


def member_bookings(user) -> Q:
    """The bookings of the structures a user belongs to, and the ones they made themselves:
    the one place for this rule, as a condition that Booking.objects.of_member filters with and
    that a page can annotate its bookings with."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    structure_ids = StructureMember.objects.filter(user_id=user.pk).values("structure_id")
    return Q(InSubquery(F("structure_id"), structure_ids)) | Q(booked_by_id=user.pk)


def visible_bookings(user) -> Q:
    """The bookings a user may open in full (purpose included): their structures' bookings,
    their own, and every booking of the sites they manage (Site.objects.managed_by). Others'
    bookings answer 404. The one place for this rule, as member_bookings."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    # The managed sites' condition on the booking's own site_id (managed_sites with its
    # prefix): no read of the sites table.
    return member_bookings(user) | managed_sites(user, "site__")


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> BookingQuerySet:
        return self.filter(status__in=Booking.ACTIVE_STATUSES)

    def holding(self, start, end) -> BookingQuerySet:
        """The bookings that hold their room during part of [start, end): [their start,
        blocked_until) meets it. The lower bound on their start follows from LONGEST_HOLD; it
        lets the (space, start) index read the period's bookings only, rather than every
        earlier booking of the room."""
        return self.filter(start__lt=end, start__gt=start - LONGEST_HOLD, blocked_until__gt=start)

    def managed_by(self, user) -> BookingQuerySet:
        """Bookings of the sites a user manages (see Site.objects.managed_by)."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(site_id__in=Site.objects.managed_by(user).values("pk"))

    def of_member(self, user) -> BookingQuerySet:
        """Bookings of the structures a user belongs to, and the ones they made themselves."""
        return self.filter(member_bookings(user))

    def visible_to(self, user) -> BookingQuerySet:
        """What a user may open in full (purpose included): visible_bookings."""
        return self.filter(visible_bookings(user))

    def cancellable_by(self, user, now=None) -> BookingQuerySet:
        """What a user may cancel now: an active booking that they made or that one of their
        structures holds, until it starts; any active booking of a site they manage, until it
        ends. The one place for this rule (pages, services and the admin)."""
        now = now or timezone.now()
        return (
            self.of_member(user).filter(start__gt=now) | self.managed_by(user).filter(end__gt=now)
        ).active()

    def overlapping_pairs(self) -> list[tuple[int, int]]:
        """Pairs of active bookings of one space whose times overlap: must always be empty.
        The self-join the load tests and the bench run after every load."""
        table = connection.ops.quote_name(Booking._meta.db_table)
        sql = (
            f"SELECT a.id, b.id FROM {table} a JOIN {table} b "  # noqa: S608 (constants only)
            "ON a.space_id = b.space_id AND a.id < b.id "
            'AND a."start" < b."end" AND b."start" < a."end" '
            "WHERE a.status IN (%s, %s) AND b.status IN (%s, %s)"
        )
        params = [*Booking.ACTIVE_STATUSES, *Booking.ACTIVE_STATUSES]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()]


class Booking(models.Model):
    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        CONFIRMED = "confirmee", _("Confirmée")
        REFUSED = "refusee", _("Refusée")
        CANCELLED = "annulee", _("Annulée")

    ACTIVE_STATUSES = (Status.PENDING.value, Status.CONFIRMED.value)

    # The space, site, structure and author are indexed with the start (Meta.indexes), which
    # serves their lookups too: an index of their own would be redundant, and PostgreSQL used
    # the space's alone for a week of a room, reading its three years of bookings.
    space = models.ForeignKey(
        Space,
        verbose_name=_("espace"),
        on_delete=models.PROTECT,
        related_name="bookings",
        db_index=False,
    )
    # Copied from space.site so that scoping ("bookings of my sites") needs no join.
    site = models.ForeignKey(
        Site,
        verbose_name=_("lieu"),
        on_delete=models.PROTECT,
        related_name="bookings",
        editable=False,
        db_index=False,
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        db_index=False,
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation extérieure"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
    )
    outside_name = models.CharField(
        _("nom de l'organisation extérieure"),
        max_length=200,
        blank=True,
        help_text=_("Pour un partenaire extérieur qui n'est pas enregistré."),
    )
    price = models.DecimalField(
        _("prix (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réservée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="bookings",
        db_index=False,
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    # end + the buffer required after it: the range the exclusion constraint protects.
    blocked_until = models.DateTimeField(_("bloquée jusqu'à"), editable=False)
    purpose = models.CharField(_("objet"), max_length=200, blank=True)
    people = models.PositiveIntegerField(_("nombre de personnes"), default=1)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.CONFIRMED
    )
    reference = models.CharField(
        _("référence"), max_length=12, unique=True, default=new_reference, editable=False
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("série"),
        on_delete=models.SET_NULL,
        related_name="bookings",
        null=True,
        blank=True,
    )
    request_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décision par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("annulée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="booking_end_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
            models.CheckConstraint(
                condition=Q(blocked_until__gte=F("end")),
                name="booking_blocked_after_end",
            ),
            models.CheckConstraint(
                condition=Q(people__gt=0),
                name="booking_people_positive",
                violation_error_message=_("Indiquez au moins une personne."),
            ),
            models.CheckConstraint(
                condition=Q(structure__isnull=True)
                | (Q(organisation__isnull=True) & Q(outside_name="")),
                name="booking_structure_or_outside",
                violation_error_message=_(
                    "Une réservation est faite pour une structure ou pour une organisation "
                    "extérieure, pas les deux."
                ),
            ),
            PostgresExclusionConstraint(
                name="booking_no_overlap",
                expressions=[
                    ("space", "="),
                    (DateTimeRange("start", "blocked_until", Value("[)")), "&&"),
                ],
                condition=Q(status__in=["en_attente", "confirmee"]),
                violation_error_message=_("Cet espace est déjà réservé sur ce créneau."),
            ),
        ]
        indexes = [
            models.Index(fields=["space", "start"], name="booking_space_start"),
            models.Index(fields=["site", "start"], name="booking_site_start"),
            models.Index(fields=["structure", "start"], name="booking_structure_start"),
            models.Index(fields=["booked_by", "start"], name="booking_user_start"),
            models.Index(fields=["status", "site"], name="booking_status_site"),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs) -> None:
        if self.space_id and not self.site_id:
            self.site_id = self.space.site_id
        if self.blocked_until is None or self.blocked_until < self.end:
            self.blocked_until = self.end
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("La fin doit suivre le début.")
        if self.space_id and self.people and self.people > self.space.capacity:
            errors["people"] = _("Cet espace accueille au plus %(n)d personnes.") % {
                "n": self.space.capacity
            }
        if self.structure_id and (self.organisation_id or self.outside_name):
            errors["organisation"] = _(
                "Une réservation est faite pour une structure ou pour une organisation "
                "extérieure, pas les deux."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_outside(self) -> bool:
        return self.structure_id is None

    @property
    def holder_name(self) -> str:
        """Who holds the room: the structure, the outside organisation or its typed name."""
        if self.structure_id:
            return self.structure.name
        if self.organisation_id:
            return self.organisation.name
        return self.outside_name

    @property
    def duration_minutes(self) -> int:
        return int((self.end.timestamp() - self.start.timestamp()) // 60)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class FeedTokenManager(models.Manager["FeedToken"]):
    def resolve(self, token: str) -> FeedToken | None:
        """The feed behind a secret address, or None (unknown or reset)."""
        if not token or not isinstance(token, str) or len(token) > 64:
            return None
        return self.select_related("user", "structure").filter(token=token).first()

    def for_user(self, user) -> FeedToken:
        feed, _created = self.get_or_create(user=user, structure=None)
        return feed

    def for_structures(self, structures) -> dict[int, FeedToken]:
        """{structure_id: token} for each structure, creating the missing ones (2 queries)."""
        ids = [s.pk for s in structures]
        found = {f.structure_id: f for f in self.filter(structure_id__in=ids)}
        missing = [self.model(structure_id=pk) for pk in ids if pk not in found]
        if missing:
            self.bulk_create(missing, ignore_conflicts=True)
            found = {f.structure_id: f for f in self.filter(structure_id__in=ids)}
        return found

    def _reset(self, **lookup) -> FeedToken:
        feed, created = self.get_or_create(**lookup)
        if not created:
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])
        return feed

    def reset_user(self, user) -> FeedToken:
        return self._reset(user=user, structure=None)

    def reset_structure(self, structure) -> FeedToken:
        return self._reset(structure=structure, user=None)

    def rotate_structures(self, structure_ids: Iterable[int]) -> None:
        """A new address for each of these structures' feeds that exists: the old one, known to
        whoever has just left, stops working. Members see the new one on their feeds page."""
        for feed in self.filter(structure_id__in=list(structure_ids)):
            feed.token = new_feed_token()
            feed.save(update_fields=["token"])


class FeedToken(models.Model):
    """The secret address of a private iCalendar feed: a person's or a structure's bookings.
    Resetting it gives a new token, which kills the old address at once."""

    # A person's feed is theirs alone: deleting the account (purge_unverified_accounts) deletes it.
    deleted_with_account = True

    token = models.CharField(max_length=64, unique=True, default=new_feed_token, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        null=True,
        blank=True,
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = FeedTokenManager()

    class Meta:
        verbose_name = _("flux d'agenda privé")
        verbose_name_plural = _("flux d'agenda privés")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, structure__isnull=False)
                | Q(user__isnull=False, structure__isnull=True),
                name="feedtoken_user_xor_structure",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="feedtoken_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["structure"],
                condition=Q(structure__isnull=False),
                name="feedtoken_one_per_structure",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Flux privé"))


# The agenda's models live in their own module; imported here so that Django registers them.
from events.models.agenda import Event, EventTiming, Public  # noqa: E402, F401
from events.models.registrations import (  # noqa: E402, F401
    Attendance,
    AttendanceCount,
    Registration,
)
