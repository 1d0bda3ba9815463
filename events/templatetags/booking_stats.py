"""{% booking_rate site %}: the yearly occupancy rate of a site's shared rooms, for its page."""

from __future__ import annotations

from django import template

from events.stats import last_twelve_months, site_rate
from sites.models import Site

register = template.Library()


@register.inclusion_tag("events/manager/_site_rate.html")
def booking_rate(site: Site) -> dict:
    """Three queries (opening hours, closed periods, bookings) whatever the data size; none
    when the site has no bookable room (its spaces are usually prefetched by the page)."""
    start, end = last_twelve_months()
    return {"site": site, "rate": site_rate(site, start, end), "start": start, "end": end}
