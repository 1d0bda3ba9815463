"""Occupants' booking pages: week and day grids, the booking form (one slot or a series),
the free-room search, their bookings with cancellation and .ics download.

Access: a site's pages are for its occupants and managers (Site.objects.bookable_by); a booking
is for its structure's members, its author and the site's managers (Booking.objects.visible_to),
who may cancel it as Booking.objects.cancellable_by says; anything else answers 404.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation
from events import availability, ics, services
from events.forms import WEEKLY, BookingForm, CancelForm, FindSlotForm
from events.models import (
    MAX_BUFFER_MINUTES,
    Booking,
    BookingSeries,
    member_bookings,
    visible_bookings,
)
from events.rules import effective_rules, effective_rules_bulk, open_intervals_bulk
from occupants.models import Structure
from sites.models import Site, Space

PAGE_SIZE = 25
# The grids accept dates this far around today; further is a tampered URL.
MAX_BROWSE_DAYS = 3 * 366


def _parse_day(value: str | None) -> date | None:
    """A date from the query string, or None when absent, malformed or absurdly far."""
    if not value:
        return None
    try:
        day = parse_date(value)
    except ValueError:
        return None
    if day is None or abs((day - timezone.localdate()).days) > MAX_BROWSE_DAYS:
        return None
    return day


def _day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), datetime.min.time()))
    return start, end


def _get_site_for_user(user, slug: str) -> Site:
    """A site whose booking pages the user may see (Site.objects.bookable_by)."""
    site = Site.objects.bookable_by(user).filter(slug=slug).first()
    if site is None:
        raise Http404(_("Lieu introuvable."))
    return site


def _get_space_for_user(user, pk: int) -> Space:
    """A bookable room, with its site, whose booking pages the user may see
    (Space.objects.bookable_by)."""
    space = Space.objects.bookable_by(user).select_related("site").filter(pk=pk).first()
    if space is None:
        raise Http404(_("Salle introuvable."))
    return space


def _period_bookings(user, spaces, start: datetime, end: datetime):
    """The bookings holding the spaces in [start, end), each with `mine` (the user's or one of
    their structures', events.models.member_bookings) and `visible_purpose`: every viewer of
    the page sees who holds a room, the purpose only those whom events.models.visible_bookings
    lets open the booking. Both rules are conditions on each row of the one query (rather than
    an Exists that reads the bookings again).

    The holders' names come by primary key in queries of their own: joined to the rows,
    PostgreSQL, which cannot know that a room's bookings spread over years, expected hundreds
    of rows in the week and hashed the whole structures table (20,000 rows: 3-6 ms a page)."""
    return (
        Booking.objects.active()
        .holding(start, end)
        .filter(space__in=spaces)
        # What the grids read: the times, the status and who holds the room.
        .only(
            "space_id",
            "start",
            "end",
            "blocked_until",
            "status",
            "outside_name",
            "structure",
            "organisation",
        )
        .prefetch_related(
            Prefetch("structure", queryset=Structure.objects.only("name")),
            Prefetch("organisation", queryset=Organisation.objects.only("name")),
        )
        .annotate(
            mine=Case(When(member_bookings(user), then=True), default=False),
            visible_purpose=Case(
                When(visible_bookings(user), then=F("purpose")), default=Value("")
            ),
        )
        .order_by("start")
    )


def _render(request: HttpRequest, template: str, context: dict, partial: str = "", **kw):
    """Render the page, or only `partial` for an htmx request (not a history restore)."""
    if partial and request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context, **kw)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    sites = (
        Site.objects.bookable_by(request.user)
        .prefetch_related(
            Prefetch(
                "spaces",
                queryset=Space.objects.filter(is_bookable=True).order_by("level", "name"),
                to_attr="bookable",
            )
        )
        .order_by("name")
    )
    return render(request, "events/index.html", {"sites": sites})


@login_required
@require_GET
def space_week(request: HttpRequest, pk: int) -> HttpResponse:
    space = _get_space_for_user(request.user, pk)
    requested = _parse_day(request.GET.get("du"))
    if request.GET.get("du") and requested is None:
        messages.warning(request, _("Date non comprise : voici la semaine en cours."))
    first = availability.monday(requested or timezone.localdate())
    days = [first + timedelta(days=i) for i in range(7)]
    rules = effective_rules(space)
    intervals = open_intervals_bulk([space], days[0], days[-1])
    start, end = _day_bounds(days[0], days[-1])
    bookings = _period_bookings(request.user, [space], start, end)
    grid = availability.week_grid(
        space,
        days,
        rules,
        intervals[space.pk],
        bookings,
    )
    context = {
        "space": space,
        "site": space.site,
        "rules": rules,
        "days": days,
        "grid": grid,
        "week_start": first,
        "previous_week": first - timedelta(days=7),
        "next_week": first + timedelta(days=7),
        "today": timezone.localdate(),
    }
    return _render(request, "events/week.html", context, partial="grid")


@login_required
@require_GET
def site_day(request: HttpRequest, slug: str) -> HttpResponse:
    site = _get_site_for_user(request.user, slug)
    requested = _parse_day(request.GET.get("date"))
    if request.GET.get("date") and requested is None:
        messages.warning(request, _("Date non comprise : voici aujourd'hui."))
    day = requested or timezone.localdate()
    spaces = list(site.spaces.filter(is_bookable=True).order_by("level", "name"))
    rules = effective_rules_bulk(spaces)
    intervals = open_intervals_bulk(spaces, day, day)
    start, end = _day_bounds(day, day)
    bookings = _period_bookings(request.user, spaces, start, end)
    grid = availability.day_grid(
        spaces,
        day,
        rules,
        {space.pk: intervals[space.pk].get(day, []) for space in spaces},
        bookings,
    )
    context = {
        "site": site,
        "spaces": spaces,
        "day": day,
        "grid": grid,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "today": timezone.localdate(),
    }
    return _render(request, "events/day.html", context, partial="grid")


def _form_kwargs(space: Space, structures, rules) -> dict:
    return {
        "site": space.site,
        "structures": structures,
        "step": rules.slot_minutes,
        "min_minutes": rules.min_minutes,
        "max_minutes": rules.max_minutes,
        "capacity": space.capacity,
    }


def _parse_local(value: str | None) -> datetime | None:
    """A wall-clock datetime from the query string (?debut=, ?fin=), or None if malformed."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is not None and timezone.is_aware(moment):
        moment = timezone.make_naive(moment)
    return moment


def _initial(request: HttpRequest, rules, structures) -> dict:
    initial: dict = {"people": 1, "duration": max(rules.min_minutes, rules.slot_minutes, 60)}
    if initial["duration"] > rules.max_minutes:
        initial["duration"] = rules.max_minutes
    start = _parse_local(request.GET.get("debut"))
    if start is not None:
        initial["day"] = start.date()
        initial["start_time"] = start.time()
        # A range picked in the grid (two cells): its end gives the duration, within the rules.
        end = _parse_local(request.GET.get("fin"))
        if end is not None and end > start and end.date() == start.date():
            minutes = int((end - start).total_seconds() // 60)
            first = max(rules.min_minutes, rules.slot_minutes)
            aligned = first + (minutes - first) // rules.slot_minutes * rules.slot_minutes
            initial["duration"] = min(max(aligned, first), rules.max_minutes)
            initial["range_shortened"] = minutes > rules.max_minutes
    # From "Trouver un créneau": keep the duration and the number of people searched for.
    for param, name in (("duree", "duration"), ("personnes", "people")):
        value = request.GET.get(param, "")
        if value.isdigit() and 0 < int(value) < 100_000:
            initial[name] = int(value)
    if structures:
        initial["structure"] = structures[0]
    return initial


def _recurrence(data: dict) -> services.Recurrence:
    if data["repeat"] == WEEKLY:
        return services.Recurrence(
            frequency=BookingSeries.Frequency.WEEKLY,
            interval=data.get("interval") or 1,
            until=data.get("until"),
            count=data.get("count"),
        )
    return services.Recurrence(
        frequency=BookingSeries.Frequency.MONTHLY,
        interval=1,
        until=data.get("until"),
        count=data.get("count"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_space(request: HttpRequest, pk: int) -> HttpResponse:
    space = _get_space_for_user(request.user, pk)
    site = space.site
    rules = effective_rules(space)
    context = {"space": space, "site": site, "rules": rules}
    # The structures the user books for: theirs that occupy the site today.
    structures = Structure.objects.of_member(request.user).occupying(site.pk)
    listed = list(structures.order_by("name"))
    if not listed:
        # A manager without a structure on the site books for outside partners in the admin.
        return _render(request, "events/book.html", {**context, "form": None}, partial="form")
    kwargs = _form_kwargs(space, structures, rules)
    if request.method != "POST":
        initial = _initial(request, rules, listed)
        context["range_shortened"] = initial.pop("range_shortened", False)
        form = BookingForm(initial=initial, **kwargs)
        return _render(request, "events/book.html", {**context, "form": form}, partial="form")

    form = BookingForm(request.POST, **kwargs)
    if not form.is_valid():
        return _render(request, "events/book.html", {**context, "form": form}, partial="form")
    data = form.cleaned_data
    common = {
        "space": space,
        "user": request.user,
        "start": data["start"],
        "end": data["end"],
        "purpose": data["purpose"],
        "people": data["people"],
        "structure": data["structure"],
    }
    try:
        if not form.is_series():
            booking = services.book(**common, request_key=str(data["request_key"]))
        elif request.POST.get("confirm") != "1":
            common.pop("purpose")
            occurrences = services.preview_series(**common, rule=_recurrence(data))
            context |= {
                "form": form,
                "occurrences": occurrences,
                "conflicts": sum(1 for o in occurrences if o.conflict),
                "bookable": sum(1 for o in occurrences if not o.conflict),
            }
            return render(request, "events/series_preview.html", context)
        else:
            series = services.book_series(
                **common,
                rule=_recurrence(data),
                skip_conflicts=True,
                request_key=str(data["request_key"]),
            )
            count = series.bookings.active().count()
            messages.success(
                request,
                ngettext("%(n)d réservation créée.", "%(n)d réservations créées.", count)
                % {"n": count},
            )
            return redirect("events:mine")
    except services.BookingError as error:
        form.add_error(None, error)
        return _render(request, "events/book.html", {**context, "form": form}, partial="form")
    if booking.status == Booking.Status.PENDING:
        messages.success(
            request,
            _("Demande %(ref)s envoyée : un responsable du lieu doit la valider.")
            % {"ref": booking.reference},
        )
    else:
        messages.success(request, _("Réservation %(ref)s confirmée.") % {"ref": booking.reference})
    return redirect("events:detail", pk=booking.pk)


@login_required
@require_GET
def find_slot(request: HttpRequest) -> HttpResponse:
    sites = Site.objects.bookable_by(request.user).order_by("name")
    site_list = list(sites)
    if not site_list:
        raise Http404(_("Vous n'occupez aucun lieu."))
    data = request.GET.copy()
    if len(site_list) == 1:
        data.setdefault("site", str(site_list[0].pk))
    searched = "day" in request.GET
    form = FindSlotForm(data if searched else None, sites=sites, initial={"site": site_list[0]})
    results = None
    if searched and form.is_valid():
        results = _free_rooms(form.cleaned_data)
    context = {"form": form, "results": results, "single_site": len(site_list) == 1}
    return _render(request, "events/find.html", context, partial="results")


def _free_rooms(data: dict) -> list[Space]:
    """The site's bookable rooms, big enough, open over the whole slot, with no booking
    overlapping it: three queries whatever the number of rooms and bookings."""
    site: Site = data["site"]
    start, end = data["start"], data["end"]
    spaces = list(
        site.spaces.filter(is_bookable=True, capacity__gte=data["people"]).order_by(
            "capacity", "name"
        )
    )
    if not spaces:
        return []
    day = timezone.localtime(start).date()
    intervals = open_intervals_bulk(spaces, day, day)
    # A booking starting within the new one's buffer matters too.
    bookings = (
        Booking.objects.active()
        .holding(start, end + timedelta(minutes=MAX_BUFFER_MINUTES))
        .filter(space__in=spaces)
    )
    return availability.free_spaces(
        spaces,
        start,
        end,
        effective_rules_bulk(spaces),
        {space.pk: intervals[space.pk].get(day, []) for space in spaces},
        bookings.only("space_id", "start", "end", "blocked_until"),
    )


# A member's bookings in three lists, one shown at a time (`?liste=`): its URL value, its name.
BOOKING_LISTS = (
    ("a-venir", gettext_lazy("À venir")),
    ("passees", gettext_lazy("Passées")),
    ("annulees", gettext_lazy("Annulées")),
)


def _booking_lists(request: HttpRequest, queryset) -> dict:
    """A member's bookings as tabs: upcoming, past and cancelled (those to come), each with its
    count (one query for the three), and a page of the one asked for (upcoming by default)
    with its rooms, sites and holders. One list a page: a structure booking every week has
    hundreds of past bookings, and three tables of 25 rows made a heavy page."""
    now = timezone.now()
    cancelled = Q(status=Booking.Status.CANCELLED)
    conditions = {
        "a-venir": (Q(end__gte=now) & ~cancelled, ("start", "pk")),
        "passees": (Q(end__lt=now), ("-start", "-pk")),
        "annulees": (Q(end__gte=now) & cancelled, ("start", "pk")),
    }
    asked = request.GET.get("liste")
    shown = asked if asked in conditions else "a-venir"
    counts = queryset.aggregate(
        **{
            f"n{index}": Count("pk", filter=conditions[value][0])
            for index, (value, _label) in enumerate(BOOKING_LISTS)
        }
    )
    lists = [
        {"value": value, "label": label, "count": counts[f"n{index}"], "shown": value == shown}
        for index, (value, label) in enumerate(BOOKING_LISTS)
    ]
    condition, order = conditions[shown]
    # The rooms (with their site) in a query of their own, by primary key: joined to the rows,
    # PostgreSQL expected many more rows than a page holds and hashed the whole rooms and
    # sites tables (a cost that grows with them). A booking's site is its room's.
    rows = (
        queryset.filter(condition)
        .select_related("structure", "organisation")
        .prefetch_related(Prefetch("space", queryset=Space.objects.select_related("site")))
        .order_by(*order)
    )
    return {
        "lists": lists,
        "shown": shown,
        # A `liste` that names no list: said on the page, which shows the upcoming ones.
        "unknown_list": bool(asked) and asked not in conditions,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
    }


@login_required
@require_GET
def my_bookings(request: HttpRequest) -> HttpResponse:
    structures = list(Structure.objects.of_member(request.user).order_by("name"))
    bookings = Booking.objects.of_member(request.user)
    context = {
        **_booking_lists(request, bookings),
        "structures": structures,
        "structure": None,
    }
    return render(request, "events/bookings.html", context)


@login_required
@require_GET
def structure_bookings(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        structure = Structure.objects.of_member(request.user).get(slug=slug)
    except Structure.DoesNotExist:
        raise Http404(_("Structure introuvable.")) from None
    context = {
        **_booking_lists(request, Booking.objects.filter(structure=structure)),
        "structures": Structure.objects.of_member(request.user).order_by("name"),
        "structure": structure,
    }
    return render(request, "events/bookings.html", context)


def _get_booking_for_user(user, pk) -> Booking:
    try:
        return (
            Booking.objects.visible_to(user)
            .select_related("space", "site", "structure", "organisation", "series", "booked_by")
            .get(pk=pk)
        )
    except Booking.DoesNotExist:
        raise Http404(_("Réservation introuvable.")) from None


@login_required
@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _get_booking_for_user(request.user, pk)
    can_cancel = Booking.objects.cancellable_by(request.user).filter(pk=booking.pk).exists()
    context = {
        "booking": booking,
        "can_cancel": can_cancel,
        "cancel_form": CancelForm() if can_cancel else None,
    }
    return render(request, "events/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation (what to cancel, for a series); POST cancels. Both work
    without JavaScript."""
    # Whoever may open the booking; services.cancel says whether it may still be cancelled.
    booking = _get_booking_for_user(request.user, pk)
    if request.method != "POST":
        if not Booking.objects.cancellable_by(request.user).filter(pk=booking.pk).exists():
            messages.error(request, _("Cette réservation ne peut plus être annulée."))
            return redirect("events:detail", pk=booking.pk)
        return render(request, "events/cancel.html", {"booking": booking, "form": CancelForm()})
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez ce qu'il faut annuler."))
        return redirect("events:detail", pk=booking.pk)
    try:
        if form.cleaned_data["scope"] == CancelForm.REST and booking.series_id:
            count = services.cancel_series_from(booking, by=request.user)
            messages.success(
                request,
                ngettext("%(n)d réservation annulée.", "%(n)d réservations annulées.", count)
                % {"n": count},
            )
        else:
            services.cancel(booking, by=request.user)
            messages.success(
                request, _("Réservation %(ref)s annulée.") % {"ref": booking.reference}
            )
    except services.BookingError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:detail", pk=booking.pk)
    return redirect(reverse("events:mine"))


@login_required
@require_GET
def booking_ics(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _get_booking_for_user(request.user, pk)
    response = HttpResponse(ics.booking_ics(booking), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{booking.reference}.ics"'
    return response
