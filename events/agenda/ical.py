"""The public agenda as iCalendar feeds that calendar apps subscribe to.

- /agenda/agenda.ics: every public published event (Event.objects.published_public());
- /agenda/lieux/<site>/agenda.ics: those of one published site;
- /agenda/<event>/evenement.ics: one event, all its dates.

One VEVENT per date (EventTiming), its UID stable ("event-timing-<pk>@<host>"), its times in
Europe/Paris (TZID and a VTIMEZONE, so that dates on both sides of a daylight-saving change
stay right), the event's page as URL, its kind and keywords as CATEGORIES, STATUS:CANCELLED for
a cancelled event. The agenda feeds hold the dates that ended at most PAST_DAYS days ago and
every upcoming one, at most MAX_TIMINGS dates (the soonest). Each feed is a constant number of
queries (the dates with their event, site and room in one), served from the public page cache
(sites.page_cache, PUBLIC_PAGE_CACHE_SECONDS, 300 s in production): an edit shows in the feed
at most that long after.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe
from icalendar import Calendar, vDuration
from icalendar import Event as VEvent

from core.text import elide
from events import ics
from events.models import Event, EventTiming
from events.rules import local_tz
from sites.models import Site
from sites.page_cache import public_page

PAST_DAYS = 30
MAX_TIMINGS = 2000
# How often a calendar app should fetch the feed again (RFC 7986 and its older X- twin).
REFRESH = timedelta(hours=1)
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_url(event: Event) -> str:
    """The absolute address of an event's public page (/agenda/<slug>/), from SITE_URL like the
    other absolute links: a feed is read by calendar apps, never from the request's Host."""
    return settings.SITE_URL + event.get_absolute_url()


def timing_uid(timing: EventTiming) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "interstices"
    return f"event-timing-{timing.pk}@{host}"


def location_text(timing: EventTiming) -> str:
    """Room (or precise place), site, address: what a calendar app shows and maps; an online
    event's link."""
    event = timing.event
    if event.attendance_mode == Event.AttendanceMode.ONLINE or (
        event.state == Event.State.MOVED_ONLINE and event.online_url
    ):
        return event.online_url
    site = event.site
    where = timing.room.name if timing.room_id else timing.place
    parts = [where, site.name, site.address, f"{site.postal_code} {site.commune}".strip()]
    return ", ".join(part for part in parts if part)


def categories(event: Event) -> list[str]:
    """The kind's label, then the keywords, each once."""
    seen: list[str] = []
    for word in [str(event.get_kind_display()), *event.keyword_list]:
        if word.casefold() not in {w.casefold() for w in seen}:
            seen.append(word)
    return seen


def _vevent(timing: EventTiming, *, stamp: datetime) -> VEvent:
    event = timing.event
    site = event.site
    tz = local_tz()
    url = event_url(event)
    cancelled = event.state == Event.State.CANCELLED
    vevent = VEvent()
    vevent.add("uid", timing_uid(timing))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", timing.start.astimezone(tz))
    vevent.add("dtend", timing.end.astimezone(tz))
    summary = event.title
    if cancelled:
        summary = gettext("Annulé : %(title)s") % {"title": event.title}
    vevent.add("summary", summary)
    online = ""
    if event.attendance_mode != Event.AttendanceMode.ON_SITE and event.online_url:
        online = gettext("En ligne : %(url)s") % {"url": event.online_url}
    vevent.add("description", "\n\n".join(part for part in (event.summary, online, url) if part))
    vevent.add("url", url)
    vevent.add("location", location_text(timing))
    if site.latitude is not None and site.longitude is not None:
        vevent.add("geo", (float(site.latitude), float(site.longitude)))
    vevent.add("categories", categories(event))
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    vevent.add("class", "PUBLIC")
    # An agenda the visitor follows does not make them busy.
    vevent.add("transp", "TRANSPARENT")
    vevent.add("last-modified", event.updated_at.astimezone(UTC))
    return vevent


def build_calendar(timings: Iterable[EventTiming], *, name: str) -> Calendar:
    """A VCALENDAR of the dates (their event, site and room selected with them)."""
    calendar = ics.new_calendar(name=name)
    calendar.add("name", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    stamp = timezone.now().astimezone(UTC)
    first = last = None
    for timing in timings:
        calendar.add_component(_vevent(timing, stamp=stamp))
        first = timing.start if first is None else min(first, timing.start)
        last = timing.end if last is None else max(last, timing.end)
    ics.add_timezone(calendar, first, last)
    return calendar


def public_timings(events: QuerySet[Event]) -> QuerySet[EventTiming]:
    """The dates of the public published events among `events`, with what a VEVENT reads."""
    return EventTiming.objects.filter(event__in=events.published_public()).select_related(
        "event__site", "room"
    )


def agenda_timings(events: QuerySet[Event]) -> QuerySet[EventTiming]:
    """The agenda feeds' window: ended at most PAST_DAYS ago or upcoming, soonest first, at most
    MAX_TIMINGS."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return public_timings(events).filter(end__gte=since).order_by("start", "pk")[:MAX_TIMINGS]


def ics_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@public_page
def agenda_feed(request: HttpRequest) -> HttpResponse:
    name = gettext("Agenda des lieux Interstices")
    calendar = build_calendar(agenda_timings(Event.objects.all()), name=name)
    return ics_response(calendar, "agenda.ics")


@require_safe
@public_page
def site_feed(request: HttpRequest, site: str) -> HttpResponse:
    place = get_object_or_404(Site.objects.published(), slug=site)
    name = elide(gettext("Agenda de %(site)s") % {"site": place.name}, place.name)
    calendar = build_calendar(agenda_timings(Event.objects.filter(site=place)), name=name)
    return ics_response(calendar, f"agenda-{place.slug}.ics")


@require_safe
@public_page
def event_feed(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event.objects.published_public().select_related("site"), slug=slug)
    timings = list(event.timings.select_related("room").order_by("start", "pk"))
    for timing in timings:
        timing.event = event
    calendar = build_calendar(timings, name=event.title)
    return ics_response(calendar, f"{event.slug}.ics")
