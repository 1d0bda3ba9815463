"""The impact pages in other apps' templates: `{% load impact_public %}`.

- `{% site_impact_link site %}`: on a site page, a link to its reports when it has published
  ones (sites and occupants may not import impact: the site page loads this tag, like
  `{% site_agenda site %}`). One query, whatever the number of reports.
"""

from __future__ import annotations

from django import template

from impact.models import ImpactReport
from sites.models import Site

register = template.Library()


@register.inclusion_tag("impact/_site_link.html")
def site_impact_link(site: Site) -> dict:
    latest = (
        ImpactReport.objects.published()
        .filter(site=site)
        .only("pk", "slug", "title", "period_start", "period_end", "site_id")
        .order_by("-period_end", "pk")
        .first()
    )
    if latest is not None:
        latest.site = site  # get_absolute_url reads the site's slug: no second query
    return {"site": site, "latest": latest}
