"""{% booking_rate site %}: the yearly occupancy rate of a site's shared rooms, for its page."""

from __future__ import annotations

from django import template

from events.stats import cached_site_rate, last_twelve_months
from sites.models import Site

register = template.Library()


@register.inclusion_tag("events/manager/_site_rate.html")
def booking_rate(site: Site) -> dict:
    """Three queries (opening hours, closed periods, bookings) whatever the data size, once a
    day per site (cached, see events.stats.cached_site_rate); none when the site has no
    bookable room (its spaces are usually prefetched by the page)."""
    start, end = last_twelve_months()
    return {"site": site, "rate": cached_site_rate(site, start, end), "start": start, "end": end}
