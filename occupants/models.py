from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.db import DateRange, PostgresExclusionConstraint

# Private files live in core (the inventory and the path of sites keep some too); the names
# stay importable from here, where the migrations find them.
from core.files import (  # noqa: F401
    ATTACHMENT_EXTENSIONS,
    ATTACHMENT_MAX_BYTES,
    PrivateStorage,
    private_storage,
    validate_attachment,
)
from core.images import SafeImageField, sync_thumbnail
from core.lists import ListItem
from core.text import localized
from occupants.validators import PHONE_VALIDATOR, validate_pdf, validate_siret
from sites.models import POSTAL_CODE_VALIDATOR, Site, Space


def departement_from_postal_code(postal_code: str) -> str:
    """92600 → 92, 20090 → 2A, 20200 → 2B, 97400 → 974."""
    if not postal_code or len(postal_code) != 5 or not postal_code.isdigit():
        return ""
    if postal_code.startswith("97"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if int(postal_code) < 20200 else "2B"
    return postal_code[:2]


class Sector(ListItem):
    """A line of the shared list of activity sectors: data rows that managers extend, so their
    names are translated by a field rather than by the catalogue."""

    class Meta(ListItem.Meta):
        verbose_name = _("secteur d'activité")
        verbose_name_plural = _("secteurs d'activité")


def member_structures(user, structure: str = "") -> Q:
    """The structures a user belongs to, as a condition on the structures reached through
    `structure` ("" on Structure, "structure__" on a model with a structure foreign key): the
    one place for this rule (Structure.objects.of_member, Occupancy.objects.of_member)."""
    if not getattr(user, "is_authenticated", False):
        return Q(**{f"{structure}pk__in": []})
    # StructureMember is defined below; the condition is built when called.
    members = StructureMember.objects.filter(user_id=user.pk).values("structure_id")
    return Q(**{f"{structure}pk__in": members})


class StructureQuerySet(models.QuerySet["Structure"]):
    def public(self) -> StructureQuerySet:
        return self.filter(public_profile=True)

    def of_member(self, user) -> StructureQuerySet:
        """The structures a user belongs to (member_structures)."""
        return self.filter(member_structures(user))

    def administered_by(self, user) -> StructureQuerySet:
        """Structures a site manager administers (the structure, its members, invitations and
        roles): those holding a current occupancy (Occupancy.objects.current()) on a site they
        manage. The right ends with the occupancy, and an application never grants it."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(
            pk__in=Occupancy.objects.current().managed_by(user).values("structure_id")
        )

    def occupying(self, site_id: int, on=None) -> StructureQuerySet:
        """Structures holding a current occupancy (Occupancy.objects.current) of a site."""
        return self.filter(
            pk__in=Occupancy.objects.current(on=on).filter(site_id=site_id).values("structure_id")
        )

    def visible_to_manager(self, user) -> StructureQuerySet:
        """Structures a site manager may read: every non-cancelled occupant of their sites, past,
        current or upcoming (the site's history). Only administered_by() may be changed; an
        application opens the application (Application.objects.managed_by), not the structure."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        return self.filter(
            pk__in=Occupancy.objects.exclude(status=Occupancy.Status.CANCELLED)
            .managed_by(user)
            .values("structure_id")
        )


class Structure(models.Model):
    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        COMPANY = "entreprise", _("Entreprise")
        COOPERATIVE = "cooperative", _("Coopérative (SCIC, SCOP)")
        ARTIST = "artiste", _("Artiste-auteur ou micro-entreprise")
        COLLECTIVE = "collectif", _("Collectif")
        PUBLIC_SERVICE = "service_public", _("Service public")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(
        _("identifiant dans l'adresse"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("Une structure utilise déjà cet identifiant.")},
    )
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("secteurs d'activité"), related_name="structures", blank=True
    )
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    logo = SafeImageField(_("logo"), upload_to="structures/logos/", blank=True)
    logo_thumbnail = models.ImageField(upload_to="structures/thumbs/", blank=True, editable=False)
    commune = models.CharField(_("commune d'origine"), max_length=120, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[POSTAL_CODE_VALIDATOR]
    )
    departement = models.CharField(_("département"), max_length=3, blank=True, editable=False)
    people_count = models.PositiveSmallIntegerField(_("personnes qui y travaillent"), default=1)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    contact_name = models.CharField(_("nom du contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    contact_phone = models.CharField(
        _("téléphone du contact"), max_length=20, blank=True, validators=[PHONE_VALIDATOR]
    )
    public_profile = models.BooleanField(
        _("profil public"),
        default=False,
        help_text=_(
            "La structure apparaît dans l'annuaire public. Les coordonnées du contact ne sont "
            "jamais publiées."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["public_profile", "name"], name="structure_public_name"),
            # The public directory's order: read in index order, a page stops at its last row.
            models.Index(
                fields=["name", "id"],
                condition=Q(public_profile=True),
                name="structure_public_directory",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.siret = self.siret.replace(" ", "")
        self.departement = departement_from_postal_code(self.postal_code)
        super().save(*args, **kwargs)
        sync_thumbnail(self, "logo", "logo_thumbnail")

    def get_absolute_url(self) -> str:
        return reverse("structures:detail", kwargs={"slug": self.slug})


class StructureMemberQuerySet(models.QuerySet["StructureMember"]):
    def sole_leads(self) -> StructureMemberQuerySet:
        """The responsables who are the only one of their structure: a structure always keeps
        one, so these memberships may not be removed, demoted or erased (occupants.services,
        occupants.erasure)."""
        lead = StructureMember.Role.LEAD
        others = StructureMember.objects.filter(
            structure_id=OuterRef("structure_id"), role=lead
        ).exclude(pk=OuterRef("pk"))
        return self.filter(role=lead).exclude(Exists(others))


class StructureMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "responsable", _("Responsable")
        MEMBER = "membre", _("Membre")

    structure = models.ForeignKey(
        Structure, verbose_name=_("structure"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="structure_memberships",
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("membre depuis"), auto_now_add=True)

    objects = StructureMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        ordering = ["structure", "role", "user"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "user"],
                name="member_unique_per_structure",
                violation_error_message=_("Cette personne est déjà membre de la structure."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.structure}"


def agreement_path(instance, filename: str) -> str:
    """A name that says nothing of the structure or the signatories, and cannot be guessed."""
    return f"agreements/{uuid.uuid4().hex}.pdf"


class OccupancyQuerySet(models.QuerySet["Occupancy"]):
    def current(self, on=None) -> OccupancyQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.during(day, day)

    def during(self, first_day, last_day) -> OccupancyQuerySet:
        """The occupancies (not cancelled) running on at least one day of [first_day,
        last_day]; current(on=day) is during(day, day)."""
        return self.exclude(status=Occupancy.Status.CANCELLED).filter(
            start__lte=last_day, end__gte=first_day
        )

    def managed_by(self, user) -> OccupancyQuerySet:
        return self.filter(site_id__in=Site.objects.managed_by(user).values("pk"))

    def of_member(self, user) -> OccupancyQuerySet:
        """The occupancies of the structures a user belongs to."""
        return self.filter(member_structures(user, "structure__"))

    def visible_to(self, user) -> OccupancyQuerySet:
        """What a user may read, the signed agreement included: their structures' occupancies
        and those of the sites they manage (every one for a superuser)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(
            member_structures(user, "structure__")
            | Q(site_id__in=Site.objects.managed_by(user).values("pk"))
        )


class Occupancy(models.Model):
    """A convention d'occupation: a structure holds private spaces of a site for a period."""

    class Status(models.TextChoices):
        DRAFT = "projet", _("En projet")
        SIGNED = "signee", _("Signée")
        CANCELLED = "annulee", _("Annulée")

    class FeeBasis(models.TextChoices):
        PER_SQM = "m2_mois", _("€ par m² et par mois")
        MONTHLY = "mois", _("€ par mois")

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="occupancies",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.PROTECT, related_name="occupancies"
    )
    spaces = models.ManyToManyField(
        Space,
        verbose_name=_("espaces occupés"),
        through="OccupancySpace",
        related_name="occupancies",
    )
    start = models.DateField(_("début"))
    end = models.DateField(_("fin"))
    fee_basis = models.CharField(
        _("redevance exprimée en"),
        max_length=10,
        choices=FeeBasis.choices,
        default=FeeBasis.PER_SQM,
    )
    fee_amount = models.DecimalField(
        _("montant de la redevance (€)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    charges = models.DecimalField(
        _("charges mensuelles (€)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    agreement = models.FileField(
        _("convention signée (PDF)"),
        upload_to=agreement_path,
        storage=private_storage,
        blank=True,
        validators=[FileExtensionValidator(["pdf"]), validate_pdf],
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = OccupancyQuerySet.as_manager()

    class Meta:
        verbose_name = _("convention d'occupation")
        verbose_name_plural = _("conventions d'occupation")
        ordering = ["-start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="occupancy_end_after_start",
                violation_error_message=_("La fin de la convention doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(fee_amount__gte=0) & Q(charges__gte=0),
                name="occupancy_amounts_positive",
                violation_error_message=_("La redevance et les charges ne peuvent être négatives."),
            ),
        ]
        indexes = [models.Index(fields=["site", "start", "end"], name="occupancy_site_dates")]

    def __str__(self) -> str:
        return f"{self.structure} — {self.site} ({self.start:%d/%m/%Y} → {self.end:%d/%m/%Y})"

    def get_agreement_url(self) -> str:
        return reverse("occupants:agreement", kwargs={"slug": self.structure.slug, "pk": self.pk})

    @property
    def agreement_filename(self) -> str:
        return f"convention-{self.structure.slug}-{self.start:%Y-%m-%d}.pdf"

    def surface_held(self) -> Decimal:
        # Uses prefetched spaces when the caller prefetched them.
        return sum((space.surface for space in self.spaces.all()), Decimal(0))

    @property
    def monthly_fee(self) -> Decimal:
        if self.fee_basis == self.FeeBasis.MONTHLY:
            return self.fee_amount
        return (self.fee_amount * self.surface_held()).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def fee_per_sqm(self) -> Decimal | None:
        if self.fee_basis == self.FeeBasis.PER_SQM:
            return self.fee_amount
        surface = self.surface_held()
        if not surface:
            return None
        return (self.fee_amount / surface).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class OccupancySpace(models.Model):
    """One space held under an occupancy. Dates and flags are copied from the occupancy and
    the space so that PostgreSQL can forbid overlaps with an exclusion constraint on this row;
    occupants.services keeps them in step."""

    occupancy = models.ForeignKey(Occupancy, on_delete=models.CASCADE, related_name="held_spaces")
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="held_by")
    start = models.DateField()
    end = models.DateField()
    exclusive = models.BooleanField(
        default=True, help_text="False for shared spaces (coworking), which several may hold."
    )
    active = models.BooleanField(default=True, help_text="False once the occupancy is cancelled.")

    class Meta:
        verbose_name = _("espace occupé")
        verbose_name_plural = _("espaces occupés")
        constraints = [
            models.UniqueConstraint(fields=["occupancy", "space"], name="occupancy_space_unique"),
            PostgresExclusionConstraint(
                name="occupancy_space_no_overlap",
                expressions=[
                    ("space", "="),
                    (DateRange("start", "end", Value("[]")), "&&"),
                ],
                condition=Q(exclusive=True, active=True),
                violation_error_message=_(
                    "Cet espace est déjà attribué à une autre structure sur ces dates."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.space_id} {self.start} → {self.end}"


class Invitation(models.Model):
    """A one-time, expiring invitation to join a structure. Only the token's hash is stored."""

    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(
        _("rôle"),
        max_length=20,
        choices=StructureMember.Role.choices,
        default=StructureMember.Role.MEMBER,
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invitée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.structure}"


# =============================================================================================
# == Calls for applications (appels à candidatures) — owned by the calls work of issue 3 ==
# =============================================================================================


def application_document_path(instance, filename: str) -> str:
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:6] or ".bin"
    return f"candidatures/{instance.application.call_id}/{uuid.uuid4().hex}{suffix}"


class DocumentType(models.Model):
    """A kind of document a call may require (statuts, Kbis, attestation d'assurance…)."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    name_en = models.CharField(
        _("nom en anglais"),
        max_length=150,
        blank=True,
        help_text=_("Affiché sur les pages en anglais ; à défaut, le nom français."),
    )
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    help_text = models.CharField(_("aide pour les candidats"), max_length=300, blank=True)
    help_text_en = models.CharField(_("aide en anglais"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("type de document")
        verbose_name_plural = _("types de documents")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (core.text.localized)."""
        return localized(self.name, self.name_en)

    @property
    def help_label(self) -> str:
        """The help for candidates in the active language."""
        return localized(self.help_text, self.help_text_en)


class CallQuerySet(models.QuerySet["Call"]):
    def published(self) -> CallQuerySet:
        return self.filter(status=Call.Status.PUBLISHED, site__published=True)

    def open(self, now=None) -> CallQuerySet:
        """Published calls taking applications now: opened, and not closed unless rolling."""
        from django.utils import timezone

        now = now or timezone.now()
        return self.published().filter(Q(closes_at__gt=now) | Q(rolling=True), opens_at__lte=now)

    def managed_by(self, user) -> CallQuerySet:
        return self.filter(site_id__in=Site.objects.managed_by(user).values("pk"))


class Call(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        PUBLISHED = "publie", _("Publié")
        ARCHIVED = "archive", _("Archivé")

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(
        _("identifiant dans l'adresse"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("Un appel utilise déjà cet identifiant.")},
    )
    description = models.TextField(_("présentation"), blank=True)
    opens_at = models.DateTimeField(_("ouverture des candidatures"))
    closes_at = models.DateTimeField(_("clôture des candidatures"))
    rolling = models.BooleanField(
        _("candidatures au fil de l'eau"),
        default=False,
        help_text=_("Les candidatures restent acceptées après la date de clôture."),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    required_documents = models.ManyToManyField(
        DocumentType,
        verbose_name=_("documents demandés"),
        related_name="calls",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("appel à candidatures")
        verbose_name_plural = _("appels à candidatures")
        ordering = ["closes_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_opens",
                violation_error_message=_("La clôture doit suivre l'ouverture."),
            ),
        ]
        indexes = [models.Index(fields=["status", "opens_at", "closes_at"], name="call_open")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        # These words are pages of /appels/ itself.
        if self.slug in ("inscription", "mes-candidatures"):
            raise ValidationError(
                {"slug": _("Cet identifiant est réservé : choisissez-en un autre.")}
            )

    def accepts_submissions(self, now=None) -> bool:
        from django.utils import timezone

        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.opens_at <= now
            and (self.rolling or now < self.closes_at)
        )


class Lot(models.Model):
    """What a call offers: a space of the call's site, or a described area."""

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="lots"
    )
    name = models.CharField(_("nom du lot"), max_length=150)
    space = models.ForeignKey(
        Space,
        verbose_name=_("espace"),
        on_delete=models.PROTECT,
        related_name="call_lots",
        null=True,
        blank=True,
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Obligatoire si le lot n'est pas un espace.")
    )
    kind = models.CharField(_("type"), max_length=30, choices=Space.Kind.choices)
    level = models.SmallIntegerField(_("niveau"), null=True, blank=True)
    surface_min = models.DecimalField(_("surface minimale (m²)"), max_digits=8, decimal_places=1)
    surface_max = models.DecimalField(_("surface maximale (m²)"), max_digits=8, decimal_places=1)
    price_per_sqm = models.DecimalField(
        _("redevance (€/m²/mois)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["call", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface_min__gt=0) & Q(surface_max__gte=models.F("surface_min")),
                name="lot_surfaces_valid",
                violation_error_message=_(
                    "La surface maximale doit être au moins égale à la surface minimale, "
                    "elle-même positive."
                ),
            ),
            models.CheckConstraint(
                condition=Q(price_per_sqm__isnull=True) | Q(price_per_sqm__gte=0),
                name="lot_price_positive",
                violation_error_message=_("La redevance ne peut être négative."),
            ),
            models.CheckConstraint(
                condition=Q(space__isnull=False) | ~Q(description=""),
                name="lot_space_or_description",
                violation_error_message=_("Choisissez un espace ou décrivez le lot."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        # In the admin the call may be unsaved yet: it is then only in the relation cache.
        call = self.call if (self.call_id or "call" in self._state.fields_cache) else None
        if self.space_id and call and call.site_id and self.space.site_id != call.site_id:
            raise ValidationError({"space": _("Cet espace n'appartient pas au lieu de l'appel.")})

    @property
    def level_label(self) -> str:
        if self.level is None:
            return ""
        return Space(level=self.level).level_label


class VisitDate(models.Model):
    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.CASCADE, related_name="visits"
    )
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu de rendez-vous"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("date de visite")
        verbose_name_plural = _("dates de visite")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="visit_end_after_start",
                violation_error_message=_("La fin de la visite doit suivre son début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y %H:%M}"


class ApplicationQuerySet(models.QuerySet["Application"]):
    def of_candidate(self, user) -> ApplicationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(applicant_id=user.pk)

    def managed_by(self, user) -> ApplicationQuerySet:
        return self.filter(call__site_id__in=Site.objects.managed_by(user).values("pk"))


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        SUBMITTED = "soumise", _("Soumise")
        REVIEW = "en_etude", _("En étude")
        ACCEPTED = "retenue", _("Retenue")
        REFUSED = "refusee", _("Refusée")
        WITHDRAWN = "desistee", _("Désistée")

    # Still before the site's decision: may be reviewed, refused, retained or withdrawn.
    REVIEWABLE_STATUSES = (Status.SUBMITTED, Status.REVIEW)

    call = models.ForeignKey(
        Call, verbose_name=_("appel"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("candidat·e"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    structure = models.ForeignKey(
        Structure,
        verbose_name=_("structure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        help_text=_("Une structure existante, ou vide pour en décrire une nouvelle."),
    )
    structure_name = models.CharField(_("nom de la structure"), max_length=200, blank=True)
    legal_form = models.CharField(
        _("forme juridique"), max_length=20, choices=Structure.LegalForm.choices, blank=True
    )
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("secteurs d'activité"), related_name="applications", blank=True
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    commune = models.CharField(_("commune"), max_length=120, blank=True)
    postal_code = models.CharField(
        _("code postal"), max_length=5, blank=True, validators=[POSTAL_CODE_VALIDATOR]
    )
    contact_name = models.CharField(_("nom du contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    contact_phone = models.CharField(
        _("téléphone du contact"), max_length=20, blank=True, validators=[PHONE_VALIDATOR]
    )
    project = models.TextField(_("projet"), blank=True)
    wanted_surface = models.DecimalField(
        _("surface souhaitée (m²)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    space_kind = models.CharField(
        _("type d'espace souhaité"), max_length=30, choices=Space.Kind.choices, blank=True
    )
    lots = models.ManyToManyField(
        Lot, verbose_name=_("lots souhaités"), related_name="applications", blank=True
    )
    desired_start = models.DateField(_("début souhaité"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("durée souhaitée (mois)"), null=True, blank=True
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(
        _("note (sur 20)"), null=True, blank=True, validators=[MaxValueValidator(20)]
    )
    manager_comment = models.TextField(_("commentaire de l'équipe"), blank=True)
    occupancy = models.ForeignKey(
        Occupancy,
        verbose_name=_("convention créée"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "applicant"],
                name="application_one_per_call_and_person",
                violation_error_message=_("Vous avez déjà une candidature pour cet appel."),
            ),
            models.CheckConstraint(
                condition=Q(status="brouillon") | Q(submitted_at__isnull=False),
                name="application_submitted_has_date",
                violation_error_message=_("Une candidature soumise a une date de soumission."),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=20),
                name="application_score_range",
                violation_error_message=_("La note est sur 20."),
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="application_call_status")]

    def __str__(self) -> str:
        return f"{self.display_structure_name} — {self.call}"

    def get_absolute_url(self) -> str:
        return reverse("calls:application", kwargs={"pk": self.pk})

    @property
    def display_structure_name(self) -> str:
        if self.structure_id and "structure" in self._state.fields_cache:
            return self.structure.name
        return self.structure_name or str(_("(structure à préciser)"))

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_reviewable(self) -> bool:
        """Submitted or under review: the site has not decided and the candidate has not
        withdrawn."""
        return self.status in self.REVIEWABLE_STATUSES


class ApplicationDocument(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("candidature"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("type de document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file = models.FileField(
        _("fichier"),
        upload_to=application_document_path,
        storage=private_storage,
        max_length=200,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
    )
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=200)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["document_type__position", "document_type__name", "pk"]

    def __str__(self) -> str:
        return self.original_name
