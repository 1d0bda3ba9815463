"""Scoping for the managers' admin: one mixin for every ModelAdmin and inline of a site's data.

Who gets in:
- platform admin = superuser: everything, Django's own permissions apply;
- operator staff (staff of the site's operator organisation) and site managers (in
  ``Site.managers``): a staff account (``is_staff``) that manages at least one site. Their rights
  come from their role, not from Django permission rows: ``role_permissions`` lists what they may
  do on a model, the queryset says on which rows;
- anyone else (including a staff account that manages no site): nothing.

Usage (the same for a TabularInline/StackedInline)::

    @admin.register(Space)
    class SpaceAdmin(ScopedAdminMixin, admin.ModelAdmin):
        def scope_queryset(self, request, queryset):
            return queryset.filter(site__in=managed_sites(request))

or, for rows reached from a site by a lookup path, ``SiteScopedAdminMixin`` at the end of this
module (``site_path = "space__site"``). Put the mixin first in the bases.

What the mixin scopes for non-superusers:
- ``get_queryset``: the changelist, the search, the date hierarchy, and every object URL (change,
  delete, history answer the admin's "does not exist" redirect for a row outside the scope);
- foreign-key and many-to-many choices: ``scoped_choices`` maps a field name to a callable
  ``request -> queryset``; without an entry, a field pointing to a model whose admin is itself a
  ScopedAdminMixin gets that admin's scope (so ``site`` is scoped everywhere once SiteAdmin is);
  a tampered id outside the choices is a form error;
- ``list_filter`` entries naming a relation become ``RelatedOnlyFieldListFilter``, which offers
  only the related rows of the rows this user sees;
- autocomplete answers come from the target model's admin queryset, hence scoped too.
Relations to models that are neither in ``scoped_choices`` nor scoped by their admin (equipment,
funders) keep every choice: list them in ``scoped_choices`` if they are private.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, ForeignKey, ManyToManyField, QuerySet
from django.http import HttpRequest

from accounts.models import Organisation
from sites.models import Site

ChoicesFactory = Callable[[HttpRequest], QuerySet]


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


def parse_id(value: str | None) -> int | None:
    """The primary key a list filter's query string names, or None for junk: not ASCII digits
    ("²" passes str.isdigit() but not int()), or beyond a 64-bit integer."""
    if value and value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


class SafeChangeList(ChangeList):
    """A changelist whose date filters refuse a year, month or day out of range the way Django
    refuses any other bad filter: a redirect to the list with ``?e=1``. Django turns a ValueError
    of its date hierarchy into IncorrectLookupParameters, but not the OverflowError of a year
    with 20 digits, nor the ValueError of the year after 9999."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete select looks up the posted value as it is to show it again: junk
    ("1e400" for a site) raised a ValueError. A value that is not a valid choice is not shown;
    the field's own error says what is wrong."""

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        valid = []
        for item in value:
            try:
                field.to_python(item)
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeChangeListMixin:
    """For any ModelAdmin, the project's own or a library's: SafeChangeList."""

    def get_changelist(self, request: HttpRequest, **kwargs):
        return SafeChangeList


class ScopedAdminMixin(SafeChangeListMixin):
    """Limit a ModelAdmin or InlineModelAdmin to the rows and choices of the user's sites."""

    #: field name -> callable(request) returning the allowed choices (non-superusers only)
    scoped_choices: dict[str, ChoicesFactory] = {}
    #: what a manager may do on this model, within the scope
    role_permissions: frozenset[str] = frozenset({"view", "add", "change", "delete"})
    # "12 résultats (40 au total)" costs one more COUNT on every changelist page.
    show_full_result_count = False

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """Return the part of queryset request.user may see. Subclasses must implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement scope_queryset()")

    # --- rows ----------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not is_manager(request):
            return queryset.none()
        return self.scope_queryset(request, queryset)

    # --- choices -------------------------------------------------------------------------------
    def get_scoped_choices(self, request: HttpRequest, db_field) -> QuerySet | None:
        """The allowed choices for a relation field, or None to keep Django's default."""
        factory = self.scoped_choices.get(db_field.name)
        if factory is not None:
            return factory(request)
        related_model = db_field.remote_field.model
        related_admin = self.admin_site._registry.get(related_model)
        if isinstance(related_admin, ScopedAdminMixin):
            if not is_manager(request):
                return related_model._default_manager.none()
            return related_admin.scope_queryset(request, related_model._default_manager.all())
        return None

    def formfield_for_foreignkey(self, db_field: ForeignKey, request: HttpRequest, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        if not request.user.is_superuser and "queryset" not in kwargs:
            choices = self.get_scoped_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: ManyToManyField, request: HttpRequest, **kwargs):
        if not request.user.is_superuser and "queryset" not in kwargs:
            choices = self.get_scoped_choices(request, db_field)
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        # "add/?site=3" pre-fills the form; a value its field refuses (a site out of the scope,
        # junk for a date or an autocomplete) is dropped rather than rendered into a server error.
        initial = super().get_changeform_initial_data(request)
        fields = self.get_form(request).base_fields
        kept = {}
        for name, value in initial.items():
            field = fields.get(name)
            if field is None:
                continue
            try:
                kept[name] = field.clean(value)
            except (ValidationError, ValueError, TypeError, OverflowError):
                continue
        return kept

    def get_list_filter(self, request: HttpRequest):
        # A plain relation filter lists every related row of the table; this one lists only
        # those of the rows in get_queryset(request).
        relations = {f.name for f in self.model._meta.get_fields() if f.is_relation and f.concrete}
        return [
            (entry, admin.RelatedOnlyFieldListFilter)
            if isinstance(entry, str) and entry in relations
            else entry
            for entry in super().get_list_filter(request)
        ]

    # --- permissions ---------------------------------------------------------------------------
    def _role_allows(self, request: HttpRequest, action: str) -> bool:
        return action in self.role_permissions and is_manager(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return super().has_module_permission(request)
        return is_manager(request)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        return self._role_allows(request, "view") or self._role_allows(request, "change")

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        # *args: InlineModelAdmin.has_add_permission(request, obj) has one more argument.
        if request.user.is_superuser:
            return super().has_add_permission(request, *args)
        return self._role_allows(request, "add")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._role_allows(request, "change")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self._role_allows(request, "delete")


class SiteScopedAdminMixin(ScopedAdminMixin):
    """The common case: rows that belong to a site through ``site_path`` (a lookup path such as
    ``"site"``, ``"space__site"`` or ``"call__site"``)::

        class BookingAdmin(SiteScopedAdminMixin, admin.ModelAdmin):
            site_path = "space__site"
    """

    site_path = "site"

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(**{f"{self.site_path}__in": managed_sites(request)})
