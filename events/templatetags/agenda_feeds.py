"""{% agenda_feeds site as feeds %}: the addresses of the agenda's iCalendar feeds (the whole
agenda, and a site's when `site` is given), each in https:// and webcal:// (the scheme that
opens the calendar app to subscribe), for templates/events/agenda/_subscribe.html."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


def feed_addresses(path: str) -> dict[str, str]:
    https = settings.SITE_URL + path
    _scheme, _, rest = https.partition("://")
    return {"https": https, "webcal": f"webcal://{rest}" if rest else https}


@register.simple_tag
def agenda_feeds(site=None) -> dict:
    feeds = {"agenda": feed_addresses(reverse("agenda_feeds:agenda"))}
    if site is not None and getattr(site, "slug", ""):
        feeds["site"] = feed_addresses(reverse("agenda_feeds:site", kwargs={"site": site.slug}))
        feeds["openagenda"] = settings.SITE_URL + reverse(
            "agenda_feeds:openagenda", kwargs={"site": site.slug}
        )
    return feeds
