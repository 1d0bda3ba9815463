"""schema.org `Event` for an event page, as JSON-LD (https://schema.org/Event and Google's
"Event" rich results: name, startDate, location, then eventStatus, eventAttendanceMode,
previousStartDate, endDate, image, description, organizer, offers).

One item per date: an event held on three evenings is three `Event` items with the same name,
which is what the search engines show as three dates (a series with subEvent is not read by
them). The items are a JSON array; a single date gives a single object.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from django.utils.safestring import SafeString, mark_safe

from events.models import Event, EventTiming
from events.rules import local_tz

SCHEMA = "https://schema.org/"


def iso(moment: datetime) -> str:
    """2026-12-10T14:00:00+01:00: the sites' wall clock with its offset."""
    return moment.astimezone(local_tz()).isoformat()


def postal_address(site) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": site.address,
        "postalCode": site.postal_code,
        "addressLocality": site.commune,
        "addressCountry": "FR",
    }


def place(event: Event, timing: EventTiming) -> dict:
    site = event.site
    where = timing.room.name if timing.room_id else timing.place
    data = {
        "@type": "Place",
        "name": f"{where} · {site.name}" if where else site.name,
        "address": postal_address(site),
    }
    if site.latitude is not None and site.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(site.latitude),
            "longitude": float(site.longitude),
        }
    return data


def location(event: Event, timing: EventTiming) -> dict | list[dict]:
    online = {"@type": "VirtualLocation", "url": event.online_url}
    if event.attendance_mode == Event.AttendanceMode.ONLINE:
        return online
    if event.attendance_mode == Event.AttendanceMode.MIXED:
        return [place(event, timing), online]
    return place(event, timing)


def offer(event: Event, url: str) -> dict:
    price = event.price_amount if event.price_kind == Event.Price.PAID else Decimal(0)
    data = {
        "@type": "Offer",
        "price": f"{price:.2f}",
        "priceCurrency": "EUR",
        "availability": SCHEMA + ("SoldOut" if event.state == Event.State.FULL else "InStock"),
        "url": url,
    }
    if event.price_kind == Event.Price.PAY_WHAT_YOU_CAN:
        data["description"] = str(Event.Price.PAY_WHAT_YOU_CAN.label)
    return data


def organizer(event: Event, site_url: str) -> dict:
    data = {"@type": "Organization", "name": event.organiser_label}
    if event.organiser_kind == Event.OrganiserKind.SITE:
        data["url"] = site_url
    return data


def event_items(
    event: Event, timings: list[EventTiming], *, url: str, site_url: str, image_url: str = ""
) -> list[dict]:
    """One schema.org item per date of the event (none without a date)."""
    common: dict = {
        "@context": "https://schema.org",
        "@type": event.schema_type,
        "name": event.title,
        "eventStatus": SCHEMA + event.schema_status,
        "eventAttendanceMode": SCHEMA + event.schema_attendance_mode,
        "url": url,
        "organizer": organizer(event, site_url),
        "offers": offer(event, url),
    }
    description = event.summary or event.description
    if description:
        common["description"] = description
    if image_url:
        common["image"] = [image_url]
    if event.state == Event.State.RESCHEDULED and event.previous_start:
        common["previousStartDate"] = iso(event.previous_start)
    if event.keyword_list:
        common["keywords"] = ", ".join(event.keyword_list)
    return [
        {
            **common,
            "startDate": iso(timing.start),
            "endDate": iso(timing.end),
            "location": location(event, timing),
        }
        for timing in timings
    ]


# <, > and & as JSON \u escapes, which Django's json_script applies too: no "</script>" or
# "<!--" in a value can end or bend the script element.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json(items: list[dict]) -> SafeString:
    """The items as the text of a <script type="application/ld+json">, escaped like Django's
    json_script (<, > and & as \\u escapes: no "</script>" can end it early)."""
    data = items[0] if len(items) == 1 else items
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(SCRIPT_ESCAPES))
