"""The managers' back office for sites, spaces, photos and funding.

Every class goes through ScopedAdminMixin (sites/scoping.py): a manager sees and picks only
the sites Site.objects.managed_by(user) returns. On a site, operator staff may create sites for
their organisation and appoint its managers; a site manager edits the site's description,
spaces, photos and funding but cannot move it to another operator, owner or team.
Deleting a site is left to platform admins.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from sites.models import Equipment, Funding, Site, SitePhoto, Space
from sites.scoping import (
    ScopedAdminMixin,
    SiteScopedAdminMixin,
    is_operator_staff,
    managed_sites,
    operator_organisations,
)

admin.site.site_header = _("Interstices · administration")
admin.site.site_title = _("Interstices")
admin.site.index_title = _("Gestion des lieux")


def appointable_managers(request: HttpRequest) -> QuerySet[User]:
    """Who operator staff may appoint as site managers: their colleagues and the people who
    already manage one of their sites. New accounts are created by a platform admin."""
    user = request.user
    colleagues = Organisation.staff.through.objects.filter(
        organisation__in=operator_organisations(request)
    ).values("user_id")
    current = Site.managers.through.objects.filter(site__in=managed_sites(request)).values(
        "user_id"
    )
    return User.objects.filter(
        Q(pk__in=colleagues) | Q(pk__in=current) | Q(pk=user.pk), is_active=True
    )


class SpaceInline(SiteScopedAdminMixin, admin.TabularInline):
    model = Space
    extra = 0
    fields = ("name", "kind", "level", "surface", "capacity", "is_bookable", "is_accessible")
    show_change_link = True


class FundingInline(SiteScopedAdminMixin, admin.TabularInline):
    model = Funding
    extra = 0
    fields = ("funder", "programme", "amount", "year", "purpose")
    scoped_choices = {
        "funder": lambda request: Organisation.objects.filter(kind=Organisation.Kind.FUNDER)
    }


class SitePhotoInline(SiteScopedAdminMixin, admin.StackedInline):
    model = SitePhoto
    extra = 0
    fields = ("image", "alt_text", "caption", "position")


@admin.register(Site)
class SiteAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "commune",
        "departement",
        "status",
        "operator",
        "occupancy_end",
        "space_count",
        "published",
    )
    list_filter = ("status", "departement", "published", "operator")
    list_select_related = ("operator",)
    search_fields = ("name", "commune", "postal_code", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("equipment", "managers")
    inlines = (SpaceInline, FundingInline, SitePhotoInline)
    ordering = ("name",)
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "published", "summary", "description")}),
        (_("Organisations et équipe"), {"fields": ("owner", "operator", "managers")}),
        (
            _("Adresse"),
            {
                "fields": (
                    "address",
                    "postal_code",
                    "commune",
                    "departement",
                    ("latitude", "longitude"),
                    "transport_access",
                )
            },
        ),
        (
            _("Occupation"),
            {
                "fields": (
                    ("occupancy_start", "occupancy_end"),
                    "former_use",
                    "future_use",
                    "total_surface",
                    "equipment",
                    "total_project_cost",
                )
            },
        ),
        (_("Image et liens"), {"fields": ("cover_photo", "cover_photo_alt", "website")}),
    )
    scoped_choices = {
        "operator": operator_organisations,
        "managers": appointable_managers,
    }
    # Operator staff add sites; nobody but a platform admin deletes one.
    role_permissions = frozenset({"view", "change", "add"})

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=managed_sites(request).values("pk"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_space_count=Count("spaces"))

    @admin.display(description=_("espaces"), ordering="_space_count")
    def space_count(self, site: Site) -> int:
        return site._space_count

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return super().has_add_permission(request)
        return super().has_add_permission(request) and is_operator_staff(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self._runs_operator(request, obj):
            # Only the operator's staff hand a site to another operator, owner or team.
            readonly += ["owner", "operator", "managers"]
        return readonly

    @staticmethod
    def _runs_operator(request, site: Site | None) -> bool:
        if request.user.is_superuser:
            return True
        if site is None:
            return is_operator_staff(request)
        return operator_organisations(request).filter(pk=site.operator_id).exists()


@admin.register(Space)
class SpaceAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "site", "kind", "level", "surface", "capacity", "is_bookable")
    list_filter = ("kind", "is_bookable", "is_accessible", "site")
    list_select_related = ("site",)
    search_fields = ("name", "site__name")
    autocomplete_fields = ("site",)
    ordering = ("site__name", "level", "name")


@admin.register(Funding)
class FundingAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = ("site", "funder", "programme", "amount", "year")
    list_filter = ("year", "site")
    list_select_related = ("site", "funder")
    search_fields = ("programme", "purpose", "funder__name", "site__name")
    autocomplete_fields = ("site",)
    scoped_choices = FundingInline.scoped_choices


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    """A shared list: managers pick from it, only platform admins edit it."""

    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
