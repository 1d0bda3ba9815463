"""Admin for structures, members, invitations and occupancies.

A manager reads the structures that occupy or occupied their sites
(Structure.objects.visible_to_manager) and changes only those occupying one of them now, with their
members and invitations (Structure.objects.administered_by); the others are read-only history.
They see the occupancies of their sites and pick spaces of their sites only. Occupancies are
written through occupants.services so that overlaps are refused the same way everywhere. Occupants
and candidates are not staff: the admin is closed to them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import parse_id
from occupants import exports, services
from occupants.calls import admin as calls_admin  # noqa: F401  (registers the calls admin)
from occupants.models import (
    Invitation,
    Occupancy,
    Sector,
    Structure,
    StructureMember,
)
from sites.models import Site, Space
from sites.scoping import ScopedAdminMixin, managed_sites


def visible_structures(request: HttpRequest) -> QuerySet[Structure]:
    return Structure.objects.visible_to_manager(request.user)


def administered_structures(request: HttpRequest) -> QuerySet[Structure]:
    return Structure.objects.administered_by(request.user)


def administers(request: HttpRequest, structure_id: int) -> bool:
    """Whether request.user may change this structure, its members and invitations (read once per
    structure and request: the admin asks for each permission several times per page)."""
    if request.user.is_superuser:
        return True
    cache = request.__dict__.setdefault("_ix_administered_structures", {})
    if structure_id not in cache:
        cache[structure_id] = administered_structures(request).filter(pk=structure_id).exists()
    return cache[structure_id]


def _not_administered_message(request: HttpRequest, names: list[str]) -> None:
    messages.warning(
        request,
        gettext(
            "Rien n'a été envoyé pour : %(names)s. Ces structures n'occupent aucun de vos lieux "
            "aujourd'hui : vous pouvez les consulter, pas les administrer."
        )
        % {"names": ", ".join(names)},
    )


def _add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    aliases = {"spaces": "held_spaces"}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            name = aliases.get(field, field)
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


class SpaceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, space: Space) -> str:
        return f"{space.site.name} — {space.name} ({space.surface:g} m²)"


class _AgreementLink:
    def __init__(self, url: str, label: str) -> None:
        self.url, self.label = url, label

    def __str__(self) -> str:
        return self.label


class AgreementWidget(AdminFileWidget):
    """The current agreement links the download view, which checks access: a private file has
    no URL of its own."""

    link: _AgreementLink | None = None

    def is_initial(self, value) -> bool:
        return bool(value) and self.link is not None

    def format_value(self, value):
        return self.link if self.is_initial(value) else None


class OccupancyAdminForm(forms.ModelForm):
    """An occupancy with its spaces as one field; the overlap rule is checked in clean() (and
    again, under lock, by services.update_occupancy when saving)."""

    held_spaces = SpaceChoiceField(
        label=_("espaces occupés"),
        queryset=Space.objects.none(),
        help_text=_(
            "Espaces privatifs du lieu de la convention. Un espace partagé (coworking) peut être "
            "tenu par plusieurs structures."
        ),
    )

    class Meta:
        model = Occupancy
        fields = [
            "structure",
            "site",
            "start",
            "end",
            "fee_basis",
            "fee_amount",
            "charges",
            "status",
            "agreement",
            "notes",
        ]
        widgets = {"agreement": AgreementWidget}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.agreement:
            self.fields["agreement"].widget.link = _AgreementLink(
                self.instance.get_agreement_url(), self.instance.agreement_filename
            )
        request = getattr(self, "request", None)
        spaces = Space.objects.select_related("site").order_by("site__name", "level", "name")
        if request is not None and not request.user.is_superuser:
            spaces = spaces.filter(site__in=managed_sites(request))
        if self.instance.pk and self.instance.site_id:
            spaces = spaces.filter(site_id=self.instance.site_id)
            self.fields["held_spaces"].initial = list(
                self.instance.held_spaces.values_list("space_id", flat=True)
            )
        self.fields["held_spaces"].queryset = spaces

    def clean(self):
        cleaned = super().clean()
        site: Site | None = cleaned.get("site")
        spaces = list(cleaned.get("held_spaces") or [])
        if site is None or self.errors:
            return cleaned
        try:
            services.validate_occupancy_terms(
                site=site,
                spaces=spaces,
                start=cleaned.get("start"),
                end=cleaned.get("end"),
                fee_amount=cleaned.get("fee_amount") or 0,
                charges=cleaned.get("charges") or 0,
                status=cleaned.get("status") or Occupancy.Status.DRAFT,
            )
        except ValidationError as exc:
            _add_service_errors(self, exc)
            return cleaned
        if cleaned.get("status") != Occupancy.Status.CANCELLED:
            conflicts = services.find_space_conflicts(
                spaces, cleaned["start"], cleaned["end"], exclude_occupancy=self.instance
            )
            for message in services._conflict_errors(conflicts):
                self.add_error("held_spaces", message)
        return cleaned


def _form_with_request(form_class, request):
    return type(form_class.__name__, (form_class,), {"request": request})


def save_occupancy_form(request: HttpRequest, form: OccupancyAdminForm) -> Occupancy:
    occupancy = form.save(commit=False)
    services.update_occupancy(occupancy, spaces=form.cleaned_data["held_spaces"])
    return occupancy


class RaceSafeChangeformMixin:
    """On PostgreSQL, a rival may take a space between the form's check and the save: the
    exclusion constraint refuses it and the service raises a ValidationError after the form was
    accepted. Everything is rolled back; say so instead of answering a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(
                request,
                gettext("Rien n'a été enregistré : %(e)s") % {"e": " ".join(exc.messages)},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())


# --- Export links and actions -------------------------------------------------------------------


class ExportMixin:
    """CSV / XLSX of the changelist as filtered (links above the list) or of selected rows."""

    change_list_template = "occupants/admin/change_list_export.html"
    export_prefix = "export"

    def export_table(self, queryset):
        raise NotImplementedError

    def get_urls(self):
        view = self.admin_site.admin_view
        info = self.opts.app_label, self.opts.model_name
        return [
            path("export/<str:fmt>/", view(self.export_view), name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def _respond(self, queryset, fmt: str) -> HttpResponse:
        header, rows = self.export_table(queryset)
        name = exports.export_filename(self.export_prefix)
        if fmt == "xlsx":
            return exports.xlsx_response(header, rows, name)
        return exports.csv_response(header, rows, name)

    def export_view(self, request: HttpRequest, fmt: str) -> HttpResponse:
        changelist_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if fmt not in ("csv", "xlsx") or not self.has_view_permission(request):
            return HttpResponseRedirect(changelist_url)
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, gettext("Filtres invalides."), messages.ERROR)
            return HttpResponseRedirect(changelist_url)
        return self._respond(changelist.get_queryset(request), fmt)

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        info = self.opts.app_label, self.opts.model_name
        extra_context = {
            **(extra_context or {}),
            "export_links": [
                (
                    label,
                    reverse("admin:{}_{}_export".format(*info), args=[fmt])
                    + (f"?{query}" if query else ""),
                )
                for fmt, label in (
                    ("csv", gettext("Exporter en CSV")),
                    ("xlsx", gettext("Exporter en XLSX")),
                )
            ],
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Exporter la sélection en CSV"))
    def export_csv(self, request, queryset):
        return self._respond(queryset, "csv")

    @admin.action(description=_("Exporter la sélection en XLSX"))
    def export_xlsx(self, request, queryset):
        return self._respond(queryset, "xlsx")


class ManagedSiteFilter(admin.SimpleListFilter):
    """The manager's sites only, whatever the rows."""

    title = _("lieu")
    parameter_name = "lieu"
    site_lookup = "site_id"

    def lookups(self, request, model_admin):
        return [(str(pk), name) for pk, name in managed_sites(request).values_list("pk", "name")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if (site_id := parse_id(value)) is None:
            return queryset.none()
        return queryset.filter(**{self.site_lookup: site_id})


class OccupiedSiteFilter(ManagedSiteFilter):
    title = _("lieu occupé")

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if (site_id := parse_id(value)) is None:
            return queryset.none()
        return queryset.filter(
            pk__in=Occupancy.objects.filter(site_id=site_id)
            .exclude(status=Occupancy.Status.CANCELLED)
            .values("structure_id")
        )


class AgreementLinkMixin:
    """Who may only read an occupancy sees its agreement as a link to the download view too."""

    readonly_fields = ("agreement_link",)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        return [("agreement_link" if field == "agreement" else field) for field in fields]

    @admin.display(description=_("convention signée (PDF)"))
    def agreement_link(self, occupancy: Occupancy) -> str:
        if not occupancy.agreement:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', occupancy.get_agreement_url(), occupancy.agreement_filename
        )


# --- Structures ---------------------------------------------------------------------------------


class OccupancyInline(AgreementLinkMixin, ScopedAdminMixin, admin.StackedInline):
    model = Occupancy
    form = OccupancyAdminForm
    extra = 0
    fields = (
        "site",
        "held_spaces",
        ("start", "end"),
        ("fee_basis", "fee_amount", "charges"),
        "status",
        "agreement",
        "notes",
    )
    show_change_link = True

    def scope_queryset(self, request, queryset):
        return queryset.filter(site__in=managed_sites(request))

    @admin.display(description=_("espaces occupés"))
    def held_spaces(self, occupancy: Occupancy) -> str:
        # Shown in place of the form field when the structure's page is read-only.
        return ", ".join(space.name for space in occupancy.spaces.all())

    def get_min_num(self, request, obj=None, **kwargs):
        # A manager's new structure must occupy one of their sites, or it would leave their view.
        return 1 if obj is None and not request.user.is_superuser else 0

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_with_request(self.form, request)
        kwargs.setdefault("validate_min", True)
        return super().get_formset(request, obj, **kwargs)


class MemberInline(ScopedAdminMixin, admin.TabularInline):
    model = StructureMember
    extra = 0
    fields = ("user", "role", "joined_at")
    readonly_fields = ("user", "joined_at")
    role_permissions = frozenset({"view", "change"})
    verbose_name_plural = _("membres (pour ajouter quelqu'un, envoyez une invitation)")

    # Editable only where StructureAdmin lets the structure be changed.
    def scope_queryset(self, request, queryset):
        return queryset.filter(structure__in=visible_structures(request))

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Structure)
class StructureAdmin(RaceSafeChangeformMixin, ExportMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "legal_form", "commune", "people_count", "public_profile")
    list_filter = (OccupiedSiteFilter, "legal_form", "public_profile", "sectors")
    search_fields = ("name", "commune", "postal_code", "siret", "contact_name", "contact_email")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("sectors",)
    inlines = (OccupancyInline, MemberInline)
    actions = ("invite_contact", "export_csv", "export_xlsx")
    export_prefix = "structures"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "legal_form",
                    "sectors",
                    "description",
                    "website",
                    "logo",
                    "public_profile",
                )
            },
        ),
        (
            _("Implantation et effectifs"),
            {"fields": (("commune", "postal_code"), "people_count", "siret")},
        ),
        (
            _("Contact (privé)"),
            {"fields": ("contact_name", "contact_email", "contact_phone")},
        ),
    )
    # Deleting a structure would erase its history of occupancies: platform admins only.
    role_permissions = frozenset({"view", "add", "change"})

    def scope_queryset(self, request, queryset):
        return queryset.filter(pk__in=visible_structures(request).values("pk"))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not administers(request, obj.pk):
            return False  # a past occupant: its page is read-only, inlines included
        return super().has_change_permission(request, obj)

    def export_table(self, queryset):
        return exports.structure_table(queryset)

    @admin.action(description=_("Inviter le contact comme responsable (e-mail avec un lien)"))
    def invite_contact(self, request, queryset):
        sent, skipped = 0, []
        if not request.user.is_superuser:
            administered = administered_structures(request).values("pk")
            outside = list(queryset.exclude(pk__in=administered).values_list("name", flat=True))
            if outside:
                _not_administered_message(request, outside)
            queryset = queryset.filter(pk__in=administered)
        for structure in queryset:
            if not structure.contact_email:
                skipped.append(structure.name)
                continue
            try:
                services.invite(
                    structure,
                    structure.contact_email,
                    StructureMember.Role.LEAD,
                    invited_by=request.user,
                )
            except ValidationError:
                skipped.append(structure.name)
            else:
                sent += 1
        if sent:
            self.message_user(
                request,
                ngettext("%(n)d invitation envoyée.", "%(n)d invitations envoyées.", sent)
                % {"n": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                gettext(
                    "Aucune invitation pour : %(names)s (pas d'e-mail de contact, ou contact "
                    "déjà membre)."
                )
                % {"names": ", ".join(skipped)},
                messages.WARNING,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is StructureMember:
            return self._save_members(request, formset)
        if formset.model is not Occupancy:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for occupancy in formset.deleted_objects:
            occupancy.delete()
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms or not inline_form.has_changed():
                continue
            inline_form.instance.structure = form.instance
            save_occupancy_form(request, inline_form)

    def _save_members(self, request, formset) -> None:
        # A member deleted here leaves through the service, as from Mon espace: the last
        # responsable stays, and the structure's calendar feed gets a new address.
        # A role change goes through its service too, so the last responsable is never demoted.
        formset.save(commit=False)
        for member in formset.deleted_objects:
            try:
                services.remove_member(member, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        for member_form in formset.forms:
            member = member_form.instance
            if member_form in formset.deleted_forms or not member_form.has_changed():
                continue
            if member.pk and "role" in member_form.changed_data:
                role, member.role = member.role, member_form.initial["role"]
                try:
                    services.change_member_role(member, role, by=request.user)
                except ValidationError as exc:
                    self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                member.save()


# --- Occupancies --------------------------------------------------------------------------------


@admin.register(Occupancy)
class OccupancyAdmin(
    AgreementLinkMixin, RaceSafeChangeformMixin, ExportMixin, ScopedAdminMixin, admin.ModelAdmin
):
    form = OccupancyAdminForm
    list_display = ("structure", "site", "start", "end", "status", "monthly_fee_display")
    list_filter = (ManagedSiteFilter, "status", "fee_basis")
    list_select_related = ("structure", "site")
    search_fields = ("structure__name", "site__name", "notes")
    date_hierarchy = "start"
    actions = ("export_csv", "export_xlsx", "cancel")
    export_prefix = "conventions"
    fields = (
        "structure",
        "site",
        "held_spaces",
        ("start", "end"),
        ("fee_basis", "fee_amount", "charges"),
        "status",
        "agreement",
        "notes",
    )
    # A new occupancy is for a structure the manager administers: giving one to any other
    # structure would make them its administrator.
    scoped_choices = {"structure": administered_structures}

    def scope_queryset(self, request, queryset):
        return queryset.filter(site__in=managed_sites(request))

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("spaces")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = _form_with_request(super().get_form(request, obj, change=change, **kwargs), request)
        if obj is not None and not request.user.is_superuser and "structure" in form.base_fields:
            # A past occupancy of the site keeps its structure (history can be annotated).
            field = form.base_fields["structure"]
            field.queryset = field.queryset | Structure.objects.filter(pk=obj.structure_id)
        return form

    def save_model(self, request, obj, form, change):
        save_occupancy_form(request, form)

    def save_related(self, request, form, formsets, change):
        # held_spaces is not a model field: save_model wrote the spaces through the service.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def export_table(self, queryset):
        return exports.occupancy_table(queryset)

    @admin.display(description=_("redevance mensuelle (€)"))
    def monthly_fee_display(self, occupancy: Occupancy):
        return occupancy.monthly_fee

    @admin.action(description=_("Annuler les conventions (libère les espaces)"))
    def cancel(self, request, queryset):
        count = 0
        for occupancy in queryset:
            services.cancel_occupancy(occupancy)
            count += 1
        self.message_user(
            request,
            ngettext("%(n)d convention annulée.", "%(n)d conventions annulées.", count)
            % {"n": count},
            messages.SUCCESS,
        )


# --- Members and invitations ---------------------------------------------------------------------


@admin.register(StructureMember)
class StructureMemberAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "structure", "role", "joined_at")
    list_filter = ("role",)
    list_select_related = ("user", "structure")
    search_fields = ("user__email", "user__full_name", "structure__name")
    fields = ("structure", "user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    # People join through an invitation; a manager changes a role or removes a member.
    role_permissions = frozenset({"view", "change", "delete"})

    def scope_queryset(self, request, queryset):
        return queryset.filter(structure__in=visible_structures(request))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not administers(request, obj.structure_id):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not administers(request, obj.structure_id):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["structure", "user"]
        return readonly

    def save_model(self, request, obj, form, change):
        if change and "role" in form.changed_data:
            new_role = obj.role
            obj.role = form.initial.get("role", obj.role)
            try:
                services.change_member_role(obj, new_role, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        try:
            services.remove_member(obj, by=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for member in queryset.select_related("user"):
            self.delete_model(request, member)


class InvitationAdminForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["structure", "email", "role"]

    def clean(self):
        cleaned = super().clean()
        structure, email = cleaned.get("structure"), cleaned.get("email")
        if structure and email and structure.members.filter(user__email__iexact=email).exists():
            self.add_error("email", gettext("Cette personne est déjà membre de la structure."))
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = InvitationAdminForm
    list_display = ("email", "structure", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    list_select_related = ("structure",)
    search_fields = ("email", "structure__name")
    readonly_fields = ("invited_by", "created_at", "expires_at", "accepted_at")
    actions = ("send_again",)
    scoped_choices = {"structure": administered_structures}
    # An invitation is sent, not edited: send a new one instead.
    role_permissions = frozenset({"view", "add", "delete"})

    def scope_queryset(self, request, queryset):
        return queryset.filter(structure__in=visible_structures(request))

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["structure", "email", "role"]
        return ["structure", "email", "role", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not administers(request, obj.structure_id):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The service creates the row (hashed token) and e-mails the link after commit.
        invitation, _token = services.invite(obj.structure, obj.email, obj.role, request.user)
        obj.__dict__.update({k: v for k, v in invitation.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False

    @admin.action(description=_("Envoyer l'invitation (un nouveau lien remplace l'ancien)"))
    def send_again(self, request, queryset):
        sent = 0
        if not request.user.is_superuser:
            administered = administered_structures(request)
            outside = queryset.exclude(structure__in=administered).values_list(
                "structure__name", flat=True
            )
            if outside:
                _not_administered_message(request, sorted(set(outside)))
            queryset = queryset.filter(structure__in=administered)
        for invitation in queryset.filter(accepted_at__isnull=True).select_related("structure"):
            try:
                services.invite(
                    invitation.structure, invitation.email, invitation.role, request.user
                )
            except ValidationError as exc:
                self.message_user(
                    request, f"{invitation.email} : {' '.join(exc.messages)}", messages.WARNING
                )
            else:
                sent += 1
        self.message_user(
            request,
            ngettext("%(n)d invitation envoyée.", "%(n)d invitations envoyées.", sent)
            % {"n": sent},
            messages.SUCCESS if sent else messages.WARNING,
        )


@admin.register(Sector)
class SectorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A shared list: managers may add a sector, platform admins rename or delete them."""

    list_display = ("name", "name_en", "slug")
    search_fields = ("name", "name_en")
    prepopulated_fields = {"slug": ("name",)}
    role_permissions = frozenset({"view", "add"})

    def scope_queryset(self, request, queryset):
        return queryset
