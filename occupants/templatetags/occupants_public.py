from django import template
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from core import sections
from occupants.selectors import site_occupant_picture
from sites.models import Site

register = template.Library()

TEMPLATE = "occupants/public/site_occupants.html"


@register.simple_tag(takes_context=True)
def site_occupants(context: template.Context, site: Site) -> SafeString:
    """The site page's occupant picture: figures, sector chart and public structures; for an
    anonymous visitor from the cache (core.sections) under the site, its last change and the
    day."""
    key = f"occupants:{site.pk}:{site.updated_at:%Y%m%d%H%M%S%f}:{timezone.localdate():%Y%m%d}"
    return sections.section(context.get("request"), key, lambda: _render(site))


def _render(site: Site) -> SafeString:
    return render_to_string(TEMPLATE, {"site": site, "picture": site_occupant_picture(site)})
