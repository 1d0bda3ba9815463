"""The path's back office: operators' templates, and a site's steps and history for the
managers of the site, scoped as every admin page (sites.scoping). Step documents are private:
they are managed on the path pages (sites.path.views), never here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from sites.models import PathChange, PathTemplate, Site, Step, TemplateStage, TemplateStep
from sites.scoping import (
    ScopedAdminMixin,
    SiteScopedAdminMixin,
    is_operator_staff,
    operator_organisations,
)


def visible_templates(request: HttpRequest) -> QuerySet[PathTemplate]:
    """The shared templates, and those of the operators one works for or whose sites one
    manages."""
    operators = Site.objects.managed_by(request.user).values("operator_id")
    return PathTemplate.objects.filter(
        Q(operator__isnull=True)
        | Q(operator__in=operator_organisations(request))
        | Q(operator__in=operators)
    )


class TemplateScopedMixin(ScopedAdminMixin):
    """Rows of a template (template_path): seen as the template, changed only by the staff of
    its operator (the shared templates by platform admins only)."""

    template_path = ""

    def scope_queryset(self, request, queryset):
        prefix = f"{self.template_path}__" if self.template_path else ""
        return queryset.filter(**{f"{prefix}pk__in": visible_templates(request).values("pk")})

    @staticmethod
    def _template(obj) -> PathTemplate:
        # A row of this admin, or for an inline the row of its parent page.
        if isinstance(obj, TemplateStep):
            return obj.stage.template
        if isinstance(obj, TemplateStage):
            return obj.template
        return obj

    def _may_write(self, request, obj) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return is_operator_staff(request)  # read once per request (the admin's sidebar)
        template = self._template(obj)
        return (
            template.operator_id is not None
            and operator_organisations(request).filter(pk=template.operator_id).exists()
        )

    def has_add_permission(self, request, *args):
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        obj = args[0] if args else None
        return super().has_add_permission(request, *args) and self._may_write(request, obj)

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return super().has_change_permission(request, obj) and self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return super().has_delete_permission(request, obj) and self._may_write(request, obj)


class TemplateStageInline(TemplateScopedMixin, admin.StackedInline):
    model = TemplateStage
    template_path = "template"
    fields = ("title", "position")
    extra = 0
    show_change_link = True


@admin.register(PathTemplate)
class PathTemplateAdmin(TemplateScopedMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "operator")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = (TemplateStageInline,)
    scoped_choices = {"operator": operator_organisations}


class TemplateStepInline(TemplateScopedMixin, admin.StackedInline):
    model = TemplateStep
    template_path = "stage__template"
    fields = ("title", "required_for", "position")
    extra = 0


@admin.register(TemplateStage)
class TemplateStageAdmin(TemplateScopedMixin, admin.ModelAdmin):
    template_path = "template"
    list_display = ("title", "template", "position")
    list_filter = ("template",)
    list_select_related = ("template",)
    inlines = (TemplateStepInline,)
    scoped_choices = {"template": visible_templates}


@admin.register(Step)
class StepAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    """Read and corrected here; added, removed and given documents on the path pages, which
    write the history."""

    site_path = "stage__path__site"
    role_permissions = frozenset({"view"})
    list_display = ("title", "stage", "site", "responsible", "due_date", "done_date")
    list_filter = ("required_for", "due_date", "done_date")
    list_select_related = ("stage__path__site", "responsible")
    search_fields = ("title", "stage__title", "stage__path__site__name")
    fields = ("stage", "title", "responsible", "due_date", "done_date", "required_for", "notes")
    readonly_fields = fields

    @admin.display(description=Site._meta.verbose_name)
    def site(self, step: Step) -> Site:
        return step.stage.path.site

    def has_add_permission(self, request):
        return False


@admin.register(PathChange)
class PathChangeAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    site_path = "path__site"
    role_permissions = frozenset({"view"})
    list_display = ("at", "path", "action", "subject", "by")
    list_filter = ("action",)
    list_select_related = ("path__site", "by")
    date_hierarchy = "at"
    fields = ("at", "path", "by", "action", "subject", "fields", "before", "after")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)
