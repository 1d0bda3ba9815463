"""Occupants' event pages, in Mon espace: their structures' events, proposing one, its details
and dates (each date in a room books the room), submitting it for validation, cancelling it.

Access: the events of the structures the user belongs to (Event.objects.of_member); another
structure's event answers 404. Every write goes through events.agenda.services, which checks
the right again and refuses with a French message shown in the form's error summary.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from events.agenda import services as agenda
from events.agenda.member_forms import (
    EventForm,
    TimingForm,
    add_service_errors,
    proposable_occupancies,
)
from events.models import Event, EventTiming

PAGE_SIZE = 25


def _my_events(user):
    return Event.objects.of_member(user).select_related("site", "structure")


def _get_event(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(_my_events(request.user), pk=pk)


def _get_timing(request: HttpRequest, pk: int) -> EventTiming:
    return get_object_or_404(
        EventTiming.objects.filter(event__in=Event.objects.of_member(request.user)).select_related(
            "event__site", "event__structure", "room"
        ),
        pk=pk,
    )


def _timings():
    return Prefetch(
        "timings", queryset=EventTiming.objects.select_related("room").order_by("start", "pk")
    )


@require_GET
@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    """My structures' events, the soonest first; those without a date last."""
    events = (
        _my_events(request.user)
        .with_dates()
        .prefetch_related(_timings())
        .order_by("-last_end", "-pk")
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/member/list.html",
        {"page": page, "may_propose": proposable_occupancies(request.user).exists()},
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request: HttpRequest) -> HttpResponse:
    """Proposes a new event (a draft) for one of my structures, at a site it occupies."""
    if not proposable_occupancies(request.user).exists():
        raise Http404(_("Aucune de vos structures n'occupe un lieu en ce moment."))
    form = EventForm(request.POST or None, request.FILES or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        occupancy = form.cleaned_data["occupancy"]
        try:
            event = agenda.create_event(
                site=occupancy.site,
                by=request.user,
                organiser_kind=Event.OrganiserKind.STRUCTURE,
                structure=occupancy.structure,
                **form.details(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404(_("Lieu introuvable.")) from None
        else:
            messages.success(
                request,
                _("Brouillon « %(title)s » enregistré : ajoutez ses dates, puis proposez-le.")
                % {"title": event.title},
            )
            return redirect("events:my_event", pk=event.pk)
    return render(
        request, "events/member/form.html", {"form": form, "event": None}, status=_status(form)
    )


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_GET
@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An event of my structure: its status, details, dates and what can be done next."""
    event = _get_event(request, pk)
    timings = list(event.timings.select_related("room").order_by("start", "pk"))
    return render(
        request,
        "events/member/detail.html",
        {
            "event": event,
            "timings": timings,
            "may_submit": event.moderation in (Event.Moderation.DRAFT, Event.Moderation.REFUSED)
            and event.state != Event.State.CANCELLED,
            "is_cancelled": event.state == Event.State.CANCELLED,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event(request, pk)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=event,
        user=request.user,
        creating=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            agenda.update_event(event, by=request.user, **form.details())
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404(_("Événement introuvable.")) from None
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect("events:my_event", pk=event.pk)
    return render(
        request, "events/member/form.html", {"form": form, "event": event}, status=_status(form)
    )


def _timing_page(request: HttpRequest, event: Event, timing: EventTiming | None) -> HttpResponse:
    """The date form, for a new date (timing None: add_timing) or an existing one (move_timing,
    which moves its room's booking too); a taken room or another refusal of the service shows
    in the form's error summary, nothing saved."""
    initial = None
    if timing is not None:
        start, end = timezone.localtime(timing.start), timezone.localtime(timing.end)
        initial = {
            "day": start.date(),
            "start": start.time(),
            "end": end.time(),
            "room": timing.room_id,
            "place": timing.place,
        }
    form = TimingForm(request.POST or None, event=event, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        when = {
            "start": data["start_at"],
            "end": data["end_at"],
            "room": data["room"],
            "place": data["place"],
        }
        try:
            if timing is None:
                agenda.add_timing(event, by=request.user, **when)
            else:
                agenda.move_timing(timing, by=request.user, **when)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied:
            raise Http404(_("Événement introuvable.")) from None
        else:
            messages.success(request, _("Date ajoutée.") if timing is None else _("Date modifiée."))
            return redirect("events:my_event", pk=event.pk)
    return render(
        request,
        "events/member/timing_form.html",
        {"form": form, "event": event, "timing": timing},
        status=_status(form),
    )


@require_http_methods(["GET", "POST"])
@login_required
def add_timing(request: HttpRequest, pk: int) -> HttpResponse:
    """A new date; in a room, the room is booked for it."""
    return _timing_page(request, _get_event(request, pk), None)


@require_http_methods(["GET", "POST"])
@login_required
def move_timing(request: HttpRequest, pk: int) -> HttpResponse:
    """Moves a date (and its room's booking), or changes its room."""
    timing = _get_timing(request, pk)
    return _timing_page(request, timing.event, timing)


@require_http_methods(["GET", "POST"])
@login_required
def remove_timing(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST removes the date and frees its room."""
    timing = _get_timing(request, pk)
    event = timing.event
    if request.method != "POST":
        return render(
            request,
            "events/member/confirm.html",
            {"event": event, "timing": timing, "action": "remove_timing"},
        )
    try:
        agenda.remove_timing(timing, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Événement introuvable.")) from None
    else:
        messages.success(request, _("Date retirée."))
    return redirect("events:my_event", pk=event.pk)


def _confirmed_step(request: HttpRequest, pk: int, action: str, step, success: str):
    event = _get_event(request, pk)
    if request.method != "POST":
        return render(
            request,
            "events/member/confirm.html",
            {
                "event": event,
                "action": action,
                "timings": event.timings.select_related("room").order_by("start", "pk"),
            },
        )
    try:
        event = step(event, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Événement introuvable.")) from None
    else:
        messages.success(request, success(event))
    return redirect("events:my_event", pk=pk)


def _submitted(event: Event) -> str:
    if event.moderation == Event.Moderation.PUBLISHED:
        return _("« %(title)s » est publié.") % {"title": event.title}
    return _("« %(title)s » est proposé : les responsables du lieu vont le valider.") % {
        "title": event.title
    }


@require_http_methods(["GET", "POST"])
@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST proposes the event to the site's managers (or publishes
    it at once when the site trusts its occupants' events)."""
    return _confirmed_step(request, pk, "submit", agenda.submit, _submitted)


@require_http_methods(["GET", "POST"])
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST cancels the event and frees its rooms."""
    return _confirmed_step(
        request,
        pk,
        "cancel",
        agenda.cancel_event,
        lambda event: (
            _("« %(title)s » est annulé ; ses salles sont libérées.") % {"title": event.title}
        ),
    )
