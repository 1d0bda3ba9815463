"""The impact pages in other apps' templates: `{% load impact_public %}`.

- `{% site_impact_link site %}`: on a site page, a link to its reports when it has published
  ones (sites and occupants may not import impact: the site page loads this tag, like
  `{% site_agenda site %}`). One query, whatever the number of reports.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from core import sections
from impact.models import ImpactReport
from sites.models import Site

register = template.Library()
TEMPLATE = "impact/_site_link.html"


@register.simple_tag(takes_context=True)
def site_impact_link(context: template.Context, site: Site) -> SafeString:
    """The link to the site's latest published report, if any (for an anonymous visitor from
    the cache, core.sections)."""

    def render() -> str:
        latest = (
            ImpactReport.objects.published()
            .filter(site=site)
            .only("pk", "slug", "title", "period_start", "period_end", "site_id")
            .order_by("-period_end", "pk")
            .first()
        )
        if latest is not None:
            latest.site = site  # get_absolute_url reads the site's slug: no second query
        return render_to_string(TEMPLATE, {"site": site, "latest": latest})

    return sections.section(context.get("request"), f"impact:{site.pk}:{site.slug}", render)
