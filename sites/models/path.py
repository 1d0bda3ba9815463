"""The project path of a site ("parcours"): the stages and steps from identifying a vacant
building to closing it, copied from an operator's template then adapted freely, with the
history of its changes. The pages and the workflow are in sites.path."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from core.files import private_storage, validate_attachment
from sites.models import Site, managed_sites

# The statuses in the order a site goes through them.
STATUS_ORDER: tuple[str, ...] = tuple(Site.Status.values)


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status)


def responsible_candidates(site: Site):
    """Who may be responsible for a step of the site's path: its managers and its operator's
    staff. The one place for this rule (the step form's choices, the services)."""
    return (
        User.objects.filter(
            Q(managed_sites=site.pk) | Q(staff_organisations=site.operator_id), is_active=True
        )
        .distinct()
        .order_by("full_name", "email")
    )


class PathTemplateQuerySet(models.QuerySet["PathTemplate"]):
    def for_site(self, site: Site) -> PathTemplateQuerySet:
        """The templates a site's path may start from: the shared ones and its operator's."""
        return self.filter(Q(operator__isnull=True) | Q(operator_id=site.operator_id))


class PathTemplate(models.Model):
    class Kind(models.TextChoices):
        DEFAULT = "defaut", _("Parcours par défaut")
        PUBLIC_SERVICE = "service_public", _("Service public dans son propre bâtiment")
        OTHER = "autre", _("Autre")

    operator = models.ForeignKey(
        Organisation,
        verbose_name=_("gestionnaire"),
        on_delete=models.CASCADE,
        related_name="path_templates",
        null=True,
        blank=True,
        help_text=_("Vide : un modèle proposé à tous les gestionnaires."),
    )
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("description"), blank=True)

    objects = PathTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = _("modèle de parcours")
        verbose_name_plural = _("modèles de parcours")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class TemplateStage(models.Model):
    template = models.ForeignKey(
        PathTemplate, verbose_name=_("modèle"), on_delete=models.CASCADE, related_name="stages"
    )
    title = models.CharField(_("titre"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("phase du modèle")
        verbose_name_plural = _("phases du modèle")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class RequiredFor(models.Model):
    required_for = models.CharField(
        _("à faire avant le statut"),
        max_length=20,
        choices=Site.Status.choices,
        blank=True,
        help_text=_("Le lieu ne passe pas à ce statut tant que l'étape n'est pas faite."),
    )

    class Meta:
        abstract = True


class TemplateStep(RequiredFor):
    stage = models.ForeignKey(
        TemplateStage, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("titre"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("étape du modèle")
        verbose_name_plural = _("étapes du modèle")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class SitePath(models.Model):
    site = models.OneToOneField(
        Site, verbose_name=_("lieu"), on_delete=models.CASCADE, related_name="path"
    )
    template = models.ForeignKey(
        PathTemplate,
        verbose_name=_("modèle d'origine"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")

    def __str__(self) -> str:
        return str(self.site)


class StageQuerySet(models.QuerySet["Stage"]):
    def managed_by(self, user) -> StageQuerySet:
        """The stages of the sites a user manages (sites.models.managed_sites)."""
        return self.filter(managed_sites(user, "path__site__"))


class Stage(models.Model):
    path = models.ForeignKey(
        SitePath, verbose_name=_("parcours"), on_delete=models.CASCADE, related_name="stages"
    )
    title = models.CharField(_("titre"), max_length=150)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    objects = StageQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


def step_document_path(instance, filename: str) -> str:
    """A name that says nothing of the site and cannot be guessed."""
    suffix = PurePath(filename).suffix.lower()[:5]
    return f"path/{uuid.uuid4().hex}{suffix}"


class StepQuerySet(models.QuerySet["Step"]):
    def managed_by(self, user) -> StepQuerySet:
        """The steps of the sites a user manages (sites.models.managed_sites)."""
        return self.filter(managed_sites(user, "stage__path__site__"))

    def undone(self) -> StepQuerySet:
        return self.filter(done_date__isnull=True)

    def late(self, today: date) -> StepQuerySet:
        return self.undone().filter(due_date__lt=today)


class Step(RequiredFor):
    stage = models.ForeignKey(
        Stage, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="steps"
    )
    title = models.CharField(_("titre"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="path_steps",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    done_date = models.DateField(_("fait le"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    document = models.FileField(
        _("document"),
        upload_to=step_document_path,
        storage=private_storage,
        blank=True,
        max_length=200,
        validators=[validate_attachment],
        help_text=_("PDF, JPEG ou PNG, 10 Mo au plus. Visible des seuls gestionnaires du lieu."),
    )
    document_name = models.CharField(
        _("nom du document"), max_length=200, blank=True, editable=False
    )

    objects = StepQuerySet.as_manager()

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["position", "pk"]
        indexes = [
            # The digest's and the portfolio's "not done yet, due by then".
            models.Index(
                fields=["responsible", "due_date"],
                condition=Q(done_date__isnull=True),
                name="step_undone_due",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.done_date and self.done_date > timezone.localdate():
            raise ValidationError(
                {"done_date": _("Une étape ne peut pas être faite à une date future.")}
            )

    def is_late(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.done_date is None and self.due_date is not None and self.due_date < today


class PathChange(models.Model):
    """One line of a path's history: who changed what, when. The sentence is written when it is
    read, in the reader's language, from the action and the names of the fields."""

    class Action(models.TextChoices):
        TEMPLATE_APPLIED = "modele", _("Modèle appliqué")
        STAGE_ADDED = "phase_ajout", _("Phase ajoutée")
        STAGE_CHANGED = "phase_modif", _("Phase modifiée")
        STAGE_REMOVED = "phase_suppr", _("Phase supprimée")
        STAGE_MOVED = "phase_ordre", _("Phase déplacée")
        STEP_ADDED = "etape_ajout", _("Étape ajoutée")
        STEP_CHANGED = "etape_modif", _("Étape modifiée")
        STEP_REMOVED = "etape_suppr", _("Étape supprimée")
        STEP_MOVED = "etape_ordre", _("Étape déplacée")
        STATUS_CHANGED = "statut", _("Statut du lieu changé")

    path = models.ForeignKey(
        SitePath, verbose_name=_("parcours"), on_delete=models.CASCADE, related_name="changes"
    )
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    fields = models.JSONField(_("champs modifiés"), default=list, blank=True)
    before = models.CharField(_("avant"), max_length=20, blank=True)
    after = models.CharField(_("après"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("modification du parcours")
        verbose_name_plural = _("historique du parcours")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject}".strip()

    @property
    def field_labels(self) -> list[str]:
        labels = []
        for name in self.fields:
            try:
                labels.append(str(Step._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:  # a field since removed: its name as stored
                labels.append(name)
        return labels

    @property
    def status_labels(self) -> tuple[str, str]:
        labels = dict(Site.Status.choices)
        return str(labels.get(self.before, self.before)), str(labels.get(self.after, self.after))


class PathDigest(models.Model):
    """The daily digest sent to a person on a day: the command sends it once a day at most."""

    # A record of what was sent to this person only: it goes with the account.
    deleted_with_account = True

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("récapitulatif envoyé")
        verbose_name_plural = _("récapitulatifs envoyés")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="path_digest_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.day}"
