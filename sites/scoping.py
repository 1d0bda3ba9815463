"""Scoping of the managers' admin to their sites, on core.admin.ScopedAdminBase.

Who gets in:
- platform admin = superuser: everything, Django's own permissions apply;
- operator staff (staff of the site's operator organisation) and site managers (in
  ``Site.managers``): a staff account (``is_staff``) that manages at least one site. Their rights
  come from their role, not from Django permission rows;
- anyone else (including a staff account that manages no site): nothing.

Usage (the same for a TabularInline/StackedInline)::

    @admin.register(Space)
    class SpaceAdmin(ScopedAdminMixin, admin.ModelAdmin):
        def scope_queryset(self, request, queryset):
            return queryset.filter(site__in=managed_sites(request))

or, for rows reached from a site by a lookup path, ``SiteScopedAdminMixin`` at the end of this
module (``site_path = "space__site"``). Put the mixin first in the bases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, QuerySet
from django.http import HttpRequest

from accounts.models import Organisation
from core.admin import ScopedAdminBase
from sites.models import Site


def managed_sites(request: HttpRequest) -> QuerySet[Site]:
    """The sites request.user manages (Site.objects.managed_by), as a lazy queryset."""
    return Site.objects.managed_by(request.user)


def operator_organisations(request: HttpRequest) -> QuerySet[Organisation]:
    """The operator organisations request.user belongs to as staff (may create sites for them)."""
    if request.user.is_superuser:
        return Organisation.objects.filter(kind=Organisation.Kind.OPERATOR)
    return Organisation.objects.filter(
        kind=Organisation.Kind.OPERATOR, staff=request.user.pk
    ).distinct()


@dataclass(frozen=True)
class AdminRoles:
    operator_staff: bool  # staff of an operator organisation
    organisation_staff: bool  # staff of any organisation
    manages_site: bool  # Site.objects.managed_by(user) is not empty


def admin_roles(request: HttpRequest) -> AdminRoles:
    """The user's roles, read in one query and cached on the request."""
    cached = getattr(request, "_ix_admin_roles", None)
    if cached is not None:
        return cached
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        roles = AdminRoles(False, False, False)
    elif user.is_superuser:
        roles = AdminRoles(True, True, True)
    else:
        memberships = Organisation.staff.through.objects.filter(user_id=user.pk)
        flags = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                _operator=Exists(memberships.filter(organisation__kind=Organisation.Kind.OPERATOR)),
                _member=Exists(memberships),
                _manages=Exists(Site.objects.managed_by(user)),
            )
            .values_list("_operator", "_member", "_manages")
            .first()
        ) or (False, False, False)
        roles = AdminRoles(*(bool(flag) for flag in flags))
    request._ix_admin_roles = roles
    return roles


def is_manager(request: HttpRequest) -> bool:
    """Operator staff (even before their organisation has a site, so they can create one) or
    staff managing at least one site."""
    roles = admin_roles(request)
    return roles.operator_staff or roles.manages_site


def is_operator_staff(request: HttpRequest) -> bool:
    """Staff of an operator organisation, not only a site manager (superusers count)."""
    return admin_roles(request).operator_staff


class ScopedAdminMixin(ScopedAdminBase):
    """Limit a ModelAdmin or InlineModelAdmin to the rows and choices of the user's sites."""

    def has_scope(self, request: HttpRequest) -> bool:
        return is_manager(request)


class SiteScopedAdminMixin(ScopedAdminMixin):
    """The common case: rows that belong to a site through ``site_path`` (a lookup path such as
    ``"site"``, ``"space__site"`` or ``"call__site"``)::

        class BookingAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
            site_path = "space__site"
    """

    site_path = "site"

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(**{f"{self.site_path}__in": managed_sites(request)})
