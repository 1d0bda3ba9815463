"""Scoping for a back office shared by tenants: one base for every ModelAdmin and inline.

``ScopedAdminBase`` knows nothing of the apps: a subclass says who is in scope at all
(``has_scope``) and which rows they see (``scope_queryset``). ``sites.scoping.ScopedAdminMixin``
is the one the project uses: site managers, rows of the sites they manage.

For a user in scope who is not a superuser, the base gives no Django permission rows a say:
``role_permissions`` lists what they may do on a model, the queryset says on which rows. A
superuser gets Django's own permissions.

What the base scopes for non-superusers:
- ``get_queryset``: the changelist, the search, the date hierarchy, and every object URL (change,
  delete, history answer the admin's "does not exist" redirect for a row outside the scope);
- foreign-key and many-to-many choices: ``scoped_choices`` maps a field name to a callable
  ``request -> queryset``; without an entry, a field pointing to a model whose admin is itself a
  ScopedAdminBase gets that admin's scope (so ``site`` is scoped everywhere once SiteAdmin is);
  a tampered id outside the choices is a form error;
- ``list_filter`` entries naming a relation become ``RelatedOnlyFieldListFilter``, which offers
  only the related rows of the rows this user sees;
- autocomplete answers come from the target model's admin queryset, hence scoped too.
Relations to models that are neither in ``scoped_choices`` nor scoped by their admin (equipment,
funders) keep every choice: list them in ``scoped_choices`` if they are private.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import ForeignKey, ManyToManyField, QuerySet
from django.http import HttpRequest

ChoicesFactory = Callable[[HttpRequest], QuerySet]


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


class ScopedAdminBase(SafeChangeListMixin):
    """Limit a ModelAdmin or InlineModelAdmin to the rows and choices of the user's scope."""

    #: field name -> callable(request) returning the allowed choices (non-superusers only)
    scoped_choices: dict[str, ChoicesFactory] = {}
    #: what a manager may do on this model, within the scope
    role_permissions: frozenset[str] = frozenset({"view", "add", "change", "delete"})
    # "12 résultats (40 au total)" costs one more COUNT on every changelist page.
    show_full_result_count = False

    def has_scope(self, request: HttpRequest) -> bool:
        """Whether request.user (not a superuser) may enter this part of the admin at all."""
        raise NotImplementedError(f"{type(self).__name__} must implement has_scope()")

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        """Return the part of queryset request.user may see. Subclasses must implement it."""
        raise NotImplementedError(f"{type(self).__name__} must implement scope_queryset()")

    # --- rows ----------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if not self.has_scope(request):
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
        if isinstance(related_admin, ScopedAdminBase):
            if not related_admin.has_scope(request):
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
        return action in self.role_permissions and self.has_scope(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        if request.user.is_superuser:
            return super().has_module_permission(request)
        return self.has_scope(request)

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
