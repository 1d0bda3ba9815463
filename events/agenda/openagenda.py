"""A site's public events in OpenAgenda's event format (JSON), for operators who feed their
town's agenda: /agenda/lieux/<site>/openagenda.json and `manage.py export_openagenda <site>`.

The public published events of a published site (Event.objects.published_public()) with a date
that ended at most PAST_DAYS days ago or is upcoming, soonest first, at most MAX_EVENTS, as
{"events": [...], "total": n}. Each event follows OpenAgenda's standard fields
(https://developers.openagenda.com/, "Structure d'un événement"); texts are in French, under
"fr":

- slug, extIds [{key: "interstices", value: <id>}], links [{link: <event page>}];
- title {fr}, description {fr} (the summary, else the title: OpenAgenda requires it),
  longDescription {fr} (the description), conditions {fr} (Gratuit, Prix libre or the price),
  keywords {fr: [...]} (the kind's label and the keywords);
- image {url} and imageCredits, or null;
- registration [{type: link|email|phone, value}] (on-platform registration: the event's page);
- accessibility {hi, vi, pi, mi, ii}: hearing, visual, psychic, motor, intellectual;
- timings [{begin, end}] in ISO 8601 with the Europe/Paris offset; timezone "Europe/Paris";
- age {min, max} or null;
- attendanceMode: 1 on site, 2 online, 3 mixed; onlineAccessLink or null;
- status: 1 scheduled, 2 rescheduled, 3 moved online, 5 full, 6 cancelled (4, postponed without
  a date, has no counterpart here); state: 2 (published);
- location {name, address, city, postalCode, countryCode, latitude, longitude, timezone}: the
  site (OpenAgenda links a location by its own uid: the operator maps it on import);
- createdAt, updatedAt.

Three queries whatever the number of events (the site, the events, their dates).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from events.agenda.ical import event_url
from events.models import Event, EventTiming
from events.rules import local_tz
from sites.models import Site
from sites.page_cache import public_page
from sites.selectors import absolute_media_url

PAST_DAYS = 30
MAX_EVENTS = 2000

ATTENDANCE_MODES = {
    Event.AttendanceMode.ON_SITE: 1,
    Event.AttendanceMode.ONLINE: 2,
    Event.AttendanceMode.MIXED: 3,
}
STATUSES = {
    Event.State.SCHEDULED: 1,
    Event.State.RESCHEDULED: 2,
    Event.State.MOVED_ONLINE: 3,
    Event.State.FULL: 5,
    Event.State.CANCELLED: 6,
}
REGISTRATION_TYPES = {
    Event.Registration.LINK: "link",
    Event.Registration.EMAIL: "email",
    Event.Registration.PHONE: "phone",
}
PUBLISHED_STATE = 2


def _iso(moment) -> str:
    return moment.astimezone(local_tz()).isoformat()


def _conditions(event: Event) -> str:
    if event.price_kind == Event.Price.PAID and event.price_amount is not None:
        amount = number_format(event.price_amount, decimal_pos=2)
        return gettext("Tarif : %(amount)s €") % {"amount": amount}
    return str(event.get_price_kind_display())


def _registration(event: Event) -> list[dict]:
    if event.registration == Event.Registration.PLATFORM:
        return [{"type": "link", "value": event_url(event)}]
    kind = REGISTRATION_TYPES.get(event.registration)
    return [{"type": kind, "value": event.registration_contact}] if kind else []


def _location(site: Site) -> dict:
    return {
        "name": site.name,
        "address": f"{site.address}, {site.postal_code} {site.commune}",
        "city": site.commune,
        "postalCode": site.postal_code,
        "countryCode": "FR",
        "latitude": float(site.latitude) if site.latitude is not None else None,
        "longitude": float(site.longitude) if site.longitude is not None else None,
        "timezone": settings.TIME_ZONE,
    }


def event_payload(event: Event) -> dict:
    """One event in OpenAgenda's shape (see the module's docstring); its timings prefetched."""
    with translation.override("fr"):
        keywords = [str(event.get_kind_display()), *event.keyword_list]
        conditions = _conditions(event)
    age = None
    if event.age_min is not None or event.age_max is not None:
        age = {"min": event.age_min, "max": event.age_max}
    image = None
    if event.image:
        image = {"url": absolute_media_url(event.image.url)}
    return {
        "slug": event.slug,
        "extIds": [{"key": "interstices", "value": str(event.pk)}],
        "title": {"fr": event.title},
        "description": {"fr": event.summary or event.title},
        "longDescription": {"fr": event.description},
        "conditions": {"fr": conditions},
        "keywords": {"fr": keywords},
        "image": image,
        "imageCredits": event.image_credit or None,
        "registration": _registration(event),
        "accessibility": {
            "hi": event.accessible_hearing,
            "vi": event.accessible_visual,
            "pi": event.accessible_psychic,
            "mi": event.accessible_motor,
            "ii": event.accessible_intellectual,
        },
        "timings": [{"begin": _iso(t.start), "end": _iso(t.end)} for t in event.timings.all()],
        "timezone": settings.TIME_ZONE,
        "age": age,
        "attendanceMode": ATTENDANCE_MODES.get(event.attendance_mode, 1),
        "onlineAccessLink": event.online_url or None,
        "status": STATUSES.get(event.state, 1),
        "state": PUBLISHED_STATE,
        "location": _location(event.site),
        "links": [{"link": event_url(event)}],
        "createdAt": _iso(event.created_at),
        "updatedAt": _iso(event.updated_at),
    }


def site_events(site: Site):
    """The site's public published events in the export's window, soonest first, capped."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    events = (
        Event.objects.filter(site=site)
        .published_public()
        .with_dates()
        .filter(last_end__gte=since)
        .order_by("first_start", "pk")
        .prefetch_related(Prefetch("timings", queryset=EventTiming.objects.order_by("start")))
    )
    return list(events[:MAX_EVENTS])


def site_export(site: Site) -> dict:
    events = site_events(site)
    for event in events:
        event.site = site
    return {"events": [event_payload(event) for event in events], "total": len(events)}


@require_safe
@public_page
def site_export_view(request: HttpRequest, site: str) -> JsonResponse:
    place = get_object_or_404(Site.objects.published(), slug=site)
    return JsonResponse(site_export(place), json_dumps_params={"ensure_ascii": False})
