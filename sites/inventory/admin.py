"""The inventory in the admin, scoped by the same rule as its pages (inventory_access).

Photos and documents are kept in the private storage, which has no URL for the admin's file
widgets: they are added and opened from the inventory's own pages."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from core.admin import ScopedAdminBase
from sites.inventory import services
from sites.inventory.forms import STATE_FIELDS, VacantBuildingForm, contact_choices
from sites.inventory.models import (
    OWNER_KINDS,
    VacantBuilding,
    VacantBuildingChange,
    inventory_access,
    uses_inventory,
)
from sites.scoping import admin_roles


class ChangeInline(admin.TabularInline):
    model = VacantBuildingChange
    fields = ("at", "action", "summary", "by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return True


@admin.register(VacantBuilding)
class VacantBuildingAdmin(ScopedAdminBase, admin.ModelAdmin):
    form = VacantBuildingForm
    list_display = ("name", "commune", "departement", "owner", "operator", "surface", "site")
    list_filter = ("departement", "scenarios__scenario", "owner", "operator")
    list_select_related = ("owner", "operator", "site")
    search_fields = ("name", "commune", "postal_code", "address")
    readonly_fields = ("site", "created_at", "updated_at")
    inlines = (ChangeInline,)
    role_permissions = frozenset({"view", "add", "change"})
    scoped_choices = {
        "owner": lambda request: Organisation.objects.filter(kind__in=OWNER_KINDS),
        "operator": lambda request: Organisation.objects.filter(kind=Organisation.Kind.OPERATOR),
        "contact_user": lambda request: contact_choices(request.user, None),
    }
    fieldsets = (
        (None, {"fields": ("name", "owner", "operator", "former_use", "scenarios", "site")}),
        (
            _("Adresse et position"),
            {
                "fields": (
                    "address",
                    "postal_code",
                    "commune",
                    "departement",
                    "latitude",
                    "longitude",
                )
            },
        ),
        (
            _("Surface et disponibilité"),
            {"fields": ("surface", "floors", "available_from", "available_until")},
        ),
        (_("État"), {"fields": STATE_FIELDS}),
        (
            _("Contact chez le propriétaire (interne)"),
            {
                "fields": (
                    "contact_user",
                    "contact_name",
                    "contact_email",
                    "contact_phone",
                    "notes",
                )
            },
        ),
        (_("Dates"), {"fields": ("created_at", "updated_at")}),
    )

    def has_scope(self, request: HttpRequest) -> bool:
        # The admin's roles are read once per request already: operator staff and site managers
        # need no more; staff of other organisations (owners) one query, kept on the request.
        roles = admin_roles(request)
        if roles.operator_staff or roles.manages_site:
            return True
        if not roles.organisation_staff:
            return False
        cached = getattr(request, "_ix_uses_inventory", None)
        if cached is None:
            cached = request._ix_uses_inventory = uses_inventory(request.user)
        return cached

    def scope_queryset(self, request: HttpRequest, queryset):
        return queryset.filter(inventory_access(request.user))

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change, **kwargs)

        class Form(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, user=request.user, **form_kwargs)

        return Form

    def save_model(self, request, obj, form, change) -> None:
        services.vacant_building_save(
            building=obj,
            scenarios=form.cleaned_data["scenarios"],
            changed=form.changed_data,
            by=request.user,
        )

    def save_related(self, request, form, formsets, change) -> None:
        # The scenarios are written by the service; the history inline is read-only.
        form.save_m2m()
