"""The managers' admin for room booking: rules, opening hours (one by one or in bulk), closed
periods and bookings (with approve, refuse and cancel actions that go through events.services).

Every class goes through ScopedAdminMixin (sites/scoping.py): a manager sees, and picks in
foreign keys, only the rows of the sites Site.objects.managed_by(user) returns. Bookings are
never edited or deleted here: their workflow (e-mails, overlap guarantee) lives in the services;
renting a room to an outside organisation is the manager page events:manager_outside.
"""

from __future__ import annotations

from datetime import time

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events import services
from events.agenda import services as agenda
from events.forms import time_input
from events.models import (
    Attendance,
    AttendanceCount,
    Booking,
    BookingRules,
    ClosedPeriod,
    Event,
    EventTiming,
    OpeningHours,
    Registration,
    Weekday,
)
from events.rules import set_opening_hours
from sites.models import Site, Space
from sites.scoping import ScopedAdminMixin, managed_sites


def managed_spaces(request: HttpRequest) -> QuerySet[Space]:
    """The rooms a booking, an opening hour or a closure may name: bookable ones only."""
    return Space.objects.filter(site__in=managed_sites(request), is_bookable=True).select_related(
        "site"
    )


class SiteScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scoped_choices = {"site": managed_sites, "space": managed_spaces}

    def scope_queryset(self, request, queryset):
        return queryset.filter(site__in=managed_sites(request))


@admin.register(BookingRules)
class BookingRulesAdmin(SiteScopedAdmin):
    list_display = (
        "__str__",
        "site",
        "space",
        "slot_minutes",
        "approval_required",
        "weekly_quota_hours",
        "monthly_quota_hours",
        "price_per_hour",
        "price_per_day",
    )
    list_filter = ("approval_required", "site")
    list_select_related = ("site", "space")
    search_fields = ("site__name", "space__name")
    fieldsets = (
        (
            None,
            {
                "fields": ("site", "space"),
                "description": _(
                    "Sans salle, ces règles s'appliquent à tout le lieu ; avec une salle, elles "
                    "remplacent entièrement celles du lieu pour cette salle."
                ),
            },
        ),
        (
            _("Créneaux"),
            {
                "fields": (
                    "slot_minutes",
                    ("min_minutes", "max_minutes"),
                    ("horizon_days", "min_notice_minutes"),
                    "buffer_minutes",
                )
            },
        ),
        (
            _("Qui réserve"),
            {
                "fields": (
                    "approval_required",
                    ("weekly_quota_hours", "monthly_quota_hours"),
                    "outside_allowed",
                )
            },
        ),
        (_("Tarifs extérieurs"), {"fields": (("price_per_hour", "price_per_day"),)}),
    )


# --- Opening hours --------------------------------------------------------------------------


class BulkOpeningHoursForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Lieu"), queryset=Site.objects.none())
    spaces = forms.ModelMultipleChoiceField(
        label=_("Salles"),
        queryset=Space.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Aucune salle cochée : les horaires par défaut du lieu. Une salle qui a ses propres "
            "horaires n'utilise plus ceux du lieu."
        ),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Jours"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    opens = forms.TimeField(label=_("Ouverture"), widget=time_input())
    closes = forms.TimeField(
        label=_("Fermeture"),
        widget=time_input(),
        help_text=_("00:00 pour minuit."),
    )
    mode = forms.ChoiceField(
        label=_("Ces horaires"),
        choices=[
            ("replace", _("remplacent ceux de ces jours")),
            ("add", _("s'ajoutent à ceux de ces jours (une coupure à midi, par exemple)")),
        ],
        initial="replace",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        sites = Site.objects.all() if request.user.is_superuser else managed_sites(request)
        self.fields["site"].queryset = sites.order_by("name")
        self.fields["spaces"].queryset = (
            Space.objects.filter(site__in=sites, is_bookable=True)
            .select_related("site")
            .order_by("site__name", "name")
        )
        self.fields["spaces"].label_from_instance = lambda s: f"{s.site.name} — {s.name}"

    def clean(self):
        data = super().clean()
        site, spaces = data.get("site"), data.get("spaces") or []
        if site and any(space.site_id != site.pk for space in spaces):
            self.add_error("spaces", _("Cochez seulement des salles du lieu choisi."))
        opens, closes = data.get("opens"), data.get("closes")
        if opens is not None and closes is not None and not (closes > opens or closes == time(0)):
            self.add_error("closes", _("La fermeture doit suivre l'ouverture."))
        return data

    def save(self) -> int:
        data = self.cleaned_data
        targets = list(data["spaces"]) or [data["site"]]
        created = 0
        with transaction.atomic():
            for target in targets:
                created += len(
                    set_opening_hours(
                        target,
                        data["weekdays"],
                        data["opens"],
                        data["closes"],
                        replace=data["mode"] == "replace",
                    )
                )
        return created


@admin.register(OpeningHours)
class OpeningHoursAdmin(SiteScopedAdmin):
    list_display = ("site", "space", "weekday", "opens", "closes")
    list_filter = ("weekday", "site")
    list_select_related = ("site", "space")
    search_fields = ("site__name", "space__name")
    ordering = ("site__name", "space__name", "weekday", "opens")
    change_list_template = "admin/events/openinghours/change_list.html"

    def get_urls(self):
        return [
            path(
                "en-masse/",
                self.admin_site.admin_view(self.bulk_view),
                name="events_openinghours_bulk",
            ),
            *super().get_urls(),
        ]

    def bulk_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BulkOpeningHoursForm(request.POST or None, request=request)
        if request.method == "POST" and form.is_valid():
            try:
                created = form.save()
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d plage d'ouverture enregistrée.",
                        "%(n)d plages d'ouverture enregistrées.",
                        created,
                    )
                    % {"n": created},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:events_openinghours_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Horaires d'ouverture en masse"),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/events/openinghours/bulk.html", context)


@admin.register(ClosedPeriod)
class ClosedPeriodAdmin(SiteScopedAdmin):
    list_display = ("__str__", "site", "space", "start", "end", "created_by")
    list_filter = ("site",)
    list_select_related = ("site", "space", "created_by")
    search_fields = ("reason", "site__name", "space__name")
    date_hierarchy = "start"
    fields = ("site", "space", "start", "end", "reason")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


# --- Bookings -------------------------------------------------------------------------------


class RefuseActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Envoyé aux personnes qui ont réservé. 300 caractères au plus."),
    )


@admin.register(Booking)
class BookingAdmin(SiteScopedAdmin):
    list_display = (
        "reference",
        "start",
        "end",
        "site",
        "space",
        "holder",
        "status",
        "people",
        "price",
    )
    list_filter = ("status", "site", "space", "start")
    list_select_related = ("site", "space", "structure", "organisation")
    search_fields = ("reference", "structure__name", "organisation__name", "outside_name")
    date_hierarchy = "start"
    ordering = ("-start",)
    actions = ("approve_selected", "refuse_selected", "cancel_selected")
    change_list_template = "admin/events/booking/change_list.html"
    # A manager reads bookings and decides on them; the workflow lives in events.services.
    role_permissions = frozenset({"view", "change"})
    fields = (
        "reference",
        "status",
        "site",
        "space",
        "start",
        "end",
        "structure",
        "organisation",
        "outside_name",
        "price",
        "people",
        "purpose",
        "booked_by",
        "series",
        "decided_by",
        "decided_at",
        "refusal_reason",
        "cancelled_by",
        "cancelled_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("pour"), ordering="structure__name")
    def holder(self, booking: Booking) -> str:
        return booking.holder_name

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, action, **kwargs) -> int:
        """Runs a service on each booking; reports each refusal; returns how many succeeded."""
        done = 0
        for booking in queryset.select_related("space"):
            try:
                action(booking, by=request.user, **kwargs)
            except services.BookingError as exc:
                self.message_user(
                    request, f"{booking.reference} : {exc.messages[0]}", messages.ERROR
                )
            except PermissionDenied:
                self.message_user(
                    request,
                    f"{booking.reference} : {gettext('action non autorisée.')}",
                    messages.ERROR,
                )
            else:
                done += 1
        return done

    def _success(self, request, message: str) -> None:
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Valider les réservations choisies"), permissions=["change"])
    def approve_selected(self, request, queryset):
        done = self._decide(request, queryset, services.approve)
        if done:
            self._success(
                request,
                ngettext("%(n)d réservation validée.", "%(n)d réservations validées.", done)
                % {"n": done},
            )

    @admin.action(description=_("Refuser les réservations choisies"), permissions=["change"])
    def refuse_selected(self, request, queryset):
        if "apply" in request.POST:
            form = RefuseActionForm(request.POST)
            if form.is_valid():
                done = self._decide(
                    request, queryset, services.refuse, reason=form.cleaned_data["reason"]
                )
                if done:
                    self._success(
                        request,
                        ngettext("%(n)d réservation refusée.", "%(n)d réservations refusées.", done)
                        % {"n": done},
                    )
                return None
        else:
            form = RefuseActionForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Refuser des réservations"),
            "bookings": queryset.select_related("space", "site", "structure", "organisation"),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/booking/refuse_selected.html", context)

    @admin.action(description=_("Annuler les réservations choisies"), permissions=["change"])
    def cancel_selected(self, request, queryset):
        done = self._decide(request, queryset, services.cancel)
        if done:
            self._success(
                request,
                ngettext("%(n)d réservation annulée.", "%(n)d réservations annulées.", done)
                % {"n": done},
            )


# --- Events ---------------------------------------------------------------------------------


class ReadOnlyMixin:
    """Read in the admin, written elsewhere (by a service): no adding, changing or deleting,
    for anyone. Put it before ScopedAdminMixin."""

    role_permissions = frozenset({"view"})

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventTimingInline(ReadOnlyMixin, ScopedAdminMixin, admin.TabularInline):
    """Read only: a date and the room it holds change through events.agenda.services."""

    model = EventTiming
    extra = 0
    fields = ("start", "end", "room", "place", "booking")
    readonly_fields = fields
    can_delete = False

    def scope_queryset(self, request, queryset):
        return queryset.filter(event__site__in=managed_sites(request))


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = sorted(agenda.EDITABLE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("capacity"):
            rooms = Space.objects.filter(event_timings__event=self.instance).distinct()
            try:
                site = agenda.public_site(self.instance, cleaned.get("visibility"))
                agenda.check_capacity(cleaned["capacity"], rooms, site=site)
            except ValidationError as exc:
                self.add_error("capacity", exc.messages[0])
        return cleaned


@admin.register(Event)
class EventAdmin(SiteScopedAdmin):
    form = EventAdminForm
    inlines = (EventTimingInline,)
    list_display = ("title", "site", "organiser", "kind", "moderation", "state", "visibility")
    list_filter = ("moderation", "state", "kind", "visibility", "site")
    list_select_related = ("site", "structure")
    search_fields = ("title", "slug", "structure__name", "organiser_name")
    ordering = ("-created_at",)
    actions = ("publish_selected", "refuse_selected")
    # Managers read and change an event's details; its creation, dates, rooms and moderation
    # go through events.agenda.services (the actions below, and the pages).
    role_permissions = frozenset({"view", "change"})
    readonly_fields = (
        "site",
        "organiser_kind",
        "structure",
        "organiser_name",
        "slug",
        "moderation",
        "refusal_reason",
        "state",
        "previous_start",
        "published_at",
        "created_at",
        "updated_at",
    )

    @admin.display(description=_("organisé par"))
    def organiser(self, event: Event) -> str:
        return event.organiser_label

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fields = {
            name: getattr(obj, name) for name in form.changed_data if name in agenda.EDITABLE_FIELDS
        }
        agenda.update_event(obj, by=request.user, **fields)

    def _moderate(self, request, queryset, action, done_message, **kwargs) -> None:
        done = 0
        for event in queryset:
            try:
                action(event, by=request.user, **kwargs)
            except ValidationError as exc:
                self.message_user(request, f"{event.title} : {exc.messages[0]}", messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request, f"{event.title} : {gettext('action non autorisée.')}", messages.ERROR
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Publier les événements choisis"), permissions=["change"])
    def publish_selected(self, request, queryset):
        self._moderate(
            request,
            queryset,
            agenda.publish,
            lambda n: ngettext("%(n)d événement publié.", "%(n)d événements publiés.", n),
        )

    @admin.action(description=_("Refuser les événements choisis"), permissions=["change"])
    def refuse_selected(self, request, queryset):
        self._moderate(
            request,
            queryset,
            agenda.refuse,
            lambda n: ngettext("%(n)d événement refusé.", "%(n)d événements refusés.", n),
        )


# --- Registrations and attendance ------------------------------------------------------------


class EventScopedAdmin(ReadOnlyMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Rows of an event, read only, for the managers of the event's site (as EventAdmin): the
    registrants' names and e-mails are personal data that only they, and the organising
    structure on its registrants page, may read; never the cancel token. Registrations, their
    waiting list and attendance change through events.agenda.registrations (the public form,
    the cancel link, the organiser's pages)."""

    def scope_queryset(self, request, queryset):
        return queryset.filter(event__site__in=managed_sites(request))


@admin.register(Registration)
class RegistrationAdmin(EventScopedAdmin):
    list_display = ("event", "site", "registrant", "email_address", "places", "public", "status")
    list_filter = ("status", "public", "event")
    list_select_related = ("event", "event__site")
    # Not by name nor e-mail: a search would tell who registered to someone not allowed to know.
    search_fields = ("event__title",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    fields = (
        "event",
        "registrant",
        "email_address",
        "places",
        "public",
        "status",
        "created_at",
        "promoted_at",
        "cancelled_at",
        "anonymised_at",
    )
    readonly_fields = fields

    @admin.display(description=_("lieu"), ordering="event__site__name")
    def site(self, registration: Registration) -> str:
        return registration.event.site.name

    @admin.display(description=_("nom"))
    def registrant(self, registration: Registration) -> str:
        return str(registration)  # "Inscription anonymisée" once erased

    @admin.display(description=_("e-mail"))
    def email_address(self, registration: Registration) -> str:
        return registration.email or "—"


class AttendanceCountInline(ReadOnlyMixin, ScopedAdminMixin, admin.TabularInline):
    model = AttendanceCount
    extra = 0
    fields = ("public", "count")
    readonly_fields = fields
    can_delete = False

    def scope_queryset(self, request, queryset):
        return queryset.filter(attendance__event__site__in=managed_sites(request))


@admin.register(Attendance)
class AttendanceAdmin(EventScopedAdmin):
    inlines = (AttendanceCountInline,)
    list_display = ("event", "site", "total", "recorded_by", "recorded_at")
    list_select_related = ("event", "event__site", "recorded_by")
    search_fields = ("event__title",)
    ordering = ("-recorded_at", "-pk")
    fields = ("event", "total", "recorded_by", "recorded_at")
    readonly_fields = fields

    @admin.display(description=_("lieu"), ordering="event__site__name")
    def site(self, attendance: Attendance) -> str:
        return attendance.event.site.name
