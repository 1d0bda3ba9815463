"""Admin for calls for applications; imported by occupants/admin.py.

Managers see the calls and applications of their sites only (ScopedAdminMixin); drafts stay
private to their candidate. Status decisions go through actions that e-mail candidates after
commit, and "Accepter" turns an application into a structure, a member and an occupancy.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin import parse_id
from occupants.calls import exports as calls_exports
from occupants.calls import services as calls_services
from occupants.calls.forms import AcceptForm
from occupants.calls.views import document_response
from occupants.models import (
    Application,
    ApplicationDocument,
    Call,
    DocumentType,
    Lot,
    Occupancy,
    VisitDate,
)
from sites.models import Space
from sites.scoping import ScopedAdminMixin, managed_sites


def _scoped_to_calls(request, queryset):
    return queryset.filter(call__site__in=managed_sites(request))


@admin.register(DocumentType)
class DocumentTypeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "help_text", "position")
    list_editable = ("position",)
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    # A list shared by every site: managers may add a kind of document; renaming or deleting
    # one that other sites' calls use is left to platform admins.
    role_permissions = frozenset({"view", "add"})

    def scope_queryset(self, request, queryset):
        return queryset


class LotInline(ScopedAdminMixin, admin.TabularInline):
    model = Lot
    extra = 0
    fields = (
        "position",
        "name",
        "space",
        "kind",
        "level",
        "surface_min",
        "surface_max",
        "price_per_sqm",
        "description",
    )

    def scope_queryset(self, request, queryset):
        return _scoped_to_calls(request, queryset)

    def get_formset(self, request, obj=None, **kwargs):
        request._ix_call = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "space":
            spaces = Space.objects.select_related("site").order_by("site__name", "level", "name")
            if not request.user.is_superuser:
                spaces = spaces.filter(site__in=managed_sites(request))
            call = getattr(request, "_ix_call", None)
            if call is not None and call.site_id:
                spaces = spaces.filter(site_id=call.site_id)
            kwargs["queryset"] = spaces
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class VisitDateInline(ScopedAdminMixin, admin.TabularInline):
    model = VisitDate
    extra = 0
    fields = ("start", "end", "place")

    def scope_queryset(self, request, queryset):
        return _scoped_to_calls(request, queryset)


@admin.register(Call)
class CallAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "site",
        "status",
        "opens_at",
        "closes_at",
        "rolling",
        "submitted_count",
        "export_links",
    )
    list_filter = ("status", "rolling", "site")
    search_fields = ("title", "site__name")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "closes_at"
    inlines = [LotInline, VisitDateInline]
    filter_horizontal = ("required_documents",)
    fields = (
        "site",
        "title",
        "slug",
        "description",
        ("opens_at", "closes_at"),
        "rolling",
        "status",
        "required_documents",
    )
    list_select_related = ("site",)

    def scope_queryset(self, request, queryset):
        return queryset.filter(site__in=managed_sites(request))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _submitted=Count(
                    "applications", filter=~Q(applications__status=Application.Status.DRAFT)
                )
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site" and not request.user.is_superuser:
            kwargs["queryset"] = managed_sites(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("candidatures soumises"), ordering="_submitted")
    def submitted_count(self, obj: Call) -> int:
        return obj._submitted

    @admin.display(description=_("exports"))
    def export_links(self, obj: Call) -> str:
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">ZIP</a>',
            reverse("admin:occupants_call_csv", args=[obj.pk]),
            reverse("admin:occupants_call_zip", args=[obj.pk]),
        )

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/csv/", view(self.csv_view), name="occupants_call_csv"),
            path("<int:pk>/zip/", view(self.zip_view), name="occupants_call_zip"),
            *super().get_urls(),
        ]

    def _call_applications(self, request, pk: int) -> tuple[Call, QuerySet[Application]]:
        call = self.get_object(request, str(pk))
        if call is None or not self.has_view_permission(request, call):
            raise Http404(gettext("Appel introuvable."))
        return call, call.applications.exclude(status=Application.Status.DRAFT)

    def csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        call, applications = self._call_applications(request, pk)
        return csv_response(applications, f"candidatures-{call.slug}.csv")

    def zip_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        call, applications = self._call_applications(request, pk)
        return zip_response(applications, f"candidatures-{call.slug}.zip")


def csv_response(applications: QuerySet[Application], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        calls_exports.stream_csv(applications), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def zip_response(applications: QuerySet[Application], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        calls_exports.stream_zip(applications), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ApplicationDocumentInline(ScopedAdminMixin, admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ("document_type", "download", "size", "uploaded_at")
    readonly_fields = fields
    role_permissions = frozenset({"view"})
    can_delete = False

    def scope_queryset(self, request, queryset):
        return queryset.filter(application__call__site__in=managed_sites(request))

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("fichier"))
    def download(self, obj: ApplicationDocument) -> str:
        if obj.pk is None:  # a row the posted formset made up: nothing to download
            return "—"
        url = reverse("admin:occupants_application_document", args=[obj.application_id, obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class CallFilter(admin.SimpleListFilter):
    title = _("appel")
    parameter_name = "call"

    def lookups(self, request, model_admin):
        calls = Call.objects.all()
        if not request.user.is_superuser:
            calls = calls.filter(site__in=managed_sites(request))
        return [(str(c.pk), str(c)) for c in calls.order_by("-closes_at")[:200]]

    def queryset(self, request, queryset):
        call_id = parse_id(self.value())
        if call_id is not None:
            return queryset.filter(call_id=call_id)
        return queryset


@admin.register(Application)
class ApplicationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    # Status and note first, the long call title last: at 1280 px, next to the admin's side
    # navigation, every column stays on screen (the applicant's e-mail is searched, not listed).
    list_display = (
        "name",
        "status",
        "score",
        "submitted_at",
        "document_count",
        "call",
    )
    list_filter = (CallFilter, "status")
    list_select_related = ("call", "applicant", "structure")
    search_fields = ("structure_name", "structure__name", "applicant__email", "contact_name")
    ordering = ("-submitted_at",)
    inlines = [ApplicationDocumentInline]
    role_permissions = frozenset({"view", "change"})
    actions = ["mark_review", "mark_refused", "export_csv", "export_zip"]
    change_form_template = "occupants/calls/admin/application_change_form.html"
    # The application's own page is the candidate's: staff would get a 404 there.
    view_on_site = False
    fieldsets = (
        (_("Décision"), {"fields": ("status", "score", "manager_comment", "occupancy_link")}),
        (
            _("Structure"),
            {
                "fields": (
                    "call",
                    "applicant",
                    "structure",
                    "structure_name",
                    "legal_form",
                    "sectors",
                    "siret",
                    ("commune", "postal_code"),
                    ("contact_name", "contact_email", "contact_phone"),
                )
            },
        ),
        (
            _("Projet"),
            {
                "fields": (
                    "project",
                    "lots",
                    "wanted_surface",
                    "space_kind",
                    ("desired_start", "duration_months"),
                    "submitted_at",
                )
            },
        ),
    )
    editable_fields = ("score", "manager_comment")

    def scope_queryset(self, request, queryset):
        return queryset.filter(call__site__in=managed_sites(request))

    def get_queryset(self, request):
        # A draft is the candidate's own work until it is submitted.
        return (
            super()
            .get_queryset(request)
            .exclude(status=Application.Status.DRAFT)
            .annotate(_documents=Count("documents"))
        )

    @admin.display(description=_("pièces jointes"), ordering="_documents")
    def document_count(self, obj: Application) -> int:
        return obj._documents

    def get_readonly_fields(self, request, obj=None):
        names = [f for block in self.fieldsets for f in _flatten(block[1]["fields"])]
        return [n for n in names if n not in self.editable_fields]

    @admin.display(description=_("structure"), ordering="structure_name")
    def name(self, obj: Application) -> str:
        return obj.display_structure_name

    @admin.display(description=_("convention créée"))
    def occupancy_link(self, obj: Application) -> str:
        if not obj.occupancy_id:
            return "—"
        try:
            url = reverse("admin:occupants_occupancy_change", args=[obj.occupancy_id])
        except NoReverseMatch:
            return str(obj.occupancy_id)
        return format_html('<a href="{}">{}</a>', url, gettext("Voir la convention"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/accepter/", view(self.accept_view), name="occupants_application_accept"),
            path(
                "<int:pk>/pieces/<int:document_pk>/",
                view(self.document_view),
                name="occupants_application_document",
            ),
            *super().get_urls(),
        ]

    def _get_scoped(self, request, pk: int) -> Application:
        application = self.get_object(request, str(pk))
        if application is None or not self.has_view_permission(request, application):
            raise Http404(gettext("Candidature introuvable."))
        return application

    def document_view(self, request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
        application = self._get_scoped(request, pk)
        document = application.documents.filter(pk=document_pk).first()
        if document is None:
            raise Http404(gettext("Pièce jointe introuvable."))
        return document_response(document)

    def accept_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        application = self._get_scoped(request, pk)
        if not self.has_change_permission(request, application):
            raise Http404(gettext("Candidature introuvable."))
        change_url = reverse("admin:occupants_application_change", args=[application.pk])
        if not application.is_reviewable:
            self.message_user(
                request,
                gettext("Seule une candidature soumise ou en étude peut être retenue."),
                messages.ERROR,
            )
            return redirect(change_url)
        form = AcceptForm(
            request.POST or None, application=application, initial=_accept_initial(application)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                calls_services.application_accept(
                    application=application,
                    spaces=data["spaces"],
                    start=data["start"],
                    end=data["end"],
                    fee_basis=data["fee_basis"],
                    fee_amount=data["fee_amount"],
                    charges=data["charges"],
                    occupancy_status=data["occupancy_status"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
                self.message_user(
                    request,
                    gettext("La candidature n'a pas été retenue : %(e)s")
                    % {"e": " ".join(exc.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    gettext(
                        "Candidature retenue : la structure « %(s)s », son ou sa responsable et "
                        "la convention d'occupation sont créés. Un e-mail a été envoyé."
                    )
                    % {"s": application.display_structure_name},
                    messages.SUCCESS,
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Accepter la candidature"),
            "application": application,
            "form": form,
            "opts": self.model._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "occupants/calls/admin/accept.html", context)

    def _change_status(self, request, queryset, status) -> None:
        changed = calls_services.applications_change_status(applications=queryset, status=status)
        label = Application.Status(status).label
        self.message_user(
            request,
            ngettext(
                "%(n)d candidature passée au statut « %(s)s » ; le ou la candidate est prévenue "
                "par e-mail.",
                "%(n)d candidatures passées au statut « %(s)s » ; les candidats sont prévenus "
                "par e-mail.",
                changed,
            )
            % {"n": changed, "s": label},
            messages.SUCCESS if changed else messages.WARNING,
        )

    @admin.action(description=_("Passer en étude (et prévenir par e-mail)"))
    def mark_review(self, request, queryset):
        self._change_status(request, queryset, Application.Status.REVIEW)

    @admin.action(description=_("Refuser (et prévenir par e-mail)"))
    def mark_refused(self, request, queryset):
        """A final decision: the first POST (from the list) shows what will be refused, the
        confirmation page's own POST (post=yes) refuses, as Django's delete_selected does."""
        if request.POST.get("post") == "yes":
            self._change_status(request, queryset, Application.Status.REFUSED)
            return None
        applications = list(queryset.select_related("call").order_by("pk"))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Refuser les candidatures"),
            "opts": self.model._meta,
            "applications": applications,
            "refused": [a for a in applications if a.is_reviewable],
            "unchanged": [a for a in applications if not a.is_reviewable],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse("admin:occupants_application_changelist"),
        }
        return TemplateResponse(request, "occupants/calls/admin/refuse_confirmation.html", context)

    @admin.action(description=_("Exporter en CSV"))
    def export_csv(self, request, queryset):
        return csv_response(queryset, f"candidatures-{timezone.localdate():%Y%m%d}.csv")

    @admin.action(description=_("Télécharger un ZIP (candidatures et pièces jointes)"))
    def export_zip(self, request, queryset):
        return zip_response(queryset, f"candidatures-{timezone.localdate():%Y%m%d}.zip")


def _flatten(fields) -> list[str]:
    out = []
    for item in fields:
        out.extend(item if isinstance(item, tuple) else [item])
    return out


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _accept_initial(application: Application) -> dict:
    site = application.call.site
    lots = list(application.lots.select_related("space"))
    start = application.desired_start or timezone.localdate()
    if site.occupancy_start and start < site.occupancy_start:
        start = site.occupancy_start
    end = _add_months(start, application.duration_months or 12) - timedelta(days=1)
    if site.occupancy_end and end > site.occupancy_end:
        end = site.occupancy_end
    price = next((lot.price_per_sqm for lot in lots if lot.price_per_sqm is not None), None)
    return {
        "spaces": [lot.space_id for lot in lots if lot.space_id],
        "start": start,
        "end": end,
        "fee_basis": Occupancy.FeeBasis.PER_SQM,
        "fee_amount": price if price is not None else 0,
        "charges": 0,
        "occupancy_status": Occupancy.Status.DRAFT,
    }


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
