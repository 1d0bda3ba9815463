"""Managers' event pages, beside their booking pages under /reservations/gestion/: a site's
event calendar (month grid and list) and the moderation queue (publish or refuse the events
waiting for validation, each after a confirmation page that works without JavaScript).

Access: Event.objects.manageable_by(user) and Site.objects.managed_by(user) decide; another
site or another site's event answers 404. Writes go through events.agenda.services, which checks
the right again.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from core.http import safe_next
from events.agenda import services as agenda
from events.manager_views import _require_manager, get_managed_site, managed_sites
from events.models import Event, EventTiming
from events.rules import at

QUEUE_PAGE_SIZE = 30


def parse_month(value: str | None, today: date) -> tuple[date, bool]:
    """The first day of ?mois= given as 2026-12 (or any date of the month, 2026-12-07).
    Returns (first day, understood)."""
    value = (value or "").strip()
    first = today.replace(day=1)
    if not value:
        return first, True
    try:
        if len(value) == 7:
            year, month = value.split("-")
            day = date(int(year), int(month), 1)
        else:
            day = date.fromisoformat(value)
    except (ValueError, TypeError):
        return first, False
    if not 2000 <= day.year <= 2100:
        return first, False
    return day.replace(day=1), True


def _shift_month(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class DayCell:
    day: date
    in_month: bool
    timings: list[EventTiming] = field(default_factory=list)


def month_timings(site, first: date, last: date, user) -> list[EventTiming]:
    """The site's event timings from `first` to `last` (dates, inclusive), with their event and
    room: two queries whatever their number (the timings, then nothing more: select_related)."""
    events = Event.objects.manageable_by(user).filter(site=site)
    return list(
        EventTiming.objects.filter(
            event__in=events,
            start__lt=at(last + timedelta(days=1), time(0)),
            end__gt=at(first, time(0)),
        )
        .select_related("event", "event__structure", "event__site", "room")
        .order_by("start", "pk")
    )


def month_grid(first: date, timings: list[EventTiming]) -> list[list[DayCell]]:
    """Weeks (Monday to Sunday) covering the month, each day with the timings starting that day
    (a timing over midnight shows on the day it starts)."""
    by_day: dict[date, list[EventTiming]] = defaultdict(list)
    for timing in timings:
        by_day[timezone.localtime(timing.start).date()].append(timing)
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([DayCell(day, day.month == first.month, by_day[day]) for day in week])
    return weeks


@require_GET
@login_required
def agenda_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    """A site's events over a month: a grid of the weeks (?vue=grille, the default) or a list
    of the dates (?vue=liste); ?mois=2026-12 picks the month."""
    site = get_managed_site(request.user, slug)
    today = timezone.localdate()
    first, understood = parse_month(request.GET.get("mois"), today)
    if not understood:
        messages.warning(
            request, _("Mois non reconnu (attendu : 2026-12) : voici le mois en cours.")
        )
    view = request.GET.get("vue", "grille")
    if view not in ("grille", "liste"):
        view = "grille"
    next_first = _shift_month(first, 1)
    last = next_first - timedelta(days=1)
    weeks = month_grid(first, [])
    grid_first, grid_last = weeks[0][0].day, weeks[-1][-1].day
    if view == "grille":
        timings = month_timings(site, grid_first, grid_last, request.user)
        weeks = month_grid(first, timings)
    else:
        timings = month_timings(site, first, last, request.user)
    pending = Event.objects.manageable_by(request.user).filter(
        site=site, moderation=Event.Moderation.PENDING
    )
    return render(
        request,
        "events/manager/agenda.html",
        {
            "site": site,
            "first": first,
            "today": today,
            "view": view,
            "weeks": weeks,
            "timings": timings,
            "previous_month": _shift_month(first, -1).strftime("%Y-%m"),
            "next_month": next_first.strftime("%Y-%m"),
            "month_value": first.strftime("%Y-%m"),
            "grid_url": f"?mois={first:%Y-%m}&vue=grille",
            "list_url": f"?mois={first:%Y-%m}&vue=liste",
            "is_grid": view == "grille",
            "is_list": view == "liste",
            "pending_count": pending.count(),
        },
    )


# --- Moderation queue -----------------------------------------------------------------------


def _pending_events(user):
    return (
        Event.objects.manageable_by(user)
        .filter(moderation=Event.Moderation.PENDING)
        .select_related("site", "structure", "created_by")
        .prefetch_related(
            Prefetch(
                "timings",
                queryset=EventTiming.objects.select_related("room").order_by("start", "pk"),
            )
        )
    )


@require_GET
@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    """The events of the manager's sites waiting for validation, oldest proposal first."""
    _require_manager(request.user)
    sites = list(managed_sites(request.user).order_by("name"))
    events = _pending_events(request.user).order_by("updated_at", "pk")
    chosen = request.GET.get("lieu", "")
    if chosen:
        if chosen not in {site.slug for site in sites}:
            messages.warning(request, _("Lieu inconnu : le filtre a été ignoré."))
            chosen = ""
        else:
            events = events.filter(site__slug=chosen)
    page = Paginator(events, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/manager/event_queue.html",
        {
            "page": page,
            "sites": sites,
            "chosen": chosen,
            "next_query": urlencode({"next": request.get_full_path()}),
        },
    )


class RefuseEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Montré à la structure qui propose l'événement. 300 caractères au plus."),
    )


def _get_managed_event(request: HttpRequest, pk: int) -> Event:
    events = Event.objects.manageable_by(request.user).select_related(
        "site", "structure", "created_by"
    )
    return get_object_or_404(events, pk=pk)


def _moderation_page(
    request: HttpRequest,
    event: Event,
    action: str,
    form: RefuseEventForm | None = None,
    status: int = 200,
) -> HttpResponse:
    back = safe_next(request, reverse("events:manager_event_queue"))
    if event.moderation != Event.Moderation.PENDING:
        messages.info(
            request,
            _("L'événement « %(title)s » n'attend plus de validation : rien n'a été changé.")
            % {"title": event.title},
        )
        return HttpResponseRedirect(back)
    timings = event.timings.select_related("room").order_by("start", "pk")
    return render(
        request,
        "events/manager/decide.html",
        {
            "event": event,
            "timings": timings,
            "action": action,
            "action_url": reverse(f"events:manager_event_{action}", args=[event.pk]),
            "form": form or RefuseEventForm(),
            "back": back,
        },
        status=status,
    )


def _after(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, reverse("events:manager_event_queue")))


@require_http_methods(["GET", "POST"])
@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST publishes the event (and confirms its rooms)."""
    event = _get_managed_event(request, pk)
    if request.method != "POST":
        return _moderation_page(request, event, "publish")
    try:
        agenda.publish(event, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Événement introuvable.")) from None
    else:
        messages.success(request, _("« %(title)s » est publié.") % {"title": event.title})
    return _after(request)


@require_http_methods(["GET", "POST"])
@login_required
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation and the reason, POST refuses the event."""
    event = _get_managed_event(request, pk)
    if request.method != "POST":
        return _moderation_page(request, event, "refuse")
    form = RefuseEventForm(request.POST)
    if not form.is_valid():
        return _moderation_page(request, event, "refuse", form=form, status=400)
    try:
        agenda.refuse(event, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Événement introuvable.")) from None
    else:
        messages.success(
            request,
            _("« %(title)s » est refusé : la structure voit le motif dans son espace.")
            % {"title": event.title},
        )
    return _after(request)
