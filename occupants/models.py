from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q, Value
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from occupants.validators import PHONE_VALIDATOR, validate_pdf, validate_siret
from sites.db import DateRange, PostgresExclusionConstraint
from sites.images import SafeImageField, sync_thumbnail
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


class Sector(models.Model):
    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("secteur d'activité")
        verbose_name_plural = _("secteurs d'activité")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StructureQuerySet(models.QuerySet["Structure"]):
    def public(self) -> StructureQuerySet:
        return self.filter(public_profile=True)

    def of_member(self, user) -> StructureQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(
            pk__in=StructureMember.objects.filter(user_id=user.pk).values("structure_id")
        )

    def managed_by(self, user) -> StructureQuerySet:
        """Structures occupying a site the user manages (applications extend this rule)."""
        if getattr(user, "is_superuser", False) and user.is_active:
            return self.all()
        sites = Site.objects.managed_by(user).values("pk")
        return self.filter(
            pk__in=Occupancy.objects.filter(site_id__in=sites).values("structure_id")
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
        indexes = [models.Index(fields=["public_profile", "name"], name="structure_public_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.siret = self.siret.replace(" ", "")
        self.departement = departement_from_postal_code(self.postal_code)
        super().save(*args, **kwargs)
        sync_thumbnail(self, "logo", "logo_thumbnail")

    def get_absolute_url(self) -> str:
        return reverse("structures:detail", kwargs={"slug": self.slug})


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


class OccupancyQuerySet(models.QuerySet["Occupancy"]):
    def current(self, on=None) -> OccupancyQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.exclude(status=Occupancy.Status.CANCELLED).filter(start__lte=day, end__gte=day)

    def managed_by(self, user) -> OccupancyQuerySet:
        return self.filter(site_id__in=Site.objects.managed_by(user).values("pk"))


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
        upload_to="occupancies/",
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
