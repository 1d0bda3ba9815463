"""Accounts in the back office.

Users and organisations are platform data: only platform admins (superusers) create or change
them. Operator staff see their own organisation read-only (its team, its description), so that
they know who manages with them; site managers and other staff do not see this section.
Deleting an account deletes its memberships: occupants/receivers.py gives their structures' feeds
new addresses, whatever deletes the account.
"""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from accounts.forms import AdminLoginForm, AdminUserChangeForm, AdminUserCreationForm
from accounts.models import Organisation, User
from core.admin import SafeChangeListMixin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
    list_display = ("email", "full_name", "is_staff", "is_superuser", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    filter_horizontal = ("groups", "user_permissions")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("full_name", "language")}),
        (
            _("Rôles et droits"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": _(
                    "Un gestionnaire reçoit l'accès à l'administration ; ce qu'il y voit dépend "
                    "de son organisation (équipe d'un gestionnaire) et des lieux dont il est "
                    "responsable."
                ),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")

    # Superusers only, whatever permission rows a staff account may have been given.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


def is_organisation_staff(request) -> bool:
    """Staff account in the team of an organisation (superusers count), cached on the request."""
    cached = getattr(request, "_ix_organisation_staff", None)
    if cached is None:
        user = request.user
        cached = bool(user.is_authenticated and user.is_active and user.is_staff) and (
            user.is_superuser or Organisation.staff.through.objects.filter(user_id=user.pk).exists()
        )
        request._ix_organisation_staff = cached
    return cached


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "staff_count", "website")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("staff",)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(_staff_count=Count("staff"))
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=self._own(request).values("pk"))

    @staticmethod
    def _own(request):
        if not is_organisation_staff(request):
            return Organisation.objects.none()
        return Organisation.objects.filter(staff=request.user.pk)

    @admin.display(description=_("équipe"), ordering="_staff_count")
    def staff_count(self, organisation: Organisation) -> int:
        return organisation._staff_count

    def has_module_permission(self, request):
        return is_organisation_staff(request)

    def has_view_permission(self, request, obj=None):
        return is_organisation_staff(request)

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


# The admin's login: e-mail label, case-insensitive, counted by django-axes like the site's.
admin.site.login_form = AdminLoginForm


# django-axes's lists of login attempts (superusers only) filter by date like ours: a year out of
# range is a redirect to the list, not a server error. Its admin is registered before this one
# ("axes" comes first in INSTALLED_APPS).
for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):
        _axes_admin = type(admin.site.get_model_admin(_model))
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(_axes_admin.__name__, (SafeChangeListMixin, _axes_admin), {})
        )
