"""Events and their timings (exported by events.models).

An event belongs to a site and is organised by one of its occupant structures, by the site's
team or by an outside organisation. It happens at one or many timings (each at most 24 hours,
never overlapping); a timing held in a room holds it through a Booking that only
events.agenda.services creates, moves and cancels, so that the room's rules and its overlap
guarantee are the bookings' own.

Who sees what is decided here, once (EventQuerySet), from the sites' and occupants' rules.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxValueValidator, URLValidator
from django.db import models
from django.db.models import Exists, F, Max, Min, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db import DateTimeRange, PostgresExclusionConstraint
from core.fields import ChoiceListField
from core.images import SafeImageField, sync_thumbnail
from occupants.models import Occupancy, Structure, member_structures
from occupants.validators import PHONE_VALIDATOR
from sites.models import Site, Space, managed_sites

MAX_TIMING_DURATION = timedelta(hours=24)


class Public(models.TextChoices):
    """The platform's list of publics: whom an event is for, and whom its attendance counts."""

    CHILDREN = "enfants", _("Enfants")
    YOUTH = "jeunes", _("Jeunes")
    FAMILIES = "familles", _("Familles")
    SENIORS = "seniors", _("Seniors")
    STUDENTS = "etudiants", _("Étudiant·e·s")
    NEIGHBOURS = "habitants", _("Habitant·e·s du quartier")
    DISABLED = "handicap", _("Personnes en situation de handicap")
    PRECARIOUS = "precarite", _("Personnes en précarité")
    PROFESSIONALS = "professionnels", _("Professionnel·le·s")
    EVERYONE = "tout_public", _("Tout public")
    # The publics of the sector's impact framework that the list above lacks: an impact
    # observation and an event's attendance count the same publics.
    SITE_WORKERS = "travailleurs", _("Personnes travaillant sur le site")
    OCCUPANTS = "occupants", _("Occupant·e·s")
    VISITORS = "visiteurs", _("Visiteur·euse·s grand public")
    LOCAL_ACTORS = "acteurs_quartier", _("Acteur·rice·s du quartier")
    VOLUNTEERS = "benevoles", _("Bénévoles")


class PublicsField(ChoiceListField):
    """A list of Public values (core.fields.ChoiceListField), worded for publics."""

    default_error_messages = {
        "not_in_list": _("Choisissez les publics dans la liste."),
        "repeated": _("Chaque public ne compte qu'une fois."),
    }

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("choices_of", Public.choices)
        super().__init__(*args, **kwargs)


def events_visible_to(user) -> Q:
    """The events a user may open: published public ones on published sites, published internal
    ones of the sites where one of their structures is an occupant today, every event of the
    sites they manage, and their structures' own events whatever their moderation. The one place
    for this rule, as a condition on Event."""
    public = Q(
        moderation=Event.Moderation.PUBLISHED,
        visibility=Event.Visibility.PUBLIC,
        site__in=Site.objects.published(),
    )
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return public
    occupied = Occupancy.objects.current().of_member(user).values("site_id")
    return (
        public
        | Q(moderation=Event.Moderation.PUBLISHED, site_id__in=occupied)
        | managed_sites(user, "site__")
        | member_structures(user, "structure__")
    )


class EventQuerySet(models.QuerySet["Event"]):
    def published_public(self) -> EventQuerySet:
        """What the public agenda shows: published, public, on a published site."""
        return self.filter(
            moderation=Event.Moderation.PUBLISHED,
            visibility=Event.Visibility.PUBLIC,
            site__in=Site.objects.published(),
        )

    def visible_to(self, user) -> EventQuerySet:
        """What a user may open (events_visible_to)."""
        return self.filter(events_visible_to(user))

    def manageable_by(self, user) -> EventQuerySet:
        """Events of the sites a user manages (sites.models.managed_sites): they moderate them."""
        return self.filter(managed_sites(user, "site__"))

    def of_member(self, user) -> EventQuerySet:
        """Events organised by the structures a user belongs to."""
        return self.filter(member_structures(user, "structure__"))

    def editable_by(self, user) -> EventQuerySet:
        """Events a user may change (details, timings, submission, cancellation): those of the
        sites they manage and those of their structures."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(managed_sites(user, "site__") | member_structures(user, "structure__"))

    def with_dates(self) -> EventQuerySet:
        """Each event with first_start and last_end, over its timings (an aggregate over all of
        them: for one site's or one user's events; the agenda's lists use upcoming and past)."""
        return self.annotate(first_start=Min("timings__start"), last_end=Max("timings__end"))

    def upcoming(self, now=None) -> EventQuerySet:
        """Events with a timing not over yet, soonest first by the first of them (`next_start`):
        a series begun last week comes with its next session.

        Each event is joined to that one timing (not over, and no earlier one not over), so the
        database reads the timings in EventTiming(start) order and stops at the page's end,
        instead of sorting an aggregate over every event's timings. A timing lasts at most
        MAX_TIMING_DURATION: one not over began less than that ago, which bounds the scan."""
        now = now or timezone.now()
        earlier = EventTiming.objects.filter(
            event=OuterRef("pk"), end__gt=now, start__lt=OuterRef("timings__start")
        )
        return (
            self.filter(
                ~Exists(earlier),
                timings__start__gt=now - MAX_TIMING_DURATION,
                timings__end__gt=now,
            )
            .annotate(next_start=F("timings__start"))
            .order_by("next_start", "pk")
        )

    def past(self, now=None) -> EventQuerySet:
        """Events whose every timing is over, latest first (`last_end`), with their
        `first_start`: each event joined to its last timing, read in EventTiming(end) order."""
        now = now or timezone.now()
        later = EventTiming.objects.filter(event=OuterRef("pk"), end__gt=OuterRef("timings__end"))
        first = EventTiming.objects.filter(event=OuterRef("pk")).order_by("start")
        return (
            self.filter(~Exists(later), timings__end__lte=now)
            .annotate(
                last_end=F("timings__end"),
                first_start=Subquery(first.values("start")[:1]),
            )
            .order_by("-last_end", "-pk")
        )


class Event(models.Model):
    class OrganiserKind(models.TextChoices):
        STRUCTURE = "structure", _("Une structure occupante")
        SITE = "lieu", _("L'équipe du lieu")
        OUTSIDE = "exterieur", _("Une organisation extérieure")

    class Kind(models.TextChoices):
        WORKSHOP = "atelier", _("Atelier")
        CONCERT = "concert", _("Concert")
        MARKET = "marche", _("Marché")
        EXHIBITION = "exposition", _("Exposition")
        TALK = "conference", _("Conférence")
        PARTY = "fete", _("Fête")
        OPEN_DAY = "portes_ouvertes", _("Portes ouvertes")
        REPAIR_CAFE = "repair_cafe", _("Repair café")
        SCREENING = "projection", _("Projection")
        OTHER = "autre", _("Autre")

    # schema.org's Event subtypes (https://schema.org/Event#subtypes).
    SCHEMA_TYPES = {
        Kind.WORKSHOP: "EducationEvent",
        Kind.CONCERT: "MusicEvent",
        Kind.MARKET: "SaleEvent",
        Kind.EXHIBITION: "ExhibitionEvent",
        Kind.TALK: "EducationEvent",
        Kind.PARTY: "Festival",
        Kind.OPEN_DAY: "SocialEvent",
        Kind.REPAIR_CAFE: "SocialEvent",
        Kind.SCREENING: "ScreeningEvent",
        Kind.OTHER: "Event",
    }

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        INTERNAL = "interne", _("Réservé aux occupants du lieu")

    class Moderation(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        PENDING = "a_valider", _("À valider")
        PUBLISHED = "publie", _("Publié")
        REFUSED = "refuse", _("Refusé")

    # Which moderation step may follow which (events.agenda.services says who takes it).
    TRANSITIONS = {
        Moderation.DRAFT: {Moderation.PENDING, Moderation.PUBLISHED},
        Moderation.PENDING: {Moderation.PUBLISHED, Moderation.REFUSED, Moderation.DRAFT},
        Moderation.REFUSED: {Moderation.DRAFT, Moderation.PENDING},
        Moderation.PUBLISHED: {Moderation.DRAFT},
    }

    class State(models.TextChoices):
        SCHEDULED = "programme", _("Programmé")
        RESCHEDULED = "reporte", _("Reporté")
        FULL = "complet", _("Complet")
        CANCELLED = "annule", _("Annulé")
        MOVED_ONLINE = "en_ligne", _("Déplacé en ligne")

    SCHEMA_STATUSES = {
        State.SCHEDULED: "EventScheduled",
        State.RESCHEDULED: "EventRescheduled",
        State.FULL: "EventScheduled",
        State.CANCELLED: "EventCancelled",
        State.MOVED_ONLINE: "EventMovedOnline",
    }

    class Price(models.TextChoices):
        FREE = "gratuit", _("Gratuit")
        PAY_WHAT_YOU_CAN = "prix_libre", _("Prix libre")
        PAID = "tarif", _("Payant")

    class Registration(models.TextChoices):
        NONE = "aucune", _("Sans inscription")
        PLATFORM = "plateforme", _("Inscription sur la plateforme")
        LINK = "lien", _("Inscription sur un autre site")
        EMAIL = "email", _("Inscription par e-mail")
        PHONE = "telephone", _("Inscription par téléphone")

    class AttendanceMode(models.TextChoices):
        ON_SITE = "sur_place", _("Sur place")
        ONLINE = "en_ligne", _("En ligne")
        MIXED = "mixte", _("Sur place et en ligne")

    SCHEMA_ATTENDANCE = {
        AttendanceMode.ON_SITE: "OfflineEventAttendanceMode",
        AttendanceMode.ONLINE: "OnlineEventAttendanceMode",
        AttendanceMode.MIXED: "MixedEventAttendanceMode",
    }

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="events"
    )
    organiser_kind = models.CharField(
        _("organisé par"),
        max_length=12,
        choices=OrganiserKind.choices,
        default=OrganiserKind.STRUCTURE,
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure organisatrice"),
        on_delete=models.PROTECT,
        related_name="events",
        null=True,
        blank=True,
    )
    organiser_name = models.CharField(
        _("nom de l'organisation extérieure"), max_length=200, blank=True
    )
    title = models.CharField(_("titre"), max_length=140)
    slug = models.SlugField(
        _("identifiant dans l'adresse"),
        max_length=160,
        unique=True,
        error_messages={"unique": _("Un événement utilise déjà cet identifiant.")},
    )
    summary = models.CharField(
        _("résumé"), max_length=200, blank=True, help_text=_("Une phrase, pour les listes.")
    )
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    moderation = models.CharField(
        _("modération"), max_length=10, choices=Moderation.choices, default=Moderation.DRAFT
    )
    refusal_reason = models.CharField(_("motif du refus"), max_length=300, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    previous_start = models.DateTimeField(
        _("date prévue avant le report"), null=True, blank=True, editable=False
    )
    price_kind = models.CharField(
        _("conditions"), max_length=10, choices=Price.choices, default=Price.FREE
    )
    price_amount = models.DecimalField(
        _("tarif (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    registration = models.CharField(
        _("inscription"), max_length=12, choices=Registration.choices, default=Registration.NONE
    )
    registration_contact = models.CharField(
        _("lien, e-mail ou téléphone d'inscription"), max_length=300, blank=True
    )
    capacity = models.PositiveIntegerField(
        _("jauge (personnes)"),
        null=True,
        blank=True,
        help_text=_("Au plus la capacité des salles où il a lieu. Vide : sans limite annoncée."),
    )
    accessible_hearing = models.BooleanField(_("accessible handicap auditif"), default=False)
    accessible_visual = models.BooleanField(_("accessible handicap visuel"), default=False)
    accessible_psychic = models.BooleanField(_("accessible handicap psychique"), default=False)
    accessible_motor = models.BooleanField(_("accessible handicap moteur"), default=False)
    accessible_intellectual = models.BooleanField(_("accessible handicap mental"), default=False)
    accessibility_details = models.TextField(_("précisions sur l'accessibilité"), blank=True)
    age_min = models.PositiveSmallIntegerField(
        _("âge minimum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("âge maximum"), null=True, blank=True, validators=[MaxValueValidator(120)]
    )
    image = SafeImageField(_("image"), upload_to="events/images/", blank=True)
    image_thumbnail = models.ImageField(upload_to="events/thumbs/", blank=True, editable=False)
    image_alt = models.CharField(
        _("description de l'image"),
        max_length=200,
        blank=True,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."),
    )
    image_credit = models.CharField(_("crédit de l'image"), max_length=200, blank=True)
    keywords = models.CharField(
        _("mots-clés"), max_length=300, blank=True, help_text=_("Séparés par des virgules.")
    )
    attendance_mode = models.CharField(
        _("participation"),
        max_length=10,
        choices=AttendanceMode.choices,
        default=AttendanceMode.ON_SITE,
    )
    online_url = models.URLField(_("lien de participation en ligne"), blank=True)
    publics = PublicsField(_("publics visés"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modéré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organiser_kind="structure", structure__isnull=False)
                | Q(organiser_kind="lieu", structure__isnull=True)
                | (Q(organiser_kind="exterieur", structure__isnull=True) & ~Q(organiser_name="")),
                name="event_organiser_consistent",
                violation_error_message=_(
                    "Un événement est organisé par une structure, par l'équipe du lieu ou par "
                    "une organisation extérieure nommée."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price_kind="tarif", price_amount__isnull=False, price_amount__gt=0)
                | (~Q(price_kind="tarif") & Q(price_amount__isnull=True)),
                name="event_price_amount_iff_paid",
                violation_error_message=_(
                    "Indiquez un tarif positif pour un événement payant, et aucun sinon."
                ),
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_max__gte=F("age_min")),
                name="event_age_range",
                violation_error_message=_("L'âge maximum doit dépasser l'âge minimum."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                name="event_capacity_positive",
                violation_error_message=_("La jauge doit être d'au moins une personne."),
            ),
            models.CheckConstraint(
                condition=Q(attendance_mode="sur_place") | ~Q(online_url=""),
                name="event_online_link",
                violation_error_message=_("Indiquez le lien de participation en ligne."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(registration__in=["aucune", "plateforme"]) & Q(registration_contact="")
                )
                | (~Q(registration__in=["aucune", "plateforme"]) & ~Q(registration_contact="")),
                name="event_registration_contact",
                violation_error_message=_(
                    "Indiquez le lien, l'e-mail ou le téléphone d'inscription, et seulement "
                    "pour une inscription hors de la plateforme."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "moderation"], name="event_site_moderation"),
            models.Index(fields=["structure", "moderation"], name="event_structure_moderation"),
            models.Index(
                fields=["site", "kind"],
                condition=Q(moderation="publie", visibility="public"),
                name="event_public_site_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        sync_thumbnail(self, "image", "image_thumbnail")

    def get_absolute_url(self) -> str:
        """The public event page (/agenda/<slug>/), for pages, feeds and e-mails alike."""
        return reverse("agenda:event", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        kind = self.organiser_kind
        if kind == self.OrganiserKind.STRUCTURE and not self.structure_id:
            errors["structure"] = _("Choisissez la structure qui organise l'événement.")
        if kind != self.OrganiserKind.STRUCTURE and self.structure_id:
            errors["structure"] = _("Seul un événement d'une structure en nomme une.")
        if kind == self.OrganiserKind.OUTSIDE and not self.organiser_name.strip():
            errors["organiser_name"] = _("Indiquez le nom de l'organisation.")
        if self.price_kind == self.Price.PAID and (
            self.price_amount is None or self.price_amount <= 0
        ):
            errors["price_amount"] = _("Indiquez le tarif d'un événement payant.")
        if self.price_kind != self.Price.PAID and self.price_amount is not None:
            errors["price_amount"] = _("Seul un événement payant a un tarif.")
        if self.age_min is not None and self.age_max is not None and self.age_max < self.age_min:
            errors["age_max"] = _("L'âge maximum doit dépasser l'âge minimum.")
        if self.attendance_mode != self.AttendanceMode.ON_SITE and not self.online_url:
            errors["online_url"] = _("Indiquez le lien de participation en ligne.")
        contact_error = self._registration_contact_error()
        if contact_error:
            errors["registration_contact"] = contact_error
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = _("Décrivez l'image pour les personnes qui ne la voient pas.")
        if errors:
            raise ValidationError(errors)

    def _registration_contact_error(self) -> str | None:
        contact = self.registration_contact.strip()
        self.registration_contact = contact
        if self.registration in (self.Registration.NONE, self.Registration.PLATFORM):
            return _("Sans inscription extérieure, ne donnez pas de contact.") if contact else None
        if not contact:
            return _("Indiquez le lien, l'e-mail ou le téléphone d'inscription.")
        validator, message = {
            self.Registration.LINK: (
                URLValidator(schemes=["http", "https"]),
                _("Indiquez une adresse web (https://…)."),
            ),
            self.Registration.EMAIL: (EmailValidator(), _("Indiquez une adresse e-mail.")),
            self.Registration.PHONE: (PHONE_VALIDATOR, PHONE_VALIDATOR.message),
        }[self.registration]
        try:
            validator(contact)
        except ValidationError:
            return message
        return None

    @property
    def organiser_label(self) -> str:
        """Who organises it, as shown: the structure, the outside organisation or the site."""
        if self.organiser_kind == self.OrganiserKind.STRUCTURE and self.structure_id:
            return self.structure.name
        if self.organiser_kind == self.OrganiserKind.OUTSIDE:
            return self.organiser_name
        return self.site.name

    @property
    def schema_type(self) -> str:
        return self.SCHEMA_TYPES.get(self.kind, "Event")

    @property
    def schema_status(self) -> str:
        return self.SCHEMA_STATUSES.get(self.state, "EventScheduled")

    @property
    def schema_attendance_mode(self) -> str:
        return self.SCHEMA_ATTENDANCE.get(self.attendance_mode, "OfflineEventAttendanceMode")

    @property
    def keyword_list(self) -> list[str]:
        return [word.strip() for word in self.keywords.split(",") if word.strip()]

    @property
    def is_accessible(self) -> bool:
        return any(
            (
                self.accessible_hearing,
                self.accessible_visual,
                self.accessible_psychic,
                self.accessible_motor,
                self.accessible_intellectual,
            )
        )

    def may_become(self, moderation: str) -> bool:
        return moderation in self.TRANSITIONS.get(self.moderation, set())


class EventTiming(models.Model):
    """One date of an event. In a room (`room`), it holds the room through `booking`; outdoors or
    off site, it names its place instead."""

    event = models.ForeignKey(
        Event, verbose_name=_("événement"), on_delete=models.CASCADE, related_name="timings"
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    room = models.ForeignKey(
        Space,
        verbose_name=_("salle"),
        on_delete=models.PROTECT,
        related_name="event_timings",
        null=True,
        blank=True,
    )
    place = models.CharField(
        _("lieu précis"),
        max_length=200,
        blank=True,
        help_text=_("Sans salle : dehors, dans la cour, hors du lieu…"),
    )
    booking = models.OneToOneField(
        "events.Booking",
        verbose_name=_("réservation"),
        on_delete=models.SET_NULL,
        related_name="event_timing",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        verbose_name = _("date de l'événement")
        verbose_name_plural = _("dates de l'événement")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="eventtiming_end_after_start",
                violation_error_message=_("La fin doit suivre le début."),
            ),
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + Value(MAX_TIMING_DURATION)),
                name="eventtiming_at_most_a_day",
                violation_error_message=_("Une date d'événement dure au plus 24 heures."),
            ),
            PostgresExclusionConstraint(
                name="eventtiming_no_overlap",
                expressions=[
                    ("event", "="),
                    (DateTimeRange("start", "end", Value("[)")), "&&"),
                ],
                violation_error_message=_("Les dates d'un événement ne se chevauchent pas."),
            ),
        ]
        indexes = [
            # The agenda reads timings in (start, event) order, its own order (next start, then
            # the event's key): with the event in the index, the first page is the index's first
            # rows instead of a sort of every timing at the same hour (183 of them on the bench's
            # ten times the data: 4.5 → 1.3 ms). `end` is read from the index for the filter.
            models.Index(fields=["start", "event", "end"], name="eventtiming_start"),
            models.Index(fields=["end"], name="eventtiming_end"),
            models.Index(fields=["event", "start"], name="eventtiming_event_start"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.start:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        if self.start and self.end:
            if self.end <= self.start:
                raise ValidationError({"end": _("La fin doit suivre le début.")})
            if self.end - self.start > MAX_TIMING_DURATION:
                raise ValidationError({"end": _("Une date d'événement dure au plus 24 heures.")})
        if self.room_id and self.event_id and self.room.site_id != self.event.site_id:
            raise ValidationError({"room": _("Cette salle n'appartient pas au lieu.")})
