"""The site managers' booking pages: approval queue, week calendar of all rooms, occupancy
statistics, exports and renting a room to an outside organisation.

Access: Site.objects.managed_by(user) decides, here as in the admin. A site or a booking outside
that scope answers 404. Writes go through events.services, which checks the right again.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from core.charts import make_chart
from core.http import safe_next
from events import exports, services, stats
from events.formatting import format_slot
from events.forms import date_input, time_input
from events.models import Booking
from events.rules import at, closed_periods_bulk, effective_rules, open_intervals_bulk
from sites.models import Site, Space

QUEUE_PAGE_SIZE = 50


# --- Access ---------------------------------------------------------------------------------


def managed_sites(user) -> QuerySet[Site]:
    return Site.objects.managed_by(user)


def get_managed_site(user, slug: str) -> Site:
    try:
        return managed_sites(user).get(slug=slug)
    except Site.DoesNotExist:
        raise Http404(_("Lieu introuvable.")) from None


def managed_spaces(user) -> QuerySet[Space]:
    return Space.objects.filter(is_bookable=True, site__in=managed_sites(user)).select_related(
        "site"
    )


def _require_manager(user) -> None:
    # Someone who manages no site has no page here: 404 tells nothing about other sites.
    if not managed_sites(user).exists():
        raise Http404(_("Page introuvable."))


# --- Home and approval queue ----------------------------------------------------------------


def _count(queryset: QuerySet) -> Subquery:
    return Subquery(
        queryset.order_by().values("site").annotate(n=Count("pk")).values("n"),
        output_field=IntegerField(),
    )


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    sites = list(
        managed_sites(request.user)
        .annotate(
            # Subqueries: two Counts over two joins would multiply each other.
            pending_count=_count(
                Booking.objects.filter(site=OuterRef("pk"), status=Booking.Status.PENDING)
            ),
            room_count=_count(Space.objects.filter(site=OuterRef("pk"), is_bookable=True)),
        )
        .order_by("name")
    )
    for site in sites:
        site.pending_count = site.pending_count or 0
        site.room_count = site.room_count or 0
    if not sites:
        raise Http404(_("Page introuvable."))
    return render(request, "events/manager/index.html", {"sites": sites})


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus"),
        max_length=300,
        required=False,
        help_text=_("Envoyé à la personne qui a réservé. 300 caractères au plus."),
    )


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    sites = list(managed_sites(request.user).order_by("name"))
    bookings = (
        Booking.objects.managed_by(request.user)
        .filter(status=Booking.Status.PENDING)
        .select_related("space", "site", "structure", "organisation", "booked_by")
        .order_by("start", "pk")
    )
    chosen = request.GET.get("lieu", "")
    if chosen:
        if chosen not in {site.slug for site in sites}:
            messages.warning(request, _("Lieu inconnu : le filtre a été ignoré."))
            chosen = ""
        else:
            bookings = bookings.filter(site__slug=chosen)
    page = Paginator(bookings, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    attach_neighbours(list(page.object_list))
    return render(
        request,
        "events/manager/queue.html",
        {
            "page": page,
            "sites": sites,
            "chosen": chosen,
            # The decision pages send back to this very page (filter and page number kept).
            "next_query": urlencode({"next": request.get_full_path()}),
        },
    )


def attach_neighbours(requests: list[Booking]) -> None:
    """Give each pending request ``before`` and ``after``: the confirmed or pending bookings of
    the same room on the same day that end before it starts, or start after it ends (the
    nearest first, at most two each), and ``overlapping`` ones. One query for the whole page."""
    if not requests:
        return
    tz = timezone.get_current_timezone()
    days = {timezone.localtime(b.start, tz).date() for b in requests}
    others = (
        Booking.objects.filter(
            space_id__in={b.space_id for b in requests},
            status__in=Booking.ACTIVE_STATUSES,
            start__lt=at(max(days) + timedelta(days=1), time(0)),
            end__gt=at(min(days), time(0)),
        )
        .select_related("structure", "organisation")
        .order_by("start", "pk")
    )
    by_room_day: dict[tuple[int, date], list[Booking]] = defaultdict(list)
    for other in others:
        by_room_day[(other.space_id, timezone.localtime(other.start, tz).date())].append(other)
    for booking in requests:
        same_day = [
            other
            for other in by_room_day[
                (booking.space_id, timezone.localtime(booking.start, tz).date())
            ]
            if other.pk != booking.pk
        ]
        booking.before = [o for o in same_day if o.end <= booking.start][-2:]
        booking.after = [o for o in same_day if o.start >= booking.end][:2]
        booking.overlapping = [
            o for o in same_day if o.start < booking.end and o.end > booking.start
        ]


def _managed_booking(request: HttpRequest, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.managed_by(request.user).select_related(
            "space", "site", "structure", "organisation", "booked_by"
        ),
        pk=pk,
    )


def _decision_page(
    request: HttpRequest,
    booking: Booking,
    action: str,
    form: RefuseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The confirmation step of a decision on a request (GET): the request, what the decision
    does, a button that POSTs it and a way back. Works without JavaScript. A request already
    decided sends back to where the manager came from."""
    back = safe_next(request, reverse("events:manager_queue"))
    if booking.status != Booking.Status.PENDING:
        messages.info(
            request,
            _("La demande %(ref)s a déjà reçu une réponse : rien n'a été changé.")
            % {"ref": booking.reference},
        )
        return HttpResponseRedirect(back)
    return render(
        request,
        "events/manager/decide.html",
        {
            "booking": booking,
            "action": action,
            "action_url": reverse(f"events:manager_{action}", args=[booking.pk]),
            "form": form or RefuseForm(),
            "back": back,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation, POST confirms the booking."""
    booking = _managed_booking(request, pk)
    if request.method != "POST":
        return _decision_page(request, booking, "approve")
    try:
        booking = services.approve(booking, by=request.user)
    except services.BookingError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Réservation introuvable.")) from None
    else:
        messages.success(
            request,
            _("Réservation %(ref)s validée : la personne qui a réservé est prévenue.")
            % {"ref": booking.reference},
        )
    return HttpResponseRedirect(safe_next(request, reverse("events:manager_queue")))


@require_http_methods(["GET", "POST"])
@login_required
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (and the reason), POST refuses the booking."""
    booking = _managed_booking(request, pk)
    if request.method != "POST":
        return _decision_page(request, booking, "refuse")
    form = RefuseForm(request.POST)
    if not form.is_valid():
        # Nothing refused: the same page again, the reason's error beside it.
        return _decision_page(request, booking, "refuse", form=form, status=400)
    try:
        booking = services.refuse(booking, by=request.user, reason=form.cleaned_data["reason"])
    except services.BookingError as exc:
        messages.error(request, exc.messages[0])
    except PermissionDenied:
        raise Http404(_("Réservation introuvable.")) from None
    else:
        messages.success(
            request,
            _("Réservation %(ref)s refusée : la personne qui a réservé est prévenue.")
            % {"ref": booking.reference},
        )
    return HttpResponseRedirect(safe_next(request, reverse("events:manager_queue")))


# --- Week calendar ------------------------------------------------------------------------


def parse_week(value: str | None, today: date) -> tuple[date, bool]:
    """The Monday of ?semaine= given as 2026-W48 or as any date of the week (2026-11-25).
    Returns (monday, understood)."""
    value = (value or "").strip()
    monday = today - timedelta(days=today.weekday())
    if not value:
        return monday, True
    try:
        if "W" in value.upper():
            year, week = value.upper().split("-W")
            day = date.fromisocalendar(int(year), int(week), 1)
        else:
            day = date.fromisoformat(value)
    except (ValueError, TypeError):
        return monday, False
    if not 2000 <= day.year <= 2100:
        return monday, False
    return day - timedelta(days=day.weekday()), True


@dataclass
class CalendarCell:
    day: date
    intervals: list[tuple[datetime, datetime]] = field(default_factory=list)
    bookings: list[Booking] = field(default_factory=list)
    closures: list = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return bool(self.intervals)


@dataclass
class CalendarRow:
    space: Space
    cells: list[CalendarCell]


def week_calendar(site: Site, monday: date) -> list[CalendarRow]:
    """Each bookable room of the site, day by day: opening hours, closures, active bookings.
    Five queries whatever the number of rooms and bookings."""
    spaces = list(site.spaces.filter(is_bookable=True).order_by("level", "name"))
    days = [monday + timedelta(days=n) for n in range(7)]
    week_start, week_end = at(monday, time(0)), at(monday + timedelta(days=7), time(0))
    intervals = open_intervals_bulk(spaces, days[0], days[-1])
    closures = closed_periods_bulk(spaces, week_start, week_end) if spaces else {}
    bookings = (
        Booking.objects.active()
        .filter(site=site, start__lt=week_end, end__gt=week_start)
        .select_related("structure", "organisation", "booked_by")
        .order_by("start")
    )
    by_cell: dict[tuple[int, date], list[Booking]] = defaultdict(list)
    for booking in bookings:
        day = max(timezone.localtime(booking.start).date(), days[0])
        last = min(timezone.localtime(booking.end - timedelta(microseconds=1)).date(), days[-1])
        while day <= last:
            by_cell[booking.space_id, day].append(booking)
            day += timedelta(days=1)
    rows = []
    for space in spaces:
        cells = []
        for day in days:
            day_start, day_end = at(day, time(0)), at(day + timedelta(days=1), time(0))
            cells.append(
                CalendarCell(
                    day=day,
                    intervals=intervals[space.pk].get(day, []),
                    bookings=by_cell[space.pk, day],
                    closures=[
                        p for p in closures[space.pk] if p.start < day_end and p.end > day_start
                    ],
                )
            )
        rows.append(CalendarRow(space=space, cells=cells))
    return rows


@require_GET
@login_required
def calendar(request: HttpRequest, slug: str) -> HttpResponse:
    site = get_managed_site(request.user, slug)
    today = timezone.localdate()
    monday, understood = parse_week(request.GET.get("semaine"), today)
    if not understood:
        messages.warning(
            request,
            _("Semaine non reconnue (attendu : 2026-W48 ou une date) : voici la semaine en cours."),
        )
    days = [monday + timedelta(days=n) for n in range(7)]
    return render(
        request,
        "events/manager/calendar.html",
        {
            "site": site,
            "monday": monday,
            "sunday": days[-1],
            "days": days,
            "today": today,
            "rows": week_calendar(site, monday),
            "previous_week": (monday - timedelta(days=7)).isoformat(),
            "next_week": (monday + timedelta(days=7)).isoformat(),
            "week_value": monday.isoformat(),
        },
    )


# --- Statistics -----------------------------------------------------------------------------


def _parse_year(value: str | None, today: date) -> tuple[int, bool]:
    if not value:
        return today.year, True
    try:
        year = int(value)
    except (TypeError, ValueError):
        return today.year, False
    if not 2000 <= year <= 2100:
        return today.year, False
    return year, True


@require_GET
@login_required
def statistics(request: HttpRequest, slug: str) -> HttpResponse:
    site = get_managed_site(request.user, slug)
    today = timezone.localdate()
    year, understood = _parse_year(request.GET.get("annee"), today)
    if not understood:
        messages.warning(request, _("Année non reconnue : voici l'année en cours."))
    spaces = list(site.spaces.filter(is_bookable=True).order_by("level", "name"))
    for space in spaces:
        space.site = site  # the occupancy dates the rates follow, without a query
    data = stats.year_stats(spaces, year)
    month_labels = [formats.date_format(month, "F") for month in data.months]
    # Only the months the rooms were open: a month before the opening is no "0 %" (the table
    # below still lists it, with a dash).
    month_chart = make_chart(
        [
            (label.capitalize(), rate.hours_rate)
            for label, rate in zip(month_labels, data.month_totals, strict=True)
            if rate.hours_rate is not None
        ],
        title=gettext("Taux d'occupation des salles par mois en %(year)d") % {"year": year},
        unit="%",
        label_header=gettext("Mois"),
        value_header=gettext("Heures réservées / heures d'ouverture"),
        chart_id="chart-months",
        max_value=100,
        decimals=1,
    )
    room_chart = make_chart(
        [(space.name, data.space_totals[space.pk].hours_rate or 0) for space in spaces],
        title=gettext("Taux d'occupation par salle en %(year)d") % {"year": year},
        unit="%",
        label_header=gettext("Salle"),
        value_header=gettext("Heures réservées / heures d'ouverture"),
        chart_id="chart-rooms",
        max_value=100,
        decimals=1,
    )
    months = [
        {"label": label.capitalize(), "rate": rate}
        for label, rate in zip(month_labels, data.month_totals, strict=True)
    ]
    rooms = [{"space": space, "rate": data.space_totals[space.pk]} for space in spaces]
    # The period the figures count (stats.clip_to_occupancy); a year outside the occupancy
    # still says when it began or ended.
    first, last = date(year, 1, 1), date(year, 12, 31)
    counted = stats.clip_to_occupancy(first, last, site.occupancy_start, site.occupancy_end) or (
        site.occupancy_start or first,
        site.occupancy_end or last,
    )
    counted_from = counted[0] if counted[0] > first else None
    counted_until = counted[1] if counted[1] < last else None
    return render(
        request,
        "events/manager/statistics.html",
        {
            "site": site,
            "year": year,
            "counted_from": counted_from,
            "counted_until": counted_until,
            "data": data,
            "months": months,
            "rooms": rooms,
            "month_chart": month_chart,
            "room_chart": room_chart,
            "previous_year": year - 1,
            "next_year": year + 1,
        },
    )


# --- Exports ----------------------------------------------------------------------------------


@require_GET
@login_required
def export(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = exports.ExportFilterForm(request.GET or None, user=request.user)
    wanted = request.GET.get("format")
    if form.is_bound and wanted:
        if wanted not in exports.FORMATS:
            messages.error(request, _("Format inconnu : choisissez CSV ou Excel."))
        elif form.is_valid():
            bookings = form.filter(Booking.objects.managed_by(request.user))
            return exports.FORMATS[wanted](bookings)
    return render(request, "events/manager/export.html", {"form": form})


# --- Renting a room to an outside organisation ---------------------------------------------


class SpaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, space: Space) -> str:
        return f"{space.site.name} — {space.name}"


class OutsideBookingForm(forms.Form):
    space = SpaceChoiceField(label=_("Salle"), queryset=Space.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Organisation enregistrée"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Ou bien indiquez son nom ci-dessous."),
    )
    outside_name = forms.CharField(
        label=_("Nom de l'organisation (si elle n'est pas enregistrée)"),
        max_length=200,
        required=False,
    )
    day = forms.DateField(label=_("Date"), widget=date_input())
    start = forms.TimeField(label=_("Début"), widget=time_input())
    end = forms.TimeField(
        label=_("Fin"),
        widget=time_input(),
        help_text=_("00:00 pour minuit."),
    )
    people = forms.IntegerField(label=_("Nombre de personnes"), min_value=1, max_value=10_000)
    purpose = forms.CharField(label=_("Objet"), max_length=200, required=False)
    request_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["space"].queryset = managed_spaces(user).order_by("site__name", "name")
        if not self.is_bound:
            self.initial.setdefault("request_key", secrets.token_urlsafe(24))

    def clean(self):
        data = super().clean()
        organisation, name = data.get("organisation"), (data.get("outside_name") or "").strip()
        if organisation and name:
            self.add_error(
                "outside_name",
                _("Choisissez une organisation enregistrée ou indiquez un nom, pas les deux."),
            )
        elif not organisation and not name:
            self.add_error(
                "organisation",
                _("Indiquez pour quelle organisation extérieure vous réservez."),
            )
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end is not None:
            if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
                self.add_error("day", _("Choisissez une date entre 2000 et 2100."))
                return data
            end_day = day + timedelta(days=1) if end == time(0) else day
            data["start_at"] = at(day, start)
            data["end_at"] = at(end_day, end)
            if data["end_at"] <= data["start_at"]:
                self.add_error("end", _("La fin doit suivre le début."))
        return data


@require_http_methods(["GET", "POST"])
@login_required
def outside_booking(request: HttpRequest) -> HttpResponse:
    _require_manager(request.user)
    form = OutsideBookingForm(request.POST or None, user=request.user)
    price = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        space = data["space"]
        if request.POST.get("action") != "book":
            price = services.compute_price(effective_rules(space), data["start_at"], data["end_at"])
        else:
            try:
                booking = services.book(
                    space=space,
                    user=request.user,
                    start=data["start_at"],
                    end=data["end_at"],
                    purpose=data["purpose"],
                    people=data["people"],
                    organisation=data["organisation"],
                    outside_name=data["outside_name"],
                    request_key=data["request_key"],
                    on_behalf=True,
                )
            except services.BookingError as exc:
                form.add_error(None, exc.messages[0])
            except PermissionDenied:
                raise Http404(_("Salle introuvable.")) from None
            else:
                messages.success(
                    request,
                    _("Réservation %(ref)s enregistrée pour %(who)s, %(slot)s. Prix : %(price)s €.")
                    % {
                        "ref": booking.reference,
                        "who": booking.organisation.name
                        if booking.organisation_id
                        else booking.outside_name,
                        "slot": format_slot(booking.start, booking.end),
                        "price": formats.number_format(booking.price or 0, 2),
                    },
                )
                url = reverse("events:manager_calendar", kwargs={"slug": space.site.slug})
                week = timezone.localtime(booking.start).date().isoformat()
                return redirect(f"{url}?semaine={week}")
    return render(request, "events/manager/outside_booking.html", {"form": form, "price": price})
