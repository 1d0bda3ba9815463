"""iCalendar feeds that calendar apps subscribe to.

- A room's public feed: busy/free only ("Occupé"), no structure, purpose, person or reference;
  rooms of published sites only.
- A person's and a structure's private feeds: full details, at an address holding a secret token
  (events.models.FeedToken). Resetting the token kills the old address at once. A person's feed
  reads their memberships at each request; a structure's address is shared by its members and is
  replaced whenever one of them leaves (occupants.services.members_left).

Each feed is three queries whatever its size; events from 60 days back to a year ahead.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar, Event

from core.text import elide
from events import ics
from events.models import Booking, FeedToken
from events.rules import local_tz
from occupants.models import Structure, StructureMember
from sites.models import Space

PAST_DAYS = 60
FUTURE_DAYS = 366
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _window() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now - timedelta(days=PAST_DAYS), now + timedelta(days=FUTURE_DAYS)


def _in_window(bookings):
    start, end = _window()
    return bookings.active().filter(start__lt=end, end__gt=start).order_by("start", "pk")


def _busy_uid(booking_id: int) -> str:
    # Not the booking's reference nor its id: nothing in a public feed identifies a booking.
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:busy:{booking_id}".encode()).hexdigest()
    return f"busy-{digest[:24]}@interstices"


def busy_calendar(space: Space, rows) -> Calendar:
    """The busy/free calendar of a room from (id, start, end) rows."""
    tz = local_tz()
    calendar = ics.new_calendar(
        name=gettext("%(space)s (%(site)s) : occupation")
        % {"space": space.name, "site": space.site.name}
    )
    stamp = timezone.now().astimezone(UTC)
    location = f"{space.name}, {space.site.name}"
    first = last = None
    for booking_id, start, end in rows:
        event = Event()
        event.add("uid", _busy_uid(booking_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", start.astimezone(tz))
        event.add("dtend", end.astimezone(tz))
        event.add("summary", gettext("Occupé"))
        event.add("location", location)
        event.add("class", "PUBLIC")
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    if first is not None:
        ics.add_timezone(calendar, first, last)
    return calendar


def _ics_response(payload: bytes, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(payload, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    # A secret address must not end up in a search engine or in another site's logs.
    response["X-Robots-Tag"] = "noindex, nofollow"
    if private:
        response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def space_feed(request: HttpRequest, pk: int) -> HttpResponse:
    space = get_object_or_404(
        Space.objects.select_related("site"), pk=pk, is_bookable=True, site__published=True
    )
    rows = _in_window(Booking.objects.filter(space=space)).values_list("pk", "start", "end")
    calendar = busy_calendar(space, rows)
    return _ics_response(calendar.to_ical(), f"salle-{space.pk}.ics", private=False)


def _private_bookings(token: FeedToken):
    bookings = Booking.objects.select_related("space", "site", "structure", "organisation")
    if token.structure_id:
        return _in_window(bookings.filter(structure_id=token.structure_id))
    return _in_window(bookings.of_member(token.user))


@require_GET
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = FeedToken.objects.resolve(token)
    if feed is None or (feed.user_id and not feed.user.is_active):
        raise Http404(_("Ce flux n'existe pas ou son adresse a été réinitialisée."))
    if feed.structure_id:
        name = elide(
            gettext("Réservations de %(structure)s") % {"structure": feed.structure.name},
            feed.structure.name,
        )
    else:
        name = gettext("Mes réservations")
    payload = ics.bookings_ics(_private_bookings(feed), name=name, private=True)
    return _ics_response(payload, "reservations.ics", private=True)


# --- The page listing a person's feeds ------------------------------------------------------


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def feed_url(request: HttpRequest, token: FeedToken) -> str:
    return _absolute(request, reverse("events:feed_private", kwargs={"token": token.token}))


@require_GET
@login_required
def feeds_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    own = FeedToken.objects.for_user(user)
    memberships = list(
        StructureMember.objects.filter(user=user)
        .select_related("structure")
        .order_by("structure__name")
    )
    tokens = FeedToken.objects.for_structures([m.structure for m in memberships])
    structures = [
        {
            "structure": m.structure,
            "url": feed_url(request, tokens[m.structure_id]),
            "can_reset": m.role == StructureMember.Role.LEAD,
        }
        for m in memberships
    ]
    spaces = (
        Space.objects.bookable_by(user)
        .filter(site__published=True)
        .select_related("site")
        .order_by("site__name", "name")
    )
    rooms = [
        {"space": space, "url": _absolute(request, reverse("events:feed_space", args=[space.pk]))}
        for space in spaces
    ]
    return render(
        request,
        "events/manager/feeds.html",
        {"own_url": feed_url(request, own), "structures": structures, "rooms": rooms},
    )


def _reset_target(request: HttpRequest) -> tuple[str, Structure | None]:
    """What the reset is about, from the query (GET) or the form (POST): ("personne", None) or
    ("structure", a structure the user leads); ("", None) when not understood. Another
    structure, or one the user does not lead, answers 404."""
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("kind")
    if kind == "personne":
        return kind, None
    if kind == "structure":
        try:
            structure = Structure.objects.filter(
                members__user=request.user, members__role=StructureMember.Role.LEAD
            ).get(pk=data.get("structure"))
        except (Structure.DoesNotExist, ValueError, TypeError):
            raise Http404(_("Structure introuvable.")) from None
        return kind, structure
    return "", None


@require_http_methods(["GET", "POST"])
@login_required
def reset_feed(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation, POST replaces the address (the old one stops working)."""
    kind, structure = _reset_target(request)
    if not kind:
        messages.error(request, _("Demande non reconnue : rien n'a été changé."))
        return redirect("events:feeds")
    if request.method != "POST":
        return render(
            request, "events/manager/feed_reset.html", {"kind": kind, "structure": structure}
        )
    if structure is None:
        FeedToken.objects.reset_user(request.user)
        messages.success(
            request,
            _("Nouvelle adresse créée pour votre agenda : l'ancienne ne fonctionne plus."),
        )
    else:
        FeedToken.objects.reset_structure(structure)
        messages.success(
            request,
            elide(
                gettext(
                    "Nouvelle adresse créée pour l'agenda de %(structure)s : l'ancienne ne "
                    "fonctionne plus ; partagez la nouvelle avec ses membres."
                )
                % {"structure": structure.name},
                structure.name,
            ),
        )
    return redirect("events:feeds")
