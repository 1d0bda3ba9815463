"""The public agenda in templates: `{% load agenda_public %}`.

- `{% site_agenda site %}`: a site page's next public events (sites and occupants may not import
  events: the site page loads this tag, like `{% booking_rate site %}`);
- `{{ timing|timing_label }}`: "samedi 1er décembre 2026, de 14:00 à 17:00" in the active
  language, on the sites' wall clock.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import sections
from core.cachekeys import digest
from core.text import ordinal_day
from events.formatting import local
from events.models import Event
from sites.models import Site

register = template.Library()

SITE_AGENDA_SIZE = 4
TEMPLATE = "events/agenda/_site_agenda.html"


@register.simple_tag(takes_context=True)
def site_agenda(context: template.Context, site: Site) -> SafeString:
    """The site's next SITE_AGENDA_SIZE public events, soonest first, in one query (for an
    anonymous visitor from the cache, core.sections, under what it shows of the site)."""

    def render() -> str:
        events = list(
            Event.objects.published_public().filter(site=site).upcoming()
            .only("pk", "slug", "title", "kind", "state", "price_kind", "price_amount", "site")
            [:SITE_AGENDA_SIZE]
        )  # fmt: skip
        return render_to_string(TEMPLATE, {"site": site, "events": events})

    key = f"agenda:{site.pk}:{digest((site.slug, site.name))}"
    return sections.section(context.get("request"), key, render)


def long_day(moment) -> str:
    return ordinal_day(formats.date_format(local(moment), "l j F Y"))


@register.filter
def timing_label(timing) -> str:
    start, end = local(timing.start), local(timing.end)
    if start.date() == end.date():
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": long_day(start),
            "start": formats.time_format(start, "H:i"),
            "end": formats.time_format(end, "H:i"),
        }
    return _("du %(start_day)s à %(start)s au %(end_day)s à %(end)s") % {
        "start_day": long_day(start),
        "start": formats.time_format(start, "H:i"),
        "end_day": long_day(end),
        "end": formats.time_format(end, "H:i"),
    }


@register.filter
def day_label(moment) -> str:
    """ "samedi 1er décembre 2026" (a datetime, on the sites' wall clock)."""
    return long_day(moment) if moment else ""
