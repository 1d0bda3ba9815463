"""What a site changed, for whom: observations of social effects, declared figures and reports.

The framework is the sector's (Commune Mesure's): twelve indicators in three levels, an
intensity from 1 to 5, publics from the platform's list (events.models.Public, which the
events' attendance counts too). Figures the platform knows are computed (impact.figures) and
frozen into a report when it is published; figures it cannot know are declared, with their
source, and never mixed with computed ones.

Who sees and who changes what is decided here, once, from sites.models.managed_sites: the
sites' managers and operator staff record and publish; everyone else sees only what is
published on a published site.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import ChoiceListField
from events.models.agenda import Event, Public, PublicsField
from occupants.models import (
    ATTACHMENT_EXTENSIONS,
    Structure,
    private_storage,
    validate_attachment,
)
from sites.models import Site, managed_sites

INTENSITY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class Level(models.TextChoices):
    INDIVIDUAL = "individuel", _("Effets individuels")
    COLLECTIVE = "collectif", _("Effets collectifs")
    TERRITORIAL = "territorial", _("Effets sur le quartier et le territoire")


class Indicator(models.TextChoices):
    SOCIAL_TIES = "lien_social", _("Lien social")
    HEALTH = "sante", _("Santé et bien-être")
    EMPLOYMENT = "insertion", _("Insertion professionnelle")
    AGENCY = "capacite_agir", _("Capacité à agir")
    SOLIDARITY = "solidarite", _("Solidarité")
    NETWORKS = "reseaux", _("Réseaux de personnes")
    BELONGING = "appartenance", _("Sentiment d'appartenance ou d'exclusion")
    GENDER_EQUALITY = "egalite", _("Égalité femmes-hommes")
    LIVING_ENVIRONMENT = "cadre_vie", _("Cadre de vie")
    UPKEEP = "entretien", _("Entretien des espaces")
    PUBLIC_SERVICES = "services_publics", _("Services publics et de proximité")
    PUBLIC_INNOVATION = "innovation", _("Innovation publique")


# The level of each indicator, as the framework groups them.
INDICATOR_LEVEL: dict[str, str] = {
    Indicator.SOCIAL_TIES: Level.INDIVIDUAL,
    Indicator.HEALTH: Level.INDIVIDUAL,
    Indicator.EMPLOYMENT: Level.INDIVIDUAL,
    Indicator.AGENCY: Level.INDIVIDUAL,
    Indicator.SOLIDARITY: Level.COLLECTIVE,
    Indicator.NETWORKS: Level.COLLECTIVE,
    Indicator.BELONGING: Level.COLLECTIVE,
    Indicator.GENDER_EQUALITY: Level.COLLECTIVE,
    Indicator.LIVING_ENVIRONMENT: Level.TERRITORIAL,
    Indicator.UPKEEP: Level.TERRITORIAL,
    Indicator.PUBLIC_SERVICES: Level.TERRITORIAL,
    Indicator.PUBLIC_INNOVATION: Level.TERRITORIAL,
}


def indicators_of(level: str) -> list[str]:
    return [indicator for indicator, of in INDICATOR_LEVEL.items() if of == level]


# The twelve indicators level by level, as the framework lists them.
FRAMEWORK_ORDER: list[str] = [indicator for level in Level for indicator in indicators_of(level)]


# The kinds of effect each indicator records (the framework's checkboxes): value → label.
EFFECT_TYPES: dict[str, list[tuple[str, str]]] = {
    Indicator.SOCIAL_TIES: [
        ("rencontres", _("Rencontres entre publics différents")),
        ("interactions", _("Interactions régulières")),
        ("isolement", _("Rupture de l'isolement")),
    ],
    Indicator.HEALTH: [
        ("sante_physique", _("Meilleure santé physique ou psychique")),
        ("relations", _("Mieux-être dans les relations aux autres")),
        ("conditions_travail", _("Amélioration des conditions de travail")),
        ("confiance", _("Plus grande confiance en soi")),
        ("inconfort", _("Inconfort")),
        ("stress_conflits", _("Stress ou conflits")),
    ],
    Indicator.EMPLOYMENT: [
        ("emploi", _("Accès à un emploi")),
        ("formation", _("Formation, montée en compétences")),
        ("activite", _("Création ou développement d'une activité")),
        ("dispositif_insertion", _("Dispositif d'insertion")),
    ],
    Indicator.AGENCY: [
        ("projets_emergents", _("Nouveaux projets ou actions portés par des occupant·e·s")),
        ("prise_parole", _("Prise de parole, participation aux décisions")),
        ("gouvernance", _("Gouvernance partagée")),
    ],
    Indicator.SOLIDARITY: [
        ("petits_services", _("Petits services")),
        ("biens", _("Biens")),
        ("espaces", _("Espaces")),
        ("competences", _("Compétences")),
    ],
    Indicator.NETWORKS: [
        ("autour_projet", _("Autour d'un projet ou d'une action")),
        ("professionnel", _("Réseau professionnel")),
        ("entraide", _("Réseau d'entraide")),
    ],
    Indicator.BELONGING: [
        ("federation", _("Des personnes se sont fédérées autour du lieu")),
        ("communaute", _("Appartenance à une communauté")),
        ("exclusion", _("Des personnes se sentent exclues")),
    ],
    Indicator.GENDER_EQUALITY: [
        ("parite_gouvernance", _("Parité dans la gouvernance")),
        ("mixite_usages", _("Mixité des usages")),
        ("sensibilisation", _("Actions de sensibilisation")),
    ],
    Indicator.LIVING_ENVIRONMENT: [
        ("animation", _("Animation du quartier")),
        ("image", _("Meilleure image du quartier")),
        ("nuisances", _("Nuisances")),
    ],
    Indicator.UPKEEP: [
        ("entretien_batiment", _("Entretien du bâtiment")),
        ("espaces_verts", _("Espaces végétalisés entretenus")),
        ("securite", _("Sécurité, prévention des squats et dégradations")),
    ],
    Indicator.PUBLIC_SERVICES: [
        ("gestion_urbaine", _("Meilleure gestion urbaine")),
        ("services_proximite", _("Services de proximité")),
        ("soutien_scolaire", _("Cours du soir, aide aux devoirs, ateliers informatiques")),
        ("culture", _("Pratique artistique et culturelle")),
        ("locaux_activite", _("Locaux d'activité")),
        ("convivialite", _("Espaces de convivialité ou de rencontre")),
    ],
    Indicator.PUBLIC_INNOVATION: [
        ("nouveaux_modes", _("Nouveaux modes de faire avec les partenaires")),
        ("experimentation", _("Expérimentation")),
        ("essaimage", _("Essaimage, reprise par d'autres")),
    ],
}


class Valence(models.TextChoices):
    POSITIVE = "positif", _("Positif")
    NEGATIVE = "negatif", _("Négatif")
    MIXED = "mitige", _("Mitigé")


class Occasion(models.TextChoices):
    PROJECT_LIFE = "vie_projet", _("Dans la vie du projet")
    PUBLIC_EVENTS = "evenements", _("Lors d'événements grand public")
    DEDICATED_PUBLICS = "publics_dedies", _("Lors d'activités avec des publics dédiés")
    MEETING_TIMES = "temps_rencontre", _("Lors de temps organisés pour favoriser les rencontres")


class Frequency(models.TextChoices):
    ONCE = "ponctuelle", _("Ponctuellement")
    SOMETIMES = "occasionnelle", _("Plusieurs fois par an")
    MONTHLY = "mensuelle", _("Chaque mois")
    WEEKLY = "hebdomadaire", _("Chaque semaine")
    DAILY = "quotidienne", _("Chaque jour")


class Evidence(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    INTERVIEW = "entretien", _("Entretien")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    COUNT = "comptage", _("Comptage")
    DOCUMENT = "document", _("Document")


def evidence_path(instance, filename: str) -> str:
    """A name that says nothing of the site or the people, and cannot be guessed."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"impact/{uuid.uuid4().hex}.{extension[:5]}"


class Status(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    VALIDATED = "valide", _("Validée")
    PUBLISHED = "publie", _("Publiée")


class ObservationQuerySet(models.QuerySet["Observation"]):
    def published(self) -> ObservationQuerySet:
        """What the public reads: published observations of published sites."""
        return self.filter(status=Status.PUBLISHED, site__in=Site.objects.published())

    def manageable_by(self, user) -> ObservationQuerySet:
        """Observations of the sites a user manages: they record, validate and publish them."""
        return self.filter(managed_sites(user, "site__"))

    def visible_to(self, user) -> ObservationQuerySet:
        return self.filter(
            Q(status=Status.PUBLISHED, site__in=Site.objects.published())
            | managed_sites(user, "site__")
        )

    def in_framework_order(self) -> ObservationQuerySet:
        """By level and indicator in the framework's order (not the values' alphabetical one),
        then the latest period first: a page of the list shows its rows grouped as the
        framework groups them, and the next page carries on where it stopped."""
        rank = models.Case(
            *(
                models.When(indicator=indicator, then=models.Value(position))
                for position, indicator in enumerate(FRAMEWORK_ORDER)
            ),
            default=models.Value(len(FRAMEWORK_ORDER)),
            output_field=models.PositiveSmallIntegerField(),
        )
        return self.alias(framework_rank=rank).order_by("framework_rank", "-period_end", "pk")


class Observation(models.Model):
    """An observed social effect on one indicator, for some publics, with its evidence."""

    class Source(models.TextChoices):
        TEAM = "equipe", _("Équipe du lieu")
        QUESTIONNAIRE = "questionnaire", _("Questionnaire")
        IMPORT = "import", _("Import")

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="observations"
    )
    indicator = models.CharField(_("indicateur"), max_length=20, choices=Indicator.choices)
    valence = models.CharField(
        _("effet"), max_length=10, choices=Valence.choices, default=Valence.POSITIVE
    )
    intensity = models.PositiveSmallIntegerField(
        _("intensité"),
        validators=INTENSITY_VALIDATORS,
        help_text=_("De 1 (faible) à 5 (très forte)."),
    )
    publics = PublicsField(_("publics concernés"))
    effects = ChoiceListField(_("types d'effets"))
    occasions = ChoiceListField(_("occasions"), choices_of=Occasion.choices)
    frequency = models.CharField(
        _("fréquence"), max_length=15, choices=Frequency.choices, blank=True
    )
    narrative = models.TextField(_("récit"), max_length=5000)
    keywords = models.CharField(
        _("mots-clés"),
        max_length=300,
        blank=True,
        help_text=_("Séparés par des virgules, par exemple : transmission des savoirs."),
    )
    quote = models.TextField(_("citation"), max_length=1000, blank=True)
    quote_role = models.CharField(
        _("rôle de la personne citée"),
        max_length=120,
        blank=True,
        help_text=_("Son rôle (« occupante », « voisin »), jamais son nom."),
    )
    evidence = models.CharField(
        _("preuve"), max_length=15, choices=Evidence.choices, default=Evidence.OBSERVATION
    )
    evidence_file = models.FileField(
        _("fichier de preuve"),
        upload_to=evidence_path,
        storage=private_storage,
        blank=True,
        # The same bounds as a candidate's documents: a PDF, JPEG or PNG by its content.
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS), validate_attachment],
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus. Visible des seuls gestionnaires du lieu."),
    )
    evidence_url = models.URLField(_("lien de preuve"), blank=True)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    people_count = models.PositiveIntegerField(_("personnes concernées"), null=True, blank=True)
    actions_count = models.PositiveIntegerField(_("actions menées"), null=True, blank=True)
    events = models.ManyToManyField(
        Event, verbose_name=_("événements"), related_name="observations", blank=True
    )
    structures = models.ManyToManyField(
        Structure, verbose_name=_("structures"), related_name="observations", blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur·rice"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("source"), max_length=15, choices=Source.choices, default=Source.TEAM
    )
    response = models.ForeignKey(
        "QuestionnaireResponse",
        verbose_name=_("réponse au questionnaire"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["site", "indicator", "-period_end", "pk"]
        indexes = [models.Index(fields=["site", "status", "indicator"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__gte=1, intensity__lte=5),
                name="observation_intensity_1_to_5",
                violation_error_message=_("L'intensité va de 1 à 5."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="observation_period_in_order",
                violation_error_message=_("La période finit après son début."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} ({self.site})"

    @property
    def level(self) -> str:
        return INDICATOR_LEVEL[self.indicator]

    def get_level_display(self) -> str:
        return Level(self.level).label

    def effect_labels(self) -> list[str]:
        labels = dict(EFFECT_TYPES.get(self.indicator, []))
        return [str(labels[value]) for value in self.effects if value in labels]

    def keyword_list(self) -> list[str]:
        return [word.strip().lstrip("#") for word in self.keywords.split(",") if word.strip()]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.indicator in EFFECT_TYPES and isinstance(self.effects, list):
            valid = {value for value, _label in EFFECT_TYPES[self.indicator]}
            if not set(self.effects) <= valid:
                errors["effects"] = _("Ces types d'effets ne sont pas ceux de l'indicateur.")
        if self.quote_role and not self.quote:
            errors["quote_role"] = _("Indiquez la citation à laquelle ce rôle se rapporte.")
        if errors:
            raise ValidationError(errors)


class Questionnaire(models.Model):
    """A site's short questionnaire, which occupants and visitors answer (anonymously if they
    choose); each answer becomes draft observations that a manager validates."""

    site = models.OneToOneField(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="questionnaire"
    )
    is_open = models.BooleanField(_("ouvert aux réponses"), default=True)
    introduction = models.TextField(_("introduction"), max_length=2000, blank=True)
    created = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return str(self.site)


class QuestionnaireResponse(models.Model):
    """One person's answer. Anonymous unless they chose to leave their account attached."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    respondent_public = models.CharField(
        _("vous êtes"), max_length=20, choices=Public.choices, blank=True
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("répondant·e"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created = models.DateTimeField(_("reçue le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réponse au questionnaire")
        verbose_name_plural = _("réponses au questionnaire")
        ordering = ["-created", "pk"]

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.created:%Y-%m-%d}"


class ImpactReportQuerySet(models.QuerySet["ImpactReport"]):
    def published(self) -> ImpactReportQuerySet:
        """What the public reads: published reports of published sites."""
        return self.filter(status=ImpactReport.Status.PUBLISHED, site__in=Site.objects.published())

    def manageable_by(self, user) -> ImpactReportQuerySet:
        """Reports of the sites a user manages: they write and publish them."""
        return self.filter(managed_sites(user, "site__"))

    def visible_to(self, user) -> ImpactReportQuerySet:
        return self.filter(
            Q(status=ImpactReport.Status.PUBLISHED, site__in=Site.objects.published())
            | managed_sites(user, "site__")
        )


class ImpactReport(models.Model):
    """A site's report for a period. At publication the computed figures are frozen into
    `figures`, so that a published report never changes under its readers; a new period makes
    a new report."""

    class Status(models.TextChoices):
        DRAFT = "brouillon", _("Brouillon")
        PUBLISHED = "publie", _("Publié")

    site = models.ForeignKey(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="impact_reports"
    )
    slug = models.SlugField(_("adresse"), max_length=80)
    title = models.CharField(_("titre"), max_length=160)
    summary = models.TextField(_("résumé"), max_length=3000, blank=True)
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    intensity_individual = models.PositiveSmallIntegerField(
        _("intensité des effets individuels"),
        validators=INTENSITY_VALIDATORS,
        null=True,
        blank=True,
    )
    intensity_collective = models.PositiveSmallIntegerField(
        _("intensité des effets collectifs"),
        validators=INTENSITY_VALIDATORS,
        null=True,
        blank=True,
    )
    intensity_territorial = models.PositiveSmallIntegerField(
        _("intensité des effets territoriaux"),
        validators=INTENSITY_VALIDATORS,
        null=True,
        blank=True,
    )
    # Gender balance: the share of women, in %, of each group.
    women_management = models.PositiveSmallIntegerField(
        _("femmes dans l'équipe de gestion (%)"),
        validators=[MaxValueValidator(100)],
        null=True,
        blank=True,
    )
    women_leaders = models.PositiveSmallIntegerField(
        _("femmes parmi les responsables des structures (%)"),
        validators=[MaxValueValidator(100)],
        null=True,
        blank=True,
    )
    women_occupants = models.PositiveSmallIntegerField(
        _("femmes parmi les occupant·e·s (%)"),
        validators=[MaxValueValidator(100)],
        null=True,
        blank=True,
    )
    women_publics = models.PositiveSmallIntegerField(
        _("femmes parmi les publics (%)"),
        validators=[MaxValueValidator(100)],
        null=True,
        blank=True,
    )
    methods = models.TextField(_("méthode et sources"), max_length=5000, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    figures = models.JSONField(
        _("chiffres calculés"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Figés à la publication."),
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, editable=False)
    created = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ImpactReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("rapport d'impact")
        verbose_name_plural = _("rapports d'impact")
        ordering = ["site", "-period_end", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "slug"],
                name="impactreport_unique_slug_per_site",
                violation_error_message=_("Ce lieu a déjà un rapport à cette adresse."),
            ),
            models.UniqueConstraint(
                fields=["site", "period_start", "period_end"],
                name="impactreport_one_per_period",
                violation_error_message=_("Ce lieu a déjà un rapport pour cette période."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="impactreport_period_in_order",
                violation_error_message=_("La période finit après son début."),
            ),
            models.CheckConstraint(
                condition=Q(status="brouillon") | Q(figures__isnull=False),
                name="impactreport_published_has_figures",
                violation_error_message=_("Un rapport publié a ses chiffres figés."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("impact:report", args=[self.site.slug, self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def shown_observations(self) -> ObservationQuerySet:
        """The observations the report shows (its page, its downloads and its PDF): its site's
        over its period; once published only the published ones, in a draft also the validated
        ones (what publishing would show). The one place for this rule."""
        statuses = [Status.PUBLISHED] if self.is_published else [Status.PUBLISHED, Status.VALIDATED]
        return Observation.objects.filter(
            site_id=self.site_id,
            status__in=statuses,
            period_start__lte=self.period_end,
            period_end__gte=self.period_start,
        ).order_by("indicator", "-intensity", "period_start", "pk")

    def level_intensities(self) -> list[tuple[str, str, int | None]]:
        """(level, label, intensity) for the three levels, in the framework's order."""
        return [
            (Level.INDIVIDUAL, Level.INDIVIDUAL.label, self.intensity_individual),
            (Level.COLLECTIVE, Level.COLLECTIVE.label, self.intensity_collective),
            (Level.TERRITORIAL, Level.TERRITORIAL.label, self.intensity_territorial),
        ]


class DeclaredFigure(models.Model):
    """A figure the platform cannot know (a survey's share of soft mobility, volunteers, the
    site team's jobs), entered with its source and shown apart from the computed ones."""

    report = models.ForeignKey(
        ImpactReport,
        verbose_name=_("rapport"),
        on_delete=models.CASCADE,
        related_name="declared_figures",
    )
    label = models.CharField(_("intitulé"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(
        _("unité"), max_length=30, blank=True, help_text=_("Par exemple %, personnes, €.")
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("D'où vient ce chiffre : enquête, comptage, déclaration…"),
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("chiffre déclaré")
        verbose_name_plural = _("chiffres déclarés")
        ordering = ["report", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value} {self.unit}".strip()
