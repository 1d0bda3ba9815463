from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Organisation
from core.db import InSubquery, coordinates_valid
from core.images import Photo, SafeImageField, sync_thumbnail
from core.lists import ListItem

DEPARTEMENT_VALIDATOR = RegexValidator(
    r"^(0[1-9]|[1-8][0-9]|9[0-5]|2A|2B|97[1-6])$",
    _("Indiquez un numéro de département français (ex. 92, 2A, 974)."),
)
POSTAL_CODE_VALIDATOR = RegexValidator(r"^\d{5}$", _("Le code postal compte cinq chiffres."))

# Sort keys of the public lists, each served by an index of Site.Meta. "Empty last" is written
# with Coalesce rather than NULLS LAST, which an index on SQLite cannot hold.
NEWEST_FIRST = Coalesce("occupancy_start", Value(date.min)).desc()
LARGEST_FIRST = Coalesce("total_surface", Value(Decimal(0))).desc()


def months_between(start: date, end: date) -> int:
    """Whole months from start to end, rounded to the nearest month (Oct 1 → Mar 31 = 6)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day - start.day >= 15:
        months += 1
    elif start.day - end.day > 15:
        months -= 1
    return max(months, 0)


def format_months(months: int) -> str:
    if months < 24 or months % 12:
        return ngettext("%(n)d mois", "%(n)d mois", months) % {"n": months}
    years = months // 12
    return ngettext("%(n)d an", "%(n)d ans", years) % {"n": years}


class Equipment(ListItem):
    """A line of the shared equipment list: data rows, translated by a field."""

    class Meta(ListItem.Meta):
        verbose_name = _("équipement")
        verbose_name_plural = _("équipements")


def _nobody(site: str) -> Q:
    return Q(**{f"{site}pk__in": []})


def managed_sites(user, site: str = "") -> Q:
    """The sites a user may manage: all for a superuser, their organisation's for operator
    staff, their own for a site manager, none for anyone else. The one place for this rule,
    as a condition on the sites reached through `site` ("" on Site, "site__" on a model with a
    site foreign key), which Site.objects.managed_by filters with."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _nobody(site)
    if user.is_superuser:
        return Q(**{f"{site}pk__isnull": False})
    operated = Organisation.staff.through.objects.filter(user_id=user.pk).values("organisation_id")
    # Both branches on the site's primary key, each `= ANY(ARRAY(...))` (core.db.InSubquery):
    # PostgreSQL reads the few sites they name through the primary key. With a branch on
    # operator_id, or IN subqueries, it expected a good part of the sites and filtered them
    # all (a sequential scan, which grows with the table). The operated sites themselves are
    # a plain IN: out of an OR, a join from the user's few staff rows to the operator index.
    operated_sites = Site.objects.filter(operator_id__in=operated).values("pk")
    assigned = Site.managers.through.objects.filter(user_id=user.pk).values("site_id")
    return Q(InSubquery(F(f"{site}pk"), operated_sites)) | Q(InSubquery(F(f"{site}pk"), assigned))


def bookable_sites(user, site: str = "") -> Q:
    """The sites whose rooms a user may book and whose booking pages they may see: those
    where one of their structures holds a current occupancy, and those they manage. The one
    place for this rule, as a condition like managed_sites's (Site.objects.bookable_by and
    Space.objects.bookable_by filter with it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _nobody(site)
    # Occupancies belong to the occupants app, a layer above this one: reached through the
    # reverse relation, so that this module imports nothing from there.
    occupancy = Site._meta.get_field("occupancies").related_model
    occupied = occupancy.objects.current().of_member(user).values("site_id")
    return Q(InSubquery(F(f"{site}pk"), occupied)) | managed_sites(user, site)


def owned_sites(user, site: str = "") -> Q:
    """The sites a user may follow, read-only, as their owner or funder: all for a superuser;
    for the staff of an owner organisation (owner or public body), the sites it owns; for the
    staff of a funder, the sites its funding lines name; none for anyone else. The one place
    for this rule, as a condition like managed_sites's (Site.objects.owned_by filters with it)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return _nobody(site)
    if user.is_superuser:
        return Q(**{f"{site}pk__isnull": False})
    staff = Organisation.staff.through.objects.filter(user_id=user.pk)
    owners = staff.filter(
        organisation__kind__in=(Organisation.Kind.OWNER, Organisation.Kind.PUBLIC_BODY)
    ).values("organisation_id")
    funders = staff.filter(organisation__kind=Organisation.Kind.FUNDER).values("organisation_id")
    owned = Site.objects.filter(owner_id__in=owners).values("pk")
    funded = Funding.objects.filter(funder_id__in=funders).values("site_id")
    return Q(InSubquery(F(f"{site}pk"), owned)) | Q(InSubquery(F(f"{site}pk"), funded))


class ReceptionCategory(models.IntegerChoices):
    """The building's public-reception category (catégorie d'ERP), by the public it admits."""

    FIRST = 1, _("1re catégorie (plus de 1 500 personnes)")
    SECOND = 2, _("2e catégorie (701 à 1 500 personnes)")
    THIRD = 3, _("3e catégorie (301 à 700 personnes)")
    FOURTH = 4, _("4e catégorie (jusqu'à 300 personnes)")
    FIFTH = 5, _("5e catégorie (sous le seuil du type)")


class ReceptionType(models.TextChoices):
    """The type of public-reception building (type d'ERP), by its activity."""

    J = "J", _("J : structures d'accueil pour personnes âgées ou handicapées")
    L = "L", _("L : salles de réunion, de spectacle ou à usages multiples")
    M = "M", _("M : magasins, centres commerciaux")
    N = "N", _("N : restaurants, débits de boissons")
    O = "O", _("O : hôtels, pensions de famille")  # noqa: E741
    P = "P", _("P : salles de danse, salles de jeux")
    R = "R", _("R : établissements d'enseignement, de formation")
    S = "S", _("S : bibliothèques, centres de documentation")
    T = "T", _("T : salles d'exposition")
    U = "U", _("U : établissements de soins")
    V = "V", _("V : établissements de culte")
    W = "W", _("W : administrations, banques, bureaux")
    X = "X", _("X : établissements sportifs couverts")
    Y = "Y", _("Y : musées")
    PA = "PA", _("PA : établissements de plein air")
    CTS = "CTS", _("CTS : chapiteaux, tentes et structures")


class ReceptionFields(models.Model):
    """What the safety diagnostic says of a building or a room open to the public: its
    category, its type and the number of people it may admit, which bounds the capacity of the
    public events held there (events.agenda.services.check_capacity)."""

    reception_category = models.PositiveSmallIntegerField(
        _("catégorie ERP"), choices=ReceptionCategory.choices, null=True, blank=True
    )
    reception_type = models.CharField(
        _("type ERP"), max_length=3, choices=ReceptionType.choices, blank=True
    )
    reception_capacity = models.PositiveIntegerField(
        _("effectif admissible"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Le nombre de personnes que le public peut compter au plus, selon le diagnostic de "
            "sécurité ; la jauge des événements publics ne peut pas le dépasser."
        ),
    )

    class Meta:
        abstract = True


class SiteQuerySet(models.QuerySet["Site"]):
    def published(self) -> SiteQuerySet:
        return self.filter(published=True)

    def managed_by(self, user) -> SiteQuerySet:
        """The sites a user may manage (managed_sites)."""
        return self.filter(managed_sites(user))

    def bookable_by(self, user) -> SiteQuerySet:
        """The sites whose rooms a user may book (bookable_sites)."""
        return self.filter(bookable_sites(user))

    def owned_by(self, user) -> SiteQuerySet:
        """The sites a user follows as their owner or funder (owned_sites)."""
        return self.filter(owned_sites(user))


class Site(ReceptionFields, models.Model):
    class Status(models.TextChoices):
        SCOUTING = "reperage", _("Repérage")
        PREPARATION = "preparation", _("En préparation")
        OPEN = "ouvert", _("Ouvert")
        CLOSING = "fermeture", _("En fermeture")
        CLOSED = "ferme", _("Fermé")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(
        _("identifiant dans l'adresse"),
        max_length=200,
        unique=True,
        error_messages={"unique": _("Un lieu utilise déjà cet identifiant.")},
    )
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("propriétaire"),
        on_delete=models.PROTECT,
        related_name="owned_sites",
    )
    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("gestionnaire"),
        on_delete=models.PROTECT,
        related_name="operated_sites",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsables de site"),
        related_name="managed_sites",
        blank=True,
    )
    address = models.CharField(_("adresse"), max_length=255)
    postal_code = models.CharField(
        _("code postal"), max_length=5, validators=[POSTAL_CODE_VALIDATOR]
    )
    commune = models.CharField(_("commune"), max_length=120)
    departement = models.CharField(
        _("département"), max_length=3, validators=[DEPARTEMENT_VALIDATOR], db_index=True
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    former_use = models.CharField(_("usage d'origine"), max_length=200, blank=True)
    future_use = models.CharField(_("usage prévu après l'occupation"), max_length=200, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SCOUTING, db_index=True
    )
    occupancy_start = models.DateField(_("début de l'occupation"), null=True, blank=True)
    occupancy_end = models.DateField(_("fin prévue de l'occupation"), null=True, blank=True)
    total_surface = models.DecimalField(
        _("surface totale (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    summary = models.CharField(
        _("résumé"), max_length=300, blank=True, help_text=_("Une phrase, pour les listes.")
    )
    description = models.TextField(_("présentation"), blank=True)
    equipment = models.ManyToManyField(
        Equipment, verbose_name=_("équipements"), related_name="sites", blank=True
    )
    transport_access = models.TextField(_("accès et transports"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    cover_photo = SafeImageField(_("photo principale"), upload_to="sites/covers/", blank=True)
    cover_photo_alt = models.CharField(_("description de la photo"), max_length=200, blank=True)
    cover_thumbnail = models.ImageField(upload_to="sites/thumbs/", blank=True, editable=False)
    total_project_cost = models.DecimalField(
        _("coût total du projet (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    published = models.BooleanField(
        _("publié"), default=False, help_text=_("Seuls les lieux publiés sont visibles du public.")
    )
    trust_occupant_events = models.BooleanField(
        _("publier directement les événements des occupants"),
        default=False,
        help_text=_(
            "Sinon, les événements proposés par les occupants attendent la validation d'un "
            "responsable du lieu."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = SiteQuerySet.as_manager()

    class Meta:
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(occupancy_end__isnull=True)
                | Q(occupancy_start__isnull=True)
                | Q(occupancy_end__gte=models.F("occupancy_start")),
                name="site_end_after_start",
                violation_error_message=_("La fin de l'occupation doit suivre son début."),
            ),
            models.CheckConstraint(
                condition=Q(total_surface__isnull=True) | Q(total_surface__gt=0),
                name="site_surface_positive",
                violation_error_message=_("La surface totale doit être positive."),
            ),
            coordinates_valid("site_coordinates_valid"),
            models.CheckConstraint(
                condition=Q(total_project_cost__isnull=True) | Q(total_project_cost__gte=0),
                name="site_project_cost_positive",
                violation_error_message=_("Le coût du projet ne peut être négatif."),
            ),
        ]
        indexes = [
            models.Index(fields=["published", "name"], name="site_published_name"),
            # The public lists' sorts; the home page's open sites (newest first) and upcoming ones.
            models.Index(
                fields=["commune", "name", "id"],
                condition=Q(published=True),
                name="site_public_commune",
            ),
            models.Index(
                NEWEST_FIRST, "name", "id", condition=Q(published=True), name="site_public_newest"
            ),
            models.Index(
                LARGEST_FIRST, "name", "id", condition=Q(published=True), name="site_public_largest"
            ),
            models.Index(
                fields=["occupancy_start", "name", "id"],
                condition=Q(published=True),
                name="site_public_start",
            ),
            models.Index(
                F("status"),
                NEWEST_FIRST,
                "name",
                "id",
                condition=Q(published=True),
                name="site_public_status_newest",
            ),
            # The map's box and clusters, and the home page's totals, read from the index alone.
            models.Index(
                fields=["latitude", "longitude", "id"],
                condition=Q(published=True),
                name="site_public_position",
            ),
            models.Index(
                fields=["status", "total_surface"],
                condition=Q(published=True),
                name="site_public_totals",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        sync_thumbnail(self, "cover_photo", "cover_thumbnail")

    def get_absolute_url(self) -> str:
        return reverse("sites:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if (
            self.occupancy_start
            and self.occupancy_end
            and self.occupancy_end < self.occupancy_start
        ):
            raise ValidationError(
                {"occupancy_end": _("La fin de l'occupation doit suivre son début.")}
            )
        if self.owner_id and self.operator_id and self.operator.kind != Organisation.Kind.OPERATOR:
            raise ValidationError(
                {"operator": _("Choisissez une organisation de type « gestionnaire ».")}
            )

    @property
    def duration_months(self) -> int | None:
        if self.occupancy_start and self.occupancy_end:
            return months_between(self.occupancy_start, self.occupancy_end)
        return None

    @property
    def duration_label(self) -> str:
        months = self.duration_months
        return format_months(months) if months is not None else ""

    def remaining_label(self, today: date | None = None) -> str:
        """What a visitor wants to know: has it started, how long is left, is it over."""
        if not (self.occupancy_start and self.occupancy_end):
            return ""
        today = today or timezone.localdate()
        if today < self.occupancy_start:
            return _("Ouverture prévue dans %(d)s") % {
                "d": format_months(max(months_between(today, self.occupancy_start), 1))
                if (self.occupancy_start - today).days >= 30
                else ngettext("%(n)d jour", "%(n)d jours", (self.occupancy_start - today).days)
                % {"n": (self.occupancy_start - today).days}
            }
        if today > self.occupancy_end:
            return _("Occupation terminée")
        left = (self.occupancy_end - today).days
        if left < 30:
            return ngettext("Encore %(n)d jour", "Encore %(n)d jours", left) % {"n": left}
        return _("Encore %(d)s") % {"d": format_months(months_between(today, self.occupancy_end))}

    @property
    def funding_total(self) -> Decimal:
        # Uses the prefetched rows when the view prefetched them.
        return sum((f.amount for f in self.fundings.all()), Decimal(0))


class SitePhoto(Photo):
    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="photos"
    )
    image = SafeImageField(_("image"), upload_to="sites/photos/")
    thumbnail = models.ImageField(upload_to="sites/thumbs/", blank=True, editable=False)


class SpaceQuerySet(models.QuerySet["Space"]):
    def bookable_by(self, user) -> SpaceQuerySet:
        """The bookable rooms of the sites Site.objects.bookable_by(user) returns."""
        return self.filter(Q(is_bookable=True) & bookable_sites(user, "site__"))

    def lock(self, ids) -> list[int]:
        """Locks these spaces' rows until the end of the current transaction, in id order, and
        returns the ids found. Every service that writes rows of a space's exclusion constraint
        (bookings, held spaces) calls it first: two writers of one space take turns, the later
        one meets the earlier one's rows as a plain conflict rather than a deadlock between
        their uncommitted rows, and one order for all means two writers locking the same
        spaces cannot wait for each other. FOR NO KEY UPDATE: readers and the foreign-key
        checks of other tables do not wait. On SQLite, a no-op: its IMMEDIATE transactions
        already take turns."""
        return list(
            self.select_for_update(no_key=True)
            .filter(pk__in=sorted(set(ids)))
            .order_by("pk")
            .values_list("pk", flat=True)
        )


class Space(ReceptionFields, models.Model):
    class Kind(models.TextChoices):
        OFFICE = "bureau", _("Bureau")
        WORKSHOP = "atelier", _("Atelier")
        STORAGE = "reserve", _("Réserve")
        MEETING_ROOM = "salle_reunion", _("Salle de réunion")
        MULTIPURPOSE = "salle_polyvalente", _("Salle polyvalente")
        COMMON = "espace_commun", _("Espace commun")
        LOUNGE = "foyer", _("Foyer")
        CANTEEN = "cantine", _("Cantine")
        COURTYARD = "cour", _("Cour")
        OUTDOOR = "exterieur", _("Espace extérieur")
        COWORKING = "coworking", _("Espace de coworking")

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="spaces"
    )
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, db_index=True)
    level = models.SmallIntegerField(
        _("niveau"),
        default=0,
        validators=[MinValueValidator(-5), MaxValueValidator(60)],
        help_text=_("0 pour le rez-de-chaussée, -1 pour le premier sous-sol."),
    )
    surface = models.DecimalField(_("surface (m²)"), max_digits=8, decimal_places=1)
    capacity = models.PositiveIntegerField(_("capacité (personnes)"))
    is_bookable = models.BooleanField(
        _("partagé et réservable"),
        default=False,
        help_text=_("Les occupants du lieu peuvent le réserver à l'heure."),
    )
    is_accessible = models.BooleanField(_("accessible PMR"), default=False)
    description = models.TextField(_("description"), blank=True)
    photo = SafeImageField(_("photo"), upload_to="spaces/", blank=True)
    photo_thumbnail = models.ImageField(upload_to="spaces/thumbs/", blank=True, editable=False)

    objects = SpaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["site", "level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(surface__gt=0),
                name="space_surface_positive",
                violation_error_message=_("La surface doit être positive."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="space_capacity_positive",
                violation_error_message=_("La capacité doit être d'au moins une personne."),
            ),
            models.UniqueConstraint(
                fields=["site", "name"],
                name="space_unique_name_per_site",
                violation_error_message=_("Ce lieu a déjà un espace de ce nom."),
            ),
        ]
        indexes = [
            models.Index(fields=["site", "kind"], name="space_site_kind"),
            # "Has a bookable room" (the directory's filter, a card's count) probes one entry
            # per site, read from the index alone, instead of reading every space of the site.
            models.Index(
                fields=["site"], condition=models.Q(is_bookable=True), name="space_bookable_site"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.name} ({self.site.name})" if "site" in self._state.fields_cache else self.name
        )

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        sync_thumbnail(self, "photo", "photo_thumbnail")

    @property
    def level_label(self) -> str:
        if self.level == 0:
            return _("Rez-de-chaussée")
        if self.level < 0:
            return _("Sous-sol %(n)d") % {"n": -self.level}
        return ngettext("%(n)der étage", "%(n)de étage", self.level) % {"n": self.level}


class Funding(models.Model):
    class Source(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "prive", _("Privé")
        CROWDFUNDING = "participatif", _("Financement participatif")
        OWN_FUNDS = "fonds_propres", _("Fonds propres")

    class Nature(models.TextChoices):
        INVESTMENT = "investissement", _("Investissement")
        OPERATING = "fonctionnement", _("Fonctionnement")

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="fundings"
    )
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("financeur"),
        on_delete=models.PROTECT,
        related_name="fundings",
    )
    programme = models.CharField(
        _("programme"), max_length=150, blank=True, help_text=_("Par exemple LEADER.")
    )
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    purpose = models.CharField(_("objet"), max_length=255, blank=True)
    source = models.CharField(
        _("origine"), max_length=15, choices=Source.choices, default=Source.PUBLIC
    )
    nature = models.CharField(
        _("nature"), max_length=15, choices=Nature.choices, default=Nature.OPERATING
    )
    project_cost = models.DecimalField(
        _("coût total du projet financé (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Pour l'effet de levier : 9 900 € de LEADER sur un projet de 19 200 € en couvrent "
            "51,6 %."
        ),
    )

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ["year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_amount_positive",
                violation_error_message=_("Le montant doit être positif."),
            ),
            models.CheckConstraint(
                condition=Q(project_cost__isnull=True) | Q(project_cost__gte=F("amount")),
                name="funding_within_project_cost",
                violation_error_message=_(
                    "Le coût du projet ne peut être inférieur au montant du financement."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.funder} {self.programme} {self.amount} €".strip()

    @property
    def leverage(self) -> Decimal | None:
        """The share of the project's cost this funding covers, in % (LEADER: 51.6)."""
        if not self.project_cost:
            return None
        return (self.amount * 100 / self.project_cost).quantize(Decimal("0.1"))


# The project path of a site (sites.path), in its own module of this package.
from sites.models.path import (  # noqa: E402, F401
    PathChange,
    PathDigest,
    PathTemplate,
    SitePath,
    Stage,
    Step,
    TemplateStage,
    TemplateStep,
)
