"""The managers' admin for impact: observations, questionnaires and their answers, reports with
their declared figures.

Every class goes through sites.scoping (SiteScopedAdminMixin): a manager sees, and picks in
foreign keys, only the rows of the sites Site.objects.managed_by(user) returns, the rule that
Observation.objects.manageable_by and ImpactReport.objects.manageable_by apply too. The
workflow is not edited by hand: an observation's status moves through impact.services (the
actions below), a report's publication freezes its figures through the report pages, so
both fields are read-only here, as are the frozen figures.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from impact import services
from impact.forms import ObservationForm
from impact.models import (
    DeclaredFigure,
    ImpactReport,
    Observation,
    Questionnaire,
    QuestionnaireResponse,
    Status,
)
from sites.scoping import SiteScopedAdminMixin, managed_sites


class ObservationAdminForm(forms.ModelForm):
    """The events and structures named must be the observation's site's, as on the managers'
    page (impact.services.linkable_events and linkable_structures)."""

    effects = ObservationForm.base_fields["effects"]
    occasions = ObservationForm.base_fields["occasions"]

    class Meta:
        model = Observation
        # The evidence file is uploaded on the managers' page (a private file).
        fields = ["site", *(f for f in ObservationForm.Meta.fields if f != "evidence_file")]

    def clean(self):
        data = super().clean()
        site = data.get("site")
        if site is None:
            return data
        events = {event.pk for event in data.get("events") or []}
        if not events <= set(services.linkable_events(site.pk).values_list("pk", flat=True)):
            self.add_error("events", _("Ces événements ne sont pas ceux de ce lieu."))
        structures = {structure.pk for structure in data.get("structures") or []}
        linkable = set(services.linkable_structures(site.pk).values_list("pk", flat=True))
        if not structures <= linkable:
            self.add_error("structures", _("Ces structures n'occupent pas ce lieu."))
        return data


@admin.register(Observation)
class ObservationAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    form = ObservationAdminForm
    scoped_choices = {"site": managed_sites}
    list_display = ("__str__", "site", "valence", "intensity", "status", "source", "period_end")
    list_filter = ("status", "indicator", "valence", "source", "site")
    list_select_related = ("site",)
    search_fields = ("narrative", "keywords", "site__name")
    date_hierarchy = "period_end"
    # The evidence file is private: uploaded on the managers' page, linked here to the view
    # that checks access. The response names no one unless they chose to.
    readonly_fields = ("status", "evidence_link", "source", "response", "author", "created")
    exclude = ("evidence_file",)
    filter_horizontal = ("events", "structures")
    actions = ["validate_selected", "publish_selected", "unpublish_selected"]

    @admin.display(description=_("fichier de preuve"))
    def evidence_link(self, observation: Observation) -> str:
        if not observation.evidence_file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("impact_manager:observation_evidence", args=[observation.pk]),
            gettext("Télécharger"),
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # What was validated stays on record, as in impact.services.observation_delete.
        if obj is not None and obj.status != Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change) -> None:
        # The events and structures are set by save_related (form.save_m2m), scoped choices.
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def _move(self, request, queryset, service, done_message: Callable[[int], str]) -> None:
        done = 0
        for observation in queryset.select_related("site"):
            try:
                service(observation=observation, by=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{observation} : {exc.messages[0]}", messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request, f"{observation} : {gettext('action non autorisée.')}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Valider les observations choisies"), permissions=["change"])
    def validate_selected(self, request, queryset):
        self._move(
            request,
            queryset,
            services.observation_validate,
            lambda n: (
                ngettext("%(n)d observation validée.", "%(n)d observations validées.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Publier les observations choisies"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._move(
            request,
            queryset,
            services.observation_publish,
            lambda n: (
                ngettext("%(n)d observation publiée.", "%(n)d observations publiées.", n) % {"n": n}
            ),
        )

    @admin.action(description=_("Dépublier les observations choisies"), permissions=["change"])
    def unpublish_selected(self, request, queryset):
        self._move(
            request,
            queryset,
            services.observation_unpublish,
            lambda n: (
                ngettext("%(n)d observation dépubliée.", "%(n)d observations dépubliées.", n)
                % {"n": n}
            ),
        )


@admin.register(Questionnaire)
class QuestionnaireAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    scoped_choices = {"site": managed_sites}
    list_display = ("site", "is_open", "created")
    list_filter = ("is_open",)
    list_select_related = ("site",)
    search_fields = ("site__name",)


@admin.register(QuestionnaireResponse)
class QuestionnaireResponseAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    """Answers are read, and deleted if need be; never written here."""

    site_path = "questionnaire__site"
    role_permissions = frozenset({"view", "delete"})
    list_display = ("__str__", "respondent_public", "created")
    list_filter = ("respondent_public",)
    list_select_related = ("questionnaire__site",)
    search_fields = ("questionnaire__site__name",)
    readonly_fields = ("questionnaire", "respondent_public", "respondent", "created")

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DeclaredFigureInline(SiteScopedAdminMixin, admin.TabularInline):
    model = DeclaredFigure
    site_path = "report__site"
    extra = 0
    fields = ("label", "value", "unit", "source", "position")


@admin.register(ImpactReport)
class ImpactReportAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    scoped_choices = {"site": managed_sites}
    inlines = [DeclaredFigureInline]
    list_display = ("title", "site", "period_start", "period_end", "status", "published_at")
    list_filter = ("status", "site")
    list_select_related = ("site",)
    search_fields = ("title", "site__name")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("status", "published_at", "figures_display")
    fieldsets = (
        (None, {"fields": ("site", "title", "slug", "summary", ("period_start", "period_end"))}),
        (
            _("Intensité par niveau (1 à 5)"),
            {
                "fields": (
                    ("intensity_individual", "intensity_collective", "intensity_territorial"),
                )
            },
        ),
        (
            _("Égalité femmes-hommes"),
            {
                "fields": (
                    ("women_management", "women_leaders"),
                    ("women_occupants", "women_publics"),
                )
            },
        ),
        (None, {"fields": ("methods", "status", "published_at", "figures_display")}),
    )

    @admin.display(description=_("chiffres calculés (figés à la publication)"))
    def figures_display(self, report: ImpactReport) -> str:
        if report.figures is None:
            return "—"
        return format_html(
            "<pre>{}</pre>", json.dumps(report.figures, ensure_ascii=False, indent=2)
        )
