"""Registration pages: register for an event, cancel through the e-mail's link, the organiser's
list of registrants (with its CSV and XLSX exports) and the attendance form.

Who sees what: the registration page shows the events a person may open
(Event.objects.visible_to); the list of registrants and the attendance the events a person
may change (Event.objects.editable_by: the organising structure's members and the site's
managers). Anything else answers 404. The cancel page is reached by its secret token only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts import throttle
from events.agenda import registrations as service
from events.agenda.registration_forms import AttendanceForm, RegistrationForm
from events.models import Attendance, Event, Public, Registration
from occupants import exports

EXPORT_FORMATS = ("csv", "xlsx")
THROTTLED = gettext_lazy(
    "Trop d'inscriptions envoyées depuis cette adresse e-mail ou cette connexion : "
    "réessayez dans une heure."
)


def _event_page(event: Event) -> str:
    return event.get_absolute_url()


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(
        Event.objects.visible_to(request.user).select_related("site"), slug=slug
    )
    closed = service.closed_reason(event)
    left = service.places_left(event)
    context = {
        "event": event,
        "closed": closed,
        "places_left": left,
        "event_url": _event_page(event),
    }
    if closed:
        return render(request, "events/agenda/registration/register.html", context)
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        # Each registration sends an e-mail: capped per address and per client IP, like the
        # sign-up (accounts.throttle). Past the cap nothing is created nor sent.
        if not throttle.allow_email(request, "event_registration", form.cleaned_data["email"]):
            form.add_error(None, THROTTLED)
            status = 429
        else:
            try:
                registration = service.register(event, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return render(
                    request,
                    "events/agenda/registration/registered.html",
                    {**context, "registration": registration},
                )
            context["places_left"] = service.places_left(event)
    return render(
        request,
        "events/agenda/registration/register.html",
        {**context, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation and changes nothing; POST cancels. Without JavaScript."""
    registration = get_object_or_404(
        Registration.objects.select_related("event", "event__site").exclude(email=""),
        token=token,
    )
    context = {
        "registration": registration,
        "event": registration.event,
        "event_url": _event_page(registration.event),
    }
    if registration.status == Registration.Status.CANCELLED:
        return render(request, "events/agenda/registration/cancelled.html", context)
    started = service.started(registration.event)
    if request.method == "POST":
        try:
            registration = service.cancel(token)
        except ValidationError as error:
            context["error"] = " ".join(error.messages)
        else:
            return render(
                request,
                "events/agenda/registration/cancelled.html",
                {**context, "registration": registration, "just_cancelled": True},
            )
    return render(
        request, "events/agenda/registration/cancel.html", {**context, "started": started}
    )


def _editable_event(request: HttpRequest, slug: str) -> Event:
    return get_object_or_404(
        Event.objects.editable_by(request.user).select_related("site", "structure"), slug=slug
    )


def registrant_table(event: Event):
    header = [
        _("Nom"),
        _("E-mail"),
        _("Places"),
        _("Public"),
        _("Statut"),
        _("Inscrite le"),
        _("Sortie de la liste d'attente le"),
        _("Annulée le"),
    ]
    rows = Registration.objects.filter(event=event).order_by("created_at", "pk")

    def local(moment):
        return timezone.localtime(moment).replace(tzinfo=None) if moment else None

    def generate():
        for registration in rows:
            yield [
                registration.name,
                registration.email,
                registration.places,
                registration.get_public_display(),
                registration.get_status_display(),
                local(registration.created_at),
                local(registration.promoted_at),
                local(registration.cancelled_at),
            ]

    return header, generate()


@login_required
@require_http_methods(["GET"])
def registrants(request: HttpRequest, slug: str) -> HttpResponse:
    event = _editable_event(request, slug)
    export = request.GET.get("export")
    if export is not None:
        if export not in EXPORT_FORMATS:
            raise Http404
        header, rows = registrant_table(event)
        name = f"inscriptions-{event.slug}"[:60]
        if export == "xlsx":
            return exports.xlsx_response(header, rows, name)
        return exports.csv_response(header, rows, name)
    registrations = list(Registration.objects.filter(event=event).order_by("created_at", "pk"))
    totals = Registration.objects.filter(event=event).aggregate(
        confirmed=Sum("places", filter=Q(status=Registration.Status.CONFIRMED), default=0),
        waiting=Sum("places", filter=Q(status=Registration.Status.WAITLISTED), default=0),
        people=Count("pk", filter=~Q(status=Registration.Status.CANCELLED)),
    )
    return render(
        request,
        "events/agenda/registration/registrants.html",
        {
            "event": event,
            "registrations": registrations,
            "totals": totals,
            "places_left": service.places_left(event),
            "event_url": _event_page(event),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, slug: str) -> HttpResponse:
    event = _editable_event(request, slug)
    context = {"event": event, "event_url": _event_page(event)}
    if not service.ended(event):
        return render(
            request, "events/agenda/registration/attendance.html", {**context, "form": None}
        )
    recorded = Attendance.objects.filter(event=event).prefetch_related("counts").first()
    initial = {}
    if recorded is not None:
        initial = {"total": recorded.total} | {
            f"public_{row.public}": row.count for row in recorded.counts.all()
        }
    form = AttendanceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service.record_attendance(
                event, by=request.user, total=form.cleaned_data["total"], counts=form.counts()
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Fréquentation enregistrée."))
            return redirect("agenda_registrations:attendance", slug=event.slug)
    registered = Registration.objects.filter(event=event).confirmed().places()
    return render(
        request,
        "events/agenda/registration/attendance.html",
        {
            **context,
            "form": form,
            "recorded": recorded,
            "registered": registered,
            "publics": Public,
        },
    )
