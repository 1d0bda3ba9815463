"""The managers' back office for sites, spaces, photos and funding.

Every class goes through ScopedAdminMixin (sites/scoping.py): a manager sees and picks only
the sites Site.objects.managed_by(user) returns. On a site, operator staff may create sites for
their organisation and appoint its managers; a site manager edits the site's description,
spaces, photos and funding but cannot move it to another operator, owner or team.
Deleting a site is left to platform admins.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from sites.models import Equipment, Funding, Site, SitePhoto, Space
from sites.path import admin as path_admin  # noqa: F401  (registers the path's admin pages)
from sites.path.services import check_status, site_change_status
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


class LabelledFileWidget(AdminFileWidget):
    """The admin's file input under a <label for> rather than a fieldset legend, so that the
    input itself has a name (axe: "Form elements must have labels")."""

    use_fieldset = False


class FundingLeverageMixin:
    """The leverage of a saved funding (Funding.leverage), beside the amounts it comes from."""

    @admin.display(description=_("effet de levier"))
    def leverage_display(self, obj: Funding | None) -> str:
        leverage = obj.leverage if obj is not None else None
        if leverage is None:
            return "—"
        return gettext("%(share)s %% du coût du projet") % {
            "share": formats.number_format(leverage, 1)
        }


# Stacked, not tabular: a tabular inline's inputs have only a column heading, no label.
class FundingInline(FundingLeverageMixin, SiteScopedAdminMixin, admin.StackedInline):
    model = Funding
    extra = 0
    fields = (
        "funder",
        "programme",
        "source",
        "nature",
        "amount",
        "project_cost",
        "leverage_display",
        "year",
        "purpose",
    )
    readonly_fields = ("leverage_display",)
    scoped_choices = {
        "funder": lambda request: Organisation.objects.filter(kind=Organisation.Kind.FUNDER)
    }


class SitePhotoInline(SiteScopedAdminMixin, admin.StackedInline):
    model = SitePhoto
    formfield_overrides = {models.ImageField: {"widget": LabelledFileWidget}}
    extra = 0
    fields = ("image", "alt_text", "caption", "position")


class SiteAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        # The status moves through sites.path.services.site_change_status (save_model): the
        # same check here, so that a refusal is a form error listing what is missing.
        if self.instance.pk and status and "status" in self.changed_data:
            try:
                check_status(self.instance, status)
            except ValidationError as exc:
                self.add_error("status", exc.message_dict["status"])
        return cleaned


@admin.register(Site)
class SiteAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = SiteAdminForm
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
    # Checkboxes rather than filter_horizontal, whose JavaScript puts aria-label on bare spans.
    formfield_overrides = {
        models.ImageField: {"widget": LabelledFileWidget},
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    # A site may hold hundreds of rooms: they have their own list, filtered by site, linked from
    # the change page (an inline of every space made a page of 578 fields).
    inlines = (FundingInline, SitePhotoInline)
    ordering = ("name",)
    save_on_top = True
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "status",
                    "published",
                    "trust_occupant_events",
                    "summary",
                    "description",
                    "spaces_link",
                )
            },
        ),
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
        (
            _("Accueil du public"),
            {"fields": ("reception_category", "reception_type", "reception_capacity")},
        ),
        (_("Image et liens"), {"fields": ("cover_photo", "cover_photo_alt", "website")}),
    )
    scoped_choices = {
        "operator": operator_organisations,
        "managers": appointable_managers,
    }

    class Media:
        # Vendored Leaflet, no CDN; settings through data- attributes, no inline script (CSP).
        css = {"all": ("vendor/leaflet/leaflet.css", "css/admin_coordinates.css")}
        js = ("vendor/leaflet/leaflet.js", "js/admin_coordinates.js")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        latitude = form.base_fields.get("latitude")
        if latitude is not None:
            latitude.widget.attrs.update(
                {
                    "data-coordinates-map": _("Carte : position du lieu"),
                    "data-help": _(
                        "Cliquez sur la carte ou déplacez le repère pour remplir la latitude et "
                        "la longitude ; vous pouvez aussi les saisir."
                    ),
                    "data-tile-url": settings.MAP_TILE_URL,
                    "data-tile-attribution": settings.MAP_TILE_ATTRIBUTION,
                }
            )
        return form

    # Operator staff add sites; nobody but a platform admin deletes one.
    role_permissions = frozenset({"view", "change", "add"})

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=managed_sites(request).values("pk"))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_space_count=Count("spaces"))

    @admin.display(description=_("espaces"), ordering="_space_count")
    def space_count(self, site: Site) -> int:
        return site._space_count

    @admin.display(description=_("espaces"))
    def spaces_link(self, site: Site) -> str:
        if site.pk is None:
            return _("Enregistrez le lieu, puis ajoutez ses espaces.")
        count = site.spaces.count()
        url = reverse("admin:sites_space_changelist")
        add_url = reverse("admin:sites_space_add")
        return format_html(
            '<a href="{}?site__id__exact={}">{}</a> · <a href="{}?site={}">{}</a>',
            url,
            site.pk,
            ngettext("Voir l’espace du lieu", "Voir les %(n)d espaces du lieu", count)
            % {"n": count},
            add_url,
            site.pk,
            _("Ajouter un espace"),
        )

    def has_add_permission(self, request):
        if request.user.is_superuser:
            return super().has_add_permission(request)
        return super().has_add_permission(request) and is_operator_staff(request)

    def save_model(self, request, obj, form, change):
        if not (change and "status" in form.changed_data):
            return super().save_model(request, obj, form, change)
        status = obj.status
        obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        obj.status = site_change_status(site=obj, status=status, by=request.user).status

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "spaces_link"]
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
class FundingAdmin(FundingLeverageMixin, SiteScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "site",
        "funder",
        "programme",
        "source",
        "nature",
        "amount",
        "leverage_display",
        "year",
    )
    list_filter = ("year", "source", "nature", "site")
    fields = ("site", *FundingInline.fields)
    readonly_fields = ("leverage_display",)
    list_select_related = ("site", "funder")
    search_fields = ("programme", "purpose", "funder__name", "site__name")
    autocomplete_fields = ("site",)
    scoped_choices = FundingInline.scoped_choices


@admin.register(Equipment)
class EquipmentAdmin(admin.ModelAdmin):
    """A shared list: managers pick from it, only platform admins edit it."""

    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en")
    prepopulated_fields = {"slug": ("name",)}
