"""The vacant-space inventory: buildings that owners and their operators record before any
project, each of which may become a Site in one step (sites.inventory.services).

Internal only: no public page, sitemap or feed lists these rows. Who sees and changes them is
one rule, VacantBuilding.objects.manageable_by (inventory_access).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.db import coordinates_valid
from core.files import ATTACHMENT_EXTENSIONS, private_storage, validate_attachment
from core.images import Photo, SafeImageField
from core.validators import PHONE_VALIDATOR
from sites.models import DEPARTEMENT_VALIDATOR, POSTAL_CODE_VALIDATOR, Site

OWNER_KINDS = (Organisation.Kind.OWNER, Organisation.Kind.PUBLIC_BODY)


def inventory_organisations(user) -> tuple[QuerySet, QuerySet]:
    """The organisations through which a (non-superuser) user reaches the inventory: those
    they are staff of, and the operators of the sites they manage."""
    memberships = Organisation.staff.through.objects.filter(user_id=user.pk).values(
        "organisation_id"
    )
    managed_operators = Site.managers.through.objects.filter(user_id=user.pk).values(
        "site__operator_id"
    )
    return memberships, managed_operators


def inventory_access(user) -> Q:
    """The vacant buildings a user may see and change: all for a superuser; for anyone else
    those whose owner or operator counts them among its staff, and those of the operators of
    the sites they manage. The one place for this rule (VacantBuilding.objects.manageable_by)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q(pk__isnull=False)
    memberships, managed_operators = inventory_organisations(user)
    return (
        Q(owner_id__in=memberships)
        | Q(operator_id__in=memberships)
        | Q(operator_id__in=managed_operators)
    )


def uses_inventory(user) -> bool:
    """Whether the inventory's pages open for this user at all: superusers, staff of an owner,
    a public body or an operator, site managers. Anyone else gets a 404."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    kinds = (*OWNER_KINDS, Organisation.Kind.OPERATOR)
    member = Organisation.staff.through.objects.filter(
        user_id=user.pk, organisation__kind__in=kinds
    )
    manager = Site.managers.through.objects.filter(user_id=user.pk)
    # One query, on the user's own row.
    return User.objects.filter(Q(pk=user.pk) & (Exists(member) | Exists(manager))).exists()


def may_record_for(user, *, owner_id: int | None, operator_id: int | None) -> bool:
    """Whether a building of this owner and operator would be one the user may manage: the
    same rule as inventory_access, for a building not saved yet."""
    if user.is_superuser:
        return True
    memberships, managed_operators = inventory_organisations(user)
    ids = {row["organisation_id"] for row in memberships}
    operators = {row["site__operator_id"] for row in managed_operators}
    return owner_id in ids or (operator_id is not None and operator_id in ids | operators)


class VacantBuildingQuerySet(models.QuerySet["VacantBuilding"]):
    def manageable_by(self, user) -> VacantBuildingQuerySet:
        """The buildings a user may see and change (inventory_access)."""
        return self.filter(inventory_access(user))


class Scenario(models.TextChoices):
    CULTURE = "culture", _("Accueil d'initiatives culturelles")
    SOCIAL_INNOVATION = "innovation_sociale", _("Innovation sociale")
    INCUBATION = "incubation", _("Incubation d'entreprises")
    PUBLIC_SERVICE = "tete_de_pont", _("Tête de pont d'un service public")
    OTHER = "autre", _("Autre")


class Condition(models.TextChoices):
    UNKNOWN = "inconnu", _("À vérifier")
    WORKING = "en_etat", _("En état")
    PARTIAL = "partiel", _("Partiel ou à remettre en état")
    ABSENT = "absent", _("Absent ou coupé")


def _coordinate(label, bound: int) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-bound)), MaxValueValidator(Decimal(bound))],
    )


def _condition(label) -> models.CharField:
    return models.CharField(
        label, max_length=10, choices=Condition.choices, default=Condition.UNKNOWN
    )


def _condition_notes(label) -> models.CharField:
    return models.CharField(label, max_length=300, blank=True)


class VacantBuilding(models.Model):
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("propriétaire"),
        on_delete=models.PROTECT,
        related_name="vacant_buildings",
    )
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("gestionnaire"),
        on_delete=models.PROTECT,
        related_name="operated_vacant_buildings",
        null=True,
        blank=True,
        help_text=_("Nécessaire pour en faire un lieu."),
    )
    name = models.CharField(_("nom"), max_length=200)
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(
        _("code postal"), max_length=5, validators=[POSTAL_CODE_VALIDATOR]
    )
    commune = models.CharField(_("commune"), max_length=120)
    departement = models.CharField(
        _("département"), max_length=3, validators=[DEPARTEMENT_VALIDATOR], db_index=True
    )
    latitude = _coordinate(_("latitude"), 90)
    longitude = _coordinate(_("longitude"), 180)
    surface = models.DecimalField(
        _("surface (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    floors = models.PositiveSmallIntegerField(
        _("nombre de niveaux"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    former_use = models.CharField(_("usage d'origine"), max_length=200, blank=True)
    water = _condition(_("eau"))
    water_notes = _condition_notes(_("eau : précisions"))
    heating = _condition(_("chauffage"))
    heating_notes = _condition_notes(_("chauffage : précisions"))
    electricity = _condition(_("électricité"))
    electricity_notes = _condition_notes(_("électricité : précisions"))
    accessibility = _condition(_("accessibilité"))
    accessibility_notes = _condition_notes(_("accessibilité : précisions"))
    safety_notes = models.TextField(_("sécurité : remarques"), blank=True)
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateField(
        _("disponible jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Le début des travaux du propriétaire."),
    )
    contact_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact dans l'organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Une personne de l'équipe du propriétaire ; sinon, nom et coordonnées."),
    )
    contact_name = models.CharField(_("nom du contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail du contact"), blank=True)
    contact_phone = models.CharField(
        _("téléphone du contact"), max_length=20, blank=True, validators=[PHONE_VALIDATOR]
    )
    notes = models.TextField(_("notes internes"), blank=True)
    site = models.OneToOneField(
        Site,
        verbose_name=_("lieu"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="vacant_building",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = VacantBuildingQuerySet.as_manager()

    class Meta:
        verbose_name = _("bâtiment vacant")
        verbose_name_plural = _("bâtiments vacants")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_from__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="vacantbuilding_window_ordered",
                violation_error_message=_("La fin de la disponibilité doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(surface__isnull=True) | Q(surface__gt=0),
                name="vacantbuilding_surface_positive",
                violation_error_message=_("La surface doit être positive."),
            ),
            coordinates_valid("vacantbuilding_coordinates_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inventory:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        errors = {}
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            errors["available_until"] = _("La fin de la disponibilité doit suivre son début.")
        if self.owner_id and self.owner.kind not in OWNER_KINDS:
            errors["owner"] = _(
                "Choisissez une organisation de type « propriétaire » ou « collectivité »."
            )
        if self.operator_id and self.operator.kind != Organisation.Kind.OPERATOR:
            errors["operator"] = _("Choisissez une organisation de type « gestionnaire ».")
        if (
            self.contact_user_id
            and self.owner_id
            and not self.owner.staff.filter(pk=self.contact_user_id).exists()
        ):
            errors["contact_user"] = _("Choisissez une personne de l'équipe du propriétaire.")
        if errors:
            raise ValidationError(errors)

    @property
    def converted(self) -> bool:
        return self.site_id is not None

    @property
    def scenario_values(self) -> list[str]:
        # From the prefetched rows when the view prefetched them.
        return [row.scenario for row in self.scenarios.all()]

    @property
    def scenario_labels(self) -> list[str]:
        labels = dict(Scenario.choices)
        return [str(labels.get(value, value)) for value in self.scenario_values]


class VacantBuildingScenario(models.Model):
    """A use a candidate building is considered for; a building may have several."""

    building = models.ForeignKey(
        VacantBuilding,
        verbose_name=_("bâtiment vacant"),
        on_delete=models.CASCADE,
        related_name="scenarios",
    )
    scenario = models.CharField(_("scénario"), max_length=20, choices=Scenario.choices)

    class Meta:
        verbose_name = _("scénario")
        verbose_name_plural = _("scénarios")
        ordering = ["scenario"]
        constraints = [
            models.UniqueConstraint(
                fields=["building", "scenario"],
                name="vacantbuilding_scenario_once",
                violation_error_message=_("Ce scénario est déjà retenu pour ce bâtiment."),
            )
        ]
        indexes = [models.Index(fields=["scenario", "building"], name="vacantbuilding_scenario")]

    def __str__(self) -> str:
        return self.get_scenario_display()


def _private_name(folder: str, filename: str) -> str:
    """A name that says nothing of the building and cannot be guessed."""
    suffix = PurePath(filename).suffix.lower()[:6] or ".bin"
    return f"inventory/{folder}/{uuid.uuid4().hex}{suffix}"


def photo_path(instance, filename: str) -> str:
    return _private_name("photos", filename)


def document_path(instance, filename: str) -> str:
    return _private_name("documents", filename)


class VacantBuildingPhoto(Photo):
    """A photo of a vacant building: checked and re-encoded like every image (core.images),
    kept in the private storage and shown only through an access-checked view."""

    building = models.ForeignKey(
        VacantBuilding,
        verbose_name=_("bâtiment vacant"),
        on_delete=models.CASCADE,
        related_name="photos",
    )
    image = SafeImageField(_("image"), upload_to=photo_path, storage=private_storage)
    thumbnail = models.ImageField(
        upload_to="inventory/thumbs/", storage=private_storage, blank=True, editable=False
    )


class VacantBuildingDocument(models.Model):
    """A document about a vacant building (plans, diagnostics): private, served only to whoever
    may see the building."""

    building = models.ForeignKey(
        VacantBuilding,
        verbose_name=_("bâtiment vacant"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(_("titre"), max_length=200)
    file = models.FileField(
        _("fichier"),
        upload_to=document_path,
        storage=private_storage,
        max_length=200,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
    )
    original_name = models.CharField(_("nom du fichier envoyé"), max_length=200)
    size = models.PositiveIntegerField(_("taille (octets)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class VacantBuildingChange(models.Model):
    """One line of a building's history, written by the services: who changed what, when."""

    class Action(models.TextChoices):
        CREATED = "created", _("Création")
        UPDATED = "updated", _("Modification")
        PHOTO_ADDED = "photo", _("Photo ajoutée")
        DOCUMENT_ADDED = "document", _("Document ajouté")
        CONVERTED = "converted", _("Devenu un lieu")

    building = models.ForeignKey(
        VacantBuilding,
        verbose_name=_("bâtiment vacant"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    summary = models.CharField(_("détail"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("le"), auto_now_add=True)

    class Meta:
        verbose_name = _("modification")
        verbose_name_plural = _("historique")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.summary}".strip()
