from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from occupants.selectors import picture_from_cache, site_occupant_picture
from sites.models import Site

register = template.Library()

TEMPLATE = "occupants/public/site_occupants.html"


@register.simple_tag(takes_context=True)
def site_occupants(context: template.Context, site: Site) -> SafeString:
    """The site page's occupant picture: figures, sector chart and public structures.

    Anonymous visitors get it from Django's cache for SITE_OCCUPANTS_CACHE_SECONDS, under the
    site, its last change, the day and the language (no invalidation: a new occupant shows once
    the entry expires, as with the page cache); logged-in users always get it fresh."""
    request = context.get("request")
    if request is None or not picture_from_cache(request.user):
        return _render(site)
    key = (
        f"occupants:site-picture:{site.pk}:{site.updated_at:%Y%m%d%H%M%S%f}"
        f":{timezone.localdate():%Y%m%d}:{get_language()}"
    )
    html = cache.get(key)
    if html is None:
        html = _render(site)
        cache.set(key, str(html), settings.SITE_OCCUPANTS_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, stored as rendered


def _render(site: Site) -> SafeString:
    return render_to_string(TEMPLATE, {"site": site, "picture": site_occupant_picture(site)})
